/* test_calibrate.c: calibration (calibrate.h). The observed table's
 * reader: what it accepts (a byte order mark, CRLF, blank lines, spaces,
 * the day column anywhere, days with gaps) and each bad table it refuses,
 * at its line; the scales and the objective against sums written here;
 * the fold into the unit interval; every refusal of a problem (free keys,
 * metrics with did-you-mean, days beyond the scenario, a sweeping
 * scenario, a rule broken at a corner of the ranges); one evaluation
 * against the same batch run through the public API (the same means,
 * bit for bit, under common random numbers, and no task file left); a
 * small whole fit: its numbers consistent, the same on one and two
 * threads and on a rerun; and a stop before anything ran.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <sha2.h>

#include "calibrate_internal.h"
#include "test_util.h"
#include "womsim/womsim.h"

/* Writes `size` bytes of `content` to dir/name; returns its path. */
static char *write_named(const char *dir, const char *name, const char *content, size_t size) {
    char *path = join(dir, name);
    FILE *stream = fopen(path, "wb");
    assert_non_null(stream);
    assert_int_equal(fwrite(content, 1, size, stream), size);
    assert_int_equal(fclose(stream), 0);
    return path;
}

static char *write_file(const char *dir, const char *content, size_t size) {
    return write_named(dir, "observed.csv", content, size);
}

/* ---- the reader ---- */

static void reads_a_table(void **state) {
    (void)state;
    char *dir = make_temp_dir_for("calibrate");
    static const char content[] = "\n\xEF\xBB\xBF customers , day,reputation\r\n"
                                  "413, 0 ,-2.75\r\n"
                                  "\n"
                                  "  388.5,17,1e1\n"
                                  "-0,  +40 , 3.125\n"
                                  "402,59,0";
    char *path = write_file(dir, content, sizeof content - 1);
    wom_calibrate_data_t data;
    wom_error_t error = {0};
    assert_int_equal(wom_calibrate_read_csv(path, &data, &error), WOM_OK);
    assert_int_equal(data.rows, 4);
    assert_int_equal(data.columns, 2);
    assert_string_equal(data.name[0], "customers");
    assert_string_equal(data.name[1], "reputation");
    assert_int_equal(data.day_line, 2);
    assert_int_equal(wom_calibrate_data_column(&data, "reputation"), 1);
    assert_int_equal(wom_calibrate_data_column(&data, "day"), -1);
    const int64_t days[] = {0, 17, 40, 59};
    const long lines[] = {3, 5, 6, 7};
    const double values[] = {413, -2.75, 388.5, 10, 0, 3.125, 402, 0};
    for (size_t d = 0; d < 4; d++) {
        assert_int_equal(data.day[d], days[d]);
        assert_int_equal(data.line[d], lines[d]);
    }
    for (size_t i = 0; i < 8; i++) {
        assert_true(data.value[i] == values[i]);
    }
    assert_false(signbit(data.value[4]));
    char digest[SHA256_DIGEST_STRING_LENGTH];
    SHA256Data((const uint8_t *)content, sizeof content - 1, digest);
    assert_string_equal(data.sha256, digest);
    wom_calibrate_data_destroy(&data);
    free(path);
    remove_tree(dir);
    free(dir);
}

/* Each bad table: its status, the line named and the message. */
static void refuses_bad_tables(void **state) {
    (void)state;
    static const struct {
        const char *content;
        size_t size; /* 0: strlen */
        long line;
        const char *message;
    } cases[] = {
        {"", 0, 0, "the file is empty: expected a header such as 'day,customers,reputation'"},
        {"\n  \n", 0, 0, "the file is empty"},
        {"day,customers\n", 0, 0, "no rows of data: expected a row per observed day"},
        {"0,413\n30,388\n", 0, 1, "the header is missing: the first line must name the columns"},
        {"step,customers\n0,1\n", 0, 1,
         "the header has no 'day' column: expected 'day' and the metrics observed, such as "
         "'day,customers,reputation', found 'step,customers'"},
        {"day;customers\n0;1\n", 0, 1, "found 'day;customers' (the separator is ',', not ';')"},
        {"\x89PNG\r\n\x1a\n", 0, 1, "found '\\x89PNG'"},
        {"day\n0\n", 0, 1, "the header names no metric besides 'day'"},
        {"day,customers,day\n", 0, 1, "the header names the column 'day' twice"},
        {"day,customers,customers\n", 0, 1, "the header names the column 'customers' twice"},
        {"day,,customers\n", 0, 1, "column 2 of the header has no name"},
        {"day,customers\n0,1\n30,2,3\n", 0, 3, "expected 2 fields, as the header has, found 3"},
        {"day,customers\n0;1\n", 0, 2, "found 1 (the separator is ',', not ';')"},
        {"day,customers\n0.5,1\n", 0, 2, "day '0.5' is not a whole number"},
        {"day,customers\n,1\n", 0, 2, "day '' is not a whole number"},
        {"day,customers\n-3,1\n", 0, 2, "day '-3' is negative: days count from 0"},
        {"day,customers\n99999999999999999999,1\n", 0, 2,
         "day '99999999999999999999' is too large"},
        {"day,customers\n0,1\n30,2\n30,3\n", 0, 4, "day 30 is given twice (first on line 3)"},
        {"day,customers\n30,1\n0,2\n", 0, 3,
         "day 0 comes after day 30: list the days in rising order"},
        {"day,customers\n0,many\n", 0, 2, "customers 'many' is not a number"},
        {"day,customers\n0,\n", 0, 2, "customers '' is not a number"},
        {"day,customers\n0,0x1A\n", 0, 2, "customers '0x1A' is not a number"},
        {"day,customers\n0,nan\n", 0, 2, "customers 'nan' is not a finite number"},
        {"day,customers\n0,-1e400\n", 0, 2, "customers '-1e400' is not a finite number"},
        {"day,customers\n0,1\n1,2\0\n", 23, 3, "line contains a NUL byte"},
    };
    char *dir = make_temp_dir_for("calibrate");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t size = cases[i].size ? cases[i].size : strlen(cases[i].content);
        char *path = write_file(dir, cases[i].content, size);
        wom_calibrate_data_t data;
        wom_error_t error = {0};
        wom_status status = wom_calibrate_read_csv(path, &data, &error);
        if (status != WOM_EDATA || error.line != cases[i].line ||
            strstr(error.message, cases[i].message) == NULL) {
            print_error("case %zu: status %d, line %ld: %s\n", i, status, error.line,
                        error.message);
            fail();
        }
        assert_string_equal(error.file, path);
        wom_calibrate_data_destroy(&data);
        free(path);
    }
    remove_tree(dir);
    free(dir);
}

static void refuses_missing_files_long_lines_and_too_many_rows(void **state) {
    (void)state;
    char *dir = make_temp_dir_for("calibrate");
    char *missing = join(dir, "nowhere.csv");
    wom_calibrate_data_t data;
    wom_error_t error = {0};
    assert_int_equal(wom_calibrate_read_csv(missing, &data, &error), WOM_ENOENT);
    assert_string_equal(error.message, "cannot open: No such file or directory");
    assert_int_equal(wom_calibrate_read_csv(dir, &data, &error), WOM_ENOENT);
    assert_string_equal(error.message, "is a folder, not a CSV file");
    free(missing);
    size_t size = 14 + WOM_CALIBRATE_MAX_LINE + 2;
    char *content = malloc(size);
    memcpy(content, "day,customers\n", 14);
    memset(content + 14, '7', size - 14);
    content[14 + 2] = ',';
    char *path = write_file(dir, content, size);
    assert_int_equal(wom_calibrate_read_csv(path, &data, &error), WOM_EDATA);
    assert_int_equal(error.line, 2);
    assert_string_equal(error.message, "line is longer than 4096 characters");
    wom_calibrate_data_destroy(&data);
    free(content);
    free(path);
    wom_text_t rows;
    wom_text_init(&rows);
    wom_text_printf(&rows, "day,customers\n");
    for (int t = 0; t <= WOM_CALIBRATE_MAX_ROWS; t++) {
        wom_text_printf(&rows, "%d,%d\n", t, t % 7);
    }
    path = write_file(dir, rows.data, rows.length);
    assert_int_equal(wom_calibrate_read_csv(path, &data, &error), WOM_EDATA);
    assert_int_equal(error.line, WOM_CALIBRATE_MAX_ROWS + 2);
    assert_string_equal(error.message, "more than 100001 rows");
    wom_calibrate_data_destroy(&data);
    wom_text_destroy(&rows);
    free(path);
    remove_tree(dir);
    free(dir);
}

/* ---- the objective ---- */

static void scales_are_sd_then_mean_absolute_then_one(void **state) {
    (void)state;
    /* columns: varying; constant and negative; all 0 */
    const double observed[] = {12.5, -3.25, 0, 31.75, -3.25, 0, 7.125, -3.25, 0, 19.0, -3.25, 0};
    double scale[3];
    wom_calibrate_scales(observed, 4, 3, scale);
    double mean = (12.5 + 31.75 + 7.125 + 19.0) / 4, squares = 0;
    for (int d = 0; d < 4; d++) {
        squares += (observed[3 * d] - mean) * (observed[3 * d] - mean);
    }
    assert_near(scale[0], sqrt(squares / 3), 1e-12);
    assert_near(scale[1], 3.25, 0);
    assert_near(scale[2], 1, 0);
    const double one_day[] = {-41.5, 0.385};
    wom_calibrate_scales(one_day, 1, 2, scale);
    assert_near(scale[0], 41.5, 0);
    assert_near(scale[1], 0.385, 0);
}

static void objective_is_the_scaled_squared_error(void **state) {
    (void)state;
    const double observed[] = {100, 21.3, 91, 13.9, 113, 15.0};
    const double fitted[] = {100, 20.47, 87.25, 11.34, 116.125, 13.37};
    const double scale[] = {8.75, 3.125};
    double expected = pow((87.25 - 91) / 8.75, 2) + pow((116.125 - 113) / 8.75, 2) +
                      pow((20.47 - 21.3) / 3.125, 2) + pow((11.34 - 13.9) / 3.125, 2) +
                      pow((13.37 - 15.0) / 3.125, 2);
    assert_near(wom_calibrate_objective(fitted, observed, scale, 3, 2), expected, 1e-12);
    assert_near(wom_calibrate_objective(observed, observed, scale, 3, 2), 0, 0);
}

static void fold_reflects_into_the_unit_interval(void **state) {
    (void)state;
    const double in[] = {0.385, 1, 0, 1.25, -0.375, 2.625, -1.375, 3.5, 2, -2};
    const double out[] = {0.385, 1, 0, 0.75, 0.375, 0.625, 0.625, 0.5, 0, 0};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        assert_near(wom_calibrate_fold(in[i]), out[i], 1e-15);
    }
}

/* ---- problems ---- */

/* A shop small enough to run in milliseconds. */
static wom_config_t *small_shop(void) {
    static const char *const keys[] = {"network.nodes=400",    "network.mean_degree=6",
                                       "simulation.steps=60",  "simulation.replications=4",
                                       "simulation.seed=7713", "model.attitude_half_life=45",
                                       "service.quality=0.9",  "wom.satisfied_tell_mean=5"};
    wom_config_t *config = NULL;
    assert_int_equal(wom_config_alloc(&config), WOM_OK);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_int_equal(wom_config_set(config, keys[i], NULL), WOM_OK);
    }
    return config;
}

static const char observed_table[] = "day,customers,reputation\n"
                                     "0,40,21.5\n"
                                     "17,38,15.25\n"
                                     "41,44,17.75\n"
                                     "59,51,19.5\n";

typedef struct {
    char *dir;
    char *path;
    wom_calibrate_data_t data;
    wom_config_t *config;
} fixture_t;

static fixture_t fixture(const char *table) {
    fixture_t f = {0};
    f.dir = make_temp_dir_for("calibrate");
    f.path = write_file(f.dir, table, strlen(table));
    wom_error_t error = {0};
    assert_int_equal(wom_calibrate_read_csv(f.path, &f.data, &error), WOM_OK);
    f.config = small_shop();
    return f;
}

static void fixture_destroy(fixture_t *f) {
    wom_calibrate_data_destroy(&f->data);
    wom_config_free(f->config);
    free(f->path);
    remove_tree(f->dir);
    free(f->dir);
}

static wom_status init(wom_calibrate_t *cal, fixture_t *f, const char *const *free_keys,
                       size_t count, const char *const *metrics, size_t metric_count,
                       wom_error_t *error) {
    wom_calibrate_spec_t spec = {f->path,   &f->data, metrics, metric_count,
                                 free_keys, count,    "--free"};
    return wom_calibrate_init(cal, f->config, &spec, error);
}

static void sets_up_a_problem(void **state) {
    (void)state;
    fixture_t f = fixture(observed_table);
    const char *const keys[] = {" service.quality = 0.7:0.98", "wom.satisfied_tell_mean=2:10"};
    const char *const metrics[] = {"reputation"};
    wom_calibrate_t cal;
    wom_error_t error = {0};
    assert_int_equal(init(&cal, &f, keys, 2, metrics, 1, &error), WOM_OK);
    assert_int_equal(cal.keys, 2);
    assert_string_equal(cal.key[0].name, "service.quality");
    assert_true(cal.key[0].lo == 0.7 && cal.key[0].hi == 0.98);
    assert_true(cal.key[1].lo == 2 && cal.key[1].hi == 10);
    assert_int_equal(cal.metrics, 1);
    assert_string_equal(cal.name[0], "reputation");
    assert_true(cal.observed[2] == 17.75 && cal.rows == 4 && cal.day[3] == 59);
    assert_true(cal.seed == 7713 && cal.replications == 4 && cal.steps == 60);
    assert_near(wom_calibrate_value(&cal, 0, 0.25), 0.77, 1e-15);
    assert_near(wom_calibrate_value(&cal, 1, 1), 10, 0);
    char hash[65];
    assert_int_equal(wom_config_hash(f.config, hash), WOM_OK);
    assert_string_equal(cal.hash, hash); /* the caller's config, unchanged */
    wom_scenario_t scenario;
    assert_int_equal(wom_config_scenario(f.config, 0, &scenario, NULL), WOM_OK);
    assert_false(scenario.simulation.common_random_numbers);
    assert_true(scenario.service.quality == 0.9);
    wom_calibrate_destroy(&cal);
    fixture_destroy(&f);
}

/* Each refused problem: status, file, line and message. */
static void refuses_bad_problems(void **state) {
    (void)state;
    static const struct {
        const char *key, *table, *metric;
        wom_status status;
        bool in_table; /* the error names the table (else --free) */
        long line;
        const char *message;
    } cases[] = {
        {"service.quality", NULL, NULL, WOM_ECONFIG, false, 0,
         "expected KEY=LO:HI, such as service.quality=0.7:0.95, not 'service.quality'"},
        {"service.quality=0.8", NULL, NULL, WOM_ECONFIG, false, 0,
         "service.quality: '0.8' is not a range LO:HI"},
        {"service.quality=0.7:0.9:0.05", NULL, NULL, WOM_ECONFIG, false, 0, "is not a range"},
        {"service.qualty=0.7:0.9", NULL, NULL, WOM_ECONFIG, false, 0,
         "unknown key 'qualty' in [service] (did you mean 'quality'?)"},
        {"simulation.steps=10:20", NULL, NULL, WOM_ECONFIG, false, 0,
         "simulation.steps takes whole numbers; the fit searches keys of real values only"},
        {"network.model=0:1", NULL, NULL, WOM_ECONFIG, false, 0, "this key is not a number"},
        {"service.quality=0.9:0.7", NULL, NULL, WOM_ECONFIG, false, 0, "must rise"},
        {"service.quality=0.7:1.25", NULL, NULL, WOM_ECONFIG, false, 0, "out of range"},
        {"wom.forward_prob=0.1:0.5", NULL, NULL, WOM_ECONFIG, false, 0, "must be below 1"},
        {"service.quality=0.7:0.98", "day,custmers\n0,1\n", NULL, WOM_EDATA, true, 1,
         "column 'custmers' is not a metric of the scenario (a column of its timeseries.csv "
         "without _mean); did you mean 'customers'?"},
        {"service.quality=0.7:0.98", "day,customers_mean\n0,1\n", NULL, WOM_EDATA, true, 1,
         "did you mean 'customers'?"},
        {"service.quality=0.7:0.98", "day,customers\n0,1\n30,2\n61,3\n", NULL, WOM_EDATA, true, 4,
         "day 61 is beyond the scenario's last day (simulation.steps = 60)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture_t f = fixture(cases[i].table != NULL ? cases[i].table : observed_table);
        assert_int_equal(wom_config_set(f.config, "wom.forward_tell_mean=3", NULL), WOM_OK);
        assert_int_equal(wom_config_set(f.config, "wom.forward_prob=0.1", NULL), WOM_OK);
        const char *const keys[] = {cases[i].key};
        wom_calibrate_t cal;
        wom_error_t error = {0};
        wom_status status = init(&cal, &f, keys, 1, NULL, 0, &error);
        if (status != cases[i].status || error.line != cases[i].line ||
            strcmp(error.file, cases[i].in_table ? f.path : "--free") != 0 ||
            strstr(error.message, cases[i].message) == NULL) {
            print_error("case %zu: status %d, %s:%ld: %s\n", i, status, error.file, error.line,
                        error.message);
            fail();
        }
        wom_calibrate_destroy(&cal);
        fixture_destroy(&f);
    }
}

static void refuses_a_key_twice_a_sweep_and_too_few_values(void **state) {
    (void)state;
    fixture_t f = fixture("day,customers\n59,51\n");
    const char *const twice[] = {"service.quality=0.7:0.9", "service.quality=0.75:0.95"};
    wom_calibrate_t cal;
    wom_error_t error = {0};
    assert_int_equal(init(&cal, &f, twice, 2, NULL, 0, &error), WOM_ECONFIG);
    assert_string_equal(error.message, "service.quality is given twice");
    wom_calibrate_destroy(&cal);
    const char *const two[] = {"service.quality=0.7:0.9", "adoption.persuasion=0.0002:0.004"};
    assert_int_equal(init(&cal, &f, two, 2, NULL, 0, &error), WOM_EDATA);
    assert_string_equal(error.message, "1 observed value cannot determine 2 free keys: observe "
                                       "more days or metrics, or free fewer keys");
    wom_calibrate_destroy(&cal);
    assert_int_equal(wom_config_set(f.config, "service.churn_rate=0.001, 0.002", NULL), WOM_OK);
    assert_int_equal(init(&cal, &f, two, 1, NULL, 0, &error), WOM_ECONFIG);
    assert_non_null(strstr(error.message, "the scenario sweeps a key over several values (2 "));
    wom_calibrate_destroy(&cal);
    fixture_destroy(&f);
}

/* ---- evaluations ---- */

static wom_calibrate_options_t options_in(const char *work, int threads) {
    return (wom_calibrate_options_t){.work_dir = work,
                                     .name = "small-shop",
                                     .threads = threads,
                                     .starts = 4,
                                     .max_evaluations = 12,
                                     .tolerance = 0.01,
                                     .step = 0.1,
                                     .bootstrap = 3};
}

/* The files left in `dir`, recursively (folders not counted). */
static size_t files_in(const char *dir) {
    DIR *folder = opendir(dir);
    size_t count = 0;
    for (struct dirent *entry; folder != NULL && (entry = readdir(folder)) != NULL;) {
        if (entry->d_name[0] != '.') {
            char *path = join(dir, entry->d_name);
            struct stat info;
            assert_int_equal(stat(path, &info), 0);
            count += S_ISDIR(info.st_mode) ? files_in(path) : 1;
            free(path);
        }
    }
    if (folder != NULL) {
        closedir(folder);
    }
    return count;
}

/* The replication means at the observed days, through the public API. */
static void means_by_hand(const fixture_t *f, const char *dir, double *means) {
    wom_config_t *config = small_shop();
    assert_int_equal(wom_config_set(config, "service.quality=0.873", NULL), WOM_OK);
    assert_int_equal(wom_config_set(config, "wom.satisfied_tell_mean=6.25", NULL), WOM_OK);
    assert_int_equal(wom_config_set(config, "simulation.common_random_numbers=true", NULL), WOM_OK);
    wom_batch_t batch;
    wom_batch_options_t options = {
        .dir = dir, .name = "by-hand", .shards = 1, .max_tasks = 1000, .threads = 2};
    wom_error_t error = {0};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    assert_int_equal(wom_batch_run(&batch, &error), WOM_OK);
    wom_aggregate_point_t point;
    assert_int_equal(wom_aggregate_point(&batch, 0, &point, &error), WOM_OK);
    int columns[2] = {wom_metrics_find(&point.layout, "customers"),
                      wom_metrics_find(&point.layout, "reputation")};
    for (size_t d = 0; d < f->data.rows; d++) {
        for (size_t m = 0; m < 2; m++) {
            size_t at = (size_t)f->data.day[d] * (size_t)point.layout.count + (size_t)columns[m];
            means[d * 2 + m] = point.series[at].mean;
        }
    }
    wom_aggregate_point_destroy(&point);
    wom_batch_destroy(&batch);
    wom_config_free(config);
}

static void an_evaluation_is_the_batch_under_common_random_numbers(void **state) {
    (void)state;
    fixture_t f = fixture(observed_table);
    const char *const keys[] = {"service.quality=0.7:0.98", "wom.satisfied_tell_mean=2:10"};
    wom_calibrate_t cal;
    wom_error_t error = {0};
    assert_int_equal(init(&cal, &f, keys, 2, NULL, 0, &error), WOM_OK);
    char *work = join(f.dir, "work"), *by_hand = join(f.dir, "by-hand");
    wom_calibrate_options_t options = options_in(work, 2);
    const double values[] = {0.873, 6.25};
    double fitted[8], means[8];
    bool stopped = true;
    assert_int_equal(wom_calibrate_simulate(&cal, &options, values, fitted, NULL, &stopped, &error),
                     WOM_OK);
    assert_false(stopped);
    assert_int_equal(files_in(work), 0);
    means_by_hand(&f, by_hand, means);
    for (size_t i = 0; i < 8; i++) {
        assert_true(fitted[i] == means[i]);
    }
    /* the objective by hand: each metric's sample sd over the four days as its scale */
    double expected = 0;
    for (size_t m = 0; m < 2; m++) {
        double mean = 0, squares = 0;
        for (size_t d = 0; d < 4; d++) {
            mean += f.data.value[d * 2 + m] / 4;
        }
        for (size_t d = 0; d < 4; d++) {
            squares += pow(f.data.value[d * 2 + m] - mean, 2);
        }
        for (size_t d = 0; d < 4; d++) {
            expected += pow((means[d * 2 + m] - f.data.value[d * 2 + m]) / sqrt(squares / 3), 2);
        }
    }
    assert_near(wom_calibrate_objective(fitted, cal.observed, cal.scale, 4, 2), expected,
                1e-12 * expected);
    free(work);
    free(by_hand);
    wom_calibrate_destroy(&cal);
    fixture_destroy(&f);
}

/* A small whole fit: threads' results compared, and each number checked. */
static void run_small_fit(fixture_t *f, int threads, wom_calibrate_result_t *result) {
    const char *const keys[] = {"service.quality=0.7:0.98", "wom.satisfied_tell_mean=2:10"};
    wom_calibrate_t cal;
    wom_error_t error = {0};
    assert_int_equal(init(&cal, f, keys, 2, NULL, 0, &error), WOM_OK);
    char *work = join(f->dir, "work");
    wom_calibrate_options_t options = options_in(work, threads);
    wom_status status = wom_calibrate_run(&cal, &options, result, &error);
    if (status != WOM_OK) {
        print_error("%s:%ld: %s\n", error.file, error.line, error.message);
    }
    assert_int_equal(status, WOM_OK);
    assert_false(result->stopped);
    assert_int_equal(files_in(work), 0);
    free(work);
    wom_calibrate_destroy(&cal);
}

static void check_small_fit(const wom_calibrate_result_t *r) {
    const double lo[] = {0.7, 2}, hi[] = {0.98, 10};
    assert_int_equal(r->starts, 4);
    assert_int_equal(r->evaluations, r->starts + r->search_evaluations);
    /* three searches (the best starts), each its first simplex of k + 1 = 3 points at least,
     * and at most an iteration (a reflection, a contraction and a shrink of k points) past
     * 11 evaluations, below the cap of 12 */
    assert_true(r->search_evaluations >= 3 * 3 && r->search_evaluations <= 3 * (11 + 4));
    assert_int_equal(r->bootstrap, 3);
    assert_true(r->objective <= r->start_objective && r->objective >= 0);
    for (size_t i = 0; i < 2; i++) {
        assert_true(r->estimate[i] >= lo[i] && r->estimate[i] <= hi[i]);
        double least = hi[i], most = lo[i];
        for (size_t b = 0; b < 3; b++) {
            least = fmin(least, r->replicates[b * 2 + i]);
            most = fmax(most, r->replicates[b * 2 + i]);
        }
        /* interpolated quantiles of three refits lie within them */
        assert_true(least <= r->lo[i] && r->lo[i] <= r->hi[i] && r->hi[i] <= most);
        assert_true(least >= lo[i] && most <= hi[i]);
    }
    assert_true(r->bootstrap_seed[0] != r->bootstrap_seed[1] && r->bootstrap_seed[0] != 7713);
    for (size_t at = 0; at < 61 * 2; at++) {
        assert_true(r->band_lo[at] <= r->mean[at] && r->mean[at] <= r->band_hi[at]);
    }
    assert_near(r->mean[0], 40, 0); /* 10% of 400 agents start as customers */
}

static void a_small_fit_is_the_same_on_one_and_two_threads(void **state) {
    (void)state;
    fixture_t f = fixture(observed_table);
    wom_calibrate_result_t one, two, again;
    run_small_fit(&f, 1, &one);
    run_small_fit(&f, 2, &two);
    run_small_fit(&f, 2, &again);
    check_small_fit(&two);
    const wom_calibrate_result_t *others[] = {&two, &again};
    for (size_t o = 0; o < 2; o++) {
        const wom_calibrate_result_t *r = others[o];
        assert_memory_equal(one.estimate, r->estimate, sizeof one.estimate);
        assert_memory_equal(one.lo, r->lo, sizeof one.lo);
        assert_memory_equal(one.hi, r->hi, sizeof one.hi);
        assert_memory_equal(one.replicates, r->replicates, 3 * 2 * sizeof(double));
        assert_memory_equal(one.mean, r->mean, 61 * 2 * sizeof(double));
        assert_true(one.objective == r->objective && one.evaluations == r->evaluations &&
                    one.bootstrap_evaluations == r->bootstrap_evaluations);
    }
    wom_calibrate_result_destroy(&one);
    wom_calibrate_result_destroy(&two);
    wom_calibrate_result_destroy(&again);
    fixture_destroy(&f);
}

static void a_stop_before_the_start_runs_nothing(void **state) {
    (void)state;
    fixture_t f = fixture(observed_table);
    const char *const keys[] = {"service.quality=0.7:0.98"};
    wom_calibrate_t cal;
    wom_error_t error = {0};
    assert_int_equal(init(&cal, &f, keys, 1, NULL, 0, &error), WOM_OK);
    char *work = join(f.dir, "work");
    volatile sig_atomic_t stop = SIGINT;
    wom_calibrate_options_t options = options_in(work, 2);
    options.stop = &stop;
    wom_calibrate_result_t result;
    assert_int_equal(wom_calibrate_run(&cal, &options, &result, &error), WOM_OK);
    assert_true(result.stopped);
    assert_int_equal(result.evaluations, 0);
    assert_int_equal(files_in(work), 0);
    options.stop = NULL;
    options.starts = 0;
    assert_int_equal(wom_calibrate_run(&cal, &options, &result, &error), WOM_EINVAL);
    wom_calibrate_result_destroy(&result);
    free(work);
    wom_calibrate_destroy(&cal);
    fixture_destroy(&f);
}

int main(void) {
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_a_table),
        cmocka_unit_test(refuses_bad_tables),
        cmocka_unit_test(refuses_missing_files_long_lines_and_too_many_rows),
        cmocka_unit_test(scales_are_sd_then_mean_absolute_then_one),
        cmocka_unit_test(objective_is_the_scaled_squared_error),
        cmocka_unit_test(fold_reflects_into_the_unit_interval),
        cmocka_unit_test(sets_up_a_problem),
        cmocka_unit_test(refuses_bad_problems),
        cmocka_unit_test(refuses_a_key_twice_a_sweep_and_too_few_values),
        cmocka_unit_test(an_evaluation_is_the_batch_under_common_random_numbers),
        cmocka_unit_test(a_small_fit_is_the_same_on_one_and_two_threads),
        cmocka_unit_test(a_stop_before_the_start_runs_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
