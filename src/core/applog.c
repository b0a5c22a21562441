/* Append-only logs (applog.h). */
#include "sockpit/core/applog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"

int sp_applog_open(const char *path, char *err, size_t errlen)
{
    int fd = sp_open_append(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s for appending: %s", path, sp_read_error(errno, 0));
        return -1;
    }
    off_t end = lseek(fd, 0, SEEK_END);
    char last;
    if (end > 0 && pread(fd, &last, 1, end - 1) == 1 && last != '\n' && write(fd, "\n", 1) != 1) {
        snprintf(err, errlen, "cannot append to %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int sp_applog_write(int fd, const char *line, size_t len)
{
    /* One write on an O_APPEND fd: the line lands whole, after whatever
     * another sockpit appended, and is in the kernel when this returns. */
    off_t before = lseek(fd, 0, SEEK_END);
    ssize_t w;
    do
        w = write(fd, line, len);
    while (w < 0 && errno == EINTR);
    if (w >= 0 && (size_t)w == len)
        return 0;
    int e = w < 0 ? errno : ENOSPC;
    if (w > 0 && before >= 0 && ftruncate(fd, before) < 0)
        e = errno;
    errno = e;
    return -1;
}

int sp_applog_rotate(const char *path, int *fd, off_t max, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(*fd, &st) < 0 || st.st_size < max)
        return 0;
    char old[4096];
    if (snprintf(old, sizeof old, "%s.1", path) >= (int)sizeof old) {
        snprintf(err, errlen, "cannot rotate %s: the path is too long", path);
        return -1;
    }
    if (rename(path, old) < 0) {
        snprintf(err, errlen, "cannot rotate %s to %s: %s", path, old, strerror(errno));
        return -1;
    }
    int nfd = sp_applog_open(path, err, errlen);
    if (nfd < 0)
        return -1;
    close(*fd);
    *fd = nfd;
    return 0;
}

static int digits(const char *s, size_t n, int *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int sp_applog_time_parse(const char *s, size_t len, int64_t *ms)
{
    if (len < SP_APPLOG_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
        memcmp(s + 19, "  ", 2) != 0)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (digits(s, 4, &tm.tm_year) || digits(s + 5, 2, &tm.tm_mon) || digits(s + 8, 2, &tm.tm_mday) ||
        digits(s + 11, 2, &tm.tm_hour) || digits(s + 14, 2, &tm.tm_min) || digits(s + 17, 2, &tm.tm_sec))
        return -1;
    if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1)
        return -1;
    *ms = (int64_t)t * 1000;
    return 0;
}

size_t sp_applog_last_records(const char *bytes, size_t len, bool partial, size_t keep, size_t size,
                              sp_applog_parse_fn *parse, void **out, size_t *bad)
{
    *out = NULL;
    *bad = 0;
    if (keep == 0)
        return 0;
    /* Newest line into the last record, so they end up oldest first. */
    char *v = sp_xcalloc(keep, size);
    size_t n = 0, pos = len;
    while (pos > 0 && n < keep) {
        size_t line_end = bytes[pos - 1] == '\n' ? pos - 1 : pos;
        size_t start = line_end;
        while (start > 0 && bytes[start - 1] != '\n')
            start--;
        if (line_end > start && !(start == 0 && partial)) {
            if (parse(bytes + start, line_end - start, v + (keep - 1 - n) * size) == 0)
                n++;
            else
                (*bad)++;
        }
        pos = start;
    }
    if (n < keep)
        memmove(v, v + (keep - n) * size, n * size);
    *out = v;
    return n;
}
