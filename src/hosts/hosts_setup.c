/* The hosts model set up for the pane and the command (hosts_setup.h). */
#include "sockpit/hosts/hosts_setup.h"

int sp_hosts_set_up(sp_hosts_setup *h, sp_loop *loop, const sp_hosts_settings *set, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *h = (sp_hosts_setup){ 0 };
    h->oui = sp_oui_load_default(&h->oui_path);
    sp_neigh_table_init(&h->table, h->oui);
    if (set->dns)
        h->rdns = sp_rdns_new(set->dns);
    h->nl = sp_netlink_new(loop, &h->table, set->changed, set->ud);
    return 0;
}

void sp_hosts_tear_down(sp_hosts_setup *h)
{
    sp_netlink_free(h->nl);
    h->nl = NULL;
    sp_rdns_free(h->rdns);
    h->rdns = NULL;
    sp_neigh_table_free(&h->table);
    sp_oui_free(h->oui);
    h->oui = NULL;
}
