/* metrics.h: the per-step row of a run and its column names. A row holds
 * integer counts only (so parallel sums are exact and order-free); derived
 * metrics such as the reputation score are computed from a row on demand.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_METRICS_H
#define WOMSIM_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* Counters of one step. States are counted at the end of the step; events
 * during it; reached_* are cumulative (agents who ever heard). */
typedef enum {
    WOM_M_UNAWARE,
    WOM_M_PROSPECTS,
    WOM_M_CUSTOMERS,
    WOM_M_LOST,
    WOM_M_ENCOUNTERS,
    WOM_M_SATISFIED,
    WOM_M_DISSATISFIED,
    WOM_M_MSGS_POS, /* positive messages delivered */
    WOM_M_MSGS_NEG, /* negative messages delivered */
    WOM_M_REACHED_POS,
    WOM_M_REACHED_NEG,
    WOM_M_PROMOTERS,
    WOM_M_DETRACTORS,
    WOM_M_TOLD_BY_SATISFIED,    /* messages sent after satisfied experiences */
    WOM_M_TOLD_BY_DISSATISFIED, /* messages sent after dissatisfied ones */
    WOM_M_TELLS_CAPPED,         /* messages not sent because K exceeded the degree */
    WOM_M_COUNTERS              /* number of counters */
} wom_metrics_counter;

typedef struct {
    int64_t count[WOM_M_COUNTERS];
} wom_metrics_row_t;

/* Output columns: every counter, then the derived ones. */
typedef enum { WOM_M_REPUTATION = WOM_M_COUNTERS, WOM_M_COLUMNS } wom_derived;

/* The column's name in outputs, e.g. "customers". */
const char *wom_metrics_name(int column);

/* The column's value for a row of a run with `agents` agents. */
double wom_metrics_value(const wom_metrics_row_t *row, int column, uint32_t agents);

#endif
