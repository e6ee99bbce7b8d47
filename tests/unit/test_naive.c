/* test_naive.c: a deliberately plain, serial re-implementation of one step
 * of the `wom` kind (MODEL.md, phases 1-7), run in lockstep with the fast
 * fused kernel of sim/model.c, which must agree exactly: every agent's
 * state, attitude, purchases and flags, next step's inboxes, and every
 * step's metrics row.
 *
 * The naive kernel keeps its own data (an array of agent structs, its own
 * two inbox buffers), runs each phase as a separate pass over all agents,
 * and computes every probability from the scenario when it needs it
 * instead of reading the fast model's precomputed thresholds. It shares
 * only the draws: the same keyed streams consumed in the same order, so
 * agreement proves that fusing the phases into one pass is exact. Per
 * agent and step, one sequence of decision words persists across the
 * passes: the agent's word of the block it shares with three others
 * (agents 4i .. 4i + 3: word v % 4 of block i, WOM_SITE_AGENT_STEP), then
 * its own stream (WOM_SITE_AGENT_MORE). It hands out, in order:
 * advertising, adoption or win-back, purchase, failure, failure mode,
 * complaint, success, quick, review, stay, churn; except that a customer
 * whose purchase word bought nothing decides churn with what is left of
 * that word (w - purchase threshold, against the churn probability times
 * the words left) instead of a word of its own. Tell counts (GSL, reset per tell), picks (Floyd's
 * sampling, with a linear search for "already picked"), hearsay and
 * reviews have their own streams.
 *
 * Workload: graphs of 40-300 agents, 60 steps, 3 tasks; well under a
 * second.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>

#include "test_util.h"
#include "rng.h"
#include "kind_wom.h"
#include "womsim/womsim.h"

/* ---- graphs and scenarios ---- */

/* A fixed pseudo-random number in [0, 1) for the pair u < v (splitmix64),
 * so the hand-made graph below needs no generator. */
static double pair_noise(uint32_t u, uint32_t v) {
    uint64_t x = ((uint64_t)u << 32 | v) + UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return (double)(x >> 11) / 9007199254740992.0;
}

enum { BLOCK_A = 97, BLOCK_B = 143, TWO_BLOCKS = BLOCK_A + BLOCK_B };

/* An SBM-like undirected graph: blocks of 97 and 143 agents (segments 0
 * and 1), edges within a block with probability 0.0815, between blocks
 * 0.0093; the last agent is isolated (degree 0: nobody to tell). */
static wom_graph_t *make_two_segments(void) {
    uint8_t(*linked)[TWO_BLOCKS] = calloc(TWO_BLOCKS, sizeof *linked);
    uint64_t arcs = 0;
    for (uint32_t u = 0; u + 1 < TWO_BLOCKS; u++) {
        for (uint32_t v = u + 1; v + 1 < TWO_BLOCKS; v++) {
            double p = (u < BLOCK_A) == (v < BLOCK_A) ? 0.0815 : 0.0093;
            linked[u][v] = linked[v][u] = pair_noise(u, v) < p;
            arcs += 2 * linked[u][v];
        }
    }
    wom_graph_t *graph = calloc(1, sizeof *graph);
    graph->nodes = TWO_BLOCKS;
    graph->arcs = arcs;
    graph->offsets = malloc((TWO_BLOCKS + 1) * sizeof(uint64_t));
    graph->targets = malloc(arcs * sizeof(uint32_t));
    graph->segment = calloc(TWO_BLOCKS, 1);
    uint64_t arc = 0;
    for (uint32_t v = 0; v < TWO_BLOCKS; v++) {
        graph->offsets[v] = arc;
        graph->segment[v] = v >= BLOCK_A;
        for (uint32_t u = 0; u < TWO_BLOCKS; u++) {
            if (linked[v][u]) {
                graph->targets[arc++] = u;
            }
        }
        uint32_t degree = (uint32_t)(arc - graph->offsets[v]);
        graph->max_degree = degree > graph->max_degree ? degree : graph->max_degree;
    }
    graph->offsets[TWO_BLOCKS] = arc;
    assert_int_equal(arc, arcs);
    free(linked);
    return graph;
}

static wom_failure_mode_t failure_mode(const char *name, double rate, int severity,
                                       int applies_to) {
    wom_failure_mode_t mode = {"", rate, severity, applies_to};
    snprintf(mode.name, sizeof mode.name, "%s", name);
    return mode;
}

/* Every feature on, with rates high enough that each occurs within 60
 * steps on a few hundred agents. */
static wom_scenario_t featured_scenario(void) {
    wom_scenario_t s = default_scenario();
    s.population.initial_customers = 0.285;
    s.population.initial_aware = 0.215;
    s.population.intermediaries = 0.085;
    s.population.intermediary_weight = 3;
    s.model.attitude_cap = 11;
    s.model.experience_weight = 2;
    s.model.promoter_at = 3;
    s.adoption.advertising = 0.0137;
    s.adoption.base = 0.0215;
    s.adoption.persuasion = 0.0185;
    s.adoption.max = 0.0935;
    s.adoption.reject_threshold = 4;
    s.adoption.churn_attitude = -5;
    s.adoption.winback = 0.0615;
    s.service.purchase_rate = 0.315;
    s.service.churn_rate = 0.0135;
    s.service.returning_after = 3;
    s.failures[0] = failure_mode("late", 0.0615, WOM_SEVERITY_MINOR, WOM_APPLIES_ALL);
    s.failures[1] = failure_mode("rude", 0.0385, WOM_SEVERITY_MAJOR, WOM_APPLIES_NEW);
    s.failures[2] = failure_mode("broken", 0.0465, WOM_SEVERITY_MAJOR, WOM_APPLIES_RETURNING);
    s.failures[3] = failure_mode("billing", 0.0235, WOM_SEVERITY_MINOR, WOM_APPLIES_RETURNING);
    s.failure_count = 4;
    s.employees.satisfaction = 0.315;
    s.employees.effect = 0.615;
    s.segments.expectations[0] = 0.265;
    s.segments.expectation_count = 1;
    s.wom.satisfied_tell_mean = 4.15;
    s.wom.dissatisfied_tell_mean = 8.35;
    s.wom.dispersion = 1.85;
    s.wom.forward_prob = 0.0785;
    s.wom.forward_tell_mean = 1.65;
    s.recovery.complain_rate = 0.385;
    s.recovery.success_rate = 0.615;
    s.recovery.quick_share = 0.435;
    s.recovery.tell_mean = 3.85;
    s.recovery.repurchase_silent_minor = 0.365;
    s.recovery.repurchase_resolved_major = 0.535;
    s.online.review_rate_satisfied = 0.0435;
    s.online.review_rate_dissatisfied = 0.135;
    s.online.review_reach = 7;
    s.online.review_weight = 2;
    s.loyalty.enabled = true;
    s.loyalty.enroll_after = 4;
    s.loyalty.churn_reduction = 0.585;
    return s;
}

/* ---- the naive kernel ---- */

typedef struct {
    uint8_t state; /* wom_agent_state */
    int64_t attitude;
    uint32_t purchases;
    bool heard_pos, heard_neg, loyal, intermediary;
} agent_t;

/* Messages waiting for one agent, per valence. */
typedef struct {
    uint32_t count[2];
    uint64_t weight[2];
} mailbox_t;

/* An agent's decision words in one step: one from the shared block, then
 * its own stream; and the purchase word, when it bought nothing. */
typedef struct {
    uint32_t first;
    bool first_used;
    wom_rng_stream_t more;
    bool bought_nothing;
    uint32_t purchase_word;
} decisions_t;

typedef struct {
    const wom_scenario_t *s;
    const wom_graph_t *graph;
    uint32_t agents, task, step;
    agent_t *agent;
    mailbox_t *inbox;       /* heard this step */
    mailbox_t *outbox;      /* heard next step */
    decisions_t *decisions; /* one per agent, re-keyed each step */
    gsl_rng *gsl;
    uint32_t *picked; /* neighbour indices chosen by one tell */
    int64_t counts[WOM_M_COUNTERS];
} naive_t;

/* The initial state is copied from the fast model's reset: seeding is not
 * a step phase, and wom_model_reset has its own tests in test_model.c. */
static naive_t *naive_alloc(const wom_scenario_t *s, const wom_model_t *seeded) {
    naive_t *naive = calloc(1, sizeof *naive);
    uint32_t n = seeded->agents;
    naive->s = s;
    naive->graph = seeded->graph;
    naive->agents = n;
    naive->task = seeded->task;
    naive->agent = calloc(n, sizeof *naive->agent);
    naive->inbox = calloc(n, sizeof *naive->inbox);
    naive->outbox = calloc(n, sizeof *naive->outbox);
    naive->decisions = calloc(n, sizeof *naive->decisions);
    naive->picked = calloc(seeded->graph->max_degree + 1, sizeof *naive->picked);
    naive->gsl = wom_rng_alloc_gsl();
    const wom_kind_wom_t *wom = wom_kind_wom_of(seeded);
    for (uint32_t v = 0; v < n; v++) {
        agent_t *a = &naive->agent[v];
        a->state = wom->state[v];
        a->attitude = wom->attitude[v];
        a->purchases = wom->purchases[v];
        a->heard_pos = wom->flags[v] & WOM_HEARD_POS;
        a->heard_neg = wom->flags[v] & WOM_HEARD_NEG;
        a->loyal = wom->flags[v] & WOM_LOYAL;
        a->intermediary = wom->flags[v] & WOM_INTERMEDIARY;
    }
    return naive;
}

static void naive_free(naive_t *naive) {
    free(naive->agent);
    free(naive->inbox);
    free(naive->outbox);
    free(naive->decisions);
    free(naive->picked);
    gsl_rng_free(naive->gsl);
    free(naive);
}

static wom_rng_key_t naive_key(const naive_t *naive, uint32_t agent, uint32_t site) {
    return (wom_rng_key_t){naive->s->simulation.seed, naive->task, naive->step, agent, site};
}

/* The next word of the agent's decisions. */
static uint32_t decision_word(naive_t *naive, uint32_t v) {
    decisions_t *decisions = &naive->decisions[v];
    if (!decisions->first_used) {
        decisions->first_used = true;
        return decisions->first;
    }
    return wom_rng_stream_next(&decisions->more);
}

/* A Bernoulli draw from the agent's decisions. */
static bool chance(naive_t *naive, uint32_t v, double probability) {
    return decision_word(naive, v) < wom_rng_threshold(probability);
}

static int64_t clamp(const naive_t *naive, int64_t attitude) {
    int64_t cap = naive->s->model.attitude_cap;
    return attitude > cap ? cap : attitude < -cap ? -cap : attitude;
}

static uint32_t weight_of(const naive_t *naive, uint32_t v) {
    return naive->agent[v].intermediary ? (uint32_t)naive->s->population.intermediary_weight : 1;
}

static void add_messages(naive_t *naive, int valence, uint32_t told) {
    naive->counts[valence == WOM_POSITIVE ? WOM_M_MSGS_POS : WOM_M_MSGS_NEG] += told;
}

/* K ~ D(mean) by wom.tell_distribution (MODEL.md). */
static uint32_t tell_count(const wom_scenario_t *s, gsl_rng *rng, double mean) {
    if (mean <= 0) {
        return 0;
    }
    switch (s->wom.tell_distribution) {
    case WOM_TELL_FIXED: {
        double whole = floor(mean);
        return (uint32_t)whole + (gsl_rng_uniform(rng) < mean - whole);
    }
    case WOM_TELL_GEOMETRIC:
        return gsl_ran_geometric(rng, 1 / (mean + 1)) - 1;
    case WOM_TELL_NEGBIN:
        return gsl_ran_negative_binomial(rng, s->wom.dispersion / (s->wom.dispersion + mean),
                                         s->wom.dispersion);
    default:
        return gsl_ran_poisson(rng, mean);
    }
}

static bool already_picked(const uint32_t *picked, uint32_t n, uint32_t candidate) {
    for (uint32_t i = 0; i < n; i++) {
        if (picked[i] == candidate) {
            return true;
        }
    }
    return false;
}

/* Phase 5: `wanted` distinct neighbours (capped at the degree) hear one
 * message of `weight`, chosen by Floyd's sampling. Returns the number told. */
static uint32_t send(naive_t *naive, uint32_t v, int valence, uint32_t wanted, uint32_t weight,
                     wom_rng_stream_t *picks) {
    const wom_graph_t *graph = naive->graph;
    uint32_t degree = wom_graph_degree(graph, v);
    uint32_t count = wanted < degree ? wanted : degree;
    naive->counts[WOM_M_TELLS_CAPPED] += wanted - count;
    if (count == degree) {
        for (uint32_t i = 0; i < count; i++) {
            naive->picked[i] = i; /* everyone: nothing to draw */
        }
    } else {
        for (uint32_t j = degree - count, n = 0; j < degree; j++, n++) {
            uint32_t candidate = wom_rng_stream_below(picks, j + 1);
            naive->picked[n] = already_picked(naive->picked, n, candidate) ? j : candidate;
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        mailbox_t *box = &naive->outbox[graph->targets[graph->offsets[v] + naive->picked[i]]];
        box->count[valence]++;
        box->weight[valence] += weight;
    }
    return count;
}

/* An own experience told to K ~ D(mean) neighbours. */
static uint32_t tell_experience(naive_t *naive, uint32_t v, int valence, double mean) {
    wom_rng_reset_gsl(naive->gsl, naive_key(naive, v, WOM_SITE_TELL_COUNT));
    uint32_t wanted = tell_count(naive->s, naive->gsl, mean);
    wom_rng_stream_t picks;
    wom_rng_stream_init(&picks, naive_key(naive, v, WOM_SITE_TELL_PICK));
    uint32_t told = send(naive, v, valence, wanted, weight_of(naive, v), &picks);
    add_messages(naive, valence, told);
    return told;
}

/* An online review: review_reach readers drawn from everyone. */
static void review(naive_t *naive, uint32_t v, int valence) {
    const wom_scenario_t *s = naive->s;
    wom_rng_stream_t readers;
    wom_rng_stream_init(&readers, naive_key(naive, v, WOM_SITE_REVIEW));
    for (int64_t i = 0; i < s->online.review_reach; i++) {
        mailbox_t *box = &naive->outbox[wom_rng_stream_below(&readers, naive->agents)];
        box->count[valence]++;
        box->weight[valence] += (uint64_t)s->online.review_weight;
    }
    naive->counts[valence == WOM_POSITIVE ? WOM_M_REVIEWS_POS : WOM_M_REVIEWS_NEG]++;
    add_messages(naive, valence, (uint32_t)s->online.review_reach);
}

/* Hearsay: of the messages heard of each valence, a Binomial(heard,
 * forward_prob) number are passed on, each to its own K hearers: up to 16
 * heard, one word per message from the hearsay pick stream (a pass when
 * below the threshold); more, one GSL binomial draw from the hearsay count
 * stream, which also draws every K. */
static void pass_on(naive_t *naive, uint32_t v, const uint32_t heard[2]) {
    const wom_scenario_t *s = naive->s;
    if (s->wom.forward_prob <= 0) {
        return;
    }
    wom_rng_reset_gsl(naive->gsl, naive_key(naive, v, WOM_SITE_FORWARD_COUNT));
    wom_rng_stream_t picks;
    wom_rng_stream_init(&picks, naive_key(naive, v, WOM_SITE_FORWARD_PICK));
    for (int valence = 0; valence < 2; valence++) {
        unsigned int passed = 0;
        if (heard[valence] <= 16) {
            for (uint32_t m = 0; m < heard[valence]; m++) {
                passed += wom_rng_stream_next(&picks) < wom_rng_threshold(s->wom.forward_prob);
            }
        } else {
            passed = gsl_ran_binomial(naive->gsl, s->wom.forward_prob, heard[valence]);
        }
        for (unsigned int m = 0; m < passed; m++) {
            uint32_t wanted = tell_count(s, naive->gsl, s->wom.forward_tell_mean);
            uint32_t told = send(naive, v, valence, wanted, weight_of(naive, v), &picks);
            naive->counts[WOM_M_FORWARDED] += told;
            add_messages(naive, valence, told);
        }
    }
}

/* Phase 1. */
static void hear(naive_t *naive, uint32_t v) {
    agent_t *a = &naive->agent[v];
    const mailbox_t *box = &naive->inbox[v];
    if (box->count[WOM_POSITIVE] == 0 && box->count[WOM_NEGATIVE] == 0) {
        return;
    }
    a->heard_pos = a->heard_pos || box->count[WOM_POSITIVE] > 0;
    a->heard_neg = a->heard_neg || box->count[WOM_NEGATIVE] > 0;
    if (a->state == WOM_UNAWARE) {
        a->state = WOM_PROSPECT;
    }
    a->attitude =
        clamp(naive, a->attitude + box->weight[WOM_POSITIVE] - (int64_t)box->weight[WOM_NEGATIVE]);
    if (a->state == WOM_CUSTOMER && a->attitude <= naive->s->adoption.churn_attitude) {
        a->state = WOM_LOST;
    }
    pass_on(naive, v, box->count);
}

/* Phase 2. */
static void advertise(naive_t *naive, uint32_t v) {
    agent_t *a = &naive->agent[v];
    if (a->state == WOM_UNAWARE && chance(naive, v, naive->s->adoption.advertising)) {
        a->state = WOM_PROSPECT;
    }
}

static double adoption_probability(const wom_scenario_t *s, int64_t attitude) {
    if (attitude <= -s->adoption.reject_threshold) {
        return 0;
    }
    double p = s->adoption.base + s->adoption.persuasion * (double)(attitude > 0 ? attitude : 0);
    return p < s->adoption.max ? p : s->adoption.max;
}

/* Phase 3. */
static void adopt(naive_t *naive, uint32_t v) {
    agent_t *a = &naive->agent[v];
    if (a->state == WOM_PROSPECT) {
        if (chance(naive, v, adoption_probability(naive->s, a->attitude))) {
            a->state = WOM_CUSTOMER;
        }
    } else if (a->state == WOM_LOST && a->attitude > 0) {
        if (chance(naive, v, naive->s->adoption.winback)) {
            a->state = WOM_CUSTOMER;
        }
    }
}

static int mode_count(const wom_scenario_t *s) {
    return s->failure_count > 0 ? s->failure_count : 1;
}

/* rate_k if mode k applies to this customer, else 0; without failure
 * modes, one mode with rate 1 - quality. */
static double applicable_rate(const wom_scenario_t *s, int k, bool returning) {
    if (s->failure_count == 0) {
        return 1 - s->service.quality;
    }
    const wom_failure_mode_t *mode = &s->failures[k];
    bool applies = mode->applies_to == WOM_APPLIES_ALL ||
                   (mode->applies_to == WOM_APPLIES_RETURNING ? returning : !returning);
    return applies ? mode->rate : 0;
}

static double rate_sum(const wom_scenario_t *s, bool returning) {
    double sum = 0;
    for (int k = 0; k < mode_count(s); k++) {
        sum += applicable_rate(s, k, returning);
    }
    return sum;
}

/* phi = min(1, m_emp * m_seg * sum_k rate_k). */
static double failure_probability(const wom_scenario_t *s, uint8_t segment, bool returning) {
    double m_emp = 1 + s->employees.effect * (1 - 2 * s->employees.satisfaction);
    m_emp = m_emp > 0 ? m_emp : 0;
    int count = s->segments.expectation_count;
    double m_seg = 1 + (count == 0 ? 0 : s->segments.expectations[count == 1 ? 0 : segment]);
    double phi = m_emp * m_seg * rate_sum(s, returning);
    return phi < 1 ? phi : 1;
}

/* The failing mode, drawn in proportion to the applicable rates: the first
 * mode whose cumulative share exceeds the word. */
static int failing_mode(naive_t *naive, uint32_t v, bool returning) {
    const wom_scenario_t *s = naive->s;
    uint32_t word = decision_word(naive, v);
    double sum = rate_sum(s, returning), cumulative = 0;
    int last = 0;
    for (int k = 0; k < mode_count(s); k++) {
        double rate = applicable_rate(s, k, returning);
        cumulative += rate;
        if (rate > 0 && word < wom_rng_threshold(cumulative / sum)) {
            return k;
        }
        last = rate > 0 ? k : last;
    }
    return last;
}

/* The repurchase table of MODEL.md, by outcome and severity. */
static double repurchase(const wom_scenario_t *s, int outcome, int severity) {
    const double table[WOM_OUTCOMES][2] = {
        [WOM_SILENT] = {s->recovery.repurchase_silent_minor, s->recovery.repurchase_silent_major},
        [WOM_UNRESOLVED] = {s->recovery.repurchase_unresolved_minor,
                            s->recovery.repurchase_unresolved_major},
        [WOM_RESOLVED] = {s->recovery.repurchase_resolved_minor,
                          s->recovery.repurchase_resolved_major},
        [WOM_QUICK] = {s->recovery.repurchase_quick_minor, s->recovery.repurchase_quick_major}};
    return table[outcome][severity == WOM_SEVERITY_MAJOR];
}

/* A loyalty member's leaving probabilities are multiplied by this. */
static double leave_factor(const naive_t *naive, uint32_t v) {
    return naive->agent[v].loyal ? 1 - naive->s->loyalty.churn_reduction : 1;
}

static void satisfied(naive_t *naive, uint32_t v) {
    const wom_scenario_t *s = naive->s;
    agent_t *a = &naive->agent[v];
    naive->counts[WOM_M_SATISFIED]++;
    a->attitude = clamp(naive, a->attitude + s->model.experience_weight);
    naive->counts[WOM_M_TOLD_BY_SATISFIED] +=
        tell_experience(naive, v, WOM_POSITIVE, s->wom.satisfied_tell_mean);
    if (chance(naive, v, s->online.review_rate_satisfied)) {
        review(naive, v, WOM_POSITIVE);
    }
}

static int complaint_outcome(naive_t *naive, uint32_t v) {
    const wom_scenario_t *s = naive->s;
    if (!chance(naive, v, s->recovery.complain_rate)) {
        return WOM_SILENT;
    }
    naive->counts[WOM_M_COMPLAINTS]++;
    if (!chance(naive, v, s->recovery.success_rate)) {
        return WOM_UNRESOLVED;
    }
    return chance(naive, v, s->recovery.quick_share) ? WOM_QUICK : WOM_RESOLVED;
}

static void failed(naive_t *naive, uint32_t v, int mode) {
    const wom_scenario_t *s = naive->s;
    agent_t *a = &naive->agent[v];
    naive->counts[WOM_M_FAILURES]++;
    if (s->failure_count > 0) {
        naive->counts[WOM_M_FAILURE_MODE + mode]++;
    }
    int outcome = complaint_outcome(naive, v);
    if (outcome == WOM_RESOLVED || outcome == WOM_QUICK) {
        naive->counts[WOM_M_RECOVERED]++;
        int64_t bonus =
            s->recovery.paradox ? s->recovery.attitude_bonus : s->model.experience_weight;
        a->attitude = clamp(naive, a->attitude + bonus);
        naive->counts[WOM_M_TOLD_BY_RECOVERED] +=
            tell_experience(naive, v, WOM_POSITIVE, s->recovery.tell_mean);
    } else {
        naive->counts[WOM_M_DISSATISFIED]++;
        a->attitude = clamp(naive, a->attitude - s->model.experience_weight);
        naive->counts[WOM_M_TOLD_BY_DISSATISFIED] +=
            tell_experience(naive, v, WOM_NEGATIVE, s->wom.dissatisfied_tell_mean);
        if (chance(naive, v, s->online.review_rate_dissatisfied)) {
            review(naive, v, WOM_NEGATIVE);
        }
    }
    int severity = s->failure_count > 0 ? s->failures[mode].severity : WOM_SEVERITY_MINOR;
    double stay = 1 - (1 - repurchase(s, outcome, severity)) * leave_factor(naive, v);
    if (!chance(naive, v, stay)) {
        a->state = WOM_LOST;
    }
}

/* Phase 4 (with its tells and reviews). */
static void encounter(naive_t *naive, uint32_t v) {
    const wom_scenario_t *s = naive->s;
    agent_t *a = &naive->agent[v];
    if (a->state != WOM_CUSTOMER) {
        return;
    }
    uint32_t word = decision_word(naive, v);
    if (word >= wom_rng_threshold(s->service.purchase_rate)) {
        naive->decisions[v].bought_nothing = true;
        naive->decisions[v].purchase_word = word;
        return;
    }
    naive->counts[WOM_M_ENCOUNTERS]++;
    bool returning = a->purchases >= s->service.returning_after;
    if (chance(naive, v, failure_probability(s, wom_graph_segment(naive->graph, v), returning))) {
        failed(naive, v, failing_mode(naive, v, returning));
    } else {
        satisfied(naive, v);
    }
    a->purchases++;
    if (s->loyalty.enabled && a->purchases >= s->loyalty.enroll_after) {
        a->loyal = true;
    }
}

/* Phase 6. */
static void churn(naive_t *naive, uint32_t v) {
    agent_t *a = &naive->agent[v];
    if (a->state != WOM_CUSTOMER) {
        return;
    }
    double probability = naive->s->service.churn_rate * leave_factor(naive, v);
    const decisions_t *decisions = &naive->decisions[v];
    bool churns;
    if (decisions->bought_nothing) {
        uint64_t purchase = wom_rng_threshold(naive->s->service.purchase_rate);
        churns = decisions->purchase_word - purchase <
                 wom_rng_threshold_within(probability, (UINT64_C(1) << 32) - purchase);
    } else {
        churns = chance(naive, v, probability);
    }
    if (churns) {
        a->state = WOM_LOST;
    }
}

/* Phase 7: states at the end of the step; reached_* counted from the
 * agents' flags (who ever heard), not carried from step to step. */
static void record(naive_t *naive, wom_metrics_row_t *row) {
    int64_t *c = naive->counts;
    int64_t promoter_at = naive->s->model.promoter_at;
    for (uint32_t v = 0; v < naive->agents; v++) {
        const agent_t *a = &naive->agent[v];
        c[WOM_M_UNAWARE + a->state]++;
        c[WOM_M_PROMOTERS] += a->attitude >= promoter_at;
        c[WOM_M_DETRACTORS] += a->attitude <= -promoter_at;
        c[WOM_M_LOYAL] += a->loyal && a->state == WOM_CUSTOMER;
        c[WOM_M_REACHED_POS] += a->heard_pos;
        c[WOM_M_REACHED_NEG] += a->heard_neg;
    }
    memcpy(row->count, c, sizeof row->count);
}

typedef void (*phase_fn)(naive_t *naive, uint32_t v);

/* One step: each phase a separate pass over all agents. */
static void naive_step(naive_t *naive, wom_metrics_row_t *row) {
    naive->step++;
    memset(naive->counts, 0, sizeof naive->counts);
    for (uint32_t v = 0; v < naive->agents; v++) {
        wom_rng_stream_t block;
        wom_rng_stream_init(&block, naive_key(naive, v / 4, WOM_SITE_AGENT_STEP));
        uint32_t words[4];
        for (int i = 0; i < 4; i++) {
            words[i] = wom_rng_stream_next(&block);
        }
        decisions_t *decisions = &naive->decisions[v];
        decisions->first = words[v % 4];
        decisions->first_used = false;
        decisions->bought_nothing = false;
        wom_rng_stream_init(&decisions->more, naive_key(naive, v, WOM_SITE_AGENT_MORE));
    }
    const phase_fn phases[] = {hear, advertise, adopt, encounter, churn};
    for (size_t p = 0; p < sizeof phases / sizeof phases[0]; p++) {
        for (uint32_t v = 0; v < naive->agents; v++) {
            phases[p](naive, v);
        }
    }
    record(naive, row);
    mailbox_t *heard = naive->inbox;
    memset(heard, 0, naive->agents * sizeof *heard);
    naive->inbox = naive->outbox;
    naive->outbox = heard;
}

/* ---- comparison with the fast kernel ---- */

static uint8_t flags_of(const agent_t *a) {
    return (uint8_t)((a->heard_pos ? WOM_HEARD_POS : 0) | (a->heard_neg ? WOM_HEARD_NEG : 0) |
                     (a->loyal ? WOM_LOYAL : 0) | (a->intermediary ? WOM_INTERMEDIARY : 0));
}

/* Fails at the first column where two rows differ, naming it. */
static void assert_rows_equal(const wom_metrics_row_t *fast, const wom_metrics_row_t *other,
                              const char *who, uint32_t task, uint32_t step) {
    for (int i = 0; i < WOM_M_COUNTERS; i++) {
        if (fast->count[i] != other->count[i]) {
            print_error("task %u step %u counter %d: fast %lld, %s %lld\n", task, step, i,
                        (long long)fast->count[i], who, (long long)other->count[i]);
            fail();
        }
    }
    assert_memory_equal(fast, other, sizeof *fast);
}

static bool agent_matches(const wom_model_t *fast, const naive_t *naive, uint32_t v) {
    const agent_t *a = &naive->agent[v];
    const wom_kind_wom_t *wom = wom_kind_wom_of(fast);
    return wom->state[v] == a->state && wom->attitude[v] == a->attitude &&
           wom->purchases[v] == a->purchases && wom->flags[v] == flags_of(a);
}

/* The fast model's net extra weight: (weight - count) of good news minus
 * the same of bad news. */
static int64_t extra_weight(const mailbox_t *box) {
    return ((int64_t)box->weight[0] - box->count[0]) - ((int64_t)box->weight[1] - box->count[1]);
}

/* The fast model keeps no extra weights when no message can weigh other
 * than 1. */
static int64_t fast_extra(const wom_kind_wom_inbox_t *inbox, uint32_t v) {
    return inbox->extra != NULL ? inbox->extra[v] : 0;
}

static bool inbox_matches(const wom_model_t *fast, const naive_t *naive, uint32_t v) {
    const wom_kind_wom_inbox_t *next = &wom_kind_wom_of(fast)->inbox[(fast->step + 1) % 2];
    const mailbox_t *box = &naive->inbox[v];
    return next->count[0][v] == box->count[0] && next->count[1][v] == box->count[1] &&
           fast_extra(next, v) == extra_weight(box);
}

/* Every agent, and the messages waiting for next step, agree. */
static void assert_agents_equal(const wom_model_t *fast, const naive_t *naive) {
    const wom_kind_wom_t *wom = wom_kind_wom_of(fast);
    const wom_kind_wom_inbox_t *next = &wom->inbox[(fast->step + 1) % 2];
    for (uint32_t v = 0; v < fast->agents; v++) {
        const agent_t *a = &naive->agent[v];
        const mailbox_t *box = &naive->inbox[v];
        if (!agent_matches(fast, naive, v) || !inbox_matches(fast, naive, v)) {
            print_error("task %u step %u agent %u (state attitude purchases flags; inbox "
                        "counts +, -, extra weight): fast %d %d %u %d; %u %u %lld, naive %d %lld "
                        "%u %d; %u %u %lld\n",
                        fast->task, fast->step, v, wom->state[v], wom->attitude[v],
                        wom->purchases[v], wom->flags[v], next->count[0][v], next->count[1][v],
                        (long long)fast_extra(next, v), a->state, (long long)a->attitude,
                        a->purchases, flags_of(a), box->count[0], box->count[1],
                        (long long)extra_weight(box));
            fail();
        }
    }
}

/* The fast model's agents with 1 and with 3 threads are identical. */
static void assert_models_equal(const wom_model_t *one, const wom_model_t *three) {
    size_t n = one->agents;
    const wom_kind_wom_t *a = wom_kind_wom_of(one), *b = wom_kind_wom_of(three);
    assert_memory_equal(a->state, b->state, n);
    assert_memory_equal(a->attitude, b->attitude, n * sizeof *a->attitude);
    assert_memory_equal(a->purchases, b->purchases, n * sizeof *a->purchases);
    assert_memory_equal(a->flags, b->flags, n);
}

enum { STEPS = 60, TASKS = 3, RUN_ID = 17 }; /* run ids 17, 18, 19 */

/* Runs naive and fast (1 and 3 threads) in lockstep for each task and
 * compares after every step; returns the rows summed over tasks and steps
 * so that callers can check the features were exercised. */
static wom_metrics_row_t compare_kernels(const wom_scenario_t *s, const wom_graph_t *graph) {
    wom_metrics_row_t total = {{0}};
    for (uint32_t task = 0; task < TASKS; task++) {
        wom_model_t *fast = NULL, *threaded = NULL;
        assert_int_equal(wom_model_alloc(s, graph, 1, &fast), WOM_OK);
        assert_int_equal(wom_model_alloc(s, graph, 3, &threaded), WOM_OK);
        wom_metrics_row_t row, threaded_row, naive_row;
        wom_model_reset(fast, RUN_ID + task, &row);
        wom_model_reset(threaded, RUN_ID + task, &threaded_row);
        naive_t *naive = naive_alloc(s, fast);
        for (uint32_t t = 1; t <= STEPS; t++) {
            wom_model_step(fast, &row);
            wom_model_step(threaded, &threaded_row);
            naive_step(naive, &naive_row);
            assert_rows_equal(&row, &naive_row, "naive", RUN_ID + task, t);
            assert_rows_equal(&row, &threaded_row, "3 threads", RUN_ID + task, t);
            assert_agents_equal(fast, naive);
            assert_models_equal(fast, threaded);
            for (int i = 0; i < WOM_M_COUNTERS; i++) {
                total.count[i] += row.count[i];
            }
        }
        naive_free(naive);
        wom_model_free(fast);
        wom_model_free(threaded);
    }
    return total;
}

/* The events every case must produce, so that agreement is not vacuous. */
static void assert_features_exercised(const wom_scenario_t *s, const wom_metrics_row_t *total) {
    const int events[] = {WOM_M_SATISFIED,    WOM_M_COMPLAINTS,  WOM_M_RECOVERED,
                          WOM_M_DISSATISFIED, WOM_M_REVIEWS_POS, WOM_M_REVIEWS_NEG,
                          WOM_M_FORWARDED,    WOM_M_LOYAL,       WOM_M_LOST};
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        if (total->count[events[i]] == 0) {
            print_error("counter %d never moved\n", events[i]);
            fail();
        }
    }
    for (int k = 0; k < s->failure_count; k++) {
        assert_true(total->count[WOM_M_FAILURE_MODE + k] > 0);
    }
}

/* Ring of 307 agents with reach 3 (degree 6): Poisson bad news (mean 8.35)
 * often exceeds the degree, so the cap and the tell-everyone path run. */
static void naive_matches_fast_on_ring(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(307, 3, false);
    wom_scenario_t s = featured_scenario();
    wom_metrics_row_t total = compare_kernels(&s, graph);
    assert_features_exercised(&s, &total);
    assert_true(total.count[WOM_M_TELLS_CAPPED] > 0);
    wom_graph_free(graph);
}

/* Two segments with their own expectations, an isolated agent, degree
 * seeding of intermediaries, negative binomial tells and the
 * service-recovery paradox. */
static void naive_matches_fast_on_two_segments(void **state) {
    (void)state;
    wom_graph_t *graph = make_two_segments();
    wom_scenario_t s = featured_scenario();
    s.segments.expectations[0] = 0.185;
    s.segments.expectations[1] = 0.415;
    s.segments.expectation_count = 2;
    s.population.intermediary_seeding = WOM_SEEDING_DEGREE;
    s.wom.tell_distribution = WOM_TELL_NEGBIN;
    s.recovery.paradox = true;
    s.recovery.attitude_bonus = 5;
    wom_metrics_row_t total = compare_kernels(&s, graph);
    assert_features_exercised(&s, &total);
    wom_graph_free(graph);
}

/* Complete graph of 41 with fixed (fractional) tells, satisfied employees
 * (m_emp < 1), no named failure modes (one minor mode, rate 1 - quality),
 * and the churn attitude above zero, so a customer driven off by bad news
 * can be won back in the same step. */
static void naive_matches_fast_on_complete_graph(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(41, 0, true);
    wom_scenario_t s = featured_scenario();
    s.failure_count = 0;
    s.service.quality = 0.815;
    s.employees.satisfaction = 0.715;
    s.wom.tell_distribution = WOM_TELL_FIXED;
    s.adoption.churn_attitude = 1;
    wom_metrics_row_t total = compare_kernels(&s, graph);
    assert_features_exercised(&s, &total);
    wom_graph_free(graph);
}

/* Complete graph of 41 where most agents buy every step and tell about
 * 30: an agent hears some 20 messages a step, so how many it passes on is
 * a binomial draw (more than 16 heard) rather than a word per message. */
static void naive_matches_fast_when_many_are_heard(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(41, 0, true);
    wom_scenario_t s = featured_scenario();
    s.population.initial_customers = 0.9;
    s.service.purchase_rate = 0.9;
    s.wom.satisfied_tell_mean = 30;
    s.wom.dissatisfied_tell_mean = 35;
    wom_metrics_row_t total = compare_kernels(&s, graph);
    assert_features_exercised(&s, &total);
    double heard_per_agent_step =
        (double)(total.count[WOM_M_MSGS_POS] + total.count[WOM_M_MSGS_NEG]) /
        (41.0 * STEPS * TASKS);
    assert_true(heard_per_agent_step > 17);
    wom_graph_free(graph);
}

/* Geometric tells and hearsay with a large mean on the two segments. */
static void naive_matches_fast_with_geometric_hearsay(void **state) {
    (void)state;
    wom_graph_t *graph = make_two_segments();
    wom_scenario_t s = featured_scenario();
    s.segments.expectation_count = 0;
    s.wom.tell_distribution = WOM_TELL_GEOMETRIC;
    s.wom.forward_prob = 0.135;
    s.wom.forward_tell_mean = 3.35;
    wom_metrics_row_t total = compare_kernels(&s, graph);
    assert_features_exercised(&s, &total);
    wom_graph_free(graph);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(naive_matches_fast_on_ring),
        cmocka_unit_test(naive_matches_fast_on_two_segments),
        cmocka_unit_test(naive_matches_fast_on_complete_graph),
        cmocka_unit_test(naive_matches_fast_when_many_are_heard),
        cmocka_unit_test(naive_matches_fast_with_geometric_hearsay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
