/* batch.c: research batches: the tasks of a sweep, task files, running a
 * shard's tasks over OpenMP threads, and aggregating the task files into
 * the outputs. Workload: 1 to 10^5 tasks of 10^2..10^6 agents each; a task
 * file holds (steps + 1) x WOM_M_COUNTERS int64 (about 130 KiB for a
 * year), written once and read once or twice (aggregation, runs.csv).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/batch.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "womsim/analytic.h"
#include "womsim/model.h"
#include "womsim/output.h"
#include "womsim/rng.h"
#include "womsim/stats.h"

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

/* ---- task files --------------------------------------------------------- */

static const char task_magic[8] = "WOMTASK"; /* with its NUL: 8 bytes */

enum {
    AT_VERSION = 8,
    AT_COUNTERS = 12,
    AT_RUN_ID = 16,
    AT_STEPS = 20,
    AT_AGENTS = 24,
    AT_HASH = 28,
    AT_CHECKSUM = 92
};

/* Little-endian whatever the machine, so shards on any cluster node agree. */
static void put32(uint8_t *p, uint32_t value) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
}

static void put64(uint8_t *p, uint64_t value) {
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
}

static uint32_t get32(const uint8_t *p) {
    uint32_t value = 0;
    for (int i = 3; i >= 0; i--) {
        value = value << 8 | p[i];
    }
    return value;
}

static uint64_t get64(const uint8_t *p) {
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--) {
        value = value << 8 | p[i];
    }
    return value;
}

/* FNV-1a, 64 bits: catches flipped or shifted bytes; not a defence against
 * anyone forging a file. */
static uint64_t fnv1a(uint64_t hash, const uint8_t *bytes, size_t length) {
    for (size_t i = 0; i < length; i++) {
        hash = (hash ^ bytes[i]) * UINT64_C(0x100000001b3);
    }
    return hash;
}

static uint64_t task_checksum(const uint8_t *bytes, size_t length) {
    uint64_t hash = fnv1a(UINT64_C(0xcbf29ce484222325), bytes, AT_CHECKSUM);
    return fnv1a(hash, bytes + WOM_BATCH_TASK_HEADER, length - WOM_BATCH_TASK_HEADER);
}

static size_t task_bytes(uint32_t steps) {
    return WOM_BATCH_TASK_HEADER + ((size_t)steps + 1) * WOM_M_COUNTERS * sizeof(int64_t);
}

bool wom_batch_task_path(const char *dir, uint32_t run_id, char *path, size_t size) {
    int length = snprintf(path, size, "%s/tasks/%u.rows", dir, run_id);
    return length >= 0 && (size_t)length < size;
}

static uint8_t *encode_task(const wom_batch_task_t *task, const wom_metrics_row_t *rows,
                            size_t *length) {
    *length = task_bytes(task->steps);
    uint8_t *bytes = malloc(*length);
    if (bytes == NULL) {
        return NULL;
    }
    memcpy(bytes, task_magic, sizeof task_magic);
    put32(bytes + AT_VERSION, WOM_BATCH_TASK_VERSION);
    put32(bytes + AT_COUNTERS, WOM_M_COUNTERS);
    put32(bytes + AT_RUN_ID, task->run_id);
    put32(bytes + AT_STEPS, task->steps);
    put32(bytes + AT_AGENTS, task->agents);
    memcpy(bytes + AT_HASH, task->scenario_hash, 64);
    uint8_t *at = bytes + WOM_BATCH_TASK_HEADER;
    for (uint32_t t = 0; t <= task->steps; t++) {
        for (int c = 0; c < WOM_M_COUNTERS; c++, at += 8) {
            put64(at, (uint64_t)rows[t].count[c]);
        }
    }
    put64(bytes + AT_CHECKSUM, task_checksum(bytes, *length));
    return bytes;
}

typedef struct {
    const uint8_t *bytes;
    size_t length;
} blob_t;

static wom_status write_blob(FILE *stream, const void *context) {
    const blob_t *blob = context;
    return fwrite(blob->bytes, 1, blob->length, stream) == blob->length ? WOM_OK : WOM_EIO;
}

wom_status wom_batch_write_task(const char *dir, const wom_batch_task_t *task,
                                const wom_metrics_row_t *rows, wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (!wom_batch_task_path(dir, task->run_id, path, sizeof path)) {
        return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
    }
    blob_t blob;
    uint8_t *bytes = encode_task(task, rows, &blob.length);
    if (bytes == NULL) {
        return wom_error_set(error, WOM_ENOMEM, path, 0, "out of memory");
    }
    blob.bytes = bytes;
    wom_status status = wom_output_write_with(path, write_blob, &blob, error);
    free(bytes);
    return status;
}

/* Up to `limit` + 1 bytes of the file, so that a longer file shows. */
static wom_status read_bytes(const char *path, size_t limit, uint8_t **bytes, size_t *length,
                             wom_error_t *error) {
    FILE *stream = fopen(path, "rb");
    if (stream == NULL) {
        if (errno == ENOENT) {
            return wom_error_set(error, WOM_ENOENT, path, 0, "task file missing");
        }
        return wom_error_set(error, WOM_EIO, path, 0, "cannot read: %s", strerror(errno));
    }
    *bytes = malloc(limit + 1);
    *length = *bytes == NULL ? 0 : fread(*bytes, 1, limit + 1, stream);
    bool failed = ferror(stream) != 0;
    fclose(stream);
    if (*bytes == NULL) {
        return wom_error_set(error, WOM_ENOMEM, path, 0, "out of memory");
    }
    if (failed) {
        free(*bytes);
        *bytes = NULL;
        return wom_error_set(error, WOM_EIO, path, 0, "cannot read");
    }
    return WOM_OK;
}

/* The first 12 characters of a stored hash, unprintable bytes as '?'. */
static void hash_prefix(const uint8_t *stored, char out[13]) {
    for (int i = 0; i < 12; i++) {
        out[i] = stored[i] >= 0x20 && stored[i] < 0x7f ? (char)stored[i] : '?';
    }
    out[12] = '\0';
}

/* Checks the header and size against `expected`; says what is wrong. */
static wom_status check_task(const char *path, const uint8_t *bytes, size_t length,
                             const wom_batch_task_t *expected, wom_error_t *error) {
    size_t want = task_bytes(expected->steps);
    if (length < sizeof task_magic || memcmp(bytes, task_magic, sizeof task_magic) != 0) {
        return wom_error_set(error, WOM_EDATA, path, 0, "not a womsim task file");
    }
    if (length < WOM_BATCH_TASK_HEADER) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "truncated: %zu bytes, shorter than a task file's header", length);
    }
    if (get32(bytes + AT_VERSION) != WOM_BATCH_TASK_VERSION ||
        get32(bytes + AT_COUNTERS) != WOM_M_COUNTERS) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "task file format %u with %u counters per row; this womsim "
                             "reads format %d with %d (written by another version?)",
                             get32(bytes + AT_VERSION), get32(bytes + AT_COUNTERS),
                             WOM_BATCH_TASK_VERSION, WOM_M_COUNTERS);
    }
    if (memcmp(bytes + AT_HASH, expected->scenario_hash, 64) != 0) {
        char stored[13];
        hash_prefix(bytes + AT_HASH, stored);
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "belongs to scenario %s..., not %.12s... (a task of another "
                             "batch in the same folder?)",
                             stored, expected->scenario_hash);
    }
    if (get32(bytes + AT_RUN_ID) != expected->run_id ||
        get32(bytes + AT_STEPS) != expected->steps) {
        return wom_error_set(
            error, WOM_EDATA, path, 0, "holds task %u of %u steps, expected task %u of %u steps",
            get32(bytes + AT_RUN_ID), get32(bytes + AT_STEPS), expected->run_id, expected->steps);
    }
    if (length != want) {
        return wom_error_set(error, WOM_EDATA, path, 0, "%s: %zu bytes, expected %zu",
                             length < want ? "truncated" : "too long", length, want);
    }
    if (get64(bytes + AT_CHECKSUM) != task_checksum(bytes, length)) {
        return wom_error_set(error, WOM_EDATA, path, 0, "checksum mismatch: the file is corrupted");
    }
    return WOM_OK;
}

wom_status wom_batch_read_task(const char *dir, const wom_batch_task_t *expected,
                               wom_metrics_row_t *rows, uint32_t *agents, wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (!wom_batch_task_path(dir, expected->run_id, path, sizeof path)) {
        return wom_error_set(error, WOM_ENOENT, dir, 0, "path is too long");
    }
    uint8_t *bytes = NULL;
    size_t length = 0;
    wom_status status = read_bytes(path, task_bytes(expected->steps), &bytes, &length, error);
    if (status == WOM_OK) {
        status = check_task(path, bytes, length, expected, error);
    }
    if (status == WOM_OK) {
        const uint8_t *at = bytes + WOM_BATCH_TASK_HEADER;
        for (uint32_t t = 0; t <= expected->steps; t++) {
            for (int c = 0; c < WOM_M_COUNTERS; c++, at += 8) {
                rows[t].count[c] = (int64_t)get64(at);
            }
        }
        *agents = get32(bytes + AT_AGENTS);
    }
    free(bytes);
    return status;
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
            "the batch has %s%llu tasks (%zu points x %llu replications), more "
            "than %s %llu; sweep fewer values%s",
            keyed ? "" : "over ", (unsigned long long)(keyed ? tasks : WOM_RNG_MAX_TASKS), points,
            (unsigned long long)replications,
            over_limit ? "--max-tasks" : "the random streams can key,",
            (unsigned long long)(over_limit ? batch->options.max_tasks : WOM_RNG_MAX_TASKS),
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

wom_status wom_batch_init(wom_batch_t *batch, const wom_config_t *config,
                          const wom_batch_options_t *options, wom_error_t *error) {
    memset(batch, 0, sizeof *batch);
    batch->config = config;
    batch->options = *options;
    if (config == NULL || options->shards < 1 || options->shard >= options->shards ||
        options->threads < 1) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_batch_init: bad arguments");
    }
    wom_status status = wom_config_hash(config, batch->hash);
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
    }
}

size_t wom_batch_value_index(const wom_batch_t *batch, uint32_t point, size_t key) {
    size_t stride = 1;
    for (size_t k = key + 1; k < batch->keys; k++) {
        stride *= batch->sweep[k].count;
    }
    return (point / stride) % batch->sweep[key].count;
}

bool wom_batch_point_dir(const wom_batch_t *batch, uint32_t point, char *path, size_t size) {
    int length = batch->plan.points == 1
                     ? snprintf(path, size, "%s", batch->options.dir)
                     : snprintf(path, size, "%s/points/%u", batch->options.dir, point);
    return length >= 0 && (size_t)length < size;
}

/* ---- running ------------------------------------------------------------ */

/* The graph depends on the network keys and the seed only. Both scenarios
 * come from wom_config_scenario, which zeroes them first, so their bytes
 * (padding and the tail of network.file included) compare. */
static bool same_network(const wom_scenario_t *a, const wom_scenario_t *b) {
    return a->simulation.seed == b->simulation.seed &&
           memcmp(&a->network, &b->network, sizeof a->network) == 0;
}

static wom_status graph_for(wom_batch_t *batch, const wom_scenario_t *scenario,
                            wom_error_t *error) {
    if (batch->graph != NULL && same_network(&batch->graph_of, scenario)) {
        return WOM_OK;
    }
    wom_graph_free(batch->graph);
    batch->graph = NULL;
    wom_status status = wom_graph_build(scenario, batch->options.max_bytes, &batch->graph, error);
    if (status == WOM_OK) {
        memcpy(&batch->graph_of, scenario, sizeof *scenario);
        status = wom_model_check(scenario, batch->graph, error);
    }
    return status;
}

/* Refuses a point whose network, model copies and one point's rows
 * (aggregation holds them together) would exceed the limit. Tasks run
 * whole per thread, one model each, when there are at least as many as
 * threads; else one model splits its agents over the threads. */
static wom_status check_memory(const wom_batch_t *batch, const wom_scenario_t *scenario,
                               uint32_t tasks, wom_error_t *error) {
    const wom_graph_t *graph = batch->graph;
    int threads = batch->options.threads;
    uint64_t rows = (uint64_t)scenario->simulation.replications *
                    (uint64_t)(scenario->simulation.steps + 1) * sizeof(wom_metrics_row_t);
    uint64_t models =
        tasks >= (uint32_t)threads
            ? (uint64_t)threads * wom_model_estimate_bytes(graph->nodes, graph->max_degree, 1)
            : wom_model_estimate_bytes(graph->nodes, graph->max_degree, threads);
    uint64_t network = wom_graph_bytes(graph);
    uint64_t needed = network + rows + models, limit = batch->options.max_bytes;
    if (limit != 0 && needed > limit) {
        return wom_error_set(error, WOM_ETOOBIG, "", 0,
                             "the run needs about %.1f MiB (network %.1f, agents %.1f, results "
                             "%.1f), more than the limit of %.1f MiB (--max-mem); use fewer "
                             "threads, replications or steps",
                             needed / 1048576.0, network / 1048576.0, models / 1048576.0,
                             rows / 1048576.0, limit / 1048576.0);
    }
    return WOM_OK;
}

/* DIR and DIR/tasks, once. DIR first, so that an empty name is refused
 * rather than becoming "/tasks". */
static wom_status make_dirs(wom_batch_t *batch, wom_error_t *error) {
    char tasks[WOM_MAX_PATH];
    if (batch->dir_made) {
        return WOM_OK;
    }
    wom_status status = wom_output_make_dir(batch->options.dir, error);
    if (status == WOM_OK) {
        if (snprintf(tasks, sizeof tasks, "%s/tasks", batch->options.dir) >= (int)sizeof tasks) {
            return wom_error_set(error, WOM_ECANTCREAT, batch->options.dir, 0, "path is too long");
        }
        status = wom_output_make_dir(tasks, error);
    }
    batch->dir_made = status == WOM_OK;
    return status;
}

/* One point's tasks for this shard and what they run on. */
typedef struct {
    const wom_batch_t *batch;
    const wom_scenario_t *scenario;
    const uint32_t *ids;
    uint32_t count;
} point_run_t;

static wom_status run_task(wom_model_t *model, const point_run_t *run, uint32_t run_id,
                           wom_metrics_row_t *rows, wom_error_t *error) {
    uint32_t steps = (uint32_t)run->scenario->simulation.steps;
    wom_model_reset(model, run_id, &rows[0]);
    for (uint32_t t = 1; t <= steps; t++) {
        wom_model_step(model, &rows[t]);
    }
    wom_batch_task_t task = {.run_id = run_id, .steps = steps, .agents = run->batch->graph->nodes};
    memcpy(task.scenario_hash, run->batch->hash, sizeof task.scenario_hash);
    return wom_batch_write_task(run->batch->options.dir, &task, rows, error);
}

/* Whole tasks per thread, one model each. The first failure stops the
 * tasks not yet started and is reported. */
static wom_status run_tasks_parallel(const point_run_t *run, wom_error_t *error) {
    size_t rows_per_task = (size_t)run->scenario->simulation.steps + 1;
    wom_status status = WOM_OK;
    int failed = 0;
#pragma omp parallel num_threads(run->batch->options.threads)
    {
        wom_model_t *model = NULL;
        wom_metrics_row_t *rows = malloc(rows_per_task * sizeof *rows);
        wom_error_t mine_error = {0};
        wom_status mine = rows == NULL
                              ? WOM_ENOMEM
                              : wom_model_alloc(run->scenario, run->batch->graph, 1, &model);
#pragma omp for schedule(dynamic, 1)
        for (uint32_t i = 0; i < run->count; i++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            if (mine == WOM_OK && !stop) {
                mine = run_task(model, run, run->ids[i], rows, &mine_error);
            }
            if (mine != WOM_OK) {
#pragma omp atomic write
                failed = 1;
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
        wom_model_free(model);
        free(rows);
    }
    return status;
}

/* Fewer tasks than threads: one model whose steps split the agents. */
static wom_status run_tasks_split(const point_run_t *run, wom_error_t *error) {
    wom_model_t *model = NULL;
    wom_metrics_row_t *rows = malloc(((size_t)run->scenario->simulation.steps + 1) * sizeof *rows);
    wom_status status = rows == NULL ? WOM_ENOMEM
                                     : wom_model_alloc(run->scenario, run->batch->graph,
                                                       run->batch->options.threads, &model);
    for (uint32_t i = 0; status == WOM_OK && i < run->count; i++) {
        status = run_task(model, run, run->ids[i], rows, error);
    }
    wom_model_free(model);
    free(rows);
    return status;
}

wom_status wom_batch_run(wom_batch_t *batch, wom_error_t *error) {
    uint32_t *ids = malloc(batch->plan.replications * sizeof *ids);
    if (ids == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    wom_status status = WOM_OK;
    for (uint32_t p = 0; status == WOM_OK && p < batch->plan.points; p++) {
        uint32_t count = wom_batch_point_tasks(&batch->plan, p, ids);
        if (count == 0) {
            continue;
        }
        wom_scenario_t scenario;
        status = wom_config_scenario(batch->config, p, &scenario, error);
        if (status == WOM_OK) {
            status = graph_for(batch, &scenario, error);
        }
        if (status == WOM_OK) {
            status = check_memory(batch, &scenario, count, error);
        }
        if (status == WOM_OK) { /* before the long part, so a bad folder fails at once */
            status = make_dirs(batch, error);
        }
        if (status == WOM_OK) {
            point_run_t run = {batch, &scenario, ids, count};
            status = count >= (uint32_t)batch->options.threads ? run_tasks_parallel(&run, error)
                                                               : run_tasks_split(&run, error);
        }
        batch->tasks_run += status == WOM_OK ? count : 0;
    }
    if (status == WOM_OK) { /* a shard without tasks still has a folder to report in */
        status = make_dirs(batch, error);
    }
    free(ids);
    return status;
}

uint32_t wom_batch_missing(const wom_batch_t *batch, uint32_t *first) {
    uint32_t missing = 0, tasks = wom_batch_tasks(&batch->plan);
    for (uint32_t run_id = 0; run_id < tasks; run_id++) {
        char path[WOM_MAX_PATH];
        struct stat info;
        if (!wom_batch_task_path(batch->options.dir, run_id, path, sizeof path) ||
            stat(path, &info) != 0) {
            *first = missing == 0 ? run_id : *first;
            missing++;
        }
    }
    return missing;
}

/* ---- aggregating -------------------------------------------------------- */

/* What the points add to the batch's outputs, built point by point. */
typedef struct {
    wom_output_stream_t runs;    /* runs.csv, open until every point is in */
    const char **names;          /* swept keys' names */
    size_t *counts;              /* their value counts */
    const char **values;         /* points x keys: each point's swept values */
    wom_metrics_layout_t layout; /* point 0's columns, shared by every point */
    wom_stats_summary_t *finals; /* points x columns */
    wom_stats_summary_t *shares; /* points; reference kinds only */
} aggregate_t;

static wom_status aggregate_alloc(const wom_batch_t *batch, aggregate_t *a) {
    size_t points = batch->plan.points, keys = batch->keys;
    wom_metrics_layout_init(&a->layout, &batch->first);
    a->names = calloc(keys + 1, sizeof *a->names);
    a->counts = calloc(keys + 1, sizeof *a->counts);
    a->values = calloc(points * keys + 1, sizeof *a->values);
    a->finals = calloc(points * (size_t)a->layout.count, sizeof *a->finals);
    a->shares = calloc(points, sizeof *a->shares);
    if (!a->names || !a->counts || !a->values || !a->finals || !a->shares) {
        return WOM_ENOMEM;
    }
    for (size_t k = 0; k < keys; k++) {
        a->names[k] = batch->sweep[k].name;
        a->counts[k] = batch->sweep[k].count;
        for (uint32_t p = 0; p < points; p++) {
            a->values[p * keys + k] = batch->sweep[k].values[wom_batch_value_index(batch, p, k)];
        }
    }
    return WOM_OK;
}

static void aggregate_free(aggregate_t *a) {
    wom_output_stream_abandon(&a->runs);
    free(a->names);
    free(a->counts);
    free(a->values);
    free(a->finals);
    free(a->shares);
}

/* Every replication's task file of `point` into result->rows, checked
 * against the network the point runs on now. */
static wom_status load_point(const wom_batch_t *batch, uint32_t point, wom_run_result_t *result,
                             wom_error_t *error) {
    wom_batch_task_t expected = {.steps = result->steps};
    memcpy(expected.scenario_hash, batch->hash, sizeof expected.scenario_hash);
    for (uint32_t r = 0; r < result->replications; r++) {
        uint32_t agents = 0;
        expected.run_id = wom_batch_run_id(&batch->plan, point, r);
        wom_status status =
            wom_batch_read_task(batch->options.dir, &expected,
                                &result->rows[(size_t)r * (result->steps + 1)], &agents, error);
        if (status == WOM_OK && agents != result->agents) {
            char path[WOM_MAX_PATH];
            wom_batch_task_path(batch->options.dir, expected.run_id, path, sizeof path);
            status = wom_error_set(error, WOM_EDATA, path, 0,
                                   "ran on %u agents, but the network has %u now", agents,
                                   result->agents);
        }
        if (status != WOM_OK) {
            return status;
        }
    }
    return WOM_OK;
}

/* The point's runs.csv rows, one replication's text at a time. */
static wom_status append_runs(const wom_batch_t *batch, aggregate_t *a, const wom_output_run_t *run,
                              uint32_t point) {
    wom_output_point_t at = {point, batch->keys, a->names, &a->values[(size_t)point * batch->keys]};
    wom_status status = WOM_OK;
    for (uint32_t r = 0; status == WOM_OK && r < run->result->replications; r++) {
        wom_text_t text;
        wom_text_init(&text);
        wom_output_runs_rows(&text, run, &at, r, wom_batch_run_id(&batch->plan, point, r));
        status = wom_output_stream_text(&a->runs, &text);
        wom_text_destroy(&text);
    }
    return status;
}

/* The files of one point from its task files, and its final summaries. */
static wom_status aggregate_point(wom_batch_t *batch, aggregate_t *a, uint32_t point,
                                  wom_error_t *error) {
    wom_scenario_t scenario;
    char dir[WOM_MAX_PATH];
    wom_status status = wom_config_scenario(batch->config, point, &scenario, error);
    if (status == WOM_OK) {
        status = graph_for(batch, &scenario, error);
    }
    if (status != WOM_OK) {
        return status;
    }
    wom_run_result_t result = {batch->plan.replications, (uint32_t)scenario.simulation.steps,
                               batch->graph->nodes, NULL};
    wom_metrics_layout_t layout;
    wom_stats_summary_t *series = NULL;
    wom_analytic_t analytic;
    bool reference = scenario.model.kind != WOM_KIND_WOM;
    result.rows = calloc((size_t)result.replications * (result.steps + 1), sizeof *result.rows);
    status = result.rows ? load_point(batch, point, &result, error) : WOM_ENOMEM;
    if (status == WOM_OK) {
        wom_metrics_layout_init(&layout, &scenario); /* price and discount may be swept */
        status = wom_stats_series(&result, &layout, &series);
    }
    if (status == WOM_OK && reference) {
        status = wom_analytic_compute(&scenario, batch->graph, &analytic);
    }
    if (status == WOM_OK && !wom_batch_point_dir(batch, point, dir, sizeof dir)) {
        status = wom_error_set(error, WOM_ECANTCREAT, batch->options.dir, 0, "path is too long");
    }
    wom_output_run_t run = {
        batch->options.name,         batch->hash, &scenario, batch->graph, &result, &layout, series,
        reference ? &analytic : NULL};
    if (status == WOM_OK) {
        status = wom_output_write_run(dir, &run, error);
    }
    if (status == WOM_OK) {
        status = append_runs(batch, a, &run, point);
    }
    if (status == WOM_OK) {
        size_t columns = (size_t)layout.count;
        memcpy(&a->finals[point * columns], &series[(size_t)result.steps * columns],
               columns * sizeof *series);
        status = reference ? wom_output_final_share(&run, &a->shares[point]) : WOM_OK;
    }
    free(series);
    wom_run_result_destroy(&result);
    return status;
}

static wom_status write_sweep(const wom_batch_t *batch, const aggregate_t *a, wom_error_t *error) {
    wom_output_sweep_t sweep = {batch->options.name,
                                batch->hash,
                                batch->first.simulation.seed,
                                batch->plan.points,
                                batch->plan.replications,
                                batch->keys,
                                a->names,
                                a->counts,
                                a->values,
                                &a->layout,
                                a->finals,
                                batch->first.model.kind == WOM_KIND_WOM ? NULL : a->shares};
    return wom_output_write_sweep(batch->options.dir, &sweep, error);
}

wom_status wom_batch_aggregate(wom_batch_t *batch, wom_error_t *error) {
    aggregate_t a = {0};
    char path[WOM_MAX_PATH];
    wom_status status = aggregate_alloc(batch, &a);
    if (status != WOM_OK) {
        aggregate_free(&a);
        return wom_error_set(error, status, "", 0, "out of memory");
    }
    if (snprintf(path, sizeof path, "%s/runs.csv", batch->options.dir) >= (int)sizeof path) {
        status = wom_error_set(error, WOM_ECANTCREAT, batch->options.dir, 0, "path is too long");
    }
    if (status == WOM_OK) {
        status = wom_output_stream_open(&a.runs, path, error);
    }
    if (status == WOM_OK) {
        wom_text_t header;
        wom_text_init(&header);
        wom_output_point_t names = {0, batch->keys, a.names, NULL};
        wom_output_runs_header(&header, &names);
        status = wom_output_stream_text(&a.runs, &header);
        wom_text_destroy(&header);
    }
    for (uint32_t p = 0; status == WOM_OK && p < batch->plan.points; p++) {
        status = aggregate_point(batch, &a, p, error);
    }
    if (status == WOM_OK) {
        status = wom_output_stream_commit(&a.runs, status, error);
    }
    if (status == WOM_OK && batch->plan.points > 1) {
        status = write_sweep(batch, &a, error);
    }
    aggregate_free(&a);
    return status;
}

/* ---- the files a manifest lists ------------------------------------------ */

wom_status wom_batch_files_add(wom_batch_files_t *files, const char *dir, const char *name) {
    char path[2 * WOM_MAX_PATH];
    struct stat info;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (stat(path, &info) != 0 || !S_ISREG(info.st_mode)) {
        return WOM_OK;
    }
    if ((files->count & (files->count - 1)) == 0) { /* grow at powers of two */
        char **grown = realloc(files->paths, (files->count ? 2 * files->count : 1) * sizeof *grown);
        if (grown == NULL) {
            return WOM_ENOMEM;
        }
        files->paths = grown;
    }
    files->paths[files->count] = strdup(name);
    return files->paths[files->count++] ? WOM_OK : WOM_ENOMEM;
}

static wom_status add_file(wom_batch_files_t *files, const char *dir, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* wom_batch_files_add with a name made by `format`. */
static wom_status add_file(wom_batch_files_t *files, const char *dir, const char *format, ...) {
    char name[WOM_MAX_PATH];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(name, sizeof name, format, args);
    va_end(args);
    return length < 0 || (size_t)length >= sizeof name ? WOM_OK
                                                       : wom_batch_files_add(files, dir, name);
}

static wom_status add_run_files(wom_batch_files_t *files, const wom_batch_t *batch,
                                const char *prefix, bool pictures) {
    static const char *const names[] = {"timeseries.csv", "summary.json", "timeseries.dat",
                                        "timeseries.gp",  "analytic.dat", "timeseries.png",
                                        "timeseries.svg"};
    size_t count = sizeof names / sizeof names[0] - (pictures ? 0 : 2);
    wom_status status = WOM_OK;
    for (size_t i = 0; status == WOM_OK && i < count; i++) {
        status = add_file(files, batch->options.dir, "%s%s", prefix, names[i]);
    }
    return status;
}

wom_status wom_batch_list_files(const wom_batch_t *batch, bool aggregated, bool pictures,
                                wom_batch_files_t *files) {
    const char *dir = batch->options.dir;
    uint32_t tasks = wom_batch_tasks(&batch->plan);
    *files = (wom_batch_files_t){0};
    wom_status status = WOM_OK;
    for (uint32_t run_id = 0; status == WOM_OK && run_id < tasks; run_id++) {
        if (aggregated || wom_batch_mine(&batch->plan, run_id)) {
            status = add_file(files, dir, "tasks/%u.rows", run_id);
        }
    }
    if (status == WOM_OK && aggregated) {
        status = add_file(files, dir, "runs.csv");
    }
    for (uint32_t p = 0; status == WOM_OK && aggregated && p < batch->plan.points; p++) {
        char prefix[64] = "";
        if (batch->plan.points > 1) {
            snprintf(prefix, sizeof prefix, "points/%u/", p);
        }
        status = add_run_files(files, batch, prefix, pictures);
    }
    static const char *const sweep[] = {"sweep.csv", "sweep.dat", "sweep.gp", "sweep.png",
                                        "sweep.svg"};
    size_t sweep_files = aggregated && batch->plan.points > 1 ? (pictures ? 5 : 3) : 0;
    for (size_t i = 0; status == WOM_OK && i < sweep_files; i++) {
        status = add_file(files, dir, "%s", sweep[i]);
    }
    if (status != WOM_OK) {
        wom_batch_files_destroy(files);
    }
    return status;
}

void wom_batch_files_destroy(wom_batch_files_t *files) {
    for (size_t i = 0; files != NULL && i < files->count; i++) {
        free(files->paths[i]);
    }
    if (files != NULL) {
        free(files->paths);
        *files = (wom_batch_files_t){0};
    }
}
