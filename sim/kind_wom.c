/* kind_wom.c: the `wom` kind's set-up (docs/model.md): its state's
 * allocation, the initial population of a task (who the intermediaries,
 * customers and prospects are, and the initial customers' history) and
 * the columns it records. Its thresholds are kind_wom_thresholds.c, the
 * business's page of reviews and learning kind_wom_business.c, the step
 * kernel kind_wom_step.c. Workload: set-up once per model, a reset per
 * task: O(agents), or O(agents log k) to rank k chosen agents.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "kind_wom.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "memory.h"

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
    free(wom->thresholds.consult);
    free(wom->thresholds.quiet_from);
    free(wom->thresholds.failure);
    free(wom->thresholds.stay);
    free(wom->reviews.posted);
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

/* Whether a message can weigh other than 1: an intermediary's word.
 * Without one the inboxes need no extra weight at all. */
static bool weighted_messages(const wom_scenario_t *s) {
    return s->population.intermediaries > 0 && s->population.intermediary_weight != 1;
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
    t->consult = malloc(attitudes * sizeof(uint64_t));
    t->quiet_from = malloc(attitudes * WOM_KIND_WOM_QUIET_ROW * sizeof(uint64_t));
    t->failure = malloc((size_t)t->segments * 2 * sizeof(uint64_t));
    t->stay = malloc(2 * WOM_OUTCOMES * 2 * attitudes * sizeof(uint64_t));
    wom->reviews.lifetime = model->scenario->online.review_lifetime;
    wom->reviews.posted = malloc((size_t)wom->reviews.lifetime * sizeof *wom->reviews.posted);
    return ok && t->adoption && t->consult && t->quiet_from && t->failure && t->stay &&
           wom->reviews.posted;
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
    wom_kind_wom_set_thresholds(wom, model->scenario);
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

/* The states, promoters, detractors and loyal customers at day 0 (the
 * step counts them as it goes). */
static void count_states(const wom_model_t *model, wom_metrics_row_t *row) {
    const wom_kind_wom_t *wom = wom_kind_wom_of(model);
    int64_t promoter_at = model->scenario->model.promoter_at;
    for (uint32_t v = 0; v < model->agents; v++) {
        int64_t points = wom_kind_wom_points(wom->attitude[v]);
        row->count[WOM_M_UNAWARE + wom->state[v]]++;
        row->count[WOM_M_PROMOTERS] += points >= promoter_at;
        row->count[WOM_M_DETRACTORS] += points <= -promoter_at;
        row->count[WOM_M_LOYAL] += (wom->flags[v] & WOM_LOYAL) && wom->state[v] == WOM_CUSTOMER;
    }
    wom_kind_wom_count_segments(model, row->count);
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

/* An established shop's customer: population.initial_purchases purchases
 * so far (returning from service.returning_after on; in the loyalty
 * programme where it exists and they reach loyalty.enroll_after), and an
 * attitude drawn from a normal distribution of mean and standard deviation
 * population.initial_attitude_*, held within the cap. */
static void give_history(const wom_model_t *model, wom_kind_wom_t *wom, uint32_t agent,
                         gsl_rng *rng) {
    const wom_scenario_t *s = model->scenario;
    int64_t purchases = s->population.initial_purchases;
    wom->purchases[agent] = purchases < UINT32_MAX ? (uint32_t)purchases : UINT32_MAX;
    if (s->loyalty.enabled && purchases >= s->loyalty.enroll_after) {
        wom->flags[agent] |= WOM_LOYAL;
    }
    wom_rng_reset_gsl(rng, wom_kind_key(model, agent, WOM_SITE_HISTORY));
    double points = s->population.initial_attitude_mean +
                    gsl_ran_gaussian_ziggurat(rng, s->population.initial_attitude_sd);
    double cap = (double)s->model.attitude_cap;
    points = points > cap ? cap : points < -cap ? -cap : points;
    wom->attitude[agent] = (int16_t)lround(points * WOM_ATTITUDE_UNIT);
}

/* Intermediaries first, then customers (with their history) and prospects
 * (each its own ranking, so changing one share does not move the others'
 * choice). Returns the number of customers. */
static uint32_t seed_population(const wom_model_t *model, wom_kind_wom_t *wom) {
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
        uint32_t agent = ranked(wom, i);
        wom->state[agent] = i < customers ? WOM_CUSTOMER : WOM_PROSPECT;
        if (i < customers) {
            give_history(model, wom, agent, wom->workers[0].rng);
        }
    }
    /* The ranking's memory becomes counts again: zeroed through uint32_t
     * stores (not memset), so that C's effective type of those bytes is
     * uint32_t again before the step reads them. */
    uint32_t *counts = wom->inbox[1].count[0];
    for (size_t i = 0; i < 2 * (size_t)n; i++) {
        counts[i] = 0;
    }
    return customers;
}

static void reset(wom_model_t *model, wom_metrics_row_t *row) {
    wom_kind_wom_t *wom = wom_kind_wom_of(model);
    wom->reached_pos = wom->reached_neg = 0;
    clear_arrays(model, wom);
    uint32_t customers = seed_population(model, wom);
    count_states(model, row);
    wom_kind_wom_business_reset(model, customers, row);
}

/* ---- what it records ---- */

/* The segments (SBM blocks) with columns of their own: none off an SBM. */
static int recorded_segments(const wom_scenario_t *scenario) {
    int blocks = scenario->network.model == WOM_NET_SBM ? scenario->network.block_count : 0;
    return blocks > 1 ? (blocks < WOM_METRICS_SEGMENTS ? blocks : WOM_METRICS_SEGMENTS) : 0;
}

static void add_named(wom_metrics_layout_t *layout, int id, const char *format, const char *name) {
    char column[WOM_METRICS_NAME];
    snprintf(column, sizeof column, format, name);
    wom_metrics_layout_add(layout, id, column);
}

/* Every counter of the kind, the failures and complaints of each failure
 * mode, then the derived reputation, revenue, discounted value, reviews
 * and rating; on an SBM each segment's customers and reputation. */
static void columns(const wom_scenario_t *scenario, wom_metrics_layout_t *layout) {
    layout->price = scenario->economics.price;
    layout->discount_rate = scenario->economics.discount_rate;
    for (int id = WOM_M_UNAWARE; id < WOM_M_FAILURE_MODE; id++) {
        wom_metrics_layout_add(layout, id, NULL);
    }
    for (int mode = 0; mode < scenario->failure_count; mode++) {
        add_named(layout, WOM_M_FAILURE_MODE + mode, "failures_%s", scenario->failures[mode].name);
        add_named(layout, WOM_M_COMPLAINT_MODE + mode, "complaints_%s",
                  scenario->failures[mode].name);
    }
    for (int id = WOM_M_REPUTATION; id < WOM_M_SEGMENT_REPUTATION; id++) {
        wom_metrics_layout_add(layout, id, NULL);
    }
    for (int segment = 0; segment < recorded_segments(scenario); segment++) {
        char block[16];
        snprintf(block, sizeof block, "%d", segment);
        add_named(layout, WOM_M_SEGMENT_CUSTOMERS + segment, "customers_block%s", block);
        add_named(layout, WOM_M_SEGMENT_REPUTATION + segment, "reputation_block%s", block);
    }
}

_Static_assert((int)WOM_MODEL_UNAWARE == (int)WOM_UNAWARE && (int)WOM_MODEL_LOST == (int)WOM_LOST,
               "the public states are the kind's");

bool wom_kind_wom_agent(const wom_model_t *model, uint32_t agent, wom_model_agent_t *out) {
    const wom_kind_wom_t *wom = wom_kind_wom_of(model);
    uint8_t flags = wom->flags[agent];
    *out = (wom_model_agent_t){.state = wom->state[agent],
                               .attitude = wom->attitude[agent],
                               .purchases = wom->purchases[agent],
                               .loyal = (flags & WOM_LOYAL) != 0,
                               .intermediary = (flags & WOM_INTERMEDIARY) != 0,
                               .heard_good = (flags & WOM_HEARD_POS) != 0,
                               .heard_bad = (flags & WOM_HEARD_NEG) != 0};
    return true;
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
