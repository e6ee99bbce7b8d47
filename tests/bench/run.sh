#!/bin/sh
# run.sh: `make bench`: every workload at 1 and 2 threads (BENCH_THREADS: any
# list, e.g. "1 2 4 8 16"), each in its own process (tests/bench/bench.c),
# into one table printed and written to out/bench/bench.csv and bench.md.
# The speed-up column is the 1-thread wall time over the row's (blank
# without a 1-thread row). BENCH_WORKLOADS picks the workloads (default W1
# W2 W3 W4 W6 W7 and the generators W8-*; `make bench-large` runs W5). W7
# runs the ceiling program ($CEILING, default build/ceiling) too, and loads
# its graph from a .sg file.
# Threads wait for each other asleep (OMP_WAIT_POLICY=passive) unless the
# caller says otherwise: on a shared machine a spinning thread takes the
# core another process needs and the figures swing by several times.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
bench=${BENCH:-build/bench}
workloads=${BENCH_WORKLOADS:-W1 W2 W3 W4 W6 W7 W8-er W8-ws W8-ba W8-cm W8-sbm}
threads=${BENCH_THREADS:-1 2}
out=${BENCH_OUT:-out/bench}
mkdir -p "$out"
csv="$out/bench.csv"
tmp="$csv.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$bench" --header >"$tmp"
for workload in $workloads; do
    for t in $threads; do
        OMP_NUM_THREADS=$t "$bench" "$workload" "$t" >>"$tmp"
    done
done
# The speed-up over 1 thread, appended to each row (blank where a workload
# ran without a 1-thread row).
awk -F, 'NR == 1 { print $0 ",speedup"; next }
    { rows[NR] = $0; wall[$1 "," $7] = $11; name[NR] = $1; t[NR] = $7 }
    END { for (i = 2; i <= NR; i++) {
        one = wall[name[i] ",1"]; s = ""
        if (t[i] > 1 && one != "") s = sprintf("%.2f", one / wall[name[i] "," t[i]])
        print rows[i] "," s } }' "$tmp" >"$csv"
# The Markdown table: the columns a reader compares first.
awk -F, 'NR == 1 { print "| workload | agents | edges | steps | reps x points | threads | graph s | run s | output s | wall s | CPU s | agent-steps/s | messages/s | activations/s | peak MB | B/edge | B/agent | BFS nodes/s | ratio to BFS | read MB/s | scan MB/s | ceiling s | ratio to ceiling | .sg read s | SNAP over .sg | speed-up |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"; next }
    { printf "| %s | %s | %s | %s | %s x %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
      $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27 }' \
    "$csv" >"$out/bench.md"
cat "$out/bench.md"
