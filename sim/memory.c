/* memory.c: large arrays on transparent huge pages (memory.h). Linux's
 * madvise(MADV_HUGEPAGE) is the only non-POSIX call of the library; where
 * it is missing the arrays are ordinary memory and nothing else changes.
 * Workload: a handful of calls at set-up, none in a step.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include "memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { HUGE_PAGE = 2 << 20, HUGE_FROM = 4 << 20 };

void *wom_memory_alloc(size_t bytes) {
    if (bytes < HUGE_FROM) {
        return malloc(bytes > 0 ? bytes : 1);
    }
    size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (rounded < bytes) {
        return NULL; /* overflow */
    }
    void *block = aligned_alloc(HUGE_PAGE, rounded);
#ifdef MADV_HUGEPAGE
    if (block != NULL) {
        (void)madvise(block, rounded, MADV_HUGEPAGE); /* advice only: failure changes nothing */
    }
#endif
    return block;
}

void *wom_memory_calloc(size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) {
        return NULL;
    }
    void *block = wom_memory_alloc(count * size);
    if (block != NULL) {
        memset(block, 0, count * size);
    }
    return block;
}
