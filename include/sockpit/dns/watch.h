/* The DNS watcher: a list of names, each looked up for A and AAAA with
 * ares_query on its own schedule (a fixed interval, or when the last answer's
 * TTL runs out), all overlapping on one c-ares channel in the event loop.
 * Answers are compared as address SETS, so a rotating round-robin answer is
 * not a change. Each name moves through first / change / error / recover
 * events; every event is appended to the change log before anyone is told.
 *
 * Lookups go through an sp_dns channel (dns.h), the TUI's shared one or the
 * batch command's own. */
#ifndef SOCKPIT_WATCH_H
#define SOCKPIT_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/dns/addrset.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/dns/watchlist.h"

#define SP_WATCH_RTT_HIST 60 /* round-trip times kept per name */
#define SP_WATCH_TTL_MIN 1.0 /* TTL mode never queries more often */
/* TTL mode waits at most a day, whatever a server claims (TTLs run to
 * 68 years). */
#define SP_WATCH_TTL_MAX 86400.0

typedef struct sp_watch sp_watch;

/* One watched name. Views read the fields above `private`. */
typedef struct sp_watch_name {
    char name[SP_DNSNAME_MAX + 1];
    sp_wmode mode;
    long interval_ms;          /* SP_WMODE_INTERVAL */
    sp_addrset set;            /* the last successful answer */
    bool have_set;
    char error[16];            /* current failure; "" when the last lookup worked */
    long ttl;                  /* smallest TTL of the last answer; -1 unknown */
    double rtt_ms;             /* last round trip; -1 unknown (time-out) */
    unsigned changes;          /* change events */
    int64_t since_ms;          /* wall clock when the current set was first seen; 0 never */
    uint64_t rounds, answered; /* lookups done, and how many a server answered */
    double max_lag;            /* latest start of a lookup after it was due, s */

    /* private */
    float rtt_hist[SP_WATCH_RTT_HIST]; /* NAN: no answer */
    unsigned rtt_n, rtt_next;
    sp_watch *w;
    uint64_t timer;
    double due, sent, last_round;
    int pending;               /* queries in flight (A, AAAA) */
    int status[2];
    sp_addrset part;
    long part_ttl;
    bool dead;                 /* removed while queries were in flight */
} sp_watch_name;

typedef void sp_watch_event_fn(void *ud, const sp_wevent *ev);
typedef void sp_watch_answer_fn(void *ud, sp_watch_name *n);

typedef struct sp_watch_config {
    sp_dns *dns;          /* must outlive the watcher: free it first, so its
                           * pending callbacks run (ARES_EDESTRUCTION) while
                           * the watcher still exists */
    double interval;      /* default interval, seconds (0: 5) */
    bool ttl_mode;        /* default: TTL mode */
    int log_fd;           /* dns-changes.log opened by sp_changelog_open, -1: none */
    sp_watch_event_fn *on_event;   /* after the event is in the log */
    sp_watch_answer_fn *on_answer; /* after every lookup (tables, statistics) */
    void *ud;
} sp_watch_config;

/* log_fd stays the caller's. */
sp_watch *sp_watch_new(sp_loop *loop, const sp_watch_config *cfg);
void sp_watch_free(sp_watch *w);

/* Starts watching name (already validated); its first lookup runs after
 * `delay` seconds. Returns NULL if it is watched already. */
sp_watch_name *sp_watch_add(sp_watch *w, const char *name, sp_wmode mode, long interval_ms, double delay);
bool sp_watch_remove(sp_watch *w, const char *name);
sp_watch_name *sp_watch_find(sp_watch *w, const char *name);
size_t sp_watch_count(const sp_watch *w);
sp_watch_name *sp_watch_get(sp_watch *w, size_t i);

/* Changes a name's schedule; the next lookup is re-planned from the last. */
void sp_watch_set_mode(sp_watch *w, sp_watch_name *n, sp_wmode mode, long interval_ms);
/* The schedule in effect: true for TTL mode, else *interval in seconds. */
bool sp_watch_uses_ttl(const sp_watch *w, const sp_watch_name *n, double *interval);
/* Looks the name up now (unless a lookup is in flight). */
void sp_watch_requery(sp_watch *w, sp_watch_name *n);

/* Round-trip history, oldest first, NAN for lookups with no answer.
 * Returns how many were written (at most max). */
size_t sp_watch_rtt_history(const sp_watch_name *n, float *out, size_t max);
/* errno of the last failed write to the log; 0 when all went well. */
int sp_watch_log_errno(const sp_watch *w);

/* The outcome of one lookup (A and AAAA together). */
typedef struct sp_watch_result {
    bool ok;
    const char *error;  /* when !ok: NXDOMAIN, NODATA, SERVFAIL, REFUSED, timeout... */
    bool answered;      /* a server replied (NXDOMAIN counts, a time-out does not) */
    const sp_addrset *set; /* when ok: normalized */
    long ttl;
    double rtt_ms;      /* -1: none */
} sp_watch_result;

/* The state machine: what a lookup result does to a name (events, counters,
 * RTT history). The watcher calls it for every lookup; tests call it
 * directly. */
void sp_watch_feed(sp_watch *w, sp_watch_name *n, const sp_watch_result *r);

/* The name of a c-ares status as an event error: ARES_ENOTFOUND is
 * "NXDOMAIN", ARES_ETIMEOUT and ARES_ECONNREFUSED (no server reachable) are
 * "timeout", and so on. */
const char *sp_watch_error_name(int ares_status);

#endif
