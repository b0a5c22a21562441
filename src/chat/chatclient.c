/* The chat client's connection state machine:
 *   IDLE -> RESOLVING (names only) -> CONNECTING (each address in turn)
 *        -> CONNECTED -> (drop) RETRY_WAIT -> RESOLVING ... or FAILED.
 * Every step is driven by the loop: c-ares callbacks, write readiness for
 * the non-blocking connect, timers for the connect time-out and backoff. */
#include "sockpit/chat/chatclient.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/chat/frame.h"
#include "sockpit/chat/nick.h"
#include "sockpit/chat/tlsio.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/outbuf.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"

#define MAX_ADDRS 8
#define BYE_GRACE 5.0   /* seconds to wait for the reply to `bye` */

typedef struct lookup {
    sp_chatclient *c;   /* NULL once the client gave up on it */
} lookup;

struct sp_chatclient {
    sp_loop *loop;
    sp_dns *dns;
    sp_chatclient_config cfg;
    char *host;
    char *nick;            /* room: sent on every connect; NULL: none */
    sp_chatclient_cbs cbs;
    void *ud;

    sp_chat_state state;
    char text[320];
    char peer[64];

    lookup *pending;
    struct sockaddr_storage addrs[MAX_ADDRS];
    socklen_t addrlens[MAX_ADDRS];
    size_t naddrs, next_addr;

    int fd;
    unsigned gen;          /* bumped at every close: stale callbacks notice */
    uint64_t timer;        /* connect time-out, backoff or bye grace */
    unsigned failures;     /* attempts in a row that failed */
    double up_since;       /* when the connection came up; 0: not up */
    double retry_at;
    sp_chat_tls tls;       /* .t NULL: plain, or not yet */
    sp_cert_info cert;

    sp_frame_decoder dec;
    sp_outbuf out;

    double *sent;          /* send times of requests in flight, a ring */
    size_t sent_head, sent_n, sent_cap;
    size_t bye_pos;        /* replies still due before the bye's reply */
    bool bye_sent;
    bool heard;            /* a frame arrived on this connection */
    bool have_cert;
    bool shut;             /* room: our side closed after bye */
    bool peer_closed;      /* the last drop was the peer's clean close */
};

double sp_chat_backoff(unsigned n)
{
    double d = 1;
    for (unsigned i = 1; i < n && d < 30; i++)
        d *= 2;
    return d > 30 ? 30 : d;
}

bool sp_chat_is_bye(const char *t, size_t n)
{
    while (n && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')) {
        t++;
        n--;
    }
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r' || t[n - 1] == '\n'))
        n--;
    return n == 3 && strncasecmp(t, "bye", 3) == 0;
}

static void set_state(sp_chatclient *c, sp_chat_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_state(sp_chatclient *c, sp_chat_state st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above; a clang 14 false positive */
    vsnprintf(c->text, sizeof c->text, fmt, ap);
    va_end(ap);
    c->state = st;
    if (c->cbs.state)
        c->cbs.state(c->ud, st, c->text);
}

sp_chatclient *sp_chatclient_new(sp_loop *loop, sp_dns *dns, const sp_chatclient_config *cfg,
                                 const sp_chatclient_cbs *cbs, void *ud)
{
    sp_chatclient *c = sp_xcalloc(1, sizeof *c);
    c->host = sp_xstrdup(cfg->host);
    c->loop = loop;
    c->dns = dns;
    c->cfg = *cfg;
    c->cfg.host = c->host;
    char why[120];
    if (cfg->nick && sp_nick_check(cfg->nick, strlen(cfg->nick), why, sizeof why))
        c->nick = sp_xstrdup(cfg->nick);
    c->cfg.nick = NULL;
    if (!c->cfg.max_frame)
        c->cfg.max_frame = SP_MAX_FRAME_DEFAULT;
    if (!(c->cfg.connect_timeout > 0))
        c->cfg.connect_timeout = 10;
    c->cbs = *cbs;
    c->ud = ud;
    c->fd = -1;
    snprintf(c->text, sizeof c->text, "not connected");
    return c;
}

static void cancel_timer(sp_chatclient *c)
{
    if (c->timer) {
        sp_loop_cancel(c->loop, c->timer);
        c->timer = 0;
    }
}

/* Closes the socket and forgets what was in flight. */
static void close_conn(sp_chatclient *c)
{
    cancel_timer(c);
    if (c->pending) {
        c->pending->c = NULL;
        c->pending = NULL;
    }
    sp_chat_tls_end(&c->tls);
    if (c->fd >= 0) {
        sp_loop_unwatch(c->loop, c->fd);
        close(c->fd);
        c->fd = -1;
    }
    c->gen++;
    sp_frame_decoder_free(&c->dec);
    sp_outbuf_free(&c->out);
    c->sent_head = c->sent_n = 0;
    c->bye_sent = false;
    c->shut = false;
}

void sp_chatclient_free(sp_chatclient *c)
{
    if (!c)
        return;
    close_conn(c);
    free(c->sent);
    free(c->host);
    free(c->nick);
    if (c->have_cert)
        sp_cert_info_free(&c->cert);
    free(c);
}

static void start(sp_chatclient *c);

static void on_retry(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_chatclient *c = ud;
    c->timer = 0;
    start(c);
}

/* The connection (or the attempt) failed or ended: retry later or stop. */
static void drop(sp_chatclient *c, const char *why)
{
    size_t lost = c->sent_n;
    close_conn(c);
    char extra[64] = "";
    if (lost)
        snprintf(extra, sizeof extra, " (%zu repl%s never came)", lost, lost == 1 ? "y" : "ies");
    if (!c->cfg.reconnect) {
        set_state(c, SP_CHAT_FAILED, "%s%s", why, extra);
        return;
    }
    /* Only a connection that did some good resets the backoff: a server
     * that accepts and closes at once (a full one does) is a failure too. */
    if (c->up_since > 0 && (c->heard || sp_now() - c->up_since >= SP_CHAT_HEALTHY))
        c->failures = 0;
    c->up_since = 0;
    c->failures++;
    double d = sp_chat_backoff(c->failures);
    c->retry_at = sp_now() + d;
    c->timer = sp_loop_timer(c->loop, d, 0, on_retry, c);
    set_state(c, SP_CHAT_RETRY_WAIT, "%s%s; reconnecting in %.0f s (attempt %u)", why, extra, d, c->failures + 1);
}

static void try_next_addr(sp_chatclient *c, const char *last_error);

static void on_connect_timeout(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_chatclient *c = ud;
    c->timer = 0;
    try_next_addr(c, c->tls.t ? "the TLS handshake timed out" : "connection timed out");
}

static void on_io(sp_loop *loop, int fd, unsigned events, void *ud);

/* Sends what is queued; waits for write readiness while the socket is full. */
static int flush(sp_chatclient *c)
{
    int r = c->tls.t ? sp_outbuf_flush_with(&c->out, sp_chat_tls_writer, &c->tls, (size_t)64 * 1024)
                     : sp_outbuf_flush(&c->out, c->fd, (size_t)64 * 1024);
    if (r < 0) {
        char why[300];
        if (c->tls.t && errno == EPROTO)
            snprintf(why, sizeof why, "TLS error: %s", sp_tls_error(c->tls.t));
        else
            snprintf(why, sizeof why, "error: %s", strerror(errno));
        drop(c, why);
        return -1;
    }
    sp_loop_set_events(c->loop, c->fd, sp_chat_tls_events(&c->tls, r == 0));
    /* Room: after bye nothing more goes out; the server's close ends it. */
    if (r && c->cfg.room && c->bye_sent && !c->shut) {
        c->shut = true;
        if (c->tls.t)
            sp_tls_close(c->tls.t);
        shutdown(c->fd, SHUT_WR);
    }
    return 0;
}

static void queue_frame(sp_chatclient *c, const char *text, size_t len)
{
    char *at = sp_outbuf_reserve(&c->out, len + SP_FRAME_HEADER);
    sp_outbuf_commit(&c->out, sp_frame_encode(text, len, at));
}

static void queue_nick(sp_chatclient *c)
{
    char line[8 + SP_NICK_MAX];
    int n = snprintf(line, sizeof line, "/nick %s", c->nick);
    queue_frame(c, line, (size_t)n);
}

static void connected(sp_chatclient *c)
{
    cancel_timer(c);
    c->up_since = sp_now();
    c->heard = false;
    sp_frame_decoder_init(&c->dec, c->cfg.max_frame);
    sp_loop_set_events(c->loop, c->fd, SP_IO_READ);
    if (c->cfg.room && c->nick)
        queue_nick(c);
    unsigned gen = c->gen;
    struct sockaddr_storage ss;
    socklen_t sl;
    if (sp_sock_parse_ip(c->host, c->cfg.port, &ss, &sl) < 0) {
        char host[200];
        sp_escape(c->host, strlen(c->host), host, sizeof host);
        set_state(c, SP_CHAT_CONNECTED, "connected to %s (%s)", host, c->peer);
    } else {
        set_state(c, SP_CHAT_CONNECTED, "connected to %s", c->peer);
    }
    if (gen == c->gen && sp_outbuf_pending(&c->out))
        flush(c);
}

/* Keeps what the server's certificate says, for the pane's details. */
static void keep_cert(sp_chatclient *c)
{
    if (c->have_cert)
        sp_cert_info_free(&c->cert);
    c->have_cert = sp_tls_peer_info(c->tls.t, &c->cert);
}

/* One step of the TLS handshake; connected() once it is done. */
static void handshake(sp_chatclient *c)
{
    sp_tls_status st = sp_tls_handshake(c->tls.t);
    switch (st) {
    case SP_TLS_DONE:
        c->tls.ready = true;
        keep_cert(c);
        connected(c);
        return;
    case SP_TLS_WANT_READ:
        sp_loop_set_events(c->loop, c->fd, SP_IO_READ);
        return;
    case SP_TLS_WANT_WRITE:
        sp_loop_set_events(c->loop, c->fd, SP_IO_READ | SP_IO_WRITE);
        return;
    case SP_TLS_EOF:
    case SP_TLS_FAIL:
        break;
    }
    keep_cert(c);
    char why[400];
    const char *e = sp_tls_error(c->tls.t);
    snprintf(why, sizeof why, "TLS with %s: %s", c->peer,
             e[0] ? e : "the server closed the connection during the handshake (does it speak TLS?)");
    drop(c, why);
}

/* TCP is up: straight to CONNECTED, or through the TLS handshake first,
 * within a fresh connect time-out. */
static void tcp_up(sp_chatclient *c)
{
    if (!c->cfg.tls) {
        connected(c);
        return;
    }
    cancel_timer(c);
    c->tls = (sp_chat_tls){ .t = sp_tls_client(c->cfg.tls, c->fd, c->host) };
    c->timer = sp_loop_timer(c->loop, c->cfg.connect_timeout, 0, on_connect_timeout, c);
    set_state(c, SP_CHAT_CONNECTING, "TLS handshake with %s", c->peer);
    handshake(c);
}

static void try_next_addr(sp_chatclient *c, const char *last_error)
{
    sp_chat_tls_end(&c->tls);
    if (c->fd >= 0) {
        sp_loop_unwatch(c->loop, c->fd);
        close(c->fd);
        c->fd = -1;
    }
    cancel_timer(c);
    while (c->next_addr < c->naddrs) {
        size_t i = c->next_addr++;
        const struct sockaddr *sa = (const struct sockaddr *)&c->addrs[i];
        sp_sock_addr_str(sa, c->peer, sizeof c->peer);
        int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            last_error = strerror(errno);
            continue;
        }
        sp_sock_nodelay(fd);
        sp_sock_keepalive(fd, &c->cfg.keepalive);
        int rc = connect(fd, sa, c->addrlens[i]);
        if (rc < 0 && errno != EINPROGRESS) {
            last_error = strerror(errno);
            close(fd);
            continue;
        }
        c->fd = fd;
        if (sp_loop_watch(c->loop, fd, SP_IO_WRITE, on_io, c) < 0) {
            last_error = strerror(errno);
            close(fd);
            c->fd = -1;
            continue;
        }
        if (rc == 0) {
            tcp_up(c);
            return;
        }
        c->timer = sp_loop_timer(c->loop, c->cfg.connect_timeout, 0, on_connect_timeout, c);
        set_state(c, SP_CHAT_CONNECTING, "connecting to %s", c->peer);
        return;
    }
    char why[256];
    if (c->naddrs > 1)
        snprintf(why, sizeof why, "cannot connect to %s port %d: %s", c->host, c->cfg.port, last_error);
    else
        snprintf(why, sizeof why, "cannot connect to %s: %s", c->peer, last_error);
    drop(c, why);
}

static void on_resolved(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    (void)timeouts;
    lookup *lk = arg;
    sp_chatclient *c = lk->c;
    free(lk);
    if (!c || status == ARES_EDESTRUCTION) {
        if (c)
            c->pending = NULL;
        ares_freeaddrinfo(res);
        return;
    }
    c->pending = NULL;
    c->naddrs = c->next_addr = 0;
    for (struct ares_addrinfo_node *n = res ? res->nodes : NULL; n && c->naddrs < MAX_ADDRS; n = n->ai_next) {
        if ((n->ai_family != AF_INET && n->ai_family != AF_INET6) || n->ai_addrlen > sizeof c->addrs[0])
            continue;
        memcpy(&c->addrs[c->naddrs], n->ai_addr, n->ai_addrlen);
        c->addrlens[c->naddrs++] = n->ai_addrlen;
    }
    ares_freeaddrinfo(res);
    if (status != ARES_SUCCESS || c->naddrs == 0) {
        char why[300];
        char host[200];
        sp_escape(c->host, strlen(c->host), host, sizeof host);
        snprintf(why, sizeof why, "cannot resolve '%s': %s", host,
                 status != ARES_SUCCESS ? ares_strerror(status) : "no IPv4 or IPv6 address");
        drop(c, why);
        return;
    }
    try_next_addr(c, "no address");
}

static void start(sp_chatclient *c)
{
    close_conn(c);
    c->peer_closed = false;
    c->naddrs = c->next_addr = 0;
    if (sp_sock_parse_ip(c->host, c->cfg.port, &c->addrs[0], &c->addrlens[0]) == 0) {
        c->naddrs = 1;
        try_next_addr(c, "no address");
        return;
    }
    if (!c->dns) {
        drop(c, "cannot resolve names here (no DNS channel)");
        return;
    }
    lookup *lk = sp_xcalloc(1, sizeof *lk);
    lk->c = c;
    c->pending = lk;
    char host[200];
    sp_escape(c->host, strlen(c->host), host, sizeof host);
    set_state(c, SP_CHAT_RESOLVING, "resolving %s", host);
    char port[8];
    snprintf(port, sizeof port, "%d", c->cfg.port);
    struct ares_addrinfo_hints hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    /* The callback may run at once (hosts file, errors); it handles that. */
    ares_getaddrinfo(sp_dns_channel(c->dns), c->host, port, &hints, on_resolved, lk);
}

void sp_chatclient_connect(sp_chatclient *c)
{
    c->failures = 0;
    start(c);
}

void sp_chatclient_disconnect(sp_chatclient *c, const char *why)
{
    close_conn(c);
    set_state(c, SP_CHAT_IDLE, "%s", why);
}

static void on_bye_grace(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_chatclient *c = ud;
    c->timer = 0;
    sp_chatclient_disconnect(c, "closed after bye (no reply came)");
}

static void push_sent(sp_chatclient *c, double t)
{
    if (c->sent_n == c->sent_cap) {
        /* A full ring runs from sent_head to the end, then wraps to 0: at
         * least doubled, the wrapped part fits right after the end. */
        size_t old = c->sent_cap;
        SP_GROW(c->sent, c->sent_cap, old + 1);
        if (c->sent_head)
            memcpy(c->sent + old, c->sent, c->sent_head * sizeof *c->sent);
    }
    c->sent[(c->sent_head + c->sent_n++) % c->sent_cap] = t;
}

int sp_chatclient_send(sp_chatclient *c, const char *text, size_t len)
{
    if (c->state != SP_CHAT_CONNECTED || c->bye_sent || len > INT32_MAX)
        return -1;
    queue_frame(c, text, len);
    char why[120];
    if (!c->cfg.room)
        push_sent(c, sp_now());
    else if (len > 6 && memcmp(text, "/nick ", 6) == 0 && sp_nick_check(text + 6, len - 6, why, sizeof why)) {
        free(c->nick);
        c->nick = sp_xmalloc(len - 5);
        memcpy(c->nick, text + 6, len - 6);
        c->nick[len - 6] = '\0';
    }
    if (sp_chat_is_bye(text, len)) {
        c->bye_sent = true;
        c->bye_pos = c->sent_n;
        cancel_timer(c);
        c->timer = sp_loop_timer(c->loop, BYE_GRACE, 0, on_bye_grace, c);
    }
    return flush(c);
}

/* Hands one frame to the owner; returns false when the connection went
 * away meanwhile (a callback may disconnect). */
static bool deliver(sp_chatclient *c, const char *p, size_t n)
{
    double rtt = -1;
    bool was_bye = false;
    if (c->sent_n && !c->cfg.room) {
        rtt = sp_now() - c->sent[c->sent_head];
        c->sent_head = (c->sent_head + 1) % c->sent_cap;
        c->sent_n--;
        if (c->bye_sent && --c->bye_pos == 0)
            was_bye = true;
    }
    unsigned gen = c->gen;
    c->heard = true;
    if (c->cbs.message)
        c->cbs.message(c->ud, p, n, rtt);
    if (gen != c->gen)
        return false;
    if (was_bye) {
        sp_chatclient_disconnect(c, "closed after bye");
        return false;
    }
    return true;
}

/* The server closed its side. */
static void peer_eof(sp_chatclient *c)
{
    size_t pend = sp_frame_pending(&c->dec);
    if (c->bye_sent && !pend) {
        sp_chatclient_disconnect(c, "closed after bye");
        return;
    }
    c->peer_closed = !pend;
    char why[160];
    if (pend)
        snprintf(why, sizeof why, "closed by peer in the middle of a frame (%zu bytes received)", pend);
    else
        snprintf(why, sizeof why, "closed by peer");
    drop(c, why);
}

/* Decodes and delivers what was read; false when the connection went away. */
static bool take(sp_chatclient *c, const char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        size_t used, plen;
        const char *payload;
        sp_frame_status st = sp_frame_decode(&c->dec, buf + off, len - off, &used, &payload, &plen);
        off += used;
        if (st == SP_FRAME_ERROR) {
            char why[160];
            snprintf(why, sizeof why, "protocol error: %s", c->dec.err);
            drop(c, why);
            return false;
        }
        if (st == SP_FRAME_MORE)
            break;
        if (!deliver(c, payload, plen))
            return false;
    }
    return true;
}

/* TLS: a few records at most per wake-up (the socket stays readable for
 * the rest), then whatever OpenSSL holds decrypted already, which no
 * readiness event would announce. */
static void on_readable_tls(sp_chatclient *c)
{
    char buf[65536];
    for (int round = 0; round < 4 || sp_tls_pending(c->tls.t); round++) {
        size_t n;
        sp_tls_status st = sp_chat_tls_read(&c->tls, buf, sizeof buf, &n);
        switch (st) {
        case SP_TLS_DONE:
            if (!take(c, buf, n))
                return;
            /* One record read: the loop says when the socket has more. */
            if (!sp_tls_pending(c->tls.t))
                return;
            continue;
        case SP_TLS_WANT_WRITE:
            sp_loop_set_events(c->loop, c->fd, sp_chat_tls_events(&c->tls, sp_outbuf_pending(&c->out) > 0));
            return;
        case SP_TLS_WANT_READ:
            return;
        case SP_TLS_EOF:
            peer_eof(c);
            return;
        case SP_TLS_FAIL:
            break;
        }
        char why[300];
        snprintf(why, sizeof why, "TLS error: %s", sp_tls_error(c->tls.t));
        drop(c, why);
        return;
    }
}

static void on_readable(sp_chatclient *c)
{
    if (c->tls.t) {
        on_readable_tls(c);
        return;
    }
    char buf[65536];
    ssize_t r = recv(c->fd, buf, sizeof buf, 0);
    if (r < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        char why[160];
        snprintf(why, sizeof why, "error: %s", strerror(errno));
        drop(c, why);
        return;
    }
    if (r == 0) {
        peer_eof(c);
        return;
    }
    take(c, buf, (size_t)r);
}

static void on_io(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    (void)fd;
    sp_chatclient *c = ud;
    if (c->state == SP_CHAT_CONNECTING) {
        int err = 0;
        socklen_t l = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
            err = errno;
        if (c->tls.t) {
            handshake(c);
            return;
        }
        if (err) {
            try_next_addr(c, strerror(err));
            return;
        }
        tcp_up(c);
        return;
    }
    unsigned gen = c->gen;
    /* A TLS read may wait for writability and a write for readability. */
    bool read_now = (events & SP_IO_READ) || c->tls.read_wants_write;
    bool write_now = (events & SP_IO_WRITE) || c->tls.write_wants_read;
    if (write_now && sp_outbuf_pending(&c->out) && flush(c) < 0)
        return;
    if (read_now && gen == c->gen)
        on_readable(c);
    if (gen == c->gen && c->tls.t)
        sp_loop_set_events(c->loop, c->fd, sp_chat_tls_events(&c->tls, sp_outbuf_pending(&c->out) > 0));
}

void sp_chatclient_set_room(sp_chatclient *c, bool room)
{
    if (c->cfg.room == room)
        return;
    c->cfg.room = room;
    c->sent_head = c->sent_n = 0;
    if (c->bye_sent) {
        sp_chatclient_disconnect(c, "closed after bye");
        return;
    }
    if (room && c->nick && c->state == SP_CHAT_CONNECTED) {
        queue_nick(c);
        flush(c);
    }
}

bool sp_chatclient_room(const sp_chatclient *c) { return c->cfg.room; }
const char *sp_chatclient_nick(const sp_chatclient *c) { return c->nick; }
bool sp_chatclient_peer_closed(const sp_chatclient *c) { return c->peer_closed; }
const sp_cert_info *sp_chatclient_cert(const sp_chatclient *c) { return c->have_cert ? &c->cert : NULL; }
sp_chat_state sp_chatclient_state(const sp_chatclient *c) { return c->state; }
const char *sp_chatclient_text(const sp_chatclient *c) { return c->text; }
size_t sp_chatclient_in_flight(const sp_chatclient *c) { return c->sent_n; }
int sp_chatclient_fd(const sp_chatclient *c) { return c->state == SP_CHAT_CONNECTED ? c->fd : -1; }

double sp_chatclient_retry_in(const sp_chatclient *c)
{
    if (c->state != SP_CHAT_RETRY_WAIT)
        return 0;
    double d = c->retry_at - sp_now();
    return d > 0 ? d : 0;
}
