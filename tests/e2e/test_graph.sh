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

# The statistics of a graph, without what depends on how it was read
# (loops and duplicates dropped, the names' bytes).
shape_of() {
    grep -v -e 'dropped' -e '^memory' "$1"
}

# A SNAP file's sparse ids (one beyond 32 bits) written as GraphML are the
# node ids there; read back, the same network; and written again as an
# edge list, the same ids.
test_graph_write_graphml_keeps_ids() {
    printf '# sparse ids\n1000 20\n20\t30000000000\n30000000000 40\n40 1000\n7 20\n20 1000\n' >sparse.txt
    "$WOMSIM" graph --edges sparse.txt --write x.graphml >first.txt || fail "graph --write x.graphml"
    for id in 1000 20 30000000000 40 7; do
        grep -q "<node id=\"$id\"/>" x.graphml || fail "no node $id in x.graphml: $(cat x.graphml)"
    done
    [ "$(grep -c '<node ' x.graphml)" -eq 5 ] || fail "not 5 nodes: $(cat x.graphml)"
    grep -q '<edge source="20" target="30000000000"/>' x.graphml || fail "edge 20-30000000000"
    "$WOMSIM" graph --edges x.graphml --write y.txt >again.txt 2>err.txt ||
        fail "reading x.graphml back: $(cat err.txt)"
    shape_of first.txt >a.txt
    shape_of again.txt >b.txt
    cmp -s a.txt b.txt || fail "statistics differ: $(diff a.txt b.txt)"
    grep -q '^# node ids: those of the network file read' y.txt || fail "y.txt header: $(cat y.txt)"
    grep -q "^20	30000000000\$" y.txt || fail "y.txt lost the ids: $(cat y.txt)"
}

# GraphML ids that are not integers: the edge list numbers the nodes
# 0..n-1 in the file's order and names each in its header; a GML file's
# integer ids are kept as they are.
test_graph_write_snap_states_the_mapping() {
    cat >people.graphml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <graph edgedefault="undirected">
    <node id="alice"/><node id="bob"/><node id="carol"/>
    <edge source="bob" target="alice"/><edge source="carol" target="bob"/>
  </graph>
</graphml>
XML
    "$WOMSIM" graph --edges people.graphml --write y.txt >first.txt || fail "graph --write y.txt"
    grep -q '^# node ids: 0\.\.n-1 in the order of the network file read' y.txt ||
        fail "no mapping stated: $(cat y.txt)"
    printf '# node 0: alice\n# node 1: bob\n# node 2: carol\n0\t1\n1\t2\n' >expected.txt
    tail -n 5 y.txt | cmp -s - expected.txt || fail "mapping or edges: $(cat y.txt)"
    "$WOMSIM" graph --edges y.txt >again.txt || fail "reading y.txt back"
    shape_of first.txt >a.txt
    shape_of again.txt >b.txt
    cmp -s a.txt b.txt || fail "statistics differ: $(diff a.txt b.txt)"
    printf 'graph [\n node [ id 900 ]\n node [ id 5 ]\n edge [ source 5 target 900 ]\n]\n' >net.gml
    "$WOMSIM" graph --edges net.gml --write z.txt >/dev/null || fail "graph --write z.txt"
    grep -q '^# node ids: those of the network file read' z.txt || fail "z.txt header: $(cat z.txt)"
    grep -q "^900	5\$" z.txt || fail "z.txt lost the GML ids: $(cat z.txt)"
}

# A SNAP file written as GAP's serialized graph (.sg) and read back is the
# same graph: the same nodes in the same numbering, the same rows in the
# same order (its SNAP export is byte-identical to the original's), the
# same statistics (but the memory of the ids an edge list's graph keeps),
# undirected and directed; a run on the .sg gives the same timeseries.csv
# as the run on the edge list, and its manifest names the .sg file's
# SHA-256. A .sg holds node numbers, not ids, so the edge list's ids are
# its numbers already (0..n-1 in order of first appearance).
test_graph_sg_round_trip_same_results() {
    awk 'BEGIN { for (i = 0; i < 400; i++) for (k = 1; k <= 3; k++)
        print (i * 7919) % 1000003, ((i * 31 + k * 977) % 400) * 7919 % 1000003 }' |
        awk '!($1 in id) { id[$1] = n++ } !($2 in id) { id[$2] = n++ } { print id[$1], id[$2] }' >net.txt
    for directed in "" --directed; do
        "$WOMSIM" graph --edges net.txt $directed --write direct.txt >stats.txt 2>err.txt ||
            fail "net.txt $directed: $(cat err.txt)"
        "$WOMSIM" graph --edges net.txt $directed --write net.sg >/dev/null 2>err.txt ||
            fail "--write net.sg $directed: $(cat err.txt)"
        "$WOMSIM" graph --edges net.sg $directed --write back.txt >sg-stats.txt 2>err.txt ||
            fail "--edges net.sg $directed: $(cat err.txt)"
        cmp -s direct.txt back.txt || fail "$directed: the .sg's export differs from the edge list's"
        shape_of stats.txt >a.txt
        shape_of sg-stats.txt >b.txt
        cmp -s a.txt b.txt || fail "$directed: statistics differ: $(diff a.txt b.txt)"
    done
    "$WOMSIM" graph --edges net.txt --write net.sg >/dev/null
    for file in net.txt net.sg; do
        format=${file#net.}
        [ "$format" = txt ] && format=snap
        printf '[simulation]\nsteps = 30\nreplications = 3\n[network]\nmodel = file\nfile = %s\nformat = %s\n' \
            "$file" "$format" >"$format.ini"
        "$WOMSIM" run "$format.ini" -o "out-$format" -q --no-plot 2>err.txt ||
            fail "run on $file: $(cat err.txt)"
    done
    cmp -s out-snap/timeseries.csv out-sg/timeseries.csv ||
        fail "timeseries.csv differs between the edge list and its .sg"
    sum=$(sha256sum net.sg | cut -d ' ' -f 1)
    grep -q "\"network_sha256\": \"$sum\"" out-sg/manifest.json ||
        fail "the manifest does not name net.sg's SHA-256 $sum"
}

# The bytes of GAP's layout, written out by hand for the path 0 - 1 - 2:
# bool directed, int64 arcs, int64 nodes, int64 offsets, int32 neighbours
# (little-endian), and for the directed path the in-offsets and
# in-neighbours after them.
test_graph_sg_layout_is_gaps() {
    printf '0 1\n1 2\n' >path.txt
    "$WOMSIM" graph --edges path.txt --write path.sg >/dev/null || fail "--write path.sg"
    { printf '\000'; printf '\004\0\0\0\0\0\0\0' ; printf '\003\0\0\0\0\0\0\0'
      for offset in 0 1 3 4; do printf "\\$(printf %03o "$offset")\\0\\0\\0\\0\\0\\0\\0"; done
      for id in 1 0 2 1; do printf "\\$(printf %03o "$id")\\0\\0\\0"; done; } >expected.sg
    cmp -s path.sg expected.sg || fail "undirected layout: $(od -A d -t x1 path.sg | head -5)"
    "$WOMSIM" graph --edges path.txt --directed --write directed.sg >/dev/null || fail "directed"
    { printf '\001'; printf '\002\0\0\0\0\0\0\0' ; printf '\003\0\0\0\0\0\0\0'
      for offset in 0 1 2 2; do printf "\\$(printf %03o "$offset")\\0\\0\\0\\0\\0\\0\\0"; done
      for id in 1 2; do printf "\\$(printf %03o "$id")\\0\\0\\0"; done
      for offset in 0 0 1 2; do printf "\\$(printf %03o "$offset")\\0\\0\\0\\0\\0\\0\\0"; done
      for id in 0 1; do printf "\\$(printf %03o "$id")\\0\\0\\0"; done; } >expected.sg
    cmp -s directed.sg expected.sg || fail "directed layout: $(od -A d -t x1 directed.sg | head -5)"
}

# A Matrix Market file is the network its entries say, numbered as they
# are (less one): a symmetric pattern matrix and a general real one of the
# same edges export as the same edge list, by extension, by --format and
# in a scenario.
test_graph_mtx_reads_its_entries() {
    printf '%%%%MatrixMarket matrix coordinate pattern symmetric\n%% a comment\n5 5 4\n2 1\n3 2\n5 3\n3 1\n' >sym.mtx
    printf '%%%%MatrixMarket matrix coordinate real general\n5 5 5\n1 2 0.5\n2 3 1\n3 5 -2\n1 3 7\n3 1 7\n' >gen.txt
    "$WOMSIM" graph --edges sym.mtx --write sym.txt >sym-stats.txt 2>err.txt || fail "sym.mtx: $(cat err.txt)"
    "$WOMSIM" graph --edges gen.txt --format mtx --write gen-out.txt >/dev/null 2>err.txt ||
        fail "--format mtx: $(cat err.txt)"
    cmp -s sym.txt gen-out.txt || fail "symmetric and general differ: $(diff sym.txt gen-out.txt)"
    grep -q '^nodes *5$' sym-stats.txt || fail "node 4 (isolated) lost: $(cat sym-stats.txt)"
    grep -q '^edges *4 ' sym-stats.txt || fail "edges: $(cat sym-stats.txt)"
    grep -qx '0	1' sym.txt && grep -qx '2	4' sym.txt || fail "numbering: $(cat sym.txt)"
    printf '[network]\nmodel = file\nfile = sym.mtx\nformat = mtx\n' >mtx.ini
    "$WOMSIM" graph mtx.ini >scenario-stats.txt 2>err.txt || fail "scenario: $(cat err.txt)"
    cmp -s sym-stats.txt scenario-stats.txt || fail "the scenario's statistics differ"
    printf '[network]\nmodel = file\nfile = sym.mtx\n' >guess.ini
    expect_exit 78 "network.file ends in .mtx (Matrix Market), but network.format is snap" \
        "$WOMSIM" graph guess.ini
}
