/* config_internal.h: what the files of the config module (sim/config*.c)
 * share and nothing else: private to them, not installed. The public API is
 * include/womsim/config.h; everything a single file needs stays static in
 * that file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_CONFIG_INTERNAL_H
#define WOMSIM_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "womsim/config.h"
#include "womsim/text.h"

/* ---- messages (config.c) --------------------------------------------- */

/* Where a value came from, for messages and for the key's record. */
typedef struct {
    const char *file;
    long line;
} where_t;

/* Fills `error` (if not NULL) with WOM_ECONFIG, the place `at` and the
 * message; returns WOM_ECONFIG. */
wom_status wom_config_error(wom_error_t *error, where_t at, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- the key table (config_keys.c) ----------------------------------- */

/* Rows of the key table. config_keys.c checks the number, so a new key
 * raises it by one. */
#define KEY_COUNT    ((size_t)100)
#define FAILURE_KEYS 3                          /* rate, severity, applies_to */
#define FIXED_KEYS   (KEY_COUNT - FAILURE_KEYS) /* rows that are keys themselves */

#define FAILURE_PREFIX  "failure."
#define FAILURE_SECTION (sizeof FAILURE_PREFIX - 1) /* where NAME starts in "failure.NAME" */
#define UINT32_NODES    4294967295.0                /* node ids are uint32 */
#define WOM_UNIT_PATH   "path"                      /* the unit of a TEXT key that is a file path */

/* The KEY_COUNT rows in canonical order: the FIXED_KEYS keys, then the
 * FAILURE_KEYS rows of every [failure.NAME] section (per_failure). */
extern const wom_key_t wom_config_table[];

/* The length of the section of `key`: "network" in "network.nodes". */
size_t wom_config_section_length(const wom_key_t *key);

/* After the last dot: "failure.NAME.rate" has the key "rate". */
const char *wom_config_key_suffix(const wom_key_t *key);

/* A section of fixed keys; [failure.NAME] sections are told apart first. */
bool wom_config_section_known(const char *section);

/* "failure.NAME...": a failure mode's section or key. */
bool wom_config_is_failure_section(const char *section);

/* NAME of [failure.NAME]: 1 to WOM_MAX_NAME - 1 letters, digits, '-', '_'
 * (ASCII, whatever the locale), so it is safe in file names and columns. */
bool wom_config_mode_name_valid(const char *name, size_t length);

/* The error for an unknown section: suggests a fixed section, or
 * [failure.NAME] for a misspelt "failure" (keeping the NAME that was typed). */
wom_status wom_config_unknown_section(const char *section, where_t at, wom_error_t *error);

/* Finds the table row of key `name` of `section`, or explains what is
 * wrong. A [failure.NAME] section has the per_failure rows; its NAME is
 * checked where the mode is opened. */
wom_status wom_config_find_key(const char *section, const char *name, where_t at,
                               wom_error_t *error, size_t *found);

/* ---- the config (config.c) ------------------------------------------- */

/* A config stores values in slots: the FIXED_KEYS keys in table order, then
 * FAILURE_KEYS slots for each possible failure mode. */
#define SLOT_COUNT (FIXED_KEYS + WOM_MAX_FAILURES * FAILURE_KEYS)

/* One key's current values and where they came from. */
typedef struct {
    char **values;           /* canonical strings; more than one: swept */
    size_t count;            /* >= 1, or 0 in a slot of a failure mode not in use and in
                                a mode's `rate` until it is given */
    char file[WOM_MAX_PATH]; /* scenario path, an override's option ("--set", "-r"), or ""
                                while at the default */
    long line;               /* line in `file`; 0 for overrides and defaults */
    unsigned long first_set; /* assignment number of the first setting, 0 = never set */
    unsigned long last_set;  /* assignment number of the latest setting, 0 = never set */
    char *range[2];          /* a design factor's bounds LO, HI (canonical); else NULL */
} key_state;

/* A failure mode: its name and where it first appeared. Its keys are the
 * slots FIXED_KEYS + mode * FAILURE_KEYS onwards. */
typedef struct {
    char name[WOM_MAX_NAME]; /* NAME of [failure.NAME] */
    char file[WOM_MAX_PATH]; /* the scenario file or the override's option: cited when the
                                rate is missing */
    long line;               /* the line of the section's first header; 0 for an override */
} mode_record;

struct wom_config {
    key_state keys[SLOT_COUNT];          /* fixed keys in table order, then the failure modes' */
    mode_record modes[WOM_MAX_FAILURES]; /* in order of first appearance */
    int mode_count;                      /* modes in use; the slots of the others are empty */
    unsigned long assignments;           /* settings so far: orders sweeps and citations */
    char last_file[WOM_MAX_PATH];        /* scenario read last: cited for keys left at default */
    double *design_unit;   /* a sampled design's points in the unit cube, design_points x
                              design_factors (config_design.c); NULL without one */
    size_t design_points;  /* its points */
    size_t design_factors; /* its factors: the ranged keys in sweep order */
};

/* The slot of table row `row` (a per_failure row) in failure mode `mode`. */
size_t wom_config_mode_slot(int mode, size_t row);

#define FULL_NAME_MAX 96 /* "failure.NAME.key" with the NUL; table names are shorter */

/* A table row under the name of one failure mode's key, for messages. */
typedef struct {
    wom_key_t key;
    char name[FULL_NAME_MAX];
} named_key;

/* The key of `slot`: its table row, or for a failure mode's slot a copy
 * named "failure.NAME.key" held in `named`. */
const wom_key_t *wom_config_slot_key(const wom_config_t *config, size_t slot, named_key *named);

/* A deep copy, so that a file can be read into it and dropped on error. */
wom_status wom_config_copy(const wom_config_t *config, wom_config_t **copy);

/* Moves `from` into `config` and frees the shell of `from`. */
void wom_config_replace(wom_config_t *config, wom_config_t *from);

/* Sets the key in `slot` from `text` (one value, a list or a range), every
 * item checked; on error the key keeps its old values. */
wom_status wom_config_assign(wom_config_t *config, size_t slot, const char *text, where_t at,
                             wom_error_t *error);

/* The failure mode named `name`, opened if it is new. */
wom_status wom_config_open_mode(wom_config_t *config, const char *name, where_t at,
                                wom_error_t *error, int *mode);

/* The slots of the swept keys in sweep order: the order they were first
 * set. Returns how many there are. */
size_t wom_config_sweep_order(const wom_config_t *config, size_t swept[SLOT_COUNT]);

/* ---- sampled designs (config_design.c) -------------------------------- */

/* "LO:HI": one colon and no comma (a grid's range has two colons). */
bool wom_config_is_range(const char *text);

/* The canonical bounds of a range of a number key (malloc'd), LO below HI. */
wom_status wom_config_parse_range(const wom_key_t *key, const char *text, where_t at,
                                  wom_error_t *error, char *bounds[2]);

/* design.method is not grid. */
bool wom_config_sampled(const wom_config_t *config);

/* Why the keys cannot make a design (a range under a grid, a list under a
 * sampled design, no range, too many ranges, odd Morris levels), at the
 * line of the key at fault; WOM_OK when they can. */
wom_status wom_config_design_problem(const wom_config_t *config, wom_error_t *error);

/* Gives every ranged key its value at each point of the design (or its two
 * bounds while the design has a problem) and keeps the unit design. Called
 * after every change of the config; fails only for want of memory. */
wom_status wom_config_design_refresh(wom_config_t *config);

/* ---- values and sweep lists (config_values.c) ------------------------ */

/* A parsed value of any type; only the member of the key's type is set. */
typedef struct {
    double real;
    int64_t integer;
    uint64_t seed;
    bool boolean;
    int choice;
    const char *text;               /* TEXT: points into the parsed string */
    uint32_t sizes[WOM_MAX_BLOCKS]; /* SIZES */
    double reals[WOM_MAX_BLOCKS];   /* REALS */
    int list_count;                 /* items of SIZES or REALS */
} value_t;

/* Bytes of a canonical value: a TEXT path, or a list of WOM_MAX_BLOCKS
 * numbers of up to 24 characters and their separators. */
#define VALUE_MAX 2048

/* Cuts the blanks off both ends of `text`: the end in place, the start by
 * the pointer returned. */
char *wom_config_trim(char *text);

/* Parses and checks one value of `key` (no lists here). */
bool wom_config_parse_value(const wom_key_t *key, const char *text, value_t *value, char *why,
                            size_t size);

/* The canonical text of a parsed value. */
void wom_config_format_value(const wom_key_t *key, const value_t *value, char out[VALUE_MAX]);

/* Stores a value in its field of `base`: the scenario, or for a failure
 * mode's key the mode's wom_failure_mode_t. */
void wom_config_store_value(const wom_key_t *key, const value_t *value, void *base);

/* wom_config_split_values with the place `at` that errors name. */
wom_status wom_config_split_at(const char *text, char ***items, size_t *count, where_t at,
                               wom_error_t *error);

/* ---- the rules that join keys (config_rules.c) ----------------------- */

/* sbm ignores network.nodes and takes the sum of the blocks. Checking that
 * the two agree instead would break the dump, which writes nodes out. */
void wom_config_derive_sbm_nodes(wom_scenario_t *s);

/* Checks every rule on a resolved sweep point; a broken rule is reported at
 * the latest setting of the keys it cites. */
wom_status wom_config_check_rules(const wom_config_t *config, const wom_scenario_t *scenario,
                                  wom_error_t *error);

/* ---- suggestions (did you mean) -------------------------------------- */

typedef struct {
    const char *text; /* the candidate, not NUL-terminated at `length` */
    size_t length;
    int score; /* wom_text_closeness: 0..3, or WOM_TEXT_NOT_CLOSE */
} suggestion;

/* Lets `candidate` become the suggestion for `typed` if it is closer. */
static inline void wom_config_suggest(suggestion *best, const char *typed, const char *candidate,
                                      size_t length) {
    int score = wom_text_closeness(typed, candidate, length);
    if (score < best->score) {
        *best = (suggestion){candidate, length, score};
    }
}

#endif
