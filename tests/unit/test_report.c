/* test_report.c: unit tests of the report module: the description taken
 * from a scenario's leading comment, the SVG check (scripts, handlers and
 * outside references refused), and the page of a small aggregated batch:
 * description, results from the batch's final summaries, plot inlined
 * without its XML prolog, parameters set and at default with meanings;
 * and that every metric column has a meaning.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_util.h"
#include "womsim/womsim.h"

/* A string that must (or must not) appear in `text`, printed if not. */
static void expect_in(const char *text, const char *part, bool present) {
    if ((strstr(text, part) != NULL) != present) {
        print_error("%s '%s' in:\n%.2000s\n", present ? "missing" : "unexpected", part, text);
        fail();
    }
}

static char *description_of(const char *scenario_text) {
    wom_text_t text;
    wom_text_init(&text);
    wom_report_description(&text, scenario_text);
    assert_false(text.failed);
    return text.data; /* NULL when empty */
}

static void description_is_the_leading_comment(void **state) {
    (void)state;
    char *html = description_of("; shop.ini: a <small> shop & co.\n"
                                ";   told by \"5\" people\n"
                                ";\n"
                                "# second paragraph\n"
                                "\n"
                                "  ; third one\n"
                                "[simulation]\n"
                                "; a section's comment is not part of it\n"
                                "steps = 3\n");
    assert_string_equal(html, "<p>shop.ini: a &lt;small&gt; shop &amp; co.\n"
                              "  told by &quot;5&quot; people</p>\n"
                              "<p>second paragraph</p>\n"
                              "<p>third one</p>\n");
    free(html);
    assert_null(description_of("[simulation]\n; not a description\nsteps = 3\n"));
    assert_null(description_of(""));
    assert_null(description_of(NULL));
    html = description_of("; no section at all\r\n");
    assert_string_equal(html, "<p>no section at all</p>\n");
    free(html);
}

static const char gnuplot_like[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
    "<svg \n viewBox=\"0 0 100 50\"\n xmlns=\"http://www.w3.org/2000/svg\"\n"
    " xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n<title>Gnuplot</title>\n"
    "<defs><circle id='gpDot' r='0.5'/><use xlink:href='#gpDot' id='gpPt6'/></defs>\n"
    "<g clip-path=\"url(#gpclip)\"><path d='M0,0 L10,10' stroke='rgb(0,0,0)'/></g>\n"
    "<text>mean and 95% CI, online.review_weight = 3</text>\n</svg>\n";

static void svg_safety(void **state) {
    (void)state;
    assert_true(wom_report_svg_safe(gnuplot_like));
    const char *const unsafe[] = {
        "<svg><script>alert(1)</script></svg>",
        "<svg><SCRIPT src='x.js'/></svg>",
        "<svg onload=\"alert(1)\"></svg>",
        "<svg><g OnClick='x()'/></svg>",
        "<svg><image href=\"http://example.com/a.png\"/></svg>",
        "<svg><use xlink:href='other.svg#a'/></svg>",
        "<svg><image src=a.png /></svg>",
        "<svg><g style=\"fill:url(http://example.com/p)\"/></svg>",
        "<svg><style>@import 'x.css';</style></svg>",
        "<svg><foreignObject><p>x</p></foreignObject></svg>",
        "<svg><a href=\"javascript:x()\">x</a></svg>",
        "not an svg at all",
        NULL,
    };
    for (const char *const *svg = unsafe; *svg != NULL; svg++) {
        if (wom_report_svg_safe(*svg)) {
            print_error("accepted: %s\n", *svg);
            fail();
        }
    }
    assert_false(wom_report_svg_safe(NULL));
}

static const char *const tiny[] = {"simulation.steps=12",  "simulation.replications=3",
                                   "network.model=karate", "population.initial_customers=0.3",
                                   "service.quality=0.9",  NULL};

/* A batch run into a temporary folder with its outputs and results. */
typedef struct {
    wom_batch_t batch;
    wom_aggregate_t results;
    wom_config_t *config;
    char *dir;
} run_t;

/* Runs `assignments` and writes the outputs in a temporary folder, as
 * `womsim run` does; release() frees it all. */
static void aggregated(run_t *run, const char *const *assignments) {
    wom_batch_t *batch = &run->batch;
    wom_config_t **config = &run->config;
    char **dir = &run->dir;
    wom_error_t error = {0};
    assert_int_equal(wom_config_alloc(config), WOM_OK);
    for (const char *const *a = assignments; *a != NULL; a++) {
        assert_int_equal(wom_config_set(*config, *a, &error), WOM_OK);
    }
    *dir = make_temp_dir_for("report");
    wom_batch_options_t options = {
        .dir = *dir, .name = "tiny", .shards = 1, .max_tasks = 1000, .threads = 2};
    assert_int_equal(wom_batch_init(batch, *config, &options, &error), WOM_OK);
    assert_int_equal(wom_batch_run(batch, &error), WOM_OK);
    assert_int_equal(wom_aggregate_init(&run->results, batch), WOM_OK);
    assert_int_equal(wom_output_write_batch(batch, &run->results, &error), WOM_OK);
}

static char *page_of(const wom_report_t *report) {
    wom_text_t text;
    wom_text_init(&text);
    wom_report_html(&text, report);
    assert_false(text.failed);
    return text.data;
}

static void release(run_t *run, char *page) {
    wom_aggregate_destroy(&run->results);
    wom_batch_destroy(&run->batch);
    wom_config_free(run->config);
    remove_tree(run->dir);
    free(run->dir);
    free(page);
}

static void page_of_a_run(void **state) {
    (void)state;
    run_t run;
    aggregated(&run, tiny);
    wom_report_t report = {.batch = &run.batch,
                           .results = &run.results,
                           .scenario_text = "; A club & its shop.\n[simulation]\n",
                           .svg = gnuplot_like,
                           .svg_name = "timeseries.svg"};
    char *page = page_of(&report);
    assert_true(strncmp(page, "<!DOCTYPE html>\n", 16) == 0);
    expect_in(page, "<title>womsim: tiny</title>", true);
    expect_in(page, "<p>A club &amp; its shop.</p>", true);
    expect_in(page, "3 replications of 12 days on 34 agents", true);
    /* the plot, inlined without its prolog */
    expect_in(page, "<svg \n viewBox=\"0 0 100 50\"", true);
    expect_in(page, "<?xml", false);
    expect_in(page, "<script", false);
    /* results: customers' final mean as displayed, with its interval */
    int customers = wom_metrics_find(&run.results.layout, "customers");
    const wom_stats_summary_t *s = wom_aggregate_final(&run.results, 0, customers);
    char row[512];
    snprintf(row, sizeof row,
             "<code>customers</code><div class=\"meaning\">%s</div></td><td class=\"n\">%.4g"
             "</td><td class=\"n\">[%.4g, %.4g]</td>",
             wom_metrics_meaning(WOM_M_CUSTOMERS), s->mean, s->ci95_lo, s->ci95_hi);
    expect_in(page, row, true);
    /* a key set to its default value is still listed as set, with its default and meaning */
    const wom_key_t *quality = wom_config_key("service.quality");
    snprintf(row, sizeof row,
             "<tr><td><code>service.quality</code></td><td><code>0.9</code></td><td><code>%s"
             "</code></td><td class=\"meaning\">%s</td></tr>",
             quality->default_value, quality->meaning);
    expect_in(page, row, true);
    /* a key left at its default is in the collapsed table, without a default column */
    const wom_key_t *churn = wom_config_key("service.churn_rate");
    snprintf(row, sizeof row,
             "<tr><td><code>service.churn_rate</code></td><td><code>%s</code></td>"
             "<td class=\"meaning\">%s</td></tr>",
             churn->default_value, churn->meaning);
    expect_in(page, row, true);
    expect_in(page, run.batch.hash, true);
    expect_in(page, "</html>\n", true);
    release(&run, page);
}

static void page_without_plot_or_description(void **state) {
    (void)state;
    run_t run;
    aggregated(&run, tiny);
    wom_report_t report = {.batch = &run.batch,
                           .results = &run.results,
                           .scenario_text = "[simulation]\n",
                           .svg_name = "timeseries.svg",
                           .no_plot = "the run was made with --no-plot"};
    char *page = page_of(&report);
    expect_in(page, "No plots: the run was made with --no-plot.", true);
    expect_in(page, "<svg", false);
    expect_in(page, "The scenario file has no description", true);
    free(page);
    report.svg = "<svg><script>alert(1)</script></svg>"; /* refused, and the page says so */
    page = page_of(&report);
    expect_in(page, "<script", false);
    expect_in(page, "The plot is not shown: timeseries.svg holds a script", true);
    release(&run, page);
}

static void page_of_a_sweep(void **state) {
    (void)state;
    run_t run;
    const char *const sweep[] = {"simulation.steps=12",  "simulation.replications=3",
                                 "network.model=karate", "model.kind=ic",
                                 "ic.p=0.1, 0.3",        NULL};
    aggregated(&run, sweep);
    assert_non_null(run.results.shares);
    wom_report_t report = {
        .batch = &run.batch, .results = &run.results, .svg = gnuplot_like, .svg_name = "sweep.svg"};
    char *page = page_of(&report);
    expect_in(page,
              "A womsim batch of the independent cascade (a classic model): 2 parameter "
              "combinations (points), each 3 replications of 12 days.",
              true);
    expect_in(page, "<th>point 1<div class=\"meaning\">ic.p = 0.3</div></th>", true);
    char cell[128];
    snprintf(cell, sizeof cell, "<td class=\"n\">%.4g<div class=\"meaning\">[%.4g, %.4g]</div>",
             run.results.shares[1].mean, run.results.shares[1].ci95_lo,
             run.results.shares[1].ci95_hi);
    expect_in(page, "<code>final_share</code>", true);
    expect_in(page, cell, true);
    expect_in(page, "<tr><td><code>ic.p</code></td><td><code>0.1, 0.3</code></td>", true);
    release(&run, page);
}

static void every_metric_has_a_meaning(void **state) {
    (void)state;
    const char *const kinds[] = {"wom", "ic", "sir", "bass"};
    for (size_t k = 0; k < 4; k++) {
        wom_scenario_t scenario = default_scenario();
        scenario.model.kind = (int)k;
        scenario.failure_count = 1;
        snprintf(scenario.failures[0].name, sizeof scenario.failures[0].name, "late");
        wom_metrics_layout_t layout;
        wom_model_layout(&scenario, &layout);
        for (int column = 0; column < layout.count; column++) {
            if (wom_metrics_meaning(layout.id[column])[0] == '\0') {
                print_error("%s: column %s has no meaning\n", kinds[k], layout.name[column]);
                fail();
            }
        }
    }
    assert_string_equal(wom_metrics_meaning(-1), "");
    assert_string_equal(wom_metrics_meaning(WOM_M_IDS), "");
}

/* The network pictures are inlined as base64 data: URLs (RFC 4648's
 * examples: "Man" is TWFu, "Ma" TWE=, "M" TQ==), a picture not read is
 * said so, and there is no section without pictures. */
static void page_with_network_pictures(void **state) {
    (void)state;
    run_t run;
    aggregated(&run, tiny);
    const unsigned char bytes[] = "Man";
    wom_report_picture_t pictures[4] = {
        {0, bytes, 3}, {7, bytes, 2}, {30, bytes, 1}, {90, NULL, 0}};
    wom_report_t report = {.batch = &run.batch,
                           .results = &run.results,
                           .scenario_text = "[simulation]\n",
                           .svg_name = "timeseries.svg",
                           .no_plot = "the run was made with --no-plot"};
    char *page = page_of(&report);
    expect_in(page, "The network, day by day", false);
    free(page);
    report.network = pictures;
    report.network_count = 4;
    page = page_of(&report);
    expect_in(page, "The network, day by day", true);
    expect_in(page, "alt=\"the network on day 0\" src=\"data:image/png;base64,TWFu\"", true);
    expect_in(page, "alt=\"the network on day 7\" src=\"data:image/png;base64,TWE=\"", true);
    expect_in(page, "alt=\"the network on day 30\" src=\"data:image/png;base64,TQ==\"", true);
    expect_in(page, "network-90.png could not be read.", true);
    release(&run, page);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(description_is_the_leading_comment),
        cmocka_unit_test(svg_safety),
        cmocka_unit_test(page_of_a_run),
        cmocka_unit_test(page_without_plot_or_description),
        cmocka_unit_test(page_of_a_sweep),
        cmocka_unit_test(page_with_network_pictures),
        cmocka_unit_test(every_metric_has_a_meaning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
