/* graph_internal.h: what the graph module's files (sim/graph*.c) share and
 * nothing else sees, each section under the name of the file that defines
 * it. Private to the library (not installed); the API is womsim/graph.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_GRAPH_INTERNAL_H
#define WOMSIM_GRAPH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/status.h"

/* ---------------------------------------------------------------------------
 * The CSR (graph.c) */

/* qsort/bsearch comparison of two uint32 node ids, ascending. */
int wom_graph_compare_u32(const void *a, const void *b);

#endif
