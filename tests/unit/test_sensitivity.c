/* test_sensitivity.c: Sobol indices and Morris effects of functions whose
 * answers are known analytically: the Ishigami function, Sobol's G
 * function with a factor it ignores, linear functions and constants; the
 * bootstrap's dependence on the seed alone; and every refused argument.
 *
 * Tolerances come from the sampling error that the analysis reports
 * itself: an estimate passes when it lies within two bootstrap half-widths
 * of the analytic value (about 4 standard errors, as the 95% interval's
 * half-width is 1.96 of them) and the analytic value lies inside its 95%
 * interval; the interval must also be narrower than 0.1 (the widest at N =
 * 4096 is about 0.08), so that noise cannot pass by being uncertain.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include <cmocka.h>

#include "test_util.h"
#include "womsim/design.h"
#include "womsim/sensitivity.h"

#define BASE_SAMPLES 4096 /* Saltelli base samples N: 2^12, a balanced Sobol set */
#define RESAMPLES    1000
#define SEED         385

/* Sobol's G function: prod over the factors of (|4x - 2| + a) / (1 + a),
 * a[f] < 0 marking a factor the function ignores. */
static const double g_a[] = {0, 1, 4.5, 9, 99, 99, -1};
#define G_FACTORS 7

typedef double (*model_fn)(const double *x);

static double ishigami(const double *x) {
    const double pi = 3.14159265358979323846, a = 7, b = 0.1;
    double z1 = -pi + 2 * pi * x[0], z2 = -pi + 2 * pi * x[1], z3 = -pi + 2 * pi * x[2];
    return sin(z1) + a * sin(z2) * sin(z2) + b * pow(z3, 4) * sin(z1);
}

static double g_function(const double *x) {
    double y = 1;
    for (size_t f = 0; f < G_FACTORS; f++) {
        if (g_a[f] >= 0) {
            y *= (fabs(4 * x[f] - 2) + g_a[f]) / (1 + g_a[f]);
        }
    }
    return y;
}

/* The design's points (malloc'd into *unit) and the model's outputs at
 * them (malloc'd). */
static double *run_design(wom_design_method method, size_t size, size_t factors, unsigned levels,
                          model_fn model, double **unit) {
    size_t points = wom_design_points(method, size, factors);
    assert_true(points > 0);
    *unit = malloc(points * factors * sizeof **unit);
    double *y = malloc(points * sizeof *y);
    assert_non_null(*unit);
    assert_non_null(y);
    assert_int_equal(wom_design_unit(method, size, factors, levels, SEED, *unit), WOM_OK);
    for (size_t p = 0; p < points; p++) {
        y[p] = model(*unit + p * factors);
    }
    return y;
}

static wom_sobol_t *sobol_of(model_fn model, size_t factors) {
    double *unit = NULL;
    double *y = run_design(WOM_DESIGN_SALTELLI, BASE_SAMPLES, factors, 0, model, &unit);
    wom_sobol_t *indices = calloc(factors, sizeof *indices);
    assert_non_null(indices);
    assert_int_equal(wom_sensitivity_sobol(BASE_SAMPLES, factors, y, SEED, RESAMPLES, indices),
                     WOM_OK);
    free(unit);
    free(y);
    return indices;
}

/* One index against its analytic value (see the top of the file); returns
 * |estimate - analytic|. */
static double check_index(const char *name, size_t factor, double estimate, double lo, double hi,
                          double analytic, double widest) {
    double error = fabs(estimate - analytic);
    if (!(lo <= analytic && analytic <= hi && error <= hi - lo && hi - lo <= widest)) {
        print_error("%s[%zu] = %.6f [%.6f, %.6f], analytic %.6f, interval at most %g wide\n", name,
                    factor, estimate, lo, hi, analytic, widest);
        fail();
    }
    return error;
}

/* Largest errors of S1 and ST against analytic[factors] values each. */
static void check_sobol(const char *function, const wom_sobol_t *indices, size_t factors,
                        const double *s1, const double *st, double widest) {
    double s1_error = 0, st_error = 0;
    for (size_t f = 0; f < factors; f++) {
        const wom_sobol_t *x = &indices[f];
        s1_error = fmax(s1_error, check_index("S1", f, x->s1, x->s1_lo, x->s1_hi, s1[f], widest));
        st_error = fmax(st_error, check_index("ST", f, x->st, x->st_lo, x->st_hi, st[f], widest));
    }
    print_message("%s, N = %d base samples: largest |S1 - analytic| = %.4f, "
                  "largest |ST - analytic| = %.4f\n",
                  function, BASE_SAMPLES, s1_error, st_error);
}

/* Ishigami (a = 7, b = 0.1, inputs uniform on [-pi, pi]): V1 = (1 + b
 * pi^4 / 5)^2 / 2, V2 = a^2 / 8, V13 = b^2 pi^8 8 / 225, V = V1 + V2 +
 * V13; S1 = (V1, V2, 0) / V and ST = (V1 + V13, V2, V13) / V, which
 * round to 0.3139, 0.4424, 0 and 0.5576, 0.4424, 0.2437. */
static void ishigami_sobol_indices(void **state) {
    (void)state;
    const double pi = 3.14159265358979323846, a = 7, b = 0.1;
    double v1 = pow(1 + b * pow(pi, 4) / 5, 2) / 2, v2 = a * a / 8;
    double v13 = b * b * pow(pi, 8) * 8 / 225, v = v1 + v2 + v13;
    const double s1[] = {v1 / v, v2 / v, 0}, st[] = {(v1 + v13) / v, v2 / v, v13 / v};
    const double quoted_s1[] = {0.3139, 0.4424, 0}, quoted_st[] = {0.5576, 0.4424, 0.2437};
    for (size_t f = 0; f < 3; f++) {
        assert_near(s1[f], quoted_s1[f], 5e-5);
        assert_near(st[f], quoted_st[f], 5e-5);
    }
    wom_sobol_t *indices = sobol_of(ishigami, 3);
    check_sobol("Ishigami", indices, 3, s1, st, 0.1);
    free(indices);
}

/* The G function: V_i = 1 / (3 (1 + a_i)^2), V = prod(1 + V_i) - 1, S1_i =
 * V_i / V, ST_i = V_i prod_{j != i}(1 + V_j) / V; the ignored factor's
 * indices and intervals are exactly 0 (f(AB) = f(A) at every sample). */
static void g_function_sobol_indices(void **state) {
    (void)state;
    double partial[G_FACTORS], product = 1, s1[G_FACTORS], st[G_FACTORS];
    for (size_t f = 0; f < G_FACTORS; f++) {
        partial[f] = g_a[f] >= 0 ? 1 / (3 * (1 + g_a[f]) * (1 + g_a[f])) : 0;
        product *= 1 + partial[f];
    }
    for (size_t f = 0; f < G_FACTORS; f++) {
        s1[f] = partial[f] / (product - 1);
        st[f] = partial[f] * product / (1 + partial[f]) / (product - 1);
    }
    wom_sobol_t *indices = sobol_of(g_function, G_FACTORS);
    check_sobol("G function", indices, G_FACTORS, s1, st, 0.1);
    const wom_sobol_t *ignored = &indices[G_FACTORS - 1];
    assert_near(ignored->s1, 0, 0);
    assert_near(ignored->st, 0, 0);
    assert_true(ignored->s1_lo == 0 && ignored->s1_hi == 0);
    assert_true(ignored->st_lo == 0 && ignored->st_hi == 0);
    free(indices);
}

/* An output that does not vary has nothing to explain: every index 0. */
static void constant_output_has_zero_indices(void **state) {
    (void)state;
    const size_t size = 64, factors = 3;
    double y[64 * 5];
    for (size_t i = 0; i < size * (factors + 2); i++) {
        y[i] = 0.385;
    }
    wom_sobol_t indices[3];
    memset(indices, 0xff, sizeof indices); /* NaN everywhere */
    assert_int_equal(wom_sensitivity_sobol(size, factors, y, SEED, 50, indices), WOM_OK);
    for (size_t f = 0; f < factors; f++) {
        const double *fields = &indices[f].s1;
        for (size_t i = 0; i < 6; i++) {
            assert_near(fields[i], 0, 0);
        }
    }
}

/* The bootstrap draws from the seed alone: the same seed gives the same
 * bytes, another the same estimates with other intervals. */
static void sobol_bootstrap_follows_the_seed(void **state) {
    (void)state;
    const size_t size = 256, factors = 3;
    double *unit = NULL;
    double *y = run_design(WOM_DESIGN_SALTELLI, size, factors, 0, ishigami, &unit);
    wom_sobol_t first[3], again[3], other[3];
    assert_int_equal(wom_sensitivity_sobol(size, factors, y, 385, 200, first), WOM_OK);
    assert_int_equal(wom_sensitivity_sobol(size, factors, y, 385, 200, again), WOM_OK);
    assert_int_equal(wom_sensitivity_sobol(size, factors, y, 386, 200, other), WOM_OK);
    assert_memory_equal(first, again, sizeof first);
    assert_near(other[0].s1, first[0].s1, 0);
    assert_near(other[2].st, first[2].st, 0);
    assert_true(other[0].s1_lo != first[0].s1_lo);
    free(unit);
    free(y);
}

/* Indices are shares of variance, so adding a constant to every output
 * changes none of them, nor their intervals (up to rounding). */
static void sobol_indices_ignore_a_constant_offset(void **state) {
    (void)state;
    const size_t size = 256, factors = 3, points = 256 * 5;
    double *unit = NULL;
    double *y = run_design(WOM_DESIGN_SALTELLI, size, factors, 0, ishigami, &unit);
    wom_sobol_t plain[3], offset[3];
    assert_int_equal(wom_sensitivity_sobol(size, factors, y, SEED, 200, plain), WOM_OK);
    for (size_t p = 0; p < points; p++) {
        y[p] += 1000.385;
    }
    assert_int_equal(wom_sensitivity_sobol(size, factors, y, SEED, 200, offset), WOM_OK);
    for (size_t f = 0; f < factors; f++) {
        const double *before = &plain[f].s1, *after = &offset[f].s1;
        for (size_t i = 0; i < 6; i++) {
            assert_near(after[i], before[i], 1e-9);
        }
    }
    free(unit);
    free(y);
}

/* y = sum c_i x_i: every elementary effect of factor i is c_i, so mu = c_i,
 * mu* = |c_i| (its interval too) and sigma = 0, up to rounding. */
static const double linear_c[] = {3.85, -1.7, 0.615, 0};

static double linear(const double *x) {
    return linear_c[0] * x[0] + linear_c[1] * x[1] + linear_c[2] * x[2] + linear_c[3] * x[3];
}

static void morris_of_linear_function_is_exact(void **state) {
    (void)state;
    const size_t trajectories = 17, factors = 4;
    double *unit = NULL;
    double *y = run_design(WOM_DESIGN_MORRIS, trajectories, factors, 6, linear, &unit);
    wom_morris_t effects[4];
    assert_int_equal(
        wom_sensitivity_morris(trajectories, factors, unit, y, SEED, RESAMPLES, effects), WOM_OK);
    for (size_t f = 0; f < factors; f++) {
        assert_near(effects[f].mu, linear_c[f], 1e-12);
        assert_near(effects[f].mu_star, fabs(linear_c[f]), 1e-12);
        assert_near(effects[f].sigma, 0, 1e-12);
        assert_near(effects[f].mu_star_lo, fabs(linear_c[f]), 1e-12);
        assert_near(effects[f].mu_star_hi, fabs(linear_c[f]), 1e-12);
    }
    free(unit);
    free(y);
}

/* y = x0 x1: factor 0's effect is x1 where it moves (>= 0, so |EE| = EE
 * and sigma is also the sd of |EE|), different from one trajectory to the
 * next. The mean of r = 200 such effects is close to normal, so its 95%
 * interval is about 2 x 1.96 sigma / sqrt(r) wide; the percentile
 * bootstrap's width must match within 10%. (Its own noise with 2,000
 * resamplings is about 2% of the width, from the 2.5% and 97.5% quantiles'
 * standard errors; an 80% interval would be 35% narrower.) */
static double product(const double *x) {
    return x[0] * x[1];
}

static void morris_interval_has_normal_width(void **state) {
    (void)state;
    const size_t trajectories = 200, factors = 2;
    double *unit = NULL;
    double *y = run_design(WOM_DESIGN_MORRIS, trajectories, factors, 4, product, &unit);
    wom_morris_t effects[2];
    assert_int_equal(wom_sensitivity_morris(trajectories, factors, unit, y, SEED, 2000, effects),
                     WOM_OK);
    double expected = 2 * 1.959964 * effects[0].sigma / sqrt((double)trajectories);
    assert_true(effects[0].sigma > 0.2); /* the effects do vary */
    assert_near(effects[0].mu_star_hi - effects[0].mu_star_lo, expected, 0.1 * expected);
    assert_true(effects[0].mu_star_lo < effects[0].mu_star &&
                effects[0].mu_star < effects[0].mu_star_hi);
    free(unit);
    free(y);
}

/* Morris on the G function (p = 4 levels: with 2 levels every step would
 * be from 0 to 1, where |4x - 2| is the same) ranks the factors by a:
 * mu* falls strictly along a = 0, 1, 4.5, 9 and both factors with a = 99
 * lie below a = 9's; the ignored factor's mu*, mu and sigma are exactly 0.
 * Adjacent factors' intervals must not overlap, so the order is not luck. */
static void morris_ranks_g_function_factors(void **state) {
    (void)state;
    const size_t trajectories = 100;
    double *unit = NULL;
    double *y = run_design(WOM_DESIGN_MORRIS, trajectories, G_FACTORS, 4, g_function, &unit);
    wom_morris_t effects[G_FACTORS];
    assert_int_equal(
        wom_sensitivity_morris(trajectories, G_FACTORS, unit, y, SEED, RESAMPLES, effects), WOM_OK);
    for (size_t f = 0; f + 1 < 4; f++) {
        assert_true(effects[f].mu_star_lo > effects[f + 1].mu_star_hi);
    }
    assert_true(effects[3].mu_star_lo > effects[4].mu_star_hi);
    assert_true(effects[3].mu_star_lo > effects[5].mu_star_hi);
    assert_true(effects[5].mu_star > 0);
    const wom_morris_t *ignored = &effects[G_FACTORS - 1];
    assert_near(ignored->mu_star, 0, 0);
    assert_near(ignored->mu, 0, 0);
    assert_near(ignored->sigma, 0, 0);
    for (size_t f = 0; f < G_FACTORS; f++) {
        print_message("Morris, G function a = %g: mu* = %.4f [%.4f, %.4f], mu = %.4f, "
                      "sigma = %.4f\n",
                      g_a[f], effects[f].mu_star, effects[f].mu_star_lo, effects[f].mu_star_hi,
                      effects[f].mu, effects[f].sigma);
    }
    free(unit);
    free(y);
}

/* Designs that are not one factor at a time, outputs that are not finite
 * and bad sizes are refused. */
static void morris_refuses_bad_inputs(void **state) {
    (void)state;
    const size_t trajectories = 3, factors = 2, points = 9;
    double unit[9 * 2], y[9];
    assert_int_equal(wom_design_unit(WOM_DESIGN_MORRIS, trajectories, factors, 4, SEED, unit),
                     WOM_OK);
    for (size_t p = 0; p < points; p++) {
        y[p] = 0.385 * (double)p;
    }
    wom_morris_t effects[2];
    assert_int_equal(wom_sensitivity_morris(trajectories, factors, unit, y, SEED, 10, effects),
                     WOM_OK);
    assert_int_equal(wom_sensitivity_morris(trajectories, factors, unit, y, SEED, 0, effects),
                     WOM_EINVAL);
    assert_int_equal(wom_sensitivity_morris(0, factors, unit, y, SEED, 10, effects), WOM_EINVAL);
    assert_int_equal(wom_sensitivity_morris(trajectories, factors, NULL, y, SEED, 10, effects),
                     WOM_EINVAL);
    assert_int_equal(wom_sensitivity_morris(trajectories, factors, unit, y, SEED,
                                            (size_t)UINT32_MAX + 1, effects),
                     WOM_EINVAL);
    y[4] = NAN;
    assert_int_equal(wom_sensitivity_morris(trajectories, factors, unit, y, SEED, 10, effects),
                     WOM_EINVAL);
    y[4] = 0.385;
    double moved_twice[9 * 2], two_at_once[9 * 2];
    memcpy(moved_twice, unit, sizeof unit);
    memcpy(two_at_once, unit, sizeof unit);
    /* trajectory 1 (rows 3-5): row 5 moves back the factor that row 4 moved */
    size_t first_moved = moved_twice[4 * 2] != moved_twice[3 * 2] ? 0 : 1;
    moved_twice[5 * 2 + 0] = moved_twice[4 * 2 + 0];
    moved_twice[5 * 2 + 1] = moved_twice[4 * 2 + 1];
    moved_twice[5 * 2 + first_moved] = moved_twice[3 * 2 + first_moved];
    assert_int_equal(
        wom_sensitivity_morris(trajectories, factors, moved_twice, y, SEED, 10, effects),
        WOM_EINVAL);
    two_at_once[4 * 2 + 0] += 0.125; /* row 4 now differs from row 3 in both factors */
    two_at_once[4 * 2 + 1] += 0.125;
    assert_int_equal(
        wom_sensitivity_morris(trajectories, factors, two_at_once, y, SEED, 10, effects),
        WOM_EINVAL);
}

static void sobol_refuses_bad_inputs(void **state) {
    (void)state;
    double y[4 * 4] = {0.385, 0.5, 0.7, 0.1, 0.2, 0.9, 0.3, 0.6, 0.4, 0.8, 0.25, 0.35};
    wom_sobol_t indices[21];
    assert_int_equal(wom_sensitivity_sobol(4, 2, y, SEED, 10, indices), WOM_OK);
    assert_int_equal(wom_sensitivity_sobol(4, 2, y, SEED, 0, indices), WOM_EINVAL);
    assert_int_equal(wom_sensitivity_sobol(0, 2, y, SEED, 10, indices), WOM_EINVAL);
    assert_int_equal(wom_sensitivity_sobol(1, 21, y, SEED, 10, indices), WOM_EINVAL);
    assert_int_equal(wom_sensitivity_sobol(4, 2, NULL, SEED, 10, indices), WOM_EINVAL);
    assert_int_equal(wom_sensitivity_sobol(4, 2, y, SEED, 10, NULL), WOM_EINVAL);
    y[13] = INFINITY;
    assert_int_equal(wom_sensitivity_sobol(4, 2, y, SEED, 10, indices), WOM_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ishigami_sobol_indices),
        cmocka_unit_test(g_function_sobol_indices),
        cmocka_unit_test(constant_output_has_zero_indices),
        cmocka_unit_test(sobol_bootstrap_follows_the_seed),
        cmocka_unit_test(sobol_indices_ignore_a_constant_offset),
        cmocka_unit_test(morris_of_linear_function_is_exact),
        cmocka_unit_test(morris_interval_has_normal_width),
        cmocka_unit_test(morris_ranks_g_function_factors),
        cmocka_unit_test(morris_refuses_bad_inputs),
        cmocka_unit_test(sobol_refuses_bad_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
