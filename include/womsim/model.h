/* model.h: the agents of one run (struct of arrays) and the step kernel of
 * the `wom` kind (MODEL.md), with the reference kinds (ic, sir, bass) of
 * reference.h sharing the same arrays. Pure computation: no I/O, no
 * globals, no allocation after wom_model_alloc. Every draw is keyed by
 * (seed, task, step, agent, site), and the only writes to another agent's
 * data are integer increments of its inbox, so a step gives the same result
 * for any number of threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_MODEL_H
#define WOMSIM_MODEL_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/status.h"

typedef enum { WOM_UNAWARE, WOM_PROSPECT, WOM_CUSTOMER, WOM_LOST, WOM_STATES } wom_agent_state;

/* Message valences: inbox and tell index. */
enum { WOM_POSITIVE = 0, WOM_NEGATIVE = 1 };

/* Bits of wom_model_t.flags. */
enum {
    WOM_HEARD_POS = 1,   /* has ever heard good news */
    WOM_HEARD_NEG = 2,   /* has ever heard bad news */
    WOM_LOYAL = 4,       /* member of the loyalty programme */
    WOM_INTERMEDIARY = 8 /* an adviser whose word weighs more */
};

/* Outcomes of a failed encounter, in the order of the repurchase table. */
enum { WOM_SILENT, WOM_UNRESOLVED, WOM_RESOLVED, WOM_QUICK, WOM_OUTCOMES };

/* Threads a cascade step runs on at most (each owns a part of the sets). */
#define WOM_MODEL_MAX_OWNERS 64

/* Deliveries a thread keeps pending: each message's inbox cell is
 * prefetched when it is sent and written this many messages later. */
#define WOM_MODEL_PENDING 32

/* One message on its way: hearer, valence and weight. */
typedef struct {
    uint32_t hearer;
    uint32_t valence; /* WOM_POSITIVE or WOM_NEGATIVE */
    uint32_t weight;
} wom_model_message_t;

/* Scratch memory of one thread inside a step: allocated once. */
typedef struct {
    gsl_rng *rng;     /* reset to a key before each GSL draw */
    uint32_t *picked; /* neighbour indices chosen by one tell (max_degree) */
    uint8_t *marked;  /* 1 where a neighbour index is picked; all 0 between tells */
    /* messages sent, not yet written to the inbox: a ring of `pending`
     * from `oldest`; empty between a thread's runs of agents */
    wom_model_message_t messages[WOM_MODEL_PENDING];
    uint32_t oldest, pending;
    /* cascades split over threads, one round of an exchange: the nodes
     * this thread sent to each owner, and whether it stopped for want of
     * room (reference.c) */
    uint32_t sent[WOM_MODEL_MAX_OWNERS];
    bool more;
} wom_model_worker_t;

/* The reference cascades' (ic, sir) sets, a bit per node (bit v of word
 * v / 64): the nodes ever infected, those infected at the start of the step
 * (the frontier) and those of the next step being built. The three live in
 * the memory of the states (at least a byte per node), so a cascade costs
 * no memory beyond the wom kind's. */
typedef struct {
    uint64_t *reached, *now, *next;
    uint32_t size;        /* nodes in `now` */
    uint32_t susceptible; /* nodes susceptible at the start of the step */
} wom_model_cascade_t;

/* Words of one of a cascade's sets for `agents` nodes. */
static inline size_t wom_model_reached_words(uint32_t agents) {
    return ((size_t)agents + 63) / 64;
}

/* One inbox buffer: per valence the number of messages, and the net extra
 * weight of weighted messages (intermediaries' word, reviews): the sum of
 * (weight - 1) over good news minus the same over bad news, so a message's
 * weight in total is count + extra. A message of weight 1, the common case,
 * touches only its count. Counts are 32-bit: in one step an agent hears at
 * most one experience per in-neighbour, hearsay is subcritical (config
 * rule) and a review's readers are at most the agents; the extra weight is
 * 64-bit, as a hub hearing many weighted messages in one step could pass
 * 2^31; it is allocated only when the scenario can send weighted messages
 * (NULL otherwise). The two counts of a buffer are one block (count[1] follows
 * count[0]), which the ranking borrows at set-up (seeding_rank). */
typedef struct {
    uint32_t *count[2];
    int64_t *extra;
} wom_model_inbox_t;

/* Probabilities of the wom kind as integer thresholds for raw 32-bit words
 * (a word w succeeds when w < threshold), precomputed once per model. */
typedef struct {
    uint64_t advertising, purchase, complain, success, quick, winback, forward;
    uint64_t churn[2]; /* by loyalty membership */
    /* by loyalty membership: churn decided by what is left of a purchase
     * word that bought nothing, w - purchase, in [0, 2^32 - purchase) */
    uint64_t churn_after_no_purchase[2];
    uint64_t review[2]; /* by valence: a satisfied / dissatisfied review */
    uint64_t *adoption; /* by attitude + cap: 2 * cap + 1 entries */
    /* by (attitude + cap) x 8 + state + WOM_LOYAL if a member: a first
     * word at least this leaves the step quiet (nothing fires) */
    uint64_t *quiet_from;
    uint64_t *failure;                             /* by segment * 2 + returning: any failure */
    uint64_t mode_cumulative[2][WOM_MAX_FAILURES]; /* by returning: which mode */
    int mode_severity[WOM_MAX_FAILURES];
    int modes;                         /* failure modes (1 anonymous one without sections) */
    uint64_t stay[2][WOM_OUTCOMES][2]; /* by loyalty, outcome, severity */
    int segments;                      /* entries of `failure` / 2 */
} wom_model_thresholds_t;

typedef struct {
    const wom_scenario_t *scenario; /* borrowed, must outlive the model */
    const wom_graph_t *graph;       /* borrowed, must outlive the model */
    uint32_t agents;
    uint32_t task; /* run_id of the run in progress */
    uint32_t step; /* steps completed; 0 after wom_model_reset */

    /* Agent state, one entry per agent. */
    uint8_t *state;      /* wom_agent_state (reference kinds: their own states) */
    int16_t *attitude;   /* in [-attitude_cap, +attitude_cap] */
    uint32_t *purchases; /* encounters so far (saturates) */
    uint8_t *flags;      /* WOM_HEARD_*, WOM_LOYAL, WOM_INTERMEDIARY */
    /* Double-buffered: step t reads inbox[t % 2] (sent at t-1) and writes
     * inbox[(t + 1) % 2]. */
    wom_model_inbox_t inbox[2];

    /* Cumulative counts carried from step to step. */
    int64_t reached_pos, reached_neg;

    wom_model_thresholds_t thresholds;
    wom_model_cascade_t cascade; /* ic and sir only */
    uint64_t *seeding_rank;      /* priority << 32 | agent, the first ones sorted: who is picked
                                    first; set-up only, in the memory of inbox[1]'s counts */

    int threads;    /* workers; > 1 runs agents in parallel */
    bool lookahead; /* prefetch for buyers two batches ahead (large models; same results) */
    wom_model_worker_t *workers;
} wom_model_t;

/* Bytes a model of `agents` agents with `threads` workers allocates at
 * most (with the extra weights of weighted messages). */
uint64_t wom_model_estimate_bytes(uint32_t agents, uint32_t max_degree, int threads);

/* Bytes `model` holds. */
uint64_t wom_model_bytes(const wom_model_t *model);

/* The checks that need the actual graph (a network file's size is known
 * only once it is read): reference kinds' seeds within the nodes.
 * WOM_ECONFIG with a message naming the key. */
wom_status wom_model_check(const wom_scenario_t *scenario, const wom_graph_t *graph,
                           wom_error_t *error);

/* A model for `scenario` (any kind) on `graph` with `threads` workers. */
wom_status wom_model_alloc(const wom_scenario_t *scenario, const wom_graph_t *graph, int threads,
                           wom_model_t **model);
void wom_model_free(wom_model_t *model);

/* Puts every agent in its initial state for task `task` and records step 0
 * (states; event counters zero) into `row`. */
void wom_model_reset(wom_model_t *model, uint32_t task, wom_metrics_row_t *row);

/* Advances one step and records its metrics into `row`. */
void wom_model_step(wom_model_t *model, wom_metrics_row_t *row);

/* Ranks the agents into model->seeding_rank: by degree (best connected
 * first, ties by lower id) or at random, keyed by the task and `site`, and
 * puts the first `count` in order: they are the `count` chosen. Used by
 * seeding and by the reference kinds. */
void wom_model_rank(wom_model_t *model, int seeding, uint32_t site, uint32_t count);

/* The agent ranked `i`-th (i < count) by the last wom_model_rank. */
static inline uint32_t wom_model_ranked(const wom_model_t *model, uint32_t i) {
    return (uint32_t)model->seeding_rank[i];
}

/* round(share * agents), at most agents. */
uint32_t wom_model_share_of(double share, uint32_t agents);

#endif
