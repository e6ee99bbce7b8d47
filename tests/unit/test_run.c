/* test_run.c: the replications of a point against direct model runs (which
 * pins run_id = point * replications + replication), independence from the
 * thread count on both parallel paths, progress reports, and bad arguments.
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

enum { NODES = 1237, STEPS = 40, REPLICATIONS = 5 };

/* The default scenario, made lively enough that rows differ between tasks:
 * plenty of customers, failures and word of mouth within 40 steps. */
static wom_scenario_t lively_scenario(void) {
    wom_scenario_t scenario = default_scenario();
    scenario.simulation.steps = STEPS;
    scenario.simulation.replications = REPLICATIONS;
    scenario.simulation.seed = 385061523;
    scenario.network.nodes = NODES;
    scenario.service.quality = 0.785;
    scenario.service.purchase_rate = 0.215;
    scenario.adoption.advertising = 0.0137;
    return scenario;
}

static size_t row_bytes(void) {
    return (STEPS + 1) * sizeof(wom_metrics_row_t);
}

/* Rows of one task run directly on the model, step 0 first. */
static wom_metrics_row_t *direct_rows(const wom_scenario_t *scenario, const wom_graph_t *graph,
                                      uint32_t task) {
    wom_model_t *model = NULL;
    assert_int_equal(wom_model_alloc(scenario, graph, 1, &model), WOM_OK);
    wom_metrics_row_t *rows = calloc(STEPS + 1, sizeof *rows);
    assert_non_null(rows);
    wom_model_reset(model, task, &rows[0]);
    for (uint32_t t = 1; t <= STEPS; t++) {
        wom_model_step(model, &rows[t]);
    }
    wom_model_free(model);
    return rows;
}

static void run(const wom_scenario_t *scenario, const wom_graph_t *graph, uint32_t point,
                int threads, wom_run_result_t *result) {
    assert_int_equal(wom_run_point(scenario, graph, point, threads, NULL, NULL, result), WOM_OK);
    assert_int_equal(result->replications, REPLICATIONS);
    assert_int_equal(result->steps, STEPS);
    assert_int_equal(result->agents, NODES);
    assert_non_null(result->rows);
}

/* Replication r of point 3 is task 3 * 5 + r, byte for byte. */
static void replications_are_tasks_point_times_replications_plus_r(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(NODES, 3, false);
    wom_scenario_t scenario = lively_scenario();
    const uint32_t point = 3;
    wom_run_result_t result = {0};
    run(&scenario, graph, point, 1, &result);
    for (uint32_t r = 0; r < REPLICATIONS; r++) {
        wom_metrics_row_t *expected = direct_rows(&scenario, graph, point * REPLICATIONS + r);
        assert_true(expected[STEPS].count[WOM_M_ENCOUNTERS] > 0);
        assert_memory_equal(wom_run_row(&result, r, 0), expected, row_bytes());
        /* A neighbouring task id would not match. */
        wom_metrics_row_t *other = direct_rows(&scenario, graph, point * REPLICATIONS + r + 1);
        assert_memory_not_equal(wom_run_row(&result, r, 0), other, row_bytes());
        free(other);
        free(expected);
    }
    wom_run_result_destroy(&result);
    assert_null(result.rows);
    wom_graph_free(graph);
}

/* 5 replications on 1, 2 and 3 threads run whole replications in parallel;
 * on 7 threads (more threads than replications) the agents are split. */
static void rows_do_not_depend_on_threads(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(NODES, 3, false);
    wom_scenario_t scenario = lively_scenario();
    const size_t bytes = REPLICATIONS * row_bytes();
    wom_run_result_t one = {0};
    run(&scenario, graph, 2, 1, &one);
    const int threads[] = {2, 3, 7};
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        wom_run_result_t many = {0};
        run(&scenario, graph, 2, threads[i], &many);
        assert_memory_equal(one.rows, many.rows, bytes);
        wom_run_result_destroy(&many);
    }
    wom_run_result_destroy(&one);
    wom_graph_free(graph);
}

static void another_point_gives_other_rows(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(NODES, 3, false);
    wom_scenario_t scenario = lively_scenario();
    wom_run_result_t first = {0}, second = {0};
    run(&scenario, graph, 0, 2, &first);
    run(&scenario, graph, 1, 2, &second);
    for (uint32_t r = 0; r < REPLICATIONS; r++) {
        assert_memory_not_equal(wom_run_row(&first, r, 0), wom_run_row(&second, r, 0), row_bytes());
    }
    wom_run_result_destroy(&first);
    wom_run_result_destroy(&second);
    wom_graph_free(graph);
}

typedef struct {
    uint32_t calls;
    uint32_t last_done, last_total;
    bool in_order; /* every call's done = previous done + 1, total constant */
} progress_log_t;

static void log_progress(void *user, uint32_t done, uint32_t total) {
    progress_log_t *log = user;
    log->in_order = log->in_order && done == log->last_done + 1 && total == REPLICATIONS;
    log->calls++;
    log->last_done = done;
    log->last_total = total;
}

/* Once per replication, counting up to the total, on both parallel paths. */
static void progress_counts_replications(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(NODES, 3, false);
    wom_scenario_t scenario = lively_scenario();
    const int threads[] = {1, 3, 7};
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        progress_log_t log = {0, 0, 0, true};
        wom_run_result_t result = {0};
        assert_int_equal(
            wom_run_point(&scenario, graph, 4, threads[i], log_progress, &log, &result), WOM_OK);
        assert_int_equal(log.calls, REPLICATIONS);
        assert_int_equal(log.last_done, REPLICATIONS);
        assert_int_equal(log.last_total, REPLICATIONS);
        assert_true(log.in_order);
        wom_run_result_destroy(&result);
    }
    wom_graph_free(graph);
}

static void bad_arguments_are_refused(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(NODES, 3, false);
    wom_scenario_t scenario = lively_scenario();
    wom_run_result_t result = {0};
    assert_int_equal(wom_run_point(&scenario, graph, 0, 0, NULL, NULL, &result), WOM_EINVAL);
    assert_int_equal(wom_run_point(&scenario, graph, 0, -3, NULL, NULL, &result), WOM_EINVAL);
    assert_null(result.rows);
    scenario.simulation.replications = 0;
    assert_int_equal(wom_run_point(&scenario, graph, 0, 1, NULL, NULL, &result), WOM_EINVAL);
    assert_null(result.rows);
    scenario.simulation.replications = REPLICATIONS;
    scenario.simulation.steps = 0;
    assert_int_equal(wom_run_point(&scenario, graph, 0, 1, NULL, NULL, &result), WOM_EINVAL);
    assert_null(result.rows);
    wom_run_result_destroy(&result);
    wom_run_result_destroy(NULL);
    wom_graph_free(graph);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replications_are_tasks_point_times_replications_plus_r),
        cmocka_unit_test(rows_do_not_depend_on_threads),
        cmocka_unit_test(another_point_gives_other_rows),
        cmocka_unit_test(progress_counts_replications),
        cmocka_unit_test(bad_arguments_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
