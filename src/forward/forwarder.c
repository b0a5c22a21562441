/* The forwarder's data path in the event loop (forwarder.h). */
#include "sockpit/forward/forwarder.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/accept.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"
#include "sockpit/core/strset.h"
#include "sockpit/forward/bucket.h"
#include "sockpit/forward/cidr.h"
#include "sockpit/forward/proxyhdr.h"

/* A rate-limited direction's buffer; the kernel's socket buffers do the
 * rest of the queueing. */
#define BUF_CAP ((size_t)64 * 1024)
/* Bytes one direction moves per wake-up before the others get their turn. */
#define BUDGET ((size_t)1 << 20)
/* How often waiting rate-limited directions are served. */
#define TICK 0.01
#define MAX_ADDRS 16

typedef struct conn conn;

enum { UP, DOWN }; /* client -> target, target -> client */

typedef struct half {
    int pipe[2];       /* splice mode: -1 until first needed */
    size_t inpipe;     /* bytes in the pipe */
    size_t pipe_cap;
    bool pipe_full;    /* the pipe took no more (its slots may fill before its bytes) */
    bool buffered;     /* copy through buf (rate limit, or no pipe to be had) */
    char *buf;
    size_t off, len;
    bool eof;          /* the source sent its FIN */
    bool shut;         /* passed on as shutdown(SHUT_WR) */
    uint64_t bytes;    /* delivered */
    sp_bucket bucket;  /* --rate */
    bool waiting;      /* on the mapping's list for tokens */
    bool in_tick;
    size_t grant;
    conn *wprev, *wnext;
} half;

struct conn {
    sp_fwd *f;
    conn *prev, *next;
    conn *next_pending; /* waiting for the target's address */
    uint64_t id;
    int cfd, tfd;
    unsigned cev, tev;  /* events asked for */
    bool cwatched, twatched;
    sp_fwd_state state;
    bool dead;
    double started, last_io;
    uint64_t connect_timer, idle_timer;
    size_t addr_next, addr_tries;
    struct sockaddr_storage peer, local;
    char client[64], target[64], ip[64];
    uint8_t hdr[SP_PROXY_HEADER_MAX];
    size_t hdr_len, hdr_off;
    half h[2];
};

struct sp_fwd {
    sp_loop *loop;
    sp_fwd_spec spec;
    sp_dns *dns;
    sp_fwd_event_fn *event;
    void *ud;
    int lfd, spare;
    bool paused;
    char addr[64], target_text[300];
    long max_conns;
    conn *head, *tail;
    conn *graveyard;
    conn *pending;      /* resolving */
    uint64_t next_id;
    sp_fwd_stats st;
    sp_strset per_ip;
    /* The target's addresses. */
    struct sockaddr_storage addrs[MAX_ADDRS];
    socklen_t addrlens[MAX_ADDRS];
    size_t naddrs;
    bool is_name, resolving, stale;
    struct resolve_ctx *lookup;
    /* Rate limits. */
    bool limited;
    sp_bucket total[2];
    conn *waiters[2];
    uint64_t tick;
    size_t share_start;
};

typedef struct resolve_ctx {
    sp_fwd *f; /* NULL once the mapping is gone */
} resolve_ctx;

long sp_fwd_default_max_conns(long nofile)
{
    if (nofile <= 0)
        return 1000000;
    long n = (nofile - 64) / 6;
    return n > 1 ? n : 1;
}

static void emit(sp_fwd *f, sp_fwd_event_kind kind, const conn *c, const char *client, const char *reason)
{
    if (!f->event)
        return;
    sp_fwd_event ev = { .kind = kind, .client = client, .reason = reason };
    if (c) {
        ev.id = c->id;
        ev.target = c->target[0] ? c->target : NULL;
        ev.to_target = c->h[UP].bytes;
        ev.to_client = c->h[DOWN].bytes;
        ev.duration = sp_now() - c->started;
    }
    f->event(f->ud, f, &ev);
}

static void reset_fd(int fd)
{
    struct linger lg = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

static void unwait(conn *c, int dir)
{
    half *h = &c->h[dir];
    if (!h->waiting)
        return;
    if (h->wprev)
        h->wprev->h[dir].wnext = h->wnext;
    else
        c->f->waiters[dir] = h->wnext;
    if (h->wnext)
        h->wnext->h[dir].wprev = h->wprev;
    h->wprev = h->wnext = NULL;
    h->waiting = false;
}

static void release_ip(sp_fwd *f, conn *c)
{
    size_t n;
    if (!c->ip[0] || !sp_strset_find(&f->per_ip, c->ip, &n))
        return;
    if (n <= 1)
        sp_strset_remove(&f->per_ip, c->ip);
    else
        sp_strset_set(&f->per_ip, c->ip, n - 1);
}

static void close_half_fds(half *h)
{
    for (int i = 0; i < 2; i++)
        if (h->pipe[i] >= 0)
            close(h->pipe[i]);
    h->pipe[0] = h->pipe[1] = -1;
    free(h->buf);
    h->buf = NULL;
}

/* Ends a connection: the event, the sockets (reset when asked), and the
 * memory later, before the loop sleeps, since callers up the stack may still
 * hold it. */
static void finish(conn *c, bool reset_client, bool reset_target, sp_fwd_event_kind kind, const char *reason)
{
    if (c->dead)
        return;
    sp_fwd *f = c->f;
    c->dead = true;
    if (c->state == SP_FWD_RESOLVING) {
        conn **p = &f->pending;
        while (*p && *p != c)
            p = &(*p)->next_pending;
        if (*p)
            *p = c->next_pending;
    }
    emit(f, kind, c, c->client, reason);
    if (kind == SP_FWD_EV_CONNECT_FAILED)
        f->st.failed++;
    sp_loop_cancel(f->loop, c->connect_timer);
    sp_loop_cancel(f->loop, c->idle_timer);
    unwait(c, UP);
    unwait(c, DOWN);
    if (c->cwatched)
        sp_loop_unwatch(f->loop, c->cfd);
    if (c->tfd >= 0 && c->twatched)
        sp_loop_unwatch(f->loop, c->tfd);
    if (reset_client)
        reset_fd(c->cfd);
    close(c->cfd);
    if (c->tfd >= 0) {
        if (reset_target)
            reset_fd(c->tfd);
        close(c->tfd);
    }
    c->cfd = c->tfd = -1;
    close_half_fds(&c->h[UP]);
    close_half_fds(&c->h[DOWN]);
    release_ip(f, c);
    if (c->prev)
        c->prev->next = c->next;
    else
        f->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        f->tail = c->prev;
    f->st.active--;
    c->next = f->graveyard;
    f->graveyard = c;
    /* A spare descriptor given up earlier can be had again. */
    if (f->spare < 0)
        f->spare = sp_spare_fd_open();
}

static void bury(sp_loop *loop, void *ud)
{
    (void)loop;
    sp_fwd *f = ud;
    while (f->graveyard) {
        conn *c = f->graveyard;
        f->graveyard = c->next;
        free(c);
    }
}

static size_t pending(const half *h)
{
    return h->buffered ? h->len - h->off : h->inpipe;
}

static bool wants_read(const conn *c, const half *h)
{
    if (c->state < SP_FWD_OPEN || h->eof)
        return false;
    if (h->buffered)
        return h->len < BUF_CAP;
    /* No pipe yet: it is made at the first read. */
    return h->pipe[0] < 0 || (!h->pipe_full && h->inpipe < h->pipe_cap);
}

static bool wants_write(const conn *c, const half *h, int dir)
{
    if (dir == UP && c->hdr_off < c->hdr_len)
        return true;
    return pending(h) > 0 && !h->waiting;
}

static void on_io(sp_loop *loop, int fd, unsigned events, void *ud);

static void set_interest(conn *c)
{
    if (c->dead)
        return;
    sp_fwd *f = c->f;
    if (c->state < SP_FWD_OPEN)
        return;
    unsigned cev = (wants_read(c, &c->h[UP]) ? SP_IO_READ : 0u) |
                   (wants_write(c, &c->h[DOWN], DOWN) ? SP_IO_WRITE : 0u);
    unsigned tev = (wants_read(c, &c->h[DOWN]) ? SP_IO_READ : 0u) |
                   (wants_write(c, &c->h[UP], UP) ? SP_IO_WRITE : 0u);
    /* A socket with nothing left to do either way is forgotten, so its
     * hang-up cannot wake the loop while the other direction finishes. */
    bool cdone = c->h[UP].eof && c->h[DOWN].shut, tdone = c->h[DOWN].eof && c->h[UP].shut;
    if (cdone && c->cwatched) {
        sp_loop_unwatch(f->loop, c->cfd);
        c->cwatched = false;
    } else if (!cdone && cev != c->cev) {
        sp_loop_set_events(f->loop, c->cfd, cev);
    }
    if (tdone && c->twatched) {
        sp_loop_unwatch(f->loop, c->tfd);
        c->twatched = false;
    } else if (!tdone && tev != c->tev) {
        sp_loop_set_events(f->loop, c->tfd, tev);
    }
    c->cev = cev;
    c->tev = tev;
}

static void on_tick(sp_loop *loop, uint64_t id, void *ud);

static void join_waiters(conn *c, int dir)
{
    half *h = &c->h[dir];
    sp_fwd *f = c->f;
    if (h->waiting)
        return;
    h->waiting = true;
    h->wprev = NULL;
    h->wnext = f->waiters[dir];
    if (h->wnext)
        h->wnext->h[dir].wprev = c;
    f->waiters[dir] = c;
    if (!f->tick)
        f->tick = sp_loop_timer(f->loop, TICK, TICK, on_tick, f);
}

static bool is_reset(int e)
{
    return e == ECONNRESET || e == EPIPE || e == ETIMEDOUT || e == EHOSTUNREACH || e == ENETUNREACH;
}

/* The pipe of a splice direction, made when first needed; without one (out
 * of descriptors, no splice) the direction copies through a buffer. */
static bool ensure_pipe(half *h)
{
    if (h->pipe[0] >= 0)
        return true;
    if (pipe2(h->pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
        h->pipe[0] = h->pipe[1] = -1;
        h->buffered = true;
        return false;
    }
    int sz = fcntl(h->pipe[1], F_GETPIPE_SZ);
    h->pipe_cap = sz > 0 ? (size_t)sz : 65536;
    return true;
}

/* Bytes the rate limits let through now; joins the waiters when none. */
static size_t allowance(conn *c, int dir, size_t want)
{
    half *h = &c->h[dir];
    sp_fwd *f = c->f;
    if (!f->limited)
        return want;
    size_t a = want;
    if (f->spec.total_rate && !h->in_tick)
        a = 0;
    if (a && h->bucket.rate > 0) {
        size_t t = sp_bucket_avail(&h->bucket, sp_now());
        a = a < t ? a : t;
    }
    if (h->in_tick)
        a = a < h->grant ? a : h->grant;
    if (a == 0)
        join_waiters(c, dir);
    return a;
}

static void account(conn *c, int dir, size_t n)
{
    half *h = &c->h[dir];
    sp_fwd *f = c->f;
    h->bytes += n;
    if (dir == UP)
        f->st.to_target += n;
    else
        f->st.to_client += n;
    if (f->limited) {
        sp_bucket_take(&h->bucket, n);
        if (f->spec.total_rate)
            sp_bucket_take(&f->total[dir], n);
        if (h->in_tick)
            h->grant -= n < h->grant ? n : h->grant;
    }
}

/* Result of one transfer step. */
enum { STEP_NONE, STEP_MOVED, STEP_FAILED };

static int write_out(conn *c, int dir, int dst)
{
    half *h = &c->h[dir];
    size_t want = pending(h);
    if (want == 0)
        return STEP_NONE;
    size_t n = allowance(c, dir, want);
    if (n == 0)
        return STEP_NONE;
    ssize_t w;
    if (h->buffered)
        w = send(dst, h->buf + h->off, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    else
        w = splice(h->pipe[0], NULL, dst, NULL, n, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (w < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return STEP_NONE;
        return STEP_FAILED;
    }
    if (h->buffered) {
        h->off += (size_t)w;
        if (h->off == h->len)
            h->off = h->len = 0;
    } else {
        h->inpipe -= (size_t)w;
        h->pipe_full = false;
    }
    account(c, dir, (size_t)w);
    return w > 0 ? STEP_MOVED : STEP_NONE;
}

static int read_in(conn *c, int dir, int src)
{
    half *h = &c->h[dir];
    if (!wants_read(c, h))
        return STEP_NONE;
    if (!h->buffered)
        ensure_pipe(h);
    ssize_t r;
    if (h->buffered) {
        if (!h->buf)
            h->buf = sp_xmalloc(BUF_CAP);
        if (h->off > 0 && h->len == BUF_CAP) {
            memmove(h->buf, h->buf + h->off, h->len - h->off);
            h->len -= h->off;
            h->off = 0;
        }
        r = recv(src, h->buf + h->len, BUF_CAP - h->len, MSG_DONTWAIT);
    } else {
        r = splice(src, NULL, h->pipe[1], NULL, h->pipe_cap - h->inpipe, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
        if (r < 0 && (errno == EINVAL || errno == ENOSYS) && h->inpipe == 0) {
            /* No splice for this socket: copy instead. */
            h->buffered = true;
            return STEP_MOVED;
        }
    }
    if (r < 0) {
        if (errno == EAGAIN || errno == EINTR) {
            if (!h->buffered && h->inpipe > 0)
                h->pipe_full = true;
            return STEP_NONE;
        }
        return STEP_FAILED;
    }
    if (r == 0) {
        h->eof = true;
        return STEP_MOVED;
    }
    if (h->buffered)
        h->len += (size_t)r;
    else
        h->inpipe += (size_t)r;
    return STEP_MOVED;
}

static const char *const side_name[2][2] = {
    { "reset by the client", "reset by the target" },
    { "error from the client", "error from the target" },
};

/* Moves what it can in one direction. Returns false when the connection
 * ended. */
static bool pump(conn *c, int dir)
{
    half *h = &c->h[dir];
    int src = dir == UP ? c->cfd : c->tfd, dst = dir == UP ? c->tfd : c->cfd;
    size_t before = h->bytes;
    if (dir == UP && c->hdr_off < c->hdr_len) {
        ssize_t w = send(dst, c->hdr + c->hdr_off, c->hdr_len - c->hdr_off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            finish(c, true, false, SP_FWD_EV_CLOSE, "reset by the target");
            return false;
        }
        if (w > 0)
            c->hdr_off += (size_t)w;
        if (c->hdr_off < c->hdr_len)
            return true;
    }
    for (int round = 0; h->bytes - before < BUDGET && round < 64; round++) {
        int w = write_out(c, dir, dst);
        if (w == STEP_FAILED) {
            int e = errno;
            /* The receiver reset: so is the sender. */
            finish(c, true, true, SP_FWD_EV_CLOSE, side_name[is_reset(e) ? 0 : 1][dir == UP]);
            return false;
        }
        int r = read_in(c, dir, src);
        if (r == STEP_FAILED) {
            int e = errno;
            finish(c, true, true, SP_FWD_EV_CLOSE, side_name[is_reset(e) ? 0 : 1][dir == DOWN]);
            return false;
        }
        if (h->eof && pending(h) == 0 && !h->shut) {
            shutdown(dst, SHUT_WR);
            h->shut = true;
            if (c->state == SP_FWD_OPEN)
                c->state = SP_FWD_HALF_CLOSED;
        }
        if (w == STEP_NONE && r == STEP_NONE)
            break;
    }
    if (h->bytes != before)
        c->last_io = sp_now();
    if (c->h[UP].shut && c->h[DOWN].shut) {
        finish(c, false, false, SP_FWD_EV_CLOSE, "done");
        return false;
    }
    return true;
}

/* A hang-up or error on a socket nothing was asked of. */
static bool check_error(conn *c, int fd)
{
    int e = 0;
    socklen_t el = sizeof e;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
    bool client = fd == c->cfd;
    if (e)
        finish(c, !client, client, SP_FWD_EV_CLOSE, is_reset(e) ? side_name[0][!client] : side_name[1][!client]);
    else
        finish(c, !client, client, SP_FWD_EV_CLOSE, client ? "the client hung up" : "the target hung up");
    return false;
}

static void start_connect(conn *c);

static void connected(conn *c)
{
    sp_fwd *f = c->f;
    sp_loop_cancel(f->loop, c->connect_timer);
    c->connect_timer = 0;
    c->state = SP_FWD_OPEN;
    f->stale = false;
    c->last_io = sp_now();
    sp_sock_nodelay(c->tfd);
    sp_loop_watch(f->loop, c->cfd, 0, on_io, c);
    c->cwatched = true;
    c->cev = 0;
    if (f->spec.proxy != SP_FWD_PROXY_NONE)
        c->hdr_len = sp_proxy_header(f->spec.proxy == SP_FWD_PROXY_V1 ? 1 : 2, (struct sockaddr *)&c->peer,
                                     (struct sockaddr *)&c->local, c->hdr);
    /* What the client sent while the target was being reached. */
    if (pump(c, UP))
        set_interest(c);
}

static void connect_failed(conn *c, const char *why)
{
    sp_fwd *f = c->f;
    if (c->twatched)
        sp_loop_unwatch(f->loop, c->tfd);
    c->twatched = false;
    close(c->tfd);
    c->tfd = -1;
    sp_loop_cancel(f->loop, c->connect_timer);
    c->connect_timer = 0;
    if (f->is_name)
        f->stale = true;
    if (c->addr_tries < f->naddrs) {
        start_connect(c);
        return;
    }
    char reason[200];
    snprintf(reason, sizeof reason, "%s", why);
    finish(c, false, false, SP_FWD_EV_CONNECT_FAILED, reason);
}

static void on_io(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    conn *c = ud;
    if (c->dead)
        return;
    if (c->state == SP_FWD_CONNECTING) {
        if (fd == c->cfd) {
            check_error(c, fd);
            return;
        }
        int e = 0;
        socklen_t el = sizeof e;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
            e = errno;
        if (e) {
            connect_failed(c, strerror(e));
            return;
        }
        connected(c);
        return;
    }
    bool client = fd == c->cfd;
    unsigned asked = client ? c->cev : c->tev;
    if ((events & SP_IO_READ) && !(asked & SP_IO_READ)) {
        check_error(c, fd);
        return;
    }
    /* A readable socket feeds its direction, a writable one drains the
     * other; each pump does both ends of its direction. */
    if ((events & SP_IO_READ) && !pump(c, client ? UP : DOWN))
        return;
    if ((events & SP_IO_WRITE) && !pump(c, client ? DOWN : UP))
        return;
    set_interest(c);
}

static void on_connect_timeout(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    conn *c = ud;
    c->connect_timer = 0;
    char why[100];
    snprintf(why, sizeof why, "no answer within %g s (--connect-timeout)", c->f->spec.connect_timeout);
    connect_failed(c, why);
}

static void start_connect(conn *c)
{
    sp_fwd *f = c->f;
    for (; c->addr_tries < f->naddrs; c->addr_tries++) {
        size_t i = (c->addr_next + c->addr_tries) % f->naddrs;
        const struct sockaddr_storage *a = &f->addrs[i];
        sp_sock_addr_str((const struct sockaddr *)a, c->target, sizeof c->target);
        c->tfd = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c->tfd < 0) {
            c->addr_tries = f->naddrs;
            connect_failed(c, strerror(errno));
            return;
        }
        if (f->spec.source[0]) {
            struct sockaddr_storage src;
            socklen_t sl;
            sp_sock_parse_ip(f->spec.source, 0, &src, &sl);
            int on = 1;
            /* The port is picked at connect: many sources then share ports. */
            setsockopt(c->tfd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
            if (bind(c->tfd, (struct sockaddr *)&src, sl) < 0) {
                char why[200];
                snprintf(why, sizeof why, "cannot use --source %s: %s", f->spec.source, strerror(errno));
                c->addr_tries++;
                connect_failed(c, why);
                return;
            }
        }
        c->addr_tries++;
        if (connect(c->tfd, (const struct sockaddr *)a, f->addrlens[i]) == 0 || errno == EINPROGRESS) {
            c->state = SP_FWD_CONNECTING;
            sp_loop_watch(f->loop, c->tfd, SP_IO_WRITE, on_io, c);
            c->twatched = true;
            c->tev = SP_IO_WRITE;
            c->connect_timer = sp_loop_timer(f->loop, f->spec.connect_timeout, 0, on_connect_timeout, c);
            /* The client's hang-up or reset while waiting ends it. */
            sp_loop_watch(f->loop, c->cfd, 0, on_io, c);
            c->cwatched = true;
            return;
        }
        connect_failed(c, strerror(errno));
        return;
    }
    finish(c, false, false, SP_FWD_EV_CONNECT_FAILED, "no address to connect to");
}

static void resolve(sp_fwd *f);

static void on_idle_check(sp_loop *loop, uint64_t id, void *ud)
{
    (void)id;
    conn *c = ud;
    c->idle_timer = 0;
    double left = c->last_io + c->f->spec.idle_timeout - sp_now();
    if (c->state >= SP_FWD_OPEN && left <= 0) {
        finish(c, false, false, SP_FWD_EV_CLOSE, "idle timeout");
        return;
    }
    c->idle_timer = sp_loop_timer(loop, left > 0.01 ? left : 0.01, 0, on_idle_check, c);
}

static void begin(conn *c)
{
    sp_fwd *f = c->f;
    if (f->naddrs == 0 || (f->stale && f->is_name)) {
        c->state = SP_FWD_RESOLVING;
        c->next_pending = f->pending;
        f->pending = c;
        sp_loop_watch(f->loop, c->cfd, 0, on_io, c);
        c->cwatched = true;
        resolve(f);
        return;
    }
    c->addr_next = f->naddrs ? (size_t)(c->id % f->naddrs) : 0;
    start_connect(c);
}

static void on_resolved(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    (void)timeouts;
    resolve_ctx *ctx = arg;
    sp_fwd *f = ctx->f;
    free(ctx);
    if (!f) {
        ares_freeaddrinfo(res);
        return;
    }
    f->lookup = NULL;
    f->resolving = false;
    size_t n = 0;
    struct sockaddr_storage src;
    socklen_t sl;
    bool source = f->spec.source[0] && sp_sock_parse_ip(f->spec.source, 0, &src, &sl) == 0;
    for (struct ares_addrinfo_node *a = res ? res->nodes : NULL; a && n < MAX_ADDRS; a = a->ai_next) {
        if ((a->ai_family != AF_INET && a->ai_family != AF_INET6) || a->ai_addrlen > sizeof f->addrs[0])
            continue;
        /* Connections from --source can reach only its family. */
        if (source && a->ai_family != src.ss_family)
            continue;
        memcpy(&f->addrs[n], a->ai_addr, a->ai_addrlen);
        f->addrlens[n++] = a->ai_addrlen;
    }
    ares_freeaddrinfo(res);
    char why[400] = "";
    if (status != ARES_SUCCESS || n == 0) {
        char host[300];
        sp_escape(f->spec.target_host, strlen(f->spec.target_host), host, sizeof host);
        snprintf(why, sizeof why, "cannot resolve %s: %s", host,
                 status != ARES_SUCCESS ? ares_strerror(status)
                 : source            ? "no address of --source's family"
                                     : "no IPv4 or IPv6 address");
    } else {
        f->naddrs = n;
        f->stale = false;
    }
    conn *list = f->pending;
    f->pending = NULL;
    while (list) {
        conn *c = list;
        list = c->next_pending;
        if (c->dead)
            continue;
        if (why[0])
            finish(c, false, false, SP_FWD_EV_CONNECT_FAILED, why);
        else
            start_connect(c);
    }
}

static void resolve(sp_fwd *f)
{
    if (f->resolving)
        return;
    if (!f->dns) {
        conn *list = f->pending;
        f->pending = NULL;
        for (; list; list = list->next_pending)
            finish(list, false, false, SP_FWD_EV_CONNECT_FAILED, "cannot resolve names here (no DNS channel)");
        return;
    }
    f->resolving = true;
    resolve_ctx *ctx = sp_xcalloc(1, sizeof *ctx);
    ctx->f = f;
    f->lookup = ctx;
    char port[8];
    snprintf(port, sizeof port, "%d", f->spec.target_port);
    struct ares_addrinfo_hints hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    /* The callback may run at once; it finds the state set up. */
    ares_getaddrinfo(sp_dns_channel(f->dns), f->spec.target_host, port, &hints, on_resolved, ctx);
}

static void deny(sp_fwd *f, int fd, const char *client, const char *reason)
{
    close(fd);
    f->st.denied++;
    emit(f, SP_FWD_EV_DENY, NULL, client, reason);
}

static void ip_text(const struct sockaddr_storage *ss, char *out, size_t outlen)
{
    char full[64];
    sp_sock_addr_str((const struct sockaddr *)ss, full, sizeof full);
    char *colon = strrchr(full, ':');
    if (colon)
        *colon = '\0';
    snprintf(out, outlen, "%s", full);
}

static void on_accept(sp_loop *loop, int lfd, unsigned events, void *ud)
{
    (void)loop;
    (void)events;
    sp_fwd *f = ud;
    for (int i = 0; i < 64 && f->lfd >= 0; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        bool shed;
        int fd = sp_accept(lfd, &f->spare, &ss, &sl, &shed);
        if (fd < 0)
            return;
        char client[64], why[120];
        sp_sock_addr_str((struct sockaddr *)&ss, client, sizeof client);
        if (shed) {
            deny(f, fd, client, "out of file descriptors (raise ulimit -n or lower --max-conns)");
            f->spare = sp_spare_fd_open();
            return;
        }
        if (!sp_cidr_permits(&f->spec.allow, &f->spec.deny, (struct sockaddr *)&ss)) {
            deny(f, fd, client, sp_cidr_list_match(&f->spec.deny, (struct sockaddr *)&ss) ? "in --deny" : "not in --allow");
            continue;
        }
        if ((long)f->st.active >= f->max_conns) {
            snprintf(why, sizeof why, "--max-conns %ld reached", f->max_conns);
            deny(f, fd, client, why);
            continue;
        }
        char ip[64];
        ip_text(&ss, ip, sizeof ip);
        size_t have = 0;
        if (f->spec.max_conns_per_ip) {
            sp_strset_find(&f->per_ip, ip, &have);
            if ((long)have >= f->spec.max_conns_per_ip) {
                snprintf(why, sizeof why, "--max-conns-per-ip %ld reached", f->spec.max_conns_per_ip);
                deny(f, fd, client, why);
                continue;
            }
        }
        conn *c = sp_xcalloc(1, sizeof *c);
        c->f = f;
        c->id = ++f->next_id;
        c->cfd = fd;
        c->tfd = -1;
        c->peer = ss;
        socklen_t ll = sizeof c->local;
        getsockname(fd, (struct sockaddr *)&c->local, &ll);
        snprintf(c->client, sizeof c->client, "%s", client);
        c->started = c->last_io = sp_now();
        for (int d = 0; d < 2; d++) {
            c->h[d].pipe[0] = c->h[d].pipe[1] = -1;
            c->h[d].buffered = f->limited;
            sp_bucket_init(&c->h[d].bucket, (double)f->spec.rate, (double)f->spec.burst, c->started);
        }
        if (f->spec.max_conns_per_ip) {
            snprintf(c->ip, sizeof c->ip, "%s", ip);
            if (have)
                sp_strset_set(&f->per_ip, ip, have + 1);
            else
                sp_strset_add(&f->per_ip, ip, 1);
        }
        c->prev = f->tail;
        if (f->tail)
            f->tail->next = c;
        else
            f->head = c;
        f->tail = c;
        f->st.accepted++;
        f->st.active++;
        sp_sock_nodelay(fd);
        emit(f, SP_FWD_EV_ACCEPT, c, client, NULL);
        if (f->spec.idle_timeout > 0)
            c->idle_timer = sp_loop_timer(f->loop, f->spec.idle_timeout, 0, on_idle_check, c);
        begin(c);
    }
}

/* Serves the directions waiting for tokens: each gets what its own bucket
 * allows, and the total bucket is shared fairly between them. */
static void on_tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)id;
    sp_fwd *f = ud;
    double now = sp_now();
    for (int dir = 0; dir < 2; dir++) {
        size_t n = 0;
        for (conn *c = f->waiters[dir]; c; c = c->h[dir].wnext)
            n++;
        if (!n)
            continue;
        conn **who = sp_xmalloc(n * sizeof *who);
        size_t *want = sp_xmalloc(n * sizeof *want), *grant = sp_xmalloc(n * sizeof *grant);
        size_t i = 0;
        for (conn *c = f->waiters[dir]; c; c = c->h[dir].wnext, i++) {
            half *h = &c->h[dir];
            size_t w = pending(h), t = sp_bucket_avail(&h->bucket, now);
            who[i] = c;
            want[i] = w < t ? w : t;
        }
        size_t avail = f->spec.total_rate ? sp_bucket_avail(&f->total[dir], now) : SIZE_MAX;
        if (f->spec.total_rate)
            sp_share_fair(avail, want, grant, n, f->share_start++ % n);
        else
            memcpy(grant, want, n * sizeof *grant);
        for (i = 0; i < n; i++) {
            conn *c = who[i];
            if (c->dead)
                continue;
            unwait(c, dir);
            if (grant[i] == 0) {
                join_waiters(c, dir);
                continue;
            }
            c->h[dir].in_tick = true;
            c->h[dir].grant = grant[i];
            bool alive = pump(c, dir);
            c->h[dir].in_tick = false;
            if (alive) {
                if (pending(&c->h[dir]) > 0 && !c->h[dir].waiting && c->h[dir].grant == 0)
                    join_waiters(c, dir);
                set_interest(c);
            }
        }
        free(who);
        free(want);
        free(grant);
    }
    if (!f->waiters[UP] && !f->waiters[DOWN]) {
        sp_loop_cancel(loop, f->tick);
        f->tick = 0;
    }
}

sp_fwd *sp_fwd_new(sp_loop *loop, const sp_fwd_config *cfg, char *err, size_t errlen)
{
    const sp_fwd_spec *spec = cfg->spec;
    struct sockaddr_storage ss;
    socklen_t sl;
    if (sp_sock_parse_ip(spec->listen_host, spec->listen_port, &ss, &sl) < 0) {
        snprintf(err, errlen, "'%s' is not an IP address to listen on", spec->listen_host);
        errno = EINVAL;
        return NULL;
    }
    char want[64];
    sp_sock_addr_str((struct sockaddr *)&ss, want, sizeof want);
    int lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot create a socket: %s", strerror(e));
        errno = e;
        return NULL;
    }
    int on = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(lfd, (struct sockaddr *)&ss, sl) < 0 || listen(lfd, 4096) < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot listen on %s: %s%s", want, strerror(e),
                 e == EADDRINUSE ? " (something listens there already; pick another LISTEN port)" : "");
        close(lfd);
        errno = e;
        return NULL;
    }
    sp_fwd *f = sp_xcalloc(1, sizeof *f);
    f->loop = loop;
    f->spec = *spec;
    f->dns = cfg->dns;
    f->event = cfg->event;
    f->ud = cfg->ud;
    f->lfd = lfd;
    sl = sizeof ss;
    getsockname(lfd, (struct sockaddr *)&ss, &sl);
    sp_sock_addr_str((struct sockaddr *)&ss, f->addr, sizeof f->addr);
    char host[280];
    sp_escape(spec->target_host, strlen(spec->target_host), host, sizeof host);
    snprintf(f->target_text, sizeof f->target_text, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, spec->target_port);
    f->max_conns = spec->max_conns ? spec->max_conns : sp_fwd_default_max_conns(cfg->nofile);
    f->limited = spec->rate || spec->total_rate;
    double now = sp_now();
    for (int d = 0; d < 2; d++)
        sp_bucket_init(&f->total[d], (double)spec->total_rate, (double)spec->burst, now);
    sp_strset_init(&f->per_ip);
    if (sp_sock_parse_ip(spec->target_host, spec->target_port, &f->addrs[0], &f->addrlens[0]) == 0) {
        f->naddrs = 1;
    } else {
        f->is_name = true;
        resolve(f);
    }
    sp_loop_watch(loop, lfd, SP_IO_READ, on_accept, f);
    sp_loop_hook(loop, bury, f);
    f->spare = sp_spare_fd_open();
    return f;
}

void sp_fwd_pause(sp_fwd *f, bool paused)
{
    f->paused = paused;
    if (f->lfd >= 0)
        sp_loop_set_events(f->loop, f->lfd, paused ? 0u : SP_IO_READ);
}

bool sp_fwd_paused(const sp_fwd *f) { return f->paused; }

void sp_fwd_stop_accepting(sp_fwd *f)
{
    if (f->lfd < 0)
        return;
    sp_loop_unwatch(f->loop, f->lfd);
    close(f->lfd);
    f->lfd = -1;
}

void sp_fwd_free(sp_fwd *f)
{
    if (!f)
        return;
    sp_fwd_stop_accepting(f);
    while (f->head)
        finish(f->head, false, false, SP_FWD_EV_CLOSE, "shutting down");
    bury(f->loop, f);
    if (f->lookup)
        f->lookup->f = NULL;
    sp_loop_cancel(f->loop, f->tick);
    sp_loop_unhook(f->loop, bury, f);
    sp_strset_free(&f->per_ip);
    if (f->spare >= 0)
        close(f->spare);
    free(f);
}

const sp_fwd_spec *sp_fwd_spec_of(const sp_fwd *f) { return &f->spec; }
const char *sp_fwd_listen_addr(const sp_fwd *f) { return f->addr; }
const char *sp_fwd_target_text(const sp_fwd *f) { return f->target_text; }
long sp_fwd_max_conns(const sp_fwd *f) { return f->max_conns; }

void sp_fwd_get_stats(const sp_fwd *f, sp_fwd_stats *st)
{
    *st = f->st;
}

size_t sp_fwd_conns(const sp_fwd *f, sp_fwd_conn_info *out, size_t cap)
{
    size_t n = 0;
    for (const conn *c = f->head; c; c = c->next, n++) {
        if (n >= cap)
            continue;
        sp_fwd_conn_info *i = &out[n];
        i->id = c->id;
        snprintf(i->client, sizeof i->client, "%s", c->client);
        i->peer = c->peer;
        i->started = c->started;
        i->to_target = c->h[UP].bytes;
        i->to_client = c->h[DOWN].bytes;
        i->state = c->state;
    }
    return n;
}

bool sp_fwd_kill(sp_fwd *f, uint64_t id)
{
    for (conn *c = f->head; c; c = c->next) {
        if (c->id == id) {
            finish(c, true, true, SP_FWD_EV_CLOSE, "closed by the user");
            return true;
        }
    }
    return false;
}

size_t sp_fwd_buffered(const sp_fwd *f)
{
    size_t n = 0;
    for (const conn *c = f->head; c; c = c->next)
        for (int d = 0; d < 2; d++)
            n += pending(&c->h[d]) + (c->h[d].buf ? BUF_CAP : 0);
    return n;
}
