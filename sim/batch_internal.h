/* batch_internal.h (private): what the files of the batch module share:
 * batch.c runs the tasks, batch_tasks.c reads and writes task files,
 * batch_folder.c makes the result folder ready, batch_estimate.c times a
 * short calibration.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_BATCH_INTERNAL_H
#define WOMSIM_BATCH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "womsim/batch.h"

/* The graph depends on the network keys and the seed only. Both scenarios
 * come from wom_config_scenario, which zeroes them first, so their bytes
 * (padding and the tail of network.file included) compare. */
static inline bool wom_batch_same_network(const wom_scenario_t *a, const wom_scenario_t *b) {
    return a->simulation.seed == b->simulation.seed &&
           memcmp(&a->network, &b->network, sizeof a->network) == 0;
}

/* Seconds on the monotonic clock. */
static inline double wom_batch_wall_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

/* Whether task `run_id`'s bit is set in `done` (a bit per task; NULL: no
 * task is done). */
static inline bool wom_batch_is_done(const uint8_t *done, uint32_t run_id) {
    return done != NULL && (done[run_id / 8] >> (run_id % 8) & 1) != 0;
}

/* Sets the bit in `done` of each task of this shard whose file is valid,
 * counting them in batch->tasks_kept and the damaged ones in
 * batch->tasks_damaged (the first one's reason in batch->damaged). Reads
 * every such file once, as aggregation will again. */
wom_status wom_batch_find_done(wom_batch_t *batch, uint8_t *done, wom_error_t *error);

/* Whether `path` is a whole task file of a scenario other than the one
 * whose hash is `ours`; that scenario's hash then goes to `hash`. */
bool wom_batch_task_of_another_scenario(const char *path, const char *ours, char hash[65]);

/* Before the first task: locks the folder (wom_batch_lock), refuses
 * another scenario's task files (WOM_EDATA)
 * or replaces them after a finished run, and removes this shard's
 * temporary files and its stale manifest. */
wom_status wom_batch_prepare_folder(wom_batch_t *batch, wom_error_t *error);

#endif
