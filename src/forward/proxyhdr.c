/* PROXY protocol v1 and v2 headers (proxyhdr.h). */
#include "sockpit/forward/proxyhdr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct endpoint {
    int family; /* AF_INET, AF_INET6, or 0: unknown */
    uint8_t addr[16];
    uint16_t port; /* host order */
} endpoint;

static endpoint endpoint_of(const struct sockaddr *sa)
{
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    endpoint e = { 0 };
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)sa;
        e.family = AF_INET;
        memcpy(e.addr, &v4->sin_addr, 4);
        e.port = ntohs(v4->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)(const void *)sa;
        e.port = ntohs(v6->sin6_port);
        if (memcmp(v6->sin6_addr.s6_addr, mapped, 12) == 0) {
            e.family = AF_INET;
            memcpy(e.addr, v6->sin6_addr.s6_addr + 12, 4);
        } else {
            e.family = AF_INET6;
            memcpy(e.addr, v6->sin6_addr.s6_addr, 16);
        }
    }
    return e;
}

static size_t v1(const endpoint *s, const endpoint *d, uint8_t *out)
{
    if (!s->family || s->family != d->family) {
        int n = snprintf((char *)out, SP_PROXY_HEADER_MAX, "PROXY UNKNOWN\r\n");
        return n > 0 ? (size_t)n : 0;
    }
    char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN];
    inet_ntop(s->family, s->addr, sa, sizeof sa);
    inet_ntop(d->family, d->addr, da, sizeof da);
    int n = snprintf((char *)out, SP_PROXY_HEADER_MAX, "PROXY %s %s %s %u %u\r\n",
                     s->family == AF_INET ? "TCP4" : "TCP6", sa, da, s->port, d->port);
    return n > 0 && n < SP_PROXY_HEADER_MAX ? (size_t)n : 0;
}

static size_t v2(const endpoint *s, const endpoint *d, uint8_t *out)
{
    static const uint8_t sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };
    memcpy(out, sig, sizeof sig);
    bool known = s->family && s->family == d->family;
    /* Version 2; PROXY, or LOCAL when the addresses cannot be told. */
    out[12] = known ? 0x21 : 0x20;
    size_t alen = !known ? 0 : s->family == AF_INET ? 4 : 16;
    /* TCP over IPv4 (0x11) or IPv6 (0x21); UNSPEC with LOCAL. */
    out[13] = !known ? 0x00 : s->family == AF_INET ? 0x11 : 0x21;
    size_t body = 2 * alen + (known ? 4 : 0);
    out[14] = (uint8_t)(body >> 8);
    out[15] = (uint8_t)body;
    uint8_t *p = out + 16;
    if (known) {
        memcpy(p, s->addr, alen);
        memcpy(p + alen, d->addr, alen);
        p += 2 * alen;
        *p++ = (uint8_t)(s->port >> 8);
        *p++ = (uint8_t)s->port;
        *p++ = (uint8_t)(d->port >> 8);
        *p++ = (uint8_t)d->port;
    }
    return (size_t)(p - out);
}

size_t sp_proxy_header(int version, const struct sockaddr *src, const struct sockaddr *dst, uint8_t *out)
{
    endpoint s = endpoint_of(src), d = endpoint_of(dst);
    if (version == 1)
        return v1(&s, &d, out);
    if (version == 2)
        return v2(&s, &d, out);
    return 0;
}
