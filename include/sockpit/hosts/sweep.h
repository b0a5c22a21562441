/* A subnet sweep: a PTR lookup of every address of a CIDR block, at most N
 * in flight, with progress and cancel; and, only when asked, one UDP
 * datagram to port 9 (discard) of each address at a bounded rate, so the
 * kernel resolves their link-layer addresses and the neighbour table fills.
 * No raw sockets: an ordinary user can do all of it. */
#ifndef SOCKPIT_SWEEP_H
#define SOCKPIT_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/core/cidr.h"
#include "sockpit/core/loop.h"
#include "sockpit/hosts/rdns.h"

/* Sizes: up to 1024 addresses sweep at once, up to 65536 after a
 * confirmation (an IPv4 /22 and /16), larger blocks are refused. */
typedef enum sp_cidr_size { SP_CIDR_OK, SP_CIDR_CONFIRM, SP_CIDR_REFUSE } sp_cidr_size;

sp_cidr_size sp_cidr_classify(const sp_cidr *c);
/* Addresses a sweep visits: IPv4 skips the network and broadcast addresses
 * (prefixes up to /30), IPv6 the subnet-router anycast address. */
uint64_t sp_cidr_count(const sp_cidr *c);
/* The i-th visited address (i < sp_cidr_count). */
void sp_cidr_nth(const sp_cidr *c, uint64_t i, unsigned char out[16]);

typedef struct sp_sweep sp_sweep;

typedef struct sp_sweep_config {
    sp_cidr cidr;
    unsigned concurrency;    /* PTR lookups in flight; 0: 64 */
    bool resolve;            /* PTR lookups (needs rdns) */
    bool probe;              /* UDP port-9 probes */
    double probe_rate;       /* probes per second; 0: 200 */
} sp_sweep_config;

typedef struct sp_sweep_cbs {
    /* An address was looked up: name is a PTR name, "-" or "?". */
    void (*on_result)(void *ud, int family, const unsigned char *addr, const char *name);
    /* A probe could not be sent; msg says why (once per kind of error). */
    void (*on_probe_error)(void *ud, const char *msg);
    /* Everything finished (not called after sp_sweep_cancel). */
    void (*on_done)(void *ud);
} sp_sweep_cbs;

typedef struct sp_sweep_progress {
    uint64_t total, done, named, probes_sent, probes_failed;
    uint64_t unanswered;     /* lookups that timed out or failed (not NXDOMAIN) */
    double elapsed;          /* seconds */
    bool finished, cancelled;
} sp_sweep_progress;

/* Starts a sweep. Returns NULL with a reason in err. Do not free the sweep
 * inside its own callbacks. */
sp_sweep *sp_sweep_start(sp_loop *loop, sp_rdns *rdns, const sp_sweep_config *cfg, const sp_sweep_cbs *cbs,
                         void *ud, char *err, size_t errlen);
/* Stops lookups and probes; results already in stay counted. */
void sp_sweep_cancel(sp_sweep *s);
void sp_sweep_get_progress(const sp_sweep *s, sp_sweep_progress *p);
const sp_sweep_config *sp_sweep_config_of(const sp_sweep *s);
void sp_sweep_free(sp_sweep *s);

#endif
