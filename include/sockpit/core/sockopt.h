/* Socket options and addresses shared by the chat client and server:
 * keep-alive as the textbook sets it, TCP_NODELAY, and address text. */
#ifndef SOCKPIT_SOCKOPT_H
#define SOCKPIT_SOCKOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

typedef struct sp_keepalive {
    bool on;
    int idle, intvl, cnt; /* seconds, seconds, probes */
} sp_keepalive;

#define SP_KEEPALIVE_DEFAULT ((sp_keepalive){ true, 60, 30, 10 })

/* SO_KEEPALIVE on or off; when on also TCP_KEEPIDLE, TCP_KEEPINTVL and
 * TCP_KEEPCNT. Returns 0, or -1 with errno set. */
int sp_sock_keepalive(int fd, const sp_keepalive *ka);
/* Reads the options back (tests, the pane's status line). */
int sp_sock_get_keepalive(int fd, sp_keepalive *ka);
/* Small frames go out at once (no Nagle wait for a reply's second half). */
int sp_sock_nodelay(int fd);
/* "1.2.3.4:80" or "[::1]:80". */
void sp_sock_addr_str(const struct sockaddr *sa, char *out, size_t outlen);
/* A numeric IPv4 or IPv6 address (no name lookup) and a port into ss.
 * Returns 0, or -1 when host is not an IP address. */
int sp_sock_parse_ip(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len);
/* "keep-alive 60/30/10" or "keep-alive off". */
void sp_keepalive_str(const sp_keepalive *ka, char *out, size_t outlen);

#endif
