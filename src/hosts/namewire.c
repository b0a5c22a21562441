/* Wire formats of mDNS, LLMNR and NBSTAT (namewire.h). Every length is
 * checked against the message before it is read. */
#include "sockpit/hosts/namewire.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sockpit/core/parse.h"
#include "sockpit/hosts/rdns.h"

#define T_A 1
#define T_PTR 12
#define T_AAAA 28
#define T_NBSTAT 33
#define C_IN 1
#define QU_BIT 0x8000u

static unsigned get16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

/* One label byte in presentation form. */
static size_t escape_byte(unsigned char c, char *out)
{
    if (c < 0x20 || c == 0x7f) {
        snprintf(out, 5, "\\%03u", c);
        return 4;
    }
    if (c == '.' || c == '\\') {
        out[0] = '\\';
        out[1] = (char)c;
        return 2;
    }
    out[0] = (char)c;
    return 1;
}

long sp_dnswire_name(const unsigned char *msg, size_t len, size_t off, char *out, size_t cap)
{
    if (cap < SP_WIRE_NAME_MAX)
        return -1;
    size_t pos = off, limit = off, wire = 0, used = 0;
    long end = -1;
    out[0] = '\0';
    for (;;) {
        if (pos >= len)
            return -1;
        unsigned char c = msg[pos];
        if (c == 0) {
            if (end < 0)
                end = (long)pos + 1;
            out[used] = '\0';
            return end;
        }
        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= len)
                return -1;
            size_t to = (size_t)(c & 0x3f) << 8 | msg[pos + 1];
            /* Each jump lands before every place visited so far: no loop. */
            if (to >= limit)
                return -1;
            if (end < 0)
                end = (long)pos + 2;
            pos = limit = to;
            continue;
        }
        if (c & 0xc0)
            return -1; /* 0x40 and 0x80: reserved label types */
        if (pos + 1 + c > len)
            return -1;
        wire += (size_t)c + 1;
        if (wire > 254)
            return -1; /* with the root byte over 255 */
        if (used)
            out[used++] = '.';
        for (size_t i = 0; i < c; i++)
            used += escape_byte(msg[pos + 1 + i], out + used);
        pos += 1 + (size_t)c;
    }
}

static size_t put_name(const char *text, unsigned char *out, size_t cap)
{
    size_t used = 0, n = strlen(text);
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && text[i] != '.')
            continue;
        size_t l = i - start;
        if (l == 0 || l > 63 || used + 1 + l + 1 > cap)
            return 0;
        out[used++] = (unsigned char)l;
        memcpy(out + used, text + start, l);
        used += l;
        start = i + 1;
    }
    out[used++] = 0;
    return used;
}

size_t sp_dnswire_ptr_query(uint16_t id, int family, const void *addr, bool qu, unsigned char *out, size_t cap)
{
    char qname[80];
    if ((family != AF_INET && family != AF_INET6) || cap < 12 || sp_rdns_ptr_name(family, addr, qname, sizeof qname) < 0)
        return 0;
    memset(out, 0, 12);
    put16(out, id);
    put16(out + 4, 1);
    size_t n = put_name(qname, out + 12, cap - 12);
    if (!n || 12 + n + 4 > cap)
        return 0;
    put16(out + 12 + n, T_PTR);
    put16(out + 12 + n + 2, C_IN | (qu ? QU_BIT : 0));
    return 12 + n + 4;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

bool sp_reverse_name_addr(const char *name, int *family, unsigned char addr[16])
{
    size_t n = strlen(name);
    if (n && name[n - 1] == '.')
        n--;
    if (ends_with(name, n, ".in-addr.arpa")) {
        unsigned v[4];
        size_t p = 0, stop = n - strlen(".in-addr.arpa");
        for (int i = 0; i < 4; i++) {
            if (i && (p >= stop || name[p++] != '.'))
                return false;
            size_t digits = 0;
            v[i] = 0;
            while (p < stop && name[p] >= '0' && name[p] <= '9' && digits < 3) {
                v[i] = v[i] * 10 + (unsigned)(name[p++] - '0');
                digits++;
            }
            if (!digits || v[i] > 255)
                return false;
        }
        if (p != stop)
            return false;
        memset(addr, 0, 16);
        for (int i = 0; i < 4; i++)
            addr[3 - i] = (unsigned char)v[i];
        *family = AF_INET;
        return true;
    }
    if (ends_with(name, n, ".ip6.arpa") && n == 64 + strlen("ip6.arpa")) {
        memset(addr, 0, 16);
        for (size_t i = 0; i < 32; i++) {
            int h = sp_hexval(name[2 * i]);
            if (h < 0 || name[2 * i + 1] != '.')
                return false;
            /* The first nibble is the last of the address. */
            addr[15 - i / 2] |= (unsigned char)(i % 2 ? h << 4 : h);
        }
        *family = AF_INET6;
        return true;
    }
    return false;
}

int sp_dnswire_names(const unsigned char *msg, size_t len, sp_wire_name *out, size_t max, uint16_t *id)
{
    if (len < 12 || !(msg[2] & 0x80))
        return -1;
    if (id)
        *id = (uint16_t)get16(msg);
    unsigned qd = get16(msg + 4);
    unsigned long rr = (unsigned long)get16(msg + 6) + get16(msg + 8) + get16(msg + 10);
    char owner[SP_WIRE_NAME_MAX], target[SP_WIRE_NAME_MAX];
    size_t pos = 12;
    for (unsigned i = 0; i < qd; i++) {
        long e = sp_dnswire_name(msg, len, pos, owner, sizeof owner);
        if (e < 0 || (size_t)e + 4 > len)
            return -1;
        pos = (size_t)e + 4;
    }
    size_t n = 0;
    for (unsigned long i = 0; i < rr && n < max; i++) {
        long e = sp_dnswire_name(msg, len, pos, owner, sizeof owner);
        if (e < 0 || (size_t)e + 10 > len)
            break;
        const unsigned char *p = msg + e;
        unsigned type = get16(p), cls = get16(p + 2) & 0x7fffu; /* the mDNS cache-flush bit */
        size_t rdlen = get16(p + 8), rd = (size_t)e + 10;
        if (rd + rdlen > len)
            break;
        pos = rd + rdlen;
        if (cls != C_IN)
            continue;
        sp_wire_name *w = &out[n];
        if (type == T_PTR) {
            long t = sp_dnswire_name(msg, rd + rdlen, rd, target, sizeof target);
            if (t < 0 || (size_t)t != rd + rdlen || !target[0] || !sp_reverse_name_addr(owner, &w->family, w->addr))
                continue;
            memcpy(w->name, target, strlen(target) + 1);
            n++;
        } else if ((type == T_A && rdlen == 4) || (type == T_AAAA && rdlen == 16)) {
            if (!owner[0])
                continue;
            w->family = type == T_A ? AF_INET : AF_INET6;
            memset(w->addr, 0, sizeof w->addr);
            memcpy(w->addr, msg + rd, rdlen);
            memcpy(w->name, owner, strlen(owner) + 1);
            n++;
        }
    }
    return (int)n;
}

bool sp_dnswire_question_addr(const unsigned char *msg, size_t len, int *family, unsigned char addr[16])
{
    char q[SP_WIRE_NAME_MAX];
    if (len < 12 || get16(msg + 4) < 1 || sp_dnswire_name(msg, len, 12, q, sizeof q) < 0)
        return false;
    return sp_reverse_name_addr(q, family, addr);
}

void sp_nbstat_query(uint16_t id, unsigned char out[SP_NBSTAT_QUERY_LEN])
{
    memset(out, 0, SP_NBSTAT_QUERY_LEN);
    put16(out, id);
    put16(out + 4, 1);
    out[12] = 32;
    /* "*" and fifteen NULs, each nibble as a letter from 'A' (RFC 1001 14.1). */
    for (int i = 0; i < 16; i++) {
        unsigned char c = i == 0 ? '*' : 0;
        out[13 + 2 * i] = (unsigned char)('A' + (c >> 4));
        out[14 + 2 * i] = (unsigned char)('A' + (c & 15));
    }
    out[45] = 0;
    put16(out + 46, T_NBSTAT);
    put16(out + 48, C_IN);
}

/* A 15-byte NetBIOS name without its padding, in presentation form. */
static void nb_name(const unsigned char *p, char *out, size_t cap)
{
    size_t n = 15, used = 0;
    while (n && (p[n - 1] == ' ' || p[n - 1] == 0))
        n--;
    for (size_t i = 0; i < n && used + 5 < cap; i++)
        used += escape_byte(p[i], out + used);
    out[used] = '\0';
}

int sp_nbstat_parse(const unsigned char *msg, size_t len, sp_nbstat *out)
{
    memset(out, 0, sizeof *out);
    if (len < 12 || !(msg[2] & 0x80) || get16(msg + 6) < 1)
        return -1;
    out->id = (uint16_t)get16(msg);
    char owner[SP_WIRE_NAME_MAX];
    size_t pos = 12;
    for (unsigned i = 0, qd = get16(msg + 4); i < qd; i++) {
        long e = sp_dnswire_name(msg, len, pos, owner, sizeof owner);
        if (e < 0 || (size_t)e + 4 > len)
            return -1;
        pos = (size_t)e + 4;
    }
    long e = sp_dnswire_name(msg, len, pos, owner, sizeof owner);
    if (e < 0 || (size_t)e + 10 > len)
        return -1;
    const unsigned char *p = msg + e;
    size_t rdlen = get16(p + 8), rd = (size_t)e + 10;
    if (get16(p) != T_NBSTAT || rd + rdlen > len || rdlen < 1)
        return -1;
    unsigned count = msg[rd];
    if (1 + (size_t)count * 18 > rdlen)
        return -1;
    for (unsigned i = 0; i < count; i++) {
        const unsigned char *nm = msg + rd + 1 + (size_t)i * 18;
        unsigned suffix = nm[15], flags = get16(nm + 16);
        bool group = flags & 0x8000u;
        if (!group && !out->name[0] && (suffix == 0x00 || suffix == 0x20))
            nb_name(nm, out->name, sizeof out->name);
        else if (group && !out->group[0] && suffix == 0x00)
            nb_name(nm, out->group, sizeof out->group);
    }
    size_t stats = rd + 1 + (size_t)count * 18;
    if (stats + 6 <= rd + rdlen) {
        memcpy(out->mac, msg + stats, 6);
        out->has_mac = true;
    }
    return 0;
}
