/* batch_estimate.c: how long a batch will take, from a short calibration
 * (`womsim check --estimate`): point 0's network built once and its first
 * task run for a few days on one thread, both timed, then scaled to the
 * batch's networks, tasks, days and threads. A guide, not a promise: days
 * grow dearer as word spreads, other points differ in cost, and a shared
 * machine may be busy. Nothing is written.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "batch_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "womsim/model.h"

/* The networks this shard builds: one per run of consecutive points on
 * the same network (as batch.c groups them) with a task of the shard, or,
 * when each replication draws its own, one per replication with a task of
 * the shard in the run (`built`: a flag per replication). Also the
 * shard's tasks and their days. */
static wom_status count_work(const wom_batch_t *batch, wom_batch_estimate_t *estimate,
                             uint8_t *built, wom_error_t *error) {
    const wom_batch_plan_t *plan = &batch->plan;
    wom_scenario_t previous, scenario;
    *estimate = (wom_batch_estimate_t){0};
    for (uint32_t point = 0; point < plan->points; point++) {
        wom_status status = wom_config_scenario(batch->config, point, &scenario, error);
        if (status != WOM_OK) {
            return status;
        }
        if (point == 0 || !wom_batch_same_network(&previous, &scenario)) {
            memset(built, 0, plan->replications);
        }
        bool own = scenario.network.per_replication && plan->replications > 1;
        for (uint32_t r = 0; r < plan->replications; r++) {
            if (!wom_batch_mine(plan, wom_batch_run_id(plan, point, r))) {
                continue;
            }
            uint32_t draw = own ? r : 0;
            estimate->networks += built[draw] ? 0 : 1;
            built[draw] = 1;
            estimate->tasks += 1;
            estimate->days += (double)scenario.simulation.steps;
        }
        previous = scenario;
    }
    return WOM_OK;
}

/* Runs point 0's first task on one thread until `budget_seconds` have
 * passed or its last day, timing its days. */
static wom_status time_days(wom_batch_t *batch, double budget_seconds,
                            wom_batch_estimate_t *estimate, wom_error_t *error) {
    const wom_scenario_t *scenario = &batch->first;
    wom_model_t *model = NULL;
    wom_status status = wom_model_alloc(scenario, batch->graph, 1, &model);
    if (status != WOM_OK) {
        return wom_error_set(error, status, "", 0, "cannot set up the agents of point 0: %s",
                             wom_strerror(status));
    }
    wom_metrics_row_t row;
    bool common = scenario->simulation.common_random_numbers;
    double start = wom_batch_wall_seconds();
    wom_model_reset(model, wom_batch_stream_task(&batch->plan, 0, common), &row);
    uint32_t steps = (uint32_t)scenario->simulation.steps;
    uint32_t day = 0;
    double elapsed = 0;
    while (day < steps && elapsed < budget_seconds) {
        wom_model_step(model, &row);
        day++;
        elapsed = wom_batch_wall_seconds() - start;
    }
    wom_model_free(model);
    estimate->days_timed = day;
    estimate->day_seconds = day > 0 ? elapsed / day : 0;
    return WOM_OK;
}

/* Whole tasks go to the threads in rounds (3 tasks on 2 threads take two
 * tasks' time), networks drawn per replication too; fewer tasks than
 * threads split their agents over the threads. */
static double scaled(const wom_batch_estimate_t *estimate, int threads) {
    double rounds = ceil(estimate->networks / threads);
    double graphs = rounds * estimate->graph_seconds;
    if (estimate->tasks < threads) {
        return graphs + estimate->days * estimate->day_seconds / threads;
    }
    double days_per_task = estimate->days / estimate->tasks;
    return graphs + ceil(estimate->tasks / threads) * days_per_task * estimate->day_seconds;
}

wom_status wom_batch_estimate(wom_batch_t *batch, double budget_seconds,
                              wom_batch_estimate_t *estimate, wom_error_t *error) {
    double built = batch->graph_seconds;
    uint8_t *drawn = malloc(batch->plan.replications);
    wom_status status = drawn != NULL ? count_work(batch, estimate, drawn, error)
                                      : wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory");
    free(drawn);
    status = status == WOM_OK ? wom_batch_graph(batch, &batch->first, error) : status;
    if (status != WOM_OK) {
        return status;
    }
    estimate->graph_seconds = batch->graph_seconds - built;
    status = time_days(batch, budget_seconds, estimate, error);
    if (status == WOM_OK) {
        estimate->total_seconds = scaled(estimate, batch->options.threads);
    }
    return status;
}
