/* file.c: files written whole or not at all. Every output of womsim (task
 * files, outputs, pictures, manifests) goes through here: to a temporary
 * name in the same folder, flushed, fsynced, then renamed into place, so a
 * killed run never leaves a truncated file under a final name. Workload: a
 * handful of files per point; runs.csv streams through one
 * wom_file_stream_t. Also the line reader of the data tables (adoption
 * tables, observed series), one byte at a time through stdio, once at
 * set-up; SNAP edge lists have their own block reader (graph_snap.c),
 * which keeps this reader's limits and messages.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

wom_status wom_file_make_dir(const char *path, wom_error_t *error) {
    char partial[WOM_MAX_PATH];
    if (path[0] == '\0') {
        return wom_error_set(error, WOM_ECANTCREAT, "", 0, "the output folder name is empty");
    }
    if (snprintf(partial, sizeof partial, "%s", path) >= (int)sizeof partial) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "path is too long");
    }
    /* Each '/' after the first character ends a prefix to create. */
    for (char *slash = partial + 1;; slash++) {
        bool end = *slash == '\0';
        if (*slash == '/' || end) {
            *slash = '\0';
            struct stat info;
            if (mkdir(partial, 0777) != 0 && errno != EEXIST) {
                return wom_error_set(error, WOM_ECANTCREAT, partial, 0, "cannot create folder: %s",
                                     strerror(errno));
            }
            if (stat(partial, &info) != 0 || !S_ISDIR(info.st_mode)) {
                return wom_error_set(error, WOM_ECANTCREAT, partial, 0, "not a folder");
            }
            if (end) {
                return WOM_OK;
            }
            *slash = '/';
        }
    }
}

wom_status wom_file_stream_open(wom_file_stream_t *out, const char *path, wom_error_t *error) {
    out->stream = NULL;
    if (snprintf(out->path, sizeof out->path, "%s", path) >= (int)sizeof out->path ||
        snprintf(out->temporary, sizeof out->temporary, "%s.tmp.XXXXXX", path) >=
            (int)sizeof out->temporary) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "path is too long");
    }
    out->fd = mkstemp(out->temporary);
    out->stream = out->fd < 0 ? NULL : fdopen(out->fd, "w");
    if (out->stream == NULL) {
        int saved = errno;
        if (out->fd >= 0) {
            close(out->fd);
            unlink(out->temporary);
        }
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "cannot create: %s", strerror(saved));
    }
    errno = 0; /* so that commit can tell why a writer failed */
    return WOM_OK;
}

wom_status wom_file_stream_text(wom_file_stream_t *out, const wom_text_t *text) {
    if (text->failed) {
        return WOM_ENOMEM;
    }
    size_t length = text->length;
    return fwrite(text->data ? text->data : "", 1, length, out->stream) == length ? WOM_OK
                                                                                  : WOM_EIO;
}

wom_status wom_file_stream_commit(wom_file_stream_t *out, wom_status status, wom_error_t *error) {
    if (out->stream == NULL) {
        return wom_error_set(error, WOM_EINVAL, out->path, 0, "the file is not open");
    }
    int saved = errno; /* why the writing failed, when it did */
    bool ok = status == WOM_OK;
    if (ok) { /* mkstemp makes the file private; results are for sharing. */
        errno = 0;
        ok = fchmod(out->fd, 0644) == 0 && fflush(out->stream) == 0 && fsync(out->fd) == 0;
        saved = ok ? 0 : errno;
    }
    ok = fclose(out->stream) == 0 && ok;
    out->stream = NULL;
    if (!ok || rename(out->temporary, out->path) != 0) {
        saved = saved ? saved : errno;
        unlink(out->temporary);
        if (status == WOM_ENOMEM) {
            return wom_error_set(error, status, out->path, 0, "out of memory while writing");
        }
        return wom_error_set(error, WOM_EIO, out->path, 0, "cannot write: %s",
                             saved ? strerror(saved) : "unknown error");
    }
    return WOM_OK;
}

void wom_file_stream_abandon(wom_file_stream_t *out) {
    if (out->stream != NULL) {
        fclose(out->stream);
        unlink(out->temporary);
        out->stream = NULL;
    }
}

wom_status wom_file_write_with(const char *path, wom_file_writer_fn writer, const void *context,
                               wom_error_t *error) {
    wom_file_stream_t out;
    wom_status status = wom_file_stream_open(&out, path, error);
    if (status != WOM_OK) {
        return status;
    }
    return wom_file_stream_commit(&out, writer(out.stream, context), error);
}

wom_status wom_file_remove(const char *dir, const char *name, wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        return wom_error_set(error, WOM_ECANTCREAT, path, 0, "cannot remove: %s", strerror(errno));
    }
    return WOM_OK;
}

wom_status wom_file_write_text(const char *dir, const char *name, const wom_text_t *text,
                               wom_error_t *error) {
    char path[WOM_MAX_PATH];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        return wom_error_set(error, WOM_ECANTCREAT, dir, 0, "path is too long");
    }
    wom_file_stream_t out;
    wom_status status = wom_file_stream_open(&out, path, error);
    if (status != WOM_OK) {
        return status;
    }
    return wom_file_stream_commit(&out, wom_file_stream_text(&out, text), error);
}

wom_status wom_file_read_line(FILE *stream, const char *path, long number, char *line, size_t max,
                              bool *more, wom_error_t *error) {
    size_t length = 0;
    int c;
    while ((c = getc_unlocked(stream)) != EOF && c != '\n') {
        if (c == '\0') {
            return wom_error_set(error, WOM_EDATA, path, number,
                                 "line contains a NUL byte (is this a text file?)");
        }
        if (length == max) {
            return wom_error_set(error, WOM_EDATA, path, number,
                                 "line is longer than %zu characters", max);
        }
        line[length++] = (char)c;
    }
    if (ferror(stream)) {
        return wom_error_set(error, WOM_EIO, path, number, "cannot read: %s", strerror(errno));
    }
    *more = c != EOF || length > 0;
    while (length > 0 && line[length - 1] == '\r') {
        length--;
    }
    line[length] = '\0';
    return WOM_OK;
}

/* What a non-regular input is, for the message that refuses it. */
static const char *file_kind(mode_t mode) {
    return S_ISFIFO(mode)   ? "a pipe (FIFO)"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a regular file";
}

/* A pipe opened without blocking has a writer unless its first read says
 * end of file; a byte read to tell is pushed back (*first, or EOF). */
static wom_status probe_pipe(int fd, const char *path, const char *noun, int *first,
                             wom_error_t *error) {
    unsigned char byte;
    ssize_t got = read(fd, &byte, 1);
    *first = got == 1 ? byte : EOF;
    if (got == 0) {
        return wom_error_set(error, WOM_ENOENT, path, 0,
                             "is a pipe (FIFO) that no program writes to, not %s", noun);
    }
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        return wom_error_set(error, WOM_EIO, path, 0, "cannot read: %s", strerror(errno));
    }
    return WOM_OK;
}

/* O_NONBLOCK makes the open of a FIFO return at once, with or without a
 * writer (a blocking open would wait for one where no stop signal can end
 * the wait, as the signal handlers restart interrupted calls); it is
 * cleared before the reader's first read. */
wom_status wom_file_open_input(const char *path, const char *open_what, const char *noun,
                               bool pipes, FILE **stream, wom_error_t *error) {
    *stream = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return wom_error_set(error, WOM_ENOENT, path, 0, "cannot open%s%s: %s",
                             open_what[0] ? " " : "", open_what, strerror(errno));
    }
    struct stat info;
    wom_status status = WOM_OK;
    int first = EOF;
    if (fstat(fd, &info) != 0) {
        status = wom_error_set(error, WOM_EIO, path, 0, "cannot read: %s", strerror(errno));
    } else if (S_ISDIR(info.st_mode)) {
        status = wom_error_set(error, WOM_ENOENT, path, 0, "is a folder, not %s", noun);
    } else if (!S_ISREG(info.st_mode) && !(pipes && S_ISFIFO(info.st_mode))) {
        status = wom_error_set(error, WOM_ENOENT, path, 0, "is %s, not %s (a regular file)",
                               file_kind(info.st_mode), noun);
    } else if (S_ISFIFO(info.st_mode)) {
        status = probe_pipe(fd, path, noun, &first, error);
    }
    if (status == WOM_OK && (fcntl(fd, F_SETFL, 0) != 0 || (*stream = fdopen(fd, "r")) == NULL)) {
        status = wom_error_set(error, WOM_EIO, path, 0, "cannot read: %s", strerror(errno));
    }
    if (status == WOM_OK && first != EOF) {
        ungetc(first, *stream);
    }
    if (status != WOM_OK) {
        close(fd);
    }
    return status;
}

char *wom_file_read_text(const char *path) {
    size_t length = 0;
    return wom_file_read_bytes(path, &length);
}

char *wom_file_read_bytes(const char *path, size_t *length) {
    FILE *stream = fopen(path, "rb");
    if (stream == NULL) {
        return NULL;
    }
    size_t size = 0, capacity = 4096;
    char *text = malloc(capacity);
    for (size_t got; text != NULL && (got = fread(text + size, 1, capacity - size - 1, stream));) {
        size += got;
        if (capacity - size == 1) {
            char *grown = realloc(text, capacity *= 2);
            if (grown == NULL) {
                free(text);
            }
            text = grown;
        }
    }
    fclose(stream);
    if (text != NULL) {
        text[size] = '\0';
    }
    *length = size;
    return text;
}
