/* Accepting connections without ever spinning the loop when descriptors
 * run out, and the descriptor limit servers raise at start (shared by the
 * chat server and the forwarder). */
#ifndef SOCKPIT_CORE_ACCEPT_H
#define SOCKPIT_CORE_ACCEPT_H

#include <stdbool.h>
#include <sys/socket.h>

/* A descriptor held in reserve (on /dev/null): given up to accept one
 * connection when out of descriptors, so that connection can be refused
 * instead of staying in the backlog and keeping the listening socket
 * readable forever. Returns the fd or -1. */
int sp_spare_fd_open(void);

/* accept4 (non-blocking, close-on-exec) of one connection on lfd. Returns
 * its fd, or -1 with errno set when there is none to take (EAGAIN) or on an
 * error. Out of descriptors (EMFILE, ENFILE) with *spare open, the spare is
 * given up to accept the connection, *shed is set (the caller refuses and
 * closes it) and the spare is reopened afterwards by the caller through
 * sp_spare_fd_open once that fd is closed. ss and sl: the peer. */
int sp_accept(int lfd, int *spare, struct sockaddr_storage *ss, socklen_t *sl, bool *shed);

/* Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft
 * limit (or the old one when it cannot be raised), -1 when unlimited. */
long sp_raise_nofile(void);

#endif
