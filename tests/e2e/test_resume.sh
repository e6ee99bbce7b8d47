# test_resume.sh: stopping and resuming batches end to end: SIGKILL at
# many moments leaves only whole files (and temporary ones), and --resume
# gives the files of an uninterrupted run with no temporary file left;
# SIGKILL and SIGTERM at random moments of a plotted run, while it draws
# too, leave a complete folder or one a resume completes to those bytes;
# SIGINT exits 75, keeps the finished tasks and says how to resume; a resume or a run against a folder of another scenario
# is refused naming both hashes; progress lines at 10% steps (none with -q
# or CI set) and a bar on a terminal; the same bytes for --parallel tasks,
# agents and auto with 1 and 2 threads.
# SPDX-License-Identifier: GPL-3.0-or-later

# 6 x 2 points on one network, 8 replications: 96 tasks of about 2 s in
# all on 2 cores, most of it in the tasks, the rest in writing 12 points.
resume_scenario() {
    scenario resume.ini <<'INI'
[simulation]
steps = 150
replications = 8
seed = 385
[network]
model = watts-strogatz
nodes = 6000
mean_degree = 6
[service]
quality = 0.7, 0.75, 0.8, 0.85, 0.9, 0.95
[wom]
forward_prob = 0.05, 0.15
INI
}

# identical A B: every file but manifest.json is in both, byte for byte.
identical() {
    (cd "$1" && find . -type f ! -name manifest.json | sort) >"$1.list"
    (cd "$2" && find . -type f ! -name manifest.json | sort) >"$2.list"
    cmp -s "$1.list" "$2.list" || fail "$1 and $2 hold different files: $(diff "$1.list" "$2.list")"
    while read -r file; do
        cmp -s "$1/$file" "$2/$file" || fail "$file differs between $1 and $2"
    done <"$1.list"
}

now() {
    date +%s.%N
}

# The seconds the uninterrupted run took, times a fraction.
at() {
    awk -v t="$(cat took.txt)" -v f="$1" 'BEGIN { printf "%.2f", t * f }'
}

# A fixed pseudo-random sequence (an LCG seeded with 385) gives the kill
# points, as fractions of the uninterrupted run's time, so that a failing
# sequence can be run again (the moments themselves follow the machine's
# load).
lcg=385

# next_fraction LO HI: sets $fraction to the sequence's next number,
# scaled to [LO, HI) (not printed: a command substitution's subshell would
# not advance the sequence).
next_fraction() {
    lcg=$(((lcg * 1103515245 + 12345) % 2147483648))
    fraction=$(awk -v u="$lcg" -v lo="$1" -v hi="$2" \
        'BEGIN { printf "%.3f", lo + (hi - lo) * u / 2147483648 }')
}

# killed_at FRACTION DIR [--resume]: starts the batch in DIR and kills it
# with SIGKILL after FRACTION of the uninterrupted run's time.
killed_at() {
    "$WOMSIM" run resume.ini -o "$2" -q --no-plot ${3:+"$3"} &
    pid=$!
    sleep "$(at "$1")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    whole_after_kill "$2" whole "$1"
}

# whole_after_kill DIR WHOLE FRACTION [STATUS]: what a killed batch left in
# DIR. Every file under a final name holds the bytes of that file in WHOLE
# (the uninterrupted run: outputs do not depend on how the tasks ran, so a
# truncated or half-written file differs); a manifest.json is a finished
# run's (or one that records STATUS), every file it lists matching its
# SHA-256; any other file is a temporary NAME.tmp.XXXXXX of one of the
# final names.
whole_after_kill() {
    (cd "$1" && find . -type f | sed 's|^\./||') >"$1.files"
    while read -r file; do
        case "$file" in
        manifest.json)
            manifest_verifies "$1" || manifest_verifies "$1" "${4:-0}" ||
                fail "kill at $3: $1/manifest.json does not verify"
            ;;
        *.tmp.*)
            if ! echo "${file##*.tmp.}" | grep -qx '[A-Za-z0-9]\{6\}' || [ ! -e "$2/${file%.tmp.*}" ]; then
                fail "kill at $3: $1/$file is no temporary file of the run"
            fi
            ;;
        *) cmp -s "$1/$file" "$2/$file" || fail "kill at $3: $1/$file is not whole" ;;
        esac
    done <"$1.files"
}

# manifest_verifies DIR [STATUS]: DIR/manifest.json records exit STATUS
# (0 unless given) and the SHA-256 of every file it lists.
manifest_verifies() {
    grep -q "\"exit_status\": ${2:-0}," "$1/manifest.json" 2>/dev/null || return 1
    sed -n '/"files": {/,$ s/^ *"\([^"]*\)": "\([0-9a-f]\{64\}\)",\{0,1\}$/\2  \1/p' \
        "$1/manifest.json" >"$1.sums"
    sums="$PWD/$1.sums"
    [ -s "$sums" ] && (cd "$1" && sha256sum -c --quiet "$sums" >/dev/null 2>&1)
}

# SIGKILL at many points. One batch is killed six times in a row (the
# first run plain, the others resuming), each time early in its run, then
# resumed to the end; three fresh batches are killed late, most often while
# the outputs are written, and resumed. After every kill the folder holds
# only whole files and temporary ones; every resume ends with the files of
# the uninterrupted run.
test_resume_after_sigkill_at_many_points_is_byte_identical() {
    resume_scenario
    start=$(now)
    "$WOMSIM" run resume.ini -o whole -q --no-plot || fail "uninterrupted run failed"
    awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }' >took.txt
    next_fraction 0.05 0.3
    killed_at "$fraction" chain
    kept=$(find chain/tasks -name '*.rows' 2>/dev/null | wc -l)
    [ "$kept" -ge 96 ] && fail "the first kill came after the last task"
    for _ in 1 2 3 4 5; do
        next_fraction 0.05 0.3
        killed_at "$fraction" chain --resume
    done
    "$WOMSIM" run resume.ini -o chain -q --no-plot --resume 2>err.txt ||
        fail "resume after the kills failed: $(cat err.txt)"
    identical whole chain
    for late in 1 2 3; do
        next_fraction 0.7 1.05
        killed_at "$fraction" "late-$late"
        "$WOMSIM" run resume.ini -o "late-$late" -q --no-plot --resume 2>err.txt ||
            fail "resume of late-$late failed: $(cat err.txt)"
        identical whole "late-$late"
    done
    for dir in chain late-1 late-2 late-3; do
        find "$dir" -name '*.tmp.*' | grep -q . && fail "temporary file left in $dir"
        grep -q '"exit_status": 0,' "$dir/manifest.json" || fail "$dir: manifest lacks exit 0"
    done
    return 0
}

# SIGINT: tasks in flight finish, exit 75, the kept tasks are valid and in
# the manifest, and the printed command resumes. A background job of a
# script ignores SIGINT (and womsim keeps it ignored): env lets it through,
# and unsets CI so that the progress lines tell when tasks are done.
test_resume_after_sigint() {
    resume_scenario
    "$WOMSIM" run resume.ini -o whole -q --no-plot -r 2 || fail "uninterrupted run failed"
    env -u CI --default-signal=INT "$WOMSIM" run resume.ini -o stopped --no-plot -r 2 \
        >out.txt 2>err.txt &
    pid=$!
    # Signal once a tenth of the tasks are done, so that some are kept.
    while kill -0 "$pid" 2>/dev/null; do
        grep -qs '%' err.txt && break
        sleep 0.02
    done
    kill -INT "$pid"
    wait "$pid"
    code=$?
    [ "$code" -eq 75 ] || fail "exit $code after SIGINT, expected 75: $(cat err.txt)"
    grep -q 'stopped by SIGINT: [0-9]* of 24 tasks are done and kept in stopped/tasks' err.txt ||
        fail "no stop message: $(cat err.txt)"
    grep -q "run .*resume.ini.* --resume\$" err.txt || fail "no resume command: $(cat err.txt)"
    kept=$(find stopped/tasks -name '*.rows' | wc -l)
    { [ "$kept" -ge 1 ] && [ "$kept" -lt 24 ]; } || fail "$kept task files kept, expected 1..23"
    [ -e stopped/runs.csv ] && fail "a stopped batch aggregated"
    grep -q '"exit_status": 75,' stopped/manifest.json || fail "manifest lacks exit status 75"
    [ "$(grep -c '"tasks/[0-9]*.rows": "' stopped/manifest.json)" -eq "$kept" ] ||
        fail "the manifest does not list the $kept kept tasks"
    for file in stopped/tasks/*.rows; do
        cmp -s "$file" "whole/tasks/${file##*/}" || fail "$file differs from the whole run's"
    done
    "$WOMSIM" run resume.ini -o stopped --no-plot -r 2 --resume >out.txt 2>err.txt ||
        fail "resume failed: $(cat err.txt)"
    grep -q "resumed: $kept tasks kept from before, $((24 - kept)) run now" out.txt ||
        fail "resume does not say what it kept: $(cat out.txt)"
    identical whole stopped
}

test_resume_refuses_another_scenario() {
    resume_scenario
    "$WOMSIM" run resume.ini -o out -q --no-plot -r 1 --set wom.forward_prob=0.05 ||
        fail "run failed"
    rm out/manifest.json # as if killed: only the task files tell
    old=$("$WOMSIM" check resume.ini --set simulation.replications=1 \
        --set wom.forward_prob=0.05 | sed 's/.*sha256 \(.\{12\}\).*/\1/')
    new=$("$WOMSIM" check resume.ini --set simulation.replications=1 \
        --set wom.forward_prob=0.05 --set service.quality=0.77 | sed 's/.*sha256 \(.\{12\}\).*/\1/')
    expect_exit 65 "cannot resume: the batch in out ran scenario $old..., this one is $new..." \
        "$WOMSIM" run resume.ini -o out -q --no-plot -r 1 --set wom.forward_prob=0.05 \
        --set service.quality=0.77 --resume
    expect_exit 65 "out holds tasks of another scenario ($old..., this one is $new...)" \
        "$WOMSIM" run resume.ini -o out -q --no-plot -r 1 --set wom.forward_prob=0.05 \
        --set service.quality=0.77
    # The same scenario without --resume runs every task again.
    "$WOMSIM" run resume.ini -o out -q --no-plot -r 1 --set wom.forward_prob=0.05 ||
        fail "a rerun of the same scenario failed"
    # A manifest of another scenario refuses a resume too.
    "$WOMSIM" run resume.ini -o m -q --no-plot -r 1 --set wom.forward_prob=0.05 ||
        fail "run failed"
    rm -r m/tasks
    expect_exit 65 "m/manifest.json: cannot resume" \
        "$WOMSIM" run resume.ini -o m -q --no-plot -r 1 --set wom.forward_prob=0.15 --resume
    expect_exit 64 "--parallel expects tasks, agents or auto" \
        "$WOMSIM" run resume.ini -q --parallel threads
}

# One line per tenth of the tasks when stderr is not a terminal; none with
# -q or CI set; a bar on a terminal (script gives the run a pty).
test_resume_progress_lines() {
    resume_scenario
    set -- -r 2 --no-plot --set network.nodes=300 --set simulation.steps=20 --parallel tasks
    (unset CI && "$WOMSIM" run resume.ini -o a "$@" 2>err.txt >/dev/null) || fail "run failed"
    [ "$(grep -c '^womsim: [0-9]*% ([0-9]* of 24 tasks' err.txt)" -eq 10 ] ||
        fail "expected 10 progress lines: $(cat err.txt)"
    head -n 1 err.txt | grep -q '^womsim: 12% (3 of 24 tasks, [0-9.e+]* tasks/s, 0:0[0-9] left)$' ||
        fail "bad first progress line: $(head -n 1 err.txt)"
    tail -n 1 err.txt | grep -q '^womsim: 100% (24 of 24 tasks, [0-9.e+]* tasks/s)$' ||
        fail "bad last progress line: $(tail -n 1 err.txt)"
    CI=true "$WOMSIM" run resume.ini -o b "$@" 2>err.txt >/dev/null || fail "CI run failed"
    [ -s err.txt ] && fail "progress with CI set: $(cat err.txt)"
    (unset CI && "$WOMSIM" run resume.ini -o c -q "$@" 2>err.txt >/dev/null) || fail "-q run failed"
    [ -s err.txt ] && fail "progress with -q: $(cat err.txt)"
    if command -v script >/dev/null; then
        (unset CI && script -qec "'$WOMSIM' run resume.ini -o d $*" /dev/null >pty.txt) ||
            fail "run on a pty failed"
        grep -q "$(printf '\r')\[#*\] 100%  24/24 tasks" pty.txt || fail "no bar: $(cat -A pty.txt)"
    fi
    return 0
}

# Two networks (the sweep changes nodes) of six points with 1 replication:
# tasks of several points in parallel, or each task's agents split.
test_resume_parallel_strategies_byte_identical() {
    resume_scenario
    set -- -q --no-plot -r 1 --set simulation.steps=40 --sweep "network.nodes=1500, 2500"
    "$WOMSIM" run resume.ini -o auto-1 -t 1 "$@" || fail "-t 1 failed"
    for parallel in tasks agents auto; do
        for threads in 1 2; do
            [ "$parallel-$threads" = auto-1 ] && continue
            "$WOMSIM" run resume.ini -o "$parallel-$threads" -t "$threads" --parallel "$parallel" \
                "$@" || fail "--parallel $parallel -t $threads failed"
            identical auto-1 "$parallel-$threads"
        done
    done
    return 0
}

# A folder holding a finished run, then a batch of another scenario killed
# part-way: the old manifest is gone before the new batch's first task, so
# --resume continues the killed batch and a third scenario is refused
# instead of deleting the kept tasks.
test_killed_batch_after_a_finished_one_is_kept() {
    resume_scenario
    "$WOMSIM" run resume.ini -o out -q --no-plot --set simulation.steps=20 || fail "first run failed"
    "$WOMSIM" run resume.ini -o out -q --no-plot -s 386 &
    pid=$!
    # The new batch first replaces the finished run's tasks and drops its
    # manifest; once it has kept a task of its own (under its final name: a
    # temporary file alone is no task), kill it. Polled while it runs, however
    # long a loaded machine makes that.
    while kill -0 "$pid" 2>/dev/null; do
        [ ! -e out/manifest.json ] && find out/tasks -name '*.rows' 2>/dev/null | grep -q . && break
        sleep 0.01
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -e out/manifest.json ] && fail "the finished run's manifest outlived the new batch's start"
    expect_exit 65 "holds tasks of another scenario" \
        "$WOMSIM" run resume.ini -o out -q --no-plot -s 387
    "$WOMSIM" run resume.ini -o out -q --no-plot -s 386 --resume 2>err.txt ||
        fail "resume of the killed batch failed: $(cat err.txt)"
    "$WOMSIM" run resume.ini -o fresh -q --no-plot -s 386 || fail "fresh run failed"
    identical out fresh
}

# complete DIR: a finished run's folder: its manifest records exit 0 and
# lists every other file with its SHA-256 (all verify), and no temporary
# file is left.
complete() {
    manifest_verifies "$1" || return 1
    find "$1" -name '*.tmp.*' | grep -q . && return 1
    (cd "$1" && find . -type f ! -name manifest.json | sed 's|^\./||' | sort) >"$1.found"
    sed 's/^[0-9a-f]*  //' "$1.sums" | sort | cmp -s - "$1.found"
}

# stopped_at SIGNAL FRACTION DIR: starts the plotted batch in DIR in a
# session of its own, sends SIGNAL to womsim after FRACTION of the
# uninterrupted run's time, waits for it and for every process of its
# session (gnuplot) to end, and sets $code to womsim's exit status.
stopped_at() {
    setsid "$WOMSIM" run plotted.ini -o "$3" -q 2>"$3.err" &
    pid=$!
    sleep "$(at "$2")"
    kill -"$1" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    code=$?
    for _ in $(seq 100); do
        [ -z "$(ps -o pid= -s "$pid")" ] && return 0
        sleep 0.05
    done
    fail "$1 at $2: a process of womsim's session outlived it: $(ps -o pid=,args= -s "$pid")"
}

# Stops at moments spread over the whole run, pictures included (which
# take most of it: 0.9 s of 1.1 s on an idle machine), by SIGKILL and
# SIGTERM in turn, at fractions of the uninterrupted run's time from a
# fixed sequence (an LCG seeded with 2026; the moments follow the
# machine's load, the sequence does not; seen: kills among the tasks, while
# the outputs are written and while gnuplot draws, stops before and
# between pictures). After each stop the folder is either complete (its
# manifest lists every file, each with its SHA-256, and no temporary file
# is left) with the uninterrupted run's files byte for byte, or it holds
# whole files and temporary ones only (a stopped run's manifest records
# exit 75 and the files it lists) and --resume completes it to those
# bytes. SIGTERM exits 0 (it came after the end: the folder must be
# complete), 75, or 143 (before the handler was installed). No process of
# womsim's session (gnuplot) outlives it. About 17 s on 2 busy cores.
test_resume_after_stops_at_random_moments_while_plotting_is_byte_identical() {
    command -v gnuplot >/dev/null 2>&1 || skip "gnuplot is not installed"
    [ "$(ps -o sid= -p $$ | tr -d ' ')" != "$$" ] || skip "the shell leads its session: setsid would fork"
    printf '[simulation]\nsteps = 100\nreplications = 3\nseed = 77\n' >plotted.ini
    printf '[network]\nmodel = watts-strogatz\nnodes = 3000\nmean_degree = 6\n' >>plotted.ini
    printf '[service]\nquality = 0.7, 0.9\n' >>plotted.ini
    start=$(now)
    "$WOMSIM" run plotted.ini -o whole -q 2>err.txt || fail "uninterrupted run failed: $(cat err.txt)"
    awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }' >took.txt
    complete whole || fail "the uninterrupted run's folder is not complete"
    lcg=2026
    stops=0
    for signal in KILL TERM KILL TERM KILL TERM KILL TERM; do
        next_fraction 0 1.05
        stops=$((stops + 1))
        dir="stop-$stops"
        stopped_at "$signal" "$fraction" "$dir"
        case "$signal $code" in
        "KILL 137" | "TERM 0" | "TERM 75" | "TERM 143") ;;
        *) fail "$signal at $fraction: exit $code: $(cat "$dir.err")" ;;
        esac
        if [ -d "$dir" ] && complete "$dir"; then
            identical whole "$dir"
            continue
        fi
        [ "$code" -ne 0 ] || fail "TERM at $fraction: exit 0 but the folder is not complete"
        [ -d "$dir" ] && whole_after_kill "$dir" whole "$signal $fraction" 75
        "$WOMSIM" run plotted.ini -o "$dir" -q --resume 2>err.txt ||
            fail "resume after $signal at $fraction failed: $(cat err.txt)"
        complete "$dir" || fail "after $signal at $fraction and a resume: $dir is not complete"
        identical whole "$dir"
    done
}

# A gnuplot that asks womsim to stop (SIGTERM to its parent) while it
# draws the first picture: womsim draws no other, exits 75, and a resume
# with the real gnuplot finishes. A gnuplot still drawing when womsim is
# killed dies with it (Linux's parent-death signal): it does not outlive it
# to recreate temporary files after a resume's clean-up.
test_resume_stops_between_plots_and_gnuplot_dies_with_womsim() {
    command -v gnuplot >/dev/null 2>&1 || skip "gnuplot is not installed"
    mkdir stub
    printf '#!/bin/sh\necho drawn >>"%s/drawn"\nkill -TERM "$PPID"\n' "$PWD" >stub/gnuplot
    chmod +x stub/gnuplot
    printf '[simulation]\nsteps = 20\nreplications = 2\n[network]\nnodes = 300\n' >small.ini
    printf '[service]\nquality = 0.7, 0.8, 0.9\n' >>small.ini
    env -u CI PATH="$PWD/stub:$PATH" "$WOMSIM" run small.ini -o out -q >out.txt 2>err.txt
    code=$?
    [ "$code" -eq 75 ] || fail "exit $code after SIGTERM while plotting, expected 75: $(cat err.txt)"
    [ "$(wc -l <drawn)" -eq 1 ] || fail "gnuplot ran $(wc -l <drawn) times after the stop"
    "$WOMSIM" run small.ini -o out -q --resume 2>err.txt || fail "resume failed: $(cat err.txt)"
    [ -s out/sweep.png ] && [ -s out/points/2/timeseries.png ] || fail "the resume drew no pictures"
    printf '#!/bin/sh\necho $$ >"%s/gnuplot.pid"\nexec sleep 60\n' "$PWD" >stub/gnuplot
    env -u CI PATH="$PWD/stub:$PATH" "$WOMSIM" run small.ini -o killed -q 2>err.txt &
    womsim=$!
    for _ in $(seq 200); do [ -s gnuplot.pid ] && break; sleep 0.05; done
    [ -s gnuplot.pid ] || fail "the stub gnuplot never started"
    kill -KILL "$womsim"
    wait "$womsim" 2>/dev/null
    gnuplot=$(cat gnuplot.pid)
    for _ in $(seq 40); do kill -0 "$gnuplot" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$gnuplot" 2>/dev/null; then
        kill -KILL "$gnuplot"
        fail "gnuplot outlived the killed womsim"
    fi
}
