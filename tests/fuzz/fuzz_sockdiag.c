/* The sock_diag answer parser on any datagram. Input: byte 0 says whether
 * bytes 1-4 are the sequence number and bytes 5-8 the port id to check (0:
 * not checked), the rest is the datagram, copied into a 4-byte aligned
 * buffer of exactly its size as a receive buffer would be. The parser must
 * give what a plain walk over the messages gives (the documented rules):
 * the same listeners in order, the same malformed count, the same return
 * value and errno; a failed parse may leave s with the listeners before the
 * failure, never others. */
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/services/listen.h"
#include "sockpit/services/sockdiag.h"

#define ALIGN4(x) (((x) + 3u) & ~(size_t)3u)

typedef struct expect {
    int rc, err;
    size_t malformed;
    sp_listener *v;
    size_t n;
} expect;

static int err_of(int e) { return e == INT_MIN ? EPROTO : e < 0 ? -e : e; }

static void walk(const unsigned char *b, size_t len, uint32_t seq, uint32_t portid, expect *x)
{
    memset(x, 0, sizeof *x);
    x->rc = 1;
    x->v = malloc((len / sizeof(struct nlmsghdr) + 1) * sizeof *x->v);
    if (!x->v)
        abort();
    size_t at = 0;
    while (len - at >= sizeof(struct nlmsghdr)) {
        struct nlmsghdr h;
        memcpy(&h, b + at, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - at || h.nlmsg_len > INT_MAX)
            return;
        if (h.nlmsg_pid && portid && h.nlmsg_pid != portid) {
            x->rc = -1, x->err = ESRCH;
            return;
        }
        if (h.nlmsg_seq && seq && h.nlmsg_seq != seq) {
            x->rc = -1, x->err = EPROTO;
            return;
        }
        if (h.nlmsg_flags & NLM_F_DUMP_INTR) {
            x->rc = -1, x->err = EINTR;
            return;
        }
        const unsigned char *pl = b + at + sizeof h;
        size_t plen = h.nlmsg_len - sizeof h;
        if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY || h.nlmsg_type == TCPDIAG_GETSOCK) {
            struct inet_diag_msg m;
            if (plen < sizeof m) {
                x->malformed++;
            } else {
                memcpy(&m, pl, sizeof m);
                if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6) {
                    x->malformed++;
                } else if (m.idiag_state == 10) {
                    sp_listener l = { .proto = SP_PROTO_TCP, .uid = m.idiag_uid, .inode = m.idiag_inode };
                    l.port = (uint16_t)(((const unsigned char *)&m.id.idiag_sport)[0] << 8 |
                                        ((const unsigned char *)&m.id.idiag_sport)[1]);
                    l.family = m.idiag_family == AF_INET ? 4 : 6;
                    memcpy(l.addr, m.id.idiag_src, l.family == 4 ? 4 : 16);
                    x->v[x->n++] = l;
                }
            }
        } else if (h.nlmsg_type == NLMSG_ERROR) {
            struct nlmsgerr e;
            if (plen < sizeof e) {
                x->rc = -1, x->err = EBADMSG;
                return;
            }
            memcpy(&e, pl, sizeof e);
            x->rc = e.error ? -1 : 0;
            x->err = e.error ? err_of(e.error) : 0;
            return;
        } else if (h.nlmsg_type == NLMSG_DONE) {
            int e = 0;
            if (plen >= sizeof e)
                memcpy(&e, pl, sizeof e);
            x->rc = e < 0 ? -1 : 0;
            x->err = e < 0 ? err_of(e) : 0;
            return;
        }
        size_t step = ALIGN4((size_t)h.nlmsg_len);
        at += step < len - at ? step : len - at;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 9)
        return 0;
    uint32_t seq = 0, portid = 0;
    if (data[0] & 1)
        memcpy(&seq, data + 1, 4);
    if (data[0] & 2)
        memcpy(&portid, data + 5, 4);
    size_t len = size - 9;
    /* malloc's alignment is enough; exactly len bytes so ASan sees overreads. */
    void *buf = malloc(len ? len : 1);
    if (!buf)
        abort();
    memcpy(buf, data + 9, len);

    expect x;
    walk(buf, len, seq, portid, &x);
    sp_listen_set s;
    sp_listen_init(&s);
    errno = 0;
    int rc = sp_sockdiag_parse(&s, buf, len, seq, portid);
    if (rc != x.rc || (rc < 0 && errno != x.err) || s.malformed != x.malformed || s.n != x.n)
        abort();
    for (size_t i = 0; i < s.n; i++) {
        const sp_listener *a = &s.v[i], *b = &x.v[i];
        if (a->port != b->port || a->family != b->family || a->proto != SP_PROTO_TCP || a->uid != b->uid ||
            a->inode != b->inode || memcmp(a->addr, b->addr, 16) != 0 || a->pid != 0)
            abort();
    }

    /* The request is a valid message of the documented size. */
    _Alignas(4) unsigned char req[SP_SOCKDIAG_REQ_SIZE];
    size_t rl = sp_sockdiag_request(req, data[0] & 4 ? AF_INET6 : AF_INET, seq);
    struct nlmsghdr h;
    memcpy(&h, req, sizeof h);
    if (rl != SP_SOCKDIAG_REQ_SIZE || h.nlmsg_len != rl || h.nlmsg_seq != seq || h.nlmsg_type != SOCK_DIAG_BY_FAMILY)
        abort();

    sp_listen_free(&s);
    free(x.v);
    free(buf);
    return 0;
}
