/* graph_internal.h: what the graph module's files (sim/graph*.c) share and
 * nothing else sees, each section under the name of the file that defines
 * it. Private to the library (not installed); the API is womsim/graph.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_GRAPH_INTERNAL_H
#define WOMSIM_GRAPH_INTERNAL_H

#include <igraph.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rng.h"
#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/status.h"

/* ---------------------------------------------------------------------------
 * The edge array and the CSR builder (graph.c, graph_csr.c) */

/* Edge i joins pairs[2i] and pairs[2i+1] (from, to), both < the node count. */
typedef struct {
    uint32_t *pairs;
    uint64_t count;    /* edges held */
    uint64_t capacity; /* edges that fit in `pairs` */
} edge_list_t;

/* A graph with `nodes` empty rows (offsets all 0), no targets and no
 * segments; NULL when memory is short. */
wom_graph_t *wom_graph_alloc(uint32_t nodes, bool directed);

/* Allocates the targets of graph->arcs arcs; false when memory is short. */
bool wom_graph_alloc_targets(wom_graph_t *graph);

/* Builds the CSR of `edges` over `nodes` nodes: self-loops and duplicates
 * dropped and counted, rows sorted; over the threads, the same CSR for any
 * number of them. `edges` is left as it was. The only failure is memory
 * (WOM_ENOMEM, no error detail set). */
wom_status wom_graph_build_csr(uint32_t nodes, bool directed, const edge_list_t *edges,
                               wom_graph_t **out);

/* Frees the nodes' names of `graph` (and sets them to NULL). */
void wom_graph_free_names(wom_graph_t *graph);

/* qsort/bsearch comparison of two uint32 node ids, ascending. */
int wom_graph_compare_u32(const void *a, const void *b);

/* ---------------------------------------------------------------------------
 * Graphs from igraph (graph_igraph.c) */

/* Sets `error` to "`what` failed: igraph's message" on `file` and returns
 * its status: WOM_ENOMEM when igraph ran out of memory, else `otherwise`. */
wom_status wom_graph_set_igraph_error(wom_error_t *error, igraph_error_t code, wom_status otherwise,
                                      const char *file, const char *what);

/* The CSR of igraph's graph `source`, which it destroys (always, also on
 * failure). Errors name `file` (NULL for a generated graph). */
wom_status wom_graph_take_igraph(igraph_t *source, bool directed, wom_graph_t **graph,
                                 const char *file, wom_error_t *error);

/* Reads the GraphML or GML file `path` (`format`: WOM_FORMAT_GRAPHML or
 * WOM_FORMAT_GML) through igraph. */
wom_status wom_graph_read_igraph_file(const char *path, int format, bool directed,
                                      wom_graph_t **graph, wom_error_t *error);

/* ---------------------------------------------------------------------------
 * Network files before their readers (graph_file.c) */

/* Opens network file `path` of `format` (wom_graph_format) for reading
 * after the checks every format passes (wom_file_open_input; a pipe only
 * when `pipes`); messages name the format ("is a folder, not a GML file"). */
wom_status wom_graph_open_file(const char *path, int format, bool pipes, FILE **stream,
                               wom_error_t *error);

/* ---------------------------------------------------------------------------
 * SNAP edge lists (graph_snap.c, graph_snap_scan.c) */

/* One piece of an edge list's text, scanned on its own (by one thread):
 * its edges as raw ids, or its first bad line's error. */
typedef struct {
    const char *name;    /* the file named in errors */
    bool starts_input;   /* the text begins the input (a byte order mark may open it) */
    uint64_t stop_after; /* stop after this many edges (UINT64_MAX: read all) */
    uint64_t *ids;       /* from, to of edge i at 2i, 2i + 1: the ids as written */
    uint64_t edges;      /* edges read */
    uint64_t capacity;   /* edges that fit in `ids` */
    long lines;          /* lines read, a bad one included, numbered from 1 in the piece */
    wom_status status;   /* the scan's: WOM_OK, or the bad line's */
    wom_error_t error;   /* the bad line's, its line counted from the piece's start */
    char *line;          /* room for a line and its NUL (WOM_GRAPH_MAX_LINE + 1) */
} wom_snap_piece_t;

/* Scans `size` bytes of whole lines at `text` into piece->ids (from the
 * start; `ids` and `line` kept). The last line may lack its LF only if
 * text[size] is an LF. Returns the first bad line's status, its error in
 * piece->error (only WOM_EDATA, or WOM_ENOMEM for the ids). */
wom_status wom_graph_scan_snap(wom_snap_piece_t *piece, const char *text, size_t size);

/* Reads a SNAP edge list from `stream` in blocks of `block_bytes` (raised
 * to WOM_GRAPH_MAX_LINE + 2 if below), each split at line ends into
 * `parts` pieces scanned in parallel. The graph, its numbering and the
 * errors are the same for any block size and number of parts (the
 * defaults: 16 MiB and the threads; a test forces small blocks and many
 * parts so that lines straddle them). */
wom_status wom_graph_read_snap_parts(FILE *stream, const char *name, bool directed,
                                     size_t block_bytes, int parts, wom_graph_t **graph,
                                     wom_error_t *error);

/* ---------------------------------------------------------------------------
 * GAP serialized graphs (graph_sg.c) */

/* What a .sg file's header says, checked against the file's size. */
typedef struct {
    bool directed;
    uint32_t nodes;
    uint64_t arcs; /* neighbours stored in the out-CSR (and as many in the in-CSR) */
} wom_sg_header_t;

/* Reads and checks the header of the `size` bytes of a .sg file at
 * `bytes` (at least its first 17 bytes when `size` says more): a directed
 * byte of 0 or 1, 1 to 2^31 - 1 nodes, and the file's size exactly what the
 * header's arrays take. Errors (WOM_EDATA) name `path`. */
wom_status wom_graph_read_sg_header(const uint8_t *bytes, uint64_t size, const char *path,
                                    wom_sg_header_t *header, wom_error_t *error);

/* Reads the .sg file `path` (a regular file, mapped, or a pipe, read
 * whole), every field checked; its directedness must be `directed`. */
wom_status wom_graph_read_sg(const char *path, bool directed, wom_graph_t **graph,
                             wom_error_t *error);

/* ---------------------------------------------------------------------------
 * Matrix Market files (graph_mtx.c) */

/* What a Matrix Market file's banner and size line say. */
typedef struct {
    bool symmetric;   /* else general */
    bool has_values;  /* integer or real (ignored), else pattern */
    uint32_t nodes;   /* rows, equal to the columns */
    uint64_t entries; /* the size line's count of entries */
    long lines;       /* lines read up to and including the size line */
} wom_mtx_header_t;

/* Reads the banner, comments and size line of a Matrix Market file from
 * `stream`; errors (WOM_EDATA) name `path` and the line. */
wom_status wom_graph_read_mtx_header(FILE *stream, const char *path, wom_mtx_header_t *header,
                                     wom_error_t *error);

/* Reads the Matrix Market coordinate file `path`: entry (i, j) is the arc
 * from node i - 1 to node j - 1 (both arcs when the matrix is symmetric and
 * the network directed), values ignored, self-loops and repeats dropped and
 * counted as in an edge list. */
wom_status wom_graph_read_mtx(const char *path, bool directed, wom_graph_t **graph,
                              wom_error_t *error);

/* ---------------------------------------------------------------------------
 * The memory estimate (graph_estimate.c) */

/* wom_graph_estimate_bytes of network file `path` of `format`, before it is
 * read, and in *edges the bound on its edges it rests on: a SNAP file's
 * data lines, a GraphML or GML file's size over the fewest bytes an edge
 * takes, a .sg file's arcs in its header, a Matrix Market file's entries
 * in its size line. 0 (and no edges) when the file cannot be measured: missing, a
 * pipe, a read error (the reader reports them). */
double wom_graph_estimate_file(const char *path, int format, double *edges);

/* ---------------------------------------------------------------------------
 * The generators (graph_generate.c) */

/* The key of node v's stream at `site` in draw `draw` of the network. */
static inline wom_rng_key_t wom_graph_node_key(const wom_scenario_t *scenario, uint32_t draw,
                                               uint32_t v, uint32_t site) {
    return (wom_rng_key_t){scenario->simulation.seed, draw, 0, v, site};
}

/* A uniform index below `bound` (< 2^53) from 53 random bits. */
static inline uint64_t wom_graph_uniform_below(wom_rng_stream_t *stream, uint64_t bound) {
    uint64_t index = (uint64_t)((wom_rng_stream_unit(stream) - 0x1p-53) * (double)bound);
    return index < bound ? index : bound - 1;
}

/* Generates draw `draw` (the task word of the generators' stream keys) of
 * the graph of scenario->network.model (any but WOM_NET_FILE), its
 * settings already checked. Ring, complete and karate draw nothing and
 * ignore `draw`. */
wom_status wom_graph_generate(const wom_scenario_t *scenario, uint32_t draw, wom_graph_t **graph,
                              wom_error_t *error);

/* ---------------------------------------------------------------------------
 * Barabasi-Albert (graph_ba.c) */

/* Draw `draw` of scenario->network's Barabasi-Albert graph, over the
 * threads; the same graph for any number of them. The only failure is
 * memory. */
wom_status wom_graph_generate_barabasi_albert(const wom_scenario_t *scenario, uint32_t draw,
                                              wom_graph_t **out);

/* The same in chunks of `chunk_nodes` consecutive nodes handed to the
 * threads (the default 4096; a test makes them small so that threads often
 * work out each other's edges): the same graph for any chunk size. */
wom_status wom_graph_generate_ba_chunks(const wom_scenario_t *scenario, uint32_t draw,
                                        uint32_t chunk_nodes, wom_graph_t **out);

/* ---------------------------------------------------------------------------
 * Independent pairs: Erdos-Renyi and SBM (graph_pairs.c) */

/* The Erdos-Renyi graph G(n, p) or the SBM of the scenario (its nodes'
 * segments their blocks); the only failure is memory (WOM_ENOMEM, no error
 * detail set). */
wom_status wom_graph_generate_pairs(const wom_scenario_t *scenario, uint32_t draw,
                                    wom_graph_t **out);

/* Erdos-Renyi's edge probability: the mean degree over n - 1 (0 below two
 * nodes). */
double wom_graph_compute_er_probability(const wom_scenario_t *scenario);

/* The nodes of an SBM: the sum of its block sizes. */
uint64_t wom_graph_count_sbm_nodes(const wom_scenario_t *scenario);

/* ---------------------------------------------------------------------------
 * The undirected view of a graph (graph_stats.c): its statistics and its
 * layout (graph_layout.c) read each edge once */

/* Whether arc from -> to stands for its undirected edge: each edge once,
 * through its smaller end, or through the larger when only that arc exists. */
bool wom_graph_is_view_edge(const wom_graph_t *graph, uint32_t from, uint32_t to);

/* The simple undirected igraph graph with the CSR's edges. */
igraph_error_t wom_graph_undirected_view(const wom_graph_t *graph, igraph_t *view);

#endif
