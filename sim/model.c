/* model.c: the `wom` kind's agents and step kernel (MODEL.md, phases 1-7).
 *
 * Workload: every agent every step (10^4..10^6 agents, ~365 steps, many
 * replications), so the step is one fused pass over the agents. Fusing the
 * phases is exact: within a step an agent's phases read and write only its
 * own state, except telling, which writes the other inbox buffer that is
 * read next step. Each agent draws its Bernoulli words from one keyed
 * stream (one Philox block covers four decisions); GSL is called once per
 * tell, for the number told.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/model.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "womsim/rng.h"

typedef struct {
    uint32_t *inbox; /* the receiving inbox buffer of this valence */
    int64_t delivered;
    int64_t capped;
} tell_result_t;

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
    free(model->heard);
    for (int b = 0; b < 2; b++) {
        free(model->inbox_pos[b]);
        free(model->inbox_neg[b]);
    }
    free(model->adoption_threshold);
    free(model->seeding_rank);
    free(model);
}

static void set_thresholds(wom_model_t *model) {
    const wom_scenario_t *s = model->scenario;
    model->advertising_threshold = wom_rng_threshold(s->adoption.advertising);
    model->purchase_threshold = wom_rng_threshold(s->service.purchase_rate);
    model->failure_threshold = wom_rng_threshold(1 - s->service.quality);
    model->repurchase_threshold = wom_rng_threshold(s->recovery.repurchase_silent_minor);
    model->churn_threshold = wom_rng_threshold(s->service.churn_rate);
    model->winback_threshold = wom_rng_threshold(s->adoption.winback);
    int64_t cap = s->model.attitude_cap;
    for (int64_t attitude = -cap; attitude <= cap; attitude++) {
        double p = 0;
        if (attitude > -s->adoption.reject_threshold) {
            p = s->adoption.base + s->adoption.persuasion * (double)(attitude > 0 ? attitude : 0);
            p = p < s->adoption.max ? p : s->adoption.max;
        }
        model->adoption_threshold[attitude + cap] = wom_rng_threshold(p);
    }
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

/* ---- initial conditions ---- */

/* Seeding order: agents sorted by a 64-bit rank, priority in the high half
 * and the agent id in the low half, so the order is total and no comparator
 * context is needed. */
static int by_rank(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rank_of(uint32_t priority, uint32_t agent) {
    return (uint64_t)priority << 32 | agent;
}

/* Degree seeding: best connected first, ties by lower id; the same for
 * every task, so sorted once. */
static void rank_by_degree(wom_model_t *model) {
    for (uint32_t v = 0; v < model->agents; v++) {
        uint32_t degree = wom_graph_degree(model->graph, v);
        model->seeding_rank[v] = rank_of(UINT32_MAX - degree, v);
    }
    qsort(model->seeding_rank, model->agents, sizeof(uint64_t), by_rank);
}

/* Random seeding: each agent's priority is a keyed word, so each task seeds
 * different agents and the choice never depends on a stream's length. */
static void rank_at_random(wom_model_t *model) {
    const wom_scenario_t *s = model->scenario;
    for (uint32_t v = 0; v < model->agents; v++) {
        wom_rng_stream_t stream;
        wom_rng_stream_init(
            &stream, (wom_rng_key_t){s->simulation.seed, model->task, 0, v, WOM_SITE_SEEDING});
        model->seeding_rank[v] = rank_of(wom_rng_stream_next(&stream), v);
    }
    qsort(model->seeding_rank, model->agents, sizeof(uint64_t), by_rank);
}

uint64_t wom_model_estimate_bytes(uint32_t agents, uint32_t max_degree, int threads) {
    /* state, attitude, purchases, heard, two double-buffered inboxes, seeding rank */
    const uint64_t per_agent = 1 + 2 + 4 + 1 + 4 * 4 + 8;
    const uint64_t per_worker = 4096 + 5 * (uint64_t)max_degree; /* gsl_rng, picks, marks */
    return per_agent * agents + per_worker * (uint64_t)threads;
}

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
    size_t n = graph->nodes;
    model->state = malloc(n);
    model->attitude = malloc(n * sizeof(int16_t));
    model->purchases = malloc(n * sizeof(uint32_t));
    model->heard = malloc(n);
    for (int b = 0; b < 2; b++) {
        model->inbox_pos[b] = malloc(n * sizeof(uint32_t));
        model->inbox_neg[b] = malloc(n * sizeof(uint32_t));
    }
    model->adoption_threshold =
        malloc((size_t)(2 * scenario->model.attitude_cap + 1) * sizeof(uint64_t));
    model->seeding_rank = malloc(n * sizeof(uint64_t) + 1);
    bool ok = model->state && model->attitude && model->purchases && model->heard &&
              model->inbox_pos[0] && model->inbox_pos[1] && model->inbox_neg[0] &&
              model->inbox_neg[1] && model->adoption_threshold && model->seeding_rank;
    if (!ok || alloc_workers(model) != WOM_OK) {
        wom_model_free(model);
        return WOM_ENOMEM;
    }
    if (scenario->population.seeding == WOM_SEEDING_DEGREE) {
        rank_by_degree(model);
    }
    set_thresholds(model);
    *out = model;
    return WOM_OK;
}

static uint32_t share_of(double share, uint32_t agents) {
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

void wom_model_reset(wom_model_t *model, uint32_t task, wom_metrics_row_t *row) {
    size_t n = model->agents;
    model->task = task;
    model->step = 0;
    model->reached_pos = model->reached_neg = 0;
    memset(model->state, WOM_UNAWARE, n);
    memset(model->attitude, 0, n * sizeof(int16_t));
    memset(model->purchases, 0, n * sizeof(uint32_t));
    memset(model->heard, 0, n);
    for (int b = 0; b < 2; b++) {
        memset(model->inbox_pos[b], 0, n * sizeof(uint32_t));
        memset(model->inbox_neg[b], 0, n * sizeof(uint32_t));
    }
    const wom_scenario_t *s = model->scenario;
    uint32_t customers = share_of(s->population.initial_customers, model->agents);
    uint32_t aware = share_of(s->population.initial_aware, model->agents);
    if (aware > model->agents - customers) {
        aware = model->agents - customers;
    }
    if (s->population.seeding == WOM_SEEDING_RANDOM) {
        rank_at_random(model);
    }
    for (uint32_t i = 0; i < customers + aware; i++) {
        uint32_t agent = (uint32_t)model->seeding_rank[i];
        model->state[agent] = i < customers ? WOM_CUSTOMER : WOM_PROSPECT;
    }
    memset(row, 0, sizeof *row);
    count_states(model, row);
}

/* ---- the step ---- */

/* What one agent's pass needs besides the model: its worker, the inbox
 * buffers of this step, and whether other threads share the inboxes. */
typedef struct {
    wom_model_t *model;
    wom_model_worker_t *worker;
    int read;    /* inbox buffer read this step */
    bool shared; /* inbox writes must be atomic */
    int64_t *counts;
} step_context_t;

static void deliver(const step_context_t *context, uint32_t *inbox, uint32_t hearer,
                    uint32_t weight) {
    if (context->shared) {
#pragma omp atomic
        inbox[hearer] += weight;
    } else {
        inbox[hearer] += weight;
    }
}

/* K ~ D(mean) from wom.tell_distribution, drawn with GSL from a keyed
 * stream. */
static uint32_t draw_tell_count(const step_context_t *context, uint32_t agent, double mean) {
    const wom_scenario_t *s = context->model->scenario;
    if (mean <= 0) {
        return 0;
    }
    gsl_rng *rng = context->worker->rng;
    wom_rng_reset_gsl(rng, (wom_rng_key_t){s->simulation.seed, context->model->task,
                                           context->model->step, agent, WOM_SITE_TELL_COUNT});
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

/* Tells K distinct out-neighbours (Floyd's sampling: O(K) draws, not O(d)),
 * K capped at the degree. Returns the number told. */
static uint32_t tell(const step_context_t *context, uint32_t agent, uint32_t *inbox, double mean,
                     int64_t *capped) {
    const wom_graph_t *graph = context->model->graph;
    uint32_t wanted = draw_tell_count(context, agent, mean);
    uint32_t degree = wom_graph_degree(graph, agent);
    uint32_t count = wanted < degree ? wanted : degree;
    *capped += wanted - count;
    const uint32_t *neighbours = graph->targets + graph->offsets[agent];
    if (count == degree) {
        for (uint32_t i = 0; i < count; i++) {
            deliver(context, inbox, neighbours[i], 1);
        }
        return count;
    }
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){context->model->scenario->simulation.seed,
                                                 context->model->task, context->model->step, agent,
                                                 WOM_SITE_TELL_PICK});
    uint32_t *picked = context->worker->picked;
    uint8_t *marked = context->worker->marked;
    for (uint32_t j = degree - count, n = 0; j < degree; j++, n++) {
        uint32_t candidate = wom_rng_stream_below(&stream, j + 1);
        if (marked[candidate]) {
            candidate = j; /* j itself cannot have been picked yet */
        }
        marked[candidate] = 1;
        picked[n] = candidate;
        deliver(context, inbox, neighbours[candidate], 1);
    }
    for (uint32_t n = 0; n < count; n++) {
        marked[picked[n]] = 0; /* leave the marks clear for the next tell */
    }
    return count;
}

static int16_t clamp_attitude(int64_t attitude, int64_t cap) {
    return (int16_t)(attitude > cap ? cap : attitude < -cap ? -cap : attitude);
}

/* Phase 1, hear: the messages sent to this agent last step. */
static void hear(const step_context_t *context, uint32_t agent, uint8_t *state, int64_t *attitude) {
    wom_model_t *model = context->model;
    uint32_t positive = model->inbox_pos[context->read][agent];
    uint32_t negative = model->inbox_neg[context->read][agent];
    if ((positive | negative) == 0) {
        return;
    }
    model->inbox_pos[context->read][agent] = 0;
    model->inbox_neg[context->read][agent] = 0;
    uint8_t news = (uint8_t)((positive ? WOM_HEARD_POS : 0) | (negative ? WOM_HEARD_NEG : 0));
    uint8_t fresh = news & (uint8_t)~model->heard[agent];
    model->heard[agent] |= news;
    context->counts[WOM_M_REACHED_POS] += (fresh & WOM_HEARD_POS) != 0;
    context->counts[WOM_M_REACHED_NEG] += (fresh & WOM_HEARD_NEG) != 0;
    if (*state == WOM_UNAWARE) {
        *state = WOM_PROSPECT;
    }
    *attitude = clamp_attitude(*attitude + positive - (int64_t)negative,
                               model->scenario->model.attitude_cap);
    if (*state == WOM_CUSTOMER && *attitude <= model->scenario->adoption.churn_attitude) {
        *state = WOM_LOST;
    }
}

/* Phases 2 and 3: advertising, adoption and win-back. */
static void adopt(const wom_model_t *model, wom_rng_stream_t *stream, uint8_t *state,
                  int64_t attitude) {
    if (*state == WOM_UNAWARE && wom_rng_stream_next(stream) < model->advertising_threshold) {
        *state = WOM_PROSPECT;
    }
    int64_t cap = model->scenario->model.attitude_cap;
    if (*state == WOM_PROSPECT) {
        if (wom_rng_stream_next(stream) < model->adoption_threshold[attitude + cap]) {
            *state = WOM_CUSTOMER;
        }
    } else if (*state == WOM_LOST && attitude > 0) {
        if (wom_rng_stream_next(stream) < model->winback_threshold) {
            *state = WOM_CUSTOMER;
        }
    }
}

/* Phase 4 and 5: a customer's service encounter and what it tells. */
static void encounter(const step_context_t *context, uint32_t agent, wom_rng_stream_t *stream,
                      uint8_t *state, int64_t *attitude) {
    wom_model_t *model = context->model;
    const wom_scenario_t *s = model->scenario;
    int64_t *counts = context->counts;
    if (wom_rng_stream_next(stream) >= model->purchase_threshold) {
        return;
    }
    int write = 1 - context->read;
    counts[WOM_M_ENCOUNTERS]++;
    model->purchases[agent] += model->purchases[agent] < UINT32_MAX;
    int64_t weight = s->model.experience_weight;
    if (wom_rng_stream_next(stream) < model->failure_threshold) {
        counts[WOM_M_DISSATISFIED]++;
        *attitude = clamp_attitude(*attitude - weight, s->model.attitude_cap);
        uint32_t told = tell(context, agent, model->inbox_neg[write], s->wom.dissatisfied_tell_mean,
                             &counts[WOM_M_TELLS_CAPPED]);
        counts[WOM_M_MSGS_NEG] += told;
        counts[WOM_M_TOLD_BY_DISSATISFIED] += told;
        if (wom_rng_stream_next(stream) >= model->repurchase_threshold) {
            *state = WOM_LOST;
        }
    } else {
        counts[WOM_M_SATISFIED]++;
        *attitude = clamp_attitude(*attitude + weight, s->model.attitude_cap);
        uint32_t told = tell(context, agent, model->inbox_pos[write], s->wom.satisfied_tell_mean,
                             &counts[WOM_M_TELLS_CAPPED]);
        counts[WOM_M_MSGS_POS] += told;
        counts[WOM_M_TOLD_BY_SATISFIED] += told;
    }
}

/* One agent's whole step, phases 1-6, then its share of the record. */
static void step_agent(const step_context_t *context, uint32_t agent) {
    wom_model_t *model = context->model;
    const wom_scenario_t *s = model->scenario;
    uint8_t state = model->state[agent];
    int64_t attitude = model->attitude[agent];
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, (wom_rng_key_t){s->simulation.seed, model->task, model->step,
                                                 agent, WOM_SITE_AGENT_STEP});
    hear(context, agent, &state, &attitude);
    adopt(model, &stream, &state, attitude);
    if (state == WOM_CUSTOMER) {
        encounter(context, agent, &stream, &state, &attitude);
    }
    if (state == WOM_CUSTOMER && wom_rng_stream_next(&stream) < model->churn_threshold) {
        state = WOM_LOST;
    }
    model->state[agent] = state;
    model->attitude[agent] = (int16_t)attitude;
    int64_t *counts = context->counts;
    counts[WOM_M_UNAWARE + state]++;
    counts[WOM_M_PROMOTERS] += attitude >= s->model.promoter_at;
    counts[WOM_M_DETRACTORS] += attitude <= -s->model.promoter_at;
}

void wom_model_step(wom_model_t *model, wom_metrics_row_t *row) {
    model->step++;
    int64_t counts[WOM_M_COUNTERS] = {0};
    int read = (int)(model->step % 2);
    uint32_t agents = model->agents;
    bool shared = model->threads > 1;
#pragma omp parallel num_threads(model->threads) if (shared) reduction(+ : counts[:WOM_M_COUNTERS])
    {
        int thread = 0;
#ifdef _OPENMP
        thread = omp_get_thread_num();
#endif
        step_context_t context = {model, &model->workers[thread], read, shared, counts};
#pragma omp for schedule(static)
        for (uint32_t agent = 0; agent < agents; agent++) {
            step_agent(&context, agent);
        }
    }
    model->reached_pos += counts[WOM_M_REACHED_POS];
    model->reached_neg += counts[WOM_M_REACHED_NEG];
    counts[WOM_M_REACHED_POS] = model->reached_pos;
    counts[WOM_M_REACHED_NEG] = model->reached_neg;
    memcpy(row->count, counts, sizeof counts);
}
