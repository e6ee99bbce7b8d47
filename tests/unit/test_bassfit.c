/* test_bassfit.c: the Bass fit (bassfit.h). The curve against Bass's
 * closed form and analytic.h's, its analytic derivatives against finite
 * differences; p, q and m recovered from exact Bass data; on Bass's (1969)
 * room air conditioners, the optimum found again by Nelder-Mead
 * (gsl_multimin's nmsimplex2) from another start on an SSE written here
 * from the closed form, within a hundredth of a standard error; noisy
 * synthetic data (fixed seeds) whose true values lie within 3 standard
 * errors, and whose 95% intervals cover them about 95% of the time; the
 * fixed start and a fit that ends at no Bass curve; the peak; every
 * refusal of the fit; and the CSV reader: what it accepts and each bad
 * line it refuses, with its line number.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <sha2.h>

#include "test_util.h"
#include "womsim/womsim.h"

/* Bass's room air conditioner sales, 1949-1961, thousands of units. */
static const double air_conditioners[] = {96,   195,  238,  380,  1045, 1230, 1267,
                                          1828, 1586, 1673, 1800, 1580, 1500};
#define AIR_CONDITIONERS (sizeof air_conditioners / sizeof air_conditioners[0])

/* F(t) as Bass wrote it: (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}). */
static double bass_share(double p, double q, double t) {
    double e = exp(-(p + q) * t);
    return (1 - e) / (1 + q / p * e);
}

static double sse_of(const double *s, size_t n, double p, double q, double m) {
    double sse = 0;
    for (size_t t = 1; t <= n; t++) {
        double r = m * (bass_share(p, q, (double)t) - bass_share(p, q, (double)t - 1)) - s[t - 1];
        sse += r * r;
    }
    return sse;
}

static wom_bassfit_result_t fit(const double *s, size_t n) {
    wom_bassfit_result_t result;
    wom_error_t error = {0};
    wom_status status = wom_bassfit_fit(s, n, &result, &error);
    if (status != WOM_OK) {
        print_error("%s\n", error.message);
    }
    assert_int_equal(status, WOM_OK);
    return result;
}

static void relative_near(double actual, double expected, double tolerance) {
    assert_near(actual / expected, 1, tolerance);
}

/* ---- the curve ---- */

static void curve_is_bass_closed_form(void **state) {
    (void)state;
    const double p = 0.0213, q = 0.417, m = 12400;
    double cumulative = 0;
    for (int t = 1; t <= 30; t++) {
        double s = wom_bassfit_adoptions(p, q, m, t, NULL);
        assert_near(s, m * (bass_share(p, q, t) - bass_share(p, q, t - 1)), 1e-9);
        cumulative += s;
        assert_near(cumulative, m * wom_analytic_bass_continuous(p, q, t), 1e-8);
    }
}

/* Central differences, a step of 1e-4 of each parameter (smaller steps
 * lose digits to rounding), up to t = 22: further in the tail of the
 * quickest curve (q = 0.9) S is the difference of two shares within 1e-7
 * of 1, and the differences lose digits. */
static void gradient_matches_finite_differences(void **state) {
    (void)state;
    const double points[][3] = {
        {0.0213, 0.417, 12400}, {0.0094, 0.3748, 18713}, {0.15, 0.0786, 672}, {0.002, 0.9, 1000}};
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        for (double t = 1; t <= 22; t += 3) {
            double gradient[3], x[3] = {points[i][0], points[i][1], points[i][2]};
            double s = wom_bassfit_adoptions(x[0], x[1], x[2], t, gradient);
            for (int k = 0; k < 3; k++) {
                double h = 1e-4 * x[k], up[3] = {x[0], x[1], x[2]}, down[3] = {x[0], x[1], x[2]};
                up[k] += h;
                down[k] -= h;
                double numeric = (wom_bassfit_adoptions(up[0], up[1], up[2], t, NULL) -
                                  wom_bassfit_adoptions(down[0], down[1], down[2], t, NULL)) /
                                 (2 * h);
                assert_near(gradient[k], numeric, 1e-6 * (fabs(numeric) + s / x[k]));
            }
        }
    }
}

/* ---- fits ---- */

static void recovers_exact_bass_data(void **state) {
    (void)state;
    const double truths[][4] = {{0.0137, 0.385, 25300, 20},
                                {0.0213, 0.417, 12400, 7},
                                {0.002, 0.9, 1000, 5},
                                {0.15, 0.0786, 672, 9}};
    for (size_t i = 0; i < sizeof truths / sizeof truths[0]; i++) {
        const double p = truths[i][0], q = truths[i][1], m = truths[i][2];
        size_t n = (size_t)truths[i][3];
        double s[32];
        for (size_t t = 1; t <= n; t++) {
            s[t - 1] = m * (bass_share(p, q, (double)t) - bass_share(p, q, (double)t - 1));
        }
        wom_bassfit_result_t r = fit(s, n);
        relative_near(r.p.estimate, p, 1e-6);
        relative_near(r.q.estimate, q, 1e-6);
        relative_near(r.m.estimate, m, 1e-6);
        assert_true(r.converged && r.start_ols);
        assert_true(r.n == n);
        assert_true(r.sse < 1e-12 * m * m);
        assert_near(r.r2, 1, 1e-12);
        assert_true(r.p.se < 1e-6 * p && r.q.se < 1e-6 * q && r.m.se < 1e-6 * m);
    }
}

/* Nelder-Mead on the SSE over (p / 0.01, q / 0.1, m / 10000). */
static double scaled_sse(const gsl_vector *x, void *params) {
    (void)params;
    double p = 0.01 * gsl_vector_get(x, 0), q = 0.1 * gsl_vector_get(x, 1);
    double m = 10000 * gsl_vector_get(x, 2);
    if (!(p > 0 && m > 0 && p + q > 0)) {
        return INFINITY;
    }
    return sse_of(air_conditioners, AIR_CONDITIONERS, p, q, m);
}

/* Restarts the simplex at its best point until a restart gains nothing,
 * as a simplex may collapse before the minimum. */
static void nelder_mead(double x[3], double *sse) {
    gsl_multimin_function f = {scaled_sse, 3, NULL};
    gsl_multimin_fminimizer *s =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 3);
    gsl_vector *start = gsl_vector_alloc(3), *step = gsl_vector_alloc(3);
    *sse = INFINITY;
    for (int restart = 0; restart < 50; restart++) {
        for (int k = 0; k < 3; k++) {
            gsl_vector_set(start, k, x[k]);
        }
        gsl_vector_set_all(step, 0.1);
        assert_int_equal(gsl_multimin_fminimizer_set(s, &f, start, step), GSL_SUCCESS);
        for (int i = 0; i < 20000 && gsl_multimin_fminimizer_size(s) > 1e-13; i++) {
            assert_int_equal(gsl_multimin_fminimizer_iterate(s), GSL_SUCCESS);
        }
        double before = *sse;
        *sse = gsl_multimin_fminimizer_minimum(s);
        for (int k = 0; k < 3; k++) {
            x[k] = gsl_vector_get(gsl_multimin_fminimizer_x(s), k);
        }
        if (!(*sse < before)) {
            break;
        }
    }
    gsl_vector_free(step);
    gsl_vector_free(start);
    gsl_multimin_fminimizer_free(s);
}

static void air_conditioners_agree_with_nelder_mead(void **state) {
    (void)state;
    wom_bassfit_result_t r = fit(air_conditioners, AIR_CONDITIONERS);
    assert_true(r.converged && r.start_ols);
    /* from Sultan et al.'s p and q and twice the 14,418 sold, not Bass's start */
    double x[3] = {0.03 / 0.01, 0.38 / 0.1, 2 * 14418 / 10000.0}, sse = 0;
    nelder_mead(x, &sse);
    double p = 0.01 * x[0], q = 0.1 * x[1], m = 10000 * x[2];
    print_message("Nelder-Mead: p %.10g, q %.10g, m %.10g, SSE %.12g; least squares: p %.10g, q "
                  "%.10g, m %.10g, SSE %.12g; differences in se: %.2g, %.2g, %.2g; in SSE, "
                  "relative: %.2g\n",
                  p, q, m, sse, r.p.estimate, r.q.estimate, r.m.estimate, r.sse,
                  (p - r.p.estimate) / r.p.se, (q - r.q.estimate) / r.q.se,
                  (m - r.m.estimate) / r.m.se, (sse - r.sse) / r.sse);
    assert_near(p, r.p.estimate, 0.01 * r.p.se);
    assert_near(q, r.q.estimate, 0.01 * r.q.se);
    assert_near(m, r.m.estimate, 0.01 * r.m.se);
    relative_near(sse, r.sse, 1e-8);
    relative_near(
        sse_of(air_conditioners, AIR_CONDITIONERS, r.p.estimate, r.q.estimate, r.m.estimate), r.sse,
        1e-12);
    /* the figures docs/explore.md quotes */
    relative_near(r.p.estimate, 0.009442, 1e-4);
    relative_near(r.q.estimate, 0.37476, 1e-4);
    relative_near(r.m.estimate, 18712.7, 1e-5);
    relative_near(r.p.se, 0.0020384, 1e-4);
    relative_near(r.q.se, 0.040219, 1e-4);
    relative_near(r.m.se, 1410.54, 1e-5);
    assert_near(r.r2, 0.93318, 1e-5);
    assert_near(r.peak_period, 9.5811, 1e-4);
}

/* Bass data plus Gaussian noise of sd `noise`, seed `seed`. */
static void noisy_bass(double p, double q, double m, double noise, unsigned long seed, double *s,
                       size_t n) {
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    for (size_t t = 1; t <= n; t++) {
        double clean = m * (bass_share(p, q, (double)t) - bass_share(p, q, (double)t - 1));
        s[t - 1] = fmax(0, clean + gsl_ran_gaussian(rng, noise));
    }
    gsl_rng_free(rng);
}

static void noisy_data_within_three_se(void **state) {
    (void)state;
    const double p = 0.0213, q = 0.417, m = 12400;
    double s[25];
    noisy_bass(p, q, m, 37.5, 385, s, 25);
    wom_bassfit_result_t r = fit(s, 25);
    assert_true(r.converged);
    assert_near(r.p.estimate, p, 3 * r.p.se);
    assert_near(r.q.estimate, q, 3 * r.q.se);
    assert_near(r.m.estimate, m, 3 * r.m.se);
    assert_true(r.p.se > 0 && r.q.se > 0 && r.m.se > 0);
    assert_near(r.sse / (25 - 3), 37.5 * 37.5, 0.6 * 37.5 * 37.5); /* s^2 estimates the noise */
}

/* Over 400 seeds the intervals estimate +/- t(0.975, n - 3) se cover the
 * true values about 95% of the time: a wrong Jacobian or s^2 would not.
 * With little noise, as here, the linearisation they rest on holds; with
 * noise of 2.5% of the peak (the test above) they cover about 93%. */
static void standard_errors_cover_the_truth(void **state) {
    (void)state;
    const double p = 0.0213, q = 0.417, m = 12400, t = gsl_cdf_tdist_Pinv(0.975, 25 - 3);
    const int seeds = 400;
    int covered[3] = {0, 0, 0};
    for (int seed = 1; seed <= seeds; seed++) {
        double s[25];
        noisy_bass(p, q, m, 5, (unsigned long)seed, s, 25);
        wom_bassfit_result_t r = fit(s, 25);
        covered[0] += fabs(r.p.estimate - p) <= t * r.p.se;
        covered[1] += fabs(r.q.estimate - q) <= t * r.q.se;
        covered[2] += fabs(r.m.estimate - m) <= t * r.m.se;
    }
    print_message("95%% intervals covered p %d, q %d, m %d times of %d\n", covered[0], covered[1],
                  covered[2], seeds);
    for (int k = 0; k < 3; k++) { /* 95% +/- 3 binomial sd; a factor sqrt(2) off fails */
        assert_true(covered[k] >= 0.917 * seeds && covered[k] <= 0.983 * seeds);
    }
}

static void peak_is_ln_q_over_p_over_p_plus_q(void **state) {
    (void)state;
    const double p = 0.0213, q = 0.417, m = 12400;
    double s[20];
    for (size_t t = 1; t <= 20; t++) {
        s[t - 1] = wom_bassfit_adoptions(p, q, m, (double)t, NULL);
    }
    wom_bassfit_result_t r = fit(s, 20);
    assert_near(r.peak_period, log(q / p) / (p + q), 1e-6);
    /* the rate m dF/dt is highest there: F'' = 0 */
    double h = 1e-4, t = r.peak_period;
    double before = bass_share(p, q, t) - bass_share(p, q, t - h);
    double after = bass_share(p, q, t + h) - bass_share(p, q, t);
    assert_near(before, after, 1e-12);
    /* q < p: adoptions fall from the start, no peak */
    for (size_t i = 1; i <= 9; i++) {
        s[i - 1] = wom_bassfit_adoptions(0.15, 0.0786, 672, (double)i, NULL);
    }
    assert_true(isnan(fit(s, 9).peak_period));
}

/* Sales shaped like a U give Bass's regression c > 0, so no start: the
 * fit starts from p = 0.03, q = 0.38 and the m that fits best for them,
 * and here ends at p + q <= 0, no Bass curve. */
static void fixed_start_and_no_bass_curve(void **state) {
    (void)state;
    const double s[] = {10.5, 1.2, 0.9, 1.3, 9.8};
    wom_bassfit_result_t r;
    wom_error_t error = {0};
    assert_int_equal(wom_bassfit_fit(s, 5, &r, &error), WOM_EDATA);
    assert_non_null(strstr(error.message, "which is no Bass curve"));
    assert_false(r.start_ols);
    assert_true(r.start[0] == 0.03 && r.start[1] == 0.38);
    double slope = 0; /* d SSE / dm = 0 at the best m */
    for (size_t t = 1; t <= 5; t++) {
        double step = wom_bassfit_adoptions(0.03, 0.38, 1, (double)t, NULL);
        slope += (r.start[2] * step - s[t - 1]) * step;
    }
    assert_near(slope, 0, 1e-12);
}

static void fit_refuses_bad_input(void **state) {
    (void)state;
    wom_bassfit_result_t r;
    const double three[] = {1.5, 2.5, 3.5}, zeros[] = {0, 0, 0, 0};
    const double negative[] = {1.5, -2.5, 3.5, 4.5}, nan[] = {1.5, NAN, 3.5, 4.5};
    const double inf[] = {1.5, 2.5, INFINITY, 4.5};
    assert_int_equal(wom_bassfit_fit(three, 3, &r, NULL), WOM_EINVAL);
    assert_int_equal(wom_bassfit_fit(zeros, 4, &r, NULL), WOM_EINVAL);
    assert_int_equal(wom_bassfit_fit(negative, 4, &r, NULL), WOM_EINVAL);
    assert_int_equal(wom_bassfit_fit(nan, 4, &r, NULL), WOM_EINVAL);
    assert_int_equal(wom_bassfit_fit(inf, 4, &r, NULL), WOM_EINVAL);
}

/* ---- the CSV reader ---- */

/* Writes `size` bytes of `content` to a temporary file; returns its path. */
static char *write_file(const char *dir, const char *content, size_t size) {
    char *path = join(dir, "data.csv");
    FILE *stream = fopen(path, "wb");
    assert_non_null(stream);
    assert_int_equal(fwrite(content, 1, size, stream), size);
    assert_int_equal(fclose(stream), 0);
    return path;
}

static void reads_a_table(void **state) {
    (void)state;
    char *dir = make_temp_dir_for("bassfit");
    static const char content[] = "\xEF\xBB\xBFperiod, adoptions\r\n"
                                  "1949,96\r\n"
                                  " 1950 , 195.5\r\n"
                                  "\n"
                                  "1951,0\n"
                                  "1952,-0\n"
                                  "1953,1.045e3";
    char *path = write_file(dir, content, sizeof content - 1);
    wom_bassfit_data_t data;
    wom_error_t error = {0};
    assert_int_equal(wom_bassfit_read_csv(path, &data, &error), WOM_OK);
    assert_true(data.first_period == 1949 && data.count == 5);
    const double expected[] = {96, 195.5, 0, 0, 1045};
    for (size_t t = 0; t < 5; t++) {
        assert_true(data.adoptions[t] == expected[t]);
    }
    assert_false(signbit(data.adoptions[3]));
    char digest[SHA256_DIGEST_STRING_LENGTH];
    SHA256Data((const uint8_t *)content, sizeof content - 1, digest);
    assert_string_equal(data.sha256, digest);
    wom_bassfit_data_destroy(&data);
    free(path);
    remove_tree(dir);
    free(dir);
}

/* Each bad table: its status, the line named and the message. */
static void refuses_bad_tables(void **state) {
    (void)state;
    static const struct {
        const char *content;
        size_t size; /* 0: strlen */
        wom_status status;
        long line;
        const char *message;
    } cases[] = {
        {"", 0, WOM_EDATA, 0, "the file is empty: expected the header 'period,adoptions'"},
        {"1949,96\n1950,195\n", 0, WOM_EDATA, 1, "the header is missing: the first line must be "},
        {"year,sales\n1,2\n", 0, WOM_EDATA, 1,
         "expected the header 'period,adoptions', found 'year,sales'"},
        {"\x89PNG\r\n\x1a\n", 0, WOM_EDATA, 1, "found '\\x89PNG'"},
        {"period,adoptions\n1,2\n2,3\0\n", 26, WOM_EDATA, 3, "line contains a NUL byte"},
        {"period,adoptions\n1,2\n2,many\n", 0, WOM_EDATA, 3, "adoptions 'many' is not a number"},
        {"period,adoptions\n1,2\n2,0x10\n", 0, WOM_EDATA, 3, "adoptions '0x10' is not a number"},
        {"period,adoptions\n1,2\n2,\n", 0, WOM_EDATA, 3, "adoptions '' is not a number"},
        {"period,adoptions\n1,nan\n", 0, WOM_EDATA, 2, "adoptions 'nan' is not a finite number"},
        {"period,adoptions\n1,1e400\n", 0, WOM_EDATA, 2, "adoptions '1e400' is not a finite"},
        {"period,adoptions\n1,2\n2,-3.85\n", 0, WOM_EDATA, 3, "adoptions '-3.85' is negative"},
        {"period,adoptions\n1,2\n2,3\n4,5\n", 0, WOM_EDATA, 4,
         "period 4 follows 2: the periods must be consecutive"},
        {"period,adoptions\n1,2\n1,3\n", 0, WOM_EDATA, 3, "period 1 follows 1"},
        {"period,adoptions\n1.5,2\n", 0, WOM_EDATA, 2, "period '1.5' is not a whole number"},
        {"period,adoptions\n99999999999999999999,2\n", 0, WOM_EDATA, 2, "is too large"},
        {"period,adoptions\n1;2\n", 0, WOM_EDATA, 2,
         "expected two fields, period and adoptions, found 1 (the separator is ',', not ';')"},
        {"period,adoptions\n1,2,3\n", 0, WOM_EDATA, 2, "found 3"},
        {"period,adoptions\n1,2\n2,3\n3,4\n", 0, WOM_EDATA, 0,
         "3 rows of data; a Bass fit needs at least 4"},
        {"period,adoptions\n", 0, WOM_EDATA, 0, "0 rows of data"},
        {"period,adoptions\n1,0\n2,0\n3,0\n4,0\n", 0, WOM_EDATA, 0, "every period has 0"},
    };
    char *dir = make_temp_dir_for("bassfit");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t size = cases[i].size ? cases[i].size : strlen(cases[i].content);
        char *path = write_file(dir, cases[i].content, size);
        wom_bassfit_data_t data;
        wom_error_t error = {0};
        wom_status status = wom_bassfit_read_csv(path, &data, &error);
        if (status != cases[i].status || error.line != cases[i].line ||
            strstr(error.message, cases[i].message) == NULL) {
            print_error("case %zu: status %d, line %ld: %s\n", i, status, error.line,
                        error.message);
            fail();
        }
        assert_string_equal(error.file, path);
        wom_bassfit_data_destroy(&data);
        free(path);
    }
    remove_tree(dir);
    free(dir);
}

static void refuses_missing_files_and_folders(void **state) {
    (void)state;
    char *dir = make_temp_dir_for("bassfit");
    char *missing = join(dir, "nowhere.csv");
    wom_bassfit_data_t data;
    wom_error_t error = {0};
    assert_int_equal(wom_bassfit_read_csv(missing, &data, &error), WOM_ENOENT);
    assert_string_equal(error.message, "cannot open: No such file or directory");
    assert_int_equal(wom_bassfit_read_csv(dir, &data, &error), WOM_ENOENT);
    assert_string_equal(error.message, "is a folder, not a CSV file");
    assert_null(data.adoptions);
    free(missing);
    remove_tree(dir);
    free(dir);
}

static void refuses_long_lines_and_too_many_rows(void **state) {
    (void)state;
    char *dir = make_temp_dir_for("bassfit");
    size_t size = 17 + WOM_BASSFIT_MAX_LINE + 2;
    char *content = malloc(size);
    memcpy(content, "period,adoptions\n", 17);
    memset(content + 17, '7', size - 17);
    content[17 + 2] = ',';
    char *path = write_file(dir, content, size);
    wom_bassfit_data_t data;
    wom_error_t error = {0};
    assert_int_equal(wom_bassfit_read_csv(path, &data, &error), WOM_EDATA);
    assert_int_equal(error.line, 2);
    assert_string_equal(error.message, "line is longer than 1024 characters");
    free(content);
    free(path);
    wom_text_t rows;
    wom_text_init(&rows);
    wom_text_printf(&rows, "period,adoptions\n");
    for (int t = 1; t <= WOM_BASSFIT_MAX_ROWS + 1; t++) {
        wom_text_printf(&rows, "%d,%d\n", t, t % 7);
    }
    path = write_file(dir, rows.data, rows.length);
    assert_int_equal(wom_bassfit_read_csv(path, &data, &error), WOM_EDATA);
    assert_int_equal(error.line, WOM_BASSFIT_MAX_ROWS + 2);
    assert_string_equal(error.message, "more than 100000 rows");
    wom_bassfit_data_destroy(&data);
    wom_text_destroy(&rows);
    free(path);
    remove_tree(dir);
    free(dir);
}

int main(void) {
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(curve_is_bass_closed_form),
        cmocka_unit_test(gradient_matches_finite_differences),
        cmocka_unit_test(recovers_exact_bass_data),
        cmocka_unit_test(air_conditioners_agree_with_nelder_mead),
        cmocka_unit_test(noisy_data_within_three_se),
        cmocka_unit_test(standard_errors_cover_the_truth),
        cmocka_unit_test(peak_is_ln_q_over_p_over_p_plus_q),
        cmocka_unit_test(fixed_start_and_no_bass_curve),
        cmocka_unit_test(fit_refuses_bad_input),
        cmocka_unit_test(reads_a_table),
        cmocka_unit_test(refuses_bad_tables),
        cmocka_unit_test(refuses_missing_files_and_folders),
        cmocka_unit_test(refuses_long_lines_and_too_many_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
