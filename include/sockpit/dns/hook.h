/* Hooks: a command run for every DNS watch event (`sockpit watch --exec`),
 * through /bin/sh -c, without blocking the loop. Each runs in a process
 * group of its own with the event in its environment
 *
 *   SOCKPIT_NAME    the name
 *   SOCKPIT_EVENT   first, change, error, recover; with the DNS servers
 *                   compared (watch_compare.h) also disagree, agree
 *   SOCKPIT_RRTYPE  the record types ("A,AAAA", "MX"); one for disagree/agree
 *   SOCKPIT_OLD     the set before, SOCKPIT_NEW the set now: addresses
 *                   separated by spaces; other types' canonical values
 *                   (which may hold spaces: "10 mx.test") one per line;
 *                   both empty for disagree and agree
 *   SOCKPIT_ANSWERS disagree/agree: each server's answer, a line each,
 *                   "SERVER ANSWER" as the change log writes it
 *                   ("127.0.0.1:5301 198.18.0.1, 198.18.0.2", "... (none)",
 *                   "... error REFUSED"); empty for the other events
 *
 * and the event's JSON line (the one `sockpit watch --json` prints) on its
 * stdin. Its stdout and stderr go to out_fd. At most max_running run at
 * once; the rest wait in a queue of at most max_queue, past which an event
 * is dropped (and logged). One past its time limit gets SIGTERM, and
 * SIGKILL a second later, to its whole group. Children are reaped through
 * the loop's SIGCHLD. A hook that fails (exit status, not found, killed)
 * gives one status line, never more. */
#ifndef SOCKPIT_HOOK_H
#define SOCKPIT_HOOK_H

#include <stddef.h>

#include "sockpit/core/loop.h"
#include "sockpit/dns/changelog.h"

#define SP_HOOK_TIMEOUT_DEFAULT 10.0
#define SP_HOOK_RUNNING_MAX 4
#define SP_HOOK_QUEUE_MAX 256
#define SP_HOOK_KILL_GRACE 1.0 /* seconds from SIGTERM to SIGKILL */

typedef struct sp_hook sp_hook;

/* A status line (no newline): a hook failed, timed out, was dropped. */
typedef void sp_hook_log_fn(void *ud, const char *line);

typedef struct sp_hook_config {
    const char *cmd;       /* for /bin/sh -c */
    double timeout;        /* seconds; 0: SP_HOOK_TIMEOUT_DEFAULT */
    int max_running;       /* 0: SP_HOOK_RUNNING_MAX */
    size_t max_queue;      /* 0: SP_HOOK_QUEUE_MAX */
    int out_fd;            /* the hooks' stdout and stderr; -1: /dev/null */
    sp_hook_log_fn *log;   /* may be NULL */
    void *ud;
} sp_hook_config;

/* Copies cmd; installs a SIGCHLD handler on loop. NULL if that fails. */
sp_hook *sp_hook_new(sp_loop *loop, const sp_hook_config *cfg);
/* Kills (SIGKILL) and reaps the hooks still running; forgets the queue. */
void sp_hook_free(sp_hook *h);
/* Runs the hook for ev now, or queues it. Returns 0, or -1 when it was
 * dropped (queue full: logged). */
int sp_hook_event(sp_hook *h, const sp_wevent *ev);
size_t sp_hook_running(const sp_hook *h);
size_t sp_hook_queued(const sp_hook *h);
/* Hooks that ended with exit status 0, and those that did not (or could not
 * start). */
unsigned long sp_hook_ok(const sp_hook *h);
unsigned long sp_hook_failed(const sp_hook *h);

#endif
