/* The connection table: the sockets of successive sock_diag dumps, keyed by
 * identity (protocol, family, inode and the 5-tuple), with send and receive
 * rates from the deltas of tcp_info's bytes_acked and bytes_received
 * between refreshes. A socket gone from a dump stays a few seconds as
 * closed with its final counts; one first seen in this refresh is new.
 * Pure: the dumps are fed in (sp_conntab_add), nothing is read here. */
#ifndef SOCKPIT_CONNTAB_H
#define SOCKPIT_CONNTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/conns/diagsock.h"

/* How long a closed connection stays, in seconds. */
#define SP_CONN_LINGER 5.0

enum {
    SP_OWNER_UNKNOWN,  /* not found (yet) */
    SP_OWNER_PROC,     /* pid and comm are set */
    SP_OWNER_HIDDEN,   /* held by a process this user cannot read */
    SP_OWNER_NONE,     /* no file: TIME_WAIT, orphans */
};

typedef struct sp_conn {
    sp_diag_sock s;
    uint64_t key;          /* a hash of the identity, stable across refreshes */
    int pid;
    uint8_t owner;         /* SP_OWNER_* */
    char comm[16];
    uint64_t tx_bytes, rx_bytes; /* bytes_acked, bytes_received (TCP with tcp_info) */
    bool counted;          /* tx_bytes/rx_bytes are known */
    bool rates;            /* tx_bps/rx_bps are known (two samples) */
    double tx_bps, rx_bps;
    double first_seen;     /* when this table first saw it */
    bool before;           /* it was there at the first refresh: older than first_seen */
    bool is_new;           /* first seen at the last refresh */
    bool closed;           /* gone from the last dump */
    double closed_at;
    uint16_t service_port; /* the side that serves, when known (0: not) */
} sp_conn;

/* A socket of the dump being fed, by its key (sorting these rather than the
 * sockets themselves moves 16 bytes per swap, not 300). */
typedef struct sp_conn_ref {
    uint64_t key;
    size_t at;             /* into sp_conntab.next */
} sp_conn_ref;

typedef struct sp_conntab {
    sp_conn *v;            /* sorted by (key, identity) */
    size_t n, cap;
    sp_conn *spare;        /* the next commit's output, kept to spare page faults */
    size_t capspare;
    sp_diag_sock *next;    /* the dump being fed */
    sp_conn_ref *refs;
    size_t nnext, capnext, caprefs;
    double last_at;        /* time of the last commit, 0 before the first */
    double linger;
    size_t refreshes;
} sp_conntab;

void sp_conntab_init(sp_conntab *t);
void sp_conntab_free(sp_conntab *t);
/* Starts feeding a dump. */
void sp_conntab_begin(sp_conntab *t);
void sp_conntab_add(sp_conntab *t, const sp_diag_sock *s);
/* Ends the dump at time now (seconds, monotonic): matches it with the
 * table, computes rates, marks new and closed, drops the closed ones older
 * than the linger time. */
void sp_conntab_commit(sp_conntab *t, double now);
/* The identity hash. */
uint64_t sp_conn_key(const sp_diag_sock *s);
/* The port that names the connection's service: service_port when the
 * caller knew it (a local listener's port, or else the remote one), or
 * the lower of the two (the usual guess). */
unsigned sp_conn_service_port(const sp_conn *c);
/* The connection with this key, or NULL. O(log n). */
const sp_conn *sp_conntab_find(const sp_conntab *t, uint64_t key);

#endif
