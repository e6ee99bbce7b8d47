# test_scenarios.sh: the scenario library in configs/. Every scenario
# passes `womsim check`, has its description block, a paragraph and a
# picture in docs/scenarios.md, and runs (shortened); the pictures script
# draws one plot per scenario; and several scenarios show what their
# comments claim, on smaller towns with fixed seeds. A claim "A is below B"
# holds when A's 95% confidence interval over the replications lies wholly
# below B's (both from sweep.csv), so it can fail, and does not hang on
# one lucky run.
# SPDX-License-Identifier: GPL-3.0-or-later

# sweep_value DIR POINT COLUMN: the COLUMN of POINT's row in DIR/sweep.csv.
sweep_value() {
    awk -F, -v p="$2" -v name="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
        NR > 1 && $1 == p { print $c }' "$1/sweep.csv"
}

# interval_below DIR METRIC POINT_A POINT_B [DIR_B]: METRIC's final 95% CI
# at POINT_A lies wholly below the one at POINT_B (of DIR_B, default DIR).
interval_below() {
    a_hi=$(sweep_value "$1" "$3" "$2_ci95_hi")
    b_lo=$(sweep_value "${5:-$1}" "$4" "$2_ci95_lo")
    [ -n "$a_hi" ] && [ -n "$b_lo" ] && awk -v a="$a_hi" -v b="$b_lo" 'BEGIN { exit !(a < b) }'
}

# claim_below DIR METRIC POINT_A POINT_B WHAT [DIR_B]: fails the test with
# WHAT and both intervals unless interval_below holds.
claim_below() {
    interval_below "$1" "$2" "$3" "$4" "${6:-$1}" ||
        fail "$5: $2 at point $3 [$(sweep_value "$1" "$3" "$2_ci95_lo"), $(sweep_value "$1" "$3" "$2_ci95_hi")] not below point $4 [$(sweep_value "${6:-$1}" "$4" "$2_ci95_lo"), $(sweep_value "${6:-$1}" "$4" "$2_ci95_hi")]"
}

# run_scenario NAME DIR [OPTIONS...]: runs configs/NAME.ini into DIR,
# without plots.
run_scenario() {
    name=$1
    dir=$2
    shift 2
    "$WOMSIM" run "$ROOT/configs/$name.ini" -o "$dir" -q --no-plot "$@" 2>err.txt ||
        fail "$name failed: $(cat err.txt)"
}

test_scenarios_check_and_are_documented() {
    count=0
    for file in "$ROOT"/configs/*.ini; do
        name=$(basename "$file" .ini)
        count=$((count + 1))
        "$WOMSIM" check "$file" >out.txt 2>&1 || fail "$name does not check: $(cat out.txt)"
        # The description is the comment block before the first section.
        head -n 1 "$file" | grep -q "^; $name.ini: " || fail "$name.ini lacks its title line"
        sed '/^\[/q' "$file" | grep -q '^; What to look for' ||
            fail "$name.ini's description lacks 'What to look for'"
        grep -q "^## $name\$" "$ROOT/docs/scenarios.md" || fail "docs/scenarios.md lacks $name"
        grep -q "(img/$name.png)" "$ROOT/docs/scenarios.md" ||
            fail "docs/scenarios.md does not show img/$name.png"
        [ -s "$ROOT/docs/img/$name.png" ] || fail "docs/img/$name.png is missing"
    done
    [ "$count" -ge 13 ] || fail "only $count scenarios in configs/"
}

# Each scenario as written (its network and sweep), a month, 2 runs per point.
test_scenarios_run_shortened() {
    for file in "$ROOT"/configs/*.ini; do
        name=$(basename "$file" .ini)
        points=$("$WOMSIM" check "$file" | sed -n 's/.*ok, \([0-9]*\) point(s).*/\1/p')
        run_scenario "$name" "$name" -r 2 --set simulation.steps=30
        if [ "$points" -gt 1 ]; then
            [ "$(wc -l <"$name/sweep.csv")" -eq $((points + 1)) ] ||
                fail "$name: sweep.csv should have $points rows"
        else
            grep -q '"steps": 30,' "$name/summary.json" || fail "$name: no 30-step summary"
        fi
    done
}

# One run of 5 days per scenario, with plots, into a folder of the test.
test_scenario_pictures_script_draws_each() {
    here=$(pwd)
    (cd "$ROOT" && WOMSIM="$WOMSIM" scripts/scenario-pictures.sh -o "$here/img" -r 1 \
        --set simulation.steps=5 >"$here/pictures.txt") || fail "scenario-pictures.sh failed"
    for file in "$ROOT"/configs/*.ini; do
        name=$(basename "$file" .ini)
        [ -s "img/$name.png" ] || fail "no picture for $name"
        grep -q "^$name .* s " pictures.txt || fail "no time printed for $name"
    done
    grep -q 'poor-service.png (points/2/timeseries.png)' pictures.txt ||
        fail "poor-service's picture is not its quality-0.6 timeseries"
}

# Kotler's rule on a network where nobody runs out of people to tell: per
# run, the people told per dissatisfied experience over the year are twice
# those per satisfied one (5/10), within the 95% CI of 6 runs; under 3/11
# the shop ends with fewer customers than under 5/10.
test_scenario_kotler_bad_news_twice_as_far() {
    run_scenario kotler-5-vs-10 out -r 6 --set network.nodes=2000
    # Point 2 is 5/10 (good-news key first, bad-news key last and fastest).
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["point"] == 2 { s[$c["replication"], $c["metric"]] += $c["value"]; r[$c["replication"]] = 1 }
        END { for (k in r) {
            bad = s[k, "told_by_dissatisfied"] / s[k, "dissatisfied"]
            good = s[k, "told_by_satisfied"] / s[k, "satisfied"]
            print bad / good } }' out/runs.csv >ratios.txt
    [ "$(wc -l <ratios.txt)" -eq 6 ] || fail "expected 6 replications' ratios"
    # t(0.975, 5) = 2.5706: the 95% interval of the mean of 6 ratios.
    awk '{ s += $1; q += $1 * $1; n++ } END { m = s / n; h = 2.5706 * sqrt((q - n * m * m) / (n - 1) / n)
        printf "%g %g\n", m - h, m + h; exit !(m - h <= 2 && 2 <= m + h && m - h > 1) }' ratios.txt \
        >ci.txt || fail "bad news per teller / good news per teller: CI $(cat ci.txt) excludes 2"
    claim_below out customers 1 2 "3/11 does not end below 5/10"
    claim_below out reputation 1 2 "3/11's reputation is not below 5/10's"
}

# A shop of 600 customers (30% of 2000) whose quality drops to 0.6 ends
# the year with fewer than it started with, fewer than the shop that kept
# 0.9, and a reputation below zero.
test_scenario_poor_service_loses_customers() {
    run_scenario poor-service out -r 4 --set network.nodes=2000
    hi=$(sweep_value out 2 customers_ci95_hi)
    awk -v h="$hi" 'BEGIN { exit !(h < 600) }' || fail "at 0.6 customers (hi $hi) do not fall below 600"
    claim_below out customers 2 0 "quality 0.6 does not end below 0.9"
    claim_below out customers 1 0 "quality 0.7 does not end below 0.9"
    rep=$(sweep_value out 2 reputation_ci95_hi)
    awk -v r="$rep" 'BEGIN { exit !(r < 0) }' || fail "at 0.6 reputation (hi $rep) is not below 0"
}

# Hearing half the complaints instead of 1 in 27 keeps more customers.
test_scenario_service_recovery_complaints_pay() {
    run_scenario service-recovery out -r 4 --set network.nodes=2000 --set recovery.paradox=false
    # Points: complain rate 0.037, 0.2, 0.5.
    claim_below out customers 0 2 "encouraging complaints does not keep more customers"
}

# Reviews read by 1000 strangers lower the reputation and multiply the
# detractors of a quality-0.8 shop. Reviews grow with the town, so each
# person reads as many in a town of 5000 as in one of 10,000; a smaller
# town would be half read by every review.
test_scenario_online_reviews_amplify_bad_news() {
    run_scenario online-reviews out -r 6 --set network.nodes=5000 --set "online.review_reach=0, 1000"
    claim_below out reputation 1 0 "far-reaching reviews do not lower the reputation"
    claim_below out detractors 0 1 "far-reaching reviews do not raise the detractors"
}

# Best-connected advisers whose word counts 5 times win more customers
# than random advisers of the same weight.
test_scenario_influencers_best_connected_win() {
    run_scenario influencers out -r 6 --set network.nodes=4000 --set population.intermediary_weight=5
    claim_below out customers 0 1 "best-connected advisers do not beat random ones"
}

test_scenario_employees_and_loyalty_levers() {
    run_scenario employees-first staff -r 4 --set network.nodes=2000
    claim_below staff customers 0 2 "happy staff do not keep more customers than unhappy staff"
    run_scenario loyalty-programme card -r 4 --set network.nodes=2000
    claim_below card customers 0 3 "a loyalty card does not keep more customers"
    claim_below card lost 3 0 "a loyalty card does not lose fewer customers"
}

# At quality 0.9, unhappy customers who tell 10 cost discounted value
# compared with unhappy customers who keep quiet.
test_scenario_bad_news_costs_value() {
    run_scenario bad-news-npv out -r 6 --set network.nodes=2000 --set service.quality=0.9
    claim_below out value 1 0 "bad news does not lower the discounted value"
}

# The same shop in the mixed town (expectations 0, 0.5, 1) does worse than
# in a town where everyone expects what the locals expect. The town is
# made 5 times smaller with 5 times the link probabilities (same degrees);
# point 0 is quality 0.9.
test_scenario_service_cultures_demand_more() {
    set -- -r 4 --set "network.blocks=800, 600, 600" --set network.p_in=0.015 \
        --set network.p_out=0.001 --set "service.quality=0.9, 0.95"
    run_scenario service-cultures mixed "$@"
    run_scenario service-cultures one "$@" --set network.expectations=0
    claim_below mixed customers 0 0 "the demanding town does not cost customers" one
    claim_below mixed reputation 0 0 "the demanding town does not cost reputation" one
}
