/* sensitivity.c: Morris elementary effects and Sobol indices with their
 * bootstrap intervals (sensitivity.h). Each analysis allocates one scratch
 * buffer per call, for its effects or its resampled estimates; resamplings
 * allocate nothing. Sums run in a fixed order (trajectory, base sample,
 * draw), so results depend only on the inputs and the seed. Workload: a
 * thousand resamplings of a few thousand outputs, under a second.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/sensitivity.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "rng.h"
#include "womsim/design.h"

static bool all_finite(const double *values, size_t count) {
    for (size_t i = 0; i < count; i++) {
        if (!isfinite(values[i])) {
            return false;
        }
    }
    return true;
}

/* Sorts values[count] and sets the 95% percentile interval. */
static void percentile_interval(double *values, size_t count, double *lo, double *hi) {
    gsl_sort(values, 1, count);
    *lo = gsl_stats_quantile_from_sorted_data(values, 1, count, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(values, 1, count, 0.975);
}

/* Resampling `resample`'s stream. */
static wom_rng_stream_t bootstrap_stream(uint64_t seed, wom_design_method method, size_t resample) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){seed, 0, (uint32_t)method, (uint32_t)resample,
                                                 WOM_SITE_BOOTSTRAP});
    return stream;
}

/* ---- Morris ---- */

/* The one factor that differs between rows `row` and `next`; `factors`
 * when none or several do. */
static size_t moved_factor(size_t factors, const double *row, const double *next) {
    size_t moved = factors;
    for (size_t f = 0; f < factors; f++) {
        if (next[f] != row[f]) {
            if (moved < factors) {
                return factors;
            }
            moved = f;
        }
    }
    return moved;
}

/* Trajectory t's effects into ee[t * k + f]. A NaN marks a factor not yet
 * moved, so that a factor moved twice (and so another never) is caught. */
static wom_status trajectory_effects(size_t factors, const double *rows, const double *y,
                                     double *ee) {
    for (size_t f = 0; f < factors; f++) {
        ee[f] = NAN;
    }
    for (size_t m = 0; m < factors; m++) {
        const double *row = rows + m * factors, *next = row + factors;
        size_t f = moved_factor(factors, row, next);
        if (f == factors || !isnan(ee[f])) {
            return WOM_EINVAL;
        }
        ee[f] = (y[m + 1] - y[m]) / (next[f] - row[f]);
    }
    return WOM_OK;
}

/* Resampling b's mean |EE| of every factor into boot[f * resamples + b]:
 * `trajectories` trajectories drawn with replacement, summed in draw
 * order. */
static void morris_resample(size_t trajectories, size_t factors, const double *ee, uint64_t seed,
                            size_t resamples, size_t b, double *boot) {
    wom_rng_stream_t stream = bootstrap_stream(seed, WOM_DESIGN_MORRIS, b);
    for (size_t f = 0; f < factors; f++) {
        boot[f * resamples + b] = 0;
    }
    for (size_t draw = 0; draw < trajectories; draw++) {
        const double *drawn = ee + wom_rng_stream_index(&stream, (uint32_t)trajectories) * factors;
        for (size_t f = 0; f < factors; f++) {
            boot[f * resamples + b] += fabs(drawn[f]);
        }
    }
    for (size_t f = 0; f < factors; f++) {
        boot[f * resamples + b] /= (double)trajectories;
    }
}

/* One factor's summary from its effects ee[t * factors] (the caller
 * offsets ee to the factor) and its resampled mean |EE| boot[resamples]. */
static wom_morris_t morris_summary(size_t trajectories, size_t factors, const double *ee,
                                   double *boot, size_t resamples) {
    wom_morris_t summary = {0};
    for (size_t t = 0; t < trajectories; t++) {
        summary.mu_star += fabs(ee[t * factors]);
    }
    summary.mu_star /= (double)trajectories;
    summary.mu = gsl_stats_mean(ee, factors, trajectories);
    if (trajectories > 1) {
        summary.sigma = gsl_stats_sd_m(ee, factors, trajectories, summary.mu);
    }
    percentile_interval(boot, resamples, &summary.mu_star_lo, &summary.mu_star_hi);
    return summary;
}

wom_status wom_sensitivity_morris(size_t trajectories, size_t factors, const double *unit,
                                  const double *y, uint64_t seed, size_t resamples,
                                  wom_morris_t *out) {
    size_t points = wom_design_points(WOM_DESIGN_MORRIS, trajectories, factors);
    if (points == 0 || !unit || !y || !out || resamples == 0 || resamples > UINT32_MAX ||
        !all_finite(y, points)) {
        return WOM_EINVAL;
    }
    size_t effects = trajectories * factors; /* below points x factors, which fits */
    if (resamples > (SIZE_MAX / sizeof(double) - effects) / factors) {
        return WOM_ENOMEM;
    }
    double *ee = malloc((effects + factors * resamples) * sizeof *ee);
    if (ee == NULL) {
        return WOM_ENOMEM;
    }
    double *boot = ee + effects;
    wom_status status = WOM_OK;
    for (size_t t = 0; t < trajectories && status == WOM_OK; t++) {
        size_t first = t * (factors + 1);
        status = trajectory_effects(factors, unit + first * factors, y + first, ee + t * factors);
    }
    for (size_t b = 0; b < resamples && status == WOM_OK; b++) {
        morris_resample(trajectories, factors, ee, seed, resamples, b, boot);
    }
    for (size_t f = 0; f < factors && status == WOM_OK; f++) {
        out[f] = morris_summary(trajectories, factors, ee + f, boot + f * resamples, resamples);
    }
    free(ee);
    return status;
}

/* ---- Sobol ---- */

/* Sobol indices of the base samples drawn from `stream` (with
 * replacement), or of all of them in order when `stream` is NULL, into
 * s1[f * stride] and st[f * stride], which hold the sums until the end.
 * The outputs are taken less `shift`, the mean of all f(A) and f(B) (see
 * sensitivity.h); so V can be summed in one pass, losing no precision to
 * the outputs' size, and no drawn index needs storing. */
static void sobol_estimates(size_t size, size_t factors, const double *y, double shift,
                            wom_rng_stream_t *stream, double *s1, double *st, size_t stride) {
    size_t rows = factors + 2;
    double sum = 0, squares = 0;
    for (size_t f = 0; f < factors; f++) {
        s1[f * stride] = st[f * stride] = 0;
    }
    for (size_t j = 0; j < size; j++) {
        size_t drawn = stream ? wom_rng_stream_index(stream, (uint32_t)size) : j;
        const double *block = y + drawn * rows, *ab = block + 2;
        double a = block[0], b = block[1];
        sum += (a - shift) + (b - shift);
        squares += (a - shift) * (a - shift) + (b - shift) * (b - shift);
        for (size_t f = 0; f < factors; f++) {
            s1[f * stride] += (b - shift) * (ab[f] - a);
            st[f * stride] += (a - ab[f]) * (a - ab[f]);
        }
    }
    double values = 2 * (double)size, mean = sum / values;
    double variance = squares / values - mean * mean;
    for (size_t f = 0; f < factors; f++) { /* V = 0: no variance to explain */
        s1[f * stride] = variance > 0 ? s1[f * stride] / (double)size / variance : 0;
        st[f * stride] = variance > 0 ? st[f * stride] / (double)size / (2 * variance) : 0;
    }
}

/* The mean of all f(A) and f(B), in base-sample order. */
static double sobol_mean(size_t size, size_t factors, const double *y) {
    double sum = 0;
    for (size_t j = 0; j < size; j++) {
        sum += y[j * (factors + 2)] + y[j * (factors + 2) + 1];
    }
    return sum / (2 * (double)size);
}

wom_status wom_sensitivity_sobol(size_t size, size_t factors, const double *y, uint64_t seed,
                                 size_t resamples, wom_sobol_t *out) {
    size_t points = wom_design_points(WOM_DESIGN_SALTELLI, size, factors);
    if (points == 0 || !y || !out || resamples == 0 || resamples > UINT32_MAX ||
        !all_finite(y, points)) {
        return WOM_EINVAL;
    }
    /* Per factor, resamples + 1 S1 values then as many ST values: the
     * resampled ones, and the estimate from all base samples last. */
    size_t stride = resamples + 1;
    if (stride > SIZE_MAX / sizeof(double) / (2 * factors)) {
        return WOM_ENOMEM;
    }
    double *scratch = malloc(2 * factors * stride * sizeof *scratch);
    if (scratch == NULL) {
        return WOM_ENOMEM;
    }
    double *s1 = scratch, *st = scratch + factors * stride;
    double shift = sobol_mean(size, factors, y);
    sobol_estimates(size, factors, y, shift, NULL, s1 + resamples, st + resamples, stride);
    for (size_t b = 0; b < resamples; b++) {
        wom_rng_stream_t stream = bootstrap_stream(seed, WOM_DESIGN_SALTELLI, b);
        sobol_estimates(size, factors, y, shift, &stream, s1 + b, st + b, stride);
    }
    for (size_t f = 0; f < factors; f++) {
        double *s1_of_f = s1 + f * stride, *st_of_f = st + f * stride;
        out[f].s1 = s1_of_f[resamples];
        out[f].st = st_of_f[resamples];
        percentile_interval(s1_of_f, resamples, &out[f].s1_lo, &out[f].s1_hi);
        percentile_interval(st_of_f, resamples, &out[f].st_lo, &out[f].st_hi);
    }
    free(scratch);
    return WOM_OK;
}
