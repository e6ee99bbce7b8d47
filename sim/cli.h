/* cli.h: what the subcommands of the womsim program share: their option
 * tables and the one parser that reads them, their help, turning statuses
 * into messages and sysexits codes, loading a scenario with its overrides,
 * and parsing option values. Private to the program (not installed).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_CLI_H
#define WOMSIM_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "womsim/womsim.h"

/* ---- options and help (cli_options.c) ------------------------------------ */

/* One option of a command: a row of its table, which the parser, the
 * command's help and the did-you-mean suggestions all read. */
typedef struct {
    int id;            /* what the command tells its options apart by */
    char letter;       /* the short form ('o' for -o), or '\0' */
    const char *name;  /* the long form without its "--" */
    const char *value; /* the value's name in the help ("DIR"); NULL: it takes none */
    const char *help;  /* one line of help, wrapped when printed */
} cli_option_t;

/* A command: its help, its options and what runs it. */
typedef struct {
    const char *name;
    const char *synopsis; /* what follows the name in the usage line; '\n' starts another */
    const char *summary;  /* what it does, wrapped when printed */
    const cli_option_t *options;
    size_t option_count;
    int (*run)(int argc, char **argv); /* the command line as main has it */
} cli_command_t;

#define CLI_COUNT(array) (sizeof(array) / sizeof(array)[0])

/* One option as the command line gives it. */
typedef struct {
    const cli_option_t *option;
    const char *typed; /* as the user wrote it ("-r", "--rep"); valid during the call */
    const char *value; /* its value, or NULL for an option that takes none */
} cli_option_use_t;

/* Takes one option for a command; EX_OK, or a sysexits code after saying why. */
typedef int cli_option_handler(void *context, const cli_option_use_t *use);

/* What cli_parse_options returns when the command should go on. */
#define CLI_PARSED (-1)

/* Reads the options of `command` in argv[2..argc) (argv[0] the program,
 * argv[1] the command) GNU-style: -o DIR, -oDIR, -qo DIR, --output DIR,
 * --output=DIR, a long name cut short where no other begins the same, and
 * `--` ending the options; options and operands may mix. Each option goes
 * to `handle` (NULL for a command without options) in the order given; -h
 * and --help print the command's help on stdout. On return argv holds the
 * options first and the operands from argv[*operands] on, in their order
 * (as GNU getopt leaves them). Returns CLI_PARSED, or the code to exit
 * with: EX_OK after the help, EX_USAGE after saying what is wrong (an
 * unknown option with the closest one's name, a missing value), or what
 * `handle` returned. */
int cli_parse_options(const cli_command_t *command, int argc, char **argv,
                      cli_option_handler *handle, void *context, int *operands);

/* A command's usage, summary and option table. */
void cli_print_help(const cli_command_t *command, FILE *stream);

/* Each command's usage lines and summary, for the general help. */
void cli_print_commands(const cli_command_t *const commands[], size_t count, FILE *stream);

/* The command called `name`, or NULL after saying it is unknown (with the
 * closest command's name). */
const cli_command_t *cli_find_command(const cli_command_t *const commands[], size_t count,
                                      const char *name);

/* The value of a --max-mem-like option as a byte count; EX_OK, or EX_USAGE
 * after naming the option typed. */
int cli_take_size(const cli_option_use_t *use, uint64_t *bytes);

/* --record final|every:N into *record and *every; EX_OK, or EX_USAGE after
 * naming the option typed. */
int cli_take_record(const cli_option_use_t *use, wom_batch_record_t *record, uint32_t *every);

/* --record's entry in an option table. */
#define CLI_RECORD_HELP                                                                            \
    "which days runs.csv keeps: final (the last) or every:N (days 0, N, 2N, ... and the "          \
    "last); default every day, a sampled design's last day"

/* ---- what the commands share (cli_common.c) ------------------------------ */

#define CLI_MAX_OVERRIDES 256

/* Overrides collected from the command line, applied in order. */
typedef struct {
    const char *items[CLI_MAX_OVERRIDES];
    char options[CLI_MAX_OVERRIDES][24]; /* the option that gave each, as typed: "--set", "-r" */
    int count;
} cli_overrides_t;

/* Prints "womsim: FILE:LINE: message" (parts omitted when empty) on stderr
 * and returns the sysexits code for `status`. */
int cli_fail(wom_status status, const wom_error_t *error);

/* Prints "womsim: message" on stderr and returns EX_USAGE. */
int cli_usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Adds the override `assignment` that option `option` (as typed) gave;
 * EX_OK, or EX_USAGE after saying there are too many. */
int cli_add_override(cli_overrides_t *overrides, const char *option, const char *assignment);

/* Reads `path` (NULL: defaults only) and applies the overrides, whose
 * errors name the option that gave them. */
wom_status cli_load_config(const char *path, const cli_overrides_t *overrides,
                           wom_config_t **config, wom_error_t *error);

/* `path` made absolute by the working folder, as it is if that fails. */
void cli_absolute_path(const char *path, char *absolute, size_t size);

/* Parses a byte count with an optional K, M, G or T suffix (powers of 1024). */
bool cli_parse_bytes(const char *text, uint64_t *bytes);

/* The scenario of a config that sweeps nothing; a sweep is refused. */
wom_status cli_single_point(const wom_config_t *config, const char *path, wom_scenario_t *scenario,
                            wom_error_t *error);

/* The threads a command uses without -t: OMP_NUM_THREADS, or every core. */
int cli_default_threads(void);

/* Whether `text` is a whole decimal number in [min, max], into *value. */
bool cli_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *value);

/* The current UTC time in ISO 8601, e.g. "2025-01-31T12:00:00Z". */
void cli_utc_now(char text[32]);

/* Draws every point's plots and, for a sweep, sweep.png and sweep.svg; a
 * missing gnuplot is a note on stderr, not an error. *rendered tells
 * whether the pictures were drawn. Returns a sysexits code. */
int cli_render_batch(const wom_batch_t *batch, bool quiet, bool *rendered);

/* Writes DIR/report.html for an aggregated batch: the scenario file at
 * `scenario_path` gives the description; the plot is inlined when `rendered`
 * (else the page says why there is none: --no-plot unless `plot`, or no
 * gnuplot). Says where it is unless `quiet`. Returns a sysexits code. */
int cli_write_report(const wom_batch_t *batch, const wom_aggregate_t *results,
                     const wom_watch_t *watch, const char *scenario_path, bool plot, bool rendered,
                     bool quiet);

/* What a manifest records besides the batch itself. */
typedef struct {
    int argc;
    char **argv;                      /* the command line as main has it: argv[0] is the program */
    const char *scenario_file;        /* absolute path, re-read by `womsim merge` */
    const cli_overrides_t *overrides; /* in the order they were applied */
    int threads;
    const char *started;    /* UTC, ISO 8601 */
    bool aggregated;        /* the outputs were written (else one shard's tasks) */
    bool pictures;          /* the plots were drawn */
    uint32_t merged_shards; /* `womsim merge`: shards whose manifests to list */
} cli_manifest_t;

/* Writes DIR/manifest.json, or for one shard of several
 * DIR/shards/I-of-N.json, recording exit status `code`; returns `code`, or
 * the failure to write the manifest when `code` is EX_OK. */
int cli_write_manifest(const wom_batch_t *batch, const cli_manifest_t *m, int code);

/* PREFIX/share/womsim/RELATIVE into `path`, PREFIX being the folder above
 * the program's (the installed layout: PREFIX/bin/womsim); false when it
 * does not exist or the program cannot tell where it is. */
bool cli_installed_path(const char *relative, char *path, size_t size);

/* The scenario file a command line names: `path` itself when it exists or
 * names a folder; else the installed library's configs/PATH or
 * configs/PATH.ini (`womsim run baseline` from anywhere), copied into
 * `found`; else `path`, for the error to name. */
const char *cli_find_scenario(const char *path, char *found, size_t size);

/* The options of `womsim run`. */
typedef struct {
    const char *scenario_path;
    char scenario_found[WOM_MAX_PATH]; /* scenario_path, when found installed */
    const char *output_dir;
    cli_overrides_t overrides;
    int threads;
    uint64_t max_bytes;
    uint64_t max_tasks;
    uint32_t shard, shards; /* 0/1: every task */
    bool shard_given;       /* --shard was given (else SLURM's array may set it) */
    bool plot;
    bool quiet;
    bool resume;                   /* --resume: keep the finished tasks in the folder */
    wom_batch_parallel_t parallel; /* --parallel */
    wom_batch_record_t record;     /* --record */
    uint32_t record_every;         /* --record every:N */
    char replications[64];         /* "-r N" as an override */
    char seed[64];                 /* "-s SEED" as an override */
    char method[64];               /* --design or --method: design.method as an override */
    char points[64];               /* --design METHOD:N or -n: design.points */
    char metrics[WOM_MAX_PATH];    /* every --metric: one design.metrics override */
    bool dump;                     /* check --dump */
    bool estimate;                 /* check --estimate */
    wom_watch_options_t watch;     /* --trace, --trace-limit, --agents, --snapshots */
} cli_run_options_t;

/* Parses `womsim run`'s or `womsim sensitivity`'s arguments (argv[0] the
 * program, argv[1] "run" or "sensitivity", which adds design.method=morris
 * before the options; the rest is permuted as cli_parse_options does); CLI_PARSED, or the code
 * to exit with (EX_OK after the help, EX_USAGE after printing why). */
int cli_parse_run_options(int argc, char **argv, cli_run_options_t *options);

/* The run's output folder: -o, or out/<scenario name without extension>. */
void cli_run_folder(const cli_run_options_t *options, char *dir, size_t size);

/* The scenario name of a path: "configs/baseline.ini" -> "baseline". */
void cli_scenario_name(const char *path, char *name, size_t size);

/* Loads the scenario of `options` with its overrides, runs this process's
 * tasks into `dir` and, unless it is one shard of several or it was
 * stopped, writes the outputs, every point's final summaries going to
 * `results` (incomplete when a stop came while writing). `control` may be
 * NULL (no progress, no stop). When options->watch asks for a trace,
 * agents or snapshots, the batch's first task is watched into *watch (watch.h) before
 * the outputs are written, and its files written with them. The caller
 * frees *config and destroys *batch, *results and *watch (zeroed before),
 * whatever the outcome. */
wom_status cli_simulate(const cli_run_options_t *options, const char *name, const char *dir,
                        const wom_batch_control_t *control, wom_config_t **config,
                        wom_batch_t *batch, wom_aggregate_t *results, wom_watch_t *watch,
                        wom_error_t *error);

/* The options of `womsim fit`: a Bass fit (--bass) or a scenario's fit to
 * an observed series (SCENARIO --data --free). */
typedef struct {
    const char *bass_path;                    /* --bass: the table of adoptions */
    const char *scenario_path;                /* the operand of a scenario's fit */
    const char *data_path;                    /* --data: the observed table */
    const char *free[WOM_CALIBRATE_MAX_KEYS]; /* --free KEY=LO:HI, in order */
    size_t free_count;
    const char *metrics[WOM_CALIBRATE_MAX_COLUMNS]; /* --metric; none: every column */
    size_t metric_count;
    const char *scenario_option; /* the first option given that only a scenario's fit takes */
    cli_overrides_t overrides;   /* --set, -r, -s */
    char replications[64];       /* "-r N" as an override */
    char seed[64];               /* "-s SEED" as an override */
    const char *output_dir;
    int threads;
    uint64_t max_bytes;
    size_t starts;          /* --starts; 0: max(10, 5 x keys) */
    size_t max_evaluations; /* --max-evaluations */
    double tolerance;       /* --tolerance */
    size_t bootstrap;       /* --bootstrap B */
    bool plot;
    bool quiet;
} cli_fit_options_t;

/* The fit's output folder: -o, or out/fit/<table or scenario name>. */
void cli_fit_folder(const cli_fit_options_t *options, char *dir, size_t size);

/* Draws DIR/fit.png and fit.svg from fit.gp, saying where unless `quiet`;
 * a missing gnuplot is a note on stderr, not an error. Returns a sysexits
 * code. */
int cli_fit_render(const char *dir, bool quiet);

/* `womsim fit SCENARIO --data OBSERVED.csv --free KEY=LO:HI ...`
 * (cli_calibrate.c), with its parsed options. Returns the exit code. */
int cli_fit_scenario(const cli_fit_options_t *options, int argc, char **argv);

/* SIGINT and SIGTERM ask for a clean stop: the first leaves the signal's
 * number in *cli_stop_flag() (0 until then), which a batch polls
 * (wom_batch_control_t.stop), and says so on stderr unless `quiet`; the
 * same signal again kills. A signal the parent ignores stays ignored. */
void cli_catch_stop_signals(bool quiet);
const volatile sig_atomic_t *cli_stop_flag(void);
const char *cli_stop_name(void); /* "SIGINT" or "SIGTERM" */

/* The commands: each runs with the command line as main has it (argv[0]
 * the program, argv[1] the command's name). */
extern const cli_command_t cli_run_command;
extern const cli_command_t cli_sensitivity_command;
extern const cli_command_t cli_merge_command;
extern const cli_command_t cli_check_command;
extern const cli_command_t cli_params_command;
extern const cli_command_t cli_graph_command;
extern const cli_command_t cli_regress_command;
extern const cli_command_t cli_fit_command;
int cli_run(int argc, char **argv);
int cli_merge(int argc, char **argv);

#endif
