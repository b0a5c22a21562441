/* Incremental frame decoder and encoder. A frame that arrives whole in one
 * read is returned in place (no copy); only frames split across reads are
 * assembled, in a buffer that grows with the bytes actually received so a
 * peer claiming 1 MiB and sending nothing costs nothing. */
#include "sockpit/chat/frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"

/* A small assembly buffer is kept between frames; a big one is returned. */
#define KEEP_BUF 4096

void sp_frame_decoder_init(sp_frame_decoder *d, uint32_t max)
{
    memset(d, 0, sizeof *d);
    d->max = max;
}

void sp_frame_decoder_free(sp_frame_decoder *d)
{
    free(d->buf);
    d->buf = NULL;
    d->cap = d->have = d->need = 0;
}

size_t sp_frame_pending(const sp_frame_decoder *d) { return d->hdr_have + d->have; }

void sp_frame_header(uint32_t len, unsigned char out[SP_FRAME_HEADER])
{
    out[0] = (unsigned char)len;
    out[1] = (unsigned char)(len >> 8);
    out[2] = (unsigned char)(len >> 16);
    out[3] = (unsigned char)(len >> 24);
}

size_t sp_frame_encode(const char *payload, size_t len, char *out)
{
    sp_frame_header((uint32_t)len, (unsigned char *)out);
    if (len)
        memcpy(out + SP_FRAME_HEADER, payload, len);
    return len + SP_FRAME_HEADER;
}

static int check_length(sp_frame_decoder *d, const unsigned char *h)
{
    uint32_t u = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
    int32_t n = (int32_t)u;
    if (n < 0) {
        snprintf(d->err, sizeof d->err, "negative frame length %ld", (long)n);
        d->failed = 1;
        return -1;
    }
    if ((uint32_t)n > d->max) {
        snprintf(d->err, sizeof d->err, "frame length %ld exceeds limit %lu", (long)n, (unsigned long)d->max);
        d->failed = 1;
        return -1;
    }
    d->need = (uint32_t)n;
    return 0;
}

sp_frame_status sp_frame_decode(sp_frame_decoder *d, const char *in, size_t len, size_t *used,
                                const char **payload, size_t *plen)
{
    size_t i = 0;
    *used = 0;
    if (d->failed)
        return SP_FRAME_ERROR;
    if (d->hdr_have == 0 && d->have == 0 && d->buf && d->cap > KEEP_BUF)
        sp_frame_decoder_free(d);
    /* Fast path: a whole frame at the start of the input. */
    if (d->hdr_have == 0 && len >= SP_FRAME_HEADER) {
        if (check_length(d, (const unsigned char *)in) < 0)
            return SP_FRAME_ERROR;
        if (len - SP_FRAME_HEADER >= d->need) {
            *payload = in + SP_FRAME_HEADER;
            *plen = d->need;
            *used = SP_FRAME_HEADER + d->need;
            d->need = 0;
            return SP_FRAME_READY;
        }
        memcpy(d->hdr, in, SP_FRAME_HEADER);
        d->hdr_have = SP_FRAME_HEADER;
        i = SP_FRAME_HEADER;
    }
    while (d->hdr_have < SP_FRAME_HEADER && i < len) {
        d->hdr[d->hdr_have++] = (unsigned char)in[i++];
        if (d->hdr_have == SP_FRAME_HEADER && check_length(d, d->hdr) < 0) {
            *used = i;
            return SP_FRAME_ERROR;
        }
    }
    if (d->hdr_have < SP_FRAME_HEADER) {
        *used = i;
        return SP_FRAME_MORE;
    }
    size_t take = len - i;
    if (take > d->need - d->have)
        take = d->need - d->have;
    if (take) {
        SP_GROW(d->buf, d->cap, d->have + take);
        memcpy(d->buf + d->have, in + i, take);
        d->have += (uint32_t)take;
        i += take;
    }
    *used = i;
    if (d->have < d->need)
        return SP_FRAME_MORE;
    *payload = d->buf ? d->buf : "";
    *plen = d->need;
    d->hdr_have = 0;
    d->have = d->need = 0;
    return SP_FRAME_READY;
}
