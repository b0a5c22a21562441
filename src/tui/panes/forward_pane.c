/* The Forwards pane: the mappings of forward.list running in the TUI's loop
 * (the same set-up as `sockpit forward`), with their counters, rates and a
 * sparkline, and the connections of the selected mapping. Add, delete,
 * pause; `k` closes a connection. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/forward/forward_setup.h"
#include "sockpit/forward/forwarder.h"
#include "sockpit/forward/fwdspec.h"
#include "sockpit/hosts/rdns.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tui/table_view.h"

#define REFRESH_SECONDS 1.0
#define SPARK 8

enum { M_LISTEN, M_TARGET, M_ALLOW, M_LIMITS, M_ACC, M_DENY, M_ACT, M_UP, M_DOWN, M_RATE, M_GRAPH, M_STATE, MCOLS };
enum { K_CLIENT, K_AGE, K_UP, K_DOWN, K_RATE, K_STATE, KCOLS };

/* The addresses and what is live matter most at 80 columns; the lists and
 * limits give way first. */
static const sp_column mcols[MCOLS] = {
    [M_LISTEN] = { .title = "Listen", .min = 14, .max = 46, .prio = 0, .sort = SP_SORT_TEXT },
    [M_TARGET] = { .title = "Target", .min = 14, .max = 60, .prio = 0, .grow = true, .sort = SP_SORT_TEXT },
    [M_ALLOW] = { .title = "Allow", .min = 6, .max = 40, .prio = 4, .sort = SP_SORT_TEXT },
    [M_LIMITS] = { .title = "Limits", .min = 6, .max = 30, .prio = 4, .sort = SP_SORT_TEXT },
    [M_ACC] = { .title = "Acc", .min = 4, .max = 9, .prio = 2, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [M_DENY] = { .title = "Deny", .min = 4, .max = 9, .prio = 2, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [M_ACT] = { .title = "Act", .min = 3, .max = 7, .prio = 0, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [M_UP] = { .title = "->Tgt", .min = 6, .max = 9, .prio = 3, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [M_DOWN] = { .title = "->Cli", .min = 6, .max = 9, .prio = 3, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [M_RATE] = { .title = "Rate", .min = 7, .max = 10, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [M_GRAPH] = { .title = "Graph", .min = SPARK, .max = SPARK, .prio = 3, .sort = SP_SORT_NUM, .desc = true },
    [M_STATE] = { .title = "State", .min = 6, .max = 30, .prio = 1, .sort = SP_SORT_TEXT },
};

static const sp_column kcols[KCOLS] = {
    [K_CLIENT] = { .title = "Client", .min = 16, .max = 48, .prio = 0, .grow = true, .sort = SP_SORT_TEXT },
    [K_AGE] = { .title = "Age", .min = 6, .max = 10, .prio = 0, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [K_UP] = { .title = "->Tgt", .min = 6, .max = 9, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [K_DOWN] = { .title = "->Cli", .min = 6, .max = 9, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [K_RATE] = { .title = "Rate", .min = 7, .max = 10, .prio = 0, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [K_STATE] = { .title = "State", .min = 11, .max = 12, .prio = 0, .sort = SP_SORT_TEXT },
};

/* One mapping of the list: running, or why not. */
typedef struct mapping {
    sp_fwd_spec spec;
    sp_fwd *f;
    char err[300];
    uint64_t last_bytes;
    double rate;
    double spark[SPARK];
} mapping;

/* Bytes of one connection at the last refresh, for its rate. */
typedef struct conn_seen {
    uint64_t id, bytes;
    double rate;
} conn_seen;

typedef struct fwd_pane {
    sp_pane base;
    sp_fwd_setup setup;
    char init_err[400];
    mapping *m;
    size_t n, cap;
    conn_seen *seen;
    size_t nseen;
    sp_fwd_conn_info *conns;
    size_t nconns, conns_cap;
    sp_table *maps, *cons;
    sp_rdns *rdns;         /* the clients' reverse names */
    bool focus_conns;
    uint64_t timer;
    double last_refresh;
    size_t pending_delete;
} fwd_pane;

static fwd_pane *P(sp_pane *p) { return (fwd_pane *)p; }

static uint64_t mapping_key(const sp_fwd_spec *s)
{
    char t[100];
    snprintf(t, sizeof t, "%s %d", s->listen_host, s->listen_port);
    return sp_table_key_add(SP_TABLE_KEY_START, t, strlen(t));
}

static mapping *selected_mapping(fwd_pane *s, size_t *at)
{
    uint64_t key;
    if (!sp_table_selected(s->maps, &key))
        return NULL;
    for (size_t i = 0; i < s->n; i++) {
        if (mapping_key(&s->m[i].spec) == key) {
            if (at)
                *at = i;
            return &s->m[i];
        }
    }
    return NULL;
}

static void human_bytes(double v, char *out, size_t outlen)
{
    static const char *const unit[] = { "B", "k", "M", "G", "T" };
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(out, outlen, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
}

static void spark_text(const double *v, char *out, size_t outlen)
{
    static const char *const bars[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587",
                                        "\u2588" };
    double top = 0;
    for (int i = 0; i < SPARK; i++)
        top = v[i] > top ? v[i] : top;
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < SPARK; i++) {
        int level = top > 0 ? (int)(v[i] / top * 8 + 0.5) : 0;
        if (v[i] > 0 && level == 0)
            level = 1;
        int w = snprintf(out + used, outlen - used, "%s", bars[level]);
        if (w < 0 || (size_t)w >= outlen - used)
            break;
        used += (size_t)w;
    }
}

static void limits_text(const sp_fwd_spec *s, char *out, size_t outlen)
{
    char a[32] = "", b[32] = "";
    size_t used = 0;
    out[0] = '\0';
    if (s->rate) {
        human_bytes((double)s->rate, a, sizeof a);
        used += (size_t)snprintf(out + used, outlen - used, "%s/s", a);
    }
    if (s->total_rate && used < outlen) {
        human_bytes((double)s->total_rate, b, sizeof b);
        used += (size_t)snprintf(out + used, outlen - used, "%stotal %s/s", used ? " " : "", b);
    }
    if (s->max_conns && used < outlen)
        used += (size_t)snprintf(out + used, outlen - used, "%smax %ld", used ? " " : "", s->max_conns);
    if (s->max_conns_per_ip && used < outlen)
        snprintf(out + used, outlen - used, "%s%ld/ip", used ? " " : "", s->max_conns_per_ip);
}

static void target_text(const sp_fwd_spec *s, char *out, size_t outlen)
{
    snprintf(out, outlen, strchr(s->target_host, ':') ? "[%s]:%d" : "%s:%d", s->target_host, s->target_port);
}

static void listen_text(const sp_fwd_spec *s, char *out, size_t outlen)
{
    snprintf(out, outlen, strchr(s->listen_host, ':') ? "[%s]:%d" : "%s:%d", s->listen_host, s->listen_port);
}

/* ---- data ---- */

static void publish(fwd_pane *s);

static void on_rdns(void *ud, int family, const unsigned char *addr, const char *name)
{
    (void)family;
    (void)addr;
    (void)name;
    publish(ud);
}

/* "127.0.0.5:40000 (host.lan)" once the PTR answer is in. */
static void client_text(fwd_pane *s, const sp_fwd_conn_info *c, char *out, size_t outlen)
{
    const void *a = NULL;
    int family = c->peer.ss_family;
    if (family == AF_INET)
        a = &((const struct sockaddr_in *)(const void *)&c->peer)->sin_addr;
    else if (family == AF_INET6)
        a = &((const struct sockaddr_in6 *)(const void *)&c->peer)->sin6_addr;
    const char *name = a && s->rdns ? sp_rdns_lookup(s->rdns, family, a, on_rdns, s) : NULL;
    if (name && strcmp(name, SP_RDNS_NONAME) != 0 && strcmp(name, SP_RDNS_NOANSWER) != 0)
        snprintf(out, outlen, "%s (%s)", c->client, name);
    else
        snprintf(out, outlen, "%s", c->client);
}

static void publish(fwd_pane *s)
{
    sp_table_begin(s->maps, s->n);
    for (size_t i = 0; i < s->n; i++) {
        mapping *m = &s->m[i];
        char l[100], t[300], allow[SP_CIDR_MAX * 45], lim[120], num[32], up[32], down[32], rate[32], spark[64];
        listen_text(&m->spec, l, sizeof l);
        target_text(&m->spec, t, sizeof t);
        sp_cidr_list_format(&m->spec.allow, allow, sizeof allow);
        if (!allow[0])
            snprintf(allow, sizeof allow, "%s", m->spec.deny.n ? "all but --deny" : "all");
        limits_text(&m->spec, lim, sizeof lim);
        sp_fwd_stats st = { 0 };
        if (m->f)
            sp_fwd_get_stats(m->f, &st);
        sp_table_row(s->maps, mapping_key(&m->spec));
        sp_table_cell(s->maps, l, (size_t)-1, 0, 0);
        sp_table_cell(s->maps, t, (size_t)-1, 0, 0);
        sp_table_cell(s->maps, allow, (size_t)-1, 0, SP_STYLE_DIM);
        sp_table_cell(s->maps, lim, (size_t)-1, 0, SP_STYLE_DIM);
        snprintf(num, sizeof num, "%llu", (unsigned long long)st.accepted);
        sp_table_cell(s->maps, num, (size_t)-1, (int64_t)st.accepted, 0);
        snprintf(num, sizeof num, "%llu", (unsigned long long)st.denied);
        sp_table_cell(s->maps, num, (size_t)-1, (int64_t)st.denied, st.denied ? SP_STYLE_BAD : 0);
        snprintf(num, sizeof num, "%zu", st.active);
        sp_table_cell(s->maps, num, (size_t)-1, (int64_t)st.active, st.active ? SP_STYLE_GOOD : 0);
        human_bytes((double)st.to_target, up, sizeof up);
        human_bytes((double)st.to_client, down, sizeof down);
        sp_table_cell(s->maps, up, (size_t)-1, (int64_t)st.to_target, 0);
        sp_table_cell(s->maps, down, (size_t)-1, (int64_t)st.to_client, 0);
        human_bytes(m->rate, rate, sizeof rate);
        strncat(rate, "/s", sizeof rate - strlen(rate) - 1);
        sp_table_cell(s->maps, rate, (size_t)-1, (int64_t)m->rate, 0);
        spark_text(m->spark, spark, sizeof spark);
        sp_table_cell(s->maps, spark, (size_t)-1, (int64_t)m->rate, SP_STYLE_GOOD);
        const char *state = !m->f ? m->err : sp_fwd_paused(m->f) ? "paused" : "running";
        sp_table_cell(s->maps, state, (size_t)-1, 0, !m->f ? SP_STYLE_BAD : sp_fwd_paused(m->f) ? SP_STYLE_DIM : 0);
    }
    sp_table_commit(s->maps);

    mapping *m = selected_mapping(s, NULL);
    size_t n = m && m->f ? sp_fwd_conns(m->f, NULL, 0) : 0;
    SP_GROW(s->conns, s->conns_cap, n + 1);
    s->nconns = m && m->f ? sp_fwd_conns(m->f, s->conns, n) : 0;
    double now = sp_now();
    sp_table_begin(s->cons, s->nconns);
    for (size_t i = 0; i < s->nconns; i++) {
        const sp_fwd_conn_info *c = &s->conns[i];
        double rate = 0;
        for (size_t k = 0; k < s->nseen; k++)
            if (s->seen[k].id == c->id)
                rate = s->seen[k].rate;
        static const char *const states[] = { "resolving", "connecting", "open", "half-closed" };
        char age[32], up[32], down[32], r[32];
        double a = now - c->started;
        if (a < 60)
            snprintf(age, sizeof age, "%.0fs", a);
        else if (a < 3600)
            snprintf(age, sizeof age, "%.0fm%02.0fs", a / 60 - 0.5, a - 60 * (double)(long)(a / 60));
        else
            snprintf(age, sizeof age, "%.1fh", a / 3600);
        human_bytes((double)c->to_target, up, sizeof up);
        human_bytes((double)c->to_client, down, sizeof down);
        human_bytes(rate, r, sizeof r);
        strncat(r, "/s", sizeof r - strlen(r) - 1);
        sp_table_row(s->cons, c->id);
        char who[400];
        client_text(s, c, who, sizeof who);
        sp_table_cell(s->cons, who, (size_t)-1, 0, 0);
        sp_table_cell(s->cons, age, (size_t)-1, (int64_t)a, 0);
        sp_table_cell(s->cons, up, (size_t)-1, (int64_t)c->to_target, 0);
        sp_table_cell(s->cons, down, (size_t)-1, (int64_t)c->to_client, 0);
        sp_table_cell(s->cons, r, (size_t)-1, (int64_t)rate, 0);
        sp_table_cell(s->cons, states[c->state], (size_t)-1, (int64_t)c->state,
                      c->state == SP_FWD_OPEN ? SP_STYLE_GOOD : 0);
    }
    sp_table_commit(s->cons);
    sp_app_dirty(s->base.app, &s->base);
}

/* Rates since the last refresh: per mapping (both ways) and per
 * connection of the selected mapping. */
static void sample(fwd_pane *s)
{
    double now = sp_now(), dt = now - s->last_refresh;
    s->last_refresh = now;
    for (size_t i = 0; i < s->n; i++) {
        mapping *m = &s->m[i];
        sp_fwd_stats st = { 0 };
        if (m->f)
            sp_fwd_get_stats(m->f, &st);
        uint64_t b = st.to_target + st.to_client;
        m->rate = dt > 0 && b >= m->last_bytes ? (double)(b - m->last_bytes) / dt : 0;
        m->last_bytes = b;
        memmove(m->spark, m->spark + 1, (SPARK - 1) * sizeof m->spark[0]);
        m->spark[SPARK - 1] = m->rate;
    }
    mapping *m = selected_mapping(s, NULL);
    size_t n = m && m->f ? sp_fwd_conns(m->f, NULL, 0) : 0;
    SP_GROW(s->conns, s->conns_cap, n + 1);
    n = m && m->f ? sp_fwd_conns(m->f, s->conns, n) : 0;
    conn_seen *next = sp_xcalloc(n + 1, sizeof *next);
    for (size_t i = 0; i < n; i++) {
        uint64_t b = s->conns[i].to_target + s->conns[i].to_client, before = 0;
        bool known = false;
        for (size_t k = 0; k < s->nseen && !known; k++)
            if (s->seen[k].id == s->conns[i].id) {
                before = s->seen[k].bytes;
                known = true;
            }
        next[i] = (conn_seen){ s->conns[i].id, b, known && dt > 0 ? (double)(b - before) / dt : 0 };
    }
    free(s->seen);
    s->seen = next;
    s->nseen = n;
    publish(s);
}

static void on_timer(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sample(ud);
}

/* A connection came or went: the tables follow at the next refresh. */
static void on_event(void *ud, sp_fwd *f, const sp_fwd_event *ev)
{
    (void)ud;
    (void)f;
    (void)ev;
}

static void start_mapping(fwd_pane *s, const sp_fwd_spec *spec)
{
    SP_GROW(s->m, s->cap, s->n + 1);
    mapping *m = &s->m[s->n++];
    memset(m, 0, sizeof *m);
    m->spec = *spec;
    char err[280];
    m->f = sp_fwd_setup_start(&s->setup, spec, err, sizeof err);
    if (!m->f) {
        snprintf(m->err, sizeof m->err, "not running: %s", err);
        sp_app_error(s->base.app, "forward %s:%d: %s", spec->listen_host, spec->listen_port, err);
    }
}

static sp_pane *create(sp_app *app)
{
    fwd_pane *s = sp_xcalloc(1, sizeof *s);
    s->base.app = app;
    const sp_opts *o = sp_app_opts(app);
    s->maps = sp_table_new(mcols, MCOLS, M_LISTEN, false);
    s->cons = sp_table_new(kcols, KCOLS, K_AGE, false);
    if (sp_app_dns(app))
        s->rdns = sp_rdns_new(sp_app_dns(app));
    char err[400];
    if (sp_fwd_setup_init(&s->setup, sp_app_loop(app), sp_app_dns(app), o ? o->config_dir : NULL, true, on_event, s,
                          err, sizeof err) < 0) {
        snprintf(s->init_err, sizeof s->init_err, "%s", err);
        sp_app_error(app, "%s", err);
    }
    if (s->setup.nprobs)
        sp_app_error(app, "%s:%zu: %s (line skipped)", s->setup.list_path, s->setup.probs[0].line,
                     s->setup.probs[0].msg);
    for (size_t i = 0; i < s->setup.list.n; i++)
        if (s->setup.list.v[i].valid)
            start_mapping(s, &s->setup.list.v[i].spec);
    s->last_refresh = sp_now();
    publish(s);
    return &s->base;
}

static void destroy(sp_pane *p)
{
    fwd_pane *s = P(p);
    if (s->timer)
        sp_loop_cancel(sp_app_loop(p->app), s->timer);
    sp_fwd_setup_free(&s->setup);
    sp_rdns_free(s->rdns);
    sp_table_free(s->maps);
    sp_table_free(s->cons);
    free(s->m);
    free(s->seen);
    free(s->conns);
    free(s);
}

/* Counters and rates are read only while someone looks; the forwarding
 * itself goes on either way. */
static void visible(sp_pane *p, bool shown)
{
    fwd_pane *s = P(p);
    sp_loop *loop = sp_app_loop(p->app);
    if (shown && !s->timer) {
        sample(s);
        s->timer = sp_loop_timer(loop, REFRESH_SECONDS, REFRESH_SECONDS, on_timer, s);
    } else if (!shown && s->timer) {
        sp_loop_cancel(loop, s->timer);
        s->timer = 0;
    }
}

static void freeze(sp_pane *p, bool frozen)
{
    sp_table_freeze(P(p)->maps, frozen);
    sp_table_freeze(P(p)->cons, frozen);
}

/* In the connections k closes one; in the mappings it moves up, as in
 * every table. */
#define WHEN_CONNS SP_WHEN_PANE
static unsigned mode(sp_pane *p) { return SP_WHEN_BROWSING | (P(p)->focus_conns ? WHEN_CONNS : 0u); }

static sp_table *focused_table(sp_pane *p) { return P(p)->focus_conns ? P(p)->cons : P(p)->maps; }

/* ---- drawing ---- */

static void draw(sp_pane *p, WINDOW *win)
{
    fwd_pane *s = P(p);
    werase(win);
    int h, w;
    getmaxyx(win, h, w);
    if (h < 6)
        return;
    int top = (int)s->n + 3;
    if (top > h / 2)
        top = h / 2;
    if (top < 4)
        top = 4;
    if (s->n == 0) {
        /* How to get a mapping, on the lines the table would use. */
        char l1[4200], l2[200], l3[200];
        if (s->init_err[0])
            snprintf(l1, sizeof l1, "%s.", s->init_err);
        else
            snprintf(l1, sizeof l1, "%s %s.", s->setup.list_exists ? "No mappings in" : "There is no",
                     s->setup.list_path[0] ? s->setup.list_path : "forward.list");
        snprintf(l2, sizeof l2, "a adds one: LISTEN TARGET [options], as a line of forward.list.");
        snprintf(l3, sizeof l3, "e adds the example %s (to the embedded chat bot).", SP_FWD_EXAMPLE_LINE);
        top = h / 2 > 6 ? 6 : h / 2;
        sp_table_draw(s->maps, win, 0, top, !s->focus_conns, "No port mappings.");
        const char *lines[] = { l1, l2, l3 };
        for (int i = 0; i < 3 && 2 + i < top; i++)
            ui_text(win, 2 + i, 1, w - 1, lines[i], strlen(lines[i]), ui_attr(SP_STYLE_DIM), true);
    } else {
        sp_table_draw(s->maps, win, 0, top, !s->focus_conns, "");
    }
    mapping *m = selected_mapping(s, NULL);
    char title[512];
    if (m) {
        char l[100], t[300];
        listen_text(&m->spec, l, sizeof l);
        target_text(&m->spec, t, sizeof t);
        snprintf(title, sizeof title, "Connections %s -> %s%s", l, t,
                 s->focus_conns ? "  (k closes one, c back to the mappings)" : "  (c to select one)");
    } else {
        snprintf(title, sizeof title, "Connections");
    }
    ui_text(win, top, 0, w, title, strlen(title), ui_attr(SP_STYLE_DIM), true);
    sp_table_draw(s->cons, win, top + 1, h - top - 1, s->focus_conns,
                  m ? (m->f ? "No connections." : m->err) : "Select a mapping to see its connections.");
}

/* ---- keys ---- */

static void add_spec(fwd_pane *s, const sp_fwd_spec *spec)
{
    char err[400];
    if (sp_fwd_list_add(&s->setup.list, spec, err, sizeof err) < 0) {
        sp_app_error(s->base.app, "%s", err);
        return;
    }
    if (sp_fwd_setup_save(&s->setup, err, sizeof err) < 0)
        sp_app_error(s->base.app, "%s (the mapping runs but is not saved)", err);
    start_mapping(s, spec);
    mapping *m = &s->m[s->n - 1];
    publish(s);
    sp_table_select_key(s->maps, mapping_key(spec));
    if (m->f)
        sp_app_status(s->base.app, "forwarding %s -> %s", sp_fwd_listen_addr(m->f), sp_fwd_target_text(m->f));
    publish(s);
}

static void add_submit(void *ud, const char *text)
{
    fwd_pane *s = ud;
    sp_fwd_spec spec;
    char err[400];
    if (sp_fwd_spec_parse(text, strlen(text), &spec, err, sizeof err) < 0) {
        sp_app_error(s->base.app, "%s", err);
        return;
    }
    add_spec(s, &spec);
}

static sp_redraw act_add(void *ud, const sp_key *k)
{
    (void)k;
    static const sp_prompt_cbs cbs = { NULL, add_submit, NULL };
    sp_app_prompt(P(ud)->base.app, "Add mapping (LISTEN TARGET [--allow CIDR] [--rate 512k] ...):", "", &cbs, ud);
    return SP_REDRAW_STATUS;
}

static sp_redraw act_example(void *ud, const sp_key *k)
{
    (void)k;
    fwd_pane *s = ud;
    sp_fwd_spec spec;
    char err[300];
    if (sp_fwd_spec_parse(SP_FWD_EXAMPLE_LINE, strlen(SP_FWD_EXAMPLE_LINE), &spec, err, sizeof err) == 0)
        add_spec(s, &spec);
    return SP_REDRAW_BODY;
}

static void delete_yes(void *ud)
{
    fwd_pane *s = ud;
    size_t at = s->pending_delete;
    if (at >= s->n)
        return;
    mapping *m = &s->m[at];
    for (size_t i = 0; i < s->setup.n; i++)
        if (s->setup.v[i] == m->f)
            sp_fwd_setup_stop(&s->setup, i);
    sp_fwd_list_remove(&s->setup.list, &m->spec);
    char err[400], l[100];
    listen_text(&m->spec, l, sizeof l);
    memmove(&s->m[at], &s->m[at + 1], (s->n - at - 1) * sizeof *s->m);
    s->n--;
    if (sp_fwd_setup_save(&s->setup, err, sizeof err) < 0)
        sp_app_error(s->base.app, "%s", err);
    else
        sp_app_status(s->base.app, "deleted the mapping on %s", l);
    publish(s);
}

static sp_redraw act_delete(void *ud, const sp_key *k)
{
    (void)k;
    fwd_pane *s = ud;
    size_t at;
    mapping *m = selected_mapping(s, &at);
    if (!m)
        return SP_REDRAW_NONE;
    s->pending_delete = at;
    sp_fwd_stats st = { 0 };
    if (m->f)
        sp_fwd_get_stats(m->f, &st);
    char l[100], q[300];
    listen_text(&m->spec, l, sizeof l);
    snprintf(q, sizeof q, "Delete the mapping on %s (closes %zu connection%s)?", l, st.active,
             st.active == 1 ? "" : "s");
    sp_app_confirm(s->base.app, q, delete_yes, s);
    return SP_REDRAW_STATUS;
}

static sp_redraw act_pause(void *ud, const sp_key *k)
{
    (void)k;
    fwd_pane *s = ud;
    mapping *m = selected_mapping(s, NULL);
    if (!m || !m->f)
        return SP_REDRAW_NONE;
    sp_fwd_pause(m->f, !sp_fwd_paused(m->f));
    sp_app_status(s->base.app, "%s: %s", sp_fwd_listen_addr(m->f),
                  sp_fwd_paused(m->f) ? "paused: new clients wait; open connections go on" : "accepting again");
    publish(s);
    return SP_REDRAW_BODY;
}

static sp_redraw act_focus(void *ud, const sp_key *k)
{
    (void)k;
    fwd_pane *s = ud;
    s->focus_conns = !s->focus_conns;
    return SP_REDRAW_BODY;
}

static sp_redraw act_kill(void *ud, const sp_key *k)
{
    (void)k;
    fwd_pane *s = ud;
    mapping *m = selected_mapping(s, NULL);
    uint64_t id;
    if (!m || !m->f || !sp_table_selected(s->cons, &id))
        return SP_REDRAW_NONE;
    if (sp_fwd_kill(m->f, id))
        sp_app_status(s->base.app, "closed connection #%llu", (unsigned long long)id);
    publish(s);
    return SP_REDRAW_BODY;
}

static const sp_binding keymap[] = {
    { { 'a' }, "a", "add a mapping: LISTEN TARGET [options], as a forward.list line", "Add", NULL, 1,
      SP_WHEN_BROWSING, act_add },
    { { 'd' }, "d", "delete the selected mapping (asks first)", "Delete", NULL, 3, SP_WHEN_BROWSING, act_delete },
    { { 'p' }, "p", "pause or resume accepting on the selected mapping", "Pause", NULL, 4, SP_WHEN_BROWSING,
      act_pause },
    { { 'c', '\r', '\n', SP_FN(KEY_ENTER) }, "c", "focus the connections or the mappings", "Conns", NULL, 2,
      SP_WHEN_BROWSING, act_focus },
    { { 'k', KEY_DC }, "k", "close the selected connection (a reset both ways)", "Close", NULL, 5, WHEN_CONNS,
      act_kill },
    { { 'e' }, "e", "add the example mapping " SP_FWD_EXAMPLE_LINE " (the chat bot)", NULL, NULL, 6,
      SP_WHEN_BROWSING, act_example },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

const sp_pane_ops sp_forward_pane = {
    .name = "forward",
    .title = "Forwards",
    .create = create,
    .destroy = destroy,
    .draw = draw,
    .freeze = freeze,
    .visible = visible,
    .keymap = keymap,
    .mode = mode,
    .table = focused_table,
};
