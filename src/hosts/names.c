/* mDNS, LLMNR and NBSTAT in the loop (names.h). The cache is an array of
 * entries found by the address text (a strset); asks wait in a ring, are
 * sent by a token bucket on a short timer that runs only while there is
 * something to send or to wait for, and are answered or time out in the
 * order they were sent. */
#include "sockpit/hosts/names.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/strset.h"
#include "sockpit/hosts/namewire.h"

#define MDNS_PORT 5353
#define LLMNR_PORT 5355
#define NBNS_PORT 137
#define TICK 0.02
#define BURST 20.0
#define REASK 120.0          /* seconds before an address is asked again */
#define PER_SOURCE 3         /* names kept per address and source */
#define RECV_BUDGET 64       /* datagrams read per wake-up: a flood cannot starve the loop */
#define NOTIFY_DELAY 0.1
#define QUEUE_MAX SP_NAMES_MAX_ENTRIES
#define DGRAM_MAX 9000       /* RFC 6762 17: the largest mDNS message */
#define MSG_NAMES 32

typedef enum { S_MDNS4, S_MDNS6, S_LLMNR4, S_LLMNR6, S_NBNS4, S_PASSIVE4, S_PASSIVE6, S_COUNT } sock_kind;

typedef struct sock {
    struct sp_names *owner;
    int fd;
    sock_kind kind;
} sock;

typedef struct entry {
    int family;
    unsigned char addr[16];
    char key[SP_IPSTR_MAX];
    sp_hostname names[SP_NEIGH_NAMES];
    size_t nnames;
    double asked;         /* monotonic; 0: never */
    unsigned waiting;     /* sources sent and not yet answered */
    bool queued;
} entry;

typedef struct job {
    int family;
    unsigned char addr[16];
    int ifindex;
    double deadline;
} job;

typedef struct ring {
    job *items;
    size_t head, count, cap;
} ring;

struct sp_names {
    sp_loop *loop;
    sp_names_config cfg;
    sp_names_fn *changed;
    void *ud;
    sock socks[S_COUNT];
    entry *entries;
    size_t count, cap, evict;
    sp_strset index;
    ring queue, inflight;
    size_t nwaiting;
    double tokens, last_tick;
    uint64_t tick_timer, notify_timer;
    uint16_t next_id;
    int *joined;
    size_t njoined, capjoined;
    sp_names_stats stats;
    char note[200];
};

static size_t alen(int family) { return family == AF_INET ? 4 : 16; }

static unsigned sock_source(sock_kind k)
{
    switch (k) {
    case S_LLMNR4: case S_LLMNR6: return SP_SRC_LLMNR;
    case S_NBNS4: return SP_SRC_NBNS;
    default: return SP_SRC_MDNS;
    }
}

static bool ring_push(ring *r, const job *j)
{
    if (r->count >= QUEUE_MAX)
        return false;
    if (r->count == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 64;
        job *items = sp_xreallocarray(NULL, ncap, sizeof *items);
        for (size_t i = 0; i < r->count; i++)
            items[i] = r->items[(r->head + i) % r->cap];
        free(r->items);
        r->items = items;
        r->cap = ncap;
        r->head = 0;
    }
    r->items[(r->head + r->count++) % r->cap] = *j;
    return true;
}

static job *ring_front(ring *r) { return r->count ? &r->items[r->head] : NULL; }

static void ring_pop(ring *r)
{
    r->head = (r->head + 1) % r->cap;
    r->count--;
}

/* ---- the cache ---- */

static void addr_key(int family, const unsigned char *addr, char *out)
{
    inet_ntop(family, addr, out, SP_IPSTR_MAX);
}

static entry *find(const sp_names *n, int family, const unsigned char *addr)
{
    char key[SP_IPSTR_MAX];
    size_t i;
    addr_key(family, addr, key);
    return sp_strset_find(&n->index, key, &i) ? &n->entries[i] : NULL;
}

static void clear_names(entry *e)
{
    for (size_t i = 0; i < e->nnames; i++) {
        free(e->names[i].name);
        free(e->names[i].group);
    }
    e->nnames = 0;
}

/* Drops the entry at i (the last one moves into its place). */
static void drop(sp_names *n, size_t i)
{
    entry *e = &n->entries[i];
    clear_names(e);
    sp_strset_remove(&n->index, e->key);
    if (i != --n->count) {
        *e = n->entries[n->count];
        sp_strset_set(&n->index, e->key, i);
    }
}

/* An entry for addr, made room for by evicting an idle one when the cache
 * is full; NULL when every entry is busy. */
static entry *get(sp_names *n, int family, const unsigned char *addr)
{
    entry *e = find(n, family, addr);
    if (e)
        return e;
    if (n->count >= SP_NAMES_MAX_ENTRIES && n->entries) {
        size_t tries;
        for (tries = 0; tries < n->count; tries++) {
            size_t i = n->evict++ % n->count;
            if (!n->entries[i].waiting && !n->entries[i].queued) {
                drop(n, i);
                break;
            }
        }
        if (tries == n->count)
            return NULL;
    }
    SP_GROW(n->entries, n->cap, n->count + 1);
    e = &n->entries[n->count];
    memset(e, 0, sizeof *e);
    e->family = family;
    memcpy(e->addr, addr, alen(family));
    addr_key(family, addr, e->key);
    sp_strset_add(&n->index, e->key, n->count);
    n->count++;
    return e;
}

static void notify_fire(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_names *n = ud;
    n->notify_timer = 0;
    if (n->changed)
        n->changed(n->ud);
}

static void notify(sp_names *n)
{
    if (!n->notify_timer)
        n->notify_timer = sp_loop_timer(n->loop, NOTIFY_DELAY, 0, notify_fire, n);
}

/* Keeps names in source order, at most PER_SOURCE of each: a newer name of
 * a source replaces its oldest. */
static void add_name(sp_names *n, int family, const unsigned char *addr, sp_name_source src, const char *name,
                     const char *group)
{
    if (!name[0])
        return;
    entry *e = get(n, family, addr);
    if (!e) {
        n->stats.dropped++;
        return;
    }
    size_t same = 0, first = e->nnames, at = e->nnames;
    for (size_t i = 0; i < e->nnames; i++) {
        const sp_hostname *h = &e->names[i];
        if (h->source == src && strcmp(h->name, name) == 0 && !h->group == !group &&
            (!group || strcmp(h->group, group) == 0))
            return;
        if (h->source == src) {
            if (!same)
                first = i;
            same++;
        }
        if (h->source <= src)
            at = i + 1;
    }
    if (same >= PER_SOURCE || e->nnames >= SP_NEIGH_NAMES) {
        if (!same) {
            n->stats.dropped++;
            return;
        }
        free(e->names[first].name);
        free(e->names[first].group);
        memmove(&e->names[first], &e->names[first + 1], (e->nnames - first - 1) * sizeof *e->names);
        e->nnames--;
        if (at > first)
            at--;
    }
    memmove(&e->names[at + 1], &e->names[at], (e->nnames - at) * sizeof *e->names);
    e->names[at] = (sp_hostname){ sp_xstrdup(name), group ? sp_xstrdup(group) : NULL, src };
    e->nnames++;
    n->stats.names++;
    notify(n);
}

static void answered(sp_names *n, int family, const unsigned char *addr, unsigned src)
{
    entry *e = find(n, family, addr);
    if (!e || !(e->waiting & SP_SRC_BIT(src)))
        return;
    e->waiting &= ~SP_SRC_BIT(src);
    if (!e->waiting)
        n->nwaiting--;
}

/* ---- sockets ---- */

static void on_readable(sp_loop *loop, int fd, unsigned events, void *ud);

static int open_sock(sp_names *n, sock_kind k, int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    n->socks[k] = (sock){ n, fd, k };
    return fd;
}

static void watch(sp_names *n, sock_kind k)
{
    if (n->socks[k].fd >= 0 && sp_loop_watch(n->loop, n->socks[k].fd, SP_IO_READ, on_readable, &n->socks[k]) < 0) {
        close(n->socks[k].fd);
        n->socks[k].fd = -1;
    }
}

static void open_query(sp_names *n, sock_kind k, int family, int hops)
{
    int fd = open_sock(n, k, family);
    if (fd < 0)
        return;
    if (family == AF_INET) {
        unsigned char ttl = (unsigned char)hops;
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    } else {
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
        int on = 1;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    }
    watch(n, k);
}

/* The announcements' socket: port 5353 shared with any responder that
 * allows it. */
static void open_passive(sp_names *n, sock_kind k, int family)
{
    int fd = open_sock(n, k, family);
    if (fd < 0)
        return;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    struct sockaddr_storage ss = { 0 };
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(MDNS_PORT);
        len = sizeof *a;
    } else {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(MDNS_PORT);
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
        if (family == AF_INET)
            snprintf(n->note, sizeof n->note,
                     "mDNS port 5353 is not shareable (%s): names come only as answers, not announcements",
                     strerror(errno));
        close(fd);
        n->socks[k].fd = -1;
        return;
    }
    watch(n, k);
}

sp_names *sp_names_new(sp_loop *loop, const sp_names_config *cfg, sp_names_fn *changed, void *ud)
{
    sp_names *n = sp_xcalloc(1, sizeof *n);
    n->loop = loop;
    n->cfg = *cfg;
    if (n->cfg.rate <= 0)
        n->cfg.rate = 200;
    if (n->cfg.timeout <= 0)
        n->cfg.timeout = 1;
    n->changed = changed;
    n->ud = ud;
    n->tokens = BURST;
    sp_strset_init(&n->index);
    for (int k = 0; k < S_COUNT; k++)
        n->socks[k].fd = -1;
    unsigned s = cfg->sources;
    if (s & SP_SRC_BIT(SP_SRC_MDNS)) {
        open_query(n, S_MDNS4, AF_INET, 255);
        open_query(n, S_MDNS6, AF_INET6, 255);
        open_passive(n, S_PASSIVE4, AF_INET);
        open_passive(n, S_PASSIVE6, AF_INET6);
    }
    if (s & SP_SRC_BIT(SP_SRC_LLMNR)) {
        open_query(n, S_LLMNR4, AF_INET, 1);
        open_query(n, S_LLMNR6, AF_INET6, 1);
    }
    if (s & SP_SRC_BIT(SP_SRC_NBNS))
        open_query(n, S_NBNS4, AF_INET, 1);
    if (!n->note[0] && s && n->socks[S_MDNS4].fd < 0 && n->socks[S_LLMNR4].fd < 0 && n->socks[S_NBNS4].fd < 0)
        snprintf(n->note, sizeof n->note, "no UDP socket for mDNS, LLMNR or NetBIOS (%s)", strerror(errno));
    return n;
}

void sp_names_free(sp_names *n)
{
    if (!n)
        return;
    for (int k = 0; k < S_COUNT; k++)
        if (n->socks[k].fd >= 0) {
            sp_loop_unwatch(n->loop, n->socks[k].fd);
            close(n->socks[k].fd);
        }
    sp_loop_cancel(n->loop, n->tick_timer);
    sp_loop_cancel(n->loop, n->notify_timer);
    for (size_t i = 0; i < n->count; i++)
        clear_names(&n->entries[i]);
    free(n->entries);
    sp_strset_free(&n->index);
    free(n->queue.items);
    free(n->inflight.items);
    free(n->joined);
    free(n);
}

void sp_names_links(sp_names *n, const sp_neigh_table *t)
{
    for (size_t i = 0; i < t->nlinks; i++) {
        const sp_link *l = &t->links[i];
        if ((l->flags & IFF_LOOPBACK) || !(l->flags & IFF_UP))
            continue;
        bool done = false;
        for (size_t k = 0; k < n->njoined && !done; k++)
            done = n->joined[k] == l->ifindex;
        if (done)
            continue;
        SP_GROW(n->joined, n->capjoined, n->njoined + 1);
        n->joined[n->njoined++] = l->ifindex;
        if (n->socks[S_PASSIVE4].fd >= 0) {
            struct ip_mreqn m = { .imr_ifindex = l->ifindex };
            inet_pton(AF_INET, "224.0.0.251", &m.imr_multiaddr);
            setsockopt(n->socks[S_PASSIVE4].fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
        }
        if (n->socks[S_PASSIVE6].fd >= 0) {
            struct ipv6_mreq m = { .ipv6mr_interface = (unsigned)l->ifindex };
            inet_pton(AF_INET6, "ff02::fb", &m.ipv6mr_multiaddr);
            setsockopt(n->socks[S_PASSIVE6].fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m);
        }
    }
}

static void handle(sp_names *n, sock_kind k, const unsigned char *buf, size_t len, const struct sockaddr_storage *from)
{
    unsigned src = sock_source(k);
    if (k == S_NBNS4) {
        sp_nbstat st;
        const struct sockaddr_in *a = (const struct sockaddr_in *)from;
        if (from->ss_family != AF_INET || sp_nbstat_parse(buf, len, &st) < 0) {
            n->stats.malformed++;
            return;
        }
        /* Only what was asked: a node status names the host it came from. */
        entry *e = find(n, AF_INET, (const unsigned char *)&a->sin_addr);
        if (!e || !(e->waiting & SP_SRC_BIT(SP_SRC_NBNS)))
            return;
        add_name(n, AF_INET, e->addr, SP_SRC_NBNS, st.name, st.group[0] ? st.group : NULL);
        answered(n, AF_INET, e->addr, SP_SRC_NBNS);
        return;
    }
    static sp_wire_name found[MSG_NAMES];
    int got = sp_dnswire_names(buf, len, found, MSG_NAMES, NULL);
    if (got < 0) {
        n->stats.malformed++;
        return;
    }
    for (int i = 0; i < got; i++)
        add_name(n, found[i].family, found[i].addr, (sp_name_source)src, found[i].name, NULL);
    int family;
    unsigned char addr[16];
    if (k != S_PASSIVE4 && k != S_PASSIVE6 && sp_dnswire_question_addr(buf, len, &family, addr))
        answered(n, family, addr, src);
}

static void on_readable(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    (void)events;
    sock *s = ud;
    sp_names *n = s->owner;
    static unsigned char buf[DGRAM_MAX];
    for (int i = 0; i < RECV_BUDGET; i++) {
        struct sockaddr_storage from = { 0 };
        socklen_t flen = sizeof from;
        ssize_t r = recvfrom(fd, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&from, &flen);
        if (r < 0)
            return; /* EAGAIN, or an ICMP error of an earlier send: nothing to read */
        n->stats.received++;
        if ((size_t)r > sizeof buf) {
            n->stats.malformed++;
            continue;
        }
        handle(n, s->kind, buf, (size_t)r, &from);
    }
}

/* ---- asking ---- */

static bool send_to(sp_names *n, sock_kind k, int family, const char *group, unsigned port, int ifindex,
                    const void *msg, size_t len)
{
    int fd = n->socks[k].fd;
    if (fd < 0)
        return false;
    struct sockaddr_storage ss = { 0 };
    socklen_t sl;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, group, &a->sin_addr);
        sl = sizeof *a;
        struct ip_mreqn m = { .imr_ifindex = ifindex };
        if (ifindex)
            setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m);
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        a->sin6_scope_id = (uint32_t)ifindex;
        inet_pton(AF_INET6, group, &a->sin6_addr);
        sl = sizeof *a;
        if (ifindex)
            setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
    }
    return sendto(fd, msg, len, 0, (struct sockaddr *)&ss, sl) == (ssize_t)len;
}

static void send_job(sp_names *n, job *j)
{
    entry *e = get(n, j->family, j->addr);
    if (!e)
        return;
    e->queued = false;
    e->asked = sp_now();
    unsigned sent = 0;
    unsigned char q[128];
    char ip[SP_IPSTR_MAX];
    size_t ql = sp_dnswire_ptr_query(n->next_id++, j->family, j->addr, true, q, sizeof q);
    bool v4 = j->family == AF_INET;
    if ((n->cfg.sources & SP_SRC_BIT(SP_SRC_MDNS)) && ql &&
        send_to(n, v4 ? S_MDNS4 : S_MDNS6, j->family, v4 ? "224.0.0.251" : "ff02::fb", MDNS_PORT, j->ifindex, q, ql))
        sent |= SP_SRC_BIT(SP_SRC_MDNS);
    /* LLMNR has no unicast-response bit: the class is plain IN. */
    ql = sp_dnswire_ptr_query(n->next_id++, j->family, j->addr, false, q, sizeof q);
    if ((n->cfg.sources & SP_SRC_BIT(SP_SRC_LLMNR)) && ql &&
        send_to(n, v4 ? S_LLMNR4 : S_LLMNR6, j->family, v4 ? "224.0.0.252" : "ff02::1:3", LLMNR_PORT, j->ifindex, q,
                ql))
        sent |= SP_SRC_BIT(SP_SRC_LLMNR);
    if ((n->cfg.sources & SP_SRC_BIT(SP_SRC_NBNS)) && v4) {
        unsigned char nb[SP_NBSTAT_QUERY_LEN];
        sp_nbstat_query(n->next_id++, nb);
        inet_ntop(AF_INET, j->addr, ip, sizeof ip);
        if (send_to(n, S_NBNS4, AF_INET, ip, NBNS_PORT, 0, nb, sizeof nb))
            sent |= SP_SRC_BIT(SP_SRC_NBNS);
    }
    n->stats.asked++;
    if (!sent)
        return;
    if (!e->waiting)
        n->nwaiting++;
    e->waiting |= sent;
    j->deadline = e->asked + n->cfg.timeout;
    ring_push(&n->inflight, j);
}

static void tick(sp_loop *loop, uint64_t id, void *ud)
{
    (void)id;
    sp_names *n = ud;
    double now = sp_now();
    n->tokens += (now - n->last_tick) * n->cfg.rate;
    if (n->tokens > BURST)
        n->tokens = BURST;
    n->last_tick = now;
    while (n->tokens >= 1 && n->queue.count) {
        job j = *ring_front(&n->queue);
        ring_pop(&n->queue);
        send_job(n, &j);
        n->tokens -= 1;
    }
    for (job *j; (j = ring_front(&n->inflight)) && j->deadline <= now; ring_pop(&n->inflight)) {
        entry *e = find(n, j->family, j->addr);
        if (e && e->waiting && e->asked + n->cfg.timeout <= now) {
            e->waiting = 0;
            n->nwaiting--;
        }
    }
    if (!n->queue.count && !n->inflight.count) {
        sp_loop_cancel(loop, n->tick_timer);
        n->tick_timer = 0;
    }
}

void sp_names_ask(sp_names *n, int family, const unsigned char *addr, int ifindex)
{
    if ((family != AF_INET && family != AF_INET6) || !(n->cfg.sources & ~SP_SRC_BIT(SP_SRC_PTR)))
        return;
    entry *e = get(n, family, addr);
    if (!e || e->queued || e->waiting || (e->asked && sp_now() - e->asked < REASK))
        return;
    job j = { .family = family, .ifindex = ifindex };
    memcpy(j.addr, addr, alen(family));
    if (!ring_push(&n->queue, &j)) {
        n->stats.dropped++;
        return;
    }
    e->queued = true;
    if (!n->tick_timer) {
        n->last_tick = sp_now();
        n->tick_timer = sp_loop_timer(n->loop, 0, TICK, tick, n);
    }
}

bool sp_names_apply(const sp_names *n, sp_neigh_table *t)
{
    bool changed = false;
    for (size_t i = 0; i < t->count; i++) {
        sp_neigh *r = t->items[i];
        size_t k;
        const entry *e = sp_strset_find(&n->index, r->ip, &k) ? &n->entries[k] : NULL;
        if (sp_neigh_set_names(r, e ? e->names : NULL, e ? e->nnames : 0))
            changed = true;
    }
    return changed;
}

size_t sp_names_pending(const sp_names *n) { return n->queue.count + n->nwaiting; }

void sp_names_get_stats(const sp_names *n, sp_names_stats *s) { *s = n->stats; }

const char *sp_names_note(const sp_names *n) { return n->note; }
