/* IPv4 and IPv6 prefixes and the allow/deny rule (cidr.h). */
#include "sockpit/forward/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sp_cidr_parse(const char *s, size_t len, sp_cidr *out, char *err, size_t errlen)
{
    char text[64];
    if (len == 0) {
        snprintf(err, errlen, "an empty address (want CIDR, e.g. 127.0.0.0/8 or ::1)");
        return -1;
    }
    if (len >= sizeof text) {
        snprintf(err, errlen, "'%.40s...' is too long for an address", s);
        return -1;
    }
    memcpy(text, s, len);
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "an address with a NUL byte");
        return -1;
    }
    char *slash = strchr(text, '/');
    long bits = -1;
    if (slash) {
        *slash = '\0';
        char *end;
        bits = strtol(slash + 1, &end, 10);
        if (!slash[1] || *end || slash[1] == '-' || slash[1] == '+' || slash[1] == ' ' || bits < 0 || bits > 128) {
            snprintf(err, errlen, "'%s/%s': the prefix length must be a number (0-32 for IPv4, 0-128 for IPv6)", text,
                     slash + 1);
            return -1;
        }
    }
    sp_cidr c = { 0 };
    if (inet_pton(AF_INET, text, c.addr) == 1) {
        if (bits > 32) {
            snprintf(err, errlen, "'%s/%ld': an IPv4 prefix is at most /32", text, bits);
            return -1;
        }
        c.bits = (uint8_t)(bits < 0 ? 32 : bits);
    } else if (inet_pton(AF_INET6, text, c.addr) == 1) {
        c.v6 = true;
        c.bits = (uint8_t)(bits < 0 ? 128 : bits);
    } else {
        snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address (want e.g. 127.0.0.0/8, 198.18.0.0/15, ::1/128)",
                 text);
        return -1;
    }
    size_t size = c.v6 ? 16 : 4;
    for (size_t i = 0; i < size; i++) {
        int keep = (int)c.bits - (int)(i * 8);
        c.addr[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
    }
    *out = c;
    return 0;
}

static bool same(const sp_cidr *a, const sp_cidr *b)
{
    return a->v6 == b->v6 && a->bits == b->bits && memcmp(a->addr, b->addr, 16) == 0;
}

int sp_cidr_list_add(sp_cidr_list *l, const char *csv, char *err, size_t errlen)
{
    sp_cidr_list copy = *l;
    const char *p = csv;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        sp_cidr c;
        if (sp_cidr_parse(p, n, &c, err, errlen) < 0)
            return -1;
        bool dup = false;
        for (size_t i = 0; i < copy.n && !dup; i++)
            dup = same(&copy.v[i], &c);
        if (!dup) {
            if (copy.n == SP_CIDR_MAX) {
                snprintf(err, errlen, "more than %d prefixes in one list", SP_CIDR_MAX);
                return -1;
            }
            copy.v[copy.n++] = c;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    *l = copy;
    return 0;
}

/* The address of sa as 4 or 16 bytes; an IPv4-mapped IPv6 address as IPv4. */
static bool address_of(const struct sockaddr *sa, uint8_t addr[16], bool *v6)
{
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (sa->sa_family == AF_INET) {
        memcpy(addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        *v6 = false;
        return true;
    }
    if (sa->sa_family != AF_INET6)
        return false;
    const uint8_t *a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
    if (memcmp(a, mapped, 12) == 0) {
        memcpy(addr, a + 12, 4);
        *v6 = false;
    } else {
        memcpy(addr, a, 16);
        *v6 = true;
    }
    return true;
}

static bool in_prefix(const sp_cidr *c, const uint8_t addr[16])
{
    unsigned full = c->bits / 8u, rest = c->bits % 8u;
    if (memcmp(c->addr, addr, full) != 0)
        return false;
    return rest == 0 || ((addr[full] ^ c->addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool sp_cidr_list_match(const sp_cidr_list *l, const struct sockaddr *sa)
{
    uint8_t addr[16];
    bool v6;
    if (!address_of(sa, addr, &v6))
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].v6 == v6 && in_prefix(&l->v[i], addr))
            return true;
    return false;
}

void sp_cidr_format(const sp_cidr *c, char *out, size_t outlen)
{
    char text[INET6_ADDRSTRLEN];
    inet_ntop(c->v6 ? AF_INET6 : AF_INET, c->addr, text, sizeof text);
    snprintf(out, outlen, "%s/%u", text, c->bits);
}

void sp_cidr_list_format(const sp_cidr_list *l, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen)
        out[0] = '\0';
    for (size_t i = 0; i < l->n && used + 1 < outlen; i++) {
        char one[64];
        sp_cidr_format(&l->v[i], one, sizeof one);
        int w = snprintf(out + used, outlen - used, "%s%s", i ? "," : "", one);
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

bool sp_cidr_permits(const sp_cidr_list *allow, const sp_cidr_list *deny, const struct sockaddr *sa)
{
    if (sp_cidr_list_match(deny, sa))
        return false;
    return allow->n == 0 || sp_cidr_list_match(allow, sa);
}
