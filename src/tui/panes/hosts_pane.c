/* The Hosts pane: the live neighbour table (with this host's own
 * addresses), the interfaces, and reverse-DNS sweeps with a progress bar.
 * hosts_setup.c builds the model (neigh.c, filled by netlink.c, vendors from
 * oui.c, names from rdns.c); sweeps come from sweep.c. Nothing here polls:
 * the table changes when netlink says so, names when answers arrive. */
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/hosts/hosts_setup.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_view.h"
#include "sockpit/hosts/netlink.h"
#include "sockpit/hosts/oui.h"
#include "sockpit/hosts/rdns.h"
#include "sockpit/hosts/sweep.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"

#define KEY_ESC 27
#define PROGRESS_PERIOD 0.5

typedef enum view { VIEW_NEIGH, VIEW_IFACES, VIEW_SWEEP, VIEW_COUNT } view;

typedef struct result {
    char ip[SP_IPSTR_MAX];
    char *name;
} result;

typedef struct hosts_pane {
    sp_pane base;
    sp_app *app;
    sp_hosts_setup hosts;      /* the live table, its netlink source, vendors and reverse DNS */
    sp_neigh_table snap;
    bool have_snap;

    sp_sweep *sweep;
    bool next_probe;           /* the prompt open is for a sweep with probes */
    sp_cidr pending;           /* waiting for confirmation */
    bool pending_probe;
    result *results;
    size_t nresults, capresults, snap_nresults;
    uint64_t progress_timer;
    bool visible;

    view view;
    bool show_all;
    sp_neigh_sort sort;
    char filter[256];
    sp_listview lv[VIEW_COUNT];
    int first_row_y;           /* where the current view's rows start, for clicks */
    const sp_neigh **rows;
    size_t rows_cap, nrows;
} hosts_pane;

static const sp_neigh_table *shown_table(const hosts_pane *h) { return h->have_snap ? &h->snap : &h->hosts.table; }

/* ---- names ---- */

static void on_name(void *ud, int family, const unsigned char *addr, const char *name)
{
    hosts_pane *h = ud;
    if (sp_neigh_set_name(&h->hosts.table, family, addr, name))
        sp_app_dirty(h->app, &h->base);
}

static void resolve_new_rows(hosts_pane *h)
{
    for (size_t i = 0; i < h->hosts.table.count; i++) {
        sp_neigh *n = h->hosts.table.items[i];
        if (!n->name_wanted)
            continue;
        n->name_wanted = false;
        const char *name = sp_rdns_lookup(h->hosts.rdns, n->family, n->addr, on_name, h);
        if (name)
            sp_neigh_set_name(&h->hosts.table, n->family, n->addr, name);
    }
}

static void on_table_changed(void *ud)
{
    hosts_pane *h = ud;
    if (h->hosts.rdns)
        resolve_new_rows(h);
    sp_app_dirty(h->app, &h->base);
}

/* ---- sweeps ---- */

static void progress_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    hosts_pane *h = ud;
    sp_app_dirty(h->app, &h->base);
}

static void progress_timer(hosts_pane *h, bool on)
{
    if (on && !h->progress_timer)
        h->progress_timer = sp_loop_timer(sp_app_loop(h->app), PROGRESS_PERIOD, PROGRESS_PERIOD, progress_tick, h);
    else if (!on && h->progress_timer) {
        sp_loop_cancel(sp_app_loop(h->app), h->progress_timer);
        h->progress_timer = 0;
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
    h->nresults = h->snap_nresults = 0;
}

static void sweep_result(void *ud, int family, const unsigned char *addr, const char *name)
{
    hosts_pane *h = ud;
    if (strcmp(name, SP_RDNS_NONAME) != 0 && strcmp(name, SP_RDNS_NOANSWER) != 0) {
        if (h->nresults == h->capresults) {
            size_t cap = h->capresults ? h->capresults * 2 : 256;
            result *r = realloc(h->results, cap * sizeof *r);
            if (!r)
                return;
            h->results = r;
            h->capresults = cap;
        }
        result *r = &h->results[h->nresults];
        r->name = strdup(name);
        if (!r->name)
            return;
        inet_ntop(family, addr, r->ip, sizeof r->ip);
        h->nresults++;
        if (!h->base.frozen)
            h->snap_nresults = h->nresults;
    }
    sp_neigh_set_name(&h->hosts.table, family, addr, name);
    sp_app_dirty(h->app, &h->base);
}

static void sweep_probe_error(void *ud, const char *msg)
{
    hosts_pane *h = ud;
    sp_app_error(h->app, "%s", msg);
}

static void sweep_done(void *ud)
{
    hosts_pane *h = ud;
    sp_sweep_progress p;
    sp_sweep_get_progress(h->sweep, &p);
    char c[64];
    sp_cidr_format(&sp_sweep_config_of(h->sweep)->cidr, c, sizeof c);
    sp_app_status(h->app, "sweep of %s done: %llu names for %llu addresses in %.0f ms", c,
                  (unsigned long long)p.named, (unsigned long long)p.total, p.elapsed * 1000);
    progress_timer(h, false);
    sp_app_dirty(h->app, &h->base);
}

static void start_sweep(hosts_pane *h, const sp_cidr *c, bool probe)
{
    const sp_opts *o = sp_app_opts(h->app);
    sp_sweep_config cfg = { .cidr = *c, .concurrency = o->sweep_concurrency, .resolve = h->hosts.rdns != NULL,
                            .probe = probe, .probe_rate = o->probe_rate };
    static const sp_sweep_cbs cbs = { sweep_result, sweep_probe_error, sweep_done };
    sp_sweep_free(h->sweep);
    h->sweep = NULL;
    clear_results(h);
    h->lv[VIEW_SWEEP] = (sp_listview){ 0 };
    char err[300];
    h->sweep = sp_sweep_start(sp_app_loop(h->app), h->hosts.rdns, &cfg, &cbs, h, err, sizeof err);
    if (!h->sweep) {
        sp_app_error(h->app, "sweep: %s", err);
        return;
    }
    h->view = VIEW_SWEEP;
    if (sweep_running(h) && h->visible)
        progress_timer(h, true);
    char s[64];
    sp_cidr_format(c, s, sizeof s);
    if (sweep_running(h))
        sp_app_status(h->app, "sweeping %s%s: Esc cancels", s, probe ? " with probes" : "");
    sp_app_dirty(h->app, &h->base);
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
        sp_app_error(h->app, "sweep: %s", err);
        return;
    }
    char s[64];
    sp_cidr_format(&c, s, sizeof s);
    switch (sp_cidr_classify(&c)) {
    case SP_CIDR_REFUSE:
        sp_app_error(h->app, "sweep: %s is larger than a /16; sweep at most 65536 addresses", s);
        return;
    case SP_CIDR_CONFIRM: {
        char q[160];
        h->pending = c;
        h->pending_probe = h->next_probe;
        snprintf(q, sizeof q, "Sweep %s: %llu addresses%s?", s, (unsigned long long)sp_cidr_count(&c),
                 h->next_probe ? " with probes" : "");
        sp_app_confirm(h->app, q, confirm_yes, h);
        return;
    }
    default:
        start_sweep(h, &c, h->next_probe);
    }
}

/* The IPv4 subnet of the selected interface, or of the first one with an
 * IPv4 address; never loopback (a /8 is refused anyway). */
static void default_subnet(hosts_pane *h, char *out, size_t cap)
{
    const sp_neigh_table *t = shown_table(h);
    int want = 0;
    if (h->view == VIEW_NEIGH && h->nrows && h->lv[VIEW_NEIGH].sel < h->nrows)
        want = h->rows[h->lv[VIEW_NEIGH].sel]->ifindex;
    else if (h->view == VIEW_IFACES && h->lv[VIEW_IFACES].sel < t->nlinks)
        want = t->links[h->lv[VIEW_IFACES].sel].ifindex;
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
        sp_app_error(h->app, "sweep: reverse DNS could not start, so there is nothing to look up");
        return;
    }
    static const sp_prompt_cbs cbs = { NULL, sweep_submit, NULL };
    char initial[64];
    default_subnet(h, initial, sizeof initial);
    h->next_probe = probe;
    sp_app_prompt(h->app, probe ? "Sweep with UDP probes (CIDR):" : "Sweep (CIDR):", initial, &cbs, h);
}

/* ---- pane ops ---- */

static sp_pane *create(sp_app *app)
{
    hosts_pane *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->app = app;
    h->base.app = app;
    sp_hosts_settings set = { .dns = sp_app_dns(app), .changed = on_table_changed, .ud = h };
    char err[64];
    if (sp_hosts_set_up(&h->hosts, sp_app_loop(app), &set, err, sizeof err) < 0) {
        free(h);
        return NULL;
    }
    return &h->base;
}

static void destroy(sp_pane *p)
{
    hosts_pane *h = (hosts_pane *)p;
    progress_timer(h, false);
    sp_sweep_free(h->sweep);
    sp_hosts_tear_down(&h->hosts);
    clear_results(h);
    free(h->results);
    if (h->have_snap)
        sp_neigh_table_free(&h->snap);
    free(h->rows);
    free(h);
}

static void fmt_time(double t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, cap, "%H:%M:%S", &tm);
}

enum { C_IP, C_MAC, C_VENDOR, C_IF, C_STATE, C_NAME, C_FIRST, C_LAST, C_N };

/* Columns that fit: IP, State and Name always; then MAC, Interface, Last
 * change, Vendor and First seen while there is room. Name takes the rest. */
static int neigh_columns(int width, int ipw, ui_column *cols, int *map)
{
    static const char *const titles[C_N] = { "IP", "MAC", "Vendor", "Interface", "State", "Name", "First seen",
                                             "Last change" };
    int w[C_N] = { ipw, 0, 0, 0, 11, 0, 0, 0 };
    /* Vendor and name say most about a host: they get room before the
     * interface and the times, which come back on wider terminals. */
    int used = ipw + 11 + 2 + 16;
    static const int order[] = { C_MAC, C_VENDOR, C_IF, C_LAST, C_FIRST };
    static const int want[] = { 17, 20, 9, 11, 10 };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        int need = want[i] + 1;
        if (order[i] == C_VENDOR && used + need > width && width - used >= 11)
            need = width - used; /* a narrower vendor is better than none */
        if (used + need <= width) {
            w[order[i]] = need - 1;
            used += need;
        }
    }
    w[C_NAME] = 16 + (width - used);
    int n = 0;
    for (int c = 0; c < C_N; c++) {
        map[c] = -1;
        if (w[c] > 0) {
            cols[n] = (ui_column){ titles[c], w[c], false };
            map[c] = n++;
        }
    }
    return n;
}

static void draw_progress(hosts_pane *h, WINDOW *win, int y, int width)
{
    sp_sweep_progress p;
    sp_sweep_get_progress(h->sweep, &p);
    char c[64], tail[160];
    sp_cidr_format(&sp_sweep_config_of(h->sweep)->cidr, c, sizeof c);
    snprintf(tail, sizeof tail, " %llu/%llu  names %llu  no answer %llu  %.1f s%s", (unsigned long long)p.done,
             (unsigned long long)p.total, (unsigned long long)p.named, (unsigned long long)p.unanswered, p.elapsed,
             p.cancelled ? "  cancelled" : p.finished ? "  done" : "  (Esc cancels)");
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

static attr_t state_attr(const sp_neigh *n)
{
    if (n->self)
        return ui_attr(SP_STYLE_ACCENT);
    switch (n->state) {
    case NUD_REACHABLE: case NUD_PERMANENT: return ui_attr(SP_STYLE_GOOD);
    case NUD_STALE: case NUD_DELAY: case NUD_PROBE: return ui_attr(SP_STYLE_WARN);
    case NUD_FAILED: case NUD_INCOMPLETE: return ui_attr(SP_STYLE_BAD);
    default: return ui_attr(SP_STYLE_DIM);
    }
}

static void build_rows(hosts_pane *h)
{
    const sp_neigh_table *t = shown_table(h);
    if (h->rows_cap < t->count + 1) {
        const sp_neigh **r = realloc(h->rows, (t->count + 1) * sizeof *r);
        if (!r) {
            h->nrows = 0;
            return;
        }
        h->rows = r;
        h->rows_cap = t->count + 1;
    }
    sp_neigh_view_opts o = { .show_all = h->show_all, .include_self = true, .sort = h->sort, .filter = h->filter };
    h->nrows = sp_neigh_view(t, &o, h->rows);
}

static void draw_neigh(hosts_pane *h, WINDOW *win, int top, int height, int width)
{
    const sp_neigh_table *t = shown_table(h);
    build_rows(h);
    size_t hidden = 0;
    if (!h->show_all)
        for (size_t i = 0; i < t->count; i++)
            hidden += sp_neigh_hidden_by_default(t->items[i]);
    int ipw = 15;
    for (size_t i = 0; i < h->nrows; i++) {
        int l = (int)strlen(h->rows[i]->ip);
        if (l > ipw)
            ipw = l < 39 ? l : 39;
    }
    char hid[64] = "";
    if (hidden)
        snprintf(hid, sizeof hid, ", %zu FAILED/INCOMPLETE/NOARP hidden (a shows)", hidden);
    ui_textf(win, top, 0, width, ui_attr(SP_STYLE_DIM), "%zu rows%s  sort: %s", h->nrows, hid,
             sp_neigh_sort_name(h->sort));
    ui_column cols[C_N];
    int map[C_N];
    int nc = neigh_columns(width, ipw, cols, map);
    static const int sort_col[SP_SORT_COUNT] = { C_IP, C_MAC, C_VENDOR, C_NAME, C_LAST };
    ui_table_header(win, top + 1, cols, nc, map[sort_col[h->sort]]);
    sp_listview *lv = &h->lv[VIEW_NEIGH];
    int body = height - 2;
    h->first_row_y = top + 2;
    sp_listview_update(lv, h->nrows, body > 0 ? (size_t)body : 1);
    for (int r = 0; r < body && lv->top + (size_t)r < h->nrows; r++) {
        size_t i = lv->top + (size_t)r;
        const sp_neigh *n = h->rows[i];
        int y = top + 2 + r;
        bool sel = i == lv->sel;
        attr_t base = sel ? ui_attr(SP_STYLE_SELECTED) : A_NORMAL;
        char first[16], last[16];
        fmt_time(n->first_seen, first, sizeof first);
        fmt_time(n->last_change, last, sizeof last);
        const char *cells[C_N] = { n->ip, n->macstr, n->vendor ? n->vendor : "", n->ifname,
                                   sp_neigh_state_label(n), n->name ? n->name : "", first, last };
        if (sel)
            ui_fill(win, y, 0, width, base);
        for (int c = 0; c < C_N; c++) {
            if (map[c] < 0)
                continue;
            attr_t a = base;
            if (!sel && c == C_STATE)
                a = state_attr(n);
            else if (!sel && (c == C_FIRST || c == C_LAST || c == C_VENDOR))
                a = ui_attr(SP_STYLE_DIM);
            ui_table_cell(win, y, cols, map[c], cells[c], (size_t)-1, a);
        }
    }
    if (h->nrows == 0)
        ui_text(win, top + 2, 1, width - 2,
                h->filter[0] ? "no row matches the filter" : "no neighbours yet: traffic to a LAN host adds one",
                (size_t)-1, ui_attr(SP_STYLE_DIM), false);
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

static void draw_ifaces(hosts_pane *h, WINDOW *win, int top, int height, int width)
{
    const sp_neigh_table *t = shown_table(h);
    ui_column cols[] = { { "Interface", 12, false }, { "State", 5, false }, { "MAC", 17, false },
                         { "MTU", 6, true }, { "Addresses", 0, false } };
    cols[4].width = width - ui_column_x(cols, 4);
    ui_textf(win, top, 0, width, ui_attr(SP_STYLE_DIM), "%zu interfaces (i: next view, S: sweep the selected one)",
             t->nlinks);
    ui_table_header(win, top + 1, cols, 5, -1);
    size_t idx[256], n = 0;
    for (size_t i = 0; i < t->nlinks && n < 256; i++)
        if (link_matches(&t->links[i], h->filter))
            idx[n++] = i;
    sp_listview *lv = &h->lv[VIEW_IFACES];
    int body = height - 2;
    h->first_row_y = top + 2;
    sp_listview_update(lv, n, body > 0 ? (size_t)body : 1);
    for (int r = 0; r < body && lv->top + (size_t)r < n; r++) {
        size_t i = lv->top + (size_t)r;
        const sp_link *l = &t->links[idx[i]];
        int y = top + 2 + r;
        bool sel = i == lv->sel;
        attr_t a = sel ? ui_attr(SP_STYLE_SELECTED) : A_NORMAL;
        bool up = l->flags & IFF_UP;
        char mtu[16], addrs[1024];
        snprintf(mtu, sizeof mtu, "%u", l->mtu);
        size_t used = 0;
        addrs[0] = '\0';
        for (size_t k = 0; k < l->naddrs && used < sizeof addrs - 64; k++) {
            char ip[SP_IPSTR_MAX];
            inet_ntop(l->addrs[k].family, l->addrs[k].addr, ip, sizeof ip);
            used += (size_t)snprintf(addrs + used, sizeof addrs - used, "%s%s/%u", k ? " " : "", ip,
                                     l->addrs[k].prefixlen);
        }
        if (sel)
            ui_fill(win, y, 0, width, a);
        ui_table_cell(win, y, cols, 0, l->name, (size_t)-1, a);
        ui_table_cell(win, y, cols, 1, up ? "up" : "down", (size_t)-1,
                      sel ? a : ui_attr(up ? SP_STYLE_GOOD : SP_STYLE_BAD));
        ui_table_cell(win, y, cols, 2, l->maclen ? l->macstr : "-", (size_t)-1, a);
        ui_table_cell(win, y, cols, 3, mtu, (size_t)-1, a);
        ui_table_cell(win, y, cols, 4, addrs, (size_t)-1, a);
    }
}

static void draw_sweep(hosts_pane *h, WINDOW *win, int top, int height, int width)
{
    size_t total = h->base.frozen ? h->snap_nresults : h->nresults;
    size_t idx_cap = total ? total : 1;
    size_t *idx = malloc(idx_cap * sizeof *idx);
    if (!idx)
        return;
    size_t n = 0;
    for (size_t i = 0; i < total; i++)
        if (!h->filter[0] || strcasestr(h->results[i].ip, h->filter) || strcasestr(h->results[i].name, h->filter))
            idx[n++] = i;
    ui_column cols[] = { { "IP", 39, false }, { "Name", 0, false } };
    if (width < 70)
        cols[0].width = 15;
    cols[1].width = width - cols[0].width - 1;
    ui_textf(win, top, 0, width, ui_attr(SP_STYLE_DIM), "%zu names found (i: next view)", n);
    ui_table_header(win, top + 1, cols, 2, -1);
    sp_listview *lv = &h->lv[VIEW_SWEEP];
    int body = height - 2;
    h->first_row_y = top + 2;
    sp_listview_update(lv, n, body > 0 ? (size_t)body : 1);
    for (int r = 0; r < body && lv->top + (size_t)r < n; r++) {
        size_t i = lv->top + (size_t)r;
        int y = top + 2 + r;
        attr_t a = i == lv->sel ? ui_attr(SP_STYLE_SELECTED) : A_NORMAL;
        ui_table_cell(win, y, cols, 0, h->results[idx[i]].ip, (size_t)-1, a);
        ui_table_cell(win, y, cols, 1, h->results[idx[i]].name, (size_t)-1, a);
    }
    free(idx);
}

static void draw(sp_pane *p, WINDOW *win)
{
    hosts_pane *h = (hosts_pane *)p;
    werase(win);
    int height, width;
    getmaxyx(win, height, width);
    int top = 0;
    if (h->sweep) {
        draw_progress(h, win, 0, width);
        top = 1;
    }
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
    switch (h->view) {
    case VIEW_IFACES: draw_ifaces(h, win, top, height - top, width); break;
    case VIEW_SWEEP: draw_sweep(h, win, top, height - top, width); break;
    default: draw_neigh(h, win, top, height - top, width); break;
    }
}

static void show_details(hosts_pane *h)
{
    if (h->view != VIEW_NEIGH || h->lv[VIEW_NEIGH].sel >= h->nrows)
        return;
    const sp_neigh *n = h->rows[h->lv[VIEW_NEIGH].sel];
    char l[8][300], first[16], last[16];
    fmt_time(n->first_seen, first, sizeof first);
    fmt_time(n->last_change, last, sizeof last);
    snprintf(l[0], sizeof l[0], "IP          %s", n->ip);
    snprintf(l[1], sizeof l[1], "MAC         %s", n->maclen ? n->macstr : "-");
    snprintf(l[2], sizeof l[2], "Vendor      %s", n->vendor && *n->vendor ? n->vendor : "-");
    snprintf(l[3], sizeof l[3], "Interface   %s", n->ifname);
    snprintf(l[4], sizeof l[4], "State       %s", sp_neigh_state_label(n));
    snprintf(l[5], sizeof l[5], "Name        %s", n->name ? n->name : "(looking up)");
    snprintf(l[6], sizeof l[6], "First seen  %s", first);
    snprintf(l[7], sizeof l[7], "Last change %s", last);
    const char *lines[8];
    for (int i = 0; i < 8; i++)
        lines[i] = l[i];
    sp_app_box(h->app, n->ip, lines, 8);
}

static bool key(sp_pane *p, const sp_key *k)
{
    hosts_pane *h = (hosts_pane *)p;
    sp_nav nav;
    if (sp_key_nav(k, &nav)) {
        sp_listview_nav(&h->lv[h->view], nav);
        return true;
    }
    if (k->fn && k->code == KEY_MOUSE) {
        sp_listview *lv = &h->lv[h->view];
        if (k->mouse_y < h->first_row_y)
            return false;
        size_t row = lv->top + (size_t)(k->mouse_y - h->first_row_y);
        if (row >= lv->count)
            return false;
        sp_listview_select(lv, row);
        return true;
    }
    if (k->fn) {
        if (k->code == KEY_ENTER) {
            show_details(h);
            return true;
        }
        return false;
    }
    switch (k->code) {
    case 'a':
        h->show_all = !h->show_all;
        sp_app_status(h->app, h->show_all ? "showing FAILED, INCOMPLETE and NOARP too" : "hiding FAILED, INCOMPLETE and NOARP");
        return true;
    case 'i':
        h->view = (view)((h->view + 1) % VIEW_COUNT);
        if (h->view == VIEW_SWEEP && !h->sweep)
            h->view = VIEW_NEIGH;
        return true;
    case 's':
        h->sort = (sp_neigh_sort)((h->sort + 1) % SP_SORT_COUNT);
        h->view = VIEW_NEIGH;
        sp_app_status(h->app, "sorted by %s", sp_neigh_sort_name(h->sort));
        return true;
    case 'S':
        open_sweep_prompt(h, false);
        return true;
    case 'P':
        open_sweep_prompt(h, true);
        return true;
    case '\r':
    case '\n':
        show_details(h);
        return true;
    case KEY_ESC:
        if (sweep_running(h)) {
            sp_sweep_cancel(h->sweep);
            progress_timer(h, false);
            sp_app_status(h->app, "sweep cancelled");
            return true;
        }
        return false;
    default:
        return false;
    }
}

static void set_filter(sp_pane *p, const char *text)
{
    hosts_pane *h = (hosts_pane *)p;
    snprintf(h->filter, sizeof h->filter, "%s", text);
    sp_listview_select(&h->lv[h->view], 0);
}

static void freeze(sp_pane *p, bool frozen)
{
    hosts_pane *h = (hosts_pane *)p;
    if (h->have_snap) {
        sp_neigh_table_free(&h->snap);
        h->have_snap = false;
    }
    if (frozen)
        h->have_snap = sp_neigh_table_clone(&h->snap, &h->hosts.table) == 0;
    h->snap_nresults = h->nresults;
}

static void visible(sp_pane *p, bool shown)
{
    hosts_pane *h = (hosts_pane *)p;
    h->visible = shown;
    progress_timer(h, shown && sweep_running(h));
}

static const sp_keyhelp keys[] = {
    { "a", "show or hide FAILED, INCOMPLETE and NOARP neighbours", "All", SP_KEYS_ALWAYS },
    { "i", "next view: neighbours, interfaces, sweep results", "View", SP_KEYS_ALWAYS },
    { "s", "sort by IP, MAC, vendor, name, last change", "Sort", SP_KEYS_ALWAYS },
    { "S", "sweep a subnet with reverse-DNS lookups", "Sweep", SP_KEYS_ALWAYS },
    { "P", "sweep with one UDP probe per address (fills the neighbour table)", "Probe", SP_KEYS_ALWAYS },
    { "Esc", "cancel the running sweep", NULL, SP_KEYS_ALWAYS },
    { "Enter", "details of the selected neighbour", NULL, SP_KEYS_ALWAYS },
    { NULL, NULL, NULL, SP_KEYS_ALWAYS },
};

const sp_pane_ops sp_hosts_pane = {
    .name = "hosts",
    .title = "Hosts",
    .create = create,
    .destroy = destroy,
    .draw = draw,
    .key = key,
    .filter = set_filter,
    .freeze = freeze,
    .visible = visible,
    .keys = keys,
};
