/* model.h: the agents of one run and their step, for every model kind
 * (model.kind: wom, the word-of-mouth model, or one of the classic
 * diffusion models ic, sir and bass; docs/model.md). A model is set up
 * once per thread and reused for many runs: reset it to a task, then step
 * it; every draw is keyed by (seed, task, step, agent, call site), so a
 * step gives the same row for any number of threads. Pure computation: no
 * I/O, no globals, no allocation after wom_model_alloc.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_MODEL_H
#define WOMSIM_MODEL_H

#include <stdint.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/status.h"

typedef struct wom_model wom_model_t;

/* Bytes a model of `scenario`'s kind allocates at most for `agents` agents
 * and `threads` threads on a graph whose largest out-degree is
 * `max_degree`. */
uint64_t wom_model_estimate_bytes(const wom_scenario_t *scenario, uint32_t agents,
                                  uint32_t max_degree, int threads);

/* The checks that need the actual graph (a network file's size is known
 * only once it is read): e.g. a cascade's seeds within the nodes.
 * WOM_ECONFIG with a message naming the key. */
wom_status wom_model_check(const wom_scenario_t *scenario, const wom_graph_t *graph,
                           wom_error_t *error);

/* The columns a run of `scenario` records, in output order. */
void wom_model_layout(const wom_scenario_t *scenario, wom_metrics_layout_t *layout);

/* A model for `scenario` on `graph` whose steps use `threads` threads (>=
 * 1). Both are borrowed and must outlive the model. */
wom_status wom_model_alloc(const wom_scenario_t *scenario, const wom_graph_t *graph, int threads,
                           wom_model_t **model);
void wom_model_free(wom_model_t *model); /* accepts NULL */

/* Bytes `model` holds. */
uint64_t wom_model_bytes(const wom_model_t *model);

/* Puts every agent in its initial state for the run whose random streams
 * have the task word `stream_task` (below 2^24) and records step 0 into
 * `row`. Two runs of one scenario with the same stream task draw the same
 * numbers on one graph. A batch passes the task's run id, or its
 * replication under common random numbers (wom_batch_stream_task). */
void wom_model_reset(wom_model_t *model, uint32_t stream_task, wom_metrics_row_t *row);

/* Advances one step and records its metrics into `row`. */
void wom_model_step(wom_model_t *model, wom_metrics_row_t *row);

#endif
