/* cli_run.c: `womsim run`: a scenario's batch (every sweep point times its
 * replications, or one shard of it), its files, plots and manifest; and
 * what `womsim merge` shares with it: drawing a batch's plots and writing
 * its manifest.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <getopt.h>
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

typedef struct {
    const char *scenario_path;
    const char *output_dir;
    cli_overrides_t overrides;
    int threads;
    uint64_t max_bytes;
    uint64_t max_tasks;
    uint32_t shard, shards; /* 0/1: every task */
    bool shard_given;       /* --shard was given (else SLURM's array may set it) */
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

/* A whole decimal number in [min, max]. */
static bool parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *value) {
    char *end = NULL;
    errno = 0;
    unsigned long long parsed = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || text[0] == '-' || parsed < min ||
        parsed > max) {
        return false;
    }
    *value = parsed;
    return true;
}

/* "I/N" with 0 <= I < N. */
static bool parse_shard(const char *text, uint32_t *shard, uint32_t *shards) {
    char index[32];
    const char *slash = strchr(text, '/');
    uint64_t i = 0, n = 0;
    if (slash == NULL || (size_t)(slash - text) >= sizeof index) {
        return false;
    }
    snprintf(index, sizeof index, "%.*s", (int)(slash - text), text);
    if (!parse_count(index, 0, UINT32_MAX, &i) || !parse_count(slash + 1, 1, UINT32_MAX, &n) ||
        i >= n) {
        return false;
    }
    *shard = (uint32_t)i;
    *shards = (uint32_t)n;
    return true;
}

/* Under a SLURM job array (sbatch --array=0-(N-1)) each array task is a
 * shard: SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN, so that 1-based
 * arrays work too) of SLURM_ARRAY_TASK_COUNT. */
static int slurm_shard(run_options_t *options) {
    const char *id = getenv("SLURM_ARRAY_TASK_ID");
    const char *count = getenv("SLURM_ARRAY_TASK_COUNT");
    const char *min = getenv("SLURM_ARRAY_TASK_MIN");
    uint64_t i = 0, n = 0, first = 0;
    if (options->shard_given || id == NULL || count == NULL) {
        return EX_OK;
    }
    if (!parse_count(id, 0, UINT32_MAX, &i) || !parse_count(count, 1, UINT32_MAX, &n) ||
        (min != NULL && !parse_count(min, 0, i, &first)) || i - first >= n) {
        return cli_usage_error("SLURM_ARRAY_TASK_ID=%s (SLURM_ARRAY_TASK_MIN=%s) is not a "
                               "shard of SLURM_ARRAY_TASK_COUNT=%s: use a contiguous array "
                               "(sbatch --array=0-N-1 for N shards) or give --shard I/N",
                               id, min ? min : "unset", count);
    }
    options->shard = (uint32_t)(i - first);
    options->shards = (uint32_t)n;
    return EX_OK;
}

/* The options that take a value and are not overrides. */
static int parse_valued(run_options_t *options, int option, const char *value) {
    switch (option) {
    case 't': {
        uint64_t threads = 0;
        if (!parse_count(value, 1, 4096, &threads)) {
            return cli_usage_error("-t expects a thread count from 1 to 4096, not '%s'", value);
        }
        options->threads = (int)threads;
        return EX_OK;
    }
    case 'M':
        if (!cli_parse_bytes(value, &options->max_bytes)) {
            return cli_usage_error("--max-mem expects a size such as 512M or 8G, not '%s'", value);
        }
        return EX_OK;
    case 'T':
        if (!parse_count(value, 1, UINT32_MAX, &options->max_tasks)) {
            return cli_usage_error("--max-tasks expects a task count from 1 to %u, not '%s'",
                                   UINT32_MAX, value);
        }
        return EX_OK;
    default: /* 'H' */
        if (!parse_shard(value, &options->shard, &options->shards)) {
            return cli_usage_error("--shard expects I/N with 0 <= I < N, such as 2/8, not '%s'",
                                   value);
        }
        options->shard_given = true;
        return EX_OK;
    }
}

static int parse_run_options(int argc, char **argv, run_options_t *options) {
    static const struct option long_options[] = {{"set", required_argument, NULL, 'S'},
                                                 {"sweep", required_argument, NULL, 'S'},
                                                 {"max-mem", required_argument, NULL, 'M'},
                                                 {"max-tasks", required_argument, NULL, 'T'},
                                                 {"shard", required_argument, NULL, 'H'},
                                                 {"no-plot", no_argument, NULL, 'P'},
                                                 {NULL, 0, NULL, 0}};
    *options = (run_options_t){.threads = default_threads(),
                               .max_bytes = cli_available_memory(),
                               .max_tasks = DEFAULT_MAX_TASKS,
                               .shards = 1,
                               .plot = true};
    optind = 1;
    opterr = 0;
    int option;
    while ((option = getopt_long(argc, argv, ":o:r:s:t:q", long_options, NULL)) != -1) {
        bool ok = true;
        int code = EX_OK;
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
        case 'S': /* --sweep KEY=LIST is --set KEY=LIST: one mechanism, the same checks */
            ok = cli_add_override(&options->overrides, optarg);
            break;
        case 't':
        case 'M':
        case 'T':
        case 'H':
            code = parse_valued(options, option, optarg);
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
        if (code != EX_OK) {
            return code;
        }
        if (!ok) {
            return cli_usage_error("too many overrides, or '%s' is too long", optarg);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("run expects one scenario file");
    }
    options->scenario_path = argv[optind];
    return slurm_shard(options);
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

/* `path` made absolute by the working folder, as it is if that fails. */
static void absolute_path(const char *path, char *absolute, size_t size) {
    char cwd[WOM_MAX_PATH];
    if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL ||
        snprintf(absolute, size, "%s/%s", cwd, path) >= (int)size) {
        snprintf(absolute, size, "%s", path);
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
                "(scripts/install-deps.sh) and run: cd %s && gnuplot timeseries.gp\n",
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
    *rendered = false;
    for (uint32_t p = 0; status == WOM_OK && p < batch->plan.points; p++) {
        char point_dir[WOM_MAX_PATH];
        wom_batch_point_dir(batch, p, point_dir, sizeof point_dir);
        status = wom_output_render(point_dir, &error);
    }
    if (status == WOM_OK && batch->plan.points > 1) {
        status = wom_output_render_script(dir, "sweep.gp", &error);
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
    } else if (!quiet) {
        printf("pictures: %s/sweep.png and %s/sweep.svg; timeseries.png and .svg in each of "
               "%s/points/*/\n",
               dir, dir, dir);
    }
    return EX_OK;
}

/* The files a manifest lists: the batch's, then a merge's shard manifests. */
static wom_status manifest_files(const wom_batch_t *batch, const cli_manifest_t *m,
                                 wom_batch_files_t *files) {
    wom_status status = wom_batch_list_files(batch, m->aggregated, m->pictures, files);
    for (uint32_t i = 0; status == WOM_OK && i < m->merged_shards; i++) {
        char name[64];
        snprintf(name, sizeof name, "shards/%u-of-%u.json", i, m->merged_shards);
        status = wom_batch_files_add(files, batch->options.dir, name);
    }
    return status;
}

int cli_write_manifest(const wom_batch_t *batch, const cli_manifest_t *m, int code) {
    wom_batch_files_t files = {0};
    wom_error_t error = {0};
    char ended[32], shard[64], name[64] = "manifest.json", shards_dir[WOM_MAX_PATH];
    const char *dir = batch->options.dir;
    wom_status status = manifest_files(batch, m, &files);
    cli_utc_now(ended);
    snprintf(shard, sizeof shard, "%u/%u", batch->plan.shard, batch->plan.shards);
    if (m->merged_shards > 0) {
        snprintf(shard, sizeof shard, "merge of %u shards", m->merged_shards);
    } else if (!m->aggregated) { /* a shard's manifest, beside its siblings' */
        snprintf(name, sizeof name, "shards/%u-of-%u.json", batch->plan.shard, batch->plan.shards);
        snprintf(shards_dir, sizeof shards_dir, "%s/shards", dir);
        status = status == WOM_OK ? wom_output_make_dir(shards_dir, &error) : status;
    }
    /* main passes every command argv + 1, so argv[-1] is the program. */
    wom_output_manifest_t manifest = {(const char *const *)(m->argv - 1),
                                      (size_t)m->argc + 1,
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
                                      m->aggregated ? wom_batch_tasks(&batch->plan)
                                                    : batch->tasks_run,
                                      m->started,
                                      ended,
                                      code,
                                      (const char *const *)files.paths,
                                      files.count};
    if (status == WOM_OK) {
        status = wom_output_write_manifest(dir, name, &manifest, &error);
    }
    wom_batch_files_destroy(&files);
    if (status != WOM_OK) {
        int failed = cli_fail(status, &error);
        return code != EX_OK ? code : failed;
    }
    return code;
}

/* ---- womsim run --------------------------------------------------------- */

static void report(const wom_batch_t *batch, const run_options_t *options,
                   const struct timespec *start) {
    const char *name = batch->options.name, *dir = batch->options.dir;
    const wom_batch_plan_t *plan = &batch->plan;
    double seconds = seconds_since(start);
    if (plan->shards > 1) {
        printf("womsim: %s: shard %u/%u: %u of %u tasks in %.2f s (%d threads)\n"
               "when every shard is done: womsim merge %s\n",
               name, plan->shard, plan->shards, batch->tasks_run, wom_batch_tasks(plan), seconds,
               options->threads, dir);
    } else if (plan->points == 1) {
        printf("womsim: %s: %u replications x %lld days on %u agents in %.2f s (%d threads)\n"
               "results: %s/timeseries.csv and %s/summary.json\n",
               name, plan->replications, (long long)batch->first.simulation.steps,
               batch->graph->nodes, seconds, options->threads, dir, dir);
    } else {
        printf("womsim: %s: %u points x %u replications = %u tasks in %.2f s (%d threads)\n"
               "results: %s/sweep.csv, %s/runs.csv and %s/points/\n",
               name, plan->points, plan->replications, wom_batch_tasks(plan), seconds,
               options->threads, dir, dir, dir);
    }
}

/* Loads the scenario, runs this process's tasks and, unless it is one
 * shard of several, aggregates them. */
static wom_status simulate(const run_options_t *options, const char *name, const char *dir,
                           wom_config_t **config, wom_batch_t *batch, wom_error_t *error) {
    wom_status status = cli_load_config(options->scenario_path, &options->overrides, config, error);
    if (status == WOM_OK) {
        wom_batch_options_t batch_options = {dir,
                                             name,
                                             options->shard,
                                             options->shards,
                                             options->max_tasks,
                                             options->threads,
                                             options->max_bytes};
        status = wom_batch_init(batch, *config, &batch_options, error);
    }
    if (status == WOM_OK) {
        status = wom_batch_run(batch, error);
    }
    if (status == WOM_OK && options->shards == 1) {
        status = wom_batch_aggregate(batch, error);
    }
    return status;
}

int cli_run(int argc, char **argv) {
    run_options_t options;
    int code = parse_run_options(argc, argv, &options);
    if (code != EX_OK) {
        return code;
    }
    char name[256], dir[WOM_MAX_PATH], started[32], scenario_file[WOM_MAX_PATH];
    scenario_name(options.scenario_path, name, sizeof name);
    snprintf(dir, sizeof dir, "%s", options.output_dir ? options.output_dir : "out/");
    if (options.output_dir == NULL) {
        strncat(dir, name, sizeof dir - strlen(dir) - 1);
    }
    cli_utc_now(started);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    wom_config_t *config = NULL;
    wom_batch_t batch = {0};
    wom_error_t error = {0};
    wom_status status = simulate(&options, name, dir, &config, &batch, &error);
    code = status == WOM_OK ? EX_OK : cli_fail(status, &error);
    if (code == EX_OK && !options.quiet) {
        report(&batch, &options, &start);
    }
    bool aggregated = status == WOM_OK && options.shards == 1, rendered = false;
    if (aggregated && options.plot) {
        code = cli_render_batch(&batch, options.quiet, &rendered);
    }
    if (batch.dir_made) { /* merge re-reads the scenario from its absolute path */
        absolute_path(options.scenario_path, scenario_file, sizeof scenario_file);
        cli_manifest_t manifest = {argc,
                                   argv,
                                   scenario_file,
                                   &options.overrides,
                                   options.threads,
                                   started,
                                   options.shards == 1,
                                   rendered,
                                   0};
        code = cli_write_manifest(&batch, &manifest, code);
    }
    wom_batch_destroy(&batch);
    wom_config_free(config);
    return code;
}
