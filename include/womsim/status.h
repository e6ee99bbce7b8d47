/* status.h: the status codes every fallible womsim function returns, and the
 * error detail (file, line, message) that travels with them to the CLI,
 * which alone prints it. The library never prints.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_STATUS_H
#define WOMSIM_STATUS_H

#include <stddef.h>

typedef enum {
    WOM_OK = 0,
    WOM_ENOMEM,     /* an allocation failed */
    WOM_EINVAL,     /* a bad argument to a library function (a bug in the caller) */
    WOM_ECONFIG,    /* a scenario file or override is wrong */
    WOM_ENOENT,     /* an input file does not exist or cannot be read */
    WOM_EDATA,      /* an input data file (edge list, GraphML) is malformed */
    WOM_ETOOBIG,    /* the estimated memory exceeds the allowed limit */
    WOM_EIO,        /* reading or writing a file failed */
    WOM_ECANTCREAT, /* an output file or folder cannot be created */
    WOM_ELIBRARY,   /* GSL or igraph reported an error */
    WOM_EBUSY       /* another process is using the output folder: try again later */
} wom_status;

/* Where and why something failed. `file` is empty when no file is involved;
 * `line` is 0 when no line is. */
typedef struct {
    char file[1024];
    long line;
    char message[1024];
} wom_error_t;

/* A short name for a status, e.g. "out of memory". */
const char *wom_strerror(wom_status status);

/* Fills `error` (which may be NULL) and returns `status`, so that callers can
 * write `return wom_error_set(err, WOM_ECONFIG, file, line, "...", ...)`. */
wom_status wom_error_set(wom_error_t *error, wom_status status, const char *file, long line,
                         const char *format, ...) __attribute__((format(printf, 5, 6)));

/* Empties `error` (which may be NULL). */
void wom_error_clear(wom_error_t *error);

#endif
