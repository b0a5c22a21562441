/* Subnet sweeps. Lookups are pumped from a loop that keeps `concurrency`
 * of them in flight; answers (or cache hits) pump the next ones. Probes run
 * on a loop timer with a token bucket so the rate holds whatever the timer
 * jitter. */
#include "sockpit/hosts/sweep.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/mem.h"

/* ---- CIDR ---- */

static unsigned max_prefix(int family) { return family == AF_INET ? 32 : 128; }

static unsigned host_bits(const sp_cidr *c) { return max_prefix(c->family) - c->prefix; }

sp_cidr_size sp_cidr_classify(const sp_cidr *c)
{
    unsigned hb = host_bits(c);
    return hb > 16 ? SP_CIDR_REFUSE : hb > 10 ? SP_CIDR_CONFIRM : SP_CIDR_OK;
}

/* The first visited address is skipped when it is the network (IPv4) or
 * the subnet-router anycast address (IPv6). */
static uint64_t skip_first(const sp_cidr *c)
{
    return c->family == AF_INET ? (c->prefix <= 30) : (c->prefix <= 126);
}

uint64_t sp_cidr_count(const sp_cidr *c)
{
    unsigned hb = host_bits(c);
    if (hb >= 63)
        return UINT64_MAX;
    uint64_t n = (uint64_t)1 << hb;
    if (c->family == AF_INET && c->prefix <= 30)
        return n - 2;
    return n - skip_first(c);
}

void sp_cidr_nth(const sp_cidr *c, uint64_t i, unsigned char out[16])
{
    size_t len = c->family == AF_INET ? 4 : 16;
    memcpy(out, c->addr, len);
    uint64_t add = i + skip_first(c);
    for (size_t k = len; k > 0 && add; k--) {
        unsigned v = out[k - 1] + (unsigned)(add & 0xff);
        out[k - 1] = (unsigned char)v;
        add = (add >> 8) + (v >> 8);
    }
}

/* ---- the sweep ---- */

struct sp_sweep {
    sp_loop *loop;
    sp_rdns *rdns;
    sp_sweep_config cfg;
    sp_sweep_cbs cbs;
    void *ud;
    uint64_t total, next, done, named, unanswered, inflight;
    bool pumping, finished, cancelled;
    double started, ended;
    /* probes */
    int fd;
    uint64_t probe_next, probes_sent, probes_failed;
    uint64_t probe_timer;
    double tokens, last_refill;
    int reported[4]; /* errnos already reported */
};

static void check_done(sp_sweep *s)
{
    if (s->finished || s->cancelled)
        return;
    bool lookups = !s->cfg.resolve || s->done == s->total;
    bool probes = !s->cfg.probe || s->probe_next == s->total;
    if (lookups && probes) {
        s->finished = true;
        s->ended = sp_now();
        if (s->cbs.on_done)
            s->cbs.on_done(s->ud);
    }
}

static void pump(sp_sweep *s);

static void got(sp_sweep *s, int family, const unsigned char *addr, const char *name)
{
    s->done++;
    if (strcmp(name, SP_RDNS_NOANSWER) == 0)
        s->unanswered++;
    else if (name[0] && strcmp(name, SP_RDNS_NONAME) != 0)
        s->named++;
    if (s->cbs.on_result)
        s->cbs.on_result(s->ud, family, addr, name);
}

static void on_lookup(void *ud, int family, const unsigned char *addr, const char *name)
{
    sp_sweep *s = ud;
    s->inflight--;
    got(s, family, addr, name);
    pump(s);
    check_done(s);
}

static void pump(sp_sweep *s)
{
    /* An answer can arrive inside sp_rdns_lookup; the outer pump goes on. */
    if (s->pumping || s->cancelled)
        return;
    s->pumping = true;
    while (s->next < s->total && s->inflight < s->cfg.concurrency && !s->cancelled) {
        unsigned char a[16];
        sp_cidr_nth(&s->cfg.cidr, s->next++, a);
        s->inflight++;
        const char *cached = sp_rdns_lookup(s->rdns, s->cfg.cidr.family, a, on_lookup, s);
        if (cached) {
            s->inflight--;
            got(s, s->cfg.cidr.family, a, cached);
        }
    }
    s->pumping = false;
}

static void report_probe_error(sp_sweep *s, int e, const unsigned char *addr)
{
    for (size_t i = 0; i < sizeof s->reported / sizeof s->reported[0]; i++) {
        if (s->reported[i] == e)
            return;
        if (s->reported[i] == 0) {
            s->reported[i] = e;
            break;
        }
    }
    if (!s->cbs.on_probe_error)
        return;
    char ip[INET6_ADDRSTRLEN], msg[300];
    inet_ntop(s->cfg.cidr.family, addr, ip, sizeof ip);
    switch (e) {
    case EPERM:
        snprintf(msg, sizeof msg,
                 "probe to %s refused with EPERM: a local firewall (netfilter OUTPUT) rule blocks UDP to port 9; "
                 "no privilege would help, the rule must allow it", ip);
        break;
    case ENETUNREACH:
    case EHOSTUNREACH:
        snprintf(msg, sizeof msg, "probe to %s: no route (%s); the subnet is not reachable from this host", ip,
                 strerror(e));
        break;
    default:
        snprintf(msg, sizeof msg, "probe to %s failed: %s", ip, strerror(e));
        break;
    }
    s->cbs.on_probe_error(s->ud, msg);
}

static void stop_probes(sp_sweep *s)
{
    if (s->probe_timer) {
        sp_loop_cancel(s->loop, s->probe_timer);
        s->probe_timer = 0;
    }
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

static void on_probe_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_sweep *s = ud;
    double now = sp_now();
    s->tokens += (now - s->last_refill) * s->cfg.probe_rate;
    s->last_refill = now;
    /* At most a tenth of a second's worth at once, so bursts stay small. */
    double cap = s->cfg.probe_rate / 10.0 < 1.0 ? 1.0 : s->cfg.probe_rate / 10.0;
    if (s->tokens > cap)
        s->tokens = cap;
    static const char payload[] = "sockpit neighbour probe (discard)";
    while (s->tokens >= 1.0 && s->probe_next < s->total) {
        unsigned char a[16];
        sp_cidr_nth(&s->cfg.cidr, s->probe_next, a);
        struct sockaddr_storage ss;
        socklen_t sl;
        memset(&ss, 0, sizeof ss);
        if (s->cfg.cidr.family == AF_INET) {
            struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
            sin->sin_family = AF_INET;
            sin->sin_port = htons(9);
            memcpy(&sin->sin_addr, a, 4);
            sl = sizeof *sin;
        } else {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
            sin6->sin6_family = AF_INET6;
            sin6->sin6_port = htons(9);
            memcpy(&sin6->sin6_addr, a, 16);
            sl = sizeof *sin6;
        }
        if (sendto(s->fd, payload, sizeof payload - 1, 0, (struct sockaddr *)&ss, sl) < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
                break; /* the socket buffer is full: try again next tick */
            /* EACCES: a broadcast address (no SO_BROADCAST on purpose). */
            if (errno != EACCES)
                report_probe_error(s, errno, a);
            s->probes_failed++;
        } else {
            s->probes_sent++;
        }
        s->probe_next++;
        s->tokens -= 1.0;
    }
    if (s->probe_next == s->total) {
        stop_probes(s);
        check_done(s);
    }
}

sp_sweep *sp_sweep_start(sp_loop *loop, sp_rdns *rdns, const sp_sweep_config *cfg, const sp_sweep_cbs *cbs,
                         void *ud, char *err, size_t errlen)
{
    if (sp_cidr_classify(&cfg->cidr) == SP_CIDR_REFUSE) {
        snprintf(err, errlen, "a sweep covers at most 65536 addresses (an IPv4 /16)");
        return NULL;
    }
    if (cfg->resolve && !rdns) {
        snprintf(err, errlen, "reverse DNS is off, so there is nothing to look up");
        return NULL;
    }
    sp_sweep *s = sp_xcalloc(1, sizeof *s);
    s->loop = loop;
    s->rdns = rdns;
    s->cfg = *cfg;
    if (!s->cfg.concurrency)
        s->cfg.concurrency = 64;
    if (s->cfg.probe_rate <= 0)
        s->cfg.probe_rate = 200;
    if (cbs)
        s->cbs = *cbs;
    s->ud = ud;
    s->fd = -1;
    s->total = sp_cidr_count(&cfg->cidr);
    s->started = sp_now();
    if (s->cfg.probe) {
        s->fd = socket(cfg->cidr.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->fd < 0) {
            snprintf(err, errlen, "cannot open a UDP socket for probes: %s", strerror(errno));
            free(s);
            return NULL;
        }
        s->last_refill = sp_now();
        s->tokens = 1.0;
        double period = 1.0 / s->cfg.probe_rate;
        if (period < 0.01)
            period = 0.01;
        s->probe_timer = sp_loop_timer(loop, 0, period, on_probe_tick, s);
    }
    if (s->cfg.resolve)
        pump(s);
    check_done(s);
    return s;
}

void sp_sweep_cancel(sp_sweep *s)
{
    if (!s || s->cancelled || s->finished)
        return;
    s->cancelled = true;
    s->ended = sp_now();
    if (s->rdns)
        sp_rdns_cancel(s->rdns, s);
    s->inflight = 0;
    stop_probes(s);
}

void sp_sweep_get_progress(const sp_sweep *s, sp_sweep_progress *p)
{
    p->total = s->total;
    p->done = s->cfg.resolve ? s->done : s->probe_next;
    p->named = s->named;
    p->unanswered = s->unanswered;
    p->probes_sent = s->probes_sent;
    p->probes_failed = s->probes_failed;
    p->finished = s->finished;
    p->cancelled = s->cancelled;
    p->elapsed = (s->finished || s->cancelled ? s->ended : sp_now()) - s->started;
}

const sp_sweep_config *sp_sweep_config_of(const sp_sweep *s) { return &s->cfg; }

void sp_sweep_free(sp_sweep *s)
{
    if (!s)
        return;
    sp_sweep_cancel(s);
    stop_probes(s);
    free(s);
}
