/* test_stats.c: summaries across replications and pooled ratios, against
 * values worked out by hand.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <math.h>

#include <cmocka.h>

#include "test_util.h"
#include "womsim/stats.h"

/* Values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32/7); the 95%
 * t-quantile with 7 degrees of freedom is 2.364624251592785. */
static void summary_matches_hand_computation(void **state) {
    (void)state;
    const double values[] = {2, 4, 4, 4, 5, 5, 7, 9};
    wom_stats_summary_t s;
    wom_stats_summarize(values, 8, &s);
    double sd = sqrt(32.0 / 7);
    double half = 2.364624251592785 * sd / sqrt(8);
    assert_near(s.mean, 5, 1e-12);
    assert_near(s.sd, sd, 1e-12);
    assert_near(s.ci95_lo, 5 - half, 1e-9);
    assert_near(s.ci95_hi, 5 + half, 1e-9);
}

static void one_value_has_no_interval(void **state) {
    (void)state;
    const double value = 0.385;
    wom_stats_summary_t s;
    wom_stats_summarize(&value, 1, &s);
    assert_near(s.mean, 0.385, 0);
    assert_near(s.sd, 0, 0);
    assert_near(s.ci95_lo, 0.385, 0);
    assert_near(s.ci95_hi, 0.385, 0);
}

/* Two replications of two steps (rows 0..2): the series holds each step's
 * summary, the totals each replication's sum over days 1..2, the pooled
 * ratio sums over everything. */
static void series_and_pooled_ratio(void **state) {
    (void)state;
    wom_metrics_row_t rows[6] = {0};
    wom_metrics_table_t result = {2, 2, 1000, rows};
    rows[1].count[WOM_M_CUSTOMERS] = 13;
    rows[4].count[WOM_M_CUSTOMERS] = 29;
    rows[1].count[WOM_M_SATISFIED] = 3;
    rows[2].count[WOM_M_SATISFIED] = 4;
    rows[5].count[WOM_M_SATISFIED] = 1;
    rows[1].count[WOM_M_TOLD_BY_SATISFIED] = 17;
    rows[5].count[WOM_M_TOLD_BY_SATISFIED] = 24;
    wom_scenario_t scenario = {0};
    wom_metrics_layout_t layout;
    wom_model_layout(&scenario, &layout);
    int customers = wom_metrics_find(&layout, "customers");
    assert_true(customers >= 0);
    wom_stats_summary_t *table = NULL, *totals = NULL;
    assert_int_equal(wom_stats_series(&result, &layout, &table, &totals), WOM_OK);
    const wom_stats_summary_t *step1 = &table[1 * layout.count + customers];
    assert_near(step1->mean, 21, 1e-12);
    assert_near(step1->sd, sqrt(128), 1e-12);
    assert_near(table[0 * layout.count + customers].mean, 0, 0);
    assert_near(wom_stats_pooled_ratio(&result, WOM_M_TOLD_BY_SATISFIED, WOM_M_SATISFIED), 41.0 / 8,
                1e-12);
    assert_near(wom_stats_pooled_ratio(&result, WOM_M_TOLD_BY_SATISFIED, WOM_M_ENCOUNTERS), 0, 0);
    assert_int_equal(wom_stats_pooled_sum(&result, WOM_M_SATISFIED), 8);
    int satisfied = wom_metrics_find(&layout, "satisfied");
    assert_near(totals[satisfied].mean, 4, 1e-12); /* 3 + 4 and 1 */
    assert_near(totals[satisfied].sd, sqrt(18), 1e-12);
    assert_near(totals[customers].mean, 21, 1e-12); /* 13 and 29: day 0 is not summed */
    free(table);
    free(totals);
}

/* Reputation: 100 * (promoters - detractors) / aware agents; 0 when
 * nobody is aware. */
static void reputation_is_net_share_of_aware(void **state) {
    (void)state;
    wom_metrics_row_t rows[2] = {0};
    rows[0].count[WOM_M_UNAWARE] = 1000;
    rows[1].count[WOM_M_UNAWARE] = 600;
    rows[1].count[WOM_M_PROMOTERS] = 130;
    rows[1].count[WOM_M_DETRACTORS] = 30;
    wom_scenario_t scenario = {0};
    wom_metrics_layout_t layout;
    wom_model_layout(&scenario, &layout);
    double values[2];
    wom_metrics_series(&layout, wom_metrics_find(&layout, "reputation"), rows, 1, 1000, values);
    assert_near(values[0], 0, 0);
    assert_near(values[1], 25, 1e-12);
}

/* Revenue is price x encounters; value discounts each step's revenue to
 * step 0 and accumulates: 3.85 * (7 + 11 / 1.0615 + 13 / 1.0615^2). */
static void revenue_and_discounted_value(void **state) {
    (void)state;
    wom_metrics_row_t rows[3] = {0};
    rows[0].count[WOM_M_ENCOUNTERS] = 7;
    rows[1].count[WOM_M_ENCOUNTERS] = 11;
    rows[2].count[WOM_M_ENCOUNTERS] = 13;
    wom_scenario_t scenario = {0};
    scenario.economics.price = 3.85;
    scenario.economics.discount_rate = 0.0615;
    wom_metrics_layout_t layout;
    wom_model_layout(&scenario, &layout);
    double revenue[3], value[3];
    wom_metrics_series(&layout, wom_metrics_find(&layout, "revenue"), rows, 2, 100, revenue);
    wom_metrics_series(&layout, wom_metrics_find(&layout, "value"), rows, 2, 100, value);
    assert_near(revenue[1], 3.85 * 11, 1e-12);
    assert_near(value[2], 3.85 * (7 + 11 / 1.0615 + 13 / (1.0615 * 1.0615)), 1e-9);
}

/* Failure modes add one column each, named after the mode; classic kinds
 * have their own columns. */
static void layouts_follow_kind_and_modes(void **state) {
    (void)state;
    wom_scenario_t scenario = {0};
    scenario.failure_count = 2;
    snprintf(scenario.failures[0].name, WOM_MAX_NAME, "late-delivery");
    snprintf(scenario.failures[1].name, WOM_MAX_NAME, "rude-reply");
    wom_metrics_layout_t layout;
    wom_model_layout(&scenario, &layout);
    int rude = wom_metrics_find(&layout, "failures_rude-reply");
    assert_true(rude > wom_metrics_find(&layout, "failures_late-delivery"));
    assert_int_equal(layout.id[rude], WOM_M_FAILURE_MODE + 1);
    scenario.model.kind = WOM_KIND_SIR;
    wom_model_layout(&scenario, &layout);
    assert_int_equal(layout.count, 3);
    assert_string_equal(layout.name[1], "active");
    assert_int_equal(wom_metrics_find(&layout, "customers"), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_matches_hand_computation),
        cmocka_unit_test(one_value_has_no_interval),
        cmocka_unit_test(series_and_pooled_ratio),
        cmocka_unit_test(reputation_is_net_share_of_aware),
        cmocka_unit_test(revenue_and_discounted_value),
        cmocka_unit_test(layouts_follow_kind_and_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
