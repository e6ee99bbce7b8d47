/* calibrate_internal.h (private): what the files of the calibrate module
 * share: calibrate.c sets up a problem and runs one point's batch,
 * calibrate_search.c searches with them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_CALIBRATE_INTERNAL_H
#define WOMSIM_CALIBRATE_INTERNAL_H

#include <stdbool.h>

#include "womsim/calibrate.h"

/* Sets one key of the working config, "name=value" made by `format`;
 * errors name cal->origin. */
wom_status wom_calibrate_set(wom_calibrate_t *cal, wom_error_t *error, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets every free key to its value in values[keys]. */
wom_status wom_calibrate_set_values(wom_calibrate_t *cal, const double *values, wom_error_t *error);

/* Runs the working config as it stands as a batch in options->work_dir.
 * On success the caller reads it and ends it with wom_calibrate_batch_end;
 * on failure it is already ended. *stopped when options->stop left tasks
 * undone. */
wom_status wom_calibrate_batch(wom_calibrate_t *cal, const wom_calibrate_options_t *options,
                               wom_batch_t *batch, bool *stopped, wom_error_t *error);

/* Removes the batch's task files and destroys it; returns `status`, or
 * the failure to remove a file when `status` is WOM_OK. */
wom_status wom_calibrate_batch_end(wom_batch_t *batch, wom_status status, wom_error_t *error);

/* Point `point` of a run batch: each fitted metric's replication mean on
 * each observed day into fitted[rows x metrics]; when `series` is not
 * NULL also its mean and band on every day into series->mean, band_lo and
 * band_hi (allocated by the caller). */
wom_status wom_calibrate_point(const wom_calibrate_t *cal, wom_batch_t *batch, uint32_t point,
                               double *fitted, wom_calibrate_result_t *series, wom_error_t *error);

/* One evaluation: the free keys set to values[keys], the working config's
 * replications run as one point, wom_calibrate_point's numbers out. */
wom_status wom_calibrate_simulate(wom_calibrate_t *cal, const wom_calibrate_options_t *options,
                                  const double *values, double *fitted,
                                  wom_calibrate_result_t *series, bool *stopped,
                                  wom_error_t *error);

#endif
