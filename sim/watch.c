/* watch.c: watching one run of a batch (watch.h): the batch's first task
 * run again with its model recording every message into a buffer this
 * module owns (the kernel stays pure: it only stores into it), each step's
 * messages sorted into one canonical order, the agents copied on the
 * days asked, and for the pictures the layout (graph_layout.c). Workload: classroom networks (tens
 * to thousands of agents), one run; the trace's memory is bounded by --trace-limit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/watch.h"

#include <stdlib.h>
#include <string.h>

#include "womsim/graph.h"

/* Days asked beyond the run's last: WOM_ECONFIG naming the option. */
static wom_status check_days(const char *option, const uint32_t *days, size_t count, uint32_t steps,
                             wom_error_t *error) {
    for (size_t d = 0; d < count; d++) {
        if (days[d] > steps) {
            return wom_error_set(error, WOM_ECONFIG, "", 0,
                                 "%s: day %u is beyond the run's last day, %u "
                                 "(simulation.steps)",
                                 option, days[d], steps);
        }
    }
    return WOM_OK;
}

/* --snapshots draws networks of at most WOM_WATCH_MAX_PICTURE_AGENTS
 * agents: the network is built (the batch keeps it for its run) and
 * counted. */
static wom_status check_picture_size(wom_batch_t *batch, wom_error_t *error) {
    wom_status status = wom_batch_graph(batch, &batch->first, error);
    if (status == WOM_OK && batch->graph->nodes > WOM_WATCH_MAX_PICTURE_AGENTS) {
        return wom_error_set(error, WOM_ECONFIG, "", 0,
                             "--snapshots draws networks of up to %d agents, and this one has "
                             "%u: watch a smaller network (network.nodes), or follow this one "
                             "with --trace and --agents",
                             WOM_WATCH_MAX_PICTURE_AGENTS, batch->graph->nodes);
    }
    return status;
}

wom_status wom_watch_check(wom_batch_t *batch, const wom_watch_options_t *options,
                           wom_error_t *error) {
    const char *what = options->trace           ? "--trace"
                       : options->day_count > 0 ? "--agents"
                                                : "--snapshots";
    if (!options->trace && options->day_count == 0 && options->snapshot_count == 0) {
        return WOM_OK;
    }
    if (batch->first.model.kind != WOM_KIND_WOM) {
        return wom_error_set(error, WOM_ECONFIG, "", 0,
                             "%s follows the wom kind's messages and agents; model.kind %s "
                             "has none to watch",
                             what, batch->first.model.kind == WOM_KIND_BASS ? "bass" : "ic/sir");
    }
    if (batch->plan.points > 1) {
        return wom_error_set(error, WOM_ECONFIG, "", 0,
                             "%s watches one run, but the batch has %u points (a sweep or a "
                             "design); run the point to watch alone (--set KEY=VALUE)",
                             what, batch->plan.points);
    }
    if (batch->plan.shards > 1) {
        return wom_error_set(error, WOM_ECONFIG, "", 0,
                             "%s watches one run of a whole batch, not of a shard; run it "
                             "without --shard",
                             what);
    }
    /* the trace's part of the memory, known before the network is: refused
     * before anything runs */
    double trace_bytes = options->trace ? (double)options->trace_limit *
                                              (sizeof(wom_model_message_t) + sizeof(uint32_t))
                                        : 0;
    uint64_t max_bytes = batch->options.max_bytes;
    if (max_bytes != 0 && trace_bytes > (double)max_bytes) {
        return wom_error_set(error, WOM_ETOOBIG, "", 0,
                             "a trace of up to %llu messages needs %.1f MiB, more than the limit "
                             "of %.1f MiB (--max-mem); lower --trace-limit",
                             (unsigned long long)options->trace_limit, trace_bytes / 1048576.0,
                             max_bytes / 1048576.0);
    }
    uint32_t steps = (uint32_t)batch->first.simulation.steps;
    wom_status status = check_days("--agents", options->days, options->day_count, steps, error);
    if (status == WOM_OK) {
        status = check_days("--snapshots", options->snapshot_days, options->snapshot_count, steps,
                            error);
    }
    return status == WOM_OK && options->snapshot_count > 0 ? check_picture_size(batch, error)
                                                           : status;
}

void wom_watch_destroy(wom_watch_t *watch) {
    if (watch != NULL) {
        free(watch->messages);
        free(watch->message_day);
        free(watch->table);
        free(watch->snapshots);
        free(watch->layout);
        free(watch->edges);
        *watch = (wom_watch_t){0};
    }
}

/* The canonical order of one day's messages: by teller, kind, hearer,
 * valence and weight. Messages equal in all are the same bytes in the
 * trace, so their order among themselves does not matter. */
static int compare_messages(const void *a, const void *b) {
    const wom_model_message_t *x = a, *y = b;
    uint64_t kx = (uint64_t)x->teller << 32 | (uint64_t)x->kind << 24,
             ky = (uint64_t)y->teller << 32 | (uint64_t)y->kind << 24;
    if (kx == ky) {
        kx = (uint64_t)x->hearer << 32 | (uint64_t)x->valence << 31 | x->weight;
        ky = (uint64_t)y->hearer << 32 | (uint64_t)y->valence << 31 | y->weight;
    }
    return (kx > ky) - (kx < ky);
}

/* Copies every agent of `model` as it is on `day`. */
static void snapshot(const wom_model_t *model, const wom_graph_t *graph, uint32_t day,
                     wom_watch_agent_t *rows) {
    for (uint32_t v = 0; v < graph->nodes; v++) {
        rows[v] = (wom_watch_agent_t){.day = day,
                                      .agent = v,
                                      .degree = wom_graph_degree(graph, v),
                                      .segment = (uint8_t)wom_graph_segment(graph, v)};
        wom_model_agent(model, v, &rows[v].state);
    }
}

/* Whether the run records messages: for the trace, or for the pictures
 * (only the eves of the days drawn are kept). */
static bool recording(const wom_watch_options_t *o) {
    return o->trace || o->snapshot_count > 0;
}

/* Room for the trace, the agents and the pictures: the trace's at most
 * the limit (pages a shorter trace never touches cost nothing). */
static wom_status allocate(wom_watch_t *watch, wom_model_trace_t *trace, uint64_t max_bytes,
                           wom_error_t *error) {
    const wom_watch_options_t *o = &watch->options;
    size_t rows = o->day_count * (size_t)watch->agents;
    size_t drawn = o->snapshot_count * (size_t)watch->agents;
    double bytes = (recording(o) ? (double)o->trace_limit *
                                       (sizeof *trace->messages + sizeof *watch->message_day)
                                 : 0) +
                   (double)(rows + drawn) * sizeof *watch->table;
    if (max_bytes != 0 && bytes > (double)max_bytes) {
        return wom_error_set(error, WOM_ETOOBIG, "", 0,
                             "watching the run needs up to %.1f MiB (the trace at its limit of "
                             "%llu messages and %zu agent rows), more than the limit of %.1f "
                             "MiB (--max-mem); lower --trace-limit or ask fewer days",
                             bytes / 1048576.0,
                             (unsigned long long)(recording(o) ? o->trace_limit : 0), rows + drawn,
                             max_bytes / 1048576.0);
    }
    if (recording(o)) {
        trace->capacity = o->trace_limit;
        trace->messages = malloc(o->trace_limit * sizeof *trace->messages);
        watch->message_day = malloc(o->trace_limit * sizeof *watch->message_day);
    }
    watch->table = rows > 0 ? malloc(rows * sizeof *watch->table) : NULL;
    watch->snapshots = drawn > 0 ? malloc(drawn * sizeof *watch->snapshots) : NULL;
    watch->layout = drawn > 0 ? malloc(2 * (size_t)watch->agents * sizeof *watch->layout) : NULL;
    if ((recording(o) && (trace->messages == NULL || watch->message_day == NULL)) ||
        (rows > 0 && watch->table == NULL) ||
        (drawn > 0 && (watch->snapshots == NULL || watch->layout == NULL))) {
        return wom_error_set(error, WOM_ENOMEM, "", 0,
                             "out of memory for the trace (--trace-limit %llu), the agents or "
                             "the pictures",
                             (unsigned long long)o->trace_limit);
    }
    return WOM_OK;
}

/* Whether day `day` is drawn (options->snapshot_days is ascending). */
static bool drawn_on(const wom_watch_options_t *o, uint32_t day) {
    for (size_t d = 0; d < o->snapshot_count && o->snapshot_days[d] <= day; d++) {
        if (o->snapshot_days[d] == day) {
            return true;
        }
    }
    return false;
}

/* Takes the messages step `day` recorded: refuses a trace past the limit,
 * sorts the day's messages and notes their day; without --trace keeps
 * them only on the eve of a day drawn. */
static wom_status close_day(wom_watch_t *watch, wom_model_trace_t *trace, uint32_t day,
                            wom_error_t *error) {
    if (trace->count > trace->capacity) {
        return wom_error_set(error, WOM_ETOOBIG, "", 0,
                             "the trace reached its limit of %llu messages on day %u of %u "
                             "(%llu messages by then); no trace.csv was written: raise "
                             "--trace-limit (the tasks are kept: add --resume) or watch a "
                             "smaller or shorter run",
                             (unsigned long long)trace->capacity, day, watch->steps,
                             (unsigned long long)trace->count);
    }
    uint64_t first = watch->message_count;
    if (!watch->traced && !drawn_on(&watch->options, day + 1)) {
        trace->count = first;
        return WOM_OK;
    }
    qsort(trace->messages + first, trace->count - first, sizeof *trace->messages, compare_messages);
    for (uint64_t m = first; m < trace->count; m++) {
        watch->message_day[m] = day;
    }
    watch->message_count = trace->count;
    return WOM_OK;
}

/* The watched run's rows must be its task file's: the same task, streams
 * and network. */
static wom_status check_rows(const wom_batch_t *batch, const wom_watch_t *watch,
                             const wom_metrics_row_t *rows, wom_error_t *error) {
    wom_batch_task_t task = {.run_id = watch->run_id, .steps = watch->steps};
    memcpy(task.scenario_hash, batch->hash, sizeof task.scenario_hash);
    wom_metrics_row_t *stored = malloc(((size_t)watch->steps + 1) * sizeof *stored);
    uint32_t agents = 0;
    if (stored == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    }
    wom_status status = wom_batch_read_task(batch->options.dir, &task, stored, &agents, error);
    if (status == WOM_OK &&
        memcmp(stored, rows, ((size_t)watch->steps + 1) * sizeof *stored) != 0) {
        status = wom_error_set(error, WOM_EDATA, "", 0,
                               "the watched run differs from task %u's file: the trace would "
                               "not be of the results' run",
                               watch->run_id);
    }
    free(stored);
    return status;
}

/* Steps the model through the run, closing each day and copying the
 * agents on the days asked. */
static void step_run(wom_model_t *model, const wom_graph_t *graph, wom_watch_t *watch,
                     wom_model_trace_t *trace, wom_metrics_row_t *rows, wom_status *status,
                     wom_error_t *error) {
    size_t next = 0, drawn = 0;
    const wom_watch_options_t *o = &watch->options;
    for (uint32_t t = 0; *status == WOM_OK && t <= watch->steps; t++) {
        if (t > 0) {
            wom_model_step(model, &rows[t]);
        }
        if (recording(o)) {
            *status = close_day(watch, trace, t, error);
        }
        if (next < o->day_count && o->days[next] == t) {
            snapshot(model, graph, t, watch->table + next * (size_t)watch->agents);
            next++;
        }
        if (drawn < o->snapshot_count && o->snapshot_days[drawn] == t) {
            snapshot(model, graph, t, watch->snapshots + drawn * (size_t)watch->agents);
            drawn++;
        }
    }
    watch->table_rows = next * (size_t)watch->agents;
    watch->snapshot_rows = drawn * (size_t)watch->agents;
}

wom_status wom_watch_run(wom_batch_t *batch, const wom_watch_options_t *options, wom_watch_t *watch,
                         wom_error_t *error) {
    *watch = (wom_watch_t){.options = *options, .traced = options->trace};
    const wom_scenario_t *scenario = &batch->first;
    wom_status status = wom_batch_graph(batch, scenario, error);
    if (status != WOM_OK) {
        return status;
    }
    const wom_graph_t *graph = batch->graph; /* draw 0: replication 1's */
    watch->run_id = wom_batch_run_id(&batch->plan, 0, 0);
    watch->steps = (uint32_t)scenario->simulation.steps;
    watch->agents = graph->nodes;
    wom_model_trace_t trace = {0};
    wom_model_t *model = NULL;
    wom_metrics_row_t *rows = malloc(((size_t)watch->steps + 1) * sizeof *rows);
    status = rows == NULL ? wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory")
                          : allocate(watch, &trace, batch->options.max_bytes, error);
    if (status == WOM_OK &&
        wom_model_alloc(scenario, graph, batch->options.threads, &model) != WOM_OK) {
        status = wom_error_set(error, WOM_ENOMEM, "", 0, "cannot set up the watched run's agents");
    }
    if (status == WOM_OK) {
        bool common = scenario->simulation.common_random_numbers;
        wom_model_set_trace(model, recording(options) ? &trace : NULL);
        wom_model_reset(model, wom_batch_stream_task(&batch->plan, watch->run_id, common),
                        &rows[0]);
        step_run(model, graph, watch, &trace, rows, &status, error);
    }
    watch->messages = trace.messages;
    status = status == WOM_OK ? check_rows(batch, watch, rows, error) : status;
    if (status == WOM_OK && options->snapshot_count > 0) {
        watch->attitude_cap = scenario->model.attitude_cap;
        status = wom_graph_layout(graph, watch->layout, &watch->edges, &watch->edge_count);
        if (status != WOM_OK) {
            wom_error_set(error, status, "", 0, "igraph could not lay the network out to draw it");
        }
    }
    status = status == WOM_OK && options->trace ? wom_watch_reach(watch) : status;
    if (status == WOM_ENOMEM && error != NULL && error->message[0] == '\0') {
        wom_error_set(error, status, "", 0, "out of memory following the stories");
    }
    wom_model_free(model);
    free(rows);
    return status;
}
