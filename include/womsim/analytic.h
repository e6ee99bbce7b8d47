/* analytic.h: the analytic companions of the classic kinds ic, sir and
 * bass (docs/model.md), written next to the simulated curves so that a run
 * checks itself against theory.
 *
 * Transmissibility. In a step an infected node first tries each susceptible
 * out-neighbour (probability beta), then recovers (gamma); see sim/kind_cascade.c.
 * A node infected in step t0 tries in steps t0 + 1, ..., t0 + L, where L >= 1
 * is geometric: P(L = l) = gamma (1 - gamma)^(l - 1). It passes the infection
 * along one arc unless all L tries fail:
 *   T = 1 - E[(1 - beta)^L]
 *     = 1 - gamma (1 - beta) / (1 - (1 - gamma)(1 - beta))
 *     = beta / (beta + gamma - beta gamma).
 * gamma = 1 gives T = beta: ic with p = beta (ic's T is p). (Recovering
 * before trying would give L - 1 tries and T = beta (1 - gamma) / (beta +
 * gamma - beta gamma) instead.)
 *
 * Final size on Erdos-Renyi graphs (mean degree c, large N). A node escapes
 * when every arc into it from an eventually infected node fails; their
 * number is Poisson with mean c S, each transmitting with T, so with a share
 * rho of seeds (infected whatever happens)
 *   1 - S = (1 - rho) exp(-c T S),
 * and as rho -> 0 the large-outbreak share solves S = 1 - exp(-c T S), with
 * a positive root only when c T > 1. With rho > 0 the root also gives the
 * mean below threshold: S ~ rho / (1 - c T), the expected total of a
 * subcritical branching process per seed. In sir one node's tries share its
 * L, but tracing a node's infection backwards uses one arc out of each
 * ancestor, so the share infected in a large outbreak depends on T alone
 * (Kenah & Robins 2007, Phys. Rev. E 76, 036113); the chance of a large
 * outbreak does not, which does not matter with many seeds.
 *
 * Epidemic threshold of the actual graph (Newman 2002, Phys. Rev. E 66,
 * 016128): a cascade reaching a node along one edge finds on average
 * (<k^2> - <k>) / <k> further edges, so it can grow when T exceeds
 *   T_c = <k> / (<k^2> - <k>)    (undirected),
 *   T_c = <k> / <k_in k_out>     (directed: the arc's head has on average
 *                                 <k_in k_out> / <k_in> out-arcs).
 * On Erdos-Renyi graphs both are 1 / c.
 *
 * Bass on a complete graph. p and q are rates per period of P steps
 * (bass.period: 365 with p and q per year and a step a day). With a share
 * F(t) adopted, each non-adopter sees the adopting share F among its
 * neighbours (n - 1 of them; the difference from n is O(1/n)) and adopts in
 * a step with probability 1 - exp(-(p + q F) / P), so the mean-field is
 *   F(t + 1) = F(t) + (1 - e^{-(p + q F(t)) / P}) (1 - F(t)),  F(0) = 0,
 * increasing to 1 when p > 0. Its continuous-time limit, with time in
 * periods, dF/dt = (p + q F)(1 - F), has Bass's closed form
 *   F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}),
 * whose adoptions per period peak at t* = ln(q/p) / (p + q) periods when
 * q > p (Bass 1969).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_ANALYTIC_H
#define WOMSIM_ANALYTIC_H

#include <stdbool.h>
#include <stdint.h>

#include "womsim/config.h"
#include "womsim/graph.h"
#include "womsim/status.h"

/* The analytic companions of one run of a classic kind. */
typedef struct {
    int kind;           /* wom_model_kind of the run (not WOM_KIND_WOM) */
    uint32_t steps;     /* simulation.steps */
    uint32_t nodes;     /* of the actual graph */
    double mean_degree; /* c: mean out-degree of the actual graph (arcs / nodes) */
    /* ic, sir */
    double transmissibility;     /* T in [0, 1]: p (ic), beta / (beta + gamma - beta gamma) (sir) */
    double threshold;            /* T_c of the actual graph; INFINITY when no cascade can grow */
    double seeded;               /* rho: seeds / nodes, in [0, 1] */
    bool has_final_share;        /* on erdos-renyi graphs only */
    double final_share;          /* S solving 1 - S = (1 - rho) exp(-c T S), in [rho, 1] */
    double large_outbreak_share; /* the same with rho -> 0: S = 1 - exp(-c T S), in [0, 1] */
    /* bass */
    double p, q;             /* bass.p, bass.q: per period */
    double period;           /* bass.period: steps in a period */
    double peak_step;        /* P t*: the step adoptions peak on the continuous curve; 0 if
                                q <= p (they decline from the start) */
    double final_meanfield;  /* F(steps) of the discrete recursion, in [0, 1] */
    double final_continuous; /* F(steps) of the continuous Bass curve, in [0, 1] */
} wom_analytic_t;

/* The root S in [rho, 1] of 1 - S = (1 - rho) exp(-ct S), where ct = c T >=
 * 0 and rho = `seeded` in [0, 1] (GSL's Brent solver). With rho = 0: the
 * large-outbreak share, 0 when ct <= 1. WOM_EINVAL for arguments out of
 * range; WOM_ELIBRARY if the solver does not converge. */
wom_status wom_analytic_final_share(double ct, double seeded, double *share);

/* T = beta / (beta + gamma - beta gamma) for tries before recovery in a
 * step; 0 when beta = 0. */
double wom_analytic_transmissibility(double beta, double gamma);

/* T_c of `graph` (formulas above); INFINITY when no node has two edges
 * (undirected) or no arc continues another (directed). */
wom_status wom_analytic_threshold(const wom_graph_t *graph, double *threshold);

/* One step of the Bass mean-field recursion: F + (1 - e^{-(p + q F)/P})(1 - F),
 * P = `period` steps. */
double wom_analytic_bass_next(double p, double q, double period, double share);

/* The continuous Bass curve at time t >= 0 periods; 0 when p = 0. */
double wom_analytic_bass_continuous(double p, double q, double t);

/* Everything above for a run of `scenario` (a classic kind) on `graph`. */
wom_status wom_analytic_compute(const wom_scenario_t *scenario, const wom_graph_t *graph,
                                wom_analytic_t *analytic);

#endif
