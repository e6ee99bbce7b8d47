/* test_batch.c: task files (round trip; every way a file can be wrong is
 * refused with a message saying which), the tasks of a shard, the mapping
 * of points to swept values and of tasks to run ids, the refusals of
 * wom_batch_init, and a tiny batch run whole and in two shards: task files
 * equal to direct model runs and outputs byte-identical; the same bytes
 * for every parallel strategy and thread count; stopping through the stop
 * flag, resuming (damaged files run again, temporary files removed) and
 * refusing a folder of another scenario; progress reports. Common random
 * numbers and a network per replication: tasks equal to direct runs with
 * the stream task and the graph's draw they promise, the same bytes for
 * any threads, strategy, shards and resume, and statistical checks that
 * common random numbers narrow a difference and that networks per
 * replication add the graph's variance.
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
#include <omp.h>

#include <gsl/gsl_cdf.h>

#include "test_util.h"
#include "womsim/womsim.h"

enum { STEPS = 23 };

static const char hash_a[65] = "3b72ec23151039e92a5e773cbe325a4866af91169bb36a7674959093f5212c19";
static const char hash_b[65] = "e7562a60237e11026998f4504729bd8a0354b3df12f5f28afa11f050eb8c337e";

/* ---- helpers ---- */

static char *make_temp_dir(void) {
    return make_temp_dir_for("batch");
}

/* The whole file; its length in *length. */
static unsigned char *read_all(const char *path, size_t *length) {
    FILE *stream = fopen(path, "rb");
    assert_non_null(stream);
    assert_int_equal(fseek(stream, 0, SEEK_END), 0);
    long size = ftell(stream);
    assert_true(size >= 0);
    rewind(stream);
    unsigned char *data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, stream), (size_t)size);
    fclose(stream);
    *length = (size_t)size;
    return data;
}

static void write_all(const char *path, const unsigned char *data, size_t length) {
    FILE *stream = fopen(path, "wb");
    assert_non_null(stream);
    assert_int_equal(fwrite(data, 1, length, stream), length);
    assert_int_equal(fclose(stream), 0);
}

static void assert_same_file(const char *a, const char *b) {
    size_t la, lb;
    unsigned char *da = read_all(a, &la), *db = read_all(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, la);
    free(da);
    free(db);
}

/* A folder with a tasks/ subfolder. */
static char *make_batch_dir(void) {
    char *dir = make_temp_dir();
    char *tasks = join(dir, "tasks");
    assert_int_equal(mkdir(tasks, 0777), 0);
    free(tasks);
    return dir;
}

/* Rows whose every counter differs, negative and beyond 32 bits included. */
static wom_metrics_row_t *sample_rows(uint32_t steps) {
    wom_metrics_row_t *rows = calloc(steps + 1, sizeof *rows);
    assert_non_null(rows);
    for (uint32_t t = 0; t <= steps; t++) {
        for (int c = 0; c < WOM_M_COUNTERS; c++) {
            rows[t].count[c] = (int64_t)(t * 7919 + c * 104729) * (c % 3 == 0 ? -1 : 1) +
                               (c == 5 ? INT64_C(0x7123456789a) : 0);
        }
    }
    return rows;
}

static wom_batch_task_t task_of(const char *hash, uint32_t run_id, uint32_t steps,
                                uint32_t agents) {
    wom_batch_task_t task = {.run_id = run_id, .steps = steps, .agents = agents};
    memcpy(task.scenario_hash, hash, sizeof task.scenario_hash);
    return task;
}

/* ---- task files ---- */

static void task_file_round_trip(void **state) {
    (void)state;
    char *dir = make_batch_dir();
    wom_metrics_row_t *rows = sample_rows(STEPS);
    wom_batch_task_t task = task_of(hash_a, 385, STEPS, 1237);
    wom_error_t error;
    assert_int_equal(wom_batch_write_task(dir, &task, rows, &error), WOM_OK);
    char *path = join(dir, "tasks/385.rows");
    size_t length;
    free(read_all(path, &length));
    assert_int_equal(length, WOM_BATCH_TASK_HEADER + (STEPS + 1) * WOM_M_COUNTERS * 8);
    wom_metrics_row_t *back = calloc(STEPS + 1, sizeof *back);
    assert_non_null(back);
    uint32_t agents = 0;
    task.agents = 0; /* not checked */
    assert_int_equal(wom_batch_read_task(dir, &task, back, &agents, &error), WOM_OK);
    assert_int_equal(agents, 1237);
    assert_memory_equal(back, rows, (STEPS + 1) * sizeof *rows);
    /* No temporary file is left beside it. */
    char *tasks = join(dir, "tasks");
    DIR *folder = opendir(tasks);
    int entries = 0;
    for (struct dirent *entry; (entry = readdir(folder)) != NULL;) {
        entries += entry->d_name[0] != '.';
    }
    closedir(folder);
    assert_int_equal(entries, 1);
    free(tasks);
    free(back);
    free(path);
    free(rows);
    remove_tree(dir);
    free(dir);
}

/* Writes a good file for task 41, alters it with `alter`, and expects the
 * reader to refuse it with `status` and a message containing `why`. */
typedef void alter_fn(unsigned char *data, size_t *length);

static void expect_refused(alter_fn *alter, const wom_batch_task_t *expected, wom_status status,
                           const char *why) {
    char *dir = make_batch_dir();
    wom_metrics_row_t *rows = sample_rows(STEPS);
    wom_batch_task_t task = task_of(hash_a, 41, STEPS, 613);
    wom_error_t error = {0};
    assert_int_equal(wom_batch_write_task(dir, &task, rows, &error), WOM_OK);
    char *path = join(dir, "tasks/41.rows"), expected_path[WOM_MAX_PATH];
    assert_true(wom_batch_task_path(dir, expected->run_id, expected_path, sizeof expected_path));
    size_t length;
    unsigned char *data = read_all(path, &length);
    unsigned char *copy = realloc(data, length + 16);
    assert_non_null(copy);
    alter(copy, &length);
    write_all(path, copy, length);
    uint32_t agents = 0;
    assert_int_equal(wom_batch_read_task(dir, expected, rows, &agents, &error), status);
    if (strstr(error.message, why) == NULL) {
        print_error("message '%s' lacks '%s'\n", error.message, why);
        fail();
    }
    assert_string_equal(error.file, expected_path);
    free(copy);
    free(path);
    free(rows);
    remove_tree(dir);
    free(dir);
}

static void flip_a_row_byte(unsigned char *data, size_t *length) {
    data[*length - 385] ^= 0x10;
}

static void flip_a_header_byte(unsigned char *data, size_t *length) {
    (void)length;
    data[26] ^= 0x01; /* in agents */
}

static void cut_short(unsigned char *data, size_t *length) {
    (void)data;
    *length -= 61;
}

static void cut_to_the_header(unsigned char *data, size_t *length) {
    (void)data;
    *length = 57;
}

static void add_a_byte(unsigned char *data, size_t *length) {
    data[(*length)++] = 0;
}

static void spoil_the_magic(unsigned char *data, size_t *length) {
    (void)length;
    memcpy(data, "PK\x03\x04", 4);
}

static void spoil_the_version(unsigned char *data, size_t *length) {
    (void)length;
    data[8] = 2;
}

static void leave_as_is(unsigned char *data, size_t *length) {
    (void)data;
    (void)length;
}

static void bad_task_files_are_refused(void **state) {
    (void)state;
    wom_batch_task_t good = task_of(hash_a, 41, STEPS, 613);
    expect_refused(flip_a_row_byte, &good, WOM_EDATA, "checksum mismatch");
    expect_refused(flip_a_header_byte, &good, WOM_EDATA, "checksum mismatch");
    expect_refused(cut_short, &good, WOM_EDATA, "truncated");
    expect_refused(cut_to_the_header, &good, WOM_EDATA, "truncated: 57 bytes");
    expect_refused(add_a_byte, &good, WOM_EDATA, "too long");
    expect_refused(spoil_the_magic, &good, WOM_EDATA, "not a womsim task file");
    expect_refused(spoil_the_version, &good, WOM_EDATA, "task file format 2");
    wom_batch_task_t other_scenario = task_of(hash_b, 41, STEPS, 613);
    expect_refused(leave_as_is, &other_scenario, WOM_EDATA, "belongs to scenario 3b72ec231510");
    wom_batch_task_t other_steps = task_of(hash_a, 41, STEPS + 1, 613);
    expect_refused(leave_as_is, &other_steps, WOM_EDATA, "expected task 41 of 24 steps");
    wom_batch_task_t other_task = task_of(hash_a, 42, STEPS, 613);
    expect_refused(leave_as_is, &other_task, WOM_ENOENT, "task file missing");
}

/* A file of task 42 copied under the name of task 41 is caught. */
static void a_renamed_task_file_is_refused(void **state) {
    (void)state;
    char *dir = make_batch_dir();
    wom_metrics_row_t *rows = sample_rows(STEPS);
    wom_batch_task_t task = task_of(hash_a, 42, STEPS, 613);
    wom_error_t error = {0};
    assert_int_equal(wom_batch_write_task(dir, &task, rows, &error), WOM_OK);
    char *from = join(dir, "tasks/42.rows"), *to = join(dir, "tasks/41.rows");
    assert_int_equal(rename(from, to), 0);
    task.run_id = 41;
    uint32_t agents;
    assert_int_equal(wom_batch_read_task(dir, &task, rows, &agents, &error), WOM_EDATA);
    assert_non_null(strstr(error.message, "holds task 42 of 23 steps, expected task 41"));
    free(from);
    free(to);
    free(rows);
    remove_tree(dir);
    free(dir);
}

/* ---- tasks, shards, points ---- */

static void run_ids_and_shards(void **state) {
    (void)state;
    enum { POINTS = 7, REPLICATIONS = 5, SHARDS = 3 };
    wom_batch_plan_t plan = {POINTS, REPLICATIONS, 0, 1};
    assert_int_equal(wom_batch_tasks(&plan), 35);
    assert_int_equal(wom_batch_run_id(&plan, 4, 3), 23);
    assert_int_equal(wom_batch_point(&plan, 23), 4);
    assert_int_equal(wom_batch_replication(&plan, 23), 3);
    /* Every task is run by exactly one of three shards: run_id % 3. */
    int runs[POINTS * REPLICATIONS] = {0};
    uint32_t total = 0;
    for (uint32_t shard = 0; shard < SHARDS; shard++) {
        wom_batch_plan_t mine = {POINTS, REPLICATIONS, shard, SHARDS};
        for (uint32_t p = 0; p < POINTS; p++) {
            uint32_t ids[REPLICATIONS];
            uint32_t count = wom_batch_point_tasks(&mine, p, ids);
            for (uint32_t i = 0; i < count; i++) {
                assert_int_equal(ids[i] % SHARDS, shard);
                assert_int_equal(wom_batch_point(&mine, ids[i]), p);
                assert_true(i == 0 || ids[i] > ids[i - 1]);
                runs[ids[i]]++;
            }
            total += count;
        }
    }
    assert_int_equal(total, POINTS * REPLICATIONS);
    for (int id = 0; id < POINTS * REPLICATIONS; id++) {
        assert_int_equal(runs[id], 1);
    }
    /* Point 2 of shard 1/3: ids 10..14, those = 1 mod 3 are 10 and 13. */
    wom_batch_plan_t second = {POINTS, REPLICATIONS, 1, SHARDS};
    uint32_t ids[REPLICATIONS];
    assert_int_equal(wom_batch_point_tasks(&second, 2, ids), 2);
    assert_int_equal(ids[0], 10);
    assert_int_equal(ids[1], 13);
}

static wom_config_t *config_with(const char *const *assignments) {
    wom_config_t *config = NULL;
    wom_error_t error;
    assert_int_equal(wom_config_alloc(&config), WOM_OK);
    for (const char *const *a = assignments; *a != NULL; a++) {
        if (wom_config_set(config, *a, &error) != WOM_OK) {
            print_error("%s: %s\n", *a, error.message);
            fail();
        }
    }
    return config;
}

/* Applies the NULL-terminated assignments to `config`. */
static void set_all(wom_config_t *config, const char *const *assignments) {
    wom_error_t error;
    for (; *assignments != NULL; assignments++) {
        if (wom_config_set(config, *assignments, &error) != WOM_OK) {
            print_error("%s: %s\n", *assignments, error.message);
            fail();
        }
    }
}

static wom_batch_options_t options_for(const char *dir, uint32_t shard, uint32_t shards) {
    return (wom_batch_options_t){.dir = dir,
                                 .name = "tiny",
                                 .shard = shard,
                                 .shards = shards,
                                 .max_tasks = 100000,
                                 .threads = 2};
}

/* Keys in the order they were first set (not table order), the last
 * fastest, exactly as wom_config_scenario resolves each point. */
static void points_map_to_swept_values(void **state) {
    (void)state;
    const char *const sets[] = {"service.quality=0.615, 0.785", "simulation.replications=3",
                                "network.nodes=311, 457, 602", "wom.forward_prob=0.05, 0.15", NULL};
    wom_config_t *config = config_with(sets);
    wom_batch_t batch;
    wom_batch_options_t options = options_for("unused", 0, 1);
    wom_error_t error;
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    assert_int_equal(batch.plan.points, 12);
    assert_int_equal(batch.plan.replications, 3);
    assert_int_equal(batch.keys, 3);
    assert_string_equal(batch.sweep[0].name, "service.quality");
    assert_string_equal(batch.sweep[1].name, "network.nodes");
    assert_string_equal(batch.sweep[2].name, "wom.forward_prob");
    for (uint32_t p = 0; p < batch.plan.points; p++) {
        wom_scenario_t scenario;
        assert_int_equal(wom_config_scenario(config, p, &scenario, &error), WOM_OK);
        size_t q = wom_batch_value_index(&batch, p, 0), n = wom_batch_value_index(&batch, p, 1),
               f = wom_batch_value_index(&batch, p, 2);
        assert_int_equal(p, (q * 3 + n) * 2 + f);
        assert_near(scenario.service.quality, strtod(batch.sweep[0].values[q], NULL), 0);
        assert_int_equal(scenario.network.nodes, strtoll(batch.sweep[1].values[n], NULL, 10));
        assert_near(scenario.wom.forward_prob, strtod(batch.sweep[2].values[f], NULL), 0);
    }
    wom_batch_destroy(&batch);
    wom_config_free(config);
}

static void expect_init_refused(const char *const *sets, uint64_t max_tasks, const char *why) {
    wom_config_t *config = config_with(sets);
    wom_batch_t batch;
    wom_batch_options_t options = options_for("unused", 0, 1);
    options.max_tasks = max_tasks;
    wom_error_t error = {0};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_ECONFIG);
    if (strstr(error.message, why) == NULL) {
        print_error("message '%s' lacks '%s'\n", error.message, why);
        fail();
    }
    assert_null(batch.sweep);
    wom_config_free(config);
}

static void batches_refused_by_init(void **state) {
    (void)state;
    const char *const big[] = {"service.quality=0.6:0.9:0.01", "simulation.replications=7", NULL};
    expect_init_refused(big, 200,
                        "the batch has 217 tasks (31 points x 7 replications), more "
                        "than --max-tasks 200");
    const char *const replications[] = {"simulation.replications=3, 5", NULL};
    expect_init_refused(replications, 100000, "simulation.replications cannot be swept");
    const char *const kinds[] = {"model.kind=wom, bass", NULL};
    expect_init_refused(kinds, 100000, "model.kind cannot be swept");
    /* A point that breaks a rule is found before anything runs. */
    const char *const degree[] = {"network.nodes=40, 9", "network.mean_degree=8.5", NULL};
    expect_init_refused(degree, 100000, "mean_degree");
}

/* ---- a tiny batch ---- */

static const char *const tiny[] = {"simulation.steps=23",
                                   "simulation.replications=3",
                                   "simulation.seed=385061523",
                                   "network.model=karate",
                                   "population.initial_customers=0.3",
                                   "service.purchase_rate=0.215",
                                   "service.quality=0.615, 0.785",
                                   "adoption.advertising=0.0137, 0.0291",
                                   NULL};

/* Every point's results into `results` and the outputs into the folder,
 * as `womsim run` writes them. */
static wom_status write_outputs(wom_batch_t *batch, wom_aggregate_t *results, wom_error_t *error) {
    assert_int_equal(wom_aggregate_init(results, batch), WOM_OK);
    return wom_output_write_batch(batch, results, error);
}

static void run_batch(const wom_config_t *config, const char *dir, uint32_t shard, uint32_t shards,
                      bool aggregate) {
    wom_batch_t batch;
    wom_batch_options_t options = options_for(dir, shard, shards);
    wom_error_t error = {0};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    assert_int_equal(wom_batch_run(&batch, &error), WOM_OK);
    assert_true(batch.dir_made);
    assert_int_equal(batch.tasks_run, 12 / shards);
    if (aggregate) {
        uint32_t first;
        assert_int_equal(wom_batch_missing(&batch, &first), 0);
        wom_aggregate_t results;
        if (write_outputs(&batch, &results, &error) != WOM_OK) {
            print_error("%s: %s\n", error.file, error.message);
            fail();
        }
        wom_aggregate_destroy(&results);
    }
    wom_batch_destroy(&batch);
}

/* Task 7 (point 2, replication 1) is the model run with task id 7. */
static void assert_task_is_direct_run(const wom_config_t *config, const char *dir) {
    wom_scenario_t scenario;
    wom_graph_t *graph = NULL;
    wom_model_t *model = NULL;
    assert_int_equal(wom_config_scenario(config, 2, &scenario, NULL), WOM_OK);
    assert_int_equal(wom_graph_build(&scenario, 0, &graph, NULL), WOM_OK);
    assert_int_equal(wom_model_alloc(&scenario, graph, 1, &model), WOM_OK);
    wom_metrics_row_t direct[STEPS + 1], stored[STEPS + 1];
    wom_model_reset(model, 7, &direct[0]);
    for (uint32_t t = 1; t <= STEPS; t++) {
        wom_model_step(model, &direct[t]);
    }
    char hash[65];
    assert_int_equal(wom_config_hash(config, hash), WOM_OK);
    wom_batch_task_t task = task_of(hash, 7, STEPS, 0);
    uint32_t agents = 0;
    assert_int_equal(wom_batch_read_task(dir, &task, stored, &agents, NULL), WOM_OK);
    assert_int_equal(agents, 34);
    int64_t encounters = 0;
    for (uint32_t t = 0; t <= STEPS; t++) {
        encounters += direct[t].count[WOM_M_ENCOUNTERS];
    }
    assert_true(encounters > 20); /* a lively task, not rows of zeros */
    assert_memory_equal(stored, direct, sizeof direct);
    wom_model_free(model);
    wom_graph_free(graph);
}

static void shards_give_the_same_files(void **state) {
    (void)state;
    wom_config_t *config = config_with(tiny);
    char *whole = make_temp_dir(), *split = make_temp_dir();
    run_batch(config, whole, 0, 1, true);
    assert_task_is_direct_run(config, whole);
    run_batch(config, split, 1, 2, false);
    uint32_t first = 0;
    wom_batch_t probe;
    wom_batch_options_t options = options_for(split, 0, 1);
    assert_int_equal(wom_batch_init(&probe, config, &options, NULL), WOM_OK);
    assert_int_equal(wom_batch_missing(&probe, &first), 6); /* shard 0/2 has not run */
    assert_int_equal(first, 0);
    wom_batch_destroy(&probe);
    run_batch(config, split, 0, 2, true);
    const char *const names[] = {"tasks/0.rows",
                                 "tasks/11.rows",
                                 "runs.csv",
                                 "sweep.csv",
                                 "sweep.dat",
                                 "sweep.gp",
                                 "points/3/timeseries.csv",
                                 "points/3/summary.json",
                                 "points/0/timeseries.dat",
                                 NULL};
    for (const char *const *name = names; *name != NULL; name++) {
        char *a = join(whole, *name), *b = join(split, *name);
        assert_same_file(a, b);
        free(a);
        free(b);
    }
    remove_tree(whole);
    remove_tree(split);
    free(whole);
    free(split);
    wom_config_free(config);
}

/* Writing the outputs keeps every point's final summaries: the numbers
 * each point's summary.json prints. */
static void outputs_keep_the_finals(void **state) {
    (void)state;
    wom_config_t *config = config_with(tiny);
    char *dir = make_temp_dir();
    wom_batch_t batch;
    wom_aggregate_t results;
    wom_batch_options_t options = options_for(dir, 0, 1);
    wom_error_t error = {0};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    assert_int_equal(wom_batch_run(&batch, &error), WOM_OK);
    assert_int_equal(write_outputs(&batch, &results, &error), WOM_OK);
    assert_true(wom_aggregate_complete(&results));
    assert_int_equal(results.points, batch.plan.points);
    assert_null(results.shares); /* the wom kind has no final share */
    const wom_metrics_layout_t *layout = &results.layout;
    int customers = wom_metrics_find(layout, "customers");
    assert_true(customers >= 0);
    for (uint32_t p = 0; p < batch.plan.points; p++) {
        char name[64];
        snprintf(name, sizeof name, "points/%u/summary.json", p);
        char *path = join(dir, name);
        size_t length = 0;
        char *summary = (char *)read_all(path, &length);
        summary[length] = '\0';
        for (int column = 0; column < layout->count; column++) {
            const wom_stats_summary_t *s = wom_aggregate_final(&results, p, column);
            wom_text_t entry;
            wom_text_init(&entry);
            wom_text_printf(&entry, "\"%s\": {\"mean\": ", layout->name[column]);
            wom_text_number(&entry, s->mean);
            wom_text_printf(&entry, ", \"sd\": ");
            wom_text_number(&entry, s->sd);
            wom_text_printf(&entry, ", \"ci95_lo\": ");
            wom_text_number(&entry, s->ci95_lo);
            assert_non_null(strstr(summary, entry.data));
            wom_text_destroy(&entry);
        }
        assert_true(wom_aggregate_final(&results, p, customers)->mean > 0);
        free(summary);
        free(path);
    }
    wom_aggregate_destroy(&results);
    assert_null(results.finals);
    wom_batch_destroy(&batch);
    remove_tree(dir);
    free(dir);
    wom_config_free(config);
}

/* ---- parallel strategies, stops, resume, progress ---- */

static const char *const compared[] = {"tasks/0.rows",
                                       "tasks/5.rows",
                                       "tasks/11.rows",
                                       "runs.csv",
                                       "sweep.csv",
                                       "points/1/timeseries.csv",
                                       "points/3/summary.json",
                                       NULL};

static void assert_same_outputs(const char *a, const char *b) {
    for (const char *const *name = compared; *name != NULL; name++) {
        char *x = join(a, *name), *y = join(b, *name);
        assert_same_file(x, y);
        free(x);
        free(y);
    }
}

/* Runs and aggregates the tiny batch in `dir` under `control`. */
static void run_controlled(const wom_config_t *config, const char *dir, int threads,
                           const wom_batch_control_t *control, wom_batch_t *batch) {
    wom_batch_options_t options = options_for(dir, 0, 1);
    options.threads = threads;
    wom_error_t error = {0};
    assert_int_equal(wom_batch_init(batch, config, &options, &error), WOM_OK);
    wom_aggregate_t results = {0};
    if (wom_batch_run_with(batch, control, &error) != WOM_OK ||
        (!batch->stopped && write_outputs(batch, &results, &error) != WOM_OK)) {
        print_error("%s: %s\n", error.file, error.message);
        fail();
    }
    wom_aggregate_destroy(&results);
}

/* The four points share the karate club, so their twelve tasks form one
 * group: whole tasks run across points, or each task's agents split. */
static void parallel_strategies_give_the_same_files(void **state) {
    (void)state;
    wom_config_t *config = config_with(tiny);
    char *reference = make_temp_dir();
    wom_batch_t batch;
    wom_batch_control_t control = {0};
    run_controlled(config, reference, 1, &control, &batch);
    assert_int_equal(batch.tasks_run, 12);
    wom_batch_destroy(&batch);
    const wom_batch_parallel_t modes[] = {WOM_BATCH_PARALLEL_AUTO, WOM_BATCH_PARALLEL_TASKS,
                                          WOM_BATCH_PARALLEL_AGENTS};
    for (size_t m = 0; m < 3; m++) {
        for (int threads = 1; threads <= 5; threads += 2) {
            char *dir = make_temp_dir();
            control.parallel = modes[m];
            run_controlled(config, dir, threads, &control, &batch);
            assert_int_equal(batch.tasks_run, 12);
            assert_false(batch.stopped);
            wom_batch_destroy(&batch);
            assert_same_outputs(reference, dir);
            remove_tree(dir);
            free(dir);
        }
    }
    remove_tree(reference);
    free(reference);
    wom_config_free(config);
}

/* Raises the stop flag once `after` tasks are reported done. */
typedef struct {
    volatile sig_atomic_t stop;
    uint32_t after;
    uint32_t calls, last_done, total;
    bool increasing; /* every report counts more tasks than the one before */
} stopper_t;

static void stop_after(void *user, uint32_t done, uint32_t total) {
    stopper_t *s = user;
    s->increasing = s->increasing && (s->calls == 0 || done > s->last_done);
    s->calls++;
    s->last_done = done;
    s->total = total;
    if (done >= s->after) {
        s->stop = 1;
    }
}

static uint32_t task_files(const char *dir) {
    char *tasks = join(dir, "tasks");
    DIR *folder = opendir(tasks);
    uint32_t count = 0;
    assert_non_null(folder);
    for (struct dirent *entry; (entry = readdir(folder)) != NULL;) {
        count += strstr(entry->d_name, ".rows") != NULL;
    }
    closedir(folder);
    free(tasks);
    return count;
}

static void touch(const char *dir, const char *name) {
    char *path = join(dir, name);
    write_all(path, (const unsigned char *)"partial", 7);
    free(path);
}

static bool exists(const char *dir, const char *name) {
    char *path = join(dir, name);
    struct stat info;
    bool there = stat(path, &info) == 0;
    free(path);
    return there;
}

/* A point's task files are read back over the threads; when many are
 * damaged (replications 1 to 39 of point 1's 40), the error names
 * replication 1's file, on 1 to 4 threads, again and again (the last
 * failure kept would name replication 39's), and the undamaged point still
 * reads. */
static void aggregate_names_the_first_damaged_task(void **state) {
    (void)state;
    enum { REPLICATIONS = 40 };
    wom_config_t *config = config_with(tiny);
    assert_int_equal(wom_config_set(config, "simulation.replications=40", NULL), WOM_OK);
    char *dir = make_temp_dir();
    wom_batch_t batch;
    wom_batch_options_t options = options_for(dir, 0, 1);
    wom_error_t error = {0};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    assert_int_equal(wom_batch_run(&batch, &error), WOM_OK);
    char first[WOM_MAX_PATH], name[64];
    assert_true(wom_batch_task_path(dir, wom_batch_run_id(&batch.plan, 1, 1), first, sizeof first));
    for (uint32_t r = 1; r < REPLICATIONS; r++) {
        snprintf(name, sizeof name, "tasks/%u.rows", wom_batch_run_id(&batch.plan, 1, r));
        touch(dir, name);
    }
    const int threads_before = omp_get_max_threads();
    for (int round = 0; round < 12; round++) {
        omp_set_num_threads(1 + round % 4);
        wom_aggregate_point_t point;
        assert_int_equal(wom_aggregate_point(&batch, 1, &point, &error), WOM_EDATA);
        assert_string_equal(error.file, first);
        assert_non_null(strstr(error.message, "not a womsim task file"));
        wom_aggregate_point_destroy(&point);
        assert_int_equal(wom_aggregate_point(&batch, 0, &point, &error), WOM_OK);
        wom_aggregate_point_destroy(&point);
    }
    omp_set_num_threads(threads_before);
    wom_batch_destroy(&batch);
    wom_config_free(config);
    remove_tree(dir);
    free(dir);
}

/* A stop keeps the finished tasks; resume runs the rest (and a damaged
 * file again), removes what a killed run left, and ends with the files of
 * a run never stopped. */
static void stopped_batch_resumes_to_the_same_files(void **state) {
    (void)state;
    wom_config_t *config = config_with(tiny);
    char *reference = make_temp_dir(), *dir = make_temp_dir();
    wom_batch_t batch;
    wom_batch_control_t control = {0};
    run_controlled(config, reference, 2, &control, &batch);
    wom_batch_destroy(&batch);

    stopper_t stopper = {.after = 5, .increasing = true};
    control =
        (wom_batch_control_t){false, WOM_BATCH_PARALLEL_TASKS, &stopper.stop, stop_after, &stopper};
    run_controlled(config, dir, 2, &control, &batch);
    assert_true(batch.stopped);
    assert_true(batch.tasks_run >= 5 && batch.tasks_run < 12); /* one more may be in flight */
    assert_int_equal(task_files(dir), batch.tasks_run);
    assert_true(stopper.increasing);
    assert_int_equal(stopper.total, 12);
    /* Writing the outputs under the raised flag writes nothing. */
    wom_error_t error = {0};
    wom_aggregate_t results;
    assert_int_equal(write_outputs(&batch, &results, &error), WOM_OK);
    assert_false(wom_aggregate_complete(&results));
    assert_int_equal(results.added, 0);
    wom_aggregate_destroy(&results);
    assert_false(exists(dir, "runs.csv"));
    uint32_t run_before = batch.tasks_run;
    wom_batch_destroy(&batch);

    /* What a kill leaves: temporary files; and a damaged task file. */
    touch(dir, "tasks/11.rows.tmp.Ab3xQz");
    touch(dir, "runs.csv.tmp.Zq81Lk");
    touch(dir, "notes.tmp.txt"); /* not a temporary file of womsim's: kept */
    touch(dir, "tasks/0.rows");  /* task 0 ran first: its file is overwritten */
    stopper = (stopper_t){.after = UINT32_MAX, .increasing = true};
    control.resume = true;
    run_controlled(config, dir, 2, &control, &batch);
    assert_false(batch.stopped);
    assert_int_equal(batch.tasks_kept, run_before - 1);
    assert_int_equal(batch.tasks_damaged, 1);
    assert_non_null(strstr(batch.damaged.message, "not a womsim task file"));
    assert_int_equal(batch.tasks_run, 12 - batch.tasks_kept);
    assert_int_equal(stopper.calls, batch.tasks_run + 1); /* the first report: the kept ones */
    assert_int_equal(stopper.last_done, 12);
    wom_batch_destroy(&batch);
    assert_false(exists(dir, "tasks/11.rows.tmp.Ab3xQz"));
    assert_false(exists(dir, "runs.csv.tmp.Zq81Lk"));
    assert_true(exists(dir, "notes.tmp.txt"));
    assert_same_outputs(reference, dir);

    /* Resuming a finished batch runs nothing and writes the same files. */
    run_controlled(config, dir, 2, &control, &batch);
    assert_int_equal(batch.tasks_kept, 12);
    assert_int_equal(batch.tasks_run, 0);
    wom_batch_destroy(&batch);
    assert_same_outputs(reference, dir);
    remove_tree(reference);
    remove_tree(dir);
    free(reference);
    free(dir);
    wom_config_free(config);
}

/* A stop raised before the run starts no task. */
static void stop_before_the_first_task(void **state) {
    (void)state;
    wom_config_t *config = config_with(tiny);
    char *dir = make_temp_dir();
    wom_batch_t batch;
    volatile sig_atomic_t stop = 1;
    wom_batch_control_t control = {.stop = &stop};
    run_controlled(config, dir, 2, &control, &batch);
    assert_true(batch.stopped);
    assert_int_equal(batch.tasks_run, 0);
    wom_batch_destroy(&batch);
    remove_tree(dir);
    free(dir);
    wom_config_free(config);
}

static void expect_run_refused(const wom_config_t *config, const char *dir, bool resume,
                               const char *why) {
    wom_batch_t batch;
    wom_batch_options_t options = options_for(dir, 0, 1);
    wom_batch_control_t control = {.resume = resume};
    wom_error_t error = {0};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    assert_int_equal(wom_batch_run_with(&batch, &control, &error), WOM_EDATA);
    if (strstr(error.message, why) == NULL || strstr(error.message, "3b72ec231510") == NULL ||
        strstr(error.message, batch.hash) != NULL || /* prefixes, not whole hashes */
        strncmp(strstr(error.message, "this one is ") + 12, batch.hash, 12) != 0) {
        print_error("message '%s' lacks '%s' or the hashes\n", error.message, why);
        fail();
    }
    assert_int_equal(batch.tasks_run, 0);
    wom_batch_destroy(&batch);
}

/* A task file of another scenario: refused with and without resume, and a
 * damaged file of one is not taken for another scenario's. Another
 * shard's temporary task files are left alone. */
static void folder_of_another_scenario_is_refused(void **state) {
    (void)state;
    wom_config_t *config = config_with(tiny);
    char *dir = make_batch_dir();
    wom_metrics_row_t *rows = sample_rows(STEPS);
    wom_batch_task_t task = task_of(hash_a, 2, STEPS, 34);
    wom_error_t error;
    assert_int_equal(wom_batch_write_task(dir, &task, rows, &error), WOM_OK);
    expect_run_refused(config, dir, false, "holds tasks of another scenario");
    expect_run_refused(config, dir, true, "cannot resume");
    /* Cut short, it is damaged rather than foreign: resume runs it again. */
    char *path = join(dir, "tasks/2.rows");
    size_t length;
    unsigned char *data = read_all(path, &length);
    write_all(path, data, length - 8);
    touch(dir, "tasks/3.rows.tmp.Kd02Xy"); /* task 3 is shard 1/2's */
    wom_batch_t batch;
    wom_batch_options_t options = options_for(dir, 0, 2);
    wom_batch_control_t control = {.resume = true};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    assert_int_equal(wom_batch_run_with(&batch, &control, &error), WOM_OK);
    assert_int_equal(batch.tasks_damaged, 1);
    assert_non_null(strstr(batch.damaged.message, "belongs to scenario"));
    assert_int_equal(batch.tasks_run, 6);
    assert_true(exists(dir, "tasks/3.rows.tmp.Kd02Xy"));
    wom_batch_destroy(&batch);
    free(data);
    free(path);
    free(rows);
    remove_tree(dir);
    free(dir);
    wom_config_free(config);
}

/* A shard reports its own tasks; resume counts the kept ones first. */
static void progress_counts_the_shard(void **state) {
    (void)state;
    wom_config_t *config = config_with(tiny);
    char *dir = make_temp_dir();
    wom_batch_t batch;
    wom_batch_options_t options = options_for(dir, 1, 2);
    stopper_t stopper = {.after = UINT32_MAX, .increasing = true};
    wom_batch_control_t control = {.progress = stop_after, .progress_user = &stopper};
    wom_error_t error = {0};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    assert_int_equal(wom_batch_shard_tasks(&batch.plan), 6);
    assert_int_equal(wom_batch_run_with(&batch, &control, &error), WOM_OK);
    assert_int_equal(stopper.calls, 7);
    assert_int_equal(stopper.total, 6);
    assert_int_equal(stopper.last_done, 6);
    assert_true(stopper.increasing);
    wom_batch_destroy(&batch);
    wom_batch_plan_t odd = {7, 5, 2, 3}; /* 35 tasks: 2, 5, ..., 32 */
    assert_int_equal(wom_batch_shard_tasks(&odd), 11);
    odd.shard = 1;
    assert_int_equal(wom_batch_shard_tasks(&odd), 12);
    remove_tree(dir);
    free(dir);
    wom_config_free(config);
}

/* ---- common random numbers and a network per replication ---- */

/* A small world of 613 agents; 4 replications of 29 days. */
static const char *const small_world[] = {"simulation.steps=29",
                                          "simulation.replications=4",
                                          "simulation.seed=741852963",
                                          "network.nodes=613",
                                          "network.mean_degree=6",
                                          "network.rewire=0.137",
                                          "population.initial_customers=0.3",
                                          "service.purchase_rate=0.215",
                                          NULL};

/* `base`, then `more` (both NULL-terminated lists of assignments). */
static wom_config_t *config_with_more(const char *const *base, const char *const *more) {
    wom_config_t *config = config_with(base);
    set_all(config, more);
    return config;
}

/* Runs shard `shard` of `shards` into `dir` on `threads` threads as
 * `parallel` says; with `outputs`, aggregates and writes the outputs. */
static void run_into(const wom_config_t *config, const char *dir, uint32_t shard, uint32_t shards,
                     int threads, wom_batch_parallel_t parallel, bool outputs) {
    wom_batch_t batch;
    wom_batch_options_t options = options_for(dir, shard, shards);
    options.threads = threads;
    wom_batch_control_t control = {.parallel = parallel};
    wom_error_t error = {0};
    wom_aggregate_t results = {0};
    assert_int_equal(wom_batch_init(&batch, config, &options, &error), WOM_OK);
    if (wom_batch_run_with(&batch, &control, &error) != WOM_OK ||
        (outputs && write_outputs(&batch, &results, &error) != WOM_OK)) {
        print_error("%s: %s\n", error.file, error.message);
        fail();
    }
    wom_aggregate_destroy(&results);
    wom_batch_destroy(&batch);
}

/* Task `run_id`'s rows from its file in `dir` (malloc'd); its agents into
 * *agents unless NULL. */
static wom_metrics_row_t *task_rows(const wom_config_t *config, const char *dir, uint32_t run_id,
                                    uint32_t steps, uint32_t *agents) {
    char hash[65];
    assert_int_equal(wom_config_hash(config, hash), WOM_OK);
    wom_batch_task_t task = task_of(hash, run_id, steps, 0);
    wom_metrics_row_t *rows = calloc(steps + 1, sizeof *rows);
    uint32_t stored_agents = 0;
    wom_error_t error = {0};
    if (agents == NULL) {
        agents = &stored_agents;
    }
    if (wom_batch_read_task(dir, &task, rows, agents, &error) != WOM_OK) {
        print_error("%s: %s\n", error.file, error.message);
        fail();
    }
    return rows;
}

/* The rows of point `point`'s model run on draw `draw` of its network with
 * stream task `stream_task` (malloc'd). */
static wom_metrics_row_t *direct_rows(const wom_config_t *config, uint32_t point, uint32_t draw,
                                      uint32_t stream_task) {
    wom_scenario_t scenario;
    wom_graph_t *graph = NULL;
    assert_int_equal(wom_config_scenario(config, point, &scenario, NULL), WOM_OK);
    assert_int_equal(wom_graph_build_draw(&scenario, draw, 0, &graph, NULL), WOM_OK);
    wom_metrics_row_t *rows =
        simulate(&scenario, graph, 1, stream_task, (uint32_t)scenario.simulation.steps);
    wom_graph_free(graph);
    return rows;
}

static bool same_rows(const wom_metrics_row_t *a, const wom_metrics_row_t *b, uint32_t steps) {
    return memcmp(a, b, (steps + 1) * sizeof *a) == 0;
}

/* Two points that differ only in economics.price (which changes revenue,
 * derived from the counters, and no draw): with common random numbers
 * replication r's rows are the same at both points, the model run with
 * stream task r; without, they differ, each the run of its run id. Either
 * way the replications differ from each other. */
static void common_random_numbers_share_the_draws(void **state) {
    (void)state;
    for (int common = 0; common < 2; common++) {
        const char *const more[] = {"economics.price=10, 20",
                                    common ? "simulation.common_random_numbers=true"
                                           : "simulation.common_random_numbers=false",
                                    NULL};
        wom_config_t *config = config_with_more(small_world, more);
        char *dir = make_temp_dir();
        run_into(config, dir, 0, 1, 2, WOM_BATCH_PARALLEL_AUTO, false);
        wom_metrics_row_t *first = task_rows(config, dir, 4, 29, NULL);
        for (uint32_t r = 0; r < 4; r++) {
            wom_metrics_row_t *a = task_rows(config, dir, r, 29, NULL);
            wom_metrics_row_t *b = task_rows(config, dir, 4 + r, 29, NULL);
            wom_metrics_row_t *direct = direct_rows(config, 1, 0, common ? r : 4 + r);
            assert_true(same_rows(b, direct, 29));
            assert_true(same_rows(a, b, 29) == (common == 1));
            assert_true(r == 0 || !same_rows(b, first, 29));
            assert_true(b[29].count[WOM_M_CUSTOMERS] > 0 && b[29].count[WOM_M_ENCOUNTERS] > 0);
            free(a);
            free(b);
            free(direct);
        }
        free(first);
        remove_tree(dir);
        free(dir);
        wom_config_free(config);
    }
}

/* With network.per_replication, replication r of every point runs on draw
 * r of the network (draw 0: the network every replication shares
 * without), with the stream task of its run id or, with common random
 * numbers, of its replication. */
static void networks_per_replication_are_the_draws(void **state) {
    (void)state;
    for (int common = 0; common < 2; common++) {
        const char *const more[] = {"service.quality=0.615, 0.785", "network.per_replication=true",
                                    common ? "simulation.common_random_numbers=true"
                                           : "simulation.common_random_numbers=false",
                                    NULL};
        wom_config_t *config = config_with_more(small_world, more);
        char *dir = make_temp_dir();
        run_into(config, dir, 0, 1, 2, WOM_BATCH_PARALLEL_AUTO, false);
        for (uint32_t run_id = 0; run_id < 8; run_id++) {
            uint32_t r = run_id % 4;
            wom_metrics_row_t *stored = task_rows(config, dir, run_id, 29, NULL);
            wom_metrics_row_t *direct = direct_rows(config, run_id / 4, r, common ? r : run_id);
            assert_true(same_rows(stored, direct, 29));
            free(direct);
            if (r > 0) { /* on another draw, the same streams give other rows */
                direct = direct_rows(config, run_id / 4, 0, common ? r : run_id);
                assert_false(same_rows(stored, direct, 29));
                free(direct);
            }
            free(stored);
        }
        remove_tree(dir);
        free(dir);
        wom_config_free(config);
    }
}

static const char *const switched[] = {"tasks/0.rows",
                                       "tasks/5.rows",
                                       "tasks/7.rows",
                                       "runs.csv",
                                       "sweep.csv",
                                       "points/1/timeseries.csv",
                                       "points/0/summary.json",
                                       NULL};

static void assert_same_switched_outputs(const char *a, const char *b) {
    for (const char *const *name = switched; *name != NULL; name++) {
        char *x = join(a, *name), *y = join(b, *name);
        assert_same_file(x, y);
        free(x);
        free(y);
    }
}

/* Either switch, or both: the same bytes for 1 to 3 threads and every
 * parallel strategy, for two shards merged, and after a stop and a
 * resume. */
static void switches_give_the_same_files(void **state) {
    (void)state;
    const char *const switches[3][3] = {
        {"simulation.common_random_numbers=true", "network.per_replication=false", NULL},
        {"simulation.common_random_numbers=false", "network.per_replication=true", NULL},
        {"simulation.common_random_numbers=true", "network.per_replication=true", NULL}};
    for (int s = 0; s < 3; s++) {
        wom_config_t *config = config_with_more(small_world, switches[s]);
        set_all(config, (const char *const[]){"service.quality=0.615, 0.785", NULL});
        char *reference = make_temp_dir();
        run_into(config, reference, 0, 1, 1, WOM_BATCH_PARALLEL_TASKS, true);
        const wom_batch_parallel_t modes[] = {WOM_BATCH_PARALLEL_AUTO, WOM_BATCH_PARALLEL_TASKS,
                                              WOM_BATCH_PARALLEL_AGENTS};
        for (int m = 0; m < 3; m++) {
            for (int threads = 2; threads <= 3; threads++) {
                char *dir = make_temp_dir();
                run_into(config, dir, 0, 1, threads, modes[m], true);
                assert_same_switched_outputs(reference, dir);
                remove_tree(dir);
                free(dir);
            }
        }
        char *split = make_temp_dir();
        run_into(config, split, 1, 2, 3, WOM_BATCH_PARALLEL_AUTO, false);
        run_into(config, split, 0, 2, 2, WOM_BATCH_PARALLEL_AUTO, true);
        assert_same_switched_outputs(reference, split);
        remove_tree(split);
        free(split);
        char *resumed = make_temp_dir();
        wom_batch_t batch;
        stopper_t stopper = {.after = 3, .increasing = true};
        wom_batch_control_t control = {false, WOM_BATCH_PARALLEL_TASKS, &stopper.stop, stop_after,
                                       &stopper};
        run_controlled(config, resumed, 2, &control, &batch);
        assert_true(batch.stopped);
        wom_batch_destroy(&batch);
        stopper = (stopper_t){.after = UINT32_MAX, .increasing = true};
        control.resume = true;
        run_controlled(config, resumed, 3, &control, &batch);
        assert_true(batch.tasks_kept >= 3 && batch.tasks_run == 8 - batch.tasks_kept);
        wom_batch_destroy(&batch);
        assert_same_switched_outputs(reference, resumed);
        remove_tree(resumed);
        free(resumed);
        remove_tree(reference);
        free(reference);
        wom_config_free(config);
    }
}

/* Column `name`'s value at the last step of each replication of `point`
 * (`replications` of them, `steps` days) into values[]. */
static void finals_of(const wom_config_t *config, const char *dir, uint32_t point,
                      uint32_t replications, uint32_t steps, const char *name, double *values) {
    wom_scenario_t scenario;
    assert_int_equal(wom_config_scenario(config, point, &scenario, NULL), WOM_OK);
    wom_metrics_layout_t layout;
    wom_model_layout(&scenario, &layout);
    int column = wom_metrics_find(&layout, name);
    assert_true(column >= 0);
    double *series = calloc(steps + 1, sizeof *series);
    for (uint32_t r = 0; r < replications; r++) {
        uint32_t agents = 0;
        wom_metrics_row_t *rows = task_rows(config, dir, point * replications + r, steps, &agents);
        wom_metrics_series(&layout, column, rows, steps, agents, series);
        values[r] = series[steps];
        free(rows);
    }
    free(series);
}

static double sample_variance(const double *x, uint32_t n) {
    double mean = 0, sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        mean += x[i] / n;
    }
    for (uint32_t i = 0; i < n; i++) {
        sum += (x[i] - mean) * (x[i] - mean);
    }
    return sum / (n - 1);
}

enum { CRN_REPLICATIONS = 30, CRN_STEPS = 150 };

/* The variance over the replications of the difference between two points
 * (quality 0.88 and 0.9) of column `name`'s final value. */
static double difference_variance(const wom_config_t *config, const char *dir, const char *name) {
    double at[2][CRN_REPLICATIONS], difference[CRN_REPLICATIONS];
    for (uint32_t p = 0; p < 2; p++) {
        finals_of(config, dir, p, CRN_REPLICATIONS, CRN_STEPS, name, at[p]);
    }
    for (uint32_t r = 0; r < CRN_REPLICATIONS; r++) {
        difference[r] = at[1][r] - at[0][r];
    }
    return sample_variance(difference, CRN_REPLICATIONS);
}

/* The baseline shop on 1,500 agents for 150 days at quality 0.88 and 0.9,
 * 30 replications: common random numbers narrow the difference of final
 * customers and of reputation between the points. The tolerance is the
 * F-test's: were the variance of the differences the same with and
 * without, the ratio of the two sample variances (29 degrees of freedom
 * each, the replications being independent) would follow F(29, 29) and
 * fall below its 0.1% quantile, about 0.32, once in a thousand seeds. The
 * ratio must fall below it; the seed is fixed, so the test does not
 * flicker. */
static void common_random_numbers_narrow_differences(void **state) {
    (void)state;
    const char *const shop[] = {"simulation.steps=150",      "simulation.replications=30",
                                "simulation.seed=602214076", "network.nodes=1500",
                                "service.quality=0.88, 0.9", NULL};
    double variance[2][2]; /* [common][customers, reputation] */
    for (int common = 0; common < 2; common++) {
        wom_config_t *config = config_with(shop);
        if (common) {
            set_all(config, (const char *const[]){"simulation.common_random_numbers=true", NULL});
        }
        char *dir = make_temp_dir();
        run_into(config, dir, 0, 1, 2, WOM_BATCH_PARALLEL_AUTO, false);
        variance[common][0] = difference_variance(config, dir, "customers");
        variance[common][1] = difference_variance(config, dir, "reputation");
        remove_tree(dir);
        free(dir);
        wom_config_free(config);
    }
    double quantile = gsl_cdf_fdist_Pinv(0.001, CRN_REPLICATIONS - 1, CRN_REPLICATIONS - 1);
    assert_true(quantile > 0.3 && quantile < 0.34);
    for (int i = 0; i < 2; i++) {
        double ratio = variance[1][i] / variance[0][i];
        if (!(ratio < quantile)) {
            fail_msg("%s: variance of the difference %.6g with common random numbers, %.6g "
                     "without: ratio %.3f, not below %.3f",
                     i == 0 ? "customers" : "reputation", variance[1][i], variance[0][i], ratio,
                     quantile);
        }
    }
}

enum { NET_REPLICATIONS = 40, NET_STEPS = 60 };

/* The final reach (active + removed) of each replication, into reach[]. */
static void final_reach(const wom_config_t *config, const char *dir, double *reach) {
    for (uint32_t r = 0; r < NET_REPLICATIONS; r++) {
        wom_metrics_row_t *rows = task_rows(config, dir, r, NET_STEPS, NULL);
        reach[r] =
            (double)(rows[NET_STEPS].count[WOM_M_ACTIVE] + rows[NET_STEPS].count[WOM_M_REMOVED]);
        free(rows);
    }
}

/* An independent cascade that always passes (ic.p = 1) from 20 seeds on
 * an Erdos-Renyi graph of 500 nodes and mean degree 2 takes the seeds'
 * whole components: on one graph only the seeds vary, while the giant
 * component's size varies from graph to graph. So with a network per
 * replication the variance of the final reach over 40 replications must
 * exceed that on one network. The tolerance is the F-test's: were the
 * draws all alike (the networks not varying), the ratio of the two sample
 * variances would follow F(39, 39) and exceed its 99.9% quantile, about
 * 2.7, once in a thousand seeds; the ratio must exceed it (a one-way
 * analysis of variance of 20 draws x 10 runs each put the graph's
 * variance near 170 nodes^2, the seeds' near 16). */
static void networks_per_replication_add_their_variance(void **state) {
    (void)state;
    const char *const cascade[] = {"model.kind=ic",
                                   "ic.p=1",
                                   "ic.seeds=20",
                                   "network.model=erdos-renyi",
                                   "network.nodes=500",
                                   "network.mean_degree=2",
                                   "simulation.steps=60",
                                   "simulation.replications=40",
                                   "simulation.seed=314159265",
                                   NULL};
    double reach[2][NET_REPLICATIONS];
    for (int own = 0; own < 2; own++) {
        wom_config_t *config = config_with(cascade);
        if (own) {
            set_all(config, (const char *const[]){"network.per_replication=true", NULL});
        }
        char *dir = make_temp_dir();
        run_into(config, dir, 0, 1, 2, WOM_BATCH_PARALLEL_AUTO, false);
        final_reach(config, dir, reach[own]);
        remove_tree(dir);
        free(dir);
        wom_config_free(config);
    }
    double quantile = gsl_cdf_fdist_Pinv(0.999, NET_REPLICATIONS - 1, NET_REPLICATIONS - 1);
    assert_true(quantile > 2.5 && quantile < 2.9);
    double shared = sample_variance(reach[0], NET_REPLICATIONS);
    double own = sample_variance(reach[1], NET_REPLICATIONS);
    if (!(own / shared > quantile)) {
        fail_msg("variance of the final reach %.6g with a network per replication, %.6g on one: "
                 "ratio %.3f, not above %.3f",
                 own, shared, own / shared, quantile);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(task_file_round_trip),
        cmocka_unit_test(bad_task_files_are_refused),
        cmocka_unit_test(a_renamed_task_file_is_refused),
        cmocka_unit_test(run_ids_and_shards),
        cmocka_unit_test(points_map_to_swept_values),
        cmocka_unit_test(batches_refused_by_init),
        cmocka_unit_test(shards_give_the_same_files),
        cmocka_unit_test(outputs_keep_the_finals),
        cmocka_unit_test(parallel_strategies_give_the_same_files),
        cmocka_unit_test(aggregate_names_the_first_damaged_task),
        cmocka_unit_test(stopped_batch_resumes_to_the_same_files),
        cmocka_unit_test(stop_before_the_first_task),
        cmocka_unit_test(folder_of_another_scenario_is_refused),
        cmocka_unit_test(progress_counts_the_shard),
        cmocka_unit_test(common_random_numbers_share_the_draws),
        cmocka_unit_test(networks_per_replication_are_the_draws),
        cmocka_unit_test(switches_give_the_same_files),
        cmocka_unit_test(common_random_numbers_narrow_differences),
        cmocka_unit_test(networks_per_replication_add_their_variance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
