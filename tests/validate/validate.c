/* validate.c: the validation suite of docs/validation.md. Each row is a
 * published figure the model's defaults are calibrated to or checked
 * against, the value simulated at the stated scenario with its 95%
 * confidence interval over replications, the criterion and pass or fail.
 *
 *   validate [--markdown]
 *
 * prints the table (markdown for the doc) and exits 1 when a row fails.
 * Every experiment runs as `womsim run` runs it: a batch of the library
 * into a temporary folder, then the results read back point by point
 * (wom_aggregate_point), so the figures are those a user gets. Runs take
 * fixed random seeds, so the table is the same bytes on every machine and
 * thread count; `make validate` checks it against docs/validation.md.
 * Workload: about twenty runs of the 10,000-agent baseline for a year and
 * a 2,000-node Bass diffusion over 15 years; under a minute on 2 cores.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <ftw.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <igraph.h>

#include "womsim/womsim.h"

#define BASELINE         "configs/baseline.ini"
#define MAX_REPLICATIONS 64

static void die(const char *what, const wom_error_t *error) {
    fprintf(stderr, "validate: %s: %s\n", what, error != NULL ? error->message : "failed");
    exit(70);
}

/* ---- experiments ---- */

/* One scenario run as a batch, its points read back one at a time. */
typedef struct {
    wom_config_t *config;
    wom_batch_t batch;
    char dir[64];
} experiment_t;

static void start(experiment_t *e, const char *scenario, const char *const *sets) {
    wom_error_t error = {0};
    if (wom_config_alloc(&e->config) != WOM_OK) {
        die("config", NULL);
    }
    if (scenario != NULL && wom_config_read_file(e->config, scenario, &error) != WOM_OK) {
        die(scenario, &error);
    }
    for (; sets != NULL && *sets != NULL; sets++) {
        if (wom_config_set(e->config, *sets, &error) != WOM_OK) {
            die(*sets, &error);
        }
    }
    snprintf(e->dir, sizeof e->dir, "/tmp/womsim-validate.XXXXXX");
    if (mkdtemp(e->dir) == NULL) {
        die("temporary folder", NULL);
    }
    wom_batch_options_t options = {
        .dir = e->dir, .name = "validate", .shards = 1, .max_tasks = 100000, .threads = 2};
    if (wom_batch_init(&e->batch, e->config, &options, &error) != WOM_OK ||
        wom_batch_run(&e->batch, &error) != WOM_OK) {
        die("run", &error);
    }
}

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *at) {
    (void)info;
    (void)type;
    (void)at;
    return remove(path);
}

static void finish(experiment_t *e) {
    wom_batch_destroy(&e->batch);
    wom_config_free(e->config);
    nftw(e->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void point_of(experiment_t *e, uint32_t point, wom_aggregate_point_t *out) {
    wom_error_t error = {0};
    if (wom_aggregate_point(&e->batch, point, out, &error) != WOM_OK) {
        die("aggregate", &error);
    }
}

/* ---- per-replication measures ---- */

/* Counter `id` summed over days 1..steps of replication r. */
static double total(const wom_aggregate_point_t *p, uint32_t r, int id) {
    double sum = 0;
    for (uint32_t t = 1; t <= p->table.steps; t++) {
        sum += (double)wom_metrics_table_row(&p->table, r, t)->count[id];
    }
    return sum;
}

/* Column `name`'s value on day `day` of replication r. */
static double value_on(const wom_aggregate_point_t *p, uint32_t r, const char *name, uint32_t day) {
    int column = wom_metrics_find(&p->layout, name);
    double series[100001];
    if (column < 0 || p->table.steps > 100000) {
        die(name, NULL);
    }
    wom_metrics_series(&p->layout, column, wom_metrics_table_row(&p->table, r, 0), p->table.steps,
                       p->table.agents, series);
    return series[day];
}

typedef double measure_fn(const wom_aggregate_point_t *p, uint32_t r);

/* A measure's mean and 95% Student-t interval over the replications. */
static wom_stats_summary_t over_replications(const wom_aggregate_point_t *p, measure_fn *measure) {
    double values[MAX_REPLICATIONS];
    uint32_t n =
        p->table.replications < MAX_REPLICATIONS ? p->table.replications : MAX_REPLICATIONS;
    for (uint32_t r = 0; r < n; r++) {
        values[r] = measure(p, r);
    }
    wom_stats_summary_t summary;
    wom_stats_summarize(values, n, &summary);
    return summary;
}

static double told_per_satisfied(const wom_aggregate_point_t *p, uint32_t r) {
    return total(p, r, WOM_M_TOLD_BY_SATISFIED) / total(p, r, WOM_M_SATISFIED_TOLD);
}

static double told_per_dissatisfied(const wom_aggregate_point_t *p, uint32_t r) {
    return total(p, r, WOM_M_TOLD_BY_DISSATISFIED) / total(p, r, WOM_M_DISSATISFIED);
}

static double good_per_bad(const wom_aggregate_point_t *p, uint32_t r) {
    return total(p, r, WOM_M_MSGS_POS) / total(p, r, WOM_M_MSGS_NEG);
}

static double complaint_share(const wom_aggregate_point_t *p, uint32_t r) {
    return total(p, r, WOM_M_COMPLAINTS) / total(p, r, WOM_M_FAILURES);
}

static double final_customers(const wom_aggregate_point_t *p, uint32_t r) {
    return value_on(p, r, "customers", p->table.steps);
}

static double customers_gained(const wom_aggregate_point_t *p, uint32_t r) {
    return final_customers(p, r) - value_on(p, r, "customers", 0);
}

static double final_reputation(const wom_aggregate_point_t *p, uint32_t r) {
    return value_on(p, r, "reputation", p->table.steps);
}

static double reputation_gained(const wom_aggregate_point_t *p, uint32_t r) {
    return final_reputation(p, r) - value_on(p, r, "reputation", 0);
}

static double told_per_customer_year(const wom_aggregate_point_t *p, uint32_t r) {
    double own = total(p, r, WOM_M_TOLD_BY_SATISFIED) + total(p, r, WOM_M_TOLD_BY_DISSATISFIED) +
                 total(p, r, WOM_M_TOLD_BY_RECOVERED);
    return 365 * own / total(p, r, WOM_M_CUSTOMERS);
}

static double new_customers(const wom_aggregate_point_t *p, uint32_t r) {
    return total(p, r, WOM_M_NEW_CUSTOMERS);
}

static double good_messages(const wom_aggregate_point_t *p, uint32_t r) {
    return total(p, r, WOM_M_MSGS_POS);
}

/* ---- the table ---- */

typedef struct {
    bool markdown;
    int failed;
} table_t;

static void row(table_t *t, const char *figure, const char *source, const char *published,
                const char *simulated, const char *criterion, bool pass) {
    t->failed += !pass;
    const char *verdict = pass ? "pass" : "FAIL";
    if (t->markdown) {
        printf("| %s | %s | %s | %s | %s | %s |\n", figure, source, published, simulated, criterion,
               verdict);
    } else {
        printf("%s: %s (%s)\n    published %s; simulated %s; %s\n", verdict, figure, source,
               published, simulated, criterion);
    }
}

/* "4.99 [4.97, 5.01]" */
static void interval(char *text, size_t size, const wom_stats_summary_t *s, const char *format) {
    char mean[32], lo[32], hi[32];
    snprintf(mean, sizeof mean, format, s->mean);
    snprintf(lo, sizeof lo, format, s->ci95_lo);
    snprintf(hi, sizeof hi, format, s->ci95_hi);
    snprintf(text, size, "%s [%s, %s]", mean, lo, hi);
}

/* The mean difference b - a of two independent samples' means, with
 * Welch's 95% interval. */
static wom_stats_summary_t difference(const wom_stats_summary_t *a, uint32_t na,
                                      const wom_stats_summary_t *b, uint32_t nb) {
    double va = a->sd * a->sd / na, vb = b->sd * b->sd / nb;
    double se = sqrt(va + vb);
    double df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
    double half = gsl_cdf_tdist_Pinv(0.975, df) * se;
    double mean = b->mean - a->mean;
    return (wom_stats_summary_t){mean, se, mean - half, mean + half};
}

/* ---- the rows ---- */

/* Kotler's 5 and 10 as they come out on the network, East, Hammond &
 * Wright's good-to-bad ratio, TARP's complaint share, the net score and
 * growth: the baseline shop, 10 replications. */
static void baseline_rows(table_t *t) {
    experiment_t e;
    start(&e, BASELINE, NULL);
    wom_aggregate_point_t p;
    point_of(&e, 0, &p);
    char text[128];
    wom_stats_summary_t s = over_replications(&p, told_per_satisfied);
    interval(text, sizeof text, &s, "%.2f");
    row(t, "people told about a good experience", "Kotler & Keller", "5", text,
        "lower bound at least 4.75 (95% of 5)", s.ci95_lo >= 4.75);
    s = over_replications(&p, told_per_dissatisfied);
    interval(text, sizeof text, &s, "%.2f");
    row(t, "people told about a bad experience", "Kotler & Keller", "10", text,
        "lower bound at least 9.5 (95% of 10)", s.ci95_lo >= 9.5);
    s = over_replications(&p, good_per_bad);
    interval(text, sizeof text, &s, "%.2f");
    row(t, "good word of mouth per bad", "East, Hammond & Wright (2007)", "about 3", text,
        "interval within 2 to 4", s.ci95_lo >= 2 && s.ci95_hi <= 4);
    s = over_replications(&p, complaint_share);
    interval(text, sizeof text, &s, "%.4f");
    row(t, "share of failures complained about", "TARP (1986)", "1 in 27 = 0.0370", text,
        "interval holds 0.0370", s.ci95_lo <= 1.0 / 27 && s.ci95_hi >= 1.0 / 27);
    s = over_replications(&p, final_reputation);
    interval(text, sizeof text, &s, "%+.1f");
    row(t, "net score (reputation) after a year", "Reichheld (2003)",
        "most firms 0 to +50, leaders +50 to +80", text, "interval within 0 to +80",
        s.ci95_lo >= 0 && s.ci95_hi <= 80);
    s = over_replications(&p, customers_gained);
    interval(text, sizeof text, &s, "%+.0f");
    row(t, "customers gained in a year at quality 0.9", "the model's story (docs/model.md)",
        "grows", text, "interval above 0", s.ci95_lo > 0);
    s = over_replications(&p, told_per_customer_year);
    interval(text, sizeof text, &s, "%.1f");
    row(t, "people a customer tells in a year about its own experiences",
        "chosen: Keller & Fay (2006) count 56 brand mentions a week, across all brands",
        "tens (a few percent of those mentions)", text, "interval within 20 to 120",
        s.ci95_lo >= 20 && s.ci95_hi <= 120);
    wom_aggregate_point_destroy(&p);
    finish(&e);
}

/* A shop at quality 0.7 loses customers and reputation within the year. */
static void poor_service_rows(table_t *t) {
    experiment_t e;
    start(&e, BASELINE, (const char *const[]){"service.quality=0.7", NULL});
    wom_aggregate_point_t p;
    point_of(&e, 0, &p);
    char text[128];
    wom_stats_summary_t s = over_replications(&p, customers_gained);
    interval(text, sizeof text, &s, "%+.0f");
    row(t, "customers gained in a year at quality 0.7", "the model's story (docs/model.md)",
        "loses", text, "interval below 0", s.ci95_hi < 0);
    s = over_replications(&p, reputation_gained);
    interval(text, sizeof text, &s, "%+.1f");
    row(t, "net score gained in a year at quality 0.7", "the model's story (docs/model.md)",
        "loses", text, "interval below 0", s.ci95_hi < 0);
    wom_aggregate_point_destroy(&p);
    finish(&e);
}

/* Telling bad news to 20 people instead of 15 still costs customers: the
 * network leaves room for more than Kotler's 10. */
static void more_bad_news_row(table_t *t) {
    experiment_t e;
    start(&e, BASELINE,
          (const char *const[]){"simulation.replications=20", "wom.dissatisfied_tell_mean=15, 20",
                                NULL});
    wom_aggregate_point_t fifteen, twenty;
    point_of(&e, 0, &fifteen);
    wom_stats_summary_t a = over_replications(&fifteen, final_customers);
    wom_aggregate_point_destroy(&fifteen);
    point_of(&e, 1, &twenty);
    wom_stats_summary_t b = over_replications(&twenty, final_customers);
    wom_aggregate_point_destroy(&twenty);
    wom_stats_summary_t d = difference(&a, 20, &b, 20);
    char text[128];
    interval(text, sizeof text, &d, "%+.0f");
    row(t, "customers after a year: bad news told to 20 instead of 15",
        "Kotler & Keller (the 10 must fit in the network)", "fewer", text, "Welch interval below 0",
        d.ci95_hi < 0);
    finish(&e);
}

/* The TARP repurchase table, cell by cell: every customer buys and fails
 * on day 1, with the outcome and severity of the cell; the share staying
 * against the table, binomially over 10,000 customers. */
static void repurchase_row(table_t *t) {
    static const char *const outcomes[4][3] = {
        {"recovery.complain_rate=0", "recovery.success_rate=0", "recovery.quick_share=0"},
        {"recovery.complain_rate=1", "recovery.success_rate=0", "recovery.quick_share=0"},
        {"recovery.complain_rate=1", "recovery.success_rate=1", "recovery.quick_share=0"},
        {"recovery.complain_rate=1", "recovery.success_rate=1", "recovery.quick_share=1"}};
    static const double table[4][2] = {{0.37, 0.09}, {0.46, 0.19}, {0.70, 0.54}, {0.95, 0.82}};
    double worst = 0;
    for (int outcome = 0; outcome < 4; outcome++) {
        for (int major = 0; major < 2; major++) {
            const char *sets[] = {"simulation.steps=1",
                                  "simulation.replications=1",
                                  "population.initial_customers=1",
                                  "population.initial_aware=0",
                                  "service.purchase_rate=1",
                                  "service.churn_rate=0",
                                  "failure.problem.rate=1",
                                  major ? "failure.problem.severity=major"
                                        : "failure.problem.severity=minor",
                                  outcomes[outcome][0],
                                  outcomes[outcome][1],
                                  outcomes[outcome][2],
                                  NULL};
            experiment_t e;
            start(&e, BASELINE, sets);
            wom_aggregate_point_t p;
            point_of(&e, 0, &p);
            double n = p.table.agents, stayed = final_customers(&p, 0) / n;
            double expected = table[outcome][major];
            double z = fabs(stayed - expected) / sqrt(expected * (1 - expected) / n);
            worst = z > worst ? z : worst;
            wom_aggregate_point_destroy(&p);
            finish(&e);
        }
    }
    char text[128];
    snprintf(text, sizeof text, "all 8 cells, the largest %.1f binomial sd away", worst);
    row(t, "customers staying after a failure, by outcome and severity",
        "TARP, as quoted by Kotler & Keller", "37/9, 46/19, 70/54, 95/82 %", text,
        "every cell within 3 sd", worst < 3);
}

/* Sultan, Farley & Lehmann's mean Bass coefficients per year: on a
 * complete network of 2,000 the adopted share crosses (q - p) / (2 q),
 * where adoptions peak, at t* = ln(q/p) / (p + q) = 6.19 years. */
static void bass_row(table_t *t) {
    experiment_t e;
    start(&e, "configs/reference-bass.ini",
          (const char *const[]){"simulation.replications=10", NULL});
    wom_aggregate_point_t p;
    point_of(&e, 0, &p);
    const double bass_p = 0.03, bass_q = 0.38, peak = log(bass_q / bass_p) / (bass_p + bass_q);
    double crossing = (bass_q - bass_p) / (2 * bass_q) * p.table.agents;
    double years[MAX_REPLICATIONS];
    for (uint32_t r = 0; r < p.table.replications; r++) {
        uint32_t day = 0;
        while (day < p.table.steps &&
               wom_metrics_table_row(&p.table, r, day)->count[WOM_M_ADOPTERS] < crossing) {
            day++;
        }
        years[r] = day / 365.0;
    }
    wom_stats_summary_t s;
    wom_stats_summarize(years, p.table.replications, &s);
    char text[128], published[64];
    interval(text, sizeof text, &s, "%.2f");
    snprintf(published, sizeof published, "%.2f years", peak);
    row(t, "year adoptions peak (Bass, p = 0.03, q = 0.38 a year)",
        "Sultan, Farley & Lehmann (1990); Bass (1969)", published, text, "within 5% of t*",
        fabs(s.mean - peak) <= 0.05 * peak);
    wom_aggregate_point_destroy(&p);
    finish(&e);
}

/* Long-run elasticity of new customers to word of mouth against that to
 * advertising: good messages raised by telling 10% more after a good
 * experience, advertising raised by 10%; 20 replications each. */
static double mean_of(const wom_aggregate_point_t *p, measure_fn *measure) {
    return over_replications(p, measure).mean;
}

static void elasticity_row(table_t *t) {
    experiment_t e;
    start(&e, BASELINE,
          (const char *const[]){"simulation.replications=20", "wom.satisfied_tell_mean=5, 5.5",
                                "adoption.advertising=0.0005, 0.00055", NULL});
    wom_aggregate_point_t points[4];
    double customers[4], messages[4];
    for (uint32_t i = 0; i < 4; i++) { /* [tells][advertising] */
        point_of(&e, i, &points[i]);
        customers[i] = mean_of(&points[i], new_customers);
        messages[i] = mean_of(&points[i], good_messages);
        wom_aggregate_point_destroy(&points[i]);
    }
    finish(&e);
    double wom = log(customers[2] / customers[0]) / log(messages[2] / messages[0]);
    double advertising = log(customers[1] / customers[0]) / log(1.1);
    char text[160];
    snprintf(text, sizeof text, "%.2f to good word of mouth, %.3f to advertising", wom,
             advertising);
    row(t, "elasticity of new customers", "Trusov, Bucklin & Pauwels (2009)",
        "0.53 to referrals, about 20 times marketing's", text,
        "word of mouth's within a factor 2 of 0.53 and above advertising's",
        wom >= 0.53 / 2 && wom <= 0.53 * 2 && wom > advertising);
}

int main(int argc, char **argv) {
    table_t t = {argc == 2 && strcmp(argv[1], "--markdown") == 0, 0};
    if (argc > 2 || (argc == 2 && !t.markdown)) {
        fprintf(stderr, "usage: validate [--markdown]\n");
        return 64;
    }
    gsl_set_error_handler_off();
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    if (t.markdown) {
        puts("| figure | source | published | simulated: mean [95% CI] | criterion | result |\n"
             "|---|---|---|---|---|---|");
    }
    baseline_rows(&t);
    poor_service_rows(&t);
    more_bad_news_row(&t);
    repurchase_row(&t);
    bass_row(&t);
    elasticity_row(&t);
    return t.failed > 0 ? 1 : 0;
}
