/* graph_pairs.c: the models where every pair of nodes (every ordered pair
 * when directed) is an edge independently, with a probability that depends
 * only on the blocks of its two ends: Erdos-Renyi G(n, p) (one block) and
 * the stochastic block model (blocks of consecutive nodes, p_in within a
 * block, p_out between blocks; a node's block is its segment). Drawn from
 * keyed Philox streams, node v's candidates from the stream (seed, draw,
 * step 0, v, WOM_SITE_GRAPH), so a node's edges depend on the seed, the
 * draw and the node alone; generated over the threads in parts of rows
 * (each node's own neighbours) and of columns (the arcs that mirror them),
 * writing the CSR directly: the same graph for any number of threads.
 * Workload: once at set-up, for up to some 1e7 nodes and 1e9 arcs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

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

/* A model of independent pairs: block b holds nodes start[b] ..
 * start[b + 1] - 1. */
typedef struct {
    uint64_t seed;
    uint32_t draw; /* the task word of the streams: which draw of the network */
    uint32_t nodes;
    bool directed;
    int blocks;
    uint32_t start[WOM_MAX_BLOCKS + 1];
    double p_in, p_out;       /* within a block, between blocks */
    double rate_in, rate_out; /* -log(1 - p_in), -log(1 - p_out) */
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

/* ---------------------------------------------------------------------------
 * Parts */

/* The expected cost of cells start[b] .. start[b] + count - 1 of block b
 * (rows or columns), one kind of step's. */
typedef double pair_cost_fn(const pair_model_t *model, int b, double count);

/* Drawing rows: a row's set-up, taken as one edge's worth, plus its
 * expected own edges (undirected: p_out for each node of the earlier
 * blocks, p_in for each earlier node of its own). */
static double pair_block_draw_cost(const pair_model_t *model, int b, double rows) {
    double first = model->start[b], size = (double)model->start[b + 1] - first;
    if (model->directed) {
        return rows * (1 + model->p_in * (size - 1) + model->p_out * (model->nodes - size));
    }
    return rows * (1 + model->p_out * first) + model->p_in * rows * (rows - 1) / 2;
}

/* Transposing columns (undirected): a column's set-up plus its expected
 * higher neighbours (p_in for each later node of its block, p_out for each
 * node of the later blocks). */
static double pair_block_transpose_cost(const pair_model_t *model, int b, double columns) {
    double size = (double)model->start[b + 1] - model->start[b];
    double later_blocks = (double)model->nodes - model->start[b + 1];
    return columns * (1 + model->p_out * later_blocks) +
           model->p_in * (columns * (size - 1) - columns * (columns - 1) / 2);
}

/* The expected cost of cells 0 .. end - 1. */
static double pair_prefix_cost(const pair_model_t *model, pair_cost_fn *cost, uint32_t end) {
    double total = 0;
    for (int b = 0; b < model->blocks && model->start[b] < end; b++) {
        uint32_t stop = model->start[b + 1] < end ? model->start[b + 1] : end;
        total += cost(model, b, stop - model->start[b]);
    }
    return total;
}

/* Splits the cells (rows or columns) into `parts` parts of about equal
 * expected cost: part i is cells first[i] .. first[i + 1] - 1. */
static void pair_split(const pair_model_t *model, pair_cost_fn *cost, int parts, uint32_t *first) {
    const double total = pair_prefix_cost(model, cost, model->nodes);
    first[0] = 0;
    first[parts] = model->nodes;
    for (int part = 1; part < parts; part++) {
        double share = total * part / parts;
        uint32_t low = first[part - 1], high = model->nodes;
        while (low < high) { /* the first cell whose cells before it cost share or more */
            uint32_t middle = low + (high - low) / 2;
            if (pair_prefix_cost(model, cost, middle) < share) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        first[part] = low;
    }
}

/* ---------------------------------------------------------------------------
 * Rows: each node's own neighbours, drawn twice */

/* Row v's own neighbours counted into offsets[v + 1], rows first .. end - 1. */
static void pair_count_rows(const pair_model_t *model, uint32_t first, uint32_t end,
                            uint64_t *offsets) {
    pair_row_t row;
    uint32_t neighbour;
    for (uint32_t v = first; v < end; v++) {
        uint64_t own = 0;
        pair_row_start(&row, model, v);
        while (pair_row_next(&row, &neighbour)) {
            own++;
        }
        offsets[v + 1] = own;
    }
}

/* Row v's own neighbours written from targets[offsets[v]], rows first ..
 * end - 1. */
static void pair_fill_rows(const pair_model_t *model, uint32_t first, uint32_t end,
                           wom_graph_t *graph) {
    pair_row_t row;
    for (uint32_t v = first; v < end; v++) {
        uint32_t *at = graph->targets + graph->offsets[v];
        pair_row_start(&row, model, v);
        while (pair_row_next(&row, at)) {
            at++;
        }
    }
}

/* Counts (fill false) or writes the rows, one part of rows per thread. */
static void pair_draw(const pair_model_t *model, const uint32_t *first_row, int parts,
                      wom_graph_t *graph, bool fill) {
#pragma omp parallel for num_threads(parts) schedule(static, 1)
    for (int part = 0; part < parts; part++) {
        if (fill) {
            pair_fill_rows(model, first_row[part], first_row[part + 1], graph);
        } else {
            pair_count_rows(model, first_row[part], first_row[part + 1], graph->offsets);
        }
    }
}

/* The counts become the rows' starts, offsets[v] .. offsets[v + 1]; the
 * rows' lengths are kept in `lengths` (undirected) and the longest gives
 * max_degree (the graph's when directed: the rows are the graph). */
static void pair_lay_out_rows(wom_graph_t *graph, uint32_t *lengths) {
    uint64_t *offsets = graph->offsets;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        uint32_t length = (uint32_t)offsets[v + 1];
        if (lengths != NULL) {
            lengths[v] = length;
        }
        graph->max_degree = length > graph->max_degree ? length : graph->max_degree;
        offsets[v + 1] = offsets[v] + length;
    }
}

/* ---------------------------------------------------------------------------
 * Columns (undirected): the higher nodes that name each node */

/* The first index in targets[begin .. end - 1] (ascending) whose node is
 * `node` or above; end if none. */
static uint64_t pair_first_at_least(const uint32_t *targets, uint64_t begin, uint64_t end,
                                    uint32_t node) {
    while (begin < end) {
        uint64_t middle = begin + (end - begin) / 2;
        if (targets[middle] < node) {
            begin = middle + 1;
        } else {
            end = middle;
        }
    }
    return begin;
}

/* For columns first .. end - 1: counts into higher[w] the rows v > w whose
 * own neighbours hold w (fill false), or (fill) writes each such v into
 * row w at its cursor higher[w] (from the row's start, past its own
 * neighbours), in ascending v. Only the part's columns are written: the
 * parts need no atomics. Each part reads every row above its first column
 * (in order, a binary search each): some parts x nodes / 2 row visits in
 * all, against the arcs' random writes. */
static void pair_transpose_part(uint32_t first, uint32_t end, wom_graph_t *graph,
                                const uint32_t *lengths, uint32_t *higher, bool fill) {
    const uint64_t *offsets = graph->offsets;
    uint32_t *targets = graph->targets;
    if (first >= end) { /* an empty part (more parts than nodes) */
        return;
    }
    for (uint32_t v = first + 1; v < graph->nodes; v++) {
        uint64_t row_end = offsets[v] + lengths[v];
        for (uint64_t i = pair_first_at_least(targets, offsets[v], row_end, first);
             i < row_end && targets[i] < end; i++) {
            uint32_t w = targets[i];
            if (fill) {
                targets[offsets[w] + higher[w]] = v;
            }
            higher[w]++;
        }
    }
}

/* Counts (fill false) or writes the higher neighbours, one part of columns
 * per thread. */
static void pair_transpose(const uint32_t *first_column, int parts, wom_graph_t *graph,
                           const uint32_t *lengths, uint32_t *higher, bool fill) {
#pragma omp parallel for num_threads(parts) schedule(static, 1)
    for (int part = 0; part < parts; part++) {
        pair_transpose_part(first_column[part], first_column[part + 1], graph, lengths, higher,
                            fill);
    }
}

/* Moves each row's own neighbours, packed at the start of the targets, to
 * their final place, leaving room after them for the higher neighbours,
 * and sets the final offsets and max_degree; higher[w] becomes row w's
 * write cursor, just past its own neighbours. From the last row back,
 * each row moves right over rows already moved: one thread, without a
 * second array of targets. */
static void pair_spread(wom_graph_t *graph, const uint32_t *lengths, uint32_t *higher) {
    uint64_t *offsets = graph->offsets;
    uint64_t higher_before = offsets[graph->nodes]; /* all the higher arcs, as many as own */
    offsets[graph->nodes] = graph->arcs;
    for (uint32_t w = graph->nodes; w-- > 0;) {
        higher_before -= higher[w];
        uint64_t start = offsets[w] + higher_before;
        memmove(graph->targets + start, graph->targets + offsets[w],
                lengths[w] * sizeof *graph->targets);
        offsets[w] = start;
        uint32_t degree = lengths[w] + higher[w];
        graph->max_degree = degree > graph->max_degree ? degree : graph->max_degree;
        higher[w] = lengths[w];
    }
}

/* ---------------------------------------------------------------------------
 * The generator */

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

/* The graph's rows and, undirected, their transposition, with its arrays:
 * the parts' first cells (rows, then columns), the own lengths and the
 * higher counts (a uint32 a node each, undirected). */
static bool pair_build(const pair_model_t *model, int parts, uint32_t *first, uint32_t *lengths,
                       uint32_t *higher, wom_graph_t *graph) {
    pair_split(model, pair_block_draw_cost, parts, first);
    pair_draw(model, first, parts, graph, false);
    pair_lay_out_rows(graph, lengths);
    /* undirected, room for the higher neighbours too: as many as own */
    graph->arcs = graph->offsets[graph->nodes] * (model->directed ? 1 : 2);
    if (!wom_graph_alloc_targets(graph)) {
        return false;
    }
    pair_draw(model, first, parts, graph, true);
    if (!model->directed) {
        pair_split(model, pair_block_transpose_cost, parts, first);
        pair_transpose(first, parts, graph, lengths, higher, false);
        pair_spread(graph, lengths, higher);
        pair_transpose(first, parts, graph, lengths, higher, true);
    }
    return true;
}

/* Each node's own neighbours (undirected: the nodes below it; directed:
 * its out-neighbours) are drawn from its stream twice, over the threads in
 * parts of consecutive rows: counted, then written packed. Directed, that
 * is the graph. Undirected, parts of consecutive columns count the higher
 * nodes that name each node, each row moves to its final place, and the
 * column parts write those higher nodes after the row's own, in ascending
 * order: so every row comes out sorted, without loops or duplicates, the
 * same for any number of parts, and without atomics. Besides the CSR only
 * two counts per node are held (undirected), for any number of threads. */
wom_status wom_graph_generate_pairs(const wom_scenario_t *scenario, uint32_t draw,
                                    wom_graph_t **out) {
    pair_model_t model;
    pair_model_init(&model, scenario, draw);
    const int parts = omp_get_max_threads(); /* one a thread, however many */
    wom_graph_t *graph = wom_graph_alloc(model.nodes, model.directed);
    uint32_t *first = malloc((size_t)(parts + 1) * sizeof *first);
    /* undirected: the rows' own lengths, then their higher counts */
    uint32_t *counts =
        model.directed ? NULL : wom_memory_calloc(2 * (size_t)model.nodes + 1, sizeof *counts);
    bool ready = graph != NULL && first != NULL && (model.directed || counts != NULL) &&
                 pair_build(&model, parts, first, counts,
                            counts != NULL ? counts + model.nodes : NULL, graph) &&
                 (scenario->network.model != WOM_NET_SBM || pair_assign_blocks(&model, graph));
    free(first);
    free(counts);
    if (!ready) {
        wom_graph_free(graph);
        return WOM_ENOMEM;
    }
    *out = graph;
    return WOM_OK;
}
