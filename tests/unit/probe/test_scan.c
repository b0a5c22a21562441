/* The connect scan against listeners this test holds on 127.0.0.3: exact
 * open and closed sets, banners and HTTP heads from a small server thread,
 * cancel, and a scan that runs out of file descriptors, where every connect
 * the kernel refuses to start must be tried again (none reported closed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/loop.h"
#include "sockpit/probe/scan.h"

#define ADDR "127.0.0.3"

static int listen_on(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    inet_pton(AF_INET, ADDR, &sa.sin_addr);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 64), 0);
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* A port nothing listens on: bound and let go again. */
static uint16_t closed_port(void)
{
    uint16_t port;
    close(listen_on(&port));
    return port;
}

typedef struct result {
    bool done;
    size_t nopen, nclosed;
    uint16_t open[512];
} result;

static void on_port(void *ud, size_t ai, uint16_t port, sp_port_state st, const sp_probe_port *p)
{
    (void)ai;
    result *r = ud;
    if (st == SP_PORT_OPEN) {
        assert_non_null(p);
        r->open[r->nopen++] = port;
    } else if (st == SP_PORT_CLOSED) {
        r->nclosed++;
    }
}

static void on_done(void *ud) { ((result *)ud)->done = true; }

static void run(sp_loop *loop, result *r)
{
    double end = sp_now() + 20;
    while (!r->done && sp_now() < end)
        sp_loop_once(loop, 50);
    assert_true(r->done);
}

static sp_probe_addr addr(void)
{
    sp_probe_addr a = { .family = AF_INET };
    inet_pton(AF_INET, ADDR, a.addr);
    return a;
}

static int fcntl_ok(int fd) { return fcntl(fd, F_GETFD) >= 0; }

/* Descriptors held so that socket() fails with EMFILE, given back by a
 * timer: until then the scan can start no connect at all. */
typedef struct hog {
    int fds[16];
    size_t n;
} hog;

static void hog_fill(hog *h)
{
    h->n = 0;
    int fd;
    while (h->n < sizeof h->fds / sizeof h->fds[0] && (fd = dup(0)) >= 0)
        h->fds[h->n++] = fd;
    assert_true(h->n < sizeof h->fds / sizeof h->fds[0]);
}

static void hog_release(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    hog *h = ud;
    for (size_t i = 0; i < h->n; i++)
        close(h->fds[i]);
    h->n = 0;
}

static int cmp_u16(const void *a, const void *b) { return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b; }

/* n listeners and n closed ports; the scan must find exactly the
 * listeners. */
static void scan_and_check(unsigned concurrency, size_t n, bool starve)
{
    int fds[200];
    uint16_t ports[400], want[200];
    assert_true(n <= 200);
    for (size_t i = 0; i < n; i++) {
        fds[i] = listen_on(&ports[i]);
        want[i] = ports[i];
    }
    for (size_t i = 0; i < n; i++)
        ports[n + i] = closed_port();
    qsort(ports, 2 * n, sizeof ports[0], cmp_u16);
    qsort(want, n, sizeof want[0], cmp_u16);
    if (starve) {
        /* Room for a handful of sockets: the scan's own budget is larger. */
        int used = 0;
        for (int fd = 0; fd < 4096; fd++)
            used += fcntl_ok(fd);
        struct rlimit tight = { (rlim_t)used + 6, (rlim_t)used + 6 };
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &tight), 0);
    }
    sp_loop *loop = sp_loop_new();
    /* None at all for the first 100 ms: every socket() fails with EMFILE
     * and each pair must go back to the queue. */
    hog h = { .n = 0 };
    if (starve) {
        hog_fill(&h);
        sp_loop_timer(loop, 0.1, 0, hog_release, &h);
    }
    sp_probe_addr a = addr();
    sp_scan_config cfg = { .addrs = &a, .naddrs = 1, .ports = ports, .nports = 2 * n,
                           .concurrency = concurrency, .rate = 100000, .timeout_ms = 2000 };
    result r = { 0 };
    sp_scan_cbs cbs = { on_port, on_done };
    char err[200];
    sp_scan *s = sp_scan_start(loop, &cfg, &cbs, &r, err, sizeof err);
    assert_non_null(s);
    run(loop, &r);
    sp_scan_progress p;
    sp_scan_get_progress(s, &p);
    assert_int_equal(p.done, 2 * n);
    assert_int_equal(p.open, n);
    assert_int_equal(p.closed, n);
    assert_int_equal(r.nopen, n);
    assert_int_equal(r.nclosed, n);
    if (starve)
        assert_true(p.requeued > 0);
    qsort(r.open, r.nopen, sizeof r.open[0], cmp_u16);
    assert_memory_equal(r.open, want, n * sizeof want[0]);
    for (size_t i = 0; i < 2 * n; i++) {
        bool is_open = bsearch(&ports[i], want, n, sizeof want[0], cmp_u16) != NULL;
        assert_int_equal(sp_scan_state(s, 0, i), is_open ? SP_PORT_OPEN : SP_PORT_CLOSED);
        assert_string_equal(sp_scan_reason(s, 0, i), is_open ? "" : "reset");
    }
    size_t nopen;
    const sp_probe_port *const *v = sp_scan_open_ports(s, &nopen);
    assert_int_equal(nopen, n);
    assert_true(v[0]->rtt_ms >= 0);
    sp_scan_free(s);
    sp_loop_free(loop);
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
}

static void test_scan_exact(void **state)
{
    (void)state;
    scan_and_check(64, 100, false);
}

/* A service thread: the first listener greets, the second answers HTTP. */
typedef struct server {
    int greet_fd, http_fd;
} server;

static void *serve(void *arg)
{
    server *sv = arg;
    int c = accept(sv->greet_fd, NULL, NULL);
    const char hello[] = "SSH-2.0-Test_1.0\r\n";
    if (c >= 0) {
        (void)!write(c, hello, sizeof hello - 1);
        char buf[64];
        (void)!read(c, buf, sizeof buf);
        close(c);
    }
    c = accept(sv->http_fd, NULL, NULL);
    if (c >= 0) {
        char buf[2048];
        (void)!read(c, buf, sizeof buf);
        const char resp[] = "HTTP/1.1 200 OK\r\nServer: testd\r\nContent-Length: 40\r\n\r\n"
                            "<html><title>Probe test</title></html>\n";
        (void)!write(c, resp, sizeof resp - 1);
        close(c);
    }
    return NULL;
}

static void test_banner_and_http(void **state)
{
    (void)state;
    server sv;
    uint16_t ports[2];
    sv.greet_fd = listen_on(&ports[0]);
    sv.http_fd = listen_on(&ports[1]);
    pthread_t th;
    pthread_create(&th, NULL, serve, &sv);
    sp_loop *loop = sp_loop_new();
    sp_probe_addr a = addr();
    sp_scan_config cfg = { .addrs = &a, .naddrs = 1, .ports = ports, .nports = 2, .banner = true, .http = true };
    result r = { 0 };
    sp_scan_cbs cbs = { on_port, on_done };
    char err[200];
    sp_scan *s = sp_scan_start(loop, &cfg, &cbs, &r, err, sizeof err);
    assert_non_null(s);
    run(loop, &r);
    size_t n;
    const sp_probe_port *const *v = sp_scan_open_ports(s, &n);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        const sp_probe_port *p = v[i];
        if (p->port == ports[0]) {
            assert_non_null(p->banner);
            assert_string_equal(p->banner, "SSH-2.0-Test_1.0\r\n");
            assert_false(p->http_done);
        } else {
            assert_null(p->banner);
            assert_true(p->http_done);
            assert_int_equal(p->http.status, 200);
            assert_string_equal(p->http.server, "testd");
            assert_string_equal(p->http.title, "Probe test");
        }
    }
    pthread_join(th, NULL);
    sp_scan_free(s);
    sp_loop_free(loop);
    close(sv.greet_fd);
    close(sv.http_fd);
}

static void test_cancel(void **state)
{
    (void)state;
    uint16_t ports[1000];
    for (size_t i = 0; i < 1000; i++)
        ports[i] = (uint16_t)(20000 + i);
    sp_loop *loop = sp_loop_new();
    sp_probe_addr a = addr();
    sp_scan_config cfg = { .addrs = &a, .naddrs = 1, .ports = ports, .nports = 1000, .rate = 100 };
    result r = { 0 };
    sp_scan_cbs cbs = { on_port, on_done };
    char err[200];
    sp_scan *s = sp_scan_start(loop, &cfg, &cbs, &r, err, sizeof err);
    for (int i = 0; i < 5; i++)
        sp_loop_once(loop, 20);
    sp_scan_cancel(s);
    sp_scan_progress p;
    sp_scan_get_progress(s, &p);
    assert_true(p.cancelled);
    assert_true(p.done < 1000);
    assert_false(r.done);
    assert_int_equal(sp_loop_once(loop, 30), 0);
    sp_scan_free(s);
    sp_scan_config none = { .addrs = &a, .naddrs = 1, .ports = ports, .nports = 0 };
    assert_null(sp_scan_start(loop, &none, &cbs, &r, err, sizeof err));
    assert_non_null(strstr(err, "no port"));
    sp_loop_free(loop);
}

/* Last: the hard limit cannot be raised again. */
static void test_scan_out_of_descriptors(void **state)
{
    (void)state;
    scan_and_check(200, 60, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_exact),
        cmocka_unit_test(test_banner_and_http),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_scan_out_of_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
