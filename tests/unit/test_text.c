/* test_text.c: text buffers, the shortest round-trip number format, JSON
 * strings.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "womsim/text.h"

static void numbers_are_shortest_round_trip(void **state) {
    (void)state;
    const struct {
        double value;
        const char *text;
    } cases[] = {{0.1, "0.1"},
                 {365, "365"},
                 {-0.0, "0"},
                 {1e-05, "1e-05"},
                 {0.385, "0.385"},
                 {1.0 / 3, "0.3333333333333333"},
                 {0.1 + 0.2, "0.30000000000000004"},
                 {123456789012345678.0, "1.2345678901234568e+17"},
                 /* integers: printed whole below 1e15 (the fast path), as
                  * %.15g prints them, and in exponent form from 1e15 */
                 {-42, "-42"},
                 {999999999999999.0, "999999999999999"},
                 {1e15, "1e+15"},
                 {-1e15 - 2, "-1000000000000002"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buffer[32];
        wom_text_format_number(buffer, sizeof buffer, cases[i].value);
        assert_string_equal(buffer, cases[i].text);
        if (cases[i].value != 0) {
            assert_true(strtod(buffer, NULL) == cases[i].value);
        }
    }
}

static void printf_appends_and_grows(void **state) {
    (void)state;
    wom_text_t text;
    wom_text_init(&text);
    for (int i = 0; i < 1000; i++) {
        wom_text_printf(&text, "%d,", i % 10);
    }
    assert_false(text.failed);
    assert_int_equal(text.length, 2000);
    assert_int_equal(strlen(text.data), 2000);
    assert_memory_equal(text.data + 1990, "5,6,7,8,9,", 10);
    wom_text_destroy(&text);
    assert_null(text.data);
}

static void json_strings_are_escaped(void **state) {
    (void)state;
    wom_text_t text;
    wom_text_init(&text);
    wom_text_json_string(&text, "a \"quoted\" \\ path\n\tend");
    assert_string_equal(text.data, "\"a \\\"quoted\\\" \\\\ path\\u000a\\u0009end\"");
    wom_text_destroy(&text);
}

/* Well-formed UTF-8 passes; a byte that starts no well-formed sequence
 * (Latin-1, a cut sequence, an overlong form, a surrogate) becomes U+FFFD. */
static void json_strings_are_valid_utf8(void **state) {
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x88",
         "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x88\""},
        {"caf\xE9.ini", "\"caf\xEF\xBF\xBD.ini\""},
        {"cut \xE2\x82", "\"cut \xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"\xED\xA0\x80x", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx\""},
        {"\xF4\x90\x80\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wom_text_t text;
        wom_text_init(&text);
        wom_text_json_string(&text, cases[i].in);
        assert_string_equal(text.data, cases[i].out);
        wom_text_destroy(&text);
    }
}

static void closeness_scores_suggestions(void **state) {
    (void)state;
    assert_int_equal(wom_text_closeness("threads", "threads", 7), 0);
    assert_int_equal(wom_text_closeness("treads", "threads", 7), 1);
    assert_int_equal(wom_text_closeness("rn", "run", 3), 1);
    assert_int_equal(wom_text_closeness("qualty", "quality|other", 7), 1); /* `length` bytes */
    assert_int_equal(wom_text_closeness("output-dir", "output", 6), 3);
    assert_int_equal(wom_text_closeness("ou", "output", 6), WOM_TEXT_NOT_CLOSE);
    assert_int_equal(wom_text_closeness("markdown", "merge", 5), WOM_TEXT_NOT_CLOSE);
    char long_word[80];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    assert_int_equal(wom_text_closeness(long_word, long_word, strlen(long_word)),
                     WOM_TEXT_NOT_CLOSE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_are_shortest_round_trip),
        cmocka_unit_test(printf_appends_and_grows),
        cmocka_unit_test(json_strings_are_escaped),
        cmocka_unit_test(json_strings_are_valid_utf8),
        cmocka_unit_test(closeness_scores_suggestions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
