# test_bench.sh: the benchmark's plumbing (make bench itself is too slow
# for the test suite): the table script on a stand-in benchmark whose rows
# are known, and the real benchmark program's header and usage. Sourced by
# run.sh.
# SPDX-License-Identifier: GPL-3.0-or-later

BENCH=${BENCH:-$ROOT/build/bench}

# A stand-in with the real program's header (read from it) and rows whose
# wall times are chosen: W1 takes 4 s on one thread and 2.5 s on two.
fake_bench() {
    header=$("$BENCH" --header) || fail "bench --header failed"
    cat >fake.sh <<FAKE
#!/bin/sh
if [ "\$1" = --header ]; then echo "$header"; exit 0; fi
case "\$1,\$2" in
W1,1) wall=4.000 ;;
W1,2) wall=2.500 ;;
W1,4) wall=1.600 ;;
*) wall=1.000 ;;
esac
echo "\$1,10000,50000,365,100,1,\$2,0.010,\$wall,0.100,\$wall,\$wall,1e8,1e7,0,24.0,8.00,49.42,5e7,2.0,,,,,,"
FAKE
    chmod +x fake.sh
}

test_bench_table_has_speedups_and_markdown() {
    fake_bench
    BENCH=./fake.sh BENCH_WORKLOADS="W1 W3" BENCH_OUT=out "$ROOT/tests/bench/run.sh" >table.md ||
        fail "run.sh failed"
    [ "$(wc -l <out/bench.csv)" -eq 5 ] || fail "bench.csv should have a header and 4 rows"
    column=$(head -n 1 out/bench.csv | tr , '\n' | grep -nx wall_s | cut -d: -f1)
    [ "$column" = 11 ] || fail "wall_s is column $column, run.sh reads column 11"
    [ "$(head -n 1 out/bench.csv | tr , '\n' | grep -nx threads | cut -d: -f1)" = 7 ] ||
        fail "threads is not column 7, which run.sh reads"
    grep -q '^W1,.*,2,.*,1\.60$' out/bench.csv || fail "W1's speed-up is not 4 / 2.5 = 1.60"
    grep -q '^W3,.*,2,.*,1\.00$' out/bench.csv || fail "W3's speed-up is not 1.00"
    grep -q '^W1,.*,1,.*,$' out/bench.csv || fail "a one-thread row has a speed-up"
    [ "$(grep -c '^| W' out/bench.md)" -eq 4 ] || fail "bench.md should have 4 rows"
    cmp -s table.md out/bench.md || fail "the printed table is not bench.md"
}

# Any list of thread counts: each row's speed-up is over the 1-thread row.
test_bench_table_takes_any_thread_list() {
    fake_bench
    BENCH=./fake.sh BENCH_WORKLOADS="W1" BENCH_THREADS="1 2 4" BENCH_OUT=out \
        "$ROOT/tests/bench/run.sh" >table.md || fail "run.sh failed"
    [ "$(wc -l <out/bench.csv)" -eq 4 ] || fail "bench.csv should have a header and 3 rows"
    grep -q '^W1,.*,2,.*,1\.60$' out/bench.csv || fail "W1's 2-thread speed-up is not 4 / 2.5"
    grep -q '^W1,.*,4,.*,2\.50$' out/bench.csv || fail "W1's 4-thread speed-up is not 4 / 1.6"
    [ "$(head -n 1 out/bench.md | tr '|' '\n' | grep -c .)" -eq \
        "$(sed -n 3p out/bench.md | tr '|' '\n' | grep -c .)" ] ||
        fail "bench.md's rows do not have as many cells as its header"
}

test_bench_refuses_unknown_workloads() {
    expect_exit 64 "usage: bench" "$BENCH" W9 1
    expect_exit 64 "usage: bench" "$BENCH" W1 0
}
