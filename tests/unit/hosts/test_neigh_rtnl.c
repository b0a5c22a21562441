/* The rtnetlink parser on messages built here with libmnl: neighbours,
 * deletions, proxies, malformed lengths, extreme error codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "sockpit/hosts/neigh_rtnl.h"
#include "testneigh.h"

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
}

/* Found by fuzz_rtnl: an error reply of INT_MIN was negated out of range. */
static void test_error_int_min(void **state)
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
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_neigh),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_error_int_min),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
