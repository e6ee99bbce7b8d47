/* test_naive.c: a deliberately plain, serial re-implementation of the
 * `wom` kind (docs/model.md: "Agents", "One day, in phases", "Reviews",
 * "Learning from complaints", "Metrics"), run in lockstep with the fast
 * fused kernel (sim/kind_wom*.c), which must agree exactly: the day-0
 * population, every agent's state, attitude, purchases and flags, the
 * next day's inboxes, the business's page of reviews and learned failure
 * rates, and every day's metrics row, with 1 thread and with 3 (the
 * latter also looking ahead for buyers, as large models do).
 *
 * The naive kernel keeps its own data (an array of agent structs, its own
 * two inbox buffers, the reviews posted each day, the failure rates),
 * runs each phase as a separate pass over all agents, and computes every
 * probability from the scenario when it needs it instead of reading the
 * fast model's precomputed thresholds and quiet-day table. It chooses its
 * own day-0 population (rankings, history, page). It shares only the
 * draws: the same keyed streams consumed in the same order, so agreement
 * proves that fusing the phases into one pass, the quiet-day shortcut and
 * the integer thresholds are exact.
 *
 * Draws, per agent and day:
 * - decision words: the agent's word of the block it shares with three
 *   others (agents 4i .. 4i + 3: word v % 4 of block i, WOM_SITE_AGENT_STEP),
 *   then its own stream (WOM_SITE_AGENT_MORE). In order: advertising;
 *   adoption (and, from what is left of that word when it did not adopt,
 *   reading the reviews) or win-back; purchase; failure, failure mode,
 *   complaint, success, quick; routine telling (only for a satisfied
 *   purchase that is neither the first nor a promotion), review; stay;
 *   churn; advice. A customer whose purchase word bought nothing decides
 *   churn with what is left of that word (w - purchase threshold, against
 *   the churn probability times the words left) instead of a word of its
 *   own.
 * - a telling: K from GSL reset to the count stream (WOM_SITE_TELL_COUNT,
 *   or WOM_SITE_ADVICE_COUNT for advice); then from the pick stream
 *   (WOM_SITE_TELL_PICK / WOM_SITE_ADVICE_PICK): a word per wanted person
 *   (weak tie or close), a word per weak tie (who), then Floyd's sampling
 *   of the close ties.
 * - hearsay: its own pick stream (WOM_SITE_FORWARD_PICK: a word per message
 *   heard while at most 16 were, then the picks of every passing-on) and
 *   GSL count stream (WOM_SITE_FORWARD_COUNT: the binomial when more were
 *   heard, then each K).
 * - day 0: rankings from word v % 4 of block v / 4 (WOM_SITE_INTERMEDIARIES,
 *   WOM_SITE_SEEDING); an initial customer's attitude from GSL's ziggurat
 *   normal reset to (seed, task, 0, agent, WOM_SITE_HISTORY).
 *
 * Where the specification leaves a rounding open the naive kernel follows
 * the fast one and says so (fading's share held in 1/65536, the day-0
 * page's reviews split over its days, its failure probability that of
 * segment 0).
 *
 * Workload: graphs of 41-8,500 agents, 30-60 days, 3 tasks each; under a
 * second.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
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
 * 0.0093; the last agent is isolated (degree 0: nobody to tell but weak
 * ties). */
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

/* Every mechanism on, with rates high enough that each occurs within 60
 * days on a few hundred agents: intermediaries who advise, named failure
 * modes of both severities, learning from complaints, retention following
 * the attitude, a loyalty programme, a short-lived page of reviews that
 * prospects often read, fast fading, weak ties, hearsay. */
static wom_scenario_t featured_scenario(void) {
    wom_scenario_t s = default_scenario();
    s.population.initial_customers = 0.285;
    s.population.initial_aware = 0.215;
    s.population.intermediaries = 0.085;
    s.population.intermediary_weight = 3;
    s.population.advice_rate = 0.0935;
    s.population.advice_tell_mean = 2.65;
    s.population.initial_purchases = 2;
    s.population.initial_attitude_mean = 1.85;
    s.population.initial_attitude_sd = 3.35;
    s.model.attitude_cap = 11;
    s.model.experience_weight = 2;
    s.model.promoter_at = 3;
    s.model.attitude_half_life = 6.35;
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
    s.wom.routine_tell_prob = 0.385;
    s.wom.major_tell_factor = 1.65;
    s.wom.weak_tie_share = 0.265;
    s.wom.dispersion = 1.85;
    s.wom.forward_prob = 0.0785;
    s.wom.forward_tell_mean = 1.65;
    s.recovery.complain_rate = 0.385;
    s.recovery.success_rate = 0.615;
    s.recovery.quick_share = 0.435;
    s.recovery.tell_mean = 3.85;
    s.recovery.repurchase_silent_minor = 0.365;
    s.recovery.repurchase_resolved_major = 0.535;
    s.recovery.stay_slope = 0.235;
    s.recovery.learning = 0.0415;
    s.recovery.learning_floor = 0.615;
    s.online.review_rate_satisfied = 0.0435;
    s.online.review_rate_dissatisfied = 0.135;
    s.online.review_lifetime = 17;
    s.online.consult_rate = 0.0865;
    s.online.review_weight = 2.65;
    s.online.review_trust = 6.5;
    s.loyalty.enabled = true;
    s.loyalty.enroll_after = 4;
    s.loyalty.churn_reduction = 0.585;
    return s;
}

/* ---- the naive kernel's data ---- */

typedef struct {
    uint8_t state;    /* wom_agent_state */
    int64_t attitude; /* in 1/64 of a point (WOM_ATTITUDE_UNIT) */
    uint32_t purchases;
    bool heard_pos, heard_neg, loyal, intermediary;
} agent_t;

/* Messages waiting for one agent, per valence: how many, and their
 * summed weight. */
typedef struct {
    uint32_t count[2];
    uint64_t weight[2];
} mailbox_t;

/* An agent's decision words in one day: one from the shared block, then
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
    mailbox_t *inbox;       /* heard today */
    mailbox_t *outbox;      /* heard tomorrow */
    decisions_t *decisions; /* one per agent, re-keyed each day */
    gsl_rng *gsl;
    uint32_t *picked; /* neighbour indices chosen by one telling */
    /* The business. Reviews posted on day d (from 1 - lifetime, the day-0
     * page's oldest, to the last day) in posted[d - first_day]; the page
     * is the last lifetime days of it. */
    int64_t (*posted)[2];
    int64_t first_day;
    int64_t page[2];               /* reviews on the page at the end of the day, by valence */
    int64_t reading;               /* what reading the page does today (1/64 point) */
    double rate[WOM_MAX_FAILURES]; /* each failure mode's rate as learned so far */
    int64_t counts[WOM_M_COUNTERS];
} naive_t;

static wom_rng_key_t naive_key(const naive_t *naive, uint32_t agent, uint32_t site) {
    return (wom_rng_key_t){naive->s->simulation.seed, naive->task, naive->step, agent, site};
}

static int mode_count(const wom_scenario_t *s) {
    return s->failure_count > 0 ? s->failure_count : 1;
}

/* Mode k's rate as the scenario gives it; without failure modes, one
 * minor mode for everyone with rate 1 - quality. */
static double scenario_rate(const wom_scenario_t *s, int k) {
    return s->failure_count > 0 ? s->failures[k].rate : 1 - s->service.quality;
}

static int severity_of(const wom_scenario_t *s, int k) {
    return s->failure_count > 0 ? s->failures[k].severity : WOM_SEVERITY_MINOR;
}

/* The whole points of an attitude, rounded toward 0. */
static int64_t points(int64_t attitude) {
    return attitude / WOM_ATTITUDE_UNIT; /* C's division truncates toward 0 */
}

/* An attitude moved by `change` (1/64 point), within [-cap, cap] points. */
static int64_t moved(const naive_t *naive, int64_t attitude, int64_t change) {
    int64_t limit = naive->s->model.attitude_cap * WOM_ATTITUDE_UNIT;
    int64_t result = attitude + change;
    return result > limit ? limit : result < -limit ? -limit : result;
}

/* ---- the business: its page of reviews and learning ---- */

static int64_t *posted_on(naive_t *naive, int64_t day) {
    return naive->posted[day - naive->first_day];
}

/* review_weight x (rating - 3) / 2 x n / (n + review_trust) points, the
 * rating being the mean stars (5 good, 1 bad) of the n reviews on the
 * page; nothing without reviews. */
static int64_t reading_of(const wom_scenario_t *s, const int64_t page[2]) {
    int64_t n = page[WOM_POSITIVE] + page[WOM_NEGATIVE];
    if (n == 0) {
        return 0;
    }
    double rating =
        (5.0 * (double)page[WOM_POSITIVE] + 1.0 * (double)page[WOM_NEGATIVE]) / (double)n;
    double reviews = (double)n;
    double points_read =
        s->online.review_weight * (rating - 3) / 2 * reviews / (reviews + s->online.review_trust);
    return llround(points_read * WOM_ATTITUDE_UNIT);
}

/* The page at the end of `day`: the reviews of days day - lifetime + 1 ..
 * day; and what reading it does the next day. */
static void update_page(naive_t *naive, int64_t day) {
    int64_t lifetime = naive->s->online.review_lifetime;
    naive->page[0] = naive->page[1] = 0;
    for (int64_t d = day - lifetime + 1; d <= day; d++) {
        for (int valence = 0; valence < 2; valence++) {
            naive->page[valence] += posted_on(naive, d)[valence];
        }
    }
    naive->reading = reading_of(naive->s, naive->page);
}

/* phi = min(1, m_emp * m_seg * the rates, as learned so far, of the modes
 * that apply to this customer). */
static double rate_applying(const naive_t *naive, int k, bool returning) {
    const wom_scenario_t *s = naive->s;
    if (s->failure_count == 0) {
        return naive->rate[0];
    }
    int applies_to = s->failures[k].applies_to;
    bool applies = applies_to == WOM_APPLIES_ALL ||
                   (applies_to == WOM_APPLIES_RETURNING ? returning : !returning);
    return applies ? naive->rate[k] : 0;
}

static double rate_sum(const naive_t *naive, bool returning) {
    double sum = 0;
    for (int k = 0; k < mode_count(naive->s); k++) {
        sum += rate_applying(naive, k, returning);
    }
    return sum;
}

static double failure_probability(const naive_t *naive, int segment, bool returning) {
    const wom_scenario_t *s = naive->s;
    double m_emp = 1 + s->employees.effect * (1 - 2 * s->employees.satisfaction);
    m_emp = m_emp > 0 ? m_emp : 0;
    int count = s->segments.expectation_count;
    double m_seg = 1 + (count == 0 ? 0 : s->segments.expectations[count == 1 ? 0 : segment]);
    double phi = m_emp * m_seg * rate_sum(naive, returning);
    return phi < 1 ? phi : 1;
}

/* The day-0 page: what the initial customers would have posted over one
 * review lifetime, buying at the purchase rate and failing as returning
 * customers do (the kernel takes segment 0's expectation: the
 * specification does not say which), spread evenly over those days: day
 * -age holds floor((age + 1) T / L) - floor(age T / L) of a total T, so
 * that they age out one by one (the kernel's split; the specification
 * says "evenly"). */
static void fill_page(naive_t *naive, uint32_t customers) {
    const wom_scenario_t *s = naive->s;
    int64_t lifetime = s->online.review_lifetime;
    double visits = (double)customers * s->service.purchase_rate * (double)lifetime;
    double fail = failure_probability(naive, 0, true);
    int64_t total[2] = {llround(visits * (1 - fail) * s->online.review_rate_satisfied),
                        llround(visits * fail * s->online.review_rate_dissatisfied)};
    for (int64_t age = 0; age < lifetime; age++) {
        for (int valence = 0; valence < 2; valence++) {
            posted_on(naive, -age)[valence] =
                (age + 1) * total[valence] / lifetime - age * total[valence] / lifetime;
        }
    }
    update_page(naive, 0);
}

/* Each complaint about a mode multiplies its rate by 1 - learning, but
 * not below learning_floor times its starting rate. Without named modes
 * every complaint is about the one mode. */
static void learn(naive_t *naive) {
    const wom_scenario_t *s = naive->s;
    for (int k = 0; k < mode_count(s); k++) {
        int64_t complaints = s->failure_count > 0 ? naive->counts[WOM_M_COMPLAINT_MODE + k]
                                                  : naive->counts[WOM_M_COMPLAINTS];
        double floor_rate = s->recovery.learning_floor * scenario_rate(s, k);
        double rate = naive->rate[k] * pow(1 - s->recovery.learning, (double)complaints);
        naive->rate[k] = rate > floor_rate ? rate : floor_rate;
    }
}

/* ---- day 0 ---- */

/* round(share x agents), at most all of them. */
static uint32_t share_of(double share, uint32_t agents) {
    double count = floor(share * agents + 0.5);
    return count >= agents ? agents : (uint32_t)count;
}

typedef struct {
    uint32_t priority, agent;
} ranked_t;

static int by_priority(const void *a, const void *b) {
    const ranked_t *x = a, *y = b;
    if (x->priority != y->priority) {
        return x->priority < y->priority ? -1 : 1;
    }
    return (x->agent > y->agent) - (x->agent < y->agent);
}

/* Every agent ranked, lowest priority first, ties by lower id: at random
 * (agent v's priority is word v % 4 of the block keyed v / 4 at `site`),
 * or by degree (best connected first). Returns the order (malloc'd). */
static ranked_t *rank_agents(const naive_t *naive, int seeding, uint32_t site) {
    ranked_t *order = malloc(naive->agents * sizeof *order);
    for (uint32_t v = 0; v < naive->agents; v++) {
        uint32_t priority = UINT32_MAX - wom_graph_degree(naive->graph, v);
        if (seeding == WOM_SEEDING_RANDOM) {
            wom_rng_stream_t block;
            wom_rng_stream_init(&block, naive_key(naive, v / 4, site));
            for (uint32_t i = 0; i <= v % 4; i++) {
                priority = wom_rng_stream_next(&block);
            }
        }
        order[v] = (ranked_t){priority, v};
    }
    qsort(order, naive->agents, sizeof *order, by_priority);
    return order;
}

/* An established shop's customer: initial_purchases purchases, loyal
 * when the programme exists and they reach enroll_after, and an attitude
 * drawn from N(mean, sd) points within the cap, held to the nearest 1/64. */
static void give_history(naive_t *naive, agent_t *a, uint32_t v) {
    const wom_scenario_t *s = naive->s;
    a->purchases = (uint32_t)s->population.initial_purchases;
    a->loyal = s->loyalty.enabled && s->population.initial_purchases >= s->loyalty.enroll_after;
    wom_rng_reset_gsl(naive->gsl, naive_key(naive, v, WOM_SITE_HISTORY));
    double drawn = s->population.initial_attitude_mean +
                   gsl_ran_gaussian_ziggurat(naive->gsl, s->population.initial_attitude_sd);
    double cap = (double)s->model.attitude_cap;
    drawn = drawn > cap ? cap : drawn < -cap ? -cap : drawn;
    a->attitude = lround(drawn * WOM_ATTITUDE_UNIT);
}

/* Day 0: intermediaries, then customers (with their history) and prospects
 * from a ranking of their own; everyone else unaware at attitude 0; the
 * failure rates as the scenario gives them and the established page.
 * Returns the number of customers. */
static uint32_t naive_reset(naive_t *naive) {
    const wom_scenario_t *s = naive->s;
    uint32_t n = naive->agents;
    naive->step = 0;
    memset(naive->agent, 0, n * sizeof *naive->agent);
    uint32_t intermediaries = share_of(s->population.intermediaries, n);
    if (intermediaries > 0) {
        ranked_t *order =
            rank_agents(naive, s->population.intermediary_seeding, WOM_SITE_INTERMEDIARIES);
        for (uint32_t i = 0; i < intermediaries; i++) {
            naive->agent[order[i].agent].intermediary = true;
        }
        free(order);
    }
    uint32_t customers = share_of(s->population.initial_customers, n);
    uint32_t aware = share_of(s->population.initial_aware, n);
    aware = aware < n - customers ? aware : n - customers;
    ranked_t *order = rank_agents(naive, s->population.seeding, WOM_SITE_SEEDING);
    for (uint32_t i = 0; i < customers + aware; i++) {
        agent_t *a = &naive->agent[order[i].agent];
        a->state = i < customers ? WOM_CUSTOMER : WOM_PROSPECT;
        if (i < customers) {
            give_history(naive, a, order[i].agent);
        }
    }
    free(order);
    for (int k = 0; k < mode_count(s); k++) {
        naive->rate[k] = scenario_rate(s, k);
    }
    fill_page(naive, customers);
    return customers;
}

static naive_t *naive_alloc(const wom_scenario_t *s, const wom_graph_t *graph, uint32_t task,
                            uint32_t steps) {
    naive_t *naive = calloc(1, sizeof *naive);
    uint32_t n = graph->nodes;
    naive->s = s;
    naive->graph = graph;
    naive->agents = n;
    naive->task = task;
    naive->agent = calloc(n, sizeof *naive->agent);
    naive->inbox = calloc(n, sizeof *naive->inbox);
    naive->outbox = calloc(n, sizeof *naive->outbox);
    naive->decisions = calloc(n, sizeof *naive->decisions);
    naive->picked = calloc(graph->max_degree + 1, sizeof *naive->picked);
    naive->gsl = wom_rng_alloc_gsl();
    naive->first_day = 1 - s->online.review_lifetime;
    naive->posted = calloc((size_t)(steps + 1 - naive->first_day), sizeof *naive->posted);
    return naive;
}

static void naive_free(naive_t *naive) {
    free(naive->agent);
    free(naive->inbox);
    free(naive->outbox);
    free(naive->decisions);
    free(naive->picked);
    free(naive->posted);
    gsl_rng_free(naive->gsl);
    free(naive);
}

/* ---- draws ---- */

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

/* A Bernoulli draw with what is left of a word `word` that failed a first
 * draw of threshold `first`: uniform on [0, 2^32 - first). */
static bool chance_in_rest(uint32_t word, uint64_t first, double probability) {
    return word - first < wom_rng_threshold_within(probability, (UINT64_C(1) << 32) - first);
}

/* K ~ D(mean) by wom.tell_distribution. */
static uint32_t tell_count(const wom_scenario_t *s, gsl_rng *rng, double mean) {
    if (mean <= 0) {
        return 0;
    }
    switch (s->wom.tell_distribution) {
    case WOM_TELL_FIXED: { /* the mean, its fractional part rounded up in proportion */
        double whole = floor(mean);
        return (uint32_t)whole + (gsl_rng_uniform(rng) < mean - whole);
    }
    case WOM_TELL_GEOMETRIC: /* failures before a success: mean (1 - p) / p */
        return gsl_ran_geometric(rng, 1 / (mean + 1)) - 1;
    case WOM_TELL_NEGBIN:
        return gsl_ran_negative_binomial(rng, s->wom.dispersion / (s->wom.dispersion + mean),
                                         s->wom.dispersion);
    default:
        return gsl_ran_poisson(rng, mean);
    }
}

/* ---- phase 5: telling ---- */

static uint32_t weight_of(const naive_t *naive, uint32_t v) {
    return naive->agent[v].intermediary ? (uint32_t)naive->s->population.intermediary_weight : 1;
}

static void post(naive_t *naive, uint32_t hearer, int valence, uint32_t weight) {
    naive->outbox[hearer].count[valence]++;
    naive->outbox[hearer].weight[valence] += weight;
}

static bool already_picked(const uint32_t *picked, uint32_t n, uint32_t candidate) {
    for (uint32_t i = 0; i < n; i++) {
        if (picked[i] == candidate) {
            return true;
        }
    }
    return false;
}

/* `wanted` people hear one message of `weight`: each a weak tie with
 * wom.weak_tie_share (drawn uniformly from everyone but the teller), the
 * rest distinct neighbours chosen by Floyd's sampling, at most the degree
 * (the excess counted as capped). Returns the number told. */
static uint32_t send(naive_t *naive, uint32_t v, int valence, uint32_t wanted, uint32_t weight,
                     wom_rng_stream_t *picks) {
    const wom_scenario_t *s = naive->s;
    const wom_graph_t *graph = naive->graph;
    uint32_t weak = 0;
    /* no word is drawn when nobody can be a weak tie: share 0, or nobody else */
    if (wom_rng_threshold(s->wom.weak_tie_share) > 0 && naive->agents > 1) {
        for (uint32_t i = 0; i < wanted; i++) {
            weak += wom_rng_stream_next(picks) < wom_rng_threshold(s->wom.weak_tie_share);
        }
    }
    uint32_t close = wanted - weak, degree = wom_graph_degree(graph, v);
    uint32_t count = close < degree ? close : degree;
    naive->counts[valence == WOM_POSITIVE ? WOM_M_TELLS_CAPPED_POS : WOM_M_TELLS_CAPPED_NEG] +=
        close - count;
    for (uint32_t i = 0; i < weak; i++) {
        uint32_t other = wom_rng_stream_below(picks, naive->agents - 1); /* everyone else: */
        post(naive, other < v ? other : other + 1, valence, weight);     /* skip the teller */
    }
    naive->counts[WOM_M_TOLD_WEAK] += weak;
    if (count == degree) {
        for (uint32_t i = 0; i < count; i++) {
            naive->picked[i] = i; /* every neighbour: nothing to draw */
        }
    } else {
        for (uint32_t j = degree - count, n = 0; j < degree; j++, n++) {
            uint32_t candidate = wom_rng_stream_below(picks, j + 1);
            naive->picked[n] = already_picked(naive->picked, n, candidate) ? j : candidate;
        }
    }
    for (uint32_t i = 0; i < count; i++) {
        post(naive, graph->targets[graph->offsets[v] + naive->picked[i]], valence, weight);
    }
    naive->counts[valence == WOM_POSITIVE ? WOM_M_MSGS_POS : WOM_M_MSGS_NEG] += count + weak;
    return count + weak;
}

/* An episode told to K ~ D(mean) people, from the count and pick streams
 * of its kind (experience or advice). */
static uint32_t tell(naive_t *naive, uint32_t v, int valence, double mean, uint32_t count_site,
                     uint32_t pick_site) {
    wom_rng_reset_gsl(naive->gsl, naive_key(naive, v, count_site));
    uint32_t wanted = tell_count(naive->s, naive->gsl, mean);
    wom_rng_stream_t picks;
    wom_rng_stream_init(&picks, naive_key(naive, v, pick_site));
    return send(naive, v, valence, wanted, weight_of(naive, v), &picks);
}

static uint32_t tell_experience(naive_t *naive, uint32_t v, int valence, double mean) {
    return tell(naive, v, valence, mean, WOM_SITE_TELL_COUNT, WOM_SITE_TELL_PICK);
}

/* A review goes on the page at the end of the day (not to anyone now). */
static void review(naive_t *naive, int valence) {
    naive->counts[valence == WOM_POSITIVE ? WOM_M_REVIEWS_POS : WOM_M_REVIEWS_NEG]++;
}

/* ---- the phases, each a pass over every agent ---- */

/* Phase 0: the attitude moves toward 0 by the share 1 - 2^(-1/h) of
 * itself, at least 1/64 point; never with h = 0. The share is held, as
 * the kernel holds it, in 1/65536 (at least 1/65536), and the move in
 * whole 1/64 point, rounded down. */
static void fade(naive_t *naive, uint32_t v) {
    agent_t *a = &naive->agent[v];
    double half_life = naive->s->model.attitude_half_life;
    if (half_life == 0 || a->attitude == 0) {
        return;
    }
    int64_t share = llround((1 - exp2(-1 / half_life)) * 65536);
    share = share > 0 ? share : 1;
    int64_t size = a->attitude < 0 ? -a->attitude : a->attitude;
    int64_t by = size * share / 65536;
    size = size - (by > 1 ? by : 1);
    size = size > 0 ? size : 0;
    a->attitude = a->attitude < 0 ? -size : size;
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
            naive->counts[WOM_M_FORWARDED] +=
                send(naive, v, valence, wanted, weight_of(naive, v), &picks);
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
    int64_t net = (int64_t)box->weight[WOM_POSITIVE] - (int64_t)box->weight[WOM_NEGATIVE];
    a->attitude = moved(naive, a->attitude, net * WOM_ATTITUDE_UNIT);
    if (a->state == WOM_CUSTOMER && points(a->attitude) <= naive->s->adoption.churn_attitude) {
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

static double adoption_probability(const wom_scenario_t *s, int64_t attitude_points) {
    if (attitude_points <= -s->adoption.reject_threshold) {
        return 0;
    }
    double p = s->adoption.base +
               s->adoption.persuasion * (double)(attitude_points > 0 ? attitude_points : 0);
    return p < s->adoption.max ? p : s->adoption.max;
}

/* Phase 3: adoption, or reading the page with what is left of the word
 * that did not adopt; win-back. */
static void adopt(naive_t *naive, uint32_t v) {
    const wom_scenario_t *s = naive->s;
    agent_t *a = &naive->agent[v];
    if (a->state == WOM_PROSPECT) {
        uint32_t word = decision_word(naive, v);
        uint64_t adopts = wom_rng_threshold(adoption_probability(s, points(a->attitude)));
        if (word < adopts) {
            a->state = WOM_CUSTOMER;
            naive->counts[WOM_M_NEW_CUSTOMERS]++;
        } else if (chance_in_rest(word, adopts, s->online.consult_rate)) {
            a->attitude = moved(naive, a->attitude, naive->reading);
            naive->counts[WOM_M_REVIEW_READS]++;
        }
    } else if (a->state == WOM_LOST && points(a->attitude) > 0) {
        if (chance(naive, v, s->adoption.winback)) {
            a->state = WOM_CUSTOMER;
            naive->counts[WOM_M_WON_BACK]++;
        }
    }
}

/* The failing mode, drawn in proportion to the applicable rates: the first
 * mode whose cumulative share exceeds the word. */
static int failing_mode(naive_t *naive, uint32_t v, bool returning) {
    uint32_t word = decision_word(naive, v);
    double sum = rate_sum(naive, returning), cumulative = 0;
    int last = 0;
    for (int k = 0; k < mode_count(naive->s); k++) {
        double rate = rate_applying(naive, k, returning);
        cumulative += rate;
        if (rate > 0 && word < wom_rng_threshold(cumulative / sum)) {
            return k;
        }
        last = rate > 0 ? k : last;
    }
    return last;
}

/* The repurchase table, by outcome and severity. */
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

/* Staying after a failure: the table's log-odds plus stay_slope times the
 * attitude (points) after it; a table entry of 0 or 1 has no log-odds and
 * stands. */
static double stay_probability(const wom_scenario_t *s, int outcome, int severity,
                               int64_t attitude_points) {
    double table = repurchase(s, outcome, severity);
    double slope = s->recovery.stay_slope;
    if (slope == 0 || table <= 0 || table >= 1) {
        return table;
    }
    double log_odds = log(table / (1 - table)) + slope * (double)attitude_points;
    return 1 / (1 + exp(-log_odds));
}

/* A loyalty member's leaving probabilities are multiplied by this. */
static double leave_factor(const naive_t *naive, uint32_t v) {
    return naive->agent[v].loyal ? 1 - naive->s->loyalty.churn_reduction : 1;
}

/* Telling per episode: a good purchase is told when it matters (the first
 * one, or one that makes a promoter), else with routine_tell_prob. */
static void satisfied(naive_t *naive, uint32_t v, bool first) {
    const wom_scenario_t *s = naive->s;
    agent_t *a = &naive->agent[v];
    naive->counts[WOM_M_SATISFIED]++;
    int64_t before = points(a->attitude);
    a->attitude = moved(naive, a->attitude, s->model.experience_weight * WOM_ATTITUDE_UNIT);
    bool promoted = before < s->model.promoter_at && points(a->attitude) >= s->model.promoter_at;
    if (first || promoted || chance(naive, v, s->wom.routine_tell_prob)) {
        naive->counts[WOM_M_SATISFIED_TOLD]++;
        naive->counts[WOM_M_TOLD_BY_SATISFIED] +=
            tell_experience(naive, v, WOM_POSITIVE, s->wom.satisfied_tell_mean);
    }
    if (chance(naive, v, s->online.review_rate_satisfied)) {
        review(naive, WOM_POSITIVE);
    }
}

static int complaint_outcome(naive_t *naive, uint32_t v, int mode) {
    const wom_scenario_t *s = naive->s;
    if (!chance(naive, v, s->recovery.complain_rate)) {
        return WOM_SILENT;
    }
    naive->counts[WOM_M_COMPLAINTS]++;
    if (s->failure_count > 0) {
        naive->counts[WOM_M_COMPLAINT_MODE + mode]++;
    }
    if (!chance(naive, v, s->recovery.success_rate)) {
        return WOM_UNRESOLVED;
    }
    return chance(naive, v, s->recovery.quick_share) ? WOM_QUICK : WOM_RESOLVED;
}

/* A failure and its handling are always told: good news after a recovery,
 * bad news (major_tell_factor times more after a major failure) else. */
static void failed(naive_t *naive, uint32_t v, int mode) {
    const wom_scenario_t *s = naive->s;
    agent_t *a = &naive->agent[v];
    naive->counts[WOM_M_FAILURES]++;
    if (s->failure_count > 0) {
        naive->counts[WOM_M_FAILURE_MODE + mode]++;
    }
    int outcome = complaint_outcome(naive, v, mode);
    int severity = severity_of(s, mode);
    if (outcome == WOM_RESOLVED || outcome == WOM_QUICK) {
        naive->counts[WOM_M_RECOVERED]++;
        int64_t bonus =
            s->recovery.paradox ? s->recovery.attitude_bonus : s->model.experience_weight;
        a->attitude = moved(naive, a->attitude, bonus * WOM_ATTITUDE_UNIT);
        naive->counts[WOM_M_TOLD_BY_RECOVERED] +=
            tell_experience(naive, v, WOM_POSITIVE, s->recovery.tell_mean);
    } else {
        naive->counts[WOM_M_DISSATISFIED]++;
        a->attitude = moved(naive, a->attitude, -s->model.experience_weight * WOM_ATTITUDE_UNIT);
        double factor = severity == WOM_SEVERITY_MAJOR ? s->wom.major_tell_factor : 1;
        naive->counts[WOM_M_TOLD_BY_DISSATISFIED] +=
            tell_experience(naive, v, WOM_NEGATIVE, s->wom.dissatisfied_tell_mean * factor);
        if (chance(naive, v, s->online.review_rate_dissatisfied)) {
            review(naive, WOM_NEGATIVE);
        }
    }
    double stay = stay_probability(s, outcome, severity, points(a->attitude));
    if (!chance(naive, v, 1 - (1 - stay) * leave_factor(naive, v))) {
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
    int segment = wom_graph_segment(naive->graph, v);
    if (chance(naive, v, failure_probability(naive, segment, returning))) {
        failed(naive, v, failing_mode(naive, v, returning));
    } else {
        satisfied(naive, v, a->purchases == 0);
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
        churns = chance_in_rest(decisions->purchase_word,
                                wom_rng_threshold(naive->s->service.purchase_rate), probability);
    } else {
        churns = chance(naive, v, probability);
    }
    if (churns) {
        a->state = WOM_LOST;
    }
}

/* Phase 5's advice, run after churn: the kernel draws the advice word
 * last, and churn changes neither whether the agent knows the business
 * nor its attitude, so only the order of the words depends on it. An
 * intermediary who knows the business and has an opinion (whole points
 * not 0) advises, buying or not, with the sign of its attitude. */
static void advise(naive_t *naive, uint32_t v) {
    const wom_scenario_t *s = naive->s;
    const agent_t *a = &naive->agent[v];
    int64_t opinion = points(a->attitude);
    if (!a->intermediary || a->state == WOM_UNAWARE || opinion == 0 ||
        !chance(naive, v, s->population.advice_rate)) {
        return;
    }
    naive->counts[WOM_M_TOLD_BY_ADVICE] +=
        tell(naive, v, opinion > 0 ? WOM_POSITIVE : WOM_NEGATIVE, s->population.advice_tell_mean,
             WOM_SITE_ADVICE_COUNT, WOM_SITE_ADVICE_PICK);
}

/* Phase 7: states at the end of the day; reached_* counted from the
 * agents' flags (who ever heard), not carried from day to day; on a graph
 * with segments, each segment's (up to 16) customers, promoters,
 * detractors and agents who know the business. */
static void record(naive_t *naive) {
    int64_t *c = naive->counts;
    int64_t promoter_at = naive->s->model.promoter_at;
    c[WOM_M_REACHED_POS] = c[WOM_M_REACHED_NEG] = 0;
    int segments = 1;
    for (uint32_t v = 0; v < naive->agents; v++) {
        int segment = wom_graph_segment(naive->graph, v);
        segments = segment >= segments ? segment + 1 : segments;
    }
    for (uint32_t v = 0; v < naive->agents; v++) {
        const agent_t *a = &naive->agent[v];
        int64_t opinion = points(a->attitude);
        c[WOM_M_UNAWARE + a->state]++;
        c[WOM_M_PROMOTERS] += opinion >= promoter_at;
        c[WOM_M_DETRACTORS] += opinion <= -promoter_at;
        c[WOM_M_LOYAL] += a->loyal && a->state == WOM_CUSTOMER;
        c[WOM_M_REACHED_POS] += a->heard_pos;
        c[WOM_M_REACHED_NEG] += a->heard_neg;
        int segment = wom_graph_segment(naive->graph, v);
        if (segments > 1 && segment < WOM_METRICS_SEGMENTS) {
            c[WOM_M_SEGMENT_CUSTOMERS + segment] += a->state == WOM_CUSTOMER;
            c[WOM_M_SEGMENT_PROMOTERS + segment] += opinion >= promoter_at;
            c[WOM_M_SEGMENT_DETRACTORS + segment] += opinion <= -promoter_at;
            c[WOM_M_SEGMENT_AWARE + segment] += a->state != WOM_UNAWARE;
        }
    }
}

/* The end of the business's day: today's reviews go on the page (reading
 * it tomorrow uses it as it stands now), and each complaint teaches. */
static void close_day(naive_t *naive) {
    int64_t *today = posted_on(naive, naive->step);
    today[WOM_POSITIVE] = naive->counts[WOM_M_REVIEWS_POS];
    today[WOM_NEGATIVE] = naive->counts[WOM_M_REVIEWS_NEG];
    update_page(naive, naive->step);
    naive->counts[WOM_M_REVIEW_STOCK_POS] = naive->page[WOM_POSITIVE];
    naive->counts[WOM_M_REVIEW_STOCK_NEG] = naive->page[WOM_NEGATIVE];
    learn(naive);
}

/* Day 0's row: the states and the page. */
static void naive_day_zero(naive_t *naive, wom_metrics_row_t *row) {
    memset(naive->counts, 0, sizeof naive->counts);
    naive_reset(naive);
    record(naive);
    naive->counts[WOM_M_REVIEW_STOCK_POS] = naive->page[WOM_POSITIVE];
    naive->counts[WOM_M_REVIEW_STOCK_NEG] = naive->page[WOM_NEGATIVE];
    memcpy(row->count, naive->counts, sizeof row->count);
}

typedef void (*phase_fn)(naive_t *naive, uint32_t v);

/* One day: each phase a separate pass over all agents. */
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
    const phase_fn phases[] = {fade, hear, advertise, adopt, encounter, churn, advise};
    for (size_t p = 0; p < sizeof phases / sizeof phases[0]; p++) {
        for (uint32_t v = 0; v < naive->agents; v++) {
            phases[p](naive, v);
        }
    }
    record(naive);
    close_day(naive);
    memcpy(row->count, naive->counts, sizeof row->count);
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
            print_error("task %u day %u counter %d: fast %lld, %s %lld\n", task, step, i,
                        (long long)fast->count[i], who, (long long)other->count[i]);
            fail();
        }
    }
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

/* The fast model's inbox the next day reads. */
static const wom_kind_wom_inbox_t *next_inbox(const wom_model_t *fast) {
    return &wom_kind_wom_of(fast)->inbox[(fast->step + 1) % 2];
}

static bool inbox_matches(const wom_model_t *fast, const naive_t *naive, uint32_t v) {
    const wom_kind_wom_inbox_t *next = next_inbox(fast);
    const mailbox_t *box = &naive->inbox[v];
    return next->count[0][v] == box->count[0] && next->count[1][v] == box->count[1] &&
           fast_extra(next, v) == extra_weight(box);
}

/* Every agent, and the messages waiting for the next day, agree. */
static void assert_agents_equal(const wom_model_t *fast, const naive_t *naive) {
    const wom_kind_wom_t *wom = wom_kind_wom_of(fast);
    const wom_kind_wom_inbox_t *next = next_inbox(fast);
    for (uint32_t v = 0; v < fast->agents; v++) {
        const agent_t *a = &naive->agent[v];
        const mailbox_t *box = &naive->inbox[v];
        if (!agent_matches(fast, naive, v) || !inbox_matches(fast, naive, v)) {
            print_error("task %u day %u agent %u (state attitude purchases flags; inbox "
                        "counts +, -, extra weight): fast %d %d %u %d; %u %u %lld, naive %d %lld "
                        "%u %d; %u %u %lld\n",
                        fast->stream_task, fast->step, v, wom->state[v], wom->attitude[v],
                        wom->purchases[v], wom->flags[v], next->count[0][v], next->count[1][v],
                        (long long)fast_extra(next, v), a->state, (long long)a->attitude,
                        a->purchases, flags_of(a), box->count[0], box->count[1],
                        (long long)extra_weight(box));
            fail();
        }
    }
}

/* The business agrees: the page, what reading it does, each mode's rate. */
static void assert_business_equal(const wom_model_t *fast, const naive_t *naive) {
    const wom_kind_wom_t *wom = wom_kind_wom_of(fast);
    if (wom->reviews.stock[0] != naive->page[0] || wom->reviews.stock[1] != naive->page[1] ||
        wom->reviews.reading != naive->reading) {
        print_error("task %u day %u page (good, bad, reading): fast %lld %lld %lld, naive %lld "
                    "%lld %lld\n",
                    fast->stream_task, fast->step, (long long)wom->reviews.stock[0],
                    (long long)wom->reviews.stock[1], (long long)wom->reviews.reading,
                    (long long)naive->page[0], (long long)naive->page[1],
                    (long long)naive->reading);
        fail();
    }
    for (int k = 0; k < mode_count(naive->s); k++) {
        if (wom->mode_rate[k] != naive->rate[k]) {
            print_error("task %u day %u mode %d rate: fast %.17g, naive %.17g\n", fast->stream_task,
                        fast->step, k, wom->mode_rate[k], naive->rate[k]);
            fail();
        }
    }
}

/* The fast model's agents, inboxes and business with 1 and with 3 threads
 * are identical. */
static void assert_models_equal(const wom_model_t *one, const wom_model_t *three) {
    size_t n = one->agents;
    const wom_kind_wom_t *a = wom_kind_wom_of(one), *b = wom_kind_wom_of(three);
    assert_memory_equal(a->state, b->state, n);
    assert_memory_equal(a->attitude, b->attitude, n * sizeof *a->attitude);
    assert_memory_equal(a->purchases, b->purchases, n * sizeof *a->purchases);
    assert_memory_equal(a->flags, b->flags, n);
    const wom_kind_wom_inbox_t *x = next_inbox(one), *y = next_inbox(three);
    assert_memory_equal(x->count[0], y->count[0], 2 * n * sizeof *x->count[0]);
    if (x->extra != NULL) {
        assert_memory_equal(x->extra, y->extra, n * sizeof *x->extra);
    }
    assert_memory_equal(a->reviews.stock, b->reviews.stock, sizeof a->reviews.stock);
    assert_memory_equal(a->mode_rate, b->mode_rate, sizeof a->mode_rate);
}

enum { TASKS = 3, RUN_ID = 17 }; /* run ids 17, 18, 19 */

/* What a comparison saw: the rows summed over tasks and days, and whether
 * some mode's rate was learned down, and down to its floor. */
typedef struct {
    wom_metrics_row_t total;
    bool learned, at_floor;
} seen_t;

/* Runs naive and fast (1 thread, and 3 threads looking ahead for buyers)
 * in lockstep for each task and compares day 0 and every day after. */
static seen_t compare_kernels(const wom_scenario_t *s, const wom_graph_t *graph, uint32_t steps) {
    seen_t seen = {{{0}}, false, false};
    for (uint32_t task = RUN_ID; task < RUN_ID + TASKS; task++) {
        wom_model_t *fast = NULL, *threaded = NULL;
        assert_int_equal(wom_model_alloc(s, graph, 1, &fast), WOM_OK);
        assert_int_equal(wom_model_alloc(s, graph, 3, &threaded), WOM_OK);
        wom_kind_wom_of(threaded)->lookahead = true; /* only prefetches: same results */
        wom_metrics_row_t row, threaded_row, naive_row;
        wom_model_reset(fast, task, &row);
        wom_model_reset(threaded, task, &threaded_row);
        naive_t *naive = naive_alloc(s, graph, task, steps);
        naive_day_zero(naive, &naive_row);
        assert_rows_equal(&row, &naive_row, "naive", task, 0);
        assert_rows_equal(&row, &threaded_row, "3 threads", task, 0);
        assert_agents_equal(fast, naive);
        assert_business_equal(fast, naive);
        for (uint32_t t = 1; t <= steps; t++) {
            wom_model_step(fast, &row);
            wom_model_step(threaded, &threaded_row);
            naive_step(naive, &naive_row);
            assert_rows_equal(&row, &naive_row, "naive", task, t);
            assert_rows_equal(&row, &threaded_row, "3 threads", task, t);
            assert_agents_equal(fast, naive);
            assert_business_equal(fast, naive);
            assert_models_equal(fast, threaded);
            for (int i = 0; i < WOM_M_COUNTERS; i++) {
                seen.total.count[i] += row.count[i];
            }
        }
        for (int k = 0; k < mode_count(s); k++) {
            double start = scenario_rate(s, k);
            seen.learned = seen.learned || naive->rate[k] < start;
            seen.at_floor = seen.at_floor || naive->rate[k] == s->recovery.learning_floor * start;
        }
        naive_free(naive);
        wom_model_free(fast);
        wom_model_free(threaded);
    }
    return seen;
}

/* Fails unless every counter in `counters` (ending with -1) moved, so
 * that agreement on them is not vacuous. */
static void assert_moved(const seen_t *seen, const int *counters) {
    for (; *counters >= 0; counters++) {
        if (seen->total.count[*counters] == 0) {
            print_error("counter %d never moved\n", *counters);
            fail();
        }
    }
}

/* The events every case produces. */
static const int EVERY_CASE[] = {WOM_M_NEW_CUSTOMERS,
                                 WOM_M_SATISFIED,
                                 WOM_M_SATISFIED_TOLD,
                                 WOM_M_COMPLAINTS,
                                 WOM_M_RECOVERED,
                                 WOM_M_DISSATISFIED,
                                 WOM_M_REVIEWS_POS,
                                 WOM_M_REVIEWS_NEG,
                                 WOM_M_REVIEW_READS,
                                 WOM_M_LOST,
                                 WOM_M_PROMOTERS,
                                 WOM_M_DETRACTORS,
                                 -1};

/* What a featured case adds: advice, weak ties, capped tells of both
 * valences, loyalty, win-back. */
static const int FEATURED[] = {
    WOM_M_TOLD_BY_ADVICE,   WOM_M_TOLD_WEAK, WOM_M_LOYAL, WOM_M_TELLS_CAPPED_POS,
    WOM_M_TELLS_CAPPED_NEG, WOM_M_WON_BACK,  -1};

/* Routine good purchases are sometimes told and sometimes not. */
static void assert_routine_both_ways(const seen_t *seen) {
    assert_true(seen->total.count[WOM_M_SATISFIED_TOLD] < seen->total.count[WOM_M_SATISFIED]);
}

static void assert_modes_failed(const wom_scenario_t *s, const seen_t *seen) {
    for (int k = 0; k < s->failure_count; k++) {
        assert_true(seen->total.count[WOM_M_FAILURE_MODE + k] > 0);
    }
}

/* The defaults on a ring of 8,500 agents of degree 10: the configuration a
 * user starts from (fading over 90 days, weak ties, routine telling, a
 * year-long page of reviews), and enough agents (3 runs of 4,096) that
 * 3 threads really share the inboxes. */
static void naive_matches_fast_with_defaults(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(8500, 5, false);
    wom_scenario_t s = default_scenario();
    s.recovery.complain_rate = 0.185; /* the default 0.037 gives a handful of complaints */
    seen_t seen = compare_kernels(&s, graph, 30);
    assert_moved(&seen, EVERY_CASE);
    assert_true(seen.total.count[WOM_M_FORWARDED] > 0);
    assert_true(seen.total.count[WOM_M_TOLD_WEAK] > 0);
    assert_routine_both_ways(&seen);
    wom_graph_free(graph);
}

/* Ring of 307 agents with reach 3 (degree 6): Poisson bad news (mean 8.35,
 * x 1.65 after a major failure) often exceeds the close ties, so the cap
 * and the tell-every-neighbour path run; intermediaries advise; the
 * business learns from complaints about four named modes; staying follows
 * the attitude. */
static void naive_matches_fast_on_ring(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(307, 3, false);
    wom_scenario_t s = featured_scenario();
    seen_t seen = compare_kernels(&s, graph, 60);
    assert_moved(&seen, EVERY_CASE);
    assert_moved(&seen, FEATURED);
    assert_true(seen.total.count[WOM_M_FORWARDED] > 0);
    assert_routine_both_ways(&seen);
    assert_modes_failed(&s, &seen);
    assert_true(seen.learned);
    wom_graph_free(graph);
}

/* Two segments with their own expectations (and their own counters), an
 * isolated agent, degree seeding of customers and intermediaries,
 * negative binomial tells, the service-recovery paradox with retention
 * falling with the attitude (a negative slope) except where the table
 * says 0 or 1 (a silent major failure, a quick recovery of a minor one),
 * learning down to its floor,
 * every initial customer already loyal. */
static void naive_matches_fast_on_two_segments(void **state) {
    (void)state;
    wom_graph_t *graph = make_two_segments();
    wom_scenario_t s = featured_scenario();
    s.segments.expectations[0] = 0.185;
    s.segments.expectations[1] = 0.415;
    s.segments.expectation_count = 2;
    s.population.seeding = WOM_SEEDING_DEGREE;
    s.population.intermediary_seeding = WOM_SEEDING_DEGREE;
    s.population.initial_purchases = 5;
    s.wom.tell_distribution = WOM_TELL_NEGBIN;
    s.recovery.paradox = true;
    s.recovery.attitude_bonus = 5;
    s.recovery.stay_slope = -0.135;
    s.recovery.repurchase_quick_minor = 1;  /* no log-odds: stays whatever the attitude */
    s.recovery.repurchase_silent_major = 0; /* and leaves whatever the attitude */
    s.recovery.learning = 0.185;
    seen_t seen = compare_kernels(&s, graph, 60);
    assert_moved(&seen, EVERY_CASE);
    assert_moved(&seen, FEATURED);
    assert_true(seen.total.count[WOM_M_FORWARDED] > 0);
    assert_modes_failed(&s, &seen);
    assert_true(seen.at_floor);
    for (int segment = 0; segment < 2; segment++) {
        assert_true(seen.total.count[WOM_M_SEGMENT_CUSTOMERS + segment] > 0);
        assert_true(seen.total.count[WOM_M_SEGMENT_DETRACTORS + segment] > 0);
    }
    wom_graph_free(graph);
}

/* Complete graph of 41 with fixed (fractional) tells, satisfied employees
 * (m_emp < 1), no named failure modes (one minor mode, rate 1 - quality,
 * learned from every complaint), attitudes that never fade, initial
 * customers without history (their first purchase is told), every told
 * person a weak tie, no hearsay, a page that keeps a day's reviews (empty
 * at day 0 and on many days), and the churn attitude above zero, so that a
 * customer driven off by bad news can be won back the same day. */
static void naive_matches_fast_on_complete_graph(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(41, 0, true);
    wom_scenario_t s = featured_scenario();
    s.failure_count = 0;
    s.service.quality = 0.815;
    s.employees.satisfaction = 0.715;
    s.wom.tell_distribution = WOM_TELL_FIXED;
    s.wom.weak_tie_share = 1;
    s.model.attitude_half_life = 0;
    s.population.initial_purchases = 0;
    s.wom.forward_prob = 0;
    s.online.review_lifetime = 1;
    s.adoption.churn_attitude = 1;
    seen_t seen = compare_kernels(&s, graph, 60);
    assert_moved(&seen, EVERY_CASE);
    assert_int_equal(seen.total.count[WOM_M_FORWARDED], 0);
    assert_true(seen.total.count[WOM_M_WON_BACK] > 0);
    assert_true(seen.learned);
    assert_int_equal(seen.total.count[WOM_M_TELLS_CAPPED_POS], 0); /* no close ties told */
    assert_int_equal(seen.total.count[WOM_M_TOLD_WEAK],
                     seen.total.count[WOM_M_MSGS_POS] + seen.total.count[WOM_M_MSGS_NEG]);
    wom_graph_free(graph);
}

/* Complete graph of 41 where most agents buy every day and tell about
 * 30, routine purchases always: an agent hears some 20 messages a day, so
 * how many it passes on is a binomial draw (more than 16 heard) rather
 * than a word per message; no weak ties. */
static void naive_matches_fast_when_many_are_heard(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(41, 0, true);
    wom_scenario_t s = featured_scenario();
    s.population.initial_customers = 0.9;
    s.service.purchase_rate = 0.9;
    s.wom.satisfied_tell_mean = 30;
    s.wom.dissatisfied_tell_mean = 35;
    s.wom.routine_tell_prob = 1;
    s.wom.weak_tie_share = 0;
    seen_t seen = compare_kernels(&s, graph, 60);
    assert_moved(&seen, EVERY_CASE);
    assert_true(seen.total.count[WOM_M_FORWARDED] > 0);
    assert_int_equal(seen.total.count[WOM_M_SATISFIED_TOLD], seen.total.count[WOM_M_SATISFIED]);
    assert_int_equal(seen.total.count[WOM_M_TOLD_WEAK], 0);
    double heard_per_agent_day =
        (double)(seen.total.count[WOM_M_MSGS_POS] + seen.total.count[WOM_M_MSGS_NEG]) /
        (41.0 * 60 * TASKS);
    assert_true(heard_per_agent_day > 17);
    wom_graph_free(graph);
}

/* Geometric tells and hearsay with a large mean on the two segments, no
 * loyalty programme, intermediaries whose word weighs more but who never
 * advise, recovered customers who tell nobody (a mean of 0), and staying
 * rising steeply with the attitude. */
static void naive_matches_fast_with_geometric_hearsay(void **state) {
    (void)state;
    wom_graph_t *graph = make_two_segments();
    wom_scenario_t s = featured_scenario();
    s.segments.expectation_count = 0;
    s.wom.tell_distribution = WOM_TELL_GEOMETRIC;
    s.wom.forward_prob = 0.135;
    s.wom.forward_tell_mean = 3.35;
    s.loyalty.enabled = false;
    s.population.advice_rate = 0;
    s.recovery.tell_mean = 0;
    s.recovery.stay_slope = 0.865;
    seen_t seen = compare_kernels(&s, graph, 60);
    assert_moved(&seen, EVERY_CASE);
    assert_true(seen.total.count[WOM_M_FORWARDED] > 0);
    assert_int_equal(seen.total.count[WOM_M_LOYAL], 0);
    assert_int_equal(seen.total.count[WOM_M_TOLD_BY_ADVICE], 0);
    assert_int_equal(seen.total.count[WOM_M_TOLD_BY_RECOVERED], 0);
    wom_graph_free(graph);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(naive_matches_fast_with_defaults),
        cmocka_unit_test(naive_matches_fast_on_ring),
        cmocka_unit_test(naive_matches_fast_on_two_segments),
        cmocka_unit_test(naive_matches_fast_on_complete_graph),
        cmocka_unit_test(naive_matches_fast_when_many_are_heard),
        cmocka_unit_test(naive_matches_fast_with_geometric_hearsay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
