/* The DNS watcher. Each name has one timer; when it fires, an A and an AAAA
 * query go out together and the round completes when both have answered.
 * The combined answer goes through sp_watch_feed, which decides on events,
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

struct sp_watch {
    sp_loop *loop;
    sp_dns *dns;
    sp_watch_name **v;
    size_t n, cap;
    sp_strset index; /* each name and where it is in v */
    double interval;
    bool ttl_mode;
    int log_fd, log_errno;
    sp_watch_event_fn *on_event;
    sp_watch_answer_fn *on_answer;
    void *ud;
    sp_wevent ev; /* scratch for emitting */
};

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

static void emit(sp_watch *w, const sp_watch_name *n, sp_wev_kind kind, const sp_addrset *old,
                 const sp_addrset *new, const sp_watch_result *r)
{
    sp_wevent *ev = &w->ev;
    ev->time_ms = wall_ms();
    snprintf(ev->name, sizeof ev->name, "%s", n->name);
    ev->kind = kind;
    sp_addrset_clear(&ev->old);
    sp_addrset_clear(&ev->new);
    if (old)
        sp_addrset_copy(&ev->old, old);
    if (new)
        sp_addrset_copy(&ev->new, new);
    snprintf(ev->error, sizeof ev->error, "%s", kind == SP_WEV_ERROR ? r->error : "");
    ev->ttl = r->ok ? r->ttl : -1;
    ev->rtt_ms = r->rtt_ms;
    /* The log first: an event on screen is an event on disk. */
    if (w->log_fd >= 0 && sp_changelog_append(w->log_fd, ev) < 0)
        w->log_errno = errno ? errno : EIO;
    if (w->on_event)
        w->on_event(w->ud, ev);
}

void sp_watch_feed(sp_watch *w, sp_watch_name *n, const sp_watch_result *r)
{
    n->rounds++;
    if (r->answered)
        n->answered++;
    n->rtt_ms = r->rtt_ms;
    n->rtt_hist[n->rtt_next] = r->rtt_ms >= 0 ? (float)r->rtt_ms : NAN;
    n->rtt_next = (n->rtt_next + 1) % SP_WATCH_RTT_HIST;
    if (n->rtt_n < SP_WATCH_RTT_HIST)
        n->rtt_n++;
    if (r->ok) {
        n->ttl = r->ttl;
        if (!n->have_set) {
            emit(w, n, SP_WEV_FIRST, NULL, r->set, r);
            sp_addrset_copy(&n->set, r->set);
            n->have_set = true;
            n->since_ms = w->ev.time_ms;
        } else {
            /* After an outage compare with the last good set: the outage
             * itself is never a change. */
            if (n->error[0])
                emit(w, n, SP_WEV_RECOVER, &n->set, r->set, r);
            if (!sp_addrset_equal(&n->set, r->set)) {
                emit(w, n, SP_WEV_CHANGE, &n->set, r->set, r);
                sp_addrset_copy(&n->set, r->set);
                n->changes++;
                n->since_ms = w->ev.time_ms;
            }
        }
        n->error[0] = '\0';
    } else {
        n->ttl = -1;
        if (strcmp(n->error, r->error) != 0)
            emit(w, n, SP_WEV_ERROR, n->have_set ? &n->set : NULL, NULL, r);
        snprintf(n->error, sizeof n->error, "%s", r->error);
    }
    if (w->on_answer)
        w->on_answer(w->ud, n);
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
    sp_addrset_free(&n->part);
    free(n);
}

/* Adds the addresses of one answer to n->part; returns an ares status. */
static int parse_answer(sp_watch_name *n, bool v6, const unsigned char *abuf, int alen)
{
    /* A record takes at least 16 bytes of the message, so this many
     * slots always hold every address. */
    int max = alen / 16 + 1, cnt = max, rc;
    if (v6) {
        struct ares_addr6ttl *t = sp_xcalloc((size_t)max, sizeof *t);
        rc = ares_parse_aaaa_reply(abuf, alen, NULL, t, &cnt);
        for (int i = 0; rc == ARES_SUCCESS && i < cnt; i++) {
            sp_addrset_add(&n->part, true, &t[i].ip6addr);
            if (n->part_ttl < 0 || t[i].ttl < n->part_ttl)
                n->part_ttl = t[i].ttl;
        }
        free(t);
    } else {
        struct ares_addrttl *t = sp_xcalloc((size_t)max, sizeof *t);
        rc = ares_parse_a_reply(abuf, alen, NULL, t, &cnt);
        for (int i = 0; rc == ARES_SUCCESS && i < cnt; i++) {
            sp_addrset_add(&n->part, false, &t[i].ipaddr);
            if (n->part_ttl < 0 || t[i].ttl < n->part_ttl)
                n->part_ttl = t[i].ttl;
        }
        free(t);
    }
    if (rc == ARES_SUCCESS && cnt == 0)
        rc = ARES_ENODATA;
    return rc;
}

static void complete_round(sp_watch *w, sp_watch_name *n)
{
    double now = sp_now();
    int sa = n->status[0], s6 = n->status[1];
    bool ok_a = sa == ARES_SUCCESS, ok6 = s6 == ARES_SUCCESS;
    bool empty_a = sa == ARES_ENODATA, empty6 = s6 == ARES_ENODATA;
    sp_watch_result r = { .ttl = -1, .rtt_ms = (now - n->sent) * 1000.0 };
    r.answered = server_replied(sa) && server_replied(s6);
    if ((ok_a || ok6) && (ok_a || empty_a) && (ok6 || empty6)) {
        sp_addrset_normalize(&n->part);
        r.ok = true;
        r.set = &n->part;
        r.ttl = n->part_ttl;
    } else if (sa == ARES_ENOTFOUND || s6 == ARES_ENOTFOUND) {
        r.error = "NXDOMAIN";
    } else if (empty_a && empty6) {
        r.error = "NODATA";
    } else {
        /* One family failed for real: report that, never a half answer
         * that would look like a change. */
        r.error = sp_watch_error_name(ok_a || empty_a ? s6 : sa);
    }
    if (!r.answered)
        r.rtt_ms = -1;
    n->last_round = now;
    sp_watch_feed(w, n, &r);
    if (!n->dead)
        schedule(w, n, now);
}

static void on_query(sp_watch_name *n, bool v6, int status, unsigned char *abuf, int alen)
{
    sp_watch *w = n->w;
    n->pending--;
    if (status == ARES_EDESTRUCTION || n->dead) {
        if (n->dead && n->pending == 0)
            free_name(n);
        return;
    }
    if (status == ARES_SUCCESS)
        status = parse_answer(n, v6, abuf, alen);
    n->status[v6] = status;
    if (n->pending == 0)
        complete_round(w, n);
}

static void on_a(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    (void)timeouts;
    on_query(arg, false, status, abuf, alen);
}

static void on_aaaa(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    (void)timeouts;
    on_query(arg, true, status, abuf, alen);
}

static void start_round(sp_watch *w, sp_watch_name *n)
{
    if (n->pending)
        return;
    n->sent = sp_now();
    if (n->sent - n->due > n->max_lag)
        n->max_lag = n->sent - n->due;
    sp_addrset_clear(&n->part);
    n->part_ttl = -1;
    n->status[0] = n->status[1] = ARES_ETIMEOUT;
    /* Both counted before either is sent: c-ares may call back at once. */
    n->pending = 2;
    ares_query(sp_dns_channel(w->dns), n->name, ns_c_in, ns_t_a, on_a, n);
    ares_query(sp_dns_channel(w->dns), n->name, ns_c_in, ns_t_aaaa, on_aaaa, n);
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
    free(w);
}

sp_watch_name *sp_watch_find(sp_watch *w, const char *name)
{
    size_t i;
    return sp_strset_find(&w->index, name, &i) ? w->v[i] : NULL;
}

size_t sp_watch_count(const sp_watch *w) { return w->n; }

sp_watch_name *sp_watch_get(sp_watch *w, size_t i) { return i < w->n ? w->v[i] : NULL; }

sp_watch_name *sp_watch_add(sp_watch *w, const char *name, sp_wmode mode, long interval_ms, double delay)
{
    if (!sp_strset_add(&w->index, name, w->n))
        return NULL;
    SP_GROW(w->v, w->cap, w->n + 1);
    sp_watch_name *n = sp_xcalloc(1, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    n->mode = mode;
    n->interval_ms = interval_ms;
    n->ttl = -1;
    n->rtt_ms = -1;
    n->w = w;
    sp_addrset_init(&n->set);
    sp_addrset_init(&n->part);
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
