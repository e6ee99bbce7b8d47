/* test_classic.c: the classic kinds ic, sir and bass. Invariants of
 * every row; the fast two-pass kernels against naive serial ones (same keyed
 * draws, textbook loops) on small graphs, undirected and directed; rows
 * byte-identical for 1, 2 and 3 threads; and the checks against theory:
 * ic and sir final shares on Erdos-Renyi graphs of 100,000 nodes against
 * the root of S = 1 - (1 - rho) exp(-c T S), ic below threshold, Bass on a
 * complete graph against its mean-field recursion, degree-0 nodes adopting
 * at p, and sir with gamma = 1 against ic with p = beta by a two-sample
 * test, with a control that the test can fail.
 * Workload: about 1 s of CPU, most of it building two 100,000-node graphs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_errno.h>

#include "test_util.h"
#include "rng.h"
#include "womsim/womsim.h"

/* A node's state in the naive kernels, in the order of the counters
 * (WOM_M_SUSCEPTIBLE + state); bass counts ACTIVE as adopted. */
enum { SUSCEPTIBLE, ACTIVE, REMOVED };

/* ---- graphs and runs ---- */

/* An Erdos-Renyi graph built the way a run builds it. */
static wom_graph_t *erdos_renyi(uint32_t nodes, double mean_degree, uint64_t seed) {
    wom_scenario_t s = default_scenario();
    s.network.model = WOM_NET_ERDOS_RENYI;
    s.network.nodes = nodes;
    s.network.mean_degree = mean_degree;
    s.simulation.seed = seed;
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_build(&s, 0, &graph, &error), WOM_OK);
    return graph;
}

/* Rows start empty; fill_row adds a node's arcs in ascending order. */
static wom_graph_t *graph_alloc(uint32_t nodes, uint64_t max_arcs, bool directed) {
    wom_graph_t *graph = calloc(1, sizeof *graph);
    graph->nodes = nodes;
    graph->directed = directed;
    graph->offsets = calloc(nodes + 1, sizeof(uint64_t));
    graph->targets = malloc((max_arcs + 1) * sizeof(uint32_t));
    graph->segment = calloc(nodes + 1, 1);
    return graph;
}

static void end_row(wom_graph_t *graph, uint32_t v) {
    graph->offsets[v + 1] = graph->arcs;
    uint32_t degree = wom_graph_degree(graph, v);
    graph->max_degree = degree > graph->max_degree ? degree : graph->max_degree;
}

static wom_graph_t *complete_graph(uint32_t nodes) {
    wom_graph_t *graph = graph_alloc(nodes, (uint64_t)nodes * (nodes - 1), false);
    for (uint32_t v = 0; v < nodes; v++) {
        for (uint32_t u = 0; u < nodes; u++) {
            if (u != v) {
                graph->targets[graph->arcs++] = u;
            }
        }
        end_row(graph, v);
    }
    return graph;
}

/* A directed graph: node v points to each u != v with probability about
 * degree / nodes, from a fixed xorshift sequence; some nodes get no arcs in
 * or out. */
static wom_graph_t *random_directed(uint32_t nodes, uint32_t degree) {
    wom_graph_t *graph = graph_alloc(nodes, (uint64_t)nodes * nodes, true);
    uint64_t x = 0x385385385ULL;
    for (uint32_t v = 0; v < nodes; v++) {
        for (uint32_t u = 0; u < nodes; u++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if (u != v && x % nodes < degree) {
                graph->targets[graph->arcs++] = u;
            }
        }
        end_row(graph, v);
    }
    return graph;
}

/* Nodes ever active (ic), ever infected (sir) or adopted (bass). */
static int64_t reached(const wom_scenario_t *scenario, const wom_metrics_row_t *row) {
    if (scenario->model.kind == WOM_KIND_BASS) {
        return row->count[WOM_M_ADOPTERS];
    }
    return row->count[WOM_M_ACTIVE] + row->count[WOM_M_REMOVED];
}

/* Final shares of tasks first_task.., into shares[0..count); asserts that
 * each cascade is over by the last step. */
static void final_shares(const wom_scenario_t *scenario, const wom_graph_t *graph,
                         uint32_t first_task, uint32_t count, uint32_t steps, double *shares) {
    for (uint32_t r = 0; r < count; r++) {
        wom_metrics_row_t *rows = simulate(scenario, graph, 1, first_task + r, steps);
        if (scenario->model.kind != WOM_KIND_BASS) {
            assert_int_equal(rows[steps].count[WOM_M_ACTIVE], 0);
        }
        shares[r] = (double)reached(scenario, &rows[steps]) / graph->nodes;
        free(rows);
    }
}

static wom_scenario_t cascade_scenario(int kind, double p_or_beta, double gamma, int64_t seeds) {
    wom_scenario_t s = default_scenario();
    s.model.kind = kind;
    s.simulation.seed = 385;
    s.ic.p = s.sir.beta = p_or_beta;
    s.sir.gamma = gamma;
    s.ic.seeds = s.sir.seeds = seeds;
    return s;
}

static wom_scenario_t bass_scenario(double p, double q) {
    wom_scenario_t s = default_scenario();
    s.model.kind = WOM_KIND_BASS;
    s.simulation.seed = 385;
    s.bass.p = p;
    s.bass.q = q;
    s.bass.period = 1; /* p and q per step */
    return s;
}

/* ---- naive serial kernels: the rules of kind_cascade.c and kind_bass.c, read literally ---- */

static wom_rng_stream_t naive_stream(const wom_scenario_t *s, uint32_t task, uint32_t step,
                                     uint32_t node, uint32_t site) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){s->simulation.seed, task, step, node, site});
    return stream;
}

static int by_value_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

__extension__ typedef unsigned __int128 wide_t; /* exact 96-bit products */

/* The seeds: Floyd's uniform subset, read literally: for j = n - count ..
 * n - 1, a uniform t in [0, j] (two words: floor(W (j + 1) / 2^64) of the
 * 64-bit word W), or j if t is already a seed. */
static void naive_seed(const wom_scenario_t *s, uint32_t task, uint32_t nodes, int64_t count,
                       uint32_t site, uint8_t *state) {
    wom_rng_stream_t stream = naive_stream(s, task, 0, 0, site);
    uint32_t first = count < nodes ? nodes - (uint32_t)count : 0;
    for (uint32_t j = first; j < nodes; j++) {
        uint64_t high = wom_rng_stream_next(&stream), low = wom_rng_stream_next(&stream);
        uint64_t word = high << 32 | low;
        uint32_t t = (uint32_t)(((wide_t)word * (j + 1)) >> 64);
        state[state[t] == ACTIVE ? j : t] = ACTIVE;
    }
}

/* Try k of node v: byte k % 4 of its k / 4-th word after the recovery
 * word, read as the top 8 bits of a 32-bit word whose low 24 bits come,
 * when needed, from word 0 of block k of the tie stream; it succeeds when
 * that word is below the threshold. */
static bool naive_try(const wom_scenario_t *s, uint32_t task, uint32_t step, uint32_t v, uint64_t k,
                      uint32_t word, uint64_t threshold) {
    uint32_t byte = word >> (8 * (k % 4)) & 0xFF;
    wom_rng_stream_t tie = naive_stream(s, task, step, v, WOM_SITE_CASCADE_TIE);
    tie.counter.v[3] = (uint32_t)k;
    uint32_t low = wom_rng_stream_next(&tie) >> 8;
    return ((uint64_t)byte << 24 | low) < threshold;
}

/* One cascade step: every node infected at the start tries each neighbour
 * (sir: a recovery word first) and infects those susceptible at the start
 * whose try succeeds, then maybe recovers. */
static void naive_cascade_step(const wom_scenario_t *s, const wom_graph_t *g, uint32_t task,
                               uint32_t step, const uint8_t *start, uint8_t *state) {
    bool ic = s->model.kind == WOM_KIND_IC;
    uint64_t infect = wom_rng_threshold(ic ? s->ic.p : s->sir.beta);
    uint64_t recover = wom_rng_threshold(ic ? 1 : s->sir.gamma);
    for (uint32_t v = 0; v < g->nodes; v++) {
        if (start[v] != ACTIVE) {
            continue;
        }
        wom_rng_stream_t stream =
            naive_stream(s, task, step, v, ic ? WOM_SITE_IC_STEP : WOM_SITE_SIR_STEP);
        bool recovers = ic || wom_rng_stream_next(&stream) < recover; /* ic draws no word */
        uint32_t word = 0;
        for (uint64_t a = g->offsets[v]; a < g->offsets[v + 1]; a++) {
            uint32_t u = g->targets[a];
            uint64_t k = a - g->offsets[v];
            word = k % 4 == 0 ? wom_rng_stream_next(&stream) : word; /* tried for every arc */
            if (naive_try(s, task, step, v, k, word, infect) && start[u] == SUSCEPTIBLE) {
                state[u] = ACTIVE;
            }
        }
        if (recovers) {
            state[v] = REMOVED;
        }
    }
}

/* One Bass step: adopting in-neighbours counted over every arc. */
static void naive_bass_step(const wom_scenario_t *s, const wom_graph_t *g, uint32_t task,
                            uint32_t step, const uint8_t *start, uint8_t *state) {
    uint32_t *adopting = calloc(g->nodes, sizeof *adopting);
    uint32_t *degree = calloc(g->nodes, sizeof *degree);
    for (uint32_t w = 0; w < g->nodes; w++) {
        for (uint64_t a = g->offsets[w]; a < g->offsets[w + 1]; a++) {
            degree[g->targets[a]]++;
            adopting[g->targets[a]] += start[w] == ACTIVE;
        }
    }
    for (uint32_t v = 0; v < g->nodes; v++) {
        double rate = s->bass.p;
        if (degree[v] > 0) {
            rate += s->bass.q * adopting[v] / degree[v];
        }
        double probability = 1 - exp(-rate / (double)s->bass.period);
        wom_rng_stream_t stream = naive_stream(s, task, step, v, WOM_SITE_BASS_STEP);
        if (start[v] == SUSCEPTIBLE &&
            wom_rng_stream_next(&stream) < wom_rng_threshold(probability)) {
            state[v] = ACTIVE;
        }
    }
    free(adopting);
    free(degree);
}

static void naive_count(const wom_scenario_t *s, const uint8_t *state, uint32_t nodes,
                        wom_metrics_row_t *row) {
    memset(row, 0, sizeof *row);
    for (uint32_t v = 0; v < nodes; v++) {
        if (s->model.kind == WOM_KIND_BASS) {
            row->count[WOM_M_ADOPTERS] += state[v] == ACTIVE;
        } else {
            row->count[WOM_M_SUSCEPTIBLE + state[v]]++;
        }
    }
}

static wom_metrics_row_t *naive_simulate(const wom_scenario_t *s, const wom_graph_t *g,
                                         uint32_t task, uint32_t steps) {
    uint8_t *state = calloc(g->nodes, 1), *start = malloc(g->nodes);
    wom_metrics_row_t *rows = calloc(steps + 1, sizeof *rows);
    if (s->model.kind == WOM_KIND_IC) {
        naive_seed(s, task, g->nodes, s->ic.seeds, WOM_SITE_IC_SEEDS, state);
    } else if (s->model.kind == WOM_KIND_SIR) {
        naive_seed(s, task, g->nodes, s->sir.seeds, WOM_SITE_SIR_SEEDS, state);
    }
    naive_count(s, state, g->nodes, &rows[0]);
    for (uint32_t t = 1; t <= steps; t++) {
        memcpy(start, state, g->nodes);
        if (s->model.kind == WOM_KIND_BASS) {
            naive_bass_step(s, g, task, t, start, state);
        } else {
            naive_cascade_step(s, g, task, t, start, state);
        }
        naive_count(s, state, g->nodes, &rows[t]);
    }
    free(state);
    free(start);
    return rows;
}

/* ---- invariants ---- */

static void cascade_rows_keep_their_invariants(void **state) {
    (void)state;
    wom_graph_t *graph = erdos_renyi(3000, 6, 11);
    const uint32_t steps = 60, n = graph->nodes;
    const wom_scenario_t kinds[] = {cascade_scenario(WOM_KIND_IC, 0.285, 1, 7),
                                    cascade_scenario(WOM_KIND_SIR, 0.135, 0.385, 7)};
    for (size_t k = 0; k < 2; k++) {
        wom_metrics_row_t *rows = simulate(&kinds[k], graph, 1, 3, steps);
        assert_int_equal(rows[0].count[WOM_M_ACTIVE], 7);
        assert_int_equal(rows[0].count[WOM_M_REMOVED], 0);
        for (uint32_t t = 0; t <= steps; t++) {
            const int64_t *c = rows[t].count;
            assert_int_equal(c[WOM_M_SUSCEPTIBLE] + c[WOM_M_ACTIVE] + c[WOM_M_REMOVED], n);
            if (t == 0) {
                continue;
            }
            const int64_t *before = rows[t - 1].count;
            assert_true(c[WOM_M_SUSCEPTIBLE] <= before[WOM_M_SUSCEPTIBLE]);
            assert_true(c[WOM_M_REMOVED] >= before[WOM_M_REMOVED]);
            if (k == 0) { /* ic: each step's active nodes are removed the next step */
                assert_int_equal(c[WOM_M_REMOVED], before[WOM_M_REMOVED] + before[WOM_M_ACTIVE]);
            }
        }
        assert_true(rows[steps].count[WOM_M_REMOVED] > n / 4); /* both are above threshold */
        free(rows);
    }
    wom_graph_free(graph);
}

static void bass_adopters_never_fall(void **state) {
    (void)state;
    wom_graph_t *graph = random_directed(400, 9);
    wom_scenario_t s = bass_scenario(0.0185, 0.415);
    wom_metrics_row_t *rows = simulate(&s, graph, 1, 5, 80);
    assert_int_equal(rows[0].count[WOM_M_ADOPTERS], 0);
    for (uint32_t t = 1; t <= 80; t++) {
        assert_true(rows[t].count[WOM_M_ADOPTERS] >= rows[t - 1].count[WOM_M_ADOPTERS]);
    }
    assert_int_equal(rows[80].count[WOM_M_ADOPTERS], 400);
    free(rows);
    wom_graph_free(graph);
}

/* p = 0 spreads nothing; more seeds than nodes seeds everyone. */
static void cascade_edge_cases(void **state) {
    (void)state;
    wom_graph_t *graph = erdos_renyi(500, 4, 12);
    wom_scenario_t s = cascade_scenario(WOM_KIND_IC, 0, 1, 13);
    wom_metrics_row_t *rows = simulate(&s, graph, 1, 0, 5);
    assert_int_equal(rows[1].count[WOM_M_ACTIVE], 0);
    assert_int_equal(rows[5].count[WOM_M_REMOVED], 13);
    free(rows);
    s = cascade_scenario(WOM_KIND_SIR, 0.5, 0.5, 900);
    rows = simulate(&s, graph, 1, 0, 1);
    assert_int_equal(rows[0].count[WOM_M_ACTIVE], 500);
    assert_int_equal(rows[1].count[WOM_M_SUSCEPTIBLE], 0);
    free(rows);
    wom_graph_free(graph);
}

/* ---- the fast kernels against the naive ones, and across threads ---- */

static void assert_rows_equal(const wom_metrics_row_t *a, const wom_metrics_row_t *b,
                              uint32_t steps) {
    for (uint32_t t = 0; t <= steps; t++) {
        if (memcmp(&a[t], &b[t], sizeof a[t]) != 0) {
            fail_msg("rows differ at step %u", t);
        }
    }
}

static void kernels_match_naive_serial_ones(void **state) {
    (void)state;
    wom_graph_t *graphs[] = {erdos_renyi(700, 5, 13), random_directed(300, 6)};
    const wom_scenario_t kinds[] = {cascade_scenario(WOM_KIND_IC, 0.385, 1, 3),
                                    cascade_scenario(WOM_KIND_SIR, 0.215, 0.385, 3),
                                    bass_scenario(0.0137, 0.485)};
    const uint32_t steps = 40;
    for (size_t g = 0; g < 2; g++) {
        for (size_t k = 0; k < 3; k++) {
            for (uint32_t task = 0; task < 3; task++) {
                wom_metrics_row_t *fast = simulate(&kinds[k], graphs[g], 1, task, steps);
                wom_metrics_row_t *naive = naive_simulate(&kinds[k], graphs[g], task, steps);
                assert_rows_equal(fast, naive, steps);
                assert_true(reached(&kinds[k], &fast[steps]) > 20); /* something happened */
                free(fast);
                free(naive);
            }
        }
        wom_graph_free(graphs[g]);
    }
}

static void rows_do_not_depend_on_threads(void **state) {
    (void)state;
    wom_graph_t *graphs[] = {erdos_renyi(20000, 8, 14), random_directed(1500, 10)};
    const wom_scenario_t kinds[] = {cascade_scenario(WOM_KIND_IC, 0.185, 1, 20),
                                    cascade_scenario(WOM_KIND_SIR, 0.115, 0.385, 20),
                                    bass_scenario(0.0137, 0.485)};
    const uint32_t steps = 50;
    for (size_t g = 0; g < 2; g++) {
        for (size_t k = 0; k < 3; k++) {
            wom_metrics_row_t *one = simulate(&kinds[k], graphs[g], 1, 4, steps);
            for (int threads = 2; threads <= 3; threads++) {
                wom_metrics_row_t *more = simulate(&kinds[k], graphs[g], threads, 4, steps);
                assert_rows_equal(one, more, steps);
                free(more);
            }
            free(one);
        }
        wom_graph_free(graphs[g]);
    }
}

/* A cascade whose frontier passes PARALLEL_FROM (4,096 nodes) is split
 * over threads: each owns a range of the nodes and sends successes on
 * others' nodes to their buckets (2 n / threads^2 nodes each), in rounds
 * when a bucket fills up. With p = 0.9 on mean degree 10 a frontier of
 * 0.4 n nodes makes about 3.6 n successes in one step, spread evenly over
 * threads^2 buckets: about 1.8 times a bucket, so every thread count here
 * needs several rounds. The rows match one thread's and the naive kernel's
 * (sir: nodes that stay infected stay in their owner's frontier). */
static void split_cascades_match_one_thread(void **state) {
    (void)state;
    enum { NODES = 20000 };
    wom_graph_t *graph = erdos_renyi(NODES, 10, 15);
    const wom_scenario_t kinds[] = {cascade_scenario(WOM_KIND_IC, 0.9, 1, 5),
                                    cascade_scenario(WOM_KIND_SIR, 0.9, 0.5, 5)};
    const uint32_t steps = 30;
    for (size_t k = 0; k < 2; k++) {
        wom_metrics_row_t *naive = naive_simulate(&kinds[k], graph, 2, steps);
        int64_t widest = 0;
        for (uint32_t t = 0; t <= steps; t++) {
            widest = naive[t].count[WOM_M_ACTIVE] > widest ? naive[t].count[WOM_M_ACTIVE] : widest;
        }
        assert_true(widest >= 2 * NODES / 5); /* the premise: rounds are needed */
        for (int threads = 1; threads <= 5; threads += 2) {
            wom_metrics_row_t *fast = simulate(&kinds[k], graph, threads, 2, steps);
            assert_rows_equal(fast, naive, steps);
            free(fast);
        }
        free(naive);
    }
    wom_graph_free(graph);
}

/* ---- against theory ---- */

/* Mean final share over `replications` tasks against the root for the
 * graph's actual mean degree c and the seeded share rho. With 50 seeds a
 * cascade above threshold cannot die out early: each seed's branch dies
 * with probability 1 - S (<= 0.27 here), all 50 with < 1e-28, so every run
 * is a large outbreak and no run needs to be discarded. The seeds add
 * about rho (1 - S) / (1 - c T (1 - S)) < 0.0003 to the share, which the
 * seeded root includes. Across runs the share's sd is about 0.002 (from
 * sqrt(S (1 - S) / n) amplified by the cascade), so the mean of 3 runs is
 * within 0.01 by a wide margin; the root's own error on a finite graph is
 * O(1/n). */
static void expect_root(const wom_scenario_t *s, const wom_graph_t *graph, double tolerance) {
    enum { REPLICATIONS = 3 };
    double shares[REPLICATIONS];
    final_shares(s, graph, 0, REPLICATIONS, 120, shares);
    wom_analytic_t a;
    assert_int_equal(wom_analytic_compute(s, graph, &a), WOM_OK);
    assert_true(a.has_final_share);
    assert_near(gsl_stats_mean(shares, 1, REPLICATIONS), a.final_share, tolerance);
    assert_near(a.threshold * a.mean_degree, 1, 0.01); /* Erdos-Renyi: T_c = 1/c */
}

static void ic_and_sir_reach_the_root_on_erdos_renyi(void **state) {
    (void)state;
    wom_graph_t *dense = erdos_renyi(100000, 10, 15);
    wom_graph_t *sparse = erdos_renyi(100000, 6, 16);
    wom_scenario_t s = cascade_scenario(WOM_KIND_IC, 0.2, 1, 50); /* c T = 2, S = 0.797 */
    s.network.model = WOM_NET_ERDOS_RENYI;
    expect_root(&s, dense, 0.01);
    s.ic.p = 0.3; /* c T = 1.8, S = 0.732 */
    expect_root(&s, sparse, 0.01);
    /* sir: T = 0.2 / (0.2 + 0.5 - 0.1) = 1/3, c T = 2 */
    wom_scenario_t sir = cascade_scenario(WOM_KIND_SIR, 0.2, 0.5, 50);
    sir.network.model = WOM_NET_ERDOS_RENYI;
    expect_root(&sir, sparse, 0.01);
    /* Below threshold (c T = 0.5) with 10 seeds each seed's cascade
     * totals 1 / (1 - c T) = 2 nodes on average: the share stays near
     * rho / (1 - c T) = 0.0002. Over 3 runs (30 cascades, each of sd 2
     * nodes) the mean's sd is about 4e-5; allow 1.5e-4. */
    s.ic.p = 0.05;
    s.ic.seeds = 10;
    double shares[3];
    final_shares(&s, dense, 0, 3, 120, shares);
    for (int r = 0; r < 3; r++) {
        assert_true(shares[r] < 0.01);
    }
    wom_analytic_t a;
    assert_int_equal(wom_analytic_compute(&s, dense, &a), WOM_OK);
    assert_near(gsl_stats_mean(shares, 1, 3), a.final_share, 1.5e-4);
    wom_graph_free(dense);
    wom_graph_free(sparse);
}

/* Bass on a complete graph of 2000 against F(t + 1) = F + (p + q F)(1 - F).
 * One step's draws give a run's share an sd of sqrt(F (1 - F) / n) <= 0.011;
 * imitation carries earlier deviations forward, so across runs the share's
 * sd peaks near 0.022 (measured at t = 7 over 20 runs, about twice the
 * one-step value). The mean of 20 runs then has sd <= 0.022 / sqrt(20) =
 * 0.005, and 0.02 is 4 of those at the worst step. The mean field's own
 * biases, O(q Var F) and O(q / n), are below 0.001. */
static void bass_tracks_its_meanfield_on_complete_graph(void **state) {
    (void)state;
    enum { REPLICATIONS = 20, STEPS = 30, NODES = 2000 };
    wom_graph_t *graph = complete_graph(NODES);
    wom_scenario_t s = bass_scenario(0.03, 0.38);
    double mean[STEPS + 1] = {0};
    for (uint32_t r = 0; r < REPLICATIONS; r++) {
        wom_metrics_row_t *rows = simulate(&s, graph, 1, r, STEPS);
        for (uint32_t t = 0; t <= STEPS; t++) {
            mean[t] += (double)rows[t].count[WOM_M_ADOPTERS] / NODES / REPLICATIONS;
        }
        free(rows);
    }
    double meanfield = 0;
    for (uint32_t t = 0; t <= STEPS; t++) {
        assert_near(mean[t], meanfield, 0.02);
        meanfield = wom_analytic_bass_next(0.03, 0.38, 1, meanfield);
    }
    wom_graph_free(graph);
}

/* Isolated nodes adopt at the rate p alone: after t steps a share 1 - e^{-p t},
 * binomial over 20000 nodes (sd < 0.0035); allow 4 sd. */
static void isolated_nodes_adopt_at_p(void **state) {
    (void)state;
    wom_graph_t *graph = graph_alloc(20000, 0, false);
    wom_scenario_t s = bass_scenario(0.0385, 0.615);
    wom_metrics_row_t *rows = simulate(&s, graph, 1, 2, 10);
    for (uint32_t t = 1; t <= 10; t++) {
        double expected = 1 - exp(-0.0385 * t);
        double sd = sqrt(expected * (1 - expected) / 20000);
        assert_near(rows[t].count[WOM_M_ADOPTERS] / 20000.0, expected, 4 * sd);
    }
    free(rows);
    wom_graph_free(graph);
}

/* The two-sample Kolmogorov-Smirnov distance between samples a and b
 * (sorted in place). */
static double ks_distance(double *a, double *b, uint32_t n) {
    qsort(a, n, sizeof *a, by_value_double);
    qsort(b, n, sizeof *b, by_value_double);
    double distance = 0;
    for (uint32_t i = 0, j = 0; i < n || j < n;) {
        double x = j >= n || (i < n && a[i] <= b[j]) ? a[i] : b[j];
        while (i < n && a[i] <= x) {
            i++;
        }
        while (j < n && b[j] <= x) {
            j++;
        }
        double gap = fabs((double)i / n - (double)j / n);
        distance = gap > distance ? gap : distance;
    }
    return distance;
}

/* sir with gamma = 1 is ic with p = beta, drawn from other streams (other
 * sites), so the two final-share samples are independent draws from one
 * distribution. With R = 150 runs each, both statistics below exceed their
 * bounds with probability about 1e-4 when the distributions agree:
 * - Kolmogorov-Smirnov: P(D > c sqrt(2 / R)) ~ 2 exp(-2 c^2), so c =
 *   sqrt(ln(2 / 1e-4) / 2) = 2.23 and the bound is 0.257 (no assumption on
 *   the distribution; ties only make it conservative);
 * - Welch's t on the means: |t| < 4 (normal tail 6e-5; R is large).
 * The control, sir with gamma = 0.5 (T = 0.46 instead of 0.3), must fail
 * both, so the test can see a difference. */
static void sir_with_gamma_one_matches_ic(void **state) {
    (void)state;
    enum { R = 150 };
    wom_graph_t *graph = erdos_renyi(4000, 5, 17);
    wom_scenario_t ic = cascade_scenario(WOM_KIND_IC, 0.3, 1, 20); /* c T = 1.5 */
    wom_scenario_t sir = cascade_scenario(WOM_KIND_SIR, 0.3, 1, 20);
    wom_scenario_t control = cascade_scenario(WOM_KIND_SIR, 0.3, 0.5, 20);
    double *a = malloc(R * sizeof *a), *b = malloc(R * sizeof *b), *c = malloc(R * sizeof *c);
    final_shares(&ic, graph, 0, R, 80, a);
    final_shares(&sir, graph, 0, R, 80, b);
    final_shares(&control, graph, 0, R, 80, c);
    double bound = sqrt(log(2 / 1e-4) / 2) * sqrt(2.0 / R);
    double welch = (gsl_stats_mean(a, 1, R) - gsl_stats_mean(b, 1, R)) /
                   sqrt((gsl_stats_variance(a, 1, R) + gsl_stats_variance(b, 1, R)) / R);
    double control_welch = (gsl_stats_mean(a, 1, R) - gsl_stats_mean(c, 1, R)) /
                           sqrt((gsl_stats_variance(a, 1, R) + gsl_stats_variance(c, 1, R)) / R);
    assert_true(fabs(welch) < 4);
    assert_true(fabs(control_welch) > 4);
    double *a_copy = malloc(R * sizeof *a_copy);
    memcpy(a_copy, a, R * sizeof *a);
    assert_true(ks_distance(a, b, R) < bound);
    assert_true(ks_distance(a_copy, c, R) > bound);
    free(a);
    free(a_copy);
    free(b);
    free(c);
    wom_graph_free(graph);
}

int main(void) {
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cascade_rows_keep_their_invariants),
        cmocka_unit_test(bass_adopters_never_fall),
        cmocka_unit_test(cascade_edge_cases),
        cmocka_unit_test(kernels_match_naive_serial_ones),
        cmocka_unit_test(rows_do_not_depend_on_threads),
        cmocka_unit_test(split_cascades_match_one_thread),
        cmocka_unit_test(ic_and_sir_reach_the_root_on_erdos_renyi),
        cmocka_unit_test(bass_tracks_its_meanfield_on_complete_graph),
        cmocka_unit_test(isolated_nodes_adopt_at_p),
        cmocka_unit_test(sir_with_gamma_one_matches_ic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
