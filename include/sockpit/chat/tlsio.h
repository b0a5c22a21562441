/* The chat client's and server's side of a TLS connection (tls.h does the
 * protocol): the handshake state, and which way each blocked call waits, so
 * the loop watches the right events (a read may need to write, a write may
 * need to read). */
#ifndef SOCKPIT_CHAT_TLSIO_H
#define SOCKPIT_CHAT_TLSIO_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/tls/tls.h"

typedef struct sp_chat_tls {
    sp_tls *t;              /* NULL: plain TCP */
    bool ready;             /* the handshake completed */
    bool read_wants_write;  /* the last read waits for the socket to be writable */
    bool write_wants_read;  /* the last write waits for the peer's bytes */
} sp_chat_tls;

/* An sp_outbuf_write_fn for sp_outbuf_flush_with (ud: the sp_chat_tls). */
long sp_chat_tls_writer(void *ud, const char *p, size_t n);
/* Reads through TLS, noting when the read waits for writability. */
sp_tls_status sp_chat_tls_read(sp_chat_tls *x, void *buf, size_t len, size_t *n);
/* The loop events to watch: read always; write when output waits for it
 * or a read does. out_blocked: output is queued and the socket took no more. */
unsigned sp_chat_tls_events(const sp_chat_tls *x, bool out_blocked);
/* close_notify (best effort) and free; the fd stays open. */
void sp_chat_tls_end(sp_chat_tls *x);

#endif
