/* test_config_design.c: unit tests of sampled designs in the config
 * (sim/config_design.c): keys given as ranges LO:HI, the design's points
 * (values inside the ranges, the keys varying together, integers whole),
 * the problems named at the key's line, the dump that keeps the ranges
 * and reads back to the same design, copies, and that a design depends on
 * the seed (LHS) or not (Sobol).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_internal.h" /* wom_config_copy */
#include "womsim/config.h"

static wom_config_t *new_config(void) {
    wom_config_t *config = NULL;
    assert_int_equal(wom_config_alloc(&config), WOM_OK);
    return config;
}

static void set(wom_config_t *config, const char *assignment) {
    wom_error_t error = {0};
    if (wom_config_set(config, assignment, &error) != WOM_OK) {
        fail_msg("--set %s: %s", assignment, error.message);
    }
}

static wom_scenario_t scenario_at(const wom_config_t *config, size_t point) {
    wom_scenario_t scenario;
    wom_error_t error = {0};
    if (wom_config_scenario(config, point, &scenario, &error) != WOM_OK) {
        fail_msg("point %zu: %s", point, error.message);
    }
    return scenario;
}

static void expect_problem(const wom_config_t *config, const char *file, const char *part) {
    wom_scenario_t scenario;
    wom_error_t error = {0};
    assert_int_equal(wom_config_points(config), 1); /* its one point names the problem */
    assert_int_equal(wom_config_scenario(config, 0, &scenario, &error), WOM_ECONFIG);
    assert_string_equal(error.file, file);
    if (strstr(error.message, part) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", error.message, part);
    }
}

/* A Latin hypercube of 20 points over two keys: every value in its range,
 * one in each twentieth of it (to the 6 digits kept), integers whole. */
static void test_lhs_points(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "service.quality=0.7:0.9");
    set(config, "wom.dissatisfied_tell_mean=4:24");
    set(config, "design.method=lhs");
    set(config, "design.points=20");
    assert_int_equal(wom_config_points(config), 20);
    int strata[20] = {0};
    for (size_t p = 0; p < 20; p++) {
        wom_scenario_t s = scenario_at(config, p);
        assert_true(s.service.quality >= 0.7 && s.service.quality <= 0.9);
        int stratum = (int)((s.service.quality - 0.7) / 0.01);
        strata[stratum < 20 ? stratum : 19]++;
        assert_true(s.wom.dissatisfied_tell_mean >= 4 && s.wom.dissatisfied_tell_mean <= 24);
        /* the keys vary together: point p is the p-th value of each */
        assert_int_equal(wom_config_value_index(config, p, 0), p);
        assert_int_equal(wom_config_value_index(config, p, 1), p);
    }
    for (int i = 0; i < 20; i++) {
        assert_int_equal(strata[i], 1);
    }
    wom_config_sweep_t key;
    assert_int_equal(wom_config_sweep_key(config, 0, &key), WOM_OK);
    assert_string_equal(key.name, "service.quality");
    assert_int_equal(key.count, 20);
    assert_string_equal(key.range[0], "0.7");
    assert_string_equal(key.range[1], "0.9");
    wom_config_free(config);
}

/* An integer key takes whole values in equal bins of its range, both ends
 * included. */
static void test_integer_range(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "population.initial_purchases=0:3");
    set(config, "design.method=lhs");
    set(config, "design.points=8");
    int seen[4] = {0};
    for (size_t p = 0; p < 8; p++) {
        int64_t purchases = scenario_at(config, p).population.initial_purchases;
        assert_true(purchases >= 0 && purchases <= 3);
        seen[purchases]++;
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(seen[i], 2); /* two strata per bin */
    }
    wom_config_free(config);
}

/* Morris: trajectories of k + 1 points, consecutive points one key apart;
 * the unit design is what the analysis reads. */
static void test_morris_points(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "design.method=morris");
    set(config, "design.points=3");
    set(config, "service.quality=0.7:0.95");
    set(config, "wom.dissatisfied_tell_mean=5:20");
    assert_int_equal(wom_config_points(config), 9);
    wom_config_design_t design;
    assert_int_equal(wom_config_design(config, &design), WOM_OK);
    assert_int_equal(design.method, WOM_DESIGN_MORRIS);
    assert_int_equal(design.factors, 2);
    assert_int_equal(design.points, 9);
    assert_non_null(design.unit);
    for (size_t t = 0; t < 3; t++) {
        for (size_t step = 1; step < 3; step++) {
            wom_scenario_t a = scenario_at(config, t * 3 + step - 1);
            wom_scenario_t b = scenario_at(config, t * 3 + step);
            int moved = (a.service.quality != b.service.quality) +
                        (a.wom.dissatisfied_tell_mean != b.wom.dissatisfied_tell_mean);
            assert_int_equal(moved, 1);
        }
    }
    wom_config_free(config);
}

/* The dump keeps the ranges and the design keys, and reads back to the
 * same points; a copy has them too. */
static void test_dump_round_trip(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "design.method=sobol");
    set(config, "design.points=5");
    set(config, "adoption.winback=0:0.01");
    char *dump = NULL;
    wom_config_t *plain = new_config(); /* design keys at their defaults: no [design] at all */
    assert_int_equal(wom_config_dump(plain, &dump), WOM_OK);
    assert_null(strstr(dump, "[design]"));
    free(dump);
    wom_config_free(plain);
    assert_int_equal(wom_config_dump(config, &dump), WOM_OK);
    assert_non_null(strstr(dump, "winback = 0:0.01\n"));
    assert_non_null(strstr(dump, "method = sobol\n"));
    char path[] = "/tmp/womsim-test-design-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, dump, strlen(dump)), (ssize_t)strlen(dump));
    close(fd);
    wom_config_t *again = new_config(), *copy = NULL;
    wom_error_t error = {0};
    assert_int_equal(wom_config_read_file(again, path, &error), WOM_OK);
    assert_int_equal(wom_config_copy(config, &copy), WOM_OK);
    unlink(path);
    assert_int_equal(wom_config_points(again), 5);
    for (size_t p = 0; p < 5; p++) {
        double expected = scenario_at(config, p).adoption.winback;
        assert_true(scenario_at(again, p).adoption.winback == expected);
        assert_true(scenario_at(copy, p).adoption.winback == expected);
    }
    char first[65], second[65];
    assert_int_equal(wom_config_hash(config, first), WOM_OK);
    assert_int_equal(wom_config_hash(again, second), WOM_OK);
    assert_string_equal(first, second);
    free(dump);
    wom_config_free(again);
    wom_config_free(copy);
    wom_config_free(config);
}

/* An LHS depends on the seed; a Sobol design does not. */
static void test_seed(void **state) {
    (void)state;
    const char *methods[] = {"design.method=lhs", "design.method=sobol"};
    for (int m = 0; m < 2; m++) {
        double values[2][6];
        for (int s = 0; s < 2; s++) {
            wom_config_t *config = new_config();
            set(config, "service.quality=0.5:1");
            set(config, methods[m]);
            set(config, "design.points=6");
            set(config, s == 0 ? "simulation.seed=1" : "simulation.seed=2");
            for (size_t p = 0; p < 6; p++) {
                values[s][p] = scenario_at(config, p).service.quality;
            }
            wom_config_free(config);
        }
        bool same = memcmp(values[0], values[1], sizeof values[0]) == 0;
        assert_true(m == 0 ? !same : same);
    }
}

/* Each problem named at the line (or option) of the key at fault. */
static void test_problems(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "service.quality=0.7:0.9");
    expect_problem(config, "--set", "is a range for a sampled design");
    set(config, "design.method=lhs");
    set(config, "wom.satisfied_tell_mean=3, 5");
    expect_problem(config, "--set", "every varied key is a range LO:HI");
    wom_config_free(config);

    config = new_config();
    set(config, "design.method=saltelli");
    expect_problem(config, "--set", "needs at least one key given as a range");
    set(config, "design.levels=3");
    static const char *const keys[] = {"recovery.repurchase_silent_minor",
                                       "recovery.repurchase_silent_major",
                                       "recovery.repurchase_unresolved_minor",
                                       "recovery.repurchase_unresolved_major",
                                       "recovery.repurchase_resolved_minor",
                                       "recovery.repurchase_resolved_major",
                                       "recovery.repurchase_quick_minor",
                                       "recovery.repurchase_quick_major",
                                       "adoption.advertising",
                                       "adoption.base",
                                       "adoption.persuasion",
                                       "adoption.max",
                                       "adoption.winback",
                                       "wom.satisfied_tell_mean",
                                       "wom.dissatisfied_tell_mean",
                                       "wom.routine_tell_prob",
                                       "wom.major_tell_factor",
                                       "wom.weak_tie_share",
                                       "wom.dispersion",
                                       "wom.forward_prob",
                                       "wom.forward_tell_mean"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) { /* more than Saltelli takes */
        char assignment[96];
        snprintf(assignment, sizeof assignment, "%s=0.1:0.2", keys[k]);
        set(config, assignment);
    }
    expect_problem(config, "--set", "saltelli cannot take 21 varied keys");
    set(config, "design.method=morris");
    expect_problem(config, "--set", "Morris needs an even number of levels");
    wom_config_free(config);

    config = new_config();
    wom_error_t error = {0};
    assert_int_equal(wom_config_set(config, "service.quality=0.9:0.7", &error), WOM_ECONFIG);
    assert_non_null(strstr(error.message, "must rise"));
    assert_int_equal(wom_config_set(config, "service.quality=0.5:1.5", &error), WOM_ECONFIG);
    assert_non_null(strstr(error.message, "out of range"));
    assert_int_equal(wom_config_set(config, "wom.tell_distribution=fixed:poisson", &error),
                     WOM_ECONFIG);
    assert_non_null(strstr(error.message, "is for numbers"));
    wom_config_free(config);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lhs_points),    cmocka_unit_test(test_integer_range),
        cmocka_unit_test(test_morris_points), cmocka_unit_test(test_dump_round_trip),
        cmocka_unit_test(test_seed),          cmocka_unit_test(test_problems),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
