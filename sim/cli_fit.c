/* cli_fit.c: `womsim fit --bass DATA.csv`: the Bass model fitted to
 * observed adoptions per period (bassfit.h). Reads the table (nothing is
 * written when it is bad), fits it, prints the estimates, and writes
 * fit.json, fit.csv, fit.gp, the pictures and manifest.json into the
 * output folder (default out/fit/<table name>, as run's is out/<scenario
 * name>). What is fitted is chosen by an option, so that fitting a
 * scenario's keys to data can come as another option with the scenario
 * as the operand.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <sysexits.h>

#include "cli.h"

typedef struct {
    const char *bass_path; /* --bass: the table of adoptions */
    const char *output_dir;
    bool plot;
    bool quiet;
} fit_options_t;

enum { FIT_BASS, FIT_OUTPUT, FIT_NO_PLOT, FIT_QUIET };

static const cli_option_t fit_options[] = {
    {FIT_BASS, '\0', "bass", "DATA.csv",
     "fit the Bass model to the adoptions per period in DATA.csv: the header 'period,adoptions', "
     "then a row per period, the periods consecutive (required)"},
    {FIT_OUTPUT, 'o', "output", "DIR", "output folder (default out/fit/<DATA name>)"},
    {FIT_NO_PLOT, '\0', "no-plot", NULL, "do not run gnuplot"},
    {FIT_QUIET, 'q', "quiet", NULL, "print nothing but errors"},
};

static int take_fit_option(void *context, const cli_option_use_t *use) {
    fit_options_t *options = context;
    switch (use->option->id) {
    case FIT_BASS:
        options->bass_path = use->value;
        return EX_OK;
    case FIT_OUTPUT:
        options->output_dir = use->value;
        return EX_OK;
    case FIT_NO_PLOT:
        options->plot = false;
        return EX_OK;
    default: /* FIT_QUIET */
        options->quiet = true;
        return EX_OK;
    }
}

static int parse_fit_options(int argc, char **argv, fit_options_t *options) {
    *options = (fit_options_t){.plot = true};
    int operands = 0;
    int code = cli_parse_options(&cli_fit_command, argc, argv, take_fit_option, options, &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    if (options->bass_path == NULL) {
        return cli_usage_error("fit requires --bass DATA.csv (the adoptions per period to fit "
                               "the Bass model to)");
    }
    if (operands != argc) {
        return cli_usage_error("fit --bass takes no other argument, not '%s'", argv[operands]);
    }
    return CLI_PARSED;
}

/* -o, or out/fit/<table name without extension>. */
static void fit_folder(const fit_options_t *options, char *dir, size_t size) {
    char name[256];
    cli_scenario_name(options->bass_path, name, sizeof name);
    if (options->output_dir != NULL) {
        snprintf(dir, size, "%s", options->output_dir);
    } else {
        snprintf(dir, size, "out/fit/%s", name);
    }
}

static void print_peak(const wom_bassfit_data_t *data, const wom_bassfit_result_t *r) {
    if (!isfinite(r->peak_period)) {
        printf("  adoptions fall from the first period on (q <= p): no peak\n");
        return;
    }
    double label = (double)data->first_period + r->peak_period - 1;
    printf("  peak: t* = %.2f periods from the start of period %lld (label %.2f: during period "
           "%.0f)\n",
           r->peak_period, data->first_period, label,
           (double)data->first_period + ceil(r->peak_period) - 1);
}

static void print_fit(const char *name, const char *dir, const wom_bassfit_data_t *data,
                      const wom_bassfit_result_t *r) {
    printf("womsim: %s: the Bass model fitted to %zu periods (%lld to %lld)%s\n", name, r->n,
           data->first_period, data->first_period + (long long)data->count - 1,
           r->start_ols ? "" : ", from the fixed start (Bass's regression gave no valid curve)");
    printf("  p (innovation)   %-10.4g se %.4g\n"
           "  q (imitation)    %-10.4g se %.4g\n"
           "  m (market size)  %-10.6g se %.4g\n",
           r->p.estimate, r->p.se, r->q.estimate, r->q.se, r->m.estimate, r->m.se);
    if (isfinite(r->r2)) {
        printf("  r2 %.4f, SSE %.6g\n", r->r2, r->sse);
    } else {
        printf("  r2 undefined (every period has the same adoptions), SSE %.6g\n", r->sse);
    }
    print_peak(data, r);
    printf("results: %s/fit.json and %s/fit.csv\n", dir, dir);
}

/* Draws fit.png and fit.svg; a missing gnuplot is a note, not an error. */
static int render(const char *dir, bool quiet) {
    wom_error_t error = {0};
    wom_status status = wom_output_render_script(dir, "fit.gp", &error);
    if (status == WOM_ENOENT) {
        fprintf(stderr,
                "womsim: gnuplot is not installed, so no pictures were drawn; install it "
                "(scripts/install-deps.sh) and run: cd %s && gnuplot fit.gp\n",
                dir);
        return EX_OK;
    }
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    if (!quiet) {
        printf("pictures: %s/fit.png and %s/fit.svg\n", dir, dir);
    }
    return EX_OK;
}

/* Writes DIR/manifest.json recording exit status `code`; returns `code`,
 * or the failure to write the manifest when `code` is EX_OK. */
static int write_manifest(const char *dir, int argc, char **argv, const char *data_path,
                          const wom_bassfit_data_t *data, const char *started, int code) {
    char data_file[WOM_MAX_PATH], ended[32];
    cli_absolute_path(data_path, data_file, sizeof data_file);
    cli_utc_now(ended);
    wom_output_files_t files = {0};
    wom_error_t error = {0};
    wom_status status = wom_output_list_fit_files(dir, &files);
    wom_output_fit_manifest_t manifest = {(const char *const *)argv,
                                          (size_t)argc,
                                          data_file,
                                          data->sha256,
                                          started,
                                          ended,
                                          code,
                                          (const char *const *)files.paths,
                                          files.count};
    if (status == WOM_OK) {
        status = wom_output_write_fit_manifest(dir, &manifest, &error);
    }
    wom_output_files_destroy(&files);
    if (status != WOM_OK) {
        int failed = cli_fail(status, &error);
        return code != EX_OK ? code : failed;
    }
    return code;
}

/* The table read and fitted; errors of the fit name the table. */
static wom_status read_and_fit(const char *path, wom_bassfit_data_t *data,
                               wom_bassfit_result_t *result, wom_error_t *error) {
    wom_status status = wom_bassfit_read_csv(path, data, error);
    if (status == WOM_OK) {
        status = wom_bassfit_fit(data->adoptions, data->count, result, error);
        if (status != WOM_OK && error->file[0] == '\0') {
            snprintf(error->file, sizeof error->file, "%s", path);
        }
    }
    return status;
}

static int cli_fit(int argc, char **argv) {
    fit_options_t options;
    int code = parse_fit_options(argc, argv, &options);
    if (code != CLI_PARSED) {
        return code;
    }
    char name[256], dir[WOM_MAX_PATH], started[32];
    cli_scenario_name(options.bass_path, name, sizeof name);
    fit_folder(&options, dir, sizeof dir);
    cli_utc_now(started);
    wom_bassfit_data_t data;
    wom_bassfit_result_t result;
    wom_error_t error = {0};
    wom_status status = read_and_fit(options.bass_path, &data, &result, &error);
    if (status == WOM_OK) { /* before the folder is made, nothing to clean up after */
        status = wom_file_make_dir(dir, &error);
    }
    if (status != WOM_OK) {
        wom_bassfit_data_destroy(&data);
        return cli_fail(status, &error);
    }
    wom_output_fit_t fit = {options.bass_path, &data, &result};
    status = wom_output_write_fit(dir, &fit, &error);
    code = status == WOM_OK ? EX_OK : cli_fail(status, &error);
    if (code == EX_OK && !options.quiet) {
        print_fit(name, dir, &data, &result);
    }
    if (code == EX_OK && options.plot) {
        code = render(dir, options.quiet);
    }
    if (code == EX_OK && !result.converged) {
        fprintf(stderr,
                "womsim: note: the solver stopped after %zu iterations before its tests were met "
                "(fit.json says \"converged\": false); the estimates may be off\n",
                result.iterations);
    }
    code = write_manifest(dir, argc, argv, options.bass_path, &data, started, code);
    wom_bassfit_data_destroy(&data);
    return code;
}

const cli_command_t cli_fit_command = {
    "fit",
    "--bass DATA.csv [options]",
    "Fit the Bass model to observed adoptions per period by nonlinear least squares and write "
    "fit.json (p, q, m with standard errors, r2, SSE, peak), fit.csv (observed and fitted per "
    "period), plots and manifest.json (docs/explore.md).",
    fit_options,
    CLI_COUNT(fit_options),
    cli_fit};
