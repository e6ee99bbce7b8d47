/* graph_graphml.c: the graph written as GraphML, each node's id its name
 * in the file it was read from (wom_graph_node_name). Written here, not by
 * igraph_write_graph_graphml: igraph 0.10's writer names every node n0,
 * n1, ... and can carry a name only as a data attribute beside it, which
 * GraphML readers (igraph's, NetworkX's, Gephi's) do not take for the
 * node's identity; it would also need igraph's copy of the graph, some 48
 * bytes an edge. The nodes come in their order, so that a reader numbers
 * them as womsim did.
 * Workload: once per `womsim graph --write`, a line a node and an edge.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "womsim/graph.h"

/* `text` in an XML attribute value between double quotes. */
static int write_escaped(FILE *stream, const char *text) {
    for (; *text != '\0'; text++) {
        int written;
        switch (*text) {
        case '&':
            written = fputs("&amp;", stream);
            break;
        case '<':
            written = fputs("&lt;", stream);
            break;
        case '>':
            written = fputs("&gt;", stream);
            break;
        case '"':
            written = fputs("&quot;", stream);
            break;
        default: /* a tab or line end as a reference: a reader would read it as a space */
            written =
                (unsigned char)*text < 0x20 ? fprintf(stream, "&#%d;", *text) : putc(*text, stream);
        }
        if (written < 0) {
            return -1;
        }
    }
    return 0;
}

/* `<tag attribute="node's name"` for each attribute of `count`, then `end`. */
static int write_element(FILE *stream, const wom_graph_t *graph, const char *tag,
                         const char *const attributes[], const uint32_t nodes[], int count,
                         const char *end) {
    if (fprintf(stream, "    <%s", tag) < 0) {
        return -1;
    }
    for (int i = 0; i < count; i++) {
        char buffer[21];
        if (fprintf(stream, " %s=\"", attributes[i]) < 0 ||
            write_escaped(stream, wom_graph_node_name(graph, nodes[i], buffer)) < 0 ||
            putc('"', stream) < 0) {
            return -1;
        }
    }
    return fputs(end, stream);
}

wom_status wom_graph_write_graphml(const wom_graph_t *graph, FILE *stream) {
    static const char *const node_id[] = {"id"}, *const edge_ends[] = {"source", "target"};
    uint64_t edges = graph->directed ? graph->arcs : graph->arcs / 2;
    if (fprintf(stream,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<!-- womsim network: %" PRIu32 " nodes, %" PRIu64 " %s edges; node ids: those "
                "of the network file read (a generated network's: 0..n-1) -->\n"
                "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
                "  <graph id=\"G\" edgedefault=\"%s\">\n",
                graph->nodes, edges, graph->directed ? "directed" : "undirected",
                graph->directed ? "directed" : "undirected") < 0) {
        return WOM_EIO;
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        if (write_element(stream, graph, "node", node_id, &v, 1, "/>\n") < 0) {
            return WOM_EIO;
        }
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            uint32_t ends[2] = {v, graph->targets[i]};
            if ((graph->directed || v < ends[1]) &&
                write_element(stream, graph, "edge", edge_ends, ends, 2, "/>\n") < 0) {
                return WOM_EIO;
            }
        }
    }
    if (fputs("  </graph>\n</graphml>\n", stream) < 0) {
        return WOM_EIO;
    }
    return ferror(stream) ? WOM_EIO : WOM_OK;
}
