/* The asynchronous TCP connect scan, in the event loop: up to `concurrency`
 * non-blocking connects in flight, started at `rate` per second by a token
 * bucket on a loop timer, each given `timeout_ms` to answer (a time-out is
 * tried once more before the port is called filtered). A connect the
 * kernel refuses to start for lack of resources (EAGAIN, EMFILE, ENFILE,
 * ENOBUFS, EADDRNOTAVAIL) is put back in the queue and never reported, so
 * no open port is missed at any concurrency. Each open port then gets, on
 * fresh connections, the follow-ups asked for: its banner, an HTTP GET, a
 * TLS handshake. No privilege is needed. */
#ifndef SOCKPIT_PROBE_SCAN_H
#define SOCKPIT_PROBE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sockpit/core/loop.h"
#include "sockpit/probe/httphead.h"
#include "sockpit/probe/target.h"

#define SP_PROBE_CONCURRENCY_DEFAULT 512
#define SP_PROBE_RATE_DEFAULT 2000
#define SP_PROBE_TIMEOUT_DEFAULT 1000
/* A banner is what a service says first: at most this many bytes, within
 * SP_PROBE_BANNER_WAIT seconds. */
#define SP_PROBE_BANNER_MAX 1024
#define SP_PROBE_BANNER_WAIT 1.0
/* The time an HTTP exchange or a TLS handshake (and its HTTP) may take. */
#define SP_PROBE_STEP_WAIT 2.0
/* File descriptors kept free for everything else the program holds. */
#define SP_PROBE_FD_RESERVE 64

typedef enum sp_port_state { SP_PORT_UNKNOWN, SP_PORT_OPEN, SP_PORT_CLOSED, SP_PORT_FILTERED } sp_port_state;

const char *sp_port_state_name(sp_port_state s);

/* What the TLS follow-up found (strings raw). */
typedef struct sp_probe_tls {
    bool done;               /* a handshake was tried */
    bool ok;                 /* it completed */
    char error[160];         /* why not, when !ok */
    char subject[256], issuer[256];
    char **sans;
    size_t nsans;
    time_t not_before, not_after;
    long days_left;
    char sha256[96];
    char protocol[16], cipher[64];
    bool self_signed, expired, wrong_host, verified;
    char verify_reason[160];
} sp_probe_tls;

/* An open port and what its follow-ups found. */
typedef struct sp_probe_port {
    sp_probe_addr addr;
    size_t addr_index;       /* into sp_scan_config.addrs */
    uint16_t port;
    double rtt_ms;           /* the connect's round trip */
    char *banner;            /* raw bytes, NULL: none asked or none said */
    size_t banner_len;
    bool http_done;          /* a GET was sent */
    bool http_tls;           /* ... over TLS */
    sp_http_head http;
    char http_error[80];     /* "no answer", "connection reset" (http_done && !http.http) */
    sp_probe_tls tls;
} sp_probe_port;

typedef struct sp_scan_config {
    const sp_probe_addr *addrs;
    size_t naddrs;
    const uint16_t *ports;
    size_t nports;
    unsigned concurrency;    /* 0: SP_PROBE_CONCURRENCY_DEFAULT */
    double rate;             /* connects per second; 0: SP_PROBE_RATE_DEFAULT */
    int timeout_ms;          /* 0: SP_PROBE_TIMEOUT_DEFAULT */
    bool banner, http, tls;
    const char *host;        /* the name given: HTTP Host and TLS SNI; NULL: the address */
} sp_scan_config;

typedef struct sp_scan_cbs {
    /* A port of addrs[ai] got its final state; for an open port p is its
     * record with every follow-up done (NULL otherwise). */
    void (*on_port)(void *ud, size_t ai, uint16_t port, sp_port_state st, const sp_probe_port *p);
    /* Everything finished (not called after sp_scan_cancel). */
    void (*on_done)(void *ud);
} sp_scan_cbs;

typedef struct sp_scan_progress {
    uint64_t total, done, open, closed, filtered;
    uint64_t requeued;       /* connects put back for lack of resources */
    uint64_t retried;        /* time-outs tried a second time */
    unsigned concurrency;    /* the limit in force (after RLIMIT_NOFILE) */
    double elapsed, rate;    /* seconds; ports finished per second */
    bool finished, cancelled;
} sp_scan_progress;

typedef struct sp_scan sp_scan;

/* Starts a scan (the config's arrays are copied). Raises the soft
 * RLIMIT_NOFILE toward the hard one and bounds concurrency by it. Returns
 * NULL with a one-line reason in err. Do not free the scan inside its own
 * callbacks. */
sp_scan *sp_scan_start(sp_loop *loop, const sp_scan_config *cfg, const sp_scan_cbs *cbs, void *ud, char *err,
                       size_t errlen);
/* Stops: closes every socket; ports not finished stay unknown. */
void sp_scan_cancel(sp_scan *s);
void sp_scan_get_progress(const sp_scan *s, sp_scan_progress *p);
/* The state of port index pi of address index ai. */
sp_port_state sp_scan_state(const sp_scan *s, size_t ai, size_t pi);
/* Why a closed or filtered port is so: "reset", "no answer", "host
 * unreachable"...; "" for the others. */
const char *sp_scan_reason(const sp_scan *s, size_t ai, size_t pi);
/* The open ports finished so far, in the order they finished. */
const sp_probe_port *const *sp_scan_open_ports(const sp_scan *s, size_t *n);
const sp_scan_config *sp_scan_config_of(const sp_scan *s);
void sp_scan_free(sp_scan *s);

/* Frees what a port record holds (not the record). */
void sp_probe_tls_clear(sp_probe_tls *t);

#endif
