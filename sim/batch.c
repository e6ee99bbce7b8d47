/* batch.c: research batches: the tasks of a sweep and running a shard's
 * tasks over OpenMP threads (whole tasks per thread across the points on
 * one network, or each task's agents split; with network.per_replication
 * a replication's tasks together, on its own draw of the network, which
 * the thread running them builds), each into its task file
 * (batch_tasks.c), after the folder is made ready (batch_folder.c), with
 * clean stops. The batch's results go on to aggregate.c and output.
 * Workload: 1 to 10^5 tasks of 10^2..10^7 agents each.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "batch_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rng.h"
#include "womsim/file.h"
#include "womsim/model.h"

uint32_t wom_batch_point_tasks(const wom_batch_plan_t *plan, uint32_t point, uint32_t *ids) {
    uint32_t count = 0;
    for (uint32_t r = 0; r < plan->replications; r++) {
        uint32_t run_id = wom_batch_run_id(plan, point, r);
        if (wom_batch_mine(plan, run_id)) {
            ids[count++] = run_id;
        }
    }
    return count;
}
/* ---- setting up --------------------------------------------------------- */

/* Reads the swept keys, refusing the two a batch cannot vary. */
static wom_status load_sweep(wom_batch_t *batch, wom_error_t *error) {
    batch->keys = wom_config_swept(batch->config);
    batch->sweep = calloc(batch->keys + 1, sizeof *batch->sweep);
    if (batch->sweep == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    for (size_t k = 0; k < batch->keys; k++) {
        wom_config_sweep_key(batch->config, k, &batch->sweep[k]);
        const char *name = batch->sweep[k].name;
        if (strcmp(name, "simulation.replications") == 0) {
            return wom_error_set(error, WOM_ECONFIG, "", 0,
                                 "simulation.replications cannot be swept: run ids count "
                                 "replications per point; run one batch per count");
        }
        if (strcmp(name, "model.kind") == 0) {
            return wom_error_set(error, WOM_ECONFIG, "", 0,
                                 "model.kind cannot be swept: points of a batch share their "
                                 "metrics; run one batch per kind");
        }
    }
    return WOM_OK;
}

/* At most options.max_tasks tasks, and never more than the random streams'
 * keys can tell apart. */
static wom_status check_size(const wom_batch_t *batch, size_t points, uint64_t replications,
                             wom_error_t *error) {
    bool keyed = points <= WOM_RNG_MAX_TASKS / replications;
    uint64_t tasks = keyed ? (uint64_t)points * replications : WOM_RNG_MAX_TASKS + UINT64_C(1);
    bool over_limit = tasks > batch->options.max_tasks;
    if (!keyed || over_limit) {
        return wom_error_set(
            error, WOM_ECONFIG, "", 0,
            "the batch has %s%llu tasks (%zu point%s x %llu replication%s), more "
            "than %s %llu; %s%s",
            keyed ? "" : "over ", (unsigned long long)(keyed ? tasks : WOM_RNG_MAX_TASKS), points,
            points == 1 ? "" : "s", (unsigned long long)replications, replications == 1 ? "" : "s",
            over_limit ? "--max-tasks" : "the random streams can key,",
            (unsigned long long)(over_limit ? batch->options.max_tasks : WOM_RNG_MAX_TASKS),
            points == 1 ? "run fewer replications" : "sweep fewer values",
            over_limit ? " or raise --max-tasks" : "");
    }
    return WOM_OK;
}

/* Every point must resolve before anything runs, not fail hours in. */
static wom_status check_points(const wom_batch_t *batch, wom_error_t *error) {
    for (uint32_t p = 1; p < batch->plan.points; p++) {
        wom_scenario_t scenario;
        wom_status status = wom_config_scenario(batch->config, p, &scenario, error);
        if (status != WOM_OK) {
            return status;
        }
    }
    return WOM_OK;
}

wom_status wom_batch_scenario_hash(const wom_config_t *config, char hash[65],
                                   wom_batch_network_file_t *network, wom_error_t *error) {
    *network = (wom_batch_network_file_t){0};
    size_t points = wom_config_points(config);
    for (size_t p = 0; p < points; p++) {
        wom_scenario_t scenario;
        wom_status status = wom_config_scenario(config, p, &scenario, error);
        if (status != WOM_OK) {
            return status;
        }
        if (scenario.network.model == WOM_NET_FILE) { /* one file: a text key is never swept */
            snprintf(network->path, sizeof network->path, "%s", scenario.network.file);
            status = wom_graph_file_sha256(scenario.network.file, scenario.network.format,
                                           network->sha256, error);
            return status == WOM_OK ? wom_config_hash_network(config, network->sha256, hash)
                                    : status;
        }
    }
    return wom_config_hash(config, hash);
}

wom_status wom_batch_init(wom_batch_t *batch, const wom_config_t *config,
                          const wom_batch_options_t *options, wom_error_t *error) {
    memset(batch, 0, sizeof *batch);
    batch->lock_fd = -1;
    batch->config = config;
    batch->options = *options;
    if (config == NULL || options->shards < 1 || options->shard >= options->shards ||
        options->threads < 1) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_batch_init: bad arguments");
    }
    wom_status status = wom_batch_scenario_hash(config, batch->hash, &batch->network_file, error);
    if (status == WOM_OK) {
        status = wom_config_scenario(config, 0, &batch->first, error);
    }
    if (status == WOM_OK) {
        status = load_sweep(batch, error);
    }
    size_t points = wom_config_points(config);
    uint64_t replications = (uint64_t)batch->first.simulation.replications;
    if (status == WOM_OK) {
        status = check_size(batch, points, replications, error);
    }
    if (status == WOM_OK) {
        batch->plan = (wom_batch_plan_t){(uint32_t)points, (uint32_t)replications, options->shard,
                                         options->shards};
        status = check_points(batch, error);
    }
    if (status != WOM_OK) {
        wom_batch_destroy(batch);
    }
    return status;
}

void wom_batch_destroy(wom_batch_t *batch) {
    if (batch != NULL) {
        free(batch->sweep);
        wom_graph_free(batch->graph);
        batch->sweep = NULL;
        batch->graph = NULL;
        if (batch->locked) {
            close(batch->lock_fd); /* releases the folder's lock */
            batch->locked = false;
        }
    }
}

size_t wom_batch_value_index(const wom_batch_t *batch, uint32_t point, size_t key) {
    return wom_config_value_index(batch->config, point, key);
}

bool wom_batch_point_dir(const wom_batch_t *batch, uint32_t point, char *path, size_t size) {
    int length = batch->plan.points == 1
                     ? snprintf(path, size, "%s", batch->options.dir)
                     : snprintf(path, size, "%s/points/%u", batch->options.dir, point);
    return length >= 0 && (size_t)length < size;
}

/* ---- running ------------------------------------------------------------ */

wom_status wom_batch_graph(wom_batch_t *batch, const wom_scenario_t *scenario, wom_error_t *error) {
    if (batch->graph != NULL && wom_batch_same_network(&batch->graph_of, scenario)) {
        return WOM_OK;
    }
    wom_graph_free(batch->graph);
    batch->graph = NULL;
    double start = wom_batch_wall_seconds();
    wom_status status = wom_graph_build(scenario, batch->options.max_bytes, &batch->graph, error);
    batch->graph_seconds += wom_batch_wall_seconds() - start;
    if (status == WOM_OK) {
        memcpy(&batch->graph_of, scenario, sizeof *scenario);
        status = wom_model_check(scenario, batch->graph, error);
    }
    return status;
}

/* DIR and DIR/tasks, once. DIR first, so that an empty name is refused
 * rather than becoming "/tasks". */
static wom_status make_dirs(wom_batch_t *batch, wom_error_t *error) {
    char tasks[WOM_MAX_PATH];
    if (batch->dir_made) {
        return WOM_OK;
    }
    wom_status status = wom_file_make_dir(batch->options.dir, error);
    if (status == WOM_OK) {
        status = wom_batch_lock(batch, error); /* a new folder: no other run saw it unlocked */
    }
    if (status == WOM_OK) {
        if (snprintf(tasks, sizeof tasks, "%s/tasks", batch->options.dir) >= (int)sizeof tasks) {
            return wom_error_set(error, WOM_ECANTCREAT, batch->options.dir, 0, "path is too long");
        }
        status = wom_file_make_dir(tasks, error);
    }
    batch->dir_made = status == WOM_OK;
    return status;
}

static bool stopping(const wom_batch_t *batch) {
    return batch->control.stop != NULL && *batch->control.stop != 0;
}
/* ---- running groups of points -------------------------------------------- */

/* What the threads of one wom_batch_run_with share. */
typedef struct {
    wom_batch_t *batch;
    const uint8_t *done; /* resume: a bit per task whose file is kept; else NULL */
    uint32_t finished;   /* tasks done: kept and run; written under wom_batch_progress */
    uint32_t total;      /* this shard's tasks */
} run_t;

/* Consecutive points on one network and their tasks still to run, in
 * units: a unit runs on one thread, its tasks in order. A unit is a task,
 * or with own_graphs a replication's tasks, so that its graph is built
 * once. */
typedef struct {
    uint32_t first, end;     /* the points [first, end) */
    wom_scenario_t scenario; /* point first's: its network is the group's */
    uint32_t steps;          /* the most steps of the points (simulation.steps may be swept) */
    bool own_graphs;         /* network.per_replication and more than one replication: the
                                tasks of replication r > 0 run on the network's draw r */
    uint32_t *ids;           /* the tasks to run: ascending, or with own_graphs replication by
                                replication; room for the shard's tasks */
    uint32_t count;
    uint32_t *unit_start; /* unit u: ids[unit_start[u] .. unit_start[u + 1]); room for the
                             shard's tasks + 1 */
    uint32_t units;
} group_t;

/* The group's tasks of this shard still to run, and its units. */
static void collect_tasks(const run_t *run, group_t *group) {
    const wom_batch_plan_t *plan = &run->batch->plan;
    const bool by_replication = group->own_graphs;
    const uint32_t points = group->end - group->first;
    const uint32_t outer = by_replication ? plan->replications : points;
    const uint32_t inner = by_replication ? points : plan->replications;
    group->count = group->units = 0;
    for (uint32_t o = 0; o < outer; o++) {
        for (uint32_t i = 0; i < inner; i++) {
            uint32_t point = group->first + (by_replication ? i : o);
            uint32_t run_id = wom_batch_run_id(plan, point, by_replication ? o : i);
            if (!wom_batch_mine(plan, run_id) || wom_batch_is_done(run->done, run_id)) {
                continue;
            }
            bool new_unit = !by_replication || group->count == 0 ||
                            wom_batch_replication(plan, group->ids[group->count - 1]) != o;
            if (new_unit) {
                group->unit_start[group->units++] = group->count;
            }
            group->ids[group->count++] = run_id;
        }
    }
    group->unit_start[group->units] = group->count;
}

/* The group that starts at point `first`: up to the next point whose
 * network keys or seed differ. */
static wom_status next_group(const run_t *run, uint32_t first, group_t *group, wom_error_t *error) {
    const wom_batch_t *batch = run->batch;
    wom_scenario_t scenario;
    wom_status status = wom_config_scenario(batch->config, first, &group->scenario, error);
    group->first = first;
    group->steps = 0;
    uint32_t p = first;
    for (; status == WOM_OK && p < batch->plan.points; p++) {
        if (p > first) {
            status = wom_config_scenario(batch->config, p, &scenario, error);
            if (status != WOM_OK || !wom_batch_same_network(&group->scenario, &scenario)) {
                break;
            }
        }
        uint32_t steps = (uint32_t)(p > first ? scenario : group->scenario).simulation.steps;
        group->steps = steps > group->steps ? steps : group->steps;
    }
    group->end = p;
    group->own_graphs = group->scenario.network.per_replication && batch->plan.replications > 1;
    collect_tasks(run, group);
    return status;
}

/* Memory a group needs: the network, `models` models of `workers`
 * workers each, and one point's rows (aggregation holds them together).
 * With own graphs each model's runner may also hold a draw of its own
 * besides the batch's draw 0, counted at the peak of building one. */
typedef struct {
    uint64_t network, models, rows, total;
} memory_t;

static memory_t memory_of(const wom_batch_t *batch, const group_t *group, int models, int workers) {
    const wom_graph_t *graph = batch->graph;
    memory_t m;
    m.network =
        wom_graph_bytes(graph) +
        (group->own_graphs ? (uint64_t)models * wom_graph_estimate_bytes(&group->scenario) : 0);
    m.models = (uint64_t)models *
               wom_model_estimate_bytes(&batch->first, graph->nodes, graph->max_degree, workers);
    m.rows = (uint64_t)batch->plan.replications * (group->steps + 1) * sizeof(wom_metrics_row_t);
    m.total = m.network + m.models + m.rows;
    return m;
}

/* Below this many agents a step is too short for splitting its agents over
 * threads to beat running whole tasks side by side, even on fewer threads
 * than there are (measured: 300 agents, 3 tasks, 4 threads: 0.56 s as
 * tasks, 1.20 s as agents). */
#define SMALL_GRAPH_AGENTS 50000

/* Whole tasks per thread (*threads models of one worker) or one task at a
 * time split over the threads (one model of options.threads workers): as
 * control.parallel says, or for AUTO whole tasks when every thread gets a
 * unit, or when the graph is small and at least two units can run
 * together; and only when their models fit. Refuses a choice that exceeds
 * --max-mem. */
static wom_status choose_parallel(const wom_batch_t *batch, const group_t *group, bool *whole,
                                  int *threads, wom_error_t *error) {
    int all = batch->options.threads;
    int busy = group->units < (uint32_t)all ? (int)group->units : all;
    memory_t tasks = memory_of(batch, group, busy, 1), agents = memory_of(batch, group, 1, all);
    uint64_t limit = batch->options.max_bytes;
    switch (batch->control.parallel) {
    case WOM_BATCH_PARALLEL_TASKS:
        *whole = true;
        break;
    case WOM_BATCH_PARALLEL_AGENTS:
        *whole = false;
        break;
    default:
        *whole = (busy == all || (busy >= 2 && batch->graph->nodes < SMALL_GRAPH_AGENTS)) &&
                 (limit == 0 || tasks.total <= limit);
    }
    const memory_t *m = *whole ? &tasks : &agents;
    *threads = *whole ? busy : all;
    if (limit != 0 && m->total > limit) {
        return wom_error_set(error, WOM_ETOOBIG, "", 0,
                             "the run needs about %.1f MiB (network %.1f, agents %.1f, results "
                             "%.1f), more than the limit of %.1f MiB (--max-mem); use fewer "
                             "threads, replications or steps%s",
                             m->total / 1048576.0, m->network / 1048576.0, m->models / 1048576.0,
                             m->rows / 1048576.0, limit / 1048576.0,
                             group->own_graphs ? " (each running task holds its own network: "
                                                 "network.per_replication)"
                                               : "");
    }
    return WOM_OK;
}

/* A thread's model, for the point of the task it runs, and with own
 * graphs the draw of the network its replication runs on. Models borrow
 * their scenario, so the runner keeps its own copy of the point's. */
typedef struct {
    run_t *run;
    const group_t *group;
    int workers;    /* threads of the model */
    uint32_t point; /* of `scenario` and `model`; UINT32_MAX: none yet */
    wom_scenario_t scenario;
    wom_model_t *model;
    const wom_graph_t *graph; /* the model's: the batch's draw 0 or `own`; NULL: none yet */
    wom_graph_t *own;         /* own graphs: the draw `own_draw` (> 0) this runner built */
    uint32_t own_draw;
    wom_metrics_row_t *rows; /* room for the group's most steps + 1 */
} runner_t;

static wom_status runner_init(runner_t *r, run_t *run, const group_t *group, int workers) {
    *r = (runner_t){.run = run, .group = group, .workers = workers, .point = UINT32_MAX};
    r->rows = malloc(((size_t)group->steps + 1) * sizeof *r->rows);
    return r->rows == NULL ? WOM_ENOMEM : WOM_OK;
}

static void runner_destroy(runner_t *r) {
    wom_model_free(r->model);
    wom_graph_free(r->own);
    free(r->rows);
}

/* Puts the runner on `graph`, letting its model go when it was another's. */
static void runner_use(runner_t *r, const wom_graph_t *graph) {
    if (graph != r->graph) {
        wom_model_free(r->model);
        r->model = NULL;
        r->point = UINT32_MAX;
        r->graph = graph;
    }
}

/* Puts the runner on draw `draw` of the group's network: the batch's draw
 * 0, or its own, built when the draw changes (counted in graph_seconds). */
static wom_status runner_graph(runner_t *r, uint32_t draw, wom_error_t *error) {
    wom_batch_t *batch = r->run->batch;
    if (draw != 0 && (r->own == NULL || r->own_draw != draw)) {
        runner_use(r, NULL);
        wom_graph_free(r->own);
        double start = wom_batch_wall_seconds();
        wom_status status = wom_graph_build_draw(&r->group->scenario, draw,
                                                 batch->options.max_bytes, &r->own, error);
        double seconds = wom_batch_wall_seconds() - start;
#pragma omp atomic update
        batch->graph_seconds += seconds;
        if (status == WOM_OK) {
            status = wom_model_check(&r->group->scenario, r->own, error);
        }
        if (status != WOM_OK) {
            return status;
        }
        r->own_draw = draw;
    }
    runner_use(r, draw == 0 ? batch->graph : r->own);
    return WOM_OK;
}

/* Runs task `run_id` and writes its file. */
static wom_status runner_task(runner_t *r, uint32_t run_id, wom_error_t *error) {
    const wom_batch_t *batch = r->run->batch;
    uint32_t point = wom_batch_point(&batch->plan, run_id);
    uint32_t replication = wom_batch_replication(&batch->plan, run_id);
    wom_status graph = runner_graph(r, wom_graph_draw(&r->group->scenario, replication), error);
    if (graph != WOM_OK) {
        return graph;
    }
    if (point != r->point) {
        wom_model_free(r->model);
        r->model = NULL;
        r->point = UINT32_MAX;
        wom_status status = wom_config_scenario(batch->config, point, &r->scenario, error);
        if (status == WOM_OK) {
            status = wom_model_alloc(&r->scenario, r->graph, r->workers, &r->model);
            if (status != WOM_OK) {
                return wom_error_set(error, status, "", 0,
                                     "cannot set up the agents of point %u: %s", point,
                                     wom_strerror(status));
            }
        }
        if (status != WOM_OK) {
            return status;
        }
        r->point = point;
    }
    uint32_t steps = (uint32_t)r->scenario.simulation.steps;
    bool common = r->scenario.simulation.common_random_numbers;
    wom_model_reset(r->model, wom_batch_stream_task(&batch->plan, run_id, common), &r->rows[0]);
    for (uint32_t t = 1; t <= steps; t++) {
        wom_model_step(r->model, &r->rows[t]);
    }
    wom_batch_task_t task = {.run_id = run_id, .steps = steps, .agents = r->graph->nodes};
    memcpy(task.scenario_hash, batch->hash, sizeof task.scenario_hash);
    return wom_batch_write_task(batch->options.dir, &task, r->rows, error);
}

/* Counts a finished task and reports progress, one thread at a time. */
static void task_finished(run_t *run) {
    wom_batch_t *batch = run->batch;
#pragma omp critical(wom_batch_progress)
    {
        batch->tasks_run++;
        run->finished++;
        if (batch->control.progress != NULL) {
            batch->control.progress(batch->control.progress_user, run->finished, run->total);
        }
    }
}

/* Runs unit `u`'s tasks in order; a failure raises *halt, and a halt or
 * a stop keeps the rest from starting. */
static wom_status run_unit(runner_t *r, uint32_t u, int *halt, wom_error_t *error) {
    const group_t *group = r->group;
    for (uint32_t i = group->unit_start[u]; i < group->unit_start[u + 1]; i++) {
        int halted;
#pragma omp atomic read
        halted = *halt;
        if (halted || stopping(r->run->batch)) {
            return WOM_OK;
        }
        wom_status status = runner_task(r, group->ids[i], error);
        if (status != WOM_OK) {
#pragma omp atomic write
            *halt = 1;
            return status;
        }
        task_finished(r->run);
    }
    return WOM_OK;
}

/* Whole units per thread, one model each. A failure or a stop keeps the
 * tasks not yet started from starting; the tasks in flight finish. */
static wom_status run_whole_tasks(run_t *run, const group_t *group, int threads,
                                  wom_error_t *error) {
    wom_status status = WOM_OK;
    int halt = 0;
#pragma omp parallel num_threads(threads)
    {
        runner_t runner;
        wom_error_t mine_error = {0};
        wom_status mine = runner_init(&runner, run, group, 1);
        if (mine != WOM_OK) {
            wom_error_set(&mine_error, mine, "", 0, "out of memory");
#pragma omp atomic write
            halt = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (uint32_t u = 0; u < group->units; u++) {
            if (mine == WOM_OK) {
                mine = run_unit(&runner, u, &halt, &mine_error);
            }
        }
        if (mine != WOM_OK) {
#pragma omp critical(wom_batch_failure)
            if (status == WOM_OK) {
                status = mine;
                if (error != NULL) {
                    *error = mine_error;
                }
            }
        }
        runner_destroy(&runner);
    }
    return status;
}

/* One task at a time, the model's steps splitting the agents over every
 * thread. */
static wom_status run_split_tasks(run_t *run, const group_t *group, wom_error_t *error) {
    runner_t runner;
    wom_status status = runner_init(&runner, run, group, run->batch->options.threads);
    if (status != WOM_OK) {
        status = wom_error_set(error, status, "", 0, "out of memory");
    }
    for (uint32_t i = 0; status == WOM_OK && i < group->count && !stopping(run->batch); i++) {
        status = runner_task(&runner, group->ids[i], error);
        if (status == WOM_OK) {
            task_finished(run);
        }
    }
    runner_destroy(&runner);
    return status;
}

static wom_status run_group(run_t *run, const group_t *group, wom_error_t *error) {
    wom_batch_t *batch = run->batch;
    wom_status status = wom_batch_graph(batch, &group->scenario, error);
    for (uint32_t p = group->first + 1; status == WOM_OK && p < group->end; p++) {
        wom_scenario_t scenario; /* seeds may be swept on one network */
        status = wom_config_scenario(batch->config, p, &scenario, error);
        status = status == WOM_OK ? wom_model_check(&scenario, batch->graph, error) : status;
    }
    bool whole = false;
    int threads = 1;
    if (status == WOM_OK) {
        status = choose_parallel(batch, group, &whole, &threads, error);
    }
    if (status == WOM_OK) { /* before the long part, so a bad folder fails at once */
        status = make_dirs(batch, error);
    }
    if (status == WOM_OK) {
        status = whole ? run_whole_tasks(run, group, threads, error)
                       : run_split_tasks(run, group, error);
    }
    return status;
}

wom_status wom_batch_run_with(wom_batch_t *batch, const wom_batch_control_t *control,
                              wom_error_t *error) {
    batch->control = control != NULL ? *control : (wom_batch_control_t){0};
    batch->stopped = false;
    batch->tasks_kept = 0;
    batch->tasks_damaged = 0;
    wom_error_clear(&batch->damaged);
    run_t run = {batch, NULL, 0, wom_batch_shard_tasks(&batch->plan)};
    group_t group = {0};
    uint8_t *done = NULL;
    group.ids = malloc(((size_t)run.total + 1) * sizeof *group.ids);
    group.unit_start = malloc(((size_t)run.total + 1) * sizeof *group.unit_start);
    if (batch->control.resume) {
        done = calloc((size_t)wom_batch_tasks(&batch->plan) / 8 + 1, 1);
    }
    wom_status status = WOM_OK;
    if (group.ids == NULL || group.unit_start == NULL || (batch->control.resume && done == NULL)) {
        status = wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    if (status == WOM_OK) {
        status = wom_batch_prepare_folder(batch, error);
    }
    if (status == WOM_OK && done != NULL) {
        status = wom_batch_find_done(batch, done, error);
    }
    run.done = done;
    run.finished = batch->tasks_kept;
    if (status == WOM_OK && batch->control.progress != NULL) {
        batch->control.progress(batch->control.progress_user, run.finished, run.total);
    }
    for (uint32_t p = 0; status == WOM_OK && p < batch->plan.points && !stopping(batch);
         p = group.end) {
        status = next_group(&run, p, &group, error);
        if (status == WOM_OK && group.count > 0) {
            status = run_group(&run, &group, error);
        }
    }
    /* Without a failure, only a stop leaves tasks undone. */
    batch->stopped = status == WOM_OK && run.finished < run.total;
    if (status == WOM_OK) { /* a shard without tasks still has a folder to report in */
        status = make_dirs(batch, error);
    }
    free(group.ids);
    free(group.unit_start);
    free(done);
    return status;
}

wom_status wom_batch_run(wom_batch_t *batch, wom_error_t *error) {
    return wom_batch_run_with(batch, NULL, error);
}
