/* bassfit.h: the Bass (1969) model fitted to observed adoptions per period
 * (womsim fit --bass), and the reader of the table they come in.
 *
 * The model. With p the coefficient of innovation, q of imitation (both per
 * period) and m the market size, the share adopted by time t (in periods
 * from the start of the first period) is
 *   F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}),
 * and period t (t = 1, 2, ..., n for the rows) brings
 *   S(t) = m [F(t) - F(t - 1)]
 * adoptions. p, q and m are those that minimise SSE = sum_t (S(t) - s_t)^2
 * over the observed s_t: nonlinear least squares on the per-period counts,
 * as Srinivasan & Mason (1986) proposed, by GSL's trust-region solver
 * (gsl_multifit_nlinear, Levenberg-Marquardt steps) with the analytic
 * Jacobian. It starts from Bass's own estimates, the OLS regression
 *   s_t = a + b Y_{t-1} + c Y_{t-1}^2   (Y_{t-1} adoptions before period t)
 * with m the positive root of a + b Y + c Y^2, p = a / m, q = -c m; when
 * they are no valid p, q, m (c >= 0, a <= 0, ...), from p = 0.03 and
 * q = 0.38 per period (Sultan, Farley & Lehmann's 1990 mean coefficients)
 * with the m that fits best for them.
 *
 * Standard errors are the square roots of the diagonal of s^2 (J^T J)^{-1},
 * s^2 = SSE / (n - 3), J the Jacobian at the optimum: asymptotic, as
 * Srinivasan & Mason give them. The adoption rate m dF/dt peaks at
 *   t* = ln(q/p) / (p + q)
 * periods from the start of the first period, when q > p (otherwise it
 * falls from the start).
 *
 * The table is a CSV file with the header `period,adoptions` and one row
 * per period: the period a whole number (a year, say), each one more than
 * the one before; the adoptions a number >= 0.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_BASSFIT_H
#define WOMSIM_BASSFIT_H

#include <stdbool.h>
#include <stddef.h>

#include "womsim/status.h"

#define WOM_BASSFIT_MIN_ROWS 4      /* three parameters and a degree of freedom for s^2 */
#define WOM_BASSFIT_MAX_ROWS 100000 /* periods in a table; far more than any sales history */
#define WOM_BASSFIT_MAX_LINE 1024   /* characters in a line of the table, without its end */

/* Observed adoptions: one per period, the periods consecutive. */
typedef struct {
    long long first_period; /* the label of the first row (1949, or 1) */
    size_t count;           /* rows, WOM_BASSFIT_MIN_ROWS to WOM_BASSFIT_MAX_ROWS */
    double *adoptions;      /* `count` values, finite and >= 0, not all 0 */
    char sha256[65];        /* of the file's bytes in hex; "" when it is no regular file */
} wom_bassfit_data_t;

/* Reads the table at `path` into `data` (to be destroyed by the caller
 * whatever the outcome). WOM_ENOENT when the file cannot be opened or is a
 * folder; WOM_EDATA, naming the line, when it is empty, has no header,
 * holds a NUL byte, a line that is not two fields, a period that is not a
 * whole number or not one more than the one before, adoptions that are no
 * finite number or are negative, fewer than WOM_BASSFIT_MIN_ROWS rows or
 * more than WOM_BASSFIT_MAX_ROWS, or adoptions that are all 0. */
wom_status wom_bassfit_read_csv(const char *path, wom_bassfit_data_t *data, wom_error_t *error);

void wom_bassfit_data_destroy(wom_bassfit_data_t *data);

/* A parameter's estimate and its asymptotic standard error. */
typedef struct {
    double estimate;
    double se; /* 0 when the curve goes through every point (SSE = 0) */
} wom_bassfit_param_t;

typedef struct {
    wom_bassfit_param_t p; /* coefficient of innovation, per period, > 0 */
    wom_bassfit_param_t q; /* coefficient of imitation, per period, > -p */
    wom_bassfit_param_t m; /* market size, in the units of the adoptions, > 0 */
    double sse;            /* sum of squared residuals, >= 0 */
    double r2;             /* 1 - SSE / (sum of squares about the mean); NAN when all
                              observations are equal */
    double peak_period;    /* t*, periods from the start of the first period; NAN when
                              q <= p */
    size_t n;              /* periods fitted */
    bool start_ols;        /* the solver started from Bass's OLS estimates (else the
                              fixed start) */
    double start[3];       /* p, q, m it started from */
    bool converged;        /* GSL's tests were met (else the iterations ran out) */
    size_t iterations;     /* of the trust-region solver */
} wom_bassfit_result_t;

/* Fits the Bass model to `count` adoptions per period (count >=
 * WOM_BASSFIT_MIN_ROWS; each finite and >= 0; not all 0; else WOM_EINVAL).
 * WOM_EDATA when the least squares end at no Bass curve (p <= 0, m <= 0,
 * p + q <= 0 or a value that is not finite); WOM_ENOMEM; WOM_ELIBRARY when
 * GSL fails otherwise. A fit whose iterations run out is WOM_OK with
 * `converged` false. */
wom_status wom_bassfit_fit(const double *adoptions, size_t count, wom_bassfit_result_t *result,
                           wom_error_t *error);

/* S(t) = m [F(t) - F(t - 1)], the adoptions in period t (t >= 1) of the
 * curve (p, q, m), and when `gradient` is not NULL its derivatives in p,
 * q and m. */
double wom_bassfit_adoptions(double p, double q, double m, double t, double gradient[3]);

#endif
