/* Replacing a file the user may also edit (watch.list, forward.list) so that
 * a crash or a full disk never leaves it half written. */
#ifndef SOCKPIT_WRITEFILE_H
#define SOCKPIT_WRITEFILE_H

#include <stddef.h>

/* Writes data to PATH.tmp.PID, syncs it and renames it over path (or over
 * the file a symlink at path points to, so a dotfiles link survives), then
 * syncs the directory. Creates the directory (0700) when missing and removes
 * temporary files that killed runs left behind. Returns 0, or -1 with a
 * reason naming the path in err. */
int sp_write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
