/* analytic.c: the theory the classic kinds are checked against
 * (analytic.h derives every formula). Workload: once per run, after the
 * simulation: one root (a few dozen Brent iterations), one pass over the
 * graph's degrees (and, when directed, its arcs), and steps + 1 terms of
 * the Bass recursion.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/analytic.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

enum { MAX_ITERATIONS = 200 };

/* ---- final size ---- */

typedef struct {
    double ct;     /* c T */
    double seeded; /* rho */
} final_size_t;

/* S - 1 + (1 - rho) exp(-ct S): convex in S, negative between its roots. */
static double final_size_gap(double share, void *params) {
    const final_size_t *f = params;
    return share - 1 + (1 - f->seeded) * exp(-f->ct * share);
}

/* Brent's method on a bracket [lo, hi] with gap(lo) < 0 < gap(hi), to a
 * relative width of 2 ulp. */
static wom_status brent(gsl_function *function, double lo, double hi, double *root) {
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (solver == NULL) {
        return WOM_ENOMEM;
    }
    int status = gsl_root_fsolver_set(solver, function, lo, hi);
    bool converged = false;
    for (int i = 0; status == GSL_SUCCESS && !converged && i < MAX_ITERATIONS; i++) {
        status = gsl_root_fsolver_iterate(solver);
        converged = gsl_root_test_interval(gsl_root_fsolver_x_lower(solver),
                                           gsl_root_fsolver_x_upper(solver), 0,
                                           2 * DBL_EPSILON) == GSL_SUCCESS;
    }
    *root = gsl_root_fsolver_root(solver);
    gsl_root_fsolver_free(solver);
    return status == GSL_SUCCESS && converged ? WOM_OK : WOM_ELIBRARY;
}

/* The root lies above rho (gap(rho) <= 0) and, when ct > 1, above 1 - 1/ct
 * (gap = -1/ct + (1 - rho) e^{1 - ct} < 0 there, as e^{ct - 1} > ct); and
 * gap(1) = (1 - rho) e^{-ct} >= 0. With rho = 0 and ct <= 1 the bracket
 * starts at the root 0. */
wom_status wom_analytic_final_share(double ct, double seeded, double *share) {
    *share = 0;
    if (!(ct >= 0 && isfinite(ct) && seeded >= 0 && seeded <= 1)) {
        return WOM_EINVAL;
    }
    final_size_t params = {ct, seeded};
    gsl_function function = {final_size_gap, &params};
    double lo = seeded;
    if (ct > 1 && 1 - 1 / ct > lo) {
        lo = 1 - 1 / ct;
    }
    if (final_size_gap(lo, &params) >= 0) {
        *share = lo;
        return WOM_OK;
    }
    if (final_size_gap(1, &params) <= 0) {
        *share = 1;
        return WOM_OK;
    }
    return brent(&function, lo, 1, share);
}

double wom_analytic_transmissibility(double beta, double gamma) {
    if (beta <= 0) {
        return 0;
    }
    return beta / (beta + gamma - beta * gamma);
}

/* ---- threshold ---- */

/* Sum of k_in k_out over the nodes of a directed graph. */
static wom_status in_out_products(const wom_graph_t *graph, double *sum) {
    uint32_t *in_degree = calloc(graph->nodes + 1, sizeof *in_degree);
    if (in_degree == NULL) {
        return WOM_ENOMEM;
    }
    for (uint64_t arc = 0; arc < graph->arcs; arc++) {
        in_degree[graph->targets[arc]]++;
    }
    *sum = 0;
    for (uint32_t v = 0; v < graph->nodes; v++) {
        *sum += (double)in_degree[v] * wom_graph_degree(graph, v);
    }
    free(in_degree);
    return WOM_OK;
}

/* Sums run over nodes in id order (exact in doubles below 2^53). The sum
 * of degrees is the number of arcs either way. */
wom_status wom_analytic_threshold(const wom_graph_t *graph, double *threshold) {
    *threshold = INFINITY;
    double continuations = 0;
    if (graph->directed) {
        wom_status status = in_out_products(graph, &continuations);
        if (status != WOM_OK) {
            return status;
        }
    } else {
        for (uint32_t v = 0; v < graph->nodes; v++) {
            double k = wom_graph_degree(graph, v);
            continuations += k * (k - 1);
        }
    }
    if (continuations > 0) {
        *threshold = (double)graph->arcs / continuations;
    }
    return WOM_OK;
}

/* ---- Bass ---- */

double wom_analytic_bass_next(double p, double q, double period, double share) {
    return share + (1 - exp(-(p + q * share) / period)) * (1 - share);
}

/* Written as p (1 - e) / (p + q e), which is 0 at p = 0 rather than 0/0. */
double wom_analytic_bass_continuous(double p, double q, double t) {
    if (p <= 0) {
        return 0;
    }
    double decay = exp(-(p + q) * t);
    return p * (1 - decay) / (p + q * decay);
}

/* ---- one run's companions ---- */

static wom_status cascade_companions(const wom_scenario_t *s, const wom_graph_t *graph,
                                     wom_analytic_t *a) {
    int64_t seeds = s->model.kind == WOM_KIND_IC ? s->ic.seeds : s->sir.seeds;
    a->transmissibility = s->model.kind == WOM_KIND_IC
                              ? s->ic.p
                              : wom_analytic_transmissibility(s->sir.beta, s->sir.gamma);
    a->seeded = a->nodes > 0 && seeds < (int64_t)a->nodes ? (double)seeds / a->nodes : 1;
    wom_status status = wom_analytic_threshold(graph, &a->threshold);
    if (status == WOM_OK && s->network.model == WOM_NET_ERDOS_RENYI) {
        a->has_final_share = true;
        status = wom_analytic_final_share(a->mean_degree * a->transmissibility, a->seeded,
                                          &a->final_share);
    }
    if (status == WOM_OK && a->has_final_share) {
        status = wom_analytic_final_share(a->mean_degree * a->transmissibility, 0,
                                          &a->large_outbreak_share);
    }
    return status;
}

static void bass_companions(const wom_scenario_t *s, wom_analytic_t *a) {
    a->p = s->bass.p;
    a->q = s->bass.q;
    a->period = (double)s->bass.period;
    double share = 0;
    for (uint32_t t = 0; t < a->steps; t++) {
        share = wom_analytic_bass_next(a->p, a->q, a->period, share);
    }
    a->final_meanfield = share;
    a->final_continuous = wom_analytic_bass_continuous(a->p, a->q, a->steps / a->period);
    a->peak_step = a->q > a->p && a->p > 0 ? a->period * log(a->q / a->p) / (a->p + a->q) : 0;
}

wom_status wom_analytic_compute(const wom_scenario_t *scenario, const wom_graph_t *graph,
                                wom_analytic_t *analytic) {
    memset(analytic, 0, sizeof *analytic);
    if (scenario->model.kind == WOM_KIND_WOM) {
        return WOM_EINVAL;
    }
    analytic->kind = scenario->model.kind;
    analytic->steps = (uint32_t)scenario->simulation.steps;
    analytic->nodes = graph->nodes;
    analytic->mean_degree = graph->nodes > 0 ? (double)graph->arcs / graph->nodes : 0;
    if (scenario->model.kind == WOM_KIND_BASS) {
        bass_companions(scenario, analytic);
        return WOM_OK;
    }
    return cascade_companions(scenario, graph, analytic);
}
