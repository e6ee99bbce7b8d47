/* report.h: report.html, the page a run writes for people (students
 * first): what the scenario is about (the leading comment of its file),
 * the key results with 95% confidence intervals, the plot inlined as SVG,
 * a watched run's network pictures (PNG inlined as data: URLs),
 * a sensitivity analysis's indices,
 * and every parameter with its meaning. One self-contained file: inline
 * style, no script, nothing loaded from elsewhere. Pure string building;
 * the program reads the scenario file and the SVG and writes the page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_REPORT_H
#define WOMSIM_REPORT_H

#include <stdbool.h>

#include "womsim/aggregate.h"
#include "womsim/batch.h"
#include "womsim/text.h"
#include "womsim/watch.h"

/* A picture of the watched run's network on one day (--snapshots). */
typedef struct {
    uint32_t day;
    const unsigned char *png; /* network-DAY.png's bytes, or NULL when it could not be read */
    size_t size;
} wom_report_picture_t;

/* What a report is made of. */
typedef struct {
    const wom_batch_t *batch;       /* config, plan, sweep */
    const wom_aggregate_t *results; /* its final summaries, or NULL (none shown) */
    const char *scenario_text; /* the scenario file's text, or NULL when it could not be read */
    const char *svg;           /* the plot to inline (an SVG file's text), or NULL */
    const char *svg_name;      /* its file name, e.g. "timeseries.svg" or "sweep.svg" */
    const char *no_plot;       /* when svg is NULL: why, e.g. "the run was made with --no-plot" */
    const char *sensitivity;   /* sensitivity.csv's text under a morris or saltelli design,
                                  shown as a table; else NULL */
    const wom_watch_t *watch;  /* a watched run: how far its stories went (with a trace), or NULL */
    const wom_report_picture_t *network; /* its pictures, day by day (none: NULL) */
    size_t network_count;
} wom_report_t;

/* Appends the whole page. A plot that wom_report_svg_safe refuses is not
 * inlined; the page says so. */
void wom_report_html(wom_text_t *text, const wom_report_t *report);

/* Appends the scenario's description as HTML paragraphs: the comment lines
 * (starting with ';' or '#') before the first [section], comment marks
 * removed, text escaped; blank lines separate paragraphs. Nothing when
 * there is none. */
void wom_report_description(wom_text_t *text, const char *scenario_text);

/* Whether an SVG may be inlined in the page: it has an <svg> element and
 * no script, no foreignObject, no event handler attribute (on...=) and no
 * reference (href, src, url()) to anything outside the document. */
bool wom_report_svg_safe(const char *svg);

#endif
