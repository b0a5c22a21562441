/* A probe as the Probes pane and `sockpit probe` both start it: the target
 * and port list parsed, a name resolved through the shared c-ares channel,
 * every address checked against the scope rule (with this host's
 * interfaces and neighbours), then the scan. */
#ifndef SOCKPIT_PROBE_SETUP_H
#define SOCKPIT_PROBE_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/probe/scan.h"
#include "sockpit/probe/target.h"
#include "sockpit/services/services.h"

typedef struct sp_probe_request {
    const char *target;      /* address, name or network */
    const char *ports;       /* NULL: "top100" */
    unsigned concurrency;    /* 0: defaults as in sp_scan_config */
    double rate;
    int timeout_ms;
    bool banner, http, tls;
    bool any_address;        /* skip the scope rule */
} sp_probe_request;

typedef enum sp_probe_phase { SP_PROBE_RESOLVING, SP_PROBE_SCANNING, SP_PROBE_DONE, SP_PROBE_FAILED } sp_probe_phase;

typedef struct sp_probe_job sp_probe_job;

typedef struct sp_probe_job_cbs {
    /* As sp_scan_cbs.on_port. */
    void (*on_port)(void *ud, sp_probe_job *j, size_t ai, uint16_t port, sp_port_state st, const sp_probe_port *p);
    /* The job is over: done or failed (sp_probe_job_error says why); not
     * called after sp_probe_job_cancel. Do not free the job inside. */
    void (*on_over)(void *ud, sp_probe_job *j);
} sp_probe_job_cbs;

/* Parses the request and starts it: a name is resolved first (dns must
 * then be non-NULL). t (may be NULL) is the hosts model for the scope
 * rule. Returns NULL with a one-line reason in err when the request itself
 * is wrong (a bad target or port list, an address out of scope); a failure
 * found later (the name does not resolve) ends the job as
 * SP_PROBE_FAILED. */
sp_probe_job *sp_probe_job_start(sp_loop *loop, sp_dns *dns, const sp_neigh_table *t, const sp_probe_request *req,
                                 const sp_probe_job_cbs *cbs, void *ud, char *err, size_t errlen);
void sp_probe_job_cancel(sp_probe_job *j);
void sp_probe_job_free(sp_probe_job *j);

sp_probe_phase sp_probe_job_phase(const sp_probe_job *j);
const char *sp_probe_job_error(const sp_probe_job *j);
/* The target as given. */
const char *sp_probe_job_target(const sp_probe_job *j);
/* The addresses probed (after resolution) and the ports. */
const sp_probe_addr *sp_probe_job_addrs(const sp_probe_job *j, size_t *n);
const sp_portset *sp_probe_job_ports(const sp_probe_job *j);
/* The scan, once SP_PROBE_SCANNING (NULL before). */
const sp_scan *sp_probe_job_scan(const sp_probe_job *j);
/* True when the target was a name (the name is the HTTP Host and TLS SNI). */
bool sp_probe_job_named(const sp_probe_job *j);

/* The service the services table names for a TCP port, or "". */
const char *sp_probe_service(const sp_services *t, unsigned port);

#endif
