# test_cli.sh: the command line every command shares (sim/cli_options.c):
# -h and --help print the command's usage and options and exit 0, as does
# `womsim help COMMAND`; short and long forms (and --name=value, and a
# long name cut short) mean the same; `--` ends the options; an unknown
# option or command is named as typed with the closest one suggested, a
# missing value or a value given to a flag is refused, all with exit 64;
# the errors of -r and -s name the option typed.
# SPDX-License-Identifier: GPL-3.0-or-later

# A tiny scenario: 200 agents, 20 days, 2 replications.
cli_scenario() {
    scenario small.ini <<'INI'
[simulation]
steps = 20
replications = 2
seed = 29
[network]
model = watts-strogatz
nodes = 200
mean_degree = 6
INI
}

# expect_help COMMAND OPTION...: `womsim COMMAND --help` and `-h` exit 0
# with nothing on stderr, and stdout has the usage line, each OPTION (as
# the help's table writes it) and the help's own row.
expect_help() {
    command=$1
    shift
    for flag in --help -h; do
        "$WOMSIM" "$command" "$flag" >help.txt 2>err.txt ||
            fail "$command $flag: exit $?: $(cat err.txt)"
        [ -s err.txt ] && fail "$command $flag wrote on stderr: $(cat err.txt)"
        grep -q "^usage: womsim $command" help.txt || fail "$command $flag: no usage line"
        for option in "$@" "-h, --help"; do
            grep -qF -- "$option" help.txt || fail "$command $flag lacks '$option': $(cat help.txt)"
        done
    done
}

test_cli_help_of_every_command() {
    expect_help run "-o, --output DIR" "-r, --replications N" "-s, --seed SEED" \
        "-t, --threads N" "-q, --quiet" "--set KEY=VALUE" "--sweep KEY=LIST" "--max-tasks N" \
        "--shard I/N" "--max-mem SIZE" "--resume" "--parallel MODE" "--no-plot"
    expect_help merge "--max-mem SIZE" "--no-plot" "-q, --quiet"
    expect_help check "--set KEY=VALUE" "--dump"
    expect_help params "--markdown"
    expect_help graph "--set KEY=VALUE" "--edges FILE" "--directed" "--write FILE" \
        "--max-mem SIZE"
    expect_help fit "--bass DATA.csv" "-o, --output DIR" "--no-plot" "-q, --quiet"
    expect_help regress "--set KEY=VALUE" "--update"
    expect_help version
    expect_help help
}

test_cli_help_command_prints_the_same() {
    for command in run merge check params graph fit regress version help; do
        "$WOMSIM" help "$command" >by-help.txt || fail "help $command: exit $?"
        "$WOMSIM" "$command" --help >by-option.txt || fail "$command --help: exit $?"
        cmp -s by-help.txt by-option.txt || fail "help $command differs from $command --help"
    done
    for general in help --help -h; do
        "$WOMSIM" $general >general.txt 2>err.txt || fail "womsim $general: exit $?"
        for command in run merge check params graph fit regress version help; do
            grep -q "^  $command" general.txt || fail "womsim $general does not list $command"
        done
        grep -qF "'womsim help COMMAND'" general.txt || fail "womsim $general: no pointer"
        grep -q '^Exit codes (sysexits): 0 done, 64 usage' general.txt || fail "no exit codes"
        grep -q ' 71 out of memory' general.txt || fail "exit 71 not listed"
    done
    expect_exit 64 "usage: womsim COMMAND" "$WOMSIM"
    expect_exit 64 "unknown command 'rn'; did you mean 'run'?" "$WOMSIM" help rn
    expect_exit 64 "help takes at most one command" "$WOMSIM" help run merge
}

test_cli_short_and_long_forms_agree() {
    cli_scenario
    "$WOMSIM" run small.ini -q -r 3 -s 7 -t 1 -o short --no-plot 2>err.txt ||
        fail "short forms: $(cat err.txt)"
    "$WOMSIM" run small.ini --quiet --replications 3 --seed 7 --threads 1 --output long \
        --no-plot 2>err.txt || fail "long forms: $(cat err.txt)"
    "$WOMSIM" run --quiet --replications=3 --seed=7 --threads=2 --output=equals --no-plot \
        small.ini 2>err.txt || fail "--name=value forms: $(cat err.txt)"
    "$WOMSIM" run -qr3 -s7 -ot small.ini --no-p 2>err.txt || fail "joined forms: $(cat err.txt)"
    "$WOMSIM" run small.ini -q -o seed8 --no-plot -r 3 -s 8 2>err.txt || fail "seed 8 failed"
    for dir in long equals t; do
        for file in timeseries.csv summary.json; do
            cmp -s "short/$file" "$dir/$file" || fail "$file of $dir differs from short's"
        done
    done
    cmp -s short/timeseries.csv seed8/timeseries.csv && fail "-s was not taken"
    grep -q '"replications": 3,' short/summary.json || fail "-r 3 was not taken"
    [ -e short/timeseries.png ] && fail "--no-plot was not taken"
    [ -e t/timeseries.png ] && fail "--no-p was not taken as --no-plot"
    return 0
}

test_cli_double_dash_ends_options() {
    cli_scenario
    cp small.ini ./-q.ini
    "$WOMSIM" run -o dash --no-plot --quiet -- -q.ini 2>err.txt || fail "run -- -q.ini failed"
    [ -s dash/timeseries.csv ] || fail "run -- -q.ini wrote no timeseries.csv"
    grep -q '"scenario": "-q"' dash/summary.json || fail "-q.ini was not the scenario"
    expect_exit 66 "--dump: cannot open" "$WOMSIM" check -- --dump
    expect_exit 64 "run expects one scenario file" "$WOMSIM" run small.ini -- --no-plot
}

test_cli_unknown_options_suggest() {
    cli_scenario
    expect_exit 64 "unknown option '--treads'; did you mean '--threads'?" \
        "$WOMSIM" run small.ini --treads 2
    expect_exit 64 "unknown option '--output-dir'; did you mean '--output'?" \
        "$WOMSIM" run small.ini --output-dir=x
    expect_exit 64 "unknown option '--no-plto'; did you mean '--no-plot'?" "$WOMSIM" merge x --no-plto
    expect_exit 64 "unknown option '--dupm'; did you mean '--dump'?" "$WOMSIM" check small.ini --dupm
    expect_exit 64 "unknown option '--markdwn'; did you mean '--markdown'?" "$WOMSIM" params --markdwn
    expect_exit 64 "unknown option '--edgs'; did you mean '--edges'?" "$WOMSIM" graph --edgs e.txt
    expect_exit 64 "unknown option '--updte'; did you mean '--update'?" "$WOMSIM" regress --updte
    expect_exit 64 "unknown option '--hlep'; did you mean '--help'?" "$WOMSIM" version --hlep
    expect_exit 64 "unknown option '--zzzzzz' (see" "$WOMSIM" run small.ini --zzzzzz
    expect_exit 64 "unknown option '-x'" "$WOMSIM" run small.ini -qx
    expect_exit 64 "option '--s' is ambiguous: it begins --seed, --set, --sweep, --shard" \
        "$WOMSIM" run small.ini --s 3
    [ -e out ] && fail "a refused command line left an output folder"
    return 0
}

test_cli_unknown_command_suggests() {
    expect_exit 64 "unknown command 'rn'; did you mean 'run'?" "$WOMSIM" rn small.ini
    expect_exit 64 "unknown command 'chekc'; did you mean 'check'?" "$WOMSIM" chekc
    expect_exit 64 "unknown command 'frobnicate' (see" "$WOMSIM" frobnicate
}

test_cli_missing_and_unwanted_values() {
    cli_scenario
    expect_exit 64 "option '--output' needs a value" "$WOMSIM" run small.ini --output
    expect_exit 64 "option '-o' needs a value" "$WOMSIM" run small.ini -q -o
    expect_exit 64 "option '--max-mem' needs a value" "$WOMSIM" merge x --max-mem
    expect_exit 64 "option '--set' needs a value" "$WOMSIM" check small.ini --set
    expect_exit 64 "option '--write' needs a value" "$WOMSIM" graph small.ini --write
    expect_exit 64 "option '--quiet' takes no value" "$WOMSIM" run small.ini --quiet=yes
    [ -e out ] && fail "a refused command line left an output folder"
    return 0
}

test_cli_errors_name_the_option_typed() {
    cli_scenario
    expect_exit 78 "womsim: -r: simulation.replications = 0 is out of range" \
        "$WOMSIM" run small.ini -q -o r -r 0
    expect_exit 78 "womsim: --replications: simulation.replications = 0 is out of range" \
        "$WOMSIM" run small.ini -q -o r --replications 0
    expect_exit 78 "womsim: -s: simulation.seed: '-1' is negative" "$WOMSIM" run small.ini -s -1
    expect_exit 64 "womsim: --threads expects a thread count from 1 to 4096, not '0'" \
        "$WOMSIM" run small.ini --threads 0
    expect_exit 64 "womsim: --max-mem expects a size such as 512M or 8G, not '8Q'" \
        "$WOMSIM" merge x --max-mem=8Q
    [ -e r ] && fail "a refused -r left an output folder"
    return 0
}

# check takes run's command line as it is and counts its tasks; -r and
# --sweep change the plan (and the hash) as --set does, the options that
# do not change the plan (-o, -t, -q) are accepted.
test_cli_check_takes_run_options() {
    "$WOMSIM" check "$ROOT/configs/baseline.ini" --sweep service.quality=0.7:0.95:0.05 -r 20 \
        -o out -t 2 -q --no-plot >run-options.txt || fail "check refused run's options"
    grep -q "ok, 6 points x 20 replications = 120 tasks, sha256" run-options.txt ||
        fail "no task count: $(cat run-options.txt)"
    "$WOMSIM" check "$ROOT/configs/baseline.ini" --set service.quality=0.7:0.95:0.05 \
        --set simulation.replications=20 >set.txt || fail "check with --set failed"
    cmp -s run-options.txt set.txt || fail "-r and --sweep differ from --set: $(cat set.txt)"
    "$WOMSIM" check "$ROOT/configs/baseline.ini" -r 1 >one.txt || fail "check -r 1 failed"
    grep -q "ok, 1 point x 1 replication = 1 task," one.txt || fail "plurals: $(cat one.txt)"
    [ ! -e out ] || fail "check made its output folder"
}

# check --estimate times point 0 and scales it to the batch: the work it
# counts (networks, task-days) follows the plan: one network shared by
# the points, or one drawn per replication. Timings vary, so only the
# counts and the form are checked. Nothing is written.
test_cli_check_estimate_counts_the_work() {
    "$WOMSIM" check "$ROOT/configs/baseline.ini" -r 4 --sweep service.quality=0.7,0.9 \
        --set simulation.steps=40 -o out >plain.txt || fail "check failed"
    grep -q estimate plain.txt && fail "an estimate without --estimate: $(cat plain.txt)"
    "$WOMSIM" check "$ROOT/configs/baseline.ini" -r 4 --sweep service.quality=0.7,0.9 \
        --set simulation.steps=40 -o out -t 1 --estimate >shared.txt || fail "--estimate failed"
    grep -q "^estimate: about [0-9.e+-]* \(s\|min\|h\) at 1 thread, simulating only: 1 network of .*, 320 task-days of .*(all 40 days of point 0's first task" shared.txt ||
        fail "bad estimate: $(cat shared.txt)"
    "$WOMSIM" check "$ROOT/configs/baseline.ini" -r 4 --set simulation.steps=40 \
        --set network.per_replication=true -t 1 --estimate >drawn.txt || fail "--estimate failed"
    grep -q ": 4 networks of .*, 160 task-days" drawn.txt || fail "bad estimate: $(cat drawn.txt)"
    # shard 1 of 3 of 2 points x 4: run ids 1, 4 and 7, replications 1, 0
    # and 3 of one network drawn per replication: 3 draws, 3 tasks
    "$WOMSIM" check "$ROOT/configs/baseline.ini" -r 4 --sweep service.quality=0.7,0.9 \
        --set simulation.steps=40 --set network.per_replication=true -t 1 --shard 1/3 \
        --estimate >shard.txt || fail "--estimate --shard failed"
    grep -q ": 3 networks of .*, 120 task-days" shard.txt || fail "bad estimate: $(cat shard.txt)"
    expect_exit 69 "--max-mem" "$WOMSIM" check "$ROOT/configs/baseline.ini" --estimate --max-mem 1K
    [ ! -e out ] || fail "check --estimate made its output folder"
}
