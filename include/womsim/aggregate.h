/* aggregate.h: a batch's results, from its task files, point by point:
 * every replication's rows, each column's mean, standard deviation and 95%
 * interval at every step, a classic kind's final share and its theory;
 * and every point's final summaries, which a sweep's files and the report
 * compare. Nothing here writes a file: output.h does, from these.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_AGGREGATE_H
#define WOMSIM_AGGREGATE_H

#include <stdbool.h>
#include <stdint.h>

#include "womsim/analytic.h"
#include "womsim/batch.h"
#include "womsim/metrics.h"
#include "womsim/stats.h"
#include "womsim/status.h"

/* One point's results. */
typedef struct {
    uint32_t point;
    wom_scenario_t scenario;     /* the point's */
    const wom_graph_t *graph;    /* the batch's, valid until it aggregates another network */
    wom_metrics_table_t table;   /* every replication's rows, from the task files */
    wom_metrics_layout_t layout; /* the point's columns (price and discount may be swept) */
    wom_stats_summary_t *series; /* (steps + 1) x layout.count, step-major */
    wom_stats_summary_t *totals; /* layout.count: each column's total over the days */
    bool classic;                /* a classic kind: the two below are set */
    wom_analytic_t analytic;     /* its theory on this graph */
    wom_stats_summary_t share;   /* its final share over the replications */
} wom_aggregate_point_t;

/* Reads point `point`'s task files (all shards') and computes its results:
 * WOM_ENOENT or WOM_EDATA, naming the file, for a missing or bad task file
 * or one that ran on a network of another size. */
wom_status wom_aggregate_point(wom_batch_t *batch, uint32_t point, wom_aggregate_point_t *out,
                               wom_error_t *error);
void wom_aggregate_point_destroy(wom_aggregate_point_t *point); /* accepts NULL */

/* The word of mouth a wom point realised, pooled over its replications
 * and days (the report's headline; summary.json has these and more). */
typedef struct {
    double told_per_satisfied;    /* people told per satisfied experience told */
    double told_per_dissatisfied; /* people told per dissatisfied experience */
    double good_per_bad;          /* good messages delivered per bad one */
} wom_aggregate_told_t;

/* The final summaries of every point of a batch. */
typedef struct {
    uint32_t points;
    wom_metrics_layout_t layout; /* point 0's columns, shared by every point */
    wom_stats_summary_t *starts; /* points x layout.count, at step 0 */
    wom_stats_summary_t *finals; /* points x layout.count, at each point's last step */
    wom_stats_summary_t *totals; /* points x layout.count, totals over each point's days */
    wom_stats_summary_t *shares; /* classic kinds: final share per point; else NULL */
    wom_aggregate_told_t *told;  /* the wom kind: per point; else NULL */
    uint32_t added;              /* points added so far */
} wom_aggregate_t;

wom_status wom_aggregate_init(wom_aggregate_t *results, const wom_batch_t *batch);
void wom_aggregate_destroy(wom_aggregate_t *results); /* accepts NULL */

/* Keeps `point`'s final summaries. */
void wom_aggregate_add(wom_aggregate_t *results, const wom_aggregate_point_t *point);

/* Whether every point has been added. */
static inline bool wom_aggregate_complete(const wom_aggregate_t *results) {
    return results->added == results->points;
}

/* The final summary of `column` at `point`. */
static inline const wom_stats_summary_t *wom_aggregate_final(const wom_aggregate_t *results,
                                                             uint32_t point, int column) {
    return &results->finals[(size_t)point * (size_t)results->layout.count + (size_t)column];
}

/* The summary of `column` at step 0 of `point`. */
static inline const wom_stats_summary_t *wom_aggregate_start(const wom_aggregate_t *results,
                                                             uint32_t point, int column) {
    return &results->starts[(size_t)point * (size_t)results->layout.count + (size_t)column];
}

/* The summary of `column`'s total over the days at `point`. */
static inline const wom_stats_summary_t *wom_aggregate_total(const wom_aggregate_t *results,
                                                             uint32_t point, int column) {
    return &results->totals[(size_t)point * (size_t)results->layout.count + (size_t)column];
}

#endif
