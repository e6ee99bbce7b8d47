/* cli_fit.c: `womsim fit`, in two forms. `--bass DATA.csv`: the Bass
 * model fitted to observed adoptions per period (bassfit.h): reads the
 * table (nothing is written when it is bad), fits it, prints the
 * estimates, and writes fit.json, fit.csv, fit.gp, the pictures and
 * manifest.json into the output folder (default out/fit/<table name>, as
 * run's is out/<scenario name>). `SCENARIO --data OBSERVED.csv --free
 * KEY=LO:HI ...`: a scenario's keys fitted to an observed series
 * (calibrate.h, run by cli_calibrate.c). This file holds the options of
 * both and the Bass fit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define DEFAULT_MAX_EVALUATIONS 200
#define DEFAULT_TOLERANCE       0.001
#define DEFAULT_BOOTSTRAP       20

enum {
    FIT_BASS,
    FIT_DATA,
    FIT_FREE,
    FIT_METRIC,
    FIT_SET,
    FIT_REPLICATIONS,
    FIT_SEED,
    FIT_THREADS,
    FIT_STARTS,
    FIT_MAX_EVALUATIONS,
    FIT_TOLERANCE,
    FIT_BOOTSTRAP,
    FIT_MAX_MEM,
    FIT_OUTPUT,
    FIT_NO_PLOT,
    FIT_QUIET
};

static const cli_option_t fit_options[] = {
    {FIT_BASS, '\0', "bass", "DATA.csv",
     "fit the Bass model to the adoptions per period in DATA.csv: the header 'period,adoptions', "
     "then a row per period, the periods consecutive"},
    {FIT_DATA, '\0', "data", "OBSERVED.csv",
     "fit SCENARIO to the series in OBSERVED.csv: a 'day' column and columns named as "
     "timeseries.csv's metrics (customers, reputation, ...), a row per observed day"},
    {FIT_FREE, '\0', "free", "KEY=LO:HI",
     "a key of SCENARIO the fit searches between LO and HI (a real number; repeatable, up to 8)"},
    {FIT_METRIC, '\0', "metric", "NAME",
     "a column of OBSERVED.csv to fit (repeatable; default: every column but day)"},
    {FIT_SET, '\0', "set", "KEY=VALUE", "override a scenario key (repeatable)"},
    {FIT_REPLICATIONS, 'r', "replications", "N",
     "replications of each evaluation (simulation.replications)"},
    {FIT_SEED, 's', "seed", "SEED", "random seed (simulation.seed)"},
    {FIT_THREADS, 't', "threads", "N", "threads (default: OMP_NUM_THREADS or all cores)"},
    {FIT_STARTS, '\0', "starts", "N",
     "points of the Latin hypercube the search starts from (default max(10, 5 x free keys))"},
    {FIT_MAX_EVALUATIONS, '\0', "max-evaluations", "N",
     "evaluations of one Nelder-Mead search, the fit's or a refit's (default 200)"},
    {FIT_TOLERANCE, '\0', "tolerance", "X",
     "a search has converged when its simplex is smaller than X, a share of each key's range "
     "(default 0.001)"},
    {FIT_BOOTSTRAP, '\0', "bootstrap", "B",
     "refits of the parametric bootstrap that makes the 95% intervals (default 20; 0: none)"},
    {FIT_MAX_MEM, '\0', "max-mem", "SIZE",
     "refuse runs estimated above SIZE (e.g. 8G; default: the memory available now, within the "
     "cgroup's limit; "
     "0: no limit)"},
    {FIT_OUTPUT, 'o', "output", "DIR", "output folder (default out/fit/<DATA or SCENARIO name>)"},
    {FIT_NO_PLOT, '\0', "no-plot", NULL, "do not run gnuplot"},
    {FIT_QUIET, 'q', "quiet", NULL,
     "print nothing but errors (progress goes to stderr unless -q or the environment sets CI)"},
};

static int take_count(const cli_option_use_t *use, size_t min, size_t max, size_t *value) {
    uint64_t parsed = 0;
    if (!cli_parse_count(use->value, min, max, &parsed)) {
        return cli_usage_error("%s expects a whole number from %zu to %zu, not '%s'", use->typed,
                               min, max, use->value);
    }
    *value = (size_t)parsed;
    return EX_OK;
}

static int take_tolerance(const cli_option_use_t *use, double *tolerance) {
    char *end = NULL;
    errno = 0;
    double value = strtod(use->value, &end);
    if (end == use->value || *end != '\0' || errno != 0 || !(value > 0 && value < 1)) {
        return cli_usage_error("%s expects a number above 0 and below 1 (a share of each key's "
                               "range), not '%s'",
                               use->typed, use->value);
    }
    *tolerance = value;
    return EX_OK;
}

/* -r and -s become overrides, checked as --set; errors name the option. */
static int add_shortcut(cli_fit_options_t *options, const char *key, const cli_option_use_t *use,
                        char *storage, size_t size) {
    if (snprintf(storage, size, "%s=%s", key, use->value) >= (int)size) {
        return cli_usage_error("%s: '%s' is too long", use->typed, use->value);
    }
    return cli_add_override(&options->overrides, use->typed, storage);
}

static int take_free(cli_fit_options_t *options, const cli_option_use_t *use) {
    if (options->free_count == WOM_CALIBRATE_MAX_KEYS) {
        return cli_usage_error("%s: at most %d free keys (Nelder-Mead slows badly beyond a "
                               "handful)",
                               use->typed, WOM_CALIBRATE_MAX_KEYS);
    }
    options->free[options->free_count++] = use->value;
    return EX_OK;
}

static int take_metric(cli_fit_options_t *options, const cli_option_use_t *use) {
    for (size_t m = 0; m < options->metric_count; m++) {
        if (strcmp(options->metrics[m], use->value) == 0) {
            return cli_usage_error("%s %s is given twice", use->typed, use->value);
        }
    }
    if (options->metric_count == WOM_CALIBRATE_MAX_COLUMNS) {
        return cli_usage_error("%s: at most %d metrics", use->typed, WOM_CALIBRATE_MAX_COLUMNS);
    }
    options->metrics[options->metric_count++] = use->value;
    return EX_OK;
}

/* The options that only a scenario's fit takes. */
static int take_scenario_option(cli_fit_options_t *options, const cli_option_use_t *use) {
    switch (use->option->id) {
    case FIT_DATA:
        options->data_path = use->value;
        return EX_OK;
    case FIT_FREE:
        return take_free(options, use);
    case FIT_METRIC:
        return take_metric(options, use);
    case FIT_SET:
        return cli_add_override(&options->overrides, use->typed, use->value);
    case FIT_REPLICATIONS:
        return add_shortcut(options, "simulation.replications", use, options->replications,
                            sizeof options->replications);
    case FIT_SEED:
        return add_shortcut(options, "simulation.seed", use, options->seed, sizeof options->seed);
    case FIT_THREADS: {
        size_t threads = 0;
        int code = take_count(use, 1, 4096, &threads);
        options->threads = (int)threads;
        return code;
    }
    case FIT_STARTS:
        return take_count(use, 1, 10000, &options->starts);
    case FIT_MAX_EVALUATIONS:
        return take_count(use, 1, 100000, &options->max_evaluations);
    case FIT_TOLERANCE:
        return take_tolerance(use, &options->tolerance);
    case FIT_BOOTSTRAP:
        return take_count(use, 0, 10000, &options->bootstrap);
    default: /* FIT_MAX_MEM */
        return cli_take_size(use, &options->max_bytes);
    }
}

static int take_fit_option(void *context, const cli_option_use_t *use) {
    cli_fit_options_t *options = context;
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
    case FIT_QUIET:
        options->quiet = true;
        return EX_OK;
    default:
        if (options->scenario_option == NULL) {
            options->scenario_option = use->option->name;
        }
        return take_scenario_option(options, use);
    }
}

/* What each form requires, and takes no more. */
static int check_form(const cli_fit_options_t *options, int argc, char **argv, int operands) {
    if (options->bass_path != NULL) {
        if (operands != argc) {
            return cli_usage_error("fit --bass takes no other argument, not '%s'", argv[operands]);
        }
        if (options->scenario_option != NULL) {
            return cli_usage_error("--%s is for fitting a scenario (fit SCENARIO --data "
                                   "OBSERVED.csv --free KEY=LO:HI), not for --bass",
                                   options->scenario_option);
        }
        return CLI_PARSED;
    }
    if (options->data_path == NULL) {
        return cli_usage_error("fit requires --bass DATA.csv (the adoptions per period to fit the "
                               "Bass model to), or a scenario with --data OBSERVED.csv and --free "
                               "KEY=LO:HI (to fit its keys to an observed series)");
    }
    if (operands == argc) {
        return cli_usage_error("fit --data expects a scenario file: fit SCENARIO --data "
                               "OBSERVED.csv --free KEY=LO:HI");
    }
    if (operands < argc - 1) {
        return cli_usage_error("fit --data expects one scenario file, not also '%s'",
                               argv[operands + 1]);
    }
    if (options->free_count == 0) {
        return cli_usage_error("fit %s --data requires at least one --free KEY=LO:HI (a key to "
                               "fit, and the range to search)",
                               argv[operands]);
    }
    return CLI_PARSED;
}

static int parse_fit_options(int argc, char **argv, cli_fit_options_t *options) {
    *options = (cli_fit_options_t){.threads = cli_default_threads(),
                                   .max_bytes = wom_resources_available_memory(),
                                   .max_evaluations = DEFAULT_MAX_EVALUATIONS,
                                   .tolerance = DEFAULT_TOLERANCE,
                                   .bootstrap = DEFAULT_BOOTSTRAP,
                                   .plot = true};
    int operands = 0;
    int code = cli_parse_options(&cli_fit_command, argc, argv, take_fit_option, options, &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    code = check_form(options, argc, argv, operands);
    if (code == CLI_PARSED && options->bass_path == NULL) {
        options->scenario_path = argv[operands];
    }
    return code;
}

/* -o, or out/fit/<table or scenario name without extension>. */
void cli_fit_folder(const cli_fit_options_t *options, char *dir, size_t size) {
    char name[256];
    cli_scenario_name(options->bass_path != NULL ? options->bass_path : options->scenario_path,
                      name, sizeof name);
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

int cli_fit_render(const char *dir, bool quiet) {
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
    wom_output_fit_manifest_t manifest = {.command = (const char *const *)argv,
                                          .command_words = (size_t)argc,
                                          .data_file = data_file,
                                          .data_sha256 = data->sha256,
                                          .started = started,
                                          .ended = ended,
                                          .exit_status = code,
                                          .files = (const char *const *)files.paths,
                                          .file_count = files.count};
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
    cli_fit_options_t options;
    int code = parse_fit_options(argc, argv, &options);
    if (code != CLI_PARSED) {
        return code;
    }
    if (options.bass_path == NULL) {
        return cli_fit_scenario(&options, argc, argv);
    }
    char name[256], dir[WOM_MAX_PATH], started[32];
    cli_scenario_name(options.bass_path, name, sizeof name);
    cli_fit_folder(&options, dir, sizeof dir);
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
        code = cli_fit_render(dir, options.quiet);
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
    "--bass DATA.csv [options]\nSCENARIO --data OBSERVED.csv --free KEY=LO:HI... [options]",
    "Fit the Bass model to observed adoptions per period by nonlinear least squares, writing "
    "fit.json (p, q, m with standard errors, r2, SSE, peak); or fit a scenario's free keys to "
    "an observed series by simulation (a Latin hypercube start, then Nelder-Mead on the "
    "replication mean under common random numbers, 95% intervals by a parametric bootstrap), "
    "writing fit.json (estimates, intervals, objective). Both write fit.csv (observed and "
    "fitted), plots and manifest.json (docs/explore.md).",
    fit_options,
    CLI_COUNT(fit_options),
    cli_fit};
