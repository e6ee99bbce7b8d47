/* cli_run.c: `womsim run`: one scenario, its replications, its files and
 * plots.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"

typedef struct {
    const char *scenario_path;
    const char *output_dir;
    cli_overrides_t overrides;
    int threads;
    uint64_t max_bytes;
    bool plot;
    bool quiet;
    char replications[64]; /* "-r N" as an override */
    char seed[64];         /* "-s SEED" as an override */
} run_options_t;

static int default_threads(void) {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* Turns -r and -s into overrides, so they get the same checks as --set. */
static bool add_shortcut(run_options_t *options, const char *key, const char *value, char *storage,
                         size_t size) {
    return snprintf(storage, size, "%s=%s", key, value) < (int)size &&
           cli_add_override(&options->overrides, storage);
}

static int parse_run_options(int argc, char **argv, run_options_t *options) {
    static const struct option long_options[] = {{"set", required_argument, NULL, 'S'},
                                                 {"max-mem", required_argument, NULL, 'M'},
                                                 {"no-plot", no_argument, NULL, 'P'},
                                                 {NULL, 0, NULL, 0}};
    *options = (run_options_t){
        .threads = default_threads(), .max_bytes = cli_available_memory(), .plot = true};
    optind = 1;
    opterr = 0;
    int option;
    while ((option = getopt_long(argc, argv, ":o:r:s:t:q", long_options, NULL)) != -1) {
        bool ok = true;
        switch (option) {
        case 'o':
            options->output_dir = optarg;
            break;
        case 'r':
            ok = add_shortcut(options, "simulation.replications", optarg, options->replications,
                              sizeof options->replications);
            break;
        case 's':
            ok = add_shortcut(options, "simulation.seed", optarg, options->seed,
                              sizeof options->seed);
            break;
        case 't': {
            char *end = NULL;
            long threads = strtol(optarg, &end, 10);
            if (*end != '\0' || threads < 1 || threads > 4096) {
                return cli_usage_error("-t expects a thread count from 1 to 4096, not '%s'",
                                       optarg);
            }
            options->threads = (int)threads;
            break;
        }
        case 'S':
            ok = cli_add_override(&options->overrides, optarg);
            break;
        case 'M':
            if (!cli_parse_bytes(optarg, &options->max_bytes)) {
                return cli_usage_error("--max-mem expects a size such as 512M or 8G, not '%s'",
                                       optarg);
            }
            break;
        case 'P':
            options->plot = false;
            break;
        case 'q':
            options->quiet = true;
            break;
        case ':':
            return cli_usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("unknown option '%s'", argv[optind - 1]);
        }
        if (!ok) {
            return cli_usage_error("too many overrides, or '%s' is too long", optarg);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("run expects one scenario file");
    }
    options->scenario_path = argv[optind];
    return EX_OK;
}

/* "configs/baseline.ini" -> "baseline". */
static void scenario_name(const char *path, char *name, size_t size) {
    char copy[WOM_MAX_PATH];
    snprintf(copy, sizeof copy, "%s", path);
    snprintf(name, size, "%s", basename(copy));
    char *dot = strrchr(name, '.');
    if (dot != NULL && dot != name) {
        *dot = '\0';
    }
}

/* Refuses a run whose network, model copies and kept rows together would
 * exceed the limit. run.c keeps one model per thread when replications run
 * in parallel, else one model with a worker per thread. */
static wom_status check_run_memory(const wom_scenario_t *scenario, const wom_graph_t *graph,
                                   const run_options_t *options, wom_error_t *error) {

    uint64_t replications = (uint64_t)scenario->simulation.replications;
    uint64_t threads = (uint64_t)options->threads;
    uint64_t rows =
        replications * (uint64_t)(scenario->simulation.steps + 1) * sizeof(wom_metrics_row_t);
    uint64_t models =
        replications >= threads
            ? threads * wom_model_estimate_bytes(graph->nodes, graph->max_degree, 1)
            : wom_model_estimate_bytes(graph->nodes, graph->max_degree, options->threads);
    uint64_t network = wom_graph_bytes(graph);
    uint64_t needed = network + rows + models;
    if (options->max_bytes != 0 && needed > options->max_bytes) {
        return wom_error_set(error, WOM_ETOOBIG, "", 0,
                             "the run needs about %.1f MiB (network %.1f, agents %.1f, results "
                             "%.1f), more than the limit of %.1f MiB (--max-mem); use fewer "
                             "threads, replications or steps",
                             needed / 1048576.0, network / 1048576.0, models / 1048576.0,
                             rows / 1048576.0, options->max_bytes / 1048576.0);
    }
    return WOM_OK;
}

/* Everything one run holds, released in one place. */
typedef struct {
    wom_config_t *config;
    wom_graph_t *graph;
    wom_run_result_t result;
    wom_metrics_layout_t layout;
    wom_stats_summary_t *series;
    wom_analytic_t analytic; /* reference kinds only */
} run_state_t;

static void release(run_state_t *state) {
    wom_config_free(state->config);
    wom_graph_free(state->graph);
    wom_run_result_destroy(&state->result);
    free(state->series);
}

static wom_status load_scenario(const run_options_t *options, run_state_t *state,
                                wom_scenario_t *scenario, wom_error_t *error) {
    wom_status status =
        cli_load_config(options->scenario_path, &options->overrides, &state->config, error);
    if (status != WOM_OK) {
        return status;
    }
    return cli_single_point(state->config, options->scenario_path, scenario, error);
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) * 1e-9;
}

static int render(const char *dir, const run_options_t *options) {
    wom_error_t error = {0};
    wom_status status = wom_output_render(dir, &error);
    if (status == WOM_ENOENT) {
        fprintf(stderr,
                "womsim: gnuplot is not installed, so no pictures were drawn; install it "
                "(scripts/install-deps.sh) and run: cd %s && gnuplot timeseries.gp\n",
                dir);
        return EX_OK;
    }
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    if (!options->quiet) {
        printf("pictures: %s/timeseries.png and %s/timeseries.svg\n", dir, dir);
    }
    return EX_OK;
}

static wom_status simulate(const run_options_t *options, run_state_t *state, const char *name,
                           const char *dir, wom_error_t *error) {
    wom_scenario_t scenario;
    char hash[65];
    wom_status status = load_scenario(options, state, &scenario, error);
    if (status == WOM_OK) {
        status = wom_config_hash(state->config, hash);
    }
    if (status == WOM_OK) {
        status = wom_graph_build(&scenario, options->max_bytes, &state->graph, error);
    }
    if (status == WOM_OK) {
        status = check_run_memory(&scenario, state->graph, options, error);
    }
    if (status == WOM_OK) { /* before the long part, so a bad -o fails at once */
        status = wom_output_make_dir(dir, error);
    }
    if (status == WOM_OK) {
        status =
            wom_run_point(&scenario, state->graph, 0, options->threads, NULL, NULL, &state->result);
    }
    if (status == WOM_OK) {
        wom_metrics_layout_init(&state->layout, &scenario);
        status = wom_stats_series(&state->result, &state->layout, &state->series);
    }
    bool reference = scenario.model.kind != WOM_KIND_WOM;
    if (status == WOM_OK && reference) {
        status = wom_analytic_compute(&scenario, state->graph, &state->analytic);
    }
    if (status == WOM_OK) {
        wom_output_run_t run = {
            name,           hash,           &scenario,     state->graph,
            &state->result, &state->layout, state->series, reference ? &state->analytic : NULL};
        status = wom_output_write_run(dir, &run, error);
    }
    return status;
}

int cli_run(int argc, char **argv) {
    run_options_t options;
    int code = parse_run_options(argc, argv, &options);
    if (code != EX_OK) {
        return code;
    }
    char name[256], dir[WOM_MAX_PATH];
    scenario_name(options.scenario_path, name, sizeof name);
    snprintf(dir, sizeof dir, "%s", options.output_dir ? options.output_dir : "out/");
    if (options.output_dir == NULL) {
        strncat(dir, name, sizeof dir - strlen(dir) - 1);
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    run_state_t state = {0};
    wom_error_t error = {0};
    wom_status status = simulate(&options, &state, name, dir, &error);
    if (status == WOM_OK && !options.quiet) {
        printf("womsim: %s: %u replications x %u days on %u agents in %.2f s (%d threads)\n"
               "results: %s/timeseries.csv and %s/summary.json\n",
               name, state.result.replications, state.result.steps, state.result.agents,
               seconds_since(&start), options.threads, dir, dir);
    }
    release(&state);
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    return options.plot ? render(dir, &options) : EX_OK;
}
