/* The hosts model: rtnetlink messages built here with libmnl, the table
 * they produce, /proc/net/arp samples, views (sort, filter), snapshots, and
 * malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/oui.h"

static const unsigned char MAC_B[6] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x02 };
static const unsigned char MAC_A[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x01 };

/* Buffers are 4-byte aligned as netlink wants. */
typedef struct buf {
    uint32_t words[2048];
    size_t len;
} buf;

static struct nlmsghdr *next_hdr(buf *b, uint16_t type, uint32_t seq)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header((char *)b->words + b->len);
    nlh->nlmsg_type = type;
    nlh->nlmsg_seq = seq;
    return nlh;
}

static void done(buf *b, struct nlmsghdr *nlh) { b->len += MNL_ALIGN(nlh->nlmsg_len); }

static struct nlmsghdr *put_neigh(buf *b, uint16_t type, int family, int ifindex, uint16_t state, const char *ip,
                                  const unsigned char *mac, uint8_t flags)
{
    struct nlmsghdr *nlh = next_hdr(b, type, 0);
    struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof *nd);
    nd->ndm_family = (uint8_t)family;
    nd->ndm_ifindex = ifindex;
    nd->ndm_state = state;
    nd->ndm_flags = flags;
    unsigned char a[16];
    assert_int_equal(inet_pton(family, ip, a), 1);
    mnl_attr_put(nlh, NDA_DST, family == AF_INET ? 4 : 16, a);
    if (mac)
        mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
    struct nda_cacheinfo ci = { .ndm_updated = 500 };
    mnl_attr_put(nlh, NDA_CACHEINFO, sizeof ci, &ci);
    done(b, nlh);
    return nlh;
}

static void put_link(buf *b, uint16_t type, int ifindex, const char *name, const unsigned char *mac, unsigned flags)
{
    struct nlmsghdr *nlh = next_hdr(b, type, 0);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    ifi->ifi_flags = flags;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
    mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
    done(b, nlh);
}

static void put_addr(buf *b, uint16_t type, int family, int ifindex, const char *ip, unsigned prefix)
{
    struct nlmsghdr *nlh = next_hdr(b, type, 0);
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    ifa->ifa_family = (uint8_t)family;
    ifa->ifa_index = (uint32_t)ifindex;
    ifa->ifa_prefixlen = (uint8_t)prefix;
    unsigned char a[16];
    assert_int_equal(inet_pton(family, ip, a), 1);
    mnl_attr_put(nlh, IFA_ADDRESS, family == AF_INET ? 4 : 16, a);
    mnl_attr_put(nlh, IFA_LOCAL, family == AF_INET ? 4 : 16, a);
    done(b, nlh);
}

static void put_done(buf *b, uint32_t seq)
{
    struct nlmsghdr *nlh = next_hdr(b, NLMSG_DONE, seq);
    int zero = 0;
    memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof zero), &zero, sizeof zero);
    done(b, nlh);
}

static sp_oui *test_oui(void)
{
    static const char text[] = "001B21\tIntel Corporate\n005056\tVMware, Inc.\n";
    return sp_oui_parse(text, sizeof text - 1);
}

static sp_neigh *row(sp_neigh_table *t, const char *ip, bool self)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->items[i]->ip, ip) == 0 && t->items[i]->self == self)
            return t->items[i];
    return NULL;
}

static void test_parse_neigh(void **state)
{
    (void)state;
    buf b = { .len = 0 };
    put_neigh(&b, RTM_NEWNEIGH, AF_INET, 3, NUD_REACHABLE, "198.18.0.2", MAC_B, 0);
    sp_rtnl_msg m;
    assert_int_equal(sp_rtnl_parse(b.words, b.len, &m), 0);
    assert_int_equal(m.kind, SP_RTNL_NEIGH);
    assert_false(m.del);
    assert_int_equal(m.family, AF_INET);
    assert_int_equal(m.ifindex, 3);
    assert_int_equal(m.state, NUD_REACHABLE);
    assert_int_equal(m.lladdr_len, 6);
    assert_memory_equal(m.lladdr, MAC_B, 6);
    assert_true(m.has_age);
    assert_int_equal(m.updated_ticks, 500);
    /* Truncated: one byte short of the header's length. */
    assert_int_equal(sp_rtnl_parse(b.words, b.len - 1, &m), -1);
    assert_int_equal(sp_rtnl_parse(b.words, 10, &m), -1);
    /* IPv6, deletion. */
    buf c = { .len = 0 };
    put_neigh(&c, RTM_DELNEIGH, AF_INET6, 3, NUD_STALE, "2001:db8::5", NULL, 0);
    assert_int_equal(sp_rtnl_parse(c.words, c.len, &m), 0);
    assert_int_equal(m.kind, SP_RTNL_NEIGH);
    assert_true(m.del);
    assert_int_equal(m.lladdr_len, 0);
    /* Proxy entries and bridge FDB entries are not neighbours. */
    buf d = { .len = 0 };
    put_neigh(&d, RTM_NEWNEIGH, AF_INET, 3, NUD_PERMANENT, "198.18.0.9", MAC_B, NTF_PROXY);
    assert_int_equal(sp_rtnl_parse(d.words, d.len, &m), 0);
    assert_int_equal(m.kind, SP_RTNL_SKIP);
}

static void test_parse_malformed(void **state)
{
    (void)state;
    sp_rtnl_msg m;
    /* NDA_DST of 5 bytes for IPv4. */
    buf b = { .len = 0 };
    struct nlmsghdr *nlh = next_hdr(&b, RTM_NEWNEIGH, 0);
    struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof *nd);
    nd->ndm_family = AF_INET;
    mnl_attr_put(nlh, NDA_DST, 5, "abcde");
    done(&b, nlh);
    assert_int_equal(sp_rtnl_parse(b.words, b.len, &m), -1);
    /* A payload shorter than struct ndmsg. */
    buf c = { .len = 0 };
    nlh = next_hdr(&c, RTM_NEWNEIGH, 0);
    mnl_nlmsg_put_extra_header(nlh, 4);
    done(&c, nlh);
    assert_int_equal(sp_rtnl_parse(c.words, c.len, &m), -1);
    /* An MTU attribute of the wrong size. */
    buf d = { .len = 0 };
    nlh = next_hdr(&d, RTM_NEWLINK, 0);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_index = 2;
    mnl_attr_put_u16(nlh, IFLA_MTU, 1500);
    done(&d, nlh);
    assert_int_equal(sp_rtnl_parse(d.words, d.len, &m), -1);
    /* An IPv4 prefix over 32. */
    buf e = { .len = 0 };
    put_addr(&e, RTM_NEWADDR, AF_INET, 2, "198.18.0.1", 40);
    assert_int_equal(sp_rtnl_parse(e.words, e.len, &m), -1);
    /* An interface name without NUL, longer than IFNAMSIZ, is cut. */
    buf f = { .len = 0 };
    nlh = next_hdr(&f, RTM_NEWLINK, 0);
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_index = 2;
    mnl_attr_put(nlh, IFLA_IFNAME, 20, "abcdefghijklmnopqrst");
    done(&f, nlh);
    assert_int_equal(sp_rtnl_parse(f.words, f.len, &m), 0);
    assert_int_equal(strlen(m.ifname), IF_NAMESIZE - 1);
    /* Random bytes in a buffer: no crash, whatever the verdict. */
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

/* Found by fuzz_rtnl: an error reply of INT_MIN was negated out of range,
 * and two rows differing only in extreme interface indexes were compared by
 * an overflowing subtraction. */
static void test_extremes(void **state)
{
    (void)state;
    buf b = { .len = 0 };
    struct nlmsghdr *nlh = next_hdr(&b, NLMSG_ERROR, 9);
    struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof *e);
    e->error = INT_MIN;
    done(&b, nlh);
    sp_rtnl_msg m;
    assert_int_equal(sp_rtnl_parse(b.words, b.len, &m), 0);
    assert_int_equal(m.kind, SP_RTNL_ERROR);
    assert_int_equal(m.error, EPROTO);

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
        cmocka_unit_test(test_parse_neigh), cmocka_unit_test(test_parse_malformed), cmocka_unit_test(test_table),
        cmocka_unit_test(test_resync),      cmocka_unit_test(test_proc_arp),        cmocka_unit_test(test_view),
        cmocka_unit_test(test_extremes),    cmocka_unit_test(test_proc_arp_keeps_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
