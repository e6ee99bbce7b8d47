/* model.c: the dispatcher from a scenario's model.kind to its kind's
 * operations (kind.h). It owns the parts every kind shares (the scenario,
 * the graph, the run's stream task and the step in progress) and nothing
 * kind-specific.
 * Workload: one call per step, so the indirection costs nothing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/model.h"

#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "kind_wom.h"

static const wom_kind_t *kind_of(const wom_scenario_t *scenario) {
    switch (scenario->model.kind) {
    case WOM_KIND_IC:
        return &wom_kind_ic;
    case WOM_KIND_SIR:
        return &wom_kind_sir;
    case WOM_KIND_BASS:
        return &wom_kind_bass;
    default:
        return &wom_kind_wom;
    }
}

uint64_t wom_model_estimate_bytes(const wom_scenario_t *scenario, uint32_t agents,
                                  uint32_t max_degree, int threads) {
    return sizeof(wom_model_t) +
           kind_of(scenario)->estimate_bytes(scenario, agents, max_degree, threads);
}

wom_status wom_model_check(const wom_scenario_t *scenario, const wom_graph_t *graph,
                           wom_error_t *error) {
    const wom_kind_t *kind = kind_of(scenario);
    return kind->check != NULL ? kind->check(scenario, graph, error) : WOM_OK;
}

void wom_model_layout(const wom_scenario_t *scenario, wom_metrics_layout_t *layout) {
    memset(layout, 0, sizeof *layout);
    kind_of(scenario)->columns(scenario, layout);
}

wom_status wom_model_alloc(const wom_scenario_t *scenario, const wom_graph_t *graph, int threads,
                           wom_model_t **out) {
    *out = NULL;
    if (scenario == NULL || graph == NULL || threads < 1) {
        return WOM_EINVAL;
    }
    wom_model_t *model = calloc(1, sizeof *model);
    if (model == NULL) {
        return WOM_ENOMEM;
    }
    *model = (wom_model_t){.scenario = scenario,
                           .graph = graph,
                           .kind = kind_of(scenario),
                           .agents = graph->nodes,
                           .threads = threads};
    if (!model->kind->alloc(model)) {
        wom_model_free(model);
        return WOM_ENOMEM;
    }
    *out = model;
    return WOM_OK;
}

void wom_model_free(wom_model_t *model) {
    if (model != NULL) {
        model->kind->release(model);
        free(model);
    }
}

uint64_t wom_model_bytes(const wom_model_t *model) {
    return sizeof *model + model->kind->bytes(model);
}

void wom_model_reset(wom_model_t *model, uint32_t stream_task, wom_metrics_row_t *row) {
    model->stream_task = stream_task;
    model->step = 0;
    memset(row, 0, sizeof *row);
    model->kind->reset(model, row);
}

void wom_model_step(wom_model_t *model, wom_metrics_row_t *row) {
    model->step++;
    memset(row, 0, sizeof *row);
    model->kind->step(model, row);
}

void wom_model_set_trace(wom_model_t *model, wom_model_trace_t *trace) {
    model->trace = trace;
}

bool wom_model_agent(const wom_model_t *model, uint32_t agent, wom_model_agent_t *out) {
    return model->kind == &wom_kind_wom && wom_kind_wom_agent(model, agent, out);
}
