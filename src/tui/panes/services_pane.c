/* The Services pane: the services table grouped by name, searchable, with
 * what this host listens on refreshed every 2 s while the pane is visible. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sockpit/services/listen.h"
#include "sockpit/services/listen_source.h"
#include "sockpit/services/procmap.h"
#include "sockpit/services/services.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/pane.h"

#define REFRESH_SECONDS 2.0
#define DEFAULT_FILE "/etc/services"
#define KEY_ESC 27

typedef enum sort_mode { SORT_PORT, SORT_NAME, SORT_LISTENING, SORT_COUNT } sort_mode;

static const char *const sort_names[SORT_COUNT] = { "port", "name", "listening first" };

typedef struct svc_pane {
    sp_pane base;
    const char *path;
    sp_services *t;
    char load_err[512];
    struct stat st;        /* of the file loaded, to reload on `r` if it changed */

    sp_listen_set live;    /* collected every refresh */
    sp_listen_set shown;   /* what is drawn: live, or the snapshot while frozen */
    sp_listen_source *src;
    sp_procmap *procmap;
    char listen_err[256];
    uint64_t timer;

    uint8_t *glisten;      /* per group: something listens on one of its ports */
    size_t nlisten_groups;
    size_t nlisten_untabled;   /* listening sockets on ports the file does not name */
    uint32_t *rows;        /* the groups shown, in order */
    size_t nrows;
    sort_mode sort;
    bool well_known;
    char filter[256];
    sp_services_filter f;
    sp_listview lv;
} svc_pane;

static svc_pane *P(sp_pane *p) { return (svc_pane *)p; }

/* ---- rows ---- */

static bool row_wanted(const svc_pane *s, uint32_t g)
{
    const sp_service_group *grp = &s->t->groups[g];
    return (!s->well_known || grp->well_known) && sp_services_group_matches(s->t, grp, &s->f);
}

static uint32_t selected_group(const svc_pane *s)
{
    return s->nrows ? s->rows[s->lv.sel] : UINT32_MAX;
}

static void keep_selection(svc_pane *s, uint32_t g)
{
    sp_listview_update(&s->lv, s->nrows, s->lv.height);
    for (size_t i = 0; i < s->nrows; i++) {
        if (s->rows[i] == g) {
            sp_listview_select(&s->lv, i);
            return;
        }
    }
}

/* Rebuilds the rows from the sort order, the well-known toggle and the
 * filter: one pass over the groups, no sorting (the orders are prebuilt). */
static void rebuild(svc_pane *s)
{
    uint32_t keep = selected_group(s);
    /* A selection still on the first row stays there: whoever has not moved
     * it is looking at the top of the list, not at that one service. */
    bool at_top = s->lv.sel == 0;
    const sp_services *t = s->t;
    size_t n = 0;
    if (s->sort == SORT_NAME) {
        for (uint32_t g = 0; g < t->ngroups; g++)
            if (row_wanted(s, g))
                s->rows[n++] = g;
    } else {
        /* Port order; listening-first takes the listening groups first. */
        for (int pass = s->sort == SORT_LISTENING ? 0 : 1; pass < 2; pass++) {
            for (size_t i = 0; i < t->ngroups; i++) {
                uint32_t g = t->groups_by_port[i];
                if (s->sort == SORT_LISTENING && (pass == 0) != (s->glisten[g] != 0))
                    continue;
                if (row_wanted(s, g))
                    s->rows[n++] = g;
            }
        }
    }
    s->nrows = n;
    if (at_top)
        sp_listview_update(&s->lv, s->nrows, s->lv.height);
    else
        keep_selection(s, keep);
}

/* Marks the groups something listens on, from the shown set. */
static void mark_listening(svc_pane *s)
{
    const sp_services *t = s->t;
    memset(s->glisten, 0, t->ngroups ? t->ngroups : 1);
    s->nlisten_groups = 0;
    s->nlisten_untabled = 0;
    for (size_t i = 0; i < s->shown.n; i++) {
        const sp_listener *l = &s->shown.v[i];
        size_t first, n = sp_services_port_entries(t, l->port, l->proto, &first);
        if (n == 0)
            s->nlisten_untabled++;
        if (i && s->shown.v[i - 1].port == l->port && s->shown.v[i - 1].proto == l->proto)
            continue;
        /* Every line for that port and protocol, hidden ones too. */
        for (size_t k = 0; k < n; k++) {
            uint32_t g = t->v[t->by_port[first + k]].group;
            if (!s->glisten[g])
                s->nlisten_groups++;
            s->glisten[g] = 1;
        }
    }
}

/* ---- data ---- */

static void show_live(svc_pane *s)
{
    if (sp_listen_copy(&s->shown, &s->live) < 0)
        return;
    mark_listening(s);
    rebuild(s);
}

static void refresh_listening(svc_pane *s, bool force)
{
    char err[256];
    if (sp_listen_source_read(s->src, &s->live, err, sizeof err) < 0) {
        if (!s->listen_err[0])
            sp_app_error(s->base.app, "cannot tell what this host listens on: %s", err);
        snprintf(s->listen_err, sizeof s->listen_err, "%s", err);
    } else {
        s->listen_err[0] = '\0';
    }
    if (s->procmap)
        sp_procmap_resolve(s->procmap, &s->live);
    if (s->base.frozen || (!force && sp_listen_equal(&s->live, &s->shown)))
        return;
    show_live(s);
    sp_app_dirty(s->base.app, &s->base);
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
    uint32_t *rows = t ? malloc((t->ngroups + 1) * sizeof *rows) : NULL;
    uint8_t *gl = t ? calloc(t->ngroups + 1, 1) : NULL;
    if (!t || !rows || !gl) {
        sp_services_free(t);
        free(rows);
        free(gl);
        snprintf(s->load_err, sizeof s->load_err, "%s: out of memory", s->path);
        return false;
    }
    char keep[SP_SERVICE_NAME_MAX + 1] = "";
    if (s->t && s->nrows)
        snprintf(keep, sizeof keep, "%s", s->t->groups[s->rows[s->lv.sel]].name);
    sp_services_free(s->t);
    free(s->rows);
    free(s->glisten);
    s->t = t;
    s->rows = rows;
    s->glisten = gl;
    s->nrows = 0;
    s->load_err[0] = '\0';
    mark_listening(s);
    rebuild(s);
    for (size_t i = 0; keep[0] && i < s->nrows; i++)
        if (strcmp(t->groups[s->rows[i]].name, keep) == 0)
            sp_listview_select(&s->lv, i);
    return true;
}

static sp_pane *create(sp_app *app)
{
    svc_pane *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.app = app;
    const sp_opts *o = sp_app_opts(app);
    s->path = o && o->services_file ? o->services_file : DEFAULT_FILE;
    sp_listen_init(&s->live);
    sp_listen_init(&s->shown);
    s->src = sp_listen_source_new("/proc");
    if (!s->src) {
        free(s);
        return NULL;
    }
    s->procmap = sp_procmap_new("/proc");
    sp_services_filter_set(&s->f, "");
    if (!load(s)) {
        /* An empty table, so the pane still works and says what is wrong. */
        s->t = sp_services_parse("", 0);
        s->rows = malloc(sizeof *s->rows);
        s->glisten = calloc(1, 1);
        if (!s->t || !s->rows || !s->glisten) {
            sp_services_free(s->t);
            free(s->rows);
            free(s->glisten);
            sp_procmap_free(s->procmap);
            sp_listen_source_free(s->src);
            free(s);
            return NULL;
        }
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
    sp_listen_source_free(s->src);
    free(s->rows);
    free(s->glisten);
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
    svc_pane *s = P(p);
    if (!frozen && !sp_listen_equal(&s->live, &s->shown))
        show_live(s);
}

/* ---- drawing ---- */

enum { C_NAME, C_PORTS, C_PROTO, C_ALIASES, C_LISTEN, NCOLS };

static void layout(int w, ui_column *c)
{
    c[C_NAME] = (ui_column){ "Service", w / 5 < 8 ? 8 : w / 5 > 20 ? 20 : w / 5, false };
    c[C_PORTS] = (ui_column){ "Port(s)", 11, false };
    c[C_PROTO] = (ui_column){ "Proto", w >= 100 ? 11 : 7, false };
    int rest = w - (c[C_NAME].width + c[C_PORTS].width + c[C_PROTO].width + 3);
    int lw = rest >= 40 ? (rest / 2 > 34 ? 34 : rest / 2) : rest - 1;
    int aw = rest >= 40 ? rest - lw - 1 : 0;
    if (aw == 0) {
        /* Too narrow for aliases: listening comes right after the protocol. */
        c[C_ALIASES] = (ui_column){ "Listening", lw, false };
        c[C_LISTEN] = (ui_column){ "", 0, false };
        return;
    }
    c[C_ALIASES] = (ui_column){ "Aliases", aw, false };
    c[C_LISTEN] = (ui_column){ "Listening", lw, false };
}

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
    if (s->nrows != t->ngroups)
        ADD(", %zu shown", s->nrows);
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

static void draw(sp_pane *p, WINDOW *win)
{
    svc_pane *s = P(p);
    werase(win);
    int h, w;
    getmaxyx(win, h, w);
    if (h < 3)
        return;
    ui_column cols[NCOLS];
    layout(w, cols);
    int sort_col = s->sort == SORT_NAME ? C_NAME : s->sort == SORT_PORT ? C_PORTS : cols[C_LISTEN].width ? C_LISTEN
                                                                                                          : C_ALIASES;
    ui_table_header(win, 0, cols, NCOLS, sort_col);
    int body = h - 2;
    sp_listview_update(&s->lv, s->nrows, (size_t)body);
    if (s->load_err[0] && s->t->n == 0) {
        ui_text(win, 2, 1, w - 2, s->load_err, (size_t)-1, ui_attr(SP_STYLE_BAD), false);
        ui_text(win, 3, 1, w - 2, "Start sockpit with --services-file FILE to use another file.", (size_t)-1,
                A_NORMAL, false);
    } else if (s->nrows == 0) {
        char msg[400];
        if (s->filter[0])
            snprintf(msg, sizeof msg, "No service matches '%s'%s. Esc clears the filter.", s->filter,
                     s->well_known ? " among ports 1-1024" : "");
        else
            snprintf(msg, sizeof msg, "No services%s.", s->well_known ? " on ports 1-1024 (w shows all)" : "");
        ui_text(win, 2, 1, w - 2, msg, (size_t)-1, A_NORMAL, false);
    }
    bool aliases_on = cols[C_LISTEN].width > 0;
    int lcol = aliases_on ? C_LISTEN : C_ALIASES;
    for (int r = 0; r < body && s->lv.top + (size_t)r < s->nrows; r++) {
        size_t i = s->lv.top + (size_t)r;
        const sp_service_group *g = &s->t->groups[s->rows[i]];
        bool sel = i == s->lv.sel;
        attr_t a = sel ? ui_attr(SP_STYLE_SELECTED) : A_NORMAL;
        int y = r + 1;
        if (sel)
            ui_fill(win, y, 0, w, a);
        char ports[96], protos[32], text[512];
        ports_text(s->t, g, ports, sizeof ports, protos, sizeof protos);
        ui_table_cell(win, y, cols, C_NAME, g->name, (size_t)-1, a);
        ui_table_cell(win, y, cols, C_PORTS, ports, (size_t)-1, a);
        ui_table_cell(win, y, cols, C_PROTO, protos, (size_t)-1, a);
        if (aliases_on) {
            aliases_text(g, text, sizeof text);
            ui_table_cell(win, y, cols, C_ALIASES, text, (size_t)-1, sel ? a : ui_attr(SP_STYLE_DIM));
        }
        const sp_listener *ls[1];
        size_t nl = s->glisten[s->rows[i]] ? group_listeners(s, g, ls, 1) : 0;
        if (nl) {
            char one[160];
            listener_text(ls[0], one, sizeof one, false);
            if (nl > 1)
                snprintf(text, sizeof text, "%s +%zu", one, nl - 1);
            else
                snprintf(text, sizeof text, "%s", one);
            ui_table_cell(win, y, cols, lcol, text, (size_t)-1, sel ? a : ui_attr(SP_STYLE_GOOD));
        }
    }
    draw_footer(s, win, h - 1, w);
}

/* ---- keys ---- */

static void details(svc_pane *s)
{
    if (!s->nrows)
        return;
    const sp_service_group *g = &s->t->groups[s->rows[s->lv.sel]];
    size_t cap = g->nentries + 16, n = 0;
    const sp_listener **ls = NULL;
    size_t nl = group_listeners(s, g, NULL, 0);
    ls = calloc(nl + 1, sizeof *ls);
    char **lines = calloc(cap + nl, sizeof *lines);
    if (!ls || !lines)
        abort();
    group_listeners(s, g, ls, nl);
    char aliases[512];
    aliases_text(g, aliases, sizeof aliases);
#define LINE(...)                                         \
    do {                                                  \
        if (asprintf(&lines[n++], __VA_ARGS__) < 0)       \
            abort();                                      \
    } while (0)
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
    for (size_t i = 0; i < s->nrows; i++)
        if (s->rows[i] == g) {
            sp_listview_select(&s->lv, i);
            return;
        }
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
    if (s->procmap)
        sp_procmap_forget(s->procmap);
    refresh_listening(s, true);
    sp_app_status(s->base.app, "%s%zu listening socket%s", changed ? "services file reloaded; " : "",
                  s->shown.n, s->shown.n == 1 ? "" : "s");
}

static bool key(sp_pane *p, const sp_key *k)
{
    svc_pane *s = P(p);
    sp_nav nav;
    if (sp_key_nav(k, &nav))
        return sp_listview_nav(&s->lv, nav);
    if (k->fn) {
        if (k->code == KEY_ENTER) {
            details(s);
            return true;
        }
        if (k->code == KEY_MOUSE && k->mouse_y >= 1) {
            size_t row = s->lv.top + (size_t)(k->mouse_y - 1);
            if (row < s->nrows && (size_t)(k->mouse_y - 1) < s->lv.height) {
                sp_listview_select(&s->lv, row);
                return true;
            }
        }
        return false;
    }
    switch (k->code) {
    case '\r':
    case '\n':
        details(s);
        return true;
    case 's':
        s->sort = (s->sort + 1) % SORT_COUNT;
        rebuild(s);
        sp_app_status(p->app, "sorted by %s", sort_names[s->sort]);
        return true;
    case 'w':
        s->well_known = !s->well_known;
        rebuild(s);
        sp_app_status(p->app, s->well_known ? "well-known ports only (1-1024)" : "all ports");
        return true;
    case 'r':
        reload(s);
        return true;
    case 'f':
        lookup(s);
        return true;
    default:
        return false;
    }
}

static void filter_change(sp_pane *p, const char *text)
{
    svc_pane *s = P(p);
    bool narrows = sp_services_filter_narrows(s->filter, text);
    snprintf(s->filter, sizeof s->filter, "%s", text);
    sp_services_filter_set(&s->f, text);
    if (narrows) {
        /* Typing on narrows the list: filter the rows already shown. */
        uint32_t keep = selected_group(s);
        s->nrows = sp_services_filter_run(s->t, &s->f, s->rows, s->nrows, s->rows);
        keep_selection(s, keep);
    } else {
        rebuild(s);
    }
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
                sp_listview_select(&s->lv, i);
                sp_app_status(p->app, "port %u: %s", q.port, g->name);
                return;
            }
        }
    }
    sp_app_error(p->app, "no service for port %u%s", q.port, s->well_known ? " among ports 1-1024" : "");
}

static const sp_keyhelp keys[] = {
    { "Enter", "details: every port/protocol, aliases, local listeners", "Details", SP_KEYS_ALWAYS },
    { "s", "sort by port / name / listening first", "Sort", SP_KEYS_ALWAYS },
    { "w", "well-known ports only (1-1024) or all", "1-1024", SP_KEYS_ALWAYS },
    { "f", "look up a name or port: http, http/udp, 443, 443/udp", "Lookup", SP_KEYS_ALWAYS },
    { "r", "refresh the listening sockets now (reloads a changed file)", "Refresh", SP_KEYS_ALWAYS },
    { "/ then digits, Enter", "filter by name, alias or port; Enter jumps to the port", NULL, SP_KEYS_ALWAYS },
    { NULL, NULL, NULL, SP_KEYS_ALWAYS },
};

const sp_pane_ops sp_services_pane = {
    .name = "services",
    .title = "Services",
    .create = create,
    .destroy = destroy,
    .draw = draw,
    .key = key,
    .filter = filter_change,
    .filter_submit = filter_submit,
    .freeze = freeze,
    .visible = visible,
    .keys = keys,
};
