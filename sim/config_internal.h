/* config_internal.h: what the files of the config module (sim/config*.c)
 * share and nothing else: private to them, not installed. The public API is
 * include/womsim/config.h; everything a single file needs stays static in
 * that file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_CONFIG_INTERNAL_H
#define WOMSIM_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "womsim/config.h"

/* ---- suggestions (config_suggest.c) ----------------------------------- */

#define SUGGEST_MAX_LENGTH 63 /* longer words get no suggestion */
#define NO_SUGGESTION      4

typedef struct {
    const char *text; /* the candidate, not NUL-terminated at `length` */
    size_t length;
    int score; /* 0..2: edit distance, 3: prefix match, NO_SUGGESTION */
} suggestion;

/* Lets `candidate` become the suggestion for `typed` if it is closer. */
void wom_config_suggest(suggestion *best, const char *typed, const char *candidate, size_t length);

#endif
