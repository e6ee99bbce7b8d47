/* output.h: the files of a run: timeseries.csv, summary.json,
 * timeseries.dat + timeseries.gp for gnuplot, and the rendered PNG and SVG;
 * and of a batch: runs.csv (every task's every metric, long format),
 * sweep.csv, sweep.dat + sweep.gp, manifest.json. Every file, the pictures
 * gnuplot draws included, is written to a temporary name in the same
 * folder, flushed, fsynced and renamed, so a killed run never leaves a
 * truncated file under a final name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_OUTPUT_H
#define WOMSIM_OUTPUT_H

#include <stdio.h>

#include "womsim/analytic.h"
#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/stats.h"
#include "womsim/status.h"
#include "womsim/text.h"

/* Everything the files of one run are made from. */
typedef struct {
    const char *scenario_name; /* e.g. "baseline" */
    const char *scenario_hash; /* 64 hex digits */
    const wom_scenario_t *scenario;
    const wom_graph_t *graph;
    const wom_metrics_table_t *result;
    const wom_metrics_layout_t *layout; /* the columns of `series` */
    const wom_stats_summary_t *series;  /* from wom_stats_series */
    const wom_analytic_t *analytic;     /* classic kinds: theory beside the simulation, or
                                           NULL; ignored for the wom kind */
} wom_output_run_t;

/* Creates `path` and its missing parents (like mkdir -p). */
wom_status wom_output_make_dir(const char *path, wom_error_t *error);

/* Writes a file through `writer`, atomically: to "path.tmp.XXXXXX" in the
 * same folder, flushed, fsynced, then renamed to `path`. On any failure the
 * temporary file is removed and `path` is left as it was. */
typedef wom_status (*wom_output_writer_fn)(FILE *stream, const void *context);
wom_status wom_output_write_with(const char *path, wom_output_writer_fn writer, const void *context,
                                 wom_error_t *error);

/* A file written piece by piece (runs.csv), atomically: open writes to
 * "path.tmp.XXXXXX"; commit flushes, fsyncs and renames it to `path`. */
typedef struct {
    FILE *stream; /* append here; NULL when not open */
    int fd;
    char path[WOM_MAX_PATH];      /* the final name */
    char temporary[WOM_MAX_PATH]; /* where the bytes go until commit */
} wom_output_stream_t;

wom_status wom_output_stream_open(wom_output_stream_t *out, const char *path, wom_error_t *error);

/* Appends `text`: WOM_ENOMEM when the text is incomplete, WOM_EIO when the
 * write fails (commit then reports why). */
wom_status wom_output_stream_text(wom_output_stream_t *out, const wom_text_t *text);

/* Puts the file in place when `status` (of the writing so far) is WOM_OK;
 * otherwise, or when flushing or renaming fails, removes the temporary file
 * and returns the error. The stream is closed either way. */
wom_status wom_output_stream_commit(wom_output_stream_t *out, wom_status status,
                                    wom_error_t *error);

/* Closes and removes the temporary file; nothing when not open. */
void wom_output_stream_abandon(wom_output_stream_t *out);

/* Writes `text` to dir/name atomically. */
wom_status wom_output_write_file(const char *dir, const char *name, const wom_text_t *text,
                                 wom_error_t *error);

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

/* A classic kind's final share over the replications: per replication
 * the share of nodes ever active (ic), ever infected (sir) or adopted
 * (bass) at the last step, as in summary.json. */
wom_status wom_output_final_share(const wom_output_run_t *run, wom_stats_summary_t *summary);

/* A sweep point as runs.csv names it. */
typedef struct {
    uint32_t point;
    size_t keys;               /* swept keys, 0 for a single point */
    const char *const *names;  /* their full names, sweep order */
    const char *const *values; /* their values at `point` */
} wom_output_point_t;

/* The header line of runs.csv: scenario, point, replication, run_id, seed,
 * one column per swept key, step, metric, value. */
void wom_output_runs_header(wom_text_t *text, const wom_output_point_t *point);

/* The rows of runs.csv for one replication of `run` (task `run_id`): one
 * per step and layout column, step-major. */
void wom_output_runs_rows(wom_text_t *text, const wom_output_run_t *run,
                          const wom_output_point_t *point, uint32_t replication, uint32_t run_id);

/* What sweep.csv, sweep.dat and sweep.gp are made from: every point's
 * final summaries. */
typedef struct {
    const char *scenario_name;
    const char *scenario_hash;
    uint64_t seed; /* of point 0, for the provenance lines */
    uint32_t points, replications;
    size_t keys;                        /* swept keys, >= 1 */
    const char *const *names;           /* their full names, sweep order */
    const size_t *counts;               /* values per swept key; counts[0] divides points */
    const char *const *values;          /* points x keys: key k at point p is [p * keys + k] */
    const wom_metrics_layout_t *layout; /* the same columns at every point */
    const wom_stats_summary_t *finals;  /* points x layout->count, at each point's last step */
    const wom_stats_summary_t *shares;  /* classic kinds: final share per point; else NULL */
} wom_output_sweep_t;

/* sweep.csv (per point: swept values, then every metric's final mean, sd,
 * ci95_lo, ci95_hi, and final_share for classic kinds), sweep.dat and
 * sweep.gp: final customers (wom) or the final share (classic kinds)
 * versus the first swept key, a line per combination of the others. */
wom_status wom_output_write_sweep(const char *dir, const wom_output_sweep_t *sweep,
                                  wom_error_t *error);

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

#endif
