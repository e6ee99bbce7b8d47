/* output.h: the files of a run: timeseries.csv, summary.json,
 * timeseries.dat + timeseries.gp for gnuplot, and the rendered PNG and SVG;
 * and of a batch: runs.csv (every task's every metric, long format),
 * sweep.csv, sweep.dat + sweep.gp, a design's sensitivity.csv,
 * sensitivity.dat + sensitivity.gp, manifest.json; all from a batch's
 * results (aggregate.h); and of a fit, of the Bass model (bassfit.h) or of
 * a scenario to an observed series (calibrate.h): fit.json, fit.csv,
 * fit.gp and its pictures, manifest.json. Every file, the pictures
 * gnuplot draws included, is written to a temporary name in the same
 * folder, flushed, fsynced and renamed, so a killed run never leaves a
 * truncated file under a final name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_OUTPUT_H
#define WOMSIM_OUTPUT_H

#include <stdio.h>

#include "womsim/aggregate.h"
#include "womsim/analytic.h"
#include "womsim/bassfit.h"
#include "womsim/batch.h"
#include "womsim/calibrate.h"
#include "womsim/config.h"
#include "womsim/file.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/stats.h"
#include "womsim/status.h"
#include "womsim/text.h"
#include "womsim/watch.h"

/* Everything the files of one point are made from. */
typedef struct {
    const char *scenario_name;          /* e.g. "baseline" */
    const char *scenario_hash;          /* 64 hex digits */
    const wom_aggregate_point_t *point; /* its results */
    const wom_watch_t *watch;           /* its watched run (summary.json's "watch"), or NULL */
} wom_output_run_t;

/* Writes timeseries.csv, summary.json, timeseries.dat and timeseries.gp;
 * for a classic kind with an analytic curve (run->analytic), also
 * analytic.dat, which the plot overlays. */
wom_status wom_output_write_run(const char *dir, const wom_output_run_t *run, wom_error_t *error);

/* Runs `gnuplot timeseries.gp` in `dir`, which draws timeseries.png and
 * timeseries.svg. WOM_ENOENT when gnuplot is not installed. */
wom_status wom_output_render(const char *dir, wom_error_t *error);

/* Runs gnuplot on SCRIPT in `dir` (e.g. sweep.gp), which draws NAME.png and
 * NAME.svg (NAME.gp is the script), atomically as every output: gnuplot
 * draws into temporary files, which are fsynced and renamed once it ends
 * well, and removed otherwise. */
wom_status wom_output_render_script(const char *dir, const char *script, wom_error_t *error);

/* A picture gnuplot draws: its file name, and the script's variable that
 * names its output (`set output VARIABLE`), which womsim sets to a
 * temporary file's name with gnuplot -e. */
typedef struct {
    char name[64];
    char variable[64];
} wom_output_picture_t;

/* Runs gnuplot on SCRIPT in `dir`, drawing `count` pictures atomically as
 * wom_output_render_script does. */
wom_status wom_output_render_pictures(const char *dir, const char *script,
                                      const wom_output_picture_t *pictures, size_t count,
                                      wom_error_t *error);

/* Reads every point's results from the task files (wom_aggregate_point,
 * one point's rows at a time) and writes the outputs: runs.csv; for one
 * point timeseries.csv, summary.json, timeseries.dat, timeseries.gp (and
 * analytic.dat) in DIR; for several, those files in DIR/points/<point>/
 * and sweep.csv, sweep.dat, sweep.gp. Every point's final summaries go to
 * `results` (wom_aggregate_init'ed by the caller). When the stop flag of
 * the batch's control is raised it returns WOM_OK before its next point,
 * `results` incomplete, leaving runs.csv, sweep.* and the points not yet
 * written as they were. */
wom_status wom_output_write_batch(wom_batch_t *batch, wom_aggregate_t *results, wom_error_t *error);

/* wom_output_write_batch, with summary.json telling how far the watched
 * run's stories travelled (`watch`: its one point's, or NULL). */
wom_status wom_output_write_batch_watched(wom_batch_t *batch, const wom_watch_t *watch,
                                          wom_aggregate_t *results, wom_error_t *error);
/* The watched run's files in `dir`: trace.csv (day, teller, hearer,
 * valence, kind, weight: a row per message, sorted by day, teller, kind,
 * hearer) when traced, agents.csv (a row per agent per day asked) when
 * agents were asked, network.dat and network.gp when snapshots were
 * (wom_output_write_network); a file not asked for is removed, so that
 * the folder holds no other run's. */
wom_status wom_output_write_watch(const char *dir, const wom_watch_t *watch, wom_error_t *error);
/* The network pictures of a watched run with --snapshots
 * (output_network.c): writes network.dat (the edges, each day's agents
 * and the messages heard that day) and network.gp, which draws
 * network-DAY.png and .svg per day and network.gif over the days; removes
 * the pictures of any earlier run (and network.dat and .gp when `watch`
 * is NULL or drew nothing). */
wom_status wom_output_write_network(const char *dir, const wom_watch_t *watch, wom_error_t *error);
/* Runs gnuplot on network.gp: the pictures, atomically as every output.
 * WOM_ENOENT when gnuplot is not installed. */
wom_status wom_output_render_network(const char *dir, const wom_watch_t *watch, wom_error_t *error);
/* The names of the day pictures in `dir` (network-DAY.png and .svg), in
 * alphabetical order, malloc'ed (each name and the array). */
wom_status wom_output_network_pictures(const char *dir, char ***names, size_t *count);
/* Appends summary.json's "watch" member (with its leading comma). */
void wom_output_watch_json(wom_text_t *text, const wom_watch_t *watch);
/* The names of a message's kind and a story class, as the files write them. */
const char *wom_output_message_kind(int kind);
const char *wom_output_story_name(int story);
/* Whether the batch's design is analysed (morris or saltelli), so that it
 * writes sensitivity.csv, .dat and .gp. */
bool wom_output_has_sensitivity(const wom_batch_t *batch);

/* Under a morris or saltelli design, checks design.metrics against the
 * batch's columns (WOM_ECONFIG at the key's line), so that a misspelt
 * metric stops the run before it starts. WOM_OK for other designs. */
wom_status wom_output_check_sensitivity(const wom_batch_t *batch, wom_error_t *error);

/* Under a morris or saltelli design, writes sensitivity.csv (a row per
 * varied key and metric of design.metrics: mu_star, its 95% bootstrap
 * interval, mu and sigma; or S1 and ST with theirs), sensitivity.dat and
 * sensitivity.gp (a bar chart per metric), from every point's mean over
 * its replications in the complete `results`. Nothing for other designs.
 * wom_output_write_batch calls it after sweep.csv. */
wom_status wom_output_write_sensitivity(const wom_batch_t *batch, const wom_aggregate_t *results,
                                        wom_error_t *error);

/* A list of files relative to a result folder. */
typedef struct {
    char **paths;
    size_t count;
} wom_output_files_t;

/* The files a manifest lists, those that exist: this shard's task files
 * (every task file when the batch is aggregated), and when `aggregated`
 * the outputs (with the PNG and SVG pictures when `pictures`). */
wom_status wom_output_list_files(const wom_batch_t *batch, bool aggregated, bool pictures,
                                 wom_output_files_t *files);
void wom_output_files_destroy(wom_output_files_t *files);

/* Adds `name` (relative to dir) when it is a file that exists. */
wom_status wom_output_files_add(wom_output_files_t *files, const char *dir, const char *name);

/* What a result folder's manifest records. */
typedef struct {
    const char *const *command; /* the command line, word by word */
    size_t command_words;
    const char *scenario_name;
    const char *scenario_file;    /* absolute path of the scenario file */
    const char *const *overrides; /* --set, --sweep, -r, -s as "key=value", in order */
    size_t override_count;
    const char *scenario_hash;
    uint64_t seed;
    int threads;
    const char *shard; /* "I/N" (0/1: one process ran every task) or a merge's note */
    uint32_t points, replications;
    uint32_t tasks;              /* tasks whose files are listed */
    const char *started, *ended; /* UTC, ISO 8601 */
    int exit_status;             /* of the program */
    const char *const *files;    /* relative to the folder; each file's SHA-256 is recorded */
    size_t file_count;
    const char *network_file;   /* the graph file read (network.model = file), or NULL or "" */
    const char *network_sha256; /* its SHA-256, part of scenario_hash */
} wom_output_manifest_t;

/* Writes dir/name (manifest.json, or a shard's manifest) with the womsim
 * version, `git describe` of the source, GSL and igraph versions, the RNG,
 * and the SHA-256 of every listed file. */
wom_status wom_output_write_manifest(const char *dir, const char *name,
                                     const wom_output_manifest_t *m, wom_error_t *error);

/* Writes dir/name, the manifest of a reference run (womsim regress): only
 * what is the same on every machine for the same results: the womsim
 * version, scenario name and hash, seed, RNG, points, replications and the
 * SHA-256 of every listed file. No time, command line, paths, threads, git
 * description or library versions. Uses only those fields of `m`. */
wom_status wom_output_write_reference_manifest(const char *dir, const char *name,
                                               const wom_output_manifest_t *m, wom_error_t *error);

/* A Bass fit and the table it was fitted to. */
typedef struct {
    const char *data_file; /* the table's path as given */
    const wom_bassfit_data_t *data;
    const wom_bassfit_result_t *result;
} wom_output_fit_t;

/* Makes `dir` and writes fit.json (estimates, standard errors, r2, SSE,
 * peak, method, the table's SHA-256), fit.csv (period, observed, fitted)
 * and fit.gp, which draws fit.png and fit.svg from fit.csv
 * (wom_output_render_script). */
wom_status wom_output_write_fit(const char *dir, const wom_output_fit_t *fit, wom_error_t *error);

/* A scenario fitted to an observed series, and what it was fitted to. */
typedef struct {
    const char *scenario_name; /* e.g. "baseline" */
    const char *data_file;     /* the table's path as given */
    const wom_calibrate_data_t *data;
    const wom_calibrate_t *cal;
    const wom_calibrate_options_t *options;
    const wom_calibrate_result_t *result; /* complete: not stopped */
} wom_output_calibration_t;

/* Makes `dir` and writes fit.json (each free key's estimate, interval,
 * range and start; the objective; each metric's scale; the search, the
 * bootstrap's refitted values, seed, replications, the scenario's hash and
 * the table's SHA-256), fit.csv (a row per day 0..steps: per metric the
 * observed value, empty on days not observed, the fitted mean and the
 * replications' 2.5% and 97.5% quantiles) and fit.gp, which draws fit.png
 * and fit.svg from fit.csv (wom_output_render_script). */
wom_status wom_output_write_calibration(const char *dir, const wom_output_calibration_t *fit,
                                        wom_error_t *error);

/* The files of a fit's folder that exist, for its manifest: fit.json,
 * fit.csv, fit.gp, fit.png and fit.svg. */
wom_status wom_output_list_fit_files(const char *dir, wom_output_files_t *files);

/* What a fit's manifest records. */
typedef struct {
    const char *const *command; /* the command line, word by word */
    size_t command_words;
    const char *data_file;       /* absolute path of the table */
    const char *data_sha256;     /* "" when unknown (no regular file) */
    const char *started, *ended; /* UTC, ISO 8601 */
    int exit_status;             /* of the program */
    const char *const *files;    /* relative to the folder; each file's SHA-256 is recorded */
    size_t file_count;
    /* A scenario's fit (womsim fit SCENARIO --data) also records its scenario; NULL for a
     * Bass fit, and the fields below unused: */
    const char *scenario_file; /* absolute path of the scenario file */
    const char *scenario_name;
    const char *const *overrides; /* --set, -r, -s as "key=value", in order */
    size_t override_count;
    const char *scenario_hash;
    uint64_t seed;
    int threads;
} wom_output_fit_manifest_t;

/* Writes dir/manifest.json of a fit: the womsim version, `git describe` of
 * the source, the command, the table and its SHA-256, for a scenario's fit
 * its scenario (file, name, overrides, hash, seed, threads, the RNG and
 * igraph's version), the GSL version, the times, the exit status and the
 * SHA-256 of every listed file. */
wom_status wom_output_write_fit_manifest(const char *dir, const wom_output_fit_manifest_t *m,
                                         wom_error_t *error);

#endif
