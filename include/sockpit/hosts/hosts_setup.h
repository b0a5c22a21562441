/* The hosts model as the Hosts pane and `sockpit hosts` both build it: the
 * OUI registry for vendor names, the neighbour table, the netlink source
 * that fills it on the caller's loop, and reverse DNS on the caller's DNS
 * channel. */
#ifndef SOCKPIT_HOSTS_SETUP_H
#define SOCKPIT_HOSTS_SETUP_H

#include <stddef.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/netlink.h"
#include "sockpit/hosts/oui.h"
#include "sockpit/hosts/rdns.h"

typedef struct sp_hosts_settings {
    sp_dns *dns;              /* reverse DNS through it; NULL: names are not looked up */
    sp_netlink_fn *changed;   /* the table changed; NULL: nobody is told */
    void *ud;
} sp_hosts_settings;

/* What sp_hosts_set_up built. netlink fills `table` in place, so it must
 * not move while it exists. */
typedef struct sp_hosts_setup {
    sp_oui *oui;              /* NULL: no registry file found (vendors blank) */
    const char *oui_path;     /* the file used */
    sp_neigh_table table;
    sp_rdns *rdns;            /* NULL without a DNS channel */
    sp_netlink *nl;           /* sp_netlink_note says what limits it */
} sp_hosts_setup;

/* Builds the model and starts following the kernel's tables (what limits
 * them is in sp_netlink_note). Nothing here can fail: it always returns 0
 * and leaves err alone (the signature of when it could). */
int sp_hosts_set_up(sp_hosts_setup *h, sp_loop *loop, const sp_hosts_settings *set, char *err, size_t errlen);
/* Free the DNS channel first, so that pending lookups end while the
 * reverse-DNS cache still exists. */
void sp_hosts_tear_down(sp_hosts_setup *h);

#endif
