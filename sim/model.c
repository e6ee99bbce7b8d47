/* model.c: the `wom` kind's agents and step kernel (MODEL.md, phases 1-7).
 *
 * Workload: every agent every step (10^4..10^6 agents, ~365 steps, many
 * replications), so the step is one fused pass over the agents. Fusing the
 * phases is exact: within a step an agent's phases read and write only its
 * own state, except telling, which writes the other inbox buffer that is
 * read next step. Each agent draws its Bernoulli words from keyed
 * streams (one Philox block covers the common step of four agents; blocks
 * are computed 16 at a time), compared with integer thresholds
 * computed once; an agent that hears nothing and draws no event takes a
 * short path with the same words (one table lookup). Messages are written
 * to the inbox a few dozen messages after their cells are prefetched, and
 * a large model prefetches for the day's buyers two batches ahead. GSL is
 * called once per tell, for the number told. The reference kinds
 * (reference.c) share the arrays and the dispatch.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/model.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "memory.h"
#include "womsim/reference.h"
#include "rng.h"

/* ---- allocation and the precomputed thresholds ---- */

static void free_workers(wom_model_t *model) {
    if (model->workers == NULL) {
        return;
    }
    for (int i = 0; i < model->threads; i++) {
        gsl_rng_free(model->workers[i].rng);
        free(model->workers[i].picked);
        free(model->workers[i].marked);
    }
    free(model->workers);
}

void wom_model_free(wom_model_t *model) {
    if (model == NULL) {
        return;
    }
    free_workers(model);
    free(model->state);
    free(model->attitude);
    free(model->purchases);
    free(model->flags);
    for (int b = 0; b < 2; b++) {
        free(model->inbox[b].count[0]); /* count[1] is the same block */
        free(model->inbox[b].extra);
    }
    free(model->thresholds.adoption);
    free(model->thresholds.quiet_from);
    free(model->thresholds.failure);
    free(model);
}

static void adoption_thresholds(wom_model_thresholds_t *t, const wom_scenario_t *s) {
    int64_t cap = s->model.attitude_cap;
    for (int64_t attitude = -cap; attitude <= cap; attitude++) {
        double p = 0;
        if (attitude > -s->adoption.reject_threshold) {
            p = s->adoption.base + s->adoption.persuasion * (double)(attitude > 0 ? attitude : 0);
            p = p < s->adoption.max ? p : s->adoption.max;
        }
        t->adoption[attitude + cap] = wom_rng_threshold(p);
    }
}

/* The failure modes that apply; without [failure.*] sections, one minor
 * mode for everyone with rate 1 - quality. */
static wom_failure_mode_t mode_of(const wom_scenario_t *s, int k) {
    if (s->failure_count == 0) {
        return (wom_failure_mode_t){"", 1 - s->service.quality, WOM_SEVERITY_MINOR,
                                    WOM_APPLIES_ALL};
    }
    return s->failures[k];
}

static bool mode_applies(const wom_failure_mode_t *mode, int returning) {
    return mode->applies_to == WOM_APPLIES_ALL ||
           (mode->applies_to == WOM_APPLIES_RETURNING) == (returning == 1);
}

/* phi = min(1, m_emp * m_seg * sum of the rates that apply), per segment
 * and new/returning; and the cumulative shares that pick the failing mode. */
static void failure_thresholds(wom_model_thresholds_t *t, const wom_scenario_t *s) {
    t->modes = s->failure_count > 0 ? s->failure_count : 1;
    double employees = 1 + s->employees.effect * (1 - 2 * s->employees.satisfaction);
    employees = employees > 0 ? employees : 0;
    for (int returning = 0; returning < 2; returning++) {
        double sum = 0;
        for (int k = 0; k < t->modes; k++) {
            wom_failure_mode_t mode = mode_of(s, k);
            sum += mode_applies(&mode, returning) ? mode.rate : 0;
        }
        double cumulative = 0;
        for (int k = 0; k < t->modes; k++) {
            wom_failure_mode_t mode = mode_of(s, k);
            cumulative += mode_applies(&mode, returning) ? mode.rate : 0;
            t->mode_cumulative[returning][k] = wom_rng_threshold(sum > 0 ? cumulative / sum : 0);
            t->mode_severity[k] = mode.severity;
        }
        t->mode_cumulative[returning][t->modes - 1] = UINT64_C(1) << 32; /* no rounding gap */
        for (int segment = 0; segment < t->segments; segment++) {
            int count = s->segments.expectation_count;
            double expectation =
                count == 0 ? 0 : s->segments.expectations[count == 1 ? 0 : segment];
            double phi = employees * (1 + expectation) * sum;
            t->failure[segment * 2 + returning] = wom_rng_threshold(phi < 1 ? phi : 1);
        }
    }
}

/* Staying after a failure: the repurchase table, with a loyalty member's
 * leaving probability reduced. */
static void stay_thresholds(wom_model_thresholds_t *t, const wom_scenario_t *s) {
    const double table[WOM_OUTCOMES][2] = {
        {s->recovery.repurchase_silent_minor, s->recovery.repurchase_silent_major},
        {s->recovery.repurchase_unresolved_minor, s->recovery.repurchase_unresolved_major},
        {s->recovery.repurchase_resolved_minor, s->recovery.repurchase_resolved_major},
        {s->recovery.repurchase_quick_minor, s->recovery.repurchase_quick_major}};
    double keep[2] = {1, 1 - s->loyalty.churn_reduction}; /* share of leaving that remains */
    for (int loyal = 0; loyal < 2; loyal++) {
        for (int outcome = 0; outcome < WOM_OUTCOMES; outcome++) {
            for (int severity = 0; severity < 2; severity++) {
                double leave = (1 - table[outcome][severity]) * keep[loyal];
                t->stay[loyal][outcome][severity] = wom_rng_threshold(1 - leave);
            }
        }
        t->churn[loyal] = wom_rng_threshold(s->service.churn_rate * keep[loyal]);
        t->churn_after_no_purchase[loyal] = wom_rng_threshold_within(
            s->service.churn_rate * keep[loyal], (UINT64_C(1) << 32) - t->purchase);
    }
}

/* Entries of quiet_from per attitude: 4 states, then the same for
 * loyalty-programme members (state + WOM_LOYAL). */
enum { QUIET_ROW = 8 };

/* The first word decides a common step: advertising (unaware), adoption
 * (prospect), purchase and then churn from what is left of that word
 * (customer), win-back when the attitude is positive (lost). Each fires
 * when the word is below its threshold, the churn when w - purchase is
 * below its own, i.e. when w < purchase + churn_after_no_purchase; so a
 * step is quiet when the word is at least the sum of what can fire. */
static void quiet_thresholds(wom_model_thresholds_t *t, int64_t cap) {
    for (int64_t attitude = -cap; attitude <= cap; attitude++) {
        uint64_t *row = &t->quiet_from[(size_t)(attitude + cap) * QUIET_ROW];
        for (int loyal = 0; loyal < 2; loyal++) {
            uint64_t *entry = row + (loyal ? WOM_LOYAL : 0);
            entry[WOM_UNAWARE] = t->advertising;
            entry[WOM_PROSPECT] = t->adoption[attitude + cap];
            entry[WOM_CUSTOMER] = t->purchase + t->churn_after_no_purchase[loyal];
            entry[WOM_LOST] = attitude > 0 ? t->winback : 0;
        }
    }
}

static void set_thresholds(wom_model_thresholds_t *t, const wom_scenario_t *s) {
    t->advertising = wom_rng_threshold(s->adoption.advertising);
    t->purchase = wom_rng_threshold(s->service.purchase_rate);
    t->complain = wom_rng_threshold(s->recovery.complain_rate);
    t->success = wom_rng_threshold(s->recovery.success_rate);
    t->quick = wom_rng_threshold(s->recovery.quick_share);

    t->winback = wom_rng_threshold(s->adoption.winback);
    t->forward = wom_rng_threshold(s->wom.forward_prob);
    t->review[WOM_POSITIVE] = wom_rng_threshold(s->online.review_rate_satisfied);
    t->review[WOM_NEGATIVE] = wom_rng_threshold(s->online.review_rate_dissatisfied);
    adoption_thresholds(t, s);
    failure_thresholds(t, s);
    stay_thresholds(t, s);
    quiet_thresholds(t, s->model.attitude_cap);
}

static wom_status alloc_workers(wom_model_t *model) {
    model->workers = calloc((size_t)model->threads, sizeof *model->workers);
    if (model->workers == NULL) {
        return WOM_ENOMEM;
    }
    size_t picked = model->graph->max_degree > 0 ? model->graph->max_degree : 1;
    for (int i = 0; i < model->threads; i++) {
        model->workers[i].rng = wom_rng_alloc_gsl();
        model->workers[i].picked = malloc(picked * sizeof(uint32_t));
        model->workers[i].marked = calloc(picked, 1);
        if (model->workers[i].rng == NULL || model->workers[i].picked == NULL ||
            model->workers[i].marked == NULL) {
            return WOM_ENOMEM;
        }
    }
    return WOM_OK;
}

static int segment_count(const wom_graph_t *graph) {
    int segments = 1;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        int segment = wom_graph_segment(graph, v);
        segments = segment >= segments ? segment + 1 : segments;
    }
    return segments;
}

/* Bytes per agent: state, attitude, purchases, flags, 2 buffers x 2
 * counts; the seeding rank borrows a buffer's counts. */
enum { AGENT_BYTES = 1 + 2 + 4 + 1 + 2 * 2 * 4, EXTRA_BYTES = 2 * 8 };

static uint64_t worker_bytes(uint32_t max_degree) {
    return sizeof(wom_model_worker_t) + 4096 + 5 * (uint64_t)max_degree; /* gsl_rng, picks, marks */
}

uint64_t wom_model_estimate_bytes(uint32_t agents, uint32_t max_degree, int threads) {
    return (uint64_t)(AGENT_BYTES + EXTRA_BYTES) * agents +
           worker_bytes(max_degree) * (uint64_t)threads;
}

uint64_t wom_model_bytes(const wom_model_t *model) {
    uint64_t per_agent = AGENT_BYTES + (model->inbox[0].extra != NULL ? EXTRA_BYTES : 0);
    return per_agent * model->agents + worker_bytes(model->graph->max_degree) * model->threads;
}

/* Whether a message can weigh other than 1: an intermediary's word, or a
 * review. Without them the inboxes need no extra weight at all. */
static bool weighted_messages(const wom_scenario_t *s) {
    bool intermediaries =
        s->population.intermediaries > 0 && s->population.intermediary_weight != 1;
    bool reviews = s->online.review_weight != 1 && s->online.review_reach > 0 &&
                   (s->online.review_rate_satisfied > 0 || s->online.review_rate_dissatisfied > 0);
    return s->model.kind == WOM_KIND_WOM && (intermediaries || reviews);
}

static bool alloc_arrays(wom_model_t *model) {
    size_t n = model->agents;
    /* the states, or a cascade's three sets of a bit per node */
    size_t sets_bytes = 3 * wom_model_reached_words(model->agents) * sizeof(uint64_t);
    model->state = wom_memory_alloc(n + 1 > sets_bytes ? n + 1 : sets_bytes);
    model->attitude = wom_memory_alloc(n * sizeof(int16_t) + 1);
    model->purchases = wom_memory_alloc(n * sizeof(uint32_t) + 1);
    model->flags = wom_memory_alloc(n + 1);
    bool ok = model->state && model->attitude && model->purchases && model->flags;
    for (int b = 0; b < 2; b++) {
        wom_model_inbox_t *inbox = &model->inbox[b];
        inbox->count[0] = wom_memory_alloc(2 * n * sizeof(uint32_t) + 1);
        inbox->count[1] = inbox->count[0] != NULL ? inbox->count[0] + n : NULL;
        inbox->extra = NULL;
        if (weighted_messages(model->scenario)) {
            inbox->extra = wom_memory_alloc(n * sizeof(int64_t) + 1);
            ok = ok && inbox->extra;
        }
        ok = ok && inbox->count[0];
    }
    model->seeding_rank = (uint64_t *)model->inbox[1].count[0];
    wom_model_thresholds_t *t = &model->thresholds;
    t->segments = segment_count(model->graph);
    size_t attitudes = (size_t)(2 * model->scenario->model.attitude_cap + 1);
    t->adoption = malloc(attitudes * sizeof(uint64_t));
    t->quiet_from = malloc(attitudes * QUIET_ROW * sizeof(uint64_t));
    t->failure = malloc((size_t)t->segments * 2 * sizeof(uint64_t));
    return ok && t->adoption && t->quiet_from && t->failure;
}

static wom_status within_nodes(const char *key, int64_t value, uint32_t nodes, wom_error_t *error) {
    if (value <= (int64_t)nodes) {
        return WOM_OK;
    }
    return wom_error_set(error, WOM_ECONFIG, "", 0,
                         "%s = %lld must be at most the network's %u nodes", key, (long long)value,
                         nodes);
}

wom_status wom_model_check(const wom_scenario_t *scenario, const wom_graph_t *graph,
                           wom_error_t *error) {
    switch (scenario->model.kind) {
    case WOM_KIND_IC:
        return within_nodes("ic.seeds", scenario->ic.seeds, graph->nodes, error);
    case WOM_KIND_SIR:
        return within_nodes("sir.seeds", scenario->sir.seeds, graph->nodes, error);

    default:
        return WOM_OK;
    }
}

/* Models of this many agents and more look ahead for buyers (step_batches):
 * their arrays (32 bytes an agent with the graph's offsets) no longer fit
 * in a core's 2 MiB cache, so a buyer's reads are misses. */
enum { LOOKAHEAD_FROM = 65536 };

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
    model->scenario = scenario;
    model->graph = graph;
    model->agents = graph->nodes;
    model->threads = threads;
    model->lookahead = model->agents >= LOOKAHEAD_FROM;
    if (!alloc_arrays(model) || alloc_workers(model) != WOM_OK) {
        wom_model_free(model);
        return WOM_ENOMEM;
    }
    set_thresholds(&model->thresholds, scenario);
    *out = model;
    return WOM_OK;
}

/* ---- initial conditions ---- */

/* Rankings sort 64-bit ranks, priority in the high half and the agent id in
 * the low half, so the order is total and no comparator context is needed. */
static int by_rank(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rank_of(uint32_t priority, uint32_t agent) {
    return (uint64_t)priority << 32 | agent;
}

/* Moves the k smallest of ranks[0 .. n) to the front, in no order
 * (Wirth's selection: a Hoare partition around the current k-th element
 * until it stays put). Seeding needs only the first few of a million
 * agents ranked, so a full sort per replication would dominate a cascade;
 * neither the C library nor GSL offers a selection (GSL's
 * gsl_sort_*_smallest is O(k n)). */
static void select_smallest(uint64_t *ranks, int64_t n, int64_t k) {
    int64_t kth = k - 1, left = 0, right = n - 1;
    while (left < right && kth >= 0) {
        uint64_t pivot = ranks[kth];
        int64_t i = left, j = right;
        do {
            while (ranks[i] < pivot) {
                i++;
            }
            while (pivot < ranks[j]) {
                j--;
            }
            if (i <= j) {
                uint64_t swap = ranks[i];
                ranks[i++] = ranks[j];
                ranks[j--] = swap;
            }
        } while (i <= j);
        if (j < kth) {
            left = i;
        }
        if (kth < i) {
            right = j;
        }
    }
}

/* The priorities of agents first .. first + 3 (those below the agent
 * count) into rank[0 ..]: a lower one is picked first. Random: word i of
 * the block keyed (first / 4) is agent first + i's, so one Philox block
 * serves four agents, each task ranks differently and the choice never
 * depends on a stream's length. Degree: best connected first, ties by
 * lower id. Returns how many were written. */
static uint32_t priorities_of_four(const wom_model_t *model, int seeding, uint32_t site,
                                   uint32_t first, uint64_t rank[4]) {
    wom_rng_stream_t stream;
    if (seeding == WOM_SEEDING_RANDOM) {
        wom_rng_stream_init(&stream, (wom_rng_key_t){model->scenario->simulation.seed, model->task,
                                                     0, first / 4, site});
        wom_rng_stream_refill(&stream);
    }
    uint32_t count = model->agents - first < 4 ? model->agents - first : 4;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t priority = seeding == WOM_SEEDING_RANDOM
                                ? stream.block.v[i]
                                : UINT32_MAX - wom_graph_degree(model->graph, first + i);
        rank[i] = rank_of(priority, first + i);
    }
    return count;
}

/* A few chosen (cascade seeds): one pass keeping the `count` (>= 1)
 * smallest in order by insertion, instead of writing every agent's rank
 * and selecting. */
static void rank_few(wom_model_t *model, int seeding, uint32_t site, uint32_t count) {
    uint64_t *best = model->seeding_rank;
    uint32_t kept = 0;
    for (uint64_t first = 0; first < model->agents; first += 4) {
        uint64_t four[4];
        uint32_t written = priorities_of_four(model, seeding, site, (uint32_t)first, four);
        for (uint32_t i = 0; i < written; i++) {
            if (kept == count && four[i] >= best[count - 1]) {
                continue;
            }
            uint32_t at = kept < count ? kept++ : count - 1;
            for (; at > 0 && best[at - 1] > four[i]; at--) {
                best[at] = best[at - 1];
            }
            best[at] = four[i];
        }
    }
}

/* Up to this many chosen, rank_few's insertion beats a full selection. */
enum { RANK_FEW = 64 };

void wom_model_rank(wom_model_t *model, int seeding, uint32_t site, uint32_t count) {
    const uint32_t agents = model->agents;
    count = count < agents ? count : agents;
    if (count == 0) {
        return;
    }
    if (count <= RANK_FEW) {
        rank_few(model, seeding, site, count);
        return;
    }
#pragma omp parallel for num_threads(model->threads) if (model->threads > 1) schedule(static)
    for (uint64_t first = 0; first < agents; first += 4) {
        priorities_of_four(model, seeding, site, (uint32_t)first, &model->seeding_rank[first]);
    }
    select_smallest(model->seeding_rank, agents, count);
    qsort(model->seeding_rank, count, sizeof(uint64_t), by_rank);
}

uint32_t wom_model_share_of(double share, uint32_t agents) {
    double count = share * agents + 0.5;
    return count >= agents ? agents : (uint32_t)count;
}

static void count_states(const wom_model_t *model, wom_metrics_row_t *row) {
    int64_t promoter_at = model->scenario->model.promoter_at;
    for (uint32_t v = 0; v < model->agents; v++) {
        row->count[WOM_M_UNAWARE + model->state[v]]++;
        row->count[WOM_M_PROMOTERS] += model->attitude[v] >= promoter_at;
        row->count[WOM_M_DETRACTORS] += model->attitude[v] <= -promoter_at;
    }
}

/* The cascades clear their own bit sets (in the states' memory) and use
 * the inbox counts only as buckets written before they are read; bass uses
 * the states and two count arrays (reference.c). */
static void clear_arrays(wom_model_t *model) {
    size_t n = model->agents;
    int kind = model->scenario->model.kind;
    if (kind == WOM_KIND_IC || kind == WOM_KIND_SIR) {
        return;
    }
    memset(model->state, WOM_UNAWARE, n);
    if (kind == WOM_KIND_BASS) {
        memset(model->inbox[0].count[WOM_POSITIVE], 0, n * sizeof(uint32_t));
        memset(model->inbox[0].count[WOM_NEGATIVE], 0, n * sizeof(uint32_t));
    }
    if (kind != WOM_KIND_WOM) {
        return;
    }
    memset(model->attitude, 0, n * sizeof(int16_t));
    memset(model->purchases, 0, n * sizeof(uint32_t));
    memset(model->flags, 0, n);
    for (int b = 0; b < 2; b++) {
        memset(model->inbox[b].count[0], 0, 2 * n * sizeof(uint32_t));
        if (model->inbox[b].extra != NULL) {
            memset(model->inbox[b].extra, 0, n * sizeof(int64_t));
        }
    }
}

/* Intermediaries first, then customers and prospects (each its own
 * ranking, so changing one share does not move the others' choice). */
static void seed_population(wom_model_t *model) {
    const wom_scenario_t *s = model->scenario;
    uint32_t n = model->agents;
    uint32_t intermediaries = wom_model_share_of(s->population.intermediaries, n);
    if (intermediaries > 0) {
        wom_model_rank(model, s->population.intermediary_seeding, WOM_SITE_INTERMEDIARIES,
                       intermediaries);
        for (uint32_t i = 0; i < intermediaries; i++) {
            model->flags[wom_model_ranked(model, i)] |= WOM_INTERMEDIARY;
        }
    }
    uint32_t customers = wom_model_share_of(s->population.initial_customers, n);
    uint32_t aware = wom_model_share_of(s->population.initial_aware, n);
    aware = aware < n - customers ? aware : n - customers;
    wom_model_rank(model, s->population.seeding, WOM_SITE_SEEDING, customers + aware);
    for (uint32_t i = 0; i < customers + aware; i++) {
        model->state[wom_model_ranked(model, i)] = i < customers ? WOM_CUSTOMER : WOM_PROSPECT;
    }
    /* The ranking's memory becomes counts again: zeroed through uint32_t
     * stores (not memset), so that C's effective type of those bytes is
     * uint32_t again before the step reads them. */
    uint32_t *counts = model->inbox[1].count[0];
    for (size_t i = 0; i < 2 * (size_t)n; i++) {
        counts[i] = 0;
    }
}

void wom_model_reset(wom_model_t *model, uint32_t task, wom_metrics_row_t *row) {
    model->task = task;
    model->step = 0;
    model->reached_pos = model->reached_neg = 0;
    clear_arrays(model);
    memset(row, 0, sizeof *row);
    if (model->scenario->model.kind != WOM_KIND_WOM) {
        wom_reference_reset(model, row);
        return;
    }
    seed_population(model);
    count_states(model, row);
}

/* ---- the step ---- */

/* What one agent's pass needs besides the model: its worker, the inbox
 * buffers of this step, and whether other threads share the inboxes. */
typedef struct {
    wom_model_t *model;
    wom_model_worker_t *worker;
    const wom_model_inbox_t *read;  /* heard this step */
    const wom_model_inbox_t *write; /* heard next step */
    bool shared;                    /* inbox writes must be atomic */
    int64_t *counts;
} step_context_t;

static wom_rng_key_t key_of(const step_context_t *context, uint32_t agent, uint32_t site) {
    const wom_model_t *model = context->model;
    return (wom_rng_key_t){model->scenario->simulation.seed, model->task, model->step, agent, site};
}

/* Writes one message into the inbox of the next step (atomically when
 * threads share it). */
static void write_message(const step_context_t *context, const wom_model_message_t *message) {
    uint32_t *count = &context->write->count[message->valence][message->hearer];
    if (context->shared) {
#pragma omp atomic
        *count += 1;
    } else {
        *count += 1;
    }
    if (message->weight == 1) {
        return;
    }
    int64_t extra = message->valence == WOM_POSITIVE ? (int64_t)message->weight - 1
                                                     : 1 - (int64_t)message->weight;
    int64_t *total = &context->write->extra[message->hearer];
    if (context->shared) {
#pragma omp atomic
        *total += extra;
    } else {
        *total += extra;
    }
}

/* Sends a message: its inbox cell is prefetched now and written
 * WOM_MODEL_PENDING messages later (or at the end of the thread's run), so
 * that the cache miss of a random hearer overlaps other work instead of
 * stalling the step. The inbox is read only in the next step and its sums
 * do not depend on order, so the delay changes nothing. */
static void deliver(const step_context_t *context, int valence, uint32_t hearer, uint32_t weight) {
    wom_model_worker_t *worker = context->worker;
    __builtin_prefetch(&context->write->count[valence][hearer], 1);
    if (weight != 1) {
        __builtin_prefetch(&context->write->extra[hearer], 1);
    }
    if (worker->pending == WOM_MODEL_PENDING) {
        write_message(context, &worker->messages[worker->oldest]);
        worker->oldest = (worker->oldest + 1) % WOM_MODEL_PENDING;
        worker->pending--;
    }
    uint32_t slot = (worker->oldest + worker->pending) % WOM_MODEL_PENDING;
    worker->messages[slot] = (wom_model_message_t){hearer, (uint32_t)valence, weight};
    worker->pending++;
}

/* Writes every pending message of the thread. */
static void deliver_pending(const step_context_t *context) {
    wom_model_worker_t *worker = context->worker;
    for (; worker->pending > 0; worker->pending--) {
        write_message(context, &worker->messages[worker->oldest]);
        worker->oldest = (worker->oldest + 1) % WOM_MODEL_PENDING;
    }
}

/* K ~ D(mean) from wom.tell_distribution, drawn with GSL from `rng`, which
 * the caller has reset to a key. */
static uint32_t draw_tell_count(const wom_scenario_t *s, gsl_rng *rng, double mean) {
    if (mean <= 0) {
        return 0;
    }
    switch (s->wom.tell_distribution) {
    case WOM_TELL_FIXED: {
        double whole = (double)(uint32_t)mean;
        return (uint32_t)whole + (gsl_rng_uniform(rng) < mean - whole);
    }
    case WOM_TELL_GEOMETRIC: /* failures before a success: mean (1 - p) / p */
        return gsl_ran_geometric(rng, 1 / (mean + 1)) - 1;
    case WOM_TELL_NEGBIN: {
        double size = s->wom.dispersion;
        return gsl_ran_negative_binomial(rng, size / (size + mean), size);
    }
    default:
        return gsl_ran_poisson(rng, mean);
    }
}

/* Tells `wanted` distinct out-neighbours, capped at the degree, with
 * Floyd's sampling: O(K) draws from `stream`, and the worker's marks answer
 * "already picked?" in O(1). Returns the number told. */
static uint32_t tell(const step_context_t *context, uint32_t agent, int valence, uint32_t wanted,
                     uint32_t weight, wom_rng_stream_t *stream) {
    const wom_graph_t *graph = context->model->graph;
    uint32_t degree = wom_graph_degree(graph, agent);
    uint32_t count = wanted < degree ? wanted : degree;
    context->counts[WOM_M_TELLS_CAPPED] += wanted - count;
    const uint32_t *neighbours = graph->targets + graph->offsets[agent];
    if (count == degree) {
        for (uint32_t i = 0; i < count; i++) {
            deliver(context, valence, neighbours[i], weight);
        }
        return count;
    }
    uint32_t *picked = context->worker->picked;
    uint8_t *marked = context->worker->marked;
    for (uint32_t j = degree - count, n = 0; j < degree; j++, n++) {
        uint32_t candidate = wom_rng_stream_below(stream, j + 1);
        if (marked[candidate]) {
            candidate = j; /* j itself cannot have been picked yet */
        }
        marked[candidate] = 1;
        picked[n] = candidate;
    }
    for (uint32_t n = 0; n < count; n++) {
        marked[picked[n]] = 0; /* leave the marks clear for the next tell */
        deliver(context, valence, neighbours[picked[n]], weight);
    }
    return count;
}

/* An own experience told: K ~ D(mean) from the agent's tell streams. */
static uint32_t tell_experience(const step_context_t *context, uint32_t agent, int valence,
                                double mean, uint32_t weight) {
    gsl_rng *rng = context->worker->rng;
    wom_rng_reset_gsl(rng, key_of(context, agent, WOM_SITE_TELL_COUNT));
    uint32_t wanted = draw_tell_count(context->model->scenario, rng, mean);
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, key_of(context, agent, WOM_SITE_TELL_PICK));
    return tell(context, agent, valence, wanted, weight, &stream);
}

/* An online review: `review_reach` readers drawn uniformly from everyone
 * (the internet is not the social graph). */
static void post_review(const step_context_t *context, uint32_t agent, int valence) {
    const wom_scenario_t *s = context->model->scenario;
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, key_of(context, agent, WOM_SITE_REVIEW));
    for (int64_t i = 0; i < s->online.review_reach; i++) {
        uint32_t reader = wom_rng_stream_below(&stream, context->model->agents);
        deliver(context, valence, reader, (uint32_t)s->online.review_weight);
    }
    context->counts[valence == WOM_POSITIVE ? WOM_M_REVIEWS_POS : WOM_M_REVIEWS_NEG]++;
    context->counts[valence == WOM_POSITIVE ? WOM_M_MSGS_POS : WOM_M_MSGS_NEG] +=
        s->online.review_reach;
}

static uint32_t weight_of(const wom_model_t *model, uint32_t agent) {
    return model->flags[agent] & WOM_INTERMEDIARY
               ? (uint32_t)model->scenario->population.intermediary_weight
               : 1;
}

static int16_t clamp_attitude(int64_t attitude, int64_t cap) {
    return (int16_t)(attitude > cap ? cap : attitude < -cap ? -cap : attitude);
}

/* Hearsay: each message heard is passed on with wom.forward_prob, to K ~
 * D(wom.forward_tell_mean) neighbours, same valence. How many are passed
 * on: one word per message from the agent's hearsay stream while few were
 * heard (the common case, no GSL call), one binomial draw (GSL) when more
 * than FORWARD_WORDS were; so the cost follows the messages passed on, not
 * those heard. The GSL stream is reset only when a draw needs it. The
 * config keeps forward_prob x forward_tell_mean below 1, so hearsay dies
 * out instead of exploding. */
enum { FORWARD_WORDS = 16 };

static void forward(const step_context_t *context, uint32_t agent, const uint32_t heard[2]) {
    const wom_model_t *model = context->model;
    const wom_scenario_t *s = model->scenario;
    if (s->wom.forward_prob <= 0) {
        return;
    }
    gsl_rng *rng = context->worker->rng;
    bool rng_ready = false;
    wom_rng_stream_t picks;
    wom_rng_stream_init(&picks, key_of(context, agent, WOM_SITE_FORWARD_PICK));
    for (int valence = 0; valence < 2; valence++) {
        unsigned int passed = 0;
        if (heard[valence] <= FORWARD_WORDS) {
            for (uint32_t m = 0; m < heard[valence]; m++) {
                passed += wom_rng_stream_next(&picks) < model->thresholds.forward;
            }
        }
        if ((heard[valence] > FORWARD_WORDS || passed > 0) && !rng_ready) {
            wom_rng_reset_gsl(rng, key_of(context, agent, WOM_SITE_FORWARD_COUNT));
            rng_ready = true;
        }
        if (heard[valence] > FORWARD_WORDS) {
            passed = gsl_ran_binomial(rng, s->wom.forward_prob, heard[valence]);
        }
        for (unsigned int m = 0; m < passed; m++) {
            uint32_t wanted = draw_tell_count(s, rng, s->wom.forward_tell_mean);
            uint32_t told = tell(context, agent, valence, wanted, weight_of(model, agent), &picks);
            context->counts[WOM_M_FORWARDED] += told;
            context->counts[valence == WOM_POSITIVE ? WOM_M_MSGS_POS : WOM_M_MSGS_NEG] += told;
        }
    }
}

/* An agent's Bernoulli words in one step. The first is its quarter of a
 * Philox block shared by four agents (4i .. 4i + 3, key agent i,
 * WOM_SITE_AGENT_STEP): it covers a common step (advertising, adoption or
 * win-back; for a customer purchase, and churn from what is left of a
 * purchase word that bought nothing), so an agent-step costs a quarter of
 * a block. Further words (an encounter's) come from the agent's own stream
 * (WOM_SITE_AGENT_MORE), started when needed. */
typedef struct {
    uint32_t first;
    bool first_used, more_started;
    wom_rng_stream_t more;
    wom_rng_key_t more_key;
} decisions_t;

static uint32_t decide(decisions_t *decisions) {
    if (!decisions->first_used) {
        decisions->first_used = true;
        return decisions->first;
    }
    if (!decisions->more_started) {
        wom_rng_stream_init(&decisions->more, decisions->more_key);
        decisions->more_started = true;
    }
    return wom_rng_stream_next(&decisions->more);
}

/* Phase 1, hear: the messages sent to this agent last step. */
static void hear(const step_context_t *context, uint32_t agent, uint8_t *state, int64_t *attitude) {
    wom_model_t *model = context->model;
    const wom_model_inbox_t *in = context->read;
    uint32_t heard[2] = {in->count[WOM_POSITIVE][agent], in->count[WOM_NEGATIVE][agent]};
    if ((heard[0] | heard[1]) == 0) {
        return;
    }
    int64_t net = (int64_t)heard[WOM_POSITIVE] - heard[WOM_NEGATIVE];
    in->count[WOM_POSITIVE][agent] = in->count[WOM_NEGATIVE][agent] = 0;
    if (in->extra != NULL) {
        net += in->extra[agent];
        in->extra[agent] = 0;
    }
    uint8_t news = (uint8_t)((heard[0] ? WOM_HEARD_POS : 0) | (heard[1] ? WOM_HEARD_NEG : 0));
    uint8_t fresh = news & (uint8_t)~model->flags[agent];
    model->flags[agent] |= news;
    context->counts[WOM_M_REACHED_POS] += (fresh & WOM_HEARD_POS) != 0;
    context->counts[WOM_M_REACHED_NEG] += (fresh & WOM_HEARD_NEG) != 0;
    if (*state == WOM_UNAWARE) {
        *state = WOM_PROSPECT;
    }
    *attitude = clamp_attitude(*attitude + net, model->scenario->model.attitude_cap);
    if (*state == WOM_CUSTOMER && *attitude <= model->scenario->adoption.churn_attitude) {
        *state = WOM_LOST;
    }
    forward(context, agent, heard);
}

/* Phases 2 and 3: advertising, adoption and win-back. */
static void adopt(const wom_model_t *model, decisions_t *decisions, uint8_t *state,
                  int64_t attitude) {
    const wom_model_thresholds_t *t = &model->thresholds;
    if (*state == WOM_UNAWARE && decide(decisions) < t->advertising) {
        *state = WOM_PROSPECT;
    }
    int64_t cap = model->scenario->model.attitude_cap;
    if (*state == WOM_PROSPECT) {
        if (decide(decisions) < t->adoption[attitude + cap]) {
            *state = WOM_CUSTOMER;
        }
    } else if (*state == WOM_LOST && attitude > 0) {
        if (decide(decisions) < t->winback) {
            *state = WOM_CUSTOMER;
        }
    }
}

/* The failing mode, or -1 when the encounter goes well. */
static int draw_failure(const wom_model_t *model, uint32_t agent, decisions_t *decisions) {
    const wom_model_thresholds_t *t = &model->thresholds;
    int returning = model->purchases[agent] >= model->scenario->service.returning_after;
    int segment = wom_graph_segment(model->graph, agent);
    if (decide(decisions) >= t->failure[segment * 2 + returning]) {
        return -1;
    }
    uint32_t word = decide(decisions);
    int mode = 0;
    while (mode < t->modes - 1 && word >= t->mode_cumulative[returning][mode]) {
        mode++;
    }
    return mode;
}

/* A failure's outcome: silent, complained and unresolved, resolved, or
 * resolved quickly. */
static int failure_outcome(const step_context_t *context, decisions_t *decisions) {
    const wom_model_thresholds_t *t = &context->model->thresholds;
    if (decide(decisions) >= t->complain) {
        return WOM_SILENT;
    }
    context->counts[WOM_M_COMPLAINTS]++;
    if (decide(decisions) >= t->success) {
        return WOM_UNRESOLVED;
    }
    return decide(decisions) < t->quick ? WOM_QUICK : WOM_RESOLVED;
}

/* A satisfied encounter: good news, maybe a good review. */
static void satisfied(const step_context_t *context, uint32_t agent, decisions_t *decisions,
                      int64_t *attitude) {
    const wom_scenario_t *s = context->model->scenario;
    int64_t *counts = context->counts;
    counts[WOM_M_SATISFIED]++;
    *attitude = clamp_attitude(*attitude + s->model.experience_weight, s->model.attitude_cap);
    uint32_t told = tell_experience(context, agent, WOM_POSITIVE, s->wom.satisfied_tell_mean,
                                    weight_of(context->model, agent));
    counts[WOM_M_MSGS_POS] += told;
    counts[WOM_M_TOLD_BY_SATISFIED] += told;
    if (decide(decisions) < context->model->thresholds.review[WOM_POSITIVE]) {
        post_review(context, agent, WOM_POSITIVE);
    }
}

/* A failed encounter: complaint and recovery, or bad news; then stay or go. */
static void failed(const step_context_t *context, uint32_t agent, int mode, decisions_t *decisions,
                   uint8_t *state, int64_t *attitude) {
    wom_model_t *model = context->model;
    const wom_scenario_t *s = model->scenario;
    int64_t *counts = context->counts;
    counts[WOM_M_FAILURES]++;
    counts[WOM_M_FAILURE_MODE + mode] += s->failure_count > 0;
    int outcome = failure_outcome(context, decisions);
    uint32_t weight = weight_of(model, agent);
    if (outcome >= WOM_RESOLVED) {
        counts[WOM_M_RECOVERED]++;
        int64_t bonus =
            s->recovery.paradox ? s->recovery.attitude_bonus : s->model.experience_weight;
        *attitude = clamp_attitude(*attitude + bonus, s->model.attitude_cap);
        uint32_t told =
            tell_experience(context, agent, WOM_POSITIVE, s->recovery.tell_mean, weight);
        counts[WOM_M_MSGS_POS] += told;
        counts[WOM_M_TOLD_BY_RECOVERED] += told;
    } else {
        counts[WOM_M_DISSATISFIED]++;
        *attitude = clamp_attitude(*attitude - s->model.experience_weight, s->model.attitude_cap);
        uint32_t told =
            tell_experience(context, agent, WOM_NEGATIVE, s->wom.dissatisfied_tell_mean, weight);
        counts[WOM_M_MSGS_NEG] += told;
        counts[WOM_M_TOLD_BY_DISSATISFIED] += told;
        if (decide(decisions) < model->thresholds.review[WOM_NEGATIVE]) {
            post_review(context, agent, WOM_NEGATIVE);
        }
    }
    int loyal = (model->flags[agent] & WOM_LOYAL) != 0;
    int severity = model->thresholds.mode_severity[mode];
    if (decide(decisions) >= model->thresholds.stay[loyal][outcome][severity]) {
        *state = WOM_LOST;
    }
}

/* Phase 4 and 5: a customer's service encounter (the purchase drawn by
 * the caller) and what it tells. */
static void encounter(const step_context_t *context, uint32_t agent, decisions_t *decisions,
                      uint8_t *state, int64_t *attitude) {
    wom_model_t *model = context->model;
    const wom_scenario_t *s = model->scenario;
    context->counts[WOM_M_ENCOUNTERS]++;
    int mode = draw_failure(model, agent, decisions);
    if (mode < 0) {
        satisfied(context, agent, decisions, attitude);
    } else {
        failed(context, agent, mode, decisions, state, attitude);
    }
    model->purchases[agent] += model->purchases[agent] < UINT32_MAX;
    if (s->loyalty.enabled && model->purchases[agent] >= s->loyalty.enroll_after) {
        model->flags[agent] |= WOM_LOYAL;
    }
}

/* An agent's share of the step's record, from its state at the end,
 * packed a byte per count: its state (bytes 0-3, in the order of the
 * metrics from WOM_M_UNAWARE), promoter (byte 4), detractor (5), loyal
 * customer (6). A batch sums its agents' records in one register (at most
 * 64 agents: no byte overflows) and unpacks the sum once (add_records),
 * instead of seven counters in memory updated per agent. */
static inline uint64_t record_of(int64_t promoter_at, uint8_t state, int64_t attitude,
                                 uint8_t flags) {
    uint64_t loyal_customer = (flags & WOM_LOYAL) != 0 && state == WOM_CUSTOMER;
    return UINT64_C(1) << (8 * state) | (uint64_t)(attitude >= promoter_at) << 32 |
           (uint64_t)(attitude <= -promoter_at) << 40 | loyal_customer << 48;
}

static void add_records(int64_t *counts, uint64_t records) {
    for (int state = 0; state < WOM_STATES; state++) {
        counts[WOM_M_UNAWARE + state] += (int64_t)(records >> (8 * state) & 0xFF);
    }
    counts[WOM_M_PROMOTERS] += (int64_t)(records >> 32 & 0xFF);
    counts[WOM_M_DETRACTORS] += (int64_t)(records >> 40 & 0xFF);
    counts[WOM_M_LOYAL] += (int64_t)(records >> 48 & 0xFF);
}

/* What the quiet test reads, loaded once per run of batches into locals:
 * the step stores to byte arrays, which C lets alias anything, so read
 * through the model the pointers and scalars would be loaded again for
 * every agent. */
typedef struct {
    const uint32_t *heard_pos, *heard_neg;
    const uint8_t *state, *flags;
    const int16_t *attitude;
    const uint64_t *quiet_from;
    int64_t cap, promoter_at;
} quiet_view_t;

static quiet_view_t quiet_view(const step_context_t *context) {
    const wom_model_t *model = context->model;
    return (quiet_view_t){context->read->count[WOM_POSITIVE],
                          context->read->count[WOM_NEGATIVE],
                          model->state,
                          model->flags,
                          model->attitude,
                          model->thresholds.quiet_from,
                          model->scenario->model.attitude_cap,
                          model->scenario->model.promoter_at};
}

/* The common step, taken first: no message heard and a first word at
 * least quiet_from (nothing fires). Returns the agent's record, or 0 (no
 * record has no bits) when the step is not quiet, so that the full step
 * runs instead with the same words. */
static inline uint64_t quiet_step(const quiet_view_t *view, uint32_t agent, uint32_t first) {
    if ((view->heard_pos[agent] | view->heard_neg[agent]) != 0) {
        return 0;
    }
    uint8_t state = view->state[agent], flags = view->flags[agent];
    int64_t attitude = view->attitude[agent];
    size_t row = (size_t)(attitude + view->cap) * QUIET_ROW;
    if (first < view->quiet_from[row + state + (flags & WOM_LOYAL)]) {
        return 0;
    }
    return record_of(view->promoter_at, state, attitude, flags);
}

/* A customer's purchase, encounter and churn: churn is decided by what is
 * left of the purchase word when it bought nothing (uniform on the rest of
 * the range), else by a word of its own after the encounter. */
static void serve(const step_context_t *context, uint32_t agent, decisions_t *decisions,
                  uint8_t *state, int64_t *attitude) {
    wom_model_t *model = context->model;
    const wom_model_thresholds_t *t = &model->thresholds;
    uint32_t word = decide(decisions);
    bool churns;
    if (word < t->purchase) {
        encounter(context, agent, decisions, state, attitude);
        int loyal = (model->flags[agent] & WOM_LOYAL) != 0;
        churns = *state == WOM_CUSTOMER && decide(decisions) < t->churn[loyal];
    } else {
        int loyal = (model->flags[agent] & WOM_LOYAL) != 0;
        churns = word - t->purchase < t->churn_after_no_purchase[loyal];
    }
    if (churns) {
        *state = WOM_LOST;
    }
}

/* One agent's whole step, phases 1-6, when it is not quiet; returns its
 * share of the record. `first` is its word of the block shared by four
 * agents. */
static uint64_t step_agent(const step_context_t *context, uint32_t agent, uint32_t first) {
    wom_model_t *model = context->model;
    uint8_t state = model->state[agent];
    int64_t attitude = model->attitude[agent];
    decisions_t decisions = {.first = first,
                             .more_key = key_of(context, agent, WOM_SITE_AGENT_MORE)};
    hear(context, agent, &state, &attitude);
    adopt(model, &decisions, &state, attitude);
    if (state == WOM_CUSTOMER) {
        serve(context, agent, &decisions, &state, &attitude);
    }
    model->state[agent] = state;
    model->attitude[agent] = (int16_t)attitude;
    return record_of(model->scenario->model.promoter_at, state, attitude, model->flags[agent]);
}

/* Agent quads whose shared blocks are computed together, before any of
 * them steps: independent blocks overlap in the pipeline, while one block
 * computed just before its use costs Philox's whole latency. */
enum { QUADS_PER_BATCH = 16, BATCH_AGENTS = 4 * QUADS_PER_BATCH };

/* A batch's first words: agents 4i .. 4i + 3 share the block keyed i. */
typedef struct {
    philox4x32_ctr_t blocks[QUADS_PER_BATCH];
    uint64_t buyers; /* bit i: agent i of the batch is a customer whose word buys */
} batch_t;

static uint64_t batch_size(const wom_model_t *model, uint64_t batch) {
    uint64_t first = batch * BATCH_AGENTS;
    return model->agents - first < BATCH_AGENTS ? model->agents - first : BATCH_AGENTS;
}

static void draw_batch(const step_context_t *context, uint64_t batch, batch_t *words) {
    uint32_t quads = (uint32_t)(batch_size(context->model, batch) + 3) / 4;
    uint32_t first_quad = (uint32_t)(batch * QUADS_PER_BATCH);
    wom_rng_first_blocks(key_of(context, first_quad, WOM_SITE_AGENT_STEP), quads, words->blocks);
}

/* Lookahead, stage 1: a customer whose word buys today will read its row
 * offsets and purchase count; one agent in twenty is too sparse for the
 * hardware to stream those arrays, so in a large model each is a miss
 * unless prefetched. Its state may still change before its step (what it
 * hears): then a prefetch is wasted, nothing else. */
static void find_buyers(const step_context_t *context, uint64_t batch, batch_t *words) {
    const wom_model_t *model = context->model;
    const uint64_t first = batch * BATCH_AGENTS, size = batch_size(model, batch);
    const uint64_t purchase = model->thresholds.purchase;
    uint64_t buyers = 0;
    for (uint64_t i = 0; i < size; i++) {
        uint64_t customer = model->state[first + i] == WOM_CUSTOMER;
        buyers |= (customer & (words->blocks[i / 4].v[i % 4] < purchase)) << i;
    }
    words->buyers = buyers;
    for (; buyers != 0; buyers &= buyers - 1) {
        uint64_t agent = first + (uint64_t)__builtin_ctzll(buyers);
        __builtin_prefetch(&model->graph->offsets[agent]);
        __builtin_prefetch(&model->purchases[agent]);
    }
}

/* Lookahead, stage 2 (a batch later, the offsets in cache): the buyers'
 * rows, which they tell (first and last line: most rows span two). */
static void prefetch_rows(const step_context_t *context, uint64_t batch, const batch_t *words) {
    const wom_graph_t *graph = context->model->graph;
    for (uint64_t buyers = words->buyers; buyers != 0; buyers &= buyers - 1) {
        uint64_t agent = batch * BATCH_AGENTS + (uint64_t)__builtin_ctzll(buyers);
        uint64_t row = graph->offsets[agent], end = graph->offsets[agent + 1];
        __builtin_prefetch(&graph->targets[row]);
        __builtin_prefetch(&graph->targets[end > row ? end - 1 : row]);
    }
}

/* Batches a thread takes at a time when agents are split over threads
 * (4,096 agents). */
enum { BATCHES_PER_RUN = 64 };

/* Batches [first, end) of one thread, in order. A large model draws a
 * batch's words two batches ahead and prefetches for its buyers in two
 * stages (find_buyers, prefetch_rows); a small one, whose arrays stay in
 * cache, draws them just before. */
static void step_batches(const step_context_t *context, uint64_t first, uint64_t end) {
    enum { AHEAD = 2 };
    const bool lookahead = context->model->lookahead;
    const uint64_t depth = lookahead ? AHEAD : 0;
    const quiet_view_t view = quiet_view(context);
    batch_t ring[AHEAD + 1];
    for (uint64_t b = first; b < end && b < first + depth; b++) {
        draw_batch(context, b, &ring[b % (AHEAD + 1)]);
        find_buyers(context, b, &ring[b % (AHEAD + 1)]);
    }
    for (uint64_t b = first; b < end; b++) {
        if (b + depth < end) {
            draw_batch(context, b + depth, &ring[(b + depth) % (AHEAD + 1)]);
            if (lookahead) {
                find_buyers(context, b + depth, &ring[(b + depth) % (AHEAD + 1)]);
            }
        }
        if (lookahead && b + 1 < end) {
            prefetch_rows(context, b + 1, &ring[(b + 1) % (AHEAD + 1)]);
        }
        const batch_t *words = &ring[b % (AHEAD + 1)];
        const uint64_t first_agent = b * BATCH_AGENTS, size = batch_size(context->model, b);
        uint64_t records = 0;
        for (uint64_t i = 0; i < size; i++) {
            uint32_t agent = (uint32_t)(first_agent + i), word = words->blocks[i / 4].v[i % 4];
            uint64_t quiet = quiet_step(&view, agent, word);
            records += quiet != 0 ? quiet : step_agent(context, agent, word);
        }
        add_records(context->counts, records);
    }
}

static void step_wom(wom_model_t *model, wom_metrics_row_t *row) {
    int64_t counts[WOM_M_COUNTERS] = {0};
    const wom_model_inbox_t *read = &model->inbox[model->step % 2];
    const wom_model_inbox_t *write = &model->inbox[(model->step + 1) % 2];
    const uint64_t batches = ((uint64_t)model->agents + BATCH_AGENTS - 1) / BATCH_AGENTS;
    const uint64_t runs = (batches + BATCHES_PER_RUN - 1) / BATCHES_PER_RUN;
    bool shared = model->threads > 1;
#pragma omp parallel num_threads(model->threads) if (shared) reduction(+ : counts[:WOM_M_COUNTERS])
    {
        int thread = 0;
#ifdef _OPENMP
        thread = omp_get_thread_num();
#endif
        step_context_t context = {model, &model->workers[thread], read, write, shared, counts};
        /* contiguous runs of batches, so that a thread can look ahead
         * within one; taken on demand, as agents' steps vary in cost */
#pragma omp for schedule(dynamic, 1)
        for (uint64_t run = 0; run < runs; run++) {
            uint64_t end = (run + 1) * BATCHES_PER_RUN;
            step_batches(&context, run * BATCHES_PER_RUN, end < batches ? end : batches);
        }
        deliver_pending(&context);
    }
    model->reached_pos += counts[WOM_M_REACHED_POS];
    model->reached_neg += counts[WOM_M_REACHED_NEG];
    counts[WOM_M_REACHED_POS] = model->reached_pos;
    counts[WOM_M_REACHED_NEG] = model->reached_neg;
    memcpy(row->count, counts, sizeof counts);
}

void wom_model_step(wom_model_t *model, wom_metrics_row_t *row) {
    model->step++;
    if (model->scenario->model.kind == WOM_KIND_WOM) {
        step_wom(model, row);
    } else {
        wom_reference_step(model, row);
    }
}
