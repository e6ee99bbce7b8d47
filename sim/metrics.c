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
    [WOM_M_NEW_CUSTOMERS] = "new_customers",
    [WOM_M_WON_BACK] = "won_back",
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
    [WOM_M_SATISFIED_TOLD] = "satisfied_told",
    [WOM_M_TOLD_BY_SATISFIED] = "told_by_satisfied",
    [WOM_M_TOLD_BY_DISSATISFIED] = "told_by_dissatisfied",
    [WOM_M_TOLD_BY_RECOVERED] = "told_by_recovered",
    [WOM_M_TOLD_BY_ADVICE] = "told_by_advice",
    [WOM_M_FORWARDED] = "forwarded",
    [WOM_M_TOLD_WEAK] = "told_weak",
    [WOM_M_TELLS_CAPPED_POS] = "tells_capped_pos",
    [WOM_M_TELLS_CAPPED_NEG] = "tells_capped_neg",
    [WOM_M_REVIEW_STOCK_POS] = "review_stock_pos",
    [WOM_M_REVIEW_STOCK_NEG] = "review_stock_neg",
    [WOM_M_REVIEW_READS] = "review_reads",
    [WOM_M_SUSCEPTIBLE] = "susceptible",
    [WOM_M_ACTIVE] = "active",
    [WOM_M_REMOVED] = "removed",
    [WOM_M_ADOPTERS] = "adopters",
};

static const char *const derived_names[WOM_M_SEGMENT_REPUTATION - WOM_M_COUNTERS] = {
    [WOM_M_REPUTATION - WOM_M_COUNTERS] = "reputation",
    [WOM_M_REVENUE - WOM_M_COUNTERS] = "revenue",
    [WOM_M_VALUE - WOM_M_COUNTERS] = "value",
    [WOM_M_REVIEWS - WOM_M_COUNTERS] = "reviews",
    [WOM_M_RATING - WOM_M_COUNTERS] = "rating",
};

void wom_metrics_layout_add(wom_metrics_layout_t *layout, int id, const char *name) {
    if (name == NULL) { /* modes and segments are named by the kind */
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
    [WOM_M_NEW_CUSTOMERS] = "prospects who became customers that day",
    [WOM_M_WON_BACK] = "former customers who came back that day",
    [WOM_M_ENCOUNTERS] = "service encounters (purchases) that day",
    [WOM_M_SATISFIED] = "encounters that satisfied the customer that day",
    [WOM_M_FAILURES] = "encounters that failed that day",
    [WOM_M_COMPLAINTS] = "complaints about failures that day",
    [WOM_M_RECOVERED] = "complaints resolved that day",
    [WOM_M_DISSATISFIED] = "failures not recovered that day",
    [WOM_M_MSGS_POS] = "good word-of-mouth messages delivered that day (experiences, hearsay, "
                       "advice)",
    [WOM_M_MSGS_NEG] = "bad word-of-mouth messages delivered that day",
    [WOM_M_REVIEWS_POS] = "good reviews posted that day",
    [WOM_M_REVIEWS_NEG] = "bad reviews posted that day",
    [WOM_M_REACHED_POS] = "agents who have ever heard good news",
    [WOM_M_REACHED_NEG] = "agents who have ever heard bad news",
    [WOM_M_PROMOTERS] = "agents with an attitude of a promoter",
    [WOM_M_DETRACTORS] = "agents with an attitude of a detractor",
    [WOM_M_LOYAL] = "customers in the loyalty programme",
    [WOM_M_SATISFIED_TOLD] = "satisfied encounters the customer talked about that day",
    [WOM_M_TOLD_BY_SATISFIED] = "messages sent about satisfied experiences that day",
    [WOM_M_TOLD_BY_DISSATISFIED] = "messages sent about dissatisfied experiences that day",
    [WOM_M_TOLD_BY_RECOVERED] = "messages sent about recoveries that day",
    [WOM_M_TOLD_BY_ADVICE] = "messages sent as intermediaries' advice that day",
    [WOM_M_FORWARDED] = "messages passed on second-hand (hearsay) that day",
    [WOM_M_TOLD_WEAK] = "messages sent to weak ties (acquaintances beyond close ties) that day",
    [WOM_M_TELLS_CAPPED_POS] = "good messages not sent: the teller has fewer close ties",
    [WOM_M_TELLS_CAPPED_NEG] = "bad messages not sent: the teller has fewer close ties",
    [WOM_M_REVIEW_STOCK_POS] = "good reviews on the business's page",
    [WOM_M_REVIEW_STOCK_NEG] = "bad reviews on the business's page",
    [WOM_M_REVIEW_READS] = "prospects who read the reviews that day",
    [WOM_M_SUSCEPTIBLE] = "nodes not reached yet",
    [WOM_M_ACTIVE] = "ic: nodes newly active that day; sir: infected nodes",
    [WOM_M_REMOVED] = "ic: nodes activated earlier; sir: recovered nodes",
    [WOM_M_ADOPTERS] = "nodes that have adopted",
};

static bool in_block(int id, int first, int count) {
    return id >= first && id < first + count;
}

static const char *block_meaning(int id) {
    if (in_block(id, WOM_M_FAILURE_MODE, WOM_MAX_FAILURES)) {
        return "failures of this failure mode that day";
    }
    if (in_block(id, WOM_M_COMPLAINT_MODE, WOM_MAX_FAILURES)) {
        return "complaints about this failure mode that day";
    }
    if (in_block(id, WOM_M_SEGMENT_CUSTOMERS, WOM_METRICS_SEGMENTS)) {
        return "customers in this segment (SBM block)";
    }
    if (in_block(id, WOM_M_SEGMENT_REPUTATION, WOM_METRICS_SEGMENTS)) {
        return "the net score within this segment (SBM block)";
    }
    return "";
}

const char *wom_metrics_meaning(int id) {
    switch (id) {
    case WOM_M_REPUTATION:
        return "100 x (promoters - detractors) / agents who know the business: a net score";
    case WOM_M_REVENUE:
        return "price x encounters of the day";
    case WOM_M_VALUE:
        return "revenue discounted to day 0, summed so far";
    case WOM_M_REVIEWS:
        return "reviews on the business's page";
    case WOM_M_RATING:
        return "their mean stars (a good review 5, a bad one 1); 0 while there are none";
    default:
        break;
    }
    if (id >= 0 && id < WOM_M_COUNTERS && counter_meanings[id] != NULL) {
        return counter_meanings[id];
    }
    return block_meaning(id);
}

bool wom_metrics_is_flow(int id) {
    switch (id) {
    case WOM_M_NEW_CUSTOMERS:
    case WOM_M_WON_BACK:
    case WOM_M_ENCOUNTERS:
    case WOM_M_SATISFIED:
    case WOM_M_FAILURES:
    case WOM_M_COMPLAINTS:
    case WOM_M_RECOVERED:
    case WOM_M_DISSATISFIED:
    case WOM_M_MSGS_POS:
    case WOM_M_MSGS_NEG:
    case WOM_M_REVIEWS_POS:
    case WOM_M_REVIEWS_NEG:
    case WOM_M_SATISFIED_TOLD:
    case WOM_M_TOLD_BY_SATISFIED:
    case WOM_M_TOLD_BY_DISSATISFIED:
    case WOM_M_TOLD_BY_RECOVERED:
    case WOM_M_TOLD_BY_ADVICE:
    case WOM_M_FORWARDED:
    case WOM_M_TOLD_WEAK:
    case WOM_M_TELLS_CAPPED_POS:
    case WOM_M_TELLS_CAPPED_NEG:
    case WOM_M_REVIEW_READS:
    case WOM_M_REVENUE:
        return true;
    default:
        return in_block(id, WOM_M_FAILURE_MODE, WOM_MAX_FAILURES) ||
               in_block(id, WOM_M_COMPLAINT_MODE, WOM_MAX_FAILURES);
    }
}

/* 100 (promoters - detractors) / aware, an NPS-like net score. */
static double net_score(int64_t promoters, int64_t detractors, int64_t aware) {
    return 100.0 * (double)(promoters - detractors) / (double)(aware > 1 ? aware : 1);
}

/* Mean stars of the reviews on the page: 5 for a good one, 1 for a bad one. */
static double rating(const wom_metrics_row_t *row) {
    int64_t good = row->count[WOM_M_REVIEW_STOCK_POS], bad = row->count[WOM_M_REVIEW_STOCK_NEG];
    return good + bad > 0 ? (5.0 * (double)good + (double)bad) / (double)(good + bad) : 0;
}

/* The value of a column without memory of earlier days. */
static double value_of(int id, const wom_metrics_row_t *row, uint32_t agents, double price) {
    const int64_t *c = row->count;
    if (in_block(id, WOM_M_SEGMENT_REPUTATION, WOM_METRICS_SEGMENTS)) {
        int s = id - WOM_M_SEGMENT_REPUTATION;
        return net_score(c[WOM_M_SEGMENT_PROMOTERS + s], c[WOM_M_SEGMENT_DETRACTORS + s],
                         c[WOM_M_SEGMENT_AWARE + s]);
    }
    switch (id) {
    case WOM_M_REPUTATION:
        return net_score(c[WOM_M_PROMOTERS], c[WOM_M_DETRACTORS],
                         (int64_t)agents - c[WOM_M_UNAWARE]);
    case WOM_M_REVENUE:
        return price * (double)c[WOM_M_ENCOUNTERS];
    case WOM_M_REVIEWS:
        return (double)(c[WOM_M_REVIEW_STOCK_POS] + c[WOM_M_REVIEW_STOCK_NEG]);
    case WOM_M_RATING:
        return rating(row);
    default:
        return (double)c[id];
    }
}

void wom_metrics_series(const wom_metrics_layout_t *layout, int column,
                        const wom_metrics_row_t *rows, uint32_t steps, uint32_t agents,
                        double *values) {
    int id = layout->id[column];
    double value = 0, discount = 1;
    for (uint32_t t = 0; t <= steps; t++) {
        if (id == WOM_M_VALUE) {
            value += layout->price * (double)rows[t].count[WOM_M_ENCOUNTERS] * discount;
            values[t] = value;
        } else {
            values[t] = value_of(id, &rows[t], agents, layout->price);
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
