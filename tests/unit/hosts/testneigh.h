/* For the hosts tests: rtnetlink messages built with libmnl as the kernel
 * sends them, a small OUI table, and a row lookup. (Included by the unit
 * tests that need it.) */
#ifndef SOCKPIT_TESTNEIGH_H
#define SOCKPIT_TESTNEIGH_H

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/oui.h"

static const unsigned char MAC_B[6] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x02 };
static const unsigned char MAC_A[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x01 };

/* Buffers are 4-byte aligned as netlink wants. */
typedef struct buf {
    uint32_t words[2048];
    size_t len;
} buf;

static inline struct nlmsghdr *next_hdr(buf *b, uint16_t type, uint32_t seq)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header((char *)b->words + b->len);
    nlh->nlmsg_type = type;
    nlh->nlmsg_seq = seq;
    return nlh;
}

static inline void done(buf *b, struct nlmsghdr *nlh) { b->len += MNL_ALIGN(nlh->nlmsg_len); }

static inline struct nlmsghdr *put_neigh(buf *b, uint16_t type, int family, int ifindex, uint16_t state, const char *ip,
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

static inline void put_link(buf *b, uint16_t type, int ifindex, const char *name, const unsigned char *mac, unsigned flags)
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

static inline void put_addr(buf *b, uint16_t type, int family, int ifindex, const char *ip, unsigned prefix)
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

static inline void put_done(buf *b, uint32_t seq)
{
    struct nlmsghdr *nlh = next_hdr(b, NLMSG_DONE, seq);
    int zero = 0;
    memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof zero), &zero, sizeof zero);
    done(b, nlh);
}

static inline sp_oui *test_oui(void)
{
    static const char text[] = "001B21\tIntel Corporate\n005056\tVMware, Inc.\n";
    return sp_oui_parse(text, sizeof text - 1);
}

static inline sp_neigh *row(sp_neigh_table *t, const char *ip, bool self)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->items[i]->ip, ip) == 0 && t->items[i]->self == self)
            return t->items[i];
    return NULL;
}

#endif
