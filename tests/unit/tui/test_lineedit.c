/* The line editor: UTF-8 and CJK editing by character, kills, history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "sockpit/tui/lineedit.h"

static void type(sp_lineedit *le, const char *utf8)
{
    sp_lineedit tmp;
    sp_lineedit_init(&tmp, 4096, 0);
    sp_lineedit_set(&tmp, utf8);
    for (size_t i = 0; i < tmp.len;) {
        uint32_t cp = 0;
        unsigned char c = (unsigned char)tmp.buf[i];
        size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        cp = n == 1 ? c : n == 2 ? (c & 0x1fu) : n == 3 ? (c & 0x0fu) : (c & 0x07u);
        for (size_t k = 1; k < n; k++)
            cp = (cp << 6) | ((unsigned char)tmp.buf[i + k] & 0x3fu);
        sp_lineedit_apply(le, SP_EDIT_INSERT, cp);
        i += n;
    }
    sp_lineedit_free(&tmp);
}

static void test_insert_and_move_by_character(void **state)
{
    (void)state;
    sp_lineedit le;
    sp_lineedit_init(&le, 256, 10);
    type(&le, "\xe4\xbd\xa0\xe5\xa5\xbd");   /* 你好 */
    assert_int_equal(le.len, 6);
    assert_int_equal(sp_lineedit_cursor_col(&le), 4);
    assert_true(sp_lineedit_apply(&le, SP_EDIT_LEFT, 0));
    assert_int_equal(le.cursor, 3);
    assert_int_equal(sp_lineedit_cursor_col(&le), 2);
    type(&le, "x");
    assert_string_equal(le.buf, "\xe4\xbd\xa0x\xe5\xa5\xbd");
    assert_true(sp_lineedit_apply(&le, SP_EDIT_DELETE, 0));
    assert_string_equal(le.buf, "\xe4\xbd\xa0x");
    assert_true(sp_lineedit_apply(&le, SP_EDIT_HOME, 0));
    assert_false(sp_lineedit_apply(&le, SP_EDIT_LEFT, 0));
    assert_true(sp_lineedit_apply(&le, SP_EDIT_DELETE, 0));
    assert_string_equal(le.buf, "x");
    assert_true(sp_lineedit_apply(&le, SP_EDIT_END, 0));
    assert_true(sp_lineedit_apply(&le, SP_EDIT_BACKSPACE, 0));
    assert_string_equal(le.buf, "");
    assert_false(sp_lineedit_apply(&le, SP_EDIT_BACKSPACE, 0));
    sp_lineedit_free(&le);
}

static void test_combining_marks_stay_with_their_base(void **state)
{
    (void)state;
    sp_lineedit le;
    sp_lineedit_init(&le, 256, 0);
    type(&le, "ae\xcc\x81z");  /* a, e + U+0301, z */
    sp_lineedit_apply(&le, SP_EDIT_LEFT, 0);
    sp_lineedit_apply(&le, SP_EDIT_LEFT, 0);
    assert_int_equal(le.cursor, 1);
    sp_lineedit_apply(&le, SP_EDIT_DELETE, 0);
    assert_string_equal(le.buf, "az");
    sp_lineedit_free(&le);
}

static void test_kills(void **state)
{
    (void)state;
    sp_lineedit le;
    sp_lineedit_init(&le, 256, 0);
    type(&le, "hello big  world  ");
    assert_true(sp_lineedit_apply(&le, SP_EDIT_KILL_WORD, 0));
    assert_string_equal(le.buf, "hello big  ");
    sp_lineedit_apply(&le, SP_EDIT_LEFT, 0);
    sp_lineedit_apply(&le, SP_EDIT_LEFT, 0);
    sp_lineedit_apply(&le, SP_EDIT_LEFT, 0);
    assert_true(sp_lineedit_apply(&le, SP_EDIT_KILL_START, 0));
    assert_string_equal(le.buf, "g  ");
    assert_int_equal(le.cursor, 0);
    sp_lineedit_free(&le);
}

static void test_controls_and_limits_are_refused(void **state)
{
    (void)state;
    sp_lineedit le;
    sp_lineedit_init(&le, 5, 0);
    assert_false(sp_lineedit_apply(&le, SP_EDIT_INSERT, 0x1b));
    assert_false(sp_lineedit_apply(&le, SP_EDIT_INSERT, 0x85));
    assert_false(sp_lineedit_apply(&le, SP_EDIT_INSERT, 0xd800));
    type(&le, "\xe4\xbd\xa0\xe5\xa5\xbd");
    assert_string_equal(le.buf, "\xe4\xbd\xa0"); /* the second would pass 5 bytes */
    sp_lineedit_set(&le, "ab\xff");
    assert_string_equal(le.buf, "ab\xef\xbf\xbd"); /* invalid byte → U+FFFD */
    sp_lineedit_set(&le, "abc\xff");
    assert_string_equal(le.buf, "abc");              /* U+FFFD would pass 5 bytes */
    sp_lineedit_free(&le);
}

static void test_history(void **state)
{
    (void)state;
    sp_lineedit le;
    sp_lineedit_init(&le, 64, 2);
    sp_lineedit_remember(&le, "one");
    sp_lineedit_remember(&le, "two");
    sp_lineedit_remember(&le, "two");
    sp_lineedit_remember(&le, "three");
    assert_int_equal(le.hist_len, 2);
    sp_lineedit_clear(&le);
    type(&le, "draft");
    assert_true(sp_lineedit_apply(&le, SP_EDIT_HIST_PREV, 0));
    assert_string_equal(le.buf, "three");
    assert_true(sp_lineedit_apply(&le, SP_EDIT_HIST_PREV, 0));
    assert_string_equal(le.buf, "two");
    assert_false(sp_lineedit_apply(&le, SP_EDIT_HIST_PREV, 0));
    assert_true(sp_lineedit_apply(&le, SP_EDIT_HIST_NEXT, 0));
    assert_true(sp_lineedit_apply(&le, SP_EDIT_HIST_NEXT, 0));
    assert_string_equal(le.buf, "draft");
    assert_false(sp_lineedit_apply(&le, SP_EDIT_HIST_NEXT, 0));
    sp_lineedit_free(&le);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_and_move_by_character),
        cmocka_unit_test(test_combining_marks_stay_with_their_base),
        cmocka_unit_test(test_kills),
        cmocka_unit_test(test_controls_and_limits_are_refused),
        cmocka_unit_test(test_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
