/* Which process holds each connection: an inode -> process map kept
 * between refreshes and updated incrementally. /proc is listed each time
 * (cheap), but a process's /proc/PID/fd is read only when it is new, when
 * its start time says the PID was reused, or when its number of open files
 * (the size the kernel reports for /proc/PID/fd) changed and a socket is
 * waiting for an owner or it owns some. `ss -p` reads every fd of every
 * process at each call instead. Processes exiting mid-scan are normal and
 * silent; the fds of processes this user cannot read (EACCES) leave their
 * sockets SP_OWNER_HIDDEN. */
#ifndef SOCKPIT_CONNPROC_H
#define SOCKPIT_CONNPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/conns/conntab.h"

typedef struct sp_connproc sp_connproc;

typedef struct sp_connproc_stats {
    size_t pids;        /* processes listed */
    size_t scanned;     /* fd directories read by the last resolve */
    size_t links;       /* fd links read by the last resolve */
    size_t unreadable;  /* processes whose fds we may not read */
    size_t hidden;      /* connections left SP_OWNER_HIDDEN */
} sp_connproc_stats;

sp_connproc *sp_connproc_new(const char *procroot);
void sp_connproc_free(sp_connproc *m);
/* Sets pid, comm and owner of every connection of t. */
void sp_connproc_resolve(sp_connproc *m, sp_conntab *t);
const sp_connproc_stats *sp_connproc_last(const sp_connproc *m);

/* Parses the bytes of /proc/PID/stat: the command name (in parentheses,
 * which it may itself contain; cut to 15 bytes) and the start time (field
 * 22, clock ticks since boot). Returns false when the text is not that. */
bool sp_proc_stat_parse(const char *buf, size_t len, char comm[16], uint64_t *start);

#endif
