/* graph_pairs.c: the Erdos-Renyi generator: every pair of nodes an edge
 * independently, drawn from keyed Philox streams (node v's candidates from
 * the stream of node v), in parts of rows over the threads, writing the CSR
 * directly; the same graph for any number of threads.
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

/* igraph's generators hold the graph as an igraph_t (32 bytes an edge) plus
 * the edge vector they build first, so at a million nodes and more they
 * take several times the memory of our CSR (and 10^7 nodes would not fit in
 * a few GiB). This one, a model of the large benchmarks, writes the CSR
 * directly from keyed streams (seed, task 0, step 0, node, WOM_SITE_GRAPH),
 * so a node's edges depend on the seed and the node alone. */

/* Node v's candidates in Erdos-Renyi G(n, p): the nodes below it
 * (undirected; each pair once) or every other node (directed), each an edge
 * with probability p, visited by geometric gaps between successes (Batagelj
 * & Brandes 2005): one logarithm per edge, not one draw per pair. */
typedef struct {
    wom_rng_stream_t stream;
    double log_miss;     /* log(1 - p) */
    uint64_t candidates; /* v (undirected) or n - 1 (directed) */
    uint64_t next;       /* the next candidate index to consider */
    uint32_t node;
    bool directed;
} er_row_t;

static void er_row_start(er_row_t *row, const wom_scenario_t *scenario, uint32_t node) {
    wom_rng_stream_init(&row->stream,
                        (wom_rng_key_t){scenario->simulation.seed, 0, 0, node, WOM_SITE_GRAPH});
    row->log_miss = log1p(-wom_graph_compute_er_probability(scenario));
    row->directed = scenario->network.directed;
    row->candidates = row->directed ? (uint64_t)scenario->network.nodes - 1 : node;
    row->next = 0;
    row->node = node;
}

/* The row's next neighbour, ascending; false when the row is done. */
static bool er_row_next(er_row_t *row, uint32_t *neighbour) {
    if (row->next >= row->candidates || row->log_miss == 0) {
        return false; /* also p = 0, which has no edges */
    }
    double gap = floor(log(wom_rng_stream_unit(&row->stream)) / row->log_miss); /* p = 1: 0 */
    if (gap >= (double)(row->candidates - row->next)) {
        row->next = row->candidates;
        return false;
    }
    uint64_t candidate = row->next + (uint64_t)gap;
    row->next = candidate + 1;
    /* directed: candidate indices skip the node itself */
    *neighbour = (uint32_t)(row->directed && candidate >= row->node ? candidate + 1 : candidate);
    return true;
}

/* Threads that generate an Erdos-Renyi graph at most: undirected, each
 * keeps a count per node while it runs (4 bytes a node), so with this many
 * the build's peak stays below the memory of the graph and model that
 * follow it. */
enum { ER_PARTS_MAX = 8 };

/* The parts an Erdos-Renyi graph is generated in: one per thread. */
int wom_graph_count_er_parts(void) {
#ifdef _OPENMP
    int threads = omp_get_max_threads();
    return threads < 1 ? 1 : threads > ER_PARTS_MAX ? ER_PARTS_MAX : threads;
#else
    return 1;
#endif
}

/* The first row of part `part` of `parts` (part == parts: the end). Rows
 * cost about their candidates: undirected, row v has v (its lower nodes),
 * so the rows are split where the sum of v is even; directed, evenly. */
static uint32_t er_part_start(uint32_t nodes, bool directed, int part, int parts) {
    if (part >= parts) {
        return nodes;
    }
    double share = (double)part / parts;
    return (uint32_t)((directed ? share : sqrt(share)) * nodes);
}

/* Neighbours a row handles at a time: generated first, so that their
 * counts or cursors, random reads, are all fetched together. */
enum { ER_BATCH = 32 };

/* The row's next neighbours, up to ER_BATCH, into `batch`; returns how
 * many (fewer than ER_BATCH: the row is done). */
static uint32_t er_row_batch(er_row_t *row, uint32_t batch[ER_BATCH]) {
    uint32_t count = 0;
    while (count < ER_BATCH && er_row_next(row, &batch[count])) {
        count++;
    }
    return count;
}

/* Pass 1 of one part: row v's own neighbours counted into offsets[v + 1];
 * undirected, the part's rows that name each node w below them counted
 * into higher[w] (the part's own counts: no other part writes them). */
static void er_count(const wom_scenario_t *scenario, uint32_t first, uint32_t end,
                     uint64_t *offsets, uint32_t *higher) {
    er_row_t row;
    uint32_t batch[ER_BATCH];
    for (uint32_t v = first; v < end; v++) {
        uint64_t own = 0;
        er_row_start(&row, scenario, v);
        for (uint32_t count = ER_BATCH; count == ER_BATCH; own += count) {
            count = er_row_batch(&row, batch);
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
static void er_lay_out(wom_graph_t *graph, uint32_t *higher, int parts) {
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
static void er_fill(const wom_scenario_t *scenario, uint32_t first, uint32_t end,
                    wom_graph_t *graph, uint32_t *cursor) {
    const uint64_t *offsets = graph->offsets;
    uint32_t *targets = graph->targets;
    er_row_t row;
    uint32_t batch[ER_BATCH];
    for (uint32_t v = first; v < end; v++) {
        uint64_t at = offsets[v];
        er_row_start(&row, scenario, v);
        for (uint32_t count = ER_BATCH; count == ER_BATCH;) {
            count = er_row_batch(&row, batch);
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

/* Pass 1 (er_count) or, with `fill`, pass 2 (er_fill), the graph's rows
 * split into `parts` parts, one per thread; undirected, each part has its
 * own counts in `higher` (a count per node). */
static void er_pass(const wom_scenario_t *scenario, wom_graph_t *graph, uint32_t *higher, int parts,
                    bool fill) {
    const uint32_t nodes = graph->nodes;
    const bool directed = graph->directed;
#pragma omp parallel for num_threads(parts) schedule(static, 1)
    for (int part = 0; part < parts; part++) {
        uint32_t first = er_part_start(nodes, directed, part, parts);
        uint32_t end = er_part_start(nodes, directed, part + 1, parts);
        uint32_t *counts = higher != NULL ? higher + (size_t)part * nodes : NULL;
        if (fill) {
            er_fill(scenario, first, end, graph, counts);
        } else {
            er_count(scenario, first, end, graph->offsets, counts);
        }
    }
}

/* Two passes over the same keyed rows (count, then fill), each split over
 * the threads in parts of consecutive rows. Undirected, row v holds its
 * lower neighbours (from its own stream, ascending) and then the higher
 * nodes that name it, part by part and within a part in row order: so
 * every row comes out sorted, without loops or duplicates, the same for
 * any number of parts, and without atomics. Besides the CSR only a count
 * per node and part is held (undirected). */
wom_status wom_graph_generate_erdos_renyi(const wom_scenario_t *scenario, wom_graph_t **out) {
    const uint32_t nodes = (uint32_t)scenario->network.nodes;
    const bool directed = scenario->network.directed;
    const int parts = wom_graph_count_er_parts();
    wom_graph_t *graph = wom_graph_alloc(nodes, directed);
    uint32_t *higher =
        directed ? NULL : wom_memory_calloc((size_t)parts * nodes + 1, sizeof *higher);
    if (graph == NULL || (!directed && higher == NULL)) {
        free(higher);
        wom_graph_free(graph);
        return WOM_ENOMEM;
    }
    er_pass(scenario, graph, higher, parts, false);
    er_lay_out(graph, higher, parts);
    if (!wom_graph_alloc_targets(graph)) {
        free(higher);
        wom_graph_free(graph);
        return WOM_ENOMEM;
    }
    er_pass(scenario, graph, higher, parts, true);
    free(higher);
    *out = graph;
    return WOM_OK;
}
