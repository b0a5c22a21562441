/* watch.list parsing, serialising and (through core/writefile) atomic rewriting. */
#include "sockpit/dns/watchlist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/writefile.h"

void sp_watchlist_init(sp_watchlist *l)
{
    memset(l, 0, sizeof *l);
    sp_strset_init(&l->index);
}

void sp_watchlist_free(sp_watchlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].line);
    free(l->v);
    sp_strset_free(&l->index);
    sp_watchlist_init(l);
}

static sp_watchlist_entry *push(sp_watchlist *l)
{
    SP_GROW(l->v, l->cap, l->n + 1);
    sp_watchlist_entry *e = &l->v[l->n++];
    memset(e, 0, sizeof *e);
    return e;
}

/* NUL bytes included, where sp_xstrndup would stop: a line is saved back
 * as read. */
static char *dupn(const char *s, size_t n)
{
    char *d = sp_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int sp_watchlist_parse_interval(const char *s, size_t len, sp_wmode *mode, long *ms, char *err, size_t errlen)
{
    *ms = 0;
    if (len == 0 || (len == 7 && memcmp(s, "default", 7) == 0)) {
        *mode = SP_WMODE_DEFAULT;
        return 0;
    }
    if (len == 3 && memcmp(s, "ttl", 3) == 0) {
        *mode = SP_WMODE_TTL;
        return 0;
    }
    /* Digits, then at most three decimals: parsed by hand so the locale's
     * decimal separator does not matter. */
    long whole = 0, frac = 0;
    size_t i = 0, digits = 0, decimals = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
        if (whole < 1000000)
            whole = whole * 10 + (s[i] - '0');
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, decimals++)
            if (decimals < 3)
                frac = frac * 10 + (s[i] - '0');
            else if (s[i] != '0')
                goto bad;
    }
    if (i != len || (digits == 0 && decimals == 0))
        goto bad;
    for (size_t d = decimals; d < 3; d++)
        frac *= 10;
    long v = whole * 1000 + frac;
    if (v < SP_INTERVAL_MIN_MS || v > SP_INTERVAL_MAX_MS)
        goto bad;
    *mode = SP_WMODE_INTERVAL;
    *ms = v;
    return 0;
bad: {
    char shown[64];
    sp_escape(s, len < 40 ? len : 40, shown, sizeof shown);
    snprintf(err, errlen, "interval '%s' must be seconds from 0.2 to 86400 (at most 3 decimals) or 'ttl'", shown);
    return -1;
}
}

const char *sp_watchlist_format_interval(sp_wmode mode, long ms, char *buf, size_t cap)
{
    if (mode == SP_WMODE_DEFAULT)
        snprintf(buf, cap, "default");
    else if (mode == SP_WMODE_TTL)
        snprintf(buf, cap, "ttl");
    else if (ms % 1000 == 0)
        snprintf(buf, cap, "%ld", ms / 1000);
    else if (ms % 100 == 0)
        snprintf(buf, cap, "%ld.%01ld", ms / 1000, (ms % 1000) / 100);
    else if (ms % 10 == 0)
        snprintf(buf, cap, "%ld.%02ld", ms / 1000, (ms % 1000) / 10);
    else
        snprintf(buf, cap, "%ld.%03ld", ms / 1000, ms % 1000);
    return buf;
}

static void problem(sp_watchlist_problem **probs, size_t *n, size_t *cap, size_t line, const char *what,
                    const char *text, size_t len)
{
    SP_GROW(*probs, *cap, *n + 1);
    sp_watchlist_problem *p = &(*probs)[(*n)++];
    p->line = line;
    char shown[64];
    size_t full = sp_escape(text, len, shown, sizeof shown);
    snprintf(p->msg, sizeof p->msg, "line %zu '%s%s': %.100s", line, shown, full >= sizeof shown ? "..." : "", what);
}

/* Past a limit: the line at s and every one after it become e, as text
 * only (the final newline is the one serialising adds). */
static void keep_rest(sp_watchlist_entry *e, const char *s, const char *end)
{
    size_t n = (size_t)(end - s);
    if (n && s[n - 1] == '\n')
        n--;
    free(e->line);
    e->line = dupn(s, n);
    e->line_len = n;
    e->name[0] = '\0';
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* One line: NAME [interval=SEC|ttl] [type=A,MX,...] [# comment]. Returns
 * NULL if good. */
static const char *parse_line(const char *s, size_t len, sp_watchlist_entry *e, char *err, size_t errlen)
{
    if (memchr(s, '\0', len))
        return "the line contains a NUL byte";
    size_t i = 0;
    while (i < len && is_space(s[i]))
        i++;
    if (i == len || s[i] == '#')
        return NULL; /* blank or comment */
    size_t ns = i;
    while (i < len && !is_space(s[i]) && s[i] != '#')
        i++;
    if (sp_dnsname_check(s + ns, i - ns, e->name, err, errlen) < 0) {
        e->name[0] = '\0';
        return err;
    }
    e->mode = SP_WMODE_DEFAULT;
    e->types = 0;
    bool have_interval = false, have_types = false;
    for (;;) {
        while (i < len && is_space(s[i]))
            i++;
        if (i == len || s[i] == '#')
            break;
        size_t ts = i;
        while (i < len && !is_space(s[i]) && s[i] != '#')
            i++;
        static const char key[] = "interval=", tkey[] = "type=";
        size_t kl = sizeof key - 1, tl = sizeof tkey - 1;
        if (!have_types && i - ts >= tl && memcmp(s + ts, tkey, tl) == 0) {
            if (sp_rrmask_parse(s + ts + tl, i - ts - tl, &e->types, err, errlen) < 0) {
                e->name[0] = '\0';
                return err;
            }
            have_types = true;
            continue;
        }
        if (have_interval || i - ts < kl || memcmp(s + ts, key, kl) != 0) {
            e->name[0] = '\0';
            snprintf(err, errlen, "after the name only 'interval=SECONDS' (or 'interval=ttl') and 'type=A,MX,...' "
                     "may follow, once each");
            return err;
        }
        if (sp_watchlist_parse_interval(s + ts + kl, i - ts - kl, &e->mode, &e->interval_ms, err, errlen) < 0) {
            e->name[0] = '\0';
            return err;
        }
        have_interval = true;
    }
    return NULL;
}

int sp_watchlist_parse_spec(const char *s, size_t len, char out[SP_DNSNAME_MAX + 1], unsigned *types, char *err,
                            size_t errlen)
{
    *types = 0;
    const char *slash = memchr(s, '/', len);
    size_t nl = slash ? (size_t)(slash - s) : len;
    if (sp_dnsname_check(s, nl, out, err, errlen) < 0)
        return -1;
    if (slash && sp_rrmask_parse(slash + 1, len - nl - 1, types, err, errlen) < 0)
        return -1;
    return 0;
}

void sp_watchlist_parse(const char *bytes, size_t len, sp_watchlist *l, sp_watchlist_problem **probs,
                        size_t *nprobs)
{
    sp_watchlist_free(l);
    *probs = NULL;
    *nprobs = 0;
    size_t pcap = 0, lineno = 0, pos = 0, names = 0;
    char limit[80];
    while (pos < len) {
        const char *nl = memchr(bytes + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (bytes + pos)) : len - pos;
        const char *s = bytes + pos;
        pos += n + (nl ? 1 : 0);
        lineno++;
        sp_watchlist_entry *e = push(l);
        e->line = dupn(s, n);
        e->line_len = n;
        if (lineno > SP_WATCHLIST_MAX_LINES) {
            snprintf(limit, sizeof limit, "more than %d lines; this line and the rest are ignored",
                     SP_WATCHLIST_MAX_LINES);
            problem(probs, nprobs, &pcap, lineno, limit, s, n);
            keep_rest(e, s, bytes + len);
            break;
        }
        char err[160];
        const char *why = parse_line(s, n, e, err, sizeof err);
        if (why) {
            problem(probs, nprobs, &pcap, lineno, why, s, n);
            continue;
        }
        if (!e->name[0])
            continue;
        if (names == SP_WATCHLIST_MAX_NAMES) {
            snprintf(limit, sizeof limit, "more than %d names; this line and the rest are ignored",
                     SP_WATCHLIST_MAX_NAMES);
            problem(probs, nprobs, &pcap, lineno, limit, s, n);
            keep_rest(e, s, bytes + len);
            break;
        }
        if (!sp_strset_add(&l->index, e->name, l->n - 1)) {
            problem(probs, nprobs, &pcap, lineno, "the name is listed already; this line is skipped", s, n);
            e->name[0] = '\0';
            continue;
        }
        names++;
    }
}

char *sp_watchlist_serialise(const sp_watchlist *l, size_t *len)
{
    size_t cap = 256, n = 0;
    char *out = sp_xmalloc(cap);
    for (size_t i = 0; i < l->n; i++) {
        const sp_watchlist_entry *e = &l->v[i];
        char gen[SP_DNSNAME_MAX + 64 + SP_RRMASK_STRLEN];
        const char *text = e->line;
        size_t tl = e->line_len;
        if (!text) {
            char iv[32], types[SP_RRMASK_STRLEN];
            int w = snprintf(gen, sizeof gen, "%s", e->name);
            if (e->mode != SP_WMODE_DEFAULT)
                w += snprintf(gen + w, sizeof gen - (size_t)w, " interval=%s",
                              sp_watchlist_format_interval(e->mode, e->interval_ms, iv, sizeof iv));
            if (e->types)
                snprintf(gen + w, sizeof gen - (size_t)w, " type=%s", sp_rrmask_format(e->types, types));
            text = gen;
            tl = strlen(gen);
        }
        SP_GROW(out, cap, n + tl + 2);
        memcpy(out + n, text, tl);
        n += tl;
        out[n++] = '\n';
    }
    out[n] = '\0';
    *len = n;
    return out;
}

/* Every entry with a name is in the index, and only those. */
size_t sp_watchlist_names(const sp_watchlist *l) { return sp_strset_count(&l->index); }

sp_watchlist_entry *sp_watchlist_find(sp_watchlist *l, const char *name)
{
    size_t i;
    return sp_strset_find(&l->index, name, &i) ? &l->v[i] : NULL;
}

int sp_watchlist_add(sp_watchlist *l, const char *name, sp_wmode mode, long interval_ms)
{
    if (!sp_strset_add(&l->index, name, l->n))
        return -1;
    sp_watchlist_entry *e = push(l);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->mode = mode;
    e->interval_ms = interval_ms;
    return 0;
}

bool sp_watchlist_remove(sp_watchlist *l, const char *name)
{
    size_t i;
    if (!sp_strset_find(&l->index, name, &i))
        return false;
    sp_strset_remove(&l->index, name);
    free(l->v[i].line);
    memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
    l->n--;
    /* The entries after it moved up one. */
    for (size_t k = i; k < l->n; k++)
        if (l->v[k].name[0])
            sp_strset_set(&l->index, l->v[k].name, k);
    return true;
}

bool sp_watchlist_set_types(sp_watchlist *l, const char *name, unsigned types)
{
    sp_watchlist_entry *e = sp_watchlist_find(l, name);
    if (!e)
        return false;
    free(e->line);
    e->line = NULL;
    e->types = types;
    return true;
}

bool sp_watchlist_set_mode(sp_watchlist *l, const char *name, sp_wmode mode, long interval_ms)
{
    sp_watchlist_entry *e = sp_watchlist_find(l, name);
    if (!e)
        return false;
    free(e->line);
    e->line = NULL;
    e->mode = mode;
    e->interval_ms = interval_ms;
    return true;
}

int sp_watchlist_load(const char *path, sp_watchlist *l, sp_watchlist_problem **probs, size_t *nprobs, char *err,
                      size_t errlen)
{
    *probs = NULL;
    *nprobs = 0;
    sp_watchlist_free(l);
    char *buf;
    size_t n;
    /* A watch list is small; refuse anything absurd rather than eat memory. */
    if (sp_read_file(AT_FDCWD, path, (size_t)64 << 20, SP_READ_REGULAR, &buf, &n, NULL) < 0) {
        if (errno == ENOENT)
            return 0;
        if (errno == EFBIG)
            snprintf(err, errlen, "%s is larger than 64 MiB; is it the right file?", path);
        else
            snprintf(err, errlen, "cannot read %s: %s", path, sp_read_error(errno, 0));
        return -1;
    }
    sp_watchlist_parse(buf, n, l, probs, nprobs);
    free(buf);
    return 0;
}

int sp_watchlist_save(const char *path, const sp_watchlist *l, char *err, size_t errlen)
{
    size_t len;
    char *data = sp_watchlist_serialise(l, &len);
    int rc = sp_write_file_atomic(path, data, len, err, errlen);
    free(data);
    return rc;
}
