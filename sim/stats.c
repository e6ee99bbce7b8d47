/* stats.c: summaries across replications with GSL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

void wom_stats_summarize(const double *values, size_t count, wom_stats_summary_t *summary) {
    double mean = gsl_stats_mean(values, 1, count);
    *summary = (wom_stats_summary_t){mean, 0, mean, mean};
    if (count < 2) {
        return;
    }
    double sd = gsl_stats_sd_m(values, 1, count, mean);
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(count - 1)) * sd / sqrt((double)count);
    *summary = (wom_stats_summary_t){mean, sd, mean - half, mean + half};
}

wom_status wom_stats_series(const wom_metrics_table_t *result, const wom_metrics_layout_t *layout,
                            wom_stats_summary_t **table) {
    size_t steps = result->steps + 1, columns = (size_t)layout->count;
    size_t replications = result->replications;
    *table = malloc(steps * columns * sizeof **table);
    /* series[r][t] of one column, then values[r] of one step */
    double *series = malloc(replications * steps * sizeof *series);
    double *values = malloc(replications * sizeof *values);
    wom_status status = *table && series && values ? WOM_OK : WOM_ENOMEM;
    for (size_t column = 0; status == WOM_OK && column < columns; column++) {
        for (uint32_t r = 0; r < replications; r++) {
            wom_metrics_series(layout, (int)column, wom_metrics_table_row(result, r, 0),
                               result->steps, result->agents, &series[r * steps]);
        }
        for (size_t t = 0; t < steps; t++) {
            for (size_t r = 0; r < replications; r++) {
                values[r] = series[r * steps + t];
            }
            wom_stats_summarize(values, replications, &(*table)[t * columns + column]);
        }
    }
    free(series);
    free(values);
    if (status != WOM_OK) {
        free(*table);
        *table = NULL;
    }
    return status;
}

double wom_stats_pooled_ratio(const wom_metrics_table_t *result, int numerator, int denominator) {
    int64_t top = 0, bottom = 0;
    for (uint32_t r = 0; r < result->replications; r++) {
        for (uint32_t t = 0; t <= result->steps; t++) {
            top += wom_metrics_table_row(result, r, t)->count[numerator];
            bottom += wom_metrics_table_row(result, r, t)->count[denominator];
        }
    }
    return bottom > 0 ? (double)top / (double)bottom : 0;
}
