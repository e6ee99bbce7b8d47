/* kind.h (private): the operations every model kind implements, and the
 * part of a model all kinds share. model.c dispatches to the kind a
 * scenario names (model.kind); each kind lives in its own files and owns
 * its state, which nothing else reads:
 *   wom       kind_wom.c (set-up) and kind_wom_step.c (the step kernel)
 *   ic, sir   kind_cascade.c (one cascade kernel: ic is sir with gamma 1)
 *   bass      kind_bass.c
 * The ic, sir and bass kinds are the classic diffusion models, kept to
 * check the simulator against theory (docs/model.md). No memory is shared
 * between kinds.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_KIND_H
#define WOMSIM_KIND_H

#include <stdint.h>

#include "rng.h"
#include "womsim/model.h"

struct wom_model {
    const wom_scenario_t *scenario; /* borrowed, must outlive the model */
    const wom_graph_t *graph;       /* borrowed, must outlive the model */
    const struct wom_kind *kind;
    uint32_t agents;          /* the graph's nodes */
    uint32_t stream_task;     /* the task word of the run's stream keys (wom_model_reset) */
    uint32_t step;            /* steps completed; 0 after a reset */
    int threads;              /* > 1: a step splits the agents over this many threads */
    void *state;              /* the kind's own state */
    wom_model_trace_t *trace; /* borrowed: where steps record their messages; NULL: nowhere */
};

/* One model kind. A row handed to reset or step is zeroed: the kind sets
 * the counters it records. */
typedef struct wom_kind {
    const char *name; /* model.kind */
    /* Bytes a model of `agents` agents with `threads` threads allocates at
     * most, on a graph whose largest out-degree is `max_degree`. */
    uint64_t (*estimate_bytes)(const wom_scenario_t *scenario, uint32_t agents, uint32_t max_degree,
                               int threads);
    /* The checks that need the actual graph; NULL when there are none. */
    wom_status (*check)(const wom_scenario_t *scenario, const wom_graph_t *graph,
                        wom_error_t *error);
    /* What it records: its columns, appended to an empty layout. */
    void (*columns)(const wom_scenario_t *scenario, wom_metrics_layout_t *layout);
    /* Allocates model->state (false when memory runs out; `release` then
     * frees what was taken). */
    bool (*alloc)(wom_model_t *model);
    void (*release)(wom_model_t *model); /* frees model->state, whole or partial, or NULL */
    uint64_t (*bytes)(const wom_model_t *model);
    /* The initial state of the run of model->stream_task, recorded as step 0. */
    void (*reset)(wom_model_t *model, wom_metrics_row_t *row);
    /* Step model->step (already counted). */
    void (*step)(wom_model_t *model, wom_metrics_row_t *row);
} wom_kind_t;

extern const wom_kind_t wom_kind_wom, wom_kind_ic, wom_kind_sir, wom_kind_bass;

/* The key of entity `entity`'s stream at call site `site` in the model's
 * current run and step. */
static inline wom_rng_key_t wom_kind_key(const wom_model_t *model, uint32_t entity, uint32_t site) {
    return (wom_rng_key_t){model->scenario->simulation.seed, model->stream_task, model->step,
                           entity, site};
}

#endif
