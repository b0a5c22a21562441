/* The ring of recent watch events: order, dropping the oldest when full,
 * numbering by seq (what a frozen view relies on), and a ring that keeps
 * nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sockpit/dns/addrset.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/eventring.h"

static void push_named(sp_eventring *r, int i)
{
    sp_wevent ev;
    sp_wevent_init(&ev);
    snprintf(ev.name, sizeof ev.name, "n%d.test", i);
    ev.kind = SP_WEV_FIRST;
    ev.time_ms = i;
    char addr[32];
    snprintf(addr, sizeof addr, "198.18.0.%d", i % 250);
    assert_int_equal(sp_addrset_parse(addr, strlen(addr), &ev.new), 0);
    sp_eventring_push(r, &ev);
    sp_wevent_free(&ev);
}

static void assert_named(const sp_wevent *ev, int i)
{
    assert_non_null(ev);
    char want[32];
    snprintf(want, sizeof want, "n%d.test", i);
    assert_string_equal(ev->name, want);
    assert_int_equal(ev->time_ms, i);
    assert_int_equal(ev->new.n, 1);
}

static void test_fills_in_order(void **st)
{
    (void)st;
    sp_eventring r;
    sp_eventring_init(&r, 4);
    assert_int_equal(sp_eventring_count(&r), 0);
    assert_null(sp_eventring_at(&r, 0));
    assert_null(sp_eventring_seq(&r, 0));
    for (int i = 0; i < 3; i++)
        push_named(&r, i);
    assert_int_equal(sp_eventring_count(&r), 3);
    assert_int_equal(sp_eventring_total(&r), 3);
    for (int i = 0; i < 3; i++) {
        assert_named(sp_eventring_at(&r, (size_t)i), i);
        assert_named(sp_eventring_seq(&r, (uint64_t)i), i);
    }
    assert_null(sp_eventring_at(&r, 3));
    assert_null(sp_eventring_seq(&r, 3));
    sp_eventring_free(&r);
}

static void test_drops_oldest(void **st)
{
    (void)st;
    sp_eventring r;
    sp_eventring_init(&r, 4);
    for (int i = 0; i < 11; i++)
        push_named(&r, i);
    assert_int_equal(sp_eventring_count(&r), 4);
    assert_int_equal(sp_eventring_total(&r), 11);
    /* The last four, oldest first, by position and by number. */
    for (int k = 0; k < 4; k++) {
        assert_named(sp_eventring_at(&r, (size_t)k), 7 + k);
        assert_named(sp_eventring_seq(&r, 7 + (uint64_t)k), 7 + k);
    }
    assert_null(sp_eventring_seq(&r, 6));
    assert_null(sp_eventring_seq(&r, 0));
    assert_null(sp_eventring_seq(&r, 11));
    /* A view frozen at total 9 still finds 8 and 7, newest first. */
    uint64_t frozen = 9;
    push_named(&r, 11);
    assert_named(sp_eventring_seq(&r, frozen - 1), 8);
    assert_null(sp_eventring_seq(&r, frozen - 2)); /* 7 was dropped by the push */
    sp_eventring_free(&r);
}

static void test_keeps_nothing(void **st)
{
    (void)st;
    sp_eventring r;
    sp_eventring_init(&r, 0);
    push_named(&r, 1);
    push_named(&r, 2);
    assert_int_equal(sp_eventring_count(&r), 0);
    assert_int_equal(sp_eventring_total(&r), 2);
    assert_null(sp_eventring_at(&r, 0));
    assert_null(sp_eventring_seq(&r, 1));
    sp_eventring_free(&r);
    /* Free twice (a torn-down owner torn down again) is harmless. */
    sp_eventring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fills_in_order),
        cmocka_unit_test(test_drops_oldest),
        cmocka_unit_test(test_keeps_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
