#!/bin/sh
# tsan.sh: the parallel kernel under ThreadSanitizer. WOMSIM is a build
# with clang -fsanitize=thread (make tsan: build-tsan/womsim), which uses
# LLVM's OpenMP runtime; ARCHER is its libarcher.so, the OpenMP tool that
# tells ThreadSanitizer about OpenMP's barriers, locks and atomics (without
# it every barrier looks like a race). Runs a small sweep on 2 threads with
# each task's agents split over the threads (atomic inbox increments),
# with whole tasks per thread, and one task on 2 threads, and a cascade
# whose frontiers are wide enough to be split over the threads (each owns
# a range of the nodes; successes on others' nodes go through buckets,
# handed over at barriers, in several rounds), and the sweep with a
# network per replication (each thread builds its replication's network)
# and common random numbers, as whole tasks and split (each run's outputs
# too: task files read back and runs.csv formatted over the threads); then
# the graph generators and the edge-list reader that split their work over
# the threads; each must exit 0 without a report, give the same bytes, and
# the tool must have loaded.
# Ends with one "tsan: N passed, N failed" line.
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
WOMSIM=${WOMSIM:-$(pwd)/build-tsan/womsim}
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/womsim-tsan.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export OMP_TOOL_LIBRARIES="$ARCHER"
export TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=1"
unset CI
passes=0
failures=0

# race_free NAME SCENARIO ARGS...: runs `womsim run` on a scenario of
# tests/data/.
race_free() {
    name=$1
    scenario=$2
    shift 2
    OMP_TOOL_VERBOSE_INIT="$WORK/$name.tool" "$WOMSIM" run "$ROOT/tests/data/$scenario" \
        -o "$WORK/$name" -q --no-plot -t 2 "$@" 2>"$WORK/$name.err"
    got=$?
    if [ "$got" -eq 0 ] && [ ! -s "$WORK/$name.err" ] &&
        grep -q 'Tool was started' "$WORK/$name.tool"; then
        passes=$((passes + 1))
        echo "PASS $name"
    else
        failures=$((failures + 1))
        echo "FAIL $name (exit $got)"
        grep -qs 'Tool was started' "$WORK/$name.tool" || echo "    libarcher did not start"
        sed 's/^/    /' "$WORK/$name.err"
    fi
}

race_free agents sanitize.ini --parallel agents
race_free tasks sanitize.ini --parallel tasks
race_free one-task sanitize.ini --parallel agents -r 1 --set wom.forward_prob=0.1
race_free cascade sanitize-sir.ini --parallel agents
race_free own-networks sanitize.ini --parallel tasks --set network.per_replication=true \
    --set simulation.common_random_numbers=true
race_free own-networks-agents sanitize.ini --parallel agents --set network.per_replication=true \
    --set simulation.common_random_numbers=true
cmp -s "$WORK/agents/runs.csv" "$WORK/tasks/runs.csv" ||
    { failures=$((failures + 1)); echo "FAIL agents and tasks: runs.csv differs"; }
cmp -s "$WORK/own-networks/runs.csv" "$WORK/own-networks-agents/runs.csv" ||
    { failures=$((failures + 1)); echo "FAIL own networks, agents and tasks: runs.csv differs"; }
# graph_race_free NAME ARGS...: runs `womsim graph` on 2 threads: the
# generators and readers that split their work over the threads (the
# Barabasi-Albert chunks working out each other's edges, Erdos-Renyi's and
# the SBM's parts of rows and of columns, the CSR builder's parts, the SNAP
# reader's pieces), each exporting the same bytes as on one thread.
graph_race_free() {
    name=$1
    shift
    OMP_NUM_THREADS=1 "$WOMSIM" graph "$@" --write "$WORK/$name-1.txt" >/dev/null 2>&1
    OMP_NUM_THREADS=2 OMP_TOOL_VERBOSE_INIT="$WORK/$name.tool" "$WOMSIM" graph "$@" \
        --write "$WORK/$name-2.txt" >/dev/null 2>"$WORK/$name.err"
    got=$?
    if [ "$got" -eq 0 ] && [ ! -s "$WORK/$name.err" ] &&
        grep -q 'Tool was started' "$WORK/$name.tool" &&
        cmp -s "$WORK/$name-1.txt" "$WORK/$name-2.txt"; then
        passes=$((passes + 1))
        echo "PASS $name"
    else
        failures=$((failures + 1))
        echo "FAIL $name (exit $got)"
        sed 's/^/    /' "$WORK/$name.err"
    fi
}

graph_race_free barabasi-albert "$ROOT/tests/data/sanitize.ini" --set wom.forward_prob=0.02 \
    --set network.model=barabasi-albert --set network.nodes=20000 --set network.m=3
graph_race_free watts-strogatz "$ROOT/tests/data/sanitize.ini" --set wom.forward_prob=0.02 \
    --set network.nodes=20000 --set network.rewire=0.5
graph_race_free erdos-renyi "$ROOT/tests/data/sanitize.ini" --set wom.forward_prob=0.02 \
    --set network.model=erdos-renyi --set network.nodes=20000 --set network.mean_degree=10
graph_race_free sbm "$ROOT/tests/data/sanitize.ini" --set wom.forward_prob=0.02 \
    --set network.model=sbm --set network.blocks=8000,7000,5000 --set network.p_in=0.001 \
    --set network.p_out=0.0002
awk 'BEGIN { for (i = 0; i < 60000; i++) print (i * 7919) % 20011, (i * 104729) % 20011 }' \
    >"$WORK/edges.txt"
graph_race_free edge-list --edges "$WORK/edges.txt"

echo "tsan: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
