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
    assert_int_equal(count, 38);
    assert_string_equal(keys[0].name, "simulation.steps");
    assert_string_equal(keys[count - 1].name, "recovery.repurchase_silent_minor");
    for (size_t k = 0; k < count; k++) {
        assert_non_null(strchr(keys[k].name, '.'));
        assert_true(strlen(keys[k].meaning) > 0);
        assert_true(strlen(keys[k].source) > 0);
        assert_non_null(keys[k].default_value);
        assert_ptr_equal(wom_config_key(keys[k].name), &keys[k]);
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
    expect_file_error("[adoption]\nchurn_attitude = -30001\n", 2, "[-30000, 30000]");
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
    expect_set_error("network.file=a\nb", "line break");
    char text[1200];
    snprintf(text, sizeof text, "network.file=%01100d", 3);
    expect_set_error(text, "network.file: value is longer than 1023 characters");
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
    expect_set_error("service.quality=0.1:0.2", "service.quality: a range is written");
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
}

static void test_rules_hold(void **state) {
    (void)state;
    wom_config_t *config = new_config();
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_table),
        cmocka_unit_test(test_defaults_resolve),
        cmocka_unit_test(test_full_file),
        cmocka_unit_test(test_missing_file),
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
        cmocka_unit_test(test_split_values),
        cmocka_unit_test(test_sweep_keys),
        cmocka_unit_test(test_points_mixed_radix),
        cmocka_unit_test(test_rules_cite_lines),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_rules_hold),
        cmocka_unit_test(test_canonical_values),
        cmocka_unit_test(test_dump_round_trip),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
