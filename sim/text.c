/* text.c: growable text buffers and the shared number format.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/text.h"

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

static void append(wom_text_t *text, const char *bytes, size_t length) {
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
    append(text, buffer, strlen(buffer));
}

void wom_text_json_string(wom_text_t *text, const char *value) {
    append(text, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
        if (*c == '"' || *c == '\\') {
            char escaped[2] = {'\\', (char)*c};
            append(text, escaped, 2);
        } else if (*c < 0x20) {
            wom_text_printf(text, "\\u%04x", *c);
        } else {
            append(text, (const char *)c, 1);
        }
    }
    append(text, "\"", 1);
}
