/* Safe text: every control byte, invalid and overlong UTF-8, wide text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/safetext.h"

static char out[4096];

static const char *esc(const char *s, size_t n)
{
    sp_escape(s, n, out, sizeof out);
    return out;
}

static bool valid_utf8_no_controls(const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = sp_utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && memcmp(s + i, "\xef\xbf\xbd", 3) != 0)
            return false;
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            return false;
        i += k;
    }
    return true;
}

static void test_every_c0_byte_and_del_is_escaped(void **state)
{
    (void)state;
    for (int b = 0; b < 0x20; b++) {
        char in[3] = { 'a', (char)b, 'z' };
        char want[16];
        snprintf(want, sizeof want, "a\\x%02xz", b);
        assert_string_equal(esc(in, 3), want);
    }
    assert_string_equal(esc("\x7f", 1), "\\x7f");
    assert_string_equal(esc("\x1b]0;title\x07", 10), "\\x1b]0;title\\x07");
    assert_string_equal(esc("\x1b[2J", 4), "\\x1b[2J");
}

static void test_c1_and_bidi_controls_are_escaped(void **state)
{
    (void)state;
    for (uint32_t cp = 0x80; cp < 0xa0; cp++) {
        char in[4];
        size_t n = sp_utf8_encode(cp, in);
        char want[16];
        snprintf(want, sizeof want, "\\u%04x", (unsigned)cp);
        assert_string_equal(esc(in, n), want);
    }
    assert_string_equal(esc("\xe2\x80\xae", 3), "\\u202e"); /* RIGHT-TO-LEFT OVERRIDE */
    assert_string_equal(esc("\xe2\x80\xa8", 3), "\\u2028"); /* LINE SEPARATOR */
}

static void test_invisible_characters_are_shown(void **state)
{
    (void)state;
    assert_string_equal(esc("a\xe2\x80\x8b" "b", 5), "a\\u200bb");           /* ZERO WIDTH SPACE */
    assert_string_equal(esc("\xe2\x80\x8d", 3), "\\u200d");               /* ZERO WIDTH JOINER */
    assert_string_equal(esc("\xe2\x81\xa0", 3), "\\u2060");               /* WORD JOINER */
    assert_string_equal(esc("\xef\xbb\xbfx", 4), "\\ufeffx");             /* BYTE ORDER MARK */
    assert_string_equal(esc("\xf3\xa0\x80\x81", 4), "\\ue0001");         /* LANGUAGE TAG */
    assert_string_equal(esc("\xf3\xa0\x81\xbf", 4), "\\ue007f");         /* CANCEL TAG */
    assert_int_equal(sp_text_width("\xe2\x80\x8b", 3), 6);
}

static void test_combining_runs_are_capped(void **state)
{
    (void)state;
    /* e + three acute accents is a legitimate (if odd) cluster; the fourth
     * and later ones are shown, so a name cannot grow a tower of marks. */
    assert_string_equal(esc("e\xcc\x81\xcc\x81\xcc\x81", 7), "e\xcc\x81\xcc\x81\xcc\x81");
    assert_string_equal(esc("e\xcc\x81\xcc\x81\xcc\x81\xcc\x81\xcc\x81x\xcc\x81", 14),
                        "e\xcc\x81\xcc\x81\xcc\x81\\u0301\\u0301x\xcc\x81");
    assert_int_equal(sp_text_width("e\xcc\x81\xcc\x81\xcc\x81\xcc\x81", 9), 1 + 6);
}

static void test_invalid_utf8_becomes_replacement(void **state)
{
    (void)state;
    const char *R = "\xef\xbf\xbd";
    char want[64];
    /* A lone continuation byte, a truncated sequence, bytes never valid. */
    assert_string_equal(esc("\x80", 1), R);
    assert_string_equal(esc("a\xe2\x82", 3), "a\xef\xbf\xbd");
    assert_string_equal(esc("\xff\xfe", 2), "\xef\xbf\xbd\xef\xbf\xbd");
    /* Overlong encodings of '/' and NUL, a surrogate, above U+10FFFF. */
    snprintf(want, sizeof want, "%s%s", R, R);
    assert_string_equal(esc("\xc0\xaf", 2), want);
    assert_string_equal(esc("\xc1\x81", 2), want);
    snprintf(want, sizeof want, "%s%s%s", R, R, R);
    assert_string_equal(esc("\xe0\x80\xaf", 3), want);
    assert_string_equal(esc("\xed\xa0\x80", 3), want);
    snprintf(want, sizeof want, "%s%s%s%s", R, R, R, R);
    assert_string_equal(esc("\xf4\x90\x80\x80", 4), want);
    /* A NUL in the middle is data, not the end. */
    assert_string_equal(esc("a\0b", 3), "a\\x00b");
}

static void test_valid_text_passes_unchanged(void **state)
{
    (void)state;
    const char *s = "caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x98\x80 U+FFFD:\xef\xbf\xbd";
    assert_string_equal(esc(s, strlen(s)), s);
}

static void test_truncation_keeps_characters_whole(void **state)
{
    (void)state;
    char small[6];
    size_t need = sp_escape("ab\xe4\xbd\xa0\xe5\xa5\xbd", 8, small, sizeof small);
    assert_int_equal(need, 8);
    assert_string_equal(small, "ab\xe4\xbd\xa0");
    need = sp_escape("a\x1b", 2, small, 4);
    assert_int_equal(need, 5);
    assert_string_equal(small, "a");
}

static void test_random_bytes_always_give_safe_output(void **state)
{
    (void)state;
    srand(42);
    char in[256];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rand() % (int)sizeof in);
        for (size_t i = 0; i < n; i++)
            in[i] = (char)(rand() & 0xff);
        char *s = sp_escape_dup(in, n);
        assert_true(valid_utf8_no_controls(s));
        assert_int_equal(strlen(s), sp_escape(in, n, NULL, 0));
        free(s);
    }
}

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(sp_text_width("abc", 3), 3);
    assert_int_equal(sp_text_width("\xe4\xbd\xa0\xe5\xa5\xbd", 6), 4);  /* two CJK: 2 columns each */
    assert_int_equal(sp_text_width("e\xcc\x81", 3), 1);                  /* e + combining acute */
    assert_int_equal(sp_text_width("\x1b", 1), 4);                       /* shown as \x1b */
    assert_int_equal(sp_text_width("\xc2\x85", 2), 6);                   /* shown as \u0085 */
}

static void test_decode_encode_round_trip(void **state)
{
    (void)state;
    uint32_t cps[] = { 0, 0x7f, 0x80, 0x7ff, 0x800, 0xfffd, 0xffff, 0x10000, 0x10ffff };
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char b[4];
        size_t n = sp_utf8_encode(cps[i], b);
        uint32_t back;
        assert_int_equal(sp_utf8_decode(b, n, &back), n);
        assert_int_equal(back, cps[i]);
    }
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_c0_byte_and_del_is_escaped),
        cmocka_unit_test(test_c1_and_bidi_controls_are_escaped),
        cmocka_unit_test(test_invisible_characters_are_shown),
        cmocka_unit_test(test_combining_runs_are_capped),
        cmocka_unit_test(test_invalid_utf8_becomes_replacement),
        cmocka_unit_test(test_valid_text_passes_unchanged),
        cmocka_unit_test(test_truncation_keeps_characters_whole),
        cmocka_unit_test(test_random_bytes_always_give_safe_output),
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_decode_encode_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
