# test_install.sh: `make install` gives a complete womsim (scenarios found
# by name from any folder, the references rerun, the manual page, bash
# completion, the docs) and `make uninstall` takes all of it away; the
# manual page says what --help says; the completion script completes; no
# shipped file holds a merge's conflict markers.
# SPDX-License-Identifier: GPL-3.0-or-later

test_install_runs_by_name_from_anywhere() {
    prefix=$PWD/prefix
    make -s -C "$ROOT" install PREFIX="$prefix" >make.txt 2>&1 || fail "make install: $(cat make.txt)"
    for file in bin/womsim share/man/man1/womsim.1 share/bash-completion/completions/womsim \
        share/womsim/configs/baseline.ini share/womsim/reference/LIST \
        share/doc/womsim/README.md share/doc/womsim/docs/tutorial.md; do
        [ -s "$prefix/$file" ] || fail "make install left no $file"
    done
    mkdir elsewhere
    (cd elsewhere && "$prefix/bin/womsim" run baseline -r 2 --set network.nodes=500 \
        --set simulation.steps=20 -q --no-plot -o out) || fail "run baseline from another folder failed"
    [ -s elsewhere/out/summary.json ] || fail "run by name wrote no summary.json"
    (cd elsewhere && "$prefix/bin/womsim" regress >regress.txt 2>&1) ||
        fail "regress of the installed references failed: $(cat elsewhere/regress.txt)"
    grep -q "baseline: ok" elsewhere/regress.txt || fail "regress did not rerun the installed baseline"
    (cd elsewhere && expect_exit 66 "nosuch: cannot open" "$prefix/bin/womsim" check nosuch)
    make -s -C "$ROOT" uninstall PREFIX="$prefix" >make.txt 2>&1 || fail "make uninstall: $(cat make.txt)"
    left=$(find "$prefix" -type f | head -n 3)
    [ -z "$left" ] || fail "make uninstall left $left"
}

# Every command of the general help has its section in the manual page,
# with its options, and groff reads the page without a warning.
test_install_man_page_matches_help() {
    "$ROOT/scripts/man.sh" "$WOMSIM" >womsim.1 || fail "man.sh failed"
    commands=$("$WOMSIM" help | sed -n 's/^  \([a-z][a-z]*\)\( .*\)\{0,1\}$/\1/p' | sort -u)
    [ -n "$commands" ] || fail "no commands in womsim help"
    for command in $commands; do
        grep -q "^\.SS womsim $command\$" womsim.1 || fail "no section for $command"
        for option in $("$WOMSIM" "$command" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
            grep -qF -- "$option" womsim.1 || fail "the page lacks $command's $option"
        done
    done
    grep -q "75 stopped by" womsim.1 || fail "the page lacks the exit codes"
    groff -man -Tutf8 -ww -z womsim.1 2>groff.txt || fail "groff failed"
    [ ! -s groff.txt ] || fail "groff warns: $(head -n 3 groff.txt)"
}

# complete_words WORD...: what the completion offers for the last word.
complete_words() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _womsim;
        printf "%s\n" "${COMPREPLY[@]}"' complete "$ROOT/scripts/womsim.bash" "$@"
}

test_install_completion_completes() {
    mkdir bin && ln -s "$WOMSIM" bin/womsim
    PATH=$PWD/bin:$PATH
    [ "$(complete_words womsim ru)" = run ] || fail "womsim ru: $(complete_words womsim ru)"
    [ "$(complete_words womsim run --thr)" = --threads ] || fail "--thr did not give --threads"
    [ "$(complete_words womsim run --set service.qual)" = service.quality= ] ||
        fail "--set service.qual: $(complete_words womsim run --set service.qual)"
    [ "$(complete_words womsim help sens)" = sensitivity ] || fail "help sens"
    touch shop.ini notes.txt
    [ "$(complete_words womsim run sh)" = shop.ini ] || fail "run sh: $(complete_words womsim run sh)"
}

# No file of the project holds a merge's conflict markers (a line that
# starts <<<<<<<, ======= alone, or >>>>>>>): a README merged by hand once
# shipped with them. The files are git's (a clone) or, without git, the tree.
test_no_file_holds_conflict_markers() {
    if command -v git >/dev/null 2>&1 && git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
        git -C "$ROOT" ls-files -z >files.txt
    else
        (cd "$ROOT" && find . -path ./build -prune -o -path ./out -prune -o -type f -print0) >files.txt
    fi
    (cd "$ROOT" && xargs -0 grep -lE '^(<<<<<<< |=======$|>>>>>>> )' <"$OLDPWD/files.txt") >marked.txt
    [ ! -s marked.txt ] || fail "conflict markers in: $(tr '\n' ' ' <marked.txt)"
}
