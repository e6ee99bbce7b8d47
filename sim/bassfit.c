/* bassfit.c: the Bass model fitted to adoptions per period by nonlinear
 * least squares (bassfit.h has the formulas): the curve and its analytic
 * derivatives, Bass's OLS start, GSL's trust-region solver, and the
 * standard errors from its Jacobian. Pure: no I/O. Workload: a table of a
 * few to a few thousand periods, fitted once in well under a millisecond.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/bassfit.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>

#define PARAMETERS 3 /* p, q, m */

/* The fixed start when Bass's regression gives none: Sultan, Farley &
 * Lehmann's (1990) mean coefficients over 213 published fits. */
#define FIXED_P 0.03
#define FIXED_Q 0.38

/* The solver stops when a step changes no parameter by more than XTOL of
 * itself, or the scaled gradient falls below GTOL: tight, so that the
 * optimum is found to many more digits than its standard errors give
 * (the unit test finds it again with another method). */
#define MAX_ITERATIONS 1000
#define XTOL           1e-15
#define GTOL           1e-15
#define FTOL           0.0

/* ---- the curve ----------------------------------------------------------- */

/* F(t), written p (1 - E) / (p + q E) with E = e^{-(p+q)t}, and its
 * derivatives in p and q (into dp, dq). At t = 0 all three are 0. */
static double share(double p, double q, double t, double *dp, double *dq) {
    double e = exp(-(p + q) * t);
    double top = p * (1 - e), bottom = p + q * e;
    double top_p = (1 - e) + p * t * e, bottom_p = 1 - q * t * e;
    double top_q = p * t * e, bottom_q = e - q * t * e;
    *dp = (top_p * bottom - top * bottom_p) / (bottom * bottom);
    *dq = (top_q * bottom - top * bottom_q) / (bottom * bottom);
    return top / bottom;
}

double wom_bassfit_adoptions(double p, double q, double m, double t, double gradient[3]) {
    double now_p, now_q, before_p, before_q;
    double now = share(p, q, t, &now_p, &now_q);
    double before = share(p, q, t - 1, &before_p, &before_q);
    if (gradient != NULL) {
        gradient[0] = m * (now_p - before_p);
        gradient[1] = m * (now_q - before_q);
        gradient[2] = now - before;
    }
    return m * (now - before);
}

/* ---- start values -------------------------------------------------------- */

static bool valid_curve(double p, double q, double m) {
    return isfinite(p) && isfinite(q) && isfinite(m) && p > 0 && m > 0 && p + q > 0;
}

/* Bass's (1969) estimates: s_t = a + b Y_{t-1} + c Y_{t-1}^2 by OLS, then
 * m the positive root of a + b Y + c Y^2 (there is one when a > 0 and
 * c < 0), p = a / m, q = -c m. False when they give no valid curve. */
static bool ols_start(const double *s, size_t n, double start[PARAMETERS], wom_status *status) {
    gsl_matrix *x = gsl_matrix_alloc(n, 3), *covariance = gsl_matrix_alloc(3, 3);
    gsl_vector *c = gsl_vector_alloc(3);
    gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc(n, 3);
    gsl_vector_const_view y = gsl_vector_const_view_array(s, n);
    double chisq = 0, before = 0;
    bool valid = false;
    *status = x && covariance && c && work ? WOM_OK : WOM_ENOMEM;
    for (size_t t = 0; *status == WOM_OK && t < n; t++) {
        gsl_matrix_set(x, t, 0, 1);
        gsl_matrix_set(x, t, 1, before);
        gsl_matrix_set(x, t, 2, before * before);
        before += s[t];
    }
    if (*status == WOM_OK && gsl_multifit_linear(x, &y.vector, c, covariance, &chisq, work) == 0) {
        double a = gsl_vector_get(c, 0), b = gsl_vector_get(c, 1), cc = gsl_vector_get(c, 2);
        double m = (-b - sqrt(b * b - 4 * a * cc)) / (2 * cc);
        start[0] = a / m;
        start[1] = -cc * m;
        start[2] = m;
        valid = a > 0 && cc < 0 && valid_curve(start[0], start[1], start[2]);
    }
    gsl_multifit_linear_free(work);
    gsl_vector_free(c);
    gsl_matrix_free(covariance);
    gsl_matrix_free(x);
    return valid;
}

/* p and q fixed, m the least-squares m for them: sum s_t dF_t / sum dF_t^2. */
static void fixed_start(const double *s, size_t n, double start[PARAMETERS]) {
    double cross = 0, square = 0;
    for (size_t t = 1; t <= n; t++) {
        double step = wom_bassfit_adoptions(FIXED_P, FIXED_Q, 1, (double)t, NULL);
        cross += s[t - 1] * step;
        square += step * step;
    }
    start[0] = FIXED_P;
    start[1] = FIXED_Q;
    start[2] = cross / square;
}

/* ---- the least squares ------------------------------------------------------ */

typedef struct {
    const double *s;
    size_t n;
} observed_t;

/* GSL's residuals f_t = S(t) - s_t at x = (p, q, m). */
static int residuals(const gsl_vector *x, void *context, gsl_vector *f) {
    const observed_t *o = context;
    double p = gsl_vector_get(x, 0), q = gsl_vector_get(x, 1), m = gsl_vector_get(x, 2);
    for (size_t t = 1; t <= o->n; t++) {
        gsl_vector_set(f, t - 1, wom_bassfit_adoptions(p, q, m, (double)t, NULL) - o->s[t - 1]);
    }
    return GSL_SUCCESS;
}

/* The analytic Jacobian: row t holds dS(t)/d(p, q, m). */
static int jacobian(const gsl_vector *x, void *context, gsl_matrix *j) {
    const observed_t *o = context;
    double p = gsl_vector_get(x, 0), q = gsl_vector_get(x, 1), m = gsl_vector_get(x, 2);
    for (size_t t = 1; t <= o->n; t++) {
        wom_bassfit_adoptions(p, q, m, (double)t, gsl_matrix_ptr(j, t - 1, 0));
    }
    return GSL_SUCCESS;
}

/* The standard errors, SSE, r2 and peak at the solver's optimum. */
static wom_status summarize(gsl_multifit_nlinear_workspace *w, const observed_t *o,
                            wom_bassfit_result_t *r, wom_error_t *error) {
    gsl_matrix *covariance = gsl_matrix_alloc(PARAMETERS, PARAMETERS);
    if (covariance == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "no memory for the fit");
    }
    int gsl = gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, covariance);
    if (gsl != GSL_SUCCESS) {
        gsl_matrix_free(covariance);
        return wom_error_set(error, WOM_ELIBRARY, "", 0, "no covariance of the estimates: %s",
                             gsl_strerror(gsl));
    }
    const gsl_vector *x = gsl_multifit_nlinear_position(w);
    const gsl_vector *f = gsl_multifit_nlinear_residual(w);
    r->sse = 0;
    double mean = 0, spread = 0;
    for (size_t t = 0; t < o->n; t++) {
        r->sse += gsl_vector_get(f, t) * gsl_vector_get(f, t);
        mean += o->s[t] / (double)o->n;
    }
    for (size_t t = 0; t < o->n; t++) {
        spread += (o->s[t] - mean) * (o->s[t] - mean);
    }
    double s2 = r->sse / (double)(o->n - PARAMETERS);
    wom_bassfit_param_t *params[PARAMETERS] = {&r->p, &r->q, &r->m};
    for (size_t i = 0; i < PARAMETERS; i++) {
        params[i]->estimate = gsl_vector_get(x, i);
        params[i]->se = sqrt(s2 * gsl_matrix_get(covariance, i, i));
    }
    gsl_matrix_free(covariance);
    r->r2 = spread > 0 ? 1 - r->sse / spread : NAN;
    double p = r->p.estimate, q = r->q.estimate;
    r->peak_period = q > p ? log(q / p) / (p + q) : NAN;
    return WOM_OK;
}

/* Runs the trust-region solver from r->start. */
static wom_status solve(const observed_t *o, wom_bassfit_result_t *r, wom_error_t *error) {
    gsl_multifit_nlinear_parameters params = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_fdf fdf = {.f = residuals,
                                    .df = jacobian,
                                    .fvv = NULL,
                                    .n = o->n,
                                    .p = PARAMETERS,
                                    .params = (void *)o};
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &params, o->n, PARAMETERS);
    if (w == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "no memory for the fit");
    }
    gsl_vector_view x = gsl_vector_view_array(r->start, PARAMETERS); /* copied by init */
    int info = 0;
    int gsl = gsl_multifit_nlinear_init(&x.vector, &fdf, w);
    if (gsl == GSL_SUCCESS) {
        gsl = gsl_multifit_nlinear_driver(MAX_ITERATIONS, XTOL, GTOL, FTOL, NULL, NULL, &info, w);
    }
    r->iterations = gsl_multifit_nlinear_niter(w);
    r->converged = gsl == GSL_SUCCESS;
    wom_status status = WOM_OK;
    if (gsl != GSL_SUCCESS && gsl != GSL_EMAXITER) {
        status = wom_error_set(error, WOM_ELIBRARY, "", 0, "the least-squares solver failed: %s",
                               gsl_strerror(gsl));
    } else {
        status = summarize(w, o, r, error);
    }
    gsl_multifit_nlinear_free(w);
    return status;
}

wom_status wom_bassfit_fit(const double *adoptions, size_t count, wom_bassfit_result_t *result,
                           wom_error_t *error) {
    *result = (wom_bassfit_result_t){.n = count};
    double total = 0;
    for (size_t t = 0; t < count; t++) {
        if (!isfinite(adoptions[t]) || adoptions[t] < 0) {
            return wom_error_set(error, WOM_EINVAL, "", 0,
                                 "adoptions must be finite and >= 0 (period %zu)", t + 1);
        }
        total += adoptions[t];
    }
    if (count < WOM_BASSFIT_MIN_ROWS || !(total > 0)) {
        return wom_error_set(error, WOM_EINVAL, "", 0,
                             "a Bass fit needs at least %d periods and some adoptions",
                             WOM_BASSFIT_MIN_ROWS);
    }
    wom_status status = WOM_OK;
    result->start_ols = ols_start(adoptions, count, result->start, &status);
    if (status != WOM_OK) {
        return wom_error_set(error, status, "", 0, "no memory for the fit");
    }
    if (!result->start_ols) {
        fixed_start(adoptions, count, result->start);
    }
    observed_t observed = {adoptions, count};
    status = solve(&observed, result, error);
    if (status == WOM_OK &&
        !valid_curve(result->p.estimate, result->q.estimate, result->m.estimate)) {
        status = wom_error_set(error, WOM_EDATA, "", 0,
                               "the least squares end at p = %g, q = %g, m = %g, which is no Bass "
                               "curve (p and m must be positive, p + q too): the adoptions do not "
                               "rise and fall as the Bass model has them",
                               result->p.estimate, result->q.estimate, result->m.estimate);
    }
    return status;
}
