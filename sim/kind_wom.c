/* kind_wom.c: the `wom` kind's set-up (docs/model.md): its state's
 * allocation, the probabilities turned into integer thresholds once per
 * model (kind_wom.h), the initial population of a task (who the
 * intermediaries, customers and prospects are) and the columns it
 * records. The step kernel is kind_wom_step.c. Workload: set-up once per
 * model, a reset per task: O(agents), or O(agents log k) to rank k
 * chosen agents.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "kind_wom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"

/* ---- the precomputed thresholds ---- */

static void adoption_thresholds(wom_kind_wom_thresholds_t *t, const wom_scenario_t *s) {
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
static void failure_thresholds(wom_kind_wom_thresholds_t *t, const wom_scenario_t *s) {
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
static void stay_thresholds(wom_kind_wom_thresholds_t *t, const wom_scenario_t *s) {
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

/* The first word decides a common step: advertising (unaware), adoption
 * (prospect), purchase and then churn from what is left of that word
 * (customer), win-back when the attitude is positive (lost). Each fires
 * when the word is below its threshold, the churn when w - purchase is
 * below its own, i.e. when w < purchase + churn_after_no_purchase; so a
 * step is quiet when the word is at least the sum of what can fire. */
static void quiet_thresholds(wom_kind_wom_thresholds_t *t, int64_t cap) {
    for (int64_t attitude = -cap; attitude <= cap; attitude++) {
        uint64_t *row = &t->quiet_from[(size_t)(attitude + cap) * WOM_KIND_WOM_QUIET_ROW];
        for (int loyal = 0; loyal < 2; loyal++) {
            uint64_t *entry = row + (loyal ? WOM_LOYAL : 0);
            entry[WOM_UNAWARE] = t->advertising;
            entry[WOM_PROSPECT] = t->adoption[attitude + cap];
            entry[WOM_CUSTOMER] = t->purchase + t->churn_after_no_purchase[loyal];
            entry[WOM_LOST] = attitude > 0 ? t->winback : 0;
        }
    }
}

static void set_thresholds(wom_kind_wom_thresholds_t *t, const wom_scenario_t *s) {
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

/* ---- allocation ---- */

static void free_workers(const wom_model_t *model, wom_kind_wom_t *wom) {
    if (wom->workers == NULL) {
        return;
    }
    for (int i = 0; i < model->threads; i++) {
        gsl_rng_free(wom->workers[i].rng);
        free(wom->workers[i].picked);
        free(wom->workers[i].marked);
    }
    free(wom->workers);
}

static void release(wom_model_t *model) {
    wom_kind_wom_t *wom = wom_kind_wom_of(model);
    if (wom == NULL) {
        return;
    }
    free_workers(model, wom);
    free(wom->state);
    free(wom->attitude);
    free(wom->purchases);
    free(wom->flags);
    for (int b = 0; b < 2; b++) {
        free(wom->inbox[b].count[0]); /* count[1] is the same block */
        free(wom->inbox[b].extra);
    }
    free(wom->thresholds.adoption);
    free(wom->thresholds.quiet_from);
    free(wom->thresholds.failure);
    free(wom);
    model->state = NULL;
}

static bool alloc_workers(const wom_model_t *model, wom_kind_wom_t *wom) {
    wom->workers = calloc((size_t)model->threads, sizeof *wom->workers);
    if (wom->workers == NULL) {
        return false;
    }
    size_t picked = model->graph->max_degree > 0 ? model->graph->max_degree : 1;
    for (int i = 0; i < model->threads; i++) {
        wom->workers[i].rng = wom_rng_alloc_gsl();
        wom->workers[i].picked = malloc(picked * sizeof(uint32_t));
        wom->workers[i].marked = calloc(picked, 1);
        if (wom->workers[i].rng == NULL || wom->workers[i].picked == NULL ||
            wom->workers[i].marked == NULL) {
            return false;
        }
    }
    return true;
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
    return sizeof(wom_kind_wom_worker_t) + 4096 + 5 * (uint64_t)max_degree; /* gsl_rng, picks,
                                                                                marks */
}

/* At most: with the extra weights of weighted messages. */
static uint64_t estimate_bytes(const wom_scenario_t *scenario, uint32_t agents, uint32_t max_degree,
                               int threads) {
    (void)scenario;
    return sizeof(wom_kind_wom_t) + (uint64_t)(AGENT_BYTES + EXTRA_BYTES) * agents +
           worker_bytes(max_degree) * (uint64_t)threads;
}

static uint64_t bytes(const wom_model_t *model) {
    const wom_kind_wom_t *wom = wom_kind_wom_of(model);
    uint64_t per_agent = AGENT_BYTES + (wom->inbox[0].extra != NULL ? EXTRA_BYTES : 0);
    return sizeof *wom + per_agent * model->agents +
           worker_bytes(model->graph->max_degree) * (uint64_t)model->threads;
}

/* Whether a message can weigh other than 1: an intermediary's word, or a
 * review. Without them the inboxes need no extra weight at all. */
static bool weighted_messages(const wom_scenario_t *s) {
    bool intermediaries =
        s->population.intermediaries > 0 && s->population.intermediary_weight != 1;
    bool reviews = s->online.review_weight != 1 && s->online.review_reach > 0 &&
                   (s->online.review_rate_satisfied > 0 || s->online.review_rate_dissatisfied > 0);
    return intermediaries || reviews;
}

static bool alloc_arrays(const wom_model_t *model, wom_kind_wom_t *wom) {
    size_t n = model->agents;
    wom->state = wom_memory_alloc(n + 1);
    wom->attitude = wom_memory_alloc(n * sizeof(int16_t) + 1);
    wom->purchases = wom_memory_alloc(n * sizeof(uint32_t) + 1);
    wom->flags = wom_memory_alloc(n + 1);
    bool ok = wom->state && wom->attitude && wom->purchases && wom->flags;
    for (int b = 0; b < 2; b++) {
        wom_kind_wom_inbox_t *inbox = &wom->inbox[b];
        void *counts = wom_memory_alloc(2 * n * sizeof(uint32_t) + 1);
        inbox->count[0] = counts;
        inbox->count[1] = counts != NULL ? inbox->count[0] + n : NULL;
        inbox->extra = NULL;
        if (weighted_messages(model->scenario)) {
            inbox->extra = wom_memory_alloc(n * sizeof(int64_t) + 1);
            ok = ok && inbox->extra;
        }
        ok = ok && counts;
        if (b == 1) {
            wom->seeding_rank = counts; /* 8 bytes an agent, as the two counts */
        }
    }
    wom_kind_wom_thresholds_t *t = &wom->thresholds;
    t->segments = segment_count(model->graph);
    size_t attitudes = (size_t)(2 * model->scenario->model.attitude_cap + 1);
    t->adoption = malloc(attitudes * sizeof(uint64_t));
    t->quiet_from = malloc(attitudes * WOM_KIND_WOM_QUIET_ROW * sizeof(uint64_t));
    t->failure = malloc((size_t)t->segments * 2 * sizeof(uint64_t));
    return ok && t->adoption && t->quiet_from && t->failure;
}

/* Models of this many agents and more look ahead for buyers (the step's
 * batches): their arrays (32 bytes an agent with the graph's offsets) no
 * longer fit in a core's 2 MiB cache, so a buyer's reads are misses. */
enum { LOOKAHEAD_FROM = 65536 };

static bool alloc(wom_model_t *model) {
    wom_kind_wom_t *wom = calloc(1, sizeof *wom);
    model->state = wom;
    if (wom == NULL || !alloc_arrays(model, wom) || !alloc_workers(model, wom)) {
        return false;
    }
    wom->lookahead = model->agents >= LOOKAHEAD_FROM;
    set_thresholds(&wom->thresholds, model->scenario);
    return true;
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
        wom_rng_stream_init(&stream, wom_kind_key(model, first / 4, site)); /* step 0 */
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
static void rank_few(const wom_model_t *model, int seeding, uint32_t site, uint32_t count) {
    uint64_t *best = wom_kind_wom_of(model)->seeding_rank;
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

/* Ranks the agents into seeding_rank: by degree (best connected first,
 * ties by lower id) or at random, keyed by the task and `site`, and puts
 * the first `count` in order: they are the `count` chosen. */
static void rank_agents(const wom_model_t *model, int seeding, uint32_t site, uint32_t count) {
    uint64_t *ranks = wom_kind_wom_of(model)->seeding_rank;
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
        priorities_of_four(model, seeding, site, (uint32_t)first, &ranks[first]);
    }
    select_smallest(ranks, agents, count);
    qsort(ranks, count, sizeof(uint64_t), by_rank);
}

/* The agent ranked `i`-th (i < count) by the last rank_agents. */
static uint32_t ranked(const wom_kind_wom_t *wom, uint32_t i) {
    return (uint32_t)wom->seeding_rank[i];
}

/* round(share * agents), at most agents. */
static uint32_t share_of(double share, uint32_t agents) {
    double count = share * agents + 0.5;
    return count >= agents ? agents : (uint32_t)count;
}

static void count_states(const wom_model_t *model, wom_metrics_row_t *row) {
    const wom_kind_wom_t *wom = wom_kind_wom_of(model);
    int64_t promoter_at = model->scenario->model.promoter_at;
    for (uint32_t v = 0; v < model->agents; v++) {
        row->count[WOM_M_UNAWARE + wom->state[v]]++;
        row->count[WOM_M_PROMOTERS] += wom->attitude[v] >= promoter_at;
        row->count[WOM_M_DETRACTORS] += wom->attitude[v] <= -promoter_at;
    }
}

static void clear_arrays(const wom_model_t *model, wom_kind_wom_t *wom) {
    size_t n = model->agents;
    memset(wom->state, WOM_UNAWARE, n);
    memset(wom->attitude, 0, n * sizeof(int16_t));
    memset(wom->purchases, 0, n * sizeof(uint32_t));
    memset(wom->flags, 0, n);
    for (int b = 0; b < 2; b++) {
        memset(wom->inbox[b].count[0], 0, 2 * n * sizeof(uint32_t));
        if (wom->inbox[b].extra != NULL) {
            memset(wom->inbox[b].extra, 0, n * sizeof(int64_t));
        }
    }
}

/* Intermediaries first, then customers and prospects (each its own
 * ranking, so changing one share does not move the others' choice). */
static void seed_population(const wom_model_t *model, wom_kind_wom_t *wom) {
    const wom_scenario_t *s = model->scenario;
    uint32_t n = model->agents;
    uint32_t intermediaries = share_of(s->population.intermediaries, n);
    if (intermediaries > 0) {
        rank_agents(model, s->population.intermediary_seeding, WOM_SITE_INTERMEDIARIES,
                    intermediaries);
        for (uint32_t i = 0; i < intermediaries; i++) {
            wom->flags[ranked(wom, i)] |= WOM_INTERMEDIARY;
        }
    }
    uint32_t customers = share_of(s->population.initial_customers, n);
    uint32_t aware = share_of(s->population.initial_aware, n);
    aware = aware < n - customers ? aware : n - customers;
    rank_agents(model, s->population.seeding, WOM_SITE_SEEDING, customers + aware);
    for (uint32_t i = 0; i < customers + aware; i++) {
        wom->state[ranked(wom, i)] = i < customers ? WOM_CUSTOMER : WOM_PROSPECT;
    }
    /* The ranking's memory becomes counts again: zeroed through uint32_t
     * stores (not memset), so that C's effective type of those bytes is
     * uint32_t again before the step reads them. */
    uint32_t *counts = wom->inbox[1].count[0];
    for (size_t i = 0; i < 2 * (size_t)n; i++) {
        counts[i] = 0;
    }
}

static void reset(wom_model_t *model, wom_metrics_row_t *row) {
    wom_kind_wom_t *wom = wom_kind_wom_of(model);
    wom->reached_pos = wom->reached_neg = 0;
    clear_arrays(model, wom);
    seed_population(model, wom);
    count_states(model, row);
}

/* ---- what it records ---- */

/* Every counter of the kind, one per failure mode, then the derived
 * reputation, revenue and discounted value. */
static void columns(const wom_scenario_t *scenario, wom_metrics_layout_t *layout) {
    layout->price = scenario->economics.price;
    layout->discount_rate = scenario->economics.discount_rate;
    for (int id = WOM_M_UNAWARE; id <= WOM_M_TELLS_CAPPED; id++) {
        wom_metrics_layout_add(layout, id, NULL);
    }
    for (int mode = 0; mode < scenario->failure_count; mode++) {
        char name[WOM_METRICS_NAME];
        snprintf(name, sizeof name, "failures_%s", scenario->failures[mode].name);
        wom_metrics_layout_add(layout, WOM_M_FAILURE_MODE + mode, name);
    }
    wom_metrics_layout_add(layout, WOM_M_REPUTATION, NULL);
    wom_metrics_layout_add(layout, WOM_M_REVENUE, NULL);
    wom_metrics_layout_add(layout, WOM_M_VALUE, NULL);
}

const wom_kind_t wom_kind_wom = {.name = "wom",
                                 .estimate_bytes = estimate_bytes,
                                 .check = NULL,
                                 .columns = columns,
                                 .alloc = alloc,
                                 .release = release,
                                 .bytes = bytes,
                                 .reset = reset,
                                 .step = wom_kind_wom_step};
