/* The shared c-ares channel, driven by the event loop: sock_state_cb adds and
 * removes watchers, ares_process_fd runs on readiness, and one timer follows
 * ares_timeout. */
#ifndef SOCKPIT_DNS_H
#define SOCKPIT_DNS_H

#include <ares.h>
#include <stddef.h>

#include "sockpit/core/loop.h"

typedef struct sp_dns sp_dns;

typedef struct sp_dns_config {
    const char *servers; /* c-ares CSV from sp_dns_parse_servers, NULL: system resolv.conf */
    int timeout_ms;      /* first try; 0: 1000 */
    int tries;           /* 0: 2 */
} sp_dns_config;

/* Parses "ADDR[:PORT][,ADDR[:PORT]...]" (IPv6 as [::1]:53 or bare ::1) into
 * the CSV form c-ares takes. Returns a malloc'd string, or NULL with a
 * one-line reason in err. */
char *sp_dns_parse_servers(const char *list, char *err, size_t errlen);

/* Every channel reports SERVFAIL and REFUSED as such (ARES_FLAG_NOCHECKRESP)
 * and, where c-ares has an answer cache, has it off. Returns NULL with a
 * reason in err on failure. */
sp_dns *sp_dns_new(sp_loop *loop, const sp_dns_config *cfg, char *err, size_t errlen);
void sp_dns_free(sp_dns *dns);
ares_channel sp_dns_channel(sp_dns *dns);

#endif
