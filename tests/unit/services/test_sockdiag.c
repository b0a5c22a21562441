/* The sock_diag request, its answer parser on messages built here byte by
 * byte, and real loopback listeners found through it with the same records
 * as the /proc files give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/services/listen.h"
#include "sockpit/services/listen_source.h"
#include "sockpit/services/sockdiag.h"
#include "testlisten.h"

#define SEQ 7
#define PORTID 4242

/* Appends one SOCK_DIAG_BY_FAMILY message as the kernel writes it.
 * payload < sizeof(struct inet_diag_msg) cuts it short. */
static size_t put_sock(void *buf, size_t at, int family, int state, const char *addr, uint16_t port,
                       uint32_t uid, uint32_t inode, size_t payload)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header((char *)buf + at);
    nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    nlh->nlmsg_flags = NLM_F_MULTI;
    nlh->nlmsg_seq = SEQ;
    nlh->nlmsg_pid = PORTID;
    struct inet_diag_msg *m = mnl_nlmsg_put_extra_header(nlh, sizeof *m);
    m->idiag_family = (uint8_t)family;
    m->idiag_state = (uint8_t)state;
    m->id.idiag_sport = htons(port);
    m->id.idiag_dport = 0;
    if (addr)
        assert_int_equal(inet_pton(family, addr, m->id.idiag_src), 1);
    m->idiag_uid = uid;
    m->idiag_inode = inode;
    if (payload < sizeof *m)
        nlh->nlmsg_len = MNL_NLMSG_HDRLEN + (uint32_t)payload;
    return at + MNL_ALIGN(nlh->nlmsg_len);
}

static size_t put_ctl(void *buf, size_t at, int type, int err, uint32_t seq)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header((char *)buf + at);
    nlh->nlmsg_type = (uint16_t)type;
    nlh->nlmsg_flags = NLM_F_MULTI;
    nlh->nlmsg_seq = seq;
    nlh->nlmsg_pid = PORTID;
    if (type == NLMSG_ERROR) {
        struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof *e);
        e->error = err;
    } else {
        int *e = mnl_nlmsg_put_extra_header(nlh, sizeof *e);
        *e = err;
    }
    return at + nlh->nlmsg_len;
}

static void test_diag_request(void **state)
{
    (void)state;
    uint32_t buf[SP_SOCKDIAG_REQ_SIZE / 4];
    size_t n = sp_sockdiag_request(buf, AF_INET6, 99);
    assert_int_equal(n, SP_SOCKDIAG_REQ_SIZE);
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
    assert_int_equal(nlh->nlmsg_len, n);
    assert_int_equal(nlh->nlmsg_type, SOCK_DIAG_BY_FAMILY);
    assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    assert_int_equal(nlh->nlmsg_seq, 99);
    const struct inet_diag_req_v2 *r = mnl_nlmsg_get_payload(nlh);
    assert_int_equal(r->sdiag_family, AF_INET6);
    assert_int_equal(r->sdiag_protocol, IPPROTO_TCP);
    assert_int_equal(r->idiag_states, 1u << 10); /* TCP_LISTEN alone */
    assert_int_equal(r->idiag_ext, 0);
}

/* Both families in one walk: the older request, whose answers carry its type. */
static void test_diag_request_both_families(void **state)
{
    (void)state;
    uint32_t buf[SP_SOCKDIAG_QUERY_SIZE / 4];
    sp_sockdiag_query q = { .family = AF_UNSPEC, .proto = IPPROTO_TCP, .ext = 1u << (INET_DIAG_INFO - 1),
                            .states = 0xffe };
    size_t n = sp_sockdiag_request_for(buf, &q, 7);
    assert_int_equal(n, SP_SOCKDIAG_QUERY_SIZE);
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
    assert_int_equal(nlh->nlmsg_len, n);
    assert_int_equal(nlh->nlmsg_type, TCPDIAG_GETSOCK);
    assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    const struct inet_diag_req *r = mnl_nlmsg_get_payload(nlh);
    assert_int_equal(r->idiag_family, AF_UNSPEC);
    assert_int_equal(r->idiag_states, 0xffe);
    assert_int_equal(r->idiag_ext, 1u << (INET_DIAG_INFO - 1));
}

static void test_diag_parse(void **state)
{
    (void)state;
    static uint32_t buf[2048];
    sp_listen_set s;
    sp_listen_init(&s);
    size_t at = 0;
    at = put_sock(buf, at, AF_INET, 10, "127.0.0.1", 80, 1000, 111, SIZE_MAX);
    at = put_sock(buf, at, AF_INET6, 10, "fe80::25b:4eff:fea0:e1e5", 8080, 0, 222, SIZE_MAX);
    at = put_sock(buf, at, AF_INET, 1, "10.0.0.1", 5000, 0, 333, SIZE_MAX);  /* ESTABLISHED: skipped */
    at = put_sock(buf, at, AF_INET, 10, "127.0.0.1", 81, 0, 444, 20);        /* too short */
    at = put_sock(buf, at, 99, 10, NULL, 82, 0, 555, SIZE_MAX);               /* unknown family */
    at = put_sock(buf, at, AF_INET6, 10, "::", 22, 0, 666, SIZE_MAX);
    /* More to come: no NLMSG_DONE yet. */
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID), 1);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.malformed, 2);
    /* The last datagram: one more socket, then DONE; what follows DONE is
     * not looked at. */
    at = put_sock(buf, 0, AF_INET, 10, "0.0.0.0", 53, 0, 777, SIZE_MAX);
    at = put_ctl(buf, at, NLMSG_DONE, 0, SEQ);
    at = put_sock(buf, at, AF_INET, 10, "0.0.0.0", 54, 0, 888, SIZE_MAX);
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID), 0);
    assert_int_equal(s.n, 4);
    sp_listen_sort(&s);
    addr_is(&s.v[0], "[::]:22");
    assert_int_equal(s.v[0].inode, 666);
    assert_int_equal(s.v[0].family, 6);
    addr_is(&s.v[1], "0.0.0.0:53");
    addr_is(&s.v[2], "127.0.0.1:80");
    assert_int_equal(s.v[2].uid, 1000);
    assert_int_equal(s.v[2].inode, 111);
    assert_int_equal(s.v[2].proto, SP_PROTO_TCP);
    assert_int_equal(s.v[2].pid, 0);
    addr_is(&s.v[3], "[fe80::25b:4eff:fea0:e1e5]:8080");

    /* The same records as the /proc parser gives for the same sockets. */
    static const char tcp[] =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 111 1\n"
        "   1: 00000000:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0 0 777 1\n";
    static const char tcp6[] =
        "  sl  local_address                         remote_address                        st\n"
        "   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000   0 0 666 1 0000000000000000 100 0 0 10 0\n"
        "   1: 000080FE00000000FF4E5B02E5E1A0FE:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000   0 0 222 1 0000000000000000 100 0 0 10 0\n";
    sp_listen_set p;
    sp_listen_init(&p);
    sp_listen_parse(&p, tcp, sizeof tcp - 1, SP_PROTO_TCP);
    sp_listen_parse(&p, tcp6, sizeof tcp6 - 1, SP_PROTO_TCP);
    sp_listen_sort(&p);
    s.malformed = 0;
    assert_true(sp_listen_equal(&s, &p));
    for (size_t i = 0; i < s.n; i++)
        assert_int_equal(s.v[i].uid, p.v[i].uid);
    sp_listen_free(&p);

    /* DONE alone, and DONE with the error of a dump that failed half-way. */
    sp_listen_clear(&s);
    at = put_ctl(buf, 0, NLMSG_DONE, 0, SEQ);
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID), 0);
    assert_int_equal(s.n, 0);
    at = put_ctl(buf, 0, NLMSG_DONE, -ENOBUFS, SEQ);
    errno = 0;
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID), -1);
    assert_int_equal(errno, ENOBUFS);
    /* The kernel refuses: EACCES in a sandbox, ENOENT without inet_diag. */
    at = put_ctl(buf, 0, NLMSG_ERROR, -EACCES, SEQ);
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID), -1);
    assert_int_equal(errno, EACCES);
    /* Found by fuzz_sockdiag: INT_MIN as the error negated out of range. */
    at = put_ctl(buf, 0, NLMSG_ERROR, INT_MIN, SEQ);
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID), -1);
    assert_int_equal(errno, EPROTO);
    at = put_ctl(buf, 0, NLMSG_DONE, INT_MIN, SEQ);
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID), -1);
    assert_int_equal(errno, EPROTO);
    /* A truncated error message. */
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = NLMSG_ERROR;
    nlh->nlmsg_seq = SEQ;
    assert_int_equal(sp_sockdiag_parse(&s, buf, nlh->nlmsg_len, SEQ, PORTID), -1);
    assert_int_equal(errno, EBADMSG);
    /* An answer to another request, or from another sender. */
    at = put_sock(buf, 0, AF_INET, 10, "127.0.0.1", 80, 0, 1, SIZE_MAX);
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ + 1, PORTID), -1);
    assert_int_equal(errno, EPROTO);
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID + 1), -1);
    assert_int_equal(errno, ESRCH);
    /* The kernel saw the table change under the dump. */
    nlh = (struct nlmsghdr *)buf;
    nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
    assert_int_equal(sp_sockdiag_parse(&s, buf, at, SEQ, PORTID), -1);
    assert_int_equal(errno, EINTR);
    /* A message longer than the datagram is not read past the end. */
    nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
    assert_int_equal(sp_sockdiag_parse(&s, buf, at - 4, SEQ, PORTID), 1);
    assert_int_equal(s.n, 0);
    assert_int_equal(sp_sockdiag_parse(&s, buf, 0, SEQ, PORTID), 1);

    /* Random bytes, and random damage to a valid datagram, never crash. */
    unsigned seed = 11;
    static uint32_t valid[512];
    size_t vlen = 0;
    for (int i = 0; i < 8; i++)
        vlen = put_sock(valid, vlen, i % 2 ? AF_INET6 : AF_INET, 10, i % 2 ? "::1" : "127.0.0.1",
                        (uint16_t)(1000 + i), 0, (uint32_t)i, SIZE_MAX);
    vlen = put_ctl(valid, vlen, NLMSG_DONE, 0, SEQ);
    for (int r = 0; r < 5000; r++) {
        size_t n;
        if (r % 2) {
            n = (size_t)(rand_r(&seed) % (int)sizeof buf);
            for (size_t i = 0; i < n; i++)
                ((unsigned char *)buf)[i] = (unsigned char)rand_r(&seed);
        } else {
            memcpy(buf, valid, vlen);
            n = (size_t)rand_r(&seed) % (vlen + 1);
            for (int k = 0; k < 4; k++)
                ((unsigned char *)buf)[rand_r(&seed) % (int)vlen] = (unsigned char)rand_r(&seed);
        }
        sp_listen_clear(&s);
        int rc = sp_sockdiag_parse(&s, buf, n, r % 3 ? SEQ : 0, r % 3 ? PORTID : 0);
        assert_true(rc >= -1 && rc <= 1);
        assert_true(s.n <= 8);
    }
    sp_listen_free(&s);
}

/* Real loopback listeners found through sock_diag with this process's
 * inodes, as the /proc files report them. */
static void test_diag_real(void **state)
{
    (void)state;
    sp_sockdiag *d = sp_sockdiag_open();
    if (!d) {
        assert_true(errno == EPROTONOSUPPORT || errno == EACCES || errno == EPERM || errno == EAFNOSUPPORT);
        skip();
    }
    uint16_t tport, t6port = 0;
    int t = bound(SOCK_STREAM, AF_INET, &tport);
    int t6 = bound(SOCK_STREAM, AF_INET6, &t6port); /* -1 without IPv6 */
    assert_true(t >= 0);
    sp_listen_set s, p;
    sp_listen_init(&s);
    sp_listen_init(&p);
    for (int round = 0; round < 3; round++) { /* the socket is reused */
        sp_listen_clear(&s);
        assert_int_equal(sp_sockdiag_tcp_listeners(d, NULL, &s, NULL, NULL), 0);
        assert_int_equal(s.malformed, 0);
        const sp_listener *l = find_inode(&s, inode_of(t));
        assert_non_null(l);
        char want[64];
        snprintf(want, sizeof want, "127.0.0.1:%u", tport);
        addr_is(l, want);
        assert_int_equal(l->uid, getuid());
        assert_int_equal(l->proto, SP_PROTO_TCP);
        if (t6 >= 0) {
            l = find_inode(&s, inode_of(t6));
            assert_non_null(l);
            snprintf(want, sizeof want, "[::1]:%u", t6port);
            addr_is(l, want);
        }
        for (size_t i = 0; i < s.n; i++)
            assert_int_equal(s.v[i].proto, SP_PROTO_TCP);
    }
    /* The /proc parser's records of the same sockets are equal. */
    char err[256];
    assert_int_equal(sp_listen_read(&p, "/proc", err, sizeof err), 0);
    int fds[2] = { t, t6 };
    for (int i = 0; i < 2; i++) {
        if (fds[i] < 0)
            continue;
        const sp_listener *a = find_inode(&s, inode_of(fds[i])), *b = find_inode(&p, inode_of(fds[i]));
        assert_non_null(a);
        assert_non_null(b);
        assert_memory_equal(a, b, sizeof *a);
    }

    if (t6 >= 0)
        close(t6);
    close(t);
    sp_sockdiag_close(d);
    sp_listen_free(&s);
    sp_listen_free(&p);
}

/* An adopted socket dumps like an opened one; after a dump that did not
 * end (cancelled) it is closed and never replaced by one made here. */
static void test_diag_adopt(void **state)
{
    (void)state;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        skip();
    sp_sockdiag *d = sp_sockdiag_adopt(fd);
    assert_non_null(d);
    assert_false(sp_sockdiag_lost(d));
    uint16_t port;
    int t = bound(SOCK_STREAM, AF_INET, &port);
    assert_true(t >= 0);
    sp_listen_set s;
    sp_listen_init(&s);
    assert_int_equal(sp_sockdiag_tcp_listeners(d, NULL, &s, NULL, NULL), 0);
    assert_non_null(find_inode(&s, inode_of(t)));
    assert_false(sp_sockdiag_lost(d));

    sp_loop *loop = sp_loop_new();
    const sp_sockdiag_query q = { .family = AF_INET, .proto = IPPROTO_TCP, .states = 1u << 10 };
    assert_int_equal(sp_sockdiag_start(d, loop, &q, 1, NULL, NULL, NULL), 0);
    sp_sockdiag_cancel(d);
    assert_true(sp_sockdiag_lost(d));
    errno = 0;
    assert_int_equal(sp_sockdiag_start(d, loop, &q, 1, NULL, NULL, NULL), -1);
    assert_int_equal(errno, ENOTCONN);
    sp_loop_free(loop);
    sp_sockdiag_close(d);
    close(t);
    sp_listen_free(&s);

    /* Not a netlink socket: refused, and the fd closed. */
    int bad = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(bad >= 0);
    assert_null(sp_sockdiag_adopt(bad));
    assert_int_equal(fcntl(bad, F_GETFD), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_request), cmocka_unit_test(test_diag_request_both_families),
        cmocka_unit_test(test_diag_parse),
        cmocka_unit_test(test_diag_real),
        cmocka_unit_test(test_diag_adopt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
