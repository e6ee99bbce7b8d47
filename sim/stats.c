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

wom_status wom_stats_series(const wom_run_result_t *result, wom_stats_summary_t **table) {
    size_t steps = result->steps + 1;
    *table = malloc(steps * WOM_M_COLUMNS * sizeof **table);
    double *values = malloc(result->replications * sizeof *values);
    if (*table == NULL || values == NULL) {
        free(*table);
        free(values);
        *table = NULL;
        return WOM_ENOMEM;
    }
    for (uint32_t t = 0; t < steps; t++) {
        for (int column = 0; column < WOM_M_COLUMNS; column++) {
            for (uint32_t r = 0; r < result->replications; r++) {
                values[r] = wom_metrics_value(wom_run_row(result, r, t), column, result->agents);
            }
            wom_stats_summarize(values, result->replications,
                                &(*table)[t * WOM_M_COLUMNS + (size_t)column]);
        }
    }
    free(values);
    return WOM_OK;
}

double wom_stats_pooled_ratio(const wom_run_result_t *result, int numerator, int denominator) {
    int64_t top = 0, bottom = 0;
    for (uint32_t r = 0; r < result->replications; r++) {
        for (uint32_t t = 0; t <= result->steps; t++) {
            top += wom_run_row(result, r, t)->count[numerator];
            bottom += wom_run_row(result, r, t)->count[denominator];
        }
    }
    return bottom > 0 ? (double)top / (double)bottom : 0;
}
