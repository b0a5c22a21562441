/* The DNS watch as the Watch pane and `sockpit watch` both run it: the
 * names (watch.list from the XDG config directory, or names given), the
 * change log in the XDG state directory (rotated at a size, one previous
 * file kept), the watcher on the caller's loop and DNS channel, and the
 * recent events for the views (loaded back from the log first).
 *
 * Each name resumes from the log: the last answer (and failure) logged for
 * each of its types is where its first lookup starts, so an unchanged
 * answer logs nothing after a restart, a different one logs a change from
 * the remembered set, and `first` is only for what was never seen. */
#ifndef SOCKPIT_WATCH_SETUP_H
#define SOCKPIT_WATCH_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/dns/eventring.h"
#include "sockpit/dns/hook.h"
#include "sockpit/dns/watch.h"
#include "sockpit/dns/watchlist.h"

typedef struct sp_watch_settings {
    const char *config_dir, *state_dir; /* NULL: the XDG defaults */
    const sp_watchlist *names;          /* watch these instead of watch.list (which is then not read) */
    double interval;                    /* default interval, seconds */
    bool ttl_mode;                      /* default: TTL mode */
    size_t keep;                        /* recent events kept, loaded back from the log first; 0: none */
    int64_t log_max;                    /* the log is rotated at this size; 0: SP_CHANGELOG_MAX_DEFAULT */
    bool partial;                       /* a list or log that cannot be used is only noted in `problem`
                                         * and the watch runs without it (the TUI); else it fails */
    bool need_names;                    /* no names to watch: SP_WATCH_SETUP_NO_NAMES */
    sp_watch_event_fn *on_event;        /* after the event is in the log and the recent events */
    sp_watch_answer_fn *on_answer;      /* after every lookup */
    const char *exec;                   /* a hook run for every event (hook.h), NULL: none; its output
                                         * goes to hooks.log beside the change log (else to stderr,
                                         * or with partial nowhere) */
    double exec_timeout;                /* the hook's time limit; 0: SP_HOOK_TIMEOUT_DEFAULT */
    sp_hook_log_fn *on_hook_log;        /* a hook failed (after the line is in hooks.log); may be NULL */
    void *ud;
} sp_watch_settings;

/* What sp_watch_set_up built. It is the watcher's callback argument, so it
 * must not move while the watcher exists. */
typedef struct sp_watch_setup {
    sp_watch *watch;                   /* NULL when it could not start */
    sp_watchlist list;                 /* the names (watch.list as read, to be edited and saved) */
    sp_watchlist_problem *probs;       /* the list's skipped lines */
    size_t nprobs;
    char list_path[4096];              /* "" when names were given or there is no place for it */
    char log_path[4200];               /* "(no change log)" when there is none */
    int log_fd;                        /* -1: events are not kept */
    sp_eventring recent;               /* the last `keep` events, oldest first */
    char problem[4400];                /* partial: the last thing that did not work, "" when all did */
    sp_hook *hook;                     /* exec: the hook runner; NULL: none */
    bool hooks_paused;                 /* set: events start no more hooks (a batch ending) */

    /* private: the caller's callbacks, called after the setup's own */
    sp_watch_event_fn *on_event;
    sp_watch_answer_fn *on_answer;
    sp_hook_log_fn *on_hook_log;
    int hook_fd; /* hooks.log, -1: none */
    void *ud;
} sp_watch_setup;

enum { SP_WATCH_SETUP_OK = 0, SP_WATCH_SETUP_FAILED = -1, SP_WATCH_SETUP_NO_NAMES = -2 };

/* Builds the watch into *s and starts watching every name, the first
 * lookups spread over a second (a second per 1,000 names for more, at
 * most one interval). Returns SP_WATCH_SETUP_OK (with
 * partial, s->problem may still say what is missing), SP_WATCH_SETUP_FAILED
 * with a one-line reason in err (what was wrong and what to do), or
 * SP_WATCH_SETUP_NO_NAMES when need_names and there are none (watch.list
 * is s->list_path). Whatever the result, sp_watch_tear_down(s) frees what
 * was built. Free the DNS channel before tearing down, so its pending
 * callbacks run while the watcher still exists. */
int sp_watch_set_up(sp_watch_setup *s, sp_loop *loop, sp_dns *dns, const sp_watch_settings *set, char *err,
                    size_t errlen);
void sp_watch_tear_down(sp_watch_setup *s);

#endif
