/* test_rng.c: keyed Philox streams: uniformity, independence of keys,
 * thresholds, and the gsl_rng adapter.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <math.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "rng.h"

static const wom_rng_key_t base_key = {0x9e3779b97f4a7c15u, 17, 385, 4093, WOM_SITE_AGENT_STEP};

/* Chi-square test of 2^16 words over 64 equal bins: with a fixed key the
 * statistic is a fixed number; it must lie below the 0.999 quantile of
 * chi-square(63), which a biased stream (e.g. a bin never hit) exceeds. */
static void words_are_uniform(void **state) {
    (void)state;
    enum { BINS = 64, DRAWS = 1 << 16 };
    unsigned counts[BINS] = {0};
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, base_key);
    for (int i = 0; i < DRAWS; i++) {
        counts[wom_rng_stream_next(&stream) >> 26]++;
    }
    double expected = (double)DRAWS / BINS, chi2 = 0;
    for (int b = 0; b < BINS; b++) {
        chi2 += (counts[b] - expected) * (counts[b] - expected) / expected;
    }
    assert_true(chi2 < gsl_cdf_chisq_Pinv(0.999, BINS - 1));
    assert_true(chi2 > gsl_cdf_chisq_Pinv(0.001, BINS - 1)); /* not suspiciously even */
}

static void same_key_same_stream(void **state) {
    (void)state;
    wom_rng_stream_t a, b;
    wom_rng_stream_init(&a, base_key);
    wom_rng_stream_init(&b, base_key);
    for (int i = 0; i < 37; i++) {
        assert_int_equal(wom_rng_stream_next(&a), wom_rng_stream_next(&b));
    }
}

/* Changing any one field of the key gives another stream. */
static void each_key_field_matters(void **state) {
    (void)state;
    wom_rng_key_t keys[5] = {base_key, base_key, base_key, base_key, base_key};
    keys[0].seed ^= 1;
    keys[1].task++;
    keys[2].step++;
    keys[3].agent++;
    keys[4].site = WOM_SITE_TELL_PICK;
    wom_rng_stream_t reference;
    wom_rng_stream_init(&reference, base_key);
    uint32_t first[8];
    for (int i = 0; i < 8; i++) {
        first[i] = wom_rng_stream_next(&reference);
    }
    for (int k = 0; k < 5; k++) {
        wom_rng_stream_t other;
        wom_rng_stream_init(&other, keys[k]);
        int equal = 0;
        for (int i = 0; i < 8; i++) {
            equal += wom_rng_stream_next(&other) == first[i];
        }
        assert_int_equal(equal, 0);
    }
}

static void thresholds_are_exact_at_the_ends(void **state) {
    (void)state;
    assert_true(wom_rng_threshold(0) == 0);
    assert_true(wom_rng_threshold(-0.25) == 0);
    assert_true(wom_rng_threshold(1) > UINT32_MAX);
    assert_true(wom_rng_threshold(0.385) == (uint64_t)(0.385 * 4294967296.0 + 0.5));
}

/* The share of words below the threshold of p = 0.385 over 10^5 draws is
 * within 4 binomial standard deviations of p. */
static void bernoulli_rate_matches(void **state) {
    (void)state;
    const double p = 0.385;
    const int n = 100000;
    uint64_t threshold = wom_rng_threshold(p);
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, base_key);
    int hits = 0;
    for (int i = 0; i < n; i++) {
        hits += wom_rng_stream_next(&stream) < threshold;
    }
    assert_true(fabs((double)hits / n - p) < 4 * sqrt(p * (1 - p) / n));
}

static void below_stays_in_range(void **state) {
    (void)state;
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, base_key);
    unsigned seen[7] = {0};
    for (int i = 0; i < 7000; i++) {
        uint32_t value = wom_rng_stream_below(&stream, 7);
        assert_true(value < 7);
        seen[value]++;
    }
    for (int v = 0; v < 7; v++) {
        assert_true(seen[v] > 850 && seen[v] < 1150); /* 1000 +- ~4.4 sd */
    }
}

/* The GSL adapter repeats after a reset to the same key, differs for
 * another key, and its Poisson draws have the right mean (4 standard
 * errors of a Poisson(5.3) mean over 20000 draws). */
static void gsl_adapter_is_keyed(void **state) {
    (void)state;
    gsl_rng *rng = wom_rng_alloc_gsl();
    assert_non_null(rng);
    wom_rng_reset_gsl(rng, base_key);
    unsigned long first = gsl_rng_get(rng);
    wom_rng_reset_gsl(rng, base_key);
    assert_int_equal(gsl_rng_get(rng), first);
    wom_rng_key_t other = base_key;
    other.agent++;
    wom_rng_reset_gsl(rng, other);
    assert_int_not_equal(gsl_rng_get(rng), first);
    double sum = 0;
    const int n = 20000;
    for (int i = 0; i < n; i++) {
        other.agent = (uint32_t)i;
        wom_rng_reset_gsl(rng, other);
        sum += gsl_ran_poisson(rng, 5.3);
    }
    assert_true(fabs(sum / n - 5.3) < 4 * sqrt(5.3 / n));
    gsl_rng_free(rng);
}

/* Blocks computed ahead are each entity's stream's first four words. */
static void first_blocks_are_the_streams_starts(void **state) {
    (void)state;
    enum { COUNT = 5 };
    philox4x32_ctr_t blocks[COUNT];
    wom_rng_first_blocks(base_key, COUNT, blocks);
    for (uint32_t entity = 0; entity < COUNT; entity++) {
        wom_rng_key_t key = base_key;
        key.agent += entity;
        wom_rng_stream_t stream;
        wom_rng_stream_init(&stream, key);
        for (int i = 0; i < 4; i++) {
            assert_int_equal(blocks[entity].v[i], wom_rng_stream_next(&stream));
        }
    }
}

/* Tries of a byte each: for every threshold's top byte (0 to 256) and
 * counts of 1 to 64, bit k of the successes and of the ties says what byte
 * k of the stream's words says against the top byte, read one word at a
 * time; the stream is left where whole pairs of words end. */
static void tries_read_bytes_in_order(void **state) {
    (void)state;
    for (uint32_t high = 0; high <= 256; high += (high % 16 == 15 || high >= 250) ? 1 : 7) {
        for (unsigned count = 1; count <= 64; count += 9) {
            wom_rng_key_t key = base_key;
            key.agent = high * 100 + count;
            wom_rng_stream_t fast, plain;
            wom_rng_stream_init(&fast, key);
            wom_rng_stream_init(&plain, key);
            uint64_t ties;
            uint64_t hits = wom_rng_stream_trials(&fast, count, high, &ties);
            uint32_t word = 0;
            for (unsigned k = 0; k < count; k++) {
                word = k % 4 == 0 ? wom_rng_stream_next(&plain) : word;
                uint32_t byte = word >> (8 * (k % 4)) & 0xFF;
                assert_int_equal(hits >> k & 1, byte < high);
                assert_int_equal(ties >> k & 1, byte == high);
            }
            if (count < 64) { /* nothing past the last try */
                assert_int_equal(hits >> count, 0);
                assert_int_equal(ties >> count, 0);
            }
            if (high <= 0xFF) { /* every pair of words drawn: the next word agrees */
                unsigned words = (count + 3) / 4;
                if (words % 2 == 1) {
                    wom_rng_stream_next(&plain);
                }
                assert_int_equal(wom_rng_stream_next(&fast), wom_rng_stream_next(&plain));
            }
        }
    }
}

/* 53-bit uniforms lie in (0, 1]; the mean of 2^16 of them is within 5
 * standard errors (sd 1 / sqrt(12 x 2^16) = 0.00113) of 1/2. */
static void units_are_in_the_half_open_interval(void **state) {
    (void)state;
    enum { DRAWS = 1 << 16 };
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, base_key);
    double sum = 0;
    for (int i = 0; i < DRAWS; i++) {
        double u = wom_rng_stream_unit(&stream);
        assert_true(u > 0 && u <= 1);
        sum += u;
    }
    assert_true(fabs(sum / DRAWS - 0.5) < 5 * 0.00113);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_are_uniform),
        cmocka_unit_test(same_key_same_stream),
        cmocka_unit_test(each_key_field_matters),
        cmocka_unit_test(thresholds_are_exact_at_the_ends),
        cmocka_unit_test(bernoulli_rate_matches),
        cmocka_unit_test(below_stays_in_range),
        cmocka_unit_test(gsl_adapter_is_keyed),
        cmocka_unit_test(first_blocks_are_the_streams_starts),
        cmocka_unit_test(tries_read_bytes_in_order),
        cmocka_unit_test(units_are_in_the_half_open_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
