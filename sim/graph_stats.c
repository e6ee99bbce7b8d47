/* graph_stats.c: the statistics of `womsim graph` (wom_graph_stats): size,
 * degree quartiles, and the global transitivity and weakly connected
 * components of the graph's undirected view, computed by igraph.
 * Workload: once per `womsim graph`, single-threaded; the quartiles come
 * from a histogram of degrees (no sorted copy), the view is an igraph copy
 * of the edges (some 32 bytes an edge), held while igraph computes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/graph.h"

#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

/* The k-th smallest out-degree (0-based), from a histogram of degrees. */
static double degree_rank(const uint64_t *histogram, uint32_t max_degree, uint64_t k) {
    uint64_t below = 0;
    for (uint32_t d = 0; d < max_degree; d++) {
        below += histogram[d];
        if (below > k) {
            return d;
        }
    }
    return max_degree;
}

/* Quantile q of the sorted out-degrees d_0 <= ... <= d_{n-1}, defined as
 * GSL's gsl_stats_quantile_from_sorted_data (R's type 7): with h = (n-1) q,
 * d_floor(h) + (h - floor(h)) (d_floor(h)+1 - d_floor(h)). Computed from a
 * histogram, so no sorted copy of n degrees is made. */
static wom_status degree_quartiles(const wom_graph_t *graph, double quartiles[3]) {
    if (graph->nodes == 0) {
        return WOM_OK;
    }
    uint64_t *histogram = calloc((size_t)graph->max_degree + 1, sizeof *histogram);
    if (histogram == NULL) {
        return WOM_ENOMEM;
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        histogram[wom_graph_degree(graph, v)]++;
    }
    for (int i = 0; i < 3; i++) {
        double h = (graph->nodes - 1.0) * (i + 1) / 4.0;
        uint64_t low = (uint64_t)floor(h);
        double lower = degree_rank(histogram, graph->max_degree, low);
        double upper =
            low + 1 < graph->nodes ? degree_rank(histogram, graph->max_degree, low + 1) : lower;
        quartiles[i] = lower + (h - (double)low) * (upper - lower);
    }
    free(histogram);
    return WOM_OK;
}

static bool has_arc(const wom_graph_t *graph, uint32_t from, uint32_t to) {
    const uint32_t *row = graph->targets + graph->offsets[from];
    return bsearch(&to, row, wom_graph_degree(graph, from), sizeof *row, wom_graph_compare_u32) !=
           NULL;
}

bool wom_graph_is_view_edge(const wom_graph_t *graph, uint32_t from, uint32_t to) {
    return from < to || (graph->directed && !has_arc(graph, to, from));
}

igraph_error_t wom_graph_undirected_view(const wom_graph_t *graph, igraph_t *view) {
    igraph_integer_t count = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            count += wom_graph_is_view_edge(graph, v, graph->targets[i]);
        }
    }
    igraph_vector_int_t edges;
    igraph_error_t code = igraph_vector_int_init(&edges, 2 * count);
    if (code != IGRAPH_SUCCESS) {
        return code;
    }
    igraph_integer_t at = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            if (wom_graph_is_view_edge(graph, v, graph->targets[i])) {
                VECTOR(edges)[at++] = v;
                VECTOR(edges)[at++] = graph->targets[i];
            }
        }
    }
    code = igraph_create(view, &edges, graph->nodes, false);
    igraph_vector_int_destroy(&edges);
    return code;
}

/* Global transitivity and weakly connected components of the undirected
 * view. */
static igraph_error_t view_stats(const igraph_t *view, uint32_t nodes, wom_graph_stats_t *stats) {
    igraph_error_t code =
        igraph_transitivity_undirected(view, &stats->clustering, IGRAPH_TRANSITIVITY_ZERO);
    if (code != IGRAPH_SUCCESS) {
        return code;
    }
    igraph_vector_int_t sizes;
    code = igraph_vector_int_init(&sizes, 0);
    if (code != IGRAPH_SUCCESS) {
        return code;
    }
    igraph_integer_t components = 0;
    code = igraph_connected_components(view, NULL, &sizes, &components, IGRAPH_WEAK);
    if (code == IGRAPH_SUCCESS) {
        stats->components = (uint32_t)components;
        igraph_integer_t largest = components > 0 ? igraph_vector_int_max(&sizes) : 0;
        stats->giant_share = nodes > 0 ? (double)largest / nodes : 0.0;
    }
    igraph_vector_int_destroy(&sizes);
    return code;
}

wom_status wom_graph_stats(const wom_graph_t *graph, wom_graph_stats_t *stats) {
    memset(stats, 0, sizeof *stats);
    stats->nodes = graph->nodes;
    stats->edges = graph->directed ? graph->arcs : graph->arcs / 2;
    stats->mean_degree = graph->nodes > 0 ? (double)graph->arcs / graph->nodes : 0.0;
    stats->max_degree = graph->max_degree;
    stats->bytes = wom_graph_bytes(graph);
    if (degree_quartiles(graph, stats->degree_quartiles) != WOM_OK) {
        return WOM_ENOMEM;
    }
    igraph_t view;
    igraph_error_t code = wom_graph_undirected_view(graph, &view);
    if (code == IGRAPH_SUCCESS) {
        code = view_stats(&view, graph->nodes, stats);
        igraph_destroy(&view);
    }
    if (code != IGRAPH_SUCCESS) {
        return code == IGRAPH_ENOMEM ? WOM_ENOMEM : WOM_ELIBRARY;
    }
    return WOM_OK;
}
