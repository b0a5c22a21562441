/* The incremental inode -> process map. */
#include "sockpit/conns/connproc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/services/procmap.h"

typedef struct proc {
    int pid;
    bool readable;      /* its fd directory could be opened */
    bool listed;        /* seen in this refresh's /proc listing */
    uint64_t start;     /* start time: a different one means another process */
    long long nfds;     /* open files at the last scan (-1: never scanned) */
    char comm[16];
    uint64_t *inodes;   /* its sockets at the last scan */
    size_t ninodes, capinodes;
} proc;

/* inode -> index into procs, open addressing (inode 0 is free). */
typedef struct slot {
    uint64_t inode;
    uint32_t proc;
} slot;

struct sp_connproc {
    int root;
    uid_t euid;
    proc *procs;        /* sorted by pid */
    size_t nprocs, capprocs;
    slot *map;
    size_t mapcap;      /* a power of two, or 0 */
    bool map_stale;
    bool counts;        /* the kernel reports fd counts as the size of /proc/PID/fd */
    uint64_t *missed;   /* sockets a full scan did not find, sorted */
    size_t nmissed, capmissed;
    sp_connproc_stats st;
};

bool sp_proc_stat_parse(const char *buf, size_t len, char comm[16], uint64_t *start)
{
    const char *open = memchr(buf, '(', len);
    const char *close = NULL;
    for (size_t i = len; i-- > 0;)
        if (buf[i] == ')') {
            close = buf + i;
            break;
        }
    if (!open || !close || close < open)
        return false;
    size_t n = (size_t)(close - open - 1);
    if (n > 15)
        n = 15;
    memcpy(comm, open + 1, n);
    comm[n] = '\0';
    /* After ") ": field 3 (state) ... field 22 (starttime). */
    const char *p = close + 1, *end = buf + len;
    for (int field = 3; field < 22; field++) {
        while (p < end && *p == ' ')
            p++;
        if (p == end)
            return false;
        while (p < end && *p != ' ')
            p++;
    }
    while (p < end && *p == ' ')
        p++;
    if (p == end || *p < '0' || *p > '9')
        return false;
    uint64_t v = 0;
    for (int digits = 0; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 19)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *start = v;
    return true;
}

sp_connproc *sp_connproc_new(const char *procroot)
{
    sp_connproc *m = sp_xcalloc(1, sizeof *m);
    m->root = open(procroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    m->euid = geteuid();
    struct stat st;
    m->counts = m->root >= 0 && fstatat(m->root, "self/fd", &st, 0) == 0 && st.st_size > 0;
    return m;
}

static void drop_proc(proc *p) { free(p->inodes); }

void sp_connproc_free(sp_connproc *m)
{
    if (!m)
        return;
    if (m->root >= 0)
        close(m->root);
    for (size_t i = 0; i < m->nprocs; i++)
        drop_proc(&m->procs[i]);
    free(m->procs);
    free(m->map);
    free(m->missed);
    free(m);
}

const sp_connproc_stats *sp_connproc_last(const sp_connproc *m) { return &m->st; }

static bool read_stat(int root, int pid, char comm[16], uint64_t *start)
{
    char path[32], buf[1024];
    snprintf(path, sizeof path, "%d/stat", pid);
    int fd = openat(root, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t r = read(fd, buf, sizeof buf);
    close(fd);
    return r > 0 && sp_proc_stat_parse(buf, (size_t)r, comm, start);
}

/* Reads a process's socket inodes. False when it is gone or unreadable. */
static bool scan(sp_connproc *m, proc *p)
{
    char path[32];
    snprintf(path, sizeof path, "%d/fd", p->pid);
    int dfd = openat(m->root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        p->readable = errno != EACCES && errno != EPERM ? p->readable : false;
        return false;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return false;
    }
    p->readable = true;
    p->ninodes = 0;
    m->st.scanned++;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9')
            continue;
        char link[64];
        ssize_t n = readlinkat(dfd, de->d_name, link, sizeof link);
        m->st.links++;
        uint64_t inode;
        if (n <= 0 || !sp_procmap_socket_inode(link, (size_t)n, &inode))
            continue;
        SP_GROW(p->inodes, p->capinodes, p->ninodes + 1);
        p->inodes[p->ninodes++] = inode;
    }
    closedir(d);
    m->map_stale = true;
    return true;
}

static int cmp_pid(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The PIDs /proc lists now, sorted. */
static int *list_pids(int root, size_t *n)
{
    int dfd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    *n = 0;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return NULL;
    }
    int *v = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        SP_GROW(v, cap, *n + 1);
        v[(*n)++] = (int)strtol(de->d_name, NULL, 10);
    }
    closedir(d);
    if (*n > 1)
        qsort(v, *n, sizeof *v, cmp_pid);
    return v;
}

static size_t hash_slot(uint64_t inode, size_t cap)
{
    inode *= 0x9e3779b97f4a7c15ull;
    return (size_t)(inode >> 20) & (cap - 1);
}

static void rebuild_map(sp_connproc *m)
{
    size_t total = 0;
    for (size_t i = 0; i < m->nprocs; i++)
        total += m->procs[i].ninodes;
    size_t cap = 64;
    while (cap < total * 2)
        cap *= 2;
    if (cap != m->mapcap) {
        free(m->map);
        m->map = sp_xcalloc(cap, sizeof *m->map);
        m->mapcap = cap;
    } else {
        memset(m->map, 0, cap * sizeof *m->map);
    }
    for (size_t i = 0; i < m->nprocs; i++)
        for (size_t k = 0; k < m->procs[i].ninodes; k++) {
            uint64_t ino = m->procs[i].inodes[k];
            if (!ino)
                continue;
            size_t h = hash_slot(ino, cap);
            while (m->map[h].inode && m->map[h].inode != ino)
                h = (h + 1) & (cap - 1);
            /* Shared by several processes (fork): the first, lowest PID. */
            if (!m->map[h].inode)
                m->map[h] = (slot){ ino, (uint32_t)i };
        }
    m->map_stale = false;
}

static const proc *owner_of(const sp_connproc *m, uint64_t inode)
{
    if (!m->mapcap || !inode)
        return NULL;
    size_t h = hash_slot(inode, m->mapcap);
    while (m->map[h].inode) {
        if (m->map[h].inode == inode)
            return &m->procs[m->map[h].proc];
        h = (h + 1) & (m->mapcap - 1);
    }
    return NULL;
}

/* Merges the listing into procs: gone ones dropped, new ones added (to be
 * scanned: nfds -1). */
static void merge_listing(sp_connproc *m, const int *pids, size_t n)
{
    proc *out = sp_xreallocarray(NULL, n ? n : 1, sizeof *out);
    size_t a = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        while (a < m->nprocs && m->procs[a].pid < pids[i]) {
            drop_proc(&m->procs[a++]);
            m->map_stale = true;
        }
        if (a < m->nprocs && m->procs[a].pid == pids[i]) {
            out[k++] = m->procs[a++];
        } else {
            out[k++] = (proc){ .pid = pids[i], .nfds = -1, .readable = true };
        }
    }
    for (; a < m->nprocs; a++) {
        drop_proc(&m->procs[a]);
        m->map_stale = true;
    }
    free(m->procs);
    m->procs = out;
    m->nprocs = k;
    m->capprocs = n ? n : 1;
}

static bool waiting(const sp_connproc *m, const sp_conntab *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const sp_conn *c = &t->v[i];
        if (c->s.inode && !c->closed && !owner_of(m, c->s.inode) &&
            (m->euid == 0 || c->s.uid == m->euid))
            return true;
    }
    return false;
}

/* One scan of every readable process not scanned in this resolve, for
 * sockets never looked for that way (a kernel without fd counts, or a
 * process whose count happens to be the same). */
static void full_scan(sp_connproc *m, sp_conntab *t, const bool *done)
{
    uint64_t *want = NULL;
    size_t nwant = 0, cap = 0;
    for (size_t i = 0; i < t->n; i++) {
        const sp_conn *c = &t->v[i];
        if (!c->s.inode || c->closed || owner_of(m, c->s.inode) || (m->euid != 0 && c->s.uid != m->euid))
            continue;
        if (m->nmissed && bsearch(&c->s.inode, m->missed, m->nmissed, sizeof *m->missed, cmp_u64))
            continue;
        SP_GROW(want, cap, nwant + 1);
        want[nwant++] = c->s.inode;
    }
    if (!nwant) {
        free(want);
        return;
    }
    for (size_t i = 0; i < m->nprocs; i++)
        if (!done[i] && m->procs[i].readable)
            scan(m, &m->procs[i]);
    rebuild_map(m);
    /* What is still unknown is not looked for again by a full scan. */
    size_t keep = 0;
    for (size_t i = 0; i < nwant; i++)
        if (!owner_of(m, want[i]))
            want[keep++] = want[i];
    size_t total = m->nmissed + keep;
    SP_GROW(m->missed, m->capmissed, total ? total : 1);
    memcpy(m->missed + m->nmissed, want, keep * sizeof *want);
    m->nmissed = total;
    qsort(m->missed, m->nmissed, sizeof *m->missed, cmp_u64);
    free(want);
}

void sp_connproc_resolve(sp_connproc *m, sp_conntab *t)
{
    memset(&m->st, 0, sizeof m->st);
    if (m->root < 0) {
        for (size_t i = 0; i < t->n; i++)
            t->v[i].owner = t->v[i].s.inode ? SP_OWNER_HIDDEN : SP_OWNER_NONE;
        return;
    }
    size_t npids;
    int *pids = list_pids(m->root, &npids);
    merge_listing(m, pids, npids);
    free(pids);
    m->st.pids = m->nprocs;
    if (m->map_stale)
        rebuild_map(m);
    bool want = waiting(m, t);
    bool *done = sp_xcalloc(m->nprocs + 1, sizeof *done);
    for (size_t i = 0; i < m->nprocs; i++) {
        proc *p = &m->procs[i];
        if (!p->readable && p->nfds >= 0)
            continue;
        bool fresh = p->nfds < 0;
        if (!fresh && p->ninodes) {
            /* It owns sockets: make sure it is still the same process, and
             * take its name again (an exec after the fork renames it). */
            char comm[16];
            uint64_t start;
            if (read_stat(m->root, p->pid, comm, &start)) {
                if (start != p->start) {
                    fresh = true;
                    p->ninodes = 0;
                    m->map_stale = true;
                } else {
                    memcpy(p->comm, comm, sizeof comm);
                }
            }
        }
        long long count = -1;
        if (m->counts) {
            struct stat st;
            char path[32];
            snprintf(path, sizeof path, "%d/fd", p->pid);
            if (fstatat(m->root, path, &st, 0) == 0)
                count = (long long)st.st_size;
            else if (errno == EACCES || errno == EPERM)
                p->readable = false;
        }
        if (!fresh && !(m->counts && count != p->nfds && (want || p->ninodes)))
            continue;
        if (fresh && !read_stat(m->root, p->pid, p->comm, &p->start))
            continue; /* gone already */
        if (!p->readable || (m->counts && count < 0)) {
            p->nfds = 0;
            continue;
        }
        if (scan(m, p)) {
            p->nfds = count < 0 ? 0 : count;
            done[i] = true;
        } else {
            p->nfds = 0;
        }
    }
    if (m->map_stale)
        rebuild_map(m);
    full_scan(m, t, done);
    free(done);

    for (size_t i = 0; i < m->nprocs; i++)
        m->st.unreadable += !m->procs[i].readable;
    for (size_t i = 0; i < t->n; i++) {
        sp_conn *c = &t->v[i];
        if (c->closed)
            continue; /* the last owner stays with the final counts */
        const proc *p = owner_of(m, c->s.inode);
        if (p) {
            c->owner = SP_OWNER_PROC;
            c->pid = p->pid;
            memcpy(c->comm, p->comm, sizeof c->comm);
        } else if (c->owner == SP_OWNER_PROC) {
            /* The same socket (its inode is in the key), its owner gone
             * since the dump: closed, or the process exited. The next dump
             * shows it closed, and a closed row keeps its last owner. */
            continue;
        } else {
            c->pid = 0;
            c->comm[0] = '\0';
            c->owner = !c->s.inode                           ? SP_OWNER_NONE
                       : m->euid != 0 && c->s.uid != m->euid ? SP_OWNER_HIDDEN
                                                             : SP_OWNER_UNKNOWN;
            m->st.hidden += c->owner == SP_OWNER_HIDDEN;
        }
    }
}
