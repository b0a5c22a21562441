/* Names beside PTR, asked in the caller's loop: an mDNS reverse query
 * (one-shot, with the unicast-response bit) and an LLMNR reverse query to
 * the multicast groups on the neighbour's own interface, and a NetBIOS node
 * status request to the neighbour itself; plus, where port 5353 can be
 * shared (SO_REUSEPORT), the mDNS announcements other hosts send anyway.
 * Asking is rate-limited and every socket is non-blocking; what is heard
 * is kept per address in a bounded cache (a flood of announcements evicts
 * old entries, never grows memory), and the owner copies it into the
 * neighbour rows with sp_names_apply. No privilege is needed. */
#ifndef SOCKPIT_NAMES_H
#define SOCKPIT_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/core/loop.h"
#include "sockpit/hosts/neigh.h"

/* Addresses the cache holds at most. */
#define SP_NAMES_MAX_ENTRIES 4096

typedef struct sp_names sp_names;
/* Names changed (called at most 10 times a second). */
typedef void sp_names_fn(void *ud);

typedef struct sp_names_config {
    unsigned sources;   /* SP_SRC_BIT of MDNS, LLMNR, NBNS (PTR is rdns.h's) */
    double rate;        /* addresses asked per second; 0: 200 */
    double timeout;     /* seconds to wait for answers; 0: 1 */
} sp_names_config;

typedef struct sp_names_stats {
    uint64_t asked, received, malformed, names, dropped;
} sp_names_stats;

sp_names *sp_names_new(sp_loop *loop, const sp_names_config *cfg, sp_names_fn *changed, void *ud);
void sp_names_free(sp_names *n);

/* Joins the mDNS groups on the table's multicast interfaces (for the
 * announcements); call when links change. */
void sp_names_links(sp_names *n, const sp_neigh_table *t);
/* Queues the questions about addr on interface ifindex, unless they were
 * asked in the last minutes or are queued already. */
void sp_names_ask(sp_names *n, int family, const unsigned char *addr, int ifindex);
/* Copies what is known into every row of t. Returns true if a row changed. */
bool sp_names_apply(const sp_names *n, sp_neigh_table *t);
/* Addresses queued or waiting for answers. */
size_t sp_names_pending(const sp_names *n);
void sp_names_get_stats(const sp_names *n, sp_names_stats *s);
/* What limits it, for the user ("" when nothing does). */
const char *sp_names_note(const sp_names *n);

#endif
