/* test_watch.c: how far a watched run's stories went (sim/watch_reach.c),
 * on hand-made traces whose answers are counted by hand: direct hearers
 * and retellings, a person reached twice counted once, the teller hearing
 * its own story back not counted, a retelling of the other valence not
 * followed, the 30-day window, a reteller who heard two stories (credited
 * to both, counted as shared), and the distribution's median and 90th
 * percentile.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "womsim/womsim.h"

enum { GOOD = 0, BAD = 1 };

/* A trace being written, messages given in sorted order. */
typedef struct {
    wom_watch_t watch;
    wom_model_message_t messages[64];
    uint32_t days[64];
} trace_t;

static void start(trace_t *t, uint32_t agents, uint32_t steps) {
    memset(t, 0, sizeof *t);
    t->watch.agents = agents;
    t->watch.steps = steps;
    t->watch.traced = true;
    t->watch.messages = t->messages;
    t->watch.message_day = t->days;
}

static void add(trace_t *t, uint32_t day, uint32_t teller, uint32_t hearer, int valence,
                wom_message_kind kind) {
    uint64_t m = t->watch.message_count++;
    assert_true(m < 64);
    t->messages[m] = (wom_model_message_t){teller, hearer, 1, (uint8_t)valence, (uint8_t)kind};
    t->days[m] = day;
}

static void direct_and_hearsay_counted_once_each(void **state) {
    (void)state;
    trace_t t;
    start(&t, 10, 10);
    add(&t, 1, 0, 1, BAD, WOM_MESSAGE_EXPERIENCE);
    add(&t, 1, 0, 2, BAD, WOM_MESSAGE_EXPERIENCE);
    add(&t, 2, 1, 0, BAD, WOM_MESSAGE_HEARSAY); /* back to the teller: not counted */
    add(&t, 2, 1, 3, BAD, WOM_MESSAGE_HEARSAY);
    add(&t, 2, 2, 3, BAD, WOM_MESSAGE_HEARSAY);  /* 3 again: once */
    add(&t, 2, 2, 4, GOOD, WOM_MESSAGE_HEARSAY); /* the other valence: not this story */
    add(&t, 3, 3, 5, BAD, WOM_MESSAGE_HEARSAY);
    assert_int_equal(wom_watch_reach(&t.watch), WOM_OK);
    const wom_watch_reach_t *bad = &t.watch.reach[WOM_WATCH_BAD];
    assert_int_equal(bad->stories, 1);
    assert_int_equal(bad->furthest_teller, 0);
    assert_int_equal(bad->furthest_day, 1);
    assert_int_equal(bad->furthest_direct, 2);
    assert_int_equal(bad->furthest_hearsay, 2); /* 3 and 5 */
    assert_int_equal(bad->max_reached, 4);
    assert_int_equal(bad->deepest, 2);
    assert_int_equal(t.watch.reach[WOM_WATCH_GOOD].stories, 0);
    /* agent 3 heard two bad messages on day 2 and retold on day 3 */
    assert_int_equal(t.watch.hearsay_shared, 1);
}

static void retellings_beyond_the_window_not_counted(void **state) {
    (void)state;
    trace_t t;
    uint32_t last = WOM_WATCH_REACH_DAYS; /* day 1 + 30 is the first day outside */
    start(&t, 40, last + 5);
    add(&t, 1, 0, 1, GOOD, WOM_MESSAGE_EXPERIENCE);
    /* a chain 1 -> 2 -> ... one retelling a day */
    for (uint32_t day = 2; day <= last + 1; day++) {
        add(&t, day, day - 1, day, GOOD, WOM_MESSAGE_HEARSAY);
    }
    assert_int_equal(wom_watch_reach(&t.watch), WOM_OK);
    const wom_watch_reach_t *good = &t.watch.reach[WOM_WATCH_GOOD];
    assert_int_equal(good->furthest_direct, 1);
    assert_int_equal(good->furthest_hearsay, WOM_WATCH_REACH_DAYS - 1); /* days 2 .. 30 */
    assert_int_equal(good->deepest, WOM_WATCH_REACH_DAYS - 1);
}

static void two_stories_share_a_reteller(void **state) {
    (void)state;
    trace_t t;
    start(&t, 10, 5);
    add(&t, 1, 0, 2, BAD, WOM_MESSAGE_EXPERIENCE);
    add(&t, 1, 1, 2, BAD, WOM_MESSAGE_EXPERIENCE);
    add(&t, 1, 5, 6, GOOD, WOM_MESSAGE_RECOVERY);
    add(&t, 2, 2, 3, BAD, WOM_MESSAGE_HEARSAY);
    assert_int_equal(wom_watch_reach(&t.watch), WOM_OK);
    const wom_watch_reach_t *bad = &t.watch.reach[WOM_WATCH_BAD];
    assert_int_equal(bad->stories, 2);
    assert_true(bad->mean_hearsay == 1.0); /* each story credited with agent 3 */
    assert_true(bad->mean_direct == 1.0);
    assert_int_equal(t.watch.hearsay_shared, 1);
    assert_int_equal(t.watch.reach[WOM_WATCH_RECOVERED].stories, 1);
    assert_int_equal(t.watch.reach[WOM_WATCH_RECOVERED].max_reached, 1);
}

static void distribution_of_reach(void **state) {
    (void)state;
    trace_t t;
    start(&t, 64, 12);
    /* ten good stories on days 1..10 by teller 0, reaching 1..10 people */
    for (uint32_t day = 1; day <= 10; day++) {
        for (uint32_t h = 1; h <= day; h++) {
            add(&t, day, 0, h, GOOD, WOM_MESSAGE_EXPERIENCE);
        }
    }
    wom_watch_t *w = &t.watch;
    assert_true(w->message_count <= 64);
    assert_int_equal(wom_watch_reach(w), WOM_OK);
    const wom_watch_reach_t *good = &w->reach[WOM_WATCH_GOOD];
    assert_int_equal(good->stories, 10);
    assert_true(good->mean_reached == 5.5);
    assert_int_equal(good->median_reached, 5); /* nearest rank: the 5th of 10 */
    assert_int_equal(good->p90_reached, 9);    /* the 9th of 10 */
    assert_int_equal(good->max_reached, 10);
    assert_int_equal(good->furthest_day, 10);
    assert_int_equal(good->deepest, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(direct_and_hearsay_counted_once_each),
        cmocka_unit_test(retellings_beyond_the_window_not_counted),
        cmocka_unit_test(two_stories_share_a_reteller),
        cmocka_unit_test(distribution_of_reach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
