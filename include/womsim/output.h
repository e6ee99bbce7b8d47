/* output.h: the files of a run: timeseries.csv, summary.json,
 * timeseries.dat + timeseries.gp for gnuplot, and the rendered PNG and SVG.
 * Every file is built in memory and written to a temporary name in the same
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
#include "womsim/run.h"
#include "womsim/stats.h"
#include "womsim/status.h"
#include "womsim/text.h"

/* Everything the files of one run are made from. */
typedef struct {
    const char *scenario_name; /* e.g. "baseline" */
    const char *scenario_hash; /* 64 hex digits */
    const wom_scenario_t *scenario;
    const wom_graph_t *graph;
    const wom_run_result_t *result;
    const wom_metrics_layout_t *layout; /* the columns of `series` */
    const wom_stats_summary_t *series;  /* from wom_stats_series */
    const wom_analytic_t *analytic;     /* reference kinds: theory beside the simulation, or
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

/* Writes `text` to dir/name atomically. */
wom_status wom_output_write_file(const char *dir, const char *name, const wom_text_t *text,
                                 wom_error_t *error);

/* Writes timeseries.csv, summary.json, timeseries.dat and timeseries.gp;
 * for a reference kind with an analytic curve (run->analytic), also
 * analytic.dat, which the plot overlays. */
wom_status wom_output_write_run(const char *dir, const wom_output_run_t *run, wom_error_t *error);

/* Runs `gnuplot timeseries.gp` in `dir`, which writes timeseries.png and
 * timeseries.svg. WOM_ENOENT when gnuplot is not installed. */
wom_status wom_output_render(const char *dir, wom_error_t *error);

#endif
