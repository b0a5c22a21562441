/* Listening TCP sockets through NETLINK_SOCK_DIAG (inet_diag), the way
 * `ss -lt` finds them. A dump asking only for TCP_LISTEN makes the kernel
 * walk the listening hash alone, where reading /proc/net/tcp or tcp6 walks
 * every established and TIME_WAIT socket as well (milliseconds on a busy
 * host, even for a file that ends up empty). */
#ifndef SOCKPIT_SOCKDIAG_H
#define SOCKPIT_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "sockpit/services/listen.h"

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

/* Opens the netlink socket. NULL with errno when the kernel or a sandbox
 * refuses it (EPROTONOSUPPORT, EACCES, EPERM...). */
sp_sockdiag *sp_sockdiag_open(void);
void sp_sockdiag_close(sp_sockdiag *d);

/* Appends the TCP listeners of AF_INET and AF_INET6 to s (none of AF_INET6
 * on a kernel without IPv6). Never blocks for long: see the comment in
 * sockdiag.c (ETIMEDOUT after 250 ms). Returns 0, or -1 with errno and s as
 * it was before the call; the socket is then replaced by a new one at the
 * next call, so a broken dump never lingers. */
int sp_sockdiag_tcp_listeners(sp_sockdiag *d, sp_listen_set *s);

#endif
