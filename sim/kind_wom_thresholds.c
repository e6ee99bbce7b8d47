/* kind_wom_thresholds.c: the `wom` kind's probabilities turned into integer
 * thresholds for raw 32-bit words (a word w succeeds when w < threshold),
 * once per model; and the failure thresholds again whenever the business
 * has learned from complaints (kind_wom_business.c). Also the quiet-day
 * table: for each attitude, state, loyalty and role, the smallest first
 * word that leaves an agent's day without an event. Workload: set-up, and
 * at most once a day a few dozen numbers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>

#include "kind_wom.h"

enum { STATE_ROWS = WOM_KIND_WOM_QUIET_ROW };

static uint64_t every_word(void) {
    return UINT64_C(1) << 32;
}

static void adoption_thresholds(wom_kind_wom_thresholds_t *t, const wom_scenario_t *s) {
    int64_t cap = s->model.attitude_cap;
    for (int64_t attitude = -cap; attitude <= cap; attitude++) {
        double p = 0;
        if (attitude > -s->adoption.reject_threshold) {
            p = s->adoption.base + s->adoption.persuasion * (double)(attitude > 0 ? attitude : 0);
            p = p < s->adoption.max ? p : s->adoption.max;
        }
        t->adoption[attitude + cap] = wom_rng_threshold(p);
        /* reading the reviews: decided by what is left of a word that did not adopt */
        t->consult[attitude + cap] = wom_rng_threshold_within(
            s->online.consult_rate, every_word() - t->adoption[attitude + cap]);
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

/* phi = min(1, m_emp * m_seg * sum of the rates (as learned so far) that
 * apply), per segment and new/returning; and the cumulative shares that
 * pick the failing mode. */
void wom_kind_wom_failure_thresholds(wom_kind_wom_t *wom, const wom_scenario_t *s) {
    wom_kind_wom_thresholds_t *t = &wom->thresholds;
    t->modes = s->failure_count > 0 ? s->failure_count : 1;
    double employees = 1 + s->employees.effect * (1 - 2 * s->employees.satisfaction);
    employees = employees > 0 ? employees : 0;
    for (int returning = 0; returning < 2; returning++) {
        double sum = 0;
        for (int k = 0; k < t->modes; k++) {
            wom_failure_mode_t mode = mode_of(s, k);
            sum += mode_applies(&mode, returning) ? wom->mode_rate[k] : 0;
        }
        double cumulative = 0;
        for (int k = 0; k < t->modes; k++) {
            wom_failure_mode_t mode = mode_of(s, k);
            cumulative += mode_applies(&mode, returning) ? wom->mode_rate[k] : 0;
            t->mode_cumulative[returning][k] = wom_rng_threshold(sum > 0 ? cumulative / sum : 0);
            t->mode_severity[k] = mode.severity;
        }
        t->mode_cumulative[returning][t->modes - 1] = every_word(); /* no rounding gap */
        for (int segment = 0; segment < t->segments; segment++) {
            int count = s->segments.expectation_count;
            double expectation =
                count == 0 ? 0 : s->segments.expectations[count == 1 ? 0 : segment];
            double phi = employees * (1 + expectation) * sum;
            t->failure[segment * 2 + returning] = wom_rng_threshold(phi < 1 ? phi : 1);
        }
    }
}

double wom_kind_wom_base_rate(const wom_scenario_t *s, int mode) {
    return mode_of(s, mode).rate;
}

void wom_kind_wom_restore_rates(wom_kind_wom_t *wom, const wom_scenario_t *s) {
    int modes = s->failure_count > 0 ? s->failure_count : 1;
    for (int k = 0; k < WOM_MAX_FAILURES; k++) {
        wom->mode_rate[k] = k < modes ? mode_of(s, k).rate : 0;
    }
    wom_kind_wom_failure_thresholds(wom, s);
}

/* The probability of staying at `attitude` points after a failure whose
 * table probability is `table`: the table's log-odds moved by slope x
 * attitude (recovery.stay_slope; 0 keeps the table as it is). */
static double stay_probability(double table, double slope, int64_t attitude) {
    if (slope == 0 || table <= 0 || table >= 1) {
        return table;
    }
    double log_odds = log(table / (1 - table)) + slope * (double)attitude;
    return 1 / (1 + exp(-log_odds));
}

/* Staying after a failure: the repurchase table (with the attitude after
 * the failure when recovery.stay_slope is set), a loyalty member's
 * leaving probability reduced; and churn on other days. */
static void stay_thresholds(wom_kind_wom_thresholds_t *t, const wom_scenario_t *s) {
    const double table[WOM_OUTCOMES][2] = {
        {s->recovery.repurchase_silent_minor, s->recovery.repurchase_silent_major},
        {s->recovery.repurchase_unresolved_minor, s->recovery.repurchase_unresolved_major},
        {s->recovery.repurchase_resolved_minor, s->recovery.repurchase_resolved_major},
        {s->recovery.repurchase_quick_minor, s->recovery.repurchase_quick_major}};
    double keep[2] = {1, 1 - s->loyalty.churn_reduction}; /* share of leaving that remains */
    int64_t cap = s->model.attitude_cap;
    uint64_t *entry = t->stay;
    for (int loyal = 0; loyal < 2; loyal++) {
        for (int outcome = 0; outcome < WOM_OUTCOMES; outcome++) {
            for (int severity = 0; severity < 2; severity++) {
                for (int64_t attitude = -cap; attitude <= cap; attitude++) {
                    double stay = stay_probability(table[outcome][severity], s->recovery.stay_slope,
                                                   attitude);
                    *entry++ = wom_rng_threshold(1 - (1 - stay) * keep[loyal]);
                }
            }
        }
        t->churn[loyal] = wom_rng_threshold(s->service.churn_rate * keep[loyal]);
        t->churn_after_no_purchase[loyal] = wom_rng_threshold_within(
            s->service.churn_rate * keep[loyal], every_word() - t->purchase);
    }
}

/* The first word decides a common step: advertising (unaware), adoption
 * and else reading the reviews from what is left of that word (prospect),
 * purchase and else churn from what is left (customer), win-back when the
 * attitude is positive (lost). Each fires when the word is below its
 * threshold, the second when w - first threshold is below its own, i.e.
 * when w < the sum; so a step is quiet when the word is at least the sum
 * of what can fire. An intermediary who knows the business and has an
 * opinion may advise, from a word of its own: its day is never quiet. */
static void quiet_thresholds(wom_kind_wom_thresholds_t *t, const wom_scenario_t *s) {
    int64_t cap = s->model.attitude_cap;
    for (int64_t attitude = -cap; attitude <= cap; attitude++) {
        uint64_t *row = &t->quiet_from[(size_t)(attitude + cap) * STATE_ROWS];
        for (int role = 0; role < STATE_ROWS; role += WOM_LOYAL) {
            uint64_t *entry = row + role;
            int loyal = (role & WOM_LOYAL) != 0;
            bool advises = (role & WOM_INTERMEDIARY) && t->advice > 0 && attitude != 0;
            entry[WOM_UNAWARE] = t->advertising;
            entry[WOM_PROSPECT] =
                advises ? every_word() : t->adoption[attitude + cap] + t->consult[attitude + cap];
            entry[WOM_CUSTOMER] =
                advises ? every_word() : t->purchase + t->churn_after_no_purchase[loyal];
            entry[WOM_LOST] = advises ? every_word() : attitude > 0 ? t->winback : 0;
        }
    }
}

/* 2^16 x the share of an attitude that fades in a day: 1 - 2^(-1 /
 * half-life); 0 when attitudes never fade. */
static uint32_t fade_of(double half_life) {
    if (half_life <= 0) {
        return 0;
    }
    double share = 1 - exp2(-1 / half_life);
    uint32_t fade = (uint32_t)(share * 65536 + 0.5);
    return fade > 0 ? fade : 1;
}

void wom_kind_wom_set_thresholds(wom_kind_wom_t *wom, const wom_scenario_t *s) {
    wom_kind_wom_thresholds_t *t = &wom->thresholds;
    t->advertising = wom_rng_threshold(s->adoption.advertising);
    t->purchase = wom_rng_threshold(s->service.purchase_rate);
    t->complain = wom_rng_threshold(s->recovery.complain_rate);
    t->success = wom_rng_threshold(s->recovery.success_rate);
    t->quick = wom_rng_threshold(s->recovery.quick_share);
    t->winback = wom_rng_threshold(s->adoption.winback);
    t->forward = wom_rng_threshold(s->wom.forward_prob);
    t->routine = wom_rng_threshold(s->wom.routine_tell_prob);
    t->weak = wom_rng_threshold(s->wom.weak_tie_share);
    t->advice = s->population.intermediaries > 0 ? wom_rng_threshold(s->population.advice_rate) : 0;
    t->review[WOM_POSITIVE] = wom_rng_threshold(s->online.review_rate_satisfied);
    t->review[WOM_NEGATIVE] = wom_rng_threshold(s->online.review_rate_dissatisfied);
    adoption_thresholds(t, s);
    wom_kind_wom_restore_rates(wom, s);
    stay_thresholds(t, s);
    quiet_thresholds(t, s);
    wom->fade = fade_of(s->model.attitude_half_life);
}
