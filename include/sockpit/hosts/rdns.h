/* Reverse DNS (PTR) through the shared c-ares channel, with a cache that
 * keeps each answer for its TTL. Answers are a name, "-" (no name:
 * NXDOMAIN or no PTR record) or "?" (no answer: time-out, refused, server
 * failure). Free the DNS channel (sp_dns_free) before the cache: pending
 * lookups then end without calling anyone back. */
#ifndef SOCKPIT_RDNS_H
#define SOCKPIT_RDNS_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/core/dns.h"

#define SP_RDNS_NONAME "-"
#define SP_RDNS_NOANSWER "?"

typedef struct sp_rdns sp_rdns;
/* name is a PTR name, SP_RDNS_NONAME or SP_RDNS_NOANSWER. */
typedef void sp_rdns_cb(void *ud, int family, const unsigned char *addr, const char *name);

sp_rdns *sp_rdns_new(sp_dns *dns);
void sp_rdns_free(sp_rdns *r);

/* Returns the cached answer while it is fresh. Otherwise returns NULL,
 * starts a PTR query (one per address however many ask) and calls cb(ud)
 * when it ends; cb may be NULL. */
const char *sp_rdns_lookup(sp_rdns *r, int family, const void *addr, sp_rdns_cb *cb, void *ud);
/* Forgets every pending callback registered with ud. */
void sp_rdns_cancel(sp_rdns *r, void *ud);
/* Queries in flight. */
size_t sp_rdns_pending(const sp_rdns *r);

/* The PTR query name of an address ("4.3.2.1.in-addr.arpa"); 0 or -1. */
int sp_rdns_ptr_name(int family, const void *addr, char *out, size_t cap);
/* The smallest TTL of the answer records of a DNS reply, or -1 if the
 * reply is malformed or has no answers. */
long sp_rdns_answer_ttl(const unsigned char *abuf, int alen);

#endif
