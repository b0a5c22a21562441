/* Where the listening sockets come from: the /proc/net/{tcp,tcp6,udp,udp6}
 * files read and handed to the parser of listen.h, and the live source that
 * asks sock_diag (sockdiag.h) for the TCP listeners and falls back to those
 * files. */
#ifndef SOCKPIT_LISTEN_SOURCE_H
#define SOCKPIT_LISTEN_SOURCE_H

#include <stddef.h>

#include "sockpit/core/loop.h"
#include "sockpit/services/listen.h"

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
/* Like sp_listen_read, through the source; waits for the dump (for batch
 * commands). */
int sp_listen_source_read(sp_listen_source *src, sp_listen_set *s, char *err, size_t errlen);

/* The end of a refresh: rc as sp_listen_source_read, err its reason. */
typedef void sp_listen_source_fn(void *ud, int rc, const char *err);
/* The same on the loop: s is filled while the dump runs and cb is called
 * when it is complete (at once when sock_diag is not used). Returns -1
 * when a refresh is already running (nothing is done), else 0. */
int sp_listen_source_refresh(sp_listen_source *src, sp_loop *loop, sp_listen_set *s, sp_listen_source_fn *cb,
                             void *ud);
/* Stops a running refresh without calling back. */
void sp_listen_source_cancel(sp_listen_source *src);
/* Where the last read found the TCP listeners: "sock_diag" or
 * "/proc/net/tcp"; and why sock_diag is not used ("" when it is). */
const char *sp_listen_source_tcp(const sp_listen_source *src);
const char *sp_listen_source_why(const sp_listen_source *src);

#endif
