/* graph_generate.c: the network models, generated from the run seed:
 * Watts-Strogatz and configuration here, Barabasi-Albert in graph_ba.c,
 * Erdos-Renyi and SBM in graph_pairs.c, all drawn from keyed Philox streams, so a node's
 * edges depend on the seed, the draw (the task word of the keys: 0, or a
 * replication's own network) and the node alone; ring, complete and karate
 * are igraph's constructors, which draw nothing. No igraph generator that
 * draws, and igraph's RNG is never touched.
 * Workload: once at set-up, for up to some 1e7 nodes and 1e9 arcs:
 * Erdos-Renyi and SBM over the run's threads, writing the CSR directly;
 * Barabasi-Albert's nodes over the threads into an edge array;
 * Watts-Strogatz's nodes and the configuration model's degrees over the
 * threads into an edge array, the configuration model's stubs matched on
 * one thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <igraph.h>
#include <math.h>
#include <stdlib.h>

#include "graph_internal.h"
#include "memory.h"
#include "rng.h"

/* ---------------------------------------------------------------------------
 * Watts-Strogatz */

/* Node v's k lattice edges (v, v + j), j = 1 .. k (mod n), into `pairs`
 * (2k entries): each keeps its end v and, when its word falls below
 * `rewire` (a Bernoulli threshold), has its other end moved to a node drawn
 * uniformly among the n - 1 others. */
static void ws_node_edges(wom_rng_key_t key, uint32_t nodes, uint32_t k, uint64_t rewire,
                          uint32_t *pairs) {
    const uint32_t v = key.agent;
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, key);
    for (uint32_t j = 1; j <= k; j++) {
        uint32_t to = (uint32_t)(((uint64_t)v + j) % nodes);
        if (wom_rng_stream_next(&stream) < rewire) {
            uint32_t other = wom_rng_stream_index(&stream, nodes - 1);
            to = other >= v ? other + 1 : other; /* skips v */
        }
        pairs[2 * (j - 1)] = v;
        pairs[2 * (j - 1) + 1] = to;
    }
}

/* Watts-Strogatz (1998): the ring lattice where node v joins its k =
 * round(mean_degree / 2) neighbours on each side, each lattice edge then
 * rewired with probability network.rewire. Node v's edges come from its own
 * stream (seed, draw, step 0, v, WOM_SITE_GRAPH) into its own k slots of
 * the edge array, so the nodes run over the threads and the array, and the
 * CSR built from it, are the same for any number of threads. Rewiring can
 * repeat an edge; the CSR builder drops and counts it. */
static wom_status generate_watts_strogatz(const wom_scenario_t *scenario, uint32_t draw,
                                          wom_graph_t **out) {
    const uint32_t nodes = (uint32_t)scenario->network.nodes;
    const uint64_t k = (uint64_t)llround(scenario->network.mean_degree / 2);
    const uint64_t count = nodes * k;
    /* no other node to move an end to below two nodes */
    const uint64_t rewire = nodes > 1 ? wom_rng_threshold(scenario->network.rewire) : 0;
    edge_list_t edges = {k <= UINT32_MAX && count <= SIZE_MAX / 8
                             ? wom_memory_alloc(count * 2 * sizeof(uint32_t))
                             : NULL,
                         count, count};
    if (edges.pairs == NULL) {
        return WOM_ENOMEM;
    }
#pragma omp parallel for schedule(static)
    for (uint32_t v = 0; v < nodes; v++) {
        ws_node_edges(wom_graph_node_key(scenario, draw, v, WOM_SITE_GRAPH), nodes, (uint32_t)k,
                      rewire, edges.pairs + 2 * k * v);
    }
    wom_status status = wom_graph_build_csr(nodes, false, &edges, out);
    free(edges.pairs);
    return status;
}

/* ---------------------------------------------------------------------------
 * Configuration model */

/* Node v's degree: the floor of a Pareto(exponent - 1, min_degree) draw,
 * min_degree u^(-1 / (exponent - 1)) for u uniform in (0, 1] from the
 * node's keyed stream (inversion), capped at n - 1. */
static uint32_t power_law_degree(const wom_scenario_t *scenario, uint32_t draw, uint32_t v) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, wom_graph_node_key(scenario, draw, v, WOM_SITE_GRAPH));
    double x = (double)scenario->network.min_degree *
               pow(wom_rng_stream_unit(&stream), -1.0 / (scenario->network.exponent - 1.0));
    double cap = (double)(scenario->network.nodes - 1);
    return (uint32_t)floor(x < cap ? x : cap);
}

/* Every node's degree, over the threads; an odd total gets one more stub
 * on the last node. Returns the number of stubs. */
static uint64_t draw_degrees(const wom_scenario_t *scenario, uint32_t draw, uint32_t *degrees) {
    const uint32_t nodes = (uint32_t)scenario->network.nodes;
    uint64_t stubs = 0;
#pragma omp parallel for schedule(static) reduction(+ : stubs)
    for (uint32_t v = 0; v < nodes; v++) {
        degrees[v] = power_law_degree(scenario, draw, v);
        stubs += degrees[v];
    }
    if (stubs % 2 != 0) {
        degrees[nodes - 1]++;
        stubs++;
    }
    return stubs;
}

/* Pairs the `count` stubs uniformly at random: each stub at an even
 * position i, in turn, is paired with one drawn uniformly among the stubs
 * after it, swapped into position i + 1. Every perfect matching of the
 * stubs comes out with the same probability, for one draw a pair, from one
 * keyed stream (seed, draw, step 0, 0, WOM_SITE_GRAPH_MATCH): sequential,
 * so the same for any thread count. */
static void match_stubs(uint32_t *stubs, uint64_t count, wom_rng_key_t key) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, key);
    for (uint64_t i = 0; i + 1 < count; i += 2) {
        uint64_t j = i + 1 + wom_graph_uniform_below(&stream, count - i - 1);
        uint32_t partner = stubs[j];
        stubs[j] = stubs[i + 1];
        stubs[i + 1] = partner;
    }
}

/* The stubs of `degrees`: node v listed degrees[v] times, in node order,
 * into the edge array (two stubs an edge); NULL when memory is short. */
static uint32_t *list_stubs(const uint32_t *degrees, uint32_t nodes, uint64_t stubs) {
    uint32_t *list =
        stubs <= SIZE_MAX / sizeof *list ? wom_memory_alloc(stubs * sizeof *list) : NULL;
    uint64_t at = 0;
    for (uint32_t v = 0; list != NULL && v < nodes; v++) {
        for (uint32_t i = 0; i < degrees[v]; i++) {
            list[at++] = v;
        }
    }
    return list;
}

/* Configuration model: the power-law degrees, then a uniform matching of
 * their stubs. Always undirected (a directed one would need an in-degree
 * sequence too). Loops and multi-edges are left to the CSR builder, which
 * drops and counts them. */
static wom_status generate_configuration(const wom_scenario_t *scenario, uint32_t draw,
                                         wom_graph_t **out) {
    const uint32_t nodes = (uint32_t)scenario->network.nodes;
    uint32_t *degrees = wom_memory_alloc((size_t)nodes * sizeof *degrees);
    if (degrees == NULL) {
        return WOM_ENOMEM;
    }
    uint64_t stubs = draw_degrees(scenario, draw, degrees);
    edge_list_t edges = {list_stubs(degrees, nodes, stubs), stubs / 2, stubs / 2};
    free(degrees);
    if (edges.pairs == NULL) {
        return WOM_ENOMEM;
    }
    match_stubs(edges.pairs, stubs, wom_graph_node_key(scenario, draw, 0, WOM_SITE_GRAPH_MATCH));
    wom_status status = wom_graph_build_csr(nodes, false, &edges, out);
    free(edges.pairs);
    return status;
}

/* ---------------------------------------------------------------------------
 * Which generator */

/* Ring, complete and karate: igraph's constructors, which draw nothing;
 * `what` names the igraph call for error messages. */
static igraph_error_t generate_with_igraph(const wom_scenario_t *scenario, igraph_t *out,
                                           const char **what) {
    const bool directed = scenario->network.directed;
    const igraph_integer_t n = scenario->network.nodes;
    switch (scenario->network.model) {
    case WOM_NET_RING:
        *what = "igraph_ring";
        return igraph_ring(out, n, directed, false, true);
    case WOM_NET_COMPLETE:
        *what = "igraph_full";
        return igraph_full(out, n, directed, false);
    default: /* WOM_NET_KARATE; other values are refused by check_network() in graph.c */
        *what = "igraph_famous(\"Zachary\")";
        return igraph_famous(out, "Zachary");
    }
}

/* Our own generators; the only failure is memory. */
static wom_status generate_own(const wom_scenario_t *scenario, uint32_t draw, wom_graph_t **graph) {
    switch (scenario->network.model) {
    case WOM_NET_WATTS_STROGATZ:
        return generate_watts_strogatz(scenario, draw, graph);
    case WOM_NET_BARABASI_ALBERT:
        return wom_graph_generate_barabasi_albert(scenario, draw, graph);
    case WOM_NET_CONFIGURATION:
        return generate_configuration(scenario, draw, graph);
    default: /* WOM_NET_ERDOS_RENYI, WOM_NET_SBM */
        return wom_graph_generate_pairs(scenario, draw, graph);
    }
}

/* Generators that cannot make arcs (Watts-Strogatz, configuration, karate)
 * give an undirected graph even when network.directed is set; the CSR says
 * so in `directed`. */
wom_status wom_graph_generate(const wom_scenario_t *scenario, uint32_t draw, wom_graph_t **graph,
                              wom_error_t *error) {
    int model = scenario->network.model;
    if (model != WOM_NET_RING && model != WOM_NET_COMPLETE && model != WOM_NET_KARATE) {
        wom_status status = generate_own(scenario, draw, graph);
        return status == WOM_OK
                   ? WOM_OK
                   : wom_error_set(error, status, NULL, 0, "no memory for the network's adjacency");
    }
    igraph_t source;
    const char *what;
    igraph_error_t code = generate_with_igraph(scenario, &source, &what);
    if (code != IGRAPH_SUCCESS) {
        return wom_graph_set_igraph_error(error, code, WOM_ELIBRARY, NULL, what);
    }
    bool directed = scenario->network.directed && igraph_is_directed(&source);
    return wom_graph_take_igraph(&source, directed, graph, NULL, error);
}
