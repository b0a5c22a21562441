/* The live connections, shared by the Connections pane and `sockpit
 * conns`: a refresh dumps TCP (every state but LISTEN, with tcp_info) and
 * connected UDP sockets of both families through sock_diag on the loop,
 * commits them to the table (rates), attributes them to processes and
 * regroups them.
 *
 * With all namespaces on (root), each refresh also walks /proc/PID/ns/net
 * (netnsscan.h) and dumps every other network namespace after ours, one
 * after the other with the same queries, through a sock_diag socket made
 * inside it: a short-lived thread enters the namespace (setns), creates
 * the socket and hands it to the loop through a pipe, so the loop never
 * waits on it. The socket is kept while the namespace lives. Each socket's
 * netns is the namespace's index (0: ours, "host"; an index is never
 * reused), which names it through sp_conns_netns_name. */
#ifndef SOCKPIT_CONNS_SOURCE_H
#define SOCKPIT_CONNS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/conns/conngroup.h"
#include "sockpit/conns/connproc.h"
#include "sockpit/conns/conntab.h"
#include "sockpit/core/loop.h"

typedef struct sp_conns_source sp_conns_source;

/* rc 0, or -1 with a one-line reason in err. */
typedef void sp_conns_fn(void *ud, int rc, const char *err);

/* procroot: "/proc" but for tests. tcp, udp: which dumps to run. */
sp_conns_source *sp_conns_source_new(const char *procroot, bool tcp, bool udp);
void sp_conns_source_free(sp_conns_source *src);
/* Starts a refresh on the loop; cb is called when it is over (never from
 * inside this call). Returns -1 when one is running (nothing is done). */
int sp_conns_source_refresh(sp_conns_source *src, sp_loop *loop, sp_conns_fn *cb, void *ud);
/* Stops a running refresh (no callback); the table stays as the last one
 * left it. */
void sp_conns_source_cancel(sp_conns_source *src);

const sp_conntab *sp_conns_table(const sp_conns_source *src);
const sp_conn_groups *sp_conns_groups(const sp_conns_source *src, int by);
const sp_connproc_stats *sp_conns_procs(const sp_conns_source *src);
/* Messages of the last dump that did not parse. */
size_t sp_conns_malformed(const sp_conns_source *src);
/* Seconds the last refresh took (dump, attribution, grouping). */
double sp_conns_refresh_seconds(const sp_conns_source *src);

/* Dumps the other network namespaces too, from the next refresh on (or
 * stops: their rows then go at that refresh). Not as another user than
 * root: false, and the note "other network namespaces need root: showing
 * this one only". */
bool sp_conns_source_all_namespaces(sp_conns_source *src, bool on);
/* The next one-line note not taken yet (a namespace that could not be
 * entered or dumped, the missing root), or NULL. Valid until the next call. */
const char *sp_conns_take_note(sp_conns_source *src);
/* The name of namespace index netns: "host" for 0, else its `ip netns`
 * name, its container label or "net:[INODE]"; "?" for an unknown index.
 * Names of other processes' making: escape them for display. */
const char *sp_conns_netns_name(const sp_conns_source *src, uint32_t netns);
/* Its container label ("docker:3f2a1b4c5d6e"), or NULL when unknown. */
const char *sp_conns_netns_container(const sp_conns_source *src, uint32_t netns);
/* How many namespaces the last refresh dumped, ours included. */
size_t sp_conns_netns_count(const sp_conns_source *src);
/* Seconds the last refresh spent walking /proc for namespaces. */
double sp_conns_netns_walk_seconds(const sp_conns_source *src);

#endif
