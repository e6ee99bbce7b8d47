/* cli_regress.c: `womsim regress [DIR]`: reruns every reference run that
 * DIR/LIST names (DIR: results/reference) from the scenario copy in its
 * folder, into a temporary folder, and compares timeseries.csv,
 * summary.json, sweep.csv and the reference manifest byte for byte with
 * the folder's. A difference names the file, its first differing line and
 * each metric's largest relative change, and the command exits 65.
 * `--set KEY=VALUE` changes every rerun (to see what regress catches);
 * `--update` (make reference) makes the folders anew from LIST instead.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _XOPEN_SOURCE 700 /* nftw */

#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"

#define DEFAULT_DIR    "results/reference"
#define MAX_WORDS      64  /* words on a line of LIST */
#define MAX_REFERENCES 256 /* lines of LIST */
#define SHOWN_METRICS  8   /* metrics a difference names, the largest first */

typedef struct {
    const char *dir;
    char installed_dir[WOM_MAX_PATH]; /* PREFIX/share/womsim/reference, when dir */
    bool update;
    cli_overrides_t overrides; /* --set: every rerun, after the reference's own options */
} regress_options_t;

/* A line of DIR/LIST: NAME SCENARIO [OPTIONS...]. */
typedef struct {
    long line;
    char *words[MAX_WORDS]; /* into the LIST's text */
    int count;
} reference_t;

enum { REGRESS_SET, REGRESS_UPDATE };

static const cli_option_t regress_options[] = {
    {REGRESS_SET, '\0', "set", "KEY=VALUE",
     "change a scenario key in every rerun (to see what regress catches; repeatable)"},
    {REGRESS_UPDATE, '\0', "update", NULL,
     "make the references anew from DIR/LIST (make reference; docs/regression.md)"},
};

static int take_regress_option(void *context, const cli_option_use_t *use) {
    regress_options_t *options = context;
    if (use->option->id == REGRESS_UPDATE) {
        options->update = true;
        return EX_OK;
    }
    return cli_add_override(&options->overrides, use->typed, use->value);
}

static int parse_regress_options(int argc, char **argv, regress_options_t *options) {
    *options = (regress_options_t){.dir = DEFAULT_DIR};
    int operands = 0;
    int code = cli_parse_options(&cli_regress_command, argc, argv, take_regress_option, options,
                                 &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    if (operands < argc - 1) {
        return cli_usage_error("regress expects at most one folder");
    }
    if (options->update && options->overrides.count > 0) {
        return cli_usage_error("--set changes reruns only; a reference's options belong in LIST");
    }
    options->dir = operands == argc - 1 ? argv[operands] : options->dir;
    if (operands == argc && access(DEFAULT_DIR, F_OK) != 0 &&
        cli_installed_path("reference", options->installed_dir, sizeof options->installed_dir)) {
        options->dir = options->installed_dir; /* an installed womsim, run elsewhere */
    }
    return CLI_PARSED;
}

/* ---- LIST ----------------------------------------------------------------- */

static int list_error(const char *path, long line, const char *what, const char *word) {
    fprintf(stderr, "womsim: %s:%ld: %s%s%s%s\n", path, line, what, word ? " '" : "",
            word ? word : "", word ? "'" : "");
    return EX_DATAERR;
}

/* The words of a LIST line are sound: a NAME that is a plain folder name,
 * and options that only say what to simulate. */
static int check_reference(const char *path, const reference_t *r) {
    const char *name = r->words[0];
    if (r->count < 2) {
        return list_error(path, r->line, "expected NAME SCENARIO [OPTIONS...]", NULL);
    }
    if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
            strlen(name) ||
        name[0] == '.') {
        return list_error(path, r->line,
                          "a reference's name is letters, digits, '.', '-', '_':", name);
    }
    for (int i = 2; i < r->count; i += 2) {
        const char *option = r->words[i];
        if (strcmp(option, "-r") != 0 && strcmp(option, "-s") != 0 &&
            strcmp(option, "--set") != 0 && strcmp(option, "--sweep") != 0) {
            return list_error(path, r->line,
                              "options are -r N, -s SEED, --set K=V, --sweep K=L, not", option);
        }
        if (i + 1 == r->count) {
            return list_error(path, r->line, "a value is missing after", option);
        }
    }
    return EX_OK;
}

/* Splits `text` (LIST, changed in place) into references; '#' starts a
 * comment line, blank lines are skipped. */
static int parse_list(const char *path, char *text, reference_t *references, int *count) {
    long number = 0;
    *count = 0;
    for (char *line = text, *next; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        number++;
        reference_t r = {.line = number};
        for (char *word = strtok(line, " \t\r"); word != NULL && word[0] != '#';
             word = strtok(NULL, " \t\r")) {
            if (r.count == MAX_WORDS) {
                return list_error(path, number, "too many words", NULL);
            }
            r.words[r.count++] = word;
        }
        if (r.count == 0) {
            continue;
        }
        int code = check_reference(path, &r);
        if (code == EX_OK && *count == MAX_REFERENCES) {
            code = list_error(path, number, "too many references", NULL);
        }
        for (int i = 0; code == EX_OK && i < *count; i++) {
            if (strcmp(references[i].words[0], r.words[0]) == 0) {
                code = list_error(path, number, "a second reference named", r.words[0]);
            }
        }
        if (code != EX_OK) {
            return code;
        }
        references[(*count)++] = r;
    }
    return EX_OK;
}

/* ---- files and folders ------------------------------------------------------ */

/* Whether snprintf's `length` fitted in `size` bytes. */
static bool fits(int length, size_t size) {
    return length >= 0 && (size_t)length < size;
}

static int too_long(const char *path) {
    fprintf(stderr, "womsim: %s...: path is too long\n", path);
    return EX_CANTCREAT;
}

static int remove_entry(const char *path, const struct stat *info, int flag, struct FTW *at) {
    (void)info;
    (void)flag;
    (void)at;
    return remove(path);
}

static void remove_tree(const char *path) {
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Copies `from` to dir/name (name may hold folders), atomically. */
static wom_status copy_file(const char *from, const char *dir, const char *name,
                            wom_error_t *error) {
    char *content = wom_file_read_text(from);
    if (content == NULL) {
        return wom_error_set(error, WOM_ENOENT, from, 0, "cannot read: %s", strerror(errno));
    }
    char path[WOM_MAX_PATH];
    if (!fits(snprintf(path, sizeof path, "%s/%s", dir, name), sizeof path)) {
        free(content);
        return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
    }
    wom_text_t text;
    wom_text_init(&text);
    wom_text_printf(&text, "%s", content);
    free(content);
    wom_status status = wom_file_make_dir(dirname(path), error);
    if (status == WOM_OK) {
        status = wom_file_write_text(dir, name, &text, error);
    }
    wom_text_destroy(&text);
    return status;
}

/* The files a reference keeps of a run: its timeseries.csv, summary.json
 * and sweep.csv files, at any depth. */
static bool compared(const char *path) {
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    return strcmp(name, "timeseries.csv") == 0 || strcmp(name, "summary.json") == 0 ||
           strcmp(name, "sweep.csv") == 0;
}

/* ---- one reference ---------------------------------------------------------- */

/* What regress needs of one reference. */
typedef struct {
    const char *name;          /* NAME in LIST */
    char folder[WOM_MAX_PATH]; /* DIR/NAME */
    char scenario[256];        /* the scenario copy's file name */
    char scratch[WOM_MAX_PATH];
    wom_output_files_t files;        /* compared files of the rerun */
    char network_file[WOM_MAX_PATH]; /* the graph file the scenario reads, or "" */
    char hash[65];                   /* the rerun's scenario hash */
} job_t;

/* How a reference came out, for the summary line. */
typedef enum { OUTCOME_OK, OUTCOME_HASH_ONLY, OUTCOME_DIFFERS, OUTCOME_FAILED } outcome_t;

/* Reruns the reference's scenario at `scenario_path` into job->scratch and
 * writes the reference manifest there; job->files lists the compared files
 * and job->network_file the graph file the scenario reads (network.model =
 * file: as written, relative to the scenario; first point), or "". */
static int rerun(const regress_options_t *o, const reference_t *r, const char *scenario_path,
                 job_t *job) {
    char *argv[MAX_WORDS + 2 * CLI_MAX_OVERRIDES + 3];
    int argc = 0;
    argv[argc++] = "womsim";
    argv[argc++] = "run";
    for (int i = 2; i < r->count; i++) {
        argv[argc++] = r->words[i];
    }
    for (int i = 0; i < o->overrides.count; i++) {
        argv[argc++] = "--set";
        argv[argc++] = (char *)o->overrides.items[i];
    }
    argv[argc++] = (char *)scenario_path;
    cli_run_options_t run;
    int code = cli_parse_run_options(argc, argv, &run);
    if (code != CLI_PARSED) {
        return code;
    }
    char name[256];
    cli_scenario_name(scenario_path, name, sizeof name);
    wom_config_t *config = NULL;
    wom_batch_t batch = {0};
    wom_aggregate_t results = {0};
    wom_output_files_t all = {0};
    wom_error_t error = {0};
    wom_batch_control_t control = {false, run.parallel, cli_stop_flag(), NULL, NULL};
    wom_watch_t watch = {0}; /* a reference run watches nothing */
    wom_status status =
        cli_simulate(&run, name, job->scratch, &control, &config, &batch, &results, &watch, &error);
    wom_aggregate_destroy(&results);
    wom_watch_destroy(&watch);
    if (status == WOM_OK && *cli_stop_flag() != 0) { /* the caller says so */
        wom_batch_destroy(&batch);
        wom_config_free(config);
        return EX_TEMPFAIL;
    }
    if (status == WOM_OK) {
        status = wom_output_list_files(&batch, true, false, &all);
    }
    for (size_t i = 0; status == WOM_OK && i < all.count; i++) {
        status = compared(all.paths[i])
                     ? wom_output_files_add(&job->files, job->scratch, all.paths[i])
                     : WOM_OK;
    }
    wom_output_manifest_t manifest = {.scenario_name = name,
                                      .scenario_hash = batch.hash,
                                      .seed = batch.first.simulation.seed,
                                      .points = batch.plan.points,
                                      .replications = batch.plan.replications,
                                      .files = (const char *const *)job->files.paths,
                                      .file_count = job->files.count,
                                      .network_sha256 = batch.network_file.sha256};
    if (status == WOM_OK) {
        status =
            wom_output_write_reference_manifest(job->scratch, "manifest.json", &manifest, &error);
    }
    snprintf(job->hash, sizeof job->hash, "%s", batch.hash);
    bool reads_file = status == WOM_OK && batch.first.network.model == WOM_NET_FILE;
    snprintf(job->network_file, sizeof job->network_file, "%s",
             reads_file ? batch.first.network.file : "");
    wom_output_files_destroy(&all);
    wom_batch_destroy(&batch);
    wom_config_free(config);
    return status == WOM_OK ? EX_OK : cli_fail(status, &error);
}

/* Changes of a mean before changes of only an sd or a bound (whose ratios
 * blow up near 0), each the largest relative change first (a change from
 * 0, infinite, first of all); ties in their first order. */
static int by_change(const void *a, const void *b) {
    const wom_compare_metric_t *x = a, *y = b;
    if (x->spread != y->spread) {
        return x->spread ? 1 : -1;
    }
    return (x->change < y->change) - (x->change > y->change);
}

/* Prints how `file` of the reference differs from the rerun's. */
static void report_difference(const char *name, const char *file, wom_compare_t *c) {
    if (c->metric_count > 1) { /* none: no array (qsort wants one) */
        qsort(c->metrics, c->metric_count, sizeof *c->metrics, by_change);
    }
    fprintf(stderr, "womsim: regress: %s: %s differs at line %zu", name, file, c->first_line);
    if (c->old_lines != c->new_lines) {
        fprintf(stderr, " (the reference has %zu lines, the rerun %zu)", c->old_lines,
                c->new_lines);
    }
    fputs("\n", stderr);
    size_t shown = c->metric_count < SHOWN_METRICS ? c->metric_count : SHOWN_METRICS;
    for (size_t i = 0; i < shown; i++) {
        const wom_compare_metric_t *m = &c->metrics[i];
        if (isinf(m->change)) {
            fprintf(stderr, "  %s: changed from 0 (%s: 0 -> %.9g)\n", m->metric, m->where,
                    m->new_value);
        } else {
            fprintf(stderr, "  %s: largest relative change %.3g (%s: %.9g -> %.9g)\n", m->metric,
                    m->change, m->where, m->old_value, m->new_value);
        }
    }
    if (c->metric_count > shown) {
        fprintf(stderr, "  ... and %zu more metrics (compare the files for all of them)\n",
                c->metric_count - shown);
    }
    if (c->other_line > 0) {
        fprintf(stderr,
                "  line %zu differs in more than numbers:\n    reference: %s\n    rerun:     %s\n",
                c->other_line, c->old_text, c->new_text);
    }
}

/* Whether `reference` is `rerun` once every `old_hash` in it is read as
 * `new_hash` (both 64 characters). */
static bool same_but_hash(const char *reference, const char *rerun, const char *old_hash,
                          const char *new_hash) {
    size_t length = strlen(old_hash);
    if (length != 64 || strlen(new_hash) != 64) {
        return false;
    }
    while (*reference != '\0' && *rerun != '\0') {
        if (strncmp(reference, old_hash, length) == 0 && strncmp(rerun, new_hash, length) == 0) {
            reference += length;
            rerun += length;
        } else if (*reference++ != *rerun++) {
            return false;
        }
    }
    return *reference == *rerun;
}

/* Compares one file of the reference with the rerun's: OUTCOME_OK,
 * OUTCOME_HASH_ONLY when they differ only in the scenario hash
 * (`old_hash`, the reference's, for the rerun's), else OUTCOME_DIFFERS
 * (after saying how) or OUTCOME_FAILED. */
static outcome_t compare_file(const job_t *job, const char *file, const char *old_hash) {
    char ours[WOM_MAX_PATH], theirs[WOM_MAX_PATH];
    if (!fits(snprintf(ours, sizeof ours, "%s/%s", job->folder, file), sizeof ours) ||
        !fits(snprintf(theirs, sizeof theirs, "%s/%s", job->scratch, file), sizeof theirs)) {
        too_long(job->folder);
        return OUTCOME_FAILED;
    }
    char *reference = wom_file_read_text(ours), *rerun_text = wom_file_read_text(theirs);
    outcome_t outcome = OUTCOME_OK;
    if (reference == NULL || rerun_text == NULL) {
        fprintf(stderr, "womsim: regress: %s: %s is missing from the %s\n", job->name, file,
                reference == NULL ? "reference" : "rerun");
        outcome = OUTCOME_DIFFERS;
    } else if (strcmp(reference, rerun_text) == 0) {
        outcome = OUTCOME_OK;
    } else if (same_but_hash(reference, rerun_text, old_hash, job->hash)) {
        outcome = OUTCOME_HASH_ONLY;
    } else {
        wom_compare_t c;
        bool csv = strlen(file) > 4 && strcmp(file + strlen(file) - 4, ".csv") == 0;
        if (wom_compare_texts(reference, rerun_text, csv, &c) != WOM_OK) {
            cli_fail(WOM_ENOMEM, NULL);
            outcome = OUTCOME_FAILED;
        } else {
            report_difference(job->name, file, &c);
            wom_compare_destroy(&c);
            outcome = OUTCOME_DIFFERS;
        }
    }
    free(reference);
    free(rerun_text);
    return outcome;
}

/* The scenario hash the reference's manifest records, or "". */
static void reference_hash(const job_t *job, char hash[65]) {
    char path[WOM_MAX_PATH];
    hash[0] = '\0';
    char *text = fits(snprintf(path, sizeof path, "%s/manifest.json", job->folder), sizeof path)
                     ? wom_file_read_text(path)
                     : NULL;
    const char *field = text != NULL ? strstr(text, "\"scenario_hash\": \"") : NULL;
    if (field != NULL && sscanf(field, "\"scenario_hash\": \"%64[0-9a-f]\"", hash) != 1) {
        hash[0] = '\0';
    }
    free(text);
}

/* Every compared file, then the manifest (whose checksums and hash follow
 * the files', so it is compared only when they are the same). */
static outcome_t compare_reference(const job_t *job) {
    char old_hash[65];
    reference_hash(job, old_hash);
    outcome_t outcome = OUTCOME_OK;
    for (size_t i = 0; i < job->files.count; i++) {
        outcome_t file = compare_file(job, job->files.paths[i], old_hash);
        outcome = file > outcome ? file : outcome;
    }
    if (outcome == OUTCOME_OK) {
        outcome = compare_file(job, "manifest.json", old_hash);
    }
    if (outcome == OUTCOME_OK) {
        printf("womsim: regress: %s: ok\n", job->name);
    } else if (outcome == OUTCOME_HASH_ONLY) {
        fprintf(stderr,
                "womsim: regress: %s: only the scenario hash differs (%.12s... in the reference, "
                "%.12s... now): the scenario's canonical text changed, its results did not\n",
                job->name, old_hash, job->hash);
    }
    return outcome;
}

/* Puts `fresh` in the place of `folder`, removing the old one. */
static wom_status replace_folder(const char *fresh, const char *folder, wom_error_t *error) {
    char trash[WOM_MAX_PATH];
    if (!fits(snprintf(trash, sizeof trash, "%s.old.XXXXXX", folder), sizeof trash)) {
        return wom_error_set(error, WOM_ECANTCREAT, folder, 0, "path is too long");
    }
    if (mkdtemp(trash) == NULL) {
        return wom_error_set(error, WOM_ECANTCREAT, trash, 0, "cannot create: %s", strerror(errno));
    }
    bool moved = rename(folder, trash) == 0; /* an empty folder may be replaced */
    if ((!moved && errno != ENOENT) || rename(fresh, folder) != 0) {
        int saved = errno;
        if (moved) {
            rename(trash, folder);
        }
        remove_tree(trash);
        return wom_error_set(error, WOM_EIO, folder, 0, "cannot replace: %s", strerror(saved));
    }
    remove_tree(trash);
    return WOM_OK;
}

/* Whether a relative path climbs out of its folder (a ".." component). */
static bool climbs_out(const char *path) {
    for (const char *part = path; *part != '\0'; part += strcspn(part, "/"), part += *part == '/') {
        if (strncmp(part, "..", 2) == 0 && (part[2] == '/' || part[2] == '\0')) {
            return true;
        }
    }
    return false;
}

/* The graph file a scenario at `source` reads, relative to the scenario's
 * folder, or NULL when it reads none or names it otherwise (an absolute
 * path, or a --set path taken from where womsim runs). The config gives
 * the path already joined to the scenario's folder. */
static const char *relative_network_file(const char *source, const job_t *job) {
    const char *slash = strrchr(source, '/');
    size_t folder = slash != NULL ? (size_t)(slash - source) + 1 : 0;
    if (job->network_file[0] == '\0' || strncmp(job->network_file, source, folder) != 0) {
        return NULL;
    }
    return job->network_file + folder;
}

/* --update: the graph file a scenario reads, when named relative to the
 * scenario, is copied beside the scenario's copy at the same relative path,
 * so that the reference holds everything it reruns from. One outside the
 * scenario's folder is refused: its copy would land outside the
 * reference's. */
static wom_status copy_network_file(const char *source, const char *fresh, const job_t *job,
                                    wom_error_t *error) {
    const char *file = relative_network_file(source, job);
    if (file == NULL) {
        return WOM_OK;
    }
    if (climbs_out(file)) {
        return wom_error_set(error, WOM_ECONFIG, source, 0,
                             "network.file = %s is outside the scenario's folder: a reference "
                             "keeps a copy of the files it reads, so put the graph file beside "
                             "the scenario (or name it by an absolute path)",
                             file);
    }
    return copy_file(job->network_file, fresh, file, error);
}

/* --update: the scenario copied from LIST's path into a new folder, with
 * the graph file it reads, the rerun's compared files and manifest beside
 * it, put in place. The rerun reads the scenario where LIST names it. */
static int update_reference(const regress_options_t *o, const reference_t *r, job_t *job) {
    char fresh[WOM_MAX_PATH], source[WOM_MAX_PATH];
    wom_error_t error = {0};
    if (!fits(snprintf(fresh, sizeof fresh, "%s.new.XXXXXX", job->folder), sizeof fresh) ||
        !fits(snprintf(source, sizeof source, "%s%s%s", r->words[1][0] == '/' ? "" : o->dir,
                       r->words[1][0] == '/' ? "" : "/", r->words[1]),
              sizeof source)) {
        return too_long(job->folder);
    }
    if (mkdtemp(fresh) == NULL) {
        return cli_fail(
            wom_error_set(&error, WOM_ECANTCREAT, fresh, 0, "cannot create: %s", strerror(errno)),
            &error);
    }
    wom_status status = copy_file(source, fresh, job->scenario, &error);
    int code = status == WOM_OK ? rerun(o, r, source, job) : cli_fail(status, &error);
    if (code == EX_OK) {
        status = copy_network_file(source, fresh, job, &error);
    }
    for (size_t i = 0; code == EX_OK && status == WOM_OK && i <= job->files.count; i++) {
        const char *file = i < job->files.count ? job->files.paths[i] : "manifest.json";
        char from[WOM_MAX_PATH];
        status = fits(snprintf(from, sizeof from, "%s/%s", job->scratch, file), sizeof from)
                     ? copy_file(from, fresh, file, &error)
                     : wom_error_set(&error, WOM_ECANTCREAT, job->scratch, 0, "path is too long");
    }
    if (code == EX_OK && status == WOM_OK) {
        status = replace_folder(fresh, job->folder, &error);
    }
    if (code == EX_OK && status != WOM_OK) {
        code = cli_fail(status, &error);
    }
    if (code != EX_OK) {
        remove_tree(fresh);
    } else {
        printf("womsim: regress: %s: made from %s (%zu files)\n", job->name, source,
               job->files.count + 2 + (relative_network_file(source, job) != NULL));
    }
    return code;
}

/* Reruns (or, with --update, remakes) one reference; *outcome says how it
 * came out. */
static int regress_one(const regress_options_t *o, const reference_t *r, outcome_t *outcome) {
    job_t job = {.name = r->words[0]};
    char copy[WOM_MAX_PATH], scenario_path[WOM_MAX_PATH];
    const char *tmp = getenv("TMPDIR");
    if (!fits(snprintf(job.folder, sizeof job.folder, "%s/%s", o->dir, job.name),
              sizeof job.folder) ||
        !fits(snprintf(copy, sizeof copy, "%s", r->words[1]), sizeof copy) ||
        !fits(snprintf(job.scenario, sizeof job.scenario, "%s", basename(copy)),
              sizeof job.scenario) ||
        !fits(snprintf(scenario_path, sizeof scenario_path, "%s/%s", job.folder, job.scenario),
              sizeof scenario_path) ||
        !fits(snprintf(job.scratch, sizeof job.scratch, "%s/womsim-regress-XXXXXX",
                       tmp && tmp[0] ? tmp : "/tmp"),
              sizeof job.scratch)) {
        return too_long(o->dir);
    }
    if (mkdtemp(job.scratch) == NULL) {
        fprintf(stderr, "womsim: %s: cannot create: %s\n", job.scratch, strerror(errno));
        return EX_CANTCREAT;
    }
    int code = EX_OK;
    *outcome = OUTCOME_FAILED;
    if (o->update) {
        code = update_reference(o, r, &job);
        *outcome = code == EX_OK ? OUTCOME_OK : OUTCOME_FAILED;
    } else if (access(scenario_path, R_OK) != 0) {
        fprintf(stderr,
                "womsim: %s: no reference here (%s); make the references with make "
                "reference\n",
                scenario_path, strerror(errno));
        code = EX_NOINPUT;
    } else {
        code = rerun(o, r, scenario_path, &job);
        *outcome = code == EX_OK ? compare_reference(&job) : OUTCOME_FAILED;
        code = code == EX_OK && *outcome != OUTCOME_OK ? EX_DATAERR : code;
    }
    remove_tree(job.scratch);
    wom_output_files_destroy(&job.files);
    return code;
}

/* One line after every reference: how many were ok, differed, differed
 * only in the scenario hash, or could not be rerun. */
static void summary(const regress_options_t *o, const int outcomes[OUTCOME_FAILED + 1]) {
    int total = outcomes[OUTCOME_OK] + outcomes[OUTCOME_HASH_ONLY] + outcomes[OUTCOME_DIFFERS] +
                outcomes[OUTCOME_FAILED];
    bool clean = total == outcomes[OUTCOME_OK];
    FILE *stream = clean ? stdout : stderr;
    fprintf(stream, "womsim: regress: %d reference%s: %d %s", total, total == 1 ? "" : "s",
            outcomes[OUTCOME_OK], o->update ? "made" : "ok");
    if (outcomes[OUTCOME_DIFFERS] > 0) {
        fprintf(stream, ", %d differ%s", outcomes[OUTCOME_DIFFERS],
                outcomes[OUTCOME_DIFFERS] == 1 ? "s" : "");
    }
    if (outcomes[OUTCOME_HASH_ONLY] > 0) {
        fprintf(stream, ", %d only in the scenario hash", outcomes[OUTCOME_HASH_ONLY]);
    }
    if (outcomes[OUTCOME_FAILED] > 0) {
        fprintf(stream, ", %d failed", outcomes[OUTCOME_FAILED]);
    }
    fputs("\n", stream);
}

/* --set once against the defaults, so that a bad one is reported once and
 * not for every reference. */
static int check_overrides(const regress_options_t *o) {
    wom_config_t *config = NULL;
    wom_error_t error = {0};
    wom_status status = cli_load_config(NULL, &o->overrides, &config, &error);
    wom_config_free(config);
    return status == WOM_OK ? EX_OK : cli_fail(status, &error);
}

static int cli_regress(int argc, char **argv) {
    regress_options_t options;
    int code = parse_regress_options(argc, argv, &options);
    if (code != CLI_PARSED) {
        return code;
    }
    code = check_overrides(&options);
    if (code != EX_OK) {
        return code;
    }
    char path[WOM_MAX_PATH];
    if (!fits(snprintf(path, sizeof path, "%s/LIST", options.dir), sizeof path)) {
        return too_long(options.dir);
    }
    char *text = wom_file_read_text(path);
    if (text == NULL) {
        fprintf(stderr, "womsim: %s: cannot read the list of references: %s\n", path,
                strerror(errno));
        return EX_NOINPUT;
    }
    static reference_t references[MAX_REFERENCES];
    int count = 0;
    code = parse_list(path, text, references, &count);
    if (code == EX_OK && count == 0) {
        code = list_error(path, 1, "no references listed", NULL);
    }
    /* Every reference runs, so that one report names every difference;
     * the first failure's code is the command's. SIGINT or SIGTERM stops
     * the rerun in flight: its temporary folders go, no reference changes. */
    cli_catch_stop_signals(false);
    int result = code, outcomes[OUTCOME_FAILED + 1] = {0};
    for (int i = 0; code == EX_OK && i < count; i++) {
        outcome_t outcome = OUTCOME_FAILED;
        int one =
            *cli_stop_flag() != 0 ? EX_TEMPFAIL : regress_one(&options, &references[i], &outcome);
        if (one == EX_TEMPFAIL && *cli_stop_flag() != 0) {
            fprintf(stderr,
                    "womsim: regress: stopped by %s before %s was %s: it and the references "
                    "after it are as they were\n",
                    cli_stop_name(), references[i].words[0], options.update ? "remade" : "checked");
            result = EX_TEMPFAIL;
            break;
        }
        result = result == EX_OK ? one : result;
        outcomes[outcome]++;
    }
    if (code == EX_OK) {
        summary(&options, outcomes);
    }
    free(text);
    return result;
}

const cli_command_t cli_regress_command = {
    "regress",
    "[DIR] [options]",
    "Rerun the reference runs DIR/LIST names (default DIR: results/reference, else the installed "
    "references) and compare their "
    "files byte for byte: a difference names the file, its first differing line and each "
    "metric's largest relative change, and exits 65.",
    regress_options,
    CLI_COUNT(regress_options),
    cli_regress};
