/* NETLINK_SOCK_DIAG (inet_diag) dumps: the requests, the walk over the
 * kernel's answer, and a dump driven by the event loop on a non-blocking
 * socket. The listening TCP sockets, the way `ss -lt` finds them, are built
 * on it: a dump asking only for TCP_LISTEN makes the kernel walk the
 * listening hash alone, where reading /proc/net/tcp or tcp6 walks every
 * established and TIME_WAIT socket as well (milliseconds on a busy host,
 * even for a file that ends up empty). The Connections pane (src/conns)
 * asks for everything else through the same pieces. */
#ifndef SOCKPIT_SOCKDIAG_H
#define SOCKPIT_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/core/loop.h"
#include "sockpit/services/listen.h"

/* One dump: a family (AF_INET, AF_INET6), a protocol (IPPROTO_TCP,
 * IPPROTO_UDP), the states wanted (bit 1 << TCP state) and the extensions
 * (bit 1 << (INET_DIAG_x - 1)). AF_UNSPEC with IPPROTO_TCP dumps both
 * families in one walk through the older inet_diag request
 * (TCPDIAG_GETSOCK): each walk of the kernel's established hash costs
 * milliseconds at 10,000 sockets however few of them are of its family.
 * Its failure is the dump's (a kernel that refuses it is not told from one
 * without a family), so the caller can fall back to one family at a time. */
typedef struct sp_sockdiag_query {
    uint8_t family, proto, ext;
    uint32_t states;
} sp_sockdiag_query;

/* Builds the dump request of a query in buf (SP_SOCKDIAG_QUERY_SIZE
 * bytes, 4-byte aligned). Returns its length. */
size_t sp_sockdiag_request_for(void *buf, const sp_sockdiag_query *q, uint32_t seq);
/* The longest request: a netlink header + struct inet_diag_req. */
#define SP_SOCKDIAG_QUERY_SIZE 76

/* Called with the payload of each SOCK_DIAG_BY_FAMILY (or TCPDIAG_GETSOCK) message (an
 * inet_diag_msg and its attributes, len bytes as the header says). */
typedef void sp_sockdiag_msg_fn(const void *payload, size_t len, void *ud);

/* Walks one datagram of the kernel's answer (buf 4-byte aligned): fn for
 * each socket message; the return value and errno as sp_sockdiag_parse. */
int sp_sockdiag_walk(const void *buf, size_t len, uint32_t seq, uint32_t portid, sp_sockdiag_msg_fn *fn, void *ud);

/* The request: a netlink header + struct inet_diag_req_v2. */
#define SP_SOCKDIAG_REQ_SIZE 72

/* Builds the dump request for the TCP listeners of one family (AF_INET or
 * AF_INET6) in buf (SP_SOCKDIAG_REQ_SIZE bytes, 4-byte aligned). Returns
 * its length. */
size_t sp_sockdiag_request(void *buf, int family, uint32_t seq);

/* Parses one datagram of the kernel's answer (buf 4-byte aligned, as a
 * receive buffer is) and appends the TCP listeners it holds to s.
 * Messages too short for an inet_diag_msg or of another family count in
 * s->malformed; sockets in another state are skipped. seq and portid are
 * checked when not 0. Returns 1 when more datagrams follow, 0 when the dump
 * is complete (NLMSG_DONE), -1 with errno on failure: the kernel's error
 * (NLMSG_ERROR, or a negative NLMSG_DONE), EPROTO (wrong sequence), ESRCH
 * (wrong port id), EINTR (the kernel flagged the dump inconsistent) or
 * EBADMSG (a truncated error message). */
int sp_sockdiag_parse(sp_listen_set *s, const void *buf, size_t len, uint32_t seq, uint32_t portid);

typedef struct sp_sockdiag sp_sockdiag;

/* Opens the netlink socket (non-blocking). NULL with errno when the kernel
 * or a sandbox refuses it (EPROTONOSUPPORT, EACCES, EPERM...). */
sp_sockdiag *sp_sockdiag_open(void);
/* Takes fd, a NETLINK_SOCK_DIAG socket made elsewhere (non-blocking): in
 * another network namespace, since a socket dumps the namespace it was
 * created in. It is bound here. Such a socket is never replaced by one of
 * this namespace: after a failed dump it is closed, sp_sockdiag_lost says
 * so and sp_sockdiag_start fails with ENOTCONN; the owner closes this one
 * and adopts a new socket. NULL with errno (fd closed) when it will not
 * bind. */
sp_sockdiag *sp_sockdiag_adopt(int fd);
/* Whether an adopted socket was closed after a failure. */
bool sp_sockdiag_lost(const sp_sockdiag *d);
/* Cancels a running dump (no callback) and closes. */
void sp_sockdiag_close(sp_sockdiag *d);

/* The end of sp_sockdiag_start: rc 0 when every query's dump completed
 * (a family the kernel does not have, ENOENT or EAFNOSUPPORT, counts as an
 * empty dump), or -1 with the errno in err. */
typedef void sp_sockdiag_done_fn(int rc, int err, void *ud);

/* Runs the queries' dumps one after the other on the loop: the socket is
 * watched for reading, at most a few datagrams are read per wake-up (a
 * dump of 100,000 sockets never holds the loop for long), msg is called for
 * each socket and done once at the end (never from inside this call).
 * A dump that has not ended after 2 s fails with ETIMEDOUT. After a
 * failure the socket is replaced (one of sp_sockdiag_open) or closed (one
 * of sp_sockdiag_adopt), so a broken dump never lingers. Returns
 * 0, or -1 with errno (EBUSY: a dump is running). q is copied. */
int sp_sockdiag_start(sp_sockdiag *d, sp_loop *loop, const sp_sockdiag_query *q, size_t nq, sp_sockdiag_msg_fn *msg,
                      sp_sockdiag_done_fn *done, void *ud);
bool sp_sockdiag_busy(const sp_sockdiag *d);
/* The query whose answer is being read (valid in the msg callback). */
const sp_sockdiag_query *sp_sockdiag_running(const sp_sockdiag *d);
/* Stops a running dump without calling done. */
void sp_sockdiag_cancel(sp_sockdiag *d);

/* Appends the TCP listeners of AF_INET and AF_INET6 to s (none of AF_INET6
 * on a kernel without IPv6) through the same dump, on the loop given, or
 * on a private one when loop is NULL (batch commands, which have nothing
 * else to run meanwhile). With a loop it returns at once and calls done;
 * without, it returns when the dump ended: 0, or -1 with errno and s as it
 * was before the call. */
int sp_sockdiag_tcp_listeners(sp_sockdiag *d, sp_loop *loop, sp_listen_set *s, sp_sockdiag_done_fn *done, void *ud);

#endif
