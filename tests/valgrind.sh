#!/bin/sh
# valgrind.sh: memcheck of the womsim program on small inputs, one thread
# (OMP_NUM_THREADS=1: valgrind serialises threads anyway, and libgomp's
# pool would only add its reachable blocks): a sweep, two shards and their
# merge, a disk that fills and the resume after it, a bad edge list, a
# scenario refused, `graph`, `check --dump`, a Bass fit (`fit --bass`)
# of a good table and of a bad one, and a scenario's short fit to an
# observed table (`fit SCENARIO --data`, with its bootstrap) and a refused
# one. Each must end with its expected exit
# status and no memcheck error or leak (definite, indirect or possible;
# blocks libgomp keeps reachable are not leaks). Ends with one
# "valgrind: N passed, N failed" line. Run from the repository root with
# WOMSIM set to the program (make valgrind does).
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
WOMSIM=${WOMSIM:-$(pwd)/build/womsim}
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/womsim-valgrind.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=1
unset CI
passes=0
failures=0
blocks=

# memcheck CODE COMMAND...: runs womsim under memcheck in $WORK; while
# $blocks is set, files are limited to that many blocks of 512 bytes (a
# full disk).
memcheck() {
    want=$1
    shift
    (cd "$WORK" && if [ -n "$blocks" ]; then trap '' XFSZ && ulimit -f "$blocks"; fi &&
        valgrind --error-exitcode=99 --leak-check=full \
            --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite,indirect,possible -q \
            "$WOMSIM" "$@" >out.txt 2>err.txt)
    got=$?
    if [ "$got" -eq "$want" ] && ! grep -q '^==[0-9]*==' "$WORK/err.txt"; then
        passes=$((passes + 1))
        echo "PASS womsim $*"
    else
        failures=$((failures + 1))
        echo "FAIL womsim $* (exit $got, expected $want)"
        sed 's/^/    /' "$WORK/err.txt"
    fi
}

scenario=$ROOT/tests/data/sanitize.ini
printf '1 2\n3\n' >"$WORK/bad.txt"
printf '[network]\nmodel = file\nfile = bad.txt\n' >"$WORK/bad.ini"
memcheck 0 run "$scenario" -o sweep -q --no-plot
memcheck 0 run "$scenario" -o split -q --no-plot --shard 0/2
memcheck 0 run "$scenario" -o split -q --no-plot --shard 1/2
memcheck 0 merge split -q --no-plot
blocks=20 # the task files fit, the outputs do not
memcheck 74 run "$scenario" -o full -q --no-plot
blocks=
memcheck 0 run "$scenario" -o full -q --no-plot --resume
memcheck 65 run bad.ini -o bad -q --no-plot
memcheck 78 run "$scenario" -o refused -q --no-plot --set service.quality=2
memcheck 0 graph --edges "$ROOT/tests/data/snap-fixture.txt" --write copy.txt
memcheck 0 check "$scenario" --dump
memcheck 0 fit --bass "$ROOT/data/bass-air-conditioners.csv" -o fit -q --no-plot
memcheck 65 fit --bass bad.txt -o badfit -q --no-plot
printf 'day,customers\n0,40\n10,38\n20,37\n30,36\n' >"$WORK/observed.csv"
memcheck 0 fit "$scenario" --set wom.forward_prob=0.05 --data observed.csv \
    --free failure.late-delivery.rate=0.02:0.1 --starts 3 --max-evaluations 8 --bootstrap 2 \
    -o calib -q --no-plot
memcheck 65 fit "$scenario" --set wom.forward_prob=0.05 --data bad.txt \
    --free failure.late-delivery.rate=0.02:0.1 -o badcalib -q --no-plot
cmp -s "$WORK/sweep/sweep.csv" "$WORK/split/sweep.csv" ||
    { failures=$((failures + 1)); echo "FAIL the merged shards differ from the whole sweep"; }
echo "valgrind: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
