/* The owners of sockets, from /proc/PID/fd. */
#include "sockpit/services/procmap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "sockpit/core/mem.h"

typedef struct owner {
    uint64_t inode;
    int pid, fd;
    char comm[16];
} owner;

struct sp_procmap {
    int root;          /* procroot, open */
    owner *known;      /* sorted by inode */
    size_t nknown, capknown;
    uint64_t *missed;  /* looked for and not found, sorted */
    size_t nmissed, capmissed;
};

sp_procmap *sp_procmap_new(const char *procroot)
{
    sp_procmap *m = sp_xcalloc(1, sizeof *m);
    m->root = open(procroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return m;
}

void sp_procmap_free(sp_procmap *m)
{
    if (!m)
        return;
    if (m->root >= 0)
        close(m->root);
    free(m->known);
    free(m->missed);
    free(m);
}

void sp_procmap_forget(sp_procmap *m)
{
    m->nknown = 0;
    m->nmissed = 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_owner(const void *a, const void *b) { return cmp_u64(&((const owner *)a)->inode, &((const owner *)b)->inode); }

bool sp_procmap_socket_inode(const char *link, size_t len, uint64_t *inode)
{
    if (len < 10 || memcmp(link, "socket:[", 8) != 0 || link[len - 1] != ']')
        return false;
    if (len - 9 > 19)
        return false; /* 19 digits always fit in 64 bits */
    uint64_t v = 0;
    for (size_t i = 8; i < len - 1; i++) {
        if (link[i] < '0' || link[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(link[i] - '0');
    }
    *inode = v;
    return true;
}

static void read_comm(int root, int pid, char comm[16])
{
    char path[32];
    snprintf(path, sizeof path, "%d/comm", pid);
    comm[0] = '\0';
    int fd = openat(root, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t r = read(fd, comm, 15);
    close(fd);
    if (r <= 0)
        return;
    comm[r] = '\0';
    char *nl = strchr(comm, '\n');
    if (nl)
        *nl = '\0';
}

/* Is the cached owner still holding the socket through the same fd? */
static bool still_owns(int root, const owner *o)
{
    char path[48], link[64];
    snprintf(path, sizeof path, "%d/fd/%d", o->pid, o->fd);
    ssize_t n = readlinkat(root, path, link, sizeof link);
    uint64_t inode;
    return n > 0 && sp_procmap_socket_inode(link, (size_t)n, &inode) && inode == o->inode;
}

static const owner *find_owner(const owner *v, size_t n, uint64_t inode)
{
    if (n == 0)
        return NULL;
    owner key = { .inode = inode };
    return bsearch(&key, v, n, sizeof *v, cmp_owner);
}

/* Walks /proc/PID/fd for every process until each wanted inode is found.
 * found[] (sorted like wanted) gets the owners. */
static size_t walk(int root, const uint64_t *wanted, size_t nwanted, owner *found, size_t *nfound)
{
    size_t scanned = 0;
    *nfound = 0;
    int dfd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *procs = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!procs) {
        if (dfd >= 0)
            close(dfd);
        return 0;
    }
    struct dirent *de;
    while (*nfound < nwanted && (de = readdir(procs))) {
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        char path[300];
        snprintf(path, sizeof path, "%s/fd", de->d_name);
        int fdd = openat(root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fdd < 0)
            continue; /* another user's process, or gone */
        DIR *fds = fdopendir(fdd);
        if (!fds) {
            close(fdd);
            continue;
        }
        scanned++;
        int pid = (int)strtol(de->d_name, NULL, 10);
        char comm[16];
        bool have_comm = false;
        struct dirent *fe;
        while ((fe = readdir(fds))) {
            if (fe->d_name[0] < '0' || fe->d_name[0] > '9')
                continue;
            char link[64];
            ssize_t n = readlinkat(fdd, fe->d_name, link, sizeof link);
            uint64_t inode;
            if (n <= 0 || !sp_procmap_socket_inode(link, (size_t)n, &inode))
                continue;
            const uint64_t *w = bsearch(&inode, wanted, nwanted, sizeof *wanted, cmp_u64);
            if (!w || find_owner(found, *nfound, inode))
                continue;
            if (!have_comm) {
                read_comm(root, pid, comm);
                have_comm = true;
            }
            owner o = { .inode = inode, .pid = pid, .fd = (int)strtol(fe->d_name, NULL, 10) };
            memcpy(o.comm, comm, sizeof comm);
            /* Keep found[] sorted for the lookups above. */
            size_t at = *nfound;
            while (at > 0 && found[at - 1].inode > inode) {
                found[at] = found[at - 1];
                at--;
            }
            found[at] = o;
            (*nfound)++;
        }
        closedir(fds);
    }
    closedir(procs);
    return scanned;
}

size_t sp_procmap_resolve(sp_procmap *m, sp_listen_set *s)
{
    if (m->root < 0 || s->n == 0) {
        for (size_t i = 0; i < s->n; i++) {
            s->v[i].pid = 0;
            s->v[i].comm[0] = '\0';
        }
        return 0;
    }
    /* Sockets the cache cannot answer. */
    uint64_t *wanted = sp_xreallocarray(NULL, s->n, sizeof *wanted);
    owner *keep = sp_xreallocarray(NULL, s->n, sizeof *keep);
    owner *found = sp_xreallocarray(NULL, s->n, sizeof *found);
    size_t nwanted = 0, nkeep = 0, nfound = 0, scanned = 0;
    bool fresh = false;
    for (size_t i = 0; i < s->n; i++) {
        uint64_t ino = s->v[i].inode;
        const owner *o = find_owner(m->known, m->nknown, ino);
        if (o && still_owns(m->root, o)) {
            keep[nkeep++] = *o;
            continue;
        }
        if (!m->nmissed || !bsearch(&ino, m->missed, m->nmissed, sizeof *m->missed, cmp_u64))
            fresh = true;
        wanted[nwanted++] = ino;
    }
    if (nwanted > 1)
        qsort(wanted, nwanted, sizeof *wanted, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < nwanted; i++)
        if (u == 0 || wanted[u - 1] != wanted[i])
            wanted[u++] = wanted[i];
    nwanted = u;
    /* A walk only when some socket was never looked for: the ones that
     * were and are still unknown belong to processes we cannot read. */
    if (fresh)
        scanned = walk(m->root, wanted, nwanted, found, &nfound);

    /* The new cache: kept + found owners; missed = wanted - found. */
    size_t nk = nkeep + nfound;
    SP_GROW(m->known, m->capknown, nk);
    m->nknown = 0;
    if (nk) {
        memcpy(m->known, keep, nkeep * sizeof *keep);
        memcpy(m->known + nkeep, found, nfound * sizeof *found);
        m->nknown = nk;
        qsort(m->known, m->nknown, sizeof *m->known, cmp_owner);
    }
    if (fresh) {
        SP_GROW(m->missed, m->capmissed, nwanted);
        m->nmissed = 0;
        for (size_t i = 0; i < nwanted; i++)
            if (!find_owner(found, nfound, wanted[i]))
                m->missed[m->nmissed++] = wanted[i];
    }
    for (size_t i = 0; i < s->n; i++) {
        const owner *o = find_owner(m->known, m->nknown, s->v[i].inode);
        s->v[i].pid = o ? o->pid : 0;
        memcpy(s->v[i].comm, o ? o->comm : "", o ? sizeof o->comm : 1);
    }
    free(wanted);
    free(keep);
    free(found);
    return scanned;
}
