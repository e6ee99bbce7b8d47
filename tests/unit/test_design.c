/* test_design.c: the experimental designs: their point counts and bad
 * arguments, Latin hypercube strata, Sobol points against GSL's published
 * first values, Morris trajectories on their grid, and the row structure
 * of Saltelli designs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include <cmocka.h>
#include <gsl/gsl_qrng.h>

#include "test_util.h"
#include "womsim/design.h"

/* A design's points, malloc'd; fails the test unless it is made. */
static double *make_design(wom_design_method method, size_t size, size_t factors, unsigned levels,
                           uint64_t seed) {
    size_t points = wom_design_points(method, size, factors);
    assert_true(points > 0);
    double *unit = malloc(points * factors * sizeof *unit);
    assert_non_null(unit);
    assert_int_equal(wom_design_unit(method, size, factors, levels, seed, unit), WOM_OK);
    return unit;
}

static void point_counts(void **state) {
    (void)state;
    assert_int_equal(wom_design_points(WOM_DESIGN_LHS, 37, 5), 37);
    assert_int_equal(wom_design_points(WOM_DESIGN_SOBOL, 37, 5), 37);
    assert_int_equal(wom_design_points(WOM_DESIGN_MORRIS, 37, 5), 37 * 6);
    assert_int_equal(wom_design_points(WOM_DESIGN_SALTELLI, 37, 5), 37 * 7);
    assert_int_equal(wom_design_points(WOM_DESIGN_SOBOL, 3, 40), 3);
    assert_int_equal(wom_design_points(WOM_DESIGN_SALTELLI, 3, 20), 3 * 22);
    assert_int_equal(wom_design_points(WOM_DESIGN_SOBOL, WOM_DESIGN_SOBOL_MAX_POINTS, 1),
                     WOM_DESIGN_SOBOL_MAX_POINTS);
}

static void bad_arguments_have_no_points(void **state) {
    (void)state;
    assert_int_equal(wom_design_points(WOM_DESIGN_GRID, 37, 5), 0);
    assert_int_equal(wom_design_points((wom_design_method)17, 37, 5), 0);
    assert_int_equal(wom_design_points(WOM_DESIGN_LHS, 0, 5), 0);
    assert_int_equal(wom_design_points(WOM_DESIGN_MORRIS, 37, 0), 0);
    assert_int_equal(wom_design_points(WOM_DESIGN_SOBOL, 3, 41), 0);
    assert_int_equal(wom_design_points(WOM_DESIGN_SALTELLI, 3, 21), 0);
    assert_int_equal(wom_design_points(WOM_DESIGN_SOBOL, WOM_DESIGN_SOBOL_MAX_POINTS + 1, 1), 0);
    assert_int_equal(wom_design_points(WOM_DESIGN_LHS, (size_t)UINT32_MAX + 1, 1), 0);
    /* r (k + 1) fits, r (k + 1) k doubles do not */
    assert_int_equal(wom_design_points(WOM_DESIGN_MORRIS, UINT32_MAX, 1u << 20), 0);
    assert_int_equal(wom_design_points(WOM_DESIGN_MORRIS, UINT32_MAX, 2), 3 * (size_t)UINT32_MAX);
}

static void bad_arguments_are_refused(void **state) {
    (void)state;
    double unit[64];
    assert_int_equal(wom_design_unit(WOM_DESIGN_GRID, 3, 2, 4, 385, unit), WOM_EINVAL);
    assert_int_equal(wom_design_unit(WOM_DESIGN_SOBOL, 1, 41, 4, 385, unit), WOM_EINVAL);
    assert_int_equal(wom_design_unit(WOM_DESIGN_LHS, 3, 2, 4, 385, NULL), WOM_EINVAL);
    assert_int_equal(wom_design_unit(WOM_DESIGN_MORRIS, 3, 2, 5, 385, unit), WOM_EINVAL);
    assert_int_equal(wom_design_unit(WOM_DESIGN_MORRIS, 3, 2, 0, 385, unit), WOM_EINVAL);
    assert_int_equal(wom_design_unit(WOM_DESIGN_MORRIS, 3, 2, 1, 385, unit), WOM_EINVAL);
    assert_int_equal(wom_design_unit(WOM_DESIGN_MORRIS, 3, 2, 2, 385, unit), WOM_OK);
}

/* Every factor's column has exactly one value in each stratum [s / n, (s
 * + 1) / n), and the columns are not all the same permutation. */
static void lhs_has_one_point_per_stratum(void **state) {
    (void)state;
    const size_t size = 37, factors = 5;
    double *unit = make_design(WOM_DESIGN_LHS, size, factors, 0, 385);
    size_t same_as_first = 0;
    for (size_t f = 0; f < factors; f++) {
        unsigned hits[37] = {0};
        for (size_t p = 0; p < size; p++) {
            double x = unit[p * factors + f];
            assert_true(x >= 0 && x < 1);
            hits[(size_t)floor(x * size)]++;
            same_as_first += f > 0 && floor(x * size) == floor(unit[p * factors] * size);
        }
        for (size_t s = 0; s < size; s++) {
            assert_int_equal(hits[s], 1);
        }
    }
    assert_true(same_as_first < size);
    free(unit);
}

/* A random design is a function of its seed alone. */
static void random_designs_follow_the_seed(void **state) {
    (void)state;
    const wom_design_method methods[] = {WOM_DESIGN_LHS, WOM_DESIGN_MORRIS};
    for (size_t m = 0; m < 2; m++) {
        size_t bytes = wom_design_points(methods[m], 23, 4) * 4 * sizeof(double);
        double *first = make_design(methods[m], 23, 4, 6, 385);
        double *again = make_design(methods[m], 23, 4, 6, 385);
        double *other = make_design(methods[m], 23, 4, 6, 386);
        assert_memory_equal(first, again, bytes);
        assert_memory_not_equal(first, other, bytes);
        free(first);
        free(again);
        free(other);
    }
}

/* GSL's Sobol sequence in 3 dimensions starts (0.5, 0.5, 0.5), (0.75,
 * 0.25, 0.75), (0.25, 0.75, 0.25), (0.375, 0.375, 0.625), (0.875, 0.875,
 * 0.125): point 0, all zeros, is not in the design. */
static void sobol_starts_at_gsl_point_one(void **state) {
    (void)state;
    const double expected[] = {0.5,  0.5,   0.5,   0.75,  0.25,  0.75,  0.25, 0.75,
                               0.25, 0.375, 0.375, 0.625, 0.875, 0.875, 0.125};
    double *unit = make_design(WOM_DESIGN_SOBOL, 5, 3, 0, 385);
    for (size_t i = 0; i < 15; i++) {
        assert_near(unit[i], expected[i], 0);
    }
    double *other = make_design(WOM_DESIGN_SOBOL, 5, 3, 0, 386); /* the seed is not used */
    assert_memory_equal(unit, other, 15 * sizeof(double));
    free(unit);
    free(other);
}

/* Morris trajectories with p = 6 levels (Delta = 0.6): every value on the
 * grid; consecutive rows differ in exactly one factor by exactly +/-Delta;
 * each factor moves once per trajectory; both directions and more than one
 * factor order occur. */
static void morris_trajectories_move_one_factor_at_a_time(void **state) {
    (void)state;
    const size_t trajectories = 29, factors = 4;
    const unsigned levels = 6;
    const double delta = levels / (2.0 * (levels - 1));
    double *unit = make_design(WOM_DESIGN_MORRIS, trajectories, factors, levels, 385);
    size_t up = 0, down = 0, first_moved_counts[4] = {0};
    for (size_t i = 0; i < trajectories * (factors + 1) * factors; i++) {
        double level = unit[i] * (levels - 1);
        assert_near(level, round(level), 1e-12);
        assert_true(unit[i] >= 0 && unit[i] <= 1);
    }
    for (size_t t = 0; t < trajectories; t++) {
        const double *rows = unit + t * (factors + 1) * factors;
        unsigned moves[4] = {0};
        for (size_t m = 0; m < factors; m++) {
            size_t changed = 0, moved = 0;
            for (size_t f = 0; f < factors; f++) {
                double step = rows[(m + 1) * factors + f] - rows[m * factors + f];
                if (step != 0) {
                    changed++;
                    moved = f;
                    assert_near(fabs(step), delta, 1e-12);
                    up += step > 0;
                    down += step < 0;
                }
            }
            assert_int_equal(changed, 1);
            moves[moved]++;
            first_moved_counts[moved] += m == 0;
        }
        for (size_t f = 0; f < factors; f++) {
            assert_int_equal(moves[f], 1);
        }
    }
    assert_true(up > 0 && down > 0);
    for (size_t f = 0; f < factors; f++) { /* each factor leads some trajectory */
        assert_true(first_moved_counts[f] > 0);
    }
    free(unit);
}

/* Saltelli rows per base sample j: A_j and B_j are GSL's 2k-dimensional
 * Sobol point j + 1, split in halves; AB_j^(i) is A_j with factor i from
 * B_j. */
static void saltelli_rows_mix_a_and_b(void **state) {
    (void)state;
    const size_t size = 9, factors = 3, rows = factors + 2;
    double *unit = make_design(WOM_DESIGN_SALTELLI, size, factors, 0, 385);
    gsl_qrng *sequence = gsl_qrng_alloc(gsl_qrng_sobol, 2 * factors);
    assert_non_null(sequence);
    for (size_t j = 0; j < size; j++) {
        double point[6];
        assert_int_equal(gsl_qrng_get(sequence, point), 0);
        const double *block = unit + j * rows * factors;
        const double *a = block, *b = block + factors;
        for (size_t f = 0; f < factors; f++) {
            assert_near(a[f], point[f], 0);
            assert_near(b[f], point[factors + f], 0);
        }
        for (size_t i = 0; i < factors; i++) {
            const double *ab = block + (i + 2) * factors;
            for (size_t f = 0; f < factors; f++) {
                assert_near(ab[f], f == i ? b[f] : a[f], 0);
            }
        }
    }
    gsl_qrng_free(sequence);
    free(unit);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(point_counts),
        cmocka_unit_test(bad_arguments_have_no_points),
        cmocka_unit_test(bad_arguments_are_refused),
        cmocka_unit_test(lhs_has_one_point_per_stratum),
        cmocka_unit_test(random_designs_follow_the_seed),
        cmocka_unit_test(sobol_starts_at_gsl_point_one),
        cmocka_unit_test(morris_trajectories_move_one_factor_at_a_time),
        cmocka_unit_test(saltelli_rows_mix_a_and_b),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
