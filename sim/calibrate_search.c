/* calibrate_search.c: the search of a calibration (calibrate.h): the Latin
 * hypercube start run as one batch, Nelder-Mead (GSL's nmsimplex2) in the
 * folded unit cube from each of its three best points, the fitted series
 * at the estimate, and the parametric bootstrap's refits. Every evaluation goes
 * through calibrate.c's batch; everything here is sequential, so the
 * numbers depend on the inputs and the seed only. Workload: tens of
 * evaluations per search, B + 1 searches.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "calibrate_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "rng.h"
#include "womsim/text.h"

/* What one run of wom_calibrate_run shares. */
typedef struct {
    wom_calibrate_t *cal;
    const wom_calibrate_options_t *options;
    wom_calibrate_result_t *result;
    double *fitted;    /* rows x metrics: the last evaluation's means */
    double *synthetic; /* rows x metrics: a bootstrap's observed series */
    wom_error_t *error;
} run_t;

/* Searches from the best starts: one more from the second and third best
 * finds the optimum when the best start's valley is not the deepest
 * (Nelder-Mead stays in the valley it starts in). */
#define SEARCHES 3

/* A point of the start. */
typedef struct {
    double objective;
    double values[WOM_CALIBRATE_MAX_KEYS];
    double unit[WOM_CALIBRATE_MAX_KEYS];
} start_t;

static void report(const run_t *run, wom_calibrate_stage stage, size_t done, size_t total) {
    const wom_calibrate_options_t *o = run->options;
    if (o->progress != NULL) {
        wom_calibrate_progress_t progress = {stage, done, total, run->result->evaluations,
                                             run->result->objective};
        o->progress(o->progress_user, &progress);
    }
}

/* ---- the start ---------------------------------------------------------- */

/* The values the design gave the free keys at point `point` into
 * values[], and their unit coordinates into unit[]. */
static void design_point(const run_t *run, const wom_batch_t *batch, uint32_t point, double *values,
                         double *unit) {
    wom_calibrate_t *cal = run->cal;
    for (size_t j = 0; j < batch->keys; j++) {
        for (size_t i = 0; i < cal->keys; i++) {
            if (strcmp(batch->sweep[j].name, cal->key[i].name) == 0) {
                values[i] =
                    strtod(batch->sweep[j].values[wom_batch_value_index(batch, point, j)], NULL);
                unit[i] = (values[i] - cal->key[i].lo) / (cal->key[i].hi - cal->key[i].lo);
            }
        }
    }
}

/* Each point's objective; the SEARCHES best (the first of equals) into
 * starts[], best first. */
static wom_status best_starts(const run_t *run, wom_batch_t *batch, start_t *starts,
                              size_t *count) {
    wom_calibrate_t *cal = run->cal;
    wom_status status = WOM_OK;
    *count = 0;
    for (uint32_t p = 0; status == WOM_OK && p < batch->plan.points; p++) {
        status = wom_calibrate_point(cal, batch, p, run->fitted, NULL, run->error);
        double objective = wom_calibrate_objective(run->fitted, cal->observed, cal->scale,
                                                   cal->rows, cal->metrics);
        size_t at = *count; /* insertion into the sorted few */
        while (status == WOM_OK && at > 0 && objective < starts[at - 1].objective) {
            if (at < SEARCHES) {
                starts[at] = starts[at - 1];
            }
            at--;
        }
        if (status == WOM_OK && at < SEARCHES) {
            starts[at].objective = objective;
            design_point(run, batch, p, starts[at].values, starts[at].unit);
            *count += *count < SEARCHES;
        }
        run->result->evaluations += status == WOM_OK;
    }
    return status;
}

/* The Latin hypercube over the ranges as one batch (its threads share the
 * points' replications); leaves the config a grid at the best start. */
static wom_status run_starts(const run_t *run, start_t *starts, size_t *count) {
    wom_calibrate_t *cal = run->cal;
    wom_error_t *error = run->error;
    wom_status status = wom_calibrate_set(cal, error, "design.points=%zu", run->options->starts);
    for (size_t i = 0; status == WOM_OK && i < cal->keys; i++) {
        char lo[32], hi[32];
        wom_text_format_number(lo, sizeof lo, cal->key[i].lo);
        wom_text_format_number(hi, sizeof hi, cal->key[i].hi);
        status = wom_calibrate_set(cal, error, "%s=%s:%s", cal->key[i].name, lo, hi);
    }
    status = status == WOM_OK ? wom_calibrate_set(cal, error, "design.method=lhs") : status;
    wom_batch_t batch;
    bool stopped = false;
    status =
        status == WOM_OK ? wom_calibrate_batch(cal, run->options, &batch, &stopped, error) : status;
    if (status != WOM_OK) {
        return status;
    }
    run->result->starts = batch.plan.points;
    run->result->stopped = stopped;
    status = stopped ? WOM_OK : best_starts(run, &batch, starts, count);
    status = wom_calibrate_batch_end(&batch, status, error);
    if (status != WOM_OK || stopped) {
        return status;
    }
    run->result->start_objective = starts[0].objective;
    run->result->objective = starts[0].objective;
    status = wom_calibrate_set_values(cal, starts[0].values, error);
    return status == WOM_OK ? wom_calibrate_set(cal, error, "design.method=grid") : status;
}

/* ---- Nelder-Mead ---------------------------------------------------------- */

/* One search: the series it fits and how it went. */
typedef struct {
    const run_t *run;
    const double *observed; /* rows x metrics */
    const double *scale;    /* metrics */
    size_t evaluations;
    wom_status status; /* of the last evaluation */
    bool stopped;
} search_t;

/* The objective at x, folded into the unit cube; NAN once an evaluation
 * failed or a stop came, which ends the search. */
static double search_objective(const gsl_vector *x, void *params) {
    search_t *s = params;
    const run_t *run = s->run;
    wom_calibrate_t *cal = run->cal;
    if (s->status != WOM_OK || s->stopped) {
        return NAN;
    }
    double values[WOM_CALIBRATE_MAX_KEYS];
    for (size_t i = 0; i < cal->keys; i++) {
        values[i] = wom_calibrate_value(cal, i, wom_calibrate_fold(gsl_vector_get(x, i)));
    }
    s->status = wom_calibrate_simulate(cal, run->options, values, run->fitted, NULL, &s->stopped,
                                       run->error);
    if (s->status != WOM_OK || s->stopped) {
        return NAN;
    }
    s->evaluations++;
    return wom_calibrate_objective(run->fitted, s->observed, s->scale, cal->rows, cal->metrics);
}

/* Iterates until the simplex is smaller than the tolerance, or the
 * evaluations reach the cap, a failure or a stop. */
static int iterate(gsl_multimin_fminimizer *minimizer, search_t *s, bool *converged) {
    const wom_calibrate_options_t *o = s->run->options;
    int code = GSL_SUCCESS;
    *converged = false;
    while (code == GSL_SUCCESS && s->status == WOM_OK && !s->stopped) {
        if (gsl_multimin_fminimizer_size(minimizer) < o->tolerance) {
            *converged = true;
            break;
        }
        if (s->evaluations >= o->max_evaluations) {
            break;
        }
        code = gsl_multimin_fminimizer_iterate(minimizer);
    }
    return code;
}

/* Nelder-Mead from unit[] (the first simplex: unit[] and a step along
 * each key); the best point found, folded, back into unit[]. */
static wom_status nelder_mead(search_t *s, double *unit, double *objective, bool *converged) {
    size_t k = s->run->cal->keys;
    gsl_multimin_fminimizer *minimizer =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
    gsl_vector *x = gsl_vector_alloc(k), *step = gsl_vector_alloc(k);
    wom_status status = WOM_OK;
    if (minimizer == NULL || x == NULL || step == NULL) {
        status = wom_error_set(s->run->error, WOM_ENOMEM, "", 0, "out of memory");
    } else {
        for (size_t i = 0; i < k; i++) {
            gsl_vector_set(x, i, unit[i]);
            gsl_vector_set(step, i, s->run->options->step);
        }
        gsl_multimin_function function = {search_objective, k, s};
        int code = gsl_multimin_fminimizer_set(minimizer, &function, x, step);
        code = code == GSL_SUCCESS ? iterate(minimizer, s, converged) : code;
        status = s->status;
        if (status == WOM_OK && !s->stopped && code != GSL_SUCCESS) {
            status = wom_error_set(s->run->error, WOM_ELIBRARY, "", 0,
                                   "Nelder-Mead (GSL nmsimplex2) failed: %s", gsl_strerror(code));
        }
    }
    if (status == WOM_OK && !s->stopped) {
        for (size_t i = 0; i < k; i++) {
            unit[i] = wom_calibrate_fold(gsl_vector_get(gsl_multimin_fminimizer_x(minimizer), i));
        }
        *objective = gsl_multimin_fminimizer_minimum(minimizer);
    }
    gsl_vector_free(x);
    gsl_vector_free(step);
    gsl_multimin_fminimizer_free(minimizer);
    return status;
}

/* The fit's searches on the observations, from each of the best starts:
 * the lowest objective wins (the earlier start of equals); its end into
 * unit[]. */
static wom_status search(const run_t *run, const start_t *starts, size_t count, double *unit) {
    wom_calibrate_t *cal = run->cal;
    wom_calibrate_result_t *r = run->result;
    wom_status status = WOM_OK;
    for (size_t n = 0; status == WOM_OK && !r->stopped && n < count; n++) {
        double end[WOM_CALIBRATE_MAX_KEYS], objective = 0;
        bool converged = false;
        memcpy(end, starts[n].unit, cal->keys * sizeof *end);
        search_t s = {run, cal->observed, cal->scale, 0, WOM_OK, false};
        status = nelder_mead(&s, end, &objective, &converged);
        r->search_evaluations += s.evaluations;
        r->evaluations += s.evaluations;
        r->stopped = s.stopped;
        if (status == WOM_OK && !s.stopped && (n == 0 || objective < r->objective)) {
            r->objective = objective;
            r->converged = converged;
            memcpy(unit, end, cal->keys * sizeof *unit);
            memcpy(r->start, starts[n].values, cal->keys * sizeof *r->start);
        }
    }
    for (size_t i = 0; i < cal->keys; i++) {
        r->estimate[i] = wom_calibrate_value(cal, i, unit[i]);
    }
    return status;
}

/* ---- the fitted series and the bootstrap ----------------------------------- */

/* Every day's mean and band at the estimate, under the fit's seed. */
static wom_status fitted_series(const run_t *run) {
    wom_calibrate_t *cal = run->cal;
    wom_calibrate_result_t *r = run->result;
    size_t cells = ((size_t)cal->steps + 1) * cal->metrics;
    r->mean = malloc(cells * sizeof *r->mean);
    r->band_lo = malloc(cells * sizeof *r->band_lo);
    r->band_hi = malloc(cells * sizeof *r->band_hi);
    if (r->mean == NULL || r->band_lo == NULL || r->band_hi == NULL) {
        return wom_error_set(run->error, WOM_ENOMEM, "", 0, "out of memory");
    }
    wom_status status = wom_calibrate_simulate(cal, run->options, r->estimate, run->fitted, r,
                                               &r->stopped, run->error);
    if (status == WOM_OK && !r->stopped) {
        r->objective = wom_calibrate_objective(run->fitted, cal->observed, cal->scale, cal->rows,
                                               cal->metrics);
    }
    return status;
}

/* Refit b's two seeds, drawn from the fit's: the synthetic series', and
 * its replications'. */
static void refit_seeds(uint64_t seed, size_t b, uint64_t seeds[2]) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){seed, 0, (uint32_t)b, 0, WOM_SITE_CALIBRATE});
    for (int i = 0; i < 2; i++) {
        uint64_t low = wom_rng_stream_next(&stream);
        seeds[i] = low | (uint64_t)wom_rng_stream_next(&stream) << 32;
    }
}

/* Refit b: one replication at the estimate under seed s_b is the
 * observed series; the fit's search from the estimate, its replications
 * under s'_b. Leaves the refitted values in values[keys]. */
static wom_status refit(const run_t *run, size_t b, const double *estimate_unit, double *values) {
    wom_calibrate_t *cal = run->cal;
    wom_calibrate_result_t *r = run->result;
    uint64_t seeds[2];
    refit_seeds(cal->seed, b, seeds);
    if (b == 0) {
        memcpy(r->bootstrap_seed, seeds, sizeof seeds);
    }
    wom_status status =
        wom_calibrate_set(cal, run->error, "simulation.seed=%llu", (unsigned long long)seeds[0]);
    status =
        status == WOM_OK ? wom_calibrate_set(cal, run->error, "simulation.replications=1") : status;
    status = status == WOM_OK
                 ? wom_calibrate_simulate(cal, run->options, r->estimate, run->synthetic, NULL,
                                          &r->stopped, run->error)
                 : status;
    r->bootstrap_evaluations += status == WOM_OK && !r->stopped;
    if (status != WOM_OK || r->stopped) {
        return status;
    }
    double scale[WOM_CALIBRATE_MAX_COLUMNS], unit[WOM_CALIBRATE_MAX_KEYS], objective = 0;
    wom_calibrate_scales(run->synthetic, cal->rows, cal->metrics, scale);
    status =
        wom_calibrate_set(cal, run->error, "simulation.seed=%llu", (unsigned long long)seeds[1]);
    status = status == WOM_OK ? wom_calibrate_set(cal, run->error, "simulation.replications=%u",
                                                  cal->replications)
                              : status;
    memcpy(unit, estimate_unit, cal->keys * sizeof *unit);
    search_t s = {run, run->synthetic, scale, 0, WOM_OK, false};
    bool converged = false;
    status = status == WOM_OK ? nelder_mead(&s, unit, &objective, &converged) : status;
    r->bootstrap_evaluations += s.evaluations;
    r->stopped = s.stopped;
    r->bootstrap_unconverged += status == WOM_OK && !s.stopped && !converged;
    for (size_t i = 0; i < cal->keys; i++) {
        values[i] = wom_calibrate_value(cal, i, unit[i]);
    }
    return status;
}

/* The 2.5% and 97.5% quantiles of each key's refitted values. */
static wom_status intervals(const run_t *run) {
    wom_calibrate_result_t *r = run->result;
    size_t k = run->cal->keys, n = r->bootstrap;
    double *column = malloc(n * sizeof *column);
    if (column == NULL) {
        return wom_error_set(run->error, WOM_ENOMEM, "", 0, "out of memory");
    }
    for (size_t i = 0; i < k; i++) {
        for (size_t b = 0; b < n; b++) {
            column[b] = r->replicates[b * k + i];
        }
        gsl_sort(column, 1, n);
        r->lo[i] = gsl_stats_quantile_from_sorted_data(column, 1, n, 0.025);
        r->hi[i] = gsl_stats_quantile_from_sorted_data(column, 1, n, 0.975);
    }
    free(column);
    return WOM_OK;
}

static wom_status bootstrap(const run_t *run, const double *estimate_unit) {
    wom_calibrate_t *cal = run->cal;
    wom_calibrate_result_t *r = run->result;
    size_t n = run->options->bootstrap;
    r->replicates = malloc(n * cal->keys * sizeof *r->replicates);
    if (r->replicates == NULL) {
        return wom_error_set(run->error, WOM_ENOMEM, "", 0, "out of memory");
    }
    wom_status status = WOM_OK;
    for (size_t b = 0; status == WOM_OK && !r->stopped && b < n; b++) {
        status = refit(run, b, estimate_unit, r->replicates + b * cal->keys);
        if (status == WOM_OK && !r->stopped) {
            r->bootstrap++;
            report(run, WOM_CALIBRATE_BOOTSTRAP, r->bootstrap, n);
        }
    }
    if (status == WOM_OK) { /* the fit's own seed and replications back */
        status = wom_calibrate_set(cal, run->error, "simulation.seed=%llu",
                                   (unsigned long long)cal->seed);
    }
    if (status == WOM_OK) {
        status =
            wom_calibrate_set(cal, run->error, "simulation.replications=%u", cal->replications);
    }
    return status == WOM_OK && !r->stopped ? intervals(run) : status;
}

/* ---- the whole fit ------------------------------------------------------------- */

static bool options_valid(const wom_calibrate_options_t *o) {
    return o != NULL && o->work_dir != NULL && o->name != NULL && o->threads >= 1 &&
           o->starts >= 1 && o->max_evaluations >= 1 && o->tolerance > 0 && o->step > 0 &&
           isfinite(o->tolerance) && isfinite(o->step);
}

static wom_status stages(const run_t *run) {
    wom_calibrate_result_t *r = run->result;
    double unit[WOM_CALIBRATE_MAX_KEYS] = {0};
    start_t starts[SEARCHES];
    size_t count = 0;
    wom_status status = run_starts(run, starts, &count);
    if (status == WOM_OK && !r->stopped) {
        report(run, WOM_CALIBRATE_STARTS, 1, 1);
        status = search(run, starts, count, unit);
    }
    if (status == WOM_OK && !r->stopped) {
        report(run, WOM_CALIBRATE_SEARCH, 1, 1);
        status = fitted_series(run);
    }
    if (status == WOM_OK && !r->stopped && run->options->bootstrap > 0) {
        status = bootstrap(run, unit);
    }
    return status;
}

wom_status wom_calibrate_run(wom_calibrate_t *cal, const wom_calibrate_options_t *options,
                             wom_calibrate_result_t *result, wom_error_t *error) {
    memset(result, 0, sizeof *result);
    for (size_t i = 0; i < WOM_CALIBRATE_MAX_KEYS; i++) {
        result->lo[i] = result->hi[i] = NAN;
    }
    result->objective = result->start_objective = NAN;
    if (cal == NULL || cal->config == NULL || !options_valid(options)) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_calibrate_run: bad arguments");
    }
    size_t cells = cal->rows * cal->metrics;
    run_t run = {
        cal,  options, result, malloc(cells * sizeof(double)), malloc(cells * sizeof(double)),
        error};
    wom_status status = run.fitted != NULL && run.synthetic != NULL
                            ? stages(&run)
                            : wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    char tasks[WOM_MAX_PATH];
    if (snprintf(tasks, sizeof tasks, "%s/tasks", options->work_dir) < (int)sizeof tasks) {
        rmdir(tasks); /* empty once every batch's files are removed; else left */
    }
    free(run.fitted);
    free(run.synthetic);
    return status;
}

void wom_calibrate_result_destroy(wom_calibrate_result_t *result) {
    if (result != NULL) {
        free(result->replicates);
        free(result->mean);
        free(result->band_lo);
        free(result->band_hi);
        result->replicates = result->mean = result->band_lo = result->band_hi = NULL;
    }
}
