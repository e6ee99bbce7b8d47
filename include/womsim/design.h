/* design.h: experimental designs in the unit cube [0, 1]^k: the points at
 * which a sampled sweep (--design) or a sensitivity analysis runs the
 * model. Pure computation: the config maps each unit value to its key's
 * range; sensitivity.h analyses the outputs. Workload: a few thousand
 * points of up to a few dozen factors, made once per command.
 *
 * Random designs (LHS, Morris) are keyed streams (sim/rng.h), so a design
 * depends only on its seed: stream (seed, task 0, step = the method, agent
 * = the factor (LHS) or the trajectory (Morris), site WOM_SITE_DESIGN).
 * Sobol and Saltelli designs are GSL's Sobol sequence (gsl_qrng_sobol) and
 * ignore the seed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_DESIGN_H
#define WOMSIM_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "womsim/status.h"

typedef enum {
    WOM_DESIGN_GRID,    /* the config's own sweep (every combination): no points here */
    WOM_DESIGN_LHS,     /* Latin hypercube: `size` points, one per stratum of each factor */
    WOM_DESIGN_SOBOL,   /* the first `size` points of the Sobol sequence */
    WOM_DESIGN_MORRIS,  /* `size` one-at-a-time trajectories of k + 1 points (Morris 1991) */
    WOM_DESIGN_SALTELLI /* `size` base samples of k + 2 points for Sobol indices */
} wom_design_method;

/* GSL's Sobol sequence has at most 40 dimensions (so a Saltelli design,
 * which takes 2k of them, at most 20 factors) and 2^30 - 1 points. */
#define WOM_DESIGN_SOBOL_MAX_DIMENSIONS 40
#define WOM_DESIGN_SOBOL_MAX_POINTS     ((UINT32_C(1) << 30) - 1)

/* The number of points (rows) of a design of `size` and `factors` k >= 1:
 * LHS, Sobol: size; Morris (size = trajectories r): r (k + 1); Saltelli
 * (size = base samples N): N (k + 2). 0 for a bad argument (GRID, size or
 * factors 0, more factors or points than GSL's Sobol sequence has, LHS
 * size or Morris trajectories or factors above 2^32 - 1) or when points x
 * factors doubles would not fit in a size_t. */
size_t wom_design_points(wom_design_method method, size_t size, size_t factors);

/* Fills unit[points x factors] (row-major: point p's factor f at
 * unit[p * factors + f]) with the design's points in [0, 1]:
 *
 * - LHS: each factor's column is a random permutation of the strata
 *   [s / size, (s + 1) / size), each value uniform within its stratum.
 * - Sobol: points 1 .. size of the sequence in `factors` dimensions; GSL
 *   already leaves out point 0, which is all zeros, so row 0 is (0.5, ...,
 *   0.5).
 * - Morris: `levels` p (even, >= 2) grid levels {0, 1/(p-1), ..., 1}, step
 *   Delta = p / (2 (p - 1)). Each trajectory takes a random base point
 *   among the levels x with x + Delta <= 1, a random direction per factor
 *   (it starts at x and moves up, or starts at x + Delta and moves down)
 *   and a random order of the factors: consecutive rows differ in exactly
 *   one factor, by +Delta or -Delta, and each factor moves once. Plain
 *   random trajectories, not Campolongo et al.'s (2007) spread-out
 *   selection. Trajectories are consecutive.
 * - Saltelli (Saltelli 2002; Saltelli et al. 2010): Sobol points of 2k
 *   dimensions; for base sample j, A_j = the first k, B_j = the last k.
 *   Rows per j, in this order: A_j, B_j, then AB_j^(i) for i = 0 .. k - 1
 *   (A_j with factor i taken from B_j). Base samples are consecutive.
 *
 * `levels` is read by Morris only; `seed` by LHS and Morris only. Returns
 * WOM_EINVAL when wom_design_points is 0 or `levels` is odd or below 2
 * (Morris), WOM_ENOMEM when GSL's generator cannot be allocated. */
wom_status wom_design_unit(wom_design_method method, size_t size, size_t factors, unsigned levels,
                           uint64_t seed, double *unit);

#endif
