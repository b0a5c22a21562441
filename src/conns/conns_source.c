/* The live connections on the loop. */
#include "sockpit/conns/conns_source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/conns/netnsscan.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/proto.h"
#include "sockpit/services/sockdiag.h"

/* Listeners come too (the listening hash is small): their ports tell which
 * side of a connection serves. They are not rows. */
#define TCP_STATES (((1u << SP_TCP_STATES) - 1) & ~1u)

#define RUN_NETNS "/run/netns"
#define MAX_NOTES 32
#define OPEN_WAIT_SECONDS 2.0 /* a namespace's thread not done by then: skipped this refresh */

enum { NS_IDLE, NS_OPENING, NS_READY, NS_FAILED };

/* Another network namespace. */
typedef struct nsrec {
    uint32_t id;            /* sp_diag_sock.netns: ascending, never reused */
    uint64_t inode;
    int pid;                /* a process in it (0: only named in /run/netns) */
    char ipname[NAME_MAX + 1];
    char name[NAME_MAX + 1];
    char container[SP_CONTAINER_LABEL];
    int state;              /* NS_* */
    sp_sockdiag *diag;      /* NS_READY */
    bool gone;              /* no longer found; its name stays for the lingering rows */
    bool noted;             /* a note about it was queued: not another */
    double gone_at;
} nsrec;

/* What the opening thread is asked and answers through the pipe. */
typedef struct open_job {
    uint32_t id;
    uint64_t inode;
    char *path;
} open_job;

typedef struct open_msg {
    uint32_t id;            /* 0: the thread is over */
    int fd, err;
} open_msg;

typedef struct opener {
    pthread_t th;
    bool running;
    open_job *jobs;
    size_t njobs;
    int wfd;
    atomic_bool stop;
} opener;

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
    uint64_t *listening;    /* TCP ports listened on (netns << 16 | port), sorted after the dump */
    size_t nlistening, caplistening;
    double started, took;
    sp_loop *loop;
    uint64_t fail_timer;
    sp_conns_fn *cb;
    void *ud;
    /* the other namespaces */
    char *procroot;
    bool want_all, all;
    nsrec *ns;              /* by id */
    size_t nns, capns;
    uint32_t next_id;
    uint32_t cur;           /* the namespace being dumped (0: ours) */
    size_t step;            /* the record being dumped or waited for */
    bool waiting;           /* for the thread to open ns[step] */
    uint64_t wait_timer;    /* ends the wait: that namespace is skipped this time */
    bool wait_over;         /* the thread is late: the namespaces it holds are skipped this time */
    bool running;           /* a refresh is under way */
    size_t shown, shown_now;
    double walk_took;
    int pipe[2];
    sp_loop *pipe_loop;     /* where the pipe's read end is watched */
    opener op;
    bool noted_thread, noted_walk;
    char *notes[MAX_NOTES];
    size_t nnotes;
    char note_out[320];
};

static void end_opener(sp_conns_source *src);
static void drop_diag(nsrec *r);
static void note(sp_conns_source *src, bool *once, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Queues a note; once (may be NULL) is its flag: a note is said once. */
static void note(sp_conns_source *src, bool *once, const char *fmt, ...)
{
    if (src->nnotes == MAX_NOTES || (once && *once))
        return;
    if (once)
        *once = true;
    char buf[sizeof src->note_out];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above; a clang 14 false positive */
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    src->notes[src->nnotes++] = sp_xstrdup(buf);
}

const char *sp_conns_take_note(sp_conns_source *src)
{
    if (src->nnotes == 0)
        return NULL;
    snprintf(src->note_out, sizeof src->note_out, "%s", src->notes[0]);
    free(src->notes[0]);
    memmove(src->notes, src->notes + 1, (src->nnotes - 1) * sizeof *src->notes);
    src->nnotes--;
    return src->note_out;
}

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
    src->procroot = sp_xstrdup(procroot);
    src->pipe[0] = src->pipe[1] = -1;
    src->next_id = 1;
    src->shown = 1;
    src->diag = sp_sockdiag_open();
    if (!src->diag)
        snprintf(src->why, sizeof src->why, "sock_diag: %s", strerror(errno));
    sp_conntab_init(&src->tab);
    src->procs = sp_connproc_new(procroot);
    for (int by = 0; by < SP_BY_COUNT; by++)
        sp_conn_groups_init(&src->groups[by], by);
    return src;
}

static nsrec *ns_by_id(const sp_conns_source *src, uint32_t id)
{
    size_t lo = 0, hi = src->nns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->ns[mid].id == id)
            return &src->ns[mid];
        if (src->ns[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void sp_conns_source_cancel(sp_conns_source *src)
{
    if (src->diag)
        sp_sockdiag_cancel(src->diag);
    /* A cancelled dump leaves its socket unusable (see sockdiag.h). */
    for (size_t i = 0; i < src->nns; i++)
        if (src->ns[i].diag && sp_sockdiag_busy(src->ns[i].diag))
            drop_diag(&src->ns[i]);
    /* What the cancelled dump brought is forgotten: the rows stay as the
     * last refresh left them (a frozen pane shows them). */
    sp_conntab_abort(&src->tab);
    src->waiting = false;
    if (src->wait_timer)
        sp_loop_cancel(src->loop, src->wait_timer);
    src->wait_timer = 0;
    src->running = false;
    if (src->fail_timer)
        sp_loop_cancel(src->loop, src->fail_timer);
    src->fail_timer = 0;
}

void sp_conns_source_free(sp_conns_source *src)
{
    if (!src)
        return;
    sp_conns_source_cancel(src);
    if (src->pipe_loop)
        sp_loop_unwatch(src->pipe_loop, src->pipe[0]);
    if (src->op.running) {
        /* Its last jobs are skipped; what it opened meanwhile is closed. */
        atomic_store(&src->op.stop, true);
        int fl = fcntl(src->pipe[0], F_GETFL);
        fcntl(src->pipe[0], F_SETFL, fl & ~O_NONBLOCK);
        open_msg m;
        while (read(src->pipe[0], &m, sizeof m) == (ssize_t)sizeof m && m.id != 0)
            if (m.fd >= 0)
                close(m.fd);
        end_opener(src);
    }
    if (src->pipe[0] >= 0) {
        close(src->pipe[0]);
        close(src->pipe[1]);
    }
    for (size_t i = 0; i < src->nns; i++)
        sp_sockdiag_close(src->ns[i].diag);
    free(src->ns);
    while (sp_conns_take_note(src))
        ;
    free(src->procroot);
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
    const sp_sockdiag *d = src->cur ? ns_by_id(src, src->cur)->diag : src->diag;
    int proto = sp_sockdiag_running(d)->proto == IPPROTO_UDP ? SP_PROTO_UDP : SP_PROTO_TCP;
    sp_diag_sock s;
    if (sp_diag_sock_parse(payload, len, proto, &s) < 0) {
        src->malformed_now++;
        return;
    }
    s.netns = src->cur;
    if (proto == SP_PROTO_TCP && s.state == SP_TCP_LISTEN) {
        SP_GROW(src->listening, src->caplistening, src->nlistening + 1);
        src->listening[src->nlistening++] = (uint64_t)s.netns << 16 | s.sport;
        return;
    }
    sp_conntab_add(&src->tab, &s);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* A TCP connection serves when its local port is listened on in its own
 * namespace; else it is a client of the remote port. */
static void mark_services(sp_conns_source *src)
{
    if (src->nlistening > 1)
        qsort(src->listening, src->nlistening, sizeof *src->listening, cmp_u64);
    for (size_t i = 0; i < src->tab.n; i++) {
        sp_conn *c = &src->tab.v[i];
        if (c->s.proto != SP_PROTO_TCP)
            continue;
        uint64_t k = (uint64_t)c->s.netns << 16 | c->s.sport;
        bool serves = src->nlistening && bsearch(&k, src->listening, src->nlistening, sizeof *src->listening,
                                                 cmp_u64);
        c->service_port = serves ? c->s.sport : c->s.dport;
    }
}

/* ---- the other namespaces ---- */

/* The thread: enters each namespace in turn and makes its socket there
 * (a socket stays in the namespace it was created in). The thread's own
 * namespace changes, never the loop's. */
static void *open_all(void *arg)
{
    opener *op = arg;
    for (size_t i = 0; i < op->njobs && !atomic_load(&op->stop); i++) {
        const open_job *j = &op->jobs[i];
        open_msg m = { j->id, -1, 0 };
        struct stat st;
        int nsfd = open(j->path, O_RDONLY | O_CLOEXEC);
        bool ok = nsfd >= 0 && fstat(nsfd, &st) == 0;
        if (ok && st.st_ino != j->inode) {
            errno = ESRCH; /* the PID is another process's now */
            ok = false;
        }
        ok = ok && setns(nsfd, CLONE_NEWNET) == 0 &&
             (m.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) >= 0;
        if (!ok)
            m.err = errno;
        if (nsfd >= 0)
            close(nsfd);
        /* At most PIPE_BUF bytes: written whole or not at all. */
        if (write(op->wfd, &m, sizeof m) != (ssize_t)sizeof m && m.fd >= 0)
            close(m.fd);
    }
    /* Only fails when the pipe is gone, which the owner never does first. */
    open_msg end = { 0, -1, 0 };
    ssize_t w = write(op->wfd, &end, sizeof end);
    (void)w;
    return NULL;
}

/* The thread wrote its last message: it is returning, the join is at once. */
static void end_opener(sp_conns_source *src)
{
    pthread_join(src->op.th, NULL);
    for (size_t i = 0; i < src->op.njobs; i++)
        free(src->op.jobs[i].path);
    free(src->op.jobs);
    src->op.jobs = NULL;
    src->op.njobs = 0;
    src->op.running = false;
}

/* Starts the thread on every namespace waiting for a socket. */
static void kick_opener(sp_conns_source *src)
{
    if (src->op.running || src->pipe[0] < 0)
        return;
    size_t n = 0;
    for (size_t i = 0; i < src->nns; i++)
        n += !src->ns[i].gone && src->ns[i].state == NS_IDLE;
    if (n == 0)
        return;
    opener *op = &src->op;
    op->jobs = sp_xcalloc(n, sizeof *op->jobs);
    for (size_t i = 0; i < src->nns; i++) {
        nsrec *r = &src->ns[i];
        if (r->gone || r->state != NS_IDLE)
            continue;
        open_job *j = &op->jobs[op->njobs++];
        j->id = r->id;
        j->inode = r->inode;
        /* The name does not depend on a PID staying alive. */
        j->path = r->ipname[0] ? sp_xasprintf("%s/%s", RUN_NETNS, r->ipname)
                               : sp_xasprintf("%s/%d/ns/net", src->procroot, r->pid);
        r->state = NS_OPENING;
    }
    op->wfd = src->pipe[1];
    atomic_store(&op->stop, false);
    /* Signals stay for the loop's thread (its signalfd). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int e = pthread_create(&op->th, NULL, open_all, op);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e == 0) {
        op->running = true;
        return;
    }
    note(src, &src->noted_thread, "other network namespaces: cannot start a thread: %s", strerror(e));
    for (size_t i = 0; i < op->njobs; i++) {
        ns_by_id(src, op->jobs[i].id)->state = NS_IDLE;
        free(op->jobs[i].path);
    }
    free(op->jobs);
    op->jobs = NULL;
    op->njobs = 0;
}

/* Closes a namespace's socket; the next refresh opens another. */
static void drop_diag(nsrec *r)
{
    sp_sockdiag_close(r->diag);
    r->diag = NULL;
    r->state = NS_IDLE;
}

static void set_name(nsrec *r)
{
    if (r->ipname[0])
        snprintf(r->name, sizeof r->name, "%s", r->ipname);
    else if (r->container[0])
        snprintf(r->name, sizeof r->name, "%s", r->container);
    else
        snprintf(r->name, sizeof r->name, "net:[%llu]", (unsigned long long)r->inode);
}

/* The walk: new namespaces get a record (and an index), vanished ones are
 * marked gone (their socket closed, their name kept while their rows
 * linger), long gone ones are forgotten. */
static void walk(sp_conns_source *src)
{
    double t0 = sp_now();
    sp_netns_found *f;
    size_t n;
    uint64_t self;
    if (sp_netns_scan(src->procroot, RUN_NETNS, &self, &f, &n) < 0) {
        note(src, &src->noted_walk, "other network namespaces: cannot read %s: %s", src->procroot, strerror(errno));
        return;
    }
    bool *seen = sp_xcalloc(src->nns + n + 1, sizeof *seen);
    for (size_t k = 0; k < n; k++) {
        nsrec *r = NULL;
        for (size_t i = 0; i < src->nns && !r; i++)
            if (!src->ns[i].gone && src->ns[i].inode == f[k].inode)
                r = &src->ns[i];
        if (!r) {
            SP_GROW(src->ns, src->capns, src->nns + 1);
            r = &src->ns[src->nns++];
            memset(r, 0, sizeof *r);
            r->id = src->next_id++;
            r->inode = f[k].inode;
            r->state = NS_IDLE;
        }
        seen[r - src->ns] = true;
        if (!r->container[0] && f[k].pid && f[k].pid != r->pid)
            sp_netns_container_of(src->procroot, f[k].pid, r->container);
        r->pid = f[k].pid;
        snprintf(r->ipname, sizeof r->ipname, "%s", f[k].ipname);
        set_name(r);
    }
    double now = sp_now();
    size_t kept = 0;
    for (size_t i = 0; i < src->nns; i++) {
        nsrec *r = &src->ns[i];
        if (!seen[i] && !r->gone) {
            r->gone = true;
            r->gone_at = now;
            if (r->diag)
                drop_diag(r);
        }
        if (r->gone && r->state != NS_OPENING && now - r->gone_at > 2 * SP_CONN_LINGER)
            continue;
        src->ns[kept++] = *r;
    }
    src->nns = kept;
    free(seen);
    free(f);
    src->walk_took = sp_now() - t0;
}

static void on_pipe(sp_loop *loop, int fd, unsigned events, void *ud);

/* Before a refresh: the namespaces to dump, their sockets being opened. */
static void update_namespaces(sp_conns_source *src, sp_loop *loop)
{
    src->all = src->want_all;
    src->tab.host_only = !src->all;
    if (!src->all) {
        double now = sp_now();
        for (size_t i = 0; i < src->nns; i++)
            if (!src->ns[i].gone) {
                src->ns[i].gone = true;
                src->ns[i].gone_at = now;
                if (src->ns[i].diag)
                    drop_diag(&src->ns[i]);
            }
        return;
    }
    if (src->pipe_loop != loop) {
        if (src->pipe_loop)
            sp_loop_unwatch(src->pipe_loop, src->pipe[0]);
        src->pipe_loop = sp_loop_watch(loop, src->pipe[0], SP_IO_READ, on_pipe, src) == 0 ? loop : NULL;
        if (!src->pipe_loop) {
            note(src, NULL, "other network namespaces: cannot watch the pipe: %s", strerror(errno));
            src->all = false;
            return;
        }
    }
    walk(src);
    kick_opener(src);
}

static void finish(sp_conns_source *src)
{
    /* Sampled when the dump was asked for: the time the kernel read the
     * counters, not when the answer was parsed (which varies). */
    sp_conntab_commit(&src->tab, src->started);
    mark_services(src);
    sp_connproc_resolve(src->procs, &src->tab);
    for (int by = 1; by < SP_BY_COUNT; by++)
        sp_conn_groups_update(&src->groups[by], &src->tab);
    src->malformed = src->malformed_now;
    src->shown = src->shown_now;
    src->running = false;
    src->took = sp_now() - src->started;
    src->cb(src->ud, 0, "");
}

static void ns_done(int rc, int err, void *ud);
static void dump_next(sp_conns_source *src);

static void on_wait_over(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_conns_source *src = ud;
    src->wait_timer = 0;
    src->waiting = false;
    src->wait_over = true;
    note(src, &src->ns[src->step].noted, "network namespace %s: not entered within %g s (skipped this time)", src->ns[src->step].name,
         OPEN_WAIT_SECONDS);
    src->step++;
    dump_next(src);
}

/* Dumps ns[step] and the ones after it one at a time, waiting for the
 * thread where a socket is being opened; then ends the refresh. */
static void dump_next(sp_conns_source *src)
{
    for (; src->all && src->step < src->nns; src->step++) {
        nsrec *r = &src->ns[src->step];
        if (r->gone || r->state == NS_FAILED)
            continue;
        if (r->state == NS_IDLE)
            kick_opener(src);
        if ((r->state == NS_OPENING || (r->state == NS_IDLE && src->op.running)) && !src->wait_over) {
            src->waiting = true;
            src->wait_timer = sp_loop_timer(src->loop, OPEN_WAIT_SECONDS, 0, on_wait_over, src);
            return;
        }
        if (r->state != NS_READY)
            continue;
        src->cur = r->id;
        if (sp_sockdiag_start(r->diag, src->loop, src->q, src->nq, on_msg, ns_done, src) == 0)
            return;
        note(src, &r->noted, "network namespace %s: sock_diag: %s (skipped this time)", r->name, strerror(errno));
        drop_diag(r);
    }
    src->cur = 0;
    finish(src);
}

static void ns_done(int rc, int err, void *ud)
{
    sp_conns_source *src = ud;
    nsrec *r = ns_by_id(src, src->cur);
    if (rc < 0) {
        note(src, &r->noted, "network namespace %s: sock_diag dump failed: %s", r->name, strerror(err));
        if (sp_sockdiag_lost(r->diag))
            drop_diag(r);
    } else {
        src->shown_now++;
    }
    src->step++;
    dump_next(src);
}

static void on_pipe(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    (void)events;
    sp_conns_source *src = ud;
    open_msg m;
    while (read(fd, &m, sizeof m) == (ssize_t)sizeof m) {
        if (m.id == 0) {
            end_opener(src);
            kick_opener(src);
            continue;
        }
        nsrec *r = ns_by_id(src, m.id);
        if (!r || r->gone) {
            if (m.fd >= 0)
                close(m.fd);
            if (r)
                r->state = NS_IDLE;
            continue;
        }
        if (m.fd < 0 && (m.err == ENOENT || m.err == ESRCH)) {
            /* Gone since the walk (its last process exited, `ip netns del`):
             * no failure to report. Still held elsewhere, the next walk
             * finds it again as a new record. */
            r->state = NS_IDLE;
            r->gone = true;
            r->gone_at = sp_now();
        } else if (m.fd < 0) {
            r->state = NS_FAILED;
            note(src, &r->noted, "network namespace %s: cannot enter it: %s (skipped)", r->name, strerror(m.err));
        } else if ((r->diag = sp_sockdiag_adopt(m.fd)) == NULL) {
            r->state = NS_FAILED;
            note(src, &r->noted, "network namespace %s: sock_diag: %s (skipped)", r->name, strerror(errno));
        } else {
            r->state = NS_READY;
        }
    }
    if (src->waiting && src->running) {
        const nsrec *r = &src->ns[src->step];
        if (r->state == NS_OPENING || (r->state == NS_IDLE && src->op.running))
            return;
        src->waiting = false;
        sp_loop_cancel(src->loop, src->wait_timer);
        src->wait_timer = 0;
        dump_next(src);
    }
}

/* ---- the refresh ---- */

static int start_dump(sp_conns_source *src);

static void on_done(int rc, int err, void *ud)
{
    sp_conns_source *src = ud;
    if (rc == 0) {
        src->step = 0;
        dump_next(src);
        return;
    }
    if (src->one_walk && src->tcp &&
        (err == EINVAL || err == ENOENT || err == EOPNOTSUPP || err == EPROTONOSUPPORT || err == EAFNOSUPPORT)) {
        /* A kernel (or sandbox) without the older request: one family at
         * a time from now on, starting over at once. */
        src->one_walk = false;
        set_queries(src);
        if (start_dump(src) == 0)
            return;
    }
    char why[200];
    snprintf(why, sizeof why, "sock_diag dump failed: %s", strerror(err));
    sp_conntab_abort(&src->tab);
    src->running = false;
    src->took = sp_now() - src->started;
    src->cb(src->ud, rc, why);
}

static void on_fail(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_conns_source *src = ud;
    src->fail_timer = 0;
    src->running = false;
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
    if (src->running || src->fail_timer)
        return -1;
    src->cb = cb;
    src->ud = ud;
    src->loop = loop;
    src->started = sp_now();
    src->shown_now = 1;
    src->cur = 0;
    src->waiting = src->wait_over = false;
    src->running = true;
    if (src->diag)
        update_namespaces(src, loop);
    if (start_dump(src) == 0)
        return 0;
    if (src->diag)
        snprintf(src->why, sizeof src->why, "sock_diag: %s", strerror(errno));
    src->fail_timer = sp_loop_timer(loop, 0, 0, on_fail, src);
    return 0;
}

bool sp_conns_source_all_namespaces(sp_conns_source *src, bool on)
{
    if (on && geteuid() != 0) {
        note(src, NULL, "other network namespaces need root: showing this one only");
        src->want_all = false;
        return false;
    }
    if (on && src->pipe[0] < 0) {
        if (pipe2(src->pipe, O_CLOEXEC) < 0) {
            note(src, NULL, "other network namespaces: no pipe (%s): showing this one only", strerror(errno));
            src->pipe[0] = src->pipe[1] = -1;
            return false;
        }
        /* The loop's end reads without waiting; the thread's end may wait. */
        fcntl(src->pipe[0], F_SETFL, fcntl(src->pipe[0], F_GETFL) | O_NONBLOCK);
    }
    src->want_all = on;
    return true;
}

const char *sp_conns_netns_name(const sp_conns_source *src, uint32_t netns)
{
    if (netns == 0)
        return "host";
    const nsrec *r = ns_by_id(src, netns);
    return r ? r->name : "?";
}

const char *sp_conns_netns_container(const sp_conns_source *src, uint32_t netns)
{
    const nsrec *r = netns ? ns_by_id(src, netns) : NULL;
    return r && r->container[0] ? r->container : NULL;
}

size_t sp_conns_netns_count(const sp_conns_source *src) { return src->shown; }
double sp_conns_netns_walk_seconds(const sp_conns_source *src) { return src->walk_took; }

const sp_conntab *sp_conns_table(const sp_conns_source *src) { return &src->tab; }
const sp_conn_groups *sp_conns_groups(const sp_conns_source *src, int by) { return &src->groups[by]; }
const sp_connproc_stats *sp_conns_procs(const sp_conns_source *src) { return sp_connproc_last(src->procs); }
size_t sp_conns_malformed(const sp_conns_source *src) { return src->malformed; }
double sp_conns_refresh_seconds(const sp_conns_source *src) { return src->took; }
