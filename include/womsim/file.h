/* file.h: files written whole or not at all: to "path.tmp.XXXXXX" in the
 * same folder, flushed, fsynced, then renamed to the final name, so that a
 * killed program never leaves a truncated file under a final name; folders
 * made with their parents; and the line reader of the data tables
 * (adoption tables, observed series; edge lists have graph_snap.c's).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_FILE_H
#define WOMSIM_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "womsim/config.h"
#include "womsim/status.h"
#include "womsim/text.h"

/* Creates `path` and its missing parents (like mkdir -p). */
wom_status wom_file_make_dir(const char *path, wom_error_t *error);

/* Writes a file through `writer`, atomically: to "path.tmp.XXXXXX" in the
 * same folder, flushed, fsynced, then renamed to `path`. On any failure the
 * temporary file is removed and `path` is left as it was. */
typedef wom_status (*wom_file_writer_fn)(FILE *stream, const void *context);
wom_status wom_file_write_with(const char *path, wom_file_writer_fn writer, const void *context,
                               wom_error_t *error);

/* A file written piece by piece (runs.csv), atomically: open writes to
 * "path.tmp.XXXXXX"; commit flushes, fsyncs and renames it to `path`. */
typedef struct {
    FILE *stream; /* append here; NULL when not open */
    int fd;
    char path[WOM_MAX_PATH];      /* the final name */
    char temporary[WOM_MAX_PATH]; /* where the bytes go until commit */
} wom_file_stream_t;

wom_status wom_file_stream_open(wom_file_stream_t *out, const char *path, wom_error_t *error);

/* Appends `text`: WOM_ENOMEM when the text is incomplete, WOM_EIO when the
 * write fails (commit then reports why). */
wom_status wom_file_stream_text(wom_file_stream_t *out, const wom_text_t *text);

/* Puts the file in place when `status` (of the writing so far) is WOM_OK;
 * otherwise, or when flushing or renaming fails, removes the temporary file
 * and returns the error. The stream is closed either way. */
wom_status wom_file_stream_commit(wom_file_stream_t *out, wom_status status, wom_error_t *error);

/* Closes and removes the temporary file; nothing when not open. */
void wom_file_stream_abandon(wom_file_stream_t *out);

/* Removes dir/name, an output another run left, when it is there
 * (WOM_ECANTCREAT, naming it, when it cannot be removed). */
wom_status wom_file_remove(const char *dir, const char *name, wom_error_t *error);

/* Writes `text` to dir/name atomically. */
wom_status wom_file_write_text(const char *dir, const char *name, const wom_text_t *text,
                               wom_error_t *error);

/* Opens input `path` for reading after the checks every input file passes
 * before its reader: it exists and opens (else WOM_ENOENT "cannot open
 * `open_what`: reason"), is no folder (WOM_ENOENT "is a folder, not
 * `noun`") and is a regular file, or a pipe when `pipes` (a stream such as
 * /dev/stdin; a device or socket is refused). The open never blocks: a FIFO
 * no program writes to is refused (WOM_ENOENT) rather than waited for
 * where a stop signal cannot end the wait. */
wom_status wom_file_open_input(const char *path, const char *open_what, const char *noun,
                               bool pipes, FILE **stream, wom_error_t *error);

/* Reads the next line of `stream` into `line` (room for `max` + 1 bytes),
 * its end (LF or CRLF) removed; *more is false at the end of the file.
 * Read byte by byte, so that a line over `max` characters is refused as
 * soon as the limit is passed, not after the whole line is in memory; a
 * NUL byte, which no text file holds, is refused rather than ending the
 * line early. Errors (WOM_EDATA, WOM_EIO) name `path` and line `number`. */
wom_status wom_file_read_line(FILE *stream, const char *path, long number, char *line, size_t max,
                              bool *more, wom_error_t *error);

/* The whole of the file at `path`, NUL-terminated and malloc'd; NULL when
 * it cannot be opened or memory runs out (errno says which). */
char *wom_file_read_text(const char *path);
/* The same for any bytes (a picture): its size in *length. */
char *wom_file_read_bytes(const char *path, size_t *length);

#endif
