/* Listening sockets from sock_diag or the /proc/net files. */
#include "sockpit/services/listen_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/services/sockdiag.h"

/* A procfs file (its size is unknown until read); TCP files only as far as
 * their listeners go: stopping at the first other socket spares the kernel
 * generating thousands of TIME_WAIT lines on a busy host. */
static int slurp(int dirfd, const char *path, bool tcp, char **buf, size_t *cap, size_t *len)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = 0;
    for (;;) {
        /* 4 KiB free for each read, from 16 KiB. */
        SP_GROW(*buf, *cap, n + 4096 > 16384 ? n + 4096 : 16384);
        ssize_t r = read(fd, *buf + n, *cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (tcp && sp_listen_past_listeners(*buf, &n))
            break;
    }
    close(fd);
    *len = n;
    return 0;
}

static const struct { const char *path; int proto; } proc_files[] = {
    { "net/tcp", SP_PROTO_TCP }, { "net/tcp6", SP_PROTO_TCP },
    { "net/udp", SP_PROTO_UDP }, { "net/udp6", SP_PROTO_UDP },
};
enum { FIRST_UDP_FILE = 2 };

/* Reads and parses proc_files[from...] under procroot. Returns how many
 * could be read (a missing one is skipped: no IPv6), or -1 with err. */
static int read_proc(sp_listen_set *s, const char *procroot, size_t from, char *err, size_t errlen)
{
    int root = open(procroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) {
        snprintf(err, errlen, "%s: %s", procroot, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, len;
    int ok = 0, last_errno = ENOENT;
    for (size_t i = from; i < sizeof proc_files / sizeof proc_files[0]; i++) {
        if (slurp(root, proc_files[i].path, proc_files[i].proto == SP_PROTO_TCP, &buf, &cap, &len) < 0) {
            last_errno = errno;
            continue;
        }
        ok++;
        sp_listen_parse(s, buf, len, proc_files[i].proto);
    }
    free(buf);
    close(root);
    if (ok == 0)
        snprintf(err, errlen, "%s/%s: %s", procroot, proc_files[from].path, strerror(last_errno));
    return ok;
}

int sp_listen_read(sp_listen_set *s, const char *procroot, char *err, size_t errlen)
{
    sp_listen_clear(s);
    int rc = read_proc(s, procroot, 0, err, errlen) > 0 ? 0 : -1;
    sp_listen_sort(s);
    return rc;
}

/* ---- the live source ---- */

struct sp_listen_source {
    char *procroot;
    sp_sockdiag *diag;  /* NULL: the /proc files */
    bool via_diag;      /* the last read's TCP listeners came from diag */
    char why[128];
    /* a refresh on the loop */
    sp_listen_set *s;
    sp_listen_source_fn *cb;
    void *ud;
};

/* Errors that will not go away by asking again. */
static bool diag_refused(int e)
{
    return e == EPROTONOSUPPORT || e == EACCES || e == EPERM || e == EAFNOSUPPORT || e == ENOENT ||
           e == EOPNOTSUPP || e == EINVAL;
}

sp_listen_source *sp_listen_source_new(const char *procroot)
{
    sp_listen_source *src = sp_xcalloc(1, sizeof *src);
    src->procroot = sp_xstrdup(procroot);
    const char *env = getenv("SOCKPIT_SOCK_DIAG");
    if (env && strcmp(env, "off") == 0)
        snprintf(src->why, sizeof src->why, "SOCKPIT_SOCK_DIAG=off");
    else if (strcmp(procroot, "/proc") != 0)
        snprintf(src->why, sizeof src->why, "not the host's /proc");
    else if (!(src->diag = sp_sockdiag_open()))
        snprintf(src->why, sizeof src->why, "sock_diag: %s", strerror(errno));
    return src;
}

void sp_listen_source_free(sp_listen_source *src)
{
    if (!src)
        return;
    sp_sockdiag_close(src->diag);
    free(src->procroot);
    free(src);
}

/* After the TCP dump (rc, errno e): the rest from the /proc files. */
static int complete(sp_listen_source *src, sp_listen_set *s, int rc, int e, char *err, size_t errlen)
{
    if (rc == 0) {
        src->via_diag = true;
    } else if (src->diag && diag_refused(e)) {
        snprintf(src->why, sizeof src->why, "sock_diag: %s", strerror(e));
        sp_sockdiag_close(src->diag);
        src->diag = NULL;
    }
    int ok = read_proc(s, src->procroot, src->via_diag ? FIRST_UDP_FILE : 0, err, errlen);
    sp_listen_sort(s);
    return ok < 0 || (ok == 0 && !src->via_diag) ? -1 : 0;
}

int sp_listen_source_read(sp_listen_source *src, sp_listen_set *s, char *err, size_t errlen)
{
    sp_listen_clear(s);
    src->via_diag = false;
    int rc = -1, e = 0;
    if (src->diag && !sp_sockdiag_busy(src->diag)) {
        rc = sp_sockdiag_tcp_listeners(src->diag, NULL, s, NULL, NULL);
        e = errno;
    }
    return complete(src, s, rc, e, err, errlen);
}

static void refreshed(int rc, int e, void *ud)
{
    sp_listen_source *src = ud;
    char err[256] = "";
    int r = complete(src, src->s, rc, e, err, sizeof err);
    src->cb(src->ud, r, err);
}

int sp_listen_source_refresh(sp_listen_source *src, sp_loop *loop, sp_listen_set *s, sp_listen_source_fn *cb,
                             void *ud)
{
    if (src->diag && sp_sockdiag_busy(src->diag))
        return -1;
    sp_listen_clear(s);
    src->via_diag = false;
    src->s = s;
    src->cb = cb;
    src->ud = ud;
    if (src->diag && sp_sockdiag_tcp_listeners(src->diag, loop, s, refreshed, src) == 0)
        return 0;
    char err[256] = "";
    int r = complete(src, s, -1, src->diag ? errno : 0, err, sizeof err);
    cb(ud, r, err);
    return 0;
}

void sp_listen_source_cancel(sp_listen_source *src)
{
    if (src->diag)
        sp_sockdiag_cancel(src->diag);
}

const char *sp_listen_source_tcp(const sp_listen_source *src)
{
    return src->via_diag ? "sock_diag" : "/proc/net/tcp";
}

const char *sp_listen_source_why(const sp_listen_source *src) { return src->why; }
