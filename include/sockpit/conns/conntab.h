/* The connection table: the sockets of successive sock_diag dumps, keyed by
 * identity (namespace, protocol, family, inode and the 5-tuple), with send
 * and receive rates from the deltas of tcp_info's bytes_acked and
 * bytes_received between refreshes. A socket gone from a dump stays a few
 * seconds as closed with its final counts; one first seen in this refresh
 * is new. Each socket is held once: a dump updates the rows in place
 * through a hash index (at 20,000 sockets a copy of the table per dump
 * was most of the memory). Pure: the dumps are fed in (sp_conntab_add),
 * nothing is read here. */
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
    /* The dump being fed: */
    unsigned seen;         /* the dump that last had it */
    bool fresh;            /* added by it */
    bool had;              /* its counts before it are in prev_tx, prev_rx */
    uint64_t prev_tx, prev_rx;
} sp_conn;

typedef struct sp_conntab {
    sp_conn *v;            /* in no order; an index stays put until the next commit */
    size_t n, cap;
    uint32_t *slots;       /* open addressing by key: index into v + 1, 0 free */
    size_t nslots;         /* a power of two, at least twice n */
    size_t published;      /* rows the last commit left (those after are the dump's new ones) */
    unsigned dump;         /* the dump being fed (or the last one) */
    bool feeding;          /* between sp_conntab_begin and its commit */
    double last_at;        /* time of the last commit, 0 before the first */
    double linger;
    bool host_only;        /* other namespaces are not dumped: their rows go at once, not closed */
    size_t refreshes;
} sp_conntab;

void sp_conntab_init(sp_conntab *t);
void sp_conntab_free(sp_conntab *t);
/* Starts feeding a dump. Until its commit the rows it has seen hold its
 * sockets and those it added are after the last commit's rows. */
void sp_conntab_begin(sp_conntab *t);
void sp_conntab_add(sp_conntab *t, const sp_diag_sock *s);
/* Ends the dump at time now (seconds, monotonic): computes rates, marks
 * new and closed, drops the closed ones older than the linger time. The
 * rows move (indexes change) here only. */
void sp_conntab_commit(sp_conntab *t, double now);
/* Forgets a dump that failed: what it added goes, the counts it brought
 * are put back. */
void sp_conntab_abort(sp_conntab *t);
/* The identity hash. */
uint64_t sp_conn_key(const sp_diag_sock *s);
/* The port that names the connection's service: service_port when the
 * caller knew it (a local listener's port, or else the remote one), or
 * the lower of the two (the usual guess). */
unsigned sp_conn_service_port(const sp_conn *c);
/* The connection with this key, or NULL. O(log n). */
const sp_conn *sp_conntab_find(const sp_conntab *t, uint64_t key);

#endif
