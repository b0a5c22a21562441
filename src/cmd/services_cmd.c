/* `sockpit services`: the services table, one row per (service, port,
 * protocol), with what this host listens on; or one lookup with --find. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/core/json.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/parse.h"
#include "sockpit/core/report.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/texttable.h"
#include "sockpit/services/listen.h"
#include "sockpit/services/listen_source.h"
#include "sockpit/services/procmap.h"
#include "sockpit/services/services.h"

#define CMD "services"

/* A services-file line, or (s NULL) a port the file does not name that
 * something listens on, as its first listener l. */
typedef struct row {
    const sp_service *s;
    const sp_listener *l;
} row;

typedef struct opts {
    const char *file;
    bool range, json, listening;
    unsigned lo, hi;
    int proto;
    const char *find;
    sp_service_query q;
} opts;

static void report_malformed(const char *file, const sp_services *t)
{
    if (!t->malformed)
        return;
    fprintf(stderr, "sockpit services: %s: %zu malformed line%s skipped (", file, t->malformed,
            t->malformed == 1 ? "" : "s");
    for (size_t i = 0; i < t->nbad && i < 3; i++)
        fprintf(stderr, "%sline %u: %s", i ? "; " : "", t->bad[i].line, t->bad[i].why);
    fprintf(stderr, "%s)\n", t->malformed > 3 ? "; ..." : "");
}

static const char *row_name(const row *r) { return r->s ? r->s->name : "-"; }
static unsigned row_port(const row *r) { return r->s ? r->s->port : r->l ? r->l->port : 0; }
static int row_proto(const row *r) { return r->s ? r->s->proto : r->l ? r->l->proto : -1; }

/* The listeners of one row. */
static size_t row_listeners(const sp_listen_set *ls, const row *r, size_t *first)
{
    unsigned port = row_port(r);
    int proto = row_proto(r);
    if (proto != SP_PROTO_TCP && proto != SP_PROTO_UDP)
        return 0;
    return sp_listen_find(ls, port, proto, first);
}

static void listener_text(const sp_listener *l, bool procs, char *buf, size_t len)
{
    char a[64];
    sp_listen_addr(l, a, sizeof a);
    if (!procs)
        snprintf(buf, len, "%s", a);
    else if (l->pid)
        snprintf(buf, len, "%s %s/%d", a, l->comm[0] ? l->comm : "-", l->pid);
    else
        snprintf(buf, len, "%s -", a);
}

static void print_json(const row *r, size_t n, const sp_listen_set *ls, bool procs)
{
    sp_json j;
    for (size_t i = 0; i < n; i++) {
        const sp_service *s = r[i].s;
        sp_json_begin(&j, stdout);
        sp_json_str(&j, "service", row_name(&r[i]));
        sp_json_int(&j, "port", row_port(&r[i]));
        sp_json_str(&j, "proto", sp_proto_name(row_proto(&r[i])));
        sp_json_array_begin(&j, "aliases");
        for (uint32_t a = 0; s && a < s->naliases; a++)
            sp_json_array_str(&j, s->aliases[a]);
        sp_json_array_end(&j);
        size_t first, nl = row_listeners(ls, &r[i], &first);
        sp_json_bool(&j, "listening", nl > 0);
        if (nl) {
            char a[64];
            sp_json_array_begin(&j, "addresses");
            for (size_t k = 0; k < nl; k++) {
                sp_listen_addr(&ls->v[first + k], a, sizeof a);
                sp_json_array_str(&j, a);
            }
            sp_json_array_end(&j);
            if (procs) {
                sp_json_array_begin(&j, "processes");
                for (size_t k = 0; k < nl; k++) {
                    const sp_listener *l = &ls->v[first + k];
                    if (l->pid)
                        snprintf(a, sizeof a, "%s/%d", l->comm[0] ? l->comm : "-", l->pid);
                    else
                        snprintf(a, sizeof a, "-");
                    sp_json_array_str(&j, a);
                }
                sp_json_array_end(&j);
            }
        }
        sp_json_end(&j);
    }
}

/* One cell, escaped, padded to width columns (the last one is not). */
static char *join_aliases(const sp_service *s)
{
    size_t len = 1;
    for (uint32_t a = 0; s && a < s->naliases; a++)
        len += strlen(s->aliases[a]) + 1;
    char *b = sp_xmalloc(len);
    b[0] = '\0';
    char *p = b;
    for (uint32_t a = 0; s && a < s->naliases; a++)
        p += sprintf(p, "%s%s", a ? "," : "", s->aliases[a]);
    return b;
}

static char *join_listeners(const sp_listen_set *ls, const row *r, bool procs)
{
    size_t first, nl = row_listeners(ls, r, &first);
    char *b = sp_xmalloc(nl * 96 + 1);
    b[0] = '\0';
    char *p = b;
    for (size_t k = 0; k < nl; k++) {
        char t[96];
        listener_text(&ls->v[first + k], procs, t, sizeof t);
        p += sprintf(p, "%s%s", k ? ", " : "", t);
    }
    return b;
}

static void print_table(const row *r, size_t n, const sp_listen_set *ls, bool procs)
{
    static const char *const head[] = { "SERVICE", "PORT", "PROTO", "ALIASES", "LISTENING" };
    sp_texttable *tt = sp_texttable_new(5, head);
    sp_texttable_cap(tt, 3, 40);
    for (size_t i = 0; i < n; i++) {
        char port[8];
        snprintf(port, sizeof port, "%u", row_port(&r[i]));
        char *aliases = join_aliases(r[i].s);
        char *l = join_listeners(ls, &r[i], procs);
        const char *cells[] = { row_name(&r[i]), port, sp_proto_name(row_proto(&r[i])), aliases, l };
        sp_texttable_add(tt, cells);
        free(aliases);
        free(l);
    }
    sp_texttable_print(tt, stdout);
    sp_texttable_free(tt);
}

static bool listening(const sp_listen_set *ls, const sp_service *s)
{
    size_t first;
    row r = { s, NULL };
    return row_listeners(ls, &r, &first) > 0;
}

/* With --listening, the ports the file does not name (service "-"), one
 * row per port and protocol, merged in port order. */
static size_t add_unnamed(const sp_services *t, const opts *o, const sp_listen_set *ls, row *out, size_t n)
{
    size_t had = n;
    for (size_t i = 0; i < ls->n; i++) {
        const sp_listener *l = &ls->v[i];
        if (i && l->port == ls->v[i - 1].port && l->proto == ls->v[i - 1].proto)
            continue;
        size_t first;
        if (sp_services_port_entries(t, l->port, l->proto, &first))
            continue;
        if ((o->proto >= 0 && l->proto != o->proto) || (o->range && (l->port < o->lo || l->port > o->hi)))
            continue;
        out[n++] = (row){ NULL, l };
    }
    if (n == had)
        return n;
    /* Both runs are in port order: merge them (named rows first on a tie). */
    row *m = sp_xreallocarray(NULL, n, sizeof *m);
    size_t a = 0, b = had, k = 0;
    while (a < had || b < n)
        m[k++] = b == n || (a < had && row_port(&out[a]) <= row_port(&out[b])) ? out[a++] : out[b++];
    memcpy(out, m, n * sizeof *m);
    free(m);
    return n;
}

/* The rows in port order: every triple of the file, or with --range what
 * getservbyport answers for each port and protocol. */
static size_t collect(const sp_services *t, const opts *o, const sp_listen_set *ls, row *out)
{
    size_t n = 0;
    if (o->range) {
        unsigned mask = o->proto >= 0 ? 1u << o->proto : 1u << SP_PROTO_TCP | 1u << SP_PROTO_UDP;
        const sp_service **hit = sp_xreallocarray(NULL, t->n + 1, sizeof *hit);
        size_t m = sp_services_range(t, o->lo, o->hi, mask, hit);
        for (size_t i = 0; i < m; i++)
            if (!o->listening || listening(ls, hit[i]))
                out[n++] = (row){ hit[i], NULL };
        free(hit);
        return o->listening ? add_unnamed(t, o, ls, out, n) : n;
    }
    for (size_t i = 0; i < t->n; i++) {
        const sp_service *s = &t->v[t->by_port[i]];
        if (o->proto >= 0 && s->proto != o->proto)
            continue;
        if (o->listening && !listening(ls, s))
            continue;
        /* The same name, port and protocol twice is one row. */
        bool dup = false;
        for (size_t k = n; k-- > 0 && out[k].s->port == s->port;)
            if (out[k].s->proto == s->proto && strcmp(out[k].s->name, s->name) == 0)
                dup = true;
        if (!dup)
            out[n++] = (row){ s, NULL };
    }
    return o->listening ? add_unnamed(t, o, ls, out, n) : n;
}

static int run(const opts *o)
{
    char err[512];
    char *buf;
    size_t len;
    if (sp_services_read_file(o->file, true, &buf, &len, err, sizeof err) < 0)
        return sp_runtime_error(CMD, "%s", err);
    sp_services *t = sp_services_parse(buf, len);
    free(buf);
    report_malformed(o->file, t);

    int rc = SP_EXIT_OK;
    sp_listen_set ls;
    sp_listen_init(&ls);
    sp_listen_source *src = sp_listen_source_new("/proc");
    int lrc = sp_listen_source_read(src, &ls, err, sizeof err);
    sp_listen_source_free(src);
    if (lrc < 0) {
        if (o->listening) {
            rc = sp_runtime_error(CMD, "cannot tell what this host listens on: %s", err);
            goto out;
        }
        fprintf(stderr, "sockpit services: cannot tell what this host listens on: %s\n", err);
    }
    /* Finding the processes means reading every /proc/PID/fd: only when
     * asked for. */
    if (o->listening) {
        sp_procmap *m = sp_procmap_new("/proc");
        sp_procmap_resolve(m, &ls);
        sp_procmap_free(m);
    }

    if (o->find) {
        const sp_service *s = sp_service_query_run(t, &o->q, err, sizeof err);
        if (!s) {
            rc = sp_runtime_error(CMD, "%s", err);
            goto out;
        }
        row r = { s, NULL };
        if (o->json)
            print_json(&r, 1, &ls, o->listening);
        else
            print_table(&r, 1, &ls, o->listening);
        goto out;
    }

    row *rows = sp_xreallocarray(NULL, t->n + ls.n + 1, sizeof *rows);
    size_t n = collect(t, o, &ls, rows);
    if (o->json)
        print_json(rows, n, &ls, o->listening);
    else
        print_table(rows, n, &ls, o->listening);
    free(rows);
out:
    sp_listen_free(&ls);
    sp_services_free(t);
    return rc;
}

static int set_range(void *base, const char *s, const char *what, char *err, size_t errlen)
{
    opts *o = base;
    const char *dash = strchr(s, '-');
    long a, b;
    if (!dash || dash == s || !dash[1]) {
        snprintf(err, errlen, "%s: '%s' must be LO-HI, e.g. 1-1024", what, s);
        return -1;
    }
    char left[32], what_lo[40], what_hi[40];
    size_t n = (size_t)(dash - s);
    if (n >= sizeof left) {
        snprintf(err, errlen, "%s: '%s' must be LO-HI with ports 1-65535", what, s);
        return -1;
    }
    memcpy(left, s, n);
    left[n] = '\0';
    snprintf(what_lo, sizeof what_lo, "%s LO", what);
    snprintf(what_hi, sizeof what_hi, "%s HI", what);
    if (sp_parse_long(left, 1, 65535, what_lo, &a, err, errlen) < 0 ||
        sp_parse_long(dash + 1, 1, 65535, what_hi, &b, err, errlen) < 0)
        return -1;
    if (a > b) {
        snprintf(err, errlen, "%s: '%s': LO is above HI", what, s);
        return -1;
    }
    o->lo = (unsigned)a;
    o->hi = (unsigned)b;
    o->range = true;
    return 0;
}

static int set_proto(void *base, const char *s, const char *what, char *err, size_t errlen)
{
    opts *o = base;
    o->proto = sp_proto_lookup(s, strlen(s));
    if (o->proto >= 0)
        return 0;
    snprintf(err, errlen, "%s: '%s' is not a protocol (want tcp, udp, sctp, dccp or ddp)", what, s);
    return -1;
}

static int set_find(void *base, const char *s, const char *what, char *err, size_t errlen)
{
    opts *o = base;
    char why[256];
    if (sp_service_query_parse(s, &o->q, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", what, why);
        return -1;
    }
    o->find = s;
    return 0;
}

static const sp_optspec options[] = {
    { SP_OPTDEF_SERVICES_FILE(opts, file), .help = "services database" },
    { .name = "range", .kind = SP_OPT_CUSTOM, .set = set_range, .metavar = "LO-HI",
      .help = "ports LO to HI (1-65535): one row per port and\n"
              "protocol, the entry getservbyport(3) answers (the\n"
              "first line for that port and protocol); tcp and\n"
              "udp unless --proto says otherwise" },
    { .name = "proto", .kind = SP_OPT_CUSTOM, .set = set_proto, .metavar = "PROTO",
      .help = "only this protocol: tcp, udp, sctp, dccp or ddp" },
    { .name = "listening", .kind = SP_OPT_FLAG, SP_OPT_AT(opts, listening),
      .help = "only the ports this host listens on, with the\n"
              "owning processes ('-' where they are unreadable);\n"
              "ports the file does not name show as service '-'" },
    { .name = "find", .kind = SP_OPT_CUSTOM, .set = set_find, .metavar = "NAME|PORT[/PROTO]",
      .help = "one lookup, as getservbyname/getservbyport do it\n"
              "(exit 1 when there is no such service)" },
    { .name = "json", .kind = SP_OPT_FLAG, SP_OPT_AT(opts, json),
      .help = "JSON Lines: {\"service\":\"pop3s\",\"port\":995,\n"
              "\"proto\":\"tcp\",\"aliases\":[],\"listening\":false}" },
    { SP_OPTDEF_HELP },
    { 0 },
};

static const sp_optcmd services_cmd = {
    .name = CMD,
    .intro = "Usage: sockpit services [OPTIONS]\n"
             "Print the services database, one row per service, port and protocol, with\n"
             "what this host listens on.\n"
             "\n",
    .epilog = "\n"
              "Examples:\n"
              "  sockpit services --range 1-1024 --proto tcp\n"
              "  sockpit services --find pop3s/udp\n"
              "  sockpit services --listening --json\n",
    .opts = options,
    .permute = true,
};

int cmd_services(int argc, char **argv)
{
    opts o = { .proto = -1 };
    int status;
    if (sp_optspec_command(&services_cmd, argc, argv, &o, &status) < 0)
        return status;
    if (o.find && (o.range || o.proto >= 0 || o.listening))
        return sp_usage_error(CMD, "--find takes no --range, --proto or --listening (write --find NAME/PROTO)");
    return run(&o);
}
