/* Config file parsing and --print-config. Values are checked by the same
 * parsers as the command line, so a file and a flag accept the same text. */
#include "sockpit/cmd/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/xdg.h"

/* The settings the file holds: the TUI's options with a key, by slot. */
static const sp_optspec *setting(int slot)
{
    for (const sp_optspec *o = sp_tui_cmd.opts; o->name; o++)
        if (o->key && o->slot == slot)
            return o;
    return NULL;
}

/* "pane, color, ...": every key, in --print-config's order. */
static void known_keys(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int s = 0; s < SP_SET_COUNT && used < len; s++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", s ? ", " : "", setting(s)->key);
}

/* The shared value parsers name the command-line option ("--interval: ...");
 * in a file the key is named by the caller instead. */
static const char *without_option(const char *msg)
{
    if (strncmp(msg, "--", 2) == 0) {
        const char *colon = strstr(msg, ": ");
        if (colon)
            return colon + 2;
    }
    return msg;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* Applies the file to o and, where cmd has an option with the same key, to
 * the command's settings at base too (the same text through the same
 * descriptor, so it cannot fail where o's did not). */
static int apply(const char *text, size_t len, const char *path, sp_opts *o, const sp_optcmd *cmd, void *base,
                 sp_config_warn_fn *warn, void *ud)
{
    int warnings = 0, lineno = 0;
    size_t i = 0;
    char err[300], msg[400];
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        const char *raw = text + i;
        i += n + (nl ? 1 : 0);
        lineno++;
        if (memchr(raw, '\0', n)) {
            warn(ud, path, lineno, "the line holds a NUL byte; skipped");
            warnings++;
            continue;
        }
        char line[1024];
        if (n >= sizeof line) {
            warn(ud, path, lineno, "the line is longer than 1023 bytes; skipped");
            warnings++;
            continue;
        }
        memcpy(line, raw, n);
        line[n] = '\0';
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *l = trim(line);
        if (!*l)
            continue;
        char *eq = strchr(l, '=');
        if (!eq) {
            snprintf(msg, sizeof msg, "'%s' is not 'key = value'; skipped", l);
            warn(ud, path, lineno, msg);
            warnings++;
            continue;
        }
        *eq = '\0';
        char *key = trim(l), *val = trim(eq + 1);
        const sp_optspec *opt = sp_optspec_by_key(&sp_tui_cmd, key);
        if (!opt) {
            char known[256];
            known_keys(known, sizeof known);
            snprintf(msg, sizeof msg, "unknown key '%s' (known: %s); skipped", key, known);
            warn(ud, path, lineno, msg);
            warnings++;
            continue;
        }
        if (o->from[opt->slot] == SP_FROM_CLI)
            continue;
        if (sp_optspec_set(opt, o, val, err, sizeof err) < 0) {
            snprintf(msg, sizeof msg, "bad value for '%s': %s; skipped", key, without_option(err));
            warn(ud, path, lineno, msg);
            warnings++;
            continue;
        }
        o->from[opt->slot] = SP_FROM_CONFIG;
        o->from_line[opt->slot] = lineno;
        const sp_optspec *mine = cmd ? sp_optspec_by_key(cmd, key) : NULL;
        if (mine)
            (void)sp_optspec_set(mine, base, val, err, sizeof err);
    }
    return warnings;
}

int sp_config_apply(const char *text, size_t len, const char *path, sp_opts *o, sp_config_warn_fn *warn,
                    void *ud)
{
    return apply(text, len, path, o, NULL, NULL, warn, ud);
}

static void warn_to_file(void *ud, const char *path, int line, const char *msg)
{
    char esc[1200];
    sp_escape(msg, strlen(msg), esc, sizeof esc);
    fprintf((FILE *)ud, "sockpit: %s:%d: %s\n", path, line, esc);
}

/* The file is small and local; reading it once at start-up, before the
 * loop runs, blocks nothing. */
static void load(sp_opts *o, FILE *warnings, const sp_optcmd *cmd, void *base)
{
    char path[4096], err[300];
    if (sp_xdg_path(SP_XDG_CONFIG, o->config_dir, "config", path, sizeof path, err, sizeof err) < 0) {
        fprintf(warnings, "sockpit: no config file read: %s\n", err);
        return;
    }
    free(o->config_path);
    o->config_path = sp_xstrdup(path);
    char *text;
    size_t len;
    if (sp_read_file(AT_FDCWD, path, (size_t)1 << 20, SP_READ_REGULAR, &text, &len, NULL) < 0) {
        if (errno != ENOENT)
            fprintf(warnings, "sockpit: %s: %s; settings from it are not used\n", path,
                    sp_read_error(errno, (size_t)1 << 20));
        return;
    }
    o->config_found = true;
    apply(text, len, path, o, cmd, base, warn_to_file, warnings);
    free(text);
}

void sp_config_load(sp_opts *o, FILE *warnings)
{
    load(o, warnings, NULL, NULL);
}

void sp_config_command_defaults(const sp_optcmd *cmd, void *base)
{
    sp_optspec_defaults(cmd, base);
    /* Every line is checked (and warned about) as the TUI would read it;
     * the command takes the settings it has. */
    sp_opts all;
    sp_cli_defaults(&all);
    load(&all, stderr, cmd, base);
    sp_opts_free(&all);
}

void sp_config_apply_env(sp_opts *o)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc && o->from[SP_SET_COLOR] == SP_FROM_DEFAULT) {
        o->no_color = true;
        o->from[SP_SET_COLOR] = SP_FROM_ENV;
    }
}

void sp_config_print(const sp_opts *o, FILE *out)
{
    fprintf(out, "# config file: %s%s\n", o->config_path ? o->config_path : "(none)",
            o->config_path && !o->config_found ? " (not present)" : "");
    for (int s = 0; s < SP_SET_COUNT; s++) {
        const sp_optspec *opt = setting(s);
        char val[1024];
        sp_optspec_format(opt, o, val, sizeof val);
        fprintf(out, "%-18s = %-34s # ", opt->key, val);
        switch (o->from[s]) {
        case SP_FROM_DEFAULT: fputs("default\n", out); break;
        case SP_FROM_ENV: fputs("environment (NO_COLOR)\n", out); break;
        case SP_FROM_CONFIG: fprintf(out, "%s:%d\n", o->config_path ? o->config_path : "config", o->from_line[s]); break;
        case SP_FROM_CLI: fputs("command line\n", out); break;
        }
    }
}
