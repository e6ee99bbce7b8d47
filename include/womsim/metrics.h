/* metrics.h: what is recorded each step. A row holds integer counters only
 * (so parallel sums are exact and order-free); a layout lists the columns a
 * scenario's outputs show, in order: counters of its model kind, one per
 * failure mode, and derived columns (reputation, revenue, discounted value)
 * computed from a replication's rows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_METRICS_H
#define WOMSIM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "womsim/config.h"
#include "womsim/status.h"

/* Segments (SBM blocks) that get counters of their own. */
#define WOM_METRICS_SEGMENTS 16

/* Counters of one step. States are counted at the end of the step; events
 * during it; reached_* are cumulative (agents who ever heard); the review
 * stock is what is on the business's page at the end of the step. */
typedef enum {
    /* the wom kind */
    WOM_M_UNAWARE,
    WOM_M_PROSPECTS,
    WOM_M_CUSTOMERS,
    WOM_M_LOST,
    WOM_M_NEW_CUSTOMERS, /* prospects who became customers */
    WOM_M_WON_BACK,      /* lost customers who came back */
    WOM_M_ENCOUNTERS,
    WOM_M_SATISFIED,
    WOM_M_FAILURES,
    WOM_M_COMPLAINTS,
    WOM_M_RECOVERED,
    WOM_M_DISSATISFIED,
    WOM_M_MSGS_POS, /* good word-of-mouth messages delivered (experiences, hearsay, advice) */
    WOM_M_MSGS_NEG, /* bad ones */
    WOM_M_REVIEWS_POS,
    WOM_M_REVIEWS_NEG,
    WOM_M_REACHED_POS,
    WOM_M_REACHED_NEG,
    WOM_M_PROMOTERS,
    WOM_M_DETRACTORS,
    WOM_M_LOYAL,                /* loyalty-programme members at the end of the step */
    WOM_M_SATISFIED_TOLD,       /* satisfied encounters told (episodes) */
    WOM_M_TOLD_BY_SATISFIED,    /* messages sent after satisfied experiences */
    WOM_M_TOLD_BY_DISSATISFIED, /* messages sent after dissatisfied ones */
    WOM_M_TOLD_BY_RECOVERED,    /* messages sent after recoveries */
    WOM_M_TOLD_BY_ADVICE,       /* messages sent as intermediaries' advice */
    WOM_M_FORWARDED,            /* messages sent second-hand (hearsay) */
    WOM_M_TOLD_WEAK,            /* messages sent to weak ties (all kinds above) */
    WOM_M_TELLS_CAPPED_POS,     /* good messages not sent: more close ties wanted than there are */
    WOM_M_TELLS_CAPPED_NEG,     /* bad ones */
    WOM_M_REVIEW_STOCK_POS,     /* good reviews on the page */
    WOM_M_REVIEW_STOCK_NEG,     /* bad reviews on the page */
    WOM_M_REVIEW_READS,         /* prospects who read the reviews */
    WOM_M_FAILURE_MODE,         /* first of WOM_MAX_FAILURES per-mode failure counts */
    WOM_M_COMPLAINT_MODE = WOM_M_FAILURE_MODE + WOM_MAX_FAILURES, /* per-mode complaints */
    /* per segment (WOM_METRICS_SEGMENTS each): customers, promoters, detractors, agents who
     * know the business */
    WOM_M_SEGMENT_CUSTOMERS = WOM_M_COMPLAINT_MODE + WOM_MAX_FAILURES,
    WOM_M_SEGMENT_PROMOTERS = WOM_M_SEGMENT_CUSTOMERS + WOM_METRICS_SEGMENTS,
    WOM_M_SEGMENT_DETRACTORS = WOM_M_SEGMENT_PROMOTERS + WOM_METRICS_SEGMENTS,
    WOM_M_SEGMENT_AWARE = WOM_M_SEGMENT_DETRACTORS + WOM_METRICS_SEGMENTS,
    /* the classic kinds */
    WOM_M_SUSCEPTIBLE = WOM_M_SEGMENT_AWARE + WOM_METRICS_SEGMENTS,
    WOM_M_ACTIVE,  /* ic: newly active this step; sir: infected */
    WOM_M_REMOVED, /* ic: activated earlier; sir: recovered */
    WOM_M_ADOPTERS,
    WOM_M_COUNTERS /* number of counters */
} wom_metrics_counter;

typedef struct {
    int64_t count[WOM_M_COUNTERS];
} wom_metrics_row_t;

/* The rows of one point's replications: replications x (steps + 1),
 * replication-major (step 0 first). */
typedef struct {
    uint32_t replications;
    uint32_t steps;  /* rows per replication: steps + 1 */
    uint32_t agents; /* of the network the replications ran on */
    wom_metrics_row_t *rows;
} wom_metrics_table_t;

/* Room for the rows (zeroed); WOM_ENOMEM when memory runs out. */
wom_status wom_metrics_table_init(wom_metrics_table_t *table, uint32_t replications, uint32_t steps,
                                  uint32_t agents);
void wom_metrics_table_destroy(wom_metrics_table_t *table); /* accepts NULL */

/* The row of `replication` at `step`. */
static inline wom_metrics_row_t *wom_metrics_table_row(const wom_metrics_table_t *table,
                                                       uint32_t replication, uint32_t step) {
    return &table->rows[(size_t)replication * (table->steps + 1) + step];
}

/* Derived columns, numbered after the counters. */
typedef enum {
    WOM_M_REPUTATION = WOM_M_COUNTERS, /* 100 (promoters - detractors) / aware agents */
    WOM_M_REVENUE,                     /* price x encounters of the step */
    WOM_M_VALUE,                       /* revenue discounted to step 0, cumulative */
    WOM_M_REVIEWS,                     /* reviews on the page */
    WOM_M_RATING,                      /* their mean stars (5 good, 1 bad); 0 without reviews */
    WOM_M_SEGMENT_REPUTATION,          /* per segment: WOM_METRICS_SEGMENTS of them */
    WOM_M_IDS = WOM_M_SEGMENT_REPUTATION + WOM_METRICS_SEGMENTS /* number of column ids */
} wom_metrics_derived;

#define WOM_METRICS_MAX_COLUMNS 128
#define WOM_METRICS_NAME        64 /* bytes in a column name, with the NUL */

/* The columns of one scenario's outputs. */
typedef struct {
    int count;                                            /* columns in use */
    int id[WOM_METRICS_MAX_COLUMNS];                      /* counter or derived id */
    char name[WOM_METRICS_MAX_COLUMNS][WOM_METRICS_NAME]; /* e.g. "customers" */
    double price, discount_rate;                          /* for revenue and value */
} wom_metrics_layout_t;

/* Appends column `id` (a counter or derived id) named `name`, or its usual
 * name when `name` is NULL (e.g. "customers"). A model kind lists its
 * columns so (wom_model_layout). */
void wom_metrics_layout_add(wom_metrics_layout_t *layout, int id, const char *name);

/* The index of the column named `name` in `layout`, or -1. */
int wom_metrics_find(const wom_metrics_layout_t *layout, const char *name);

/* Whether column id `id` counts events of each day (encounters, messages,
 * revenue, ...), whose total over a run means something, rather than a
 * state, a stock or a running total. */
bool wom_metrics_is_flow(int id);

/* What column id `id` (a layout's id[]) counts, in a line for people; "" if unknown. */
const char *wom_metrics_meaning(int id);

/* Column `column` of the layout for one replication's rows 0..steps, into
 * values[0..steps]. Cumulative columns are summed in step order. */
void wom_metrics_series(const wom_metrics_layout_t *layout, int column,
                        const wom_metrics_row_t *rows, uint32_t steps, uint32_t agents,
                        double *values);

#endif
