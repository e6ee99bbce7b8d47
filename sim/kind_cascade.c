/* kind_cascade.c: the classic kinds ic and sir, one cascade kernel (ic is
 * sir with gamma = 1). In step t:
 *   1. every node infected (ic: active) at the start of the step tries each
 *      out-neighbour that is susceptible at the start of the step, once,
 *      succeeding with ic.p (sir.beta); a success makes the neighbour
 *      infected from the end of the step on;
 *   2. then every node that was infected at the start of the step recovers
 *      (ic: is removed) with sir.gamma (ic: always).
 * So a sir node infects for L >= 1 steps with P(L = l) = gamma (1 -
 * gamma)^(l - 1).
 *
 * Workload: 10^4..10^7 nodes, tens to hundreds of steps, many
 * replications; a cascade touches each infected node's arcs once per step
 * it stays infected, and is over long before the last step. Three sets of
 * a bit per node (a million nodes in 128 KiB each, which stay in the
 * core's cache): reached, the frontier (infected at the start of the step)
 * and the next frontier. A step walks the frontier in node order (rows
 * prefetched ahead), costs the arcs of its nodes and nothing once the
 * cascade has died out: each node draws a byte per neighbour and, on a
 * success, reaches the neighbour; one not reached before is infected and
 * enters the next frontier. A node infected during the step is already
 * reached, so it is infected once, and it only tries its own neighbours
 * from the next step on. Split over threads, each owns a range of the sets
 * and successes on others' nodes travel through buckets, so no two
 * threads write one word. Each node draws from its own stream keyed
 * (seed, task, step, node, site), and how many words it draws depends
 * only on its own state and degree, so rows are the same for any thread
 * count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kind.h"
#include "memory.h"

/* Threads a step runs on at most (each owns a part of the sets). */
enum { MAX_OWNERS = 64 };

/* A thread's part of one round of an exchange: the nodes it sent to each
 * owner, and whether it stopped for want of room. */
typedef struct {
    uint32_t sent[MAX_OWNERS];
    bool more;
} worker_t;

/* The outbreak in progress: three sets of a bit per node (bit v of word v
 * / 64): the nodes ever infected, those infected at the start of the step
 * (the frontier) and those of the next step being built. */
typedef struct {
    uint64_t *reached, *now, *next;
    uint32_t size;        /* nodes in `now` */
    uint32_t susceptible; /* nodes susceptible at the start of the step */
    /* with threads: [source thread][owner] buckets, 2 n nodes in all */
    uint32_t *buckets;
    worker_t *workers; /* one per thread, or NULL */
} outbreak_t;

static outbreak_t *outbreak_of(const wom_model_t *model) {
    return (outbreak_t *)model->state;
}

/* Words of a set for `nodes` nodes. */
static size_t set_words(uint32_t nodes) {
    return ((size_t)nodes + 63) / 64;
}

static wom_rng_stream_t stream_of(const wom_model_t *model, uint32_t node, uint32_t site) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, wom_kind_key(model, node, site));
    return stream;
}

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
        wom_rng_key_t key = wom_kind_key(model, node, WOM_SITE_CASCADE_TIE);
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
static inline uint32_t reach(outbreak_t *active, uint32_t target) {
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
    uint32_t sent[MAX_OWNERS]; /* nodes in this thread's buckets */
    uint32_t staying;          /* tried nodes that stay infected */
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
    outbreak_t *active = outbreak_of(model);
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
            cursor->size = gather(outbreak_of(model)->now, cursor->word, end, cursor->nodes);
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
    outbreak_t *outbreak = outbreak_of(model);
    uint32_t infected = 0;
    for (int source = 0; source < sink->threads; source++) {
        const uint32_t *bucket = bucket_of(sink, source, sink->thread);
        uint32_t size = outbreak->workers[source].sent[sink->thread];
        for (uint32_t i = 0; i < size; i++) {
            infected += reach(outbreak, bucket[i]);
        }
    }
    return infected;
}

/* One thread's part of a step split over threads: rounds of trying its
 * frontier nodes (sending successes) and receiving what was sent to it,
 * until every thread has tried all its nodes. Returns the new
 * infections; adds the nodes that stay infected to `*staying`. */
static uint32_t exchange(wom_model_t *model, const cascade_t *cascade, int threads, int thread,
                         uint32_t *staying) {
    outbreak_t *outbreak = outbreak_of(model);
    const size_t words = set_words(model->agents);
    sink_t sink = {.buckets = outbreak->buckets,
                   .capacity =
                       (uint32_t)(2 * (uint64_t)model->agents / (uint64_t)(threads * threads)),
                   .owned_words = (words + (size_t)threads - 1) / (size_t)threads,
                   .threads = threads,
                   .thread = thread};
    cursor_t cursor = {.word = (size_t)thread * sink.owned_words};
    cursor.word = cursor.word < words ? cursor.word : words;
    cursor.end = words - cursor.word < sink.owned_words ? words : cursor.word + sink.owned_words;
    worker_t *worker = &outbreak->workers[thread];
    uint32_t infected = 0;
    for (bool again = true; again;) {
        worker->more = try_nodes(model, cascade, &cursor, &sink, false, &infected);
        memcpy(worker->sent, sink.sent, sizeof sink.sent);
#pragma omp barrier
        infected += receive(model, &sink);
        again = false;
        for (int other = 0; other < threads; other++) {
            again = again || outbreak->workers[other].more;
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
    int threads = model->threads < MAX_OWNERS ? model->threads : MAX_OWNERS;
    uint64_t capacity = 2 * (uint64_t)model->agents / (uint64_t)(threads * threads);
    bool split = threads > 1 && outbreak_of(model)->size >= PARALLEL_FROM &&
                 capacity >= model->graph->max_degree;
    return split ? threads : 1;
}

/* The frontier's nodes try their neighbours; the next frontier (empty at
 * the start: the frontier before last, left zero by gather) is built.
 * Returns the new infections; sets `*staying` to the nodes that stay
 * infected. */
static uint32_t try_active(wom_model_t *model, const cascade_t *cascade, uint32_t *staying) {
    const size_t words = set_words(model->agents);
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
static void step(wom_model_t *model, wom_metrics_row_t *row) {
    const cascade_t cascade = cascade_of(model->scenario);
    outbreak_t *active = outbreak_of(model);
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
static void reset(wom_model_t *model, wom_metrics_row_t *row) {
    const wom_scenario_t *s = model->scenario;
    bool ic = s->model.kind == WOM_KIND_IC;
    int64_t seeds = ic ? s->ic.seeds : s->sir.seeds;
    const uint32_t n = model->agents;
    uint32_t count = seeds < (int64_t)n ? (uint32_t)seeds : n;
    outbreak_t *outbreak = outbreak_of(model);
    size_t words = set_words(n);
    memset(outbreak->reached, 0, 3 * words * sizeof(uint64_t));
    outbreak->now = outbreak->reached + words; /* a step may have swapped the frontiers */
    outbreak->next = outbreak->now + words;
    wom_rng_stream_t stream = stream_of(model, 0, ic ? WOM_SITE_IC_SEEDS : WOM_SITE_SIR_SEEDS);
    for (uint32_t j = n - count; j < n; j++) {
        uint32_t node = wom_rng_stream_index(&stream, j + 1);
        if (!claim(outbreak->reached, node)) {
            node = j;
            claim(outbreak->reached, j);
        }
        claim(outbreak->now, node);
    }
    outbreak->size = count;
    outbreak->susceptible = n - count;
    row->count[WOM_M_SUSCEPTIBLE] = outbreak->susceptible;
    row->count[WOM_M_ACTIVE] = count;
}

/* ---- set-up ---- */

/* Bytes of the buckets of a step split over threads (2 n / threads^2 nodes
 * for each of threads^2 pairs). */
static uint64_t bucket_bytes(uint32_t agents, int threads) {
    return threads > 1 ? 2 * (uint64_t)agents * sizeof(uint32_t) : 0;
}

static uint64_t estimate_bytes(const wom_scenario_t *scenario, uint32_t agents, uint32_t max_degree,
                               int threads) {
    (void)scenario;
    (void)max_degree;
    return sizeof(outbreak_t) + 3 * set_words(agents) * sizeof(uint64_t) +
           bucket_bytes(agents, threads) + (uint64_t)threads * sizeof(worker_t);
}

static uint64_t bytes(const wom_model_t *model) {
    return estimate_bytes(model->scenario, model->agents, model->graph->max_degree, model->threads);
}

static bool alloc(wom_model_t *model) {
    outbreak_t *outbreak = calloc(1, sizeof *outbreak);
    model->state = outbreak;
    if (outbreak == NULL) {
        return false;
    }
    outbreak->reached = wom_memory_alloc(3 * set_words(model->agents) * sizeof(uint64_t));
    outbreak->now = outbreak->reached;
    outbreak->workers = calloc((size_t)model->threads, sizeof *outbreak->workers);
    bool ok = outbreak->reached != NULL && outbreak->workers != NULL;
    if (model->threads > 1) {
        outbreak->buckets = wom_memory_alloc(bucket_bytes(model->agents, model->threads));
        ok = ok && outbreak->buckets != NULL;
    }
    return ok;
}

static void release(wom_model_t *model) {
    outbreak_t *outbreak = outbreak_of(model);
    if (outbreak != NULL) {
        free(outbreak->reached); /* the three sets' block */
        free(outbreak->buckets);
        free(outbreak->workers);
        free(outbreak);
        model->state = NULL;
    }
}

static wom_status seeds_within_nodes(const wom_scenario_t *scenario, const wom_graph_t *graph,
                                     wom_error_t *error) {
    bool ic = scenario->model.kind == WOM_KIND_IC;
    int64_t seeds = ic ? scenario->ic.seeds : scenario->sir.seeds;
    if (seeds <= (int64_t)graph->nodes) {
        return WOM_OK;
    }
    return wom_error_set(error, WOM_ECONFIG, "", 0,
                         "%s = %lld must be at most the network's %u nodes",
                         ic ? "ic.seeds" : "sir.seeds", (long long)seeds, graph->nodes);
}

static void columns(const wom_scenario_t *scenario, wom_metrics_layout_t *layout) {
    (void)scenario;
    for (int id = WOM_M_SUSCEPTIBLE; id <= WOM_M_REMOVED; id++) {
        wom_metrics_layout_add(layout, id, NULL);
    }
}

const wom_kind_t wom_kind_ic = {.name = "ic",
                                .estimate_bytes = estimate_bytes,
                                .check = seeds_within_nodes,
                                .columns = columns,
                                .alloc = alloc,
                                .release = release,
                                .bytes = bytes,
                                .reset = reset,
                                .step = step};

const wom_kind_t wom_kind_sir = {.name = "sir",
                                 .estimate_bytes = estimate_bytes,
                                 .check = seeds_within_nodes,
                                 .columns = columns,
                                 .alloc = alloc,
                                 .release = release,
                                 .bytes = bytes,
                                 .reset = reset,
                                 .step = step};
