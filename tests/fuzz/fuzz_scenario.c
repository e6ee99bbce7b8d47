/* fuzz_scenario.c: libFuzzer harness for the scenario reader and --set
 * overrides. The input is a scenario file, then optionally a NUL byte and
 * overrides separated by NUL bytes ("service.quality=0.7:0.9:0.1"). An
 * accepted config must resolve its first and last sweep point or say why,
 * and its canonical dump must read back to the same hash: a dump that does
 * not is a bug (abort). Built with -fsanitize=fuzzer by `make fuzz`; `make
 * test` replays the corpus through replay.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "womsim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads `length` bytes of `text` as the scenario file "fuzz.ini". */
static wom_status read_bytes(wom_config_t *config, const char *text, size_t length) {
    FILE *stream = fmemopen((void *)text, length, "r");
    if (stream == NULL) {
        abort();
    }
    wom_error_t error;
    wom_status status = wom_config_read_stream(config, stream, "fuzz.ini", &error);
    fclose(stream);
    return status;
}

/* The dump of an accepted config is a scenario file of the same hash. */
static void check_dump(const wom_config_t *config) {
    char *dump = NULL, hash[65], again[65];
    wom_config_t *copy = NULL;
    if (wom_config_dump(config, &dump) != WOM_OK || wom_config_hash(config, hash) != WOM_OK ||
        wom_config_alloc(&copy) != WOM_OK) {
        abort();
    }
    if (read_bytes(copy, dump, strlen(dump)) != WOM_OK || wom_config_hash(copy, again) != WOM_OK ||
        strcmp(hash, again) != 0 || wom_config_points(copy) != wom_config_points(config)) {
        fprintf(stderr, "fuzz_scenario: the dump does not read back:\n%s", dump);
        abort();
    }
    wom_config_free(copy);
    free(dump);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    wom_config_t *config = NULL;
    if (text == NULL || wom_config_alloc(&config) != WOM_OK) {
        abort();
    }
    memcpy(text, data, size);
    text[size] = '\0';
    size_t file = strlen(text); /* the scenario ends at the first NUL byte */
    wom_status status = read_bytes(config, text, file);
    for (size_t at = file + 1; status == WOM_OK && at < size; at += strlen(text + at) + 1) {
        wom_error_t error;
        status = wom_config_set(config, text + at, &error);
    }
    if (status == WOM_OK) {
        size_t points = wom_config_points(config);
        wom_scenario_t scenario;
        wom_error_t error;
        wom_config_scenario(config, 0, &scenario, &error);
        wom_config_scenario(config, points - 1, &scenario, &error);
        check_dump(config);
    }
    wom_config_free(config);
    free(text);
    return 0;
}
