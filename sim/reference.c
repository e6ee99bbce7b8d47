/* reference.c: the step kernels of the reference kinds ic, sir and bass
 * (reference.h gives the rules and the order within a step).
 *
 * Workload: 10^4..10^7 nodes, tens to hundreds of steps, many
 * replications; a cascade touches each infected node's arcs once per step
 * it stays infected, and is over long before the last step.
 * - ic and sir keep an active list (the nodes infected at the start of the
 *   step), so a step costs the arcs of those nodes and nothing once the
 *   cascade has died out. Pass 1 walks the list (rows and neighbour states
 *   prefetched ahead: the list is in discovery order, so every row would
 *   otherwise be a cache miss): each node tries its neighbours susceptible
 *   at the start of the step; a success marks the neighbour FRESH and
 *   appends it to the next list. Pass 2 turns FRESH into ACTIVE. A node
 *   reads another's state only to ask "susceptible at the start of the
 *   step?": SUSCEPTIBLE and FRESH both say yes, ACTIVE and REMOVED both say
 *   no, and the only concurrent writes (SUSCEPTIBLE -> FRESH by one winning
 *   infector, ACTIVE -> REMOVED by the node itself) never change an answer.
 *   The next list's order depends on the threads, its content does not.
 * - bass is two passes over all nodes: adoptions decided from the start
 *   of the step, then each new adopter adds 1 to the adopter count of its
 *   out-neighbours.
 * Each node draws from its own stream keyed (seed, task, step, node, site),
 * and how many words it draws depends only on start-of-step states, so rows
 * are the same for any thread count. Counts are integer reductions.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/reference.h"

#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "womsim/rng.h"

/* ---- shared helpers ---- */

static wom_rng_stream_t stream_of(const wom_model_t *model, uint32_t node, uint32_t site) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){model->scenario->simulation.seed, model->task,
                                                 model->step, node, site});
    return stream;
}

static uint8_t load_state(const uint8_t *cell, bool shared) {
    uint8_t value;
    if (shared) {
#pragma omp atomic read
        value = *cell;
    } else {
        value = *cell;
    }
    return value;
}

static void store_state(uint8_t *cell, uint8_t value, bool shared) {
    if (shared) {
#pragma omp atomic write
        *cell = value;
    } else {
        *cell = value;
    }
}

/* ---- ic and sir: one cascade kernel ---- */

/* Word thresholds and stream site of a cascade: ic is sir with gamma = 1. */
typedef struct {
    uint64_t infect;  /* one try at a susceptible neighbour succeeds */
    uint64_t recover; /* an infected node recovers after its tries */
    uint32_t site;    /* WOM_SITE_IC_STEP or WOM_SITE_SIR_STEP */
} cascade_t;

static cascade_t cascade_of(const wom_scenario_t *s) {
    if (s->model.kind == WOM_KIND_IC) {
        return (cascade_t){wom_rng_threshold(s->ic.p), wom_rng_threshold(1), WOM_SITE_IC_STEP};
    }
    return (cascade_t){wom_rng_threshold(s->sir.beta), wom_rng_threshold(s->sir.gamma),
                       WOM_SITE_SIR_STEP};
}

/* Appends the worker's staged nodes to the next active list. */
static void flush_staged(wom_model_t *model, wom_model_worker_t *worker, bool shared) {
    wom_model_cascade_t *cascade = &model->cascade;
    uint32_t count = worker->staged_count, at;
    if (shared) {
#pragma omp atomic capture
        {
            at = cascade->next_size;
            cascade->next_size += count;
        }
    } else {
        at = cascade->next_size;
        cascade->next_size += count;
    }
    memcpy(cascade->next + at, worker->staged, count * sizeof *worker->staged);
    worker->staged_count = 0;
}

/* `node` is active next step. */
static void stage(wom_model_t *model, wom_model_worker_t *worker, uint32_t node, bool shared) {
    worker->staged[worker->staged_count++] = node;
    if (worker->staged_count == WOM_MODEL_STAGE) {
        flush_staged(model, worker, shared);
    }
}

/* SUSCEPTIBLE -> FRESH; true for the one infector that made the change
 * (GCC's atomic builtin when threads share the states: OpenMP 5.0 has no
 * compare-and-swap). */
static bool claim(uint8_t *cell, bool shared) {
    if (!shared) {
        *cell = WOM_REF_FRESH;
        return true;
    }
    uint8_t expected = WOM_REF_SUSCEPTIBLE;
    return __atomic_compare_exchange_n(cell, &expected, WOM_REF_FRESH, false, __ATOMIC_RELAXED,
                                       __ATOMIC_RELAXED);
}

/* Infected node `node` draws its recovery word first (sir only: an ic
 * node always recovers and draws none), then one word per out-neighbour
 * susceptible at the start of the step (a neighbour already marked FRESH
 * by another infector still costs its word, so the stream never depends on
 * which thread came first). New infections, and `node` itself unless it
 * recovers, are staged for the next active list. Inlined twice, with
 * `shared` constant, so the one-thread loop has no atomics. */
static inline void infect_neighbours(wom_model_t *model, wom_model_worker_t *worker,
                                     const cascade_t *cascade, uint32_t node, bool shared) {
    wom_rng_stream_t stream = stream_of(model, node, cascade->site);
    bool recovers =
        cascade->recover > UINT32_MAX || wom_rng_stream_next(&stream) < cascade->recover;
    uint8_t *const states = model->state;
    const uint64_t infect = cascade->infect;
    const wom_graph_t *graph = model->graph;
    const uint32_t *arc = graph->targets + graph->offsets[node];
    const uint32_t *end = graph->targets + graph->offsets[node + 1];
    for (; arc < end; arc++) {
        uint8_t *target = &states[*arc];
        uint8_t state = load_state(target, shared);
        if (state != WOM_REF_SUSCEPTIBLE && state != WOM_REF_FRESH) {
            continue;
        }
        if (wom_rng_stream_next(&stream) < infect && state == WOM_REF_SUSCEPTIBLE &&
            claim(target, shared)) {
            stage(model, worker, *arc, shared);
        }
    }
    if (recovers) {
        store_state(&states[node], WOM_REF_REMOVED, shared);
    } else {
        stage(model, worker, node, shared);
    }
}

/* Prefetch distances along the active list: a node's row offsets this far
 * ahead, its arcs half as far (by then its offsets are in cache). The list
 * is in discovery order, so without them every row is a cache miss. The
 * prefetches stay in the loop itself: GCC deems a function that only
 * prefetches pure and drops the call. */
enum { PREFETCH_OFFSETS = 12, PREFETCH_ARCS = 6, PREFETCH_STATES = 3 };

/* Active lists shorter than this run on one thread (a parallel region costs
 * more than a few thousand nodes' tries). */
enum { PARALLEL_FROM = 4096 };

/* Pass 1: the active nodes try their neighbours; the next list is built. */
static void try_active(wom_model_t *model, const cascade_t *cascade) {
    const uint32_t size = model->cascade.size;
    const uint32_t *now = model->cascade.now;
    const wom_graph_t *graph = model->graph;
    const bool shared = model->threads > 1 && size >= PARALLEL_FROM;
    model->cascade.next_size = 0;
#pragma omp parallel num_threads(model->threads) if (shared)
    {
        int thread = 0;
#ifdef _OPENMP
        thread = omp_get_thread_num();
#endif
        wom_model_worker_t *worker = &model->workers[thread];
#pragma omp for schedule(dynamic, 1024)
        for (uint32_t i = 0; i < size; i++) {
            if (i + PREFETCH_OFFSETS < size) {
                __builtin_prefetch(&graph->offsets[now[i + PREFETCH_OFFSETS]]);
            }
            if (i + PREFETCH_ARCS < size) {
                __builtin_prefetch(&graph->targets[graph->offsets[now[i + PREFETCH_ARCS]]]);
            }
            if (i + PREFETCH_STATES < size) {
                uint32_t ahead = now[i + PREFETCH_STATES];
                for (uint64_t arc = graph->offsets[ahead]; arc < graph->offsets[ahead + 1]; arc++) {
                    __builtin_prefetch(&model->state[graph->targets[arc]]);
                }
            }
            if (shared) {
                infect_neighbours(model, worker, cascade, now[i], true);
            } else {
                infect_neighbours(model, worker, cascade, now[i], false);
            }
        }
        flush_staged(model, worker, shared);
    }
}

/* Pass 2: the newly infected become ACTIVE; returns how many there were. */
static uint32_t settle(wom_model_t *model) {
    const wom_model_cascade_t *cascade = &model->cascade;
    const uint32_t size = cascade->next_size;
    uint8_t *state = model->state;
    uint32_t fresh = 0;
#pragma omp parallel for num_threads(model->threads) if (model->threads > 1 && \
                                                          size >= PARALLEL_FROM) \
    schedule(static) reduction(+ : fresh)
    for (uint32_t i = 0; i < size; i++) {
        uint8_t *cell = &state[cascade->next[i]];
        fresh += *cell == WOM_REF_FRESH;
        *cell = WOM_REF_ACTIVE;
    }
    return fresh;
}

/* Only the active list is visited: a step costs the arcs of the infected
 * nodes, and nothing once the cascade has died out. */
static void step_cascade(wom_model_t *model, wom_metrics_row_t *row) {
    const cascade_t cascade = cascade_of(model->scenario);
    wom_model_cascade_t *active = &model->cascade;
    if (active->size > 0) {
        try_active(model, &cascade);
        active->susceptible -= settle(model);
        uint32_t *swap = active->now;
        active->now = active->next;
        active->next = swap;
        active->size = active->next_size;
    }
    row->count[WOM_M_SUSCEPTIBLE] = active->susceptible;
    row->count[WOM_M_ACTIVE] = active->size;
    row->count[WOM_M_REMOVED] = (int64_t)model->agents - active->susceptible - active->size;
}

/* `seeds` nodes (at most all), chosen at random keyed by the task, form
 * the first active list. */
static void seed_cascade(wom_model_t *model, int64_t seeds, uint32_t site, wom_metrics_row_t *row) {
    uint32_t count = seeds < (int64_t)model->agents ? (uint32_t)seeds : model->agents;
    wom_model_rank(model, WOM_SEEDING_RANDOM, site, count);
    wom_model_cascade_t *cascade = &model->cascade;
    cascade->now = model->inbox[0].count[WOM_POSITIVE];
    cascade->next = model->inbox[0].count[WOM_NEGATIVE];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t node = wom_model_ranked(model, i);
        model->state[node] = WOM_REF_ACTIVE;
        cascade->now[i] = node;
    }
    cascade->size = count;
    cascade->susceptible = model->agents - count;
    row->count[WOM_M_SUSCEPTIBLE] = cascade->susceptible;
    row->count[WOM_M_ACTIVE] = count;
}

/* ---- bass ---- */

/* Two message-count arrays of the inbox, unused by bass otherwise, hold per
 * node the adopters among its in-neighbours (updated in pass 2) and its
 * in-degree. */
static uint32_t *adopting_in_neighbours(const wom_model_t *model) {
    return model->inbox[0].count[WOM_POSITIVE];
}

static uint32_t *in_degrees(const wom_model_t *model) {
    return model->inbox[0].count[WOM_NEGATIVE];
}

static void count_in_degrees(wom_model_t *model) {
    const wom_graph_t *graph = model->graph;
    uint32_t *in_degree = in_degrees(model);
    for (uint64_t arc = 0; arc < graph->arcs; arc++) {
        in_degree[graph->targets[arc]]++;
    }
}

/* Pass 1 for one non-adopter: reads only its own entries. */
static void maybe_adopt(const wom_model_t *model, uint32_t node) {
    const wom_scenario_t *s = model->scenario;
    uint32_t degree = in_degrees(model)[node];
    double probability = s->bass.p;
    if (degree > 0) {
        probability += s->bass.q * adopting_in_neighbours(model)[node] / degree;
    }
    wom_rng_stream_t stream = stream_of(model, node, WOM_SITE_BASS_STEP);
    if (wom_rng_stream_next(&stream) < wom_rng_threshold(probability)) {
        model->state[node] = WOM_REF_FRESH;
    }
}

/* Pass 2 for one new adopter: its out-neighbours hear of it next step. */
static void announce_adoption(const wom_model_t *model, uint32_t node, bool shared) {
    const wom_graph_t *graph = model->graph;
    uint32_t *adopters = adopting_in_neighbours(model);
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

static void step_bass(wom_model_t *model, wom_metrics_row_t *row) {
    const uint32_t nodes = model->agents;
    const bool shared = model->threads > 1;
    uint8_t *state = model->state;
#pragma omp parallel for num_threads(model->threads) if (shared) schedule(static)
    for (uint32_t v = 0; v < nodes; v++) {
        if (state[v] == WOM_REF_SUSCEPTIBLE) {
            maybe_adopt(model, v);
        }
    }
    int64_t adopters = 0;
#pragma omp parallel for num_threads(model->threads) if (shared) schedule(static) \
    reduction(+ : adopters)
    for (uint32_t v = 0; v < nodes; v++) {
        if (state[v] == WOM_REF_FRESH) {
            state[v] = WOM_REF_ACTIVE;
            announce_adoption(model, v, shared);
        }
        adopters += state[v] == WOM_REF_ACTIVE;
    }
    row->count[WOM_M_ADOPTERS] = adopters;
}

/* ---- dispatch ---- */

void wom_reference_reset(wom_model_t *model, wom_metrics_row_t *row) {
    const wom_scenario_t *s = model->scenario;
    switch (s->model.kind) {
    case WOM_KIND_IC:
        seed_cascade(model, s->ic.seeds, WOM_SITE_IC_SEEDS, row);
        break;
    case WOM_KIND_SIR:
        seed_cascade(model, s->sir.seeds, WOM_SITE_SIR_SEEDS, row);
        break;
    default: /* bass: nobody has adopted yet */
        count_in_degrees(model);
    }
}

void wom_reference_step(wom_model_t *model, wom_metrics_row_t *row) {
    memset(row, 0, sizeof *row);
    if (model->scenario->model.kind == WOM_KIND_BASS) {
        step_bass(model, row);
    } else {
        step_cascade(model, row);
    }
}
