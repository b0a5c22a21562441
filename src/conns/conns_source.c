/* The live connections on the loop. */
#include "sockpit/conns/conns_source.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/proto.h"
#include "sockpit/services/sockdiag.h"

/* Listeners come too (the listening hash is small): their ports tell which
 * side of a connection serves. They are not rows. */
#define TCP_STATES (((1u << SP_TCP_STATES) - 1) & ~1u)

struct sp_conns_source {
    sp_sockdiag *diag;
    char why[160];          /* why sock_diag could not be opened */
    sp_sockdiag_query q[4];
    size_t nq;
    bool tcp, udp;
    bool one_walk;          /* TCP of both families in one dump (until the kernel refuses it) */
    sp_conntab tab;
    sp_connproc *procs;
    sp_conn_groups groups[SP_BY_COUNT];
    size_t malformed, malformed_now;
    uint16_t *listening;    /* TCP ports listened on, sorted after the dump */
    size_t nlistening, caplistening;
    double started, took;
    sp_loop *loop;
    uint64_t fail_timer;
    sp_conns_fn *cb;
    void *ud;
};

static void set_queries(sp_conns_source *src)
{
    uint8_t info = 1u << (INET_DIAG_INFO - 1);
    src->nq = 0;
    if (src->tcp && src->one_walk)
        src->q[src->nq++] = (sp_sockdiag_query){ AF_UNSPEC, IPPROTO_TCP, info, TCP_STATES };
    if (src->tcp && !src->one_walk) {
        src->q[src->nq++] = (sp_sockdiag_query){ AF_INET, IPPROTO_TCP, info, TCP_STATES };
        src->q[src->nq++] = (sp_sockdiag_query){ AF_INET6, IPPROTO_TCP, info, TCP_STATES };
    }
    if (src->udp) {
        src->q[src->nq++] = (sp_sockdiag_query){ AF_INET, IPPROTO_UDP, 0, 1u << SP_TCP_ESTABLISHED };
        src->q[src->nq++] = (sp_sockdiag_query){ AF_INET6, IPPROTO_UDP, 0, 1u << SP_TCP_ESTABLISHED };
    }
}

sp_conns_source *sp_conns_source_new(const char *procroot, bool tcp, bool udp)
{
    sp_conns_source *src = sp_xcalloc(1, sizeof *src);
    src->tcp = tcp;
    src->udp = udp;
    src->one_walk = true;
    set_queries(src);
    src->diag = sp_sockdiag_open();
    if (!src->diag)
        snprintf(src->why, sizeof src->why, "sock_diag: %s", strerror(errno));
    sp_conntab_init(&src->tab);
    src->procs = sp_connproc_new(procroot);
    for (int by = 0; by < SP_BY_COUNT; by++)
        sp_conn_groups_init(&src->groups[by], by);
    return src;
}

void sp_conns_source_cancel(sp_conns_source *src)
{
    if (src->diag)
        sp_sockdiag_cancel(src->diag);
    if (src->fail_timer)
        sp_loop_cancel(src->loop, src->fail_timer);
    src->fail_timer = 0;
}

void sp_conns_source_free(sp_conns_source *src)
{
    if (!src)
        return;
    sp_conns_source_cancel(src);
    sp_sockdiag_close(src->diag);
    sp_conntab_free(&src->tab);
    free(src->listening);
    sp_connproc_free(src->procs);
    for (int by = 0; by < SP_BY_COUNT; by++)
        sp_conn_groups_free(&src->groups[by]);
    free(src);
}

static void on_msg(const void *payload, size_t len, void *ud)
{
    sp_conns_source *src = ud;
    /* The message does not say its protocol; the running query does. */
    int proto = sp_sockdiag_running(src->diag)->proto == IPPROTO_UDP ? SP_PROTO_UDP : SP_PROTO_TCP;
    sp_diag_sock s;
    if (sp_diag_sock_parse(payload, len, proto, &s) < 0) {
        src->malformed_now++;
        return;
    }
    if (proto == SP_PROTO_TCP && s.state == SP_TCP_LISTEN) {
        SP_GROW(src->listening, src->caplistening, src->nlistening + 1);
        src->listening[src->nlistening++] = s.sport;
        return;
    }
    sp_conntab_add(&src->tab, &s);
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* A TCP connection serves when its local port is listened on; else it is a
 * client of the remote port. */
static void mark_services(sp_conns_source *src)
{
    if (src->nlistening > 1)
        qsort(src->listening, src->nlistening, sizeof *src->listening, cmp_u16);
    for (size_t i = 0; i < src->tab.n; i++) {
        sp_conn *c = &src->tab.v[i];
        if (c->s.proto != SP_PROTO_TCP)
            continue;
        bool serves = src->nlistening && bsearch(&c->s.sport, src->listening, src->nlistening,
                                                 sizeof *src->listening, cmp_u16);
        c->service_port = serves ? c->s.sport : c->s.dport;
    }
}

static int start_dump(sp_conns_source *src);

static void on_done(int rc, int err, void *ud)
{
    sp_conns_source *src = ud;
    char why[200] = "";
    if (rc < 0 && src->one_walk && src->tcp &&
        (err == EINVAL || err == ENOENT || err == EOPNOTSUPP || err == EPROTONOSUPPORT || err == EAFNOSUPPORT)) {
        /* A kernel (or sandbox) without the older request: one family at
         * a time from now on, starting over at once. */
        src->one_walk = false;
        set_queries(src);
        sp_conntab_abort(&src->tab);
        if (start_dump(src) == 0)
            return;
    }
    if (rc < 0) {
        snprintf(why, sizeof why, "sock_diag dump failed: %s", strerror(err));
        sp_conntab_abort(&src->tab);
    } else {
        /* Sampled when the dump was asked for: the time the kernel read the
         * counters, not when the answer was parsed (which varies). */
        sp_conntab_commit(&src->tab, src->started);
        mark_services(src);
        sp_connproc_resolve(src->procs, &src->tab);
        for (int by = 1; by < SP_BY_COUNT; by++)
            sp_conn_groups_update(&src->groups[by], &src->tab);
        src->malformed = src->malformed_now;
    }
    src->took = sp_now() - src->started;
    src->cb(src->ud, rc, why);
}

static void on_fail(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_conns_source *src = ud;
    src->fail_timer = 0;
    src->cb(src->ud, -1, src->why);
}

static int start_dump(sp_conns_source *src)
{
    src->malformed_now = 0;
    src->nlistening = 0;
    sp_conntab_begin(&src->tab);
    return src->diag ? sp_sockdiag_start(src->diag, src->loop, src->q, src->nq, on_msg, on_done, src) : -1;
}

int sp_conns_source_refresh(sp_conns_source *src, sp_loop *loop, sp_conns_fn *cb, void *ud)
{
    if ((src->diag && sp_sockdiag_busy(src->diag)) || src->fail_timer)
        return -1;
    src->cb = cb;
    src->ud = ud;
    src->loop = loop;
    src->started = sp_now();
    if (start_dump(src) == 0)
        return 0;
    if (src->diag)
        snprintf(src->why, sizeof src->why, "sock_diag: %s", strerror(errno));
    src->fail_timer = sp_loop_timer(loop, 0, 0, on_fail, src);
    return 0;
}

const sp_conntab *sp_conns_table(const sp_conns_source *src) { return &src->tab; }
const sp_conn_groups *sp_conns_groups(const sp_conns_source *src, int by) { return &src->groups[by]; }
const sp_connproc_stats *sp_conns_procs(const sp_conns_source *src) { return sp_connproc_last(src->procs); }
size_t sp_conns_malformed(const sp_conns_source *src) { return src->malformed; }
double sp_conns_refresh_seconds(const sp_conns_source *src) { return src->took; }
