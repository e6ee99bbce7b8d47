# test_watch.sh: watching one run (sim/watch.c, `womsim run --trace
# --agents`): trace.csv's rows add up to timeseries.csv's messages of
# each day and valence; agents.csv's states to the day's counts; both and
# summary.json are the same bytes at 1 and 2 threads (agents split over
# the threads: a network of three runs of 4,096 agents); the manifest
# lists them and a run without the options removes them; the furthest
# complaint's direct reach is what the trace says; the karate scenario's
# report with the stories loads in a headless browser.
# SPDX-License-Identifier: GPL-3.0-or-later

# A 10,000-agent town, 30 days, one replication, hearsay on: enough for
# every kind of message and for the threads to share one run's agents.
watch_scenario() {
    scenario town.ini <<'INI'
[simulation]
steps = 30
replications = 1
seed = 41
[network]
model = watts-strogatz
nodes = 10000
mean_degree = 6
[service]
quality = 0.8
[wom]
forward_prob = 0.2
INI
}

# watch_column FILE NAME: the 1-based number of column NAME in FILE's header.
watch_column() {
    head -n 1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1
}

test_watch_trace_adds_up_to_the_messages() {
    watch_scenario
    "$WOMSIM" run town.ini -o out -q --no-plot -t 1 --trace || fail "run failed"
    [ "$(head -n 1 out/trace.csv)" = "day,teller,hearer,valence,kind,weight" ] ||
        fail "trace.csv header: $(head -n 1 out/trace.csv)"
    pos=$(watch_column out/timeseries.csv msgs_pos_mean)
    neg=$(watch_column out/timeseries.csv msgs_neg_mean)
    awk -F, -v pos="$pos" -v neg="$neg" '
        FNR == 1 { next }
        FILENAME ~ /trace/ { n[$1 "," $4]++; kinds[$5] = 1; next }
        { want["good"] = $pos; want["bad"] = $neg
          for (v in want) if (n[$1 "," v] + 0 != want[v] + 0) {
              printf "day %s %s: %d rows, timeseries %s\n", $1, v, n[$1 "," v], want[v]; bad = 1 }
          days++ }
        END { if (!("hearsay" in kinds) || !("experience" in kinds)) { print "kinds missing"; bad = 1 }
              if (days != 31) { print "days " days; bad = 1 }
              exit bad }' out/trace.csv out/timeseries.csv >sums.txt ||
        fail "trace.csv does not add up: $(head -n 5 sums.txt)"
    grep -q '"messages": ' out/summary.json || fail "summary.json has no watch"
}

test_watch_agents_add_up_to_the_states() {
    watch_scenario
    "$WOMSIM" run town.ini -o out -q --no-plot -t 1 --agents 30,0,7,7 || fail "run failed"
    [ "$(cut -d, -f1 out/agents.csv | sort -u | tr '\n' ' ')" = "0 30 7 day " ] ||
        fail "days of agents.csv: $(cut -d, -f1 out/agents.csv | sort -u | tr '\n' ' ')"
    for state in unaware prospects customers lost; do
        col=$(watch_column out/timeseries.csv "${state}_mean")
        name=$(echo "$state" | sed 's/s$//')
        for day in 0 7 30; do
            want=$(awk -F, -v d="$day" -v c="$col" 'FNR > 1 && $1 == d { print $c }' out/timeseries.csv)
            got=$(awk -F, -v d="$day" -v s="$name" '$1 == d && $5 == s' out/agents.csv | wc -l)
            [ "$got" -eq "$want" ] || fail "day $day: $got agents $name, timeseries $want"
        done
    done
    [ ! -e out/trace.csv ] || fail "trace.csv written without --trace"
}

test_watch_same_bytes_for_any_thread_count() {
    watch_scenario
    "$WOMSIM" run town.ini -o one -q --no-plot -t 1 --trace --agents 0,15,30 || fail "1 thread"
    "$WOMSIM" run town.ini -o two -q --no-plot -t 2 --parallel agents --trace --agents 0,15,30 ||
        fail "2 threads"
    for file in trace.csv agents.csv summary.json; do
        cmp -s "one/$file" "two/$file" || fail "$file differs between 1 and 2 threads"
    done
}

test_watch_files_in_the_manifest() {
    watch_scenario
    "$WOMSIM" run town.ini -o out -q --no-plot --trace --agents 5 || fail "run failed"
    for file in trace.csv agents.csv; do
        sum=$(sha256sum "out/$file" | cut -d' ' -f1)
        grep -q "\"$file\".*$sum\|$sum.*\"$file\"" out/manifest.json ||
            grep -A2 "\"$file\"" out/manifest.json | grep -q "$sum" ||
            fail "manifest.json does not list $file with its SHA-256"
    done
    "$WOMSIM" run town.ini -o out -q --no-plot || fail "second run failed"
    [ ! -e out/trace.csv ] && [ ! -e out/agents.csv ] || fail "the first run's watch files were left"
    ! grep -q 'trace.csv\|agents.csv' out/manifest.json || fail "manifest lists files not there"
    ! grep -q '"watch"' out/summary.json || fail "summary.json keeps a watch"
}

test_watch_furthest_complaint() {
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o out -q --no-plot --trace || fail "run failed"
    teller=$(sed -n '/"bad"/s/.*"furthest": {"teller": \([0-9]*\), "day": \([0-9]*\).*/\1/p' out/summary.json)
    day=$(sed -n '/"bad"/s/.*"furthest": {"teller": \([0-9]*\), "day": \([0-9]*\).*/\2/p' out/summary.json)
    direct=$(sed -n '/"bad"/s/.*"furthest": {[^}]*"reached_directly": \([0-9]*\).*/\1/p' out/summary.json)
    [ -n "$teller" ] && [ -n "$direct" ] || fail "no furthest complaint in summary.json"
    got=$(awk -F, -v t="$teller" -v d="$day" '$1 == d && $2 == t && $4 == "bad" && $5 == "experience" && $3 != t { print $3 }' out/trace.csv | sort -u | wc -l)
    [ "$got" -eq "$direct" ] || fail "complaint of $teller on day $day: trace $got hearers, summary $direct"
}

test_watch_report_in_a_browser() {
    need_chromium
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o out -q --trace --agents 0,30 || fail "run failed"
    grep -q "How far the word spread" out/report.html || fail "report.html has no stories"
    cp out/report.html report.html
    problems=$(browser_check report.html)
    [ -z "$problems" ] || fail "$problems"
}

# ---- network pictures (--snapshots) ------------------------------------------

# The karate club drawn on days 0, 7 and 30, at 1 and 2 threads: the
# pictures exist, are not blank (a day-7 PNG is larger than the PNG of a
# blank 800 x 860 page, and its SVG marks every member and draws the
# dashed arrow of a bad message), every file is the same bytes
# at 1 and 2 threads, the manifest lists them with their SHA-256.
test_watch_snapshots_drawn_the_same_for_any_thread_count() {
    command -v gnuplot >/dev/null 2>&1 || skip "gnuplot is not installed"
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o one -q -t 1 --snapshots 30,0,7 || fail "1 thread"
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o two -q -t 2 --parallel agents --snapshots 0,7,30 ||
        fail "2 threads"
    gnuplot -e "set terminal pngcairo size 800,860; set output 'blank.png'; unset border; unset tics; plot [0:1][0:1] NaN notitle" 2>/dev/null
    for file in network.dat network.gp network-0.png network-0.svg network-7.png network-7.svg \
        network-30.png network-30.svg network.gif summary.json; do
        [ -s "one/$file" ] || fail "$file missing"
        cmp -s "one/$file" "two/$file" || fail "$file differs between 1 and 2 threads"
        sum=$(sha256sum "one/$file" | cut -d' ' -f1)
        grep -A2 "\"$file\"" one/manifest.json | grep -q "$sum" ||
            fail "manifest.json does not list $file with its SHA-256"
    done
    [ "$(wc -c <one/network-7.png)" -gt $((2 * $(wc -c <blank.png))) ] ||
        fail "network-7.png ($(wc -c <one/network-7.png) bytes) is not above twice a blank picture's"
    grep -q "stroke-dasharray" one/network-7.svg || fail "network-7.svg has no dashed (bad) arrow"
    [ "$(grep -c "<use" one/network-7.svg)" -ge 68 ] ||
        fail "network-7.svg does not mark the 34 members (a filled and an outlined point each)"
    [ "$(head -c 6 one/network.gif)" = "GIF89a" ] || fail "network.gif is not a GIF"
    [ "$(grep -c '^# day .* agents' one/network.dat)" -eq 3 ] || fail "network.dat's days"
    grep -q '"snapshot_days": \[0, 7, 30\]' one/summary.json || fail "summary.json's snapshot days"
}

# The messages drawn on day 7 are the trace's messages of day 6.
test_watch_snapshot_arrows_are_the_trace() {
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o out -q --no-plot --trace --snapshots 7 ||
        fail "run failed"
    got=$(awk '/^# messages heard on day 7/ { on = 1; next } /^#/ { on = 0 } on && NF { print $6 "," $7 "," ($5 ? "bad" : "good") "," $8 }' out/network.dat | sort)
    want=$(awk -F, '$1 == 6 { print $2 "," $3 "," $4 "," $5 }' out/trace.csv | sort)
    [ -n "$want" ] || fail "no messages on day 6 to compare"
    [ "$got" = "$want" ] || fail "day 7's arrows are not the trace's day 6"
}

# --no-plot: the data and script, no pictures; a later run without
# --snapshots removes them all, and one with other days the old days'.
test_watch_snapshots_no_plot_and_removed() {
    command -v gnuplot >/dev/null 2>&1 || skip "gnuplot is not installed"
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o out -q --snapshots 0,5 || fail "run failed"
    [ -s out/network-5.png ] || fail "no picture drawn"
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o out -q --snapshots 7 || fail "second run failed"
    [ ! -e out/network-5.png ] && [ ! -e out/network-0.svg ] || fail "the first run's days were left"
    [ -s out/network-7.svg ] || fail "day 7 not drawn"
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o out -q --no-plot --snapshots 3 || fail "no-plot run"
    [ -s out/network.dat ] && [ -s out/network.gp ] || fail "--no-plot wrote no data or script"
    ! ls out | grep -q 'network-\|network.gif' || fail "--no-plot left pictures: $(ls out)"
    ! grep -q 'network-\|network.gif' out/manifest.json || fail "manifest lists pictures not there"
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o out -q --no-plot || fail "run without snapshots"
    ! ls out | grep -q '^network' || fail "network files left: $(ls out)"
    ! grep -q '"network' out/manifest.json || fail "manifest lists network files"
}

# A network above the limit is refused before anything runs.
test_watch_snapshots_refused_above_the_limit() {
    watch_scenario
    expect_exit 78 "--snapshots draws networks of up to 2000 agents, and this one has 10000" \
        "$WOMSIM" run town.ini -o out -q --snapshots 0,7
    [ ! -e out/tasks ] || fail "the batch ran"
}

# The karate report with the pictures loads in a headless browser, and
# shows them.
test_watch_snapshots_report_in_a_browser() {
    need_chromium
    "$WOMSIM" run "$ROOT/configs/karate.ini" -o out -q --trace --snapshots 0,7,30 || fail "run failed"
    [ "$(grep -c 'src="data:image/png;base64,' out/report.html)" -eq 3 ] ||
        fail "report.html does not show the 3 pictures"
    cp out/report.html report.html
    problems=$(browser_check report.html)
    [ -z "$problems" ] || fail "$problems"
}
