/* XDG base directories and mkdir -p. */
#include "sockpit/core/xdg.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *var, *fallback;
} kinds[] = {
    [SP_XDG_CONFIG] = { "XDG_CONFIG_HOME", ".config" },
    [SP_XDG_STATE] = { "XDG_STATE_HOME", ".local/state" },
    [SP_XDG_DATA] = { "XDG_DATA_HOME", ".local/share" },
    [SP_XDG_CACHE] = { "XDG_CACHE_HOME", ".cache" },
};

static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return home;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

/* a, or a + "/" + b when b is not NULL. */
static int put(char *out, size_t outlen, char *err, size_t errlen, const char *a, const char *b)
{
    int n = b ? snprintf(out, outlen, "%s/%s", a, b) : snprintf(out, outlen, "%s", a);
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(err, errlen, "path too long: %.60s...", a);
        return -1;
    }
    return 0;
}

int sp_xdg_dir(sp_xdg_kind kind, const char *override, char *out, size_t outlen, char *err, size_t errlen)
{
    if (override) {
        if (!override[0]) {
            snprintf(err, errlen, "the directory name is empty");
            return -1;
        }
        return put(out, outlen, err, errlen, override, NULL);
    }
    const char *base = getenv(kinds[kind].var);
    if (base && base[0] == '/')
        return put(out, outlen, err, errlen, base, "sockpit");
    const char *home = home_dir();
    if (!home) {
        snprintf(err, errlen, "neither %s nor HOME is set to an absolute path", kinds[kind].var);
        return -1;
    }
    char sub[64];
    snprintf(sub, sizeof sub, "%s/sockpit", kinds[kind].fallback);
    return put(out, outlen, err, errlen, home, sub);
}

int sp_xdg_path(sp_xdg_kind kind, const char *override, const char *file, char *out, size_t outlen, char *err,
                size_t errlen)
{
    char dir[4096];
    if (sp_xdg_dir(kind, override, dir, sizeof dir, err, errlen) < 0)
        return -1;
    return put(out, outlen, err, errlen, dir, file);
}

int sp_mkdir_p(const char *dir, mode_t mode, char *err, size_t errlen)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf) {
        snprintf(err, errlen, "bad directory name '%.60s'", dir);
        errno = EINVAL;
        return -1;
    }
    memcpy(buf, dir, n + 1);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    /* Create each prefix in turn; EEXIST is fine as long as it is a directory. */
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST) {
            int e = errno;
            snprintf(err, errlen, "cannot create directory %s: %s", buf, strerror(e));
            errno = e;
            return -1;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    struct stat st;
    int e = stat(buf, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (e) {
        snprintf(err, errlen, "cannot use %s as a directory: %s", buf, strerror(e));
        errno = e;
        return -1;
    }
    return 0;
}
