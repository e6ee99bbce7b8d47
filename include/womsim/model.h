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

#include <stdbool.h>
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

/* ---- watching one run (the wom kind; watch.h) ----------------------------
 * What a message of the wom kind tells (docs/model.md): a customer's own
 * experience (good or bad), a recovered complaint, hearsay passed on, an
 * intermediary's advice. Reviews go to the business's page, not to a
 * person, and are not messages. */
typedef enum {
    WOM_MESSAGE_EXPERIENCE,
    WOM_MESSAGE_RECOVERY,
    WOM_MESSAGE_HEARSAY,
    WOM_MESSAGE_ADVICE,
    WOM_MESSAGE_KINDS
} wom_message_kind;

/* One message sent in a step: heard by `hearer` the step after. */
typedef struct {
    uint32_t teller, hearer;
    uint32_t weight; /* 1, or population.intermediary_weight for an intermediary's word */
    uint8_t valence; /* 0 good, 1 bad */
    uint8_t kind;    /* wom_message_kind */
} wom_model_message_t;

/* A caller's buffer the steps record every message into: a step appends
 * at `count` (counting past `capacity` without storing, so that the caller
 * sees that it was too small); the order within a step depends on the
 * threads, so the caller sorts each step's messages (watch.c). */
typedef struct {
    wom_model_message_t *messages;
    uint64_t capacity;
    uint64_t count;
} wom_model_trace_t;

/* Records every message of the following steps into `trace` (borrowed;
 * NULL: no recording, the default, which costs the step one test per
 * message). Only the wom kind sends messages: other kinds record none. */
void wom_model_set_trace(wom_model_t *model, wom_model_trace_t *trace);

/* States of a wom agent, in the order of the metrics from unaware. */
typedef enum {
    WOM_MODEL_UNAWARE,
    WOM_MODEL_PROSPECT,
    WOM_MODEL_CUSTOMER,
    WOM_MODEL_LOST
} wom_model_agent_state;

/* One wom agent as it is now. */
typedef struct {
    uint8_t state;              /* wom_model_agent_state */
    int16_t attitude;           /* in 1/64 of a point (decisions read whole points, toward 0) */
    uint32_t purchases;         /* encounters so far */
    bool loyal;                 /* member of the loyalty programme */
    bool intermediary;          /* an adviser whose word weighs more */
    bool heard_good, heard_bad; /* has ever heard good / bad news */
} wom_model_agent_t;

/* Agent `agent` (< the graph's nodes) of a wom model into *out; false for
 * the other kinds, which have no such agents. */
bool wom_model_agent(const wom_model_t *model, uint32_t agent, wom_model_agent_t *out);

#endif
