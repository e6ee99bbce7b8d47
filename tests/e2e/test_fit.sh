# test_fit.sh: `womsim fit --bass` end to end on Bass's (1969) room air
# conditioners (data/bass-air-conditioners.csv): the estimates in
# fit.json near the published ones and consistent with each other (the
# peak from p and q, fit.csv from p, q and m, r2 from fit.csv), the table
# and the files hashed in the manifest, the default folder, --no-plot, no
# gnuplot, the same files on a second run, docs/explore.md showing what it
# prints, and the usage errors. Bad tables are in tests/bad-inputs/
# (fit-*.case). Then `womsim fit SCENARIO --data` (its own section below).
# SPDX-License-Identifier: GPL-3.0-or-later

# docs/explore.md shows what the program prints now (its picture is not
# compared: gnuplot's PNG depends on the fonts installed).
test_fit_docs_show_the_output() {
    mkdir data
    cp "$ROOT/data/bass-air-conditioners.csv" data/
    "$WOMSIM" fit --bass data/bass-air-conditioners.csv >stdout.txt || fail "fit failed"
    sed -n '/^womsim: bass-air-conditioners: /,/^pictures: /p' "$ROOT/docs/explore.md" >shown.txt
    cmp -s stdout.txt shown.txt ||
        fail "docs/explore.md shows another output: $(diff shown.txt stdout.txt | head -n 6)"
}

# fit_value FILE NAME FIELD: FIELD ("estimate", "se") of NAME ("p") in
# fit.json.
fit_value() {
    sed -n "s/^  \"$2\": {\"estimate\": \([-0-9.e+]*\), \"se\": \([-0-9.e+]*\)},$/\1 \2/p" "$1" |
        awk -v field="$3" '{ print field == "se" ? $2 : $1 }'
}

# within VALUE LO HI: LO <= VALUE <= HI.
within() {
    awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'
}

test_fit_air_conditioners() {
    "$WOMSIM" fit --bass "$ROOT/data/bass-air-conditioners.csv" -o out >stdout.txt 2>err.txt ||
        fail "fit failed: $(cat err.txt)"
    [ -s err.txt ] && fail "fit wrote on stderr: $(cat err.txt)"
    head -n 1 out/fit.json | grep -qx '{' || fail "fit.json does not open an object"
    tail -n 1 out/fit.json | grep -qx '}' || fail "fit.json does not close its object"
    sed -n 2p out/fit.json | grep -q '^  "p": {"estimate": ' || fail "p is not first"
    p=$(fit_value out/fit.json p estimate)
    q=$(fit_value out/fit.json q estimate)
    m=$(fit_value out/fit.json m estimate)
    # published NLS estimates: p about 0.009-0.01, q about 0.4, m 17,000-19,000 thousand
    within "$p" 0.009 0.010 || fail "p = $p"
    within "$q" 0.36 0.42 || fail "q = $q"
    within "$m" 17000 20000 || fail "m = $m"
    within "$(fit_value out/fit.json p se)" 0.001 0.004 || fail "se of p"
    within "$(fit_value out/fit.json q se)" 0.02 0.08 || fail "se of q"
    within "$(fit_value out/fit.json m se)" 500 3000 || fail "se of m"
    r2=$(json_number out/fit.json r2)
    within "$r2" 0.9 1 || fail "r2 = $r2"
    peak=$(json_number out/fit.json peak_period)
    label=$(json_number out/fit.json peak_period_label)
    awk -v p="$p" -v q="$q" -v t="$peak" 'BEGIN { exit !((t - log(q / p) / (p + q))^2 < 1e-18) }' ||
        fail "peak_period $peak is not ln(q/p)/(p+q)"
    awk -v t="$peak" -v l="$label" 'BEGIN { exit !((l - (1949 + t - 1))^2 < 1e-18) }' ||
        fail "peak_period_label $label is not 1949 + $peak - 1"
    grep -q '^  "peak_in_period": 1958,$' out/fit.json || fail "peak_in_period is not 1958"
    grep -q '^  "n": 13,$' out/fit.json || fail "n is not 13"
    grep -q '^  "converged": true,$' out/fit.json || fail "not converged"
    grep -q '"method": "nonlinear least squares.*analytic Jacobian' out/fit.json || fail "method"
    sum=$(sha256sum "$ROOT/data/bass-air-conditioners.csv" | cut -d' ' -f1)
    grep -q "\"sha256\": \"$sum\"" out/fit.json || fail "fit.json lacks the table's SHA-256"
    grep -q "p (innovation) *$(awk -v x="$p" 'BEGIN { printf "%.4g", x }') " stdout.txt ||
        fail "stdout does not show p: $(cat stdout.txt)"
    return 0
}

# fit.csv: the table's rows, and m [F(t) - F(t-1)] from fit.json's p, q,
# m; r2 from its two columns is fit.json's.
test_fit_csv_agrees_with_json() {
    "$WOMSIM" fit --bass "$ROOT/data/bass-air-conditioners.csv" -o out -q --no-plot ||
        fail "fit failed"
    head -n 1 out/fit.csv | grep -qx 'period,observed,fitted' || fail "fit.csv header"
    [ "$(wc -l <out/fit.csv)" -eq 14 ] || fail "fit.csv has $(wc -l <out/fit.csv) lines"
    cut -d, -f1,2 out/fit.csv | sed 1d >rows.txt
    sed 1d "$ROOT/data/bass-air-conditioners.csv" | cmp -s - rows.txt ||
        fail "fit.csv's periods and observed adoptions are not the table's"
    p=$(fit_value out/fit.json p estimate)
    q=$(fit_value out/fit.json q estimate)
    m=$(fit_value out/fit.json m estimate)
    r2=$(json_number out/fit.json r2)
    awk -F, -v p="$p" -v q="$q" -v m="$m" -v r2="$r2" '
        function F(t) { return (1 - exp(-(p + q) * t)) / (1 + q / p * exp(-(p + q) * t)) }
        NR > 1 {
            t = NR - 1
            want = m * (F(t) - F(t - 1))
            if ((($3 - want) / want)^2 > 1e-20) { print "period " $1 ": " $3 " != " want; bad = 1 }
            s[t] = $2; f[t] = $3; mean += $2
        }
        END {
            n = NR - 1; mean /= n
            for (t = 1; t <= n; t++) { sse += (s[t] - f[t])^2; sst += (s[t] - mean)^2 }
            if ((1 - sse / sst - r2)^2 > 1e-18) { print "r2 " r2 " != " 1 - sse / sst; bad = 1 }
            exit bad
        }' out/fit.csv >check.txt || fail "$(cat check.txt)"
}

test_fit_pictures_and_manifest() {
    "$WOMSIM" fit --bass "$ROOT/data/bass-air-conditioners.csv" -o out -q || fail "fit failed"
    head -c 8 out/fit.png | od -An -c | grep -q 'P   N   G' || fail "fit.png is no PNG"
    grep -q '<svg' out/fit.svg || fail "no SVG"
    (cd out && rm fit.png && gnuplot fit.gp) || fail "fit.gp does not run alone"
    [ -s out/fit.png ] || fail "fit.gp did not draw fit.png on its own"
    "$WOMSIM" fit --bass "$ROOT/data/bass-air-conditioners.csv" -o out -q || fail "second fit"
    sed -n 's/^    "\(.*\)": "\([0-9a-f]\{64\}\)",\{0,1\}$/\2  \1/p' out/manifest.json >sums.txt
    [ "$(cut -d' ' -f3 sums.txt | tr '\n' ' ')" = "fit.json fit.csv fit.gp fit.png fit.svg " ] ||
        fail "manifest lists: $(cut -d' ' -f3 sums.txt | tr '\n' ' ')"
    (cd out && sha256sum -c --quiet ../sums.txt) >check.txt 2>&1 ||
        fail "hashes do not match: $(head -n 3 check.txt)"
    sum=$(sha256sum "$ROOT/data/bass-air-conditioners.csv" | cut -d' ' -f1)
    grep -q "^  \"data_sha256\": \"$sum\",$" out/manifest.json || fail "manifest lacks the table's hash"
    grep -q "^  \"data_file\": \"$ROOT/data/bass-air-conditioners.csv\",$" out/manifest.json ||
        fail "manifest lacks the table's path"
    for key in womsim git_describe command gsl started_utc ended_utc; do
        grep -q "^  \"$key\": " out/manifest.json || fail "manifest lacks $key"
    done
    grep -q '"exit_status": 0,' out/manifest.json || fail "manifest lacks exit status 0"
}

test_fit_default_folder_and_no_plot() {
    cp "$ROOT/data/bass-air-conditioners.csv" sales.csv
    "$WOMSIM" fit --bass sales.csv --no-plot >stdout.txt || fail "fit failed"
    [ -s out/fit/sales/fit.json ] || fail "no out/fit/sales/fit.json: $(find . -type f)"
    [ -e out/fit/sales/fit.png ] && fail "a picture with --no-plot"
    grep -q '"fit.png"' out/fit/sales/manifest.json && fail "manifest lists a picture"
    grep -qx 'results: out/fit/sales/fit.json and out/fit/sales/fit.csv' stdout.txt ||
        fail "stdout does not say where: $(cat stdout.txt)"
    return 0
}

test_fit_without_gnuplot() {
    mkdir -p nognuplot-bin
    PATH="$WORK/nognuplot-bin" "$WOMSIM" fit --bass "$ROOT/data/bass-air-conditioners.csv" \
        -o out -q 2>err.txt || fail "fit failed without gnuplot: $(cat err.txt)"
    grep -q "cd out && gnuplot fit.gp" err.txt || fail "no hint how to draw later: $(cat err.txt)"
    [ -s out/fit.json ] || fail "no fit.json"
}

# Everything but the manifest's times and command is the same on a rerun.
test_fit_is_reproducible() {
    for run in 1 2; do
        "$WOMSIM" fit --bass "$ROOT/data/bass-air-conditioners.csv" -o "run$run" -q --no-plot ||
            fail "fit $run failed"
    done
    for file in fit.json fit.csv fit.gp; do
        cmp -s "run1/$file" "run2/$file" || fail "$file differs between two runs"
    done
}

test_fit_usage_errors() {
    expect_exit 64 "fit requires --bass DATA.csv" "$WOMSIM" fit
    expect_exit 64 "fit requires --bass DATA.csv" "$WOMSIM" fit sales.csv
    expect_exit 64 "fit --bass takes no other argument, not 'extra'" "$WOMSIM" fit --bass x.csv extra
    expect_exit 64 "option '--bass' needs a value" "$WOMSIM" fit --bass
    expect_exit 64 "unknown option '--bsas'; did you mean '--bass'?" "$WOMSIM" fit --bsas x.csv
    expect_exit 66 "nowhere.csv: cannot open: No such file or directory" "$WOMSIM" fit \
        --bass nowhere.csv -o out
    [ -e out ] && fail "a missing table left an output folder"
    return 0
}

# ---- womsim fit SCENARIO --data OBSERVED.csv --free KEY=LO:HI ----------------
# A scenario's keys fitted to an observed series: a known service quality
# recovered from one simulated history of a small shop, the files
# consistent with each other and the manifest, the same bytes on 1 and 2
# threads, a stop that leaves nothing, each bad input refused before
# anything runs, and the docs' example table what data/README.md says.

# A small shop: 1,500 agents in a small world, 60 days, 8 replications.
fit_shop_scenario() {
    scenario shop.ini <<'INI'
[simulation]
steps = 60
replications = 8
seed = 385
[network]
model = watts-strogatz
nodes = 1500
mean_degree = 10
rewire = 0.1
INI
}

# observe_shop QUALITY FILE: one history of the shop (one replication,
# another seed than the fit's) at service.quality = QUALITY, its customers
# and reputation every 6th day, as a shop's records would be.
observe_shop() {
    "$WOMSIM" run shop.ini --set service.quality="$1" -r 1 -s 917 -o history -q --no-plot ||
        fail "the history's run failed"
    awk -F, 'NR == 1 {
            for (i = 1; i <= NF; i++) {
                if ($i == "customers_mean") c = i
                if ($i == "reputation_mean") r = i
            }
            print "day,customers,reputation"; next
        }
        $1 % 6 == 0 { print $1 "," $c "," $r }' history/timeseries.csv >"$2"
}

# fit_key FILE KEY FIELD: FIELD ("estimate", "lo", "hi") of free key KEY
# in fit.json.
fit_key() {
    grep "^    \"$2\": {" "$1" | sed -n "s/.*\"$3\": \([-0-9.e+]*\).*/\1/p"
}

# The estimate must lie within its own bootstrap interval, and the truth
# (0.8) near the estimate. The tolerance comes from the interval: a 95%
# interval spans about four standard errors of the estimate, two on each
# side; the estimate is from one noisy history and the interval's ends
# from only 10 refits, so the test allows the interval's whole width (about
# four standard errors) between the estimate and the truth, rather than
# half of it. The interval must also be informative: narrower than half
# the range searched (0.35).
test_fit_scenario_recovers_a_known_quality() {
    fit_shop_scenario
    observe_shop 0.8 observed.csv
    "$WOMSIM" fit shop.ini --data observed.csv --free service.quality=0.6:0.95 --bootstrap 10 \
        --tolerance 0.01 -o out -q 2>err.txt || fail "fit failed: $(cat err.txt)"
    estimate=$(fit_key out/fit.json service.quality estimate)
    lo=$(fit_key out/fit.json service.quality lo)
    hi=$(fit_key out/fit.json service.quality hi)
    within "$estimate" "$lo" "$hi" || fail "estimate $estimate outside its interval [$lo, $hi]"
    awk -v x="$estimate" -v lo="$lo" -v hi="$hi" 'BEGIN {
            d = x - 0.8; if (d < 0) d = -d
            exit !(d <= hi - lo && hi - lo < 0.175)
        }' || fail "estimate $estimate, interval [$lo, $hi]: too far from 0.8 or too wide"
    grep -q '^  "bootstrap": {"refits": 10, ' out/fit.json || fail "not 10 refits"
    grep -q '^  "evaluations": [0-9]*,$' out/fit.json || fail "fit.json lacks evaluations"
    return 0
}

# Two keys at once, as the issue asks: a history made at service.quality
# = 0.8 and adoption.advertising = 0.002 (four times its default), fitted
# over both ranges with 20 refits; each true value must lie within its
# 95% interval. A fixed-seed check, not a coverage study: with seeds 917,
# 918 and 919 for the history all three fits held both values. Customers
# and reputation over 60 days say little about advertising (its interval
# spans most of its range), much about quality, whose interval must also
# be informative: narrower than half the range searched.
test_fit_scenario_recovers_two_keys() {
    fit_shop_scenario
    "$WOMSIM" run shop.ini --set service.quality=0.8 --set adoption.advertising=0.002 -r 1 \
        -s 917 -o history -q --no-plot || fail "the history's run failed"
    awk -F, 'NR == 1 {
            for (i = 1; i <= NF; i++) {
                if ($i == "customers_mean") c = i
                if ($i == "reputation_mean") r = i
            }
            print "day,customers,reputation"; next
        }
        $1 % 6 == 0 { print $1 "," $c "," $r }' history/timeseries.csv >observed.csv
    "$WOMSIM" fit shop.ini --data observed.csv --free service.quality=0.6:0.95 \
        --free adoption.advertising=0:0.005 --bootstrap 20 --tolerance 0.01 -o out -q 2>err.txt ||
        fail "fit failed: $(cat err.txt)"
    for pair in service.quality=0.8 adoption.advertising=0.002; do
        key=${pair%%=*} truth=${pair#*=}
        lo=$(fit_key out/fit.json "$key" lo)
        hi=$(fit_key out/fit.json "$key" hi)
        within "$truth" "$lo" "$hi" || fail "$key: the truth $truth is outside [$lo, $hi]"
    done
    awk -v lo="$(fit_key out/fit.json service.quality lo)" \
        -v hi="$(fit_key out/fit.json service.quality hi)" 'BEGIN { exit !(hi - lo < 0.175) }' ||
        fail "service.quality's interval is not informative"
}

# fit.csv holds the table's observations on their days and nothing on the
# others; the objective recomputed from its fitted means and fit.json's
# scales is fit.json's; the manifest hashes every file.
test_fit_scenario_files_agree() {
    fit_shop_scenario
    observe_shop 0.8 observed.csv
    "$WOMSIM" fit shop.ini --data observed.csv --free service.quality=0.6:0.95 --bootstrap 2 \
        --tolerance 0.02 -o out -q 2>err.txt || fail "fit failed: $(cat err.txt)"
    head -n 1 out/fit.csv | grep -qx 'day,customers_observed,customers_fitted,customers_band95_lo,customers_band95_hi,reputation_observed,reputation_fitted,reputation_band95_lo,reputation_band95_hi' ||
        fail "fit.csv header: $(head -n 1 out/fit.csv)"
    [ "$(wc -l <out/fit.csv)" -eq 62 ] || fail "fit.csv should have a row per day 0..60"
    awk -F, 'NR > 1 && $2 != "" { print $1 "," $2 "," $6 }' out/fit.csv >shown.txt
    sed 1d observed.csv | cmp -s - shown.txt || fail "fit.csv's observed values are not the table's"
    scale_c=$(sed -n 's/^    "customers": {"scale": \([-0-9.e+]*\)}.*/\1/p' out/fit.json)
    scale_r=$(sed -n 's/^    "reputation": {"scale": \([-0-9.e+]*\)}.*/\1/p' out/fit.json)
    objective=$(json_number out/fit.json objective)
    awk -F, -v sc="$scale_c" -v sr="$scale_r" -v want="$objective" '
        NR > 1 && $2 != "" { s += (($3 - $2) / sc)^2 + (($7 - $6) / sr)^2 }
        END { exit !(want > 0 && ((s - want) / want)^2 < 1e-20) }' out/fit.csv ||
        fail "the objective from fit.csv is not fit.json's $objective"
    awk -F, 'NR > 1 && ($4 > $3 || $3 > $5 || $8 > $7 || $7 > $9) { bad = 1 } END { exit bad }' \
        out/fit.csv || fail "a fitted mean lies outside its band"
    if command -v gnuplot >/dev/null; then
        head -c 8 out/fit.png | od -An -c | grep -q 'P   N   G' || fail "fit.png is no PNG"
    fi
    sed -n 's/^    "\(.*\)": "\([0-9a-f]\{64\}\)",\{0,1\}$/\2  \1/p' out/manifest.json >sums.txt
    grep -q ' fit.json$' sums.txt && grep -q ' fit.csv$' sums.txt || fail "manifest lists no fit files"
    (cd out && sha256sum -c --quiet ../sums.txt) >check.txt 2>&1 ||
        fail "hashes do not match: $(head -n 3 check.txt)"
    grep -q "^  \"scenario_file\": \"$PWD/shop.ini\",$" out/manifest.json ||
        fail "the manifest lacks the scenario"
    grep -q "^  \"data_file\": \"$PWD/observed.csv\",$" out/manifest.json ||
        fail "the manifest lacks the table"
    [ -z "$(find out -name 'fit-tasks.*')" ] || fail "the work folder is left"
}

# Two keys: the same bytes on one and two threads (the searches capped at
# 60 evaluations: with 4 replications some refits reach it, and say so).
test_fit_scenario_same_bytes_on_one_and_two_threads() {
    fit_shop_scenario
    observe_shop 0.8 observed.csv
    for threads in 1 2; do
        "$WOMSIM" fit shop.ini --data observed.csv --free service.quality=0.6:0.95 \
            --free wom.dissatisfied_tell_mean=5:20 --metric customers -r 4 --starts 6 \
            --bootstrap 2 --tolerance 0.02 --max-evaluations 60 -t "$threads" -o "t$threads" \
            -q --no-plot 2>"err$threads.txt" ||
            fail "fit on $threads threads failed: $(cat "err$threads.txt")"
    done
    cmp -s err1.txt err2.txt || fail "the notes differ between 1 and 2 threads"
    for file in fit.json fit.csv fit.gp; do
        cmp -s "t1/$file" "t2/$file" || fail "$file differs between 1 and 2 threads"
    done
    grep -q '"wom.dissatisfied_tell_mean": {"estimate": ' t1/fit.json || fail "second key missing"
}

# SIGINT during the bootstrap: exit 75 and no output folder. A background
# job of a script ignores SIGINT (and womsim keeps it ignored): env lets it
# through, and unsets CI so that the progress lines tell when the search
# is done.
test_fit_scenario_stop_leaves_nothing() {
    fit_shop_scenario
    observe_shop 0.8 observed.csv
    env -u CI --default-signal=INT "$WOMSIM" fit shop.ini --data observed.csv \
        --free service.quality=0.6:0.95 --bootstrap 200 -o out >/dev/null 2>err.txt &
    pid=$!
    for _ in $(seq 1 500); do
        grep -qs 'Nelder-Mead: objective' err.txt && break
        sleep 0.02
    done
    kill -INT "$pid"
    wait "$pid"
    code=$?
    [ "$code" -eq 75 ] || fail "exit $code after SIGINT, expected 75: $(cat err.txt)"
    grep -q 'stopped by SIGINT: the fit was not finished and nothing was written' err.txt ||
        fail "no stop message: $(cat err.txt)"
    [ -e out ] && fail "a stopped fit left: $(find out)"
    return 0
}

# Each bad input is refused before anything runs, naming what is wrong,
# and leaves no output folder.
test_fit_scenario_refuses_bad_inputs() {
    fit_shop_scenario
    printf 'day,customers\n0,150\n6,14x8\n' >bad.csv
    printf 'day,customers\n0,150\n6,138\n' >good.csv
    expect_exit 64 "fit requires --bass DATA.csv" \
        "$WOMSIM" fit shop.ini --free service.quality=0.6:0.95 -o out1
    expect_exit 65 "womsim: bad.csv:3: customers '14x8' is not a number" \
        "$WOMSIM" fit shop.ini --data bad.csv --free service.quality=0.6:0.95 -o out2
    expect_exit 78 "womsim: --free: service.quality: '0.8' is not a range LO:HI" \
        "$WOMSIM" fit shop.ini --data good.csv --free service.quality=0.8 -o out3
    expect_exit 78 "womsim: --free: unknown key 'qualty' in [service] (did you mean 'quality'?)" \
        "$WOMSIM" fit shop.ini --data good.csv --free service.qualty=0.6:0.95 -o out4
    expect_exit 78 "service.quality = 1.5 is out of range [0, 1]" \
        "$WOMSIM" fit shop.ini --data good.csv --free service.quality=0.6:1.5 -o out5
    expect_exit 64 "requires at least one --free KEY=LO:HI" \
        "$WOMSIM" fit shop.ini --data good.csv -o out6
    printf 'day,custmers\n0,150\n6,138\n' >misspelt.csv
    expect_exit 65 "womsim: misspelt.csv:1: column 'custmers' is not a metric of the scenario" \
        "$WOMSIM" fit shop.ini --data misspelt.csv --free service.quality=0.6:0.95 -o out7
    expect_exit 64 "--threads is for fitting a scenario" \
        "$WOMSIM" fit --bass "$ROOT/data/bass-air-conditioners.csv" -t 2 -o out8
    for n in 1 2 3 4 5 6 7 8; do
        [ -e "out$n" ] && fail "out$n was left: $(find "out$n")"
    done
    return 0
}

# data/shop-weekly.csv, the example of docs/explore.md, is what
# data/README.md says: one history of configs/baseline.ini at
# service.quality = 0.85, seed 2718, its first 91 days, customers and
# reputation (to one decimal) every 7th day.
test_fit_scenario_example_table_is_what_readme_says() {
    "$WOMSIM" run "$ROOT/configs/baseline.ini" --set service.quality=0.85 \
        --set simulation.steps=91 -r 1 -s 2718 -o history -q --no-plot || fail "run failed"
    awk -F, 'NR == 1 {
            for (i = 1; i <= NF; i++) {
                if ($i == "customers_mean") c = i
                if ($i == "reputation_mean") r = i
            }
            print "day,customers,reputation"; next
        }
        $1 % 7 == 0 { printf "%d,%d,%.1f\n", $1, $c, $r }' history/timeseries.csv >weekly.csv
    cmp -s weekly.csv "$ROOT/data/shop-weekly.csv" ||
        fail "data/shop-weekly.csv is not the history: $(diff weekly.csv "$ROOT/data/shop-weekly.csv" | head -n 4)"
    grep -q 'shop-weekly.csv.*service.quality = 0.85.*seed 2718' "$ROOT/data/README.md" ||
        fail "data/README.md does not say how shop-weekly.csv was made"
}
