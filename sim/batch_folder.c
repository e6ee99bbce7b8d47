/* batch_folder.c: a result folder made ready before a batch runs in it:
 * locked against another process (a second run would remove this one's
 * temporary files as a killed run's leftovers), a finished run's files
 * removed (a new run replaces it whole), a task file of another scenario
 * of an unfinished batch refused, the temporary files a killed run of this
 * shard left are removed, and the manifest of an earlier run is removed
 * before the first task file is written. Workload: one pass over DIR/tasks
 * (up to 10^5 names) and the outputs' folders.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "batch_internal.h"
#include "womsim/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The lock is taken on the folder itself, not on a file in it, so that the
 * folder holds only what its manifest lists. flock's lock belongs to the
 * open file description: O_CLOEXEC keeps gnuplot from inheriting it. */
wom_status wom_batch_lock(wom_batch_t *batch, wom_error_t *error) {
    const char *dir = batch->options.dir;
    if (batch->locked) {
        return WOM_OK;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return WOM_OK; /* not made yet (locked once it is), or a bad name reported then */
    }
    bool whole = batch->plan.shards <= 1;
    if (flock(fd, (whole ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        int why = errno;
        close(fd);
        if (why != EWOULDBLOCK) {
            return WOM_OK; /* a filesystem without locks: used as before */
        }
        return wom_error_set(error, WOM_EBUSY, dir, 0,
                             "the folder is in use by another womsim (a %s); wait until it ends, "
                             "or use another folder (-o)",
                             whole ? "run, resume, merge or shard of a batch in it"
                                   : "whole run or merge, which has it to itself");
    }
    batch->lock_fd = fd;
    batch->locked = true;
    return WOM_OK;
}

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
        return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0,
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

static wom_status refuse_foreign(const wom_batch_t *batch, const char *path, const char *hash,
                                 wom_error_t *error) {
    const char *dir = batch->options.dir;
    const char *network = batch->network_file.path;
    if (batch->control.resume) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "cannot resume: the batch in %s ran scenario %.12s..., this one is "
                             "%.12s...: the scenario file%s%s or its options (--set, --sweep, "
                             "-r, -s) changed since; resume with the ones it started with, or "
                             "start a new batch in another folder (-o)",
                             dir, hash, batch->hash, network[0] ? ", the network file " : "",
                             network);
    }
    return wom_error_set(error, WOM_EDATA, path, 0,
                         "%s holds tasks of another scenario (%.12s..., this one is %.12s...%s%s"
                         "%s) and batches do not mix in one folder: use another folder (-o), or "
                         "remove %s/tasks to start over",
                         dir, hash, batch->hash, network[0] ? "; or the network file " : "",
                         network, network[0] ? " changed since they ran" : "", dir);
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

/* Whether a manifest's file name is one this folder may hold: relative,
 * no ".." component, no escape (womsim never writes one). */
static bool listed_name_ok(const char *name, size_t length) {
    if (length == 0 || name[0] == '/' || memchr(name, '\\', length) != NULL) {
        return false;
    }
    for (size_t i = 0; i + 1 < length; i++) {
        bool starts = i == 0 || name[i - 1] == '/';
        if (starts && name[i] == '.' && name[i + 1] == '.' &&
            (i + 2 == length || name[i + 2] == '/')) {
            return false;
        }
    }
    return true;
}

/* Removes DIR/NAME (a file the finished run's manifest lists) and then
 * its folders up to DIR while they are empty (points/3/, points/). */
static wom_status remove_listed(const char *dir, const char *name, size_t length,
                                wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (snprintf(path, sizeof path, "%s/%.*s", dir, (int)length, name) >= (int)sizeof path) {
        return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0,
                             "cannot remove this file of the run the folder held: %s",
                             strerror(errno));
    }
    size_t base = strlen(dir);
    for (char *slash = strrchr(path, '/'); slash != NULL && (size_t)(slash - path) > base;
         slash = strrchr(path, '/')) {
        *slash = '\0';
        if (rmdir(path) != 0) {
            break; /* not empty: the folder stays */
        }
    }
    return WOM_OK;
}

/* A new whole run in the folder of a finished one replaces it: every file
 * the old manifest lists goes (its outputs, pictures, points' folders and
 * task files) before anything is written, so that the new run's files
 * never sit beside the old run's (a sweep's sweep.csv and points/ beside a
 * single run's files, or pictures beside a --no-plot run). Only the files
 * the manifest names, inside the folder, are touched; anything else the
 * user put there stays. */
static wom_status remove_finished_run(const wom_batch_t *batch, wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (snprintf(path, sizeof path, "%s/manifest.json", batch->options.dir) >= (int)sizeof path) {
        return WOM_OK;
    }
    char *text = wom_file_read_text(path);
    const char *files = text != NULL ? strstr(text, "\"files\": {") : NULL;
    wom_status status = WOM_OK;
    for (const char *at = files != NULL ? strchr(files, '{') + 1 : NULL;
         at != NULL && status == WOM_OK;) {
        const char *name = strchr(at, '"'), *end = name != NULL ? strchr(name + 1, '"') : NULL;
        const char *close = strchr(at, '}');
        if (name == NULL || end == NULL || (close != NULL && close < name)) {
            break;
        }
        size_t length = (size_t)(end - name - 1);
        if (listed_name_ok(name + 1, length)) {
            status = remove_listed(batch->options.dir, name + 1, length, error);
        }
        at = strchr(end + 1, ','); /* past the checksum, to the next entry */
        at = at != NULL && (close == NULL || at < close) ? at + 1 : NULL;
    }
    free(text);
    return status;
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
            return wom_error_set(error, WOM_ECANTCREAT, batch->options.dir, 0, "path is too long");
        }
    }
    char path[2 * WOM_MAX_PATH];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (unlink(path) != 0 && errno != ENOENT && errno != ENOTDIR) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "cannot remove the old manifest: %s",
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
        if (task_file_id(entry->d_name, false, &run_id) &&
            wom_batch_task_of_another_scenario(path, batch->hash, hash)) {
            status = replace ? remove_file(tasks, entry->d_name, error)
                             : refuse_foreign(batch, path, hash, error);
        }
    }
    closedir(folder);
    return status;
}

wom_status wom_batch_prepare_folder(wom_batch_t *batch, wom_error_t *error) {
    wom_status status = wom_batch_lock(batch, error);
    if (status == WOM_OK && !batch->control.resume && batch->plan.shards <= 1 &&
        finished_run_in(batch->options.dir)) {
        status = remove_finished_run(batch, error);
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
    return status;
}
