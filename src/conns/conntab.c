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

/* Whether two sockets are the same one (the key may collide). */
static bool same_identity(const sp_diag_sock *x, const sp_diag_sock *y)
{
    return x->netns == y->netns && x->proto == y->proto && x->family == y->family && x->inode == y->inode &&
           x->sport == y->sport && x->dport == y->dport && memcmp(x->src, y->src, 16) == 0 &&
           memcmp(x->dst, y->dst, 16) == 0;
}

static void index_put(sp_conntab *t, size_t i)
{
    size_t mask = t->nslots - 1;
    for (size_t h = (size_t)t->v[i].key & mask;; h = (h + 1) & mask) {
        if (!t->slots[h]) {
            t->slots[h] = (uint32_t)i + 1;
            return;
        }
    }
}

/* Rebuilds the index for want rows at least, the load kept below half. */
static void reindex(sp_conntab *t, size_t want)
{
    size_t ns = 64;
    while (ns < 2 * want)
        ns <<= 1;
    if (ns != t->nslots) {
        free(t->slots);
        t->slots = sp_xcalloc(ns, sizeof *t->slots);
        t->nslots = ns;
    } else {
        memset(t->slots, 0, ns * sizeof *t->slots);
    }
    for (size_t i = 0; i < t->n; i++)
        index_put(t, i);
}

/* The row with this key (and identity, when s is given), or NULL. */
static sp_conn *lookup(const sp_conntab *t, uint64_t key, const sp_diag_sock *s)
{
    if (!t->nslots)
        return NULL;
    size_t mask = t->nslots - 1;
    for (size_t h = (size_t)key & mask; t->slots[h]; h = (h + 1) & mask) {
        sp_conn *c = &t->v[t->slots[h] - 1];
        if (c->key == key && (!s || same_identity(&c->s, s)))
            return c;
    }
    return NULL;
}

void sp_conntab_init(sp_conntab *t)
{
    memset(t, 0, sizeof *t);
    t->linger = SP_CONN_LINGER;
}

void sp_conntab_free(sp_conntab *t)
{
    free(t->v);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

void sp_conntab_abort(sp_conntab *t)
{
    if (!t->feeding)
        return;
    t->feeding = false;
    t->n = t->published;
    for (size_t i = 0; i < t->n; i++) {
        sp_conn *c = &t->v[i];
        if (c->seen == t->dump) {
            c->counted = c->had;
            c->tx_bytes = c->prev_tx;
            c->rx_bytes = c->prev_rx;
        }
    }
    reindex(t, t->n);
}

void sp_conntab_begin(sp_conntab *t)
{
    sp_conntab_abort(t);
    t->dump++;
    t->feeding = true;
}

static void take_counts(sp_conn *c)
{
    c->counted = c->s.proto == SP_PROTO_TCP && SP_DIAG_HAS(&c->s, tcpi_bytes_received);
    c->tx_bytes = c->counted ? c->s.info.tcpi_bytes_acked : 0;
    c->rx_bytes = c->counted ? c->s.info.tcpi_bytes_received : 0;
}

void sp_conntab_add(sp_conntab *t, const sp_diag_sock *s)
{
    uint64_t key = sp_conn_key(s);
    sp_conn *c = lookup(t, key, s);
    if (!c) {
        if (2 * (t->n + 1) > t->nslots)
            reindex(t, 2 * (t->n + 1));
        SP_GROW(t->v, t->cap, t->n + 1);
        c = &t->v[t->n];
        memset(c, 0, sizeof *c);
        c->key = key;
        c->fresh = true;
        index_put(t, t->n++);
    } else if (c->seen != t->dump) {
        /* The same socket twice in one dump (a dump racing a change): the
         * last counts, against what came before the dump. */
        c->had = c->counted;
        c->prev_tx = c->tx_bytes;
        c->prev_rx = c->rx_bytes;
    }
    c->seen = t->dump;
    c->s = *s;
    take_counts(c);
}

static double rate(uint64_t now, uint64_t before, double dt)
{
    return now >= before && dt > 0 ? (double)(now - before) / dt : 0;
}

void sp_conntab_commit(sp_conntab *t, double now)
{
    double dt = t->last_at > 0 ? now - t->last_at : 0;
    bool first = t->refreshes == 0;
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++) {
        sp_conn *c = &t->v[i];
        if (c->seen != t->dump) {
            if (t->host_only && c->s.netns)
                continue;
            if (!c->closed) {
                c->closed = true;
                c->closed_at = now;
                c->is_new = false;
                c->tx_bps = c->rx_bps = 0;
            }
            if (now - c->closed_at >= t->linger)
                continue;
        } else if (c->fresh) {
            c->fresh = false;
            c->first_seen = now;
            c->before = first;
            c->is_new = !first;
        } else {
            c->rates = c->had && !c->closed && c->counted && dt > 0;
            c->tx_bps = c->rates ? rate(c->tx_bytes, c->prev_tx, dt) : 0;
            c->rx_bps = c->rates ? rate(c->rx_bytes, c->prev_rx, dt) : 0;
            c->is_new = false;
            c->closed = false;
        }
        if (n != i)
            t->v[n] = *c;
        n++;
    }
    t->n = t->published = n;
    /* A crowd that left gives its memory back. */
    if (t->cap > 1024 && n < t->cap / 4) {
        t->cap = 2 * n;
        t->v = sp_xreallocarray(t->v, t->cap, sizeof *t->v);
    }
    reindex(t, n);
    t->feeding = false;
    t->last_at = now;
    t->refreshes++;
}

unsigned sp_conn_service_port(const sp_conn *c)
{
    if (c->service_port)
        return c->service_port;
    return c->s.sport < c->s.dport ? c->s.sport : c->s.dport;
}

const sp_conn *sp_conntab_find(const sp_conntab *t, uint64_t key) { return lookup(t, key, NULL); }
