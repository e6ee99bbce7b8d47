/* graph.h: the social graph as a compact CSR (compressed sparse row) with
 * uint32 node ids, built once at set-up and read-only afterwards, shared by
 * all replications and threads (or, with network.per_replication, one
 * draw per replication). The random models (Erdos-Renyi,
 * Watts-Strogatz, Barabasi-Albert, SBM, configuration) are our own
 * generators, drawing from keyed streams of the run seed and the draw: the
 * same graph for any thread count, and nothing global changed (igraph's
 * RNG is never touched). Ring, complete and karate come from igraph's constructors,
 * which draw nothing; SNAP edge lists are read by our own reader (igraph's
 * rejects '#' comment lines); GraphML and GML go through igraph; GAP's
 * serialized CSR (.sg) and Matrix Market (.mtx) are read by our own
 * readers (graph_sg.c, graph_mtx.c). A graph read from a file keeps its
 * nodes' names, for writing it out as a SNAP edge list or GraphML (our
 * own writers: igraph's GraphML writer names nodes n0, n1, ... whatever
 * their names).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_GRAPH_H
#define WOMSIM_GRAPH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "womsim/config.h"
#include "womsim/status.h"

/* Out-neighbours of node v are targets[offsets[v] .. offsets[v+1]-1], sorted
 * ascending, without self-loops or duplicates. An undirected edge is stored
 * as two arcs. */
typedef struct {
    uint32_t nodes;
    uint64_t arcs; /* entries in targets; = 2 * edges when undirected */
    bool directed;
    uint64_t *offsets;           /* nodes + 1 entries */
    uint32_t *targets;           /* arcs entries */
    uint8_t *segment;            /* per node: SBM block; NULL when every node is in block 0 */
    uint32_t max_degree;         /* largest out-degree */
    uint64_t loops_dropped;      /* self-loops met while building */
    uint64_t duplicates_dropped; /* repeated edges met while building */
    /* The names nodes had in the network file read, kept for writing the
     * graph out (the simulation never reads them, and no draw copies them:
     * a file is read once); all NULL for a generated graph, whose node v
     * is called v. At most one of the two is set. */
    uint64_t *original_ids; /* SNAP edge list: node v was id original_ids[v] */
    char *name_text;        /* GraphML, GML: node v was name_text + name_starts[v], NUL-ended */
    uint64_t *name_starts;  /* nodes + 1 entries; name_starts[nodes] is the bytes of name_text */
} wom_graph_t;

/* Degree and component statistics for `womsim graph`. */
typedef struct {
    uint32_t nodes;
    uint64_t edges;     /* arcs if directed, arcs / 2 if not */
    double mean_degree; /* mean out-degree */
    uint32_t max_degree;
    double degree_quartiles[3]; /* 25th, 50th, 75th percentiles of out-degree */
    double clustering;          /* global transitivity (triangles), undirected view */
    uint32_t components;        /* weakly connected components */
    double giant_share;         /* share of nodes in the largest component */
    uint64_t bytes;             /* memory held by the CSR */
} wom_graph_stats_t;

/* Estimated peak bytes to build the graph of `scenario` (the CSR and what
 * its builder holds besides: an edge array, igraph's copy), before
 * anything is allocated. For files, an estimate from the file size. */
uint64_t wom_graph_estimate_bytes(const wom_scenario_t *scenario);

/* Builds the graph of scenario->network: a generator seeded from
 * scenario->simulation.seed, or the file named there. Refuses with
 * WOM_ETOOBIG when wom_graph_estimate_bytes() exceeds `max_bytes` (0 = no
 * limit). Errors in files name the file and line (WOM_EDATA, WOM_ENOENT).
 * It is draw 0 of wom_graph_build_draw. */
wom_status wom_graph_build(const wom_scenario_t *scenario, uint64_t max_bytes, wom_graph_t **graph,
                           wom_error_t *error);

/* The same for draw `draw` (below 2^24) of the network's random model: the
 * generators' stream keys carry the draw as their task word, so each draw
 * is an independent network of the model, the same for any thread count.
 * A draw other than 0 of a file or of ring, complete or karate (which draw
 * nothing) is WOM_EINVAL. */
wom_status wom_graph_build_draw(const wom_scenario_t *scenario, uint32_t draw, uint64_t max_bytes,
                                wom_graph_t **graph, wom_error_t *error);

/* The draw of the network that replication `replication` of `scenario`
 * runs on: its own, draw `replication`, with network.per_replication;
 * otherwise draw 0, which every replication shares. */
static inline uint32_t wom_graph_draw(const wom_scenario_t *scenario, uint32_t replication) {
    return scenario->network.per_replication ? replication : 0;
}

#define WOM_GRAPH_MAX_LINE 65536 /* characters in a line of an edge list, without its end */

/* Reads a SNAP edge list: one "from to" pair per line, tabs or spaces, '#'
 * comments, arbitrary non-negative integer ids remapped to 0..n-1 in order
 * of first appearance, self-loops and duplicate edges dropped and counted.
 * A line longer than WOM_GRAPH_MAX_LINE or holding a NUL byte is refused
 * (WOM_EDATA) as soon as it is met. */
wom_status wom_graph_read_snap(const char *path, bool directed, wom_graph_t **graph,
                               wom_error_t *error);

/* The same from an open stream (a pipe, or memory through fmemopen);
 * errors name `name`. The stream is read to its end or to the first error
 * and left open. */
wom_status wom_graph_read_snap_stream(FILE *stream, const char *name, bool directed,
                                      wom_graph_t **graph, wom_error_t *error);

/* The SHA-256 (64 hex digits) of network file `path`, of `format`
 * (wom_graph_format), which must be a regular file: its readers' checks
 * first, their messages. */
wom_status wom_graph_file_sha256(const char *path, int format, char hex[65], wom_error_t *error);

/* Node `node`'s name in the file the graph was read from (its SNAP id, its
 * GraphML or GML id), or its number for a generated graph; an integer is
 * written into `buffer`. */
const char *wom_graph_node_name(const wom_graph_t *graph, uint32_t node, char buffer[21]);

/* Whether every node's name is a non-negative integer in plain decimal
 * (true for a generated graph or a SNAP file's ids), so that an edge list
 * can carry the names as its ids. */
bool wom_graph_names_are_ids(const wom_graph_t *graph);

/* Writes the graph as a SNAP edge list (each undirected edge once, from <
 * to) with a '#' header. Nodes keep their names when
 * wom_graph_names_are_ids; otherwise they are numbered 0..n-1 in the
 * order of the file read, and the header lists each number's name
 * ("# node 0: alice"). The header says which. */
wom_status wom_graph_write_snap(const wom_graph_t *graph, FILE *stream);

/* Writes the graph as GraphML, each node's id its name
 * (wom_graph_node_name), each undirected edge once. */
wom_status wom_graph_write_graphml(const wom_graph_t *graph, FILE *stream);

#define WOM_GRAPH_SG_MAX_NODES 2147483647 /* GAP's node ids are int32 */

/* Writes the graph in the GAP benchmark suite's serialized CSR (.sg,
 * sim/graph_sg.c says which layout): the rows as they are, and a directed
 * graph's in-rows after them. A graph of more than WOM_GRAPH_SG_MAX_NODES
 * nodes is WOM_EINVAL (the caller checks first, for its message). */
wom_status wom_graph_write_sg(const wom_graph_t *graph, FILE *stream);

wom_status wom_graph_stats(const wom_graph_t *graph, wom_graph_stats_t *stats);

/* Where each node is drawn (graph_layout.c, for `womsim run
 * --snapshots`): Kamada and Kawai's force-directed layout of the
 * undirected view by igraph, started from igraph's circle and scaled into
 * [0, 1] (xy: x and y of each node in turn, 2 x nodes doubles), and the
 * view's edges as pairs (malloc'ed into *edges, *edge_count pairs).
 * Deterministic: neither igraph's circle nor its Kamada-Kawai draws a
 * random number. WOM_ENOMEM, or WOM_EINVAL for igraph's other failures. */
wom_status wom_graph_layout(const wom_graph_t *graph, double *xy, uint32_t **edges,
                            uint64_t *edge_count);

/* Memory held by the CSR arrays and the nodes' names, in bytes. */
uint64_t wom_graph_bytes(const wom_graph_t *graph);

void wom_graph_free(wom_graph_t *graph);

/* Node `node`'s segment (SBM block), 0 without segments. */
static inline int wom_graph_segment(const wom_graph_t *graph, uint32_t node) {
    return graph->segment != NULL ? graph->segment[node] : 0;
}

static inline uint32_t wom_graph_degree(const wom_graph_t *graph, uint32_t node) {
    return (uint32_t)(graph->offsets[node + 1] - graph->offsets[node]);
}

#endif
