/* compare.h: what differs between a reference output file and a rerun's
 * (womsim regress): the first differing line and, per metric, the largest
 * relative change of a number. CSV files (timeseries.csv, sweep.csv) are
 * read by column, a metric being a column's name without its statistic
 * (customers_mean, customers_ci95_lo -> customers); line-based JSON
 * (summary.json, manifest.json) by line, a metric being the line's first
 * key. A mean's change ranks before an sd's or a CI bound's, whose ratios
 * blow up near 0. Pure computation over two texts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_COMPARE_H
#define WOMSIM_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "womsim/status.h"

#define WOM_COMPARE_TEXT 160 /* bytes kept of a name or a line, with the NUL */

/* The largest relative change of one metric's numbers. */
typedef struct {
    char metric[WOM_COMPARE_TEXT]; /* "customers" */
    char where[WOM_COMPARE_TEXT];  /* the number that changed most: "customers_hi at step 60" */
    double old_value, new_value;
    double change; /* |new - old| / |old|; infinity when old is 0 */
    bool spread;   /* of an sd or a CI bound: no mean (or plain number) of the metric changed */
} wom_compare_metric_t;

typedef struct {
    size_t first_line;             /* 1-based first line that differs; 0: the texts are equal */
    size_t old_lines, new_lines;   /* lines in each text */
    wom_compare_metric_t *metrics; /* numeric changes, one per metric, in order of first change */
    size_t metric_count;
    /* The first line that differs in more than numbers (its text, a column, or a line
     * only one of the texts has), cut to fit; both empty when none does. */
    size_t other_line; /* 1-based, 0 when none */
    char old_text[WOM_COMPARE_TEXT], new_text[WOM_COMPARE_TEXT];
} wom_compare_t;

/* Compares `old_text` (the reference) with `new_text`, as CSV with a
 * header line when `csv`, else line by line as womsim's JSON. WOM_ENOMEM
 * when memory runs out. Free the result with wom_compare_destroy. */
wom_status wom_compare_texts(const char *old_text, const char *new_text, bool csv,
                             wom_compare_t *result);
void wom_compare_destroy(wom_compare_t *result);

#endif
