/* resources.h: the memory a run may take when --max-mem does not say: what
 * the kernel reports available, capped by the memory limit of the
 * process's control group (a SLURM job's --mem, a container's limit),
 * which the kernel enforces by killing the process, not by refusing an
 * allocation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_RESOURCES_H
#define WOMSIM_RESOURCES_H

#include <stdint.h>

/* wom_resources_memory_from of this machine: /proc/meminfo,
 * /proc/self/cgroup and the cgroup file systems under /sys/fs/cgroup. */
uint64_t wom_resources_available_memory(void);

/* The smaller of MemAvailable in `meminfo` and
 * wom_resources_cgroup_limit(`self_cgroup`, `cgroup_root`), in bytes; 0 if
 * neither is known, which means no limit. */
uint64_t wom_resources_memory_from(const char *meminfo, const char *self_cgroup,
                                   const char *cgroup_root);

/* The memory limit of the control group that file `self_cgroup` (the form
 * of /proc/self/cgroup) names, in bytes, with `cgroup_root` where
 * /sys/fs/cgroup would be: the smallest limit of the group and its
 * ancestors, from cgroup v1's memory controller
 * (memory/PATH/memory.limit_in_bytes) when a line names it, else from
 * cgroup v2 (PATH/memory.max of the line "0::PATH"). "max", a missing file
 * or one that holds no number sets no limit; UINT64_MAX when nothing
 * does. */
uint64_t wom_resources_cgroup_limit(const char *self_cgroup, const char *cgroup_root);

#endif
