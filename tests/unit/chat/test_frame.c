/* The frame codec: byte order, limits and their exact messages, every way
 * of splitting the input, and a randomized stream fuzz. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sockpit/chat/frame.h"

typedef struct got {
    char *data[4096];
    size_t len[4096];
    size_t n;
} got;

static sp_frame_status feed(sp_frame_decoder *d, const char *in, size_t len, got *g)
{
    size_t off = 0;
    while (off < len) {
        size_t used, plen;
        const char *p;
        sp_frame_status st = sp_frame_decode(d, in + off, len - off, &used, &p, &plen);
        off += used;
        if (st == SP_FRAME_ERROR)
            return st;
        if (st == SP_FRAME_MORE) {
            assert_int_equal(off, len);
            break;
        }
        assert_true(g->n < 4096);
        g->data[g->n] = malloc(plen + 1);
        memcpy(g->data[g->n], p, plen);
        g->len[g->n++] = plen;
    }
    return SP_FRAME_MORE;
}

static void got_free(got *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->data[i]);
    g->n = 0;
}

static void test_header_is_little_endian(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(sp_frame_encode("hello", 5, out), 9);
    assert_memory_equal(out, "\x05\x00\x00\x00hello", 9);
    unsigned char h[4];
    sp_frame_header(0x01020304, h);
    assert_memory_equal(h, "\x04\x03\x02\x01", 4);
}

static void test_empty_frame(void **state)
{
    (void)state;
    sp_frame_decoder d;
    sp_frame_decoder_init(&d, 100);
    got g = { 0 };
    feed(&d, "\0\0\0\0\0\0\0\0", 8, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.len[0], 0);
    got_free(&g);
    sp_frame_decoder_free(&d);
}

static void test_negative_length(void **state)
{
    (void)state;
    sp_frame_decoder d;
    sp_frame_decoder_init(&d, 1048576);
    got g = { 0 };
    assert_int_equal(feed(&d, "\xfb\xff\xff\xff", 4, &g), SP_FRAME_ERROR);
    assert_string_equal(d.err, "negative frame length -5");
    /* It stays failed. */
    assert_int_equal(feed(&d, "\0\0\0\0", 4, &g), SP_FRAME_ERROR);
    sp_frame_decoder_free(&d);
}

static void test_over_limit(void **state)
{
    (void)state;
    sp_frame_decoder d;
    sp_frame_decoder_init(&d, 1048576);
    got g = { 0 };
    /* Byte by byte, so the slow path reports it too. */
    const char *h = "\xff\xff\xff\x7f";
    sp_frame_status st = SP_FRAME_MORE;
    for (int i = 0; i < 4 && st != SP_FRAME_ERROR; i++)
        st = feed(&d, h + i, 1, &g);
    assert_int_equal(st, SP_FRAME_ERROR);
    assert_string_equal(d.err, "frame length 2147483647 exceeds limit 1048576");
    sp_frame_decoder_free(&d);

    /* Exactly the limit is fine, one more is not. */
    char buf[4 + 10];
    sp_frame_decoder_init(&d, 10);
    sp_frame_encode("0123456789", 10, buf);
    assert_int_equal(feed(&d, buf, sizeof buf, &g), SP_FRAME_MORE);
    assert_int_equal(g.n, 1);
    got_free(&g);
    sp_frame_decoder_free(&d);
    sp_frame_decoder_init(&d, 9);
    assert_int_equal(feed(&d, buf, sizeof buf, &g), SP_FRAME_ERROR);
    assert_string_equal(d.err, "frame length 10 exceeds limit 9");
    sp_frame_decoder_free(&d);
}

/* Three frames, cut at every pair of points. */
static void test_every_split(void **state)
{
    (void)state;
    char stream[64];
    size_t n = 0;
    n += sp_frame_encode("ab", 2, stream + n);
    n += sp_frame_encode("", 0, stream + n);
    n += sp_frame_encode("\xe4\xbd\xa0\xe5\xa5\xbd", 6, stream + n);
    for (size_t a = 0; a <= n; a++) {
        for (size_t b = a; b <= n; b++) {
            sp_frame_decoder d;
            sp_frame_decoder_init(&d, 100);
            got g = { 0 };
            feed(&d, stream, a, &g);
            feed(&d, stream + a, b - a, &g);
            feed(&d, stream + b, n - b, &g);
            assert_int_equal(g.n, 3);
            assert_int_equal(g.len[0], 2);
            assert_memory_equal(g.data[0], "ab", 2);
            assert_int_equal(g.len[1], 0);
            assert_int_equal(g.len[2], 6);
            assert_memory_equal(g.data[2], "\xe4\xbd\xa0\xe5\xa5\xbd", 6);
            assert_int_equal(sp_frame_pending(&d), 0);
            got_free(&g);
            sp_frame_decoder_free(&d);
        }
    }
}

static void test_one_byte_at_a_time(void **state)
{
    (void)state;
    char stream[300];
    char payload[200];
    for (int i = 0; i < 200; i++)
        payload[i] = (char)('a' + i % 26);
    size_t n = sp_frame_encode(payload, 200, stream);
    sp_frame_decoder d;
    sp_frame_decoder_init(&d, 1000);
    got g = { 0 };
    for (size_t i = 0; i < n; i++) {
        feed(&d, stream + i, 1, &g);
        assert_int_equal(g.n, i + 1 == n ? 1 : 0);
    }
    assert_memory_equal(g.data[0], payload, 200);
    got_free(&g);
    sp_frame_decoder_free(&d);
}

/* A claimed length costs nothing until the bytes come. */
static void test_memory_follows_bytes(void **state)
{
    (void)state;
    sp_frame_decoder d;
    sp_frame_decoder_init(&d, 1048576);
    got g = { 0 };
    unsigned char h[4];
    sp_frame_header(1048576, h);
    feed(&d, (const char *)h, 4, &g);
    assert_true(d.cap == 0);
    feed(&d, "xyz", 3, &g);
    assert_true(d.cap <= 256);
    sp_frame_decoder_free(&d);
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

/* Random frames in random splits decode to exactly what was encoded. */
static void test_fuzz_roundtrip(void **state)
{
    (void)state;
    for (int round = 0; round < 300; round++) {
        size_t nframes = 1 + rnd() % 40;
        char *stream = malloc(nframes * (4 + 3000));
        char **want = calloc(nframes, sizeof *want);
        size_t *wlen = calloc(nframes, sizeof *wlen);
        size_t n = 0;
        for (size_t f = 0; f < nframes; f++) {
            wlen[f] = rnd() % 4 == 0 ? 0 : rnd() % 3000;
            want[f] = malloc(wlen[f] + 1);
            for (size_t i = 0; i < wlen[f]; i++)
                want[f][i] = (char)rnd();
            n += sp_frame_encode(want[f], wlen[f], stream + n);
        }
        sp_frame_decoder d;
        sp_frame_decoder_init(&d, 3000);
        got g = { 0 };
        size_t off = 0;
        while (off < n) {
            size_t chunk = 1 + rnd() % (rnd() % 2 ? 7 : 9000);
            if (chunk > n - off)
                chunk = n - off;
            assert_int_equal(feed(&d, stream + off, chunk, &g), SP_FRAME_MORE);
            off += chunk;
        }
        assert_int_equal(g.n, nframes);
        for (size_t f = 0; f < nframes; f++) {
            assert_int_equal(g.len[f], wlen[f]);
            if (wlen[f])
                assert_memory_equal(g.data[f], want[f], wlen[f]);
            free(want[f]);
        }
        got_free(&g);
        sp_frame_decoder_free(&d);
        free(want);
        free(wlen);
        free(stream);
    }
}

/* Garbage never crashes: it yields frames within the limit, or an error. */
static void test_fuzz_garbage(void **state)
{
    (void)state;
    char buf[4096];
    for (int round = 0; round < 2000; round++) {
        size_t n = rnd() % sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)(rnd() % 3 ? rnd() % 8 : rnd());
        sp_frame_decoder d;
        sp_frame_decoder_init(&d, 1 + rnd() % 64);
        size_t off = 0;
        while (off < n) {
            size_t used, plen;
            const char *p;
            size_t chunk = 1 + rnd() % 100;
            if (chunk > n - off)
                chunk = n - off;
            sp_frame_status st = sp_frame_decode(&d, buf + off, chunk, &used, &p, &plen);
            assert_true(used <= chunk);
            off += used;
            if (st == SP_FRAME_ERROR) {
                assert_true(strstr(d.err, "negative") || strstr(d.err, "exceeds limit"));
                break;
            }
            if (st == SP_FRAME_READY)
                assert_true(plen <= d.max);
        }
        sp_frame_decoder_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_is_little_endian),
        cmocka_unit_test(test_empty_frame),
        cmocka_unit_test(test_negative_length),
        cmocka_unit_test(test_over_limit),
        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_one_byte_at_a_time),
        cmocka_unit_test(test_memory_follows_bytes),
        cmocka_unit_test(test_fuzz_roundtrip),
        cmocka_unit_test(test_fuzz_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
