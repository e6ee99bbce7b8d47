/* config_file.c: reading a scenario file (wom_config_read_file and
 * wom_config_read_stream). Owns the INI reader with line numbers: inih over
 * our own line-counting reader, which also follows inih's reading of each
 * line (sections, comments, continuation lines) so that every message
 * names the right line, and the rules a scenario file has beyond inih's.
 * A file is read into a copy of the config that replaces it only when the
 * whole file is good.
 *
 * Workload: a few small files read once at start-up, line by line; plain
 * loops and clear messages over speed.
 *
 * Scenario file rules beyond inih's (for the scenario guide):
 * - a [section] may appear more than once; its blocks are merged, but one key
 *   set twice in one file is an error (--set is the way to change a value);
 * - a list may continue on indented lines after a line ending in ',' (the
 *   dump wraps long sweeps that way); any other indented line after a key
 *   would be an inih continuation line and is refused;
 * - relative paths (TEXT keys) are taken from the scenario file's folder (when
 *   a sweep point is resolved, in config.c);
 * - a file that sets no key (empty, or only comments and section headers) is
 *   refused: it is more likely a generator's failure than a wish for the
 *   defaults;
 * - on any error the config is left exactly as it was.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "womsim/file.h"

/* ---- reading a file --------------------------------------------------- */

/* State of one file being read: our reader and handler share it. */
typedef struct {
    wom_config_t *config;    /* the working copy being filled */
    const char *path;        /* the scenario file */
    FILE *fp;                /* open on `path` */
    long line;               /* lines read so far = the line inih is on */
    bool indented;           /* the current line starts with a blank */
    bool after_key;          /* inih reads an indented line here as a continuation */
    char section[256];       /* the current section, whole: inih cuts names at 49 bytes */
    int mode;                /* the failure mode of a [failure.NAME] section, else -1 */
    size_t pending_slot;     /* the key whose list continues, while pending_text */
    char *pending_text;      /* a list whose line ended with ','; NULL if none */
    long pending_line;       /* where that list began */
    long set_on[SLOT_COUNT]; /* line where each key was set in this file, 0 = not */
    bool any_key;            /* a key line was met: a file without one is refused */
    wom_status status;       /* the first error (WOM_OK while none) */
    wom_error_t detail;      /* its file, line and message */
} file_reading;

static char *reader_fail(file_reading *r, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static char *reader_fail(file_reading *r, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(r->detail.message, sizeof r->detail.message, format, args);
    va_end(args);
    snprintf(r->detail.file, sizeof r->detail.file, "%s", r->path);
    r->detail.line = r->line + 1;
    r->status = WOM_ECONFIG;
    return NULL;
}

static wom_status assign_from_file(file_reading *r, size_t slot, const char *text, where_t at) {
    return wom_config_assign(r->config, slot, text, at, &r->detail);
}

/* Assigns a list that was waiting for continuation lines. */
static void flush_pending(file_reading *r) {
    if (r->pending_text == NULL) {
        return;
    }
    char *text = r->pending_text;
    r->pending_text = NULL;
    r->status = assign_from_file(r, r->pending_slot, text, (where_t){r->path, r->pending_line});
    free(text);
}

/* Where inih ends a section name: at ']' or an inline ';' comment. */
static const char *section_end(const char *s) {
    bool was_space = false;
    while (*s != '\0' && *s != ']' && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return s;
}

/* Where an inline comment (';' after a blank) starts, or the end. */
static const char *comment_start(const char *s) {
    bool was_space = false;
    while (*s != '\0' && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return s;
}

/* A section header ends any list and must name a known section or a
 * failure mode, which it opens; checked here because inih only calls the
 * handler for keys. */
static void section_line(file_reading *r, const char *name) {
    const char *end = section_end(name);
    if (*end != ']') {
        return; /* inih reports the line */
    }
    flush_pending(r);
    r->after_key = false;
    r->mode = -1;
    snprintf(r->section, sizeof r->section, "%.*s", (int)(end - name), name);
    where_t at = {r->path, r->line};
    if (r->status != WOM_OK) {
        return;
    }
    if (wom_config_is_failure_section(r->section)) {
        r->status =
            wom_config_open_mode(r->config, r->section + FAILURE_SECTION, at, &r->detail, &r->mode);
    } else if (!wom_config_section_known(r->section)) {
        r->status = wom_config_unknown_section(r->section, at, &r->detail);
    }
}

/* Follows inih's reading of the line: comment, continuation, section. */
static void inspect_line(file_reading *r, const char *line) {
    const char *start = line;
    if (r->line == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0) {
        start += 3;
    }
    r->indented = isspace((unsigned char)*start);
    while (isspace((unsigned char)*start)) {
        start++;
    }
    if (*start == '\0' || *start == ';' || *start == '#' || (r->indented && r->after_key)) {
        return;
    }
    if (*start == '[') {
        section_line(r, start + 1);
    }
}

/* An fgets for inih that counts lines, drops "\r\n" and "\n", and refuses a
 * line that does not fit instead of letting inih split it. */
static char *read_line(char *buffer, int size, void *stream) {
    file_reading *r = stream;
    size_t length = 0;
    int c = EOF;
    while (r->status == WOM_OK && (c = getc(r->fp)) != EOF && c != '\n') {
        if (c == '\r') {
            int next = getc(r->fp);
            ungetc(next, r->fp);
            if (next == '\n') {
                continue;
            }
        }
        if (c == '\0') {
            return reader_fail(r, "line contains a NUL byte (is this a text file?)");
        }
        if (length + 1 >= (size_t)size) {
            return reader_fail(r, "line is longer than %d characters", size - 1);
        }
        buffer[length++] = (char)c;
    }
    if (r->status == WOM_OK && ferror(r->fp)) {
        reader_fail(r, "cannot read: %s", strerror(errno));
        r->status = WOM_ENOENT;
    }
    if (r->status != WOM_OK || (c == EOF && length == 0)) {
        return NULL;
    }
    buffer[length] = '\0';
    r->line++;
    inspect_line(r, buffer);
    return r->status == WOM_OK ? buffer : NULL;
}

static bool ends_with_comma(const char *text) {
    size_t n = strlen(text);
    return n > 0 && text[n - 1] == ',';
}

static void start_key(file_reading *r, const char *name, const char *value) {
    where_t at = {r->path, r->line};
    size_t row;
    flush_pending(r);
    if (r->status != WOM_OK) {
        return;
    }
    if (r->section[0] == '\0') {
        r->status = wom_config_error(&r->detail, at, "key '%s' is outside any [section]", name);
        return;
    }
    r->status = wom_config_find_key(r->section, name, at, &r->detail, &row);
    if (r->status != WOM_OK) {
        return;
    }
    size_t slot = r->mode >= 0 ? wom_config_mode_slot(r->mode, row) : row;
    if (r->set_on[slot] != 0) {
        named_key named;
        r->status =
            wom_config_error(&r->detail, at, "duplicate key %s (first set on line %ld)",
                             wom_config_slot_key(r->config, slot, &named)->name, r->set_on[slot]);
        return;
    }
    r->set_on[slot] = at.line;
    if (!ends_with_comma(value)) {
        r->status = assign_from_file(r, slot, value, at);
        return;
    }
    r->pending_text = strdup(value);
    r->pending_slot = slot;
    r->pending_line = at.line;
    if (r->pending_text == NULL) {
        r->status = wom_error_set(&r->detail, WOM_ENOMEM, r->path, at.line, "out of memory");
    }
}

/* An indented line after a key: inih passes it as more of that key's value,
 * without taking off an inline comment as it does for key lines. */
static void continue_list(file_reading *r, const char *line) {
    char uncommented[WOM_MAX_PATH];
    snprintf(uncommented, sizeof uncommented, "%.*s", (int)(comment_start(line) - line), line);
    const char *value = wom_config_trim(uncommented);
    if (r->pending_text == NULL) {
        r->status = wom_config_error(&r->detail, (where_t){r->path, r->line},
                                     "indented line would continue the value above; only a list "
                                     "whose line ends with ',' may continue (remove the indent)");
        return;
    }
    size_t old = strlen(r->pending_text), add = strlen(value);
    char *text = realloc(r->pending_text, old + add + 2);
    if (text == NULL) {
        r->status = wom_error_set(&r->detail, WOM_ENOMEM, r->path, r->line, "out of memory");
        return;
    }
    text[old] = ' ';
    memcpy(text + old + 1, value, add + 1);
    r->pending_text = text;
    if (!ends_with_comma(value)) {
        flush_pending(r);
    }
}

/* inih's `section` is ignored: it is cut at 49 bytes, and [failure.NAME]
 * headers may be longer; section_line() keeps the whole name. */
static int on_key(void *user, const char *section, const char *name, const char *value) {
    file_reading *r = user;
    (void)section;
    if (r->status != WOM_OK) {
        return 0;
    }
    r->any_key = true;
    if (r->indented && r->after_key) {
        continue_list(r, value);
    } else {
        r->after_key = true;
        start_key(r, name, value);
    }
    return r->status == WOM_OK;
}

/* Reads `r->fp` into `r->config`; the first error (by line) wins. */
static wom_status read_scenario(file_reading *r) {
    int first_error = ini_parse_stream(read_line, r, on_key, r);
    if (r->status == WOM_OK) {
        flush_pending(r);
    }
    free(r->pending_text);
    if (first_error < 0) {
        return WOM_ENOMEM;
    }
    if (first_error > 0 && (r->status == WOM_OK || first_error < r->detail.line)) {
        return wom_config_error(&r->detail, (where_t){r->path, first_error},
                                "expected 'key = value' or '[section]'");
    }
    if (r->status == WOM_OK && !r->any_key) { /* a generator's empty output is no scenario */
        return wom_config_error(&r->detail, (where_t){r->path, 0},
                                "the file sets no key: it is empty or holds only comments and "
                                "section headers");
    }
    return r->status;
}

wom_status wom_config_read_stream(wom_config_t *config, FILE *stream, const char *name,
                                  wom_error_t *error) {
    if (config == NULL || stream == NULL || name == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_read_stream: NULL argument");
    }
    file_reading *r = calloc(1, sizeof *r);
    wom_config_t *work = NULL;
    wom_status status = r == NULL ? WOM_ENOMEM : wom_config_copy(config, &work);
    if (status == WOM_OK) {
        r->config = work;
        r->path = name;
        r->fp = stream;
        r->mode = -1;
        status = read_scenario(r);
        if (status != WOM_OK && error != NULL) {
            *error = r->detail;
        }
    } else {
        wom_error_set(error, status, name, 0, "out of memory");
    }
    free(r);
    if (status == WOM_OK && wom_config_design_refresh(work) != WOM_OK) {
        status = wom_error_set(error, WOM_ENOMEM, name, 0, "out of memory");
    }
    if (status != WOM_OK) {
        wom_config_free(work);
        return status;
    }
    snprintf(work->last_file, sizeof work->last_file, "%s", name);
    wom_config_replace(config, work);
    return WOM_OK;
}

/* A pipe is read as a stream (/dev/stdin); a FIFO without a writer is
 * refused at once, not waited for (wom_file_open_input). */
wom_status wom_config_read_file(wom_config_t *config, const char *path, wom_error_t *error) {
    if (config == NULL || path == NULL) {
        return wom_error_set(error, WOM_EINVAL, "", 0, "wom_config_read_file: NULL argument");
    }
    FILE *fp;
    wom_status status = wom_file_open_input(path, "", "a scenario file", true, &fp, error);
    if (status == WOM_OK) {
        status = wom_config_read_stream(config, fp, path, error);
        fclose(fp);
    }
    return status;
}
