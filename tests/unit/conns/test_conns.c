/* The connections library: the sock_diag message parser on payloads built
 * here, the table's rates, new and closed marks, grouping, the
 * /proc/PID/stat parser, attribution of real sockets to this process and a
 * child, and a real dump on the loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockpit/conns/conngroup.h"
#include "sockpit/conns/connproc.h"
#include "sockpit/conns/conns_source.h"
#include "sockpit/conns/conntab.h"
#include "sockpit/conns/connview.h"
#include "sockpit/conns/diagsock.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/proto.h"

/* An inet_diag_msg followed by attributes, as the kernel writes them. */
static size_t put_msg(unsigned char *buf, int family, int state, uint16_t sport, uint16_t dport, uint32_t inode)
{
    struct inet_diag_msg m;
    memset(&m, 0, sizeof m);
    m.idiag_family = (uint8_t)family;
    m.idiag_state = (uint8_t)state;
    m.id.idiag_sport = htons(sport);
    m.id.idiag_dport = htons(dport);
    m.id.idiag_src[0] = htonl(0x7f000001);
    m.id.idiag_dst[0] = htonl(0x7f000002);
    m.idiag_uid = 1000;
    m.idiag_inode = inode;
    memcpy(buf, &m, sizeof m);
    return sizeof m;
}

static size_t put_attr(unsigned char *buf, size_t at, uint16_t type, const void *v, uint16_t len, uint16_t claimed)
{
    uint16_t l = claimed ? claimed : (uint16_t)(len + 4);
    memcpy(buf + at, &l, 2);
    memcpy(buf + at + 2, &type, 2);
    memcpy(buf + at + 4, v, len);
    return at + ((len + 4u + 3u) & ~3u);
}

static void test_parse(void **state)
{
    (void)state;
    unsigned char buf[2048];
    struct tcp_info ti;
    memset(&ti, 0, sizeof ti);
    ti.tcpi_rtt = 1500;
    ti.tcpi_bytes_acked = 123456;
    ti.tcpi_bytes_received = 654321;
    ti.tcpi_total_retrans = 3;
    uint32_t junk = 0xdeadbeef;
    size_t at = put_msg(buf, AF_INET, SP_TCP_ESTABLISHED, 50000, 80, 4242);
    at = put_attr(buf, at, 99, &junk, 4, 0);           /* unknown: skipped */
    at = put_attr(buf, at, INET_DIAG_INFO, &ti, sizeof ti, 0);
    sp_diag_sock s;
    assert_int_equal(sp_diag_sock_parse(buf, at, SP_PROTO_TCP, &s), 0);
    assert_int_equal(s.family, 4);
    assert_int_equal(s.sport, 50000);
    assert_int_equal(s.dport, 80);
    assert_int_equal(s.inode, 4242);
    assert_int_equal(s.uid, 1000);
    assert_int_equal(s.src[0], 127);
    assert_int_equal(s.dst[3], 2);
    assert_int_equal(s.info_len, sizeof ti);
    assert_true(SP_DIAG_HAS(&s, tcpi_bytes_received));
    assert_int_equal(s.info.tcpi_bytes_acked, 123456);
    assert_int_equal(s.info.tcpi_rtt, 1500);

    /* An older kernel's shorter tcp_info: the rest is absent, zero. */
    size_t m = put_msg(buf, AF_INET6, SP_TCP_ESTABLISHED, 1, 2, 7);
    size_t shortlen = offsetof(struct tcp_info, tcpi_bytes_acked);
    m = put_attr(buf, m, INET_DIAG_INFO, &ti, (uint16_t)shortlen, 0);
    assert_int_equal(sp_diag_sock_parse(buf, m, SP_PROTO_TCP, &s), 0);
    assert_int_equal(s.family, 6);
    assert_false(SP_DIAG_HAS(&s, tcpi_bytes_acked));
    assert_int_equal(s.info.tcpi_bytes_acked, 0);
    assert_true(SP_DIAG_HAS(&s, tcpi_rtt));

    /* A longer one (a newer kernel) is cut to what this build knows. */
    unsigned char big[sizeof ti + 64];
    memset(big, 0x11, sizeof big);
    m = put_msg(buf, AF_INET, SP_TCP_ESTABLISHED, 1, 2, 7);
    m = put_attr(buf, m, INET_DIAG_INFO, big, sizeof big, 0);
    assert_int_equal(sp_diag_sock_parse(buf, m, SP_PROTO_TCP, &s), 0);
    assert_int_equal(s.info_len, sizeof ti);

    /* A lying attribute length ends the walk; what came before stays. */
    m = put_msg(buf, AF_INET, SP_TCP_ESTABLISHED, 1, 2, 7);
    m = put_attr(buf, m, INET_DIAG_INFO, &ti, sizeof ti, 4000);
    assert_int_equal(sp_diag_sock_parse(buf, m, SP_PROTO_TCP, &s), 0);
    assert_int_equal(s.info_len, 0);
    assert_int_equal(s.inode, 7);
    /* ... as does one below its own header, and a cut-off one. */
    m = put_msg(buf, AF_INET, SP_TCP_ESTABLISHED, 1, 2, 7);
    m = put_attr(buf, m, INET_DIAG_INFO, &ti, 0, 2);
    assert_int_equal(sp_diag_sock_parse(buf, m, SP_PROTO_TCP, &s), 0);
    assert_int_equal(s.info_len, 0);
    m = put_msg(buf, AF_INET, SP_TCP_ESTABLISHED, 1, 2, 7);
    size_t full = put_attr(buf, m, INET_DIAG_INFO, &ti, sizeof ti, 0);
    assert_int_equal(sp_diag_sock_parse(buf, full - 10, SP_PROTO_TCP, &s), 0);
    assert_int_equal(s.info_len, 0);
    /* UDP: no tcp_info even if one came. */
    assert_int_equal(sp_diag_sock_parse(buf, full, SP_PROTO_UDP, &s), 0);
    assert_int_equal(s.info_len, 0);

    /* Too short, or another family: malformed. */
    assert_int_equal(sp_diag_sock_parse(buf, sizeof(struct inet_diag_msg) - 1, SP_PROTO_TCP, &s), -1);
    put_msg(buf, AF_UNIX, 1, 1, 2, 7);
    assert_int_equal(sp_diag_sock_parse(buf, sizeof(struct inet_diag_msg), SP_PROTO_TCP, &s), -1);
}

static void test_states(void **state)
{
    (void)state;
    assert_int_equal(sp_tcp_state_lookup("established"), 1);
    assert_int_equal(sp_tcp_state_lookup("ESTAB"), 1);
    assert_int_equal(sp_tcp_state_lookup("time-wait"), 6);
    assert_int_equal(sp_tcp_state_lookup("TIME_WAIT"), 6);
    assert_int_equal(sp_tcp_state_lookup("close-wait"), 8);
    assert_int_equal(sp_tcp_state_lookup("bogus"), -1);
    assert_int_equal(sp_tcp_state_lookup(""), -1);
    assert_string_equal(sp_tcp_state_name(6), "TIME-WAIT");
    assert_string_equal(sp_tcp_state_name(200), "UNKNOWN");
    char b[16];
    sp_fmt_bytes(999, b, sizeof b);
    assert_string_equal(b, "999");
    sp_fmt_bytes(1500, b, sizeof b);
    assert_string_equal(b, "1.5K");
    sp_fmt_bytes(2000000, b, sizeof b);
    assert_string_equal(b, "2.0M");
    sp_fmt_bytes(25e9, b, sizeof b);
    assert_string_equal(b, "25G");
}

static sp_diag_sock sock(uint64_t inode, uint16_t sport, uint64_t acked, uint64_t received)
{
    sp_diag_sock s;
    memset(&s, 0, sizeof s);
    s.family = 4;
    s.proto = SP_PROTO_TCP;
    s.state = SP_TCP_ESTABLISHED;
    s.sport = sport;
    s.dport = 80;
    s.src[0] = 127, s.src[3] = 1;
    s.dst[0] = 127, s.dst[3] = (uint8_t)(sport & 3);
    s.inode = inode;
    s.info.tcpi_bytes_acked = acked;
    s.info.tcpi_bytes_received = received;
    s.info_len = sizeof s.info;
    return s;
}

static const sp_conn *find(const sp_conntab *t, uint64_t inode)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].s.inode == inode)
            return &t->v[i];
    return NULL;
}

static void test_rates(void **state)
{
    (void)state;
    sp_conntab t;
    sp_conntab_init(&t);
    sp_diag_sock a = sock(1, 40001, 1000, 0), b = sock(2, 40002, 0, 500);
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &a);
    sp_conntab_add(&t, &b);
    sp_conntab_add(&t, &b); /* twice in one dump: once */
    sp_conntab_commit(&t, 100.0);
    assert_int_equal(t.n, 2);
    assert_false(find(&t, 1)->rates);
    assert_false(find(&t, 1)->is_new); /* there from the start */
    assert_true(find(&t, 1)->before);

    a = sock(1, 40001, 3000, 0);
    b = sock(2, 40002, 0, 4500);
    sp_diag_sock c = sock(3, 40003, 10, 10);
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &c);
    sp_conntab_add(&t, &a);
    sp_conntab_add(&t, &b);
    sp_conntab_commit(&t, 102.0);
    assert_int_equal(t.n, 3);
    assert_true(find(&t, 1)->rates);
    assert_float_equal(find(&t, 1)->tx_bps, 1000.0, 1e-9);
    assert_float_equal(find(&t, 1)->rx_bps, 0.0, 1e-9);
    assert_float_equal(find(&t, 2)->rx_bps, 2000.0, 1e-9);
    assert_true(find(&t, 3)->is_new);
    assert_false(find(&t, 3)->rates);
    assert_ptr_equal(sp_conntab_find(&t, find(&t, 3)->key), find(&t, 3));

    /* 2 closes: kept with its final counts, dimmed, for the linger time. */
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &a);
    sp_conntab_add(&t, &c);
    sp_conntab_commit(&t, 103.0);
    assert_int_equal(t.n, 3);
    assert_true(find(&t, 2)->closed);
    assert_int_equal(find(&t, 2)->rx_bytes, 4500);
    assert_float_equal(find(&t, 2)->rx_bps, 0.0, 1e-9);
    assert_false(find(&t, 3)->is_new);
    assert_float_equal(find(&t, 1)->tx_bps, 0.0, 1e-9);
    /* A counter going backwards (another socket with the same identity) is no negative rate. */
    a = sock(1, 40001, 5, 0);
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &a);
    sp_conntab_add(&t, &c);
    sp_conntab_commit(&t, 103.0 + SP_CONN_LINGER - 0.5);
    assert_non_null(find(&t, 2));
    assert_float_equal(find(&t, 1)->tx_bps, 0.0, 1e-9);
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &a);
    sp_conntab_commit(&t, 103.0 + SP_CONN_LINGER + 0.5);
    assert_null(find(&t, 2));
    assert_true(find(&t, 3)->closed);
    assert_int_equal(t.n, 2);
    sp_conntab_free(&t);
}

/* 30,000 sockets through the index: each found by its key, the second dump
 * matched in place (no row added), a failed dump forgotten, the same
 * 5-tuple in two namespaces two rows, and the memory of a crowd that left
 * given back. */
static void test_many_in_place(void **state)
{
    (void)state;
    sp_conntab t;
    sp_conntab_init(&t);
    enum { N = 30000 };
    for (int round = 0; round < 2; round++) {
        sp_conntab_begin(&t);
        for (uint64_t i = 1; i <= N; i++) {
            sp_diag_sock s = sock(i, (uint16_t)(1024 + i % 60000), i * (uint64_t)(round + 1), 0);
            sp_conntab_add(&t, &s);
        }
        sp_conntab_commit(&t, 10.0 + round);
        assert_int_equal(t.n, N);
    }
    for (uint64_t i = 1; i <= N; i += 997) {
        const sp_conn *c = find(&t, i);
        assert_ptr_equal(sp_conntab_find(&t, c->key), c);
        assert_true(c->rates);
        assert_float_equal(c->tx_bps, (double)i, 1e-9);
    }
    /* A dump that failed halfway: its new socket goes, the counts it
     * brought are put back, and the next rates are against the last commit. */
    sp_conntab_begin(&t);
    sp_diag_sock s = sock(7, (uint16_t)(1024 + 7), 1000000, 0), extra = sock(N + 1, 2000, 0, 0);
    sp_conntab_add(&t, &s);
    sp_conntab_add(&t, &extra);
    sp_conntab_abort(&t);
    assert_int_equal(t.n, N);
    assert_null(find(&t, N + 1));
    assert_int_equal(find(&t, 7)->tx_bytes, 14);
    /* The same 5-tuple without an inode (TIME_WAIT) in another namespace. */
    sp_conntab_begin(&t);
    sp_diag_sock tw = sock(0, 3000, 0, 0), other = tw;
    other.netns = 1;
    sp_conntab_add(&t, &tw);
    sp_conntab_add(&t, &other);
    sp_conntab_add(&t, &s);
    sp_conntab_commit(&t, 12.0);
    assert_int_equal(t.n, N + 2);
    assert_float_equal(find(&t, 7)->tx_bps, 1000000.0 - 14, 1e-6);
    size_t cap = t.cap;
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &s);
    sp_conntab_commit(&t, 12.0 + SP_CONN_LINGER + 1);
    assert_int_equal(t.n, 3); /* and the two that closed just now */
    assert_true(t.cap < cap / 4);
    assert_non_null(find(&t, 7));
    /* Other namespaces no longer dumped: their rows go at once, the host's
     * one that closed lingers. */
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &s);
    sp_conntab_add(&t, &tw);
    sp_conntab_add(&t, &other);
    sp_conntab_commit(&t, 20.0);
    assert_int_equal(t.n, 3);
    t.host_only = true;
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &s);
    sp_conntab_commit(&t, 21.0);
    assert_int_equal(t.n, 2);
    for (size_t i = 0; i < t.n; i++)
        assert_int_equal(t.v[i].s.netns, 0);
    sp_conntab_free(&t);
}

static void test_groups(void **state)
{
    (void)state;
    sp_conntab t;
    sp_conntab_init(&t);
    sp_conn_groups g;
    sp_conn_groups_init(&g, SP_BY_PROCESS);
    for (int round = 0; round < 20; round++) {
        sp_conntab_begin(&t);
        for (uint64_t i = 1; i <= 5; i++) {
            sp_diag_sock s = sock(i, (uint16_t)(40000 + i), (uint64_t)round * 1000 * i, 0);
            sp_conntab_add(&t, &s);
        }
        sp_conntab_commit(&t, 10.0 + round);
        /* Inodes 1-3 are pid 100's, 4-5 pid 200's (what attribution would set). */
        for (size_t i = 0; i < t.n; i++) {
            t.v[i].pid = t.v[i].s.inode <= 3 ? 100 : 200;
            t.v[i].owner = SP_OWNER_PROC;
            snprintf(t.v[i].comm, sizeof t.v[i].comm, "%s", t.v[i].pid == 100 ? "alpha" : "beta");
        }
        sp_conn_groups_update(&g, &t);
    }
    assert_int_equal(g.n, 2);
    const sp_conn_group *a = g.v[0].pid == 100 ? &g.v[0] : &g.v[1], *b = a == &g.v[0] ? &g.v[1] : &g.v[0];
    assert_int_equal(a->count, 3);
    assert_int_equal(b->count, 2);
    assert_string_equal(a->comm, "alpha");
    assert_float_equal(a->tx_bps, 6000.0, 1e-6);  /* (1+2+3) * 1000 B/s */
    assert_float_equal(b->tx_bps, 9000.0, 1e-6);
    assert_int_equal(a->nhist, SP_CONN_HIST);
    assert_float_equal(a->hist[SP_CONN_HIST - 1], 6000.0, 1e-3);

    sp_conn_groups r;
    sp_conn_groups_init(&r, SP_BY_REMOTE);
    sp_conn_groups_update(&r, &t);
    assert_int_equal(r.n, 4); /* dst 127.0.0.{0,1,2,3} by sport & 3 */
    sp_conn_groups sv;
    sp_conn_groups_init(&sv, SP_BY_SERVICE);
    sp_conn_groups_update(&sv, &t);
    assert_int_equal(sv.n, 1); /* all to port 80 */
    assert_int_equal(sv.v[0].port, 80);
    assert_int_equal(sv.v[0].count, 5);
    sp_conn_groups_free(&sv);
    sp_conn_groups_free(&r);
    sp_conn_groups_free(&g);
    sp_conntab_free(&t);
}

static void test_stat_parse(void **state)
{
    (void)state;
    char comm[16];
    uint64_t start = 0;
    const char *line = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 50";
    assert_true(sp_proc_stat_parse(line, strlen(line), comm, &start));
    assert_string_equal(comm, "my (odd) name");
    assert_int_equal(start, 987654);
    const char *longname = "1 (abcdefghijklmnopqrstuvwxyz) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 0 0";
    assert_true(sp_proc_stat_parse(longname, strlen(longname), comm, &start));
    assert_string_equal(comm, "abcdefghijklmno");
    assert_int_equal(start, 42);
    assert_false(sp_proc_stat_parse("1 (x) S 1 2", 11, comm, &start));
    assert_false(sp_proc_stat_parse("no parens", 9, comm, &start));
    assert_false(sp_proc_stat_parse(")(", 2, comm, &start));
}

/* A loopback connection of this process: the fds, and the client's socket. */
static void connect_pair(int *lfd, int *cfd, int *afd)
{
    *lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(*lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(*lfd, 4), 0);
    socklen_t sl = sizeof sa;
    getsockname(*lfd, (struct sockaddr *)&sa, &sl);
    *cfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(*cfd, (struct sockaddr *)&sa, sizeof sa), 0);
    *afd = accept(*lfd, NULL, NULL);
    assert_true(*afd >= 0);
}

static uint64_t inode_of(int fd)
{
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    return st.st_ino;
}

static void test_attribution(void **state)
{
    (void)state;
    int lfd, cfd, afd;
    connect_pair(&lfd, &cfd, &afd);
    sp_conntab t;
    sp_conntab_init(&t);
    sp_diag_sock s = sock(inode_of(cfd), 1, 0, 0);
    s.uid = (uint32_t)geteuid();
    sp_diag_sock other = sock(999999999, 2, 0, 0); /* nobody's */
    other.uid = (uint32_t)geteuid();
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &s);
    sp_conntab_add(&t, &other);
    sp_conntab_commit(&t, 1.0);
    sp_connproc *m = sp_connproc_new("/proc");
    sp_connproc_resolve(m, &t);
    const sp_conn *c = find(&t, inode_of(cfd));
    assert_int_equal(c->owner, SP_OWNER_PROC);
    assert_int_equal(c->pid, getpid());
    assert_true(c->comm[0] != '\0');
    assert_int_equal(find(&t, 999999999)->owner, SP_OWNER_UNKNOWN);
    assert_true(sp_connproc_last(m)->scanned > 0);

    /* Nothing new: only processes whose fd count changed meanwhile (others
     * on a busy host) are read again, never all of them. */
    size_t all = sp_connproc_last(m)->scanned;
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &s);
    sp_conntab_add(&t, &other);
    sp_conntab_commit(&t, 2.0);
    sp_connproc_resolve(m, &t);
    assert_true(sp_connproc_last(m)->scanned < all || all <= 2);
    assert_int_equal(find(&t, inode_of(cfd))->pid, getpid());

    /* A child with a new socket: found, and only it (and this process,
     * whose fd count changed) is read. */
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t child = fork();
    if (child == 0) {
        close(cfd);
        int u = socket(AF_INET, SOCK_DGRAM, 0);
        uint64_t ino = inode_of(u);
        if (write(pipefd[1], &ino, sizeof ino) != sizeof ino)
            _exit(1);
        pause();
        _exit(0);
    }
    uint64_t cino = 0;
    assert_int_equal(read(pipefd[0], &cino, sizeof cino), sizeof cino);
    sp_diag_sock cs = sock(cino, 3, 0, 0);
    cs.uid = (uint32_t)geteuid();
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &s);
    sp_conntab_add(&t, &cs);
    sp_conntab_commit(&t, 3.0);
    sp_connproc_resolve(m, &t);
    assert_int_equal(find(&t, cino)->pid, child);
    assert_true(sp_connproc_last(m)->scanned < all || all <= 3);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);

    /* The child gone after a dump that still had its socket: the socket
     * keeps its owner (it closes with the next dump, and its closed row
     * names who held it); then it is gone, silently. */
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &s);
    sp_conntab_add(&t, &cs);
    sp_conntab_commit(&t, 4.0);
    sp_connproc_resolve(m, &t);
    assert_int_equal(find(&t, cino)->owner, SP_OWNER_PROC);
    assert_int_equal(find(&t, cino)->pid, child);
    assert_int_equal(find(&t, inode_of(cfd))->pid, getpid());
    sp_conntab_begin(&t);
    sp_conntab_add(&t, &s);
    sp_conntab_commit(&t, 5.0);
    sp_connproc_resolve(m, &t);
    assert_true(find(&t, cino)->closed);
    assert_int_equal(find(&t, cino)->pid, child);

    /* Another user's socket, as a non-root user: hidden, not an error. */
    if (geteuid() != 0) {
        sp_diag_sock hs = sock(888888888, 4, 0, 0);
        hs.uid = (uint32_t)geteuid() + 1;
        sp_conntab_begin(&t);
        sp_conntab_add(&t, &hs);
        sp_conntab_commit(&t, 6.0);
        sp_connproc_resolve(m, &t);
        assert_int_equal(find(&t, 888888888)->owner, SP_OWNER_HIDDEN);
        assert_int_equal(sp_connproc_last(m)->hidden, 1);
    }
    sp_connproc_free(m);
    sp_conntab_free(&t);
    close(pipefd[0]);
    close(pipefd[1]);
    close(afd);
    close(cfd);
    close(lfd);
}

typedef struct wait_state {
    bool over;
    int rc;
} wait_state;

static void done(void *ud, int rc, const char *err)
{
    (void)err;
    wait_state *w = ud;
    w->over = true;
    w->rc = rc;
}

static void test_live_dump(void **state)
{
    (void)state;
    int lfd, cfd, afd;
    connect_pair(&lfd, &cfd, &afd);
    char data[5000] = { 0 };
    assert_int_equal(write(cfd, data, sizeof data), (ssize_t)sizeof data);
    sp_loop *loop = sp_loop_new();
    sp_conns_source *src = sp_conns_source_new("/proc", true, true);
    wait_state w = { 0 };
    assert_int_equal(sp_conns_source_refresh(src, loop, done, &w), 0);
    assert_int_equal(sp_conns_source_refresh(src, loop, done, &w), -1); /* busy */
    while (!w.over)
        sp_loop_once(loop, 1000);
    if (w.rc < 0) { /* a sandbox without sock_diag */
        sp_conns_source_free(src);
        sp_loop_free(loop);
        skip();
    }
    const sp_conn *c = find(sp_conns_table(src), inode_of(cfd));
    assert_non_null(c);
    assert_int_equal(c->pid, getpid());
    assert_int_equal(c->s.state, SP_TCP_ESTABLISHED);
    assert_true(c->counted);
    /* bytes_acked counts the SYN too. */
    assert_true(c->tx_bytes >= sizeof data && c->tx_bytes <= sizeof data + 1);
    const sp_conn *a = find(sp_conns_table(src), inode_of(afd));
    assert_non_null(a);
    assert_int_equal(a->rx_bytes, sizeof data); /* arrived, even unread */
    /* No listeners: they belong to Services. */
    assert_null(find(sp_conns_table(src), inode_of(lfd)));
    /* A refresh cancelled (a freeze) leaves the table as it was, and the
     * next one runs. */
    size_t n = sp_conns_table(src)->n;
    w.over = false;
    assert_int_equal(sp_conns_source_refresh(src, loop, done, &w), 0);
    sp_conns_source_cancel(src);
    assert_int_equal(sp_conns_table(src)->n, n);
    assert_false(sp_conns_table(src)->feeding);
    assert_int_equal(sp_conns_source_refresh(src, loop, done, &w), 0);
    while (!w.over)
        sp_loop_once(loop, 1000);
    assert_int_equal(w.rc, 0);
    assert_non_null(find(sp_conns_table(src), inode_of(cfd)));
    sp_conns_source_free(src);
    sp_loop_free(loop);
    close(afd);
    close(cfd);
    close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),       cmocka_unit_test(test_states),      cmocka_unit_test(test_rates),
        cmocka_unit_test(test_groups),      cmocka_unit_test(test_stat_parse),  cmocka_unit_test(test_attribution),
        cmocka_unit_test(test_live_dump),   cmocka_unit_test(test_many_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
