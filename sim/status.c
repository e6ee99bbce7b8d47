/* status.c: names of status codes and the error-detail helpers. Pure: no
 * I/O. SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *wom_strerror(wom_status status) {
    switch (status) {
    case WOM_OK:
        return "success";
    case WOM_ENOMEM:
        return "out of memory";
    case WOM_EINVAL:
        return "invalid argument";
    case WOM_ECONFIG:
        return "invalid scenario";
    case WOM_ENOENT:
        return "cannot open input file";
    case WOM_EDATA:
        return "malformed input data";
    case WOM_ETOOBIG:
        return "memory limit exceeded";
    case WOM_EIO:
        return "input/output error";
    case WOM_ECANTCREAT:
        return "cannot create output";
    case WOM_ELIBRARY:
        return "library error";
    case WOM_EBUSY:
        return "output folder in use";
    }
    return "unknown status";
}

wom_status wom_error_set(wom_error_t *error, wom_status status, const char *file, long line,
                         const char *format, ...) {
    if (error == NULL) {
        return status;
    }
    snprintf(error->file, sizeof error->file, "%s", file ? file : "");
    error->line = line;
    va_list args;
    va_start(args, format);
    vsnprintf(error->message, sizeof error->message, format, args);
    va_end(args);
    return status;
}

void wom_error_clear(wom_error_t *error) {
    if (error != NULL) {
        memset(error, 0, sizeof *error);
    }
}
