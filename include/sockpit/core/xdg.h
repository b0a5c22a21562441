/* Where sockpit keeps its files, after the XDG Base Directory spec:
 * $XDG_CONFIG_HOME/sockpit (default ~/.config/sockpit) for settings the user
 * edits, $XDG_STATE_HOME/sockpit (default ~/.local/state/sockpit) for logs
 * and history, and so on. An explicit directory (--config-dir, --state-dir)
 * replaces the whole lookup. */
#ifndef SOCKPIT_XDG_H
#define SOCKPIT_XDG_H

#include <stddef.h>
#include <sys/types.h>

typedef enum sp_xdg_kind {
    SP_XDG_CONFIG, /* $XDG_CONFIG_HOME, ~/.config */
    SP_XDG_STATE,  /* $XDG_STATE_HOME, ~/.local/state */
    SP_XDG_DATA,   /* $XDG_DATA_HOME, ~/.local/share */
    SP_XDG_CACHE,  /* $XDG_CACHE_HOME, ~/.cache */
} sp_xdg_kind;

/* sockpit's directory of that kind into out[outlen]: `override` as given when
 * not NULL, else the XDG variable (ignored unless absolute, as the spec
 * says) + "/sockpit", else $HOME (or the password entry) + the default.
 * Nothing is created. Returns 0, or -1 with a reason in err. */
int sp_xdg_dir(sp_xdg_kind kind, const char *override, char *out, size_t outlen, char *err, size_t errlen);

/* sp_xdg_dir + "/" + file. */
int sp_xdg_path(sp_xdg_kind kind, const char *override, const char *file, char *out, size_t outlen, char *err,
                size_t errlen);

/* Creates dir and its missing parents with mode (like mkdir -p). An existing
 * directory is fine; an existing non-directory is an error. Returns 0, or -1
 * with errno set and a reason naming the path in err. */
int sp_mkdir_p(const char *dir, mode_t mode, char *err, size_t errlen);

#endif
