/* NETLINK_SOCK_DIAG dumps through libmnl, and the TCP listeners on them.
 *
 * The kernel produces a dump in the context of our own system calls (the
 * first batch during sendmsg, each next one during recvmsg), so the answer
 * is usually there as soon as we ask; but a dump of 100,000 established
 * sockets with their tcp_info is tens of milliseconds of work, and nothing
 * guarantees the queue is never empty in between. So the socket is
 * non-blocking and watched by the loop, a few datagrams are read per
 * wake-up, and a timer ends a dump that stalls. */
#include "sockpit/services/sockdiag.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/mem.h"

#define TCP_LISTEN 10
#define RECV_BUF 32768     /* the kernel sizes dump batches after the reader's buffer */
#define STALL_SECONDS 2.0  /* a dump not over by then has failed */
#define READS_PER_WAKE 16  /* datagrams read before the loop runs again */
#define MAX_QUERIES 8

_Static_assert(SP_SOCKDIAG_REQ_SIZE == MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2)),
               "request size");
_Static_assert(SP_SOCKDIAG_QUERY_SIZE == MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req)) &&
                   SP_SOCKDIAG_QUERY_SIZE >= SP_SOCKDIAG_REQ_SIZE,
               "query size");

/* The listeners being dumped into s, for the done wrapper. */
typedef struct listen_dump {
    sp_listen_set *s;
    size_t n, malformed;
    sp_sockdiag_done_fn *done;
    void *ud;
} listen_dump;

struct sp_sockdiag {
    struct mnl_socket *nl;
    bool adopted;           /* nl came from elsewhere: never reopened here */
    uint32_t portid, seq;
    void *buf;
    /* the running dump */
    sp_loop *loop;
    bool busy;
    sp_sockdiag_query q[MAX_QUERIES];
    size_t nq, at;
    sp_sockdiag_msg_fn *msg;
    sp_sockdiag_done_fn *done;
    void *ud;
    uint64_t stall_timer, fail_timer;
    int fail_errno;
    listen_dump ld;
};

size_t sp_sockdiag_request_for(void *buf, const sp_sockdiag_query *q, uint32_t seq)
{
    memset(buf, 0, q->family == AF_UNSPEC ? SP_SOCKDIAG_QUERY_SIZE : SP_SOCKDIAG_REQ_SIZE);
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = seq;
    if (q->family == AF_UNSPEC) {
        nlh->nlmsg_type = TCPDIAG_GETSOCK;
        struct inet_diag_req *c = mnl_nlmsg_put_extra_header(nlh, sizeof *c);
        c->idiag_ext = q->ext;
        c->idiag_states = q->states;
        return nlh->nlmsg_len;
    }
    nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(nlh, sizeof *r);
    r->sdiag_family = q->family;
    r->sdiag_protocol = q->proto;
    r->idiag_ext = q->ext;
    r->idiag_states = q->states;
    return nlh->nlmsg_len;
}

size_t sp_sockdiag_request(void *buf, int family, uint32_t seq)
{
    sp_sockdiag_query q = { .family = (uint8_t)family, .proto = IPPROTO_TCP, .states = 1u << TCP_LISTEN };
    return sp_sockdiag_request_for(buf, &q, seq);
}

/* ---- the answer ---- */

typedef struct walk_ctx {
    sp_sockdiag_msg_fn *fn;
    void *ud;
} walk_ctx;

static int on_message(const struct nlmsghdr *nlh, void *data)
{
    const walk_ctx *c = data;
    if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY || nlh->nlmsg_type == TCPDIAG_GETSOCK)
        c->fn(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), c->ud);
    return MNL_CB_OK;
}

static void on_listener(const void *payload, size_t len, void *ud)
{
    sp_listen_set *s = ud;
    struct inet_diag_msg m;
    if (len < sizeof m) {
        s->malformed++;
        return;
    }
    memcpy(&m, payload, sizeof m);
    sp_listener l = { .proto = SP_PROTO_TCP, .port = ntohs(m.id.idiag_sport), .uid = m.idiag_uid,
                      .inode = m.idiag_inode };
    if (m.idiag_family == AF_INET) {
        l.family = 4;
        memcpy(l.addr, m.id.idiag_src, 4);
    } else if (m.idiag_family == AF_INET6) {
        l.family = 6;
        memcpy(l.addr, m.id.idiag_src, 16);
    } else {
        s->malformed++;
        return;
    }
    if (m.idiag_state == TCP_LISTEN)
        sp_listen_add(s, &l);
}

static int on_error(const struct nlmsghdr *nlh, void *data)
{
    (void)data;
    struct nlmsgerr e;
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof e) {
        errno = EBADMSG;
        return MNL_CB_ERROR;
    }
    memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof e);
    if (e.error == 0)
        return MNL_CB_STOP; /* an acknowledgement: nothing more comes */
    /* -INT_MIN does not exist; no errno is that large anyway. */
    errno = e.error == INT_MIN ? EPROTO : e.error < 0 ? -e.error : e.error;
    return MNL_CB_ERROR;
}

/* A dump that failed half-way says so in the int after NLMSG_DONE. */
static int on_done(const struct nlmsghdr *nlh, void *data)
{
    (void)data;
    int err;
    if (mnl_nlmsg_get_payload_len(nlh) >= sizeof err) {
        memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof err);
        if (err < 0) {
            errno = err == INT_MIN ? EPROTO : -err;
            return MNL_CB_ERROR;
        }
    }
    return MNL_CB_STOP;
}

/* libmnl 1.0.4 compares nlmsg_len with the bytes left as an int: a length
 * of 2^31 or more passes its check, and the walk leaves the buffer. Only
 * the messages that fit are handed to it (as it would stop at the first
 * one that does not). */
static size_t fitting(const void *buf, size_t len)
{
    size_t at = 0;
    if (len > INT_MAX)
        len = INT_MAX;
    while (len - at >= sizeof(struct nlmsghdr)) {
        struct nlmsghdr h;
        memcpy(&h, (const char *)buf + at, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - at)
            break;
        size_t step = MNL_ALIGN(h.nlmsg_len);
        at += step < len - at ? step : len - at;
    }
    return at;
}

int sp_sockdiag_walk(const void *buf, size_t len, uint32_t seq, uint32_t portid, sp_sockdiag_msg_fn *fn, void *ud)
{
    len = fitting(buf, len);
    static mnl_cb_t ctl[NLMSG_DONE + 1] = { [NLMSG_ERROR] = on_error, [NLMSG_DONE] = on_done };
    walk_ctx c = { fn, ud };
    int rc = mnl_cb_run2(buf, len, seq, portid, on_message, &c, ctl, NLMSG_DONE + 1);
    return rc == MNL_CB_ERROR ? -1 : rc == MNL_CB_STOP ? 0 : 1;
}

int sp_sockdiag_parse(sp_listen_set *s, const void *buf, size_t len, uint32_t seq, uint32_t portid)
{
    return sp_sockdiag_walk(buf, len, seq, portid, on_listener, s);
}

/* ---- the socket ---- */

static int open_socket(sp_sockdiag *d)
{
    d->nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!d->nl)
        return -1;
    if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        mnl_socket_close(d->nl);
        d->nl = NULL;
        errno = e;
        return -1;
    }
    d->portid = mnl_socket_get_portid(d->nl);
    return 0;
}

sp_sockdiag *sp_sockdiag_open(void)
{
    sp_sockdiag *d = sp_xcalloc(1, sizeof *d);
    d->buf = sp_xmalloc(RECV_BUF);
    if (open_socket(d) < 0) {
        int e = errno;
        sp_sockdiag_close(d);
        errno = e;
        return NULL;
    }
    return d;
}

sp_sockdiag *sp_sockdiag_adopt(int fd)
{
    sp_sockdiag *d = sp_xcalloc(1, sizeof *d);
    d->adopted = true;
    d->nl = mnl_socket_fdopen(fd);
    if (!d->nl || mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        int e = errno;
        if (d->nl)
            mnl_socket_close(d->nl);
        else
            close(fd);
        free(d);
        errno = e;
        return NULL;
    }
    d->portid = mnl_socket_get_portid(d->nl);
    d->buf = sp_xmalloc(RECV_BUF);
    return d;
}

bool sp_sockdiag_lost(const sp_sockdiag *d) { return d->adopted && !d->nl; }

/* Stops watching and forgets the dump; after a failure the socket goes too
 * (the kernel runs one dump per socket: a broken one would keep it busy). */
static void stop(sp_sockdiag *d, bool drop_socket)
{
    if (d->loop) {
        if (d->nl)
            sp_loop_unwatch(d->loop, mnl_socket_get_fd(d->nl));
        if (d->stall_timer)
            sp_loop_cancel(d->loop, d->stall_timer);
        if (d->fail_timer)
            sp_loop_cancel(d->loop, d->fail_timer);
    }
    d->stall_timer = d->fail_timer = 0;
    d->busy = false;
    d->loop = NULL;
    if (drop_socket && d->nl) {
        mnl_socket_close(d->nl);
        d->nl = NULL;
    }
}

static void finish(sp_sockdiag *d, int rc, int err)
{
    sp_sockdiag_done_fn *done = d->done;
    void *ud = d->ud;
    stop(d, rc < 0);
    if (done)
        done(rc, err, ud);
}

void sp_sockdiag_cancel(sp_sockdiag *d)
{
    if (d && d->busy)
        stop(d, true);
}

void sp_sockdiag_close(sp_sockdiag *d)
{
    if (!d)
        return;
    sp_sockdiag_cancel(d);
    if (d->nl)
        mnl_socket_close(d->nl);
    free(d->buf);
    free(d);
}

bool sp_sockdiag_busy(const sp_sockdiag *d) { return d->busy; }

const sp_sockdiag_query *sp_sockdiag_running(const sp_sockdiag *d) { return &d->q[d->at < d->nq ? d->at : 0]; }

static int send_query(sp_sockdiag *d)
{
    char req[SP_SOCKDIAG_QUERY_SIZE] __attribute__((aligned(4)));
    size_t n = sp_sockdiag_request_for(req, &d->q[d->at], ++d->seq);
    return mnl_socket_sendto(d->nl, req, n) < 0 ? -1 : 0;
}

static void on_readable(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    (void)fd;
    (void)events;
    sp_sockdiag *d = ud;
    for (int i = 0; i < READS_PER_WAKE; i++) {
        ssize_t r = mnl_socket_recvfrom(d->nl, d->buf, RECV_BUF);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (r < 0) {
            finish(d, -1, errno);
            return;
        }
        int rc = sp_sockdiag_walk(d->buf, (size_t)r, d->seq, d->portid, d->msg, d->ud);
        if (rc > 0)
            continue;
        /* A kernel without IPv6 has no AF_INET6 handler: an empty dump. */
        if (rc < 0 && (d->q[d->at].family == AF_UNSPEC || (errno != ENOENT && errno != EAFNOSUPPORT))) {
            finish(d, -1, errno);
            return;
        }
        if (++d->at == d->nq) {
            finish(d, 0, 0);
            return;
        }
        if (send_query(d) < 0) {
            finish(d, -1, errno);
            return;
        }
    }
}

static void on_stall(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_sockdiag *d = ud;
    d->stall_timer = 0;
    finish(d, -1, ETIMEDOUT);
}

/* A failure found while starting is reported from the loop, as promised. */
static void on_fail(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_sockdiag *d = ud;
    d->fail_timer = 0;
    finish(d, -1, d->fail_errno);
}

int sp_sockdiag_start(sp_sockdiag *d, sp_loop *loop, const sp_sockdiag_query *q, size_t nq, sp_sockdiag_msg_fn *msg,
                      sp_sockdiag_done_fn *done, void *ud)
{
    if (d->busy) {
        errno = EBUSY;
        return -1;
    }
    if (nq == 0 || nq > MAX_QUERIES) {
        errno = EINVAL;
        return -1;
    }
    if (!d->nl && d->adopted) {
        errno = ENOTCONN;
        return -1;
    }
    if (!d->nl && open_socket(d) < 0)
        return -1;
    memcpy(d->q, q, nq * sizeof *q);
    d->nq = nq;
    d->at = 0;
    d->msg = msg;
    d->done = done;
    d->ud = ud;
    d->loop = loop;
    d->busy = true;
    if (sp_loop_watch(loop, mnl_socket_get_fd(d->nl), SP_IO_READ, on_readable, d) < 0) {
        int e = errno;
        d->busy = false;
        d->loop = NULL;
        errno = e;
        return -1;
    }
    d->stall_timer = sp_loop_timer(loop, STALL_SECONDS, 0, on_stall, d);
    if (send_query(d) < 0) {
        d->fail_errno = errno;
        d->fail_timer = sp_loop_timer(loop, 0, 0, on_fail, d);
    }
    return 0;
}

/* ---- the listeners ---- */

static void on_listener_msg(const void *payload, size_t len, void *ud)
{
    const sp_sockdiag *d = ud;
    on_listener(payload, len, d->ld.s);
}

static void listeners_done(int rc, int err, void *ud)
{
    sp_sockdiag *d = ud;
    listen_dump *ld = &d->ld;
    if (rc < 0) {
        ld->s->n = ld->n;
        ld->s->malformed = ld->malformed;
    }
    if (ld->done)
        ld->done(rc, err, ld->ud);
}

typedef struct sync_wait {
    bool over;
    int rc, err;
} sync_wait;

static void sync_done(int rc, int err, void *ud)
{
    sync_wait *w = ud;
    w->over = true;
    w->rc = rc;
    w->err = err;
}

int sp_sockdiag_tcp_listeners(sp_sockdiag *d, sp_loop *loop, sp_listen_set *s, sp_sockdiag_done_fn *done, void *ud)
{
    static const sp_sockdiag_query q[] = {
        { .family = AF_INET, .proto = IPPROTO_TCP, .states = 1u << TCP_LISTEN },
        { .family = AF_INET6, .proto = IPPROTO_TCP, .states = 1u << TCP_LISTEN },
    };
    sync_wait w = { 0 };
    sp_loop *own = loop ? NULL : sp_loop_new();
    if (!loop && !own)
        return -1;
    d->ld = (listen_dump){ s, s->n, s->malformed, loop ? done : sync_done, loop ? ud : &w };
    if (sp_sockdiag_start(d, loop ? loop : own, q, 2, on_listener_msg, listeners_done, d) < 0) {
        int e = errno;
        sp_loop_free(own);
        errno = e;
        return -1;
    }
    if (loop)
        return 0;
    while (!w.over)
        sp_loop_once(own, -1);
    sp_loop_free(own);
    errno = w.err;
    return w.rc;
}
