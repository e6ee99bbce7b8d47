/* metrics.c: column layouts and derived metrics. Workload: a few columns x
 * steps x replications, once per run after the simulation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const counter_names[WOM_M_COUNTERS] = {
    [WOM_M_UNAWARE] = "unaware",
    [WOM_M_PROSPECTS] = "prospects",
    [WOM_M_CUSTOMERS] = "customers",
    [WOM_M_LOST] = "lost",
    [WOM_M_ENCOUNTERS] = "encounters",
    [WOM_M_SATISFIED] = "satisfied",
    [WOM_M_FAILURES] = "failures",
    [WOM_M_COMPLAINTS] = "complaints",
    [WOM_M_RECOVERED] = "recovered",
    [WOM_M_DISSATISFIED] = "dissatisfied",
    [WOM_M_MSGS_POS] = "msgs_pos",
    [WOM_M_MSGS_NEG] = "msgs_neg",
    [WOM_M_REVIEWS_POS] = "reviews_pos",
    [WOM_M_REVIEWS_NEG] = "reviews_neg",
    [WOM_M_REACHED_POS] = "reached_pos",
    [WOM_M_REACHED_NEG] = "reached_neg",
    [WOM_M_PROMOTERS] = "promoters",
    [WOM_M_DETRACTORS] = "detractors",
    [WOM_M_LOYAL] = "loyal",
    [WOM_M_TOLD_BY_SATISFIED] = "told_by_satisfied",
    [WOM_M_TOLD_BY_DISSATISFIED] = "told_by_dissatisfied",
    [WOM_M_TOLD_BY_RECOVERED] = "told_by_recovered",
    [WOM_M_FORWARDED] = "forwarded",
    [WOM_M_TELLS_CAPPED] = "tells_capped",
    [WOM_M_SUSCEPTIBLE] = "susceptible",
    [WOM_M_ACTIVE] = "active",
    [WOM_M_REMOVED] = "removed",
    [WOM_M_ADOPTERS] = "adopters",
};

static const char *const derived_names[WOM_M_IDS - WOM_M_COUNTERS] = {
    [WOM_M_REPUTATION - WOM_M_COUNTERS] = "reputation",
    [WOM_M_REVENUE - WOM_M_COUNTERS] = "revenue",
    [WOM_M_VALUE - WOM_M_COUNTERS] = "value",
};

void wom_metrics_layout_add(wom_metrics_layout_t *layout, int id, const char *name) {
    if (name == NULL) {
        name = id < WOM_M_COUNTERS ? counter_names[id] : derived_names[id - WOM_M_COUNTERS];
    }
    if (layout->count < WOM_METRICS_MAX_COLUMNS) {
        layout->id[layout->count] = id;
        snprintf(layout->name[layout->count], WOM_METRICS_NAME, "%s", name);
        layout->count++;
    }
}

int wom_metrics_find(const wom_metrics_layout_t *layout, const char *name) {
    for (int column = 0; column < layout->count; column++) {
        if (strcmp(layout->name[column], name) == 0) {
            return column;
        }
    }
    return -1;
}

/* What each column means, for people (the report); docs/model.md has the
 * same table. */
static const char *const counter_meanings[WOM_M_COUNTERS] = {
    [WOM_M_UNAWARE] = "agents who have not heard of the business",
    [WOM_M_PROSPECTS] = "agents who know it but have not bought yet",
    [WOM_M_CUSTOMERS] = "agents who buy from it",
    [WOM_M_LOST] = "former customers who left",
    [WOM_M_ENCOUNTERS] = "service encounters (purchases) that day",
    [WOM_M_SATISFIED] = "encounters that satisfied the customer that day",
    [WOM_M_FAILURES] = "encounters that failed that day",
    [WOM_M_COMPLAINTS] = "complaints about failures that day",
    [WOM_M_RECOVERED] = "complaints resolved that day",
    [WOM_M_DISSATISFIED] = "failures not recovered that day",
    [WOM_M_MSGS_POS] = "good messages delivered that day (word of mouth, hearsay, reviews)",
    [WOM_M_MSGS_NEG] = "bad messages delivered that day",
    [WOM_M_REVIEWS_POS] = "good reviews posted that day",
    [WOM_M_REVIEWS_NEG] = "bad reviews posted that day",
    [WOM_M_REACHED_POS] = "agents who have ever heard good news",
    [WOM_M_REACHED_NEG] = "agents who have ever heard bad news",
    [WOM_M_PROMOTERS] = "agents with an attitude of a promoter",
    [WOM_M_DETRACTORS] = "agents with an attitude of a detractor",
    [WOM_M_LOYAL] = "customers in the loyalty programme",
    [WOM_M_TOLD_BY_SATISFIED] = "messages sent after satisfied experiences that day",
    [WOM_M_TOLD_BY_DISSATISFIED] = "messages sent after dissatisfied experiences that day",
    [WOM_M_TOLD_BY_RECOVERED] = "messages sent after recoveries that day",
    [WOM_M_FORWARDED] = "messages passed on second-hand (hearsay) that day",
    [WOM_M_TELLS_CAPPED] = "messages not sent because the teller had too few neighbours",
    [WOM_M_SUSCEPTIBLE] = "nodes not reached yet",
    [WOM_M_ACTIVE] = "ic: nodes newly active that day; sir: infected nodes",
    [WOM_M_REMOVED] = "ic: nodes activated earlier; sir: recovered nodes",
    [WOM_M_ADOPTERS] = "nodes that have adopted",
};

const char *wom_metrics_meaning(int id) {
    switch (id) {
    case WOM_M_REPUTATION:
        return "100 x (promoters - detractors) / agents who know the business: a net score";
    case WOM_M_REVENUE:
        return "price x encounters of the day";
    case WOM_M_VALUE:
        return "revenue discounted to day 0, summed so far";
    default:
        break;
    }
    if (id >= WOM_M_FAILURE_MODE && id < WOM_M_FAILURE_MODE + WOM_MAX_FAILURES) {
        return "failures of this failure mode that day";
    }
    return id >= 0 && id < WOM_M_COUNTERS && counter_meanings[id] ? counter_meanings[id] : "";
}

/* An NPS-like net score over the agents who know the business. */
static double reputation(const wom_metrics_row_t *row, uint32_t agents) {
    int64_t aware = (int64_t)agents - row->count[WOM_M_UNAWARE];
    double net = (double)(row->count[WOM_M_PROMOTERS] - row->count[WOM_M_DETRACTORS]);
    return 100.0 * net / (double)(aware > 1 ? aware : 1);
}

void wom_metrics_series(const wom_metrics_layout_t *layout, int column,
                        const wom_metrics_row_t *rows, uint32_t steps, uint32_t agents,
                        double *values) {
    int id = layout->id[column];
    double value = 0, discount = 1;
    for (uint32_t t = 0; t <= steps; t++) {
        const wom_metrics_row_t *row = &rows[t];
        double revenue = layout->price * (double)row->count[WOM_M_ENCOUNTERS];
        switch (id) {
        case WOM_M_REPUTATION:
            values[t] = reputation(row, agents);
            break;
        case WOM_M_REVENUE:
            values[t] = revenue;
            break;
        case WOM_M_VALUE:
            value += revenue * discount;
            values[t] = value;
            break;
        default:
            values[t] = (double)row->count[id];
        }
        discount /= 1 + layout->discount_rate;
    }
}

wom_status wom_metrics_table_init(wom_metrics_table_t *table, uint32_t replications, uint32_t steps,
                                  uint32_t agents) {
    *table = (wom_metrics_table_t){replications, steps, agents, NULL};
    table->rows = calloc((size_t)replications * (steps + 1), sizeof *table->rows);
    return table->rows != NULL ? WOM_OK : WOM_ENOMEM;
}

void wom_metrics_table_destroy(wom_metrics_table_t *table) {
    if (table != NULL) {
        free(table->rows);
        table->rows = NULL;
    }
}
