/* One socket of a sock_diag answer: the parser of a SOCK_DIAG_BY_FAMILY
 * message's payload (struct inet_diag_msg and its attributes, of which
 * INET_DIAG_INFO carries struct tcp_info). Bytes in, data out. */
#ifndef SOCKPIT_DIAGSOCK_H
#define SOCKPIT_DIAGSOCK_H

#include <linux/tcp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TCP states as the kernel numbers them (1 ESTABLISHED ... 12 NEW_SYN_RECV). */
#define SP_TCP_ESTABLISHED 1
#define SP_TCP_LISTEN 10
#define SP_TCP_STATES 13

typedef struct sp_diag_sock {
    uint8_t family;     /* 4 or 6 */
    uint8_t proto;      /* SP_PROTO_TCP or SP_PROTO_UDP (core/proto.h) */
    uint8_t state;
    uint16_t sport, dport;
    uint8_t src[16], dst[16]; /* network order; 4 bytes used for IPv4 */
    uint32_t uid;
    uint64_t inode;     /* 0: no file (TIME_WAIT, orphans) */
    uint64_t cookie;
    uint32_t rqueue, wqueue;
    uint32_t netns;     /* which network namespace (the caller's index, 0: this one); not parsed */
    uint16_t info_len;  /* bytes of tcp_info the kernel gave (0: none) */
    struct tcp_info info; /* zero beyond info_len */
} sp_diag_sock;

/* Parses one payload of len bytes. proto is the dump's protocol (the
 * message does not carry it). Attributes: a length below 4 or beyond the
 * message ends the walk (what came before stays); unknown types are
 * skipped; a longer tcp_info than this build knows is cut, a shorter one
 * leaves the rest zero. Returns 0, or -1 when the payload is shorter than
 * an inet_diag_msg or of another family. */
int sp_diag_sock_parse(const void *payload, size_t len, int proto, sp_diag_sock *out);

/* Whether tcp_info had the field at offset off of size n. */
bool sp_diag_has(const sp_diag_sock *s, size_t off, size_t n);
#define SP_DIAG_HAS(s, field) sp_diag_has((s), offsetof(struct tcp_info, field), sizeof((s)->info.field))

/* "ESTAB", "TIME-WAIT"... as ss prints them; "UNCONN" for UDP not connected. */
const char *sp_tcp_state_name(unsigned state);
/* The state of a name ("established", "estab", "time-wait", "TIME_WAIT"...), or -1. */
int sp_tcp_state_lookup(const char *name);

/* "127.0.0.1:80", "[::1]:443". */
void sp_diag_addr(int family, const uint8_t *addr, unsigned port, char *buf, size_t len);

#endif
