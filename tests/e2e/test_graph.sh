# test_graph.sh: `womsim graph` on generators and edge lists.
# SPDX-License-Identifier: GPL-3.0-or-later

test_graph_karate_statistics() {
    scenario karate.ini <<'INI'
[network]
model = karate
INI
    "$WOMSIM" graph karate.ini >stats.txt || fail "graph failed"
    grep -q '^nodes *34$' stats.txt || fail "karate nodes: $(cat stats.txt)"
    grep -q '^edges *78 ' stats.txt || fail "karate edges"
    grep -q '^components *1 ' stats.txt || fail "karate components"
    grep -q '^clustering *0.2556' stats.txt || fail "karate clustering"
}

test_graph_edges_file_and_write_round_trip() {
    printf '# a comment\n10 20\n20\t30\n30 30\n20 10\n30 40\n' >edges.txt
    "$WOMSIM" graph --edges edges.txt --write copy.txt >stats.txt || fail "graph --edges failed"
    grep -q '^nodes *4$' stats.txt || fail "nodes: $(cat stats.txt)"
    grep -q '^edges *3 ' stats.txt || fail "edges: $(cat stats.txt)"
    grep -q '^self-loops dropped *1$' stats.txt || fail "loops"
    grep -q '^duplicates dropped *1$' stats.txt || fail "duplicates"
    "$WOMSIM" graph --edges copy.txt >again.txt || fail "re-reading the export failed"
    grep -q '^edges *3 ' again.txt || fail "round trip lost edges"
}

test_graph_bad_edge_list() {
    printf '1 2\n3\n' >bad.txt
    expect_exit 65 "bad.txt:2: " "$WOMSIM" graph --edges bad.txt
}

test_graph_refuses_sweeps_and_misplaced_options() {
    expect_exit 78 "sweeps a key" "$WOMSIM" graph "$ROOT/configs/baseline.ini" \
        --set "network.nodes=100, 200"
    expect_exit 64 "--directed goes with --edges" "$WOMSIM" graph "$ROOT/configs/baseline.ini" \
        --directed
    printf '1 2\n' >e.txt
    expect_exit 69 "--max-mem" "$WOMSIM" graph --edges e.txt --max-mem 10
}

# --max-mem is checked before an edge list is read, on its data lines
# counted first, which a long leading comment does not hide: the refusal's
# peak memory (GNU time's maximum resident set) stays within 4 MiB of a
# one-line file's refusal, where reading the file holds its 12 MB edge
# array (1.5 million edges of 8 bytes), as the same file read with no
# limit shows. Skipped without GNU time.
test_graph_max_mem_refused_before_reading() {
    [ -x /usr/bin/time ] || skip "no /usr/bin/time"
    { printf '# '; head -c 60000 /dev/zero | tr '\0' c; printf '\n'; yes '1 2' | head -n 1500000; } >big.txt
    printf '1 2\n' >one.txt
    peak() { /usr/bin/time -f %M -o peak.txt "$@" >/dev/null 2>err.txt; tail -n 1 peak.txt; }
    one=$(peak "$WOMSIM" graph --edges one.txt --max-mem 10)
    grep -q 'data lines' err.txt || fail "one line not refused: $(cat err.txt)"
    refused=$(peak "$WOMSIM" graph --edges big.txt --max-mem 10M)
    grep -q '^womsim: big.txt: the network needs about .* (1500000 data lines, an edge each at most, counted before reading), more than the limit of 10.0 MiB (--max-mem)$' err.txt ||
        fail "big.txt not refused as expected: $(cat err.txt)"
    read_whole=$(peak "$WOMSIM" graph --edges big.txt)
    [ "$read_whole" -gt $((one + 12000)) ] ||
        fail "reading big.txt peaked at $read_whole KiB, not 12 MB over $one KiB: the check cannot tell"
    [ "$refused" -lt $((one + 4096)) ] ||
        fail "the refusal peaked at $refused KiB, more than 4 MiB over $one KiB: the file was read"
}

# --edges reads GraphML and GML by their extension, or any file by
# --format; the statistics equal those of the same network in a scenario
# (network.format).
test_graph_formats_by_extension_and_format() {
    for format in graphml gml; do
        fixture=$ROOT/tests/data/$format-fixture.$format
        "$WOMSIM" graph --edges "$fixture" >by-extension.txt 2>err.txt ||
            fail "--edges $format-fixture.$format: $(cat err.txt)"
        cp "$fixture" "$format.txt"
        "$WOMSIM" graph --edges "$format.txt" --format "$format" >by-option.txt 2>err.txt ||
            fail "--format $format: $(cat err.txt)"
        printf '[network]\nmodel = file\nfile = %s\nformat = %s\n' "$fixture" "$format" >net.ini
        "$WOMSIM" graph net.ini >by-scenario.txt 2>err.txt || fail "scenario: $(cat err.txt)"
        cmp -s by-extension.txt by-option.txt || fail "$format: extension and --format differ"
        cmp -s by-extension.txt by-scenario.txt || fail "$format: --edges and the scenario differ"
    done
    expect_exit 64 "--format: 'xyz' is not a network format" \
        "$WOMSIM" graph --edges gml.txt --format xyz
    expect_exit 64 "--format goes with --edges" "$WOMSIM" graph net.ini --format gml
}
