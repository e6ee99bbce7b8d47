/* model.h: the agents of one run (struct of arrays) and the step kernel of
 * the `wom` kind (MODEL.md). Pure computation: no I/O, no globals, no
 * allocation after wom_model_alloc. Every draw is keyed by (seed, task,
 * step, agent, site), and the only writes to another agent's data are
 * integer increments of its inbox, so a step gives the same result for any
 * number of threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_MODEL_H
#define WOMSIM_MODEL_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/status.h"

typedef enum { WOM_UNAWARE, WOM_PROSPECT, WOM_CUSTOMER, WOM_LOST, WOM_STATES } wom_agent_state;

/* Bits of wom_model_t.heard. */
enum { WOM_HEARD_POS = 1, WOM_HEARD_NEG = 2 };

/* Scratch memory of one thread inside a step: allocated once. */
typedef struct {
    gsl_rng *rng;     /* reset to a key before each GSL draw */
    uint32_t *picked; /* neighbour indices chosen by one tell (max_degree) */
    uint8_t *marked;  /* 1 where a neighbour index is picked; all 0 between tells */
} wom_model_worker_t;

typedef struct {
    const wom_scenario_t *scenario; /* borrowed, must outlive the model */
    const wom_graph_t *graph;       /* borrowed, must outlive the model */
    uint32_t agents;
    uint32_t task; /* run_id of the run in progress */
    uint32_t step; /* steps completed; 0 after wom_model_reset */

    /* Agent state, one entry per agent. */
    uint8_t *state;      /* wom_agent_state */
    int16_t *attitude;   /* in [-attitude_cap, +attitude_cap] */
    uint32_t *purchases; /* encounters so far (saturates) */
    uint8_t *heard;      /* WOM_HEARD_* bits: ever heard good / bad news */
    /* Inboxes, double-buffered: step t reads inbox_*[t % 2] (sent at t-1)
     * and writes inbox_*[(t + 1) % 2]; summed message weights. */
    uint32_t *inbox_pos[2];
    uint32_t *inbox_neg[2];

    /* Cumulative counts carried from step to step. */
    int64_t reached_pos, reached_neg;

    /* Probabilities as integer thresholds for raw 32-bit words. */
    uint64_t advertising_threshold, purchase_threshold, failure_threshold;
    uint64_t repurchase_threshold, churn_threshold, winback_threshold;
    uint64_t *adoption_threshold; /* by attitude + cap: 2 * cap + 1 entries */
    uint64_t *seeding_rank;       /* priority << 32 | agent, sorted: who is seeded first */

    int threads; /* workers; > 1 runs agents in parallel */
    wom_model_worker_t *workers;
} wom_model_t;

/* Bytes a model of `agents` agents with `threads` workers allocates. */
uint64_t wom_model_estimate_bytes(uint32_t agents, uint32_t max_degree, int threads);

/* A model for `scenario` on `graph` with `threads` workers (>= 1). */
wom_status wom_model_alloc(const wom_scenario_t *scenario, const wom_graph_t *graph, int threads,
                           wom_model_t **model);
void wom_model_free(wom_model_t *model);

/* Puts every agent in its initial state for task `task` and records step 0
 * (states; event counters zero) into `row`. */
void wom_model_reset(wom_model_t *model, uint32_t task, wom_metrics_row_t *row);

/* Advances one step and records its metrics into `row`. */
void wom_model_step(wom_model_t *model, wom_metrics_row_t *row);

#endif
