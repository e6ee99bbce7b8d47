/* graph_snap.c: SNAP edge lists, read and written. The reader takes the
 * input in large blocks (16 MiB by default), splits each at line ends into
 * a piece per thread, scans the pieces in parallel (graph_snap_scan.c:
 * raw 64-bit ids, or a piece's first bad line), then, in file order, maps
 * the ids to 0..n-1 in order of first appearance and appends the edges:
 * so the edges, the numbering and the first error (with its line) are the
 * same for any number of threads or block size. The map is a plain array
 * indexed by id while ids are dense enough (at most 8 slots per node seen,
 * or below 2^20), else a hash map of its own. The edge array goes to the
 * CSR builder (wom_graph_build_csr), the reader's only tie to the rest of
 * the graph module, and the map, turned inside out, to the graph as its
 * nodes' ids in the file (8 bytes a node). The writer writes those ids back
 * (or numbers and a list of names, for names that are not integers).
 * Workload: once at set-up, files of up to some 1e9 lines: the scan runs
 * over the threads at hundreds of MB/s each; the map and the CSR build run
 * on one thread. The writer prints a line an edge.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/graph.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "graph_internal.h"
#include "womsim/file.h"

/* ---------------------------------------------------------------------------
 * The id maps */

/* SNAP node id -> dense index. Open addressing with linear probing, written
 * here because neither GSL nor igraph offers an integer-keyed hash map. The
 * capacity is a power of two and the table at most half full, so probes
 * stay short. */
typedef struct {
    uint64_t *keys;
    uint32_t *values;  /* dense index, or ID_EMPTY for a free slot */
    uint64_t capacity; /* slots, a power of two */
    uint64_t count;    /* ids held, <= UINT32_MAX (indices 0 .. UINT32_MAX - 1) */
} id_map_t;

#define ID_EMPTY UINT32_MAX

/* splitmix64's finaliser: SNAP ids are often sequential, so mix all bits. */
static uint64_t id_hash(uint64_t key) {
    key ^= key >> 30;
    key *= UINT64_C(0xbf58476d1ce4e5b9);
    key ^= key >> 27;
    key *= UINT64_C(0x94d049bb133111eb);
    return key ^ (key >> 31);
}

static void id_map_free(id_map_t *map) {
    free(map->keys);
    free(map->values);
    map->keys = NULL;
    map->values = NULL;
}

/* An empty map of `capacity` slots (a power of two); false when memory is short. */
static bool id_map_alloc(id_map_t *map, uint64_t capacity) {
    *map = (id_map_t){malloc(capacity * sizeof(uint64_t)), malloc(capacity * sizeof(uint32_t)),
                      capacity, 0};
    if (map->keys == NULL || map->values == NULL) {
        id_map_free(map);
        return false;
    }
    memset(map->values, 0xff, capacity * sizeof(uint32_t));
    return true;
}

static void id_map_place(id_map_t *map, uint64_t key, uint32_t value) {
    uint64_t slot = id_hash(key) & (map->capacity - 1);
    while (map->values[slot] != ID_EMPTY) {
        slot = (slot + 1) & (map->capacity - 1);
    }
    map->keys[slot] = key;
    map->values[slot] = value;
}

static wom_status id_map_grow(id_map_t *map) {
    id_map_t bigger;
    if (!id_map_alloc(&bigger, 2 * map->capacity)) {
        return WOM_ENOMEM;
    }
    bigger.count = map->count;
    for (uint64_t slot = 0; slot < map->capacity; slot++) {
        if (map->values[slot] != ID_EMPTY) {
            id_map_place(&bigger, map->keys[slot], map->values[slot]);
        }
    }
    id_map_free(map);
    *map = bigger;
    return WOM_OK;
}

/* The index of `key`, adding it as the next index if new. WOM_EDATA when a
 * new id would not fit in uint32. */
static wom_status id_map_index(id_map_t *map, uint64_t key, uint32_t *index) {
    uint64_t slot = id_hash(key) & (map->capacity - 1);
    for (; map->values[slot] != ID_EMPTY; slot = (slot + 1) & (map->capacity - 1)) {
        if (map->keys[slot] == key) {
            *index = map->values[slot];
            return WOM_OK;
        }
    }
    if (map->count == UINT32_MAX) {
        return WOM_EDATA;
    }
    if (2 * (map->count + 1) > map->capacity) {
        wom_status status = id_map_grow(map);
        if (status != WOM_OK) {
            return status;
        }
    }
    *index = (uint32_t)map->count++;
    id_map_place(map, key, *index);
    return WOM_OK;
}

/* Every id seen so far and its index: an array indexed by id while the ids
 * are small (its 4 bytes a slot cost at most 32 a node, no more than the
 * hash map's slots), the hash map from the first id too large for it on. */
typedef struct {
    uint32_t *dense;     /* dense[id]: its index, or ID_EMPTY */
    uint64_t dense_size; /* slots of `dense`; 0 once the hash map is in use */
    uint64_t count;      /* ids in `dense` */
    id_map_t hash;       /* keys NULL until in use */
} node_ids_t;

/* Ids below this always fit the array (4 MiB). */
#define DENSE_ALWAYS (UINT64_C(1) << 20)

static void node_ids_free(node_ids_t *ids) {
    free(ids->dense);
    ids->dense = NULL;
    ids->dense_size = 0;
    id_map_free(&ids->hash);
}

static uint64_t node_ids_count(const node_ids_t *ids) {
    return ids->hash.keys != NULL ? ids->hash.count : ids->count;
}

/* The array made large enough for `id`: doubled, but never past 8 slots
 * a node (or DENSE_ALWAYS) beyond what `id` needs, so that it stays within
 * the 32 bytes a node the memory estimate counts; false when memory is
 * short. */
static bool dense_grow(node_ids_t *ids, uint64_t id) {
    uint64_t size = ids->dense_size ? 2 * ids->dense_size : 1024;
    uint64_t most = 8 * (ids->count + 1) > DENSE_ALWAYS ? 8 * (ids->count + 1) : DENSE_ALWAYS;
    size = size < most ? size : most;
    size = size > id ? size : id + 1;
    uint32_t *dense = realloc(ids->dense, size * sizeof *dense);
    if (dense == NULL) {
        return false;
    }
    memset(dense + ids->dense_size, 0xff, (size - ids->dense_size) * sizeof *dense);
    ids->dense = dense;
    ids->dense_size = size;
    return true;
}

/* From the array to the hash map, every index kept. */
static bool dense_to_hash(node_ids_t *ids) {
    uint64_t capacity = 1024;
    while (capacity < 2 * (ids->count + 1)) {
        capacity *= 2;
    }
    if (!id_map_alloc(&ids->hash, capacity)) {
        return false;
    }
    for (uint64_t id = 0; id < ids->dense_size; id++) {
        if (ids->dense[id] != ID_EMPTY) {
            id_map_place(&ids->hash, id, ids->dense[id]);
        }
    }
    ids->hash.count = ids->count;
    free(ids->dense);
    ids->dense = NULL;
    ids->dense_size = 0;
    return true;
}

static wom_status node_index_beyond(node_ids_t *ids, uint64_t id, uint32_t *index);

/* The index of `id`, adding it as the next index if new: WOM_EDATA when a
 * new id would not fit in uint32, WOM_ENOMEM when memory is short. */
static inline wom_status node_index(node_ids_t *ids, uint64_t id, uint32_t *index) {
    if (id >= ids->dense_size) {
        return node_index_beyond(ids, id, index);
    }
    uint32_t known = ids->dense[id];
    if (known != ID_EMPTY) {
        *index = known;
        return WOM_OK;
    }
    if (ids->count == UINT32_MAX) {
        return WOM_EDATA;
    }
    *index = ids->dense[id] = (uint32_t)ids->count++;
    return WOM_OK;
}

/* An id beyond the array: the array grown to it if the ids stay dense
 * enough, else the hash map. */
static wom_status node_index_beyond(node_ids_t *ids, uint64_t id, uint32_t *index) {
    if (ids->hash.keys == NULL && (id < DENSE_ALWAYS || id / 8 <= ids->count)) {
        return dense_grow(ids, id) ? node_index(ids, id, index) : WOM_ENOMEM;
    }
    if (ids->hash.keys == NULL && !dense_to_hash(ids)) {
        return WOM_ENOMEM;
    }
    return id_map_index(&ids->hash, id, index);
}

/* The ids in order of their indices (ids[i] is index i's id): the map
 * turned inside out, so that the graph keeps its nodes' ids at 8 bytes a
 * node; NULL when memory is short. */
static uint64_t *node_ids_invert(const node_ids_t *ids) {
    uint64_t *original =
        malloc((node_ids_count(ids) > 0 ? node_ids_count(ids) : 1) * sizeof *original);
    if (original == NULL) {
        return NULL;
    }
    for (uint64_t id = 0; id < ids->dense_size; id++) {
        if (ids->dense[id] != ID_EMPTY) {
            original[ids->dense[id]] = id;
        }
    }
    for (uint64_t slot = 0; ids->hash.keys != NULL && slot < ids->hash.capacity; slot++) {
        if (ids->hash.values[slot] != ID_EMPTY) {
            original[ids->hash.values[slot]] = ids->hash.keys[slot];
        }
    }
    return original;
}

/* ---------------------------------------------------------------------------
 * The SNAP reader */

/* Everything the reader holds while it reads. */
typedef struct {
    const char *name;
    int parts;
    wom_snap_piece_t *pieces; /* `parts` of them */
    size_t *starts;           /* piece i is text[starts[i], starts[i + 1]) */
    bool started;             /* a block was scanned */
    long lines;               /* lines of the pieces mapped so far */
    node_ids_t ids;
    edge_list_t edges;
} snap_reader_t;

/* Room for `more` edges beyond those held, growing by half, so that the
 * array ends within the 12 bytes an edge the memory estimate counts;
 * false when memory is short. */
static bool edges_reserve(edge_list_t *edges, uint64_t more) {
    uint64_t capacity = edges->capacity ? edges->capacity : 1024;
    while (capacity < edges->count + more) {
        capacity += capacity / 2;
    }
    if (capacity == edges->capacity) {
        return true;
    }
    uint32_t *pairs = realloc(edges->pairs, capacity * 2 * sizeof *pairs);
    if (pairs == NULL) {
        return false;
    }
    edges->pairs = pairs;
    edges->capacity = capacity;
    return true;
}

/* Appends the edges of `piece` (room for them reserved) with their ids
 * mapped. On failure, *failed is the piece's edge that failed. */
static wom_status append_piece(snap_reader_t *reader, const wom_snap_piece_t *piece,
                               uint64_t *failed) {
    uint32_t *pairs = reader->edges.pairs + 2 * reader->edges.count;
    for (uint64_t i = 0; i < 2 * piece->edges; i++) {
        wom_status status = node_index(&reader->ids, piece->ids[i], &pairs[i]);
        if (status != WOM_OK) {
            *failed = i / 2;
            return status;
        }
    }
    reader->edges.count += piece->edges;
    return WOM_OK;
}

/* The error `what` of edge `failed` of piece `p`, at its line: the piece
 * scanned again up to that edge to count its lines. */
static wom_status append_error(snap_reader_t *reader, int p, const char *text, wom_status status,
                               uint64_t failed, const char *what, wom_error_t *error) {
    wom_snap_piece_t *piece = &reader->pieces[p];
    piece->stop_after = failed + 1;
    wom_graph_scan_snap(piece, text + reader->starts[p], reader->starts[p + 1] - reader->starts[p]);
    return wom_error_set(error, status, reader->name, reader->lines + piece->lines, "%s", what);
}

/* Appends the edges of piece `p`; its bad line, if any, ends the reading. */
static wom_status append_or_stop(snap_reader_t *reader, int p, const char *text,
                                 wom_error_t *error) {
    wom_snap_piece_t *piece = &reader->pieces[p];
    if (!edges_reserve(&reader->edges, piece->edges)) {
        return append_error(reader, p, text, WOM_ENOMEM, 0, "no memory for the edges", error);
    }
    uint64_t failed = 0;
    wom_status status = append_piece(reader, piece, &failed);
    if (status == WOM_EDATA) {
        char what[64];
        snprintf(what, sizeof what, "more than %" PRIu32 " distinct node ids", UINT32_MAX);
        return append_error(reader, p, text, status, failed, what, error);
    }
    if (status != WOM_OK) {
        return append_error(reader, p, text, status, failed, "no memory for the node ids", error);
    }
    if (piece->status != WOM_OK) {
        *error = piece->error;
        error->line += reader->lines;
        return piece->status;
    }
    reader->lines += piece->lines;
    return WOM_OK;
}

/* Where the pieces of `size` bytes of whole lines at `text` start: at
 * equal shares moved on to the next line's start. */
static void split_pieces(snap_reader_t *reader, const char *text, size_t size) {
    reader->starts[0] = 0;
    for (int p = 1; p < reader->parts; p++) {
        size_t at = size / (size_t)reader->parts * (size_t)p, before = reader->starts[p - 1];
        const char *lf = at > before ? memchr(text + at - 1, '\n', size - at + 1) : NULL;
        reader->starts[p] = at <= before ? before : lf != NULL ? (size_t)(lf - text) + 1 : size;
    }
    reader->starts[reader->parts] = size;
}

/* Scans `size` bytes of whole lines at `text` (text[size] is an LF if the
 * last line lacks one), then appends the pieces' edges in order; the first
 * bad line stops it. */
static wom_status read_lines(snap_reader_t *reader, const char *text, size_t size,
                             wom_error_t *error) {
    split_pieces(reader, text, size);
#pragma omp parallel for schedule(static, 1)
    for (int p = 0; p < reader->parts; p++) {
        wom_snap_piece_t *piece = &reader->pieces[p];
        piece->starts_input = !reader->started && reader->starts[p] == 0;
        piece->stop_after = UINT64_MAX;
        piece->status = wom_graph_scan_snap(piece, text + reader->starts[p],
                                            reader->starts[p + 1] - reader->starts[p]);
    }
    reader->started = true;
    wom_status status = WOM_OK;
    for (int p = 0; p < reader->parts && status == WOM_OK; p++) {
        status = append_or_stop(reader, p, text, error);
    }
    return status;
}
/* The end of the whole lines among `filled` bytes: after the last LF, or
 * all of them at the end of the input or when a full block holds no LF (a
 * line longer than any block, which the scanner refuses). */
static size_t whole_lines(const char *buffer, size_t filled, bool at_end) {
    for (size_t i = filled; i > 0 && !at_end; i--) {
        if (buffer[i - 1] == '\n') {
            return i;
        }
    }
    return filled;
}

/* Reads the stream block by block, a block's unfinished last line carried
 * to the start of the next. */
static wom_status read_blocks(snap_reader_t *reader, FILE *stream, char *buffer, size_t block_bytes,
                              wom_error_t *error) {
    size_t carried = 0;
    for (bool at_end = false; !at_end;) {
        size_t want = block_bytes - carried;
        size_t got = fread(buffer + carried, 1, want, stream);
        if (got < want && ferror(stream)) {
            return wom_error_set(error, WOM_EIO, reader->name, reader->lines + 1, "cannot read: %s",
                                 strerror(errno));
        }
        at_end = got < want;
        size_t filled = carried + got, whole = whole_lines(buffer, filled, at_end);
        buffer[filled] = '\n'; /* ends a last line without an LF (the scanner's sentinel) */
        wom_status status = read_lines(reader, buffer, whole, error);
        if (status != WOM_OK) {
            return status;
        }
        carried = filled - whole;
        memmove(buffer, buffer + whole, carried);
    }
    return WOM_OK;
}

/* The reader's pieces, each with its line buffer; false when memory is short. */
static bool alloc_pieces(snap_reader_t *reader) {
    reader->pieces = calloc((size_t)reader->parts, sizeof *reader->pieces);
    reader->starts = malloc(((size_t)reader->parts + 1) * sizeof *reader->starts);
    if (reader->pieces == NULL || reader->starts == NULL) {
        return false;
    }
    for (int p = 0; p < reader->parts; p++) {
        reader->pieces[p].name = reader->name;
        reader->pieces[p].line = malloc(WOM_GRAPH_MAX_LINE + 1);
        if (reader->pieces[p].line == NULL) {
            return false;
        }
    }
    return true;
}

static void free_pieces(snap_reader_t *reader) {
    for (int p = 0; reader->pieces != NULL && p < reader->parts; p++) {
        free(reader->pieces[p].ids);
        free(reader->pieces[p].line);
    }
    free(reader->pieces);
    free(reader->starts);
    reader->pieces = NULL;
    reader->starts = NULL;
}

wom_status wom_graph_read_snap_parts(FILE *stream, const char *name, bool directed,
                                     size_t block_bytes, int parts, wom_graph_t **graph,
                                     wom_error_t *error) {
    *graph = NULL;
    block_bytes = block_bytes < WOM_GRAPH_MAX_LINE + 2 ? WOM_GRAPH_MAX_LINE + 2 : block_bytes;
    snap_reader_t reader = {.name = name, .parts = parts > 0 ? parts : 1};
    uint64_t *original_ids = NULL; /* node v's id in the file, for the graph */
    char *buffer = malloc(block_bytes + 1);
    wom_status status = WOM_ENOMEM;
    if (buffer == NULL || !alloc_pieces(&reader)) {
        wom_error_set(error, status, name, 0, "no memory for reading the edges");
        goto cleanup;
    }
    status = read_blocks(&reader, stream, buffer, block_bytes, error);
    free_pieces(&reader); /* not needed by the CSR: lower the peak */
    free(buffer);
    buffer = NULL;
    if (status == WOM_OK && reader.edges.count == 0) {
        status = wom_error_set(error, WOM_EDATA, name, 0, "no edges found");
    }
    if (status != WOM_OK) {
        goto cleanup;
    }
    uint64_t nodes = node_ids_count(&reader.ids);
    original_ids = node_ids_invert(&reader.ids);
    node_ids_free(&reader.ids);
    status = original_ids != NULL
                 ? wom_graph_build_csr((uint32_t)nodes, directed, &reader.edges, graph)
                 : WOM_ENOMEM;
    if (status != WOM_OK) {
        wom_error_set(error, status, name, 0, "no memory for the network's adjacency");
        goto cleanup;
    }
    (*graph)->original_ids = original_ids;
    original_ids = NULL;
cleanup:
    free(original_ids);
    free(buffer);
    free_pieces(&reader);
    node_ids_free(&reader.ids);
    free(reader.edges.pairs);
    return status;
}

/* 16 MiB: a few tens of milliseconds of scanning, split over the threads;
 * the block and its pieces' ids stay within some 100 MB. */
enum { SNAP_BLOCK_BYTES = 1 << 24 };

static int reader_threads(void) {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

wom_status wom_graph_read_snap_stream(FILE *stream, const char *name, bool directed,
                                      wom_graph_t **graph, wom_error_t *error) {
    return wom_graph_read_snap_parts(stream, name, directed, SNAP_BLOCK_BYTES, reader_threads(),
                                     graph, error);
}

wom_status wom_graph_read_snap(const char *path, bool directed, wom_graph_t **graph,
                               wom_error_t *error) {
    *graph = NULL;
    FILE *stream;
    wom_status status = wom_graph_open_file(path, WOM_FORMAT_SNAP, true, &stream, error);
    if (status == WOM_OK) {
        status = wom_graph_read_snap_stream(stream, path, directed, graph, error);
        fclose(stream);
    }
    return status;
}

/* ---------------------------------------------------------------------------
 * The SNAP writer */

/* A name in a '#' line: a control byte as \xNN (a line end would end the
 * comment) and a backslash as \\, so that the line reads back unambiguously. */
static int write_comment_name(FILE *stream, const char *name) {
    for (const unsigned char *c = (const unsigned char *)name; *c != '\0'; c++) {
        int written = *c < 0x20 || *c == 0x7f ? fprintf(stream, "\\x%02x", *c)
                      : *c == '\\'            ? fputs("\\\\", stream)
                                              : putc(*c, stream);
        if (written < 0) {
            return -1;
        }
    }
    return 0;
}

/* The header's last lines: how the node numbers relate to the file read,
 * and when they are numbers of ours, each one's name in that file. */
static wom_status write_node_ids(const wom_graph_t *graph, bool keep_names, FILE *stream) {
    if (keep_names) {
        return fputs("# node ids: those of the network file read (a generated network's: "
                     "0..n-1)\n",
                     stream) < 0
                   ? WOM_EIO
                   : WOM_OK;
    }
    if (fputs("# node ids: 0..n-1 in the order of the network file read, whose ids are not all "
              "non-negative integers; \"# node NUMBER: ID\" lines give each one's id there\n",
              stream) < 0) {
        return WOM_EIO;
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        if (fprintf(stream, "# node %" PRIu32 ": ", v) < 0 ||
            write_comment_name(stream, graph->name_text + graph->name_starts[v]) < 0 ||
            putc('\n', stream) < 0) {
            return WOM_EIO;
        }
    }
    return WOM_OK;
}

/* Node `node`'s id in the edge list: its name when the names are ids
 * (`keep_names`), else its number. */
static uint64_t snap_id(const wom_graph_t *graph, bool keep_names, uint32_t node) {
    if (!keep_names) {
        return node;
    }
    if (graph->name_text != NULL) {
        return strtoull(graph->name_text + graph->name_starts[node], NULL, 10);
    }
    return graph->original_ids != NULL ? graph->original_ids[node] : node;
}

wom_status wom_graph_write_snap(const wom_graph_t *graph, FILE *stream) {
    uint64_t edges = graph->directed ? graph->arcs : graph->arcs / 2;
    bool keep_names = wom_graph_names_are_ids(graph);
    if (fprintf(stream,
                "# womsim network as a SNAP edge list: one \"from<TAB>to\" per line%s\n"
                "# nodes: %" PRIu32 "\n# edges: %" PRIu64 "\n# directed: %s\n",
                graph->directed ? "" : ", each undirected edge once", graph->nodes, edges,
                graph->directed ? "true" : "false") < 0 ||
        write_node_ids(graph, keep_names, stream) != WOM_OK) {
        return WOM_EIO;
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        uint64_t from = snap_id(graph, keep_names, v);
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            uint32_t to = graph->targets[i];
            if ((graph->directed || v < to) && fprintf(stream, "%" PRIu64 "\t%" PRIu64 "\n", from,
                                                       snap_id(graph, keep_names, to)) < 0) {
                return WOM_EIO;
            }
        }
    }
    return ferror(stream) ? WOM_EIO : WOM_OK;
}
