/* stats.c: summaries across replications with GSL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

/* t(0.975, count - 1), the interval's factor; 0 below two values. */
static double t_critical(size_t count) {
    return count < 2 ? 0 : gsl_cdf_tdist_Pinv(0.975, (double)(count - 1));
}

/* wom_stats_summarize with t_critical(count) given: a series asks GSL's
 * quantile once, not at every step (it dominated writing many points). */
static void summarize(const double *values, size_t count, double t_factor,
                      wom_stats_summary_t *summary) {
    double mean = gsl_stats_mean(values, 1, count);
    *summary = (wom_stats_summary_t){mean, 0, mean, mean};
    if (count < 2) {
        return;
    }
    double sd = gsl_stats_sd_m(values, 1, count, mean);
    double half = t_factor * sd / sqrt((double)count);
    *summary = (wom_stats_summary_t){mean, sd, mean - half, mean + half};
}

void wom_stats_summarize(const double *values, size_t count, wom_stats_summary_t *summary) {
    summarize(values, count, t_critical(count), summary);
}

/* Column `column`'s summaries at every step into table[t * columns +
 * column], and of its total over days 1..steps into totals[column];
 * `series` and `values` are scratch of replications x (steps + 1) and
 * replications doubles. */
static void summarize_column(const wom_metrics_table_t *result, const wom_metrics_layout_t *layout,
                             size_t column, double *series, double *values,
                             wom_stats_summary_t *table, wom_stats_summary_t *totals) {
    size_t steps = result->steps + 1, columns = (size_t)layout->count;
    size_t replications = result->replications;
    double t_factor = t_critical(replications);
    for (uint32_t r = 0; r < replications; r++) {
        wom_metrics_series(layout, (int)column, wom_metrics_table_row(result, r, 0), result->steps,
                           result->agents, &series[r * steps]);
    }
    for (size_t t = 0; t < steps; t++) {
        for (size_t r = 0; r < replications; r++) {
            values[r] = series[r * steps + t];
        }
        summarize(values, replications, t_factor, &table[t * columns + column]);
    }
    for (size_t r = 0; r < replications; r++) {
        double total = 0; /* summed in day order */
        for (size_t t = 1; t < steps; t++) {
            total += series[r * steps + t];
        }
        values[r] = total;
    }
    summarize(values, replications, t_factor, &totals[column]);
}

wom_status wom_stats_series(const wom_metrics_table_t *result, const wom_metrics_layout_t *layout,
                            wom_stats_summary_t **table, wom_stats_summary_t **totals) {
    size_t steps = result->steps + 1, columns = (size_t)layout->count;
    size_t replications = result->replications;
    *table = malloc(steps * columns * sizeof **table);
    *totals = malloc((columns + 1) * sizeof **totals);
    double *series = malloc(replications * steps * sizeof *series);
    double *values = malloc(replications * sizeof *values);
    wom_status status = *table && *totals && series && values ? WOM_OK : WOM_ENOMEM;
    for (size_t column = 0; status == WOM_OK && column < columns; column++) {
        summarize_column(result, layout, column, series, values, *table, *totals);
    }
    free(series);
    free(values);
    if (status != WOM_OK) {
        free(*table);
        free(*totals);
        *table = *totals = NULL;
    }
    return status;
}

int64_t wom_stats_pooled_sum(const wom_metrics_table_t *result, int counter) {
    int64_t sum = 0;
    for (uint32_t r = 0; r < result->replications; r++) {
        for (uint32_t t = 1; t <= result->steps; t++) {
            sum += wom_metrics_table_row(result, r, t)->count[counter];
        }
    }
    return sum;
}

double wom_stats_pooled_ratio(const wom_metrics_table_t *result, int numerator, int denominator) {
    int64_t bottom = wom_stats_pooled_sum(result, denominator);
    return bottom > 0 ? (double)wom_stats_pooled_sum(result, numerator) / (double)bottom : 0;
}
