# test_report.sh: report.html end to end: written by every run (listed in
# the manifest), self-contained (no script, no outside reference, the plot
# inlined without its XML prolog), the scenario's description and
# parameters in it, "no plots" with --no-plot; and loaded in headless
# Chromium: no console error, and a screenshot that is not blank. The
# browser check is shown to fail on two deliberately broken pages.
# SPDX-License-Identifier: GPL-3.0-or-later

# A small scenario with a description, 200 agents, 40 days.
described_scenario() {
    scenario shop.ini <<'INI'
; shop.ini: a corner shop & its regulars.
;
; What it shows: <good> service wins customers.

[simulation]
steps = 40
replications = 3
seed = 385
[network]
model = watts-strogatz
nodes = 200
mean_degree = 6
[service]
quality = 0.85 ; set, so listed with its meaning
INI
}

test_report_is_self_contained() {
    described_scenario
    "$WOMSIM" run shop.ini -o out -q 2>err.txt || fail "run failed: $(cat err.txt)"
    [ -s out/report.html ] || fail "no report.html"
    grep -q '"report.html": "[0-9a-f]\{64\}"' out/manifest.json || fail "manifest lacks report.html"
    sum=$(sha256sum out/report.html | cut -d' ' -f1)
    grep -q "\"report.html\": \"$sum\"" out/manifest.json || fail "report.html's SHA-256 differs"
    grep -q '<p>shop.ini: a corner shop &amp; its regulars.</p>' out/report.html ||
        fail "no escaped description"
    grep -q 'What it shows: &lt;good&gt; service wins customers.' out/report.html ||
        fail "no second paragraph"
    grep -q '<svg' out/report.html || fail "the plot is not inlined"
    grep -qi '<?xml\|<!DOCTYPE svg\|<script\|src=' out/report.html &&
        fail "prolog, script or outside reference in the page"
    # every http(s) URL left is an SVG namespace name, which loads nothing
    grep -o 'https\?://[^"]*' out/report.html | grep -v '^http://www.w3.org/' && fail "a URL"
    grep -q '<td><code>service.quality</code></td><td><code>0.85</code></td>' out/report.html ||
        fail "service.quality not among the keys set"
    meaning=$("$WOMSIM" params service.churn_rate | tail -n 1 |
        sed 's/^ *//; s/ (default: .*//')
    grep -qF "$meaning" out/report.html || fail "no meaning for service.churn_rate: $meaning"
    # the final customers as summary.json holds them, rounded for reading
    mean=$(sed -n 's/.*"customers": {"mean": \([-0-9.e+]*\),.*/\1/p' out/summary.json)
    shown=$(awk -v m="$mean" 'BEGIN { printf "%.4g", m }')
    grep -q "<code>customers</code>.*<td class=\"n\">$shown</td>" out/report.html ||
        fail "final customers $mean not shown as $shown"
    return 0
}

# The page opens with the headline in plain words, its numbers those of
# summary.json; a sweep's says what varies and where the results went.
test_report_leads_with_plain_words() {
    described_scenario
    "$WOMSIM" run shop.ini -o out -q --no-plot || fail "run failed"
    first_h2=$(grep -o '<h2>[^<]*</h2>' out/report.html | head -n 1)
    [ "$first_h2" = "<h2>In plain words</h2>" ] || fail "the page opens with $first_h2"
    for field in told_per_satisfied told_per_dissatisfied good_per_bad; do
        value=$(json_number out/summary.json "$field")
        shown=$(awk -v m="$value" 'BEGIN { printf "%.4g", m }')
        grep -q "<li><b>Word of mouth</b>.* $shown " out/report.html ||
            fail "$field $value not in the headline as $shown"
    done
    final=$(sed -n 's/.*"customers": {"mean": \([-0-9.e+]*\),.*/\1/p' out/summary.json)
    shown=$(awk -v m="$final" 'BEGIN { printf "%.4g", m }')
    grep -q "<li><b>Customers</b>: .* $shown on day 40 " out/report.html ||
        fail "final customers $final not in the headline as $shown"
    "$WOMSIM" run shop.ini -o sweep -q --no-plot --sweep "service.quality=0.6, 0.95" ||
        fail "sweep failed"
    grep -q "<li><b>What varies</b>: <code>service.quality</code> over 0.6 and 0.95 (2 points" \
        sweep/report.html || fail "the sweep's page does not say what varies"
    grep -q "<li><b>Customers</b> on day 40 ranged from .*(point 0: .*) to .*(point 1: " \
        sweep/report.html || fail "the sweep's customers are not ranged from 0.6 to 0.95"
}

test_report_without_plots() {
    described_scenario
    "$WOMSIM" run shop.ini -o out -q --no-plot || fail "run failed"
    grep -q 'No plots: the run was made with --no-plot.' out/report.html || fail "no note"
    grep -q '<svg' out/report.html && fail "a plot with --no-plot"
    return 0
}

# ---- in a browser ----------------------------------------------------------

need_chromium() {
    command -v chromium >/dev/null 2>&1 ||
        skip "chromium is not installed (scripts/install-deps.sh --test installs it)"
}

# browser_load PAGE: loads PAGE in headless Chromium (a private profile in
# the test's folder, no network, a 1000 x 1400 window) and leaves its
# screenshot in PAGE.png and what it wrote on stderr in PAGE.log.
browser_load() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$PWD/profile" \
        --enable-logging=stderr --v=0 --hide-scrollbars --window-size=1000,1400 \
        --host-resolver-rules='MAP * ~NOTFOUND' --screenshot="$PWD/$1.png" \
        "file://$PWD/$1" >/dev/null 2>"$1.log"
}

# browser_errors LOG: the lines of a Chromium log that are not known to be
# harmless. Chromium logs every console message of the page (errors, and
# SVG attributes it cannot parse) as ":INFO:CONSOLE...", which is never
# harmless: the page has no script, so any console message means a
# problem. Harmless are only the lines below, which Chromium 156 writes on
# any machine without a D-Bus session, GPU or screensaver service, the
# cookie store's flush racing the browser's exit on a loaded machine, and
# the Debian launcher's complaint about its own memory test.
browser_errors() {
    grep -Ev -e '^/usr/bin/chromium: [0-9]+: \[: .*unexpected operator$' \
        -e '^[0-9]+ bytes written to file ' \
        -e '^\[[0-9:/.]+:(ERROR|WARNING):dbus/' \
        -e '^\[[0-9:/.]+:WARNING:device/bluetooth/dbus/' \
        -e '^\[[0-9:/.]+:WARNING:media/gpu/vaapi/vaapi_wrapper\.cc:[0-9]+\] drmGetDevices2\(\) has not found any devices$' \
        -e '^\[[0-9:/.]+:WARNING:sandbox/policy/linux/sandbox_linux\.cc:[0-9]+\] InitializeSandbox\(\) called with multiple threads in process gpu-process\.$' \
        -e '^\[[0-9:/.]+:WARNING:ui/base/idle/idle_linux\.cc:[0-9]+\] None of the known D-Bus ScreenSaver services could be used\.$' \
        -e '^\[[0-9:/.]+:WARNING:net/extras/sqlite/sqlite_persistent_store_backend_base\.cc:[0-9]+\] Failed to post task from FlushAndNotifyInBackground@' \
        "$1"
}

# browser_check PAGE: loads PAGE; prints what is wrong (nothing when it
# loads without errors and is not blank). "Not blank" without an image
# library: a PNG screenshot of a page of one colour compresses to a few
# kilobytes whatever the window size, while text, tables and curves add
# bytes; so the screenshot must be at least 4 times the size of an empty
# page's screenshot at the same window size (a report's is about 25 times;
# a page showing a single heading is about 1.2 times).
browser_check() {
    [ -f empty.html.png ] || {
        printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>empty</title></head><body></body></html>\n' >empty.html
        browser_load empty.html || echo "chromium failed on an empty page: $(cat empty.html.log)"
    }
    browser_load "$1" || echo "chromium exited with status $?"
    errors=$(browser_errors "$1.log")
    [ -z "$errors" ] || echo "$1: browser errors: $errors"
    [ -s "$1.png" ] || echo "$1: no screenshot"
    page=$(wc -c <"$1.png")
    empty=$(wc -c <empty.html.png)
    [ "$page" -ge $((4 * empty)) ] ||
        echo "$1: blank: its screenshot has $page bytes, an empty page's $empty"
}

test_report_in_a_browser() {
    need_chromium
    described_scenario
    "$WOMSIM" run shop.ini -o out -q || fail "run failed"
    cp out/report.html report.html
    problems=$(browser_check report.html)
    [ -z "$problems" ] || fail "$problems"
}

# The check fails on a page that logs a console error (an SVG path gnuplot
# would never write) and on a page whose content is hidden.
test_browser_check_fails_on_broken_pages() {
    need_chromium
    described_scenario
    "$WOMSIM" run shop.ini -o out -q || fail "run failed"
    grep -q "<path.* d='M" out/report.html || fail "no SVG path to break"
    sed "0,/ d='M/s// d='Mx/" out/report.html >bad-path.html
    problems=$(browser_check bad-path.html)
    echo "$problems" | grep -q 'CONSOLE.*attribute d' ||
        fail "a broken SVG path passed: ${problems:-no problem found}"
    sed 's|</style>|body{display:none}</style>|' out/report.html >hidden.html
    problems=$(browser_check hidden.html)
    echo "$problems" | grep -q 'hidden.html: blank' ||
        fail "a blank page passed: ${problems:-no problem found}"
}
