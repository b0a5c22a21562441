/* Socket options and address text for the chat client and server. */
#include "sockpit/core/sockopt.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>

int sp_sock_keepalive(int fd, const sp_keepalive *ka)
{
    int on = ka->on ? 1 : 0;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) < 0)
        return -1;
    if (!on)
        return 0;
    if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &ka->idle, sizeof ka->idle) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &ka->intvl, sizeof ka->intvl) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &ka->cnt, sizeof ka->cnt) < 0)
        return -1;
    return 0;
}

int sp_sock_get_keepalive(int fd, sp_keepalive *ka)
{
    int on = 0;
    socklen_t l = sizeof on;
    if (getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, &l) < 0)
        return -1;
    ka->on = on != 0;
    l = sizeof ka->idle;
    if (getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &ka->idle, &l) < 0)
        return -1;
    l = sizeof ka->intvl;
    if (getsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &ka->intvl, &l) < 0)
        return -1;
    l = sizeof ka->cnt;
    return getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &ka->cnt, &l);
}

int sp_sock_nodelay(int fd)
{
    int on = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

void sp_sock_addr_str(const struct sockaddr *sa, char *out, size_t outlen)
{
    char ip[INET6_ADDRSTRLEN];
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &s->sin_addr, ip, sizeof ip);
        snprintf(out, outlen, "%s:%u", ip, ntohs(s->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof ip);
        snprintf(out, outlen, "[%s]:%u", ip, ntohs(s->sin6_port));
    } else {
        snprintf(out, outlen, "?");
    }
}

int sp_sock_parse_ip(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return 0;
    }
    return -1;
}

void sp_keepalive_str(const sp_keepalive *ka, char *out, size_t outlen)
{
    if (ka->on)
        snprintf(out, outlen, "keep-alive %d/%d/%d", ka->idle, ka->intvl, ka->cnt);
    else
        snprintf(out, outlen, "keep-alive off");
}
