/* reference.c: the step kernels of the reference kinds ic, sir and bass
 * (reference.h gives the rules and the order within a step).
 *
 * Workload: 10^4..10^7 nodes, tens to hundreds of steps, many
 * replications; a cascade touches each infected node's arcs once per step
 * it stays infected, and is over long before the last step.
 * - ic and sir keep three sets of a bit per node (a million nodes in 128
 *   KiB each, which stay in the core's cache): reached, the frontier
 *   (infected at the start of the step) and the next frontier. A step
 *   walks the frontier in node order (rows prefetched ahead), costs the
 *   arcs of its nodes and nothing once the cascade has died out: each node
 *   draws a byte per neighbour and, on a success, reaches the neighbour;
 *   one not reached before is infected and enters the next frontier. A node
 *   infected during the step is already reached, so it is infected once,
 *   and it only tries its own neighbours from the next step on. Split over
 *   threads, each owns a range of the sets and successes on others' nodes
 *   travel through buckets, so no two threads write one word.
 * - bass is two passes over all nodes: adoptions decided from the start
 *   of the step, then each new adopter adds 1 to the adopter count of its
 *   out-neighbours.
 * Each node draws from its own stream keyed (seed, task, step, node, site),
 * and how many words it draws depends only on its own state and degree, so
 * rows are the same for any thread count. Counts are integer reductions.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/reference.h"

#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "rng.h"

/* ---- shared helpers ---- */

static wom_rng_stream_t stream_of(const wom_model_t *model, uint32_t node, uint32_t site) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){model->scenario->simulation.seed, model->task,
                                                 model->step, node, site});
    return stream;
}

/* ---- ic and sir: one cascade kernel ---- */

/* Word thresholds and stream site of a cascade: ic is sir with gamma = 1. */
typedef struct {
    wom_rng_trial_t infect; /* one try at a neighbour succeeds (a byte per try) */
    uint64_t recover;       /* an infected node recovers after its tries (a word) */
    uint32_t site;          /* WOM_SITE_IC_STEP or WOM_SITE_SIR_STEP */
} cascade_t;

static cascade_t cascade_of(const wom_scenario_t *s) {
    if (s->model.kind == WOM_KIND_IC) {
        return (cascade_t){wom_rng_trial(wom_rng_threshold(s->ic.p)), wom_rng_threshold(1),
                           WOM_SITE_IC_STEP};
    }
    return (cascade_t){wom_rng_trial(wom_rng_threshold(s->sir.beta)),
                       wom_rng_threshold(s->sir.gamma), WOM_SITE_SIR_STEP};
}

/* Node `node`'s tries at arcs [first, first + count) of its row: bit k set
 * when try first + k succeeds. Ties (1 try in 256) read a word of their own
 * (wom_rng_trial_t). */
static inline uint64_t tries(const wom_model_t *model, const cascade_t *cascade,
                             wom_rng_stream_t *stream, uint32_t node, uint64_t first,
                             unsigned count) {
    uint64_t ties;
    uint64_t hits = wom_rng_stream_trials(stream, count, cascade->infect.high, &ties);
    for (; ties != 0; ties &= ties - 1) {
        unsigned k = (unsigned)__builtin_ctzll(ties);
        wom_rng_key_t key = {model->scenario->simulation.seed, model->task, model->step, node,
                             WOM_SITE_CASCADE_TIE};
        if (wom_rng_tie_succeeds(key, (uint32_t)(first + k), cascade->infect.low)) {
            hits |= UINT64_C(1) << k;
        }
    }
    return hits;
}

/* Sets `node`'s bit in `set`; true if it was not set before. Only the
 * thread that owns the bit's word writes it. */
static inline bool claim(uint64_t *set, uint32_t node) {
    uint64_t *word = &set[node / 64], bit = UINT64_C(1) << (node % 64);
    uint64_t old = *word;
    *word = old | bit;
    return (old & bit) == 0;
}

/* A success on `target` reaches it: it infects it if it was never reached
 * (so it was susceptible at the start of the step: the newly infected of
 * this step are reached, but only in the next frontier). Returns 1 for a
 * new infection. Without a branch: whether a success finds its target
 * reached is a coin toss late in an outbreak, and the mispredictions cost
 * more (a fifth of W3's time) than always writing the next frontier's
 * word. */
static inline uint32_t reach(wom_model_cascade_t *active, uint32_t target) {
    size_t word = target / 64;
    uint64_t bit = UINT64_C(1) << (target % 64), old = active->reached[word];
    uint64_t fresh = ~old & bit;
    active->reached[word] = old | bit;
    active->next[word] |= fresh;
    return fresh != 0;
}

/* Where a thread's successes go. Alone, it reaches them itself. With
 * others, each thread owns a range of the sets' words (and tries the
 * frontier nodes in it), and sends a success on a node it does not own to
 * the owner's bucket: no two threads ever write one word, so there are no
 * atomics and no cache line bounces between cores (with shared sets, two
 * threads ran no faster than one). */
typedef struct {
    uint32_t *buckets;  /* [source thread][owner] buckets of `capacity` nodes */
    uint32_t capacity;  /* nodes a bucket holds */
    size_t owned_words; /* words per owner (the last owns fewer) */
    int threads, thread;
    uint32_t sent[WOM_MODEL_MAX_OWNERS]; /* nodes in this thread's buckets */
    uint32_t staying;                    /* tried nodes that stay infected */
} sink_t;

static uint32_t *bucket_of(const sink_t *sink, int source, int owner) {
    return sink->buckets +
           ((size_t)source * (size_t)sink->threads + (size_t)owner) * sink->capacity;
}

/* Infected node `node` draws its recovery word first (sir only: an ic
 * node always recovers and draws none), then a byte per out-neighbour
 * (tries: a word serves four), whatever the neighbour's state: the draws
 * come first and a neighbour is looked up only on a success, so a node
 * costs the reads of its row and of its successes (p times its degree),
 * and the words drawn never depend on other nodes. `node` stays in the
 * next frontier unless it recovers (its word is its own thread's). Returns
 * the new infections reached directly. Inlined twice, with `alone`
 * constant. */
static inline uint32_t infect_neighbours(wom_model_t *model, const cascade_t *cascade,
                                         uint32_t node, sink_t *sink, bool alone) {
    wom_rng_stream_t stream = stream_of(model, node, cascade->site);
    bool recovers =
        cascade->recover > UINT32_MAX || wom_rng_stream_next(&stream) < cascade->recover;
    wom_model_cascade_t *active = &model->cascade;
    const uint32_t *row = model->graph->targets + model->graph->offsets[node];
    uint64_t degree = model->graph->offsets[node + 1] - model->graph->offsets[node];
    uint32_t infected = 0;
    for (uint64_t first = 0; first < degree; first += 64) {
        unsigned count = degree - first < 64 ? (unsigned)(degree - first) : 64;
        uint64_t hits = tries(model, cascade, &stream, node, first, count);
        for (; hits != 0; hits &= hits - 1) {
            uint32_t target = row[first + (uint64_t)__builtin_ctzll(hits)];
            if (alone) {
                infected += reach(active, target);
            } else {
                int owner = (int)(target / 64 / sink->owned_words);
                bucket_of(sink, sink->thread, owner)[sink->sent[owner]++] = target;
            }
        }
    }
    if (!recovers) {
        claim(active->next, node);
        sink->staying++;
    }
    return infected;
}

/* Frontiers with fewer nodes than this run on one thread (a parallel region
 * costs more than a few thousand nodes' tries). */
enum { PARALLEL_FROM = 4096 };

/* Words of the frontier gathered at a time (4,096 nodes). */
enum { CHUNK_WORDS = 64, CHUNK_NODES = CHUNK_WORDS * 64 };

/* Prefetch distances along gathered nodes: a node's row offsets this far
 * ahead, the first and last lines of its row half as far (by then its
 * offsets are in cache; most rows span two lines). In increasing order the
 * rows are near each other in memory, but still too far apart for the
 * hardware to guess. The prefetches stay in the loop itself: GCC deems a
 * function that only prefetches pure and drops the call. */
enum { PREFETCH_OFFSETS = 16, PREFETCH_ARCS = 8 };

/* A thread's walk over its words of the frontier, gathered a chunk at a
 * time into `nodes`, in increasing order. */
typedef struct {
    size_t word, end;
    uint32_t at, size;
    uint32_t nodes[CHUNK_NODES];
} cursor_t;

/* The frontier's nodes of words [first, end), in increasing order; the
 * words are left zero, so that the frontier, read once, is the empty next
 * frontier of the step after. */
static uint32_t gather(uint64_t *frontier, size_t first, size_t end, uint32_t *nodes) {
    uint32_t size = 0;
    for (size_t w = first; w < end; w++) {
        uint64_t bits = frontier[w];
        if (bits == 0) {
            continue;
        }
        frontier[w] = 0;
        for (; bits != 0; bits &= bits - 1) {
            nodes[size++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
        }
    }
    return size;
}

/* Whether every bucket of the thread has room for `degree` more nodes. */
static bool has_room(const sink_t *sink, uint64_t degree) {
    for (int owner = 0; owner < sink->threads; owner++) {
        if (sink->sent[owner] + degree > sink->capacity) {
            return false;
        }
    }
    return true;
}

/* The cursor's nodes try their neighbours until the cursor's words are done
 * (returns false) or, with others, a bucket may not hold the next node's
 * successes (returns true). Adds the infections reached directly. */
static inline bool try_nodes(wom_model_t *model, const cascade_t *cascade, cursor_t *cursor,
                             sink_t *sink, bool alone, uint32_t *infected) {
    const uint64_t *offsets = model->graph->offsets;
    const uint32_t *targets = model->graph->targets;
    for (;;) {
        if (cursor->at == cursor->size) {
            if (cursor->word == cursor->end) {
                return false;
            }
            size_t end =
                cursor->end - cursor->word < CHUNK_WORDS ? cursor->end : cursor->word + CHUNK_WORDS;
            cursor->size = gather(model->cascade.now, cursor->word, end, cursor->nodes);
            cursor->at = 0;
            cursor->word = end;
            continue;
        }
        uint32_t i = cursor->at, node = cursor->nodes[i];
        if (!alone && !has_room(sink, offsets[node + 1] - offsets[node])) {
            return true;
        }
        if (i + PREFETCH_OFFSETS < cursor->size) {
            __builtin_prefetch(&offsets[cursor->nodes[i + PREFETCH_OFFSETS]]);
        }
        if (i + PREFETCH_ARCS < cursor->size) {
            uint32_t ahead = cursor->nodes[i + PREFETCH_ARCS];
            uint64_t first = offsets[ahead], last = offsets[ahead + 1];
            __builtin_prefetch(&targets[first]);
            __builtin_prefetch(&targets[last > first ? last - 1 : first]);
        }
        *infected += infect_neighbours(model, cascade, node, sink, alone);
        cursor->at++;
    }
}

/* The owner's part of an exchange round: the successes every thread sent
 * it. Returns the new infections. */
static uint32_t receive(wom_model_t *model, const sink_t *sink) {
    uint32_t infected = 0;
    for (int source = 0; source < sink->threads; source++) {
        const uint32_t *bucket = bucket_of(sink, source, sink->thread);
        uint32_t size = model->workers[source].sent[sink->thread];
        for (uint32_t i = 0; i < size; i++) {
            infected += reach(&model->cascade, bucket[i]);
        }
    }
    return infected;
}

/* One thread's part of a step split over threads: rounds of trying its
 * frontier nodes (sending successes) and receiving what was sent to it,
 * until every thread has tried all its nodes. The buckets are the inbox
 * counts, which the cascades use for nothing else. Returns the new
 * infections; adds the nodes that stay infected to `*staying`. */
static uint32_t exchange(wom_model_t *model, const cascade_t *cascade, int threads, int thread,
                         uint32_t *staying) {
    const size_t words = wom_model_reached_words(model->agents);
    sink_t sink = {.buckets = model->inbox[0].count[0],
                   .capacity =
                       (uint32_t)(2 * (uint64_t)model->agents / (uint64_t)(threads * threads)),
                   .owned_words = (words + (size_t)threads - 1) / (size_t)threads,
                   .threads = threads,
                   .thread = thread};
    cursor_t cursor = {.word = (size_t)thread * sink.owned_words};
    cursor.word = cursor.word < words ? cursor.word : words;
    cursor.end = words - cursor.word < sink.owned_words ? words : cursor.word + sink.owned_words;
    wom_model_worker_t *worker = &model->workers[thread];
    uint32_t infected = 0;
    for (bool again = true; again;) {
        worker->more = try_nodes(model, cascade, &cursor, &sink, false, &infected);
        memcpy(worker->sent, sink.sent, sizeof sink.sent);
#pragma omp barrier
        infected += receive(model, &sink);
        again = false;
        for (int other = 0; other < threads; other++) {
            again = again || model->workers[other].more;
        }
#pragma omp barrier
        memset(sink.sent, 0, sizeof sink.sent);
    }
    *staying += sink.staying;
    return infected;
}

/* Whether a step may be split over threads: enough frontier nodes, and
 * buckets (2 n / threads^2 nodes each) that hold any node's successes. */
static int step_threads(const wom_model_t *model) {
    int threads = model->threads < WOM_MODEL_MAX_OWNERS ? model->threads : WOM_MODEL_MAX_OWNERS;
    uint64_t capacity = 2 * (uint64_t)model->agents / (uint64_t)(threads * threads);
    bool split =
        threads > 1 && model->cascade.size >= PARALLEL_FROM && capacity >= model->graph->max_degree;
    return split ? threads : 1;
}

/* The frontier's nodes try their neighbours; the next frontier (empty at
 * the start: the frontier before last, left zero by gather) is built.
 * Returns the new infections; sets `*staying` to the nodes that stay
 * infected. */
static uint32_t try_active(wom_model_t *model, const cascade_t *cascade, uint32_t *staying) {
    const size_t words = wom_model_reached_words(model->agents);
    int threads = step_threads(model);
    uint32_t infected = 0, stay = 0;
    if (threads == 1) {
        cursor_t cursor = {.word = 0, .end = words};
        sink_t sink = {0};
        try_nodes(model, cascade, &cursor, &sink, true, &infected);
        *staying = sink.staying;
        return infected;
    }
#pragma omp parallel num_threads(threads) reduction(+ : infected, stay)
    {
        int team = 1, thread = 0;
#ifdef _OPENMP
        team = omp_get_num_threads();
        thread = omp_get_thread_num();
#endif
        infected += exchange(model, cascade, team, thread, &stay);
    }
    *staying = stay;
    return infected;
}

/* Only the frontier's nodes try anything, and the step does nothing once
 * the cascade has died out. */
static void step_cascade(wom_model_t *model, wom_metrics_row_t *row) {
    const cascade_t cascade = cascade_of(model->scenario);
    wom_model_cascade_t *active = &model->cascade;
    if (active->size > 0) {
        uint32_t staying;
        uint32_t infected = try_active(model, &cascade, &staying);
        active->susceptible -= infected;
        uint64_t *swap = active->now;
        active->now = active->next;
        active->next = swap;
        active->size = infected + staying;
    }
    row->count[WOM_M_SUSCEPTIBLE] = active->susceptible;
    row->count[WOM_M_ACTIVE] = active->size;
    row->count[WOM_M_REMOVED] = (int64_t)model->agents - active->susceptible - active->size;
}

/* `seeds` nodes (at most all), chosen at random keyed by the task, form
 * the first frontier; nobody else has been reached. Floyd's algorithm
 * draws a uniform subset in as many steps as it has nodes (the reached set
 * answers "taken?"): for j = n - seeds .. n - 1 it takes a uniform t in
 * [0, j], or j itself if t is taken. */
static void seed_cascade(wom_model_t *model, int64_t seeds, uint32_t site, wom_metrics_row_t *row) {
    const uint32_t n = model->agents;
    uint32_t count = seeds < (int64_t)n ? (uint32_t)seeds : n;
    wom_model_cascade_t *cascade = &model->cascade;
    size_t words = wom_model_reached_words(n);
    /* the three sets in the states' memory, zeroed through uint64_t stores
     * (the bytes were states before) */
    cascade->reached = (uint64_t *)model->state;
    cascade->now = cascade->reached + words;
    cascade->next = cascade->now + words;
    for (size_t i = 0; i < 3 * words; i++) {
        cascade->reached[i] = 0;
    }
    wom_rng_stream_t stream = stream_of(model, 0, site);
    for (uint32_t j = n - count; j < n; j++) {
        uint32_t node = wom_rng_stream_index(&stream, j + 1);
        if (!claim(cascade->reached, node)) {
            node = j;
            claim(cascade->reached, j);
        }
        claim(cascade->now, node);
    }
    cascade->size = count;
    cascade->susceptible = n - count;
    row->count[WOM_M_SUSCEPTIBLE] = cascade->susceptible;
    row->count[WOM_M_ACTIVE] = count;
}

bool wom_reference_reached(const wom_model_t *model, uint32_t node) {
    return model->cascade.reached[node / 64] >> (node % 64) & 1;
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
