/* Listening sockets from sock_diag or /proc/net, and their owners from
 * /proc/PID/fd. */
#include "sockpit/services/listen.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockpit/services/services.h"
#include "sockpit/services/sockdiag.h"

#define TCP_LISTEN 0x0A
#define UDP_UNCONNECTED 0x07 /* TCP_CLOSE: bound, takes datagrams from anyone */

void sp_listen_init(sp_listen_set *s) { memset(s, 0, sizeof *s); }

void sp_listen_free(sp_listen_set *s)
{
    free(s->v);
    sp_listen_init(s);
}

void sp_listen_clear(sp_listen_set *s)
{
    s->n = 0;
    s->malformed = 0;
}

static int reserve(sp_listen_set *s, size_t need)
{
    if (need <= s->cap)
        return 0;
    size_t nc = s->cap ? s->cap * 2 : 32;
    while (nc < need)
        nc *= 2;
    sp_listener *nv = realloc(s->v, nc * sizeof *nv);
    if (!nv)
        return -1;
    s->v = nv;
    s->cap = nc;
    return 0;
}

int sp_listen_add(sp_listen_set *s, const sp_listener *l)
{
    if (reserve(s, s->n + 1) < 0)
        return -1;
    s->v[s->n++] = *l;
    return 0;
}

int sp_listen_copy(sp_listen_set *dst, const sp_listen_set *src)
{
    if (reserve(dst, src->n) < 0)
        return -1;
    if (src->n)
        memcpy(dst->v, src->v, src->n * sizeof *src->v);
    dst->n = src->n;
    dst->malformed = src->malformed;
    return 0;
}

static bool same(const sp_listener *a, const sp_listener *b)
{
    return a->inode == b->inode && a->pid == b->pid && a->port == b->port && a->proto == b->proto &&
           a->family == b->family && memcmp(a->addr, b->addr, sizeof a->addr) == 0 &&
           strcmp(a->comm, b->comm) == 0;
}

bool sp_listen_equal(const sp_listen_set *a, const sp_listen_set *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!same(&a->v[i], &b->v[i]))
            return false;
    return true;
}

/* ---- parsing /proc/net ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool parse_hex(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 16)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return false;
        v = v << 4 | (uint64_t)h;
    }
    *out = v;
    return true;
}

static bool parse_dec(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* "0100007F:0035": the kernel prints each 32-bit word of the address as a
 * host-order number, so storing the numbers back gives the bytes. */
static bool parse_local(const char *s, size_t len, sp_listener *l)
{
    const char *colon = memchr(s, ':', len);
    if (!colon)
        return false;
    size_t alen = (size_t)(colon - s), plen = len - alen - 1;
    if (alen != 8 && alen != 32)
        return false;
    uint64_t port;
    if (!parse_hex(colon + 1, plen, &port) || port > 65535)
        return false;
    for (size_t w = 0; w < alen / 8; w++) {
        uint64_t v;
        if (!parse_hex(s + w * 8, 8, &v))
            return false;
        uint32_t word = (uint32_t)v;
        memcpy(l->addr + w * 4, &word, 4);
    }
    l->family = alen == 8 ? 4 : 6;
    l->port = (uint16_t)port;
    return true;
}

enum { F_LOCAL = 1, F_STATE = 3, F_UID = 7, F_INODE = 9, F_NEED = 10 };

int sp_listen_parse(sp_listen_set *s, const char *buf, size_t len, int proto)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *tok[F_NEED];
        size_t tlen[F_NEED], nt = 0;
        const char *q = p;
        while (q < e && nt < F_NEED) {
            while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
                q++;
            if (q == e)
                break;
            tok[nt] = q;
            while (q < e && *q != ' ' && *q != '\t' && *q != '\r')
                q++;
            tlen[nt] = (size_t)(q - tok[nt]);
            nt++;
        }
        p = nl ? nl + 1 : end;
        if (nt == 0)
            continue;
        if (nt >= 2 && tlen[1] == 13 && memcmp(tok[1], "local_address", 13) == 0)
            continue; /* the header */
        sp_listener l = { .proto = (uint8_t)proto };
        uint64_t st, uid, inode;
        if (nt < F_NEED || tok[0][tlen[0] - 1] != ':' || !parse_local(tok[F_LOCAL], tlen[F_LOCAL], &l) ||
            !parse_hex(tok[F_STATE], tlen[F_STATE], &st) || !parse_dec(tok[F_UID], tlen[F_UID], &uid) ||
            !parse_dec(tok[F_INODE], tlen[F_INODE], &inode) || uid > UINT32_MAX) {
            s->malformed++;
            continue;
        }
        bool listening = proto == SP_PROTO_TCP ? st == TCP_LISTEN : st == UDP_UNCONNECTED && l.port != 0;
        if (!listening)
            continue;
        l.uid = (uint32_t)uid;
        l.inode = inode;
        if (sp_listen_add(s, &l) < 0)
            return -1;
    }
    return 0;
}

static int cmp_listener(const void *a, const void *b)
{
    const sp_listener *x = a, *y = b;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    int c = memcmp(x->addr, y->addr, sizeof x->addr);
    if (c)
        return c;
    return (x->inode > y->inode) - (x->inode < y->inode);
}

void sp_listen_sort(sp_listen_set *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_listener);
}

size_t sp_listen_find(const sp_listen_set *s, unsigned port, int proto, size_t *first)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sp_listener *l = &s->v[mid];
        if (l->port < port || (l->port == port && proto >= 0 && l->proto < proto))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < s->n && s->v[lo + n].port == port && (proto < 0 || s->v[lo + n].proto == proto))
        n++;
    *first = lo;
    return n;
}

void sp_listen_addr(const sp_listener *l, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];
    if (l->family == 4) {
        inet_ntop(AF_INET, l->addr, a, sizeof a);
        snprintf(buf, len, "%s:%u", a, l->port);
    } else {
        inet_ntop(AF_INET6, l->addr, a, sizeof a);
        snprintf(buf, len, "[%s]:%u", a, l->port);
    }
}

/* Whether the last complete line of buf[0..*len) is a TCP socket in a state other
 * than LISTEN. The kernel lists TCP listeners first (the listening hash),
 * then everything else (the established hash), so from that line on there
 * is nothing left to find: stopping there spares generating thousands of
 * TIME_WAIT lines on a busy host. When it says so, *len is cut after
 * that line. */
static bool past_listeners(const char *buf, size_t *len)
{
    const char *end = memrchr(buf, '\n', *len);
    if (!end)
        return false;
    const char *line = end;
    while (line > buf && line[-1] != '\n')
        line--;
    const char *q = line;
    for (int field = 0; field < 3; field++) {
        while (q < end && *q == ' ')
            q++;
        while (q < end && *q != ' ')
            q++;
    }
    while (q < end && *q == ' ')
        q++;
    if (end - q < 2 || (q + 2 < end && q[2] != ' ') || hexval(q[0]) < 0 || hexval(q[1]) < 0)
        return false; /* the header, or not a socket line */
    if (q[0] == '0' && (q[1] == 'A' || q[1] == 'a'))
        return false;
    *len = (size_t)(end - buf) + 1; /* drop the partial line after it */
    return true;
}

/* A procfs file (its size is unknown until read); TCP files only as far as
 * their listeners go. */
static int slurp(int dirfd, const char *path, bool tcp, char **buf, size_t *cap, size_t *len)
{
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = 0;
    for (;;) {
        if (n + 4096 > *cap) {
            size_t nc = *cap ? *cap * 2 : 16384;
            char *nb = realloc(*buf, nc);
            if (!nb) {
                close(fd);
                errno = ENOMEM;
                return -1;
            }
            *buf = nb;
            *cap = nc;
        }
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
        if (tcp && past_listeners(*buf, &n))
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
        if (sp_listen_parse(s, buf, len, proc_files[i].proto) < 0) {
            snprintf(err, errlen, "out of memory");
            ok = -1;
            break;
        }
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
};

/* Errors that will not go away by asking again. */
static bool diag_refused(int e)
{
    return e == EPROTONOSUPPORT || e == EACCES || e == EPERM || e == EAFNOSUPPORT || e == ENOENT ||
           e == EOPNOTSUPP || e == EINVAL;
}

sp_listen_source *sp_listen_source_new(const char *procroot)
{
    sp_listen_source *src = calloc(1, sizeof *src);
    if (!src || !(src->procroot = strdup(procroot))) {
        free(src);
        return NULL;
    }
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

int sp_listen_source_read(sp_listen_source *src, sp_listen_set *s, char *err, size_t errlen)
{
    sp_listen_clear(s);
    src->via_diag = false;
    if (src->diag) {
        if (sp_sockdiag_tcp_listeners(src->diag, s) == 0) {
            src->via_diag = true;
        } else if (diag_refused(errno)) {
            snprintf(src->why, sizeof src->why, "sock_diag: %s", strerror(errno));
            sp_sockdiag_close(src->diag);
            src->diag = NULL;
        }
    }
    int ok = read_proc(s, src->procroot, src->via_diag ? FIRST_UDP_FILE : 0, err, errlen);
    sp_listen_sort(s);
    return ok < 0 || (ok == 0 && !src->via_diag) ? -1 : 0;
}

const char *sp_listen_source_tcp(const sp_listen_source *src)
{
    return src->via_diag ? "sock_diag" : "/proc/net/tcp";
}

const char *sp_listen_source_why(const sp_listen_source *src) { return src->why; }

/* ---- inode -> process ---- */

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
    sp_procmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
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

static bool socket_inode(const char *link, ssize_t n, uint64_t *inode)
{
    if (n < 10 || memcmp(link, "socket:[", 8) != 0 || link[n - 1] != ']')
        return false;
    return parse_dec(link + 8, (size_t)n - 9, inode);
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
    return n > 0 && socket_inode(link, n, &inode) && inode == o->inode;
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
            if (n <= 0 || !socket_inode(link, n, &inode))
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
    uint64_t *wanted = malloc(s->n * sizeof *wanted);
    owner *keep = malloc(s->n * sizeof *keep);
    owner *found = malloc(s->n * sizeof *found);
    if (!wanted || !keep || !found) {
        free(wanted);
        free(keep);
        free(found);
        return 0;
    }
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
    if (nk > m->capknown) {
        owner *nv = realloc(m->known, nk * sizeof *nv);
        if (nv) {
            m->known = nv;
            m->capknown = nk;
        }
    }
    m->nknown = 0;
    if (nk && nk <= m->capknown) {
        memcpy(m->known, keep, nkeep * sizeof *keep);
        memcpy(m->known + nkeep, found, nfound * sizeof *found);
        m->nknown = nk;
        qsort(m->known, m->nknown, sizeof *m->known, cmp_owner);
    }
    if (fresh) {
        if (nwanted > m->capmissed) {
            uint64_t *nv = realloc(m->missed, nwanted * sizeof *nv);
            if (nv) {
                m->missed = nv;
                m->capmissed = nwanted;
            }
        }
        m->nmissed = 0;
        for (size_t i = 0; i < nwanted && m->nmissed < m->capmissed; i++)
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
