/* Mapping specs and forward.list (fwdspec.h). */
#include "sockpit/forward/fwdspec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/parse.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"

#define RATE_MAX ((uint64_t)1 << 40)

const char *const sp_fwd_option_names[] = {
    "allow", "deny", "source", "rate", "total-rate", "burst", "max-conns", "max-conns-per-ip",
    "connect-timeout", "idle-timeout", "proxy-protocol", NULL,
};

void sp_fwd_spec_init(sp_fwd_spec *s)
{
    memset(s, 0, sizeof *s);
    s->connect_timeout = SP_FWD_CONNECT_TIMEOUT_DEFAULT;
}

static void shown(const char *v, char *out, size_t outlen)
{
    sp_escape(v, strnlen(v, 60), out, outlen);
}

int sp_fwd_spec_listen(sp_fwd_spec *s, const char *v, char *err, size_t errlen)
{
    char host[256], why[300], esc[200];
    int port;
    const char *p = v;
    while (*p >= '0' && *p <= '9')
        p++;
    bool only_port = *v && !*p;
    if (sp_parse_hostport(v, 0, host, sizeof host, &port, why, sizeof why) < 0 && !only_port) {
        snprintf(err, errlen, "LISTEN %s", why);
        return -1;
    }
    if (only_port) {
        long n = strtol(v, NULL, 10);
        if (n < 1 || n > 65535 || strlen(v) > 5) {
            shown(v, esc, sizeof esc);
            snprintf(err, errlen, "LISTEN '%s': the port must be a number from 1 to 65535", esc);
            return -1;
        }
        snprintf(host, sizeof host, "127.0.0.1");
        port = (int)n;
    }
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    struct sockaddr_storage ss;
    socklen_t sl;
    if (sp_sock_parse_ip(host, port, &ss, &sl) < 0 || strlen(host) >= sizeof s->listen_host) {
        shown(host, esc, sizeof esc);
        snprintf(err, errlen, "LISTEN '%s' is not an IP address to listen on (e.g. 127.0.0.1:6000, [::1]:6000, 6000)",
                 esc);
        return -1;
    }
    memcpy(s->listen_host, host, strlen(host) + 1); /* the length is checked above */
    s->listen_port = port;
    return 0;
}

int sp_fwd_spec_target(sp_fwd_spec *s, const char *v, char *err, size_t errlen)
{
    char host[256], why[300];
    int port;
    if (sp_parse_hostport(v, 0, host, sizeof host, &port, why, sizeof why) < 0) {
        snprintf(err, errlen, "TARGET %s", why);
        return -1;
    }
    for (const char *p = host; *p; p++) {
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
            char esc[200];
            shown(host, esc, sizeof esc);
            snprintf(err, errlen, "TARGET '%s' is not a host name or IP address", esc);
            return -1;
        }
    }
    snprintf(s->target_host, sizeof s->target_host, "%s", host);
    s->target_port = port;
    return 0;
}

/* BYTES/s: a size, with "/s" allowed after it. */
static int parse_rate(const char *v, const char *what, uint64_t *out, char *err, size_t errlen)
{
    char buf[64];
    size_t n = strlen(v);
    if (n >= 2 && n < sizeof buf && strcmp(v + n - 2, "/s") == 0) {
        memcpy(buf, v, n - 2);
        buf[n - 2] = '\0';
        v = buf;
    }
    unsigned long long r;
    if (sp_parse_size(v, 1, RATE_MAX, what, &r, err, errlen) < 0)
        return -1;
    *out = r;
    return 0;
}

int sp_fwd_spec_option(sp_fwd_spec *s, const char *name, const char *v, char *err, size_t errlen)
{
    char what[64], why[300];
    snprintf(what, sizeof what, "--%s", name);
    long l;
    if (!v) {
        snprintf(err, errlen, "%s needs a value", what);
        return -1;
    }
    if (strcmp(name, "allow") == 0 || strcmp(name, "deny") == 0) {
        if (sp_cidr_list_add(name[0] == 'a' ? &s->allow : &s->deny, v, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s: %s", what, why);
            return -1;
        }
        return 0;
    }
    if (strcmp(name, "source") == 0) {
        struct sockaddr_storage ss;
        socklen_t sl;
        if (strlen(v) >= sizeof s->source || sp_sock_parse_ip(v, 0, &ss, &sl) < 0) {
            char esc[200];
            shown(v, esc, sizeof esc);
            snprintf(err, errlen, "%s: '%s' is not an IP address (the target sees connections come from it)", what,
                     esc);
            return -1;
        }
        snprintf(s->source, sizeof s->source, "%s", v);
        return 0;
    }
    if (strcmp(name, "rate") == 0)
        return parse_rate(v, what, &s->rate, err, errlen);
    if (strcmp(name, "total-rate") == 0)
        return parse_rate(v, what, &s->total_rate, err, errlen);
    if (strcmp(name, "burst") == 0) {
        unsigned long long b;
        if (sp_parse_size(v, 1, RATE_MAX, what, &b, err, errlen) < 0)
            return -1;
        s->burst = b;
        return 0;
    }
    if (strcmp(name, "max-conns") == 0) {
        if (sp_parse_long(v, 1, 10000000, what, &l, err, errlen) < 0)
            return -1;
        s->max_conns = l;
        return 0;
    }
    if (strcmp(name, "max-conns-per-ip") == 0) {
        if (sp_parse_long(v, 1, 10000000, what, &l, err, errlen) < 0)
            return -1;
        s->max_conns_per_ip = l;
        return 0;
    }
    if (strcmp(name, "connect-timeout") == 0)
        return sp_parse_seconds(v, 0.01, 3600, what, &s->connect_timeout, err, errlen);
    if (strcmp(name, "idle-timeout") == 0)
        return sp_parse_seconds(v, 0, 604800, what, &s->idle_timeout, err, errlen);
    if (strcmp(name, "proxy-protocol") == 0) {
        if (strcmp(v, "v1") == 0)
            s->proxy = SP_FWD_PROXY_V1;
        else if (strcmp(v, "v2") == 0)
            s->proxy = SP_FWD_PROXY_V2;
        else if (strcmp(v, "off") == 0)
            s->proxy = SP_FWD_PROXY_NONE;
        else {
            char esc[200];
            shown(v, esc, sizeof esc);
            snprintf(err, errlen, "%s: '%s' must be v1, v2 or off", what, esc);
            return -1;
        }
        return 0;
    }
    char esc[200];
    shown(name, esc, sizeof esc);
    snprintf(err, errlen, "unknown option '--%s' (choose --allow, --deny, --source, --rate, --total-rate, --burst, "
                          "--max-conns, --max-conns-per-ip, --connect-timeout, --idle-timeout or --proxy-protocol)",
             esc);
    return -1;
}

/* Shortest text strtod reads back as the same number. */
static void seconds_text(double v, char *out, size_t outlen)
{
    snprintf(out, outlen, "%g", v);
    if (strtod(out, NULL) != v)
        snprintf(out, outlen, "%.17g", v);
}

static void host_port(const char *host, int port, char *out, size_t outlen)
{
    snprintf(out, outlen, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
}

void sp_fwd_spec_format(const sp_fwd_spec *s, char *out, size_t outlen)
{
    char l[100], t[300], list[SP_CIDR_MAX * 45 + 1], num[40];
    host_port(s->listen_host, s->listen_port, l, sizeof l);
    host_port(s->target_host, s->target_port, t, sizeof t);
    size_t used = 0;
#define ADD(...)                                                                   \
    do {                                                                           \
        int w_ = snprintf(out + used, used < outlen ? outlen - used : 0, __VA_ARGS__); \
        used += w_ > 0 ? (size_t)w_ : 0;                                           \
    } while (0)
    ADD("%s %s", l, t);
    if (s->allow.n) {
        sp_cidr_list_format(&s->allow, list, sizeof list);
        ADD(" --allow %s", list);
    }
    if (s->deny.n) {
        sp_cidr_list_format(&s->deny, list, sizeof list);
        ADD(" --deny %s", list);
    }
    if (s->source[0])
        ADD(" --source %s", s->source);
    if (s->rate)
        ADD(" --rate %" PRIu64, s->rate);
    if (s->total_rate)
        ADD(" --total-rate %" PRIu64, s->total_rate);
    if (s->burst)
        ADD(" --burst %" PRIu64, s->burst);
    if (s->max_conns)
        ADD(" --max-conns %ld", s->max_conns);
    if (s->max_conns_per_ip)
        ADD(" --max-conns-per-ip %ld", s->max_conns_per_ip);
    if (s->connect_timeout != SP_FWD_CONNECT_TIMEOUT_DEFAULT) {
        seconds_text(s->connect_timeout, num, sizeof num);
        ADD(" --connect-timeout %s", num);
    }
    if (s->idle_timeout > 0) {
        seconds_text(s->idle_timeout, num, sizeof num);
        ADD(" --idle-timeout %s", num);
    }
    if (s->proxy != SP_FWD_PROXY_NONE)
        ADD(" --proxy-protocol %s", s->proxy == SP_FWD_PROXY_V1 ? "v1" : "v2");
#undef ADD
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int sp_fwd_spec_parse(const char *line, size_t len, sp_fwd_spec *s, char *err, size_t errlen)
{
    if (memchr(line, '\0', len)) {
        snprintf(err, errlen, "the line holds a NUL byte");
        return -1;
    }
    char *copy = sp_xmalloc(len + 1);
    memcpy(copy, line, len);
    copy[len] = '\0';
    sp_fwd_spec_init(s);
    char *words[64];
    size_t n = 0;
    int rc = -1;
    for (char *p = copy; *p;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        if (n == sizeof words / sizeof words[0]) {
            snprintf(err, errlen, "too many words (at most %zu)", n);
            goto out;
        }
        words[n++] = p;
        while (*p && !is_space(*p))
            p++;
        if (*p)
            *p++ = '\0';
    }
    if (n < 2) {
        snprintf(err, errlen, "want LISTEN TARGET [options] (e.g. 127.0.0.1:6000 127.0.0.1:5432 --allow 127.0.0.0/8)");
        goto out;
    }
    if (sp_fwd_spec_listen(s, words[0], err, errlen) < 0 || sp_fwd_spec_target(s, words[1], err, errlen) < 0)
        goto out;
    for (size_t i = 2; i < n; i++) {
        char *w = words[i];
        if (strncmp(w, "--", 2) != 0) {
            char esc[200];
            shown(w, esc, sizeof esc);
            snprintf(err, errlen, "unexpected '%s' (options start with --, e.g. --allow 127.0.0.0/8)", esc);
            goto out;
        }
        char *name = w + 2, *value = strchr(name, '=');
        if (value)
            *value++ = '\0';
        else if (i + 1 < n)
            value = words[++i];
        if (sp_fwd_spec_option(s, name, value, err, errlen) < 0)
            goto out;
    }
    rc = 0;
out:
    free(copy);
    return rc;
}

bool sp_fwd_spec_same_listen(const sp_fwd_spec *a, const sp_fwd_spec *b)
{
    struct sockaddr_storage x, y;
    socklen_t xl, yl;
    if (a->listen_port != b->listen_port)
        return false;
    if (sp_sock_parse_ip(a->listen_host, a->listen_port, &x, &xl) < 0 ||
        sp_sock_parse_ip(b->listen_host, b->listen_port, &y, &yl) < 0)
        return strcmp(a->listen_host, b->listen_host) == 0;
    return xl == yl && memcmp(&x, &y, xl) == 0;
}

/* ---- forward.list ---- */

void sp_fwd_list_init(sp_fwd_list *l)
{
    memset(l, 0, sizeof *l);
}

void sp_fwd_list_free(sp_fwd_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].line);
    free(l->v);
    sp_fwd_list_init(l);
}

static sp_fwd_entry *push(sp_fwd_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = sp_xreallocarray(l->v, l->cap, sizeof *l->v);
    }
    sp_fwd_entry *e = &l->v[l->n++];
    memset(e, 0, sizeof *e);
    return e;
}

static void keep_text(sp_fwd_entry *e, const char *s, size_t n)
{
    e->line = sp_xmalloc(n + 1);
    memcpy(e->line, s, n);
    e->line[n] = '\0';
    e->line_len = n;
}

static void problem(sp_fwd_problem **probs, size_t *n, size_t *cap, size_t line, const char *msg)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *probs = sp_xreallocarray(*probs, *cap, sizeof **probs);
    }
    sp_fwd_problem *p = &(*probs)[*n];
    p->line = line;
    /* Cut to the field: the reason comes first and stays whole. */
    size_t len = strnlen(msg, sizeof p->msg - 1);
    memcpy(p->msg, msg, len);
    p->msg[len] = '\0';
    (*n)++;
}

static const sp_fwd_entry *find_listen(const sp_fwd_list *l, const sp_fwd_spec *s, size_t *at)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].valid && sp_fwd_spec_same_listen(&l->v[i].spec, s)) {
            if (at)
                *at = i;
            return &l->v[i];
        }
    }
    return NULL;
}

void sp_fwd_list_parse(const char *bytes, size_t len, sp_fwd_list *l, sp_fwd_problem **probs, size_t *nprobs)
{
    sp_fwd_list_free(l);
    *probs = NULL;
    *nprobs = 0;
    size_t cap = 0;
    const char *p = bytes, *end = bytes + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        size_t lineno = l->n + 1;
        sp_fwd_entry *e = push(l);
        if (lineno > SP_FWD_LIST_MAX_LINES) {
            /* The rest stays one text entry, written back unchanged. */
            keep_text(e, p, (size_t)(end - p) - (end[-1] == '\n'));
            char msg[120];
            snprintf(msg, sizeof msg, "more than %d lines: the rest of the file is ignored", SP_FWD_LIST_MAX_LINES);
            problem(probs, nprobs, &cap, lineno, msg);
            return;
        }
        keep_text(e, p, (size_t)(stop - p));
        const char *q = p;
        while (q < stop && is_space(*q))
            q++;
        if (q < stop && *q != '#') {
            char why[300];
            sp_fwd_spec spec;
            size_t other;
            if (sp_fwd_spec_parse(p, (size_t)(stop - p), &spec, why, sizeof why) < 0) {
                problem(probs, nprobs, &cap, lineno, why);
            } else if (find_listen(l, &spec, &other)) {
                snprintf(why, sizeof why, "%s:%d is used by line %zu already", spec.listen_host, spec.listen_port,
                         other + 1);
                problem(probs, nprobs, &cap, lineno, why);
            } else {
                e->valid = true;
                e->spec = spec;
            }
        }
        p = nl ? nl + 1 : end;
    }
}

char *sp_fwd_list_serialise(const sp_fwd_list *l, size_t *len)
{
    size_t cap = 1, used = 0;
    for (size_t i = 0; i < l->n; i++)
        cap += (l->v[i].line ? l->v[i].line_len : 4096) + 1;
    char *out = sp_xmalloc(cap);
    for (size_t i = 0; i < l->n; i++) {
        const sp_fwd_entry *e = &l->v[i];
        if (e->line) {
            memcpy(out + used, e->line, e->line_len);
            used += e->line_len;
        } else {
            sp_fwd_spec_format(&e->spec, out + used, 4096);
            used += strlen(out + used);
        }
        out[used++] = '\n';
    }
    out[used] = '\0';
    *len = used;
    return out;
}

int sp_fwd_list_add(sp_fwd_list *l, const sp_fwd_spec *s, char *err, size_t errlen)
{
    if (find_listen(l, s, NULL)) {
        snprintf(err, errlen, "%s:%d is mapped already (delete that mapping first)", s->listen_host, s->listen_port);
        return -1;
    }
    sp_fwd_entry *e = push(l);
    e->valid = true;
    e->spec = *s;
    return 0;
}

bool sp_fwd_list_remove(sp_fwd_list *l, const sp_fwd_spec *s)
{
    size_t at;
    if (!find_listen(l, s, &at))
        return false;
    free(l->v[at].line);
    memmove(&l->v[at], &l->v[at + 1], (l->n - at - 1) * sizeof *l->v);
    l->n--;
    return true;
}

size_t sp_fwd_list_mappings(const sp_fwd_list *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += l->v[i].valid;
    return n;
}
