/* output_fit.c: the files of a Bass fit (womsim fit --bass): fit.json (the
 * estimates, standard errors, r2, SSE and peak, and how they were got),
 * fit.csv (each period's observed and fitted adoptions) and fit.gp, the
 * gnuplot script that draws fit.png and fit.svg from fit.csv (through
 * wom_output_render_script, like every picture). Each file is built in
 * memory and written atomically. Workload: one fit, a row per period.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "output_internal.h"

#include <math.h>
#include <string.h>

#include "womsim/version.h"

/* Where the peak's label stands: rows sit at their labels, row t (t = 1,
 * 2, ...) at first + t - 1, so t* sits at first + t* - 1. */
static double peak_label(const wom_output_fit_t *fit) {
    return (double)fit->data->first_period + fit->result->peak_period - 1;
}

/* JSON has no NaN: a value that is not finite is written as null. */
static void json_number(wom_text_t *text, double value) {
    if (isfinite(value)) {
        wom_text_number(text, value);
    } else {
        wom_text_printf(text, "null");
    }
}

static void json_param(wom_text_t *text, const char *name, const wom_bassfit_param_t *param) {
    wom_text_printf(text, "  \"%s\": {\"estimate\": ", name);
    json_number(text, param->estimate);
    wom_text_printf(text, ", \"se\": ");
    json_number(text, param->se);
    wom_text_printf(text, "},\n");
}

static void json_field(wom_text_t *text, const char *name, double value) {
    wom_text_printf(text, "  \"%s\": ", name);
    json_number(text, value);
    wom_text_printf(text, ",\n");
}

/* The label of the period t* falls in: t in (t' - 1, t'] is row t'. */
static double peak_in_period(const wom_output_fit_t *fit) {
    return (double)fit->data->first_period + ceil(fit->result->peak_period) - 1;
}

static void fit_json(wom_text_t *text, const wom_output_fit_t *fit) {
    const wom_bassfit_result_t *r = fit->result;
    const wom_bassfit_data_t *data = fit->data;
    wom_text_printf(text, "{\n");
    json_param(text, "p", &r->p);
    json_param(text, "q", &r->q);
    json_param(text, "m", &r->m);
    json_field(text, "r2", r->r2);
    json_field(text, "sse", r->sse);
    json_field(text, "peak_period", r->peak_period);
    json_field(text, "peak_period_label", peak_label(fit));
    json_field(text, "peak_in_period", peak_in_period(fit));
    wom_text_printf(text,
                    "  \"n\": %zu,\n  \"first_period\": %lld,\n  \"last_period\": %lld,\n"
                    "  \"converged\": %s,\n  \"iterations\": %zu,\n  \"start\": {\"from\": \"%s\", "
                    "\"p\": ",
                    r->n, data->first_period, data->first_period + (long long)data->count - 1,
                    r->converged ? "true" : "false", r->iterations, r->start_ols ? "ols" : "fixed");
    json_number(text, r->start[0]);
    wom_text_printf(text, ", \"q\": ");
    json_number(text, r->start[1]);
    wom_text_printf(text, ", \"m\": ");
    json_number(text, r->start[2]);
    wom_text_printf(
        text,
        "},\n  \"method\": \"nonlinear least squares on S(t) = m [F(t) - F(t-1)], t = 1..n from "
        "the start of the first period (Srinivasan & Mason 1986): GSL gsl_multifit_nlinear, "
        "trust region with Levenberg-Marquardt steps, analytic Jacobian, started from Bass's "
        "(1969) OLS estimates (else p = 0.03, q = 0.38); se: square roots of the diagonal of s^2 "
        "(J^T J)^-1, s^2 = SSE / (n - 3); r2: 1 - SSE / (sum of squares about the mean "
        "adoptions)\",\n  \"peak\": \"peak_period: t* = ln(q/p) / (p + q), in periods from the "
        "start of the first period (null when q <= p: adoptions fall from the start); "
        "peak_period_label: first_period + t* - 1, on the axis of fit.csv and the plot, where "
        "row t stands at label first_period + t - 1 (the end of its period); peak_in_period: "
        "the label of the period t* falls in\",\n  \"data\": {\"file\": ");
    wom_text_json_string(text, fit->data_file);
    wom_text_printf(text, ", \"sha256\": ");
    if (data->sha256[0] != '\0') {
        wom_text_printf(text, "\"%s\"", data->sha256);
    } else {
        wom_text_printf(text, "null");
    }
    wom_text_printf(text, "},\n  \"womsim\": \"%s\"\n}\n", WOM_VERSION);
}

static void fit_csv(wom_text_t *text, const wom_output_fit_t *fit) {
    const wom_bassfit_result_t *r = fit->result;
    wom_text_printf(text, "period,observed,fitted\n");
    for (size_t t = 1; t <= fit->data->count; t++) {
        wom_text_printf(text, "%lld,", fit->data->first_period + (long long)t - 1);
        wom_text_number(text, fit->data->adoptions[t - 1]);
        wom_text_printf(text, ",");
        wom_text_number(text, wom_bassfit_adoptions(r->p.estimate, r->q.estimate, r->m.estimate,
                                                    (double)t, NULL));
        wom_text_printf(text, "\n");
    }
}

/* The file's name without its folders, as a gnuplot string may hold it. */
static void quoted_base_name(wom_text_t *text, const char *path) {
    const char *slash = strrchr(path, '/');
    wom_output_quoted_name(text, slash != NULL && slash[1] != '\0' ? slash + 1 : path);
}

/* A vertical dashed line at the peak, labelled, when there is one. */
static void gp_peak(wom_text_t *text, const wom_output_fit_t *fit) {
    if (!isfinite(fit->result->peak_period)) {
        return;
    }
    char t[32], label[32];
    snprintf(t, sizeof t, "%.2f", fit->result->peak_period);
    snprintf(label, sizeof label, "%.2f", peak_label(fit));
    wom_text_printf(text,
                    "peak = %s\n"
                    "set arrow 1 from peak, graph 0 to peak, graph 1 nohead dt 2 lw 1.5 "
                    "lc '#7f7f7f'\n"
                    "set label 1 'peak: t* = %s periods (%s)' at peak, graph 0.04 offset 0.8, 0\n",
                    label, t, label);
}

static void fit_gp(wom_text_t *text, const wom_output_fit_t *fit) {
    const wom_bassfit_result_t *r = fit->result;
    wom_text_printf(text, "# womsim %s: the Bass model fitted to '", WOM_VERSION);
    wom_output_quoted_name(text, fit->data_file);
    wom_text_printf(text, "' (sha256 %s)\n", fit->data->sha256[0] ? fit->data->sha256 : "unknown");
    wom_text_printf(text, "# Renders fit.png and fit.svg from fit.csv:\n"
                          "#   gnuplot fit.gp\n");
    wom_output_picture_names(text, "fit");
    wom_text_printf(text, "set datafile separator ','\nset grid\nset key top left\n"
                          "set xlabel 'period'\nset ylabel 'adoptions per period'\n"
                          "set offsets graph 0.03, graph 0.03, graph 0.05, 0\n");
    gp_peak(text, fit);
    wom_text_printf(text, "set title 'Bass model fitted to ");
    quoted_base_name(text, fit->data_file);
    wom_text_printf(text, ": p = %.4g, q = %.4g, m = %.5g, r2 = %.4f'\n", r->p.estimate,
                    r->q.estimate, r->m.estimate, isfinite(r->r2) ? r->r2 : 0);
    wom_text_printf(text, "do for [format = 1:2] {\n"
                          "  if (format == 1) {\n"
                          "    set terminal pngcairo size 1000,600 noenhanced font ',10'\n"
                          "    set output png\n"
                          "  } else {\n"
                          "    set terminal svg size 1000,600 dynamic noenhanced font ',10'\n"
                          "    set output svg\n"
                          "  }\n"
                          "  plot 'fit.csv' using 1:2 with points pt 7 ps 1.3 lc '#1f77b4' "
                          "title 'observed', \\\n"
                          "       '' using 1:3 with linespoints lw 2 pt 6 lc '#d62728' "
                          "title 'fitted: m [F(t) - F(t-1)]'\n"
                          "  set output\n"
                          "}\n");
}

typedef void (*fit_builder_fn)(wom_text_t *text, const wom_output_fit_t *fit);

wom_status wom_output_write_fit(const char *dir, const wom_output_fit_t *fit, wom_error_t *error) {
    static const struct {
        const char *name;
        fit_builder_fn build;
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
