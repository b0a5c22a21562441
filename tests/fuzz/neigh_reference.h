/* What must hold of a hosts table whatever it was fed (fuzz_rtnl,
 * fuzz_arp): one row per (family, address, interface, self); each row's
 * strings NUL-terminated within their arrays and matching its bytes; one
 * link per index; a self row exactly for each address of a link; a deep
 * copy equal to the original; every view within the table and in order. */
#ifndef NEIGH_REFERENCE_H
#define NEIGH_REFERENCE_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_view.h"

static size_t ref_alen(int family) { return family == AF_INET ? 4 : 16; }

static void ref_check_row(const sp_neigh *r)
{
    if (r->family != AF_INET && r->family != AF_INET6)
        abort();
    if (strnlen(r->ip, sizeof r->ip) == sizeof r->ip || strnlen(r->macstr, sizeof r->macstr) == sizeof r->macstr ||
        strnlen(r->ifname, sizeof r->ifname) == sizeof r->ifname || !r->vendor || r->maclen > SP_LLADDR_MAX)
        abort();
    unsigned char a[16];
    if (inet_pton(r->family, r->ip, a) != 1 || memcmp(a, r->addr, ref_alen(r->family)) != 0)
        abort();
    if (strlen(r->macstr) != (r->maclen ? 3 * r->maclen - 1 : 0))
        abort();
    char mac[3 * SP_LLADDR_MAX];
    sp_format_lladdr(r->mac, r->maclen, mac, sizeof mac);
    if (strcmp(mac, r->macstr) != 0)
        abort();
}

static const sp_neigh *ref_find(const sp_neigh_table *t, int family, const unsigned char *addr, int ifindex,
                                bool self)
{
    const sp_neigh *found = NULL;
    for (size_t i = 0; i < t->count; i++) {
        const sp_neigh *r = t->items[i];
        if (r->family == family && r->ifindex == ifindex && r->self == self &&
            memcmp(r->addr, addr, ref_alen(family)) == 0) {
            if (found)
                abort(); /* a duplicate row */
            found = r;
        }
    }
    return found;
}

static void ref_check_view(const sp_neigh_table *t, sp_neigh_sort sort, bool all, const char *filter)
{
    const sp_neigh **out = malloc((t->count + 1) * sizeof *out);
    if (!out)
        abort();
    sp_neigh_view_opts o = { .show_all = all, .include_self = all, .sort = sort, .filter = filter };
    size_t n = sp_neigh_view(t, &o, out);
    if (n > t->count)
        abort();
    for (size_t i = 0; i < n; i++) {
        bool in = false;
        for (size_t k = 0; k < t->count && !in; k++)
            in = t->items[k] == out[i];
        if (!in || (!all && out[i]->self))
            abort();
        if (sort == SP_SORT_IP && i &&
            sp_addr_cmp(out[i - 1]->family, out[i - 1]->addr, out[i]->family, out[i]->addr) > 0)
            abort();
    }
    if (all && !filter && n != t->count)
        abort();
    free(out);
}

static void ref_check_table(const sp_neigh_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        const sp_neigh *r = t->items[i];
        ref_check_row(r);
        if (ref_find(t, r->family, r->addr, r->ifindex, r->self) != r)
            abort();
        if (r->self) {
            const sp_link *l = sp_neigh_link(t, r->ifindex);
            bool has = false;
            for (size_t a = 0; l && a < l->naddrs; a++)
                has |= l->addrs[a].family == r->family && memcmp(l->addrs[a].addr, r->addr, ref_alen(r->family)) == 0;
            if (!has)
                abort();
        }
    }
    for (size_t i = 0; i < t->nlinks; i++) {
        const sp_link *l = &t->links[i];
        if (sp_neigh_link(t, l->ifindex) != l || strnlen(l->name, sizeof l->name) == sizeof l->name ||
            l->maclen > SP_LLADDR_MAX || strlen(l->macstr) != (l->maclen ? 3 * l->maclen - 1 : 0))
            abort();
        for (size_t a = 0; a < l->naddrs; a++) {
            const sp_ifaddr *x = &l->addrs[a];
            if (x->prefixlen > (x->family == AF_INET ? 32 : 128) || !ref_find(t, x->family, x->addr, l->ifindex, true))
                abort();
            for (size_t b = 0; b < a; b++)
                if (l->addrs[b].family == x->family && memcmp(l->addrs[b].addr, x->addr, ref_alen(x->family)) == 0)
                    abort();
        }
    }

    sp_neigh_table c;
    if (sp_neigh_table_clone(&c, t) < 0)
        abort();
    if (c.count != t->count || c.nlinks != t->nlinks)
        abort();
    for (size_t i = 0; i < c.count; i++) {
        const sp_neigh *a = c.items[i], *b = t->items[i];
        if (a == b || strcmp(a->ip, b->ip) != 0 || strcmp(a->macstr, b->macstr) != 0 || a->state != b->state ||
            (a->name == NULL) != (b->name == NULL) || (a->name && strcmp(a->name, b->name) != 0))
            abort();
    }
    sp_neigh_table_free(&c);

    for (int s = 0; s < SP_SORT_COUNT; s++) {
        ref_check_view(t, (sp_neigh_sort)s, s & 1, NULL);
        ref_check_view(t, (sp_neigh_sort)s, true, NULL);
    }
    if (t->count) {
        ref_check_view(t, SP_SORT_NAME, true, t->items[0]->ip);
        ref_check_view(t, SP_SORT_IP, false, "1");
    }
}

#endif
