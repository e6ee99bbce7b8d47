/* fuzz_edges.c: libFuzzer harness for the SNAP edge-list reader. An
 * accepted list must give a valid CSR (rows sorted, no self-loop or
 * duplicate, ids below the node count; undirected: every arc has its
 * reverse) and read back from its own export to the same arcs; anything
 * else is a bug (abort). Built with -fsanitize=fuzzer by `make fuzz`; `make
 * test` replays the corpus through replay.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_csr.h"
#include "womsim/graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static wom_status read_bytes(const char *bytes, size_t size, bool directed, wom_graph_t **graph) {
    FILE *stream = fmemopen((void *)bytes, size, "r");
    if (stream == NULL) {
        abort();
    }
    wom_error_t error;
    wom_status status = wom_graph_read_snap_stream(stream, "fuzz.txt", directed, graph, &error);
    fclose(stream);
    if ((status == WOM_OK) != (*graph != NULL)) {
        abort(); /* a graph exactly when it succeeds */
    }
    return status;
}

/* The export, read back, holds the same arcs (ids are renumbered in order
 * of first appearance, which the export keeps for every node with an arc). */
static void check_round_trip(const wom_graph_t *graph) {
    char *text = NULL;
    size_t length = 0;
    FILE *stream = open_memstream(&text, &length);
    if (stream == NULL || wom_graph_write_snap(graph, stream) != WOM_OK || fclose(stream) != 0) {
        abort();
    }
    wom_graph_t *copy = NULL;
    if (graph->arcs == 0) { /* only self-loops: the export has no edge */
        if (read_bytes(text, length, graph->directed, &copy) != WOM_EDATA) {
            abort();
        }
    } else if (read_bytes(text, length, graph->directed, &copy) != WOM_OK ||
               copy->arcs != graph->arcs) {
        abort();
    }
    wom_graph_free(copy);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (int directed = 0; directed <= 1; directed++) {
        wom_graph_t *graph = NULL;
        if (read_bytes((const char *)data, size, directed, &graph) == WOM_OK) {
            check_csr(graph);
            check_round_trip(graph);
        }
        wom_graph_free(graph);
    }
    return 0;
}
