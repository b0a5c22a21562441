/* rtnetlink messages parsed with libmnl's attribute walker and validators;
 * every length is checked before use, so any bytes may be fed in. */
#include "sockpit/hosts/neigh_rtnl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

typedef struct attr_table {
    const struct nlattr **tb;
    int max;
} attr_table;

static int attr_cb(const struct nlattr *a, void *data)
{
    attr_table *t = data;
    int type = mnl_attr_get_type(a);
    if (type <= t->max)
        t->tb[type] = a;
    return MNL_CB_OK;
}

static void copy_lladdr(const struct nlattr *a, sp_rtnl_msg *out)
{
    size_t n = mnl_attr_get_payload_len(a);
    if (n > SP_LLADDR_MAX)
        n = SP_LLADDR_MAX;
    memcpy(out->lladdr, mnl_attr_get_payload(a), n);
    out->lladdr_len = n;
}

static bool copy_ipaddr(const struct nlattr *a, int family, unsigned char *dst)
{
    size_t want = family == AF_INET ? 4 : 16;
    if (mnl_attr_get_payload_len(a) != want)
        return false;
    memcpy(dst, mnl_attr_get_payload(a), want);
    return true;
}

static int parse_neigh(const struct nlmsghdr *nlh, sp_rtnl_msg *out)
{
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ndmsg))
        return -1;
    const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[NDA_MAX + 1] = { 0 };
    attr_table at = { tb, NDA_MAX };
    if (mnl_attr_parse(nlh, sizeof *nd, attr_cb, &at) < 0)
        return -1;
    if ((nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6) || (nd->ndm_flags & NTF_PROXY) || !tb[NDA_DST])
        return 0; /* bridge FDB, proxy entries: not neighbours */
    out->family = nd->ndm_family;
    out->ifindex = nd->ndm_ifindex;
    out->state = nd->ndm_state;
    if (!copy_ipaddr(tb[NDA_DST], out->family, out->addr))
        return -1;
    if (tb[NDA_LLADDR])
        copy_lladdr(tb[NDA_LLADDR], out);
    if (tb[NDA_CACHEINFO]) {
        if (mnl_attr_validate2(tb[NDA_CACHEINFO], MNL_TYPE_UNSPEC, sizeof(struct nda_cacheinfo)) < 0)
            return -1;
        const struct nda_cacheinfo *ci = mnl_attr_get_payload(tb[NDA_CACHEINFO]);
        out->has_age = true;
        out->updated_ticks = ci->ndm_updated;
    }
    out->kind = SP_RTNL_NEIGH;
    return 0;
}

static int parse_link(const struct nlmsghdr *nlh, sp_rtnl_msg *out)
{
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
        return -1;
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
    attr_table at = { tb, IFLA_MAX };
    if (mnl_attr_parse(nlh, sizeof *ifi, attr_cb, &at) < 0)
        return -1;
    if (ifi->ifi_family != AF_UNSPEC)
        return 0; /* bridge port notifications repeat the link */
    out->ifindex = ifi->ifi_index;
    out->ifflags = ifi->ifi_flags;
    if (tb[IFLA_IFNAME]) {
        const char *name = mnl_attr_get_payload(tb[IFLA_IFNAME]);
        size_t n = strnlen(name, mnl_attr_get_payload_len(tb[IFLA_IFNAME]));
        if (n >= IF_NAMESIZE)
            n = IF_NAMESIZE - 1;
        memcpy(out->ifname, name, n);
        out->ifname[n] = '\0';
    }
    if (tb[IFLA_ADDRESS])
        copy_lladdr(tb[IFLA_ADDRESS], out);
    if (tb[IFLA_MTU]) {
        if (mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) < 0)
            return -1;
        out->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
    }
    if (tb[IFLA_STATS64]) {
        if (mnl_attr_get_payload_len(tb[IFLA_STATS64]) < sizeof(struct rtnl_link_stats64))
            return -1;
        struct rtnl_link_stats64 st;
        memcpy(&st, mnl_attr_get_payload(tb[IFLA_STATS64]), sizeof st); /* attributes are only 4-byte aligned */
        out->stats = (sp_link_stats){ st.rx_bytes,  st.tx_bytes,  st.rx_packets, st.tx_packets,
                                      st.rx_errors, st.tx_errors, st.rx_dropped, st.tx_dropped };
        out->has_stats = true;
    }
    out->kind = SP_RTNL_LINK;
    return 0;
}

static int parse_addr(const struct nlmsghdr *nlh, sp_rtnl_msg *out)
{
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifaddrmsg))
        return -1;
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[IFA_MAX + 1] = { 0 };
    attr_table at = { tb, IFA_MAX };
    if (mnl_attr_parse(nlh, sizeof *ifa, attr_cb, &at) < 0)
        return -1;
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
        return 0;
    out->family = ifa->ifa_family;
    out->ifindex = (int)ifa->ifa_index;
    out->prefixlen = ifa->ifa_prefixlen;
    if (out->prefixlen > (out->family == AF_INET ? 32 : 128))
        return -1;
    /* IFA_LOCAL is this host's side; IFA_ADDRESS is the peer on
     * point-to-point links and the same as IFA_LOCAL elsewhere. */
    const struct nlattr *a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!a)
        return 0;
    if (!copy_ipaddr(a, out->family, out->addr))
        return -1;
    out->kind = SP_RTNL_ADDR;
    return 0;
}

/* mnl_nlmsg_ok compares the length as a signed int, so a hostile length
 * over 2 GiB would pass it: check with unsigned sizes first. */
static bool msg_ok(const struct nlmsghdr *nlh, size_t len)
{
    return len >= sizeof *nlh && nlh->nlmsg_len >= sizeof *nlh && nlh->nlmsg_len <= len;
}

int sp_rtnl_parse(const void *msg, size_t len, sp_rtnl_msg *out)
{
    memset(out, 0, sizeof *out);
    const struct nlmsghdr *nlh = msg;
    if (!msg_ok(nlh, len))
        return -1;
    out->seq = nlh->nlmsg_seq;
    switch (nlh->nlmsg_type) {
    case NLMSG_DONE:
        out->kind = SP_RTNL_DONE;
        return 0;
    case NLMSG_OVERRUN:
        out->kind = SP_RTNL_OVERRUN;
        return 0;
    case NLMSG_ERROR: {
        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nlmsgerr))
            return -1;
        const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
        out->kind = e->error ? SP_RTNL_ERROR : SP_RTNL_SKIP;
        /* -INT_MIN does not exist; no errno is that large anyway. */
        out->error = e->error == INT_MIN ? EPROTO : e->error < 0 ? -e->error : e->error;
        return 0;
    }
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
        out->del = nlh->nlmsg_type == RTM_DELNEIGH;
        return parse_neigh(nlh, out);
    case RTM_NEWLINK:
    case RTM_DELLINK:
        out->del = nlh->nlmsg_type == RTM_DELLINK;
        return parse_link(nlh, out);
    case RTM_NEWADDR:
    case RTM_DELADDR:
        out->del = nlh->nlmsg_type == RTM_DELADDR;
        return parse_addr(nlh, out);
    default:
        out->kind = SP_RTNL_SKIP;
        return 0;
    }
}
