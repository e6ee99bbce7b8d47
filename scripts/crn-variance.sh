#!/bin/sh
# crn-variance.sh: the measurements of docs/model.md ("Randomness and
# reproducibility"). First, how much common random numbers
# (simulation.common_random_numbers) narrow the difference between two
# points of a sweep: the baseline shop as configs/baseline.ini has it
# (10,000 agents, a year), 30 replications, compared at service.quality 0.88 and
# 0.9 and at wom.dissatisfied_tell_mean 10 and 15, with and without common
# random numbers. For each pair it prints, for final customers and final
# reputation, the mean difference between the points, the variance of the
# difference over the replications, the 95% interval's half-width (Student
# t) and the ratio of the two variances. Then what a network per
# replication (network.per_replication) costs: the baseline on 10,000
# agents, 20 replications, for a year and for one day (mostly building
# networks), with one shared network and with a network per replication,
# run alternately five times each; the fastest wall time of each, their
# ratio, and the standard deviation of final customers either way. Run from the repository root after `make` (under
# a minute on 2 cores):
#
#   scripts/crn-variance.sh [-o DIR]
#
# DIR (default out/crn-variance) keeps the runs. WOMSIM overrides the
# program (default build/womsim); the threads are womsim's default.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

WOMSIM=${WOMSIM:-build/womsim}
dir=out/crn-variance
if [ "${1:-}" = "-o" ]; then
    [ $# -ge 2 ] || { echo "crn-variance.sh: -o needs a folder" >&2; exit 64; }
    dir=$2
    shift 2
fi
[ $# -eq 0 ] || { echo "usage: scripts/crn-variance.sh [-o DIR]" >&2; exit 64; }
[ -f configs/baseline.ini ] ||
    { echo "crn-variance.sh: no configs/baseline.ini here: run it from the repository root" >&2; exit 66; }
[ -x "$WOMSIM" ] || { echo "crn-variance.sh: $WOMSIM not found: run make first" >&2; exit 66; }
mkdir -p "$dir"

REPLICATIONS=30

# differences RUNS METRIC: from runs.csv of a two-point sweep, each
# replication's final METRIC at point 1 minus point 0; prints the mean
# difference, its variance and the 95% half-width. The Student t quantile
# comes from the Cornish-Fisher expansion in 1 / degrees of freedom (within
# 1e-4 of the exact one from 10 degrees of freedom up).
differences() {
    awk -F, -v metric="$2" '
        NR == 1 { for (i = 1; i <= NF; i++) column[$i] = i; next }
        $(column["metric"]) == metric {
            key = $(column["point"]) "," $(column["replication"])
            if ($(column["step"]) + 0 >= step[key] + 0) {
                step[key] = $(column["step"]); value[key] = $(column["value"])
            }
        }
        END {
            n = 0
            for (r = 0; ("1," r) in value; r++) {
                d[r] = value["1," r] - value["0," r]; sum += d[r]; n++
            }
            mean = sum / n
            for (r = 0; r < n; r++) squares += (d[r] - mean) ^ 2
            variance = squares / (n - 1)
            z = 1.959963985; v = n - 1
            t = z + (z ^ 3 + z) / (4 * v) + (5 * z ^ 5 + 16 * z ^ 3 + 3 * z) / (96 * v ^ 2) \
                + (3 * z ^ 7 + 19 * z ^ 5 + 17 * z ^ 3 - 15 * z) / (384 * v ^ 3)
            printf "%.4g %.6g %.4g\n", mean, variance, t * sqrt(variance / n)
        }' "$1"
}

# compare NAME KEY VALUES: the baseline swept over KEY=VALUES, without and
# with common random numbers; a line per metric.
compare() {
    for common in false true; do
        "$WOMSIM" run configs/baseline.ini -o "$dir/$1-crn-$common" -q --no-plot \
            -r $REPLICATIONS --sweep "$2=$3" \
            --set simulation.common_random_numbers=$common
    done
    for metric in customers reputation; do
        without=$(differences "$dir/$1-crn-false/runs.csv" $metric)
        with=$(differences "$dir/$1-crn-true/runs.csv" $metric)
        echo "$2 $3 $metric $without $with" | awk '{
            printf "| %s %s | %s | %s | %s | %s | %s | %s | %s | %.3f |\n",
                $1, $2, $3, $4, $5, $6, $7, $8, $9, $8 / $5 }'
    done
}

echo "Common random numbers: the baseline (10,000 agents, 365 days), $REPLICATIONS replications"
echo
echo "| points | final | mean difference | variance | 95% half-width | mean difference (CRN) | variance (CRN) | 95% half-width (CRN) | variance ratio |"
echo "|---|---|---|---|---|---|---|---|---|"
compare quality service.quality 0.88,0.9
compare telling wom.dissatisfied_tell_mean 10,15

# seconds COMMAND...: runs it, prints its wall time in seconds.
seconds() {
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    echo "$start $end" | awk '{ printf "%.3f\n", $2 - $1 }'
}

# fastest NAME OPTIONS...: the baseline on 20 replications with OPTIONS,
# with one shared network and with a network per replication, run
# alternately five times each (the machine may be shared); prints "shared
# own", the fastest wall time of each.
fastest() {
    name=$1
    shift
    shared_best=""
    own_best=""
    for round in 1 2 3 4 5; do
        for own in false true; do
            s=$(seconds "$WOMSIM" run configs/baseline.ini -o "$dir/$name-$own" -q --no-plot \
                -r 20 --set network.per_replication=$own "$@")
            if [ "$own" = true ]; then
                own_best=$(echo "$s ${own_best:-$s}" | awk '{ print ($1 < $2 ? $1 : $2) }')
            else
                shared_best=$(echo "$s ${shared_best:-$s}" | awk '{ print ($1 < $2 ? $1 : $2) }')
            fi
        done
    done
    echo "$shared_best $own_best"
}

sd() {
    grep -o '"customers": {"mean": [^,]*, "sd": [^,]*' "$1" | sed 's/.*"sd": //' |
        awk '{ printf "%.1f\n", $1 }'
}

year=$(fastest network)
day=$(fastest network-day --set simulation.steps=1)
echo
echo "A network per replication: the baseline on 10,000 agents, 20 replications"
echo "(fastest of 5 runs each; a run of one day is mostly building networks)"
echo
echo "| days | wall time, one network (s) | wall time, one per replication (s) | ratio | sd of final customers, one network | one per replication |"
echo "|---|---|---|---|---|---|"
echo "365 $year $(sd "$dir/network-false/summary.json") $(sd "$dir/network-true/summary.json")" |
    awk '{ printf "| %s | %s | %s | %.3f | %s | %s |\n", $1, $2, $3, $3 / $2, $4, $5 }'
echo "1 $day" | awk '{ printf "| %s | %s | %s | %.3f | | |\n", $1, $2, $3, $3 / $2 }'
