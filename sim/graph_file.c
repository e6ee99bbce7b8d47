/* graph_file.c: a network file before its reader: the checks every format
 * passes (wom_file_open_input: it opens, is no folder, is a regular file or
 * a pipe), so that igraph's parsers never meet a folder (whose read error
 * their lexers treat as fatal), and the file's SHA-256, which a batch on
 * the file records as part of its scenario's identity.
 * Workload: once per batch or graph command; hashing streams the file in
 * 64 KiB blocks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <sha2.h>
#include <stdio.h>
#include <string.h>

#include "graph_internal.h"
#include "womsim/file.h"

wom_status wom_graph_open_file(const char *path, int format, bool pipes, FILE **stream,
                               wom_error_t *error) {
    static const char *const what[] = {"edge list", "GraphML file", "GML file", "serialized graph",
                                       "Matrix Market file"};
    static const char *const noun[] = {"an edge list", "a GraphML file", "a GML file",
                                       "a serialized graph (.sg)", "a Matrix Market file"};
    int f = format >= WOM_FORMAT_SNAP && format <= WOM_FORMAT_MTX ? format : WOM_FORMAT_SNAP;
    char open_what[32];
    snprintf(open_what, sizeof open_what, "the %s", what[f]);
    return wom_file_open_input(path, open_what, noun[f], pipes, stream, error);
}

/* Only a regular file: a pipe's bytes, once hashed, would be gone for the
 * reader, and a batch may read the file again (resume, merge). */
wom_status wom_graph_file_sha256(const char *path, int format, char hex[65], wom_error_t *error) {
    FILE *stream;
    wom_status status = wom_graph_open_file(path, format, false, &stream, error);
    if (status != WOM_OK) {
        return status;
    }
    SHA2_CTX context;
    SHA256Init(&context);
    uint8_t block[65536];
    for (size_t n; (n = fread(block, 1, sizeof block, stream)) > 0;) {
        SHA256Update(&context, block, n);
    }
    if (ferror(stream)) {
        status = wom_error_set(error, WOM_EIO, path, 0, "cannot read: %s", strerror(errno));
    }
    fclose(stream);
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256Final(digest, &context);
    for (size_t i = 0; i < sizeof digest; i++) {
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }
    return status;
}
