/* stats.h: aggregation across replications: mean, standard deviation and
 * the 95% Student-t confidence interval of the mean, per step and metric
 * (GSL). Sums run in replication order, so results do not depend on
 * threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_STATS_H
#define WOMSIM_STATS_H

#include <stddef.h>

#include "womsim/metrics.h"
#include "womsim/status.h"

typedef struct {
    double mean;
    double sd;      /* sample standard deviation (n - 1); 0 when n = 1 */
    double ci95_lo; /* mean -/+ t(0.975, n - 1) * sd / sqrt(n); = mean when n = 1 */
    double ci95_hi;
} wom_stats_summary_t;

void wom_stats_summarize(const double *values, size_t count, wom_stats_summary_t *summary);

/* Summaries of every column of `layout` at every step: a malloc'd table of
 * (steps + 1) x layout->count entries, step-major; and of each column's
 * total over days 1..steps (meaningful for the flows,
 * wom_metrics_is_flow), malloc'd, layout->count entries. Sums run in day
 * and replication order. */
wom_status wom_stats_series(const wom_metrics_table_t *result, const wom_metrics_layout_t *layout,
                            wom_stats_summary_t **table, wom_stats_summary_t **totals);

/* The sum of a counter over all replications and days 1..steps. */
int64_t wom_stats_pooled_sum(const wom_metrics_table_t *result, int counter);

/* The pooled ratio sum(numerator) / sum(denominator) of two counters over
 * all replications and days (0 when the denominator is 0): e.g. messages
 * told per satisfied experience. */
double wom_stats_pooled_ratio(const wom_metrics_table_t *result, int numerator, int denominator);

#endif
