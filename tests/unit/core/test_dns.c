/* c-ares driven by our loop, against a tiny DNS responder on loopback that
 * runs in the same loop: answers arrive, time-outs fire on time, and the
 * loop does not spin while it waits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/dns.h"

#include "testdns.h"

typedef struct responder {
    int fd;
    int port;
    bool answer;   /* false: swallow queries, as a dead server does */
    int queries;
} responder;

static void on_query(sp_loop *loop, int fd, unsigned ev, void *ud)
{
    (void)loop;
    (void)ev;
    responder *r = ud;
    unsigned char q[512];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
    if (n < 12)
        return;
    r->queries++;
    if (!r->answer)
        return;
    /* Echo the question with one A record: 198.18.0.7, TTL 60. */
    unsigned char a[600];
    memcpy(a, q, (size_t)n);
    a[2] = 0x81;
    a[3] = 0x80;
    a[7] = 1; /* ANCOUNT = 1 */
    static const unsigned char rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 18, 0, 7 };
    memcpy(a + n, rr, sizeof rr);
    sendto(fd, a, (size_t)n + sizeof rr, 0, (struct sockaddr *)&from, fl);
}

static void start_responder(sp_loop *loop, responder *r, bool answer)
{
    r->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(r->fd, (struct sockaddr *)&sin, sizeof sin), 0);
    socklen_t sl = sizeof sin;
    getsockname(r->fd, (struct sockaddr *)&sin, &sl);
    r->port = ntohs(sin.sin_port);
    r->answer = answer;
    r->queries = 0;
    sp_loop_watch(loop, r->fd, SP_IO_READ, on_query, r);
}

typedef struct result {
    bool done;
    int status;
    char addr[64];
    int ttl;
} result;

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
    (void)timeouts;
    result *res = arg;
    res->done = true;
    res->status = status;
    if (status == ARES_SUCCESS && ai && ai->nodes) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ai->nodes->ai_addr;
        inet_ntop(AF_INET, &sin->sin_addr, res->addr, sizeof res->addr);
        res->ttl = ai->nodes->ai_ttl;
    }
    if (ai)
        ares_freeaddrinfo(ai);
}

static void resolve(sp_dns *d, const char *name, result *res)
{
    struct ares_addrinfo_hints hints = { .ai_family = AF_INET };
    memset(res, 0, sizeof *res);
    ares_getaddrinfo(sp_dns_channel(d), name, NULL, &hints, on_addrinfo, res);
}

static void test_answer_arrives_through_the_loop(void **state)
{
    (void)state;
    sp_loop *loop = sp_loop_new();
    responder r;
    start_responder(loop, &r, true);
    sp_dns *d = test_dns(loop, r.port, 1000);
    result res;
    resolve(d, "host.test", &res);
    double end = sp_now() + 2;
    while (!res.done && sp_now() < end)
        sp_loop_once(loop, 100);
    assert_true(res.done);
    assert_int_equal(res.status, ARES_SUCCESS);
    assert_string_equal(res.addr, "198.18.0.7");
    assert_int_equal(res.ttl, 60);
    assert_int_equal(r.queries, 1);
    sp_dns_free(d);
    /* c-ares closed its socket and the loop forgot it. */
    close(r.fd);
    sp_loop_free(loop);
}

static void test_timeout_fires_without_spinning(void **state)
{
    (void)state;
    sp_loop *loop = sp_loop_new();
    responder r;
    start_responder(loop, &r, false);
    sp_dns *d = test_dns(loop, r.port, 300);
    result res;
    double start = sp_now();
    uint64_t w0 = sp_loop_wakeups(loop);
    resolve(d, "slow.test", &res);
    while (!res.done && sp_now() < start + 3)
        sp_loop_once(loop, -1);
    double took = sp_now() - start;
    assert_true(res.done);
    assert_int_equal(res.status, ARES_ETIMEOUT);
    assert_true(took >= 0.29);
    assert_true(took < 1.5);
    /* The query packet, then the deadline: a handful of wake-ups, not a tick. */
    assert_true(sp_loop_wakeups(loop) - w0 < 10);
    sp_dns_free(d);
    close(r.fd);
    sp_loop_free(loop);
}

static void test_destruction_runs_pending_callbacks(void **state)
{
    (void)state;
    sp_loop *loop = sp_loop_new();
    responder r;
    start_responder(loop, &r, false);
    sp_dns *d = test_dns(loop, r.port, 5000);
    result res;
    resolve(d, "pending.test", &res);
    sp_loop_once(loop, 10);
    sp_dns_free(d);
    assert_true(res.done);
    assert_int_equal(res.status, ARES_EDESTRUCTION);
    close(r.fd);
    sp_loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer_arrives_through_the_loop),
        cmocka_unit_test(test_timeout_fires_without_spinning),
        cmocka_unit_test(test_destruction_runs_pending_callbacks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
