/* test_config.c: unit tests of the config module: the key table, reading
 * scenario files (values, every error with its file and line), --set
 * overrides, sweep lists and points, the rules that join keys, the canonical
 * dump (it must read back to the same config) and its hash.
 * Run from the repository root: fixtures are under tests/data/config/.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sha2.h>

#include "womsim/config.h"

#define FULL     "tests/data/config/full.ini"
#define RELATIVE "tests/data/config/relative.ini"
#define FAILURES "tests/data/config/failures.ini"

/* ---- helpers ---------------------------------------------------------- */

static wom_config_t *new_config(void) {
    wom_config_t *config = NULL;
    assert_int_equal(wom_config_alloc(&config), WOM_OK);
    assert_non_null(config);
    return config;
}

/* Writes `length` bytes to a new temporary file; `path` holds 64 bytes. */
static void write_temp(char *path, const char *content, size_t length) {
    snprintf(path, 64, "/tmp/womsim-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(content, 1, length, fp), length);
    assert_int_equal(fclose(fp), 0);
}

static void expect_message(const wom_error_t *error, const char *part) {
    if (strstr(error->message, part) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", error->message, part);
    }
}

/* Reads `content` (of `length` bytes) as a scenario file, expecting an error
 * at `line` whose message contains `part`. */
static void expect_bytes_error(const char *content, size_t length, wom_status status, long line,
                               const char *part) {
    char path[64];
    write_temp(path, content, length);
    wom_config_t *config = new_config();
    wom_error_t error;
    wom_error_clear(&error);
    assert_int_equal(wom_config_read_file(config, path, &error), status);
    assert_string_equal(error.file, path);
    assert_int_equal(error.line, line);
    expect_message(&error, part);
    wom_config_free(config);
    unlink(path);
}

static void expect_file_error(const char *content, long line, const char *part) {
    expect_bytes_error(content, strlen(content), WOM_ECONFIG, line, part);
}

/* Reads `content` as a scenario file into `config`, which must succeed. */
static void read_text(wom_config_t *config, const char *content) {
    char path[64];
    write_temp(path, content, strlen(content));
    wom_error_t error;
    wom_error_clear(&error);
    wom_status status = wom_config_read_file(config, path, &error);
    unlink(path);
    if (status != WOM_OK) {
        fail_msg("%s:%ld: %s", error.file, error.line, error.message);
    }
}

static void set(wom_config_t *config, const char *assignment) {
    wom_error_t error;
    wom_error_clear(&error);
    if (wom_config_set(config, assignment, &error) != WOM_OK) {
        fail_msg("--set %s: %s", assignment, error.message);
    }
}

static void expect_set_error(const char *assignment, const char *part) {
    wom_config_t *config = new_config();
    wom_error_t error;
    wom_error_clear(&error);
    assert_int_equal(wom_config_set(config, assignment, &error), WOM_ECONFIG);
    assert_string_equal(error.file, "--set");
    assert_int_equal(error.line, 0);
    expect_message(&error, part);
    wom_config_free(config);
}

static wom_scenario_t scenario_at(const wom_config_t *config, size_t point) {
    wom_scenario_t scenario;
    wom_error_t error;
    wom_error_clear(&error);
    if (wom_config_scenario(config, point, &scenario, &error) != WOM_OK) {
        fail_msg("%s:%ld: %s", error.file, error.line, error.message);
    }
    return scenario;
}

/* Expects the rules to refuse `config`, citing `file`:`line`. */
static void expect_rule_error(const wom_config_t *config, const char *file, long line,
                              const char *part) {
    wom_scenario_t scenario;
    wom_error_t error;
    wom_error_clear(&error);
    assert_int_equal(wom_config_scenario(config, 0, &scenario, &error), WOM_ECONFIG);
    assert_string_equal(error.file, file);
    assert_int_equal(error.line, line);
    expect_message(&error, part);
}

static void expect_rule_error_after(const char *const *assignments, const char *part) {
    wom_config_t *config = new_config();
    for (; *assignments != NULL; assignments++) {
        set(config, *assignments);
    }
    expect_rule_error(config, "--set", 0, part);
    wom_config_free(config);
}

static char *dump(const wom_config_t *config) {
    char *text = NULL;
    assert_int_equal(wom_config_dump(config, &text), WOM_OK);
    assert_non_null(text);
    return text;
}

static void expect_dump_line(const wom_config_t *config, const char *line) {
    char *text = dump(config);
    if (strstr(text, line) == NULL) {
        fail_msg("dump lacks \"%s\":\n%s", line, text);
    }
    free(text);
}

/* ---- the key table ---------------------------------------------------- */

static void test_key_table(void **state) {
    (void)state;
    size_t count = 0;
    const wom_key_t *keys = wom_config_keys(&count);
    assert_int_equal(count, 100);
    assert_string_equal(keys[0].name, "simulation.steps");
    assert_string_equal(keys[count - 8].name, "bass.period");
    assert_string_equal(keys[count - 4].name, "design.metrics");
    assert_string_equal(keys[count - 3].name, "failure.NAME.rate");
    assert_string_equal(keys[count - 1].name, "failure.NAME.applies_to");
    for (size_t k = 0; k < count; k++) {
        assert_non_null(strchr(keys[k].name, '.'));
        assert_true(strlen(keys[k].meaning) > 0);
        assert_true(strlen(keys[k].source) > 0);
        assert_non_null(keys[k].default_value);
        assert_ptr_equal(wom_config_key(keys[k].name), &keys[k]);
        assert_true(keys[k].per_failure == (k >= count - 3));
    }
    const wom_key_t *quality = wom_config_key("service.quality");
    assert_non_null(quality);
    assert_int_equal(quality->type, WOM_KEY_REAL);
    assert_true(quality->min == 0 && quality->max == 1);
    assert_string_equal(quality->default_value, "0.9");
    assert_string_equal(wom_config_key("network.model")->choices,
                        "erdos-renyi|watts-strogatz|barabasi-albert|sbm|configuration|ring|"
                        "complete|karate|file");
    assert_non_null(strstr(wom_config_key("wom.dissatisfied_tell_mean")->source, "Kotler"));
    assert_null(wom_config_key("service.qualty"));
    assert_null(wom_config_key("quality"));
    assert_string_equal(wom_config_key("model.kind")->choices, "wom|ic|sir|bass");
    const wom_key_t *expectations = wom_config_key("network.expectations");
    assert_int_equal(expectations->type, WOM_KEY_REALS);
    assert_true(expectations->min == -1 && expectations->max == 10);
    assert_non_null(strstr(wom_config_key("bass.q")->source, "Sultan, Farley & Lehmann"));
    /* a failure mode's key is found under any valid NAME */
    const wom_key_t *rate = wom_config_key("failure.late-delivery.rate");
    assert_ptr_equal(rate, &keys[count - 3]);
    assert_int_equal(rate->type, WOM_KEY_REAL);
    assert_true(rate->offset == offsetof(wom_failure_mode_t, rate));
    assert_non_null(strstr(rate->source, "Melayani Pelanggan"));
    assert_string_equal(rate->unit, "per encounter");
    assert_string_equal(wom_config_key("model.attitude_half_life")->unit, "days");
    for (size_t k = 0; k < count; k++) { /* every key states its unit, and cites no file */
        assert_true(strlen(keys[k].unit) > 0);
        assert_null(strstr(keys[k].source, "seeds/"));
        assert_null(strstr(keys[k].source, "MODEL.md"));
    }
    assert_string_equal(wom_config_key("failure.Wrong_Item-2.severity")->choices, "minor|major");
    assert_string_equal(wom_config_key("failure.x.applies_to")->choices, "all|new|returning");
    assert_null(wom_config_key("failure.rate"));
    assert_null(wom_config_key("failure.late delivery.rate"));
    assert_null(wom_config_key("failure..rate"));
    assert_null(wom_config_key("failure.late-delivery.rat"));
    assert_null(wom_config_key("failure.NAME"));
    /* the two switches and the four design keys added after results were made, and only
     * they, leave the dump at their default */
    size_t omitted = 0;
    for (size_t k = 0; k < count; k++) {
        omitted += keys[k].omitted_at_default;
        assert_true(!keys[k].omitted_at_default || strncmp(keys[k].name, "design.", 7) == 0 ||
                    keys[k].type == WOM_KEY_BOOL);
    }
    assert_int_equal(omitted, 6);
    const char *const switches[] = {"simulation.common_random_numbers", "network.per_replication"};
    for (int i = 0; i < 2; i++) {
        const wom_key_t *key = wom_config_key(switches[i]);
        assert_non_null(key);
        assert_int_equal(key->type, WOM_KEY_BOOL);
        assert_string_equal(key->default_value, "false");
        assert_true(key->omitted_at_default);
        assert_non_null(strstr(key->source, "chosen"));
    }
}

static void test_defaults_resolve(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    assert_int_equal(wom_config_points(config), 1);
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.simulation.steps, 365);
    assert_int_equal(s.simulation.replications, 10);
    assert_true(s.simulation.seed == 20261123u);
    assert_int_equal(s.network.model, WOM_NET_WATTS_STROGATZ);
    assert_int_equal(s.network.nodes, 10000);
    assert_true(s.network.mean_degree == 10.0);
    assert_true(s.network.p_out == 0.0005);
    assert_int_equal(s.network.block_count, 0);
    assert_string_equal(s.network.file, "");
    assert_int_equal(s.network.format, WOM_FORMAT_SNAP);
    assert_false(s.network.directed);
    assert_false(s.network.per_replication);
    assert_false(s.simulation.common_random_numbers);
    assert_int_equal(s.population.seeding, WOM_SEEDING_RANDOM);
    assert_int_equal(s.model.kind, WOM_KIND_WOM);
    assert_int_equal(s.adoption.churn_attitude, -6);
    assert_true(s.adoption.winback == 0.005);
    assert_true(s.service.quality == 0.9);
    assert_true(s.wom.satisfied_tell_mean == 5.0);
    assert_true(s.wom.dissatisfied_tell_mean == 10.0);
    assert_int_equal(s.wom.tell_distribution, WOM_TELL_POISSON);
    assert_true(s.recovery.repurchase_silent_minor == 0.37);
    wom_config_free(config);
    wom_config_free(NULL);
}

static void test_new_defaults(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.segments.expectation_count, 0);
    assert_int_equal(s.failure_count, 0);
    assert_true(s.population.intermediaries == 0);
    assert_int_equal(s.population.intermediary_seeding, WOM_SEEDING_RANDOM);
    assert_int_equal(s.population.intermediary_weight, 3);
    assert_int_equal(s.service.returning_after, 3);
    assert_true(s.employees.satisfaction == 0.5 && s.employees.effect == 0.5);
    assert_true(s.wom.forward_prob == 0.02 && s.wom.forward_tell_mean == 2);
    assert_true(s.recovery.complain_rate == 0.037);
    assert_true(s.recovery.success_rate == 0.6 && s.recovery.quick_share == 0.5);
    assert_false(s.recovery.paradox);
    assert_int_equal(s.recovery.attitude_bonus, 6);
    assert_true(s.recovery.tell_mean == 5);
    /* the TARP table: outcome by severity */
    assert_true(s.recovery.repurchase_silent_minor == 0.37);
    assert_true(s.recovery.repurchase_silent_major == 0.09);
    assert_true(s.recovery.repurchase_unresolved_minor == 0.46);
    assert_true(s.recovery.repurchase_unresolved_major == 0.19);
    assert_true(s.recovery.repurchase_resolved_minor == 0.70);
    assert_true(s.recovery.repurchase_resolved_major == 0.54);
    assert_true(s.recovery.repurchase_quick_minor == 0.95);
    assert_true(s.recovery.repurchase_quick_major == 0.82);
    assert_true(s.online.review_rate_satisfied == 0.02);
    assert_true(s.online.review_rate_dissatisfied == 0.05);
    assert_int_equal(s.online.review_lifetime, 365);
    assert_true(s.online.consult_rate == 0.01);
    assert_true(s.online.review_weight == 2 && s.online.review_trust == 10);
    assert_true(s.model.attitude_half_life == 45);
    assert_true(s.wom.routine_tell_prob == 0.55 && s.wom.major_tell_factor == 1.5);
    assert_true(s.wom.weak_tie_share == 0.3);
    assert_true(s.recovery.stay_slope == 0 && s.recovery.learning == 0);
    assert_true(s.recovery.learning_floor == 0.2);
    assert_int_equal(s.population.initial_purchases, 6);
    assert_true(s.population.initial_attitude_mean == 4 && s.population.initial_attitude_sd == 3);
    assert_true(s.population.advice_rate == 0.02 && s.population.advice_tell_mean == 3);
    assert_false(s.loyalty.enabled);
    assert_int_equal(s.loyalty.enroll_after, 3);
    assert_true(s.loyalty.churn_reduction == 0.5);
    assert_true(s.economics.price == 10 && s.economics.discount_rate == 0.0003);
    assert_true(s.ic.p == 0.2);
    assert_int_equal(s.ic.seeds, 10);
    assert_true(s.sir.beta == 0.2 && s.sir.gamma == 0.5);
    assert_int_equal(s.sir.seeds, 10);
    assert_true(s.bass.p == 0.03 && s.bass.q == 0.38);
    assert_int_equal(s.bass.period, 365);
    /* every kind of model, in enum order */
    const char *const kinds[] = {"wom", "ic", "sir", "bass"};
    const int expected[] = {WOM_KIND_WOM, WOM_KIND_IC, WOM_KIND_SIR, WOM_KIND_BASS};
    for (int i = 3; i >= 0; i--) {
        char assignment[32];
        snprintf(assignment, sizeof assignment, "model.kind=%s", kinds[i]);
        set(config, assignment);
        assert_int_equal(scenario_at(config, 0).model.kind, expected[i]);
    }
    expect_set_error("model.kind=sri", "did you mean 'sir'?");
    /* the dump keeps the sections in their order */
    char *text = dump(config);
    const char *order[] = {"\n[model]\n",     "\n[adoption]\n", "\n[service]\n", "\n[employees]\n",
                           "\n[wom]\n",       "\n[recovery]\n", "\n[online]\n",  "\n[loyalty]\n",
                           "\n[economics]\n", "\n[ic]\n",       "\n[sir]\n",     "\n[bass]\n"};
    const char *previous = strstr(text, "\n[population]\n");
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *here = strstr(text, order[i]);
        assert_non_null(here);
        assert_true(here > previous);
        previous = here;
    }
    assert_non_null(strstr(text, "\n[recovery]\nrepurchase_silent_minor = 0.37\ncomplain_rate = "
                                 "0.037\n"));
    assert_non_null(strstr(text, "\ndirected = false\nexpectations =\n"));
    assert_null(strstr(text, "[failure"));
    free(text);
    wom_config_free(config);
}

/* ---- reading files ---------------------------------------------------- */

static void test_full_file(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, FULL, &error), WOM_OK);
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.simulation.steps, 287);
    assert_int_equal(s.simulation.replications, 13);
    assert_true(s.simulation.seed == 987654321987u);
    assert_int_equal(s.network.model, WOM_NET_BARABASI_ALBERT);
    assert_int_equal(s.network.nodes, 7919);
    assert_int_equal(s.network.m, 4);
    assert_true(s.network.rewire == 0.385);
    assert_int_equal(s.network.block_count, 3);
    assert_true(s.network.blocks[0] == 5000 && s.network.blocks[1] == 3000 &&
                s.network.blocks[2] == 2000);
    assert_int_equal(s.network.format, WOM_FORMAT_GRAPHML);
    assert_true(s.network.directed);
    assert_true(s.population.initial_customers == 0.0125);
    assert_true(s.population.initial_aware == 0.0615);
    assert_int_equal(s.population.seeding, WOM_SEEDING_DEGREE);
    assert_int_equal(s.model.attitude_cap, 17);
    assert_int_equal(s.model.experience_weight, 4);
    assert_int_equal(s.model.promoter_at, 5);
    assert_true(s.adoption.advertising == 0.00073);
    assert_true(s.adoption.base == 0.0031);
    assert_true(s.adoption.persuasion == 0.0047);
    assert_true(s.adoption.max == 0.0615);
    assert_int_equal(s.adoption.reject_threshold, 2);
    assert_int_equal(s.adoption.churn_attitude, -9);
    assert_true(s.adoption.winback == 0.0071);
    assert_true(s.service.quality == 0.835);
    assert_true(s.service.purchase_rate == 0.117);
    assert_true(s.service.churn_rate == 0.0023);
    assert_true(s.wom.satisfied_tell_mean == 4.5);
    assert_true(s.wom.dissatisfied_tell_mean == 11.0);
    assert_int_equal(s.wom.tell_distribution, WOM_TELL_NEGBIN);
    assert_true(s.wom.dispersion == 1.75);
    assert_true(s.recovery.repurchase_silent_minor == 0.41);
    assert_int_equal(s.segments.expectation_count, 1);
    assert_true(s.segments.expectations[0] == 0.385);
    assert_true(s.population.intermediaries == 0.0273);
    assert_int_equal(s.population.intermediary_seeding, WOM_SEEDING_DEGREE);
    assert_int_equal(s.population.intermediary_weight, 7);
    assert_int_equal(s.model.kind, WOM_KIND_SIR);
    assert_int_equal(s.service.returning_after, 4);
    assert_true(s.employees.satisfaction == 0.615);
    assert_true(s.employees.effect == 1.35);
    assert_true(s.wom.forward_prob == 0.0185);
    assert_true(s.wom.forward_tell_mean == 2.65);
    assert_true(s.recovery.complain_rate == 0.0433);
    assert_true(s.recovery.success_rate == 0.615);
    assert_true(s.recovery.quick_share == 0.385);
    assert_true(s.recovery.paradox);
    assert_int_equal(s.recovery.attitude_bonus, 9);
    assert_true(s.recovery.tell_mean == 4.25);
    assert_true(s.recovery.repurchase_silent_major == 0.087);
    assert_true(s.recovery.repurchase_unresolved_minor == 0.455);
    assert_true(s.recovery.repurchase_unresolved_major == 0.193);
    assert_true(s.recovery.repurchase_resolved_minor == 0.715);
    assert_true(s.recovery.repurchase_resolved_major == 0.535);
    assert_true(s.recovery.repurchase_quick_minor == 0.945);
    assert_true(s.recovery.repurchase_quick_major == 0.815);
    assert_true(s.online.review_rate_satisfied == 0.0117);
    assert_true(s.online.review_rate_dissatisfied == 0.0535);
    assert_int_equal(s.online.review_lifetime, 173);
    assert_true(s.online.consult_rate == 0.0235);
    assert_true(s.online.review_weight == 2.15 && s.online.review_trust == 7.5);
    assert_true(s.population.advice_rate == 0.0137 && s.population.advice_tell_mean == 2.35);
    assert_int_equal(s.population.initial_purchases, 9);
    assert_true(s.population.initial_attitude_mean == 3.85);
    assert_true(s.population.initial_attitude_sd == 1.65);
    assert_true(s.model.attitude_half_life == 61.5);
    assert_true(s.wom.routine_tell_prob == 0.435 && s.wom.major_tell_factor == 1.85);
    assert_true(s.wom.weak_tie_share == 0.265);
    assert_true(s.recovery.stay_slope == 0.315 && s.recovery.learning == 0.0135);
    assert_true(s.recovery.learning_floor == 0.285);
    assert_int_equal(s.bass.period, 91);
    assert_true(s.loyalty.enabled);
    assert_int_equal(s.loyalty.enroll_after, 5);
    assert_true(s.loyalty.churn_reduction == 0.435);
    assert_true(s.economics.price == 12.75);
    assert_true(s.economics.discount_rate == 0.00027);
    assert_true(s.ic.p == 0.185);
    assert_int_equal(s.ic.seeds, 13);
    assert_true(s.sir.beta == 0.215);
    assert_true(s.sir.gamma == 0.465);
    assert_int_equal(s.sir.seeds, 17);
    assert_true(s.bass.p == 0.0315);
    assert_true(s.bass.q == 0.365);
    assert_int_equal(s.failure_count, 0);
    /* keys the file leaves out keep their defaults */
    assert_true(s.network.mean_degree == 10.0);
    assert_true(s.network.p_in == 0.01);
    wom_config_free(config);
}

static void test_missing_file(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    const char *path = "tests/data/config/no-such-file.ini";
    assert_int_equal(wom_config_read_file(config, path, &error), WOM_ENOENT);
    assert_string_equal(error.file, path);
    assert_int_equal(error.line, 0);
    expect_message(&error, "cannot open: No such file");
    wom_config_free(config);
}

/* A folder opens for reading but is no file; a file that sets no key is
 * refused rather than run at the defaults (a generator's empty output). */
static void test_folder_and_empty_file(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, "tests/data/config", &error), WOM_ENOENT);
    assert_string_equal(error.file, "tests/data/config");
    assert_int_equal(error.line, 0);
    assert_string_equal(error.message, "is a folder, not a scenario file");
    wom_config_free(config);
    static const char *const empty[] = {"", "\n\n", "# a comment\n; another\n",
                                        "[simulation]\n[service]\n"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        expect_file_error(empty[i], 0,
                          "the file sets no key: it is empty or holds only comments and section "
                          "headers");
    }
}

/* A stream reads as a file of its name: errors and relative paths. */
static void test_read_stream(void **state) {
    (void)state;
    static const char text[] = "[network]\nfile = edges.txt\n[service]\nquality = 0.835\n";
    wom_config_t *config = new_config();
    wom_error_t error;
    FILE *stream = fmemopen((void *)text, sizeof text - 1, "r");
    assert_non_null(stream);
    assert_int_equal(wom_config_read_stream(config, stream, "dir/s.ini", &error), WOM_OK);
    assert_int_equal(fclose(stream), 0);
    wom_scenario_t s = scenario_at(config, 0);
    assert_true(s.service.quality == 0.835);
    assert_string_equal(s.network.file, "dir/edges.txt");
    static const char bad[] = "[service]\nquality = 1.835\n";
    stream = fmemopen((void *)bad, sizeof bad - 1, "r");
    assert_non_null(stream);
    assert_int_equal(wom_config_read_stream(config, stream, "bad.ini", &error), WOM_ECONFIG);
    assert_int_equal(fclose(stream), 0);
    assert_string_equal(error.file, "bad.ini");
    assert_int_equal(error.line, 2);
    assert_true(scenario_at(config, 0).service.quality == 0.835); /* unchanged */
    wom_config_free(config);
}

static void test_unknown_section(void **state) {
    (void)state;
    expect_file_error("[service]\nquality = 0.835\n[simulaton]\nsteps = 287\n", 3,
                      "unknown section [simulaton] (did you mean [simulation]?)");
    /* a section without keys is checked too */
    expect_file_error("[service]\nquality = 0.835\n\n[servce]\n", 4, "unknown section [servce]");
    expect_file_error("[zzzzzzzz]\n", 1, "unknown section [zzzzzzzz]");
}

static void test_unknown_key(void **state) {
    (void)state;
    expect_file_error("[service]\n\nqualty = 0.835\n", 3,
                      "unknown key 'qualty' in [service] (did you mean 'quality'?)");
    expect_file_error("[wom]\nsatisfied = 4.5\n", 2, "(did you mean 'satisfied_tell_mean'?)");
    expect_file_error("[wom]\nzzzzzzzz = 4.5\n", 2, "unknown key 'zzzzzzzz' in [wom]");
    /* a key of another section is not suggested */
    expect_file_error("[service]\nsteps = 287\n", 2, "unknown key 'steps' in [service]");
}

static void test_key_outside_section(void **state) {
    (void)state;
    expect_file_error("; comment\nsteps = 287\n[simulation]\n", 2,
                      "key 'steps' is outside any [section]");
}

static void test_duplicate_key(void **state) {
    (void)state;
    expect_file_error("[service]\nquality = 0.835\nchurn_rate = 0.0023\n\nquality = 0.77\n", 5,
                      "duplicate key service.quality (first set on line 2)");
    /* also across two blocks of one section */
    expect_file_error(
        "[service]\nquality = 0.835\n[wom]\ndispersion = 3\n[service]\nquality = 0.7\n", 6,
        "duplicate key service.quality (first set on line 2)");
}

static void test_duplicate_section_merges(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    read_text(config, "[service]\nquality = 0.835\n[wom]\ndispersion = 3.25\n"
                      "[service]\nchurn_rate = 0.0023\n");
    wom_scenario_t s = scenario_at(config, 0);
    assert_true(s.service.quality == 0.835);
    assert_true(s.service.churn_rate == 0.0023);
    assert_true(s.wom.dispersion == 3.25);
    wom_config_free(config);
}

static void test_malformed_numbers(void **state) {
    (void)state;
    expect_file_error("[service]\nquality = 0.8x3\n", 2,
                      "service.quality: malformed number '0.8x3'");
    expect_file_error("[service]\nquality = 0.835 # not a comment here\n", 2,
                      "malformed number '0.835 # not a comment here'");
    expect_file_error("[network]\nmean_degree = 0x1p3\n", 2, "malformed number '0x1p3'");
    expect_file_error("[service]\nquality = nan\n", 2, "'nan' is not a finite number");
    expect_file_error("[network]\nmean_degree = -inf\n", 2, "'-inf' is not a finite number");
    expect_file_error("[network]\nmean_degree = 1e400\n", 2, "out of range for a number");
    expect_file_error("[service]\nquality =\n", 2, "service.quality has no value");
}

static void test_out_of_range(void **state) {
    (void)state;
    expect_file_error("[service]\nquality = 1.5\n", 2,
                      "service.quality = 1.5 is out of range [0, 1]");
    expect_file_error("[network]\nnodes = 4294967296\n", 2,
                      "network.nodes = 4294967296 is out of range [1, 4294967295]");
    expect_file_error("[adoption]\nchurn_attitude = -501\n", 2, "[-500, 500]");
    expect_file_error("[network]\nblocks = 41, 0, 23\n", 2,
                      "network.blocks = 0 is out of range [1, 4294967295]");
}

static void test_integers(void **state) {
    (void)state;
    expect_file_error("[simulation]\nsteps = 99999999999999999999\n", 2, "integer overflow");
    expect_file_error("[simulation]\nsteps = 3.5\n", 2, "'3.5' is not an integer");
    expect_file_error("[simulation]\nsteps = 12abc\n", 2, "malformed number '12abc'");
    expect_file_error("[simulation]\nseed = 18446744073709551616\n", 2, "integer overflow");
    expect_file_error("[simulation]\nseed = -1\n", 2, "'-1' is negative");
    expect_file_error("[network]\nblocks = 41, 3.5\n", 2, "'3.5' is not an integer");
    expect_file_error("[network]\nblocks = 41, , 23\n", 2, "network.blocks: empty item");
    char many[400] = "network.blocks=1";
    for (int i = 0; i < WOM_MAX_BLOCKS; i++) {
        strcat(many, ", 2");
    }
    expect_set_error(many, "network.blocks: more than 64 blocks");
    wom_config_t *config = new_config();
    read_text(config, "[simulation]\nseed = 18446744073709551615\nsteps = +287\n");
    set(config, "simulation.replications=+13");
    wom_scenario_t s = scenario_at(config, 0);
    assert_true(s.simulation.seed == UINT64_MAX);
    assert_int_equal(s.simulation.steps, 287);
    assert_int_equal(s.simulation.replications, 13);
    set(config, "simulation.seed=+4242");
    assert_true(scenario_at(config, 0).simulation.seed == 4242);
    wom_config_free(config);
}

static void test_choices_and_bools(void **state) {
    (void)state;
    expect_file_error("[network]\nmodel = wats-strogatz\n", 2,
                      "unknown value 'wats-strogatz' for network.model (expected one of: "
                      "erdos-renyi, watts-strogatz, barabasi-albert, sbm, configuration, ring, "
                      "complete, karate, file); did you mean 'watts-strogatz'?");
    expect_file_error("[network]\nmodel = Ring\n", 2, "did you mean 'ring'?");
    expect_file_error("[network]\ndirected = maybe\n", 2,
                      "network.directed: 'maybe' is not a boolean");
    wom_config_t *config = new_config();
    read_text(config, "[network]\nmodel = ring\ndirected = ON\n[wom]\n"
                      "tell_distribution = geometric\n");
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.network.model, WOM_NET_RING);
    assert_true(s.network.directed);
    assert_int_equal(s.wom.tell_distribution, WOM_TELL_GEOMETRIC);
    expect_dump_line(config, "directed = true\n");
    set(config, "network.directed=No");
    assert_false(scenario_at(config, 0).network.directed);
    wom_config_free(config);
}

static void test_syntax_errors(void **state) {
    (void)state;
    expect_file_error("[service]\nquality 0.835\n", 2, "expected 'key = value' or '[section]'");
    expect_file_error("[service\nquality = 0.835\n", 1, "expected 'key = value' or '[section]'");
    /* the first error by line wins, whichever kind */
    expect_file_error("[service]\nbad line\nqualty = 0.835\n", 2, "expected 'key = value'");
    expect_file_error("[service]\nqualty = 0.835\nbad line\n", 2, "unknown key 'qualty'");
}

static void test_continuation_lines(void **state) {
    (void)state;
    expect_file_error("[network]\nnodes = 7919\n  mean_degree = 6\n", 3, "indented line");
    /* an indented first key of a section is an ordinary key */
    wom_config_t *config = new_config();
    read_text(config, "[network]\n  nodes = 7919\n[service]\nquality = 0.61, 0.73,\n"
                      "\n    0.835 ; comment\nchurn_rate = 0.0023\n");
    assert_int_equal(scenario_at(config, 0).network.nodes, 7919);
    assert_int_equal(wom_config_points(config), 3);
    assert_true(scenario_at(config, 2).service.quality == 0.835);
    assert_true(scenario_at(config, 2).service.churn_rate == 0.0023);
    wom_config_free(config);
    /* a list ending in ',' with nothing after it */
    expect_file_error("[service]\nquality = 0.61, 0.73,\n[wom]\n", 2, "empty item in list");
}

static void test_bad_bytes(void **state) {
    (void)state;
    static const char text[] = "[service]\nquality = 0.8\0003\n";
    expect_bytes_error(text, sizeof text - 1, WOM_ECONFIG, 2, "NUL byte");
}

static void test_crlf_and_bom(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    read_text(config, "\xEF\xBB\xBF[service]\r\nquality = 0.835\r\n\r\n[network]\r\n"
                      "model = ring\r\nfile = graph.txt\r\n");
    wom_scenario_t s = scenario_at(config, 0);
    assert_true(s.service.quality == 0.835);
    assert_int_equal(s.network.model, WOM_NET_RING);
    assert_null(strchr(s.network.file, '\r'));
    wom_config_free(config);
    /* a BOM before a key still counts as outside any section */
    expect_file_error("\xEF\xBB\xBFsteps = 287\r\n", 1, "outside any [section]");
}

static void test_long_line(void **state) {
    (void)state;
    char text[512];
    /* 199 characters fit (even with "\r\n"); 200 do not */
    int n = snprintf(text, sizeof text, "[service]\n; %0197d\r\nquality = 0.835\n", 7);
    wom_config_t *config = new_config();
    read_text(config, text);
    assert_true(scenario_at(config, 0).service.quality == 0.835);
    wom_config_free(config);
    assert_true(n > 0);
    snprintf(text, sizeof text, "[service]\nquality = 0.835\n; %0198d\nchurn_rate = 0.0023\n", 7);
    expect_file_error(text, 3, "line is longer than 199 characters");
}

static void test_failed_read_keeps_config(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, FULL, &error), WOM_OK);
    char path[64];
    const char *bad = "[service]\nquality = 0.61\nchurn_rate = 0.0041\nbogus = 1\n";
    write_temp(path, bad, strlen(bad));
    assert_int_equal(wom_config_read_file(config, path, &error), WOM_ECONFIG);
    assert_int_equal(error.line, 4);
    unlink(path);
    wom_scenario_t s = scenario_at(config, 0);
    assert_true(s.service.quality == 0.835);
    assert_true(s.service.churn_rate == 0.0023);
    wom_config_free(config);
}

static void test_relative_network_file(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, RELATIVE, &error), WOM_OK);
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.network.model, WOM_NET_FILE);
    assert_string_equal(s.network.file, "tests/data/config/edges/small.txt");
    /* absolute paths are kept; --set keeps what it is given */
    read_text(config, "[network]\nfile = /srv/graphs/village.txt\n");
    assert_string_equal(scenario_at(config, 0).network.file, "/srv/graphs/village.txt");
    set(config, "network.file=graphs/town.txt");
    assert_string_equal(scenario_at(config, 0).network.file, "graphs/town.txt");
    wom_config_free(config);
}

/* ---- overrides -------------------------------------------------------- */

static void test_set_overrides_file(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, FULL, &error), WOM_OK);
    set(config, "service.quality = 0.77");
    assert_true(scenario_at(config, 0).service.quality == 0.77);
    set(config, "service.quality=0.615");
    set(config, "simulation.steps=401");
    wom_scenario_t s = scenario_at(config, 0);
    assert_true(s.service.quality == 0.615);
    assert_int_equal(s.simulation.steps, 401);
    assert_int_equal(s.model.attitude_cap, 17); /* from the file */
    /* a failed override changes nothing */
    assert_int_equal(wom_config_set(config, "service.quality=1.385", &error), WOM_ECONFIG);
    assert_true(scenario_at(config, 0).service.quality == 0.615);
    wom_config_free(config);
}

static void test_set_errors(void **state) {
    (void)state;
    expect_set_error("service.quality=1.5", "service.quality = 1.5 is out of range [0, 1]");
    expect_set_error("service.qualty=0.835", "unknown key 'qualty' in [service] (did you mean");
    expect_set_error("servic.quality=0.835", "unknown section [servic] (did you mean [service]?)");
    expect_set_error("quality=0.835", "--set expects section.key=value");
    expect_set_error("service.quality", "--set expects section.key=value");
    expect_set_error(".quality=0.835", "--set expects section.key=value");
    expect_set_error("simulation.steps=3.5", "'3.5' is not an integer");
    expect_set_error("network.file=a.txt ; b", "would start a comment");
    expect_set_error("network.file=;b.txt", "a ';' first or after a blank would start a comment");
    expect_set_error("network.file=a\nb", "line break");
    /* "file = " and 192 characters fill a line of 199: the dump reads back */
    char text[1200];
    snprintf(text, sizeof text, "network.file=%0193d", 3);
    expect_set_error(text, "network.file: value is longer than 192 characters, more than a line "
                           "of a scenario file holds");
    snprintf(text, sizeof text, "network.file=%01100d", 3);
    expect_set_error(text, "network.file: value is longer than 192 characters");
    wom_config_t *config = new_config();
    snprintf(text, sizeof text, "network.file=%0192d", 3);
    set(config, text);
    set(config, "network.model=file");
    char *first = dump(config), path[64];
    write_temp(path, first, strlen(first));
    wom_config_t *again = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(again, path, &error), WOM_OK);
    unlink(path);
    char *second = dump(again);
    assert_string_equal(first, second);
    free(first);
    free(second);
    wom_config_free(again);
    wom_config_free(config);
}

/* An override cites the option that gave it, at once and in a later rule. */
static void test_set_from_cites_the_option(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    wom_error_clear(&error);
    assert_int_equal(wom_config_set_from(config, "-r", "simulation.replications=0", &error),
                     WOM_ECONFIG);
    assert_string_equal(error.file, "-r");
    assert_int_equal(error.line, 0);
    expect_message(&error, "simulation.replications = 0 is out of range");
    assert_int_equal(wom_config_set_from(config, "--sweep", "service.quality", &error),
                     WOM_ECONFIG);
    assert_string_equal(error.file, "--sweep");
    expect_message(&error, "--sweep expects section.key=value");
    set(config, "network.model=ring");
    set(config, "model.kind=ic");
    set(config, "ic.seeds=10");
    assert_int_equal(wom_config_set_from(config, "--sweep", "network.nodes=9, 20", &error), WOM_OK);
    expect_rule_error(config, "--sweep", 0, "ic.seeds = 10 must be at most network.nodes = 9");
    wom_config_free(config);
}

/* ---- sweeps ----------------------------------------------------------- */

static void expect_items(const char *text, const char *const *expected, size_t count) {
    char **items = NULL;
    size_t n = 0;
    wom_error_t error;
    assert_int_equal(wom_config_split_values(text, &items, &n, &error), WOM_OK);
    assert_int_equal(n, count);
    for (size_t i = 0; i < count; i++) {
        assert_string_equal(items[i], expected[i]);
    }
    wom_config_free_values(items, n);
}

static void expect_split_error(const char *text, const char *part) {
    char **items = NULL;
    size_t n = 0;
    wom_error_t error;
    assert_int_equal(wom_config_split_values(text, &items, &n, &error), WOM_ECONFIG);
    assert_null(items);
    expect_message(&error, part);
}

static void test_split_values(void **state) {
    (void)state;
    const char *const range[] = {"0.7", "0.75", "0.8", "0.85", "0.9", "0.95"};
    expect_items("0.7:0.95:0.05", range, 6);
    const char *const list[] = {"3", "5", "11"};
    expect_items("3, 5, 11", list, 3);
    const char *const across_zero[] = {"-0.3", "-0.2", "-0.1", "0", "0.1", "0.2", "0.3"};
    expect_items("-0.3:0.3:0.1", across_zero, 7);
    const char *const one[] = {"0.385"};
    expect_items(" 0.385 ", one, 1);
    const char *const words[] = {"poisson", "negbin"};
    expect_items("poisson,negbin", words, 2);
    expect_split_error("1:5:0", "step of zero");
    expect_split_error("1:5:-1", "negative step");
    expect_split_error("5:1:1", "starts above its end");
    expect_split_error("1:5", "a range is written start:stop:step");
    expect_split_error("1:5:1:2", "a range is written start:stop:step");
    expect_split_error("1:x:1", "malformed number 'x'");
    expect_split_error("0:1:0.00001", "has more than 10000 values");
    expect_split_error("3,,5", "empty item in list");
}

static void test_sweep_keys(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "simulation.steps=100:300:100");
    assert_int_equal(wom_config_points(config), 3);
    assert_int_equal(scenario_at(config, 2).simulation.steps, 300);
    set(config, "simulation.steps=287"); /* back to one value */
    assert_int_equal(wom_config_points(config), 1);
    /* every item is checked like a single value */
    expect_set_error("service.quality=0.835, 1.5", "service.quality = 1.5 is out of range");
    expect_set_error("simulation.steps=1:2:0.5", "'1.5' is not an integer");
    expect_set_error("service.quality=0.2:0.1", "range '0.2:0.1' must rise");
    expect_set_error("network.model=ring:file", "a range LO:HI is for numbers");
    expect_set_error("network.model=ring, rnig", "unknown value 'rnig'");
    /* SIZES: the commas are the list itself, so no sweep */
    expect_set_error("network.blocks=100:300:100", "network.blocks cannot be swept");
    set(config, "network.blocks=41, 37, 23");
    assert_int_equal(wom_config_points(config), 1);
    assert_int_equal(scenario_at(config, 0).network.block_count, 3);
    /* TEXT is taken whole */
    set(config, "network.file=a.txt, b.txt");
    assert_int_equal(wom_config_points(config), 1);
    assert_string_equal(scenario_at(config, 0).network.file, "a.txt, b.txt");
    wom_config_free(config);
}

static void test_points_mixed_radix(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    /* quality is set first, so it varies slowest although adoption comes
     * before service in the table */
    set(config, "service.quality=0.61, 0.835");
    set(config, "adoption.base=0.0011:0.0031:0.001");
    set(config, "wom.tell_distribution=fixed");
    assert_int_equal(wom_config_points(config), 6);
    const double quality[6] = {0.61, 0.61, 0.61, 0.835, 0.835, 0.835};
    const double base[6] = {0.0011, 0.0021, 0.0031, 0.0011, 0.0021, 0.0031};
    for (size_t p = 0; p < 6; p++) {
        wom_scenario_t s = scenario_at(config, p);
        assert_true(s.service.quality == quality[p]);
        assert_true(s.adoption.base == base[p]);
        assert_int_equal(s.wom.tell_distribution, WOM_TELL_FIXED);
    }
    /* setting quality again keeps its place in the order */
    set(config, "service.quality=0.61, 0.835");
    assert_true(scenario_at(config, 1).adoption.base == 0.0021);
    /* a file sweep */
    read_text(config, "[simulation]\nseed = 11, 12\n");
    assert_int_equal(wom_config_points(config), 12);
    assert_true(scenario_at(config, 1).simulation.seed == 12);
    assert_true(scenario_at(config, 1).adoption.base == 0.0011);
    assert_true(scenario_at(config, 2).simulation.seed == 11);
    assert_true(scenario_at(config, 2).adoption.base == 0.0021);
    assert_true(scenario_at(config, 11).service.quality == 0.835);
    wom_scenario_t s;
    wom_error_t error;
    assert_int_equal(wom_config_scenario(config, 12, &s, &error), WOM_EINVAL);
    wom_config_free(config);
}

/* ---- failure modes ---------------------------------------------------- */

static void expect_mode(const wom_failure_mode_t *mode, const char *name, double rate, int severity,
                        int applies_to) {
    assert_string_equal(mode->name, name);
    assert_true(mode->rate == rate);
    assert_int_equal(mode->severity, severity);
    assert_int_equal(mode->applies_to, applies_to);
}

static void test_failure_sections(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, FAILURES, &error), WOM_OK);
    assert_int_equal(wom_config_points(config), 1);
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.failure_count, 2);
    expect_mode(&s.failures[0], "late-delivery", 0.0385, WOM_SEVERITY_MAJOR, WOM_APPLIES_NEW);
    expect_mode(&s.failures[1], "Wrong_Item-2", 0.0117, WOM_SEVERITY_MINOR, WOM_APPLIES_RETURNING);
    assert_true(s.service.purchase_rate == 0.117);
    assert_true(s.service.quality == 0.9);
    /* a second file adds to a mode by name and keeps the order */
    read_text(config, "[failure.Wrong_Item-2]\nseverity = major\n[failure.damaged]\nrate = "
                      "0.0061\napplies_to = all\n");
    s = scenario_at(config, 0);
    assert_int_equal(s.failure_count, 3);
    expect_mode(&s.failures[0], "late-delivery", 0.0385, WOM_SEVERITY_MAJOR, WOM_APPLIES_NEW);
    expect_mode(&s.failures[1], "Wrong_Item-2", 0.0117, WOM_SEVERITY_MAJOR, WOM_APPLIES_RETURNING);
    expect_mode(&s.failures[2], "damaged", 0.0061, WOM_SEVERITY_MINOR, WOM_APPLIES_ALL);
    /* a failed read opens no mode */
    char path[64];
    const char *bad = "[failure.lost-parcel]\nrate = 0.0273\n[service]\nbogus = 1\n";
    write_temp(path, bad, strlen(bad));
    assert_int_equal(wom_config_read_file(config, path, &error), WOM_ECONFIG);
    assert_int_equal(error.line, 4);
    unlink(path);
    assert_int_equal(scenario_at(config, 0).failure_count, 3);
    wom_config_free(config);
}

static void test_failure_set(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "failure.late-delivery.rate=0.02");
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.failure_count, 1);
    expect_mode(&s.failures[0], "late-delivery", 0.02, WOM_SEVERITY_MINOR, WOM_APPLIES_ALL);
    wom_config_free(config);
    config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, FAILURES, &error), WOM_OK);
    set(config, "failure.late-delivery.rate = 0.0273"); /* overrides */
    set(config, "failure.Wrong_Item-2.applies_to=all");
    set(config, "failure.damaged.severity=major"); /* opens a third mode, without a rate */
    expect_rule_error(config, "--set", 0, "failure.damaged needs a rate");
    set(config, "failure.damaged.rate=0.0061");
    s = scenario_at(config, 0);
    assert_int_equal(s.failure_count, 3);
    expect_mode(&s.failures[0], "late-delivery", 0.0273, WOM_SEVERITY_MAJOR, WOM_APPLIES_NEW);
    expect_mode(&s.failures[1], "Wrong_Item-2", 0.0117, WOM_SEVERITY_MINOR, WOM_APPLIES_ALL);
    expect_mode(&s.failures[2], "damaged", 0.0061, WOM_SEVERITY_MAJOR, WOM_APPLIES_ALL);
    /* a failed override opens no mode and changes nothing */
    char before[65], after[65];
    assert_int_equal(wom_config_hash(config, before), WOM_OK);
    assert_int_equal(wom_config_set(config, "failure.ghost.rate=1.385", &error), WOM_ECONFIG);
    expect_message(&error, "failure.ghost.rate = 1.385 is out of range [0, 1]");
    assert_int_equal(wom_config_set(config, "failure.ghost.severity=huge", &error), WOM_ECONFIG);
    expect_message(&error, "unknown value 'huge' for failure.ghost.severity (expected one of: "
                           "minor, major)");
    assert_int_equal(wom_config_set(config, "failure.damaged.rate=-0.5", &error), WOM_ECONFIG);
    assert_int_equal(wom_config_hash(config, after), WOM_OK);
    assert_string_equal(before, after);
    assert_int_equal(scenario_at(config, 0).failure_count, 3);
    assert_true(scenario_at(config, 0).failures[2].rate == 0.0061);
    wom_config_free(config);
    expect_set_error("failure.ghost.rat=0.0385",
                     "unknown key 'rat' in [failure.ghost] (did you mean 'rate'?)");
    expect_set_error("failure.rate=0.0385", "--set expects section.key=value");
    expect_set_error("failure.late-delivery=0.0385", "--set expects section.key=value");
    expect_set_error("failure.late delivery.rate=0.0385", "may only have letters, digits");
    expect_set_error("failure..rate=0.0385", "a failure mode needs a name");
}

static void test_failure_sweep(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "service.purchase_rate=0.117, 0.385");
    set(config, "failure.x.rate=0.01:0.05:0.02");
    assert_int_equal(wom_config_points(config), 6);
    const double purchase[6] = {0.117, 0.117, 0.117, 0.385, 0.385, 0.385};
    const double rate[6] = {0.01, 0.03, 0.05, 0.01, 0.03, 0.05};
    for (size_t p = 0; p < 6; p++) {
        wom_scenario_t s = scenario_at(config, p);
        assert_true(s.service.purchase_rate == purchase[p]);
        assert_int_equal(s.failure_count, 1);
        assert_true(s.failures[0].rate == rate[p]);
    }
    /* a sweep in a failure section, set after the others: it varies fastest */
    read_text(config, "[failure.late-delivery]\nrate = 0.0117, 0.0385\n"
                      "severity = minor, major\n");
    assert_int_equal(wom_config_points(config), 24);
    wom_scenario_t s = scenario_at(config, 13);
    /* 13 = ((1 * 3 + 0) * 2 + 1) * 2 + 1 */
    assert_true(s.service.purchase_rate == 0.385);
    assert_true(s.failures[0].rate == 0.01);
    assert_true(s.failures[1].rate == 0.0117);
    assert_int_equal(s.failures[1].severity, WOM_SEVERITY_MAJOR);
    s = scenario_at(config, 6);
    assert_true(s.service.purchase_rate == 0.117);
    assert_true(s.failures[0].rate == 0.03);
    assert_true(s.failures[1].rate == 0.0385);
    assert_int_equal(s.failures[1].severity, WOM_SEVERITY_MINOR);
    expect_dump_line(config, "\n[failure.late-delivery]\nrate = 0.0117, 0.0385\n"
                             "severity = minor, major\napplies_to = all\n");
    wom_config_free(config);
    expect_set_error("failure.x.rate=0.01, 1.5", "failure.x.rate = 1.5 is out of range");
    expect_set_error("failure.x.applies_to=new, old", "unknown value 'old'");
}

static void test_failure_names(void **state) {
    (void)state;
    expect_file_error("[service]\npurchase_rate = 0.117\n[failure.late delivery]\nrate = 0.0385\n",
                      3,
                      "failure mode name 'late delivery' may only have letters, digits, '-' "
                      "and '_'");
    expect_file_error("[failure.caf\xC3\xA9]\nrate = 0.0385\n", 1, "may only have letters");
    expect_file_error("[failure.a.b]\nrate = 0.0385\n", 1, "failure mode name 'a.b'");
    expect_file_error("\n[failure.]\nrate = 0.0385\n", 2, "a failure mode needs a name");
    expect_file_error("[failure]\nrate = 0.0385\n", 1,
                      "[failure] needs a name: write "
                      "[failure.NAME]");
    expect_file_error("[failures.late]\n", 1,
                      "unknown section [failures.late] (did you mean [failure.late]?)");
    expect_file_error("[falure]\n", 1, "unknown section [falure] (did you mean [failure.NAME]?)");
    char text[256];
    snprintf(text, sizeof text, "[failure.%048d]\nrate = 0.0385\n", 7);
    expect_file_error(text, 1, "is longer than 47 characters");
    /* 47 characters fit, although inih cuts section names at 49 bytes */
    snprintf(text, sizeof text, "[failure.%047d]\nrate = 0.0385\nseverity = major\n", 7);
    wom_config_t *config = new_config();
    read_text(config, text);
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(strlen(s.failures[0].name), 47);
    assert_true(s.failures[0].rate == 0.0385);
    assert_int_equal(s.failures[0].severity, WOM_SEVERITY_MAJOR);
    wom_config_free(config);
}

/* A file of `count` failure sections, each with a rate. */
static void failure_file(char *text, size_t size, int count) {
    size_t n = 0;
    for (int i = 0; i < count; i++) {
        n += (size_t)snprintf(text + n, size - n, "[failure.mode-%d]\nrate = 0.00%d7\n", i, i);
    }
}

static void test_too_many_failures(void **state) {
    (void)state;
    char text[2048];
    failure_file(text, sizeof text, WOM_MAX_FAILURES);
    wom_config_t *config = new_config();
    read_text(config, text);
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.failure_count, WOM_MAX_FAILURES);
    assert_string_equal(s.failures[15].name, "mode-15");
    assert_true(s.failures[15].rate == 0.00157);
    wom_error_t error;
    assert_int_equal(wom_config_set(config, "failure.one-more.rate=0.0385", &error), WOM_ECONFIG);
    expect_message(&error, "more than 16 failure modes");
    set(config, "failure.mode-3.rate=0.0385"); /* an existing mode is still fine */
    wom_config_free(config);
    failure_file(text, sizeof text, WOM_MAX_FAILURES + 1);
    expect_file_error(text, 33, "[failure.mode-16]: more than 16 failure modes");
}

static void test_failure_missing_rate(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    char path[64];
    const char *text = "[service]\npurchase_rate = 0.117\n\n[failure.late-delivery]\n"
                       "severity = major\n";
    write_temp(path, text, strlen(text));
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, path, &error), WOM_OK);
    expect_rule_error(config, path, 4, "failure.late-delivery needs a rate");
    /* the dump leaves the rate out and reads back the same */
    char *first = dump(config);
    assert_non_null(
        strstr(first, "\n[failure.late-delivery]\nseverity = major\napplies_to = all\n"));
    unlink(path);
    write_temp(path, first, strlen(first));
    wom_config_t *again = new_config();
    assert_int_equal(wom_config_read_file(again, path, &error), WOM_OK);
    char *second = dump(again);
    assert_string_equal(first, second);
    long line = 1; /* of the section's header in the dump */
    for (const char *c = second; strncmp(c, "[failure.late-delivery]\n", 24) != 0; c++) {
        assert_true(*c != '\0');
        line += *c == '\n';
    }
    expect_rule_error(again, path, line, "failure.late-delivery needs a rate");
    unlink(path);
    free(first);
    free(second);
    wom_config_free(again);
    wom_config_free(config);
}

static void test_failure_unknown_key(void **state) {
    (void)state;
    expect_file_error("[failure.late-delivery]\nrat = 0.0385\n", 2,
                      "unknown key 'rat' in [failure.late-delivery] (did you mean 'rate'?)");
    expect_file_error("[failure.x]\nrate = 0.0385\nseverty = major\n", 3,
                      "(did you mean 'severity'?)");
    expect_file_error("[failure.x]\napplies = new\n", 2, "(did you mean 'applies_to'?)");
    expect_file_error("[failure.x]\nquality = 0.835\n", 2, "unknown key 'quality' in [failure.x]");
    expect_file_error("[failure.x]\nrate = 0.0385\n[service]\nquality = 0.9\n[failure.x]\n"
                      "rate = 0.0117\n",
                      6, "duplicate key failure.x.rate (first set on line 2)");
    expect_file_error("[failure.x]\nrate = 1.385\n", 2,
                      "failure.x.rate = 1.385 is out of range [0, 1]");
    expect_file_error("[failure.x]\nrate = 0.0385\napplies_to = returnig\n", 3,
                      "unknown value 'returnig' for failure.x.applies_to (expected one of: all, "
                      "new, returning); did you mean 'returning'?");
    expect_file_error("[failure.x]\nrate =\n", 2, "failure.x.rate has no value");
}

static void test_quality_with_failures(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    char path[64];
    const char *text = "[service]\nquality = 0.835\n[failure.late-delivery]\nrate = 0.0385\n";
    write_temp(path, text, strlen(text));
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, path, &error), WOM_OK);
    expect_rule_error(config, path, 2,
                      "service.quality is not used when [failure.*] sections are given; remove "
                      "it or the failure sections");
    unlink(path);
    set(config, "service.quality=0.9"); /* the default value is fine, set or not */
    assert_int_equal(scenario_at(config, 0).failure_count, 1);
    set(config, "service.quality=0.9, 0.77");
    scenario_at(config, 0);
    wom_scenario_t s;
    assert_int_equal(wom_config_scenario(config, 1, &s, &error), WOM_ECONFIG);
    assert_string_equal(error.file, "--set");
    expect_message(&error, "service.quality is not used");
    wom_config_free(config);
    /* quality alone is fine */
    config = new_config();
    set(config, "service.quality=0.77");
    assert_true(scenario_at(config, 0).service.quality == 0.77);
    wom_config_free(config);
}

static void test_expectations(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "network.model=sbm");
    set(config, "network.blocks=41, 37, 23");
    set(config, "network.expectations= 0.385,-0.25 ,  2.5");
    wom_scenario_t s = scenario_at(config, 0);
    assert_int_equal(s.segments.expectation_count, 3);
    assert_true(s.segments.expectations[0] == 0.385);
    assert_true(s.segments.expectations[1] == -0.25);
    assert_true(s.segments.expectations[2] == 2.5);
    assert_int_equal(wom_config_points(config), 1);
    expect_dump_line(config, "\nexpectations = 0.385, -0.25, 2.5\n");
    set(config, "network.expectations=-0.615"); /* one value for every segment */
    assert_int_equal(scenario_at(config, 0).segments.expectation_count, 1);
    set(config, "network.expectations=0.385, 1.5");
    expect_rule_error(config, "--set", 0,
                      "network.expectations has 2 values but the network has 3 segments");
    set(config, "network.expectations=");
    assert_int_equal(scenario_at(config, 0).segments.expectation_count, 0);
    wom_config_free(config);
    expect_rule_error_after(
        (const char *const[]){"network.expectations=0.385, 1.5", "network.model=ring", NULL},
        "network.expectations has 2 values but the network has 1 segment");
    expect_set_error("network.expectations=0.385, 10.5",
                     "network.expectations = 10.5 is out of range [-1, 10]");
    expect_set_error("network.expectations=-1.25", "network.expectations = -1.25 is out of range");
    expect_set_error("network.expectations=0.385, x", "network.expectations: malformed number 'x'");
    expect_set_error("network.expectations=0.385,,1", "network.expectations: empty item");
    expect_set_error("network.expectations=0.1:0.3:0.1",
                     "network.expectations cannot be swept (its commas list the values per "
                     "segment)");
    char many[400] = "network.expectations=0.5";
    for (int i = 0; i < WOM_MAX_BLOCKS; i++) {
        strcat(many, ",1");
    }
    expect_set_error(many, "network.expectations: more than 64 values");
}

static void test_seed_rules(void **state) {
    (void)state;
    expect_rule_error_after((const char *const[]){"network.model=ring", "network.nodes=9",
                                                  "model.kind=ic", "ic.seeds=10", NULL},
                            "ic.seeds = 10 must be at most network.nodes = 9");
    expect_rule_error_after((const char *const[]){"network.model=sbm", "network.blocks=4, 3",
                                                  "sir.seeds=8", "model.kind=sir", NULL},
                            "sir.seeds = 8 must be at most the sum of network.blocks = 7");
    expect_rule_error_after(
        (const char *const[]){"network.model=karate", "model.kind=ic", "ic.seeds=35", NULL},
        "ic.seeds = 35 must be at most the karate graph's nodes = 34");
    wom_config_t *config = new_config();
    set(config, "network.model=ring");
    set(config, "network.nodes=9");
    set(config, "ic.seeds=10");
    set(config, "sir.seeds=10");
    scenario_at(config, 0); /* the seeds of other kinds are not checked */
    set(config, "model.kind=sir");
    expect_rule_error(config, "--set", 0, "sir.seeds = 10 must be at most network.nodes = 9");
    set(config, "sir.seeds=9");
    assert_int_equal(scenario_at(config, 0).sir.seeds, 9);
    set(config, "network.model=karate");
    set(config, "sir.seeds=34");
    assert_int_equal(scenario_at(config, 0).sir.seeds, 34);
    wom_config_free(config);
}

static void test_failure_dump_round_trip(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, FAILURES, &error), WOM_OK);
    set(config, "failure.z.rate=0.0061, 0.0097");
    set(config, "failure.z.applies_to=returning");
    set(config, "network.model=sbm");
    /* 64 blocks and 64 expectations at full precision: a list longer than
     * any line, which the dump wraps and the reader joins */
    char blocks[900] = "network.blocks=41", expectations[2000] = "network.expectations=";
    for (int i = 1; i < WOM_MAX_BLOCKS; i++) {
        strcat(blocks, ", 41");
    }
    for (int i = 0; i < WOM_MAX_BLOCKS; i++) {
        char item[40];
        snprintf(item, sizeof item, "%s-0.%016d", i ? ", " : "", 1234567890 + 7 * i);
        strcat(expectations, item);
    }
    set(config, blocks);
    set(config, expectations);
    char *text = dump(config);
    const char *bass = strstr(text, "\n[bass]\n");
    const char *late = strstr(text, "\n\n[failure.late-delivery]\nrate = 0.0385\nseverity = "
                                    "major\napplies_to = new\n\n[failure.Wrong_Item-2]\nrate = "
                                    "0.0117\nseverity = minor\napplies_to = returning\n\n"
                                    "[failure.z]\nrate = 0.0061, 0.0097\nseverity = minor\n"
                                    "applies_to = returning\n");
    assert_non_null(bass);
    assert_non_null(late);
    assert_true(late > bass);
    for (const char *line = text; *line != '\0'; line = strchr(line, '\n') + 1) {
        assert_true(strcspn(line, "\n") < 100);
    }
    char path[64];
    write_temp(path, text, strlen(text));
    wom_config_t *again = new_config();
    assert_int_equal(wom_config_read_file(again, path, &error), WOM_OK);
    unlink(path);
    char *text_again = dump(again);
    assert_string_equal(text_again, text);
    char hash[65], hash_again[65];
    assert_int_equal(wom_config_hash(config, hash), WOM_OK);
    assert_int_equal(wom_config_hash(again, hash_again), WOM_OK);
    assert_string_equal(hash, hash_again);
    assert_int_equal(wom_config_points(again), 2);
    wom_scenario_t a = scenario_at(config, 1), b = scenario_at(again, 1);
    assert_int_equal(b.failure_count, 3);
    for (int i = 0; i < 3; i++) {
        expect_mode(&b.failures[i], a.failures[i].name, a.failures[i].rate, a.failures[i].severity,
                    a.failures[i].applies_to);
    }
    assert_true(b.failures[2].rate == 0.0097);
    assert_int_equal(b.segments.expectation_count, WOM_MAX_BLOCKS);
    assert_true(b.segments.expectations[63] == -0.0000001234568331);
    assert_true(memcmp(a.segments.expectations, b.segments.expectations,
                       sizeof a.segments.expectations) == 0);
    free(text_again);
    free(text);
    wom_config_free(again);
    wom_config_free(config);
}

static void test_failure_hash(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    char plain[65], with[65], changed[65];
    assert_int_equal(wom_config_hash(config, plain), WOM_OK);
    set(config, "failure.late-delivery.rate=0.0385");
    assert_int_equal(wom_config_hash(config, with), WOM_OK);
    assert_string_not_equal(plain, with);
    set(config, "failure.late-delivery.severity=major");
    assert_int_equal(wom_config_hash(config, changed), WOM_OK);
    assert_string_not_equal(with, changed);
    set(config, "failure.late-delivery.severity=minor"); /* back to the default */
    assert_int_equal(wom_config_hash(config, changed), WOM_OK);
    assert_string_equal(with, changed);
    set(config, "failure.late-delivery.rate=0.0386");
    assert_int_equal(wom_config_hash(config, changed), WOM_OK);
    assert_string_not_equal(with, changed);
    /* the order of the modes is part of the scenario */
    wom_config_t *one = new_config(), *two = new_config();
    set(one, "failure.a.rate=0.0117");
    set(one, "failure.b.rate=0.0385");
    set(two, "failure.b.rate=0.0385");
    set(two, "failure.a.rate=0.0117");
    assert_int_equal(wom_config_hash(one, plain), WOM_OK);
    assert_int_equal(wom_config_hash(two, with), WOM_OK);
    assert_string_not_equal(plain, with);
    wom_config_free(one);
    wom_config_free(two);
    wom_config_free(config);
}

/* ---- rules joining keys ----------------------------------------------- */

static void test_rules_cite_lines(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    char path[64];
    const char *text = "[network]\nmodel = erdos-renyi\nnodes = 8\n[service]\nquality = 0.835\n";
    write_temp(path, text, strlen(text));
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, path, &error), WOM_OK);
    expect_rule_error(config, path, 3,
                      "network.mean_degree = 10 must be at most network.nodes - 1 = 7");
    set(config, "network.mean_degree=6.5");
    wom_scenario_t s = scenario_at(config, 0);
    assert_true(s.network.mean_degree == 6.5);
    /* the latest setting among the rule's keys is cited */
    set(config, "network.nodes=5");
    expect_rule_error(config, "--set", 0,
                      "network.mean_degree = 6.5 must be at most network.nodes - 1 = 4");
    unlink(path);
    wom_config_free(config);
}

static void test_rules(void **state) {
    (void)state;
    /* hearsay must die out: forward_prob x forward_tell_mean below 1 */
    expect_rule_error_after(
        (const char *const[]){"wom.forward_prob=0.385", "wom.forward_tell_mean=2.6", NULL},
        "wom.forward_prob x wom.forward_tell_mean = 1.001 must be below 1, or hearsay grows");
    /* Bass rates per period may sum past 1: a step's probability stays below 1 */
    wom_config_t *fast = new_config();
    set(fast, "model.kind=bass");
    set(fast, "bass.p=0.385");
    set(fast, "bass.q=0.7");
    scenario_at(fast, 0);
    wom_config_free(fast);

    expect_rule_error_after((const char *const[]){"network.mean_degree=5", NULL},
                            "must be an even integer of at least 2 for watts-strogatz");
    expect_rule_error_after((const char *const[]){"network.model=barabasi-albert",
                                                  "network.nodes=6", "network.m=6", NULL},
                            "network.m = 6 must be below network.nodes = 6");
    expect_rule_error_after((const char *const[]){"network.model=sbm", NULL},
                            "network.model = sbm needs network.blocks");
    /* p = mean_degree / (nodes - 1) must stay a probability */
    expect_rule_error_after((const char *const[]){"network.model=erdos-renyi", "network.nodes=10",
                                                  "network.mean_degree=9.5", NULL},
                            "network.mean_degree = 9.5 must be at most network.nodes - 1 = 9");
    expect_rule_error_after(
        (const char *const[]){"network.model=watts-strogatz", "network.directed=true", NULL},
        "network.directed = true is not available for network.model = watts-strogatz");
    expect_rule_error_after(
        (const char *const[]){"network.model=karate", "network.directed=true", NULL},
        "network.directed = true is not available for network.model = karate");
    expect_rule_error_after(
        (const char *const[]){"network.model=sbm", "network.blocks=4294967295, 2", NULL},
        "exceeds 4294967295 nodes");
    expect_rule_error_after((const char *const[]){"network.model=file", NULL},
                            "network.model = file needs network.file");
    expect_rule_error_after((const char *const[]){"network.model=configuration", "network.nodes=9",
                                                  "network.min_degree=9", NULL},
                            "network.min_degree = 9 must be below network.nodes = 9");
    expect_rule_error_after(
        (const char *const[]){"population.initial_customers=0.65", "population.initial_aware=0.385",
                              NULL},
        "population.initial_customers + population.initial_aware = 1.035 exceeds 1");
    expect_rule_error_after(
        (const char *const[]){"adoption.max=0.05", "adoption.base=0.0615", NULL},
        "adoption.base = 0.0615 exceeds adoption.max = 0.05");
    expect_rule_error_after(
        (const char *const[]){"wom.dispersion=0", "wom.tell_distribution=negbin", NULL},
        "wom.dispersion must be above 0 for wom.tell_distribution = negbin");
    /* a replication's own network must be a new draw of a random model */
    expect_rule_error_after((const char *const[]){"network.model=file", "network.file=town.txt",
                                                  "network.per_replication=true", NULL},
                            "network.per_replication = true needs a random network model, but "
                            "network.model = file is read from its file");
    expect_rule_error_after(
        (const char *const[]){"network.per_replication=on", "network.model=ring", NULL},
        "network.model = ring draws nothing: every replication would get the same graph");
    expect_rule_error_after(
        (const char *const[]){"network.model=complete", "network.per_replication=1", NULL},
        "network.model = complete draws nothing");
    expect_rule_error_after(
        (const char *const[]){"network.model=karate", "network.per_replication=yes", NULL},
        "network.model = karate draws nothing");
}

static void test_rules_hold(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    /* every random model can draw a network per replication */
    const char *const random[] = {"erdos-renyi", "watts-strogatz", "barabasi-albert",
                                  "configuration"};
    set(config, "network.per_replication=true");
    for (int i = 0; i < 4; i++) {
        char assignment[64];
        snprintf(assignment, sizeof assignment, "network.model=%s", random[i]);
        set(config, assignment);
        assert_true(scenario_at(config, 0).network.per_replication);
    }
    set(config, "network.per_replication=false");
    /* sbm takes its nodes from the blocks, whatever network.nodes says */
    set(config, "network.model=sbm");
    set(config, "network.nodes=7919");
    set(config, "network.blocks=41, 37, 23");
    assert_int_equal(scenario_at(config, 0).network.nodes, 101);
    /* the rules hold at the edges */
    set(config, "population.initial_customers=0.7");
    set(config, "population.initial_aware=0.3");
    set(config, "wom.dispersion=0");
    set(config, "adoption.max=0.05");
    set(config, "adoption.base=0.05");
    wom_scenario_t s = scenario_at(config, 0);
    assert_true(s.adoption.base == s.adoption.max);
    /* and are checked per sweep point */
    set(config, "adoption.base=0.0385, 0.0615");
    scenario_at(config, 0);
    wom_error_t error;
    assert_int_equal(wom_config_scenario(config, 1, &s, &error), WOM_ECONFIG);
    expect_message(&error, "adoption.base = 0.0615 exceeds");
    wom_config_free(config);
}

/* ---- canonical values, dump and hash ---------------------------------- */

static void test_canonical_values(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    set(config, "service.quality=-0");
    set(config, "adoption.churn_attitude=-0");
    set(config, "service.churn_rate=0.30000000000000004");
    set(config, "adoption.base=2.50e-3");
    set(config, "wom.dispersion=1e5");
    set(config, "network.blocks= 41,37 ,  23");
    expect_dump_line(config, "\nquality = 0\n");
    expect_dump_line(config, "\nchurn_attitude = 0\n");
    expect_dump_line(config, "\nchurn_rate = 0.30000000000000004\n");
    expect_dump_line(config, "\nbase = 0.0025\n");
    expect_dump_line(config, "\ndispersion = 100000\n");
    expect_dump_line(config, "\nblocks = 41, 37, 23\n");
    expect_dump_line(config, "\nfile =\n");
    wom_config_free(config);
}

static void test_dump_round_trip(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(config, FULL, &error), WOM_OK);
    set(config, "service.quality=0.01:0.99:0.01"); /* long enough to wrap */
    set(config, "wom.tell_distribution=poisson, negbin");
    set(config, "network.file=/srv/graphs/village, west.txt");
    set(config, "simulation.seed=18446744073709551615");
    char blocks[900] = "network.blocks=4000000001";
    for (int i = 1; i < WOM_MAX_BLOCKS; i++) {
        strcat(blocks, ", 4000000001");
    }
    set(config, blocks);
    char *text = dump(config);
    assert_int_equal(
        strncmp(text, "# womsim scenario (canonical)\n[simulation]\nsteps = 287\n", 55), 0);
    assert_non_null(strstr(text, "\n\n[network]\nmodel = barabasi-albert\n"));
    assert_non_null(strstr(text, "\ntell_distribution = poisson, negbin\n"));
    assert_non_null(strstr(text, "\nfile = /srv/graphs/village, west.txt\n"));
    for (const char *line = text; *line != '\0'; line = strchr(line, '\n') + 1) {
        assert_true(strcspn(line, "\n") < 100);
    }
    char path[64];
    write_temp(path, text, strlen(text));
    wom_config_t *again = new_config();
    assert_int_equal(wom_config_read_file(again, path, &error), WOM_OK);
    unlink(path);
    char *text_again = dump(again);
    assert_string_equal(text_again, text);
    assert_int_equal(wom_config_points(again), 99 * 2);
    wom_scenario_t a = scenario_at(config, 97), b = scenario_at(again, 97);
    assert_true(a.service.quality == b.service.quality);
    assert_true(a.service.quality == 0.49);
    assert_int_equal(a.wom.tell_distribution, b.wom.tell_distribution);
    assert_int_equal(b.network.block_count, WOM_MAX_BLOCKS);
    assert_true(b.network.blocks[WOM_MAX_BLOCKS - 1] == 4000000001u);
    free(text_again);
    free(text);
    wom_config_free(again);
    wom_config_free(config);
}

static void test_hash(void **state) {
    (void)state;
    wom_config_t *one = new_config(), *two = new_config();
    char first[65], second[65];
    assert_int_equal(wom_config_hash(one, first), WOM_OK);
    assert_int_equal(strlen(first), 64);
    assert_int_equal(strspn(first, "0123456789abcdef"), 64);
    assert_int_equal(wom_config_hash(two, second), WOM_OK);
    assert_string_equal(first, second);
    set(two, "service.quality=0.835");
    assert_int_equal(wom_config_hash(two, second), WOM_OK);
    assert_string_not_equal(first, second);
    set(two, "service.quality=0.9"); /* back to the default value */
    assert_int_equal(wom_config_hash(two, second), WOM_OK);
    assert_string_equal(first, second);
    /* it is the SHA-256 of the dump */
    char *text = dump(two);
    char expected[SHA256_DIGEST_STRING_LENGTH];
    SHA256Data((const uint8_t *)text, strlen(text), expected);
    assert_string_equal(second, expected);
    free(text);
    wom_config_free(one);
    wom_config_free(two);
}

/* The entries list every key once, in dump order, with the failure modes'
 * keys after the fixed ones, and tell set keys (even to the default value)
 * from keys left at the default. */
/* The switches added after results were made leave the dump, and so the
 * hash, while at their default, however they were set; any other value is
 * dumped and hashed, and reads back. Other keys are dumped at their
 * default. */
static void test_switches_hash(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    char plain[65], changed[65];
    assert_int_equal(wom_config_hash(config, plain), WOM_OK);
    char *text = dump(config);
    assert_null(strstr(text, "common_random_numbers"));
    assert_null(strstr(text, "per_replication"));
    assert_non_null(strstr(text, "\nparadox = false\n"));
    free(text);
    read_text(config, "[simulation]\ncommon_random_numbers = no\n[network]\nper_replication = "
                      "0\n");
    assert_int_equal(wom_config_hash(config, changed), WOM_OK);
    assert_string_equal(plain, changed);
    set(config, "simulation.common_random_numbers=on");
    expect_dump_line(config, "\ncommon_random_numbers = true\n");
    assert_int_equal(wom_config_hash(config, changed), WOM_OK);
    assert_string_not_equal(plain, changed);
    char crn[65];
    memcpy(crn, changed, sizeof crn);
    set(config, "network.per_replication=true");
    expect_dump_line(config, "\ndirected = false\nper_replication = true\n");
    assert_int_equal(wom_config_hash(config, changed), WOM_OK);
    assert_string_not_equal(crn, changed);
    set(config, "network.per_replication=false, true"); /* swept: dumped with both values */
    expect_dump_line(config, "\nper_replication = false, true\n");
    char path[64];
    text = dump(config);
    write_temp(path, text, strlen(text));
    wom_config_t *again = new_config();
    wom_error_t error;
    assert_int_equal(wom_config_read_file(again, path, &error), WOM_OK);
    unlink(path);
    char hash[65], hash_again[65];
    assert_int_equal(wom_config_hash(config, hash), WOM_OK);
    assert_int_equal(wom_config_hash(again, hash_again), WOM_OK);
    assert_string_equal(hash, hash_again);
    assert_true(scenario_at(again, 1).network.per_replication);
    assert_true(scenario_at(again, 1).simulation.common_random_numbers);
    free(text);
    wom_config_free(again);
    set(config, "simulation.common_random_numbers=false");
    set(config, "network.per_replication=off");
    assert_int_equal(wom_config_hash(config, changed), WOM_OK);
    assert_string_equal(plain, changed);
    wom_config_free(config);
}

static void test_entries(void **state) {
    (void)state;
    wom_config_t *config = new_config();
    wom_error_t error;
    size_t count = 0;
    const wom_key_t *keys = wom_config_keys(&count);
    assert_int_equal(wom_config_read_file(config, FAILURES, &error), WOM_OK);
    set(config, "service.quality=0.9"); /* the default value, but given */
    set(config, "wom.forward_prob=0, 0.2");
    size_t entries = wom_config_entries(config);
    assert_int_equal(entries, count - 3 + 2 * 3); /* fixed keys, then 3 per failure mode */
    wom_config_entry_t entry;
    size_t set_count = 0;
    for (size_t i = 0; i < entries; i++) {
        assert_int_equal(wom_config_entry(config, i, &entry), WOM_OK);
        set_count += entry.set;
        if (i < count - 3) {
            assert_string_equal(entry.name, keys[i].name);
            assert_ptr_equal(entry.key, &keys[i]);
        }
        if (strcmp(entry.name, "service.purchase_rate") == 0) {
            assert_true(entry.set);
            assert_string_equal(entry.values[0], "0.117");
        } else if (strcmp(entry.name, "wom.forward_prob") == 0) {
            assert_true(entry.set);
            assert_int_equal(entry.count, 2);
            assert_string_equal(entry.values[1], "0.2");
        } else if (strcmp(entry.name, "service.churn_rate") == 0) {
            assert_false(entry.set);
            assert_string_equal(entry.values[0], entry.key->default_value);
        }
    }
    /* late-delivery: rate, severity, applies_to; Wrong_Item-2: rate, applies_to; and the
     * three keys set above and in [service] */
    assert_int_equal(set_count, 3 + 2 + 3);
    assert_int_equal(wom_config_entry(config, count - 3, &entry), WOM_OK);
    assert_string_equal(entry.name, "failure.late-delivery.rate");
    assert_string_equal(entry.values[0], "0.0385");
    assert_int_equal(wom_config_entry(config, entries - 2, &entry), WOM_OK);
    assert_string_equal(entry.name, "failure.Wrong_Item-2.severity");
    assert_false(entry.set);
    assert_int_equal(wom_config_entry(config, entries, &entry), WOM_EINVAL);
    wom_config_free(config);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_table),
        cmocka_unit_test(test_defaults_resolve),
        cmocka_unit_test(test_new_defaults),
        cmocka_unit_test(test_full_file),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_folder_and_empty_file),
        cmocka_unit_test(test_read_stream),
        cmocka_unit_test(test_unknown_section),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_key_outside_section),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_duplicate_section_merges),
        cmocka_unit_test(test_malformed_numbers),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_choices_and_bools),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_continuation_lines),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_failed_read_keeps_config),
        cmocka_unit_test(test_relative_network_file),
        cmocka_unit_test(test_set_overrides_file),
        cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_set_from_cites_the_option),
        cmocka_unit_test(test_split_values),
        cmocka_unit_test(test_sweep_keys),
        cmocka_unit_test(test_points_mixed_radix),
        cmocka_unit_test(test_failure_sections),
        cmocka_unit_test(test_failure_set),
        cmocka_unit_test(test_failure_sweep),
        cmocka_unit_test(test_failure_names),
        cmocka_unit_test(test_too_many_failures),
        cmocka_unit_test(test_failure_missing_rate),
        cmocka_unit_test(test_failure_unknown_key),
        cmocka_unit_test(test_quality_with_failures),
        cmocka_unit_test(test_expectations),
        cmocka_unit_test(test_seed_rules),
        cmocka_unit_test(test_failure_dump_round_trip),
        cmocka_unit_test(test_failure_hash),
        cmocka_unit_test(test_rules_cite_lines),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_rules_hold),
        cmocka_unit_test(test_canonical_values),
        cmocka_unit_test(test_dump_round_trip),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_switches_hash),
        cmocka_unit_test(test_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
