/* output_manifest.c: a result folder's provenance: the files a manifest
 * lists (those of the batch that exist) and manifest.json itself, with the
 * SHA-256 of every listed file, the versions, the command and the times;
 * the reproducible manifest of a reference run (womsim regress); and a
 * fit's manifest (womsim fit), which names its table, and for a scenario's
 * fit its scenario too.
 * Workload: each listed file read once to hash it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "output_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_version.h>
#include <igraph/igraph_version.h>
#include <sha2.h>

#include "rng.h"
#include "womsim/version.h"

#ifndef WOM_GIT_DESCRIBE /* the Makefile passes `git describe --always --dirty` */
#define WOM_GIT_DESCRIBE "unknown"
#endif

wom_status wom_output_files_add(wom_output_files_t *files, const char *dir, const char *name) {
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

static wom_status add_file(wom_output_files_t *files, const char *dir, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* wom_output_files_add with a name made by `format`. */
static wom_status add_file(wom_output_files_t *files, const char *dir, const char *format, ...) {
    char name[WOM_MAX_PATH];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(name, sizeof name, format, args);
    va_end(args);
    return length < 0 || (size_t)length >= sizeof name ? WOM_OK
                                                       : wom_output_files_add(files, dir, name);
}

/* A watched run's network-DAY.png and .svg (only a single point is
 * watched: they are in the batch's folder). */
static wom_status add_day_pictures(wom_output_files_t *files, const wom_batch_t *batch) {
    char **names = NULL;
    size_t count = 0;
    wom_status status = wom_output_network_pictures(batch->options.dir, &names, &count);
    for (size_t i = 0; i < count; i++) {
        status =
            status == WOM_OK ? wom_output_files_add(files, batch->options.dir, names[i]) : status;
        free(names[i]);
    }
    free(names);
    return status;
}

static wom_status add_run_files(wom_output_files_t *files, const wom_batch_t *batch,
                                const char *prefix, bool pictures) {
    static const char *const names[] = {"timeseries.csv", "summary.json",   "timeseries.dat",
                                        "timeseries.gp",  "analytic.dat",   "trace.csv",
                                        "agents.csv",     "network.dat",    "network.gp",
                                        "timeseries.png", "timeseries.svg", "network.gif"};
    size_t count = sizeof names / sizeof names[0] - (pictures ? 0 : 3);
    wom_status status = WOM_OK;
    for (size_t i = 0; status == WOM_OK && i < count; i++) {
        status = add_file(files, batch->options.dir, "%s%s", prefix, names[i]);
    }
    return status == WOM_OK && pictures && prefix[0] == '\0' ? add_day_pictures(files, batch)
                                                             : status;
}

wom_status wom_output_list_files(const wom_batch_t *batch, bool aggregated, bool pictures,
                                 wom_output_files_t *files) {
    const char *dir = batch->options.dir;
    uint32_t tasks = wom_batch_tasks(&batch->plan);
    *files = (wom_output_files_t){0};
    wom_status status = WOM_OK;
    for (uint32_t run_id = 0; status == WOM_OK && run_id < tasks; run_id++) {
        if (aggregated || wom_batch_mine(&batch->plan, run_id)) {
            status = add_file(files, dir, "tasks/%u.rows", run_id);
        }
    }
    if (status == WOM_OK && aggregated) {
        status = add_file(files, dir, "runs.csv");
    }
    if (status == WOM_OK && aggregated) {
        status = add_file(files, dir, "scenario.ini");
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
    static const char *const sensitivity[] = {"sensitivity.csv", "sensitivity.dat",
                                              "sensitivity.gp", "sensitivity.png",
                                              "sensitivity.svg"};
    size_t sensitivity_files =
        aggregated && wom_output_has_sensitivity(batch) ? (pictures ? 5 : 3) : 0;
    for (size_t i = 0; status == WOM_OK && i < sensitivity_files; i++) {
        status = add_file(files, dir, "%s", sensitivity[i]);
    }
    if (status == WOM_OK && aggregated) { /* written by the program after the plots */
        status = add_file(files, dir, "report.html");
    }
    if (status != WOM_OK) {
        wom_output_files_destroy(files);
    }
    return status;
}

wom_status wom_output_list_fit_files(const char *dir, wom_output_files_t *files) {
    static const char *const names[] = {"fit.json", "fit.csv", "fit.gp", "fit.png", "fit.svg"};
    *files = (wom_output_files_t){0};
    wom_status status = WOM_OK;
    for (size_t i = 0; status == WOM_OK && i < sizeof names / sizeof names[0]; i++) {
        status = wom_output_files_add(files, dir, names[i]);
    }
    if (status != WOM_OK) {
        wom_output_files_destroy(files);
    }
    return status;
}

void wom_output_files_destroy(wom_output_files_t *files) {
    for (size_t i = 0; files != NULL && i < files->count; i++) {
        free(files->paths[i]);
    }
    if (files != NULL) {
        free(files->paths);
        *files = (wom_output_files_t){0};
    }
}

static void json_strings(wom_text_t *text, const char *const *items, size_t count) {
    wom_text_printf(text, "[");
    for (size_t i = 0; i < count; i++) {
        wom_text_printf(text, "%s", i ? ", " : "");
        wom_text_json_string(text, items[i]);
    }
    wom_text_printf(text, "]");
}

/* "files": {"PATH": "SHA-256", ...}, one per line. */
static void manifest_string(wom_text_t *text, const char *name, const char *value) {
    wom_text_printf(text, "  \"%s\": ", name);
    wom_text_json_string(text, value ? value : "");
    wom_text_printf(text, ",\n");
}

/* A batch on a network file names the file (`path`: not in a reference's
 * manifest, which holds no paths) and its SHA-256, which the scenario hash
 * covers; nothing without one, so that other manifests keep their bytes. */
static void manifest_network(wom_text_t *text, const wom_output_manifest_t *m, bool path) {
    if (m->network_sha256 != NULL && m->network_sha256[0] != '\0') {
        if (path) {
            manifest_string(text, "network_file", m->network_file);
        }
        manifest_string(text, "network_sha256", m->network_sha256);
    }
}

static wom_status manifest_files(wom_text_t *text, const char *dir, const char *const *files,
                                 size_t file_count, wom_error_t *error) {
    wom_text_printf(text, "  \"files\": {");
    for (size_t i = 0; i < file_count; i++) {
        char path[WOM_MAX_PATH], digest[SHA256_DIGEST_STRING_LENGTH];
        if (snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= (int)sizeof path) {
            return wom_error_set(error, WOM_EIO, dir, 0, "path is too long");
        }
        if (SHA256File(path, digest) == NULL) {
            return wom_error_set(error, WOM_EIO, path, 0, "cannot read to hash: %s",
                                 strerror(errno));
        }
        wom_text_printf(text, "%s\n    ", i ? "," : "");
        wom_text_json_string(text, files[i]);
        wom_text_printf(text, ": \"%s\"", digest);
    }
    wom_text_printf(text, "%s}\n", file_count ? "\n  " : "");
    return WOM_OK;
}

/* The listed files of a manifest with their SHA-256, and the manifest
 * written to dir/name; `text` holds what comes before "files". */
static wom_status finish_manifest(wom_text_t *text, const char *dir, const char *name,
                                  const char *const *files, size_t file_count, wom_error_t *error) {
    wom_status status = manifest_files(text, dir, files, file_count, error);
    wom_text_printf(text, "}\n");
    if (status == WOM_OK) {
        status = wom_file_write_text(dir, name, text, error);
    }
    return status;
}

wom_status wom_output_write_manifest(const char *dir, const char *name,
                                     const wom_output_manifest_t *m, wom_error_t *error) {
    const char *igraph = NULL;
    int major, minor, subminor;
    igraph_version(&igraph, &major, &minor, &subminor);
    wom_text_t text;
    wom_text_init(&text);
    wom_text_printf(&text, "{\n");
    manifest_string(&text, "womsim", WOM_VERSION);
    manifest_string(&text, "git_describe", WOM_GIT_DESCRIBE);
    wom_text_printf(&text, "  \"command\": ");
    json_strings(&text, m->command, m->command_words);
    wom_text_printf(&text, ",\n");
    manifest_string(&text, "scenario", m->scenario_name);
    manifest_string(&text, "scenario_file", m->scenario_file);
    wom_text_printf(&text, "  \"overrides\": ");
    json_strings(&text, m->overrides, m->override_count);
    wom_text_printf(&text, ",\n");
    manifest_string(&text, "scenario_hash", m->scenario_hash);
    manifest_network(&text, m, true);
    wom_text_printf(&text, "  \"seed\": %llu,\n", (unsigned long long)m->seed);
    manifest_string(&text, "rng", wom_rng_name());
    wom_text_printf(&text,
                    "  \"threads\": %d,\n  \"shard\": \"%s\",\n  \"points\": %u,\n"
                    "  \"replications\": %u,\n  \"tasks\": %u,\n",
                    m->threads, m->shard, m->points, m->replications, m->tasks);
    manifest_string(&text, "gsl", gsl_version);
    manifest_string(&text, "igraph", igraph);
    manifest_string(&text, "started_utc", m->started);
    manifest_string(&text, "ended_utc", m->ended);
    wom_text_printf(&text, "  \"exit_status\": %d,\n", m->exit_status);
    wom_status status = finish_manifest(&text, dir, name, m->files, m->file_count, error);
    wom_text_destroy(&text);
    return status;
}

/* What a scenario's fit records of its scenario. */
static void fit_scenario(wom_text_t *text, const wom_output_fit_manifest_t *m) {
    const char *igraph = NULL;
    int major, minor, subminor;
    igraph_version(&igraph, &major, &minor, &subminor);
    manifest_string(text, "scenario", m->scenario_name);
    manifest_string(text, "scenario_file", m->scenario_file);
    wom_text_printf(text, "  \"overrides\": ");
    json_strings(text, m->overrides, m->override_count);
    wom_text_printf(text, ",\n");
    manifest_string(text, "scenario_hash", m->scenario_hash);
    wom_text_printf(text, "  \"seed\": %llu,\n", (unsigned long long)m->seed);
    manifest_string(text, "rng", wom_rng_name());
    wom_text_printf(text, "  \"threads\": %d,\n", m->threads);
    manifest_string(text, "igraph", igraph);
}

wom_status wom_output_write_fit_manifest(const char *dir, const wom_output_fit_manifest_t *m,
                                         wom_error_t *error) {
    wom_text_t text;
    wom_text_init(&text);
    wom_text_printf(&text, "{\n");
    manifest_string(&text, "womsim", WOM_VERSION);
    manifest_string(&text, "git_describe", WOM_GIT_DESCRIBE);
    wom_text_printf(&text, "  \"command\": ");
    json_strings(&text, m->command, m->command_words);
    wom_text_printf(&text, ",\n");
    manifest_string(&text, "data_file", m->data_file);
    manifest_string(&text, "data_sha256", m->data_sha256);
    if (m->scenario_file != NULL) {
        fit_scenario(&text, m);
    }
    manifest_string(&text, "gsl", gsl_version);
    manifest_string(&text, "started_utc", m->started);
    manifest_string(&text, "ended_utc", m->ended);
    wom_text_printf(&text, "  \"exit_status\": %d,\n", m->exit_status);
    wom_status status =
        finish_manifest(&text, dir, "manifest.json", m->files, m->file_count, error);
    wom_text_destroy(&text);
    return status;
}

wom_status wom_output_write_reference_manifest(const char *dir, const char *name,
                                               const wom_output_manifest_t *m, wom_error_t *error) {
    wom_text_t text;
    wom_text_init(&text);
    wom_text_printf(&text, "{\n");
    manifest_string(&text, "womsim", WOM_VERSION);
    manifest_string(&text, "scenario", m->scenario_name);
    manifest_string(&text, "scenario_hash", m->scenario_hash);
    manifest_network(&text, m, false);
    wom_text_printf(&text, "  \"seed\": %llu,\n", (unsigned long long)m->seed);
    manifest_string(&text, "rng", wom_rng_name());
    wom_text_printf(&text, "  \"points\": %u,\n  \"replications\": %u,\n", m->points,
                    m->replications);
    wom_status status = finish_manifest(&text, dir, name, m->files, m->file_count, error);
    wom_text_destroy(&text);
    return status;
}
