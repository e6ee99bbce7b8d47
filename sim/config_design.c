/* config_design.c: sampled designs, the part of the config that turns keys
 * given as ranges ("service.quality = 0.7:0.95") into the points of a
 * design (design.method = lhs, sobol, morris or saltelli) instead of a
 * grid. Owns recognising a range, its checks, and materialising the
 * design: after every change of the config its ranged keys get one value
 * per design point, so that the batch engine, sweep.csv, merge, resume
 * and MPI see an ordinary sweep whose keys vary together (point p takes
 * the p-th value of every key) rather than as a product. The unit-cube
 * design stays with the config for the analyses that need it (Morris
 * reads which factor each step moved).
 *
 * Values are rounded to 6 significant digits (integers to whole numbers)
 * so that sweep.csv stays readable and every point can be rerun by hand
 * with the values it shows; the design is a pure function of the keys,
 * the ranges in sweep order and simulation.seed, so the dump (which keeps
 * the ranges, not the values) and its hash identify it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "womsim/design.h"

#define DESIGN_DIGITS 6 /* significant digits of a sampled real value */

bool wom_config_is_range(const char *text) {
    const char *colon = strchr(text, ':');
    return colon != NULL && strchr(colon + 1, ':') == NULL && strchr(text, ',') == NULL;
}

wom_status wom_config_parse_range(const wom_key_t *key, const char *text, where_t at,
                                  wom_error_t *error, char *bounds[2]) {
    if (key->type != WOM_KEY_REAL && key->type != WOM_KEY_INT) {
        return wom_config_error(error, at,
                                "%s: a range LO:HI is for numbers a design samples, and this key "
                                "is not a number",
                                key->name);
    }
    const char *colon = strchr(text, ':');
    char part[2][VALUE_MAX];
    snprintf(part[0], sizeof part[0], "%.*s", (int)(colon - text), text);
    snprintf(part[1], sizeof part[1], "%s", colon + 1);
    value_t value[2];
    for (int i = 0; i < 2; i++) {
        char why[VALUE_MAX];
        if (!wom_config_parse_value(key, wom_config_trim(part[i]), &value[i], why, sizeof why)) {
            return wom_config_error(error, at, "in range '%s': %s", text, why);
        }
    }
    bool rising = key->type == WOM_KEY_REAL ? value[0].real < value[1].real
                                            : value[0].integer < value[1].integer;
    if (!rising) {
        return wom_config_error(error, at,
                                "%s: range '%s' must rise (LO:HI with LO below HI; a grid is "
                                "written start:stop:step)",
                                key->name, text);
    }
    for (int i = 0; i < 2; i++) {
        char canonical[VALUE_MAX];
        wom_config_format_value(key, &value[i], canonical);
        bounds[i] = strdup(canonical);
        if (bounds[i] == NULL) {
            free(bounds[0]);
            bounds[0] = NULL;
            return wom_error_set(error, WOM_ENOMEM, at.file, at.line, "out of memory");
        }
    }
    return WOM_OK;
}

/* ---- the design's settings --------------------------------------------- */

/* A fixed key's single value parsed; design keys cannot be swept (they are
 * choices and integers of a design, checked in design_problem). */
static value_t key_value(const wom_config_t *config, const char *name) {
    const wom_key_t *key = wom_config_key(name);
    value_t value = {0};
    char why[VALUE_MAX];
    wom_config_parse_value(key, config->keys[key - wom_config_table].values[0], &value, why,
                           sizeof why);
    return value;
}

typedef struct {
    wom_design_method method;
    size_t size;     /* design.points: points, trajectories or base samples */
    unsigned levels; /* design.levels (Morris) */
    uint64_t seed;   /* simulation.seed */
    size_t factors;  /* ranged keys */
    size_t points;   /* the design's points; 0 if it has none */
} settings_t;

void wom_config_where(const wom_config_t *config, const char *name, const char **file, long *line) {
    const wom_key_t *key = wom_config_key(name);
    const key_state *state = key != NULL ? &config->keys[key - wom_config_table] : NULL;
    bool set = state != NULL && state->last_set != 0;
    *file = set ? state->file : config->last_file;
    *line = set ? state->line : 0;
}

static where_t where_of(const wom_config_t *config, const char *name) {
    where_t at;
    wom_config_where(config, name, &at.file, &at.line);
    return at;
}

static settings_t settings_of(const wom_config_t *config) {
    settings_t s = {0};
    s.method = (wom_design_method)key_value(config, "design.method").choice;
    s.size = (size_t)key_value(config, "design.points").integer;
    s.levels = (unsigned)key_value(config, "design.levels").integer;
    s.seed = key_value(config, "simulation.seed").seed;
    for (size_t slot = 0; slot < SLOT_COUNT; slot++) {
        s.factors += config->keys[slot].range[0] != NULL;
    }
    s.points = s.method == WOM_DESIGN_GRID ? 0 : wom_design_points(s.method, s.size, s.factors);
    return s;
}

bool wom_config_sampled(const wom_config_t *config) {
    return settings_of(config).method != WOM_DESIGN_GRID;
}

static const char *method_name(wom_design_method method) {
    static const char *const names[] = {"grid", "lhs", "sobol", "morris", "saltelli"};
    return names[method];
}

wom_status wom_config_design_problem(const wom_config_t *config, wom_error_t *error) {
    settings_t s = settings_of(config);
    for (size_t slot = 0; slot < SLOT_COUNT; slot++) {
        const key_state *state = &config->keys[slot];
        named_key named;
        const char *name = wom_config_slot_key(config, slot, &named)->name;
        where_t at = {state->file, state->line};
        if (s.method == WOM_DESIGN_GRID && state->range[0] != NULL) {
            return wom_config_error(error, at,
                                    "%s = %s:%s is a range for a sampled design: set "
                                    "design.method (lhs, sobol, morris or saltelli), or write a "
                                    "grid as start:stop:step",
                                    name, state->range[0], state->range[1]);
        }
        if (s.method != WOM_DESIGN_GRID && state->range[0] == NULL && state->count > 1) {
            return wom_config_error(error, at,
                                    "under design.method = %s every varied key is a range "
                                    "LO:HI, but %s lists values",
                                    method_name(s.method), name);
        }
    }
    where_t at = where_of(config, "design.method");
    if (s.method == WOM_DESIGN_GRID) {
        return WOM_OK;
    }
    if (s.factors == 0) {
        return wom_config_error(error, at,
                                "design.method = %s needs at least one key given as a range "
                                "LO:HI (--sweep KEY=LO:HI)",
                                method_name(s.method));
    }
    if (s.method == WOM_DESIGN_MORRIS && s.levels % 2 != 0) {
        return wom_config_error(error, where_of(config, "design.levels"),
                                "design.levels = %u: Morris needs an even number of levels",
                                s.levels);
    }
    if (s.points == 0) {
        return wom_config_error(error, at,
                                "design.method = %s cannot take %zu varied keys with "
                                "design.points = %zu (sobol takes at most 40 keys, saltelli 20)",
                                method_name(s.method), s.factors, s.size);
    }
    return WOM_OK;
}

/* ---- materialising ---------------------------------------------------- */

/* The value at unit coordinate u of a range, canonical. */
static void design_value(const wom_key_t *key, char *const range[2], double u,
                         char out[VALUE_MAX]) {
    value_t low, high, value = {0};
    char why[VALUE_MAX];
    wom_config_parse_value(key, range[0], &low, why, sizeof why);
    wom_config_parse_value(key, range[1], &high, why, sizeof why);
    if (key->type == WOM_KEY_INT) { /* equal-width bins, u = 1 in the last */
        double width = (double)(high.integer - low.integer) + 1;
        int64_t step = (int64_t)floor(u * width);
        value.integer =
            low.integer + (step > high.integer - low.integer ? high.integer - low.integer : step);
    } else {
        char rounded[32];
        snprintf(rounded, sizeof rounded, "%.*g", DESIGN_DIGITS,
                 low.real + u * (high.real - low.real));
        value.real = fmin(fmax(strtod(rounded, NULL), low.real), high.real);
    }
    wom_config_format_value(key, &value, out);
}

static wom_status fill_values(wom_config_t *config, size_t slot, const double *unit, size_t factor,
                              const settings_t *s) {
    key_state *state = &config->keys[slot];
    size_t count = s->points != 0 ? s->points : 2; /* no design: the bounds */
    char **values = calloc(count, sizeof *values);
    if (values == NULL) {
        return WOM_ENOMEM;
    }
    named_key named;
    const wom_key_t *key = wom_config_slot_key(config, slot, &named);
    for (size_t p = 0; p < count; p++) {
        char text[VALUE_MAX];
        if (s->points != 0) {
            design_value(key, state->range, unit[p * s->factors + factor], text);
        } else {
            snprintf(text, sizeof text, "%s", state->range[p]);
        }
        values[p] = strdup(text);
        if (values[p] == NULL) {
            wom_config_free_values(values, count);
            return WOM_ENOMEM;
        }
    }
    wom_config_free_values(state->values, state->count);
    state->values = values;
    state->count = count;
    return WOM_OK;
}

wom_status wom_config_design_refresh(wom_config_t *config) {
    settings_t s = settings_of(config);
    if (wom_config_design_problem(config, NULL) != WOM_OK) {
        s.points = 0;
    }
    double *unit = NULL;
    if (s.points != 0) {
        unit = malloc(s.points * s.factors * sizeof *unit);
        wom_status status =
            unit == NULL ? WOM_ENOMEM
                         : wom_design_unit(s.method, s.size, s.factors, s.levels, s.seed, unit);
        if (status != WOM_OK) {
            free(unit);
            return status;
        }
    }
    size_t swept[SLOT_COUNT];
    size_t n = wom_config_sweep_order(config, swept);
    wom_status status = WOM_OK;
    for (size_t j = 0, factor = 0; j < n && status == WOM_OK; j++) {
        if (config->keys[swept[j]].range[0] != NULL) {
            status = fill_values(config, swept[j], unit, factor++, &s);
        }
    }
    free(config->design_unit);
    config->design_unit = status == WOM_OK ? unit : NULL;
    config->design_factors = status == WOM_OK && unit != NULL ? s.factors : 0;
    config->design_points = status == WOM_OK && unit != NULL ? s.points : 0;
    if (status != WOM_OK) {
        free(unit);
    }
    return status;
}

wom_status wom_config_design(const wom_config_t *config, wom_config_design_t *design) {
    if (config == NULL || design == NULL) {
        return WOM_EINVAL;
    }
    settings_t s = settings_of(config);
    *design = (wom_config_design_t){
        s.method,           s.size, s.levels, s.seed, config->design_factors, config->design_points,
        config->design_unit};
    return config->design_unit != NULL || s.method == WOM_DESIGN_GRID ? WOM_OK : WOM_EINVAL;
}
