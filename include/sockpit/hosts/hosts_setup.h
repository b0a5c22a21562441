/* The hosts model as the Hosts pane and `sockpit hosts` both build it: the
 * OUI registry for vendor names, the neighbour table, the netlink source
 * that fills it on the caller's loop, and reverse DNS on the caller's DNS
 * channel. */
#ifndef SOCKPIT_HOSTS_SETUP_H
#define SOCKPIT_HOSTS_SETUP_H

#include <stddef.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/hosts/history.h"
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
    bool history;             /* follow stations and log their events to hosts.log */
    const char *state_dir;    /* where hosts.log is; NULL: $XDG_STATE_HOME/sockpit */
    double gone_after;        /* seconds of absence before "gone"; 0: 300 */
    sp_hev_fn *event;         /* an event was logged (and kept in `events`); may be NULL */
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
    /* The history, with set->history: the stations, the last
     * SP_HISTORY_KEEP events (oldest first, a ring from events_head), the
     * log open for appending (-1: not kept; history_note says why). */
    bool history_on;
    sp_history history;
    sp_hevent *events;
    size_t nevents, events_head;
    int log_fd;
    char log_path[4096];
    char history_note[4400];
    uint64_t history_timer;
    sp_loop *loop;
    sp_hev_fn *event;
} sp_hosts_setup;

/* Builds the model and starts following the kernel's tables (what limits
 * them is in sp_netlink_note). Nothing here can fail: it always returns 0
 * and leaves err alone (the signature of when it could). */
int sp_hosts_set_up(sp_hosts_setup *h, sp_loop *loop, const sp_hosts_settings *set, char *err, size_t errlen);
/* Looks up the names of the rows that want one: PTR first, and the other
 * sources for those PTR leaves without a name (or all, without PTR). The
 * `changed` callback says when answers arrive. */
void sp_hosts_resolve(sp_hosts_setup *h);
/* Compares the table with the stations now (it is done on every change and
 * a few times per gone_after anyway). */
void sp_hosts_history_check(sp_hosts_setup *h);
/* The i-th kept event, oldest first (i < h->nevents). */
const sp_hevent *sp_hosts_event(const sp_hosts_setup *h, size_t i);
/* PTR lookups and other questions still out. */
size_t sp_hosts_resolving(const sp_hosts_setup *h);

/* Free the DNS channel first, so that pending lookups end while the
 * reverse-DNS cache still exists. */
void sp_hosts_tear_down(sp_hosts_setup *h);

#endif
