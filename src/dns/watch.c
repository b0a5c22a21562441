/* The DNS watcher. Each name has one timer; when it fires, a query for each
 * of its record types goes out and the round completes when all have
 * answered. The answers go through sp_watch_feed, which decides on events,
 * and the next round is planned from when this one was due (so a fixed
 * interval does not drift) or from the answer's TTL. */
#include "sockpit/dns/watch.h"

#include <arpa/nameser.h>
#include <ares.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/strset.h"
#include "sockpit/dns/records.h"
#include "sockpit/dns/rrtype.h"


const char *sp_watch_error_name(int st)
{
    switch (st) {
    case ARES_ENOTFOUND: return "NXDOMAIN";
    case ARES_ENODATA: return "NODATA";
    case ARES_ESERVFAIL: return "SERVFAIL";
    case ARES_EREFUSED: return "REFUSED";
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED: return "timeout";
    case ARES_EFORMERR: return "FORMERR";
    case ARES_ENOTIMP: return "NOTIMP";
    case ARES_EBADRESP: return "BADRESP";
    case ARES_EBADNAME: return "BADNAME";
    case ARES_ENOMEM: return "NOMEM";
    default: return "FAILED";
    }
}

/* Did a server reply at all (as opposed to silence or a refused socket)? */
static bool server_replied(int st)
{
    return st == ARES_SUCCESS || st == ARES_ENODATA || st == ARES_ENOTFOUND || st == ARES_ESERVFAIL ||
           st == ARES_EREFUSED || st == ARES_EFORMERR || st == ARES_ENOTIMP || st == ARES_EBADRESP;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An event of one lookup before it is logged: the types with the same
 * outcome in one lookup of A and AAAA share one event. */
typedef struct pending_ev {
    sp_wev_kind kind;
    unsigned mask;
    sp_addrset old, new;
    sp_valset oldv, newv;
    char error[16];
    long ttl;
} pending_ev;

#define MAX_PENDING ((size_t)2 * SP_RR_N) /* a recover and a change per type */

struct sp_watch {
    sp_loop *loop;
    sp_dns *dns;
    sp_watch_name **v;
    size_t n, cap;
    sp_strset index; /* each name and where it is in v */
    double interval;
    bool ttl_mode;
    int log_fd, log_errno;
    char *log_path;
    int64_t log_max;
    sp_watch_event_fn *on_event;
    sp_watch_answer_fn *on_answer;
    void *ud;
    sp_wevent ev; /* scratch for emitting */
    pending_ev pend[MAX_PENDING];
    size_t npend;
    sp_addrset empty;
    sp_valset emptyv, scratch;
};

/* One type's sets: addresses for A and AAAA, values for the others. */
typedef struct sets {
    const sp_addrset *addr;
    const sp_valset *vals;
} sets;

static void queue(sp_watch *w, sp_rrtype t, sp_wev_kind kind, sets old, sets new, const char *error, long ttl)
{
    bool addr = (SP_RRBIT(t) & SP_RRMASK_ADDR) != 0;
    pending_ev *p = NULL;
    for (size_t i = 0; addr && i < w->npend && !p; i++)
        if (w->pend[i].kind == kind && (w->pend[i].mask & ~SP_RRMASK_ADDR) == 0 &&
            strcmp(w->pend[i].error, error ? error : "") == 0)
            p = &w->pend[i];
    if (!p) {
        p = &w->pend[w->npend++];
        p->kind = kind;
        p->mask = 0;
        sp_addrset_clear(&p->old);
        sp_addrset_clear(&p->new);
        sp_valset_clear(&p->oldv);
        sp_valset_clear(&p->newv);
        snprintf(p->error, sizeof p->error, "%s", error ? error : "");
        p->ttl = -1;
    }
    p->mask |= SP_RRBIT(t);
    /* A holds IPv4 and AAAA IPv6 addresses only: the union keeps both. */
    for (size_t i = 0; old.addr && i < old.addr->n; i++)
        sp_addrset_add(&p->old, old.addr->v[i].v6, old.addr->v[i].b);
    for (size_t i = 0; new.addr && i < new.addr->n; i++)
        sp_addrset_add(&p->new, new.addr->v[i].v6, new.addr->v[i].b);
    sp_addrset_normalize(&p->old);
    sp_addrset_normalize(&p->new);
    if (old.vals)
        sp_valset_copy(&p->oldv, old.vals);
    if (new.vals)
        sp_valset_copy(&p->newv, new.vals);
    if (ttl >= 0 && (p->ttl < 0 || ttl < p->ttl))
        p->ttl = ttl;
}

static void emit(sp_watch *w, const sp_watch_name *n, const pending_ev *p, double rtt_ms)
{
    sp_wevent *ev = &w->ev;
    ev->time_ms = wall_ms();
    snprintf(ev->name, sizeof ev->name, "%s", n->name);
    ev->kind = p->kind;
    ev->rrtype = p->mask;
    sp_addrset_copy(&ev->old, &p->old);
    sp_addrset_copy(&ev->new, &p->new);
    sp_valset_copy(&ev->oldv, &p->oldv);
    sp_valset_copy(&ev->newv, &p->newv);
    snprintf(ev->error, sizeof ev->error, "%s", p->error);
    ev->ttl = p->ttl;
    ev->rtt_ms = rtt_ms;
    sp_watch_report(w, ev);
}

void sp_watch_report(sp_watch *w, const sp_wevent *ev)
{
    /* The log first: an event on screen is an event on disk. */
    int rc = 0;
    if (w->log_fd >= 0)
        rc = w->log_path ? sp_changelog_append_rotate(&w->log_fd, w->log_path, w->log_max, ev)
                         : sp_changelog_append(w->log_fd, ev);
    if (rc < 0)
        w->log_errno = errno ? errno : EIO;
    if (w->on_event)
        w->on_event(w->ud, ev);
}

/* The name's view of its types: the address union, the smallest TTL and
 * the failures in one line. */
static void summarise(sp_watch_name *n)
{
    sp_addrset_clear(&n->set);
    n->have_set = false;
    n->ttl = -1;
    for (int t = 0; t < SP_RR_N; t++) {
        const sp_watch_rr *st = &n->rr[t];
        if (!(n->types & SP_RRBIT(t)))
            continue;
        if ((SP_RRBIT(t) & SP_RRMASK_ADDR) && st->known) {
            n->have_set = true;
            for (size_t i = 0; i < st->set.n; i++)
                sp_addrset_add(&n->set, st->set.v[i].v6, st->set.v[i].b);
        }
        if (!st->error[0] && st->ttl >= 0 && (n->ttl < 0 || st->ttl < n->ttl))
            n->ttl = st->ttl;
    }
    sp_addrset_normalize(&n->set);
    /* The failing types, grouped by failure. */
    unsigned done = 0, failing = 0;
    size_t used = 0, groups = 0;
    n->error[0] = '\0';
    for (int t = 0; t < SP_RR_N; t++)
        if ((n->types & SP_RRBIT(t)) && n->rr[t].error[0])
            failing |= SP_RRBIT(t);
    for (int t = 0; t < SP_RR_N; t++) {
        if (!(failing & SP_RRBIT(t)) || (done & SP_RRBIT(t)))
            continue;
        unsigned mask = 0;
        for (int u = t; u < SP_RR_N; u++)
            if ((failing & SP_RRBIT(u)) && strcmp(n->rr[u].error, n->rr[t].error) == 0)
                mask |= SP_RRBIT(u);
        done |= mask;
        groups++;
        char types[SP_RRMASK_STRLEN];
        if (used < sizeof n->error)
            used += (size_t)snprintf(n->error + used, sizeof n->error - used, "%s%s: %s", used ? ", " : "",
                                     sp_rrmask_format(mask, types), n->rr[t].error);
    }
    /* Every type failing the same way is the name's failure: no types. */
    if (groups == 1 && failing == n->types)
        for (int t = 0; t < SP_RR_N; t++)
            if (failing & SP_RRBIT(t)) {
                snprintf(n->error, sizeof n->error, "%s", n->rr[t].error);
                break;
            }
}

void sp_watch_feed(sp_watch *w, sp_watch_name *n, const sp_watch_result *r)
{
    bool all_answered = true;
    w->npend = 0;
    for (int t = 0; t < SP_RR_N; t++) {
        if (!(n->types & SP_RRBIT(t)))
            continue;
        const sp_watch_answer *a = &r->rr[t];
        sp_watch_rr *st = &n->rr[t];
        all_answered = all_answered && a->answered;
        bool addr = (SP_RRBIT(t) & SP_RRMASK_ADDR) != 0;
        sets before = { addr ? &st->set : NULL, addr ? NULL : &st->vals };
        sets none = { NULL, NULL };
        if (!a->error) {
            sets now = { addr ? (a->set ? a->set : &w->empty) : NULL, addr ? NULL : (a->vals ? a->vals : &w->emptyv) };
            size_t count = addr ? now.addr->n : now.vals->n;
            bool same = addr ? sp_addrset_equal(&st->set, now.addr) : sp_valset_equal(&st->vals, now.vals);
            /* After an outage compare with the last good set: the outage
             * itself is never a change. */
            if (!st->known && count)
                queue(w, (sp_rrtype)t, SP_WEV_FIRST, none, now, NULL, a->ttl);
            else if (st->error[0])
                queue(w, (sp_rrtype)t, SP_WEV_RECOVER, st->known ? before : none, now, NULL, a->ttl);
            if (st->known && !same)
                queue(w, (sp_rrtype)t, SP_WEV_CHANGE, before, now, NULL, a->ttl);
            if (addr)
                sp_addrset_copy(&st->set, now.addr);
            else
                sp_valset_copy(&st->vals, now.vals);
            st->known = true;
            st->error[0] = '\0';
            st->ttl = a->ttl;
        } else {
            if (strcmp(st->error, a->error) != 0)
                queue(w, (sp_rrtype)t, SP_WEV_ERROR, st->known ? before : none, none, a->error, -1);
            snprintf(st->error, sizeof st->error, "%s", a->error);
            st->ttl = -1;
        }
    }
    n->rounds++;
    if (all_answered)
        n->answered++;
    n->rtt_ms = r->rtt_ms;
    n->rtt_hist[n->rtt_next] = r->rtt_ms >= 0 ? (float)r->rtt_ms : NAN;
    n->rtt_next = (n->rtt_next + 1) % SP_WATCH_RTT_HIST;
    if (n->rtt_n < SP_WATCH_RTT_HIST)
        n->rtt_n++;
    summarise(n);
    for (size_t i = 0; i < w->npend; i++) {
        emit(w, n, &w->pend[i], r->rtt_ms);
        if (w->pend[i].kind == SP_WEV_CHANGE)
            n->changes++;
        if (w->pend[i].kind == SP_WEV_CHANGE || w->pend[i].kind == SP_WEV_FIRST)
            n->since_ms = w->ev.time_ms;
    }
    if (w->on_answer)
        w->on_answer(w->ud, n);
}

unsigned sp_watch_remember(sp_watch *w, sp_watch_name *n, const sp_wevent *ev)
{
    unsigned set = 0;
    /* What the servers compared said is no answer of this watcher's. */
    if (sp_wev_kind_is_compare(ev->kind))
        return 0;
    for (int t = 0; t < SP_RR_N; t++) {
        unsigned bit = SP_RRBIT(t);
        if (!(ev->rrtype & bit) || !(n->types & bit) || (n->remembered & bit))
            continue;
        sp_watch_rr *st = &n->rr[t];
        bool err = ev->kind == SP_WEV_ERROR;
        n->remembered |= bit;
        set++;
        snprintf(st->error, sizeof st->error, "%s", err ? ev->error : "");
        if (bit & SP_RRMASK_ADDR) {
            /* The addresses of this type: A holds the IPv4 ones, AAAA the
             * IPv6 ones. A failure tells the set before it; an empty one
             * there tells nothing. */
            const sp_addrset *from = err ? &ev->old : &ev->new;
            sp_addrset_clear(&st->set);
            for (size_t i = 0; i < from->n; i++)
                if (from->v[i].v6 == (t == SP_RR_AAAA))
                    sp_addrset_add(&st->set, from->v[i].v6, from->v[i].b);
            st->known = !err || ev->old.n > 0;
        } else {
            sp_valset_copy(&st->vals, err ? &ev->oldv : &ev->newv);
            st->known = !err || ev->oldv.n > 0;
        }
        if (ev->kind != SP_WEV_ERROR && ev->time_ms > n->since_ms)
            n->since_ms = ev->time_ms;
    }
    (void)w;
    if (set)
        summarise(n);
    return set;
}

bool sp_watch_uses_ttl(const sp_watch *w, const sp_watch_name *n, double *interval)
{
    *interval = w->interval;
    if (n->mode == SP_WMODE_INTERVAL) {
        *interval = (double)n->interval_ms / 1000.0;
        return false;
    }
    return n->mode == SP_WMODE_TTL || w->ttl_mode;
}

static void on_timer(sp_loop *loop, uint64_t id, void *ud);

/* Timers fire on a 10 ms grid, so names that are due close together go
 * out in one loop wake-up and their answers are read in one pass: with
 * 1,000 names a second that is ~100 wake-ups instead of ~2,000. */
#define GRID 0.01

static void arm(sp_watch *w, sp_watch_name *n, double now)
{
    double fire = ceil(n->due / GRID) * GRID;
    n->timer = sp_loop_timer(w->loop, fire > now ? fire - now : 0, 0, on_timer, n);
}

/* Plans the next round; `from_due` continues the fixed-interval rhythm. */
static void schedule(sp_watch *w, sp_watch_name *n, double now)
{
    if (n->timer)
        sp_loop_cancel(w->loop, n->timer);
    double interval;
    if (sp_watch_uses_ttl(w, n, &interval)) {
        /* Errors have no TTL to go by: retry at the default interval. */
        double wait = n->error[0] || n->ttl < 0 ? w->interval : (double)n->ttl;
        if (wait < SP_WATCH_TTL_MIN)
            wait = SP_WATCH_TTL_MIN;
        if (wait > SP_WATCH_TTL_MAX)
            wait = SP_WATCH_TTL_MAX;
        n->due = n->last_round + wait;
    } else {
        n->due += interval;
    }
    if (n->due < now)
        n->due = now;
    arm(w, n, now);
}

static void free_name(sp_watch_name *n)
{
    sp_addrset_free(&n->set);
    for (int t = 0; t < SP_RR_N; t++) {
        sp_addrset_free(&n->rr[t].set);
        sp_addrset_free(&n->part[t]);
        sp_valset_free(&n->rr[t].vals);
        sp_valset_free(&n->partv[t]);
    }
    free(n);
}

/* The records of one answer into n->part[t]; returns an ares status
 * (ARES_SUCCESS for an empty answer too). */
static int parse_answer(sp_watch_name *n, int t, const unsigned char *abuf, int alen)
{
    if (!(SP_RRBIT(t) & SP_RRMASK_ADDR))
        return sp_records_parse((sp_rrtype)t, n->name, abuf, alen, &n->partv[t]);
    /* A record takes at least 16 bytes of the message, so this many
     * slots always hold every address. */
    int max = alen / 16 + 1, cnt = max, rc;
    sp_addrset *part = &n->part[t];
    long *ttl = &n->part_ttl[t];
    if (t == SP_RR_AAAA) {
        struct ares_addr6ttl *v = sp_xcalloc((size_t)max, sizeof *v);
        rc = ares_parse_aaaa_reply(abuf, alen, NULL, v, &cnt);
        for (int i = 0; rc == ARES_SUCCESS && i < cnt; i++) {
            sp_addrset_add(part, true, &v[i].ip6addr);
            if (*ttl < 0 || v[i].ttl < *ttl)
                *ttl = v[i].ttl;
        }
        free(v);
    } else {
        struct ares_addrttl *v = sp_xcalloc((size_t)max, sizeof *v);
        rc = ares_parse_a_reply(abuf, alen, NULL, v, &cnt);
        for (int i = 0; rc == ARES_SUCCESS && i < cnt; i++) {
            sp_addrset_add(part, false, &v[i].ipaddr);
            if (*ttl < 0 || v[i].ttl < *ttl)
                *ttl = v[i].ttl;
        }
        free(v);
    }
    /* NODATA is an answer: this type has no records. */
    return rc == ARES_ENODATA ? ARES_SUCCESS : rc;
}

static void complete_round(sp_watch *w, sp_watch_name *n)
{
    double now = sp_now();
    sp_watch_result r = { .rtt_ms = n->last_reply > 0 ? (n->last_reply - n->sent) * 1000.0 : -1 };
    for (int t = 0; t < SP_RR_N; t++) {
        if (!(n->types & SP_RRBIT(t)))
            continue;
        sp_watch_answer *a = &r.rr[t];
        int st = n->status[t];
        a->answered = server_replied(st);
        a->ttl = -1;
        if (st == ARES_SUCCESS) {
            sp_addrset_normalize(&n->part[t]);
            a->set = &n->part[t];
            a->vals = &n->partv[t];
            a->ttl = n->part_ttl[t];
        } else {
            a->error = sp_watch_error_name(st);
        }
    }
    n->last_round = now;
    sp_watch_feed(w, n, &r);
    if (!n->dead)
        schedule(w, n, now);
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    (void)timeouts;
    struct sp_watch_query *q = arg;
    sp_watch_name *n = q->n;
    sp_watch *w = n->w;
    n->pending--;
    if (status == ARES_EDESTRUCTION || n->dead) {
        if (n->dead && n->pending == 0)
            free_name(n);
        return;
    }
    if (server_replied(status))
        n->last_reply = sp_now();
    if (status == ARES_SUCCESS)
        status = parse_answer(n, q->type, abuf, alen);
    else if (status == ARES_ENODATA)
        status = ARES_SUCCESS; /* the name has no records of this type: an answer */
    n->status[q->type] = status;
    if (n->pending == 0)
        complete_round(w, n);
}

static void start_round(sp_watch *w, sp_watch_name *n)
{
    if (n->pending)
        return;
    n->sent = sp_now();
    n->last_reply = 0;
    if (n->sent - n->due > n->max_lag)
        n->max_lag = n->sent - n->due;
    /* Every query counted before any is sent: c-ares may call back at once. */
    for (int t = 0; t < SP_RR_N; t++) {
        if (!(n->types & SP_RRBIT(t)))
            continue;
        sp_addrset_clear(&n->part[t]);
        sp_valset_clear(&n->partv[t]);
        n->part_ttl[t] = -1;
        n->status[t] = ARES_ETIMEOUT;
        n->pending++;
    }
    for (int t = 0; t < SP_RR_N; t++)
        if (n->types & SP_RRBIT(t))
            ares_query(sp_dns_channel(w->dns), n->name, ns_c_in, sp_rrtype_qtype((sp_rrtype)t), on_reply, &n->q[t]);
}

static void on_timer(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_watch_name *n = ud;
    n->timer = 0;
    start_round(n->w, n);
}

sp_watch *sp_watch_new(sp_loop *loop, const sp_watch_config *cfg)
{
    sp_watch *w = sp_xcalloc(1, sizeof *w);
    w->loop = loop;
    w->interval = cfg->interval > 0 ? cfg->interval : 5.0;
    w->ttl_mode = cfg->ttl_mode;
    w->log_fd = cfg->log_fd;
    if (cfg->log_path && cfg->log_max > 0) {
        w->log_path = sp_xstrdup(cfg->log_path);
        w->log_max = cfg->log_max;
    }
    w->on_event = cfg->on_event;
    w->on_answer = cfg->on_answer;
    w->ud = cfg->ud;
    sp_wevent_init(&w->ev);
    w->dns = cfg->dns;
    sp_strset_init(&w->index);
    return w;
}

void sp_watch_free(sp_watch *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        if (w->v[i]->timer)
            sp_loop_cancel(w->loop, w->v[i]->timer);
        free_name(w->v[i]);
    }
    free(w->v);
    sp_strset_free(&w->index);
    sp_wevent_free(&w->ev);
    free(w->log_path);
    for (size_t i = 0; i < MAX_PENDING; i++) {
        sp_addrset_free(&w->pend[i].old);
        sp_addrset_free(&w->pend[i].new);
        sp_valset_free(&w->pend[i].oldv);
        sp_valset_free(&w->pend[i].newv);
    }
    free(w);
}

sp_watch_name *sp_watch_find(sp_watch *w, const char *name)
{
    size_t i;
    return sp_strset_find(&w->index, name, &i) ? w->v[i] : NULL;
}

size_t sp_watch_count(const sp_watch *w) { return w->n; }

sp_watch_name *sp_watch_get(sp_watch *w, size_t i) { return i < w->n ? w->v[i] : NULL; }

sp_watch_name *sp_watch_add(sp_watch *w, const char *name, unsigned types, sp_wmode mode, long interval_ms,
                            double delay)
{
    if (!sp_strset_add(&w->index, name, w->n))
        return NULL;
    SP_GROW(w->v, w->cap, w->n + 1);
    sp_watch_name *n = sp_xcalloc(1, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    n->mode = mode;
    n->interval_ms = interval_ms;
    n->types = types & SP_RRMASK_ALL ? types & SP_RRMASK_ALL : SP_RRMASK_ADDR;
    n->ttl = -1;
    n->rtt_ms = -1;
    n->w = w;
    for (int t = 0; t < SP_RR_N; t++) {
        n->rr[t].ttl = -1;
        n->q[t] = (struct sp_watch_query){ n, t };
    }
    w->v[w->n++] = n;
    double now = sp_now();
    n->due = now + (delay > 0 ? delay : 0);
    if (delay > 0)
        arm(w, n, now);
    else
        n->timer = sp_loop_timer(w->loop, 0, 0, on_timer, n);
    return n;
}

bool sp_watch_remove(sp_watch *w, const char *name)
{
    size_t i;
    if (!sp_strset_find(&w->index, name, &i))
        return false;
    sp_strset_remove(&w->index, name);
    sp_watch_name *n = w->v[i];
    memmove(&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof *w->v);
    w->n--;
    /* The names after it moved up one. */
    for (size_t k = i; k < w->n; k++)
        sp_strset_set(&w->index, w->v[k]->name, k);
    if (n->timer)
        sp_loop_cancel(w->loop, n->timer);
    /* c-ares cannot cancel one query: let its callbacks free the name. */
    if (n->pending)
        n->dead = true;
    else
        free_name(n);
    return true;
}

void sp_watch_set_mode(sp_watch *w, sp_watch_name *n, sp_wmode mode, long interval_ms)
{
    n->mode = mode;
    n->interval_ms = interval_ms;
    if (n->pending)
        return; /* the round in flight plans the next one */
    double now = sp_now(), interval;
    if (!sp_watch_uses_ttl(w, n, &interval))
        n->due = n->last_round > 0 ? n->last_round : now;
    schedule(w, n, now);
}

void sp_watch_requery(sp_watch *w, sp_watch_name *n)
{
    if (n->pending)
        return;
    if (n->timer) {
        sp_loop_cancel(w->loop, n->timer);
        n->timer = 0;
    }
    n->due = sp_now();
    start_round(w, n);
}

size_t sp_watch_rtt_history(const sp_watch_name *n, float *out, size_t max)
{
    size_t cnt = n->rtt_n < max ? n->rtt_n : max;
    for (size_t i = 0; i < cnt; i++) {
        size_t back = cnt - i; /* 1 = newest */
        out[i] = n->rtt_hist[(n->rtt_next + SP_WATCH_RTT_HIST - back) % SP_WATCH_RTT_HIST];
    }
    return cnt;
}

int sp_watch_log_errno(const sp_watch *w) { return w->log_errno; }

int sp_watch_log_fd(const sp_watch *w) { return w->log_fd; }
