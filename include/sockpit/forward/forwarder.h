/* One port mapping running in the event loop: it listens, applies the
 * allow/deny lists and the connection limits, connects to the target (a
 * name resolved through c-ares and resolved again after a failure, or an
 * address), optionally from --source and with a PROXY header first, and
 * moves bytes both ways. Without a rate limit the bytes go through a pipe
 * per direction with splice(2) and never enter user space; with one they go
 * through a bounded buffer per direction paced by token buckets, a total
 * bucket shared fairly between the mapping's connections. Either way a side
 * is read only while the other can take more. An EOF is passed on as a
 * shutdown(SHUT_WR) (the connection lives until both directions are done), a
 * reset as a reset. No thread, no per-connection timer unless an idle or
 * connect timeout is running. */
#ifndef SOCKPIT_FORWARD_FORWARDER_H
#define SOCKPIT_FORWARD_FORWARDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/forward/fwdspec.h"

typedef struct sp_fwd sp_fwd;

typedef enum sp_fwd_event_kind {
    SP_FWD_EV_ACCEPT,         /* a client was let in; connecting to the target */
    SP_FWD_EV_DENY,           /* a client was closed at once: lists, limits, no descriptors */
    SP_FWD_EV_CONNECT_FAILED, /* the target refused, timed out or did not resolve; client closed */
    SP_FWD_EV_CLOSE,          /* a forwarded connection ended */
} sp_fwd_event_kind;

typedef struct sp_fwd_event {
    sp_fwd_event_kind kind;
    uint64_t id;        /* the connection (0 for a deny) */
    const char *client; /* "127.0.0.5:40000" */
    const char *target; /* the address connected (or tried), NULL when none */
    const char *reason; /* deny, connect-failed, close: why */
    uint64_t to_target, to_client; /* bytes delivered each way */
    double duration;    /* seconds since the accept */
} sp_fwd_event;

typedef void sp_fwd_event_fn(void *ud, sp_fwd *f, const sp_fwd_event *ev);

typedef struct sp_fwd_config {
    const sp_fwd_spec *spec; /* copied */
    sp_dns *dns;             /* for a target name; NULL: names cannot be used */
    long nofile;             /* the open files limit for the default --max-conns; <= 0: no limit */
    sp_fwd_event_fn *event;
    void *ud;
} sp_fwd_config;

typedef enum sp_fwd_state {
    SP_FWD_RESOLVING, SP_FWD_CONNECTING, SP_FWD_OPEN, SP_FWD_HALF_CLOSED,
} sp_fwd_state;

typedef struct sp_fwd_conn_info {
    uint64_t id;
    char client[64];
    struct sockaddr_storage peer;
    double started; /* sp_now() at the accept */
    uint64_t to_target, to_client;
    sp_fwd_state state;
} sp_fwd_conn_info;

typedef struct sp_fwd_stats {
    uint64_t accepted, denied, failed; /* since the start */
    size_t active;
    uint64_t to_target, to_client;     /* bytes, closed and open connections */
} sp_fwd_stats;

/* The default --max-conns for an open files limit: a connection holds two
 * sockets and, while data flows, two pipes (a pipe that cannot be had falls
 * back to a buffer). */
long sp_fwd_default_max_conns(long nofile);

/* Binds and listens (and starts resolving a target name). Returns NULL with
 * a one-line reason in err on failure (errno kept: EADDRINUSE). */
sp_fwd *sp_fwd_new(sp_loop *loop, const sp_fwd_config *cfg, char *err, size_t errlen);
/* Closes every connection (a close event each, reason "shutting down"). */
void sp_fwd_free(sp_fwd *f);
/* Paused: new clients wait in the backlog; connections go on. */
void sp_fwd_pause(sp_fwd *f, bool paused);
bool sp_fwd_paused(const sp_fwd *f);
/* Closes the listening socket for good (draining before an exit). */
void sp_fwd_stop_accepting(sp_fwd *f);

const sp_fwd_spec *sp_fwd_spec_of(const sp_fwd *f);
/* "127.0.0.3:7000" as bound. */
const char *sp_fwd_listen_addr(const sp_fwd *f);
/* "db.lan:5432" as given. */
const char *sp_fwd_target_text(const sp_fwd *f);
long sp_fwd_max_conns(const sp_fwd *f);
void sp_fwd_get_stats(const sp_fwd *f, sp_fwd_stats *st);
/* Up to cap connections, oldest first; returns how many there are. */
size_t sp_fwd_conns(const sp_fwd *f, sp_fwd_conn_info *out, size_t cap);
/* Resets the connection with this id (both sides); false when none. */
bool sp_fwd_kill(sp_fwd *f, uint64_t id);
/* Bytes held in user-space buffers and pipes by all connections (tests). */
size_t sp_fwd_buffered(const sp_fwd *f);

#endif
