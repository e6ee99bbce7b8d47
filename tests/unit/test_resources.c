/* test_resources.c: the default memory limit: MemAvailable capped by the
 * control group's limit, read from cgroup v2 and v1 fixture trees
 * (tests/data/cgroup/, README.md there says what each one is). Run from the
 * repository root.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "womsim/resources.h"

#define DATA      "tests/data/cgroup/"
#define MEMINFO   DATA "meminfo"
#define AVAILABLE (UINT64_C(8000000) * 1024)
#define GIB       (UINT64_C(1) << 30)

/* The limit the fixture `self_cgroup` gives with the tree at `root`. */
#define LIMIT(self_cgroup, root) wom_resources_cgroup_limit(DATA self_cgroup, DATA root)

static void cgroup_v2_limits(void **state) {
    (void)state;
    assert_int_equal(LIMIT("v2-job.cgroup", "v2"), 4 * GIB); /* the job's, above the step */
    assert_int_equal(LIMIT("v2-unlimited.cgroup", "v2"), UINT64_MAX);
    assert_int_equal(LIMIT("v2-junk.cgroup", "v2"), UINT64_MAX);
    assert_int_equal(LIMIT("v2-container.cgroup", "v2-container"), GIB);
    assert_int_equal(LIMIT("v2-job.cgroup", "no-such-folder"), UINT64_MAX);
}

static void cgroup_v1_limits(void **state) {
    (void)state;
    assert_int_equal(LIMIT("v1-hybrid.cgroup", "v1"), GIB / 2);
    assert_int_equal(LIMIT("v1-container.cgroup", "v1-container"), GIB / 4);
    assert_int_equal(LIMIT("v1-unlimited.cgroup", "v1"), UINT64_C(9223372036854771712));
    assert_int_equal(LIMIT("no-such.cgroup", "v1"), UINT64_MAX);
}

/* The default is the smaller of MemAvailable and the limit; either alone
 * when the other is unknown, 0 (no limit) when both are. */
static void memory_is_the_smaller_of_available_and_limit(void **state) {
    (void)state;
    assert_int_equal(wom_resources_memory_from(MEMINFO, DATA "v2-job.cgroup", DATA "v2"), 4 * GIB);
    assert_int_equal(wom_resources_memory_from(MEMINFO, DATA "v1-hybrid.cgroup", DATA "v1"),
                     GIB / 2);
    assert_int_equal(wom_resources_memory_from(MEMINFO, DATA "v2-unlimited.cgroup", DATA "v2"),
                     AVAILABLE);
    assert_int_equal(wom_resources_memory_from(MEMINFO, DATA "v1-unlimited.cgroup", DATA "v1"),
                     AVAILABLE); /* v1's "unlimited" is a number above it */
    assert_int_equal(wom_resources_memory_from(DATA "none", DATA "v2-job.cgroup", DATA "v2"),
                     4 * GIB);
    assert_int_equal(wom_resources_memory_from(DATA "none", DATA "none", DATA "v2"), 0);
}

/* On this machine: never more than MemAvailable, never 0 where
 * /proc/meminfo exists. */
static void this_machine(void **state) {
    (void)state;
    uint64_t available = wom_resources_memory_from("/proc/meminfo", "none", "none");
    uint64_t memory = wom_resources_available_memory();
    assert_true(memory > 0);
    assert_true(memory <= available + available / 10); /* MemAvailable moves between reads */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cgroup_v2_limits),
        cmocka_unit_test(cgroup_v1_limits),
        cmocka_unit_test(memory_is_the_smaller_of_available_and_limit),
        cmocka_unit_test(this_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
