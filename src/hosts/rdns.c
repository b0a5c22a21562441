/* PTR lookups with ares_query (no search domains) and a TTL cache. The
 * cache is a chained hash of heap entries, so an entry's address stays put
 * while c-ares holds it as the callback argument. */
#include "sockpit/hosts/rdns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"

#define NEG_TTL 60.0      /* NXDOMAIN / no PTR: seconds */
#define FAIL_TTL 10.0     /* no answer: ask again soon */
#define MIN_TTL 1.0
#define MAX_TTL 86400.0
#define MAX_ENTRIES 262144

typedef struct waiter {
    sp_rdns_cb *cb;
    void *ud;
} waiter;

typedef struct entry {
    struct entry *next;
    struct sp_rdns *owner;
    int family;
    unsigned char addr[16];
    char *answer;         /* NULL until the first answer */
    double expires;       /* monotonic */
    bool pending;
    waiter *w;
    size_t nw, capw;
} entry;

struct sp_rdns {
    sp_dns *dns;
    entry **buckets;
    size_t nbuckets, count, pending;
    bool dead;            /* the channel is gone */
};

static size_t alen(int family) { return family == AF_INET ? 4 : 16; }

static size_t hash(int family, const unsigned char *addr)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)family;
    for (size_t i = 0; i < alen(family); i++)
        h = (h ^ addr[i]) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

sp_rdns *sp_rdns_new(sp_dns *dns)
{
    sp_rdns *r = sp_xcalloc(1, sizeof *r);
    r->dns = dns;
    r->nbuckets = 1024;
    r->buckets = sp_xcalloc(r->nbuckets, sizeof *r->buckets);
    return r;
}

static void free_entry(entry *e)
{
    free(e->answer);
    free(e->w);
    free(e);
}

void sp_rdns_free(sp_rdns *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nbuckets; i++)
        for (entry *e = r->buckets[i], *n; e; e = n) {
            n = e->next;
            free_entry(e);
        }
    free(r->buckets);
    free(r);
}

size_t sp_rdns_pending(const sp_rdns *r) { return r->pending; }

int sp_rdns_ptr_name(int family, const void *addr, char *out, size_t cap)
{
    const unsigned char *a = addr;
    int n;
    if (family == AF_INET) {
        n = snprintf(out, cap, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
    } else if (family == AF_INET6) {
        static const char hex[] = "0123456789abcdef";
        if (cap < 74)
            return -1;
        char *p = out;
        for (int i = 15; i >= 0; i--) {
            *p++ = hex[a[i] & 15];
            *p++ = '.';
            *p++ = hex[a[i] >> 4];
            *p++ = '.';
        }
        memcpy(p, "ip6.arpa", sizeof "ip6.arpa");
        return 0;
    } else {
        return -1;
    }
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

long sp_rdns_answer_ttl(const unsigned char *abuf, int alen_)
{
    if (!abuf || alen_ < 12)
        return -1;
    unsigned qd = (unsigned)abuf[4] << 8 | abuf[5], an = (unsigned)abuf[6] << 8 | abuf[7];
    const unsigned char *p = abuf + 12, *end = abuf + alen_;
    for (unsigned i = 0; i < qd; i++) {
        char *name;
        long enc;
        if (ares_expand_name(p, abuf, alen_, &name, &enc) != ARES_SUCCESS)
            return -1;
        ares_free_string(name);
        if (end - p < enc + 4)
            return -1;
        p += enc + 4;
    }
    long best = -1;
    for (unsigned i = 0; i < an; i++) {
        char *name;
        long enc;
        if (ares_expand_name(p, abuf, alen_, &name, &enc) != ARES_SUCCESS)
            return -1;
        ares_free_string(name);
        if (end - p < enc + 10)
            return -1;
        p += enc;
        unsigned type = (unsigned)p[0] << 8 | p[1];
        unsigned long ttl = (unsigned long)p[4] << 24 | (unsigned long)p[5] << 16 | (unsigned long)p[6] << 8 | p[7];
        unsigned rdlen = (unsigned)p[8] << 8 | p[9];
        if (end - p < 10 + (long)rdlen)
            return -1;
        p += 10 + rdlen;
        if (ttl > 0x7fffffffUL)
            ttl = 0; /* RFC 2181: a TTL with the top bit set means zero */
        if ((type == T_PTR || type == T_CNAME) && (best < 0 || (long)ttl < best))
            best = (long)ttl;
    }
    return best;
}

static entry *find(sp_rdns *r, int family, const unsigned char *addr)
{
    for (entry *e = r->buckets[hash(family, addr) & (r->nbuckets - 1)]; e; e = e->next)
        if (e->family == family && memcmp(e->addr, addr, alen(family)) == 0)
            return e;
    return NULL;
}

/* Twice the buckets, every entry moved over: a rehash, so not SP_GROW. */
static void rehash(sp_rdns *r)
{
    size_t nb = r->nbuckets * 2;
    entry **b = sp_xcalloc(nb, sizeof *b);
    for (size_t i = 0; i < r->nbuckets; i++)
        for (entry *e = r->buckets[i], *n; e; e = n) {
            n = e->next;
            size_t h = hash(e->family, e->addr) & (nb - 1);
            e->next = b[h];
            b[h] = e;
        }
    free(r->buckets);
    r->buckets = b;
    r->nbuckets = nb;
}

/* Drops answered entries that have expired, to bound the cache. */
static void prune(sp_rdns *r)
{
    double now = sp_now();
    for (size_t i = 0; i < r->nbuckets; i++)
        for (entry **pe = &r->buckets[i]; *pe;) {
            entry *e = *pe;
            if (!e->pending && e->expires <= now) {
                *pe = e->next;
                free_entry(e);
                r->count--;
            } else {
                pe = &e->next;
            }
        }
}

static void finish(entry *e, const char *answer, double ttl)
{
    free(e->answer);
    e->answer = sp_xstrdup(answer);
    e->expires = sp_now() + ttl;
    e->pending = false;
    e->owner->pending--;
    /* Detach the waiters first: a callback may ask for more lookups. */
    waiter *w = e->w;
    size_t nw = e->nw;
    e->w = NULL;
    e->nw = e->capw = 0;
    unsigned char addr[16];
    memcpy(addr, e->addr, sizeof addr);
    int family = e->family;
    const char *shown = e->answer;
    for (size_t i = 0; i < nw; i++)
        if (w[i].cb)
            w[i].cb(w[i].ud, family, addr, shown);
    free(w);
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen_)
{
    (void)timeouts;
    entry *e = arg;
    if (status == ARES_EDESTRUCTION) {
        e->owner->dead = true;
        e->pending = false;
        e->owner->pending--;
        free(e->w);
        e->w = NULL;
        e->nw = e->capw = 0;
        return;
    }
    if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
        finish(e, SP_RDNS_NONAME, NEG_TTL);
        return;
    }
    struct hostent *he = NULL;
    if (status != ARES_SUCCESS ||
        ares_parse_ptr_reply(abuf, alen_, e->addr, (int)alen(e->family), e->family, &he) != ARES_SUCCESS) {
        finish(e, SP_RDNS_NOANSWER, FAIL_TTL);
        return;
    }
    double ttl = (double)sp_rdns_answer_ttl(abuf, alen_);
    if (ttl < MIN_TTL)
        ttl = MIN_TTL;
    if (ttl > MAX_TTL)
        ttl = MAX_TTL;
    finish(e, he->h_name && *he->h_name ? he->h_name : SP_RDNS_NONAME, ttl);
    ares_free_hostent(he);
}

const char *sp_rdns_lookup(sp_rdns *r, int family, const void *addr, sp_rdns_cb *cb, void *ud)
{
    if (family != AF_INET && family != AF_INET6)
        return SP_RDNS_NOANSWER;
    if (r->dead)
        return SP_RDNS_NOANSWER;
    entry *e = find(r, family, addr);
    if (e && !e->pending && e->answer && e->expires > sp_now())
        return e->answer;
    if (!e) {
        if (r->count >= MAX_ENTRIES)
            prune(r);
        if (r->count >= r->nbuckets)
            rehash(r);
        e = sp_xcalloc(1, sizeof *e);
        e->owner = r;
        e->family = family;
        memcpy(e->addr, addr, alen(family));
        size_t h = hash(family, e->addr) & (r->nbuckets - 1);
        e->next = r->buckets[h];
        r->buckets[h] = e;
        r->count++;
    }
    if (cb) {
        SP_GROW(e->w, e->capw, e->nw + 1);
        e->w[e->nw++] = (waiter){ cb, ud };
    }
    if (!e->pending) {
        char qname[80];
        sp_rdns_ptr_name(family, addr, qname, sizeof qname);
        e->pending = true;
        r->pending++;
        /* May call on_answer at once (e.g. no servers). */
        ares_query(sp_dns_channel(r->dns), qname, C_IN, T_PTR, on_answer, e);
    }
    return NULL;
}

void sp_rdns_cancel(sp_rdns *r, void *ud)
{
    for (size_t i = 0; i < r->nbuckets; i++)
        for (entry *e = r->buckets[i]; e; e = e->next)
            for (size_t k = 0; k < e->nw; k++)
                if (e->w[k].ud == ud)
                    e->w[k].cb = NULL;
}
