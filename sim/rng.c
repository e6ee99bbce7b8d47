/* rng.c: the gsl_rng adapter over keyed Philox streams, through Random123's
 * gsl_microrng.h. The inline raw-word stream lives in rng.h. Workload: one
 * reset and a few draws per tell (GSL's Poisson and friends need a handful
 * of words), millions of times per run.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "rng.h"

#include <Random123/gsl_microrng.h>

/* Declares the gsl_rng type `gsl_rng_wom_philox` and wom_philox_reset().
 * The macro defines the type pointer as a file-level variable; it is set
 * once here and never changed, so it holds no run state. The adapter ORs
 * its block count into the last counter word, which the key leaves free
 * (rng.h), so each reset gives 2^32 blocks. */
GSL_MICRORNG(wom_philox, philox4x32);

gsl_rng *wom_rng_alloc_gsl(void) {
    return gsl_rng_alloc(gsl_rng_wom_philox);
}

void wom_rng_reset_gsl(gsl_rng *rng, wom_rng_key_t key) {
    philox4x32_key_t philox_key;
    philox4x32_ctr_t counter;
    wom_rng_pack(key, &philox_key, &counter);
    wom_philox_reset(rng, counter, philox_key);
}

const char *wom_rng_name(void) {
    return "philox4x32-10 (Random123), keyed (seed, task, step, agent, site)";
}
