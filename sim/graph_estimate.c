/* graph_estimate.c: the memory a network will take to build
 * (wom_graph_estimate_bytes), estimated before anything is allocated, so
 * that wom_graph_build refuses a network over --max-mem at once rather
 * than running out of memory halfway: from the model's expected number of
 * edges, or from a file before it is read: a SNAP file's data lines (one
 * pass counting them), a GraphML or GML file's size, a .sg file's header
 * (exact), a Matrix Market file's size line; the nodes' names the graph
 * keeps from a file included.
 * Workload: once per build, a few dozen operations; a SNAP file costs one
 * pass of memchr over it (measured: 19 ms for a 2-million-edge file of
 * 26 MiB, which womsim graph takes 3.3 s to read and describe).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/graph.h"

#include <igraph.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "graph_internal.h"

/* Peak bytes while a graph is built: the builder's edge array is alive
 * throughout, with first igraph's copy (igraph's generators, GraphML/GML)
 * or the SNAP id map, then the CSR. Erdos-Renyi and SBM need the CSR
 * alone. So peak = edge array + max(before, CSR). Arcs are counted as two
 * per edge, which is exact for undirected graphs and a bound for directed
 * ones. */

#define PAIR_BYTES             8.0  /* builder edge array: two uint32 per edge */
#define IGRAPH_FILE_EDGE_BYTES 24.0 /* GraphML and GML: the fewest bytes of an edge */
#define CSR_ARC_BYTES          4.0  /* one uint32 target */
#define CSR_NODE_BYTES         9.0  /* one uint64 offset and (SBM) one uint8 segment */
#define IGRAPH_EDGE_BYTES                                                                          \
    48.0                       /* igraph_t: from, to, two sorted indices, int64 each (32 B),       \
                                  plus the int64 edge vector generators build first (16 B) */
#define IGRAPH_NODE_BYTES 32.0 /* igraph_t: two int64 index starts, plus per-node vectors */
#define ID_MAP_NODE_BYTES 48.0 /* SNAP id map: 12 B a slot, up to 4 slots a node */
#define NODE_ID_BYTES     8.0  /* SNAP: the node's id in the file, kept by the graph */
#define IGRAPH_NAME_BYTES                                                                          \
    40.0                    /* GraphML, GML: igraph's id attribute, a pointer and a block a node */
#define NAME_NODE_BYTES 8.0 /* GraphML, GML: where the node's id starts, kept by the graph */
#define BLOCK_BYTES     65536 /* SNAP: bytes read at a time to count the data lines */
#define SG_HEADER_BYTES 17    /* .sg: bool directed, int64 arcs, int64 nodes */

static double csr_bytes(double edges, double nodes) {
    return 2.0 * edges * CSR_ARC_BYTES + (nodes + 1.0) * CSR_NODE_BYTES;
}

static double peak_bytes(double edges, double nodes, double before) {
    double csr = csr_bytes(edges, nodes);
    return edges * PAIR_BYTES + (before > csr ? before : csr);
}

static double igraph_bytes(double edges, double nodes) {
    return edges * IGRAPH_EDGE_BYTES + nodes * IGRAPH_NODE_BYTES;
}

/* The edges of a model of independent pairs (graph_pairs.c) with `mean`
 * expected: a sum of independent Bernoulli trials has a variance below its
 * mean, so 6 standard deviations over the mean bound it but once in some
 * 10^9 graphs. */
static double pairs_edges_bound(double mean) {
    return mean + 6 * sqrt(mean) + 1;
}

/* The integral of x^(power - 1) from `low` to `high`. */
static double power_integral(double low, double high, double power) {
    return fabs(power) < 1e-9 ? log(high / low) : (pow(high, power) - pow(low, power)) / power;
}

/* The edges of a configuration model, stubs over 2: a node's degree is at
 * most min(X, n - 1) for X Pareto(a = exponent - 1, min_degree m), whose
 * moments are m + m^a (integral of x^-a from m to n - 1) and m^2 + 2 m^a
 * (integral of x^(1-a)); the stubs are bounded by the n nodes' mean and 6
 * standard deviations over it (once in 36 graphs at worst, by Chebyshev;
 * far more rarely for the sums of many nodes), and the one stub an odd
 * total gets. */
static double configuration_edges_bound(const wom_scenario_t *scenario, double nodes) {
    const double a = scenario->network.exponent - 1, m = (double)scenario->network.min_degree;
    const double cap = nodes - 1 > m ? nodes - 1 : m;
    double mean = m + pow(m, a) * power_integral(m, cap, 1 - a);
    double square = m * m + 2 * pow(m, a) * power_integral(m, cap, 2 - a);
    return (nodes * mean + 6 * sqrt(nodes * square) + 1) / 2;
}

/* The expected number of edges the scenario's generator makes (for a
 * configuration model, a bound). */
static double expected_edges(const wom_scenario_t *scenario, double nodes) {
    const bool directed = scenario->network.directed;
    const double pairs = directed ? nodes * (nodes - 1) : nodes * (nodes - 1) / 2;
    switch (scenario->network.model) {
    case WOM_NET_ERDOS_RENYI:
        return pairs * wom_graph_compute_er_probability(scenario);
    case WOM_NET_WATTS_STROGATZ: /* k = round(mean_degree / 2) a node, before duplicates */
        return nodes * (double)llround(scenario->network.mean_degree / 2);
    case WOM_NET_BARABASI_ALBERT:
        return nodes * (double)scenario->network.m;
    case WOM_NET_SBM: {
        double within = 0.0;
        for (int i = 0; i < scenario->network.block_count; i++) {
            double b = scenario->network.blocks[i];
            within += directed ? b * (b - 1) : b * (b - 1) / 2;
        }
        return within * scenario->network.p_in + (pairs - within) * scenario->network.p_out;
    }
    case WOM_NET_CONFIGURATION:
        return configuration_edges_bound(scenario, nodes);
    case WOM_NET_RING:
        return nodes;
    case WOM_NET_COMPLETE:
        return pairs;
    default:
        return 78; /* karate */
    }
}

/* The data lines of a SNAP file: lines whose first byte after spaces and
 * tabs is neither an end of line nor '#' (what the reader takes for an edge
 * or refuses), counted in 64 KiB blocks with memchr. The count bounds the
 * edges whatever the comments: a sample of the first bytes, which this
 * replaces, took a long leading comment for long lines everywhere and
 * estimated a 2-million-edge file at a few hundred edges. */
static bool count_data_lines(FILE *stream, double *lines) {
    char *block = malloc(BLOCK_BYTES);
    if (block == NULL) {
        return false;
    }
    *lines = 0;
    bool at_start = true; /* no byte of the line but spaces and tabs seen yet */
    for (size_t got; (got = fread(block, 1, BLOCK_BYTES, stream)) > 0;) {
        const char *p = block, *end = block + got;
        while (p < end) {
            if (!at_start) {
                p = memchr(p, '\n', (size_t)(end - p));
                if (p == NULL) {
                    break;
                }
                p++;
                at_start = true;
                continue;
            }
            while (p < end && (*p == ' ' || *p == '\t')) {
                p++;
            }
            if (p < end) {
                *lines += *p != '\n' && *p != '#';
                at_start = *p == '\n';
                p++;
            }
        }
    }
    bool read = !ferror(stream);
    free(block);
    return read;
}

/* A SNAP file: at most one edge a data line, and at most one new node per
 * edge (true for any graph whose mean degree is 2 or more); the nodes' ids,
 * made from the id map, are held with it and then with the CSR. */
static double snap_file_bytes(const char *path, double *edges) {
    struct stat info; /* a pipe's bytes would be lost to the reader: count files only */
    FILE *stream = stat(path, &info) == 0 && S_ISREG(info.st_mode) ? fopen(path, "r") : NULL;
    if (stream == NULL) {
        return 0;
    }
    bool counted = count_data_lines(stream, edges);
    fclose(stream);
    if (!counted) {
        return 0; /* the reader reports the read error */
    }
    return peak_bytes(*edges, *edges, *edges * ID_MAP_NODE_BYTES) + *edges * PAIR_BYTES / 2 +
           *edges * NODE_ID_BYTES;
}

/* GraphML and GML: an edge takes at least 24 bytes of text ("edge [ source 1
 * target 2 ]", "<edge source="1" target="2"/>") and a node at least 12; both
 * bounds are used at once, which errs high. igraph's GML reader also holds
 * its whole parse tree, taken as four times the file size, and igraph its
 * nodes' ids; the graph keeps a copy of the ids (no longer than the file)
 * from then on. */
static double igraph_file_bytes(double size, double *edges) {
    *edges = size / IGRAPH_FILE_EDGE_BYTES;
    double nodes = size / 12;
    double names = size + nodes * NAME_NODE_BYTES;
    return peak_bytes(*edges, nodes,
                      igraph_bytes(*edges, nodes) + 4 * size + nodes * IGRAPH_NAME_BYTES + size) +
           names;
}

/* A .sg file, exactly from its header: the CSR, and while it is checked a
 * cursor per node and, when directed, the in-CSR. 0 when the header is
 * wrong (the reader reports it). */
static double sg_file_bytes(const char *path, double size, double *edges) {
    FILE *stream = fopen(path, "rb");
    if (stream == NULL) {
        return 0;
    }
    uint8_t bytes[SG_HEADER_BYTES];
    size_t got = fread(bytes, 1, sizeof bytes, stream);
    fclose(stream);
    wom_sg_header_t header;
    wom_error_t ignored;
    if (wom_graph_read_sg_header(bytes, got < sizeof bytes ? got : (uint64_t)size, path, &header,
                                 &ignored) != WOM_OK) {
        return 0;
    }
    *edges = (double)header.arcs;
    double csr = (double)header.arcs * CSR_ARC_BYTES + (header.nodes + 1.0) * 8;
    return (header.directed ? 2 : 1) * csr + (header.nodes + 1.0) * 8;
}

/* A Matrix Market file, from its size line: the edge array (two arcs an
 * entry if symmetric, as when read directed), then the CSR. 0 when the
 * header is wrong (the reader reports it). */
static double mtx_file_bytes(const char *path, double *edges) {
    FILE *stream = fopen(path, "r");
    if (stream == NULL) {
        return 0;
    }
    wom_mtx_header_t header;
    wom_error_t ignored;
    wom_status status = wom_graph_read_mtx_header(stream, path, &header, &ignored);
    fclose(stream);
    if (status != WOM_OK) {
        return 0;
    }
    *edges = (double)header.entries;
    return peak_bytes(*edges, header.nodes, 0) + (header.symmetric ? *edges * PAIR_BYTES : 0);
}

double wom_graph_estimate_file(const char *path, int format, double *edges) {
    struct stat info;
    *edges = 0;
    if (stat(path, &info) != 0) {
        return 0; /* wom_graph_build reports the missing file */
    }
    switch (format) {
    case WOM_FORMAT_SNAP:
        return snap_file_bytes(path, edges);
    case WOM_FORMAT_SG: /* a pipe's bytes would be lost to the reader: files only */
        return S_ISREG(info.st_mode) ? sg_file_bytes(path, (double)info.st_size, edges) : 0;
    case WOM_FORMAT_MTX:
        return S_ISREG(info.st_mode) ? mtx_file_bytes(path, edges) : 0;
    default:
        return igraph_file_bytes((double)info.st_size, edges);
    }
}

uint64_t wom_graph_estimate_bytes(const wom_scenario_t *scenario) {
    double bytes;
    if (scenario->network.model == WOM_NET_FILE) {
        double edges;
        bytes = wom_graph_estimate_file(scenario->network.file, scenario->network.format, &edges);
    } else {
        double nodes = scenario->network.model == WOM_NET_KARATE ? 34
                       : scenario->network.model == WOM_NET_SBM
                           ? (double)wom_graph_count_sbm_nodes(scenario)
                           : (double)scenario->network.nodes;
        double edges = expected_edges(scenario, nodes);
        switch (scenario->network.model) {
        case WOM_NET_ERDOS_RENYI:
        case WOM_NET_SBM: /* the CSR and, undirected, two counts per node */
            bytes = csr_bytes(pairs_edges_bound(edges), nodes) +
                    (scenario->network.directed ? 0 : 8.0 * nodes);
            break;
        case WOM_NET_BARABASI_ALBERT: /* the edge array, the CSR, one mark a node */
            bytes = peak_bytes(edges, nodes, 0) + nodes;
            break;
        case WOM_NET_WATTS_STROGATZ: /* the edge array, then the CSR */
            bytes = peak_bytes(edges, nodes, 0);
            break;
        case WOM_NET_CONFIGURATION: /* the stubs (the edge array) with first the
                                       degrees (4 bytes a node), then the CSR */
            bytes = peak_bytes(edges, nodes, 4 * nodes);
            break;
        default:
            bytes = peak_bytes(edges, nodes, igraph_bytes(edges, nodes));
        }
    }
    if (!(bytes > 0)) {
        return 0;
    }
    return bytes >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)bytes;
}
