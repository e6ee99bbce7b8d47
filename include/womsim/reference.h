/* reference.h: the reference models of MODEL.md (model.kind = ic, sir,
 * bass), run on the same graph, random streams, run, stats and outputs as
 * the wom kind, so that the simulator can be checked against theory. They
 * use the arrays of wom_model_t; wom_model_reset and wom_model_step call
 * these for the reference kinds.
 *
 * ic and sir share one cascade kernel. In step t:
 *   1. every node infected (ic: active) at the start of the step tries each
 *      out-neighbour that is susceptible at the start of the step, once,
 *      succeeding with ic.p (sir.beta); a success makes the neighbour
 *      infected from the end of the step on;
 *   2. then every node that was infected at the start of the step recovers
 *      (ic: is removed) with sir.gamma (ic: always).
 * So a sir node infects for L >= 1 steps with P(L = l) = gamma (1 -
 * gamma)^(l - 1), and ic is sir with gamma = 1.
 *
 * bass: a non-adopter v adopts with probability p + q * a_v / d_v, where a_v
 * counts the adopters among its in-neighbours at the start of the step and
 * d_v is its in-degree (p alone when d_v = 0). Arcs point from teller to
 * hearer (network.directed), so a node imitates those it hears from; on an
 * undirected graph in- and out-neighbours are the same, and this is
 * MODEL.md's "adopting neighbours / degree".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_REFERENCE_H
#define WOMSIM_REFERENCE_H

#include "womsim/metrics.h"
#include "womsim/model.h"

/* Agent states of the reference kinds: bass keeps them in
 * wom_model_t.state; the cascades keep only a reached set
 * (wom_reference_reached) and counts, and name their states so. */
enum {
    WOM_REF_SUSCEPTIBLE = 0, /* ic: inactive; sir: susceptible; bass: not adopted */
    WOM_REF_ACTIVE = 1,      /* ic: activated last step; sir: infected; bass: adopted */
    WOM_REF_REMOVED = 2,     /* ic: activated earlier; sir: recovered */
    WOM_REF_FRESH = 3        /* bass, within a step only: adopted during it */
};

/* Seeds the kind's initial state (arrays already cleared, model->task set)
 * and records step 0 into `row` (zeroed by the caller). */
void wom_reference_reset(wom_model_t *model, wom_metrics_row_t *row);

/* One step of the kind (model->step already counts it). */
void wom_reference_step(wom_model_t *model, wom_metrics_row_t *row);

/* ic and sir: whether `node` has been infected since the last reset. */
bool wom_reference_reached(const wom_model_t *model, uint32_t node);

#endif
