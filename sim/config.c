/* config.c: the config object, the state behind a scenario. Owns its
 * slots (one per key, and the keys of each failure mode), alloc, free and
 * copy, assigning a key (every value checked and kept canonical, with
 * where it was set), `--set` overrides, the sweep points and entries, and
 * resolving one sweep point into a wom_scenario_t (relative paths taken
 * from the scenario file's folder, then the rules that join keys). The
 * other parts of the module are in config_keys.c (the key table),
 * config_values.c (values and sweep lists), config_file.c (the scenario
 * file reader), config_rules.c (the rules), config_dump.c (the canonical
 * dump and its hash) and config_suggest.c ("did you mean").
 *
 * Workload: a few small files and overrides read once at start-up, so the
 * code favours plain loops and clear messages over speed. The library never
 * prints: every problem comes back as a status with file, line and message.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* ---- the config ------------------------------------------------------- */

static const wom_key_t *slot_row(size_t slot) {
    return &wom_config_table[slot < FIXED_KEYS ? slot
                                               : FIXED_KEYS + (slot - FIXED_KEYS) % FAILURE_KEYS];
}

/* The failure mode of a slot, or -1 for a fixed key. */
static int slot_mode(size_t slot) {
    return slot < FIXED_KEYS ? -1 : (int)((slot - FIXED_KEYS) / FAILURE_KEYS);
}

size_t wom_config_mode_slot(int mode, size_t row) {
    return FIXED_KEYS + (size_t)mode * FAILURE_KEYS + (row - FIXED_KEYS);
}

static bool slot_in_use(const wom_config_t *config, size_t slot) {
    return slot_mode(slot) < config->mode_count;
}

const wom_key_t *wom_config_slot_key(const wom_config_t *config, size_t slot, named_key *named) {
    const wom_key_t *row = slot_row(slot);
    if (!row->per_failure) {
        return row;
    }
    named->key = *row;
    snprintf(named->name, sizeof named->name, FAILURE_PREFIX "%s.%s",
             config->modes[slot_mode(slot)].name, wom_config_key_suffix(row));
    named->key.name = named->name;
    return &named->key;
}

wom_status wom_config_error(wom_error_t *error, where_t at, const char *format, ...) {
    char message[sizeof error->message];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    return wom_error_set(error, WOM_ECONFIG, at.file, at.line, "%s", message);
}

static void release_range(key_state *state) {
    free(state->range[0]);
    free(state->range[1]);
    state->range[0] = state->range[1] = NULL;
}

static void release_values(key_state *state) {
    wom_config_free_values(state->values, state->count);
    state->values = NULL;
    state->count = 0;
    release_range(state);
}

void wom_config_free(wom_config_t *config) {
    if (config == NULL) {
        return;
    }
    for (size_t slot = 0; slot < SLOT_COUNT; slot++) {
        release_values(&config->keys[slot]);
    }
    free(config->design_unit);
    free(config);
}

static wom_status copy_values(char *const *values, size_t count, char ***copy) {
    if (count == 0) {
        *copy = NULL;
        return WOM_OK;
    }
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

static wom_status copy_range(const key_state *from, key_state *to) {
    for (int i = 0; i < 2 && from->range[0] != NULL; i++) {
        to->range[i] = strdup(from->range[i]);
        if (to->range[i] == NULL) {
            return WOM_ENOMEM;
        }
    }
    return WOM_OK;
}

static wom_status copy_unit(const wom_config_t *config, wom_config_t *c) {
    size_t bytes = config->design_points * config->design_factors * sizeof *c->design_unit;
    if (config->design_unit == NULL) {
        return WOM_OK;
    }
    c->design_unit = malloc(bytes);
    if (c->design_unit == NULL) {
        return WOM_ENOMEM;
    }
    memcpy(c->design_unit, config->design_unit, bytes);
    return WOM_OK;
}

wom_status wom_config_copy(const wom_config_t *config, wom_config_t **copy) {
    wom_config_t *c = malloc(sizeof *c);
    if (c == NULL) {
        return WOM_ENOMEM;
    }
    *c = *config;
    for (size_t slot = 0; slot < SLOT_COUNT; slot++) {
        c->keys[slot].values = NULL;
        c->keys[slot].count = 0;
        c->keys[slot].range[0] = c->keys[slot].range[1] = NULL;
    }
    c->design_unit = NULL;
    wom_status status = copy_unit(config, c);
    for (size_t slot = 0; slot < SLOT_COUNT && status == WOM_OK; slot++) {
        const key_state *from = &config->keys[slot];
        status = copy_values(from->values, from->count, &c->keys[slot].values);
        c->keys[slot].count = status == WOM_OK ? from->count : 0;
        status = status == WOM_OK ? copy_range(from, &c->keys[slot]) : status;
    }
    if (status != WOM_OK) {
        wom_config_free(c);
        return status;
    }
    *copy = c;
    return WOM_OK;
}

void wom_config_replace(wom_config_t *config, wom_config_t *from) {
    for (size_t slot = 0; slot < SLOT_COUNT; slot++) {
        release_values(&config->keys[slot]);
    }
    free(config->design_unit);
    *config = *from;
    free(from);
}

/* ---- assigning keys --------------------------------------------------- */

/* The items `text` gives `key`: a list or range for sweepable types, the
 * whole text for SIZES and REALS (their commas are the list) and TEXT. */
static wom_status items_of(const wom_key_t *key, const char *text, char ***items, size_t *count,
                           where_t at, wom_error_t *error) {
    bool list = key->type == WOM_KEY_SIZES || key->type == WOM_KEY_REALS;
    if (list && strchr(text, ':') != NULL) {
        return wom_config_error(error, at, "%s cannot be swept (its commas list the %s)", key->name,
                                key->type == WOM_KEY_SIZES ? "block sizes" : "values per segment");
    }
    if (!list && key->type != WOM_KEY_TEXT) {
        wom_error_t detail;
        wom_status status = wom_config_split_at(text, items, count, at, &detail);
        if (status == WOM_ECONFIG) {
            return wom_config_error(error, at, "%s: %s", key->name, detail.message);
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
        *items = NULL; /* the caller frees what it is given back */
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
        char text[VALUE_MAX];
        if (!wom_config_parse_value(key, items[i], &value, text, sizeof text)) {
            return wom_config_error(error, at, "%s", text);
        }
        wom_config_format_value(key, &value, text);
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
static wom_status check_points(const wom_config_t *config, size_t slot, size_t count, where_t at,
                               wom_error_t *error) {
    size_t points = count;
    for (size_t j = 0; j < SLOT_COUNT; j++) {
        size_t n = config->keys[j].count;
        if (j == slot || n <= 1 || config->keys[j].range[0] != NULL) { /* a design's */
            continue;
        }
        if (points > SIZE_MAX / n) {
            return wom_config_error(error, at, "the sweep would have more than %zu points",
                                    (size_t)SIZE_MAX);
        }
        points *= n;
    }
    return WOM_OK;
}

/* A range LO:HI of a number: the bounds of a design factor, its values
 * the bounds until the design gives it its points
 * (wom_config_design_refresh). */
static wom_status assign_range(const wom_key_t *key, const char *text, where_t at,
                               wom_error_t *error, char *range[2], char ***items) {
    wom_status status = wom_config_parse_range(key, text, at, error, range);
    if (status == WOM_OK) {
        status = copy_values(range, 2, items);
    }
    if (status != WOM_OK && range[0] != NULL) {
        free(range[0]);
        free(range[1]);
    }
    return status == WOM_ENOMEM ? wom_error_set(error, status, at.file, at.line, "out of memory")
                                : status;
}

wom_status wom_config_assign(wom_config_t *config, size_t slot, const char *text, where_t at,
                             wom_error_t *error) {
    char **items = NULL, *range[2] = {NULL, NULL};
    size_t count = 0;
    named_key named;
    const wom_key_t *key = wom_config_slot_key(config, slot, &named);
    wom_status status;
    bool single = key->type != WOM_KEY_TEXT && key->type != WOM_KEY_SIZES &&
                  key->type != WOM_KEY_REALS; /* the others' commas and colons are theirs */
    if (single && wom_config_is_range(text)) {
        status = assign_range(key, text, at, error, range, &items);
        count = status == WOM_OK ? 2 : 0;
    } else {
        status = items_of(key, text, &items, &count, at, error);
        if (status == WOM_OK) {
            status = canonicalise(key, items, count, at, error);
        }
        if (status == WOM_OK) {
            status = check_points(config, slot, count, at, error);
        }
    }
    if (status != WOM_OK) {
        wom_config_free_values(items, count);
        return status;
    }
    key_state *state = &config->keys[slot];
    release_values(state);
    state->values = items;
    state->count = count;
    state->range[0] = range[0];
    state->range[1] = range[1];
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
        wom_status status =
            wom_config_table[k].per_failure == (k >= FIXED_KEYS) ? WOM_OK : WOM_EINVAL;
        if (status == WOM_OK && k < FIXED_KEYS) {
            status =
                wom_config_assign(c, k, wom_config_table[k].default_value, (where_t){"", 0}, NULL);
            c->keys[k].first_set = c->keys[k].last_set = 0;
        }
        if (status != WOM_OK) { /* WOM_ECONFIG here is a bad default in the table */
            wom_config_free(c);
            return status == WOM_ENOMEM ? WOM_ENOMEM : WOM_EINVAL;
        }
    }
    c->assignments = 0;
    *config = c;
    return WOM_OK;
}

/* Failure modes. A mode is opened by its first [failure.NAME] header or
 * --set failure.NAME.key; its keys start at their defaults, except a key
 * with an empty default (the rate), which stays empty until given. */

wom_status wom_config_open_mode(wom_config_t *config, const char *name, where_t at,
                                wom_error_t *error, int *mode) {
    size_t length = strlen(name);
    if (length == 0) {
        return wom_config_error(error, at, "a failure mode needs a name: write [failure.NAME]");
    }
    if (length >= WOM_MAX_NAME) {
        return wom_config_error(error, at,
                                "failure mode name '%.*s...' is longer than %d characters",
                                WOM_MAX_NAME - 1, name, WOM_MAX_NAME - 1);
    }
    if (!wom_config_mode_name_valid(name, length)) {
        return wom_config_error(
            error, at, "failure mode name '%s' may only have letters, digits, '-' and '_'", name);
    }
    for (*mode = 0; *mode < config->mode_count; ++*mode) {
        if (strcmp(config->modes[*mode].name, name) == 0) {
            return WOM_OK;
        }
    }
    if (config->mode_count == WOM_MAX_FAILURES) {
        return wom_config_error(error, at, "[failure.%s]: more than %d failure modes", name,
                                WOM_MAX_FAILURES);
    }
    mode_record *record = &config->modes[config->mode_count++];
    snprintf(record->name, sizeof record->name, "%s", name);
    snprintf(record->file, sizeof record->file, "%s", at.file);
    record->line = at.line;
    for (size_t k = FIXED_KEYS; k < KEY_COUNT; k++) {
        size_t slot = wom_config_mode_slot(*mode, k);
        wom_status status = WOM_OK;
        if (wom_config_table[k].default_value[0] != '\0') {
            status = wom_config_assign(config, slot, wom_config_table[k].default_value,
                                       (where_t){"", 0}, error);
        }
        config->keys[slot].first_set = config->keys[slot].last_set = 0;
        if (status != WOM_OK) {
            return status;
        }
    }
    return WOM_OK;
}

/* Undoes the opening of the last mode, for a --set that failed after it. */
static void close_last_mode(wom_config_t *config) {
    int mode = --config->mode_count;
    for (size_t k = FIXED_KEYS; k < KEY_COUNT; k++) {
        key_state *state = &config->keys[wom_config_mode_slot(mode, k)];
        release_values(state);
        memset(state, 0, sizeof *state);
    }
    memset(&config->modes[mode], 0, sizeof config->modes[mode]);
}

/* ---- overrides -------------------------------------------------------- */

/* Splits "section.key=value" or "failure.NAME.key=value" into its parts
 * (trimmed, in `copy`); the section of the latter is "failure.NAME". */
static bool split_assignment(char *copy, char **section, char **name, char **value) {
    char *equals = strchr(copy, '=');
    if (equals == NULL) {
        return false;
    }
    *equals = '\0';
    *value = wom_config_trim(equals + 1);
    *section = wom_config_trim(copy);
    char *dot = strchr(*section, '.');
    if (dot != NULL && wom_config_is_failure_section(*section)) {
        dot = strchr(dot + 1, '.');
    }
    if (dot == NULL || dot == *section || dot[1] == '\0') {
        return false;
    }
    *dot = '\0';
    *name = dot + 1;
    return true;
}

/* Characters in a line of a scenario file: inih's line buffer
 * (INI_MAX_LINE, 200 bytes with the NUL; test_long_line pins it). */
#define LINE_CHARACTERS 199

/* A TEXT value must survive the dump, where it follows "key = ": one line
 * that fits the reader's, no inline comment (a ';' after a blank, or first
 * in the value, as the dump puts a blank before it). Values from a file
 * meet these rules by construction; an override may not. */
static wom_status check_text_line(const wom_key_t *key, const char *value, where_t at,
                                  wom_error_t *error) {
    if (key->type != WOM_KEY_TEXT) {
        return WOM_OK;
    }
    size_t room = LINE_CHARACTERS - strlen(wom_config_key_suffix(key)) - strlen(" = ");
    if (strlen(value) > room) {
        return wom_config_error(error, at,
                                "%s: value is longer than %zu characters, more than a line of a "
                                "scenario file holds",
                                key->name, room);
    }
    if (strpbrk(value, "\r\n") != NULL) {
        return wom_config_error(error, at, "%s: a value cannot contain a line break", key->name);
    }
    for (const char *p = strchr(value, ';'); p != NULL; p = strchr(p + 1, ';')) {
        if (p == value || isspace((unsigned char)p[-1])) {
            return wom_config_error(error, at,
                                    "%s: a ';' first or after a blank would start a comment in a "
                                    "scenario file",
                                    key->name);
        }
    }
    return WOM_OK;
}

wom_status wom_config_set(wom_config_t *config, const char *assignment, wom_error_t *error) {
    return wom_config_set_from(config, "--set", assignment, error);
}

wom_status wom_config_set_from(wom_config_t *config, const char *origin, const char *assignment,
                               wom_error_t *error) {
    if (config == NULL || origin == NULL || assignment == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_set_from: NULL argument");
    }
    const where_t at = {origin, 0};
    char *copy = strdup(assignment);
    if (copy == NULL) {
        return wom_error_set(error, WOM_ENOMEM, at.file, 0, "out of memory");
    }
    char *section = NULL, *name = NULL, *value = NULL;
    size_t slot = 0;
    int modes = config->mode_count, mode = -1;
    wom_status status;
    if (!split_assignment(copy, &section, &name, &value)) {
        status = wom_config_error(error, at,
                                  "%s expects section.key=value (or failure.NAME.key=value), "
                                  "not '%s'",
                                  origin, assignment);
    } else {
        status = wom_config_find_key(section, name, at, error, &slot);
    }
    if (status == WOM_OK && wom_config_is_failure_section(section)) {
        status = wom_config_open_mode(config, section + FAILURE_SECTION, at, error, &mode);
        slot = status == WOM_OK ? wom_config_mode_slot(mode, slot) : slot;
    }
    if (status == WOM_OK) {
        named_key named;
        status = check_text_line(wom_config_slot_key(config, slot, &named), value, at, error);
    }
    if (status == WOM_OK) {
        status = wom_config_assign(config, slot, value, at, error);
    }
    if (status == WOM_OK && wom_config_design_refresh(config) != WOM_OK) {
        status = wom_error_set(error, WOM_ENOMEM, at.file, 0, "out of memory");
    }
    if (status != WOM_OK && config->mode_count > modes) {
        close_last_mode(config); /* a failed override changes nothing */
    }
    free(copy);
    return status;
}

/* ---- sweep points and scenarios --------------------------------------- */

/* Under a sampled design the swept keys vary together: each has one value
 * per point. A design with a problem has one point, whose scenario reports
 * it. */
size_t wom_config_points(const wom_config_t *config) {
    if (config == NULL) {
        return 1;
    }
    if (wom_config_design_problem(config, NULL) != WOM_OK) {
        return 1;
    }
    if (wom_config_sampled(config)) {
        return config->design_points;
    }
    size_t points = 1;
    for (size_t slot = 0; slot < SLOT_COUNT; slot++) {
        if (config->keys[slot].count > 1) {
            points *=
                config->keys[slot].count; /* wom_config_assign() keeps this from overflowing */
        }
    }
    return points;
}

/* The slots of the swept keys in sweep order: the order they were first
 * set. Returns how many there are. */
size_t wom_config_sweep_order(const wom_config_t *config, size_t swept[SLOT_COUNT]) {
    size_t n = 0;
    for (size_t slot = 0; slot < SLOT_COUNT; slot++) {
        if (config->keys[slot].count <= 1) {
            continue;
        }
        size_t j = n++;
        for (; j > 0 && config->keys[swept[j - 1]].first_set > config->keys[slot].first_set; j--) {
            swept[j] = swept[j - 1];
        }
        swept[j] = slot;
    }
    return n;
}

size_t wom_config_swept(const wom_config_t *config) {
    size_t swept[SLOT_COUNT];
    return config == NULL ? 0 : wom_config_sweep_order(config, swept);
}

wom_status wom_config_sweep_key(const wom_config_t *config, size_t index, wom_config_sweep_t *key) {
    size_t swept[SLOT_COUNT];
    if (config == NULL || key == NULL || index >= wom_config_sweep_order(config, swept)) {
        return WOM_EINVAL;
    }
    named_key named;
    const key_state *state = &config->keys[swept[index]];
    snprintf(key->name, sizeof key->name, "%s",
             wom_config_slot_key(config, swept[index], &named)->name);
    key->values = (const char *const *)state->values;
    key->count = state->count;
    key->range[0] = state->range[0];
    key->range[1] = state->range[1];
    return WOM_OK;
}

size_t wom_config_entries(const wom_config_t *config) {
    return config == NULL ? 0 : FIXED_KEYS + (size_t)config->mode_count * FAILURE_KEYS;
}

wom_status wom_config_entry(const wom_config_t *config, size_t index, wom_config_entry_t *entry) {
    if (entry == NULL || index >= wom_config_entries(config)) {
        return WOM_EINVAL;
    }
    named_key named;
    const key_state *state = &config->keys[index]; /* the slots in use come first */
    snprintf(entry->name, sizeof entry->name, "%s",
             wom_config_slot_key(config, index, &named)->name);
    entry->key = slot_row(index);
    entry->values = (const char *const *)state->values;
    entry->count = state->count;
    entry->range[0] = state->range[0];
    entry->range[1] = state->range[1];
    entry->set = state->first_set != 0;
    return WOM_OK;
}

/* The value index of every key at `point`: swept keys in sweep order,
 * mixed radix with the last one varying fastest. */
static void point_values(const wom_config_t *config, size_t point, size_t chosen[SLOT_COUNT]) {
    size_t swept[SLOT_COUNT];
    size_t n = wom_config_sweep_order(config, swept);
    bool together = wom_config_sampled(config);
    for (size_t slot = 0; slot < SLOT_COUNT; slot++) {
        chosen[slot] = 0;
    }
    for (size_t j = n; j-- > 0;) {
        size_t count = config->keys[swept[j]].count;
        chosen[swept[j]] = together ? point : point % count;
        point = together ? point : point / count;
    }
}

size_t wom_config_value_index(const wom_config_t *config, size_t point, size_t index) {
    size_t swept[SLOT_COUNT], chosen[SLOT_COUNT];
    size_t n = wom_config_sweep_order(config, swept);
    point_values(config, point, chosen);
    return index < n ? chosen[swept[index]] : 0;
}

/* A relative path set in a scenario file is taken from that file's folder,
 * so the stored value (and the dump and hash) stays as written while the
 * program finds the file from wherever it is started. */
static wom_status resolve_paths(const wom_config_t *config, wom_scenario_t *scenario,
                                wom_error_t *error) {
    for (size_t k = 0; k < FIXED_KEYS; k++) {
        const key_state *state = &config->keys[k];
        char *path = (char *)scenario + wom_config_table[k].offset;
        const char *slash = strrchr(state->file, '/');
        if (wom_config_table[k].type != WOM_KEY_TEXT ||
            strcmp(wom_config_table[k].unit, WOM_UNIT_PATH) != 0 || path[0] == '/' ||
            path[0] == '\0' || slash == NULL ||
            state->line == 0) { /* an override's: from where womsim runs */
            continue;
        }
        char resolved[WOM_MAX_PATH];
        if (snprintf(resolved, sizeof resolved, "%.*s/%s", (int)(slash - state->file), state->file,
                     path) >= (int)sizeof resolved) {
            return wom_config_error(error, (where_t){state->file, state->line},
                                    "%s: the path '%s' from the scenario's folder is longer than "
                                    "%d characters",
                                    wom_config_table[k].name, path, WOM_MAX_PATH - 1);
        }
        memcpy(path, resolved, sizeof resolved);
    }
    return WOM_OK;
}

/* Stores value `index` of `slot` in the scenario; a failure mode's key in
 * its wom_failure_mode_t, whose name comes with it. */
static wom_status resolve_slot(const wom_config_t *config, size_t slot, size_t index,
                               wom_scenario_t *scenario, wom_error_t *error) {
    named_key named;
    const wom_key_t *key = wom_config_slot_key(config, slot, &named);
    int mode = slot_mode(slot);
    const mode_record *record = mode >= 0 ? &config->modes[mode] : NULL;
    if (config->keys[slot].count == 0) { /* only a key without a default can be empty */
        return wom_config_error(error, (where_t){record->file, record->line},
                                FAILURE_PREFIX "%s needs a %s", record->name,
                                wom_config_key_suffix(key));
    }
    value_t value;
    char why[VALUE_MAX];
    if (!wom_config_parse_value(key, config->keys[slot].values[index], &value, why, sizeof why)) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "stored value rejected: %s", why);
    }
    if (record == NULL) {
        wom_config_store_value(key, &value, scenario);
        return WOM_OK;
    }
    wom_failure_mode_t *failure = &scenario->failures[mode];
    snprintf(failure->name, sizeof failure->name, "%s", record->name);
    wom_config_store_value(key, &value, failure);
    return WOM_OK;
}

wom_status wom_config_scenario(const wom_config_t *config, size_t point, wom_scenario_t *scenario,
                               wom_error_t *error) {
    if (config == NULL || scenario == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_scenario: NULL argument");
    }
    wom_status problem = wom_config_design_problem(config, error);
    if (problem != WOM_OK) {
        return problem;
    }
    size_t points = wom_config_points(config);
    if (point >= points) {
        return wom_error_set(error, WOM_EINVAL, "", 0,
                             "sweep point %zu does not exist (the sweep has %zu)", point, points);
    }
    size_t chosen[SLOT_COUNT];
    point_values(config, point, chosen);
    memset(scenario, 0, sizeof *scenario);
    wom_status status = WOM_OK;
    for (size_t slot = 0; slot < SLOT_COUNT && status == WOM_OK; slot++) {
        if (slot_in_use(config, slot)) {
            status = resolve_slot(config, slot, chosen[slot], scenario, error);
        }
    }
    if (status != WOM_OK) {
        return status;
    }
    scenario->failure_count = config->mode_count;
    wom_config_derive_sbm_nodes(scenario);
    status = resolve_paths(config, scenario, error);
    return status == WOM_OK ? wom_config_check_rules(config, scenario, error) : status;
}
