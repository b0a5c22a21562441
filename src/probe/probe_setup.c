/* Probe jobs: parse, resolve, check the scope, scan. */
#include "sockpit/probe/probe_setup.h"

#include <ares.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockpit/core/mem.h"

/* A lookup in flight holds this, not the job: a job freed meanwhile only
 * clears the pointer, and the callback frees the token. */
typedef struct lookup {
    sp_probe_job *job;
} lookup;

struct sp_probe_job {
    sp_loop *loop;
    sp_probe_request req;
    char *target_text;
    sp_probe_target target;
    const sp_neigh_table *hosts;
    sp_portset ports;
    sp_probe_addr addrs[SP_PROBE_MAX_ADDRS];
    size_t naddrs;
    sp_scan *scan;
    lookup *pending;
    sp_probe_phase phase;
    char error[300];
    sp_probe_job_cbs cbs;
    void *ud;
};

const char *sp_probe_service(const sp_services *t, unsigned port)
{
    const sp_service *s = t ? sp_services_by_port(t, port, SP_PROTO_TCP) : NULL;
    return s ? s->name : "";
}

static void scan_port(void *ud, size_t ai, uint16_t port, sp_port_state st, const sp_probe_port *p)
{
    sp_probe_job *j = ud;
    if (j->cbs.on_port)
        j->cbs.on_port(j->ud, j, ai, port, st, p);
}

static void scan_done(void *ud)
{
    sp_probe_job *j = ud;
    j->phase = SP_PROBE_DONE;
    if (j->cbs.on_over)
        j->cbs.on_over(j->ud, j);
}

/* Every address in scope, or the refusal of the first that is not. */
static int check_scope(sp_probe_job *j, char *err, size_t errlen)
{
    if (j->req.any_address)
        return 0;
    for (size_t i = 0; i < j->naddrs; i++) {
        if (sp_probe_scope(&j->addrs[i], j->hosts) == SP_SCOPE_OUTSIDE) {
            sp_probe_scope_refusal(&j->addrs[i], err, errlen);
            return -1;
        }
    }
    return 0;
}

static int start_scan(sp_probe_job *j, char *err, size_t errlen)
{
    sp_scan_config cfg = {
        .addrs = j->addrs, .naddrs = j->naddrs, .ports = j->ports.v, .nports = j->ports.n,
        .concurrency = j->req.concurrency, .rate = j->req.rate, .timeout_ms = j->req.timeout_ms,
        .banner = j->req.banner, .http = j->req.http, .tls = j->req.tls,
        .host = j->target.kind == SP_TARGET_NAME ? j->target.name : NULL,
    };
    sp_scan_cbs cbs = { scan_port, scan_done };
    j->phase = SP_PROBE_SCANNING;
    j->scan = sp_scan_start(j->loop, &cfg, &cbs, j, err, errlen);
    return j->scan ? 0 : -1;
}

static void fail(sp_probe_job *j, const char *msg)
{
    snprintf(j->error, sizeof j->error, "%s", msg);
    j->phase = SP_PROBE_FAILED;
    if (j->cbs.on_over)
        j->cbs.on_over(j->ud, j);
}

static void resolved(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    (void)timeouts;
    lookup *lk = arg;
    sp_probe_job *j = lk->job;
    free(lk);
    if (!j) {
        ares_freeaddrinfo(res);
        return;
    }
    j->pending = NULL;
    char msg[300];
    if (status != ARES_SUCCESS || !res || !res->nodes) {
        snprintf(msg, sizeof msg, "'%s' did not resolve: %s", j->target.name,
                 status == ARES_SUCCESS ? "no address" : ares_strerror(status));
        ares_freeaddrinfo(res);
        fail(j, msg);
        return;
    }
    /* One address: IPv4 first when the name has both, as a browser would
     * reach it on most networks. */
    const struct ares_addrinfo_node *pick = NULL;
    for (const struct ares_addrinfo_node *n = res->nodes; n; n = n->ai_next)
        if (n->ai_family == AF_INET && !pick)
            pick = n;
    if (!pick)
        pick = res->nodes;
    sp_probe_addr *a = &j->addrs[0];
    memset(a, 0, sizeof *a);
    a->family = pick->ai_family;
    if (pick->ai_family == AF_INET)
        memcpy(a->addr, &((const struct sockaddr_in *)(const void *)pick->ai_addr)->sin_addr, 4);
    else
        memcpy(a->addr, &((const struct sockaddr_in6 *)(const void *)pick->ai_addr)->sin6_addr, 16);
    j->naddrs = 1;
    ares_freeaddrinfo(res);
    if (check_scope(j, msg, sizeof msg) < 0 || start_scan(j, msg, sizeof msg) < 0)
        fail(j, msg);
}

sp_probe_job *sp_probe_job_start(sp_loop *loop, sp_dns *dns, const sp_neigh_table *t, const sp_probe_request *req,
                                 const sp_probe_job_cbs *cbs, void *ud, char *err, size_t errlen)
{
    sp_probe_job *j = sp_xcalloc(1, sizeof *j);
    j->loop = loop;
    j->req = *req;
    j->hosts = t;
    j->cbs = *cbs;
    j->ud = ud;
    char why[300];
    if (sp_probe_target_parse(req->target, &j->target, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s", why);
        goto bad;
    }
    j->target_text = sp_xstrdup(req->target);
    j->req.target = j->target_text;
    if (sp_portset_parse(req->ports ? req->ports : "top100", &j->ports, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s", why);
        goto bad;
    }
    j->req.ports = NULL;
    if (j->target.kind == SP_TARGET_NAME) {
        if (!dns) {
            snprintf(err, errlen, "'%s' is a name and there is no DNS channel to resolve it", req->target);
            goto bad;
        }
        j->phase = SP_PROBE_RESOLVING;
        j->pending = sp_xcalloc(1, sizeof *j->pending);
        j->pending->job = j;
        struct ares_addrinfo_hints hints = { .ai_family = AF_UNSPEC };
        ares_getaddrinfo(sp_dns_channel(dns), j->target.name, NULL, &hints, resolved, j->pending);
        return j;
    }
    j->naddrs = sp_probe_target_addrs(&j->target, j->addrs);
    if (check_scope(j, err, errlen) < 0 || start_scan(j, err, errlen) < 0)
        goto bad;
    return j;
bad:
    sp_probe_job_free(j);
    return NULL;
}

void sp_probe_job_cancel(sp_probe_job *j)
{
    if (j->phase == SP_PROBE_DONE || j->phase == SP_PROBE_FAILED)
        return;
    if (j->pending) {
        j->pending->job = NULL;
        j->pending = NULL;
    }
    if (j->scan)
        sp_scan_cancel(j->scan);
    snprintf(j->error, sizeof j->error, "cancelled");
    j->phase = SP_PROBE_FAILED;
}

void sp_probe_job_free(sp_probe_job *j)
{
    if (!j)
        return;
    if (j->pending)
        j->pending->job = NULL;
    sp_scan_free(j->scan);
    sp_portset_free(&j->ports);
    free(j->target_text);
    free(j);
}

sp_probe_phase sp_probe_job_phase(const sp_probe_job *j) { return j->phase; }
const char *sp_probe_job_error(const sp_probe_job *j) { return j->error; }
const char *sp_probe_job_target(const sp_probe_job *j) { return j->target_text ? j->target_text : ""; }

const sp_probe_addr *sp_probe_job_addrs(const sp_probe_job *j, size_t *n)
{
    *n = j->naddrs;
    return j->addrs;
}

const sp_portset *sp_probe_job_ports(const sp_probe_job *j) { return &j->ports; }
const sp_scan *sp_probe_job_scan(const sp_probe_job *j) { return j->scan; }
bool sp_probe_job_named(const sp_probe_job *j) { return j->target.kind == SP_TARGET_NAME; }
