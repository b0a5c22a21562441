/* The set of listening sockets and the /proc/net parser that fills it. */
#include "sockpit/services/listen.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/parse.h"

#define TCP_LISTEN 0x0A
#define UDP_UNCONNECTED 0x07 /* TCP_CLOSE: bound, takes datagrams from anyone */

void sp_listen_init(sp_listen_set *s) { memset(s, 0, sizeof *s); }

void sp_listen_free(sp_listen_set *s)
{
    free(s->v);
    sp_listen_init(s);
}

void sp_listen_clear(sp_listen_set *s)
{
    s->n = 0;
    s->malformed = 0;
}

void sp_listen_add(sp_listen_set *s, const sp_listener *l)
{
    SP_GROW(s->v, s->cap, s->n + 1);
    s->v[s->n++] = *l;
}

int sp_listen_copy(sp_listen_set *dst, const sp_listen_set *src)
{
    SP_GROW(dst->v, dst->cap, src->n);
    if (src->n)
        memcpy(dst->v, src->v, src->n * sizeof *src->v);
    dst->n = src->n;
    dst->malformed = src->malformed;
    return 0;
}

static bool same(const sp_listener *a, const sp_listener *b)
{
    return a->inode == b->inode && a->pid == b->pid && a->port == b->port && a->proto == b->proto &&
           a->family == b->family && memcmp(a->addr, b->addr, sizeof a->addr) == 0 &&
           strcmp(a->comm, b->comm) == 0;
}

bool sp_listen_equal(const sp_listen_set *a, const sp_listen_set *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!same(&a->v[i], &b->v[i]))
            return false;
    return true;
}

/* ---- parsing /proc/net ---- */

static bool parse_hex(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 16)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int h = sp_hexval(s[i]);
        if (h < 0)
            return false;
        v = v << 4 | (uint64_t)h;
    }
    *out = v;
    return true;
}

static bool parse_dec(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* "0100007F:0035": the kernel prints each 32-bit word of the address as a
 * host-order number, so storing the numbers back gives the bytes. */
static bool parse_local(const char *s, size_t len, sp_listener *l)
{
    const char *colon = memchr(s, ':', len);
    if (!colon)
        return false;
    size_t alen = (size_t)(colon - s), plen = len - alen - 1;
    if (alen != 8 && alen != 32)
        return false;
    uint64_t port;
    if (!parse_hex(colon + 1, plen, &port) || port > 65535)
        return false;
    for (size_t w = 0; w < alen / 8; w++) {
        uint64_t v;
        if (!parse_hex(s + w * 8, 8, &v))
            return false;
        uint32_t word = (uint32_t)v;
        memcpy(l->addr + w * 4, &word, 4);
    }
    l->family = alen == 8 ? 4 : 6;
    l->port = (uint16_t)port;
    return true;
}

enum { F_LOCAL = 1, F_STATE = 3, F_UID = 7, F_INODE = 9, F_NEED = 10 };

void sp_listen_parse(sp_listen_set *s, const char *buf, size_t len, int proto)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *tok[F_NEED];
        size_t tlen[F_NEED], nt = 0;
        const char *q = p;
        while (q < e && nt < F_NEED) {
            while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
                q++;
            if (q == e)
                break;
            tok[nt] = q;
            while (q < e && *q != ' ' && *q != '\t' && *q != '\r')
                q++;
            tlen[nt] = (size_t)(q - tok[nt]);
            nt++;
        }
        p = nl ? nl + 1 : end;
        if (nt == 0)
            continue;
        if (nt >= 2 && tlen[1] == 13 && memcmp(tok[1], "local_address", 13) == 0)
            continue; /* the header */
        sp_listener l = { .proto = (uint8_t)proto };
        uint64_t st, uid, inode;
        if (nt < F_NEED || tok[0][tlen[0] - 1] != ':' || !parse_local(tok[F_LOCAL], tlen[F_LOCAL], &l) ||
            !parse_hex(tok[F_STATE], tlen[F_STATE], &st) || !parse_dec(tok[F_UID], tlen[F_UID], &uid) ||
            !parse_dec(tok[F_INODE], tlen[F_INODE], &inode) || uid > UINT32_MAX) {
            s->malformed++;
            continue;
        }
        bool listening = proto == SP_PROTO_TCP ? st == TCP_LISTEN : st == UDP_UNCONNECTED && l.port != 0;
        if (!listening)
            continue;
        l.uid = (uint32_t)uid;
        l.inode = inode;
        sp_listen_add(s, &l);
    }
}

static int cmp_listener(const void *a, const void *b)
{
    const sp_listener *x = a, *y = b;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    int c = memcmp(x->addr, y->addr, sizeof x->addr);
    if (c)
        return c;
    return (x->inode > y->inode) - (x->inode < y->inode);
}

void sp_listen_sort(sp_listen_set *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_listener);
}

size_t sp_listen_find(const sp_listen_set *s, unsigned port, int proto, size_t *first)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sp_listener *l = &s->v[mid];
        if (l->port < port || (l->port == port && proto >= 0 && l->proto < proto))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < s->n && s->v[lo + n].port == port && (proto < 0 || s->v[lo + n].proto == proto))
        n++;
    *first = lo;
    return n;
}

void sp_listen_addr(const sp_listener *l, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];
    if (l->family == 4) {
        inet_ntop(AF_INET, l->addr, a, sizeof a);
        snprintf(buf, len, "%s:%u", a, l->port);
    } else {
        inet_ntop(AF_INET6, l->addr, a, sizeof a);
        snprintf(buf, len, "[%s]:%u", a, l->port);
    }
}

bool sp_listen_past_listeners(const char *buf, size_t *len)
{
    const char *end = memrchr(buf, '\n', *len);
    if (!end)
        return false;
    const char *line = end;
    while (line > buf && line[-1] != '\n')
        line--;
    const char *q = line;
    for (int field = 0; field < 3; field++) {
        while (q < end && *q == ' ')
            q++;
        while (q < end && *q != ' ')
            q++;
    }
    while (q < end && *q == ' ')
        q++;
    if (end - q < 2 || (q + 2 < end && q[2] != ' ') || sp_hexval(q[0]) < 0 || sp_hexval(q[1]) < 0)
        return false; /* the header, or not a socket line */
    if (q[0] == '0' && (q[1] == 'A' || q[1] == 'a'))
        return false;
    *len = (size_t)(end - buf) + 1; /* drop the partial line after it */
    return true;
}
