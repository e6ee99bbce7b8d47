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
 * summary, the pooled ratio sums over everything. */
static void series_and_pooled_ratio(void **state) {
    (void)state;
    wom_metrics_row_t rows[6] = {0};
    wom_run_result_t result = {2, 2, 1000, rows};
    rows[1].count[WOM_M_CUSTOMERS] = 13;
    rows[4].count[WOM_M_CUSTOMERS] = 29;
    rows[1].count[WOM_M_SATISFIED] = 3;
    rows[2].count[WOM_M_SATISFIED] = 4;
    rows[5].count[WOM_M_SATISFIED] = 1;
    rows[1].count[WOM_M_TOLD_BY_SATISFIED] = 17;
    rows[5].count[WOM_M_TOLD_BY_SATISFIED] = 24;
    wom_stats_summary_t *table = NULL;
    assert_int_equal(wom_stats_series(&result, &table), WOM_OK);
    const wom_stats_summary_t *step1 = &table[1 * WOM_M_COLUMNS + WOM_M_CUSTOMERS];
    assert_near(step1->mean, 21, 1e-12);
    assert_near(step1->sd, sqrt(128), 1e-12);
    assert_near(table[0 * WOM_M_COLUMNS + WOM_M_CUSTOMERS].mean, 0, 0);
    assert_near(wom_stats_pooled_ratio(&result, WOM_M_TOLD_BY_SATISFIED, WOM_M_SATISFIED), 41.0 / 8,
                1e-12);
    assert_near(wom_stats_pooled_ratio(&result, WOM_M_TOLD_BY_SATISFIED, WOM_M_ENCOUNTERS), 0, 0);
    free(table);
}

/* Reputation: 100 * (promoters - detractors) / aware agents. */
static void reputation_is_net_share_of_aware(void **state) {
    (void)state;
    wom_metrics_row_t row = {0};
    row.count[WOM_M_UNAWARE] = 600;
    row.count[WOM_M_PROMOTERS] = 130;
    row.count[WOM_M_DETRACTORS] = 30;
    assert_near(wom_metrics_value(&row, WOM_M_REPUTATION, 1000), 25, 1e-12);
    row.count[WOM_M_UNAWARE] = 1000;
    row.count[WOM_M_PROMOTERS] = row.count[WOM_M_DETRACTORS] = 0;
    assert_near(wom_metrics_value(&row, WOM_M_REPUTATION, 1000), 0, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_matches_hand_computation),
        cmocka_unit_test(one_value_has_no_interval),
        cmocka_unit_test(series_and_pooled_ratio),
        cmocka_unit_test(reputation_is_net_share_of_aware),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
