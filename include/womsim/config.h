/* config.h: scenario files. Owns the key table (the single source of truth
 * for every parameter: name, type, default, range, meaning, source), the INI
 * reader with line numbers, `--set` overrides, sweep lists, validation, the
 * canonical dump and its SHA-256 (the scenario hash).
 *
 * A config holds, for every key, one or more canonical value strings (more
 * than one makes it a swept key) and where each key was last set. A point of
 * the sweep is resolved into a plain wom_scenario_t.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_CONFIG_H
#define WOMSIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "womsim/design.h"
#include "womsim/status.h"

#define WOM_MAX_BLOCKS   64    /* SBM blocks (segments) */
#define WOM_MAX_PATH     1024  /* bytes in a file path */
#define WOM_MAX_SWEEP    10000 /* values of one swept key */
#define WOM_MAX_FAILURES 16    /* [failure.NAME] sections */
#define WOM_MAX_NAME     48    /* bytes in a failure mode's NAME, with the NUL */

typedef enum {
    WOM_NET_ERDOS_RENYI,
    WOM_NET_WATTS_STROGATZ,
    WOM_NET_BARABASI_ALBERT,
    WOM_NET_SBM,
    WOM_NET_CONFIGURATION,
    WOM_NET_RING,
    WOM_NET_COMPLETE,
    WOM_NET_KARATE,
    WOM_NET_FILE
} wom_network_model;

/* Network file formats; new ones are appended, so that the others keep their numbers. */
typedef enum {
    WOM_FORMAT_SNAP,
    WOM_FORMAT_GRAPHML,
    WOM_FORMAT_GML,
    WOM_FORMAT_SG, /* the GAP benchmark suite's serialized CSR */
    WOM_FORMAT_MTX /* Matrix Market coordinate */
} wom_graph_format;
typedef enum { WOM_KIND_WOM, WOM_KIND_IC, WOM_KIND_SIR, WOM_KIND_BASS } wom_model_kind;
typedef enum { WOM_SEVERITY_MINOR, WOM_SEVERITY_MAJOR } wom_severity;
typedef enum { WOM_APPLIES_ALL, WOM_APPLIES_NEW, WOM_APPLIES_RETURNING } wom_applies_to;

/* One failure mode of a service encounter: a [failure.NAME] section. */
typedef struct {
    char name[WOM_MAX_NAME]; /* NAME: letters, digits, '-' and '_' */
    double rate;             /* probability per encounter, before multipliers */
    int severity;            /* wom_severity */
    int applies_to;          /* wom_applies_to: all, new or returning customers */
} wom_failure_mode_t;
typedef enum { WOM_SEEDING_RANDOM, WOM_SEEDING_DEGREE } wom_seeding;
typedef enum {
    WOM_TELL_POISSON,
    WOM_TELL_FIXED,
    WOM_TELL_GEOMETRIC,
    WOM_TELL_NEGBIN
} wom_tell_distribution;

/* Every parameter of one run, defaults filled in. Field names follow the
 * scenario keys (section.key); the key table in config_keys.c gives units,
 * ranges and meanings. Choice fields hold the enums above. */
typedef struct {
    struct {
        int64_t steps;              /* days simulated, >= 1 */
        int64_t replications;       /* independent runs averaged, >= 1 */
        uint64_t seed;              /* root of every random stream */
        bool common_random_numbers; /* replication r draws the same streams at every point */
    } simulation;
    struct {
        int model;                       /* wom_network_model */
        int64_t nodes;                   /* agents (ignored by karate, sbm uses blocks) */
        double mean_degree;              /* erdos-renyi, watts-strogatz */
        double rewire;                   /* watts-strogatz rewiring probability */
        int64_t m;                       /* barabasi-albert edges per new node */
        double exponent;                 /* configuration: power-law exponent */
        int64_t min_degree;              /* configuration: smallest degree */
        uint32_t blocks[WOM_MAX_BLOCKS]; /* sbm: block sizes */
        int block_count;                 /* sbm: number of blocks, 0 = unset */
        double p_in, p_out;              /* sbm: edge probability within/between */
        char file[WOM_MAX_PATH];         /* file: path, relative to the scenario */
        int format;                      /* wom_graph_format */
        bool directed;                   /* arcs point from teller to hearer */
        bool per_replication;            /* each replication draws its own graph */
    } network;
    struct {
        double initial_customers;     /* share of agents customers at t = 0 */
        double initial_aware;         /* share of agents prospects at t = 0 */
        int seeding;                  /* wom_seeding */
        double intermediaries;        /* share of agents who are intermediaries */
        int intermediary_seeding;     /* wom_seeding: random, or the best connected */
        int64_t intermediary_weight;  /* weight of an intermediary's message, >= 1 */
        double advice_rate;           /* per day: an intermediary who knows the business advises */
        double advice_tell_mean;      /* people one piece of advice reaches */
        int64_t initial_purchases;    /* purchases of each initial customer (its history) */
        double initial_attitude_mean; /* initial customers' attitude, points: mean */
        double initial_attitude_sd;   /* and standard deviation (normal, within the cap) */
    } population;
    struct {
        int kind;                  /* wom_model_kind */
        int64_t attitude_cap;      /* attitude stays in [-cap, +cap] */
        int64_t experience_weight; /* attitude change of an own experience */
        int64_t promoter_at;       /* attitude of a promoter (and -: detractor) */
        double attitude_half_life; /* days for an attitude to fade halfway to 0; 0: never */
    } model;
    struct {
        double advertising;       /* UNAWARE -> PROSPECT per step (Bass p) */
        double base;              /* PROSPECT -> CUSTOMER per step at attitude <= 0 */
        double persuasion;        /* added per point of positive attitude */
        double max;               /* ceiling of the adoption probability */
        int64_t reject_threshold; /* no adoption at attitude <= -threshold */
        int64_t churn_attitude;   /* a customer at or below this leaves */
        double winback;           /* LOST -> CUSTOMER per step while attitude > 0 */
    } adoption;
    struct {
        double quality;          /* probability an encounter satisfies (no failure modes) */
        double purchase_rate;    /* probability a customer buys per step */
        double churn_rate;       /* probability a customer leaves per step */
        int64_t returning_after; /* purchases from which a customer is "returning" */
    } service;
    wom_failure_mode_t failures[WOM_MAX_FAILURES]; /* [failure.NAME] sections, file order */
    int failure_count;                             /* 0: one mode, rate 1 - quality, minor */
    struct {
        double satisfaction; /* in [0, 1]; 0.5 is neutral */
        double effect;       /* failure multiplier is max(0, 1 + effect * (1 - 2 satisfaction)) */
    } employees;
    struct {
        double expectations[WOM_MAX_BLOCKS]; /* per segment; failures x (1 + expectation) */
        int expectation_count;               /* 0: all 0; 1: all segments; else one per block */
    } segments;
    struct {
        double satisfied_tell_mean;    /* people told about a good experience */
        double dissatisfied_tell_mean; /* people told about a bad experience */
        double routine_tell_prob;      /* a routine good repeat purchase is told */
        double major_tell_factor;      /* a major failure is told to this many times more */
        double weak_tie_share;         /* share of the people told who are weak ties */
        int tell_distribution;         /* wom_tell_distribution */
        double dispersion;             /* negbin shape (size) parameter */
        double forward_prob;           /* per message heard: re-told (hearsay) */
        double forward_tell_mean;      /* people told by one re-telling */
    } wom;
    struct {
        double complain_rate;   /* a failed customer complains */
        double success_rate;    /* a complaint is resolved */
        double quick_share;     /* a resolution is quick */
        bool paradox;           /* the service-recovery paradox: use attitude_bonus */
        int64_t attitude_bonus; /* attitude gain of a recovery when paradox is on */
        double tell_mean;       /* people told (good news) by a recovered customer */
        /* Probability of staying after a failure, by outcome and severity. */
        double repurchase_silent_minor, repurchase_silent_major;
        double repurchase_unresolved_minor, repurchase_unresolved_major;
        double repurchase_resolved_minor, repurchase_resolved_major;
        double repurchase_quick_minor, repurchase_quick_major;
        double stay_slope;     /* log-odds of staying per point of attitude after the failure */
        double learning;       /* per complaint: its failure mode's rate x (1 - learning) */
        double learning_floor; /* a mode's rate falls to this share of its start at least */
    } recovery;
    struct {
        double review_rate_satisfied;    /* a satisfied customer posts a good review */
        double review_rate_dissatisfied; /* a dissatisfied one posts a bad review */
        int64_t review_lifetime;         /* days a review stays on the page */
        double consult_rate;             /* per day: a prospect reads the reviews */
        double review_weight;            /* attitude points a reading of all-5 or all-1 gives */
        double review_trust;             /* reviews at which their page weighs half */
    } online;
    struct {
        bool enabled;           /* the loyalty programme exists */
        int64_t enroll_after;   /* purchases before a customer joins */
        double churn_reduction; /* members' leaving probabilities x (1 - this) */
    } loyalty;
    struct {
        double price;         /* revenue per purchase */
        double discount_rate; /* per step, for the discounted cumulative value */
    } economics;
    struct {
        double p;      /* per arc: a newly active node activates a neighbour */
        int64_t seeds; /* nodes active at t = 0 */
    } ic;
    struct {
        double beta;   /* per step and arc: an infected node infects a susceptible one */
        double gamma;  /* per step: an infected node recovers */
        int64_t seeds; /* nodes infected at t = 0 */
    } sir;
    struct {
        int method;     /* wom_design_method: how ranged keys are sampled (grid: none) */
        int64_t points; /* points (lhs, sobol), trajectories (morris), base samples
                           (saltelli) */
        int64_t levels; /* morris: levels of each key's grid, even */
        char metrics[WOM_MAX_PATH]; /* morris, saltelli: the metrics analysed, blank-separated */
    } design;
    struct {
        double p;       /* innovation: adopts on its own, per period */
        double q;       /* imitation: times the adopting share of neighbours, per period */
        int64_t period; /* steps in the period p and q are given for (365: a year) */
    } bass;
} wom_scenario_t;

typedef enum {
    WOM_KEY_REAL,   /* double */
    WOM_KEY_INT,    /* int64_t */
    WOM_KEY_SEED,   /* uint64_t */
    WOM_KEY_BOOL,   /* bool: true/false/yes/no/on/off/1/0 */
    WOM_KEY_CHOICE, /* int: index into `choices` */
    WOM_KEY_TEXT,   /* char[WOM_MAX_PATH] */
    WOM_KEY_SIZES,  /* uint32_t[WOM_MAX_BLOCKS] + int count at `count_offset` */
    WOM_KEY_REALS   /* double[WOM_MAX_BLOCKS] + int count at `count_offset` */
} wom_key_type;

/* One row of the key table. */
typedef struct {
    const char *name; /* "section.key" */
    wom_key_type type;
    size_t offset;             /* into wom_scenario_t */
    size_t count_offset;       /* WOM_KEY_SIZES and WOM_KEY_REALS only */
    const char *default_value; /* as it would be written in a file */
    double min, max;           /* inclusive range (REAL, INT, SIZES, REALS) */
    const char *choices;       /* WOM_KEY_CHOICE: "a|b|c" in enum order */
    const char *unit;          /* what a value counts: "days", "per day", "people", ... */
    const char *meaning;       /* one line for `womsim params` and the docs */
    const char *source;        /* where the default comes from (docs/references.md) */
    bool per_failure;        /* a key of every [failure.NAME] section: `name` is "failure.NAME.key"
                                and `offset` is into wom_failure_mode_t */
    bool omitted_at_default; /* the canonical dump, and so the scenario hash, leaves the key
                                out while it holds its default value: a key added after
                                results were made, so that their hashes still hold */
} wom_key_t;

/* The key table, in canonical (dump) order. */
const wom_key_t *wom_config_keys(size_t *count);

/* The row of `name` ("section.key"), or NULL. For a failure mode's key
 * ("failure.late-delivery.rate") it is the per_failure row. */
const wom_key_t *wom_config_key(const char *name);

typedef struct wom_config wom_config_t;

/* A config with every key at its default. */
wom_status wom_config_alloc(wom_config_t **config);
void wom_config_free(wom_config_t *config);

/* Reads a scenario file over the current values. Errors name the file and
 * line: unknown section or key (with a suggestion), duplicate key, malformed
 * or out-of-range value, a file that sets no key (WOM_ECONFIG); missing
 * file or a folder (WOM_ENOENT). */
wom_status wom_config_read_file(wom_config_t *config, const char *path, wom_error_t *error);

/* The same from an open stream (a pipe, or memory through fmemopen); errors
 * and relative paths are taken as if the file were named `name`. The
 * stream is left open. */
wom_status wom_config_read_stream(wom_config_t *config, FILE *stream, const char *name,
                                  wom_error_t *error);

/* Applies one "section.key=value" override with the same checks; the error's
 * file is "--set". */
wom_status wom_config_set(wom_config_t *config, const char *assignment, wom_error_t *error);

/* The same, the error's file being `origin` (the option that gave the
 * override, such as "-r"), now and when a rule joining keys is broken
 * later (wom_config_scenario). */
wom_status wom_config_set_from(wom_config_t *config, const char *origin, const char *assignment,
                               wom_error_t *error);

/* The number of sweep points: the product of the swept keys' value counts. */
size_t wom_config_points(const wom_config_t *config);

/* Resolves sweep point `point` (0-based; swept keys in the order they were
 * first set, the last varying fastest) and checks the rules that join keys
 * (e.g. mean degree below nodes), naming the line of the key at fault. */
wom_status wom_config_scenario(const wom_config_t *config, size_t point, wom_scenario_t *scenario,
                               wom_error_t *error);

#define WOM_MAX_KEY_NAME 96 /* bytes in a full key name, with the NUL */

/* One swept key (a key with more than one value). */
typedef struct {
    char name[WOM_MAX_KEY_NAME]; /* "service.quality", "failure.late-delivery.rate" */
    const char *const *values;   /* its canonical values, owned by the config: valid until
                                    the config changes or is freed */
    size_t count;                /* >= 2 */
    const char *range[2];        /* a sampled design's key: its bounds LO, HI; else NULL */
} wom_config_sweep_t;

/* The value index of swept key `index` (sweep order) at `point`: mixed
 * radix for a grid (the last key varying fastest), `point` itself under a
 * sampled design, where the keys vary together. */
size_t wom_config_value_index(const wom_config_t *config, size_t point, size_t index);

/* A sampled design as the config made it from its ranged keys. */
typedef struct {
    wom_design_method method;
    size_t size;        /* design.points */
    unsigned levels;    /* design.levels */
    uint64_t seed;      /* simulation.seed */
    size_t factors;     /* the ranged keys, in sweep order */
    size_t points;      /* the design's points */
    const double *unit; /* points x factors in [0, 1], owned by the config; NULL for a grid */
} wom_config_design_t;

/* The design; WOM_EINVAL when a sampled design has a problem (resolving a
 * scenario names it). */
wom_status wom_config_design(const wom_config_t *config, wom_config_design_t *design);

/* Where key `name` was last set: its file and line (line 0 for an
 * override, or the scenario file and 0 for a key left at its default). */
void wom_config_where(const wom_config_t *config, const char *name, const char **file, long *line);

/* The number of swept keys. */
size_t wom_config_swept(const wom_config_t *config);

/* Swept key `index` (0-based) in sweep order, the order wom_config_scenario
 * uses: keys in the order they were first set, the last varying fastest.
 * WOM_EINVAL past the last one. */
wom_status wom_config_sweep_key(const wom_config_t *config, size_t index, wom_config_sweep_t *key);

/* One key of a config as a report lists it: every fixed key in table
 * order, then each failure mode's keys. */
typedef struct {
    char name[WOM_MAX_KEY_NAME]; /* "service.quality", "failure.late-delivery.rate" */
    const wom_key_t *key;        /* its table row: type, default, meaning */
    const char *const *values;   /* its canonical values, owned by the config: valid until
                                    the config changes or is freed */
    size_t count;                /* values: 1, or more when swept; 0 for a failure mode's
                                    missing rate */
    bool set;                    /* given by the scenario file or an override (possibly to
                                    the default value); false: left at the default */
    const char *range[2];        /* a sampled design's key: its bounds LO, HI; else NULL */
} wom_config_entry_t;

/* The number of entries: the fixed keys and the keys of every failure mode. */
size_t wom_config_entries(const wom_config_t *config);

/* Entry `index` (0-based, dump order); WOM_EINVAL past the last one. */
wom_status wom_config_entry(const wom_config_t *config, size_t index, wom_config_entry_t *entry);

/* The canonical dump: every key in table order as "key = value" under its
 * [section] (but a key omitted_at_default that holds its default), values
 * canonical (swept keys as "v1, v2, ..."), then one
 * [failure.NAME] section per failure mode in the order they were given.
 * Malloc'd. */
wom_status wom_config_dump(const wom_config_t *config, char **text);

/* The SHA-256 of the canonical dump, as 64 lowercase hex digits. */
wom_status wom_config_hash(const wom_config_t *config, char hex[65]);

/* The scenario hash of a batch on a network file: the SHA-256 of the
 * canonical dump followed by the line "# network.file sha256 HEX" with the
 * file's SHA-256 (`network_sha256`, 64 hex digits); NULL: wom_config_hash. */
wom_status wom_config_hash_network(const wom_config_t *config, const char *network_sha256,
                                   char hex[65]);

/* Parses a sweep list, "a:b:step" (inclusive of b within rounding) or
 * "v1, v2, v3", into its items (malloc'd array of malloc'd strings, not yet
 * checked against any key). A value without ':' or ',' is one item. */
wom_status wom_config_split_values(const char *text, char ***items, size_t *count,
                                   wom_error_t *error);
void wom_config_free_values(char **items, size_t count);

#endif
