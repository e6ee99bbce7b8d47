/* metrics.c: column names and derived metrics of the per-step row.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/metrics.h"

static const char *const column_names[WOM_M_COLUMNS] = {
    [WOM_M_UNAWARE] = "unaware",
    [WOM_M_PROSPECTS] = "prospects",
    [WOM_M_CUSTOMERS] = "customers",
    [WOM_M_LOST] = "lost",
    [WOM_M_ENCOUNTERS] = "encounters",
    [WOM_M_SATISFIED] = "satisfied",
    [WOM_M_DISSATISFIED] = "dissatisfied",
    [WOM_M_MSGS_POS] = "msgs_pos",
    [WOM_M_MSGS_NEG] = "msgs_neg",
    [WOM_M_REACHED_POS] = "reached_pos",
    [WOM_M_REACHED_NEG] = "reached_neg",
    [WOM_M_PROMOTERS] = "promoters",
    [WOM_M_DETRACTORS] = "detractors",
    [WOM_M_TOLD_BY_SATISFIED] = "told_by_satisfied",
    [WOM_M_TOLD_BY_DISSATISFIED] = "told_by_dissatisfied",
    [WOM_M_TELLS_CAPPED] = "tells_capped",
    [WOM_M_REPUTATION] = "reputation",
};

const char *wom_metrics_name(int column) {
    if (column < 0 || column >= WOM_M_COLUMNS) {
        return "?";
    }
    return column_names[column];
}

/* An NPS-like net score over the agents who know the business. */
static double reputation(const wom_metrics_row_t *row, uint32_t agents) {
    int64_t aware = (int64_t)agents - row->count[WOM_M_UNAWARE];
    double net = (double)(row->count[WOM_M_PROMOTERS] - row->count[WOM_M_DETRACTORS]);
    return 100.0 * net / (double)(aware > 1 ? aware : 1);
}

double wom_metrics_value(const wom_metrics_row_t *row, int column, uint32_t agents) {
    if (column == WOM_M_REPUTATION) {
        return reputation(row, agents);
    }
    if (column < 0 || column >= WOM_M_COUNTERS) {
        return 0;
    }
    return (double)row->count[column];
}
