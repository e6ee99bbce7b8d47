/* report.c: report.html, one self-contained page per run: the scenario's
 * description, key results with confidence intervals, the plot inlined as
 * SVG and the parameters with their meaning. Pure string building over a
 * text buffer; the program does the reading and writing. Workload: a few
 * hundred table cells and one SVG of some hundred kilobytes, once per run.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/report.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"
#include "womsim/version.h"

/* ---- escaping and numbers -------------------------------------------- */

/* `length` bytes of `value` as HTML text: & < > " escaped, control
 * characters but tab and newline dropped. */
static void escape_bytes(wom_text_t *text, const char *value, size_t length) {
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == '&') {
            wom_text_printf(text, "&amp;");
        } else if (c == '<') {
            wom_text_printf(text, "&lt;");
        } else if (c == '>') {
            wom_text_printf(text, "&gt;");
        } else if (c == '"') {
            wom_text_printf(text, "&quot;");
        } else if (c >= 0x20 || c == '\t' || c == '\n') {
            wom_text_printf(text, "%c", c);
        }
    }
}

static void escape(wom_text_t *text, const char *value) {
    escape_bytes(text, value, strlen(value));
}

/* A number for reading, not for reuse (summary.json has the exact ones):
 * four significant digits, whole numbers from 10,000 on. */
static void display_number(wom_text_t *text, double value) {
    if (!isfinite(value)) {
        wom_text_printf(text, "%s", isnan(value) ? "n/a" : value > 0 ? "&infin;" : "-&infin;");
    } else if (fabs(value) >= 1e4) {
        wom_text_printf(text, "%.0f", value);
    } else {
        wom_text_printf(text, "%.4g", value);
    }
}

static void display_interval(wom_text_t *text, const wom_stats_summary_t *s) {
    wom_text_printf(text, "[");
    display_number(text, s->ci95_lo);
    wom_text_printf(text, ", ");
    display_number(text, s->ci95_hi);
    wom_text_printf(text, "]");
}

/* ---- the description ---------------------------------------------------- */

/* The comment text of `line` (its first `length` bytes): after the ';' or
 * '#' and one space. False when the line is not a comment. */
static bool comment_text(const char *line, size_t length, const char **start, size_t *size) {
    size_t i = strspn(line, " \t");
    if (i >= length || (line[i] != ';' && line[i] != '#')) {
        return false;
    }
    i += 1;
    i += i < length && line[i] == ' ';
    *start = line + i;
    *size = length - i;
    while (*size > 0 && isspace((unsigned char)(*start)[*size - 1])) {
        (*size)--;
    }
    return true;
}

void wom_report_description(wom_text_t *text, const char *scenario_text) {
    bool open = false; /* a paragraph is open */
    for (const char *line = scenario_text; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        const char *words = NULL;
        size_t size = 0;
        bool comment = comment_text(line, length, &words, &size);
        if (!comment && line[strspn(line, " \t")] == '[') {
            break; /* the first section ends the description */
        }
        if (comment && size > 0) {
            wom_text_printf(text, "%s", open ? "\n" : "<p>");
            escape_bytes(text, words, size);
            open = true;
        } else if (open) { /* a blank line, or an empty comment line */
            wom_text_printf(text, "</p>\n");
            open = false;
        }
        line = end ? end + 1 : NULL;
    }
    if (open) {
        wom_text_printf(text, "</p>\n");
    }
}

/* ---- is the SVG safe to inline? ----------------------------------------- */

static bool starts_with_ci(const char *text, const char *prefix) {
    for (; *prefix != '\0'; text++, prefix++) {
        if (tolower((unsigned char)*text) != *prefix) {
            return false;
        }
    }
    return true;
}

static const char *find_ci(const char *text, const char *needle) {
    for (; *text != '\0'; text++) {
        if (starts_with_ci(text, needle)) {
            return text;
        }
    }
    return NULL;
}

/* Every url( in `text` points inside the document (url(#id)). */
static bool urls_local(const char *text) {
    for (const char *at = find_ci(text, "url("); at != NULL; at = find_ci(at + 4, "url(")) {
        const char *target = at + 4 + strspn(at + 4, " '\"");
        if (*target != '#') {
            return false;
        }
    }
    return true;
}

/* The attributes of the tag whose name ends at `at`: no event handler
 * (on...), and every href or src points inside the document. Returns
 * where the tag ends, or NULL when an attribute is unsafe. */
static const char *check_attributes(const char *at) {
    while (*at != '\0' && *at != '>') {
        at += strspn(at, " \t\r\n/");
        size_t name = strcspn(at, " \t\r\n=/>");
        bool handler = name > 2 && starts_with_ci(at, "on");
        bool reference = (name >= 4 && starts_with_ci(at + name - 4, "href")) ||
                         (name == 3 && starts_with_ci(at, "src"));
        at += name;
        if (handler) {
            return NULL;
        }
        if (*at != '=') {
            continue;
        }
        at++;
        char quote = *at == '"' || *at == '\'' ? *at++ : '\0';
        if (reference && *at != '#') {
            return NULL;
        }
        at += quote ? strcspn(at, (char[]){quote, '\0'}) : strcspn(at, " \t\r\n>");
        at += quote && *at == quote;
    }
    return at;
}

bool wom_report_svg_safe(const char *svg) {
    if (svg == NULL || find_ci(svg, "<svg") == NULL || find_ci(svg, "<script") != NULL ||
        find_ci(svg, "<foreignobject") != NULL || find_ci(svg, "@import") != NULL ||
        find_ci(svg, "javascript:") != NULL || !urls_local(svg)) {
        return false;
    }
    for (const char *tag = strchr(svg, '<'); tag != NULL; tag = strchr(tag, '<')) {
        tag++;
        if (*tag == '!' || *tag == '?' || *tag == '/') {
            continue; /* comments, the prolog and closing tags have no attributes */
        }
        tag = check_attributes(tag + strcspn(tag, " \t\r\n/>"));
        if (tag == NULL) {
            return false;
        }
    }
    return true;
}

/* The <svg> element of an SVG file: from "<svg" to the last "</svg>", so
 * the XML declaration and doctype stay out of the page. */
static void inline_svg(wom_text_t *text, const char *svg) {
    const char *start = find_ci(svg, "<svg"), *end = NULL;
    for (const char *at = find_ci(start, "</svg>"); at != NULL; at = find_ci(at + 6, "</svg>")) {
        end = at + 6;
    }
    size_t length = end != NULL ? (size_t)(end - start) : strlen(start);
    wom_text_printf(text, "%.*s\n", (int)length, start);
}

/* ---- the page ----------------------------------------------------------- */

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;"
    "max-width:72rem;padding:1rem 1.5rem 3rem;color:#1a1a1a;background:#fff;line-height:1.45}\n"
    "h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}\n"
    ".lead{color:#555;margin-top:0}.note{color:#555}\n"
    "table{border-collapse:collapse;margin:.5rem 0}\n"
    "th,td{border-bottom:1px solid #e5e5e5;padding:.25rem .6rem;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    ".meaning{color:#555;font-size:.9em}.scroll{overflow-x:auto}\n"
    "code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}\n"
    "figure{margin:1rem 0}figure svg{width:100%;height:auto;display:block}\n"
    "figure img{max-width:100%;height:auto;display:block}\n"
    "details{margin:1rem 0}summary{cursor:pointer;font-weight:600}\n";

static const char *kind_name(int kind) {
    switch (kind) {
    case WOM_KIND_IC:
        return "independent cascade (a classic model)";
    case WOM_KIND_SIR:
        return "SIR model (a classic model)";
    case WOM_KIND_BASS:
        return "Bass diffusion model (a classic model)";
    default:
        return "word-of-mouth model";
    }
}

static void head(wom_text_t *text, const wom_batch_t *batch) {
    wom_text_printf(text, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, "
                          "initial-scale=1\">\n<title>womsim: ");
    escape(text, batch->options.name);
    wom_text_printf(text, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
    escape(text, batch->options.name);
    wom_text_printf(text, "</h1>\n<p class=\"lead\">A womsim %s of the %s:",
                    batch->plan.points > 1 ? "batch" : "run", kind_name(batch->first.model.kind));
    if (batch->plan.points > 1) {
        wom_text_printf(text, " %u parameter combinations (points), each", batch->plan.points);
    }
    wom_text_printf(text, " %u replications of %lld days", batch->plan.replications,
                    (long long)batch->first.simulation.steps);
    if (batch->plan.points == 1 && batch->graph != NULL) {
        wom_text_printf(text, " on %u agents", batch->graph->nodes);
    }
    wom_text_printf(text, ".</p>\n");
}

/* ---- in plain words -------------------------------------------------- */

/* "100 on day 0, 265 on day 365 (95% confidence interval 180 to 350)" */
static void start_and_end(wom_text_t *text, const wom_aggregate_t *results, int column,
                          long long days, bool sign) {
    const wom_stats_summary_t *start = wom_aggregate_start(results, 0, column);
    const wom_stats_summary_t *end = wom_aggregate_final(results, 0, column);
    const char *plus = sign ? "+" : "";
    wom_text_printf(text, "%s", start->mean > 0 ? plus : "");
    display_number(text, start->mean);
    wom_text_printf(text, " on day 0, %s", end->mean > 0 ? plus : "");
    display_number(text, end->mean);
    wom_text_printf(text, " on day %lld (95%% confidence interval ", days);
    display_number(text, end->ci95_lo);
    wom_text_printf(text, " to ");
    display_number(text, end->ci95_hi);
    wom_text_printf(text, ")");
}

/* A single run of the wom kind: the results a reader asks for first. */
static void single_headline(wom_text_t *text, const wom_batch_t *batch,
                            const wom_aggregate_t *results) {
    long long days = (long long)batch->first.simulation.steps;
    int customers = wom_metrics_find(&results->layout, "customers");
    int reputation = wom_metrics_find(&results->layout, "reputation");
    const wom_aggregate_told_t *told = &results->told[0];
    double change = wom_aggregate_final(results, 0, customers)->mean -
                    wom_aggregate_start(results, 0, customers)->mean;
    wom_text_printf(text, "<ul class=\"headline\">\n<li><b>Customers</b>: ");
    start_and_end(text, results, customers, days, false);
    wom_text_printf(text, ": on average the business %s ", change >= 0 ? "gained" : "lost");
    display_number(text, fabs(change));
    wom_text_printf(
        text, " customers.</li>\n<li><b>Reputation</b> (net score: promoters minus detractors, "
              "from -100 to +100): ");
    start_and_end(text, results, reputation, days, true);
    wom_text_printf(text, ".</li>\n<li><b>Word of mouth</b>: a satisfied customer who talked "
                          "told ");
    display_number(text, told->told_per_satisfied);
    wom_text_printf(text, " people, a dissatisfied one ");
    display_number(text, told->told_per_dissatisfied);
    wom_text_printf(text, " (Kotler and Keller: about 5 and 10); good messages outnumbered bad ");
    display_number(text, told->good_per_bad);
    wom_text_printf(text, " to 1 (East, Hammond and Wright: about 3 to 1).</li>\n</ul>\n");
}

/* Point `point`'s values of the swept keys: "service.quality = 0.7". */
static void point_values(wom_text_t *text, const wom_batch_t *batch, uint32_t point) {
    for (size_t k = 0; k < batch->keys; k++) {
        wom_text_printf(text, "%s<code>", k > 0 ? ", " : "");
        escape(text, batch->sweep[k].name);
        wom_text_printf(text, " = ");
        escape(text, batch->sweep[k].values[wom_batch_value_index(batch, point, k)]);
        wom_text_printf(text, "</code>");
    }
}

/* "Customers on day 365 ranged from 120 (at ...) to 2,900 (at ...)." */
static void sweep_range(wom_text_t *text, const wom_batch_t *batch, const wom_aggregate_t *results,
                        const char *name, const char *label) {
    int column = wom_metrics_find(&results->layout, name);
    uint32_t low = 0, high = 0;
    for (uint32_t p = 1; p < results->points; p++) {
        low = wom_aggregate_final(results, p, column)->mean <
                      wom_aggregate_final(results, low, column)->mean
                  ? p
                  : low;
        high = wom_aggregate_final(results, p, column)->mean >
                       wom_aggregate_final(results, high, column)->mean
                   ? p
                   : high;
    }
    wom_text_printf(text, "<li><b>%s</b> on day %lld ranged from ", label,
                    (long long)batch->first.simulation.steps);
    display_number(text, wom_aggregate_final(results, low, column)->mean);
    wom_text_printf(text, " (point %u: ", low);
    point_values(text, batch, low);
    wom_text_printf(text, ") to ");
    display_number(text, wom_aggregate_final(results, high, column)->mean);
    wom_text_printf(text, " (point %u: ", high);
    point_values(text, batch, high);
    wom_text_printf(text, ").</li>\n");
}

/* A sweep or design: what varies, and how far the results move. */
static void sweep_headline(wom_text_t *text, const wom_batch_t *batch,
                           const wom_aggregate_t *results) {
    wom_text_printf(text, "<ul class=\"headline\">\n<li><b>What varies</b>: ");
    for (size_t k = 0; k < batch->keys; k++) {
        const wom_config_sweep_t *key = &batch->sweep[k];
        wom_text_printf(text, "%s<code>", k > 0 ? "; " : "");
        escape(text, key->name);
        wom_text_printf(text, "</code> ");
        if (key->range[0] != NULL) {
            wom_text_printf(text, "from ");
            escape(text, key->range[0]);
            wom_text_printf(text, " to ");
            escape(text, key->range[1]);
        } else {
            wom_text_printf(text, "over ");
            for (size_t v = 0; v < key->count; v++) {
                wom_text_printf(text, "%s", v == 0 ? "" : v + 1 == key->count ? " and " : ", ");
                escape(text, key->values[v]);
            }
        }
    }
    wom_text_printf(text, " (%u points%s).</li>\n", batch->plan.points,
                    batch->first.design.method == WOM_DESIGN_GRID ? ", every combination"
                                                                  : ", sampled by a design");
    sweep_range(text, batch, results, "customers", "Customers");
    sweep_range(text, batch, results, "reputation", "Reputation");
    wom_text_printf(text, "</ul>\n");
}

static void headline(wom_text_t *text, const wom_batch_t *batch, const wom_aggregate_t *results) {
    if (results == NULL || results->told == NULL || !wom_aggregate_complete(results)) {
        return; /* the classic kinds' pages lead with their theory's table */
    }
    wom_text_printf(text, "<h2>In plain words</h2>\n");
    if (batch->plan.points > 1) {
        sweep_headline(text, batch, results);
    } else {
        single_headline(text, batch, results);
    }
}

static void description(wom_text_t *text, const char *scenario_text) {
    wom_text_printf(text, "<h2>What the scenario is about</h2>\n");
    size_t before = text->length;
    wom_report_description(text, scenario_text);
    if (text->length == before) {
        wom_text_printf(text, "<p class=\"note\">The scenario file has no description: comment "
                              "lines (starting with ; or #) before its first [section] would "
                              "appear here.</p>\n");
    }
}

static const char share_meaning[] =
    "share of nodes ever reached (ic: ever active; sir: ever infected; bass: adopted)";

/* One point: a row per metric with mean, 95% CI and sd. */
static void point_row(wom_text_t *text, const char *name, const char *meaning,
                      const wom_stats_summary_t *s) {
    wom_text_printf(text, "<tr><td><code>");
    escape(text, name);
    wom_text_printf(text, "</code><div class=\"meaning\">");
    escape(text, meaning);
    wom_text_printf(text, "</div></td><td class=\"n\">");
    display_number(text, s->mean);
    wom_text_printf(text, "</td><td class=\"n\">");
    display_interval(text, s);
    wom_text_printf(text, "</td><td class=\"n\">");
    display_number(text, s->sd);
    wom_text_printf(text, "</td></tr>\n");
}

static void single_results(wom_text_t *text, const wom_aggregate_t *results) {
    const wom_metrics_layout_t *layout = &results->layout;
    wom_text_printf(text, "<div class=\"scroll\"><table>\n<tr><th>metric</th><th>mean</th>"
                          "<th>95%% confidence interval</th><th>sd</th></tr>\n");
    if (results->shares != NULL) {
        point_row(text, "final_share", share_meaning, &results->shares[0]);
    }
    for (int column = 0; column < layout->count; column++) {
        point_row(text, layout->name[column], wom_metrics_meaning(layout->id[column]),
                  wom_aggregate_final(results, 0, column));
    }
    wom_text_printf(text, "</table></div>\n");
}

/* A sweep: a row per metric, a column per point (mean over its CI). */
static void sweep_cell(wom_text_t *text, const wom_stats_summary_t *s) {
    wom_text_printf(text, "<td class=\"n\">");
    display_number(text, s->mean);
    wom_text_printf(text, "<div class=\"meaning\">");
    display_interval(text, s);
    wom_text_printf(text, "</div></td>");
}

static void sweep_header(wom_text_t *text, const wom_batch_t *batch) {
    wom_text_printf(text, "<tr><th>metric</th>");
    for (uint32_t p = 0; p < batch->plan.points; p++) {
        wom_text_printf(text, "<th>point %u", p);
        for (size_t k = 0; k < batch->keys; k++) {
            wom_text_printf(text, "<div class=\"meaning\">");
            escape(text, batch->sweep[k].name);
            wom_text_printf(text, " = ");
            escape(text, batch->sweep[k].values[wom_batch_value_index(batch, p, k)]);
            wom_text_printf(text, "</div>");
        }
        wom_text_printf(text, "</th>");
    }
    wom_text_printf(text, "</tr>\n");
}

static void sweep_row_name(wom_text_t *text, const char *name, const char *meaning) {
    wom_text_printf(text, "<tr><td><code>");
    escape(text, name);
    wom_text_printf(text, "</code><div class=\"meaning\">");
    escape(text, meaning);
    wom_text_printf(text, "</div></td>");
}

static void sweep_results(wom_text_t *text, const wom_batch_t *batch,
                          const wom_aggregate_t *results) {
    const wom_metrics_layout_t *layout = &results->layout;
    wom_text_printf(text, "<div class=\"scroll\"><table>\n");
    sweep_header(text, batch);
    if (results->shares != NULL) {
        sweep_row_name(text, "final_share", share_meaning);
        for (uint32_t p = 0; p < batch->plan.points; p++) {
            sweep_cell(text, &results->shares[p]);
        }
        wom_text_printf(text, "</tr>\n");
    }
    for (int column = 0; column < layout->count; column++) {
        sweep_row_name(text, layout->name[column], wom_metrics_meaning(layout->id[column]));
        for (uint32_t p = 0; p < batch->plan.points; p++) {
            sweep_cell(text, wom_aggregate_final(results, p, column));
        }
        wom_text_printf(text, "</tr>\n");
    }
    wom_text_printf(text, "</table></div>\n");
}

/* Beyond this many points a sampled design's table of every point would
 * not be read: the page points to sweep.csv instead. */
#define TABLE_POINTS 12

static void key_results(wom_text_t *text, const wom_batch_t *batch,
                        const wom_aggregate_t *results) {
    if (batch->first.design.method != WOM_DESIGN_GRID && batch->plan.points > TABLE_POINTS) {
        wom_text_printf(text,
                        "<h2>Key results</h2>\n<p>The design has %u points of %u replications "
                        "each: every point's values and results (means, standard deviations and "
                        "95%% confidence intervals) are in sweep.csv, one row per point, and "
                        "every replication's days in runs.csv.</p>\n",
                        batch->plan.points, batch->plan.replications);
        return;
    }
    wom_text_printf(text,
                    "<h2>Key results</h2>\n<p>Each metric on the last day: the mean over the "
                    "%u replications and its 95%% confidence interval (Student t), the range "
                    "that holds the true mean in 95 of 100 such experiments; sd is the spread "
                    "between replications. Rounded here; the exact numbers are in %s.</p>\n",
                    batch->plan.replications,
                    batch->plan.points > 1 ? "sweep.csv and points/*/summary.json"
                                           : "summary.json and, day by day, timeseries.csv");
    if (batch->plan.points > 1) {
        sweep_results(text, batch, results);
    } else {
        single_results(text, results);
    }
}

static void plot(wom_text_t *text, const wom_report_t *report) {
    bool several = report->batch->plan.points > 1;
    wom_text_printf(text, "<h2>Plot</h2>\n");
    if (report->svg != NULL && wom_report_svg_safe(report->svg)) {
        wom_text_printf(text, "<p>%s</p>\n<figure>\n",
                        report->sensitivity != NULL
                            ? "How much each varied key moves each analysed metric, the most "
                              "important first, with 95% bootstrap intervals (explained under "
                              "'Which lever matters most'). sweep.svg draws the points."
                        : several ? "The final value of each point: means with 95% confidence "
                                    "bars. Each point's days are drawn in "
                                    "points/&lt;index&gt;/timeseries.svg."
                                  : "Lines are means over the replications; shaded bands are "
                                    "95% confidence intervals.");
        inline_svg(text, report->svg);
        wom_text_printf(text, "</figure>\n");
    } else if (report->svg != NULL) {
        wom_text_printf(text,
                        "<p class=\"note\">The plot is not shown: %s holds a script or a "
                        "reference outside this page. Open it on its own.</p>\n",
                        report->svg_name);
    } else {
        wom_text_printf(text, "<p class=\"note\">No plots: ");
        escape(text, report->no_plot ? report->no_plot : "none were drawn");
        wom_text_printf(text, ".</p>\n");
    }
}

/* ---- parameters --------------------------------------------------------- */

static void entry_values(wom_text_t *text, const wom_config_entry_t *entry) {
    if (entry->range[0] != NULL) {
        escape(text, entry->range[0]);
        wom_text_printf(text, ":");
        escape(text, entry->range[1]);
        wom_text_printf(text, " (the design samples it)");
        return;
    }
    if (entry->count == 0) {
        wom_text_printf(text, "(missing)");
    }
    for (size_t i = 0; i < entry->count; i++) {
        wom_text_printf(text, "%s", i > 0 ? ", " : "");
        escape(text, entry->values[i][0] ? entry->values[i] : "(empty)");
    }
}

static void parameter_row(wom_text_t *text, const wom_config_entry_t *entry, bool with_default) {
    wom_text_printf(text, "<tr><td><code>");
    escape(text, entry->name);
    wom_text_printf(text, "</code></td><td><code>");
    entry_values(text, entry);
    wom_text_printf(text, "</code></td>");
    if (with_default) {
        wom_text_printf(text, "<td><code>");
        escape(text, entry->key->default_value[0] ? entry->key->default_value : "(none)");
        wom_text_printf(text, "</code></td>");
    }
    wom_text_printf(text, "<td class=\"meaning\">");
    escape(text, entry->key->meaning);
    wom_text_printf(text, "</td></tr>\n");
}

/* The rows of the entries that are (`set`) or are not set; how many. */
static size_t parameter_rows(wom_text_t *text, const wom_config_t *config, bool set) {
    size_t rows = 0, entries = wom_config_entries(config);
    for (size_t i = 0; i < entries; i++) {
        wom_config_entry_t entry;
        if (wom_config_entry(config, i, &entry) == WOM_OK && entry.set == set) {
            parameter_row(text, &entry, set);
            rows++;
        }
    }
    return rows;
}

static void parameters(wom_text_t *text, const wom_config_t *config) {
    wom_text_printf(text, "<h2>Parameters</h2>\n<p>The keys the scenario sets (in its file or "
                          "with --set, -r, -s on the command line). A list of values is a "
                          "sweep: one point per combination.</p>\n<div class=\"scroll\"><table>\n"
                          "<tr><th>key</th><th>value</th><th>default</th><th>meaning</th></tr>\n");
    if (parameter_rows(text, config, true) == 0) {
        wom_text_printf(text, "<tr><td colspan=\"4\">none: every key is at its default</td>"
                              "</tr>\n");
    }
    wom_text_printf(text, "</table></div>\n<details>\n<summary>Every other key, at its default "
                          "value</summary>\n<div class=\"scroll\"><table>\n<tr><th>key</th>"
                          "<th>value</th><th>meaning</th></tr>\n");
    parameter_rows(text, config, false);
    wom_text_printf(text, "</table></div>\n</details>\n");
}

static void footer(wom_text_t *text, const wom_batch_t *batch) {
    wom_text_printf(text,
                    "<h2>Reproducing it</h2>\n<p>Made by womsim %s with seed %llu (random "
                    "numbers: %s). Scenario hash (SHA-256 of every key's value) <code>%s</code>: "
                    "the same hash and seed give the same numbers on any machine and thread "
                    "count. manifest.json in this folder records the command and the checksum "
                    "of every file.</p>\n</body>\n</html>\n",
                    WOM_VERSION, (unsigned long long)batch->first.simulation.seed, wom_rng_name(),
                    batch->hash);
}

/* ---- sensitivity -------------------------------------------------------- */

static const char morris_meaning[] =
    "<p>Morris's elementary effects: each key was moved one at a time, over a grid across its "
    "range, along random trajectories. <b>mu_star</b> is the mean size of the change in the "
    "metric when the key moves across its whole range: the bigger, the more the lever matters. "
    "<b>mu</b> has the sign of the change (near 0 while mu_star is not: the effect goes both "
    "ways). <b>sigma</b> is how much the effect depends on the other keys' values "
    "(interactions) or on where in the range the key is (a curve); the interval is a 95% "
    "bootstrap interval over the trajectories.</p>\n";

static const char sobol_meaning[] =
    "<p>Sobol indices from a Saltelli design: <b>S1</b> is the share of the metric's variance "
    "over the design that the key explains alone; <b>ST</b> the share it takes part in, alone or "
    "with other keys. ST well above S1 means the key matters through interactions; both near 0 "
    "mean it hardly matters over these ranges. Intervals are 95% bootstrap intervals over the "
    "base samples; a small design gives wide ones (and S1 may then dip below 0).</p>\n";

/* One line of sensitivity.csv as a table row: names escaped, numbers
 * rounded for reading. */
static void sensitivity_row(wom_text_t *text, const char *line, size_t length, bool header) {
    wom_text_printf(text, "<tr>");
    for (size_t start = 0, cell = 0; start <= length; cell++) {
        size_t end = start;
        while (end < length && line[end] != ',') {
            end++;
        }
        char value[128];
        snprintf(value, sizeof value, "%.*s", (int)(end - start), line + start);
        char *rest = NULL;
        double number = strtod(value, &rest);
        wom_text_printf(text, header ? "<th>" : cell < 2 ? "<td><code>" : "<td class=\"n\">");
        if (!header && cell >= 2 && rest != value && *rest == '\0') {
            display_number(text, number);
        } else {
            escape(text, value);
        }
        wom_text_printf(text, header ? "</th>" : cell < 2 ? "</code></td>" : "</td>");
        start = end + 1;
    }
    wom_text_printf(text, "</tr>\n");
}

static void sensitivity(wom_text_t *text, const wom_report_t *report) {
    bool morris = report->batch->first.design.method == WOM_DESIGN_MORRIS;
    wom_text_printf(text, "<h2>Which lever matters most</h2>\n%s",
                    morris ? morris_meaning : sobol_meaning);
    wom_text_printf(text, "<div class=\"scroll\"><table>\n");
    const char *line = report->sensitivity;
    for (bool header = true; *line != '\0'; header = false) {
        size_t length = strcspn(line, "\n");
        sensitivity_row(text, line, length, header);
        line += length + (line[length] == '\n');
    }
    wom_text_printf(text, "</table></div>\n<p>The exact numbers are in sensitivity.csv.</p>\n");
}

/* ---- a watched run's network ------------------------------------------- */

/* `size` bytes as base64 (RFC 4648), for a data: URL: written here
 * because none of the project's libraries encodes it. */
static void base64(wom_text_t *text, const unsigned char *bytes, size_t size) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char quad[5] = {0};
    for (size_t i = 0; i < size; i += 3) {
        uint32_t word = (uint32_t)bytes[i] << 16 |
                        (i + 1 < size ? (uint32_t)bytes[i + 1] << 8 : 0) |
                        (i + 2 < size ? bytes[i + 2] : 0);
        for (int k = 0; k < 4; k++) {
            quad[k] = digits[(word >> (18 - 6 * k)) & 63];
        }
        quad[3] = i + 2 < size ? quad[3] : '=';
        quad[2] = i + 1 < size ? quad[2] : '=';
        wom_text_append(text, quad, 4);
    }
}

static void network(wom_text_t *text, const wom_report_t *report) {
    wom_text_printf(text,
                    "<h2>The network, day by day</h2>\n<p>Replication 1's network on the days "
                    "drawn (--snapshots): each point is a person, coloured by state (grey "
                    "unaware, green prospect, blue customer, vermillion lost), paler the worse "
                    "their opinion; grey lines are ties; arrows are the messages heard that day, "
                    "told the day before: solid good, dashed bad. network.gif shows the days "
                    "one after another.</p>\n");
    for (size_t i = 0; i < report->network_count; i++) {
        const wom_report_picture_t *p = &report->network[i];
        if (p->png == NULL) {
            wom_text_printf(text, "<p class=\"note\">network-%u.png could not be read.</p>\n",
                            p->day);
            continue;
        }
        wom_text_printf(text,
                        "<figure>\n<img alt=\"the network on day %u\" src=\"data:image/png;base64,",
                        p->day);
        base64(text, p->png, p->size);
        wom_text_printf(text, "\">\n<figcaption>Day %u (network-%u.png)</figcaption>\n</figure>\n",
                        p->day, p->day);
    }
}

/* ---- a watched run's stories -------------------------------------------- */

static void number_cell(wom_text_t *text, double value) {
    char number[32];
    snprintf(number, sizeof number, "%.1f", value);
    wom_text_printf(text, "<td>%s</td>", number);
}

/* "One dissatisfied customer reached N people within 30 days": the story
 * of each kind that travelled furthest, then every kind's distribution. */
static void stories(wom_text_t *text, const wom_watch_t *watch) {
    static const char *const who[WOM_WATCH_STORIES] = {
        [WOM_WATCH_BAD] = "dissatisfied customer",
        [WOM_WATCH_GOOD] = "satisfied customer",
        [WOM_WATCH_RECOVERED] = "customer whose complaint was put right"};
    static const char *const rows[WOM_WATCH_STORIES] = {[WOM_WATCH_BAD] = "bad experiences",
                                                        [WOM_WATCH_GOOD] = "good experiences",
                                                        [WOM_WATCH_RECOVERED] = "recoveries"};
    wom_text_printf(text,
                    "<h2>How far the word spread</h2>\n<p>Replication 1, followed message "
                    "by message (trace.csv, %llu messages).</p>\n<ul>\n",
                    (unsigned long long)watch->message_count);
    for (int c = 0; c < WOM_WATCH_STORIES; c++) {
        const wom_watch_reach_t *r = &watch->reach[c];
        if (r->stories > 0) {
            wom_text_printf(text,
                            "<li>One %s (agent %u, day %u) reached %llu people within %d days: "
                            "%llu directly and %llu through hearsay.</li>\n",
                            who[c], r->furthest_teller, r->furthest_day,
                            (unsigned long long)r->max_reached, WOM_WATCH_REACH_DAYS,
                            (unsigned long long)r->furthest_direct,
                            (unsigned long long)r->furthest_hearsay);
        }
    }
    wom_text_printf(text, "</ul>\n<div class=\"scroll\"><table>\n<tr><th>story</th><th>told</th>"
                          "<th>people reached, mean</th><th>directly</th><th>through "
                          "hearsay</th><th>median</th><th>90th percentile</th><th>most</th>"
                          "<th>deepest retelling</th></tr>\n");
    for (int c = 0; c < WOM_WATCH_STORIES; c++) {
        const wom_watch_reach_t *r = &watch->reach[c];
        wom_text_printf(text, "<tr><td>%s</td><td>%llu</td>", rows[c],
                        (unsigned long long)r->stories);
        number_cell(text, r->mean_reached);
        number_cell(text, r->mean_direct);
        number_cell(text, r->mean_hearsay);
        wom_text_printf(text, "<td>%llu</td><td>%llu</td><td>%llu</td><td>%u</td></tr>\n",
                        (unsigned long long)r->median_reached, (unsigned long long)r->p90_reached,
                        (unsigned long long)r->max_reached, r->deepest);
    }
    wom_text_printf(text,
                    "</table></div>\n<p>A story is one telling of one experience; the people "
                    "it reached are counted once each, within %d days. A retelling is credited "
                    "to the story its teller heard the day before; %llu retellings came from "
                    "someone who had heard two or more stories of the same kind that day and "
                    "are credited to each.</p>\n",
                    WOM_WATCH_REACH_DAYS, (unsigned long long)watch->hearsay_shared);
}

void wom_report_html(wom_text_t *text, const wom_report_t *report) {
    const wom_batch_t *batch = report->batch;
    head(text, batch);
    headline(text, batch, report->results);
    description(text, report->scenario_text);
    plot(text, report);
    if (report->sensitivity != NULL) {
        sensitivity(text, report);
    }
    if (report->results != NULL) {
        key_results(text, batch, report->results);
    }
    if (report->network_count > 0) {
        network(text, report);
    }
    if (report->watch != NULL && report->watch->traced) {
        stories(text, report->watch);
    }
    parameters(text, batch->config);
    footer(text, batch);
}
