/* check_csr.h: what the fuzz harnesses of the graph readers demand of
 * any graph a reader accepts: a valid CSR (rows sorted, no self-loop or
 * duplicate, ids below the node count, no row above max_degree;
 * undirected: every arc has its reverse), else abort. Static, for the
 * harnesses that include it (each is its own program).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_FUZZ_CHECK_CSR_H
#define WOMSIM_FUZZ_CHECK_CSR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "womsim/graph.h"

static bool has_arc(const wom_graph_t *graph, uint32_t from, uint32_t to) {
    for (uint64_t i = graph->offsets[from]; i < graph->offsets[from + 1]; i++) {
        if (graph->targets[i] == to) {
            return true;
        }
    }
    return false;
}

static void check_csr(const wom_graph_t *graph) {
    if (graph->offsets[0] != 0 || graph->offsets[graph->nodes] != graph->arcs) {
        abort();
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        uint64_t begin = graph->offsets[v], end = graph->offsets[v + 1];
        if (end < begin || end - begin > graph->max_degree) {
            abort();
        }
        for (uint64_t i = begin; i < end; i++) {
            uint32_t to = graph->targets[i];
            if (to >= graph->nodes || to == v || (i > begin && to <= graph->targets[i - 1]) ||
                (!graph->directed && !has_arc(graph, to, v))) {
                abort();
            }
        }
    }
}

#endif
