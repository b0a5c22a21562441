/* The output queue: what is reserved and committed comes out in order, a
 * full socket stops the flush without losing bytes, a closed peer is an
 * error, and unsent bytes move to the front instead of growing forever. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/outbuf.h"

static void queue(sp_outbuf *b, const char *s, size_t n)
{
    memcpy(sp_outbuf_reserve(b, n), s, n);
    sp_outbuf_commit(b, n);
}

static void test_bytes_come_out_in_order(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    sp_outbuf b = { 0 };
    queue(&b, "hello ", 6);
    queue(&b, "world", 5);
    assert_int_equal(sp_outbuf_pending(&b), 11);
    assert_int_equal(sp_outbuf_flush(&b, sv[0], 4096), 1);
    assert_int_equal(sp_outbuf_pending(&b), 0);
    char got[32];
    assert_int_equal(read(sv[1], got, sizeof got), 11);
    assert_memory_equal(got, "hello world", 11);
    sp_outbuf_free(&b);
    close(sv[0]);
    close(sv[1]);
}

static void test_full_socket_keeps_the_rest(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    int small = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    sp_outbuf b = { 0 };
    static char chunk[1 << 16];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (char)(i * 7);
    queue(&b, chunk, sizeof chunk);
    assert_int_equal(sp_outbuf_flush(&b, sv[0], 0), 0);
    size_t left = sp_outbuf_pending(&b);
    assert_true(left > 0 && left < sizeof chunk);
    /* More bytes while the socket is full: the unsent ones move to the
     * front, so the buffer does not keep growing. */
    size_t cap = b.cap;
    static char got[1 << 17];
    size_t have = 0;
    ssize_t r;
    while ((r = read(sv[1], got + have, sizeof got - have)) > 0)
        have += (size_t)r;
    queue(&b, "tail", 4);
    assert_true(b.cap == cap);
    while (sp_outbuf_flush(&b, sv[0], 0) == 0) {
        while ((r = read(sv[1], got + have, sizeof got - have)) > 0)
            have += (size_t)r;
    }
    while ((r = read(sv[1], got + have, sizeof got - have)) > 0)
        have += (size_t)r;
    assert_int_equal(have, sizeof chunk + 4);
    assert_memory_equal(got, chunk, sizeof chunk);
    assert_memory_equal(got + sizeof chunk, "tail", 4);
    /* keep_cap 0: an empty buffer gives its memory back. */
    assert_null(b.data);
    sp_outbuf_free(&b);
    close(sv[0]);
    close(sv[1]);
}

static void test_closed_peer_is_an_error(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    close(sv[1]);
    sp_outbuf b = { 0 };
    queue(&b, "x", 1);
    assert_int_equal(sp_outbuf_flush(&b, sv[0], 4096), -1);
    assert_int_equal(errno, EPIPE);
    assert_int_equal(sp_outbuf_pending(&b), 1);
    sp_outbuf_free(&b);
    close(sv[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_come_out_in_order),
        cmocka_unit_test(test_full_socket_keeps_the_rest),
        cmocka_unit_test(test_closed_peer_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
