/* batch.h: research batches. A batch is the full factorial of a sweep
 * (points in the config's order: swept keys in the order they were first
 * set, the last varying fastest) times replications. Its tasks have stable
 * ids, run_id = point * replications + replication, and a task's rows
 * depend on its id only: its random streams are keyed by the seed and its
 * run id, or its replication under common random numbers
 * (wom_batch_stream_task), and its network is draw 0 of its point's
 * network keys and seed, or with network.per_replication draw r for
 * replication r (wom_graph_draw).
 *
 * Running a batch keeps every finished task on disk as
 * DIR/tasks/<run_id>.rows, written atomically. Aggregating reads the task
 * files back (aggregate.h) and every output is written from them
 * (output.h), so outputs never depend on how the tasks were spread over
 * threads, shards or machines. Shard I of N
 * runs the tasks with run_id % N == I. Because the task files are the
 * batch's state, a killed or stopped batch resumes from them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_BATCH_H
#define WOMSIM_BATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/status.h"

/* Which tasks there are and which of them this process runs. */
typedef struct {
    uint32_t points;       /* sweep points, >= 1 */
    uint32_t replications; /* per point, >= 1; points x replications < 2^32 */
    uint32_t shard;        /* this process runs the tasks with run_id % shards == shard */
    uint32_t shards;       /* >= 1; 1: every task */
} wom_batch_plan_t;

static inline uint32_t wom_batch_tasks(const wom_batch_plan_t *plan) {
    return plan->points * plan->replications;
}

static inline uint32_t wom_batch_run_id(const wom_batch_plan_t *plan, uint32_t point,
                                        uint32_t replication) {
    return point * plan->replications + replication;
}

static inline uint32_t wom_batch_point(const wom_batch_plan_t *plan, uint32_t run_id) {
    return run_id / plan->replications;
}

static inline uint32_t wom_batch_replication(const wom_batch_plan_t *plan, uint32_t run_id) {
    return run_id % plan->replications;
}

/* The task word of task `run_id`'s random streams (wom_model_reset): its
 * run id, or with common random numbers (`common`: its point's
 * simulation.common_random_numbers) its replication, so that replication r
 * draws the same streams at every point and differences between points
 * are not blurred by different draws. */
static inline uint32_t wom_batch_stream_task(const wom_batch_plan_t *plan, uint32_t run_id,
                                             bool common) {
    return common ? wom_batch_replication(plan, run_id) : run_id;
}

/* Whether this process's shard runs task `run_id`. */
static inline bool wom_batch_mine(const wom_batch_plan_t *plan, uint32_t run_id) {
    return run_id % plan->shards == plan->shard;
}

/* How many tasks this shard runs. */
static inline uint32_t wom_batch_shard_tasks(const wom_batch_plan_t *plan) {
    uint32_t tasks = wom_batch_tasks(plan);
    return tasks / plan->shards + (plan->shard < tasks % plan->shards ? 1 : 0);
}

/* The tasks of `point` that this shard runs, ascending, into `ids` (room
 * for plan->replications); returns how many. */
uint32_t wom_batch_point_tasks(const wom_batch_plan_t *plan, uint32_t point, uint32_t *ids);

/* ---- task files ----------------------------------------------------------
 * DIR/tasks/<run_id>.rows, all integers little-endian:
 *   0   8  magic "WOMTASK\0"
 *   8   4  format version (WOM_BATCH_TASK_VERSION)
 *  12   4  counters per row (WOM_M_COUNTERS)
 *  16   4  run_id
 *  20   4  steps (the file holds steps + 1 rows, step 0 first)
 *  24   4  agents
 *  28  64  scenario hash, lowercase hex
 *  92   8  FNV-1a 64 of bytes 0..91 and of the rows
 * 100      the rows: (steps + 1) x counters int64 */
#define WOM_BATCH_TASK_VERSION 1
#define WOM_BATCH_TASK_HEADER  100 /* bytes before the rows */

typedef struct {
    char scenario_hash[65]; /* 64 hex digits */
    uint32_t run_id;
    uint32_t steps;  /* rows: steps + 1 */
    uint32_t agents; /* nodes of the network the task ran on */
} wom_batch_task_t;

/* "DIR/tasks/<run_id>.rows" into path[size]; false when it does not fit. */
bool wom_batch_task_path(const char *dir, uint32_t run_id, char *path, size_t size);

/* Writes the task file of task->run_id (rows 0..steps) atomically:
 * temporary name in DIR/tasks, fsync, rename. DIR/tasks must exist. */
wom_status wom_batch_write_task(const char *dir, const wom_batch_task_t *task,
                                const wom_metrics_row_t *rows, wom_error_t *error);

/* Reads the task file of expected->run_id into rows[0..steps] and its
 * agents into *agents, checking that it is a task file of this format, of
 * this scenario hash, run id and step count, whole and unaltered
 * (checksum). WOM_ENOENT when it is missing; WOM_EDATA, with a message
 * saying what is wrong, otherwise. expected->agents is not checked. */
wom_status wom_batch_read_task(const char *dir, const wom_batch_task_t *expected,
                               wom_metrics_row_t *rows, uint32_t *agents, wom_error_t *error);

/* ---- a batch ------------------------------------------------------------ */

/* Which days of each task runs.csv keeps (--record). */
typedef enum {
    WOM_BATCH_RECORD_AUTO = 0, /* every day; under a sampled design the last day only */
    WOM_BATCH_RECORD_FINAL,    /* the last day only */
    WOM_BATCH_RECORD_EVERY     /* days 0, N, 2N, ... and the last day (record_every = N) */
} wom_batch_record_t;

typedef struct {
    const char *dir;    /* result folder */
    const char *name;   /* scenario name, e.g. "baseline" */
    uint32_t shard;     /* this process's shard, < shards */
    uint32_t shards;    /* >= 1 */
    uint64_t max_tasks; /* refuse batches with more tasks */
    int threads;        /* >= 1 */
    uint64_t max_bytes; /* memory limit (--max-mem), 0 = none */
    wom_batch_record_t record;
    uint32_t record_every; /* WOM_BATCH_RECORD_EVERY's N, >= 1 */
} wom_batch_options_t;

/* How the tasks of consecutive points on one network share the threads.
 * The outputs are the same bytes whichever is chosen. */
typedef enum {
    WOM_BATCH_PARALLEL_AUTO = 0, /* TASKS when there are at least as many tasks to run as
                                    threads and their models fit in max_bytes; else AGENTS */
    WOM_BATCH_PARALLEL_TASKS,    /* whole tasks per thread, one model each */
    WOM_BATCH_PARALLEL_AGENTS    /* one task at a time, its agents split over the threads */
} wom_batch_parallel_t;

/* Progress: called with (tasks done, tasks in all). */
typedef void (*wom_progress_fn)(void *user, uint32_t done, uint32_t total);

/* How wom_batch_run_with runs the tasks; all zero is wom_batch_run. */
typedef struct {
    bool resume; /* keep this shard's valid task files and run only the rest; a damaged one
                    is run again */
    wom_batch_parallel_t parallel;
    /* Raised (non-zero) to stop: tasks in flight finish and are kept, no task starts and
     * aggregation stops before its next point. NULL: never. Typically set by a signal
     * handler; a sig_atomic_t is written in one store and read through volatile, so a
     * thread sees it by its next task at the latest. */
    const volatile sig_atomic_t *stop;
    /* Called with (tasks done, this shard's tasks) once before the first task (done: the
     * tasks kept by resume) and after each task, from one thread at a time. NULL: none. */
    wom_progress_fn progress;
    void *progress_user;
} wom_batch_control_t;

/* The network file a batch reads (network.model = file at some point). */
typedef struct {
    char path[WOM_MAX_PATH]; /* as the scenario resolved it; "" when no point reads a file */
    char sha256[65];         /* its contents' SHA-256, 64 hex digits; "" without a file */
} wom_batch_network_file_t;

/* The scenario hash (64 hex digits) results record: wom_config_hash, or,
 * when a point reads its network from a file, the hash with the file's
 * SHA-256 (wom_config_hash_network), so that resume and merge refuse a
 * file replaced since, even by one of as many nodes. Every point must
 * resolve; the file must be a regular file that can be read (WOM_ENOENT). */
wom_status wom_batch_scenario_hash(const wom_config_t *config, char hash[65],
                                   wom_batch_network_file_t *network, wom_error_t *error);

typedef struct {
    const wom_config_t *config; /* borrowed: outlives the batch */
    wom_batch_options_t options;
    char hash[65];                         /* scenario hash (wom_batch_scenario_hash) */
    wom_batch_network_file_t network_file; /* part of the hash */
    wom_batch_plan_t plan;
    size_t keys;                 /* swept keys */
    wom_config_sweep_t *sweep;   /* keys entries, sweep order */
    wom_scenario_t first;        /* point 0's scenario */
    wom_graph_t *graph;          /* draw 0 of the last network built, kept while it stays */
    wom_scenario_t graph_of;     /* the scenario `graph` was built for */
    double graph_seconds;        /* time spent building graphs so far (summed over the
                                    threads that build their own: network.per_replication) */
    uint32_t tasks_run;          /* tasks this process ran */
    bool dir_made;               /* the folder and DIR/tasks exist */
    bool locked;                 /* lock_fd holds the folder's lock (wom_batch_lock) */
    int lock_fd;                 /* the folder, open to hold its lock; released by destroy */
    wom_batch_control_t control; /* of the last wom_batch_run_with; writing the outputs obeys
                                    its stop too */
    uint32_t tasks_kept;         /* resume: valid task files found and not run again */
    uint32_t tasks_damaged;      /* resume: damaged task files run again */
    wom_error_t damaged;         /* what was wrong with the first of them */
    bool stopped;                /* control.stop left tasks undone */
} wom_batch_t;

/* Sets up the batch of `config` and checks it: every point resolves; the
 * sweep varies neither simulation.replications (run ids count them) nor
 * model.kind (points must share their metrics); at most options->max_tasks
 * tasks (WOM_ECONFIG otherwise, naming the count). */
wom_status wom_batch_init(wom_batch_t *batch, const wom_config_t *config,
                          const wom_batch_options_t *options, wom_error_t *error);
void wom_batch_destroy(wom_batch_t *batch);

/* Locks the output folder (flock, held until wom_batch_destroy) when it
 * exists: exclusively for a whole batch (shard 0/1: a run, resume or
 * merge), shared for a shard, so that the shards of one batch run side by
 * side while a whole run or a merge has the folder to itself. WOM_EBUSY,
 * naming the folder, when another process holds a lock that excludes
 * this one. A filesystem that cannot lock folders (some network ones) is
 * used unlocked. wom_batch_run_with calls it, and again once it has made
 * the folder. */
wom_status wom_batch_lock(wom_batch_t *batch, wom_error_t *error);

/* The value index of swept key `key` at `point`: mixed radix for a grid
 * (the last key fastest), `point` under a sampled design
 * (wom_config_value_index). */
size_t wom_batch_value_index(const wom_batch_t *batch, uint32_t point, size_t key);

/* Runs this shard's tasks and writes each task file as the task finishes.
 * Consecutive points on one network (the same network keys and seed) form
 * a group that shares one graph; the tasks of a group run in parallel as
 * control->parallel says, so a sweep of points with few replications each
 * still keeps every thread busy. With network.per_replication the tasks
 * of replication r > 0 run on draw r of the network instead: a thread runs
 * a replication's tasks of the group one after another on the draw it
 * built, and the memory estimate counts a draw per thread. The first graph
 * is built and the memory estimate checked before the folder is made, so
 * a refused batch leaves nothing behind.
 *
 * Before running, the folder is checked: a task file of another scenario
 * hash in DIR/tasks is refused (WOM_EDATA, naming both hashes; batches
 * never mix in one folder), and the temporary files a killed run of this
 * shard left (NAME.tmp.XXXXXX: its task files'; for an unsharded batch
 * also the outputs' and manifest.json's; for a shard its manifest's) are
 * removed. Without control->resume every task of the shard runs again
 * (its files are rewritten with the same bytes). `control` may be NULL. */
wom_status wom_batch_run_with(wom_batch_t *batch, const wom_batch_control_t *control,
                              wom_error_t *error);

/* wom_batch_run_with(batch, NULL, error): every task of the shard, the
 * parallel strategy chosen automatically, no progress, no stop. */
wom_status wom_batch_run(wom_batch_t *batch, wom_error_t *error);

/* Makes batch->graph draw 0 of `scenario`'s network: the one kept when
 * the network keys and seed are the same, else a new one (counted in
 * graph_seconds), checked against the scenario's model (wom_model_check).
 * Aggregation reports this draw's size (summary.json's edges). */
wom_status wom_batch_graph(wom_batch_t *batch, const wom_scenario_t *scenario, wom_error_t *error);

/* A batch's run time estimated from a short calibration. */
typedef struct {
    double networks;      /* networks the batch builds */
    double tasks;         /* this shard's tasks */
    double days;          /* days of all of them */
    double graph_seconds; /* building point 0's network once */
    uint32_t days_timed;  /* days of point 0's first task run on one thread */
    double day_seconds;   /* their mean */
    double total_seconds; /* networks and days at options.threads */
} wom_batch_estimate_t;

/* Builds point 0's network (batch->graph, as wom_batch_graph, so the
 * memory limit applies) and runs its first task on one thread for up to
 * `budget_seconds` or its last day, then scales both times to the batch.
 * Writes nothing. */
wom_status wom_batch_estimate(wom_batch_t *batch, double budget_seconds,
                              wom_batch_estimate_t *estimate, wom_error_t *error);

/* How many task files of the batch are missing (not there at all); the
 * first missing run id in *first. */
uint32_t wom_batch_missing(const wom_batch_t *batch, uint32_t *first);

/* Reads and checks every task file of this process's tasks, as aggregation
 * will. WOM_OK when all are valid; else the first bad run id in *first and
 * WOM_ENOENT (missing) or WOM_EDATA (damaged), with the reason in `error`.
 * Checking first means a bad file is found before any output is written. */
wom_status wom_batch_verify(wom_batch_t *batch, uint32_t *first, wom_error_t *error);

/* The folder of a point's timeseries files: DIR for a single point, else
 * DIR/points/<point>. False when the path does not fit. */
bool wom_batch_point_dir(const wom_batch_t *batch, uint32_t point, char *path, size_t size);

#endif
