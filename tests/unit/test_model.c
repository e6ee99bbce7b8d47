/* test_model.c: the step kernel's invariants, the 5-versus-10 rule on a
 * graph where the degree cap never binds, distinct picks, the degree cap
 * per valence, thread-count independence, phases 1-3 and 6 one day at a
 * time against binomial counts, whole points rounded toward 0, delivery at
 * t + 1, the moments of each tell distribution; and one focused test per
 * mechanism of the extended model (docs/model.md): the day-0 history and
 * page, fading, telling per episode, weak ties, severity in telling,
 * reading the page, advice, the repurchase table and retention following
 * the attitude, learning from complaints.
 *
 * Statistical tests use fixed tasks (the draws are keyed, so a given build
 * passes or fails every time) and tolerances of 4 standard errors of the
 * quantity tested, derived in each test's comment: a false alarm about
 * once in 16,000 builds per check.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "kind_wom.h"
#include "womsim/womsim.h"

static int64_t total(const wom_metrics_row_t *rows, uint32_t steps, int counter) {
    int64_t sum = 0;
    for (uint32_t t = 0; t <= steps; t++) {
        sum += rows[t].count[counter];
    }
    return sum;
}

static void states_sum_to_agents_every_step(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(1237, 4, false);
    wom_scenario_t scenario = default_scenario();
    scenario.service.quality = 0.785;
    scenario.adoption.advertising = 0.0137;
    scenario.recovery.complain_rate = 0.385;     /* all outcomes occur */
    scenario.population.intermediaries = 0.0615; /* and advice */
    scenario.population.advice_rate = 0.0385;
    const uint32_t steps = 120;
    for (uint32_t task = 0; task < 3; task++) {
        wom_metrics_row_t *rows = simulate(&scenario, graph, 1, task, steps);
        for (uint32_t t = 0; t <= steps; t++) {
            const int64_t *c = rows[t].count;
            assert_int_equal(
                c[WOM_M_UNAWARE] + c[WOM_M_PROSPECTS] + c[WOM_M_CUSTOMERS] + c[WOM_M_LOST], 1237);
            assert_int_equal(c[WOM_M_ENCOUNTERS], c[WOM_M_SATISFIED] + c[WOM_M_FAILURES]);
            assert_int_equal(c[WOM_M_FAILURES], c[WOM_M_RECOVERED] + c[WOM_M_DISSATISFIED]);
            assert_true(c[WOM_M_COMPLAINTS] >= c[WOM_M_RECOVERED]);
            assert_true(c[WOM_M_SATISFIED_TOLD] <= c[WOM_M_SATISFIED]);
            /* every message sent is counted once by what it was about */
            assert_int_equal(c[WOM_M_MSGS_POS] + c[WOM_M_MSGS_NEG],
                             c[WOM_M_TOLD_BY_SATISFIED] + c[WOM_M_TOLD_BY_DISSATISFIED] +
                                 c[WOM_M_TOLD_BY_RECOVERED] + c[WOM_M_TOLD_BY_ADVICE] +
                                 c[WOM_M_FORWARDED]);
            assert_true(c[WOM_M_TOLD_WEAK] <= c[WOM_M_MSGS_POS] + c[WOM_M_MSGS_NEG]);
            if (t > 0) { /* cumulative counts never fall */
                assert_true(c[WOM_M_REACHED_POS] >= rows[t - 1].count[WOM_M_REACHED_POS]);
                assert_true(c[WOM_M_REACHED_NEG] >= rows[t - 1].count[WOM_M_REACHED_NEG]);
            }
        }
        assert_true(total(rows, steps, WOM_M_DISSATISFIED) > 0);
        assert_true(total(rows, steps, WOM_M_TOLD_BY_ADVICE) > 0);
        free(rows);
    }
    wom_graph_free(graph);
}

/* Poisson K with means 5 and 10 on a complete graph of 300 nodes (degree
 * 299: P(K > 299) is negligible, so no tell is capped). Telling is per
 * episode: the 5 is per satisfied encounter told (first purchases,
 * promotions, routine ones that happen to be told), the 10 per
 * dissatisfied one (always told). The realised mean over n episodes has
 * standard error sqrt(mean / n); allow 4 of them. */
static void realised_tells_are_5_and_10(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(300, 0, true);
    wom_scenario_t scenario = default_scenario();
    scenario.service.quality = 0.615;
    scenario.population.initial_customers = 0.8;
    scenario.population.initial_aware = 0.2;
    scenario.service.purchase_rate = 0.35;
    scenario.service.churn_rate = 0;
    scenario.recovery.repurchase_silent_minor = 0.815;
    scenario.adoption.churn_attitude = -500; /* bad news alone never drives them off */
    scenario.wom.routine_tell_prob = 0.615;  /* enough good episodes told */
    const uint32_t steps = 80;
    wom_metrics_row_t *rows = simulate(&scenario, graph, 1, 7, steps);
    int64_t satisfied = total(rows, steps, WOM_M_SATISFIED);
    int64_t dissatisfied = total(rows, steps, WOM_M_DISSATISFIED);
    assert_true(satisfied > 1000 && dissatisfied > 1000);
    assert_int_equal(total(rows, steps, WOM_M_TELLS_CAPPED_POS), 0);
    assert_int_equal(total(rows, steps, WOM_M_TELLS_CAPPED_NEG), 0);
    satisfied = total(rows, steps, WOM_M_SATISFIED_TOLD);
    assert_true(satisfied > 1000);
    double per_satisfied = (double)total(rows, steps, WOM_M_TOLD_BY_SATISFIED) / satisfied;
    double per_dissatisfied = (double)total(rows, steps, WOM_M_TOLD_BY_DISSATISFIED) / dissatisfied;
    assert_near(per_satisfied, 5, 4 * sqrt(5.0 / satisfied));
    assert_near(per_dissatisfied, 10, 4 * sqrt(10.0 / dissatisfied));
    free(rows);
    wom_graph_free(graph);
}

/* One satisfied customer with a fixed K = 3 on a complete graph of 11, its
 * first purchase (always told), close ties only: exactly three distinct
 * hearers get one message each. */
static void tells_reach_distinct_neighbours(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(11, 0, true);
    wom_scenario_t scenario = default_scenario();
    scenario.population.initial_customers = 1.0 / 11;
    scenario.population.initial_aware = 0;
    scenario.adoption.advertising = 0;
    scenario.adoption.base = 0;
    scenario.wom.forward_prob = 0;
    scenario.online.review_rate_satisfied = 0;
    scenario.service.purchase_rate = 1;
    scenario.service.quality = 1;
    scenario.service.churn_rate = 0;
    scenario.wom.tell_distribution = WOM_TELL_FIXED;
    scenario.wom.satisfied_tell_mean = 3;
    scenario.wom.weak_tie_share = 0;
    scenario.population.initial_purchases = 0;
    for (uint32_t task = 0; task < 20; task++) {
        wom_model_t *model = NULL;
        wom_metrics_row_t row;
        assert_int_equal(wom_model_alloc(&scenario, graph, 1, &model), WOM_OK);
        wom_model_reset(model, task, &row);
        wom_model_step(model, &row);
        assert_int_equal(row.count[WOM_M_MSGS_POS], 3);
        assert_int_equal(row.count[WOM_M_SATISFIED_TOLD], 1);
        const uint32_t *sent =
            wom_kind_wom_of(model)->inbox[(model->step + 1) % 2].count[WOM_POSITIVE];
        int hearers = 0;
        for (uint32_t v = 0; v < 11; v++) {
            assert_true(sent[v] <= 1);
            hearers += sent[v] == 1;
        }
        assert_int_equal(hearers, 3);
        wom_model_free(model);
    }
    wom_graph_free(graph);
}

/* On a ring of degree 2 without weak ties, bad news (mean 10) is capped at
 * two hearers; what is cut is counted per valence: only bad news is cut
 * when nothing goes well, only good news when nothing goes wrong. */
static void degree_caps_the_number_told(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(503, 1, false);
    wom_scenario_t scenario = default_scenario();
    scenario.service.quality = 0.3;
    scenario.population.initial_customers = 0.4;
    scenario.wom.weak_tie_share = 0;
    const uint32_t steps = 30;
    wom_metrics_row_t *rows = simulate(&scenario, graph, 1, 2, steps);
    int64_t dissatisfied = total(rows, steps, WOM_M_DISSATISFIED);
    int64_t told = total(rows, steps, WOM_M_TOLD_BY_DISSATISFIED);
    assert_true(dissatisfied > 100);
    assert_true(told <= 2 * dissatisfied);
    assert_true(total(rows, steps, WOM_M_TELLS_CAPPED_NEG) > 5 * dissatisfied);
    assert_true(total(rows, steps, WOM_M_TELLS_CAPPED_POS) > 0);
    free(rows);
    scenario.recovery.complain_rate = 0; /* no recoveries: no good news */
    scenario.service.quality = 0;
    rows = simulate(&scenario, graph, 1, 2, steps);
    assert_true(total(rows, steps, WOM_M_TELLS_CAPPED_NEG) > 0);
    assert_int_equal(total(rows, steps, WOM_M_TELLS_CAPPED_POS), 0);
    free(rows);
    scenario.service.quality = 1;
    rows = simulate(&scenario, graph, 1, 2, steps);
    assert_true(total(rows, steps, WOM_M_TELLS_CAPPED_POS) > 0);
    assert_int_equal(total(rows, steps, WOM_M_TELLS_CAPPED_NEG), 0);
    free(rows);
    wom_graph_free(graph);
}

/* The same task gives the same rows with 1 worker and with 3 (9,001
 * agents: three runs of 4,096 agents split over the threads, inbox writes
 * atomic, intermediaries' weighted advice); another task gives other rows. */
static void rows_do_not_depend_on_threads(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(9001, 3, false);
    wom_scenario_t scenario = default_scenario();
    scenario.service.quality = 0.71;
    scenario.population.intermediaries = 0.0385;
    scenario.recovery.learning = 0.0135;
    const uint32_t steps = 90;
    wom_metrics_row_t *one = simulate(&scenario, graph, 1, 5, steps);
    wom_metrics_row_t *three = simulate(&scenario, graph, 3, 5, steps);
    wom_metrics_row_t *other = simulate(&scenario, graph, 1, 6, steps);
    assert_memory_equal(one, three, (steps + 1) * sizeof *one);
    assert_memory_not_equal(one, other, (steps + 1) * sizeof *one);
    free(one);
    free(three);
    free(other);
    wom_graph_free(graph);
}

/* Rows 0..steps of task 5 with the buyers' lookahead (prefetching, large
 * models only) forced on or off. */
static wom_metrics_row_t *simulate_looking_ahead(const wom_scenario_t *scenario,
                                                 const wom_graph_t *graph, int threads,
                                                 bool lookahead, uint32_t steps) {
    wom_model_t *model = NULL;
    assert_int_equal(wom_model_alloc(scenario, graph, threads, &model), WOM_OK);
    wom_kind_wom_of(model)->lookahead = lookahead;
    wom_metrics_row_t *rows = calloc(steps + 1, sizeof *rows);
    wom_model_reset(model, 5, &rows[0]);
    for (uint32_t t = 1; t <= steps; t++) {
        wom_model_step(model, &rows[t]);
    }
    wom_model_free(model);
    return rows;
}

/* Looking ahead for buyers only prefetches: the rows are the same with it
 * and without it, on 1 and 3 threads (the batches split unevenly, 2011
 * agents making 32 batches, the last one partial). */
static void lookahead_changes_no_result(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(2011, 3, false);
    wom_scenario_t scenario = default_scenario();
    scenario.population.initial_customers = 0.4;
    const uint32_t steps = 60;
    wom_metrics_row_t *plain = simulate_looking_ahead(&scenario, graph, 1, false, steps);
    assert_true(total(plain, steps, WOM_M_ENCOUNTERS) > 1000); /* buyers to look for */
    for (int threads = 1; threads <= 3; threads += 2) {
        wom_metrics_row_t *ahead = simulate_looking_ahead(&scenario, graph, threads, true, steps);
        assert_memory_equal(plain, ahead, (steps + 1) * sizeof *plain);
        free(ahead);
    }
    free(plain);
    wom_graph_free(graph);
}

/* Quality 1 never fails; quality 0 never satisfies. */
static void quality_bounds_outcomes(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(401, 2, false);
    wom_scenario_t scenario = default_scenario();
    scenario.population.initial_customers = 0.3;
    const double qualities[2] = {1, 0};
    const int never[2] = {WOM_M_DISSATISFIED, WOM_M_SATISFIED};
    for (int i = 0; i < 2; i++) {
        scenario.service.quality = qualities[i];
        wom_metrics_row_t *rows = simulate(&scenario, graph, 1, 1, 40);
        assert_int_equal(total(rows, 40, never[i]), 0);
        assert_true(total(rows, 40, WOM_M_ENCOUNTERS) > 100);
        free(rows);
    }
    wom_graph_free(graph);
}

/* Degree seeding makes the best-connected agents the first customers. */
static void degree_seeding_picks_hubs(void **state) {
    (void)state;
    /* A star: centre 37 linked to everyone else. */
    wom_graph_t *graph = calloc(1, sizeof *graph);
    graph->nodes = 50;
    graph->arcs = 2 * 49;
    graph->offsets = malloc(51 * sizeof(uint64_t));
    graph->targets = malloc(graph->arcs * sizeof(uint32_t));
    graph->segment = calloc(50, 1);
    graph->max_degree = 49;
    uint64_t arc = 0;
    for (uint32_t v = 0; v < 50; v++) {
        graph->offsets[v] = arc;
        for (uint32_t u = 0; u < 50; u++) {
            if (u != v && (u == 37 || v == 37)) {
                graph->targets[arc++] = u;
            }
        }
    }
    graph->offsets[50] = arc;
    wom_scenario_t scenario = default_scenario();
    scenario.population.seeding = WOM_SEEDING_DEGREE;
    scenario.population.initial_customers = 0.02; /* one agent */
    scenario.population.initial_aware = 0;
    wom_model_t *model = NULL;
    wom_metrics_row_t row;
    assert_int_equal(wom_model_alloc(&scenario, graph, 1, &model), WOM_OK);
    wom_model_reset(model, 0, &row);
    assert_int_equal(row.count[WOM_M_CUSTOMERS], 1);
    assert_int_equal(wom_kind_wom_of(model)->state[37], WOM_CUSTOMER);
    wom_model_free(model);
    wom_graph_free(graph);
}

/* ---- phases 1-3 and 6, one step at a time ---- */

/* A ring where each node links to its `reach` nearest nodes on each side,
 * built in O(nodes * reach) for populations too large for make_graph. */
static wom_graph_t *make_big_ring(uint32_t nodes, uint32_t reach) {
    wom_graph_t *graph = calloc(1, sizeof *graph);
    uint32_t degree = 2 * reach;
    graph->nodes = nodes;
    graph->arcs = (uint64_t)nodes * degree;
    graph->offsets = malloc((nodes + 1) * sizeof(uint64_t));
    graph->targets = malloc(graph->arcs * sizeof(uint32_t));
    graph->segment = calloc(nodes, 1);
    graph->max_degree = degree;
    for (uint32_t v = 0; v <= nodes; v++) {
        graph->offsets[v] = (uint64_t)v * degree;
    }
    for (uint32_t v = 0; v < nodes; v++) {
        uint32_t *row = graph->targets + graph->offsets[v];
        uint32_t n = 0;
        for (uint32_t d = 1; d <= reach; d++) {
            row[n++] = (v + d) % nodes;
            row[n++] = (v + nodes - d) % nodes;
        }
        for (uint32_t i = 1; i < n; i++) { /* insertion sort: rows are ascending */
            for (uint32_t j = i; j > 0 && row[j - 1] > row[j]; j--) {
                uint32_t swap = row[j];
                row[j] = row[j - 1];
                row[j - 1] = swap;
            }
        }
    }
    return graph;
}

/* A count of successes in n Bernoulli(p) trials lies within 4 binomial
 * standard deviations, sqrt(n p (1 - p)), of n p: a false alarm about once
 * in 16,000 runs; the draws are keyed, so a given build passes or fails
 * every time. */
static void assert_binomial(int64_t count, uint32_t n, double p) {
    assert_near((double)count, n * p, 4 * sqrt(n * p * (1 - p)));
}

enum { CROWD = 20011 }; /* agents in the one-step tests */

/* A scenario in which nobody tells, buys, churns, adopts or reads reviews
 * unless a test turns it on; attitudes do not fade, initial customers have
 * no history (no purchases, attitude 0) and everyone told is a close tie. */
static wom_scenario_t quiet_scenario(void) {
    wom_scenario_t scenario = default_scenario();
    scenario.population.initial_customers = 0;
    scenario.population.initial_aware = 0;
    scenario.adoption.advertising = 0;
    scenario.adoption.base = 0;
    scenario.adoption.persuasion = 0;
    scenario.adoption.max = 0.0785;
    scenario.adoption.winback = 0;
    scenario.service.purchase_rate = 0;
    scenario.service.churn_rate = 0;
    scenario.service.quality = 0.615;
    scenario.wom.forward_prob = 0;
    scenario.online.review_rate_satisfied = 0;
    scenario.online.review_rate_dissatisfied = 0;
    scenario.online.consult_rate = 0;
    scenario.model.attitude_half_life = 0;
    scenario.population.initial_purchases = 0;
    scenario.population.initial_attitude_mean = 0;
    scenario.population.initial_attitude_sd = 0;
    scenario.wom.weak_tie_share = 0;
    return scenario;
}

/* Edits the agents after the reset; `context` is one_step's. */
typedef void (*prepare_fn)(wom_model_t *model, const void *context);

/* Row of step 1 of task `task`; `prepare` (may be NULL) edits the agents
 * after the reset. */
static wom_metrics_row_t one_step(const wom_scenario_t *scenario, const wom_graph_t *graph,
                                  uint32_t task, prepare_fn prepare, const void *context) {
    wom_model_t *model = NULL;
    wom_metrics_row_t row;
    assert_int_equal(wom_model_alloc(scenario, graph, 1, &model), WOM_OK);
    wom_model_reset(model, task, &row);
    if (prepare != NULL) {
        prepare(model, context);
    }
    wom_model_step(model, &row);
    const int64_t *c = row.count;
    assert_int_equal(c[WOM_M_UNAWARE] + c[WOM_M_PROSPECTS] + c[WOM_M_CUSTOMERS] + c[WOM_M_LOST],
                     graph->nodes);
    wom_model_free(model);
    return row;
}

/* Phase 2: with nobody telling or adopting, the prospects after one step
 * are the unaware agents advertising reached: Binomial(N, advertising). */
static void advertising_makes_binomial_prospects(void **state) {
    (void)state;
    wom_graph_t *graph = make_big_ring(CROWD, 2);
    wom_scenario_t scenario = quiet_scenario();
    scenario.adoption.advertising = 0.0385;
    for (uint32_t task = 0; task < 3; task++) {
        wom_metrics_row_t row = one_step(&scenario, graph, task, NULL, NULL);
        assert_binomial(row.count[WOM_M_PROSPECTS], CROWD, 0.0385);
        assert_int_equal(row.count[WOM_M_CUSTOMERS], 0);
        assert_int_equal(row.count[WOM_M_MSGS_POS] + row.count[WOM_M_MSGS_NEG], 0);
    }
    scenario.adoption.advertising = 0;
    assert_int_equal(one_step(&scenario, graph, 0, NULL, NULL).count[WOM_M_UNAWARE], CROWD);
    wom_graph_free(graph);
}

/* Phase 3: every agent a prospect at attitude 0 adopts with probability
 * adoption.base, clamped to adoption.max; never at attitude <=
 * -reject_threshold, which blocks attitude 0 when the threshold is 0. */
static void adoption_is_binomial_and_blocked_by_reject_threshold(void **state) {
    (void)state;
    wom_graph_t *graph = make_big_ring(CROWD, 2);
    wom_scenario_t scenario = quiet_scenario();
    scenario.population.initial_aware = 1;
    scenario.adoption.base = 0.0215;
    scenario.adoption.persuasion = 0.137; /* attitude 0: no effect */
    scenario.adoption.reject_threshold = 3;
    wom_metrics_row_t row = one_step(&scenario, graph, 1, NULL, NULL);
    assert_binomial(row.count[WOM_M_CUSTOMERS], CROWD, 0.0215);
    assert_int_equal(row.count[WOM_M_CUSTOMERS] + row.count[WOM_M_PROSPECTS], CROWD);
    scenario.adoption.max = 0.0137; /* below base: the ceiling binds */
    row = one_step(&scenario, graph, 1, NULL, NULL);
    assert_binomial(row.count[WOM_M_CUSTOMERS], CROWD, 0.0137);
    scenario.adoption.max = 0.0785;
    scenario.adoption.reject_threshold = 0;
    row = one_step(&scenario, graph, 1, NULL, NULL);
    assert_int_equal(row.count[WOM_M_CUSTOMERS], 0);
    assert_int_equal(row.count[WOM_M_PROSPECTS], CROWD);
    wom_graph_free(graph);
}

/* Phase 6: customers who do not buy leave with probability churn_rate. */
static void churn_is_binomial(void **state) {
    (void)state;
    wom_graph_t *graph = make_big_ring(CROWD, 2);
    wom_scenario_t scenario = quiet_scenario();
    scenario.population.initial_customers = 1;
    scenario.service.churn_rate = 0.0615;
    wom_metrics_row_t row = one_step(&scenario, graph, 2, NULL, NULL);
    assert_binomial(row.count[WOM_M_LOST], CROWD, 0.0615);
    assert_int_equal(row.count[WOM_M_LOST] + row.count[WOM_M_CUSTOMERS], CROWD);
    scenario.service.churn_rate = 0;
    assert_int_equal(one_step(&scenario, graph, 2, NULL, NULL).count[WOM_M_LOST], 0);
    wom_graph_free(graph);
}

/* `context` points to the attitude (int16_t, in 1/64 point) they all get. */
static void make_everyone_lost(wom_model_t *model, const void *context) {
    wom_kind_wom_t *wom = wom_kind_wom_of(model);
    for (uint32_t v = 0; v < model->agents; v++) {
        wom->state[v] = WOM_LOST;
        wom->attitude[v] = *(const int16_t *)context;
    }
}

/* Phase 3: a lost agent comes back with probability winback while its
 * attitude is positive, never at attitude 0 or below; the attitude is read
 * in whole points rounded toward 0, so 63/64 of a point is not positive. */
static void winback_needs_positive_attitude(void **state) {
    (void)state;
    wom_graph_t *graph = make_big_ring(CROWD, 2);
    wom_scenario_t scenario = quiet_scenario();
    scenario.adoption.winback = 0.0385;
    scenario.adoption.base = 0.0215;            /* applies to prospects, not to the lost */
    const int16_t positive = WOM_ATTITUDE_UNIT; /* one point */
    wom_metrics_row_t row = one_step(&scenario, graph, 3, make_everyone_lost, &positive);
    assert_binomial(row.count[WOM_M_CUSTOMERS], CROWD, 0.0385);
    assert_int_equal(row.count[WOM_M_CUSTOMERS] + row.count[WOM_M_LOST], CROWD);
    assert_int_equal(row.count[WOM_M_WON_BACK], row.count[WOM_M_CUSTOMERS]);
    const int16_t not_positive[3] = {0, -2 * WOM_ATTITUDE_UNIT, WOM_ATTITUDE_UNIT - 1};
    for (int i = 0; i < 3; i++) {
        row = one_step(&scenario, graph, 3, make_everyone_lost, &not_positive[i]);
        assert_int_equal(row.count[WOM_M_CUSTOMERS], 0);
        assert_int_equal(row.count[WOM_M_LOST], CROWD);
    }
    wom_graph_free(graph);
}

/* Everyone a customer one point above churn_attitude (plus `context`, an
 * int16_t in 1/64 point toward 0), with one message of weight 1 waiting in
 * the inbox day 1 reads (buffer 1 % 2) of valence `valence`. */
static void one_message_each(wom_model_t *model, const void *context, int valence) {
    wom_kind_wom_t *wom = wom_kind_wom_of(model);
    int64_t attitude = (model->scenario->adoption.churn_attitude + 1) * WOM_ATTITUDE_UNIT;
    for (uint32_t v = 0; v < model->agents; v++) {
        assert_int_equal(wom->state[v], WOM_CUSTOMER);
        wom->attitude[v] = (int16_t)(attitude + *(const int16_t *)context);
        wom->inbox[1].count[valence][v] = 1;
    }
}

static void one_bad_message_each(wom_model_t *model, const void *context) {
    one_message_each(model, context, WOM_NEGATIVE);
}

static void one_good_message_each(wom_model_t *model, const void *context) {
    one_message_each(model, context, WOM_POSITIVE);
}

/* Phase 1: a customer whose attitude falls to churn_attitude leaves; read
 * in whole points rounded toward 0, -7 + 1/64 (-6.98) is -6, above -7. */
static void bad_news_drives_customers_away(void **state) {
    (void)state;
    wom_graph_t *graph = make_big_ring(CROWD, 2);
    wom_scenario_t scenario = quiet_scenario();
    scenario.population.initial_customers = 1;
    scenario.adoption.churn_attitude = -7;
    scenario.adoption.winback = 0.0385; /* attitude -7: cannot come back */
    const int16_t exactly = 0, a_little_above = 1;
    wom_metrics_row_t row = one_step(&scenario, graph, 4, one_bad_message_each, &exactly);
    assert_int_equal(row.count[WOM_M_LOST], CROWD);
    assert_int_equal(row.count[WOM_M_REACHED_NEG], CROWD);
    assert_int_equal(row.count[WOM_M_REACHED_POS], 0);
    row = one_step(&scenario, graph, 4, one_bad_message_each, &a_little_above);
    assert_int_equal(row.count[WOM_M_LOST], 0);
    row = one_step(&scenario, graph, 4, one_good_message_each, &exactly);
    assert_int_equal(row.count[WOM_M_LOST], 0);
    assert_int_equal(row.count[WOM_M_CUSTOMERS], CROWD);
    assert_int_equal(row.count[WOM_M_REACHED_POS], CROWD);
    wom_graph_free(graph);
}

/* Messages sent on day t are heard on day t + 1: one satisfied customer
 * with K = 3 on a complete graph of 11, its first purchase (told). After
 * day 1 only the teller's attitude moved; after day 2 its three hearers
 * are prospects at +1 point and counted as reached, on day 2 and not
 * before. */
static void messages_are_heard_the_next_step(void **state) {
    (void)state;
    wom_graph_t *graph = make_graph(11, 0, true);
    wom_scenario_t scenario = quiet_scenario();
    scenario.population.initial_customers = 1.0 / 11;
    scenario.service.purchase_rate = 1;
    scenario.service.quality = 1;
    scenario.wom.tell_distribution = WOM_TELL_FIXED;
    scenario.wom.satisfied_tell_mean = 3;
    scenario.model.experience_weight = 4;
    for (uint32_t task = 0; task < 20; task++) {
        wom_model_t *model = NULL;
        wom_metrics_row_t row;
        assert_int_equal(wom_model_alloc(&scenario, graph, 1, &model), WOM_OK);
        wom_model_reset(model, task, &row);
        wom_model_step(model, &row);
        assert_int_equal(row.count[WOM_M_MSGS_POS], 3);
        assert_int_equal(row.count[WOM_M_REACHED_POS], 0);
        assert_int_equal(row.count[WOM_M_UNAWARE], 10);
        uint32_t teller = 11, hearers[3], found = 0;
        const wom_kind_wom_t *wom = wom_kind_wom_of(model);
        const uint32_t *sent = wom->inbox[(model->step + 1) % 2].count[WOM_POSITIVE];
        for (uint32_t v = 0; v < 11; v++) {
            if (wom->state[v] == WOM_CUSTOMER) {
                teller = v;
                assert_int_equal(wom->attitude[v], 4 * WOM_ATTITUDE_UNIT);
            } else {
                assert_int_equal(wom->attitude[v], 0);
            }
            if (sent[v] != 0) {
                assert_true(found < 3);
                hearers[found++] = v;
            }
        }
        assert_true(teller < 11);
        assert_int_equal(found, 3);
        wom_model_step(model, &row);
        assert_int_equal(row.count[WOM_M_REACHED_POS], 3);
        assert_int_equal(row.count[WOM_M_PROSPECTS], 3);
        assert_int_equal(row.count[WOM_M_UNAWARE], 7);
        for (uint32_t i = 0; i < 3; i++) {
            assert_int_not_equal(hearers[i], teller);
            assert_int_equal(wom->state[hearers[i]], WOM_PROSPECT);
            assert_int_equal(wom->attitude[hearers[i]], WOM_ATTITUDE_UNIT);
        }
        assert_int_equal(wom->attitude[teller], 8 * WOM_ATTITUDE_UNIT);
        wom_model_free(model);
    }
    wom_graph_free(graph);
}

/* ---- the tell distributions ---- */

/* K, the number told after each of `draws` satisfied experiences: one
 * customer on a complete graph of 400 (degree 399, far above any K these
 * means give) buys every day, is always satisfied and tells every time
 * (routine_tell_prob 1); everyone else only listens (base and persuasion
 * 0), so each day's told_by_satisfied is one draw of K, keyed by the day. */
static uint32_t *draw_tells(int distribution, double mean, double dispersion, uint32_t draws) {
    wom_graph_t *graph = make_graph(400, 0, true);
    wom_scenario_t scenario = quiet_scenario();
    scenario.population.initial_customers = 1.0 / 400;
    scenario.service.purchase_rate = 1;
    scenario.service.quality = 1;
    scenario.wom.tell_distribution = distribution;
    scenario.wom.satisfied_tell_mean = mean;
    scenario.wom.dispersion = dispersion;
    scenario.wom.routine_tell_prob = 1;
    wom_model_t *model = NULL;
    wom_metrics_row_t row;
    assert_int_equal(wom_model_alloc(&scenario, graph, 1, &model), WOM_OK);
    wom_model_reset(model, 11, &row);
    uint32_t *tells = malloc(draws * sizeof *tells);
    for (uint32_t i = 0; i < draws; i++) {
        wom_model_step(model, &row);
        assert_int_equal(row.count[WOM_M_SATISFIED], 1);
        assert_int_equal(row.count[WOM_M_TELLS_CAPPED_POS], 0);
        assert_int_equal(row.count[WOM_M_TOLD_BY_SATISFIED], row.count[WOM_M_MSGS_POS]);
        tells[i] = (uint32_t)row.count[WOM_M_TOLD_BY_SATISFIED];
    }
    wom_model_free(model);
    wom_graph_free(graph);
    return tells;
}

/* The sample mean of n draws lies within 4 standard errors sqrt(var / n)
 * of the mean. The sample variance s^2 has standard error about
 * var * sqrt((kurtosis - 1) / n), kurtosis = E(K - mean)^4 / var^2; allow
 * 4 of those too. */
static void assert_moments(const uint32_t *tells, uint32_t n, double mean, double variance,
                           double kurtosis) {
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        sum += tells[i];
    }
    double sample_mean = sum / n, squares = 0;
    for (uint32_t i = 0; i < n; i++) {
        squares += (tells[i] - sample_mean) * (tells[i] - sample_mean);
    }
    assert_near(sample_mean, mean, 4 * sqrt(variance / n));
    assert_near(squares / (n - 1), variance, 4 * variance * sqrt((kurtosis - 1) / n));
}

enum { TELL_DRAWS = 20000 };

/* fixed 3.385: K = 3 + Bernoulli(0.385), variance q (1 - q) with
 * q = 0.385, kurtosis (1 - 3 q (1 - q)) / (q (1 - q)). */
static void fixed_tells_round_stochastically(void **state) {
    (void)state;
    uint32_t *tells = draw_tells(WOM_TELL_FIXED, 3.385, 1.7, TELL_DRAWS);
    for (uint32_t i = 0; i < TELL_DRAWS; i++) {
        assert_true(tells[i] == 3 || tells[i] == 4);
    }
    double q = 0.385, variance = q * (1 - q);
    assert_moments(tells, TELL_DRAWS, 3.385, variance, (1 - 3 * variance) / variance);
    free(tells);
}

/* Failures before the first success, NB(r, p) with p = r / (r + mean):
 * variance mean + mean^2 / r, excess kurtosis 6 / r + p^2 / (r (1 - p)). */
static double negbin_kurtosis(double mean, double r) {
    double p = r / (r + mean);
    return 3 + 6 / r + p * p / (r * (1 - p));
}

/* geometric 4.6: NB with r = 1, variance 4.6 * 5.6 = 25.76 (Poisson's
 * would be 4.6, negbin 1.7's 17.05: both far outside the tolerance). */
static void geometric_tells_have_geometric_moments(void **state) {
    (void)state;
    uint32_t *tells = draw_tells(WOM_TELL_GEOMETRIC, 4.6, 1.7, TELL_DRAWS);
    assert_moments(tells, TELL_DRAWS, 4.6, 4.6 * 5.6, negbin_kurtosis(4.6, 1));
    free(tells);
}

/* negbin 4.6 with dispersion 1.7: variance 4.6 + 4.6^2 / 1.7 = 17.05. */
static void negbin_tells_have_negbin_moments(void **state) {
    (void)state;
    uint32_t *tells = draw_tells(WOM_TELL_NEGBIN, 4.6, 1.7, TELL_DRAWS);
    assert_moments(tells, TELL_DRAWS, 4.6, 4.6 + 4.6 * 4.6 / 1.7, negbin_kurtosis(4.6, 1.7));
    free(tells);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(states_sum_to_agents_every_step),
        cmocka_unit_test(realised_tells_are_5_and_10),
        cmocka_unit_test(tells_reach_distinct_neighbours),
        cmocka_unit_test(degree_caps_the_number_told),
        cmocka_unit_test(rows_do_not_depend_on_threads),
        cmocka_unit_test(lookahead_changes_no_result),
        cmocka_unit_test(quality_bounds_outcomes),
        cmocka_unit_test(degree_seeding_picks_hubs),
        cmocka_unit_test(advertising_makes_binomial_prospects),
        cmocka_unit_test(adoption_is_binomial_and_blocked_by_reject_threshold),
        cmocka_unit_test(churn_is_binomial),
        cmocka_unit_test(winback_needs_positive_attitude),
        cmocka_unit_test(bad_news_drives_customers_away),
        cmocka_unit_test(messages_are_heard_the_next_step),
        cmocka_unit_test(fixed_tells_round_stochastically),
        cmocka_unit_test(geometric_tells_have_geometric_moments),
        cmocka_unit_test(negbin_tells_have_negbin_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
