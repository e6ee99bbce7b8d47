/* cli.h: what the subcommands of the womsim program share: turning statuses
 * into messages and sysexits codes, loading a scenario with its overrides,
 * and parsing option values. Private to the program (not installed).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_CLI_H
#define WOMSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "womsim/womsim.h"

/* Overrides collected from the command line, applied in order. */
typedef struct {
    const char *items[256];
    int count;
} cli_overrides_t;

/* Prints "womsim: FILE:LINE: message" (parts omitted when empty) on stderr
 * and returns the sysexits code for `status`. */
int cli_fail(wom_status status, const wom_error_t *error);

/* Prints "womsim: message" on stderr and returns EX_USAGE. */
int cli_usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Adds an override; false when there are too many. */
bool cli_add_override(cli_overrides_t *overrides, const char *assignment);

/* Reads `path` (NULL: defaults only) and applies the overrides. */
wom_status cli_load_config(const char *path, const cli_overrides_t *overrides,
                           wom_config_t **config, wom_error_t *error);

/* Parses a byte count with an optional K, M, G or T suffix (powers of 1024). */
bool cli_parse_bytes(const char *text, uint64_t *bytes);

/* The scenario of a config that sweeps nothing; a sweep is refused. */
wom_status cli_single_point(const wom_config_t *config, const char *path,
                            wom_scenario_t *scenario, wom_error_t *error);

/* Memory the machine has available now (MemAvailable), in bytes; 0 if
 * unknown, which means no limit. */
uint64_t cli_available_memory(void);

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_params(int argc, char **argv);
int cli_graph(int argc, char **argv);

#endif
