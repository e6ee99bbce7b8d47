/* ceiling.c: the benchmark's ceiling for W7 (docs/performance.md): the
 * least a C program does to read a SNAP edge list into a CSR and run the
 * independent cascade that `womsim run` runs with model.kind = ic, on one
 * thread and with none of womsim's checks, outputs or provenance.
 *
 *   ceiling FILE SCENARIO [KEY=VALUE ...]
 *
 * reads FILE whole (read(2)), scans it by hand (comment lines skipped, no
 * other check), numbers the ids in order of first appearance through an
 * array (as womsim does for dense ids, so the graph is the same), builds
 * the CSR (counting sort, rows sorted, duplicates and self-loops dropped),
 * then runs the scenario's replications one after the other through
 * womsim's own cascade kernel (wom_model_reset and wom_model_step, on one
 * thread): the same cascade at the same cost, so that the ratio of
 * `womsim run` to this program measures what womsim spends beyond the
 * kernel (its reader, checks, task files, outputs, provenance). Prints one
 * CSV line: nodes, edges, read seconds, CSR seconds, cascade seconds, total
 * seconds, nodes ever activated.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/model.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *must(void *p) {
    if (p == NULL) {
        fprintf(stderr, "ceiling: out of memory\n");
        exit(70);
    }
    return p;
}

/* The file's bytes and an LF after them. */
static char *read_file(const char *path, size_t *size) {
    int fd = open(path, O_RDONLY);
    struct stat info;
    if (fd < 0 || fstat(fd, &info) != 0) {
        perror(path);
        exit(66);
    }
    char *text = must(malloc((size_t)info.st_size + 1));
    size_t got = 0;
    for (ssize_t n; got < (size_t)info.st_size &&
                    (n = read(fd, text + got, (size_t)info.st_size - got)) > 0;) {
        got += (size_t)n;
    }
    close(fd);
    text[got] = '\n';
    *size = got;
    return text;
}

typedef struct {
    uint32_t nodes;
    uint64_t edges; /* edge e joins pairs[2e] and pairs[2e + 1] */
    uint32_t *pairs;
} edges_t;

static uint64_t scan_id(const char **at) {
    const char *p = *at;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    uint64_t value = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        value = 10 * value + (uint64_t)(*p - '0');
    }
    *at = p;
    return value;
}

/* The index of `id` in order of first appearance (ids below `limit`). */
static uint32_t index_of(uint32_t **map, uint64_t *limit, uint32_t *nodes, uint64_t id) {
    if (id >= *limit) {
        uint64_t grown = *limit * 2 > id ? *limit * 2 : id + 1;
        *map = must(realloc(*map, grown * sizeof **map));
        memset(*map + *limit, 0xff, (grown - *limit) * sizeof **map);
        *limit = grown;
    }
    if ((*map)[id] == UINT32_MAX) {
        (*map)[id] = (*nodes)++;
    }
    return (*map)[id];
}

static edges_t parse(const char *text, size_t size) {
    edges_t edges = {0, 0, must(malloc(size / 2 * sizeof(uint32_t)))}; /* >= 4 bytes a line */
    uint64_t limit = 1 << 20;
    uint32_t *map = must(malloc(limit * sizeof *map));
    memset(map, 0xff, limit * sizeof *map);
    for (const char *p = text, *end = text + size; p < end;) {
        if (*p == '#') {
            p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
            continue;
        }
        uint64_t from = scan_id(&p), to = scan_id(&p);
        while (*p != '\n') {
            p++;
        }
        p++;
        edges.pairs[2 * edges.edges] = index_of(&map, &limit, &edges.nodes, from);
        edges.pairs[2 * edges.edges + 1] = index_of(&map, &limit, &edges.nodes, to);
        edges.edges++;
    }
    free(map);
    return edges;
}

typedef struct {
    uint32_t nodes;
    uint64_t *offsets;
    uint32_t *targets;
} csr_t;

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Insertion sort for the short rows most are, qsort for the rest. */
static void sort_row(uint32_t *row, uint64_t length) {
    if (length > 32) {
        qsort(row, length, sizeof *row, compare_u32);
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

/* Undirected: both arcs of each edge, rows sorted, duplicates and loops
 * dropped. */
static csr_t build_csr(const edges_t *edges) {
    csr_t csr = {edges->nodes, must(calloc((size_t)edges->nodes + 1, sizeof(uint64_t))), NULL};
    for (uint64_t e = 0; e < edges->edges; e++) {
        uint32_t a = edges->pairs[2 * e], b = edges->pairs[2 * e + 1];
        if (a != b) {
            csr.offsets[a + 1]++;
            csr.offsets[b + 1]++;
        }
    }
    for (uint32_t v = 0; v < csr.nodes; v++) {
        csr.offsets[v + 1] += csr.offsets[v];
    }
    csr.targets = must(malloc(csr.offsets[csr.nodes] * sizeof *csr.targets + 1));
    uint64_t *cursor = must(malloc((size_t)csr.nodes * sizeof *cursor));
    memcpy(cursor, csr.offsets, (size_t)csr.nodes * sizeof *cursor);
    for (uint64_t e = 0; e < edges->edges; e++) {
        uint32_t a = edges->pairs[2 * e], b = edges->pairs[2 * e + 1];
        if (a != b) {
            csr.targets[cursor[a]++] = b;
            csr.targets[cursor[b]++] = a;
        }
    }
    free(cursor);
    uint64_t write = 0;
    for (uint32_t v = 0; v < csr.nodes; v++) {
        uint64_t begin = csr.offsets[v], end = csr.offsets[v + 1];
        sort_row(csr.targets + begin, end - begin);
        csr.offsets[v] = write;
        for (uint64_t i = begin; i < end; i++) {
            if (i == begin || csr.targets[i] != csr.targets[i - 1]) {
                csr.targets[write++] = csr.targets[i];
            }
        }
    }
    csr.offsets[csr.nodes] = write;
    return csr;
}

/* The scenario of the workload: SCENARIO with the KEY=VALUE overrides. */
static wom_scenario_t scenario_of(const char *path, int count, char **sets) {
    wom_config_t *config = NULL;
    wom_error_t error = {0};
    wom_scenario_t scenario;
    if (wom_config_alloc(&config) != WOM_OK ||
        wom_config_read_file(config, path, &error) != WOM_OK) {
        fprintf(stderr, "ceiling: %s: %s\n", path, error.message);
        exit(78);
    }
    for (int i = 0; i < count; i++) {
        if (wom_config_set(config, sets[i], &error) != WOM_OK) {
            fprintf(stderr, "ceiling: %s: %s\n", sets[i], error.message);
            exit(78);
        }
    }
    if (wom_config_scenario(config, 0, &scenario, &error) != WOM_OK) {
        fprintf(stderr, "ceiling: %s\n", error.message);
        exit(78);
    }
    wom_config_free(config);
    return scenario;
}

/* The replications of `scenario` on `csr`, one after the other on one
 * thread, through womsim's own kernel (as womsim's tasks run it); returns
 * the nodes ever activated. */
static double run_cascades(const wom_scenario_t *scenario, const csr_t *csr) {
    wom_graph_t graph = {.nodes = csr->nodes,
                         .arcs = csr->offsets[csr->nodes],
                         .offsets = csr->offsets,
                         .targets = csr->targets};
    wom_model_t *model = NULL;
    uint32_t steps = (uint32_t)scenario->simulation.steps;
    wom_metrics_row_t *rows = must(calloc(steps + 1, sizeof *rows));
    if (wom_model_alloc(scenario, &graph, 1, &model) != WOM_OK) {
        fprintf(stderr, "ceiling: no model\n");
        exit(70);
    }
    double activations = 0;
    for (uint32_t r = 0; r < (uint32_t)scenario->simulation.replications; r++) {
        wom_model_reset(model, r, &rows[0]);
        for (uint32_t t = 1; t <= steps; t++) {
            wom_model_step(model, &rows[t]);
        }
        activations += (double)(graph.nodes - rows[steps].count[WOM_M_SUSCEPTIBLE]);
    }
    wom_model_free(model);
    free(rows);
    return activations;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: ceiling FILE SCENARIO [KEY=VALUE ...]\n");
        return 64;
    }
    wom_scenario_t scenario = scenario_of(argv[2], argc - 3, argv + 3);
    double start = now();
    size_t size;
    char *text = read_file(argv[1], &size);
    edges_t edges = parse(text, size);
    free(text);
    double parsed = now();
    csr_t csr = build_csr(&edges);
    free(edges.pairs);
    double built = now();
    double activations = run_cascades(&scenario, &csr);
    double done = now();
    printf("%u,%llu,%.3f,%.3f,%.3f,%.3f,%.0f\n", csr.nodes,
           (unsigned long long)csr.offsets[csr.nodes] / 2, parsed - start, built - parsed,
           done - built, done - start, activations);
    free(csr.offsets);
    free(csr.targets);
    return 0;
}
