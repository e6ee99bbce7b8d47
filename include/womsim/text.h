/* text.h: a growable text buffer for building output files and dumps in
 * memory before they are written atomically, and the number format every
 * output shares: the shortest decimal that reads back to the same double,
 * in the C locale. An allocation failure is remembered and reported once, at
 * the end, so builders need not check every append. Also how close a
 * mistyped word is to a known one, for did-you-mean suggestions.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_TEXT_H
#define WOMSIM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;      /* NUL-terminated, or NULL while empty */
    size_t length;   /* bytes, without the NUL */
    size_t capacity; /* bytes allocated */
    bool failed;     /* an allocation failed: the content is incomplete */
} wom_text_t;

void wom_text_init(wom_text_t *text);
void wom_text_destroy(wom_text_t *text);

/* Appends `length` bytes (no NUL among them). */
void wom_text_append(wom_text_t *text, const char *bytes, size_t length);

void wom_text_printf(wom_text_t *text, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends `value` in its shortest round-trip form ("0.1", "365", "1e-05");
 * non-finite values as "nan", "inf" or "-inf". */
void wom_text_number(wom_text_t *text, double value);

/* Appends `value` as a JSON string literal, quotes included, always valid
 * UTF-8: a byte that starts no well-formed UTF-8 sequence (a file name in
 * Latin-1, say) becomes U+FFFD, the replacement character, as JSON can
 * hold characters but not bytes. */
void wom_text_json_string(wom_text_t *text, const char *value);

/* Writes the shortest round-trip form of `value` into `buffer` (32 bytes
 * are always enough). */
void wom_text_format_number(char *buffer, size_t size, double value);

/* How close a mistyped word is to a candidate (`length` bytes of
 * `candidate`, which need not end there): 0 to 2, their edit distance; 3,
 * one begins with the other (3 characters or more); WOM_TEXT_NOT_CLOSE
 * otherwise, or when either is longer than 63 characters. The lowest score
 * is the suggestion. */
#define WOM_TEXT_NOT_CLOSE 4
int wom_text_closeness(const char *typed, const char *candidate, size_t length);

#endif
