/* Views of the hosts table: every sort key, filters, hidden rows, extreme
 * interface indexes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <limits.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_rtnl.h"
#include "sockpit/hosts/neigh_view.h"
#include "sockpit/hosts/oui.h"
#include "testneigh.h"

static void add_neigh(sp_neigh_table *t, const char *ip, const unsigned char *mac, uint16_t st, double now)
{
    sp_rtnl_msg m = { .kind = SP_RTNL_NEIGH, .family = strchr(ip, ':') ? AF_INET6 : AF_INET, .ifindex = 2,
                      .state = st };
    inet_pton(m.family, ip, m.addr);
    if (mac) {
        memcpy(m.lladdr, mac, 6);
        m.lladdr_len = 6;
    }
    sp_neigh_apply(t, &m, now);
}

static void test_view(void **state)
{
    (void)state;
    sp_oui *oui = test_oui();
    sp_neigh_table t;
    sp_neigh_table_init(&t, oui);
    const unsigned char m1[6] = { 0x00, 0x50, 0x56, 0, 0, 9 }, m2[6] = { 0x00, 0x1b, 0x21, 0, 0, 1 },
                        m3[6] = { 0x02, 0, 0, 0, 0, 1 };
    add_neigh(&t, "198.18.0.10", m1, NUD_REACHABLE, 5);
    add_neigh(&t, "198.18.0.9", m2, NUD_STALE, 7);
    add_neigh(&t, "198.18.0.100", m3, NUD_DELAY, 6);
    add_neigh(&t, "2001:db8::1", m2, NUD_REACHABLE, 1);
    add_neigh(&t, "198.18.0.50", NULL, NUD_FAILED, 9);
    add_neigh(&t, "198.18.0.51", NULL, NUD_INCOMPLETE, 9);
    unsigned char a[4];
    inet_pton(AF_INET, "198.18.0.10", a);
    sp_neigh_set_name(&t, AF_INET, a, "zeta.test");
    inet_pton(AF_INET, "198.18.0.100", a);
    sp_neigh_set_name(&t, AF_INET, a, "Alpha.test");
    inet_pton(AF_INET, "198.18.0.9", a);
    sp_neigh_set_name(&t, AF_INET, a, "-");
    const sp_neigh *out[16];
    sp_neigh_view_opts o = { .sort = SP_SORT_IP };
    size_t n = sp_neigh_view(&t, &o, out);
    assert_int_equal(n, 4);
    /* Numeric order, not text order; IPv4 first. */
    assert_string_equal(out[0]->ip, "198.18.0.9");
    assert_string_equal(out[1]->ip, "198.18.0.10");
    assert_string_equal(out[2]->ip, "198.18.0.100");
    assert_string_equal(out[3]->ip, "2001:db8::1");
    o.show_all = true;
    assert_int_equal(sp_neigh_view(&t, &o, out), 6);
    o.show_all = false;
    o.sort = SP_SORT_MAC;
    sp_neigh_view(&t, &o, out);
    assert_string_equal(out[0]->macstr, "00:1b:21:00:00:01");
    assert_string_equal(out[3]->ip, "198.18.0.100");
    o.sort = SP_SORT_VENDOR;
    sp_neigh_view(&t, &o, out);
    assert_string_equal(out[0]->vendor, "(random/local)");
    assert_string_equal(out[1]->vendor, "Intel Corporate");
    o.sort = SP_SORT_NAME;
    sp_neigh_view(&t, &o, out);
    assert_string_equal(out[0]->name, "Alpha.test");
    assert_string_equal(out[1]->name, "zeta.test");
    o.sort = SP_SORT_CHANGE;
    sp_neigh_view(&t, &o, out);
    assert_string_equal(out[0]->ip, "198.18.0.9");
    assert_string_equal(out[3]->ip, "2001:db8::1");
    /* Filters match any column, ignoring case. */
    o.sort = SP_SORT_IP;
    o.filter = "INTEL";
    assert_int_equal(sp_neigh_view(&t, &o, out), 2);
    o.filter = "alpha";
    assert_int_equal(sp_neigh_view(&t, &o, out), 1);
    o.filter = "stale";
    assert_int_equal(sp_neigh_view(&t, &o, out), 1);
    o.filter = "00:50:56";
    assert_int_equal(sp_neigh_view(&t, &o, out), 1);
    o.filter = "db8";
    assert_int_equal(sp_neigh_view(&t, &o, out), 1);
    o.filter = "nothing";
    assert_int_equal(sp_neigh_view(&t, &o, out), 0);
    sp_neigh_table_free(&t);
    sp_oui_free(oui);
}

/* Found by fuzz_rtnl: two rows differing only in extreme interface indexes
 * were compared by an overflowing subtraction. */
static void test_extreme_ifindex(void **state)
{
    (void)state;
    sp_neigh_table t;
    sp_neigh_table_init(&t, NULL);
    buf c = { .len = 0 };
    put_neigh(&c, RTM_NEWNEIGH, AF_INET, INT_MAX, NUD_REACHABLE, "198.18.0.9", MAC_A, 0);
    put_neigh(&c, RTM_NEWNEIGH, AF_INET, INT_MIN, NUD_REACHABLE, "198.18.0.9", MAC_B, 0);
    sp_rtnl_feed_result res;
    assert_int_equal(sp_rtnl_feed(&t, c.words, c.len, 10.0, &res), 2);
    const sp_neigh *out[2];
    sp_neigh_view_opts o = { .sort = SP_SORT_IP };
    assert_int_equal(sp_neigh_view(&t, &o, out), 2);
    assert_int_equal(out[0]->ifindex, INT_MIN);
    assert_int_equal(out[1]->ifindex, INT_MAX);
    sp_neigh_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_view),
        cmocka_unit_test(test_extreme_ifindex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
