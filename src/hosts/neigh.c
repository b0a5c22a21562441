/* The hosts model. rtnetlink messages are parsed with libmnl's attribute
 * walker and validators; every length is checked before use, so any bytes
 * may be fed in. The table keeps rows behind pointers so a view (sorted,
 * filtered pointer array) stays cheap to build for tens of thousands. */
#include "sockpit/hosts/neigh.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- parsing ---- */

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

/* ---- the table ---- */

void sp_neigh_table_init(sp_neigh_table *t, const sp_oui *oui)
{
    memset(t, 0, sizeof *t);
    t->oui = oui;
    t->hz = sysconf(_SC_CLK_TCK);
    if (t->hz <= 0)
        t->hz = 100;
}

static void free_row(sp_neigh *n)
{
    free(n->name);
    free(n);
}

void sp_neigh_table_free(sp_neigh_table *t)
{
    for (size_t i = 0; i < t->count; i++)
        free_row(t->items[i]);
    free(t->items);
    for (size_t i = 0; i < t->nlinks; i++)
        free(t->links[i].addrs);
    free(t->links);
    memset(t, 0, sizeof *t);
}

int sp_neigh_table_clone(sp_neigh_table *dst, const sp_neigh_table *src)
{
    /* Built in a local, so a failure leaves dst untouched. */
    sp_neigh_table t;
    sp_neigh_table_init(&t, src->oui);
    t.gen = src->gen;
    t.items = calloc(src->count ? src->count : 1, sizeof *t.items);
    t.links = calloc(src->nlinks ? src->nlinks : 1, sizeof *t.links);
    if (!t.items || !t.links) {
        free(t.items);
        free(t.links);
        return -1;
    }
    t.cap = src->count ? src->count : 1;
    for (size_t i = 0; i < src->count; i++) {
        sp_neigh *n = malloc(sizeof *n);
        if (!n)
            goto fail;
        *n = *src->items[i];
        n->name = NULL;
        t.items[t.count++] = n;
        if (src->items[i]->name && !(n->name = strdup(src->items[i]->name)))
            goto fail;
    }
    for (size_t i = 0; i < src->nlinks; i++) {
        t.links[i] = src->links[i];
        t.links[i].addrs = NULL;
        t.nlinks = i + 1;
        if (src->links[i].naddrs) {
            t.links[i].addrs = malloc(src->links[i].naddrs * sizeof(sp_ifaddr));
            if (!t.links[i].addrs)
                goto fail;
            memcpy(t.links[i].addrs, src->links[i].addrs, src->links[i].naddrs * sizeof(sp_ifaddr));
        }
    }
    *dst = t;
    return 0;
fail:
    sp_neigh_table_free(&t);
    return -1;
}

void sp_format_lladdr(const unsigned char *mac, size_t len, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len && used + 4 <= cap; i++)
        used += (size_t)snprintf(out + used, cap - used, i ? ":%02x" : "%02x", mac[i]);
}

static size_t alen(int family) { return family == AF_INET ? 4 : 16; }

static sp_link *find_link(sp_neigh_table *t, int ifindex)
{
    for (size_t i = 0; i < t->nlinks; i++)
        if (t->links[i].ifindex == ifindex)
            return &t->links[i];
    return NULL;
}

const sp_link *sp_neigh_link(const sp_neigh_table *t, int ifindex)
{
    return find_link((sp_neigh_table *)t, ifindex);
}

static sp_neigh *find_row(sp_neigh_table *t, int family, const unsigned char *addr, int ifindex, bool self)
{
    size_t n = alen(family);
    for (size_t i = 0; i < t->count; i++) {
        sp_neigh *r = t->items[i];
        if (r->family == family && r->ifindex == ifindex && r->self == self && memcmp(r->addr, addr, n) == 0)
            return r;
    }
    return NULL;
}

static void remove_at(sp_neigh_table *t, size_t i)
{
    free_row(t->items[i]);
    t->items[i] = t->items[--t->count];
}

static bool set_mac(sp_neigh_table *t, sp_neigh *r, const unsigned char *mac, size_t len)
{
    if (r->maclen == len && memcmp(r->mac, mac, len) == 0)
        return false;
    memcpy(r->mac, mac, len);
    r->maclen = len;
    sp_format_lladdr(mac, len, r->macstr, sizeof r->macstr);
    const char *v = sp_oui_lookup(t->oui, mac, len);
    r->vendor = v ? v : "";
    return true;
}

static sp_neigh *add_row(sp_neigh_table *t, int family, const unsigned char *addr, int ifindex, bool self,
                         double now)
{
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        sp_neigh **items = realloc(t->items, cap * sizeof *items);
        if (!items)
            return NULL;
        t->items = items;
        t->cap = cap;
    }
    sp_neigh *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->family = family;
    memcpy(r->addr, addr, alen(family));
    r->ifindex = ifindex;
    r->self = self;
    r->vendor = "";
    r->first_seen = r->last_change = now;
    r->name_wanted = true;
    inet_ntop(family, addr, r->ip, sizeof r->ip);
    const sp_link *l = find_link(t, ifindex);
    if (l)
        memcpy(r->ifname, l->name, sizeof r->ifname);
    else
        snprintf(r->ifname, sizeof r->ifname, "if%d", ifindex);
    t->items[t->count++] = r;
    return r;
}

static bool apply_neigh(sp_neigh_table *t, const sp_rtnl_msg *m, double now)
{
    sp_neigh *r = find_row(t, m->family, m->addr, m->ifindex, false);
    if (m->del) {
        for (size_t i = 0; i < t->count; i++)
            if (t->items[i] == r) {
                remove_at(t, i);
                return true;
            }
        return false;
    }
    bool changed = false;
    if (!r) {
        r = add_row(t, m->family, m->addr, m->ifindex, false, now);
        if (!r)
            return false;
        if (m->has_age && (double)m->updated_ticks / (double)t->hz < now)
            r->last_change = now - (double)m->updated_ticks / (double)t->hz;
        r->state = m->state;
        changed = true;
    } else if (r->state != m->state) {
        r->state = m->state;
        r->last_change = now;
        r->name_wanted = true; /* a cheap cache hit unless the answer expired */
        changed = true;
    }
    if (m->lladdr_len && set_mac(t, r, m->lladdr, m->lladdr_len)) {
        if (!changed)
            r->last_change = now;
        changed = true;
    }
    r->mark = t->gen;
    return changed;
}

static sp_link *upsert_link(sp_neigh_table *t, int ifindex)
{
    sp_link *l = find_link(t, ifindex);
    if (l)
        return l;
    sp_link *links = realloc(t->links, (t->nlinks + 1) * sizeof *links);
    if (!links)
        return NULL;
    t->links = links;
    l = &t->links[t->nlinks++];
    memset(l, 0, sizeof *l);
    l->ifindex = ifindex;
    snprintf(l->name, sizeof l->name, "if%d", ifindex);
    return l;
}

/* Rows on a link follow its name and (for this host's rows) its MAC. */
static void sync_rows(sp_neigh_table *t, const sp_link *l)
{
    for (size_t i = 0; i < t->count; i++) {
        sp_neigh *r = t->items[i];
        if (r->ifindex != l->ifindex)
            continue;
        memcpy(r->ifname, l->name, sizeof r->ifname);
        if (r->self)
            set_mac(t, r, l->mac, l->maclen);
    }
}

static void drop_link(sp_neigh_table *t, size_t li)
{
    int ifindex = t->links[li].ifindex;
    for (size_t i = t->count; i-- > 0;)
        if (t->items[i]->ifindex == ifindex)
            remove_at(t, i);
    free(t->links[li].addrs);
    t->links[li] = t->links[--t->nlinks];
}

bool sp_neigh_set_link(sp_neigh_table *t, int ifindex, const char *name, unsigned flags, unsigned mtu,
                       const unsigned char *mac, size_t maclen, double now)
{
    (void)now;
    sp_link *l = upsert_link(t, ifindex);
    if (!l)
        return false;
    if (maclen > SP_LLADDR_MAX)
        maclen = SP_LLADDR_MAX;
    if (name && *name)
        snprintf(l->name, sizeof l->name, "%s", name);
    l->flags = flags;
    l->mtu = mtu;
    memcpy(l->mac, mac, maclen);
    l->maclen = maclen;
    sp_format_lladdr(mac, maclen, l->macstr, sizeof l->macstr);
    l->mark = t->gen;
    sync_rows(t, l);
    return true;
}

bool sp_neigh_add_ifaddr(sp_neigh_table *t, int ifindex, int family, const void *addr, unsigned prefixlen,
                         double now)
{
    sp_link *l = upsert_link(t, ifindex);
    if (!l)
        return false;
    bool changed = false;
    size_t i;
    for (i = 0; i < l->naddrs; i++)
        if (l->addrs[i].family == family && memcmp(l->addrs[i].addr, addr, alen(family)) == 0)
            break;
    if (i == l->naddrs) {
        sp_ifaddr *a = realloc(l->addrs, (l->naddrs + 1) * sizeof *a);
        if (!a)
            return false;
        l->addrs = a;
        memset(&a[i], 0, sizeof a[i]);
        a[i].family = family;
        memcpy(a[i].addr, addr, alen(family));
        l->naddrs++;
        changed = true;
    }
    if (l->addrs[i].prefixlen != prefixlen) {
        l->addrs[i].prefixlen = (unsigned char)prefixlen;
        changed = true;
    }
    sp_neigh *r = find_row(t, family, addr, ifindex, true);
    if (!r) {
        r = add_row(t, family, addr, ifindex, true, now);
        if (!r)
            return changed;
        set_mac(t, r, l->mac, l->maclen);
        r->state = NUD_PERMANENT;
        changed = true;
    }
    r->mark = t->gen;
    return changed;
}

static bool del_ifaddr(sp_neigh_table *t, const sp_rtnl_msg *m)
{
    bool changed = false;
    sp_link *l = find_link(t, m->ifindex);
    for (size_t i = 0; l && i < l->naddrs; i++)
        if (l->addrs[i].family == m->family && memcmp(l->addrs[i].addr, m->addr, alen(m->family)) == 0) {
            l->addrs[i] = l->addrs[--l->naddrs];
            changed = true;
            break;
        }
    sp_neigh *r = find_row(t, m->family, m->addr, m->ifindex, true);
    for (size_t i = 0; r && i < t->count; i++)
        if (t->items[i] == r) {
            remove_at(t, i);
            changed = true;
            break;
        }
    return changed;
}

bool sp_neigh_apply(sp_neigh_table *t, const sp_rtnl_msg *m, double now)
{
    switch (m->kind) {
    case SP_RTNL_NEIGH:
        return apply_neigh(t, m, now);
    case SP_RTNL_LINK:
        if (m->del) {
            for (size_t i = 0; i < t->nlinks; i++)
                if (t->links[i].ifindex == m->ifindex) {
                    drop_link(t, i);
                    return true;
                }
            return false;
        }
        return sp_neigh_set_link(t, m->ifindex, m->ifname, m->ifflags, m->mtu, m->lladdr, m->lladdr_len, now);
    case SP_RTNL_ADDR:
        if (m->del)
            return del_ifaddr(t, m);
        return sp_neigh_add_ifaddr(t, m->ifindex, m->family, m->addr, m->prefixlen, now);
    default:
        return false;
    }
}

int sp_rtnl_feed(sp_neigh_table *t, const void *buf, size_t len, double now, sp_rtnl_feed_result *res)
{
    memset(res, 0, sizeof *res);
    int applied = 0;
    size_t off = 0;
    while (off < len) {
        const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const char *)buf + off);
        if (!msg_ok(nlh, len - off))
            return -1;
        sp_rtnl_msg m;
        if (sp_rtnl_parse(nlh, len - off, &m) < 0)
            return -1;
        switch (m.kind) {
        case SP_RTNL_DONE:
            res->done = true;
            res->done_seq = m.seq;
            break;
        case SP_RTNL_ERROR:
            res->done = true;
            res->done_seq = m.seq;
            res->error = m.error;
            break;
        case SP_RTNL_OVERRUN:
            res->overrun = true;
            break;
        case SP_RTNL_SKIP:
            break;
        default:
            if (sp_neigh_apply(t, &m, now))
                res->changed = true;
            applied++;
            break;
        }
        off += MNL_ALIGN(nlh->nlmsg_len);
    }
    return applied;
}

/* ---- /proc/net/arp ---- */

/* One data line: "IP HWtype Flags HWaddr Mask Device", whitespace separated.
 * Returns -1 when malformed, else whether the table changed. */
static int parse_arp_line(sp_neigh_table *t, const char *s, size_t len, double now)
{
    char line[512];
    if (len >= sizeof line)
        return -1;
    memcpy(line, s, len);
    line[len] = '\0';
    char ip[64], hwtype[16], flags[16], hw[128], mask[64], dev[64];
    int n = sscanf(line, "%63s %15s %15s %127s %63s %63s", ip, hwtype, flags, hw, mask, dev);
    if (n != 6)
        return -1;
    unsigned char addr[4];
    if (inet_pton(AF_INET, ip, addr) != 1)
        return -1;
    char *end;
    unsigned long fl = strtoul(flags, &end, 16);
    if (*end || end == flags || strlen(dev) >= IF_NAMESIZE)
        return -1;
    unsigned char mac[SP_LLADDR_MAX];
    size_t maclen = 0;
    const char *p = hw;
    while (*p && maclen < SP_LLADDR_MAX) {
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
            return -1;
        char pair[3] = { p[0], p[1], '\0' };
        mac[maclen++] = (unsigned char)strtoul(pair, NULL, 16);
        p += 2;
        if (*p == ':')
            p++;
        else if (*p)
            return -1;
    }
    if (*p || (strcmp(hwtype, "0x1") == 0 && maclen != 6))
        return -1; /* Ethernet addresses are six bytes */
    int ifindex = 0;
    for (size_t i = 0; i < t->nlinks; i++)
        if (strcmp(t->links[i].name, dev) == 0)
            ifindex = t->links[i].ifindex;
    sp_rtnl_msg m = { .kind = SP_RTNL_NEIGH, .family = AF_INET, .ifindex = ifindex };
    memcpy(m.addr, addr, 4);
    /* ATF_PERM, ATF_COM; neither means the kernel is still asking. */
    m.state = (fl & 0x4) ? NUD_PERMANENT : (fl & 0x2) ? NUD_REACHABLE : NUD_INCOMPLETE;
    bool all_zero = true;
    for (size_t i = 0; i < maclen; i++)
        all_zero &= mac[i] == 0;
    if (!all_zero) {
        memcpy(m.lladdr, mac, maclen);
        m.lladdr_len = maclen;
    }
    bool changed = apply_neigh(t, &m, now);
    sp_neigh *r = find_row(t, AF_INET, addr, ifindex, false);
    if (r && !ifindex)
        memcpy(r->ifname, dev, strlen(dev) + 1); /* checked shorter than IF_NAMESIZE above */
    return changed;
}

void sp_neigh_resync_begin(sp_neigh_table *t) { t->gen++; }

bool sp_neigh_resync_end(sp_neigh_table *t, bool neighbours, bool links)
{
    bool changed = false;
    if (links) {
        for (size_t i = t->nlinks; i-- > 0;)
            if (t->links[i].mark != t->gen) {
                drop_link(t, i);
                changed = true;
            }
    }
    for (size_t i = t->count; i-- > 0;) {
        sp_neigh *r = t->items[i];
        if (r->mark != t->gen && ((r->self && links) || (!r->self && neighbours))) {
            remove_at(t, i);
            changed = true;
        }
    }
    /* Addresses whose self row went are gone too. */
    for (size_t li = 0; links && li < t->nlinks; li++) {
        sp_link *l = &t->links[li];
        for (size_t a = l->naddrs; a-- > 0;)
            if (!find_row(t, l->addrs[a].family, l->addrs[a].addr, l->ifindex, true))
                l->addrs[a] = l->addrs[--l->naddrs];
    }
    return changed;
}

bool sp_neigh_apply_proc_arp(sp_neigh_table *t, const char *buf, size_t len, double now, size_t *bad)
{
    size_t nbad = 0;
    size_t before = t->count;
    bool changed = false;
    sp_neigh_resync_begin(t);
    /* Rows we keep are re-marked; self rows and IPv6 neighbours are not
     * the file's business. */
    for (size_t i = 0; i < t->count; i++)
        if (t->items[i]->self || t->items[i]->family != AF_INET)
            t->items[i]->mark = t->gen;
    size_t i = 0;
    bool first = true;
    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
        if (first) {
            first = false; /* the header */
        } else if (n > 0) {
            int rc = parse_arp_line(t, buf + i, n, now);
            if (rc < 0)
                nbad++;
            else if (rc)
                changed = true;
        }
        i += n + 1;
    }
    if (sp_neigh_resync_end(t, true, false) || t->count != before)
        changed = true;
    if (bad)
        *bad = nbad;
    return changed;
}

/* ---- names ---- */

bool sp_neigh_set_name(sp_neigh_table *t, int family, const void *addr, const char *name)
{
    bool changed = false;
    size_t n = alen(family);
    for (size_t i = 0; i < t->count; i++) {
        sp_neigh *r = t->items[i];
        if (r->family != family || memcmp(r->addr, addr, n) != 0)
            continue;
        if (r->name && name && strcmp(r->name, name) == 0)
            continue;
        char *copy = name ? strdup(name) : NULL;
        if (name && !copy)
            continue;
        free(r->name);
        r->name = copy;
        changed = true;
    }
    return changed;
}

/* ---- views ---- */

const char *sp_nud_name(uint16_t state)
{
    switch (state) {
    case NUD_INCOMPLETE: return "INCOMPLETE";
    case NUD_REACHABLE: return "REACHABLE";
    case NUD_STALE: return "STALE";
    case NUD_DELAY: return "DELAY";
    case NUD_PROBE: return "PROBE";
    case NUD_FAILED: return "FAILED";
    case NUD_NOARP: return "NOARP";
    case NUD_PERMANENT: return "PERMANENT";
    case NUD_NONE: return "NONE";
    default: return "?";
    }
}

const char *sp_neigh_state_label(const sp_neigh *n) { return n->self ? "(this host)" : sp_nud_name(n->state); }

const char *sp_neigh_sort_name(sp_neigh_sort s)
{
    static const char *const names[] = { "IP", "MAC", "vendor", "name", "last change" };
    return s < SP_SORT_COUNT ? names[s] : "?";
}

int sp_addr_cmp(int fa, const unsigned char *a, int fb, const unsigned char *b)
{
    if (fa != fb)
        return fa == AF_INET ? -1 : 1;
    return memcmp(a, b, alen(fa));
}

/* Empty strings and the "-"/"?" markers sort after real text. */
static int text_cmp(const char *a, const char *b)
{
    bool ea = !a || !*a || ((a[0] == '-' || a[0] == '?') && !a[1]);
    bool eb = !b || !*b || ((b[0] == '-' || b[0] == '?') && !b[1]);
    if (ea || eb)
        return ea - eb;
    return strcasecmp(a, b);
}

static int row_cmp(const void *pa, const void *pb, void *arg)
{
    const sp_neigh *a = *(const sp_neigh *const *)pa, *b = *(const sp_neigh *const *)pb;
    sp_neigh_sort s = *(const sp_neigh_sort *)arg;
    int c = 0;
    switch (s) {
    case SP_SORT_MAC:
        if (a->maclen != b->maclen)
            c = a->maclen == 0 ? 1 : b->maclen == 0 ? -1 : (a->maclen < b->maclen ? -1 : 1);
        else
            c = memcmp(a->mac, b->mac, a->maclen);
        break;
    case SP_SORT_VENDOR: c = text_cmp(a->vendor, b->vendor); break;
    case SP_SORT_NAME: c = text_cmp(a->name, b->name); break;
    case SP_SORT_CHANGE: c = a->last_change > b->last_change ? -1 : a->last_change < b->last_change; break;
    default: break;
    }
    if (c == 0)
        c = sp_addr_cmp(a->family, a->addr, b->family, b->addr);
    if (c == 0)
        c = (a->ifindex > b->ifindex) - (a->ifindex < b->ifindex); /* a difference can overflow */
    if (c == 0)
        c = (int)a->self - (int)b->self;
    return c;
}

static bool row_matches(const sp_neigh *r, const char *f)
{
    return strcasestr(r->ip, f) || strcasestr(r->macstr, f) || (r->vendor && strcasestr(r->vendor, f)) ||
           strcasestr(r->ifname, f) || strcasestr(sp_neigh_state_label(r), f) || (r->name && strcasestr(r->name, f));
}

bool sp_neigh_hidden_by_default(const sp_neigh *r)
{
    /* Failed and unfinished lookups are not hosts; NOARP entries (loopback,
     * multicast, point-to-point links) never were - `ip neigh` hides them
     * too. */
    return !r->self && (r->state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NOARP) || r->state == NUD_NONE);
}

size_t sp_neigh_view(const sp_neigh_table *t, const sp_neigh_view_opts *o, const sp_neigh **out)
{
    size_t n = 0;
    bool filter = o->filter && *o->filter;
    for (size_t i = 0; i < t->count; i++) {
        const sp_neigh *r = t->items[i];
        if (r->self && !o->include_self)
            continue;
        if (!o->show_all && sp_neigh_hidden_by_default(r))
            continue;
        if (filter && !row_matches(r, o->filter))
            continue;
        out[n++] = r;
    }
    sp_neigh_sort s = o->sort;
    qsort_r(out, n, sizeof *out, row_cmp, &s);
    return n;
}
