/* output.c: the files of a run, written atomically, and gnuplot rendering.
 * Workload: a few files of (steps + 1) x 4 x columns numbers, once per run.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "womsim/metrics.h"
#include "womsim/rng.h"
#include "womsim/version.h"

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

wom_status wom_output_write_with(const char *path, wom_output_writer_fn writer, const void *context,
                                 wom_error_t *error) {
    char temporary[WOM_MAX_PATH];
    if (snprintf(temporary, sizeof temporary, "%s.tmp.XXXXXX", path) >= (int)sizeof temporary) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "path is too long");
    }
    int fd = mkstemp(temporary);
    FILE *stream = fd < 0 ? NULL : fdopen(fd, "w");
    if (stream == NULL) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(temporary);
        }
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "cannot create: %s", strerror(saved));
    }
    /* mkstemp makes the file private; results are for sharing. */
    errno = 0;
    wom_status status = writer(stream, context);
    bool ok = status == WOM_OK && fchmod(fd, 0644) == 0 && fflush(stream) == 0 && fsync(fd) == 0;
    int saved = errno;
    ok = fclose(stream) == 0 && ok;
    if (!ok || rename(temporary, path) != 0) {
        saved = saved ? saved : errno;
        unlink(temporary);
        if (status == WOM_ENOMEM) {
            return wom_error_set(error, status, path, 0, "out of memory while writing");
        }
        return wom_error_set(error, WOM_EIO, path, 0, "cannot write: %s",
                             saved ? strerror(saved) : "unknown error");
    }
    return WOM_OK;
}

static wom_status write_text(FILE *stream, const void *context) {
    const wom_text_t *text = context;
    if (text->failed) {
        return WOM_ENOMEM;
    }
    return fwrite(text->data ? text->data : "", 1, text->length, stream) == text->length ? WOM_OK
                                                                                         : WOM_EIO;
}

wom_status wom_output_write_file(const char *dir, const char *name, const wom_text_t *text,
                                 wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
    }
    return wom_output_write_with(path, write_text, text, error);
}

/* One row of per-step summaries, fields separated by `separator`. */
static void summary_row(wom_text_t *text, const wom_output_run_t *run, uint32_t step,
                        char separator) {
    wom_text_printf(text, "%u", step);
    for (int column = 0; column < WOM_M_COLUMNS; column++) {
        const wom_stats_summary_t *s = &run->series[step * WOM_M_COLUMNS + (size_t)column];
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
    for (int column = 0; column < WOM_M_COLUMNS; column++) {
        for (int k = 0; k < 4; k++) {
            wom_text_printf(text, ",%s_%s", wom_metrics_name(column), stat_names[k]);
        }
    }
    wom_text_printf(text, "\n");
    for (uint32_t t = 0; t <= run->result->steps; t++) {
        summary_row(text, run, t, ',');
    }
}

/* Provenance lines that gnuplot skips. */
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

static void provenance_comment(wom_text_t *text, const wom_output_run_t *run) {
    wom_text_printf(text, "# womsim %s, scenario '", WOM_VERSION);
    quoted_name(text, run->scenario_name);
    wom_text_printf(text, "' (sha256 %s), seed %llu, %u replications\n", run->scenario_hash,
                    (unsigned long long)run->scenario->simulation.seed, run->result->replications);
}

static void timeseries_dat(wom_text_t *text, const wom_output_run_t *run) {
    provenance_comment(text, run);
    wom_text_printf(text, "# columns: 1 step");
    for (int column = 0; column < WOM_M_COLUMNS; column++) {
        for (int k = 0; k < 4; k++) {
            wom_text_printf(text, ", %d %s_%s", 2 + 4 * column + k, wom_metrics_name(column),
                            stat_names[k]);
        }
    }
    wom_text_printf(text, "\n");
    for (uint32_t t = 0; t <= run->result->steps; t++) {
        summary_row(text, run, t, ' ');
    }
}

/* The .dat column of a metric's statistic (0 mean, 2 lo, 3 hi). */
static int dat_column(int metric, int statistic) {
    return 2 + 4 * metric + statistic;
}

/* A mean line over its CI band. `expression` maps a column to a value: "$%d"
 * or "(agents - $%d)"; `flip` swaps lo and hi for decreasing maps. */
static void band_and_line(wom_text_t *text, int metric, const char *expression, bool flip,
                          const char *colour, const char *title, bool first) {
    char lo[64], hi[64], mean[64];
    snprintf(lo, sizeof lo, expression, dat_column(metric, flip ? 3 : 2));
    snprintf(hi, sizeof hi, expression, dat_column(metric, flip ? 2 : 3));
    snprintf(mean, sizeof mean, expression, dat_column(metric, 0));
    wom_text_printf(text,
                    "%s data using 1:%s:%s with filledcurves fc '%s' fs transparent solid 0.2 "
                    "notitle, \\\n     data using 1:%s with lines lw 2 lc '%s' title '%s'",
                    first ? "plot" : ", \\\n    ", lo, hi, colour, mean, colour, title);
}

static void timeseries_gp(wom_text_t *text, const wom_output_run_t *run) {
    provenance_comment(text, run);
    wom_text_printf(text,
                    "# Renders timeseries.png and timeseries.svg from timeseries.dat:\n"
                    "#   gnuplot timeseries.gp\n"
                    "# Lines are means over replications; bands are 95%% confidence intervals.\n"
                    "data = 'timeseries.dat'\n"
                    "agents = %u\n"
                    "set grid\nset key top left\nset xlabel 'day'\n"
                    "do for [format = 1:2] {\n"
                    "  if (format == 1) {\n"
                    "    set terminal pngcairo size 1000,1100 font ',10'\n"
                    "    set output 'timeseries.png'\n"
                    "  } else {\n"
                    "    set terminal svg size 1000,1100 dynamic font ',10'\n"
                    "    set output 'timeseries.svg'\n"
                    "  }\n"
                    "  set multiplot layout 3,1 title 'womsim: ",
                    run->result->agents);
    quoted_name(text, run->scenario_name);
    wom_text_printf(text,
                    " (%u replications)'\n"
                    "  set title 'Who knows the business'\n  set ylabel 'agents'\n  ",
                    run->result->replications);
    band_and_line(text, WOM_M_UNAWARE, "(agents - $%d)", true, "#7f7f7f", "aware", true);
    band_and_line(text, WOM_M_CUSTOMERS, "%d", false, "#1f77b4", "customers", false);
    band_and_line(text, WOM_M_PROSPECTS, "%d", false, "#2ca02c", "prospects", false);
    band_and_line(text, WOM_M_LOST, "%d", false, "#d62728", "lost", false);
    wom_text_printf(text, "\n  set title 'Word of mouth: messages delivered per day'\n"
                          "  set ylabel 'messages'\n  ");
    band_and_line(text, WOM_M_MSGS_POS, "%d", false, "#2ca02c", "positive", true);
    band_and_line(text, WOM_M_MSGS_NEG, "%d", false, "#d62728", "negative", false);
    wom_text_printf(text, "\n  set title 'Reputation: promoters minus detractors, %% of aware "
                          "agents'\n  set ylabel 'net score'\n  ");
    band_and_line(text, WOM_M_REPUTATION, "%d", false, "#9467bd", "reputation", true);
    wom_text_printf(text, "\n  unset multiplot\n  set output\n}\n");
}

static void json_summary_entry(wom_text_t *text, const char *name, const wom_stats_summary_t *s,
                               bool last) {
    wom_text_printf(text, "    ");
    wom_text_json_string(text, name);
    wom_text_printf(text, ": {\"mean\": ");
    wom_text_number(text, s->mean);
    wom_text_printf(text, ", \"sd\": ");
    wom_text_number(text, s->sd);
    wom_text_printf(text, ", \"ci95_lo\": ");
    wom_text_number(text, s->ci95_lo);
    wom_text_printf(text, ", \"ci95_hi\": ");
    wom_text_number(text, s->ci95_hi);
    wom_text_printf(text, "}%s\n", last ? "" : ",");
}

static void json_number_field(wom_text_t *text, const char *name, double value, bool last) {
    wom_text_printf(text, "    \"%s\": ", name);
    wom_text_number(text, value);
    wom_text_printf(text, "%s\n", last ? "" : ",");
}

static void summary_json(wom_text_t *text, const wom_output_run_t *run) {
    const wom_run_result_t *result = run->result;
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
    const wom_stats_summary_t *final = &run->series[(size_t)result->steps * WOM_M_COLUMNS];
    for (int column = 0; column < WOM_M_COLUMNS; column++) {
        json_summary_entry(text, wom_metrics_name(column), &final[column],
                           column == WOM_M_COLUMNS - 1);
    }
    wom_text_printf(text, "  },\n  \"wom\": {\n");
    json_number_field(text, "told_per_satisfied",
                      wom_stats_pooled_ratio(result, WOM_M_TOLD_BY_SATISFIED, WOM_M_SATISFIED),
                      false);
    json_number_field(
        text, "told_per_dissatisfied",
        wom_stats_pooled_ratio(result, WOM_M_TOLD_BY_DISSATISFIED, WOM_M_DISSATISFIED), false);
    json_number_field(text, "capped_per_encounter",
                      wom_stats_pooled_ratio(result, WOM_M_TELLS_CAPPED, WOM_M_ENCOUNTERS), true);
    wom_text_printf(text, "  }\n}\n");
}

typedef void (*builder_fn)(wom_text_t *text, const wom_output_run_t *run);

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
        wom_text_t text;
        wom_text_init(&text);
        files[i].build(&text, run);
        status = wom_output_write_file(dir, files[i].name, &text, error);
        wom_text_destroy(&text);
    }
    return status;
}

wom_status wom_output_render(const char *dir, wom_error_t *error) {
    pid_t child = fork();
    if (child < 0) {
        return wom_error_set(error, WOM_EIO, dir, 0, "cannot start gnuplot: %s", strerror(errno));
    }
    if (child == 0) {
        if (chdir(dir) == 0) {
            execlp("gnuplot", "gnuplot", "timeseries.gp", (char *)NULL);
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
        return wom_error_set(error, WOM_EIO, dir, 0, "gnuplot failed on timeseries.gp");
    }
    return WOM_OK;
}
