/* Sweeps and reverse DNS: CIDR parsing and enumeration, then real sweeps
 * through c-ares against a small PTR server run by this test on 127.0.0.1
 * in the same loop. It holds each answer a few milliseconds so the number
 * of queries in flight can be measured; even addresses have names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/hosts/rdns.h"
#include "sockpit/hosts/sweep.h"

#include "testdns.h"

static void test_cidr_parse(void **state)
{
    (void)state;
    sp_cidr c;
    char err[256], s[64];
    assert_int_equal(sp_cidr_parse("198.18.0.77/24", &c, err, sizeof err), 0);
    sp_cidr_format(&c, s, sizeof s);
    assert_string_equal(s, "198.18.0.0/24");
    assert_int_equal(sp_cidr_count(&c), 254);
    assert_int_equal(sp_cidr_classify(&c), SP_CIDR_OK);
    unsigned char a[16];
    sp_cidr_nth(&c, 0, a);
    assert_int_equal(a[3], 1);
    sp_cidr_nth(&c, 253, a);
    assert_int_equal(a[3], 254);
    assert_int_equal(sp_cidr_parse("198.18.0.0/22", &c, err, sizeof err), 0);
    assert_int_equal(sp_cidr_classify(&c), SP_CIDR_OK);
    sp_cidr_nth(&c, 255, a);
    assert_int_equal(a[2], 1);
    assert_int_equal(a[3], 0);
    assert_int_equal(sp_cidr_parse("198.18.0.0/21", &c, err, sizeof err), 0);
    assert_int_equal(sp_cidr_classify(&c), SP_CIDR_CONFIRM);
    assert_int_equal(sp_cidr_parse("198.18.0.0/16", &c, err, sizeof err), 0);
    assert_int_equal(sp_cidr_classify(&c), SP_CIDR_CONFIRM);
    assert_int_equal(sp_cidr_count(&c), 65534);
    assert_int_equal(sp_cidr_parse("10.0.0.0/15", &c, err, sizeof err), 0);
    assert_int_equal(sp_cidr_classify(&c), SP_CIDR_REFUSE);
    assert_int_equal(sp_cidr_parse("198.18.0.4/31", &c, err, sizeof err), 0);
    assert_int_equal(sp_cidr_count(&c), 2);
    assert_int_equal(sp_cidr_parse("198.18.0.4/32", &c, err, sizeof err), 0);
    assert_int_equal(sp_cidr_count(&c), 1);
    assert_int_equal(sp_cidr_parse("0.0.0.0/0", &c, err, sizeof err), 0);
    assert_int_equal(sp_cidr_classify(&c), SP_CIDR_REFUSE);
    assert_int_equal(sp_cidr_parse("2001:db8::1234/120", &c, err, sizeof err), 0);
    sp_cidr_format(&c, s, sizeof s);
    assert_string_equal(s, "2001:db8::1200/120");
    assert_int_equal(sp_cidr_count(&c), 255);
    sp_cidr_nth(&c, 0, a);
    assert_int_equal(a[15], 1);
    assert_int_equal(sp_cidr_parse("2001:db8::/64", &c, err, sizeof err), 0);
    assert_int_equal(sp_cidr_classify(&c), SP_CIDR_REFUSE);
    assert_true(sp_cidr_count(&c) > 65536);
    static const char *const bad[] = { "", "198.18.0.0", "/24", "198.18.0.0/", "198.18.0.0/33", "198.18.0.0/-1",
                                       "198.18.0.0/+8", "198.18.0.0/2x", "198.18.0.256/24", "host.test/24",
                                       "2001:db8::/129", "::/ 8" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(sp_cidr_parse(bad[i], &c, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        assert_null(strchr(err, '\n'));
    }
    sp_cidr_parse("/24", &c, err, sizeof err);
    assert_non_null(strstr(err, "address family"));
}

static void test_ptr_name_and_ttl(void **state)
{
    (void)state;
    char n[128];
    unsigned char a4[4] = { 198, 18, 0, 7 };
    assert_int_equal(sp_rdns_ptr_name(AF_INET, a4, n, sizeof n), 0);
    assert_string_equal(n, "7.0.18.198.in-addr.arpa");
    unsigned char a6[16];
    inet_pton(AF_INET6, "2001:db8::1", a6);
    assert_int_equal(sp_rdns_ptr_name(AF_INET6, a6, n, sizeof n), 0);
    assert_string_equal(n, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    assert_int_equal(sp_rdns_ptr_name(AF_INET6, a6, n, 20), -1);

    /* A reply: question 7.0.18.198.in-addr.arpa PTR, a CNAME (TTL 100) and
     * a PTR (TTL 300): the smallest TTL counts. */
    unsigned char pkt[256] = { 0x12, 0x34, 0x84, 0x00, 0, 1, 0, 2, 0, 0, 0, 0 };
    size_t len = 12;
    static const unsigned char q[] = "\x01" "7" "\x01" "0" "\x02" "18" "\x03" "198" "\x07" "in-addr" "\x04" "arpa";
    memcpy(pkt + len, q, sizeof q);
    len += sizeof q;
    static const unsigned char tail_q[] = { 0, 12, 0, 1 };
    memcpy(pkt + len, tail_q, 4);
    len += 4;
    static const unsigned char cname[] = { 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 100, 0, 2, 0xc0, 12 };
    memcpy(pkt + len, cname, sizeof cname);
    len += sizeof cname;
    static const unsigned char ptr[] = { 0xc0, 12, 0, 12, 0, 1, 0, 0, 1, 44, 0, 2, 0xc0, 12 };
    memcpy(pkt + len, ptr, sizeof ptr);
    len += sizeof ptr;
    assert_int_equal(sp_rdns_answer_ttl(pkt, (int)len), 100);
    /* Truncated anywhere: -1, never a read past the end. */
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(sp_rdns_answer_ttl(pkt, (int)cut), -1);
    pkt[7] = 0;
    assert_int_equal(sp_rdns_answer_ttl(pkt, (int)len), -1);
}

/* ---- a PTR server in the test's loop ---- */

typedef struct held {
    unsigned char pkt[512];
    size_t len;
    struct sockaddr_in from;
} held;

typedef struct server {
    sp_loop *loop;
    int fd;
    int port;
    held q[2048];
    size_t nq, answered, max_held;
    double delay;
    uint64_t timer;
} server;

static size_t put_name(unsigned char *p, const char *name)
{
    size_t n = 0;
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);
        p[n++] = (unsigned char)l;
        memcpy(p + n, name, l);
        n += l;
        name += l + (dot ? 1 : 0);
    }
    p[n++] = 0;
    return n;
}

/* Answers: "hN.test" with TTL 300 for even N, NXDOMAIN for odd N. */
static void answer(server *s, held *h)
{
    unsigned char out[600];
    memcpy(out, h->pkt, h->len);
    /* The first label of the question is the last octet. */
    int last = atoi((const char *)h->pkt + 13);
    out[2] = 0x84 | (h->pkt[2] & 1); /* QR, AA, RD copied */
    out[3] = 0x80;                    /* RA */
    size_t len = h->len;
    if (last % 2 == 0) {
        out[7] = 1;
        unsigned char *p = out + len;
        *p++ = 0xc0;
        *p++ = 12;
        *p++ = 0;
        *p++ = 12; /* PTR */
        *p++ = 0;
        *p++ = 1;
        *p++ = 0;
        *p++ = 0;
        *p++ = 1;
        *p++ = 44; /* TTL 300 */
        char name[32];
        snprintf(name, sizeof name, "h%d.test", last);
        size_t rl = put_name(p + 2, name);
        p[0] = 0;
        p[1] = (unsigned char)rl;
        p += 2 + rl;
        len = (size_t)(p - out);
    } else {
        out[3] |= 3; /* NXDOMAIN */
    }
    sendto(s->fd, out, len, 0, (struct sockaddr *)&h->from, sizeof h->from);
    s->answered++;
}

static void release(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    server *s = ud;
    s->timer = 0;
    for (size_t i = 0; i < s->nq; i++)
        answer(s, &s->q[i]);
    s->nq = 0;
}

static void on_query(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)events;
    server *s = ud;
    for (;;) {
        held *h = &s->q[s->nq];
        socklen_t sl = sizeof h->from;
        ssize_t n = recvfrom(fd, h->pkt, sizeof h->pkt, MSG_DONTWAIT, (struct sockaddr *)&h->from, &sl);
        if (n < 12)
            break;
        h->len = (size_t)n;
        s->nq++;
        if (s->nq > s->max_held)
            s->max_held = s->nq;
    }
    if (s->nq && !s->timer)
        s->timer = sp_loop_timer(loop, s->delay, 0, release, s);
}

static void server_start(server *s, sp_loop *loop, double delay)
{
    memset(s, 0, sizeof *s);
    s->loop = loop;
    s->delay = delay;
    s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert_true(s->fd >= 0);
    int big = 1 << 20;
    setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(s->fd, (struct sockaddr *)&sin, sizeof sin), 0);
    socklen_t sl = sizeof sin;
    getsockname(s->fd, (struct sockaddr *)&sin, &sl);
    s->port = ntohs(sin.sin_port);
    sp_loop_watch(loop, s->fd, SP_IO_READ, on_query, s);
}

static void server_stop(server *s)
{
    if (s->timer)
        sp_loop_cancel(s->loop, s->timer);
    sp_loop_unwatch(s->loop, s->fd);
    close(s->fd);
}

typedef struct results {
    size_t n, named, nx, noanswer, probe_errors;
    bool done;
} results;

static void on_result(void *ud, int family, const unsigned char *addr, const char *name)
{
    (void)family;
    results *r = ud;
    r->n++;
    if (strcmp(name, "-") == 0)
        r->nx++;
    else if (strcmp(name, "?") == 0)
        r->noanswer++;
    else {
        char want[32];
        snprintf(want, sizeof want, "h%u.test", addr[3]);
        assert_string_equal(name, want);
        r->named++;
    }
}

static void on_done(void *ud) { ((results *)ud)->done = true; }
static void on_probe_error(void *ud, const char *msg)
{
    (void)msg;
    ((results *)ud)->probe_errors++;
}

static void run_until(sp_loop *loop, bool *flag, double limit)
{
    double end = sp_now() + limit;
    while (!*flag && sp_now() < end)
        sp_loop_once(loop, 50);
}

static void test_sweep_concurrency(void **state)
{
    (void)state;
    sp_loop *loop = sp_loop_new();
    server srv;
    server_start(&srv, loop, 0.005);
    sp_dns *dns = test_dns(loop, srv.port, 2000);
    sp_rdns *rdns = sp_rdns_new(dns);
    sp_sweep_config cfg = { .concurrency = 16, .resolve = true };
    char err[256];
    assert_int_equal(sp_cidr_parse("198.18.0.0/24", &cfg.cidr, err, sizeof err), 0);
    results r = { 0 };
    sp_sweep_cbs cbs = { on_result, NULL, on_done };
    double t0 = sp_now();
    sp_sweep *sw = sp_sweep_start(loop, rdns, &cfg, &cbs, &r, err, sizeof err);
    assert_non_null(sw);
    run_until(loop, &r.done, 10);
    assert_true(r.done);
    assert_int_equal(r.n, 254);
    assert_int_equal(r.named, 127);
    assert_int_equal(r.nx, 127);
    assert_true(srv.max_held <= 16);
    assert_true(srv.max_held >= 8);
    sp_sweep_progress p;
    sp_sweep_get_progress(sw, &p);
    assert_int_equal(p.total, 254);
    assert_int_equal(p.done, 254);
    assert_int_equal(p.named, 127);
    assert_true(p.finished);
    /* 254 / 16 rounds of 5 ms: far less than 254 sequential ones. */
    assert_true(sp_now() - t0 < 1.0);
    sp_sweep_free(sw);

    /* Again: every answer comes from the cache (TTLs of 300 s and the
     * negative 60 s), no query is sent. */
    size_t before = srv.answered;
    results r2 = { 0 };
    sw = sp_sweep_start(loop, rdns, &cfg, &cbs, &r2, err, sizeof err);
    assert_non_null(sw);
    assert_true(r2.done);
    assert_int_equal(r2.named, 127);
    assert_int_equal(srv.answered, before);
    sp_sweep_free(sw);
    unsigned char a[4] = { 198, 18, 0, 10 };
    assert_string_equal(sp_rdns_lookup(rdns, AF_INET, a, NULL, NULL), "h10.test");

    sp_dns_free(dns);
    sp_rdns_free(rdns);
    server_stop(&srv);
    sp_loop_free(loop);
}

static void test_sweep_cancel_and_timeout(void **state)
{
    (void)state;
    sp_loop *loop = sp_loop_new();
    server srv;
    server_start(&srv, loop, 0.05);
    sp_dns *dns = test_dns(loop, srv.port, 2000);
    sp_rdns *rdns = sp_rdns_new(dns);
    sp_sweep_config cfg = { .concurrency = 8, .resolve = true };
    char err[256];
    sp_cidr_parse("198.18.0.0/24", &cfg.cidr, err, sizeof err);
    results r = { 0 };
    sp_sweep_cbs cbs = { on_result, NULL, on_done };
    sp_sweep *sw = sp_sweep_start(loop, rdns, &cfg, &cbs, &r, err, sizeof err);
    assert_int_equal(sp_rdns_pending(rdns), 8);
    for (int i = 0; i < 3; i++)
        sp_loop_once(loop, 200);
    sp_sweep_cancel(sw);
    size_t got = r.n;
    assert_true(got < 254);
    bool never = false;
    run_until(loop, &never, 0.3);
    /* Answers still in flight are cached, but nobody is called. */
    assert_int_equal(r.n, got);
    assert_false(r.done);
    sp_sweep_progress p;
    sp_sweep_get_progress(sw, &p);
    assert_true(p.cancelled);
    sp_sweep_free(sw);
    sp_dns_free(dns);
    sp_rdns_free(rdns);
    server_stop(&srv);

    /* A server that never answers: "?" after the time-out. */
    server_start(&srv, loop, 100);
    dns = test_dns(loop, srv.port, 200);
    rdns = sp_rdns_new(dns);
    sp_cidr_parse("198.18.0.0/30", &cfg.cidr, err, sizeof err);
    results r3 = { 0 };
    sw = sp_sweep_start(loop, rdns, &cfg, &cbs, &r3, err, sizeof err);
    run_until(loop, &r3.done, 5);
    assert_true(r3.done);
    assert_int_equal(r3.noanswer, 2);
    sp_sweep_free(sw);
    /* Pending lookups at shutdown end quietly. */
    results r4 = { 0 };
    sp_cidr_parse("198.18.1.0/30", &cfg.cidr, err, sizeof err);
    sw = sp_sweep_start(loop, rdns, &cfg, &cbs, &r4, err, sizeof err);
    sp_dns_free(dns);
    assert_int_equal(r4.n, 0);
    sp_sweep_free(sw);
    sp_rdns_free(rdns);
    server_stop(&srv);
    sp_loop_free(loop);
}

static void test_probe_rate(void **state)
{
    (void)state;
    /* Probes to loopback only: 127.0.0.0/27 is 30 addresses. */
    sp_loop *loop = sp_loop_new();
    sp_sweep_config cfg = { .probe = true, .probe_rate = 100 };
    char err[256];
    sp_cidr_parse("127.0.0.0/27", &cfg.cidr, err, sizeof err);
    results r = { 0 };
    sp_sweep_cbs cbs = { on_result, on_probe_error, on_done };
    double t0 = sp_now();
    sp_sweep *sw = sp_sweep_start(loop, NULL, &cfg, &cbs, &r, err, sizeof err);
    assert_non_null(sw);
    run_until(loop, &r.done, 5);
    double took = sp_now() - t0;
    sp_sweep_progress p;
    sp_sweep_get_progress(sw, &p);
    assert_true(r.done);
    assert_int_equal(p.probes_sent, 30);
    assert_int_equal(p.done, 30);
    assert_int_equal(r.probe_errors, 0);
    /* 30 at 100 per second: about 0.3 s, never a burst. */
    assert_true(took > 0.2);
    assert_true(took < 1.5);
    sp_sweep_free(sw);
    /* Resolving without a cache is refused. */
    cfg.resolve = true;
    assert_null(sp_sweep_start(loop, NULL, &cfg, &cbs, &r, err, sizeof err));
    sp_loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cidr_parse),        cmocka_unit_test(test_ptr_name_and_ttl),
        cmocka_unit_test(test_sweep_concurrency), cmocka_unit_test(test_sweep_cancel_and_timeout),
        cmocka_unit_test(test_probe_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
