/* output_calibrate.c: the files of a scenario fitted to an observed series
 * (womsim fit SCENARIO --data, calibrate.h): fit.json (the free keys'
 * estimates and intervals, the objective, how the search went and what it
 * read), fit.csv (every day's observed value, fitted mean and band per
 * metric) and fit.gp, which draws fit.png and fit.svg from fit.csv (a
 * panel per metric, through wom_output_render_script like every
 * picture). Each file is built in memory and written atomically.
 * Workload: one fit, a row per simulated day.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "output_internal.h"

#include <math.h>
#include <string.h>

#include "womsim/version.h"

#define METHOD                                                                                     \
    "minimise S = sum over metrics m and observed days d of ((mean_m(d) - observed_m(d)) / "       \
    "scale_m)^2, mean_m(d) the replication mean under common random numbers, scale_m the "         \
    "standard deviation of metric m's observed values (their mean absolute value when that is "    \
    "0, else 1): a Latin hypercube of the free keys' ranges, then Nelder-Mead (GSL nmsimplex2) "   \
    "from each of its 3 best points in unit coordinates folded into the ranges by reflection, "    \
    "the lowest end the estimate"
#define INTERVAL                                                                                   \
    "parametric bootstrap: each refit fits one replication at the estimate (seed s_b) by "         \
    "Nelder-Mead from the estimate, its replications under seed s'_b; lo and hi are the 2.5% "     \
    "and 97.5% quantiles of the refitted values"

/* JSON has no NaN: a value that is not finite is written as null. */
static void json_number(wom_text_t *text, double value) {
    if (isfinite(value)) {
        wom_text_number(text, value);
    } else {
        wom_text_printf(text, "null");
    }
}

static void json_keys(wom_text_t *text, const wom_output_calibration_t *fit) {
    const wom_calibrate_t *cal = fit->cal;
    const wom_calibrate_result_t *r = fit->result;
    wom_text_printf(text, "  \"keys\": {");
    for (size_t i = 0; i < cal->keys; i++) {
        wom_text_printf(text, "%s\n    \"%s\": {\"estimate\": ", i ? "," : "", cal->key[i].name);
        json_number(text, r->estimate[i]);
        wom_text_printf(text, ", \"lo\": ");
        json_number(text, r->lo[i]);
        wom_text_printf(text, ", \"hi\": ");
        json_number(text, r->hi[i]);
        wom_text_printf(text, ", \"range\": [");
        json_number(text, cal->key[i].lo);
        wom_text_printf(text, ", ");
        json_number(text, cal->key[i].hi);
        wom_text_printf(text, "], \"start\": ");
        json_number(text, r->start[i]);
        wom_text_printf(text, "}");
    }
    wom_text_printf(text, "\n  },\n");
}

static void json_metrics(wom_text_t *text, const wom_calibrate_t *cal) {
    wom_text_printf(text, "  \"metrics\": {");
    for (size_t m = 0; m < cal->metrics; m++) {
        wom_text_printf(text, "%s\n    \"%s\": {\"scale\": ", m ? "," : "", cal->name[m]);
        json_number(text, cal->scale[m]);
        wom_text_printf(text, "}");
    }
    wom_text_printf(text, "\n  },\n");
}

static void json_bootstrap(wom_text_t *text, const wom_output_calibration_t *fit) {
    const wom_calibrate_result_t *r = fit->result;
    size_t k = fit->cal->keys;
    wom_text_printf(text,
                    "  \"bootstrap\": {\"refits\": %zu, \"unconverged\": %zu, \"evaluations\": "
                    "%zu, \"first_seeds\": [%llu, %llu], \"interval\": %s, \"refitted\": [",
                    r->bootstrap, r->bootstrap_unconverged, r->bootstrap_evaluations,
                    (unsigned long long)r->bootstrap_seed[0],
                    (unsigned long long)r->bootstrap_seed[1],
                    r->bootstrap > 0 ? "\"" INTERVAL "\"" : "null");
    for (size_t b = 0; b < r->bootstrap; b++) {
        wom_text_printf(text, "%s[", b ? ", " : "");
        for (size_t i = 0; i < k; i++) {
            wom_text_printf(text, "%s", i ? ", " : "");
            json_number(text, r->replicates[b * k + i]);
        }
        wom_text_printf(text, "]");
    }
    wom_text_printf(text, "]},\n");
}

static void json_search(wom_text_t *text, const wom_output_calibration_t *fit) {
    const wom_calibrate_options_t *o = fit->options;
    const wom_calibrate_result_t *r = fit->result;
    wom_text_printf(text, "  \"evaluations\": %zu,\n  \"starts\": %zu,\n  \"start_objective\": ",
                    r->evaluations, r->starts);
    json_number(text, r->start_objective);
    wom_text_printf(text,
                    ",\n  \"search_evaluations\": %zu,\n  \"converged\": %s,\n"
                    "  \"search\": {\"tolerance\": ",
                    r->search_evaluations, r->converged ? "true" : "false");
    json_number(text, o->tolerance);
    wom_text_printf(text, ", \"step\": ");
    json_number(text, o->step);
    wom_text_printf(text, ", \"max_evaluations\": %zu, \"method\": \"%s\"},\n", o->max_evaluations,
                    METHOD);
}

static void fit_json(wom_text_t *text, const wom_output_calibration_t *fit) {
    const wom_calibrate_t *cal = fit->cal;
    const wom_calibrate_result_t *r = fit->result;
    size_t values = cal->rows * cal->metrics;
    wom_text_printf(text, "{\n");
    json_keys(text, fit);
    wom_text_printf(text, "  \"objective\": ");
    json_number(text, r->objective);
    wom_text_printf(text, ",\n  \"rms_scaled_error\": ");
    json_number(text, sqrt(r->objective / (double)values));
    wom_text_printf(text, ",\n  \"observed_values\": %zu,\n  \"days\": %zu,\n", values, cal->rows);
    json_metrics(text, cal);
    json_search(text, fit);
    json_bootstrap(text, fit);
    wom_text_printf(text,
                    "  \"replications\": %u,\n  \"seed\": %llu,\n  \"common_random_numbers\": "
                    "true,\n  \"scenario\": ",
                    cal->replications, (unsigned long long)cal->seed);
    wom_text_json_string(text, fit->scenario_name);
    wom_text_printf(text, ",\n  \"scenario_hash\": \"%s\",\n  \"data\": {\"file\": ", cal->hash);
    wom_text_json_string(text, fit->data_file);
    wom_text_printf(text, ", \"sha256\": ");
    if (fit->data->sha256[0] != '\0') {
        wom_text_printf(text, "\"%s\"", fit->data->sha256);
    } else {
        wom_text_printf(text, "null");
    }
    wom_text_printf(text, "},\n  \"womsim\": \"%s\"\n}\n", WOM_VERSION);
}

/* A row per day 0..steps: per metric the observed value (empty on a day
 * not observed), the fitted mean and the replications' band. */
static void fit_csv(wom_text_t *text, const wom_output_calibration_t *fit) {
    const wom_calibrate_t *cal = fit->cal;
    const wom_calibrate_result_t *r = fit->result;
    wom_text_printf(text, "day");
    for (size_t m = 0; m < cal->metrics; m++) {
        const char *name = cal->name[m];
        wom_text_printf(text, ",%s_observed,%s_fitted,%s_band95_lo,%s_band95_hi", name, name, name,
                        name);
    }
    wom_text_printf(text, "\n");
    for (size_t t = 0, d = 0; t <= cal->steps; t++) {
        bool observed = d < cal->rows && cal->day[d] == (int64_t)t;
        wom_text_printf(text, "%zu", t);
        for (size_t m = 0; m < cal->metrics; m++) {
            size_t at = t * cal->metrics + m;
            wom_text_printf(text, ",");
            if (observed) {
                wom_text_number(text, cal->observed[d * cal->metrics + m]);
            }
            wom_text_printf(text, ",");
            wom_text_number(text, r->mean[at]);
            wom_text_printf(text, ",");
            wom_text_number(text, r->band_lo[at]);
            wom_text_printf(text, ",");
            wom_text_number(text, r->band_hi[at]);
        }
        wom_text_printf(text, "\n");
        d += observed;
    }
}

static void gp_title(wom_text_t *text, const wom_output_calibration_t *fit) {
    const wom_calibrate_t *cal = fit->cal;
    wom_text_printf(text, "  set multiplot layout %zu,1 title '", cal->metrics);
    wom_output_quoted_name(text, fit->scenario_name);
    wom_text_printf(text, " fitted:");
    for (size_t i = 0; i < cal->keys; i++) {
        wom_text_printf(text, "%s %s = %.4g", i ? "," : "", cal->key[i].name,
                        fit->result->estimate[i]);
    }
    wom_text_printf(text, " (%u replications)'\n", cal->replications);
}

static void fit_gp(wom_text_t *text, const wom_output_calibration_t *fit) {
    const wom_calibrate_t *cal = fit->cal;
    int height = 100 + 350 * (int)cal->metrics;
    wom_text_printf(text, "# womsim %s: the scenario '", WOM_VERSION);
    wom_output_quoted_name(text, fit->scenario_name);
    wom_text_printf(text, "' (%.12s...) fitted to '", cal->hash);
    wom_output_quoted_name(text, fit->data_file);
    wom_text_printf(text, "' (sha256 %s)\n", fit->data->sha256[0] ? fit->data->sha256 : "unknown");
    wom_text_printf(text, "# Renders fit.png and fit.svg from fit.csv:\n#   gnuplot fit.gp\n"
                          "# Lines are replication means at the estimate; bands hold the middle "
                          "95%% of the replications; points are observed.\n");
    wom_output_picture_names(text, "fit");
    wom_text_printf(
        text,
        "set datafile separator ','\nset grid\nset key below\nset bmargin 5\nset lmargin 10\n"
        "set autoscale xfix\n"
        "set xlabel 'day'\n"
        "do for [format = 1:2] {\n"
        "  if (format == 1) {\n"
        "    set terminal pngcairo size 1000,%d noenhanced font ',10'\n"
        "    set output png\n"
        "  } else {\n"
        "    set terminal svg size 1000,%d dynamic noenhanced font ',10'\n"
        "    set output svg\n"
        "  }\n",
        height, height);
    gp_title(text, fit);
    for (size_t m = 0; m < cal->metrics; m++) {
        size_t first = 2 + 4 * m;
        wom_text_printf(text,
                        "  set title '%s'\n  set ylabel '%s'\n"
                        "  plot 'fit.csv' using 1:%zu:%zu with filledcurves fc '#d62728' fs "
                        "transparent solid 0.2 title 'middle 95%% of replications', \\\n"
                        "       '' using 1:%zu with lines lw 2 lc '#d62728' title 'fitted mean', "
                        "\\\n       '' using 1:%zu with points pt 7 ps 1.2 lc '#1f77b4' title "
                        "'observed'\n",
                        cal->name[m], cal->name[m], first + 2, first + 3, first + 1, first);
    }
    wom_text_printf(text, "  unset multiplot\n  set output\n}\n");
}

typedef void (*calibration_builder_fn)(wom_text_t *text, const wom_output_calibration_t *fit);

wom_status wom_output_write_calibration(const char *dir, const wom_output_calibration_t *fit,
                                        wom_error_t *error) {
    static const struct {
        const char *name;
        calibration_builder_fn build;
    } files[] = {{"fit.json", fit_json}, {"fit.csv", fit_csv}, {"fit.gp", fit_gp}};
    wom_status status = wom_file_make_dir(dir, error);
    for (size_t i = 0; status == WOM_OK && i < sizeof files / sizeof files[0]; i++) {
        wom_text_t text;
        wom_text_init(&text);
        files[i].build(&text, fit);
        status = wom_file_write_text(dir, files[i].name, &text, error);
        wom_text_destroy(&text);
    }
    return status;
}
