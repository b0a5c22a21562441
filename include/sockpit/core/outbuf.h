/* Bytes queued for a non-blocking socket: reserve room, write into it,
 * commit, then flush as much as the socket takes now. The chat client and
 * server queue their frames this way. */
#ifndef SOCKPIT_OUTBUF_H
#define SOCKPIT_OUTBUF_H

#include <stddef.h>

typedef struct sp_outbuf {
    char *data;
    size_t off;  /* first byte not yet sent */
    size_t len;  /* end of the queued bytes */
    size_t cap;
} sp_outbuf;

/* Room for `more` bytes after those queued (moving the unsent ones to the
 * front first when that makes room). Returns where to write them. */
char *sp_outbuf_reserve(sp_outbuf *b, size_t more);
/* Queues n bytes written at the pointer sp_outbuf_reserve returned. */
void sp_outbuf_commit(sp_outbuf *b, size_t n);
size_t sp_outbuf_pending(const sp_outbuf *b);
/* Sends what is queued. Returns 1 when everything went out, 0 when the
 * socket is full (wait until it is writable), -1 with errno on an error.
 * Once empty, a buffer larger than keep_cap is freed. */
int sp_outbuf_flush(sp_outbuf *b, int fd, size_t keep_cap);
/* Writes up to n bytes somewhere (a TLS connection); returns how many, or
 * -1 with errno (EAGAIN: nothing can be taken now). */
typedef long sp_outbuf_write_fn(void *ud, const char *p, size_t n);
/* sp_outbuf_flush through fn. */
int sp_outbuf_flush_with(sp_outbuf *b, sp_outbuf_write_fn *fn, void *ud, size_t keep_cap);
void sp_outbuf_free(sp_outbuf *b);

#endif
