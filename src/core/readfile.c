/* Whole-file reads. Sizes from fstat are only a hint: /proc files say 0 and
 * pipes say nothing, so the buffer grows until end of file. */
#include "sockpit/core/readfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/core/mem.h"

static int fail(int fd, char *buf, int err)
{
    free(buf);
    if (fd >= 0)
        close(fd);
    errno = err;
    return -1;
}

int sp_read_file(int dirfd, const char *path, size_t max, unsigned flags, char **out, size_t *len,
                 size_t *skipped)
{
    *out = NULL;
    *len = 0;
    if (skipped)
        *skipped = 0;
    if (max > SIZE_MAX / 4)
        max = SIZE_MAX / 4; /* so max + 1 and cap * 2 cannot wrap */
    int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | ((flags & SP_READ_REGULAR) ? O_NONBLOCK : 0));
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return fail(fd, NULL, errno);
    if ((flags & SP_READ_REGULAR) && !S_ISREG(st.st_mode))
        return fail(fd, NULL, EINVAL);
    off_t from = 0;
    if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
        if (!(flags & SP_READ_TAIL))
            return fail(fd, NULL, EFBIG);
        from = st.st_size - (off_t)max;
        if (lseek(fd, from, SEEK_SET) < 0)
            return fail(fd, NULL, errno);
    }
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)(st.st_size - from) + 1 : 4096;
    if (cap > max + 1)
        cap = max + 1;
    char *buf = sp_xmalloc(cap);
    size_t n = 0;
    for (;;) {
        /* When the buffer is full, read one byte: end of file then costs
         * nothing, and the buffer doubles only when there is more. */
        bool full = n + 1 >= cap;
        char probe;
        ssize_t r = read(fd, full ? &probe : buf + n, full ? 1 : cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return fail(fd, buf, errno);
        if (r == 0)
            break;
        if (!full) {
            n += (size_t)r;
            continue;
        }
        if (n >= max)
            return fail(fd, buf, EFBIG);
        size_t nc = cap * 2 > max + 1 ? max + 1 : cap * 2;
        buf = sp_xrealloc(buf, nc);
        cap = nc;
        buf[n++] = probe;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    if (skipped)
        *skipped = (size_t)from;
    return 0;
}

const char *sp_read_error(int err, size_t max)
{
    static char buf[64];
    if (err == EINVAL)
        return "not a regular file";
    if (err == EFBIG) {
        snprintf(buf, sizeof buf, "larger than %zu MiB", max >> 20);
        return buf;
    }
    return strerror(err);
}

int sp_open_append(const char *path)
{
    /* O_NONBLOCK: opening a FIFO for writing would wait for a reader. */
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(fd);
        errno = S_ISREG(st.st_mode) ? e : EINVAL;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}
