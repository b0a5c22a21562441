/* Grouping of the connection table. */
#include "sockpit/conns/conngroup.h"

#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"

void sp_conn_groups_init(sp_conn_groups *g, int by)
{
    memset(g, 0, sizeof *g);
    g->by = by;
}

void sp_conn_groups_free(sp_conn_groups *g)
{
    free(g->v);
    memset(g, 0, sizeof *g);
}

const char *sp_conn_by_name(int by)
{
    static const char *const names[SP_BY_COUNT] = { "by connection", "by process", "by remote host",
                                                     "by local service" };
    return by >= 0 && by < SP_BY_COUNT ? names[by] : "?";
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 31);
}

uint64_t sp_conn_group_key(int by, const sp_conn *c)
{
    uint64_t a, b;
    switch (by) {
    case SP_BY_PROCESS:
        return mix(1, (uint64_t)(unsigned)c->pid);
    case SP_BY_REMOTE:
        memcpy(&a, c->s.dst, 8);
        memcpy(&b, c->s.dst + 8, 8);
        return mix(mix(mix(mix(2, c->s.family), a), b), c->s.netns);
    case SP_BY_SERVICE:
        return mix(mix(mix(3, c->s.proto), sp_conn_service_port(c)), c->s.netns);
    default:
        return c->key;
    }
}

typedef struct item {
    uint64_t key;
    size_t conn;
} item;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->conn > y->conn) - (x->conn < y->conn);
}

void sp_conn_groups_update(sp_conn_groups *g, const sp_conntab *t)
{
    item *it = sp_xreallocarray(NULL, t->n ? t->n : 1, sizeof *it);
    for (size_t i = 0; i < t->n; i++)
        it[i] = (item){ sp_conn_group_key(g->by, &t->v[i]), i };
    qsort(it, t->n, sizeof *it, cmp_item);
    /* Groups are few beside the connections: grown as they come. */
    sp_conn_group *out = NULL;
    size_t n = 0, cap = 0, old = 0;
    for (size_t i = 0; i < t->n;) {
        const sp_conn *c = &t->v[it[i].conn];
        sp_conn_group gr;
        memset(&gr, 0, sizeof gr);
        gr.key = it[i].key;
        gr.pid = g->by == SP_BY_PROCESS ? c->pid : 0;
        if (g->by == SP_BY_PROCESS)
            memcpy(gr.comm, c->comm, sizeof gr.comm);
        gr.family = c->s.family;
        memcpy(gr.addr, c->s.dst, 16);
        gr.proto = c->s.proto;
        gr.port = (uint16_t)sp_conn_service_port(c);
        gr.netns = c->s.netns;
        for (; i < t->n && it[i].key == gr.key; i++) {
            c = &t->v[it[i].conn];
            gr.count++;
            gr.closed += c->closed;
            gr.tx_bytes += c->tx_bytes;
            gr.rx_bytes += c->rx_bytes;
            gr.tx_bps += c->tx_bps;
            gr.rx_bps += c->rx_bps;
            if (g->by == SP_BY_PROCESS && !gr.comm[0])
                memcpy(gr.comm, c->comm, sizeof gr.comm);
        }
        while (old < g->n && g->v[old].key < gr.key)
            old++;
        if (old < g->n && g->v[old].key == gr.key) {
            memcpy(gr.hist, g->v[old].hist, sizeof gr.hist);
            gr.nhist = g->v[old].nhist;
        }
        if (gr.nhist == SP_CONN_HIST) {
            memmove(gr.hist, gr.hist + 1, (SP_CONN_HIST - 1) * sizeof *gr.hist);
            gr.nhist--;
        }
        gr.hist[gr.nhist++] = (float)(gr.tx_bps + gr.rx_bps);
        SP_GROW(out, cap, n + 1);
        out[n++] = gr;
    }
    free(it);
    free(g->v);
    g->v = out;
    g->n = n;
    g->cap = cap;
}
