# test_explore.sh: sampled designs and sensitivity analysis end to end:
# run --design lhs writes one sweep.csv row per sampled point inside the
# ranges (and runs.csv each task's last day); womsim sensitivity (Morris and Sobol) writes sensitivity.csv,
# its chart and report section, byte-identical for 1 and 2 threads and for
# 3 shards merged, and after a resume; a lever that cannot act on a metric
# gets mu* = 0; a misspelt metric stops the run before it starts.
# SPDX-License-Identifier: GPL-3.0-or-later

# A small shop: 600 agents, 40 days, 2 replications.
explore_scenario() {
    scenario explore.ini <<'INI'
[simulation]
steps = 40
replications = 2
seed = 385
[network]
model = erdos-renyi
nodes = 600
mean_degree = 8
INI
}

# Morris over three keys, four trajectories: 16 points, 32 tasks.
morris() {
    "$WOMSIM" sensitivity explore.ini --vary service.quality=0.6:0.95 \
        --vary wom.dissatisfied_tell_mean=5:20 --vary economics.price=5:15 -n 4 \
        --metric customers --metric revenue_total "$@"
}

test_explore_lhs_design_rows_inside_ranges() {
    explore_scenario
    "$WOMSIM" run explore.ini --sweep service.quality=0.6:0.95 --sweep adoption.winback=0:0.01 \
        --design lhs:12 -o out -q --no-plot 2>err.txt || fail "run failed: $(cat err.txt)"
    [ "$(tail -n +2 out/sweep.csv | wc -l)" -eq 12 ] || fail "sweep.csv should have 12 rows"
    head -n 1 out/sweep.csv | grep -q '^point,replications,key:service.quality,key:adoption.winback,' ||
        fail "sweep.csv header: $(head -c 80 out/sweep.csv)"
    awk -F, 'NR > 1 && ($3 < 0.6 || $3 > 0.95 || $4 < 0 || $4 > 0.01) { bad = 1 }
        END { exit bad }' out/sweep.csv || fail "a sampled value lies outside its range"
    # one value in each twelfth of the quality range
    strata=$(awk -F, 'NR > 1 { s = int(($3 - 0.6) / 0.35 * 12); if (s > 11) s = 11; print s }' \
        out/sweep.csv | sort -u | wc -l)
    [ "$strata" -eq 12 ] || fail "the Latin hypercube covers $strata of 12 strata"
    [ -e out/sensitivity.csv ] && fail "an LHS design has no sensitivity analysis"
    # runs.csv keeps each task's last day (step, column 8, is 40), every metric of it
    awk -F, 'NR > 1 && $8 != 40 { bad = 1 } END { exit bad }' out/runs.csv ||
        fail "a design's runs.csv should hold the last day only"
    grep -q '^explore,11,1,23,385,[^,]*,[^,]*,40,customers,' out/runs.csv ||
        fail "runs.csv lacks task 23's last day"
    return 0
}

test_explore_morris_writes_indices_chart_and_report() {
    explore_scenario
    morris -o out -q 2>err.txt || fail "sensitivity failed: $(cat err.txt)"
    head -1 out/sensitivity.csv | grep -qx 'key,metric,mu_star,mu_star_ci95_lo,mu_star_ci95_hi,mu,sigma' ||
        fail "sensitivity.csv header: $(head -1 out/sensitivity.csv)"
    [ "$(tail -n +2 out/sensitivity.csv | wc -l)" -eq 6 ] || fail "expected 3 keys x 2 metrics"
    [ "$(tail -n +2 out/sweep.csv | wc -l)" -eq 16 ] || fail "4 trajectories of 4 points"
    # the price changes revenue but never a customer's choice: mu* exactly 0
    grep -q '^economics.price,customers,0,0,0,0,0$' out/sensitivity.csv ||
        fail "price should not move customers: $(grep price out/sensitivity.csv)"
    awk -F, '$1 == "economics.price" && $2 == "revenue_total" && $3 > 0 { ok = 1 }
        END { exit !ok }' out/sensitivity.csv || fail "price should move revenue"
    awk -F, '$1 == "service.quality" && $2 == "customers" && $6 > 0 { ok = 1 }
        END { exit !ok }' out/sensitivity.csv || fail "quality should raise customers (mu > 0)"
    if command -v gnuplot >/dev/null; then
        [ -s out/sensitivity.png ] && [ -s out/sensitivity.svg ] || fail "no chart"
    fi
    grep -q 'Which lever matters most' out/report.html || fail "the report lacks the indices"
    grep -q '"sensitivity.csv": "' out/manifest.json || fail "the manifest lacks sensitivity.csv"
}

test_explore_sobol_writes_indices() {
    explore_scenario
    "$WOMSIM" sensitivity explore.ini --vary service.quality=0.6:0.95 \
        --vary economics.price=5:15 --method sobol -n 4 --metric customers -r 1 -o out -q \
        --no-plot 2>err.txt || fail "sensitivity failed: $(cat err.txt)"
    head -1 out/sensitivity.csv | grep -qx 'key,metric,S1,S1_ci95_lo,S1_ci95_hi,ST,ST_ci95_lo,ST_ci95_hi' ||
        fail "sensitivity.csv header: $(head -1 out/sensitivity.csv)"
    [ "$(tail -n +2 out/sweep.csv | wc -l)" -eq 16 ] || fail "4 base samples of 4 points"
    grep -q '^economics.price,customers,0,0,0,0,0,0$' out/sensitivity.csv ||
        fail "price explains none of customers: $(grep price out/sensitivity.csv)"
}

test_explore_sensitivity_same_bytes_threads_shards_resume() {
    explore_scenario
    morris -o one -q --no-plot -t 1 || fail "-t 1 failed"
    morris -o two -q --no-plot -t 2 || fail "-t 2 failed"
    same_files one two
    for i in 1 0 2; do
        morris -o split -q --no-plot --shard "$i/3" || fail "shard $i/3 failed"
    done
    [ -e split/sensitivity.csv ] && fail "a shard wrote the analysis"
    "$WOMSIM" merge split -q --no-plot 2>err.txt || fail "merge failed: $(cat err.txt)"
    same_files one split
    morris -o resumed -q --no-plot || fail "first run failed"
    rm resumed/tasks/3.rows resumed/tasks/17.rows resumed/sensitivity.csv
    morris -o resumed -q --no-plot --resume || fail "resume failed"
    same_files one resumed
}

test_explore_bad_metric_stops_before_running() {
    explore_scenario
    expect_exit 78 "design.metrics: no metric 'custumers'" \
        "$WOMSIM" sensitivity explore.ini --vary service.quality=0.6:0.95 --metric custumers \
        -o out -q --no-plot
    [ -e out/tasks ] && [ -n "$(ls out/tasks)" ] && fail "a refused analysis ran tasks"
    expect_exit 78 "needs at least one key given as a range" \
        "$WOMSIM" sensitivity explore.ini -o out2 -q --no-plot
    expect_exit 64 "expects morris or sobol" \
        "$WOMSIM" sensitivity explore.ini --vary service.quality=0.6:0.95 --method sobel
    return 0
}
