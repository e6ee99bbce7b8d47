/* test_util.h: helpers shared by the unit tests. cmocka 1.1's
 * assert_float_equal compares floats, too coarse for doubles.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_TEST_UTIL_H
#define WOMSIM_TEST_UTIL_H

#include <math.h>
#include <stdio.h>

/* Fails unless |actual - expected| <= tolerance, printing both. */
#define assert_near(actual, expected, tolerance)                                                   \
    do {                                                                                           \
        double actual_ = (actual), expected_ = (expected);                                        \
        if (!(fabs(actual_ - expected_) <= (tolerance))) {                                         \
            print_error("%s = %.17g, expected %.17g within %g\n", #actual, actual_, expected_,     \
                        (double)(tolerance));                                                      \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
