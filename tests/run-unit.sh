#!/bin/sh
# run-unit.sh: runs each cmocka unit-test program given as an argument and
# ends with one "unit: N passed, N failed" line (N counts test cases).
# Exits non-zero when any test or program fails.
# SPDX-License-Identifier: GPL-3.0-or-later
passed=0
failed=0
for program in "$@"; do
    log=$(mktemp)
    "$program" >"$log" 2>&1
    status=$?
    cat "$log"
    ok=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    bad=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${ok:-0}))
    if [ "$status" -ne 0 ] && [ -z "$bad" ]; then
        bad=1 # crashed before cmocka could report
        echo "$program: exited with status $status"
    fi
    failed=$((failed + ${bad:-0}))
    rm -f "$log"
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
