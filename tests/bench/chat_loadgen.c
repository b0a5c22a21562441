/* Closed-loop load generator for the chat protocol: N connections, each
 * sends one frame and waits for the whole reply before sending the next.
 * Prints round-trips per second. With --idle it opens N connections, sends
 * nothing, prints "ready" and holds them until killed.
 * Usage: chat_loadgen PORT CLIENTS SECONDS [MESSAGE] | chat_loadgen --idle PORT N */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct conn {
    int fd;
    unsigned char in[4096];
    size_t have;
} conn;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("connect");
        exit(1);
    }
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--idle") == 0) {
        int port = atoi(argv[2]), n = atoi(argv[3]);
        for (int i = 0; i < n; i++)
            dial(port);
        printf("ready\n");
        fflush(stdout);
        pause();
        return 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: chat_loadgen PORT CLIENTS SECONDS [MESSAGE]\n");
        return 2;
    }
    int port = atoi(argv[1]), n = atoi(argv[2]);
    double secs = atof(argv[3]);
    const char *msg = argc > 4 ? argv[4] : "hello";
    size_t ml = strlen(msg);
    unsigned char req[512];
    int32_t l = (int32_t)ml;
    memcpy(req, &l, 4);
    memcpy(req + 4, msg, ml);
    int ep = epoll_create1(0);
    conn *cs = calloc((size_t)n, sizeof *cs);
    for (int i = 0; i < n; i++) {
        cs[i].fd = dial(port);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cs[i] };
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
        if (write(cs[i].fd, req, 4 + ml) < 0)
            return 1;
    }
    uint64_t trips = 0;
    double start = now(), end = start + secs;
    struct epoll_event evs[256];
    while (now() < end) {
        int k = epoll_wait(ep, evs, 256, 100);
        for (int e = 0; e < k; e++) {
            conn *c = evs[e].data.ptr;
            ssize_t r = read(c->fd, c->in + c->have, sizeof c->in - c->have);
            if (r <= 0) {
                fprintf(stderr, "server closed a connection\n");
                return 1;
            }
            c->have += (size_t)r;
            while (c->have >= 4) {
                int32_t fl;
                memcpy(&fl, c->in, 4);
                if (c->have < 4 + (size_t)fl)
                    break;
                memmove(c->in, c->in + 4 + fl, c->have - 4 - (size_t)fl);
                c->have -= 4 + (size_t)fl;
                trips++;
                if (write(c->fd, req, 4 + ml) < 0)
                    return 1;
            }
        }
    }
    double dt = now() - start;
    printf("%.0f\n", (double)trips / dt);
    return 0;
}
