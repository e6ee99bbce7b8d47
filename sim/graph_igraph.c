/* graph_igraph.c: graphs that come from igraph: GraphML and GML files read
 * by igraph, and what they share with the ring, complete and karate graphs
 * of igraph's constructors (graph_generate.c): an igraph graph turned into
 * the CSR, igraph's errors turned into ours.
 * Workload: once at set-up, single-threaded; igraph's copy of the graph
 * (some 32 bytes an edge) is destroyed before the CSR is built.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
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
wom_status wom_graph_read_igraph_file(const char *path, int format, bool directed,
                                      wom_graph_t **graph, wom_error_t *error) {
    const char *name = format == WOM_FORMAT_GML ? "GML" : "GraphML";
    FILE *stream = fopen(path, "r");
    if (stream == NULL) {
        return wom_error_set(error, WOM_ENOENT, path, 0, "cannot open the %s file: %s", name,
                             strerror(errno));
    }
    igraph_t source;
    igraph_error_t code = format == WOM_FORMAT_GML ? igraph_read_graph_gml(&source, stream)
                                                   : igraph_read_graph_graphml(&source, stream, 0);
    fclose(stream);
    if (code != IGRAPH_SUCCESS) {
        wom_status status = code == IGRAPH_UNIMPLEMENTED ? WOM_ELIBRARY : WOM_EDATA;
        return wom_graph_set_igraph_error(error, code, status, path,
                                          format == WOM_FORMAT_GML ? "reading GML"
                                                                   : "reading GraphML");
    }
    if (igraph_vcount(&source) == 0) {
        igraph_destroy(&source);
        return wom_error_set(error, WOM_EDATA, path, 0, "the %s file holds no nodes", name);
    }
    directed = directed && igraph_is_directed(&source);
    return wom_graph_take_igraph(&source, directed, graph, path, error);
}
