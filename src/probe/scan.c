/* The connect scan. Work is an index over (port, address) pairs, addresses
 * varying fastest so a network's hosts share the load; a FIFO holds the
 * pairs to try again (a first time-out, a connect the kernel could not
 * start). A slot is one socket in flight: a connect, or a follow-up on an
 * open port (banner, HTTP, TLS). One periodic timer refills the token
 * bucket, expires slots and starts connects; completions start more at
 * once, so the rate is met without waiting for the next tick. */
#include "sockpit/probe/scan.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/tls/tls.h"

#define TICK 0.01

/* The state byte of a pair: state, reason, and whether it timed out once. */
enum { ST_MASK = 0x03, REASON_SHIFT = 2, REASON_MASK = 0x1c, ST_RETRIED = 0x80 };

typedef enum phase {
    PH_FREE, PH_CONNECT, PH_BANNER, PH_HTTP_SEND, PH_HTTP_READ,
    PH_TLS_CONNECT, PH_TLS_HANDSHAKE, PH_TLS_SEND, PH_TLS_READ,
} phase;

typedef struct slot {
    sp_scan *scan;
    int fd;
    phase ph;
    uint32_t item;           /* PH_CONNECT: the pair */
    sp_probe_port *port;     /* follow-ups: the open port */
    double start, deadline;
    char *buf;
    size_t len, cap;
    size_t sent;
    char req[512];
    size_t reqlen;
    sp_tls *tls;
    bool connected;          /* a connection exists (reset it on close) */
} slot;

typedef struct fifo {
    uint32_t *v;
    size_t head, len, cap;
} fifo;

struct sp_scan {
    sp_loop *loop;
    sp_scan_config cfg;
    sp_probe_addr *addrs;
    uint16_t *ports;
    sp_scan_cbs cbs;
    void *ud;
    sp_tls_ctx *tls_ctx;
    uint8_t *state;
    uint64_t total, next, done, open, closed, filtered, requeued, retried;
    fifo again;
    sp_probe_port **opens;   /* finished open ports */
    size_t nopens, capopens;
    slot *slots;
    uint32_t *free_slots;
    size_t nfree;
    unsigned limit, limit_now, active;
    double tokens, last_refill, started, ended;
    uint64_t tick;
    int spare[2];            /* a refused connect's socket, reset: IPv4, IPv6 */
    double srtt, rttvar;     /* of the connects answered so far (RFC 6298 smoothing) */
    unsigned nrtt;
    bool finished, cancelled, in_pump;
};

const char *sp_port_state_name(sp_port_state s)
{
    switch (s) {
    case SP_PORT_OPEN: return "open";
    case SP_PORT_CLOSED: return "closed";
    case SP_PORT_FILTERED: return "filtered";
    case SP_PORT_UNKNOWN: break;
    }
    return "unknown";
}

/* ---- queue ---- */

static void fifo_push(fifo *f, uint32_t v)
{
    if (f->head > 0 && f->head + f->len == f->cap) {
        memmove(f->v, f->v + f->head, f->len * sizeof *f->v);
        f->head = 0;
    }
    if (f->head + f->len == f->cap)
        SP_GROW(f->v, f->cap, f->len + 1);
    f->v[f->head + f->len++] = v;
}

static uint32_t fifo_pop(fifo *f)
{
    uint32_t v = f->v[f->head++];
    if (--f->len == 0)
        f->head = 0;
    return v;
}

/* ---- slots ---- */

static slot *slot_take(sp_scan *s)
{
    slot *sl = &s->slots[s->free_slots[--s->nfree]];
    s->active++;
    return sl;
}

/* Closes the slot's socket (with an RST) and its TLS state. */
static void slot_close(sp_scan *s, slot *sl)
{
    sp_tls_free(sl->tls);
    sl->tls = NULL;
    if (sl->fd >= 0) {
        sp_loop_unwatch(s->loop, sl->fd);
        /* An RST, not a FIN: no TIME_WAIT, so a full scan does not run out
         * of local ports, and the service sees the probe end at once. A
         * refused connect has no connection to reset. */
        if (sl->connected) {
            struct linger lg = { 1, 0 };
            setsockopt(sl->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        close(sl->fd);
    }
    sl->connected = false;
    sl->fd = -1;
}

static void slot_release(sp_scan *s, slot *sl)
{
    slot_close(s, sl);
    sl->ph = PH_FREE;
    sl->port = NULL;
    sl->len = 0;
    sl->sent = 0;
    s->free_slots[s->nfree++] = (uint32_t)(sl - s->slots);
    s->active--;
}

static size_t addr_of(const sp_scan *s, uint32_t item) { return item % s->cfg.naddrs; }
static size_t port_of(const sp_scan *s, uint32_t item) { return item / s->cfg.naddrs; }

static socklen_t sockaddr_of(const sp_probe_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        memcpy(&in->sin_addr, a->addr, 4);
        return sizeof *in;
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    memcpy(&in6->sin6_addr, a->addr, 16);
    return sizeof *in6;
}

/* The kernel could not start this connect now: try it again later. */
static bool resource_errno(int e)
{
    return e == EAGAIN || e == EMFILE || e == ENFILE || e == ENOBUFS || e == EADDRNOTAVAIL || e == ENOMEM;
}

typedef enum reason { R_NONE, R_RESET, R_TIMEOUT, R_HOST_UNREACH, R_NET_UNREACH, R_LOCAL_FIREWALL, R_OTHER } reason;

static const char *const reason_names[] = {
    [R_NONE] = "", [R_RESET] = "reset", [R_TIMEOUT] = "no answer", [R_HOST_UNREACH] = "host unreachable",
    [R_NET_UNREACH] = "network unreachable", [R_LOCAL_FIREWALL] = "refused by the local firewall",
    [R_OTHER] = "error",
};

static void check_done(sp_scan *s);

static void finish_pair(sp_scan *s, uint32_t item, sp_port_state st, reason why)
{
    s->state[item] = (uint8_t)((s->state[item] & ST_RETRIED) | st | (why << REASON_SHIFT));
    s->done++;
    if (st == SP_PORT_CLOSED)
        s->closed++;
    else if (st == SP_PORT_FILTERED)
        s->filtered++;
    if (s->cbs.on_port)
        s->cbs.on_port(s->ud, addr_of(s, item), s->ports[port_of(s, item)], st, NULL);
}

/* How a connect's error maps to a port state; -1: try again later. */
static int classify(int e, reason *why)
{
    switch (e) {
    case ECONNREFUSED: *why = R_RESET; return SP_PORT_CLOSED;
    case ETIMEDOUT: *why = R_TIMEOUT; return SP_PORT_FILTERED;
    case EHOSTUNREACH:
    case EHOSTDOWN: *why = R_HOST_UNREACH; return SP_PORT_FILTERED;
    case ENETUNREACH:
    case ENETDOWN: *why = R_NET_UNREACH; return SP_PORT_FILTERED;
    case EPERM:
    case EACCES: *why = R_LOCAL_FIREWALL; return SP_PORT_FILTERED;
    default: break;
    }
    if (resource_errno(e))
        return -1;
    *why = R_OTHER;
    return SP_PORT_FILTERED;
}

/* An answer (open or reset) came after rtt seconds. */
static void note_rtt(sp_scan *s, double rtt)
{
    if (s->nrtt++ == 0) {
        s->srtt = rtt;
        s->rttvar = rtt / 2;
        return;
    }
    s->rttvar = 0.75 * s->rttvar + 0.25 * fabs(s->srtt - rtt);
    s->srtt = 0.875 * s->srtt + 0.125 * rtt;
}

/* How long a connect waits. The first try of a pair waits what the answers
 * so far suggest, as nmap does (never less than FIRST_WAIT_MIN): most of
 * a scan of a network is addresses nobody has, each costing its waits.
 * The try after a time-out waits the whole time-out, so a port is never
 * called filtered on a guess. */
#define FIRST_WAIT_MIN 0.25
#define RTT_SAMPLES_MIN 8
static double connect_wait(const sp_scan *s, uint32_t item)
{
    double full = s->cfg.timeout_ms / 1000.0;
    if ((s->state[item] & ST_RETRIED) || s->nrtt < RTT_SAMPLES_MIN)
        return full;
    double w = 4 * (s->srtt + 4 * s->rttvar);
    if (w < FIRST_WAIT_MIN)
        w = FIRST_WAIT_MIN;
    return w < full ? w : full;
}

static void requeue(sp_scan *s, uint32_t item)
{
    s->requeued++;
    fifo_push(&s->again, item);
    /* Back off to what is in flight now; completions raise it again. */
    s->limit_now = s->active > 0 ? s->active : 1;
}

/* ---- follow-ups on an open port ---- */

static void on_io(sp_loop *loop, int fd, unsigned events, void *ud);
static void start_tls_connect(sp_scan *s, slot *sl);

static void port_finished(sp_scan *s, sp_probe_port *p)
{
    SP_GROW(s->opens, s->capopens, s->nopens + 1);
    s->opens[s->nopens++] = p;
    s->done++;
    if (s->cbs.on_port)
        s->cbs.on_port(s->ud, p->addr_index, p->port, SP_PORT_OPEN, p);
}

static void start_http(sp_scan *s, slot *sl)
{
    char host[64];
    const char *h = s->cfg.host;
    if (!h) {
        sp_probe_addr_format(&sl->port->addr, false, host, sizeof host);
        h = host;
    }
    sl->reqlen = sp_http_request(h, sl->req, sizeof sl->req);
    sl->sent = 0;
    sl->len = 0;
    sl->ph = PH_HTTP_SEND;
    sl->port->http_done = true;
    sl->deadline = sp_now() + SP_PROBE_STEP_WAIT;
    sp_loop_set_events(s->loop, sl->fd, SP_IO_WRITE);
}

static void ensure_buf(slot *sl, size_t cap)
{
    if (sl->cap < cap) {
        sl->buf = sp_xrealloc(sl->buf, cap);
        sl->cap = cap;
    }
}

/* The plain step of an open port is over: keep what was read. */
static void end_plain(sp_scan *s, slot *sl, const char *why)
{
    sp_probe_port *p = sl->port;
    if (sl->ph == PH_BANNER) {
        if (sl->len > 0) {
            p->banner = sp_xmalloc(sl->len + 1);
            memcpy(p->banner, sl->buf, sl->len);
            p->banner[sl->len] = '\0';
            p->banner_len = sl->len;
        }
    } else if (sl->ph == PH_HTTP_SEND || sl->ph == PH_HTTP_READ) {
        if (!sp_http_parse(sl->buf, sl->len, &p->http))
            snprintf(p->http_error, sizeof p->http_error, "%s", sl->len ? "not an HTTP answer" : why);
    }
    if (s->cfg.tls) {
        start_tls_connect(s, sl);
        return;
    }
    slot_release(s, sl);
    port_finished(s, p);
}

/* ---- TLS ---- */

static const char *tls_host(const sp_scan *s, const sp_probe_port *p, char *buf, size_t cap)
{
    if (s->cfg.host)
        return s->cfg.host;
    sp_probe_addr_format(&p->addr, false, buf, cap);
    return buf;
}

static void tls_over(sp_scan *s, slot *sl, const char *why)
{
    sp_probe_port *p = sl->port;
    if (why && !p->tls.ok && !p->tls.error[0])
        snprintf(p->tls.error, sizeof p->tls.error, "%s", why);
    if (sl->ph == PH_TLS_SEND || sl->ph == PH_TLS_READ) {
        sp_http_head h;
        if (sp_http_parse(sl->buf, sl->len, &h)) {
            p->http = h;
            p->http_tls = true;
            p->http_error[0] = '\0';
        }
    }
    slot_release(s, sl);
    port_finished(s, p);
}

static void start_handshake(sp_scan *s, slot *sl)
{
    char buf[64];
    sp_probe_port *p = sl->port;
    p->tls.done = true;
    sl->tls = sp_tls_client(s->tls_ctx, sl->fd, tls_host(s, p, buf, sizeof buf));
    sl->ph = PH_TLS_HANDSHAKE;
    sl->len = 0;
    sl->deadline = sp_now() + SP_PROBE_STEP_WAIT;
    sp_loop_set_events(s->loop, sl->fd, SP_IO_READ | SP_IO_WRITE);
}

/* After the plain step: a fresh connection for the handshake (the plain
 * one has had its say). */
static void start_tls_connect(sp_scan *s, slot *sl)
{
    sp_probe_port *p = sl->port;
    slot_close(s, sl);
    p->tls.done = true;
    int fd = socket(p->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(p->tls.error, sizeof p->tls.error, "no socket for the handshake: %s", strerror(errno));
        slot_release(s, sl);
        port_finished(s, p);
        return;
    }
    sl->fd = fd;
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_of(&p->addr, p->port, &ss);
    if ((connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) ||
        sp_loop_watch(s->loop, fd, SP_IO_WRITE, on_io, sl) < 0) {
        snprintf(p->tls.error, sizeof p->tls.error, "the connect for the handshake failed: %s", strerror(errno));
        slot_release(s, sl);
        port_finished(s, p);
        return;
    }
    sl->ph = PH_TLS_CONNECT;
    sl->deadline = sp_now() + SP_PROBE_STEP_WAIT;
}

static void want(sp_scan *s, slot *sl, sp_tls_status st)
{
    sp_loop_set_events(s->loop, sl->fd, st == SP_TLS_WANT_WRITE ? SP_IO_WRITE : SP_IO_READ);
}

static void record_cert(slot *sl)
{
    sp_probe_tls *t = &sl->port->tls;
    sp_cert_info ci;
    t->ok = true;
    if (!sp_tls_peer_info(sl->tls, &ci)) {
        snprintf(t->error, sizeof t->error, "the server sent no certificate");
        t->ok = false;
        return;
    }
    snprintf(t->subject, sizeof t->subject, "%s", ci.subject);
    snprintf(t->issuer, sizeof t->issuer, "%s", ci.issuer);
    snprintf(t->sha256, sizeof t->sha256, "%s", ci.sha256);
    snprintf(t->protocol, sizeof t->protocol, "%s", ci.protocol);
    snprintf(t->cipher, sizeof t->cipher, "%s", ci.cipher);
    snprintf(t->verify_reason, sizeof t->verify_reason, "%s", ci.verify_reason);
    t->not_before = ci.not_before;
    t->not_after = ci.not_after;
    t->self_signed = ci.self_signed;
    t->verified = ci.verified;
    t->wrong_host = ci.host_mismatch;
    t->sans = ci.sans;
    t->nsans = ci.nsans;
    ci.sans = NULL;
    ci.nsans = 0;
    sp_cert_info_free(&ci);
    time_t now = time(NULL);
    double left = difftime(t->not_after, now) / 86400.0;
    t->days_left = (long)(left < 0 ? left - 1 : left);
    t->expired = t->not_after < now;
}

static void tls_io(sp_scan *s, slot *sl)
{
    sp_tls_status st;
    switch (sl->ph) {
    case PH_TLS_CONNECT: {
        int e = 0;
        socklen_t len = sizeof e;
        if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
            e = errno;
        if (e) {
            char why[120];
            snprintf(why, sizeof why, "the connect for the handshake failed: %s", strerror(e));
            tls_over(s, sl, why);
            return;
        }
        sl->connected = true;
        start_handshake(s, sl);
        return;
    }
    case PH_TLS_HANDSHAKE:
        st = sp_tls_handshake(sl->tls);
        if (st == SP_TLS_WANT_READ || st == SP_TLS_WANT_WRITE) {
            want(s, sl, st);
            return;
        }
        if (st != SP_TLS_DONE) {
            const char *e = sp_tls_error(sl->tls);
            tls_over(s, sl, st == SP_TLS_EOF ? "closed during the handshake" : e[0] ? e : "handshake failed");
            return;
        }
        record_cert(sl);
        if (!s->cfg.http || sl->port->http.http) {
            tls_over(s, sl, NULL);
            return;
        }
        {
            char buf[64];
            sl->reqlen = sp_http_request(tls_host(s, sl->port, buf, sizeof buf), sl->req, sizeof sl->req);
        }
        sl->sent = 0;
        sl->len = 0;
        sl->ph = PH_TLS_SEND;
        sl->port->http_done = true;
        /* fall through */
    case PH_TLS_SEND:
        while (sl->sent < sl->reqlen) {
            size_t n = 0;
            st = sp_tls_write(sl->tls, sl->req + sl->sent, sl->reqlen - sl->sent, &n);
            sl->sent += n;
            if (st == SP_TLS_WANT_READ || st == SP_TLS_WANT_WRITE) {
                want(s, sl, st);
                return;
            }
            if (st != SP_TLS_DONE) {
                tls_over(s, sl, NULL);
                return;
            }
        }
        sl->ph = PH_TLS_READ;
        /* fall through */
    case PH_TLS_READ:
        ensure_buf(sl, SP_HTTP_READ_MAX + 1);
        while (sl->len < SP_HTTP_READ_MAX) {
            size_t n = 0;
            st = sp_tls_read(sl->tls, sl->buf + sl->len, SP_HTTP_READ_MAX - sl->len, &n);
            sl->len += n;
            if (st == SP_TLS_DONE)
                continue;
            if (st == SP_TLS_WANT_READ || st == SP_TLS_WANT_WRITE) {
                want(s, sl, st);
                return;
            }
            break;
        }
        tls_over(s, sl, NULL);
        return;
    default:
        return;
    }
}

static void banner_over(sp_scan *s, slot *sl, const char *why)
{
    if (s->cfg.http && sl->len == 0)
        start_http(s, sl);
    else
        end_plain(s, sl, why);
}

/* Reads what is there into the slot's buffer, up to max bytes in all.
 * Returns 1 when the read is over (EOF, an error, the cap), else 0. */
static int read_some(slot *sl, size_t max, const char **why)
{
    ensure_buf(sl, max + 1);
    for (;;) {
        if (sl->len >= max) {
            *why = "";
            return 1;
        }
        ssize_t n = recv(sl->fd, sl->buf + sl->len, max - sl->len, 0);
        if (n > 0) {
            sl->len += (size_t)n;
            continue;
        }
        if (n == 0) {
            *why = "closed without a word";
            return 1;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        *why = errno == ECONNRESET ? "connection reset" : "read failed";
        return 1;
    }
}

static void follow_up_io(sp_scan *s, slot *sl, unsigned events)
{
    const char *why = "no answer";
    switch (sl->ph) {
    case PH_BANNER:
        if (read_some(sl, SP_PROBE_BANNER_MAX, &why)) {
            banner_over(s, sl, why);
            return;
        }
        /* A line ended: the rest of a multi-line greeting follows at once,
         * or there is no rest. */
        if (sl->len > 0 && sl->buf[sl->len - 1] == '\n' && sl->deadline > sp_now() + 0.1)
            sl->deadline = sp_now() + 0.1;
        return;
    case PH_HTTP_SEND: {
        (void)events;
        while (sl->sent < sl->reqlen) {
            ssize_t n = send(sl->fd, sl->req + sl->sent, sl->reqlen - sl->sent, MSG_NOSIGNAL);
            if (n > 0) {
                sl->sent += (size_t)n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            end_plain(s, sl, "the request could not be sent");
            return;
        }
        sl->ph = PH_HTTP_READ;
        sp_loop_set_events(s->loop, sl->fd, SP_IO_READ);
        return;
    }
    case PH_HTTP_READ:
        if (read_some(sl, SP_HTTP_READ_MAX, &why))
            end_plain(s, sl, why);
        return;
    case PH_TLS_CONNECT:
    case PH_TLS_HANDSHAKE:
    case PH_TLS_SEND:
    case PH_TLS_READ:
        tls_io(s, sl);
        return;
    case PH_FREE:
    case PH_CONNECT:
        break;
    }
}

/* A connect succeeded: the port is open. Follow-ups run on this socket. */
static void port_open(sp_scan *s, slot *sl)
{
    uint32_t item = sl->item;
    double now = sp_now();
    s->state[item] = (uint8_t)((s->state[item] & ST_RETRIED) | SP_PORT_OPEN);
    s->open++;
    sl->connected = true;
    sp_probe_port *p = sp_xcalloc(1, sizeof *p);
    p->addr_index = addr_of(s, item);
    p->addr = s->addrs[p->addr_index];
    p->port = s->ports[port_of(s, item)];
    p->rtt_ms = (now - sl->start) * 1000.0;
    if (!s->cfg.banner && !s->cfg.http && !s->cfg.tls) {
        slot_release(s, sl);
        port_finished(s, p);
        return;
    }
    sl->port = p;
    sl->len = 0;
    if (!s->cfg.banner && !s->cfg.http) {
        start_handshake(s, sl);
    } else if (s->cfg.banner) {
        sl->ph = PH_BANNER;
        sl->deadline = now + SP_PROBE_BANNER_WAIT;
        sp_loop_set_events(s->loop, sl->fd, SP_IO_READ);
    } else {
        start_http(s, sl);
    }
}

static void connect_result(sp_scan *s, slot *sl, int e)
{
    if (e == 0 || e == ECONNREFUSED)
        note_rtt(s, sp_now() - sl->start);
    if (e == 0) {
        port_open(s, sl);
        return;
    }
    uint32_t item = sl->item;
    reason why;
    int st = classify(e, &why);
    slot_release(s, sl);
    if (st < 0)
        requeue(s, item);
    else
        finish_pair(s, item, (sp_port_state)st, why);
}

static void pump(sp_scan *s);

static void on_io(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    slot *sl = ud;
    sp_scan *s = sl->scan;
    if (sl->ph == PH_CONNECT) {
        int e = 0;
        socklen_t len = sizeof e;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
            e = errno;
        connect_result(s, sl, e);
    } else {
        follow_up_io(s, sl, events);
    }
    pump(s);
}

/* ---- pacing ---- */

static void refill(sp_scan *s, double now)
{
    s->tokens += (now - s->last_refill) * s->cfg.rate;
    s->last_refill = now;
    /* At most two ticks' worth at once: a stalled loop does not turn into
     * a burst above the rate. */
    double cap = s->cfg.rate * 2 * TICK;
    if (cap < 4)
        cap = 4;
    if (s->tokens > cap)
        s->tokens = cap;
}

static bool next_item(sp_scan *s, uint32_t *item)
{
    if (s->again.len > 0) {
        *item = fifo_pop(&s->again);
        return true;
    }
    if (s->next < s->total) {
        *item = (uint32_t)s->next++;
        return true;
    }
    return false;
}

static void close_spares(sp_scan *s)
{
    for (size_t i = 0; i < 2; i++) {
        if (s->spare[i] >= 0)
            close(s->spare[i]);
        s->spare[i] = -1;
    }
}

/* Starts one connect. Returns false when the kernel had no resources (the
 * pair went back to the queue): stop starting more for now. */
static bool launch(sp_scan *s, uint32_t item)
{
    const sp_probe_addr *a = &s->addrs[addr_of(s, item)];
    int *spare = &s->spare[a->family == AF_INET6];
    int fd = *spare;
    *spare = -1;
    if (fd < 0)
        fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    reason why;
    if (fd < 0) {
        int e = errno;
        int st = classify(e, &why);
        if (st < 0) {
            requeue(s, item);
            return false;
        }
        finish_pair(s, item, (sp_port_state)st, why);
        return true;
    }
    slot *sl = slot_take(s);
    sl->fd = fd;
    sl->ph = PH_CONNECT;
    sl->item = item;
    sl->port = NULL;
    sl->start = sp_now();
    sl->deadline = sl->start + connect_wait(s, item);
    struct sockaddr_storage ss;
    socklen_t len = sockaddr_of(a, s->ports[port_of(s, item)], &ss);
    int rc = connect(fd, (struct sockaddr *)&ss, len);
    int e = rc == 0 ? 0 : errno;
    if (e == EINPROGRESS) {
        /* On loopback and local networks the answer is often in already
         * (a reset is handled before connect returns): asking now saves
         * the watcher's two epoll calls for every closed port. Asking by a
         * second connect (EALREADY: still waiting, 0: connected, else the
         * error) leaves a refused socket unconnected, ready for the next
         * pair: a closed port then costs no socket and no close. */
        rc = connect(fd, (struct sockaddr *)&ss, len);
        e = rc == 0 || errno == EISCONN ? 0 : errno == EALREADY ? EINPROGRESS : errno;
        if (e == ECONNREFUSED) {
            *spare = fd;
            sl->fd = -1;
        }
        if (e == 0 || e == ECONNREFUSED)
            note_rtt(s, sp_now() - sl->start);
    }
    if (e == EINPROGRESS || e == EINTR) {
        if (sp_loop_watch(s->loop, fd, SP_IO_WRITE, on_io, sl) == 0)
            return true;
        e = errno;
    }
    if (e == 0) {
        if (sp_loop_watch(s->loop, fd, SP_IO_READ, on_io, sl) < 0) {
            slot_release(s, sl);
            requeue(s, item);
            return false;
        }
        port_open(s, sl);
        return true;
    }
    int st = classify(e, &why);
    slot_release(s, sl);
    if (st < 0) {
        requeue(s, item);
        return false;
    }
    finish_pair(s, item, (sp_port_state)st, why);
    return true;
}

static void expire(sp_scan *s, double now)
{
    for (unsigned i = 0; i < s->limit; i++) {
        slot *sl = &s->slots[i];
        if (sl->ph == PH_FREE || sl->deadline > now)
            continue;
        switch (sl->ph) {
        case PH_CONNECT: {
            /* A loop that fell behind (a busy machine) may not have
             * handled an answer that is in: look before calling it a
             * time-out. */
            struct pollfd pfd = { .fd = sl->fd, .events = POLLOUT };
            if (poll(&pfd, 1, 0) == 1) {
                int e = 0;
                socklen_t len = sizeof e;
                if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
                    e = errno;
                connect_result(s, sl, e);
                break;
            }
            uint32_t item = sl->item;
            slot_release(s, sl);
            if (s->state[item] & ST_RETRIED) {
                finish_pair(s, item, SP_PORT_FILTERED, R_TIMEOUT);
            } else {
                s->state[item] |= ST_RETRIED;
                s->retried++;
                fifo_push(&s->again, item);
            }
            break;
        }
        case PH_BANNER: banner_over(s, sl, "no answer"); break;
        case PH_HTTP_SEND:
        case PH_HTTP_READ: end_plain(s, sl, "no answer in time"); break;
        case PH_TLS_CONNECT: tls_over(s, sl, "the connect for the handshake timed out"); break;
        case PH_TLS_HANDSHAKE: tls_over(s, sl, "handshake timed out"); break;
        case PH_TLS_SEND:
        case PH_TLS_READ: tls_over(s, sl, NULL); break;
        case PH_FREE: break;
        }
    }
}

/* Starts what the limit and the bucket allow. */
static void pump(sp_scan *s)
{
    if (s->in_pump || s->cancelled || s->finished)
        return;
    s->in_pump = true;
    refill(s, sp_now());
    uint32_t item;
    while (s->active < s->limit_now && s->tokens >= 1.0 && next_item(s, &item)) {
        s->tokens -= 1.0;
        if (!launch(s, item))
            break;
        if (s->limit_now < s->limit && s->active + 1 >= s->limit_now)
            s->limit_now++;
    }
    s->in_pump = false;
    check_done(s);
}

static void on_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_scan *s = ud;
    expire(s, sp_now());
    pump(s);
}

static void check_done(sp_scan *s)
{
    if (s->finished || s->cancelled || s->active > 0 || s->again.len > 0 || s->next < s->total)
        return;
    s->finished = true;
    s->ended = sp_now();
    close_spares(s);
    sp_loop_cancel(s->loop, s->tick);
    s->tick = 0;
    if (s->cbs.on_done)
        s->cbs.on_done(s->ud);
}

/* ---- public ---- */

/* The soft limit up to the hard one; the scan may use what is left after
 * a reserve for the rest of the program. */
static unsigned fd_budget(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return 256;
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit up = rl;
        up.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &up) == 0)
            rl = up;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1u << 20)
        return 1u << 20;
    return rl.rlim_cur > SP_PROBE_FD_RESERVE + 16 ? (unsigned)(rl.rlim_cur - SP_PROBE_FD_RESERVE) : 16;
}

sp_scan *sp_scan_start(sp_loop *loop, const sp_scan_config *cfg, const sp_scan_cbs *cbs, void *ud, char *err,
                       size_t errlen)
{
    if (cfg->naddrs == 0 || cfg->nports == 0) {
        snprintf(err, errlen, "nothing to probe: no %s", cfg->naddrs == 0 ? "address" : "port");
        return NULL;
    }
    if ((uint64_t)cfg->naddrs * cfg->nports > UINT32_MAX) {
        snprintf(err, errlen, "too many address and port pairs (%zu x %zu)", cfg->naddrs, cfg->nports);
        return NULL;
    }
    sp_tls_ctx *ctx = NULL;
    if (cfg->tls) {
        char why[200];
        ctx = sp_tls_client_ctx(NULL, SP_TLS_REPORT, why, sizeof why);
        if (!ctx) {
            snprintf(err, errlen, "TLS: %s", why);
            return NULL;
        }
    }
    sp_scan *s = sp_xcalloc(1, sizeof *s);
    s->loop = loop;
    s->tls_ctx = ctx;
    s->cfg = *cfg;
    if (!s->cfg.concurrency)
        s->cfg.concurrency = SP_PROBE_CONCURRENCY_DEFAULT;
    if (s->cfg.rate <= 0)
        s->cfg.rate = SP_PROBE_RATE_DEFAULT;
    if (s->cfg.timeout_ms <= 0)
        s->cfg.timeout_ms = SP_PROBE_TIMEOUT_DEFAULT;
    s->cfg.host = cfg->host ? sp_xstrdup(cfg->host) : NULL;
    s->addrs = sp_xreallocarray(NULL, cfg->naddrs, sizeof *s->addrs);
    memcpy(s->addrs, cfg->addrs, cfg->naddrs * sizeof *s->addrs);
    s->ports = sp_xreallocarray(NULL, cfg->nports, sizeof *s->ports);
    memcpy(s->ports, cfg->ports, cfg->nports * sizeof *s->ports);
    s->cfg.addrs = s->addrs;
    s->cfg.ports = s->ports;
    s->cbs = *cbs;
    s->ud = ud;
    s->total = (uint64_t)cfg->naddrs * cfg->nports;
    s->state = sp_xcalloc((size_t)s->total, 1);
    unsigned budget = fd_budget();
    s->limit = s->cfg.concurrency < budget ? s->cfg.concurrency : budget;
    if ((uint64_t)s->limit > s->total)
        s->limit = (unsigned)s->total;
    s->limit_now = s->limit;
    s->slots = sp_xcalloc(s->limit, sizeof *s->slots);
    s->free_slots = sp_xreallocarray(NULL, s->limit, sizeof *s->free_slots);
    for (unsigned i = 0; i < s->limit; i++) {
        s->slots[i].fd = -1;
        s->slots[i].scan = s;
        s->free_slots[i] = s->limit - 1 - i;
    }
    s->nfree = s->limit;
    s->spare[0] = s->spare[1] = -1;
    s->started = s->last_refill = sp_now();
    s->tokens = 1.0;
    s->tick = sp_loop_timer(loop, TICK, TICK, on_tick, s);
    pump(s);
    return s;
}

static void stop_all(sp_scan *s)
{
    for (unsigned i = 0; i < s->limit; i++) {
        slot *sl = &s->slots[i];
        if (sl->ph == PH_FREE)
            continue;
        sp_probe_port *p = sl->port;
        slot_release(s, sl);
        if (p) {
            sp_probe_tls_clear(&p->tls);
            free(p->banner);
            free(p);
        }
    }
    if (s->tick)
        sp_loop_cancel(s->loop, s->tick);
    s->tick = 0;
    close_spares(s);
}

void sp_scan_cancel(sp_scan *s)
{
    if (s->finished || s->cancelled)
        return;
    s->cancelled = true;
    s->ended = sp_now();
    stop_all(s);
}

void sp_scan_get_progress(const sp_scan *s, sp_scan_progress *p)
{
    memset(p, 0, sizeof *p);
    p->total = s->total;
    p->done = s->done;
    p->open = s->open;
    p->closed = s->closed;
    p->filtered = s->filtered;
    p->requeued = s->requeued;
    p->retried = s->retried;
    p->concurrency = s->limit;
    p->finished = s->finished;
    p->cancelled = s->cancelled;
    p->elapsed = (s->finished || s->cancelled ? s->ended : sp_now()) - s->started;
    p->rate = p->elapsed > 0 ? (double)s->done / p->elapsed : 0;
}

sp_port_state sp_scan_state(const sp_scan *s, size_t ai, size_t pi)
{
    return (sp_port_state)(s->state[pi * s->cfg.naddrs + ai] & ST_MASK);
}

const char *sp_scan_reason(const sp_scan *s, size_t ai, size_t pi)
{
    unsigned r = (s->state[pi * s->cfg.naddrs + ai] & REASON_MASK) >> REASON_SHIFT;
    return r < sizeof reason_names / sizeof reason_names[0] ? reason_names[r] : "";
}

const sp_probe_port *const *sp_scan_open_ports(const sp_scan *s, size_t *n)
{
    *n = s->nopens;
    return (const sp_probe_port *const *)s->opens;
}

const sp_scan_config *sp_scan_config_of(const sp_scan *s) { return &s->cfg; }

void sp_probe_tls_clear(sp_probe_tls *t)
{
    for (size_t i = 0; i < t->nsans; i++)
        free(t->sans[i]);
    free(t->sans);
    t->sans = NULL;
    t->nsans = 0;
}

void sp_scan_free(sp_scan *s)
{
    if (!s)
        return;
    stop_all(s);
    for (size_t i = 0; i < s->nopens; i++) {
        sp_probe_tls_clear(&s->opens[i]->tls);
        free(s->opens[i]->banner);
        free(s->opens[i]);
    }
    for (unsigned i = 0; i < s->limit; i++)
        free(s->slots[i].buf);
    free(s->opens);
    free(s->slots);
    free(s->free_slots);
    free(s->again.v);
    free(s->state);
    free(s->addrs);
    free(s->ports);
    free((char *)s->cfg.host);
    sp_tls_ctx_free(s->tls_ctx);
    free(s);
}
