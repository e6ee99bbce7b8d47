/* graph_snap.c: SNAP edge lists, read and written. The reader maps
 * arbitrary non-negative integer ids to 0..n-1 in order of first
 * appearance (its own hash map), refuses a bad line as soon as it is met,
 * naming its file and line, and hands its edge array to the CSR builder
 * (wom_graph_build_csr), its only tie to the rest of the graph module.
 * Workload: once at set-up, single-threaded, files of up to some 1e9
 * lines, read byte by byte by file.c's line reader; the writer prints a
 * line an edge.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/graph.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "graph_internal.h"
#include "womsim/file.h"

/* ---------------------------------------------------------------------------
 * The SNAP reader */

/* Appends edge (from, to), doubling the array when it is full. */
static wom_status edge_list_push(edge_list_t *edges, uint32_t from, uint32_t to) {
    if (edges->count == edges->capacity) {
        uint64_t capacity = edges->capacity ? 2 * edges->capacity : 1024;
        uint32_t *pairs = realloc(edges->pairs, capacity * 2 * sizeof *pairs);
        if (pairs == NULL) {
            return WOM_ENOMEM;
        }
        edges->pairs = pairs;
        edges->capacity = capacity;
    }
    edges->pairs[2 * edges->count] = from;
    edges->pairs[2 * edges->count + 1] = to;
    edges->count++;
    return WOM_OK;
}

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

static void id_map_place(id_map_t *map, uint64_t key, uint32_t value) {
    uint64_t slot = id_hash(key) & (map->capacity - 1);
    while (map->values[slot] != ID_EMPTY) {
        slot = (slot + 1) & (map->capacity - 1);
    }
    map->keys[slot] = key;
    map->values[slot] = value;
}

static wom_status id_map_grow(id_map_t *map) {
    id_map_t bigger = {malloc(2 * map->capacity * sizeof(uint64_t)),
                       malloc(2 * map->capacity * sizeof(uint32_t)), 2 * map->capacity, map->count};
    if (bigger.keys == NULL || bigger.values == NULL) {
        id_map_free(&bigger);
        return WOM_ENOMEM;
    }
    memset(bigger.values, 0xff, bigger.capacity * sizeof(uint32_t));
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

typedef enum { ID_OK, ID_NOT_INTEGER, ID_NEGATIVE, ID_TOO_LARGE } id_parse;

static bool all_digits(const char *text) {
    if (*text == '\0') {
        return false;
    }
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9') {
            return false;
        }
    }
    return true;
}

static id_parse parse_id(const char *text, uint64_t *id) {
    if (text[0] == '-' && all_digits(text + 1)) {
        return ID_NEGATIVE;
    }
    if (!all_digits(text)) {
        return ID_NOT_INTEGER;
    }
    uint64_t value = 0;
    for (; *text != '\0'; text++) {
        unsigned digit = (unsigned)(*text - '0');
        if (value > (UINT64_MAX - digit) / 10) {
            return ID_TOO_LARGE;
        }
        value = 10 * value + digit;
    }
    *id = value;
    return ID_OK;
}

/* Splits `line` at runs of spaces and tabs, NUL-terminating the first two
 * fields into `fields`. Returns the number of fields. */
static size_t split_fields(char *line, char *fields[2]) {
    size_t count = 0;
    char *p = line;
    for (;;) {
        p += strspn(p, " \t");
        if (*p == '\0') {
            return count;
        }
        size_t length = strcspn(p, " \t");
        if (count < 2) {
            fields[count] = p;
        }
        count++;
        p += length;
        if (count <= 2 && *p != '\0') {
            *p++ = '\0';
        }
    }
}

/* Everything the reader holds while it reads. */
typedef struct {
    const char *path;
    long line; /* 1-based number of the line being read */
    id_map_t map;
    edge_list_t edges;
} snap_reader_t;

static wom_status snap_id(snap_reader_t *reader, const char *text, uint64_t *id,
                          wom_error_t *error) {
    const char *more = strlen(text) > 64 ? "..." : "";
    switch (parse_id(text, id)) {
    case ID_OK:
        return WOM_OK;
    case ID_NEGATIVE:
        return wom_error_set(error, WOM_EDATA, reader->path, reader->line,
                             "node id '%.64s%s' is negative", text, more);
    case ID_TOO_LARGE:
        return wom_error_set(error, WOM_EDATA, reader->path, reader->line,
                             "node id '%.64s%s' is too large (the largest is %" PRIu64 ")", text,
                             more, UINT64_MAX);
    default:
        return wom_error_set(error, WOM_EDATA, reader->path, reader->line,
                             "node id '%.64s%s' is not a non-negative integer", text, more);
    }
}

static wom_status snap_node(snap_reader_t *reader, uint64_t id, uint32_t *index,
                            wom_error_t *error) {
    wom_status status = id_map_index(&reader->map, id, index);
    if (status == WOM_EDATA) {
        return wom_error_set(error, WOM_EDATA, reader->path, reader->line,
                             "more than %" PRIu32 " distinct node ids", UINT32_MAX);
    }
    if (status != WOM_OK) {
        return wom_error_set(error, status, reader->path, reader->line,
                             "no memory for the node ids");
    }
    return WOM_OK;
}

/* One line, its end of line (LF or CRLF) already removed. */
static wom_status snap_line(snap_reader_t *reader, char *line, wom_error_t *error) {
    char *fields[2];
    size_t count = split_fields(line, fields);
    if (count == 0 || fields[0][0] == '#') {
        return WOM_OK;
    }
    if (count != 2) {
        if (count == 1) {
            return wom_error_set(error, WOM_EDATA, reader->path, reader->line,
                                 "expected two node ids, found one");
        }
        return wom_error_set(error, WOM_EDATA, reader->path, reader->line,
                             "expected two node ids, found %zu fields", count);
    }
    uint64_t ids[2];
    uint32_t nodes[2];
    wom_status status = WOM_OK;
    for (int i = 0; i < 2 && status == WOM_OK; i++) {
        status = snap_id(reader, fields[i], &ids[i], error);
    }
    for (int i = 0; i < 2 && status == WOM_OK; i++) {
        status = snap_node(reader, ids[i], &nodes[i], error);
    }
    if (status == WOM_OK && edge_list_push(&reader->edges, nodes[0], nodes[1]) != WOM_OK) {
        status =
            wom_error_set(error, WOM_ENOMEM, reader->path, reader->line, "no memory for the edges");
    }
    return status;
}

static wom_status snap_read_lines(snap_reader_t *reader, FILE *stream, wom_error_t *error) {
    char *line = malloc(WOM_GRAPH_MAX_LINE + 1);
    if (line == NULL) {
        return wom_error_set(error, WOM_ENOMEM, reader->path, 0, "no memory for a line");
    }
    wom_status status = WOM_OK;
    for (bool more = true; status == WOM_OK;) {
        reader->line++;
        status = wom_file_read_line(stream, reader->path, reader->line, line, WOM_GRAPH_MAX_LINE,
                                    &more, error);
        if (status != WOM_OK || !more) {
            break;
        }
        /* A byte order mark, as editors on Windows write, before the first line. */
        bool bom = reader->line == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0;
        status = snap_line(reader, line + (bom ? 3 : 0), error);
    }
    free(line);
    return status;
}

wom_status wom_graph_read_snap_stream(FILE *stream, const char *name, bool directed,
                                      wom_graph_t **graph, wom_error_t *error) {
    *graph = NULL;
    snap_reader_t reader = {name, 0, {NULL, NULL, 1024, 0}, {NULL, 0, 0}};
    wom_status status = WOM_ENOMEM;
    reader.map.keys = malloc(reader.map.capacity * sizeof(uint64_t));
    reader.map.values = malloc(reader.map.capacity * sizeof(uint32_t));
    if (reader.map.keys == NULL || reader.map.values == NULL) {
        wom_error_set(error, status, name, 0, "no memory for the node ids");
        goto cleanup;
    }
    memset(reader.map.values, 0xff, reader.map.capacity * sizeof(uint32_t));
    status = snap_read_lines(&reader, stream, error);
    if (status != WOM_OK) {
        goto cleanup;
    }
    if (reader.edges.count == 0) {
        status = wom_error_set(error, WOM_EDATA, name, 0, "no edges found");
        goto cleanup;
    }
    id_map_free(&reader.map); /* not needed by the CSR: lower the peak */
    status = wom_graph_build_csr((uint32_t)reader.map.count, directed, &reader.edges, graph);
    if (status != WOM_OK) {
        wom_error_set(error, status, name, 0, "no memory for the network's adjacency");
    }
cleanup:
    id_map_free(&reader.map);
    free(reader.edges.pairs);
    return status;
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

wom_status wom_graph_write_snap(const wom_graph_t *graph, FILE *stream) {
    uint64_t edges = graph->directed ? graph->arcs : graph->arcs / 2;
    if (fprintf(stream,
                "# womsim network as a SNAP edge list: one \"from<TAB>to\" per line%s\n"
                "# nodes: %" PRIu32 "\n# edges: %" PRIu64 "\n# directed: %s\n",
                graph->directed ? "" : ", each undirected edge once", graph->nodes, edges,
                graph->directed ? "true" : "false") < 0) {
        return WOM_EIO;
    }
    for (uint32_t v = 0; v < graph->nodes; v++) {
        for (uint64_t i = graph->offsets[v]; i < graph->offsets[v + 1]; i++) {
            uint32_t to = graph->targets[i];
            if ((graph->directed || v < to) &&
                fprintf(stream, "%" PRIu32 "\t%" PRIu32 "\n", v, to) < 0) {
                return WOM_EIO;
            }
        }
    }
    return ferror(stream) ? WOM_EIO : WOM_OK;
}
