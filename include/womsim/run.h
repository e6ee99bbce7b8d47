/* run.h: runs the replications of one scenario point on a shared graph and
 * keeps every replication's per-step metrics. Tasks have stable ids
 * (run_id = point * replications + replication) and each task's result
 * depends on its id only, so the results are the same for any number of
 * threads. Replications run in parallel when there are at least as many as
 * threads; otherwise the agents of each run are split over the threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_RUN_H
#define WOMSIM_RUN_H

#include <stdint.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/status.h"

typedef struct {
    uint32_t replications;
    uint32_t steps; /* rows per replication: steps + 1 (step 0 first) */
    uint32_t agents;
    wom_metrics_row_t *rows; /* replications x (steps + 1), replication-major */
} wom_run_result_t;

/* Called after each finished replication, from one thread at a time. */
typedef void (*wom_progress_fn)(void *user, uint32_t done, uint32_t total);

/* Runs scenario->simulation.replications replications of sweep point
 * `point` with `threads` threads (>= 1). `progress` may be NULL. */
wom_status wom_run_point(const wom_scenario_t *scenario, const wom_graph_t *graph, uint32_t point,
                         int threads, wom_progress_fn progress, void *user,
                         wom_run_result_t *result);

void wom_run_result_destroy(wom_run_result_t *result);

/* The row of `replication` at `step`. */
static inline const wom_metrics_row_t *wom_run_row(const wom_run_result_t *result,
                                                   uint32_t replication, uint32_t step) {
    return &result->rows[(size_t)replication * (result->steps + 1) + step];
}

#endif
