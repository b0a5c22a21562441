/* The live connections, shared by the Connections pane and `sockpit
 * conns`: a refresh dumps TCP (every state but LISTEN, with tcp_info) and
 * connected UDP sockets of both families through sock_diag on the loop,
 * commits them to the table (rates), attributes them to processes and
 * regroups them. */
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
void sp_conns_source_cancel(sp_conns_source *src);

const sp_conntab *sp_conns_table(const sp_conns_source *src);
const sp_conn_groups *sp_conns_groups(const sp_conns_source *src, int by);
const sp_connproc_stats *sp_conns_procs(const sp_conns_source *src);
/* Messages of the last dump that did not parse. */
size_t sp_conns_malformed(const sp_conns_source *src);
/* Seconds the last refresh took (dump, attribution, grouping). */
double sp_conns_refresh_seconds(const sp_conns_source *src);

#endif
