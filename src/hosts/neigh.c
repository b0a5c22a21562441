/* The hosts table. It keeps rows behind pointers so a view (neigh_view.c)
 * stays cheap to build for tens of thousands. */
#include "sockpit/hosts/neigh.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockpit/core/loop.h"
#include "sockpit/core/mem.h"

void sp_neigh_table_init(sp_neigh_table *t, const sp_oui *oui)
{
    memset(t, 0, sizeof *t);
    t->oui = oui;
    t->hz = sysconf(_SC_CLK_TCK);
    if (t->hz <= 0)
        t->hz = 100;
}

static void free_names(sp_neigh *n)
{
    for (size_t i = 0; i < n->nnames; i++) {
        free(n->names[i].name);
        free(n->names[i].group);
    }
    n->nnames = 0;
}

static void copy_names(sp_neigh *n, const sp_hostname *names, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        n->names[i].source = names[i].source;
        n->names[i].name = sp_xstrdup(names[i].name);
        n->names[i].group = names[i].group ? sp_xstrdup(names[i].group) : NULL;
    }
    n->nnames = count;
}

static void free_row(sp_neigh *n)
{
    free(n->name);
    free_names(n);
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
    sp_neigh_table t;
    sp_neigh_table_init(&t, src->oui);
    t.gen = src->gen;
    t.items = sp_xcalloc(src->count, sizeof *t.items);
    t.links = sp_xcalloc(src->nlinks, sizeof *t.links);
    t.cap = src->count ? src->count : 1;
    for (size_t i = 0; i < src->count; i++) {
        sp_neigh *n = sp_xmalloc(sizeof *n);
        *n = *src->items[i];
        if (n->name)
            n->name = sp_xstrdup(n->name);
        copy_names(n, src->items[i]->names, src->items[i]->nnames);
        t.items[t.count++] = n;
    }
    for (size_t i = 0; i < src->nlinks; i++) {
        t.links[i] = src->links[i];
        t.links[i].addrs = NULL;
        if (src->links[i].naddrs) {
            t.links[i].addrs = sp_xreallocarray(NULL, src->links[i].naddrs, sizeof(sp_ifaddr));
            memcpy(t.links[i].addrs, src->links[i].addrs, src->links[i].naddrs * sizeof(sp_ifaddr));
        }
    }
    t.nlinks = src->nlinks;
    *dst = t;
    return 0;
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
    SP_GROW(t->items, t->cap, t->count + 1);
    sp_neigh *r = sp_xcalloc(1, sizeof *r);
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
    t->links = sp_xreallocarray(t->links, t->nlinks + 1, sizeof *t->links);
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
    if (maclen > SP_LLADDR_MAX)
        maclen = SP_LLADDR_MAX;
    if (name && *name)
        snprintf(l->name, sizeof l->name, "%s", name);
    l->flags = flags;
    l->mtu = mtu;
    if (maclen) /* mac may be NULL then (the getifaddrs fallback) */
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
    bool changed = false;
    size_t i;
    for (i = 0; i < l->naddrs; i++)
        if (l->addrs[i].family == family && memcmp(l->addrs[i].addr, addr, alen(family)) == 0)
            break;
    if (i == l->naddrs) {
        l->addrs = sp_xreallocarray(l->addrs, l->naddrs + 1, sizeof *l->addrs);
        sp_ifaddr *a = l->addrs;
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

void sp_link_sample(sp_link *l, const sp_link_stats *st, double at)
{
    l->stats = *st;
    l->stats_at = at;
    if (!l->has_stats || st->rx_bytes < l->base.rx_bytes || st->tx_bytes < l->base.tx_bytes ||
        st->rx_packets < l->base.rx_packets || st->tx_packets < l->base.tx_packets) {
        l->has_stats = true;
        l->base = *st;
        l->base_at = at;
        return;
    }
    double dt = at - l->base_at;
    if (dt < 0.5)
        return;
    sp_link_rates *r = &l->rates;
    r->rx_bps = (double)(st->rx_bytes - l->base.rx_bytes) / dt;
    r->tx_bps = (double)(st->tx_bytes - l->base.tx_bytes) / dt;
    r->rx_pps = (double)(st->rx_packets - l->base.rx_packets) / dt;
    r->tx_pps = (double)(st->tx_packets - l->base.tx_packets) / dt;
    r->valid = true;
    float v = (float)(r->rx_bps + r->tx_bps);
    if (r->nhist < SP_RATE_HISTORY) {
        r->hist[(r->hist_head + r->nhist++) % SP_RATE_HISTORY] = v;
    } else {
        r->hist[r->hist_head] = v;
        r->hist_head = (r->hist_head + 1) % SP_RATE_HISTORY;
    }
    l->base = *st;
    l->base_at = at;
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
        sp_neigh_set_link(t, m->ifindex, m->ifname, m->ifflags, m->mtu, m->lladdr, m->lladdr_len, now);
        if (m->has_stats)
            sp_link_sample(find_link(t, m->ifindex), &m->stats, sp_now());
        return true;
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
        sp_rtnl_msg m;
        /* It refuses a length past the buffer, so nlmsg_len is safe to step by. */
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
        char *copy = name ? sp_xstrdup(name) : NULL;
        free(r->name);
        r->name = copy;
        changed = true;
    }
    return changed;
}

static bool same_names(const sp_neigh *r, const sp_hostname *names, size_t n)
{
    if (r->nnames != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        const sp_hostname *a = &r->names[i], *b = &names[i];
        if (a->source != b->source || strcmp(a->name, b->name) != 0 || !a->group != !b->group ||
            (a->group && strcmp(a->group, b->group) != 0))
            return false;
    }
    return true;
}

bool sp_neigh_set_names(sp_neigh *r, const sp_hostname *names, size_t n)
{
    if (n > SP_NEIGH_NAMES)
        n = SP_NEIGH_NAMES;
    if (same_names(r, names, n))
        return false;
    free_names(r);
    copy_names(r, names, n);
    return true;
}

static bool real_name(const char *s) { return s && *s && !((s[0] == '-' || s[0] == '?') && !s[1]); }

const char *sp_neigh_best_name(const sp_neigh *n, sp_name_source *source)
{
    if (real_name(n->name)) {
        *source = SP_SRC_PTR;
        return n->name;
    }
    if (n->nnames) {
        *source = n->names[0].source;
        return n->names[0].name;
    }
    return NULL;
}

const char *sp_name_source_label(sp_name_source s)
{
    static const char *const labels[SP_SRC_COUNT] = { "ptr", "mdns", "llmnr", "nbns", "ssdp" };
    return s < SP_SRC_COUNT ? labels[s] : "?";
}

int sp_name_sources_parse(const char *s, unsigned *mask, char *err, size_t errlen)
{
    unsigned m = 0;
    const char *p = s;
    for (;;) {
        size_t n = strcspn(p, ",");
        int found = -1;
        for (int k = 0; k < SP_SRC_COUNT; k++)
            if (n == strlen(sp_name_source_label((sp_name_source)k)) &&
                strncmp(p, sp_name_source_label((sp_name_source)k), n) == 0)
                found = k;
        if (found < 0) {
            snprintf(err, errlen, "'%.*s' is not a name source (want ptr, mdns, llmnr, nbns or ssdp, comma-separated)",
                     (int)(n > 40 ? 40 : n), p);
            return -1;
        }
        m |= SP_SRC_BIT(found);
        if (!p[n])
            break;
        p += n + 1;
    }
    *mask = m;
    return 0;
}
