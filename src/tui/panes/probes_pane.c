/* The Probes pane: the probes started from a Hosts or Services row (`p`)
 * or typed here (`a`), each a row with its progress (ports done, open so
 * far, rate) followed by its open ports with their service and what the
 * banner, HTTP and TLS follow-ups found. All probes share the app's loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/core/mem.h"
#include "sockpit/probe/probe_setup.h"
#include "sockpit/services/services.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tui/table_view.h"

#define MAX_PROBES 8
#define TICK_SECONDS 0.25
#define DEFAULT_FILE "/etc/services"

enum { C_TARGET, C_PORT, C_SERVICE, C_STATE, C_DETAIL, NCOLS };

/* The pane keeps each probe's rows together in the order they started, so
 * no column sorts. Details give way last: they are what a probe is for. */
static const sp_column columns[NCOLS] = {
    [C_TARGET] = { .title = "Target", .min = 12, .max = 40, .prio = 0 },
    [C_PORT] = { .title = "Port", .min = 5, .max = 5, .prio = 0, .right = true },
    [C_SERVICE] = { .title = "Service", .min = 7, .max = 14, .prio = 2 },
    [C_STATE] = { .title = "State", .min = 8, .max = 10, .prio = 1 },
    [C_DETAIL] = { .title = "Details", .min = 10, .prio = 0, .grow = true },
};

typedef struct probe {
    sp_probe_job *job;
    uint32_t id;
    struct probes_pane *pane;
} probe;

typedef struct probes_pane {
    sp_pane base;
    probe *probes[MAX_PROBES];
    size_t n;
    uint32_t next_id;
    sp_services *services;
    sp_table *table;
    uint64_t timer;
} probes_pane;

static probes_pane *P(sp_pane *p) { return (probes_pane *)p; }

static uint64_t job_key(uint32_t id) { return sp_table_key_add(SP_TABLE_KEY_START, &id, sizeof id); }

static uint64_t port_key(uint32_t id, const sp_probe_port *p)
{
    uint64_t k = job_key(id);
    k = sp_table_key_add(k, &p->addr, sizeof p->addr);
    return sp_table_key_add(k, &p->port, sizeof p->port);
}

static bool running(const probe *pr)
{
    sp_probe_phase ph = sp_probe_job_phase(pr->job);
    return ph == SP_PROBE_RESOLVING || ph == SP_PROBE_SCANNING;
}

/* ---- rows ---- */

static int cmp_port(const void *a, const void *b)
{
    const sp_probe_port *x = *(const sp_probe_port *const *)a, *y = *(const sp_probe_port *const *)b;
    int c = sp_probe_addr_cmp(&x->addr, &y->addr);
    return c ? c : (int)x->port - (int)y->port;
}

static void progress_text(const probe *pr, char *out, size_t cap, const char **state, int *style)
{
    const sp_scan *scan = sp_probe_job_scan(pr->job);
    sp_scan_progress p = { 0 };
    if (scan)
        sp_scan_get_progress(scan, &p);
    switch (sp_probe_job_phase(pr->job)) {
    case SP_PROBE_RESOLVING:
        *state = "resolving";
        *style = SP_STYLE_WARN;
        snprintf(out, cap, "looking up the name");
        return;
    case SP_PROBE_SCANNING:
        *state = "scanning";
        *style = SP_STYLE_WARN;
        snprintf(out, cap, "%llu/%llu ports, %llu open, %.0f ports/s", (unsigned long long)p.done,
                 (unsigned long long)p.total, (unsigned long long)p.open, p.rate);
        return;
    case SP_PROBE_DONE:
        *state = "done";
        *style = SP_STYLE_GOOD;
        snprintf(out, cap, "%llu ports in %.1f s: %llu open, %llu closed, %llu filtered", (unsigned long long)p.total,
                 p.elapsed, (unsigned long long)p.open, (unsigned long long)p.closed,
                 (unsigned long long)p.filtered);
        return;
    case SP_PROBE_FAILED:
        break;
    }
    bool cancelled = scan && p.cancelled;
    *state = cancelled ? "cancelled" : "failed";
    *style = cancelled ? SP_STYLE_DIM : SP_STYLE_BAD;
    if (cancelled)
        snprintf(out, cap, "%llu/%llu ports, %llu open", (unsigned long long)p.done, (unsigned long long)p.total,
                 (unsigned long long)p.open);
    else
        snprintf(out, cap, "%s", sp_probe_job_error(pr->job));
}

/* What the follow-ups found, in one line (raw; the cell escapes it). */
static void port_summary(const sp_probe_port *p, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
#define ADD(...)                                                              \
    do {                                                                      \
        if (used < cap)                                                       \
            used += (size_t)snprintf(out + used, cap - used, __VA_ARGS__);    \
    } while (0)
    if (p->banner)
        ADD("%.*s", (int)sp_banner_trim(p->banner, strnlen(p->banner, p->banner_len)), p->banner);
    if (p->http_done && p->http.http) {
        ADD("%s%s %d", used ? " · " : "", p->http_tls ? "HTTPS" : "HTTP", p->http.status);
        if (p->http.title[0])
            ADD(" \"%s\"", p->http.title);
        if (p->http.server[0])
            ADD(" %s", p->http.server);
    }
    if (p->tls.done && p->tls.ok)
        ADD("%sTLS %s, %ld days%s%s%s", used ? " · " : "", p->tls.subject, p->tls.days_left,
            p->tls.expired ? ", EXPIRED" : "", p->tls.self_signed ? ", self-signed" : "",
            p->tls.wrong_host ? ", WRONG HOST" : "");
#undef ADD
}

static void publish(probes_pane *s)
{
    sp_table *tb = s->table;
    sp_table_begin(tb, 0);
    for (size_t i = 0; i < s->n; i++) {
        probe *pr = s->probes[i];
        char text[400];
        const char *state;
        int style;
        progress_text(pr, text, sizeof text, &state, &style);
        sp_table_row(tb, job_key(pr->id));
        sp_table_cell(tb, sp_probe_job_target(pr->job), (size_t)-1, 0, 0);
        sp_table_cell(tb, "", 0, 0, 0);
        sp_table_cell(tb, "", 0, 0, 0);
        sp_table_cell(tb, state, (size_t)-1, 0, style);
        sp_table_cell(tb, text, (size_t)-1, 0, style == SP_STYLE_BAD ? style : SP_STYLE_DIM);
        const sp_scan *scan = sp_probe_job_scan(pr->job);
        if (!scan)
            continue;
        size_t n;
        const sp_probe_port *const *v = sp_scan_open_ports(scan, &n);
        const sp_probe_port **sorted = sp_xreallocarray(NULL, n + 1, sizeof *sorted);
        if (n)
            memcpy(sorted, v, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, cmp_port);
        for (size_t k = 0; k < n; k++) {
            const sp_probe_port *p = sorted[k];
            char ip[64];
            sp_probe_addr_format(&p->addr, false, ip, sizeof ip);
            sp_table_row(tb, port_key(pr->id, p));
            sp_table_cellf(tb, 0, 0, "  %s", ip);
            sp_table_cellf(tb, p->port, 0, "%u", p->port);
            sp_table_cell(tb, sp_probe_service(s->services, p->port), (size_t)-1, 0, 0);
            sp_table_cell(tb, "open", 4, 0, SP_STYLE_GOOD);
            port_summary(p, text, sizeof text);
            bool flagged = p->tls.expired || p->tls.wrong_host;
            sp_table_cell(tb, text, (size_t)-1, 0, flagged ? SP_STYLE_WARN : 0);
        }
        free(sorted);
    }
    sp_table_commit(tb);
    sp_app_dirty(s->base.app, &s->base);
}

static bool any_running(const probes_pane *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (running(s->probes[i]))
            return true;
    return false;
}

/* Progress is redrawn a few times a second while a probe runs; the timer
 * stops when none does, so an idle pane costs nothing. */
static void on_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)id;
    probes_pane *s = ud;
    publish(s);
    if (!any_running(s)) {
        sp_loop_cancel(loop, s->timer);
        s->timer = 0;
    }
}

static void on_over(void *ud, sp_probe_job *j)
{
    (void)j;
    probe *pr = ud;
    publish(pr->pane);
}

/* ---- probes ---- */

static void drop(probes_pane *s, size_t i)
{
    sp_probe_job_free(s->probes[i]->job);
    free(s->probes[i]);
    memmove(&s->probes[i], &s->probes[i + 1], (s->n - i - 1) * sizeof s->probes[0]);
    s->n--;
}

static void start(probes_pane *s, const char *target, const char *ports, bool any_address)
{
    sp_app *app = s->base.app;
    if (s->n == MAX_PROBES) {
        size_t i = 0;
        while (i < s->n && running(s->probes[i]))
            i++;
        if (i == s->n) {
            sp_app_error(app, "%d probes are running; Esc on one cancels it", MAX_PROBES);
            return;
        }
        drop(s, i);
    }
    probe *pr = sp_xcalloc(1, sizeof *pr);
    pr->pane = s;
    pr->id = ++s->next_id;
    sp_probe_request req = { .target = target, .ports = ports, .banner = true, .http = true, .tls = true,
                             .any_address = any_address };
    sp_probe_job_cbs cbs = { NULL, on_over };
    char err[400];
    pr->job = sp_probe_job_start(sp_app_loop(app), sp_app_dns(app), NULL, &req, &cbs, pr, err, sizeof err);
    if (!pr->job) {
        free(pr);
        sp_app_error(app, "probe: %s", err);
        return;
    }
    s->probes[s->n++] = pr;
    if (!s->timer)
        s->timer = sp_loop_timer(sp_app_loop(app), TICK_SECONDS, TICK_SECONDS, on_tick, s);
    publish(s);
    sp_table_select_key(s->table, job_key(pr->id));
    sp_app_status(app, "probing %s (%s)", target, ports ? ports : "top100");
}

/* From a Hosts or Services row: the address is a neighbour of this host or
 * one of its own, which is what the scope rule allows, so it is not asked
 * again (the pane has no neighbour table of its own). */
void sp_probes_pane_start(sp_pane *p, const char *target, const char *ports)
{
    start(P(p), target, ports, true);
}

/* ---- pane ---- */

static sp_pane *create(sp_app *app)
{
    probes_pane *s = sp_xcalloc(1, sizeof *s);
    s->base.app = app;
    s->table = sp_table_new(columns, NCOLS, -1, false);
    const sp_opts *o = sp_app_opts(app);
    char err[512], *buf;
    size_t len;
    if (sp_services_read_file(o && o->services_file ? o->services_file : DEFAULT_FILE, false, &buf, &len, err,
                              sizeof err) == 0) {
        s->services = sp_services_parse(buf, len);
        free(buf);
    }
    publish(s);
    return &s->base;
}

static void destroy(sp_pane *p)
{
    probes_pane *s = P(p);
    if (s->timer)
        sp_loop_cancel(sp_app_loop(p->app), s->timer);
    while (s->n)
        drop(s, s->n - 1);
    sp_services_free(s->services);
    sp_table_free(s->table);
    free(s);
}

static void freeze(sp_pane *p, bool frozen) { sp_table_freeze(P(p)->table, frozen); }
static sp_table *focused_table(sp_pane *p) { return P(p)->table; }

static void draw(sp_pane *p, WINDOW *win)
{
    probes_pane *s = P(p);
    werase(win);
    int h, w;
    getmaxyx(win, h, w);
    (void)w;
    if (h < 3)
        return;
    sp_table_draw(s->table, win, 0, h, true,
                  "No probes yet. p on a Hosts or Services row probes that host; a asks for a target.");
}

/* ---- keys ---- */

/* The probe a row belongs to, and its open port when it is a port row. */
static probe *selected(probes_pane *s, const sp_probe_port **port)
{
    uint64_t key;
    *port = NULL;
    if (!sp_table_selected(s->table, &key))
        return NULL;
    for (size_t i = 0; i < s->n; i++) {
        probe *pr = s->probes[i];
        if (job_key(pr->id) == key)
            return pr;
        const sp_scan *scan = sp_probe_job_scan(pr->job);
        if (!scan)
            continue;
        size_t n;
        const sp_probe_port *const *v = sp_scan_open_ports(scan, &n);
        for (size_t k = 0; k < n; k++) {
            if (port_key(pr->id, v[k]) == key) {
                *port = v[k];
                return pr;
            }
        }
    }
    return NULL;
}

static void when(time_t t, char *out, size_t cap)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void port_details(probes_pane *s, const probe *pr, const sp_probe_port *p)
{
    size_t cap = 48 + p->tls.nsans, n = 0;
    char **lines = sp_xcalloc(cap, sizeof *lines);
    char ip[64];
    sp_probe_addr_format(&p->addr, false, ip, sizeof ip);
#define LINE(...) (n < cap ? (void)(lines[n++] = sp_xasprintf(__VA_ARGS__)) : (void)0)
    const char *svc = sp_probe_service(s->services, p->port);
    LINE("Address    %s (probe of %s)", ip, sp_probe_job_target(pr->job));
    LINE("Port       %u/tcp%s%s", p->port, svc[0] ? " " : "", svc);
    LINE("State      open, connect in %.2f ms", p->rtt_ms);
    LINE("%s", "");
    if (p->banner) {
        char esc[SP_PROBE_BANNER_MAX * 4 + 1];
        sp_banner_text(p->banner, p->banner_len, esc, sizeof esc);
        LINE("Banner     %s", esc);
    } else {
        LINE("Banner     (none)");
    }
    if (p->http_done && p->http.http) {
        LINE("%-10s %s", p->http_tls ? "HTTPS" : "HTTP", p->http.status_line);
        LINE("  Server   %s", p->http.server[0] ? p->http.server : "-");
        LINE("  Location %s", p->http.location[0] ? p->http.location : "-");
        LINE("  Title    %s", p->http.title[0] ? p->http.title : "-");
    } else if (p->http_done) {
        LINE("HTTP       %s", p->http_error);
    }
    LINE("%s", "");
    if (p->tls.done && p->tls.ok) {
        char a[40], b[40];
        when(p->tls.not_before, a, sizeof a);
        when(p->tls.not_after, b, sizeof b);
        LINE("TLS        %s, %s", p->tls.protocol, p->tls.cipher);
        LINE("Subject    %s", p->tls.subject);
        LINE("Issuer     %s", p->tls.issuer);
        for (size_t i = 0; i < p->tls.nsans; i++)
            LINE("%s%s", i == 0 ? "SANs       " : "           ", p->tls.sans[i]);
        LINE("Valid      %s to %s", a, b);
        LINE("Days left  %ld%s", p->tls.days_left, p->tls.expired ? " (EXPIRED)" : "");
        LINE("SHA-256    %s", p->tls.sha256);
        LINE("Flags      %s%s%s%s", p->tls.self_signed ? "self-signed " : "", p->tls.wrong_host ? "wrong-host " : "",
             p->tls.expired ? "expired " : "", p->tls.verified ? "verified" : "");
        LINE("Verify     %s", p->tls.verified ? "ok" : p->tls.verify_reason);
    } else if (p->tls.done) {
        LINE("TLS        %s", p->tls.error);
    }
#undef LINE
    char title[96];
    snprintf(title, sizeof title, "%s port %u", ip, p->port);
    sp_app_box(s->base.app, title, (const char *const *)lines, n);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static void job_details(probes_pane *s, const probe *pr)
{
    char text[400], l[6][480];
    const char *state;
    int style;
    progress_text(pr, text, sizeof text, &state, &style);
    size_t naddrs;
    sp_probe_job_addrs(pr->job, &naddrs);
    const sp_scan *scan = sp_probe_job_scan(pr->job);
    sp_scan_progress p = { 0 };
    if (scan)
        sp_scan_get_progress(scan, &p);
    snprintf(l[0], sizeof l[0], "Target      %s", sp_probe_job_target(pr->job));
    snprintf(l[1], sizeof l[1], "State       %s: %s", state, text);
    snprintf(l[2], sizeof l[2], "Addresses   %zu, ports %zu", naddrs, sp_probe_job_ports(pr->job)->n);
    snprintf(l[3], sizeof l[3], "In flight   at most %u sockets", p.concurrency);
    snprintf(l[4], sizeof l[4], "Retried     %llu time-outs, %llu connects the kernel could not start",
             (unsigned long long)p.retried, (unsigned long long)p.requeued);
    snprintf(l[5], sizeof l[5], "Follow-ups  banner, HTTP and TLS on every open port");
    const char *lines[6] = { l[0], l[1], l[2], l[3], l[4], l[5] };
    sp_app_box(s->base.app, sp_probe_job_target(pr->job), lines, 6);
}

static sp_redraw act_details(void *ud, const sp_key *k)
{
    (void)k;
    probes_pane *s = ud;
    const sp_probe_port *port;
    probe *pr = selected(s, &port);
    if (!pr)
        return SP_REDRAW_NONE;
    if (port)
        port_details(s, pr, port);
    else
        job_details(s, pr);
    return SP_REDRAW_BODY;
}

static sp_redraw act_cancel(void *ud, const sp_key *k)
{
    (void)k;
    probes_pane *s = ud;
    const sp_probe_port *port;
    probe *pr = selected(s, &port);
    if (!pr || !running(pr))
        return SP_REDRAW_PASS;
    sp_probe_job_cancel(pr->job);
    publish(s);
    sp_app_status(s->base.app, "probe of %s cancelled", sp_probe_job_target(pr->job));
    return SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

static sp_redraw act_remove(void *ud, const sp_key *k)
{
    (void)k;
    probes_pane *s = ud;
    const sp_probe_port *port;
    probe *pr = selected(s, &port);
    if (!pr)
        return SP_REDRAW_NONE;
    if (running(pr)) {
        sp_app_error(s->base.app, "the probe is running: Esc cancels it first");
        return SP_REDRAW_STATUS;
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->probes[i] == pr)
            drop(s, i);
    publish(s);
    return SP_REDRAW_BODY;
}

static void new_submit(void *ud, const char *text)
{
    probes_pane *s = ud;
    char target[300] = "", ports[200] = "";
    if (sscanf(text, "%299s %199s", target, ports) < 1)
        return;
    /* Typed here, so the scope rule applies (loopback, private, link-local
     * and CGNAT ranges; neighbours are probed from the Hosts pane). */
    start(s, target, ports[0] ? ports : NULL, false);
}

static sp_redraw act_new(void *ud, const sp_key *k)
{
    (void)k;
    probes_pane *s = ud;
    static const sp_prompt_cbs cbs = { NULL, new_submit, NULL };
    sp_app_prompt(s->base.app, "probe TARGET [PORTS]: ", "", &cbs, s);
    return SP_REDRAW_STATUS;
}

static const sp_binding keymap[] = {
    { { '\r', '\n', SP_FN(KEY_ENTER) }, "Enter", "details: the probe, or one port with its whole certificate",
      "Details", NULL, 1, SP_WHEN_BROWSING, act_details },
    { { 'a' }, "a", "add a probe: TARGET [PORTS] (an address, name or /24; 22,80 1-1024 top100 all)", "Add", NULL,
      2, SP_WHEN_BROWSING, act_new },
    { { SP_KEY_ESC }, "Esc", "cancel the selected probe", "Cancel", NULL, 3, SP_WHEN_BROWSING, act_cancel },
    { { 'x' }, "x", "remove the selected probe (once it has ended)", "Remove", NULL, 4, SP_WHEN_BROWSING,
      act_remove },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

const sp_pane_ops sp_probes_pane = {
    .name = "probes",
    .title = "Probes",
    .create = create,
    .destroy = destroy,
    .draw = draw,
    .freeze = freeze,
    .keymap = keymap,
    .table = focused_table,
};
