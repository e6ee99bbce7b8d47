#!/bin/sh
# run.sh: the catalogue of bad inputs (README.md in this folder lists them).
# Each NAME.case file is one case: header lines, then the files it needs.
#
#   # what the case is about (comment lines are ignored)
#   setup: a shell command that makes inputs too odd to commit (optional, repeatable)
#   cmd: the command, run by sh in a new empty folder ("womsim" is the program)
#   exit: the expected exit status
#   stderr: the exact expected stderr, one line; "stderr:" alone: none at all
#   stderr-match: instead of stderr, a sh pattern (for numbers of an estimate)
#   stdout: a line stdout must hold (optional, repeatable)
#   output: none (default): the folder "out" is absent or holds no file;
#           kept: every file in "out" is whole: listed in out/manifest.json
#           with its SHA-256, no temporary file, and the manifest records
#           the exit status
#   needs: permissions (the case is skipped where even a read-only folder
#          is writable: root without setpriv)
#   --- NAME
#   the lines of file NAME, to the next "--- " line or the end
#
# Every case must have its row in README.md, and every row its case.
# Ends with one "bad-inputs: N passed, N failed" line (", N skipped" when a
# case needs what the machine lacks). Run from the repository root with
# WOMSIM set to the program (make bad-inputs does).
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
WOMSIM=${WOMSIM:-$(pwd)/build/womsim}
CASES=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/womsim-bad-inputs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/bin"
ln -s "$WOMSIM" "$WORK/bin/womsim"
PATH="$WORK/bin:$PATH"
export OMP_NUM_THREADS=2
unset CI

# Commands run without the power to ignore file permissions, so that a
# read-only folder is read-only to root too (root keeps it through
# CAP_DAC_OVERRIDE; setpriv drops it). Probed once: where it cannot be
# dropped, the cases that need it are skipped.
unprivileged=""
if [ "$(id -u)" -eq 0 ]; then
    unprivileged="setpriv --inh-caps=-dac_override,-dac_read_search \
--bounding-set=-dac_override,-dac_read_search"
fi
mkdir -m 555 "$WORK/probe"
if $unprivileged sh -c "touch '$WORK/probe/x'" 2>/dev/null; then
    permissions=no
else
    permissions=yes
fi
rmdir "$WORK/probe" 2>/dev/null || true

passes=0
failures=0
skips=0

# field NAME FILE: the values of header lines "NAME: value", one a line.
field() {
    sed -n '/^--- /q; s/^'"$1"': \{0,1\}//p' "$2"
}

# unpack CASE DIR: writes the case's embedded files into DIR.
unpack() {
    awk -v dir="$2" '
        /^--- / { if (out != "") close(out); out = dir "/" substr($0, 5); printf "" >out; next }
        out != "" { print >out }
    ' "$1"
}

# manifest_ok DIR CODE: every file in DIR is listed in DIR/manifest.json
# with its SHA-256, none is a temporary file, the manifest says CODE.
manifest_ok() {
    [ -f "$1/manifest.json" ] || { echo "no $1/manifest.json"; return 1; }
    grep -q "\"exit_status\": $2," "$1/manifest.json" ||
        { echo "manifest.json does not record exit status $2"; return 1; }
    temporary=$(find "$1" -name '*.tmp.*')
    [ -z "$temporary" ] || { echo "temporary files left: $temporary"; return 1; }
    (cd "$1" && find . -type f ! -name manifest.json | sed 's|^\./||' | sort) >"$WORK/found"
    sed -n '/"files": {/,$ s/^ *"\([^"]*\)": "\([0-9a-f]\{64\}\)",\{0,1\}$/\2  \1/p' "$1/manifest.json" |
        sort -k 2 >"$WORK/listed"
    awk '{ print $2 }' "$WORK/listed" | cmp -s - "$WORK/found" ||
        { echo "files and manifest differ: $(awk '{ print $2 }' "$WORK/listed" |
            diff - "$WORK/found" | grep '^[<>]' | tr '\n' ' ')"; return 1; }
    [ ! -s "$WORK/listed" ] || (cd "$1" && sha256sum -c --quiet "$WORK/listed" >/dev/null 2>&1) ||
        { echo "a file does not match its SHA-256 in the manifest"; return 1; }
}

# check_case CASE DIR: runs the case in DIR; prints why it failed, if it did.
check_case() {
    want_exit=$(field exit "$1")
    (
        cd "$2" || exit 1
        field setup "$1" >setup.sh
        sh -e setup.sh >/dev/null || { echo "setup failed"; exit 1; }
        rm setup.sh
        cmd=$(field cmd "$1")
        # shellcheck disable=SC2086 # $unprivileged is a command prefix or nothing
        timeout 60 $unprivileged sh -c "$cmd" >"$WORK/stdout" 2>"$WORK/stderr"
        echo $? >"$WORK/status"
    )
    [ -f "$WORK/status" ] || return 0
    got_exit=$(cat "$WORK/status")
    rm -f "$WORK/status"
    [ "$got_exit" = 124 ] && { echo "still running after 60 s"; return 0; }
    [ "$got_exit" = "$want_exit" ] || echo "exit $got_exit, expected $want_exit"
    stderr=$(cat "$WORK/stderr")
    if grep -q '^stderr-match:' "$1"; then
        pattern=$(field stderr-match "$1")
        # shellcheck disable=SC2254 # the pattern is meant to match
        case "$stderr" in $pattern) ;; *) echo "stderr '$stderr' does not match '$pattern'" ;; esac
    else
        [ "$(wc -l <"$WORK/stderr")" -le 1 ] && [ "$stderr" = "$(field stderr "$1")" ] ||
            echo "stderr '$stderr', expected '$(field stderr "$1")'"
    fi
    field stdout "$1" | while IFS= read -r line; do
        grep -qxF -- "$line" "$WORK/stdout" || echo "stdout lacks '$line'"
    done
    case "$(field output "$1")" in
    "" | none)
        files=$(find "$2/out" -type f 2>/dev/null)
        [ -z "$files" ] || echo "output left behind: $files"
        ;;
    kept) manifest_ok "$2/out" "$want_exit" ;;
    *) echo "unknown output: $(field output "$1")" ;;
    esac
}

for file in "$CASES"/*.case; do
    name=$(basename "$file" .case)
    if ! grep -q "^| $name | " "$CASES/README.md"; then
        failures=$((failures + 1))
        echo "FAIL $name: not in the table of README.md"
        continue
    fi
    if grep -q '^needs: permissions' "$file" && [ "$permissions" = no ]; then
        skips=$((skips + 1))
        echo "SKIP $name: cannot take away the permission to write (root without setpriv)"
        continue
    fi
    mkdir "$WORK/$name"
    unpack "$file" "$WORK/$name"
    why=$(check_case "$file" "$WORK/$name")
    if [ -z "$why" ]; then
        passes=$((passes + 1))
        echo "PASS $name"
    else
        failures=$((failures + 1))
        echo "FAIL $name"
        echo "$why" | sed 's/^/    /'
    fi
    chmod -R u+w "$WORK/$name"
    rm -rf "${WORK:?}/$name"
done
sed -n 's/^| \([a-z0-9-]*\) | .*/\1/p' "$CASES/README.md" >"$WORK/rows"
while read -r name; do
    if [ "$name" != case ] && [ ! -f "$CASES/$name.case" ]; then
        failures=$((failures + 1))
        echo "FAIL $name: in the table of README.md, but there is no $name.case"
    fi
done <"$WORK/rows"
echo "bad-inputs: $passes passed, $failures failed$([ "$skips" -gt 0 ] && echo ", $skips skipped")"
[ "$failures" -eq 0 ]
