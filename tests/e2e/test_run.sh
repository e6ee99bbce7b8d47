# test_run.sh: `womsim run` end to end: outputs, determinism across thread
# counts, the state invariant, the 5-versus-10 rule, plots, failures.
# SPDX-License-Identifier: GPL-3.0-or-later

# A small fast scenario: 600 agents in a small world, 60 days.
small_scenario() {
    scenario small.ini <<'INI'
[simulation]
steps = 60
replications = 6
seed = 385
[network]
model = watts-strogatz
nodes = 600
mean_degree = 8
[service]
quality = 0.82
INI
}

test_run_writes_every_output() {
    small_scenario
    "$WOMSIM" run small.ini -o out -q --no-plot 2>err.txt || fail "run failed: $(cat err.txt)"
    for file in timeseries.csv summary.json timeseries.dat timeseries.gp; do
        [ -s "out/$file" ] || fail "missing out/$file"
    done
    [ "$(wc -l <out/timeseries.csv)" -eq 62 ] || fail "timeseries.csv should have 61 rows + header"
    head -n 1 out/timeseries.csv | grep -q '^step,unaware_mean,unaware_sd,unaware_ci95_lo,unaware_ci95_hi,' ||
        fail "bad CSV header"
    for key in scenario seed replications steps agents edges told_per_satisfied \
        told_per_dissatisfied; do
        grep -q "\"$key\"" out/summary.json || fail "summary.json lacks $key"
    done
    grep -q '"customers": {"mean": [0-9.e+-]*, "sd": [0-9.e+-]*, "ci95_lo": ' out/summary.json ||
        fail "summary.json lacks final.customers"
    ls -a out | grep -q 'tmp' && fail "temporary file left in out/"
    return 0
}

test_one_and_two_threads_byte_identical() {
    small_scenario
    "$WOMSIM" run small.ini -o one -q --no-plot -t 1 || fail "run -t 1 failed"
    "$WOMSIM" run small.ini -o two -q --no-plot -t 2 || fail "run -t 2 failed"
    "$WOMSIM" run small.ini -o agents -q --no-plot -t 2 -r 1 || fail "run -r 1 -t 2 failed"
    "$WOMSIM" run small.ini -o agents1 -q --no-plot -t 1 -r 1 || fail "run -r 1 -t 1 failed"
    for file in timeseries.csv summary.json timeseries.dat; do
        cmp -s "one/$file" "two/$file" || fail "$file differs between -t 1 and -t 2"
        cmp -s "agents/$file" "agents1/$file" ||
            fail "$file differs between -t 1 and -t 2 with agents in parallel"
    done
}

test_seed_changes_results() {
    small_scenario
    "$WOMSIM" run small.ini -o a -q --no-plot || fail "run failed"
    "$WOMSIM" run small.ini -o b -q --no-plot -s 386 || fail "run -s failed"
    cmp -s a/timeseries.csv b/timeseries.csv && fail "another seed gave the same results"
    return 0
}

# With one replication the means are the counts themselves, so the four
# states must add up to the number of agents exactly, every day.
test_states_sum_to_agents() {
    small_scenario
    "$WOMSIM" run small.ini -o one -q --no-plot -r 1 || fail "run failed"
    awk -F, 'NR > 1 && $2 + $6 + $10 + $14 != 600 { bad++ } END { exit bad > 0 }' \
        one/timeseries.csv || fail "unaware + prospects + customers + lost != 600"
}

# On a complete graph of 400 agents (degree 399) K never exceeds the
# degree, so the realised means per episode told are 5 and 10 within
# sampling error: over n episodes the standard error is sqrt(mean / n); we
# allow 4 of them.

# column_sum NAME FILE FACTOR: FACTOR x the sum of column NAME over the rows.
column_sum() {
    awk -F, -v name="$1" -v f="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
        { s += $c } END { printf "%.0f\n", s * f }' "$2"
}
test_five_versus_ten_on_complete_graph() {
    scenario complete.ini <<'INI'
[simulation]
steps = 40
replications = 4
[network]
model = complete
nodes = 400
[population]
initial_customers = 0.8
initial_aware = 0.2
[adoption]
churn_attitude = -500
[service]
quality = 0.6
purchase_rate = 0.3
churn_rate = 0
[recovery]
repurchase_silent_minor = 0.9
INI
    "$WOMSIM" run complete.ini -o c -q --no-plot || fail "run failed"
    satisfied=$(json_number c/summary.json told_per_satisfied)
    dissatisfied=$(json_number c/summary.json told_per_dissatisfied)
    capped=$(json_number c/summary.json capped_share_neg)
    # episodes told: the sums of the columns' means over days, times 4 replications
    n_sat=$(column_sum satisfied_told_mean c/timeseries.csv 4)
    n_dis=$(column_sum dissatisfied_mean c/timeseries.csv 4)
    awk -v x="$satisfied" -v n="$n_sat" 'BEGIN { exit !(n > 1000 && (x - 5)^2 < 16 * 5 / n) }' ||
        fail "told per satisfied $satisfied (n = $n_sat) is not 5"
    awk -v x="$dissatisfied" -v n="$n_dis" \
        'BEGIN { exit !(n > 1000 && (x - 10)^2 < 16 * 10 / n) }' ||
        fail "told per dissatisfied $dissatisfied (n = $n_dis) is not 10"
    [ "$capped" = "0" ] || fail "tells were capped on a complete graph: $capped"
}

test_plots_rendered() {
    small_scenario
    "$WOMSIM" run small.ini -o plots -q || fail "run failed"
    [ -s plots/timeseries.png ] || fail "no PNG"
    grep -q '<svg' plots/timeseries.svg || fail "no SVG"
    (cd plots && rm -f timeseries.png && gnuplot timeseries.gp) || fail "script does not run alone"
    [ -s plots/timeseries.png ] || fail "script did not render a PNG on its own"
}

# gnuplot draws into temporary files: killed half-way (here a stand-in
# that writes a few bytes and kills itself) it leaves neither a half
# picture under a final name nor its temporary files.
test_plots_never_half_written() {
    small_scenario
    "$WOMSIM" run small.ini -o plots -q || fail "run failed"
    mkdir -p dying-bin
    cat >dying-bin/gnuplot <<'SH'
#!/bin/sh
png=timeseries.png
[ "$1" = -e ] && png=$(echo "$2" | sed -n "s/.*png = '\([^']*\)'.*/\1/p")
printf half >"$png"
kill -9 $$
SH
    chmod +x dying-bin/gnuplot
    path=$PATH
    PATH="$PWD/dying-bin:$PATH"
    expect_exit 74 "womsim: plots: gnuplot failed on timeseries.gp" "$WOMSIM" run small.ini -o plots -q
    PATH=$path
    # The new run replaced the finished one whole (its picture went with
    # it: outputs never mix), and the drawing that failed left no picture,
    # half-written or other, under the final name.
    [ ! -e plots/timeseries.png ] || fail "a picture is left: $(head -c 8 plots/timeseries.png)"
    find plots -name '*.tmp.*' | grep -q . && fail "temporary pictures left"
    return 0
}

test_without_gnuplot_run_succeeds() {
    small_scenario
    mkdir -p nognuplot-bin
    PATH="$WORK/nognuplot-bin" "$WOMSIM" run small.ini -o noplot -q 2>err.txt ||
        fail "run failed without gnuplot: $(cat err.txt)"
    grep -q "gnuplot timeseries.gp" err.txt || fail "no hint how to render later"
    [ -s noplot/timeseries.csv ] || fail "no CSV"
}

test_memory_limit_refused() {
    small_scenario
    expect_exit 69 "--max-mem" "$WOMSIM" run small.ini -o big -q --no-plot --max-mem 64K
    [ -e big ] && fail "a refused run left an output folder"
    return 0
}

test_output_path_is_a_file() {
    small_scenario
    : >afile
    expect_exit 73 "afile" "$WOMSIM" run small.ini -o afile -q --no-plot
}

# A folder the user may not write to exits 73 (cannot create output), as
# the README says, both a new folder under a read-only one and a read-only
# folder holding another run's files (which a run would have to remove).
# Root writes anywhere, so as root the runs drop to user nobody (setpriv)
# from a copy of the binary in a folder nobody may enter.
test_read_only_folder_exits_73() {
    small_scenario
    as_user=""
    if [ "$(id -u)" -eq 0 ]; then
        command -v setpriv >/dev/null || skip "root without setpriv cannot test permissions"
        as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
    place=$(mktemp -d "${TMPDIR:-/tmp}/womsim-ro.XXXXXX")
    trap 'chmod -R u+w "$place"; rm -rf "$place"' EXIT
    chmod 755 "$place"
    cp "$WOMSIM" small.ini "$place/"
    mkdir "$place/locked" "$place/held"
    [ -n "$as_user" ] && chown 65534 "$place/held"
    $as_user "$place/womsim" run "$place/small.ini" -o "$place/held" -q --no-plot -r 1 ||
        fail "the first run into held failed"
    chmod 555 "$place/locked" "$place/held"
    $as_user "$place/womsim" run "$place/small.ini" -o "$place/locked/new" -q --no-plot \
        -r 1 2>err.txt
    code=$?
    [ "$code" -eq 73 ] || fail "a folder under a read-only one: exit $code: $(cat err.txt)"
    $as_user "$place/womsim" run "$place/small.ini" -o "$place/held" -q --no-plot -r 2 2>err.txt
    code=$?
    [ "$code" -eq 73 ] || fail "a read-only folder of another run: exit $code: $(cat err.txt)"
    grep -q 'Permission denied' err.txt || fail "the message does not say why: $(cat err.txt)"
}

test_usage_errors() {
    expect_exit 64 "run expects one scenario file" "$WOMSIM" run
    expect_exit 64 "-t expects a thread count" "$WOMSIM" run x.ini -t 0
    expect_exit 64 "unknown command 'rnu'" "$WOMSIM" rnu
}

# network.file is read relative to the scenario file's folder, wherever
# womsim is started from; a missing one is reported with exit 66.
test_network_file_relative_to_scenario() {
    mkdir -p study/data
    awk 'BEGIN { for (i = 0; i < 300; i++) { print i, (i + 1) % 300; print i, (i + 7) % 300 } }' \
        >study/data/edges.txt
    cat >study/net.ini <<'INI'
[simulation]
steps = 20
replications = 2
[network]
model = file
file = data/edges.txt
INI
    "$WOMSIM" run study/net.ini -o netout -q --no-plot || fail "run with network.file failed"
    grep -q '"agents": 300,' netout/summary.json || fail "expected 300 agents"
    grep -q '"edges": 600,' netout/summary.json || fail "expected 600 edges"
    sed 's|data/edges.txt|data/none.txt|' study/net.ini >study/missing.ini
    expect_exit 66 "study/data/none.txt" "$WOMSIM" run study/missing.ini -o m -q --no-plot
}

# The baseline's story (docs/validation.md): at quality 0.9 the shop
# grows; at 0.7 it loses customers over the first three months and ends the
# year far behind. Judged by 95% confidence intervals over 10 replications
# (fixed seed), not by single numbers.
test_baseline_tells_its_story() {
    "$WOMSIM" run "$ROOT/configs/baseline.ini" -o good -q --no-plot || fail "q = 0.9 failed"
    "$WOMSIM" run "$ROOT/configs/baseline.ini" -o poor -q --no-plot --set service.quality=0.7 ||
        fail "q = 0.7 failed"
    # customers: mean in column 10, lo 12, hi 13; reputation's lo and hi are the last two.
    awk -F, 'NR == 2 { start = $10 } NR == 367 { exit !($12 > 1.5 * start) }' good/timeseries.csv ||
        fail "at 0.9 the customer base does not grow by half"
    awk -F, 'NR == 2 { start = $10 } NR == 92 { exit !($13 < start) }' poor/timeseries.csv ||
        fail "at 0.7 customers do not fall over the first 90 days"
    good_lo=$(awk -F, 'NR == 367 { print $12 }' good/timeseries.csv)
    poor_hi=$(awk -F, 'NR == 367 { print $13 }' poor/timeseries.csv)
    awk -v g="$good_lo" -v p="$poor_hi" 'BEGIN { exit !(p < g / 2) }' ||
        fail "final customers at 0.7 ($poor_hi) not below half of 0.9 ($good_lo)"
    good_rep=$(awk -F, 'NR == 367 { print $(NF - 1) }' good/timeseries.csv)
    poor_rep=$(awk -F, 'NR == 367 { print $NF }' poor/timeseries.csv)
    awk -v g="$good_rep" -v p="$poor_rep" 'BEGIN { exit !(p < g) }' ||
        fail "reputation at 0.7 (hi $poor_rep) not below 0.9 (lo $good_rep)"
}

# Quotes in a scenario's file name reach the plot title safely.
test_quotes_in_scenario_name() {
    small_scenario
    cp small.ini "o'brien \"shop\".ini"
    "$WOMSIM" run "o'brien \"shop\".ini" -o quoted -q 2>err.txt || fail "run failed: $(cat err.txt)"
    [ -s quoted/timeseries.png ] || fail "no PNG for a quoted name"
}

test_empty_output_folder_refused() {
    small_scenario
    expect_exit 73 "the output folder name is empty" "$WOMSIM" run small.ini -o '' -q --no-plot
}

# The class workflow: edit the scenario, run again into the same folder.
# A finished whole run's tasks are replaced; outputs are those of the new
# scenario, identical to a run in a fresh folder.
test_rerun_after_editing_the_scenario() {
    small_scenario
    "$WOMSIM" run small.ini -o same -q --no-plot || fail "first run failed"
    sed 's/quality = 0.82/quality = 0.71/' small.ini >edited.ini && mv edited.ini small.ini
    "$WOMSIM" run small.ini -o same -q --no-plot 2>err.txt || fail "rerun refused: $(cat err.txt)"
    "$WOMSIM" run small.ini -o fresh -q --no-plot || fail "fresh run failed"
    for file in timeseries.csv summary.json runs.csv; do
        cmp -s "same/$file" "fresh/$file" || fail "$file differs from a fresh folder's"
    done
}
