/* cli_run.c: `womsim run`: a scenario's batch (every sweep point times its
 * replications, or one shard of it), its files, plots and manifest, its
 * progress on stderr, clean stops on SIGINT/SIGTERM and --resume; and
 * what `womsim merge` shares with it: drawing a batch's plots and writing
 * its manifest.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "cli.h"

#define DEFAULT_MAX_TASKS 100000

/* "I/N" with 0 <= I < N. */
static bool parse_shard(const char *text, uint32_t *shard, uint32_t *shards) {
    char index[32];
    const char *slash = strchr(text, '/');
    uint64_t i = 0, n = 0;
    if (slash == NULL || (size_t)(slash - text) >= sizeof index) {
        return false;
    }
    snprintf(index, sizeof index, "%.*s", (int)(slash - text), text);
    if (!cli_parse_count(index, 0, UINT32_MAX, &i) ||
        !cli_parse_count(slash + 1, 1, UINT32_MAX, &n) || i >= n) {
        return false;
    }
    *shard = (uint32_t)i;
    *shards = (uint32_t)n;
    return true;
}

/* Under a SLURM job array (sbatch --array=0-(N-1)) each array task is a
 * shard: SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN, so that 1-based
 * arrays work too) of SLURM_ARRAY_TASK_COUNT. */
static int slurm_shard(cli_run_options_t *options) {
    const char *id = getenv("SLURM_ARRAY_TASK_ID");
    const char *count = getenv("SLURM_ARRAY_TASK_COUNT");
    const char *min = getenv("SLURM_ARRAY_TASK_MIN");
    uint64_t i = 0, n = 0, first = 0;
    if (options->shard_given || id == NULL || count == NULL) {
        return EX_OK;
    }
    if (!cli_parse_count(id, 0, UINT32_MAX, &i) || !cli_parse_count(count, 1, UINT32_MAX, &n) ||
        (min != NULL && !cli_parse_count(min, 0, i, &first)) || i - first >= n) {
        return cli_usage_error("SLURM_ARRAY_TASK_ID=%s (SLURM_ARRAY_TASK_MIN=%s) is not a "
                               "shard of SLURM_ARRAY_TASK_COUNT=%s: use a contiguous array "
                               "(sbatch --array=0-N-1 for N shards) or give --shard I/N",
                               id, min ? min : "unset", count);
    }
    options->shard = (uint32_t)(i - first);
    options->shards = (uint32_t)n;
    return EX_OK;
}

enum {
    RUN_OUTPUT,
    RUN_REPLICATIONS,
    RUN_SEED,
    RUN_THREADS,
    RUN_OVERRIDE,
    RUN_MAX_TASKS,
    RUN_SHARD,
    RUN_MAX_MEM,
    RUN_RESUME,
    RUN_PARALLEL,
    RUN_NO_PLOT,
    RUN_RECORD,
    RUN_QUIET,
    RUN_DESIGN,
    RUN_METRIC,
    RUN_METHOD,
    RUN_POINTS,
    RUN_DUMP,
    RUN_ESTIMATE,
    RUN_TRACE,
    RUN_TRACE_LIMIT,
    RUN_AGENTS,
    RUN_SNAPSHOTS
};

/* The options `womsim run` and `womsim sensitivity` share. */
#define SHARED_OPTIONS                                                                             \
    {RUN_OUTPUT, 'o', "output", "DIR", "output folder (default out/<scenario name>)"},             \
        {RUN_REPLICATIONS, 'r', "replications", "N", "replications (simulation.replications)"},    \
        {RUN_SEED, 's', "seed", "SEED", "random seed (simulation.seed)"},                          \
        {RUN_THREADS, 't', "threads", "N", "threads (default: OMP_NUM_THREADS or all cores)"},     \
        {RUN_OVERRIDE, '\0', "set", "KEY=VALUE", "override a scenario key (repeatable)"},          \
        {RUN_OVERRIDE, '\0', "sweep", "KEY=LIST",                                                  \
         "sweep a key: 0.7:0.95:0.05, 'a, b, c', or LO:HI under a design (as --set)"},             \
        {RUN_MAX_TASKS, '\0', "max-tasks", "N",                                                    \
         "refuse batches of more than N tasks (points x replications; default 100000)"},           \
        {RUN_SHARD, '\0', "shard", "I/N",                                                          \
         "run only the tasks with run_id % N == I and keep their files for merge (default under "  \
         "a "                                                                                      \
         "SLURM job array: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT)"},                          \
        {RUN_MAX_MEM, '\0', "max-mem", "SIZE",                                                     \
         "refuse runs estimated above SIZE (e.g. 8G; default: the memory available now, within "   \
         "the cgroup's limit; "                                                                    \
         "0: no limit)"},                                                                          \
        {RUN_RESUME, '\0', "resume", NULL,                                                         \
         "continue a killed or stopped batch in its folder: keep its finished tasks, run the "     \
         "rest "                                                                                   \
         "(same arguments)"},                                                                      \
        {RUN_PARALLEL, '\0', "parallel", "MODE",                                                   \
         "auto (default), tasks (whole tasks per thread) or agents (each task's agents split "     \
         "over "                                                                                   \
         "the threads)"},                                                                          \
        {RUN_NO_PLOT, '\0', "no-plot", NULL, "do not run gnuplot"},                                \
        {RUN_RECORD, '\0', "record", "WHICH", CLI_RECORD_HELP},                                    \
        {RUN_QUIET, 'q', "quiet", NULL,                                                            \
         "print nothing but errors (progress goes to stderr unless -q or the environment sets "    \
         "CI)"},                                                                                   \
    {                                                                                              \
        RUN_METRIC, '\0', "metric", "NAME",                                                        \
            "a metric the design's sensitivity analysis reads: a column of timeseries.csv (final " \
            "day) or NAME_total (repeatable; design.metrics, default customers and reputation)"    \
    }

#define DESIGN_OPTION                                                                              \
    {                                                                                              \
        RUN_DESIGN, '\0', "design", "METHOD[:N]",                                                  \
            "sample the keys given as ranges LO:HI: lhs:N, sobol:N, morris:N (N trajectories), "   \
            "saltelli:N (N base samples), or grid (design.method, design.points)"                  \
    }

/* Watching one run (watch.h): run and check only. */
#define WATCH_OPTIONS                                                                              \
    {RUN_TRACE, '\0', "trace", NULL,                                                               \
     "write trace.csv: who told whom, a row per message of replication 1 (wom kind, one point)"},  \
        {RUN_TRACE_LIMIT, '\0', "trace-limit", "N",                                                \
         "refuse a trace of more than N messages (default 1000000)"},                              \
        {RUN_AGENTS, '\0', "agents", "DAYS",                                                       \
         "write agents.csv: every agent of replication 1 on the days listed, e.g. 0,7,30"},        \
    {                                                                                              \
        RUN_SNAPSHOTS, '\0', "snapshots", "DAYS",                                                  \
            "draw replication 1's network on the days listed (network-DAY.png, .svg, "             \
            "network.gif; up to 2000 agents)"                                                      \
    }

static const cli_option_t run_options[] = {SHARED_OPTIONS, DESIGN_OPTION, WATCH_OPTIONS};

/* check takes run's options, so that `womsim check` can be put before any
 * run's arguments; those that do not change the plan are accepted and
 * ignored. */
static const cli_option_t check_options[] = {
    {RUN_DUMP, '\0', "dump", NULL, "print the canonical scenario instead of the summary line"},
    {RUN_ESTIMATE, '\0', "estimate", NULL,
     "also estimate the run time: build point 0's network and time its first task's days for "
     "up to a second on one thread, then scale to the batch's networks, days and threads"},
    SHARED_OPTIONS,
    DESIGN_OPTION,
    WATCH_OPTIONS,
};

static const cli_option_t sensitivity_options[] = {
    {RUN_OVERRIDE, '\0', "vary", "KEY=LO:HI",
     "a key the analysis varies over [LO, HI] (repeatable; as --sweep)"},
    {RUN_METHOD, '\0', "method", "METHOD",
     "morris (elementary effects, the default) or sobol (Sobol indices from a Saltelli design)"},
    {RUN_POINTS, 'n', "points", "N",
     "morris: trajectories; sobol: base samples (design.points, default 10)"},
    SHARED_OPTIONS,
};

/* -r and -s become overrides, so they get the same checks as --set; their
 * errors name the option typed. */
static int add_shortcut(cli_run_options_t *options, const char *key, const cli_option_use_t *use,
                        char *storage, size_t size) {
    if (snprintf(storage, size, "%s=%s", key, use->value) >= (int)size) {
        return cli_usage_error("%s: '%s' is too long", use->typed, use->value);
    }
    return cli_add_override(&options->overrides, use->typed, storage);
}

static int take_threads(cli_run_options_t *options, const cli_option_use_t *use) {
    uint64_t threads = 0;
    if (!cli_parse_count(use->value, 1, 4096, &threads)) {
        return cli_usage_error("%s expects a thread count from 1 to 4096, not '%s'", use->typed,
                               use->value);
    }
    options->threads = (int)threads;
    return EX_OK;
}

static int take_max_tasks(cli_run_options_t *options, const cli_option_use_t *use) {
    if (!cli_parse_count(use->value, 1, UINT32_MAX, &options->max_tasks)) {
        return cli_usage_error("%s expects a task count from 1 to %u, not '%s'", use->typed,
                               UINT32_MAX, use->value);
    }
    return EX_OK;
}

static int take_parallel(cli_run_options_t *options, const cli_option_use_t *use) {
    static const char *const modes[] = {[WOM_BATCH_PARALLEL_AUTO] = "auto",
                                        [WOM_BATCH_PARALLEL_TASKS] = "tasks",
                                        [WOM_BATCH_PARALLEL_AGENTS] = "agents"};
    for (size_t mode = 0; mode < CLI_COUNT(modes); mode++) {
        if (strcmp(use->value, modes[mode]) == 0) {
            options->parallel = (wom_batch_parallel_t)mode;
            return EX_OK;
        }
    }
    return cli_usage_error("%s expects tasks, agents or auto, not '%s'", use->typed, use->value);
}

static int take_shard(cli_run_options_t *options, const cli_option_use_t *use) {
    if (!parse_shard(use->value, &options->shard, &options->shards)) {
        return cli_usage_error("%s expects I/N with 0 <= I < N, such as 2/8, not '%s'", use->typed,
                               use->value);
    }
    options->shard_given = true;
    return EX_OK;
}

/* --design METHOD[:N]: design.method and design.points as overrides. */
static int take_design(cli_run_options_t *options, const cli_option_use_t *use) {
    const char *colon = strchr(use->value, ':');
    int length = colon != NULL ? (int)(colon - use->value) : (int)strlen(use->value);
    snprintf(options->method, sizeof options->method, "design.method=%.*s", length, use->value);
    int code = cli_add_override(&options->overrides, use->typed, options->method);
    if (code == EX_OK && colon != NULL) {
        snprintf(options->points, sizeof options->points, "design.points=%.40s", colon + 1);
        code = cli_add_override(&options->overrides, use->typed, options->points);
    }
    return code;
}

/* --method morris|sobol: the sensitivity analysis's design. */
static int take_method(cli_run_options_t *options, const cli_option_use_t *use) {
    const char *design = strcmp(use->value, "morris") == 0  ? "morris"
                         : strcmp(use->value, "sobol") == 0 ? "saltelli"
                                                            : NULL;
    if (design == NULL) {
        return cli_usage_error("%s expects morris or sobol, not '%s'", use->typed, use->value);
    }
    snprintf(options->method, sizeof options->method, "design.method=%s", design);
    return cli_add_override(&options->overrides, use->typed, options->method);
}

/* --metric NAME, repeatable: gathered into one design.metrics override,
 * added when the options are all read. */
static int take_metric(cli_run_options_t *options, const cli_option_use_t *use) {
    size_t used = strlen(options->metrics);
    if (strpbrk(use->value, " \t") != NULL ||
        snprintf(options->metrics + used, sizeof options->metrics - used, "%s%s",
                 used == 0 ? "design.metrics=" : " ",
                 use->value) >= (int)(sizeof options->metrics - used)) {
        return cli_usage_error("%s: '%s' is not one metric name, or the names are too long",
                               use->typed, use->value);
    }
    return EX_OK;
}

static int take_trace_limit(cli_run_options_t *options, const cli_option_use_t *use) {
    if (!cli_parse_count(use->value, 1, UINT64_C(1) << 40, &options->watch.trace_limit)) {
        return cli_usage_error("%s expects a message count from 1 to %llu, not '%s'", use->typed,
                               (unsigned long long)(UINT64_C(1) << 40), use->value);
    }
    return EX_OK;
}

static int compare_days(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* --agents or --snapshots DAYS: a comma-separated list of days, kept
 * ascending; a day listed twice is one table or picture. */
static int take_days(const cli_option_use_t *use, uint32_t *days, size_t *count) {
    const char *at = use->value;
    char day[32];
    *count = 0;
    for (;;) {
        size_t length = strcspn(at, ",");
        uint64_t value = 0;
        if (*count == WOM_WATCH_MAX_DAYS || length == 0 || length >= sizeof day) {
            return cli_usage_error("%s expects up to %d days separated by commas, such as "
                                   "0,7,30,90,365, not '%s'",
                                   use->typed, WOM_WATCH_MAX_DAYS, use->value);
        }
        snprintf(day, sizeof day, "%.*s", (int)length, at);
        if (!cli_parse_count(day, 0, UINT32_MAX, &value)) {
            return cli_usage_error("%s: '%s' is not a day (a whole number from 0) in '%s'",
                                   use->typed, day, use->value);
        }
        days[(*count)++] = (uint32_t)value;
        if (at[length] == '\0') {
            break;
        }
        at += length + 1;
    }
    qsort(days, *count, sizeof days[0], compare_days);
    size_t kept = 1;
    for (size_t d = 1; d < *count; d++) {
        if (days[d] != days[kept - 1]) {
            days[kept++] = days[d];
        }
    }
    *count = kept;
    return EX_OK;
}

static int take_run_option(void *context, const cli_option_use_t *use) {
    cli_run_options_t *options = context;
    switch (use->option->id) {
    case RUN_TRACE:
        options->watch.trace = true;
        return EX_OK;
    case RUN_TRACE_LIMIT:
        return take_trace_limit(options, use);
    case RUN_AGENTS:
        return take_days(use, options->watch.days, &options->watch.day_count);
    case RUN_SNAPSHOTS:
        return take_days(use, options->watch.snapshot_days, &options->watch.snapshot_count);
    case RUN_DESIGN:
        return take_design(options, use);
    case RUN_METHOD:
        return take_method(options, use);
    case RUN_POINTS:
        return add_shortcut(options, "design.points", use, options->points, sizeof options->points);
    case RUN_METRIC:
        return take_metric(options, use);
    case RUN_OUTPUT:
        options->output_dir = use->value;
        return EX_OK;
    case RUN_REPLICATIONS:
        return add_shortcut(options, "simulation.replications", use, options->replications,
                            sizeof options->replications);
    case RUN_SEED:
        return add_shortcut(options, "simulation.seed", use, options->seed, sizeof options->seed);
    case RUN_THREADS:
        return take_threads(options, use);
    case RUN_OVERRIDE: /* --sweep KEY=LIST is --set KEY=LIST: one mechanism, the same checks */
        return cli_add_override(&options->overrides, use->typed, use->value);
    case RUN_MAX_TASKS:
        return take_max_tasks(options, use);
    case RUN_SHARD:
        return take_shard(options, use);
    case RUN_MAX_MEM:
        return cli_take_size(use, &options->max_bytes);
    case RUN_PARALLEL:
        return take_parallel(options, use);
    case RUN_RESUME:
        options->resume = true;
        return EX_OK;
    case RUN_NO_PLOT:
        options->plot = false;
        return EX_OK;
    case RUN_RECORD:
        return cli_take_record(use, &options->record, &options->record_every);
    case RUN_DUMP:
        options->dump = true;
        return EX_OK;
    case RUN_ESTIMATE:
        options->estimate = true;
        return EX_OK;
    default: /* RUN_QUIET */
        options->quiet = true;
        return EX_OK;
    }
}

int cli_parse_run_options(int argc, char **argv, cli_run_options_t *options) {
    *options = (cli_run_options_t){.threads = cli_default_threads(),
                                   .max_bytes = wom_resources_available_memory(),
                                   .max_tasks = DEFAULT_MAX_TASKS,
                                   .shards = 1,
                                   .plot = true,
                                   .watch.trace_limit = WOM_WATCH_TRACE_LIMIT};
    bool sensitivity = argc > 1 && strcmp(argv[1], cli_sensitivity_command.name) == 0;
    bool check = argc > 1 && strcmp(argv[1], cli_check_command.name) == 0;
    const cli_command_t *command = sensitivity ? &cli_sensitivity_command
                                   : check     ? &cli_check_command
                                               : &cli_run_command;
    int operands = 0;
    /* sensitivity's defaults, before the options that may change them: a
     * Morris design, and common random numbers, so that an effect is the
     * key's and not the draws' */
    int code = sensitivity
                   ? cli_add_override(&options->overrides, "sensitivity", "design.method=morris")
                   : EX_OK;
    if (code == EX_OK && sensitivity) {
        code = cli_add_override(&options->overrides, "sensitivity",
                                "simulation.common_random_numbers=true");
    }
    if (code == EX_OK) {
        code = cli_parse_options(command, argc, argv, take_run_option, options, &operands);
    }
    if (code == CLI_PARSED && options->metrics[0] != '\0') {
        code = cli_add_override(&options->overrides, "--metric", options->metrics);
        code = code == EX_OK ? CLI_PARSED : code;
    }
    if (code != CLI_PARSED) {
        return code;
    }
    if (operands != argc - 1) {
        return cli_usage_error("%s expects one scenario file", command->name);
    }
    options->scenario_path =
        cli_find_scenario(argv[operands], options->scenario_found, sizeof options->scenario_found);
    code = slurm_shard(options);
    return code == EX_OK ? CLI_PARSED : code;
}

/* The scenario name of a path, e.g. "configs/baseline.ini" -> "baseline". */
void cli_scenario_name(const char *path, char *name, size_t size) {
    char copy[WOM_MAX_PATH];
    snprintf(copy, sizeof copy, "%s", path);
    snprintf(name, size, "%s", basename(copy));
    char *dot = strrchr(name, '.');
    if (dot != NULL && dot != name) {
        *dot = '\0';
    }
}

void cli_run_folder(const cli_run_options_t *options, char *dir, size_t size) {
    char name[256];
    cli_scenario_name(options->scenario_path, name, sizeof name);
    if (options->output_dir != NULL) {
        snprintf(dir, size, "%s", options->output_dir);
    } else {
        snprintf(dir, size, "out/%s", name);
    }
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) * 1e-9;
}

void cli_utc_now(char text[32]) {
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc) == NULL || strftime(text, 32, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) {
        snprintf(text, 32, "unknown");
    }
}

/* ---- plots and manifests, shared with `womsim merge` ------------------- */

static int no_gnuplot(const wom_batch_t *batch) {
    const char *dir = batch->options.dir;
    if (batch->plan.points == 1) {
        fprintf(stderr,
                "womsim: gnuplot is not installed, so no pictures were drawn; install it "
                "(scripts/install-deps.sh) and run: cd %s && gnuplot timeseries.gp (and "
                "gnuplot network.gp, if the run drew --snapshots)\n",
                dir);
    } else {
        fprintf(stderr,
                "womsim: gnuplot is not installed, so no pictures were drawn; install it "
                "(scripts/install-deps.sh) and run gnuplot sweep.gp in %s and gnuplot "
                "timeseries.gp in each of %s/points/*/\n",
                dir, dir);
    }
    return EX_OK;
}

int cli_render_batch(const wom_batch_t *batch, bool quiet, bool *rendered) {
    const char *dir = batch->options.dir;
    wom_error_t error = {0};
    wom_status status = WOM_OK;
    /* a sampled design's points are samples, read together in sweep.png:
     * their days are left as scripts (gnuplot timeseries.gp draws one) */
    bool sampled = batch->first.design.method != WOM_DESIGN_GRID;
    const volatile sig_atomic_t *stop = cli_stop_flag(); /* checked before every picture */
    *rendered = false;
    for (uint32_t p = 0; status == WOM_OK && !*stop && !sampled && p < batch->plan.points; p++) {
        char point_dir[WOM_MAX_PATH];
        wom_batch_point_dir(batch, p, point_dir, sizeof point_dir);
        status = wom_output_render(point_dir, &error);
    }
    if (status == WOM_OK && !*stop && batch->plan.points > 1) {
        status = wom_output_render_script(dir, "sweep.gp", &error);
    }
    if (status == WOM_OK && !*stop && wom_output_has_sensitivity(batch)) {
        status = wom_output_render_script(dir, "sensitivity.gp", &error);
    }
    if (status == WOM_OK && *stop) {
        return EX_OK; /* not rendered: the caller reports the stop (exit 75) */
    }
    if (status == WOM_ENOENT) {
        return no_gnuplot(batch);
    }
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    *rendered = true;
    if (!quiet && batch->plan.points == 1) {
        printf("pictures: %s/timeseries.png and %s/timeseries.svg\n", dir, dir);
    } else if (!quiet && sampled) {
        printf("pictures: %s/sweep.png and %s/sweep.svg%s%s%s (each point's days: gnuplot "
               "timeseries.gp in its folder)\n",
               dir, dir, wom_output_has_sensitivity(batch) ? ", " : "",
               wom_output_has_sensitivity(batch) ? dir : "",
               wom_output_has_sensitivity(batch) ? "/sensitivity.png" : "");
    } else if (!quiet) {
        printf("pictures: %s/sweep.png and %s/sweep.svg; timeseries.png and .svg in each of "
               "%s/points/*/\n",
               dir, dir, dir);
    }
    return EX_OK;
}

/* The watched run's network pictures (--snapshots), after the plots:
 * *rendered stays true only when they are drawn too. */
static int render_network(const wom_batch_t *batch, const wom_watch_t *watch, bool quiet,
                          bool *rendered) {
    wom_error_t error = {0};
    wom_status status = wom_output_render_network(batch->options.dir, watch, &error);
    *rendered = status == WOM_OK;
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    if (!quiet) {
        const char *dir = batch->options.dir;
        printf("network pictures: %s/network-DAY.png and .svg for day%s", dir,
               watch->options.snapshot_count > 1 ? "s" : "");
        for (size_t d = 0; d < watch->options.snapshot_count; d++) {
            printf("%s%u", d ? ", " : " ", watch->options.snapshot_days[d]);
        }
        printf("; %s/network.gif\n", dir);
    }
    return EX_OK;
}

/* The files a manifest lists: the batch's, then a merge's shard manifests. */
static wom_status manifest_files(const wom_batch_t *batch, const cli_manifest_t *m,
                                 wom_output_files_t *files) {
    wom_status status = wom_output_list_files(batch, m->aggregated, m->pictures, files);
    for (uint32_t i = 0; status == WOM_OK && i < m->merged_shards; i++) {
        char name[64];
        snprintf(name, sizeof name, "shards/%u-of-%u.json", i, m->merged_shards);
        status = wom_output_files_add(files, batch->options.dir, name);
    }
    return status;
}

/* The task files among a manifest's files: those of this shard that
 * exist (resume keeps some from before), or every task once aggregated. */
static uint32_t listed_tasks(const wom_output_files_t *files) {
    uint32_t tasks = 0;
    for (size_t i = 0; i < files->count; i++) {
        tasks += strncmp(files->paths[i], "tasks/", 6) == 0;
    }
    return tasks;
}

int cli_write_manifest(const wom_batch_t *batch, const cli_manifest_t *m, int code) {
    wom_output_files_t files = {0};
    wom_error_t error = {0};
    char ended[32], shard[64], name[64] = "manifest.json", shards_dir[WOM_MAX_PATH];
    const char *dir = batch->options.dir;
    wom_status status = manifest_files(batch, m, &files);
    cli_utc_now(ended);
    snprintf(shard, sizeof shard, "%u/%u", batch->plan.shard, batch->plan.shards);
    if (m->merged_shards > 0) {
        snprintf(shard, sizeof shard, "merge of %u shards", m->merged_shards);
    } else if (!m->aggregated && batch->plan.shards > 1) { /* beside its siblings' */
        snprintf(name, sizeof name, "shards/%u-of-%u.json", batch->plan.shard, batch->plan.shards);
        snprintf(shards_dir, sizeof shards_dir, "%s/shards", dir);
        status = status == WOM_OK ? wom_file_make_dir(shards_dir, &error) : status;
    }
    wom_output_manifest_t manifest = {(const char *const *)m->argv,
                                      (size_t)m->argc,
                                      batch->options.name,
                                      m->scenario_file,
                                      m->overrides->items,
                                      (size_t)m->overrides->count,
                                      batch->hash,
                                      batch->first.simulation.seed,
                                      m->threads,
                                      shard,
                                      batch->plan.points,
                                      batch->plan.replications,
                                      listed_tasks(&files),
                                      m->started,
                                      ended,
                                      code,
                                      (const char *const *)files.paths,
                                      files.count,
                                      batch->network_file.path,
                                      batch->network_file.sha256};
    if (status == WOM_OK) {
        status = wom_output_write_manifest(dir, name, &manifest, &error);
    }
    wom_output_files_destroy(&files);
    if (status != WOM_OK) {
        int failed = cli_fail(status, &error);
        return code != EX_OK ? code : failed;
    }
    return code;
}

/* ---- progress ------------------------------------------------------------ */

/* Progress on stderr: on a terminal a bar redrawn in place (at most ten
 * times a second), otherwise a line each time another tenth of the tasks
 * is done. The batch calls show_progress from one thread at a time. */
typedef struct {
    bool terminal;
    bool started;          /* the first report came */
    struct timespec start; /* of the first report */
    uint32_t first;        /* tasks done then: those --resume kept */
    uint32_t tenth;        /* tenths of the tasks reported by lines */
    double drawn;          /* seconds after start of the last bar */
    bool bar;              /* a bar is on the line, waiting for its newline */
} progress_t;

/* "m:ss" or "h:mm:ss". */
static void format_duration(double seconds, char *text, size_t size) {
    long s = seconds < 0 ? 0 : seconds > 1e9 ? 1000000000L : (long)(seconds + 0.5);
    if (s >= 3600) {
        snprintf(text, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    } else {
        snprintf(text, size, "%ld:%02ld", s / 60, s % 60);
    }
}

static void show_progress(void *user, uint32_t done, uint32_t total) {
    progress_t *p = user;
    if (!p->started) {
        p->started = true;
        p->first = done;
        p->tenth = total == 0 ? 10 : (uint32_t)((uint64_t)done * 10 / total);
        p->drawn = -1;
        clock_gettime(CLOCK_MONOTONIC, &p->start);
    }
    double elapsed = seconds_since(&p->start);
    if (total == 0 || (p->terminal && done < total && elapsed - p->drawn < 0.1)) {
        return;
    }
    char rate[32] = "", left[32] = ""; /* unknown before the first task run */
    if (done > p->first && elapsed > 0) {
        double per_second = (done - p->first) / elapsed;
        snprintf(rate, sizeof rate, "%.1f tasks/s", per_second);
        if (done < total) {
            format_duration((total - done) / per_second, left, sizeof left - 5);
            strcat(left, " left");
        }
    }
    unsigned percent = (unsigned)((uint64_t)done * 100 / total);
    if (p->terminal) {
        static const char full[] = "##############################";
        int width = (int)sizeof full - 1, filled = (int)((uint64_t)done * width / total);
        fprintf(stderr, "\r[%.*s%*s] %3u%%  %u/%u tasks  %s  %s\033[K", filled, full,
                width - filled, "", percent, done, total, rate, left);
        p->drawn = elapsed;
        p->bar = true;
    } else if ((uint64_t)done * 10 / total > p->tenth) {
        p->tenth = (uint32_t)((uint64_t)done * 10 / total);
        fprintf(stderr, "womsim: %u%% (%u of %u tasks%s%s%s%s)\n", percent, done, total,
                rate[0] ? ", " : "", rate, left[0] ? ", " : "", left);
    }
}

/* Ends the bar's line, so that what follows starts on its own. */
static void end_progress(progress_t *p) {
    if (p->bar) {
        fputc('\n', stderr);
        p->bar = false;
    }
}

/* One word of a command line as a POSIX shell reads it back. */
static void print_shell_word(const char *word) {
    if (word[0] != '\0' && strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789-_./=:,+@%^") == strlen(word)) {
        fputs(word, stderr);
        return;
    }
    fputc('\'', stderr);
    for (const char *c = word; *c; c++) {
        if (*c == '\'') {
            fputs("'\\''", stderr);
        } else {
            fputc(*c, stderr);
        }
    }
    fputc('\'', stderr);
}

/* Says what a stop kept and how to continue: the same command with
 * --resume. Returns EX_TEMPFAIL. */
static int report_stop(const wom_batch_t *batch, bool unwritten, int argc, char **argv) {
    const char *name = cli_stop_name();
    uint32_t done = batch->tasks_kept + batch->tasks_run,
             total = wom_batch_shard_tasks(&batch->plan);
    if (batch->stopped || unwritten) {
        fprintf(stderr, "womsim: stopped by %s: %u of %u tasks are done and kept in %s/tasks%s\n",
                name, done, total, batch->options.dir,
                done == total ? "; the outputs were not all written" : "");
    } else {
        fprintf(stderr, "womsim: stopped by %s before drawing the plots\n", name);
    }
    fputs("to continue, run the same command with --resume:\n  ", stderr);
    bool resume = false;
    for (int i = 0; i < argc; i++) {
        fputs(i == 0 ? "" : " ", stderr);
        print_shell_word(argv[i]);
        resume = resume || strcmp(argv[i], "--resume") == 0;
    }
    fputs(resume ? "\n" : " --resume\n", stderr);
    return EX_TEMPFAIL;
}

/* --resume: the manifest the batch left (manifest.json, or the shard's)
 * must be of this scenario; the task files are checked by the batch. */
static wom_status check_manifest(const wom_batch_t *batch, wom_error_t *error) {
    char path[WOM_MAX_PATH], line[256], hash[65] = "";
    const wom_batch_plan_t *plan = &batch->plan;
    if (plan->shards > 1) {
        snprintf(path, sizeof path, "%s/shards/%u-of-%u.json", batch->options.dir, plan->shard,
                 plan->shards);
    } else {
        snprintf(path, sizeof path, "%s/manifest.json", batch->options.dir);
    }
    FILE *stream = fopen(path, "r");
    while (stream != NULL && hash[0] == '\0' && fgets(line, sizeof line, stream) != NULL) {
        if (sscanf(line, " \"scenario_hash\": \"%64[0-9a-f]\"", hash) != 1) {
            hash[0] = '\0';
        }
    }
    if (stream != NULL) {
        fclose(stream);
    }
    const char *network = batch->network_file.path;
    if (hash[0] != '\0' && strcmp(hash, batch->hash) != 0) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "cannot resume: the batch in %s ran scenario %.12s..., this one is "
                             "%.12s...: the scenario file%s%s or its options (--set, --sweep, "
                             "-r, -s) changed since; resume with the ones it started with, or "
                             "start a new batch in another folder (-o)",
                             batch->options.dir, hash, batch->hash,
                             network[0] ? ", the network file " : "", network);
    }
    return WOM_OK;
}

/* "" for one, "s" for any other count. */
static const char *plural(uint64_t count) {
    return count == 1 ? "" : "s";
}

/* ---- womsim run --------------------------------------------------------- */

static void report(const wom_batch_t *batch, const cli_run_options_t *options,
                   const struct timespec *start) {
    const char *name = batch->options.name, *dir = batch->options.dir;
    const wom_batch_plan_t *plan = &batch->plan;
    double seconds = seconds_since(start);
    const char *threads = options->threads == 1 ? "thread" : "threads";
    if (batch->tasks_kept > 0) {
        printf("womsim: %s: resumed: %u task%s kept from before, %u run now\n", name,
               batch->tasks_kept, plural(batch->tasks_kept), batch->tasks_run);
    }
    if (plan->shards > 1) {
        printf("womsim: %s: shard %u/%u: %u of %u tasks in %.2f s (%d %s)\n"
               "when every shard is done: womsim merge %s\n",
               name, plan->shard, plan->shards, batch->tasks_kept + batch->tasks_run,
               wom_batch_tasks(plan), seconds, options->threads, threads, dir);
    } else if (plan->points == 1) {
        printf("womsim: %s: %u replication%s x %lld day%s on %u agent%s in %.2f s (%d %s)\n"
               "results: %s/timeseries.csv and %s/summary.json\n",
               name, plan->replications, plural(plan->replications),
               (long long)batch->first.simulation.steps,
               plural((uint64_t)batch->first.simulation.steps), batch->graph->nodes,
               plural(batch->graph->nodes), seconds, options->threads, threads, dir, dir);
    } else {
        printf("womsim: %s: %u points x %u replication%s = %u tasks in %.2f s (%d %s)\n"
               "results: %s/sweep.csv, %s/runs.csv and %s/points/\n",
               name, plan->points, plan->replications, plural(plan->replications),
               wom_batch_tasks(plan), seconds, options->threads, threads, dir, dir, dir);
    }
}

/* Whether the options watch the batch's first run. */
static bool watching(const cli_run_options_t *options) {
    return options->watch.trace || options->watch.day_count > 0 ||
           options->watch.snapshot_count > 0;
}

/* The batch a run's command line asks for, into folder `dir`. */
static wom_batch_options_t batch_options_of(const cli_run_options_t *options, const char *dir,
                                            const char *name) {
    return (wom_batch_options_t){.dir = dir,
                                 .name = name,
                                 .shard = options->shard,
                                 .shards = options->shards,
                                 .max_tasks = options->max_tasks,
                                 .threads = options->threads,
                                 .max_bytes = options->max_bytes,
                                 .record = options->record,
                                 .record_every = options->record_every};
}

/* Loads the scenario, runs this process's tasks and, unless it is one
 * shard of several or it was stopped, aggregates them. */
wom_status cli_simulate(const cli_run_options_t *options, const char *name, const char *dir,
                        const wom_batch_control_t *control, wom_config_t **config,
                        wom_batch_t *batch, wom_aggregate_t *results, wom_watch_t *watch,
                        wom_error_t *error) {
#ifdef _OPENMP
    /* -t also bounds the parallel regions that take the default team
     * (graph generation), not only the batch's */
    omp_set_num_threads(options->threads);
#endif
    wom_status status = cli_load_config(options->scenario_path, &options->overrides, config, error);
    if (status == WOM_OK) {
        wom_batch_options_t batch_options = batch_options_of(options, dir, name);
        status = wom_batch_init(batch, *config, &batch_options, error);
        status = status == WOM_OK ? wom_output_check_sensitivity(batch, error) : status;
        status = status == WOM_OK ? wom_watch_check(batch, &options->watch, error) : status;
    }
    if (status == WOM_OK && options->resume) {
        status = check_manifest(batch, error);
    }
    if (status == WOM_OK) {
        status = wom_batch_run_with(batch, control, error);
    }
    bool whole = status == WOM_OK && !batch->stopped && options->shards == 1;
    if (whole && watching(options)) {
        status = wom_watch_run(batch, &options->watch, watch, error);
    }
    if (whole && status == WOM_OK) {
        status = wom_aggregate_init(results, batch);
        status = status == WOM_OK ? wom_output_write_batch_watched(
                                        batch, watching(options) ? watch : NULL, results, error)
                                  : wom_error_set(error, status, "", 0, "out of memory");
    }
    if (whole && status == WOM_OK && wom_aggregate_complete(results)) {
        status = wom_output_write_watch(dir, watching(options) ? watch : NULL, error);
    }
    return status;
}

int cli_run(int argc, char **argv) {
    cli_run_options_t options;
    int code = cli_parse_run_options(argc, argv, &options);
    if (code != CLI_PARSED) {
        return code;
    }
    char name[256], dir[WOM_MAX_PATH], started[32], scenario_file[WOM_MAX_PATH];
    cli_scenario_name(options.scenario_path, name, sizeof name);
    cli_run_folder(&options, dir, sizeof dir);
    cli_utc_now(started);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    cli_catch_stop_signals(options.quiet);
    const char *ci = getenv("CI");
    progress_t progress = {.terminal = isatty(STDERR_FILENO) == 1};
    bool show = !options.quiet && (ci == NULL || ci[0] == '\0');
    wom_batch_control_t control = {options.resume, options.parallel, cli_stop_flag(),
                                   show ? show_progress : NULL, &progress};
    wom_config_t *config = NULL;
    wom_batch_t batch = {0};
    wom_aggregate_t results = {0};
    wom_watch_t watch = {0};
    wom_error_t error = {0};
    wom_status status =
        cli_simulate(&options, name, dir, &control, &config, &batch, &results, &watch, &error);
    end_progress(&progress);
    if (batch.tasks_damaged > 0 && !options.quiet) {
        fprintf(stderr, "womsim: %u damaged task file%s run again; the first: %s: %s\n",
                batch.tasks_damaged, batch.tasks_damaged == 1 ? " was" : "s were",
                batch.damaged.file, batch.damaged.message);
    }
    code = status == WOM_OK ? EX_OK : cli_fail(status, &error);
    bool unwritten = status == WOM_OK && !batch.stopped && options.shards == 1 &&
                     !wom_aggregate_complete(&results); /* stopped while writing */
    bool stopped = status == WOM_OK && (batch.stopped || unwritten), rendered = false;
    bool aggregated = status == WOM_OK && !stopped && options.shards == 1;
    if (code == EX_OK && !stopped && !options.quiet) {
        report(&batch, &options, &start);
    }
    if (aggregated && options.plot) { /* gnuplot gets a terminal's Ctrl-C too */
        code = *cli_stop_flag() ? EX_OK : cli_render_batch(&batch, options.quiet, &rendered);
        stopped = *cli_stop_flag() != 0 && !rendered;
    }
    if (aggregated && !stopped && code == EX_OK && rendered && watch.snapshot_rows > 0) {
        code = *cli_stop_flag() ? EX_OK : render_network(&batch, &watch, options.quiet, &rendered);
        stopped = *cli_stop_flag() != 0 && !rendered;
    }
    if (aggregated && !stopped && code == EX_OK) {
        code = cli_write_report(&batch, &results, watching(&options) ? &watch : NULL,
                                options.scenario_path, options.plot, rendered, options.quiet);
    }
    if (stopped) {
        code = report_stop(&batch, unwritten, argc, argv);
    }
    if (batch.dir_made) { /* merge re-reads the scenario from its absolute path */
        cli_absolute_path(options.scenario_path, scenario_file, sizeof scenario_file);
        cli_manifest_t manifest = {
            argc,     argv, scenario_file, &options.overrides, options.threads, started, aggregated,
            rendered, 0};
        code = cli_write_manifest(&batch, &manifest, code);
    }
    wom_aggregate_destroy(&results);
    wom_watch_destroy(&watch);
    wom_batch_destroy(&batch);
    wom_config_free(config);
    return code;
}

/* Every sweep or design point must resolve, not only the first. */
static wom_status check_points(const wom_config_t *config, uint32_t *replications,
                               wom_error_t *error) {
    size_t points = wom_config_points(config);
    for (size_t point = 0; point < points; point++) {
        wom_scenario_t scenario;
        wom_status status = wom_config_scenario(config, point, &scenario, error);
        if (status != WOM_OK) {
            return status;
        }
        *replications = scenario.simulation.replications;
    }
    return WOM_OK;
}

/* "FILE: ok, 5 points x 10 replications = 50 tasks, sha256 ..." (a
 * run's hash: with a network file's contents) or the canonical scenario
 * (--dump). */
static int check_report(const char *path, const wom_config_t *config, uint32_t replications,
                        bool dump) {
    char hash[65];
    char *text = NULL;
    wom_batch_network_file_t network;
    wom_error_t error = {0};
    wom_status status = dump ? wom_config_dump(config, &text)
                             : wom_batch_scenario_hash(config, hash, &network, &error);
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    if (dump) {
        fputs(text, stdout);
        free(text);
        return EX_OK;
    }
    size_t points = wom_config_points(config);
    printf("%s: ok, %zu point%s x %u replication%s = %zu task%s, sha256 %s\n", path, points,
           plural(points), replications, plural(replications), points * replications,
           plural(points * replications), hash);
    return EX_OK;
}

/* "12.3 s", "4.5 min" or "2.1 h". */
static void print_duration(double seconds) {
    if (seconds < 120) {
        printf("%.3g s", seconds);
    } else if (seconds < 7200) {
        printf("%.3g min", seconds / 60);
    } else {
        printf("%.3g h", seconds / 3600);
    }
}

/* check --estimate: a short calibration scaled to the batch. */
static int check_estimate(const cli_run_options_t *options, const wom_config_t *config) {
    char name[WOM_MAX_PATH], dir[WOM_MAX_PATH];
    cli_scenario_name(options->scenario_path, name, sizeof name);
    cli_run_folder(options, dir, sizeof dir);
#ifdef _OPENMP
    omp_set_num_threads(options->threads); /* the generators' threads, as a run's */
#endif
    wom_batch_options_t batch_options = batch_options_of(options, dir, name);
    wom_batch_t batch;
    wom_batch_estimate_t estimate;
    wom_error_t error = {0};
    wom_status status = wom_batch_init(&batch, config, &batch_options, &error);
    status = status == WOM_OK ? wom_batch_estimate(&batch, 1.0, &estimate, &error) : status;
    int64_t batch_first_steps = batch.first.simulation.steps;
    wom_batch_destroy(&batch);
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    printf("estimate: about ");
    print_duration(estimate.total_seconds);
    bool all = estimate.days_timed == (uint32_t)batch_first_steps;
    printf(" at %d thread%s, simulating only: %.0f network%s of %.3g s, %.0f task-days of %.3g "
           "ms (%s%u day%s of point 0's first task timed on one thread%s)\n",
           options->threads, plural((uint64_t)options->threads), estimate.networks,
           plural((uint64_t)estimate.networks), estimate.graph_seconds, estimate.days,
           1e3 * estimate.day_seconds, all ? "all " : "the first ", estimate.days_timed,
           plural(estimate.days_timed), all ? "" : "; later days may cost more");
    return EX_OK;
}

static int cli_check(int argc, char **argv) {
    cli_run_options_t options;
    int code = cli_parse_run_options(argc, argv, &options);
    if (code != CLI_PARSED) {
        return code;
    }
    wom_config_t *config = NULL;
    wom_error_t error = {0};
    uint32_t replications = 0;
    wom_status status = cli_load_config(options.scenario_path, &options.overrides, &config, &error);
    if (status == WOM_OK) {
        status = check_points(config, &replications, &error);
    }
    code = status == WOM_OK
               ? check_report(options.scenario_path, config, replications, options.dump)
               : cli_fail(status, &error);
    if (code == EX_OK && options.estimate && !options.dump) {
        code = check_estimate(&options, config);
    }
    wom_config_free(config);
    return code;
}

const cli_command_t cli_check_command = {
    "check",
    "SCENARIO [options]",
    "Validate a scenario (every sweep or design point) and print its points x replications = "
    "tasks and its hash (the scenario's identity for --resume and merge). Takes run's options, "
    "so that it can check any run's command line.",
    check_options,
    CLI_COUNT(check_options),
    cli_check};

const cli_command_t cli_sensitivity_command = {
    "sensitivity",
    "SCENARIO --vary KEY=LO:HI... [options]",
    "Which lever matters most: global sensitivity of the chosen metrics (final day or total over "
    "the run) to the keys varied over their ranges, by Morris elementary effects (mu*, sigma) or "
    "Sobol indices (S1, ST), each with a 95% bootstrap interval, under common random numbers. "
    "A run whose design is morris or saltelli: writes what run writes and sensitivity.csv with "
    "its bar chart; resume, shard, merge and MPI work as for run (docs/explore.md).",
    sensitivity_options,
    CLI_COUNT(sensitivity_options),
    cli_run};

const cli_command_t cli_run_command = {
    "run",
    "SCENARIO [options]",
    "Simulate a scenario and write timeseries.csv, summary.json, report.html and plots; a sweep "
    "(a key with a list of values) writes sweep.csv, runs.csv and points/<index>/ "
    "(docs/batch.md).",
    run_options,
    CLI_COUNT(run_options),
    cli_run};
