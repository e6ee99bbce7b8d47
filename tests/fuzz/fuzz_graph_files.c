/* fuzz_graph_files.c: libFuzzer harness for the binary and matrix network
 * readers: the input, written to a temporary file, is read as GAP's
 * serialized graph (.sg) and as a Matrix Market file (.mtx), directed and
 * undirected. An accepted file must give a valid CSR (rows sorted, no
 * self-loop or duplicate, ids below the node count; undirected: every arc
 * has its reverse); an accepted .sg, written again, must be the input's
 * very bytes (its layout leaves the writer no choice); anything else is a
 * bug (abort). Built with -fsanitize=fuzzer by `make fuzz`; `make test`
 * replays the corpus through replay.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_csr.h"
#include "graph_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The .sg written from `graph` is `data` itself. */
static void check_rewrite(const wom_graph_t *graph, const uint8_t *data, size_t size) {
    char *bytes = NULL;
    size_t length = 0;
    FILE *stream = open_memstream(&bytes, &length);
    if (stream == NULL || wom_graph_write_sg(graph, stream) != WOM_OK || fclose(stream) != 0 ||
        length != size || memcmp(bytes, data, size) != 0) {
        abort();
    }
    free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[] = "/tmp/womsim-fuzz-graph-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0) {
        abort();
    }
    for (int directed = 0; directed <= 1; directed++) {
        wom_graph_t *graph = NULL;
        wom_error_t error;
        wom_status status = wom_graph_read_sg(path, directed, &graph, &error);
        if ((status == WOM_OK) != (graph != NULL)) {
            abort(); /* a graph exactly when it succeeds */
        }
        if (graph != NULL) {
            check_csr(graph);
            check_rewrite(graph, data, size);
            wom_graph_free(graph);
            graph = NULL;
        }
        status = wom_graph_read_mtx(path, directed, &graph, &error);
        if ((status == WOM_OK) != (graph != NULL)) {
            abort();
        }
        if (graph != NULL) {
            check_csr(graph);
            wom_graph_free(graph);
        }
    }
    unlink(path);
    return 0;
}
