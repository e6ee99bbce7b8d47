/* graph.c: the social graph's CSR (graph.h): its life (allocation, size,
 * freeing) and its nodes' names (those of the file read); and
 * wom_graph_build (of draw 0, or wom_graph_build_draw of any draw), which
 * checks the network's settings and the memory estimate, then hands over to a generator
 * (graph_generate.c, graph_ba.c, graph_pairs.c) or a file reader (graph_snap.c, graph_igraph.c,
 * graph_sg.c, graph_mtx.c). The builder every edge array goes through is graph_csr.c. What the
 * graph files share is in graph_internal.h. Workload: runs once at set-up, for graphs up to some
 * 1e9 arcs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/graph.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "memory.h"
#include "rng.h"

/* ---------------------------------------------------------------------------
 * The CSR and its builder */

void wom_graph_free(wom_graph_t *graph) {
    if (graph == NULL) {
        return;
    }
    free(graph->offsets);
    free(graph->targets);
    free(graph->segment);
    wom_graph_free_names(graph);
    free(graph);
}

void wom_graph_free_names(wom_graph_t *graph) {
    free(graph->original_ids);
    free(graph->name_text);
    free(graph->name_starts);
    graph->original_ids = NULL;
    graph->name_text = NULL;
    graph->name_starts = NULL;
}

uint64_t wom_graph_bytes(const wom_graph_t *graph) {
    uint64_t nodes = graph->nodes;
    return (nodes + 1) * sizeof *graph->offsets + graph->arcs * sizeof *graph->targets +
           (graph->segment != NULL ? nodes * sizeof *graph->segment : 0) +
           (graph->original_ids != NULL ? nodes * sizeof *graph->original_ids : 0) +
           (graph->name_text != NULL
                ? graph->name_starts[nodes] + (nodes + 1) * sizeof *graph->name_starts
                : 0);
}

/* A graph with `nodes` empty rows and no segments. */
wom_graph_t *wom_graph_alloc(uint32_t nodes, bool directed) {
    wom_graph_t *graph = calloc(1, sizeof *graph);
    if (graph == NULL) {
        return NULL;
    }
    graph->nodes = nodes;
    graph->directed = directed;
    graph->offsets = wom_memory_calloc((size_t)nodes + 1, sizeof *graph->offsets);
    if (graph->offsets == NULL) {
        wom_graph_free(graph);
        return NULL;
    }
    return graph;
}

/* ---------------------------------------------------------------------------
 * The nodes' names */

const char *wom_graph_node_name(const wom_graph_t *graph, uint32_t node, char buffer[21]) {
    if (graph->name_text != NULL) {
        return graph->name_text + graph->name_starts[node];
    }
    uint64_t id = graph->original_ids != NULL ? graph->original_ids[node] : node;
    snprintf(buffer, 21, "%" PRIu64, id);
    return buffer;
}

/* "0", or digits without a leading 0, at most UINT64_MAX: a name a SNAP
 * reader reads back as itself. */
static bool is_plain_id(const char *name) {
    size_t length = strspn(name, "0123456789");
    if (length == 0 || name[length] != '\0' || (name[0] == '0' && length > 1)) {
        return false;
    }
    return length < 20 || (length == 20 && strcmp(name, "18446744073709551615") <= 0);
}

bool wom_graph_names_are_ids(const wom_graph_t *graph) {
    for (uint32_t v = 0; graph->name_text != NULL && v < graph->nodes; v++) {
        if (!is_plain_id(graph->name_text + graph->name_starts[v])) {
            return false;
        }
    }
    return true;
}

/* ---------------------------------------------------------------------------
 * Building */

/* The probabilities the generators take, which the config module holds
 * to [0, 1]; checked again for callers that fill a scenario themselves. */
static wom_status check_probabilities(const wom_scenario_t *scenario, wom_error_t *error) {
    const struct {
        int model;
        double value;
        const char *name;
    } probabilities[] = {
        {WOM_NET_WATTS_STROGATZ, scenario->network.rewire, "network.rewire"},
        {WOM_NET_SBM, scenario->network.p_in, "network.p_in"},
        {WOM_NET_SBM, scenario->network.p_out, "network.p_out"},
    };
    for (size_t i = 0; i < sizeof probabilities / sizeof *probabilities; i++) {
        double value = probabilities[i].value;
        if (scenario->network.model == probabilities[i].model && !(value >= 0 && value <= 1)) {
            return wom_error_set(error, WOM_EINVAL, NULL, 0, "%s must be between 0 and 1",
                                 probabilities[i].name);
        }
    }
    return WOM_OK;
}

/* The checks the CSR's types and the generators need (the config module
 * validates the rest). */
static wom_status check_network(const wom_scenario_t *scenario, wom_error_t *error) {
    int model = scenario->network.model;
    if (model < WOM_NET_ERDOS_RENYI || model > WOM_NET_FILE) {
        return wom_error_set(error, WOM_EINVAL, NULL, 0, "unknown network model %d", model);
    }
    if (model == WOM_NET_SBM) {
        int blocks = scenario->network.block_count;
        if (blocks < 1 || blocks > WOM_MAX_BLOCKS) {
            return wom_error_set(error, WOM_EINVAL, NULL, 0,
                                 "network.blocks must list 1 to %d block sizes", WOM_MAX_BLOCKS);
        }
        if (wom_graph_count_sbm_nodes(scenario) > UINT32_MAX) {
            return wom_error_set(error, WOM_EINVAL, NULL, 0,
                                 "network.blocks add up to more than %" PRIu32 " nodes",
                                 UINT32_MAX);
        }
    } else if (model != WOM_NET_KARATE && model != WOM_NET_FILE &&
               (scenario->network.nodes < 1 || scenario->network.nodes > UINT32_MAX)) {
        return wom_error_set(error, WOM_EINVAL, NULL, 0,
                             "network.nodes must be between 1 and %" PRIu32, UINT32_MAX);
    }
    if (model == WOM_NET_CONFIGURATION && !(scenario->network.exponent > 1.0)) {
        return wom_error_set(error, WOM_EINVAL, NULL, 0, "network.exponent must be above 1");
    }
    return check_probabilities(scenario, error);
}

/* "12.3 GiB": one decimal in the largest binary unit that keeps it >= 1. */
static void format_bytes(double bytes, char text[32]) {
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 6) {
        bytes /= 1024;
        unit++;
    }
    snprintf(text, 32, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
}

/* The refusal of a network whose estimate `need` exceeds `max_bytes`; for a
 * file, named with the bound its estimate rests on, counted before reading. */
static wom_status refuse_over_limit(const wom_scenario_t *scenario, uint64_t need,
                                    uint64_t max_bytes, wom_error_t *error) {
    char need_text[32], limit_text[32];
    format_bytes((double)need, need_text);
    format_bytes((double)max_bytes, limit_text);
    if (scenario->network.model != WOM_NET_FILE) {
        return wom_error_set(error, WOM_ETOOBIG, NULL, 0,
                             "the network needs about %s, more than the limit of %s (--max-mem)",
                             need_text, limit_text);
    }
    double edges;
    wom_graph_estimate_file(scenario->network.file, scenario->network.format, &edges);
    static const char *const bounds[] = {"data lines, an edge each at most",
                                         "edges at most, one per 24 bytes of the file",
                                         "edges at most, one per 24 bytes of the file",
                                         "arcs, from its header", "entries, from its size line"};
    int format = scenario->network.format;
    const char *bound = bounds[format >= WOM_FORMAT_SNAP && format <= WOM_FORMAT_MTX ? format : 0];
    return wom_error_set(error, WOM_ETOOBIG, scenario->network.file, 0,
                         "the network needs about %s (%.0f %s, counted before reading), more "
                         "than the limit of %s (--max-mem)",
                         need_text, edges, bound, limit_text);
}

static wom_status read_network_file(const wom_scenario_t *scenario, wom_graph_t **graph,
                                    wom_error_t *error) {
    const char *path = scenario->network.file;
    switch (scenario->network.format) {
    case WOM_FORMAT_SNAP:
        return wom_graph_read_snap(path, scenario->network.directed, graph, error);
    case WOM_FORMAT_GRAPHML:
    case WOM_FORMAT_GML:
        return wom_graph_read_igraph_file(path, scenario->network.format,
                                          scenario->network.directed, graph, error);
    case WOM_FORMAT_SG:
        return wom_graph_read_sg(path, scenario->network.directed, graph, error);
    case WOM_FORMAT_MTX:
        return wom_graph_read_mtx(path, scenario->network.directed, graph, error);
    default:
        return wom_error_set(error, WOM_EINVAL, path, 0, "unknown network format %d",
                             scenario->network.format);
    }
}

/* Draws other than 0 are new draws of a random model, each keyed by its
 * own task word (below the 2^24 the keys tell apart). */
static wom_status check_draw(const wom_scenario_t *scenario, uint32_t draw, wom_error_t *error) {
    int model = scenario->network.model;
    if (draw == 0) {
        return WOM_OK;
    }
    if (model == WOM_NET_RING || model == WOM_NET_COMPLETE || model == WOM_NET_KARATE ||
        model == WOM_NET_FILE) {
        return wom_error_set(error, WOM_EINVAL, NULL, 0,
                             "a network of this model cannot be drawn again: it is read from a "
                             "file or draws nothing");
    }
    if (draw >= WOM_RNG_MAX_TASKS) {
        return wom_error_set(error, WOM_EINVAL, NULL, 0,
                             "network draw %" PRIu32 " is not below %" PRIu32, draw,
                             WOM_RNG_MAX_TASKS);
    }
    return WOM_OK;
}

wom_status wom_graph_build(const wom_scenario_t *scenario, uint64_t max_bytes, wom_graph_t **graph,
                           wom_error_t *error) {
    return wom_graph_build_draw(scenario, 0, max_bytes, graph, error);
}

wom_status wom_graph_build_draw(const wom_scenario_t *scenario, uint32_t draw, uint64_t max_bytes,
                                wom_graph_t **graph, wom_error_t *error) {
    *graph = NULL;
    wom_status status = check_network(scenario, error);
    if (status == WOM_OK) {
        status = check_draw(scenario, draw, error);
    }
    if (status != WOM_OK) {
        return status;
    }
    uint64_t need = wom_graph_estimate_bytes(scenario);
    if (max_bytes != 0 && need > max_bytes) {
        return refuse_over_limit(scenario, need, max_bytes, error);
    }
    if (scenario->network.model == WOM_NET_FILE) {
        return read_network_file(scenario, graph, error);
    }
    return wom_graph_generate(scenario, draw, graph, error);
}
