/* replay.c: runs a libFuzzer harness over files without libFuzzer, so that
 * `make test` replays the seed corpora and the crash reproducers with the
 * normal compiler. Each argument is a file or a folder of files; every
 * file is one input. A harness that crashes or aborts fails the replay.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds the file at `path` to the harness; false when it cannot be read. */
static bool replay_file(const char *path) {
    FILE *stream = fopen(path, "rb");
    struct stat info;
    if (stream == NULL || fstat(fileno(stream), &info) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        if (stream != NULL) {
            fclose(stream);
        }
        return false;
    }
    size_t size = (size_t)info.st_size;
    uint8_t *data = malloc(size + 1); /* + 1: malloc(0) may return NULL */
    bool ok = data != NULL && fread(data, 1, size, stream) == size;
    fclose(stream);
    if (!ok) {
        fprintf(stderr, "replay: cannot read %s\n", path);
    } else {
        LLVMFuzzerTestOneInput(data, size);
    }
    free(data);
    return ok;
}

/* Replays `path`, a file or every file of a folder; counts the inputs. */
static bool replay(const char *path, unsigned *inputs) {
    DIR *folder = opendir(path);
    if (folder == NULL) {
        *inputs += 1;
        return replay_file(path);
    }
    bool ok = true;
    for (struct dirent *entry; (entry = readdir(folder)) != NULL;) {
        char file[4096];
        struct stat info;
        snprintf(file, sizeof file, "%s/%s", path, entry->d_name);
        if (stat(file, &info) == 0 && S_ISREG(info.st_mode)) {
            *inputs += 1;
            ok = replay_file(file) && ok;
        }
    }
    closedir(folder);
    return ok;
}

int main(int argc, char **argv) {
    unsigned inputs = 0;
    bool ok = true;
    for (int i = 1; i < argc; i++) {
        ok = replay(argv[i], &inputs) && ok;
    }
    printf("%s: %u inputs replayed\n", argc > 0 ? argv[0] : "replay", inputs);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
