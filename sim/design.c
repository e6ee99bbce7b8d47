/* design.c: the points of the experimental designs of design.h, in the
 * unit cube. Owns no memory beyond one GSL generator per call (Sobol,
 * Saltelli); the caller owns `unit`. Workload: a few thousand points, made
 * once per command, so clarity comes before speed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/design.h"

#include <gsl/gsl_qrng.h>

#include "rng.h"

/* The Sobol dimensions a design takes (0 for the random designs). */
static size_t sobol_dimensions(wom_design_method method, size_t factors) {
    if (method == WOM_DESIGN_SOBOL) {
        return factors;
    }
    return method == WOM_DESIGN_SALTELLI ? 2 * factors : 0;
}

/* Points per unit of `size`: 1, k + 1 or k + 2; 0 for GRID or an unknown
 * method (k + 1 cannot wrap: within_limits keeps Morris's k below 2^32,
 * and were size_t 32 bits, k = 2^32 - 1 would give 0, refused). */
static size_t points_per_size(wom_design_method method, size_t factors) {
    switch (method) {
    case WOM_DESIGN_LHS:
    case WOM_DESIGN_SOBOL:
        return 1;
    case WOM_DESIGN_MORRIS:
        return factors + 1;
    case WOM_DESIGN_SALTELLI:
        return factors + 2;
    case WOM_DESIGN_GRID:
        break;
    }
    return 0;
}

/* Whether `size` and `factors` fit the method's limits: GSL's Sobol
 * sequence, and the 32-bit stream keys and uniform draws of the random
 * designs (a factor or trajectory is a key's agent; a stratum or factor
 * index is drawn below a 32-bit bound). */
static int within_limits(wom_design_method method, size_t size, size_t factors) {
    size_t dimensions = sobol_dimensions(method, factors);
    if (dimensions > 0) {
        return dimensions <= WOM_DESIGN_SOBOL_MAX_DIMENSIONS && size <= WOM_DESIGN_SOBOL_MAX_POINTS;
    }
    return size <= UINT32_MAX && factors <= UINT32_MAX;
}

size_t wom_design_points(wom_design_method method, size_t size, size_t factors) {
    size_t per_size = points_per_size(method, factors);
    if (size == 0 || factors == 0 || per_size == 0 || !within_limits(method, size, factors)) {
        return 0;
    }
    if (size > SIZE_MAX / per_size) {
        return 0;
    }
    size_t points = size * per_size;
    return points > SIZE_MAX / sizeof(double) / factors ? 0 : points;
}

/* Factor `factor`'s column of a Latin hypercube: the strata 0 .. size - 1
 * shuffled in place (Fisher-Yates), then each value jittered uniformly
 * within its stratum. */
static void lhs_column(size_t size, size_t factors, size_t factor, uint64_t seed, double *unit) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(
        &stream, (wom_rng_key_t){seed, 0, WOM_DESIGN_LHS, (uint32_t)factor, WOM_SITE_DESIGN});
    for (size_t p = 0; p < size; p++) {
        unit[p * factors + factor] = (double)p;
    }
    for (size_t p = size - 1; p > 0; p--) {
        size_t other = wom_rng_stream_index(&stream, (uint32_t)(p + 1));
        double stratum = unit[p * factors + factor];
        unit[p * factors + factor] = unit[other * factors + factor];
        unit[other * factors + factor] = stratum;
    }
    for (size_t p = 0; p < size; p++) {
        double jitter = 1 - wom_rng_stream_unit(&stream); /* in [0, 1) */
        unit[p * factors + factor] = (unit[p * factors + factor] + jitter) / (double)size;
    }
}

static void lhs_design(size_t size, size_t factors, uint64_t seed, double *unit) {
    for (size_t f = 0; f < factors; f++) {
        lhs_column(size, factors, f, seed, unit);
    }
}

/* Trajectory `trajectory`'s k + 1 rows at `rows`. Grid levels are
 * integers 0 .. p - 1 until written (as level / (p - 1)), so every value
 * is exactly a grid value and Delta is p / 2 levels. Draws, in order: the
 * base level of each factor (below p / 2, so that base + p / 2 <= p - 1),
 * a direction word per factor, then the factor order (Fisher-Yates). The
 * order is kept in the last row while the rows are made, and overwritten
 * last. */
static void morris_trajectory(size_t factors, unsigned levels, uint64_t seed, size_t trajectory,
                              double *rows) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){seed, 0, WOM_DESIGN_MORRIS, (uint32_t)trajectory,
                                                 WOM_SITE_DESIGN});
    unsigned half = levels / 2;
    double top = levels - 1;
    double *order = rows + factors * factors; /* the last row, as scratch */
    for (size_t f = 0; f < factors; f++) {
        rows[f] = wom_rng_stream_below(&stream, half); /* base level */
    }
    for (size_t f = 0; f < factors; f++) {
        rows[f] += (wom_rng_stream_next(&stream) >> 31) ? half : 0; /* starts high: moves down */
    }
    for (size_t f = 0; f < factors; f++) {
        order[f] = (double)f;
    }
    for (size_t f = factors - 1; f > 0; f--) {
        size_t other = wom_rng_stream_below(&stream, (uint32_t)(f + 1));
        double moved = order[f];
        order[f] = order[other];
        order[other] = moved;
    }
    for (size_t m = 0; m < factors; m++) { /* row m + 1: row m with factor order[m] moved */
        size_t moved = (size_t)order[m];
        double *row = rows + m * factors, *next = row + factors;
        for (size_t f = 0; f < factors; f++) {
            next[f] = row[f];
        }
        next[moved] = row[moved] >= half ? row[moved] - half : row[moved] + half;
    }
    for (size_t i = 0; i < (factors + 1) * factors; i++) {
        rows[i] /= top;
    }
}

static wom_status morris_design(size_t trajectories, size_t factors, unsigned levels, uint64_t seed,
                                double *unit) {
    if (levels < 2 || levels % 2 != 0) {
        return WOM_EINVAL;
    }
    for (size_t t = 0; t < trajectories; t++) {
        morris_trajectory(factors, levels, seed, t, unit + t * (factors + 1) * factors);
    }
    return WOM_OK;
}

/* A Saltelli design's k + 2 rows of one base sample, from a Sobol point
 * of 2k dimensions: A, B, then AB^(i). */
static void saltelli_rows(size_t factors, const double *point, double *rows) {
    const double *a = point, *b = point + factors;
    for (size_t r = 0; r < factors + 2; r++) {
        double *row = rows + r * factors;
        for (size_t f = 0; f < factors; f++) {
            row[f] = r == 1 || r == f + 2 ? b[f] : a[f];
        }
    }
}

/* Sobol and Saltelli: `size` points of GSL's sequence. GSL's first point
 * is already point 1 (0.5, ..., 0.5): point 0, all zeros, is skipped. */
static wom_status sobol_design(wom_design_method method, size_t size, size_t factors,
                               double *unit) {
    size_t dimensions = sobol_dimensions(method, factors);
    size_t rows = points_per_size(method, factors);
    gsl_qrng *sequence = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dimensions);
    if (sequence == NULL) {
        return WOM_ENOMEM;
    }
    wom_status status = WOM_OK;
    double point[WOM_DESIGN_SOBOL_MAX_DIMENSIONS];
    for (size_t j = 0; j < size && status == WOM_OK; j++) {
        if (gsl_qrng_get(sequence, point) != 0) {
            status = WOM_ELIBRARY; /* exhausted: wom_design_points keeps size below that */
        } else if (method == WOM_DESIGN_SALTELLI) {
            saltelli_rows(factors, point, unit + j * rows * factors);
        } else {
            for (size_t f = 0; f < factors; f++) {
                unit[j * factors + f] = point[f];
            }
        }
    }
    gsl_qrng_free(sequence);
    return status;
}

wom_status wom_design_unit(wom_design_method method, size_t size, size_t factors, unsigned levels,
                           uint64_t seed, double *unit) {
    if (wom_design_points(method, size, factors) == 0 || unit == NULL) {
        return WOM_EINVAL;
    }
    switch (method) {
    case WOM_DESIGN_LHS:
        lhs_design(size, factors, seed, unit);
        return WOM_OK;
    case WOM_DESIGN_MORRIS:
        return morris_design(size, factors, levels, seed, unit);
    case WOM_DESIGN_SOBOL:
    case WOM_DESIGN_SALTELLI:
        return sobol_design(method, size, factors, unit);
    case WOM_DESIGN_GRID:
        break;
    }
    return WOM_EINVAL;
}
