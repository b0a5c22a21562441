/* The Hosts pane: the live neighbour table (with this host's own
 * addresses), the interfaces, and reverse-DNS sweeps with a progress bar.
 * hosts_setup.c builds the model (neigh.c, filled by netlink.c, vendors from
 * oui.c, names from rdns.c); sweeps come from sweep.c. Nothing here polls:
 * the table changes when netlink says so, names when answers arrive.
 *
 * Each view is a table widget fed by value under a stable key (family,
 * address, interface and self for a neighbour; the ifindex for an
 * interface; the address for a sweep result), so nothing shown points into
 * the model that netlink changes. A change only marks the views stale; the
 * next frame (at most 10 a second) feeds them, so a flood of netlink
 * messages or sweep answers costs one rebuild per frame. */
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/strset.h"
#include "sockpit/hosts/history.h"
#include "sockpit/hosts/hosts_setup.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_view.h"
#include "sockpit/hosts/netlink.h"
#include "sockpit/hosts/oui.h"
#include "sockpit/hosts/rdns.h"
#include "sockpit/hosts/sweep.h"
#include "sockpit/hosts/wol.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tui/table_view.h"

/* The progress line changes at most twice a second (its text has tenths
 * of seconds, so a faster timer would repaint it each tick). */
#define PROGRESS_PERIOD 0.5

typedef enum view { VIEW_NEIGH, VIEW_IFACES, VIEW_HISTORY, VIEW_SWEEP, VIEW_COUNT } view;
#define ALL_VIEWS ((1u << VIEW_COUNT) - 1)

/* The pane's modes: which view is shown (for Enter and its hint). */
#define MODE_NEIGH (SP_WHEN_PANE << VIEW_NEIGH)

enum { C_IP, C_MAC, C_VENDOR, C_IF, C_STATE, C_NAME, C_FIRST, C_LAST, C_N };

/* IP, State and Name always; Vendor before MAC, so that at 80 columns the
 * interface and the times go first and Vendor and Name keep room. The
 * spare width goes to the names. Addresses, vendors and names sort by
 * their rank in the model's own order (numeric addresses, IPv4 before
 * IPv6; blank names last), which the pane gives as the cell's number. */
static const sp_column neigh_cols[C_N] = {
    [C_IP] = { .title = "IP", .min = 15, .max = 39, .prio = 0, .sort = SP_SORT_NUM },
    [C_MAC] = { .title = "MAC", .min = 17, .max = 17, .prio = 2, .sort = SP_SORT_TEXT },
    [C_VENDOR] = { .title = "Vendor", .min = 14, .max = 32, .prio = 1, .sort = SP_SORT_NUM },
    [C_IF] = { .title = "Interface", .min = 9, .max = 16, .prio = 3, .sort = SP_SORT_TEXT },
    [C_STATE] = { .title = "State", .min = 10, .max = 11, .prio = 0, .sort = SP_SORT_TEXT },
    [C_NAME] = { .title = "Name", .min = 12, .prio = 0, .grow = true, .sort = SP_SORT_NUM },
    [C_FIRST] = { .title = "First seen", .min = 8, .max = 10, .prio = 5, .sort = SP_SORT_NUM, .desc = true },
    [C_LAST] = { .title = "Last change", .min = 8, .max = 11, .prio = 4, .sort = SP_SORT_NUM, .desc = true },
};

/* Rates from the link counters (IFLA_STATS64), polled every second while
 * the view is shown; the sparkline is the last 60 s of rx + tx. */
enum { I_NAME, I_STATE, I_MAC, I_MTU, I_ADDRS, I_RX, I_TX, I_PPS, I_ERR, I_SPARK, I_N };
static const sp_column iface_cols[I_N] = {
    [I_NAME] = { .title = "Interface", .min = 9, .max = 16, .prio = 0, .sort = SP_SORT_TEXT },
    [I_STATE] = { .title = "State", .min = 5, .max = 5, .prio = 0, .sort = SP_SORT_TEXT },
    [I_MAC] = { .title = "MAC", .min = 17, .max = 17, .prio = 2, .sort = SP_SORT_TEXT },
    [I_MTU] = { .title = "MTU", .min = 5, .max = 6, .prio = 2, .right = true, .sort = SP_SORT_NUM },
    [I_ADDRS] = { .title = "Addresses", .min = 15, .prio = 0, .grow = true, .sort = SP_SORT_NONE },
    [I_RX] = { .title = "RX/s", .min = 10, .max = 10, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [I_TX] = { .title = "TX/s", .min = 10, .max = 10, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [I_PPS] = { .title = "Pkt/s", .min = 7, .max = 9, .prio = 3, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [I_ERR] = { .title = "Err/Drop", .min = 8, .max = 15, .prio = 3, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [I_SPARK] = { .title = "Last 60 s", .min = 30, .max = 30, .prio = 4, .sort = SP_SORT_NONE },
};

#define RATES_PERIOD 1.0

enum { R_IP, R_NAME, R_N };
static const sp_column sweep_cols[R_N] = {
    [R_IP] = { .title = "IP", .min = 15, .max = 39, .prio = 0, .sort = SP_SORT_NUM },
    [R_NAME] = { .title = "Name", .min = 12, .prio = 0, .grow = true, .sort = SP_SORT_TEXT },
};

/* The host history, newest first; a flip-flop shows the MAC it replaced. */
enum { E_TIME, E_EVENT, E_IP, E_MAC, E_VENDOR, E_WAS, E_IF, E_N };
static const sp_column hist_cols[E_N] = {
    [E_TIME] = { .title = "Time", .min = 19, .max = 19, .prio = 1, .sort = SP_SORT_NUM, .desc = true },
    [E_EVENT] = { .title = "Event", .min = 9, .max = 9, .prio = 0, .sort = SP_SORT_TEXT },
    [E_IP] = { .title = "IP", .min = 15, .max = 39, .prio = 0, .sort = SP_SORT_TEXT },
    [E_MAC] = { .title = "MAC", .min = 17, .max = 17, .prio = 0, .sort = SP_SORT_TEXT },
    [E_VENDOR] = { .title = "Vendor", .min = 10, .max = 28, .prio = 2, .sort = SP_SORT_TEXT },
    [E_WAS] = { .title = "Was", .min = 17, .prio = 0, .grow = true, .sort = SP_SORT_TEXT },
    [E_IF] = { .title = "Interface", .min = 9, .max = 16, .prio = 3, .sort = SP_SORT_TEXT },
};

typedef struct result {
    int family;
    unsigned char addr[16];
    char ip[SP_IPSTR_MAX];
    char *name;
} result;

typedef struct hosts_pane {
    sp_pane base;
    sp_hosts_setup hosts;      /* the live table, its netlink source, vendors and reverse DNS */

    sp_sweep *sweep;
    bool next_probe;           /* the prompt open is for a sweep with probes */
    sp_cidr pending;           /* waiting for confirmation */
    bool pending_probe;
    result *results;
    size_t nresults, capresults;
    uint64_t progress_timer;
    uint64_t rates_timer;      /* polls the link counters while the Interfaces view is shown */
    char progress[200];        /* the progress text last drawn */
    bool visible;

    unsigned char wake_mac[6]; /* waiting for the confirmation */
    char wake_if[IF_NAMESIZE];

    view view;
    bool show_all;
    char filter[256];
    sp_table *tables[VIEW_COUNT];
    unsigned stale;            /* views whose table needs feeding, as 1 << view */
    size_t hidden;             /* neighbours `a` would show, at the last feed */
    size_t hidden_gone;        /* and remembered stations gone from the table */

    /* Scratch for feeding the tables; gone: rows for remembered stations
     * the table no longer has (shown with `a`). */
    sp_neigh *gone;
    size_t gone_cap;
    const sp_neigh **rows;
    size_t rows_cap;
    size_t *order;
    size_t order_cap;
    int64_t *rank[2];
    size_t rank_cap[2];
} hosts_pane;

static hosts_pane *H(sp_pane *p) { return (hosts_pane *)p; }

static uint64_t addr_key(int family, const unsigned char *addr)
{
    uint64_t h = sp_table_key_add(SP_TABLE_KEY_START, &family, sizeof family);
    return sp_table_key_add(h, addr, family == AF_INET ? 4 : 16);
}

/* The same address can be a neighbour on two interfaces and one of ours. */
static uint64_t neigh_key(const sp_neigh *n)
{
    uint64_t h = addr_key(n->family, n->addr);
    h = sp_table_key_add(h, &n->ifindex, sizeof n->ifindex);
    return sp_table_key_add(h, &n->self, sizeof n->self);
}

static const sp_neigh *find_neigh(const sp_neigh_table *t, uint64_t key)
{
    for (size_t i = 0; i < t->count; i++)
        if (neigh_key(t->items[i]) == key)
            return t->items[i];
    return NULL;
}

/* Views changed: the next frame feeds them. While a sweep runs its
 * progress timer brings that frame, so answers do not each ask for one. */
static void changed(hosts_pane *h, unsigned views)
{
    h->stale |= views;
    if (!h->progress_timer)
        sp_app_dirty(h->base.app, &h->base);
}

static void on_table_changed(void *ud)
{
    hosts_pane *h = ud;
    sp_hosts_resolve(&h->hosts);
    changed(h, 1u << VIEW_NEIGH | 1u << VIEW_IFACES);
}

/* "aa:bb:.. (Vendor)"; the markers "(random/local)" are in parentheses
 * already. */
static void mac_vendor(const sp_oui *o, const char *mac, char *out, size_t cap)
{
    const char *v = sp_hevent_vendor(o, mac);
    bool paren = v[0] && v[0] != '(';
    snprintf(out, cap, "%s%s%s%s", mac, v[0] ? (paren ? " (" : " ") : "", v, paren ? ")" : "");
}

/* Logged already; a flip-flop also alerts on the status line. */
static void on_host_event(void *ud, const sp_hevent *ev)
{
    hosts_pane *h = ud;
    if (ev->kind == SP_HEV_FLIPFLOP) {
        char now[128], was[128];
        mac_vendor(h->hosts.oui, ev->mac, now, sizeof now);
        mac_vendor(h->hosts.oui, ev->old_mac, was, sizeof was);
        sp_app_error(h->base.app, "possible ARP spoofing: %s is now at %s, was %s", ev->ip, now, was);
    }
    changed(h, 1u << VIEW_NEIGH | 1u << VIEW_HISTORY);
}

/* ---- feeding the tables ---- */

static bool blank_name(const char *s) { return !s || !*s || ((s[0] == '-' || s[0] == '?') && !s[1]); }

/* The Name cell: a PTR name as it is (DNS's own), another name with where
 * it came from ("pi.local  mdns"), else PTR's "-" or "?" marker. */
static const char *name_cell(const sp_neigh *n, char *buf, size_t cap)
{
    sp_name_source src;
    const char *best = sp_neigh_best_name(n, &src);
    if (!best || src == SP_SRC_PTR)
        return n->name ? n->name : "";
    snprintf(buf, cap, "%s  %s", best, sp_name_source_label(src));
    return buf;
}

typedef struct rank_ctx {
    const sp_neigh *const *rows;
    int col;
} rank_ctx;

/* Vendors and names with blanks and the "-"/"?" markers last; ties in
 * address order (the order of rows). */
static int rank_cmp(const void *pa, const void *pb, void *ud)
{
    const rank_ctx *c = ud;
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    const sp_neigh *a = c->rows[ia], *b = c->rows[ib];
    sp_name_source src;
    const char *sa = c->col == C_VENDOR ? a->vendor : sp_neigh_best_name(a, &src);
    const char *sb = c->col == C_VENDOR ? b->vendor : sp_neigh_best_name(b, &src);
    bool ea = blank_name(sa), eb = blank_name(sb);
    int r = ea || eb ? (int)ea - (int)eb : strcasecmp(sa, sb);
    return r ? r : (ia > ib) - (ia < ib);
}

static void rank_rows(hosts_pane *h, size_t n, int col, int64_t *rank)
{
    SP_GROW(h->order, h->order_cap, n + 1);
    for (size_t i = 0; i < n; i++)
        h->order[i] = i;
    rank_ctx c = { h->rows, col };
    qsort_r(h->order, n, sizeof *h->order, rank_cmp, &c);
    for (size_t i = 0; i < n; i++)
        rank[h->order[i]] = (int64_t)i;
}

static void fmt_time(double t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, cap, "%H:%M:%S", &tm);
}

static int state_style(const sp_neigh *n)
{
    if (n->self)
        return SP_STYLE_ACCENT;
    switch (n->state) {
    case NUD_REACHABLE: case NUD_PERMANENT: return SP_STYLE_GOOD;
    case NUD_STALE: case NUD_DELAY: case NUD_PROBE: return SP_STYLE_WARN;
    case NUD_FAILED: case NUD_INCOMPLETE: return SP_STYLE_BAD;
    default: return SP_STYLE_DIM;
    }
}

static bool is_gone_row(const hosts_pane *h, const sp_neigh *r)
{
    return h->gone && r >= h->gone && r < h->gone + h->gone_cap;
}

static int row_addr_cmp(const void *pa, const void *pb)
{
    const sp_neigh *a = *(const sp_neigh *const *)pa, *b = *(const sp_neigh *const *)pb;
    int c = sp_addr_cmp(a->family, a->addr, b->family, b->addr);
    return c ? c : (a->ifindex > b->ifindex) - (a->ifindex < b->ifindex);
}

/* Rows for the stations the history remembers and the table has not (at
 * rows + n); returns how many there are, matching the filter or not in
 * *all. */
static size_t add_gone(hosts_pane *h, size_t n, size_t *all)
{
    const sp_history *hist = &h->hosts.history;
    const sp_neigh_table *t = &h->hosts.table;
    *all = 0;
    if (!h->hosts.history_on || !hist->n)
        return 0;
    sp_strset live;
    sp_strset_init(&live);
    for (size_t i = 0; i < t->count; i++)
        sp_strset_add(&live, t->items[i]->ip, i);
    SP_GROW(h->gone, h->gone_cap, hist->n);
    size_t g = 0;
    for (size_t i = 0; i < hist->n; i++) {
        const sp_station *st = &hist->st[i];
        if (!st->mac[0] || sp_strset_find(&live, st->ip, NULL))
            continue;
        (*all)++;
        sp_neigh *r = &h->gone[g];
        memset(r, 0, sizeof *r);
        r->family = st->family;
        memcpy(r->addr, st->addr, sizeof r->addr);
        r->ifindex = -1;
        memcpy(r->ip, st->ip, sizeof r->ip);
        memcpy(r->macstr, st->mac, sizeof r->macstr);
        r->vendor = sp_hevent_vendor(h->hosts.oui, st->mac);
        memcpy(r->ifname, st->ifname, sizeof r->ifname);
        r->first_seen = st->first_seen;
        r->last_change = st->last_seen;
        const char *f = h->filter;
        if (f[0] && !strcasestr(r->ip, f) && !strcasestr(r->macstr, f) && !strcasestr(r->vendor, f) &&
            !strcasestr(r->ifname, f) && !strcasestr("gone", f))
            continue;
        h->rows[n + g++] = r;
    }
    sp_strset_free(&live);
    return g;
}

static void feed_neigh(hosts_pane *h)
{
    const sp_neigh_table *t = &h->hosts.table;
    size_t total = 0;
    h->hidden = h->hidden_gone = 0;
    for (size_t i = 0; i < t->count; i++) {
        if (!h->show_all && sp_neigh_hidden_by_default(t->items[i]))
            h->hidden++;
        else
            total++;
    }
    SP_GROW(h->rows, h->rows_cap, t->count + h->hosts.history.n + 1);
    /* In address order, so a row's place is its address's rank. */
    sp_neigh_view_opts o = { .show_all = h->show_all, .include_self = true, .sort = SP_SORT_IP, .filter = h->filter };
    size_t n = sp_neigh_view(t, &o, h->rows), all;
    size_t g = add_gone(h, n, &all);
    if (h->show_all) {
        total += all;
        n += g;
        if (g)
            qsort(h->rows, n, sizeof *h->rows, row_addr_cmp);
    } else {
        h->hidden_gone = all;
    }
    for (int k = 0; k < 2; k++)
        SP_GROW(h->rank[k], h->rank_cap[k], n + 1);
    rank_rows(h, n, C_VENDOR, h->rank[0]);
    rank_rows(h, n, C_NAME, h->rank[1]);
    sp_table *tb = h->tables[VIEW_NEIGH];
    sp_table_begin(tb, total);
    for (size_t i = 0; i < n; i++) {
        const sp_neigh *r = h->rows[i];
        char first[16], last[16], name[300];
        bool gone = is_gone_row(h, r);
        const sp_station *st = h->hosts.history_on && !r->self ? sp_history_find(&h->hosts.history, r->ip) : NULL;
        double first_seen = st ? st->first_seen : r->first_seen; /* the history remembers across runs */
        fmt_time(first_seen, first, sizeof first);
        fmt_time(r->last_change, last, sizeof last);
        sp_table_row(tb, neigh_key(r));
        sp_table_cell(tb, r->ip, (size_t)-1, (int64_t)i, 0);
        sp_table_cell(tb, r->macstr, (size_t)-1, 0, 0);
        sp_table_cell(tb, r->vendor ? r->vendor : "", (size_t)-1, h->rank[0][i], SP_STYLE_DIM);
        sp_table_cell(tb, r->ifname, (size_t)-1, 0, 0);
        sp_table_cell(tb, gone ? "gone" : sp_neigh_state_label(r), (size_t)-1, 0,
                      gone ? SP_STYLE_DIM : state_style(r));
        sp_table_cell(tb, name_cell(r, name, sizeof name), (size_t)-1, h->rank[1][i], 0);
        sp_table_cell(tb, first, (size_t)-1, (int64_t)(first_seen * 1000), SP_STYLE_DIM);
        sp_table_cell(tb, last, (size_t)-1, (int64_t)(r->last_change * 1000), SP_STYLE_DIM);
    }
    sp_table_commit(tb);
}

static bool link_matches(const sp_link *l, const char *f)
{
    if (!f[0] || strcasestr(l->name, f) || strcasestr(l->macstr, f))
        return true;
    for (size_t k = 0; k < l->naddrs; k++) {
        char ip[SP_IPSTR_MAX];
        inet_ntop(l->addrs[k].family, l->addrs[k].addr, ip, sizeof ip);
        if (strcasestr(ip, f))
            return true;
    }
    return false;
}

static void fmt_rate(double bps, char *out, size_t cap)
{
    if (bps < 1000)
        snprintf(out, cap, "%.0f B/s", bps);
    else if (bps < 1e6)
        snprintf(out, cap, "%.1f kB/s", bps / 1e3);
    else if (bps < 1e9)
        snprintf(out, cap, "%.2f MB/s", bps / 1e6);
    else
        snprintf(out, cap, "%.2f GB/s", bps / 1e9);
}

/* Eight levels, scaled to the largest sample shown. */
static void sparkline(const sp_link_rates *r, char *out, size_t cap)
{
    static const char *const bars[8] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
                                         "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
    float max = 0;
    for (size_t i = 0; i < r->nhist; i++)
        if (r->hist[i] > max)
            max = r->hist[i];
    size_t used = 0;
    out[0] = '\0';
    /* Two seconds a character: 60 s in 30 columns. */
    for (size_t i = r->nhist % 2; i < r->nhist && used + 4 < cap; i += 2) {
        float v = r->hist[(r->hist_head + i) % SP_RATE_HISTORY];
        if (i + 1 < r->nhist && r->hist[(r->hist_head + i + 1) % SP_RATE_HISTORY] > v)
            v = r->hist[(r->hist_head + i + 1) % SP_RATE_HISTORY];
        int level = max > 0 ? (int)(v / max * 7.0f + 0.5f) : 0;
        memcpy(out + used, bars[level < 0 ? 0 : level > 7 ? 7 : level], 3);
        used += 3;
    }
    out[used] = '\0';
}

static void feed_ifaces(hosts_pane *h)
{
    const sp_neigh_table *t = &h->hosts.table;
    sp_table *tb = h->tables[VIEW_IFACES];
    sp_table_begin(tb, t->nlinks);
    for (size_t i = 0; i < t->nlinks; i++) {
        const sp_link *l = &t->links[i];
        if (!link_matches(l, h->filter))
            continue;
        bool up = l->flags & IFF_UP;
        char addrs[1024];
        size_t used = 0;
        addrs[0] = '\0';
        for (size_t k = 0; k < l->naddrs && used < sizeof addrs - 64; k++) {
            char ip[SP_IPSTR_MAX];
            inet_ntop(l->addrs[k].family, l->addrs[k].addr, ip, sizeof ip);
            used += (size_t)snprintf(addrs + used, sizeof addrs - used, "%s%s/%u", k ? " " : "", ip,
                                     l->addrs[k].prefixlen);
        }
        sp_table_row(tb, (uint64_t)(unsigned)l->ifindex);
        sp_table_cell(tb, l->name, (size_t)-1, 0, 0);
        sp_table_cell(tb, up ? "up" : "down", (size_t)-1, 0, up ? SP_STYLE_GOOD : SP_STYLE_BAD);
        sp_table_cell(tb, l->maclen ? l->macstr : "-", (size_t)-1, 0, 0);
        sp_table_cellf(tb, l->mtu, 0, "%u", l->mtu);
        sp_table_cell(tb, addrs, used, 0, 0);
        const sp_link_rates *rt = &l->rates;
        char rx[24] = "-", tx[24] = "-", pps[24] = "-", err[40] = "-", spark[SP_RATE_HISTORY * 3 + 1] = "";
        if (rt->valid) {
            fmt_rate(rt->rx_bps, rx, sizeof rx);
            fmt_rate(rt->tx_bps, tx, sizeof tx);
            snprintf(pps, sizeof pps, "%.0f", rt->rx_pps + rt->tx_pps);
            sparkline(rt, spark, sizeof spark);
        }
        uint64_t errs = l->stats.rx_errors + l->stats.tx_errors, drops = l->stats.rx_dropped + l->stats.tx_dropped;
        if (l->has_stats)
            snprintf(err, sizeof err, "%llu/%llu", (unsigned long long)errs, (unsigned long long)drops);
        sp_table_cell(tb, rx, (size_t)-1, (int64_t)rt->rx_bps, 0);
        sp_table_cell(tb, tx, (size_t)-1, (int64_t)rt->tx_bps, 0);
        sp_table_cell(tb, pps, (size_t)-1, (int64_t)(rt->rx_pps + rt->tx_pps), SP_STYLE_DIM);
        sp_table_cell(tb, err, (size_t)-1, (int64_t)(errs + drops), errs ? SP_STYLE_BAD : SP_STYLE_DIM);
        sp_table_cell(tb, spark, (size_t)-1, 0, SP_STYLE_GOOD);
    }
    sp_table_commit(tb);
}

static int result_cmp(const void *pa, const void *pb, void *ud)
{
    const result *r = ud;
    const result *a = &r[*(const size_t *)pa], *b = &r[*(const size_t *)pb];
    return sp_addr_cmp(a->family, a->addr, b->family, b->addr);
}

static void feed_sweep(hosts_pane *h)
{
    SP_GROW(h->order, h->order_cap, h->nresults + 1);
    size_t n = 0;
    for (size_t i = 0; i < h->nresults; i++) {
        const result *r = &h->results[i];
        if (!h->filter[0] || strcasestr(r->ip, h->filter) || strcasestr(r->name, h->filter))
            h->order[n++] = i;
    }
    /* In address order, so a row's place is its address's rank. */
    qsort_r(h->order, n, sizeof *h->order, result_cmp, h->results);
    sp_table *tb = h->tables[VIEW_SWEEP];
    sp_table_begin(tb, h->nresults);
    for (size_t i = 0; i < n; i++) {
        const result *r = &h->results[h->order[i]];
        sp_table_row(tb, addr_key(r->family, r->addr));
        sp_table_cell(tb, r->ip, (size_t)-1, (int64_t)i, 0);
        sp_table_cell(tb, r->name, (size_t)-1, 0, 0);
    }
    sp_table_commit(tb);
}

static bool event_matches(const sp_hevent *e, const char *vendor, const char *f)
{
    return !f[0] || strcasestr(e->ip, f) || strcasestr(e->mac, f) || strcasestr(e->old_mac, f) ||
           strcasestr(e->ifname, f) || strcasestr(sp_hev_kind_name(e->kind), f) || strcasestr(vendor, f);
}

static int event_style(sp_hev_kind k)
{
    switch (k) {
    case SP_HEV_FLIPFLOP: return SP_STYLE_BAD;
    case SP_HEV_GONE: return SP_STYLE_DIM;
    case SP_HEV_BACK: return SP_STYLE_GOOD;
    default: return SP_STYLE_ACCENT;
    }
}

static void feed_history(hosts_pane *h)
{
    const sp_hosts_setup *hs = &h->hosts;
    sp_table *tb = h->tables[VIEW_HISTORY];
    sp_table_begin(tb, hs->nevents);
    for (size_t i = 0; i < hs->nevents; i++) {
        const sp_hevent *e = sp_hosts_event(hs, i);
        const char *v = sp_hevent_vendor(hs->oui, e->mac);
        if (!event_matches(e, v, h->filter))
            continue;
        char when[32] = "";
        time_t tt = (time_t)(e->time_ms / 1000);
        struct tm tm;
        if (localtime_r(&tt, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        char was[128] = "";
        if (e->kind == SP_HEV_FLIPFLOP)
            mac_vendor(hs->oui, e->old_mac, was, sizeof was);
        uint64_t key = sp_table_key_add(SP_TABLE_KEY_START, &e->time_ms, sizeof e->time_ms);
        key = sp_table_key_add(key, e->ip, strlen(e->ip));
        key = sp_table_key_add(key, &e->kind, sizeof e->kind);
        key = sp_table_key_add(key, &i, sizeof i);
        int style = event_style(e->kind);
        sp_table_row(tb, key);
        /* Events of one second keep their order of arrival. */
        sp_table_cell(tb, when, (size_t)-1, e->time_ms * 1024 + (int64_t)(i % 1024), SP_STYLE_DIM);
        sp_table_cell(tb, sp_hev_kind_name(e->kind), (size_t)-1, 0, style);
        sp_table_cell(tb, e->ip, (size_t)-1, 0, 0);
        sp_table_cell(tb, e->mac, (size_t)-1, 0, 0);
        sp_table_cell(tb, v, (size_t)-1, 0, SP_STYLE_DIM);
        sp_table_cell(tb, was, (size_t)-1, 0, style);
        sp_table_cell(tb, e->ifname, (size_t)-1, 0, 0);
    }
    sp_table_commit(tb);
}

/* Feeds the stale views among those asked for. */
static void feed(hosts_pane *h, unsigned views)
{
    unsigned due = h->stale & views;
    h->stale &= ~due;
    if (due & 1u << VIEW_NEIGH)
        feed_neigh(h);
    if (due & 1u << VIEW_IFACES)
        feed_ifaces(h);
    if (due & 1u << VIEW_SWEEP)
        feed_sweep(h);
    if (due & 1u << VIEW_HISTORY)
        feed_history(h);
}

/* ---- sweeps ---- */

static void progress_text(const hosts_pane *h, char *out, size_t cap)
{
    sp_sweep_progress p;
    sp_sweep_get_progress(h->sweep, &p);
    snprintf(out, cap, " %llu/%llu  names %llu  no answer %llu  %.1f s%s", (unsigned long long)p.done,
             (unsigned long long)p.total, (unsigned long long)p.named, (unsigned long long)p.unanswered, p.elapsed,
             p.cancelled ? "  cancelled" : p.finished ? "  done" : "  (Esc cancels)");
}

/* A frame when the progress text or a view changed, else none. */
static void progress_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    hosts_pane *h = ud;
    char text[sizeof h->progress];
    progress_text(h, text, sizeof text);
    if ((h->stale & 1u << h->view) || strcmp(text, h->progress) != 0)
        sp_app_dirty(h->base.app, &h->base);
}

static void progress_timer(hosts_pane *h, bool on)
{
    sp_loop *loop = sp_app_loop(h->base.app);
    if (on && !h->progress_timer)
        h->progress_timer = sp_loop_timer(loop, PROGRESS_PERIOD, PROGRESS_PERIOD, progress_tick, h);
    else if (!on && h->progress_timer) {
        sp_loop_cancel(loop, h->progress_timer);
        h->progress_timer = 0;
    }
}

static void rates_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    hosts_pane *h = ud;
    sp_netlink_poll_links(h->hosts.nl);
}

static void rates_timer(hosts_pane *h)
{
    sp_loop *loop = sp_app_loop(h->base.app);
    bool want = h->visible && h->view == VIEW_IFACES;
    if (want && !h->rates_timer) {
        sp_netlink_poll_links(h->hosts.nl);
        h->rates_timer = sp_loop_timer(loop, RATES_PERIOD, RATES_PERIOD, rates_tick, h);
    } else if (!want && h->rates_timer) {
        sp_loop_cancel(loop, h->rates_timer);
        h->rates_timer = 0;
    }
}

static bool sweep_running(const hosts_pane *h)
{
    if (!h->sweep)
        return false;
    sp_sweep_progress p;
    sp_sweep_get_progress(h->sweep, &p);
    return !p.finished && !p.cancelled;
}

static void clear_results(hosts_pane *h)
{
    for (size_t i = 0; i < h->nresults; i++)
        free(h->results[i].name);
    h->nresults = 0;
}

static void sweep_result(void *ud, int family, const unsigned char *addr, const char *name)
{
    hosts_pane *h = ud;
    unsigned views = 1u << VIEW_NEIGH;
    if (strcmp(name, SP_RDNS_NONAME) != 0 && strcmp(name, SP_RDNS_NOANSWER) != 0) {
        SP_GROW(h->results, h->capresults, h->nresults + 1);
        result *r = &h->results[h->nresults++];
        r->family = family;
        memset(r->addr, 0, sizeof r->addr);
        memcpy(r->addr, addr, family == AF_INET ? 4 : 16);
        r->name = sp_xstrdup(name);
        inet_ntop(family, addr, r->ip, sizeof r->ip);
        views |= 1u << VIEW_SWEEP;
    }
    sp_neigh_set_name(&h->hosts.table, family, addr, name);
    changed(h, views);
}

static void sweep_probe_error(void *ud, const char *msg)
{
    hosts_pane *h = ud;
    sp_app_error(h->base.app, "%s", msg);
}

static void sweep_done(void *ud)
{
    hosts_pane *h = ud;
    sp_sweep_progress p;
    sp_sweep_get_progress(h->sweep, &p);
    char c[64];
    sp_cidr_format(&sp_sweep_config_of(h->sweep)->cidr, c, sizeof c);
    sp_app_status(h->base.app, "sweep of %s done: %llu names for %llu addresses in %.0f ms", c,
                  (unsigned long long)p.named, (unsigned long long)p.total, p.elapsed * 1000);
    progress_timer(h, false);
    sp_app_dirty(h->base.app, &h->base);
}

static void start_sweep(hosts_pane *h, const sp_cidr *c, bool probe)
{
    sp_app *app = h->base.app;
    const sp_opts *o = sp_app_opts(app);
    sp_sweep_config cfg = { .cidr = *c, .concurrency = o->sweep_concurrency, .resolve = h->hosts.rdns != NULL,
                            .probe = probe, .probe_rate = o->probe_rate };
    static const sp_sweep_cbs cbs = { sweep_result, sweep_probe_error, sweep_done };
    sp_sweep_free(h->sweep);
    h->sweep = NULL;
    clear_results(h);
    h->stale |= 1u << VIEW_SWEEP;
    feed(h, 1u << VIEW_SWEEP);
    char err[300];
    h->sweep = sp_sweep_start(sp_app_loop(app), h->hosts.rdns, &cfg, &cbs, h, err, sizeof err);
    if (!h->sweep) {
        sp_app_error(app, "sweep: %s", err);
        return;
    }
    h->view = VIEW_SWEEP;
    rates_timer(h);
    if (sweep_running(h) && h->visible)
        progress_timer(h, true);
    char s[64];
    sp_cidr_format(c, s, sizeof s);
    if (sweep_running(h))
        sp_app_status(app, "sweeping %s%s: Esc cancels", s, probe ? " with probes" : "");
    sp_app_dirty(app, &h->base);
}

static void confirm_yes(void *ud)
{
    hosts_pane *h = ud;
    start_sweep(h, &h->pending, h->pending_probe);
}

static void sweep_submit(void *ud, const char *text)
{
    hosts_pane *h = ud;
    sp_cidr c;
    char err[256];
    while (*text == ' ')
        text++;
    if (sp_cidr_parse(text, &c, err, sizeof err) < 0) {
        sp_app_error(h->base.app, "sweep: %s", err);
        return;
    }
    char s[64];
    sp_cidr_format(&c, s, sizeof s);
    switch (sp_cidr_classify(&c)) {
    case SP_CIDR_REFUSE:
        sp_app_error(h->base.app, "sweep: %s is larger than a /16; sweep at most 65536 addresses", s);
        return;
    case SP_CIDR_CONFIRM: {
        char q[160];
        h->pending = c;
        h->pending_probe = h->next_probe;
        snprintf(q, sizeof q, "Sweep %s: %llu addresses%s?", s, (unsigned long long)sp_cidr_count(&c),
                 h->next_probe ? " with probes" : "");
        sp_app_confirm(h->base.app, q, confirm_yes, h);
        return;
    }
    default:
        start_sweep(h, &c, h->next_probe);
    }
}

/* The interface of the selected row, looked up in the live model by the
 * row's key: 0 when none is selected or its row is gone. */
static int selected_ifindex(const hosts_pane *h)
{
    uint64_t key;
    if (!sp_table_selected(h->tables[h->view], &key))
        return 0;
    if (h->view == VIEW_IFACES)
        return sp_neigh_link(&h->hosts.table, (int)key) ? (int)key : 0;
    if (h->view == VIEW_NEIGH) {
        const sp_neigh *n = find_neigh(&h->hosts.table, key);
        return n ? n->ifindex : 0;
    }
    return 0;
}

/* The IPv4 subnet of the selected interface, or of the first one with an
 * IPv4 address; never loopback (a /8 is refused anyway). */
static void default_subnet(const hosts_pane *h, char *out, size_t cap)
{
    const sp_neigh_table *t = &h->hosts.table;
    int want = selected_ifindex(h);
    out[0] = '\0';
    for (int pass = 0; pass < 2 && !out[0]; pass++)
        for (size_t i = 0; i < t->nlinks && !out[0]; i++) {
            const sp_link *l = &t->links[i];
            if ((l->flags & IFF_LOOPBACK) || (pass == 0 && l->ifindex != want))
                continue;
            for (size_t k = 0; k < l->naddrs; k++)
                if (l->addrs[k].family == AF_INET) {
                    sp_cidr c;
                    sp_cidr_of(AF_INET, l->addrs[k].addr, l->addrs[k].prefixlen, &c);
                    sp_cidr_format(&c, out, cap);
                    break;
                }
        }
}

static void open_sweep_prompt(hosts_pane *h, bool probe)
{
    if (!h->hosts.rdns && !probe) {
        sp_app_error(h->base.app, "sweep: reverse DNS could not start, so there is nothing to look up");
        return;
    }
    static const sp_prompt_cbs cbs = { NULL, sweep_submit, NULL };
    char initial[64];
    default_subnet(h, initial, sizeof initial);
    h->next_probe = probe;
    sp_app_prompt(h->base.app, probe ? "Sweep with UDP probes (CIDR):" : "Sweep (CIDR):", initial, &cbs, h);
}

/* ---- pane ops ---- */

/* The column of a --sort-hosts order. */
static int sort_column(const char *name)
{
    static const struct { const char *name; int col; } orders[] = {
        { "name", C_NAME }, { "vendor", C_VENDOR }, { "mac", C_MAC }, { "state", C_STATE }, { "iface", C_IF },
    };
    for (size_t i = 0; name && i < sizeof orders / sizeof orders[0]; i++)
        if (strcmp(name, orders[i].name) == 0)
            return orders[i].col;
    return C_IP;
}

static sp_pane *create(sp_app *app)
{
    hosts_pane *h = sp_xcalloc(1, sizeof *h);
    h->base.app = app;
    const sp_opts *o = sp_app_opts(app);
    int col = sort_column(o ? o->sort_hosts : NULL);
    h->tables[VIEW_NEIGH] = sp_table_new(neigh_cols, C_N, col, neigh_cols[col].desc);
    h->tables[VIEW_IFACES] = sp_table_new(iface_cols, I_N, -1, false);
    h->tables[VIEW_SWEEP] = sp_table_new(sweep_cols, R_N, col == C_NAME ? R_NAME : R_IP, false);
    h->tables[VIEW_HISTORY] = sp_table_new(hist_cols, E_N, E_TIME, true);
    h->stale = ALL_VIEWS;
    unsigned src = o && (o->name_sources & SP_RESOLVE_GIVEN) ? o->name_sources
                                                              : SP_SRC_BIT(SP_SRC_PTR) | SP_HOSTS_SOURCES_DEFAULT;
    sp_hosts_settings set = { .dns = src & SP_SRC_BIT(SP_SRC_PTR) ? sp_app_dns(app) : NULL,
                              .sources = src & SP_HOSTS_SOURCES_DEFAULT, .changed = on_table_changed, .ud = h,
                              .history = true, .state_dir = o ? o->state_dir : NULL, .event = on_host_event };
    char err[64];
    sp_hosts_set_up(&h->hosts, sp_app_loop(app), &set, err, sizeof err);
    return &h->base;
}

static void destroy(sp_pane *p)
{
    hosts_pane *h = H(p);
    progress_timer(h, false);
    h->visible = false;
    rates_timer(h);
    sp_sweep_free(h->sweep);
    sp_hosts_tear_down(&h->hosts);
    clear_results(h);
    free(h->results);
    for (int v = 0; v < VIEW_COUNT; v++)
        sp_table_free(h->tables[v]);
    free(h->rows);
    free(h->gone);
    free(h->order);
    free(h->rank[0]);
    free(h->rank[1]);
    free(h);
}

static void draw_progress(hosts_pane *h, WINDOW *win, int y, int width)
{
    sp_sweep_progress p;
    sp_sweep_get_progress(h->sweep, &p);
    char c[64];
    sp_cidr_format(&sp_sweep_config_of(h->sweep)->cidr, c, sizeof c);
    progress_text(h, h->progress, sizeof h->progress);
    const char *tail = h->progress;
    int x = ui_textf(win, y, 0, width, A_BOLD, "Sweep %s ", c);
    int bar = width - x - (int)strlen(tail) - 2;
    if (bar > 40)
        bar = 40;
    if (bar >= 5) {
        int fill = p.total ? (int)((double)bar * (double)p.done / (double)p.total) : bar;
        x += ui_text(win, y, x, 1, "[", 1, A_NORMAL, false);
        for (int i = 0; i < fill; i++)
            ui_text(win, y, x + i, 1, "#", 1, ui_attr(SP_STYLE_GOOD), false);
        for (int i = fill; i < bar; i++)
            ui_text(win, y, x + i, 1, ".", 1, ui_attr(SP_STYLE_DIM), false);
        x += bar;
        x += ui_text(win, y, x, 1, "]", 1, A_NORMAL, false);
    }
    ui_text(win, y, x, width - x, tail, (size_t)-1, p.cancelled ? ui_attr(SP_STYLE_WARN) : A_NORMAL, false);
}

/* The line above the table: what the view holds and what `a` hides. */
static void draw_info(const hosts_pane *h, WINDOW *win, int y, int width)
{
    const sp_table *tb = h->tables[h->view];
    size_t n = sp_table_count(tb);
    attr_t dim = ui_attr(SP_STYLE_DIM);
    switch (h->view) {
    case VIEW_IFACES:
        ui_textf(win, y, 0, width, dim, "%zu interfaces (i: next view, S: sweep the selected one)", n);
        break;
    case VIEW_SWEEP:
        ui_textf(win, y, 0, width, dim, "%zu names found (i: next view)", n);
        break;
    case VIEW_HISTORY:
        ui_textf(win, y, 0, width, dim, "%zu host events, newest first (h: back to the neighbours)%s%s", n,
                 h->hosts.history_note[0] ? "; " : "", h->hosts.history_note);
        break;
    default: {
        char hid[96] = "";
        if (h->hidden)
            snprintf(hid, sizeof hid, ", %zu FAILED/INCOMPLETE/NOARP hidden (a shows)", h->hidden);
        if (h->hidden_gone)
            snprintf(hid + strlen(hid), sizeof hid - strlen(hid), ", %zu gone%s", h->hidden_gone,
                     h->hidden ? "" : " (a shows)");
        ui_textf(win, y, 0, width, dim, "%zu rows%s", n, hid);
    }
    }
}

static void draw(sp_pane *p, WINDOW *win)
{
    hosts_pane *h = H(p);
    feed(h, 1u << h->view);
    werase(win);
    int height, width;
    getmaxyx(win, height, width);
    int top = 0;
    if (h->sweep)
        draw_progress(h, win, top++, width);
    /* The last line: why data is limited, when it is. */
    const char *note = sp_netlink_note(h->hosts.nl);
    char buf[400];
    if (!h->hosts.oui)
        snprintf(buf, sizeof buf, "no OUI registry file found: vendors blank (install ieee-data or set SOCKPIT_OUI)%s%s",
                 note[0] ? "; " : "", note);
    else
        snprintf(buf, sizeof buf, "%s", note);
    if (buf[0]) {
        height--;
        ui_text(win, height, 0, width, buf, (size_t)-1, ui_attr(SP_STYLE_WARN), false);
    }
    draw_info(h, win, top++, width);
    const char *empty = h->filter[0] ? "no row matches the filter"
                        : h->view == VIEW_NEIGH ? "no neighbours yet: traffic to a LAN host adds one"
                        : h->view == VIEW_SWEEP ? "no names yet"
                        : h->view == VIEW_HISTORY ? "no host events yet"
                                                : "no interfaces";
    sp_table_draw(h->tables[h->view], win, top, height - top, true, empty);
}

/* From the row's cells: what the table shows is by value, so the row can
 * be described even after netlink deleted it or while frozen. */
static void show_details(hosts_pane *h)
{
    const sp_table *tb = h->tables[VIEW_NEIGH];
    if (!sp_table_count(tb))
        return;
    size_t row = sp_table_sel(tb);
    static const char *const labels[C_N] = { "IP", "MAC", "Vendor", "Interface", "State", "Name", "First seen",
                                             "Last change" };
    char l[C_N + 1 + SP_NEIGH_NAMES][300];
    const char *lines[C_N + 1 + SP_NEIGH_NAMES];
    for (int c = 0; c < C_N; c++) {
        size_t len;
        const char *s = sp_table_text(tb, row, (size_t)c, &len);
        if (!len) {
            s = c == C_NAME ? "(looking up)" : "-";
            len = strlen(s);
        }
        snprintf(l[c], sizeof l[c], "%-11s %.*s", labels[c], (int)len, s);
        lines[c] = l[c];
    }
    size_t nl = C_N;
    /* Every name from every source, while the row is still there. */
    uint64_t key;
    const sp_neigh *n = sp_table_selected(tb, &key) ? find_neigh(&h->hosts.table, key) : NULL;
    if (n && (n->nnames || !blank_name(n->name))) {
        snprintf(l[nl], sizeof l[nl], "Names:");
        lines[nl] = l[nl];
        nl++;
        if (!blank_name(n->name)) {
            snprintf(l[nl], sizeof l[nl], "  %s  ptr", n->name);
            lines[nl] = l[nl];
            nl++;
        }
        for (size_t k = 0; k < n->nnames && nl < C_N + 1 + SP_NEIGH_NAMES; k++) {
            const sp_hostname *hn = &n->names[k];
            snprintf(l[nl], sizeof l[nl], "  %s  %s%s%s", hn->name, sp_name_source_label(hn->source),
                     hn->group ? ", workgroup " : "", hn->group ? hn->group : "");
            lines[nl] = l[nl];
            nl++;
        }
    }
    size_t len;
    const char *ip = sp_table_text(tb, row, C_IP, &len);
    char title[SP_IPSTR_MAX];
    snprintf(title, sizeof title, "%.*s", (int)len, ip);
    sp_app_box(h->base.app, title, lines, nl);
}

static sp_redraw act_details(void *ud, const sp_key *k)
{
    (void)k;
    show_details(ud);
    return SP_REDRAW_BODY;
}

static void wake_yes(void *ud)
{
    hosts_pane *h = ud;
    sp_wol_result r;
    char err[300], line[500];
    if (!sp_wol_send(h->wake_mac, h->wake_if, SP_WOL_PORT, &r, 1, err, sizeof err)) {
        sp_app_error(h->base.app, "wake: %s", err);
        return;
    }
    sp_wol_describe(&r, line, sizeof line);
    if (r.udp_sent || r.frame_sent)
        sp_app_status(h->base.app, "magic packet sent: %s", line);
    else
        sp_app_error(h->base.app, "wake: %s", line);
}

/* w: Wake-on-LAN for the selected row (a remembered gone one too), from
 * its cells, after a y/n. */
static sp_redraw act_wake(void *ud, const sp_key *k)
{
    (void)k;
    hosts_pane *h = ud;
    const sp_table *tb = h->tables[VIEW_NEIGH];
    if (!sp_table_count(tb))
        return SP_REDRAW_NONE;
    size_t row = sp_table_sel(tb), len, iflen;
    const char *mac = sp_table_text(tb, row, C_MAC, &len);
    const char *ifn = sp_table_text(tb, row, C_IF, &iflen);
    char m[32];
    snprintf(m, sizeof m, "%.*s", (int)len, mac);
    if (len != 17 || sp_mac_parse(m, h->wake_mac) < 0 || iflen == 0 || iflen >= sizeof h->wake_if) {
        sp_app_error(h->base.app, "wake: the selected row has no ethernet MAC");
        return SP_REDRAW_STATUS;
    }
    memcpy(h->wake_if, ifn, iflen);
    h->wake_if[iflen] = '\0';
    char q[160];
    snprintf(q, sizeof q, "Wake %s on %s (magic packet to port 9)?", m, h->wake_if);
    sp_app_confirm(h->base.app, q, wake_yes, h);
    return SP_REDRAW_STATUS;
}

/* p: a probe of the selected neighbour, in the Probes pane. */
static sp_redraw act_probe(void *ud, const sp_key *k)
{
    (void)k;
    hosts_pane *h = ud;
    const sp_table *tb = h->tables[VIEW_NEIGH];
    if (!sp_table_count(tb))
        return SP_REDRAW_NONE;
    size_t len;
    const char *ip = sp_table_text(tb, sp_table_sel(tb), C_IP, &len);
    char target[SP_IPSTR_MAX];
    snprintf(target, sizeof target, "%.*s", (int)len, ip);
    sp_app_probe(h->base.app, target, NULL);
    return SP_REDRAW_ALL;
}

static sp_redraw act_all(void *ud, const sp_key *k)
{
    (void)k;
    hosts_pane *h = ud;
    h->show_all = !h->show_all;
    h->stale |= 1u << VIEW_NEIGH;
    feed(h, 1u << VIEW_NEIGH);
    sp_app_status(h->base.app,
                  h->show_all ? "showing FAILED, INCOMPLETE, NOARP and gone too"
                              : "hiding FAILED, INCOMPLETE, NOARP and gone");
    return SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

static sp_redraw act_view(void *ud, const sp_key *k)
{
    (void)k;
    hosts_pane *h = ud;
    h->view = (view)((h->view + 1) % VIEW_COUNT);
    if (h->view == VIEW_HISTORY)
        h->view = VIEW_SWEEP; /* h has its own key */
    if (h->view == VIEW_SWEEP && !h->sweep)
        h->view = VIEW_NEIGH;
    rates_timer(h);
    feed(h, 1u << h->view);
    return SP_REDRAW_BODY | SP_REDRAW_HINTS;
}

static sp_redraw act_history(void *ud, const sp_key *k)
{
    (void)k;
    hosts_pane *h = ud;
    h->view = h->view == VIEW_HISTORY ? VIEW_NEIGH : VIEW_HISTORY;
    rates_timer(h);
    feed(h, 1u << h->view);
    return SP_REDRAW_BODY | SP_REDRAW_HINTS;
}

/* s cycles through the orders it always had (any column sorts with < >
 * or a header click); it shows the neighbours. */
static sp_redraw act_sort(void *ud, const sp_key *k)
{
    (void)k;
    hosts_pane *h = ud;
    static const int order[SP_SORT_COUNT] = { C_IP, C_MAC, C_VENDOR, C_NAME, C_LAST };
    sp_table *tb = h->tables[VIEW_NEIGH];
    size_t next = 0;
    for (size_t i = 0; i < SP_SORT_COUNT; i++)
        if (sp_table_sort_col(tb) == order[i])
            next = (i + 1) % SP_SORT_COUNT;
    sp_table_sort(tb, order[next], neigh_cols[order[next]].desc);
    h->view = VIEW_NEIGH;
    rates_timer(h);
    feed(h, 1u << VIEW_NEIGH);
    sp_app_status(h->base.app, "sorted by %s", sp_neigh_sort_name((sp_neigh_sort)next));
    return SP_REDRAW_BODY | SP_REDRAW_HINTS | SP_REDRAW_STATUS;
}

static sp_redraw act_sweep(void *ud, const sp_key *k)
{
    open_sweep_prompt(ud, k->code == 'P');
    return SP_REDRAW_STATUS | SP_REDRAW_HINTS;
}

/* Esc clears a filter first (the shell's), then cancels a running sweep. */
static sp_redraw act_cancel(void *ud, const sp_key *k)
{
    (void)k;
    hosts_pane *h = ud;
    if (h->filter[0] || !sweep_running(h))
        return SP_REDRAW_PASS;
    sp_sweep_cancel(h->sweep);
    progress_timer(h, false);
    sp_app_status(h->base.app, "sweep cancelled");
    return SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

static void set_filter(sp_pane *p, const char *text)
{
    hosts_pane *h = H(p);
    snprintf(h->filter, sizeof h->filter, "%s", text);
    h->stale = ALL_VIEWS;
    feed(h, 1u << h->view);
    sp_table_select_row(h->tables[h->view], 0);
}

/* Every view shows what it held at the freeze, the hidden ones too. */
static void freeze(sp_pane *p, bool frozen)
{
    hosts_pane *h = H(p);
    if (frozen)
        feed(h, ALL_VIEWS);
    for (int v = 0; v < VIEW_COUNT; v++)
        sp_table_freeze(h->tables[v], frozen);
}

static void visible(sp_pane *p, bool shown)
{
    hosts_pane *h = H(p);
    h->visible = shown;
    progress_timer(h, shown && sweep_running(h));
    rates_timer(h);
}

static unsigned mode(sp_pane *p) { return SP_WHEN_BROWSING | SP_WHEN_PANE << H(p)->view; }

static sp_table *focused_table(sp_pane *p) { return H(p)->tables[H(p)->view]; }

static const sp_binding keymap[] = {
    { { '\r', '\n', SP_FN(KEY_ENTER) }, "Enter", "details of the selected neighbour", "Details", NULL, 6,
      MODE_NEIGH, act_details },
    { { 'p' }, "p", "probe the selected host's common TCP ports (Probes pane)", "Scan", NULL, 7, MODE_NEIGH,
      act_probe },
    { { 'a' }, "a", "show or hide FAILED, INCOMPLETE, NOARP and remembered gone neighbours", "All", NULL, 4,
      SP_WHEN_BROWSING,
      act_all },
    { { 'i' }, "i", "next view: neighbours, interfaces, sweep results", "View", NULL, 1, SP_WHEN_BROWSING,
      act_view },
    { { 'w' }, "w", "wake the selected neighbour (Wake-on-LAN magic packet; asks first)", "Wake", NULL, 8,
      MODE_NEIGH, act_wake },
    { { 'h' }, "h", "the host history (new, flip-flop, gone, back), newest first; h again: neighbours", "History",
      NULL, 7, SP_WHEN_BROWSING, act_history },
    { { 's' }, "s", "sort by IP, MAC, vendor, name, last change", "Sort", NULL, 3, SP_WHEN_BROWSING, act_sort },
    { { 'S' }, "S", "sweep a subnet with reverse-DNS lookups (the selected interface's)", "Sweep", NULL, 2,
      SP_WHEN_BROWSING, act_sweep },
    { { 'P' }, "P", "sweep with one UDP probe per address (fills the neighbour table)", "Probe", NULL, 5,
      SP_WHEN_BROWSING, act_sweep },
    { { SP_KEY_ESC }, "Esc", "cancel the running sweep (after clearing a filter)", NULL, NULL, 0,
      SP_WHEN_BROWSING, act_cancel },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

const sp_pane_ops sp_hosts_pane = {
    .name = "hosts",
    .title = "Hosts",
    .create = create,
    .destroy = destroy,
    .draw = draw,
    .filter = set_filter,
    .freeze = freeze,
    .visible = visible,
    .keymap = keymap,
    .mode = mode,
    .table = focused_table,
};
