/* bench.c: one benchmark workload, measured in this process.
 *
 *   bench WORKLOAD THREADS   (WORKLOAD: W1 .. W7, W8-*, see workloads[] below)
 *
 * prints one CSV row (the header with `bench --header`). The workload runs
 * on the path `womsim run --no-plot` takes: a batch of the library
 * (wom_batch_run, which builds the graph and runs the tasks into task
 * files, then wom_output_write_batch, which writes the outputs), into a
 * temporary folder. The row gives the wall seconds of the graph build, of
 * the tasks and of the outputs, rates, peak RSS, bytes per agent and per
 * edge, and the nodes per second of a plain BFS over the same graph timed in
 * the same process, the machine's reference: figures divided by it compare
 * across noisy, shared machines. W7 also gives the SNAP reader's MB/s
 * alone and its wall time over that of the ceiling program
 * (tests/bench/ceiling.c, its path in $CEILING), run after it on the same
 * file, the reader's scanner alone at the row's threads, and the same
 * graph loaded from GAP's serialized CSR (.sg, made once from the file):
 * its seconds and the SNAP reader's over them, in the same process. tests/bench/run.sh runs every
 * workload in its own process (so peak RSS is the workload's) and makes the table.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "graph_internal.h"
#include "womsim/aggregate.h"
#include "womsim/batch.h"
#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/model.h"
#include "womsim/output.h"

/* W7's edge list, made by make_w7_file if absent. */
#define W7_FILE "out/bench/er-1m.txt"
/* The same graph as GAP's serialized CSR, made from W7_FILE if absent. */
#define W7_SG_FILE "out/bench/er-1m.sg"

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
    {"W6",
     "screening: Morris on the baseline, 8 keys x 10 trajectories (docs/explore.md)",
     "configs/baseline.ini",
     {"design.method=morris", "simulation.common_random_numbers=true", "service.quality=0.8:0.95",
      "wom.satisfied_tell_mean=3:7", "wom.dissatisfied_tell_mean=7:15",
      "wom.routine_tell_prob=0.3:0.8", "wom.weak_tie_share=0.1:0.5",
      "recovery.complain_rate=0.02:0.2", "online.consult_rate=0:0.02",
      "model.attitude_half_life=20:90", NULL}},
    {"W7",
     "file: ic as W3 on a 69 MB SNAP edge list (Erdos-Renyi, 1M nodes, 5M edges)",
     NULL,
     {"model.kind=ic", "network.model=file", "network.file=" W7_FILE, "ic.p=0.2", "ic.seeds=1",
      "simulation.replications=20", "simulation.steps=100", NULL}},
    /* W8: each generator alone at a million nodes (its graph_s column; a
     * single day simulated so that the row is a batch like the others). */
    {"W8-er",
     "generate: Erdos-Renyi, 1M nodes, mean degree 10",
     NULL,
     {"network.model=erdos-renyi", "network.nodes=1000000", "network.mean_degree=10",
      "simulation.replications=1", "simulation.steps=1", NULL}},
    {"W8-ws",
     "generate: Watts-Strogatz, 1M nodes, mean degree 10, rewire 0.1",
     NULL,
     {"network.model=watts-strogatz", "network.nodes=1000000", "network.mean_degree=10",
      "simulation.replications=1", "simulation.steps=1", NULL}},
    {"W8-ba",
     "generate: Barabasi-Albert, 1M nodes, m = 5",
     NULL,
     {"network.model=barabasi-albert", "network.nodes=1000000", "network.m=5",
      "simulation.replications=1", "simulation.steps=1", NULL}},
    {"W8-cm",
     "generate: configuration model, 1M nodes, power law 2.5, min degree 2",
     NULL,
     {"network.model=configuration", "network.nodes=1000000", "simulation.replications=1",
      "simulation.steps=1", NULL}},
    {"W8-sbm",
     "generate: SBM, 4 blocks of 250,000, mean degree about 10",
     NULL,
     {"network.model=sbm", "network.blocks=250000,250000,250000,250000", "network.p_in=3.6e-5",
      "network.p_out=1.3e-6", "simulation.replications=1", "simulation.steps=1", NULL}},
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

/* What the tasks did, summed over every task: read back from their task
 * files after the timed part. */
typedef struct {
    double agent_steps, messages, activations;
} totals_t;

static void add_task(const wom_batch_t *batch, const wom_metrics_row_t *rows, uint32_t steps,
                     uint32_t agents, totals_t *totals) {
    totals->agent_steps += (double)steps * agents;
    if (batch->first.model.kind == WOM_KIND_IC) {
        /* nodes ever activated: no longer susceptible at the last step */
        totals->activations += (double)(agents - rows[steps].count[WOM_M_SUSCEPTIBLE]);
        return;
    }
    for (uint32_t t = 1; t <= steps; t++) {
        totals->messages += (double)(rows[t].count[WOM_M_MSGS_POS] + rows[t].count[WOM_M_MSGS_NEG]);
    }
}

static totals_t count_tasks(const wom_batch_t *batch) {
    totals_t totals = {0};
    for (uint32_t run_id = 0; run_id < wom_batch_tasks(&batch->plan); run_id++) {
        wom_scenario_t scenario;
        wom_error_t error = {0};
        uint32_t point = wom_batch_point(&batch->plan, run_id), agents = 0;
        if (wom_config_scenario(batch->config, point, &scenario, &error) != WOM_OK) {
            die("scenario", &error);
        }
        wom_batch_task_t task = {.run_id = run_id, .steps = (uint32_t)scenario.simulation.steps};
        memcpy(task.scenario_hash, batch->hash, sizeof task.scenario_hash);
        wom_metrics_row_t *rows = calloc(task.steps + 1, sizeof *rows);
        if (rows == NULL ||
            wom_batch_read_task(batch->options.dir, &task, rows, &agents, &error) != WOM_OK) {
            die("task file", &error);
        }
        add_task(batch, rows, task.steps, agents, &totals);
        free(rows);
    }
    return totals;
}

/* The timed part: the batch as `womsim run --no-plot` runs it. */
typedef struct {
    double graph_s, run_s, output_s, wall_s, cpu_s;
} times_t;

static times_t run_batch(wom_batch_t *batch) {
    wom_error_t error = {0};
    double start = now(), cpu_start = cpu_now();
    if (wom_batch_run(batch, &error) != WOM_OK) {
        die("run", &error);
    }
    double ran = now();
    wom_aggregate_t results;
    if (wom_aggregate_init(&results, batch) != WOM_OK ||
        wom_output_write_batch(batch, &results, &error) != WOM_OK) {
        die("outputs", &error);
    }
    wom_aggregate_destroy(&results);
    times_t times = {.graph_s = batch->graph_seconds, .wall_s = now() - start};
    times.run_s = ran - start - times.graph_s;
    times.output_s = times.wall_s - (ran - start);
    times.cpu_s = cpu_now() - cpu_start;
    return times;
}

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *at) {
    (void)info;
    (void)type;
    (void)at;
    return remove(path);
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

/* W7's file: the Erdos-Renyi graph of W3 (1M nodes, mean degree 10, the
 * default seed) written as a SNAP edge list, about 69 MB, made once. */
static void make_w7_file(void) {
    if (access(W7_FILE, R_OK) == 0) {
        return;
    }
    static const workload_t er = {
        "W7 file",
        "",
        NULL,
        {"network.model=erdos-renyi", "network.nodes=1000000", "network.mean_degree=10", NULL}};
    wom_config_t *config = load(&er);
    wom_scenario_t scenario;
    wom_error_t error = {0};
    wom_graph_t *graph = NULL;
    if (wom_config_scenario(config, 0, &scenario, &error) != WOM_OK ||
        wom_graph_build(&scenario, 0, &graph, &error) != WOM_OK) {
        die("W7 file", &error);
    }
    FILE *out = fopen(W7_FILE ".tmp", "w");
    if (out == NULL || wom_graph_write_snap(graph, out) != WOM_OK || fclose(out) != 0 ||
        rename(W7_FILE ".tmp", W7_FILE) != 0) {
        die(W7_FILE, NULL);
    }
    wom_graph_free(graph);
    wom_config_free(config);
}

/* W7's figures beyond the batch's: the reader alone, its scanner alone,
 * the ceiling, and the same graph loaded from its .sg: seconds, and the
 * SNAP reader's seconds over them. */
typedef struct {
    double read_mb_per_s, scan_mb_per_s, ceiling_s, sg_read_s, snap_over_sg;
} file_figures_t;

/* W7_FILE read as the runs read it, written as W7_SG_FILE (same numbering). */
static void make_w7_sg_file(void) {
    if (access(W7_SG_FILE, R_OK) == 0) {
        return;
    }
    wom_graph_t *graph = NULL;
    wom_error_t error = {0};
    if (wom_graph_read_snap(W7_FILE, false, &graph, &error) != WOM_OK) {
        die(W7_FILE, &error);
    }
    FILE *out = fopen(W7_SG_FILE ".tmp", "wb");
    if (out == NULL || wom_graph_write_sg(graph, out) != WOM_OK || fclose(out) != 0 ||
        rename(W7_SG_FILE ".tmp", W7_SG_FILE) != 0) {
        die(W7_SG_FILE, NULL);
    }
    wom_graph_free(graph);
}

/* Best of three seconds of reading `path` of `format` (snap or sg). */
static double best_read_seconds(const char *path, int format) {
    double best = 1e30;
    for (int i = 0; i < 3; i++) {
        wom_graph_t *graph = NULL;
        wom_error_t error = {0};
        double start = now();
        wom_status status = format == WOM_FORMAT_SG
                                ? wom_graph_read_sg(path, false, &graph, &error)
                                : wom_graph_read_snap(path, false, &graph, &error);
        if (status != WOM_OK) {
            die(path, &error);
        }
        double seconds = now() - start;
        best = seconds < best ? seconds : best;
        wom_graph_free(graph);
    }
    return best;
}

/* The SNAP reader's scanner alone (graph_snap_scan.c) on `size` bytes of
 * `text` (an LF after them), split at line ends into a piece per thread
 * scanned in parallel, as the reader does: MB/s, best of three. */
static double scan_rate(const char *text, size_t size, int threads) {
    wom_snap_piece_t *pieces = calloc((size_t)threads, sizeof *pieces);
    size_t *starts = calloc((size_t)threads + 1, sizeof *starts);
    if (pieces == NULL || starts == NULL) {
        die("scan", NULL);
    }
    for (int p = 1; p <= threads; p++) {
        const char *lf = p < threads ? memchr(text + size / (size_t)threads * (size_t)p, '\n',
                                              size - size / (size_t)threads * (size_t)p)
                                     : NULL;
        starts[p] = lf != NULL ? (size_t)(lf - text) + 1 : size;
        pieces[p - 1] = (wom_snap_piece_t){.name = W7_FILE,
                                           .starts_input = p == 1,
                                           .stop_after = UINT64_MAX,
                                           .line = malloc(WOM_GRAPH_MAX_LINE + 1)};
    }
    double best = 1e30;
    for (int i = 0; i < 3; i++) {
        double start = now();
        int bad = 0;
#pragma omp parallel for schedule(static, 1) reduction(+ : bad)
        for (int p = 0; p < threads; p++) {
            bad += wom_graph_scan_snap(&pieces[p], text + starts[p], starts[p + 1] - starts[p]) !=
                   WOM_OK;
        }
        double seconds = now() - start;
        best = seconds < best ? seconds : best;
        if (bad) {
            die("scan", &pieces[0].error);
        }
    }
    for (int p = 0; p < threads; p++) {
        free(pieces[p].ids);
        free(pieces[p].line);
    }
    free(pieces);
    free(starts);
    return (double)size / 1e6 / best;
}

/* W7's file whole, an LF after it. */
static char *read_whole(const char *path, size_t *size) {
    FILE *in = fopen(path, "rb");
    struct stat info;
    char *text =
        in != NULL && fstat(fileno(in), &info) == 0 ? malloc((size_t)info.st_size + 1) : NULL;
    if (text == NULL || fread(text, 1, (size_t)info.st_size, in) != (size_t)info.st_size) {
        die(path, NULL);
    }
    fclose(in);
    text[info.st_size] = '\n';
    *size = (size_t)info.st_size;
    return text;
}

/* The SNAP reader alone on W7's file, best of three (the file is in the
 * page cache after the batch), and the ceiling program's total seconds
 * (its sixth field), run with the workload's keys; the scanner alone on
 * `threads` threads. */
static file_figures_t file_figures(const workload_t *workload, int threads) {
    file_figures_t figures = {0, 0, 0, 0, 0};
    size_t size;
    char *text = read_whole(W7_FILE, &size);
    figures.scan_mb_per_s = scan_rate(text, size, threads);
    free(text);
    struct stat info;
    if (stat(W7_FILE, &info) != 0) {
        die(W7_FILE, NULL);
    }
    double snap_s = best_read_seconds(W7_FILE, WOM_FORMAT_SNAP);
    figures.read_mb_per_s = (double)info.st_size / 1e6 / snap_s;
    make_w7_sg_file();
    figures.sg_read_s = best_read_seconds(W7_SG_FILE, WOM_FORMAT_SG);
    figures.snap_over_sg = snap_s / figures.sg_read_s;
    const char *ceiling = getenv("CEILING") ? getenv("CEILING") : "build/ceiling";
    char command[2048];
    int n = snprintf(command, sizeof command, "%s %s configs/baseline.ini", ceiling, W7_FILE);
    for (const char *const *set = workload->overrides; *set != NULL; set++) {
        n += snprintf(command + n, sizeof command - (size_t)n, " %s", *set);
    }
    FILE *pipe = popen(command, "r");
    double fields[6] = {0};
    if (pipe == NULL ||
        fscanf(pipe, "%lf,%lf,%lf,%lf,%lf,%lf", &fields[0], &fields[1], &fields[2], &fields[3],
               &fields[4], &fields[5]) != 6 ||
        pclose(pipe) != 0) {
        die(command, NULL);
    }
    figures.ceiling_s = fields[5];
    return figures;
}

static const char header[] =
    "workload,agents,edges,steps,replications,points,threads,graph_s,run_s,output_s,wall_s,cpu_s,"
    "agent_steps_per_s,messages_per_s,activations_per_s,peak_rss_mb,graph_bytes_per_edge,"
    "model_bytes_per_agent,bfs_nodes_per_s,ratio_to_bfs,read_mb_per_s,scan_mb_per_s,ceiling_s,"
    "ratio_to_ceiling,sg_read_s,snap_over_sg";

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--header") == 0) {
        puts(header);
        return 0;
    }
    const workload_t *workload = argc == 3 ? find_workload(argv[1]) : NULL;
    int threads = argc == 3 ? atoi(argv[2]) : 0;
    if (workload == NULL || threads < 1) {
        fprintf(stderr, "usage: bench --header | bench W1..W7|W8-GENERATOR THREADS\n");
        return 64;
    }
    bool file = strcmp(workload->name, "W7") == 0;
    if (file) {
        make_w7_file();
    }
    char dir[] = "/tmp/womsim-bench.XXXXXX";
    if (mkdtemp(dir) == NULL) {
        die("temporary folder", NULL);
    }
    wom_config_t *config = load(workload);
    wom_batch_t batch;
    wom_error_t error = {0};
    wom_batch_options_t options = {.dir = dir,
                                   .name = workload->name,
                                   .shards = 1,
                                   .max_tasks = UINT32_MAX,
                                   .threads = threads};
    if (wom_batch_init(&batch, config, &options, &error) != WOM_OK) {
        die("batch", &error);
    }
    times_t times = run_batch(&batch);
    totals_t totals = count_tasks(&batch);
    wom_scenario_t scenario = batch.first;
    uint64_t points = batch.plan.points;
    wom_batch_destroy(&batch);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    wom_graph_t *graph = NULL; /* the same graph again, for the reference and the sizes */
    if (wom_graph_build(&scenario, 0, &graph, &error) != WOM_OK) {
        die("graph", &error);
    }
    double bfs = bfs_rate(graph);
    file_figures_t figures =
        file ? file_figures(workload, threads) : (file_figures_t){0, 0, 0, 0, 0};
    double graph_bytes = (double)wom_graph_bytes(graph);
    double edges = graph->directed ? (double)graph->arcs : (double)graph->arcs / 2;
    /* Per edge: the CSR's targets; per agent: the rest of the graph (row
     * offsets, segments) and the model's arrays. */
    double target_bytes = 4.0 * (double)graph->arcs;
    double model_bytes = one_model_bytes(&scenario, graph);
    /* The headline rate of the workload: activations for the cascade,
     * agent-steps for the wom kind. */
    double run_s = times.run_s;
    double rate = totals.activations > 0 ? totals.activations / run_s : totals.agent_steps / run_s;
    printf("%s,%u,%.0f,%lld,%lld,%llu,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.4g,%.4g,%.4g,%.1f,%.2f,%.2f,"
           "%.4g,%.3f,",
           workload->name, graph->nodes, edges, (long long)scenario.simulation.steps,
           (long long)scenario.simulation.replications, (unsigned long long)points, threads,
           times.graph_s, run_s, times.output_s, times.wall_s, times.cpu_s,
           totals.agent_steps / run_s, totals.messages / run_s, totals.activations / run_s,
           peak_rss_bytes() / 1e6, target_bytes / (edges > 0 ? edges : 1),
           (graph_bytes - target_bytes + model_bytes) / graph->nodes, bfs, rate / bfs);
    if (file) {
        printf("%.0f,%.0f,%.3f,%.3f,%.3f,%.1f\n", figures.read_mb_per_s, figures.scan_mb_per_s,
               figures.ceiling_s, times.wall_s / figures.ceiling_s, figures.sg_read_s,
               figures.snap_over_sg);
    } else {
        printf(",,,,,\n");
    }
    wom_graph_free(graph);
    wom_config_free(config);
    return 0;
}
