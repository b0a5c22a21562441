/* The one option parser: a command's descriptor table becomes getopt_long's
 * table, each value goes through the shared value parsers into the
 * command's settings, and --help is printed from the same table. */
#include "sockpit/cmd/optspec.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/parse.h"
#include "sockpit/core/report.h"

/* Options without a short letter get getopt values from here up, so every
 * value is unique and no letter. */
enum { MAX_OPTS = 48, VAL_BASE = 256 };

static size_t count(const sp_optcmd *cmd)
{
    size_t n = 0;
    while (cmd->opts[n].name)
        n++;
    return n;
}

static bool takes_value(const sp_optspec *o)
{
    return o->kind != SP_OPT_FLAG && o->kind != SP_OPT_HELP && o->kind != SP_OPT_VERSION;
}

static bool fits(const sp_optspec *o)
{
    switch (o->kind) {
    case SP_OPT_FLAG: return o->store == SP_STORE_BOOL;
    case SP_OPT_LONG: return o->store == SP_STORE_LONG || o->store == SP_STORE_UINT || o->store == SP_STORE_DOUBLE;
    case SP_OPT_SECONDS: return o->store == SP_STORE_DOUBLE;
    /* A text points into argv, and the config file's lines do not last: a
     * text with a key is a malloc'd copy. */
    case SP_OPT_TEXT: return (o->store == SP_STORE_TEXT && !o->key) || o->store == SP_STORE_OWNED;
    case SP_OPT_ENUM: return o->store == SP_STORE_TEXT && o->names && o->noun;
    case SP_OPT_HOSTPORT:
    case SP_OPT_DNS_SERVERS: return o->store == SP_STORE_OWNED;
    case SP_OPT_KEEPALIVE: return o->store == SP_STORE_KEEPALIVE;
    case SP_OPT_CUSTOM: return o->store == SP_STORE_NONE && o->set;
    case SP_OPT_HELP:
    case SP_OPT_VERSION: return o->store == SP_STORE_NONE;
    }
    return false;
}

/* A table that does not fit its settings is a bug in sockpit, not in the
 * command line: stop before storing anything through it. */
__attribute__((noreturn)) static void table_bug(const sp_optspec *o, const char *what)
{
    fprintf(stderr, "sockpit: option table: --%s: %s\n", o->name, what);
    abort();
}

static void *target(const sp_optspec *o, void *base)
{
    return (char *)base + o->at;
}

static void store_long(const sp_optspec *o, void *base, long v)
{
    void *p = target(o, base);
    switch (o->store) {
    case SP_STORE_LONG: *(long *)p = v; break;
    case SP_STORE_UINT: *(unsigned *)p = (unsigned)v; break;
    case SP_STORE_DOUBLE: *(double *)p = (double)v; break;
    default: table_bug(o, "a whole number goes to a long, unsigned or double");
    }
}

static void store_owned(const sp_optspec *o, void *base, const char *v)
{
    char *copy = sp_xstrdup(v);
    char **p = target(o, base);
    free(*p);
    *p = copy;
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

static int set_enum(const sp_optspec *o, void *base, const char *v, const char *what, char *err, size_t errlen)
{
    size_t n = 0;
    for (; o->names[n]; n++) {
        if (strcmp(v, o->names[n]) == 0) {
            *(const char **)target(o, base) = o->names[n];
            return 0;
        }
    }
    char choices[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof choices; i++)
        used += (size_t)snprintf(choices + used, sizeof choices - used, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ",
                                 o->names[i]);
    snprintf(err, errlen, "%s: unknown %s '%s' (choose %s)", what, o->noun, v, choices);
    return -1;
}

int sp_optspec_set(const sp_optspec *o, void *base, const char *v, char *err, size_t errlen)
{
    char what[80];
    snprintf(what, sizeof what, "--%s", o->name);
    switch (o->kind) {
    case SP_OPT_FLAG: {
        bool b = true;
        if (v) {
            if (parse_bool(v, &b) < 0) {
                snprintf(err, errlen, "%s: '%s' must be on or off", what, v);
                return -1;
            }
            b = b != o->key_negates;
        }
        *(bool *)target(o, base) = b;
        return 0;
    }
    case SP_OPT_LONG: {
        long l;
        if (sp_parse_long(v, (long)o->lo, (long)o->hi, what, &l, err, errlen) < 0)
            return -1;
        store_long(o, base, l);
        return 0;
    }
    case SP_OPT_SECONDS:
        return sp_parse_seconds(v, o->lo, o->hi, what, (double *)target(o, base), err, errlen);
    case SP_OPT_TEXT:
        if (o->noun && !v[0]) {
            snprintf(err, errlen, "%s: the %s is empty", what, o->noun);
            return -1;
        }
        if (o->store == SP_STORE_OWNED)
            store_owned(o, base, v);
        else
            *(const char **)target(o, base) = v;
        return 0;
    case SP_OPT_ENUM:
        return set_enum(o, base, v, what, err, errlen);
    case SP_OPT_HOSTPORT: {
        char host[256], why[200];
        int port;
        const char *hp = strncmp(v, "tls://", 6) == 0 ? v + 6 : v;
        if (sp_parse_hostport(hp, 0, host, sizeof host, &port, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s: %s", what, why);
            return -1;
        }
        store_owned(o, base, v);
        return 0;
    }
    case SP_OPT_KEEPALIVE:
        return sp_parse_keepalive(v, (sp_keepalive *)target(o, base), err, errlen);
    case SP_OPT_DNS_SERVERS: {
        char *csv = sp_dns_parse_servers(v, err, errlen);
        if (!csv)
            return -1;
        char **p = target(o, base);
        free(*p);
        *p = csv;
        return 0;
    }
    case SP_OPT_CUSTOM:
        return o->set(base, v, what, err, errlen);
    case SP_OPT_HELP:
    case SP_OPT_VERSION:
        break;
    }
    table_bug(o, "has no value to set");
}

void sp_optspec_defaults(const sp_optcmd *cmd, void *base)
{
    for (const sp_optspec *o = cmd->opts; o->name; o++) {
        if (!fits(o))
            table_bug(o, "the kind does not fit the target");
        if (!o->help)
            table_bug(o, "no help text");
        char err[300];
        if (o->kind == SP_OPT_LONG)
            store_long(o, base, (long)o->def);
        else if (o->kind == SP_OPT_SECONDS)
            *(double *)target(o, base) = o->def;
        else if (o->def_text && sp_optspec_set(o, base, o->def_text, err, sizeof err) < 0)
            table_bug(o, err);
    }
}

void sp_optspec_free(const sp_optcmd *cmd, void *base)
{
    for (const sp_optspec *o = cmd->opts; o->name; o++) {
        if (o->store != SP_STORE_OWNED)
            continue;
        char **p = target(o, base);
        free(*p);
        *p = NULL;
    }
}

const sp_optspec *sp_optspec_by_key(const sp_optcmd *cmd, const char *key)
{
    for (const sp_optspec *o = cmd->opts; o->name; o++)
        if (o->key && strcmp(o->key, key) == 0)
            return o;
    return NULL;
}

static void keepalive_text(const sp_keepalive *ka, char *buf, size_t len)
{
    if (ka->on)
        snprintf(buf, len, "%d,%d,%d", ka->idle, ka->intvl, ka->cnt);
    else
        snprintf(buf, len, "off");
}

static const char *text_or_unset(const sp_optspec *o, const char *s)
{
    return s ? s : o->unset ? o->unset : "";
}

void sp_optspec_format(const sp_optspec *o, const void *base, char *buf, size_t len)
{
    const void *p = (const char *)base + o->at;
    switch (o->kind) {
    case SP_OPT_FLAG:
        snprintf(buf, len, "%s", *(const bool *)p != o->key_negates ? "on" : "off");
        return;
    case SP_OPT_LONG: {
        long v = o->store == SP_STORE_LONG ? *(const long *)p
                 : o->store == SP_STORE_UINT ? (long)*(const unsigned *)p
                                             : (long)*(const double *)p;
        snprintf(buf, len, "%ld", v);
        return;
    }
    case SP_OPT_SECONDS:
        snprintf(buf, len, "%g", *(const double *)p);
        return;
    case SP_OPT_TEXT:
    case SP_OPT_ENUM:
        snprintf(buf, len, "%s", text_or_unset(o, *(const char *const *)p));
        return;
    case SP_OPT_HOSTPORT:
    case SP_OPT_DNS_SERVERS:
        snprintf(buf, len, "%s", text_or_unset(o, *(char *const *)p));
        return;
    case SP_OPT_KEEPALIVE:
        keepalive_text(p, buf, len);
        return;
    case SP_OPT_CUSTOM:
    case SP_OPT_HELP:
    case SP_OPT_VERSION:
        break;
    }
    snprintf(buf, len, "%s", "");
}

/* ---- getopt ---- */

static void build_getopt(const sp_optcmd *cmd, struct option *table, char *shortopts)
{
    size_t n = count(cmd);
    if (n > MAX_OPTS)
        table_bug(cmd->opts, "the command has too many options");
    char *s = shortopts;
    if (!cmd->permute)
        *s++ = '+';
    /* A missing value is ':', told apart from an unknown option. */
    *s++ = ':';
    for (size_t i = 0; i < n; i++) {
        const sp_optspec *o = &cmd->opts[i];
        table[i] = (struct option){ o->name, takes_value(o) ? required_argument : no_argument, NULL,
                                    o->letter ? o->letter : VAL_BASE + (int)i };
        if (o->letter) {
            *s++ = o->letter;
            if (takes_value(o))
                *s++ = ':';
        }
    }
    table[n] = (struct option){ NULL, 0, NULL, 0 };
    *s = '\0';
}

static const sp_optspec *option_of(const sp_optcmd *cmd, int c)
{
    size_t n = count(cmd);
    if (c >= VAL_BASE && (size_t)(c - VAL_BASE) < n)
        return &cmd->opts[c - VAL_BASE];
    for (size_t i = 0; c != '?' && c != ':' && i < n; i++)
        if (cmd->opts[i].letter == c)
            return &cmd->opts[i];
    return NULL;
}

/* After getopt_long returned '?' or ':': the one-line reason. getopt's own
 * messages are off (opterr), so every error is ours and one line. */
static void describe_getopt_error(const struct option *table, int argc, char **argv, char *err, size_t errlen)
{
    const char *arg = optind - 1 < argc && optind > 0 ? argv[optind - 1] : "?";
    for (const struct option *o = table; optopt && o->name; o++) {
        if (o->val != optopt)
            continue;
        if (o->has_arg == no_argument)
            snprintf(err, errlen, "option '--%s' takes no value", o->name);
        else
            snprintf(err, errlen, "option '--%s' needs a value", o->name);
        return;
    }
    if (optopt > 0 && optopt < 128 && arg[0] == '-' && arg[1] != '-')
        snprintf(err, errlen, "unknown option '-%c'", optopt);
    else
        snprintf(err, errlen, "unknown option '%s'", arg);
}

sp_optresult sp_optspec_parse(const sp_optcmd *cmd, int argc, char **argv, void *base, int *first, char *err,
                              size_t errlen)
{
    struct option table[MAX_OPTS + 1];
    char shortopts[2 * MAX_OPTS + 3];
    build_getopt(cmd, table, shortopts);
    opterr = 0;
    /* 0, not 1: glibc then reads shortopts' '+' afresh, so a command that
     * permutes can follow one that does not (the unit tests parse many). */
    optind = 0;
    for (;;) {
        /* getopt leaves optopt set after an error: clear it, so the
         * description is of this call's error only. */
        optopt = 0;
        int c = getopt_long(argc, argv, shortopts, table, NULL);
        if (c == -1)
            break;
        const sp_optspec *o = option_of(cmd, c);
        if (!o) {
            describe_getopt_error(table, argc, argv, err, errlen);
            return SP_OPTS_ERROR;
        }
        if (o->kind == SP_OPT_HELP)
            return SP_OPTS_HELP;
        if (o->kind == SP_OPT_VERSION)
            return SP_OPTS_VERSION;
        if (sp_optspec_set(o, base, takes_value(o) ? optarg : NULL, err, errlen) < 0)
            return SP_OPTS_ERROR;
        if (cmd->given)
            cmd->given(base, o);
    }
    *first = optind;
    return SP_OPTS_RUN;
}

int sp_optspec_command(const sp_optcmd *cmd, int argc, char **argv, void *base, int *status)
{
    if (cmd->defaults)
        cmd->defaults(cmd, base);
    else
        sp_optspec_defaults(cmd, base);
    char err[512];
    int first = argc;
    sp_optresult r = sp_optspec_parse(cmd, argc, argv, base, &first, err, sizeof err);
    if (r == SP_OPTS_RUN && first < argc && !cmd->operands) {
        snprintf(err, sizeof err, "unexpected argument '%s' (%s takes only options)", argv[first], cmd->name);
        r = SP_OPTS_ERROR;
    }
    switch (r) {
    case SP_OPTS_RUN:
        return first;
    case SP_OPTS_HELP:
    case SP_OPTS_VERSION: /* only the TUI declares --version */
        sp_optspec_usage(cmd, stdout);
        *status = SP_EXIT_OK;
        break;
    case SP_OPTS_ERROR:
        *status = sp_usage_error(cmd->name, "%s", err);
        break;
    }
    sp_optspec_free(cmd, base);
    return -1;
}

/* ---- --help ---- */

static void left_column(const sp_optspec *o, bool letters, char *buf, size_t len)
{
    size_t used = 0;
    if (o->letter)
        used = (size_t)snprintf(buf, len, "-%c, ", o->letter);
    else if (letters)
        used = (size_t)snprintf(buf, len, "    ");
    used += (size_t)snprintf(buf + used, len - used, "--%s", o->name);
    if (!takes_value(o) || used >= len)
        return;
    if (o->metavar || !o->names) {
        snprintf(buf + used, len - used, " %s", o->metavar ? o->metavar : "VALUE");
        return;
    }
    for (size_t i = 0; o->names[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%c%s", i ? '|' : ' ', o->names[i]);
}

/* " (LO-HI, default D)" as .show asks, or "". */
static void help_suffix(const sp_optspec *o, char *buf, size_t len)
{
    char range[64] = "", def[128] = "";
    if (o->show & SP_SHOW_RANGE) {
        if (o->kind == SP_OPT_LONG)
            snprintf(range, sizeof range, "%ld-%ld", (long)o->lo, (long)o->hi);
        else
            snprintf(range, sizeof range, "%g-%g", o->lo, o->hi);
    }
    if (o->show & SP_SHOW_DEFAULT) {
        sp_keepalive ka;
        char why[200];
        if (o->kind == SP_OPT_LONG || o->kind == SP_OPT_SECONDS)
            snprintf(def, sizeof def, "default %.15g", o->def);
        else if (o->kind == SP_OPT_KEEPALIVE && o->def_text &&
                 sp_parse_keepalive(o->def_text, &ka, why, sizeof why) == 0) {
            char t[64];
            keepalive_text(&ka, t, sizeof t);
            snprintf(def, sizeof def, "default %s", t);
        } else if (o->def_text)
            snprintf(def, sizeof def, "default %s", o->def_text);
        else if (o->unset)
            snprintf(def, sizeof def, "default: %s", o->unset);
    }
    if (range[0] || def[0])
        snprintf(buf, len, " (%s%s%s)", range, range[0] && def[0] ? ", " : "", def);
    else
        buf[0] = '\0';
}

void sp_optspec_usage(const sp_optcmd *cmd, FILE *out)
{
    bool letters = false;
    int width = 0;
    char left[160];
    for (const sp_optspec *o = cmd->opts; o->name; o++)
        letters = letters || o->letter;
    for (const sp_optspec *o = cmd->opts; o->name; o++) {
        left_column(o, letters, left, sizeof left);
        int w = (int)strlen(left);
        width = w > width ? w : width;
    }
    fputs(cmd->intro, out);
    for (const sp_optspec *o = cmd->opts; o->name; o++) {
        left_column(o, letters, left, sizeof left);
        fprintf(out, "  %-*s  ", width, left);
        for (const char *h = o->help; *h; h++) {
            if (*h == '\n')
                fprintf(out, "\n  %-*s  ", width, "");
            else
                fputc(*h, out);
        }
        char suffix[200];
        help_suffix(o, suffix, sizeof suffix);
        fprintf(out, "%s\n", suffix);
    }
    if (cmd->epilog)
        fputs(cmd->epilog, out);
}
