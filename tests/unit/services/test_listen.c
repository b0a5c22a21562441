/* The set of listening sockets and the /proc/net parser: captured samples
 * (IPv4, IPv6), odd spacing, garbage, copies and comparisons, and where a
 * TCP file's listeners end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/readfile.h"
#include "sockpit/services/listen.h"
#include "testlisten.h"

/* The four files of the captured tree, parsed and sorted as a reader would. */
static void parse_captured(sp_listen_set *s)
{
    static const struct { const char *name; int proto; } files[] = {
        { "proc/net/tcp", SP_PROTO_TCP }, { "proc/net/tcp6", SP_PROTO_TCP },
        { "proc/net/udp", SP_PROTO_UDP }, { "proc/net/udp6", SP_PROTO_UDP },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = data_path(files[i].name), *buf;
        size_t len;
        assert_int_equal(sp_read_file(AT_FDCWD, path, 1 << 20, 0, &buf, &len, NULL), 0);
        sp_listen_parse(s, buf, len, files[i].proto);
        free(buf);
        free(path);
    }
    sp_listen_sort(s);
}

/* The samples were captured from this kernel with sockets of each kind
 * open: listeners, an established pair, a connected UDP socket. */
static void test_captured(void **state)
{
    (void)state;
    sp_listen_set s;
    sp_listen_init(&s);
    parse_captured(&s);
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
    sp_listen_parse(&s, tcp, sizeof tcp - 1, SP_PROTO_TCP);
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
    sp_listen_parse(&s, tcp6, sizeof tcp6 - 1, SP_PROTO_TCP);
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
    sp_listen_parse(&s, bad, sizeof bad - 1, SP_PROTO_TCP);
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
        sp_listen_parse(&s, buf, n, r % 2 ? SP_PROTO_UDP : SP_PROTO_TCP);
    }
    sp_listen_free(&s);
}

static void test_copy_equal(void **state)
{
    (void)state;
    sp_listen_set a, b;
    sp_listen_init(&a);
    sp_listen_init(&b);
    parse_captured(&a);
    assert_false(sp_listen_equal(&a, &b));
    assert_int_equal(sp_listen_copy(&b, &a), 0);
    assert_true(sp_listen_equal(&a, &b));
    b.v[0].pid = 42;
    assert_false(sp_listen_equal(&a, &b));
    sp_listen_free(&a);
    sp_listen_free(&b);
}

/* The reader stops at the first TCP line past the listeners, cut after it;
 * the header, a listener, or a partial line never stop it. */
static void test_past_listeners(void **state)
{
    (void)state;
    static const char head[] =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    static const char lsn[] = "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n";
    static const char est[] = "   1: 0100007F:9C40 0100007F:0050 06 00000000:00000000 03:00000000 00000000 0 0 0 3\n";
    char buf[512];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s", head);
    assert_false(sp_listen_past_listeners(buf, &len));
    len = (size_t)snprintf(buf, sizeof buf, "%s%s", head, lsn);
    assert_false(sp_listen_past_listeners(buf, &len));
    len = (size_t)snprintf(buf, sizeof buf, "%s%s   2: 0100", head, lsn); /* a partial line after */
    assert_false(sp_listen_past_listeners(buf, &len));
    len = (size_t)snprintf(buf, sizeof buf, "%s%s%s   2: 0100", head, lsn, est);
    assert_true(sp_listen_past_listeners(buf, &len));
    assert_int_equal(len, strlen(head) + strlen(lsn) + strlen(est));
    len = 0;
    assert_false(sp_listen_past_listeners(buf, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_captured),    cmocka_unit_test(test_odd_spacing),
        cmocka_unit_test(test_garbage_lines), cmocka_unit_test(test_copy_equal),
        cmocka_unit_test(test_past_listeners),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
