/* graph_sg.c: the GAP benchmark suite's serialized CSR (`.sg`), read and
 * written, so that a network converted once loads without parsing in
 * every run and shard, and files interoperate with GAP's own tools. The
 * layout is GAP's (github.com/sbeamer/gapbs: src/reader.h
 * ReadSerializedGraph, read at its commit 575e590a, and src/writer.h
 * WriteSerializedGraph; the default build's types: SGOffset int64_t, SGID
 * and NodeID int32_t; the unweighted .sg, not .wsg), unpadded, in the
 * host's byte order as GAP writes it:
 *   bool directed (1 byte), int64 num_edges, int64 num_nodes,
 *   int64 out-offsets[num_nodes + 1], int32 out-neighbours[num_edges],
 *   and when directed: int64 in-offsets[num_nodes + 1], int32
 *   in-neighbours[num_edges].
 * num_edges counts the neighbours stored (GAP's num_edges_directed: both
 * arcs of an undirected edge), which is womsim's CSR exactly: rows sorted,
 * without self-loops or repeats, an undirected edge in both rows. A file
 * is memory-mapped (a pipe read whole) and every field checked before it
 * is trusted: sizes against the file's size, offsets monotone and in
 * range, neighbours in range, rows ascending, and the in-CSR (or, when
 * undirected, the CSR itself) the transpose of the out-CSR (by a
 * fingerprint of the arcs; check_transpose says why). The arrays are
 * copied into the graph's own: the int64 fields start at byte 17, so the
 * mapping cannot be used in place as aligned uint64 and uint32 arrays.
 * Workload: once per build or conversion, memory-bound: a copy of the
 * file, and the rows' checks and fingerprints streaming over the threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "graph_internal.h"

#define SG_HEADER_BYTES 17 /* bool directed, int64 num_edges, int64 num_nodes */
#define SG_MAX_NODES    INT32_MAX

/* The file's bytes: mapped, or (from a pipe) read whole into memory. */
typedef struct {
    const uint8_t *bytes;
    uint64_t size;
    bool mapped;
} sg_bytes_t;

static wom_status read_whole_stream(FILE *stream, const char *path, sg_bytes_t *file,
                                    wom_error_t *error) {
    uint8_t *bytes = NULL;
    size_t size = 0, capacity = 0;
    for (;;) {
        if (size == capacity) {
            capacity = capacity > 0 ? 2 * capacity : 1 << 20;
            uint8_t *grown = capacity > size ? realloc(bytes, capacity) : NULL;
            if (grown == NULL) {
                free(bytes);
                return WOM_ENOMEM;
            }
            bytes = grown;
        }
        size_t got = fread(bytes + size, 1, capacity - size, stream);
        size += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(stream)) {
        free(bytes);
        return wom_error_set(error, WOM_EIO, path, 0, "cannot read: %s", strerror(errno));
    }
    *file = (sg_bytes_t){bytes, size, false};
    return WOM_OK;
}

static wom_status open_sg(const char *path, sg_bytes_t *file, wom_error_t *error) {
    FILE *stream;
    wom_status status = wom_graph_open_file(path, WOM_FORMAT_SG, true, &stream, error);
    if (status != WOM_OK) {
        return status;
    }
    struct stat info;
    if (fstat(fileno(stream), &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
        void *map = mmap(NULL, (size_t)info.st_size, PROT_READ, MAP_PRIVATE, fileno(stream), 0);
        if (map != MAP_FAILED) {
            *file = (sg_bytes_t){map, (uint64_t)info.st_size, true};
            fclose(stream);
            return WOM_OK;
        }
    }
    status = read_whole_stream(stream, path, file, error);
    fclose(stream);
    return status;
}

static void close_sg(sg_bytes_t *file) {
    if (file->mapped) {
        munmap((void *)file->bytes, file->size);
    } else {
        free((void *)file->bytes);
    }
}

static int64_t load_int64(const uint8_t *at) {
    int64_t value;
    memcpy(&value, at, sizeof value);
    return value;
}

/* ---------------------------------------------------------------------------
 * The header */

wom_status wom_graph_read_sg_header(const uint8_t *bytes, uint64_t size, const char *path,
                                    wom_sg_header_t *header, wom_error_t *error) {
    if (size < SG_HEADER_BYTES) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "is %" PRIu64 " bytes, shorter than the %d-byte header of a GAP "
                             "serialized graph (.sg)",
                             size, SG_HEADER_BYTES);
    }
    if (bytes[0] > 1) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "the first byte (directed) is %u, not 0 or 1: not a GAP serialized "
                             "graph (.sg)",
                             bytes[0]);
    }
    int64_t arcs = load_int64(bytes + 1), nodes = load_int64(bytes + 9);
    if (nodes < 1 || nodes > SG_MAX_NODES) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "the header's node count %" PRId64 " is not between 1 and %d (GAP's "
                             "int32 node ids)",
                             nodes, SG_MAX_NODES);
    }
    const uint64_t csr_count = bytes[0] ? 2 : 1; /* out-CSR, and in-CSR when directed */
    const uint64_t index_bytes = ((uint64_t)nodes + 1) * sizeof(int64_t);
    /* arcs below 2^60 keep every product below 2^64 */
    uint64_t expected = arcs >= 0 && arcs < ((int64_t)1 << 60)
                            ? SG_HEADER_BYTES + csr_count * (index_bytes + (uint64_t)arcs * 4)
                            : 0;
    if (expected != size) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "is %" PRIu64 " bytes, but its header (%s, %" PRId64 " nodes, %" PRId64
                             " arcs) needs %" PRIu64 " (truncated, or not a GAP serialized graph)",
                             size, bytes[0] ? "directed" : "undirected", nodes, arcs, expected);
    }
    *header = (wom_sg_header_t){bytes[0] == 1, (uint32_t)nodes, (uint64_t)arcs};
    return WOM_OK;
}

/* ---------------------------------------------------------------------------
 * Checking and copying a CSR */

/* Copies the offsets at `at` into `offsets` after checking they start at 0,
 * never fall and end at `arcs`. `which`: "out" or "in". */
static wom_status take_offsets(const uint8_t *at, const wom_sg_header_t *header, const char *which,
                               uint64_t *offsets, const char *path, wom_error_t *error) {
    memcpy(offsets, at, ((size_t)header->nodes + 1) * sizeof *offsets);
    if (offsets[0] != 0) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "the %s-offsets start at %" PRId64 ", not 0", which,
                             (int64_t)offsets[0]);
    }
    for (uint32_t v = 0; v < header->nodes; v++) {
        if (offsets[v + 1] < offsets[v] || offsets[v + 1] > header->arcs) {
            return wom_error_set(
                error, WOM_EDATA, path, 0,
                "the %s-offset of node %" PRIu32 " is %" PRId64 ", outside %" PRIu64 "..%" PRIu64
                " (the offsets must rise to the %" PRIu64 " arcs)",
                which, v + 1, (int64_t)offsets[v + 1], offsets[v], header->arcs, header->arcs);
        }
    }
    if (offsets[header->nodes] != header->arcs) {
        return wom_error_set(error, WOM_EDATA, path, 0,
                             "the %s-offsets end at %" PRIu64 ", not at the header's %" PRIu64
                             " arcs",
                             which, offsets[header->nodes], header->arcs);
    }
    return WOM_OK;
}

/* Whether row v (targets[begin..end)) holds node ids only, ascending
 * strictly, without v (GAP's builder sorts rows and drops repeats and
 * self-loops, as womsim's does). An int32 below 0 read as a uint32 is
 * 2^31 or more, beyond every node. */
static bool row_is_sound(const uint32_t *targets, uint64_t begin, uint64_t end, uint32_t v,
                         uint32_t nodes) {
    for (uint64_t i = begin; i < end; i++) {
        if (targets[i] >= nodes || targets[i] == v || (i > begin && targets[i] <= targets[i - 1])) {
            return false;
        }
    }
    return true;
}

/* The first unsound row's error, found walking the rows in order. */
static wom_status name_unsound_row(const wom_sg_header_t *header, const char *which,
                                   const uint64_t *offsets, const uint32_t *targets,
                                   const char *path, wom_error_t *error) {
    for (uint32_t v = 0; v < header->nodes; v++) {
        for (uint64_t i = offsets[v]; i < offsets[v + 1]; i++) {
            if (targets[i] >= header->nodes) {
                return wom_error_set(error, WOM_EDATA, path, 0,
                                     "%s-neighbour %" PRIu64 " (of node %" PRIu32 ") is %" PRId32
                                     ", not a node id from 0 to %" PRIu32,
                                     which, i, v, (int32_t)targets[i], header->nodes - 1);
            }
            if (targets[i] == v || (i > offsets[v] && targets[i] <= targets[i - 1])) {
                return wom_error_set(error, WOM_EDATA, path, 0,
                                     "node %" PRIu32 "'s %s-neighbours are not in ascending order "
                                     "without repeats or self-loops (at %s-neighbour %" PRIu64 ")",
                                     v, which, which, i);
            }
        }
    }
    return WOM_OK;
}

/* Copies the neighbours at `at` into `targets` (int32 and uint32 share
 * their bytes) and checks every row over the threads; a bad file is
 * walked again in order to name its first bad neighbour. */
static wom_status take_targets(const uint8_t *at, const wom_sg_header_t *header, const char *which,
                               const uint64_t *offsets, uint32_t *targets, const char *path,
                               wom_error_t *error) {
    memcpy(targets, at, header->arcs * sizeof *targets);
    int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad)
    for (int64_t v = 0; v < (int64_t)header->nodes; v++) {
        bad |= !row_is_sound(targets, offsets[v], offsets[v + 1], (uint32_t)v, header->nodes);
    }
    return bad ? name_unsound_row(header, which, offsets, targets, path, error) : WOM_OK;
}

/* SplitMix64's finalizer (Steele, Lea & Flood 2014): a 64-bit key mixed
 * into 64 random-looking bits. */
static uint64_t mix(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* The sum and the exclusive or, over the rows' arcs, of the mix of each
 * arc's key (row node, target), or (target, row node) when `reverse`: a
 * fingerprint of the set of arcs, the same for any order of summing
 * (integers wrap alike). */
static void fingerprint(uint32_t nodes, const uint64_t *offsets, const uint32_t *targets,
                        bool reverse, uint64_t sums[2]) {
    uint64_t sum = 0, exclusive = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum) reduction(^ : exclusive)
    for (int64_t v = 0; v < (int64_t)nodes; v++) {
        for (uint64_t i = offsets[v]; i < offsets[v + 1]; i++) {
            uint64_t row = (uint64_t)v, target = targets[i];
            uint64_t hash = mix(reverse ? target << 32 | row : row << 32 | target);
            sum += hash;
            exclusive ^= hash;
        }
    }
    sums[0] = sum;
    sums[1] = exclusive;
}

/* The exact check that the rows (in_offsets, in_targets) are the
 * transpose of the graph's rows, and the missing arc's error: walking the
 * arcs u -> v in order of u, each must be the next entry of row v. Every
 * step stays in its row and the totals agree, so every entry is met
 * exactly once. */
static wom_status name_missing_arc(const wom_graph_t *graph, const uint64_t *in_offsets,
                                   const uint32_t *in_targets, const char *path,
                                   wom_error_t *error) {
    uint64_t *cursor = malloc(((size_t)graph->nodes + 1) * sizeof *cursor);
    if (cursor == NULL) {
        return WOM_ENOMEM;
    }
    memcpy(cursor, in_offsets, ((size_t)graph->nodes + 1) * sizeof *cursor);
    wom_status status = WOM_OK;
    for (uint32_t u = 0; u < graph->nodes && status == WOM_OK; u++) {
        for (uint64_t i = graph->offsets[u]; i < graph->offsets[u + 1]; i++) {
            uint32_t v = graph->targets[i];
            if (cursor[v] == in_offsets[v + 1] || in_targets[cursor[v]] != u) {
                status = wom_error_set(
                    error, WOM_EDATA, path, 0,
                    graph->directed ? "the arc %" PRIu32 " -> %" PRIu32
                                      " is missing from the in-neighbours of node %" PRIu32
                                    : "the arc %" PRIu32 " -> %" PRIu32
                                      " has no reverse (an undirected graph holds both arcs; node "
                                      "%" PRIu32 ")",
                    u, v, v);
                break;
            }
            cursor[v]++;
        }
    }
    free(cursor);
    return status;
}

/* Whether the rows (in_offsets, in_targets) are the transpose of the
 * graph's rows (for an undirected graph, its own rows: both arcs of every
 * edge). Compared by fingerprint, streaming over the threads: the exact
 * walk, whose random accesses cost several times the rest of the read,
 * runs only when the fingerprints differ, to name the missing arc. Rows
 * without repeats are sets, so equal sets give equal fingerprints always;
 * unequal ones give equal fingerprints only when both the 64-bit sum and
 * the 64-bit exclusive or of their mixed keys collide (for a file not made
 * to collide, far rarer than a disk's undetected error). */
static wom_status check_transpose(const wom_graph_t *graph, const uint64_t *in_offsets,
                                  const uint32_t *in_targets, const char *path,
                                  wom_error_t *error) {
    uint64_t out[2], in[2];
    fingerprint(graph->nodes, graph->offsets, graph->targets, false, out);
    fingerprint(graph->nodes, in_offsets, in_targets, true, in);
    if (out[0] == in[0] && out[1] == in[1]) {
        return WOM_OK;
    }
    return name_missing_arc(graph, in_offsets, in_targets, path, error);
}

/* A graph of `nodes` rows (offsets 0) and room for `arcs` targets; NULL
 * when memory is short. */
static wom_graph_t *alloc_rows(uint32_t nodes, uint64_t arcs, bool directed) {
    wom_graph_t *graph = wom_graph_alloc(nodes, directed);
    if (graph == NULL) {
        return NULL;
    }
    graph->arcs = arcs;
    if (!wom_graph_alloc_targets(graph)) {
        wom_graph_free(graph);
        return NULL;
    }
    return graph;
}

/* The bytes of one CSR of the file: its offsets, then its neighbours. */
static uint64_t rows_bytes(const wom_sg_header_t *header) {
    return ((uint64_t)header->nodes + 1) * sizeof(int64_t) + header->arcs * sizeof(int32_t);
}

/* The CSR at `at` (offsets, then neighbours) into `rows`, checked. */
static wom_status take_rows(const uint8_t *at, const wom_sg_header_t *header, const char *which,
                            wom_graph_t *rows, const char *path, wom_error_t *error) {
    wom_status status = take_offsets(at, header, which, rows->offsets, path, error);
    if (status != WOM_OK) {
        return status;
    }
    return take_targets(at + ((size_t)header->nodes + 1) * sizeof(int64_t), header, which,
                        rows->offsets, rows->targets, path, error);
}

/* A directed file's in-rows at `at`, checked as rows and as the transpose
 * of the graph's out-rows, then let go: womsim keeps out-rows only. */
static wom_status check_in_rows(const uint8_t *at, const wom_sg_header_t *header,
                                const wom_graph_t *graph, const char *path, wom_error_t *error) {
    wom_graph_t *in = alloc_rows(header->nodes, header->arcs, true);
    if (in == NULL) {
        return WOM_ENOMEM;
    }
    wom_status status = take_rows(at, header, "in", in, path, error);
    if (status == WOM_OK) {
        status = check_transpose(graph, in->offsets, in->targets, path, error);
    }
    wom_graph_free(in);
    return status;
}

/* The graph of the file's bytes, every field checked. */
static wom_status take_csr(const sg_bytes_t *file, const wom_sg_header_t *header, const char *path,
                           wom_graph_t **out, wom_error_t *error) {
    const uint8_t *at = file->bytes + SG_HEADER_BYTES;
    wom_graph_t *graph = alloc_rows(header->nodes, header->arcs, header->directed);
    if (graph == NULL) {
        return WOM_ENOMEM;
    }
    wom_status status = take_rows(at, header, "out", graph, path, error);
    if (status == WOM_OK) {
        status = header->directed
                     ? check_in_rows(at + rows_bytes(header), header, graph, path, error)
                     : check_transpose(graph, graph->offsets, graph->targets, path, error);
    }
    if (status != WOM_OK) {
        wom_graph_free(graph);
        return status;
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        uint32_t degree = wom_graph_degree(graph, v);
        graph->max_degree = degree > graph->max_degree ? degree : graph->max_degree;
    }
    *out = graph;
    return WOM_OK;
}

wom_status wom_graph_read_sg(const char *path, bool directed, wom_graph_t **graph,
                             wom_error_t *error) {
    *graph = NULL;
    sg_bytes_t file = {0};
    wom_status status = open_sg(path, &file, error);
    if (status != WOM_OK) {
        return status;
    }
    wom_sg_header_t header;
    status = wom_graph_read_sg_header(file.bytes, file.size, path, &header, error);
    if (status == WOM_OK && header.directed != directed) {
        status = wom_error_set(
            error, WOM_EDATA, path, 0, "holds a%s graph, but the network is%s directed (%s)",
            header.directed ? " directed" : "n undirected", directed ? "" : " not",
            header.directed ? "set network.directed = true, or --directed"
                            : "set network.directed = false, or drop --directed");
    }
    if (status == WOM_OK) {
        status = take_csr(&file, &header, path, graph, error);
    }
    close_sg(&file);
    return status;
}

/* ---------------------------------------------------------------------------
 * Writing */

/* The in-CSR of a directed graph (its transpose), rows ascending: arcs
 * placed in order of their source. */
static wom_graph_t *transpose(const wom_graph_t *graph) {
    wom_graph_t *in = alloc_rows(graph->nodes, graph->arcs, true);
    if (in == NULL) {
        return NULL;
    }
    for (uint64_t i = 0; i < graph->arcs; i++) {
        in->offsets[graph->targets[i] + 1]++;
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        in->offsets[v + 1] += in->offsets[v];
    }
    for (uint32_t u = 0; u < graph->nodes; u++) { /* offsets[v] as row v's cursor */
        for (uint64_t i = graph->offsets[u]; i < graph->offsets[u + 1]; i++) {
            in->targets[in->offsets[graph->targets[i]]++] = u;
        }
    }
    memmove(in->offsets + 1, in->offsets, (size_t)graph->nodes * sizeof *in->offsets);
    in->offsets[0] = 0;
    return in;
}

/* Offsets below 2^63 and node ids below 2^31 have the same bytes as GAP's
 * int64 and int32, so the arrays are written as they are. */
static bool write_csr(const wom_graph_t *csr, FILE *stream) {
    size_t offsets = (size_t)csr->nodes + 1;
    return fwrite(csr->offsets, sizeof *csr->offsets, offsets, stream) == offsets &&
           fwrite(csr->targets, sizeof *csr->targets, csr->arcs, stream) == csr->arcs;
}

wom_status wom_graph_write_sg(const wom_graph_t *graph, FILE *stream) {
    if (graph->nodes > SG_MAX_NODES) {
        return WOM_EINVAL;
    }
    const uint8_t directed = graph->directed ? 1 : 0;
    const int64_t arcs = (int64_t)graph->arcs, nodes = (int64_t)graph->nodes;
    bool written = fwrite(&directed, 1, 1, stream) == 1 &&
                   fwrite(&arcs, sizeof arcs, 1, stream) == 1 &&
                   fwrite(&nodes, sizeof nodes, 1, stream) == 1 && write_csr(graph, stream);
    if (written && graph->directed) {
        wom_graph_t *in = transpose(graph);
        if (in == NULL) {
            return WOM_ENOMEM;
        }
        written = write_csr(in, stream);
        wom_graph_free(in);
    }
    return written ? WOM_OK : WOM_EIO;
}
