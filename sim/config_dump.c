/* config_dump.c: the canonical dump of a config and its SHA-256, the
 * scenario hash that summaries and manifests record. Owns the one text form
 * of a config, so that the hash does not depend on how a file spelt its
 * values or laid out its lines: every key in table order under its
 * [section], values in their canonical text (long lists wrapped after a
 * comma, which the reader joins again), then one [failure.NAME] section per
 * failure mode. A key added after results were made (omitted_at_default)
 * is left out while it holds its default, so that adding it changes no
 * earlier scenario's hash. The dump reads back as a scenario file. A
 * batch on a network file adds the file's SHA-256 to its hash
 * (wom_config_hash_network), so that a file replaced since is noticed.
 *
 * Workload: a few times per run or check, some kilobytes of text in one
 * growable buffer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "womsim/text.h"

/* ---- the canonical dump and its hash ---------------------------------- */

#define DUMP_WIDTH 78 /* lists wrap after a comma before this column */

/* Writes the items of a canonical value ("a, b, c"), wrapping long lists
 * onto indented lines after a comma, which the reader joins again. */
static void dump_items(wom_text_t *b, const char *value, bool *first, size_t *column) {
    for (const char *p = value;;) {
        const char *separator = strstr(p, ", ");
        size_t n = separator ? (size_t)(separator - p) : strlen(p);
        if (n > 0) {
            bool wrap = !*first && *column + 2 + n > DUMP_WIDTH;
            wom_text_printf(b, "%s", *first ? " " : wrap ? ",\n    " : ", ");
            *column = (wrap ? 4 : *column + (*first ? 1 : 2)) + n;
            wom_text_printf(b, "%.*s", (int)n, p);
            *first = false;
        }
        if (separator == NULL) {
            return;
        }
        p = separator + 2;
    }
}

/* A key the dump leaves out: omitted_at_default and one value, the default. */
static bool omitted(const wom_key_t *key, const key_state *state) {
    return key->omitted_at_default && state->count == 1 &&
           strcmp(state->values[0], key->default_value) == 0;
}

static void dump_key(wom_text_t *b, const wom_key_t *key, const key_state *state) {
    if (omitted(key, state)) {
        return;
    }
    const char *name = wom_config_key_suffix(key);
    wom_text_printf(b, "%s", name);
    wom_text_printf(b, " =");
    if (state->range[0] != NULL) { /* a design's: the bounds, the design follows from them */
        wom_text_printf(b, " %s:%s", state->range[0], state->range[1]);
    } else if (key->type == WOM_KEY_TEXT) {
        if (state->values[0][0] != '\0') {
            wom_text_printf(b, " ");
            wom_text_printf(b, "%s", state->values[0]);
        }
    } else {
        bool first = true;
        size_t column = strlen(name) + 2;
        for (size_t v = 0; v < state->count; v++) {
            dump_items(b, state->values[v], &first, &column);
        }
    }
    wom_text_printf(b, "\n");
}

/* Whether fixed key k is the first of its section. */
static bool section_starts(size_t k) {
    const wom_key_t *key = &wom_config_table[k];
    size_t length = wom_config_section_length(key);
    return k == 0 || length != wom_config_section_length(key - 1) ||
           strncmp(key->name, key[-1].name, length) != 0;
}

/* Whether the section starting at key `first` has a key to dump: a
 * section of keys all omitted (added later, at their defaults) is left out
 * whole, header and all. */
static bool section_shown(const wom_config_t *config, size_t first) {
    for (size_t k = first; k < FIXED_KEYS && (k == first || !section_starts(k)); k++) {
        if (!omitted(&wom_config_table[k], &config->keys[k])) {
            return true;
        }
    }
    return false;
}

wom_status wom_config_dump(const wom_config_t *config, char **text) {
    if (config == NULL || text == NULL) {
        return WOM_EINVAL;
    }
    wom_text_t b;
    wom_text_init(&b);
    wom_text_printf(&b, "# womsim scenario (canonical)\n");
    for (size_t k = 0; k < FIXED_KEYS; k++) {
        const wom_key_t *key = &wom_config_table[k];
        if (section_starts(k) && section_shown(config, k)) {
            wom_text_printf(&b, "%s", k == 0 ? "[" : "\n[");
            wom_text_printf(&b, "%.*s", (int)wom_config_section_length(key), key->name);
            wom_text_printf(&b, "]\n");
        }
        dump_key(&b, key, &config->keys[k]);
    }
    for (int mode = 0; mode < config->mode_count; mode++) {
        wom_text_printf(&b, "\n[" FAILURE_PREFIX "%s]\n", config->modes[mode].name);
        for (size_t k = FIXED_KEYS; k < KEY_COUNT; k++) {
            const key_state *state = &config->keys[wom_config_mode_slot(mode, k)];
            if (state->count > 0) { /* a missing rate stays missing */
                dump_key(&b, &wom_config_table[k], state);
            }
        }
    }
    if (b.failed) {
        wom_text_destroy(&b);
        return WOM_ENOMEM;
    }
    *text = b.data;
    return WOM_OK;
}

wom_status wom_config_hash(const wom_config_t *config, char hex[65]) {
    return wom_config_hash_network(config, NULL, hex);
}

/* The file's digest is hashed as a comment line after the dump: the text
 * hashed still reads back as the scenario, and without a file it is the
 * dump alone, so no other scenario's hash changes. */
wom_status wom_config_hash_network(const wom_config_t *config, const char *network_sha256,
                                   char hex[65]) {
    if (hex == NULL) {
        return WOM_EINVAL;
    }
    char *text;
    wom_status status = wom_config_dump(config, &text);
    if (status != WOM_OK) {
        return status;
    }
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA2_CTX context;
    SHA256Init(&context);
    SHA256Update(&context, (const uint8_t *)text, strlen(text));
    if (network_sha256 != NULL) {
        static const char prefix[] = "# network.file sha256 ";
        SHA256Update(&context, (const uint8_t *)prefix, strlen(prefix));
        SHA256Update(&context, (const uint8_t *)network_sha256, strlen(network_sha256));
        SHA256Update(&context, (const uint8_t *)"\n", 1);
    }
    SHA256Final(digest, &context);
    for (size_t i = 0; i < sizeof digest; i++) {
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }
    free(text);
    return WOM_OK;
}
