/* The DNS watch pane: the table of watched names (addresses, TTL, RTT and
 * its sparkline, changes, time since the last change, error) above the
 * change log, newest first. watch_setup.c builds the watcher, its list, its
 * log and the recent events; this file draws them and keeps watch.list in
 * step with the keys. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sockpit/dns/changelog.h"
#include "sockpit/dns/eventring.h"
#include "sockpit/dns/watch.h"
#include "sockpit/dns/watch_setup.h"
#include "sockpit/dns/watchlist.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"

#define KEY_ESC 27
#define REDRAW_DELAY 0.2 /* answers are shown at most this often; events at once */

/* One table row as shown. */
typedef struct row {
    char name[SP_DNSNAME_MAX + 1];
    char addrs[600];
    char ttl[24], rtt[24], chg[24], since[24], err[16];
    float hist[SP_WATCH_RTT_HIST];
    size_t nhist;
    bool stale; /* the addresses are from before the current error */
    int64_t since_ms;
} row;

typedef struct watch_pane {
    sp_pane base;
    sp_watch_setup ws;  /* the watcher, watch.list, the log and the recent events */
    char problem[4400]; /* what keeps the pane from working fully */
    int last_log_errno;

    sp_listview lv;
    char filter[256];
    size_t *idx; /* the rows that pass the filter */
    size_t nidx, idx_cap;

    row *snap; /* while frozen: every row as it was */
    size_t nsnap;
    uint64_t snap_log_total;

    bool visible;
    uint64_t tick, redraw_timer;
    char target[SP_DNSNAME_MAX + 1]; /* the name a prompt or confirmation is about */
} watch_pane;

static const sp_keyhelp keys[] = {
    { "a", "add a name to watch", "Add", SP_KEYS_ALWAYS },
    { "d", "stop watching the selected name (asks first)", "Delete", SP_KEYS_ALWAYS },
    { "Enter", "history and details of the selected name", "History", SP_KEYS_ALWAYS },
    { "i", "set the selected name's interval (seconds, 'ttl' or 'default')", "Interval", SP_KEYS_ALWAYS },
    { "t", "TTL mode on/off for the selected name: look up again when the TTL runs out", "TTL", SP_KEYS_ALWAYS },
    { "r", "look the selected name up now", "Re-query", SP_KEYS_ALWAYS },
    { "R", "look every name up now", NULL, SP_KEYS_ALWAYS },
    { NULL, NULL, NULL, SP_KEYS_ALWAYS },
};

/* ---- rows ---- */

static void fmt_since(int64_t since_ms, char *buf, size_t cap)
{
    if (since_ms <= 0) {
        snprintf(buf, cap, "-");
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long s = ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - since_ms) / 1000;
    if (s < 0)
        s = 0;
    if (s < 60)
        snprintf(buf, cap, "%llds", s);
    else if (s < 3600)
        snprintf(buf, cap, "%lldm%02llds", s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, cap, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
    else
        snprintf(buf, cap, "%lldd%02lldh", s / 86400, (s % 86400) / 3600);
}

static void fmt_rtt(double ms, char *buf, size_t cap)
{
    if (ms < 0)
        snprintf(buf, cap, "-");
    else if (ms < 10)
        snprintf(buf, cap, "%.2fms", ms);
    else if (ms < 1000)
        snprintf(buf, cap, "%.0fms", ms);
    else
        snprintf(buf, cap, "%.1fs", ms / 1000);
}

static void make_row(const sp_watch_name *n, row *r)
{
    snprintf(r->name, sizeof r->name, "%s", n->name);
    if (n->have_set)
        sp_addrset_format(&n->set, ", ", r->addrs, sizeof r->addrs);
    else
        snprintf(r->addrs, sizeof r->addrs, "%s", n->rounds ? "-" : "(looking up)");
    r->stale = n->error[0] && n->have_set;
    if (n->ttl >= 0)
        snprintf(r->ttl, sizeof r->ttl, "%ld", n->ttl);
    else
        snprintf(r->ttl, sizeof r->ttl, "-");
    fmt_rtt(n->rtt_ms, r->rtt, sizeof r->rtt);
    snprintf(r->chg, sizeof r->chg, "%u", n->changes);
    r->since_ms = n->since_ms;
    fmt_since(n->since_ms, r->since, sizeof r->since);
    snprintf(r->err, sizeof r->err, "%s", n->error);
    r->nhist = sp_watch_rtt_history(n, r->hist, SP_WATCH_RTT_HIST);
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return true;
    for (const char *h = hay; *h; h++)
        if (strncasecmp(h, needle, n) == 0)
            return true;
    return false;
}

static size_t source_count(watch_pane *p)
{
    if (p->base.frozen && p->snap)
        return p->nsnap;
    return p->ws.watch ? sp_watch_count(p->ws.watch) : 0;
}

static void source_row(watch_pane *p, size_t i, row *r)
{
    if (p->base.frozen && p->snap)
        *r = p->snap[i];
    else
        make_row(sp_watch_get(p->ws.watch, i), r);
}

static bool source_match(watch_pane *p, size_t i)
{
    if (!p->filter[0])
        return true;
    if (p->base.frozen && p->snap)
        return contains_ci(p->snap[i].name, p->filter) || contains_ci(p->snap[i].addrs, p->filter);
    const sp_watch_name *n = sp_watch_get(p->ws.watch, i);
    if (contains_ci(n->name, p->filter))
        return true;
    char addrs[600];
    sp_addrset_format(&n->set, ", ", addrs, sizeof addrs);
    return contains_ci(addrs, p->filter);
}

static void rebuild_index(watch_pane *p)
{
    size_t total = source_count(p);
    if (total > p->idx_cap) {
        size_t *v = realloc(p->idx, total * sizeof *v);
        if (!v)
            abort();
        p->idx = v;
        p->idx_cap = total;
    }
    p->nidx = 0;
    for (size_t i = 0; i < total; i++)
        if (source_match(p, i))
            p->idx[p->nidx++] = i;
    sp_listview_update(&p->lv, p->nidx, p->lv.height ? p->lv.height : 1);
}

/* The selected name, or NULL (with a hint in the status line). */
static const char *selected(watch_pane *p)
{
    rebuild_index(p);
    if (p->nidx == 0) {
        sp_app_error(p->base.app, "no name selected: press a to add one");
        return NULL;
    }
    size_t i = p->idx[p->lv.sel];
    return p->base.frozen && p->snap ? p->snap[i].name : sp_watch_get(p->ws.watch, i)->name;
}

/* ---- drawing ---- */

static void sparkline(const float *v, size_t n, size_t width, char *out, size_t cap)
{
    static const char *const bars[8] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
                                         "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
    size_t from = n > width ? n - width : 0;
    /* Bars from zero to the largest shown, so small jitter looks small. */
    float hi = 0;
    for (size_t i = from; i < n; i++)
        if (!isnan(v[i]) && v[i] > hi)
            hi = v[i];
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = from; i < n && len + 4 < cap; i++) {
        const char *c;
        if (isnan(v[i]))
            c = "\xc2\xb7"; /* · : no answer */
        else if (hi <= 0)
            c = bars[0];
        else
            c = bars[(int)(v[i] / hi * 7.0f + 0.5f)];
        size_t cl = strlen(c);
        memcpy(out + len, c, cl);
        len += cl;
        out[len] = '\0';
    }
}

enum { C_NAME, C_ADDR, C_TTL, C_RTT, C_SPARK, C_CHG, C_SINCE, C_ERR, C_N };

/* Column widths for a body `width` wide; a dropped column gets width 0.
 * Narrow screens lose the sparkline first, then SINCE, TTL, CHG and RTT. */
static void layout_columns(watch_pane *p, int width, int wid[C_N])
{
    static const int fixed[C_N] = { 0, 0, 5, 7, 0, 4, 6, 8 };
    int longest = 4, widest_addrs = 9;
    for (size_t k = 0; k < p->nidx && k < 500; k++) {
        row r;
        source_row(p, p->idx[k], &r);
        int l = (int)strlen(r.name);
        longest = l > longest ? l : longest;
        l = (int)strlen(r.addrs);
        widest_addrs = l > widest_addrs ? l : widest_addrs;
    }
    for (int c = 0; c < C_N; c++)
        wid[c] = fixed[c];
    wid[C_NAME] = longest < 12 ? 12 : longest > 32 ? 32 : longest;
    wid[C_SPARK] = 1; /* wanted; sized below */
    static const int drop_order[] = { C_SPARK, C_SINCE, C_TTL, C_CHG, C_RTT };
    const size_t ndrop = sizeof drop_order / sizeof drop_order[0];
    for (size_t d = 0;; d++) {
        int used = 0;
        for (int c = 0; c < C_N; c++)
            if (c != C_ADDR && c != C_SPARK && wid[c] > 0)
                used += wid[c] + 1;
        int rest = width - used;
        int spark = 0;
        if (wid[C_SPARK]) {
            /* The sparkline takes what the addresses leave, up to a third. */
            spark = rest / 3 < SP_WATCH_RTT_HIST ? rest / 3 : SP_WATCH_RTT_HIST;
            if (spark > rest - widest_addrs - 2)
                spark = rest - widest_addrs - 2;
            if (spark < 10)
                spark = 0;
        }
        int addr = rest - (spark ? spark + 1 : 0) - 1;
        if (addr >= 14 || d == ndrop) {
            if (addr < 14 && wid[C_NAME] > 10) {
                int give = wid[C_NAME] - 10 < 14 - addr ? wid[C_NAME] - 10 : 14 - addr;
                wid[C_NAME] -= give;
                addr += give;
            }
            wid[C_ADDR] = addr > 1 ? addr : 1;
            wid[C_SPARK] = spark;
            return;
        }
        wid[drop_order[d]] = 0;
    }
}

static int draw_table(watch_pane *p, WINDOW *win, int y0, int height, int width)
{
    int wid[C_N];
    layout_columns(p, width, wid);
    static const char *const titles[C_N] = { "NAME", "ADDRESSES", "TTL", "RTT", "RTT HISTORY", "CHG", "SINCE",
                                             "ERROR" };
    static const bool right[C_N] = { false, false, true, true, false, true, true, false };
    ui_column cols[C_N];
    int map[C_N], nc = 0;
    for (int c = 0; c < C_N; c++) {
        if (wid[c] <= 0)
            continue;
        cols[nc] = (ui_column){ titles[c], wid[c], right[c] };
        map[c] = nc++;
    }
    for (int c = 0; c < C_N; c++)
        if (wid[c] <= 0)
            map[c] = -1;
    ui_table_header(win, y0, cols, nc, -1);
    int rows = height - 1;
    sp_listview_update(&p->lv, p->nidx, rows > 0 ? (size_t)rows : 1);
    for (int r = 0; r < rows; r++) {
        size_t k = p->lv.top + (size_t)r;
        if (k >= p->nidx)
            break;
        row x;
        source_row(p, p->idx[k], &x);
        int y = y0 + 1 + r;
        bool sel = k == p->lv.sel;
        attr_t base = sel ? ui_attr(SP_STYLE_SELECTED) : ui_attr(SP_STYLE_NORMAL);
        if (sel)
            ui_fill(win, y, 0, width, base);
        ui_table_cell(win, y, cols, map[C_NAME], x.name, (size_t)-1, base);
        attr_t aa = sel ? base : x.stale ? ui_attr(SP_STYLE_DIM) : base;
        ui_table_cell(win, y, cols, map[C_ADDR], x.addrs, (size_t)-1, aa);
        if (map[C_TTL] >= 0)
            ui_table_cell(win, y, cols, map[C_TTL], x.ttl, (size_t)-1, base);
        if (map[C_RTT] >= 0)
            ui_table_cell(win, y, cols, map[C_RTT], x.rtt, (size_t)-1, base);
        if (map[C_SPARK] >= 0) {
            char sp[SP_WATCH_RTT_HIST * 4 + 1];
            sparkline(x.hist, x.nhist, (size_t)wid[C_SPARK], sp, sizeof sp);
            ui_table_cell(win, y, cols, map[C_SPARK], sp, (size_t)-1, sel ? base : ui_attr(SP_STYLE_ACCENT));
        }
        if (map[C_CHG] >= 0)
            ui_table_cell(win, y, cols, map[C_CHG], x.chg, (size_t)-1, base);
        if (map[C_SINCE] >= 0) {
            /* A frozen row keeps its text, but "since" would lie: recompute. */
            char since[24];
            fmt_since(x.since_ms, since, sizeof since);
            ui_table_cell(win, y, cols, map[C_SINCE], p->base.frozen ? x.since : since, (size_t)-1, base);
        }
        ui_table_cell(win, y, cols, map[C_ERR], x.err, (size_t)-1, sel ? base : ui_attr(SP_STYLE_BAD));
    }
    return rows;
}

static bool event_matches(watch_pane *p, const sp_wevent *ev, const char *line)
{
    return !p->filter[0] || contains_ci(ev->name, p->filter) || contains_ci(line, p->filter);
}

static sp_style event_style(const sp_wevent *ev)
{
    switch (ev->kind) {
    case SP_WEV_CHANGE: return SP_STYLE_ACCENT;
    case SP_WEV_ERROR: return SP_STYLE_BAD;
    case SP_WEV_RECOVER: return SP_STYLE_GOOD;
    default: return SP_STYLE_NORMAL;
    }
}

static void draw_log(watch_pane *p, WINDOW *win, int y0, int height, int width)
{
    const sp_eventring *recent = &p->ws.recent;
    uint64_t limit = p->base.frozen && p->snap ? p->snap_log_total : sp_eventring_total(recent);
    ui_fill(win, y0, 0, width, ui_attr(SP_STYLE_HEADER));
    ui_textf(win, y0, 0, width, ui_attr(SP_STYLE_HEADER), "CHANGE LOG (newest first)  %s", p->ws.log_path);
    int y = y0 + 1;
    for (uint64_t s = limit; s > 0 && y < y0 + height; s--) {
        const sp_wevent *ev = sp_eventring_seq(recent, s - 1);
        if (!ev)
            break; /* the older ones were dropped */
        char line[1024];
        sp_changelog_format(ev, line, sizeof line);
        if (!event_matches(p, ev, line))
            continue;
        ui_text(win, y++, 0, width, line, (size_t)-1, ui_attr(event_style(ev)), true);
    }
    if (y == y0 + 1 && y < y0 + height)
        ui_text(win, y, 0, width, sp_eventring_count(recent) ? "(no event matches the filter)" : "(no events yet)",
                (size_t)-1, ui_attr(SP_STYLE_DIM), false);
}

static void draw_empty(watch_pane *p, WINDOW *win, int y0, int height, int width)
{
    const char *lines[4];
    char l2[4200];
    snprintf(l2, sizeof l2, "The list is kept in %s", p->ws.list_path);
    lines[0] = "No names are watched yet.";
    lines[1] = "Press a to add one (for example www.example.com); d deletes, Enter shows its history.";
    lines[2] = l2;
    lines[3] = "Each name is looked up for A and AAAA; every change is logged below and in the change log.";
    for (int i = 0; i < 4 && i < height; i++)
        ui_text(win, y0 + i, 1, width - 1, lines[i], (size_t)-1, ui_attr(i == 0 ? SP_STYLE_ACCENT : SP_STYLE_NORMAL),
                false);
}

static void draw(sp_pane *pane, WINDOW *win)
{
    watch_pane *p = (watch_pane *)pane;
    werase(win);
    int h, width;
    getmaxyx(win, h, width);
    int y = 0;
    if (p->problem[0]) {
        ui_text(win, y++, 0, width, p->problem, (size_t)-1, ui_attr(SP_STYLE_BAD), true);
        h--;
    }
    if (h <= 0)
        return;
    rebuild_index(p);
    bool empty = source_count(p) == 0;
    /* The table takes what it needs up to 60% of the height; the log the rest. */
    int want = empty ? 4 : (int)p->nidx + 1;
    if (want < 2)
        want = 2;
    int table_h = h * 6 / 10;
    if (want < table_h)
        table_h = want;
    if (table_h < 2)
        table_h = 2;
    if (table_h > h)
        table_h = h;
    if (empty)
        draw_empty(p, win, y, table_h, width);
    else
        draw_table(p, win, y, table_h, width);
    if (h - table_h >= 2)
        draw_log(p, win, y + table_h, h - table_h, width);
}

/* ---- data arriving ---- */

static void redraw_now(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    watch_pane *p = ud;
    p->redraw_timer = 0;
    sp_app_dirty(p->base.app, &p->base);
}

static void on_answer(void *ud, sp_watch_name *n)
{
    (void)n;
    watch_pane *p = ud;
    /* Answers only move numbers: batch them into a few redraws a second. */
    if (p->visible && !p->base.frozen && !p->redraw_timer)
        p->redraw_timer = sp_loop_timer(sp_app_loop(p->base.app), REDRAW_DELAY, 0, redraw_now, p);
}

static void on_event(void *ud, const sp_wevent *ev)
{
    (void)ev;
    watch_pane *p = ud;
    int le = sp_watch_log_errno(p->ws.watch);
    if (le && le != p->last_log_errno) {
        p->last_log_errno = le;
        snprintf(p->problem, sizeof p->problem, "Cannot append to %s: %s (events are shown but not kept)",
                 p->ws.log_path, strerror(le));
    }
    sp_app_dirty(p->base.app, &p->base);
}

static void on_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    watch_pane *p = ud;
    sp_app_dirty(p->base.app, &p->base);
}

/* The 1 Hz tick that moves the SINCE column runs only while the pane is
 * shown and has names: an idle sockpit must not wake up for nothing. */
static void update_tick(watch_pane *p)
{
    sp_loop *loop = sp_app_loop(p->base.app);
    bool want = p->visible && p->ws.watch && sp_watch_count(p->ws.watch) > 0;
    if (want && !p->tick)
        p->tick = sp_loop_timer(loop, 1.0, 1.0, on_tick, p);
    if (!want && p->tick) {
        sp_loop_cancel(loop, p->tick);
        p->tick = 0;
    }
}

static void visible(sp_pane *pane, bool shown)
{
    watch_pane *p = (watch_pane *)pane;
    p->visible = shown;
    update_tick(p);
}

static void freeze(sp_pane *pane, bool frozen)
{
    watch_pane *p = (watch_pane *)pane;
    free(p->snap);
    p->snap = NULL;
    p->nsnap = 0;
    if (frozen && p->ws.watch) {
        p->nsnap = sp_watch_count(p->ws.watch);
        p->snap = calloc(p->nsnap ? p->nsnap : 1, sizeof *p->snap);
        if (!p->snap)
            abort();
        for (size_t i = 0; i < p->nsnap; i++)
            make_row(sp_watch_get(p->ws.watch, i), &p->snap[i]);
        p->snap_log_total = sp_eventring_total(&p->ws.recent);
    }
}

/* ---- keys ---- */

static void save_list(watch_pane *p)
{
    char err[512];
    if (sp_watchlist_save(p->ws.list_path, &p->ws.list, err, sizeof err) < 0)
        sp_app_error(p->base.app, "The change is live but not saved: %s", err);
}

static void select_name(watch_pane *p, const char *name)
{
    rebuild_index(p);
    for (size_t k = 0; k < p->nidx; k++) {
        row r;
        source_row(p, p->idx[k], &r);
        if (strcmp(r.name, name) == 0) {
            sp_listview_select(&p->lv, k);
            return;
        }
    }
}

static void add_submit(void *ud, const char *text)
{
    watch_pane *p = ud;
    char name[SP_DNSNAME_MAX + 1], err[256];
    if (!p->ws.watch) {
        sp_app_error(p->base.app, "The watcher is not running: %s", p->problem);
        return;
    }
    size_t len = strlen(text);
    while (len && (text[0] == ' ')) {
        text++;
        len--;
    }
    while (len && text[len - 1] == ' ')
        len--;
    if (sp_dnsname_check(text, len, name, err, sizeof err) < 0) {
        sp_app_error(p->base.app, "Not a valid name: %s", err);
        return;
    }
    if (sp_watch_find(p->ws.watch, name)) {
        sp_app_error(p->base.app, "%s is watched already", name);
        select_name(p, name);
        return;
    }
    sp_watch_add(p->ws.watch, name, SP_WMODE_DEFAULT, 0, 0);
    sp_watchlist_add(&p->ws.list, name, SP_WMODE_DEFAULT, 0);
    sp_app_status(p->base.app, "Watching %s (kept in %s)", name, p->ws.list_path);
    save_list(p);
    if (p->base.frozen)
        sp_app_status(p->base.app, "Watching %s; the pane is frozen: Space shows it", name);
    select_name(p, name);
    update_tick(p);
    sp_app_dirty(p->base.app, &p->base);
}

static void delete_yes(void *ud)
{
    watch_pane *p = ud;
    if (!sp_watch_remove(p->ws.watch, p->target)) {
        sp_app_error(p->base.app, "%s is not watched any more", p->target);
        return;
    }
    sp_watchlist_remove(&p->ws.list, p->target);
    save_list(p);
    sp_app_status(p->base.app, "Stopped watching %s (its events stay in the log)", p->target);
    update_tick(p);
    sp_app_dirty(p->base.app, &p->base);
}

static void apply_mode(watch_pane *p, const char *name, sp_wmode mode, long ms)
{
    sp_watch_name *n = sp_watch_find(p->ws.watch, name);
    if (!n) {
        sp_app_error(p->base.app, "%s is not watched any more", name);
        return;
    }
    sp_watch_set_mode(p->ws.watch, n, mode, ms);
    sp_watchlist_set_mode(&p->ws.list, name, mode, ms);
    save_list(p);
    double iv;
    if (sp_watch_uses_ttl(p->ws.watch, n, &iv))
        sp_app_status(p->base.app, "%s: TTL mode, looked up again when the TTL runs out (at most once a second)",
                      name);
    else
        sp_app_status(p->base.app, "%s: looked up every %g s%s", name, iv,
                      mode == SP_WMODE_DEFAULT ? " (the default)" : "");
    sp_app_dirty(p->base.app, &p->base);
}

static void interval_submit(void *ud, const char *text)
{
    watch_pane *p = ud;
    sp_wmode mode;
    long ms;
    char err[256];
    if (sp_watchlist_parse_interval(text, strlen(text), &mode, &ms, err, sizeof err) < 0) {
        sp_app_error(p->base.app, "%s", err);
        return;
    }
    apply_mode(p, p->target, mode, ms);
}

static void show_history(watch_pane *p, const char *name)
{
    const sp_eventring *recent = &p->ws.recent;
    size_t cap = sp_eventring_count(recent) + 12, n = 0;
    char **lines = calloc(cap, sizeof *lines);
    if (!lines)
        abort();
    sp_watch_name *w = sp_watch_find(p->ws.watch, name);
    if (w) {
        char addrs[2048], iv[32];
        sp_addrset_format(&w->set, ", ", addrs, sizeof addrs);
        double interval;
        bool ttl = sp_watch_uses_ttl(p->ws.watch, w, &interval);
        snprintf(iv, sizeof iv, "%g s", interval);
        float h[SP_WATCH_RTT_HIST];
        size_t nh = sp_watch_rtt_history(w, h, SP_WATCH_RTT_HIST), got = 0;
        double lo = 0, hi = 0, sum = 0;
        for (size_t i = 0; i < nh; i++) {
            if (isnan(h[i]))
                continue;
            lo = got == 0 || h[i] < lo ? h[i] : lo;
            hi = got == 0 || h[i] > hi ? h[i] : hi;
            sum += h[i];
            got++;
        }
        if (asprintf(&lines[n++], "Addresses: %s", w->have_set ? addrs : "(none yet)") < 0 ||
            asprintf(&lines[n++], "Schedule:  %s%s", ttl ? "when the TTL runs out" : "every ",
                     ttl ? "" : iv) < 0 ||
            asprintf(&lines[n++], "State:     %s%s, %llu lookups, %llu answered, %u changes",
                     w->error[0] ? "error " : "ok", w->error, (unsigned long long)w->rounds,
                     (unsigned long long)w->answered, w->changes) < 0 ||
            asprintf(&lines[n++], "RTT:       last %.2f ms, min/avg/max %.2f/%.2f/%.2f ms over %zu answers",
                     w->rtt_ms < 0 ? 0 : w->rtt_ms, lo, got ? sum / (double)got : 0, hi, got) < 0)
            abort();
        lines[n++] = strdup("");
    }
    size_t events = 0;
    for (size_t i = sp_eventring_count(recent); i-- > 0;) {
        const sp_wevent *ev = sp_eventring_at(recent, i);
        if (strcmp(ev->name, name) != 0)
            continue;
        char line[1024];
        sp_changelog_format(ev, line, sizeof line);
        if (n == cap) {
            cap *= 2;
            char **l = realloc(lines, cap * sizeof *l);
            if (!l)
                abort();
            lines = l;
        }
        lines[n++] = strdup(line);
        events++;
    }
    if (!events)
        lines[n++] = strdup("No events for this name in the last " "1000 of the log.");
    for (size_t i = 0; i < n; i++)
        if (!lines[i])
            abort();
    char title[SP_DNSNAME_MAX + 32];
    snprintf(title, sizeof title, "%s: history, newest first", name);
    sp_app_box(p->base.app, title, (const char *const *)lines, n);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static bool key(sp_pane *pane, const sp_key *k)
{
    watch_pane *p = (watch_pane *)pane;
    sp_nav nav;
    if (sp_key_nav(k, &nav)) {
        rebuild_index(p);
        return sp_listview_nav(&p->lv, nav);
    }
    bool enter = (!k->fn && (k->code == '\r' || k->code == '\n')) || (k->fn && k->code == KEY_ENTER);
    if (k->fn && k->code == KEY_MOUSE) {
        rebuild_index(p);
        int first_row = (p->problem[0] ? 1 : 0) + 1;
        int r = k->mouse_y - first_row;
        if (r >= 0 && p->lv.top + (size_t)r < p->nidx) {
            sp_listview_select(&p->lv, p->lv.top + (size_t)r);
            return true;
        }
        return false;
    }
    if (k->fn && !enter)
        return false;
    if (!enter && k->code == 'a') {
        static const sp_prompt_cbs cbs = { NULL, add_submit, NULL };
        sp_app_prompt(p->base.app, "Name to watch:", "", &cbs, p);
        return true;
    }
    if (!enter && k->code == 'R') {
        for (size_t i = 0; p->ws.watch && i < sp_watch_count(p->ws.watch); i++)
            sp_watch_requery(p->ws.watch, sp_watch_get(p->ws.watch, i));
        sp_app_status(p->base.app, "Looking up every name now");
        return true;
    }
    if (!enter && k->code != 'd' && k->code != 'i' && k->code != 't' && k->code != 'r')
        return false;
    const char *name = selected(p);
    if (!name || !p->ws.watch)
        return true;
    snprintf(p->target, sizeof p->target, "%s", name);
    if (enter) {
        show_history(p, p->target);
        return true;
    }
    sp_watch_name *n = sp_watch_find(p->ws.watch, p->target);
    switch (k->code) {
    case 'd': {
        char q[SP_DNSNAME_MAX + 64];
        snprintf(q, sizeof q, "Stop watching %s?", p->target);
        sp_app_confirm(p->base.app, q, delete_yes, p);
        return true;
    }
    case 'i': {
        if (!n)
            break;
        static const sp_prompt_cbs cbs = { NULL, interval_submit, NULL };
        char cur[32], label[SP_DNSNAME_MAX + 80];
        sp_watchlist_format_interval(n->mode, n->interval_ms, cur, sizeof cur);
        snprintf(label, sizeof label, "Interval for %s (seconds 0.2-86400, ttl, default):", p->target);
        sp_app_prompt(p->base.app, label, cur, &cbs, p);
        return true;
    }
    case 't': {
        if (!n)
            break;
        double iv;
        if (!sp_watch_uses_ttl(p->ws.watch, n, &iv))
            apply_mode(p, p->target, SP_WMODE_TTL, 0);
        else if (n->mode == SP_WMODE_TTL && !sp_app_opts(p->base.app)->ttl_mode)
            apply_mode(p, p->target, SP_WMODE_DEFAULT, 0);
        else
            apply_mode(p, p->target, SP_WMODE_INTERVAL, (long)(iv * 1000 + 0.5));
        return true;
    }
    case 'r':
        if (!n)
            break;
        sp_watch_requery(p->ws.watch, n);
        sp_app_status(p->base.app, "Looking up %s now", p->target);
        return true;
    default: break;
    }
    sp_app_error(p->base.app, "%s is not watched any more", p->target);
    return true;
}

static void set_filter(sp_pane *pane, const char *text)
{
    watch_pane *p = (watch_pane *)pane;
    snprintf(p->filter, sizeof p->filter, "%s", text);
    p->lv.sel = p->lv.top = 0;
}

/* ---- life cycle ---- */

/* The pane's own problem line: a sentence, so it starts with a capital. */
static void set_problem(watch_pane *p, const char *text)
{
    snprintf(p->problem, sizeof p->problem, "%s", text);
    p->problem[0] = (char)toupper((unsigned char)p->problem[0]);
}

static sp_pane *create(sp_app *app)
{
    watch_pane *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->base.app = app;
    const sp_opts *o = sp_app_opts(app);
    sp_watch_settings set = {
        .config_dir = o->config_dir, .state_dir = o->state_dir, .interval = o->watch_interval,
        .ttl_mode = o->ttl_mode, .keep = SP_CHANGELOG_KEEP, .partial = true,
        .on_event = on_event, .on_answer = on_answer, .ud = p,
    };
    char err[4400];
    if (sp_watch_set_up(&p->ws, sp_app_loop(app), sp_app_dns(app), &set, err, sizeof err) < 0)
        set_problem(p, err);
    else if (p->ws.problem[0])
        set_problem(p, p->ws.problem);
    if (p->ws.nprobs)
        sp_app_error(app, "%s %s (skipped%s)", p->ws.list_path, p->ws.probs[0].msg,
                     p->ws.nprobs > 1 ? "; more bad lines follow it" : "");
    return &p->base;
}

static void destroy(sp_pane *pane)
{
    watch_pane *p = (watch_pane *)pane;
    sp_loop *loop = sp_app_loop(pane->app);
    if (p->tick)
        sp_loop_cancel(loop, p->tick);
    if (p->redraw_timer)
        sp_loop_cancel(loop, p->redraw_timer);
    sp_watch_tear_down(&p->ws);
    free(p->idx);
    free(p->snap);
    free(p);
}

const sp_pane_ops sp_watch_pane = {
    .name = "watch",
    .title = "DNS watch",
    .create = create,
    .destroy = destroy,
    .draw = draw,
    .key = key,
    .filter = set_filter,
    .freeze = freeze,
    .visible = visible,
    .keys = keys,
};
