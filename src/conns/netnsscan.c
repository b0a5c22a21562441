/* The walk over /proc/PID/ns/net and /run/netns. */
#include "sockpit/conns/netnsscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"

#define CGROUP_MAX ((size_t)64 * 1024)

static bool link_inode(int dirfd, const char *path, uint64_t *inode)
{
    char buf[64];
    ssize_t r = readlinkat(dirfd, path, buf, sizeof buf);
    return r > 0 && (size_t)r < sizeof buf && sp_netns_link_parse(buf, (size_t)r, inode);
}

static int pid_of(const char *name)
{
    long v = 0;
    for (const char *p = name; *p; p++) {
        if (*p < '0' || *p > '9' || v > 10000000)
            return 0;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}

static int cmp_found(const void *a, const void *b)
{
    const sp_netns_found *x = a, *y = b;
    if (x->inode != y->inode)
        return x->inode < y->inode ? -1 : 1;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_inode(const void *a, const void *b)
{
    const sp_netns_found *x = a, *y = b;
    return (x->inode > y->inode) - (x->inode < y->inode);
}

/* Names the namespaces found from rundir's nsfs mounts, and adds the named
 * ones no process is in. nsdev: the device of nsfs (0: unknown, then only
 * inodes already found are named). */
static void add_named(const char *rundir, dev_t nsdev, uint64_t self, sp_netns_found **v, size_t *n, size_t *cap)
{
    DIR *d = opendir(rundir);
    if (!d)
        return;
    size_t nproc = *n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0 || st.st_ino == self)
            continue;
        sp_netns_found key = { .inode = st.st_ino };
        sp_netns_found *f = nproc ? bsearch(&key, *v, nproc, sizeof key, cmp_inode) : NULL;
        if (f) {
            if (!f->ipname[0] || strcmp(e->d_name, f->ipname) < 0)
                snprintf(f->ipname, sizeof f->ipname, "%s", e->d_name);
            continue;
        }
        if (nsdev == 0 || st.st_dev != nsdev)
            continue;
        bool dup = false;
        for (size_t i = nproc; i < *n && !dup; i++)
            dup = (*v)[i].inode == st.st_ino;
        if (dup)
            continue;
        SP_GROW(*v, *cap, *n + 1);
        sp_netns_found *nf = &(*v)[(*n)++];
        memset(nf, 0, sizeof *nf);
        nf->inode = st.st_ino;
        snprintf(nf->ipname, sizeof nf->ipname, "%s", e->d_name);
    }
    closedir(d);
}

int sp_netns_scan(const char *procroot, const char *rundir, uint64_t *self, sp_netns_found **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int root = open(procroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -1;
    errno = 0;
    if (!link_inode(root, "self/ns/net", self)) {
        int e = errno ? errno : EINVAL;
        close(root);
        errno = e;
        return -1;
    }
    struct stat st;
    dev_t nsdev = fstatat(root, "self/ns/net", &st, 0) == 0 && st.st_ino == *self ? st.st_dev : 0;
    int dfd = dup(root);
    DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
    if (!d) {
        int e = errno;
        if (dfd >= 0)
            close(dfd);
        close(root);
        errno = e;
        return -1;
    }
    sp_netns_found *v = NULL;
    size_t nv = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int pid = pid_of(e->d_name);
        char path[32];
        uint64_t ino;
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "%d/ns/net", pid);
        /* A process that exited meanwhile, or a kernel thread: nothing. */
        if (!link_inode(root, path, &ino) || ino == *self)
            continue;
        SP_GROW(v, cap, nv + 1);
        v[nv] = (sp_netns_found){ .inode = ino, .pid = pid };
        nv++;
    }
    closedir(d);
    close(root);
    if (nv > 1)
        qsort(v, nv, sizeof *v, cmp_found);
    size_t u = 0;
    for (size_t i = 0; i < nv; i++)
        if (u == 0 || v[u - 1].inode != v[i].inode)
            v[u++] = v[i];
    nv = u;
    add_named(rundir, nsdev, *self, &v, &nv, &cap);
    if (nv > 1)
        qsort(v, nv, sizeof *v, cmp_found);
    *out = v;
    *n = nv;
    return 0;
}

void sp_netns_container_of(const char *procroot, int pid, char label[SP_CONTAINER_LABEL])
{
    label[0] = '\0';
    if (pid <= 0)
        return;
    char path[PATH_MAX], *buf;
    size_t len;
    snprintf(path, sizeof path, "%s/%d/cgroup", procroot, pid);
    if (sp_read_file(AT_FDCWD, path, CGROUP_MAX, SP_READ_REGULAR, &buf, &len, NULL) < 0)
        return;
    sp_cgroup_container(buf, len, label);
    free(buf);
}
