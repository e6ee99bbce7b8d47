/* cli_report.c: a finished run's report.html, written after its plots and
 * before its manifest (which lists it), by `womsim run` and `womsim merge`
 * alike: reads the scenario file (its leading comment is the description)
 * and the plot's SVG, has the report module build the page and writes it
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
    wom_report_t report = {batch,   results,  scenario_text,
                           svg,     svg_name, missing_plot(plot, rendered, svg),
                           indices, watch};
    wom_text_t page;
    wom_text_init(&page);
    wom_report_html(&page, &report);
    wom_error_t error = {0};
    wom_status status = wom_file_write_text(dir, "report.html", &page, &error);
    wom_text_destroy(&page);
    free(svg);
    free(indices);
    free(scenario_text);
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    if (!quiet) {
        printf("report: %s/report.html\n", dir);
    }
    return EX_OK;
}
