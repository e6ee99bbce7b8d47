/* kind_wom_business.c: what the `wom` kind's business holds beyond its
 * agents, changed once a day between steps: its page of reviews (what was
 * posted in the last online.review_lifetime days, and what reading it
 * does to a prospect's attitude) and, when recovery.learning is set, each
 * failure mode's rate as complaints about it teach the business to prevent
 * it. Both are read by every agent during a day and written only after
 * it, from the day's integer counts, so they do not depend on threads.
 * Workload: a few numbers a day.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "kind_wom.h"

/* Attitude (1/64 point) a reading of a page of `stock` reviews gives:
 * review_weight x (rating - 3) / 2 x n / (n + review_trust), where the
 * rating is the mean stars (5 good, 1 bad) of the n reviews; nothing
 * without reviews. */
static int64_t reading_of(const wom_scenario_t *s, const int64_t stock[2]) {
    double reviews = (double)(stock[WOM_POSITIVE] + stock[WOM_NEGATIVE]);
    if (reviews <= 0) {
        return 0;
    }
    double good = (double)stock[WOM_POSITIVE] / reviews; /* (rating - 3) / 2 = 2 good - 1 */
    double points =
        s->online.review_weight * (2 * good - 1) * reviews / (reviews + s->online.review_trust);
    return llround(points * WOM_ATTITUDE_UNIT);
}

static void record_page(const wom_kind_wom_reviews_t *page, int64_t *counts) {
    counts[WOM_M_REVIEW_STOCK_POS] = page->stock[WOM_POSITIVE];
    counts[WOM_M_REVIEW_STOCK_NEG] = page->stock[WOM_NEGATIVE];
}

/* floor(days x total / lifetime): the reviews of `total` spread evenly
 * over `lifetime` days that fall in the first `days`, without overflow. */
static int64_t spread(int64_t total, int64_t lifetime, int64_t days) {
    return days * (total / lifetime) + days * (total % lifetime) / lifetime;
}

/* The reviews an established shop's page holds on day 0: as if its
 * initial customers had bought at the purchase rate through one review
 * lifetime, failing as returning customers of segment 0 do, spread evenly
 * over the days of that lifetime so that they age out one by one. */
static void fill_page(const wom_model_t *model, uint32_t customers, wom_kind_wom_reviews_t *page) {
    const wom_scenario_t *s = model->scenario;
    const wom_kind_wom_t *wom = wom_kind_wom_of(model);
    double visits = (double)customers * s->service.purchase_rate * (double)page->lifetime;
    double fail = (double)wom->thresholds.failure[1] / 4294967296.0;
    int64_t total[2] = {llround(visits * (1 - fail) * s->online.review_rate_satisfied),
                        llround(visits * fail * s->online.review_rate_dissatisfied)};
    memset(page->posted, 0, (size_t)page->lifetime * sizeof *page->posted);
    for (int64_t age = 0; age < page->lifetime; age++) { /* day -age sits in its slot */
        int64_t *slot = page->posted[(page->lifetime - age) % page->lifetime];
        for (int valence = 0; valence < 2; valence++) {
            slot[valence] = spread(total[valence], page->lifetime, age + 1) -
                            spread(total[valence], page->lifetime, age);
        }
    }
    page->stock[WOM_POSITIVE] = total[WOM_POSITIVE];
    page->stock[WOM_NEGATIVE] = total[WOM_NEGATIVE];
}

void wom_kind_wom_business_reset(const wom_model_t *model, uint32_t initial_customers,
                                 wom_metrics_row_t *row) {
    wom_kind_wom_t *wom = wom_kind_wom_of(model);
    wom_kind_wom_restore_rates(wom, model->scenario);
    fill_page(model, initial_customers, &wom->reviews);
    wom->reviews.reading = reading_of(model->scenario, wom->reviews.stock);
    record_page(&wom->reviews, row->count);
}

/* Today's reviews go on the page in the slot of the day that ages out. */
static void update_page(const wom_model_t *model, wom_kind_wom_reviews_t *page, int64_t *counts) {
    int64_t *slot = page->posted[model->step % (uint64_t)page->lifetime];
    const int64_t today[2] = {counts[WOM_M_REVIEWS_POS], counts[WOM_M_REVIEWS_NEG]};
    for (int valence = 0; valence < 2; valence++) {
        page->stock[valence] += today[valence] - slot[valence];
        slot[valence] = today[valence];
    }
    page->reading = reading_of(model->scenario, page->stock);
    record_page(page, counts);
}

/* Each complaint about a mode multiplies its rate by 1 - learning, down to
 * learning_floor times its rate at the start; the failure thresholds
 * follow. */
static void learn(const wom_model_t *model, wom_kind_wom_t *wom, const int64_t *counts) {
    const wom_scenario_t *s = model->scenario;
    bool learned = false;
    for (int k = 0; k < wom->thresholds.modes; k++) {
        int64_t complaints =
            s->failure_count > 0 ? counts[WOM_M_COMPLAINT_MODE + k] : counts[WOM_M_COMPLAINTS];
        if (complaints == 0) {
            continue;
        }
        double floor = s->recovery.learning_floor * wom_kind_wom_base_rate(s, k);
        double rate = wom->mode_rate[k] * pow(1 - s->recovery.learning, (double)complaints);
        wom->mode_rate[k] = rate > floor ? rate : floor;
        learned = true;
    }
    if (learned) {
        wom_kind_wom_failure_thresholds(wom, s);
    }
}

void wom_kind_wom_business_close_day(const wom_model_t *model, int64_t *counts) {
    wom_kind_wom_t *wom = wom_kind_wom_of(model);
    update_page(model, &wom->reviews, counts);
    if (model->scenario->recovery.learning > 0) {
        learn(model, wom, counts);
    }
}
