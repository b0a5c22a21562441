/* IPv4 and IPv6 networks (cidr.h). */
#include "sockpit/core/cidr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned max_prefix(int family) { return family == AF_INET ? 32 : 128; }

void sp_cidr_of(int family, const unsigned char *addr, unsigned prefix, sp_cidr *out)
{
    memset(out, 0, sizeof *out);
    out->family = family;
    out->prefix = prefix > max_prefix(family) ? max_prefix(family) : prefix;
    memcpy(out->addr, addr, family == AF_INET ? 4 : 16);
    unsigned bytes = max_prefix(family) / 8;
    for (unsigned i = 0; i < bytes; i++) {
        unsigned bit0 = i * 8;
        if (bit0 >= out->prefix)
            out->addr[i] = 0;
        else if (bit0 + 8 > out->prefix)
            out->addr[i] &= (unsigned char)(0xff << (8 - (out->prefix - bit0)));
    }
}

int sp_cidr_parse(const char *s, sp_cidr *out, char *err, size_t errlen)
{
    char buf[128];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof buf) {
        snprintf(err, errlen, "'%.60s' is not a network: write it as ADDRESS/PREFIX, e.g. 198.18.0.0/24", s);
        return -1;
    }
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    if (!slash) {
        snprintf(err, errlen, "'%s' has no prefix length: write it as ADDRESS/PREFIX, e.g. %s/24", s, buf);
        return -1;
    }
    *slash = '\0';
    if (buf[0] == '\0') {
        snprintf(err, errlen,
                 "'%s' has no address, so no address family: write an IPv4 or IPv6 network, e.g. 198.18.0.0%s", s,
                 s);
        return -1;
    }
    unsigned char addr[16] = { 0 };
    int family = strchr(buf, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(family, buf, addr) != 1) {
        snprintf(err, errlen, "'%s' is not an IPv%c address", buf, family == AF_INET ? '4' : '6');
        return -1;
    }
    const char *p = slash + 1;
    char *end;
    errno = 0;
    long prefix = strtol(p, &end, 10);
    if (!*p || *end || errno || prefix < 0 || prefix > (long)max_prefix(family) || *p == '+' || *p == '-' ||
        *p == ' ') {
        snprintf(err, errlen, "prefix length '%s' must be a number from 0 to %u", p, max_prefix(family));
        return -1;
    }
    sp_cidr_of(family, addr, (unsigned)prefix, out);
    return 0;
}

void sp_cidr_format(const sp_cidr *c, char *out, size_t cap)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(c->family, c->addr, a, sizeof a);
    snprintf(out, cap, "%s/%u", a, c->prefix);
}

bool sp_cidr_contains(const sp_cidr *c, const struct sockaddr *sa)
{
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    const unsigned char *a;
    int family;
    if (sa->sa_family == AF_INET) {
        a = (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
        family = AF_INET;
    } else if (sa->sa_family == AF_INET6) {
        a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
        family = AF_INET6;
        if (memcmp(a, mapped, 12) == 0) {
            a += 12;
            family = AF_INET;
        }
    } else {
        return false;
    }
    if (family != c->family)
        return false;
    unsigned full = c->prefix / 8u, rest = c->prefix % 8u;
    if (memcmp(c->addr, a, full) != 0)
        return false;
    return rest == 0 || ((a[full] ^ c->addr[full]) & (unsigned char)(0xff << (8 - rest))) == 0;
}
