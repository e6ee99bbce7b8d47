# test_model.sh: the wom kind's features seen through `womsim run`: failure
# modes as columns, complaints and recovery, reviews, the realised tells.
# SPDX-License-Identifier: GPL-3.0-or-later

# column NAME FILE: the 1-based CSV column of NAME.
column() {
    head -n 1 "$2" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1
}

# final NAME FILE: the last row's value of column NAME.
final() {
    tail -n 1 "$2" | cut -d, -f"$(column "$1" "$2")"
}

# total NAME FILE: the sum of column NAME over all rows.
total() {
    awk -F, -v c="$(column "$1" "$2")" 'NR > 1 { s += $c } END { printf "%.0f\n", s }' "$2"
}

shop_with_problems() {
    scenario shop.ini <<'INI'
[simulation]
steps = 90
replications = 1
seed = 615
[network]
model = watts-strogatz
nodes = 2000
mean_degree = 8
[recovery]
complain_rate = 0.385
[online]
review_rate_dissatisfied = 0.2
consult_rate = 0.0385
[failure.late-delivery]
rate = 0.06
severity = minor
[failure.parcel-lost]
rate = 0.02
severity = major
[failure.not-recognised]
rate = 0.04
applies_to = returning
INI
}

# Each failure mode gets its own column, and with one replication the
# modes add up to the failures exactly, every day.
test_failure_modes_are_columns_that_add_up() {
    shop_with_problems
    "$WOMSIM" run shop.ini -o out -q --no-plot || fail "run failed"
    csv=out/timeseries.csv
    for name in late-delivery parcel-lost not-recognised; do
        [ -n "$(column "failures_${name}_mean" $csv)" ] || fail "no column failures_$name"
    done
    a=$(column failures_late-delivery_mean $csv)
    b=$(column failures_parcel-lost_mean $csv)
    c=$(column failures_not-recognised_mean $csv)
    f=$(column failures_mean $csv)
    awk -F, -v a="$a" -v b="$b" -v c="$c" -v f="$f" \
        'NR > 1 && $a + $b + $c != $f { bad++ } END { exit bad > 0 }' $csv ||
        fail "failure modes do not add up to failures"
    [ "$(total failures_late-delivery_mean $csv)" -gt "$(total failures_parcel-lost_mean $csv)" ] ||
        fail "the more frequent mode should fail more often"
}

test_complaints_recoveries_and_reviews_happen() {
    shop_with_problems
    "$WOMSIM" run shop.ini -o out -q --no-plot || fail "run failed"
    csv=out/timeseries.csv
    for name in complaints recovered reviews_neg review_reads told_by_recovered forwarded \
        told_weak complaints_parcel-lost; do
        [ "$(total ${name}_mean $csv)" -gt 0 ] || fail "no $name at all"
    done
    awk -F, -v e="$(column encounters_mean $csv)" -v s="$(column satisfied_mean $csv)" \
        -v f="$(column failures_mean $csv)" -v r="$(column recovered_mean $csv)" \
        -v d="$(column dissatisfied_mean $csv)" \
        'NR > 1 && ($e != $s + $f || $f != $r + $d) { bad++ } END { exit bad > 0 }' $csv ||
        fail "encounters != satisfied + failures or failures != recovered + dissatisfied"
    grep -q '"told_per_recovered"' out/summary.json || fail "summary lacks told_per_recovered"
    grep -q '"capped_share_neg"' out/summary.json || fail "summary lacks capped_share_neg"
    awk -F, -v c="$(column complaints_mean $csv)" -v a="$(column complaints_late-delivery_mean $csv)" \
        -v b="$(column complaints_parcel-lost_mean $csv)" \
        -v d="$(column complaints_not-recognised_mean $csv)" \
        'NR > 1 && $a + $b + $d != $c { bad++ } END { exit bad > 0 }' $csv ||
        fail "complaints per mode do not add up to complaints"
    awk -F, -v s="$(column review_stock_pos_mean $csv)" -v n="$(column review_stock_neg_mean $csv)" \
        -v r="$(column reviews_mean $csv)" 'NR > 1 && $s + $n != $r { bad++ } END { exit bad > 0 }' \
        $csv || fail "the reviews column is not the page's good and bad reviews"
}

test_failure_rate_sweep_checked() {
    shop_with_problems
    "$WOMSIM" check shop.ini --set "failure.parcel-lost.rate=0.01, 0.03" >out.txt ||
        fail "check of a swept failure rate failed"
    grep -q "2 points x" out.txt || fail "expected 2 sweep points: $(cat out.txt)"
    expect_exit 78 "failure.parcel-lost.rate = 1.5 is out of range [0, 1]" \
        "$WOMSIM" check shop.ini --set failure.parcel-lost.rate=1.5
}

# Checks that need the actual network: a file's size is known only once
# read. Rules that keep the model finite: subcritical hearsay.
test_checks_against_the_network_and_limits() {
    printf '0 1\n1 2\n2 3\n' >four.txt
    printf '[network]\nmodel = file\nfile = four.txt\n[model]\nkind = ic\n[ic]\nseeds = 10\n' \
        >ic.ini
    expect_exit 78 "ic.seeds = 10 must be at most the network's 4 nodes" \
        "$WOMSIM" run ic.ini -o out -q --no-plot
    expect_exit 78 "must be below 1, or hearsay grows without end" \
        "$WOMSIM" check "$ROOT/configs/baseline.ini" --set wom.forward_prob=0.5 \
        --set wom.forward_tell_mean=2
    expect_exit 78 "online.review_lifetime = 4000000000 is out of range" \
        "$WOMSIM" check "$ROOT/configs/baseline.ini" --set online.review_lifetime=4000000000
}
