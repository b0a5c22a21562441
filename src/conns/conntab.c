/* The connection table and its rates. */
#include "sockpit/conns/conntab.h"

#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/proto.h"

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 29);
}

uint64_t sp_conn_key(const sp_diag_sock *s)
{
    uint64_t a, b, c, d;
    memcpy(&a, s->src, 8);
    memcpy(&b, s->src + 8, 8);
    memcpy(&c, s->dst, 8);
    memcpy(&d, s->dst + 8, 8);
    uint64_t h = mix(0x6a09e667f3bcc908ull, (uint64_t)s->proto << 40 | (uint64_t)s->family << 32 |
                                                 (uint64_t)s->sport << 16 | s->dport);
    h = mix(h, s->inode ^ (uint64_t)s->netns << 48);
    h = mix(mix(h, a), b);
    return mix(mix(h, c), d);
}

/* The identity, in an order for sorting after the key. */
static int cmp_identity(const sp_diag_sock *x, const sp_diag_sock *y)
{
    /* Two namespaces can hold the same 5-tuple (a TIME_WAIT has no inode). */
    if (x->netns != y->netns)
        return x->netns < y->netns ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    if (x->inode != y->inode)
        return x->inode < y->inode ? -1 : 1;
    if (x->sport != y->sport)
        return x->sport < y->sport ? -1 : 1;
    if (x->dport != y->dport)
        return x->dport < y->dport ? -1 : 1;
    int c = memcmp(x->src, y->src, 16);
    return c ? c : memcmp(x->dst, y->dst, 16);
}

static int cmp_sock(uint64_t kx, const sp_diag_sock *x, uint64_t ky, const sp_diag_sock *y)
{
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return cmp_identity(x, y);
}

/* refs point into the table being committed: qsort has no context. */
static _Thread_local const sp_diag_sock *sorting;

static int cmp_ref(const void *a, const void *b)
{
    const sp_conn_ref *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return cmp_identity(&sorting[x->at], &sorting[y->at]);
}

void sp_conntab_init(sp_conntab *t)
{
    memset(t, 0, sizeof *t);
    t->linger = SP_CONN_LINGER;
}

void sp_conntab_free(sp_conntab *t)
{
    free(t->v);
    free(t->spare);
    free(t->refs);
    free(t->next);
    memset(t, 0, sizeof *t);
}

void sp_conntab_begin(sp_conntab *t) { t->nnext = 0; }

void sp_conntab_add(sp_conntab *t, const sp_diag_sock *s)
{
    SP_GROW(t->next, t->capnext, t->nnext + 1);
    SP_GROW(t->refs, t->caprefs, t->nnext + 1);
    t->refs[t->nnext] = (sp_conn_ref){ sp_conn_key(s), t->nnext };
    t->next[t->nnext++] = *s;
}

static void take_counts(sp_conn *c)
{
    c->counted = c->s.proto == SP_PROTO_TCP && SP_DIAG_HAS(&c->s, tcpi_bytes_received);
    c->tx_bytes = c->counted ? c->s.info.tcpi_bytes_acked : 0;
    c->rx_bytes = c->counted ? c->s.info.tcpi_bytes_received : 0;
}

static double rate(uint64_t now, uint64_t before, double dt)
{
    return now >= before && dt > 0 ? (double)(now - before) / dt : 0;
}

void sp_conntab_commit(sp_conntab *t, double now)
{
    sorting = t->next;
    if (t->nnext > 1)
        qsort(t->refs, t->nnext, sizeof *t->refs, cmp_ref);
    /* The same socket twice in one dump (a dump racing a change): the last. */
    size_t u = 0;
    for (size_t i = 0; i < t->nnext; i++) {
        if (u && cmp_ref(&t->refs[u - 1], &t->refs[i]) == 0)
            t->refs[u - 1] = t->refs[i];
        else
            t->refs[u++] = t->refs[i];
    }
    size_t nn = u;
    SP_GROW(t->spare, t->capspare, t->n + nn + 1);
    sp_conn *out = t->spare;
    size_t a = 0, b = 0, n = 0;
    double dt = t->last_at > 0 ? now - t->last_at : 0;
    bool first = t->refreshes == 0;
    while (a < t->n || b < nn) {
        const sp_diag_sock *nb = b < nn ? &t->next[t->refs[b].at] : NULL;
        uint64_t kb = nb ? t->refs[b].key : 0;
        int c = !nb ? -1 : a == t->n ? 1 : cmp_sock(t->v[a].key, &t->v[a].s, kb, nb);
        if (c < 0) {
            sp_conn *o = &out[n];
            *o = t->v[a++];
            if (!o->closed) {
                o->closed = true;
                o->closed_at = now;
                o->is_new = false;
                o->tx_bps = o->rx_bps = 0;
            }
            if (now - o->closed_at < t->linger)
                n++;
            continue;
        }
        sp_conn *c2 = &out[n++];
        if (c == 0) {
            *c2 = t->v[a++];
            uint64_t tx = c2->tx_bytes, rx = c2->rx_bytes;
            bool had = c2->counted && !c2->closed;
            c2->s = *nb;
            take_counts(c2);
            c2->rates = had && c2->counted && dt > 0;
            c2->tx_bps = c2->rates ? rate(c2->tx_bytes, tx, dt) : 0;
            c2->rx_bps = c2->rates ? rate(c2->rx_bytes, rx, dt) : 0;
            c2->is_new = false;
            c2->closed = false;
        } else {
            memset(c2, 0, sizeof *c2);
            c2->s = *nb;
            c2->key = kb;
            c2->first_seen = now;
            c2->before = first;
            c2->is_new = !first;
            take_counts(c2);
        }
        b++;
    }
    /* The output becomes the table; the old table the next spare. */
    t->spare = t->v;
    size_t cap = t->capspare;
    t->capspare = t->cap;
    t->v = out;
    t->cap = cap;
    t->n = n;
    t->nnext = 0;
    t->last_at = now;
    t->refreshes++;
}

unsigned sp_conn_service_port(const sp_conn *c)
{
    if (c->service_port)
        return c->service_port;
    return c->s.sport < c->s.dport ? c->s.sport : c->s.dport;
}

const sp_conn *sp_conntab_find(const sp_conntab *t, uint64_t key)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->v[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->v[lo].key == key ? &t->v[lo] : NULL;
}
