/* batch_tasks.c: the task files of a batch, DIR/tasks/<run_id>.rows
 * (the format is in batch.h): writing one atomically, reading one back
 * with every check (magic, version, scenario hash, run id, steps, size,
 * checksum), and finding which of a shard's tasks have valid files (resume,
 * verify). A task file holds (steps + 1) x WOM_M_COUNTERS int64 (about 130
 * KiB for a year), written once and read once or twice (aggregation; a
 * resume checks it once more).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "batch_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "womsim/file.h"

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
    wom_status status = wom_file_write_with(path, write_blob, &blob, error);
    free(bytes);
    return status;
}

/* Whether `path` is no regular file (a FIFO, say): a task file is always
 * one, and the open of a FIFO would wait for a writer where a stop signal
 * cannot end the wait. Asked of stat, which does not open. */
static bool not_regular(const char *path) {
    struct stat info;
    return stat(path, &info) == 0 && !S_ISREG(info.st_mode);
}

/* Up to `limit` + 1 bytes of the file, so that a longer file shows. */
static wom_status read_bytes(const char *path, size_t limit, uint8_t **bytes, size_t *length,
                             wom_error_t *error) {
    if (not_regular(path)) {
        return wom_error_set(error, WOM_EDATA, path, 0, "not a regular file, so no task file");
    }
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

/* Whether `path` is a whole task file (its size and checksum hold) of a
 * scenario other than the batch's, whose hash then goes to `hash`
 * (unprintable bytes as '?'). A damaged file is not another batch's:
 * resume runs it again. `ours` is the batch's hash. */
bool wom_batch_task_of_another_scenario(const char *path, const char *ours, char hash[65]) {
    uint8_t header[WOM_BATCH_TASK_HEADER], *bytes = NULL;
    struct stat info;
    FILE *stream = not_regular(path) ? NULL : fopen(path, "rb");
    if (stream == NULL) {
        return false;
    }
    size_t got = fread(header, 1, sizeof header, stream), length = 0;
    fclose(stream);
    if (got != sizeof header || memcmp(header, task_magic, sizeof task_magic) != 0 ||
        memcmp(header + AT_HASH, ours, 64) == 0 || stat(path, &info) != 0 ||
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

wom_status wom_batch_find_done(wom_batch_t *batch, uint8_t *done, wom_error_t *error) {
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
    wom_status status = wom_batch_find_done(batch, done, error);
    for (uint32_t run_id = 0; status == WOM_OK && run_id < tasks; run_id++) {
        if (wom_batch_mine(&batch->plan, run_id) && !wom_batch_is_done(done, run_id)) {
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
