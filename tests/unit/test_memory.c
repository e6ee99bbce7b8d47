/* test_memory.c: the large-array allocator: usable, zeroed where asked,
 * huge-page aligned from 4 MiB, and refusing sizes that overflow.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memory.h"

static void small_blocks_are_usable(void **state) {
    (void)state;
    uint8_t *block = wom_memory_alloc(100);
    assert_non_null(block);
    memset(block, 0xab, 100);
    assert_int_equal(block[99], 0xab);
    free(block);
    assert_non_null(block = wom_memory_alloc(0)); /* like malloc(1), never NULL for 0 */
    free(block);
}

static void large_blocks_are_aligned_to_huge_pages(void **state) {
    (void)state;
    size_t bytes = (5u << 20) + 123;
    uint8_t *block = wom_memory_alloc(bytes);
    assert_non_null(block);
    assert_int_equal((uintptr_t)block % (2u << 20), 0);
    block[0] = 1;
    block[bytes - 1] = 2; /* the whole size is usable */
    assert_int_equal(block[0] + block[bytes - 1], 3);
    free(block);
}

static void calloc_zeroes_and_checks_overflow(void **state) {
    (void)state;
    size_t count = (6u << 20) / sizeof(uint64_t);
    uint64_t *block = wom_memory_calloc(count, sizeof(uint64_t));
    assert_non_null(block);
    uint64_t any = 0;
    for (size_t i = 0; i < count; i++) {
        any |= block[i];
    }
    assert_int_equal(any, 0);
    free(block);
    assert_null(wom_memory_calloc(SIZE_MAX / 2, 4));
    assert_null(wom_memory_alloc(SIZE_MAX - 16)); /* rounding up to 2 MiB overflows */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_blocks_are_usable),
        cmocka_unit_test(large_blocks_are_aligned_to_huge_pages),
        cmocka_unit_test(calloc_zeroes_and_checks_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
