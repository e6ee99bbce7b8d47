/* calibrate.h: simulation-based calibration (womsim fit SCENARIO --data
 * OBSERVED.csv --free KEY=LO:HI ...): the values of some keys of a
 * scenario, its free keys, that make the scenario's replication mean
 * reproduce an observed series; and the table of observations it reads.
 *
 * The objective. For free-key values theta, run the scenario's
 * replications (a single-point batch, always under common random
 * numbers: replication r draws the same numbers whatever theta, so the
 * objective changes with theta and not with the draws) and take each
 * fitted metric m's replication mean mean_m(d) on each observed day d:
 *   S(theta) = sum_m sum_d ((mean_m(d) - obs_m(d)) / scale_m)^2,
 * scale_m the sample standard deviation of metric m's observed values (its
 * variation over the days), or their mean absolute value when that is 0
 * (one day, or a flat series), or 1 when that is 0 too: a misfit counts
 * relative to how much the metric moves, so that customers (hundreds) and
 * reputation (points) weigh alike, and the weights are fixed by the data,
 * not by theta (wom_calibrate_scales).
 *
 * The search, in the unit cube of the free keys' ranges (u = 0 at LO, 1 at
 * HI): (1) a Latin hypercube of `starts` points run as one batch (the
 * design machinery of config.h: design.method = lhs, the keys as ranges),
 * the objective computed per point; (2) Nelder-Mead (GSL's nmsimplex2)
 * from each of the three best of them (one search stays in the valley it
 * starts in, and the best start's is not always the deepest), the lowest
 * end the estimate; each evaluation a single-point batch. The simplex
 * moves freely in R^k; a point is folded into [0, 1]^k by reflection at
 * the faces (u = x - 2 floor(x / 2), then 2 - u above 1), so every point
 * evaluated lies within the ranges and the objective stays continuous
 * across the faces. It stops when the simplex's size (GSL's
 * gsl_multimin_fminimizer_size, the mean distance of its vertices from
 * their centre, in unit coordinates) falls below `tolerance` (converged),
 * or at the first iteration that ends with `max_evaluations` or more
 * evaluations.
 *
 * The interval: a parametric bootstrap. For b = 1..B: a synthetic
 * observed series is one replication of the scenario at the estimate
 * under seed s_b (one history of the shop on a network of its own, as the
 * observed one is), and the fit is repeated on it by Nelder-Mead from the
 * estimate, its replications under another seed s'_b (so the interval
 * holds the simulation's own Monte Carlo error too); s_b and s'_b are
 * drawn from simulation.seed by the keyed streams. Each key's interval is
 * the 2.5% and 97.5% quantiles of its B refitted values (GSL's
 * gsl_stats_quantile_from_sorted_data: linear between order statistics).
 *
 * Every evaluation is a batch in `work_dir` whose task files are removed
 * once read, and every number depends on the inputs and the seed only,
 * not on threads. Workload: tens to thousands of batches of a scenario's
 * replications, one at a time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_CALIBRATE_H
#define WOMSIM_CALIBRATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "womsim/batch.h"
#include "womsim/config.h"
#include "womsim/metrics.h"
#include "womsim/status.h"

#define WOM_CALIBRATE_MAX_KEYS    8      /* free keys: Nelder-Mead slows badly beyond a handful */
#define WOM_CALIBRATE_MAX_LINE    4096   /* characters in a line of the table, without its end */
#define WOM_CALIBRATE_MAX_ROWS    100001 /* days 0 .. 100000, simulation.steps' most */
#define WOM_CALIBRATE_MAX_COLUMNS 128    /* metric columns of the table (a layout's most) */

/* ---- the observed table (calibrate_data.c) ------------------------------ */

/* A CSV table: the header names a `day` column and metric columns (named
 * as timeseries.csv's metrics, e.g. customers, reputation), then one row
 * per observed day: the days whole numbers from 0, rising, not
 * necessarily consecutive; every other field a finite number. */
typedef struct {
    size_t rows;                    /* observed days, >= 1 */
    size_t columns;                 /* metric columns (all but day), >= 1 */
    char (*name)[WOM_METRICS_NAME]; /* `columns` names, in the file's order */
    long day_line;                  /* 1-based line of the header (after a byte order mark) */
    int64_t *day;                   /* `rows` days, rising, >= 0 */
    long *line;                     /* `rows`: the line each row is on */
    double *value;                  /* rows x columns, row-major, finite */
    char sha256[65];                /* of the file's bytes in hex; "" when no regular file */
} wom_calibrate_data_t;

/* Reads the table at `path` into `data` (destroyed by the caller whatever
 * the outcome). WOM_ENOENT when it cannot be opened or is a folder;
 * WOM_EDATA, naming the line, when it is empty, holds a NUL byte or a line
 * over WOM_CALIBRATE_MAX_LINE characters, its header has no `day` column,
 * an empty, repeated or over-long column name, or no metric column; a row
 * has another number of fields than the header, a day that is not a whole
 * number from 0, is repeated or smaller than the one before, a value that
 * is not a finite number; or there is no row, or more than
 * WOM_CALIBRATE_MAX_ROWS. Blank lines, a UTF-8 byte order mark, CRLF ends
 * and spaces around fields are accepted. */
wom_status wom_calibrate_read_csv(const char *path, wom_calibrate_data_t *data, wom_error_t *error);
void wom_calibrate_data_destroy(wom_calibrate_data_t *data);

/* The index of the column named `name`, or -1. */
int wom_calibrate_data_column(const wom_calibrate_data_t *data, const char *name);

/* ---- the objective -------------------------------------------------------- */

/* scale[m] for each of `metrics` columns of observed[rows x metrics]
 * (row-major): the sample standard deviation over the rows (n - 1), or
 * when that is 0 (one row, or equal values) the mean absolute value, or 1
 * when that is 0 too. Sums run in row order. */
void wom_calibrate_scales(const double *observed, size_t rows, size_t metrics, double *scale);

/* sum over metrics m and rows d of ((fitted - observed) / scale[m])^2,
 * both rows x metrics, row-major; summed row by row in order. */
double wom_calibrate_objective(const double *fitted, const double *observed, const double *scale,
                               size_t rows, size_t metrics);

/* u folded into [0, 1] by reflection at 0 and 1 (period 2): the point of
 * the unit interval a Nelder-Mead coordinate stands for. */
double wom_calibrate_fold(double u);

/* ---- the problem ---------------------------------------------------------- */

/* One free key and its range. */
typedef struct {
    char name[WOM_MAX_KEY_NAME]; /* "service.quality", "failure.late-delivery.rate" */
    double lo, hi;               /* lo < hi, within the key's own range */
} wom_calibrate_key_t;

/* What to fit. */
typedef struct {
    const char *data_path; /* the table's name, for messages */
    const wom_calibrate_data_t *data;
    const char *const *metrics; /* the columns fitted, each a column of `data` once; NULL:
                                   every column */
    size_t metric_count;        /* of `metrics` (1 .. WOM_CALIBRATE_MAX_COLUMNS) */
    const char *const *free;    /* "KEY=LO:HI", each a real-valued key of the scenario */
    size_t free_count;          /* 1 .. WOM_CALIBRATE_MAX_KEYS */
    const char *origin;         /* what gave the free keys, as messages name it ("--free") */
} wom_calibrate_spec_t;

/* A fitting problem: a scenario, its free keys and the observations. */
typedef struct {
    wom_config_t *config; /* a private working copy of the scenario: every evaluation sets its
                             free keys, seed, replications and design */
    char hash[65];        /* the scenario's hash as given (before the fit changes its copy) */
    uint64_t seed;        /* simulation.seed: the fit's replications, the bootstrap's seeds */
    uint32_t replications, steps;
    size_t keys;
    wom_calibrate_key_t key[WOM_CALIBRATE_MAX_KEYS];
    size_t metrics;                          /* fitted, in the order given */
    char (*name)[WOM_METRICS_NAME];          /* `metrics` names */
    size_t rows;                             /* observed days */
    int64_t *day;                            /* `rows` */
    double *observed;                        /* rows x metrics: the fitted columns */
    double scale[WOM_CALIBRATE_MAX_COLUMNS]; /* of each fitted metric (wom_calibrate_scales) */
    const char *origin;                      /* as spec->origin */
} wom_calibrate_t;

/* Sets up the problem of `spec` for the single-point scenario `config`
 * (copied: the caller's is not changed), zeroed first, to be destroyed
 * whatever the outcome. WOM_ECONFIG, the error's file being spec->origin,
 * when a free key is not "KEY=LO:HI", is unknown, not a real number, given
 * twice, its range is bad (wom_config_set's checks), or a corner of the
 * ranges breaks a rule joining keys; also when the scenario sweeps a key.
 * WOM_EDATA, naming the table and line, when a fitted column is not a
 * metric of the scenario (with the closest metric's name), a day is beyond
 * simulation.steps, or there are fewer observed values than free keys.
 * WOM_EINVAL for a bad argument. */
wom_status wom_calibrate_init(wom_calibrate_t *cal, const wom_config_t *config,
                              const wom_calibrate_spec_t *spec, wom_error_t *error);
void wom_calibrate_destroy(wom_calibrate_t *cal);

/* The value of free key `key` at unit coordinate u in [0, 1]: lo + u (hi -
 * lo), kept within [lo, hi]. */
double wom_calibrate_value(const wom_calibrate_t *cal, size_t key, double u);

/* ---- the search (calibrate_search.c) --------------------------------------- */

typedef enum {
    WOM_CALIBRATE_STARTS,   /* the Latin hypercube: done */
    WOM_CALIBRATE_SEARCH,   /* Nelder-Mead from the best starts: done */
    WOM_CALIBRATE_BOOTSTRAP /* a bootstrap refit: done */
} wom_calibrate_stage;

typedef struct {
    wom_calibrate_stage stage;
    size_t done, total; /* the bootstrap's refits done and B; else 1 and 1 */
    size_t evaluations; /* of the fit so far (the starts' points, then the search's) */
    double objective;   /* the best of the fit so far */
} wom_calibrate_progress_t;

typedef void (*wom_calibrate_progress_fn)(void *user, const wom_calibrate_progress_t *progress);

typedef struct {
    const char *work_dir; /* where the batches run: made if missing, their task files removed
                             after each; the folder itself is left (empty) to the caller */
    const char *name;     /* the scenario's name, for the batches */
    int threads;          /* >= 1 */
    uint64_t max_bytes;   /* memory limit of a batch (--max-mem), 0 = none */
    wom_batch_parallel_t parallel;
    size_t starts;          /* points of the Latin hypercube, >= 1 */
    size_t max_evaluations; /* of one Nelder-Mead search (the fit's, and each refit's), >= 1 */
    double tolerance;       /* simplex size at which a search has converged, > 0, unit coords */
    double step;            /* the first simplex's step along each key, > 0, unit coords */
    size_t bootstrap;       /* B refits; 0: no interval */
    const volatile sig_atomic_t *stop;  /* raised: stop after the batch in flight; NULL: never */
    wom_calibrate_progress_fn progress; /* NULL: none */
    void *progress_user;
} wom_calibrate_options_t;

/* A fit. */
typedef struct {
    double estimate[WOM_CALIBRATE_MAX_KEYS]; /* each free key's value */
    double lo[WOM_CALIBRATE_MAX_KEYS];       /* its bootstrap interval; NAN without one */
    double hi[WOM_CALIBRATE_MAX_KEYS];
    double objective;                     /* S at the estimate */
    size_t starts;                        /* Latin hypercube points run */
    double start[WOM_CALIBRATE_MAX_KEYS]; /* the one the estimate's search began at */
    double start_objective;               /* the best start's */
    size_t search_evaluations;            /* of the fit's Nelder-Mead searches */
    bool converged;                       /* the estimate's search met the tolerance */
    size_t evaluations;                   /* of the fit: starts + search_evaluations (and
                                             one run more at the estimate for the series) */
    size_t bootstrap;                     /* refits done */
    size_t bootstrap_unconverged;         /* of them, those that hit max_evaluations */
    size_t bootstrap_evaluations;         /* the refits' evaluations, and the B synthetic
                                             series' runs */
    double *replicates;                   /* bootstrap x keys refitted values, row-major */
    uint64_t bootstrap_seed[2];           /* s_1 and s'_1, for the record; 0 without */
    /* The fitted series at the estimate, every day 0..steps, per fitted metric: */
    double *mean;              /* (steps + 1) x metrics: replication mean */
    double *band_lo, *band_hi; /* the replications' 2.5% and 97.5% quantiles */
    bool stopped;              /* options.stop came: the rest is incomplete */
} wom_calibrate_result_t;

/* Fits: the start, the searches, the fitted series and the bootstrap, in
 * that order, each batch in options->work_dir. `result` is zeroed first and
 * destroyed by the caller whatever the outcome. A stop returns WOM_OK with
 * result->stopped. Errors: the batch's (a bad folder, a full disk, the
 * memory limit), WOM_ECONFIG when a value inside the ranges breaks a rule
 * joining keys, WOM_ELIBRARY when GSL fails, WOM_EINVAL for bad options. */
wom_status wom_calibrate_run(wom_calibrate_t *cal, const wom_calibrate_options_t *options,
                             wom_calibrate_result_t *result, wom_error_t *error);
void wom_calibrate_result_destroy(wom_calibrate_result_t *result);

#endif
