/* compare.c: the differences between a reference output file and a
 * rerun's, for womsim regress: first differing line, and per metric the
 * largest relative change. Workload: two files of at most a few hundred
 * kilobytes, once per reference.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS  4096 /* CSV columns compared; more are one difference in text */
#define NUMBER_SIZE 64   /* bytes of a number's text, with the NUL */

typedef struct {
    const char *start;
    size_t length;
} span_t;

static bool span_equal(span_t a, span_t b) {
    return a.length == b.length && memcmp(a.start, b.start, a.length) == 0;
}

static bool span_is(span_t span, const char *text) {
    return span.length == strlen(text) && memcmp(span.start, text, span.length) == 0;
}

/* The next line at *cursor, without its line break; false at the end. */
static bool next_line(const char **cursor, span_t *line) {
    if (*cursor == NULL || **cursor == '\0') {
        return false;
    }
    const char *end = strchr(*cursor, '\n');
    line->start = *cursor;
    line->length = end ? (size_t)(end - *cursor) : strlen(*cursor);
    *cursor = end ? end + 1 : NULL;
    return true;
}

static size_t count_lines(const char *text) {
    size_t lines = 0;
    span_t line;
    while (next_line(&text, &line)) {
        lines++;
    }
    return lines;
}

/* `span` as a number: true when the whole of it is one. */
static bool span_number(span_t span, double *value) {
    char text[NUMBER_SIZE];
    if (span.length == 0 || span.length >= sizeof text) {
        return false;
    }
    memcpy(text, span.start, span.length);
    text[span.length] = '\0';
    char *end = NULL;
    *value = strtod(text, &end);
    return *end == '\0';
}

static double relative_change(double old_value, double new_value) {
    double change = fabs(new_value - old_value) / fabs(old_value);
    if (old_value == 0 || isnan(change)) {
        return new_value == old_value ? 0 : INFINITY;
    }
    return change;
}

/* Records a changed number of `metric` (its first `length` bytes) when it
 * is the metric's largest change so far; a change of a spread (an sd or a
 * CI bound: `spread`) counts only while no other number of the metric
 * changed, as bounds near 0 change by large ratios. */
static wom_status record(wom_compare_t *result, const char *metric, size_t length,
                         const char *where, bool spread, double old_value, double new_value) {
    char name[WOM_COMPARE_TEXT];
    snprintf(name, sizeof name, "%.*s", (int)length, metric);
    double change = relative_change(old_value, new_value);
    size_t i = 0;
    while (i < result->metric_count && strcmp(result->metrics[i].metric, name) != 0) {
        i++;
    }
    if (i == result->metric_count) {
        wom_compare_metric_t *grown =
            realloc(result->metrics, (result->metric_count + 1) * sizeof *grown);
        if (grown == NULL) {
            return WOM_ENOMEM;
        }
        result->metrics = grown;
        result->metrics[i] = (wom_compare_metric_t){.change = -1, .spread = true};
        snprintf(result->metrics[i].metric, sizeof result->metrics[i].metric, "%s", name);
        result->metric_count++;
    }
    wom_compare_metric_t *m = &result->metrics[i];
    if ((m->spread && !spread) || (m->spread == spread && change > m->change)) {
        snprintf(m->where, sizeof m->where, "%s", where);
        m->spread = spread;
        m->old_value = old_value;
        m->new_value = new_value;
        m->change = change;
    }
    return WOM_OK;
}

/* Notes line `number` (1-based) as differing, and as differing in more
 * than numbers when `other`. */
static void differs(wom_compare_t *result, size_t number, span_t old_line, span_t new_line,
                    bool other) {
    if (result->first_line == 0) {
        result->first_line = number;
    }
    if (other && result->other_line == 0) {
        result->other_line = number;
        snprintf(result->old_text, sizeof result->old_text, "%.*s", (int)old_line.length,
                 old_line.start);
        snprintf(result->new_text, sizeof result->new_text, "%.*s", (int)new_line.length,
                 new_line.start);
    }
}

/* ---- CSV ------------------------------------------------------------------ */

/* The fields of a CSV line, split at commas outside double quotes; how
 * many (at most MAX_FIELDS; the last takes the rest). */
static size_t split_csv(span_t line, span_t *fields) {
    size_t count = 0;
    bool quoted = false;
    const char *start = line.start, *end = line.start + line.length;
    for (const char *c = line.start; c <= end; c++) {
        if (c < end && *c == '"') {
            quoted = !quoted;
        } else if (c == end || (*c == ',' && !quoted && count + 1 < MAX_FIELDS)) {
            fields[count++] = (span_t){start, (size_t)(c - start)};
            start = c + 1;
        }
    }
    return count;
}

/* A column's metric: its name without the statistic suffix; *spread tells
 * an sd or a CI bound from a mean. */
static size_t metric_length(span_t column, bool *spread) {
    static const char *const suffixes[] = {"_mean",      "_ci95_lo",   "_ci95_hi",
                                           "_band95_lo", "_band95_hi", "_sd"};
    *spread = false;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t n = strlen(suffixes[i]);
        if (column.length > n && memcmp(column.start + column.length - n, suffixes[i], n) == 0) {
            *spread = i > 0;
            return column.length - n;
        }
    }
    return column.length;
}

typedef struct {
    span_t *header, *old_fields, *new_fields;
    size_t columns;
    bool header_equal;
} csv_t;

static wom_status compare_csv_line(wom_compare_t *result, csv_t *csv, size_t number,
                                   span_t old_line, span_t new_line) {
    if (number == 1) {
        csv->columns = split_csv(old_line, csv->header);
        csv->header_equal = span_equal(old_line, new_line);
        if (!csv->header_equal) {
            differs(result, number, old_line, new_line, true);
        }
        return WOM_OK;
    }
    size_t count = split_csv(old_line, csv->old_fields);
    if (!csv->header_equal || count != csv->columns ||
        split_csv(new_line, csv->new_fields) != count) {
        differs(result, number, old_line, new_line, true);
        return WOM_OK;
    }
    bool other = false;
    wom_status status = WOM_OK;
    for (size_t i = 0; status == WOM_OK && i < count; i++) {
        double old_value, new_value;
        span_t column = csv->header[i];
        if (span_equal(csv->old_fields[i], csv->new_fields[i])) {
            continue;
        }
        if (i == 0 || !span_number(csv->old_fields[i], &old_value) ||
            !span_number(csv->new_fields[i], &new_value)) {
            other = true; /* a row's first field names it: a change there is no metric's */
            continue;
        }
        char where[WOM_COMPARE_TEXT];
        snprintf(where, sizeof where, "%.*s at %.*s %.*s", (int)column.length, column.start,
                 (int)csv->header[0].length, csv->header[0].start, (int)csv->old_fields[0].length,
                 csv->old_fields[0].start);
        bool spread = false;
        size_t length = metric_length(column, &spread);
        status = record(result, column.start, length, where, spread, old_value, new_value);
    }
    differs(result, number, old_line, new_line, other);
    return status;
}

/* ---- JSON, line by line -------------------------------------------------- */

/* The numbers of a JSON line outside strings, and the line with each
 * replaced by '#' (its skeleton); false when there are too many. */
typedef struct {
    char skeleton[4096];
    double numbers[64];
    span_t keys[64]; /* the string before each number: its key */
    size_t count;
} json_line_t;

static bool number_start(const char *c, const char *end, const char *line) {
    bool digit = *c >= '0' && *c <= '9';
    bool minus = *c == '-' && c + 1 < end && c[1] >= '0' && c[1] <= '9';
    bool after_word =
        c > line && (c[-1] == '_' || (c[-1] >= 'a' && c[-1] <= 'z') ||
                     (c[-1] >= 'A' && c[-1] <= 'Z') || (c[-1] >= '0' && c[-1] <= '9'));
    return (digit || minus) && !after_word;
}

static bool json_line(span_t line, json_line_t *out) {
    size_t n = 0;
    bool quoted = false;
    const char *end = line.start + line.length, *opened = line.start;
    span_t key = {"", 0};
    out->count = 0;
    for (const char *c = line.start; c < end && n + 2 < sizeof out->skeleton;) {
        if (*c == '"' && (c == line.start || c[-1] != '\\')) {
            quoted = !quoted;
            opened = quoted ? c + 1 : opened;
            key = quoted ? key : (span_t){opened, (size_t)(c - opened)};
        }
        if (!quoted && number_start(c, end, line.start)) {
            size_t length = strspn(c, "-+.eE0123456789");
            length = length < (size_t)(end - c) ? length : (size_t)(end - c);
            if (out->count == sizeof out->numbers / sizeof out->numbers[0] ||
                !span_number((span_t){c, length}, &out->numbers[out->count])) {
                return false;
            }
            out->keys[out->count++] = key;
            out->skeleton[n++] = '#';
            c += length;
        } else {
            out->skeleton[n++] = *c++;
        }
    }
    out->skeleton[n] = '\0';
    return true;
}

/* The first string of a JSON line: its key, for the metric's name. */
static span_t json_key(span_t line) {
    const char *end = line.start + line.length;
    const char *open = memchr(line.start, '"', line.length);
    const char *close = open ? memchr(open + 1, '"', (size_t)(end - open - 1)) : NULL;
    return close ? (span_t){open + 1, (size_t)(close - open - 1)} : (span_t){"", 0};
}

static wom_status compare_json_line(wom_compare_t *result, size_t number, span_t old_line,
                                    span_t new_line) {
    json_line_t *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    wom_status status = a && b ? WOM_OK : WOM_ENOMEM;
    bool other = status != WOM_OK || !json_line(old_line, a) || !json_line(new_line, b) ||
                 a->count != b->count || strcmp(a->skeleton, b->skeleton) != 0;
    span_t key = json_key(old_line);
    for (size_t i = 0; !other && status == WOM_OK && i < a->count; i++) {
        if (a->numbers[i] == b->numbers[i]) {
            continue;
        }
        span_t name = a->keys[i];
        char where[WOM_COMPARE_TEXT];
        snprintf(where, sizeof where, "%.*s%son line %zu", (int)name.length, name.start,
                 name.length ? " " : "", number);
        bool spread = span_is(name, "sd") || span_is(name, "ci95_lo") || span_is(name, "ci95_hi");
        status =
            key.length > 0
                ? record(result, key.start, key.length, where, spread, a->numbers[i], b->numbers[i])
                : record(result, where, strlen(where), where, spread, a->numbers[i], b->numbers[i]);
    }
    differs(result, number, old_line, new_line, other);
    free(a);
    free(b);
    return status;
}

/* ---- both ------------------------------------------------------------------ */

wom_status wom_compare_texts(const char *old_text, const char *new_text, bool csv,
                             wom_compare_t *result) {
    *result =
        (wom_compare_t){.old_lines = count_lines(old_text), .new_lines = count_lines(new_text)};
    csv_t columns = {malloc(MAX_FIELDS * sizeof(span_t)), malloc(MAX_FIELDS * sizeof(span_t)),
                     malloc(MAX_FIELDS * sizeof(span_t)), 0, false};
    wom_status status =
        columns.header && columns.old_fields && columns.new_fields ? WOM_OK : WOM_ENOMEM;
    const char *a = old_text, *b = new_text;
    span_t empty = {"", 0};
    for (size_t number = 1; status == WOM_OK; number++) {
        span_t old_line = empty, new_line = empty;
        bool more_old = next_line(&a, &old_line), more_new = next_line(&b, &new_line);
        if (!more_old && !more_new) {
            break;
        }
        if (!more_old || !more_new) { /* a line only one of the texts has */
            differs(result, number, old_line, new_line, true);
        } else if (csv && number == 1) { /* the header: read even when equal */
            status = compare_csv_line(result, &columns, number, old_line, new_line);
        } else if (!span_equal(old_line, new_line)) {
            status = csv ? compare_csv_line(result, &columns, number, old_line, new_line)
                         : compare_json_line(result, number, old_line, new_line);
        }
    }
    free(columns.header);
    free(columns.old_fields);
    free(columns.new_fields);
    if (status != WOM_OK) {
        wom_compare_destroy(result);
    }
    return status;
}

void wom_compare_destroy(wom_compare_t *result) {
    free(result->metrics);
    result->metrics = NULL;
    result->metric_count = 0;
}
