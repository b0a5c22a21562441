/* The DNS watch with several resolvers compared (`--compare`, the Watch
 * pane's toggle): one c-ares channel per server (from --dns-server, or the
 * servers c-ares read from resolv.conf), each with its own watcher of the
 * same names and types, whose answers feed the comparison (compare.h).
 * Each disagree or agree is an event of the main watcher's (sp_watch_report):
 * its change log, then its on_event (with watch_setup.h: the recent events,
 * the view, the --exec hook). The main watcher runs on as before. */
#ifndef SOCKPIT_WATCH_COMPARE_H
#define SOCKPIT_WATCH_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/dns/compare.h"
#include "sockpit/dns/watch.h"

typedef struct sp_watch_cmp sp_watch_cmp;

/* Starts comparing the servers of `servers` (sp_dns_parse_servers' CSV;
 * NULL: those `dns` was made with) for every name `main` watches.
 * Events are main's (SP_WEV_DISAGREE, SP_WEV_AGREE). Returns
 * NULL with a one-line reason in err, also when there are fewer than two
 * servers. */
sp_watch_cmp *sp_watch_cmp_new(sp_loop *loop, sp_watch *main, sp_dns *dns, const char *servers, double interval,
                               bool ttl_mode, char *err, size_t errlen);
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

#endif
