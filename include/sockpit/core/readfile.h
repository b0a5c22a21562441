/* Reading a whole file into memory: the one place files become bytes for
 * the parsers (which never read files themselves). */
#ifndef SOCKPIT_READFILE_H
#define SOCKPIT_READFILE_H

#include <stddef.h>

enum {
    /* Refuse anything but a regular file, and never wait on opening a FIFO:
     * the interface must not block on a path the user typed. */
    SP_READ_REGULAR = 1u,
    /* When the file is larger than max, keep its last max bytes instead of
     * failing (logs, where the newest lines matter). */
    SP_READ_TAIL = 2u,
};

/* Reads path (relative to dirfd, or AT_FDCWD) into a malloc'd buffer of
 * *len bytes, NUL-terminated after them. *skipped (may be NULL) is how many
 * leading bytes SP_READ_TAIL dropped. Returns 0, or -1 with errno set:
 * EFBIG when larger than max, EINVAL when SP_READ_REGULAR refused it. */
int sp_read_file(int dirfd, const char *path, size_t max, unsigned flags, char **out, size_t *len,
                 size_t *skipped);
/* What went wrong, for a message: "not a regular file", "larger than 64
 * MiB" (max in MiB), or strerror(err). Valid until the next call. */
const char *sp_read_error(int err, size_t max);

/* Opens path for appending (created 0600), refusing anything but a regular
 * file without ever waiting on a FIFO. Returns the fd, or -1 with errno set
 * (EINVAL: not a regular file). */
int sp_open_append(const char *path);

#endif
