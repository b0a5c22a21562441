/* The DNS watcher: a list of names, each looked up for its record types (A
 * and AAAA unless told otherwise) with ares_query on its own schedule (a
 * fixed interval, or when the last answer's TTL runs out), all overlapping
 * on one c-ares channel in the event loop. Answers are compared as SETS, so
 * a rotating round-robin answer is not a change.
 *
 * Each record type of a name has its own state and moves through first /
 * change / error / recover events: a resolver that answers A but refuses
 * AAAA gives the A addresses and an "AAAA: REFUSED" error, never a change of
 * the addresses. An empty answer (NODATA) for one type is an answer, not an
 * error. The name's address set is the union of the last answers of A and
 * AAAA. Every event is appended to the change log before anyone is told.
 *
 * Lookups go through an sp_dns channel (dns.h), the TUI's shared one or the
 * batch command's own. */
#ifndef SOCKPIT_WATCH_H
#define SOCKPIT_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/dns/addrset.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/rrtype.h"
#include "sockpit/dns/valset.h"
#include "sockpit/dns/watchlist.h"

#define SP_WATCH_RTT_HIST 60 /* round-trip times kept per name */
#define SP_WATCH_TTL_MIN 1.0 /* TTL mode never queries more often */
/* TTL mode waits at most a day, whatever a server claims (TTLs run to
 * 68 years). */
#define SP_WATCH_TTL_MAX 86400.0

typedef struct sp_watch sp_watch;

/* The state of one record type of a name. */
typedef struct sp_watch_rr {
    bool known;      /* an answer was seen (or remembered from the log), maybe empty */
    sp_addrset set;  /* the last answer: A, AAAA */
    sp_valset vals;  /* the last answer: the other types (records.h) */
    char error[16];  /* current failure; "" when the last lookup worked */
    long ttl;        /* smallest TTL of the last answer; -1 unknown */
} sp_watch_rr;

#define SP_WATCH_ERROR_MAX 96 /* "A: SERVFAIL, AAAA: REFUSED, ..." */

/* One watched name. Views read the fields above `private`. */
typedef struct sp_watch_name {
    char name[SP_DNSNAME_MAX + 1];
    sp_wmode mode;
    long interval_ms;          /* SP_WMODE_INTERVAL */
    unsigned types;            /* the record types watched (SP_RRBIT mask) */
    sp_watch_rr rr[SP_RR_N];   /* per type, for those in types */
    sp_addrset set;            /* the addresses: A and AAAA's last answers together */
    bool have_set;             /* A or AAAA has answered */
    char error[SP_WATCH_ERROR_MAX]; /* the types failing now: "AAAA: REFUSED", or
                                     * "NXDOMAIN" when all fail alike; "" when none */
    long ttl;                  /* smallest TTL of the last answers; -1 unknown */
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
    struct sp_watch_query {
        struct sp_watch_name *n;
        int type;
    } q[SP_RR_N];              /* each query's callback argument */
    double last_reply;         /* when the last reply of this round came */
    int pending;               /* queries in flight, one per type */
    int status[SP_RR_N];
    sp_addrset part[SP_RR_N];
    sp_valset partv[SP_RR_N];
    long part_ttl[SP_RR_N];
    bool dead;                 /* removed while queries were in flight */
    unsigned remembered;       /* the types sp_watch_remember set */
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
    const char *log_path; /* with log_max > 0: the log's path, rotated at log_max bytes
                           * (sp_changelog_append_rotate); log_fd is then replaced at
                           * each rotation: the caller closes sp_watch_log_fd() */
    int64_t log_max;
    sp_watch_event_fn *on_event;   /* after the event is in the log */
    sp_watch_answer_fn *on_answer; /* after every lookup (tables, statistics) */
    void *ud;
} sp_watch_config;

/* log_fd stays the caller's. */
sp_watch *sp_watch_new(sp_loop *loop, const sp_watch_config *cfg);
void sp_watch_free(sp_watch *w);

/* Starts watching name (already validated) for the record types in `types`
 * (0: A and AAAA); its first lookup runs after `delay` seconds. Returns
 * NULL if it is watched already. */
sp_watch_name *sp_watch_add(sp_watch *w, const char *name, unsigned types, sp_wmode mode, long interval_ms,
                            double delay);
/* What the log says the name's types were when sockpit last ran: ev is
 * the newest logged event about them (the scan goes newest first), and each
 * of its types the name watches and has no memory of yet takes its answer
 * (or its failure, with the answer before). Call before the first lookup:
 * that lookup then logs only what differs. Returns how many types it set;
 * a disagree or agree (the servers compared, watch_compare.h) sets none. */
unsigned sp_watch_remember(sp_watch *w, sp_watch_name *n, const sp_wevent *ev);
/* An event from beside the state machine (the servers compared,
 * watch_compare.h): into the log (rotated as the watcher's own), then to
 * on_event, as the watcher's own events go. */
void sp_watch_report(sp_watch *w, const sp_wevent *ev);
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
/* The log's descriptor now (log_fd, or the one a rotation opened). */
int sp_watch_log_fd(const sp_watch *w);
/* errno of the last failed write to the log; 0 when all went well. */
int sp_watch_log_errno(const sp_watch *w);

/* The outcome of one query, for one record type. */
typedef struct sp_watch_answer {
    const char *error;     /* NULL: answered (maybe empty, NODATA); else NXDOMAIN, SERVFAIL,
                            * REFUSED, timeout... */
    bool answered;         /* a server replied (NXDOMAIN counts, a time-out does not) */
    const sp_addrset *set; /* when answered: A, AAAA (normalized; NULL is the empty set) */
    const sp_valset *vals; /* when answered: the other types (normalized; NULL: empty) */
    long ttl;              /* smallest TTL; -1 unknown */
} sp_watch_answer;

/* The outcome of one lookup: an answer for each type the name watches. */
typedef struct sp_watch_result {
    sp_watch_answer rr[SP_RR_N];
    double rtt_ms;      /* -1: none */
} sp_watch_result;

/* The state machine: what a lookup result does to a name (events, counters,
 * RTT history). The watcher calls it for every lookup; tests call it
 * directly. */
void sp_watch_feed(sp_watch *w, sp_watch_name *n, const sp_watch_result *r);

/* The name of a c-ares status as an event error: ARES_ENOTFOUND is
 * "NXDOMAIN", ARES_ETIMEOUT and ARES_ECONNREFUSED (no server reachable) are
 * "timeout", and so on (ARES_ENODATA is "NODATA", though the watcher takes
 * it as an empty answer). */
const char *sp_watch_error_name(int ares_status);

#endif
