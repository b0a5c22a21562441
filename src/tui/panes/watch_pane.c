/* The DNS watch pane: the table of watched names (addresses and the other
 * record types a name watches, TTL, RTT and its sparkline, changes, time
 * since the last change, the failing types) above the change log, newest
 * first. Both are table widgets; `l` moves the focus between them, and the
 * focused one takes the table keys. watch_setup.c
 * builds the watcher, its list, its log and the recent events; this file
 * shows them and keeps watch.list in step with the keys. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sockpit/core/mem.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/eventring.h"
#include "sockpit/dns/watch.h"
#include "sockpit/dns/watch_compare.h"
#include "sockpit/dns/watch_setup.h"
#include "sockpit/dns/watchlist.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tui/table_view.h"

#define REDRAW_DELAY 0.2 /* answers are shown at most this often; events at once */
#define SPARK_W 16       /* round-trip times the sparkline shows */
#define LOG_MIN 6        /* the log's rows at least: header, 4 events, count line */

/* The pane's modes (keymap.h): which table has the focus. */
#define WHEN_NAMES SP_WHEN_PANE
#define WHEN_LOG (SP_WHEN_PANE << 1)

enum { C_NAME, C_ADDR, C_TTL, C_RTT, C_SPARK, C_CHG, C_SINCE, C_ERR, NCOLS };

/* Name, addresses, the last change and the error stay at 80 columns; the
 * sparkline gives way first, then TTL, the change count and RTT. Every
 * minimum holds its title and sort marker, so no header is cut. */
static const sp_column columns[NCOLS] = {
    [C_NAME] = { .title = "Name", .min = 10, .max = 32, .prio = 0, .sort = SP_SORT_TEXT },
    [C_ADDR] = { .title = "Addresses", .min = 20, .prio = 0, .grow = true, .sort = SP_SORT_TEXT },
    [C_TTL] = { .title = "TTL", .min = 5, .max = 8, .prio = 4, .right = true, .sort = SP_SORT_NUM },
    [C_RTT] = { .title = "RTT", .min = 6, .max = 8, .prio = 2, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_SPARK] = { .title = "RTT history", .min = SPARK_W, .max = SPARK_W, .prio = 5 },
    [C_CHG] = { .title = "Chg", .min = 4, .max = 6, .prio = 3, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_SINCE] = { .title = "Last change", .min = 12, .max = 12, .prio = 1, .right = true, .sort = SP_SORT_NUM,
                  .desc = true },
    [C_ERR] = { .title = "Error", .min = 8, .max = 26, .prio = 1, .sort = SP_SORT_NUM, .desc = true },
};

typedef struct watch_pane {
    sp_pane base;
    sp_watch_setup ws;  /* the watcher, watch.list, the log and the recent events */
    sp_watch_cmp *cmp;  /* c: each DNS server asked on its own; NULL: off */
    char problem[4400]; /* what keeps the pane from working fully */
    int last_log_errno;

    char filter[256];
    sp_table *names;
    sp_table *log;           /* keyed by event number */
    sp_column log_column;    /* its title names the log file */
    char log_title[4300];
    bool log_focus;

    bool visible;
    uint64_t tick, redraw_timer;
    char target[SP_DNSNAME_MAX + 1]; /* the name a prompt or confirmation is about */
} watch_pane;

static watch_pane *P(sp_pane *p) { return (watch_pane *)p; }

/* A row's key: the name, stable while it is watched. */
static uint64_t name_key(const char *name)
{
    return sp_table_key_add(SP_TABLE_KEY_START, name, strlen(name));
}

static sp_table *focused(watch_pane *p) { return p->log_focus ? p->log : p->names; }

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

static sp_style event_style(const sp_wevent *ev)
{
    switch (ev->kind) {
    case SP_WEV_CHANGE: return SP_STYLE_ACCENT;
    case SP_WEV_ERROR: return SP_STYLE_BAD;
    case SP_WEV_RECOVER:
    case SP_WEV_AGREE: return SP_STYLE_GOOD;
    case SP_WEV_DISAGREE: return SP_STYLE_BAD;
    default: return SP_STYLE_NORMAL;
    }
}


static bool event_matches(const watch_pane *p, const sp_wevent *ev, const char *line)
{
    return !p->filter[0] || contains_ci(ev->name, p->filter) || contains_ci(line, p->filter);
}

/* The last answer of type t: addresses, values, or what there is not. */
static void format_rr(const sp_watch_name *n, int t, char *buf, size_t cap)
{
    const sp_watch_rr *rr = &n->rr[t];
    size_t used = 0;
    buf[0] = '\0';
    if (SP_RRBIT(t) & SP_RRMASK_ADDR) {
        sp_addrset_format(&rr->set, ", ", buf, cap);
        return;
    }
    for (size_t i = 0; i < rr->vals.n && used + 1 < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", rr->vals.v[i]);
}

/* Every type the name watches fails now: what it shows is from before. */
static bool all_failing(const sp_watch_name *n)
{
    for (int t = 0; t < SP_RR_N; t++)
        if ((n->types & SP_RRBIT(t)) && !n->rr[t].error[0])
            return false;
    return true;
}

/* The servers asked on their own answer one of n's types differently. */
static bool disagrees(const watch_pane *p, const sp_watch_name *n)
{
    for (int t = 0; p->cmp && t < SP_RR_N; t++)
        if ((n->types & SP_RRBIT(t)) && sp_compare_disagrees(sp_watch_cmp_model(p->cmp), n->name, (sp_rrtype)t))
            return true;
    return false;
}

/* Rebuilds the names table from the watcher. */
static void publish_names(watch_pane *p)
{
    size_t total = p->ws.watch ? sp_watch_count(p->ws.watch) : 0;
    sp_table *t = p->names;
    sp_table_begin(t, total);
    for (size_t i = 0; i < total; i++) {
        const sp_watch_name *n = sp_watch_get(p->ws.watch, i);
        char addrs[600], text[SP_WATCH_RTT_HIST * 4 + 1];
        size_t used = 0;
        addrs[0] = '\0';
        if (n->have_set)
            used = sp_addrset_format(&n->set, ", ", addrs, sizeof addrs);
        else if (n->types & SP_RRMASK_ADDR)
            used = (size_t)snprintf(addrs, sizeof addrs, "%s", n->rounds ? "-" : "(looking up)");
        /* The servers compared disagree: the mark first, where the eye
         * reads the answer (the name cell stays the name). */
        if (disagrees(p, n) && used + 4 < sizeof addrs) {
            memmove(addrs + 4, addrs, used + 1);
            memcpy(addrs, "≠ ", 4);
            used += 4;
        }
        /* The other types after the addresses: "MX 10 mx1.test; NS ns1.test". */
        for (int ty = SP_RR_CNAME; ty < SP_RR_N && used + 1 < sizeof addrs; ty++) {
            if (!(n->types & SP_RRBIT(ty)) || !n->rr[ty].known)
                continue;
            char vals[512];
            format_rr(n, ty, vals, sizeof vals);
            used += (size_t)snprintf(addrs + used, sizeof addrs - used, "%s%s %s", used ? "; " : "",
                                     sp_rrtype_name((sp_rrtype)ty), vals[0] ? vals : "-");
        }
        if (p->filter[0] && !contains_ci(n->name, p->filter) && !contains_ci(addrs, p->filter))
            continue;
        sp_table_row(t, name_key(n->name));
        sp_table_cell(t, n->name, (size_t)-1, 0, 0);
        /* Addresses from before a failure of every type are dimmed. */
        sp_table_cell(t, addrs, (size_t)-1, 0, all_failing(n) && n->have_set ? SP_STYLE_DIM : 0);
        if (n->ttl >= 0)
            sp_table_cellf(t, n->ttl, 0, "%ld", n->ttl);
        else
            sp_table_cell(t, "-", 1, -1, 0);
        fmt_rtt(n->rtt_ms, text, sizeof text);
        sp_table_cell(t, text, (size_t)-1, n->rtt_ms < 0 ? -1 : (int64_t)(n->rtt_ms * 1000.0), 0);
        float hist[SP_WATCH_RTT_HIST];
        size_t nh = sp_watch_rtt_history(n, hist, SP_WATCH_RTT_HIST);
        sparkline(hist, nh, SPARK_W, text, sizeof text);
        sp_table_cell(t, text, (size_t)-1, 0, SP_STYLE_ACCENT);
        sp_table_cellf(t, n->changes, 0, "%u", n->changes);
        fmt_since(n->since_ms, text, sizeof text);
        sp_table_cell(t, text, (size_t)-1, n->since_ms, 0);
        sp_table_cell(t, n->error, (size_t)-1, n->error[0] != '\0', SP_STYLE_BAD);
    }
    sp_table_commit(t);
}

/* The number of the newest event the log shows. */
static uint64_t newest_shown(const sp_table *t)
{
    uint64_t newest = 0;
    for (size_t i = 0; i < sp_table_count(t); i++)
        if (sp_table_row_key(t, i) > newest)
            newest = sp_table_row_key(t, i);
    return newest;
}

/* Rebuilds the change log table from the recent events, newest first. A
 * selection on the newest event moves on to the next one, as tail -f
 * follows a file, so the log keeps showing what just happened. */
static void publish_log(watch_pane *p)
{
    const sp_eventring *recent = &p->ws.recent;
    sp_table *t = p->log;
    uint64_t key, newest = 0;
    bool follow = !sp_table_selected(t, &key) || key == newest_shown(t), any = false;
    sp_table_begin(t, sp_eventring_count(recent));
    for (uint64_t s = sp_eventring_total(recent); s > 0; s--) {
        const sp_wevent *ev = sp_eventring_seq(recent, s - 1);
        if (!ev)
            break; /* the older ones were dropped */
        char line[1024];
        sp_changelog_format(ev, line, sizeof line);
        if (!event_matches(p, ev, line))
            continue;
        if (!any)
            newest = s - 1;
        any = true;
        sp_table_row(t, s - 1);
        sp_table_cell(t, line, (size_t)-1, (int64_t)(s - 1), event_style(ev));
    }
    if (sp_table_commit(t) && follow && any)
        sp_table_select_key(t, newest);
}

static void publish(watch_pane *p)
{
    publish_names(p);
    publish_log(p);
    sp_app_dirty(p->base.app, &p->base);
}

/* The name of the selected row of the focused table, or NULL (with a hint
 * in the status line). Read from the row as shown, so a frozen view acts
 * on what it shows. */
static const char *selected(watch_pane *p, char *buf, size_t cap)
{
    uint64_t key;
    if (p->log_focus) {
        const sp_wevent *ev = sp_table_selected(p->log, &key) ? sp_eventring_seq(&p->ws.recent, key) : NULL;
        if (!ev) {
            sp_app_error(p->base.app, "no event selected");
            return NULL;
        }
        snprintf(buf, cap, "%s", ev->name);
        return buf;
    }
    if (!sp_table_selected(p->names, &key)) {
        sp_app_error(p->base.app, "no name selected: press a to add one");
        return NULL;
    }
    size_t len;
    const char *s = sp_table_text(p->names, sp_table_sel(p->names), C_NAME, &len);
    snprintf(buf, cap, "%.*s", (int)len, s);
    return buf;
}

/* ---- drawing ---- */

static void draw_empty(watch_pane *p, WINDOW *win, int y0, int height, int width)
{
    const char *lines[4];
    char l2[4200];
    snprintf(l2, sizeof l2, "The list is kept in %s", p->ws.list_path);
    lines[0] = "No names are watched yet.";
    lines[1] = "Press a to add one (for example www.example.com); d deletes, Enter shows its history.";
    lines[2] = l2;
    lines[3] = "Each name is looked up for A and AAAA (NAME/MX,NS,TXT for other types); every change is logged "
               "below and in the change log.";
    for (int i = 0; i < 4 && i < height; i++)
        ui_text(win, y0 + i, 1, width - 1, lines[i], (size_t)-1, ui_attr(i == 0 ? SP_STYLE_ACCENT : SP_STYLE_NORMAL),
                false);
}


static void draw(sp_pane *pane, WINDOW *win)
{
    watch_pane *p = P(pane);
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
    bool empty = sp_table_total(p->names) == 0;
    /* The names take the rows they need; the log the rest, and at least
     * LOG_MIN rows (a third of a tall screen) while the names are cut. */
    size_t n = sp_table_count(p->names);
    int want = empty ? 4 : (int)n + 1 + (sp_table_frozen(p->names) || sp_table_total(p->names) > n);
    int log_h = h / 3 > LOG_MIN ? h / 3 : LOG_MIN;
    int names_h = want < h - log_h ? want : h - log_h;
    if (names_h < 3)
        names_h = 3;
    if (h - names_h < 3)
        names_h = h; /* no room for the log */
    if (empty) {
        sp_table_place(p->names, -1, -1, 0, width);
        draw_empty(p, win, y, names_h, width);
    } else {
        char msg[400];
        snprintf(msg, sizeof msg, "No name matches '%s'. Esc clears the filter.", p->filter);
        sp_table_draw(p->names, win, y, names_h, !p->log_focus, msg);
    }
    if (names_h < h)
        sp_table_draw(p->log, win, y + names_h, h - names_h, p->log_focus,
                      sp_eventring_count(&p->ws.recent) ? "(no event matches the filter)" : "(no events yet)");
    else
        sp_table_place(p->log, -1, -1, 0, width);
}

/* ---- data arriving ---- */

static void redraw_now(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    watch_pane *p = ud;
    p->redraw_timer = 0;
    publish_names(p);
    sp_app_dirty(p->base.app, &p->base);
}

static void on_answer(void *ud, sp_watch_name *n)
{
    (void)n;
    watch_pane *p = ud;
    /* Answers only move numbers: batch them into a few redraws a second. */
    if (p->visible && !p->redraw_timer)
        p->redraw_timer = sp_loop_timer(sp_app_loop(p->base.app), REDRAW_DELAY, 0, redraw_now, p);
}

static void on_event(void *ud, const sp_wevent *ev)
{
    watch_pane *p = ud;
    char types[SP_RRMASK_STRLEN];
    if (sp_wev_kind_is_compare(ev->kind))
        sp_app_status(p->base.app, "%s %s: the DNS servers %s", ev->name, sp_rrmask_format(ev->rrtype, types),
                      ev->kind == SP_WEV_DISAGREE ? "disagree (≠)" : "agree again");
    int le = sp_watch_log_errno(p->ws.watch);
    if (le && le != p->last_log_errno) {
        p->last_log_errno = le;
        snprintf(p->problem, sizeof p->problem, "Cannot append to %s: %s (events are shown but not kept)",
                 p->ws.log_path, strerror(le));
    }
    publish(p);
}

/* Moves the "last change" times; a frozen view keeps the times it shows. */
static void on_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    watch_pane *p = ud;
    if (p->base.frozen)
        return;
    publish_names(p);
    sp_app_dirty(p->base.app, &p->base);
}

/* The 1 Hz tick that moves the last change column runs only while the pane
 * is shown and has names: an idle sockpit must not wake up for nothing. */
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
    watch_pane *p = P(pane);
    p->visible = shown;
    if (shown)
        publish(p);
    update_tick(p);
}

static void freeze(sp_pane *pane, bool frozen)
{
    watch_pane *p = P(pane);
    sp_table_freeze(p->names, frozen);
    sp_table_freeze(p->log, frozen);
    if (!frozen)
        publish(p); /* the times moved meanwhile */
}

static sp_table *focused_table(sp_pane *pane) { return focused(P(pane)); }

static unsigned mode(sp_pane *pane) { return SP_WHEN_BROWSING | (P(pane)->log_focus ? WHEN_LOG : WHEN_NAMES); }

/* ---- keys ---- */

static void save_list(watch_pane *p)
{
    char err[512];
    if (sp_watchlist_save(p->ws.list_path, &p->ws.list, err, sizeof err) < 0)
        sp_app_error(p->base.app, "The change is live but not saved: %s", err);
}

/* Selects the name in the names table and gives that table the focus. */
static void select_name(watch_pane *p, const char *name)
{
    publish_names(p);
    sp_table_select_key(p->names, name_key(name));
    p->log_focus = false;
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
    /* "NAME", "NAME/MX,NS" or "NAME type=MX,NS". */
    unsigned types = 0;
    size_t nl = strcspn(text, " ");
    const char *rest = text + nl;
    while (*rest == ' ')
        rest++;
    size_t rl = len > (size_t)(rest - text) ? len - (size_t)(rest - text) : 0;
    if (sp_watchlist_parse_spec(text, nl < len ? nl : len, name, &types, err, sizeof err) < 0) {
        sp_app_error(p->base.app, "Not a valid name: %s", err);
        return;
    }
    if (rl && (rl < 5 || strncmp(rest, "type=", 5) != 0 || types)) {
        sp_app_error(p->base.app, "After the name only type=MX,NS (or NAME/MX,NS) may follow");
        return;
    }
    if (rl && sp_rrmask_parse(rest + 5, rl - 5, &types, err, sizeof err) < 0) {
        sp_app_error(p->base.app, "%s", err);
        return;
    }
    if (sp_watch_find(p->ws.watch, name)) {
        sp_app_error(p->base.app, "%s is watched already", name);
        select_name(p, name);
        return;
    }
    sp_watch_add(p->ws.watch, name, types, SP_WMODE_DEFAULT, 0, 0);
    sp_watch_cmp_add(p->cmp, name, types, SP_WMODE_DEFAULT, 0);
    sp_watchlist_add(&p->ws.list, name, SP_WMODE_DEFAULT, 0);
    sp_watchlist_set_types(&p->ws.list, name, types);
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
    sp_watch_cmp_remove(p->cmp, p->target);
    sp_watchlist_remove(&p->ws.list, p->target);
    save_list(p);
    sp_app_status(p->base.app, "Stopped watching %s (its events stay in the log)", p->target);
    update_tick(p);
    publish_names(p);
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
    sp_watch_cmp_set_mode(p->cmp, name, mode, ms);
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
    char **lines = sp_xcalloc(cap, sizeof *lines);
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
        lines[n++] = sp_xasprintf("Addresses: %s", w->have_set ? (w->set.n ? addrs : "(no records)") : "(none yet)");
        for (int t = 0; t < SP_RR_N; t++) {
            const sp_watch_rr *rr = &w->rr[t];
            if (!(w->types & SP_RRBIT(t)))
                continue;
            char vals[2048];
            format_rr(w, t, vals, sizeof vals);
            if (rr->error[0])
                lines[n++] = sp_xasprintf("  %-5s %s (last answer: %s)", sp_rrtype_name((sp_rrtype)t), rr->error,
                                          !rr->known ? "none yet" : vals[0] ? vals : "no records");
            else
                lines[n++] = sp_xasprintf("  %-5s %s", sp_rrtype_name((sp_rrtype)t),
                                          !rr->known ? "(looking up)" : vals[0] ? vals : "no records (NODATA)");
            SP_GROW(lines, cap, n + 8);
        }
        for (int t = 0; p->cmp && t < SP_RR_N; t++) {
            if (!(w->types & SP_RRBIT(t)))
                continue;
            const sp_compare *m = sp_watch_cmp_model(p->cmp);
            SP_GROW(lines, cap, n + sp_watch_cmp_count(p->cmp) + 8);
            lines[n++] = sp_xasprintf("%s per server%s:", sp_rrtype_name((sp_rrtype)t),
                                      sp_compare_disagrees(m, name, (sp_rrtype)t) ? " (≠ they disagree)" : "");
            for (size_t r = 0; r < sp_watch_cmp_count(p->cmp); r++) {
                const char *a = sp_compare_answer(m, name, (sp_rrtype)t, r);
                lines[n++] = sp_xasprintf("  %-22s %s", sp_watch_cmp_label(p->cmp, r),
                                          !a ? "(looking up)" : a[0] ? a : "no records");
            }
        }
        lines[n++] = sp_xasprintf("Schedule:  %s%s", ttl ? "when the TTL runs out" : "every ", ttl ? "" : iv);
        lines[n++] = sp_xasprintf("State:     %s%s, %llu lookups, %llu answered, %u changes",
                                  w->error[0] ? "error " : "ok", w->error, (unsigned long long)w->rounds,
                                  (unsigned long long)w->answered, w->changes);
        lines[n++] = sp_xasprintf("RTT:       last %.2f ms, min/avg/max %.2f/%.2f/%.2f ms over %zu answers",
                                  w->rtt_ms < 0 ? 0 : w->rtt_ms, lo, got ? sum / (double)got : 0, hi, got);
        lines[n++] = sp_xstrdup("");
    }
    size_t events = 0;
    for (size_t i = sp_eventring_count(recent); i-- > 0;) {
        const sp_wevent *ev = sp_eventring_at(recent, i);
        if (strcmp(ev->name, name) != 0)
            continue;
        char line[1024];
        sp_changelog_format(ev, line, sizeof line);
        SP_GROW(lines, cap, n + 1 + ev->nanswers);
        lines[n++] = sp_xstrdup(line);
        /* A comparison's answers, one server a line, under it. */
        for (size_t a = 0; a < ev->nanswers; a++)
            lines[n++] = sp_xasprintf("    %-22s %s", ev->answers[a].server,
                                      ev->answers[a].answer[0] ? ev->answers[a].answer : "no records");
        events++;
    }
    if (!events)
        lines[n++] = sp_xstrdup("No events for this name in the last 1000 of the log.");
    char title[SP_DNSNAME_MAX + 32];
    snprintf(title, sizeof title, "%s: history, newest first", name);
    sp_app_box(p->base.app, title, (const char *const *)lines, n);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}


static sp_redraw act_add(void *ud, const sp_key *k)
{
    (void)k;
    static const sp_prompt_cbs cbs = { NULL, add_submit, NULL };
    sp_app_prompt(P(ud)->base.app, "Name to watch (NAME or NAME/MX,NS,TXT,...):", "", &cbs, ud);
    return SP_REDRAW_STATUS | SP_REDRAW_HINTS;
}

static sp_redraw act_requery_all(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    for (size_t i = 0; p->ws.watch && i < sp_watch_count(p->ws.watch); i++)
        sp_watch_requery(p->ws.watch, sp_watch_get(p->ws.watch, i));
    sp_app_status(p->base.app, "Looking up every name now");
    return SP_REDRAW_STATUS;
}

/* Enter: the history of the selected name, or of the selected event's. */
static sp_redraw act_history(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    char name[SP_DNSNAME_MAX + 1];
    if (selected(p, name, sizeof name))
        show_history(p, name);
    return SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

/* The watched name that d, i, t and r act on, in p->target; NULL when
 * there is none (the status line says why). */
static sp_watch_name *target(watch_pane *p)
{
    if (!selected(p, p->target, sizeof p->target) || !p->ws.watch)
        return NULL;
    sp_watch_name *n = sp_watch_find(p->ws.watch, p->target);
    if (!n)
        sp_app_error(p->base.app, "%s is not watched any more", p->target);
    return n;
}

static sp_redraw act_delete(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    if (target(p)) {
        char q[SP_DNSNAME_MAX + 64];
        snprintf(q, sizeof q, "Stop watching %s?", p->target);
        sp_app_confirm(p->base.app, q, delete_yes, p);
    }
    return SP_REDRAW_STATUS | SP_REDRAW_HINTS;
}

static sp_redraw act_interval(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    const sp_watch_name *n = target(p);
    if (n) {
        static const sp_prompt_cbs cbs = { NULL, interval_submit, NULL };
        char cur[32], label[SP_DNSNAME_MAX + 80];
        sp_watchlist_format_interval(n->mode, n->interval_ms, cur, sizeof cur);
        snprintf(label, sizeof label, "Interval for %s (seconds 0.2-86400, ttl, default):", p->target);
        sp_app_prompt(p->base.app, label, cur, &cbs, p);
    }
    return SP_REDRAW_STATUS | SP_REDRAW_HINTS;
}

static sp_redraw act_ttl(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    const sp_watch_name *n = target(p);
    double iv;
    if (!n)
        return SP_REDRAW_STATUS;
    if (!sp_watch_uses_ttl(p->ws.watch, n, &iv))
        apply_mode(p, p->target, SP_WMODE_TTL, 0);
    else if (n->mode == SP_WMODE_TTL && !sp_app_opts(p->base.app)->ttl_mode)
        apply_mode(p, p->target, SP_WMODE_DEFAULT, 0);
    else
        apply_mode(p, p->target, SP_WMODE_INTERVAL, (long)(iv * 1000 + 0.5));
    return SP_REDRAW_STATUS;
}

static sp_redraw act_requery(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    sp_watch_name *n = target(p);
    if (n) {
        sp_watch_requery(p->ws.watch, n);
        sp_app_status(p->base.app, "Looking up %s now", p->target);
    }
    return SP_REDRAW_STATUS;
}

/* s cycles through the orders people ask for (any column sorts with < >
 * or a header click). */
static sp_redraw act_sort(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    static const int order[] = { C_NAME, C_SINCE, C_RTT, C_ERR };
    static const char *const names[] = { "name", "last change, most recent first", "RTT, slowest first",
                                         "errors first" };
    size_t next = 0;
    for (size_t i = 0; i < 4; i++)
        if (sp_table_sort_col(p->names) == order[i])
            next = (i + 1) % 4;
    sp_table_sort(p->names, order[next], columns[order[next]].desc);
    sp_app_status(p->base.app, "sorted by %s", names[next]);
    return SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

/* c: compare the DNS servers (one channel and watcher each) or stop. */
static sp_redraw act_compare(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    if (p->cmp) {
        sp_watch_cmp_free(p->cmp);
        p->cmp = NULL;
        sp_app_status(p->base.app, "Comparing the DNS servers: off");
    } else if (p->ws.watch) {
        const sp_opts *o = sp_app_opts(p->base.app);
        char err[512];
        p->cmp = sp_watch_cmp_new(sp_app_loop(p->base.app), p->ws.watch, sp_app_dns(p->base.app), o->dns_servers,
                                  o->watch_interval, o->ttl_mode, err, sizeof err);
        if (p->cmp)
            sp_app_status(p->base.app, "Comparing %zu DNS servers: ≠ marks a name they disagree on",
                          sp_watch_cmp_count(p->cmp));
        else
            sp_app_error(p->base.app, "%s", err);
    }
    publish(p);
    return SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

static sp_redraw act_focus(void *ud, const sp_key *k)
{
    (void)k;
    watch_pane *p = ud;
    p->log_focus = !p->log_focus;
    return SP_REDRAW_BODY | SP_REDRAW_HINTS;
}

/* A click goes to the table under it, which gets the focus; the shell's
 * table keys then select the row or sort by the header. */
static sp_redraw act_click(void *ud, const sp_key *k)
{
    watch_pane *p = ud;
    size_t row;
    int col;
    if (sp_table_hit(p->names, k->mouse_y, k->mouse_x, &row, &col) != SP_HIT_NONE)
        p->log_focus = false;
    else if (sp_table_hit(p->log, k->mouse_y, k->mouse_x, &row, &col) != SP_HIT_NONE)
        p->log_focus = true;
    return SP_REDRAW_PASS;
}

static void set_filter(sp_pane *pane, const char *text)
{
    watch_pane *p = P(pane);
    snprintf(p->filter, sizeof p->filter, "%s", text);
    publish(p);
}

#define N WHEN_NAMES
#define B SP_WHEN_BROWSING

static const sp_binding keymap[] = {
    { { 'a' }, "a", "add a name to watch", "Add", NULL, 1, B, act_add },
    { { 'd' }, "d", "stop watching the selected name (asks first)", "Delete", NULL, 3, N, act_delete },
    { { '\r', '\n', SP_FN(KEY_ENTER) }, "Enter",
      "history and details of the selected name (in the log: the event's name)", "History", NULL, 2, B, act_history },
    { { 'l' }, "l", "move the focus between the names and the change log", "Log", NULL, 2, N, act_focus },
    { { 'l' }, "l", NULL, "Names", NULL, 2, WHEN_LOG, act_focus },
    { { 's' }, "s", "sort: name / last change / RTT / errors", "Sort", NULL, 4, N, act_sort },
    { { 'i' }, "i", "set the selected name's interval (seconds, 'ttl' or 'default')", "Interval", NULL, 6, N,
      act_interval },
    { { 't' }, "t", "TTL mode on/off for the selected name: look up again when the TTL runs out", "TTL", NULL, 7,
      N, act_ttl },
    { { 'r' }, "r", "look the selected name up now", "Re-query", NULL, 5, N, act_requery },
    { { 'R' }, "R", "look every name up now", NULL, NULL, 0, B, act_requery_all },
    { { 'c' }, "c", "compare the DNS servers on/off: each asked on its own, ≠ where they disagree", "Compare",
      NULL, 8, B, act_compare },
    { { SP_FN(KEY_MOUSE) }, "click", NULL, NULL, NULL, 0, B, act_click },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

#undef N
#undef B

/* ---- life cycle ---- */

/* The column of a --sort-watch order. */
static int sort_column(const char *name)
{
    if (name && strcmp(name, "change") == 0)
        return C_SINCE;
    if (name && strcmp(name, "rtt") == 0)
        return C_RTT;
    if (name && strcmp(name, "errors") == 0)
        return C_ERR;
    return C_NAME;
}

/* The pane's own problem line: a sentence, so it starts with a capital. */
static void set_problem(watch_pane *p, const char *text)
{
    snprintf(p->problem, sizeof p->problem, "%s", text);
    p->problem[0] = (char)toupper((unsigned char)p->problem[0]);
}

static sp_pane *create(sp_app *app)
{
    watch_pane *p = sp_xcalloc(1, sizeof *p);
    p->base.app = app;
    const sp_opts *o = sp_app_opts(app);
    int col = sort_column(o->sort_watch);
    p->names = sp_table_new(columns, NCOLS, col, columns[col].desc);
    /* One column, the log's lines as the file has them, newest first; its
     * title names the file once the set-up has found it. */
    p->log_column = (sp_column){ .title = p->log_title, .min = 10, .grow = true, .sort = SP_SORT_NUM, .desc = true };
    p->log = sp_table_new(&p->log_column, 1, 0, true);
    sp_watch_settings set = {
        .config_dir = o->config_dir, .state_dir = o->state_dir, .interval = o->watch_interval,
        .ttl_mode = o->ttl_mode, .keep = SP_CHANGELOG_KEEP, .partial = true, .log_max = o->watch_log_size,
        .on_event = on_event, .on_answer = on_answer, .ud = p,
        .exec = o->watch_exec, .exec_timeout = o->watch_exec_timeout,
    };
    char err[4400];
    if (sp_watch_set_up(&p->ws, sp_app_loop(app), sp_app_dns(app), &set, err, sizeof err) < 0)
        set_problem(p, err);
    else if (p->ws.problem[0])
        set_problem(p, p->ws.problem);
    if (p->ws.nprobs)
        sp_app_error(app, "%s %s (skipped%s)", p->ws.list_path, p->ws.probs[0].msg,
                     p->ws.nprobs > 1 ? "; more bad lines follow it" : "");
    snprintf(p->log_title, sizeof p->log_title, "Change log  %s", p->ws.log_path);
    publish_names(p);
    publish_log(p);
    return &p->base;
}

static void destroy(sp_pane *pane)
{
    watch_pane *p = P(pane);
    sp_loop *loop = sp_app_loop(pane->app);
    if (p->tick)
        sp_loop_cancel(loop, p->tick);
    if (p->redraw_timer)
        sp_loop_cancel(loop, p->redraw_timer);
    /* Before the watcher it mirrors. */
    sp_watch_cmp_free(p->cmp);
    sp_watch_tear_down(&p->ws);
    sp_table_free(p->names);
    sp_table_free(p->log);
    free(p);
}

const sp_pane_ops sp_watch_pane = {
    .name = "watch",
    .title = "DNS watch",
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
