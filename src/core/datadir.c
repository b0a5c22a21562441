/* Finding data files relative to the program, whatever the install prefix. */
#include "sockpit/core/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int try_dir(const char *dir, const char *name, char *out, size_t outlen)
{
    if (!dir || !*dir)
        return -1;
    char path[PATH_MAX + 256];
    int w = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (w < 0 || (size_t)w >= sizeof path || access(path, R_OK) != 0)
        return -1;
    char canon[PATH_MAX];
    const char *best = realpath(path, canon) ? canon : path;
    if (strlen(best) >= outlen)
        return -1;
    memcpy(out, best, strlen(best) + 1);
    return 0;
}

int sp_data_file(const char *name, char *out, size_t outlen)
{
    if (try_dir(getenv("SOCKPIT_DATA_DIR"), name, out, outlen) == 0)
        return 0;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char dir[PATH_MAX + 32];
            snprintf(dir, sizeof dir, "%s/%s", exe, SOCKPIT_DATA_FROM_BIN);
            if (try_dir(dir, name, out, outlen) == 0)
                return 0;
        }
    }
    return try_dir(SOCKPIT_DATA_DIR_INSTALLED, name, out, outlen);
}
