/* Targets, port sets and the scope rule. */
#include "sockpit/probe/target.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockpit/core/mem.h"

/* ---- targets ---- */

static bool valid_name(const char *s)
{
    size_t n = strlen(s), label = 0;
    if (n == 0 || n > SP_PROBE_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!isalnum(c) && c != '-' && c != '_')
            return false;
        if (++label > 63)
            return false;
    }
    return true;
}

int sp_probe_target_parse(const char *s, sp_probe_target *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    size_t n = strlen(s);
    if (n == 0) {
        snprintf(err, errlen, "the target is empty: give an address, a name or a network such as 198.18.0.0/24");
        return -1;
    }
    if (n > SP_PROBE_NAME_MAX) {
        snprintf(err, errlen, "the target '%.40s...' is longer than %d characters", s, SP_PROBE_NAME_MAX);
        return -1;
    }
    memcpy(t->name, s, n + 1);
    if (strchr(s, '/')) {
        char why[256];
        if (sp_cidr_parse(s, &t->net, why, sizeof why) < 0) {
            snprintf(err, errlen, "target %s", why);
            return -1;
        }
        if (sp_cidr_count(&t->net) > SP_PROBE_MAX_ADDRS) {
            snprintf(err, errlen, "the network '%s' is larger than a /%d; probe at most %d addresses at once", s,
                     t->net.family == AF_INET ? 24 : 120, SP_PROBE_MAX_ADDRS);
            return -1;
        }
        t->kind = SP_TARGET_NET;
        return 0;
    }
    char buf[SP_PROBE_NAME_MAX + 1];
    memcpy(buf, s, n + 1);
    char *p = buf;
    if (p[0] == '[' && n > 2 && p[n - 1] == ']') {
        p[n - 1] = '\0';
        p++;
    }
    if (inet_pton(AF_INET, p, t->addr.addr) == 1) {
        t->addr.family = AF_INET;
        t->kind = SP_TARGET_ADDR;
        return 0;
    }
    if (inet_pton(AF_INET6, p, t->addr.addr) == 1) {
        t->addr.family = AF_INET6;
        t->kind = SP_TARGET_ADDR;
        return 0;
    }
    if (strchr(p, ':') || p != buf) {
        snprintf(err, errlen, "'%s' is not an IPv6 address", s);
        return -1;
    }
    if (!valid_name(p)) {
        snprintf(err, errlen, "'%s' is neither an address nor a host name (letters, digits, '-' and dots)", s);
        return -1;
    }
    t->kind = SP_TARGET_NAME;
    return 0;
}

size_t sp_probe_target_addrs(const sp_probe_target *t, sp_probe_addr *out)
{
    if (t->kind == SP_TARGET_ADDR) {
        out[0] = t->addr;
        return 1;
    }
    if (t->kind != SP_TARGET_NET)
        return 0;
    uint64_t n = sp_cidr_count(&t->net);
    for (uint64_t i = 0; i < n; i++) {
        out[i].family = t->net.family;
        memset(out[i].addr, 0, sizeof out[i].addr);
        sp_cidr_nth(&t->net, i, out[i].addr);
    }
    return (size_t)n;
}

void sp_probe_addr_format(const sp_probe_addr *a, bool with_brackets, char *out, size_t cap)
{
    char ip[INET6_ADDRSTRLEN];
    if (!inet_ntop(a->family, a->addr, ip, sizeof ip))
        snprintf(ip, sizeof ip, "?");
    if (with_brackets && a->family == AF_INET6)
        snprintf(out, cap, "[%s]", ip);
    else
        snprintf(out, cap, "%s", ip);
}

int sp_probe_addr_cmp(const sp_probe_addr *a, const sp_probe_addr *b)
{
    if (a->family != b->family)
        return a->family == AF_INET ? -1 : 1;
    return memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

/* ---- ports ---- */

/* Chosen from the services file's names: see the header. */
const uint16_t sp_top_ports[SP_TOP_PORTS] = {
    7, 9, 13, 20, 21, 22, 23, 25, 37, 43, 53, 70,
    79, 80, 88, 106, 110, 111, 113, 119, 135, 139, 143, 161,
    179, 199, 389, 427, 443, 445, 464, 465, 512, 513, 514, 515,
    543, 544, 548, 554, 563, 587, 631, 636, 749, 853, 873, 989,
    990, 992, 993, 995, 1080, 1099, 1194, 1352, 1433, 1812, 1813, 2000,
    2049, 2401, 2947, 3260, 3306, 3389, 3493, 3690, 4369, 4899, 4949, 5060,
    5061, 5222, 5269, 5432, 5666, 5667, 5671, 5672, 6000, 6001, 6379, 6514,
    6566, 6667, 6697, 7000, 8080, 8081, 8088, 8140, 9101, 9102, 9103, 9418,
    10000, 10050, 10051, 11371,
};

static int parse_port(const char *s, size_t n, unsigned *out)
{
    if (n == 0 || n > 5)
        return -1;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return -1;
    *out = v;
    return 0;
}

int sp_portset_parse(const char *s, sp_portset *out, char *err, size_t errlen)
{
    out->v = NULL;
    out->n = 0;
    if (!*s) {
        snprintf(err, errlen, "the port list is empty: give e.g. 22,80,443, 1-1024, top100 or all");
        return -1;
    }
    /* A bitmap collects the ports: repeats and overlaps fall away, and the
     * set comes out ascending. */
    unsigned char *seen = sp_xcalloc(65536 / 8, 1);
    const char *p = s;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        unsigned lo = 0, hi = 0;
        const char *dash = memchr(p, '-', n);
        if (n == 6 && strncmp(p, "top100", 6) == 0) {
            for (size_t i = 0; i < SP_TOP_PORTS; i++)
                seen[sp_top_ports[i] / 8] |= (unsigned char)(1u << (sp_top_ports[i] % 8));
        } else if (n == 3 && strncmp(p, "all", 3) == 0) {
            lo = 1;
            hi = 65535;
        } else if (dash ? parse_port(p, (size_t)(dash - p), &lo) < 0 ||
                              parse_port(dash + 1, n - (size_t)(dash - p) - 1, &hi) < 0
                        : parse_port(p, n, &lo) < 0) {
            snprintf(err, errlen, "port '%.*s' must be a number from 1 to 65535, a range LO-HI, top100 or all",
                     (int)(n > 40 ? 40 : n), p);
            free(seen);
            return -1;
        } else if (!dash) {
            hi = lo;
        } else if (hi < lo) {
            snprintf(err, errlen, "port range '%.*s' runs backwards (write LO-HI)", (int)n, p);
            free(seen);
            return -1;
        }
        for (unsigned v = lo; lo && v <= hi; v++)
            seen[v / 8] |= (unsigned char)(1u << (v % 8));
        if (!end)
            break;
        p = end + 1;
    }
    size_t count = 0;
    for (unsigned v = 1; v <= 65535; v++)
        count += (seen[v / 8] >> (v % 8)) & 1u;
    out->v = sp_xreallocarray(NULL, count, sizeof *out->v);
    for (unsigned v = 1; v <= 65535; v++)
        if ((seen[v / 8] >> (v % 8)) & 1u)
            out->v[out->n++] = (uint16_t)v;
    free(seen);
    return 0;
}

void sp_portset_free(sp_portset *p)
{
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

/* ---- scope ---- */

static bool in_prefix(const unsigned char *a, const unsigned char *net, unsigned prefix)
{
    unsigned full = prefix / 8, rest = prefix % 8;
    if (memcmp(a, net, full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[full] & mask) == (net[full] & mask);
}

static sp_scope fixed_scope(const sp_probe_addr *a)
{
    const unsigned char *b = a->addr;
    if (a->family == AF_INET) {
        if (b[0] == 127)
            return SP_SCOPE_LOOPBACK;
        if (b[0] == 169 && b[1] == 254)
            return SP_SCOPE_LINKLOCAL;
        if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168))
            return SP_SCOPE_PRIVATE;
        if (b[0] == 100 && (b[1] & 0xc0) == 64)
            return SP_SCOPE_CGNAT;
        return SP_SCOPE_OUTSIDE;
    }
    static const unsigned char loop6[16] = { [15] = 1 };
    if (memcmp(b, loop6, 16) == 0)
        return SP_SCOPE_LOOPBACK;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return SP_SCOPE_LINKLOCAL;
    if ((b[0] & 0xfe) == 0xfc)
        return SP_SCOPE_ULA;
    /* An IPv4-mapped address is judged as the IPv4 address it carries. */
    static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
    if (memcmp(b, mapped, 12) == 0) {
        sp_probe_addr v4 = { .family = AF_INET };
        memcpy(v4.addr, b + 12, 4);
        return fixed_scope(&v4);
    }
    return SP_SCOPE_OUTSIDE;
}

sp_scope sp_probe_scope(const sp_probe_addr *a, const sp_neigh_table *t)
{
    sp_scope s = fixed_scope(a);
    if (s != SP_SCOPE_OUTSIDE || !t)
        return s;
    size_t alen = a->family == AF_INET ? 4 : 16;
    for (size_t i = 0; i < t->nlinks; i++) {
        const sp_link *l = &t->links[i];
        for (size_t k = 0; k < l->naddrs; k++) {
            const sp_ifaddr *ia = &l->addrs[k];
            if (ia->family != a->family)
                continue;
            if (memcmp(ia->addr, a->addr, alen) == 0)
                return SP_SCOPE_LOCAL;
            unsigned widest = a->family == AF_INET ? 16 : 64;
            if (ia->prefixlen >= widest && in_prefix(a->addr, ia->addr, ia->prefixlen))
                return SP_SCOPE_LOCAL;
        }
    }
    for (size_t i = 0; i < t->count; i++) {
        const sp_neigh *n = t->items[i];
        if (n->family == a->family && memcmp(n->addr, a->addr, alen) == 0)
            return n->self ? SP_SCOPE_LOCAL : SP_SCOPE_NEIGHBOUR;
    }
    return SP_SCOPE_OUTSIDE;
}

const char *sp_scope_name(sp_scope s)
{
    switch (s) {
    case SP_SCOPE_LOOPBACK: return "loopback";
    case SP_SCOPE_LINKLOCAL: return "link-local";
    case SP_SCOPE_PRIVATE: return "private (RFC 1918)";
    case SP_SCOPE_ULA: return "unique local (ULA)";
    case SP_SCOPE_CGNAT: return "shared (CGNAT)";
    case SP_SCOPE_LOCAL: return "a local network";
    case SP_SCOPE_NEIGHBOUR: return "a neighbour";
    case SP_SCOPE_OUTSIDE: break;
    }
    return "outside";
}

void sp_probe_scope_refusal(const sp_probe_addr *a, char *out, size_t cap)
{
    char ip[64];
    sp_probe_addr_format(a, false, ip, sizeof ip);
    snprintf(out, cap,
             "%s is not loopback, private, link-local, CGNAT, a neighbour or on a local network; "
             "add --any-address to probe it anyway",
             ip);
}
