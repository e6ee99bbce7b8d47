/* kind_bass.c: the classic kind bass, network Bass diffusion. A
 * non-adopter v adopts at the rate p + q * a_v / d_v per period of
 * bass.period steps, where a_v counts the adopters among its in-neighbours
 * at the start of the step and d_v is its in-degree (p alone when d_v =
 * 0): in a step with probability 1 - exp(-(p + q a_v / d_v) / period). Arcs point from teller to
 * hearer (network.directed), so a node imitates those it hears from; on an undirected graph in- and
 * out-neighbours are the same.
 *
 * Workload: two passes over all nodes a step: adoptions decided from the
 * start of the step (each node from its own stream keyed (seed, task,
 * step, node, site)), then each new adopter adds 1 to the adopter count of
 * its out-neighbours (atomically when threads share the counts), so rows
 * are the same for any thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "memory.h"

/* A node's state. */
enum {
    NOT_ADOPTED = 0,
    ADOPTED = 1,
    FRESH = 2 /* within a step only: adopted during it */
};

typedef struct {
    uint8_t *state;      /* per node */
    uint32_t *adopters;  /* per node: adopters among its in-neighbours */
    uint32_t *in_degree; /* per node, counted once */
} bass_t;

static bass_t *bass_of(const wom_model_t *model) {
    return (bass_t *)model->state;
}

/* Pass 1 for one non-adopter: reads only its own entries. */
static void maybe_adopt(const wom_model_t *model, const bass_t *bass, uint32_t node) {
    const wom_scenario_t *s = model->scenario;
    uint32_t degree = bass->in_degree[node];
    double rate = s->bass.p;
    if (degree > 0) {
        rate += s->bass.q * bass->adopters[node] / degree;
    }
    double probability = 1 - exp(-rate / (double)s->bass.period);
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, wom_kind_key(model, node, WOM_SITE_BASS_STEP));
    if (wom_rng_stream_next(&stream) < wom_rng_threshold(probability)) {
        bass->state[node] = FRESH;
    }
}

/* Pass 2 for one new adopter: its out-neighbours hear of it next step. */
static void announce_adoption(const wom_graph_t *graph, uint32_t *adopters, uint32_t node,
                              bool shared) {
    for (uint64_t arc = graph->offsets[node]; arc < graph->offsets[node + 1]; arc++) {
        uint32_t *cell = &adopters[graph->targets[arc]];
        if (shared) {
#pragma omp atomic
            (*cell)++;
        } else {
            (*cell)++;
        }
    }
}

static void step(wom_model_t *model, wom_metrics_row_t *row) {
    const bass_t *bass = bass_of(model);
    const uint32_t nodes = model->agents;
    const bool shared = model->threads > 1;
    uint8_t *state = bass->state;
#pragma omp parallel for num_threads(model->threads) if (shared) schedule(static)
    for (uint32_t v = 0; v < nodes; v++) {
        if (state[v] == NOT_ADOPTED) {
            maybe_adopt(model, bass, v);
        }
    }
    int64_t adopters = 0;
#pragma omp parallel for num_threads(model->threads) if (shared) schedule(static) \
    reduction(+ : adopters)
    for (uint32_t v = 0; v < nodes; v++) {
        if (state[v] == FRESH) {
            state[v] = ADOPTED;
            announce_adoption(model->graph, bass->adopters, v, shared);
        }
        adopters += state[v] == ADOPTED;
    }
    row->count[WOM_M_ADOPTERS] = adopters;
}

/* Nobody has adopted yet. */
static void reset(wom_model_t *model, wom_metrics_row_t *row) {
    (void)row; /* adopters: 0 */
    const bass_t *bass = bass_of(model);
    memset(bass->state, NOT_ADOPTED, model->agents);
    memset(bass->adopters, 0, (size_t)model->agents * sizeof(uint32_t));
}

/* ---- set-up ---- */

enum { NODE_BYTES = 1 + 4 + 4 };

static uint64_t estimate_bytes(const wom_scenario_t *scenario, uint32_t agents, uint32_t max_degree,
                               int threads) {
    (void)scenario;
    (void)max_degree;
    (void)threads;
    return sizeof(bass_t) + (uint64_t)NODE_BYTES * agents;
}

static uint64_t bytes(const wom_model_t *model) {
    return estimate_bytes(model->scenario, model->agents, model->graph->max_degree, model->threads);
}

static bool alloc(wom_model_t *model) {
    bass_t *bass = calloc(1, sizeof *bass);
    model->state = bass;
    if (bass == NULL) {
        return false;
    }
    size_t n = model->agents;
    bass->state = wom_memory_alloc(n + 1);
    bass->adopters = wom_memory_alloc(n * sizeof(uint32_t) + 1);
    bass->in_degree = wom_memory_calloc(n + 1, sizeof(uint32_t));
    if (bass->state == NULL || bass->adopters == NULL || bass->in_degree == NULL) {
        return false;
    }
    const wom_graph_t *graph = model->graph;
    for (uint64_t arc = 0; arc < graph->arcs; arc++) {
        bass->in_degree[graph->targets[arc]]++;
    }
    return true;
}

static void release(wom_model_t *model) {
    bass_t *bass = bass_of(model);
    if (bass != NULL) {
        free(bass->state);
        free(bass->adopters);
        free(bass->in_degree);
        free(bass);
        model->state = NULL;
    }
}

static void columns(const wom_scenario_t *scenario, wom_metrics_layout_t *layout) {
    (void)scenario;
    wom_metrics_layout_add(layout, WOM_M_ADOPTERS, NULL);
}

const wom_kind_t wom_kind_bass = {.name = "bass",
                                  .estimate_bytes = estimate_bytes,
                                  .check = NULL,
                                  .columns = columns,
                                  .alloc = alloc,
                                  .release = release,
                                  .bytes = bytes,
                                  .reset = reset,
                                  .step = step};
