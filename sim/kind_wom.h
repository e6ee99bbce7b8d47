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

/* Entries of the quiet-day table per attitude point: the 4 states, for
 * members of the loyalty programme (+ WOM_LOYAL) and intermediaries (+
 * WOM_INTERMEDIARY). */
#define WOM_KIND_WOM_QUIET_ROW 16

/* Attitudes are held in 1/64 of a point, so that they can fade a little
 * each day; every decision reads the whole points, rounded toward 0. */
#define WOM_ATTITUDE_UNIT 64

/* The whole points of an attitude held in 1/64 of a point. */
static inline int64_t wom_kind_wom_points(int64_t attitude) {
    return attitude / WOM_ATTITUDE_UNIT;
}

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
 * weight of weighted messages (intermediaries' word): the sum of
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
    uint64_t routine;  /* a routine good repeat purchase is told */
    uint64_t weak;     /* one of the people told is a weak tie */
    uint64_t advice;   /* an intermediary advises today */
    uint64_t churn[2]; /* by loyalty membership */
    /* by loyalty membership: churn decided by what is left of a purchase
     * word that bought nothing, w - purchase, in [0, 2^32 - purchase) */
    uint64_t churn_after_no_purchase[2];
    uint64_t review[2]; /* by valence: a satisfied / dissatisfied review */
    uint64_t *adoption; /* by attitude point + cap: 2 * cap + 1 entries */
    /* by attitude point + cap: a prospect reads the reviews when its first word
     * w did not adopt and w - adoption is below this */
    uint64_t *consult;
    /* by (attitude + cap) x WOM_KIND_WOM_QUIET_ROW + state + WOM_LOYAL if a
     * member: a first word at least this leaves the step quiet */
    uint64_t *quiet_from;
    uint64_t *failure;                             /* by segment * 2 + returning: any failure */
    uint64_t mode_cumulative[2][WOM_MAX_FAILURES]; /* by returning: which mode */
    int mode_severity[WOM_MAX_FAILURES];
    int modes; /* failure modes (1 anonymous one without sections) */
    /* staying after a failure, by ((loyalty x WOM_OUTCOMES + outcome) x 2 + severity) x
     * (2 cap + 1) + attitude point after it + cap */
    uint64_t *stay;
    int segments; /* entries of `failure` / 2 */
} wom_kind_wom_thresholds_t;

/* The business's page of reviews: what was posted each of the last
 * online.review_lifetime days (a ring, day t in slot t % lifetime) and
 * their sums. */
typedef struct {
    int64_t (*posted)[2]; /* by slot and valence */
    int64_t lifetime;     /* slots */
    int64_t stock[2];     /* by valence: reviews on the page */
    /* attitude (1/64 point) a reading of the page gives today, from the
     * stock at the start of the day */
    int64_t reading;
} wom_kind_wom_reviews_t;

typedef struct {
    /* Agent state, one entry per agent. */
    uint8_t *state;      /* wom_agent_state */
    int16_t *attitude;   /* in 1/64 point (WOM_ATTITUDE_UNIT), within +-attitude_cap points */
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
    wom_kind_wom_reviews_t reviews;
    /* 2^16 x the share of an attitude that fades in a day, 1 - 2^(-1/half-life);
     * 0: attitudes never fade */
    uint32_t fade;
    /* the business learning from complaints: each mode's rate now (starts at
     * its scenario rate) */
    double mode_rate[WOM_MAX_FAILURES];
    bool lookahead; /* prefetch for buyers two batches ahead (large models; same results) */
    wom_kind_wom_worker_t *workers; /* one per thread */
} wom_kind_wom_t;

static inline wom_kind_wom_t *wom_kind_wom_of(const wom_model_t *model) {
    return (wom_kind_wom_t *)model->state;
}

/* The thresholds of `s`, and every failure mode's rate as it starts
 * (kind_wom_thresholds.c). */
void wom_kind_wom_set_thresholds(wom_kind_wom_t *wom, const wom_scenario_t *s);

/* The failure thresholds from the modes' rates now (wom->mode_rate). */
void wom_kind_wom_failure_thresholds(wom_kind_wom_t *wom, const wom_scenario_t *s);

/* Failure mode `mode`'s rate as the scenario gives it (1 - quality for the
 * one anonymous mode without [failure.NAME] sections). */
double wom_kind_wom_base_rate(const wom_scenario_t *s, int mode);

/* Every mode's rate back to the scenario's, and the failure thresholds. */
void wom_kind_wom_restore_rates(wom_kind_wom_t *wom, const wom_scenario_t *s);

/* What the business holds beyond its agents (kind_wom_business.c): its
 * page of reviews as an established shop's at the start of a task, and
 * both it and what it learned from complaints at the end of each day
 * (`counts`: the day's, before they are recorded). */
void wom_kind_wom_business_reset(const wom_model_t *model, uint32_t initial_customers,
                                 wom_metrics_row_t *row);
void wom_kind_wom_business_close_day(const wom_model_t *model, int64_t *counts);

/* Adds each recorded segment's customers, promoters, detractors and agents
 * who know the business to `counts` (nothing off an SBM). */
void wom_kind_wom_count_segments(const wom_model_t *model, int64_t *counts);

/* Agent `agent` as the public view has it (kind_wom.c); true. */
bool wom_kind_wom_agent(const wom_model_t *model, uint32_t agent, wom_model_agent_t *out);

/* The step kernel (kind_wom_step.c). */
void wom_kind_wom_step(wom_model_t *model, wom_metrics_row_t *row);

#endif
