/* output.c: the files of a run and of a batch, written atomically, and
 * gnuplot rendering. Workload: a few files of (steps + 1) x 4 x columns
 * numbers per point; runs.csv streams (steps + 1) x columns rows per task,
 * one replication at a time; the manifest hashes every output file once.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <igraph/igraph_version.h>
#include <sha2.h>

#include "womsim/metrics.h"
#include "rng.h"
#include "womsim/version.h"

#ifndef WOM_GIT_DESCRIBE /* the Makefile passes `git describe --always --dirty` */
#define WOM_GIT_DESCRIBE "unknown"
#endif

static const char *const stat_names[4] = {"mean", "sd", "lo", "hi"};

wom_status wom_output_make_dir(const char *path, wom_error_t *error) {
    char partial[WOM_MAX_PATH];
    if (path[0] == '\0') {
        return wom_error_set(error, WOM_ECANTCREAT, "", 0, "the output folder name is empty");
    }
    if (snprintf(partial, sizeof partial, "%s", path) >= (int)sizeof partial) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "path is too long");
    }
    /* Each '/' after the first character ends a prefix to create. */
    for (char *slash = partial + 1;; slash++) {
        bool end = *slash == '\0';
        if (*slash == '/' || end) {
            *slash = '\0';
            struct stat info;
            if (mkdir(partial, 0777) != 0 && errno != EEXIST) {
                return wom_error_set(error, WOM_ECANTCREAT, partial, 0, "cannot create folder: %s",
                                     strerror(errno));
            }
            if (stat(partial, &info) != 0 || !S_ISDIR(info.st_mode)) {
                return wom_error_set(error, WOM_ECANTCREAT, partial, 0, "not a folder");
            }
            if (end) {
                return WOM_OK;
            }
            *slash = '/';
        }
    }
}

wom_status wom_output_stream_open(wom_output_stream_t *out, const char *path, wom_error_t *error) {
    out->stream = NULL;
    if (snprintf(out->path, sizeof out->path, "%s", path) >= (int)sizeof out->path ||
        snprintf(out->temporary, sizeof out->temporary, "%s.tmp.XXXXXX", path) >=
            (int)sizeof out->temporary) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "path is too long");
    }
    out->fd = mkstemp(out->temporary);
    out->stream = out->fd < 0 ? NULL : fdopen(out->fd, "w");
    if (out->stream == NULL) {
        int saved = errno;
        if (out->fd >= 0) {
            close(out->fd);
            unlink(out->temporary);
        }
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "cannot create: %s", strerror(saved));
    }
    errno = 0; /* so that commit can tell why a writer failed */
    return WOM_OK;
}

wom_status wom_output_stream_text(wom_output_stream_t *out, const wom_text_t *text) {
    if (text->failed) {
        return WOM_ENOMEM;
    }
    size_t length = text->length;
    return fwrite(text->data ? text->data : "", 1, length, out->stream) == length ? WOM_OK
                                                                                  : WOM_EIO;
}

wom_status wom_output_stream_commit(wom_output_stream_t *out, wom_status status,
                                    wom_error_t *error) {
    if (out->stream == NULL) {
        return wom_error_set(error, WOM_EINVAL, out->path, 0, "the file is not open");
    }
    int saved = errno; /* why the writing failed, when it did */
    bool ok = status == WOM_OK;
    if (ok) { /* mkstemp makes the file private; results are for sharing. */
        errno = 0;
        ok = fchmod(out->fd, 0644) == 0 && fflush(out->stream) == 0 && fsync(out->fd) == 0;
        saved = ok ? 0 : errno;
    }
    ok = fclose(out->stream) == 0 && ok;
    out->stream = NULL;
    if (!ok || rename(out->temporary, out->path) != 0) {
        saved = saved ? saved : errno;
        unlink(out->temporary);
        if (status == WOM_ENOMEM) {
            return wom_error_set(error, status, out->path, 0, "out of memory while writing");
        }
        return wom_error_set(error, WOM_EIO, out->path, 0, "cannot write: %s",
                             saved ? strerror(saved) : "unknown error");
    }
    return WOM_OK;
}

void wom_output_stream_abandon(wom_output_stream_t *out) {
    if (out->stream != NULL) {
        fclose(out->stream);
        unlink(out->temporary);
        out->stream = NULL;
    }
}

wom_status wom_output_write_with(const char *path, wom_output_writer_fn writer, const void *context,
                                 wom_error_t *error) {
    wom_output_stream_t out;
    wom_status status = wom_output_stream_open(&out, path, error);
    if (status != WOM_OK) {
        return status;
    }
    return wom_output_stream_commit(&out, writer(out.stream, context), error);
}

wom_status wom_output_write_file(const char *dir, const char *name, const wom_text_t *text,
                                 wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
    }
    wom_output_stream_t out;
    wom_status status = wom_output_stream_open(&out, path, error);
    if (status != WOM_OK) {
        return status;
    }
    return wom_output_stream_commit(&out, wom_output_stream_text(&out, text), error);
}

/* One row of per-step summaries, fields separated by `separator`. */
static void summary_row(wom_text_t *text, const wom_output_run_t *run, uint32_t step,
                        char separator) {
    wom_text_printf(text, "%u", step);
    int columns = run->layout->count;
    for (int column = 0; column < columns; column++) {
        const wom_stats_summary_t *s = &run->series[(size_t)step * columns + column];
        const double values[4] = {s->mean, s->sd, s->ci95_lo, s->ci95_hi};
        for (int k = 0; k < 4; k++) {
            wom_text_printf(text, "%c", separator);
            wom_text_number(text, values[k]);
        }
    }
    wom_text_printf(text, "\n");
}

static void timeseries_csv(wom_text_t *text, const wom_output_run_t *run) {
    wom_text_printf(text, "step");
    for (int column = 0; column < run->layout->count; column++) {
        for (int k = 0; k < 4; k++) {
            wom_text_printf(text, ",%s_%s", run->layout->name[column], stat_names[k]);
        }
    }
    wom_text_printf(text, "\n");
    for (uint32_t t = 0; t <= run->result->steps; t++) {
        summary_row(text, run, t, ',');
    }
}

/* The scenario name as it may appear in a comment or a single-quoted
 * gnuplot string: control characters become '?', a quote is doubled. */
static void quoted_name(wom_text_t *text, const char *name) {
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        if (*c < 0x20) {
            wom_text_printf(text, "?");
        } else if (*c == '\'') {
            wom_text_printf(text, "''");
        } else {
            wom_text_printf(text, "%c", *c);
        }
    }
}

/* Provenance lines that gnuplot skips. */
static void provenance_comment(wom_text_t *text, const wom_output_run_t *run) {
    wom_text_printf(text, "# womsim %s, scenario '", WOM_VERSION);
    quoted_name(text, run->scenario_name);
    wom_text_printf(text, "' (sha256 %s), seed %llu, %u replications\n", run->scenario_hash,
                    (unsigned long long)run->scenario->simulation.seed, run->result->replications);
}

static void timeseries_dat(wom_text_t *text, const wom_output_run_t *run) {
    provenance_comment(text, run);
    wom_text_printf(text, "# columns: 1 step");
    for (int column = 0; column < run->layout->count; column++) {
        for (int k = 0; k < 4; k++) {
            wom_text_printf(text, ", %d %s_%s", 2 + 4 * column + k, run->layout->name[column],
                            stat_names[k]);
        }
    }
    wom_text_printf(text, "\n");
    for (uint32_t t = 0; t <= run->result->steps; t++) {
        summary_row(text, run, t, ' ');
    }
}

/* One curve of a plot: a column's mean over its CI band. `aware` plots
 * agents minus the column (lo and hi swap). */
typedef struct {
    const char *column;
    const char *colour;
    const char *title;
    bool aware;
} curve_t;

typedef struct {
    const char *title;
    const char *ylabel;
    curve_t curves[4];
} panel_t;

static const panel_t wom_panels[] = {
    {"Who knows the business",
     "agents",
     {{"unaware", "#7f7f7f", "aware", true},
      {"customers", "#1f77b4", "customers", false},
      {"prospects", "#2ca02c", "prospects", false},
      {"lost", "#d62728", "lost", false}}},
    {"Word of mouth: messages delivered per day",
     "messages",
     {{"msgs_pos", "#2ca02c", "positive", false}, {"msgs_neg", "#d62728", "negative", false}}},
    {"Reputation: promoters minus detractors, % of aware agents",
     "net score",
     {{"reputation", "#9467bd", "reputation", false}}},
};

static const panel_t cascade_panels[] = {
    {"Cascade",
     "nodes",
     {{"susceptible", "#7f7f7f", "susceptible", false},
      {"active", "#d62728", "active", false},
      {"removed", "#1f77b4", "removed", false}}},
};

static const panel_t bass_panels[] = {
    {"Adoption", "adopters", {{"adopters", "#1f77b4", "adopters", false}}},
};

/* The .dat column of a layout column's statistic (0 mean, 2 lo, 3 hi). */
static int dat_column(int column, int statistic) {
    return 2 + 4 * column + statistic;
}

static void plot_curve(wom_text_t *text, const wom_output_run_t *run, const curve_t *curve,
                       bool first) {
    int column = wom_metrics_find(run->layout, curve->column);
    if (column < 0) {
        return;
    }
    const char *format = curve->aware ? "(agents - $%d)" : "%d";
    char lo[64], hi[64], mean[64];
    snprintf(lo, sizeof lo, format, dat_column(column, curve->aware ? 3 : 2));
    snprintf(hi, sizeof hi, format, dat_column(column, curve->aware ? 2 : 3));
    snprintf(mean, sizeof mean, format, dat_column(column, 0));
    wom_text_printf(text,
                    "%s data using 1:%s:%s with filledcurves fc '%s' fs transparent solid 0.2 "
                    "notitle, \\\n     data using 1:%s with lines lw 2 lc '%s' title '%s'",
                    first ? "plot" : ", \\\n    ", lo, hi, curve->colour, mean, curve->colour,
                    curve->title);
}

/* Columns of analytic.dat after the step: 0 when the run has no analytic
 * curve (the wom kind, or ic and sir off Erdos-Renyi graphs). */
static int analytic_curves(const wom_output_run_t *run) {
    const wom_analytic_t *a = run->analytic;
    if (run->scenario->model.kind == WOM_KIND_WOM || a == NULL) {
        return 0;
    }
    if (a->kind == WOM_KIND_BASS) {
        return 2;
    }
    return a->has_final_share ? 1 : 0;
}

/* The analytic curves, dashed, over a classic kind's panel. */
static void plot_analytic(wom_text_t *text, const wom_output_run_t *run) {
    static const char *const titles[2][2] = {
        {"theory: final size (removed + active)", NULL},
        {"mean field (complete graph)", "continuous Bass curve"}};
    static const char *const styles[2] = {"dt 2 lw 2 lc '#000000'", "dt 3 lw 2 lc '#ff7f0e'"};
    int curves = analytic_curves(run);
    int bass = run->analytic != NULL && run->analytic->kind == WOM_KIND_BASS;
    for (int i = 0; i < curves; i++) {
        wom_text_printf(text, ", \\\n     'analytic.dat' using 1:%d with lines %s title '%s'",
                        2 + i, styles[i], titles[bass][i]);
    }
}

static void plot_panel(wom_text_t *text, const wom_output_run_t *run, const panel_t *panel) {
    wom_text_printf(text, "  set title '%s'\n  set ylabel '%s'\n  ", panel->title, panel->ylabel);
    if (analytic_curves(run) > 0) { /* a level line near the top would cross the key */
        wom_text_printf(text, "set key below\n  ");
    }
    for (int i = 0; i < 4 && panel->curves[i].column != NULL; i++) {
        plot_curve(text, run, &panel->curves[i], i == 0);
    }
    plot_analytic(text, run);
    wom_text_printf(text, "\n");
}

/* The pictures a script draws, NAME.png and NAME.svg: womsim gives other
 * names with -e (wom_output_render_script); run by hand, these. */
static void picture_names(wom_text_t *text, const char *name) {
    wom_text_printf(text,
                    "if (!exists('png')) png = '%s.png'\nif (!exists('svg')) svg = '%s.svg'\n",
                    name, name);
}

static void timeseries_gp(wom_text_t *text, const wom_output_run_t *run) {
    const panel_t *panels = wom_panels;
    int count = sizeof wom_panels / sizeof wom_panels[0];
    if (run->scenario->model.kind == WOM_KIND_IC || run->scenario->model.kind == WOM_KIND_SIR) {
        panels = cascade_panels;
        count = 1;
    } else if (run->scenario->model.kind == WOM_KIND_BASS) {
        panels = bass_panels;
        count = 1;
    }
    provenance_comment(text, run);
    wom_text_printf(text,
                    "# Renders timeseries.png and timeseries.svg from timeseries.dat:\n"
                    "#   gnuplot timeseries.gp\n"
                    "# Lines are means over replications; bands are 95%% confidence intervals.\n"
                    "data = 'timeseries.dat'\n"
                    "agents = %u\n",
                    run->result->agents);
    picture_names(text, "timeseries");
    wom_text_printf(text,
                    "set grid\nset key top left\nset xlabel 'day'\n"
                    "do for [format = 1:2] {\n"
                    "  if (format == 1) {\n"
                    "    set terminal pngcairo size 1000,%d noenhanced font ',10'\n"
                    "    set output png\n"
                    "  } else {\n"
                    "    set terminal svg size 1000,%d dynamic noenhanced font ',10'\n"
                    "    set output svg\n"
                    "  }\n"
                    "  set multiplot layout %d,1 title 'womsim: ",
                    100 + 350 * count, 100 + 350 * count, count);
    quoted_name(text, run->scenario_name);
    wom_text_printf(text, " (%u replications)'\n", run->result->replications);
    for (int i = 0; i < count; i++) {
        plot_panel(text, run, &panels[i]);
    }
    wom_text_printf(text, "  unset multiplot\n  set output\n}\n");
}

/* {"mean": ..., "sd": ..., "ci95_lo": ..., "ci95_hi": ...} */
static void json_summary_value(wom_text_t *text, const wom_stats_summary_t *s) {
    wom_text_printf(text, "{\"mean\": ");
    wom_text_number(text, s->mean);
    wom_text_printf(text, ", \"sd\": ");
    wom_text_number(text, s->sd);
    wom_text_printf(text, ", \"ci95_lo\": ");
    wom_text_number(text, s->ci95_lo);
    wom_text_printf(text, ", \"ci95_hi\": ");
    wom_text_number(text, s->ci95_hi);
    wom_text_printf(text, "}");
}

static void json_summary_entry(wom_text_t *text, const char *name, const wom_stats_summary_t *s,
                               bool last) {
    wom_text_printf(text, "    ");
    wom_text_json_string(text, name);
    wom_text_printf(text, ": ");
    json_summary_value(text, s);
    wom_text_printf(text, "%s\n", last ? "" : ",");
}

/* JSON has no infinity: a non-finite value is written as null. */
static void json_number_field(wom_text_t *text, const char *name, double value, bool last) {
    wom_text_printf(text, "    \"%s\": ", name);
    if (isfinite(value)) {
        wom_text_number(text, value);
    } else {
        wom_text_printf(text, "null");
    }
    wom_text_printf(text, "%s\n", last ? "" : ",");
}

/* The realised word of mouth: messages per experience, and the share of
 * wanted messages that the degree cap cut. */
static void summary_wom(wom_text_t *text, const wom_metrics_table_t *result) {
    int64_t told = 0, capped = 0;
    const int tellers[] = {WOM_M_TOLD_BY_SATISFIED, WOM_M_TOLD_BY_DISSATISFIED,
                           WOM_M_TOLD_BY_RECOVERED, WOM_M_FORWARDED};
    for (uint32_t r = 0; r < result->replications; r++) {
        for (uint32_t t = 0; t <= result->steps; t++) {
            const wom_metrics_row_t *row = wom_metrics_table_row(result, r, t);
            for (size_t i = 0; i < sizeof tellers / sizeof tellers[0]; i++) {
                told += row->count[tellers[i]];
            }
            capped += row->count[WOM_M_TELLS_CAPPED];
        }
    }
    wom_text_printf(text, ",\n  \"wom\": {\n");
    json_number_field(text, "told_per_satisfied",
                      wom_stats_pooled_ratio(result, WOM_M_TOLD_BY_SATISFIED, WOM_M_SATISFIED),
                      false);
    json_number_field(
        text, "told_per_dissatisfied",
        wom_stats_pooled_ratio(result, WOM_M_TOLD_BY_DISSATISFIED, WOM_M_DISSATISFIED), false);
    json_number_field(text, "told_per_recovered",
                      wom_stats_pooled_ratio(result, WOM_M_TOLD_BY_RECOVERED, WOM_M_RECOVERED),
                      false);
    json_number_field(text, "capped_share",
                      told + capped > 0 ? (double)capped / (double)(told + capped) : 0, true);
    wom_text_printf(text, "  }");
}

/* The share of nodes a replication reached by the last step: ever active
 * (ic), ever infected (sir), adopted (bass). */
static double final_share(const wom_output_run_t *run, uint32_t replication) {
    const wom_metrics_table_t *result = run->result;
    const wom_metrics_row_t *row = wom_metrics_table_row(result, replication, result->steps);
    int64_t reached = run->scenario->model.kind == WOM_KIND_BASS
                          ? row->count[WOM_M_ADOPTERS]
                          : row->count[WOM_M_ACTIVE] + row->count[WOM_M_REMOVED];
    return result->agents > 0 ? (double)reached / result->agents : 0;
}

static void summary_analytic(wom_text_t *text, const wom_analytic_t *a) {
    wom_text_printf(text, ",\n  \"analytic\": {\n");
    json_number_field(text, "mean_degree", a->mean_degree, false);
    if (a->kind == WOM_KIND_BASS) {
        json_number_field(text, "final_meanfield", a->final_meanfield, false);
        json_number_field(text, "final_continuous", a->final_continuous, true);
    } else {
        json_number_field(text, "transmissibility", a->transmissibility, false);
        json_number_field(text, "threshold", a->threshold, false);
        json_number_field(text, "seeded_share", a->seeded, !a->has_final_share);
        if (a->has_final_share) {
            json_number_field(text, "final_share", a->final_share, false);
            json_number_field(text, "large_outbreak_share", a->large_outbreak_share, true);
        }
    }
    wom_text_printf(text, "  }");
}

wom_status wom_output_final_share(const wom_output_run_t *run, wom_stats_summary_t *summary) {
    uint32_t replications = run->result->replications;
    double *shares = malloc((replications + 1) * sizeof *shares);
    if (shares == NULL) {
        return WOM_ENOMEM;
    }
    for (uint32_t r = 0; r < replications; r++) {
        shares[r] = final_share(run, r);
    }
    wom_stats_summarize(shares, replications, summary);
    free(shares);
    return WOM_OK;
}

/* A classic kind's final share over the replications, and its theory. */
static void summary_reference(wom_text_t *text, const wom_output_run_t *run) {
    wom_stats_summary_t summary;
    if (wom_output_final_share(run, &summary) != WOM_OK) {
        text->failed = true; /* reported as out of memory when written */
        return;
    }
    wom_text_printf(text, ",\n  \"final_share\": ");
    json_summary_value(text, &summary);
    if (run->analytic != NULL) {
        summary_analytic(text, run->analytic);
    }
}

static void summary_json(wom_text_t *text, const wom_output_run_t *run) {
    const wom_metrics_table_t *result = run->result;
    uint64_t edges = run->graph->directed ? run->graph->arcs : run->graph->arcs / 2;
    wom_text_printf(text, "{\n  \"womsim\": \"%s\",\n  \"scenario\": ", WOM_VERSION);
    wom_text_json_string(text, run->scenario_name);
    wom_text_printf(text, ",\n  \"scenario_hash\": \"%s\",\n  \"seed\": %llu,\n  \"rng\": ",
                    run->scenario_hash, (unsigned long long)run->scenario->simulation.seed);
    wom_text_json_string(text, wom_rng_name());
    wom_text_printf(text,
                    ",\n  \"replications\": %u,\n  \"steps\": %u,\n  \"agents\": %u,\n"
                    "  \"edges\": %llu,\n  \"directed\": %s,\n  \"final\": {\n",
                    result->replications, result->steps, result->agents, (unsigned long long)edges,
                    run->graph->directed ? "true" : "false");
    int columns = run->layout->count;
    const wom_stats_summary_t *final = &run->series[(size_t)result->steps * columns];
    for (int column = 0; column < columns; column++) {
        json_summary_entry(text, run->layout->name[column], &final[column], column == columns - 1);
    }
    wom_text_printf(text, "  }");
    if (run->scenario->model.kind == WOM_KIND_WOM) {
        summary_wom(text, result);
    } else {
        summary_reference(text, run);
    }
    wom_text_printf(text, "\n}\n");
}

/* analytic.dat: the analytic curves in nodes, one row per step; ic, sir:
 * the final size S x nodes (a level line); bass: the mean-field recursion
 * and the continuous curve, times nodes. */
static void analytic_dat(wom_text_t *text, const wom_output_run_t *run) {
    const wom_analytic_t *a = run->analytic;
    double nodes = a->nodes, share = 0;
    provenance_comment(text, run);
    if (a->kind == WOM_KIND_BASS) {
        wom_text_printf(text,
                        "# columns: 1 step, 2 meanfield (adopters), 3 continuous (adopters)\n");
    } else {
        wom_text_printf(text, "# columns: 1 step, 2 final_size (nodes ever active)\n");
    }
    for (uint32_t t = 0; t <= run->result->steps; t++) {
        wom_text_printf(text, "%u ", t);
        if (a->kind == WOM_KIND_BASS) {
            wom_text_number(text, share * nodes);
            wom_text_printf(text, " ");
            wom_text_number(text, wom_analytic_bass_continuous(a->p, a->q, t) * nodes);
            share = wom_analytic_bass_next(a->p, a->q, share);
        } else {
            wom_text_number(text, a->final_share * nodes);
        }
        wom_text_printf(text, "\n");
    }
}

typedef void (*builder_fn)(wom_text_t *text, const wom_output_run_t *run);

static wom_status build_and_write(const char *dir, const char *name, builder_fn build,
                                  const wom_output_run_t *run, wom_error_t *error) {
    wom_text_t text;
    wom_text_init(&text);
    build(&text, run);
    wom_status status = wom_output_write_file(dir, name, &text, error);
    wom_text_destroy(&text);
    return status;
}

wom_status wom_output_write_run(const char *dir, const wom_output_run_t *run, wom_error_t *error) {
    static const struct {
        const char *name;
        builder_fn build;
    } files[] = {{"timeseries.csv", timeseries_csv},
                 {"summary.json", summary_json},
                 {"timeseries.dat", timeseries_dat},
                 {"timeseries.gp", timeseries_gp}};
    wom_status status = wom_output_make_dir(dir, error);
    for (size_t i = 0; status == WOM_OK && i < sizeof files / sizeof files[0]; i++) {
        status = build_and_write(dir, files[i].name, files[i].build, run, error);
    }
    if (status == WOM_OK && analytic_curves(run) > 0) {
        status = build_and_write(dir, "analytic.dat", analytic_dat, run, error);
    }
    return status;
}

wom_status wom_output_render(const char *dir, wom_error_t *error) {
    return wom_output_render_script(dir, "timeseries.gp", error);
}

/* Runs `gnuplot -e ASSIGNMENTS script` in `dir`; WOM_ENOENT when gnuplot
 * is not installed. */
static wom_status run_gnuplot(const char *dir, const char *script, const char *assignments,
                              wom_error_t *error) {
    pid_t child = fork();
    if (child < 0) {
        return wom_error_set(error, WOM_EIO, dir, 0, "cannot start gnuplot: %s", strerror(errno));
    }
    if (child == 0) {
        if (chdir(dir) == 0) {
            execlp("gnuplot", "gnuplot", "-e", assignments, script, (char *)NULL);
        }
        _exit(127);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            return wom_error_set(error, WOM_EIO, dir, 0, "lost track of gnuplot: %s",
                                 strerror(errno));
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        return wom_error_set(error, WOM_ENOENT, dir, 0, "gnuplot is not installed");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return wom_error_set(error, WOM_EIO, dir, 0, "gnuplot failed on %s", script);
    }
    return WOM_OK;
}

/* gnuplot draws NAME.png and NAME.svg (NAME.gp is the script) into the
 * temporary files of two output streams, which are then committed like
 * any output: a kill while it draws (of the whole process group, say)
 * leaves temporary files, never a truncated picture under its final
 * name. */
wom_status wom_output_render_script(const char *dir, const char *script, wom_error_t *error) {
    static const char *const formats[2] = {"png", "svg"};
    wom_output_stream_t pictures[2] = {{.stream = NULL}, {.stream = NULL}};
    size_t stem = strlen(script) - (strlen(script) > 3 ? 3 : 0); /* without ".gp" */
    char path[WOM_MAX_PATH], assignments[2 * WOM_MAX_PATH];
    wom_status status = WOM_OK;
    int used = 0;
    for (int i = 0; i < 2 && status == WOM_OK; i++) {
        if (snprintf(path, sizeof path, "%s/%.*s.%s", dir, (int)stem, script, formats[i]) >=
            (int)sizeof path) {
            status = wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
        } else {
            status = wom_output_stream_open(&pictures[i], path, error);
        }
        if (status == WOM_OK) { /* mkstemp's names: letters and digits, safe in quotes */
            used += snprintf(assignments + used, sizeof assignments - (size_t)used, "%s = '%s'; ",
                             formats[i], strrchr(pictures[i].temporary, '/') + 1);
        }
    }
    if (status == WOM_OK) {
        status = run_gnuplot(dir, script, assignments, error);
    }
    for (int i = 0; i < 2; i++) {
        if (status == WOM_OK) {
            status = wom_output_stream_commit(&pictures[i], status, error);
        }
        wom_output_stream_abandon(&pictures[i]);
    }
    return status;
}

/* ---- the files of a batch: runs.csv, sweep.*, manifest.json ---------- */

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

void wom_output_runs_header(wom_text_t *text, const wom_output_point_t *point) {
    wom_text_printf(text, "scenario,point,replication,run_id,seed");
    for (size_t k = 0; k < point->keys; k++) {
        wom_text_printf(text, ",");
        csv_field(text, point->names[k]);
    }
    wom_text_printf(text, ",step,metric,value\n");
}

void wom_output_runs_rows(wom_text_t *text, const wom_output_run_t *run,
                          const wom_output_point_t *point, uint32_t replication, uint32_t run_id) {
    const wom_metrics_table_t *result = run->result;
    size_t steps = result->steps + 1, columns = (size_t)run->layout->count;
    double *values = malloc(columns * steps * sizeof *values);
    wom_text_t prefix; /* the fields every row of this replication starts with */
    wom_text_init(&prefix);
    if (values == NULL) {
        text->failed = true; /* reported as out of memory when written */
        return;
    }
    for (size_t column = 0; column < columns; column++) {
        wom_metrics_series(run->layout, (int)column, wom_metrics_table_row(result, replication, 0),
                           result->steps, result->agents, &values[column * steps]);
    }
    csv_field(&prefix, run->scenario_name);
    wom_text_printf(&prefix, ",%u,%u,%u,%llu,", point->point, replication, run_id,
                    (unsigned long long)run->scenario->simulation.seed);
    for (size_t k = 0; k < point->keys; k++) {
        csv_field(&prefix, point->values[k]);
        wom_text_printf(&prefix, ",");
    }
    text->failed |= prefix.failed;
    for (size_t t = 0; t < steps && !text->failed; t++) {
        for (size_t column = 0; column < columns; column++) {
            wom_text_printf(text, "%s%zu,%s,", prefix.data, t, run->layout->name[column]);
            wom_text_number(text, values[column * steps + t]);
            wom_text_printf(text, "\n");
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
    wom_text_printf(text, "point");
    for (size_t k = 0; k < sweep->keys; k++) {
        wom_text_printf(text, ",");
        csv_field(text, sweep->names[k]);
    }
    for (int column = 0; column < columns; column++) {
        sweep_stat_names(text, sweep->layout->name[column]);
    }
    if (sweep->shares != NULL) {
        sweep_stat_names(text, "final_share");
    }
    wom_text_printf(text, "\n");
    for (uint32_t p = 0; p < sweep->points; p++) {
        wom_text_printf(text, "%u", p);
        for (size_t k = 0; k < sweep->keys; k++) {
            wom_text_printf(text, ",");
            csv_field(text, sweep_value(sweep, p, k));
        }
        for (int column = 0; column < columns; column++) {
            sweep_stats(text, &sweep->finals[(size_t)p * columns + column]);
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
        quoted_name(text, sweep->names[k]);
        wom_text_printf(text, " = ");
        quoted_name(text, sweep_value(sweep, point, k));
    }
}

static void sweep_provenance(wom_text_t *text, const wom_output_sweep_t *sweep) {
    wom_text_printf(text, "# womsim %s, scenario '", WOM_VERSION);
    quoted_name(text, sweep->scenario_name);
    wom_text_printf(text, "' (sha256 %s), seed %llu, %u points x %u replications\n",
                    sweep->scenario_hash, (unsigned long long)sweep->seed, sweep->points,
                    sweep->replications);
}

static void sweep_dat(wom_text_t *text, const wom_output_sweep_t *sweep) {
    uint32_t lines = sweep_lines(sweep);
    sweep_provenance(text, sweep);
    wom_text_printf(text, "# %s (mean and 95%% CI over replications) by ",
                    sweep_plotted_name(sweep));
    quoted_name(text, sweep->names[0]);
    wom_text_printf(text, "; one block (gnuplot index) per line\n# columns: 1 value number, 2 ");
    quoted_name(text, sweep->names[0]);
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

static void sweep_gp(wom_text_t *text, const wom_output_sweep_t *sweep) {
    bool numeric = sweep_numeric_x(sweep);
    sweep_provenance(text, sweep);
    wom_text_printf(text, "# Renders sweep.png and sweep.svg from sweep.dat:\n"
                          "#   gnuplot sweep.gp\n"
                          "# Points are means over replications; bars are 95%% confidence "
                          "intervals.\n# noenhanced: key names keep their underscores.\n");
    picture_names(text, "sweep");
    wom_text_printf(text, "set grid\nset key top left\nset xlabel '");
    quoted_name(text, sweep->names[0]);
    wom_text_printf(text, "'\nset ylabel '%s'\nset title 'womsim: ", sweep_plotted_name(sweep));
    quoted_name(text, sweep->scenario_name);
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

wom_status wom_output_write_sweep(const char *dir, const wom_output_sweep_t *sweep,
                                  wom_error_t *error) {
    static const struct {
        const char *name;
        sweep_builder_fn build;
    } files[] = {{"sweep.csv", sweep_csv}, {"sweep.dat", sweep_dat}, {"sweep.gp", sweep_gp}};
    if (sweep->keys == 0 || sweep->counts[0] == 0 || sweep->points % sweep->counts[0] != 0) {
        return wom_error_set(error, WOM_EINVAL, dir, 0, "wom_output_write_sweep: no sweep");
    }
    wom_status status = WOM_OK;
    for (size_t i = 0; status == WOM_OK && i < sizeof files / sizeof files[0]; i++) {
        wom_text_t text;
        wom_text_init(&text);
        files[i].build(&text, sweep);
        status = wom_output_write_file(dir, files[i].name, &text, error);
        wom_text_destroy(&text);
    }
    return status;
}

static void json_strings(wom_text_t *text, const char *const *items, size_t count) {
    wom_text_printf(text, "[");
    for (size_t i = 0; i < count; i++) {
        wom_text_printf(text, "%s", i ? ", " : "");
        wom_text_json_string(text, items[i]);
    }
    wom_text_printf(text, "]");
}

/* "files": {"PATH": "SHA-256", ...}, one per line. */
static wom_status manifest_files(wom_text_t *text, const char *dir, const wom_output_manifest_t *m,
                                 wom_error_t *error) {
    wom_text_printf(text, "  \"files\": {");
    for (size_t i = 0; i < m->file_count; i++) {
        char path[WOM_MAX_PATH], digest[SHA256_DIGEST_STRING_LENGTH];
        if (snprintf(path, sizeof path, "%s/%s", dir, m->files[i]) >= (int)sizeof path) {
            return wom_error_set(error, WOM_EIO, dir, 0, "path is too long");
        }
        if (SHA256File(path, digest) == NULL) {
            return wom_error_set(error, WOM_EIO, path, 0, "cannot read to hash: %s",
                                 strerror(errno));
        }
        wom_text_printf(text, "%s\n    ", i ? "," : "");
        wom_text_json_string(text, m->files[i]);
        wom_text_printf(text, ": \"%s\"", digest);
    }
    wom_text_printf(text, "%s}\n", m->file_count ? "\n  " : "");
    return WOM_OK;
}

static void manifest_string(wom_text_t *text, const char *name, const char *value) {
    wom_text_printf(text, "  \"%s\": ", name);
    wom_text_json_string(text, value ? value : "");
    wom_text_printf(text, ",\n");
}

wom_status wom_output_write_manifest(const char *dir, const char *name,
                                     const wom_output_manifest_t *m, wom_error_t *error) {
    const char *igraph = NULL;
    int major, minor, subminor;
    igraph_version(&igraph, &major, &minor, &subminor);
    wom_text_t text;
    wom_text_init(&text);
    wom_text_printf(&text, "{\n");
    manifest_string(&text, "womsim", WOM_VERSION);
    manifest_string(&text, "git_describe", WOM_GIT_DESCRIBE);
    wom_text_printf(&text, "  \"command\": ");
    json_strings(&text, m->command, m->command_words);
    wom_text_printf(&text, ",\n");
    manifest_string(&text, "scenario", m->scenario_name);
    manifest_string(&text, "scenario_file", m->scenario_file);
    wom_text_printf(&text, "  \"overrides\": ");
    json_strings(&text, m->overrides, m->override_count);
    wom_text_printf(&text, ",\n");
    manifest_string(&text, "scenario_hash", m->scenario_hash);
    wom_text_printf(&text, "  \"seed\": %llu,\n", (unsigned long long)m->seed);
    manifest_string(&text, "rng", wom_rng_name());
    wom_text_printf(&text,
                    "  \"threads\": %d,\n  \"shard\": \"%s\",\n  \"points\": %u,\n"
                    "  \"replications\": %u,\n  \"tasks\": %u,\n",
                    m->threads, m->shard, m->points, m->replications, m->tasks);
    manifest_string(&text, "gsl", gsl_version);
    manifest_string(&text, "igraph", igraph);
    manifest_string(&text, "started_utc", m->started);
    manifest_string(&text, "ended_utc", m->ended);
    wom_text_printf(&text, "  \"exit_status\": %d,\n", m->exit_status);
    wom_status status = manifest_files(&text, dir, m, error);
    wom_text_printf(&text, "}\n");
    if (status == WOM_OK) {
        status = wom_output_write_file(dir, name, &text, error);
    }
    wom_text_destroy(&text);
    return status;
}

wom_status wom_output_write_reference_manifest(const char *dir, const char *name,
                                               const wom_output_manifest_t *m, wom_error_t *error) {
    wom_text_t text;
    wom_text_init(&text);
    wom_text_printf(&text, "{\n");
    manifest_string(&text, "womsim", WOM_VERSION);
    manifest_string(&text, "scenario", m->scenario_name);
    manifest_string(&text, "scenario_hash", m->scenario_hash);
    wom_text_printf(&text, "  \"seed\": %llu,\n", (unsigned long long)m->seed);
    manifest_string(&text, "rng", wom_rng_name());
    wom_text_printf(&text, "  \"points\": %u,\n  \"replications\": %u,\n", m->points,
                    m->replications);
    wom_status status = manifest_files(&text, dir, m, error);
    wom_text_printf(&text, "}\n");
    if (status == WOM_OK) {
        status = wom_output_write_file(dir, name, &text, error);
    }
    wom_text_destroy(&text);
    return status;
}
