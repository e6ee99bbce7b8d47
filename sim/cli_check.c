/* cli_check.c: `womsim check` (validate a scenario, print its canonical
 * form and hash) and `womsim params` (the key table for people and docs).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <getopt.h>
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
    wom_status status = wom_config_hash(config, hash);
    if (status == WOM_OK && dump) {
        status = wom_config_dump(config, &text);
    }
    if (status != WOM_OK) {
        return cli_fail(status, NULL);
    }
    if (dump) {
        fputs(text, stdout);
        free(text);
    } else {
        printf("%s: ok, %zu point(s), sha256 %s\n", path, wom_config_points(config), hash);
    }
    return EX_OK;
}

int cli_check(int argc, char **argv) {
    static const struct option long_options[] = {{"set", required_argument, NULL, 'S'},
                                                 {"dump", no_argument, NULL, 'D'},
                                                 {NULL, 0, NULL, 0}};
    cli_overrides_t overrides = {0};
    bool dump = false;
    argc--; /* getopt reads from argv[1]: the command's name is its argv[0] */
    argv++;
    optind = 1;
    opterr = 0;
    int option;
    while ((option = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
        if (option == 'S' && !cli_add_override(&overrides, optarg)) {
            return cli_usage_error("too many overrides");
        } else if (option == 'D') {
            dump = true;
        } else if (option != 'S') {
            return cli_usage_error("unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("check expects one scenario file");
    }
    wom_config_t *config = NULL;
    wom_error_t error = {0};
    wom_status status = cli_load_config(argv[optind], &overrides, &config, &error);
    if (status == WOM_OK) {
        status = check_points(config, &error);
    }
    int code = status == WOM_OK ? report(argv[optind], config, dump) : cli_fail(status, &error);
    wom_config_free(config);
    return code;
}

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

int cli_params(int argc, char **argv) {
    bool markdown = argc == 3 && strcmp(argv[2], "--markdown") == 0;
    if (argc > 2 && !markdown) {
        return cli_usage_error("params takes only --markdown");
    }
    size_t count = 0;
    const wom_key_t *keys = wom_config_keys(&count);
    if (markdown) {
        puts("| key | type | default | range | meaning | source of the default |\n"
             "|---|---|---|---|---|---|");
    }
    for (size_t i = 0; i < count; i++) {
        char range[256];
        range_text(&keys[i], range, sizeof range);
        if (markdown) {
            printf("| `%s` | %s | `%s` | %s | %s | %s |\n", keys[i].name, type_name(keys[i].type),
                   keys[i].default_value, range, keys[i].meaning, keys[i].source);
        } else {
            printf("%-34s %-8s default %-16s range %s\n    %s (default: %s)\n", keys[i].name,
                   type_name(keys[i].type), keys[i].default_value, range, keys[i].meaning,
                   keys[i].source);
        }
    }
    return EX_OK;
}
