/* config.c: scenario files. Owns the key table (every parameter's name,
 * type, default, range, meaning and source: the single source of truth for
 * parsing, validation, `womsim params` and the docs), the INI reader with
 * line numbers (inih over our own line-counting reader), `--set` overrides,
 * sweep lists, the rules that join keys, the canonical dump and its SHA-256.
 *
 * Workload: a few small files and overrides read once at start-up, so the
 * code favours plain loops and clear messages over speed. The library never
 * prints: every problem comes back as a status with file, line and message.
 *
 * Scenario file rules beyond inih's (for the scenario guide):
 * - a [section] may appear more than once; its blocks are merged, but one key
 *   set twice in one file is an error (--set is the way to change a value);
 * - a list may continue on indented lines after a line ending in ',' (the
 *   dump wraps long sweeps that way); any other indented line after a key
 *   would be an inih continuation line and is refused;
 * - relative paths (TEXT keys) are taken from the scenario file's folder;
 * - on any error the config is left exactly as it was.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/config.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <ini.h>
#include <math.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "womsim/text.h"

/* ---- the key table ---------------------------------------------------- */

#define FIELD(field) offsetof(wom_scenario_t, field)
#define KEY_REAL(name, field, def, lo, hi, meaning, source)                                        \
    { name, WOM_KEY_REAL, FIELD(field), 0, def, lo, hi, NULL, meaning, source }
#define KEY_INT(name, field, def, lo, hi, meaning, source)                                         \
    { name, WOM_KEY_INT, FIELD(field), 0, def, lo, hi, NULL, meaning, source }
#define KEY_SEED(name, field, def, meaning, source)                                                \
    { name, WOM_KEY_SEED, FIELD(field), 0, def, 0, 18446744073709551615.0, NULL, meaning, source }
#define KEY_BOOL(name, field, def, meaning, source)                                                \
    { name, WOM_KEY_BOOL, FIELD(field), 0, def, 0, 1, NULL, meaning, source }
#define KEY_CHOICE(name, field, def, choices, meaning, source)                                     \
    { name, WOM_KEY_CHOICE, FIELD(field), 0, def, 0, 0, choices, meaning, source }
#define KEY_TEXT(name, field, def, meaning, source)                                                \
    { name, WOM_KEY_TEXT, FIELD(field), 0, def, 0, 0, NULL, meaning, source }
#define KEY_SIZES(name, field, count, def, lo, hi, meaning, source)                                \
    { name, WOM_KEY_SIZES, FIELD(field), FIELD(count), def, lo, hi, NULL, meaning, source }

#define UINT32_NODES 4294967295.0 /* node ids are uint32 */

/* Canonical order: sections in this order, keys in this order. Choices are
 * listed in the order of their enum in config.h. TEXT keys are file paths. */
static const wom_key_t key_table[] = {
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
             "watts-strogatz: probability that each edge end is rewired (igraph's rule: an edge "
             "moves with probability about twice this)",
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

    KEY_REAL("population.initial_customers", population.initial_customers, "0.1", 0, 1,
             "share of agents who are customers at t = 0", "chosen"),
    KEY_REAL("population.initial_aware", population.initial_aware, "0.2", 0, 1,
             "share of agents who are prospects at t = 0", "chosen"),
    KEY_CHOICE("population.seeding", population.seeding, "random", "random|degree",
               "who starts as customer or prospect: random or best-connected agents", "chosen"),

    KEY_CHOICE("model.kind", model.kind, "wom", "wom", "the model (wom: word of mouth)", "chosen"),
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

    KEY_REAL("recovery.repurchase_silent_minor", recovery.repurchase_silent_minor, "0.37", 0, 1,
             "probability of staying after a minor failure the customer kept silent about",
             "TARP via Kotler & Keller, Marketing Management: 37% of silent minor-problem "
             "customers repurchase"),
};

#define KEY_COUNT (sizeof key_table / sizeof key_table[0])

const wom_key_t *wom_config_keys(size_t *count) {
    if (count != NULL) {
        *count = KEY_COUNT;
    }
    return key_table;
}

const wom_key_t *wom_config_key(const char *name) {
    for (size_t k = 0; name != NULL && k < KEY_COUNT; k++) {
        if (strcmp(key_table[k].name, name) == 0) {
            return &key_table[k];
        }
    }
    return NULL;
}

static size_t section_length(const wom_key_t *key) {
    return (size_t)(strchr(key->name, '.') - key->name);
}

static const char *key_suffix(const wom_key_t *key) {
    return key->name + section_length(key) + 1;
}

static bool in_section(const wom_key_t *key, const char *section) {
    size_t length = section_length(key);
    return strlen(section) == length && strncmp(key->name, section, length) == 0;
}

static bool section_known(const char *section) {
    for (size_t k = 0; k < KEY_COUNT; k++) {
        if (in_section(&key_table[k], section)) {
            return true;
        }
    }
    return false;
}

/* ---- the config ------------------------------------------------------- */

/* One key's current values and where they came from. */
typedef struct {
    char **values;           /* count >= 1 canonical strings; more than one: swept */
    size_t count;            /* number of values */
    char file[WOM_MAX_PATH]; /* scenario path, "--set", or "" while at the default */
    long line;               /* line in `file`; 0 for --set and defaults */
    unsigned long first_set; /* assignment number of the first setting, 0 = never set */
    unsigned long last_set;  /* assignment number of the latest setting, 0 = never set */
} key_state;

struct wom_config {
    key_state keys[KEY_COUNT];    /* in key table order */
    unsigned long assignments;    /* settings so far: orders sweeps and citations */
    char last_file[WOM_MAX_PATH]; /* scenario read last: cited for keys left at default */
};

/* Where a value came from, for messages and for the key's record. */
typedef struct {
    const char *file;
    long line;
} where_t;

static wom_status config_error(wom_error_t *error, where_t at, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static wom_status config_error(wom_error_t *error, where_t at, const char *format, ...) {
    char message[sizeof error->message];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    return wom_error_set(error, WOM_ECONFIG, at.file, at.line, "%s", message);
}

static void release_values(key_state *state) {
    wom_config_free_values(state->values, state->count);
    state->values = NULL;
    state->count = 0;
}

void wom_config_free_values(char **items, size_t count) {
    for (size_t i = 0; items != NULL && i < count; i++) {
        free(items[i]);
    }
    free(items);
}

void wom_config_free(wom_config_t *config) {
    if (config == NULL) {
        return;
    }
    for (size_t k = 0; k < KEY_COUNT; k++) {
        release_values(&config->keys[k]);
    }
    free(config);
}

static wom_status copy_values(char *const *values, size_t count, char ***copy) {
    char **items = calloc(count, sizeof *items);
    if (items == NULL) {
        return WOM_ENOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        items[i] = strdup(values[i]);
        if (items[i] == NULL) {
            wom_config_free_values(items, count);
            return WOM_ENOMEM;
        }
    }
    *copy = items;
    return WOM_OK;
}

/* A deep copy, so that a file can be read into it and dropped on error. */
static wom_status config_copy(const wom_config_t *config, wom_config_t **copy) {
    wom_config_t *c = malloc(sizeof *c);
    if (c == NULL) {
        return WOM_ENOMEM;
    }
    *c = *config;
    for (size_t k = 0; k < KEY_COUNT; k++) {
        c->keys[k].values = NULL;
        c->keys[k].count = 0;
    }
    for (size_t k = 0; k < KEY_COUNT; k++) {
        const key_state *from = &config->keys[k];
        if (copy_values(from->values, from->count, &c->keys[k].values) != WOM_OK) {
            wom_config_free(c);
            return WOM_ENOMEM;
        }
        c->keys[k].count = from->count;
    }
    *copy = c;
    return WOM_OK;
}

/* Moves `from` into `config` and frees the shell of `from`. */
static void config_replace(wom_config_t *config, wom_config_t *from) {
    for (size_t k = 0; k < KEY_COUNT; k++) {
        release_values(&config->keys[k]);
    }
    *config = *from;
    free(from);
}

/* ---- suggestions ------------------------------------------------------ */

#define SUGGEST_MAX_LENGTH 63 /* longer words get no suggestion */
#define NO_SUGGESTION      4

typedef struct {
    const char *text; /* the candidate, not NUL-terminated at `length` */
    size_t length;
    int score; /* 0..2: edit distance, 3: prefix match, NO_SUGGESTION */
} suggestion;

static size_t min3(size_t a, size_t b, size_t c) {
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb) {
    size_t row[SUGGEST_MAX_LENGTH + 1];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            row[j] = min3(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1]));
            diagonal = above;
        }
    }
    return row[lb];
}

/* Lets `candidate` become the suggestion for `typed` if it is closer. */
static void consider(suggestion *best, const char *typed, const char *candidate, size_t length) {
    size_t typed_length = strlen(typed);
    if (typed_length > SUGGEST_MAX_LENGTH || length > SUGGEST_MAX_LENGTH) {
        return;
    }
    int score = NO_SUGGESTION;
    size_t distance = edit_distance(typed, typed_length, candidate, length);
    size_t shorter = typed_length < length ? typed_length : length;
    if (distance <= 2) {
        score = (int)distance;
    } else if (shorter >= 3 && strncmp(typed, candidate, shorter) == 0) {
        score = 3;
    }
    if (score < best->score) {
        *best = (suggestion){candidate, length, score};
    }
}

static wom_status unknown_section(const char *section, where_t at, wom_error_t *error) {
    suggestion best = {NULL, 0, NO_SUGGESTION};
    for (size_t k = 0; k < KEY_COUNT; k++) {
        consider(&best, section, key_table[k].name, section_length(&key_table[k]));
    }
    if (best.text != NULL) {
        return config_error(error, at, "unknown section [%s] (did you mean [%.*s]?)", section,
                            (int)best.length, best.text);
    }
    return config_error(error, at, "unknown section [%s]", section);
}

/* Finds the key `name` of `section`, or explains what is wrong. */
static wom_status find_key(const char *section, const char *name, where_t at, wom_error_t *error,
                           size_t *found) {
    if (!section_known(section)) {
        return unknown_section(section, at, error);
    }
    suggestion best = {NULL, 0, NO_SUGGESTION};
    for (size_t k = 0; k < KEY_COUNT; k++) {
        if (!in_section(&key_table[k], section)) {
            continue;
        }
        const char *suffix = key_suffix(&key_table[k]);
        if (strcmp(suffix, name) == 0) {
            *found = k;
            return WOM_OK;
        }
        consider(&best, name, suffix, strlen(suffix));
    }
    if (best.text != NULL) {
        return config_error(error, at, "unknown key '%s' in [%s] (did you mean '%.*s'?)", name,
                            section, (int)best.length, best.text);
    }
    return config_error(error, at, "unknown key '%s' in [%s]", name, section);
}

/* ---- values ----------------------------------------------------------- */

/* A parsed value of any type; only the member of the key's type is set. */
typedef struct {
    double real;
    int64_t integer;
    uint64_t seed;
    bool boolean;
    int choice;
    const char *text; /* TEXT: points into the parsed string */
    uint32_t sizes[WOM_MAX_BLOCKS];
    int size_count;
} value_t;

/* A finite decimal number (no hex, no NaN or infinity), the whole token. */
static bool parse_real(const char *text, double *value, char *why, size_t size) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || strpbrk(text, "xXpP") != NULL) {
        snprintf(why, size, "malformed number '%.200s'", text);
        return false;
    }
    if (errno == ERANGE && fabs(v) == HUGE_VAL) {
        snprintf(why, size, "'%.200s' is out of range for a number", text);
        return false;
    }
    if (errno == ERANGE && fabs(v) < DBL_MIN) { /* would be stored as 0 or a denormal */
        snprintf(why, size, "'%.200s' is too small for a number (write 0 for zero)", text);
        return false;
    }
    if (!isfinite(v)) {
        snprintf(why, size, "'%.200s' is not a finite number", text);
        return false;
    }
    *value = v == 0 ? 0.0 : v; /* "-0" is 0 */
    return true;
}

/* Why an integer token failed: a fraction, overflow, or not a number. */
static void integer_trouble(const char *text, bool overflow, char *why, size_t size) {
    double real;
    char ignored[8];
    if (overflow) {
        snprintf(why, size, "integer overflow in '%.200s'", text);
    } else if (parse_real(text, &real, ignored, sizeof ignored)) {
        snprintf(why, size, "'%.200s' is not an integer", text);
    } else {
        snprintf(why, size, "malformed number '%.200s'", text);
    }
}

static bool parse_integer(const char *text, int64_t *value, char *why, size_t size) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    bool whole = end != text && *end == '\0';
    if (!whole || errno == ERANGE || isspace((unsigned char)text[0])) {
        integer_trouble(text, whole && errno == ERANGE, why, size);
        return false;
    }
    *value = v;
    return true;
}

/* Unsigned 64-bit decimal; strtoull would quietly wrap "-1". */
static bool parse_seed(const char *text, uint64_t *value, char *why, size_t size) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] == '-') {
        snprintf(why, size, "'%.200s' is negative (a seed is a whole number from 0)", text);
        return false;
    }
    bool whole = isdigit((unsigned char)text[text[0] == '+']) && *end == '\0';
    if (!whole || errno == ERANGE) {
        integer_trouble(text, whole && errno == ERANGE, why, size);
        return false;
    }
    *value = v;
    return true;
}

static bool parse_bool(const char *text, bool *value) {
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0 || strcasecmp(text, no[i]) == 0) {
            *value = strcasecmp(text, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

/* The position of `text` in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *text) {
    size_t length = strlen(text);
    const char *p = choices;
    for (int i = 0;; i++) {
        size_t n = strcspn(p, "|");
        if (n == length && strncmp(p, text, n) == 0) {
            return i;
        }
        if (p[n] == '\0') {
            return -1;
        }
        p += n + 1;
    }
}

static void choice_name(const char *choices, int choice, char *out, size_t size) {
    const char *p = choices;
    for (int i = 0; i < choice; i++) {
        p += strcspn(p, "|") + 1;
    }
    snprintf(out, size, "%.*s", (int)strcspn(p, "|"), p);
}

static void unknown_choice(const wom_key_t *key, const char *text, char *why, size_t size) {
    char expected[256];
    size_t n = 0;
    suggestion best = {NULL, 0, NO_SUGGESTION};
    for (const char *p = key->choices; n + 1 < sizeof expected;) {
        size_t length = strcspn(p, "|");
        consider(&best, text, p, length);
        n += (size_t)snprintf(expected + n, sizeof expected - n, "%s%.*s", n ? ", " : "",
                              (int)length, p);
        if (p[length] == '\0') {
            break;
        }
        p += length + 1;
    }
    int used = snprintf(why, size, "unknown value '%s' for %s (expected one of: %s)", text,
                        key->name, expected);
    if (best.text != NULL && used > 0 && (size_t)used < size) {
        snprintf(why + used, size - (size_t)used, "; did you mean '%.*s'?", (int)best.length,
                 best.text);
    }
}

static bool in_range(const wom_key_t *key, double value, const char *text, char *why, size_t size) {
    if (value >= key->min && value <= key->max) {
        return true;
    }
    char low[32], high[32];
    wom_text_format_number(low, sizeof low, key->min);
    wom_text_format_number(high, sizeof high, key->max);
    snprintf(why, size, "%s = %s is out of range [%s, %s]", key->name, text, low, high);
    return false;
}

static char *trim(char *text) {
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1])) {
        text[--n] = '\0';
    }
    while (isspace((unsigned char)*text)) {
        text++;
    }
    return text;
}

/* Block sizes "5000, 3000, 2000"; empty means unset. */
static bool parse_sizes(const wom_key_t *key, const char *text, value_t *value, char *why,
                        size_t size) {
    char copy[WOM_MAX_PATH];
    if (snprintf(copy, sizeof copy, "%s", text) >= (int)sizeof copy) {
        snprintf(why, size, "%s: value is longer than %d characters", key->name, WOM_MAX_PATH - 1);
        return false;
    }
    char *rest = trim(copy);
    if (*rest == '\0') {
        return true; /* unset */
    }
    for (;;) {
        char *comma = strchr(rest, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        char *item = trim(rest);
        char plain[512];
        int64_t n;
        if (*item == '\0') {
            snprintf(why, size, "%s: empty item in list '%s'", key->name, text);
            return false;
        }
        if (value->size_count == WOM_MAX_BLOCKS) {
            snprintf(why, size, "%s: more than %d blocks", key->name, WOM_MAX_BLOCKS);
            return false;
        }
        if (!parse_integer(item, &n, plain, sizeof plain)) {
            snprintf(why, size, "%s: %s", key->name, plain);
            return false;
        }
        if (!in_range(key, (double)n, item, why, size)) {
            return false;
        }
        value->sizes[value->size_count++] = (uint32_t)n;
        if (comma == NULL) {
            return true;
        }
        rest = comma + 1;
    }
}

static bool parse_number_key(const wom_key_t *key, const char *text, value_t *value, char *why,
                             size_t size) {
    char plain[512];
    bool ok;
    double as_real = 0;
    if (key->type == WOM_KEY_REAL) {
        ok = parse_real(text, &value->real, plain, sizeof plain);
        as_real = value->real;
    } else if (key->type == WOM_KEY_INT) {
        ok = parse_integer(text, &value->integer, plain, sizeof plain);
        as_real = (double)value->integer;
    } else {
        ok = parse_seed(text, &value->seed, plain, sizeof plain);
    }
    if (!ok) {
        snprintf(why, size, "%s: %s", key->name, plain);
        return false;
    }
    return key->type == WOM_KEY_SEED || in_range(key, as_real, text, why, size);
}

/* Parses and checks one value of `key` (no lists here). */
static bool parse_value(const wom_key_t *key, const char *text, value_t *value, char *why,
                        size_t size) {
    memset(value, 0, sizeof *value);
    if (text[0] == '\0' && key->type != WOM_KEY_TEXT && key->type != WOM_KEY_SIZES) {
        snprintf(why, size, "%s has no value", key->name);
        return false;
    }
    switch (key->type) {
    case WOM_KEY_REAL:
    case WOM_KEY_INT:
    case WOM_KEY_SEED:
        return parse_number_key(key, text, value, why, size);
    case WOM_KEY_BOOL:
        if (!parse_bool(text, &value->boolean)) {
            snprintf(why, size, "%s: '%s' is not a boolean (expected true or false)", key->name,
                     text);
            return false;
        }
        return true;
    case WOM_KEY_CHOICE:
        value->choice = choice_index(key->choices, text);
        if (value->choice < 0) {
            unknown_choice(key, text, why, size);
            return false;
        }
        return true;
    case WOM_KEY_TEXT:
        value->text = text;
        if (strlen(text) >= WOM_MAX_PATH) {
            snprintf(why, size, "%s: value is longer than %d characters", key->name,
                     WOM_MAX_PATH - 1);
            return false;
        }
        return true;
    case WOM_KEY_SIZES:
        return parse_sizes(key, text, value, why, size);
    }
    snprintf(why, size, "%s: unknown key type", key->name);
    return false;
}

/* The canonical text of a parsed value; `out` holds WOM_MAX_PATH bytes. */
static void format_value(const wom_key_t *key, const value_t *value, char out[WOM_MAX_PATH]) {
    switch (key->type) {
    case WOM_KEY_REAL:
        wom_text_format_number(out, WOM_MAX_PATH, value->real);
        return;
    case WOM_KEY_INT:
        snprintf(out, WOM_MAX_PATH, "%lld", (long long)value->integer);
        return;
    case WOM_KEY_SEED:
        snprintf(out, WOM_MAX_PATH, "%llu", (unsigned long long)value->seed);
        return;
    case WOM_KEY_BOOL:
        snprintf(out, WOM_MAX_PATH, "%s", value->boolean ? "true" : "false");
        return;
    case WOM_KEY_CHOICE:
        choice_name(key->choices, value->choice, out, WOM_MAX_PATH);
        return;
    case WOM_KEY_TEXT:
        snprintf(out, WOM_MAX_PATH, "%s", value->text);
        return;
    case WOM_KEY_SIZES:
        out[0] = '\0';
        for (int i = 0, n = 0; i < value->size_count; i++) {
            n += snprintf(out + n, (size_t)(WOM_MAX_PATH - n), "%s%lu", i ? ", " : "",
                          (unsigned long)value->sizes[i]);
        }
        return;
    }
}

static void store_value(const wom_key_t *key, const value_t *value, wom_scenario_t *scenario) {
    char *field = (char *)scenario + key->offset;
    switch (key->type) {
    case WOM_KEY_REAL:
        *(double *)field = value->real;
        return;
    case WOM_KEY_INT:
        *(int64_t *)field = value->integer;
        return;
    case WOM_KEY_SEED:
        *(uint64_t *)field = value->seed;
        return;
    case WOM_KEY_BOOL:
        *(bool *)field = value->boolean;
        return;
    case WOM_KEY_CHOICE:
        *(int *)field = value->choice;
        return;
    case WOM_KEY_TEXT:
        snprintf(field, WOM_MAX_PATH, "%s", value->text);
        return;
    case WOM_KEY_SIZES:
        memcpy(field, value->sizes, sizeof value->sizes);
        *(int *)((char *)scenario + key->count_offset) = value->size_count;
        return;
    }
}

/* ---- sweep lists ------------------------------------------------------ */

typedef struct {
    char **items;
    size_t count, capacity;
} item_list;

static wom_status list_push(item_list *list, const char *item, size_t length) {
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 8;
        char **items = realloc(list->items, capacity * sizeof *items);
        if (items == NULL) {
            return WOM_ENOMEM;
        }
        list->items = items;
        list->capacity = capacity;
    }
    char *copy = malloc(length + 1);
    if (copy == NULL) {
        return WOM_ENOMEM;
    }
    memcpy(copy, item, length);
    copy[length] = '\0';
    list->items[list->count++] = copy;
    return WOM_OK;
}

static wom_status split_list(const char *text, item_list *list, where_t at, wom_error_t *error) {
    for (const char *p = text;;) {
        size_t length = strcspn(p, ",");
        const char *start = p;
        while (start < p + length && isspace((unsigned char)*start)) {
            start++;
        }
        size_t n = (size_t)(p + length - start);
        while (n > 0 && isspace((unsigned char)start[n - 1])) {
            n--;
        }
        if (n == 0) {
            return config_error(error, at, "empty item in list '%s'", text);
        }
        if (list->count == WOM_MAX_SWEEP) {
            return config_error(error, at, "list '%.40s...' has more than %d values", text,
                                WOM_MAX_SWEEP);
        }
        if (list_push(list, start, n) != WOM_OK) {
            return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
        }
        if (p[length] == '\0') {
            return WOM_OK;
        }
        p += length + 1;
    }
}

/* The three numbers of "start:stop:step". */
static wom_status range_bounds(const char *text, double bound[3], where_t at, wom_error_t *error) {
    char *copy = strdup(text);
    if (copy == NULL) {
        return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
    }
    char *part[3] = {copy, strchr(copy, ':'), NULL};
    if (part[1] != NULL) {
        *part[1]++ = '\0';
        part[2] = strchr(part[1], ':');
    }
    wom_status status = WOM_OK;
    if (part[2] == NULL || strchr(part[2] + 1, ':') != NULL) {
        status = config_error(error, at, "a range is written start:stop:step, not '%s'", text);
    } else {
        *part[2]++ = '\0';
    }
    for (int i = 0; i < 3 && status == WOM_OK; i++) {
        char why[WOM_MAX_PATH];
        if (!parse_real(trim(part[i]), &bound[i], why, sizeof why)) {
            status = config_error(error, at, "in range '%s': %s", text, why);
        }
    }
    free(copy);
    return status;
}

/* a, a + step, ... up to b (with slack for rounding), each as %.12g so that
 * 0.7:0.95:0.05 gives 0.7 ... 0.95 rather than 0.9500000000000001. */
static wom_status expand_range(const char *text, item_list *list, where_t at, wom_error_t *error) {
    double bound[3];
    wom_status status = range_bounds(text, bound, at, error);
    if (status != WOM_OK) {
        return status;
    }
    double start = bound[0], stop = bound[1], step = bound[2];
    if (step == 0) {
        return config_error(error, at, "step of zero in range '%s'", text);
    }
    if (step < 0) {
        return config_error(error, at, "negative step in range '%s'", text);
    }
    if (start > stop) {
        return config_error(error, at, "range '%s' starts above its end", text);
    }
    for (size_t i = 0;; i++) {
        double v = start + (double)i * step;
        if (v > stop + step * 1e-9) {
            return WOM_OK;
        }
        if (i == WOM_MAX_SWEEP) {
            return config_error(error, at, "range '%s' has more than %d values", text,
                                WOM_MAX_SWEEP);
        }
        char item[64];
        /* -0.3 + 3 * 0.1 is 5.6e-17, not 0 */
        int n = snprintf(item, sizeof item, "%.12g", fabs(v) < step * 1e-9 ? 0.0 : v);
        if (list_push(list, item, (size_t)n) != WOM_OK) {
            return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
        }
    }
}

static wom_status split_at(const char *text, char ***items, size_t *count, where_t at,
                           wom_error_t *error) {
    item_list list = {NULL, 0, 0};
    wom_status status;
    if (strchr(text, ',') != NULL) {
        status = split_list(text, &list, at, error);
    } else if (strchr(text, ':') != NULL) {
        status = expand_range(text, &list, at, error);
    } else {
        const char *start = text;
        size_t n = strlen(text);
        while (isspace((unsigned char)*start)) {
            start++, n--;
        }
        while (n > 0 && isspace((unsigned char)start[n - 1])) {
            n--;
        }
        status = list_push(&list, start, n);
        if (status != WOM_OK) {
            wom_error_set(error, status, at.file, at.line, "out of memory");
        }
    }
    if (status != WOM_OK) {
        wom_config_free_values(list.items, list.count);
        return status;
    }
    *items = list.items;
    *count = list.count;
    return WOM_OK;
}

wom_status wom_config_split_values(const char *text, char ***items, size_t *count,
                                   wom_error_t *error) {
    if (text == NULL || items == NULL || count == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_split_values: NULL argument");
    }
    return split_at(text, items, count, (where_t){"", 0}, error);
}

/* ---- assigning keys --------------------------------------------------- */

/* The items `text` gives key `k`: a list or range for sweepable types, the
 * whole text for SIZES (its commas are the list) and TEXT. */
static wom_status items_of(size_t k, const char *text, char ***items, size_t *count, where_t at,
                           wom_error_t *error) {
    const wom_key_t *key = &key_table[k];
    if (key->type == WOM_KEY_SIZES && strchr(text, ':') != NULL) {
        return config_error(error, at, "%s cannot be swept (its commas list the block sizes)",
                            key->name);
    }
    if (key->type != WOM_KEY_SIZES && key->type != WOM_KEY_TEXT) {
        wom_error_t detail;
        wom_status status = split_at(text, items, count, at, &detail);
        if (status == WOM_ECONFIG) {
            return config_error(error, at, "%s: %s", key->name, detail.message);
        }
        return status == WOM_OK
                   ? WOM_OK
                   : wom_error_set(error, status, at.file, at.line, "%s", detail.message);
    }
    char *copy = strdup(text);
    *items = malloc(sizeof **items);
    if (copy == NULL || *items == NULL) {
        free(copy);
        free(*items);
        return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
    }
    (*items)[0] = copy;
    *count = 1;
    return WOM_OK;
}

/* Checks every item against the key and replaces it by its canonical text. */
static wom_status canonicalise(const wom_key_t *key, char **items, size_t count, where_t at,
                               wom_error_t *error) {
    for (size_t i = 0; i < count; i++) {
        value_t value;
        char text[WOM_MAX_PATH];
        if (!parse_value(key, items[i], &value, text, sizeof text)) {
            return config_error(error, at, "%s", text);
        }
        format_value(key, &value, text);
        char *canonical = strdup(text);
        if (canonical == NULL) {
            return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
        }
        free(items[i]);
        items[i] = canonical;
    }
    return WOM_OK;
}

/* Refuses a value count that would overflow the number of sweep points. */
static wom_status check_points(const wom_config_t *config, size_t k, size_t count, where_t at,
                               wom_error_t *error) {
    size_t points = count;
    for (size_t j = 0; j < KEY_COUNT; j++) {
        size_t n = config->keys[j].count;
        if (j == k || n <= 1) {
            continue;
        }
        if (points > SIZE_MAX / n) {
            return config_error(error, at, "the sweep would have more than %zu points",
                                (size_t)SIZE_MAX);
        }
        points *= n;
    }
    return WOM_OK;
}

/* Sets key `k` from `text` (one value, a list or a range), every item
 * checked; on error the key keeps its old values. */
static wom_status assign(wom_config_t *config, size_t k, const char *text, where_t at,
                         wom_error_t *error) {
    char **items = NULL;
    size_t count = 0;
    wom_status status = items_of(k, text, &items, &count, at, error);
    if (status == WOM_OK) {
        status = canonicalise(&key_table[k], items, count, at, error);
    }
    if (status == WOM_OK) {
        status = check_points(config, k, count, at, error);
    }
    if (status != WOM_OK) {
        wom_config_free_values(items, count);
        return status;
    }
    key_state *state = &config->keys[k];
    release_values(state);
    state->values = items;
    state->count = count;
    snprintf(state->file, sizeof state->file, "%s", at.file);
    state->line = at.line;
    state->last_set = ++config->assignments;
    if (state->first_set == 0) {
        state->first_set = state->last_set;
    }
    return WOM_OK;
}

wom_status wom_config_alloc(wom_config_t **config) {
    if (config == NULL) {
        return WOM_EINVAL;
    }
    wom_config_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return WOM_ENOMEM;
    }
    for (size_t k = 0; k < KEY_COUNT; k++) {
        wom_status status = assign(c, k, key_table[k].default_value, (where_t){"", 0}, NULL);
        if (status != WOM_OK) { /* WOM_ECONFIG here is a bad default in the table */
            wom_config_free(c);
            return status == WOM_ENOMEM ? WOM_ENOMEM : WOM_EINVAL;
        }
        c->keys[k].first_set = c->keys[k].last_set = 0;
    }
    c->assignments = 0;
    *config = c;
    return WOM_OK;
}

/* ---- reading a file --------------------------------------------------- */

/* State of one file being read: our reader and handler share it. */
typedef struct {
    wom_config_t *config;   /* the working copy being filled */
    const char *path;       /* the scenario file */
    FILE *fp;               /* open on `path` */
    long line;              /* lines read so far = the line inih is on */
    bool indented;          /* the current line starts with a blank */
    bool after_key;         /* inih reads an indented line here as a continuation */
    size_t pending_key;     /* the key whose list continues, while pending_text */
    char *pending_text;     /* a list whose line ended with ','; NULL if none */
    long pending_line;      /* where that list began */
    long set_on[KEY_COUNT]; /* line where each key was set in this file, 0 = not */
    wom_status status;      /* the first error (WOM_OK while none) */
    wom_error_t detail;     /* its file, line and message */
} file_reading;

static char *reader_fail(file_reading *r, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static char *reader_fail(file_reading *r, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(r->detail.message, sizeof r->detail.message, format, args);
    va_end(args);
    snprintf(r->detail.file, sizeof r->detail.file, "%s", r->path);
    r->detail.line = r->line + 1;
    r->status = WOM_ECONFIG;
    return NULL;
}

static wom_status assign_from_file(file_reading *r, size_t k, const char *text, where_t at) {
    return assign(r->config, k, text, at, &r->detail);
}

/* Assigns a list that was waiting for continuation lines. */
static void flush_pending(file_reading *r) {
    if (r->pending_text == NULL) {
        return;
    }
    char *text = r->pending_text;
    r->pending_text = NULL;
    r->status = assign_from_file(r, r->pending_key, text, (where_t){r->path, r->pending_line});
    free(text);
}

/* Where inih ends a section name: at ']' or an inline ';' comment. */
static const char *section_end(const char *s) {
    bool was_space = false;
    while (*s != '\0' && *s != ']' && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return s;
}

/* Where an inline comment (';' after a blank) starts, or the end. */
static const char *comment_start(const char *s) {
    bool was_space = false;
    while (*s != '\0' && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return s;
}

/* A section header ends any list and must name a known section; checked
 * here because inih only calls the handler for keys. */
static void section_line(file_reading *r, const char *name) {
    const char *end = section_end(name);
    if (*end != ']') {
        return; /* inih reports the line */
    }
    flush_pending(r);
    r->after_key = false;
    char section[SUGGEST_MAX_LENGTH + 1];
    snprintf(section, sizeof section, "%.*s", (int)(end - name), name);
    if (r->status == WOM_OK && !section_known(section)) {
        r->status = unknown_section(section, (where_t){r->path, r->line}, &r->detail);
    }
}

/* Follows inih's reading of the line: comment, continuation, section. */
static void inspect_line(file_reading *r, const char *line) {
    const char *start = line;
    if (r->line == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0) {
        start += 3;
    }
    r->indented = isspace((unsigned char)*start);
    while (isspace((unsigned char)*start)) {
        start++;
    }
    if (*start == '\0' || *start == ';' || *start == '#' || (r->indented && r->after_key)) {
        return;
    }
    if (*start == '[') {
        section_line(r, start + 1);
    }
}

/* An fgets for inih that counts lines, drops "\r\n" and "\n", and refuses a
 * line that does not fit instead of letting inih split it. */
static char *read_line(char *buffer, int size, void *stream) {
    file_reading *r = stream;
    size_t length = 0;
    int c = EOF;
    while (r->status == WOM_OK && (c = getc(r->fp)) != EOF && c != '\n') {
        if (c == '\r') {
            int next = getc(r->fp);
            ungetc(next, r->fp);
            if (next == '\n') {
                continue;
            }
        }
        if (c == '\0') {
            return reader_fail(r, "line contains a NUL byte (is this a text file?)");
        }
        if (length + 1 >= (size_t)size) {
            return reader_fail(r, "line is longer than %d characters", size - 1);
        }
        buffer[length++] = (char)c;
    }
    if (r->status == WOM_OK && ferror(r->fp)) {
        reader_fail(r, "cannot read: %s", strerror(errno));
        r->status = WOM_ENOENT;
    }
    if (r->status != WOM_OK || (c == EOF && length == 0)) {
        return NULL;
    }
    buffer[length] = '\0';
    r->line++;
    inspect_line(r, buffer);
    return r->status == WOM_OK ? buffer : NULL;
}

static bool ends_with_comma(const char *text) {
    size_t n = strlen(text);
    return n > 0 && text[n - 1] == ',';
}

static void start_key(file_reading *r, const char *section, const char *name, const char *value) {
    where_t at = {r->path, r->line};
    size_t k;
    flush_pending(r);
    if (r->status != WOM_OK) {
        return;
    }
    if (section[0] == '\0') {
        r->status = config_error(&r->detail, at, "key '%s' is outside any [section]", name);
        return;
    }
    r->status = find_key(section, name, at, &r->detail, &k);
    if (r->status != WOM_OK) {
        return;
    }
    if (r->set_on[k] != 0) {
        r->status = config_error(&r->detail, at, "duplicate key %s (first set on line %ld)",
                                 key_table[k].name, r->set_on[k]);
        return;
    }
    r->set_on[k] = at.line;
    if (!ends_with_comma(value)) {
        r->status = assign_from_file(r, k, value, at);
        return;
    }
    r->pending_text = strdup(value);
    r->pending_key = k;
    r->pending_line = at.line;
    if (r->pending_text == NULL) {
        r->status = wom_error_set(&r->detail, WOM_ENOMEM, r->path, at.line, "out of memory");
    }
}

/* An indented line after a key: inih passes it as more of that key's value,
 * without taking off an inline comment as it does for key lines. */
static void continue_list(file_reading *r, const char *line) {
    char uncommented[WOM_MAX_PATH];
    snprintf(uncommented, sizeof uncommented, "%.*s", (int)(comment_start(line) - line), line);
    const char *value = trim(uncommented);
    if (r->pending_text == NULL) {
        r->status = config_error(&r->detail, (where_t){r->path, r->line},
                                 "indented line would continue the value above; only a list "
                                 "whose line ends with ',' may continue (remove the indent)");
        return;
    }
    size_t old = strlen(r->pending_text), add = strlen(value);
    char *text = realloc(r->pending_text, old + add + 2);
    if (text == NULL) {
        r->status = wom_error_set(&r->detail, WOM_ENOMEM, r->path, r->line, "out of memory");
        return;
    }
    text[old] = ' ';
    memcpy(text + old + 1, value, add + 1);
    r->pending_text = text;
    if (!ends_with_comma(value)) {
        flush_pending(r);
    }
}

static int on_key(void *user, const char *section, const char *name, const char *value) {
    file_reading *r = user;
    if (r->status != WOM_OK) {
        return 0;
    }
    if (r->indented && r->after_key) {
        continue_list(r, value);
    } else {
        r->after_key = true;
        start_key(r, section, name, value);
    }
    return r->status == WOM_OK;
}

/* Reads `r->fp` into `r->config`; the first error (by line) wins. */
static wom_status read_scenario(file_reading *r) {
    int first_error = ini_parse_stream(read_line, r, on_key, r);
    if (r->status == WOM_OK) {
        flush_pending(r);
    }
    free(r->pending_text);
    if (first_error < 0) {
        return WOM_ENOMEM;
    }
    if (first_error > 0 && (r->status == WOM_OK || first_error < r->detail.line)) {
        return config_error(&r->detail, (where_t){r->path, first_error},
                            "expected 'key = value' or '[section]'");
    }
    return r->status;
}

wom_status wom_config_read_file(wom_config_t *config, const char *path, wom_error_t *error) {
    if (config == NULL || path == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_read_file: NULL argument");
    }
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        return wom_error_set(error, WOM_ENOENT, path, 0, "cannot open: %s", strerror(errno));
    }
    file_reading *r = calloc(1, sizeof *r);
    wom_config_t *work = NULL;
    wom_status status = r == NULL ? WOM_ENOMEM : config_copy(config, &work);
    if (status == WOM_OK) {
        r->config = work;
        r->path = path;
        r->fp = fp;
        status = read_scenario(r);
        if (status != WOM_OK && error != NULL) {
            *error = r->detail;
        }
    } else {
        wom_error_set(error, status, path, 0, "out of memory");
    }
    fclose(fp);
    free(r);
    if (status != WOM_OK) {
        wom_config_free(work);
        return status;
    }
    snprintf(work->last_file, sizeof work->last_file, "%s", path);
    config_replace(config, work);
    return WOM_OK;
}

/* ---- overrides -------------------------------------------------------- */

/* Splits "section.key=value" into its parts (trimmed, in `copy`). */
static bool split_assignment(char *copy, char **section, char **name, char **value) {
    char *equals = strchr(copy, '=');
    if (equals == NULL) {
        return false;
    }
    *equals = '\0';
    *value = trim(equals + 1);
    *section = trim(copy);
    char *dot = strchr(*section, '.');
    if (dot == NULL || dot == *section || dot[1] == '\0') {
        return false;
    }
    *dot = '\0';
    *name = dot + 1;
    return true;
}

/* A TEXT value must survive the dump: one line, no inline comment. */
static wom_status check_text_line(const wom_key_t *key, const char *value, where_t at,
                                  wom_error_t *error) {
    if (key->type != WOM_KEY_TEXT) {
        return WOM_OK;
    }
    if (strpbrk(value, "\r\n") != NULL) {
        return config_error(error, at, "%s: a value cannot contain a line break", key->name);
    }
    for (const char *p = strchr(value, ';'); p != NULL; p = strchr(p + 1, ';')) {
        if (isspace((unsigned char)p[-1])) {
            return config_error(error, at, "%s: ' ;' would start a comment in a scenario file",
                                key->name);
        }
    }
    return WOM_OK;
}

wom_status wom_config_set(wom_config_t *config, const char *assignment, wom_error_t *error) {
    const where_t at = {"--set", 0};
    if (config == NULL || assignment == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_set: NULL argument");
    }
    char *copy = strdup(assignment);
    if (copy == NULL) {
        return wom_error_set(error, WOM_ENOMEM, at.file, 0, "out of memory");
    }
    char *section = NULL, *name = NULL, *value = NULL;
    size_t k = 0;
    wom_status status;
    if (!split_assignment(copy, &section, &name, &value)) {
        status = config_error(error, at, "--set expects section.key=value, not '%s'", assignment);
    } else {
        status = find_key(section, name, at, error, &k);
    }
    if (status == WOM_OK) {
        status = check_text_line(&key_table[k], value, at, error);
    }
    if (status == WOM_OK) {
        status = assign(config, k, value, at, error);
    }
    free(copy);
    return status;
}

/* ---- sweep points and scenarios --------------------------------------- */

size_t wom_config_points(const wom_config_t *config) {
    size_t points = 1;
    for (size_t k = 0; config != NULL && k < KEY_COUNT; k++) {
        if (config->keys[k].count > 1) {
            points *= config->keys[k].count; /* assign() keeps this from overflowing */
        }
    }
    return points;
}

/* The value index of every key at `point`: swept keys in the order they
 * were first set, mixed radix with the last one varying fastest. */
static void point_values(const wom_config_t *config, size_t point, size_t chosen[KEY_COUNT]) {
    size_t swept[KEY_COUNT], n = 0;
    for (size_t k = 0; k < KEY_COUNT; k++) {
        chosen[k] = 0;
        if (config->keys[k].count <= 1) {
            continue;
        }
        size_t j = n++;
        for (; j > 0 && config->keys[swept[j - 1]].first_set > config->keys[k].first_set; j--) {
            swept[j] = swept[j - 1];
        }
        swept[j] = k;
    }
    for (size_t j = n; j-- > 0;) {
        size_t count = config->keys[swept[j]].count;
        chosen[swept[j]] = point % count;
        point /= count;
    }
}

/* The rules that join keys. Each returns true when it holds, else says why.
 * To add one: write the function and add a row to `rules` below. */
typedef bool rule_holds(const wom_scenario_t *s, char *why, size_t size);

static bool degree_below_nodes(const wom_scenario_t *s, char *why, size_t size) {
    int model = s->network.model;
    if ((model != WOM_NET_ERDOS_RENYI && model != WOM_NET_WATTS_STROGATZ) ||
        s->network.mean_degree <= (double)(s->network.nodes - 1)) {
        return true;
    }
    char degree[32];
    wom_text_format_number(degree, sizeof degree, s->network.mean_degree);
    snprintf(why, size, "network.mean_degree = %s must be at most network.nodes - 1 = %lld", degree,
             (long long)(s->network.nodes - 1));
    return false;
}

/* igraph's small-world, configuration and karate graphs are undirected. */
static bool directed_supported(const wom_scenario_t *s, char *why, size_t size) {
    static const char *const undirected_only[] = {
        [WOM_NET_WATTS_STROGATZ] = "watts-strogatz",
        [WOM_NET_CONFIGURATION] = "configuration",
        [WOM_NET_KARATE] = "karate",
    };
    int model = s->network.model;
    if (!s->network.directed || model >= (int)(sizeof undirected_only / sizeof(char *)) ||
        undirected_only[model] == NULL) {
        return true;
    }
    snprintf(why, size, "network.directed = true is not available for network.model = %s",
             undirected_only[model]);
    return false;
}

static bool ring_lattice_degree(const wom_scenario_t *s, char *why, size_t size) {
    double degree = s->network.mean_degree;
    if (s->network.model != WOM_NET_WATTS_STROGATZ || (degree >= 2 && fmod(degree, 2) == 0)) {
        return true;
    }
    char text[32];
    wom_text_format_number(text, sizeof text, degree);
    snprintf(why, size,
             "network.mean_degree = %s must be an even integer of at least 2 for watts-strogatz",
             text);
    return false;
}

static bool links_below_nodes(const wom_scenario_t *s, char *why, size_t size) {
    if (s->network.model != WOM_NET_BARABASI_ALBERT || s->network.m < s->network.nodes) {
        return true;
    }
    snprintf(why, size, "network.m = %lld must be below network.nodes = %lld for barabasi-albert",
             (long long)s->network.m, (long long)s->network.nodes);
    return false;
}

/* For sbm, network.nodes is the sum of the blocks (set before the rules). */
static bool blocks_given(const wom_scenario_t *s, char *why, size_t size) {
    if (s->network.model != WOM_NET_SBM) {
        return true;
    }
    if (s->network.block_count == 0) {
        snprintf(why, size, "network.model = sbm needs network.blocks (the block sizes)");
        return false;
    }
    if (s->network.nodes > (int64_t)UINT32_NODES) {
        snprintf(why, size, "the sum of network.blocks, %lld, exceeds %.0f nodes",
                 (long long)s->network.nodes, UINT32_NODES);
        return false;
    }
    return true;
}

static bool file_given(const wom_scenario_t *s, char *why, size_t size) {
    if (s->network.model != WOM_NET_FILE || s->network.file[0] != '\0') {
        return true;
    }
    snprintf(why, size, "network.model = file needs network.file (the graph file)");
    return false;
}

static bool min_degree_below_nodes(const wom_scenario_t *s, char *why, size_t size) {
    if (s->network.model != WOM_NET_CONFIGURATION || s->network.min_degree < s->network.nodes) {
        return true;
    }
    snprintf(why, size,
             "network.min_degree = %lld must be below network.nodes = %lld for configuration",
             (long long)s->network.min_degree, (long long)s->network.nodes);
    return false;
}

static bool initial_shares(const wom_scenario_t *s, char *why, size_t size) {
    double sum = s->population.initial_customers + s->population.initial_aware;
    if (sum <= 1 + 1e-12) {
        return true;
    }
    snprintf(why, size, "population.initial_customers + population.initial_aware = %.12g exceeds 1",
             sum);
    return false;
}

static bool base_below_max(const wom_scenario_t *s, char *why, size_t size) {
    if (s->adoption.base <= s->adoption.max) {
        return true;
    }
    char base[32], max[32];
    wom_text_format_number(base, sizeof base, s->adoption.base);
    wom_text_format_number(max, sizeof max, s->adoption.max);
    snprintf(why, size, "adoption.base = %s exceeds adoption.max = %s", base, max);
    return false;
}

static bool negbin_dispersion(const wom_scenario_t *s, char *why, size_t size) {
    if (s->wom.tell_distribution != WOM_TELL_NEGBIN || s->wom.dispersion > 0) {
        return true;
    }
    snprintf(why, size, "wom.dispersion must be above 0 for wom.tell_distribution = negbin");
    return false;
}

/* A broken rule cites the most recently set of its keys. */
static const struct {
    rule_holds *holds;
    const char *cites[3];
} rules[] = {
    {degree_below_nodes, {"network.mean_degree", "network.nodes", "network.model"}},
    {ring_lattice_degree, {"network.mean_degree", "network.model", NULL}},
    {directed_supported, {"network.directed", "network.model", NULL}},
    {links_below_nodes, {"network.m", "network.nodes", "network.model"}},
    {blocks_given, {"network.blocks", "network.model", NULL}},
    {file_given, {"network.file", "network.model", NULL}},
    {min_degree_below_nodes, {"network.min_degree", "network.nodes", "network.model"}},
    {initial_shares, {"population.initial_customers", "population.initial_aware", NULL}},
    {base_below_max, {"adoption.base", "adoption.max", NULL}},
    {negbin_dispersion, {"wom.dispersion", "wom.tell_distribution", NULL}},
};

/* Where the latest setting of the cited keys was made; a rule broken by
 * defaults alone cites the scenario file (line 0), or nothing. */
static where_t cite(const wom_config_t *config, const char *const cites[3]) {
    const key_state *latest = NULL;
    for (int i = 0; i < 3 && cites[i] != NULL; i++) {
        const key_state *state = &config->keys[wom_config_key(cites[i]) - key_table];
        if (state->last_set != 0 && (latest == NULL || state->last_set > latest->last_set)) {
            latest = state;
        }
    }
    if (latest == NULL) {
        return (where_t){config->last_file, 0};
    }
    return (where_t){latest->file, latest->line};
}

static wom_status check_rules(const wom_config_t *config, const wom_scenario_t *scenario,
                              wom_error_t *error) {
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        char why[512];
        if (!rules[i].holds(scenario, why, sizeof why)) {
            return config_error(error, cite(config, rules[i].cites), "%s", why);
        }
    }
    return WOM_OK;
}

/* sbm ignores network.nodes and takes the sum of the blocks. Checking that
 * the two agree instead would break the dump, which writes nodes out. */
static void derive_sbm_nodes(wom_scenario_t *s) {
    if (s->network.model != WOM_NET_SBM || s->network.block_count == 0) {
        return;
    }
    s->network.nodes = 0;
    for (int b = 0; b < s->network.block_count; b++) {
        s->network.nodes += s->network.blocks[b];
    }
}

/* A relative path set in a scenario file is taken from that file's folder,
 * so the stored value (and the dump and hash) stays as written while the
 * program finds the file from wherever it is started. */
static wom_status resolve_paths(const wom_config_t *config, wom_scenario_t *scenario,
                                wom_error_t *error) {
    for (size_t k = 0; k < KEY_COUNT; k++) {
        const key_state *state = &config->keys[k];
        char *path = (char *)scenario + key_table[k].offset;
        const char *slash = strrchr(state->file, '/');
        if (key_table[k].type != WOM_KEY_TEXT || path[0] == '/' || path[0] == '\0' ||
            slash == NULL || strcmp(state->file, "--set") == 0) {
            continue;
        }
        char resolved[WOM_MAX_PATH];
        if (snprintf(resolved, sizeof resolved, "%.*s/%s", (int)(slash - state->file), state->file,
                     path) >= (int)sizeof resolved) {
            return config_error(error, (where_t){state->file, state->line},
                                "%s: the path '%s' from the scenario's folder is longer than "
                                "%d characters",
                                key_table[k].name, path, WOM_MAX_PATH - 1);
        }
        memcpy(path, resolved, sizeof resolved);
    }
    return WOM_OK;
}

wom_status wom_config_scenario(const wom_config_t *config, size_t point, wom_scenario_t *scenario,
                               wom_error_t *error) {
    if (config == NULL || scenario == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_scenario: NULL argument");
    }
    size_t points = wom_config_points(config);
    if (point >= points) {
        return wom_error_set(error, WOM_EINVAL, "", 0,
                             "sweep point %zu does not exist (the sweep has %zu)", point, points);
    }
    size_t chosen[KEY_COUNT];
    point_values(config, point, chosen);
    memset(scenario, 0, sizeof *scenario);
    for (size_t k = 0; k < KEY_COUNT; k++) {
        value_t value;
        char why[WOM_MAX_PATH];
        if (!parse_value(&key_table[k], config->keys[k].values[chosen[k]], &value, why,
                         sizeof why)) {
            return wom_error_set(error, WOM_EINVAL, "", 0, "stored value rejected: %s", why);
        }
        store_value(&key_table[k], &value, scenario);
    }
    derive_sbm_nodes(scenario);
    wom_status status = resolve_paths(config, scenario, error);
    return status == WOM_OK ? check_rules(config, scenario, error) : status;
}

/* ---- the canonical dump and its hash ---------------------------------- */

#define DUMP_WIDTH 78 /* lists wrap after a comma before this column */

/* Writes the items of a canonical value ("a, b, c"), wrapping long lists
 * onto indented lines after a comma, which the reader joins again. */
static void dump_items(wom_text_t *b, const char *value, bool *first, size_t *column) {
    for (const char *p = value;;) {
        const char *separator = strstr(p, ", ");
        size_t n = separator ? (size_t)(separator - p) : strlen(p);
        if (n > 0) {
            bool wrap = !*first && *column + 2 + n > DUMP_WIDTH;
            wom_text_printf(b, "%s", *first ? " " : wrap ? ",\n    " : ", ");
            *column = (wrap ? 4 : *column + (*first ? 1 : 2)) + n;
            wom_text_printf(b, "%.*s", (int)n, p);
            *first = false;
        }
        if (separator == NULL) {
            return;
        }
        p = separator + 2;
    }
}

static void dump_key(wom_text_t *b, const wom_key_t *key, const key_state *state) {
    const char *name = key_suffix(key);
    wom_text_printf(b, "%s", name);
    wom_text_printf(b, " =");
    if (key->type == WOM_KEY_TEXT) {
        if (state->values[0][0] != '\0') {
            wom_text_printf(b, " ");
            wom_text_printf(b, "%s", state->values[0]);
        }
    } else {
        bool first = true;
        size_t column = strlen(name) + 2;
        for (size_t v = 0; v < state->count; v++) {
            dump_items(b, state->values[v], &first, &column);
        }
    }
    wom_text_printf(b, "\n");
}

wom_status wom_config_dump(const wom_config_t *config, char **text) {
    if (config == NULL || text == NULL) {
        return WOM_EINVAL;
    }
    wom_text_t b;
    wom_text_init(&b);
    wom_text_printf(&b, "# womsim scenario (canonical)\n");
    for (size_t k = 0; k < KEY_COUNT; k++) {
        const wom_key_t *key = &key_table[k];
        size_t length = section_length(key);
        if (k == 0 || length != section_length(key - 1) ||
            strncmp(key->name, key[-1].name, length) != 0) {
            wom_text_printf(&b, "%s", k == 0 ? "[" : "\n[");
            wom_text_printf(&b, "%.*s", (int)length, key->name);
            wom_text_printf(&b, "]\n");
        }
        dump_key(&b, key, &config->keys[k]);
    }
    if (b.failed) {
        wom_text_destroy(&b);
        return WOM_ENOMEM;
    }
    *text = b.data;
    return WOM_OK;
}

wom_status wom_config_hash(const wom_config_t *config, char hex[65]) {
    if (hex == NULL) {
        return WOM_EINVAL;
    }
    char *text;
    wom_status status = wom_config_dump(config, &text);
    if (status != WOM_OK) {
        return status;
    }
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA2_CTX context;
    SHA256Init(&context);
    SHA256Update(&context, (const uint8_t *)text, strlen(text));
    SHA256Final(digest, &context);
    for (size_t i = 0; i < sizeof digest; i++) {
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }
    free(text);
    return WOM_OK;
}
