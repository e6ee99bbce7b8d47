/* test_graph_snap.c: unit tests of the parallel SNAP reader
 * (sim/graph_snap.c, sim/graph_snap_scan.c): the same graph (CSR bytes,
 * numbering, counts) and the same first error at the same line whatever
 * the number of pieces, threads and the block size, with blocks forced
 * small so that lines straddle blocks and pieces; on dense ids (the array
 * map), sparse ones (the hash map) and ids that move from one to the other
 * mid-file; and each node's id in the file, kept by the graph, against
 * the ids' order of first appearance found apart from the reader. The
 * texts are made by a fixed-seed generator in the test.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "womsim/graph.h"

/* ---------------------------------------------------------------------------
 * Texts */

typedef struct {
    char *bytes;
    size_t length, capacity;
    uint64_t state; /* splitmix64 */
} text_t;

static uint64_t next_word(text_t *text) {
    uint64_t z = (text->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void append(text_t *text, const char *format, ...) {
    va_list args;
    va_start(args, format);
    char line[256];
    int n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    assert_true(n >= 0 && (size_t)n < sizeof line);
    if (text->length + (size_t)n + 1 > text->capacity) {
        text->capacity = 2 * (text->length + (size_t)n + 1);
        text->bytes = realloc(text->bytes, text->capacity);
        assert_non_null(text->bytes);
    }
    memcpy(text->bytes + text->length, line, (size_t)n + 1);
    text->length += (size_t)n;
}

/* How the ids of a text are drawn. */
typedef enum { IDS_DENSE, IDS_SPARSE, IDS_DENSE_THEN_SPARSE } ids_t;

static uint64_t draw_id(text_t *text, ids_t ids, uint32_t line, uint32_t lines) {
    bool sparse = ids == IDS_SPARSE || (ids == IDS_DENSE_THEN_SPARSE && line > lines / 2);
    return sparse ? next_word(text) >> 14 : next_word(text) % 3000;
}

/* `lines` lines (line numbers from 1): edges in every shape the scanner
 * meets (spaces, tabs, CRLF, leading blanks, an id as large as 2^64 - 1),
 * comments and blank lines, a byte order mark first; the line `bad`
 * (0: none) is "5 x". */
static text_t make_text(uint64_t seed, uint32_t lines, ids_t ids, uint32_t bad) {
    text_t text = {.state = seed};
    append(&text, "\xEF\xBB\xBF# made by test_graph_snap\n");
    for (uint32_t line = 2; line <= lines; line++) {
        uint64_t shape = next_word(&text) % 16;
        uint64_t from = draw_id(&text, ids, line, lines), to = draw_id(&text, ids, line, lines);
        if (line == bad) {
            append(&text, "5 x\n");
        } else if (shape == 0) {
            append(&text, "# comment %" PRIu64 "\n", from);
        } else if (shape == 1) {
            append(&text, "\n");
        } else if (shape == 2) {
            append(&text, "%" PRIu64 "\t%" PRIu64 "\r\n", from, to);
        } else if (shape == 3) {
            append(&text, " \t%" PRIu64 "  %" PRIu64 " \t\n", from, to);
        } else if (shape == 4 && ids != IDS_DENSE) {
            append(&text, "%" PRIu64 " 18446744073709551615\n", from);
        } else {
            append(&text, "%" PRIu64 " %" PRIu64 "\n", from, to);
        }
    }
    return text;
}

/* ---------------------------------------------------------------------------
 * Reading */

static wom_status read_parts(const text_t *text, size_t block_bytes, int parts, wom_graph_t **graph,
                             wom_error_t *error) {
    FILE *stream = fmemopen(text->bytes, text->length, "r");
    assert_non_null(stream);
    wom_error_clear(error);
    wom_status status =
        wom_graph_read_snap_parts(stream, "memory", false, block_bytes, parts, graph, error);
    assert_int_equal(fclose(stream), 0);
    return status;
}

static void assert_same_graph(const wom_graph_t *a, const wom_graph_t *b) {
    assert_int_equal(a->nodes, b->nodes);
    assert_int_equal(a->arcs, b->arcs);
    assert_int_equal(a->loops_dropped, b->loops_dropped);
    assert_int_equal(a->duplicates_dropped, b->duplicates_dropped);
    assert_memory_equal(a->offsets, b->offsets, ((size_t)a->nodes + 1) * sizeof *a->offsets);
    assert_memory_equal(a->targets, b->targets, a->arcs * sizeof *a->targets);
    assert_non_null(a->original_ids);
    assert_non_null(b->original_ids);
    assert_memory_equal(a->original_ids, b->original_ids, a->nodes * sizeof *a->original_ids);
}

/* An id and where it first appears among the ids of a text's edges. */
typedef struct {
    uint64_t id, at;
} seen_t;

static int by_id_then_at(const void *a, const void *b) {
    const seen_t *x = a, *y = b;
    return x->id != y->id ? (x->id > y->id) - (x->id < y->id) : (x->at > y->at) - (x->at < y->at);
}

static int by_at(const void *a, const void *b) {
    const seen_t *x = a, *y = b;
    return (x->at > y->at) - (x->at < y->at);
}

/* The graph keeps each node's id: node v's is the v-th distinct id in
 * order of first appearance, found here apart from the reader, by sscanf
 * on each line and sorting. */
static void assert_ids_kept(const text_t *text, const wom_graph_t *graph) {
    seen_t *seen = malloc(2 * text->length * sizeof *seen);
    assert_non_null(seen);
    size_t count = 0;
    for (const char *line = text->bytes; line < text->bytes + text->length;) {
        uint64_t from, to;
        if (sscanf(line, "%" SCNu64 " %" SCNu64, &from, &to) == 2) {
            seen[count] = (seen_t){from, count};
            seen[count + 1] = (seen_t){to, count + 1};
            count += 2;
        }
        line = strchr(line, '\n') + 1;
    }
    qsort(seen, count, sizeof *seen, by_id_then_at);
    size_t distinct = 0;
    for (size_t i = 0; i < count; i++) {
        if (i == 0 || seen[i].id != seen[i - 1].id) {
            seen[distinct++] = seen[i];
        }
    }
    qsort(seen, distinct, sizeof *seen, by_at);
    assert_int_equal(graph->nodes, distinct);
    for (size_t v = 0; v < distinct; v++) {
        assert_int_equal(graph->original_ids[v], seen[v].id);
    }
    free(seen);
}

/* Blocks and pieces: one of each (the reference), a piece per thread, and
 * blocks at their smallest (65538 bytes) cut into many pieces, some of a
 * line or none. */
static const struct {
    size_t block_bytes;
    int parts;
} splits[] = {{1 << 24, 1}, {1 << 24, 2}, {0, 2}, {0, 7}, {100003, 3}, {70001, 64}};

enum { SPLITS = sizeof splits / sizeof *splits };

/* Every split refuses `text` at `line` with `message`. */
static void refused_at_every_split(const text_t *text, long line, const char *message) {
    for (int s = 0; s < SPLITS; s++) {
        wom_graph_t *graph = NULL;
        wom_error_t error;
        assert_int_equal(read_parts(text, splits[s].block_bytes, splits[s].parts, &graph, &error),
                         WOM_EDATA);
        assert_int_equal(error.line, line);
        assert_string_equal(error.message, message);
    }
}

/* Every split reads the same graph as one piece in one block, and the
 * nodes are the distinct ids (counted here from the edges read). */
static void check_same_graph(ids_t ids) {
    text_t text = make_text(UINT64_C(0x5eed) + (uint64_t)ids, 40000, ids, 0);
    assert_true(text.length > 3 * (WOM_GRAPH_MAX_LINE + 2)); /* several small blocks */
    wom_graph_t *reference = NULL;
    wom_error_t error;
    assert_int_equal(read_parts(&text, splits[0].block_bytes, 1, &reference, &error), WOM_OK);
    assert_true(reference->nodes > 1000);
    assert_ids_kept(&text, reference);
    for (int s = 1; s < SPLITS; s++) {
        wom_graph_t *graph = NULL;
        assert_int_equal(read_parts(&text, splits[s].block_bytes, splits[s].parts, &graph, &error),
                         WOM_OK);
        assert_same_graph(reference, graph);
        wom_graph_free(graph);
    }
    wom_graph_free(reference);
    free(text.bytes);
}

static void test_same_graph_dense_ids(void **state) {
    (void)state;
    check_same_graph(IDS_DENSE);
}

static void test_same_graph_sparse_ids(void **state) {
    (void)state;
    check_same_graph(IDS_SPARSE);
}

static void test_same_graph_dense_then_sparse_ids(void **state) {
    (void)state;
    check_same_graph(IDS_DENSE_THEN_SPARSE);
}

/* Ids are numbered in order of first appearance, whichever map holds them:
 * "0 1" "1 2" ... after the first line's ids 7 and 2^40 + 3. */
static void test_numbering_first_appearance(void **state) {
    (void)state;
    text_t text = {0};
    append(&text, "7 1099511627779\n");
    for (uint32_t v = 0; v < 1000; v++) {
        append(&text, "%" PRIu32 " %" PRIu32 "\n", v, v + 1);
    }
    for (int s = 0; s < SPLITS; s++) {
        wom_graph_t *graph = NULL;
        wom_error_t error;
        assert_int_equal(read_parts(&text, splits[s].block_bytes, splits[s].parts, &graph, &error),
                         WOM_OK);
        assert_int_equal(graph->nodes, 1002); /* 0 .. 1000 and 2^40 + 3 */
        /* 7 is node 0, 2^40 + 3 node 1, then 0 -> 2, 1 -> 3, ...: node 0
         * (id 7) joins 1 (the large id) and the nodes of ids 6 and 8. */
        assert_int_equal(graph->offsets[1] - graph->offsets[0], 3);
        assert_int_equal(graph->targets[0], 1);
        assert_int_equal(graph->targets[1], 8); /* id 6 */
        assert_int_equal(graph->targets[2], 9); /* id 8 */
        assert_int_equal(graph->original_ids[0], 7);
        assert_int_equal(graph->original_ids[1], UINT64_C(1099511627779));
        for (uint32_t v = 0, node = 2; v <= 1000; v++) { /* 7 came first */
            if (v != 7) {
                assert_int_equal(graph->original_ids[node++], v);
            }
        }
        wom_graph_free(graph);
    }
    free(text.bytes);
}

/* The first bad line is named at its line for every split, also when a
 * later piece holds a bad line too. */
static void test_same_error_line(void **state) {
    (void)state;
    const uint32_t bad_lines[] = {2, 17, 9999, 23456, 39999};
    for (size_t b = 0; b < sizeof bad_lines / sizeof *bad_lines; b++) {
        text_t text = make_text(UINT64_C(0xbad) + b, 40000, IDS_DENSE_THEN_SPARSE, bad_lines[b]);
        append(&text, "1 2 3\n"); /* a second bad line, line 40001 */
        for (int s = 0; s < SPLITS; s++) {
            wom_graph_t *graph = NULL;
            wom_error_t error;
            assert_int_equal(
                read_parts(&text, splits[s].block_bytes, splits[s].parts, &graph, &error),
                WOM_EDATA);
            assert_null(graph);
            assert_int_equal(error.line, bad_lines[b]);
            assert_string_equal(error.file, "memory");
            assert_string_equal(error.message, "node id 'x' is not a non-negative integer");
        }
        free(text.bytes);
    }
}

/* The public reader at 1 and 2 threads: the same graph. */
static void test_same_graph_for_threads(void **state) {
    (void)state;
    text_t text = make_text(UINT64_C(0x7ead), 40000, IDS_DENSE_THEN_SPARSE, 0);
    wom_graph_t *graphs[2] = {NULL, NULL};
    for (int t = 0; t < 2; t++) {
        omp_set_num_threads(t + 1);
        FILE *stream = fmemopen(text.bytes, text.length, "r");
        assert_non_null(stream);
        wom_error_t error;
        assert_int_equal(wom_graph_read_snap_stream(stream, "memory", false, &graphs[t], &error),
                         WOM_OK);
        fclose(stream);
    }
    assert_same_graph(graphs[0], graphs[1]);
    wom_graph_free(graphs[0]);
    wom_graph_free(graphs[1]);
    free(text.bytes);
}

/* A line over the limit that straddles blocks of the smallest size is
 * refused at its line; a NUL byte in a later block too. */
static void test_long_line_and_nul_across_blocks(void **state) {
    (void)state;
    text_t text = {0};
    for (uint32_t v = 0; v < 9000; v++) {
        append(&text, "%" PRIu32 " %" PRIu32 "\n", v, v + 1);
    }
    size_t before = text.length;
    for (int i = 0; i < 700; i++) {
        append(&text, "%0100d", 0);
    }
    append(&text, "\n");
    refused_at_every_split(&text, 9001, "line is longer than 65536 characters");
    text.bytes[before + 5] = '\0';
    refused_at_every_split(&text, 9001, "line contains a NUL byte (is this a text file?)");
    free(text.bytes);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_graph_dense_ids),
        cmocka_unit_test(test_same_graph_sparse_ids),
        cmocka_unit_test(test_same_graph_dense_then_sparse_ids),
        cmocka_unit_test(test_numbering_first_appearance),
        cmocka_unit_test(test_same_error_line),
        cmocka_unit_test(test_same_graph_for_threads),
        cmocka_unit_test(test_long_line_and_nul_across_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
