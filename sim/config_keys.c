/* config_keys.c: the key table, the single source of truth for every
 * parameter (name, type, default, range, meaning, source) that parsing,
 * validation, `womsim params` and the docs all read. Owns the table and
 * the lookups by name: a key, its section, a failure mode's NAME, and the
 * messages for an unknown section or key, with a suggestion.
 *
 * Workload: some eighty rows, searched by plain loops a few times per key
 * read at start-up; nothing here runs during a simulation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* ---- the key table ---------------------------------------------------- */

#define FIELD(field) offsetof(wom_scenario_t, field)
#define MODE(field)  offsetof(wom_failure_mode_t, field)
#define SEED_MAX     18446744073709551615.0 /* UINT64_MAX */
#define KEY_REAL(name, field, def, lo, hi, meaning, source)                                        \
    { name, WOM_KEY_REAL, FIELD(field), 0, def, lo, hi, NULL, meaning, source, false }
#define KEY_INT(name, field, def, lo, hi, meaning, source)                                         \
    { name, WOM_KEY_INT, FIELD(field), 0, def, lo, hi, NULL, meaning, source, false }
#define KEY_SEED(name, field, def, meaning, source)                                                \
    { name, WOM_KEY_SEED, FIELD(field), 0, def, 0, SEED_MAX, NULL, meaning, source, false }
#define KEY_BOOL(name, field, def, meaning, source)                                                \
    { name, WOM_KEY_BOOL, FIELD(field), 0, def, 0, 1, NULL, meaning, source, false }
#define KEY_CHOICE(name, field, def, choices, meaning, source)                                     \
    { name, WOM_KEY_CHOICE, FIELD(field), 0, def, 0, 0, choices, meaning, source, false }
#define KEY_TEXT(name, field, def, meaning, source)                                                \
    { name, WOM_KEY_TEXT, FIELD(field), 0, def, 0, 0, NULL, meaning, source, false }
#define KEY_SIZES(name, field, count, def, lo, hi, meaning, source)                                \
    { name, WOM_KEY_SIZES, FIELD(field), FIELD(count), def, lo, hi, NULL, meaning, source, false }
#define KEY_REALS(name, field, count, def, lo, hi, meaning, source)                                \
    { name, WOM_KEY_REALS, FIELD(field), FIELD(count), def, lo, hi, NULL, meaning, source, false }
/* The keys of every [failure.NAME] section: offsets into wom_failure_mode_t. */
#define KEY_FAILURE(name, type, field, def, hi, choices, meaning)                                  \
    { name, type, MODE(field), 0, def, 0, hi, choices, meaning, FAILURE_SOURCE, true }

#define REPURCHASE_SOURCE "TARP via Kotler & Keller, Marketing Management"
#define BASS_SOURCE       "Sultan, Farley & Lehmann (1990) meta-analysis means"
#define FAILURE_SOURCE                                                                             \
    "seeds/004: the ten common problems of an online shop, as named failure modes"

/* Canonical order: sections in this order, keys in this order. Choices are
 * listed in the order of their enum in config.h. TEXT keys are file paths.
 * The last FAILURE_KEYS rows (per_failure) are not keys themselves but the
 * keys of every [failure.NAME] section; the config holds one copy of them
 * per failure mode, after the fixed keys. */
const wom_key_t wom_config_table[] = {
    KEY_INT("simulation.steps", simulation.steps, "365", 1, 100000,
            "days simulated (one step = one day)", "chosen: one year (MODEL.md)"),
    KEY_INT("simulation.replications", simulation.replications, "10", 1, 100000,
            "independent runs averaged for confidence intervals", "chosen"),
    KEY_SEED("simulation.seed", simulation.seed, "20261123", "root of every random stream",
             "chosen"),

    KEY_CHOICE("network.model", network.model, "watts-strogatz",
               "erdos-renyi|watts-strogatz|barabasi-albert|sbm|configuration|ring|complete|"
               "karate|file",
               "how the social graph is made",
               "chosen: small worlds have the clustering of acquaintance networks"),
    KEY_INT("network.nodes", network.nodes, "10000", 1, UINT32_NODES,
            "agents, one per node (ignored by karate and file; sbm takes the sum of blocks)",
            "chosen: a town's pool of customers"),
    KEY_REAL("network.mean_degree", network.mean_degree, "10", 0, 1e9,
             "mean number of acquaintances (erdos-renyi, watts-strogatz)", "chosen"),
    KEY_REAL("network.rewire", network.rewire, "0.1", 0, 1,
             "watts-strogatz: probability that each lattice edge is rewired (Watts & Strogatz "
             "1998)",
             "chosen: the small-world regime of Watts & Strogatz (1998)"),
    KEY_INT("network.m", network.m, "3", 1, 1e6, "barabasi-albert: edges each new node brings",
            "chosen"),
    KEY_REAL("network.exponent", network.exponent, "2.5", 2, 10,
             "configuration: exponent of the power-law degree distribution",
             "chosen: social networks are often quoted between 2 and 3"),
    KEY_INT("network.min_degree", network.min_degree, "2", 1, 1e6, "configuration: smallest degree",
            "chosen"),
    KEY_SIZES("network.blocks", network.blocks, network.block_count, "", 1, UINT32_NODES,
              "sbm: block (segment) sizes, comma-separated; empty = unset", "chosen: unset"),
    KEY_REAL("network.p_in", network.p_in, "0.01", 0, 1, "sbm: edge probability within a block",
             "chosen"),
    KEY_REAL("network.p_out", network.p_out, "0.0005", 0, 1, "sbm: edge probability between blocks",
             "chosen"),
    KEY_TEXT("network.file", network.file, "",
             "file: the graph file, relative to the scenario file's folder", "none"),
    KEY_CHOICE("network.format", network.format, "snap", "snap|graphml|gml",
               "file: format of network.file", "chosen: the commonest public format"),
    KEY_BOOL("network.directed", network.directed, "false",
             "arcs point from teller to hearer (false: ties are mutual)", "chosen"),
    KEY_REALS("network.expectations", segments.expectations, segments.expectation_count, "", -1, 10,
              "per segment (SBM block) expectation: failures are noticed (1 + expectation) times "
              "as often; one value for all, or one per block",
              "seeds/001: cultures that value service expect more (chosen: none)"),

    KEY_REAL("population.initial_customers", population.initial_customers, "0.1", 0, 1,
             "share of agents who are customers at t = 0", "chosen"),
    KEY_REAL("population.initial_aware", population.initial_aware, "0.2", 0, 1,
             "share of agents who are prospects at t = 0", "chosen"),
    KEY_CHOICE("population.seeding", population.seeding, "random", "random|degree",
               "who starts as customer or prospect: random or best-connected agents", "chosen"),
    KEY_REAL("population.intermediaries", population.intermediaries, "0", 0, 1,
             "share of agents who are intermediaries (doctors, pharmacists, bloggers)",
             "seeds/003: intermediate customers (chosen: none)"),
    KEY_CHOICE("population.intermediary_seeding", population.intermediary_seeding, "random",
               "random|degree",
               "intermediaries chosen at random or the best connected (influencers)", "chosen"),
    KEY_INT("population.intermediary_weight", population.intermediary_weight, "3", 1, 30000,
            "an intermediary's message counts this many times", "chosen"),

    KEY_CHOICE("model.kind", model.kind, "wom", "wom|ic|sir|bass",
               "the model: wom (word of mouth) or a classic model: ic (independent cascade), "
               "sir, bass",
               "chosen"),
    KEY_INT("model.attitude_cap", model.attitude_cap, "20", 1, 30000,
            "attitude stays in [-cap, +cap]", "chosen"),
    KEY_INT("model.experience_weight", model.experience_weight, "3", 0, 30000,
            "attitude change of an own experience (a message heard counts 1)", "chosen"),
    KEY_INT("model.promoter_at", model.promoter_at, "3", 1, 30000,
            "attitude of a promoter (at minus this: a detractor)", "chosen"),

    KEY_REAL("adoption.advertising", adoption.advertising, "0.0005", 0, 1,
             "per step: an unaware agent becomes a prospect (Bass p)", "chosen"),
    KEY_REAL("adoption.base", adoption.base, "0.0002", 0, 1,
             "per step: a prospect with attitude <= 0 buys", "chosen"),
    KEY_REAL("adoption.persuasion", adoption.persuasion, "0.001", 0, 1,
             "added to the adoption probability per point of positive attitude", "chosen"),
    KEY_REAL("adoption.max", adoption.max, "0.02", 0, 1,
             "ceiling of the adoption probability per step", "chosen"),
    KEY_INT("adoption.reject_threshold", adoption.reject_threshold, "3", 0, 30000,
            "no adoption while attitude <= -threshold", "chosen"),
    KEY_INT("adoption.churn_attitude", adoption.churn_attitude, "-6", -30000, 30000,
            "a customer whose attitude falls to this or below leaves", "chosen"),
    KEY_REAL("adoption.winback", adoption.winback, "0.005", 0, 1,
             "per step: a lost customer with positive attitude comes back", "chosen"),

    KEY_REAL("service.quality", service.quality, "0.9", 0, 1,
             "probability that an encounter satisfies",
             "chosen: at 0.9 the baseline shop grows; at 0.7 it loses customers for months and "
             "ends far behind (MODEL.md)"),
    KEY_REAL("service.purchase_rate", service.purchase_rate, "0.05", 0, 1,
             "per step: a customer buys", "chosen"),
    KEY_REAL("service.churn_rate", service.churn_rate, "0.0005", 0, 1,
             "per step: a customer leaves anyway", "chosen"),
    KEY_INT("service.returning_after", service.returning_after, "3", 1, 1000000,
            "purchases from which a customer is returning (not new)", "chosen"),

    KEY_REAL("employees.satisfaction", employees.satisfaction, "0.5", 0, 1,
             "employee satisfaction: 0.5 neutral, 1 lowers failures, 0 raises them",
             "seeds/003, seeds/004: satisfied staff serve better (0.5 = neutral)"),
    KEY_REAL("employees.effect", employees.effect, "0.5", 0, 10,
             "strength of that effect: failures x max(0, 1 + effect (1 - 2 satisfaction))",
             "chosen"),

    KEY_REAL("wom.satisfied_tell_mean", wom.satisfied_tell_mean, "5", 0, 1e6,
             "mean number of people told after a good experience",
             "seeds/003 (Kotler): a satisfied customer tells 5"),
    KEY_REAL("wom.dissatisfied_tell_mean", wom.dissatisfied_tell_mean, "10", 0, 1e6,
             "mean number of people told after a bad experience",
             "seeds/003 (Kotler): a disappointed customer tells 10"),
    KEY_CHOICE("wom.tell_distribution", wom.tell_distribution, "poisson",
               "poisson|fixed|geometric|negbin", "distribution of the number told", "chosen"),
    KEY_REAL("wom.dispersion", wom.dispersion, "2", 0, 1e6,
             "negbin: shape (size); smaller spreads the number told more", "chosen"),
    KEY_REAL("wom.forward_prob", wom.forward_prob, "0.02", 0, 1,
             "per message heard: the hearer passes it on (hearsay)", "chosen"),
    KEY_REAL("wom.forward_tell_mean", wom.forward_tell_mean, "2", 0, 1e6,
             "people told by one passing-on", "chosen"),

    KEY_REAL("recovery.repurchase_silent_minor", recovery.repurchase_silent_minor, "0.37", 0, 1,
             "probability of staying after a minor failure the customer kept silent about",
             "TARP via Kotler & Keller, Marketing Management: 37% of silent minor-problem "
             "customers repurchase"),
    KEY_REAL("recovery.complain_rate", recovery.complain_rate, "0.037", 0, 1,
             "a customer who met a failure complains",
             "TARP as widely quoted: one complaint for every 26 silent unhappy customers"),
    KEY_REAL("recovery.success_rate", recovery.success_rate, "0.6", 0, 1, "a complaint is resolved",
             "chosen"),
    KEY_REAL("recovery.quick_share", recovery.quick_share, "0.5", 0, 1, "a resolution is quick",
             "chosen"),
    KEY_BOOL("recovery.paradox", recovery.paradox, "false",
             "service-recovery paradox: a recovered customer gains attitude_bonus instead of the "
             "experience weight",
             "MODEL.md: off by default"),
    KEY_INT("recovery.attitude_bonus", recovery.attitude_bonus, "6", 0, 30000,
            "attitude gain of a recovery when the paradox is on", "chosen"),
    KEY_REAL("recovery.tell_mean", recovery.tell_mean, "5", 0, 1e6,
             "people a recovered customer tells (good news)",
             "Kotler & Keller: resolved complainers tell 5"),
    KEY_REAL("recovery.repurchase_silent_major", recovery.repurchase_silent_major, "0.09", 0, 1,
             "stays after a major failure the customer kept silent about", REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_unresolved_minor", recovery.repurchase_unresolved_minor, "0.46",
             0, 1, "stays after a minor failure the customer complained about, not resolved",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_unresolved_major", recovery.repurchase_unresolved_major, "0.19",
             0, 1, "stays after a major failure the customer complained about, not resolved",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_resolved_minor", recovery.repurchase_resolved_minor, "0.7", 0, 1,
             "stays after a minor failure the customer complained about and that was resolved",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_resolved_major", recovery.repurchase_resolved_major, "0.54", 0, 1,
             "stays after a major failure the customer complained about and that was resolved",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_quick_minor", recovery.repurchase_quick_minor, "0.95", 0, 1,
             "stays after a minor failure the customer complained about and that was resolved "
             "quickly",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_quick_major", recovery.repurchase_quick_major, "0.82", 0, 1,
             "stays after a major failure the customer complained about and that was resolved "
             "quickly",
             REPURCHASE_SOURCE),

    KEY_REAL("online.review_rate_satisfied", online.review_rate_satisfied, "0.01", 0, 1,
             "a satisfied customer posts a good review", "chosen"),
    KEY_REAL("online.review_rate_dissatisfied", online.review_rate_dissatisfied, "0.05", 0, 1,
             "a dissatisfied customer posts a bad review",
             "seeds/001: unhappy customers share bad experiences with the whole world (chosen)"),
    KEY_INT("online.review_reach", online.review_reach, "20", 0, 1000000,
            "agents a review reaches, drawn from the whole population (with replacement)",
            "chosen"),
    KEY_INT("online.review_weight", online.review_weight, "1", 0, 30000,
            "weight of a review as a message (a message heard counts 1)", "chosen"),

    KEY_BOOL("loyalty.enabled", loyalty.enabled, "false",
             "the loyalty programme exists (its members leave less often)",
             "seeds/002 (off unless a scenario turns it on)"),
    KEY_INT("loyalty.enroll_after", loyalty.enroll_after, "3", 1, 1000000,
            "purchases after which a customer joins the programme", "chosen"),
    KEY_REAL("loyalty.churn_reduction", loyalty.churn_reduction, "0.5", 0, 1,
             "members' leaving probabilities are multiplied by 1 - this", "chosen"),

    KEY_REAL("economics.price", economics.price, "10", 0, 1e12, "revenue per purchase", "chosen"),
    KEY_REAL("economics.discount_rate", economics.discount_rate, "0.0003", 0, 1,
             "per day, for the discounted cumulative value (0.0003 is about 10% a year)", "chosen"),

    KEY_REAL("ic.p", ic.p, "0.2", 0, 1, "per arc: a newly active node activates its neighbour",
             "chosen"),
    KEY_INT("ic.seeds", ic.seeds, "10", 1, UINT32_NODES, "nodes active at day 0", "chosen"),

    KEY_REAL("sir.beta", sir.beta, "0.2", 0, 1,
             "per step and arc: an infected node infects a susceptible neighbour", "chosen"),
    KEY_REAL("sir.gamma", sir.gamma, "0.5", 0, 1,
             "per step: an infected node recovers (gamma = 1 is the IC model)", "chosen"),
    KEY_INT("sir.seeds", sir.seeds, "10", 1, UINT32_NODES, "nodes infected at day 0", "chosen"),

    KEY_REAL("bass.p", bass.p, "0.03", 0, 1,
             "innovation coefficient: per step, a non-adopter adopts on its own", BASS_SOURCE),
    KEY_REAL("bass.q", bass.q, "0.38", 0, 1,
             "imitation coefficient: times the share of adopting neighbours", BASS_SOURCE),

    /* The last FAILURE_KEYS rows: keys of every [failure.NAME] section. */
    KEY_FAILURE("failure.NAME.rate", WOM_KEY_REAL, rate, "", 1, NULL,
                "failure mode NAME: probability per encounter, before the employee and segment "
                "multipliers (required)"),
    KEY_FAILURE("failure.NAME.severity", WOM_KEY_CHOICE, severity, "minor", 0, "minor|major",
                "minor or major: which repurchase probabilities follow this failure"),
    KEY_FAILURE("failure.NAME.applies_to", WOM_KEY_CHOICE, applies_to, "all", 0,
                "all|new|returning",
                "customers who can meet it: all, new, or returning (purchases >= "
                "service.returning_after)"),
};

_Static_assert(sizeof wom_config_table / sizeof wom_config_table[0] == KEY_COUNT,
               "KEY_COUNT in config_internal.h must be the number of rows of the key table");

const wom_key_t *wom_config_keys(size_t *count) {
    if (count != NULL) {
        *count = KEY_COUNT;
    }
    return wom_config_table;
}

size_t wom_config_section_length(const wom_key_t *key) {
    return (size_t)(strchr(key->name, '.') - key->name);
}

const char *wom_config_key_suffix(const wom_key_t *key) {
    return strrchr(key->name, '.') + 1;
}

static bool in_section(const wom_key_t *key, const char *section) {
    size_t length = wom_config_section_length(key);
    return strlen(section) == length && strncmp(key->name, section, length) == 0;
}

bool wom_config_section_known(const char *section) {
    for (size_t k = 0; k < FIXED_KEYS; k++) {
        if (in_section(&wom_config_table[k], section)) {
            return true;
        }
    }
    return false;
}

bool wom_config_is_failure_section(const char *section) {
    return strncmp(section, FAILURE_PREFIX, FAILURE_SECTION) == 0;
}

bool wom_config_mode_name_valid(const char *name, size_t length) {
    if (length == 0 || length >= WOM_MAX_NAME) {
        return false;
    }
    for (size_t i = 0; i < length; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_')) {
            return false;
        }
    }
    return true;
}

const wom_key_t *wom_config_key(const char *name) {
    if (name == NULL) {
        return NULL;
    }
    if (!wom_config_is_failure_section(name)) {
        for (size_t k = 0; k < FIXED_KEYS; k++) {
            if (strcmp(wom_config_table[k].name, name) == 0) {
                return &wom_config_table[k];
            }
        }
        return NULL;
    }
    const char *mode = name + FAILURE_SECTION, *dot = strchr(mode, '.');
    if (dot == NULL || !wom_config_mode_name_valid(mode, (size_t)(dot - mode))) {
        return NULL;
    }
    for (size_t k = FIXED_KEYS; k < KEY_COUNT; k++) {
        if (strcmp(wom_config_key_suffix(&wom_config_table[k]), dot + 1) == 0) {
            return &wom_config_table[k];
        }
    }
    return NULL;
}

/* ---- unknown sections and keys ---------------------------------------- */

wom_status wom_config_unknown_section(const char *section, where_t at, wom_error_t *error) {
    static const char failure[] = "failure";
    if (strcmp(section, failure) == 0) {
        return wom_config_error(error, at, "[failure] needs a name: write [failure.NAME]");
    }
    const char *dot = strchr(section, '.');
    suggestion best = {NULL, 0, WOM_TEXT_NOT_CLOSE}, as_failure = best;
    for (size_t k = 0; dot == NULL && k < FIXED_KEYS; k++) {
        wom_config_suggest(&best, section, wom_config_table[k].name,
                           wom_config_section_length(&wom_config_table[k]));
    }
    char head[64]; /* cut at 63 characters, the most wom_text_closeness compares */
    snprintf(head, sizeof head, "%.*s", (int)(dot ? (size_t)(dot - section) : strlen(section)),
             section);
    wom_config_suggest(&as_failure, head, failure, strlen(failure));
    if (as_failure.score < best.score) {
        return wom_config_error(error, at, "unknown section [%s] (did you mean [failure.%s]?)",
                                section, dot != NULL && dot[1] != '\0' ? dot + 1 : "NAME");
    }
    if (best.text != NULL) {
        return wom_config_error(error, at, "unknown section [%s] (did you mean [%.*s]?)", section,
                                (int)best.length, best.text);
    }
    return wom_config_error(error, at, "unknown section [%s]", section);
}

wom_status wom_config_find_key(const char *section, const char *name, where_t at,
                               wom_error_t *error, size_t *found) {
    bool failure = wom_config_is_failure_section(section);
    if (!failure && !wom_config_section_known(section)) {
        return wom_config_unknown_section(section, at, error);
    }
    suggestion best = {NULL, 0, WOM_TEXT_NOT_CLOSE};
    for (size_t k = failure ? FIXED_KEYS : 0; k < (failure ? KEY_COUNT : FIXED_KEYS); k++) {
        if (!failure && !in_section(&wom_config_table[k], section)) {
            continue;
        }
        const char *suffix = wom_config_key_suffix(&wom_config_table[k]);
        if (strcmp(suffix, name) == 0) {
            *found = k;
            return WOM_OK;
        }
        wom_config_suggest(&best, name, suffix, strlen(suffix));
    }
    if (best.text != NULL) {
        return wom_config_error(error, at, "unknown key '%s' in [%s] (did you mean '%.*s'?)", name,
                                section, (int)best.length, best.text);
    }
    return wom_config_error(error, at, "unknown key '%s' in [%s]", name, section);
}
