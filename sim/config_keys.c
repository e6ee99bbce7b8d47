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
#define KEY_REAL(name, field, def, lo, hi, unit, meaning, source)                                  \
    { name, WOM_KEY_REAL, FIELD(field), 0, def, lo, hi, NULL, unit, meaning, source, false, false }
#define KEY_INT(name, field, def, lo, hi, unit, meaning, source)                                   \
    { name, WOM_KEY_INT, FIELD(field), 0, def, lo, hi, NULL, unit, meaning, source, false, false }
#define KEY_SEED(name, field, def, meaning, source)                                                \
    {                                                                                              \
        name, WOM_KEY_SEED, FIELD(field), 0, def, 0, SEED_MAX, NULL, "-", meaning, source, false,  \
            false                                                                                  \
    }
#define KEY_BOOL(name, field, def, meaning, source)                                                \
    { name, WOM_KEY_BOOL, FIELD(field), 0, def, 0, 1, NULL, "-", meaning, source, false, false }
#define KEY_CHOICE(name, field, def, choices, meaning, source)                                     \
    {                                                                                              \
        name, WOM_KEY_CHOICE, FIELD(field), 0, def, 0, 0, choices, "-", meaning, source, false,    \
            false                                                                                  \
    }
#define KEY_TEXT(name, field, def, unit, meaning, source)                                          \
    { name, WOM_KEY_TEXT, FIELD(field), 0, def, 0, 0, NULL, unit, meaning, source, false, false }
#define KEY_SIZES(name, field, count, def, lo, hi, unit, meaning, source)                          \
    {                                                                                              \
        name, WOM_KEY_SIZES, FIELD(field), FIELD(count), def, lo, hi, NULL, unit, meaning, source, \
            false, false                                                                           \
    }
#define KEY_REALS(name, field, count, def, lo, hi, unit, meaning, source)                          \
    {                                                                                              \
        name, WOM_KEY_REALS, FIELD(field), FIELD(count), def, lo, hi, NULL, unit, meaning, source, \
            false, false                                                                           \
    }
/* A switch added after results were made: a boolean, off by default, that
 * the dump (and so the scenario hash) leaves out while off, so that every
 * earlier scenario keeps its hash. */
#define KEY_SWITCH(name, field, meaning, source)                                                   \
    { name, WOM_KEY_BOOL, FIELD(field), 0, "false", 0, 1, NULL, "-", meaning, source, false, true }
/* A key of a section added after results were made (design.*): the dump
 * leaves it out while it holds its default, and a section of such keys
 * with it, so that every earlier scenario keeps its hash. */
#define KEY_ADDED(type, name, field, def, lo, hi, choices, unit, meaning, source)                  \
    { name, type, FIELD(field), 0, def, lo, hi, choices, unit, meaning, source, false, true }
/* The keys of every [failure.NAME] section: offsets into wom_failure_mode_t. */
#define KEY_FAILURE(name, type, field, def, hi, choices, unit, meaning)                            \
    { name, type, MODE(field), 0, def, 0, hi, choices, unit, meaning, FAILURE_SOURCE, true, false }

/* Sources are named as in docs/references.md. */
#define KOTLER            "Kotler & Keller, Marketing Management (the 5-versus-10 rule)"
#define REPURCHASE_SOURCE "TARP, as quoted by Kotler & Keller, Marketing Management"
#define BASS_SOURCE       "Sultan, Farley & Lehmann (1990): meta-analysis means, per year"
#define FAILURE_SOURCE    "the online-shop article 'Melayani Pelanggan': ten common problems"
#define LIMIT_ATTITUDE    500 /* attitudes are held in 1/64 of a point in 16 bits */

/* Canonical order: sections in this order, keys in this order. Choices are
 * listed in the order of their enum in config.h. TEXT keys whose unit is
 * WOM_UNIT_PATH are file paths, taken from the scenario's folder.
 * The last FAILURE_KEYS rows (per_failure) are not keys themselves but the
 * keys of every [failure.NAME] section; the config holds one copy of them
 * per failure mode, after the fixed keys. Units: a "per day" rate is a
 * probability each day (one step is a day); "per encounter" a probability
 * at each purchase; "people" and "points" are means or amounts. */
const wom_key_t wom_config_table[] = {
    KEY_INT("simulation.steps", simulation.steps, "365", 1, 100000, "days",
            "days simulated (one step = one day)", "chosen: one year"),
    KEY_INT("simulation.replications", simulation.replications, "10", 1, 100000, "runs",
            "independent runs averaged for confidence intervals", "chosen"),
    KEY_SEED("simulation.seed", simulation.seed, "20261123",
             "the random seed: root of every random stream", "chosen"),
    KEY_SWITCH("simulation.common_random_numbers", simulation.common_random_numbers,
               "replication r draws the same random numbers at every sweep point (common random "
               "numbers), so that points differ by their keys and not by their luck",
               "chosen: off, as results were made before it; on to compare points "
               "(docs/model.md)"),

    KEY_CHOICE("network.model", network.model, "watts-strogatz",
               "erdos-renyi|watts-strogatz|barabasi-albert|sbm|configuration|ring|complete|"
               "karate|file",
               "how the social graph of close ties is made",
               "chosen: small worlds have the clustering of acquaintance networks (Watts & "
               "Strogatz 1998)"),
    KEY_INT("network.nodes", network.nodes, "10000", 1, UINT32_NODES, "agents",
            "agents, one per node (ignored by karate and file; sbm takes the sum of blocks)",
            "chosen: a town's pool of customers"),
    KEY_REAL("network.mean_degree", network.mean_degree, "10", 0, 1e9, "ties",
             "mean number of close ties (erdos-renyi, watts-strogatz)",
             "chosen: the people one talks to often"),
    KEY_REAL("network.rewire", network.rewire, "0.1", 0, 1, "per tie",
             "watts-strogatz: probability that each lattice edge is rewired (Watts & Strogatz "
             "1998)",
             "chosen: the small-world regime of Watts & Strogatz (1998)"),
    KEY_INT("network.m", network.m, "3", 1, 1e6, "ties",
            "barabasi-albert: edges each new node brings", "chosen"),
    KEY_REAL("network.exponent", network.exponent, "2.5", 2, 10, "-",
             "configuration: exponent of the power-law degree distribution",
             "chosen: social networks are often quoted between 2 and 3"),
    KEY_INT("network.min_degree", network.min_degree, "2", 1, 1e6, "ties",
            "configuration: smallest degree", "chosen"),
    KEY_SIZES("network.blocks", network.blocks, network.block_count, "", 1, UINT32_NODES, "agents",
              "sbm: block (segment) sizes, comma-separated; empty = unset", "chosen: unset"),
    KEY_REAL("network.p_in", network.p_in, "0.01", 0, 1, "per pair",
             "sbm: edge probability within a block", "chosen"),
    KEY_REAL("network.p_out", network.p_out, "0.0005", 0, 1, "per pair",
             "sbm: edge probability between blocks", "chosen"),
    KEY_TEXT("network.file", network.file, "", WOM_UNIT_PATH,
             "file: the graph file, relative to the scenario file's folder", "none"),
    KEY_CHOICE("network.format", network.format, "snap", "snap|graphml|gml|sg|mtx",
               "file: format of network.file", "chosen: the commonest public format"),
    KEY_BOOL("network.directed", network.directed, "false",
             "arcs point from teller to hearer (false: ties are mutual)", "chosen"),
    KEY_SWITCH("network.per_replication", network.per_replication,
               "each replication draws its own network of the model (replication r's draw, the "
               "same at every point on these network keys and seed); off: one network for all",
               "chosen: off, one network as before; on when a conclusion should hold over "
               "networks of the kind (docs/model.md)"),
    KEY_REALS("network.expectations", segments.expectations, segments.expectation_count, "", -1, 10,
              "-",
              "per segment (SBM block) expectation: failures are noticed (1 + expectation) times "
              "as often; one value for all, or one per block",
              "the article by Oliver J. R. Cooper: cultures that value service expect more "
              "(chosen: none)"),

    KEY_REAL("population.initial_customers", population.initial_customers, "0.1", 0, 1,
             "share of agents", "customers at day 0 (an established shop's regulars)", "chosen"),
    KEY_REAL("population.initial_aware", population.initial_aware, "0.2", 0, 1, "share of agents",
             "prospects at day 0 (know the shop, have not bought)", "chosen"),
    KEY_CHOICE("population.seeding", population.seeding, "random", "random|degree",
               "who starts as customer or prospect: random or best-connected agents", "chosen"),
    KEY_INT("population.initial_purchases", population.initial_purchases, "6", 0, 1000000,
            "purchases",
            "an initial customer's purchases so far (its history: returning, loyal if eligible)",
            "chosen: about four months of visits at one in twenty days"),
    KEY_REAL("population.initial_attitude_mean", population.initial_attitude_mean, "4", -500, 500,
             "points", "an initial customer's attitude: mean of a normal distribution",
             "chosen: regulars lean positive; calibrated so that day 0's net score is within the "
             "range firms report (docs/validation.md)"),
    KEY_REAL("population.initial_attitude_sd", population.initial_attitude_sd, "3", 0, 500,
             "points", "an initial customer's attitude: standard deviation", "chosen"),
    KEY_REAL("population.intermediaries", population.intermediaries, "0", 0, 1, "share of agents",
             "intermediaries (doctors, pharmacists, bloggers) whose word weighs more",
             "the article '3 Jenis Pelanggan': intermediate customers (chosen: none)"),
    KEY_CHOICE("population.intermediary_seeding", population.intermediary_seeding, "random",
               "random|degree",
               "intermediaries chosen at random or the best connected (influencers)", "chosen"),
    KEY_INT("population.intermediary_weight", population.intermediary_weight, "3", 1, 30000,
            "messages", "an intermediary's message counts this many times", "chosen"),
    KEY_REAL("population.advice_rate", population.advice_rate, "0.02", 0, 1, "per day",
             "an intermediary who knows the business advises, buying or not, with the sign of "
             "its attitude",
             "chosen: about one piece of advice in seven weeks"),
    KEY_REAL("population.advice_tell_mean", population.advice_tell_mean, "3", 0, 1e6, "people",
             "people one piece of advice reaches", "chosen"),

    KEY_CHOICE("model.kind", model.kind, "wom", "wom|ic|sir|bass",
               "the model: wom (word of mouth) or a classic model: ic (independent cascade), "
               "sir, bass",
               "chosen"),
    KEY_INT("model.attitude_cap", model.attitude_cap, "20", 1, LIMIT_ATTITUDE, "points",
            "attitude stays in [-cap, +cap]", "chosen"),
    KEY_INT("model.experience_weight", model.experience_weight, "3", 0, LIMIT_ATTITUDE, "points",
            "attitude change of an own experience (a message heard counts 1)", "chosen"),
    KEY_INT("model.promoter_at", model.promoter_at, "3", 1, LIMIT_ATTITUDE, "points",
            "attitude of a promoter (at minus this: a detractor)", "chosen"),
    KEY_REAL("model.attitude_half_life", model.attitude_half_life, "45", 0, 1e6, "days",
             "an attitude fades toward 0, halving in this many days (0: never fades)",
             "chosen: opinions of a shop outlive a season; calibrated so the net score stays in "
             "the range firms report (Reichheld 2003; docs/validation.md)"),

    KEY_REAL("adoption.advertising", adoption.advertising, "0.0005", 0, 1, "per day",
             "an unaware agent becomes a prospect (the Bass innovation coefficient)", "chosen"),
    KEY_REAL("adoption.base", adoption.base, "0.0002", 0, 1, "per day",
             "a prospect with attitude <= 0 buys", "chosen"),
    KEY_REAL("adoption.persuasion", adoption.persuasion, "0.001", 0, 1, "per day per point",
             "added to the adoption probability per point of positive attitude", "chosen"),
    KEY_REAL("adoption.max", adoption.max, "0.02", 0, 1, "per day",
             "ceiling of the adoption probability", "chosen"),
    KEY_INT("adoption.reject_threshold", adoption.reject_threshold, "3", 0, LIMIT_ATTITUDE,
            "points", "no adoption while attitude <= -threshold", "chosen"),
    KEY_INT("adoption.churn_attitude", adoption.churn_attitude, "-6", -LIMIT_ATTITUDE,
            LIMIT_ATTITUDE, "points", "a customer whose attitude falls to this or below leaves",
            "chosen"),
    KEY_REAL("adoption.winback", adoption.winback, "0.005", 0, 1, "per day",
             "a lost customer with positive attitude comes back", "chosen"),

    KEY_REAL("service.quality", service.quality, "0.9", 0, 1, "per encounter",
             "probability that an encounter satisfies (without [failure.NAME] sections)",
             "chosen: at 0.9 the baseline shop grows; at 0.7 it loses customers and reputation "
             "within the year (docs/validation.md)"),
    KEY_REAL("service.purchase_rate", service.purchase_rate, "0.05", 0, 1, "per day",
             "a customer buys", "chosen: about every 20 days"),
    KEY_REAL("service.churn_rate", service.churn_rate, "0.0005", 0, 1, "per day",
             "a customer leaves anyway", "chosen"),
    KEY_INT("service.returning_after", service.returning_after, "3", 1, 1000000, "purchases",
            "purchases from which a customer is returning (not new)", "chosen"),

    KEY_REAL("employees.satisfaction", employees.satisfaction, "0.5", 0, 1, "-",
             "employee satisfaction: 0.5 neutral, 1 lowers failures, 0 raises them",
             "the articles '3 Jenis Pelanggan' and 'Melayani Pelanggan': satisfied staff serve "
             "better (0.5 = neutral)"),
    KEY_REAL("employees.effect", employees.effect, "0.5", 0, 10, "-",
             "strength of that effect: failures x max(0, 1 + effect (1 - 2 satisfaction))",
             "chosen"),

    KEY_REAL("wom.satisfied_tell_mean", wom.satisfied_tell_mean, "5", 0, 1e6, "people",
             "mean number of people told about a good experience", KOTLER),
    KEY_REAL("wom.dissatisfied_tell_mean", wom.dissatisfied_tell_mean, "10", 0, 1e6, "people",
             "mean number of people told about a bad experience", KOTLER),
    KEY_REAL("wom.routine_tell_prob", wom.routine_tell_prob, "0.55", 0, 1, "per encounter",
             "a routine good repeat purchase is told (a first purchase, every failure and "
             "its handling, and a good one that makes a promoter always are)",
             "chosen: calibrated to East, Hammond & Wright (2007): good word of mouth about 3 "
             "times the bad (docs/validation.md)"),
    KEY_REAL("wom.major_tell_factor", wom.major_tell_factor, "1.5", 0, 100, "-",
             "a major failure is told to this many times the people a minor one is",
             "chosen: 15 people, the top of the 9-15 people quoted for bad experiences"),
    KEY_REAL("wom.weak_tie_share", wom.weak_tie_share, "0.3", 0, 1, "share of people told",
             "told people who are weak ties: acquaintances beyond the close ties of the network, "
             "drawn from everyone",
             "chosen: Goldenberg, Libai & Muller (2001): weak ties carry word of mouth as far "
             "as strong ones; leaves room for Kotler's 10 on close ties of 10"),
    KEY_CHOICE("wom.tell_distribution", wom.tell_distribution, "poisson",
               "poisson|fixed|geometric|negbin", "distribution of the number told", "chosen"),
    KEY_REAL("wom.dispersion", wom.dispersion, "2", 0, 1e6, "-",
             "negbin: shape (size); smaller spreads the number told more", "chosen"),
    KEY_REAL("wom.forward_prob", wom.forward_prob, "0.02", 0, 1, "per message heard",
             "the hearer passes it on (hearsay)", "chosen"),
    KEY_REAL("wom.forward_tell_mean", wom.forward_tell_mean, "2", 0, 1e6, "people",
             "people told by one passing-on", "chosen"),

    KEY_REAL("recovery.repurchase_silent_minor", recovery.repurchase_silent_minor, "0.37", 0, 1,
             "probability", "stays after a minor failure the customer kept silent about",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.complain_rate", recovery.complain_rate, "0.037", 0, 1, "per failure",
             "a customer who met a failure complains",
             "TARP (1986), as widely quoted: one complaint for every 26 silent unhappy customers"),
    KEY_REAL("recovery.success_rate", recovery.success_rate, "0.6", 0, 1, "per complaint",
             "a complaint is resolved", "chosen"),
    KEY_REAL("recovery.quick_share", recovery.quick_share, "0.5", 0, 1, "per resolution",
             "a resolution is quick", "chosen"),
    KEY_BOOL("recovery.paradox", recovery.paradox, "false",
             "service-recovery paradox: a recovered customer gains attitude_bonus instead of the "
             "experience weight",
             "de Matos, Henrique & Rossi (2007): a paradox on satisfaction, not on repurchase "
             "(off by default)"),
    KEY_INT("recovery.attitude_bonus", recovery.attitude_bonus, "6", 0, LIMIT_ATTITUDE, "points",
            "attitude gain of a recovery when the paradox is on", "chosen"),
    KEY_REAL("recovery.tell_mean", recovery.tell_mean, "5", 0, 1e6, "people",
             "people a recovered customer tells (good news)",
             "Kotler & Keller: resolved complainers tell 5"),
    KEY_REAL("recovery.repurchase_silent_major", recovery.repurchase_silent_major, "0.09", 0, 1,
             "probability", "stays after a major failure the customer kept silent about",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_unresolved_minor", recovery.repurchase_unresolved_minor, "0.46",
             0, 1, "probability",
             "stays after a minor failure the customer complained about, not resolved",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_unresolved_major", recovery.repurchase_unresolved_major, "0.19",
             0, 1, "probability",
             "stays after a major failure the customer complained about, not resolved",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_resolved_minor", recovery.repurchase_resolved_minor, "0.7", 0, 1,
             "probability",
             "stays after a minor failure the customer complained about and that was resolved",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_resolved_major", recovery.repurchase_resolved_major, "0.54", 0, 1,
             "probability",
             "stays after a major failure the customer complained about and that was resolved",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_quick_minor", recovery.repurchase_quick_minor, "0.95", 0, 1,
             "probability",
             "stays after a minor failure the customer complained about and that was resolved "
             "quickly",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.repurchase_quick_major", recovery.repurchase_quick_major, "0.82", 0, 1,
             "probability",
             "stays after a major failure the customer complained about and that was resolved "
             "quickly",
             REPURCHASE_SOURCE),
    KEY_REAL("recovery.stay_slope", recovery.stay_slope, "0", -100, 100, "log-odds per point",
             "staying after a failure follows the attitude after it: the table's log-odds plus "
             "this times the attitude (0: the table alone)",
             "de Matos, Henrique & Rossi (2007): the paradox shows on satisfaction, not on "
             "repurchase intentions (0: the TARP table alone)"),
    KEY_REAL("recovery.learning", recovery.learning, "0", 0, 1, "per complaint",
             "the business learns from a complaint: its failure mode's rate is multiplied by "
             "1 - this",
             "the article 'Melayani Pelanggan': learn which complaints recur and prevent them "
             "(chosen: off)"),
    KEY_REAL("recovery.learning_floor", recovery.learning_floor, "0.2", 0, 1, "share of the rate",
             "learning lowers a mode's rate to this share of its start at most", "chosen"),

    KEY_REAL("online.review_rate_satisfied", online.review_rate_satisfied, "0.02", 0, 1,
             "per encounter", "a satisfied customer posts a good (5-star) review",
             "chosen: with the rate below, a rating near 4 stars at quality 0.9"),
    KEY_REAL("online.review_rate_dissatisfied", online.review_rate_dissatisfied, "0.05", 0, 1,
             "per encounter", "a dissatisfied customer posts a bad (1-star) review",
             "the article by Oliver J. R. Cooper: the unhappy share bad experiences with the "
             "whole world (chosen)"),
    KEY_INT("online.review_lifetime", online.review_lifetime, "365", 1, 100000, "days",
            "a review stays on the business's page this long", "chosen: a year"),
    KEY_REAL("online.consult_rate", online.consult_rate, "0.01", 0, 1, "per day",
             "a prospect reads the reviews", "chosen"),
    KEY_REAL("online.review_weight", online.review_weight, "2", 0, LIMIT_ATTITUDE, "points",
             "attitude a reading gives at a 5-star rating (minus at 1 star, 0 at 3), times "
             "reviews / (reviews + review_trust)",
             "chosen"),
    KEY_REAL("online.review_trust", online.review_trust, "10", 0, 1e9, "reviews",
             "reviews at which a page weighs half (few reviews are trusted less)", "chosen"),

    KEY_BOOL("loyalty.enabled", loyalty.enabled, "false",
             "the loyalty programme exists (its members leave less often)",
             "the article by Wuryanano on loyalty cards (off unless a scenario turns it on)"),
    KEY_INT("loyalty.enroll_after", loyalty.enroll_after, "3", 1, 1000000, "purchases",
            "purchases after which a customer joins the programme", "chosen"),
    KEY_REAL("loyalty.churn_reduction", loyalty.churn_reduction, "0.5", 0, 1, "share",
             "members' leaving probabilities are multiplied by 1 - this", "chosen"),

    KEY_REAL("economics.price", economics.price, "10", 0, 1e12, "money", "revenue per purchase",
             "chosen"),
    KEY_REAL("economics.discount_rate", economics.discount_rate, "0.0003", 0, 1, "per day",
             "for the discounted cumulative value (0.0003 is about 10% a year)", "chosen"),

    KEY_REAL("ic.p", ic.p, "0.2", 0, 1, "per arc", "a newly active node activates its neighbour",
             "chosen"),
    KEY_INT("ic.seeds", ic.seeds, "10", 1, UINT32_NODES, "nodes", "nodes active at day 0",
            "chosen"),

    KEY_REAL("sir.beta", sir.beta, "0.2", 0, 1, "per step and arc",
             "an infected node infects a susceptible neighbour", "chosen"),
    KEY_REAL("sir.gamma", sir.gamma, "0.5", 0, 1, "per step",
             "an infected node recovers (gamma = 1 is the IC model)", "chosen"),
    KEY_INT("sir.seeds", sir.seeds, "10", 1, UINT32_NODES, "nodes", "nodes infected at day 0",
            "chosen"),

    KEY_REAL("bass.p", bass.p, "0.03", 0, 100, "per period",
             "innovation coefficient: a non-adopter's rate of adopting on its own", BASS_SOURCE),
    KEY_REAL("bass.q", bass.q, "0.38", 0, 100, "per period",
             "imitation coefficient: times the share of adopting in-neighbours", BASS_SOURCE),
    KEY_INT("bass.period", bass.period, "365", 1, 1000000, "steps",
            "steps in the period p and q are rates for (365: per year, a step a day)",
            "Sultan, Farley & Lehmann (1990) give p and q per year"),

    /* Sampled designs (config_design.c): how keys given as ranges LO:HI
     * become the points of a run; not model parameters. */
    KEY_ADDED(WOM_KEY_CHOICE, "design.method", design.method, "grid", 0, 0,
              "grid|lhs|sobol|morris|saltelli", "-",
              "how keys given as ranges LO:HI are sampled: grid (lists and start:stop:step "
              "only), lhs (Latin hypercube), sobol (quasi-random), morris (elementary "
              "effects), saltelli (Sobol indices)",
              "McKay, Beckman & Conover (1979); Sobol (1967); Morris (1991); Saltelli (2002)"),
    KEY_ADDED(WOM_KEY_INT, "design.points", design.points, "10", 1, 1000000, NULL, "points",
              "points of lhs and sobol; trajectories of morris (points x (keys + 1)); base "
              "samples of saltelli (points x (keys + 2))",
              "chosen: Campolongo, Cariboni & Saltelli (2007) find 10 to 20 trajectories "
              "enough for screening"),
    KEY_ADDED(WOM_KEY_INT, "design.levels", design.levels, "4", 2, 100, NULL, "levels",
              "morris: levels of each key's grid (even; a step is levels / (2 (levels - 1)) "
              "of the range)",
              "Morris (1991); Saltelli et al. (2008) recommend 4"),
    KEY_ADDED(WOM_KEY_TEXT, "design.metrics", design.metrics, "customers reputation", 0, 0, NULL,
              "names",
              "morris, saltelli: the metrics analysed, blank-separated: a column of "
              "timeseries.csv (its final day's value) or NAME_total (a flow's total over the "
              "run)",
              "chosen"),

    /* The last FAILURE_KEYS rows: keys of every [failure.NAME] section. */
    KEY_FAILURE("failure.NAME.rate", WOM_KEY_REAL, rate, "", 1, NULL, "per encounter",
                "failure mode NAME: probability, before the employee and segment multipliers "
                "(required)"),
    KEY_FAILURE("failure.NAME.severity", WOM_KEY_CHOICE, severity, "minor", 0, "minor|major", "-",
                "minor or major: which repurchase probabilities follow this failure, and a major "
                "one is told to wom.major_tell_factor times as many people"),
    KEY_FAILURE("failure.NAME.applies_to", WOM_KEY_CHOICE, applies_to, "all", 0,
                "all|new|returning", "-",
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
