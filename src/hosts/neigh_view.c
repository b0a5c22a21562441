/* Views of the hosts table: sorting and filtering build an array of row
 * pointers, cheap even for tens of thousands of rows. */
#include "sockpit/hosts/neigh_view.h"

#include <linux/neighbour.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

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
    return memcmp(a, b, fa == AF_INET ? 4 : 16);
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
