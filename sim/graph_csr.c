/* graph_csr.c: the builder every edge array goes through: an edge array ->
 * counting sort by source -> sorted rows without loops or duplicates, the
 * CSR of graph.h. Over the threads, and the same CSR for any number of
 * them: the rows are split into parts of consecutive nodes, one a thread;
 * each part reads the whole edge array and counts, then places, only the
 * arcs of its own rows, in the array's order, so every row is what one
 * pass would make of it, with no two threads writing one word and no
 * atomics (an earlier atomic builder of the Erdos-Renyi generator was
 * slower than one thread: every arc a locked read-modify-write of a random
 * line). Rows are then sorted and deduplicated part by part.
 * Workload: once at set-up, for graphs up to some 1e9 arcs: it sorts in
 * place and keeps only the edge array (8 bytes an edge) besides the CSR;
 * each part reads the edge array, a sequential read, once per pass.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"
#include "memory.h"

/* The parts the rows are split into: one a thread, at most one a node. */
static int count_parts(uint32_t nodes) {
    int threads = omp_get_max_threads();
    return nodes < 2 ? 1 : threads < 1 ? 1 : (uint32_t)threads > nodes ? (int)nodes : threads;
}

/* Part `part` of `parts` holds rows first(part) .. first(part + 1) - 1. */
static uint32_t first_row(uint32_t nodes, int part, int parts) {
    return (uint32_t)((uint64_t)nodes * (uint64_t)part / (uint64_t)parts);
}

/* Counts each row's arcs into offsets[v + 1] (self-loops skipped and
 * counted), part by part, then turns the counts into row starts. */
static void csr_count(wom_graph_t *graph, const edge_list_t *edges, int parts) {
    uint64_t *offsets = graph->offsets, loops = 0;
    const bool directed = graph->directed;
#pragma omp parallel for schedule(static, 1) reduction(+ : loops)
    for (int part = 0; part < parts; part++) {
        uint32_t first = first_row(graph->nodes, part, parts);
        uint32_t rows = first_row(graph->nodes, part + 1, parts) - first;
        for (uint64_t e = 0; e < edges->count; e++) {
            uint32_t from = edges->pairs[2 * e], to = edges->pairs[2 * e + 1];
            bool mine = from - first < rows; /* unsigned: below first wraps high */
            if (from == to) {
                loops += mine;
                continue;
            }
            if (mine) {
                offsets[from + 1]++;
            }
            if (!directed && to - first < rows) {
                offsets[to + 1]++;
            }
        }
    }
    graph->loops_dropped += loops;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        offsets[v + 1] += offsets[v];
    }
    graph->arcs = offsets[graph->nodes];
}

/* Places every arc in its row, part by part, using offsets[v] as row v's
 * write cursor; afterwards offsets[v] is the end of row v, so one shift
 * restores starts. */
static void csr_fill(wom_graph_t *graph, const edge_list_t *edges, int parts) {
    uint64_t *cursor = graph->offsets;
    uint32_t *targets = graph->targets;
    const bool directed = graph->directed;
#pragma omp parallel for schedule(static, 1)
    for (int part = 0; part < parts; part++) {
        uint32_t first = first_row(graph->nodes, part, parts);
        uint32_t rows = first_row(graph->nodes, part + 1, parts) - first;
        for (uint64_t e = 0; e < edges->count; e++) {
            uint32_t from = edges->pairs[2 * e], to = edges->pairs[2 * e + 1];
            if (from == to) {
                continue;
            }
            if (from - first < rows) {
                targets[cursor[from]++] = to;
            }
            if (!directed && to - first < rows) {
                targets[cursor[to]++] = from;
            }
        }
    }
    memmove(graph->offsets + 1, graph->offsets, (size_t)graph->nodes * sizeof *graph->offsets);
    graph->offsets[0] = 0;
}

int wom_graph_compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Rows up to this long are sorted by insertion: most rows are short, and
 * qsort's call per comparison costs more than the few moves. */
enum { INSERTION_SORT_UP_TO = 32 };

static void sort_row(uint32_t *row, uint64_t length) {
    if (length > INSERTION_SORT_UP_TO) {
        qsort(row, length, sizeof *row, wom_graph_compare_u32);
        return;
    }
    for (uint64_t i = 1; i < length; i++) {
        uint32_t value = row[i];
        uint64_t j = i;
        for (; j > 0 && row[j - 1] > value; j--) {
            row[j] = row[j - 1];
        }
        row[j] = value;
    }
}

/* What sorting a part's rows left: their arcs kept, compacted from the
 * part's first arc, and the repeats dropped. */
typedef struct {
    uint64_t start, kept, duplicates;
    uint32_t max_degree;
} part_rows_t;

/* Sorts rows first .. end - 1 and removes repeated targets, compacting
 * them from the part's first arc; offsets[v + 1] becomes row v's end
 * counted from there. The part's first and last bounds (offsets[first],
 * offsets[end]) come from `part`, as a neighbouring part writes them. An
 * undirected duplicate shows in both of its rows: it is counted once, in
 * the row of its smaller end. */
static void sort_part(wom_graph_t *graph, uint32_t first, uint32_t end, uint64_t part_end,
                      part_rows_t *part) {
    uint32_t *targets = graph->targets;
    uint64_t write = part->start, begin = part->start;
    for (uint32_t v = first; v < end; v++) {
        uint64_t row_end = v + 1 < end ? graph->offsets[v + 1] : part_end;
        uint64_t row_start = write;
        sort_row(targets + begin, row_end - begin);
        for (uint64_t i = begin; i < row_end; i++) {
            if (i > begin && targets[i] == targets[i - 1]) {
                part->duplicates += graph->directed || v < targets[i];
                continue;
            }
            targets[write++] = targets[i];
        }
        graph->offsets[v + 1] = write - part->start;
        uint64_t degree = write - row_start;
        part->max_degree = degree > part->max_degree ? (uint32_t)degree : part->max_degree;
        begin = row_end;
    }
    part->kept = write - part->start;
}

/* Sorts and deduplicates every part's rows over the threads, then moves
 * the parts together (only when repeats were dropped) and makes the
 * offsets absolute. */
static void csr_sort_dedupe(wom_graph_t *graph, int parts, part_rows_t *rows) {
    const uint32_t nodes = graph->nodes;
    for (int part = 0; part <= parts; part++) {
        rows[part] = (part_rows_t){.start = graph->offsets[first_row(nodes, part, parts)]};
    }
#pragma omp parallel for schedule(static, 1)
    for (int part = 0; part < parts; part++) {
        sort_part(graph, first_row(nodes, part, parts), first_row(nodes, part + 1, parts),
                  rows[part + 1].start, &rows[part]);
    }
    uint64_t start = 0;
    for (int part = 0; part < parts; part++) {
        if (start != rows[part].start) { /* earlier parts dropped repeats */
            memmove(graph->targets + start, graph->targets + rows[part].start,
                    rows[part].kept * sizeof *graph->targets);
        }
        rows[part].start = start;
        start += rows[part].kept;
        graph->duplicates_dropped += rows[part].duplicates;
        graph->max_degree =
            rows[part].max_degree > graph->max_degree ? rows[part].max_degree : graph->max_degree;
    }
#pragma omp parallel for schedule(static, 1)
    for (int part = 0; part < parts; part++) {
        for (uint32_t v = first_row(nodes, part, parts); v < first_row(nodes, part + 1, parts);
             v++) {
            graph->offsets[v + 1] += rows[part].start;
        }
    }
    graph->offsets[0] = 0;
    graph->arcs = start;
}

/* The CSR's targets for graph->arcs arcs; false when memory is short (or
 * the size would not fit in a size_t). */
bool wom_graph_alloc_targets(wom_graph_t *graph) {
    graph->targets = graph->arcs <= SIZE_MAX / sizeof *graph->targets
                         ? wom_memory_alloc(graph->arcs * sizeof *graph->targets)
                         : NULL;
    return graph->targets != NULL;
}

/* Builds the CSR of `edges` over `nodes` nodes. The only failure is memory. */
wom_status wom_graph_build_csr(uint32_t nodes, bool directed, const edge_list_t *edges,
                               wom_graph_t **out) {
    int parts = count_parts(nodes);
    wom_graph_t *graph = wom_graph_alloc(nodes, directed);
    part_rows_t *rows = malloc(((size_t)parts + 1) * sizeof *rows);
    if (graph == NULL || rows == NULL) {
        wom_graph_free(graph);
        free(rows);
        return WOM_ENOMEM;
    }
    csr_count(graph, edges, parts);
    if (!wom_graph_alloc_targets(graph)) {
        wom_graph_free(graph);
        free(rows);
        return WOM_ENOMEM;
    }
    csr_fill(graph, edges, parts);
    csr_sort_dedupe(graph, parts, rows);
    free(rows);
    /* Shrinking cannot fail in practice; if it does, the larger block stays. */
    uint32_t *shrunk =
        realloc(graph->targets, (graph->arcs > 0 ? graph->arcs : 1) * sizeof *graph->targets);
    if (shrunk != NULL) {
        graph->targets = shrunk;
    }
    *out = graph;
    return WOM_OK;
}
