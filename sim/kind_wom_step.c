/* kind_wom_step.c: the `wom` kind's step kernel (docs/model.md, phases
 * 1-7); its set-up is kind_wom.c.
 *
 * Workload: every agent every step (10^4..10^7 agents, ~365 steps, many
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
 * called once per tell, for the number told.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "kind_wom.h"

#include <string.h>

#include <gsl/gsl_randist.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* What one agent's pass needs: the model and its kind's state, its
 * worker, the inbox buffers of this step, and whether other threads share
 * the inboxes. */
typedef struct {
    const wom_model_t *model;
    wom_kind_wom_t *wom;
    wom_kind_wom_worker_t *worker;
    const wom_kind_wom_inbox_t *read;  /* heard this step */
    const wom_kind_wom_inbox_t *write; /* heard next step */
    bool shared;                       /* inbox writes must be atomic */
    int64_t *counts;
    wom_model_trace_t *trace; /* where messages are recorded (wom_model_set_trace), or NULL */
} step_context_t;

static wom_rng_key_t key_of(const step_context_t *context, uint32_t agent, uint32_t site) {
    return wom_kind_key(context->model, agent, site);
}

/* Writes one message into the inbox of the next step (atomically when
 * threads share it). */
static void write_message(const step_context_t *context, const wom_kind_wom_message_t *message) {
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

/* Records a message in the caller's trace: its slot taken atomically, as
 * threads share the trace; stored while there is room, counted always
 * (the caller sorts each step's messages, so their order here does not
 * matter). */
static void record_message(wom_model_trace_t *trace, const wom_model_message_t *message) {
    uint64_t slot;
#pragma omp atomic capture
    slot = trace->count++;
    if (slot < trace->capacity) {
        trace->messages[slot] = *message;
    }
}

/* Records the messages of one tell to close ties: neighbours[i] for i <
 * count, or neighbours[picked[i]] when `picked` is not NULL. Out of line
 * and tested once per tell, so that a run without a trace pays one
 * predicted branch per tell and nothing per message. */
__attribute__((noinline, cold)) static void record_tell(const step_context_t *context,
                                                        uint32_t teller, int valence,
                                                        uint32_t weight, wom_message_kind kind,
                                                        const uint32_t *neighbours,
                                                        const uint32_t *picked, uint32_t count) {
    for (uint32_t i = 0; i < count; i++) {
        uint32_t hearer = neighbours[picked != NULL ? picked[i] : i];
        record_message(context->trace, &(wom_model_message_t){teller, hearer, weight,
                                                              (uint8_t)valence, (uint8_t)kind});
    }
}

/* Sends a message: its inbox cell is prefetched now and written
 * WOM_KIND_WOM_PENDING messages later (or at the end of the thread's run), so
 * that the cache miss of a random hearer overlaps other work instead of
 * stalling the step. The inbox is read only in the next step and its sums
 * do not depend on order, so the delay changes nothing. */
static void deliver(const step_context_t *context, int valence, uint32_t hearer, uint32_t weight) {
    wom_kind_wom_worker_t *worker = context->worker;
    __builtin_prefetch(&context->write->count[valence][hearer], 1);
    if (weight != 1) {
        __builtin_prefetch(&context->write->extra[hearer], 1);
    }
    if (worker->pending == WOM_KIND_WOM_PENDING) {
        write_message(context, &worker->messages[worker->oldest]);
        worker->oldest = (worker->oldest + 1) % WOM_KIND_WOM_PENDING;
        worker->pending--;
    }
    uint32_t slot = (worker->oldest + worker->pending) % WOM_KIND_WOM_PENDING;
    worker->messages[slot] = (wom_kind_wom_message_t){hearer, (uint32_t)valence, weight};
    worker->pending++;
}

/* Writes every pending message of the thread. */
static void deliver_pending(const step_context_t *context) {
    wom_kind_wom_worker_t *worker = context->worker;
    for (; worker->pending > 0; worker->pending--) {
        write_message(context, &worker->messages[worker->oldest]);
        worker->oldest = (worker->oldest + 1) % WOM_KIND_WOM_PENDING;
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

/* How many of the `wanted` people told are weak ties: a word each from
 * `stream` (none in a population of one). */
static uint32_t weak_ties(const step_context_t *context, uint32_t wanted,
                          wom_rng_stream_t *stream) {
    uint64_t weak = context->wom->thresholds.weak;
    uint32_t ties = 0;
    if (weak == 0 || context->model->agents < 2) {
        return 0;
    }
    for (uint32_t i = 0; i < wanted; i++) {
        ties += wom_rng_stream_next(stream) < weak;
    }
    return ties;
}

/* Tells `count` weak ties: acquaintances beyond the close ties, each drawn
 * uniformly from everyone else (one word: a draw among the others, moved
 * past the teller). */
static void tell_weak_ties(const step_context_t *context, uint32_t agent, int valence,
                           uint32_t count, uint32_t weight, wom_message_kind kind,
                           wom_rng_stream_t *stream) {
    for (uint32_t i = 0; i < count; i++) {
        uint32_t hearer = wom_rng_stream_below(stream, context->model->agents - 1);
        hearer += hearer >= agent;
        deliver(context, valence, hearer, weight);
        if (__builtin_expect(context->trace != NULL, 0)) {
            record_message(context->trace, &(wom_model_message_t){agent, hearer, weight,
                                                                  (uint8_t)valence, (uint8_t)kind});
        }
    }
    context->counts[WOM_M_TOLD_WEAK] += count;
}

/* Tells `wanted` people: each a weak tie with wom.weak_tie_share, the rest
 * distinct out-neighbours (close ties), capped at the degree, with Floyd's
 * sampling: O(K) draws from `stream`, and the worker's marks answer
 * "already picked?" in O(1). Returns the number told. */
static uint32_t tell(const step_context_t *context, uint32_t agent, int valence, uint32_t wanted,
                     uint32_t weight, wom_message_kind kind, wom_rng_stream_t *stream) {
    const wom_graph_t *graph = context->model->graph;
    uint32_t weak = weak_ties(context, wanted, stream);
    uint32_t close = wanted - weak, degree = wom_graph_degree(graph, agent);
    uint32_t count = close < degree ? close : degree;
    context->counts[valence == WOM_POSITIVE ? WOM_M_TELLS_CAPPED_POS : WOM_M_TELLS_CAPPED_NEG] +=
        close - count;
    tell_weak_ties(context, agent, valence, weak, weight, kind, stream);
    const uint32_t *neighbours = graph->targets + graph->offsets[agent];
    if (count == degree) {
        for (uint32_t i = 0; i < count; i++) {
            deliver(context, valence, neighbours[i], weight);
        }
        if (__builtin_expect(context->trace != NULL, 0)) {
            record_tell(context, agent, valence, weight, kind, neighbours, NULL, count);
        }
        return count + weak;
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
    if (__builtin_expect(context->trace != NULL, 0)) {
        record_tell(context, agent, valence, weight, kind, neighbours, picked, count);
    }
    return count + weak;
}

static uint32_t weight_of(const step_context_t *context, uint32_t agent) {
    return context->wom->flags[agent] & WOM_INTERMEDIARY
               ? (uint32_t)context->model->scenario->population.intermediary_weight
               : 1;
}

/* Streams of one telling: the number told (GSL) and who (raw words). */
typedef struct {
    uint32_t count_site, pick_site;
} telling_t;

static const telling_t EXPERIENCE = {WOM_SITE_TELL_COUNT, WOM_SITE_TELL_PICK};
static const telling_t ADVICE = {WOM_SITE_ADVICE_COUNT, WOM_SITE_ADVICE_PICK};

/* An episode told: K ~ D(mean) people from the agent's streams of `how`;
 * the messages counted as sent with valence `valence`, of kind `kind`. */
static uint32_t tell_episode(const step_context_t *context, uint32_t agent, int valence,
                             double mean, telling_t how, wom_message_kind kind) {
    gsl_rng *rng = context->worker->rng;
    wom_rng_reset_gsl(rng, key_of(context, agent, how.count_site));
    uint32_t wanted = draw_tell_count(context->model->scenario, rng, mean);
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, key_of(context, agent, how.pick_site));
    uint32_t told = tell(context, agent, valence, wanted, weight_of(context, agent), kind, &stream);
    context->counts[valence == WOM_POSITIVE ? WOM_M_MSGS_POS : WOM_M_MSGS_NEG] += told;
    return told;
}

/* A review posted: it goes on the business's page at the end of the day
 * (kind_wom_business.c). */
static void post_review(const step_context_t *context, int valence) {
    context->counts[valence == WOM_POSITIVE ? WOM_M_REVIEWS_POS : WOM_M_REVIEWS_NEG]++;
}

/* An attitude (1/64 point) moved by `points`, within [-cap, cap] points. */
static int64_t move_attitude(int64_t attitude, int64_t change, int64_t cap) {
    int64_t limit = cap * WOM_ATTITUDE_UNIT, moved = attitude + change;
    return moved > limit ? limit : moved < -limit ? -limit : moved;
}

/* An attitude one day older: it fades toward 0 by `fade` / 2^16 of itself,
 * at least 1/64 point a day, so that an opinion left alone ends neutral. */
static inline int64_t faded(int64_t attitude, uint32_t fade) {
    if (fade == 0 || attitude == 0) {
        return attitude;
    }
    int64_t size = attitude < 0 ? -attitude : attitude;
    int64_t step = (int64_t)(((uint64_t)size * fade) >> 16);
    size -= step > 0 ? step : 1;
    size = size > 0 ? size : 0;
    return attitude < 0 ? -size : size;
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
    const wom_kind_wom_t *wom = context->wom;
    const wom_scenario_t *s = context->model->scenario;
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
                passed += wom_rng_stream_next(&picks) < wom->thresholds.forward;
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
            uint32_t told = tell(context, agent, valence, wanted, weight_of(context, agent),
                                 WOM_MESSAGE_HEARSAY, &picks);
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
    const wom_model_t *model = context->model;
    wom_kind_wom_t *wom = context->wom;
    const wom_kind_wom_inbox_t *in = context->read;
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
    uint8_t fresh = news & (uint8_t)~wom->flags[agent];
    wom->flags[agent] |= news;
    context->counts[WOM_M_REACHED_POS] += (fresh & WOM_HEARD_POS) != 0;
    context->counts[WOM_M_REACHED_NEG] += (fresh & WOM_HEARD_NEG) != 0;
    if (*state == WOM_UNAWARE) {
        *state = WOM_PROSPECT;
    }
    const wom_scenario_t *s = model->scenario;
    *attitude = move_attitude(*attitude, net * WOM_ATTITUDE_UNIT, s->model.attitude_cap);
    if (*state == WOM_CUSTOMER && wom_kind_wom_points(*attitude) <= s->adoption.churn_attitude) {
        *state = WOM_LOST;
    }
    forward(context, agent, heard);
}

/* A prospect reads the business's page of reviews. */
static void read_reviews(const step_context_t *context, int64_t *attitude) {
    const wom_kind_wom_t *wom = context->wom;
    *attitude = move_attitude(*attitude, wom->reviews.reading,
                              context->model->scenario->model.attitude_cap);
    context->counts[WOM_M_REVIEW_READS]++;
}

/* Phases 2 and 3: advertising; adoption, or else reading the reviews;
 * win-back. */
static void adopt(const step_context_t *context, decisions_t *decisions, uint8_t *state,
                  int64_t *attitude) {
    const wom_kind_wom_thresholds_t *t = &context->wom->thresholds;
    if (*state == WOM_UNAWARE && decide(decisions) < t->advertising) {
        *state = WOM_PROSPECT;
    }
    int64_t cap = context->model->scenario->model.attitude_cap;
    int64_t points = wom_kind_wom_points(*attitude);
    if (*state == WOM_PROSPECT) {
        uint32_t word = decide(decisions);
        uint64_t adoption = t->adoption[points + cap];
        if (word < adoption) {
            *state = WOM_CUSTOMER;
            context->counts[WOM_M_NEW_CUSTOMERS]++;
        } else if (word - adoption < t->consult[points + cap]) {
            read_reviews(context, attitude);
        }
    } else if (*state == WOM_LOST && points > 0) {
        if (decide(decisions) < t->winback) {
            *state = WOM_CUSTOMER;
            context->counts[WOM_M_WON_BACK]++;
        }
    }
}

/* The failing mode, or -1 when the encounter goes well. */
static int draw_failure(const step_context_t *context, uint32_t agent, decisions_t *decisions) {
    const wom_model_t *model = context->model;
    const wom_kind_wom_t *wom = context->wom;
    const wom_kind_wom_thresholds_t *t = &wom->thresholds;
    int returning = wom->purchases[agent] >= model->scenario->service.returning_after;
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
static int failure_outcome(const step_context_t *context, int mode, decisions_t *decisions) {
    const wom_kind_wom_thresholds_t *t = &context->wom->thresholds;
    if (decide(decisions) >= t->complain) {
        return WOM_SILENT;
    }
    context->counts[WOM_M_COMPLAINTS]++;
    context->counts[WOM_M_COMPLAINT_MODE + mode] += context->model->scenario->failure_count > 0;
    if (decide(decisions) >= t->success) {
        return WOM_UNRESOLVED;
    }
    return decide(decisions) < t->quick ? WOM_QUICK : WOM_RESOLVED;
}

/* A satisfied encounter: told when it matters (the first purchase, or one
 * that makes the customer a promoter), else with wom.routine_tell_prob;
 * maybe a good review. */
static void satisfied(const step_context_t *context, uint32_t agent, bool first,
                      decisions_t *decisions, int64_t *attitude) {
    const wom_scenario_t *s = context->model->scenario;
    const wom_kind_wom_thresholds_t *t = &context->wom->thresholds;
    int64_t *counts = context->counts;
    counts[WOM_M_SATISFIED]++;
    int64_t before = wom_kind_wom_points(*attitude);
    *attitude = move_attitude(*attitude, s->model.experience_weight * WOM_ATTITUDE_UNIT,
                              s->model.attitude_cap);
    bool promoted =
        before < s->model.promoter_at && wom_kind_wom_points(*attitude) >= s->model.promoter_at;
    if (first || promoted || decide(decisions) < t->routine) {
        counts[WOM_M_SATISFIED_TOLD]++;
        counts[WOM_M_TOLD_BY_SATISFIED] +=
            tell_episode(context, agent, WOM_POSITIVE, s->wom.satisfied_tell_mean, EXPERIENCE,
                         WOM_MESSAGE_EXPERIENCE);
    }
    if (decide(decisions) < t->review[WOM_POSITIVE]) {
        post_review(context, WOM_POSITIVE);
    }
}

/* A failed encounter: complaint and recovery, or bad news; then stay or go. */
static void failed(const step_context_t *context, uint32_t agent, int mode, decisions_t *decisions,
                   uint8_t *state, int64_t *attitude) {
    const wom_kind_wom_t *wom = context->wom;
    const wom_scenario_t *s = context->model->scenario;
    int64_t *counts = context->counts;
    const wom_kind_wom_thresholds_t *t = &wom->thresholds;
    counts[WOM_M_FAILURES]++;
    counts[WOM_M_FAILURE_MODE + mode] += s->failure_count > 0;
    int outcome = failure_outcome(context, mode, decisions);
    int severity = t->mode_severity[mode];
    if (outcome >= WOM_RESOLVED) {
        counts[WOM_M_RECOVERED]++;
        int64_t bonus =
            s->recovery.paradox ? s->recovery.attitude_bonus : s->model.experience_weight;
        *attitude = move_attitude(*attitude, bonus * WOM_ATTITUDE_UNIT, s->model.attitude_cap);
        counts[WOM_M_TOLD_BY_RECOVERED] += tell_episode(
            context, agent, WOM_POSITIVE, s->recovery.tell_mean, EXPERIENCE, WOM_MESSAGE_RECOVERY);
    } else {
        counts[WOM_M_DISSATISFIED]++;
        *attitude = move_attitude(*attitude, -s->model.experience_weight * WOM_ATTITUDE_UNIT,
                                  s->model.attitude_cap);
        double mean = s->wom.dissatisfied_tell_mean *
                      (severity == WOM_SEVERITY_MAJOR ? s->wom.major_tell_factor : 1);
        counts[WOM_M_TOLD_BY_DISSATISFIED] +=
            tell_episode(context, agent, WOM_NEGATIVE, mean, EXPERIENCE, WOM_MESSAGE_EXPERIENCE);
        if (decide(decisions) < t->review[WOM_NEGATIVE]) {
            post_review(context, WOM_NEGATIVE);
        }
    }
    int loyal = (wom->flags[agent] & WOM_LOYAL) != 0;
    int64_t cap = s->model.attitude_cap, attitudes = 2 * cap + 1;
    size_t row = (size_t)(((loyal * WOM_OUTCOMES + outcome) * 2 + severity) * attitudes);
    if (decide(decisions) >= t->stay[row + (size_t)(wom_kind_wom_points(*attitude) + cap)]) {
        *state = WOM_LOST;
    }
}

/* Phase 4 and 5: a customer's service encounter (the purchase drawn by
 * the caller) and what it tells. */
static void encounter(const step_context_t *context, uint32_t agent, decisions_t *decisions,
                      uint8_t *state, int64_t *attitude) {
    wom_kind_wom_t *wom = context->wom;
    const wom_scenario_t *s = context->model->scenario;
    context->counts[WOM_M_ENCOUNTERS]++;
    bool first = wom->purchases[agent] == 0;
    int mode = draw_failure(context, agent, decisions);
    if (mode < 0) {
        satisfied(context, agent, first, decisions, attitude);
    } else {
        failed(context, agent, mode, decisions, state, attitude);
    }
    wom->purchases[agent] += wom->purchases[agent] < UINT32_MAX;
    if (s->loyalty.enabled && wom->purchases[agent] >= s->loyalty.enroll_after) {
        wom->flags[agent] |= WOM_LOYAL;
    }
}

/* An agent's share of the step's record, from its state at the end,
 * packed a byte per count: its state (bytes 0-3, in the order of the
 * metrics from WOM_M_UNAWARE), promoter (byte 4), detractor (5), loyal
 * customer (6). A batch sums its agents' records in one register (at most
 * 64 agents: no byte overflows) and unpacks the sum once (add_records),
 * instead of seven counters in memory updated per agent. */
static inline uint64_t record_of(int64_t promoter_at, uint8_t state, int64_t points,
                                 uint8_t flags) {
    uint64_t loyal_customer = (flags & WOM_LOYAL) != 0 && state == WOM_CUSTOMER;
    return UINT64_C(1) << (8 * state) | (uint64_t)(points >= promoter_at) << 32 |
           (uint64_t)(points <= -promoter_at) << 40 | loyal_customer << 48;
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
    int16_t *attitude;
    const uint64_t *quiet_from;
    int64_t cap, promoter_at;
    uint32_t fade;
} quiet_view_t;

static quiet_view_t quiet_view(const step_context_t *context) {
    const wom_model_t *model = context->model;
    wom_kind_wom_t *wom = context->wom;
    return (quiet_view_t){context->read->count[WOM_POSITIVE],
                          context->read->count[WOM_NEGATIVE],
                          wom->state,
                          wom->flags,
                          wom->attitude,
                          wom->thresholds.quiet_from,
                          model->scenario->model.attitude_cap,
                          model->scenario->model.promoter_at,
                          wom->fade};
}

/* The common step, taken first: no message heard and a first word at
 * least quiet_from (nothing fires) for the attitude after the night's
 * fading. Returns the agent's record, or 0 (no record has no bits) when
 * the step is not quiet, so that the full step runs instead with the same
 * words (and fades the attitude itself). */
static inline uint64_t quiet_step(const quiet_view_t *view, uint32_t agent, uint32_t first) {
    if ((view->heard_pos[agent] | view->heard_neg[agent]) != 0) {
        return 0;
    }
    uint8_t state = view->state[agent], flags = view->flags[agent];
    int64_t attitude = faded(view->attitude[agent], view->fade);
    int64_t points = wom_kind_wom_points(attitude);
    size_t row = (size_t)(points + view->cap) * WOM_KIND_WOM_QUIET_ROW;
    if (first < view->quiet_from[row + state + (flags & (WOM_LOYAL | WOM_INTERMEDIARY))]) {
        return 0;
    }
    view->attitude[agent] = (int16_t)attitude;
    return record_of(view->promoter_at, state, points, flags);
}

/* A customer's purchase, encounter and churn: churn is decided by what is
 * left of the purchase word when it bought nothing (uniform on the rest of
 * the range), else by a word of its own after the encounter. */
static void serve(const step_context_t *context, uint32_t agent, decisions_t *decisions,
                  uint8_t *state, int64_t *attitude) {
    const wom_kind_wom_t *wom = context->wom;
    const wom_kind_wom_thresholds_t *t = &wom->thresholds;
    uint32_t word = decide(decisions);
    bool churns;
    if (word < t->purchase) {
        encounter(context, agent, decisions, state, attitude);
        int loyal = (wom->flags[agent] & WOM_LOYAL) != 0;
        churns = *state == WOM_CUSTOMER && decide(decisions) < t->churn[loyal];
    } else {
        int loyal = (wom->flags[agent] & WOM_LOYAL) != 0;
        churns = word - t->purchase < t->churn_after_no_purchase[loyal];
    }
    if (churns) {
        *state = WOM_LOST;
    }
}

/* Phase 5b: an intermediary who knows the business and has an opinion
 * advises, buying or not: with population.advice_rate it tells K ~
 * D(population.advice_tell_mean) people, good news if its attitude is
 * positive, bad if negative. */
static void advise(const step_context_t *context, uint32_t agent, uint8_t state, int64_t attitude,
                   decisions_t *decisions) {
    const wom_kind_wom_t *wom = context->wom;
    int64_t points = wom_kind_wom_points(attitude);
    if (!(wom->flags[agent] & WOM_INTERMEDIARY) || wom->thresholds.advice == 0 ||
        state == WOM_UNAWARE || points == 0 || decide(decisions) >= wom->thresholds.advice) {
        return;
    }
    int valence = points > 0 ? WOM_POSITIVE : WOM_NEGATIVE;
    context->counts[WOM_M_TOLD_BY_ADVICE] +=
        tell_episode(context, agent, valence, context->model->scenario->population.advice_tell_mean,
                     ADVICE, WOM_MESSAGE_ADVICE);
}

/* One agent's whole step, phases 0-6, when it is not quiet; returns its
 * share of the record. `first` is its word of the block shared by four
 * agents. */
static uint64_t step_agent(const step_context_t *context, uint32_t agent, uint32_t first) {
    wom_kind_wom_t *wom = context->wom;
    uint8_t state = wom->state[agent];
    int64_t attitude = faded(wom->attitude[agent], wom->fade);
    decisions_t decisions = {.first = first,
                             .more_key = key_of(context, agent, WOM_SITE_AGENT_MORE)};
    hear(context, agent, &state, &attitude);
    adopt(context, &decisions, &state, &attitude);
    if (state == WOM_CUSTOMER) {
        serve(context, agent, &decisions, &state, &attitude);
    }
    advise(context, agent, state, attitude, &decisions);
    wom->state[agent] = state;
    wom->attitude[agent] = (int16_t)attitude;
    return record_of(context->model->scenario->model.promoter_at, state,
                     wom_kind_wom_points(attitude), wom->flags[agent]);
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
    const wom_kind_wom_t *wom = context->wom;
    const uint64_t first = batch * BATCH_AGENTS, size = batch_size(model, batch);
    const uint64_t purchase = wom->thresholds.purchase;
    uint64_t buyers = 0;
    for (uint64_t i = 0; i < size; i++) {
        uint64_t customer = wom->state[first + i] == WOM_CUSTOMER;
        buyers |= (customer & (words->blocks[i / 4].v[i % 4] < purchase)) << i;
    }
    words->buyers = buyers;
    for (; buyers != 0; buyers &= buyers - 1) {
        uint64_t agent = first + (uint64_t)__builtin_ctzll(buyers);
        __builtin_prefetch(&model->graph->offsets[agent]);
        __builtin_prefetch(&wom->purchases[agent]);
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
    const bool lookahead = context->wom->lookahead;
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

void wom_kind_wom_step(wom_model_t *model, wom_metrics_row_t *row) {
    wom_kind_wom_t *wom = wom_kind_wom_of(model);
    int64_t counts[WOM_M_COUNTERS] = {0};
    const wom_kind_wom_inbox_t *read = &wom->inbox[model->step % 2];
    const wom_kind_wom_inbox_t *write = &wom->inbox[(model->step + 1) % 2];
    const uint64_t batches = ((uint64_t)model->agents + BATCH_AGENTS - 1) / BATCH_AGENTS;
    const uint64_t runs = (batches + BATCHES_PER_RUN - 1) / BATCHES_PER_RUN;
    bool shared = model->threads > 1;
#pragma omp parallel num_threads(model->threads) if (shared) reduction(+ : counts[:WOM_M_COUNTERS])
    {
        int thread = 0;
#ifdef _OPENMP
        thread = omp_get_thread_num();
#endif
        step_context_t context = {model,  wom,    &wom->workers[thread], read, write,
                                  shared, counts, model->trace};
        /* contiguous runs of batches, so that a thread can look ahead
         * within one; taken on demand, as agents' steps vary in cost */
#pragma omp for schedule(dynamic, 1)
        for (uint64_t run = 0; run < runs; run++) {
            uint64_t end = (run + 1) * BATCHES_PER_RUN;
            step_batches(&context, run * BATCHES_PER_RUN, end < batches ? end : batches);
        }
        deliver_pending(&context);
    }
    wom->reached_pos += counts[WOM_M_REACHED_POS];
    wom->reached_neg += counts[WOM_M_REACHED_NEG];
    counts[WOM_M_REACHED_POS] = wom->reached_pos;
    counts[WOM_M_REACHED_NEG] = wom->reached_neg;
    wom_kind_wom_count_segments(model, counts);
    wom_kind_wom_business_close_day(model, counts);
    memcpy(row->count, counts, sizeof counts);
}

/* Agents of each recorded segment, counted in one pass over the agents
 * (only on an SBM: the step's batches count the totals without it). */
void wom_kind_wom_count_segments(const wom_model_t *model, int64_t *counts) {
    const wom_kind_wom_t *wom = wom_kind_wom_of(model);
    int segments = wom->thresholds.segments;
    if (segments < 2) {
        return;
    }
    segments = segments < WOM_METRICS_SEGMENTS ? segments : WOM_METRICS_SEGMENTS;
    int64_t promoter_at = model->scenario->model.promoter_at;
    int64_t segment_counts[4 * WOM_METRICS_SEGMENTS] = {0};
#pragma omp parallel for num_threads(model->threads) if (model->threads > 1) schedule(static) \
    reduction(+ : segment_counts[:4 * WOM_METRICS_SEGMENTS])
    for (uint32_t v = 0; v < model->agents; v++) {
        int segment = wom_graph_segment(model->graph, v);
        if (segment >= segments) {
            continue;
        }
        int64_t points = wom_kind_wom_points(wom->attitude[v]);
        segment_counts[segment] += wom->state[v] == WOM_CUSTOMER;
        segment_counts[WOM_METRICS_SEGMENTS + segment] += points >= promoter_at;
        segment_counts[2 * WOM_METRICS_SEGMENTS + segment] += points <= -promoter_at;
        segment_counts[3 * WOM_METRICS_SEGMENTS + segment] += wom->state[v] != WOM_UNAWARE;
    }
    for (int segment = 0; segment < segments; segment++) {
        counts[WOM_M_SEGMENT_CUSTOMERS + segment] = segment_counts[segment];
        counts[WOM_M_SEGMENT_PROMOTERS + segment] = segment_counts[WOM_METRICS_SEGMENTS + segment];
        counts[WOM_M_SEGMENT_DETRACTORS + segment] =
            segment_counts[2 * WOM_METRICS_SEGMENTS + segment];
        counts[WOM_M_SEGMENT_AWARE + segment] = segment_counts[3 * WOM_METRICS_SEGMENTS + segment];
    }
}
