/* Output queue of a non-blocking socket. */
#include "sockpit/core/outbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockpit/core/mem.h"

char *sp_outbuf_reserve(sp_outbuf *b, size_t more)
{
    size_t pending = b->len - b->off;
    if (b->off && b->len + more > b->cap) {
        memmove(b->data, b->data + b->off, pending);
        b->off = 0;
        b->len = pending;
    }
    if (b->len + more > b->cap || !b->data)
        SP_GROW(b->data, b->cap, b->len + more > 256 ? b->len + more : 256);
    return b->data + b->len;
}

void sp_outbuf_commit(sp_outbuf *b, size_t n) { b->len += n; }

size_t sp_outbuf_pending(const sp_outbuf *b) { return b->len - b->off; }

static long send_fd(void *ud, const char *p, size_t n)
{
    /* MSG_NOSIGNAL: a peer that went away is an error return here. */
    return (long)send(*(const int *)ud, p, n, MSG_NOSIGNAL);
}

int sp_outbuf_flush(sp_outbuf *b, int fd, size_t keep_cap) { return sp_outbuf_flush_with(b, send_fd, &fd, keep_cap); }

int sp_outbuf_flush_with(sp_outbuf *b, sp_outbuf_write_fn *fn, void *ud, size_t keep_cap)
{
    while (b->off < b->len) {
        long w = fn(ud, b->data + b->off, b->len - b->off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -1;
        }
        b->off += (size_t)w;
    }
    b->off = b->len = 0;
    if (b->cap > keep_cap) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
    return 1;
}

void sp_outbuf_free(sp_outbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
