/* Address sets: append, then sort + de-duplicate once; compare and diff by
 * walking two sorted arrays. */
#include "sockpit/dns/addrset.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"

void sp_addrset_init(sp_addrset *s) { memset(s, 0, sizeof *s); }

void sp_addrset_free(sp_addrset *s)
{
    free(s->v);
    sp_addrset_init(s);
}

void sp_addrset_clear(sp_addrset *s) { s->n = 0; }

void sp_addrset_add(sp_addrset *s, bool v6, const void *bytes)
{
    SP_GROW(s->v, s->cap, s->n + 1);
    sp_addr *a = &s->v[s->n++];
    memset(a, 0, sizeof *a);
    a->v6 = v6;
    memcpy(a->b, bytes, v6 ? 16 : 4);
}

int sp_addrset_order(const sp_addr *a, const sp_addr *b)
{
    if (a->v6 != b->v6)
        return a->v6 < b->v6 ? -1 : 1;
    return memcmp(a->b, b->b, 16);
}

static int cmp_qsort(const void *a, const void *b) { return sp_addrset_order(a, b); }

void sp_addrset_normalize(sp_addrset *s)
{
    if (s->n < 2)
        return;
    qsort(s->v, s->n, sizeof *s->v, cmp_qsort);
    size_t w = 1;
    for (size_t r = 1; r < s->n; r++)
        if (sp_addrset_order(&s->v[r], &s->v[w - 1]) != 0)
            s->v[w++] = s->v[r];
    s->n = w;
}

void sp_addrset_copy(sp_addrset *dst, const sp_addrset *src)
{
    SP_GROW(dst->v, dst->cap, src->n);
    if (src->n)
        memcpy(dst->v, src->v, src->n * sizeof *src->v);
    dst->n = src->n;
}

bool sp_addrset_equal(const sp_addrset *a, const sp_addrset *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof *a->v) == 0);
}

void sp_addrset_diff(const sp_addrset *old, const sp_addrset *new, sp_addrset *added, sp_addrset *removed)
{
    if (added)
        sp_addrset_clear(added);
    if (removed)
        sp_addrset_clear(removed);
    size_t i = 0, j = 0;
    while (i < old->n || j < new->n) {
        int c = i == old->n ? 1 : j == new->n ? -1 : sp_addrset_order(&old->v[i], &new->v[j]);
        if (c < 0) {
            if (removed)
                sp_addrset_add(removed, old->v[i].v6, old->v[i].b);
            i++;
        } else if (c > 0) {
            if (added)
                sp_addrset_add(added, new->v[j].v6, new->v[j].b);
            j++;
        } else {
            i++;
            j++;
        }
    }
}

const char *sp_addr_str(const sp_addr *a, char *buf)
{
    if (!inet_ntop(a->v6 ? AF_INET6 : AF_INET, a->b, buf, SP_ADDR_STRLEN))
        snprintf(buf, SP_ADDR_STRLEN, "?");
    return buf;
}

size_t sp_addrset_format(const sp_addrset *s, const char *sep, char *buf, size_t cap)
{
    size_t len = 0, seplen = strlen(sep);
    if (cap)
        buf[0] = '\0';
    for (size_t i = 0; i < s->n; i++) {
        char a[SP_ADDR_STRLEN];
        sp_addr_str(&s->v[i], a);
        const char *parts[2] = { i ? sep : "", a };
        size_t plen[2] = { i ? seplen : 0, strlen(a) };
        for (int k = 0; k < 2; k++) {
            if (len < cap) {
                size_t room = cap - 1 - len;
                size_t n = plen[k] < room ? plen[k] : room;
                memcpy(buf + len, parts[k], n);
                buf[len + n] = '\0';
            }
            len += plen[k];
        }
    }
    return len;
}

int sp_addrset_parse(const char *s, size_t len, sp_addrset *out)
{
    sp_addrset_clear(out);
    size_t i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == ','))
            i++;
        size_t start = i;
        while (i < len && s[i] != ',' && s[i] != ' ')
            i++;
        if (i == start)
            break;
        char buf[SP_ADDR_STRLEN];
        if (i - start >= sizeof buf)
            return -1;
        memcpy(buf, s + start, i - start);
        buf[i - start] = '\0';
        unsigned char b[16];
        if (inet_pton(AF_INET, buf, b) == 1)
            sp_addrset_add(out, false, b);
        else if (inet_pton(AF_INET6, buf, b) == 1)
            sp_addrset_add(out, true, b);
        else
            return -1;
    }
    sp_addrset_normalize(out);
    return 0;
}
