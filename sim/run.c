/* run.c: replications of one scenario point, spread over OpenMP threads.
 * Workload: a handful to thousands of replications of 10^2..10^6 agents.
 * With at least as many replications as threads, each thread runs whole
 * replications with its own model (no sharing, no atomics); otherwise one
 * model splits its agents over the threads. Both give identical rows
 * because every draw is keyed by the task id.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/run.h"

#include <stdlib.h>

#include "womsim/model.h"
#include "rng.h"

static void run_task(wom_model_t *model, uint32_t run_id, wom_metrics_row_t *rows, uint32_t steps) {
    wom_model_reset(model, run_id, &rows[0]);
    for (uint32_t t = 1; t <= steps; t++) {
        wom_model_step(model, &rows[t]);
    }
}

typedef struct {
    const wom_scenario_t *scenario;
    const wom_graph_t *graph;
    uint32_t point;
    wom_progress_fn progress;
    void *user;
    wom_run_result_t *result;
} batch_t;

static wom_metrics_row_t *task_rows(const batch_t *batch, uint32_t replication) {
    return &batch->result->rows[(size_t)replication * (batch->result->steps + 1)];
}

static uint32_t run_id(const batch_t *batch, uint32_t replication) {
    return batch->point * batch->result->replications + replication;
}

/* One model per thread, whole replications per thread. */
static wom_status run_replications_parallel(const batch_t *batch, int threads) {
    wom_status status = WOM_OK;
    uint32_t done = 0, total = batch->result->replications;
#pragma omp parallel num_threads(threads)
    {
        wom_model_t *model = NULL;
        wom_status mine = wom_model_alloc(batch->scenario, batch->graph, 1, &model);
        if (mine != WOM_OK) {
#pragma omp critical(wom_run_status)
            status = mine;
        }
#pragma omp for schedule(dynamic, 1)
        for (uint32_t r = 0; r < total; r++) {
            if (model == NULL) {
                continue;
            }
            run_task(model, run_id(batch, r), task_rows(batch, r), batch->result->steps);
#pragma omp critical(wom_run_progress)
            {
                done++;
                if (batch->progress != NULL) {
                    batch->progress(batch->user, done, total);
                }
            }
        }
        wom_model_free(model);
    }
    return status;
}

/* One model whose steps split the agents over the threads. */
static wom_status run_agents_parallel(const batch_t *batch, int threads) {
    wom_model_t *model = NULL;
    wom_status status = wom_model_alloc(batch->scenario, batch->graph, threads, &model);
    if (status != WOM_OK) {
        return status;
    }
    uint32_t total = batch->result->replications;
    for (uint32_t r = 0; r < total; r++) {
        run_task(model, run_id(batch, r), task_rows(batch, r), batch->result->steps);
        if (batch->progress != NULL) {
            batch->progress(batch->user, r + 1, total);
        }
    }
    wom_model_free(model);
    return WOM_OK;
}

wom_status wom_run_point(const wom_scenario_t *scenario, const wom_graph_t *graph, uint32_t point,
                         int threads, wom_progress_fn progress, void *user,
                         wom_run_result_t *result) {
    if (threads < 1 || scenario->simulation.replications < 1 || scenario->simulation.steps < 1 ||
        ((uint64_t)point + 1) * (uint64_t)scenario->simulation.replications > WOM_RNG_MAX_TASKS) {
        return WOM_EINVAL;
    }
    result->replications = (uint32_t)scenario->simulation.replications;
    result->steps = (uint32_t)scenario->simulation.steps;
    result->agents = graph->nodes;
    size_t rows = (size_t)result->replications * (result->steps + 1);
    result->rows = calloc(rows, sizeof *result->rows);
    if (result->rows == NULL) {
        return WOM_ENOMEM;
    }
    batch_t batch = {scenario, graph, point, progress, user, result};
    wom_status status = result->replications >= (uint32_t)threads
                            ? run_replications_parallel(&batch, threads)
                            : run_agents_parallel(&batch, threads);
    if (status != WOM_OK) {
        wom_run_result_destroy(result);
    }
    return status;
}

void wom_run_result_destroy(wom_run_result_t *result) {
    if (result != NULL) {
        free(result->rows);
        result->rows = NULL;
    }
}
