#define _GNU_SOURCE
/* The smallest epoll server for the chat protocol: reads whole frames and
 * answers each with one fixed frame. The reference for `sockpit serve`.
 * Usage: chat_refserver PORT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct conn {
    int fd;
    unsigned char in[4096];
    size_t have;
} conn;

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), on = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 1024) < 0) {
        perror("bind");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    static const unsigned char reply[] = "\x06\x00\x00\x00" "Hello!";
    unsigned char out[65536];
    struct epoll_event evs[256];
    for (;;) {
        int k = epoll_wait(ep, evs, 256, -1);
        for (int e = 0; e < k; e++) {
            conn *c = evs[e].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                    conn *n = calloc(1, sizeof *n);
                    n->fd = fd;
                    struct epoll_event ce = { .events = EPOLLIN, .data.ptr = n };
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
                }
                continue;
            }
            ssize_t r = read(c->fd, c->in + c->have, sizeof c->in - c->have);
            if (r <= 0) {
                close(c->fd);
                free(c);
                continue;
            }
            c->have += (size_t)r;
            size_t off = 0, o = 0;
            while (c->have - off >= 4) {
                int32_t fl;
                memcpy(&fl, c->in + off, 4);
                if (fl < 0 || c->have - off < 4 + (size_t)fl)
                    break;
                off += 4 + (size_t)fl;
                memcpy(out + o, reply, 10);
                o += 10;
            }
            memmove(c->in, c->in + off, c->have - off);
            c->have -= off;
            if (o && write(c->fd, out, o) < 0) {
                close(c->fd);
                free(c);
            }
        }
    }
}
