# test_classic.sh: the classic kinds (ic, sir, bass) end to end:
# summary.json gains final_share and analytic, analytic.dat holds the
# analytic curve and the plot overlays it, -t 1 and -t 2 give the same
# bytes, and the wom kind's files stay as they were.
# SPDX-License-Identifier: GPL-3.0-or-later

# ic on Erdos-Renyi: 5000 nodes, c = 6, p = 0.3 (c T = 1.8, S = 0.732).
ic_scenario() {
    scenario ic.ini <<'INI'
[simulation]
steps = 40
replications = 4
seed = 385
[network]
model = erdos-renyi
nodes = 5000
mean_degree = 6
[model]
kind = ic
[ic]
p = 0.3
seeds = 20
INI
}

# bass on a complete graph of 300 nodes.
bass_scenario() {
    scenario bass.ini <<'INI'
[simulation]
steps = 30
replications = 12
seed = 385
[network]
model = complete
nodes = 300
[model]
kind = bass
[bass]
p = 0.03
q = 0.38
INI
}

# analytic_number FILE KEY: KEY's number inside the "analytic" object.
analytic_number() {
    sed -n '/"analytic": {/,/}/p' "$1" >"$1.analytic"
    json_number "$1.analytic" "$2"
}

# final_share_mean FILE: the mean of the simulated final share.
final_share_mean() {
    sed -n 's/.*"final_share": {"mean": \([-0-9.e+]*\),.*/\1/p' "$1"
}

test_classic_ic_writes_final_share_and_analytic() {
    ic_scenario
    "$WOMSIM" run ic.ini -o out -q --no-plot 2>err.txt || fail "run failed: $(cat err.txt)"
    for file in timeseries.csv summary.json timeseries.dat timeseries.gp analytic.dat; do
        [ -s "out/$file" ] || fail "missing out/$file"
    done
    head -n 1 out/timeseries.csv | grep -q '^step,susceptible_mean,.*,active_mean,.*,removed_mean,' ||
        fail "bad CSV header: $(head -n 1 out/timeseries.csv)"
    mean=$(final_share_mean out/summary.json)
    root=$(analytic_number out/summary.json final_share)
    threshold=$(analytic_number out/summary.json threshold)
    degree=$(analytic_number out/summary.json mean_degree)
    [ "$(analytic_number out/summary.json transmissibility)" = "0.3" ] || fail "T is not p"
    # The root for the graph's own mean degree: 0.732 at exactly c = 6, T =
    # 0.3; the realized degree of 5000 nodes is within 6 +- 0.1 (about 3 of
    # its standard deviations, 0.035), which moves the root by less than
    # 0.01. 4 runs of 5000 nodes: the mean's sd is about 0.008; allow 0.03.
    awk -v m="$mean" -v s="$root" 'BEGIN { exit !(s > 0.722 && s < 0.742 && (m - s)^2 < 0.03^2) }' ||
        fail "final share $mean is not near the root $root"
    awk -v t="$threshold" -v c="$degree" 'BEGIN { exit !((t * c - 1)^2 < 0.05^2) }' ||
        fail "threshold $threshold is not 1 / c = 1 / $degree on Erdos-Renyi"
    [ "$(grep -vc '^#' out/analytic.dat)" -eq 41 ] || fail "analytic.dat should have 41 rows"
    grep -q "'analytic.dat' using 1:2 with lines dt 2" out/timeseries.gp ||
        fail "the plot does not overlay the analytic curve"
}

test_classic_bass_tracks_its_meanfield() {
    bass_scenario
    "$WOMSIM" run bass.ini -o out -q --no-plot 2>err.txt || fail "run failed: $(cat err.txt)"
    for key in final_meanfield final_continuous mean_degree; do
        [ -n "$(analytic_number out/summary.json $key)" ] || fail "analytic lacks $key"
    done
    [ -n "$(final_share_mean out/summary.json)" ] || fail "summary.json lacks final_share"
    # Mean adopters against the mean field, per step: 12 runs of 300 nodes
    # give a mean share with sd <= 2 x sqrt(0.25 / 300) / sqrt(12) = 0.017;
    # allow 0.06.
    grep -v '^#' out/analytic.dat >theory.txt
    grep -v '^#' out/timeseries.dat >simulated.txt
    paste -d ' ' theory.txt simulated.txt |
        awk '{ d = ($2 - $5) / 300; if (d * d > 0.06^2) bad++; rows++ }
             END { exit !(rows == 31 && bad == 0) }' ||
        fail "the simulated adopters stray from the mean field"
}

test_classic_plot_overlays_theory() {
    ic_scenario
    bass_scenario
    for kind in ic bass; do
        "$WOMSIM" run $kind.ini -o $kind -q 2>err.txt || fail "$kind run failed: $(cat err.txt)"
        [ -s $kind/timeseries.png ] || fail "no PNG for $kind"
        grep -q '<svg' $kind/timeseries.svg || fail "no SVG for $kind"
    done
    grep -q 'theory: final size' ic/timeseries.svg || fail "no analytic curve in the ic plot"
    grep -q 'mean field' bass/timeseries.svg || fail "no mean field in the bass plot"
    grep -q 'continuous Bass' bass/timeseries.svg || fail "no Bass curve in the bass plot"
}

# Off Erdos-Renyi there is no final-size root: no analytic.dat, no
# overlay, but the graph's threshold is still reported.
test_classic_sir_off_erdos_renyi_reports_threshold() {
    scenario sir.ini <<'INI'
[simulation]
steps = 30
replications = 3
[network]
model = watts-strogatz
nodes = 2000
mean_degree = 6
[model]
kind = sir
[sir]
beta = 0.385
gamma = 0.5
INI
    "$WOMSIM" run sir.ini -o out -q 2>err.txt || fail "run failed: $(cat err.txt)"
    [ -e out/analytic.dat ] && fail "analytic.dat written without a curve"
    grep -q analytic.dat out/timeseries.gp && fail "the plot reads a missing analytic.dat"
    [ -n "$(analytic_number out/summary.json threshold)" ] || fail "no threshold"
    grep -q '"final_share": [0-9]' out/summary.json && fail "a root off Erdos-Renyi"
    [ -s out/timeseries.png ] || fail "no PNG"
}

test_classic_one_and_two_threads_byte_identical() {
    ic_scenario
    bass_scenario
    sed 's/^kind = ic/kind = sir/' ic.ini >sir.ini
    for kind in ic sir bass; do
        for r in 4 1; do # replications in parallel, then agents in parallel
            # A folder per batch: a run refuses a folder of another scenario's tasks.
            "$WOMSIM" run $kind.ini -o one-$kind-$r -q --no-plot -t 1 -r $r || fail "$kind -t 1 failed"
            "$WOMSIM" run $kind.ini -o two-$kind-$r -q --no-plot -t 2 -r $r || fail "$kind -t 2 failed"
            for file in timeseries.csv summary.json timeseries.dat analytic.dat; do
                cmp -s "one-$kind-$r/$file" "two-$kind-$r/$file" ||
                    fail "$kind -r $r: $file differs between -t 1 and -t 2"
            done
        done
    done
}

test_classic_wom_kind_has_no_analytic() {
    scenario wom.ini <<'INI'
[simulation]
steps = 20
replications = 2
[network]
nodes = 500
INI
    "$WOMSIM" run wom.ini -o out -q --no-plot || fail "run failed"
    [ -e out/analytic.dat ] && fail "analytic.dat for the wom kind"
    grep -q '"analytic"\|"final_share"' out/summary.json && fail "analytic keys for the wom kind"
    return 0
}
