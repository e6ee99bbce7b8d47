# test_mpi.sh: the MPI build (make MPI=1) end to end: `mpirun -np 3
# womsim-mpi run` writes the files of a single-process `womsim run`, byte
# for byte but for manifest.json (and the shard manifests beside it), with
# common random numbers and a network per replication too; an
# error on every rank or on one rank fails every rank, with the message and
# without outputs; run's options are womsim's, help included. Skipped when
# womsim-mpi or mpirun is missing.
# SPDX-License-Identifier: GPL-3.0-or-later

# make e2e passes the program, empty when MPI is not installed.
WOMSIM_MPI=${WOMSIM_MPI-$(dirname "$WOMSIM")/womsim-mpi}

need_mpi() {
    { [ -n "$WOMSIM_MPI" ] && [ -x "$WOMSIM_MPI" ] && command -v mpirun >/dev/null 2>&1; } ||
        skip "MPI not installed (scripts/install-deps.sh --mpi, then make MPI=1)"
}

# mpi_run NP ARGS...: womsim-mpi ARGS on NP ranks of this machine. Allowed
# as root (containers, CI); started without ssh (plm isolated); ranks talk
# through shared memory and the runtime over loopback only, as there is no
# network here; bounded in time, so that a hung rank fails the test rather
# than CI. Under make SANITIZE=address, LeakSanitizer would fail every rank
# at exit on Open MPI's own allocations (in plugins it has unloaded by then,
# so no suppression can name them); womsim's code run here is leak-checked
# by the womsim runs of the other tests.
mpi_run() {
    np=$1
    shift
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_plm=isolated \
        OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none \
        OMPI_MCA_oob_tcp_if_include=lo \
        timeout -k 10 120 mpirun --oversubscribe --bind-to none -np "$np" "$WOMSIM_MPI" "$@" \
        </dev/null
}

# 2 service qualities x 3 replications on 240 nodes, 25 days: 6 tasks, 2
# per rank of 3.
mpi_scenario() {
    scenario small.ini <<'INI'
[simulation]
steps = 25
replications = 3
seed = 613
[network]
model = watts-strogatz
nodes = 240
mean_degree = 6
[service]
quality = 0.72, 0.87
INI
}

# No -o: both write out/small; the MPI run draws its plots on rank 0.
test_mpi_three_ranks_match_one_process() {
    need_mpi
    mpi_scenario
    "$WOMSIM" run small.ini -q 2>err.txt || fail "womsim run failed: $(cat err.txt)"
    mv out/small one
    mpi_run 3 run small.ini -q >mpi.txt 2>&1 || fail "mpirun failed: $(cat mpi.txt)"
    [ -s mpi.txt ] && fail "-q, yet mpirun printed: $(cat mpi.txt)"
    mv out/small mpi
    [ -s mpi/sweep.png ] || fail "no sweep.png: rank 0 did not draw the plots"
    same_files one mpi
    for i in 0 1 2; do
        grep -q '"exit_status": 0,' "mpi/shards/$i-of-3.json" || fail "shard $i/3 not finished"
        grep -q '"run", "--shard", "'"$i"'/3", "-q", ' "mpi/shards/$i-of-3.json" ||
            fail "shard $i/3's manifest lacks its --shard"
    done
    grep -q '"shard": "merge of 3 shards"' mpi/manifest.json || fail "manifest is not a merge's"
    grep -q '"shards/2-of-3.json": "' mpi/manifest.json || fail "manifest lacks the shards"
    find mpi -name '*.tmp.*' | grep -q . && fail "temporary file left"
    return 0
}

# Common random numbers and a network per replication: 3 ranks still
# write the files of one process.
test_mpi_switches_match_one_process() {
    need_mpi
    mpi_scenario
    sed 's/^seed = 613$/seed = 613\ncommon_random_numbers = true/;
         s/^mean_degree = 6$/mean_degree = 6\nper_replication = true/' small.ini >switched.ini
    grep -q '^common_random_numbers = true' switched.ini || fail "no common_random_numbers line"
    "$WOMSIM" run switched.ini -o one -q --no-plot || fail "womsim run failed"
    mpi_run 3 run switched.ini -o mpi -q --no-plot >mpi.txt 2>&1 || fail "mpirun: $(cat mpi.txt)"
    same_files one mpi
}

# A sensitivity analysis over 3 ranks: the merge on rank 0 writes the
# indices an unsplit run writes.
test_mpi_sensitivity_matches_one_process() {
    need_mpi
    mpi_scenario
    sed 's/^quality = 0.72, 0.87$/quality = 0.9/' small.ini >one-point.ini
    set -- sensitivity one-point.ini --vary service.quality=0.6:0.95 --vary economics.price=5:15 \
        -n 3 -q --no-plot
    "$WOMSIM" "$@" -o one || fail "womsim sensitivity failed"
    mpi_run 3 "$@" -o mpi >mpi.txt 2>&1 || fail "mpirun: $(cat mpi.txt)"
    [ -s mpi/sensitivity.csv ] || fail "no sensitivity.csv after the merge"
    same_files one mpi
}

test_mpi_reports_the_merge() {
    need_mpi
    mpi_scenario
    mpi_run 3 run small.ini -o m --no-plot >out.txt 2>err.txt || fail "mpirun failed: $(cat err.txt)"
    [ "$(grep -c . out.txt)" -eq 3 ] || fail "expected the merge's three lines: $(cat out.txt)"
    grep -qx 'report: m/report.html' out.txt || fail "no report line: $(cat out.txt)"
    grep -qx 'womsim: merged 3 shards: 6 tasks' out.txt || fail "no merge line: $(cat out.txt)"
    [ -e m/sweep.png ] && fail "--no-plot did not reach the merge"
    mpi_run 1 run small.ini -o one -q --no-plot || fail "one rank failed"
    same_files m one
    [ -e one/shards ] && fail "one rank wrote shard manifests"
    return 0
}

# womsim-mpi takes womsim run's options, -h and --help too, and misspelt
# ones are refused as womsim refuses them.
test_mpi_help_and_options() {
    need_mpi
    mpi_scenario
    mpi_run 1 run --help >help.txt 2>err.txt || fail "run --help: exit $?: $(cat err.txt)"
    "$WOMSIM" run --help >womsim-help.txt
    cmp -s help.txt womsim-help.txt || fail "womsim-mpi run --help is not womsim's: $(cat help.txt)"
    mpi_run 1 --help >usage.txt 2>err.txt || fail "--help: exit $?: $(cat err.txt)"
    grep -q '^usage: mpirun -np N womsim-mpi run SCENARIO' usage.txt || fail "no usage: $(cat usage.txt)"
    expect_exit 64 "unknown option '--treads'; did you mean '--threads'?" \
        mpi_run 2 run small.ini --treads 2
    mpi_run 2 run small.ini --quiet --output=long --no-plot --replications 2 ||
        fail "long forms failed"
    mpi_run 2 run small.ini -q -o short --no-plot -r 2 || fail "short forms failed"
    same_files long short
}

test_mpi_bad_scenario_fails_every_rank() {
    need_mpi
    mpi_scenario
    sed 's/^quality = .*/quality = 0.72, 1.87/' small.ini >bad.ini
    expect_exit 78 "womsim: bad.ini:10: service.quality = 1.87 is out of range [0, 1]" \
        mpi_run 3 run bad.ini -o bad -q
    [ -e bad ] && fail "a refused batch left an output folder"
    expect_exit 64 "womsim-mpi sets --shard itself" mpi_run 3 run small.ini -o s -q --shard 1/3
    [ -e s ] && fail "a refused --shard left an output folder"
    expect_exit 64 "usage: mpirun -np N womsim-mpi run SCENARIO" mpi_run 2 merge s
}

# Task 4 belongs to shard 1/3; a folder in the way of its file fails rank 1
# alone. Every rank exits non-zero, nothing is aggregated, the other shards
# are kept, and running shard 1/3 again then merging recovers the batch.
test_mpi_one_failing_rank_fails_them_all() {
    need_mpi
    mpi_scenario
    mkdir -p f/tasks/4.rows
    expect_exit 74 "f/tasks/4.rows" mpi_run 3 run small.ini -o f -q --no-plot
    for file in runs.csv sweep.csv manifest.json points; do
        [ -e "f/$file" ] && fail "a failed batch wrote $file"
    done
    grep -q '"exit_status": 74,' f/shards/1-of-3.json || fail "shard 1/3 does not record its failure"
    grep -q '"exit_status": 0,' f/shards/2-of-3.json || fail "shard 2/3 did not finish"
    rmdir f/tasks/4.rows
    "$WOMSIM" run small.ini -o f -q --no-plot --shard 1/3 || fail "shard 1/3 again failed"
    "$WOMSIM" merge f -q --no-plot || fail "merge failed"
    "$WOMSIM" run small.ini -o whole -q --no-plot || fail "womsim run failed"
    same_files whole f
}
