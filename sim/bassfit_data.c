/* bassfit_data.c: the table `womsim fit --bass` reads: a CSV file with
 * the header `period,adoptions` and one row per period. Read line by line
 * with file.c's reader (bounded lines, NUL refused, LF or CRLF), refusing
 * the first bad line with its number; blank lines and a UTF-8 byte order
 * mark (spreadsheets write one) are passed over, spaces around a field
 * are allowed. Workload: a table of a few to a few thousand rows, once.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/bassfit.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "womsim/file.h"

#define HEADER "period,adoptions"
#define QUOTED 64 /* bytes of a bad field or line quoted in a message */

/* Everything the reader holds while it reads. */
typedef struct {
    const char *path;
    long line;             /* 1-based number of the line being read */
    long long last_period; /* of the last row read */
    size_t capacity;       /* of data->adoptions */
    wom_bassfit_data_t *data;
    wom_error_t *error;
} csv_reader_t;

static wom_status csv_fail(const csv_reader_t *r, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* WOM_EDATA at the line being read. */
static wom_status csv_fail(const csv_reader_t *r, const char *format, ...) {
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

static bool blank(const char *line) {
    return line[strspn(line, " \t")] == '\0';
}

/* Splits `line` at its commas into at most two trimmed fields; returns
 * how many fields the line has. */
static size_t split_fields(char *line, char *fields[2]) {
    size_t count = 0;
    for (char *field = line;; count++) {
        char *comma = strchr(field, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        if (count < 2) {
            fields[count] = trim(field);
        }
        if (comma == NULL) {
            return count + 1;
        }
        field = comma + 1;
    }
}

/* A whole decimal number, with an optional sign, and nothing else. */
static bool parse_period(const char *text, long long *period, bool *too_large) {
    const char *digits = text + (*text == '-' || *text == '+');
    *too_large = false;
    if (*digits == '\0' || strspn(digits, "0123456789") != strlen(digits)) {
        return false;
    }
    errno = 0;
    *period = strtoll(text, NULL, 10);
    *too_large = errno == ERANGE;
    return !*too_large;
}

/* The header: `period,adoptions`, perhaps after a byte order mark. A first
 * line that is a row says the header is missing. */
static wom_status read_header(csv_reader_t *r, char *line) {
    if (strncmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
    }
    char copy[WOM_BASSFIT_MAX_LINE + 1], *fields[2];
    snprintf(copy, sizeof copy, "%s", line);
    size_t count = split_fields(copy, fields);
    if (count == 2 && strcmp(fields[0], "period") == 0 && strcmp(fields[1], "adoptions") == 0) {
        return WOM_OK;
    }
    long long period;
    bool too_large;
    char quoted[4 * QUOTED + 4];
    if (parse_period(fields[0], &period, &too_large)) {
        return csv_fail(r, "the header is missing: the first line must be '%s', not '%s'", HEADER,
                        quote(line, quoted));
    }
    return csv_fail(r, "expected the header '%s', found '%s'", HEADER, quote(line, quoted));
}

static wom_status take_period(csv_reader_t *r, const char *text) {
    long long period;
    bool too_large;
    char quoted[4 * QUOTED + 4];
    if (!parse_period(text, &period, &too_large)) {
        return csv_fail(r, "period '%s' is %s", quote(text, quoted),
                        too_large ? "too large" : "not a whole number");
    }
    if (r->data->count == 0) {
        r->data->first_period = period;
    } else if (r->last_period == LLONG_MAX || period != r->last_period + 1) {
        return csv_fail(r,
                        "period %lld follows %lld: the periods must be consecutive, one row "
                        "each, in order",
                        period, r->last_period);
    }
    r->last_period = period;
    return WOM_OK;
}

/* strtod's numbers but hexadecimal ones, which no spreadsheet writes. */
static wom_status take_adoptions(csv_reader_t *r, const char *text, double *value) {
    char quoted[4 * QUOTED + 4], *end = NULL;
    errno = 0;
    *value = strtod(text, &end);
    if (*text == '\0' || end == text || *end != '\0' || strpbrk(text, "xX") != NULL) {
        return csv_fail(r, "adoptions '%s' is not a number", quote(text, quoted));
    }
    if (!isfinite(*value) || errno == ERANGE) {
        return csv_fail(r, "adoptions '%s' is not a finite number", quote(text, quoted));
    }
    if (*value < 0) {
        return csv_fail(r, "adoptions '%s' is negative", quote(text, quoted));
    }
    *value += 0.0; /* -0 becomes 0 */
    return WOM_OK;
}

static wom_status push(csv_reader_t *r, double value) {
    wom_bassfit_data_t *data = r->data;
    if (data->count == WOM_BASSFIT_MAX_ROWS) {
        return csv_fail(r, "more than %d rows", WOM_BASSFIT_MAX_ROWS);
    }
    if (data->count == r->capacity) {
        size_t capacity = r->capacity ? 2 * r->capacity : 64;
        double *grown = realloc(data->adoptions, capacity * sizeof *grown);
        if (grown == NULL) {
            return wom_error_set(r->error, WOM_ENOMEM, r->path, r->line, "no memory for the rows");
        }
        data->adoptions = grown;
        r->capacity = capacity;
    }
    data->adoptions[data->count++] = value;
    return WOM_OK;
}

/* A row: `period,adoptions`. */
static wom_status read_row(csv_reader_t *r, char *line) {
    char *fields[2];
    bool semicolon = strchr(line, ';') != NULL;
    size_t count = split_fields(line, fields);
    if (count != 2) {
        return csv_fail(r, "expected two fields, period and adoptions, found %zu%s", count,
                        semicolon ? " (the separator is ',', not ';')" : "");
    }
    double value = 0;
    wom_status status = take_period(r, fields[0]);
    if (status == WOM_OK) {
        status = take_adoptions(r, fields[1], &value);
    }
    return status == WOM_OK ? push(r, value) : status;
}

static wom_status read_lines(csv_reader_t *r, FILE *stream) {
    char *line = malloc(WOM_BASSFIT_MAX_LINE + 1);
    if (line == NULL) {
        return wom_error_set(r->error, WOM_ENOMEM, r->path, 0, "no memory for a line");
    }
    wom_status status = WOM_OK;
    bool header = false;
    for (bool more = true; status == WOM_OK;) {
        r->line++;
        status = wom_file_read_line(stream, r->path, r->line, line, WOM_BASSFIT_MAX_LINE, &more,
                                    r->error);
        if (status != WOM_OK || !more) {
            break;
        }
        if (!header) {
            status = read_header(r, line);
            header = true;
        } else if (!blank(line)) {
            status = read_row(r, line);
        }
    }
    free(line);
    if (status == WOM_OK && !header) {
        status = wom_error_set(r->error, WOM_EDATA, r->path, 0,
                               "the file is empty: expected the header '%s' and a row per period",
                               HEADER);
    }
    return status;
}

/* What a table must hold once read: enough rows, some adoptions. */
static wom_status check_rows(const csv_reader_t *r) {
    const wom_bassfit_data_t *data = r->data;
    if (data->count < WOM_BASSFIT_MIN_ROWS) {
        return wom_error_set(r->error, WOM_EDATA, r->path, 0,
                             "%zu row%s of data; a Bass fit needs at least %d (three parameters "
                             "and one degree of freedom)",
                             data->count, data->count == 1 ? "" : "s", WOM_BASSFIT_MIN_ROWS);
    }
    for (size_t t = 0; t < data->count; t++) {
        if (data->adoptions[t] > 0) {
            return WOM_OK;
        }
    }
    return wom_error_set(r->error, WOM_EDATA, r->path, 0,
                         "every period has 0 adoptions: there is nothing to fit");
}

/* fopen opens a folder for reading too; its first read would fail. */
wom_status wom_bassfit_read_csv(const char *path, wom_bassfit_data_t *data, wom_error_t *error) {
    *data = (wom_bassfit_data_t){0};
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
        csv_reader_t reader = {path, 0, 0, 0, data, error};
        status = read_lines(&reader, stream);
        status = status == WOM_OK ? check_rows(&reader) : status;
    }
    fclose(stream);
    if (status == WOM_OK && regular && SHA256File(path, data->sha256) == NULL) {
        status = wom_error_set(error, WOM_EIO, path, 0, "cannot read to hash: %s", strerror(errno));
    }
    return status;
}

void wom_bassfit_data_destroy(wom_bassfit_data_t *data) {
    if (data != NULL) {
        free(data->adoptions);
        *data = (wom_bassfit_data_t){0};
    }
}
