/* calibrate.c: a calibration problem (calibrate.h): the scenario's working
 * copy with its free keys checked through the config's own range parser,
 * the observed columns matched to the scenario's metrics and days, the
 * objective and its scales, and one evaluation: the scenario's
 * replications at given key values run as a single-point batch through
 * the batch engine, read back by aggregate.c and their task files removed.
 * Pure: no printing; files only in the work folder the caller names.
 * Workload: one set-up, then up to thousands of evaluations, each a batch.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "calibrate_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "config_internal.h"
#include "womsim/aggregate.h"
#include "womsim/model.h"
#include "womsim/text.h"

/* ---- the objective -------------------------------------------------------- */

void wom_calibrate_scales(const double *observed, size_t rows, size_t metrics, double *scale) {
    for (size_t m = 0; m < metrics; m++) {
        double sum = 0, absolute = 0, squares = 0;
        for (size_t d = 0; d < rows; d++) {
            sum += observed[d * metrics + m];
            absolute += fabs(observed[d * metrics + m]);
        }
        double mean = sum / (double)rows;
        for (size_t d = 0; d < rows; d++) {
            double deviation = observed[d * metrics + m] - mean;
            squares += deviation * deviation;
        }
        double sd = rows > 1 ? sqrt(squares / (double)(rows - 1)) : 0;
        scale[m] = sd > 0 ? sd : absolute > 0 ? absolute / (double)rows : 1;
    }
}

double wom_calibrate_objective(const double *fitted, const double *observed, const double *scale,
                               size_t rows, size_t metrics) {
    double sum = 0;
    for (size_t d = 0; d < rows; d++) {
        for (size_t m = 0; m < metrics; m++) {
            double residual = (fitted[d * metrics + m] - observed[d * metrics + m]) / scale[m];
            sum += residual * residual;
        }
    }
    return sum;
}

double wom_calibrate_fold(double u) {
    double folded = u - 2 * floor(u / 2); /* in [0, 2) */
    return folded <= 1 ? folded : 2 - folded;
}

double wom_calibrate_value(const wom_calibrate_t *cal, size_t key, double u) {
    const wom_calibrate_key_t *k = &cal->key[key];
    return fmin(fmax(k->lo + u * (k->hi - k->lo), k->lo), k->hi);
}

/* ---- setting keys --------------------------------------------------------- */

wom_status wom_calibrate_set(wom_calibrate_t *cal, wom_error_t *error, const char *format, ...) {
    char assignment[WOM_MAX_KEY_NAME + 64];
    va_list args;
    va_start(args, format);
    vsnprintf(assignment, sizeof assignment, format, args);
    va_end(args);
    return wom_config_set_from(cal->config, cal->origin, assignment, error);
}

wom_status wom_calibrate_set_values(wom_calibrate_t *cal, const double *values,
                                    wom_error_t *error) {
    wom_status status = WOM_OK;
    for (size_t i = 0; status == WOM_OK && i < cal->keys; i++) {
        char number[32];
        wom_text_format_number(number, sizeof number, values[i]);
        status = wom_calibrate_set(cal, error, "%s=%s", cal->key[i].name, number);
    }
    return status;
}

/* ---- setting up ----------------------------------------------------------- */

/* `text` ("KEY=LO:HI") split: the key's name trimmed into `name`, and
 * whether the value is one range LO:HI. */
static bool split_free(const char *text, char name[WOM_MAX_KEY_NAME], bool *range) {
    const char *equals = strchr(text, '=');
    if (equals == NULL || equals == text) {
        return false;
    }
    const char *start = text + strspn(text, " \t"), *end = equals;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    snprintf(name, WOM_MAX_KEY_NAME, "%.*s", (int)(end - start), start);
    const char *colon = strchr(equals + 1, ':');
    *range = colon != NULL && strchr(colon + 1, ':') == NULL && strchr(equals, ',') == NULL;
    return true;
}

/* The bounds the config parsed for ranged key `name`. */
static wom_status read_bounds(const wom_calibrate_t *cal, wom_calibrate_key_t *key) {
    size_t swept = wom_config_swept(cal->config);
    for (size_t j = 0; j < swept; j++) {
        wom_config_sweep_t sweep;
        if (wom_config_sweep_key(cal->config, j, &sweep) == WOM_OK &&
            strcmp(sweep.name, key->name) == 0 && sweep.range[0] != NULL) {
            key->lo = strtod(sweep.range[0], NULL);
            key->hi = strtod(sweep.range[1], NULL);
            return WOM_OK;
        }
    }
    return WOM_EINVAL;
}

/* One free key "KEY=LO:HI": its form, then the config's checks (the key
 * known, its range numbers within the key's), then a real-valued key. */
static wom_status take_key(wom_calibrate_t *cal, const char *text, wom_error_t *error) {
    wom_calibrate_key_t *key = &cal->key[cal->keys];
    const char *origin = cal->origin;
    bool range = false;
    if (!split_free(text, key->name, &range)) {
        return wom_error_set(error, WOM_ECONFIG, origin, 0,
                             "expected KEY=LO:HI, such as service.quality=0.7:0.95, not '%s'",
                             text);
    }
    for (size_t i = 0; i < cal->keys; i++) {
        if (strcmp(cal->key[i].name, key->name) == 0) {
            return wom_error_set(error, WOM_ECONFIG, origin, 0, "%s is given twice", key->name);
        }
    }
    wom_status status = wom_config_set_from(cal->config, origin, text, error);
    if (status == WOM_OK && !range) {
        return wom_error_set(error, WOM_ECONFIG, origin, 0,
                             "%s: '%s' is not a range LO:HI: give the values the fit searches "
                             "between, such as %s=0.7:0.95",
                             key->name, strchr(text, '=') + 1, key->name);
    }
    const wom_key_t *row = status == WOM_OK ? wom_config_key(key->name) : NULL;
    if (status == WOM_OK && (row == NULL || row->type != WOM_KEY_REAL)) {
        return wom_error_set(error, WOM_ECONFIG, origin, 0,
                             "%s takes whole numbers; the fit searches keys of real values only "
                             "(a whole-number key can be swept by womsim run instead)",
                             key->name);
    }
    if (status == WOM_OK && read_bounds(cal, key) != WOM_OK) {
        return wom_error_set(error, WOM_EINVAL, origin, 0, "%s: its range was not kept", key->name);
    }
    cal->keys += status == WOM_OK;
    return status;
}

/* The closest of the layout's names to `name`, or NULL. */
static const char *closest_metric(const wom_metrics_layout_t *layout, const char *name) {
    const char *best = NULL;
    int score = WOM_TEXT_NOT_CLOSE;
    for (int c = 0; c < layout->count; c++) {
        int closeness = wom_text_closeness(name, layout->name[c], strlen(layout->name[c]));
        if (closeness < score) {
            best = layout->name[c];
            score = closeness;
        }
    }
    return best;
}

/* Metric `name` of the table: a column of it, and a metric of the scenario. */
static wom_status take_metric(wom_calibrate_t *cal, const wom_calibrate_spec_t *spec,
                              const wom_metrics_layout_t *layout, const char *name, size_t count,
                              wom_error_t *error) {
    const wom_calibrate_data_t *data = spec->data;
    int column = wom_calibrate_data_column(data, name);
    for (size_t m = 0; m < cal->metrics; m++) {
        column = strcmp(cal->name[m], name) == 0 ? -1 : column;
    }
    if (column < 0) {
        return wom_error_set(error, WOM_EINVAL, spec->data_path, 0,
                             "metric '%s' is not a column of the table, or is given twice", name);
    }
    if (wom_metrics_find(layout, name) < 0) {
        const char *closest = closest_metric(layout, name);
        char hint[WOM_METRICS_NAME + 32] = "";
        if (closest != NULL) {
            snprintf(hint, sizeof hint, "; did you mean '%s'?", closest);
        }
        return wom_error_set(error, WOM_EDATA, spec->data_path, data->day_line,
                             "column '%s' is not a metric of the scenario (a column of its "
                             "timeseries.csv without _mean)%s",
                             name, hint);
    }
    size_t m = cal->metrics++;
    snprintf(cal->name[m], WOM_METRICS_NAME, "%s", name);
    for (size_t d = 0; d < data->rows; d++) {
        cal->observed[d * count + m] = data->value[d * data->columns + column];
    }
    return WOM_OK;
}

static wom_status take_metrics(wom_calibrate_t *cal, const wom_calibrate_spec_t *spec,
                               const wom_scenario_t *scenario, wom_error_t *error) {
    const wom_calibrate_data_t *data = spec->data;
    size_t count = spec->metrics != NULL ? spec->metric_count : data->columns;
    cal->name = calloc(count + 1, sizeof *cal->name);
    cal->observed = calloc(data->rows * count + 1, sizeof *cal->observed);
    if (cal->name == NULL || cal->observed == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    wom_metrics_layout_t layout;
    wom_model_layout(scenario, &layout);
    wom_status status = WOM_OK;
    for (size_t m = 0; status == WOM_OK && m < count; m++) {
        const char *name = spec->metrics != NULL ? spec->metrics[m] : data->name[m];
        status = take_metric(cal, spec, &layout, name, count, error);
    }
    return status;
}

/* The observed days: within the scenario's, and enough values for the keys. */
static wom_status take_days(wom_calibrate_t *cal, const wom_calibrate_spec_t *spec,
                            wom_error_t *error) {
    const wom_calibrate_data_t *data = spec->data;
    cal->rows = data->rows;
    cal->day = malloc(data->rows * sizeof *cal->day);
    if (cal->day == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    for (size_t d = 0; d < data->rows; d++) {
        if (data->day[d] > (int64_t)cal->steps) {
            return wom_error_set(error, WOM_EDATA, spec->data_path, data->line[d],
                                 "day %lld is beyond the scenario's last day (simulation.steps "
                                 "= %u)",
                                 (long long)data->day[d], cal->steps);
        }
        cal->day[d] = data->day[d];
    }
    if (cal->rows * cal->metrics < cal->keys) {
        return wom_error_set(error, WOM_EDATA, spec->data_path, 0,
                             "%zu observed value%s cannot determine %zu free keys: observe more "
                             "days or metrics, or free fewer keys",
                             cal->rows * cal->metrics, cal->rows * cal->metrics == 1 ? "" : "s",
                             cal->keys);
    }
    return WOM_OK;
}

/* Every corner of the ranges resolves, so that a rule joining keys (say
 * wom.forward_prob x wom.forward_tell_mean below 1) broken inside them is
 * found before the search rather than during it. Leaves the keys at
 * their LO. */
static wom_status check_corners(wom_calibrate_t *cal, wom_error_t *error) {
    wom_status status = wom_calibrate_set(cal, error, "design.method=grid");
    for (size_t corner = (size_t)1 << cal->keys; status == WOM_OK && corner-- > 0;) {
        double values[WOM_CALIBRATE_MAX_KEYS];
        for (size_t i = 0; i < cal->keys; i++) {
            values[i] = corner >> i & 1 ? cal->key[i].hi : cal->key[i].lo;
        }
        status = wom_calibrate_set_values(cal, values, error);
        wom_scenario_t scenario;
        status = status == WOM_OK ? wom_config_scenario(cal->config, 0, &scenario, error) : status;
    }
    return status;
}

static wom_status check_spec(const wom_config_t *config, const wom_calibrate_spec_t *spec,
                             wom_error_t *error) {
    bool ok = config != NULL && spec != NULL && spec->data != NULL && spec->data_path != NULL &&
              spec->origin != NULL && spec->free != NULL && spec->free_count >= 1 &&
              spec->free_count <= WOM_CALIBRATE_MAX_KEYS &&
              (spec->metrics == NULL ||
               (spec->metric_count >= 1 && spec->metric_count <= WOM_CALIBRATE_MAX_COLUMNS));
    return ok ? WOM_OK
              : wom_error_set(error, WOM_EINVAL, "", 0, "wom_calibrate_init: bad arguments");
}

/* The scenario: one point, its seed, replications and days. */
static wom_status take_scenario(wom_calibrate_t *cal, const wom_config_t *config,
                                wom_scenario_t *scenario, wom_error_t *error) {
    wom_status status = wom_config_hash(config, cal->hash);
    if (status == WOM_OK && wom_config_points(config) > 1) {
        return wom_error_set(error, WOM_ECONFIG, "", 0,
                             "the scenario sweeps a key over several values (%zu points); a fit "
                             "takes one value per key and varies only its free keys",
                             wom_config_points(config));
    }
    status = status == WOM_OK ? wom_config_scenario(config, 0, scenario, error) : status;
    status = status == WOM_OK ? wom_config_copy(config, &cal->config) : status;
    if (status == WOM_ENOMEM) {
        return wom_error_set(error, status, "", 0, "out of memory");
    }
    cal->seed = scenario->simulation.seed;
    cal->replications = (uint32_t)scenario->simulation.replications;
    cal->steps = (uint32_t)scenario->simulation.steps;
    return status;
}

wom_status wom_calibrate_init(wom_calibrate_t *cal, const wom_config_t *config,
                              const wom_calibrate_spec_t *spec, wom_error_t *error) {
    memset(cal, 0, sizeof *cal);
    wom_status status = check_spec(config, spec, error);
    wom_scenario_t scenario;
    cal->origin = spec != NULL ? spec->origin : "";
    status = status == WOM_OK ? take_scenario(cal, config, &scenario, error) : status;
    for (size_t i = 0; status == WOM_OK && i < spec->free_count; i++) {
        status = take_key(cal, spec->free[i], error);
    }
    status = status == WOM_OK ? take_metrics(cal, spec, &scenario, error) : status;
    status = status == WOM_OK ? take_days(cal, spec, error) : status;
    if (status == WOM_OK) {
        wom_calibrate_scales(cal->observed, cal->rows, cal->metrics, cal->scale);
        status = check_corners(cal, error);
    }
    if (status == WOM_OK) {
        status = wom_calibrate_set(cal, error, "simulation.common_random_numbers=true");
    }
    return status;
}

void wom_calibrate_destroy(wom_calibrate_t *cal) {
    if (cal != NULL) {
        wom_config_free(cal->config);
        free(cal->name);
        free(cal->day);
        free(cal->observed);
        memset(cal, 0, sizeof *cal);
    }
}

/* ---- one batch ------------------------------------------------------------ */

wom_status wom_calibrate_batch(wom_calibrate_t *cal, const wom_calibrate_options_t *options,
                               wom_batch_t *batch, bool *stopped, wom_error_t *error) {
    wom_batch_options_t batch_options = {.dir = options->work_dir,
                                         .name = options->name,
                                         .shards = 1,
                                         .max_tasks = UINT64_MAX,
                                         .threads = options->threads,
                                         .max_bytes = options->max_bytes};
    wom_batch_control_t control = {false, options->parallel, options->stop, NULL, NULL};
    *stopped = false;
    wom_status status = wom_batch_init(batch, cal->config, &batch_options, error);
    if (status != WOM_OK) {
        return status; /* wom_batch_init destroyed it */
    }
    status = wom_batch_run_with(batch, &control, error);
    if (status != WOM_OK) {
        return wom_calibrate_batch_end(batch, status, error);
    }
    *stopped = batch->stopped;
    return WOM_OK;
}

wom_status wom_calibrate_batch_end(wom_batch_t *batch, wom_status status, wom_error_t *error) {
    uint32_t tasks = wom_batch_tasks(&batch->plan);
    for (uint32_t run_id = 0; run_id < tasks; run_id++) {
        char path[WOM_MAX_PATH];
        if (wom_batch_task_path(batch->options.dir, run_id, path, sizeof path) &&
            unlink(path) != 0 && errno != ENOENT && status == WOM_OK) {
            status = wom_error_set(error, WOM_ECANTCREAT, path, 0,
                                   "cannot remove this task file: %s", strerror(errno));
        }
    }
    wom_batch_destroy(batch);
    return status;
}

/* Column `column` of every replication on every day: the mean, and the
 * 2.5% and 97.5% quantiles of the replications (where one run falls). */
static wom_status fill_series(const wom_calibrate_t *cal, const wom_aggregate_point_t *point,
                              size_t metric, int column, wom_calibrate_result_t *series) {
    const wom_metrics_table_t *table = &point->table;
    size_t days = (size_t)table->steps + 1, runs = table->replications;
    double *values = malloc(runs * days * sizeof *values), *day = malloc(runs * sizeof *day);
    if (values == NULL || day == NULL) {
        free(values);
        free(day);
        return WOM_ENOMEM;
    }
    for (uint32_t r = 0; r < runs; r++) {
        wom_metrics_series(&point->layout, column, wom_metrics_table_row(table, r, 0), table->steps,
                           table->agents, values + r * days);
    }
    for (size_t t = 0; t < days; t++) {
        for (size_t r = 0; r < runs; r++) {
            day[r] = values[r * days + t];
        }
        gsl_sort(day, 1, runs);
        size_t at = t * cal->metrics + metric;
        series->mean[at] = point->series[t * (size_t)point->layout.count + (size_t)column].mean;
        series->band_lo[at] = gsl_stats_quantile_from_sorted_data(day, 1, runs, 0.025);
        series->band_hi[at] = gsl_stats_quantile_from_sorted_data(day, 1, runs, 0.975);
    }
    free(values);
    free(day);
    return WOM_OK;
}

wom_status wom_calibrate_point(const wom_calibrate_t *cal, wom_batch_t *batch, uint32_t point,
                               double *fitted, wom_calibrate_result_t *series, wom_error_t *error) {
    wom_aggregate_point_t results;
    wom_status status = wom_aggregate_point(batch, point, &results, error);
    for (size_t m = 0; status == WOM_OK && m < cal->metrics; m++) {
        int column = wom_metrics_find(&results.layout, cal->name[m]);
        if (column < 0) {
            status = wom_error_set(error, WOM_EINVAL, "", 0, "metric %s is gone", cal->name[m]);
            break;
        }
        for (size_t d = 0; d < cal->rows; d++) {
            size_t at = (size_t)cal->day[d] * (size_t)results.layout.count + (size_t)column;
            fitted[d * cal->metrics + m] = results.series[at].mean;
        }
        if (series != NULL && fill_series(cal, &results, m, column, series) != WOM_OK) {
            status = wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
        }
    }
    wom_aggregate_point_destroy(&results);
    return status;
}

wom_status wom_calibrate_simulate(wom_calibrate_t *cal, const wom_calibrate_options_t *options,
                                  const double *values, double *fitted,
                                  wom_calibrate_result_t *series, bool *stopped,
                                  wom_error_t *error) {
    wom_batch_t batch;
    *stopped = false;
    wom_status status = wom_calibrate_set_values(cal, values, error);
    status = status == WOM_OK ? wom_calibrate_batch(cal, options, &batch, stopped, error) : status;
    if (status != WOM_OK) {
        return status;
    }
    if (!*stopped) {
        status = wom_calibrate_point(cal, &batch, 0, fitted, series, error);
    }
    return wom_calibrate_batch_end(&batch, status, error);
}
