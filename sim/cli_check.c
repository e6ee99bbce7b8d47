/* cli_check.c: `womsim check` (validate a scenario, print its canonical
 * form and hash: a run's, with a network file's contents) and `womsim params` (the key table for
 * people and docs). SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

/* Every sweep point must resolve, not only the first. */
static wom_status check_points(const wom_config_t *config, wom_error_t *error) {
    size_t points = wom_config_points(config);
    for (size_t point = 0; point < points; point++) {
        wom_scenario_t scenario;
        wom_status status = wom_config_scenario(config, point, &scenario, error);
        if (status != WOM_OK) {
            return status;
        }
    }
    return WOM_OK;
}

static int report(const char *path, const wom_config_t *config, bool dump) {
    char hash[65];
    char *text = NULL;
    wom_batch_network_file_t network;
    wom_error_t error = {0};
    wom_status status = dump ? wom_config_dump(config, &text)
                             : wom_batch_scenario_hash(config, hash, &network, &error);
    if (status != WOM_OK) {
        return cli_fail(status, &error);
    }
    if (dump) {
        fputs(text, stdout);
        free(text);
    } else {
        printf("%s: ok, %zu point(s), sha256 %s\n", path, wom_config_points(config), hash);
    }
    return EX_OK;
}

enum { CHECK_SET, CHECK_DUMP };

static const cli_option_t check_options[] = {
    {CHECK_SET, '\0', "set", "KEY=VALUE", "override a scenario key (repeatable)"},
    {CHECK_DUMP, '\0', "dump", NULL, "print the canonical scenario instead of the summary line"},
};

typedef struct {
    cli_overrides_t overrides;
    bool dump;
} check_options_t;

static int take_check_option(void *context, const cli_option_use_t *use) {
    check_options_t *options = context;
    if (use->option->id == CHECK_DUMP) {
        options->dump = true;
        return EX_OK;
    }
    return cli_add_override(&options->overrides, use->typed, use->value);
}

static int cli_check(int argc, char **argv) {
    check_options_t options = {0};
    int operands = 0;
    int code =
        cli_parse_options(&cli_check_command, argc, argv, take_check_option, &options, &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    if (operands != argc - 1) {
        return cli_usage_error("check expects one scenario file");
    }
    const char *path = argv[operands];
    wom_config_t *config = NULL;
    wom_error_t error = {0};
    wom_status status = cli_load_config(path, &options.overrides, &config, &error);
    if (status == WOM_OK) {
        status = check_points(config, &error);
    }
    code = status == WOM_OK ? report(path, config, options.dump) : cli_fail(status, &error);
    wom_config_free(config);
    return code;
}

const cli_command_t cli_check_command = {
    "check",
    "SCENARIO [options]",
    "Validate a scenario (every sweep point) and print its number of points and its hash.",
    check_options,
    CLI_COUNT(check_options),
    cli_check};

static const char *type_name(wom_key_type type) {
    static const char *const names[] = {"real",   "integer", "seed",  "boolean",
                                        "choice", "text",    "sizes", "reals"};
    return names[type];
}

/* "a|b|c" -> "a, b, c": a bar would split a markdown table cell. */
static void list_choices(const char *choices, char *text, size_t size) {
    size_t n = 0;
    for (const char *c = choices; *c && n + 3 < size; c++) {
        if (*c == '|') {
            text[n++] = ',';
            text[n++] = ' ';
        } else {
            text[n++] = *c;
        }
    }
    text[n] = '\0';
}

static void range_text(const wom_key_t *key, char *text, size_t size) {
    switch (key->type) {
    case WOM_KEY_REAL:
    case WOM_KEY_INT:
    case WOM_KEY_SIZES:
    case WOM_KEY_REALS: {
        char lo[32], hi[32];
        wom_text_format_number(lo, sizeof lo, key->min);
        wom_text_format_number(hi, sizeof hi, key->max);
        snprintf(text, size, "[%s, %s]", lo, hi);
        break;
    }
    case WOM_KEY_CHOICE:
        list_choices(key->choices, text, size);
        break;
    case WOM_KEY_BOOL:
        snprintf(text, size, "true, false");
        break;
    default:
        snprintf(text, size, "-");
    }
}

static const cli_option_t params_options[] = {
    {0, '\0', "markdown", NULL, "print a markdown table (the one in docs/parameters.md)"},
};

static int take_params_option(void *context, const cli_option_use_t *use) {
    (void)use; /* --markdown, the only one */
    *(bool *)context = true;
    return EX_OK;
}

/* Whether key row `key` is one of those the operands ask for: its full
 * name, its section ("wom"), or every key when there is no operand. */
static bool asked_for(const wom_key_t *key, char **operands, int count) {
    size_t section = (size_t)(strchr(key->name, '.') - key->name);
    for (int i = 0; i < count; i++) {
        bool whole = strcmp(operands[i], key->name) == 0;
        bool in_section =
            strlen(operands[i]) == section && strncmp(operands[i], key->name, section) == 0;
        if (whole || in_section) {
            return true;
        }
    }
    return count == 0;
}

/* The usage error for an operand that names no key or section, with the
 * closest key's name. */
static int unknown_key(const char *operand, const wom_key_t *keys, size_t count) {
    const char *best = NULL;
    int score = WOM_TEXT_NOT_CLOSE;
    for (size_t i = 0; i < count; i++) {
        int closeness = wom_text_closeness(operand, keys[i].name, strlen(keys[i].name));
        if (closeness < score) {
            best = keys[i].name;
            score = closeness;
        }
    }
    if (best != NULL) {
        return cli_usage_error("params: unknown key '%s'; did you mean '%s'?", operand, best);
    }
    return cli_usage_error("params: unknown key '%s' ('womsim params' lists them all)", operand);
}

static void print_key(const wom_key_t *key, bool markdown) {
    char range[256];
    range_text(key, range, sizeof range);
    if (markdown) {
        printf("| `%s` | %s | %s | `%s` | %s | %s | %s |\n", key->name, type_name(key->type),
               key->unit, key->default_value, range, key->meaning, key->source);
    } else {
        printf("%-34s %-8s default %-16s range %s\n    unit: %s\n    %s (default: %s)\n", key->name,
               type_name(key->type), key->default_value, range, key->unit, key->meaning,
               key->source);
    }
}

static int cli_params(int argc, char **argv) {
    bool markdown = false;
    int operands = 0;
    int code = cli_parse_options(&cli_params_command, argc, argv, take_params_option, &markdown,
                                 &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    size_t count = 0;
    const wom_key_t *keys = wom_config_keys(&count);
    char **asked = argv + operands;
    int asked_count = argc - operands;
    for (int i = 0; i < asked_count; i++) {
        bool known = false;
        for (size_t k = 0; k < count && !known; k++) {
            known = asked_for(&keys[k], &asked[i], 1);
        }
        if (!known) {
            return unknown_key(asked[i], keys, count);
        }
    }
    if (markdown) {
        puts("| key | type | unit | default | range | meaning | source of the default |\n"
             "|---|---|---|---|---|---|---|");
    }
    for (size_t i = 0; i < count; i++) {
        if (asked_for(&keys[i], asked, asked_count)) {
            print_key(&keys[i], markdown);
        }
    }
    return EX_OK;
}

const cli_command_t cli_params_command = {
    "params",
    "[options] [KEY|SECTION ...]",
    "List scenario keys (all of them, or those named: a key such as wom.weak_tie_share or a "
    "section such as wom) with type, unit, default, range, meaning and the source of the "
    "default.",
    params_options,
    CLI_COUNT(params_options),
    cli_params};
