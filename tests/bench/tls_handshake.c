/* TLS handshakes through the wrapper against the same handshakes written
 * with OpenSSL directly, in one run (both ends in this process, over
 * socketpairs, alternating rounds so machine load hits both alike), and the
 * heap an idle established connection keeps (the figure 10,000 idle chat
 * connections multiply). Usage: tls_handshake DIR N IDLE, DIR holding
 * cert.pem and key.pem for good.test. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "sockpit/tls/tls.h"

static char cert[512], key[512];

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int wrapped(sp_tls_ctx *cc, sp_tls_ctx *sc, sp_tls **keep)
{
    int fd[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fd) != 0)
        return -1;
    sp_tls *c = sp_tls_client(cc, fd[0], "good.test"), *s = sp_tls_server(sc, fd[1]);
    sp_tls_status a = SP_TLS_WANT_WRITE, b = SP_TLS_WANT_WRITE;
    for (int i = 0; i < 20 && !(a == SP_TLS_DONE && b == SP_TLS_DONE); i++) {
        if (a != SP_TLS_DONE)
            a = sp_tls_handshake(c);
        if (b != SP_TLS_DONE)
            b = sp_tls_handshake(s);
        if (a == SP_TLS_FAIL || b == SP_TLS_FAIL) {
            fprintf(stderr, "handshake failed: %s / %s\n", sp_tls_error(c), sp_tls_error(s));
            return -1;
        }
    }
    if (keep) {
        /* Some data once, as a chat connection has, then idle. */
        size_t n;
        char buf[64];
        sp_tls_write(c, "hello\n", 6, &n);
        sp_tls_read(s, buf, sizeof buf, &n);
        sp_tls_write(s, "hi\n", 3, &n);
        sp_tls_read(c, buf, sizeof buf, &n);
        keep[0] = c;
        keep[1] = s;
        return 0;
    }
    sp_tls_free(c);
    sp_tls_free(s);
    close(fd[0]);
    close(fd[1]);
    return 0;
}

/* The reference: what a program calling OpenSSL itself would do, with
 * its defaults (a server session cache and TLS 1.3 tickets, which the
 * wrapper turns off). */
static int raw(SSL_CTX *cc, SSL_CTX *sc)
{
    int fd[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fd) != 0)
        return -1;
    SSL *c = SSL_new(cc), *s = SSL_new(sc);
    SSL_set_fd(c, fd[0]);
    SSL_set_fd(s, fd[1]);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set_tlsext_host_name(c, "good.test");
    SSL_set1_host(c, "good.test");
    int a = 0, b = 0;
    for (int i = 0; i < 20 && !(a == 1 && b == 1); i++) {
        if (a != 1)
            a = SSL_do_handshake(c);
        if (b != 1)
            b = SSL_do_handshake(s);
    }
    SSL_free(c);
    SSL_free(s);
    close(fd[0]);
    close(fd[1]);
    return a == 1 && b == 1 ? 0 : -1;
}

static SSL_CTX *raw_ctx(int server)
{
    SSL_CTX *c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
    if (server) {
        SSL_CTX_use_certificate_chain_file(c, cert);
        SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM);
    } else {
        SSL_CTX_load_verify_locations(c, cert, NULL);
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
    }
    return c;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    snprintf(cert, sizeof cert, "%s/cert.pem", argv[1]);
    snprintf(key, sizeof key, "%s/key.pem", argv[1]);
    int n = atoi(argv[2]), idle = atoi(argv[3]);
    char err[256];
    sp_tls_ctx *cc = sp_tls_client_ctx(cert, SP_TLS_VERIFY, err, sizeof err);
    sp_tls_ctx *sc = cc ? sp_tls_server_ctx(cert, key, err, sizeof err) : NULL;
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    SSL_CTX *rcc = raw_ctx(0), *rsc = raw_ctx(1);
    double tw = 0, tr = 0;
    for (int round = 0; round < 10; round++) {
        double t0 = cpu_s();
        for (int i = 0; i < n / 10; i++)
            if (wrapped(cc, sc, NULL) != 0)
                return 1;
        double t1 = cpu_s();
        for (int i = 0; i < n / 10; i++)
            if (raw(rcc, rsc) != 0)
                return 1;
        tw += t1 - t0;
        tr += cpu_s() - t1;
    }
    int done = n / 10 * 10;
    printf("handshakes (TLS 1.3, EC P-256, both ends, CPU time): wrapper %.0f/s, OpenSSL directly %.0f/s, "
           "ratio %.2f (target >= 0.9)\n",
           done / tw, done / tr, tr / tw);

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if ((rlim_t)idle * 2 + 64 > rl.rlim_cur)
        idle = (int)((rl.rlim_cur - 64) / 2);
    sp_tls **keep = calloc((size_t)idle * 2, sizeof *keep);
    size_t h0 = mallinfo2().uordblks;
    for (int i = 0; i < idle; i++)
        if (wrapped(cc, sc, keep + 2 * i) != 0)
            return 1;
    size_t h1 = mallinfo2().uordblks;
    for (int i = 0; i < idle; i++)
        sp_tls_free(keep[2 * i]);
    size_t h2 = mallinfo2().uordblks;
    printf("%d idle connections: heap per server end %.1f KiB (10,000: %.0f MiB), per client end %.1f KiB\n", idle,
           (double)(h1 - h0 - (h1 - h2)) / idle / 1024, (double)(h1 - h0 - (h1 - h2)) / idle * 10000 / 1048576,
           (double)(h1 - h2) / idle / 1024);
    return 0;
}
