/* The map from a socket's inode to the process holding it, found by reading
 * /proc/PID/fd links (socket:[INODE]) and /proc/PID/comm. */
#ifndef SOCKPIT_PROCMAP_H
#define SOCKPIT_PROCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/services/listen.h"

/* The inode -> process map, kept between refreshes: a known owner is
 * checked with one readlink, and /proc is walked only when a socket shows
 * up that was not looked for before. */
typedef struct sp_procmap sp_procmap;

sp_procmap *sp_procmap_new(const char *procroot);
void sp_procmap_free(sp_procmap *m);
/* Forget everything: the next resolve walks /proc again (the `r` key). */
void sp_procmap_forget(sp_procmap *m);
/* Fills pid and comm of each listener it can. Returns how many processes'
 * fd directories were read (0 when the cache answered everything). */
size_t sp_procmap_resolve(sp_procmap *m, sp_listen_set *s);

/* The inode of an fd link's target of len bytes (not NUL-terminated, as
 * readlink gives it) when it is "socket:[INODE]". */
bool sp_procmap_socket_inode(const char *link, size_t len, uint64_t *inode);

#endif
