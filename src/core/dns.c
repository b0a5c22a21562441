/* c-ares in our loop: sock_state_cb tells which sockets to watch,
 * ares_process_fd handles readiness, and a hook before each sleep re-arms
 * one timer at ares_timeout so retries and time-outs happen on time. */
#include "sockpit/core/dns.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"

struct sp_dns {
    sp_loop *loop;
    ares_channel ch;
    uint64_t timer;
    double deadline;   /* when the armed timer fires; 0: none */
    bool cancel;       /* a socket could not be watched: fail the queries */
};

static int library_refs;

static void on_io(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    sp_dns *d = ud;
    ares_process_fd(d->ch, (events & SP_IO_READ) ? fd : ARES_SOCKET_BAD,
                    (events & SP_IO_WRITE) ? fd : ARES_SOCKET_BAD);
}

static void on_sock_state(void *ud, ares_socket_t fd, int readable, int writable)
{
    sp_dns *d = ud;
    if (!readable && !writable) {
        sp_loop_unwatch(d->loop, fd);
        return;
    }
    unsigned ev = (readable ? SP_IO_READ : 0u) | (writable ? SP_IO_WRITE : 0u);
    /* An unwatched socket would leave its queries to time out one by one;
     * cancel them instead (from the hook: not inside c-ares' own call). */
    if (sp_loop_set_events(d->loop, fd, ev) < 0 && sp_loop_watch(d->loop, fd, ev, on_io, d) < 0)
        d->cancel = true;
}

static void on_timeout(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_dns *d = ud;
    d->timer = 0;
    d->deadline = 0;
    ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

static void rearm(sp_loop *loop, void *ud)
{
    sp_dns *d = ud;
    if (d->cancel) {
        d->cancel = false;
        ares_cancel(d->ch);
    }
    struct timeval tv;
    if (!ares_timeout(d->ch, NULL, &tv)) {
        if (d->timer) {
            sp_loop_cancel(loop, d->timer);
            d->timer = 0;
            d->deadline = 0;
        }
        return;
    }
    /* c-ares reports the time left in whole milliseconds, rounded down:
     * waking at that instant finds the query not yet expired and would spin
     * until the real deadline, so wake a millisecond later. */
    double when = sp_now() + (double)tv.tv_sec + (double)tv.tv_usec / 1e6 + 0.001;
    /* Re-arm only when the deadline moved by more than a millisecond, so a
     * busy loop does not churn the timer heap. */
    if (d->timer && when > d->deadline - 0.001 && when < d->deadline + 0.001)
        return;
    if (d->timer)
        sp_loop_cancel(loop, d->timer);
    d->deadline = when;
    d->timer = sp_loop_timer(loop, when - sp_now(), 0, on_timeout, d);
}

/* One server: "1.2.3.4", "1.2.3.4:53", "::1", "[::1]", "[::1]:53"; blanks
 * around it are allowed, as in "a, b". */
static int parse_one(const char *s, size_t n, char *out, size_t outlen, char *err, size_t errlen)
{
    char buf[128];
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0) {
        snprintf(err, errlen, "--dns-server: empty server address in the list");
        return -1;
    }
    if (n >= sizeof buf) {
        snprintf(err, errlen, "--dns-server: '%.40s...' is too long for an address", s);
        return -1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *host = buf, *port = NULL;
    bool v6 = false;
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (!close) {
            snprintf(err, errlen, "--dns-server: '%s' has '[' without ']'", buf);
            return -1;
        }
        *close = '\0';
        host = buf + 1;
        v6 = true;
        if (close[1] == ':')
            port = close + 2;
        else if (close[1] != '\0') {
            snprintf(err, errlen, "--dns-server: unexpected text after ']' in '%s]%s'", host, close + 1);
            return -1;
        }
    } else {
        char *colon = strchr(buf, ':');
        if (colon && strchr(colon + 1, ':'))
            v6 = true; /* bare IPv6, no port */
        else if (colon) {
            *colon = '\0';
            port = colon + 1;
        }
    }
    unsigned char addr[16];
    if (inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) != 1) {
        snprintf(err, errlen, "--dns-server: '%s' is not an IP%s address (names are not allowed here)",
                 host, v6 ? "v6" : "v4");
        return -1;
    }
    long p = 53;
    if (port) {
        char *end;
        p = strtol(port, &end, 10);
        if (*port == '\0' || *end != '\0' || p < 1 || p > 65535) {
            snprintf(err, errlen, "--dns-server: port '%s' must be a number from 1 to 65535", port);
            return -1;
        }
    }
    int w = v6 ? snprintf(out, outlen, "[%s]:%ld", host, p) : snprintf(out, outlen, "%s:%ld", host, p);
    return w < 0 || (size_t)w >= outlen ? -1 : w;
}

char *sp_dns_parse_servers(const char *list, char *err, size_t errlen)
{
    if (!list || !*list) {
        snprintf(err, errlen, "--dns-server: the server list is empty");
        return NULL;
    }
    size_t cap = strlen(list) * 2 + 64;
    char *csv = sp_xmalloc(cap);
    size_t used = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (used)
            csv[used++] = ',';
        int w = parse_one(p, n, csv + used, cap - used, err, errlen);
        if (w < 0) {
            free(csv);
            return NULL;
        }
        used += (size_t)w;
        if (!comma)
            break;
        p = comma + 1;
    }
    csv[used] = '\0';
    return csv;
}

sp_dns *sp_dns_new(sp_loop *loop, const sp_dns_config *cfg, char *err, size_t errlen)
{
    if (library_refs++ == 0) {
        int rc = ares_library_init(ARES_LIB_INIT_ALL);
        if (rc != ARES_SUCCESS) {
            library_refs--;
            snprintf(err, errlen, "DNS library failed to start: %s", ares_strerror(rc));
            return NULL;
        }
    }
    sp_dns *d = sp_xcalloc(1, sizeof *d);
    d->loop = loop;
    struct ares_options o;
    memset(&o, 0, sizeof o);
    o.sock_state_cb = on_sock_state;
    o.sock_state_cb_data = d;
    /* A dead server shows as a time-out within 3 s (1 s, then 2 s). */
    o.timeout = cfg && cfg->timeout_ms > 0 ? cfg->timeout_ms : 1000;
    o.tries = cfg && cfg->tries > 0 ? cfg->tries : 2;
    /* Without NOCHECKRESP, c-ares 1.18 retries a SERVFAIL or REFUSED answer
     * and then reports ARES_ECONNREFUSED, the same as a closed port; the
     * panes need to tell those apart. STAYOPEN: c-ares closes a socket
     * whenever no query is in flight, and lookups spread over an interval
     * (10,000 names every 10 s) then cost a socket, a connect and a close
     * each. */
    o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN;
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
#ifdef ARES_OPT_QUERY_CACHE
    /* c-ares 1.23 and later cache answers: the DNS watch must see every
     * change at its next lookup, and reverse names have their own TTL cache. */
    o.qcache_max_ttl = 0;
    mask |= ARES_OPT_QUERY_CACHE;
#endif
    int rc = ares_init_options(&d->ch, &o, mask);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "DNS resolver failed to start: %s (check /etc/resolv.conf or use --dns-server)",
                 ares_strerror(rc));
        free(d);
        goto fail;
    }
    if (cfg && cfg->servers) {
        rc = ares_set_servers_ports_csv(d->ch, cfg->servers);
        if (rc != ARES_SUCCESS) {
            snprintf(err, errlen, "--dns-server: c-ares refused '%s': %s", cfg->servers, ares_strerror(rc));
            ares_destroy(d->ch);
            free(d);
            goto fail;
        }
    }
    sp_loop_hook(loop, rearm, d);
    return d;
fail:
    if (--library_refs == 0)
        ares_library_cleanup();
    return NULL;
}

void sp_dns_free(sp_dns *d)
{
    if (!d)
        return;
    sp_loop_unhook(d->loop, rearm, d);
    /* Pending callbacks run with ARES_EDESTRUCTION inside ares_destroy. */
    ares_destroy(d->ch);
    if (d->timer)
        sp_loop_cancel(d->loop, d->timer);
    free(d);
    if (--library_refs == 0)
        ares_library_cleanup();
}

ares_channel sp_dns_channel(sp_dns *d) { return d->ch; }

