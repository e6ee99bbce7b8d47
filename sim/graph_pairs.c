/* graph_pairs.c: the models where every pair of nodes (every ordered pair
 * when directed) is an edge independently, with a probability that depends
 * only on the blocks of its two ends: Erdos-Renyi G(n, p) (one block) and
 * the stochastic block model (blocks of consecutive nodes, p_in within a
 * block, p_out between blocks; a node's block is its segment). Drawn from
 * keyed Philox streams, node v's candidates from the stream (seed, draw,
 * step 0, v, WOM_SITE_GRAPH), so a node's edges depend on the seed, the
 * draw and the node alone; generated in parts of rows over the threads, writing the CSR
 * directly: the same graph for any number of threads.
 * Workload: once at set-up, for up to some 1e7 nodes and 1e9 arcs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "graph_internal.h"
#include "memory.h"
#include "rng.h"

double wom_graph_compute_er_probability(const wom_scenario_t *scenario) {
    int64_t n = scenario->network.nodes;
    return n > 1 ? scenario->network.mean_degree / (double)(n - 1) : 0.0;
}

uint64_t wom_graph_count_sbm_nodes(const wom_scenario_t *scenario) {
    uint64_t nodes = 0;
    for (int i = 0; i < scenario->network.block_count; i++) {
        nodes += scenario->network.blocks[i];
    }
    return nodes;
}

/* Threads that generate a graph at most: undirected, each keeps a count
 * per node while it runs (4 bytes a node), so with this many the build's
 * peak stays below the memory of the graph and model that follow it. */
enum { PAIR_PARTS_MAX = 8 };

/* The parts a graph is generated in: one per thread. */
int wom_graph_count_pair_parts(void) {
#ifdef _OPENMP
    int threads = omp_get_max_threads();
    return threads < 1 ? 1 : threads > PAIR_PARTS_MAX ? PAIR_PARTS_MAX : threads;
#else
    return 1;
#endif
}

/* A model of independent pairs: block b holds nodes start[b] ..
 * start[b + 1] - 1; the rows are split into parts at first_row[]. */
typedef struct {
    uint64_t seed;
    uint32_t draw; /* the task word of the streams: which draw of the network */
    uint32_t nodes;
    bool directed;
    int blocks;
    uint32_t start[WOM_MAX_BLOCKS + 1];
    double p_in, p_out;       /* within a block, between blocks */
    double rate_in, rate_out; /* -log(1 - p_in), -log(1 - p_out) */
    int parts;
    uint32_t first_row[PAIR_PARTS_MAX + 1];
} pair_model_t;

/* Erdos-Renyi: one block, p = mean_degree / (n - 1); an SBM: its blocks. */
static void pair_model_init(pair_model_t *model, const wom_scenario_t *scenario, uint32_t draw) {
    const bool sbm = scenario->network.model == WOM_NET_SBM;
    model->seed = scenario->simulation.seed;
    model->draw = draw;
    model->nodes =
        (uint32_t)(sbm ? wom_graph_count_sbm_nodes(scenario) : (uint64_t)scenario->network.nodes);
    model->directed = scenario->network.directed;
    model->blocks = sbm ? scenario->network.block_count : 1;
    model->start[0] = 0;
    for (int b = 0; b < model->blocks; b++) {
        model->start[b + 1] = model->start[b] + (sbm ? scenario->network.blocks[b] : model->nodes);
    }
    model->p_in = sbm ? scenario->network.p_in : wom_graph_compute_er_probability(scenario);
    model->p_out = sbm ? scenario->network.p_out : 0.0;
    model->rate_in = -log1p(-model->p_in);
    model->rate_out = -log1p(-model->p_out);
}

/* The block of `node`: the last b with start[b] <= node. */
static int pair_block_of(const pair_model_t *model, uint32_t node) {
    int low = 0, high = model->blocks - 1;
    while (low < high) {
        int middle = (low + high + 1) / 2;
        if (model->start[middle] <= node) {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    return low;
}

/* ---------------------------------------------------------------------------
 * Rows */

/* Node v's candidates: the nodes below it (undirected; each pair once) or
 * every other node (directed), block after block, each an edge with its
 * block's probability p. The edges are found by geometric gaps between
 * successes (Batagelj & Brandes 2005): one logarithm per edge, not one
 * draw per pair. A gap is an exponential wait E = -log(u) spent at the
 * rate -log(1 - p) a candidate: the next edge is the first candidate
 * where the rates spent exceed E, which happens at candidate j with
 * probability p (1 - p)^j. A wait that outlasts its block carries what is
 * left into the next block at that block's rate, so block boundaries cost
 * no draws; with one block this is the plain geometric gap floor(log(u) /
 * log(1 - p)). */
typedef struct {
    wom_rng_stream_t stream;
    const pair_model_t *model;
    double rate;         /* -log(1 - p) in the current block */
    double wait;         /* the wait left; negative: draw a new one */
    uint64_t candidates; /* v (undirected) or n - 1 (directed) */
    uint64_t next;       /* the next candidate index to consider */
    uint64_t block_end;  /* the candidate index where the current block ends */
    uint32_t node;
    int block, node_block;
    bool directed;
} pair_row_t;

/* Enters block `block`: candidate indices skip the node itself
 * (directed) or end at it (undirected). */
static void pair_row_enter(pair_row_t *row, int block) {
    const pair_model_t *model = row->model;
    uint64_t end = model->start[block + 1];
    if (row->directed) {
        end = end > row->node ? end - 1 : end;
    } else {
        end = end < row->candidates ? end : row->candidates;
    }
    row->block = block;
    row->block_end = end;
    row->rate = block == row->node_block ? model->rate_in : model->rate_out;
}

static void pair_row_start(pair_row_t *row, const pair_model_t *model, uint32_t node) {
    wom_rng_stream_init(&row->stream,
                        (wom_rng_key_t){model->seed, model->draw, 0, node, WOM_SITE_GRAPH});
    row->model = model;
    row->directed = model->directed;
    row->candidates = row->directed ? (uint64_t)model->nodes - 1 : node;
    row->next = 0;
    row->wait = -1;
    row->node = node;
    row->node_block = pair_block_of(model, node);
    pair_row_enter(row, 0);
}

/* The row's next neighbour, ascending; false when the row is done. */
static inline bool pair_row_next(pair_row_t *row, uint32_t *neighbour) {
    while (row->next < row->candidates) {
        uint64_t left = row->block_end - row->next;
        if (left > 0 && row->rate > 0) { /* p = 0: no edges, and the wait is not spent */
            double wait = row->wait >= 0 ? row->wait : -log(wom_rng_stream_unit(&row->stream));
            double gap = floor(wait / row->rate); /* p = 1: 0 */
            if (gap < (double)left) {
                uint64_t candidate = row->next + (uint64_t)gap;
                row->next = candidate + 1;
                row->wait = -1;
                /* directed: candidate indices skip the node itself */
                *neighbour =
                    (uint32_t)(row->directed && candidate >= row->node ? candidate + 1 : candidate);
                return true;
            }
            double rest = wait - (double)left * row->rate;
            row->wait = rest > 0 ? rest : 0; /* not below 0 by rounding */
        }
        row->next = row->block_end;
        if (row->next < row->candidates) { /* the last block ends at `candidates` */
            pair_row_enter(row, row->block + 1);
        }
    }
    return false;
}

/* Neighbours a row handles at a time: generated first, so that their
 * counts or cursors, random reads, are all fetched together. */
enum { PAIR_BATCH = 32 };

/* The row's next neighbours, up to PAIR_BATCH, into `batch`; returns how
 * many (fewer than PAIR_BATCH: the row is done). */
static uint32_t pair_row_batch(pair_row_t *row, uint32_t batch[PAIR_BATCH]) {
    uint32_t count = 0;
    while (count < PAIR_BATCH && pair_row_next(row, &batch[count])) {
        count++;
    }
    return count;
}

/* ---------------------------------------------------------------------------
 * Parts */

/* The expected cost of rows start[b] .. start[b] + rows - 1 of block b: a
 * row's set-up, taken as one edge's worth, plus its expected own edges
 * (undirected: p_out for each node of the earlier blocks, p_in for each
 * earlier node of its own). */
static double pair_block_cost(const pair_model_t *model, int b, double rows) {
    double first = model->start[b], size = (double)model->start[b + 1] - first;
    if (model->directed) {
        return rows * (1 + model->p_in * (size - 1) + model->p_out * (model->nodes - size));
    }
    return rows * (1 + model->p_out * first) + model->p_in * rows * (rows - 1) / 2;
}

/* The expected cost of rows 0 .. end - 1. */
static double pair_rows_cost(const pair_model_t *model, uint32_t end) {
    double cost = 0;
    for (int b = 0; b < model->blocks && model->start[b] < end; b++) {
        uint32_t stop = model->start[b + 1] < end ? model->start[b + 1] : end;
        cost += pair_block_cost(model, b, stop - model->start[b]);
    }
    return cost;
}

/* Splits the rows into `parts` parts of about equal expected cost: part i
 * is rows first_row[i] .. first_row[i + 1] - 1. */
static void pair_split(pair_model_t *model, int parts) {
    const double total = pair_rows_cost(model, model->nodes);
    model->parts = parts;
    model->first_row[0] = 0;
    model->first_row[parts] = model->nodes;
    for (int part = 1; part < parts; part++) {
        double share = total * part / parts;
        uint32_t low = model->first_row[part - 1], high = model->nodes;
        while (low < high) { /* the first row whose rows before it cost share or more */
            uint32_t middle = low + (high - low) / 2;
            if (pair_rows_cost(model, middle) < share) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        model->first_row[part] = low;
    }
}

/* ---------------------------------------------------------------------------
 * The two passes */

/* Pass 1 of one part: row v's own neighbours counted into offsets[v + 1];
 * undirected, the part's rows that name each node w below them counted
 * into higher[w] (the part's own counts: no other part writes them). */
static void pair_count(const pair_model_t *model, uint32_t first, uint32_t end, uint64_t *offsets,
                       uint32_t *higher) {
    pair_row_t row;
    uint32_t batch[PAIR_BATCH];
    for (uint32_t v = first; v < end; v++) {
        uint64_t own = 0;
        pair_row_start(&row, model, v);
        for (uint32_t count = PAIR_BATCH; count == PAIR_BATCH; own += count) {
            count = pair_row_batch(&row, batch);
            for (uint32_t i = 0; i < count && higher != NULL; i++) {
                __builtin_prefetch(&higher[batch[i]]);
            }
            for (uint32_t i = 0; i < count && higher != NULL; i++) {
                higher[batch[i]]++;
            }
        }
        offsets[v + 1] = own;
    }
}

/* Between the passes: row w holds its own (lower) neighbours first, then
 * those that name it, part by part; each part's counts become its write
 * cursor in the row (from the row's start), offsets[w + 1] the row's
 * length, then offsets the rows' starts. */
static void pair_lay_out(wom_graph_t *graph, uint32_t *higher, int parts) {
    const uint32_t nodes = graph->nodes;
    uint64_t *offsets = graph->offsets;
    if (higher != NULL) {
#pragma omp parallel for schedule(static)
        for (uint32_t w = 0; w < nodes; w++) {
            uint64_t length = offsets[w + 1];
            for (int part = 0; part < parts; part++) {
                uint32_t *count = &higher[(size_t)part * nodes + w];
                uint32_t named = *count;
                *count = (uint32_t)length;
                length += named;
            }
            offsets[w + 1] = length;
        }
    }
    for (uint32_t v = 0; v < nodes; v++) {
        uint32_t degree = (uint32_t)offsets[v + 1];
        graph->max_degree = degree > graph->max_degree ? degree : graph->max_degree;
        offsets[v + 1] += offsets[v];
    }
    graph->arcs = offsets[nodes];
}

/* Pass 2 of one part: row v's own neighbours at the start of its row;
 * undirected, v written into each of those rows at the part's cursor. */
static void pair_fill(const pair_model_t *model, uint32_t first, uint32_t end, wom_graph_t *graph,
                      uint32_t *cursor) {
    const uint64_t *offsets = graph->offsets;
    uint32_t *targets = graph->targets;
    pair_row_t row;
    uint32_t batch[PAIR_BATCH];
    for (uint32_t v = first; v < end; v++) {
        uint64_t at = offsets[v];
        pair_row_start(&row, model, v);
        for (uint32_t count = PAIR_BATCH; count == PAIR_BATCH;) {
            count = pair_row_batch(&row, batch);
            for (uint32_t i = 0; i < count && cursor != NULL; i++) {
                __builtin_prefetch(&cursor[batch[i]]);
                __builtin_prefetch(&offsets[batch[i]]);
            }
            for (uint32_t i = 0; i < count; i++) {
                uint32_t w = batch[i];
                targets[at++] = w;
                if (cursor != NULL) {
                    targets[offsets[w] + cursor[w]++] = v;
                }
            }
        }
    }
}

/* Pass 1 (pair_count) or, with `fill`, pass 2 (pair_fill), one part per
 * thread; undirected, each part has its own counts in `higher` (a count
 * per node). */
static void pair_pass(const pair_model_t *model, wom_graph_t *graph, uint32_t *higher, bool fill) {
    const uint32_t nodes = graph->nodes;
#pragma omp parallel for num_threads(model->parts) schedule(static, 1)
    for (int part = 0; part < model->parts; part++) {
        uint32_t first = model->first_row[part], end = model->first_row[part + 1];
        uint32_t *counts = higher != NULL ? higher + (size_t)part * nodes : NULL;
        if (fill) {
            pair_fill(model, first, end, graph, counts);
        } else {
            pair_count(model, first, end, graph->offsets, counts);
        }
    }
}

/* SBM nodes come block after block: node v's segment is its block. */
static bool pair_assign_blocks(const pair_model_t *model, wom_graph_t *graph) {
    graph->segment = malloc(graph->nodes > 0 ? graph->nodes : 1);
    if (graph->segment == NULL) {
        return false;
    }
    for (int b = 0; b < model->blocks; b++) {
        for (uint32_t v = model->start[b]; v < model->start[b + 1]; v++) {
            graph->segment[v] = (uint8_t)b;
        }
    }
    return true;
}

/* Two passes over the same keyed rows (count, then fill), each split over
 * the threads in parts of consecutive rows. Undirected, row v holds its
 * lower neighbours (from its own stream, ascending) and then the higher
 * nodes that name it, part by part and within a part in row order: so
 * every row comes out sorted, without loops or duplicates, the same for
 * any number of parts, and without atomics. Besides the CSR only a count
 * per node and part is held (undirected). */
wom_status wom_graph_generate_pairs(const wom_scenario_t *scenario, uint32_t draw,
                                    wom_graph_t **out) {
    pair_model_t model;
    pair_model_init(&model, scenario, draw);
    pair_split(&model, wom_graph_count_pair_parts());
    const uint32_t nodes = model.nodes;
    wom_graph_t *graph = wom_graph_alloc(nodes, model.directed);
    uint32_t *higher =
        model.directed ? NULL : wom_memory_calloc((size_t)model.parts * nodes + 1, sizeof *higher);
    bool ready = graph != NULL && (model.directed || higher != NULL);
    if (ready) {
        pair_pass(&model, graph, higher, false);
        pair_lay_out(graph, higher, model.parts);
        ready = wom_graph_alloc_targets(graph) &&
                (scenario->network.model != WOM_NET_SBM || pair_assign_blocks(&model, graph));
    }
    if (ready) {
        pair_pass(&model, graph, higher, true);
    }
    free(higher);
    if (!ready) {
        wom_graph_free(graph);
        return WOM_ENOMEM;
    }
    *out = graph;
    return WOM_OK;
}
