/* The connection table grouped: by process, by remote host, by local
 * service (sp_conn_service_port), each group with its connection count, summed rates and bytes,
 * and a short history of its total rate for a sparkline. Pure. */
#ifndef SOCKPIT_CONNGROUP_H
#define SOCKPIT_CONNGROUP_H

#include <stddef.h>
#include <stdint.h>

#include "sockpit/conns/conntab.h"

#define SP_CONN_HIST 16

enum { SP_BY_CONN, SP_BY_PROCESS, SP_BY_REMOTE, SP_BY_SERVICE, SP_BY_COUNT };

typedef struct sp_conn_group {
    uint64_t key;
    int pid;                  /* SP_BY_PROCESS (0: unknown owner) */
    char comm[16];
    uint8_t family;           /* SP_BY_REMOTE */
    uint8_t addr[16];
    uint8_t proto;            /* SP_BY_SERVICE */
    uint16_t port;
    uint32_t netns;           /* SP_BY_REMOTE, SP_BY_SERVICE: 127.0.0.1 or port 80 of another namespace is another */
    size_t count, closed;
    uint64_t tx_bytes, rx_bytes;
    double tx_bps, rx_bps;
    float hist[SP_CONN_HIST]; /* total rate (B/s), oldest first */
    unsigned nhist;
} sp_conn_group;

typedef struct sp_conn_groups {
    int by;
    sp_conn_group *v;         /* sorted by key */
    size_t n, cap;
} sp_conn_groups;

void sp_conn_groups_init(sp_conn_groups *g, int by);
void sp_conn_groups_free(sp_conn_groups *g);
/* Regroups t; a group that was there before keeps its history and gets
 * its current total rate appended. Groups with no connection left go. */
void sp_conn_groups_update(sp_conn_groups *g, const sp_conntab *t);
/* The group a connection falls in (its key). */
uint64_t sp_conn_group_key(int by, const sp_conn *c);
/* "by process"... */
const char *sp_conn_by_name(int by);

#endif
