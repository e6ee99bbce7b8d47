/* cli_merge.c: `womsim merge DIR`: the shards of a batch (womsim run
 * --shard I/N -o DIR, on one machine or many sharing DIR) each leave their
 * task files and DIR/shards/I-of-N.json. Merge checks that shards 0..N-1
 * are all there, finished and of one scenario, that every task file is
 * there, whole and with the SHA-256 its shard's manifest recorded, then re-reads the scenario (from
 * the absolute path and overrides the shards recorded) and aggregates: the same outputs as an
 * unsharded run, byte for byte, but for manifest.json. SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

typedef struct {
    const char *dir;
    uint64_t max_bytes;
    wom_batch_record_t record; /* --record */
    uint32_t record_every;
    bool plot;
    bool quiet;
} merge_options_t;

enum { MERGE_MAX_MEM, MERGE_NO_PLOT, MERGE_RECORD, MERGE_QUIET };

static const cli_option_t merge_options[] = {
    {MERGE_MAX_MEM, '\0', "max-mem", "SIZE",
     "refuse a batch estimated above SIZE (e.g. 8G; default: the memory available now, within the "
     "cgroup's limit; "
     "0: no limit)"},
    {MERGE_NO_PLOT, '\0', "no-plot", NULL, "do not run gnuplot"},
    {MERGE_RECORD, '\0', "record", "WHICH", CLI_RECORD_HELP},
    {MERGE_QUIET, 'q', "quiet", NULL, "print nothing but errors"},
};

static int take_merge_option(void *context, const cli_option_use_t *use) {
    merge_options_t *options = context;
    switch (use->option->id) {
    case MERGE_MAX_MEM:
        return cli_take_size(use, &options->max_bytes);
    case MERGE_NO_PLOT:
        options->plot = false;
        return EX_OK;
    case MERGE_RECORD:
        return cli_take_record(use, &options->record, &options->record_every);
    default: /* MERGE_QUIET */
        options->quiet = true;
        return EX_OK;
    }
}

static int parse_merge_options(int argc, char **argv, merge_options_t *options) {
    *options = (merge_options_t){.max_bytes = wom_resources_available_memory(), .plot = true};
    int operands = 0;
    int code =
        cli_parse_options(&cli_merge_command, argc, argv, take_merge_option, options, &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    if (operands != argc - 1) {
        return cli_usage_error("merge expects one folder");
    }
    options->dir = argv[operands];
    return CLI_PARSED;
}

/* ---- reading a shard manifest ------------------------------------------ */

/* A task file a shard manifest lists, with its SHA-256 when written. */
typedef struct {
    uint32_t run_id;
    char sha256[65];
} shard_task_t;

/* The fields of a shard manifest that merge needs. */
typedef struct {
    char scenario[256];
    char scenario_file[WOM_MAX_PATH];
    char hash[65];
    char network_file[WOM_MAX_PATH]; /* the graph file the shard read, or "" */
    char network_sha256[65];         /* its SHA-256 then, or "" */
    char *overrides[256];            /* malloc'd, in order */
    int override_count;
    long exit_status;
    shard_task_t *tasks; /* malloc'd: the task files its manifest lists */
    size_t task_count, task_capacity;
} shard_t;

static void shard_free(shard_t *shard) {
    for (int i = 0; i < shard->override_count; i++) {
        free(shard->overrides[i]);
    }
    shard->override_count = 0;
    free(shard->tasks);
    shard->tasks = NULL;
    shard->task_count = shard->task_capacity = 0;
}

/* A cursor over the JSON womsim writes: objects, arrays, strings (escapes
 * \" \\ \/ \b \f \n \r \t and \u00XX, the ones wom_text_json_string
 * writes), numbers and literals. */
typedef struct {
    const char *at;
    bool failed;
} json_t;

static void skip_space(json_t *j) {
    while (*j->at == ' ' || *j->at == '\n' || *j->at == '\t' || *j->at == '\r') {
        j->at++;
    }
}

static bool expect(json_t *j, char c) {
    skip_space(j);
    if (*j->at != c) {
        j->failed = true;
        return false;
    }
    j->at++;
    return true;
}

/* A string into out[size] (cut short if longer). */
static void json_string(json_t *j, char *out, size_t size) {
    size_t n = 0;
    if (!expect(j, '"')) {
        return;
    }
    for (; *j->at != '"'; j->at++) {
        char c = *j->at;
        if (c == '\0') {
            j->failed = true;
            return;
        }
        if (c == '\\') {
            static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
            const char *e = *++j->at ? strchr(escapes, *j->at) : NULL;
            unsigned code = 0;
            if (*j->at == 'u' && sscanf(j->at + 1, "%4x", &code) == 1 && code < 0x80) {
                c = (char)code;
                j->at += 4;
            } else if (e != NULL && (e - escapes) % 2 == 0) {
                c = e[1];
            } else {
                j->failed = true;
                return;
            }
        }
        if (n + 1 < size) {
            out[n++] = c;
        }
    }
    j->at++;
    out[n] = '\0';
}

static void json_skip(json_t *j);

/* The items of an array or the members of an object. */
static void json_skip_items(json_t *j, char close, bool members) {
    skip_space(j);
    if (*j->at == close) {
        j->at++;
        return;
    }
    do {
        if (members) {
            char key[8];
            json_string(j, key, sizeof key);
            expect(j, ':');
        }
        json_skip(j);
        skip_space(j);
    } while (!j->failed && *j->at == ',' && j->at++);
    expect(j, close);
}

static void json_skip(json_t *j) {
    skip_space(j);
    char c = *j->at;
    if (c == '"') {
        char ignored[8];
        json_string(j, ignored, sizeof ignored);
    } else if (c == '{' || c == '[') {
        j->at++;
        json_skip_items(j, c == '{' ? '}' : ']', c == '{');
    } else if (c != '\0' && strchr("-0123456789tfn", c) != NULL) {
        j->at += strspn(j->at, "-+.eE0123456789truefalsn");
    } else {
        j->failed = true;
    }
}

static void json_overrides(json_t *j, shard_t *shard) {
    if (!expect(j, '[')) {
        return;
    }
    skip_space(j);
    while (!j->failed && *j->at != ']') {
        char item[WOM_MAX_PATH];
        json_string(j, item, sizeof item);
        if (shard->override_count == 256 ||
            (shard->overrides[shard->override_count] = strdup(item)) == NULL) {
            j->failed = true;
            return;
        }
        shard->override_count++;
        skip_space(j);
        if (*j->at == ',') {
            j->at++;
            skip_space(j);
        }
    }
    expect(j, ']');
}

/* Keeps a listed file that is a task file ("tasks/<run_id>.rows"). */
static bool shard_add_task(shard_t *shard, const char *path, const char *sha256) {
    unsigned long long id;
    char again[64];
    if (sscanf(path, "tasks/%llu.rows", &id) != 1 || id > UINT32_MAX ||
        snprintf(again, sizeof again, "tasks/%llu.rows", id) <= 0 || strcmp(again, path) != 0) {
        return true; /* an output or a shard manifest (a merge's) */
    }
    if (shard->task_count == shard->task_capacity) {
        size_t capacity = shard->task_capacity ? 2 * shard->task_capacity : 64;
        shard_task_t *tasks = realloc(shard->tasks, capacity * sizeof *tasks);
        if (tasks == NULL) {
            return false;
        }
        shard->tasks = tasks;
        shard->task_capacity = capacity;
    }
    shard_task_t *task = &shard->tasks[shard->task_count++];
    task->run_id = (uint32_t)id;
    snprintf(task->sha256, sizeof task->sha256, "%s", sha256);
    return true;
}

/* "files": {"path": "sha256", ...} */
static void json_files(json_t *j, shard_t *shard) {
    if (!expect(j, '{')) {
        return;
    }
    skip_space(j);
    while (!j->failed && *j->at == '"') {
        char path[WOM_MAX_PATH], sha256[65];
        json_string(j, path, sizeof path);
        expect(j, ':');
        json_string(j, sha256, sizeof sha256);
        j->failed |= strlen(sha256) != 64 || !shard_add_task(shard, path, sha256);
        skip_space(j);
        if (*j->at == ',') {
            j->at++;
            skip_space(j);
        }
    }
    expect(j, '}');
}

static void json_member(json_t *j, const char *key, shard_t *shard) {
    if (strcmp(key, "scenario") == 0) {
        json_string(j, shard->scenario, sizeof shard->scenario);
    } else if (strcmp(key, "scenario_file") == 0) {
        json_string(j, shard->scenario_file, sizeof shard->scenario_file);
    } else if (strcmp(key, "scenario_hash") == 0) {
        json_string(j, shard->hash, sizeof shard->hash);
    } else if (strcmp(key, "network_file") == 0) {
        json_string(j, shard->network_file, sizeof shard->network_file);
    } else if (strcmp(key, "network_sha256") == 0) {
        json_string(j, shard->network_sha256, sizeof shard->network_sha256);
    } else if (strcmp(key, "files") == 0) {
        json_files(j, shard);
    } else if (strcmp(key, "overrides") == 0) {
        json_overrides(j, shard);
    } else if (strcmp(key, "exit_status") == 0) {
        char *end = NULL;
        skip_space(j);
        shard->exit_status = strtol(j->at, &end, 10);
        j->failed |= end == j->at;
        j->at = end;
    } else {
        json_skip(j);
    }
}

static bool parse_shard(const char *text, shard_t *shard) {
    json_t j = {text, false};
    expect(&j, '{');
    skip_space(&j);
    while (!j.failed && *j.at == '"') {
        char key[64];
        json_string(&j, key, sizeof key);
        expect(&j, ':');
        json_member(&j, key, shard);
        skip_space(&j);
        if (*j.at == ',') {
            j.at++;
            skip_space(&j);
        }
    }
    expect(&j, '}');
    return !j.failed && shard->hash[0] != '\0' && shard->scenario_file[0] != '\0';
}

static int read_shard(const char *dir, uint32_t index, uint32_t count, shard_t *shard) {
    char path[WOM_MAX_PATH];
    *shard = (shard_t){.exit_status = -1}; /* shard_free()-able whatever happens */
    snprintf(path, sizeof path, "%s/shards/%u-of-%u.json", dir, index, count);
    char *text = wom_file_read_text(path);
    bool ok = text != NULL && parse_shard(text, shard);
    free(text);
    if (text == NULL) {
        fprintf(stderr,
                "womsim: %s: shard %u/%u has not finished (no manifest): run it with "
                "--shard %u/%u -o %s\n",
                path, index, count, index, count, dir);
        return EX_NOINPUT;
    }
    if (!ok) {
        fprintf(stderr, "womsim: %s: not a shard manifest womsim can read\n", path);
        return EX_DATAERR;
    }
    if (shard->exit_status != 0) {
        fprintf(stderr, "womsim: %s: shard %u/%u failed (exit status %ld); run it again\n", path,
                index, count, shard->exit_status);
        return EX_DATAERR;
    }
    return EX_OK;
}

/* ---- checking the shards ------------------------------------------------ */

/* The N of the shard manifests in DIR/shards ("I-of-N.json"), refusing
 * manifests of different N (stale shards of another split). */
static int shard_count(const char *dir, uint32_t *count) {
    char path[WOM_MAX_PATH], first[64] = "";
    snprintf(path, sizeof path, "%s/shards", dir);
    DIR *folder = opendir(path);
    *count = 0;
    if (folder == NULL) {
        fprintf(stderr,
                "womsim: %s: no shard manifests; run the shards first (womsim run "
                "SCENARIO --shard I/N -o %s)\n",
                path, dir);
        return EX_NOINPUT;
    }
    int code = EX_OK;
    for (struct dirent *entry; code == EX_OK && (entry = readdir(folder)) != NULL;) {
        unsigned i, n;
        char again[64];
        if (sscanf(entry->d_name, "%u-of-%u.json", &i, &n) != 2 || i >= n ||
            snprintf(again, sizeof again, "%u-of-%u.json", i, n) <= 0 ||
            strcmp(again, entry->d_name) != 0) {
            continue; /* not a shard manifest (a temporary file, say) */
        }
        if (*count != 0 && n != *count) {
            fprintf(stderr,
                    "womsim: %s: %s and %s split the batch differently; remove the "
                    "stale shards' manifests\n",
                    path, first, entry->d_name);
            code = EX_DATAERR;
        }
        *count = n;
        memcpy(first, again, sizeof first); /* the same name, known to fit */
    }
    closedir(folder);
    if (code == EX_OK && *count == 0) {
        fprintf(stderr, "womsim: %s: no shard manifests; run the shards first\n", path);
        code = EX_NOINPUT;
    }
    return code;
}

/* Shard 0's manifest into `first`; every other shard must be finished and
 * of the same scenario hash. */
static int check_shards(const char *dir, uint32_t count, shard_t *first) {
    int code = read_shard(dir, 0, count, first);
    for (uint32_t i = 1; code == EX_OK && i < count; i++) {
        shard_t other = {0};
        code = read_shard(dir, i, count, &other);
        if (code == EX_OK && strcmp(other.network_sha256, first->network_sha256) != 0) {
            fprintf(stderr,
                    "womsim: %s: the network file changed between shards: shard %u/%u read "
                    "SHA-256 %.12s..., shard 0/%u read %.12s...; run the shards again on one "
                    "file\n",
                    other.network_file, i, count, other.network_sha256, count,
                    first->network_sha256);
            code = EX_DATAERR;
        } else if (code == EX_OK && strcmp(other.hash, first->hash) != 0) {
            fprintf(stderr,
                    "womsim: %s/shards: shard %u/%u ran scenario %.12s..., shard 0/%u "
                    "ran %.12s...: they are not shards of one batch\n",
                    dir, i, count, other.hash, count, first->hash);
            code = EX_DATAERR;
        }
        shard_free(&other);
    }
    return code;
}

/* The scenario as the shards ran it, refused if it changed since. */
static wom_status load_config(const shard_t *shard, cli_overrides_t *overrides,
                              wom_config_t **config, wom_error_t *error) {
    for (int i = 0; i < shard->override_count; i++) {
        cli_add_override(overrides, "--set", shard->overrides[i]); /* at most 256, as read */
    }
    char hash[65];
    wom_batch_network_file_t network;
    wom_status status = cli_load_config(shard->scenario_file, overrides, config, error);
    if (status == WOM_OK) {
        status = wom_batch_scenario_hash(*config, hash, &network, error);
    }
    if (status == WOM_OK && strcmp(network.sha256, shard->network_sha256) != 0 &&
        network.path[0] != '\0') {
        status = wom_error_set(error, WOM_EDATA, network.path, 0,
                               "the network file changed since the shards ran (its SHA-256 is "
                               "now %.12s..., the shards read %.12s...)",
                               network.sha256, shard->network_sha256);
    } else if (status == WOM_OK && strcmp(hash, shard->hash) != 0) {
        status = wom_error_set(error, WOM_EDATA, shard->scenario_file, 0,
                               "the scenario changed since the shards ran (its hash is now "
                               "%.12s..., the shards ran %.12s...)",
                               hash, shard->hash);
    }
    return status;
}

/* Every task file present and valid before any output is written; a bad
 * one names its shard and how to redo it. */
static wom_status check_tasks(wom_batch_t *batch, uint32_t shards, wom_error_t *error) {
    uint32_t first = 0, missing = wom_batch_missing(batch, &first);
    char path[WOM_MAX_PATH];
    if (missing > 0) {
        wom_batch_task_path(batch->options.dir, first, path, sizeof path);
        return wom_error_set(error, WOM_ENOENT, path, 0,
                             "%u of %u task files are missing (the first is of shard %u/%u); "
                             "run that shard again with --shard %u/%u --resume",
                             missing, wom_batch_tasks(&batch->plan), first % shards, shards,
                             first % shards, shards);
    }
    wom_error_t why = {0};
    wom_status status = wom_batch_verify(batch, &first, &why);
    if (status == WOM_EDATA || status == WOM_ENOENT) {
        return wom_error_set(error, status, why.file, why.line,
                             "%s (a task of shard %u/%u); run that shard again with --shard "
                             "%u/%u --resume",
                             why.message, first % shards, shards, first % shards, shards);
    }
    if (status != WOM_OK && error != NULL) {
        *error = why;
    }
    return status;
}

/* Shard `index`'s task files against the SHA-256 its manifest recorded:
 * the checksum in a task file can be recomputed by whoever edits it. */
static wom_status check_shard_digests(const wom_batch_t *batch, uint32_t index, uint32_t shards,
                                      bool *listed, wom_error_t *error) {
    shard_t shard;
    char manifest[WOM_MAX_PATH], path[WOM_MAX_PATH], digest[SHA256_DIGEST_STRING_LENGTH];
    snprintf(manifest, sizeof manifest, "%s/shards/%u-of-%u.json", batch->options.dir, index,
             shards);
    wom_status status =
        read_shard(batch->options.dir, index, shards, &shard) == EX_OK
            ? WOM_OK
            : wom_error_set(error, WOM_EDATA, manifest, 0, "changed during the merge");
    for (size_t t = 0; status == WOM_OK && t < shard.task_count; t++) {
        const shard_task_t *task = &shard.tasks[t];
        wom_batch_task_path(batch->options.dir, task->run_id, path, sizeof path);
        if (task->run_id >= wom_batch_tasks(&batch->plan) || task->run_id % shards != index) {
            status =
                wom_error_set(error, WOM_EDATA, manifest, 0,
                              "lists %s, which is no task of shard %u/%u", path, index, shards);
        } else if (SHA256File(path, digest) == NULL || strcmp(digest, task->sha256) != 0) {
            status = wom_error_set(error, WOM_EDATA, path, 0,
                                   "its SHA-256 is not the one shard %u/%u recorded in %s: the "
                                   "file changed since the shard wrote it; remove it and run "
                                   "that shard again with --shard %u/%u --resume",
                                   index, shards, manifest, index, shards);
        } else {
            listed[task->run_id] = true;
        }
    }
    shard_free(&shard);
    return status;
}

/* Every task file is listed in its shard's manifest with the SHA-256 it
 * has now. */
static wom_status check_task_digests(const wom_batch_t *batch, uint32_t shards,
                                     wom_error_t *error) {
    uint32_t tasks = wom_batch_tasks(&batch->plan);
    bool *listed = calloc(tasks, sizeof *listed);
    if (listed == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    wom_status status = WOM_OK;
    for (uint32_t i = 0; status == WOM_OK && i < shards; i++) {
        status = check_shard_digests(batch, i, shards, listed, error);
    }
    for (uint32_t run = 0; status == WOM_OK && run < tasks; run++) {
        if (!listed[run]) {
            char path[WOM_MAX_PATH];
            wom_batch_task_path(batch->options.dir, run, path, sizeof path);
            status = wom_error_set(error, WOM_EDATA, path, 0,
                                   "not listed in the manifest of shard %u/%u, so its SHA-256 "
                                   "cannot be checked; run that shard again with --shard %u/%u "
                                   "--resume",
                                   run % shards, shards, run % shards, shards);
        }
    }
    free(listed);
    return status;
}

int cli_merge(int argc, char **argv) {
    merge_options_t options;
    int code = parse_merge_options(argc, argv, &options);
    if (code != CLI_PARSED) {
        return code;
    }
    uint32_t shards = 0;
    code = shard_count(options.dir, &shards);
    shard_t shard = {0};
    if (code == EX_OK) {
        code = check_shards(options.dir, shards, &shard);
    }
    if (code != EX_OK) {
        shard_free(&shard);
        return code;
    }
    char started[32];
    cli_utc_now(started);
    cli_overrides_t overrides = {0};
    wom_config_t *config = NULL;
    wom_batch_t batch = {0};
    wom_aggregate_t results = {0};
    wom_error_t error = {0};
    wom_batch_options_t batch_options = {.dir = options.dir,
                                         .name = shard.scenario,
                                         .shards = 1,
                                         .max_tasks = UINT32_MAX,
                                         .threads = 1,
                                         .max_bytes = options.max_bytes,
                                         .record = options.record,
                                         .record_every = options.record_every};
    wom_status status = load_config(&shard, &overrides, &config, &error);
    if (status == WOM_OK) {
        status = wom_batch_init(&batch, config, &batch_options, &error);
    }
    if (status == WOM_OK) {
        status = wom_batch_lock(&batch, &error);
    }
    bool initialised = status == WOM_OK; /* and the folder is this merge's */
    if (status == WOM_OK) {
        status = check_tasks(&batch, shards, &error);
    }
    if (status == WOM_OK) {
        status = check_task_digests(&batch, shards, &error);
    }
    if (status == WOM_OK) {
        status = wom_aggregate_init(&results, &batch);
        status = status == WOM_OK ? wom_output_write_batch(&batch, &results, &error)
                                  : wom_error_set(&error, status, "", 0, "out of memory");
    }
    code = status == WOM_OK ? EX_OK : cli_fail(status, &error);
    bool rendered = false;
    if (code == EX_OK && !options.quiet) {
        printf("womsim: merged %u shards: %u tasks\nresults: %s\n", shards,
               wom_batch_tasks(&batch.plan), options.dir);
    }
    if (code == EX_OK && options.plot) {
        code = cli_render_batch(&batch, options.quiet, &rendered);
    }
    if (code == EX_OK) {
        code = cli_write_report(&batch, &results, NULL, shard.scenario_file, options.plot, rendered,
                                options.quiet);
    }
    if (initialised) { /* the folder exists: say what this merge made of it */
        cli_manifest_t manifest = {
            argc, argv, shard.scenario_file, &overrides, 1, started, true, rendered, shards};
        code = cli_write_manifest(&batch, &manifest, code);
    }
    wom_aggregate_destroy(&results);
    wom_batch_destroy(&batch);
    wom_config_free(config);
    shard_free(&shard);
    return code;
}

const cli_command_t cli_merge_command = {
    "merge",
    "DIR [options]",
    "Check that every shard in DIR (womsim run --shard I/N -o DIR) is done and agrees, then write "
    "the outputs an unsharded run writes.",
    merge_options,
    CLI_COUNT(merge_options),
    cli_merge};
