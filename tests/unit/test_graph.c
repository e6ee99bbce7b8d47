/* test_graph.c: unit tests of the graph module (sim/graph*.c): generators
 * against their exact or sampling-error expectations, the CSR invariants,
 * the SNAP reader on fixtures and on every error it reports, the SNAP
 * writer's round trip, GraphML/GML through igraph, the nodes' names kept
 * from a file and written out (SNAP and GraphML), the memory estimate,
 * the statistics and the layout of the pictures. Run from the repository
 * root (fixtures in tests/data/).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <igraph.h>
#include <inttypes.h>
#include <omp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph_internal.h"
#include "womsim/graph.h"

#define SEED UINT64_C(0x6a09e667f3bcc909)

/* ---------------------------------------------------------------------------
 * Helpers */

static wom_scenario_t scenario_of(int model) {
    wom_scenario_t scenario;
    memset(&scenario, 0, sizeof scenario);
    scenario.simulation.seed = SEED;
    scenario.network.model = model;
    scenario.network.nodes = 1237;
    return scenario;
}

static wom_graph_t *build(const wom_scenario_t *scenario) {
    wom_graph_t *graph = NULL;
    wom_error_t error;
    wom_error_clear(&error);
    wom_status status = wom_graph_build(scenario, 0, &graph, &error);
    if (status != WOM_OK) {
        fail_msg("wom_graph_build: %s: %s", wom_strerror(status), error.message);
    }
    assert_non_null(graph);
    return graph;
}

static bool has_arc(const wom_graph_t *graph, uint32_t from, uint32_t to) {
    for (uint64_t i = graph->offsets[from]; i < graph->offsets[from + 1]; i++) {
        if (graph->targets[i] == to) {
            return true;
        }
    }
    return false;
}

/* The invariants graph.h promises, checked naively. */
static void check_csr(const wom_graph_t *graph) {
    assert_non_null(graph->offsets);
    assert_int_equal(graph->offsets[0], 0);
    assert_int_equal(graph->offsets[graph->nodes], graph->arcs);
    uint32_t max_degree = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        assert_true(graph->offsets[v] <= graph->offsets[v + 1]);
        uint32_t degree = wom_graph_degree(graph, v);
        max_degree = degree > max_degree ? degree : max_degree;
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            uint32_t to = graph->targets[i];
            assert_true(to < graph->nodes);
            assert_true(to != v);
            if (i > graph->offsets[v]) {
                assert_true(graph->targets[i - 1] < to);
            }
            if (!graph->directed) {
                assert_true(has_arc(graph, to, v));
            }
        }
    }
    assert_int_equal(graph->max_degree, max_degree);
    if (!graph->directed) {
        assert_int_equal(graph->arcs % 2, 0);
    }
}

static uint64_t edge_count(const wom_graph_t *graph) {
    return graph->directed ? graph->arcs : graph->arcs / 2;
}

static bool graphs_equal(const wom_graph_t *a, const wom_graph_t *b) {
    return a->nodes == b->nodes && a->arcs == b->arcs && a->directed == b->directed &&
           memcmp(a->offsets, b->offsets, ((size_t)a->nodes + 1) * sizeof *a->offsets) == 0 &&
           memcmp(a->targets, b->targets, a->arcs * sizeof *a->targets) == 0 &&
           (a->segment == NULL) == (b->segment == NULL) &&
           (a->segment == NULL || memcmp(a->segment, b->segment, a->nodes) == 0);
}

/* |observed - n p| within 4 standard deviations of Binomial(n, p): a false
 * failure has probability about 6e-5 (and the seed is fixed anyway). */
static void assert_binomial(double observed, double n, double p) {
    double sd = sqrt(n * p * (1 - p));
    if (fabs(observed - n * p) > 4 * sd) {
        fail_msg("observed %.0f, expected %.1f +- %.1f (4 sd)", observed, n * p, 4 * sd);
    }
}

/* Writes `text` to a new temporary file; its path goes to `path`. */
static void write_temp(char path[64], const char *text) {
    strcpy(path, "/tmp/womsim-test-graph-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t length = strlen(text);
    assert_int_equal(write(fd, text, length), (ssize_t)length);
    assert_int_equal(close(fd), 0);
}

static wom_graph_t *read_snap_text(const char *text, bool directed) {
    char path[64];
    write_temp(path, text);
    wom_graph_t *graph = NULL;
    wom_error_t error;
    wom_status status = wom_graph_read_snap(path, directed, &graph, &error);
    unlink(path);
    if (status != WOM_OK) {
        fail_msg("read_snap: %s", error.message);
    }
    return graph;
}

static void assert_row(const wom_graph_t *graph, uint32_t v, const uint32_t *expected,
                       uint32_t count) {
    assert_int_equal(wom_graph_degree(graph, v), count);
    for (uint32_t i = 0; i < count; i++) {
        assert_int_equal(graph->targets[graph->offsets[v] + i], expected[i]);
    }
}

/* The CSR of `scenario` is the same for 1 thread and for each of
 * `threads` (count of them). */
static void assert_same_for_any_threads(const wom_scenario_t *scenario, const int *threads,
                                        size_t count) {
    const int threads_before = omp_get_max_threads();
    omp_set_num_threads(1);
    wom_graph_t *one = build(scenario);
    check_csr(one);
    for (size_t i = 0; i < count; i++) {
        omp_set_num_threads(threads[i]);
        wom_graph_t *more = build(scenario);
        assert_true(graphs_equal(one, more));
        assert_int_equal(one->max_degree, more->max_degree);
        assert_int_equal(one->loops_dropped, more->loops_dropped);
        assert_int_equal(one->duplicates_dropped, more->duplicates_dropped);
        wom_graph_free(more);
    }
    wom_graph_free(one);
    omp_set_num_threads(threads_before);
}

/* The same seed gives the same graph, another seed another. */
static void assert_seeded(wom_scenario_t scenario) {
    wom_graph_t *first = build(&scenario);
    wom_graph_t *again = build(&scenario);
    scenario.simulation.seed ^= 0x5bd1e995;
    wom_graph_t *other = build(&scenario);
    assert_true(graphs_equal(first, again));
    assert_false(graphs_equal(first, other));
    wom_graph_free(first);
    wom_graph_free(again);
    wom_graph_free(other);
}

/* ---------------------------------------------------------------------------
 * Generators */

/* Erdos-Renyi of mean degree 7.3 on 1237 nodes. */
static wom_scenario_t er_scenario(bool directed) {
    wom_scenario_t scenario = scenario_of(WOM_NET_ERDOS_RENYI);
    scenario.network.mean_degree = 7.3;
    scenario.network.directed = directed;
    return scenario;
}

static void test_erdos_renyi_undirected(void **state) {
    (void)state;
    wom_scenario_t scenario = er_scenario(false);
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_false(graph->directed);
    assert_int_equal(graph->nodes, 1237);
    assert_int_equal(graph->loops_dropped + graph->duplicates_dropped, 0);
    /* edges ~ Binomial(n (n-1) / 2, p), p = mean_degree / (n - 1) */
    assert_binomial((double)edge_count(graph), 1237.0 * 1236 / 2, 7.3 / 1236);
    wom_graph_free(graph);
}

static void test_erdos_renyi_directed(void **state) {
    (void)state;
    wom_scenario_t scenario = er_scenario(true);
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_true(graph->directed);
    /* arcs ~ Binomial(n (n-1), p): mean out-degree = mean_degree */
    assert_binomial((double)graph->arcs, 1237.0 * 1236, 7.3 / 1236);
    wom_graph_free(graph);
}

static void test_erdos_renyi_seeded(void **state) {
    (void)state;
    assert_seeded(er_scenario(false));
}

/* Erdos-Renyi is generated in parts of rows and of columns, one per
 * thread however many: the CSR is the same for any number, undirected and
 * directed, on a graph whose rows are split unevenly (1237 nodes) and on
 * one with more parts than nodes (11 nodes on 16 threads). */
static void test_erdos_renyi_same_for_any_threads(void **state) {
    (void)state;
    for (int directed = 0; directed < 2; directed++) {
        wom_scenario_t scenario = er_scenario(directed);
        assert_same_for_any_threads(&scenario, (const int[]){2, 3, 8, 13, 40}, 5);
        scenario.network.nodes = 11;
        scenario.network.mean_degree = 4;
        assert_same_for_any_threads(&scenario, (const int[]){2, 16}, 2);
    }
}

/* At p = 1 every pair is an edge and at p = 0 none, on any number of
 * threads (more than nodes too), directed and undirected: the complete
 * and the empty graph of 11 nodes. */
static void test_erdos_renyi_complete_and_empty(void **state) {
    (void)state;
    const int threads_before = omp_get_max_threads();
    for (int directed = 0; directed < 2; directed++) {
        wom_scenario_t scenario = er_scenario(directed);
        scenario.network.nodes = 11;
        for (int threads = 1; threads <= 16; threads *= 4) {
            omp_set_num_threads(threads);
            scenario.network.mean_degree = 10; /* p = 10 / (11 - 1) */
            wom_graph_t *graph = build(&scenario);
            for (uint32_t v = 0; v < 11; v++) {
                uint32_t others[10];
                for (uint32_t i = 0; i < 10; i++) {
                    others[i] = i < v ? i : i + 1;
                }
                assert_row(graph, v, others, 10);
            }
            wom_graph_free(graph);
            scenario.network.mean_degree = 0;
            graph = build(&scenario);
            assert_int_equal(graph->arcs, 0);
            check_csr(graph);
            wom_graph_free(graph);
        }
    }
    omp_set_num_threads(threads_before);
}

static void test_barabasi_albert(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_BARABASI_ALBERT);
    scenario.network.m = 3;
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    /* psumtree never makes multi-edges: node i joins min(i, m) earlier nodes */
    uint64_t expected = 0;
    for (uint64_t i = 1; i < 1237; i++) {
        expected += i < 3 ? i : 3;
    }
    assert_int_equal(edge_count(graph), expected);
    assert_int_equal(graph->loops_dropped + graph->duplicates_dropped, 0);
    /* node i >= m makes m edges; nodes below m are joined by all of 1..m */
    for (uint32_t v = 0; v < graph->nodes; v++) {
        assert_true(wom_graph_degree(graph, v) >= 3);
    }
    wom_graph_free(graph);
}

/* Preferential attachment: the first ten nodes end with a mean degree
 * near m sqrt(n / i) (about 47 here), where attachment to uniformly chosen
 * nodes would give about m (1 + ln(n / i)), about 20; 30 separates the two
 * by several standard deviations of a ten-node mean. */
static void test_barabasi_albert_prefers_the_connected(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_BARABASI_ALBERT);
    scenario.network.m = 3;
    wom_graph_t *graph = build(&scenario);
    double oldest = 0;
    for (uint32_t v = 0; v < 10; v++) {
        oldest += wom_graph_degree(graph, v) / 10.0;
    }
    assert_true(oldest > 30);
    wom_graph_free(graph);
}

static void test_barabasi_albert_directed(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_BARABASI_ALBERT);
    scenario.network.m = 4;
    scenario.network.directed = true;
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_true(graph->directed);
    for (uint32_t v = 0; v < graph->nodes; v++) {
        assert_int_equal(wom_graph_degree(graph, v), v < 4 ? v : 4);
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            assert_true(graph->targets[i] < v); /* arcs point to older nodes */
        }
    }
    wom_graph_free(graph);
}

/* The definition, one node after another (Batagelj & Brandes with
 * rejection): node v's tokens from its stream, uniform below its ends so
 * far plus v; a token below the ends names an edge end (directed: a
 * target), above them node token - ends; a node v already joined is drawn
 * again. The generator shares the nodes out over threads and works out
 * unknown ends out of order; it must give exactly this graph. */
static wom_graph_t *barabasi_albert_one_by_one(const wom_scenario_t *scenario) {
    const uint32_t nodes = (uint32_t)scenario->network.nodes, m = (uint32_t)scenario->network.m;
    const bool directed = scenario->network.directed;
    edge_list_t edges = {malloc((size_t)nodes * m * 2 * sizeof(uint32_t)), 0, (uint64_t)nodes * m};
    assert_non_null(edges.pairs);
    for (uint32_t v = 1; v < nodes; v++) {
        uint64_t first = edges.count, ends = directed ? first : 2 * first;
        wom_rng_stream_t stream;
        wom_rng_stream_init(&stream, wom_graph_node_key(scenario, 0, v, WOM_SITE_GRAPH));
        for (uint32_t k = 0; k < (v < m ? v : m); k++) {
            uint32_t target = k;
            for (bool again = v > m; again;) {
                uint64_t token = wom_graph_uniform_below(&stream, ends + v);
                target = token >= ends ? (uint32_t)(token - ends)
                                       : edges.pairs[directed ? 2 * token + 1 : token];
                again = false;
                for (uint64_t e = first; e < edges.count; e++) {
                    again = again || edges.pairs[2 * e + 1] == target;
                }
            }
            edges.pairs[2 * edges.count] = v;
            edges.pairs[2 * edges.count + 1] = target;
            edges.count++;
        }
    }
    wom_graph_t *graph = NULL;
    assert_int_equal(wom_graph_build_csr(nodes, directed, &edges, &graph), WOM_OK);
    free(edges.pairs);
    return graph;
}

/* 9,000 nodes: three chunks of nodes for the threads, and many with
 * chunks of 7 nodes on 8 threads, where a thread's tokens often name edges
 * no thread has worked out yet, which it then works out itself (nested
 * several deep). Each is the definition's graph. */
static void test_barabasi_albert_is_the_definition_for_any_threads(void **state) {
    (void)state;
    const int threads_before = omp_get_max_threads();
    for (int directed = 0; directed < 2; directed++) {
        wom_scenario_t scenario = scenario_of(WOM_NET_BARABASI_ALBERT);
        scenario.network.nodes = 9000;
        scenario.network.m = directed ? 4 : 3;
        scenario.network.directed = directed;
        wom_graph_t *defined = barabasi_albert_one_by_one(&scenario);
        wom_graph_t *generated = build(&scenario);
        assert_true(graphs_equal(defined, generated));
        wom_graph_free(generated);
        omp_set_num_threads(8);
        assert_int_equal(wom_graph_generate_ba_chunks(&scenario, 0, 7, &generated), WOM_OK);
        assert_true(graphs_equal(defined, generated));
        omp_set_num_threads(threads_before);
        wom_graph_free(defined);
        wom_graph_free(generated);
        assert_same_for_any_threads(&scenario, (const int[]){2, 3, 8}, 3);
    }
}

/* The builder over any number of threads (its parts: rows of consecutive
 * nodes, more parts than nodes too) against a matrix of the pairs: random
 * edges among 50 nodes, a tenth of them loops and many repeated, the
 * repeats dropped across part boundaries. Every row is the set of the
 * matrix's neighbours, ascending; the loops and repeats counted. */
static void test_csr_builder_same_for_any_threads(void **state) {
    (void)state;
    enum { NODES = 50, EDGES = 600 };
    const int threads_before = omp_get_max_threads();
    uint32_t pairs[2 * EDGES];
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){.seed = 11});
    for (int directed = 0; directed < 2; directed++) {
        bool joined[NODES][NODES] = {{false}};
        uint64_t loops = 0, repeats = 0;
        for (int e = 0; e < EDGES; e++) {
            uint32_t from = wom_rng_stream_index(&stream, NODES);
            uint32_t to = e % 10 == 0 ? from : wom_rng_stream_index(&stream, NODES);
            pairs[2 * e] = from;
            pairs[2 * e + 1] = to;
            bool seen = joined[from][to] || (!directed && joined[to][from]);
            loops += from == to;
            repeats += from != to && seen;
            joined[from][to] = from != to;
            joined[to][from] = joined[to][from] || (!directed && from != to);
        }
        edge_list_t edges = {pairs, EDGES, EDGES};
        for (int threads = 1; threads <= 64; threads *= 4) {
            omp_set_num_threads(threads);
            wom_graph_t *graph = NULL;
            assert_int_equal(wom_graph_build_csr(NODES, directed, &edges, &graph), WOM_OK);
            check_csr(graph);
            assert_int_equal(graph->loops_dropped, loops);
            assert_int_equal(graph->duplicates_dropped, repeats);
            for (uint32_t v = 0; v < NODES; v++) {
                uint64_t at = graph->offsets[v];
                for (uint32_t w = 0; w < NODES; w++) {
                    if (joined[v][w]) {
                        assert_true(at < graph->offsets[v + 1]);
                        assert_int_equal(graph->targets[at++], w);
                    }
                }
                assert_int_equal(at, graph->offsets[v + 1]);
            }
            wom_graph_free(graph);
        }
    }
    omp_set_num_threads(threads_before);
}

static wom_scenario_t ws_scenario(uint32_t nodes, uint32_t k, double rewire) {
    wom_scenario_t scenario = scenario_of(WOM_NET_WATTS_STROGATZ);
    scenario.network.nodes = nodes;
    scenario.network.mean_degree = 2.0 * k;
    scenario.network.rewire = rewire;
    return scenario;
}

static double clustering_of(const wom_graph_t *graph) {
    wom_graph_stats_t stats;
    assert_int_equal(wom_graph_stats(graph, &stats), WOM_OK);
    return stats.clustering;
}

/* The clustering of the ring lattice where each node joins its k nearest
 * on each side (Barrat & Weigt 2000), and of the Watts-Strogatz graph
 * rewired with probability p: a triangle of the lattice survives when none
 * of its three edges moved. */
static double barrat_weigt_clustering(double k, double p) {
    return 3 * (k - 1) / (2 * (2 * k - 1)) * pow(1 - p, 3);
}

/* p = 0: exactly the ring lattice, row v = v - 3 .. v + 3 but v (mod n). */
static void test_watts_strogatz_lattice(void **state) {
    (void)state;
    const uint32_t n = 1237, k = 3;
    wom_scenario_t scenario = ws_scenario(n, k, 0);
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_int_equal(edge_count(graph), n * k);
    assert_int_equal(graph->loops_dropped + graph->duplicates_dropped, 0);
    for (uint32_t v = 0; v < n; v++) {
        uint32_t row[6], count = 0;
        for (uint32_t w = 0; w < n; w++) { /* ascending: the order of a CSR row */
            uint32_t distance = w > v ? w - v : v - w;
            distance = distance < n - distance ? distance : n - distance;
            if (distance >= 1 && distance <= k) {
                row[count++] = w;
            }
        }
        assert_int_equal(count, 2 * k);
        assert_row(graph, v, row, 2 * k);
    }
    assert_float_equal(clustering_of(graph), barrat_weigt_clustering(k, 0), 1e-12);
    wom_graph_free(graph);
}

/* Edges between nodes more than k apart on the ring: "long" edges. */
static uint64_t long_edges(const wom_graph_t *graph, uint32_t k) {
    uint64_t count = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            uint32_t w = graph->targets[i], distance = w - v; /* w > v: each edge once */
            count += w > v && distance > k && graph->nodes - distance > k;
        }
    }
    return count;
}

/* The clustering expected of a Watts-Strogatz graph: Barrat & Weigt's
 * C(p) counts the lattice's triangles that survive, (1 - p)^3 of them,
 * over the lattice's connected triples, and leaves out two corrections of
 * a few percent at p = 1/2: rewiring spreads the degrees (variance
 * k p (2 - p)), which raises the connected triples by k p (2 - p) / (2k (2k
 * - 1)); and each rewired edge closes about 4 k^2 / n triangles by chance,
 * 4 k^3 p in all. Both are made here. */
static double watts_strogatz_clustering(double n, double k, double p) {
    double lattice_triples = 2 * k * (2 * k - 1), triples = lattice_triples + k * p * (2 - p);
    double surviving = n * k * (k - 1) / 2 * pow(1 - p, 3), closed = 4 * k * k * k * p;
    return barrat_weigt_clustering(k, p) * lattice_triples / triples * (1 + closed / surviving);
}

/* n = 20,000, k = 5, p = 1/2. Each of the n k lattice edges is rewired
 * with probability p, to a node uniform among the n - 1 others, which lies
 * within k of v on the ring with probability 2k / (n - 1): so the long
 * edges are Binomial(n k, p (1 - 2k / (n - 1))), held to 4 standard errors
 * (632 edges; the rewired edges that repeat one another, some 6 expected,
 * are dropped, well within). Dropped duplicates are all that moves the
 * edge count off n k. The clustering: Barrat & Weigt's C(p) = 0.0833 with
 * the corrections above (-4.2% for the spread of degrees, +1% for the
 * triangles closed by chance) is 0.0808, held to 4%: some 25,000 lattice
 * triangles survive, each sharing an edge with 21 others, so their count
 * has a relative standard error of about 1.2% (sd^2 = 200,000 x (7 + 21) /
 * 64), and 4% is over 3 of them. */
static void test_watts_strogatz_rewired(void **state) {
    (void)state;
    const uint32_t n = 20000, k = 5;
    const double p = 0.5;
    wom_scenario_t scenario = ws_scenario(n, k, p);
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_int_equal(graph->loops_dropped, 0); /* a moved end never lands on v */
    assert_true(graph->duplicates_dropped > 0);
    assert_int_equal(edge_count(graph), (uint64_t)n * k - graph->duplicates_dropped);
    assert_binomial((double)long_edges(graph, k), (double)n * k, p * (1 - 2.0 * k / (n - 1)));
    double expected = watts_strogatz_clustering(n, k, p);
    assert_float_equal(clustering_of(graph), expected, 0.04 * expected);
    wom_graph_free(graph);
}

static void test_watts_strogatz_same_for_any_threads(void **state) {
    (void)state;
    wom_scenario_t scenario = ws_scenario(1237, 3, 0.173);
    assert_same_for_any_threads(&scenario, (const int[]){2, 3, 8}, 3);
}

static void test_watts_strogatz_seeded(void **state) {
    (void)state;
    assert_seeded(ws_scenario(1237, 3, 0.173));
}

/* An SBM of four blocks, one of a single node (no pairs inside). */
static const uint32_t sbm_sizes[4] = {397, 1, 211, 628};

static wom_scenario_t sbm_scenario(bool directed) {
    wom_scenario_t scenario = scenario_of(WOM_NET_SBM);
    memcpy(scenario.network.blocks, sbm_sizes, sizeof sbm_sizes);
    scenario.network.block_count = 4;
    scenario.network.p_in = 0.0731;
    scenario.network.p_out = 0.00413;
    scenario.network.directed = directed;
    return scenario;
}

/* Edges (arcs when directed) within each block and between blocks, each
 * within 4 binomial standard deviations of its expectation: the pairs
 * (ordered pairs when directed) times p_in or p_out. */
static void check_sbm(bool directed) {
    wom_scenario_t scenario = sbm_scenario(directed);
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_int_equal(graph->directed, directed);
    assert_int_equal(graph->nodes, 1237);
    assert_int_equal(graph->loops_dropped + graph->duplicates_dropped, 0);
    uint32_t v = 0;
    for (uint8_t block = 0; block < 4; block++) {
        for (uint32_t i = 0; i < sbm_sizes[block]; i++) {
            assert_int_equal(graph->segment[v++], block);
        }
    }
    uint64_t within[4] = {0, 0, 0, 0}, between = 0;
    for (v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            uint32_t to = graph->targets[i];
            if (!directed && to < v) {
                continue; /* each undirected edge once */
            }
            if (graph->segment[v] == graph->segment[to]) {
                within[graph->segment[v]]++;
            } else {
                between++;
            }
        }
    }
    const double ends = directed ? 1.0 : 0.5; /* pairs per ordered pair */
    double all = 0;
    for (int block = 0; block < 4; block++) {
        double pairs = ends * sbm_sizes[block] * (sbm_sizes[block] - 1.0);
        assert_binomial((double)within[block], pairs, 0.0731);
        all += pairs;
    }
    assert_binomial((double)between, ends * 1237.0 * 1236 - all, 0.00413);
    wom_graph_free(graph);
}

static void test_sbm(void **state) {
    (void)state;
    check_sbm(false);
    check_sbm(true);
}

/* The SBM is generated like Erdos-Renyi, in parts of rows and columns
 * split by each block's expected cost: the same CSR for any number of
 * threads, undirected and directed. */
static void test_sbm_same_for_any_threads(void **state) {
    (void)state;
    for (int directed = 0; directed < 2; directed++) {
        wom_scenario_t scenario = sbm_scenario(directed);
        assert_same_for_any_threads(&scenario, (const int[]){2, 3, 8, 21}, 4);
    }
}

/* Each candidate's wait carries over from block to block, so an SBM whose
 * p_in and p_out are both Erdos-Renyi's p draws the same edges as
 * Erdos-Renyi from the same seed (up to a rounding of the carried wait at
 * some block end, which this seed does not meet): a check of the walk over
 * the blocks, directed (candidates skip the node) and undirected. */
static void test_sbm_of_equal_probabilities_is_erdos_renyi(void **state) {
    (void)state;
    for (int directed = 0; directed < 2; directed++) {
        wom_scenario_t scenario = er_scenario(directed);
        wom_graph_t *erdos_renyi = build(&scenario);
        wom_scenario_t sbm = sbm_scenario(directed);
        sbm.network.p_in = sbm.network.p_out = 7.3 / 1236;
        wom_graph_t *graph = build(&sbm);
        assert_int_equal(graph->arcs, erdos_renyi->arcs);
        assert_memory_equal(graph->offsets, erdos_renyi->offsets, 1238 * sizeof *graph->offsets);
        assert_memory_equal(graph->targets, erdos_renyi->targets,
                            graph->arcs * sizeof *graph->targets);
        wom_graph_free(graph);
        wom_graph_free(erdos_renyi);
    }
}

static void test_sbm_seeded(void **state) {
    (void)state;
    assert_seeded(sbm_scenario(false));
    assert_seeded(sbm_scenario(true));
}

/* The library never touches igraph's default RNG: after it is seeded, it
 * yields the same numbers whether or not every generator ran in between
 * (and stays the same object). */
static void test_igraph_rng_untouched(void **state) {
    (void)state;
    igraph_rng_t *before = igraph_rng_default();
    igraph_integer_t expected[4];
    igraph_rng_seed(before, 4127);
    for (int i = 0; i < 4; i++) {
        expected[i] = igraph_rng_get_integer(before, 0, 1000000000);
    }
    igraph_rng_seed(before, 4127);
    for (int model = WOM_NET_ERDOS_RENYI; model < WOM_NET_FILE; model++) {
        wom_scenario_t scenario = model == WOM_NET_SBM ? sbm_scenario(false) : scenario_of(model);
        scenario.network.mean_degree = 6;
        scenario.network.rewire = 0.2;
        scenario.network.m = 3;
        scenario.network.exponent = 2.5;
        scenario.network.min_degree = 2;
        wom_graph_free(build(&scenario));
    }
    assert_ptr_equal(igraph_rng_default(), before);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(igraph_rng_get_integer(before, 0, 1000000000), expected[i]);
    }
}

static void test_ring(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_RING);
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_int_equal(edge_count(graph), 1237);
    for (uint32_t v = 0; v < 1237; v++) {
        assert_int_equal(wom_graph_degree(graph, v), 2);
        assert_true(has_arc(graph, v, (v + 1) % 1237));
    }
    wom_graph_free(graph);
    scenario.network.directed = true;
    graph = build(&scenario);
    check_csr(graph);
    assert_true(graph->directed);
    assert_int_equal(graph->arcs, 1237);
    for (uint32_t v = 0; v < 1237; v++) {
        const uint32_t next = (v + 1) % 1237;
        assert_row(graph, v, &next, 1);
    }
    wom_graph_free(graph);
}

static void test_complete(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_COMPLETE);
    scenario.network.nodes = 53;
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_int_equal(edge_count(graph), 53 * 52 / 2);
    for (uint32_t v = 0; v < 53; v++) {
        assert_int_equal(wom_graph_degree(graph, v), 52);
    }
    wom_graph_free(graph);
    scenario.network.directed = true;
    graph = build(&scenario);
    check_csr(graph);
    assert_int_equal(graph->arcs, 53 * 52);
    assert_int_equal(graph->max_degree, 52);
    wom_graph_free(graph);
}

static void test_karate(void **state) {
    (void)state;
    static const uint32_t degrees[34] = {16, 9, 10, 6, 3, 4, 4, 4, 5, 2, 3, 1, 2, 5, 2, 2,  2,
                                         2,  2, 3,  2, 2, 2, 5, 3, 3, 2, 4, 3, 4, 4, 6, 12, 17};
    wom_scenario_t scenario = scenario_of(WOM_NET_KARATE);
    scenario.network.nodes = 999; /* ignored */
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_int_equal(graph->nodes, 34);
    assert_int_equal(edge_count(graph), 78);
    for (uint32_t v = 0; v < 34; v++) {
        assert_int_equal(wom_graph_degree(graph, v), degrees[v]);
    }
    assert_int_equal(graph->max_degree, 17);
    wom_graph_free(graph);
}

static wom_scenario_t configuration_scenario(uint32_t nodes, double exponent) {
    wom_scenario_t scenario = scenario_of(WOM_NET_CONFIGURATION);
    scenario.network.nodes = nodes;
    scenario.network.exponent = exponent;
    scenario.network.min_degree = 3;
    return scenario;
}

/* The stubs the degrees had: each dropped loop or duplicate took two. */
static uint64_t stubs_of(const wom_graph_t *graph) {
    return graph->arcs + 2 * (graph->loops_dropped + graph->duplicates_dropped);
}

/* A node's degree D is the floor of a Pareto(a = exponent - 1, m) draw
 * capped at n - 1, so P(D >= d) = min(1, (m / d)^a) for 1 <= d <= n - 1:
 * E[D] is the sum of those, E[D^2] the sum of (2d - 1) times them. The
 * stubs, the sum of n degrees (one more when it is odd), are held to 4
 * standard deviations of that sum (its sampling error), for a heavy tail
 * (exponent 2.5, the default) and a lighter one (3.5). After the drops
 * the CSR has no loops or duplicates (check_csr); both kinds are met and
 * counted, and a node can fall below m only through them (a loop takes
 * two of one node's stubs, a duplicate one of each end's). */
static void check_configuration(uint32_t nodes, double exponent) {
    const double m = 3, a = exponent - 1;
    wom_scenario_t scenario = configuration_scenario(nodes, exponent);
    wom_graph_t *graph = build(&scenario);
    check_csr(graph);
    assert_false(graph->directed);
    double mean = 0, square = 0;
    for (double d = 1; d <= nodes - 1; d++) {
        double at_least = d <= m ? 1 : pow(m / d, a);
        mean += at_least;
        square += (2 * d - 1) * at_least;
    }
    double sd = sqrt(nodes * (square - mean * mean)), stubs = (double)stubs_of(graph);
    if (fabs(stubs - nodes * mean) > 4 * sd + 1) {
        fail_msg("stubs %.0f, expected %.1f +- %.1f (4 sd)", stubs, nodes * mean, 4 * sd);
    }
    assert_true(graph->loops_dropped > 0);
    assert_true(graph->duplicates_dropped > 0);
    uint64_t below = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        below += wom_graph_degree(graph, v) < m;
    }
    assert_true(below <= graph->loops_dropped + 2 * graph->duplicates_dropped);
    wom_graph_free(graph);
}

static void test_configuration(void **state) {
    (void)state;
    check_configuration(100000, 2.5);
    check_configuration(100000, 3.5);
}

static void test_configuration_same_for_any_threads(void **state) {
    (void)state;
    wom_scenario_t scenario = configuration_scenario(1237, 2.37);
    assert_same_for_any_threads(&scenario, (const int[]){2, 3, 8}, 3);
}

static void test_configuration_seeded(void **state) {
    (void)state;
    assert_seeded(configuration_scenario(1237, 2.37));
}

static void test_bad_nodes(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_RING);
    scenario.network.nodes = 0;
    wom_graph_t dummy;
    wom_graph_t *graph = &dummy; /* must be reset to NULL */
    wom_error_t error;
    assert_int_equal(wom_graph_build(&scenario, 0, &graph, &error), WOM_EINVAL);
    assert_null(graph);
    assert_non_null(strstr(error.message, "network.nodes"));
}

static void assert_refused(wom_scenario_t scenario, const char *message) {
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_build(&scenario, 0, &graph, &error), WOM_EINVAL);
    assert_null(graph);
    assert_string_equal(error.message, message);
}

/* A probability out of [0, 1] (or NaN) is refused, as igraph refused it
 * when its generators made these graphs. */
static void test_bad_probabilities(void **state) {
    (void)state;
    assert_refused(ws_scenario(100, 2, -0.1), "network.rewire must be between 0 and 1");
    assert_refused(ws_scenario(100, 2, NAN), "network.rewire must be between 0 and 1");
    wom_scenario_t sbm = sbm_scenario(false);
    sbm.network.p_in = 1.5;
    assert_refused(sbm, "network.p_in must be between 0 and 1");
    sbm = sbm_scenario(true);
    sbm.network.p_out = -0.5;
    assert_refused(sbm, "network.p_out must be between 0 and 1");
}

/* ---------------------------------------------------------------------------
 * Draws: a network per replication */

static wom_graph_t *build_draw(const wom_scenario_t *scenario, uint32_t draw) {
    wom_graph_t *graph = NULL;
    wom_error_t error;
    wom_error_clear(&error);
    wom_status status = wom_graph_build_draw(scenario, draw, 0, &graph, &error);
    if (status != WOM_OK) {
        fail_msg("wom_graph_build_draw %u: %s: %s", draw, wom_strerror(status), error.message);
    }
    return graph;
}

/* Draw 0 is wom_graph_build's graph; draws 1, 2 and 1009 are other
 * networks (their edges differ from each other's and draw 0's), each the
 * same again and for 1 and 3 threads, each a valid CSR. */
static void assert_draws(const wom_scenario_t *scenario) {
    const uint32_t draws[] = {0, 1, 2, 1009};
    wom_graph_t *graphs[4];
    const int threads_before = omp_get_max_threads();
    wom_graph_t *plain = build(scenario);
    for (int i = 0; i < 4; i++) {
        omp_set_num_threads(1);
        graphs[i] = build_draw(scenario, draws[i]);
        check_csr(graphs[i]);
        omp_set_num_threads(3);
        wom_graph_t *again = build_draw(scenario, draws[i]);
        assert_true(graphs_equal(graphs[i], again));
        wom_graph_free(again);
        for (int j = 0; j < i; j++) {
            assert_false(graphs_equal(graphs[i], graphs[j]));
        }
    }
    omp_set_num_threads(threads_before);
    assert_true(graphs_equal(plain, graphs[0]));
    wom_graph_free(plain);
    for (int i = 0; i < 4; i++) {
        wom_graph_free(graphs[i]);
    }
}

static void test_draws_of_every_random_model(void **state) {
    (void)state;
    assert_draws((wom_scenario_t[]){er_scenario(false)});
    assert_draws((wom_scenario_t[]){er_scenario(true)});
    assert_draws((wom_scenario_t[]){ws_scenario(1237, 3, 0.137)});
    assert_draws((wom_scenario_t[]){sbm_scenario(false)});
    assert_draws((wom_scenario_t[]){configuration_scenario(1237, 2.37)});
    wom_scenario_t ba = scenario_of(WOM_NET_BARABASI_ALBERT);
    ba.network.m = 3;
    assert_draws(&ba);
    /* a draw is a network of the same model: Erdos-Renyi's edges ~ Binomial */
    wom_scenario_t er = er_scenario(false);
    wom_graph_t *graph = build_draw(&er, 1009);
    assert_binomial((double)edge_count(graph), 1237.0 * 1236 / 2, 7.3 / 1236);
    wom_graph_free(graph);
}

/* A file, ring, complete or karate cannot be drawn again; nor can a draw
 * beyond what the stream keys tell apart. Which draw a replication runs
 * on follows network.per_replication. */
static void test_draws_refused(void **state) {
    (void)state;
    const int fixed[] = {WOM_NET_RING, WOM_NET_COMPLETE, WOM_NET_KARATE};
    for (int i = 0; i < 3; i++) {
        wom_scenario_t scenario = scenario_of(fixed[i]);
        wom_graph_t *graph = NULL;
        wom_error_t error;
        assert_int_equal(wom_graph_build_draw(&scenario, 1, 0, &graph, &error), WOM_EINVAL);
        assert_null(graph);
        assert_non_null(strstr(error.message, "cannot be drawn again"));
        wom_graph_free(build_draw(&scenario, 0));
    }
    wom_scenario_t file = scenario_of(WOM_NET_FILE);
    strcpy(file.network.file, "tests/data/snap-fixture.txt");
    wom_graph_t *graph = NULL;
    assert_int_equal(wom_graph_build_draw(&file, 2, 0, &graph, NULL), WOM_EINVAL);
    wom_scenario_t er = er_scenario(false);
    assert_int_equal(wom_graph_build_draw(&er, UINT32_C(1) << 24, 0, &graph, NULL), WOM_EINVAL);
    assert_null(graph);
    assert_int_equal(wom_graph_draw(&er, 7), 0);
    er.network.per_replication = true;
    assert_int_equal(wom_graph_draw(&er, 7), 7);
    assert_int_equal(wom_graph_draw(&er, 0), 0);
}

/* ---------------------------------------------------------------------------
 * SNAP */

static void test_snap_fixture_undirected(void **state) {
    (void)state;
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_read_snap("tests/data/snap-fixture.txt", false, &graph, &error),
                     WOM_OK);
    check_csr(graph);
    /* 10 -> 0, 2000000000 -> 1, 7 -> 2, 3 -> 3, 18446744073709551615 -> 4 */
    assert_int_equal(graph->nodes, 5);
    assert_int_equal(edge_count(graph), 5);
    assert_int_equal(graph->loops_dropped, 1);
    assert_int_equal(graph->duplicates_dropped, 2);
    assert_row(graph, 0, (const uint32_t[]){1, 2}, 2);
    assert_row(graph, 1, (const uint32_t[]){0, 2}, 2);
    assert_row(graph, 2, (const uint32_t[]){0, 1, 3}, 3);
    assert_row(graph, 3, (const uint32_t[]){2, 4}, 2);
    assert_row(graph, 4, (const uint32_t[]){3}, 1);
    wom_graph_free(graph);
}

static void test_snap_fixture_directed(void **state) {
    (void)state;
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_read_snap("tests/data/snap-fixture.txt", true, &graph, &error),
                     WOM_OK);
    check_csr(graph);
    assert_true(graph->directed);
    assert_int_equal(graph->nodes, 5);
    assert_int_equal(graph->arcs, 6);
    assert_int_equal(graph->loops_dropped, 1);
    assert_int_equal(graph->duplicates_dropped, 1); /* 2000000000 -> 10 is a new arc */
    assert_row(graph, 0, (const uint32_t[]){1}, 1);
    assert_row(graph, 1, (const uint32_t[]){0, 2}, 2);
    assert_row(graph, 2, (const uint32_t[]){0, 3}, 2);
    assert_row(graph, 3, (const uint32_t[]){4}, 1);
    assert_int_equal(wom_graph_degree(graph, 4), 0);
    wom_graph_free(graph);
}

/* CRLF line ends and a last line without an end are accepted. */
static void test_snap_crlf_and_last_line(void **state) {
    (void)state;
    wom_graph_t *graph = read_snap_text("# crlf\r\n5 6\r\n\r\n6\t8\r\n8 5", false);
    check_csr(graph);
    assert_int_equal(graph->nodes, 3);
    assert_int_equal(edge_count(graph), 3);
    wom_graph_free(graph);
}

static void test_snap_errors(void **state) {
    (void)state;
    static const struct {
        const char *text;
        long line;
        const char *message;
    } cases[] = {
        {"1 2\n3\n", 2, "expected two node ids, found one"},
        {"# c\n\n1 2\n4 5 6\n", 4, "expected two node ids, found 3 fields"},
        {"1 abc\n", 1, "node id 'abc' is not a non-negative integer"},
        {"1 2\n2 3\n+4 5\n", 3, "node id '+4' is not a non-negative integer"},
        {"\n\n5 -3\n", 3, "node id '-3' is negative"},
        {"1 2\n18446744073709551616 4\n", 2,
         "node id '18446744073709551616' is too large (the largest is 18446744073709551615)"},
        {"", 0, "no edges found"},
        {"# only a comment\n\n  \n", 0, "no edges found"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[64];
        write_temp(path, cases[i].text);
        wom_graph_t *graph = NULL;
        wom_error_t error;
        wom_error_clear(&error);
        wom_status status = wom_graph_read_snap(path, false, &graph, &error);
        unlink(path);
        assert_int_equal(status, WOM_EDATA);
        assert_null(graph);
        assert_string_equal(error.file, path);
        assert_int_equal(error.line, cases[i].line);
        assert_string_equal(error.message, cases[i].message);
    }
}

/* Reads `length` bytes of `bytes` through a memory stream. */
static wom_status read_snap_bytes(const char *bytes, size_t length, wom_graph_t **graph,
                                  wom_error_t *error) {
    FILE *stream = fmemopen((void *)bytes, length, "r");
    assert_non_null(stream);
    wom_status status = wom_graph_read_snap_stream(stream, "memory", false, graph, error);
    assert_int_equal(fclose(stream), 0);
    return status;
}

/* A NUL byte does not end a line early (the edge after it would be lost),
 * and a line over the limit is refused once the limit is passed. */
static void test_snap_nul_and_long_line(void **state) {
    (void)state;
    static const char nul[] = "1 2\n\0003 4\n";
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(read_snap_bytes(nul, sizeof nul - 1, &graph, &error), WOM_EDATA);
    assert_null(graph);
    assert_int_equal(error.line, 2);
    assert_string_equal(error.message, "line contains a NUL byte (is this a text file?)");
    size_t length = WOM_GRAPH_MAX_LINE + 8;
    char *text = malloc(length);
    assert_non_null(text);
    memcpy(text, "7 8\n# ", 6);
    memset(text + 6, 'c', length - 6);
    text[6 + WOM_GRAPH_MAX_LINE - 2] = '\n'; /* "# " and the c's: the limit exactly */
    text[length - 1] = '\n';
    assert_int_equal(read_snap_bytes(text, 6 + WOM_GRAPH_MAX_LINE - 1, &graph, &error), WOM_OK);
    assert_int_equal(graph->nodes, 2);
    wom_graph_free(graph);
    text[6 + WOM_GRAPH_MAX_LINE - 2] = 'c'; /* one more */
    assert_int_equal(read_snap_bytes(text, length, &graph, &error), WOM_EDATA);
    assert_null(graph);
    assert_int_equal(error.line, 2);
    assert_string_equal(error.message, "line is longer than 65536 characters");
    free(text);
}

/* A pipe is read whole: the memory estimate must not take its first bytes
 * for a sample, and the stream reader reads it to the end. */
static void test_snap_from_pipe(void **state) {
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    char text[64];
    for (int i = 0; i < 5; i++) {
        int n = snprintf(text, sizeof text, "%d %d\n", 10 * i + 3, 10 * i + 13);
        assert_int_equal(write(fds[1], text, (size_t)n), n);
    }
    assert_int_equal(close(fds[1]), 0);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    wom_scenario_t scenario = scenario_of(WOM_NET_FILE);
    scenario.network.format = WOM_FORMAT_SNAP;
    snprintf(scenario.network.file, sizeof scenario.network.file, "%s", path);
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_build(&scenario, 0, &graph, &error), WOM_OK);
    assert_int_equal(graph->nodes, 6);
    assert_int_equal(edge_count(graph), 5);
    wom_graph_free(graph);
    assert_int_equal(close(fds[0]), 0);
}

static void test_snap_folder(void **state) {
    (void)state;
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_read_snap("tests/data", false, &graph, &error), WOM_ENOENT);
    assert_null(graph);
    assert_string_equal(error.file, "tests/data");
    assert_string_equal(error.message, "is a folder, not an edge list");
}

static void test_snap_missing(void **state) {
    (void)state;
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_read_snap("tests/data/no-such-file.txt", false, &graph, &error),
                     WOM_ENOENT);
    assert_null(graph);
    assert_string_equal(error.file, "tests/data/no-such-file.txt");
}

/* Writes `graph` as SNAP and reads it back. */
static wom_graph_t *round_trip(const wom_graph_t *graph) {
    char path[64];
    write_temp(path, "");
    FILE *stream = fopen(path, "w");
    assert_non_null(stream);
    assert_int_equal(wom_graph_write_snap(graph, stream), WOM_OK);
    assert_int_equal(fclose(stream), 0);
    wom_graph_t *copy = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_read_snap(path, graph->directed, &copy, &error), WOM_OK);
    unlink(path);
    return copy;
}

/* The reader numbers nodes by first appearance in the written order (rows
 * ascending, from before to): the copy must be `graph` under that
 * relabelling. */
static void assert_round_trip(const wom_graph_t *graph) {
    wom_graph_t *copy = round_trip(graph);
    check_csr(copy);
    uint32_t *label = malloc(graph->nodes * sizeof *label);
    memset(label, 0xff, graph->nodes * sizeof *label);
    uint32_t next = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            uint32_t to = graph->targets[i];
            if (graph->directed || v < to) {
                label[v] = label[v] == UINT32_MAX ? next++ : label[v];
                label[to] = label[to] == UINT32_MAX ? next++ : label[to];
            }
        }
    }
    assert_int_equal(copy->nodes, graph->nodes); /* no isolated nodes here */
    assert_int_equal(copy->arcs, graph->arcs);
    assert_int_equal(copy->loops_dropped + copy->duplicates_dropped, 0);
    for (uint32_t v = 0; v < graph->nodes; v++) {
        assert_int_equal(wom_graph_degree(copy, label[v]), wom_graph_degree(graph, v));
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            assert_true(has_arc(copy, label[v], label[graph->targets[i]]));
        }
    }
    free(label);
    wom_graph_free(copy);
}

static void test_snap_round_trip(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_KARATE);
    wom_graph_t *graph = build(&scenario);
    assert_round_trip(graph);
    wom_graph_free(graph);
    scenario = scenario_of(WOM_NET_BARABASI_ALBERT);
    scenario.network.m = 2;
    scenario.network.directed = true;
    graph = build(&scenario);
    assert_round_trip(graph);
    wom_graph_free(graph);
}

static void test_snap_write_format(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_RING);
    scenario.network.nodes = 4;
    wom_graph_t *graph = build(&scenario);
    char path[64];
    write_temp(path, "");
    FILE *stream = fopen(path, "w+");
    assert_int_equal(wom_graph_write_snap(graph, stream), WOM_OK);
    rewind(stream);
    char text[512] = {0};
    assert_true(fread(text, 1, sizeof text - 1, stream) > 0);
    fclose(stream);
    unlink(path);
    assert_string_equal(text, "# womsim network as a SNAP edge list: one \"from<TAB>to\" per line, "
                              "each undirected edge once\n"
                              "# nodes: 4\n# edges: 4\n# directed: false\n"
                              "# node ids: those of the network file read (a generated "
                              "network's: 0..n-1)\n"
                              "0\t1\n0\t3\n1\t2\n2\t3\n");
    wom_graph_free(graph);
}

/* The graph of network file `path` of `format`. */
static wom_status build_file(const char *path, int format, bool directed, wom_graph_t **graph,
                             wom_error_t *error) {
    wom_scenario_t scenario = scenario_of(WOM_NET_FILE);
    snprintf(scenario.network.file, sizeof scenario.network.file, "%s", path);
    scenario.network.format = format;
    scenario.network.directed = directed;
    return wom_graph_build(&scenario, 0, graph, error);
}

/* What `write` (wom_graph_write_snap or wom_graph_write_graphml) writes
 * of `graph`, in a new string. */
static char *written(const wom_graph_t *graph, wom_status (*write)(const wom_graph_t *, FILE *)) {
    char *text = NULL;
    size_t length = 0;
    FILE *stream = open_memstream(&text, &length);
    assert_non_null(stream);
    assert_int_equal(write(graph, stream), WOM_OK);
    assert_int_equal(fclose(stream), 0);
    return text;
}

/* A SNAP file's ids, sparse and beyond 32 bits, are kept: by the graph in
 * order of first appearance, and in the edge list written, which says so
 * in its header. */
static void test_snap_write_keeps_ids(void **state) {
    (void)state;
    wom_graph_t *graph = read_snap_text("1000 20\n20 30000000000\n30000000000 40\n", false);
    assert_int_equal(graph->nodes, 4);
    assert_non_null(graph->original_ids);
    const uint64_t ids[] = {1000, 20, UINT64_C(30000000000), 40};
    assert_memory_equal(graph->original_ids, ids, sizeof ids);
    char buffer[21];
    assert_string_equal(wom_graph_node_name(graph, 2, buffer), "30000000000");
    assert_true(wom_graph_names_are_ids(graph));
    char *text = written(graph, wom_graph_write_snap);
    assert_non_null(strstr(text, "# node ids: those of the network file read"));
    assert_non_null(strstr(text, "\n1000\t20\n20\t30000000000\n30000000000\t40\n"));
    free(text);
    /* the ids cost 8 bytes a node, counted with the CSR */
    assert_int_equal(wom_graph_bytes(graph), 5 * 8 + 6 * 4 + 4 * 8);
    wom_graph_free(graph);
}

/* GraphML ids that are not integers: the edge list numbers the nodes
 * 0..n-1 in the file's order and lists each one's id, a tab (written in
 * the file as a character reference) as \x09 and a backslash doubled. */
static void test_snap_write_lists_names(void **state) {
    (void)state;
    char path[64];
    write_temp(path, "<graphml><graph edgedefault=\"undirected\">"
                     "<node id=\"alice\"/><node id=\"bob\"/><node id=\"c&#9;d\\e\"/>"
                     "<edge source=\"bob\" target=\"alice\"/>"
                     "<edge source=\"c&#9;d\\e\" target=\"bob\"/></graph></graphml>");
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(build_file(path, WOM_FORMAT_GRAPHML, false, &graph, &error), WOM_OK);
    unlink(path);
    char buffer[21];
    assert_string_equal(wom_graph_node_name(graph, 0, buffer), "alice");
    assert_string_equal(wom_graph_node_name(graph, 2, buffer), "c\td\\e");
    assert_false(wom_graph_names_are_ids(graph));
    char *text = written(graph, wom_graph_write_snap);
    assert_non_null(strstr(text, "# node ids: 0..n-1 in the order of the network file read"));
    assert_non_null(strstr(text, "\n# node 0: alice\n# node 1: bob\n# node 2: c\\x09d\\\\e\n"
                                 "0\t1\n1\t2\n"));
    free(text);
    wom_graph_free(graph);
}

/* A GraphML write, read back: the same CSR (nodes in their order) and the
 * names as node ids, escaped where XML needs it. */
static void assert_graphml_round_trip(const wom_graph_t *graph) {
    char path[64];
    write_temp(path, "");
    FILE *stream = fopen(path, "w");
    assert_non_null(stream);
    assert_int_equal(wom_graph_write_graphml(graph, stream), WOM_OK);
    assert_int_equal(fclose(stream), 0);
    wom_graph_t *copy = NULL;
    wom_error_t error;
    assert_int_equal(build_file(path, WOM_FORMAT_GRAPHML, graph->directed, &copy, &error), WOM_OK);
    unlink(path);
    assert_int_equal(copy->nodes, graph->nodes);
    assert_int_equal(copy->arcs, graph->arcs);
    assert_int_equal(copy->directed, graph->directed);
    assert_memory_equal(copy->offsets, graph->offsets, (graph->nodes + 1) * sizeof *graph->offsets);
    assert_memory_equal(copy->targets, graph->targets, graph->arcs * sizeof *graph->targets);
    for (uint32_t v = 0; v < graph->nodes; v++) {
        char a[21], b[21];
        assert_string_equal(wom_graph_node_name(copy, v, a), wom_graph_node_name(graph, v, b));
    }
    wom_graph_free(copy);
}

static void test_graphml_write_round_trip(void **state) {
    (void)state;
    wom_graph_t *graph = read_snap_text("1000 20\n20 30000000000\n30000000000 40\n40 7\n", false);
    assert_graphml_round_trip(graph);
    wom_graph_free(graph);
    graph = read_snap_text("5 3\n3 9\n9 5\n", true);
    assert_graphml_round_trip(graph);
    wom_graph_free(graph);
    wom_scenario_t scenario = scenario_of(WOM_NET_KARATE);
    graph = build(&scenario); /* no names: nodes 0..33 */
    assert_null(graph->original_ids);
    assert_graphml_round_trip(graph);
    wom_graph_free(graph);
    char path[64];
    write_temp(path, "<graphml><graph edgedefault=\"directed\"><node id=\"a&amp;b\"/>"
                     "<node id=\"&lt;c&gt; &quot;d&quot;\"/><node id=\"e&#10;f\"/>"
                     "<node id=\"p&amp;#38;q\"/>"
                     "<edge source=\"a&amp;b\" target=\"e&#10;f\"/>"
                     "<edge source=\"e&#10;f\" target=\"&lt;c&gt; &quot;d&quot;\"/>"
                     "</graph></graphml>");
    wom_error_t error;
    assert_int_equal(build_file(path, WOM_FORMAT_GRAPHML, true, &graph, &error), WOM_OK);
    unlink(path);
    /* igraph hands on an '&' as "&#38;": undone, also where an id holds "&#38;" */
    assert_string_equal(graph->name_text, "a&b");
    assert_string_equal(graph->name_text + graph->name_starts[1], "<c> \"d\"");
    assert_string_equal(graph->name_text + graph->name_starts[3], "p&#38;q");
    assert_graphml_round_trip(graph);
    char *text = written(graph, wom_graph_write_graphml);
    assert_non_null(strstr(text, "<node id=\"&lt;c&gt; &quot;d&quot;\"/>"));
    assert_non_null(strstr(text, "<edge source=\"a&amp;b\" target=\"e&#10;f\"/>"));
    free(text);
    wom_graph_free(graph);
}

/* GML ids are numbers: kept as names, and, being integers, as the ids of
 * the edge list written. */
static void test_gml_ids_kept(void **state) {
    (void)state;
    char path[64];
    write_temp(path, "graph [ node [ id 900 ] node [ id 5 ] node [ id 12 ]\n"
                     "edge [ source 5 target 900 ] edge [ source 12 target 5 ] ]\n");
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(build_file(path, WOM_FORMAT_GML, false, &graph, &error), WOM_OK);
    unlink(path);
    char buffer[21];
    assert_string_equal(wom_graph_node_name(graph, 0, buffer), "900");
    assert_true(wom_graph_names_are_ids(graph));
    char *text = written(graph, wom_graph_write_snap);
    assert_non_null(strstr(text, "# node ids: those of the network file read"));
    assert_non_null(strstr(text, "\n900\t5\n5\t12\n"));
    free(text);
    /* the names' text ("900", "5", "12", each NUL-ended) and starts */
    assert_int_equal(wom_graph_bytes(graph), 4 * 8 + 4 * 4 + 9 + 4 * 8);
    wom_graph_free(graph);
}

/* ---------------------------------------------------------------------------
 * GraphML and GML */

static void test_graphml(void **state) {
    (void)state;
    wom_graph_t *graph = NULL;
    wom_error_t error;
    const char *path = "tests/data/graphml-fixture.graphml";
    assert_int_equal(build_file(path, WOM_FORMAT_GRAPHML, true, &graph, &error), WOM_OK);
    check_csr(graph);
    assert_true(graph->directed);
    assert_int_equal(graph->nodes, 6);
    assert_int_equal(graph->arcs, 5);
    assert_row(graph, 1, (const uint32_t[]){0, 2}, 2);
    assert_int_equal(wom_graph_degree(graph, 5), 0);
    wom_graph_free(graph);
    /* undirected: the mutual pair n0-n1 becomes one edge */
    assert_int_equal(build_file(path, WOM_FORMAT_GRAPHML, false, &graph, &error), WOM_OK);
    check_csr(graph);
    assert_false(graph->directed);
    assert_int_equal(edge_count(graph), 4);
    assert_int_equal(graph->duplicates_dropped, 1);
    wom_graph_free(graph);
}

static void test_gml(void **state) {
    (void)state;
    wom_graph_t *graph = NULL;
    wom_error_t error;
    /* an undirected file stays undirected even when arcs are asked for */
    assert_int_equal(build_file("tests/data/gml-fixture.gml", WOM_FORMAT_GML, true, &graph, &error),
                     WOM_OK);
    check_csr(graph);
    assert_false(graph->directed);
    assert_int_equal(graph->nodes, 7);
    assert_int_equal(edge_count(graph), 5);
    assert_row(graph, 0, (const uint32_t[]){1, 3}, 2);
    assert_int_equal(wom_graph_degree(graph, 6), 0);
    wom_graph_free(graph);
}

static void test_igraph_file_errors(void **state) {
    (void)state;
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(build_file("tests/data/no-such.gml", WOM_FORMAT_GML, false, &graph, &error),
                     WOM_ENOENT);
    assert_string_equal(error.file, "tests/data/no-such.gml");
    assert_int_equal(
        build_file("tests/data/no-such.graphml", WOM_FORMAT_GRAPHML, false, &graph, &error),
        WOM_ENOENT);
    assert_string_equal(error.file, "tests/data/no-such.graphml");
    char path[64];
    write_temp(path, "graph [ directed 0 node [ id 0 ");
    assert_int_equal(build_file(path, WOM_FORMAT_GML, false, &graph, &error), WOM_EDATA);
    assert_string_equal(error.file, path);
    unlink(path);
    write_temp(path, "<graphml><graph edgedefault=\"undirected\"><node id=\"a\"></graph>");
    assert_int_equal(build_file(path, WOM_FORMAT_GRAPHML, false, &graph, &error), WOM_EDATA);
    unlink(path);
    assert_null(graph);
}

/* ---------------------------------------------------------------------------
 * Memory estimate */

/* ---------------------------------------------------------------------------
 * GAP serialized graphs (.sg) and Matrix Market (.mtx) */

/* `graph` written as .sg to a temporary file, whose path is returned. */
static void write_sg_temp(const wom_graph_t *graph, char path[64]) {
    write_temp(path, "");
    FILE *stream = fopen(path, "wb");
    assert_non_null(stream);
    assert_int_equal(wom_graph_write_sg(graph, stream), WOM_OK);
    assert_int_equal(fclose(stream), 0);
}

static void assert_same_graph(const wom_graph_t *a, const wom_graph_t *b) {
    assert_int_equal(a->nodes, b->nodes);
    assert_int_equal(a->arcs, b->arcs);
    assert_int_equal(a->directed, b->directed);
    assert_int_equal(a->max_degree, b->max_degree);
    assert_memory_equal(a->offsets, b->offsets, (a->nodes + 1) * sizeof *a->offsets);
    assert_memory_equal(a->targets, b->targets, a->arcs * sizeof *a->targets);
}

/* Written and read back, a graph is the same CSR, row for row, undirected
 * and directed (whose in-rows the reader checks against the out-rows). */
static void test_sg_round_trip(void **state) {
    (void)state;
    for (int directed = 0; directed <= 1; directed++) {
        wom_scenario_t scenario = scenario_of(WOM_NET_BARABASI_ALBERT);
        scenario.network.m = 3;
        scenario.network.directed = directed;
        wom_graph_t *graph = build(&scenario), *copy = NULL;
        char path[64];
        write_sg_temp(graph, path);
        wom_error_t error;
        assert_int_equal(build_file(path, WOM_FORMAT_SG, directed, &copy, &error), WOM_OK);
        check_csr(copy);
        assert_same_graph(graph, copy);
        /* the estimate is exact: the CSR, a cursor per node, a directed
         * graph's in-CSR */
        double edges;
        double estimate = wom_graph_estimate_file(path, WOM_FORMAT_SG, &edges);
        assert_float_equal(edges, (double)graph->arcs, 0);
        assert_float_equal(
            estimate,
            (double)(wom_graph_bytes(graph) * (directed ? 2 : 1)) + 8.0 * (graph->nodes + 1), 0);
        unlink(path);
        wom_graph_free(graph);
        wom_graph_free(copy);
    }
}

/* Bytes of a small undirected .sg (the path 0 - 1 - 2) changed one at a
 * time: each change is refused with WOM_EDATA, naming what is wrong. */
static void assert_sg_refused(const uint8_t *bytes, size_t size, const char *words) {
    char path[64];
    write_temp(path, "");
    FILE *stream = fopen(path, "wb");
    assert_int_equal(fwrite(bytes, 1, size, stream), size);
    fclose(stream);
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(build_file(path, WOM_FORMAT_SG, false, &graph, &error), WOM_EDATA);
    assert_null(graph);
    if (strstr(error.message, words) == NULL) {
        fail_msg("'%s' does not say '%s'", error.message, words);
    }
    unlink(path);
}

static void test_sg_errors(void **state) {
    (void)state;
    wom_graph_t *path_graph = read_snap_text("0 1\n1 2\n", false);
    char path[64];
    write_sg_temp(path_graph, path);
    wom_graph_free(path_graph);
    uint8_t good[65], bytes[65];
    FILE *stream = fopen(path, "rb");
    assert_int_equal(fread(good, 1, sizeof good, stream), sizeof good);
    fclose(stream);
    unlink(path);
    wom_graph_t *graph = NULL;
    wom_error_t error;
    memcpy(bytes, good, sizeof bytes);
    assert_sg_refused(bytes, 16, "shorter than the 17-byte header");
    assert_sg_refused(bytes, 64, "is 64 bytes, but its header");
    bytes[0] = 2;
    assert_sg_refused(bytes, sizeof bytes, "not 0 or 1");
    memcpy(bytes, good, sizeof bytes);
    bytes[9] = 0; /* no nodes */
    assert_sg_refused(bytes, sizeof bytes, "node count 0");
    memcpy(bytes, good, sizeof bytes);
    bytes[17] = 1; /* offsets[0] */
    assert_sg_refused(bytes, sizeof bytes, "start at 1");
    memcpy(bytes, good, sizeof bytes);
    bytes[33] = 0; /* offsets[2] = 0 < offsets[1] */
    assert_sg_refused(bytes, sizeof bytes, "out-offset of node 2 is 0");
    memcpy(bytes, good, sizeof bytes);
    bytes[41] = 3; /* offsets[3] = 3, not the 4 arcs */
    assert_sg_refused(bytes, sizeof bytes, "end at 3");
    memcpy(bytes, good, sizeof bytes);
    memset(bytes + 49, 0xff, 4); /* a neighbour of -1 */
    assert_sg_refused(bytes, sizeof bytes, "is -1, not a node id");
    memcpy(bytes, good, sizeof bytes);
    bytes[53] = 2; /* node 1's row 2, 2 */
    assert_sg_refused(bytes, sizeof bytes, "not in ascending order");
    memcpy(bytes, good, sizeof bytes);
    bytes[61] = 0; /* node 2's row says 0: 1 -> 2 has no reverse */
    assert_sg_refused(bytes, sizeof bytes, "has no reverse");
    /* the good bytes are read; as directed they are refused */
    write_temp(path, "");
    stream = fopen(path, "wb");
    assert_int_equal(fwrite(good, 1, sizeof good, stream), sizeof good);
    fclose(stream);
    assert_int_equal(build_file(path, WOM_FORMAT_SG, false, &graph, &error), WOM_OK);
    wom_graph_free(graph);
    assert_int_equal(build_file(path, WOM_FORMAT_SG, true, &graph, &error), WOM_EDATA);
    assert_non_null(strstr(error.message, "holds an undirected graph"));
    unlink(path);
}

/* A directed .sg whose in-rows are not the out-rows' transpose. */
static void test_sg_in_rows_checked(void **state) {
    (void)state;
    wom_graph_t *graph = read_snap_text("0 1\n1 2\n", true), *copy = NULL;
    char path[64];
    write_sg_temp(graph, path);
    wom_graph_free(graph);
    /* header 17, out-offsets 32, out-neighbours 8, in-offsets 32: the first
     * in-neighbour (node 1's, 0) at byte 89 */
    FILE *stream = fopen(path, "r+b");
    assert_int_equal(fseek(stream, 89, SEEK_SET), 0);
    fputc(2, stream);
    fclose(stream);
    wom_error_t error;
    assert_int_equal(build_file(path, WOM_FORMAT_SG, true, &copy, &error), WOM_EDATA);
    assert_non_null(strstr(error.message, "0 -> 1 is missing from the in-neighbours"));
    unlink(path);
}

/* A symmetric pattern matrix: entries are edges between their nodes less
 * one, isolated nodes kept, the diagonal dropped as a self-loop; directed,
 * each entry off the diagonal gives both arcs. The size line's entries are
 * the estimate's. */
static void test_mtx(void **state) {
    (void)state;
    char path[64];
    write_temp(path, "%%MatrixMarket matrix coordinate pattern symmetric\n"
                     "% a comment\n"
                     "%\n"
                     "5 5 4\n"
                     "2 1\n"
                     "3 3\n"
                     "4 1\n"
                     "4 2\n");
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(build_file(path, WOM_FORMAT_MTX, false, &graph, &error), WOM_OK);
    check_csr(graph);
    assert_int_equal(graph->nodes, 5);
    assert_int_equal(edge_count(graph), 3);
    assert_int_equal(graph->loops_dropped, 1);
    assert_row(graph, 0, (const uint32_t[]){1, 3}, 2);
    assert_int_equal(wom_graph_degree(graph, 4), 0);
    wom_graph_free(graph);
    assert_int_equal(build_file(path, WOM_FORMAT_MTX, true, &graph, &error), WOM_OK);
    assert_int_equal(graph->arcs, 6);
    assert_row(graph, 3, (const uint32_t[]){0, 1}, 2);
    wom_graph_free(graph);
    double edges;
    assert_true(wom_graph_estimate_file(path, WOM_FORMAT_MTX, &edges) > 0);
    assert_float_equal(edges, 4, 0);
    unlink(path);
}

/* Each malformed Matrix Market file is refused at its line. */
static void test_mtx_errors(void **state) {
    (void)state;
    static const struct {
        const char *text, *words;
    } cases[] = {
        {"", "the file is empty"},
        {"%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 2 1 0\n", ":1: "},
        {"%%MatrixMarket matrix coordinate pattern hermitian\n2 2 1\n1 2\n",
         "general or symmetric"},
        {"%%MatrixMarket matrix coordinate pattern general\n", "ends before its size line"},
        {"%%MatrixMarket matrix coordinate pattern general\n2 2\n", "the size line"},
        {"%%MatrixMarket matrix coordinate pattern general\n2 2 5\n", "do not fit"},
        {"%%MatrixMarket matrix coordinate pattern symmetric\n2 2 4\n", "do not fit"},
        {"%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 x\n", "column 'x'"},
        {"%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 2 3\n", "found 3 fields"},
        {"%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 2 nan\n", "not a finite"},
        {"%%MatrixMarket matrix coordinate pattern general\n2 2 1\n% late\n", "row '%'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[64];
        write_temp(path, cases[i].text);
        wom_graph_t *graph = NULL;
        wom_error_t error;
        assert_int_equal(build_file(path, WOM_FORMAT_MTX, false, &graph, &error), WOM_EDATA);
        assert_null(graph);
        char said[2200];
        snprintf(said, sizeof said, "%s:%ld: %s", error.file, error.line, error.message);
        if (strstr(said, cases[i].words) == NULL) {
            fail_msg("case %zu: '%s' does not say '%s'", i, said, cases[i].words);
        }
        unlink(path);
    }
}

static void test_too_big(void **state) {
    (void)state;
    wom_scenario_t scenario = er_scenario(false);
    uint64_t estimate = wom_graph_estimate_bytes(&scenario);
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_build(&scenario, 4099, &graph, &error), WOM_ETOOBIG);
    assert_null(graph);
    assert_non_null(strstr(error.message, "--max-mem"));
    assert_non_null(strstr(error.message, "limit of 4.0 KiB"));
    /* at the estimate itself it fits, and the estimate covers the CSR */
    assert_int_equal(wom_graph_build(&scenario, estimate, &graph, &error), WOM_OK);
    wom_graph_stats_t stats;
    assert_int_equal(wom_graph_stats(graph, &stats), WOM_OK);
    assert_true(estimate > stats.bytes);
    assert_true(estimate < 100 * stats.bytes);
    wom_graph_free(graph);
}

/* The estimate of our generators bounds what they hold at their peak,
 * the CSR and (Watts-Strogatz, configuration) the edge array of 8 bytes an
 * edge before the drops, and is not far over it: no copy of igraph's, which
 * took some 48 bytes an edge more. (Undirected: the estimate counts an arc
 * of a directed graph as an undirected edge's two, a bound twice over.) */
static void assert_estimate_bounds(const wom_scenario_t *scenario, bool edge_array) {
    uint64_t estimate = wom_graph_estimate_bytes(scenario);
    wom_graph_t *graph = build(scenario);
    uint64_t edges = edge_count(graph) + graph->loops_dropped + graph->duplicates_dropped;
    uint64_t held = wom_graph_bytes(graph) + (edge_array ? 8 * edges : 0);
    assert_true(estimate >= held);
    assert_true(estimate < 1.5 * held);
    wom_graph_free(graph);
}

static void test_estimate_bounds_our_generators(void **state) {
    (void)state;
    assert_estimate_bounds((wom_scenario_t[]){ws_scenario(20000, 5, 0.5)}, true);
    assert_estimate_bounds((wom_scenario_t[]){configuration_scenario(100000, 2.5)}, true);
    assert_estimate_bounds((wom_scenario_t[]){configuration_scenario(100000, 3.5)}, true);
    assert_estimate_bounds((wom_scenario_t[]){sbm_scenario(false)}, false);
}

static void test_estimate_grows(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_COMPLETE);
    scenario.network.nodes = 1237;
    uint64_t small = wom_graph_estimate_bytes(&scenario);
    scenario.network.nodes = 12370;
    uint64_t large = wom_graph_estimate_bytes(&scenario);
    assert_true(large > 90 * small); /* edges grow with n^2 */
    scenario = scenario_of(WOM_NET_FILE);
    strcpy(scenario.network.file, "tests/data/snap-fixture.txt");
    assert_true(wom_graph_estimate_bytes(&scenario) > 0);
    strcpy(scenario.network.file, "tests/data/no-such-file.txt");
    assert_int_equal(wom_graph_estimate_bytes(&scenario), 0);
}

/* A SNAP file's estimate rests on its data lines, counted before reading:
 * comments (a line of 60000 characters first, then short ones, one
 * indented), blank lines and lines of blanks add nothing, and a last line
 * without its end counts. (A sample of the first 64 KiB took the long
 * comment for the mean line and estimated a few edges.) */
static void test_estimate_file_counts_data_lines(void **state) {
    (void)state;
    size_t size = 200000;
    char *edges = malloc(size), *commented = malloc(size + 70000);
    size_t at = 0;
    for (int i = 0; i < 999; i++) {
        at += (size_t)snprintf(edges + at, size - at, "%d\t%d\n", i, i + 1);
    }
    snprintf(edges + at, size - at, "999 0");
    at = (size_t)snprintf(commented, 3, "# ");
    memset(commented + at, 'c', 60000);
    at += 60000;
    at += (size_t)snprintf(commented + at, 100, "\n# nodes: 1000\n\n  \t \n   # indented\n");
    snprintf(commented + at, size, "%s", edges);
    char plain_path[64], commented_path[64];
    write_temp(plain_path, edges);
    write_temp(commented_path, commented);
    double plain_edges, commented_edges;
    double plain = wom_graph_estimate_file(plain_path, WOM_FORMAT_SNAP, &plain_edges);
    double with_comments =
        wom_graph_estimate_file(commented_path, WOM_FORMAT_SNAP, &commented_edges);
    assert_float_equal(plain_edges, 1000, 0);
    assert_float_equal(commented_edges, 1000, 0);
    assert_float_equal(with_comments, plain, 0);
    assert_true(plain >= 1000 * 8); /* at least the reader's edge array */
    unlink(plain_path);
    unlink(commented_path);
    free(edges);
    free(commented);
}

/* A file's estimate covers the graph it makes with its nodes' names, and
 * a SNAP file's the reader's edge array too: a path over sparse ids (a new
 * node an edge, the most a data line brings) and a GraphML path whose ids
 * are long. */
static void test_estimate_file_covers_names(void **state) {
    (void)state;
    size_t size = 200000;
    char *text = malloc(size);
    size_t at = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        at += (size_t)snprintf(text + at, size - at, "%" PRIu64 " %" PRIu64 "\n",
                               i * UINT64_C(1000000007), (i + 1) * UINT64_C(1000000007));
    }
    char path[64];
    write_temp(path, text);
    double edges;
    double estimate = wom_graph_estimate_file(path, WOM_FORMAT_SNAP, &edges);
    wom_graph_t *graph = read_snap_text(text, false);
    assert_true(estimate >= (double)(wom_graph_bytes(graph) + 8 * 1000));
    wom_graph_free(graph);
    unlink(path);
    at = (size_t)snprintf(text, size, "<graphml><graph edgedefault=\"undirected\">");
    for (int i = 0; i < 1000; i++) {
        at += (size_t)snprintf(text + at, size - at,
                               "<node id=\"a rather long name for node %d\"/>", i);
    }
    for (int i = 0; i < 999; i++) {
        at += (size_t)snprintf(text + at, size - at,
                               "<edge source=\"a rather long name for node %d\" "
                               "target=\"a rather long name for node %d\"/>",
                               i, i + 1);
    }
    snprintf(text + at, size - at, "</graph></graphml>");
    write_temp(path, text);
    estimate = wom_graph_estimate_file(path, WOM_FORMAT_GRAPHML, &edges);
    wom_error_t error;
    assert_int_equal(build_file(path, WOM_FORMAT_GRAPHML, false, &graph, &error), WOM_OK);
    assert_true(wom_graph_bytes(graph) > 1000 * 30); /* the names counted */
    assert_true(estimate >= (double)wom_graph_bytes(graph) + 8 * 999);
    wom_graph_free(graph);
    unlink(path);
    free(text);
}

/* ---------------------------------------------------------------------------
 * Statistics */

static void test_stats_karate(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_KARATE);
    wom_graph_t *graph = build(&scenario);
    wom_graph_stats_t stats;
    assert_int_equal(wom_graph_stats(graph, &stats), WOM_OK);
    assert_int_equal(stats.nodes, 34);
    assert_int_equal(stats.edges, 78);
    assert_int_equal(stats.max_degree, 17);
    assert_float_equal(stats.mean_degree, 156.0 / 34, 1e-12);
    assert_int_equal(stats.components, 1);
    assert_float_equal(stats.giant_share, 1.0, 1e-12);
    assert_float_equal(stats.clustering, 0.2556818181818182, 1e-9);
    /* sorted degrees: one 1, eleven 2s, six 3s, six 4s, three 5s, ... */
    assert_float_equal(stats.degree_quartiles[0], 2, 1e-12);
    assert_float_equal(stats.degree_quartiles[1], 3, 1e-12);
    assert_float_equal(stats.degree_quartiles[2], 5, 1e-12);
    assert_int_equal(stats.bytes, 35 * 8 + 156 * 4); /* no segments: not an SBM */
    wom_graph_free(graph);
}

static void test_stats_two_triangles(void **state) {
    (void)state;
    wom_graph_t *graph = read_snap_text("1 2\n2 3\n3 1\n4 5\n5 6\n6 4\n", false);
    wom_graph_stats_t stats;
    assert_int_equal(wom_graph_stats(graph, &stats), WOM_OK);
    assert_int_equal(stats.components, 2);
    assert_float_equal(stats.giant_share, 0.5, 1e-12);
    assert_float_equal(stats.clustering, 1.0, 1e-12);
    assert_float_equal(stats.degree_quartiles[1], 2, 1e-12);
    wom_graph_free(graph);
}

/* Degrees {3, 3, 2, 2, 1, 1}, no triangle: the quartiles interpolate
 * (h = 5 q: 1.25, 2.5, 3.75 -> 1.25, 2, 2.75). */
static void test_stats_quartiles(void **state) {
    (void)state;
    wom_graph_t *graph = read_snap_text("0 1\n0 2\n0 4\n1 3\n1 5\n2 3\n", false);
    wom_graph_stats_t stats;
    assert_int_equal(wom_graph_stats(graph, &stats), WOM_OK);
    assert_float_equal(stats.degree_quartiles[0], 1.25, 1e-12);
    assert_float_equal(stats.degree_quartiles[1], 2.0, 1e-12);
    assert_float_equal(stats.degree_quartiles[2], 2.75, 1e-12);
    assert_float_equal(stats.clustering, 0.0, 1e-12);
    assert_int_equal(stats.components, 1);
    wom_graph_free(graph);
}

/* A directed graph's view is undirected and simple: a mutual pair is one
 * edge, so the triangle 0 -> 1 -> 2 -> 0 plus 1 -> 0 has clustering 1. */
static void test_stats_directed(void **state) {
    (void)state;
    wom_graph_t *graph = read_snap_text("0 1\n1 2\n2 0\n1 0\n7 8\n", true);
    wom_graph_stats_t stats;
    assert_int_equal(wom_graph_stats(graph, &stats), WOM_OK);
    assert_int_equal(stats.edges, 5);
    assert_float_equal(stats.mean_degree, 1.0, 1e-12);
    assert_float_equal(stats.clustering, 1.0, 1e-12);
    assert_int_equal(stats.components, 2);
    assert_float_equal(stats.giant_share, 0.6, 1e-12);
    wom_graph_free(graph);
}

static void test_free_null(void **state) {
    (void)state;
    wom_graph_free(NULL);
}

/* ---------------------------------------------------------------------------
 * The layout of the pictures (graph_layout.c) */

/* The karate club's layout: inside the unit square, filling it along one
 * axis; each edge once (u < v, an edge of the graph); the same bytes with
 * igraph's generator seeded otherwise (it draws nothing from it); and
 * friends drawn closer than the average pair (what a force-directed
 * layout is for: their mean distance is 0.46 of the pairs' here, about 1
 * for a layout blind to the edges; 0.75 leaves room for igraph's
 * versions). */
static void test_layout_karate(void **state) {
    (void)state;
    wom_scenario_t scenario = scenario_of(WOM_NET_KARATE);
    wom_graph_t *graph = build(&scenario);
    double xy[68], again[68];
    uint32_t *edges = NULL, *edges_again = NULL;
    uint64_t count = 0, count_again = 0;
    igraph_rng_seed(igraph_rng_default(), 1);
    assert_int_equal(wom_graph_layout(graph, xy, &edges, &count), WOM_OK);
    igraph_rng_seed(igraph_rng_default(), 99);
    assert_int_equal(wom_graph_layout(graph, again, &edges_again, &count_again), WOM_OK);
    assert_memory_equal(xy, again, sizeof xy);
    assert_int_equal(count, 78);
    assert_int_equal(count_again, 78);
    assert_memory_equal(edges, edges_again, 2 * 78 * sizeof *edges);
    double low = 1, high = 0, friends = 0, pairs = 0;
    for (int i = 0; i < 68; i++) {
        assert_true(xy[i] >= 0 && xy[i] <= 1);
        low = xy[i] < low ? xy[i] : low;
        high = xy[i] > high ? xy[i] : high;
    }
    assert_float_equal(low, 0, 1e-12);
    assert_float_equal(high, 1, 1e-12);
    for (uint64_t e = 0; e < count; e++) {
        uint32_t u = edges[2 * e], v = edges[2 * e + 1];
        assert_true(u < v);
        assert_true(has_arc(graph, u, v));
        friends += hypot(xy[2 * u] - xy[2 * v], xy[2 * u + 1] - xy[2 * v + 1]) / 78;
    }
    for (uint32_t u = 0; u < 34; u++) {
        for (uint32_t v = u + 1; v < 34; v++) {
            pairs += hypot(xy[2 * u] - xy[2 * v], xy[2 * u + 1] - xy[2 * v + 1]) / (34 * 33 / 2);
        }
    }
    assert_true(friends < 0.75 * pairs);
    free(edges);
    free(edges_again);
    wom_graph_free(graph);
}

/* A directed graph's mutual arcs are one line; a lone arc is one too. */
static void test_layout_directed(void **state) {
    (void)state;
    wom_graph_t *graph = read_snap_text("1 2\n2 1\n3 2\n", true);
    double xy[6];
    uint32_t *edges = NULL;
    uint64_t count = 0;
    assert_int_equal(wom_graph_layout(graph, xy, &edges, &count), WOM_OK);
    assert_int_equal(count, 2);
    free(edges);
    wom_graph_free(graph);
}

int main(void) {
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erdos_renyi_undirected),
        cmocka_unit_test(test_erdos_renyi_directed),
        cmocka_unit_test(test_erdos_renyi_seeded),
        cmocka_unit_test(test_erdos_renyi_same_for_any_threads),
        cmocka_unit_test(test_erdos_renyi_complete_and_empty),
        cmocka_unit_test(test_barabasi_albert),
        cmocka_unit_test(test_barabasi_albert_prefers_the_connected),
        cmocka_unit_test(test_barabasi_albert_is_the_definition_for_any_threads),
        cmocka_unit_test(test_csr_builder_same_for_any_threads),
        cmocka_unit_test(test_barabasi_albert_directed),
        cmocka_unit_test(test_watts_strogatz_lattice),
        cmocka_unit_test(test_watts_strogatz_rewired),
        cmocka_unit_test(test_watts_strogatz_same_for_any_threads),
        cmocka_unit_test(test_watts_strogatz_seeded),
        cmocka_unit_test(test_sbm),
        cmocka_unit_test(test_sbm_same_for_any_threads),
        cmocka_unit_test(test_sbm_seeded),
        cmocka_unit_test(test_sbm_of_equal_probabilities_is_erdos_renyi),
        cmocka_unit_test(test_igraph_rng_untouched),
        cmocka_unit_test(test_ring),
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_karate),
        cmocka_unit_test(test_configuration),
        cmocka_unit_test(test_configuration_same_for_any_threads),
        cmocka_unit_test(test_configuration_seeded),
        cmocka_unit_test(test_bad_nodes),
        cmocka_unit_test(test_bad_probabilities),
        cmocka_unit_test(test_draws_of_every_random_model),
        cmocka_unit_test(test_draws_refused),
        cmocka_unit_test(test_snap_fixture_undirected),
        cmocka_unit_test(test_snap_fixture_directed),
        cmocka_unit_test(test_snap_crlf_and_last_line),
        cmocka_unit_test(test_snap_errors),
        cmocka_unit_test(test_snap_nul_and_long_line),
        cmocka_unit_test(test_snap_from_pipe),
        cmocka_unit_test(test_snap_folder),
        cmocka_unit_test(test_snap_missing),
        cmocka_unit_test(test_snap_round_trip),
        cmocka_unit_test(test_snap_write_format),
        cmocka_unit_test(test_snap_write_keeps_ids),
        cmocka_unit_test(test_snap_write_lists_names),
        cmocka_unit_test(test_graphml_write_round_trip),
        cmocka_unit_test(test_gml_ids_kept),
        cmocka_unit_test(test_graphml),
        cmocka_unit_test(test_gml),
        cmocka_unit_test(test_igraph_file_errors),
        cmocka_unit_test(test_sg_round_trip),
        cmocka_unit_test(test_sg_errors),
        cmocka_unit_test(test_sg_in_rows_checked),
        cmocka_unit_test(test_mtx),
        cmocka_unit_test(test_mtx_errors),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_estimate_grows),
        cmocka_unit_test(test_estimate_file_counts_data_lines),
        cmocka_unit_test(test_estimate_file_covers_names),
        cmocka_unit_test(test_estimate_bounds_our_generators),
        cmocka_unit_test(test_stats_karate),
        cmocka_unit_test(test_stats_two_triangles),
        cmocka_unit_test(test_stats_quartiles),
        cmocka_unit_test(test_stats_directed),
        cmocka_unit_test(test_layout_karate),
        cmocka_unit_test(test_layout_directed),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
