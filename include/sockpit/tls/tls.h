/* TLS over a non-blocking socket, driven by the one event loop. OpenSSL does the
 * protocol; this wrapper turns its results into want-read/want-write for the loop
 * and its failures into one line a user can act on.
 *
 * Both ends: TLS 1.2 or later, no renegotiation, a TCP close without
 * close_notify is an ordinary EOF. Nothing here blocks and nothing has a timer:
 * a handshake that never ends is the caller's timeout ("handshake timed out").
 * Driving a connection: call sp_tls_handshake until SP_TLS_DONE, waiting on the
 * fd for what each WANT_* names (a read may want a write and the other way
 * round); then sp_tls_read/sp_tls_write. A write that returned WANT_* is called
 * again with the same bytes (the buffer may move); *n says how many were taken.
 * After a read, sp_tls_pending() bytes may already be decrypted: read them
 * before waiting on the fd. Writes never raise SIGPIPE (MSG_NOSIGNAL).
 *
 * Verification (client): the chain against the system store or ca_file, and
 * host (a DNS name, or an IP literal matched against IP SANs). VERIFY ends the
 * handshake on the first problem with its reason in sp_tls_error(); REPORT and
 * INSECURE complete it, and sp_tls_peer_info() tells the verdict in either
 * (INSECURE only stops it from being enforced). */
#ifndef SOCKPIT_TLS_TLS_H
#define SOCKPIT_TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct sp_tls_ctx sp_tls_ctx;
typedef struct sp_tls sp_tls;

typedef enum {
    SP_TLS_VERIFY,   /* the handshake fails unless chain and host verify (chat client) */
    SP_TLS_REPORT,   /* the handshake completes; the verdict is recorded (probe) */
    SP_TLS_INSECURE, /* no verification (--tls-insecure) */
} sp_tls_verify_mode;

/* ca_file NULL: the system store. NULL on failure, with a one-line reason in err. */
sp_tls_ctx *sp_tls_client_ctx(const char *ca_file, sp_tls_verify_mode mode, char *err, size_t errlen);
/* TLS 1.2 and later; PEM certificate chain and key. */
sp_tls_ctx *sp_tls_server_ctx(const char *cert_file, const char *key_file, char *err, size_t errlen);
void sp_tls_ctx_free(sp_tls_ctx *ctx);

/* fd: a connected non-blocking stream socket; the connection never owns it. host: sent as SNI and verified (an IP literal is
 * matched against IP SANs and not sent as SNI); NULL for neither. */
sp_tls *sp_tls_client(sp_tls_ctx *ctx, int fd, const char *host);
sp_tls *sp_tls_server(sp_tls_ctx *ctx, int fd);
void sp_tls_free(sp_tls *t);

typedef enum {
    SP_TLS_DONE,       /* handshake complete, or *n bytes moved */
    SP_TLS_WANT_READ,  /* call again when fd is readable */
    SP_TLS_WANT_WRITE, /* call again when fd is writable */
    SP_TLS_EOF,        /* the peer closed (close_notify or TCP EOF) */
    SP_TLS_FAIL,       /* sp_tls_error() says why */
} sp_tls_status;

sp_tls_status sp_tls_handshake(sp_tls *t);
sp_tls_status sp_tls_read(sp_tls *t, void *buf, size_t len, size_t *n);
sp_tls_status sp_tls_write(sp_tls *t, const void *buf, size_t len, size_t *n);
/* Decrypted bytes held inside OpenSSL: read them before waiting on fd again. */
size_t sp_tls_pending(const sp_tls *t);
/* Sends close_notify once, best effort; never blocks. */
void sp_tls_close(sp_tls *t);
/* One line, e.g. "certificate has expired (notAfter 2026-01-01)" or
 * "the peer does not speak TLS (plain text?)"; "" when nothing failed. After
 * SP_TLS_EOF from sp_tls_handshake it says the peer closed mid-handshake. */
const char *sp_tls_error(const sp_tls *t);

/* What the peer's certificate says; strings are raw (escape before display). */
typedef struct {
    char subject[256];
    char issuer[256];
    char **sans; /* "DNS:name", "IP:addr" */
    size_t nsans;
    time_t not_before, not_after;
    char sha256[96]; /* "AB:CD:..." */
    char protocol[16];
    char cipher[64];
    bool self_signed;
    bool verified;          /* chain and host both verified */
    char verify_reason[160]; /* "" when verified */
    /* The client gave a host and the certificate does not name it, found by
     * OpenSSL's matcher (RFC 6125 wildcards, IP SANs) whatever else failed
     * first: a scanner's "wrong host" next to "self-signed" or "expired". */
    bool host_mismatch;
} sp_cert_info;

/* After the handshake (or after VERIFY refused the certificate: then the fields
 * of the refused certificate, with verified false); false when the peer sent no
 * certificate (a server's client). Free with sp_cert_info_free. */
bool sp_tls_peer_info(const sp_tls *t, sp_cert_info *out);
/* Parses one DER certificate: the certificate's own fields (protocol, cipher
 * and the verdict stay empty/false). False on anything else. Pure: no I/O. */
bool sp_cert_info_from_der(const unsigned char *der, size_t len, sp_cert_info *out);
void sp_cert_info_free(sp_cert_info *ci);

#endif
