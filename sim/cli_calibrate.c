/* cli_calibrate.c: `womsim fit SCENARIO --data OBSERVED.csv --free
 * KEY=LO:HI ...`: a scenario's free keys fitted to an observed series
 * (calibrate.h). Everything is read and checked before anything runs or is
 * written (the scenario, the table, the metrics, the keys, the output
 * folder); the batches run in a work folder inside the output folder,
 * removed when the fit ends; the outputs (fit.json, fit.csv, fit.gp, the
 * pictures, manifest.json) are written only once the fit is whole, so a
 * failure or a stop (SIGINT, SIGTERM: exit 75, as run's) leaves no output.
 * Progress goes to stderr a line per stage, unless -q or CI is set.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"

/* ---- progress ------------------------------------------------------------ */

typedef struct {
    struct timespec start;
    size_t tenths; /* tenths of the bootstrap reported */
} progress_t;

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) * 1e-9;
}

/* A line when a stage ends, and each tenth of the bootstrap's refits. */
static void show_progress(void *user, const wom_calibrate_progress_t *p) {
    progress_t *progress = user;
    double seconds = seconds_since(&progress->start);
    switch (p->stage) {
    case WOM_CALIBRATE_STARTS:
        fprintf(stderr, "womsim: fit: %zu starts: best objective %.4g (%.1f s)\n", p->evaluations,
                p->objective, seconds);
        return;
    case WOM_CALIBRATE_SEARCH:
        fprintf(stderr, "womsim: fit: Nelder-Mead: objective %.4g after %zu evaluations (%.1f s)\n",
                p->objective, p->evaluations, seconds);
        return;
    case WOM_CALIBRATE_BOOTSTRAP:
        if (p->done * 10 / p->total > progress->tenths) {
            progress->tenths = p->done * 10 / p->total;
            fprintf(stderr, "womsim: fit: bootstrap: %zu of %zu refits (%.1f s)\n", p->done,
                    p->total, seconds);
        }
        return;
    }
}

/* ---- reading and checking ------------------------------------------------ */

/* Every --metric must be a column of the table. */
static int check_metrics(const cli_fit_options_t *options, const wom_calibrate_data_t *data) {
    for (size_t m = 0; m < options->metric_count; m++) {
        const char *name = options->metrics[m];
        if (wom_calibrate_data_column(data, name) >= 0) {
            continue;
        }
        const char *closest = NULL;
        int score = WOM_TEXT_NOT_CLOSE;
        for (size_t c = 0; c < data->columns; c++) {
            int closeness = wom_text_closeness(name, data->name[c], strlen(data->name[c]));
            if (closeness < score) {
                closest = data->name[c];
                score = closeness;
            }
        }
        if (closest != NULL) {
            return cli_usage_error("--metric %s: %s has no column '%s'; did you mean '%s'?", name,
                                   options->data_path, name, closest);
        }
        return cli_usage_error("--metric %s: %s has no column '%s'", name, options->data_path,
                               name);
    }
    return EX_OK;
}

/* The problem: the scenario, the table and the keys, each checked. */
static int prepare(const cli_fit_options_t *options, wom_config_t **config,
                   wom_calibrate_data_t *data, wom_calibrate_t *cal) {
    wom_error_t error = {0};
    wom_status status =
        cli_load_config(options->scenario_path, &options->overrides, config, &error);
    status = status == WOM_OK ? wom_calibrate_read_csv(options->data_path, data, &error) : status;
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    int code = check_metrics(options, data);
    if (code != EX_OK) {
        return code;
    }
    wom_calibrate_spec_t spec = {options->data_path,
                                 data,
                                 options->metric_count > 0 ? options->metrics : NULL,
                                 options->metric_count,
                                 options->free,
                                 options->free_count,
                                 "--free"};
    status = wom_calibrate_init(cal, *config, &spec, &error);
    return status == WOM_OK ? EX_OK : cli_fail(status, &error);
}

/* The output folder, made now so that a bad one fails before the fit;
 * *made says it was not there before. */
static int make_output(const char *dir, bool *made) {
    struct stat info;
    wom_error_t error = {0};
    *made = stat(dir, &info) != 0;
    wom_status status = wom_file_make_dir(dir, &error);
    return status == WOM_OK ? EX_OK : cli_fail(status, &error);
}

/* ---- running --------------------------------------------------------------- */

/* Runs the fit in a work folder inside `dir`, removed after. */
static int run_fit(const cli_fit_options_t *options, const char *name, const char *dir,
                   wom_calibrate_t *cal, wom_calibrate_options_t *fit,
                   wom_calibrate_result_t *result) {
    char work[WOM_MAX_PATH];
    wom_error_t error = {0};
    if (snprintf(work, sizeof work, "%s/fit-tasks.XXXXXX", dir) >= (int)sizeof work) {
        return cli_fail(WOM_ECANTCREAT, &(wom_error_t){.message = "the output path is too long"});
    }
    if (mkdtemp(work) == NULL) {
        wom_error_set(&error, WOM_ECANTCREAT, dir, 0, "cannot create a work folder: %s",
                      strerror(errno));
        return cli_fail(WOM_ECANTCREAT, &error);
    }
    const char *ci = getenv("CI");
    progress_t progress = {0};
    clock_gettime(CLOCK_MONOTONIC, &progress.start);
    bool show = !options->quiet && (ci == NULL || ci[0] == '\0');
    size_t starts =
        options->starts > 0 ? options->starts : (cal->keys * 5 > 10 ? cal->keys * 5 : 10);
    *fit = (wom_calibrate_options_t){work,
                                     name,
                                     options->threads,
                                     options->max_bytes,
                                     WOM_BATCH_PARALLEL_AUTO,
                                     starts,
                                     options->max_evaluations,
                                     options->tolerance,
                                     0.1,
                                     options->bootstrap,
                                     cli_stop_flag(),
                                     show ? show_progress : NULL,
                                     &progress};
    wom_status status = wom_calibrate_run(cal, fit, result, &error);
    rmdir(work); /* empty unless a file could not be removed: then it stays, to be seen */
    return status == WOM_OK ? EX_OK : cli_fail(status, &error);
}

/* ---- what it says and writes ----------------------------------------------- */

static void print_fit(const char *name, const char *dir, const cli_fit_options_t *options,
                      const wom_calibrate_t *cal, const wom_calibrate_result_t *r) {
    int width = 0;
    for (size_t i = 0; i < cal->keys; i++) {
        int length = (int)strlen(cal->key[i].name);
        width = length > width ? length : width;
    }
    printf("womsim: %s: %zu key%s fitted to ", name, cal->keys, cal->keys == 1 ? "" : "s");
    for (size_t m = 0; m < cal->metrics; m++) {
        printf("%s%s", m == 0 ? "" : m + 1 == cal->metrics ? " and " : ", ", cal->name[m]);
    }
    printf(" on %zu day%s of %s\n", cal->rows, cal->rows == 1 ? "" : "s", options->data_path);
    for (size_t i = 0; i < cal->keys; i++) {
        printf("  %-*s  %-10.4g", width, cal->key[i].name, r->estimate[i]);
        if (r->bootstrap > 0) {
            printf("  95%% interval %.4g to %.4g\n", r->lo[i], r->hi[i]);
        } else {
            printf("  no interval (--bootstrap 0)\n");
        }
    }
    printf("  objective %.4g (root mean square scaled error %.3g)\n"
           "  search: %zu starts, then %zu evaluations of Nelder-Mead (%s); %u replications each\n",
           r->objective, sqrt(r->objective / (double)(cal->rows * cal->metrics)), r->starts,
           r->search_evaluations, r->converged ? "converged" : "not converged", cal->replications);
    if (r->bootstrap > 0) {
        printf("  bootstrap: %zu refits, %zu evaluations\n", r->bootstrap,
               r->bootstrap_evaluations);
    }
    printf("results: %s/fit.json and %s/fit.csv\n", dir, dir);
}

static void print_notes(const wom_calibrate_result_t *r, const cli_fit_options_t *options) {
    if (!r->converged) {
        fprintf(stderr,
                "womsim: note: the search stopped after %zu evaluations before its simplex was "
                "smaller than the tolerance (fit.json says \"converged\": false): with few "
                "replications the objective moves in steps and the simplex can wander along a "
                "flat one; raise -r, --max-evaluations or --tolerance\n",
                r->search_evaluations);
    }
    if (r->bootstrap_unconverged > 0) {
        fprintf(stderr,
                "womsim: note: %zu of %zu bootstrap refits stopped at --max-evaluations %zu "
                "before they converged\n",
                r->bootstrap_unconverged, r->bootstrap, options->max_evaluations);
    }
}

/* Writes DIR/manifest.json recording exit status `code`; returns `code`,
 * or the failure to write the manifest when `code` is EX_OK. */
static int write_manifest(const char *dir, int argc, char **argv, const cli_fit_options_t *options,
                          const wom_calibrate_t *cal, const wom_calibrate_data_t *data,
                          const char *name, const char *started, int code) {
    char data_file[WOM_MAX_PATH], scenario_file[WOM_MAX_PATH], ended[32];
    cli_absolute_path(options->data_path, data_file, sizeof data_file);
    cli_absolute_path(options->scenario_path, scenario_file, sizeof scenario_file);
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
                                          files.count,
                                          scenario_file,
                                          name,
                                          options->overrides.items,
                                          (size_t)options->overrides.count,
                                          cal->hash,
                                          cal->seed,
                                          options->threads};
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

/* The files, what the fit found, the pictures and the manifest. */
static int write_fit(const char *dir, int argc, char **argv, const cli_fit_options_t *options,
                     const wom_output_calibration_t *fit, const char *started) {
    wom_error_t error = {0};
    wom_status status = wom_output_write_calibration(dir, fit, &error);
    int code = status == WOM_OK ? EX_OK : cli_fail(status, &error);
    if (code == EX_OK && !options->quiet) {
        print_fit(fit->scenario_name, dir, options, fit->cal, fit->result);
    }
    if (code == EX_OK && options->plot) {
        code = cli_fit_render(dir, options->quiet);
    }
    if (code == EX_OK) {
        print_notes(fit->result, options);
    }
    return write_manifest(dir, argc, argv, options, fit->cal, fit->data, fit->scenario_name,
                          started, code);
}

int cli_fit_scenario(const cli_fit_options_t *options, int argc, char **argv) {
#ifdef _OPENMP
    omp_set_num_threads(options->threads); /* graph generation's parallel regions too */
#endif
    char name[256], dir[WOM_MAX_PATH], started[32];
    cli_scenario_name(options->scenario_path, name, sizeof name);
    cli_fit_folder(options, dir, sizeof dir);
    cli_utc_now(started);
    wom_config_t *config = NULL;
    wom_calibrate_data_t data = {0};
    wom_calibrate_t cal = {0};
    wom_calibrate_options_t fit = {0};
    wom_calibrate_result_t result = {0};
    bool made = false;
    int code = prepare(options, &config, &data, &cal);
    code = code == EX_OK ? make_output(dir, &made) : code;
    if (code == EX_OK) {
        cli_catch_stop_signals(options->quiet);
        code = run_fit(options, name, dir, &cal, &fit, &result);
    }
    if (code == EX_OK && result.stopped) {
        fprintf(stderr,
                "womsim: stopped by %s: the fit was not finished and nothing was written (a fit "
                "does not resume: run it again)\n",
                cli_stop_name());
        code = EX_TEMPFAIL;
    }
    if (code == EX_OK) {
        wom_output_calibration_t output = {name, options->data_path, &data, &cal, &fit, &result};
        code = write_fit(dir, argc, argv, options, &output, started);
    } else if (made) {
        rmdir(dir); /* made for this fit and left empty: as if never made */
    }
    wom_calibrate_result_destroy(&result);
    wom_calibrate_destroy(&cal);
    wom_calibrate_data_destroy(&data);
    wom_config_free(config);
    return code;
}
