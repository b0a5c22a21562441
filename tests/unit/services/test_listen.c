/* The /proc/net parser on captured samples (IPv4, IPv6, odd spacing,
 * garbage), the sock_diag answer parser on messages built here, the
 * inode -> process map on a fake /proc tree, and real listening sockets on
 * loopback seen with this process's inode and name through sock_diag and
 * through the /proc fallback (SOCKPIT_SOCK_DIAG=off). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/services/listen.h"
#include "sockpit/services/services.h"
#include "sockpit/services/sockdiag.h"

static char *data_path(const char *rel)
{
    const char *d = getenv("SOCKPIT_TEST_DATA");
    char *p;
    if (asprintf(&p, "%s/services/%s", d ? d : "tests/data", rel) < 0)
        abort();
    return p;
}

static const sp_listener *find(const sp_listen_set *s, unsigned port, int proto, size_t *n)
{
    size_t first;
    *n = sp_listen_find(s, port, proto, &first);
    return *n ? &s->v[first] : NULL;
}

static void addr_is(const sp_listener *l, const char *want)
{
    char a[64];
    sp_listen_addr(l, a, sizeof a);
    assert_string_equal(a, want);
}

/* The samples were captured from this kernel with sockets of each kind
 * open: listeners, an established pair, a connected UDP socket. */
static void test_captured(void **state)
{
    (void)state;
    char *root = data_path("proc");
    sp_listen_set s;
    sp_listen_init(&s);
    char err[256];
    assert_int_equal(sp_listen_read(&s, root, err, sizeof err), 0);
    assert_int_equal(s.malformed, 0);
    /* tcp: 22022, 2024, 25353; tcp6: 22631, 28080; udp: 25354 (the
     * connected one is not listening); udp6: 20161, 25355. */
    assert_int_equal(s.n, 8);
    size_t n;
    const sp_listener *l = find(&s, 25353, SP_PROTO_TCP, &n);
    assert_int_equal(n, 1);
    addr_is(l, "127.0.0.1:25353");
    assert_int_equal(l->inode, 36176);
    assert_int_equal(l->family, 4);
    l = find(&s, 22022, SP_PROTO_TCP, &n);
    addr_is(l, "0.0.0.0:22022");
    l = find(&s, 22631, SP_PROTO_TCP, &n);
    assert_int_equal(l->family, 6);
    addr_is(l, "[::1]:22631");
    l = find(&s, 28080, -1, &n);
    addr_is(l, "[::]:28080");
    assert_null(find(&s, 28080, SP_PROTO_UDP, &n));
    l = find(&s, 25354, SP_PROTO_UDP, &n);
    assert_int_equal(n, 1);
    addr_is(l, "127.0.0.1:25354");
    assert_null(find(&s, 53338, SP_PROTO_UDP, &n)); /* the connected UDP socket (0xD05A) */
    addr_is(find(&s, 25355, SP_PROTO_UDP, &n), "[::1]:25355");
    addr_is(find(&s, 20161, SP_PROTO_UDP, &n), "[::]:20161");
    /* Sorted by port. */
    for (size_t i = 1; i < s.n; i++)
        assert_true(s.v[i - 1].port <= s.v[i].port);
    sp_listen_free(&s);
    free(root);
}

static void test_odd_spacing(void **state)
{
    (void)state;
    static const char tcp[] =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 111 1\n"
        "\t 1:\t0100007f:01bb   00000000:0000\t0a 00000000:00000000 00:00000000 00000000     0        0 222\r\n"
        "   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333"; /* no newline */
    sp_listen_set s;
    sp_listen_init(&s);
    assert_int_equal(sp_listen_parse(&s, tcp, sizeof tcp - 1, SP_PROTO_TCP), 0);
    assert_int_equal(s.malformed, 0);
    assert_int_equal(s.n, 3);
    sp_listen_sort(&s);
    addr_is(&s.v[0], "0.0.0.0:22");
    assert_int_equal(s.v[0].inode, 333);
    addr_is(&s.v[1], "127.0.0.1:80");
    assert_int_equal(s.v[1].uid, 1000);
    addr_is(&s.v[2], "127.0.0.1:443");

    static const char tcp6[] =
        "  sl  local_address                         remote_address                        st\n"
        "   0:   000080FE00000000FF4E5B02E5E1A0FE:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000   0 0 444 1 0000000000000000 100 0 0 10 0\n";
    sp_listen_clear(&s);
    assert_int_equal(sp_listen_parse(&s, tcp6, sizeof tcp6 - 1, SP_PROTO_TCP), 0);
    assert_int_equal(s.n, 1);
    addr_is(&s.v[0], "[fe80::25b:4eff:fea0:e1e5]:8080");
    sp_listen_free(&s);
}

static void test_garbage_lines(void **state)
{
    (void)state;
    static const char bad[] =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:0050\n"                                                              /* too short */
        "   1: 0100007G:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n" /* bad hex */
        "   2: 0100007F:10050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n" /* port > 65535 */
        "   3: 0100007F0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n"  /* no colon */
        "   4: 01007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n"    /* width */
        "   5: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 x 0 1\n" /* uid */
        "   6: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 -1\n" /* inode */
        "   7  0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n"  /* no sl colon */
        "\n\n"
        "   8: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9\n";
    sp_listen_set s;
    sp_listen_init(&s);
    assert_int_equal(sp_listen_parse(&s, bad, sizeof bad - 1, SP_PROTO_TCP), 0);
    assert_int_equal(s.malformed, 8);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].inode, 9);
    /* Random bytes never crash. */
    unsigned seed = 7;
    char buf[1024];
    for (int r = 0; r < 3000; r++) {
        size_t n = (size_t)(rand_r(&seed) % (int)sizeof buf);
        static const char alphabet[] = "0123456789ABCDEF: \n\tx";
        for (size_t i = 0; i < n; i++)
            buf[i] = r % 3 ? alphabet[rand_r(&seed) % (int)(sizeof alphabet - 1)] : (char)rand_r(&seed);
        sp_listen_clear(&s);
        assert_int_equal(sp_listen_parse(&s, buf, n, r % 2 ? SP_PROTO_UDP : SP_PROTO_TCP), 0);
    }
    sp_listen_free(&s);
}

/* A fake /proc: net/tcp plus two processes holding the sockets, and one
 * socket nobody readable holds. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_procmap(void **state)
{
    (void)state;
    char root[] = "/tmp/sp-test-proc-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[512];
    snprintf(p, sizeof p, "%s/net", root);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/net/tcp", root);
    write_file(p, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                  "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5001 1\n"
                  "   1: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5002 1\n"
                  "   2: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5003 1\n");
    static const struct { int pid; const char *comm; int fd; const char *target; } fds[] = {
        { 100, "sshd\n", 3, "socket:[5001]" }, { 100, "sshd\n", 4, "pipe:[77]" },
        { 100, "sshd\n", 5, "/dev/null" },     { 200, "exim4\n", 7, "socket:[5002]" },
        { 300, "idle\n", 0, "socket:[9999]" },
    };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        snprintf(p, sizeof p, "%s/%d", root, fds[i].pid);
        mkdir(p, 0700);
        snprintf(p, sizeof p, "%s/%d/fd", root, fds[i].pid);
        mkdir(p, 0700);
        snprintf(p, sizeof p, "%s/%d/comm", root, fds[i].pid);
        write_file(p, fds[i].comm);
        snprintf(p, sizeof p, "%s/%d/fd/%d", root, fds[i].pid, fds[i].fd);
        assert_int_equal(symlink(fds[i].target, p), 0);
    }
    snprintf(p, sizeof p, "%s/self", root); /* not a process directory */
    mkdir(p, 0700);

    sp_listen_set s;
    sp_listen_init(&s);
    char err[256];
    assert_int_equal(sp_listen_read(&s, root, err, sizeof err), 0); /* tcp6, udp, udp6 missing: fine */
    assert_int_equal(s.n, 3);
    sp_procmap *m = sp_procmap_new(root);
    assert_true(sp_procmap_resolve(m, &s) > 0);
    size_t n;
    const sp_listener *l = find(&s, 22, SP_PROTO_TCP, &n);
    assert_int_equal(l->pid, 100);
    assert_string_equal(l->comm, "sshd");
    l = find(&s, 25, SP_PROTO_TCP, &n);
    assert_int_equal(l->pid, 200);
    assert_string_equal(l->comm, "exim4");
    l = find(&s, 53, SP_PROTO_TCP, &n);
    assert_int_equal(l->pid, 0); /* nobody readable holds 5003: shown as '-' */
    assert_string_equal(l->comm, "");

    /* The next refresh is answered from the cache: no walk. */
    assert_int_equal(sp_listen_read(&s, root, err, sizeof err), 0);
    assert_int_equal(sp_procmap_resolve(m, &s), 0);
    assert_int_equal(find(&s, 22, SP_PROTO_TCP, &n)->pid, 100);

    /* The owner closed the fd and another process holds the socket now:
     * the cached answer fails its check and the walk finds the new one. */
    snprintf(p, sizeof p, "%s/100/fd/3", root);
    unlink(p);
    snprintf(p, sizeof p, "%s/300/fd/9", root);
    assert_int_equal(symlink("socket:[5001]", p), 0);
    assert_true(sp_procmap_resolve(m, &s) > 0);
    l = find(&s, 22, SP_PROTO_TCP, &n);
    assert_int_equal(l->pid, 300);
    assert_string_equal(l->comm, "idle");

    /* A new socket is looked for; the old unknown one alone is not. */
    snprintf(p, sizeof p, "%s/net/tcp", root);
    write_file(p, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                  "   0: 0100007F:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5003 1\n");
    assert_int_equal(sp_listen_read(&s, root, err, sizeof err), 0);
    assert_int_equal(sp_procmap_resolve(m, &s), 0);
    sp_procmap_forget(m);
    assert_true(sp_procmap_resolve(m, &s) > 0);

    sp_procmap_free(m);
    sp_listen_free(&s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(sp_listen_read(&s, "/nonexistent", err, sizeof err), -1);
}

/* On a busy host /proc/net/tcp holds thousands of TIME_WAIT lines after
 * the listeners; the reader stops at the first of them. */
static void test_early_stop(void **state)
{
    (void)state;
    char root[] = "/tmp/sp-test-proc-XXXXXX";
    assert_non_null(mkdtemp(root));
    char p[512];
    snprintf(p, sizeof p, "%s/net", root);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/net/tcp", root);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n", f);
    for (int i = 0; i < 5; i++)
        fprintf(f, "%4d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 %d 1\n", i,
                1000 + i, 100 + i);
    for (int i = 5; i < 5000; i++)
        fprintf(f, "%4d: 0100007F:%04X 0100007F:0050 06 00000000:00000000 03:00000000 00000000 0 0 0 3\n", i,
                20000 + i);
    /* Never written by a kernel: proves the reader stopped early. */
    fputs("5000: 00000000:0063 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 999 1\n", f);
    fclose(f);
    sp_listen_set s;
    sp_listen_init(&s);
    char err[256];
    assert_int_equal(sp_listen_read(&s, root, err, sizeof err), 0);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.v[0].port, 1000);
    assert_int_equal(s.v[4].port, 1004);
    sp_listen_free(&s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static int bound(int type, int family, uint16_t *port)
{
    int fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || (type == SOCK_STREAM && listen(fd, 4) < 0)) {
        close(fd);
        return -1;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

/* A real listening socket on loopback, seen with this process's name. */
static void test_real_loopback(void **state)
{
    (void)state;
    uint16_t tport = 0, uport = 0, t6port = 0;
    int t = bound(SOCK_STREAM, AF_INET, &tport);
    int u = bound(SOCK_DGRAM, AF_INET, &uport);
    int t6 = bound(SOCK_STREAM, AF_INET6, &t6port); /* -1 without IPv6 */
    assert_true(t >= 0 && u >= 0);
    sp_listen_set s;
    sp_listen_init(&s);
    char err[256];
    assert_int_equal(sp_listen_read(&s, "/proc", err, sizeof err), 0);
    sp_procmap *m = sp_procmap_new("/proc");
    sp_procmap_resolve(m, &s);
    size_t n;
    char want[64];
    const sp_listener *l = find(&s, tport, SP_PROTO_TCP, &n);
    assert_non_null(l);
    snprintf(want, sizeof want, "127.0.0.1:%u", tport);
    addr_is(l, want);
    assert_int_equal(l->pid, getpid());
    assert_string_equal(l->comm, "test_listen");
    l = find(&s, uport, SP_PROTO_UDP, &n);
    assert_non_null(l);
    assert_int_equal(l->pid, getpid());
    assert_string_equal(l->comm, "test_listen");
    if (t6 >= 0) {
        l = find(&s, t6port, SP_PROTO_TCP, &n);
        assert_non_null(l);
        snprintf(want, sizeof want, "[::1]:%u", t6port);
        addr_is(l, want);
        assert_int_equal(l->pid, getpid());
        close(t6);
    }
    /* Closed: gone at the next read. */
    close(t);
    assert_int_equal(sp_listen_read(&s, "/proc", err, sizeof err), 0);
    assert_null(find(&s, tport, SP_PROTO_TCP, &n));
    sp_procmap_resolve(m, &s);
    close(u);
    sp_procmap_free(m);
    sp_listen_free(&s);
}

static void test_copy_equal(void **state)
{
    (void)state;
    char *root = data_path("proc");
    sp_listen_set a, b;
    sp_listen_init(&a);
    sp_listen_init(&b);
    char err[256];
    assert_int_equal(sp_listen_read(&a, root, err, sizeof err), 0);
    assert_false(sp_listen_equal(&a, &b));
    assert_int_equal(sp_listen_copy(&b, &a), 0);
    assert_true(sp_listen_equal(&a, &b));
    b.v[0].pid = 42;
    assert_false(sp_listen_equal(&a, &b));
    sp_listen_free(&a);
    sp_listen_free(&b);
    free(root);
}

/* ---- sock_diag ---- */

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
    assert_int_equal(sp_listen_parse(&p, tcp, sizeof tcp - 1, SP_PROTO_TCP), 0);
    assert_int_equal(sp_listen_parse(&p, tcp6, sizeof tcp6 - 1, SP_PROTO_TCP), 0);
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

static const sp_listener *find_inode(const sp_listen_set *s, uint64_t inode)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].inode == inode)
            return &s->v[i];
    return NULL;
}

static uint64_t inode_of(int fd)
{
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    return st.st_ino;
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
        assert_int_equal(sp_sockdiag_tcp_listeners(d, &s), 0);
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

    /* Through the live source: sock_diag for TCP, the owner from /proc
     * (whatever SOCKPIT_SOCK_DIAG the test was started with). */
    unsetenv("SOCKPIT_SOCK_DIAG");
    sp_listen_source *src = sp_listen_source_new("/proc");
    assert_non_null(src);
    assert_int_equal(sp_listen_source_read(src, &s, err, sizeof err), 0);
    assert_string_equal(sp_listen_source_tcp(src), "sock_diag");
    assert_string_equal(sp_listen_source_why(src), "");
    sp_procmap *m = sp_procmap_new("/proc");
    sp_procmap_resolve(m, &s);
    size_t n;
    const sp_listener *l = find(&s, tport, SP_PROTO_TCP, &n);
    assert_non_null(l);
    assert_int_equal(l->inode, inode_of(t));
    assert_int_equal(l->pid, getpid());
    assert_string_equal(l->comm, "test_listen");
    /* Closed: gone at the next read. */
    close(t);
    assert_int_equal(sp_listen_source_read(src, &s, err, sizeof err), 0);
    assert_null(find(&s, tport, SP_PROTO_TCP, &n));
    if (t6 >= 0)
        close(t6);
    sp_procmap_free(m);
    sp_listen_source_free(src);
    sp_sockdiag_close(d);
    sp_listen_free(&s);
    sp_listen_free(&p);
}

/* SOCKPIT_SOCK_DIAG=off forces the /proc files, with the same records. */
static void test_diag_fallback(void **state)
{
    (void)state;
    uint16_t tport = 0, uport = 0;
    int t = bound(SOCK_STREAM, AF_INET, &tport);
    int u = bound(SOCK_DGRAM, AF_INET, &uport);
    assert_true(t >= 0 && u >= 0);
    setenv("SOCKPIT_SOCK_DIAG", "off", 1);
    sp_listen_source *src = sp_listen_source_new("/proc");
    unsetenv("SOCKPIT_SOCK_DIAG");
    assert_non_null(src);
    sp_listen_set s;
    sp_listen_init(&s);
    char err[256];
    assert_int_equal(sp_listen_source_read(src, &s, err, sizeof err), 0);
    assert_string_equal(sp_listen_source_tcp(src), "/proc/net/tcp");
    assert_string_equal(sp_listen_source_why(src), "SOCKPIT_SOCK_DIAG=off");
    size_t n;
    const sp_listener *l = find(&s, tport, SP_PROTO_TCP, &n);
    assert_non_null(l);
    assert_int_equal(l->inode, inode_of(t));
    l = find(&s, uport, SP_PROTO_UDP, &n);
    assert_non_null(l);
    assert_int_equal(l->inode, inode_of(u));
    sp_listen_source_free(src);

    /* A fake /proc tree is read as files too, and a missing one is an
     * error that names it. */
    src = sp_listen_source_new("/nonexistent");
    assert_string_equal(sp_listen_source_why(src), "not the host's /proc");
    assert_int_equal(sp_listen_source_read(src, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent"));
    sp_listen_source_free(src);
    char *root = data_path("proc");
    src = sp_listen_source_new(root);
    assert_int_equal(sp_listen_source_read(src, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 8); /* as test_captured */
    sp_listen_source_free(src);
    free(root);
    close(t);
    close(u);
    sp_listen_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_captured),   cmocka_unit_test(test_odd_spacing),
        cmocka_unit_test(test_garbage_lines), cmocka_unit_test(test_procmap),
        cmocka_unit_test(test_early_stop),
        cmocka_unit_test(test_real_loopback), cmocka_unit_test(test_copy_equal),
        cmocka_unit_test(test_diag_request), cmocka_unit_test(test_diag_parse),
        cmocka_unit_test(test_diag_real),    cmocka_unit_test(test_diag_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
