/* The Connections pane: every TCP socket but the listeners and every
 * connected UDP socket with its process and live throughput, by connection
 * or grouped by process, remote host or local service (`g`), refreshed
 * while visible. The data comes from conns_source.h (shared with `sockpit
 * conns`); remote names from the Hosts pane's reverse-DNS module on the
 * shared c-ares channel. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/conns/conngroup.h"
#include "sockpit/conns/conns_source.h"
#include "sockpit/conns/connview.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/proto.h"
#include "sockpit/hosts/rdns.h"
#include "sockpit/services/services.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tui/table_view.h"

#define DEFAULT_SERVICES "/etc/services"
#define NAME_DELAY 0.3   /* names that arrive together show in one repaint */
#define FILTER_DELAY 0.05 /* keys typed together rebuild the rows once */

enum { C_PROTO, C_STATE, C_LOCAL, C_REMOTE, C_PROC, C_NETNS, C_RTT, C_RETR, C_SENT, C_RECV, C_TX, C_RX, C_RATE, C_AGE,
       NCOLS };

/* The total rate, highest first, by default: what moves is what matters.
 * At 80 columns state, addresses, process and rates stay (a remote name
 * cut short hides every column of a lower priority: the protocol,
 * counters and age give way). */
static const sp_column conn_cols[NCOLS] = {
    [C_PROTO] = { .title = "Proto", .min = 3, .max = 5, .prio = 3, .sort = SP_SORT_TEXT },
    [C_STATE] = { .title = "State", .min = 5, .max = 11, .prio = 0, .sort = SP_SORT_TEXT },
    [C_LOCAL] = { .title = "Local", .min = 12, .max = 24, .prio = 1, .sort = SP_SORT_TEXT },
    /* Wide enough for 255.255.255.255:65535 before the name. */
    [C_REMOTE] = { .title = "Remote", .min = 21, .max = 56, .prio = 1, .grow = true, .sort = SP_SORT_TEXT },
    [C_PROC] = { .title = "Process", .min = 8, .max = 22, .prio = 0, .sort = SP_SORT_TEXT },
    /* Shown when other namespaces are (root): the `ip netns` name, the
     * container or net:[INODE]. */
    [C_NETNS] = { .title = "Netns", .min = 5, .max = 20, .prio = 2, .sort = SP_SORT_TEXT },
    [C_RTT] = { .title = "RTT", .min = 4, .max = 7, .prio = 4, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_RETR] = { .title = "Retr", .min = 4, .max = 6, .prio = 6, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_SENT] = { .title = "Sent", .min = 4, .max = 6, .prio = 5, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_RECV] = { .title = "Recv", .min = 4, .max = 6, .prio = 5, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_TX] = { .title = "TX/s", .min = 4, .max = 6, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_RX] = { .title = "RX/s", .min = 4, .max = 6, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_RATE] = { .title = "Rate", .min = 4, .max = 6, .prio = 0, .right = true, .sort = SP_SORT_NUM, .desc = true },
    [C_AGE] = { .title = "Age", .min = 3, .max = 6, .prio = 7, .right = true, .sort = SP_SORT_NUM, .desc = true },
};

enum { G_NAME, G_COUNT, G_TX, G_RX, G_RATE, G_SENT, G_RECV, G_HIST, NGCOLS };

#define GROUP_COLS(first)                                                                                       \
    {                                                                                                           \
        [G_NAME] = { .title = (first), .min = 12, .max = 48, .prio = 0, .grow = true, .sort = SP_SORT_TEXT },     \
        [G_COUNT] = { .title = "Conns", .min = 5, .max = 7, .prio = 0, .right = true, .sort = SP_SORT_NUM,      \
                      .desc = true },                                                                           \
        [G_TX] = { .title = "TX/s", .min = 4, .max = 6, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true }, \
        [G_RX] = { .title = "RX/s", .min = 4, .max = 6, .prio = 1, .right = true, .sort = SP_SORT_NUM, .desc = true }, \
        [G_RATE] = { .title = "Rate", .min = 4, .max = 6, .prio = 0, .right = true, .sort = SP_SORT_NUM,        \
                     .desc = true },                                                                            \
        [G_SENT] = { .title = "Sent", .min = 4, .max = 6, .prio = 3, .right = true, .sort = SP_SORT_NUM,        \
                     .desc = true },                                                                            \
        [G_RECV] = { .title = "Recv", .min = 4, .max = 6, .prio = 3, .right = true, .sort = SP_SORT_NUM,        \
                     .desc = true },                                                                            \
        [G_HIST] = { .title = "History", .min = 8, .max = 16, .prio = 2, .sort = SP_SORT_NONE },                \
    }

static const sp_column proc_cols[NGCOLS] = GROUP_COLS("Process");
static const sp_column remote_cols[NGCOLS] = GROUP_COLS("Remote host");
static const sp_column service_cols[NGCOLS] = GROUP_COLS("Local service");

typedef struct conns_pane {
    sp_pane base;
    sp_conns_source *src;
    sp_table *tables[SP_BY_COUNT];
    int by;
    double interval;
    uint64_t timer, name_timer, filter_timer;
    bool shown;
    sp_rdns *rdns;
    sp_services *svc;
    char filter[256];      /* lower-cased */
    char err[256];         /* the last refresh's failure, "" */
    bool hinted;           /* the hint about running as root was given */
    bool all_ns;           /* other network namespaces are dumped (root) */
    bool frozen;           /* the connection rows point into the source: it holds still */
    double published_at;   /* the ages of the rows shown are from then */
} conns_pane;

static conns_pane *P(sp_pane *p) { return (conns_pane *)p; }

/* ---- cell texts ---- */

static const char *remote_name(conns_pane *s, int family, const uint8_t *addr);

static void local_text(const conns_pane *s, const sp_conn *c, char *buf, size_t len)
{
    char a[64];
    sp_diag_addr(c->s.family, c->s.src, c->s.sport, a, sizeof a);
    const sp_service *e = s->svc ? sp_services_by_port(s->svc, c->s.sport, c->s.proto) : NULL;
    snprintf(buf, len, "%s%s%s", a, e ? " " : "", e ? e->name : "");
}

static void remote_text(conns_pane *s, const sp_conn *c, char *buf, size_t len)
{
    char a[64];
    sp_diag_addr(c->s.family, c->s.dst, c->s.dport, a, sizeof a);
    const char *name = remote_name(s, c->s.family, c->s.dst);
    snprintf(buf, len, "%s%s%s", a, name ? " " : "", name ? name : "");
}

static void proc_text(const sp_conn *c, char *buf, size_t len)
{
    if (c->owner == SP_OWNER_PROC)
        snprintf(buf, len, "%s/%d", c->comm[0] ? c->comm : "?", c->pid);
    else
        snprintf(buf, len, "-");
}

static void sparkline(const sp_conn_group *g, char *buf, size_t len)
{
    static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    float top = 0;
    for (unsigned i = 0; i < g->nhist; i++)
        if (g->hist[i] > top)
            top = g->hist[i];
    size_t o = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < g->nhist && o + 4 < len; i++) {
        int level = top > 0 ? (int)(g->hist[i] / top * 7.0f + 0.5f) : 0;
        o += (size_t)snprintf(buf + o, len - o, "%s", g->hist[i] > 0 ? bars[level] : " ");
    }
}

/* Whether a row's texts hold the filter (lower-cased substring). */
static bool matches(const conns_pane *s, const char *const *texts, size_t n)
{
    if (!s->filter[0])
        return true;
    for (size_t i = 0; i < n; i++) {
        char low[160];
        size_t k = 0;
        for (; texts[i][k] && k + 1 < sizeof low; k++)
            low[k] = (char)(texts[i][k] >= 'A' && texts[i][k] <= 'Z' ? texts[i][k] - 'A' + 'a' : texts[i][k]);
        low[k] = '\0';
        if (strstr(low, s->filter))
            return true;
    }
    return false;
}

static void rate_cell(sp_table *t, double v, bool known)
{
    char b[16];
    if (!known) {
        sp_table_cell(t, "-", 1, -1, SP_STYLE_DIM);
        return;
    }
    sp_fmt_bytes(v, b, sizeof b);
    sp_table_cell(t, b, (size_t)-1, (int64_t)v, v > 0 ? SP_STYLE_GOOD : 0);
}

static void bytes_cell(sp_table *t, uint64_t v, bool known)
{
    char b[16];
    if (!known) {
        sp_table_cell(t, "-", 1, -1, SP_STYLE_DIM);
        return;
    }
    sp_fmt_bytes((double)v, b, sizeof b);
    sp_table_cell(t, b, (size_t)-1, (int64_t)v, 0);
}

/* ---- publishing ---- */

/* The number a column sorts by; -1 (below any) when it is not known. */
static int64_t conn_num(const sp_conn *c, size_t col, double now)
{
    switch (col) {
    case C_RTT:
        return SP_DIAG_HAS(&c->s, tcpi_rtt) ? (int64_t)c->s.info.tcpi_rtt : -1;
    case C_RETR:
        return SP_DIAG_HAS(&c->s, tcpi_total_retrans) ? (int64_t)c->s.info.tcpi_total_retrans : -1;
    case C_SENT:
        return c->counted ? (int64_t)c->tx_bytes : -1;
    case C_RECV:
        return c->counted ? (int64_t)c->rx_bytes : -1;
    case C_TX:
        return c->rates ? (int64_t)c->tx_bps : -1;
    case C_RX:
        return c->rates ? (int64_t)c->rx_bps : -1;
    case C_RATE:
        return c->rates ? (int64_t)(c->tx_bps + c->rx_bps) : -1;
    case C_AGE:
        return (int64_t)((c->closed ? c->closed_at : now) - c->first_seen);
    default:
        return 0;
    }
}

static const char *state_text(const sp_conn *c) { return c->closed ? "closed" : sp_tcp_state_name(c->s.state); }

/* The text of a text column. */
static void conn_text(conns_pane *s, const sp_conn *c, size_t col, char *buf, size_t len)
{
    switch (col) {
    case C_PROTO:
        snprintf(buf, len, "%s", sp_proto_name(c->s.proto));
        break;
    case C_STATE:
        snprintf(buf, len, "%s", state_text(c));
        break;
    case C_LOCAL:
        local_text(s, c, buf, len);
        break;
    case C_REMOTE:
        remote_text(s, c, buf, len);
        break;
    case C_PROC:
        proc_text(c, buf, len);
        break;
    case C_NETNS:
        snprintf(buf, len, "%s", sp_conns_netns_name(s->src, c->s.netns));
        break;
    default:
        buf[0] = '\0';
    }
}

static const sp_conn *conn_at(const conns_pane *s, size_t ref) { return &sp_conns_table(s->src)->v[ref]; }

/* The cells of one connection, asked for by the table for the rows it
 * draws: formatting every cell of 20,000 rows each second was most of the
 * pane's cost. */
static void fill_conn(void *ud, sp_table *tb, size_t ref)
{
    conns_pane *s = ud;
    const sp_conn *c = conn_at(s, ref);
    int style = c->closed ? SP_STYLE_DIM : c->is_new ? SP_STYLE_ACCENT : 0;
    char text[400];
    for (size_t col = C_PROTO; col <= C_NETNS; col++) {
        conn_text(s, c, col, text, sizeof text);
        sp_table_cell(tb, text, (size_t)-1, 0, col == C_PROC && c->owner != SP_OWNER_PROC ? SP_STYLE_DIM : style);
    }
    sp_fmt_rtt(c, text, sizeof text);
    sp_table_cell(tb, text, (size_t)-1, conn_num(c, C_RTT, s->published_at), style);
    int64_t retr = conn_num(c, C_RETR, s->published_at);
    snprintf(text, sizeof text, retr >= 0 ? "%lld" : "-", (long long)retr);
    sp_table_cell(tb, text, (size_t)-1, retr, retr > 0 ? SP_STYLE_WARN : style);
    bytes_cell(tb, c->tx_bytes, c->counted);
    bytes_cell(tb, c->rx_bytes, c->counted);
    rate_cell(tb, c->tx_bps, c->rates);
    rate_cell(tb, c->rx_bps, c->rates);
    rate_cell(tb, c->tx_bps + c->rx_bps, c->rates);
    sp_fmt_age(c, s->published_at, text, sizeof text);
    sp_table_cell(tb, text, (size_t)-1, conn_num(c, C_AGE, s->published_at), style);
}

static int64_t conn_sort_key(void *ud, size_t ref, size_t col, char *buf, size_t len)
{
    conns_pane *s = ud;
    const sp_conn *c = conn_at(s, ref);
    if (conn_cols[col].sort == SP_SORT_TEXT)
        conn_text(s, c, col, buf, len);
    return conn_num(c, col, s->published_at);
}

/* Whether a connection's address, name, process, namespace, state or
 * protocol holds the filter (lower-cased substring). */
static bool conn_matches(conns_pane *s, const sp_conn *c)
{
    for (size_t col = C_PROTO; col <= C_NETNS; col++) {
        char text[400];
        conn_text(s, c, col, text, sizeof text);
        const char *texts[] = { text };
        if (matches(s, texts, 1))
            return true;
    }
    return false;
}

static void publish_conns(conns_pane *s)
{
    const sp_conntab *t = sp_conns_table(s->src);
    sp_table *tb = s->tables[SP_BY_CONN];
    s->published_at = sp_now();
    sp_table_begin(tb, t->n);
    for (size_t i = 0; i < t->n; i++)
        if (!s->filter[0] || conn_matches(s, &t->v[i]))
            sp_table_row_ref(tb, t->v[i].key, i);
    sp_table_commit(tb);
}

static void group_name(conns_pane *s, int by, const sp_conn_group *g, char *buf, size_t len)
{
    if (by == SP_BY_PROCESS) {
        if (g->pid)
            snprintf(buf, len, "%s/%d", g->comm[0] ? g->comm : "?", g->pid);
        else
            snprintf(buf, len, "- (no readable owner)");
    } else if (by == SP_BY_REMOTE) {
        char a[INET6_ADDRSTRLEN];
        inet_ntop(g->family == 4 ? AF_INET : AF_INET6, g->addr, a, sizeof a);
        const char *name = remote_name(s, g->family, g->addr);
        snprintf(buf, len, "%s%s%s%s%s", a, name ? " " : "", name ? name : "", g->netns ? " @" : "",
                 g->netns ? sp_conns_netns_name(s->src, g->netns) : "");
    } else {
        const sp_service *e = s->svc ? sp_services_by_port(s->svc, g->port, g->proto) : NULL;
        snprintf(buf, len, "%u/%s%s%s%s%s", g->port, sp_proto_name(g->proto), e ? " " : "", e ? e->name : "",
                 g->netns ? " @" : "", g->netns ? sp_conns_netns_name(s->src, g->netns) : "");
    }
}

static void publish_groups(conns_pane *s, int by)
{
    const sp_conn_groups *gs = sp_conns_groups(s->src, by);
    sp_table *tb = s->tables[by];
    sp_table_begin(tb, gs->n);
    for (size_t i = 0; i < gs->n; i++) {
        const sp_conn_group *g = &gs->v[i];
        char name[400], hist[SP_CONN_HIST * 4 + 1];
        group_name(s, by, g, name, sizeof name);
        const char *texts[] = { name };
        if (!matches(s, texts, 1))
            continue;
        int style = g->closed == g->count ? SP_STYLE_DIM : 0;
        sp_table_row(tb, g->key);
        sp_table_cell(tb, name, (size_t)-1, 0, style);
        sp_table_cellf(tb, (int64_t)g->count, style, "%zu", g->count);
        rate_cell(tb, g->tx_bps, true);
        rate_cell(tb, g->rx_bps, true);
        rate_cell(tb, g->tx_bps + g->rx_bps, true);
        bytes_cell(tb, g->tx_bytes, true);
        bytes_cell(tb, g->rx_bytes, true);
        sparkline(g, hist, sizeof hist);
        sp_table_cell(tb, hist, (size_t)-1, 0, SP_STYLE_ACCENT);
    }
    sp_table_commit(tb);
}

/* Only the view shown is rebuilt; the others catch up when `g` shows them. */
static void publish(conns_pane *s)
{
    if (s->by == SP_BY_CONN)
        publish_conns(s);
    else
        publish_groups(s, s->by);
    sp_app_dirty(s->base.app, &s->base);
}

/* ---- names ---- */

static void names_due(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    conns_pane *s = ud;
    s->name_timer = 0;
    publish(s);
}

static void on_name(void *ud, int family, const unsigned char *addr, const char *name)
{
    (void)family;
    (void)addr;
    (void)name;
    conns_pane *s = ud;
    if (!s->name_timer)
        s->name_timer = sp_loop_timer(sp_app_loop(s->base.app), NAME_DELAY, 0, names_due, s);
}

/* The cached PTR answer ("-" no name, "?" no answer), or NULL while asked. */
static const char *remote_name(conns_pane *s, int family, const uint8_t *addr)
{
    if (!s->rdns)
        return NULL;
    return sp_rdns_lookup(s->rdns, family == 4 ? AF_INET : AF_INET6, addr, on_name, s);
}

/* ---- refreshing ---- */

static void refreshed(void *ud, int rc, const char *err)
{
    conns_pane *s = ud;
    if (rc < 0) {
        if (!s->err[0])
            sp_app_error(s->base.app, "cannot list the connections: %s", err);
        snprintf(s->err, sizeof s->err, "%s", err);
        sp_app_dirty(s->base.app, &s->base);
        return;
    }
    s->err[0] = '\0';
    const sp_connproc_stats *ps = sp_conns_procs(s->src);
    if (!s->hinted && geteuid() != 0) {
        s->hinted = true;
        if (ps->hidden)
            sp_app_status(s->base.app,
                          "%zu socket%s of other users' processes show '-', other network namespaces are not shown: "
                          "run as root to see them",
                          ps->hidden, ps->hidden == 1 ? "" : "s");
        else
            sp_app_status(s->base.app, "other network namespaces (containers) are not shown: run as root to see them");
    }
    /* What kept a namespace out, once each. */
    for (const char *note; (note = sp_conns_take_note(s->src)) != NULL;)
        sp_app_status(s->base.app, "%s", note);
    sp_table_show_column(s->tables[SP_BY_CONN], C_NETNS, sp_conns_netns_count(s->src) > 1);
    publish(s);
}

static void start_refresh(conns_pane *s)
{
    if (s->frozen) {
        for (int i = 0; i < SP_BY_COUNT; i++)
            sp_table_defer(s->tables[i]);
        sp_app_dirty(s->base.app, &s->base);
        return;
    }
    sp_conns_source_refresh(s->src, sp_app_loop(s->base.app), refreshed, s);
}

static void on_timer(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    start_refresh(ud);
}

static void visible(sp_pane *p, bool shown)
{
    conns_pane *s = P(p);
    sp_loop *loop = sp_app_loop(p->app);
    s->shown = shown;
    if (shown && !s->timer) {
        start_refresh(s);
        s->timer = sp_loop_timer(loop, s->interval, s->interval, on_timer, s);
    } else if (!shown && s->timer) {
        sp_loop_cancel(loop, s->timer);
        s->timer = 0;
    }
}

/* ---- life ---- */

static sp_services *load_services(const char *path)
{
    char *buf, err[512];
    size_t len;
    if (sp_services_read_file(path, false, &buf, &len, err, sizeof err) < 0)
        return NULL; /* names are a nicety here: the Services pane reports the file */
    sp_services *t = sp_services_parse(buf, len);
    free(buf);
    return t;
}

static sp_pane *create(sp_app *app)
{
    conns_pane *s = sp_xcalloc(1, sizeof *s);
    s->base.app = app;
    const sp_opts *o = sp_app_opts(app);
    s->interval = o && o->conns_refresh > 0 ? o->conns_refresh : 1.0;
    s->tables[SP_BY_CONN] = sp_table_new(conn_cols, NCOLS, C_RATE, true);
    sp_table_set_source(s->tables[SP_BY_CONN], &(sp_table_source){ fill_conn, conn_sort_key, s });
    sp_table_show_column(s->tables[SP_BY_CONN], C_NETNS, false);
    s->tables[SP_BY_PROCESS] = sp_table_new(proc_cols, NGCOLS, G_RATE, true);
    s->tables[SP_BY_REMOTE] = sp_table_new(remote_cols, NGCOLS, G_RATE, true);
    s->tables[SP_BY_SERVICE] = sp_table_new(service_cols, NGCOLS, G_RATE, true);
    s->src = sp_conns_source_new("/proc", true, true);
    s->all_ns = geteuid() == 0 && sp_conns_source_all_namespaces(s->src, true);
    if (sp_app_dns(app))
        s->rdns = sp_rdns_new(sp_app_dns(app));
    s->svc = load_services(o && o->services_file ? o->services_file : DEFAULT_SERVICES);
    return &s->base;
}

static void destroy(sp_pane *p)
{
    conns_pane *s = P(p);
    sp_loop *loop = sp_app_loop(p->app);
    if (s->timer)
        sp_loop_cancel(loop, s->timer);
    if (s->name_timer)
        sp_loop_cancel(loop, s->name_timer);
    if (s->filter_timer)
        sp_loop_cancel(loop, s->filter_timer);
    sp_conns_source_free(s->src);
    sp_rdns_free(s->rdns);
    sp_services_free(s->svc);
    for (int i = 0; i < SP_BY_COUNT; i++)
        sp_table_free(s->tables[i]);
    free(s);
}

static void freeze(sp_pane *p, bool frozen)
{
    conns_pane *s = P(p);
    s->frozen = frozen;
    /* A refresh still running would move the rows the frozen table shows. */
    if (frozen)
        sp_conns_source_cancel(s->src);
    for (int i = 0; i < SP_BY_COUNT; i++)
        sp_table_freeze(s->tables[i], frozen);
    if (!frozen && s->shown)
        start_refresh(s);
}

static sp_table *focused_table(sp_pane *p) { return P(p)->tables[P(p)->by]; }

/* ---- drawing ---- */

static void draw_footer(conns_pane *s, WINDOW *win, int y, int w)
{
    char buf[512];
    size_t o = 0;
    const sp_conntab *t = sp_conns_table(s->src);
    size_t closed = 0, fresh = 0;
    for (size_t i = 0; i < t->n; i++) {
        closed += t->v[i].closed;
        fresh += t->v[i].is_new;
    }
#define ADD(...) o += (size_t)snprintf(buf + o, o < sizeof buf ? sizeof buf - o : 0, __VA_ARGS__)
    ADD("%s | %zu connections", sp_conn_by_name(s->by), t->n - closed);
    if (fresh)
        ADD(", %zu new", fresh);
    if (closed)
        ADD(", %zu closed", closed);
    /* What the user asked for first: at 80 columns the rest is cut. */
    if (s->filter[0])
        ADD(" | filter '%s'", s->filter);
    if (sp_conns_netns_count(s->src) > 1)
        ADD(" | %zu network namespaces", sp_conns_netns_count(s->src));
    else if (!s->all_ns && geteuid() == 0)
        ADD(" | this network namespace only (a: all)");
    const sp_connproc_stats *ps = sp_conns_procs(s->src);
    if (ps->hidden)
        ADD(" | %zu of other users ('-')", ps->hidden);
    if (s->err[0])
        ADD(" | %s", s->err);
    else
        ADD(" | every %gs, %.0f ms", s->interval, sp_conns_refresh_seconds(s->src) * 1000);
#undef ADD
    ui_text(win, y, 0, w, buf, o < sizeof buf ? o : sizeof buf - 1, ui_attr(SP_STYLE_DIM), true);
}

static void draw(sp_pane *p, WINDOW *win)
{
    conns_pane *s = P(p);
    werase(win);
    int h, w;
    getmaxyx(win, h, w);
    if (h < 3)
        return;
    char msg[400];
    if (s->err[0])
        snprintf(msg, sizeof msg, "No connections to show: %s.", s->err);
    else if (s->filter[0])
        snprintf(msg, sizeof msg, "Nothing matches '%s'. Esc clears the filter.", s->filter);
    else if (sp_conns_table(s->src)->refreshes == 0)
        snprintf(msg, sizeof msg, "Reading the connections...");
    else
        snprintf(msg, sizeof msg, "No connections (listening sockets are in Services).");
    sp_table_draw(s->tables[s->by], win, 0, h - 1, true, msg);
    draw_footer(s, win, h - 1, w);
}

/* ---- keys ---- */

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void add_line(void *ud, const char *text)
{
    lines *l = ud;
    SP_GROW(l->v, l->cap, l->n + 1);
    l->v[l->n++] = sp_xstrdup(text);
}

#define LINE(l, ...)                                                                                            \
    do {                                                                                                        \
        char line_[1200];                                                                                        \
        snprintf(line_, sizeof line_, __VA_ARGS__);                                                             \
        add_line((l), line_);                                                                                   \
    } while (0)

static void conn_details(conns_pane *s, const sp_conn *c, lines *l)
{
    char local[120], remote[400], proc[48], sent[16], recv[16];
    local_text(s, c, local, sizeof local);
    remote_text(s, c, remote, sizeof remote);
    proc_text(c, proc, sizeof proc);
    LINE(l, "%s %s%s", sp_proto_name(c->s.proto), sp_tcp_state_name(c->s.state), c->closed ? " (closed)" : "");
    LINE(l, "Local    %s", local);
    LINE(l, "Remote   %s", remote);
    if (sp_conns_netns_count(s->src) > 1 || c->s.netns) {
        const char *ctr = sp_conns_netns_container(s->src, c->s.netns);
        LINE(l, "Netns    %s%s%s%s", sp_conns_netns_name(s->src, c->s.netns), ctr ? " (" : "", ctr ? ctr : "",
             ctr ? ")" : "");
    }
    if (c->owner == SP_OWNER_PROC)
        LINE(l, "Process  %s", proc);
    else if (c->owner == SP_OWNER_HIDDEN)
        LINE(l, "Process  - (uid %u's: run as root to see it)", c->s.uid);
    else
        LINE(l, "Process  - (%s)", c->s.inode ? "not found" : "no file: the kernel holds it");
    LINE(l, "Socket   inode %llu, uid %u, queues %u/%u (recv/send)", (unsigned long long)c->s.inode, c->s.uid,
         c->s.rqueue, c->s.wqueue);
    if (c->counted) {
        sp_fmt_bytes((double)c->tx_bytes, sent, sizeof sent);
        sp_fmt_bytes((double)c->rx_bytes, recv, sizeof recv);
        LINE(l, "Bytes    %s sent (acknowledged), %s received; %s", sent, recv, c->rates ? "" : "rates after one more refresh");
    }
    if (c->rates)
        LINE(l, "Rates    %.0f B/s out, %.0f B/s in", c->tx_bps, c->rx_bps);
    LINE(l, "%s", "");
    LINE(l, "tcp_info (%u bytes):", c->s.info_len);
    sp_conn_info_lines(c, add_line, l);
}

static void details(conns_pane *s)
{
    uint64_t key;
    if (!sp_table_selected(s->tables[s->by], &key))
        return;
    lines l = { 0 };
    char title[96];
    const sp_conntab *t = sp_conns_table(s->src);
    if (s->by == SP_BY_CONN) {
        const sp_conn *c = sp_conntab_find(t, key);
        if (!c)
            return;
        conn_details(s, c, &l);
        snprintf(title, sizeof title, "%s %u -> %u", sp_proto_name(c->s.proto), c->s.sport, c->s.dport);
    } else {
        const sp_conn_groups *gs = sp_conns_groups(s->src, s->by);
        const sp_conn_group *g = NULL;
        for (size_t i = 0; i < gs->n && !g; i++)
            if (gs->v[i].key == key)
                g = &gs->v[i];
        if (!g)
            return;
        char name[400];
        group_name(s, s->by, g, name, sizeof name);
        snprintf(title, sizeof title, "%.90s", name);
        LINE(&l, "%zu connection%s, %.0f B/s out, %.0f B/s in", g->count, g->count == 1 ? "" : "s", g->tx_bps,
             g->rx_bps);
        LINE(&l, "%s", "");
        size_t shown = 0;
        for (size_t i = 0; i < t->n; i++) {
            const sp_conn *c = &t->v[i];
            if (sp_conn_group_key(s->by, c) != key)
                continue;
            if (shown++ == 200) {
                LINE(&l, "...");
                break;
            }
            char local[120], remote[400], proc[48], rate[16];
            local_text(s, c, local, sizeof local);
            remote_text(s, c, remote, sizeof remote);
            proc_text(c, proc, sizeof proc);
            sp_fmt_bytes(c->tx_bps + c->rx_bps, rate, sizeof rate);
            LINE(&l, "%-5s %-11s %s -> %s  %s  %s B/s", sp_proto_name(c->s.proto), sp_tcp_state_name(c->s.state),
                 local, remote, proc, rate);
        }
    }
    sp_app_box(s->base.app, title, (const char *const *)l.v, l.n);
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
}

static sp_redraw act_details(void *ud, const sp_key *k)
{
    (void)k;
    details(ud);
    return SP_REDRAW_BODY;
}

static sp_redraw act_group(void *ud, const sp_key *k)
{
    (void)k;
    conns_pane *s = ud;
    s->by = (s->by + 1) % SP_BY_COUNT;
    if (sp_table_frozen(s->tables[s->by]) && sp_table_count(s->tables[s->by]) == 0) {
        /* Frozen before this view was ever built: show what there is. */
        sp_table_freeze(s->tables[s->by], false);
        publish(s);
        sp_table_freeze(s->tables[s->by], true);
    } else {
        publish(s);
    }
    sp_app_status(s->base.app, "connections %s", sp_conn_by_name(s->by));
    return SP_REDRAW_ALL;
}

static sp_redraw act_refresh(void *ud, const sp_key *k)
{
    (void)k;
    start_refresh(ud);
    return SP_REDRAW_NONE;
}

/* a: every network namespace (containers, `ip netns`) or this one only. */
static sp_redraw act_netns(void *ud, const sp_key *k)
{
    (void)k;
    conns_pane *s = ud;
    if (geteuid() != 0) {
        sp_app_error(s->base.app, "other network namespaces need root: run sockpit as root to see them");
        return SP_REDRAW_STATUS;
    }
    bool want = !s->all_ns;
    s->all_ns = sp_conns_source_all_namespaces(s->src, want) && want;
    sp_app_status(s->base.app, s->all_ns ? "network namespaces: all of them (containers, ip netns)"
                                         : "network namespaces: this one only (a shows all)");
    start_refresh(s);
    return SP_REDRAW_STATUS;
}

static void filter_due(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    conns_pane *s = ud;
    s->filter_timer = 0;
    publish(s);
}

/* Rebuilding tens of thousands of rows per key typed would lag behind the
 * typing: the rows follow the text a moment later, once. */
static void filter_change(sp_pane *p, const char *text)
{
    conns_pane *s = P(p);
    size_t i = 0;
    for (; text[i] && i + 1 < sizeof s->filter; i++)
        s->filter[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] - 'A' + 'a' : text[i]);
    s->filter[i] = '\0';
    if (!s->filter_timer)
        s->filter_timer = sp_loop_timer(sp_app_loop(p->app), FILTER_DELAY, 0, filter_due, s);
}

static const sp_binding keymap[] = {
    { { '\r', '\n', SP_FN(KEY_ENTER) }, "Enter", "details: the whole tcp_info, or a group's connections",
      "Details", NULL, 1, SP_WHEN_BROWSING, act_details },
    { { 'g' }, "g", "group: by connection / process / remote host / local service", "Group", NULL, 2,
      SP_WHEN_BROWSING, act_group },
    { { 'r' }, "r", "refresh now", "Refresh", NULL, 5, SP_WHEN_BROWSING, act_refresh },
    { { 'a' }, "a", "network namespaces: all (containers, ip netns; root) or this one only", "Netns", NULL, 6,
      SP_WHEN_BROWSING, act_netns },
    { { 0 }, "/", "filter by address, name, process, state or port", NULL, NULL, 0, SP_WHEN_BROWSING, NULL },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

const sp_pane_ops sp_conns_pane = {
    .name = "conns",
    .title = "Connections",
    .create = create,
    .destroy = destroy,
    .draw = draw,
    .filter = filter_change,
    .freeze = freeze,
    .visible = visible,
    .keymap = keymap,
    .table = focused_table,
};
