/* test_effects.c: the model's levers move the outcome the way marketing
 * teaching says they do (issue 3). Higher service quality, more successful
 * complaint handling, more satisfied employees and a loyalty programme
 * each raise the final number of customers and the final reputation; a
 * larger dissatisfied tell mean lowers both.
 *
 * Each test runs two arms of a scenario that differ in one parameter, on a
 * shared Watts-Strogatz graph (3000 agents, mean degree 10), 10
 * replications of 200 steps each, with fixed seeds. The arms are sweep
 * points 0 and 1, so their replications use different run ids and are
 * independent. A test passes when the difference of the arms' mean final
 * values exceeds 3 standard errors of that difference (Welch:
 * sqrt(s1^2 / n1 + s2^2 / n2)) in the expected direction. The draws are
 * keyed, so a given build passes or fails every time.
 *
 * Workload: 5 tests x 2 arms x 10 x 200 steps x 3000 agents, about a
 * second on 2 cores. With these pairs the differences are 6 to 50 standard
 * errors (checked over several seeds), and each test fails with its arms
 * swapped.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_statistics_double.h>

#include "test_util.h"
#include "womsim/womsim.h"

enum { REPLICATIONS = 10, STEPS = 200, THREADS = 2 };

/* The defaults (quality 0.9: the shop grows) on the shared graph. */
static wom_scenario_t effects_scenario(void) {
    wom_scenario_t scenario = default_scenario();
    scenario.simulation.seed = 91573;
    scenario.simulation.replications = REPLICATIONS;
    scenario.simulation.steps = STEPS;
    scenario.network.model = WOM_NET_WATTS_STROGATZ;
    scenario.network.nodes = 3000;
    scenario.network.mean_degree = 10;
    return scenario;
}

/* The graph of `scenario`'s network section (the same for both arms). */
static wom_graph_t *build_graph(const wom_scenario_t *scenario) {
    wom_graph_t *graph = NULL;
    wom_error_t error;
    assert_int_equal(wom_graph_build(scenario, 0, &graph, &error), WOM_OK);
    return graph;
}

/* One arm's final customers and final reputation, per replication. */
typedef struct {
    double customers[REPLICATIONS];
    double reputation[REPLICATIONS];
} finals_t;

/* The value of column `name` at the last step of each replication. */
static void final_values(const wom_scenario_t *scenario, const wom_metrics_table_t *result,
                         const char *name, double *finals) {
    wom_metrics_layout_t layout;
    wom_model_layout(scenario, &layout);
    int column = wom_metrics_find(&layout, name);
    assert_true(column >= 0);
    double series[STEPS + 1];
    for (uint32_t r = 0; r < result->replications; r++) {
        wom_metrics_series(&layout, column, wom_metrics_table_row(result, r, 0), result->steps,
                           result->agents, series);
        finals[r] = series[result->steps];
    }
}

/* Runs the replications of sweep point `point` of `scenario` on `graph`,
 * tasks point * REPLICATIONS + r as a batch numbers them, side by side. */
static finals_t run_arm(const wom_scenario_t *scenario, const wom_graph_t *graph, uint32_t point) {
    assert_int_equal(scenario->simulation.steps, STEPS);
    wom_metrics_table_t result;
    assert_int_equal(wom_metrics_table_init(&result, REPLICATIONS, STEPS, graph->nodes), WOM_OK);
#pragma omp parallel for num_threads(THREADS) schedule(dynamic, 1)
    for (uint32_t r = 0; r < REPLICATIONS; r++) {
        wom_metrics_row_t *rows = simulate(scenario, graph, 1, point * REPLICATIONS + r, STEPS);
        memcpy(wom_metrics_table_row(&result, r, 0), rows, (STEPS + 1) * sizeof *rows);
        free(rows);
    }
    finals_t finals;
    final_values(scenario, &result, "customers", finals.customers);
    final_values(scenario, &result, "reputation", finals.reputation);
    wom_metrics_table_destroy(&result);
    return finals;
}

/* Fails unless mean(high) - mean(low) > 3 Welch standard errors. */
static void assert_clearly_higher(const double *high, const double *low, const char *what) {
    double difference =
        gsl_stats_mean(high, 1, REPLICATIONS) - gsl_stats_mean(low, 1, REPLICATIONS);
    double error = sqrt(gsl_stats_variance(high, 1, REPLICATIONS) / REPLICATIONS +
                        gsl_stats_variance(low, 1, REPLICATIONS) / REPLICATIONS);
    if (!(difference > 3 * error)) {
        print_error("%s: expected higher by > 3 standard errors, got a difference of %.6g "
                    "(standard error %.6g; means %.6g vs %.6g)\n",
                    what, difference, error, gsl_stats_mean(high, 1, REPLICATIONS),
                    gsl_stats_mean(low, 1, REPLICATIONS));
        fail();
    }
}

/* Runs `better` as point 0 and `worse` as point 1 and requires both final
 * customers and final reputation to be clearly higher in `better`. */
static void assert_better(const wom_scenario_t *better, const wom_scenario_t *worse) {
    wom_graph_t *graph = build_graph(better);
    finals_t high = run_arm(better, graph, 0);
    finals_t low = run_arm(worse, graph, 1);
    assert_clearly_higher(high.customers, low.customers, "final customers");
    assert_clearly_higher(high.reputation, low.reputation, "final reputation");
    wom_graph_free(graph);
}

static void quality_raises_customers_and_reputation(void **state) {
    (void)state;
    wom_scenario_t high = effects_scenario(), low = effects_scenario();
    high.service.quality = 0.915;
    low.service.quality = 0.765;
    assert_better(&high, &low);
}

/* Complaints made common (0.385 instead of about one in 27) so that how
 * they are handled matters. */
static void recovery_success_raises_customers_and_reputation(void **state) {
    (void)state;
    wom_scenario_t high = effects_scenario(), low = effects_scenario();
    high.service.quality = low.service.quality = 0.815;
    high.recovery.complain_rate = low.recovery.complain_rate = 0.385;
    high.recovery.success_rate = 0.865;
    low.recovery.success_rate = 0.215;
    assert_better(&high, &low);
}

/* effect 0.5: failures x 0.7 at satisfaction 0.8, x 1.3 at 0.2. */
static void employee_satisfaction_raises_customers_and_reputation(void **state) {
    (void)state;
    wom_scenario_t high = effects_scenario(), low = effects_scenario();
    high.service.quality = low.service.quality = 0.865;
    high.employees.satisfaction = 0.815;
    low.employees.satisfaction = 0.185;
    assert_better(&high, &low);
}

/* Loyalty works through leaving, so customers here drift away (churn
 * 0.0085 a day, about four months on average) and join after 2 purchases;
 * at the default churn (0.0005) the reputation effect is only about 2
 * standard errors after 200 steps. */
static void loyalty_raises_customers_and_reputation(void **state) {
    (void)state;
    wom_scenario_t on = effects_scenario(), off = effects_scenario();
    on.loyalty.enabled = true;
    off.loyalty.enabled = false;
    on.loyalty.churn_reduction = off.loyalty.churn_reduction = 0.885;
    on.loyalty.enroll_after = off.loyalty.enroll_after = 2;
    on.service.churn_rate = off.service.churn_rate = 0.0085;
    assert_better(&on, &off);
}

/* Telling more people about bad experiences lowers both. */
static void dissatisfied_telling_lowers_customers_and_reputation(void **state) {
    (void)state;
    wom_scenario_t quiet = effects_scenario(), loud = effects_scenario();
    quiet.service.quality = loud.service.quality = 0.785;
    quiet.wom.dissatisfied_tell_mean = 4.15;
    loud.wom.dissatisfied_tell_mean = 18.5;
    assert_better(&quiet, &loud);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quality_raises_customers_and_reputation),
        cmocka_unit_test(recovery_success_raises_customers_and_reputation),
        cmocka_unit_test(employee_satisfaction_raises_customers_and_reputation),
        cmocka_unit_test(loyalty_raises_customers_and_reputation),
        cmocka_unit_test(dissatisfied_telling_lowers_customers_and_reputation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
