/* aggregate.c: a batch's results from its task files, point by point
 * (aggregate.h). Workload: per point, replications x (steps + 1) rows read
 * once (the task files over the threads) and summarised once; one point's
 * rows are held at a time, so a sweep of thousands of points aggregates in
 * the memory of one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/aggregate.h"

#include <stdlib.h>
#include <string.h>

#include "womsim/model.h"

/* Replication r's task file of `point` into its table, checked against
 * the network the point runs on now. */
static wom_status load_replication(const wom_batch_t *batch, uint32_t point, uint32_t r,
                                   wom_metrics_table_t *table, wom_error_t *error) {
    wom_batch_task_t expected = {.steps = table->steps,
                                 .run_id = wom_batch_run_id(&batch->plan, point, r)};
    memcpy(expected.scenario_hash, batch->hash, sizeof expected.scenario_hash);
    uint32_t agents = 0;
    wom_status status = wom_batch_read_task(batch->options.dir, &expected,
                                            wom_metrics_table_row(table, r, 0), &agents, error);
    if (status == WOM_OK && agents != table->agents) {
        char path[WOM_MAX_PATH];
        wom_batch_task_path(batch->options.dir, expected.run_id, path, sizeof path);
        status =
            wom_error_set(error, WOM_EDATA, path, 0, "ran on %u agents, but the network has %u now",
                          agents, table->agents);
    }
    return status;
}

/* Every replication's task file of `point` into its table, over the
 * threads (each file is read and its checksum checked on its own); when
 * some fail, the first replication's error, whatever the threads. */
static wom_status load_point(const wom_batch_t *batch, uint32_t point, wom_metrics_table_t *table,
                             wom_error_t *error) {
    const int64_t replications = table->replications;
    int64_t failed = replications; /* the first replication that failed */
    wom_status status = WOM_OK;
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t r = 0; r < replications; r++) {
        wom_error_t why = {0};
        wom_status read = load_replication(batch, point, (uint32_t)r, table, &why);
        if (read != WOM_OK) {
#pragma omp critical(wom_aggregate_failed)
            if (r < failed) {
                failed = r;
                status = read;
                if (error != NULL) {
                    *error = why;
                }
            }
        }
    }
    return status;
}

/* A classic kind's share of nodes ever active (ic), ever infected (sir) or
 * adopted (bass) at the last step of `replication`. */
static double final_share(const wom_aggregate_point_t *point, uint32_t replication) {
    const wom_metrics_table_t *table = &point->table;
    const wom_metrics_row_t *row = wom_metrics_table_row(table, replication, table->steps);
    int64_t reached = point->scenario.model.kind == WOM_KIND_BASS
                          ? row->count[WOM_M_ADOPTERS]
                          : row->count[WOM_M_ACTIVE] + row->count[WOM_M_REMOVED];
    return table->agents > 0 ? (double)reached / table->agents : 0;
}

static wom_status summarize_share(wom_aggregate_point_t *point) {
    uint32_t replications = point->table.replications;
    double *shares = malloc((replications + 1) * sizeof *shares);
    if (shares == NULL) {
        return WOM_ENOMEM;
    }
    for (uint32_t r = 0; r < replications; r++) {
        shares[r] = final_share(point, r);
    }
    wom_stats_summarize(shares, replications, &point->share);
    free(shares);
    return WOM_OK;
}

wom_status wom_aggregate_point(wom_batch_t *batch, uint32_t point, wom_aggregate_point_t *out,
                               wom_error_t *error) {
    memset(out, 0, sizeof *out);
    out->point = point;
    wom_status status = wom_config_scenario(batch->config, point, &out->scenario, error);
    if (status == WOM_OK) {
        status = wom_batch_graph(batch, &out->scenario, error);
    }
    if (status != WOM_OK) {
        return status;
    }
    out->graph = batch->graph;
    out->classic = out->scenario.model.kind != WOM_KIND_WOM;
    status = wom_metrics_table_init(&out->table, batch->plan.replications,
                                    (uint32_t)out->scenario.simulation.steps, out->graph->nodes);
    if (status == WOM_OK) {
        status = load_point(batch, point, &out->table, error);
    }
    if (status == WOM_OK) {
        wom_model_layout(&out->scenario, &out->layout);
        status = wom_stats_series(&out->table, &out->layout, &out->series, &out->totals);
    }
    if (status == WOM_OK && out->classic) {
        status = wom_analytic_compute(&out->scenario, out->graph, &out->analytic);
    }
    if (status == WOM_OK && out->classic) {
        status = summarize_share(out);
    }
    if (status == WOM_ENOMEM) {
        status = wom_error_set(error, status, "", 0, "out of memory");
    }
    return status;
}

void wom_aggregate_point_destroy(wom_aggregate_point_t *point) {
    if (point != NULL) {
        wom_metrics_table_destroy(&point->table);
        free(point->series);
        free(point->totals);
        point->series = point->totals = NULL;
    }
}

wom_status wom_aggregate_init(wom_aggregate_t *results, const wom_batch_t *batch) {
    memset(results, 0, sizeof *results);
    results->points = batch->plan.points;
    wom_model_layout(&batch->first, &results->layout);
    size_t columns = (size_t)results->layout.count;
    results->starts = calloc(results->points * columns + 1, sizeof *results->starts);
    results->finals = calloc(results->points * columns + 1, sizeof *results->finals);
    results->totals = calloc(results->points * columns + 1, sizeof *results->totals);
    bool wom = batch->first.model.kind == WOM_KIND_WOM;
    if (wom) {
        results->told = calloc(results->points, sizeof *results->told);
    } else {
        results->shares = calloc(results->points, sizeof *results->shares);
    }
    bool ok = results->starts != NULL && results->finals != NULL && results->totals != NULL &&
              (wom ? results->told != NULL : results->shares != NULL);
    return ok ? WOM_OK : WOM_ENOMEM;
}

void wom_aggregate_destroy(wom_aggregate_t *results) {
    if (results != NULL) {
        free(results->starts);
        free(results->finals);
        free(results->totals);
        free(results->shares);
        free(results->told);
        results->starts = results->finals = results->totals = results->shares = NULL;
        results->told = NULL;
    }
}

static wom_aggregate_told_t told(const wom_metrics_table_t *table) {
    int64_t bad = wom_stats_pooled_sum(table, WOM_M_MSGS_NEG);
    return (wom_aggregate_told_t){
        wom_stats_pooled_ratio(table, WOM_M_TOLD_BY_SATISFIED, WOM_M_SATISFIED_TOLD),
        wom_stats_pooled_ratio(table, WOM_M_TOLD_BY_DISSATISFIED, WOM_M_DISSATISFIED),
        bad > 0 ? (double)wom_stats_pooled_sum(table, WOM_M_MSGS_POS) / (double)bad : 0};
}

void wom_aggregate_add(wom_aggregate_t *results, const wom_aggregate_point_t *point) {
    size_t columns = (size_t)results->layout.count;
    memcpy(&results->starts[point->point * columns], point->series,
           columns * sizeof *point->series);
    memcpy(&results->finals[point->point * columns],
           &point->series[(size_t)point->table.steps * columns], columns * sizeof *point->series);
    memcpy(&results->totals[point->point * columns], point->totals,
           columns * sizeof *point->totals);
    if (results->shares != NULL) {
        results->shares[point->point] = point->share;
    }
    if (results->told != NULL) {
        results->told[point->point] = told(&point->table);
    }
    results->added++;
}
