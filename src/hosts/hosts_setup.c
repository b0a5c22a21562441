/* The hosts model set up for the pane and the command (hosts_setup.h). */
#include "sockpit/hosts/hosts_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockpit/core/applog.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"
#include "sockpit/core/xdg.h"

#define GONE_AFTER 300.0

static void tell(sp_hosts_setup *h)
{
    if (h->changed)
        h->changed(h->ud);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void keep_event(sp_hosts_setup *h, const sp_hevent *ev)
{
    if (h->nevents < SP_HISTORY_KEEP) {
        h->events[(h->events_head + h->nevents++) % SP_HISTORY_KEEP] = *ev;
    } else {
        h->events[h->events_head] = *ev;
        h->events_head = (h->events_head + 1) % SP_HISTORY_KEEP;
    }
}

const sp_hevent *sp_hosts_event(const sp_hosts_setup *h, size_t i)
{
    return &h->events[(h->events_head + i) % SP_HISTORY_KEEP];
}

/* Logged before it is shown anywhere: once on screen it is in the kernel. */
static void on_event(void *ud, const sp_hevent *ev)
{
    sp_hosts_setup *h = ud;
    if (h->log_fd >= 0) {
        char line[512];
        size_t n = sp_hevent_format(ev, line, sizeof line - 1);
        line[n++] = '\n';
        char why[600];
        if (sp_applog_write(h->log_fd, line, n) < 0)
            snprintf(h->history_note, sizeof h->history_note, "cannot append to %s: %s", h->log_path,
                     strerror(errno));
        else if (sp_applog_rotate(h->log_path, &h->log_fd, SP_HISTORY_MAX_BYTES, why, sizeof why) < 0)
            snprintf(h->history_note, sizeof h->history_note, "%s", why);
    }
    keep_event(h, ev);
    if (h->event)
        h->event(h->ud, ev);
}

static void observe(sp_hosts_setup *h)
{
    if (h->history_on && sp_netlink_synced(h->nl))
        sp_history_observe(&h->history, &h->table, wall_now(), on_event, h);
}

void sp_hosts_history_check(sp_hosts_setup *h) { observe(h); }

static void history_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    observe(ud);
}

static void open_history(sp_hosts_setup *h, const sp_hosts_settings *set)
{
    char state[3800], why[512];
    h->events = sp_xcalloc(SP_HISTORY_KEEP, sizeof *h->events);
    if (sp_xdg_dir(SP_XDG_STATE, set->state_dir, state, sizeof state, why, sizeof why) < 0 ||
        sp_mkdir_p(state, 0700, why, sizeof why) < 0) {
        snprintf(h->history_note, sizeof h->history_note, "the host history is not kept: %s (use --state-dir DIR)",
                 why);
        return;
    }
    snprintf(h->log_path, sizeof h->log_path, "%s/%s", state, SP_HISTORY_FILE);
    char *buf;
    size_t got, skipped;
    if (sp_read_file(AT_FDCWD, h->log_path, (size_t)4 << 20, SP_READ_TAIL | SP_READ_REGULAR, &buf, &got, &skipped) == 0) {
        sp_hevent *old;
        size_t bad, n = sp_hevent_parse_log(buf, got, skipped > 0, SP_HISTORY_KEEP, &old, &bad);
        sp_history_replay(&h->history, old, n);
        for (size_t i = 0; i < n; i++)
            keep_event(h, &old[i]);
        free(old);
        free(buf);
    } else if (errno != ENOENT) {
        snprintf(h->history_note, sizeof h->history_note, "old host events not loaded: cannot read %s: %s",
                 h->log_path, sp_read_error(errno, 0));
    }
    h->log_fd = sp_applog_open(h->log_path, why, sizeof why);
    if (h->log_fd < 0)
        snprintf(h->history_note, sizeof h->history_note, "the host history is not kept: %s (use --state-dir DIR)",
                 why);
}

static void on_table(void *ud)
{
    sp_hosts_setup *h = ud;
    observe(h);
    if (h->names) {
        sp_names_links(h->names, &h->table);
        sp_names_apply(h->names, &h->table); /* new rows get what was heard before */
    }
    tell(h);
}

static void on_names(void *ud)
{
    sp_hosts_setup *h = ud;
    if (sp_names_apply(h->names, &h->table))
        tell(h);
}

static bool has_name(const char *s) { return s && strcmp(s, SP_RDNS_NONAME) != 0 && strcmp(s, SP_RDNS_NOANSWER) != 0; }

static void ask_others(sp_hosts_setup *h, int family, const unsigned char *addr)
{
    if (!h->names)
        return;
    for (size_t i = 0; i < h->table.count; i++) {
        const sp_neigh *n = h->table.items[i];
        if (!n->self && n->family == family && memcmp(n->addr, addr, family == AF_INET ? 4 : 16) == 0)
            sp_names_ask(h->names, family, addr, n->ifindex);
    }
}

static bool got_ptr(sp_hosts_setup *h, int family, const unsigned char *addr, const char *name)
{
    bool changed = sp_neigh_set_name(&h->table, family, addr, name);
    if (!has_name(name))
        ask_others(h, family, addr);
    return changed;
}

static void on_ptr(void *ud, int family, const unsigned char *addr, const char *name)
{
    sp_hosts_setup *h = ud;
    if (got_ptr(h, family, addr, name))
        tell(h);
}

int sp_hosts_set_up(sp_hosts_setup *h, sp_loop *loop, const sp_hosts_settings *set, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *h = (sp_hosts_setup){ .log_fd = -1 };
    h->changed = set->changed;
    h->ud = set->ud;
    h->loop = loop;
    h->event = set->event;
    if (set->history) {
        double gone = set->gone_after > 0 ? set->gone_after : GONE_AFTER;
        sp_history_init(&h->history, gone);
        h->history_on = true;
        open_history(h, set);
        double period = gone / 4 < 5 ? gone / 4 : 5;
        h->history_timer = sp_loop_timer(loop, period, period, history_tick, h);
    }
    h->oui = sp_oui_load_default(&h->oui_path);
    sp_neigh_table_init(&h->table, h->oui);
    if (set->dns)
        h->rdns = sp_rdns_new(set->dns);
    if (set->sources & ~SP_SRC_BIT(SP_SRC_PTR)) {
        sp_names_config nc = { .sources = set->sources & ~SP_SRC_BIT(SP_SRC_PTR) };
        h->names = sp_names_new(loop, &nc, on_names, h);
    }
    h->nl = sp_netlink_new(loop, &h->table, on_table, h);
    return 0;
}

void sp_hosts_resolve(sp_hosts_setup *h)
{
    for (size_t i = 0; i < h->table.count; i++) {
        sp_neigh *n = h->table.items[i];
        if (!n->name_wanted)
            continue;
        n->name_wanted = false;
        if (!h->rdns) {
            if (h->names && !n->self)
                sp_names_ask(h->names, n->family, n->addr, n->ifindex);
            continue;
        }
        /* A cached answer comes back at once, an uncached one through on_ptr. */
        const char *name = sp_rdns_lookup(h->rdns, n->family, n->addr, on_ptr, h);
        if (name)
            got_ptr(h, n->family, n->addr, name);
    }
}

size_t sp_hosts_resolving(const sp_hosts_setup *h)
{
    return (h->rdns ? sp_rdns_pending(h->rdns) : 0) + (h->names ? sp_names_pending(h->names) : 0);
}

void sp_hosts_tear_down(sp_hosts_setup *h)
{
    if (h->history_timer)
        sp_loop_cancel(h->loop, h->history_timer);
    h->history_timer = 0;
    if (h->log_fd >= 0)
        close(h->log_fd);
    h->log_fd = -1;
    if (h->history_on)
        sp_history_free(&h->history);
    h->history_on = false;
    free(h->events);
    h->events = NULL;
    h->nevents = 0;
    sp_netlink_free(h->nl);
    h->nl = NULL;
    sp_names_free(h->names);
    h->names = NULL;
    sp_rdns_free(h->rdns);
    h->rdns = NULL;
    sp_neigh_table_free(&h->table);
    sp_oui_free(h->oui);
    h->oui = NULL;
}
