/* TCP listeners from NETLINK_SOCK_DIAG through libmnl.
 *
 * Why synchronous, inside the refresh, rather than driven by the loop: a
 * netlink dump is produced by the kernel in the context of our own system
 * calls (the first batch during sendmsg, each next one during recvmsg), so
 * the answer is there as soon as we ask and a full dump of the listening
 * hash takes microseconds. Driving it from the loop would add a state
 * machine and a frame of latency for nothing. It still can never block
 * indefinitely: the socket is non-blocking, and an empty receive queue is
 * waited for with poll() against a short overall deadline, after which the
 * caller falls back to /proc. */
#include "sockpit/services/sockdiag.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sockpit/core/mem.h"

#define TCP_LISTEN 10
#define RECV_BUF 32768 /* the kernel sizes dump batches after the reader's buffer */
#define DEADLINE_MS 250

_Static_assert(SP_SOCKDIAG_REQ_SIZE == MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2)),
               "request size");

struct sp_sockdiag {
    struct mnl_socket *nl;
    uint32_t portid, seq;
    void *buf;
};

size_t sp_sockdiag_request(void *buf, int family, uint32_t seq)
{
    memset(buf, 0, SP_SOCKDIAG_REQ_SIZE);
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = seq;
    struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(nlh, sizeof *r);
    r->sdiag_family = (uint8_t)family;
    r->sdiag_protocol = IPPROTO_TCP;
    r->idiag_states = 1u << TCP_LISTEN;
    return nlh->nlmsg_len;
}

/* ---- the answer ---- */

typedef struct parse_ctx {
    sp_listen_set *s;
} parse_ctx;

static int on_socket(const struct nlmsghdr *nlh, void *data)
{
    parse_ctx *c = data;
    if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
        return MNL_CB_OK;
    struct inet_diag_msg m;
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof m) {
        c->s->malformed++;
        return MNL_CB_OK;
    }
    memcpy(&m, mnl_nlmsg_get_payload(nlh), sizeof m);
    sp_listener l = { .proto = SP_PROTO_TCP, .port = ntohs(m.id.idiag_sport), .uid = m.idiag_uid,
                      .inode = m.idiag_inode };
    if (m.idiag_family == AF_INET) {
        l.family = 4;
        memcpy(l.addr, m.id.idiag_src, 4);
    } else if (m.idiag_family == AF_INET6) {
        l.family = 6;
        memcpy(l.addr, m.id.idiag_src, 16);
    } else {
        c->s->malformed++;
        return MNL_CB_OK;
    }
    if (m.idiag_state != TCP_LISTEN)
        return MNL_CB_OK;
    sp_listen_add(c->s, &l);
    return MNL_CB_OK;
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

int sp_sockdiag_parse(sp_listen_set *s, const void *buf, size_t len, uint32_t seq, uint32_t portid)
{
    len = fitting(buf, len);
    static mnl_cb_t ctl[NLMSG_DONE + 1] = { [NLMSG_ERROR] = on_error, [NLMSG_DONE] = on_done };
    parse_ctx c = { s };
    int rc = mnl_cb_run2(buf, len, seq, portid, on_socket, &c, ctl, NLMSG_DONE + 1);
    return rc == MNL_CB_ERROR ? -1 : rc == MNL_CB_STOP ? 0 : 1;
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

void sp_sockdiag_close(sp_sockdiag *d)
{
    if (!d)
        return;
    if (d->nl)
        mnl_socket_close(d->nl);
    free(d->buf);
    free(d);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int dump(sp_sockdiag *d, int family, sp_listen_set *s, int64_t deadline)
{
    char req[SP_SOCKDIAG_REQ_SIZE] __attribute__((aligned(4)));
    uint32_t seq = ++d->seq;
    size_t n = sp_sockdiag_request(req, family, seq);
    if (mnl_socket_sendto(d->nl, req, n) < 0)
        return -1;
    for (;;) {
        ssize_t r = mnl_socket_recvfrom(d->nl, d->buf, RECV_BUF);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                errno = ETIMEDOUT;
                return -1;
            }
            struct pollfd p = { .fd = mnl_socket_get_fd(d->nl), .events = POLLIN };
            if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
                return -1;
            continue;
        }
        if (r < 0)
            return -1;
        int rc = sp_sockdiag_parse(s, d->buf, (size_t)r, seq, d->portid);
        if (rc <= 0)
            return rc;
    }
}

int sp_sockdiag_tcp_listeners(sp_sockdiag *d, sp_listen_set *s)
{
    if (!d->nl && open_socket(d) < 0)
        return -1;
    size_t n = s->n, malformed = s->malformed;
    int64_t deadline = now_ms() + DEADLINE_MS;
    int rc = dump(d, AF_INET, s, deadline);
    if (rc == 0 && dump(d, AF_INET6, s, deadline) < 0) {
        /* A kernel without IPv6 has no AF_INET6 handler: no IPv6 listeners. */
        rc = errno == ENOENT || errno == EAFNOSUPPORT ? 0 : -1;
    }
    if (rc < 0) {
        /* A dump broken half-way would leave the socket busy with it (the
         * kernel runs one dump per socket): start over on a new one. */
        int e = errno;
        s->n = n;
        s->malformed = malformed;
        mnl_socket_close(d->nl);
        d->nl = NULL;
        errno = e;
        return -1;
    }
    return 0;
}
