/* memory.h: allocation of the large arrays (graph rows, agent state) on
 * transparent huge pages where the kernel offers them. The kernels read
 * these arrays at random; with 4 KiB pages nearly every such read also
 * misses the TLB, with 2 MiB pages almost none does.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_MEMORY_H
#define WOMSIM_MEMORY_H

#include <stddef.h>

/* Like malloc(bytes) (free() releases it); blocks of 4 MiB or more are
 * aligned to 2 MiB and advised to the kernel as huge-page memory. */
void *wom_memory_alloc(size_t bytes);

/* Like calloc(count, size), with the same advice. */
void *wom_memory_calloc(size_t count, size_t size);

#endif
