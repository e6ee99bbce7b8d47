/* text.c: growable text buffers and the shared number format.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wom_text_init(wom_text_t *text) {
    *text = (wom_text_t){0};
}

void wom_text_destroy(wom_text_t *text) {
    free(text->data);
    wom_text_init(text);
}

static bool reserve(wom_text_t *text, size_t extra) {
    if (text->failed) {
        return false;
    }
    size_t needed = text->length + extra + 1;
    if (needed <= text->capacity) {
        return true;
    }
    size_t capacity = text->capacity ? text->capacity : 256;
    while (capacity < needed) {
        capacity *= 2;
    }
    char *data = realloc(text->data, capacity);
    if (data == NULL) {
        text->failed = true;
        return false;
    }
    text->data = data;
    text->capacity = capacity;
    return true;
}

void wom_text_append(wom_text_t *text, const char *bytes, size_t length) {
    if (reserve(text, length)) {
        memcpy(text->data + text->length, bytes, length);
        text->length += length;
        text->data[text->length] = '\0';
    }
}

void wom_text_printf(wom_text_t *text, const char *format, ...) {
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    int length = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (length >= 0 && reserve(text, (size_t)length)) {
        vsnprintf(text->data + text->length, (size_t)length + 1, format, again);
        text->length += (size_t)length;
    } else if (length < 0) {
        text->failed = true;
    }
    va_end(again);
}

void wom_text_format_number(char *buffer, size_t size, double value) {
    if (value == 0) { /* also turns -0 into 0 */
        snprintf(buffer, size, "0");
        return;
    }
    if (fabs(value) < 1e15 && value == trunc(value)) { /* what %.15g prints, faster */
        snprintf(buffer, size, "%lld", (long long)value);
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buffer, size, "%.*g", digits, value);
        if (strtod(buffer, NULL) == value) {
            return;
        }
    }
}

void wom_text_number(wom_text_t *text, double value) {
    char buffer[32];
    wom_text_format_number(buffer, sizeof buffer, value);
    wom_text_append(text, buffer, strlen(buffer));
}

/* The length of the well-formed UTF-8 sequence of a non-ASCII character
 * at `c` (Unicode's table 3-7: no overlong forms, no surrogates, nothing
 * above U+10FFFF), 0 when there is none. */
static size_t utf8_sequence(const unsigned char *c) {
    unsigned char lo = 0x80, hi = 0xBF;
    size_t length;
    if (c[0] >= 0xC2 && c[0] <= 0xDF) {
        length = 2;
    } else if (c[0] >= 0xE0 && c[0] <= 0xEF) {
        length = 3;
        lo = c[0] == 0xE0 ? 0xA0 : 0x80;
        hi = c[0] == 0xED ? 0x9F : 0xBF;
    } else if (c[0] >= 0xF0 && c[0] <= 0xF4) {
        length = 4;
        lo = c[0] == 0xF0 ? 0x90 : 0x80;
        hi = c[0] == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (c[1] < lo || c[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < length; i++) {
        if (c[i] < 0x80 || c[i] > 0xBF) { /* the NUL ending the string stops it too */
            return 0;
        }
    }
    return length;
}

void wom_text_json_string(wom_text_t *text, const char *value) {
    wom_text_append(text, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
        size_t length = *c >= 0x80 ? utf8_sequence(c) : 1;
        if (*c == '"' || *c == '\\') {
            char escaped[2] = {'\\', (char)*c};
            wom_text_append(text, escaped, 2);
        } else if (*c < 0x20) {
            wom_text_printf(text, "\\u%04x", *c);
        } else if (length == 0) {
            wom_text_append(text, "\xEF\xBF\xBD", 3); /* U+FFFD */
        } else {
            wom_text_append(text, (const char *)c, length);
            c += length - 1;
        }
    }
    wom_text_append(text, "\"", 1);
}

/* ---- did-you-mean ------------------------------------------------------- */

#define CLOSENESS_MAX_LENGTH 63 /* longer words get no suggestion */

static size_t min3(size_t a, size_t b, size_t c) {
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb) {
    size_t row[CLOSENESS_MAX_LENGTH + 1];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            row[j] = min3(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1]));
            diagonal = above;
        }
    }
    return row[lb];
}

int wom_text_closeness(const char *typed, const char *candidate, size_t length) {
    size_t typed_length = strlen(typed);
    if (typed_length > CLOSENESS_MAX_LENGTH || length > CLOSENESS_MAX_LENGTH) {
        return WOM_TEXT_NOT_CLOSE;
    }
    size_t distance = edit_distance(typed, typed_length, candidate, length);
    size_t shorter = typed_length < length ? typed_length : length;
    if (distance <= 2) {
        return (int)distance;
    }
    if (shorter >= 3 && strncmp(typed, candidate, shorter) == 0) {
        return 3;
    }
    return WOM_TEXT_NOT_CLOSE;
}
