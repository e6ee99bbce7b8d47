/* graph_layout.c: where `womsim run --snapshots` draws each agent: igraph's
 * Kamada-Kawai layout of the undirected view (graph_stats.c), and the
 * view's edges for the picture. Kamada-Kawai rather than
 * Fruchterman-Reingold because igraph's Fruchterman-Reingold draws from
 * igraph's global RNG, which womsim never touches (graph_generate.c);
 * Kamada-Kawai started from the circle draws nothing, so the same network
 * is drawn the same for any thread count.
 * Workload: once per watched run of at most WOM_WATCH_MAX_PICTURE_AGENTS
 * nodes; igraph holds a nodes x nodes distance matrix and runs 10 x nodes
 * steps of O(nodes) each (measured alone: 1.3 s at 2,000 nodes, 11 s at
 * 5,000).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <stdlib.h>

#include "graph_internal.h"

/* Kamada-Kawai's steps per node: igraph's default is 50, which took 10.2
 * s to draw configs/baseline.ini's town at 2,000 agents on 4 days
 * (against 4.6 s) for the same picture as 10's. */
#define STEPS_PER_NODE 10

/* Scales the layout's rows into [0, 1] on both axes, keeping its aspect. */
static void scale_into_unit_square(const igraph_matrix_t *layout, uint32_t nodes, double *xy) {
    double low[2] = {DBL_MAX, DBL_MAX}, high[2] = {-DBL_MAX, -DBL_MAX};
    for (uint32_t v = 0; v < nodes; v++) {
        for (int axis = 0; axis < 2; axis++) {
            double value = MATRIX(*layout, v, axis);
            low[axis] = value < low[axis] ? value : low[axis];
            high[axis] = value > high[axis] ? value : high[axis];
        }
    }
    double span = high[0] - low[0] > high[1] - low[1] ? high[0] - low[0] : high[1] - low[1];
    for (uint32_t v = 0; v < nodes; v++) {
        for (int axis = 0; axis < 2; axis++) {
            double margin = (span - (high[axis] - low[axis])) / 2; /* centred on the short axis */
            xy[2 * v + axis] =
                span > 0 ? (MATRIX(*layout, v, axis) - low[axis] + margin) / span : 0.5;
        }
    }
}

/* The view's edges as pairs, in the CSR's order. */
static wom_status view_edges(const wom_graph_t *graph, uint32_t **edges, uint64_t *edge_count) {
    uint64_t count = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            count += wom_graph_is_view_edge(graph, v, graph->targets[i]);
        }
    }
    *edges = malloc((count > 0 ? count : 1) * 2 * sizeof **edges);
    if (*edges == NULL) {
        return WOM_ENOMEM;
    }
    uint64_t at = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            if (wom_graph_is_view_edge(graph, v, graph->targets[i])) {
                (*edges)[at++] = v;
                (*edges)[at++] = graph->targets[i];
            }
        }
    }
    *edge_count = count;
    return WOM_OK;
}

wom_status wom_graph_layout(const wom_graph_t *graph, double *xy, uint32_t **edges,
                            uint64_t *edge_count) {
    *edges = NULL;
    igraph_t view;
    igraph_matrix_t layout;
    igraph_error_t code = wom_graph_undirected_view(graph, &view);
    if (code != IGRAPH_SUCCESS) {
        return code == IGRAPH_ENOMEM ? WOM_ENOMEM : WOM_EINVAL;
    }
    code = igraph_matrix_init(&layout, 0, 0);
    if (code == IGRAPH_SUCCESS) {
        code = igraph_layout_kamada_kawai(&view, &layout, false, STEPS_PER_NODE * graph->nodes, 0,
                                          graph->nodes, NULL, NULL, NULL, NULL, NULL);
        if (code == IGRAPH_SUCCESS) {
            scale_into_unit_square(&layout, graph->nodes, xy);
        }
        igraph_matrix_destroy(&layout);
    }
    igraph_destroy(&view);
    if (code != IGRAPH_SUCCESS) {
        return code == IGRAPH_ENOMEM ? WOM_ENOMEM : WOM_EINVAL;
    }
    return view_edges(graph, edges, edge_count);
}
