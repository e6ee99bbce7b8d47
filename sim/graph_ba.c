/* graph_ba.c: the Barabasi-Albert generator, over the threads.
 *
 * Node v joins min(v, m) distinct earlier nodes, each chosen with
 * probability proportional to its degree + 1 (undirected) or in-degree + 1
 * (directed), igraph's rule with zero appeal 1. The edge array doubles as
 * the list of edge ends (Batagelj & Brandes 2005): a uniform token among
 * the ends so far and one extra token per earlier node has exactly those
 * probabilities; a node v picks twice is drawn again. Node v's tokens
 * come from its own stream, so its edges are fixed by the seed, the draw
 * and the targets of the edges before it.
 *
 * Sequentially that is one pass; here the nodes are shared out over the
 * threads, as Sanders & Schulz (2016) do for scale-free graphs: a token
 * that names the target of an edge not yet known (drawn by a node another
 * thread has not reached) makes this thread work out that node's edges
 * itself, from its stream, then carry on. Every thread computes the same
 * value for an edge, so the graph is the sequential one for any number of
 * threads, and each edge is written once or, at worst, written again with
 * the same value (relaxed atomics: a target is one word, read whole).
 * Targets are known before they are read in almost every case: most
 * tokens fall on older edges.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>

#include "graph_internal.h"
#include "memory.h"
#include "rng.h"

/* A target not yet worked out. Node ids are below the node count, at most
 * UINT32_MAX, so this id is never a node. */
#define BA_UNKNOWN UINT32_MAX

typedef struct {
    uint32_t *pairs; /* source and target of edge e at 2e, 2e + 1 */
    uint32_t m;
    bool directed;
    const wom_scenario_t *scenario;
    uint32_t draw;
} ba_graph_t;

/* Edges added before node v: node u adds min(u, m). */
static uint64_t edges_before(uint64_t v, uint64_t m) {
    return v <= m + 1 ? v * (v - 1) / 2 : m * (m + 1) / 2 + (v - m - 1) * m;
}

/* Nodes whose first tokens are drawn ahead, and tokens drawn per node: a
 * token names an edge end, a random read of the edge array, so drawing a
 * node's first tokens this many nodes early lets those reads be prefetched
 * (the draws themselves are unchanged: a node's tokens come out of its
 * stream in the same order, the first few simply earlier). */
enum { BA_AHEAD = 8, BA_TOKENS_AHEAD = 8 };

/* Node v's edges being worked out: the k-th of `count` from edge `first`,
 * its tokens uniform below `bound`: those drawn ahead, then its stream's;
 * `pending` holds a token whose edge end was unknown when drawn, to be
 * used again once it is known. */
typedef struct {
    wom_rng_stream_t stream;
    uint64_t first, ends, bound, pending;
    uint64_t token[BA_TOKENS_AHEAD];
    uint32_t drawn, used;
    uint32_t node, k, count;
    bool has_pending;
} ba_frame_t;

static ba_frame_t ba_frame(const ba_graph_t *ba, uint32_t v) {
    uint64_t first = edges_before(v, ba->m);
    ba_frame_t frame = {.first = first,
                        .ends = ba->directed ? first : 2 * first,
                        .node = v,
                        .count = v < ba->m ? v : ba->m};
    frame.bound = frame.ends + v;
    wom_rng_stream_init(&frame.stream,
                        wom_graph_node_key(ba->scenario, ba->draw, v, WOM_SITE_GRAPH));
    return frame;
}

/* Draws the frame's first tokens, each edge end's word prefetched. */
static void draw_ahead(const ba_graph_t *ba, ba_frame_t *frame) {
    frame->drawn = frame->count < BA_TOKENS_AHEAD ? frame->count : BA_TOKENS_AHEAD;
    for (uint32_t k = 0; k < frame->drawn; k++) {
        uint64_t token = wom_graph_uniform_below(&frame->stream, frame->bound);
        frame->token[k] = token;
        if (token < frame->ends) {
            __builtin_prefetch(&ba->pairs[ba->directed ? 2 * token + 1 : token]);
        }
    }
}

static uint64_t next_token(ba_frame_t *frame) {
    return frame->used < frame->drawn ? frame->token[frame->used++]
                                      : wom_graph_uniform_below(&frame->stream, frame->bound);
}

static uint32_t load(const uint32_t *word) {
    return __atomic_load_n(word, __ATOMIC_RELAXED);
}

/* Whether `target` is among the frame's edges so far. A scan of at most
 * m - 1 words: m is a handful for social networks (1-50). */
static bool picked(const ba_graph_t *ba, const ba_frame_t *frame, uint32_t target) {
    for (uint32_t j = 0; j < frame->k; j++) {
        if (load(&ba->pairs[2 * (frame->first + j) + 1]) == target) {
            return true;
        }
    }
    return false;
}

/* A stack of frames, grown as needed: a frame waits on the node below it. */
typedef struct {
    ba_frame_t *frames;
    size_t depth, capacity;
} ba_stack_t;

static bool push(ba_stack_t *stack, ba_frame_t frame) {
    if (stack->depth == stack->capacity) {
        size_t capacity = stack->capacity ? 2 * stack->capacity : 16;
        ba_frame_t *grown = realloc(stack->frames, capacity * sizeof *grown);
        if (grown == NULL) {
            return false;
        }
        stack->frames = grown;
        stack->capacity = capacity;
    }
    stack->frames[stack->depth++] = frame;
    return true;
}

/* Works out the top frame's next edge, or pushes the frame of the node
 * whose edge end its token names when that end is unknown. False when
 * memory is short. */
static bool advance(const ba_graph_t *ba, ba_stack_t *stack) {
    ba_frame_t *frame = &stack->frames[stack->depth - 1];
    uint64_t token = frame->has_pending ? frame->pending : next_token(frame);
    frame->has_pending = false;
    uint32_t target = (uint32_t)(token - frame->ends);
    if (token < frame->ends) {
        uint64_t end = ba->directed ? 2 * token + 1 : token; /* directed: targets only */
        target = load(&ba->pairs[end]);
        if (target == BA_UNKNOWN) { /* an odd end: the source beside it drew it */
            frame->pending = token;
            frame->has_pending = true;
            return push(stack, ba_frame(ba, ba->pairs[end - 1]));
        }
    }
    if (!picked(ba, frame, target)) {
        __atomic_store_n(&ba->pairs[2 * (frame->first + frame->k) + 1], target, __ATOMIC_RELAXED);
        frame->k++;
    }
    return true;
}

/* The edges of `frame`'s node, with those of any earlier node they need
 * first. */
static bool resolve(const ba_graph_t *ba, const ba_frame_t *frame, ba_stack_t *stack) {
    uint64_t last = frame->first + frame->count - 1;
    if (load(&ba->pairs[2 * last + 1]) != BA_UNKNOWN) {
        return true; /* another thread needed it first */
    }
    stack->depth = 0;
    bool ok = push(stack, *frame);
    while (ok && stack->depth > 0) {
        ba_frame_t *top = &stack->frames[stack->depth - 1];
        if (top->k == top->count) {
            stack->depth--;
        } else {
            ok = advance(ba, stack);
        }
    }
    return ok;
}

/* Nodes start .. end - 1 in order, each one's first tokens drawn
 * BA_AHEAD nodes early. */
static bool resolve_nodes(const ba_graph_t *ba, uint32_t start, uint32_t end, ba_stack_t *stack) {
    ba_frame_t ahead[BA_AHEAD];
    for (uint32_t v = start; v < end && v - start < BA_AHEAD; v++) {
        ahead[v % BA_AHEAD] = ba_frame(ba, v);
        draw_ahead(ba, &ahead[v % BA_AHEAD]);
    }
    bool ok = true;
    for (uint32_t v = start; ok && v < end; v++) {
        ok = resolve(ba, &ahead[v % BA_AHEAD], stack);
        if (end - v > BA_AHEAD) {
            ahead[v % BA_AHEAD] = ba_frame(ba, v + BA_AHEAD);
            draw_ahead(ba, &ahead[v % BA_AHEAD]);
        }
    }
    return ok;
}

/* Every edge's source, and the targets of nodes 1 .. m (every earlier
 * node, nothing drawn); the other targets unknown. */
static void lay_out(const ba_graph_t *ba, uint32_t nodes) {
#pragma omp parallel for schedule(static)
    for (uint32_t v = 1; v < nodes; v++) {
        uint64_t first = edges_before(v, ba->m);
        uint32_t count = v < ba->m ? v : ba->m;
        for (uint32_t k = 0; k < count; k++) {
            ba->pairs[2 * (first + k)] = v;
            ba->pairs[2 * (first + k) + 1] = v <= ba->m ? k : BA_UNKNOWN;
        }
    }
}

wom_status wom_graph_generate_barabasi_albert(const wom_scenario_t *scenario, uint32_t draw,
                                              wom_graph_t **out) {
    return wom_graph_generate_ba_chunks(scenario, draw, 4096, out);
}

wom_status wom_graph_generate_ba_chunks(const wom_scenario_t *scenario, uint32_t draw,
                                        uint32_t chunk_nodes, wom_graph_t **out) {
    const uint32_t nodes = (uint32_t)scenario->network.nodes;
    const uint32_t m = (uint32_t)scenario->network.m;
    uint64_t edges_max = edges_before(nodes > 0 ? nodes : 1, m);
    edge_list_t edges = {wom_memory_alloc(edges_max * 2 * sizeof(uint32_t)), edges_max, edges_max};
    if (edges.pairs == NULL) {
        return WOM_ENOMEM;
    }
    ba_graph_t ba = {edges.pairs, m, scenario->network.directed, scenario, draw};
    lay_out(&ba, nodes);
    bool short_of_memory = false;
#pragma omp parallel reduction(|| : short_of_memory)
    {
        ba_stack_t stack = {0};
        /* Chunks handed out in node order, so the edges a node's tokens
         * name were mostly worked out already. */
        uint64_t first = (uint64_t)m + 1, size = chunk_nodes;
        uint64_t chunks = nodes > first ? (nodes - first + size - 1) / size : 0;
#pragma omp for schedule(dynamic, 1)
        for (uint64_t chunk = 0; chunk < chunks; chunk++) {
            uint64_t start = first + size * chunk, end = start + size;
            short_of_memory =
                short_of_memory ||
                !resolve_nodes(&ba, (uint32_t)start, (uint32_t)(end < nodes ? end : nodes), &stack);
        }
        free(stack.frames);
    }
    wom_status status = short_of_memory ? WOM_ENOMEM : WOM_OK;
    if (status == WOM_OK) {
        status = wom_graph_build_csr(nodes, scenario->network.directed, &edges, out);
    }
    free(edges.pairs);
    return status;
}
