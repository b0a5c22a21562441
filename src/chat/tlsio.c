/* TLS results turned into what the chat code already speaks: an outbuf
 * writer with errno, and loop events. */
#include "sockpit/chat/tlsio.h"

#include <errno.h>

#include "sockpit/core/loop.h"

long sp_chat_tls_writer(void *ud, const char *p, size_t n)
{
    sp_chat_tls *x = ud;
    size_t w;
    sp_tls_status st = sp_tls_write(x->t, p, n, &w);
    x->write_wants_read = st == SP_TLS_WANT_READ;
    switch (st) {
    case SP_TLS_DONE: return (long)w;
    case SP_TLS_WANT_READ:
    case SP_TLS_WANT_WRITE: errno = EAGAIN; return -1;
    case SP_TLS_EOF: errno = EPIPE; return -1;
    case SP_TLS_FAIL: break;
    }
    errno = EPROTO;
    return -1;
}

sp_tls_status sp_chat_tls_read(sp_chat_tls *x, void *buf, size_t len, size_t *n)
{
    sp_tls_status st = sp_tls_read(x->t, buf, len, n);
    x->read_wants_write = st == SP_TLS_WANT_WRITE;
    return st;
}

unsigned sp_chat_tls_events(const sp_chat_tls *x, bool out_blocked)
{
    unsigned ev = SP_IO_READ;
    if ((out_blocked && !x->write_wants_read) || x->read_wants_write)
        ev |= SP_IO_WRITE;
    return ev;
}

void sp_chat_tls_end(sp_chat_tls *x)
{
    if (x->t) {
        sp_tls_close(x->t);
        sp_tls_free(x->t);
    }
    *x = (sp_chat_tls){ 0 };
}
