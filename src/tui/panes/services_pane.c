/* The Services pane: the services table grouped by name, searchable, with
 * what this host listens on refreshed every 2 s while the pane is visible. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sockpit/core/mem.h"
#include "sockpit/services/listen.h"
#include "sockpit/services/listen_source.h"
#include "sockpit/services/procmap.h"
#include "sockpit/services/services.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tui/table_view.h"

#define REFRESH_SECONDS 2.0
#define DEFAULT_FILE "/etc/services"

enum { C_NAME, C_PORTS, C_PROTO, C_ALIASES, C_LISTEN, NCOLS };

/* Listening rows first by default: what runs here is what a user of this
 * pane came for. Aliases give way first when narrow; the listener column
 * gets the spare width. */
static const sp_column columns[NCOLS] = {
    [C_NAME] = { .title = "Service", .min = 8, .max = 24, .prio = 0, .sort = SP_SORT_TEXT },
    [C_PORTS] = { .title = "Port(s)", .min = 7, .max = 16, .prio = 0, .sort = SP_SORT_NUM },
    [C_PROTO] = { .title = "Proto", .min = 7, .max = 12, .prio = 1, .sort = SP_SORT_TEXT },
    [C_ALIASES] = { .title = "Aliases", .min = 8, .max = 40, .prio = 3, .sort = SP_SORT_TEXT },
    [C_LISTEN] = { .title = "Listening", .min = 12, .prio = 2, .grow = true, .sort = SP_SORT_NUM, .desc = true },
};

typedef struct svc_pane {
    sp_pane base;
    const char *path;
    sp_services *t;
    char load_err[512];
    struct stat st;        /* of the file loaded, to reload on `r` if it changed */

    sp_listen_set live;    /* read every refresh */
    sp_listen_set shown;   /* what the rows were built from */
    sp_listen_source *src;
    sp_procmap *procmap;
    bool force;            /* the running read publishes even when unchanged */
    bool say_count;        /* ... and says how many sockets it found (`r`) */
    bool reloaded;
    char listen_err[256];
    uint64_t timer;

    uint8_t *glisten;      /* per group: how many sockets listen on its ports (capped at 255) */
    size_t nlisten_groups;
    size_t nlisten_untabled;   /* listening sockets on ports the file does not name */
    uint32_t *rows;        /* the groups the filter and the well-known toggle keep */
    size_t nrows;
    /* Ports the file does not name that something listens on: one row per
     * port and protocol (service "-"), as first index into shown. */
    size_t *unnamed;
    size_t nunnamed, capunnamed;
    bool well_known;
    char filter[256];
    sp_services_filter f;
    sp_table *table;
} svc_pane;

static svc_pane *P(sp_pane *p) { return (svc_pane *)p; }

/* A row's key: the service name, stable across refreshes and reloads. */
static uint64_t name_key(const char *name)
{
    return sp_table_key_add(SP_TABLE_KEY_START, name, strlen(name));
}

/* An unnamed port's key: "-", then the port and protocol. */
static uint64_t port_key(const sp_listener *l)
{
    uint8_t id[3] = { (uint8_t)(l->port >> 8), (uint8_t)l->port, l->proto };
    return sp_table_key_add(sp_table_key_add(SP_TABLE_KEY_START, "-", 1), id, sizeof id);
}

/* How many listeners of shown share the port and protocol of shown.v[first]. */
static size_t same_port(const sp_listen_set *ls, size_t first)
{
    size_t n = 1;
    while (first + n < ls->n && ls->v[first + n].port == ls->v[first].port &&
           ls->v[first + n].proto == ls->v[first].proto)
        n++;
    return n;
}

static const sp_listener *selected_unnamed(const svc_pane *s)
{
    uint64_t key;
    if (!sp_table_selected(s->table, &key))
        return NULL;
    for (size_t i = 0; i < s->nunnamed; i++)
        if (port_key(&s->shown.v[s->unnamed[i]]) == key)
            return &s->shown.v[s->unnamed[i]];
    return NULL;
}

static const sp_service_group *selected_group(const svc_pane *s)
{
    uint64_t key;
    if (!sp_table_selected(s->table, &key))
        return NULL;
    for (size_t i = 0; i < s->nrows; i++)
        if (name_key(s->t->groups[s->rows[i]].name) == key)
            return &s->t->groups[s->rows[i]];
    return NULL;
}

static size_t group_listeners(const svc_pane *s, const sp_service_group *g, const sp_listener **out, size_t max);

/* The filter's text in a listener's process name (not for digits: those
 * are ports). */
static bool process_matches(const svc_pane *s, const sp_listener *l)
{
    if (s->f.digits || !l->comm[0])
        return false;
    char low[sizeof l->comm];
    size_t i = 0;
    for (; l->comm[i] && i + 1 < sizeof low; i++)
        low[i] = (char)(l->comm[i] >= 'A' && l->comm[i] <= 'Z' ? l->comm[i] - 'A' + 'a' : l->comm[i]);
    low[i] = '\0';
    return strstr(low, s->f.text) != NULL;
}

static bool row_wanted(const svc_pane *s, uint32_t g)
{
    const sp_service_group *grp = &s->t->groups[g];
    if (s->well_known && !grp->well_known)
        return false;
    if (sp_services_group_matches(s->t, grp, &s->f))
        return true;
    if (!s->glisten[g] || s->f.digits)
        return false;
    const sp_listener *ls[64];
    size_t n = group_listeners(s, grp, ls, 64);
    for (size_t i = 0; i < n && i < 64; i++)
        if (process_matches(s, ls[i]))
            return true;
    return false;
}

/* An unnamed port's row through the same filter: port prefix or process. */
static bool unnamed_wanted(const svc_pane *s, size_t first)
{
    const sp_listener *l = &s->shown.v[first];
    if (s->well_known && (l->port == 0 || l->port > 1024))
        return false;
    if (s->f.len == 0)
        return true;
    if (s->f.ndigits) {
        char port[8];
        snprintf(port, sizeof port, "%u", l->port);
        return strncmp(port, s->f.text, s->f.len) == 0;
    }
    size_t n = same_port(&s->shown, first);
    for (size_t i = 0; i < n; i++)
        if (process_matches(s, &s->shown.v[first + i]))
            return true;
    return false;
}

/* The groups in port order through the filter and the toggle. */
static void select_rows(svc_pane *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->t->ngroups; i++) {
        uint32_t g = s->t->groups_by_port[i];
        if (row_wanted(s, g))
            s->rows[n++] = g;
    }
    s->nrows = n;
}

static void publish(svc_pane *s);

/* Counts, per group, the sockets listening on its ports (the shown set). */
static void mark_listening(svc_pane *s)
{
    const sp_services *t = s->t;
    memset(s->glisten, 0, t->ngroups ? t->ngroups : 1);
    s->nlisten_groups = 0;
    s->nlisten_untabled = 0;
    s->nunnamed = 0;
    for (size_t i = 0; i < s->shown.n; i++) {
        const sp_listener *l = &s->shown.v[i];
        size_t first, n = sp_services_port_entries(t, l->port, l->proto, &first);
        if (n == 0) {
            s->nlisten_untabled++;
            if (i == 0 || l->port != s->shown.v[i - 1].port || l->proto != s->shown.v[i - 1].proto) {
                SP_GROW(s->unnamed, s->capunnamed, s->nunnamed + 1);
                s->unnamed[s->nunnamed++] = i;
            }
        }
        /* Every line for that port and protocol, hidden ones too, but each
         * group once per socket. */
        for (size_t k = 0; k < n; k++) {
            uint32_t g = t->v[t->by_port[first + k]].group;
            bool seen = false;
            for (size_t j = 0; j < k && !seen; j++)
                seen = t->v[t->by_port[first + j]].group == g;
            if (seen)
                continue;
            if (!s->glisten[g])
                s->nlisten_groups++;
            if (s->glisten[g] < 255)
                s->glisten[g]++;
        }
    }
}

/* ---- data ---- */

static void listening_read(void *ud, int rc, const char *err)
{
    svc_pane *s = ud;
    bool force = s->force;
    s->force = false;
    if (rc < 0) {
        if (!s->listen_err[0])
            sp_app_error(s->base.app, "cannot tell what this host listens on: %s", err);
        snprintf(s->listen_err, sizeof s->listen_err, "%s", err);
    } else {
        s->listen_err[0] = '\0';
    }
    sp_procmap_resolve(s->procmap, &s->live);
    if (s->say_count) {
        s->say_count = false;
        sp_app_status(s->base.app, "%s%zu listening socket%s", s->reloaded ? "services file reloaded; " : "",
                      s->live.n, s->live.n == 1 ? "" : "s");
    }
    if (!force && sp_listen_equal(&s->live, &s->shown))
        return;
    sp_listen_copy(&s->shown, &s->live);
    mark_listening(s);
    /* A process filter follows the owners as they change. */
    if (s->f.len)
        select_rows(s);
    publish(s);
}

/* Starts a read on the loop (the sock_diag dump); a read still running
 * simply answers this one too. */
static void refresh_listening(svc_pane *s, bool force)
{
    s->force |= force;
    sp_listen_source_refresh(s->src, sp_app_loop(s->base.app), &s->live, listening_read, s);
}

static void on_timer(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    refresh_listening(ud, false);
}

/* Loads (or reloads) the services file. The old table stays on failure. */
static bool load(svc_pane *s)
{
    char *buf, err[512];
    size_t len;
    if (sp_services_read_file(s->path, false, &buf, &len, err, sizeof err) < 0) {
        snprintf(s->load_err, sizeof s->load_err, "%s", err);
        sp_app_error(s->base.app, "cannot load the services: %s (use --services-file FILE)", err);
        return false;
    }
    struct stat st;
    if (stat(s->path, &st) == 0)
        s->st = st;
    sp_services *t = sp_services_parse(buf, len);
    free(buf);
    sp_services_free(s->t);
    free(s->rows);
    free(s->glisten);
    s->t = t;
    s->rows = sp_xcalloc(t->ngroups + 1, sizeof *s->rows);
    s->glisten = sp_xcalloc(t->ngroups + 1, 1);
    s->load_err[0] = '\0';
    mark_listening(s);
    select_rows(s);
    publish(s);
    return true;
}

/* The column of a --sort-services order. */
static int sort_column(const char *name)
{
    if (name && strcmp(name, "name") == 0)
        return C_NAME;
    if (name && strcmp(name, "port") == 0)
        return C_PORTS;
    return C_LISTEN;
}

static sp_pane *create(sp_app *app)
{
    svc_pane *s = sp_xcalloc(1, sizeof *s);
    s->base.app = app;
    const sp_opts *o = sp_app_opts(app);
    s->path = o && o->services_file ? o->services_file : DEFAULT_FILE;
    int col = sort_column(o ? o->sort_services : NULL);
    s->table = sp_table_new(columns, NCOLS, col, columns[col].desc);
    sp_listen_init(&s->live);
    sp_listen_init(&s->shown);
    s->src = sp_listen_source_new("/proc");
    s->procmap = sp_procmap_new("/proc");
    sp_services_filter_set(&s->f, "");
    if (!load(s)) {
        /* An empty table, so the pane still works and says what is wrong. */
        s->t = sp_services_parse("", 0);
        s->rows = sp_xcalloc(1, sizeof *s->rows);
        s->glisten = sp_xcalloc(1, 1);
    }
    return &s->base;
}

static void destroy(sp_pane *p)
{
    svc_pane *s = P(p);
    if (s->timer)
        sp_loop_cancel(sp_app_loop(p->app), s->timer);
    sp_services_free(s->t);
    sp_listen_free(&s->live);
    sp_listen_free(&s->shown);
    sp_procmap_free(s->procmap);
    sp_listen_source_cancel(s->src);
    sp_listen_source_free(s->src);
    sp_table_free(s->table);
    free(s->rows);
    free(s->glisten);
    free(s->unnamed);
    free(s);
}

/* The /proc work runs only while someone looks at it. */
static void visible(sp_pane *p, bool shown)
{
    svc_pane *s = P(p);
    sp_loop *loop = sp_app_loop(p->app);
    if (shown && !s->timer) {
        refresh_listening(s, false);
        s->timer = sp_loop_timer(loop, REFRESH_SECONDS, REFRESH_SECONDS, on_timer, s);
    } else if (!shown && s->timer) {
        sp_loop_cancel(loop, s->timer);
        s->timer = 0;
    }
}

static void freeze(sp_pane *p, bool frozen)
{
    sp_table_freeze(P(p)->table, frozen);
}

static sp_table *focused_table(sp_pane *p) { return P(p)->table; }

/* ---- drawing ---- */

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static void ports_text(const sp_services *t, const sp_service_group *g, char *buf, size_t len, char *protos,
                       size_t plen)
{
    uint16_t ports[64] = { 0 };
    size_t n = 0;
    unsigned pmask = 0;
    for (uint32_t i = 0; i < g->nentries; i++) {
        const sp_service *e = &t->v[g->entries[i]];
        pmask |= 1u << e->proto;
        if (n < sizeof ports / sizeof ports[0])
            ports[n++] = e->port;
    }
    qsort(ports, n, sizeof *ports, cmp_u16);
    size_t o = 0, shown = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i && ports[i] == ports[i - 1])
            continue;
        if (o + 8 >= len) {
            snprintf(buf + o, len - o, "+");
            break;
        }
        o += (size_t)snprintf(buf + o, len - o, "%s%u", shown++ ? "," : "", ports[i]);
    }
    size_t q = 0;
    protos[0] = '\0';
    for (int p = 0; p < SP_PROTO_COUNT; p++)
        if (pmask & (1u << p))
            q += (size_t)snprintf(protos + q, plen - q, "%s%s", q ? "/" : "", sp_proto_name(p));
}

static void aliases_text(const sp_service_group *g, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (uint32_t a = 0; a < g->naliases && o + 1 < len; a++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", a ? " " : "", g->aliases[a]);
}

static void listener_text(const sp_listener *l, char *buf, size_t len, bool pid)
{
    char a[64];
    sp_listen_addr(l, a, sizeof a);
    if (pid && l->pid)
        snprintf(buf, len, "%s %-22s %s (pid %d)", sp_proto_name(l->proto), a, l->comm[0] ? l->comm : "-", l->pid);
    else if (pid)
        snprintf(buf, len, "%s %-22s - (owner not readable)", sp_proto_name(l->proto), a);
    else
        snprintf(buf, len, "%s %s %s", sp_proto_name(l->proto), a, l->pid && l->comm[0] ? l->comm : "-");
}

/* Calls fn for each listener on the group's ports (each once). */
static size_t group_listeners(const svc_pane *s, const sp_service_group *g, const sp_listener **out, size_t max)
{
    size_t n = 0;
    for (uint32_t i = 0; i < g->nentries; i++) {
        const sp_service *e = &s->t->v[g->entries[i]];
        bool dup = false;
        for (uint32_t k = 0; k < i; k++) {
            const sp_service *o = &s->t->v[g->entries[k]];
            if (o->port == e->port && o->proto == e->proto)
                dup = true;
        }
        if (dup)
            continue;
        size_t first, c = sp_listen_find(&s->shown, e->port, e->proto, &first);
        for (size_t k = 0; k < c; k++) {
            if (n < max)
                out[n] = &s->shown.v[first + k];
            n++;
        }
    }
    return n;
}

static void draw_footer(svc_pane *s, WINDOW *win, int y, int w)
{
    char buf[1024];
    size_t o = 0;
    const sp_services *t = s->t;
#define ADD(...) o += (size_t)snprintf(buf + o, o < sizeof buf ? sizeof buf - o : 0, __VA_ARGS__)
    ADD("%zu services, %zu entries", t->ngroups, t->n);
    if (s->filter[0])
        ADD(" | filter '%s'", s->filter);
    if (s->well_known)
        ADD(" | well-known 1-1024");
    if (t->malformed)
        ADD(" | %zu malformed line%s skipped", t->malformed, t->malformed == 1 ? "" : "s");
    ADD(" | %s", s->path);
    if (s->listen_err[0])
        ADD(" | listening: unavailable");
    else
        ADD(" | %zu listening socket%s", s->shown.n, s->shown.n == 1 ? "" : "s");
    if (s->nlisten_untabled)
        ADD(" (%zu on ports not in the file)", s->nlisten_untabled);
#undef ADD
    ui_text(win, y, 0, w, buf, o < sizeof buf ? o : sizeof buf - 1, ui_attr(SP_STYLE_DIM), true);
}

/* Rebuilds the table's rows from the groups kept. */
static void publish(svc_pane *s)
{
    sp_table *tb = s->table;
    sp_table_begin(tb, s->t->ngroups + s->nunnamed);
    for (size_t i = 0; i < s->nrows; i++) {
        const sp_service_group *g = &s->t->groups[s->rows[i]];
        char ports[96], protos[32], text[512];
        ports_text(s->t, g, ports, sizeof ports, protos, sizeof protos);
        sp_table_row(tb, name_key(g->name));
        sp_table_cell(tb, g->name, (size_t)-1, 0, 0);
        sp_table_cell(tb, ports, (size_t)-1, g->min_port, 0);
        sp_table_cell(tb, protos, (size_t)-1, 0, 0);
        aliases_text(g, text, sizeof text);
        sp_table_cell(tb, text, (size_t)-1, 0, SP_STYLE_DIM);
        unsigned nl = s->glisten[s->rows[i]];
        const sp_listener *ls[1];
        if (nl && group_listeners(s, g, ls, 1)) {
            char one[160];
            listener_text(ls[0], one, sizeof one, false);
            if (nl > 1)
                snprintf(text, sizeof text, "%s +%u", one, nl - 1);
            else
                snprintf(text, sizeof text, "%s", one);
            sp_table_cell(tb, text, (size_t)-1, nl, SP_STYLE_GOOD);
        } else {
            sp_table_cell(tb, "", 0, 0, 0);
        }
    }
    for (size_t i = 0; i < s->nunnamed; i++) {
        size_t first = s->unnamed[i];
        if (!unnamed_wanted(s, first))
            continue;
        const sp_listener *l = &s->shown.v[first];
        size_t nl = same_port(&s->shown, first);
        char port[8], one[160], text[200];
        snprintf(port, sizeof port, "%u", l->port);
        sp_table_row(tb, port_key(l));
        sp_table_cell(tb, "-", 1, 0, SP_STYLE_DIM);
        sp_table_cell(tb, port, (size_t)-1, l->port, 0);
        sp_table_cell(tb, sp_proto_name(l->proto), (size_t)-1, 0, 0);
        sp_table_cell(tb, "", 0, 0, 0);
        listener_text(l, one, sizeof one, false);
        if (nl > 1)
            snprintf(text, sizeof text, "%s +%zu", one, nl - 1);
        else
            snprintf(text, sizeof text, "%s", one);
        sp_table_cell(tb, text, (size_t)-1, (int64_t)nl, SP_STYLE_GOOD);
    }
    sp_table_commit(tb);
    sp_app_dirty(s->base.app, &s->base);
}

static void draw(sp_pane *p, WINDOW *win)
{
    svc_pane *s = P(p);
    werase(win);
    int h, w;
    getmaxyx(win, h, w);
    if (h < 3)
        return;
    char msg[700] = "";
    if (s->load_err[0] && s->t->n == 0)
        snprintf(msg, sizeof msg, "%s. Start sockpit with --services-file FILE to use another file.", s->load_err);
    else if (s->filter[0])
        snprintf(msg, sizeof msg, "No service matches '%s'%s. Esc clears the filter.", s->filter,
                 s->well_known ? " among ports 1-1024" : "");
    else
        snprintf(msg, sizeof msg, "No services%s.", s->well_known ? " on ports 1-1024 (w shows all)" : "");
    sp_table_draw(s->table, win, 0, h - 1, true, msg);
    draw_footer(s, win, h - 1, w);
}

/* ---- keys ---- */

/* The box of a port the services file does not name. */
static void unnamed_details(svc_pane *s, const sp_listener *l)
{
    size_t first = (size_t)(l - s->shown.v), nl = same_port(&s->shown, first);
    char **lines = sp_xcalloc(nl + 4, sizeof *lines);
    size_t n = 0;
    lines[n++] = sp_xasprintf("Port %u/%s: not in %s", l->port, sp_proto_name(l->proto), s->path);
    lines[n++] = sp_xasprintf("%s", "");
    lines[n++] = sp_xasprintf("Listening (%zu socket%s):", nl, nl == 1 ? "" : "s");
    for (size_t i = 0; i < nl; i++) {
        char t[200];
        listener_text(&s->shown.v[first + i], t, sizeof t, true);
        lines[n++] = sp_xasprintf("  %s", t);
    }
    char title[32];
    snprintf(title, sizeof title, "%u/%s", l->port, sp_proto_name(l->proto));
    sp_app_box(s->base.app, title, (const char *const *)lines, n);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static void details(svc_pane *s)
{
    const sp_listener *u = selected_unnamed(s);
    if (u) {
        unnamed_details(s, u);
        return;
    }
    const sp_service_group *g = selected_group(s);
    if (!g)
        return;
    size_t cap = g->nentries + 16, n = 0;
    const sp_listener **ls = NULL;
    size_t nl = group_listeners(s, g, NULL, 0);
    ls = sp_xcalloc(nl + 1, sizeof *ls);
    char **lines = sp_xcalloc(cap + nl, sizeof *lines);
    group_listeners(s, g, ls, nl);
    char aliases[512];
    aliases_text(g, aliases, sizeof aliases);
#define LINE(...) (lines[n++] = sp_xasprintf(__VA_ARGS__))
    LINE("Service   %s", g->name);
    LINE("Aliases   %s", aliases[0] ? aliases : "(none)");
    LINE("%s", "");
    LINE("Port/protocol pairs (%u):", g->nentries);
    for (uint32_t i = 0; i < g->nentries; i++) {
        const sp_service *e = &s->t->v[g->entries[i]];
        const sp_service *first = sp_services_by_port(s->t, e->port, e->proto);
        if (first == e)
            LINE("  %5u/%-5s line %u", e->port, sp_proto_name(e->proto), e->line);
        else
            LINE("  %5u/%-5s line %u (lookups by port answer '%s', line %u)", e->port, sp_proto_name(e->proto),
                 e->line, first->name, first->line);
    }
    LINE("%s", "");
    if (s->listen_err[0])
        LINE("Listening: unknown (%s)", s->listen_err);
    else if (!nl)
        LINE("Listening: nothing on these ports");
    else
        LINE("Listening (%zu socket%s):", nl, nl == 1 ? "" : "s");
    for (size_t i = 0; i < nl; i++) {
        char t[200];
        listener_text(ls[i], t, sizeof t, true);
        LINE("  %s", t);
    }
#undef LINE
    char title[128];
    snprintf(title, sizeof title, "%s", g->name);
    sp_app_box(s->base.app, title, (const char *const *)lines, n);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    free(ls);
}

static void select_group(svc_pane *s, uint32_t g)
{
    sp_table_select_key(s->table, name_key(s->t->groups[g].name));
}

static void lookup_submit(void *ud, const char *text)
{
    svc_pane *s = ud;
    sp_service_query q;
    char err[300];
    if (sp_service_query_parse(text, &q, err, sizeof err) < 0) {
        sp_app_error(s->base.app, "%s", err);
        return;
    }
    const sp_service *e = sp_service_query_run(s->t, &q, err, sizeof err);
    if (!e) {
        sp_app_error(s->base.app, "%s", err);
        return;
    }
    char aliases[300] = "";
    for (uint32_t a = 0, o = 0; a < e->naliases && o + 1 < sizeof aliases; a++)
        o += (uint32_t)snprintf(aliases + o, sizeof aliases - o, "%s%s", a ? " " : "", e->aliases[a]);
    if (q.by_port)
        sp_app_status(s->base.app, "%s -> %s (%u/%s)%s%s", text, e->name, e->port, sp_proto_name(e->proto),
                      aliases[0] ? ", aliases: " : "", aliases);
    else
        sp_app_status(s->base.app, "%s -> %u/%s (service %s)%s%s", text, e->port, sp_proto_name(e->proto), e->name,
                      aliases[0] ? ", aliases: " : "", aliases);
    select_group(s, e->group);
    sp_app_dirty(s->base.app, &s->base);
}

static void lookup(svc_pane *s)
{
    static const sp_prompt_cbs cbs = { NULL, lookup_submit, NULL };
    sp_app_prompt(s->base.app, "Lookup (http, http/udp, 443, 443/udp):", "", &cbs, s);
}

static void reload(svc_pane *s)
{
    struct stat st;
    bool changed = stat(s->path, &st) == 0 &&
                   (st.st_mtim.tv_sec != s->st.st_mtim.tv_sec || st.st_mtim.tv_nsec != s->st.st_mtim.tv_nsec ||
                    st.st_size != s->st.st_size || st.st_ino != s->st.st_ino);
    if ((changed || s->load_err[0]) && !load(s))
        return;
    sp_procmap_forget(s->procmap);
    s->say_count = true;
    s->reloaded = changed;
    refresh_listening(s, true);
}

static sp_redraw act_details(void *ud, const sp_key *k)
{
    (void)k;
    details(ud);
    return SP_REDRAW_BODY;
}

/* s cycles through the three orders people ask for: listening first, port,
 * name (any column sorts with < > or a header click). */
/* p: a probe of the selected service's first listener, on its port (a
 * wildcard address is reached through loopback). */
static sp_redraw act_probe(void *ud, const sp_key *k)
{
    (void)k;
    svc_pane *s = ud;
    const sp_service_group *g = selected_group(s);
    const sp_listener *l[1];
    if (!g || !group_listeners(s, g, l, 1) || l[0]->proto != SP_PROTO_TCP) {
        sp_app_error(s->base.app, "p probes a TCP listener: this service has none here");
        return SP_REDRAW_STATUS;
    }
    static const unsigned char any[16];
    bool v4 = l[0]->family == 4, wild = memcmp(l[0]->addr, any, v4 ? 4 : 16) == 0;
    char target[INET6_ADDRSTRLEN], port[8];
    if (wild)
        snprintf(target, sizeof target, "%s", v4 ? "127.0.0.1" : "::1");
    else
        inet_ntop(v4 ? AF_INET : AF_INET6, l[0]->addr, target, sizeof target);
    snprintf(port, sizeof port, "%u", l[0]->port);
    sp_app_probe(s->base.app, target, port);
    return SP_REDRAW_ALL;
}

static sp_redraw act_sort(void *ud, const sp_key *k)
{
    (void)k;
    svc_pane *s = ud;
    static const int order[] = { C_LISTEN, C_PORTS, C_NAME };
    static const char *const names[] = { "listening first", "port", "name" };
    size_t next = 0;
    for (size_t i = 0; i < 3; i++)
        if (sp_table_sort_col(s->table) == order[i])
            next = (i + 1) % 3;
    sp_table_sort(s->table, order[next], columns[order[next]].desc);
    sp_app_status(s->base.app, "sorted by %s", names[next]);
    return SP_REDRAW_BODY;
}

static sp_redraw act_well_known(void *ud, const sp_key *k)
{
    (void)k;
    svc_pane *s = ud;
    s->well_known = !s->well_known;
    select_rows(s);
    publish(s);
    sp_app_status(s->base.app, s->well_known ? "well-known ports only (1-1024)" : "all ports");
    return SP_REDRAW_BODY;
}

static sp_redraw act_reload(void *ud, const sp_key *k)
{
    (void)k;
    reload(ud);
    return SP_REDRAW_BODY;
}

static sp_redraw act_lookup(void *ud, const sp_key *k)
{
    (void)k;
    lookup(ud);
    return SP_REDRAW_STATUS;
}

static void filter_change(sp_pane *p, const char *text)
{
    svc_pane *s = P(p);
    bool narrows = sp_services_filter_narrows(s->filter, text);
    snprintf(s->filter, sizeof s->filter, "%s", text);
    sp_services_filter_set(&s->f, text);
    /* Typing on narrows the list: filter the rows already kept. */
    if (narrows) {
        size_t n = 0;
        for (size_t i = 0; i < s->nrows; i++)
            if (row_wanted(s, s->rows[i]))
                s->rows[n++] = s->rows[i];
        s->nrows = n;
    } else {
        select_rows(s);
    }
    publish(s);
}

/* Digits then Enter: jump to that port. */
static void filter_submit(sp_pane *p, const char *text)
{
    svc_pane *s = P(p);
    sp_service_query q;
    char err[256];
    if (!text[0] || sp_service_query_parse(text, &q, err, sizeof err) < 0 || !q.by_port)
        return;
    for (size_t i = 0; i < s->nrows; i++) {
        const sp_service_group *g = &s->t->groups[s->rows[i]];
        for (uint32_t k = 0; k < g->nentries; k++) {
            const sp_service *e = &s->t->v[g->entries[k]];
            if (e->port == q.port && (q.proto < 0 || e->proto == q.proto)) {
                select_group(s, s->rows[i]);
                sp_app_status(p->app, "port %u: %s", q.port, g->name);
                return;
            }
        }
    }
    for (size_t i = 0; i < s->nunnamed; i++) {
        const sp_listener *l = &s->shown.v[s->unnamed[i]];
        if (l->port == q.port && (q.proto < 0 || l->proto == q.proto) && unnamed_wanted(s, s->unnamed[i])) {
            sp_table_select_key(s->table, port_key(l));
            sp_app_status(p->app, "port %u: not in the services file, %s listens", q.port,
                          l->comm[0] ? l->comm : "-");
            return;
        }
    }
    sp_app_error(p->app, "no service for port %u%s", q.port, s->well_known ? " among ports 1-1024" : "");
}

static const sp_binding keymap[] = {
    { { '\r', '\n', SP_FN(KEY_ENTER) }, "Enter", "details: every port/protocol, aliases, local listeners",
      "Details", NULL, 1, SP_WHEN_BROWSING, act_details },
    { { 's' }, "s", "sort: listening first / port / name", "Sort", NULL, 2, SP_WHEN_BROWSING, act_sort },
    { { 'p' }, "p", "probe the selected service's listener (Probes pane)", "Probe", NULL, 6, SP_WHEN_BROWSING,
      act_probe },
    { { 'w' }, "w", "well-known ports only (1-1024) or all", "1-1024", NULL, 4, SP_WHEN_BROWSING, act_well_known },
    { { 'f' }, "f", "look up a name or port: http, http/udp, 443, 443/udp", "Lookup", NULL, 3, SP_WHEN_BROWSING,
      act_lookup },
    { { 'r' }, "r", "refresh the listening sockets now (reloads a changed file)", "Refresh", NULL, 5,
      SP_WHEN_BROWSING, act_reload },
    { { 0 }, "/ then digits, Enter", "filter by name, alias, port or process; Enter jumps to the port", NULL, NULL, 0,
      SP_WHEN_BROWSING, NULL },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

const sp_pane_ops sp_services_pane = {
    .name = "services",
    .title = "Services",
    .create = create,
    .destroy = destroy,
    .draw = draw,
    .filter = filter_change,
    .filter_submit = filter_submit,
    .freeze = freeze,
    .visible = visible,
    .keymap = keymap,
    .table = focused_table,
};
