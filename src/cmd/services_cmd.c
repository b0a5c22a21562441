/* `sockpit services`: the services table, one row per (service, port,
 * protocol), with what this host listens on; or one lookup with --find. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/cmd/cli.h"
#include "sockpit/cmd/commands.h"
#include "sockpit/core/json.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/texttable.h"
#include "sockpit/services/listen.h"
#include "sockpit/services/listen_source.h"
#include "sockpit/services/procmap.h"
#include "sockpit/services/services.h"

#define CMD "services"
#define DEFAULT_FILE "/etc/services"

static const char usage[] =
    "Usage: sockpit services [OPTIONS]\n"
    "Print the services database, one row per service, port and protocol, with\n"
    "what this host listens on.\n"
    "\n"
    "  --services-file FILE      services database (default /etc/services)\n"
    "  --range LO-HI             ports LO to HI (1-65535): one row per port and\n"
    "                            protocol, the entry getservbyport(3) answers (the\n"
    "                            first line for that port and protocol); tcp and\n"
    "                            udp unless --proto says otherwise\n"
    "  --proto PROTO             only this protocol: tcp, udp, sctp, dccp or ddp\n"
    "  --listening               only the ports this host listens on, with the\n"
    "                            owning processes ('-' where they are unreadable)\n"
    "  --find NAME|PORT[/PROTO]  one lookup, as getservbyname/getservbyport do it\n"
    "                            (exit 1 when there is no such service)\n"
    "  --json                    JSON Lines: {\"service\":\"pop3s\",\"port\":995,\n"
    "                            \"proto\":\"tcp\",\"aliases\":[],\"listening\":false}\n"
    "  --help                    this text\n"
    "\n"
    "Examples:\n"
    "  sockpit services --range 1-1024 --proto tcp\n"
    "  sockpit services --find pop3s/udp\n"
    "  sockpit services --listening --json\n";

typedef struct row {
    const sp_service *s;
} row;

typedef struct opts {
    const char *file;
    bool range, json, listening;
    unsigned lo, hi;
    int proto;
    const char *find;
    sp_service_query q;
} opts;

static int parse_range(const char *s, unsigned *lo, unsigned *hi)
{
    const char *dash = strchr(s, '-');
    char err[256];
    long a, b;
    if (!dash || dash == s || !dash[1])
        return sp_usage_error(CMD, "--range: '%s' must be LO-HI, e.g. 1-1024", s);
    char left[32];
    size_t n = (size_t)(dash - s);
    if (n >= sizeof left)
        return sp_usage_error(CMD, "--range: '%s' must be LO-HI with ports 1-65535", s);
    memcpy(left, s, n);
    left[n] = '\0';
    if (sp_parse_long(left, 1, 65535, "--range LO", &a, err, sizeof err) < 0 ||
        sp_parse_long(dash + 1, 1, 65535, "--range HI", &b, err, sizeof err) < 0)
        return sp_usage_error(CMD, "%s", err);
    if (a > b)
        return sp_usage_error(CMD, "--range: '%s': LO is above HI", s);
    *lo = (unsigned)a;
    *hi = (unsigned)b;
    return 0;
}

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

/* The listeners of one row. */
static size_t row_listeners(const sp_listen_set *ls, const sp_service *s, size_t *first)
{
    if (s->proto != SP_PROTO_TCP && s->proto != SP_PROTO_UDP)
        return 0;
    return sp_listen_find(ls, s->port, s->proto, first);
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
        sp_json_str(&j, "service", s->name);
        sp_json_int(&j, "port", s->port);
        sp_json_str(&j, "proto", sp_proto_name(s->proto));
        sp_json_array_begin(&j, "aliases");
        for (uint32_t a = 0; a < s->naliases; a++)
            sp_json_array_str(&j, s->aliases[a]);
        sp_json_array_end(&j);
        size_t first, nl = row_listeners(ls, s, &first);
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
    for (uint32_t a = 0; a < s->naliases; a++)
        len += strlen(s->aliases[a]) + 1;
    char *b = malloc(len);
    if (!b)
        abort();
    b[0] = '\0';
    char *p = b;
    for (uint32_t a = 0; a < s->naliases; a++)
        p += sprintf(p, "%s%s", a ? "," : "", s->aliases[a]);
    return b;
}

static char *join_listeners(const sp_listen_set *ls, const sp_service *s, bool procs)
{
    size_t first, nl = row_listeners(ls, s, &first);
    char *b = malloc(nl * 96 + 1);
    if (!b)
        abort();
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
        const sp_service *s = r[i].s;
        char port[8];
        snprintf(port, sizeof port, "%u", s->port);
        char *aliases = join_aliases(s);
        char *l = join_listeners(ls, s, procs);
        const char *cells[] = { s->name, port, sp_proto_name(s->proto), aliases, l };
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
    return row_listeners(ls, s, &first) > 0;
}

/* The rows in port order: every triple of the file, or with --range what
 * getservbyport answers for each port and protocol. */
static size_t collect(const sp_services *t, const opts *o, const sp_listen_set *ls, row *out)
{
    size_t n = 0;
    if (o->range) {
        unsigned mask = o->proto >= 0 ? 1u << o->proto : 1u << SP_PROTO_TCP | 1u << SP_PROTO_UDP;
        const sp_service **hit = malloc((t->n + 1) * sizeof *hit);
        if (!hit)
            abort();
        size_t m = sp_services_range(t, o->lo, o->hi, mask, hit);
        for (size_t i = 0; i < m; i++)
            if (!o->listening || listening(ls, hit[i]))
                out[n++] = (row){ hit[i] };
        free(hit);
        return n;
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
            out[n++] = (row){ s };
    }
    return n;
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
    if (!t)
        return sp_runtime_error(CMD, "out of memory");
    report_malformed(o->file, t);

    int rc = SP_EXIT_OK;
    sp_listen_set ls;
    sp_listen_init(&ls);
    sp_listen_source *src = sp_listen_source_new("/proc");
    int lrc = src ? sp_listen_source_read(src, &ls, err, sizeof err) : -1;
    if (!src)
        snprintf(err, sizeof err, "out of memory");
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
        if (m)
            sp_procmap_resolve(m, &ls);
        sp_procmap_free(m);
    }

    if (o->find) {
        const sp_service *s = sp_service_query_run(t, &o->q, err, sizeof err);
        if (!s) {
            rc = sp_runtime_error(CMD, "%s", err);
            goto out;
        }
        row r = { s };
        if (o->json)
            print_json(&r, 1, &ls, o->listening);
        else
            print_table(&r, 1, &ls, o->listening);
        goto out;
    }

    row *rows = malloc((t->n + 1) * sizeof *rows);
    if (!rows) {
        rc = sp_runtime_error(CMD, "out of memory");
        goto out;
    }
    size_t n = collect(t, o, &ls, rows);
    if (o->json)
        print_json(rows, n, &ls, o->listening);
    else
        print_table(rows, n, &ls, o->listening);
    free(rows);
out:
    if (fflush(stdout) != 0 && rc == SP_EXIT_OK)
        rc = errno == EPIPE ? SP_EXIT_FAIL : sp_runtime_error(CMD, "writing the output failed: %s", strerror(errno));
    sp_listen_free(&ls);
    sp_services_free(t);
    return rc;
}

int cmd_services(int argc, char **argv)
{
    enum { O_FILE = 1, O_RANGE, O_PROTO, O_LISTENING, O_JSON, O_FIND, O_HELP };
    static const struct option longopts[] = {
        { "services-file", required_argument, NULL, O_FILE },
        { "range", required_argument, NULL, O_RANGE },
        { "proto", required_argument, NULL, O_PROTO },
        { "listening", no_argument, NULL, O_LISTENING },
        { "json", no_argument, NULL, O_JSON },
        { "find", required_argument, NULL, O_FIND },
        { "help", no_argument, NULL, O_HELP },
        { NULL, 0, NULL, 0 },
    };
    opts o = { .file = DEFAULT_FILE, .proto = -1 };
    int c;
    sp_getopt_start();
    while ((c = sp_getopt(argc, argv, ":", longopts)) != -1) {
        switch (c) {
        case O_FILE:
            if (!optarg[0])
                return sp_usage_error(CMD, "--services-file: the file name is empty");
            o.file = optarg;
            break;
        case O_RANGE:
            if (parse_range(optarg, &o.lo, &o.hi))
                return SP_EXIT_USAGE;
            o.range = true;
            break;
        case O_PROTO:
            o.proto = sp_proto_lookup(optarg, strlen(optarg));
            if (o.proto < 0)
                return sp_usage_error(CMD, "--proto: '%s' is not a protocol (want tcp, udp, sctp, dccp or ddp)",
                                      optarg);
            break;
        case O_LISTENING: o.listening = true; break;
        case O_JSON: o.json = true; break;
        case O_FIND: {
            char err[256];
            if (sp_service_query_parse(optarg, &o.q, err, sizeof err) < 0)
                return sp_usage_error(CMD, "--find: %s", err);
            o.find = optarg;
            break;
        }
        case O_HELP: fputs(usage, stdout); return SP_EXIT_OK;
        default: return sp_option_error(CMD, longopts, argc, argv);
        }
    }
    if (optind < argc)
        return sp_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (o.find && (o.range || o.proto >= 0 || o.listening))
        return sp_usage_error(CMD, "--find takes no --range, --proto or --listening (write --find NAME/PROTO)");
    return run(&o);
}
