/* kind_wom.h (private): the state of the `wom` kind, the word-of-mouth model
 * of docs/model.md: its agents as a struct of arrays, double-buffered
 * inboxes, probabilities precomputed as integer thresholds, and each
 * thread's scratch memory. kind_wom.c sets it up (allocation, thresholds,
 * initial population); kind_wom_step.c is the step kernel. Tests read and
 * write the arrays directly (wom_kind_wom_of).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_KIND_WOM_H
#define WOMSIM_KIND_WOM_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "kind.h"

typedef enum { WOM_UNAWARE, WOM_PROSPECT, WOM_CUSTOMER, WOM_LOST, WOM_STATES } wom_agent_state;

/* Message valences: inbox and tell index. */
enum { WOM_POSITIVE = 0, WOM_NEGATIVE = 1 };

/* Bits of wom_kind_wom_t.flags. */
enum {
    WOM_HEARD_POS = 1,   /* has ever heard good news */
    WOM_HEARD_NEG = 2,   /* has ever heard bad news */
    WOM_LOYAL = 4,       /* member of the loyalty programme */
    WOM_INTERMEDIARY = 8 /* an adviser whose word weighs more */
};

/* Outcomes of a failed encounter, in the order of the repurchase table. */
enum { WOM_SILENT, WOM_UNRESOLVED, WOM_RESOLVED, WOM_QUICK, WOM_OUTCOMES };

/* Deliveries a thread keeps pending: each message's inbox cell is
 * prefetched when it is sent and written this many messages later. */
#define WOM_KIND_WOM_PENDING 32

/* Entries of the quiet-day table per attitude: the 4 states, then the same
 * for loyalty-programme members (state + WOM_LOYAL). */
#define WOM_KIND_WOM_QUIET_ROW 8

/* One message on its way: hearer, valence and weight. */
typedef struct {
    uint32_t hearer;
    uint32_t valence; /* WOM_POSITIVE or WOM_NEGATIVE */
    uint32_t weight;
} wom_kind_wom_message_t;

/* Scratch memory of one thread inside a step: allocated once. */
typedef struct {
    gsl_rng *rng;     /* reset to a key before each GSL draw */
    uint32_t *picked; /* neighbour indices chosen by one tell (max_degree) */
    uint8_t *marked;  /* 1 where a neighbour index is picked; all 0 between tells */
    /* messages sent, not yet written to the inbox: a ring of `pending`
     * from `oldest`; empty between a thread's runs of agents */
    wom_kind_wom_message_t messages[WOM_KIND_WOM_PENDING];
    uint32_t oldest, pending;
} wom_kind_wom_worker_t;

/* One inbox buffer: per valence the number of messages, and the net extra
 * weight of weighted messages (intermediaries' word, reviews): the sum of
 * (weight - 1) over good news minus the same over bad news, so a message's
 * weight in total is count + extra. A message of weight 1, the common case,
 * touches only its count. Counts are 32-bit: in one step an agent hears at
 * most one experience per in-neighbour, hearsay is subcritical (config
 * rule) and a review's readers are at most the agents; the extra weight is
 * 64-bit, as a hub hearing many weighted messages in one step could pass
 * 2^31; it is allocated only when the scenario can send weighted messages
 * (NULL otherwise). The two counts of a buffer are one block (count[1]
 * follows count[0]), which the seeding ranking borrows at set-up. */
typedef struct {
    uint32_t *count[2];
    int64_t *extra;
} wom_kind_wom_inbox_t;

/* Probabilities as integer thresholds for raw 32-bit words (a word w
 * succeeds when w < threshold), precomputed once per model. */
typedef struct {
    uint64_t advertising, purchase, complain, success, quick, winback, forward;
    uint64_t churn[2]; /* by loyalty membership */
    /* by loyalty membership: churn decided by what is left of a purchase
     * word that bought nothing, w - purchase, in [0, 2^32 - purchase) */
    uint64_t churn_after_no_purchase[2];
    uint64_t review[2]; /* by valence: a satisfied / dissatisfied review */
    uint64_t *adoption; /* by attitude + cap: 2 * cap + 1 entries */
    /* by (attitude + cap) x WOM_KIND_WOM_QUIET_ROW + state + WOM_LOYAL if a
     * member: a first word at least this leaves the step quiet */
    uint64_t *quiet_from;
    uint64_t *failure;                             /* by segment * 2 + returning: any failure */
    uint64_t mode_cumulative[2][WOM_MAX_FAILURES]; /* by returning: which mode */
    int mode_severity[WOM_MAX_FAILURES];
    int modes;                         /* failure modes (1 anonymous one without sections) */
    uint64_t stay[2][WOM_OUTCOMES][2]; /* by loyalty, outcome, severity */
    int segments;                      /* entries of `failure` / 2 */
} wom_kind_wom_thresholds_t;

typedef struct {
    /* Agent state, one entry per agent. */
    uint8_t *state;      /* wom_agent_state */
    int16_t *attitude;   /* in [-attitude_cap, +attitude_cap] */
    uint32_t *purchases; /* encounters so far (saturates) */
    uint8_t *flags;      /* WOM_HEARD_*, WOM_LOYAL, WOM_INTERMEDIARY */
    /* Double-buffered: step t reads inbox[t % 2] (sent at t-1) and writes
     * inbox[(t + 1) % 2]. */
    wom_kind_wom_inbox_t inbox[2];
    /* Set-up only: priority << 32 | agent, the first ones sorted (who is
     * picked first), in the memory of inbox[1]'s counts, which are zeroed
     * again before the first step. */
    uint64_t *seeding_rank;

    /* Cumulative counts carried from step to step. */
    int64_t reached_pos, reached_neg;

    wom_kind_wom_thresholds_t thresholds;
    bool lookahead; /* prefetch for buyers two batches ahead (large models; same results) */
    wom_kind_wom_worker_t *workers; /* one per thread */
} wom_kind_wom_t;

static inline wom_kind_wom_t *wom_kind_wom_of(const wom_model_t *model) {
    return (wom_kind_wom_t *)model->state;
}

/* The step kernel (kind_wom_step.c). */
void wom_kind_wom_step(wom_model_t *model, wom_metrics_row_t *row);

#endif
