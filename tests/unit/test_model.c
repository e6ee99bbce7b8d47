/* test_model.c: the step kernel's invariants, the 5-versus-10 rule on a
 * graph where the degree cap never binds, distinct picks, the degree cap,
 * and thread-count independence.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "womsim/womsim.h"

/* A hand-built CSR: the complete graph, or a ring where each node links to
 * its `reach` nearest nodes on each side. */
static wom_graph_t *make_graph(uint32_t nodes, uint32_t reach, bool complete) {
    wom_graph_t *graph = calloc(1, sizeof *graph);
    uint32_t degree = complete ? nodes - 1 : 2 * reach;
    graph->nodes = nodes;
    graph->arcs = (uint64_t)nodes * degree;
    graph->offsets = malloc((nodes + 1) * sizeof(uint64_t));
    graph->targets = malloc(graph->arcs * sizeof(uint32_t));
    graph->segment = calloc(nodes, 1);
    graph->max_degree = degree;
    for (uint32_t v = 0; v <= nodes; v++) {
        graph->offsets[v] = (uint64_t)v * degree;
    }
    for (uint32_t v = 0; v < nodes; v++) {
        uint32_t *row = graph->targets + graph->offsets[v], n = 0;
        for (uint32_t u = 0; u < nodes; u++) {
            uint32_t distance = u > v ? u - v : v - u;
            distance = distance < nodes - distance ? distance : nodes - distance;
            if (u != v && (complete || distance <= reach)) {
                row[n++] = u;
            }
        }
        assert_int_equal(n, degree);
    }
    return graph;
}

static wom_scenario_t default_scenario(void) {
    wom_config_t *config = NULL;
    wom_scenario_t scenario;
    assert_int_equal(wom_config_alloc(&config), WOM_OK);
    assert_int_equal(wom_config_scenario(config, 0, &scenario, NULL), WOM_OK);
    wom_config_free(config);
    return scenario;
}

/* Runs `steps` steps of task `task` and returns the rows (step 0 first). */
static wom_metrics_row_t *simulate(const wom_scenario_t *scenario, const wom_graph_t *graph,
                                   int threads, uint32_t task, uint32_t steps) {
    wom_model_t *model = NULL;
    assert_int_equal(wom_model_alloc(scenario, graph, threads, &model), WOM_OK);
    wom_metrics_row_t *rows = calloc(steps + 1, sizeof *rows);
    wom_model_reset(model, task, &rows[0]);
    for (uint32_t t = 1; t <= steps; t++) {
        wom_model_step(model, &rows[t]);
    }
    wom_model_free(model);
    return rows;
}

static int64_t total(const wom_metrics_row_t *rows, uint32_t steps, int counter) {
    int64_t sum = 0;
    for (uint32_t t = 0; t <= steps; t++) {
        sum += rows[t].count[counter];
    }
    return sum;
}

static void states_sum_to_agents_every_step(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(1237, 4, false);
    wom_scenario_t scenario = default_scenario();
    scenario.service.quality = 0.785;
    scenario.adoption.advertising = 0.0137;
    const uint32_t steps = 120;
    for (uint32_t task = 0; task < 3; task++) {
        wom_metrics_row_t *rows = simulate(&scenario, graph, 1, task, steps);
        for (uint32_t t = 0; t <= steps; t++) {
            const int64_t *c = rows[t].count;
            assert_int_equal(
                c[WOM_M_UNAWARE] + c[WOM_M_PROSPECTS] + c[WOM_M_CUSTOMERS] + c[WOM_M_LOST], 1237);
            assert_int_equal(c[WOM_M_ENCOUNTERS], c[WOM_M_SATISFIED] + c[WOM_M_DISSATISFIED]);
            if (t > 0) { /* cumulative counts never fall */
                assert_true(c[WOM_M_REACHED_POS] >= rows[t - 1].count[WOM_M_REACHED_POS]);
                assert_true(c[WOM_M_REACHED_NEG] >= rows[t - 1].count[WOM_M_REACHED_NEG]);
            }
        }
        assert_true(total(rows, steps, WOM_M_DISSATISFIED) > 0);
        free(rows);
    }
    wom_graph_free(graph);
}

/* Poisson K with means 5 and 10 on a complete graph of 300 nodes (degree
 * 299: P(K > 299) is negligible, so no tell is capped). The realised mean
 * over n experiences has standard error sqrt(mean / n); allow 4 of them. */
static void realised_tells_are_5_and_10(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(300, 0, true);
    wom_scenario_t scenario = default_scenario();
    scenario.service.quality = 0.615;
    scenario.population.initial_customers = 0.8;
    scenario.population.initial_aware = 0.2;
    scenario.service.purchase_rate = 0.35;
    scenario.service.churn_rate = 0;
    scenario.recovery.repurchase_silent_minor = 0.815;
    scenario.adoption.churn_attitude = -30000; /* bad news alone never drives them off */
    const uint32_t steps = 80;
    wom_metrics_row_t *rows = simulate(&scenario, graph, 1, 7, steps);
    int64_t satisfied = total(rows, steps, WOM_M_SATISFIED);
    int64_t dissatisfied = total(rows, steps, WOM_M_DISSATISFIED);
    assert_true(satisfied > 1000 && dissatisfied > 1000);
    assert_int_equal(total(rows, steps, WOM_M_TELLS_CAPPED), 0);
    double per_satisfied = (double)total(rows, steps, WOM_M_TOLD_BY_SATISFIED) / satisfied;
    double per_dissatisfied = (double)total(rows, steps, WOM_M_TOLD_BY_DISSATISFIED) / dissatisfied;
    assert_near(per_satisfied, 5, 4 * sqrt(5.0 / satisfied));
    assert_near(per_dissatisfied, 10, 4 * sqrt(10.0 / dissatisfied));
    free(rows);
    wom_graph_free(graph);
}

/* One satisfied customer with a fixed K = 3 on a complete graph of 11:
 * exactly three distinct hearers get one message each. */
static void tells_reach_distinct_neighbours(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(11, 0, true);
    wom_scenario_t scenario = default_scenario();
    scenario.population.initial_customers = 1.0 / 11;
    scenario.population.initial_aware = 0;
    scenario.adoption.advertising = 0;
    scenario.adoption.base = 0;
    scenario.service.purchase_rate = 1;
    scenario.service.quality = 1;
    scenario.service.churn_rate = 0;
    scenario.wom.tell_distribution = WOM_TELL_FIXED;
    scenario.wom.satisfied_tell_mean = 3;
    for (uint32_t task = 0; task < 20; task++) {
        wom_model_t *model = NULL;
        wom_metrics_row_t row;
        assert_int_equal(wom_model_alloc(&scenario, graph, 1, &model), WOM_OK);
        wom_model_reset(model, task, &row);
        wom_model_step(model, &row);
        assert_int_equal(row.count[WOM_M_MSGS_POS], 3);
        const uint32_t *sent = model->inbox_pos[(model->step + 1) % 2];
        int hearers = 0;
        for (uint32_t v = 0; v < 11; v++) {
            assert_true(sent[v] <= 1);
            hearers += sent[v] == 1;
        }
        assert_int_equal(hearers, 3);
        wom_model_free(model);
    }
    wom_graph_free(graph);
}

/* On a ring of degree 2, bad news (mean 10) is capped at two hearers. */
static void degree_caps_the_number_told(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(503, 1, false);
    wom_scenario_t scenario = default_scenario();
    scenario.service.quality = 0.3;
    scenario.population.initial_customers = 0.4;
    const uint32_t steps = 30;
    wom_metrics_row_t *rows = simulate(&scenario, graph, 1, 2, steps);
    int64_t dissatisfied = total(rows, steps, WOM_M_DISSATISFIED);
    int64_t told = total(rows, steps, WOM_M_TOLD_BY_DISSATISFIED);
    assert_true(dissatisfied > 100);
    assert_true(told <= 2 * dissatisfied);
    assert_true(total(rows, steps, WOM_M_TELLS_CAPPED) > 5 * dissatisfied);
    free(rows);
    wom_graph_free(graph);
}

/* The same task gives the same rows with 1 worker and with 3 (agents split
 * over threads, inbox writes atomic); another task gives other rows. */
static void rows_do_not_depend_on_threads(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(2011, 3, false);
    wom_scenario_t scenario = default_scenario();
    scenario.service.quality = 0.71;
    const uint32_t steps = 90;
    wom_metrics_row_t *one = simulate(&scenario, graph, 1, 5, steps);
    wom_metrics_row_t *three = simulate(&scenario, graph, 3, 5, steps);
    wom_metrics_row_t *other = simulate(&scenario, graph, 1, 6, steps);
    assert_memory_equal(one, three, (steps + 1) * sizeof *one);
    assert_memory_not_equal(one, other, (steps + 1) * sizeof *one);
    free(one);
    free(three);
    free(other);
    wom_graph_free(graph);
}

/* Quality 1 never fails; quality 0 never satisfies. */
static void quality_bounds_outcomes(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(401, 2, false);
    wom_scenario_t scenario = default_scenario();
    scenario.population.initial_customers = 0.3;
    const double qualities[2] = {1, 0};
    const int never[2] = {WOM_M_DISSATISFIED, WOM_M_SATISFIED};
    for (int i = 0; i < 2; i++) {
        scenario.service.quality = qualities[i];
        wom_metrics_row_t *rows = simulate(&scenario, graph, 1, 1, 40);
        assert_int_equal(total(rows, 40, never[i]), 0);
        assert_true(total(rows, 40, WOM_M_ENCOUNTERS) > 100);
        free(rows);
    }
    wom_graph_free(graph);
}

/* Degree seeding makes the best-connected agents the first customers. */
static void degree_seeding_picks_hubs(void **state) {
    (void)state;
    /* A star: centre 37 linked to everyone else. */
    wom_graph_t *graph = calloc(1, sizeof *graph);
    graph->nodes = 50;
    graph->arcs = 2 * 49;
    graph->offsets = malloc(51 * sizeof(uint64_t));
    graph->targets = malloc(graph->arcs * sizeof(uint32_t));
    graph->segment = calloc(50, 1);
    graph->max_degree = 49;
    uint64_t arc = 0;
    for (uint32_t v = 0; v < 50; v++) {
        graph->offsets[v] = arc;
        for (uint32_t u = 0; u < 50; u++) {
            if (u != v && (u == 37 || v == 37)) {
                graph->targets[arc++] = u;
            }
        }
    }
    graph->offsets[50] = arc;
    wom_scenario_t scenario = default_scenario();
    scenario.population.seeding = WOM_SEEDING_DEGREE;
    scenario.population.initial_customers = 0.02; /* one agent */
    scenario.population.initial_aware = 0;
    wom_model_t *model = NULL;
    wom_metrics_row_t row;
    assert_int_equal(wom_model_alloc(&scenario, graph, 1, &model), WOM_OK);
    wom_model_reset(model, 0, &row);
    assert_int_equal(row.count[WOM_M_CUSTOMERS], 1);
    assert_int_equal(model->state[37], WOM_CUSTOMER);
    wom_model_free(model);
    wom_graph_free(graph);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(states_sum_to_agents_every_step),
        cmocka_unit_test(realised_tells_are_5_and_10),
        cmocka_unit_test(tells_reach_distinct_neighbours),
        cmocka_unit_test(degree_caps_the_number_told),
        cmocka_unit_test(rows_do_not_depend_on_threads),
        cmocka_unit_test(quality_bounds_outcomes),
        cmocka_unit_test(degree_seeding_picks_hubs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
