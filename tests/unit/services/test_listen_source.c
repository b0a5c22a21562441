/* Reading the listening sockets: the /proc/net files of a fake tree (the
 * early stop after the TCP listeners), real TCP, UDP and IPv6 listeners on
 * loopback with this process's PID and name, the live source through
 * sock_diag, and its forced fallback (SOCKPIT_SOCK_DIAG=off). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/services/listen.h"
#include "sockpit/services/listen_source.h"
#include "sockpit/services/procmap.h"
#include "sockpit/services/sockdiag.h"
#include "testlisten.h"

/* This program's name as /proc/PID/comm holds it: cut to 15 bytes. */
#define SELF_COMM "test_listen_sou"

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

/* A real listening socket on loopback, seen with this process's name; no
 * tree at all is an error. */
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
    assert_string_equal(l->comm, SELF_COMM);
    l = find(&s, uport, SP_PROTO_UDP, &n);
    assert_non_null(l);
    assert_int_equal(l->pid, getpid());
    assert_string_equal(l->comm, SELF_COMM);
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
    assert_int_equal(sp_listen_read(&s, "/nonexistent", err, sizeof err), -1);
}

/* Through the live source: sock_diag for TCP, the owner from /proc
 * (whatever SOCKPIT_SOCK_DIAG the test was started with). */
static void test_source_diag(void **state)
{
    (void)state;
    sp_sockdiag *d = sp_sockdiag_open();
    if (!d)
        skip();
    sp_sockdiag_close(d);
    uint16_t tport;
    int t = bound(SOCK_STREAM, AF_INET, &tport);
    assert_true(t >= 0);
    sp_listen_set s;
    sp_listen_init(&s);
    char err[256];
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
    assert_string_equal(l->comm, SELF_COMM);
    /* Closed: gone at the next read. */
    close(t);
    assert_int_equal(sp_listen_source_read(src, &s, err, sizeof err), 0);
    assert_null(find(&s, tport, SP_PROTO_TCP, &n));
    sp_procmap_free(m);
    sp_listen_source_free(src);
    sp_listen_free(&s);
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
        cmocka_unit_test(test_early_stop),
        cmocka_unit_test(test_real_loopback),
        cmocka_unit_test(test_source_diag),
        cmocka_unit_test(test_diag_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
