/* Config file parsing and --print-config. Values are checked by the same
 * parsers as the command line, so a file and a flag accept the same text. */
#include "sockpit/cmd/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sockpit/core/safetext.h"

#include "sockpit/core/dns.h"
#include "sockpit/core/readfile.h"
#include "sockpit/core/xdg.h"

static const char *const keys[SP_SET_COUNT] = {
    [SP_SET_PANE] = "pane",
    [SP_SET_COLOR] = "color",
    [SP_SET_DNS] = "dns-server",
    [SP_SET_INTERVAL] = "watch-interval",
    [SP_SET_CHAT] = "chat",
    [SP_SET_KEEPALIVE] = "keepalive",
    [SP_SET_SWEEP_CONCURRENCY] = "sweep-concurrency",
    [SP_SET_PROBE_RATE] = "probe-rate",
};

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

static int parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = { "on", "yes", "true", "1" }, *const no[] = { "off", "no", "false", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Sets one value; returns 0 or -1 with a reason in err. */
static int set_value(sp_opts *o, sp_setting s, const char *v, char *err, size_t errlen)
{
    long l;
    bool b;
    char host[256];
    int port;
    switch (s) {
    case SP_SET_PANE:
        return sp_parse_pane(v, &o->pane, err, errlen);
    case SP_SET_COLOR:
        if (parse_bool(v, &b) < 0) {
            snprintf(err, errlen, "'%s' must be on or off", v);
            return -1;
        }
        o->no_color = !b;
        return 0;
    case SP_SET_DNS: {
        char *csv = sp_dns_parse_servers(v, err, errlen);
        if (!csv)
            return -1;
        free(o->dns_servers);
        o->dns_servers = csv;
        return 0;
    }
    case SP_SET_INTERVAL:
        return sp_parse_seconds(v, 0.2, 86400, "--interval", &o->watch_interval, err, errlen);
    case SP_SET_CHAT:
        if (sp_parse_hostport(v, 0, host, sizeof host, &port, err, errlen) < 0)
            return -1;
        free(o->chat);
        o->chat = strdup(v);
        return o->chat ? 0 : -1;
    case SP_SET_KEEPALIVE:
        return sp_parse_keepalive(v, &o->keepalive, err, errlen);
    case SP_SET_SWEEP_CONCURRENCY:
        if (sp_parse_long(v, 1, 1024, "--sweep-concurrency", &l, err, errlen) < 0)
            return -1;
        o->sweep_concurrency = (unsigned)l;
        return 0;
    case SP_SET_PROBE_RATE:
        if (sp_parse_long(v, 1, 10000, "--probe-rate", &l, err, errlen) < 0)
            return -1;
        o->probe_rate = (double)l;
        return 0;
    case SP_SET_COUNT:
        break;
    }
    return -1;
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

int sp_config_apply(const char *text, size_t len, const char *path, sp_opts *o, sp_config_warn_fn *warn,
                    void *ud)
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
        sp_setting s = SP_SET_COUNT;
        for (int k = 0; k < SP_SET_COUNT; k++)
            if (strcmp(key, keys[k]) == 0)
                s = (sp_setting)k;
        if (s == SP_SET_COUNT) {
            snprintf(msg, sizeof msg,
                     "unknown key '%s' (known: pane, color, dns-server, watch-interval, chat, keepalive, "
                     "sweep-concurrency, probe-rate); skipped", key);
            warn(ud, path, lineno, msg);
            warnings++;
            continue;
        }
        if (o->from[s] == SP_FROM_CLI)
            continue;
        if (set_value(o, s, val, err, sizeof err) < 0) {
            snprintf(msg, sizeof msg, "bad value for '%s': %s; skipped", key, without_option(err));
            warn(ud, path, lineno, msg);
            warnings++;
            continue;
        }
        o->from[s] = SP_FROM_CONFIG;
        o->from_line[s] = lineno;
    }
    return warnings;
}

static void warn_to_file(void *ud, const char *path, int line, const char *msg)
{
    char esc[1200];
    sp_escape(msg, strlen(msg), esc, sizeof esc);
    fprintf((FILE *)ud, "sockpit: %s:%d: %s\n", path, line, esc);
}

/* The file is small and local; reading it once at start-up, before the
 * loop runs, blocks nothing. */
void sp_config_load(sp_opts *o, FILE *warnings)
{
    char path[4096], err[300];
    if (sp_xdg_path(SP_XDG_CONFIG, o->config_dir, "config", path, sizeof path, err, sizeof err) < 0) {
        fprintf(warnings, "sockpit: no config file read: %s\n", err);
        return;
    }
    free(o->config_path);
    o->config_path = strdup(path);
    char *text;
    size_t len;
    if (sp_read_file(AT_FDCWD, path, (size_t)1 << 20, SP_READ_REGULAR, &text, &len, NULL) < 0) {
        if (errno != ENOENT)
            fprintf(warnings, "sockpit: %s: %s; settings from it are not used\n", path,
                    errno == EFBIG ? "larger than 1 MiB" : errno == EINVAL ? "not a regular file" : strerror(errno));
        return;
    }
    o->config_found = true;
    sp_config_apply(text, len, path, o, warn_to_file, warnings);
    free(text);
}

void sp_config_batch_defaults(sp_opts *o)
{
    sp_opts_defaults(o);
    sp_config_load(o, stderr);
}

void sp_config_apply_env(sp_opts *o)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc && o->from[SP_SET_COLOR] == SP_FROM_DEFAULT) {
        o->no_color = true;
        o->from[SP_SET_COLOR] = SP_FROM_ENV;
    }
}

static void print_value(const sp_opts *o, sp_setting s, FILE *out)
{
    const sp_keepalive *ka = &o->keepalive;
    switch (s) {
    case SP_SET_PANE: fputs(o->pane, out); break;
    case SP_SET_COLOR: fputs(o->no_color ? "off" : "on", out); break;
    case SP_SET_DNS: fputs(o->dns_servers ? o->dns_servers : "system (/etc/resolv.conf)", out); break;
    case SP_SET_INTERVAL: fprintf(out, "%g", o->watch_interval); break;
    case SP_SET_CHAT: fputs(o->chat ? o->chat : "embedded bot on 127.0.0.1:50007", out); break;
    case SP_SET_KEEPALIVE:
        if (ka->on)
            fprintf(out, "%d,%d,%d", ka->idle, ka->intvl, ka->cnt);
        else
            fputs("off", out);
        break;
    case SP_SET_SWEEP_CONCURRENCY: fprintf(out, "%u", o->sweep_concurrency); break;
    case SP_SET_PROBE_RATE: fprintf(out, "%g", o->probe_rate); break;
    case SP_SET_COUNT: break;
    }
}

void sp_config_print(const sp_opts *o, FILE *out)
{
    fprintf(out, "# config file: %s%s\n", o->config_path ? o->config_path : "(none)",
            o->config_path && !o->config_found ? " (not present)" : "");
    for (int s = 0; s < SP_SET_COUNT; s++) {
        char *val = NULL;
        size_t vn = 0;
        FILE *m = open_memstream(&val, &vn);
        if (!m)
            return;
        print_value(o, (sp_setting)s, m);
        fclose(m);
        fprintf(out, "%-18s = %-34s # ", keys[s], val);
        free(val);
        switch (o->from[s]) {
        case SP_FROM_DEFAULT: fputs("default\n", out); break;
        case SP_FROM_ENV: fputs("environment (NO_COLOR)\n", out); break;
        case SP_FROM_CONFIG: fprintf(out, "%s:%d\n", o->config_path ? o->config_path : "config", o->from_line[s]); break;
        case SP_FROM_CLI: fputs("command line\n", out); break;
        }
    }
}
