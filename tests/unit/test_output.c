/* test_output.c: folders made like mkdir -p, atomic writes that leave the
 * old file and no temporary behind on failure, and the files of a tiny
 * hand-made run (timeseries.csv, summary.json, timeseries.dat, .gp), and a
 * reference manifest (womsim regress) without the fields that vary.
 * Each test works in its own mkdtemp folder, removed at the end.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <sha2.h>

#include "test_util.h"
#include "rng.h"
#include "womsim/womsim.h"

/* ---- helpers ---- */

static char *make_temp_dir(void) {
    return make_temp_dir_for("output");
}

/* Entries of `dir` other than . and ..; when `prefix` is not NULL, only
 * those whose name starts with it. */
static int count_entries(const char *dir, const char *prefix) {
    DIR *folder = opendir(dir);
    assert_non_null(folder);
    int count = 0;
    for (struct dirent *entry; (entry = readdir(folder)) != NULL;) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) {
            continue;
        }
        count += prefix == NULL || strncmp(entry->d_name, prefix, strlen(prefix)) == 0;
    }
    closedir(folder);
    return count;
}

static bool is_dir(const char *path) {
    struct stat info;
    return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

static bool exists(const char *path) {
    struct stat info;
    return lstat(path, &info) == 0;
}

/* The whole file, NUL-terminated; its length in *length when not NULL. */
static char *read_all(const char *path, size_t *length) {
    FILE *stream = fopen(path, "rb");
    assert_non_null(stream);
    size_t capacity = 4096, used = 0;
    char *data = malloc(capacity);
    assert_non_null(data);
    for (size_t got; (got = fread(data + used, 1, capacity - used - 1, stream)) > 0;) {
        used += got;
        if (capacity - used - 1 == 0) {
            capacity *= 2;
            data = realloc(data, capacity);
            assert_non_null(data);
        }
    }
    assert_int_equal(ferror(stream), 0);
    fclose(stream);
    data[used] = '\0';
    if (length != NULL) {
        *length = used;
    }
    return data;
}

static void write_all(const char *path, const char *content) {
    FILE *stream = fopen(path, "wb");
    assert_non_null(stream);
    assert_int_equal(fputs(content, stream) >= 0, 1);
    assert_int_equal(fclose(stream), 0);
}

/* ---- wom_output_make_dir ---- */

static void make_dir_creates_nested_folders(void **state) {
    (void)state;
    char *root = make_temp_dir();
    char *nested = join(root, "a/b/c");
    wom_error_t error;
    assert_int_equal(wom_file_make_dir(nested, &error), WOM_OK);
    assert_true(is_dir(nested));
    /* An existing folder is fine, and so is a trailing slash. */
    assert_int_equal(wom_file_make_dir(nested, &error), WOM_OK);
    char *slashed = join(nested, "");
    assert_int_equal(wom_file_make_dir(slashed, &error), WOM_OK);
    assert_int_equal(wom_file_make_dir(root, &error), WOM_OK);
    free(slashed);
    free(nested);
    remove_tree(root);
    free(root);
}

static void make_dir_refuses_a_path_through_a_file(void **state) {
    (void)state;
    char *root = make_temp_dir();
    char *file = join(root, "plain.txt");
    write_all(file, "not a folder\n");
    char *through = join(file, "sub/deeper");
    wom_error_t error;
    assert_int_equal(wom_file_make_dir(through, &error), WOM_ECANTCREAT);
    assert_true(error.message[0] != '\0');
    /* The file itself is not a folder either. */
    assert_int_equal(wom_file_make_dir(file, &error), WOM_ECANTCREAT);
    assert_false(is_dir(file));
    free(through);
    free(file);
    remove_tree(root);
    free(root);
}

static void make_dir_refuses_the_empty_path(void **state) {
    (void)state;
    wom_error_t error;
    assert_int_equal(wom_file_make_dir("", &error), WOM_ECANTCREAT);
    assert_true(error.message[0] != '\0');
}

/* ---- wom_output_write_with / wom_output_write_file ---- */

typedef struct {
    const char *bytes;
    size_t length;
    wom_status status; /* returned after writing */
} writer_context_t;

static wom_status write_bytes(FILE *stream, const void *context) {
    const writer_context_t *c = context;
    if (fwrite(c->bytes, 1, c->length, stream) != c->length) {
        return WOM_EIO;
    }
    return c->status;
}

/* Bytes with a NUL, a CR and a high byte in them: written verbatim. */
static void write_with_writes_exact_bytes_0644(void **state) {
    (void)state;
    char *root = make_temp_dir();
    char *path = join(root, "exact.bin");
    const char bytes[] = "step,0.385\r\n\0\xe9 tail";
    writer_context_t context = {bytes, sizeof bytes - 1, WOM_OK};
    wom_error_t error;
    assert_int_equal(wom_file_write_with(path, write_bytes, &context, &error), WOM_OK);
    size_t length = 0;
    char *got = read_all(path, &length);
    assert_int_equal(length, sizeof bytes - 1);
    assert_memory_equal(got, bytes, length);
    free(got);
    struct stat info;
    assert_int_equal(stat(path, &info), 0);
    assert_int_equal(info.st_mode & 07777, 0644);
    assert_int_equal(count_entries(root, NULL), 1);
    free(path);
    remove_tree(root);
    free(root);
}

static void write_with_failing_writer_keeps_old_file(void **state) {
    (void)state;
    char *root = make_temp_dir();
    char *path = join(root, "kept.csv");
    write_all(path, "old content 0.615\n");
    writer_context_t context = {"new half-written", 16, WOM_EIO};
    wom_error_t error;
    assert_int_not_equal(wom_file_write_with(path, write_bytes, &context, &error), WOM_OK);
    char *got = read_all(path, NULL);
    assert_string_equal(got, "old content 0.615\n");
    free(got);
    assert_int_equal(count_entries(root, "kept.csv.tmp."), 0);
    assert_int_equal(count_entries(root, NULL), 1);
    /* The same with no previous file: nothing at all remains. */
    char *fresh = join(root, "fresh.csv");
    assert_int_not_equal(wom_file_write_with(fresh, write_bytes, &context, &error), WOM_OK);
    assert_false(exists(fresh));
    assert_int_equal(count_entries(root, NULL), 1);
    free(fresh);
    free(path);
    remove_tree(root);
    free(root);
}

static void write_into_missing_folder_fails(void **state) {
    (void)state;
    char *root = make_temp_dir();
    char *missing = join(root, "missing");
    wom_text_t text;
    wom_text_init(&text);
    wom_text_printf(&text, "%s\n", "0.0385");
    wom_error_t error;
    assert_int_equal(wom_file_write_text(missing, "out.csv", &text, &error), WOM_ECANTCREAT);
    assert_false(exists(missing));
    assert_int_equal(count_entries(root, NULL), 0);
    wom_text_destroy(&text);
    free(missing);
    remove_tree(root);
    free(root);
}

static void write_file_writes_text_and_refuses_failed_text(void **state) {
    (void)state;
    char *root = make_temp_dir();
    wom_text_t text;
    wom_text_init(&text);
    wom_text_printf(&text, "a,b\n%d,", 1237);
    wom_text_number(&text, 0.0215);
    wom_text_printf(&text, "\n");
    wom_error_t error;
    assert_int_equal(wom_file_write_text(root, "good.csv", &text, &error), WOM_OK);
    char *good = join(root, "good.csv");
    char *got = read_all(good, NULL);
    assert_string_equal(got, "a,b\n1237,0.0215\n");
    free(got);
    free(good);
    /* A buffer whose allocation failed is never written, not even in part. */
    text.failed = true;
    assert_int_equal(wom_file_write_text(root, "bad.csv", &text, &error), WOM_ENOMEM);
    char *bad = join(root, "bad.csv");
    assert_false(exists(bad));
    assert_int_equal(count_entries(root, "bad.csv"), 0);
    assert_int_equal(count_entries(root, NULL), 1);
    free(bad);
    wom_text_destroy(&text);
    remove_tree(root);
    free(root);
}

/* ---- wom_output_write_run ---- */

/* The 0-based field of `name` in a comma-separated header line, or -1. */
static int field_index(const char *header, const char *name) {
    size_t length = strlen(name);
    int index = 0;
    for (const char *field = header;; index++) {
        const char *end = field + strcspn(field, ",\n");
        if ((size_t)(end - field) == length && strncmp(field, name, length) == 0) {
            return index;
        }
        if (*end != ',') {
            return -1;
        }
        field = end + 1;
    }
}

/* Field `index` of `line` (comma-separated) as a number. */
static double field_value(const char *line, int index) {
    for (int i = 0; i < index; i++) {
        line = strchr(line, ',');
        assert_non_null(line);
        line++;
    }
    char *end = NULL;
    double value = strtod(line, &end);
    assert_true(end != line && (*end == ',' || *end == '\n'));
    return value;
}

/* Two replications of three steps (rows 0..3 each) of 1000 agents.
 * Customers at step 2: 137 and 212 (mean 174.5); at step 3: 301 and 418
 * (mean 359.5). Both means are exact in binary. */
static void write_run_writes_the_four_files(void **state) {
    (void)state;
    wom_metrics_row_t rows[2 * 4] = {0};
    const int64_t customers[2][4] = {{0, 41, 137, 301}, {0, 53, 212, 418}};
    for (int r = 0; r < 2; r++) {
        for (int t = 0; t < 4; t++) {
            int64_t *c = rows[r * 4 + t].count;
            c[WOM_M_CUSTOMERS] = customers[r][t];
            c[WOM_M_LOST] = t * (r + 3);
            c[WOM_M_UNAWARE] = 1000 - c[WOM_M_CUSTOMERS] - c[WOM_M_LOST];
            c[WOM_M_SATISFIED] = 7 * t + r;
            c[WOM_M_TOLD_BY_SATISFIED] = 29 * t + r;
        }
    }
    wom_graph_t graph = {.nodes = 1000, .arcs = 0, .directed = false};
    wom_aggregate_point_t point = {.graph = &graph, .table = {2, 3, 1000, rows}};
    wom_config_t *config = NULL;
    assert_int_equal(wom_config_alloc(&config), WOM_OK);
    assert_int_equal(wom_config_scenario(config, 0, &point.scenario, NULL), WOM_OK);
    wom_config_free(config);
    wom_model_layout(&point.scenario, &point.layout);
    assert_int_equal(wom_stats_series(&point.table, &point.layout, &point.series, &point.totals),
                     WOM_OK);
    const char *hash = "3f8a2c61d09e4b7755c1e0a9b2d4f6183c5e7a9b0d2f4e6a8c1b3d5f7e9a0c2b";
    wom_output_run_t run = {"tiny-run-0385", hash, &point, NULL};

    char *root = make_temp_dir();
    char *dir = join(root, "out/nested");
    wom_error_t error;
    assert_int_equal(wom_output_write_run(dir, &run, &error), WOM_OK);
    assert_int_equal(count_entries(dir, NULL), 4);

    /* timeseries.csv: a header and steps + 1 rows. */
    char *path = join(dir, "timeseries.csv");
    char *csv = read_all(path, NULL);
    free(path);
    const char *prefix = "step,unaware_mean,unaware_sd,unaware_ci95_lo,unaware_ci95_hi";
    assert_int_equal(strncmp(csv, prefix, strlen(prefix)), 0);
    int lines = 0;
    const char *line[8] = {NULL};
    for (const char *p = csv; *p != '\0'; p = strchr(p, '\n') + 1) {
        assert_non_null(strchr(p, '\n'));
        assert_true(lines < 8);
        line[lines++] = p;
    }
    assert_int_equal(lines, 1 + 4);
    int column = field_index(csv, "customers_mean");
    assert_true(column > 0);
    for (int t = 0; t <= 3; t++) {
        assert_near(field_value(line[1 + t], 0), t, 0);
    }
    assert_near(field_value(line[1 + 2], column), 174.5, 0);
    assert_near(field_value(line[1 + 3], column), 359.5, 0);

    /* summary.json */
    path = join(dir, "summary.json");
    char *json = read_all(path, NULL);
    free(path);
    assert_non_null(strstr(json, "\"replications\": 2,"));
    assert_non_null(strstr(json, "\"steps\": 3,"));
    assert_non_null(strstr(json, "\"agents\": 1000,"));
    assert_non_null(strstr(json, "\"customers\": {\"mean\": 359.5,"));
    /* the flows' totals over days 1..3: satisfied 7 t + r sums to 42 and 45 */
    const char *totals = strstr(json, "\"totals\": {");
    assert_non_null(totals);
    assert_non_null(strstr(totals, "\"satisfied\": {\"mean\": 43.5,"));
    assert_null(strstr(totals, "\"customers\":")); /* a state, not a flow */
    assert_non_null(strstr(json, "\"good_per_bad\": "));
    assert_non_null(strstr(json, "\"told_per_customer_year\": "));
    assert_non_null(strstr(json, "\"tiny-run-0385\""));
    assert_non_null(strstr(json, hash));
    free(json);

    /* timeseries.dat: a provenance comment first. */
    path = join(dir, "timeseries.dat");
    char *dat = read_all(path, NULL);
    free(path);
    assert_true(dat[0] == '#');
    char *first_end = strchr(dat, '\n');
    assert_non_null(first_end);
    *first_end = '\0';
    assert_non_null(strstr(dat, "tiny-run-0385"));
    assert_non_null(strstr(dat, hash));
    /* after its two comment lines, the csv's rows with spaces for commas */
    const char *dat_rows = strchr(first_end + 1, '\n') + 1;
    const char *csv_rows = strchr(csv, '\n') + 1;
    assert_int_equal(strlen(dat_rows), strlen(csv_rows));
    for (size_t i = 0; csv_rows[i] != '\0'; i++) {
        assert_int_equal(dat_rows[i], csv_rows[i] == ',' ? ' ' : csv_rows[i]);
    }
    free(csv);
    free(dat);

    /* timeseries.gp */
    path = join(dir, "timeseries.gp");
    char *gp = read_all(path, NULL);
    free(path);
    assert_non_null(strstr(gp, "timeseries.dat"));
    assert_non_null(strstr(gp, "timeseries.png"));
    assert_non_null(strstr(gp, "timeseries.svg"));
    assert_non_null(strstr(gp, "set xrange [0:3]\n")); /* the day axis ends on the last day */
    assert_non_null(strstr(gp, "shaded bands 95% confidence intervals"));
    /* a count's band is cut at 0, the net score's (which can be negative) is not */
    char band[64];
    int lo = 2 + 4 * wom_metrics_find(&point.layout, "customers") + 2;
    snprintf(band, sizeof band, "using 1:($%d < 0 ? 0 : $%d):($%d)", lo, lo, lo + 1);
    assert_non_null(strstr(gp, band));
    lo = 2 + 4 * wom_metrics_find(&point.layout, "reputation") + 2;
    snprintf(band, sizeof band, "using 1:($%d):($%d)", lo, lo + 1);
    assert_non_null(strstr(gp, band));
    /* a panel's curves differ by dash type, not only by colour */
    assert_non_null(strstr(gp, "dt 1 lc '#0072B2' title 'customers'"));
    assert_non_null(strstr(gp, "dt 2 lc '#D55E00' title 'lost'"));
    assert_non_null(strstr(gp, "dt 2 lc '#D55E00' title 'negative'"));
    free(gp);

    free(dir);
    remove_tree(root);
    free(root);
    free(point.series);
    free(point.totals);
}

/* A reference manifest holds what is the same on every machine, and the
 * SHA-256 of its files; nothing that varies (times, command, threads). */
static void reference_manifest_has_no_varying_fields(void **state) {
    (void)state;
    char *dir = make_temp_dir();
    char *data = join(dir, "timeseries.csv");
    write_all(data, "step,x_mean\n0,1\n");
    const char *const files[] = {"timeseries.csv"};
    const char *const command[] = {"womsim", "run"};
    wom_output_manifest_t m = {
        command, 2, "shop", "/abs/shop.ini", NULL,   0, "ab12", 385, 8,    "0/1",
        1,       3, 3,      "now",           "then", 0, files,  1,   NULL, NULL};
    assert_int_equal(wom_output_write_reference_manifest(dir, "manifest.json", &m, NULL), WOM_OK);
    char *path = join(dir, "manifest.json");
    size_t length = 0;
    char *text = read_all(path, &length);
    char digest[SHA256_DIGEST_STRING_LENGTH], expected[512];
    assert_non_null(SHA256Data((const uint8_t *)"step,x_mean\n0,1\n", 16, digest));
    snprintf(expected, sizeof expected,
             "{\n  \"womsim\": \"%s\",\n  \"scenario\": \"shop\",\n  \"scenario_hash\": \"ab12\",\n"
             "  \"seed\": 385,\n  \"rng\": \"%s\",\n  \"points\": 1,\n  \"replications\": 3,\n"
             "  \"files\": {\n    \"timeseries.csv\": \"%s\"\n  }\n}\n",
             WOM_VERSION, wom_rng_name(), digest);
    assert_string_equal(text, expected);
    free(text);
    free(path);
    free(data);
    remove_tree(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(make_dir_creates_nested_folders),
        cmocka_unit_test(make_dir_refuses_a_path_through_a_file),
        cmocka_unit_test(make_dir_refuses_the_empty_path),
        cmocka_unit_test(write_with_writes_exact_bytes_0644),
        cmocka_unit_test(write_with_failing_writer_keeps_old_file),
        cmocka_unit_test(write_into_missing_folder_fails),
        cmocka_unit_test(write_file_writes_text_and_refuses_failed_text),
        cmocka_unit_test(write_run_writes_the_four_files),
        cmocka_unit_test(reference_manifest_has_no_varying_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
