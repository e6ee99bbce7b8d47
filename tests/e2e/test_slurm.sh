# test_slurm.sh: scripts/slurm-array.sh outside SLURM, its array faked:
# three array tasks then `womsim merge` give the files of one `womsim run`;
# outside an array it refuses to start.
# SPDX-License-Identifier: GPL-3.0-or-later

# 3 service qualities x 2 forwarding probabilities, 2 replications, 20
# days: 12 tasks, 4 per array task.
slurm_scenario() {
    scenario study.ini <<'INI'
[simulation]
steps = 20
replications = 2
seed = 227
[network]
model = erdos-renyi
nodes = 180
mean_degree = 5.5
[service]
quality = 0.66, 0.81, 0.94
[wom]
forward_prob = 0, 0.15
INI
}

# The array tasks run in any order, as SLURM may start them.
test_slurm_array_script_then_merge_matches_one_run() {
    slurm_scenario
    "$WOMSIM" run study.ini -o whole -q --no-plot || fail "womsim run failed"
    for id in 2 0 1; do
        WOMSIM=$WOMSIM SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=0 \
            SLURM_CPUS_PER_TASK=1 sh "$ROOT/scripts/slurm-array.sh" study.ini "$PWD/split" \
            -q --no-plot 2>err.txt || fail "array task $id failed: $(cat err.txt)"
    done
    [ -e split/runs.csv ] && fail "an array task aggregated"
    grep -q '"threads": 1,' split/shards/0-of-3.json || fail "SLURM_CPUS_PER_TASK not used"
    "$WOMSIM" merge split -q --no-plot 2>err.txt || fail "merge failed: $(cat err.txt)"
    same_files whole split
}

test_slurm_array_script_refuses_outside_an_array() {
    slurm_scenario
    expect_exit 64 "not an array task" sh "$ROOT/scripts/slurm-array.sh" study.ini out
    expect_exit 64 "usage: sbatch" env SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=3 \
        sh "$ROOT/scripts/slurm-array.sh" study.ini
    [ -e out ] && fail "a refused array task left an output folder"
    return 0
}
