/* The hosts model as the Hosts pane and `sockpit hosts` both build it: the
 * OUI registry for vendor names, the neighbour table, the netlink source
 * that fills it on the caller's loop, and reverse DNS on the caller's DNS
 * channel. */
#ifndef SOCKPIT_HOSTS_SETUP_H
#define SOCKPIT_HOSTS_SETUP_H

#include <stddef.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/hosts/names.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/netlink.h"
#include "sockpit/hosts/oui.h"
#include "sockpit/hosts/rdns.h"

/* The other name sources asked unless told otherwise. */
#define SP_HOSTS_SOURCES_DEFAULT (SP_SRC_BIT(SP_SRC_MDNS) | SP_SRC_BIT(SP_SRC_LLMNR) | SP_SRC_BIT(SP_SRC_NBNS))

typedef struct sp_hosts_settings {
    sp_dns *dns;              /* reverse DNS through it; NULL: no PTR lookups */
    unsigned sources;         /* SP_SRC_BIT of the other name sources (mDNS, LLMNR, NBNS); 0: none */
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
    sp_names *names;          /* NULL without other sources; sp_names_note says what limits it */
    sp_netlink *nl;           /* sp_netlink_note says what limits it */
    sp_netlink_fn *changed;
    void *ud;
} sp_hosts_setup;

/* Builds the model and starts following the kernel's tables (what limits
 * them is in sp_netlink_note). Nothing here can fail: it always returns 0
 * and leaves err alone (the signature of when it could). */
int sp_hosts_set_up(sp_hosts_setup *h, sp_loop *loop, const sp_hosts_settings *set, char *err, size_t errlen);
/* Looks up the names of the rows that want one: PTR first, and the other
 * sources for those PTR leaves without a name (or all, without PTR). The
 * `changed` callback says when answers arrive. */
void sp_hosts_resolve(sp_hosts_setup *h);
/* PTR lookups and other questions still out. */
size_t sp_hosts_resolving(const sp_hosts_setup *h);

/* Free the DNS channel first, so that pending lookups end while the
 * reverse-DNS cache still exists. */
void sp_hosts_tear_down(sp_hosts_setup *h);

#endif
