/* What this host listens on: a parser for the bytes of /proc/net/tcp, tcp6,
 * udp and udp6 (TCP sockets in LISTEN, UDP sockets bound and unconnected),
 * the live source that asks sock_diag for the TCP listeners (sockdiag.h)
 * and falls back to those files, and the map from a socket's inode to the process holding it, found by
 * reading /proc/PID/fd links (socket:[INODE]) and /proc/PID/comm. */
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
int sp_listen_copy(sp_listen_set *dst, const sp_listen_set *src);
bool sp_listen_equal(const sp_listen_set *a, const sp_listen_set *b);

/* Appends one listener. Returns 0, or -1 out of memory. */
int sp_listen_add(sp_listen_set *s, const sp_listener *l);
/* Parses the bytes of one /proc/net/{tcp,tcp6,udp,udp6} file (the family
 * follows from the address width) and appends its listening sockets.
 * proto is SP_PROTO_TCP or SP_PROTO_UDP. Returns 0, or -1 out of memory. */
int sp_listen_parse(sp_listen_set *s, const char *buf, size_t len, int proto);
/* Sorts by (port, proto, family, address). */
void sp_listen_sort(sp_listen_set *s);
/* The listeners on a port and protocol (-1: any) in a sorted set: returns
 * how many, and the first index in *first. O(log n). */
size_t sp_listen_find(const sp_listen_set *s, unsigned port, int proto, size_t *first);
/* "0.0.0.0:22", "[::1]:53". */
void sp_listen_addr(const sp_listener *l, char *buf, size_t len);

/* Reads and parses the four files under procroot ("/proc" but for tests),
 * then sorts. A missing file (no IPv6) is skipped. Returns 0, or -1 with a
 * reason in err when none could be read. */
int sp_listen_read(sp_listen_set *s, const char *procroot, char *err, size_t errlen);

/* The live host, kept between refreshes. TCP listeners come from
 * NETLINK_SOCK_DIAG; when the kernel or a sandbox refuses it
 * (EPROTONOSUPPORT, EACCES, EPERM...) they come from procroot/net/tcp and
 * tcp6 from then on, and when one dump fails otherwise (a timeout) from
 * those files for that refresh only. UDP always comes from procroot/net/udp
 * and udp6: the kernel prints those from the UDP table alone, which holds
 * no TIME_WAIT crowd. The environment variable SOCKPIT_SOCK_DIAG=off (read
 * when the source is made) forces the /proc files, for tests and for
 * comparing both; a procroot other than "/proc" (a test's fake tree) does
 * too, since sock_diag describes the real host only. */
typedef struct sp_listen_source sp_listen_source;

sp_listen_source *sp_listen_source_new(const char *procroot);
void sp_listen_source_free(sp_listen_source *src);
/* Like sp_listen_read, through the source. */
int sp_listen_source_read(sp_listen_source *src, sp_listen_set *s, char *err, size_t errlen);
/* Where the last read found the TCP listeners: "sock_diag" or
 * "/proc/net/tcp"; and why sock_diag is not used ("" when it is). */
const char *sp_listen_source_tcp(const sp_listen_source *src);
const char *sp_listen_source_why(const sp_listen_source *src);

/* The inode -> process map, kept between refreshes: a known owner is
 * checked with one readlink, and /proc is walked only when a socket shows
 * up that was not looked for before. */
typedef struct sp_procmap sp_procmap;

sp_procmap *sp_procmap_new(const char *procroot);
void sp_procmap_free(sp_procmap *m);
/* Forget everything: the next resolve walks /proc again (the `r` key). */
void sp_procmap_forget(sp_procmap *m);
/* Fills pid and comm of each listener it can. Returns how many processes'
 * fd directories were read (0 when the cache answered everything). */
size_t sp_procmap_resolve(sp_procmap *m, sp_listen_set *s);

#endif
