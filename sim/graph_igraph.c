/* graph_igraph.c: graphs that come from igraph: GraphML and GML files read
 * by igraph, and what they share with the ring, complete and karate graphs
 * of igraph's constructors (graph_generate.c): an igraph graph turned into
 * the CSR, igraph's errors turned into ours.
 * Workload: once at set-up, single-threaded; igraph's copy of the graph
 * (some 32 bytes an edge) is destroyed before the CSR is built.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

/* ---------------------------------------------------------------------------
 * From igraph */

wom_status wom_graph_set_igraph_error(wom_error_t *error, igraph_error_t code, wom_status otherwise,
                                      const char *file, const char *what) {
    wom_status status = code == IGRAPH_ENOMEM ? WOM_ENOMEM : otherwise;
    return wom_error_set(error, status, file, 0, "%s failed: %s", what, igraph_strerror(code));
}

/* Copies igraph's edges into an edge array, then destroys `source` before the
 * CSR is built, so that igraph's copy and the CSR are never held together. */
wom_status wom_graph_take_igraph(igraph_t *source, bool directed, wom_graph_t **graph,
                                 const char *file, wom_error_t *error) {
    igraph_integer_t nodes = igraph_vcount(source), count = igraph_ecount(source);
    if (nodes > (igraph_integer_t)UINT32_MAX) {
        igraph_destroy(source);
        return wom_error_set(error, WOM_EDATA, file, 0,
                             "the network has %" PRId64 " nodes, more than %" PRIu32,
                             (int64_t)nodes, UINT32_MAX);
    }
    edge_list_t edges = {malloc((count > 0 ? (size_t)count : 1) * 2 * sizeof(uint32_t)),
                         (uint64_t)count, (uint64_t)count};
    if (edges.pairs != NULL) {
        for (igraph_integer_t e = 0; e < count; e++) {
            edges.pairs[2 * e] = (uint32_t)IGRAPH_FROM(source, e);
            edges.pairs[2 * e + 1] = (uint32_t)IGRAPH_TO(source, e);
        }
    }
    igraph_destroy(source);
    wom_status status = WOM_ENOMEM;
    if (edges.pairs != NULL) {
        status = wom_graph_build_csr((uint32_t)nodes, directed, &edges, graph);
    }
    free(edges.pairs);
    if (status != WOM_OK) {
        return wom_error_set(error, status, file, 0, "no memory for the network's adjacency");
    }
    return WOM_OK;
}

/* ---------------------------------------------------------------------------
 * GraphML and GML files, through igraph */

/* The graph's own directedness is kept, except that arcs become undirected
 * edges when network.directed is false (mutual arcs then count as
 * duplicates). */
/* igraph says why a file is malformed (and at which line) only to its
 * error handler, which has no argument of ours: the reason is kept here,
 * per thread, while a file is read. */
static _Thread_local char igraph_reason[256];

static void keep_reason(const char *reason, const char *file, int line, igraph_error_t code) {
    (void)file;
    (void)line;
    (void)code;
    if (igraph_reason[0] == '\0') { /* the first is the cause; callers add "failed" lines */
        snprintf(igraph_reason, sizeof igraph_reason, "%s", reason);
        size_t n = strlen(igraph_reason);
        while (n > 0 && (igraph_reason[n - 1] == '\n' || igraph_reason[n - 1] == ' ')) {
            igraph_reason[--n] = '\0'; /* libxml2's reasons end with a newline */
        }
    }
    /* Then what igraph's own handlers do: free what the failed call held
     * (the reason may be among it, so it is copied first). */
    IGRAPH_FINALLY_FREE();
}

static igraph_error_t read_igraph(igraph_t *source, FILE *stream, int format) {
    igraph_reason[0] = '\0';
    igraph_error_handler_t *previous = igraph_set_error_handler(keep_reason);
    igraph_error_t code = format == WOM_FORMAT_GML ? igraph_read_graph_gml(source, stream)
                                                   : igraph_read_graph_graphml(source, stream, 0);
    igraph_set_error_handler(previous);
    return code;
}

wom_status wom_graph_read_igraph_file(const char *path, int format, bool directed,
                                      wom_graph_t **graph, wom_error_t *error) {
    const char *name = format == WOM_FORMAT_GML ? "GML" : "GraphML";
    FILE *stream;
    wom_status status = wom_graph_open_file(path, format, true, &stream, error);
    if (status != WOM_OK) {
        return status;
    }
    igraph_t source;
    igraph_error_t code = read_igraph(&source, stream, format);
    fclose(stream);
    if (code == IGRAPH_ENOMEM) {
        return wom_graph_set_igraph_error(error, code, WOM_ENOMEM, path, "reading the network");
    }
    if (code != IGRAPH_SUCCESS) {
        return wom_error_set(error, code == IGRAPH_UNIMPLEMENTED ? WOM_ELIBRARY : WOM_EDATA, path,
                             0, "not a %s file igraph can read: %s", name,
                             igraph_reason[0] ? igraph_reason : igraph_strerror(code));
    }
    if (igraph_vcount(&source) == 0) {
        igraph_destroy(&source);
        return wom_error_set(error, WOM_EDATA, path, 0, "the %s file holds no nodes", name);
    }
    directed = directed && igraph_is_directed(&source);
    return wom_graph_take_igraph(&source, directed, graph, path, error);
}
