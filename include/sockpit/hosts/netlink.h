/* The live source of the hosts model: an rtnetlink socket (libmnl) that
 * dumps links, addresses and neighbours and then follows RTNLGRP_LINK,
 * RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR and RTNLGRP_NEIGH, non-blocking
 * in the event loop. Where netlink is unavailable it falls back to reading
 * /proc/net/arp every 2 s (set SOCKPIT_NETLINK=off to force that). No
 * privilege is needed for either. */
#ifndef SOCKPIT_NETLINK_H
#define SOCKPIT_NETLINK_H

#include <stdbool.h>

#include "sockpit/core/loop.h"
#include "sockpit/hosts/neigh.h"

typedef struct sp_netlink sp_netlink;
/* The table changed. */
typedef void sp_netlink_fn(void *ud);

/* Starts following the kernel's tables into t; problems are described by
 * sp_netlink_note. */
sp_netlink *sp_netlink_new(sp_loop *loop, sp_neigh_table *t, sp_netlink_fn *changed, void *ud);
void sp_netlink_free(sp_netlink *nl);
/* True once the first full picture (all three dumps, or the first
 * /proc/net/arp read) is in the table. */
bool sp_netlink_synced(const sp_netlink *nl);
/* Asks for the links again (their counters, for the rates): the table
 * changes when the answer is in. Nothing happens during another dump or
 * without netlink. */
void sp_netlink_poll_links(sp_netlink *nl);
/* A one-line note for the user ("" when all is well): why the fallback is
 * in use, or the last error. */
const char *sp_netlink_note(const sp_netlink *nl);

#endif
