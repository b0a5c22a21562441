/* rtnetlink through libmnl. One socket both subscribes to the groups and
 * runs the dumps (links, then addresses, then neighbours: the kernel runs
 * one dump per socket at a time). Events that arrive during a dump are
 * applied as they come; both carry the full object. If the socket's
 * receive queue overflows (ENOBUFS) events were lost, so all three dumps
 * run again and rows they do not mention are dropped. */
#include "sockpit/hosts/netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"

#define RECV_BUF 65536
#define ARP_PERIOD 2.0

enum { DUMP_NONE, DUMP_LINK, DUMP_ADDR, DUMP_NEIGH };

struct sp_netlink {
    sp_loop *loop;
    sp_neigh_table *t;
    sp_netlink_fn *changed;
    void *ud;
    struct mnl_socket *nl;
    int fd;
    uint32_t seq;
    int dumping;            /* DUMP_* in progress */
    bool links_only;        /* the dump in progress is sp_netlink_poll_links's */
    bool synced;
    uint64_t arp_timer;
    char note[300];
    unsigned char *buf;
};

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- fallback: /proc/net/arp and getifaddrs ---- */

static void read_ifaddrs(sp_netlink *nl, double now)
{
    struct ifaddrs *ifa;
    if (getifaddrs(&ifa) < 0)
        return;
    for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
        if (!i->ifa_addr)
            continue;
        int idx = (int)if_nametoindex(i->ifa_name);
        if (idx <= 0)
            continue;
        int fam = i->ifa_addr->sa_family;
        if (fam == AF_PACKET) {
            const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;
            size_t hl = ll->sll_halen <= 8 ? ll->sll_halen : 8;
            sp_neigh_set_link(nl->t, idx, i->ifa_name, i->ifa_flags, 0, ll->sll_addr, hl, now);
        } else if (fam == AF_INET || fam == AF_INET6) {
            const void *a = fam == AF_INET ? (const void *)&((const struct sockaddr_in *)i->ifa_addr)->sin_addr
                                           : (const void *)&((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
            unsigned prefix = 0;
            if (i->ifa_netmask) {
                const unsigned char *m =
                    fam == AF_INET ? (const unsigned char *)&((const struct sockaddr_in *)i->ifa_netmask)->sin_addr
                                   : (const unsigned char *)&((const struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr;
                for (int b = 0; b < (fam == AF_INET ? 4 : 16); b++)
                    prefix += (unsigned)__builtin_popcount(m[b]);
            }
            if (!sp_neigh_link(nl->t, idx))
                sp_neigh_set_link(nl->t, idx, i->ifa_name, i->ifa_flags, 0, NULL, 0, now);
            sp_neigh_add_ifaddr(nl->t, idx, fam, a, prefix, now);
        }
    }
    freeifaddrs(ifa);
}

static void read_arp(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_netlink *nl = ud;
    double now = wall_now();
    read_ifaddrs(nl, now);
    char *text;
    size_t len;
    if (sp_read_file(AT_FDCWD, "/proc/net/arp", (size_t)16 << 20, 0, &text, &len, NULL) < 0) {
        snprintf(nl->note, sizeof nl->note, "cannot read /proc/net/arp (%s): no neighbour list", strerror(errno));
        nl->synced = true;
        return;
    }
    bool changed = sp_neigh_apply_proc_arp(nl->t, text, len, now, NULL);
    free(text);
    nl->synced = true;
    if (changed && nl->changed)
        nl->changed(nl->ud);
}

static void start_fallback(sp_netlink *nl, const char *why)
{
    /* The reason is cut so the fallback's own words always fit. */
    snprintf(nl->note, sizeof nl->note, "%.200s; reading /proc/net/arp every 2 s instead (IPv4 only)", why);
    nl->arp_timer = sp_loop_timer(nl->loop, 0, ARP_PERIOD, read_arp, nl);
}

/* ---- netlink ---- */

static int send_dump(sp_netlink *nl, int what)
{
    char buf[256];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = ++nl->seq;
    switch (what) {
    case DUMP_LINK: {
        nlh->nlmsg_type = RTM_GETLINK;
        struct ifinfomsg *m = mnl_nlmsg_put_extra_header(nlh, sizeof *m);
        m->ifi_family = AF_UNSPEC;
        break;
    }
    case DUMP_ADDR: {
        nlh->nlmsg_type = RTM_GETADDR;
        struct ifaddrmsg *m = mnl_nlmsg_put_extra_header(nlh, sizeof *m);
        m->ifa_family = AF_UNSPEC;
        break;
    }
    default: {
        nlh->nlmsg_type = RTM_GETNEIGH;
        struct ndmsg *m = mnl_nlmsg_put_extra_header(nlh, sizeof *m);
        m->ndm_family = AF_UNSPEC;
        break;
    }
    }
    nl->dumping = what;
    if (mnl_socket_sendto(nl->nl, nlh, nlh->nlmsg_len) < 0) {
        snprintf(nl->note, sizeof nl->note, "netlink dump request failed: %s", strerror(errno));
        nl->dumping = DUMP_NONE;
        return -1;
    }
    return 0;
}

static void resync(sp_netlink *nl)
{
    sp_neigh_resync_begin(nl->t);
    send_dump(nl, DUMP_LINK);
}

static void on_readable(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    (void)fd;
    (void)events;
    sp_netlink *nl = ud;
    bool changed = false;
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl->nl, nl->buf, RECV_BUF);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOBUFS) {
                /* Events were dropped: take the whole picture again. */
                if (nl->dumping == DUMP_NONE)
                    resync(nl);
                else
                    nl->dumping = -nl->dumping; /* restart when this dump ends */
                continue;
            }
            break; /* EAGAIN: drained */
        }
        if (n == 0)
            break;
        sp_rtnl_feed_result res;
        if (sp_rtnl_feed(nl->t, nl->buf, (size_t)n, wall_now(), &res) < 0)
            snprintf(nl->note, sizeof nl->note, "ignored a malformed netlink message");
        changed |= res.changed;
        if (res.overrun && nl->dumping == DUMP_NONE)
            resync(nl);
        if (res.done && res.done_seq == nl->seq && nl->dumping != DUMP_NONE) {
            if (res.error)
                snprintf(nl->note, sizeof nl->note, "netlink dump failed: %s", strerror(res.error));
            if (nl->dumping < 0) {
                nl->links_only = false;
                resync(nl);
            } else if (nl->links_only) {
                nl->links_only = false;
                nl->dumping = DUMP_NONE;
                changed = true;
            } else if (nl->dumping < DUMP_NEIGH) {
                send_dump(nl, nl->dumping + 1);
            } else {
                nl->dumping = DUMP_NONE;
                changed |= sp_neigh_resync_end(nl->t, true, true);
                nl->synced = true;
            }
        }
    }
    if (changed && nl->changed)
        nl->changed(nl->ud);
}

void sp_netlink_poll_links(sp_netlink *nl)
{
    if (!nl->nl || !nl->synced || nl->dumping != DUMP_NONE)
        return;
    nl->links_only = true;
    if (send_dump(nl, DUMP_LINK) < 0)
        nl->links_only = false;
}

static const char *why_open_failed(int e, char *buf, size_t cap)
{
    if (e == EPERM || e == EACCES)
        snprintf(buf, cap,
                 "this process may not open a NETLINK_ROUTE socket (%s): a sandbox or seccomp policy forbids it; "
                 "normally no privilege is needed", strerror(e));
    else if (e == EAFNOSUPPORT || e == EPROTONOSUPPORT)
        snprintf(buf, cap, "this kernel has no rtnetlink (%s)", strerror(e));
    else
        snprintf(buf, cap, "cannot open a netlink socket: %s", strerror(e));
    return buf;
}

sp_netlink *sp_netlink_new(sp_loop *loop, sp_neigh_table *t, sp_netlink_fn *changed, void *ud)
{
    sp_netlink *nl = sp_xcalloc(1, sizeof *nl);
    nl->buf = sp_xmalloc(RECV_BUF);
    nl->loop = loop;
    nl->t = t;
    nl->changed = changed;
    nl->ud = ud;
    nl->fd = -1;
    char why[256];
    const char *env = getenv("SOCKPIT_NETLINK");
    if (env && strcmp(env, "off") == 0) {
        start_fallback(nl, "netlink turned off by SOCKPIT_NETLINK=off");
        return nl;
    }
    nl->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!nl->nl) {
        start_fallback(nl, why_open_failed(errno, why, sizeof why));
        return nl;
    }
    unsigned groups = RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    if (mnl_socket_bind(nl->nl, groups, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        mnl_socket_close(nl->nl);
        nl->nl = NULL;
        start_fallback(nl, why_open_failed(e, why, sizeof why));
        return nl;
    }
    nl->fd = mnl_socket_get_fd(nl->nl);
    /* A bigger queue makes overruns (and full re-dumps) rarer; the kernel
     * caps it at net.core.rmem_max without any privilege. */
    int rcv = 1 << 20;
    setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    if (sp_loop_watch(loop, nl->fd, SP_IO_READ, on_readable, nl) < 0) {
        mnl_socket_close(nl->nl);
        nl->nl = NULL;
        nl->fd = -1;
        start_fallback(nl, "cannot watch the netlink socket");
        return nl;
    }
    resync(nl);
    return nl;
}

void sp_netlink_free(sp_netlink *nl)
{
    if (!nl)
        return;
    if (nl->arp_timer)
        sp_loop_cancel(nl->loop, nl->arp_timer);
    if (nl->nl) {
        sp_loop_unwatch(nl->loop, nl->fd);
        mnl_socket_close(nl->nl);
    }
    free(nl->buf);
    free(nl);
}

bool sp_netlink_synced(const sp_netlink *nl) { return nl->synced; }
const char *sp_netlink_note(const sp_netlink *nl) { return nl->note; }
