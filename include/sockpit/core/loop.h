/* The event loop: fd watchers and timers on epoll, signals through a
 * signalfd, and hooks that run before each sleep (drawing, c-ares deadlines).
 * It sleeps until the next timer or fd event; there is no fixed tick. */
#ifndef SOCKPIT_LOOP_H
#define SOCKPIT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sp_loop sp_loop;

enum {
    SP_IO_READ = 1u,   /* readable, or hang-up/error: a read will tell which */
    SP_IO_WRITE = 2u,
};

typedef void sp_io_fn(sp_loop *loop, int fd, unsigned events, void *ud);
typedef void sp_timer_fn(sp_loop *loop, uint64_t id, void *ud);
typedef void sp_hook_fn(sp_loop *loop, void *ud);
typedef void sp_signal_fn(sp_loop *loop, int signo, void *ud);

sp_loop *sp_loop_new(void);
void sp_loop_free(sp_loop *loop);

/* Adds fd or changes its interest and callback; events may be 0 to pause it.
 * Safe to call from any callback. Returns 0, or -1 with errno set. */
int sp_loop_watch(sp_loop *loop, int fd, unsigned events, sp_io_fn *fn, void *ud);
/* Changes only the interest of a watched fd. */
int sp_loop_set_events(sp_loop *loop, int fd, unsigned events);
/* Forgets fd (call before close). Pending events for it are dropped. */
void sp_loop_unwatch(sp_loop *loop, int fd);

/* One-shot timer after `delay` seconds; periodic when `period` > 0.
 * Returns an id (never 0) for sp_loop_cancel. */
uint64_t sp_loop_timer(sp_loop *loop, double delay, double period, sp_timer_fn *fn, void *ud);
/* Cancels a timer; unknown or already fired ids are ignored. Safe inside the
 * timer's own callback. */
void sp_loop_cancel(sp_loop *loop, uint64_t id);

/* Runs fn before every sleep, after all ready events were handled. */
void sp_loop_hook(sp_loop *loop, sp_hook_fn *fn, void *ud);
void sp_loop_unhook(sp_loop *loop, sp_hook_fn *fn, void *ud);

/* Delivers signo through the loop (blocked and read from a signalfd). */
int sp_loop_signal(sp_loop *loop, int signo, sp_signal_fn *fn, void *ud);
/* Forgets that handler (signo stays blocked: others may still want it). */
void sp_loop_unsignal(sp_loop *loop, int signo, sp_signal_fn *fn, void *ud);

/* Runs until sp_loop_stop. Returns 0, or -1 if epoll failed. */
int sp_loop_run(sp_loop *loop);
/* One iteration: hooks, then wait at most timeout_ms (-1: until an event or
 * timer), then dispatch. Returns the number of events and timers handled. */
int sp_loop_once(sp_loop *loop, int timeout_ms);
/* Ends sp_loop_run as soon as the running callback returns: no further
 * events or timers of this iteration are handled. */
void sp_loop_stop(sp_loop *loop);
bool sp_loop_stopped(const sp_loop *loop);

/* CLOCK_MONOTONIC in seconds. */
double sp_now(void);
/* How many times the loop woke from its sleep: tests use it to prove that an
 * idle loop does not wake. */
uint64_t sp_loop_wakeups(const sp_loop *loop);

#endif
