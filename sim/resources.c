/* resources.c: the default memory limit (resources.h): the kernel's
 * MemAvailable, capped by the memory limit of the process's control group,
 * read from the files the kernel exports (no library reads cgroup limits).
 * The group's path is walked up to the root, since a parent's limit binds
 * its children too (a SLURM job's limit sits above its step's group) and a
 * container sees its own limit at the root of its mount.
 * Workload: once per command, a few small files read.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/resources.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PATH_BYTES = 4096, LINE_BYTES = 4096 };

/* MemAvailable counts reclaimable page cache too, unlike free pages; 0 when
 * unknown. */
static uint64_t meminfo_available(const char *meminfo) {
    FILE *stream = fopen(meminfo, "r");
    unsigned long long kib = 0;
    char line[256];
    while (stream != NULL && fgets(line, sizeof line, stream) != NULL) {
        if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1) {
            break;
        }
    }
    if (stream != NULL) {
        fclose(stream);
    }
    return (uint64_t)kib * 1024;
}

/* The limit in file `path`: a whole number of bytes on its first line;
 * UINT64_MAX for "max", a missing file or anything else. */
static uint64_t read_limit(const char *path) {
    FILE *stream = fopen(path, "r");
    char line[64] = "";
    bool got = stream != NULL && fgets(line, sizeof line, stream) != NULL;
    if (stream != NULL) {
        fclose(stream);
    }
    char *end = line;
    unsigned long long bytes =
        got && line[0] >= '0' && line[0] <= '9' ? strtoull(line, &end, 10) : ULLONG_MAX;
    return bytes != ULLONG_MAX && (*end == '\n' || *end == '\0') ? (uint64_t)bytes : UINT64_MAX;
}

/* The smallest limit in file `name` of the group at `group` under `root`
 * and of each of its ancestors up to `root` itself. */
static uint64_t hierarchy_limit(const char *root, const char *group, const char *name) {
    char path[PATH_BYTES];
    uint64_t limit = UINT64_MAX;
    if (snprintf(path, sizeof path, "%s%s", root, group) >= (int)sizeof path) {
        return limit;
    }
    size_t root_length = strlen(root), length = strlen(path);
    while (length > root_length && path[length - 1] == '/') {
        path[--length] = '\0'; /* the group "/" is the root */
    }
    for (;;) {
        char file[PATH_BYTES + 64];
        snprintf(file, sizeof file, "%s/%s", path, name);
        uint64_t here = read_limit(file);
        limit = here < limit ? here : limit;
        char *slash = strrchr(path + root_length, '/');
        if (slash == NULL) {
            return limit;
        }
        *slash = '\0'; /* the parent */
    }
}

/* Whether `controllers` (a line's middle field, "cpu,memory") holds
 * "memory". */
static bool names_memory(const char *controllers, size_t length) {
    for (const char *p = controllers; p < controllers + length;) {
        size_t word = strcspn(p, ",:");
        if (word == 6 && strncmp(p, "memory", 6) == 0) {
            return true;
        }
        p += word + 1;
    }
    return false;
}

uint64_t wom_resources_cgroup_limit(const char *self_cgroup, const char *cgroup_root) {
    FILE *stream = fopen(self_cgroup, "r");
    if (stream == NULL) {
        return UINT64_MAX;
    }
    char line[LINE_BYTES], v1[LINE_BYTES] = "", v2[LINE_BYTES] = "";
    while (fgets(line, sizeof line, stream) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *controllers = strchr(line, ':');
        char *group = controllers ? strchr(controllers + 1, ':') : NULL;
        if (group == NULL || group[1] != '/') {
            continue;
        }
        controllers++;
        if (names_memory(controllers, (size_t)(group - controllers))) {
            snprintf(v1, sizeof v1, "%s", group + 1);
        } else if (strncmp(line, "0::", 3) == 0) {
            snprintf(v2, sizeof v2, "%s", group + 1);
        }
    }
    fclose(stream);
    char root[PATH_BYTES];
    if (v1[0] != '\0') {
        snprintf(root, sizeof root, "%s/memory", cgroup_root);
        return hierarchy_limit(root, v1, "memory.limit_in_bytes");
    }
    return v2[0] != '\0' ? hierarchy_limit(cgroup_root, v2, "memory.max") : UINT64_MAX;
}

uint64_t wom_resources_memory_from(const char *meminfo, const char *self_cgroup,
                                   const char *cgroup_root) {
    uint64_t available = meminfo_available(meminfo);
    uint64_t limit = wom_resources_cgroup_limit(self_cgroup, cgroup_root);
    if (limit == UINT64_MAX) {
        return available;
    }
    return available != 0 && available < limit ? available : limit;
}

uint64_t wom_resources_available_memory(void) {
    return wom_resources_memory_from("/proc/meminfo", "/proc/self/cgroup", "/sys/fs/cgroup");
}
