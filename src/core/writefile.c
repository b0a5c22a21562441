/* Atomic replacement of a user's file (writefile.h). */
#include "sockpit/core/writefile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/core/xdg.h"

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A sockpit killed between writing its temporary file and renaming it
 * leaves PATH.tmp.PID behind; remove those whose process is gone. */
static void remove_stale_temps(const char *dir, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char prefix[300];
    int pn = snprintf(prefix, sizeof prefix, "%s.tmp.", base);
    if (pn < 0 || (size_t)pn >= sizeof prefix)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, (size_t)pn) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + pn, &end, 10);
        if (*end || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

/* The file a save must replace: a symlink's target (dotfiles set-ups link
 * the lists into a repository), followed up to a few levels, else path. */
static void save_target(const char *path, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", path);
    for (int depth = 0; depth < 8; depth++) {
        struct stat st;
        if (lstat(out, &st) < 0 || !S_ISLNK(st.st_mode))
            return;
        char link[4096];
        ssize_t n = readlink(out, link, sizeof link - 1);
        if (n <= 0)
            return;
        link[n] = '\0';
        /* A relative target is relative to the link's own directory. */
        char *slash = strrchr(out, '/');
        size_t keep = link[0] == '/' || !slash ? 0 : (size_t)(slash - out) + 1;
        if (keep + (size_t)n >= outlen)
            return;
        memcpy(out + keep, link, (size_t)n + 1);
    }
}

int sp_write_file_atomic(const char *link_path, const void *data, size_t len, char *err, size_t errlen)
{
    char path[4096];
    save_target(link_path, path, sizeof path);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (sp_mkdir_p(dir, 0700, err, errlen) < 0)
        return -1;
    remove_stale_temps(dir, path);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    int rc = write_all(fd, data, len);
    if (rc == 0)
        rc = fsync(fd);
    int e = errno;
    if (close(fd) < 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && rename(tmp, path) < 0) {
        rc = -1;
        e = errno;
    }
    if (rc < 0) {
        unlink(tmp);
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        return -1;
    }
    /* The rename itself is durable only once the directory is synced. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}
