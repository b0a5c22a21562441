/* The event loop, after redis's ae: fd events and time events, nothing else.
 * epoll for fds, a binary min-heap for timers, a signalfd for signals. */
#include "sockpit/core/loop.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "sockpit/core/mem.h"

typedef struct watcher {
    sp_io_fn *fn;
    void *ud;
    unsigned events;
    uint32_t gen;  /* bumped on unwatch so stale epoll events are dropped */
    bool active;
} watcher;

typedef struct timer {
    uint64_t id;
    double when, period;
    sp_timer_fn *fn;
    void *ud;
} timer;

typedef struct hook {
    sp_hook_fn *fn;
    void *ud;
} hook;

typedef struct sigslot {
    int signo;
    sp_signal_fn *fn;
    void *ud;
} sigslot;

struct sp_loop {
    int epfd;
    watcher *w;
    size_t nw;
    timer *heap;
    size_t nheap, capheap;
    uint64_t next_id;
    uint64_t firing_id;      /* the timer whose callback is running */
    bool firing_cancelled;
    hook *hooks;
    size_t nhooks, caphooks;
    int sigfd;
    sigset_t sigmask;
    sigslot *sigs;
    size_t nsigs, capsigs;
    bool stop;
    bool in_hooks;
    uint64_t wakeups;
};

double sp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

sp_loop *sp_loop_new(void)
{
    sp_loop *l = sp_xcalloc(1, sizeof *l);
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        free(l);
        return NULL;
    }
    l->sigfd = -1;
    l->next_id = 1;
    sigemptyset(&l->sigmask);
    return l;
}

void sp_loop_free(sp_loop *l)
{
    if (!l)
        return;
    if (l->sigfd >= 0) {
        close(l->sigfd);
        sigprocmask(SIG_UNBLOCK, &l->sigmask, NULL);
    }
    close(l->epfd);
    free(l->w);
    free(l->heap);
    free(l->hooks);
    free(l->sigs);
    free(l);
}

static uint32_t epoll_bits(unsigned events)
{
    uint32_t e = 0;
    if (events & SP_IO_READ)
        e |= EPOLLIN | EPOLLRDHUP;
    if (events & SP_IO_WRITE)
        e |= EPOLLOUT;
    return e;
}

/* Watchers are indexed by fd. */
static void grow_watchers(sp_loop *l, int fd)
{
    size_t old = l->nw;
    SP_GROW(l->w, l->nw, (size_t)fd + 1);
    memset(l->w + old, 0, (l->nw - old) * sizeof *l->w);
}

static int epoll_apply(sp_loop *l, int fd, int op)
{
    watcher *w = &l->w[fd];
    struct epoll_event ev = { .events = epoll_bits(w->events),
                              .data.u64 = (uint64_t)(uint32_t)fd | ((uint64_t)w->gen << 32) };
    return epoll_ctl(l->epfd, op, fd, &ev);
}

int sp_loop_watch(sp_loop *l, int fd, unsigned events, sp_io_fn *fn, void *ud)
{
    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    grow_watchers(l, fd);
    watcher *w = &l->w[fd];
    bool was = w->active;
    w->fn = fn;
    w->ud = ud;
    w->events = events;
    w->active = true;
    if (epoll_apply(l, fd, was ? EPOLL_CTL_MOD : EPOLL_CTL_ADD) < 0) {
        w->active = was;
        return -1;
    }
    return 0;
}

int sp_loop_set_events(sp_loop *l, int fd, unsigned events)
{
    if (fd < 0 || (size_t)fd >= l->nw || !l->w[fd].active) {
        errno = ENOENT;
        return -1;
    }
    if (l->w[fd].events == events)
        return 0;
    l->w[fd].events = events;
    return epoll_apply(l, fd, EPOLL_CTL_MOD);
}

void sp_loop_unwatch(sp_loop *l, int fd)
{
    if (fd < 0 || (size_t)fd >= l->nw || !l->w[fd].active)
        return;
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
    l->w[fd].active = false;
    l->w[fd].gen++;
}

/* Timer heap, ordered by deadline then id so equal deadlines fire in the
 * order they were set. */
static bool earlier(const timer *a, const timer *b)
{
    return a->when < b->when || (a->when == b->when && a->id < b->id);
}

static void heap_up(timer *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!earlier(&h[i], &h[p]))
            break;
        timer t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static void heap_down(timer *h, size_t n, size_t i)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && earlier(&h[c + 1], &h[c]))
            c++;
        if (!earlier(&h[c], &h[i]))
            break;
        timer t = h[i];
        h[i] = h[c];
        h[c] = t;
        i = c;
    }
}

static void heap_push(sp_loop *l, const timer *t)
{
    SP_GROW(l->heap, l->capheap, l->nheap + 1);
    l->heap[l->nheap] = *t;
    heap_up(l->heap, l->nheap++);
}

static void heap_remove(sp_loop *l, size_t i)
{
    l->heap[i] = l->heap[--l->nheap];
    if (i < l->nheap) {
        heap_up(l->heap, i);
        heap_down(l->heap, l->nheap, i);
    }
}

uint64_t sp_loop_timer(sp_loop *l, double delay, double period, sp_timer_fn *fn, void *ud)
{
    if (!(delay >= 0) || !isfinite(delay))
        delay = 0;
    timer t = { .id = l->next_id++, .when = sp_now() + delay,
                .period = period > 0 ? period : 0, .fn = fn, .ud = ud };
    heap_push(l, &t);
    return t.id;
}

void sp_loop_cancel(sp_loop *l, uint64_t id)
{
    if (id == 0)
        return;
    if (id == l->firing_id) {
        l->firing_cancelled = true;
        return;
    }
    for (size_t i = 0; i < l->nheap; i++) {
        if (l->heap[i].id == id) {
            heap_remove(l, i);
            return;
        }
    }
}

void sp_loop_hook(sp_loop *l, sp_hook_fn *fn, void *ud)
{
    SP_GROW(l->hooks, l->caphooks, l->nhooks + 1);
    l->hooks[l->nhooks++] = (hook){ fn, ud };
}

void sp_loop_unhook(sp_loop *l, sp_hook_fn *fn, void *ud)
{
    for (size_t i = 0; i < l->nhooks; i++) {
        if (l->hooks[i].fn == fn && l->hooks[i].ud == ud) {
            /* During the hook pass the slot is only emptied, so the pass
             * neither skips the next hook nor runs this one. */
            if (l->in_hooks) {
                l->hooks[i].fn = NULL;
                return;
            }
            memmove(&l->hooks[i], &l->hooks[i + 1], (l->nhooks - i - 1) * sizeof *l->hooks);
            l->nhooks--;
            return;
        }
    }
}

static void run_hooks(sp_loop *l)
{
    l->in_hooks = true;
    /* nhooks is read each time: a hook added now runs in this pass too. */
    for (size_t i = 0; i < l->nhooks; i++)
        if (l->hooks[i].fn)
            l->hooks[i].fn(l, l->hooks[i].ud);
    l->in_hooks = false;
    size_t n = 0;
    for (size_t i = 0; i < l->nhooks; i++)
        if (l->hooks[i].fn)
            l->hooks[n++] = l->hooks[i];
    l->nhooks = n;
}

static void on_signalfd(sp_loop *l, int fd, unsigned events, void *ud)
{
    (void)events;
    (void)ud;
    struct signalfd_siginfo si;
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        for (size_t i = 0; i < l->nsigs; i++)
            if (l->sigs[i].signo == (int)si.ssi_signo)
                l->sigs[i].fn(l, (int)si.ssi_signo, l->sigs[i].ud);
    }
}

int sp_loop_signal(sp_loop *l, int signo, sp_signal_fn *fn, void *ud)
{
    SP_GROW(l->sigs, l->capsigs, l->nsigs + 1);
    l->sigs[l->nsigs++] = (sigslot){ signo, fn, ud };
    sigaddset(&l->sigmask, signo);
    if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) < 0)
        return -1;
    int fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (l->sigfd < 0) {
        l->sigfd = fd;
        return sp_loop_watch(l, fd, SP_IO_READ, on_signalfd, NULL);
    }
    return 0;
}

void sp_loop_unsignal(sp_loop *l, int signo, sp_signal_fn *fn, void *ud)
{
    size_t n = 0;
    for (size_t i = 0; i < l->nsigs; i++)
        if (!(l->sigs[i].signo == signo && l->sigs[i].fn == fn && l->sigs[i].ud == ud))
            l->sigs[n++] = l->sigs[i];
    l->nsigs = n;
}

static int next_timeout_ms(const sp_loop *l, int cap_ms)
{
    if (l->nheap == 0)
        return cap_ms;
    double dt = l->heap[0].when - sp_now();
    /* Round up so we never wake just before the deadline and spin; a
     * deadline past a day is waited for a day at a time (an int of
     * milliseconds holds 24.8 days). */
    int ms = dt <= 0 ? 0 : dt > 86400.0 ? 86400000 : (int)ceil(dt * 1000.0);
    return cap_ms >= 0 && cap_ms < ms ? cap_ms : ms;
}

static int run_timers(sp_loop *l)
{
    int n = 0;
    double now = sp_now();
    /* Only timers due at the start run now: one that re-arms itself at 0 s
     * waits for the next iteration instead of starving fd events. */
    uint64_t limit = l->next_id;
    while (!l->stop && l->nheap > 0 && l->heap[0].when <= now && l->heap[0].id < limit) {
        timer t = l->heap[0];
        heap_remove(l, 0);
        l->firing_id = t.id;
        l->firing_cancelled = false;
        t.fn(l, t.id, t.ud);
        l->firing_id = 0;
        n++;
        /* A periodic timer keeps its id so its owner can still cancel it. */
        if (t.period > 0 && !l->firing_cancelled) {
            t.when += t.period;
            if (t.when <= now)
                t.when = now + t.period;
            heap_push(l, &t);
        }
    }
    return n;
}

int sp_loop_once(sp_loop *l, int timeout_ms)
{
    /* A stop ends the iteration that asked for it, not later ones. */
    l->stop = false;
    run_hooks(l);
    if (l->stop)
        return 0;
    struct epoll_event evs[64];
    int n = epoll_wait(l->epfd, evs, 64, next_timeout_ms(l, timeout_ms));
    if (n < 0) {
        if (errno == EINTR)
            return 0;
        return -1;
    }
    l->wakeups++;
    int handled = 0;
    for (int i = 0; i < n && !l->stop; i++) {
        int fd = (int)(uint32_t)evs[i].data.u64;
        uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
        if ((size_t)fd >= l->nw)
            continue;
        watcher *w = &l->w[fd];
        if (!w->active || w->gen != gen)
            continue;
        unsigned e = 0;
        if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            e |= SP_IO_READ;
        if (evs[i].events & (EPOLLOUT | EPOLLERR))
            e |= SP_IO_WRITE;
        e &= w->events;
        /* A hang-up with only write interest must still reach the owner. */
        if (!e && (evs[i].events & (EPOLLHUP | EPOLLERR)))
            e = w->events;
        if (!e)
            continue;
        w->fn(l, fd, e, w->ud);
        handled++;
    }
    handled += run_timers(l);
    return handled;
}

int sp_loop_run(sp_loop *l)
{
    /* A stop asked for before the run (a key typed ahead of the first
     * frame) ends it at once; the stop is used up when the run returns. */
    while (!l->stop) {
        if (sp_loop_once(l, -1) < 0)
            return -1;
    }
    l->stop = false;
    return 0;
}

void sp_loop_stop(sp_loop *l) { l->stop = true; }

bool sp_loop_stopped(const sp_loop *l) { return l->stop; }

uint64_t sp_loop_wakeups(const sp_loop *l) { return l->wakeups; }
