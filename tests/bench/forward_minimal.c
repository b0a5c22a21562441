/* The reference for the forwarder's benchmarks: the least a splice
 * forwarder does. epoll, a pipe per direction, no limits, no logging, no
 * half-close subtleties beyond passing EOF on. Usage: forward_minimal
 * LISTEN_PORT TARGET_PORT (both on 127.0.0.1). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct side side;
struct side {
    int fd, pipe[2];
    size_t inpipe;
    side *peer;
    int eof;
};

static int ep;

static void arm(side *s)
{
    struct epoll_event ev = { .events = EPOLLIN | (s->peer->inpipe ? EPOLLOUT : 0), .data.ptr = s };
    if (s->eof)
        ev.events &= ~EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
}

static void drop(side *s)
{
    side *p = s->peer;
    close(s->fd);
    close(p->fd);
    close(s->pipe[0]);
    close(s->pipe[1]);
    close(p->pipe[0]);
    close(p->pipe[1]);
    free(s < p ? s : p);
}

/* Moves bytes from s through its pipe to its peer. Returns -1 when done. */
static int pump(side *s)
{
    side *d = s->peer;
    for (;;) {
        int moved = 0;
        if (s->inpipe) {
            ssize_t w = splice(s->pipe[0], NULL, d->fd, NULL, s->inpipe, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
            if (w > 0) {
                s->inpipe -= (size_t)w;
                moved = 1;
            } else if (w < 0 && errno != EAGAIN)
                return -1;
        }
        if (!s->eof && s->inpipe < 65536) {
            ssize_t r = splice(s->fd, NULL, s->pipe[1], NULL, 65536 - s->inpipe, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
            if (r > 0) {
                s->inpipe += (size_t)r;
                moved = 1;
            } else if (r == 0) {
                s->eof = 1;
            } else if (errno != EAGAIN)
                return -1;
        }
        if (s->eof && !s->inpipe) {
            shutdown(d->fd, SHUT_WR);
            if (d->eof && !d->inpipe)
                return -1;
        }
        if (!moved)
            return 0;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    struct sockaddr_in la = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    struct sockaddr_in ta = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    inet_pton(AF_INET, "127.0.0.1", &la.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &ta.sin_addr);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), on = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(l, (struct sockaddr *)&la, sizeof la) < 0 || listen(l, 4096) < 0)
        return 1;
    ep = epoll_create1(0);
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(ep, EPOLL_CTL_ADD, l, &lev);
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            side *s = evs[i].data.ptr;
            if (!s) {
                int c;
                while ((c = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    int t = socket(AF_INET, SOCK_STREAM, 0);
                    if (connect(t, (struct sockaddr *)&ta, sizeof ta) < 0) {
                        close(t);
                        close(c);
                        continue;
                    }
                    fcntl(t, F_SETFL, O_NONBLOCK);
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                    setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                    side *pair = calloc(2, sizeof *pair);
                    pair[0].fd = c;
                    pair[1].fd = t;
                    pair[0].peer = &pair[1];
                    pair[1].peer = &pair[0];
                    for (int k = 0; k < 2; k++) {
                        if (pipe2(pair[k].pipe, O_NONBLOCK) < 0)
                            return 1;
                        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &pair[k] };
                        epoll_ctl(ep, EPOLL_CTL_ADD, pair[k].fd, &ev);
                    }
                }
                continue;
            }
            side *p = s->peer;
            if (pump(s) < 0 || pump(p) < 0) {
                drop(s);
                /* Later events of this batch may name the freed pair. */
                break;
            }
            arm(s);
            arm(p);
        }
    }
}
