/* test_compare.c: unit tests of the compare module: equal texts, CSV
 * columns grouped into metrics with their largest relative change (a
 * mean's before an sd's or a bound's) and where, changes from zero, lines
 * only one text has, changed headers and text; JSON lines compared by
 * their numbers and keyed by their first string.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_util.h"
#include "womsim/compare.h"

static wom_compare_t compare(const char *old_text, const char *new_text, bool csv) {
    wom_compare_t result;
    assert_int_equal(wom_compare_texts(old_text, new_text, csv, &result), WOM_OK);
    return result;
}

static const char series[] = "step,customers_mean,customers_sd,customers_ci95_lo,reputation_mean\n"
                             "0,100,0,100,5\n"
                             "1,200,10,180,6\n"
                             "2,300,20,260,7\n";

static void equal_texts(void **state) {
    (void)state;
    wom_compare_t result = compare(series, series, true);
    assert_int_equal(result.first_line, 0);
    assert_int_equal(result.metric_count, 0);
    assert_int_equal(result.other_line, 0);
    assert_int_equal(result.old_lines, 4);
    wom_compare_destroy(&result);
    result = compare("{\n  \"a\": 1\n}\n", "{\n  \"a\": 1\n}\n", false);
    assert_int_equal(result.first_line, 0);
    wom_compare_destroy(&result);
}

static void csv_metrics(void **state) {
    (void)state;
    wom_compare_t result = compare(series,
                                   "step,customers_mean,customers_sd,customers_ci95_lo,"
                                   "reputation_mean\n"
                                   "0,100,0,100,5.5\n"
                                   "1,200.2,10,180,6\n"
                                   "2,300,20,260.52,7\n",
                                   true);
    assert_int_equal(result.first_line, 2);
    assert_int_equal(result.other_line, 0);
    assert_int_equal(result.metric_count, 2);
    /* in order of first change: reputation on line 2, then customers */
    assert_string_equal(result.metrics[0].metric, "reputation");
    assert_near(result.metrics[0].change, 0.1, 1e-12);
    assert_string_equal(result.metrics[0].where, "reputation_mean at step 0");
    /* customers: the mean by 0.2 / 200 = 1e-3 on step 1; the lower bound by more,
     * 0.52 / 260 = 2e-3 on step 2, but a mean's change comes first */
    assert_string_equal(result.metrics[1].metric, "customers");
    assert_near(result.metrics[1].change, 1e-3, 1e-12);
    assert_false(result.metrics[1].spread);
    assert_string_equal(result.metrics[1].where, "customers_mean at step 1");
    assert_near(result.metrics[1].old_value, 200, 0);
    assert_near(result.metrics[1].new_value, 200.2, 0);
    wom_compare_destroy(&result);
}

static void csv_changes_from_zero_and_other_lines(void **state) {
    (void)state;
    wom_compare_t result = compare(series,
                                   "step,customers_mean,customers_sd,customers_ci95_lo,"
                                   "reputation_mean\n"
                                   "0,100,0.5,100,5\n"
                                   "1,200,10,180,6\n",
                                   true);
    assert_int_equal(result.first_line, 2);
    assert_int_equal(result.metric_count, 1);
    assert_true(isinf(result.metrics[0].change));
    assert_true(result.metrics[0].spread); /* only the sd changed */
    assert_string_equal(result.metrics[0].where, "customers_sd at step 0");
    assert_int_equal(result.other_line, 4); /* the rerun lacks step 2 */
    assert_string_equal(result.old_text, "2,300,20,260,7");
    assert_string_equal(result.new_text, "");
    assert_int_equal(result.new_lines, 3);
    wom_compare_destroy(&result);
    /* another column: a difference in text, no metric */
    result = compare(series,
                     "step,customers_mean,customers_sd,customers_ci95_lo,value_mean\n"
                     "0,100,0,100,5\n"
                     "1,200,10,180,6\n"
                     "2,300,20,260,8\n",
                     true);
    assert_int_equal(result.first_line, 1);
    assert_int_equal(result.other_line, 1);
    assert_int_equal(result.metric_count, 0);
    wom_compare_destroy(&result);
}

static void csv_quoted_fields(void **state) {
    (void)state;
    wom_compare_t result = compare("point,wom.x,customers_mean\n0,\"0.1, 0.2\",50\n",
                                   "point,wom.x,customers_mean\n0,\"0.1, 0.2\",51\n", true);
    assert_int_equal(result.metric_count, 1);
    assert_string_equal(result.metrics[0].metric, "customers");
    assert_string_equal(result.metrics[0].where, "customers_mean at point 0");
    assert_near(result.metrics[0].change, 0.02, 1e-12);
    wom_compare_destroy(&result);
}

static void json_lines(void **state) {
    (void)state;
    const char *old_text = "{\n  \"scenario_hash\": \"3b72ec\",\n  \"final\": {\n"
                           "    \"customers\": {\"mean\": 10, \"sd\": 1, \"ci95_lo\": 8, "
                           "\"ci95_hi\": 12},\n    \"lost\": {\"mean\": -2e-05}\n  }\n}\n";
    const char *new_text = "{\n  \"scenario_hash\": \"3b72ec\",\n  \"final\": {\n"
                           "    \"customers\": {\"mean\": 10, \"sd\": 1, \"ci95_lo\": 8, "
                           "\"ci95_hi\": 12.6},\n    \"lost\": {\"mean\": -3e-05}\n  }\n}\n";
    wom_compare_t result = compare(old_text, new_text, false);
    assert_int_equal(result.first_line, 4);
    assert_int_equal(result.other_line, 0);
    assert_int_equal(result.metric_count, 2);
    assert_string_equal(result.metrics[0].metric, "customers");
    assert_near(result.metrics[0].change, 0.05, 1e-12);
    assert_true(result.metrics[0].spread); /* only its upper bound changed */
    assert_string_equal(result.metrics[0].where, "ci95_hi on line 4");
    assert_string_equal(result.metrics[1].metric, "lost");
    assert_near(result.metrics[1].change, 0.5, 1e-12);
    assert_string_equal(result.metrics[1].where, "mean on line 5");
    assert_false(result.metrics[1].spread);
    wom_compare_destroy(&result);
    /* digits in a string (a hash) are text, not numbers */
    result = compare(old_text, "{\n  \"scenario_hash\": \"3b72ed\",\n", false);
    assert_int_equal(result.first_line, 2);
    assert_int_equal(result.other_line, 2);
    assert_string_equal(result.new_text, "  \"scenario_hash\": \"3b72ed\",");
    assert_int_equal(result.metric_count, 0);
    wom_compare_destroy(&result);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_texts),
        cmocka_unit_test(csv_metrics),
        cmocka_unit_test(csv_changes_from_zero_and_other_lines),
        cmocka_unit_test(csv_quoted_fields),
        cmocka_unit_test(json_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
