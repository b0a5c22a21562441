/* The DNS watch with several resolvers compared (`--compare`, the Watch
 * pane's toggle): one c-ares channel per server (from --dns-server, or the
 * servers c-ares read from resolv.conf), each with its own watcher of the
 * same names and types, whose answers feed the comparison (compare.h).
 * Each disagree or agree is appended to the change log and then reported.
 * The main watcher (watch_setup.h) runs on as before. */
#ifndef SOCKPIT_WATCH_COMPARE_H
#define SOCKPIT_WATCH_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/dns/compare.h"
#include "sockpit/dns/watch.h"

typedef struct sp_watch_cmp sp_watch_cmp;

/* One transition: name's type t now disagrees (or agrees again). */
typedef struct sp_cmp_event {
    int64_t time_ms;
    const char *name;
    sp_rrtype type;
    sp_cmp_change change;  /* SP_CMP_DISAGREE or SP_CMP_AGREE */
    size_t nres;
    const char *const *labels;  /* each resolver, "127.0.0.1:5301" */
    const char *const *answers; /* each resolver's answer (sp_compare_text) */
} sp_cmp_event;

typedef void sp_cmp_event_fn(void *ud, const sp_cmp_event *ev);

/* Starts comparing the servers of `servers` (sp_dns_parse_servers' CSV;
 * NULL: those `dns` was made with) for every name `main` watches.
 * Events are appended to main's change log (sp_watch_log_fd). Returns
 * NULL with a one-line reason in err, also when there are fewer than two
 * servers. */
sp_watch_cmp *sp_watch_cmp_new(sp_loop *loop, sp_watch *main, sp_dns *dns, const char *servers, double interval,
                               bool ttl_mode, sp_cmp_event_fn *on_event, void *ud, char *err, size_t errlen);
/* Frees the channels first (their callbacks run), then the watchers. */
void sp_watch_cmp_free(sp_watch_cmp *c);
/* A name the main watcher took on, or let go (c NULL: nothing). */
void sp_watch_cmp_add(sp_watch_cmp *c, const char *name, unsigned types, sp_wmode mode, long interval_ms);
void sp_watch_cmp_remove(sp_watch_cmp *c, const char *name);
/* A name's schedule changed in the main watcher. */
void sp_watch_cmp_set_mode(sp_watch_cmp *c, const char *name, sp_wmode mode, long interval_ms);
const sp_compare *sp_watch_cmp_model(const sp_watch_cmp *c);
size_t sp_watch_cmp_count(const sp_watch_cmp *c);
const char *sp_watch_cmp_label(const sp_watch_cmp *c, size_t i);

/* The log line of ev (no newline): "TIME  NAME  disagree  A: 127.0.0.1:5301
 * 198.18.0.1; 127.0.0.1:5302 198.18.0.2" (a line the resume skips). Returns
 * a malloc'd string. */
char *sp_cmp_event_format(const sp_cmp_event *ev);
/* The JSON Lines form: "event":"disagree", "answers":{LABEL:[values] or
 * LABEL:"ERROR"}. */
void sp_cmp_event_json(const sp_cmp_event *ev, FILE *f);

#endif
