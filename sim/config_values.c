/* config_values.c: the values of keys as text. Owns parsing each type
 * (real, integer, seed, bool, choice, text, the lists of block sizes and
 * per-segment reals) with its range check and message, the canonical text
 * every value is stored as (so that the dump and its hash do not depend on
 * how a value was written), storing a value in its scenario field, and the
 * sweep lists: "v1, v2, v3" and "start:stop:step" expanded to their items.
 *
 * Workload: each value is parsed a few times (checked when set, again
 * for each sweep point), at most WOM_MAX_SWEEP items per key; plain string
 * handling, every error a message naming the key.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "womsim/text.h"

/* ---- values ----------------------------------------------------------- */

/* A finite decimal number (no hex, no NaN or infinity), the whole token. */
static bool parse_real(const char *text, double *value, char *why, size_t size) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || strpbrk(text, "xXpP") != NULL) {
        snprintf(why, size, "malformed number '%.200s'", text);
        return false;
    }
    if (errno == ERANGE && fabs(v) == HUGE_VAL) {
        snprintf(why, size, "'%.200s' is out of range for a number", text);
        return false;
    }
    if (errno == ERANGE && fabs(v) < DBL_MIN) { /* would be stored as 0 or a denormal */
        snprintf(why, size, "'%.200s' is too small for a number (write 0 for zero)", text);
        return false;
    }
    if (!isfinite(v)) {
        snprintf(why, size, "'%.200s' is not a finite number", text);
        return false;
    }
    *value = v == 0 ? 0.0 : v; /* "-0" is 0 */
    return true;
}

/* Why an integer token failed: a fraction, overflow, or not a number. */
static void integer_trouble(const char *text, bool overflow, char *why, size_t size) {
    double real;
    char ignored[8];
    if (overflow) {
        snprintf(why, size, "integer overflow in '%.200s'", text);
    } else if (parse_real(text, &real, ignored, sizeof ignored)) {
        snprintf(why, size, "'%.200s' is not an integer", text);
    } else {
        snprintf(why, size, "malformed number '%.200s'", text);
    }
}

static bool parse_integer(const char *text, int64_t *value, char *why, size_t size) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    bool whole = end != text && *end == '\0';
    if (!whole || errno == ERANGE || isspace((unsigned char)text[0])) {
        integer_trouble(text, whole && errno == ERANGE, why, size);
        return false;
    }
    *value = v;
    return true;
}

/* Unsigned 64-bit decimal; strtoull would quietly wrap "-1". */
static bool parse_seed(const char *text, uint64_t *value, char *why, size_t size) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] == '-') {
        snprintf(why, size, "'%.200s' is negative (a seed is a whole number from 0)", text);
        return false;
    }
    bool whole = isdigit((unsigned char)text[text[0] == '+']) && *end == '\0';
    if (!whole || errno == ERANGE) {
        integer_trouble(text, whole && errno == ERANGE, why, size);
        return false;
    }
    *value = v;
    return true;
}

static bool parse_bool(const char *text, bool *value) {
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0 || strcasecmp(text, no[i]) == 0) {
            *value = strcasecmp(text, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

/* The position of `text` in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *text) {
    size_t length = strlen(text);
    const char *p = choices;
    for (int i = 0;; i++) {
        size_t n = strcspn(p, "|");
        if (n == length && strncmp(p, text, n) == 0) {
            return i;
        }
        if (p[n] == '\0') {
            return -1;
        }
        p += n + 1;
    }
}

static void choice_name(const char *choices, int choice, char *out, size_t size) {
    const char *p = choices;
    for (int i = 0; i < choice; i++) {
        p += strcspn(p, "|") + 1;
    }
    snprintf(out, size, "%.*s", (int)strcspn(p, "|"), p);
}

static void unknown_choice(const wom_key_t *key, const char *text, char *why, size_t size) {
    char expected[256];
    size_t n = 0;
    suggestion best = {NULL, 0, WOM_TEXT_NOT_CLOSE};
    for (const char *p = key->choices; n + 1 < sizeof expected;) {
        size_t length = strcspn(p, "|");
        wom_config_suggest(&best, text, p, length);
        n += (size_t)snprintf(expected + n, sizeof expected - n, "%s%.*s", n ? ", " : "",
                              (int)length, p);
        if (p[length] == '\0') {
            break;
        }
        p += length + 1;
    }
    int used = snprintf(why, size, "unknown value '%s' for %s (expected one of: %s)", text,
                        key->name, expected);
    if (best.text != NULL && used > 0 && (size_t)used < size) {
        snprintf(why + used, size - (size_t)used, "; did you mean '%.*s'?", (int)best.length,
                 best.text);
    }
}

static bool in_range(const wom_key_t *key, double value, const char *text, char *why, size_t size) {
    if (value >= key->min && value <= key->max) {
        return true;
    }
    char low[32], high[32];
    wom_text_format_number(low, sizeof low, key->min);
    wom_text_format_number(high, sizeof high, key->max);
    snprintf(why, size, "%s = %s is out of range [%s, %s]", key->name, text, low, high);
    return false;
}

char *wom_config_trim(char *text) {
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1])) {
        text[--n] = '\0';
    }
    while (isspace((unsigned char)*text)) {
        text++;
    }
    return text;
}

/* One item of a SIZES or REALS list, checked against the key's range. */
static bool parse_list_item(const wom_key_t *key, const char *item, value_t *value, char *why,
                            size_t size) {
    char plain[512];
    bool ok;
    double as_real;
    if (key->type == WOM_KEY_SIZES) {
        int64_t n = 0;
        ok = parse_integer(item, &n, plain, sizeof plain);
        as_real = (double)n;
    } else {
        ok = parse_real(item, &as_real, plain, sizeof plain);
    }
    if (!ok) {
        snprintf(why, size, "%s: %s", key->name, plain);
        return false;
    }
    if (!in_range(key, as_real, item, why, size)) {
        return false;
    }
    if (key->type == WOM_KEY_SIZES) {
        value->sizes[value->list_count++] = (uint32_t)as_real;
    } else {
        value->reals[value->list_count++] = as_real;
    }
    return true;
}

/* Block sizes "5000, 3000, 2000" or per-segment reals "0.2, -0.1"; empty
 * means unset. Items are cut out one by one, so a long list (a dump writes
 * 64 reals at full precision) has no limit but WOM_MAX_BLOCKS. */
static bool parse_list(const wom_key_t *key, const char *text, value_t *value, char *why,
                       size_t size) {
    const char *p = text;
    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (*p == '\0') {
        return true; /* unset */
    }
    for (;;) {
        size_t length = strcspn(p, ",");
        char item[256];
        if (length >= sizeof item) {
            snprintf(why, size, "%s: item '%.40s...' is too long", key->name, p);
            return false;
        }
        snprintf(item, sizeof item, "%.*s", (int)length, p);
        char *trimmed = wom_config_trim(item);
        if (*trimmed == '\0') {
            snprintf(why, size, "%s: empty item in list '%.200s'", key->name, text);
            return false;
        }
        if (value->list_count == WOM_MAX_BLOCKS) {
            snprintf(why, size, "%s: more than %d %s", key->name, WOM_MAX_BLOCKS,
                     key->type == WOM_KEY_SIZES ? "blocks" : "values");
            return false;
        }
        if (!parse_list_item(key, trimmed, value, why, size)) {
            return false;
        }
        if (p[length] == '\0') {
            return true;
        }
        p += length + 1;
    }
}

static bool parse_number_key(const wom_key_t *key, const char *text, value_t *value, char *why,
                             size_t size) {
    char plain[512];
    bool ok;
    double as_real = 0;
    if (key->type == WOM_KEY_REAL) {
        ok = parse_real(text, &value->real, plain, sizeof plain);
        as_real = value->real;
    } else if (key->type == WOM_KEY_INT) {
        ok = parse_integer(text, &value->integer, plain, sizeof plain);
        as_real = (double)value->integer;
    } else {
        ok = parse_seed(text, &value->seed, plain, sizeof plain);
    }
    if (!ok) {
        snprintf(why, size, "%s: %s", key->name, plain);
        return false;
    }
    return key->type == WOM_KEY_SEED || in_range(key, as_real, text, why, size);
}

bool wom_config_parse_value(const wom_key_t *key, const char *text, value_t *value, char *why,
                            size_t size) {
    memset(value, 0, sizeof *value);
    bool may_be_empty =
        key->type == WOM_KEY_TEXT || key->type == WOM_KEY_SIZES || key->type == WOM_KEY_REALS;
    if (text[0] == '\0' && !may_be_empty) {
        snprintf(why, size, "%s has no value", key->name);
        return false;
    }
    switch (key->type) {
    case WOM_KEY_REAL:
    case WOM_KEY_INT:
    case WOM_KEY_SEED:
        return parse_number_key(key, text, value, why, size);
    case WOM_KEY_BOOL:
        if (!parse_bool(text, &value->boolean)) {
            snprintf(why, size, "%s: '%s' is not a boolean (expected true or false)", key->name,
                     text);
            return false;
        }
        return true;
    case WOM_KEY_CHOICE:
        value->choice = choice_index(key->choices, text);
        if (value->choice < 0) {
            unknown_choice(key, text, why, size);
            return false;
        }
        return true;
    case WOM_KEY_TEXT:
        value->text = text;
        if (strlen(text) >= WOM_MAX_PATH) {
            snprintf(why, size, "%s: value is longer than %d characters", key->name,
                     WOM_MAX_PATH - 1);
            return false;
        }
        return true;
    case WOM_KEY_SIZES:
    case WOM_KEY_REALS:
        return parse_list(key, text, value, why, size);
    }
    snprintf(why, size, "%s: unknown key type", key->name);
    return false;
}

/* The canonical text of a list: items joined by ", ". */
static void format_list(const wom_key_t *key, const value_t *value, char out[VALUE_MAX]) {
    out[0] = '\0';
    for (int i = 0, n = 0; i < value->list_count; i++) {
        char item[32];
        if (key->type == WOM_KEY_SIZES) {
            snprintf(item, sizeof item, "%lu", (unsigned long)value->sizes[i]);
        } else {
            wom_text_format_number(item, sizeof item, value->reals[i]);
        }
        n += snprintf(out + n, (size_t)(VALUE_MAX - n), "%s%s", i ? ", " : "", item);
    }
}

void wom_config_format_value(const wom_key_t *key, const value_t *value, char out[VALUE_MAX]) {
    switch (key->type) {
    case WOM_KEY_REAL:
        wom_text_format_number(out, VALUE_MAX, value->real);
        return;
    case WOM_KEY_INT:
        snprintf(out, VALUE_MAX, "%lld", (long long)value->integer);
        return;
    case WOM_KEY_SEED:
        snprintf(out, VALUE_MAX, "%llu", (unsigned long long)value->seed);
        return;
    case WOM_KEY_BOOL:
        snprintf(out, VALUE_MAX, "%s", value->boolean ? "true" : "false");
        return;
    case WOM_KEY_CHOICE:
        choice_name(key->choices, value->choice, out, VALUE_MAX);
        return;
    case WOM_KEY_TEXT:
        snprintf(out, VALUE_MAX, "%s", value->text);
        return;
    case WOM_KEY_SIZES:
    case WOM_KEY_REALS:
        format_list(key, value, out);
        return;
    }
}

void wom_config_store_value(const wom_key_t *key, const value_t *value, void *base) {
    char *field = (char *)base + key->offset;
    switch (key->type) {
    case WOM_KEY_REAL:
        *(double *)field = value->real;
        return;
    case WOM_KEY_INT:
        *(int64_t *)field = value->integer;
        return;
    case WOM_KEY_SEED:
        *(uint64_t *)field = value->seed;
        return;
    case WOM_KEY_BOOL:
        *(bool *)field = value->boolean;
        return;
    case WOM_KEY_CHOICE:
        *(int *)field = value->choice;
        return;
    case WOM_KEY_TEXT:
        snprintf(field, WOM_MAX_PATH, "%s", value->text);
        return;
    case WOM_KEY_SIZES:
        memcpy(field, value->sizes, sizeof value->sizes);
        *(int *)((char *)base + key->count_offset) = value->list_count;
        return;
    case WOM_KEY_REALS:
        memcpy(field, value->reals, sizeof value->reals);
        *(int *)((char *)base + key->count_offset) = value->list_count;
        return;
    }
}

/* ---- sweep lists ------------------------------------------------------ */

typedef struct {
    char **items;
    size_t count, capacity;
} item_list;

static wom_status list_push(item_list *list, const char *item, size_t length) {
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 8;
        char **items = realloc(list->items, capacity * sizeof *items);
        if (items == NULL) {
            return WOM_ENOMEM;
        }
        list->items = items;
        list->capacity = capacity;
    }
    char *copy = malloc(length + 1);
    if (copy == NULL) {
        return WOM_ENOMEM;
    }
    memcpy(copy, item, length);
    copy[length] = '\0';
    list->items[list->count++] = copy;
    return WOM_OK;
}

static wom_status split_list(const char *text, item_list *list, where_t at, wom_error_t *error) {
    for (const char *p = text;;) {
        size_t length = strcspn(p, ",");
        const char *start = p;
        while (start < p + length && isspace((unsigned char)*start)) {
            start++;
        }
        size_t n = (size_t)(p + length - start);
        while (n > 0 && isspace((unsigned char)start[n - 1])) {
            n--;
        }
        if (n == 0) {
            return wom_config_error(error, at, "empty item in list '%s'", text);
        }
        if (list->count == WOM_MAX_SWEEP) {
            return wom_config_error(error, at, "list '%.40s...' has more than %d values", text,
                                    WOM_MAX_SWEEP);
        }
        if (list_push(list, start, n) != WOM_OK) {
            return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
        }
        if (p[length] == '\0') {
            return WOM_OK;
        }
        p += length + 1;
    }
}

/* The three numbers of "start:stop:step". */
static wom_status range_bounds(const char *text, double bound[3], where_t at, wom_error_t *error) {
    char *copy = strdup(text);
    if (copy == NULL) {
        return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
    }
    char *part[3] = {copy, strchr(copy, ':'), NULL};
    if (part[1] != NULL) {
        *part[1]++ = '\0';
        part[2] = strchr(part[1], ':');
    }
    wom_status status = WOM_OK;
    if (part[2] == NULL || strchr(part[2] + 1, ':') != NULL) {
        status = wom_config_error(error, at, "a range is written start:stop:step, not '%s'", text);
    } else {
        *part[2]++ = '\0';
    }
    for (int i = 0; i < 3 && status == WOM_OK; i++) {
        char why[WOM_MAX_PATH];
        if (!parse_real(wom_config_trim(part[i]), &bound[i], why, sizeof why)) {
            status = wom_config_error(error, at, "in range '%s': %s", text, why);
        }
    }
    free(copy);
    return status;
}

/* a, a + step, ... up to b (with slack for rounding), each as %.12g so that
 * 0.7:0.95:0.05 gives 0.7 ... 0.95 rather than 0.9500000000000001. */
static wom_status expand_range(const char *text, item_list *list, where_t at, wom_error_t *error) {
    double bound[3];
    wom_status status = range_bounds(text, bound, at, error);
    if (status != WOM_OK) {
        return status;
    }
    double start = bound[0], stop = bound[1], step = bound[2];
    if (step == 0) {
        return wom_config_error(error, at, "step of zero in range '%s'", text);
    }
    if (step < 0) {
        return wom_config_error(error, at, "negative step in range '%s'", text);
    }
    if (start > stop) {
        return wom_config_error(error, at, "range '%s' starts above its end", text);
    }
    for (size_t i = 0;; i++) {
        double v = start + (double)i * step;
        if (v > stop + step * 1e-9) {
            return WOM_OK;
        }
        if (i == WOM_MAX_SWEEP) {
            return wom_config_error(error, at, "range '%s' has more than %d values", text,
                                    WOM_MAX_SWEEP);
        }
        char item[64];
        /* -0.3 + 3 * 0.1 is 5.6e-17, not 0 */
        int n = snprintf(item, sizeof item, "%.12g", fabs(v) < step * 1e-9 ? 0.0 : v);
        if (list_push(list, item, (size_t)n) != WOM_OK) {
            return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
        }
    }
}

wom_status wom_config_split_at(const char *text, char ***items, size_t *count, where_t at,
                               wom_error_t *error) {
    item_list list = {NULL, 0, 0};
    wom_status status;
    if (strchr(text, ',') != NULL) {
        status = split_list(text, &list, at, error);
    } else if (strchr(text, ':') != NULL) {
        status = expand_range(text, &list, at, error);
    } else {
        const char *start = text;
        size_t n = strlen(text);
        while (isspace((unsigned char)*start)) {
            start++, n--;
        }
        while (n > 0 && isspace((unsigned char)start[n - 1])) {
            n--;
        }
        status = list_push(&list, start, n);
        if (status != WOM_OK) {
            wom_error_set(error, status, at.file, at.line, "out of memory");
        }
    }
    if (status != WOM_OK) {
        wom_config_free_values(list.items, list.count);
        return status;
    }
    *items = list.items;
    *count = list.count;
    return WOM_OK;
}

void wom_config_free_values(char **items, size_t count) {
    for (size_t i = 0; items != NULL && i < count; i++) {
        free(items[i]);
    }
    free(items);
}

wom_status wom_config_split_values(const char *text, char ***items, size_t *count,
                                   wom_error_t *error) {
    if (text == NULL || items == NULL || count == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_split_values: NULL argument");
    }
    return wom_config_split_at(text, items, count, (where_t){"", 0}, error);
}
