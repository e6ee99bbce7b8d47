/* graph_igraph.c: graphs that come from igraph: GraphML and GML files read
 * by igraph (with their nodes' ids, through igraph's attribute handler),
 * and what they share with the ring, complete and karate graphs
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

/* Copies `name` to `to` (when not NULL) with each "&#38;" as "&", and
 * returns the bytes it takes with its NUL. igraph's GraphML reader hands
 * on each '&' of an id as libxml2 leaves it, "&#38;", and every '&' so
 * (a literal "&#38;" in an id comes as "&#38;#38;"), so this undoes it
 * exactly; GML ids are numbers and have none. */
static size_t copy_name(char *to, const char *name) {
    size_t length = 0;
    for (const char *c = name; *c != '\0'; c++, length++) {
        if (to != NULL) {
            to[length] = *c;
        }
        if (strncmp(c, "&#38;", 5) == 0) {
            c += 4;
        }
    }
    if (to != NULL) {
        to[length] = '\0';
    }
    return length + 1;
}

/* The vertex attribute "id" of `source` (read with igraph's attribute
 * handler: a GraphML node's id, a string; a GML node's id, a number) into
 * `graph`'s names. No names when the attribute is missing or boolean. */
static wom_status copy_names(const igraph_t *source, wom_graph_t *graph) {
    igraph_attribute_type_t type = IGRAPH_ATTRIBUTE_UNSPECIFIED;
    if (igraph_cattribute_has_attr(source, IGRAPH_ATTRIBUTE_VERTEX, "id")) {
        /* the handler's own query: igraph 0.10 has no public function for it */
        igraph_cattribute_table.gettype(source, &type, IGRAPH_ATTRIBUTE_VERTEX, "id");
    }
    if (type != IGRAPH_ATTRIBUTE_STRING && type != IGRAPH_ATTRIBUTE_NUMERIC) {
        return WOM_OK;
    }
    uint32_t nodes = graph->nodes;
    uint64_t bytes = 0;
    char number[32];
    for (uint32_t pass = 0; pass < 2; pass++) { /* measure, then copy */
        bytes = 0;
        for (uint32_t v = 0; v < nodes; v++) {
            const char *name = number;
            if (type == IGRAPH_ATTRIBUTE_STRING) {
                name = VAS(source, "id", v);
            } else {
                snprintf(number, sizeof number, "%.17g", VAN(source, "id", v));
            }
            if (pass == 1) {
                graph->name_starts[v] = bytes;
            }
            bytes += copy_name(pass == 1 ? graph->name_text + bytes : NULL, name);
        }
        if (pass == 0) {
            graph->name_text = malloc(bytes);
            graph->name_starts = malloc(((size_t)nodes + 1) * sizeof *graph->name_starts);
            if (graph->name_text == NULL || graph->name_starts == NULL) {
                return WOM_ENOMEM;
            }
        }
    }
    graph->name_starts[nodes] = bytes;
    return WOM_OK;
}

/* The CSR of `source` with its nodes' names. */
static wom_status take_with_names(igraph_t *source, bool directed, wom_graph_t **graph,
                                  const char *path, wom_error_t *error) {
    wom_graph_t names = {.nodes = (uint32_t)igraph_vcount(source)};
    if (copy_names(source, &names) != WOM_OK) {
        igraph_destroy(source);
        wom_graph_free_names(&names);
        return wom_error_set(error, WOM_ENOMEM, path, 0, "no memory for the nodes' ids");
    }
    wom_status status = wom_graph_take_igraph(source, directed, graph, path, error);
    if (status == WOM_OK) {
        (*graph)->name_text = names.name_text;
        (*graph)->name_starts = names.name_starts;
    } else {
        wom_graph_free_names(&names);
    }
    return status;
}

/* igraph keeps nodes' ids only with its attribute handler, which is set
 * while the file is read and its graph destroyed (igraph frees the
 * attributes through it), then the previous handler (none) restored:
 * igraph's generators never pay for attributes. */
wom_status wom_graph_read_igraph_file(const char *path, int format, bool directed,
                                      wom_graph_t **graph, wom_error_t *error) {
    const char *name = format == WOM_FORMAT_GML ? "GML" : "GraphML";
    FILE *stream;
    wom_status status = wom_graph_open_file(path, format, true, &stream, error);
    if (status != WOM_OK) {
        return status;
    }
    igraph_attribute_table_t *previous = igraph_set_attribute_table(&igraph_cattribute_table);
    igraph_t source;
    igraph_error_t code = read_igraph(&source, stream, format);
    fclose(stream);
    if (code == IGRAPH_ENOMEM) {
        status = wom_graph_set_igraph_error(error, code, WOM_ENOMEM, path, "reading the network");
    } else if (code != IGRAPH_SUCCESS) {
        status = wom_error_set(error, code == IGRAPH_UNIMPLEMENTED ? WOM_ELIBRARY : WOM_EDATA, path,
                               0, "not a %s file igraph can read: %s", name,
                               igraph_reason[0] ? igraph_reason : igraph_strerror(code));
    } else if (igraph_vcount(&source) == 0) {
        igraph_destroy(&source);
        status = wom_error_set(error, WOM_EDATA, path, 0, "the %s file holds no nodes", name);
    } else {
        directed = directed && igraph_is_directed(&source);
        status = take_with_names(&source, directed, graph, path, error);
    }
    igraph_set_attribute_table(previous);
    return status;
}
