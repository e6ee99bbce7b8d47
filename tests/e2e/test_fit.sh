# test_fit.sh: `womsim fit --bass` end to end on Bass's (1969) room air
# conditioners (data/bass-air-conditioners.csv): the estimates in
# fit.json near the published ones and consistent with each other (the
# peak from p and q, fit.csv from p, q and m, r2 from fit.csv), the table
# and the files hashed in the manifest, the default folder, --no-plot, no
# gnuplot, the same files on a second run, docs/explore.md showing what it
# prints, and the usage errors. Bad tables are in tests/bad-inputs/
# (fit-*.case).
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
