/* Finding the other network namespaces: every /proc/PID/ns/net link is
 * read (a readlink each; processes exiting meanwhile are silent), the
 * distinct inodes other than our own are kept with one PID each, and the
 * `ip netns` names (the nsfs bind mounts in /run/netns) are matched by
 * inode; a named namespace no process is in is found too. */
#ifndef SOCKPIT_NETNSSCAN_H
#define SOCKPIT_NETNSSCAN_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/conns/netns.h"

typedef struct sp_netns_found {
    uint64_t inode;
    int pid;                 /* the lowest PID in it; 0: none (only named) */
    char ipname[NAME_MAX + 1]; /* the `ip netns` name, "" when none */
} sp_netns_found;

/* Walks procroot ("/proc") and rundir ("/run/netns"; may be missing).
 * *self is the inode of our own namespace (procroot/self/ns/net).
 * *out (malloc'd, sorted by inode, *n of them) never holds it. Returns 0,
 * or -1 with errno when procroot or our own link cannot be read. */
int sp_netns_scan(const char *procroot, const char *rundir, uint64_t *self, sp_netns_found **out, size_t *n);

/* The container label of process pid from procroot/PID/cgroup; "" when
 * it tells none or cannot be read. */
void sp_netns_container_of(const char *procroot, int pid, char label[SP_CONTAINER_LABEL]);

#endif
