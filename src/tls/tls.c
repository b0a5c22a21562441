/* The TLS wrapper: OpenSSL contexts and connections over a caller's
 * non-blocking socket, with every failure turned into one line a user can act
 * on. The OpenSSL error queue is emptied before and after each call, so one
 * connection's error never shows up in another's message. */
#include "sockpit/tls/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"

/* SANs kept per certificate: enough for any real server's list, bounded for
 * a hostile one. */
#define SP_TLS_MAX_SANS 1024

struct sp_tls_ctx {
    SSL_CTX *ssl;
};

struct sp_tls {
    SSL *ssl;
    int fd;
    bool server;
    bool established; /* the handshake completed, through any of the calls */
    bool failed;
    bool closed;
    bool first_byte_seen;
    char host[256]; /* what was verified, for the mismatch message */
    bool host_is_ip;
    /* The first verification error, recorded by verify_cb. */
    bool verify_ran;
    int verify_err;
    int verify_depth;
    X509 *verify_cert;
    char err[256];
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above; a clang 14 false positive */
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* The library's text for the first error queued, or "unknown error". */
static const char *first_reason(void)
{
    unsigned long e = ERR_peek_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : "unknown error";
}

/* PEM files are small (the whole Mozilla bundle is 200 KiB); this bounds
 * what a wrong path can cost. */
#define SP_TLS_PEM_MAX (4u << 20)

/* Reads a PEM file through core's reader (which never blocks on a FIFO) into
 * a memory BIO; NULL with the reason in err. *pem keeps the bytes for a
 * look at what the file holds. */
static BIO *pem_file(const char *what, const char *path, char **pem, char *err, size_t errlen)
{
    size_t len;
    *pem = NULL;
    if (sp_read_file(AT_FDCWD, path, SP_TLS_PEM_MAX, SP_READ_REGULAR, pem, &len, NULL) != 0) {
        set_err(err, errlen, "cannot read the %s %s: %s", what, path, sp_read_error(errno, SP_TLS_PEM_MAX));
        return NULL;
    }
    BIO *b = BIO_new_mem_buf(*pem, (int)len);
    if (!b)
        sp_oom();
    return b;
}

static bool holds(const char *pem, const char *s)
{
    return strstr(pem, s) != NULL;
}

/* The end of a "not PEM" message: DER (a binary file starting with an ASN.1
 * SEQUENCE) is the usual mistake, and openssl converts it. */
static const char *der_hint(const char *pem, const char *kind)
{
    if ((unsigned char)pem[0] != 0x30)
        return "";
    return strcmp(kind, "key") == 0 ? "; it looks like DER: convert it with openssl pkey -inform der"
                                    : "; it looks like DER: convert it with openssl x509 -inform der";
}

static SSL_CTX *new_ctx(const SSL_METHOD *method)
{
    SSL_CTX *c = SSL_CTX_new(method);
    if (!c)
        sp_oom();
    SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
    /* No renegotiation (a peer cannot restart the handshake mid-stream);
     * a TCP close without close_notify is an ordinary end, as in plain text. */
    SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
    /* Writes report what they moved, the caller's buffer may move between
     * retries, and idle connections give their 34 KiB buffers back. */
    SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
    return c;
}

static int verify_cb(int ok, X509_STORE_CTX *sctx)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    sp_tls *t = ssl ? SSL_get_app_data(ssl) : NULL;
    if (!t)
        return ok;
    t->verify_ran = true;
    if (!ok && t->verify_err == X509_V_OK) {
        t->verify_err = X509_STORE_CTX_get_error(sctx);
        t->verify_depth = X509_STORE_CTX_get_error_depth(sctx);
        X509 *c = X509_STORE_CTX_get_current_cert(sctx);
        if (c && X509_up_ref(c))
            t->verify_cert = c;
    }
    /* Stopping at the first error keeps SSL_get_verify_result equal to it;
     * REPORT and INSECURE run with SSL_VERIFY_NONE, so it does not end the
     * handshake there. */
    return ok;
}

/* A key file must never make OpenSSL prompt for a passphrase on the
 * terminal: an encrypted key is an error. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* Adds every certificate of a PEM file to the context's trusted store. */
static bool load_ca(SSL_CTX *c, const char *ca_file, char *err, size_t errlen)
{
    char *pem;
    BIO *b = pem_file("CA file", ca_file, &pem, err, errlen);
    if (!b)
        return false;
    X509_STORE *store = SSL_CTX_get_cert_store(c);
    int added = 0;
    X509 *x;
    while ((x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL)) != NULL) {
        if (X509_STORE_add_cert(store, x) == 1)
            added++;
        X509_free(x);
    }
    ERR_clear_error();
    BIO_free(b);
    if (!added)
        set_err(err, errlen, "the CA file %s holds no PEM certificate (no -----BEGIN CERTIFICATE----- line%s)",
                ca_file, der_hint(pem, "cert"));
    free(pem);
    return added > 0;
}

sp_tls_ctx *sp_tls_client_ctx(const char *ca_file, sp_tls_verify_mode mode, char *err, size_t errlen)
{
    set_err(err, errlen, "%s", "");
    ERR_clear_error();
    SSL_CTX *c = new_ctx(TLS_client_method());
    if (ca_file) {
        if (!load_ca(c, ca_file, err, errlen)) {
            SSL_CTX_free(c);
            return NULL;
        }
    } else if (SSL_CTX_set_default_verify_paths(c) != 1) {
        set_err(err, errlen, "cannot load the system certificate store (%s)", first_reason());
        ERR_clear_error();
        SSL_CTX_free(c);
        return NULL;
    }
    SSL_CTX_set_verify(c, mode == SP_TLS_VERIFY ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, verify_cb);
    sp_tls_ctx *ctx = sp_xcalloc(1, sizeof *ctx);
    ctx->ssl = c;
    return ctx;
}

/* The first certificate is the server's, the rest its chain. */
static bool load_chain(SSL_CTX *c, const char *cert_file, char *err, size_t errlen)
{
    char *pem;
    BIO *b = pem_file("certificate file", cert_file, &pem, err, errlen);
    if (!b)
        return false;
    bool ok = false;
    X509 *x = PEM_read_bio_X509_AUX(b, NULL, no_passphrase, NULL);
    if (!x) {
        if (!holds(pem, "-----BEGIN "))
            set_err(err, errlen, "%s is not a PEM certificate (no -----BEGIN CERTIFICATE----- line%s)", cert_file,
                    der_hint(pem, "cert"));
        else if (!holds(pem, "-----BEGIN CERTIFICATE-----") && !holds(pem, "-----BEGIN TRUSTED CERTIFICATE-----"))
            set_err(err, errlen, "%s holds no certificate (a PEM file without -----BEGIN CERTIFICATE-----)",
                    cert_file);
        else
            set_err(err, errlen, "cannot load the certificate %s (%s)", cert_file, first_reason());
        goto out;
    }
    if (SSL_CTX_use_certificate(c, x) != 1) {
        if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_EE_KEY_TOO_SMALL)
            set_err(err, errlen, "the key of the certificate %s is too weak (%d bits; use EC P-256 or RSA 2048+)",
                    cert_file, EVP_PKEY_get_bits(X509_get0_pubkey(x)));
        else
            set_err(err, errlen, "cannot use the certificate %s (%s)", cert_file, first_reason());
        X509_free(x);
        goto out;
    }
    X509_free(x);
    SSL_CTX_clear_chain_certs(c);
    while ((x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL)) != NULL) {
        if (SSL_CTX_add0_chain_cert(c, x) != 1) {
            X509_free(x);
            set_err(err, errlen, "cannot use the chain in %s (%s)", cert_file, first_reason());
            goto out;
        }
    }
    ok = true;
out:
    ERR_clear_error(); /* the loop above ends on "no start line" */
    BIO_free(b);
    free(pem);
    return ok;
}

static bool load_key(SSL_CTX *c, const char *key_file, const char *cert_file, char *err, size_t errlen)
{
    char *pem;
    BIO *b = pem_file("key file", key_file, &pem, err, errlen);
    if (!b)
        return false;
    bool ok = false;
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
    if (!k) {
        if (!holds(pem, "-----BEGIN "))
            set_err(err, errlen, "%s is not a PEM private key (no -----BEGIN PRIVATE KEY----- line%s)", key_file,
                    der_hint(pem, "key"));
        else if (holds(pem, "ENCRYPTED"))
            set_err(err, errlen, "the key %s is encrypted (decrypt it with: openssl pkey -in %s -out NEW.key)",
                    key_file, key_file);
        else if (!holds(pem, "PRIVATE KEY-----"))
            set_err(err, errlen, "%s holds no private key (a PEM file without -----BEGIN PRIVATE KEY-----)",
                    key_file);
        else
            set_err(err, errlen, "cannot load the key %s (%s)", key_file, first_reason());
    } else if (SSL_CTX_use_PrivateKey(c, k) != 1 || SSL_CTX_check_private_key(c) != 1) {
        set_err(err, errlen, "the key %s does not match the certificate %s", key_file, cert_file);
    } else {
        ok = true;
    }
    EVP_PKEY_free(k);
    ERR_clear_error();
    BIO_free(b);
    free(pem);
    return ok;
}

sp_tls_ctx *sp_tls_server_ctx(const char *cert_file, const char *key_file, char *err, size_t errlen)
{
    set_err(err, errlen, "%s", "");
    ERR_clear_error();
    SSL_CTX *c = new_ctx(TLS_server_method());
    if (!load_chain(c, cert_file, err, errlen) || !load_key(c, key_file, cert_file, err, errlen)) {
        ERR_clear_error();
        SSL_CTX_free(c);
        return NULL;
    }
    /* No client certificates are asked for. No session resumption either:
     * our clients never resume, and a server cache or TLS 1.3 tickets would
     * cost memory per connection (10,000 idle ones) and work per handshake. */
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(c, 0);
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    /* The file's chain is sent as it is, never completed from a store. */
    SSL_CTX_set_mode(c, SSL_MODE_NO_AUTO_CHAIN);
    sp_tls_ctx *ctx = sp_xcalloc(1, sizeof *ctx);
    ctx->ssl = c;
    return ctx;
}

void sp_tls_ctx_free(sp_tls_ctx *ctx)
{
    if (!ctx)
        return;
    SSL_CTX_free(ctx->ssl);
    free(ctx);
}

/* The connection's socket BIO: OpenSSL's own writes with write(2), which
 * raises SIGPIPE on a closed peer; this one sends with MSG_NOSIGNAL, so the
 * library is safe whatever the process does with the signal. */
static int bio_write(BIO *b, const char *buf, size_t len, size_t *written)
{
    const sp_tls *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            BIO_set_retry_write(b);
        return 0;
    }
    *written = (size_t)n;
    return 1;
}

static int bio_read(BIO *b, char *buf, size_t len, size_t *readbytes)
{
    const sp_tls *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t n = recv(t->fd, buf, len, 0);
    if (n > 0) {
        *readbytes = (size_t)n;
        return 1;
    }
    if (n == 0)
        BIO_set_flags(b, BIO_FLAGS_IN_EOF); /* BIO_eof: how OpenSSL tells EOF from an error */
    else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        BIO_set_retry_read(b);
    return 0;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num;
    const sp_tls *t = BIO_get_data(b);
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_EOF:
        return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
    case BIO_C_GET_FD:
        if (ptr)
            *(int *)ptr = t->fd;
        return t->fd;
    default:
        return 0;
    }
}

static int bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

/* Made once and kept for the life of the process. */
static BIO_METHOD *bio_method(void)
{
    static BIO_METHOD *m;
    if (!m) {
        m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "sockpit socket");
        if (!m || !BIO_meth_set_write_ex(m, bio_write) || !BIO_meth_set_read_ex(m, bio_read) ||
            !BIO_meth_set_ctrl(m, bio_ctrl) || !BIO_meth_set_create(m, bio_create))
            sp_oom();
    }
    return m;
}

static sp_tls *new_conn(sp_tls_ctx *ctx, int fd, bool server)
{
    sp_tls *t = sp_xcalloc(1, sizeof *t);
    t->ssl = SSL_new(ctx->ssl);
    BIO *b = BIO_new(bio_method());
    if (!t->ssl || !b)
        sp_oom();
    BIO_set_data(b, t);
    SSL_set_bio(t->ssl, b, b);
    SSL_set_app_data(t->ssl, t);
    t->fd = fd;
    t->server = server;
    t->verify_err = X509_V_OK;
    return t;
}

/* An address literal, bare or in brackets, into buf without the brackets
 * or an IPv6 zone (certificates name no zones). */
static bool ip_literal(const char *host, char *buf, size_t len)
{
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    }
    if (n >= len)
        return false;
    memcpy(buf, host, n);
    buf[n] = '\0';
    unsigned char a[16];
    if (inet_pton(AF_INET, buf, a) == 1)
        return true;
    char *zone = strchr(buf, '%');
    if (zone)
        *zone = '\0';
    return inet_pton(AF_INET6, buf, a) == 1;
}

sp_tls *sp_tls_client(sp_tls_ctx *ctx, int fd, const char *host)
{
    sp_tls *t = new_conn(ctx, fd, false);
    SSL_set_connect_state(t->ssl);
    if (host && *host) {
        char ip[64];
        if (ip_literal(host, ip, sizeof ip)) {
            t->host_is_ip = true;
            snprintf(t->host, sizeof t->host, "%s", ip);
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), ip);
        } else {
            snprintf(t->host, sizeof t->host, "%s", host);
            size_t n = strlen(t->host);
            if (n > 1 && t->host[n - 1] == '.')
                t->host[n - 1] = '\0'; /* SNI never carries the root's dot */
            SSL_set_tlsext_host_name(t->ssl, t->host);
            SSL_set_hostflags(t->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            SSL_set1_host(t->ssl, t->host);
        }
    }
    ERR_clear_error();
    return t;
}

sp_tls *sp_tls_server(sp_tls_ctx *ctx, int fd)
{
    sp_tls *t = new_conn(ctx, fd, true);
    SSL_set_accept_state(t->ssl);
    ERR_clear_error();
    return t;
}

void sp_tls_free(sp_tls *t)
{
    if (!t)
        return;
    SSL_free(t->ssl);
    X509_free(t->verify_cert);
    free(t);
    ERR_clear_error();
}

static void date_of(const ASN1_TIME *at, char *buf, size_t len)
{
    struct tm tm;
    if (!at || ASN1_TIME_to_tm(at, &tm) != 1 || strftime(buf, len, "%Y-%m-%d", &tm) == 0)
        snprintf(buf, len, "?");
}

/* The subject's or issuer's one-line form, readable UTF-8 kept as it is. */
static void name_line(const X509_NAME *name, char *buf, size_t len)
{
    buf[0] = '\0';
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        sp_oom();
    if (name && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        int n = BIO_read(b, buf, (int)len - 1);
        buf[n > 0 ? n : 0] = '\0';
    }
    BIO_free(b);
}

/* The names a certificate is for, without "DNS:"/"IP:", as "a, b (+3 more)",
 * or its CN when it has no SAN. */
static void names_for(X509 *x, char *buf, size_t len)
{
    buf[0] = '\0';
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int n = gens ? sk_GENERAL_NAME_num(gens) : 0, shown = 0, total = 0;
    for (int i = 0; i < n; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        char one[256] = "";
        if (g->type == GEN_DNS) {
            const ASN1_IA5STRING *s = g->d.dNSName;
            snprintf(one, sizeof one, "%.*s", s->length, (const char *)s->data);
        } else if (g->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *s = g->d.iPAddress;
            if (s->length == 4 || s->length == 16)
                inet_ntop(s->length == 4 ? AF_INET : AF_INET6, s->data, one, sizeof one);
        }
        if (!one[0])
            continue;
        total++;
        if (shown < 3) {
            size_t used = strlen(buf);
            snprintf(buf + used, len - used, "%s%s", shown ? ", " : "", one);
            shown++;
        }
    }
    GENERAL_NAMES_free(gens);
    if (total > shown) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, " (+%d more)", total - shown);
    }
    if (!buf[0]) {
        char cn[200];
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn) > 0)
            snprintf(buf, len, "%.100s (its CN; it has no SAN)", cn);
        else
            snprintf(buf, len, "no name");
    }
}

/* The verification verdict as one line; "" when the chain and host
 * verified. */
static void verify_reason(const sp_tls *t, char *buf, size_t len)
{
    long code = SSL_get_verify_result(t->ssl);
    int err = t->verify_err != X509_V_OK ? t->verify_err : (int)code;
    X509 *c = t->verify_cert;
    bool leaf = t->verify_depth == 0;
    char a[160], b[160];
    buf[0] = '\0';
    switch (err) {
    case X509_V_OK:
        return;
    case X509_V_ERR_CERT_HAS_EXPIRED:
        date_of(c ? X509_get0_notAfter(c) : NULL, a, sizeof a);
        snprintf(buf, len, "%s has expired (notAfter %s)", leaf ? "certificate" : "an issuer's certificate", a);
        return;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        date_of(c ? X509_get0_notBefore(c) : NULL, a, sizeof a);
        snprintf(buf, len, "%s is not yet valid (notBefore %s)", leaf ? "certificate" : "an issuer's certificate",
                 a);
        return;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        snprintf(buf, len, "self-signed certificate (pass --tls-ca FILE to trust it, or --tls-insecure)");
        return;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        name_line(c ? X509_get_subject_name(c) : NULL, a, sizeof a);
        snprintf(buf, len, "untrusted root certificate %s (pass --tls-ca FILE to trust it, or --tls-insecure)", a);
        return;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        name_line(c ? X509_get_issuer_name(c) : NULL, a, sizeof a);
        snprintf(buf, len, "unknown issuer (%s; pass --tls-ca FILE to trust it)", a[0] ? a : "?");
        return;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        if (c)
            names_for(c, b, sizeof b);
        else
            snprintf(b, sizeof b, "other names");
        snprintf(buf, len, "certificate is for %.120s, not %.100s", b, t->host);
        return;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        snprintf(buf, len, "certificate signature does not verify (forged or damaged certificate)");
        return;
    case X509_V_ERR_INVALID_CA:
        snprintf(buf, len, "an issuer in the chain is not a CA certificate");
        return;
    case X509_V_ERR_INVALID_PURPOSE:
        snprintf(buf, len, "certificate is not for a TLS server (its key usage or extended key usage)");
        return;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL: {
        EVP_PKEY *k = c ? X509_get0_pubkey(c) : NULL;
        snprintf(buf, len, "%s key is too weak (%d bits)", leaf ? "the certificate's" : "an issuer's",
                 k ? EVP_PKEY_get_bits(k) : 0);
        return;
    }
    case X509_V_ERR_CA_MD_TOO_WEAK:
        snprintf(buf, len, "a certificate in the chain is signed with a weak hash (such as SHA-1 or MD5)");
        return;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        snprintf(buf, len, "certificate chain too long");
        return;
    default:
        snprintf(buf, len, "certificate does not verify: %s", X509_verify_cert_error_string(err));
        return;
    }
}

/* Alerts are reasons SSL_AD_REASON_OFFSET + the alert's number. */
static bool alert_reason(int reason, int *alert)
{
    if (reason < SSL_AD_REASON_OFFSET || reason >= SSL_AD_REASON_OFFSET + 256)
        return false;
    *alert = reason - SSL_AD_REASON_OFFSET;
    return true;
}

static bool not_tls_reason(int r)
{
#ifdef SSL_R_RECORD_LAYER_FAILURE
    /* OpenSSL 3.2 and later report a bad record header this way. */
    if (r == SSL_R_RECORD_LAYER_FAILURE)
        return true;
#endif
    return r == SSL_R_WRONG_VERSION_NUMBER || r == SSL_R_HTTP_REQUEST || r == SSL_R_HTTPS_PROXY_REQUEST ||
           r == SSL_R_PACKET_LENGTH_TOO_LONG || r == SSL_R_UNKNOWN_PROTOCOL || r == SSL_R_WRONG_SSL_VERSION ||
           r == SSL_R_ENCRYPTED_LENGTH_TOO_LONG;
}

static const char not_tls[] = "the peer does not speak TLS (plain text?)";

/* Sets t->err from the queue after an SSL_ERROR_SSL; the queue is empty
 * afterwards. */
static void ssl_failure(sp_tls *t)
{
    unsigned long e, ssl_e = 0, any = 0;
    while ((e = ERR_get_error()) != 0) {
        if (!any)
            any = e;
        if (!ssl_e && ERR_GET_LIB(e) == ERR_LIB_SSL)
            ssl_e = e;
    }
    if (!ssl_e)
        ssl_e = any;
    int r = ERR_GET_REASON(ssl_e), alert;
    const char *text = ssl_e ? ERR_reason_error_string(ssl_e) : NULL;
    if (ERR_GET_LIB(ssl_e) != ERR_LIB_SSL) {
        snprintf(t->err, sizeof t->err, "TLS failed: %s", text ? text : "unknown error");
        return;
    }
    if (r == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        verify_reason(t, t->err, sizeof t->err);
        if (!t->err[0])
            snprintf(t->err, sizeof t->err, "certificate does not verify");
    } else if (not_tls_reason(r)) {
        snprintf(t->err, sizeof t->err, "%s", not_tls);
    } else if (alert_reason(r, &alert)) {
        const char *what = SSL_alert_desc_string_long(alert);
        bool cert = alert == SSL_AD_BAD_CERTIFICATE || alert == SSL_AD_UNSUPPORTED_CERTIFICATE ||
                    alert == SSL_AD_CERTIFICATE_REVOKED || alert == SSL_AD_CERTIFICATE_EXPIRED ||
                    alert == SSL_AD_CERTIFICATE_UNKNOWN || alert == SSL_AD_UNKNOWN_CA;
        if (alert == SSL_AD_PROTOCOL_VERSION)
            snprintf(t->err, sizeof t->err, "the peer refused the TLS version (this end needs TLS 1.2 or later)");
        else if (cert)
            snprintf(t->err, sizeof t->err, "the peer rejected the certificate (alert: %s)", what);
        else
            snprintf(t->err, sizeof t->err, "the peer ended the %s (alert: %s)",
                     t->established ? "connection" : "handshake", what);
    } else if (r == SSL_R_UNSUPPORTED_PROTOCOL || r == SSL_R_NO_PROTOCOLS_AVAILABLE ||
               r == SSL_R_VERSION_TOO_LOW) {
        snprintf(t->err, sizeof t->err, "the peer only offers TLS older than 1.2");
    } else if (r == SSL_R_NO_SHARED_CIPHER) {
        snprintf(t->err, sizeof t->err, "no cipher in common with the peer");
    } else {
        snprintf(t->err, sizeof t->err, "TLS failed: %s", text ? text : "unknown error");
    }
}

/* Maps an SSL call's result to a status, filling t->err on failure. */
static sp_tls_status status_of(sp_tls *t, int ret)
{
    int saved = errno;
    int e = SSL_get_error(t->ssl, ret);
    /* False after a fatal error, so this only ever records a completion. */
    if (SSL_is_init_finished(t->ssl))
        t->established = true;
    sp_tls_status st;
    switch (e) {
    case SSL_ERROR_WANT_READ:
        st = SP_TLS_WANT_READ;
        break;
    case SSL_ERROR_WANT_WRITE:
        st = SP_TLS_WANT_WRITE;
        break;
    case SSL_ERROR_ZERO_RETURN:
        st = SP_TLS_EOF;
        break;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() != 0) {
            ssl_failure(t);
            st = SP_TLS_FAIL;
        } else if (saved == 0) {
            st = SP_TLS_EOF;
        } else {
            snprintf(t->err, sizeof t->err, "%s", saved == ECONNRESET || saved == EPIPE
                                                      ? "the peer reset the connection"
                                                      : strerror(saved));
            st = SP_TLS_FAIL;
        }
        break;
    case SSL_ERROR_SSL:
        ssl_failure(t);
        st = SP_TLS_FAIL;
        break;
    default:
        snprintf(t->err, sizeof t->err, "TLS failed (unexpected OpenSSL state %d)", e);
        st = SP_TLS_FAIL;
        break;
    }
    if (st == SP_TLS_FAIL)
        t->failed = true;
    ERR_clear_error();
    return st;
}

/* Before OpenSSL has taken a byte from the socket, a first byte that cannot
 * start a TLS record (20-24 are its content types; >= 0x80 an SSLv2-style
 * hello) shows a plain-text peer at once, even one that sent less than a
 * record header and is waiting. */
static bool plain_text_peer(sp_tls *t)
{
    if (t->first_byte_seen)
        return false;
    if (BIO_number_read(SSL_get_rbio(t->ssl)) > 0) {
        t->first_byte_seen = true;
        return false;
    }
    unsigned char c;
    if (recv(t->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) != 1)
        return false;
    t->first_byte_seen = true;
    return c < 0x80 && (c < 20 || c > 24);
}

sp_tls_status sp_tls_handshake(sp_tls *t)
{
    if (t->failed)
        return SP_TLS_FAIL;
    if (t->established)
        return SP_TLS_DONE;
    if (plain_text_peer(t)) {
        snprintf(t->err, sizeof t->err, "%s", not_tls);
        t->failed = true;
        return SP_TLS_FAIL;
    }
    ERR_clear_error();
    errno = 0;
    int ret = SSL_do_handshake(t->ssl);
    if (ret == 1) {
        t->established = true;
        ERR_clear_error();
        return SP_TLS_DONE;
    }
    sp_tls_status st = status_of(t, ret);
    if (st == SP_TLS_EOF)
        snprintf(t->err, sizeof t->err, "the peer closed the connection during the TLS handshake");
    return st;
}

sp_tls_status sp_tls_read(sp_tls *t, void *buf, size_t len, size_t *n)
{
    *n = 0;
    if (t->failed)
        return SP_TLS_FAIL;
    if (len == 0)
        return SP_TLS_DONE;
    ERR_clear_error();
    errno = 0;
    int ret = SSL_read_ex(t->ssl, buf, len, n);
    if (ret == 1) {
        t->established = true; /* a read or write may complete the handshake itself */
        ERR_clear_error();
        return SP_TLS_DONE;
    }
    *n = 0;
    return status_of(t, ret);
}

sp_tls_status sp_tls_write(sp_tls *t, const void *buf, size_t len, size_t *n)
{
    *n = 0;
    if (t->failed)
        return SP_TLS_FAIL;
    if (len == 0)
        return SP_TLS_DONE;
    ERR_clear_error();
    errno = 0;
    int ret = SSL_write_ex(t->ssl, buf, len, n);
    if (ret == 1) {
        t->established = true;
        ERR_clear_error();
        return SP_TLS_DONE;
    }
    *n = 0;
    return status_of(t, ret);
}

size_t sp_tls_pending(const sp_tls *t)
{
    int n = SSL_pending(t->ssl);
    return n > 0 ? (size_t)n : 0;
}

void sp_tls_close(sp_tls *t)
{
    if (t->closed || t->failed || !t->established)
        return;
    t->closed = true;
    ERR_clear_error();
    SSL_shutdown(t->ssl);
    ERR_clear_error();
}

const char *sp_tls_error(const sp_tls *t)
{
    return t->err;
}

static char *san_string(const GENERAL_NAME *g)
{
    if (g->type == GEN_DNS) {
        const ASN1_IA5STRING *s = g->d.dNSName;
        char *r = sp_xmalloc((size_t)s->length + 5);
        memcpy(r, "DNS:", 4);
        memcpy(r + 4, s->data, (size_t)s->length);
        r[4 + s->length] = '\0';
        /* A NUL inside would cut the name short where it is shown. */
        for (char *z; (z = memchr(r + 4, '\0', (size_t)s->length)) != NULL;)
            *z = '?';
        return r;
    }
    if (g->type == GEN_IPADD) {
        const ASN1_OCTET_STRING *s = g->d.iPAddress;
        char a[INET6_ADDRSTRLEN];
        if ((s->length == 4 || s->length == 16) &&
            inet_ntop(s->length == 4 ? AF_INET : AF_INET6, s->data, a, sizeof a))
            return sp_xasprintf("IP:%s", a);
    }
    return NULL;
}

static time_t time_of(const ASN1_TIME *at)
{
    struct tm tm;
    if (!at || ASN1_TIME_to_tm(at, &tm) != 1)
        return 0;
    return timegm(&tm);
}

/* Everything but the connection's own fields (protocol, cipher, verdict). */
static void cert_fields(X509 *x, sp_cert_info *out)
{
    memset(out, 0, sizeof *out);
    name_line(X509_get_subject_name(x), out->subject, sizeof out->subject);
    name_line(X509_get_issuer_name(x), out->issuer, sizeof out->issuer);
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int n = gens ? sk_GENERAL_NAME_num(gens) : 0;
    size_t cap = 0;
    for (int i = 0; i < n && out->nsans < SP_TLS_MAX_SANS; i++) {
        char *s = san_string(sk_GENERAL_NAME_value(gens, i));
        if (!s)
            continue;
        SP_GROW(out->sans, cap, out->nsans + 1);
        out->sans[out->nsans++] = s;
    }
    GENERAL_NAMES_free(gens);
    out->not_before = time_of(X509_get0_notBefore(x));
    out->not_after = time_of(X509_get0_notAfter(x));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1) {
        static const char hex[] = "0123456789ABCDEF";
        char *p = out->sha256;
        /* 32 bytes as "AB:CD:...": 95 characters and the NUL. */
        for (unsigned int i = 0; i < mdlen && 3 * i + 3 <= sizeof out->sha256; i++) {
            if (i)
                *p++ = ':';
            *p++ = hex[md[i] >> 4];
            *p++ = hex[md[i] & 15];
        }
        *p = '\0';
    }
    out->self_signed = X509_check_issued(x, x) == X509_V_OK;
    ERR_clear_error();
}

bool sp_cert_info_from_der(const unsigned char *der, size_t len, sp_cert_info *out)
{
    memset(out, 0, sizeof *out);
    const unsigned char *p = der;
    X509 *x = len <= (size_t)INT32_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
    if (!x) {
        ERR_clear_error();
        return false;
    }
    cert_fields(x, out);
    X509_free(x);
    return true;
}

bool sp_tls_peer_info(const sp_tls *t, sp_cert_info *out)
{
    memset(out, 0, sizeof *out);
    X509 *x = SSL_get0_peer_certificate(t->ssl);
    if (!x) {
        /* A client that refused the certificate has only the chain. */
        STACK_OF(X509) *chain = SSL_get_peer_cert_chain(t->ssl);
        x = chain && sk_X509_num(chain) > 0 ? sk_X509_value(chain, 0) : NULL;
    }
    if (!x)
        return false;
    cert_fields(x, out);
    if (t->established) {
        snprintf(out->protocol, sizeof out->protocol, "%s", SSL_get_version(t->ssl));
        const char *c = SSL_get_cipher_name(t->ssl);
        snprintf(out->cipher, sizeof out->cipher, "%s", c ? c : "");
    }
    if (t->server) {
        out->verified = false;
        snprintf(out->verify_reason, sizeof out->verify_reason, "client certificates are not verified");
        return true;
    }
    if (t->host[0])
        out->host_mismatch = t->host_is_ip ? X509_check_ip_asc(x, t->host, 0) != 1
                                           : X509_check_host(x, t->host, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) != 1;
    verify_reason(t, out->verify_reason, sizeof out->verify_reason);
    out->verified = t->verify_ran && !out->verify_reason[0];
    if (!t->verify_ran && !out->verify_reason[0])
        snprintf(out->verify_reason, sizeof out->verify_reason, "not verified");
    if (out->self_signed == false && (t->verify_err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT))
        out->self_signed = true;
    return true;
}

void sp_cert_info_free(sp_cert_info *ci)
{
    if (!ci)
        return;
    for (size_t i = 0; i < ci->nsans; i++)
        free(ci->sans[i]);
    free(ci->sans);
    ci->sans = NULL;
    ci->nsans = 0;
}
