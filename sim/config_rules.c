/* config_rules.c: the rules that join keys, checked on every resolved
 * sweep point: limits one key sets on another (a mean degree below the
 * node count, a subcritical hearsay, a Bass probability at most 1, ...).
 * Owns the rule table, which keys each rule cites when it is broken (the
 * one set most recently, so the message names the line to change), and
 * the sbm node count derived from the blocks before the rules run.
 *
 * Workload: a few comparisons per rule, once per sweep point before it runs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "womsim/text.h"

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

/* The Watts-Strogatz, configuration and karate graphs are undirected. */
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

/* A replication's own network is a new draw of a random model: a file is
 * read as it is, and ring, complete and karate draw nothing. */
static bool network_can_vary(const wom_scenario_t *s, char *why, size_t size) {
    static const char *const fixed[] = {
        [WOM_NET_RING] = "ring",
        [WOM_NET_COMPLETE] = "complete",
        [WOM_NET_KARATE] = "karate",
        [WOM_NET_FILE] = "file",
    };
    int model = s->network.model;
    if (!s->network.per_replication || model >= (int)(sizeof fixed / sizeof(char *)) ||
        fixed[model] == NULL) {
        return true;
    }
    snprintf(why, size,
             "network.per_replication = true needs a random network model, but network.model = "
             "%s %s",
             fixed[model],
             model == WOM_NET_FILE ? "is read from its file, the same for every replication"
                                   : "draws nothing: every replication would get the same graph");
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

/* A file named .sg or .mtx read as an edge list would fail on its first
 * line: the format is asked for rather than guessed, so that the scenario
 * (and its dump) says how its file is read. */
static bool format_fits_extension(const wom_scenario_t *s, char *why, size_t size) {
    static const struct {
        const char *extension, *what, *format;
    } formats[] = {{".sg", "GAP's serialized graph", "sg"}, {".mtx", "Matrix Market", "mtx"}};
    const char *dot = strrchr(s->network.file, '.');
    if (s->network.model != WOM_NET_FILE || s->network.format != WOM_FORMAT_SNAP || dot == NULL) {
        return true;
    }
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcasecmp(dot, formats[i].extension) == 0) {
            snprintf(why, size,
                     "network.file ends in %s (%s), but network.format is snap: set "
                     "network.format = %s",
                     formats[i].extension, formats[i].what, formats[i].format);
            return false;
        }
    }
    return true;
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

/* Failure modes replace 1 - quality; a quality set beside them would be
 * silently ignored. Compared by value so that a dump reads back. */
static bool quality_or_failures(const wom_scenario_t *s, char *why, size_t size) {
    double quality = strtod(wom_config_key("service.quality")->default_value, NULL);
    if (s->failure_count == 0 || s->service.quality == quality) {
        return true;
    }
    snprintf(why, size,
             "service.quality is not used when [failure.*] sections are given; remove it or the "
             "failure sections");
    return false;
}

/* Segments are the SBM blocks; any other network is one segment. */
static bool expectations_per_segment(const wom_scenario_t *s, char *why, size_t size) {
    int count = s->segments.expectation_count;
    int segments = s->network.model == WOM_NET_SBM ? s->network.block_count : 1;
    if (count <= 1 || count == segments) {
        return true;
    }
    snprintf(why, size, "network.expectations has %d values but the network has %d segment%s",
             count, segments, segments == 1 ? "" : "s");
    return false;
}

/* Each message passed on makes forward_prob x forward_tell_mean new ones on
 * average; at 1 or more hearsay never dies out and grows without bound. */
static bool hearsay_subcritical(const wom_scenario_t *s, char *why, size_t size) {
    double offspring = s->wom.forward_prob * s->wom.forward_tell_mean;
    if (s->model.kind != WOM_KIND_WOM || offspring < 1) {
        return true;
    }
    snprintf(why, size,
             "wom.forward_prob x wom.forward_tell_mean = %.6g must be below 1, or hearsay grows "
             "without end",
             offspring);
    return false;
}

#define KARATE_NODES 34 /* Zachary's karate club */

/* Seeds of a classic model, drawn without replacement from the nodes. A
 * file's graph is known only once it is read, so it is checked there. */
static bool seeds_within_nodes(const char *key, int64_t seeds, const wom_scenario_t *s, char *why,
                               size_t size) {
    int model = s->network.model;
    int64_t nodes = model == WOM_NET_KARATE ? KARATE_NODES : s->network.nodes;
    if (model == WOM_NET_FILE || seeds <= nodes) {
        return true;
    }
    snprintf(why, size, "%s = %lld must be at most %s = %lld", key, (long long)seeds,
             model == WOM_NET_SBM      ? "the sum of network.blocks"
             : model == WOM_NET_KARATE ? "the karate graph's nodes"
                                       : "network.nodes",
             (long long)nodes);
    return false;
}

static bool ic_seeds_within_nodes(const wom_scenario_t *s, char *why, size_t size) {
    return s->model.kind != WOM_KIND_IC ||
           seeds_within_nodes("ic.seeds", s->ic.seeds, s, why, size);
}

static bool sir_seeds_within_nodes(const wom_scenario_t *s, char *why, size_t size) {
    return s->model.kind != WOM_KIND_SIR ||
           seeds_within_nodes("sir.seeds", s->sir.seeds, s, why, size);
}

#define RULE_CITES 5 /* keys a rule may cite */

/* A broken rule cites the most recently set of its keys. */
static const struct {
    rule_holds *holds;
    const char *cites[RULE_CITES];
} rules[] = {
    {degree_below_nodes, {"network.mean_degree", "network.nodes", "network.model"}},
    {ring_lattice_degree, {"network.mean_degree", "network.model", NULL}},
    {directed_supported, {"network.directed", "network.model", NULL}},
    {links_below_nodes, {"network.m", "network.nodes", "network.model"}},
    {blocks_given, {"network.blocks", "network.model", NULL}},
    {file_given, {"network.file", "network.model", NULL}},
    {format_fits_extension, {"network.format", "network.file", "network.model", NULL}},
    {network_can_vary, {"network.per_replication", "network.model", NULL}},
    {min_degree_below_nodes, {"network.min_degree", "network.nodes", "network.model"}},
    {initial_shares, {"population.initial_customers", "population.initial_aware", NULL}},
    {base_below_max, {"adoption.base", "adoption.max", NULL}},
    {negbin_dispersion, {"wom.dispersion", "wom.tell_distribution", NULL}},
    {quality_or_failures, {"service.quality", NULL}},
    {expectations_per_segment, {"network.expectations", "network.blocks", "network.model", NULL}},
    {ic_seeds_within_nodes,
     {"ic.seeds", "network.nodes", "network.blocks", "network.model", "model.kind"}},
    {sir_seeds_within_nodes,
     {"sir.seeds", "network.nodes", "network.blocks", "network.model", "model.kind"}},

    {hearsay_subcritical, {"wom.forward_prob", "wom.forward_tell_mean", "model.kind", NULL}},
};

/* Where the latest setting of the cited keys was made; a rule broken by
 * defaults alone cites the scenario file (line 0), or nothing. */
static where_t cite(const wom_config_t *config, const char *const cites[RULE_CITES]) {
    const key_state *latest = NULL;
    for (int i = 0; i < RULE_CITES && cites[i] != NULL; i++) {
        const key_state *state = &config->keys[wom_config_key(cites[i]) - wom_config_table];
        if (state->last_set != 0 && (latest == NULL || state->last_set > latest->last_set)) {
            latest = state;
        }
    }
    if (latest == NULL) {
        return (where_t){config->last_file, 0};
    }
    return (where_t){latest->file, latest->line};
}

wom_status wom_config_check_rules(const wom_config_t *config, const wom_scenario_t *scenario,
                                  wom_error_t *error) {
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        char why[512];
        if (!rules[i].holds(scenario, why, sizeof why)) {
            return wom_config_error(error, cite(config, rules[i].cites), "%s", why);
        }
    }
    return WOM_OK;
}

void wom_config_derive_sbm_nodes(wom_scenario_t *s) {
    if (s->network.model != WOM_NET_SBM || s->network.block_count == 0) {
        return;
    }
    s->network.nodes = 0;
    for (int b = 0; b < s->network.block_count; b++) {
        s->network.nodes += s->network.blocks[b];
    }
}
