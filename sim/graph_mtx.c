/* graph_mtx.c: the Matrix Market coordinate format (`.mtx`), the format of
 * the SuiteSparse Matrix Collection, where many public networks are
 * published: a banner "%%MatrixMarket matrix coordinate FIELD SYMMETRY"
 * (FIELD pattern, integer or real, whose values are ignored; SYMMETRY
 * general or symmetric, the lower triangle stored), '%' comment lines, a
 * size line "ROWS COLUMNS ENTRIES", then one entry "I J [VALUE]" a line,
 * 1-based. Entry (i, j) is an arc from node i - 1 to node j - 1: nodes
 * keep their numbers (less one), so isolated nodes stay. Our own reader:
 * igraph has none, and the format is a few lines of text; every line
 * goes through file.c's line reader (its limits: a line's length, no NUL
 * byte) and every number is checked, each error at its line.
 * Workload: once per build, sequential; a line at a time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "graph_internal.h"
#include "womsim/file.h"

enum { MTX_MAX_FIELDS = 5 }; /* fields of a line told apart; more are counted as one */

/* Splits `line` at runs of spaces and tabs (and a CR before its end), up
 * to MTX_MAX_FIELDS fields NUL-terminated in place; returns how many there
 * are (MTX_MAX_FIELDS meaning as many or more). */
static int split_fields(char *line, char *fields[MTX_MAX_FIELDS]) {
    int count = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r') {
            p++;
        }
        if (*p == '\0' || count == MTX_MAX_FIELDS) {
            return count;
        }
        fields[count++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r') {
            p++;
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
}

/* `text` as a whole unsigned decimal number up to `max`; false if it is
 * not one or is larger. */
static bool parse_count(const char *text, uint64_t max, uint64_t *value) {
    uint64_t v = 0;
    if (*text == '\0') {
        return false;
    }
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (max - (uint64_t)(*p - '0')) / 10) {
            return false;
        }
        v = 10 * v + (uint64_t)(*p - '0');
    }
    *value = v;
    return true;
}

/* The next line that is neither blank nor (when `comments`) a '%' comment;
 * *more false at the end of the file. */
static wom_status next_line(FILE *stream, const char *path, bool comments, char *line,
                            wom_mtx_header_t *header, char *fields[MTX_MAX_FIELDS], int *count,
                            bool *more, wom_error_t *error) {
    for (;;) {
        header->lines++;
        wom_status status =
            wom_file_read_line(stream, path, header->lines, line, WOM_GRAPH_MAX_LINE, more, error);
        if (status != WOM_OK || !*more) {
            return status;
        }
        if (comments && line[0] == '%') {
            continue;
        }
        *count = split_fields(line, fields);
        if (*count > 0) {
            return WOM_OK;
        }
    }
}

/* The banner's words after "%%MatrixMarket", each checked in turn. */
static wom_status read_banner(char *line, const char *path, wom_mtx_header_t *header,
                              wom_error_t *error) {
    char *fields[MTX_MAX_FIELDS];
    int count = split_fields(line, fields);
    if (count < 1 || strcasecmp(fields[0], "%%MatrixMarket") != 0) {
        return wom_error_set(error, WOM_EDATA, path, 1,
                             "expected the banner '%%%%MatrixMarket matrix coordinate FIELD "
                             "SYMMETRY': not a Matrix Market file");
    }
    if (count != 5) {
        return wom_error_set(error, WOM_EDATA, path, 1,
                             "the banner has %d words after %%%%MatrixMarket, not 4 (matrix "
                             "coordinate FIELD SYMMETRY)",
                             count - 1);
    }
    if (strcasecmp(fields[1], "matrix") != 0 || strcasecmp(fields[2], "coordinate") != 0) {
        return wom_error_set(error, WOM_EDATA, path, 1,
                             "the banner says '%s %s'; a network is a 'matrix coordinate' (a "
                             "sparse matrix, an entry a line)",
                             fields[1], fields[2]);
    }
    bool pattern = strcasecmp(fields[3], "pattern") == 0;
    if (!pattern && strcasecmp(fields[3], "integer") != 0 && strcasecmp(fields[3], "real") != 0) {
        return wom_error_set(error, WOM_EDATA, path, 1,
                             "the banner's field is '%s'; womsim reads pattern, integer or real "
                             "(values ignored)",
                             fields[3]);
    }
    bool symmetric = strcasecmp(fields[4], "symmetric") == 0;
    if (!symmetric && strcasecmp(fields[4], "general") != 0) {
        return wom_error_set(error, WOM_EDATA, path, 1,
                             "the banner's symmetry is '%s'; womsim reads general or symmetric",
                             fields[4]);
    }
    header->symmetric = symmetric;
    header->has_values = !pattern;
    return WOM_OK;
}

/* The most entries a matrix of `nodes` rows may hold: every cell, or the
 * lower triangle when symmetric. */
static uint64_t most_entries(uint64_t nodes, bool symmetric) {
    return symmetric ? nodes * (nodes + 1) / 2 : nodes * nodes;
}

static wom_status read_size_line(char *fields[MTX_MAX_FIELDS], int count, const char *path,
                                 wom_mtx_header_t *header, wom_error_t *error) {
    uint64_t rows, columns, entries;
    if (count != 3 || !parse_count(fields[0], UINT32_MAX, &rows) ||
        !parse_count(fields[1], UINT32_MAX, &columns) ||
        !parse_count(fields[2], UINT64_MAX, &entries)) {
        return wom_error_set(error, WOM_EDATA, path, header->lines,
                             "expected the size line 'ROWS COLUMNS ENTRIES' (whole numbers, rows "
                             "and columns at most %" PRIu32 ")",
                             UINT32_MAX);
    }
    if (rows != columns || rows == 0) {
        return wom_error_set(error, WOM_EDATA, path, header->lines,
                             "the matrix is %" PRIu64 " x %" PRIu64
                             "; a network's is square, of at least one node",
                             rows, columns);
    }
    if (entries > most_entries(rows, header->symmetric)) {
        return wom_error_set(error, WOM_EDATA, path, header->lines,
                             "%" PRIu64 " entries do not fit in a %s %" PRIu64 " x %" PRIu64
                             " matrix",
                             entries, header->symmetric ? "symmetric" : "general", rows, rows);
    }
    header->nodes = (uint32_t)rows;
    header->entries = entries;
    return WOM_OK;
}

wom_status wom_graph_read_mtx_header(FILE *stream, const char *path, wom_mtx_header_t *header,
                                     wom_error_t *error) {
    *header = (wom_mtx_header_t){.lines = 1};
    char *line = malloc(WOM_GRAPH_MAX_LINE + 1);
    if (line == NULL) {
        return WOM_ENOMEM;
    }
    bool more;
    wom_status status = wom_file_read_line(stream, path, 1, line, WOM_GRAPH_MAX_LINE, &more, error);
    if (status == WOM_OK && !more) {
        status = wom_error_set(error, WOM_EDATA, path, 0, "the file is empty");
    }
    if (status == WOM_OK) {
        status = read_banner(line, path, header, error);
    }
    char *fields[MTX_MAX_FIELDS];
    int count = 0;
    if (status == WOM_OK) {
        status = next_line(stream, path, true, line, header, fields, &count, &more, error);
    }
    if (status == WOM_OK && !more) {
        status = wom_error_set(error, WOM_EDATA, path, 0,
                               "the file ends before its size line 'ROWS COLUMNS ENTRIES'");
    }
    if (status == WOM_OK) {
        status = read_size_line(fields, count, path, header, error);
    }
    free(line);
    return status;
}

/* ---------------------------------------------------------------------------
 * The entries */

/* Row or column `text` of an entry, 1 to `nodes`, as a node id from 0. */
static wom_status parse_index(const char *text, const char *which, uint32_t nodes, const char *path,
                              long line, uint32_t *node, wom_error_t *error) {
    uint64_t value;
    if (!parse_count(text, UINT64_MAX, &value)) {
        return wom_error_set(error, WOM_EDATA, path, line, "%s '%s' is not a whole number from 1",
                             which, text);
    }
    if (value < 1 || value > nodes) {
        return wom_error_set(error, WOM_EDATA, path, line,
                             "%s %" PRIu64 " is outside 1..%" PRIu32 " (the size line's)", which,
                             value, nodes);
    }
    *node = (uint32_t)(value - 1);
    return WOM_OK;
}

/* Room for `more` edges after the array's count, doubling but never past
 * `expected`, the edges the size line announces (what the memory estimate
 * counted), unless more are needed: a file that says its size is read
 * into an array of that size. The size line is not trusted beyond that
 * (a file may end early), so the array grows as entries come. */
static bool reserve_edges(edge_list_t *edges, uint64_t more, uint64_t expected) {
    uint64_t needed = edges->count + more;
    if (needed <= edges->capacity) {
        return true;
    }
    uint64_t capacity = edges->capacity > 0 ? 2 * edges->capacity : 1 << 16;
    capacity = capacity < expected ? capacity : expected;
    capacity = capacity > needed ? capacity : needed;
    uint32_t *grown = capacity <= SIZE_MAX / (2 * sizeof *edges->pairs)
                          ? realloc(edges->pairs, capacity * 2 * sizeof *edges->pairs)
                          : NULL;
    if (grown == NULL) {
        return false;
    }
    edges->pairs = grown;
    edges->capacity = capacity;
    return true;
}

static void add_edge(edge_list_t *edges, uint32_t from, uint32_t to) {
    edges->pairs[2 * edges->count] = from;
    edges->pairs[2 * edges->count + 1] = to;
    edges->count++;
}

/* One entry line: its row and column, and its value when the field has
 * one (a number, then ignored). */
static wom_status read_entry(char *fields[MTX_MAX_FIELDS], int count,
                             const wom_mtx_header_t *header, const char *path, uint32_t *row,
                             uint32_t *column, wom_error_t *error) {
    const int expected = header->has_values ? 3 : 2;
    if (count != expected) {
        return wom_error_set(error, WOM_EDATA, path, header->lines,
                             "expected %s, found %s%d fields", expected == 3 ? "I J VALUE" : "I J",
                             count == MTX_MAX_FIELDS ? "at least " : "", count);
    }
    wom_status status =
        parse_index(fields[0], "row", header->nodes, path, header->lines, row, error);
    if (status == WOM_OK) {
        status =
            parse_index(fields[1], "column", header->nodes, path, header->lines, column, error);
    }
    if (status == WOM_OK && header->has_values) {
        char *end;
        double value = strtod(fields[2], &end);
        if (end == fields[2] || *end != '\0' || !isfinite(value)) {
            status = wom_error_set(error, WOM_EDATA, path, header->lines,
                                   "value '%s' is not a finite number", fields[2]);
        }
    }
    return status;
}

/* The entries after the size line into `edges`: exactly as many as it said. */
static wom_status read_entries(FILE *stream, const char *path, bool directed,
                               wom_mtx_header_t *header, edge_list_t *edges, wom_error_t *error) {
    char *line = malloc(WOM_GRAPH_MAX_LINE + 1);
    if (line == NULL) {
        return WOM_ENOMEM;
    }
    const bool both_arcs = header->symmetric && directed;
    wom_status status = WOM_OK;
    for (uint64_t read = 0; status == WOM_OK; read++) {
        char *fields[MTX_MAX_FIELDS];
        int count = 0;
        bool more;
        status = next_line(stream, path, false, line, header, fields, &count, &more, error);
        if (status != WOM_OK || (!more && read == header->entries)) {
            break;
        }
        if (!more) {
            status = wom_error_set(error, WOM_EDATA, path, 0,
                                   "the file ends after %" PRIu64
                                   " entries, but the size line says %" PRIu64,
                                   read, header->entries);
            break;
        }
        if (read == header->entries) {
            status = wom_error_set(error, WOM_EDATA, path, header->lines,
                                   "an entry beyond the %" PRIu64 " the size line says",
                                   header->entries);
            break;
        }
        uint32_t row, column;
        status = read_entry(fields, count, header, path, &row, &column, error);
        if (status == WOM_OK &&
            !reserve_edges(edges, both_arcs ? 2 : 1, header->entries * (both_arcs ? 2 : 1))) {
            status = WOM_ENOMEM;
        }
        if (status == WOM_OK) {
            add_edge(edges, row, column);
            if (both_arcs && row != column) {
                add_edge(edges, column, row);
            }
        }
    }
    free(line);
    return status;
}

wom_status wom_graph_read_mtx(const char *path, bool directed, wom_graph_t **graph,
                              wom_error_t *error) {
    *graph = NULL;
    FILE *stream;
    wom_status status = wom_graph_open_file(path, WOM_FORMAT_MTX, true, &stream, error);
    if (status != WOM_OK) {
        return status;
    }
    wom_mtx_header_t header;
    edge_list_t edges = {0};
    status = wom_graph_read_mtx_header(stream, path, &header, error);
    if (status == WOM_OK) {
        status = read_entries(stream, path, directed, &header, &edges, error);
    }
    if (status == WOM_OK) {
        status = wom_graph_build_csr(header.nodes, directed, &edges, graph);
    }
    free(edges.pairs);
    fclose(stream);
    return status;
}
