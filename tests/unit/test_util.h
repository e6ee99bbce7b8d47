/* test_util.h: helpers shared by the unit tests: a double-precision
 * assert (cmocka 1.1's assert_float_equal compares floats), hand-built
 * graphs, the default scenario, a plain model run, and temporary folders.
 * Header-only, with static inline functions, so each test program takes
 * what it uses.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_TEST_UTIL_H
#define WOMSIM_TEST_UTIL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "womsim/womsim.h"

/* Fails unless |actual - expected| <= tolerance, printing both. */
#define assert_near(actual, expected, tolerance)                                                   \
    do {                                                                                           \
        double actual_ = (actual), expected_ = (expected);                                         \
        if (!(fabs(actual_ - expected_) <= (tolerance))) {                                         \
            print_error("%s = %.17g, expected %.17g within %g\n", #actual, actual_, expected_,     \
                        (double)(tolerance));                                                      \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* The complete graph, or a ring where each node links to its `reach`
 * nearest nodes on each side; rows ascending, as the CSR requires. */
static inline wom_graph_t *make_graph(uint32_t nodes, uint32_t reach, bool complete) {
    wom_graph_t *graph = calloc(1, sizeof *graph);
    assert_non_null(graph);
    uint32_t degree = complete ? nodes - 1 : 2 * reach;
    graph->nodes = nodes;
    graph->arcs = (uint64_t)nodes * degree;
    graph->offsets = malloc((nodes + 1) * sizeof(uint64_t));
    graph->targets = malloc(graph->arcs * sizeof(uint32_t) + 1);
    graph->segment = calloc(nodes, 1);
    graph->max_degree = degree;
    for (uint32_t v = 0; v <= nodes; v++) {
        graph->offsets[v] = (uint64_t)v * degree;
    }
    for (uint32_t v = 0; v < nodes; v++) {
        uint32_t *row = graph->targets + graph->offsets[v], n = 0;
        for (uint32_t u = 0; u < nodes; u++) {
            uint32_t distance = u > v ? u - v : v - u;
            distance = distance < nodes - distance ? distance : nodes - distance;
            if (u != v && (complete || distance <= reach)) {
                row[n++] = u;
            }
        }
        assert_int_equal(n, degree);
    }
    return graph;
}

/* Every key at its default. */
static inline wom_scenario_t default_scenario(void) {
    wom_config_t *config = NULL;
    wom_scenario_t scenario;
    assert_int_equal(wom_config_alloc(&config), WOM_OK);
    assert_int_equal(wom_config_scenario(config, 0, &scenario, NULL), WOM_OK);
    wom_config_free(config);
    return scenario;
}

/* Rows 0..steps of task `task` with `threads` workers (malloc'd). */
static inline wom_metrics_row_t *simulate(const wom_scenario_t *scenario, const wom_graph_t *graph,
                                          int threads, uint32_t task, uint32_t steps) {
    wom_model_t *model = NULL;
    assert_int_equal(wom_model_alloc(scenario, graph, threads, &model), WOM_OK);
    wom_metrics_row_t *rows = calloc(steps + 1, sizeof *rows);
    wom_model_reset(model, task, &rows[0]);
    for (uint32_t t = 1; t <= steps; t++) {
        wom_model_step(model, &rows[t]);
    }
    wom_model_free(model);
    return rows;
}

/* ---- temporary folders ---- */

/* A new empty folder under /tmp named after `purpose` (malloc'd). */
static inline char *make_temp_dir_for(const char *purpose) {
    size_t size = strlen(purpose) + 32;
    char *dir = malloc(size);
    assert_non_null(dir);
    snprintf(dir, size, "/tmp/womsim-test-%s-XXXXXX", purpose);
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* dir/name (malloc'd). */
static inline char *join(const char *dir, const char *name) {
    size_t dir_length = strlen(dir), name_length = strlen(name);
    char *path = malloc(dir_length + name_length + 2);
    assert_non_null(path);
    memcpy(path, dir, dir_length);
    path[dir_length] = '/';
    memcpy(path + dir_length + 1, name, name_length + 1);
    return path;
}

/* Removes `path` and everything under it (no symlinks are made here). */
static inline void remove_tree(const char *path) {
    struct stat info;
    if (lstat(path, &info) != 0) {
        return;
    }
    if (S_ISDIR(info.st_mode)) {
        DIR *folder = opendir(path);
        assert_non_null(folder);
        for (struct dirent *entry; (entry = readdir(folder)) != NULL;) {
            if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
                char *child = join(path, entry->d_name);
                remove_tree(child);
                free(child);
            }
        }
        closedir(folder);
        assert_int_equal(rmdir(path), 0);
    } else {
        assert_int_equal(unlink(path), 0);
    }
}

#endif
