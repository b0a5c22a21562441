/* TLS load for `sockpit serve --tls-cert`, through sockpit_tls (the same
 * wrapper the chat client uses; no verification: the server's cost is the
 * same). Every socket is non-blocking in one epoll.
 *   rt PORT CLIENTS SECONDS  closed-loop round trips ("hello"), per second
 *   hs PORT CONCURRENCY SECONDS  full handshakes (connect, handshake, close), per second
 *   idle PORT N  N connections with the handshake done, at most 64 handshakes at a time
 *                (the server drops one that takes longer than --frame-timeout); prints
 *                "ready", then holds them */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockpit/tls/tls.h"

typedef struct conn {
    int fd;
    sp_tls *t;
    int ready;
    unsigned char in[4096];
    size_t have;
} conn;

static sp_tls_ctx *ctx;
static int ep, port;
static unsigned char req[16];
static size_t reql;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void want(conn *c, sp_tls_status st, int op)
{
    struct epoll_event ev = { .events = st == SP_TLS_WANT_WRITE ? EPOLLOUT : EPOLLIN, .data.ptr = c };
    epoll_ctl(ep, op, c->fd, &ev);
}

static void dial(conn *c)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int on = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) {
        perror("connect");
        exit(1);
    }
    c->t = sp_tls_client(ctx, c->fd, NULL);
    c->ready = 0;
    c->have = 0;
    want(c, SP_TLS_WANT_WRITE, EPOLL_CTL_ADD);
}

static void hang_up(conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    sp_tls_free(c->t);
    close(c->fd);
}

static void send_req(conn *c)
{
    size_t n;
    if (sp_tls_write(c->t, req, reql, &n) != SP_TLS_DONE || n != reql) {
        fprintf(stderr, "write: %s\n", sp_tls_error(c->t));
        exit(1);
    }
}

/* Drives c's handshake; 1 once done. */
static int step(conn *c)
{
    sp_tls_status st = sp_tls_handshake(c->t);
    if (st == SP_TLS_DONE) {
        c->ready = 1;
        want(c, SP_TLS_WANT_READ, EPOLL_CTL_MOD);
        return 1;
    }
    if (st != SP_TLS_WANT_READ && st != SP_TLS_WANT_WRITE) {
        fprintf(stderr, "handshake: %s\n", sp_tls_error(c->t));
        exit(1);
    }
    want(c, st, EPOLL_CTL_MOD);
    return 0;
}

/* Reads replies; returns how many whole frames came. */
static unsigned long replies(conn *c)
{
    unsigned long k = 0;
    for (;;) {
        size_t r;
        sp_tls_status st = sp_tls_read(c->t, c->in + c->have, sizeof c->in - c->have, &r);
        if (st == SP_TLS_WANT_READ)
            break;
        if (st != SP_TLS_DONE) {
            fprintf(stderr, "read: %s\n", sp_tls_error(c->t));
            exit(1);
        }
        c->have += r;
        int whole = 0;
        while (c->have >= 4) {
            int32_t fl;
            memcpy(&fl, c->in, 4);
            if (c->have < 4 + (size_t)fl)
                break;
            memmove(c->in, c->in + 4 + fl, c->have - 4 - (size_t)fl);
            c->have -= 4 + (size_t)fl;
            k++;
            whole = 1;
        }
        if (whole && !sp_tls_pending(c->t))
            break;
    }
    return k;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: chat_tlsload rt PORT CLIENTS SECS | hs PORT CONC SECS | idle PORT N\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    char err[300];
    ctx = sp_tls_client_ctx(NULL, SP_TLS_INSECURE, err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    port = atoi(argv[2]);
    int n = atoi(argv[3]);
    double secs = argc > 4 ? atof(argv[4]) : 0;
    reql = 9;
    int32_t l = 5;
    memcpy(req, &l, 4);
    memcpy(req + 4, "hello", 5);
    ep = epoll_create1(0);
    conn *cs = calloc((size_t)n, sizeof *cs);
    const char *mode = argv[1];
    int idle = strcmp(mode, "idle") == 0, hs = strcmp(mode, "hs") == 0;
    int dialed = idle && n > 64 ? 64 : n;
    for (int i = 0; i < dialed; i++)
        dial(&cs[i]);
    unsigned long count = 0;
    int done = 0;
    double start = now(), end = start + secs;
    struct epoll_event evs[256];
    while (idle ? done < n : now() < end) {
        int k = epoll_wait(ep, evs, 256, 100);
        for (int e = 0; e < k; e++) {
            conn *c = evs[e].data.ptr;
            if (!c->ready) {
                if (!step(c))
                    continue;
                if (idle) {
                    done++;
                    if (dialed < n)
                        dial(&cs[dialed++]);
                } else if (hs) {
                    count++;
                    hang_up(c);
                    dial(c);
                } else {
                    send_req(c);
                }
                continue;
            }
            unsigned long got = replies(c);
            count += got;
            for (unsigned long i = 0; i < got; i++)
                send_req(c);
        }
    }
    if (idle) {
        printf("ready\n");
        fflush(stdout);
        pause();
        return 0;
    }
    printf("%.0f\n", (double)count / (now() - start));
    return 0;
}
