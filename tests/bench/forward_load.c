/* Load for the forwarder's benchmarks, all on 127.0.0.1:
 *   forward_load sink PORT            server: reads and discards, any number of clients
 *   forward_load echo PORT            server: echoes
 *   forward_load send PORT MIB        one connection sends MIB MiB: prints MiB/s
 *   forward_load pingpong PORT SECS   1-byte round trips for SECS: prints round trips/s
 *   forward_load multi PORT CONNS SECS  CONNS connections send for SECS: prints MiB/s in total
 *   forward_load idle PORT N          holds N idle connections, prints "ready" */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 20];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in addr(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return a;
}

static int dial(int port)
{
    struct sockaddr_in a = addr(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("connect");
        exit(1);
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return fd;
}

static int serve(int port, int echo)
{
    struct sockaddr_in a = addr(port);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), on = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4096) < 0)
        return 1;
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = l };
    epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
    printf("ready\n");
    fflush(stdout);
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == l) {
                int c;
                while ((c = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                    struct epoll_event cev = { .events = EPOLLIN, .data.fd = c };
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r == 0 || (r < 0 && errno != EAGAIN)) {
                close(fd);
                continue;
            }
            /* The echo's reader is the closed-loop client: it never has
             * more than a round trip in flight, so this write completes. */
            if (r > 0 && echo && write(fd, buf, (size_t)r) < 0)
                close(fd);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *mode = argv[1];
    int port = atoi(argv[2]);
    if (!strcmp(mode, "sink") || !strcmp(mode, "echo"))
        return serve(port, !strcmp(mode, "echo"));
    if (!strcmp(mode, "send") && argc == 4) {
        long long total = atoll(argv[3]) << 20, sent = 0;
        int fd = dial(port);
        double t0 = now();
        while (sent < total) {
            ssize_t w = write(fd, buf, sizeof buf);
            if (w <= 0)
                return 1;
            sent += w;
        }
        shutdown(fd, SHUT_WR);
        while (read(fd, buf, sizeof buf) > 0)
            ;
        printf("%.0f\n", (double)sent / (1 << 20) / (now() - t0));
        return 0;
    }
    if (!strcmp(mode, "pingpong") && argc == 4) {
        int fd = dial(port);
        double secs = atof(argv[3]), t0 = now();
        long n = 0;
        char b = 'x';
        while (now() - t0 < secs) {
            for (int k = 0; k < 100; k++, n++)
                if (write(fd, &b, 1) != 1 || read(fd, &b, 1) != 1)
                    return 1;
        }
        printf("%.0f\n", n / (now() - t0));
        return 0;
    }
    if (!strcmp(mode, "multi") && argc == 5) {
        int conns = atoi(argv[3]);
        double secs = atof(argv[4]);
        int ep = epoll_create1(0);
        for (int i = 0; i < conns; i++) {
            int fd = dial(port);
            struct epoll_event ev = { .events = EPOLLOUT, .data.fd = fd };
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        }
        struct epoll_event evs[256];
        double t0 = now();
        long long sent = 0;
        while (now() - t0 < secs) {
            int n = epoll_wait(ep, evs, 256, 100);
            for (int i = 0; i < n; i++) {
                ssize_t w = send(evs[i].data.fd, buf, 65536, MSG_DONTWAIT);
                if (w > 0)
                    sent += w;
            }
        }
        printf("%.0f\n", (double)sent / (1 << 20) / (now() - t0));
        return 0;
    }
    if (!strcmp(mode, "idle") && argc == 4) {
        int n = atoi(argv[3]);
        for (int i = 0; i < n; i++)
            dial(port);
        printf("ready\n");
        fflush(stdout);
        pause();
        return 0;
    }
    return 2;
}
