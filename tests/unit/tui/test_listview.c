/* Selection and scrolling keep the selected row visible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sockpit/tui/listview.h"

static void test_navigation_and_scrolling(void **state)
{
    (void)state;
    sp_listview lv = { 0 };
    sp_listview_update(&lv, 100, 10);
    assert_false(sp_listview_nav(&lv, SP_NAV_UP));
    for (int i = 0; i < 12; i++)
        sp_listview_nav(&lv, SP_NAV_DOWN);
    assert_int_equal(lv.sel, 12);
    assert_int_equal(lv.top, 3);
    sp_listview_nav(&lv, SP_NAV_PGDN);
    assert_int_equal(lv.sel, 22);
    assert_true(lv.sel >= lv.top && lv.sel < lv.top + 10);
    sp_listview_nav(&lv, SP_NAV_END);
    assert_int_equal(lv.sel, 99);
    assert_int_equal(lv.top, 90);
    sp_listview_nav(&lv, SP_NAV_PGUP);
    assert_int_equal(lv.sel, 89);
    sp_listview_nav(&lv, SP_NAV_HOME);
    assert_int_equal(lv.sel, 0);
    assert_int_equal(lv.top, 0);
}

static void test_shrinking_list_and_window(void **state)
{
    (void)state;
    sp_listview lv = { 0 };
    sp_listview_update(&lv, 50, 10);
    sp_listview_select(&lv, 45);
    sp_listview_update(&lv, 20, 10);     /* the filter removed rows */
    assert_int_equal(lv.sel, 19);
    assert_int_equal(lv.top, 10);
    sp_listview_update(&lv, 20, 3);      /* the terminal shrank */
    assert_true(lv.sel >= lv.top && lv.sel < lv.top + 3);
    sp_listview_update(&lv, 0, 3);
    assert_int_equal(lv.sel, 0);
    assert_false(sp_listview_nav(&lv, SP_NAV_DOWN));
    sp_listview_update(&lv, 5, 0);       /* zero height never divides by zero */
    assert_true(sp_listview_nav(&lv, SP_NAV_PGDN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_navigation_and_scrolling),
        cmocka_unit_test(test_shrinking_list_and_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
