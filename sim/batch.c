/* batch.c: research batches: the tasks of a sweep, task files, checking a
 * folder before running (another scenario's tasks, a killed run's
 * temporary files, the valid tasks a resume keeps), running a shard's
 * tasks over OpenMP threads (whole tasks per thread across the points on
 * one network, or each task's agents split), stopping cleanly, and
 * aggregating the task files into the outputs. Workload: 1 to 10^5 tasks
 * of 10^2..10^6 agents each; a task file holds (steps + 1) x
 * WOM_M_COUNTERS int64 (about 130 KiB for a year), written once and read
 * once or twice (aggregation, runs.csv; a resume checks it once more).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/batch.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "womsim/analytic.h"
#include "womsim/model.h"
#include "womsim/output.h"
#include "rng.h"
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
        free(batch->finals);
        free(batch->shares);
        batch->sweep = NULL;
        batch->graph = NULL;
        batch->finals = batch->shares = NULL;
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

static double wall_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

static wom_status graph_for(wom_batch_t *batch, const wom_scenario_t *scenario,
                            wom_error_t *error) {
    if (batch->graph != NULL && same_network(&batch->graph_of, scenario)) {
        return WOM_OK;
    }
    wom_graph_free(batch->graph);
    batch->graph = NULL;
    double start = wall_seconds();
    wom_status status = wom_graph_build(scenario, batch->options.max_bytes, &batch->graph, error);
    batch->graph_seconds += wall_seconds() - start;
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

static bool stopping(const wom_batch_t *batch) {
    return batch->control.stop != NULL && *batch->control.stop != 0;
}

/* ---- the folder before running ------------------------------------------ */

/* Whether `name` is a temporary file as wom_output_stream_open makes them:
 * "NAME.tmp.XXXXXX", six letters or digits from mkstemp. */
static bool is_temporary(const char *name) {
    size_t length = strlen(name);
    const char *tail = name + length - (length > 11 ? 11 : length);
    return length > 11 && strncmp(tail, ".tmp.", 5) == 0 &&
           strspn(tail + 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == 6;
}

/* The run id of "<run_id>.rows" (decimal, no leading zero) or, with
 * `temporary`, of "<run_id>.rows.tmp.XXXXXX"; false for any other name. */
static bool task_file_id(const char *name, bool temporary, uint32_t *run_id) {
    if (name[0] < '0' || name[0] > '9' || (name[0] == '0' && name[1] != '.')) {
        return false;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long id = strtoull(name, &end, 10);
    if (errno != 0 || id > UINT32_MAX) {
        return false;
    }
    *run_id = (uint32_t)id;
    return temporary ? strncmp(end, ".rows.tmp.", 10) == 0 && is_temporary(end)
                     : strcmp(end, ".rows") == 0;
}

/* Removes dir/name, a temporary file a killed run left. */
static wom_status remove_file(const char *dir, const char *name, wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        return wom_error_set(error, WOM_EIO, dir, 0, "path is too long");
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        return wom_error_set(error, WOM_EIO, path, 0,
                             "cannot remove this temporary file a killed run left: %s",
                             strerror(errno));
    }
    return WOM_OK;
}

/* Removes the temporary files in `dir` whose final names start with
 * `prefix`. A missing folder has none. */
static wom_status remove_temporaries(const char *dir, const char *prefix, wom_error_t *error) {
    DIR *folder = opendir(dir);
    if (folder == NULL) {
        return WOM_OK;
    }
    wom_status status = WOM_OK;
    for (struct dirent *entry; status == WOM_OK && (entry = readdir(folder)) != NULL;) {
        const char *name = entry->d_name;
        if (strncmp(name, prefix, strlen(prefix)) == 0 && is_temporary(name)) {
            status = remove_file(dir, name, error);
        }
    }
    closedir(folder);
    return status;
}

/* The temporary files of the outputs this process writes: for an
 * unsharded batch those in DIR (manifest.json's included) and in each
 * point's folder; for a shard its manifest's, DIR/shards/I-of-N.json as
 * the CLI names it. Other shards may be writing theirs right now. */
static wom_status remove_output_temporaries(const wom_batch_t *batch, wom_error_t *error) {
    const char *dir = batch->options.dir;
    char path[WOM_MAX_PATH], prefix[64];
    if (batch->plan.shards > 1) {
        snprintf(prefix, sizeof prefix, "%u-of-%u.json", batch->plan.shard, batch->plan.shards);
        snprintf(path, sizeof path, "%s/shards", dir);
        return remove_temporaries(path, prefix, error);
    }
    wom_status status = remove_temporaries(dir, "", error);
    for (uint32_t p = 0; status == WOM_OK && batch->plan.points > 1 && p < batch->plan.points;
         p++) {
        if (wom_batch_point_dir(batch, p, path, sizeof path)) {
            status = remove_temporaries(path, "", error);
        }
    }
    return status;
}

/* Whether `path` is a whole task file (its size and checksum hold) of a
 * scenario other than the batch's, whose hash then goes to `hash`
 * (unprintable bytes as '?'). A damaged file is not another batch's:
 * resume runs it again. */
static bool of_another_scenario(const wom_batch_t *batch, const char *path, char hash[65]) {
    uint8_t header[WOM_BATCH_TASK_HEADER], *bytes = NULL;
    struct stat info;
    FILE *stream = fopen(path, "rb");
    if (stream == NULL) {
        return false;
    }
    size_t got = fread(header, 1, sizeof header, stream), length = 0;
    fclose(stream);
    if (got != sizeof header || memcmp(header, task_magic, sizeof task_magic) != 0 ||
        memcmp(header + AT_HASH, batch->hash, 64) == 0 || stat(path, &info) != 0 ||
        (uint64_t)info.st_size != task_bytes(get32(header + AT_STEPS)) ||
        read_bytes(path, (size_t)info.st_size, &bytes, &length, NULL) != WOM_OK) {
        return false;
    }
    bool whole = length == (size_t)info.st_size &&
                 get64(bytes + AT_CHECKSUM) == task_checksum(bytes, length);
    free(bytes);
    for (int i = 0; i < 64; i++) {
        uint8_t c = header[AT_HASH + i];
        hash[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    hash[64] = '\0';
    return whole;
}

static wom_status refuse_foreign(const wom_batch_t *batch, const char *path, const char *hash,
                                 wom_error_t *error) {
    const char *dir = batch->options.dir;
    if (batch->control.resume) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "cannot resume: the batch in %s ran scenario %.12s..., this one is "
                             "%.12s...: the scenario file or its options (--set, --sweep, -r, "
                             "-s) changed since; resume with the ones it started with, or start "
                             "a new batch in another folder (-o)",
                             dir, hash, batch->hash);
    }
    return wom_error_set(error, WOM_EDATA, path, 0,
                         "%s holds tasks of another scenario (%.12s..., this one is %.12s...) "
                         "and batches do not mix in one folder: use another folder (-o), or "
                         "remove %s/tasks to start over",
                         dir, hash, batch->hash, dir);
}

/* True when DIR/manifest.json records a whole (unsharded) run that ended
 * well: its task files are results already aggregated, not a batch waiting
 * to be resumed, so a new run of another scenario may replace them (the
 * usual "edit the scenario, run again" of a class). */
static bool finished_run_in(const char *dir) {
    char path[WOM_MAX_PATH], text[16384];
    if (snprintf(path, sizeof path, "%s/manifest.json", dir) >= (int)sizeof path) {
        return false;
    }
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        return false;
    }
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = '\0';
    return strstr(text, "\"exit_status\": 0,") != NULL && strstr(text, "\"shard\": \"0/1\"");
}

/* This process's manifest (manifest.json, or the shard's) describes an
 * earlier batch until this one ends and writes its own; removed before the
 * first task file is written, so that a batch killed now is never taken
 * for that earlier, finished one (by --resume or by the next run's reuse of
 * a finished folder). */
static wom_status remove_stale_manifest(const wom_batch_t *batch, wom_error_t *error) {
    char name[64] = "manifest.json", dir[WOM_MAX_PATH];
    const wom_batch_plan_t *plan = &batch->plan;
    snprintf(dir, sizeof dir, "%s", batch->options.dir);
    if (plan->shards > 1) {
        snprintf(name, sizeof name, "%u-of-%u.json", plan->shard, plan->shards);
        if (snprintf(dir, sizeof dir, "%s/shards", batch->options.dir) >= (int)sizeof dir) {
            return wom_error_set(error, WOM_EIO, batch->options.dir, 0, "path is too long");
        }
    }
    char path[2 * WOM_MAX_PATH];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (unlink(path) != 0 && errno != ENOENT && errno != ENOTDIR) {
        return wom_error_set(error, WOM_EIO, path, 0, "cannot remove the old manifest: %s",
                             strerror(errno));
    }
    return WOM_OK;
}

/* Refuses a task file of another scenario in DIR/tasks (or, after a
 * finished whole run and without --resume, removes it) and removes the
 * temporary task files of this shard (not other shards': they may be
 * running). */
static wom_status check_tasks_folder(const wom_batch_t *batch, wom_error_t *error) {
    char tasks[WOM_MAX_PATH], path[2 * WOM_MAX_PATH], hash[65];
    if (snprintf(tasks, sizeof tasks, "%s/tasks", batch->options.dir) >= (int)sizeof tasks) {
        return wom_error_set(error, WOM_ECANTCREAT, batch->options.dir, 0, "path is too long");
    }
    DIR *folder = opendir(tasks);
    if (folder == NULL) {
        return WOM_OK; /* a new batch; a bad folder is reported when it is made */
    }
    wom_status status = WOM_OK;
    bool replace =
        !batch->control.resume && batch->plan.shards <= 1 && finished_run_in(batch->options.dir);
    for (struct dirent *entry; status == WOM_OK && (entry = readdir(folder)) != NULL;) {
        uint32_t run_id;
        if (task_file_id(entry->d_name, true, &run_id)) {
            status = wom_batch_mine(&batch->plan, run_id) ? remove_file(tasks, entry->d_name, error)
                                                          : WOM_OK;
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", tasks, entry->d_name);
        if (task_file_id(entry->d_name, false, &run_id) && of_another_scenario(batch, path, hash)) {
            status = replace ? remove_file(tasks, entry->d_name, error)
                             : refuse_foreign(batch, path, hash, error);
        }
    }
    closedir(folder);
    return status;
}

static bool is_set(const uint8_t *bits, uint32_t i) {
    return bits != NULL && (bits[i / 8] >> (i % 8) & 1) != 0;
}

/* Resume: marks task `run_id` done when its file is valid (every check of
 * wom_batch_read_task); a damaged file is counted, the first one's reason
 * kept, and the task left to run again. */
static wom_status keep_if_valid(wom_batch_t *batch, uint32_t run_id, uint32_t steps,
                                wom_metrics_row_t *rows, uint8_t *done, wom_error_t *error) {
    wom_batch_task_t expected = {.run_id = run_id, .steps = steps};
    memcpy(expected.scenario_hash, batch->hash, sizeof expected.scenario_hash);
    wom_error_t why = {0};
    uint32_t agents;
    wom_status read = wom_batch_read_task(batch->options.dir, &expected, rows, &agents, &why);
    if (read == WOM_OK) {
        done[run_id / 8] |= (uint8_t)(1u << (run_id % 8));
        batch->tasks_kept++;
    } else if (read == WOM_EDATA) {
        if (batch->tasks_damaged++ == 0) {
            batch->damaged = why;
        }
    } else if (read != WOM_ENOENT) {
        if (error != NULL) {
            *error = why;
        }
        return read;
    }
    return WOM_OK;
}

/* Resume: sets the bit in `done` of each task of this shard whose file is
 * valid. Reads every such file once, as aggregation will again. */
static wom_status find_done(wom_batch_t *batch, uint8_t *done, wom_error_t *error) {
    const wom_batch_plan_t *plan = &batch->plan;
    uint32_t *ids = malloc(plan->replications * sizeof *ids);
    wom_metrics_row_t *rows = NULL;
    uint32_t room = 0; /* steps + 1 that `rows` holds; simulation.steps may be swept */
    wom_status status =
        ids == NULL ? wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory") : WOM_OK;
    for (uint32_t p = 0; status == WOM_OK && p < plan->points; p++) {
        uint32_t count = wom_batch_point_tasks(plan, p, ids);
        wom_scenario_t scenario;
        if (count == 0) {
            continue;
        }
        status = wom_config_scenario(batch->config, p, &scenario, error);
        uint32_t steps = status == WOM_OK ? (uint32_t)scenario.simulation.steps : 0;
        if (status == WOM_OK && steps + 1 > room) {
            free(rows);
            room = steps + 1;
            rows = malloc(room * sizeof *rows);
            status = rows ? WOM_OK : wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
        }
        for (uint32_t i = 0; status == WOM_OK && i < count; i++) {
            status = keep_if_valid(batch, ids[i], steps, rows, done, error);
        }
    }
    free(rows);
    free(ids);
    return status;
}

/* ---- running groups of points -------------------------------------------- */

/* What the threads of one wom_batch_run_with share. */
typedef struct {
    wom_batch_t *batch;
    const uint8_t *done; /* resume: a bit per task whose file is kept; else NULL */
    uint32_t finished;   /* tasks done: kept and run; written under wom_batch_progress */
    uint32_t total;      /* this shard's tasks */
} run_t;

/* Consecutive points on one network and their tasks still to run. */
typedef struct {
    uint32_t first, end;     /* the points [first, end) */
    wom_scenario_t scenario; /* point first's: its network is the group's */
    uint32_t steps;          /* the most steps of the points (simulation.steps may be swept) */
    uint32_t *ids;           /* the tasks to run, ascending; room for the shard's tasks */
    uint32_t count;
} group_t;

/* The group that starts at point `first`: up to the next point whose
 * network keys or seed differ. */
static wom_status next_group(const run_t *run, uint32_t first, group_t *group, wom_error_t *error) {
    const wom_batch_t *batch = run->batch;
    wom_scenario_t scenario;
    wom_status status = wom_config_scenario(batch->config, first, &group->scenario, error);
    group->first = first;
    group->steps = 0;
    group->count = 0;
    uint32_t p = first;
    for (; status == WOM_OK && p < batch->plan.points; p++) {
        if (p > first) {
            status = wom_config_scenario(batch->config, p, &scenario, error);
            if (status != WOM_OK || !same_network(&group->scenario, &scenario)) {
                break;
            }
        }
        uint32_t steps = (uint32_t)(p > first ? scenario : group->scenario).simulation.steps;
        group->steps = steps > group->steps ? steps : group->steps;
        uint32_t *ids = group->ids + group->count;
        uint32_t count = wom_batch_point_tasks(&batch->plan, p, ids);
        for (uint32_t i = 0; i < count; i++) {
            if (!is_set(run->done, ids[i])) {
                group->ids[group->count++] = ids[i];
            }
        }
    }
    group->end = p;
    return status;
}

/* Memory a group needs: the network, `models` models of `workers`
 * workers each, and one point's rows (aggregation holds them together). */
typedef struct {
    uint64_t network, models, rows, total;
} memory_t;

static memory_t memory_of(const wom_batch_t *batch, const group_t *group, int models, int workers) {
    const wom_graph_t *graph = batch->graph;
    memory_t m;
    m.network = wom_graph_bytes(graph);
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
 * control.parallel says, or for AUTO whole tasks when every thread gets one,
 * or when the graph is small and at least two tasks can run together; and
 * only when their models fit. Refuses a choice that exceeds --max-mem. */
static wom_status choose_parallel(const wom_batch_t *batch, const group_t *group, bool *whole,
                                  int *threads, wom_error_t *error) {
    int all = batch->options.threads;
    int busy = group->count < (uint32_t)all ? (int)group->count : all;
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
                             "threads, replications or steps",
                             m->total / 1048576.0, m->network / 1048576.0, m->models / 1048576.0,
                             m->rows / 1048576.0, limit / 1048576.0);
    }
    return WOM_OK;
}

/* A thread's model, for the point of the task it runs. Models borrow their
 * scenario, so the runner keeps its own copy of the point's. */
typedef struct {
    run_t *run;
    int workers;    /* threads of the model */
    uint32_t point; /* of `scenario` and `model`; UINT32_MAX: none yet */
    wom_scenario_t scenario;
    wom_model_t *model;
    wom_metrics_row_t *rows; /* room for the group's most steps + 1 */
} runner_t;

static wom_status runner_init(runner_t *r, run_t *run, const group_t *group, int workers) {
    r->run = run;
    r->workers = workers;
    r->point = UINT32_MAX;
    r->model = NULL;
    r->rows = malloc(((size_t)group->steps + 1) * sizeof *r->rows);
    return r->rows == NULL ? WOM_ENOMEM : WOM_OK;
}

static void runner_destroy(runner_t *r) {
    wom_model_free(r->model);
    free(r->rows);
}

/* Runs task `run_id` and writes its file. */
static wom_status runner_task(runner_t *r, uint32_t run_id, wom_error_t *error) {
    const wom_batch_t *batch = r->run->batch;
    uint32_t point = wom_batch_point(&batch->plan, run_id);
    if (point != r->point) {
        wom_model_free(r->model);
        r->model = NULL;
        r->point = UINT32_MAX;
        wom_status status = wom_config_scenario(batch->config, point, &r->scenario, error);
        if (status == WOM_OK) {
            status = wom_model_alloc(&r->scenario, batch->graph, r->workers, &r->model);
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
    wom_model_reset(r->model, run_id, &r->rows[0]);
    for (uint32_t t = 1; t <= steps; t++) {
        wom_model_step(r->model, &r->rows[t]);
    }
    wom_batch_task_t task = {.run_id = run_id, .steps = steps, .agents = batch->graph->nodes};
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

/* Whole tasks per thread, one model each. A failure or a stop keeps the
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
        for (uint32_t i = 0; i < group->count; i++) {
            int halted;
#pragma omp atomic read
            halted = halt;
            if (halted || stopping(run->batch)) {
                continue;
            }
            mine = runner_task(&runner, group->ids[i], &mine_error);
            if (mine == WOM_OK) {
                task_finished(run);
            } else {
#pragma omp atomic write
                halt = 1;
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
    wom_status status = graph_for(batch, &group->scenario, error);
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
    if (batch->control.resume) {
        done = calloc((size_t)wom_batch_tasks(&batch->plan) / 8 + 1, 1);
    }
    wom_status status = WOM_OK;
    if (group.ids == NULL || (batch->control.resume && done == NULL)) {
        status = wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    if (status == WOM_OK) {
        status = check_tasks_folder(batch, error);
    }
    if (status == WOM_OK) {
        status = remove_output_temporaries(batch, error);
    }
    if (status == WOM_OK) {
        status = remove_stale_manifest(batch, error);
    }
    if (status == WOM_OK && done != NULL) {
        status = find_done(batch, done, error);
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
    free(done);
    return status;
}

wom_status wom_batch_run(wom_batch_t *batch, wom_error_t *error) {
    return wom_batch_run_with(batch, NULL, error);
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

wom_status wom_batch_verify(wom_batch_t *batch, uint32_t *first, wom_error_t *error) {
    uint32_t tasks = wom_batch_tasks(&batch->plan);
    uint8_t *done = calloc((size_t)tasks / 8 + 1, 1);
    if (done == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    batch->tasks_kept = batch->tasks_damaged = 0;
    wom_error_clear(&batch->damaged);
    wom_status status = find_done(batch, done, error);
    for (uint32_t run_id = 0; status == WOM_OK && run_id < tasks; run_id++) {
        if (wom_batch_mine(&batch->plan, run_id) && !is_set(done, run_id)) {
            *first = run_id;
            char path[WOM_MAX_PATH];
            wom_batch_task_path(batch->options.dir, run_id, path, sizeof path);
            status = batch->tasks_damaged > 0
                         ? WOM_EDATA
                         : wom_error_set(error, WOM_ENOENT, path, 0, "task file missing");
            if (status == WOM_EDATA && error != NULL) {
                *error = batch->damaged;
            }
        }
    }
    free(done);
    return status;
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
    wom_stats_summary_t *shares; /* points; classic kinds only */
} aggregate_t;

static wom_status aggregate_alloc(const wom_batch_t *batch, aggregate_t *a) {
    size_t points = batch->plan.points, keys = batch->keys;
    wom_model_layout(&batch->first, &a->layout);
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
static wom_status load_point(const wom_batch_t *batch, uint32_t point, wom_metrics_table_t *result,
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
    wom_metrics_table_t result;
    wom_metrics_layout_t layout;
    wom_stats_summary_t *series = NULL;
    wom_analytic_t analytic;
    bool reference = scenario.model.kind != WOM_KIND_WOM;
    status = wom_metrics_table_init(&result, batch->plan.replications,
                                    (uint32_t)scenario.simulation.steps, batch->graph->nodes);
    status = status == WOM_OK ? load_point(batch, point, &result, error) : status;
    if (status == WOM_OK) {
        wom_model_layout(&scenario, &layout); /* price and discount may be swept */
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
    wom_metrics_table_destroy(&result);
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

/* Hands the final summaries over to the batch, for the report. */
static void keep_finals(wom_batch_t *batch, aggregate_t *a) {
    free(batch->finals);
    free(batch->shares);
    batch->layout = a->layout;
    batch->finals = a->finals;
    batch->shares = batch->first.model.kind == WOM_KIND_WOM ? NULL : a->shares;
    if (batch->shares == NULL) {
        free(a->shares);
    }
    a->finals = a->shares = NULL;
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
    batch->stopped = false;
    for (uint32_t p = 0; status == WOM_OK && p < batch->plan.points && !batch->stopped; p++) {
        batch->stopped = stopping(batch); /* runs.csv is then abandoned, as a kill would */
        status = batch->stopped ? WOM_OK : aggregate_point(batch, &a, p, error);
    }
    if (status == WOM_OK && !batch->stopped) {
        status = wom_output_stream_commit(&a.runs, status, error);
    }
    if (status == WOM_OK && !batch->stopped && batch->plan.points > 1) {
        status = write_sweep(batch, &a, error);
    }
    if (status == WOM_OK && !batch->stopped) {
        keep_finals(batch, &a);
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
    if (status == WOM_OK && aggregated) { /* written by the program after the plots */
        status = add_file(files, dir, "report.html");
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
