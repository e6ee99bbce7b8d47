#!/bin/sh
# run.sh: end-to-end tests of the womsim program. Each test is a shell
# function named test_*; the runner calls them all, prints PASS/FAIL (or
# SKIP) per test, and ends with one "e2e: N passed, N failed" line (", N
# skipped" added when some were). Run from the repository root with WOMSIM
# set to the program (make e2e does).
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
WOMSIM=${WOMSIM:-$(pwd)/build/womsim}
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/womsim-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export OMP_NUM_THREADS=2

failures=0
passes=0
skips=0
current=""

# fail MESSAGE: marks the current test failed with a reason.
fail() {
    echo "  $current: $*" >&2
    test_failed=1
}

# skip REASON: ends the current test as skipped, saying why.
skip() {
    echo "skipped: $*" >"$WORK/.skip"
    exit 77
}

# expect_exit CODE STDERR_SUBSTRING COMMAND...: runs COMMAND, checks its
# exit code and that its stderr contains the substring.
expect_exit() {
    want_code=$1
    want_text=$2
    shift 2
    "$@" >"$WORK/.stdout" 2>"$WORK/.stderr"
    got=$?
    [ "$got" -eq "$want_code" ] || fail "exit $got, expected $want_code: $*: $(cat "$WORK/.stderr")"
    grep -qF -- "$want_text" "$WORK/.stderr" ||
        fail "stderr lacks '$want_text': $(cat "$WORK/.stderr")"
}

# scenario NAME <<EOF ... EOF: writes a scenario file into the test's folder.
scenario() {
    cat >"$1"
}

# json_number FILE KEY: the number after "KEY": in FILE (first match).
json_number() {
    sed -n "s/.*\"$2\": \([-0-9.e+]*\).*/\1/p" "$1" | head -n 1
}

for file in "$ROOT"/tests/e2e/test_*.sh; do
    . "$file"
done

for test in $(grep -ho '^test_[a-z0-9_]*' "$ROOT"/tests/e2e/test_*.sh); do
    case $test in ${E2E_ONLY:-*}) ;; *) continue ;; esac # E2E_ONLY='test_explore_*': a few
    current=$test
    test_failed=0
    mkdir "$WORK/$test"
    rm -f "$WORK/.skip"
    (cd "$WORK/$test" && $test) 2>"$WORK/test.log"
    status=$?
    if [ "$status" -eq 77 ] && [ -s "$WORK/.skip" ] && ! grep -q . "$WORK/test.log"; then
        skips=$((skips + 1))
        echo "SKIP $test: $(cat "$WORK/.skip")"
    elif [ "$status" -ne 0 ] || grep -q . "$WORK/test.log"; then
        failures=$((failures + 1))
        echo "FAIL $test"
        sed 's/^/    /' "$WORK/test.log"
    else
        passes=$((passes + 1))
        echo "PASS $test"
    fi
done
echo "e2e: $passes passed, $failures failed$([ "$skips" -gt 0 ] && echo ", $skips skipped")"
[ "$failures" -eq 0 ]
