/* test_analytic.c: the theory the classic kinds are checked against:
 * final-size roots against Lambert-W values (S = 1 + W(-x e^{-x}) / x,
 * computed to 30 digits with mpmath), the seeded root's subcritical limit,
 * the sir transmissibility against its defining series, thresholds of
 * hand-made graphs, the Bass recursion by hand and its limit, the
 * continuous Bass curve at a few times and against its ODE, one run's
 * companions, and every refusal.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "test_util.h"
#include "womsim/womsim.h"

/* A CSR from an arc list (sorted by source, then target). */
static wom_graph_t *graph_of_arcs(uint32_t nodes, const uint32_t (*arcs)[2], uint64_t count,
                                  bool directed) {
    wom_graph_t *graph = calloc(1, sizeof *graph);
    graph->nodes = nodes;
    graph->arcs = count;
    graph->directed = directed;
    graph->offsets = calloc(nodes + 1, sizeof(uint64_t));
    graph->targets = malloc((count + 1) * sizeof(uint32_t));
    graph->segment = calloc(nodes + 1, 1);
    for (uint64_t a = 0; a < count; a++) {
        graph->offsets[arcs[a][0] + 1]++;
        graph->targets[a] = arcs[a][1];
    }
    for (uint32_t v = 0; v < nodes; v++) {
        graph->offsets[v + 1] += graph->offsets[v];
        uint32_t degree = wom_graph_degree(graph, v);
        graph->max_degree = degree > graph->max_degree ? degree : graph->max_degree;
    }
    return graph;
}

/* A ring where each node links to its `reach` nearest nodes on each side:
 * every degree is 2 reach. */
static wom_graph_t *make_ring(uint32_t nodes, uint32_t reach) {
    uint64_t count = (uint64_t)nodes * 2 * reach, a = 0;
    uint32_t(*arcs)[2] = malloc(count * sizeof *arcs);
    for (uint32_t v = 0; v < nodes; v++) {
        for (uint32_t u = 0; u < nodes; u++) {
            uint32_t distance = u > v ? u - v : v - u;
            distance = distance < nodes - distance ? distance : nodes - distance;
            if (u != v && distance <= reach) {
                arcs[a][0] = v;
                arcs[a++][1] = u;
            }
        }
    }
    assert_int_equal(a, count);
    wom_graph_t *graph = graph_of_arcs(nodes, (const uint32_t(*)[2])arcs, count, false);
    free(arcs);
    return graph;
}

static double root(double ct, double seeded) {
    double share = -1;
    assert_int_equal(wom_analytic_final_share(ct, seeded, &share), WOM_OK);
    return share;
}

/* ---- final size ---- */

static void final_share_matches_lambert_w(void **state) {
    (void)state;
    const double cases[][2] = {{2, 0.796812130020020046161520937938},
                               {1.5, 0.582811643865811386041076010554},
                               {1.8, 0.732429966636766347142931994122},
                               {3, 0.940479790707359631134397110098},
                               {1.05, 0.0937018370729015474051637775597}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_near(root(cases[i][0], 0), cases[i][1], 4e-16);
    }
}

static void final_share_is_zero_at_and_below_threshold(void **state) {
    (void)state;
    assert_true(root(0.385, 0) == 0);
    assert_true(root(1, 0) == 0);
    assert_true(root(0, 0) == 0);
    assert_true(root(1.000001, 0) > 0);
    assert_true(root(1.000001, 0) < 1e-5); /* ~ 2 (ct - 1) just above */
}

/* With seeds the root solves 1 - S = (1 - rho) e^{-ct S}: it lies above
 * the unseeded one, and below threshold it is the subcritical branching
 * total rho / (1 - ct) up to O(rho^2). */
static void seeded_root_solves_its_equation(void **state) {
    (void)state;
    const double cases[][2] = {{2, 0.0005}, {0.5, 0.001}, {1.385, 0.02}, {0, 0.0385}, {4, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double ct = cases[i][0], rho = cases[i][1], s = root(ct, rho);
        assert_near(1 - s, (1 - rho) * exp(-ct * s), 4e-16);
        assert_true(s >= rho && s >= root(ct, 0));
    }
    assert_near(root(0.5, 0.001), 0.001 / (1 - 0.5), 4 * 0.001 * 0.001);
    assert_near(root(2, 0.0005) - root(2, 0), 0.0005 * (1 - 0.7968) / (1 - 2 * (1 - 0.7968)), 1e-6);
}

static void final_share_refuses_bad_arguments(void **state) {
    (void)state;
    double share = 0.385;
    assert_int_equal(wom_analytic_final_share(-0.5, 0, &share), WOM_EINVAL);
    assert_true(share == 0);
    assert_int_equal(wom_analytic_final_share(2, -0.1, &share), WOM_EINVAL);
    assert_int_equal(wom_analytic_final_share(2, 1.5, &share), WOM_EINVAL);
    assert_int_equal(wom_analytic_final_share(NAN, 0, &share), WOM_EINVAL);
    assert_int_equal(wom_analytic_final_share(INFINITY, 0, &share), WOM_EINVAL);
}

/* ---- transmissibility ---- */

/* T = 1 - sum_l gamma (1 - gamma)^(l - 1) (1 - beta)^l, summed directly. */
static double transmissibility_series(double beta, double gamma) {
    double escape = 0, period = gamma;
    for (int l = 1; l < 5000; l++) {
        escape += period * pow(1 - beta, l);
        period *= 1 - gamma;
    }
    return 1 - escape;
}

static void transmissibility_sums_the_infectious_period(void **state) {
    (void)state;
    const double cases[][2] = {{0.385, 0.215}, {0.2, 0.5}, {0.0713, 0.9}, {0.6, 0.05}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double beta = cases[i][0], gamma = cases[i][1];
        assert_near(wom_analytic_transmissibility(beta, gamma),
                    transmissibility_series(beta, gamma), 1e-13);
    }
    assert_near(wom_analytic_transmissibility(0.2, 0.5), 1.0 / 3, 1e-16);
    assert_true(wom_analytic_transmissibility(0.385, 1) == 0.385); /* sir with gamma = 1 is ic */
    assert_true(wom_analytic_transmissibility(0.385, 0) == 1);     /* never recovers */
    assert_true(wom_analytic_transmissibility(0, 0) == 0);
}

/* ---- threshold ---- */

static double threshold_of(const wom_graph_t *graph) {
    double threshold = -1;
    assert_int_equal(wom_analytic_threshold(graph, &threshold), WOM_OK);
    return threshold;
}

/* Regular graphs of degree k: T_c = k / (k^2 - k) = 1 / (k - 1). */
static void threshold_of_regular_graph(void **state) {
    (void)state;
    const uint32_t reaches[] = {1, 3, 7};
    for (size_t i = 0; i < sizeof reaches / sizeof reaches[0]; i++) {
        wom_graph_t *graph = make_ring(211, reaches[i]);
        assert_near(threshold_of(graph), 1.0 / (2 * reaches[i] - 1), 1e-15);
        wom_graph_free(graph);
    }
}

/* A star with m leaves: sum k = 2m, sum k (k - 1) = m (m - 1). */
static void threshold_of_star(void **state) {
    (void)state;
    const uint32_t leaves = 13;
    uint32_t arcs[2 * 13][2];
    for (uint32_t i = 0; i < leaves; i++) {
        arcs[i][0] = 0;
        arcs[i][1] = i + 1;
        arcs[leaves + i][0] = i + 1;
        arcs[leaves + i][1] = 0;
    }
    wom_graph_t *graph = graph_of_arcs(leaves + 1, (const uint32_t(*)[2])arcs, 2 * leaves, false);
    assert_near(threshold_of(graph), 2.0 / (leaves - 1), 1e-15);
    wom_graph_free(graph);
}

/* Directed: 0->1, 0->2, 1->2, 2->0: out (2, 1, 1), in (1, 1, 2), so
 * sum k_in k_out = 5 over 4 arcs. */
static void threshold_of_directed_graph(void **state) {
    (void)state;
    const uint32_t arcs[][2] = {{0, 1}, {0, 2}, {1, 2}, {2, 0}};
    wom_graph_t *graph = graph_of_arcs(3, arcs, 4, true);
    assert_near(threshold_of(graph), 4.0 / 5, 1e-15);
    wom_graph_free(graph);
}

/* One edge: no cascade can continue past the first arc. */
static void threshold_without_continuations_is_infinite(void **state) {
    (void)state;
    const uint32_t arcs[][2] = {{0, 1}, {1, 0}};
    wom_graph_t *graph = graph_of_arcs(3, arcs, 2, false);
    assert_true(isinf(threshold_of(graph)));
    graph->directed = true; /* 0 -> 1 -> 0: k_in k_out = 1 each */
    assert_near(threshold_of(graph), 1, 0);
    wom_graph_free(graph);
}

/* ---- Bass ---- */

/* A step adopts with 1 - e^{-(p + q F)/P}: by hand for P = 1 and per day
 * from yearly rates (P = 365). */
static void bass_recursion_by_hand(void **state) {
    (void)state;
    const double p = 0.03, q = 0.38;
    double f1 = wom_analytic_bass_next(p, q, 1, 0);
    assert_near(f1, 1 - exp(-0.03), 1e-17); /* 0.029554466451491845 */
    assert_near(f1, 0.029554466451491845, 1e-16);
    double f2 = wom_analytic_bass_next(p, q, 1, f1);
    assert_near(f2, f1 + (1 - exp(-(0.03 + 0.38 * f1))) * (1 - f1), 1e-16);
    assert_near(wom_analytic_bass_next(p, q, 1, 1), 1, 0); /* everyone adopted stays so */
    double day = wom_analytic_bass_next(p, q, 365, 0);
    assert_near(day, 1 - exp(-0.03 / 365), 1e-18); /* 8.2188e-5 */
    assert_near(day, 8.218840317e-5, 1e-14);
}

/* Time in periods: with p and q per year and a step a day, the continuous
 * curve's adoptions peak at t* = ln(q/p) / (p + q) = 6.193 years
 * (Sultan, Farley & Lehmann's means), where F = (q - p) / (2 q). */
static void bass_peak_in_years(void **state) {
    (void)state;
    const double p = 0.03, q = 0.38;
    double peak = log(q / p) / (p + q);
    assert_near(peak, 6.19262, 1e-5);
    assert_near(wom_analytic_bass_continuous(p, q, peak), (q - p) / (2 * q), 1e-12);
}

static void bass_recursion_rises_to_one(void **state) {
    (void)state;
    const double cases[][2] = {{0.03, 0.38}, {0.0027, 0.615}, {0.2, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double share = 0;
        for (int t = 0; t < 4000; t++) {
            double next = wom_analytic_bass_next(cases[i][0], cases[i][1], 1, share);
            assert_true(next >= share && next <= 1);
            share = next;
        }
        assert_near(share, 1, 1e-12);
    }
}

/* Values from mpmath at 30 digits. */
static void bass_continuous_at_known_times(void **state) {
    (void)state;
    const double p = 0.03, q = 0.38;
    assert_true(wom_analytic_bass_continuous(p, q, 0) == 0);
    assert_near(wom_analytic_bass_continuous(p, q, 1), 0.035758164256441626138920227009, 1e-16);
    assert_near(wom_analytic_bass_continuous(p, q, 5), 0.331198642491373480476255865411, 2e-16);
    assert_near(wom_analytic_bass_continuous(p, q, 10.5), 0.842433531167238583890677236789, 4e-16);
    assert_near(wom_analytic_bass_continuous(p, q, 40), 0.999998969061677254390609980082, 4e-16);
    assert_true(wom_analytic_bass_continuous(0, q, 7) == 0);
    assert_near(wom_analytic_bass_continuous(0.0385, 0, 7), 1 - exp(-0.0385 * 7), 1e-16);
}

/* The closed form solves dF/dt = (p + q F)(1 - F): central differences. */
static void bass_continuous_solves_its_ode(void **state) {
    (void)state;
    const double p = 0.0185, q = 0.415, h = 1e-4;
    for (double t = 0.5; t < 30; t += 1.37) {
        double f = wom_analytic_bass_continuous(p, q, t);
        double slope = (wom_analytic_bass_continuous(p, q, t + h) -
                        wom_analytic_bass_continuous(p, q, t - h)) /
                       (2 * h);
        assert_near(slope, (p + q * f) * (1 - f), 1e-8);
    }
}

/* ---- one run's companions ---- */

static void companions_of_ic_sir_and_bass(void **state) {
    (void)state;
    wom_graph_t *graph = make_ring(400, 3); /* degree 6 */
    wom_scenario_t s = default_scenario();
    wom_analytic_t a;
    assert_int_equal(wom_analytic_compute(&s, graph, &a), WOM_EINVAL); /* the wom kind */

    s.model.kind = WOM_KIND_IC;
    s.ic.p = 0.385;
    s.ic.seeds = 8;
    assert_int_equal(wom_analytic_compute(&s, graph, &a), WOM_OK);
    assert_near(a.mean_degree, 6, 0);
    assert_near(a.transmissibility, 0.385, 0);
    assert_near(a.threshold, 0.2, 1e-15);
    assert_near(a.seeded, 0.02, 1e-17);
    assert_false(a.has_final_share); /* a ring is not Erdos-Renyi */

    s.network.model = WOM_NET_ERDOS_RENYI;
    s.model.kind = WOM_KIND_SIR;
    s.sir.beta = 0.2;
    s.sir.gamma = 0.5;
    s.sir.seeds = 1000; /* more than the nodes: all of them */
    assert_int_equal(wom_analytic_compute(&s, graph, &a), WOM_OK);
    assert_near(a.transmissibility, 1.0 / 3, 1e-16);
    assert_near(a.seeded, 1, 0);
    assert_true(a.has_final_share);
    assert_near(a.final_share, 1, 0);
    s.sir.seeds = 4;
    assert_int_equal(wom_analytic_compute(&s, graph, &a), WOM_OK);
    assert_near(a.final_share, root(2, 0.01), 0);

    s.model.kind = WOM_KIND_BASS;
    s.bass.p = 0.03;
    s.bass.q = 0.38;
    s.bass.period = 2;
    s.simulation.steps = 3;
    assert_int_equal(wom_analytic_compute(&s, graph, &a), WOM_OK);
    double share = 0;
    for (int t = 0; t < 3; t++) { /* the recursion by hand */
        share += (1 - exp(-(0.03 + 0.38 * share) / 2)) * (1 - share);
    }
    assert_near(a.final_meanfield, share, 1e-16);
    assert_near(a.final_meanfield, 0.05253465488, 1e-11);
    assert_near(a.final_continuous, wom_analytic_bass_continuous(0.03, 0.38, 1.5), 0);
    assert_near(a.peak_step, 2 * log(0.38 / 0.03) / 0.41, 1e-14);
    wom_graph_free(graph);
}

int main(void) {
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(final_share_matches_lambert_w),
        cmocka_unit_test(final_share_is_zero_at_and_below_threshold),
        cmocka_unit_test(seeded_root_solves_its_equation),
        cmocka_unit_test(final_share_refuses_bad_arguments),
        cmocka_unit_test(transmissibility_sums_the_infectious_period),
        cmocka_unit_test(threshold_of_regular_graph),
        cmocka_unit_test(threshold_of_star),
        cmocka_unit_test(threshold_of_directed_graph),
        cmocka_unit_test(threshold_without_continuations_is_infinite),
        cmocka_unit_test(bass_recursion_by_hand),
        cmocka_unit_test(bass_peak_in_years),
        cmocka_unit_test(bass_recursion_rises_to_one),
        cmocka_unit_test(bass_continuous_at_known_times),
        cmocka_unit_test(bass_continuous_solves_its_ode),
        cmocka_unit_test(companions_of_ic_sir_and_bass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
