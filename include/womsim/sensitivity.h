/* sensitivity.h: global sensitivity analysis of a model output over the
 * points of a design (design.h): Morris's elementary effects (screening:
 * which factors matter at all) and Sobol indices (how much of the output's
 * variance each factor explains, alone and with the others). Pure
 * computation on arrays the caller owns; the model runs elsewhere.
 * Workload: a few thousand outputs and a thousand bootstrap resamplings,
 * once per command.
 *
 * Intervals are 95% percentile bootstrap intervals: the design's
 * trajectories (Morris) or base samples (Sobol) are resampled with
 * replacement `resamples` times, the estimate remade each time, and the
 * 2.5% and 97.5% quantiles of the remade estimates taken (GSL's
 * interpolated quantiles). Resampling b draws from the keyed stream (seed,
 * task 0, step = the design method (WOM_DESIGN_MORRIS or
 * WOM_DESIGN_SALTELLI), agent = b, site WOM_SITE_BOOTSTRAP), so intervals
 * depend only on the seed. They treat the points as independent: for a
 * Sobol design, whose points are more even than random ones, they are
 * wider than the estimates' actual error.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_SENSITIVITY_H
#define WOMSIM_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "womsim/status.h"

/* One factor's elementary effects, in units of the output per the factor's
 * whole range (the unit interval). */
typedef struct {
    double mu_star;    /* mean |EE|: the factor's overall influence, >= 0 */
    double mu_star_lo; /* its 95% bootstrap interval */
    double mu_star_hi;
    double mu;    /* mean EE: its sign says the direction, near 0 for effects that cancel */
    double sigma; /* sd of EE (n - 1; 0 for one trajectory): interactions or curvature */
} wom_morris_t;

/* Elementary effects from a Morris design: `unit` as wom_design_unit makes
 * it (trajectories x (k + 1) rows of `factors` k values, trajectories
 * consecutive; any one-at-a-time design will do) and the model's outputs
 * y[trajectories x (k + 1)]. Each step between consecutive rows of a
 * trajectory gives factor f's effect EE = (y_next - y_prev) / (x_next_f -
 * x_prev_f), a signed step in unit space. Writes out[factors]. Returns
 * WOM_EINVAL when an argument is NULL or 0, the design's size is refused
 * by wom_design_points, resamples exceeds 2^32 - 1, a step does not change
 * exactly one factor, a trajectory does not move every factor, or an
 * output is not finite; WOM_ENOMEM when its scratch (trajectories x k +
 * k x resamples doubles) cannot be allocated. */
wom_status wom_sensitivity_morris(size_t trajectories, size_t factors, const double *unit,
                                  const double *y, uint64_t seed, size_t resamples,
                                  wom_morris_t *out);

/* One factor's Sobol indices, shares of the output's variance. */
typedef struct {
    double s1; /* first order: the share the factor explains alone, in [0, 1] up to noise */
    double s1_lo, s1_hi; /* its 95% bootstrap interval */
    double st;           /* total: alone and in interactions with the others, >= s1 up to noise */
    double st_lo, st_hi;
} wom_sobol_t;

/* Sobol indices from a Saltelli design's outputs y[size x (k + 2)], in
 * wom_design_unit's row order (per base sample j: A_j, B_j, AB_j^(0) ..
 * AB_j^(k-1)). With means over j and V the variance of all 2 size values
 * f(A_j) and f(B_j) (divided by 2 size, as SALib does):
 *   S1_i = mean(f(B) (f(AB^(i)) - f(A))) / V       (Saltelli et al. 2010)
 *   ST_i = mean((f(A) - f(AB^(i)))^2) / (2 V)      (Jansen 1999)
 * the usual pairing (Saltelli et al. 2010, table 2; SALib's too). Like
 * SALib, the outputs are first centred (here on the mean of all f(A) and
 * f(B)): S1's expectation stays the same, but its error no longer grows
 * with the outputs' mean, which otherwise multiplies it by about |mean| /
 * sd (a count of customers around 5,000 +/- 200: 25 times). A factor the
 * output ignores gets exactly 0 for both, and an output that does not vary
 * (V = 0) gives every index and interval 0: no factor explains any
 * variance. Writes out[factors]. Returns WOM_EINVAL when an
 * argument is NULL or 0, wom_design_points refuses a Saltelli design of
 * this size, resamples exceeds 2^32 - 1 or an output is not finite;
 * WOM_ENOMEM when its scratch (2k (resamples + 1) doubles) cannot be
 * allocated. */
wom_status wom_sensitivity_sobol(size_t size, size_t factors, const double *y, uint64_t seed,
                                 size_t resamples, wom_sobol_t *out);

#endif
