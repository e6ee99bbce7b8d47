/* config_suggest.c: the "did you mean" of the config module's messages.
 * Owns how a misspelt section, key or choice finds its suggestion: the
 * candidate closest in edit distance (Levenshtein) if that is at most 2,
 * else one that the typed word begins or that begins it (3 characters at
 * least). One rule, shared by the key lookup and the value parser.
 *
 * Workload: up to some eighty short candidates, only while an error is
 * reported, so a plain loop over one row of the distance table on the stack.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "config_internal.h"

static size_t min3(size_t a, size_t b, size_t c) {
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb) {
    size_t row[SUGGEST_MAX_LENGTH + 1];
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

void wom_config_suggest(suggestion *best, const char *typed, const char *candidate, size_t length) {
    size_t typed_length = strlen(typed);
    if (typed_length > SUGGEST_MAX_LENGTH || length > SUGGEST_MAX_LENGTH) {
        return;
    }
    int score = NO_SUGGESTION;
    size_t distance = edit_distance(typed, typed_length, candidate, length);
    size_t shorter = typed_length < length ? typed_length : length;
    if (distance <= 2) {
        score = (int)distance;
    } else if (shorter >= 3 && strncmp(typed, candidate, shorter) == 0) {
        score = 3;
    }
    if (score < best->score) {
        *best = (suggestion){candidate, length, score};
    }
}
