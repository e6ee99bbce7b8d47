/* calibrate_data.c: the observed table `womsim fit SCENARIO --data` reads:
 * a CSV file whose header names a `day` column and metric columns, then a
 * row per observed day. Read line by line with file.c's reader (bounded
 * lines, NUL refused, LF or CRLF) as bassfit_data.c reads its table,
 * refusing the first bad line with its number; blank lines, a UTF-8 byte
 * order mark and spaces around a field are passed over, as spreadsheets
 * write them. Whether the columns are metrics of the scenario, and the days
 * within its steps, is checked by calibrate.c, which knows the scenario.
 * Workload: a table of a few to a few thousand rows, once.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/calibrate.h"

#include <errno.h>
#include <math.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "womsim/file.h"

#define EXAMPLE    "'day,customers,reputation'"
#define QUOTED     64 /* bytes of a bad field or line quoted in a message */
#define MAX_FIELDS (WOM_CALIBRATE_MAX_COLUMNS + 1)

/* Everything the reader holds while it reads. */
typedef struct {
    const char *path;
    long line;        /* 1-based number of the line being read */
    size_t fields;    /* of the header: columns + 1 */
    size_t day_index; /* of the day field among them */
    bool day_found;   /* the header named it */
    size_t capacity;  /* rows the arrays have room for */
    bool semicolons;  /* the header holds ';' (a spreadsheet's other separator) */
    wom_calibrate_data_t *data;
    wom_error_t *error;
} reader_t;

static wom_status fail(const reader_t *r, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* WOM_EDATA at the line being read. */
static wom_status fail(const reader_t *r, const char *format, ...) {
    char message[sizeof r->error->message];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    return wom_error_set(r->error, WOM_EDATA, r->path, r->line, "%s", message);
}

/* Up to QUOTED bytes of `text` for a message, "..." after when there are
 * more; bytes that are not printable ASCII as \xNN, so that a binary file
 * quoted prints as text. */
static const char *quote(const char *text, char out[4 * QUOTED + 4]) {
    size_t used = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
        if (c - (const unsigned char *)text == QUOTED) {
            memcpy(out + used, "...", 3);
            used += 3;
            break;
        }
        if (*c < 0x20 || *c >= 0x7f) {
            used += (size_t)sprintf(out + used, "\\x%02x", *c);
        } else {
            out[used++] = (char)*c;
        }
    }
    out[used] = '\0';
    return out;
}

/* `text` without the spaces and tabs around it (NUL-terminated in place). */
static char *trim(char *text) {
    text += strspn(text, " \t");
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t')) {
        text[--length] = '\0';
    }
    return text;
}

/* Splits `line` at its commas into trimmed fields, at most MAX_FIELDS of
 * them kept; returns how many the line has. */
static size_t split_fields(char *line, char *fields[MAX_FIELDS]) {
    size_t count = 0;
    for (char *field = line;; count++) {
        char *comma = strchr(field, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        if (count < MAX_FIELDS) {
            fields[count] = trim(field);
        }
        if (comma == NULL) {
            return count + 1;
        }
        field = comma + 1;
    }
}

/* A whole decimal number from 0, with an optional '+', and nothing else. */
typedef enum { DAY_OK, DAY_NOT_WHOLE, DAY_NEGATIVE, DAY_TOO_LARGE } day_check;

static day_check parse_day(const char *text, int64_t *day) {
    bool minus = *text == '-';
    const char *digits = text + (minus || *text == '+');
    if (*digits == '\0' || strspn(digits, "0123456789") != strlen(digits)) {
        return DAY_NOT_WHOLE;
    }
    if (minus && strspn(digits, "0") != strlen(digits)) {
        return DAY_NEGATIVE;
    }
    errno = 0;
    long long value = strtoll(digits, NULL, 10);
    if (errno == ERANGE) {
        return DAY_TOO_LARGE;
    }
    *day = value;
    return DAY_OK;
}

/* ---- the header ---------------------------------------------------------- */

static wom_status take_name(reader_t *r, const char *field, size_t index) {
    wom_calibrate_data_t *data = r->data;
    char quoted[4 * QUOTED + 4];
    if (field[0] == '\0') {
        return fail(r, "column %zu of the header has no name", index + 1);
    }
    if (strlen(field) >= WOM_METRICS_NAME) {
        return fail(r, "column name '%s' is longer than %d characters", quote(field, quoted),
                    WOM_METRICS_NAME - 1);
    }
    if (strcmp(field, "day") == 0) {
        if (r->day_found) {
            return fail(r, "the header names the column 'day' twice");
        }
        r->day_found = true;
        r->day_index = index;
        return WOM_OK;
    }
    for (size_t c = 0; c < data->columns; c++) {
        if (strcmp(data->name[c], field) == 0) {
            return fail(r, "the header names the column '%s' twice", quote(field, quoted));
        }
    }
    snprintf(data->name[data->columns++], WOM_METRICS_NAME, "%s", field);
    return WOM_OK;
}

/* A first line without a `day` column: a missing header when it starts
 * with a number, else a header that lacks the column. */
static wom_status no_day(reader_t *r, const char *line, char *first) {
    char quoted[4 * QUOTED + 4];
    int64_t day;
    if (parse_day(first, &day) == DAY_OK) {
        return fail(r,
                    "the header is missing: the first line must name the columns, such as %s, "
                    "not '%s'",
                    EXAMPLE, quote(line, quoted));
    }
    return fail(r,
                "the header has no 'day' column: expected 'day' and the metrics observed, such "
                "as %s, found '%s'%s",
                EXAMPLE, quote(line, quoted),
                r->semicolons ? " (the separator is ',', not ';')" : "");
}

static wom_status read_header(reader_t *r, char *line) {
    if (strncmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
    }
    char copy[WOM_CALIBRATE_MAX_LINE + 1], *fields[MAX_FIELDS];
    size_t length = strnlen(line, WOM_CALIBRATE_MAX_LINE);
    memcpy(copy, line, length); /* not snprintf: gcc's sanitizer build took line for NULL */
    copy[length] = '\0';
    r->semicolons = strchr(line, ';') != NULL;
    size_t count = split_fields(copy, fields);
    r->data->day_line = r->line;
    if (count > MAX_FIELDS) {
        return fail(r, "the header has %zu columns; the most is 'day' and %d metrics", count,
                    WOM_CALIBRATE_MAX_COLUMNS);
    }
    r->data->name = calloc(count, sizeof *r->data->name);
    if (r->data->name == NULL) {
        return wom_error_set(r->error, WOM_ENOMEM, r->path, r->line, "out of memory");
    }
    wom_status status = WOM_OK;
    for (size_t i = 0; status == WOM_OK && i < count; i++) {
        status = take_name(r, fields[i], i);
    }
    if (status == WOM_OK && !r->day_found) {
        return no_day(r, line, fields[0]);
    }
    if (status == WOM_OK && r->data->columns == 0) {
        return fail(r, "the header names no metric besides 'day': expected columns such as %s",
                    EXAMPLE);
    }
    r->fields = count;
    return status;
}

/* ---- the rows ------------------------------------------------------------ */

static wom_status grow(reader_t *r) {
    wom_calibrate_data_t *data = r->data;
    if (data->rows == WOM_CALIBRATE_MAX_ROWS) {
        return fail(r, "more than %d rows", WOM_CALIBRATE_MAX_ROWS);
    }
    if (data->rows < r->capacity) {
        return WOM_OK;
    }
    size_t capacity = r->capacity ? 2 * r->capacity : 64;
    int64_t *day = realloc(data->day, capacity * sizeof *day);
    data->day = day != NULL ? day : data->day;
    long *line = day != NULL ? realloc(data->line, capacity * sizeof *line) : NULL;
    data->line = line != NULL ? line : data->line;
    double *value =
        line != NULL ? realloc(data->value, capacity * data->columns * sizeof *value) : NULL;
    if (value == NULL) {
        return wom_error_set(r->error, WOM_ENOMEM, r->path, r->line, "no memory for the rows");
    }
    data->value = value;
    r->capacity = capacity;
    return WOM_OK;
}

static wom_status take_day(reader_t *r, const char *text) {
    wom_calibrate_data_t *data = r->data;
    char quoted[4 * QUOTED + 4];
    int64_t day = 0;
    switch (parse_day(text, &day)) {
    case DAY_NOT_WHOLE:
        return fail(r, "day '%s' is not a whole number", quote(text, quoted));
    case DAY_NEGATIVE:
        return fail(r, "day '%s' is negative: days count from 0, the scenario's start",
                    quote(text, quoted));
    case DAY_TOO_LARGE:
        return fail(r, "day '%s' is too large", quote(text, quoted));
    case DAY_OK:
        break;
    }
    size_t n = data->rows;
    if (n > 0 && day == data->day[n - 1]) {
        return fail(r, "day %lld is given twice (first on line %ld)", (long long)day,
                    data->line[n - 1]);
    }
    if (n > 0 && day < data->day[n - 1]) {
        return fail(r, "day %lld comes after day %lld: list the days in rising order",
                    (long long)day, (long long)data->day[n - 1]);
    }
    data->day[n] = day;
    data->line[n] = r->line;
    return WOM_OK;
}

/* strtod's numbers but hexadecimal ones, which no spreadsheet writes. */
static wom_status take_value(reader_t *r, const char *name, const char *text, double *value) {
    char quoted[4 * QUOTED + 4], *end = NULL;
    errno = 0;
    *value = strtod(text, &end);
    if (*text == '\0' || end == text || *end != '\0' || strpbrk(text, "xX") != NULL) {
        return fail(r, "%s '%s' is not a number", name, quote(text, quoted));
    }
    if (!isfinite(*value)) { /* beyond a double; a number too small for one is 0 */
        return fail(r, "%s '%s' is not a finite number", name, quote(text, quoted));
    }
    *value += 0.0; /* -0 becomes 0 */
    return WOM_OK;
}

static wom_status read_row(reader_t *r, char *line) {
    wom_calibrate_data_t *data = r->data;
    char *fields[MAX_FIELDS];
    bool semicolon = strchr(line, ';') != NULL;
    size_t count = split_fields(line, fields);
    if (count != r->fields) {
        return fail(r, "expected %zu fields, as the header has, found %zu%s", r->fields, count,
                    semicolon ? " (the separator is ',', not ';')" : "");
    }
    wom_status status = grow(r);
    if (status == WOM_OK) {
        status = take_day(r, fields[r->day_index]);
    }
    double *row = status == WOM_OK ? data->value + data->rows * data->columns : NULL;
    for (size_t i = 0, c = 0; status == WOM_OK && i < count; i++) {
        if (i != r->day_index) {
            status = take_value(r, data->name[c], fields[i], &row[c]);
            c++;
        }
    }
    data->rows += status == WOM_OK;
    return status;
}

static bool blank(const char *line) {
    return line[strspn(line, " \t")] == '\0';
}

static wom_status read_lines(reader_t *r, FILE *stream) {
    char *line = malloc(WOM_CALIBRATE_MAX_LINE + 1);
    if (line == NULL) {
        return wom_error_set(r->error, WOM_ENOMEM, r->path, 0, "no memory for a line");
    }
    wom_status status = WOM_OK;
    bool header = false;
    for (bool more = true; status == WOM_OK;) {
        r->line++;
        status = wom_file_read_line(stream, r->path, r->line, line, WOM_CALIBRATE_MAX_LINE, &more,
                                    r->error);
        if (status != WOM_OK || !more) {
            break;
        }
        if (!header && !blank(line)) {
            status = read_header(r, line);
            header = true;
        } else if (header && !blank(line)) {
            status = read_row(r, line);
        }
    }
    free(line);
    if (status == WOM_OK && !header) {
        return wom_error_set(r->error, WOM_EDATA, r->path, 0,
                             "the file is empty: expected a header such as %s and a row per "
                             "observed day",
                             EXAMPLE);
    }
    if (status == WOM_OK && r->data->rows == 0) {
        return wom_error_set(r->error, WOM_EDATA, r->path, 0,
                             "no rows of data: expected a row per observed day after the header");
    }
    return status;
}

/* fopen opens a folder for reading too; its first read would fail. */
wom_status wom_calibrate_read_csv(const char *path, wom_calibrate_data_t *data,
                                  wom_error_t *error) {
    *data = (wom_calibrate_data_t){0};
    struct stat info;
    FILE *stream = fopen(path, "r");
    if (stream == NULL) {
        return wom_error_set(error, WOM_ENOENT, path, 0, "cannot open: %s", strerror(errno));
    }
    bool known = fstat(fileno(stream), &info) == 0;
    bool regular = known && S_ISREG(info.st_mode);
    wom_status status = WOM_OK;
    if (known && S_ISDIR(info.st_mode)) {
        status = wom_error_set(error, WOM_ENOENT, path, 0, "is a folder, not a CSV file");
    } else {
        reader_t reader = {.path = path, .data = data, .error = error};
        status = read_lines(&reader, stream);
    }
    fclose(stream);
    if (status == WOM_OK && regular && SHA256File(path, data->sha256) == NULL) {
        status = wom_error_set(error, WOM_EIO, path, 0, "cannot read to hash: %s", strerror(errno));
    }
    return status;
}

void wom_calibrate_data_destroy(wom_calibrate_data_t *data) {
    if (data != NULL) {
        free(data->name);
        free(data->day);
        free(data->line);
        free(data->value);
        *data = (wom_calibrate_data_t){0};
    }
}

int wom_calibrate_data_column(const wom_calibrate_data_t *data, const char *name) {
    for (size_t c = 0; c < data->columns; c++) {
        if (strcmp(data->name[c], name) == 0) {
            return (int)c;
        }
    }
    return -1;
}
