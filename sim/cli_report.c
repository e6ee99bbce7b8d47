/* cli_report.c: a finished run's report.html, written after its plots and
 * before its manifest (which lists it), by `womsim run` and `womsim merge`
 * alike: reads the scenario file (its leading comment is the description)
 * the plot's SVG and a watched run's network pictures, has the report
 * module build the page and writes it
 * atomically.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cli.h"

/* Why a report has no plot, when it has none. */
static const char *missing_plot(bool plot, bool rendered, const char *svg) {
    if (!plot) {
        return "the run was made with --no-plot";
    }
    if (!rendered) {
        return "gnuplot is not installed, so none were drawn";
    }
    return svg == NULL ? "the SVG file gnuplot drew could not be read" : NULL;
}

/* The watched run's network pictures, read when they were drawn: *count
 * of them, or none (NULL). */
static wom_report_picture_t *read_network(const char *dir, const wom_watch_t *watch, bool rendered,
                                          size_t *count) {
    size_t days =
        watch != NULL && watch->snapshot_rows > 0 && rendered ? watch->options.snapshot_count : 0;
    wom_report_picture_t *pictures = days > 0 ? calloc(days, sizeof *pictures) : NULL;
    *count = pictures != NULL ? days : 0;
    for (size_t d = 0; d < *count; d++) {
        char path[WOM_MAX_PATH];
        pictures[d].day = watch->options.snapshot_days[d];
        snprintf(path, sizeof path, "%s/network-%u.png", dir, pictures[d].day);
        pictures[d].png = (unsigned char *)wom_file_read_bytes(path, &pictures[d].size);
    }
    return pictures;
}

int cli_write_report(const wom_batch_t *batch, const wom_aggregate_t *results,
                     const wom_watch_t *watch, const char *scenario_path, bool plot, bool rendered,
                     bool quiet) {
    const char *dir = batch->options.dir;
    bool analysed = wom_output_has_sensitivity(batch);
    const char *svg_name = analysed                 ? "sensitivity.svg"
                           : batch->plan.points > 1 ? "sweep.svg"
                                                    : "timeseries.svg";
    char path[WOM_MAX_PATH];
    snprintf(path, sizeof path, "%s/%s", dir, svg_name);
    char *svg = rendered ? wom_file_read_text(path) : NULL;
    snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
    char *indices = analysed ? wom_file_read_text(path) : NULL;
    char *scenario_text = wom_file_read_text(scenario_path);
    size_t network_count = 0;
    wom_report_picture_t *network = read_network(dir, watch, rendered, &network_count);
    wom_report_t report = {
        batch,   results, scenario_text, svg,          svg_name, missing_plot(plot, rendered, svg),
        indices, watch,   network,       network_count};
    wom_text_t page;
    wom_text_init(&page);
    wom_report_html(&page, &report);
    wom_error_t error = {0};
    wom_status status = wom_file_write_text(dir, "report.html", &page, &error);
    wom_text_destroy(&page);
    free(svg);
    free(indices);
    for (size_t d = 0; d < network_count; d++) {
        free((void *)network[d].png);
    }
    free(network);
    free(scenario_text);
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    if (!quiet) {
        printf("report: %s/report.html\n", dir);
    }
    return EX_OK;
}
