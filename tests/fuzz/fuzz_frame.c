/* The chat frame decoder fed one byte stream in random splits.
 *
 * Input: byte 0 picks the decoder's limit, bytes 1-4 seed the splits, the
 * rest is the stream. Each chunk is a separate heap copy so a read past its
 * end trips ASan. The decoder must give exactly what a plain reading of the
 * whole stream gives: the same payloads in order; an error exactly at the
 * first header whose length is negative or above the limit, with the
 * documented message; afterwards only errors; and at the end the bytes of
 * the unfinished frame as pending. Its buffer may grow with the bytes of a
 * frame received, never with a frame's claimed length. The encoder must
 * rebuild the stream's whole frames byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/chat/frame.h"

#define KEEP_BUF 4096 /* what frame.c keeps between frames */

static const uint32_t limits[] = { 0, 1, 3, 4, 5, 16, 255, 256, 1000, 4096, 65536, 1u << 20, 0x7fffffff, 0xffffffff };

typedef struct ref {
    size_t nframes;
    size_t *off, *len;     /* payload offsets and lengths in the stream */
    size_t consumed;       /* bytes of whole frames */
    int error;             /* a bad header follows the whole frames */
    char err[80];
} ref;

/* The plain reading: header by header over the whole stream. */
static void read_ref(const unsigned char *s, size_t n, uint32_t max, ref *r)
{
    size_t pos = 0;
    memset(r, 0, sizeof *r);
    r->off = malloc((n / 4 + 1) * sizeof *r->off);
    r->len = malloc((n / 4 + 1) * sizeof *r->len);
    if (!r->off || !r->len)
        abort();
    while (n - pos >= 4) {
        int64_t v = (int64_t)(int32_t)((uint32_t)s[pos] | (uint32_t)s[pos + 1] << 8 | (uint32_t)s[pos + 2] << 16 |
                                       (uint32_t)s[pos + 3] << 24);
        if (v < 0) {
            snprintf(r->err, sizeof r->err, "negative frame length %lld", (long long)v);
            r->error = 1;
            return;
        }
        if ((uint64_t)v > max) {
            snprintf(r->err, sizeof r->err, "frame length %lld exceeds limit %llu", (long long)v,
                     (unsigned long long)max);
            r->error = 1;
            return;
        }
        if (n - pos - 4 < (size_t)v)
            return;
        r->off[r->nframes] = pos + 4;
        r->len[r->nframes++] = (size_t)v;
        pos += 4 + (size_t)v;
        r->consumed = pos;
    }
}

static uint32_t next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* A chunk length: single bytes, tiny, small or anything, mixed. */
static size_t chunk_len(uint32_t *rng, size_t left)
{
    uint32_t r = next_rand(rng);
    size_t n;
    switch (r & 3) {
    case 0: n = 1; break;
    case 1: n = 1 + (r >> 2) % 4; break;
    case 2: n = 1 + (r >> 2) % 64; break;
    default: n = 1 + (r >> 2) % (left ? left : 1); break;
    }
    return n < left ? n : left;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    uint32_t max = limits[data[0] % (sizeof limits / sizeof limits[0])];
    uint32_t rng = ((uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24) |
                   1u;
    const unsigned char *s = data + 5;
    size_t n = size - 5;

    ref r;
    read_ref(s, n, max, &r);

    sp_frame_decoder d;
    sp_frame_decoder_init(&d, max);
    size_t pos = 0, got = 0;
    int failed = 0;
    while (pos < n) {
        /* Now and then an empty read, which must change nothing. */
        size_t clen = (next_rand(&rng) & 15) == 0 ? 0 : chunk_len(&rng, n - pos);
        /* An exact-size heap copy: ASan sees any read beyond the chunk. */
        char *chunk = malloc(clen ? clen : 1);
        if (!chunk)
            abort();
        memcpy(chunk, s + pos, clen);
        size_t off = 0;
        for (;;) {
            size_t used = 12345, plen = 0;
            const char *p = NULL;
            sp_frame_status st = sp_frame_decode(&d, chunk + off, clen - off, &used, &p, &plen);
            if (failed) {
                if (st != SP_FRAME_ERROR || used != 0)
                    abort(); /* a failed decoder stays failed and takes nothing */
                break;
            }
            if (used > clen - off)
                abort();
            if (st == SP_FRAME_ERROR) {
                /* Only where the plain reading finds the bad header, after
                 * every whole frame before it, with the same message. */
                if (!r.error || got != r.nframes || strcmp(d.err, r.err) != 0)
                    abort();
                failed = 1;
                break;
            }
            off += used;
            if (st == SP_FRAME_MORE) {
                if (off != clen)
                    abort(); /* MORE means all input was used */
                break;
            }
            if (st != SP_FRAME_READY || got >= r.nframes || plen != r.len[got] ||
                (plen && memcmp(p, s + r.off[got], plen) != 0))
                abort();
            got++;
            if (off == clen)
                break;
        }
        free(chunk);
        pos += clen;
        if (failed)
            break;
        /* Inside a frame the buffer holds no more than twice the bytes
         * received so far, or what was kept from an earlier frame. */
        if ((d.hdr_have || d.have) && d.cap > KEEP_BUF && d.cap > 2 * (size_t)d.have)
            abort();
    }
    if (!failed) {
        /* Everything read: the whole frames came out, the rest is pending,
         * unless the stream ends in a bad header the decoder must report. */
        if (got != r.nframes)
            abort();
        if (r.error)
            abort(); /* a complete bad header was never reported */
        if (sp_frame_pending(&d) != n - r.consumed)
            abort();
    }
    sp_frame_decoder_free(&d);

    /* The encoder rebuilds the whole frames exactly. */
    if (r.nframes) {
        char *out = malloc(r.consumed);
        if (!out)
            abort();
        size_t w = 0;
        for (size_t i = 0; i < r.nframes; i++)
            w += sp_frame_encode((const char *)s + r.off[i], r.len[i], out + w);
        if (w != r.consumed || memcmp(out, s, w) != 0)
            abort();
        free(out);
    }
    free(r.off);
    free(r.len);
    return 0;
}
