/* graph_snap_scan.c: the SNAP reader's scanner: a piece of text of whole
 * lines into its edges as raw 64-bit ids, or the first bad line's error.
 * Each line is tried first by a hand-written scanner for the common shape
 * (spaces or tabs, an id, spaces or tabs, an id, spaces or tabs, CRs, the
 * end of line), which reads each byte once and calls no library function;
 * any other line (a comment, a byte order mark, a field that is no plain
 * integer, an id near 2^64, a NUL byte, a line too long) goes through the
 * slow path, the line-by-line logic whose messages the bad-input cases pin
 * down. Both paths accept exactly the same lines, so a piece's edges do not
 * depend on which path read a line. Pieces are scanned in parallel by
 * graph_snap.c; nothing here knows of threads or of the id map.
 * Workload: every byte of an edge list once (hundreds of MB/s per thread);
 * the slow path only for the odd line.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

/* Makes room for one more edge; false when memory is short. */
static bool piece_reserve(wom_snap_piece_t *piece) {
    if (piece->edges < piece->capacity) {
        return true;
    }
    uint64_t capacity = piece->capacity ? 2 * piece->capacity : 4096;
    uint64_t *ids = realloc(piece->ids, capacity * 2 * sizeof *ids);
    if (ids == NULL) {
        return false;
    }
    piece->ids = ids;
    piece->capacity = capacity;
    return true;
}

static void piece_add(wom_snap_piece_t *piece, uint64_t from, uint64_t to) {
    piece->ids[2 * piece->edges] = from;
    piece->ids[2 * piece->edges + 1] = to;
    piece->edges++;
}

/* ---------------------------------------------------------------------------
 * The slow path: one line at a time, with the messages */

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

static wom_status slow_id(wom_snap_piece_t *piece, const char *text, uint64_t *id) {
    const char *more = strlen(text) > 64 ? "..." : "";
    const char *name = piece->name;
    switch (parse_id(text, id)) {
    case ID_OK:
        return WOM_OK;
    case ID_NEGATIVE:
        return wom_error_set(&piece->error, WOM_EDATA, name, piece->lines,
                             "node id '%.64s%s' is negative", text, more);
    case ID_TOO_LARGE:
        return wom_error_set(&piece->error, WOM_EDATA, name, piece->lines,
                             "node id '%.64s%s' is too large (the largest is %" PRIu64 ")", text,
                             more, UINT64_MAX);
    default:
        return wom_error_set(&piece->error, WOM_EDATA, name, piece->lines,
                             "node id '%.64s%s' is not a non-negative integer", text, more);
    }
}

/* One line, its end of line (LF and any CRs before it) already removed and
 * a NUL after it. */
static wom_status slow_fields(wom_snap_piece_t *piece, char *line) {
    char *fields[2];
    size_t count = split_fields(line, fields);
    if (count == 0 || fields[0][0] == '#') {
        return WOM_OK;
    }
    if (count != 2) {
        if (count == 1) {
            return wom_error_set(&piece->error, WOM_EDATA, piece->name, piece->lines,
                                 "expected two node ids, found one");
        }
        return wom_error_set(&piece->error, WOM_EDATA, piece->name, piece->lines,
                             "expected two node ids, found %zu fields", count);
    }
    uint64_t ids[2];
    wom_status status = WOM_OK;
    for (int i = 0; i < 2 && status == WOM_OK; i++) {
        status = slow_id(piece, fields[i], &ids[i]);
    }
    if (status == WOM_OK && !piece_reserve(piece)) {
        status = wom_error_set(&piece->error, WOM_ENOMEM, piece->name, piece->lines,
                               "no memory for the edges");
    }
    if (status == WOM_OK) {
        piece_add(piece, ids[0], ids[1]);
    }
    return status;
}

/* The line at `start` (piece->lines already counts it), ending before
 * `end` (its LF, or the end of the text). A line longer than
 * WOM_GRAPH_MAX_LINE or holding a NUL byte within its first
 * WOM_GRAPH_MAX_LINE + 1 bytes is refused, as file.c's line reader does. */
static wom_status slow_line(wom_snap_piece_t *piece, const char *start, const char *end) {
    size_t length = (size_t)(end - start);
    size_t checked = length < WOM_GRAPH_MAX_LINE + 1 ? length : WOM_GRAPH_MAX_LINE + 1;
    if (memchr(start, '\0', checked) != NULL) {
        return wom_error_set(&piece->error, WOM_EDATA, piece->name, piece->lines,
                             "line contains a NUL byte (is this a text file?)");
    }
    if (length > WOM_GRAPH_MAX_LINE) {
        return wom_error_set(&piece->error, WOM_EDATA, piece->name, piece->lines,
                             "line is longer than %zu characters", (size_t)WOM_GRAPH_MAX_LINE);
    }
    while (length > 0 && start[length - 1] == '\r') {
        length--;
    }
    /* A byte order mark, as editors on Windows write, before the first line. */
    if (piece->starts_input && piece->lines == 1 && length >= 3 &&
        memcmp(start, "\xEF\xBB\xBF", 3) == 0) {
        start += 3;
        length -= 3;
    }
    memcpy(piece->line, start, length);
    piece->line[length] = '\0';
    return slow_fields(piece, piece->line);
}

/* ---------------------------------------------------------------------------
 * The fast path */

static inline bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

static inline bool is_digit(char c) {
    return (unsigned char)(c - '0') < 10;
}

/* An id's digits at *at: false (for the slow path) when there are none or
 * the value might pass UINT64_MAX. Reads up to the first non-digit, which
 * exists: the text ends with an LF. */
static inline bool scan_id(const char **at, uint64_t *id) {
    const char *p = *at;
    if (!is_digit(*p)) {
        return false;
    }
    uint64_t value = 0;
    for (; is_digit(*p); p++) {
        if (value >= UINT64_MAX / 10) { /* perhaps too large: the slow path decides */
            return false;
        }
        value = 10 * value + (uint64_t)(*p - '0');
    }
    *at = p;
    *id = value;
    return true;
}

/* The common line at `start`: true, with its ids and `*next` after its LF,
 * when it is "ids from to" as described at the top; false otherwise. */
static inline bool fast_line(const char *start, const char **next, uint64_t ids[2]) {
    const char *p = start;
    while (is_blank(*p)) {
        p++;
    }
    if (!scan_id(&p, &ids[0]) || !is_blank(*p)) {
        return false;
    }
    while (is_blank(*p)) {
        p++;
    }
    if (!scan_id(&p, &ids[1])) {
        return false;
    }
    while (is_blank(*p)) {
        p++;
    }
    while (*p == '\r') {
        p++;
    }
    if (*p != '\n' || (size_t)(p - start) > WOM_GRAPH_MAX_LINE) {
        return false;
    }
    *next = p + 1;
    return true;
}

wom_status wom_graph_scan_snap(wom_snap_piece_t *piece, const char *text, size_t size) {
    const char *end = text + size;
    piece->edges = 0;
    piece->lines = 0;
    wom_error_clear(&piece->error);
    for (const char *p = text; p < end;) {
        piece->lines++;
        uint64_t ids[2];
        const char *next;
        if (!(piece->starts_input && piece->lines == 1) && fast_line(p, &next, ids) &&
            piece_reserve(piece)) {
            piece_add(piece, ids[0], ids[1]);
            p = next;
        } else {
            const char *line_end = memchr(p, '\n', (size_t)(end - p));
            line_end = line_end != NULL ? line_end : end;
            wom_status status = slow_line(piece, p, line_end);
            if (status != WOM_OK) {
                return status;
            }
            p = line_end + 1;
        }
        if (piece->edges == piece->stop_after) {
            break;
        }
    }
    return WOM_OK;
}
