/* output.c: the files of a run and of a batch, written atomically, and
 * gnuplot rendering. Workload: a few files of (steps + 1) x 4 x columns
 * numbers per point, formatted over the threads; the manifest hashes every
 * output file once.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "output_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <igraph/igraph_version.h>
#include <sha2.h>

#include "womsim/metrics.h"
#include "rng.h"
#include "womsim/version.h"

static const char *const stat_names[4] = {"mean", "sd", "ci95_lo", "ci95_hi"};

/* A classic kind's theory beside the simulation; NULL for the wom kind. */
static const wom_analytic_t *analytic_of(const wom_output_run_t *run) {
    return run->point->classic ? &run->point->analytic : NULL;
}

/* One row of per-step summaries, comma-separated. */
static void summary_row(wom_text_t *text, const wom_output_run_t *run, uint32_t step) {
    char field[40] = ","; /* the comma, then the number */
    wom_text_printf(text, "%u", step);
    int columns = run->point->layout.count;
    for (int column = 0; column < columns; column++) {
        const wom_stats_summary_t *s = &run->point->series[(size_t)step * columns + column];
        const double values[4] = {s->mean, s->sd, s->ci95_lo, s->ci95_hi};
        for (int k = 0; k < 4; k++) {
            wom_text_format_number(field + 1, sizeof field - 1, values[k]);
            wom_text_append(text, field, strlen(field));
        }
    }
    wom_text_append(text, "\n", 1);
}

/* Every step's row: the body timeseries.csv and (with spaces for the
 * commas) timeseries.dat share, formatted once, in parts of consecutive
 * steps over the threads (formatting the numbers is most of a point's
 * files), joined in step order: the same text for any number of threads. */
static void summary_rows(wom_text_t *text, const wom_output_run_t *run) {
    const uint64_t steps = (uint64_t)run->point->table.steps + 1;
    const int parts = omp_get_max_threads();
    wom_text_t *pieces = malloc((size_t)parts * sizeof *pieces);
    if (pieces == NULL) {
        text->failed = true; /* reported as out of memory when written */
        return;
    }
#pragma omp parallel for schedule(static, 1)
    for (int part = 0; part < parts; part++) {
        wom_text_init(&pieces[part]);
        uint64_t end = steps * (uint64_t)(part + 1) / (uint64_t)parts;
        for (uint64_t t = steps * (uint64_t)part / (uint64_t)parts; t < end; t++) {
            summary_row(&pieces[part], run, (uint32_t)t);
        }
    }
    for (int part = 0; part < parts; part++) {
        text->failed |= pieces[part].failed;
        if (pieces[part].length > 0) {
            wom_text_append(text, pieces[part].data, pieces[part].length);
        }
        wom_text_destroy(&pieces[part]);
    }
    free(pieces);
}

static void timeseries_csv_header(wom_text_t *text, const wom_output_run_t *run) {
    wom_text_printf(text, "step");
    for (int column = 0; column < run->point->layout.count; column++) {
        for (int k = 0; k < 4; k++) {
            wom_text_printf(text, ",%s_%s", run->point->layout.name[column], stat_names[k]);
        }
    }
    wom_text_printf(text, "\n");
}

/* The scenario name as it may appear in a comment or a single-quoted
 * gnuplot string: control characters become '?', a quote is doubled. */
void wom_output_quoted_name(wom_text_t *text, const char *name) {
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
    wom_output_quoted_name(text, run->scenario_name);
    wom_text_printf(text, "' (sha256 %s), seed %llu, %u replications\n", run->scenario_hash,
                    (unsigned long long)run->point->scenario.simulation.seed,
                    run->point->table.replications);
}

static void timeseries_dat_header(wom_text_t *text, const wom_output_run_t *run) {
    provenance_comment(text, run);
    wom_text_printf(text, "# columns: 1 step");
    for (int column = 0; column < run->point->layout.count; column++) {
        for (int k = 0; k < 4; k++) {
            wom_text_printf(text, ", %d %s_%s", 2 + 4 * column + k, run->point->layout.name[column],
                            stat_names[k]);
        }
    }
    wom_text_printf(text, "\n");
}

/* One curve of a plot: a column's mean over its CI band. `aware` plots
 * agents minus the column (lo and hi swap). Colours are Okabe and Ito's,
 * which readers with a colour-vision deficiency tell apart, and curves of
 * a panel differ by dash type too (dash 1 solid, 2 dashed, 3 dotted, 4
 * dash-dot), so that a grey print keeps them apart. A count's band is cut
 * at 0 (`count`): the Student-t interval of a mean near 0 reaches below,
 * a count cannot. */
typedef struct {
    const char *column;
    const char *colour;
    int dash;
    const char *title;
    bool aware;
    bool count;
} curve_t;

typedef struct {
    const char *title;
    const char *ylabel;
    curve_t curves[4];
} panel_t;

#define BLUE       "#0072B2"
#define VERMILLION "#D55E00"
#define GREEN      "#009E73"
#define GREY       "#999999"
#define PURPLE     "#CC79A7"

static const panel_t wom_panels[] = {
    {"Who knows the business",
     "agents",
     {{"unaware", GREY, 4, "aware", true, true},
      {"customers", BLUE, 1, "customers", false, true},
      {"prospects", GREEN, 3, "prospects", false, true},
      {"lost", VERMILLION, 2, "lost", false, true}}},
    {"Word of mouth: messages delivered per day",
     "messages",
     {{"msgs_pos", BLUE, 1, "positive", false, true},
      {"msgs_neg", VERMILLION, 2, "negative", false, true}}},
    {"Reputation: promoters minus detractors, % of aware agents",
     "net score",
     {{"reputation", PURPLE, 1, "reputation", false, false}}},
};

static const panel_t cascade_panels[] = {
    {"Cascade",
     "nodes",
     {{"susceptible", GREY, 4, "susceptible", false, true},
      {"active", VERMILLION, 2, "active", false, true},
      {"removed", BLUE, 1, "removed", false, true}}},
};

static const panel_t bass_panels[] = {
    {"Adoption", "adopters", {{"adopters", BLUE, 1, "adopters", false, true}}},
};

/* The .dat column of a layout column's statistic (0 mean, 2 lo, 3 hi). */
static int dat_column(int column, int statistic) {
    return 2 + 4 * column + statistic;
}

/* The gnuplot expression of .dat column `dat` (agents minus it for an
 * `aware` curve), cut at 0 when `at_least_zero`. */
static void curve_value(char *out, size_t size, const curve_t *curve, int dat, bool at_least_zero) {
    char value[32];
    snprintf(value, sizeof value, curve->aware ? "(agents - $%d)" : "$%d", dat);
    if (at_least_zero) {
        snprintf(out, size, "(%s < 0 ? 0 : %s)", value, value);
    } else {
        snprintf(out, size, "(%s)", value);
    }
}

static void plot_curve(wom_text_t *text, const wom_output_run_t *run, const curve_t *curve,
                       bool first) {
    int column = wom_metrics_find(&run->point->layout, curve->column);
    if (column < 0) {
        return;
    }
    char lo[96], hi[96], mean[96];
    curve_value(lo, sizeof lo, curve, dat_column(column, curve->aware ? 3 : 2), curve->count);
    curve_value(hi, sizeof hi, curve, dat_column(column, curve->aware ? 2 : 3), false);
    curve_value(mean, sizeof mean, curve, dat_column(column, 0), false);
    wom_text_printf(text,
                    "%s data using 1:%s:%s with filledcurves fc '%s' fs transparent solid 0.2 "
                    "notitle, \\\n     data using 1:%s with lines lw 2 dt %d lc '%s' title '%s'",
                    first ? "plot" : ", \\\n    ", lo, hi, curve->colour, mean, curve->dash,
                    curve->colour, curve->title);
}

/* Columns of analytic.dat after the step: 0 when the run has no analytic
 * curve (the wom kind, or ic and sir off Erdos-Renyi graphs). */
static int analytic_curves(const wom_output_run_t *run) {
    const wom_analytic_t *a = analytic_of(run);
    if (run->point->scenario.model.kind == WOM_KIND_WOM || a == NULL) {
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
    static const char *const styles[2] = {"dt 2 lw 2 lc '#000000'", "dt 3 lw 2 lc '#E69F00'"};
    int curves = analytic_curves(run);
    int bass = analytic_of(run) != NULL && analytic_of(run)->kind == WOM_KIND_BASS;
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
void wom_output_picture_names(wom_text_t *text, const char *name) {
    wom_text_printf(text,
                    "if (!exists('png')) png = '%s.png'\nif (!exists('svg')) svg = '%s.svg'\n",
                    name, name);
}

static void timeseries_gp(wom_text_t *text, const wom_output_run_t *run) {
    const panel_t *panels = wom_panels;
    int count = sizeof wom_panels / sizeof wom_panels[0];
    if (run->point->scenario.model.kind == WOM_KIND_IC ||
        run->point->scenario.model.kind == WOM_KIND_SIR) {
        panels = cascade_panels;
        count = 1;
    } else if (run->point->scenario.model.kind == WOM_KIND_BASS) {
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
                    run->point->table.agents);
    wom_output_picture_names(text, "timeseries");
    wom_text_printf(text,
                    "set grid\nset key top left\nset xlabel 'day'\nset xrange [0:%u]\n"
                    "do for [format = 1:2] {\n"
                    "  if (format == 1) {\n"
                    "    set terminal pngcairo size 1000,%d noenhanced font ',10'\n"
                    "    set output png\n"
                    "  } else {\n"
                    "    set terminal svg size 1000,%d dynamic noenhanced font ',10'\n"
                    "    set output svg\n"
                    "  }\n"
                    "  set multiplot layout %d,1 title 'womsim: ",
                    run->point->table.steps, 100 + 350 * count, 100 + 350 * count, count);
    wom_output_quoted_name(text, run->scenario_name);
    wom_text_printf(text,
                    " (%u replication%s: lines are means, shaded bands 95%% confidence "
                    "intervals)'\n",
                    run->point->table.replications, run->point->table.replications == 1 ? "" : "s");
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

static double ratio(int64_t top, int64_t bottom) {
    return bottom > 0 ? (double)top / (double)bottom : 0;
}

/* The realised word of mouth, pooled over replications and days: people
 * told per experience told (Kotler's 5 and 10 as they come out on this
 * network), the share of satisfied encounters told, the share of wanted
 * messages to close ties that the degree cap cut (per valence), good
 * messages per bad one, and the people a customer tells in a year. */
static void summary_wom(wom_text_t *text, const wom_metrics_table_t *result) {
    int64_t good = wom_stats_pooled_sum(result, WOM_M_MSGS_POS);
    int64_t bad = wom_stats_pooled_sum(result, WOM_M_MSGS_NEG);
    int64_t capped_good = wom_stats_pooled_sum(result, WOM_M_TELLS_CAPPED_POS);
    int64_t capped_bad = wom_stats_pooled_sum(result, WOM_M_TELLS_CAPPED_NEG);
    int64_t own = wom_stats_pooled_sum(result, WOM_M_TOLD_BY_SATISFIED) +
                  wom_stats_pooled_sum(result, WOM_M_TOLD_BY_DISSATISFIED) +
                  wom_stats_pooled_sum(result, WOM_M_TOLD_BY_RECOVERED);
    const struct {
        const char *name;
        double value;
    } fields[] = {
        {"told_per_satisfied",
         wom_stats_pooled_ratio(result, WOM_M_TOLD_BY_SATISFIED, WOM_M_SATISFIED_TOLD)},
        {"told_per_dissatisfied",
         wom_stats_pooled_ratio(result, WOM_M_TOLD_BY_DISSATISFIED, WOM_M_DISSATISFIED)},
        {"told_per_recovered",
         wom_stats_pooled_ratio(result, WOM_M_TOLD_BY_RECOVERED, WOM_M_RECOVERED)},
        {"satisfied_told_share",
         wom_stats_pooled_ratio(result, WOM_M_SATISFIED_TOLD, WOM_M_SATISFIED)},
        {"capped_share_pos", ratio(capped_good, good + capped_good)},
        {"capped_share_neg", ratio(capped_bad, bad + capped_bad)},
        {"good_per_bad", ratio(good, bad)},
        {"told_per_customer_year", 365 * ratio(own, wom_stats_pooled_sum(result, WOM_M_CUSTOMERS))},
    };
    size_t count = sizeof fields / sizeof fields[0];
    wom_text_printf(text, ",\n  \"wom\": {\n");
    for (size_t i = 0; i < count; i++) {
        json_number_field(text, fields[i].name, fields[i].value, i == count - 1);
    }
    wom_text_printf(text, "  }");
}

/* Each flow's total over the days: mean and interval over replications. */
static void summary_totals(wom_text_t *text, const wom_output_run_t *run) {
    const wom_metrics_layout_t *layout = &run->point->layout;
    int last = -1;
    for (int column = 0; column < layout->count; column++) {
        last = wom_metrics_is_flow(layout->id[column]) ? column : last;
    }
    if (last < 0) {
        return;
    }
    wom_text_printf(text, ",\n  \"totals\": {\n");
    for (int column = 0; column <= last; column++) {
        if (wom_metrics_is_flow(layout->id[column])) {
            json_summary_entry(text, layout->name[column], &run->point->totals[column],
                               column == last);
        }
    }
    wom_text_printf(text, "  }");
}

static void summary_analytic(wom_text_t *text, const wom_analytic_t *a) {
    wom_text_printf(text, ",\n  \"analytic\": {\n");
    json_number_field(text, "mean_degree", a->mean_degree, false);
    if (a->kind == WOM_KIND_BASS) {
        json_number_field(text, "final_meanfield", a->final_meanfield, false);
        json_number_field(text, "peak_step", a->peak_step, false);
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

/* A classic kind's final share over the replications, and its theory. */
static void summary_classic(wom_text_t *text, const wom_output_run_t *run) {
    wom_text_printf(text, ",\n  \"final_share\": ");
    json_summary_value(text, &run->point->share);
    summary_analytic(text, &run->point->analytic);
}

static void summary_json(wom_text_t *text, const wom_output_run_t *run) {
    const wom_metrics_table_t *result = &run->point->table;
    uint64_t edges =
        run->point->graph->directed ? run->point->graph->arcs : run->point->graph->arcs / 2;
    wom_text_printf(text, "{\n  \"womsim\": \"%s\",\n  \"scenario\": ", WOM_VERSION);
    wom_text_json_string(text, run->scenario_name);
    wom_text_printf(text, ",\n  \"scenario_hash\": \"%s\",\n  \"seed\": %llu,\n  \"rng\": ",
                    run->scenario_hash, (unsigned long long)run->point->scenario.simulation.seed);
    wom_text_json_string(text, wom_rng_name());
    wom_text_printf(text,
                    ",\n  \"replications\": %u,\n  \"steps\": %u,\n  \"agents\": %u,\n"
                    "  \"edges\": %llu,\n  \"directed\": %s,\n  \"final\": {\n",
                    result->replications, result->steps, result->agents, (unsigned long long)edges,
                    run->point->graph->directed ? "true" : "false");
    int columns = run->point->layout.count;
    const wom_stats_summary_t *final = &run->point->series[(size_t)result->steps * columns];
    for (int column = 0; column < columns; column++) {
        json_summary_entry(text, run->point->layout.name[column], &final[column],
                           column == columns - 1);
    }
    wom_text_printf(text, "  }");
    summary_totals(text, run);
    if (run->point->scenario.model.kind == WOM_KIND_WOM) {
        summary_wom(text, result);
    } else {
        summary_classic(text, run);
    }
    if (run->watch != NULL) {
        wom_output_watch_json(text, run->watch);
    }
    wom_text_printf(text, "\n}\n");
}

/* analytic.dat: the analytic curves in nodes, one row per step; ic, sir:
 * the final size S x nodes (a level line); bass: the mean-field recursion
 * and the continuous curve, times nodes. */
static void analytic_dat(wom_text_t *text, const wom_output_run_t *run) {
    const wom_analytic_t *a = analytic_of(run);
    double nodes = a->nodes, share = 0;
    provenance_comment(text, run);
    if (a->kind == WOM_KIND_BASS) {
        wom_text_printf(text,
                        "# columns: 1 step, 2 meanfield (adopters), 3 continuous (adopters)\n");
    } else {
        wom_text_printf(text, "# columns: 1 step, 2 final_size (nodes ever active)\n");
    }
    for (uint32_t t = 0; t <= run->point->table.steps; t++) {
        wom_text_printf(text, "%u ", t);
        if (a->kind == WOM_KIND_BASS) {
            wom_text_number(text, share * nodes);
            wom_text_printf(text, " ");
            wom_text_number(text, wom_analytic_bass_continuous(a->p, a->q, t / a->period) * nodes);
            share = wom_analytic_bass_next(a->p, a->q, a->period, share);
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
    wom_status status = wom_file_write_text(dir, name, &text, error);
    wom_text_destroy(&text);
    return status;
}

/* File `name`: its header, then `rows`. */
static wom_status write_over_rows(const char *dir, const char *name, builder_fn header,
                                  const wom_text_t *rows, const wom_output_run_t *run,
                                  wom_error_t *error) {
    wom_text_t text;
    wom_text_init(&text);
    header(&text, run);
    text.failed |= rows->failed;
    if (!text.failed) {
        wom_text_append(&text, rows->data, rows->length);
    }
    wom_status status = wom_file_write_text(dir, name, &text, error);
    wom_text_destroy(&text);
    return status;
}

/* timeseries.csv and timeseries.dat, their rows formatted once (writing
 * many points' files is mostly formatting numbers). */
static wom_status write_timeseries(const char *dir, const wom_output_run_t *run,
                                   wom_error_t *error) {
    wom_text_t rows;
    wom_text_init(&rows);
    summary_rows(&rows, run);
    wom_status status =
        write_over_rows(dir, "timeseries.csv", timeseries_csv_header, &rows, run, error);
    for (size_t i = 0; i < rows.length; i++) {
        rows.data[i] = rows.data[i] == ',' ? ' ' : rows.data[i];
    }
    if (status == WOM_OK) {
        status = write_over_rows(dir, "timeseries.dat", timeseries_dat_header, &rows, run, error);
    }
    wom_text_destroy(&rows);
    return status;
}

wom_status wom_output_write_run(const char *dir, const wom_output_run_t *run, wom_error_t *error) {
    static const struct {
        const char *name;
        builder_fn build;
    } files[] = {{"summary.json", summary_json}, {"timeseries.gp", timeseries_gp}};
    wom_status status = wom_file_make_dir(dir, error);
    if (status == WOM_OK) {
        status = write_timeseries(dir, run, error);
    }
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

/* Copies what gnuplot wrote on stderr (in `log`) to stderr, but for the
 * line its gif terminal always writes once an animation ends ("4 frames
 * in animation sequence"), which is no news. */
static void pass_on_messages(FILE *log) {
    char line[1024];
    int frames = 0;
    rewind(log);
    while (fgets(line, sizeof line, log) != NULL) {
        int end = 0;
        if (sscanf(line, "%d frames in animation sequence%n", &frames, &end) == 1 &&
            line[end] == '\n') {
            continue;
        }
        fputs(line, stderr);
    }
    fclose(log);
}

/* Runs `gnuplot -e ASSIGNMENTS script` in `dir`; WOM_ENOENT when gnuplot
 * is not installed. */
static wom_status run_gnuplot(const char *dir, const char *script, const char *assignments,
                              wom_error_t *error) {
    pid_t parent = getpid();
    FILE *log = tmpfile();
    if (log == NULL) {
        return wom_error_set(error, WOM_EIO, dir, 0, "cannot start gnuplot: %s", strerror(errno));
    }
    fflush(stderr);
    pid_t child = fork();
    if (child < 0) {
        fclose(log);
        return wom_error_set(error, WOM_EIO, dir, 0, "cannot start gnuplot: %s", strerror(errno));
    }
    if (child == 0) {
        /* gnuplot dies with womsim (killed, it would otherwise go on and
         * recreate temporary files a resume has cleaned): Linux's
         * parent-death signal, then a check for a parent gone already */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == parent && chdir(dir) == 0 && dup2(fileno(log), STDERR_FILENO) >= 0) {
            execlp("gnuplot", "gnuplot", "-e", assignments, script, (char *)NULL);
        }
        _exit(127);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            fclose(log);
            return wom_error_set(error, WOM_EIO, dir, 0, "lost track of gnuplot: %s",
                                 strerror(errno));
        }
    }
    pass_on_messages(log);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        return wom_error_set(error, WOM_ENOENT, dir, 0, "gnuplot is not installed");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return wom_error_set(error, WOM_EIO, dir, 0, "gnuplot failed on %s", script);
    }
    return WOM_OK;
}

/* gnuplot draws each picture into the temporary file of an output
 * stream, which is then committed like any output: a kill while it draws
 * (of the whole process group, say) leaves temporary files, never a
 * truncated picture under its final name. */
wom_status wom_output_render_pictures(const char *dir, const char *script,
                                      const wom_output_picture_t *pictures, size_t count,
                                      wom_error_t *error) {
    wom_file_stream_t *streams = calloc(count, sizeof *streams);
    char path[WOM_MAX_PATH];
    wom_text_t assignments;
    wom_text_init(&assignments);
    wom_status status =
        streams == NULL ? wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory") : WOM_OK;
    for (size_t i = 0; i < count && status == WOM_OK; i++) {
        if (snprintf(path, sizeof path, "%s/%s", dir, pictures[i].name) >= (int)sizeof path) {
            status = wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
        } else {
            status = wom_file_stream_open(&streams[i], path, error);
        }
        if (status == WOM_OK) { /* mkstemp's names: letters and digits, safe in quotes */
            wom_text_printf(&assignments, "%s = '%s'; ", pictures[i].variable,
                            strrchr(streams[i].temporary, '/') + 1);
        }
    }
    if (status == WOM_OK && assignments.failed) {
        status = wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    if (status == WOM_OK) {
        status = run_gnuplot(dir, script, assignments.data, error);
    }
    for (size_t i = 0; streams != NULL && i < count; i++) {
        if (status == WOM_OK) {
            status = wom_file_stream_commit(&streams[i], status, error);
        }
        wom_file_stream_abandon(&streams[i]);
    }
    free(streams);
    wom_text_destroy(&assignments);
    return status;
}

/* NAME.png and NAME.svg (NAME.gp is the script), named in the script by
 * png and svg. */
wom_status wom_output_render_script(const char *dir, const char *script, wom_error_t *error) {
    size_t stem = strlen(script) - (strlen(script) > 3 ? 3 : 0); /* without ".gp" */
    wom_output_picture_t pictures[2] = {{.variable = "png"}, {.variable = "svg"}};
    for (int i = 0; i < 2; i++) {
        if (snprintf(pictures[i].name, sizeof pictures[i].name, "%.*s.%s", (int)stem, script,
                     pictures[i].variable) >= (int)sizeof pictures[i].name) {
            return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
        }
    }
    return wom_output_render_pictures(dir, script, pictures, 2, error);
}
