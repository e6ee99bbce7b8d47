# test_regress.sh: womsim regress end to end, on a small reference set of
# its own made with --update: the folder holds only the scenario copy, the
# compared files and a manifest without varying fields; a rerun matches;
# a model parameter's default changed by 1e-3 fails, naming the file, the
# line and the metrics (and passes at the exact default); a tampered
# number is named; a sweep's files are compared and a remade folder drops
# the old ones; a graph file the scenario reads is kept in the reference;
# SIGINT stops cleanly; bad lists and options are refused.
# SPDX-License-Identifier: GPL-3.0-or-later

# refs/LIST with one reference, "shop", whose scenario lives in its folder.
shop_references() {
    mkdir -p refs/shop tmp
    scenario refs/shop/shop.ini <<'INI'
; shop.ini: a small shop, for regress's own test.
[simulation]
steps = 40
replications = 3
seed = 91
[network]
model = watts-strogatz
nodes = 400
mean_degree = 6
INI
    printf '# NAME SCENARIO OPTIONS\nshop  shop/shop.ini  -r 4 --set network.nodes=2000\n' >refs/LIST
    TMPDIR=$PWD/tmp "$WOMSIM" regress --update refs >out.txt 2>err.txt ||
        fail "update failed: $(cat err.txt)"
}

# The default of KEY as `womsim params` prints it.
default_of() {
    "$WOMSIM" params | awk -v key="$1" '$1 == key { print $4 }'
}

test_regress_reference_folder() {
    shop_references
    grep -qx 'womsim: regress: shop: made from refs/shop/shop.ini (4 files)' out.txt ||
        fail "unexpected report: $(cat out.txt)"
    (cd refs/shop && find . -type f | sort) >files.txt
    printf './manifest.json\n./shop.ini\n./summary.json\n./timeseries.csv\n' | cmp -s - files.txt ||
        fail "the folder holds: $(cat files.txt)"
    for field in started_utc ended_utc git_describe command threads scenario_file overrides gsl; do
        grep -q "\"$field\"" refs/shop/manifest.json && fail "the manifest records $field"
    done
    grep -q '"replications": 4,' refs/shop/manifest.json || fail "-r 4 was not applied"
    grep -q '"agents": 2000,' refs/shop/summary.json || fail "--set network.nodes=2000 not applied"
    (cd refs/shop && sed -n 's/^    "\(.*\)": "\([0-9a-f]\{64\}\)",\{0,1\}$/\2  \1/p' manifest.json |
        sha256sum -c --quiet) || fail "the manifest's checksums do not match"
    TMPDIR=$PWD/tmp "$WOMSIM" regress refs >out.txt 2>err.txt || fail "regress failed: $(cat err.txt)"
    grep -qx 'womsim: regress: shop: ok' out.txt || fail "no ok line: $(cat out.txt)"
    [ -z "$(ls -A tmp)" ] || fail "temporary folders left: $(ls tmp)"
}

# A model parameter's default 0.1% off (wom.satisfied_tell_mean, which the
# scenario leaves at its default, set for every rerun as a changed default
# would be) changes the simulated numbers: regress names the file, the
# first line and the metrics. About 0.5% of GSL's Poisson draws change
# when the mean goes from 5 to 5.005, and the reference makes some 1,400
# of them (2,000 agents, 40 days, 4 replications), so a miss would take odds
# of about e^-7. The exact default passes: the override itself changes
# nothing.
test_regress_fails_on_a_small_default_change() {
    shop_references
    key=wom.satisfied_tell_mean
    default=$(default_of $key)
    [ -n "$default" ] || fail "no default for $key"
    changed=$(awk -v d="$default" 'BEGIN { printf "%.10g", d * 1.001 }')
    expect_exit 65 "womsim: regress: shop: timeseries.csv differs at line " \
        "$WOMSIM" regress refs --set "$key=$changed"
    grep -Eq '^  [a-z_]+: largest relative change [0-9.e-]+ \([a-z_]+_mean at step [0-9]+: ' \
        "$WORK/.stderr" || fail "no metric's change named: $(cat "$WORK/.stderr")"
    grep -q 'shop: summary.json differs at line 4' "$WORK/.stderr" ||
        fail "summary.json (its scenario hash first) not named: $(cat "$WORK/.stderr")"
    grep -q 'regress: 1 reference: 0 ok, 1 differs$' "$WORK/.stderr" ||
        fail "no summary line: $(cat "$WORK/.stderr")"
    "$WOMSIM" regress refs --set "$key=$default" >out.txt 2>err.txt ||
        fail "the exact default failed: $(cat err.txt)"
    grep -q 'regress: 1 reference: 1 ok$' out.txt || fail "no summary line: $(cat out.txt)"
    # A change too small for these few draws to feel (a rare event's
    # probability) still fails, told apart from a change of the numbers:
    # the scenario hash covers every key's value.
    rate=$(awk -v d="$(default_of adoption.advertising)" 'BEGIN { printf "%.10g", d * 1.001 }')
    expect_exit 65 "shop: only the scenario hash differs" \
        "$WOMSIM" regress refs --set "adoption.advertising=$rate"
    grep -q 'regress: 1 reference: 0 ok, 1 only in the scenario hash$' "$WORK/.stderr" ||
        fail "no hash-only summary: $(cat "$WORK/.stderr")"
    # a bad --set is said once, before any rerun
    expect_exit 78 "womsim: --set: service.quality = 8 is out of range [0, 1]" \
        "$WOMSIM" regress refs --set service.quality=8
    [ "$(grep -c 'out of range' "$WORK/.stderr")" -eq 1 ] || fail "said more than once"
}

test_regress_names_a_tampered_number() {
    shop_references
    column=$(head -n 1 refs/shop/timeseries.csv | tr , '\n' | grep -nx customers_mean | cut -d: -f1)
    awk -F, -v OFS=, -v c="$column" 'NR == 12 { $c = $c * 1.25 } { print }' \
        refs/shop/timeseries.csv >t.csv && mv t.csv refs/shop/timeseries.csv
    expect_exit 65 "womsim: regress: shop: timeseries.csv differs at line 12" "$WOMSIM" regress refs
    grep -q '^  customers: largest relative change 0.2 (customers_mean at step 10: ' \
        "$WORK/.stderr" || fail "customers' change not named: $(cat "$WORK/.stderr")"
}

test_regress_sweep_and_remade_folder() {
    shop_references
    printf 'shop shop/shop.ini --sweep service.quality=0.8,0.9\n' >refs/LIST
    "$WOMSIM" regress --update refs >/dev/null || fail "update of a sweep failed"
    for file in sweep.csv points/0/timeseries.csv points/1/summary.json; do
        [ -s "refs/shop/$file" ] || fail "no $file in the reference"
    done
    "$WOMSIM" regress refs >/dev/null || fail "the sweep does not match itself"
    printf 'x' | dd of=refs/shop/points/1/summary.json bs=1 seek=20 conv=notrunc 2>/dev/null
    expect_exit 65 "shop: points/1/summary.json differs at line" "$WOMSIM" regress refs
    printf 'shop shop/shop.ini\n' >refs/LIST
    "$WOMSIM" regress --update refs >/dev/null || fail "update back to one point failed"
    [ -e refs/shop/points ] && fail "the old points/ stayed"
    [ -s refs/shop/shop.ini ] || fail "the scenario living in the folder was lost"
    ls refs | grep -q '\.new\.\|\.old\.' && fail "a temporary folder is left: $(ls refs)"
    return 0
}

# A scenario that reads a graph file by a path relative to itself: the
# reference keeps a copy of the graph beside its copy of the scenario, so
# that it reruns from its own folder; a graph outside the scenario's folder
# is refused, as its copy would land outside the reference's.
test_regress_keeps_the_graph_file() {
    mkdir -p refs src/graphs tmp
    printf '0 1\n1 2\n2 3\n3 0\n0 2\n4 0\n5 4\n' >src/graphs/ring.txt
    scenario src/net.ini <<'INI'
; net.ini: a shop on a graph read from a file.
[simulation]
steps = 20
replications = 2
[network]
model = file
file = graphs/ring.txt
INI
    printf 'net ../src/net.ini\n' >refs/LIST
    TMPDIR=$PWD/tmp "$WOMSIM" regress --update refs >out.txt 2>err.txt ||
        fail "update failed: $(cat err.txt)"
    grep -qx 'womsim: regress: net: made from refs/../src/net.ini (5 files)' out.txt ||
        fail "unexpected report: $(cat out.txt)"
    cmp -s src/graphs/ring.txt refs/net/graphs/ring.txt || fail "the graph was not copied"
    rm -r src
    TMPDIR=$PWD/tmp "$WOMSIM" regress refs >out.txt 2>err.txt ||
        fail "regress without the source folder failed: $(cat err.txt)"
    mkdir -p src/inner
    printf '0 1\n1 2\n' >src/ring.txt
    sed 's|graphs/ring.txt|../ring.txt|' refs/net/net.ini >src/inner/net.ini
    printf 'net ../src/inner/net.ini\n' >refs/LIST
    expect_exit 78 "network.file = ../ring.txt is outside the scenario's folder" \
        "$WOMSIM" regress --update refs
    cmp -s refs/net/graphs/ring.txt /dev/null && fail "the old reference was touched"
    [ -s refs/net/graphs/ring.txt ] || fail "the old reference lost its graph"
    ls refs | grep -q '\.new\.' && fail "a temporary folder is left: $(ls refs)"
    return 0
}

# SIGINT during a rerun: exit 75, no temporary folder left in TMPDIR or
# beside the references, the references as they were (checked, and
# remade, alike). A background job of a script ignores SIGINT: env lets it
# through.
test_regress_stops_cleanly_on_sigint() {
    shop_references
    cp -r refs/shop shop.before
    printf 'shop  shop/shop.ini  -r 40 --set network.nodes=20000 --set simulation.steps=200\n' \
        >refs/LIST
    for mode in check update; do
        rm -rf tmp && mkdir tmp
        set -- refs
        [ "$mode" = update ] && set -- --update refs
        TMPDIR=$PWD/tmp env --default-signal=INT "$WOMSIM" regress "$@" >out.txt 2>err.txt &
        pid=$!
        # Signal once the rerun has begun (its temporary folder exists).
        while kill -0 "$pid" 2>/dev/null; do
            [ -n "$(ls -A tmp)" ] && break
            sleep 0.02
        done
        sleep 0.2
        kill -INT "$pid"
        wait "$pid"
        code=$?
        [ "$code" -eq 75 ] || fail "$mode: exit $code after SIGINT, expected 75: $(cat err.txt)"
        grep -q "stopped by SIGINT before shop was" err.txt || fail "$mode: no stop message: $(cat err.txt)"
        [ -z "$(ls -A tmp)" ] || fail "$mode: temporary folders left: $(ls tmp)"
        ls refs | grep -q '\.new\.\|\.old\.' && fail "$mode: a folder is left: $(ls refs)"
        diff -r shop.before refs/shop >/dev/null || fail "$mode: the reference changed"
    done
    return 0
}

test_regress_refuses_bad_lists() {
    mkdir refs
    expect_exit 66 "refs/LIST: cannot read the list of references" "$WOMSIM" regress refs
    printf 'shop shop/shop.ini -o elsewhere\n' >refs/LIST
    expect_exit 65 "refs/LIST:1: options are -r N, -s SEED, --set K=V, --sweep K=L, not '-o'" \
        "$WOMSIM" regress refs
    printf '# only a comment\n\n' >refs/LIST
    expect_exit 65 "refs/LIST:1: no references listed" "$WOMSIM" regress refs
    printf 'a a.ini\n../up a.ini\n' >refs/LIST
    expect_exit 65 "refs/LIST:2: a reference's name is letters" "$WOMSIM" regress refs
    printf 'a a.ini\na b.ini\n' >refs/LIST
    expect_exit 65 "refs/LIST:2: a second reference named 'a'" "$WOMSIM" regress refs
    printf 'a a.ini -r\n' >refs/LIST
    expect_exit 65 "refs/LIST:1: a value is missing after '-r'" "$WOMSIM" regress refs
    printf 'a a.ini\n' >refs/LIST
    expect_exit 66 "refs/a/a.ini: no reference here" "$WOMSIM" regress refs
    expect_exit 66 "refs/a.ini: cannot read" "$WOMSIM" regress --update refs
    expect_exit 64 "--set changes reruns only" "$WOMSIM" regress --update --set wom.forward_prob=0 refs
    expect_exit 64 "at most one folder" "$WOMSIM" regress refs refs
}
