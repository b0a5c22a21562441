/* What the pane and `sockpit conns` show of a connection: the filter of
 * the command line (protocol, state, process) and the texts of its cells. */
#ifndef SOCKPIT_CONNVIEW_H
#define SOCKPIT_CONNVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/conns/conntab.h"

typedef struct sp_conn_filter {
    bool tcp, udp;         /* both false: both */
    int state;             /* -1: any */
    const char *process;   /* comm, exact; NULL: any */
    int pid;               /* 0: any */
} sp_conn_filter;

bool sp_conn_filter_match(const sp_conn_filter *f, const sp_conn *c);

/* "1.2K", "15M": bytes with a binary-free SI suffix, 4 characters at most
 * for values below 1000 T. */
void sp_fmt_bytes(double v, char *buf, size_t len);
/* RTT in ms: "0.05", "12.3", "1234" or "-" without tcp_info. */
void sp_fmt_rtt(const sp_conn *c, char *buf, size_t len);
/* "12s", "5m", "3h", "2d"; with "+" when the connection was there at the
 * first refresh (older than that). */
void sp_fmt_age(const sp_conn *c, double now, char *buf, size_t len);
/* Every tcp_info field the kernel gave, one "name value" line per call of
 * line(ud, text) ("rtt 0.052 ms", "bytes_acked 1234"...). */
void sp_conn_info_lines(const sp_conn *c, void (*line)(void *ud, const char *text), void *ud);

#endif
