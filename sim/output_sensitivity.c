/* output_sensitivity.c: the files of a sensitivity analysis, written with
 * a batch's other files whenever its design is morris or saltelli (so
 * `womsim run`, `womsim sensitivity`, `womsim merge` and womsim-mpi all
 * write them, identical however the batch was split): sensitivity.csv, one
 * row per varied key and analysed metric, and sensitivity.dat and
 * sensitivity.gp, a bar chart per metric. Owns reading design.metrics
 * (names of timeseries.csv's columns, their final day's value, or
 * NAME_total, a flow's total over the run), taking each point's mean over
 * its replications as the model's output, and calling sensitivity.h.
 * Workload: a few thousand points at most, once per batch.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_internal.h"
#include "womsim/model.h"
#include "womsim/sensitivity.h"
#include "womsim/version.h"

#define MAX_METRICS 16
#define RESAMPLES   1000 /* bootstrap resamplings of each interval */
#define TOTAL       "_total"

/* One analysed metric: a column's final value or its total over the run. */
typedef struct {
    char name[WOM_METRICS_NAME + sizeof TOTAL];
    int column;
    bool total;
} metric_t;

/* The metric `name` of `layout`, or why there is none. */
static bool find_metric(const wom_metrics_layout_t *layout, const char *name, metric_t *metric,
                        char *why, size_t size) {
    size_t length = strlen(name), suffix = sizeof TOTAL - 1;
    bool total = length > suffix && strcmp(name + length - suffix, TOTAL) == 0;
    char column_name[WOM_METRICS_NAME + sizeof TOTAL];
    snprintf(column_name, sizeof column_name, "%.*s", (int)(total ? length - suffix : length),
             name);
    int column = wom_metrics_find(layout, column_name);
    if (column < 0) {
        snprintf(why, size,
                 "design.metrics: no metric '%s' (a column of timeseries.csv, or "
                 "NAME_total for a flow such as encounters_total)",
                 name);
        return false;
    }
    if (total && !wom_metrics_is_flow(layout->id[column])) {
        snprintf(why, size, "design.metrics: '%s' is not a flow, so it has no total over the run",
                 column_name);
        return false;
    }
    snprintf(metric->name, sizeof metric->name, "%s", name);
    metric->column = column;
    metric->total = total;
    return true;
}

/* The metrics of design.metrics, blank-separated. */
static bool read_metrics(const wom_batch_t *batch, metric_t metrics[MAX_METRICS], size_t *count,
                         char *why, size_t size) {
    wom_metrics_layout_t layout;
    wom_model_layout(&batch->first, &layout);
    char names[WOM_MAX_PATH];
    snprintf(names, sizeof names, "%s", batch->first.design.metrics);
    *count = 0;
    for (char *save = NULL, *name = strtok_r(names, " \t", &save); name != NULL;
         name = strtok_r(NULL, " \t", &save)) {
        if (*count == MAX_METRICS) {
            snprintf(why, size, "design.metrics: more than %d metrics", MAX_METRICS);
            return false;
        }
        if (!find_metric(&layout, name, &metrics[*count], why, size)) {
            return false;
        }
        ++*count;
    }
    if (*count == 0) {
        snprintf(why, size, "design.metrics: name at least one metric to analyse");
        return false;
    }
    return true;
}

bool wom_output_has_sensitivity(const wom_batch_t *batch) {
    int method = batch->first.design.method;
    return method == WOM_DESIGN_MORRIS || method == WOM_DESIGN_SALTELLI;
}

wom_status wom_output_check_sensitivity(const wom_batch_t *batch, wom_error_t *error) {
    metric_t metrics[MAX_METRICS];
    size_t count;
    char why[256];
    if (!wom_output_has_sensitivity(batch) ||
        read_metrics(batch, metrics, &count, why, sizeof why)) {
        return WOM_OK;
    }
    const char *file = "";
    long line = 0;
    wom_config_where(batch->config, "design.metrics", &file, &line);
    return wom_error_set(error, WOM_ECONFIG, file, line, "%s", why);
}

/* ---- the analysis ------------------------------------------------------ */

/* The results of one metric: Morris or Sobol rows, one per key. */
typedef struct {
    wom_morris_t *morris;
    wom_sobol_t *sobol;
} indices_t;

static wom_status analyse(const wom_batch_t *batch, const wom_config_design_t *design,
                          const wom_aggregate_t *results, const metric_t *metric, indices_t *out) {
    double *y = malloc(design->points * sizeof *y);
    if (y == NULL) {
        return WOM_ENOMEM;
    }
    for (uint32_t p = 0; p < design->points; p++) {
        y[p] = (metric->total ? wom_aggregate_total(results, p, metric->column)
                              : wom_aggregate_final(results, p, metric->column))
                   ->mean;
    }
    uint64_t seed = batch->first.simulation.seed;
    wom_status status =
        design->method == WOM_DESIGN_MORRIS
            ? wom_sensitivity_morris(design->size, design->factors, design->unit, y, seed,
                                     RESAMPLES, out->morris)
            : wom_sensitivity_sobol(design->size, design->factors, y, seed, RESAMPLES, out->sobol);
    free(y);
    return status;
}

static void csv_header(wom_text_t *text, bool morris) {
    wom_text_printf(text, morris
                              ? "key,metric,mu_star,mu_star_ci95_lo,mu_star_ci95_hi,mu,sigma\n"
                              : "key,metric,S1,S1_ci95_lo,S1_ci95_hi,ST,ST_ci95_lo,ST_ci95_hi\n");
}

static void numbers(wom_text_t *text, char separator, const double *values, size_t count) {
    for (size_t i = 0; i < count; i++) {
        wom_text_printf(text, "%c", separator);
        wom_text_number(text, values[i]);
    }
}

static void csv_row(wom_text_t *text, const char *key, const metric_t *metric, const indices_t *in,
                    size_t factor) {
    wom_text_printf(text, "%s,%s", key, metric->name);
    if (in->morris != NULL) {
        const wom_morris_t *m = &in->morris[factor];
        numbers(text, ',', (double[]){m->mu_star, m->mu_star_lo, m->mu_star_hi, m->mu, m->sigma},
                5);
    } else {
        const wom_sobol_t *s = &in->sobol[factor];
        numbers(text, ',', (double[]){s->s1, s->s1_lo, s->s1_hi, s->st, s->st_lo, s->st_hi}, 6);
    }
    wom_text_printf(text, "\n");
}

/* How much key k matters for the chart's order: mu* or ST. */
static double importance(const indices_t *in, size_t k) {
    return in->morris != NULL ? in->morris[k].mu_star : in->sobol[k].st;
}

/* sensitivity.dat: one block (gnuplot index) per metric, a row per key,
 * the most important first: its rank, name, then the estimate and interval
 * (Morris: mu*; Sobol: S1, then ST). */
static wom_status dat_block(wom_text_t *text, const wom_batch_t *batch, const metric_t *metric,
                            const indices_t *in, size_t block) {
    bool *done = calloc(batch->keys, sizeof *done);
    if (done == NULL) {
        return WOM_ENOMEM;
    }
    wom_text_printf(text, "%s# index %zu: %s\n", block > 0 ? "\n\n" : "", block, metric->name);
    for (size_t rank = 0; rank < batch->keys; rank++) {
        size_t k = SIZE_MAX;
        for (size_t j = 0; j < batch->keys; j++) { /* the first of the most important left */
            if (!done[j] && (k == SIZE_MAX || importance(in, j) > importance(in, k))) {
                k = j;
            }
        }
        done[k] = true;
        wom_text_printf(text, "%zu ", rank);
        wom_output_quoted_name(text, batch->sweep[k].name);
        if (in->morris != NULL) {
            const wom_morris_t *m = &in->morris[k];
            numbers(text, ' ', (double[]){m->mu_star, m->mu_star_lo, m->mu_star_hi}, 3);
        } else {
            const wom_sobol_t *s = &in->sobol[k];
            numbers(text, ' ', (double[]){s->s1, s->s1_lo, s->s1_hi, s->st, s->st_lo, s->st_hi}, 6);
        }
        wom_text_printf(text, "\n");
    }
    free(done);
    return WOM_OK;
}

static void gp_script(wom_text_t *text, const wom_batch_t *batch, const metric_t *metrics,
                      size_t count, bool morris) {
    size_t rows = (count + 1) / 2, columns = count > 1 ? 2 : 1;
    wom_text_printf(text, "# womsim %s: sensitivity of '", WOM_VERSION);
    wom_output_quoted_name(text, batch->options.name);
    wom_text_printf(text,
                    "' (sha256 %s), %s; renders sensitivity.png and sensitivity.svg from "
                    "sensitivity.dat:\n#   gnuplot sensitivity.gp\n",
                    batch->hash, morris ? "Morris elementary effects" : "Sobol indices");
    wom_output_picture_names(text, "sensitivity");
    wom_text_printf(text,
                    "set style data histograms\nset style histogram errorbars gap 1 lw 1\n"
                    "set style fill solid 0.6 border -1\nset boxwidth 0.9\nset grid ytics\n"
                    "set xrange [-0.6:%zu.4]\nset yrange [%s:*]\n"
                    "set xtics rotate by 30 right noenhanced\nset bmargin 8\nset key top right\n"
                    "do for [format = 1:2] {\n"
                    "  if (format == 1) {\n"
                    "    set terminal pngcairo size %zu,%zu noenhanced font ',10'\n"
                    "    set output png\n"
                    "  } else {\n"
                    "    set terminal svg size %zu,%zu dynamic noenhanced font ',10'\n"
                    "    set output svg\n"
                    "  }\n"
                    "  set multiplot layout %zu,%zu\n",
                    batch->keys - 1, morris ? "0" : "*", 500 * columns, 380 * rows, 500 * columns,
                    380 * rows, rows, columns);
    for (size_t m = 0; m < count; m++) {
        wom_text_printf(text, "  set title '");
        wom_output_quoted_name(text, metrics[m].name);
        if (morris) {
            wom_text_printf(text,
                            ": mu* (mean |elementary effect|), 95%% CI'\n"
                            "  plot 'sensitivity.dat' index %zu using 3:4:5:xtic(2) "
                            "title 'mu*'\n",
                            m);
        } else {
            wom_text_printf(text,
                            ": Sobol indices, 95%% CI'\n"
                            "  plot 'sensitivity.dat' index %zu using 3:4:5:xtic(2) "
                            "title 'S1 (alone)', '' index %zu using 6:7:8 title 'ST "
                            "(total)'\n",
                            m, m);
        }
    }
    wom_text_printf(text, "  unset multiplot\n  set output\n}\n");
}

typedef struct {
    wom_text_t csv, dat;
} files_t;

static wom_status analyse_all(const wom_batch_t *batch, const wom_aggregate_t *results,
                              const metric_t *metrics, size_t count, files_t *files) {
    wom_config_design_t design;
    if (wom_config_design(batch->config, &design) != WOM_OK || design.factors != batch->keys ||
        design.points != results->points) {
        return WOM_EINVAL;
    }
    bool morris = design.method == WOM_DESIGN_MORRIS;
    indices_t in = {morris ? calloc(design.factors, sizeof *in.morris) : NULL,
                    morris ? NULL : calloc(design.factors, sizeof *in.sobol)};
    wom_status status = in.morris == NULL && in.sobol == NULL ? WOM_ENOMEM : WOM_OK;
    csv_header(&files->csv, morris);
    wom_text_printf(&files->dat, "# womsim %s: columns 1 rank, 2 key, %s\n", WOM_VERSION,
                    morris ? "3 mu*, 4 lo, 5 hi" : "3 S1, 4 lo, 5 hi, 6 ST, 7 lo, 8 hi");
    for (size_t m = 0; status == WOM_OK && m < count; m++) {
        status = analyse(batch, &design, results, &metrics[m], &in);
        for (size_t k = 0; status == WOM_OK && k < batch->keys; k++) {
            csv_row(&files->csv, batch->sweep[k].name, &metrics[m], &in, k);
        }
        if (status == WOM_OK) {
            status = dat_block(&files->dat, batch, &metrics[m], &in, m);
        }
    }
    free(in.morris);
    free(in.sobol);
    return status;
}

wom_status wom_output_write_sensitivity(const wom_batch_t *batch, const wom_aggregate_t *results,
                                        wom_error_t *error) {
    metric_t metrics[MAX_METRICS];
    size_t count = 0;
    if (!wom_output_has_sensitivity(batch)) {
        return WOM_OK;
    }
    wom_status status = wom_output_check_sensitivity(batch, error);
    if (status != WOM_OK) {
        return status;
    }
    char why[256];
    read_metrics(batch, metrics, &count, why, sizeof why);
    files_t files;
    wom_text_t gp;
    wom_text_init(&files.csv);
    wom_text_init(&files.dat);
    wom_text_init(&gp);
    status = analyse_all(batch, results, metrics, count, &files);
    if (status != WOM_OK) {
        status = wom_error_set(error, status, batch->options.dir, 0,
                               "cannot analyse the design's results: %s", wom_strerror(status));
    } else {
        gp_script(&gp, batch, metrics, count, batch->first.design.method == WOM_DESIGN_MORRIS);
        const char *dir = batch->options.dir;
        status = wom_file_write_text(dir, "sensitivity.csv", &files.csv, error);
        status = status == WOM_OK ? wom_file_write_text(dir, "sensitivity.dat", &files.dat, error)
                                  : status;
        status = status == WOM_OK ? wom_file_write_text(dir, "sensitivity.gp", &gp, error) : status;
    }
    wom_text_destroy(&files.csv);
    wom_text_destroy(&files.dat);
    wom_text_destroy(&gp);
    return status;
}
