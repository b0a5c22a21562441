/* For the listening-socket tests: lookups in a set, the captured /proc
 * samples, and real sockets bound on loopback. (Included by the unit tests
 * that need it.) */
#ifndef SOCKPIT_TESTLISTEN_H
#define SOCKPIT_TESTLISTEN_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/services/listen.h"

static inline char *data_path(const char *rel)
{
    const char *d = getenv("SOCKPIT_TEST_DATA");
    char *p;
    if (asprintf(&p, "%s/services/%s", d ? d : "tests/data", rel) < 0)
        abort();
    return p;
}

static inline const sp_listener *find(const sp_listen_set *s, unsigned port, int proto, size_t *n)
{
    size_t first;
    *n = sp_listen_find(s, port, proto, &first);
    return *n ? &s->v[first] : NULL;
}

static inline const sp_listener *find_inode(const sp_listen_set *s, uint64_t inode)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].inode == inode)
            return &s->v[i];
    return NULL;
}

static inline void addr_is(const sp_listener *l, const char *want)
{
    char a[64];
    sp_listen_addr(l, a, sizeof a);
    assert_string_equal(a, want);
}

static inline uint64_t inode_of(int fd)
{
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    return st.st_ino;
}

/* A socket of type bound to loopback on a port the kernel picks (and
 * listening, for SOCK_STREAM). Returns the fd, or -1 (no IPv6). */
static inline int bound(int type, int family, uint16_t *port)
{
    *port = 0;
    int fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || (type == SOCK_STREAM && listen(fd, 4) < 0)) {
        close(fd);
        return -1;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

#endif
