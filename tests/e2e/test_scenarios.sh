# test_scenarios.sh: the scenario library in configs/. Every scenario
# passes `womsim check`, has its description block, a paragraph and a
# picture in docs/scenarios.md, and runs (shortened); the pictures script
# draws one plot per scenario; and each scenario that makes a claim shows
# it, in its own town with its own seed but fewer replications or fewer
# swept values. A claim "A is below B" holds when A's 95% confidence
# interval over the replications lies wholly below B's (both from
# sweep.csv); a claim about a difference holds when the difference's 95%
# interval, d +- sqrt(hA^2 + hB^2) from the two intervals' half-widths h
# (each a Student t with n - 1 degrees of freedom, so a little wider than
# Welch's), lies where the claim says. Either can fail, and neither hangs
# on one lucky run.
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

# interval DIR POINT METRIC: "lo hi" of METRIC's final 95% CI at POINT.
interval() {
    echo "$(sweep_value "$1" "$2" "$3_ci95_lo") $(sweep_value "$1" "$2" "$3_ci95_hi")"
}

# claim_metrics_below DIR POINT METRIC_A METRIC_B WHAT: at POINT, METRIC_A's
# 95% CI lies wholly below METRIC_B's (say msgs_pos_total and
# msgs_neg_total).
claim_metrics_below() {
    a_hi=$(sweep_value "$1" "$2" "$3_ci95_hi")
    b_lo=$(sweep_value "$1" "$2" "$4_ci95_lo")
    [ -n "$a_hi" ] && [ -n "$b_lo" ] && awk -v a="$a_hi" -v b="$b_lo" 'BEGIN { exit !(a < b) }' ||
        fail "$5: $3 [$(interval "$1" "$2" "$3")] not below $4 [$(interval "$1" "$2" "$4")] at point $2"
}

# difference DIR METRIC POINT_A POINT_B [DIR_B]: "d h": METRIC's final mean
# at POINT_B (of DIR_B, default DIR) minus that at POINT_A, and the
# half-width sqrt(hA^2 + hB^2) of its 95% interval.
difference() {
    awk -v alo="$(sweep_value "$1" "$3" "$2_ci95_lo")" -v ahi="$(sweep_value "$1" "$3" "$2_ci95_hi")" \
        -v blo="$(sweep_value "${5:-$1}" "$4" "$2_ci95_lo")" -v bhi="$(sweep_value "${5:-$1}" "$4" "$2_ci95_hi")" \
        'BEGIN { ha = (ahi - alo) / 2; hb = (bhi - blo) / 2
            printf "%.6g %.6g\n", (blo + bhi) / 2 - (alo + ahi) / 2, sqrt(ha * ha + hb * hb) }'
}

# claim_rises DIR METRIC POINT_A POINT_B WHAT [DIR_B]: METRIC is higher at
# POINT_B than at POINT_A: the difference's 95% interval lies above 0.
claim_rises() {
    set -- "$@" "${6:-$1}"
    d=$(difference "$1" "$2" "$3" "$4" "$6")
    echo "$d" | awk '{ exit !($1 - $2 > 0) }' ||
        fail "$5: $2 from point $3 to point $4 rises by $d (difference and half-width), not surely above 0"
}

# claim_smaller_effect DIR METRIC A1 B1 A2 B2 WHAT: the change of METRIC
# from point A1 to B1, either way, is surely smaller than the rise from A2
# to B2: |d1| + h1 < d2 - h2.
claim_smaller_effect() {
    d1=$(difference "$1" "$2" "$3" "$4")
    d2=$(difference "$1" "$2" "$5" "$6")
    echo "$d1 $d2" | awk '{ d = $1 < 0 ? -$1 : $1; exit !(d + $2 < $3 - $4) }' ||
        fail "$7: $2 moves by $d1 from point $3 to $4, not surely less than $d2 from point $5 to $6"
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
    [ "$count" -ge 14 ] || fail "only $count scenarios in configs/"
}

# Each scenario as written (its network and sweep), a month, 2 runs per point.
test_scenarios_run_shortened() {
    for file in "$ROOT"/configs/*.ini; do
        name=$(basename "$file" .ini)
        points=$("$WOMSIM" check "$file" | sed -n 's/.*ok, \([0-9]*\) points\{0,1\} x.*/\1/p')
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
    for name in service-cultures learning-from-complaints; do
        grep -q "$name.png (drawn from its CSV files)" pictures.txt ||
            fail "$name's picture is not the one drawn from its CSV files"
    done
}

# Kotler's rule on the baseline's network of about 10 close ties: per run,
# the people told per dissatisfied experience over the year are twice those
# per satisfied episode told (5/10), within 5%: weak ties leave room for the
# 10 (without them the cap on close ties trims it to about 8.7, a ratio of
# 1.74); the 95% CI of the mean of 10 runs must lie within 1.9 to 2.1.
# Under 3/11 bad messages outnumber good ones, and the shop ends with
# fewer customers and a lower reputation than under 5/10. A town of 3,000
# (the effects are a quarter of the customers; 10 runs resolve them).
test_scenario_kotler_bad_news_twice_as_far() {
    run_scenario kotler-5-vs-10 out -r 10 --set network.nodes=3000
    # Points: 0 = 3/10, 1 = 3/11, 2 = 5/10, 3 = 5/11 (good-news key first).
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["point"] == 1 || $c["point"] == 2 { s[$c["point"], $c["replication"], $c["metric"]] += $c["value"]; r[$c["replication"]] = 1 }
        END { for (k in r) {
            bad = s[2, k, "told_by_dissatisfied"] / s[2, k, "dissatisfied"]
            good = s[2, k, "told_by_satisfied"] / s[2, k, "satisfied_told"]
            print bad / good, s[1, k, "msgs_pos"] / s[1, k, "msgs_neg"] } }' out/runs.csv >ratios.txt
    [ "$(wc -l <ratios.txt)" -eq 10 ] || fail "expected 10 replications' ratios"
    # t(0.975, 9) = 2.2622: the 95% interval of the mean of 10 ratios.
    awk '{ s += $1; q += $1 * $1; n++ } END { m = s / n; h = 2.2622 * sqrt((q - n * m * m) / (n - 1) / n)
        printf "%g %g\n", m - h, m + h; exit !(m - h >= 1.9 && m + h <= 2.1) }' ratios.txt \
        >ci.txt || fail "told per unhappy / told per happy customer under 5/10: CI $(cat ci.txt) not within 1.9 to 2.1"
    awk '{ s += $2; q += $2 * $2; n++ } END { m = s / n; h = 2.2622 * sqrt((q - n * m * m) / (n - 1) / n)
        printf "%g %g\n", m - h, m + h; exit !(m + h < 1) }' ratios.txt \
        >ci.txt || fail "good messages per bad under 3/11: CI $(cat ci.txt) not below 1"
    claim_below out customers 1 2 "3/11 does not end below 5/10"
    claim_below out reputation 1 2 "3/11's reputation is not below 5/10's"
}

# A shop of 600 customers (30% of 2,000) whose quality drops to 0.6 loses
# more than four fifths of them in the year (the scenario: 3,000 to about
# 220), ends below the shops at 0.7 and 0.9, hears more bad news than
# good, and its reputation falls from about +30 on day 0 to under +10.
test_scenario_poor_service_loses_customers() {
    run_scenario poor-service out -r 4 --set network.nodes=2000
    hi=$(sweep_value out 2 customers_ci95_hi)
    awk -v h="$hi" 'BEGIN { exit !(h < 120) }' || fail "at 0.6 customers (hi $hi) do not fall below 120"
    claim_below out customers 2 0 "quality 0.6 does not end below 0.9"
    claim_below out customers 1 0 "quality 0.7 does not end below 0.9"
    claim_metrics_below out 2 msgs_pos_total msgs_neg_total "at 0.6 bad news does not outnumber good"
    rep=$(sweep_value out 2 reputation_ci95_hi)
    day0=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "reputation_ci95_lo") c = i; next }
        $1 == 0 { print $c }' out/points/2/timeseries.csv)
    awk -v r="$rep" -v d="$day0" 'BEGIN { exit !(r < 10 && d > 20) }' ||
        fail "at 0.6 the reputation does not fall from above +20 (day 0's low end $day0) to below +10 (hi $rep)"
}

# The scenario's own town, 10 runs, the complaint rates 1 in 27 and 1 in 2.
# Hearing half the complaints keeps more customers; so does staying that
# follows opinion (stay_slope 0.15); with the TARP table alone the paradox
# moves the customers surely less than the slope does (about 20 against
# 270). The paradox on satisfaction: counting only enthusiasts (opinion 9
# or more) as promoters, it makes more of them (about 960 against 820).
test_scenario_service_recovery_complaints_and_paradox() {
    run_scenario service-recovery out -r 10 --set "recovery.complain_rate=0.037, 0.5"
    # Points: complain rate slowest, then paradox, then stay_slope:
    # 0 = (0.037, false, 0), 4 = (0.5, false, 0), 5 = (0.5, false, 0.15),
    # 6 = (0.5, true, 0).
    claim_below out customers 0 4 "encouraging complaints does not keep more customers"
    claim_below out customers 4 5 "staying that follows opinion does not keep more customers"
    claim_smaller_effect out customers 4 6 4 5 \
        "with the table alone the paradox does not move customers less than the slope"
    run_scenario service-recovery fans -r 10 --set recovery.complain_rate=0.5 \
        --set recovery.stay_slope=0 --set model.promoter_at=9
    claim_below fans promoters 0 1 "the paradox does not make more enthusiasts"
}

# A middling shop's page of reviews: when happy customers write once in 50
# visits it reads above 3 stars and reading it (once in 20 days) wins
# customers; when they write once in 100 it reads below 3 stars and reading
# it costs customers. The scenario's town, 8 runs, reading never or once in
# 20 days.
test_scenario_online_reviews_page_cuts_both_ways() {
    run_scenario online-reviews out -r 8 --set "online.consult_rate=0, 0.05"
    # Points: 0 = (0, 0.02), 1 = (0, 0.01), 2 = (0.05, 0.02), 3 = (0.05, 0.01).
    claim_below out customers 0 2 "a page above 3 stars does not win customers"
    claim_below out customers 3 1 "a page below 3 stars does not cost customers"
    good=$(sweep_value out 2 rating_ci95_lo)
    bad=$(sweep_value out 3 rating_ci95_hi)
    awk -v g="$good" -v b="$bad" 'BEGIN { exit !(g > 3 && b < 3) }' ||
        fail "ratings: happy writers' page (lo $good) not above 3 stars, or the other (hi $bad) not below"
}

# Advisers who advise without buying: the best connected, advising about
# once in 10 days, win more customers than random ones, and more than when
# they never advise; without advice, who the advisers are matters surely
# less than with it. The scenario's town, 8 runs, advice never or once in
# 10 days.
test_scenario_influencers_advice_wins() {
    run_scenario influencers out -r 8 --set "population.advice_rate=0, 0.1"
    # Points: 0 = (0, random), 1 = (0, degree), 2 = (0.1, random), 3 = (0.1, degree).
    claim_below out customers 2 3 "best-connected advisers do not beat random ones"
    claim_below out customers 1 3 "advice does not win best-connected advisers more customers"
    claim_smaller_effect out customers 0 1 2 3 \
        "without advice the choice of advisers does not matter less than with it"
}

# Happy staff keep more than twice the customers of unhappy staff (the
# scenario: about 2,550 against 850); a card that cuts leaving by three
# quarters keeps more customers, loses fewer and raises the reputation.
test_scenario_employees_and_loyalty_levers() {
    run_scenario employees-first staff -r 4 --set "employees.satisfaction=0.2, 0.8"
    unhappy=$(sweep_value staff 0 customers_ci95_hi)
    happy=$(sweep_value staff 1 customers_ci95_lo)
    awk -v u="$unhappy" -v h="$happy" 'BEGIN { exit !(h > 2 * u) }' ||
        fail "happy staff's customers (lo $happy) are not twice unhappy staff's (hi $unhappy)"
    run_scenario loyalty-programme card -r 4 --set "loyalty.churn_reduction=0, 0.75"
    claim_below card customers 0 1 "a loyalty card does not keep more customers"
    claim_below card lost 1 0 "a loyalty card does not lose fewer customers"
    claim_below card reputation 0 1 "a loyalty card does not raise the reputation"
}

# At quality 0.9, unhappy customers who tell 10 cost discounted value
# compared with unhappy customers who keep quiet.
test_scenario_bad_news_costs_value() {
    run_scenario bad-news-npv out -r 6 --set service.quality=0.9
    claim_below out value 1 0 "bad news does not lower the discounted value"
}

# The same shop in the mixed town (expectations 0, 0.5, 1) does worse than
# in a town where everyone expects what the locals expect; in the mixed
# town the tourist quarter's share of customers is below the locals'; and
# even the locals are fewer customers than in the one-culture town. The
# scenario's town, 10 runs; point 0 is quality 0.9.
test_scenario_service_cultures_demand_more() {
    set -- -r 10 --set "service.quality=0.9, 0.95"
    run_scenario service-cultures mixed "$@"
    run_scenario service-cultures one "$@" --set network.expectations=0
    claim_below mixed customers 0 0 "the demanding town does not cost customers" one
    claim_below mixed reputation 0 0 "the demanding town does not cost reputation" one
    tourists=$(sweep_value mixed 0 customers_block2_ci95_hi)
    locals=$(sweep_value mixed 0 customers_block0_ci95_lo)
    awk -v t="$tourists" -v l="$locals" 'BEGIN { exit !(t / 3000 < l / 4000) }' ||
        fail "the tourist quarter's share of customers (hi $tourists of 3,000) is not below the locals' (lo $locals of 4,000)"
    claim_rises mixed customers_block0 0 0 "the locals do not do better in the one-culture town" one
}

# A shop that learns 5% from each complaint: more customers than one that
# does not, at 1 complaint in 27; learning gains more when 1 in 5 complain
# than when 1 in 27 do (the difference of the two gains' intervals lies
# above 0); fewer failures in the year from more orders; and the frequent
# late deliveries fall by a larger share than the rare lost parcels. The
# scenario's town, 6 runs, learning 0 or 0.05.
test_scenario_learning_from_complaints_pays() {
    run_scenario learning-from-complaints out -r 6 --set "recovery.learning=0, 0.05"
    # Points: 0 = (0, 0.037), 1 = (0, 0.2), 2 = (0.05, 0.037), 3 = (0.05, 0.2).
    claim_below out customers 0 2 "learning from 1 complaint in 27 does not gain customers"
    claim_rises out reputation 0 2 "learning does not raise the reputation"
    gain_few=$(difference out customers 0 2)
    gain_many=$(difference out customers 1 3)
    echo "$gain_few $gain_many" | awk '{ exit !($3 - $1 - sqrt($2 * $2 + $4 * $4) > 0) }' ||
        fail "learning's gain with 1 in 5 complaining ($gain_many) is not surely above its gain with 1 in 27 ($gain_few)"
    claim_below out failures_total 3 0 "learning does not lower the failures"
    claim_below out encounters_total 0 3 "the learning shop does not sell more orders"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { lo[$1, "late"] = $c["failures_late-delivery_total_ci95_lo"]; hi[$1, "late"] = $c["failures_late-delivery_total_ci95_hi"]
          lo[$1, "lost"] = $c["failures_parcel-lost_total_ci95_lo"]; hi[$1, "lost"] = $c["failures_parcel-lost_total_ci95_hi"] }
        END { late = hi[3, "late"] / lo[0, "late"]; lost = lo[3, "lost"] / hi[0, "lost"]
            printf "%g %g\n", late, lost; exit !(late < lost) }' out/sweep.csv >shares.txt ||
        fail "late deliveries (at most $(cut -d' ' -f1 shares.txt) of before) do not fall by more than lost parcels (at least $(cut -d' ' -f2 shares.txt))"
}
