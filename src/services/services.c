/* services(5): one pass over the bytes builds the entries, then sorting
 * builds the name groups and the two lookup indexes. The parser works on a
 * private copy of the input, cutting tokens in place, so every string the
 * table hands out lives in one allocation. */
#include "sockpit/services/services.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"

/* ---- parsing ---- */

/* The C library splits fields at isspace(), so a CR of a CRLF file is a
 * blank like any other. */
static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

static char *next_token(char **p, char *end)
{
    char *s = *p;
    while (s < end && is_blank(*s))
        s++;
    if (s == end) {
        *p = end;
        return NULL;
    }
    char *t = s;
    while (t < end && !is_blank(*t))
        t++;
    *p = t < end ? t + 1 : end;
    *t = '\0'; /* the separator, or the cut '#', '\n' or final byte */
    return s;
}

typedef struct parser {
    sp_services *t;
    size_t cap, alias_n, alias_cap;
} parser;

static void bad_line(sp_services *t, uint32_t line, const char *why)
{
    t->malformed++;
    if (t->nbad < SP_SERVICES_BAD_KEPT)
        t->bad[t->nbad++] = (sp_services_bad){ line, why };
}

/* Returns NULL if the port/proto field is fine, else the reason. */
static const char *parse_portproto(char *f, unsigned *port, int *proto)
{
    char *slash = strchr(f, '/');
    size_t nd = slash ? (size_t)(slash - f) : strlen(f);
    if (nd == 0)
        return "the port is missing (want PORT/PROTO)";
    unsigned long v = 0;
    for (size_t i = 0; i < nd; i++) {
        if (f[i] < '0' || f[i] > '9')
            return "the port is not a number";
        if (v <= 65535)
            v = v * 10 + (unsigned long)(f[i] - '0');
    }
    if (!slash || !slash[1])
        return "the protocol is missing (want PORT/PROTO)";
    if (v == 0)
        return "port 0 (ports are 1-65535)";
    if (v > 65535)
        return "port above 65535";
    /* The C library reads "022" as octal 18; refuse what it would misread. */
    if (f[0] == '0')
        return "the port has a leading zero";
    int p = sp_proto_lookup(slash + 1, strlen(slash + 1));
    if (p < 0)
        return "unknown protocol";
    *port = (unsigned)v;
    *proto = p;
    return NULL;
}

/* One line, [s, e) without its newline. */
static void parse_line(parser *ps, char *s, char *e, uint32_t lineno)
{
    sp_services *t = ps->t;
    char *hash = memchr(s, '#', (size_t)(e - s));
    char *data_end = hash ? hash : e;
    /* Blank and comment-only lines are skipped whatever else they hold. */
    char *q = s;
    while (q < data_end && is_blank(*q))
        q++;
    if (q == data_end)
        return;
    if (memchr(s, '\0', (size_t)(e - s))) {
        bad_line(t, lineno, "NUL byte in the line");
        return;
    }
    char *p = s;
    char *name = next_token(&p, data_end);
    if (strlen(name) > SP_SERVICE_NAME_MAX) {
        bad_line(t, lineno, "the name is longer than 63 bytes");
        return;
    }
    char *pp = next_token(&p, data_end);
    if (!pp) {
        bad_line(t, lineno, "the port/protocol field is missing");
        return;
    }
    unsigned port;
    int proto;
    const char *why = parse_portproto(pp, &port, &proto);
    if (why) {
        bad_line(t, lineno, why);
        return;
    }
    size_t first = ps->alias_n;
    char *a;
    while ((a = next_token(&p, data_end))) {
        if (strlen(a) > SP_SERVICE_NAME_MAX) {
            ps->alias_n = first;
            bad_line(t, lineno, "an alias is longer than 63 bytes");
            return;
        }
        SP_GROW(t->alias_pool, ps->alias_cap, ps->alias_n + 1);
        t->alias_pool[ps->alias_n++] = a;
    }
    SP_GROW(t->v, ps->cap, t->n + 1);
    /* aliases holds the index into alias_pool until the pool stops moving. */
    t->v[t->n++] = (sp_service){
        .name = name, .aliases = (char **)(uintptr_t)first, .naliases = (uint32_t)(ps->alias_n - first),
        .line = lineno, .port = (uint16_t)port, .proto = (uint8_t)proto,
    };
}

/* ---- building the groups and indexes ---- */

static int cmp_entry_name(const void *a, const void *b, void *ud)
{
    const sp_services *t = ud;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int c = strcmp(t->v[x].name, t->v[y].name);
    return c ? c : (x > y) - (x < y);
}

static int cmp_entry_port(const void *a, const void *b, void *ud)
{
    const sp_services *t = ud;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const sp_service *sx = &t->v[x], *sy = &t->v[y];
    if (sx->port != sy->port)
        return sx->port < sy->port ? -1 : 1;
    if (sx->proto != sy->proto)
        return sx->proto < sy->proto ? -1 : 1;
    return (x > y) - (x < y);
}

static int cmp_group_port(const void *a, const void *b, void *ud)
{
    const sp_services *t = ud;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const sp_service_group *gx = &t->groups[x], *gy = &t->groups[y];
    if (gx->min_port != gy->min_port)
        return gx->min_port < gy->min_port ? -1 : 1;
    return (x > y) - (x < y); /* groups are in name order already */
}

static int cmp_key(const void *a, const void *b)
{
    const struct sp_service_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->entry > y->entry) - (x->entry < y->entry);
}

static char ascii_lower(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c + ('a' - 'A'));
    return c;
}

static char *put_lower(char *d, const char *s)
{
    while (*s)
        *d++ = ascii_lower(*s++);
    return d;
}

static void build(sp_services *t, size_t nalias)
{
    /* A file without any alias has no pool: NULL + 0 is undefined. */
    for (size_t i = 0; i < t->n; i++)
        t->v[i].aliases = t->v[i].naliases ? t->alias_pool + (uintptr_t)t->v[i].aliases : NULL;

    size_t n = t->n;
    t->group_entries = sp_xreallocarray(NULL, n, sizeof *t->group_entries);
    t->by_port = sp_xreallocarray(NULL, n, sizeof *t->by_port);
    t->groups = sp_xreallocarray(NULL, n, sizeof *t->groups);
    t->group_aliases = sp_xreallocarray(NULL, nalias, sizeof *t->group_aliases);
    t->names = sp_xreallocarray(NULL, n + nalias, sizeof *t->names);
    for (size_t i = 0; i < n; i++)
        t->group_entries[i] = t->by_port[i] = (uint32_t)i;
    qsort_r(t->group_entries, n, sizeof *t->group_entries, cmp_entry_name, t);
    qsort_r(t->by_port, n, sizeof *t->by_port, cmp_entry_port, t);

    size_t hay_len = 0, ga = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        const char *name = t->v[t->group_entries[i]].name;
        while (j < n && strcmp(t->v[t->group_entries[j]].name, name) == 0)
            j++;
        sp_service_group *g = &t->groups[t->ngroups];
        *g = (sp_service_group){ .name = name, .entries = t->group_entries + i, .nentries = (uint32_t)(j - i),
                                 .aliases = t->group_aliases + ga, .min_port = UINT16_MAX };
        hay_len += strlen(name) + 1;
        for (size_t k = i; k < j; k++) {
            sp_service *s = &t->v[t->group_entries[k]];
            s->group = (uint32_t)t->ngroups;
            if (s->port < g->min_port)
                g->min_port = s->port;
            if (s->port <= 1024)
                g->well_known = true;
            for (uint32_t a = 0; a < s->naliases; a++) {
                uint32_t d = 0;
                while (d < g->naliases && strcmp(g->aliases[d], s->aliases[a]) != 0)
                    d++;
                if (d == g->naliases) {
                    t->group_aliases[ga++] = s->aliases[a];
                    g->naliases++;
                    hay_len += strlen(s->aliases[a]) + 1;
                }
            }
        }
        t->ngroups++;
        i = j;
    }

    t->haystacks = sp_xmalloc(hay_len + 1);
    t->groups_by_port = sp_xreallocarray(NULL, t->ngroups, sizeof *t->groups_by_port);
    char *h = t->haystacks;
    for (size_t i = 0; i < t->ngroups; i++) {
        sp_service_group *g = &t->groups[i];
        g->haystack = h;
        h = put_lower(h, g->name);
        for (uint32_t a = 0; a < g->naliases; a++) {
            *h++ = '\n';
            h = put_lower(h, g->aliases[a]);
        }
        *h++ = '\0';
        t->groups_by_port[i] = (uint32_t)i;
    }
    qsort_r(t->groups_by_port, t->ngroups, sizeof *t->groups_by_port, cmp_group_port, t);

    for (size_t i = 0; i < n; i++) {
        t->names[t->nnames++] = (struct sp_service_key){ t->v[i].name, (uint32_t)i };
        for (uint32_t a = 0; a < t->v[i].naliases; a++)
            t->names[t->nnames++] = (struct sp_service_key){ t->v[i].aliases[a], (uint32_t)i };
    }
    qsort(t->names, t->nnames, sizeof *t->names, cmp_key);
}

sp_services *sp_services_parse(const char *buf, size_t len)
{
    sp_services *t = sp_xcalloc(1, sizeof *t);
    t->pool = sp_xmalloc(len + 1);
    memcpy(t->pool, buf, len);
    t->pool[len] = '\0';
    parser ps = { .t = t };
    char *p = t->pool, *end = t->pool + len;
    uint32_t lineno = 0;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        lineno++;
        parse_line(&ps, p, e, lineno);
        p = nl ? nl + 1 : end;
    }
    build(t, ps.alias_n);
    return t;
}

void sp_services_free(sp_services *t)
{
    if (!t)
        return;
    free(t->v);
    free(t->groups);
    free(t->by_port);
    free(t->groups_by_port);
    free(t->pool);
    free(t->alias_pool);
    free(t->group_entries);
    free(t->group_aliases);
    free(t->haystacks);
    free(t->names);
    free(t);
}

/* ---- lookups ---- */

/* First index in by_port whose port is >= port. */
static size_t port_lower_bound(const sp_services *t, unsigned port)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->v[t->by_port[mid]].port < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const sp_service *sp_services_by_port(const sp_services *t, unsigned port, int proto)
{
    const sp_service *best = NULL;
    for (size_t i = port_lower_bound(t, port); i < t->n; i++) {
        const sp_service *s = &t->v[t->by_port[i]];
        if (s->port != port)
            break;
        if (proto >= 0 && s->proto != proto)
            continue;
        /* Within one protocol the index runs in file order; across
         * protocols the earliest line wins, as libc reads the file. */
        if (!best || s->line < best->line)
            best = s;
        if (proto >= 0)
            break;
    }
    return best;
}

const sp_service *sp_services_by_name(const sp_services *t, const char *name, int proto)
{
    size_t lo = 0, hi = t->nnames;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->names[mid].key, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* The equal range is in file order. */
    for (size_t i = lo; i < t->nnames && strcmp(t->names[i].key, name) == 0; i++) {
        const sp_service *s = &t->v[t->names[i].entry];
        if (proto < 0 || s->proto == proto)
            return s;
    }
    return NULL;
}

size_t sp_services_port_entries(const sp_services *t, unsigned port, int proto, size_t *first)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sp_service *s = &t->v[t->by_port[mid]];
        if (s->port < port || (s->port == port && (int)s->proto < proto))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < t->n && t->v[t->by_port[lo + n]].port == port && t->v[t->by_port[lo + n]].proto == proto)
        n++;
    *first = lo;
    return n;
}

size_t sp_services_range(const sp_services *t, unsigned lo, unsigned hi, unsigned proto_mask,
                         const sp_service **out)
{
    size_t n = 0;
    if (lo > hi)
        return 0;
    /* One walk over the port index; within a port and protocol the first
     * index is the first line, as getservbyport reads the file. */
    for (size_t i = port_lower_bound(t, lo); i < t->n; i++) {
        const sp_service *s = &t->v[t->by_port[i]];
        if (s->port > hi)
            break;
        if (!(proto_mask & (1u << s->proto)))
            continue;
        if (n && out[n - 1]->port == s->port && out[n - 1]->proto == s->proto)
            continue;
        out[n++] = s;
    }
    return n;
}

bool sp_services_is_primary(const sp_services *t, const sp_service *s)
{
    return sp_services_by_port(t, s->port, s->proto) == s;
}

/* ---- the filter ---- */

void sp_services_filter_set(sp_services_filter *f, const char *text)
{
    memset(f, 0, sizeof *f);
    size_t n = strlen(text);
    if (n >= sizeof f->text)
        n = sizeof f->text - 1;
    f->digits = n > 0;
    for (size_t i = 0; i < n; i++) {
        f->text[i] = ascii_lower(text[i]);
        if (text[i] < '0' || text[i] > '9')
            f->digits = false;
    }
    f->len = n;
    if (f->digits && n <= 5 && text[0] != '0') {
        f->ndigits = (unsigned)n;
        for (size_t i = 0; i < n; i++)
            f->value = f->value * 10 + (unsigned)(text[i] - '0');
    }
}

static bool port_has_prefix(unsigned port, unsigned value, unsigned ndigits)
{
    unsigned len = port >= 10000 ? 5 : port >= 1000 ? 4 : port >= 100 ? 3 : port >= 10 ? 2 : 1;
    if (len < ndigits)
        return false;
    for (unsigned i = ndigits; i < len; i++)
        port /= 10;
    return port == value;
}

bool sp_services_group_matches(const sp_services *t, const sp_service_group *g, const sp_services_filter *f)
{
    if (f->len == 0)
        return true;
    if (f->ndigits) {
        for (uint32_t i = 0; i < g->nentries; i++)
            if (port_has_prefix(t->v[g->entries[i]].port, f->value, f->ndigits))
                return true;
    }
    return strstr(g->haystack, f->text) != NULL;
}

size_t sp_services_filter_run(const sp_services *t, const sp_services_filter *f, const uint32_t *in, size_t n,
                              uint32_t *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (sp_services_group_matches(t, &t->groups[in[i]], f))
            out[m++] = in[i];
    return m;
}

bool sp_services_filter_narrows(const char *before, const char *now)
{
    size_t b = strlen(before);
    return strncmp(before, now, b) == 0;
}

/* ---- lookups as typed ---- */

int sp_service_query_parse(const char *s, sp_service_query *q, char *err, size_t errlen)
{
    memset(q, 0, sizeof *q);
    q->proto = -1;
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0) {
        snprintf(err, errlen, "type a service name or a port, optionally with /tcp or /udp (e.g. http/udp, 443)");
        return -1;
    }
    if (slash) {
        q->proto = sp_proto_lookup(slash + 1, strlen(slash + 1));
        if (q->proto < 0) {
            snprintf(err, errlen, "unknown protocol '%.32s' (want tcp, udp, sctp, dccp or ddp)", slash + 1);
            return -1;
        }
    }
    bool digits = true;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            digits = false;
    if (digits) {
        unsigned long v = 0;
        for (size_t i = 0; i < n && v <= 65535; i++)
            v = v * 10 + (unsigned long)(s[i] - '0');
        if (v < 1 || v > 65535) {
            snprintf(err, errlen, "port '%.*s' is out of range (1-65535)", (int)(n > 12 ? 12 : n), s);
            return -1;
        }
        q->by_port = true;
        q->port = (unsigned)v;
        return 0;
    }
    if (n > SP_SERVICE_NAME_MAX) {
        snprintf(err, errlen, "the name is longer than %d bytes", SP_SERVICE_NAME_MAX);
        return -1;
    }
    memcpy(q->name, s, n);
    q->name[n] = '\0';
    return 0;
}

const sp_service *sp_service_query_run(const sp_services *t, const sp_service_query *q, char *msg, size_t msglen)
{
    const sp_service *s = q->by_port ? sp_services_by_port(t, q->port, q->proto)
                                     : sp_services_by_name(t, q->name, q->proto);
    if (s)
        return s;
    if (q->by_port && q->proto >= 0)
        snprintf(msg, msglen, "no service for port %u/%s", q->port, sp_proto_name(q->proto));
    else if (q->by_port)
        snprintf(msg, msglen, "no service for port %u", q->port);
    else if (q->proto >= 0)
        snprintf(msg, msglen, "no service '%s' for %s", q->name, sp_proto_name(q->proto));
    else
        snprintf(msg, msglen, "no service '%s'", q->name);
    return NULL;
}

/* ---- reading the file ---- */

int sp_services_read_file(const char *path, bool allow_stream, char **buf, size_t *len, char *err, size_t errlen)
{
    if (sp_read_file(AT_FDCWD, path, SP_SERVICES_FILE_MAX, allow_stream ? 0 : SP_READ_REGULAR, buf, len, NULL) == 0)
        return 0;
    if (errno == EINVAL)
        snprintf(err, errlen, "%s: not a regular file", path);
    else if (errno == EFBIG)
        snprintf(err, errlen, "%s: larger than %zu MiB", path, SP_SERVICES_FILE_MAX >> 20);
    else
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
}
