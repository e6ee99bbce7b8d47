/* output_batch.c: the files of a batch as a whole, written from its
 * results point by point (wom_output_write_batch): runs.csv (every task's
 * every metric at every step, long format, streamed in groups of
 * replications formatted over the threads), each point's own files
 * (output.c), and for a sweep sweep.csv, sweep.dat and sweep.gp from every
 * point's final summaries. Workload: one point's rows in memory at a time;
 * runs.csv grows by (steps + 1) x columns rows per task.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "output_internal.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "womsim/version.h"

/* A sweep point as runs.csv names it. */
typedef struct {
    uint32_t point;
    size_t keys;               /* swept keys, 0 for a single point */
    const char *const *names;  /* their full names, sweep order */
    const char *const *values; /* their values at `point` */
    uint32_t every;            /* runs.csv keeps days 0, every, 2 x every, ... and the last;
                                  0: the last only */
} wom_output_point_t;

/* What sweep.csv, sweep.dat and sweep.gp are made from: every point's
 * final summaries and totals. */
typedef struct {
    const char *scenario_name;
    const char *scenario_hash;
    uint64_t seed; /* of point 0, for the provenance lines */
    uint32_t points, replications;
    size_t keys;                        /* swept keys, >= 1 */
    const char *const *names;           /* their full names, sweep order */
    const size_t *counts;               /* values per swept key; counts[0] divides points */
    const char *const *values;          /* points x keys: key k at point p is [p * keys + k] */
    const wom_metrics_layout_t *layout; /* the same columns at every point */
    const wom_stats_summary_t *finals;  /* points x layout->count, at each point's last step */
    const wom_stats_summary_t *totals;  /* points x layout->count, totals over the days */
    const wom_stats_summary_t *shares;  /* classic kinds: final share per point; else NULL */
    bool sampled; /* a sampled design: the keys vary together, each point is a sample */
} wom_output_sweep_t;

/* A CSV field, quoted (quotes doubled) when it holds a separator, a quote
 * or a line break. */
static void csv_field(wom_text_t *text, const char *value) {
    if (strpbrk(value, ",\"\r\n") == NULL) {
        wom_text_printf(text, "%s", value);
        return;
    }
    wom_text_printf(text, "\"");
    for (const char *c = value; *c; c++) {
        wom_text_printf(text, "%s%c", *c == '"' ? "\"" : "", *c);
    }
    wom_text_printf(text, "\"");
}

/* A swept key's column: `key:` and its full name, so that a key ending in
 * `_mean` (wom.satisfied_tell_mean) never reads as a metric. Keys are the
 * parameter table's names (letters, digits, '_' and '.'): never quoted. */
static void key_columns(wom_text_t *text, size_t keys, const char *const *names) {
    for (size_t k = 0; k < keys; k++) {
        wom_text_printf(text, ",key:%s", names[k]);
    }
}

static void runs_header(wom_text_t *text, const wom_output_point_t *point) {
    wom_text_printf(text, "scenario,point,replication,run_id,seed");
    key_columns(text, point->keys, point->names);
    wom_text_printf(text, ",step,metric,value\n");
}

static void runs_rows(wom_text_t *text, const wom_output_run_t *run,
                      const wom_output_point_t *point, uint32_t replication, uint32_t run_id) {
    const wom_metrics_table_t *result = &run->point->table;
    size_t steps = result->steps + 1, columns = (size_t)run->point->layout.count;
    double *values = malloc(columns * steps * sizeof *values);
    wom_text_t prefix; /* the fields every row of this replication starts with */
    wom_text_init(&prefix);
    if (values == NULL) {
        text->failed = true; /* reported as out of memory when written */
        return;
    }
    for (size_t column = 0; column < columns; column++) {
        wom_metrics_series(&run->point->layout, (int)column,
                           wom_metrics_table_row(result, replication, 0), result->steps,
                           result->agents, &values[column * steps]);
    }
    csv_field(&prefix, run->scenario_name);
    wom_text_printf(&prefix, ",%u,%u,%u,%llu,", point->point, replication, run_id,
                    (unsigned long long)run->point->scenario.simulation.seed);
    for (size_t k = 0; k < point->keys; k++) {
        csv_field(&prefix, point->values[k]);
        wom_text_printf(&prefix, ",");
    }
    text->failed |= prefix.failed;
    for (size_t t = 0; t < steps && !text->failed; t++) {
        bool kept = t == steps - 1 || (point->every > 0 && t % point->every == 0);
        char step[24]; /* "t," */
        size_t step_length = kept ? (size_t)snprintf(step, sizeof step, "%zu,", t) : 0;
        for (size_t column = 0; kept && column < columns; column++) {
            const char *name = run->point->layout.name[column];
            wom_text_append(text, prefix.data, prefix.length);
            wom_text_append(text, step, step_length);
            wom_text_append(text, name, strlen(name));
            wom_text_append(text, ",", 1);
            wom_text_number(text, values[column * steps + t]);
            wom_text_append(text, "\n", 1);
        }
    }
    wom_text_destroy(&prefix);
    free(values);
}

/* The value of swept key `key` at `point`. */
static const char *sweep_value(const wom_output_sweep_t *sweep, uint32_t point, size_t key) {
    return sweep->values[(size_t)point * sweep->keys + key];
}

static void sweep_stat_names(wom_text_t *text, const char *metric) {
    static const char *const names[4] = {"mean", "sd", "ci95_lo", "ci95_hi"};
    for (int k = 0; k < 4; k++) {
        wom_text_printf(text, ",");
        csv_field(text, metric);
        wom_text_printf(text, "_%s", names[k]);
    }
}

static void sweep_stats(wom_text_t *text, const wom_stats_summary_t *s) {
    const double values[4] = {s->mean, s->sd, s->ci95_lo, s->ci95_hi};
    for (int k = 0; k < 4; k++) {
        wom_text_printf(text, ",");
        wom_text_number(text, values[k]);
    }
}

static void sweep_csv(wom_text_t *text, const wom_output_sweep_t *sweep) {
    int columns = sweep->layout->count;
    wom_text_printf(text, "point,replications");
    key_columns(text, sweep->keys, sweep->names);
    for (int column = 0; column < columns; column++) {
        sweep_stat_names(text, sweep->layout->name[column]);
    }
    for (int column = 0; column < columns; column++) {
        if (wom_metrics_is_flow(sweep->layout->id[column])) {
            char name[WOM_METRICS_NAME + 8];
            snprintf(name, sizeof name, "%s_total", sweep->layout->name[column]);
            sweep_stat_names(text, name);
        }
    }
    if (sweep->shares != NULL) {
        sweep_stat_names(text, "final_share");
    }
    wom_text_printf(text, "\n");
    for (uint32_t p = 0; p < sweep->points; p++) {
        wom_text_printf(text, "%u,%u", p, sweep->replications);
        for (size_t k = 0; k < sweep->keys; k++) {
            wom_text_printf(text, ",");
            csv_field(text, sweep_value(sweep, p, k));
        }
        for (int column = 0; column < columns; column++) {
            sweep_stats(text, &sweep->finals[(size_t)p * columns + column]);
        }
        for (int column = 0; column < columns; column++) {
            if (wom_metrics_is_flow(sweep->layout->id[column])) {
                sweep_stats(text, &sweep->totals[(size_t)p * columns + column]);
            }
        }
        if (sweep->shares != NULL) {
            sweep_stats(text, &sweep->shares[p]);
        }
        wom_text_printf(text, "\n");
    }
}

/* The plotted summary of point p: the final share for classic kinds,
 * else final customers (the first column if a layout had none). */
static const wom_stats_summary_t *sweep_plotted(const wom_output_sweep_t *sweep, uint32_t p) {
    if (sweep->shares != NULL) {
        return &sweep->shares[p];
    }
    int column = wom_metrics_find(sweep->layout, "customers");
    return &sweep->finals[(size_t)p * sweep->layout->count + (column < 0 ? 0 : column)];
}

static const char *sweep_plotted_name(const wom_output_sweep_t *sweep) {
    if (sweep->shares != NULL) {
        return "final share of nodes reached";
    }
    return wom_metrics_find(sweep->layout, "customers") < 0 ? sweep->layout->name[0]
                                                            : "customers at the last step";
}

/* Whether every value of the first swept key is a number (else the x axis
 * is categorical, labelled with the values). */
static bool sweep_numeric_x(const wom_output_sweep_t *sweep) {
    for (size_t v = 0; v < sweep->counts[0]; v++) {
        const char *text =
            sweep_value(sweep, (uint32_t)(v * (sweep->points / sweep->counts[0])), 0);
        char *end = NULL;
        double value = strtod(text, &end);
        if (end == text || *end != '\0' || !isfinite(value)) {
            return false;
        }
    }
    return true;
}

/* The lines of the sweep plot: one per combination of the swept keys after
 * the first (points whose first key differs by one value are `lines` apart). */
static uint32_t sweep_lines(const wom_output_sweep_t *sweep) {
    return sweep->points / (uint32_t)sweep->counts[0];
}

/* "network.nodes = 300, wom.forward_prob = 0.2": the keys after the first
 * at `point`; "mean and 95% CI" when only one key is swept. */
static void sweep_line_title(wom_text_t *text, const wom_output_sweep_t *sweep, uint32_t point) {
    if (sweep->keys == 1) {
        wom_text_printf(text, "mean and 95%% CI");
    }
    for (size_t k = 1; k < sweep->keys; k++) {
        wom_text_printf(text, "%s", k > 1 ? ", " : "");
        wom_output_quoted_name(text, sweep->names[k]);
        wom_text_printf(text, " = ");
        wom_output_quoted_name(text, sweep_value(sweep, point, k));
    }
}

static void sweep_provenance(wom_text_t *text, const wom_output_sweep_t *sweep) {
    wom_text_printf(text, "# womsim %s, scenario '", WOM_VERSION);
    wom_output_quoted_name(text, sweep->scenario_name);
    wom_text_printf(text, "' (sha256 %s), seed %llu, %u points x %u replications\n",
                    sweep->scenario_hash, (unsigned long long)sweep->seed, sweep->points,
                    sweep->replications);
}

static void sweep_dat(wom_text_t *text, const wom_output_sweep_t *sweep) {
    uint32_t lines = sweep_lines(sweep);
    sweep_provenance(text, sweep);
    wom_text_printf(text, "# %s (mean and 95%% CI over replications) by ",
                    sweep_plotted_name(sweep));
    wom_output_quoted_name(text, sweep->names[0]);
    wom_text_printf(text, "; one block (gnuplot index) per line\n# columns: 1 value number, 2 ");
    wom_output_quoted_name(text, sweep->names[0]);
    wom_text_printf(text, ", 3 mean, 4 ci95_lo, 5 ci95_hi, 6 point\n");
    for (uint32_t line = 0; line < lines; line++) {
        wom_text_printf(text, "%s# index %u: ", line > 0 ? "\n\n" : "", line);
        sweep_line_title(text, sweep, line);
        wom_text_printf(text, "\n");
        for (uint32_t v = 0; v < sweep->counts[0]; v++) {
            uint32_t p = v * lines + line;
            const wom_stats_summary_t *s = sweep_plotted(sweep, p);
            wom_text_printf(text, "%u %s ", v, sweep_value(sweep, p, 0));
            wom_text_number(text, s->mean);
            wom_text_printf(text, " ");
            wom_text_number(text, s->ci95_lo);
            wom_text_printf(text, " ");
            wom_text_number(text, s->ci95_hi);
            wom_text_printf(text, " %u\n", p);
        }
    }
}

/* A sampled design's sweep.dat: one block (gnuplot index) per key, every
 * point's value of it and result, to draw the result against each key. */
static void sampled_dat(wom_text_t *text, const wom_output_sweep_t *sweep) {
    sweep_provenance(text, sweep);
    wom_text_printf(text,
                    "# %s (mean and 95%% CI over replications) at every point of the "
                    "design; one block (gnuplot index) per key\n# columns: 1 point, 2 the "
                    "key's value, 3 mean, 4 ci95_lo, 5 ci95_hi\n",
                    sweep_plotted_name(sweep));
    for (size_t k = 0; k < sweep->keys; k++) {
        wom_text_printf(text, "%s# index %zu: ", k > 0 ? "\n\n" : "", k);
        wom_output_quoted_name(text, sweep->names[k]);
        wom_text_printf(text, "\n");
        for (uint32_t p = 0; p < sweep->points; p++) {
            const wom_stats_summary_t *s = sweep_plotted(sweep, p);
            wom_text_printf(text, "%u %s ", p, sweep_value(sweep, p, k));
            wom_text_number(text, s->mean);
            wom_text_printf(text, " ");
            wom_text_number(text, s->ci95_lo);
            wom_text_printf(text, " ");
            wom_text_number(text, s->ci95_hi);
            wom_text_printf(text, "\n");
        }
    }
}

/* A sampled design's sweep.gp: a scatter of the result against each key. */
static void sampled_gp(wom_text_t *text, const wom_output_sweep_t *sweep) {
    size_t columns = sweep->keys < 3 ? sweep->keys : 3, rows = (sweep->keys + 2) / 3;
    sweep_provenance(text, sweep);
    wom_text_printf(text, "# Renders sweep.png and sweep.svg from sweep.dat:\n"
                          "#   gnuplot sweep.gp\n"
                          "# One panel per key: every point of the design, its mean over "
                          "replications and 95%% confidence interval.\n");
    wom_output_picture_names(text, "sweep");
    wom_text_printf(text, "set grid\nunset key\nset xtics rotate by -30\nset ylabel '%s'\n",
                    sweep_plotted_name(sweep));
    wom_text_printf(text,
                    "do for [format = 1:2] {\n"
                    "  if (format == 1) {\n"
                    "    set terminal pngcairo size %zu,%zu noenhanced font ',10'\n"
                    "    set output png\n"
                    "  } else {\n"
                    "    set terminal svg size %zu,%zu dynamic noenhanced font ',10'\n"
                    "    set output svg\n"
                    "  }\n"
                    "  set multiplot layout %zu,%zu title 'womsim: ",
                    420 * columns, 330 * rows, 420 * columns, 330 * rows, rows, columns);
    wom_output_quoted_name(text, sweep->scenario_name);
    wom_text_printf(text, " (%u points, %u replications each)'\n", sweep->points,
                    sweep->replications);
    for (size_t k = 0; k < sweep->keys; k++) {
        wom_text_printf(text, "  set xlabel '");
        wom_output_quoted_name(text, sweep->names[k]);
        wom_text_printf(text,
                        "'\n  plot 'sweep.dat' index %zu using 2:3:4:5 with yerrorbars "
                        "pt 7 ps 0.5\n",
                        k);
    }
    wom_text_printf(text, "  unset multiplot\n  set output\n}\n");
}

static void sweep_gp(wom_text_t *text, const wom_output_sweep_t *sweep) {
    bool numeric = sweep_numeric_x(sweep);
    sweep_provenance(text, sweep);
    wom_text_printf(text, "# Renders sweep.png and sweep.svg from sweep.dat:\n"
                          "#   gnuplot sweep.gp\n"
                          "# Points are means over replications; bars are 95%% confidence "
                          "intervals.\n# noenhanced: key names keep their underscores.\n");
    wom_output_picture_names(text, "sweep");
    wom_text_printf(text, "set grid\nset key top left\nset xlabel '");
    wom_output_quoted_name(text, sweep->names[0]);
    wom_text_printf(text, "'\nset ylabel '%s'\nset title 'womsim: ", sweep_plotted_name(sweep));
    wom_output_quoted_name(text, sweep->scenario_name);
    /* Margins keep the error bars of the first and last values off the border. */
    wom_text_printf(text, " (%u replications per point)'\nset offsets %s, 0, 0\n",
                    sweep->replications, numeric ? "graph 0.05, graph 0.05" : "0.5, 0.5");
    wom_text_printf(text, "do for [format = 1:2] {\n"
                          "  if (format == 1) {\n"
                          "    set terminal pngcairo size 1000,650 noenhanced font ',10'\n"
                          "    set output png\n"
                          "  } else {\n"
                          "    set terminal svg size 1000,650 dynamic noenhanced font ',10'\n"
                          "    set output svg\n"
                          "  }\n");
    uint32_t lines = sweep_lines(sweep);
    for (uint32_t line = 0; line < lines; line++) {
        wom_text_printf(text, "%s'sweep.dat' index %u using %s with yerrorlines lw 2 title '",
                        line == 0 ? "  plot " : ", \\\n       ", line,
                        numeric ? "2:3:4:5" : "1:3:4:5:xticlabels(2)");
        sweep_line_title(text, sweep, line);
        wom_text_printf(text, "'");
    }
    wom_text_printf(text, "\n  set output\n}\n");
}

typedef void (*sweep_builder_fn)(wom_text_t *text, const wom_output_sweep_t *sweep);

static wom_status write_sweep_files(const char *dir, const wom_output_sweep_t *sweep,
                                    wom_error_t *error) {
    const struct {
        const char *name;
        sweep_builder_fn build;
    } files[] = {{"sweep.csv", sweep_csv},
                 {"sweep.dat", sweep->sampled ? sampled_dat : sweep_dat},
                 {"sweep.gp", sweep->sampled ? sampled_gp : sweep_gp}};
    if (sweep->keys == 0 || sweep->counts[0] == 0 || sweep->points % sweep->counts[0] != 0) {
        return wom_error_set(error, WOM_EINVAL, dir, 0, "wom_output_write_sweep: no sweep");
    }
    wom_status status = WOM_OK;
    for (size_t i = 0; status == WOM_OK && i < sizeof files / sizeof files[0]; i++) {
        wom_text_t text;
        wom_text_init(&text);
        files[i].build(&text, sweep);
        status = wom_file_write_text(dir, files[i].name, &text, error);
        wom_text_destroy(&text);
    }
    return status;
}

/* ---- the whole batch ---- */

/* What the points add to the batch's files, built point by point. */
typedef struct {
    wom_file_stream_t runs; /* runs.csv, open until every point is in */
    const char **names;     /* swept keys' names */
    size_t *counts;         /* their value counts */
    const char **values;    /* points x keys: each point's swept values */
} sweep_files_t;

static wom_status sweep_files_init(const wom_batch_t *batch, sweep_files_t *f) {
    size_t points = batch->plan.points, keys = batch->keys;
    f->names = calloc(keys + 1, sizeof *f->names);
    f->counts = calloc(keys + 1, sizeof *f->counts);
    f->values = calloc(points * keys + 1, sizeof *f->values);
    if (!f->names || !f->counts || !f->values) {
        return WOM_ENOMEM;
    }
    for (size_t k = 0; k < keys; k++) {
        f->names[k] = batch->sweep[k].name;
        f->counts[k] = batch->sweep[k].count;
        for (uint32_t p = 0; p < points; p++) {
            f->values[p * keys + k] = batch->sweep[k].values[wom_batch_value_index(batch, p, k)];
        }
    }
    return WOM_OK;
}

static void sweep_files_destroy(sweep_files_t *f) {
    wom_file_stream_abandon(&f->runs);
    free(f->names);
    free(f->counts);
    free(f->values);
}

/* The days runs.csv keeps of each task: --record, and by default every
 * day, but a sampled design's last day only: its points are many and read
 * together, and the last day holds the values behind sweep.csv's means
 * (every day of a point is in its timeseries.csv). */
static uint32_t recorded_every(const wom_batch_t *batch, const wom_output_run_t *run) {
    switch (batch->options.record) {
    case WOM_BATCH_RECORD_FINAL:
        return 0;
    case WOM_BATCH_RECORD_EVERY:
        return batch->options.record_every;
    default:
        return run->point->scenario.design.method == WOM_DESIGN_GRID ? 1 : 0;
    }
}

/* Replications whose runs.csv rows are formatted side by side, over the
 * threads, and then written in order: formatting the numbers is most of
 * the output stage of a sweep. Four a thread (so that a slow one does not
 * hold the others up), at most RUNS_GROUP_MAX: the text of that many
 * replications is held at a time (about 1 MB each at 365 days and 30
 * metrics). */
enum { RUNS_GROUP_MAX = 64 };

static int runs_group(void) {
    int threads = omp_get_max_threads();
    return threads > RUNS_GROUP_MAX / 4 ? RUNS_GROUP_MAX : 4 * threads;
}

/* Appends a point's rows to runs.csv, the same bytes for any number of
 * threads; a failed write (a full disk) ends the file there, its
 * temporary removed and the error naming runs.csv and the system's
 * reason. */
static wom_status append_runs(const wom_batch_t *batch, sweep_files_t *f,
                              const wom_output_run_t *run, wom_error_t *error) {
    const uint32_t point = run->point->point, replications = run->point->table.replications;
    wom_output_point_t at = {point, batch->keys, f->names, &f->values[(size_t)point * batch->keys],
                             recorded_every(batch, run)};
    wom_text_t texts[RUNS_GROUP_MAX];
    const uint32_t group = (uint32_t)runs_group();
    wom_status status = WOM_OK;
    for (uint32_t first = 0; status == WOM_OK && first < replications; first += group) {
        int count = (int)(replications - first < group ? replications - first : group);
#pragma omp parallel for schedule(dynamic, 1)
        for (int i = 0; i < count; i++) {
            uint32_t r = first + (uint32_t)i;
            wom_text_init(&texts[i]);
            runs_rows(&texts[i], run, &at, r, wom_batch_run_id(&batch->plan, point, r));
        }
        for (int i = 0; i < count; i++) {
            status = status == WOM_OK ? wom_file_stream_text(&f->runs, &texts[i]) : status;
            wom_text_destroy(&texts[i]);
        }
    }
    return status == WOM_OK ? WOM_OK : wom_file_stream_commit(&f->runs, status, error);
}

/* The files of one point from its task files; its final summaries to
 * `results`. */
static wom_status write_point(wom_batch_t *batch, sweep_files_t *f, uint32_t point,
                              const wom_watch_t *watch, wom_aggregate_t *results,
                              wom_error_t *error) {
    wom_aggregate_point_t aggregated;
    char dir[WOM_MAX_PATH];
    wom_status status = wom_aggregate_point(batch, point, &aggregated, error);
    if (status == WOM_OK && !wom_batch_point_dir(batch, point, dir, sizeof dir)) {
        status = wom_error_set(error, WOM_ECANTCREAT, batch->options.dir, 0, "path is too long");
    }
    wom_output_run_t run = {batch->options.name, batch->hash, &aggregated, watch};
    if (status == WOM_OK) {
        status = wom_output_write_run(dir, &run, error);
    }
    if (status == WOM_OK) {
        status = append_runs(batch, f, &run, error);
    }
    if (status == WOM_OK) {
        wom_aggregate_add(results, &aggregated);
    }
    wom_aggregate_point_destroy(&aggregated);
    return status;
}

static wom_status write_sweep(const wom_batch_t *batch, const sweep_files_t *f,
                              const wom_aggregate_t *results, wom_error_t *error) {
    wom_output_sweep_t sweep = {batch->options.name,
                                batch->hash,
                                batch->first.simulation.seed,
                                batch->plan.points,
                                batch->plan.replications,
                                batch->keys,
                                f->names,
                                f->counts,
                                f->values,
                                &results->layout,
                                results->finals,
                                results->totals,
                                results->shares,
                                batch->first.design.method != WOM_DESIGN_GRID};
    return write_sweep_files(batch->options.dir, &sweep, error);
}

static bool stopping(const wom_batch_t *batch) {
    return batch->control.stop != NULL && *batch->control.stop != 0;
}

static wom_status open_runs(const wom_batch_t *batch, sweep_files_t *f, wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (snprintf(path, sizeof path, "%s/runs.csv", batch->options.dir) >= (int)sizeof path) {
        return wom_error_set(error, WOM_ECANTCREAT, batch->options.dir, 0, "path is too long");
    }
    wom_status status = wom_file_stream_open(&f->runs, path, error);
    if (status == WOM_OK) {
        wom_text_t header;
        wom_text_init(&header);
        wom_output_point_t names = {.keys = batch->keys, .names = f->names};
        runs_header(&header, &names);
        status = wom_file_stream_text(&f->runs, &header);
        wom_text_destroy(&header);
    }
    return status;
}

/* DIR/scenario.ini: the resolved scenario (what `womsim check --dump`
 * prints, overrides and sweeps applied), so that the folder says what it
 * holds without the command line or the scenario file. */
static wom_status write_scenario(const wom_batch_t *batch, wom_error_t *error) {
    char *dump = NULL;
    wom_status status = wom_config_dump(batch->config, &dump);
    if (status != WOM_OK) {
        return wom_error_set(error, status, batch->options.dir, 0, "out of memory");
    }
    wom_text_t text;
    wom_text_init(&text);
    wom_text_append(&text, dump, strlen(dump));
    free(dump);
    status = wom_file_write_text(batch->options.dir, "scenario.ini", &text, error);
    wom_text_destroy(&text);
    return status;
}

wom_status wom_output_write_batch(wom_batch_t *batch, wom_aggregate_t *results,
                                  wom_error_t *error) {
    return wom_output_write_batch_watched(batch, NULL, results, error);
}

wom_status wom_output_write_batch_watched(wom_batch_t *batch, const wom_watch_t *watch,
                                          wom_aggregate_t *results, wom_error_t *error) {
    sweep_files_t f = {0};
    wom_status status = sweep_files_init(batch, &f);
    if (status != WOM_OK) {
        sweep_files_destroy(&f);
        return wom_error_set(error, status, "", 0, "out of memory");
    }
    status = open_runs(batch, &f, error);
    bool stopped = false;
    for (uint32_t p = 0; status == WOM_OK && p < batch->plan.points && !stopped; p++) {
        stopped = stopping(batch); /* runs.csv is then abandoned, as a kill would */
        status = stopped ? WOM_OK : write_point(batch, &f, p, watch, results, error);
    }
    if (status == WOM_OK && !stopped) {
        status = wom_file_stream_commit(&f.runs, status, error);
    }
    if (status == WOM_OK && !stopped && batch->plan.points > 1) {
        status = write_sweep(batch, &f, results, error);
    }
    if (status == WOM_OK && !stopped) {
        status = wom_output_write_sensitivity(batch, results, error);
    }
    if (status == WOM_OK && !stopped) {
        status = write_scenario(batch, error);
    }
    sweep_files_destroy(&f);
    return status;
}
