#!/bin/sh
# scenario-pictures.sh: runs every scenario in configs/ and copies one plot
# of each to docs/img/<scenario>.png, the pictures of docs/scenarios.md.
# The plot is the sweep's (sweep.png) when the scenario sweeps a key, else
# its timeseries.png; a few scenarios name a more telling one below, and
# two get a picture drawn here from their CSV files (service-cultures:
# each community's customers; learning-from-complaints: each problem's
# failures per 1,000 orders at the end of the year). Run
# from the repository root after `make`; the scenarios' own settings make
# the pictures (about a minute in all on 2 cores), and any further
# arguments go to every `womsim run` (say `-r 2 --set simulation.steps=30`
# for a quick look: then also give another folder with -o).
#
#   scripts/scenario-pictures.sh [-o DIR] [womsim run options...]
#
# Prints each scenario's wall time. WOMSIM overrides the program
# (default build/womsim).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

WOMSIM=${WOMSIM:-build/womsim}
dest=docs/img
if [ "${1:-}" = "-o" ]; then
    [ $# -ge 2 ] || { echo "scenario-pictures.sh: -o needs a folder" >&2; exit 64; }
    dest=$2
    shift 2
fi
[ -d configs ] || { echo "scenario-pictures.sh: no configs/ here: run it from the repository root" >&2; exit 66; }
[ -x "$WOMSIM" ] || { echo "scenario-pictures.sh: $WOMSIM not found: run make first" >&2; exit 66; }
command -v gnuplot >/dev/null 2>&1 ||
    { echo "scenario-pictures.sh: gnuplot not found: run scripts/install-deps.sh" >&2; exit 69; }

# chosen_plot NAME: the plot that tells a scenario's story, relative to its
# output folder; empty for the default.
chosen_plot() {
    case $1 in
    poor-service) echo points/2/timeseries.png ;; # quality 0.6, over the year
    *) echo "" ;;
    esac
}

# The terminal of the drawn pictures, as womsim's own sweep plots.
TERMINAL="set terminal pngcairo size 1000,650 noenhanced font ',10'"

# column_of FILE NAME: the 1-based index of column NAME in the CSV FILE's
# header (empty when it has none).
column_of() {
    head -n 1 "$1" | tr ',' '\n' | grep -nx -- "$2" | cut -d: -f1
}

# draw_cultures DIR PNG: customers at the end of the year in each community
# (customers_block0..2 of sweep.csv, mean and 95% CI) against quality.
draw_cultures() {
    csv=$1/sweep.csv
    x=$(column_of "$csv" key:service.quality)
    set --  "$1" "$2" \
        "$(column_of "$csv" customers_block0_mean)" \
        "$(column_of "$csv" customers_block1_mean)" \
        "$(column_of "$csv" customers_block2_mean)"
    [ -n "$x" ] && [ -n "$3" ] && [ -n "$4" ] && [ -n "$5" ] || return 1
    cat >"$1/picture.gp" <<EOF
$TERMINAL
set output '$2'
set datafile separator ','
set grid
set key top left
set offsets graph 0.05, graph 0.05, 0, 0
set title 'womsim: service-cultures: customers at the end of the year in each community'
set xlabel 'service.quality'
set ylabel 'customers (mean and 95% CI)'
plot '$csv' every ::1 using $x:$3:$(($3 + 2)):$(($3 + 3)) with yerrorlines lw 2 title 'locals (4,000; expectation 0)', \\
     '' every ::1 using $x:$4:$(($4 + 2)):$(($4 + 3)) with yerrorlines lw 2 title 'travellers (3,000; 0.5)', \\
     '' every ::1 using $x:$5:$(($5 + 2)):$(($5 + 3)) with yerrorlines lw 2 title 'tourist quarter (3,000; 1)'
EOF
    gnuplot "$1/picture.gp"
}

# point_of DIR LEARNING COMPLAIN: the point of sweep.csv with these values.
point_of() {
    awk -F, -v l="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $k["key:recovery.learning"] == l && $k["key:recovery.complain_rate"] == c { print $1 }' "$1/sweep.csv"
}

# draw_learning DIR PNG: each failure mode's failures per 1,000 orders over
# the last 30 days (fewer in a shorter run), without learning and with
# learning 0.05 at both complaint rates.
draw_learning() {
    data=$1/learning.dat
    : >"$data"
    for point in "$(point_of "$1" 0 0.037)" "$(point_of "$1" 0.05 0.037)" "$(point_of "$1" 0.05 0.2)"; do
        [ -n "$point" ] || return 1
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^failures_.*_mean$/) {
                    name = substr($i, 10, length($i) - 14); modes[++n] = name; col[name] = i }
                    else if ($i == "encounters_mean") enc = i; next }
            { row[NR] = $0; last = NR }
            END { first = last - 29 > 2 ? last - 29 : 2
                for (r = first; r <= last; r++) { split(row[r], f, ",")
                    orders += f[enc]; for (m = 1; m <= n; m++) fail[m] += f[col[modes[m]]] }
                for (m = 1; m <= n; m++) printf "%s %g\n", modes[m], (orders > 0 ? 1000 * fail[m] / orders : 0) }' \
            "$1/points/$point/timeseries.csv" >"$data.$point"
    done
    paste -d' ' "$data.$(point_of "$1" 0 0.037)" "$data.$(point_of "$1" 0.05 0.037)" \
        "$data.$(point_of "$1" 0.05 0.2)" | awk '{ print $1, $2, $4, $6 }' >"$data"
    [ -s "$data" ] || return 1
    cat >"$1/picture.gp" <<EOF
$TERMINAL
set output '$2'
set grid ytics
set key top right
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30
set bmargin 6
set title 'womsim: learning-from-complaints: failures per 1,000 orders in the last month of the year'
set ylabel 'failures per 1,000 orders'
plot '$data' using 2:xtic(1) title 'no learning (1 complaint in 27)', \\
     '' using 3 title 'learning 5% a complaint, 1 in 27 complain', \\
     '' using 4 title 'learning 5% a complaint, 1 in 5 complain'
EOF
    gnuplot "$1/picture.gp"
}

# drawer NAME: the function that draws NAME's own picture; empty when
# womsim's plot is the picture.
drawer() {
    case $1 in
    service-cultures) echo draw_cultures ;;
    learning-from-complaints) echo draw_learning ;;
    *) echo "" ;;
    esac
}

work=$(mktemp -d "${TMPDIR:-/tmp}/womsim-pictures.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

for scenario in configs/*.ini; do
    name=$(basename "$scenario" .ini)
    start=$(date +%s.%N)
    "$WOMSIM" run "$scenario" -o "$work/$name" -q "$@"
    seconds=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
    draw=$(drawer "$name")
    if [ -n "$draw" ]; then
        plot="drawn from its CSV files"
        "$draw" "$work/$name" "$work/$name/picture.png" 2>"$work/draw.txt" &&
            [ -s "$work/$name/picture.png" ] ||
            { echo "scenario-pictures.sh: $name: its picture was not drawn: $(cat "$work/draw.txt")" >&2; exit 70; }
        cp "$work/$name/picture.png" "$dest/$name.png"
    else
        plot=$(chosen_plot "$name")
        if [ -z "$plot" ]; then
            plot=timeseries.png
            [ -e "$work/$name/sweep.png" ] && plot=sweep.png
        fi
        [ -s "$work/$name/$plot" ] ||
            { echo "scenario-pictures.sh: $name: no $plot was drawn" >&2; exit 70; }
        cp "$work/$name/$plot" "$dest/$name.png"
    fi
    printf '%-24s %5s s  %s\n' "$name" "$seconds" "$dest/$name.png ($plot)"
    rm -rf "${work:?}/$name"
done
