/* The hosts table fed by rtnetlink messages built here with libmnl (links,
 * addresses, neighbours, deletions, random bytes), /proc/net/arp samples,
 * resync, names and snapshots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_view.h"
#include "sockpit/hosts/oui.h"
#include "testneigh.h"

static void test_table(void **state)
{
    (void)state;
    sp_oui *oui = test_oui();
    sp_neigh_table t;
    sp_neigh_table_init(&t, oui);
    buf b = { .len = 0 };
    put_link(&b, RTM_NEWLINK, 2, "eth0", MAC_A, 1);
    put_addr(&b, RTM_NEWADDR, AF_INET, 2, "198.18.0.1", 24);
    put_neigh(&b, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, "198.18.0.2", MAC_B, 0);
    put_done(&b, 7);
    sp_rtnl_feed_result res;
    assert_int_equal(sp_rtnl_feed(&t, b.words, b.len, 1000.0, &res), 3);
    assert_true(res.changed);
    assert_true(res.done);
    assert_int_equal(res.done_seq, 7);
    assert_int_equal(t.nlinks, 1);
    assert_string_equal(t.links[0].name, "eth0");
    assert_int_equal(t.links[0].mtu, 1500);
    assert_int_equal(t.links[0].naddrs, 1);
    assert_int_equal(t.links[0].addrs[0].prefixlen, 24);
    sp_neigh *self = row(&t, "198.18.0.1", true);
    assert_non_null(self);
    assert_string_equal(sp_neigh_state_label(self), "(this host)");
    assert_string_equal(self->vendor, "VMware, Inc.");
    assert_string_equal(self->macstr, "00:50:56:00:00:01");
    sp_neigh *peer = row(&t, "198.18.0.2", false);
    assert_non_null(peer);
    assert_string_equal(peer->vendor, "Intel Corporate");
    assert_string_equal(peer->ifname, "eth0");
    assert_string_equal(sp_neigh_state_label(peer), "REACHABLE");
    assert_true(peer->name_wanted);
    assert_true(peer->first_seen == 1000.0);
    /* 500 ticks ago at the kernel's clock rate. */
    assert_true(peer->last_change < 1000.0);

    /* The same state again changes nothing; a new state does. */
    buf c = { .len = 0 };
    put_neigh(&c, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, "198.18.0.2", MAC_B, 0);
    sp_rtnl_feed(&t, c.words, c.len, 1001.0, &res);
    assert_false(res.changed);
    c.len = 0;
    put_neigh(&c, RTM_NEWNEIGH, AF_INET, 2, NUD_STALE, "198.18.0.2", MAC_B, 0);
    sp_rtnl_feed(&t, c.words, c.len, 1002.0, &res);
    assert_true(res.changed);
    assert_string_equal(sp_neigh_state_label(peer), "STALE");
    assert_true(peer->last_change == 1002.0);
    assert_true(peer->first_seen == 1000.0);

    /* Names go to every row of the address. */
    assert_true(sp_neigh_set_name(&t, AF_INET, peer->addr, "peer.test"));
    assert_false(sp_neigh_set_name(&t, AF_INET, peer->addr, "peer.test"));
    assert_string_equal(peer->name, "peer.test");

    /* Rename the link: rows follow. */
    c.len = 0;
    put_link(&c, RTM_NEWLINK, 2, "lan0", MAC_A, 1);
    sp_rtnl_feed(&t, c.words, c.len, 1003.0, &res);
    assert_string_equal(peer->ifname, "lan0");

    /* Snapshot is deep. */
    sp_neigh_table snap;
    assert_int_equal(sp_neigh_table_clone(&snap, &t), 0);

    /* Delete the neighbour, then the address. */
    c.len = 0;
    put_neigh(&c, RTM_DELNEIGH, AF_INET, 2, NUD_STALE, "198.18.0.2", NULL, 0);
    sp_rtnl_feed(&t, c.words, c.len, 1004.0, &res);
    assert_null(row(&t, "198.18.0.2", false));
    c.len = 0;
    put_addr(&c, RTM_DELADDR, AF_INET, 2, "198.18.0.1", 24);
    sp_rtnl_feed(&t, c.words, c.len, 1005.0, &res);
    assert_null(row(&t, "198.18.0.1", true));
    assert_int_equal(t.links[0].naddrs, 0);

    assert_non_null(row(&snap, "198.18.0.2", false));
    assert_string_equal(row(&snap, "198.18.0.2", false)->name, "peer.test");

    /* Link deletion takes its rows along. */
    c.len = 0;
    put_neigh(&c, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, "198.18.0.3", MAC_B, 0);
    put_link(&c, RTM_DELLINK, 2, "lan0", MAC_A, 0);
    sp_rtnl_feed(&t, c.words, c.len, 1006.0, &res);
    assert_int_equal(t.count, 0);
    assert_int_equal(t.nlinks, 0);
    sp_neigh_table_free(&snap);
    sp_neigh_table_free(&t);
    sp_oui_free(oui);
}

static void test_resync(void **state)
{
    (void)state;
    sp_neigh_table t;
    sp_neigh_table_init(&t, NULL);
    buf b = { .len = 0 };
    put_link(&b, RTM_NEWLINK, 2, "eth0", MAC_A, 1);
    put_addr(&b, RTM_NEWADDR, AF_INET, 2, "198.18.0.1", 24);
    put_neigh(&b, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, "198.18.0.2", MAC_B, 0);
    put_neigh(&b, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, "198.18.0.3", MAC_B, 0);
    sp_rtnl_feed_result res;
    sp_rtnl_feed(&t, b.words, b.len, 1.0, &res);
    /* A re-dump after lost events mentions only .2: .3 goes. */
    sp_neigh_resync_begin(&t);
    b.len = 0;
    put_link(&b, RTM_NEWLINK, 2, "eth0", MAC_A, 1);
    put_addr(&b, RTM_NEWADDR, AF_INET, 2, "198.18.0.1", 24);
    put_neigh(&b, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, "198.18.0.2", MAC_B, 0);
    sp_rtnl_feed(&t, b.words, b.len, 2.0, &res);
    assert_true(sp_neigh_resync_end(&t, true, true));
    assert_non_null(row(&t, "198.18.0.2", false));
    assert_null(row(&t, "198.18.0.3", false));
    assert_non_null(row(&t, "198.18.0.1", true));
    sp_neigh_table_free(&t);
}

static void test_proc_arp(void **state)
{
    (void)state;
    const char *dir = getenv("SOCKPIT_TEST_DATA");
    char path[1024], text[4096];
    snprintf(path, sizeof path, "%s/hosts/proc-net-arp.txt", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    sp_oui *oui = test_oui();
    sp_neigh_table t;
    sp_neigh_table_init(&t, oui);
    sp_neigh_set_link(&t, 5, "eth0", 1, 1500, MAC_A, 6, 0);
    size_t bad = 99;
    assert_true(sp_neigh_apply_proc_arp(&t, text, len, 10.0, &bad));
    assert_int_equal(bad, 4);
    assert_int_equal(t.count, 3);
    sp_neigh *r2 = row(&t, "198.18.0.2", false);
    assert_non_null(r2);
    assert_int_equal(r2->ifindex, 5);
    assert_string_equal(r2->ifname, "eth0");
    assert_string_equal(r2->vendor, "Intel Corporate");
    assert_string_equal(sp_neigh_state_label(r2), "REACHABLE");
    sp_neigh *r3 = row(&t, "198.18.0.3", false);
    assert_string_equal(sp_neigh_state_label(r3), "INCOMPLETE");
    assert_int_equal(r3->maclen, 0);
    sp_neigh *r4 = row(&t, "198.18.0.4", false);
    assert_string_equal(sp_neigh_state_label(r4), "PERMANENT");
    assert_string_equal(r4->ifname, "eth1");
    /* The same file again: nothing changes. A shorter one: rows go. */
    assert_false(sp_neigh_apply_proc_arp(&t, text, len, 12.0, NULL));
    const char *shorter = "IP address HW type Flags HW address Mask Device\n"
                          "198.18.0.2 0x1 0x2 00:1b:21:00:00:02 * eth0\n";
    assert_true(sp_neigh_apply_proc_arp(&t, shorter, strlen(shorter), 14.0, NULL));
    assert_int_equal(t.count, 1);
    assert_true(row(&t, "198.18.0.2", false)->first_seen == 10.0);
    /* Garbage. */
    assert_true(sp_neigh_apply_proc_arp(&t, "\x01\x02", 2, 15.0, &bad));
    assert_int_equal(t.count, 0);
    sp_neigh_table_free(&t);
    sp_oui_free(oui);
}

/* Random bytes in a buffer: no crash, whatever the verdict. */
static void test_feed_random(void **state)
{
    (void)state;
    sp_neigh_table t;
    sp_neigh_table_init(&t, NULL);
    srand(3);
    for (int round = 0; round < 2000; round++) {
        buf r = { .len = 0 };
        put_link(&r, RTM_NEWLINK, 2, "eth0", MAC_A, 1);
        put_neigh(&r, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, "198.18.0.2", MAC_B, 0);
        put_addr(&r, RTM_NEWADDR, AF_INET6, 2, "2001:db8::1", 64);
        unsigned char *bytes = (unsigned char *)r.words;
        for (int k = 0; k < 4; k++)
            bytes[rand() % (int)r.len] = (unsigned char)rand();
        sp_rtnl_feed_result res;
        sp_rtnl_feed(&t, r.words, (size_t)(rand() % (int)r.len) + 1, 100.0, &res);
    }
    sp_neigh_table_free(&t);
}

/* Found by fuzz_arp: reading /proc/net/arp dropped the IPv6 neighbours,
 * which that file never lists. */
static void test_proc_arp_keeps_ipv6(void **state)
{
    (void)state;
    sp_neigh_table t;
    sp_neigh_table_init(&t, NULL);
    buf b = { .len = 0 };
    put_neigh(&b, RTM_NEWNEIGH, AF_INET6, 2, NUD_REACHABLE, "fe80::2", MAC_A, 0);
    put_neigh(&b, RTM_NEWNEIGH, AF_INET, 2, NUD_REACHABLE, "198.18.0.5", MAC_A, 0);
    sp_rtnl_feed_result res;
    assert_int_equal(sp_rtnl_feed(&t, b.words, b.len, 10.0, &res), 2);
    static const char arp[] = "IP address       HW type     Flags       HW address            Mask     Device\n"
                              "198.18.0.2       0x1         0x2         00:1b:21:00:00:02     *        eth0\n";
    size_t bad = 9;
    assert_true(sp_neigh_apply_proc_arp(&t, arp, sizeof arp - 1, 11.0, &bad));
    assert_int_equal(bad, 0);
    assert_int_equal(t.count, 2);
    assert_non_null(row(&t, "fe80::2", false));
    assert_non_null(row(&t, "198.18.0.2", false));
    assert_null(row(&t, "198.18.0.5", false));
    sp_neigh_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),      cmocka_unit_test(test_resync),
        cmocka_unit_test(test_proc_arp),   cmocka_unit_test(test_feed_random),
        cmocka_unit_test(test_proc_arp_keeps_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
