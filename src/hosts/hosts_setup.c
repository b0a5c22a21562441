/* The hosts model set up for the pane and the command (hosts_setup.h). */
#include "sockpit/hosts/hosts_setup.h"

#include <string.h>

static void tell(sp_hosts_setup *h)
{
    if (h->changed)
        h->changed(h->ud);
}

static void on_table(void *ud)
{
    sp_hosts_setup *h = ud;
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
    *h = (sp_hosts_setup){ 0 };
    h->changed = set->changed;
    h->ud = set->ud;
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
