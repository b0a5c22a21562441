/* What this host listens on: the set of listening sockets, and a parser for
 * the bytes of /proc/net/tcp, tcp6, udp and udp6 (TCP sockets in LISTEN, UDP
 * sockets bound and unconnected). It takes bytes and never opens anything:
 * listen_source.h reads the files (or asks sock_diag), procmap.h finds the
 * owners. */
#ifndef SOCKPIT_LISTEN_H
#define SOCKPIT_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/core/proto.h"

typedef struct sp_listener {
    uint64_t inode;
    uint32_t uid;
    int pid;           /* 0: unknown (the owner's /proc/PID/fd is unreadable) */
    uint16_t port;
    uint8_t proto;     /* SP_PROTO_TCP or SP_PROTO_UDP (core/proto.h) */
    uint8_t family;    /* 4 or 6 */
    uint8_t addr[16];  /* network order; 4 bytes used for IPv4 */
    char comm[16];     /* process name, "" when unknown */
} sp_listener;

typedef struct sp_listen_set {
    sp_listener *v;
    size_t n, cap;
    size_t malformed;  /* lines of /proc/net/... or sock_diag messages that did not parse */
} sp_listen_set;

void sp_listen_init(sp_listen_set *s);
void sp_listen_free(sp_listen_set *s);
void sp_listen_clear(sp_listen_set *s);
/* Always returns 0 (the Services pane still checks it). */
int sp_listen_copy(sp_listen_set *dst, const sp_listen_set *src);
bool sp_listen_equal(const sp_listen_set *a, const sp_listen_set *b);

/* Appends one listener. */
void sp_listen_add(sp_listen_set *s, const sp_listener *l);
/* Parses the bytes of one /proc/net/{tcp,tcp6,udp,udp6} file (the family
 * follows from the address width) and appends its listening sockets.
 * proto is SP_PROTO_TCP or SP_PROTO_UDP. */
void sp_listen_parse(sp_listen_set *s, const char *buf, size_t len, int proto);
/* Sorts by (port, proto, family, address). */
void sp_listen_sort(sp_listen_set *s);
/* The listeners on a port and protocol (-1: any) in a sorted set: returns
 * how many, and the first index in *first. O(log n). */
size_t sp_listen_find(const sp_listen_set *s, unsigned port, int proto, size_t *first);
/* "0.0.0.0:22", "[::1]:53". */
void sp_listen_addr(const sp_listener *l, char *buf, size_t len);

/* Whether the last complete line of buf[0..*len), part of a TCP file, is a
 * socket in a state other than LISTEN: the kernel lists TCP listeners first
 * (the listening hash), then everything else (the established hash), so a
 * reader can stop there. When it says so, *len is cut after that line. */
bool sp_listen_past_listeners(const char *buf, size_t *len);

#endif
