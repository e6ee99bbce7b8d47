/* bench.c: one benchmark workload of issue #6, measured in this process.
 *
 *   bench WORKLOAD THREADS   (WORKLOAD: W1 .. W5, see workloads[] below)
 *
 * prints one CSV row (the header with `bench --header`): wall seconds of
 * the graph build and of the simulation, rates, peak RSS, bytes per agent
 * and per edge, and the nodes per second of a plain BFS over the same CSR
 * graph timed in the same process, the machine's reference: figures divided
 * by it compare across noisy, shared machines. tests/bench/run.sh runs every
 * workload in its own process (so peak RSS is the workload's) and makes the
 * table. The simulation goes through the library (graph build and model
 * steps, as `womsim run` does), without writing result files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/model.h"
#include "womsim/reference.h"
#include "womsim/run.h"

typedef struct {
    const char *name;
    const char *what;
    const char *scenario;      /* a scenario file, or NULL for the defaults */
    const char *overrides[12]; /* --set assignments, NULL-terminated */
} workload_t;

static const workload_t workloads[] = {
    {"W1",
     "class: baseline, 100 replications",
     "configs/baseline.ini",
     {"simulation.replications=100", NULL}},
    {"W2",
     "city: wom on Barabasi-Albert, m = 5",
     NULL,
     {"network.model=barabasi-albert", "network.nodes=1000000", "network.m=5",
      "simulation.replications=1", NULL}},
    {"W3",
     "cascade: ic on Erdos-Renyi, p = 0.2, 20 outbreaks",
     NULL,
     {"model.kind=ic", "network.model=erdos-renyi", "network.nodes=1000000",
      "network.mean_degree=10", "ic.p=0.2", "ic.seeds=1", "simulation.replications=20",
      "simulation.steps=100", NULL}},
    {"W4",
     "sweep: baseline, 50 points x 20 replications",
     "configs/baseline.ini",
     {"simulation.replications=20", "service.quality=0.50:0.99:0.01", NULL}},
    {"W5",
     "country: wom on Erdos-Renyi, mean degree 10",
     NULL,
     {"network.model=erdos-renyi", "network.nodes=10000000", "network.mean_degree=10",
      "simulation.replications=1", NULL}},
};

static double clock_seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void) {
    return clock_seconds(CLOCK_MONOTONIC);
}

/* CPU time of every thread of the process: unlike wall time, it does not
 * grow when other processes take turns on the cores. */
static double cpu_now(void) {
    return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static void die(const char *what, const wom_error_t *error) {
    fprintf(stderr, "bench: %s: %s\n", what, error != NULL ? error->message : "failed");
    exit(70);
}

/* One BFS from `source`; returns the nodes reached. `queue` has room for
 * every node, `seen` is zeroed by the caller. */
static uint32_t bfs(const wom_graph_t *graph, uint32_t source, uint32_t *queue, uint8_t *seen) {
    uint32_t head = 0, tail = 0;
    queue[tail++] = source;
    seen[source] = 1;
    while (head < tail) {
        uint32_t v = queue[head++];
        for (uint64_t arc = graph->offsets[v]; arc < graph->offsets[v + 1]; arc++) {
            uint32_t w = graph->targets[arc];
            if (!seen[w]) {
                seen[w] = 1;
                queue[tail++] = w;
            }
        }
    }
    return tail;
}

/* Nodes per second of a plain BFS over `graph`, repeated for at least
 * 0.3 s from successive sources. */
static double bfs_rate(const wom_graph_t *graph) {
    uint32_t *queue = malloc((size_t)graph->nodes * sizeof *queue);
    uint8_t *seen = malloc(graph->nodes);
    if (queue == NULL || seen == NULL) {
        die("bfs", NULL);
    }
    double reached = 0, start = now(), elapsed = 0;
    for (uint32_t source = 0; elapsed < 0.3; source = (source + 7919) % graph->nodes) {
        memset(seen, 0, graph->nodes);
        reached += bfs(graph, source, queue, seen);
        elapsed = now() - start;
    }
    free(queue);
    free(seen);
    return reached / elapsed;
}

static const workload_t *find_workload(const char *name) {
    for (size_t i = 0; i < sizeof workloads / sizeof *workloads; i++) {
        if (strcmp(workloads[i].name, name) == 0) {
            return &workloads[i];
        }
    }
    return NULL;
}

static wom_config_t *load(const workload_t *workload) {
    wom_config_t *config = NULL;
    wom_error_t error = {0};
    if (wom_config_alloc(&config) != WOM_OK) {
        die("config", NULL);
    }
    if (workload->scenario != NULL && wom_config_read_file(config, workload->scenario, &error)) {
        die(workload->scenario, &error);
    }
    for (const char *const *set = workload->overrides; *set != NULL; set++) {
        if (wom_config_set(config, *set, &error) != WOM_OK) {
            die(*set, &error);
        }
    }
    return config;
}

/* What the simulation did, summed over every task. */
typedef struct {
    double agent_steps, messages, activations, edge_trials;
} totals_t;

/* ic: one outbreak's activated nodes (no longer susceptible) and the arcs
 * they scan, read from the model's reached set. */
static void count_cascade(const wom_model_t *model, totals_t *totals) {
    for (uint32_t v = 0; v < model->agents; v++) {
        if (wom_reference_reached(model, v)) {
            totals->activations += 1;
            totals->edge_trials += (double)wom_graph_degree(model->graph, v);
        }
    }
}

/* ic runs its tasks one after the other on one model split over the
 * threads, so that the final states of each outbreak can be counted.
 * Returns the wall seconds of the outbreaks alone (seeding, clearing and
 * steps; not the counting). */
static double run_cascades(const wom_scenario_t *scenario, const wom_graph_t *graph, int threads,
                           totals_t *totals) {
    wom_model_t *model = NULL;
    if (wom_model_alloc(scenario, graph, threads, &model) != WOM_OK) {
        die("model", NULL);
    }
    uint32_t steps = (uint32_t)scenario->simulation.steps;
    double seconds = 0;
    for (uint32_t task = 0; task < (uint32_t)scenario->simulation.replications; task++) {
        wom_metrics_row_t row;
        double start = now();
        wom_model_reset(model, task, &row);
        for (uint32_t t = 1; t <= steps; t++) {
            wom_model_step(model, &row);
        }
        seconds += now() - start;
        count_cascade(model, totals);
        totals->agent_steps += (double)steps * graph->nodes;
    }
    wom_model_free(model);
    return seconds;
}

static void run_points(const wom_config_t *config, const wom_graph_t *graph, int threads,
                       totals_t *totals) {
    size_t points = wom_config_points(config);
    for (size_t point = 0; point < points; point++) {
        wom_scenario_t scenario;
        wom_error_t error = {0};
        wom_run_result_t result = {0};
        if (wom_config_scenario(config, point, &scenario, &error) != WOM_OK) {
            die("scenario", &error);
        }
        if (wom_run_point(&scenario, graph, (uint32_t)point, threads, NULL, NULL, &result)) {
            die("run", NULL);
        }
        for (uint32_t r = 0; r < result.replications; r++) {
            for (uint32_t t = 1; t <= result.steps; t++) {
                const wom_metrics_row_t *row = wom_run_row(&result, r, t);
                totals->messages +=
                    (double)(row->count[WOM_M_MSGS_POS] + row->count[WOM_M_MSGS_NEG]);
            }
        }
        totals->agent_steps += (double)result.replications * result.steps * graph->nodes;
        wom_run_result_destroy(&result);
    }
}

/* The bytes of one model of the workload (one per thread when whole
 * replications run side by side). */
static double one_model_bytes(const wom_scenario_t *scenario, const wom_graph_t *graph) {
    wom_model_t *model = NULL;
    if (wom_model_alloc(scenario, graph, 1, &model) != WOM_OK) {
        die("model", NULL);
    }
    double bytes = (double)wom_model_bytes(model);
    wom_model_free(model);
    return bytes;
}

static double peak_rss_bytes(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return 1024.0 * (double)usage.ru_maxrss;
}

static const char header[] =
    "workload,agents,edges,steps,replications,points,threads,graph_s,run_s,wall_s,run_cpu_s,"
    "agent_steps_per_s,messages_per_s,activations_per_s,edge_trials_per_s,peak_rss_mb,"
    "graph_bytes_per_edge,model_bytes_per_agent,bfs_nodes_per_s,ratio_to_bfs";

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--header") == 0) {
        puts(header);
        return 0;
    }
    const workload_t *workload = argc == 3 ? find_workload(argv[1]) : NULL;
    int threads = argc == 3 ? atoi(argv[2]) : 0;
    if (workload == NULL || threads < 1) {
        fprintf(stderr, "usage: bench --header | bench W1..W5 THREADS\n");
        return 64;
    }
    wom_config_t *config = load(workload);
    wom_scenario_t scenario;
    wom_error_t error = {0};
    if (wom_config_scenario(config, 0, &scenario, &error) != WOM_OK) {
        die("scenario", &error);
    }
    double start = now();
    wom_graph_t *graph = NULL;
    if (wom_graph_build(&scenario, 0, &graph, &error) != WOM_OK) {
        die("graph", &error);
    }
    double built = now(), cpu_built = cpu_now();
    totals_t totals = {0};
    double run_s;
    if (scenario.model.kind == WOM_KIND_IC) {
        run_s = run_cascades(&scenario, graph, threads, &totals);
    } else {
        run_points(config, graph, threads, &totals);
        run_s = now() - built;
    }
    double cpu_s = cpu_now() - cpu_built;
    double wall_s = built - start + run_s;
    double bfs = bfs_rate(graph);
    double graph_bytes = (double)wom_graph_bytes(graph);
    double edges = graph->directed ? (double)graph->arcs : (double)graph->arcs / 2;
    /* Per edge: the CSR's targets; per agent: the rest of the graph (row
     * offsets, segments) and the model's arrays. */
    double target_bytes = 4.0 * (double)graph->arcs;
    double model_bytes = one_model_bytes(&scenario, graph);
    /* The headline rate of the workload: activations for the cascade,
     * agent-steps for the wom kind. */
    double rate = totals.activations > 0 ? totals.activations / run_s : totals.agent_steps / run_s;
    printf(
        "%s,%u,%.0f,%lld,%lld,%zu,%d,%.3f,%.3f,%.3f,%.3f,%.4g,%.4g,%.4g,%.4g,%.1f,%.2f,%.2f,%.4g,"
        "%.3f\n",
        workload->name, graph->nodes, edges, (long long)scenario.simulation.steps,
        (long long)scenario.simulation.replications, wom_config_points(config), threads,
        built - start, run_s, wall_s, cpu_s, totals.agent_steps / run_s, totals.messages / run_s,
        totals.activations / run_s, totals.edge_trials / run_s, peak_rss_bytes() / 1e6,
        target_bytes / (edges > 0 ? edges : 1),
        (graph_bytes - target_bytes + model_bytes) / graph->nodes, bfs, rate / bfs);
    wom_graph_free(graph);
    wom_config_free(config);
    return 0;
}
