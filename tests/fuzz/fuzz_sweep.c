/* fuzz_sweep.c: libFuzzer harness for sweep values: the list and range
 * parser (wom_config_split_values) and a key given that text by --set.
 * The first byte picks the key from the key table (every type: reals,
 * integers, seeds, choices, lists, paths), the rest is the value, as in
 * "--sweep KEY=VALUE". Built with -fsanitize=fuzzer by `make fuzz`; `make
 * test` replays the corpus through replay.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "womsim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) {
        return 0;
    }
    size_t count;
    const wom_key_t *keys = wom_config_keys(&count);
    const wom_key_t *key = &keys[data[0] % count];
    char name[WOM_MAX_KEY_NAME]; /* a failure mode's key in the mode "late" */
    snprintf(name, sizeof name, "%s%s", key->per_failure ? "failure.late." : key->name,
             key->per_failure ? strrchr(key->name, '.') + 1 : "");
    size_t length = strlen(name);
    char *assignment = malloc(length + size + 1);
    if (assignment == NULL) {
        abort();
    }
    memcpy(assignment, name, length);
    assignment[length] = '=';
    memcpy(assignment + length + 1, data + 1, size - 1);
    assignment[length + size] = '\0'; /* a NUL byte in the value ends it early */
    char **items = NULL;
    wom_error_t error;
    if (wom_config_split_values(assignment + length + 1, &items, &count, &error) == WOM_OK) {
        if (count == 0 || items == NULL) {
            abort(); /* a value is at least one item */
        }
        wom_config_free_values(items, count);
    }
    wom_config_t *config = NULL;
    if (wom_config_alloc(&config) != WOM_OK) {
        abort();
    }
    if (wom_config_set(config, assignment, &error) == WOM_OK) {
        wom_scenario_t scenario;
        wom_config_scenario(config, wom_config_points(config) - 1, &scenario, &error);
    }
    wom_config_free(config);
    free(assignment);
    return 0;
}
