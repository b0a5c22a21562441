/* Key maps: dispatch by mode, and a hint bar that fits and keeps Help and
 * Quit whatever the width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "sockpit/tui/keymap.h"
#include "sockpit/tui/pane.h"

static int last;

static sp_redraw act_sort(void *ud, const sp_key *k)
{
    (void)ud;
    last = k->code;
    return SP_REDRAW_BODY;
}

static sp_redraw act_type(void *ud, const sp_key *k)
{
    (void)ud;
    (void)k;
    last = -1;
    return SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

#define LOG_FOCUS SP_WHEN_PANE

static const sp_binding shell[] = {
    { { SP_FN(KEY_F(1)), '?' }, "F1 ?", "help", "Help", "F1", 0, SP_WHEN_ALWAYS, NULL },
    { { '\t' }, "Tab", "next pane", "Pane", NULL, 5, SP_WHEN_ALWAYS, NULL },
    { { '/' }, "/", "filter", "Filter", NULL, 2, SP_WHEN_BROWSING, NULL },
    { { 'q', SP_FN(KEY_F(10)) }, "q F10", "quit", "Quit", "q/F10", 0, SP_WHEN_BROWSING, NULL },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

static const sp_binding pane[] = {
    { { 's', '<', '>' }, "s < >", "sort", "Sort", NULL, 1, SP_WHEN_BROWSING, act_sort },
    { { 'a' }, "a", "type into the field", NULL, NULL, 0, SP_WHEN_TYPING, act_type },
    { { 'l' }, "l", "scroll the log", "Log", NULL, 3, SP_WHEN_BROWSING | LOG_FOCUS, act_sort },
    { { 'x' }, "x", "only with log focus", "OnlyLog", NULL, 4, LOG_FOCUS, act_sort },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

static void test_dispatch_by_mode(void **state)
{
    (void)state;
    sp_redraw r = 0;
    sp_key k = { .code = '>' };
    assert_true(sp_keymap_dispatch(pane, SP_WHEN_BROWSING, NULL, &k, &r));
    assert_int_equal(last, '>');
    assert_int_equal(r, SP_REDRAW_BODY);
    /* While typing, 's' is text: the sort row does not apply. */
    assert_false(sp_keymap_dispatch(pane, SP_WHEN_TYPING, NULL, &k, &r));
    k.code = 'a';
    r = 0;
    assert_true(sp_keymap_dispatch(pane, SP_WHEN_TYPING, NULL, &k, &r));
    assert_int_equal(r, SP_REDRAW_BODY | SP_REDRAW_STATUS);
    /* A function key is not the code point with the same number. */
    k = (sp_key){ .code = KEY_F(1), .fn = true };
    assert_non_null(sp_keymap_find(shell, SP_WHEN_TYPING, sp_key_id(&k)));
    k.fn = false;
    assert_null(sp_keymap_find(shell, SP_WHEN_TYPING, sp_key_id(&k)));
    /* A pane mode. */
    assert_null(sp_keymap_find(pane, SP_WHEN_BROWSING, 'x'));
    assert_non_null(sp_keymap_find(pane, SP_WHEN_BROWSING | LOG_FOCUS, 'x'));
    /* A help-only row binds nothing to run. */
    k = (sp_key){ .code = '/' };
    assert_false(sp_keymap_dispatch(shell, SP_WHEN_BROWSING, NULL, &k, &r));
}

static int total_width(const sp_binding **h, size_t n)
{
    int w = -1;
    for (size_t i = 0; i < n; i++)
        w += sp_hint_width(h[i]) + 1;
    return w < 0 ? 0 : w;
}

static bool has(const sp_binding **h, size_t n, const char *hint)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i]->hint, hint) == 0)
            return true;
    return false;
}

static void test_hints_fit(void **state)
{
    (void)state;
    const sp_binding *maps[] = { shell, pane };
    const sp_binding *h[16];
    size_t n = sp_keymap_hints(maps, 2, SP_WHEN_BROWSING, 200, h, 16);
    assert_int_equal(n, 6);
    assert_string_equal(h[0]->hint, "Help");
    assert_string_equal(h[n - 1]->hint, "Log");
    for (int width = 10; width <= 80; width++) {
        n = sp_keymap_hints(maps, 2, SP_WHEN_BROWSING, width, h, 16);
        assert_true(has(h, n, "Help"));
        assert_true(has(h, n, "Quit"));
        if (width >= 18)
            assert_true(total_width(h, n) <= width);
    }
    /* The most expendable goes first: Tab's hint (5), then Log (3). */
    n = sp_keymap_hints(maps, 2, SP_WHEN_BROWSING, total_width(h, 6) - 1, h, 16);
    assert_false(has(h, n, "Pane"));
    assert_true(has(h, n, "Log"));
    /* Typing: the browsing hints are gone. */
    n = sp_keymap_hints(maps, 2, SP_WHEN_TYPING, 80, h, 16);
    assert_false(has(h, n, "Quit"));
    assert_true(has(h, n, "Help"));
}

static sp_redraw act_pass(void *ud, const sp_key *k)
{
    (void)ud;
    (void)k;
    return SP_REDRAW_PASS;
}

static const sp_binding typing[] = {
    { { SP_KEY_TEXT }, "text", "typed", NULL, NULL, 0, SP_WHEN_TYPING, act_type },
    { { 'x', SP_ALT('x') }, "x", "x by name", NULL, NULL, 0, SP_WHEN_TYPING, act_sort },
    { { SP_FN(KEY_F(2)) }, "F2", "passes", NULL, NULL, 0, SP_WHEN_TYPING, act_pass },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

static void test_text_rows_and_pass(void **state)
{
    (void)state;
    /* A row naming the key wins over the "any text" row before it. */
    assert_ptr_equal(sp_keymap_find(typing, SP_WHEN_TYPING, 'x'), &typing[1]);
    assert_ptr_equal(sp_keymap_find(typing, SP_WHEN_TYPING, 'y'), &typing[0]);
    assert_ptr_equal(sp_keymap_find(typing, SP_WHEN_TYPING, 0x4f60), &typing[0]);
    /* Control characters, function keys and modified keys are not text. */
    assert_null(sp_keymap_find(typing, SP_WHEN_TYPING, '\r'));
    assert_null(sp_keymap_find(typing, SP_WHEN_TYPING, SP_FN(KEY_LEFT)));
    assert_null(sp_keymap_find(typing, SP_WHEN_TYPING, SP_ALT('y')));
    sp_key k = { .code = 'x', .mods = SP_KEY_MOD_ALT };
    assert_int_equal(sp_key_id(&k), SP_ALT('x'));
    assert_ptr_equal(sp_keymap_find(typing, SP_WHEN_TYPING, sp_key_id(&k)), &typing[1]);
    /* An action that passes leaves the key unused and nothing to redraw. */
    sp_redraw r = 0;
    k = (sp_key){ .code = KEY_F(2), .fn = true };
    assert_false(sp_keymap_dispatch(typing, SP_WHEN_TYPING, NULL, &k, &r));
    assert_int_equal(r, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispatch_by_mode),
        cmocka_unit_test(test_hints_fit),
        cmocka_unit_test(test_text_rows_and_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
