# test_robust.sh: results that cannot lie (issue 17): a network file's
# contents are part of the scenario's identity (resume and merge refuse a
# file replaced by another of as many nodes; manifests record its SHA-256);
# merge checks every task file against its shard's manifest; the output
# folder is locked while a run, resume or merge uses it; a FIFO task file
# is refused, never opened.
# SPDX-License-Identifier: GPL-3.0-or-later

# A 6-node ring with one chord; `robust_network 2 5` puts the chord elsewhere.
robust_network() {
    printf '1 2\n2 3\n3 4\n4 5\n5 6\n6 1\n%s %s\n' "$1" "$2" >net.txt
}

robust_scenario() {
    scenario robust.ini <<'INI'
[simulation]
steps = 40
replications = 4
seed = 385
[network]
model = file
file = net.txt
INI
}

test_robust_network_file_is_part_of_the_scenario() {
    robust_scenario
    robust_network 1 4
    "$WOMSIM" run robust.ini -o m -q --no-plot --shard 0/2 || fail "shard 0/2 failed"
    sha=$(sha256sum net.txt | cut -c 1-64)
    grep -q "\"network_sha256\": \"$sha\"" m/shards/0-of-2.json ||
        fail "the shard manifest does not record the network file's SHA-256"
    grep -q '"network_file": ".*net.txt"' m/shards/0-of-2.json ||
        fail "the shard manifest does not name the network file"
    hash=$("$WOMSIM" check robust.ini | sed 's/.*sha256 //')
    grep -q "\"scenario_hash\": \"$hash\"" m/shards/0-of-2.json ||
        fail "check's hash is not the one the run recorded"
    # Another graph of as many nodes, between shards.
    robust_network 2 5
    expect_exit 65 "or the network file net.txt changed since they ran" \
        "$WOMSIM" run robust.ini -o m -q --no-plot --shard 1/2
    robust_network 1 4
    "$WOMSIM" run robust.ini -o m -q --no-plot --shard 1/2 || fail "shard 1/2 failed"
    robust_network 2 5
    expect_exit 65 "net.txt: the network file changed since the shards ran" \
        "$WOMSIM" merge m -q --no-plot
    [ ! -e m/runs.csv ] || fail "a refused merge wrote outputs"
    # Before --resume of a killed run (only the task files tell).
    robust_network 1 4
    "$WOMSIM" run robust.ini -o r -q --no-plot || fail "run failed"
    grep -q "\"network_sha256\": \"$sha\"" r/manifest.json ||
        fail "manifest.json does not record the network file's SHA-256"
    rm r/manifest.json
    robust_network 2 5
    expect_exit 65 "the scenario file, the network file net.txt or its options" \
        "$WOMSIM" run robust.ini -o r -q --no-plot --resume
    # A scenario without a file records none.
    "$WOMSIM" run robust.ini -o g -q --no-plot --set network.model=ring --set network.nodes=30 \
        --set network.mean_degree=4 || fail "a run on a ring failed"
    if grep -q network_sha256 g/manifest.json; then
        fail "a generated network's manifest names a file"
    fi
}

# robust_forge FILE: changes a counter of a task file's last row and writes
# the FNV-1a checksum of the new bytes (bytes 0..91 and from 100 on; sh
# arithmetic is 64-bit and wraps), as someone editing it by hand could.
robust_forge() {
    size=$(wc -c <"$1")
    printf '\001' | dd of="$1" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
    h=-3750763034362895579 # the FNV-1a offset basis 0xcbf29ce484222325, signed
    for b in $(od -An -v -tu1 "$1" |
        awk '{ for (i = 1; i <= NF; i++) if (++n <= 92 || n > 100) print $i }'); do
        h=$(((h ^ b) * 1099511628211))
    done
    i=0
    while [ $i -lt 8 ]; do
        printf "\\$(printf %o $(((h >> (8 * i)) & 255)))"
        i=$((i + 1))
    done | dd of="$1" bs=1 seek=92 conv=notrunc 2>/dev/null
}

test_robust_merge_checks_task_files_against_shard_manifests() {
    printf '[simulation]\nsteps = 30\nreplications = 3\n[network]\nnodes = 500\nmean_degree = 6\n' \
        >s.ini
    for i in 0 1 2; do
        "$WOMSIM" run s.ini -o m --no-plot -q --shard $i/3 || fail "shard $i/3 failed"
    done
    cp m/tasks/2.rows kept.rows
    robust_forge m/tasks/2.rows
    cmp -s kept.rows m/tasks/2.rows && fail "the forged task file is unchanged"
    expect_exit 65 "m/tasks/2.rows: its SHA-256 is not the one shard 2/3 recorded in m/shards/2-of-3.json" \
        "$WOMSIM" merge m -q --no-plot
    [ ! -e m/runs.csv ] || fail "a refused merge wrote outputs"
    cp kept.rows m/tasks/2.rows
    "$WOMSIM" merge m -q --no-plot || fail "the merge of the whole files failed"
}

# A whole run has its folder to itself while it runs: a second run, a shard
# or a merge into it is refused with exit 75 (try again later), naming the
# folder, and leaves the first run's files alone.
test_robust_output_folder_is_locked() {
    printf '[simulation]\nsteps = 400\nreplications = 40\n[network]\nnodes = 20000\nmean_degree = 8\n' \
        >long.ini
    "$WOMSIM" run long.ini -o busy -q --no-plot -t 1 2>first.err &
    first=$!
    waited=0
    while [ ! -d busy/tasks ] && [ $waited -lt 100 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    expect_exit 75 "womsim: busy: the folder is in use by another womsim" \
        "$WOMSIM" run long.ini -o busy -q --no-plot --set simulation.steps=10
    expect_exit 75 "womsim: busy: the folder is in use by another womsim" \
        "$WOMSIM" run long.ini -o busy -q --no-plot --resume
    expect_exit 75 "womsim: busy: the folder is in use by another womsim" \
        "$WOMSIM" run long.ini -o busy -q --no-plot --shard 1/2
    kill -0 $first 2>/dev/null || fail "the first run ended before the others were refused"
    kill -TERM $first
    wait $first
    status=$?
    [ $status -eq 75 ] || fail "the first run exited $status after SIGTERM, expected 75: $(cat first.err)"
    grep -q '"exit_status": 75,' busy/manifest.json || fail "the first run's manifest is not its own"
    # Released at exit: the next run gets as far as the folder's tasks.
    expect_exit 65 "busy holds tasks of another scenario" \
        "$WOMSIM" run long.ini -o busy -q --no-plot --set simulation.steps=10
}

# A merge takes the folder's lock too (held here by flock(1), as a run
# would hold it), and shards share it.
test_robust_merge_waits_for_the_folder() {
    command -v flock >/dev/null || skip "no flock(1) (util-linux)"
    printf '[simulation]\nsteps = 30\nreplications = 3\n[network]\nnodes = 500\n' >s.ini
    mkdir m
    flock -s m "$WOMSIM" run s.ini -o m -q --no-plot --shard 0/2 || fail "a shard beside a shared lock failed"
    "$WOMSIM" run s.ini -o m -q --no-plot --shard 1/2 || fail "shard 1/2 failed"
    expect_exit 75 "womsim: m: the folder is in use by another womsim" \
        flock -s m "$WOMSIM" merge m -q --no-plot
    [ ! -e m/manifest.json ] || fail "a merge refused for the lock wrote a manifest"
    "$WOMSIM" merge m -q --no-plot || fail "the merge failed once the folder was free"
}

# A FIFO where a task file belongs is no task file: it is never opened
# (the open would wait for a writer, deaf to SIGTERM). Resume runs the task
# again; merge refuses it, naming it.
test_robust_fifo_task_file_is_refused_not_waited_for() {
    command -v mkfifo >/dev/null || skip "no mkfifo"
    printf '[simulation]\nsteps = 30\nreplications = 3\n[network]\nnodes = 500\n' >s.ini
    "$WOMSIM" run s.ini -o r -q --no-plot || fail "run failed"
    rm r/tasks/1.rows r/manifest.json
    mkfifo r/tasks/1.rows
    timeout 30 "$WOMSIM" run s.ini -o r -q --no-plot --resume 2>/dev/null ||
        fail "the resume over a FIFO task file failed or hung"
    [ -f r/tasks/1.rows ] || fail "the resume did not replace the FIFO by the task file"
    for i in 0 1 2; do
        "$WOMSIM" run s.ini -o m -q --no-plot --shard $i/3 || fail "shard $i/3 failed"
    done
    rm m/tasks/2.rows
    mkfifo m/tasks/2.rows
    expect_exit 65 "m/tasks/2.rows: not a regular file, so no task file (a task of shard 2/3)" \
        timeout 30 "$WOMSIM" merge m -q --no-plot
}

# A disk that fills while runs.csv is written (a 800 KB tmpfs: the task
# files and each point's files fit, runs.csv does not): the error names
# runs.csv and the system's reason, exit 74, and no temporary file is left.
# Needs to mount a tmpfs (root); skipped otherwise.
test_robust_full_disk_names_the_file() {
    mkdir small
    mount -t tmpfs -o size=800k tmpfs small 2>/dev/null || skip "cannot mount a small tmpfs here"
    "$WOMSIM" run "$ROOT/configs/baseline.ini" --set network.nodes=300 --set simulation.steps=100 \
        -r 3 -q --no-plot -o small/out >out.txt 2>err.txt
    code=$?
    left=$(find small -name '*.tmp.*' | head -n 3)
    umount small
    [ "$code" -eq 74 ] || fail "exit $code on a full disk, expected 74: $(cat err.txt)"
    grep -q "small/out/runs.csv: cannot write: No space left on device" err.txt ||
        fail "the error does not name runs.csv and why: $(cat err.txt)"
    [ -z "$left" ] || fail "temporary files left: $left"
}
