/* The TLS wrapper against itself over a non-blocking socketpair, with
 * certificates made here with the OpenSSL API (EC P-256, fast): a good chain,
 * each kind of bad certificate in the three verification modes, the peer
 * info, data both ways, the ends of a connection, plain-text peers and the
 * server context's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sockpit/tls/tls.h"
#include "testtmp.h"

#define DAY (24L * 3600)

static char dir[64];
static time_t made_at;
static EVP_PKEY *ca_key, *other_ca_key, *int_key, *leaf_key, *stray_key;
static X509 *ca, *other_ca, *good;

static const char *path(const char *name)
{
    static char buf[8][128];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

/* A certificate for cn (and san, when given) valid from made_at + from to
 * made_at + to, signed by issuer (itself when NULL). */
static X509 *make_cert(EVP_PKEY *key, const char *cn, const char *san, X509 *issuer, EVP_PKEY *issuer_key,
                       long from, long to, bool is_ca)
{
    static long serial = 1;
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_time_adj_ex(X509_getm_notBefore(x), 0, from, &made_at);
    X509_time_adj_ex(X509_getm_notAfter(x), 0, to, &made_at);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"sockpit test", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509 *signer = issuer ? issuer : x;
    if (is_ca) {
        add_ext(x, signer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(x, signer, NID_basic_constraints, "CA:FALSE");
        add_ext(x, signer, NID_ext_key_usage, "serverAuth");
    }
    add_ext(x, signer, NID_subject_key_identifier, "hash");
    if (san)
        add_ext(x, signer, NID_subject_alt_name, san);
    assert_true(X509_sign(x, issuer ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

static void write_cert(const char *name, X509 *x)
{
    FILE *f = fopen(path(name), "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509(f, x), 1);
    fclose(f);
}

static void write_chain(const char *name, X509 *leaf_cert, X509 *intermediate)
{
    FILE *f = fopen(path(name), "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509(f, leaf_cert), 1);
    assert_int_equal(PEM_write_X509(f, intermediate), 1);
    fclose(f);
}

static void write_key(const char *name, EVP_PKEY *k, const char *passphrase)
{
    FILE *f = fopen(path(name), "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, k, passphrase ? EVP_aes_128_cbc() : NULL,
                                          (const unsigned char *)passphrase, passphrase ? (int)strlen(passphrase) : 0,
                                          NULL, NULL),
                     1);
    fclose(f);
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(path(name), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void leaf(const char *name, const char *cn, const char *san, X509 *issuer, EVP_PKEY *issuer_key, long from,
                 long to)
{
    X509 *x = make_cert(leaf_key, cn, san, issuer, issuer_key, from, to, false);
    write_cert(name, x);
    X509_free(x);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sockpit-tls-XXXXXX");
    assert_non_null(mkdtemp(dir));
    made_at = time(NULL);
    ca_key = EVP_EC_gen("P-256");
    other_ca_key = EVP_EC_gen("P-256");
    int_key = EVP_EC_gen("P-256");
    leaf_key = EVP_EC_gen("P-256");
    stray_key = EVP_EC_gen("P-256");
    assert_true(ca_key && other_ca_key && int_key && leaf_key && stray_key);
    ca = make_cert(ca_key, "sockpit test CA", NULL, NULL, NULL, -DAY, 365 * DAY, true);
    other_ca = make_cert(other_ca_key, "other CA", NULL, NULL, NULL, -DAY, 365 * DAY, true);
    write_cert("ca.pem", ca);
    write_cert("other-ca.pem", other_ca);
    write_key("key.pem", leaf_key, NULL);
    write_key("stray.pem", stray_key, NULL);
    write_key("locked.pem", leaf_key, "secret");
    good = make_cert(leaf_key, "good.test", "DNS:good.test,IP:127.0.0.1", ca, ca_key, -DAY, 30 * DAY, false);
    write_cert("good.pem", good);
    leaf("expired.pem", "good.test", "DNS:good.test", ca, ca_key, -10 * DAY, -DAY);
    leaf("notyet.pem", "good.test", "DNS:good.test", ca, ca_key, DAY, 10 * DAY);
    leaf("wronghost.pem", "www.a.test", "DNS:www.a.test", ca, ca_key, -DAY, 30 * DAY);
    leaf("self.pem", "good.test", "DNS:good.test", NULL, NULL, -DAY, 30 * DAY);
    leaf("unknown.pem", "good.test", "DNS:good.test", other_ca, other_ca_key, -DAY, 30 * DAY);
    leaf("self-wronghost.pem", "www.a.test", "DNS:www.a.test", NULL, NULL, -DAY, 30 * DAY);
    leaf("wildcard.pem", "*.a.test", "DNS:*.a.test,DNS:b.test,DNS:c.test,DNS:d.test,IP:10.0.0.1", ca, ca_key, -DAY,
         30 * DAY);
    write_text("garbage.pem", "this is not a certificate\n");
    /* A chain: the server sends its certificate and an intermediate the
     * client does not have; once with the intermediate expired. */
    for (int expired = 0; expired < 2; expired++) {
        X509 *in = make_cert(int_key, "intermediate", NULL, ca, ca_key, -10 * DAY, expired ? -DAY : 60 * DAY, true);
        X509 *x = make_cert(leaf_key, "good.test", "DNS:good.test", in, int_key, -DAY, 30 * DAY, false);
        write_chain(expired ? "chain-expired.pem" : "chain.pem", x, in);
        X509_free(x);
        X509_free(in);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    X509_free(ca);
    X509_free(other_ca);
    X509_free(good);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_ca_key);
    EVP_PKEY_free(int_key);
    EVP_PKEY_free(leaf_key);
    EVP_PKEY_free(stray_key);
    test_rm_rf(dir);
    return 0;
}

typedef struct {
    int fd[2]; /* client, server */
    sp_tls_ctx *cctx, *sctx;
    sp_tls *c, *s;
    sp_tls_status cs, ss;
} pair;

static bool terminal(sp_tls_status st)
{
    return st == SP_TLS_DONE || st == SP_TLS_FAIL || st == SP_TLS_EOF;
}

static void open_pair(pair *p, const char *ca_file, sp_tls_verify_mode mode, const char *cert, const char *host)
{
    char err[256];
    memset(p, 0, sizeof *p);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p->fd), 0);
    p->cctx = sp_tls_client_ctx(ca_file ? path(ca_file) : NULL, mode, err, sizeof err);
    assert_non_null(p->cctx);
    p->sctx = sp_tls_server_ctx(path(cert), path("key.pem"), err, sizeof err);
    if (!p->sctx)
        fail_msg("server ctx: %s", err);
    p->c = sp_tls_client(p->cctx, p->fd[0], host);
    p->s = sp_tls_server(p->sctx, p->fd[1]);
    p->cs = p->ss = SP_TLS_WANT_WRITE;
}

/* Steps both ends until neither can move. */
static void handshake(pair *p)
{
    for (int i = 0; i < 50 && !(terminal(p->cs) && terminal(p->ss)); i++) {
        if (!terminal(p->cs))
            p->cs = sp_tls_handshake(p->c);
        if (!terminal(p->ss))
            p->ss = sp_tls_handshake(p->s);
    }
}

static void close_pair(pair *p)
{
    sp_tls_free(p->c);
    sp_tls_free(p->s);
    sp_tls_ctx_free(p->cctx);
    sp_tls_ctx_free(p->sctx);
    if (p->fd[0] >= 0)
        close(p->fd[0]);
    close(p->fd[1]);
    /* Nothing a connection did stays queued for the next one. */
    assert_int_equal(ERR_peek_error(), 0);
}

static void fingerprint(X509 *x, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    assert_int_equal(X509_digest(x, EVP_sha256(), md, &n), 1);
    assert_int_equal(n, 32);
    for (size_t i = 0; i < n; i++)
        snprintf(out + 3 * i, 96 - 3 * i, i + 1 < n ? "%02X:" : "%02X", md[i]);
}

static void test_good_chain_verifies(void **state)
{
    (void)state;
    pair p;
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_DONE);
    assert_int_equal(p.ss, SP_TLS_DONE);
    assert_string_equal(sp_tls_error(p.c), "");
    assert_string_equal(sp_tls_error(p.s), "");
    sp_cert_info ci;
    assert_true(sp_tls_peer_info(p.c, &ci));
    assert_string_equal(ci.subject, "CN=good.test,O=sockpit test");
    assert_string_equal(ci.issuer, "CN=sockpit test CA,O=sockpit test");
    assert_int_equal(ci.nsans, 2);
    assert_string_equal(ci.sans[0], "DNS:good.test");
    assert_string_equal(ci.sans[1], "IP:127.0.0.1");
    char fp[96];
    fingerprint(good, fp);
    assert_string_equal(ci.sha256, fp);
    assert_true(labs((long)(ci.not_before - (made_at - DAY))) <= 1);
    assert_true(labs((long)(ci.not_after - (made_at + 30 * DAY))) <= 1);
    assert_string_equal(ci.protocol, "TLSv1.3");
    assert_true(ci.cipher[0] != '\0');
    assert_false(ci.self_signed);
    assert_true(ci.verified);
    assert_string_equal(ci.verify_reason, "");
    assert_false(ci.host_mismatch);
    sp_cert_info_free(&ci);
    /* The server's peer sent no certificate. */
    assert_false(sp_tls_peer_info(p.s, &ci));
    close_pair(&p);

    /* An address literal is matched against the IP SANs. */
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "127.0.0.1");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_DONE);
    close_pair(&p);
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "127.0.0.2");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_FAIL);
    assert_string_equal(sp_tls_error(p.c), "certificate is for good.test, 127.0.0.1, not 127.0.0.2");
    assert_true(sp_tls_peer_info(p.c, &ci));
    assert_true(ci.host_mismatch);
    sp_cert_info_free(&ci);
    close_pair(&p);
}

static void test_chains_and_names(void **state)
{
    (void)state;
    pair p;
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "chain.pem", "good.test");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_DONE);
    sp_cert_info ci;
    assert_true(sp_tls_peer_info(p.c, &ci));
    assert_true(ci.verified);
    assert_string_equal(ci.issuer, "CN=intermediate,O=sockpit test");
    sp_cert_info_free(&ci);
    close_pair(&p);

    char want[120], d[16];
    struct tm tm;
    time_t t = made_at - DAY;
    gmtime_r(&t, &tm);
    strftime(d, sizeof d, "%Y-%m-%d", &tm);
    snprintf(want, sizeof want, "an issuer's certificate has expired (notAfter %s)", d);
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "chain-expired.pem", "good.test");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_FAIL);
    assert_string_equal(sp_tls_error(p.c), want);
    close_pair(&p);

    /* A wildcard covers one label; a host it does not cover lists a few
     * names. A root's dot is no part of the name. */
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "wildcard.pem", "x.a.test.");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_DONE);
    close_pair(&p);
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "wildcard.pem", "y.x.a.test");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_FAIL);
    assert_string_equal(sp_tls_error(p.c), "certificate is for *.a.test, b.test, c.test (+2 more), not y.x.a.test");
    close_pair(&p);
    /* An IPv6 literal in brackets is an address, not a name. */
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "[::1%lo]");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_FAIL);
    assert_string_equal(sp_tls_error(p.c), "certificate is for good.test, 127.0.0.1, not ::1");
    close_pair(&p);
    /* No host: the chain alone. */
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "wronghost.pem", NULL);
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_DONE);
    close_pair(&p);
}

/* A client that offers only TLS 1.1 is refused with a reason. */
static void test_old_protocol_refused(void **state)
{
    (void)state;
    pair p;
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
    SSL_CTX *old = SSL_CTX_new(TLS_client_method());
    assert_non_null(old);
    SSL_CTX_set_min_proto_version(old, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(old, TLS1_1_VERSION);
    SSL_CTX_set_cipher_list(old, "DEFAULT@SECLEVEL=0");
    SSL *c = SSL_new(old);
    assert_non_null(c);
    SSL_set_fd(c, p.fd[0]);
    SSL_set_connect_state(c);
    assert_true(SSL_do_handshake(c) <= 0);
    assert_int_equal(sp_tls_handshake(p.s), SP_TLS_FAIL);
    assert_string_equal(sp_tls_error(p.s), "the peer only offers TLS older than 1.2");
    SSL_free(c);
    SSL_CTX_free(old);
    ERR_clear_error();
    close_pair(&p);
}

/* A raw OpenSSL end limited to TLS 1.2, on fd. */
static SSL *raw_tls12(SSL_CTX **ctx, bool server, int fd, const char *cert)
{
    *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    assert_non_null(*ctx);
    SSL_CTX_set_max_proto_version(*ctx, TLS1_2_VERSION);
    if (server) {
        assert_int_equal(SSL_CTX_use_certificate_file(*ctx, path(cert), SSL_FILETYPE_PEM), 1);
        assert_int_equal(SSL_CTX_use_PrivateKey_file(*ctx, path("key.pem"), SSL_FILETYPE_PEM), 1);
    }
    SSL *r = SSL_new(*ctx);
    assert_non_null(r);
    SSL_set_fd(r, fd);
    if (server)
        SSL_set_accept_state(r);
    else
        SSL_set_connect_state(r);
    return r;
}

static void test_tls12(void **state)
{
    (void)state;
    const char *certs[] = {"good.pem", "expired.pem"};
    for (size_t i = 0; i < 2; i++) {
        pair p;
        open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
        SSL_CTX *ctx;
        SSL *srv = raw_tls12(&ctx, true, p.fd[1], certs[i]);
        for (int k = 0; k < 20 && !terminal(p.cs); k++) {
            p.cs = sp_tls_handshake(p.c);
            SSL_do_handshake(srv);
        }
        if (i == 0) {
            assert_int_equal(p.cs, SP_TLS_DONE);
            sp_cert_info ci;
            assert_true(sp_tls_peer_info(p.c, &ci));
            assert_string_equal(ci.protocol, "TLSv1.2");
            assert_non_null(strstr(ci.cipher, "ECDHE-ECDSA-"));
            assert_true(ci.verified);
            sp_cert_info_free(&ci);
        } else {
            assert_int_equal(p.cs, SP_TLS_FAIL);
            assert_non_null(strstr(sp_tls_error(p.c), "certificate has expired (notAfter "));
        }
        SSL_free(srv);
        SSL_CTX_free(ctx);
        ERR_clear_error();
        close_pair(&p);
    }

    /* A TLS 1.2 client is served, and its renegotiation is refused. */
    pair p;
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
    SSL_CTX *ctx;
    SSL *cli = raw_tls12(&ctx, false, p.fd[0], NULL);
    int done = 0;
    for (int k = 0; k < 20 && !(done == 1 && p.ss == SP_TLS_DONE); k++) {
        done = SSL_do_handshake(cli);
        if (!terminal(p.ss))
            p.ss = sp_tls_handshake(p.s);
    }
    assert_int_equal(done, 1);
    assert_int_equal(p.ss, SP_TLS_DONE);
    assert_int_equal(SSL_renegotiate(cli), 1);
    int again = SSL_do_handshake(cli);
    char buf[16];
    size_t n;
    for (int k = 0; k < 20 && again <= 0 && SSL_get_error(cli, again) == SSL_ERROR_WANT_READ; k++) {
        sp_tls_status st = sp_tls_read(p.s, buf, sizeof buf, &n);
        assert_true(st == SP_TLS_WANT_READ || st == SP_TLS_FAIL || st == SP_TLS_EOF);
        again = SSL_do_handshake(cli);
    }
    /* The server answered with its no_renegotiation alert and stays up. */
    assert_true(again <= 0);
    assert_int_equal(SSL_get_error(cli, again), SSL_ERROR_SSL);
    assert_int_equal(ERR_GET_REASON(ERR_peek_error()), SSL_R_NO_RENEGOTIATION);
    assert_string_equal(sp_tls_error(p.s), "");
    SSL_free(cli);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    close_pair(&p);
}

static void day(time_t t, char *buf)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 16, "%Y-%m-%d", &tm);
}

static void test_bad_certificates(void **state)
{
    (void)state;
    char expired[80], notyet[80], d[16];
    day(made_at - DAY, d);
    snprintf(expired, sizeof expired, "certificate has expired (notAfter %s)", d);
    day(made_at + DAY, d);
    snprintf(notyet, sizeof notyet, "certificate is not yet valid (notBefore %s)", d);
    const struct {
        const char *cert, *ca, *reason;
        bool self_signed, host_mismatch;
    } cases[] = {
        {"expired.pem", "ca.pem", expired, false, false},
        {"notyet.pem", "ca.pem", notyet, false, false},
        {"wronghost.pem", "ca.pem", "certificate is for www.a.test, not good.test", false, true},
        {"self.pem", "ca.pem", "self-signed certificate (pass --tls-ca FILE to trust it, or --tls-insecure)", true,
         false},
        /* The first problem is the reason; the host is flagged anyway. */
        {"self-wronghost.pem", "ca.pem",
         "self-signed certificate (pass --tls-ca FILE to trust it, or --tls-insecure)", true, true},
        {"unknown.pem", "ca.pem", "unknown issuer (CN=other CA,O=sockpit test; pass --tls-ca FILE to trust it)",
         false, false},
        {"good.pem", NULL, "unknown issuer (CN=sockpit test CA,O=sockpit test; pass --tls-ca FILE to trust it)",
         false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pair p;
        sp_cert_info ci;
        open_pair(&p, cases[i].ca, SP_TLS_VERIFY, cases[i].cert, "good.test");
        handshake(&p);
        assert_int_equal(p.cs, SP_TLS_FAIL);
        assert_string_equal(sp_tls_error(p.c), cases[i].reason);
        assert_int_equal(p.ss, SP_TLS_FAIL);
        assert_non_null(strstr(sp_tls_error(p.s), "the peer rejected the certificate (alert: "));
        /* The refused certificate can still be shown. */
        assert_true(sp_tls_peer_info(p.c, &ci));
        assert_false(ci.verified);
        assert_string_equal(ci.verify_reason, cases[i].reason);
        assert_int_equal(ci.self_signed, cases[i].self_signed);
        sp_cert_info_free(&ci);
        close_pair(&p);

        open_pair(&p, cases[i].ca, SP_TLS_REPORT, cases[i].cert, "good.test");
        handshake(&p);
        assert_int_equal(p.cs, SP_TLS_DONE);
        assert_int_equal(p.ss, SP_TLS_DONE);
        assert_true(sp_tls_peer_info(p.c, &ci));
        assert_false(ci.verified);
        assert_string_equal(ci.verify_reason, cases[i].reason);
        assert_int_equal(ci.host_mismatch, cases[i].host_mismatch);
        assert_string_equal(ci.protocol, "TLSv1.3");
        sp_cert_info_free(&ci);
        close_pair(&p);

        open_pair(&p, cases[i].ca, SP_TLS_INSECURE, cases[i].cert, "good.test");
        handshake(&p);
        assert_int_equal(p.cs, SP_TLS_DONE);
        assert_int_equal(p.ss, SP_TLS_DONE);
        close_pair(&p);
    }
}

/* Moves all of data from one end to the other, stepping both. */
static void transfer(sp_tls *from, sp_tls *to, const unsigned char *data, size_t len, unsigned char *got)
{
    size_t sent = 0, recvd = 0;
    for (int i = 0; i < 100000 && recvd < len; i++) {
        size_t n;
        if (sent < len) {
            sp_tls_status st = sp_tls_write(from, data + sent, len - sent, &n);
            assert_true(st == SP_TLS_DONE || st == SP_TLS_WANT_WRITE);
            sent += n;
        }
        sp_tls_status st = sp_tls_read(to, got + recvd, len - recvd, &n);
        assert_true(st == SP_TLS_DONE || st == SP_TLS_WANT_READ);
        recvd += n;
    }
    assert_int_equal(recvd, len);
    assert_memory_equal(got, data, len);
}

static void test_round_trip(void **state)
{
    (void)state;
    pair p;
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_DONE);
    size_t len = 300000;
    unsigned char *data = malloc(len), *got = malloc(len);
    assert_true(data && got);
    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 7 + i / 251);
    transfer(p.c, p.s, data, len, got);
    transfer(p.s, p.c, data, len, got);

    /* One record read in parts: the rest is pending inside OpenSSL. */
    size_t n;
    assert_int_equal(sp_tls_write(p.c, "hello world", 11, &n), SP_TLS_DONE);
    assert_int_equal(n, 11);
    char buf[16];
    assert_int_equal(sp_tls_read(p.s, buf, 5, &n), SP_TLS_DONE);
    assert_int_equal(n, 5);
    assert_int_equal(sp_tls_pending(p.s), 6);
    assert_int_equal(sp_tls_read(p.s, buf + 5, sizeof buf - 5, &n), SP_TLS_DONE);
    assert_int_equal(n, 6);
    assert_memory_equal(buf, "hello world", 11);
    assert_int_equal(sp_tls_pending(p.s), 0);
    assert_int_equal(sp_tls_read(p.s, buf, sizeof buf, &n), SP_TLS_WANT_READ);
    free(data);
    free(got);

    /* close_notify ends the other side's reads; a second close sends
     * nothing more. */
    sp_tls_close(p.c);
    sp_tls_close(p.c);
    assert_int_equal(sp_tls_read(p.s, buf, sizeof buf, &n), SP_TLS_EOF);
    assert_int_equal(n, 0);
    close_pair(&p);
}

/* A caller may skip sp_tls_handshake: the first read or write does it. */
static void test_implicit_handshake(void **state)
{
    (void)state;
    pair p;
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
    char buf[16];
    size_t n;
    for (int i = 0; i < 20 && p.ss != SP_TLS_DONE; i++) {
        assert_int_equal(sp_tls_read(p.c, buf, sizeof buf, &n), SP_TLS_WANT_READ);
        p.ss = sp_tls_handshake(p.s);
    }
    assert_int_equal(p.ss, SP_TLS_DONE);
    assert_int_equal(sp_tls_read(p.c, buf, sizeof buf, &n), SP_TLS_WANT_READ);
    assert_int_equal(sp_tls_handshake(p.c), SP_TLS_DONE);
    sp_cert_info ci;
    assert_true(sp_tls_peer_info(p.c, &ci));
    assert_string_equal(ci.protocol, "TLSv1.3");
    assert_true(ci.verified);
    sp_cert_info_free(&ci);
    assert_int_equal(sp_tls_read(p.s, buf, 0, &n), SP_TLS_DONE);
    assert_int_equal(n, 0);
    sp_tls_close(p.c);
    assert_int_equal(sp_tls_read(p.s, buf, sizeof buf, &n), SP_TLS_EOF);
    close_pair(&p);
}

static void test_tcp_close_is_eof(void **state)
{
    (void)state;
    pair p;
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
    handshake(&p);
    assert_int_equal(p.cs, SP_TLS_DONE);
    /* The client takes the session tickets first: a socket closed with
     * unread data is a reset, not an EOF. */
    size_t n;
    char buf[16];
    assert_int_equal(sp_tls_read(p.c, buf, sizeof buf, &n), SP_TLS_WANT_READ);
    close(p.fd[0]);
    p.fd[0] = -1;
    assert_int_equal(sp_tls_read(p.s, buf, sizeof buf, &n), SP_TLS_EOF);
    assert_int_equal(sp_tls_write(p.s, "late", 4, &n), SP_TLS_EOF);
    assert_string_equal(sp_tls_error(p.s), "");
    close_pair(&p);

    /* Writing to a closed peer before reading its EOF is a failure, not a
     * SIGPIPE (the test does not ignore it). */
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
    handshake(&p);
    assert_int_equal(sp_tls_read(p.c, buf, sizeof buf, &n), SP_TLS_WANT_READ);
    close(p.fd[0]);
    p.fd[0] = -1;
    assert_int_equal(sp_tls_write(p.s, "late", 4, &n), SP_TLS_FAIL);
    assert_string_equal(sp_tls_error(p.s), "the peer reset the connection");
    assert_int_equal(n, 0);
    sp_tls_close(p.s);
    close_pair(&p);
}

static void test_plain_text_peers(void **state)
{
    (void)state;
    const char *not_tls = "the peer does not speak TLS (plain text?)";
    /* A plain-text client talking to the server; a short line too, which a
     * record header would wait for. */
    const char *lines[] = {"hello\n", "hi", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\x16garbage\n"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        pair p;
        open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
        assert_int_equal(write(p.fd[0], lines[i], strlen(lines[i])), (ssize_t)strlen(lines[i]));
        assert_int_equal(sp_tls_handshake(p.s), SP_TLS_FAIL);
        assert_string_equal(sp_tls_error(p.s), not_tls);
        close_pair(&p);
    }
    /* A plain-text server answering the ClientHello. */
    for (size_t i = 0; i < 2; i++) {
        pair p;
        open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
        assert_int_equal(sp_tls_handshake(p.c), SP_TLS_WANT_READ);
        char hello[4096];
        assert_true(read(p.fd[1], hello, sizeof hello) > 0);
        assert_int_equal(write(p.fd[1], lines[i], strlen(lines[i])), (ssize_t)strlen(lines[i]));
        assert_int_equal(sp_tls_handshake(p.c), SP_TLS_FAIL);
        assert_string_equal(sp_tls_error(p.c), not_tls);
        /* A failed connection stays failed and sends nothing more. */
        assert_int_equal(sp_tls_handshake(p.c), SP_TLS_FAIL);
        sp_tls_close(p.c);
        close_pair(&p);
    }
    /* A server that closes at once. */
    pair p;
    open_pair(&p, "ca.pem", SP_TLS_VERIFY, "good.pem", "good.test");
    assert_int_equal(sp_tls_handshake(p.c), SP_TLS_WANT_READ);
    shutdown(p.fd[1], SHUT_WR);
    assert_int_equal(sp_tls_handshake(p.c), SP_TLS_EOF);
    assert_string_equal(sp_tls_error(p.c), "the peer closed the connection during the TLS handshake");
    close_pair(&p);
}

static void expect_server_error(const char *cert, const char *key, const char *want)
{
    char err[256] = "x";
    sp_tls_ctx *c = sp_tls_server_ctx(cert, key, err, sizeof err);
    assert_null(c);
    if (!strstr(err, want))
        fail_msg("\"%s\" does not say \"%s\"", err, want);
    assert_int_equal(ERR_peek_error(), 0);
}

static void test_context_errors(void **state)
{
    (void)state;
    char want[300];
    expect_server_error("/nonexistent/cert.pem", path("key.pem"),
                        "cannot read the certificate file /nonexistent/cert.pem: No such file or directory");
    expect_server_error(path("good.pem"), "/nonexistent/key.pem",
                        "cannot read the key file /nonexistent/key.pem: No such file or directory");
    snprintf(want, sizeof want, "%s is not a PEM certificate", path("garbage.pem"));
    expect_server_error(path("garbage.pem"), path("key.pem"), want);
    snprintf(want, sizeof want, "%s is not a PEM private key", path("garbage.pem"));
    expect_server_error(path("good.pem"), path("garbage.pem"), want);
    /* A certificate file given as the key, and the other way round; a
     * directory. */
    snprintf(want, sizeof want, "%s holds no private key", path("ca.pem"));
    expect_server_error(path("good.pem"), path("ca.pem"), want);
    snprintf(want, sizeof want, "%s holds no certificate", path("key.pem"));
    expect_server_error(path("key.pem"), path("key.pem"), want);
    snprintf(want, sizeof want, "cannot read the certificate file %s: not a regular file", dir);
    expect_server_error(dir, path("key.pem"), want);
    snprintf(want, sizeof want, "the key %s does not match the certificate %s", path("stray.pem"), path("good.pem"));
    expect_server_error(path("good.pem"), path("stray.pem"), want);
    snprintf(want, sizeof want, "the key %s is encrypted", path("locked.pem"));
    expect_server_error(path("good.pem"), path("locked.pem"), want);

    /* DER instead of PEM. */
    unsigned char *der = NULL;
    int len = i2d_X509(good, &der);
    assert_true(len > 0);
    FILE *f = fopen(path("good.der"), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(der, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    OPENSSL_free(der);
    snprintf(want, sizeof want,
             "%s is not a PEM certificate (no -----BEGIN CERTIFICATE----- line; it looks like DER: convert it with "
             "openssl x509 -inform der)",
             path("good.der"));
    expect_server_error(path("good.der"), path("key.pem"), want);

    /* A key too small for any security level. */
    EVP_PKEY *weak = EVP_RSA_gen(512);
    assert_non_null(weak);
    X509 *x = make_cert(weak, "weak.test", "DNS:weak.test", ca, ca_key, -DAY, DAY, false);
    write_cert("weak.pem", x);
    write_key("weak-key.pem", weak, NULL);
    X509_free(x);
    EVP_PKEY_free(weak);
    snprintf(want, sizeof want, "the key of the certificate %s is too weak (512 bits; use EC P-256 or RSA 2048+)",
             path("weak.pem"));
    expect_server_error(path("weak.pem"), path("weak-key.pem"), want);

    char err[256];
    assert_null(sp_tls_client_ctx("/nonexistent/ca.pem", SP_TLS_VERIFY, err, sizeof err));
    assert_string_equal(err, "cannot read the CA file /nonexistent/ca.pem: No such file or directory");
    assert_null(sp_tls_client_ctx(path("garbage.pem"), SP_TLS_VERIFY, err, sizeof err));
    snprintf(want, sizeof want, "the CA file %s holds no PEM certificate", path("garbage.pem"));
    assert_non_null(strstr(err, want));
    sp_tls_ctx *c = sp_tls_client_ctx(NULL, SP_TLS_VERIFY, err, sizeof err);
    assert_non_null(c);
    assert_string_equal(err, "");
    sp_tls_ctx_free(c);
    assert_int_equal(ERR_peek_error(), 0);
}

static void test_cert_from_der(void **state)
{
    (void)state;
    unsigned char *der = NULL;
    int len = i2d_X509(good, &der);
    assert_true(len > 0);
    sp_cert_info ci;
    assert_true(sp_cert_info_from_der(der, (size_t)len, &ci));
    assert_string_equal(ci.subject, "CN=good.test,O=sockpit test");
    assert_int_equal(ci.nsans, 2);
    assert_string_equal(ci.protocol, "");
    assert_false(ci.verified);
    sp_cert_info_free(&ci);
    assert_true(sp_cert_info_from_der(der, (size_t)len, &ci));
    sp_cert_info_free(&ci);
    assert_false(sp_cert_info_from_der(der, (size_t)len / 2, &ci));
    assert_int_equal(ci.nsans, 0);
    assert_null(ci.sans);
    assert_false(sp_cert_info_from_der((const unsigned char *)"", 0, &ci));
    OPENSSL_free(der);
    assert_int_equal(ERR_peek_error(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_chain_verifies),
        cmocka_unit_test(test_chains_and_names),
        cmocka_unit_test(test_old_protocol_refused),
        cmocka_unit_test(test_tls12),
        cmocka_unit_test(test_bad_certificates),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_implicit_handshake),
        cmocka_unit_test(test_tcp_close_is_eof),
        cmocka_unit_test(test_plain_text_peers),
        cmocka_unit_test(test_context_errors),
        cmocka_unit_test(test_cert_from_der),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
