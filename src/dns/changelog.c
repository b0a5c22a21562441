/* DNS watch events: the log line format, its parser, the JSON form, and the
 * append-only file. */
#include "sockpit/dns/changelog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sockpit/core/applog.h"
#include "sockpit/core/json.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"
#include "sockpit/dns/compare.h"

#define ARROW " \xe2\x86\x92 " /* " → " */
#define NONE "(none)"            /* an empty answer */

static const char *const kind_names[] = { "first", "change", "error", "recover", "disagree", "agree" };

const char *sp_wev_kind_name(sp_wev_kind k) { return kind_names[k]; }

bool sp_wev_kind_is_compare(sp_wev_kind k) { return k == SP_WEV_DISAGREE || k == SP_WEV_AGREE; }

void sp_wevent_add_answer(sp_wevent *ev, const char *server, const char *answer)
{
    ev->answers = sp_xrealloc(ev->answers, (ev->nanswers + 1) * sizeof *ev->answers);
    ev->answers[ev->nanswers++] = (sp_wev_answer){ sp_xstrdup(server), sp_xstrdup(answer) };
}

static void clear_answers(sp_wevent *ev)
{
    for (size_t i = 0; i < ev->nanswers; i++) {
        free(ev->answers[i].server);
        free(ev->answers[i].answer);
    }
    free(ev->answers);
    ev->answers = NULL;
    ev->nanswers = 0;
}

bool sp_wevent_is_addr(const sp_wevent *ev) { return (ev->rrtype & ~SP_RRMASK_ADDR) == 0; }

void sp_wevent_init(sp_wevent *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->ttl = -1;
    ev->rtt_ms = -1;
}

void sp_wevent_free(sp_wevent *ev)
{
    sp_addrset_free(&ev->old);
    sp_addrset_free(&ev->new);
    sp_valset_free(&ev->oldv);
    sp_valset_free(&ev->newv);
    clear_answers(ev);
}

void sp_wevent_copy(sp_wevent *dst, const sp_wevent *src)
{
    sp_addrset old = dst->old, new = dst->new;
    sp_valset oldv = dst->oldv, newv = dst->newv;
    clear_answers(dst);
    *dst = *src;
    dst->old = old;
    dst->new = new;
    dst->oldv = oldv;
    dst->newv = newv;
    dst->answers = NULL;
    dst->nanswers = 0;
    for (size_t i = 0; i < src->nanswers; i++)
        sp_wevent_add_answer(dst, src->answers[i].server, src->answers[i].answer);
    sp_addrset_copy(&dst->old, &src->old);
    sp_addrset_copy(&dst->new, &src->new);
    sp_valset_copy(&dst->oldv, &src->oldv);
    sp_valset_copy(&dst->newv, &src->newv);
}

/* A growing string for formatting with snprintf semantics. */
typedef struct out {
    char *buf;
    size_t cap, len;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - 1 - o->len;
        size_t k = n < room ? n : room;
        memcpy(o->buf + o->len, s, k);
        o->buf[o->len + k] = '\0';
    }
    o->len += n;
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void put_set(out *o, const sp_addrset *s, const char *prefix)
{
    if (s->n == 0 && !prefix[0])
        puts_(o, NONE);
    for (size_t i = 0; i < s->n; i++) {
        char a[SP_ADDR_STRLEN];
        if (i)
            puts_(o, ", ");
        puts_(o, prefix);
        puts_(o, sp_addr_str(&s->v[i], a));
    }
}

static void put_vals(out *o, const sp_valset *s, const char *prefix)
{
    if (s->n == 0 && !prefix[0])
        puts_(o, NONE);
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            puts_(o, ", ");
        puts_(o, prefix);
        puts_(o, s->v[i]);
    }
}

/* The old and new sets, and what was added and removed, of a change. */
static void put_change(out *o, const sp_wevent *ev)
{
    if (!sp_wevent_is_addr(ev)) {
        put_vals(o, &ev->oldv, "");
        puts_(o, ARROW);
        put_vals(o, &ev->newv, "");
        sp_valset added, removed;
        sp_valset_init(&added);
        sp_valset_init(&removed);
        sp_valset_diff(&ev->oldv, &ev->newv, &added, &removed);
        puts_(o, "  (");
        put_vals(o, &added, "+");
        if (added.n && removed.n)
            puts_(o, ", ");
        put_vals(o, &removed, "-");
        puts_(o, ")");
        sp_valset_free(&added);
        sp_valset_free(&removed);
        return;
    }
    put_set(o, &ev->old, "");
    puts_(o, ARROW);
    put_set(o, &ev->new, "");
    sp_addrset added, removed;
    sp_addrset_init(&added);
    sp_addrset_init(&removed);
    sp_addrset_diff(&ev->old, &ev->new, &added, &removed);
    puts_(o, "  (");
    put_set(o, &added, "+");
    if (added.n && removed.n)
        puts_(o, ", ");
    put_set(o, &removed, "-");
    puts_(o, ")");
    sp_addrset_free(&added);
    sp_addrset_free(&removed);
}

size_t sp_changelog_format(const sp_wevent *ev, char *buf, size_t cap)
{
    out o = { buf, cap, 0 };
    if (cap)
        buf[0] = '\0';
    time_t t = (time_t)(ev->time_ms / 1000);
    struct tm tm;
    char ts[32] = "0000-00-00 00:00:00";
    if (localtime_r(&t, &tm))
        strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    puts_(&o, ts);
    puts_(&o, "  ");
    puts_(&o, ev->name);
    puts_(&o, "  ");
    if (ev->kind != SP_WEV_CHANGE) {
        puts_(&o, sp_wev_kind_name(ev->kind));
        puts_(&o, "  ");
    }
    char types[SP_RRMASK_STRLEN];
    if (ev->rrtype) {
        puts_(&o, sp_rrmask_format(ev->rrtype, types));
        puts_(&o, ": ");
    }
    switch (ev->kind) {
    case SP_WEV_FIRST:
    case SP_WEV_RECOVER:
        if (sp_wevent_is_addr(ev))
            put_set(&o, &ev->new, "");
        else
            put_vals(&o, &ev->newv, "");
        break;
    case SP_WEV_ERROR:
        puts_(&o, ev->error);
        break;
    case SP_WEV_CHANGE:
        put_change(&o, ev);
        break;
    case SP_WEV_DISAGREE:
    case SP_WEV_AGREE:
        for (size_t i = 0; i < ev->nanswers; i++) {
            const sp_wev_answer *a = &ev->answers[i];
            if (i)
                puts_(&o, "; ");
            puts_(&o, a->server);
            puts_(&o, " ");
            puts_(&o, a->answer[0] ? a->answer : NONE);
        }
        break;
    }
    return o.len;
}

static const char *find(const char *s, size_t len, const char *needle)
{
    return memmem(s, len, needle, strlen(needle));
}

/* "A,AAAA: " at the start of s: the types, and s moved past them. Lines
 * without them are from before types were logged: A and AAAA. */
static int parse_types(const char **s, size_t *len, unsigned *mask)
{
    const char *colon = find(*s, *len < SP_RRMASK_STRLEN + 2 ? *len : SP_RRMASK_STRLEN + 2, ": ");
    *mask = SP_RRMASK_ADDR;
    if (!colon)
        return 0;
    for (const char *c = *s; c < colon; c++)
        if (!((*c >= 'A' && *c <= 'Z') || *c == ','))
            return 0;
    char err[128];
    if (sp_rrmask_parse(*s, (size_t)(colon - *s), mask, err, sizeof err) < 0)
        return -1;
    *len -= (size_t)(colon + 2 - *s);
    *s = colon + 2;
    return 0;
}

/* A set (addresses, or the values of the event's one other type), or
 * "(none)" for the empty one. */
static int parse_set(const sp_wevent *ev, const char *s, size_t len, sp_addrset *set, sp_valset *vals)
{
    sp_addrset_clear(set);
    sp_valset_clear(vals);
    if (len == strlen(NONE) && memcmp(s, NONE, len) == 0)
        return 0;
    if (!sp_wevent_is_addr(ev))
        return sp_valset_parse(s, len, vals) == 0 && vals->n ? 0 : -1;
    if (sp_addrset_parse(s, len, set) < 0 || set->n == 0)
        return -1;
    return 0;
}

/* Addresses for A and AAAA; one other type alone. */
static bool good_mask(unsigned mask)
{
    return mask && ((mask & ~SP_RRMASK_ADDR) == 0 || (mask & (mask - 1)) == 0);
}

/* A failure's word: letters only, as c-ares statuses are named. */
static int parse_error(const char *s, size_t len, char *out, size_t cap)
{
    if (len == 0 || len >= cap)
        return -1;
    for (size_t k = 0; k < len; k++)
        if (!((s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z')))
            return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

/* A server as sockpit names it: "127.0.0.1:5301", "[::1]:53". */
static bool good_server(const char *s, size_t len)
{
    if (len == 0 || len > 256)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              strchr(".:[]%_-", s[i])))
            return false;
    return true;
}

/* One server's answer ("(none)", "error WORD", or values) in the canonical
 * text of compare.h; NULL when it is none. A value holds its quotes in
 * pairs, so the "; " between servers is never inside one. */
static char *parse_answer(const sp_wevent *ev, const char *s, size_t len)
{
    if (len == strlen(NONE) && memcmp(s, NONE, len) == 0)
        return sp_xstrdup("");
    char word[16];
    if (len > 6 && memcmp(s, "error ", 6) == 0 && parse_error(s + 6, len - 6, word, sizeof word) == 0)
        return sp_compare_text(word, NULL, NULL);
    char *text = NULL;
    if (sp_wevent_is_addr(ev)) {
        sp_addrset set;
        sp_addrset_init(&set);
        if (sp_addrset_parse(s, len, &set) == 0 && set.n)
            text = sp_compare_text(NULL, &set, NULL);
        sp_addrset_free(&set);
        return text;
    }
    sp_valset vals;
    sp_valset_init(&vals);
    bool paired = true;
    if (sp_valset_parse(s, len, &vals) == 0 && vals.n) {
        for (size_t i = 0; i < vals.n; i++) {
            size_t q = 0;
            for (const char *c = vals.v[i]; *c; c++)
                q += *c == '"';
            paired = paired && q % 2 == 0;
        }
        if (paired)
            text = sp_compare_text(NULL, NULL, &vals);
    }
    sp_valset_free(&vals);
    return text;
}

/* "SERVER ANSWER; SERVER ANSWER..." of a disagree or agree: two servers at
 * least, and they differ (disagree) or not (agree). */
static int parse_answers(sp_wevent *ev, const char *s, size_t len)
{
    bool good = true;
    for (size_t i = 0; good;) {
        size_t end = i;
        bool quoted = false;
        while (end < len && (quoted || end + 1 >= len || s[end] != ';' || s[end + 1] != ' ')) {
            quoted = quoted != (s[end] == '"');
            end++;
        }
        const char *sp = memchr(s + i, ' ', end - i);
        char *answer = sp && good_server(s + i, (size_t)(sp - (s + i)))
                           ? parse_answer(ev, sp + 1, (size_t)(s + end - (sp + 1)))
                           : NULL;
        good = answer != NULL;
        if (good) {
            char server[257];
            snprintf(server, sizeof server, "%.*s", (int)(sp - (s + i)), s + i);
            sp_wevent_add_answer(ev, server, answer);
            free(answer);
        }
        if (end == len)
            break;
        i = end + 2;
    }
    bool differ = false;
    for (size_t k = 1; k < ev->nanswers; k++)
        differ = differ || strcmp(ev->answers[k].answer, ev->answers[0].answer) != 0;
    if (good && ev->nanswers >= 2 && differ == (ev->kind == SP_WEV_DISAGREE))
        return 0;
    clear_answers(ev);
    return -1;
}

int sp_changelog_parse_line(const char *s, size_t len, sp_wevent *ev)
{
    clear_answers(ev);
    sp_addrset_clear(&ev->old);
    sp_addrset_clear(&ev->new);
    sp_valset_clear(&ev->oldv);
    sp_valset_clear(&ev->newv);
    ev->error[0] = '\0';
    ev->ttl = -1;
    ev->rtt_ms = -1;
    if (sp_applog_time_parse(s, len, &ev->time_ms) < 0)
        return -1;
    s += SP_APPLOG_TIME_LEN;
    len -= SP_APPLOG_TIME_LEN;
    const char *sep = find(s, len, "  ");
    if (!sep)
        return -1;
    char err[128];
    if (sp_dnsname_check(s, (size_t)(sep - s), ev->name, err, sizeof err) < 0)
        return -1;
    len -= (size_t)(sep + 2 - s);
    s = sep + 2;
    static const struct {
        const char *word;
        sp_wev_kind kind;
    } words[] = { { "first  ", SP_WEV_FIRST },       { "recover  ", SP_WEV_RECOVER }, { "error  ", SP_WEV_ERROR },
                  { "disagree  ", SP_WEV_DISAGREE }, { "agree  ", SP_WEV_AGREE } };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t wl = strlen(words[i].word);
        if (len < wl || memcmp(s, words[i].word, wl) != 0)
            continue;
        ev->kind = words[i].kind;
        s += wl;
        len -= wl;
        if (parse_types(&s, &len, &ev->rrtype) < 0 || !good_mask(ev->rrtype))
            return -1;
        if (ev->kind == SP_WEV_ERROR)
            return parse_error(s, len, ev->error, sizeof ev->error);
        /* A comparison is about one type, always written. */
        if (sp_wev_kind_is_compare(ev->kind))
            return (ev->rrtype & (ev->rrtype - 1)) == 0 ? parse_answers(ev, s, len) : -1;
        return parse_set(ev, s, len, &ev->new, &ev->newv);
    }
    ev->kind = SP_WEV_CHANGE;
    if (parse_types(&s, &len, &ev->rrtype) < 0 || !good_mask(ev->rrtype))
        return -1;
    const char *arrow = find(s, len, ARROW);
    if (!arrow)
        return -1;
    const char *diff = find(arrow, len - (size_t)(arrow - s), "  (");
    if (!diff || s[len - 1] != ')')
        return -1;
    const char *ns = arrow + strlen(ARROW);
    if (parse_set(ev, s, (size_t)(arrow - s), &ev->old, &ev->oldv) < 0 ||
        parse_set(ev, ns, (size_t)(diff - ns), &ev->new, &ev->newv) < 0)
        return -1;
    bool same = sp_wevent_is_addr(ev) ? sp_addrset_equal(&ev->old, &ev->new) : sp_valset_equal(&ev->oldv, &ev->newv);
    return same ? -1 : 0;
}

static int parse_record(const char *line, size_t len, void *rec)
{
    sp_wevent *ev = rec;
    sp_wevent_init(ev);
    if (sp_changelog_parse_line(line, len, ev) == 0)
        return 0;
    sp_wevent_free(ev);
    return -1;
}

size_t sp_changelog_parse(const char *bytes, size_t len, bool partial, size_t keep, sp_wevent **out, size_t *bad)
{
    void *v;
    size_t n = sp_applog_last_records(bytes, len, partial, keep, sizeof **out, parse_record, &v, bad);
    *out = v;
    return n;
}

/* "answers":{SERVER:[values] or SERVER:"ERROR",...} */
static void json_answers(sp_json *j, const sp_wevent *ev, FILE *f)
{
    sp_json_key(j, "answers");
    fputc('{', f);
    for (size_t i = 0; i < ev->nanswers; i++) {
        const char *a = ev->answers[i].answer;
        if (i)
            fputc(',', f);
        sp_json_write_string(f, ev->answers[i].server, strlen(ev->answers[i].server));
        fputc(':', f);
        if (strncmp(a, "error ", 6) == 0) {
            sp_json_write_string(f, a + 6, strlen(a + 6));
            continue;
        }
        /* Canonical values hold no ',' (valset.h), so ", " splits them. */
        fputc('[', f);
        for (const char *p = a; *p;) {
            const char *sep = strstr(p, ", ");
            size_t len = sep ? (size_t)(sep - p) : strlen(p);
            if (p != a)
                fputc(',', f);
            sp_json_write_string(f, p, len);
            p += len + (sep ? 2 : 0);
        }
        fputc(']', f);
    }
    fputc('}', f);
}

void sp_wevent_json(const sp_wevent *ev, FILE *f)
{
    sp_json j;
    char ts[40] = "1970-01-01T00:00:00";
    time_t t = (time_t)(ev->time_ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    char full[64];
    snprintf(full, sizeof full, "%s.%03dZ", ts, (int)(ev->time_ms % 1000));
    sp_json_begin(&j, f);
    sp_json_str(&j, "time", full);
    sp_json_str(&j, "name", ev->name);
    sp_json_str(&j, "event", sp_wev_kind_name(ev->kind));
    char types[SP_RRMASK_STRLEN];
    sp_json_str(&j, "rrtype", sp_rrmask_format(ev->rrtype, types));
    if (sp_wev_kind_is_compare(ev->kind)) {
        json_answers(&j, ev, f);
        sp_json_end(&j);
        return;
    }
    const sp_addrset *sets[2] = { &ev->old, &ev->new };
    const sp_valset *vals[2] = { &ev->oldv, &ev->newv };
    const char *keys[2] = { "old", "new" };
    for (int k = 0; k < 2; k++) {
        sp_json_array_begin(&j, keys[k]);
        for (size_t i = 0; sp_wevent_is_addr(ev) && i < sets[k]->n; i++) {
            char a[SP_ADDR_STRLEN];
            sp_json_array_str(&j, sp_addr_str(&sets[k]->v[i], a));
        }
        for (size_t i = 0; !sp_wevent_is_addr(ev) && i < vals[k]->n; i++)
            sp_json_array_str(&j, vals[k]->v[i]);
        sp_json_array_end(&j);
    }
    if (ev->ttl >= 0)
        sp_json_int(&j, "ttl", ev->ttl);
    else
        sp_json_null(&j, "ttl");
    if (ev->rtt_ms >= 0)
        sp_json_num(&j, "rtt_ms", ev->rtt_ms, 1);
    else
        sp_json_null(&j, "rtt_ms");
    if (ev->kind == SP_WEV_ERROR)
        sp_json_str(&j, "error", ev->error);
    sp_json_end(&j);
}

int sp_changelog_open(const char *path, char *err, size_t errlen) { return sp_applog_open(path, err, errlen); }

int sp_changelog_append(int fd, const sp_wevent *ev)
{
    char stack[1024];
    char *buf = stack;
    size_t n = sp_changelog_format(ev, stack, sizeof stack - 1);
    if (n >= sizeof stack - 1) {
        buf = sp_xmalloc(n + 2);
        sp_changelog_format(ev, buf, n + 1);
    }
    buf[n++] = '\n';
    int rc = sp_applog_write(fd, buf, n);
    if (buf != stack) {
        int e = errno;
        free(buf);
        errno = e;
    }
    return rc;
}

int sp_changelog_append_rotate(int *fd, const char *path, int64_t max, const sp_wevent *ev)
{
    struct stat now, named;
    char line[8];
    /* The size this line takes is not known before formatting: a bound. */
    size_t need = sp_changelog_format(ev, line, sizeof line) + 1;
    if (max > 0 && fstat(*fd, &now) == 0 && now.st_size > 0 && (int64_t)now.st_size + (int64_t)need > max) {
        bool ours = stat(path, &named) == 0 && named.st_dev == now.st_dev && named.st_ino == now.st_ino;
        char old[4200];
        snprintf(old, sizeof old, "%s%s", path, SP_CHANGELOG_OLD);
        /* Rename, then open the new file, then write: a crash in between
         * leaves every written line in one of the two files. */
        if (!ours || rename(path, old) == 0) {
            int nfd = sp_open_append(path);
            if (nfd >= 0) {
                close(*fd);
                *fd = nfd;
            }
        }
    }
    return sp_changelog_append(*fd, ev);
}

/* Walks one file's events backwards; false when fn asked to stop. */
static bool scan_file(const char *path, size_t max, sp_changelog_visit_fn *fn, void *ud, int *rc, char *err,
                      size_t errlen)
{
    char *buf;
    size_t got, skipped;
    if (sp_read_file(AT_FDCWD, path, max, SP_READ_TAIL | SP_READ_REGULAR, &buf, &got, &skipped) < 0) {
        if (errno != ENOENT) {
            snprintf(err, errlen, "cannot read %s: %s", path, sp_read_error(errno, 0));
            *rc = -1;
        }
        return true;
    }
    sp_wevent ev;
    sp_wevent_init(&ev);
    bool go = true;
    size_t pos = got;
    while (pos > 0 && go) {
        size_t line_end = buf[pos - 1] == '\n' ? pos - 1 : pos;
        size_t start = line_end;
        while (start > 0 && buf[start - 1] != '\n')
            start--;
        /* A first line that may be cut off is not read. */
        if (line_end > start && !(start == 0 && skipped > 0) &&
            sp_changelog_parse_line(buf + start, line_end - start, &ev) == 0)
            go = fn(ud, &ev);
        pos = start;
    }
    sp_wevent_free(&ev);
    free(buf);
    return go;
}

int sp_changelog_scan(const char *path, size_t max, sp_changelog_visit_fn *fn, void *ud, char *err, size_t errlen)
{
    int rc = 0;
    char old[4200];
    snprintf(old, sizeof old, "%s%s", path, SP_CHANGELOG_OLD);
    if (scan_file(path, max, fn, ud, &rc, err, errlen))
        scan_file(old, max, fn, ud, &rc, err, errlen);
    return rc;
}

/* sp_changelog_load's visitor: fills a ring from its end. */
typedef struct loader {
    sp_wevent *v;
    size_t keep, n;
} loader;

static bool load_one(void *ud, const sp_wevent *ev)
{
    loader *l = ud;
    sp_wevent *slot = &l->v[l->keep - 1 - l->n++];
    sp_wevent_init(slot);
    sp_wevent_copy(slot, ev);
    return l->n < l->keep;
}

int sp_changelog_load(const char *path, size_t keep, sp_wevent **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    if (keep == 0)
        return 0;
    loader l = { sp_xcalloc(keep, sizeof *l.v), keep, 0 };
    /* The newest events are at the end: the last 4 MiB hold far more than
     * the 1,000 kept. */
    int rc = sp_changelog_scan(path, (size_t)4 << 20, load_one, &l, err, errlen);
    if (rc < 0) {
        for (size_t i = keep - l.n; i < keep; i++)
            sp_wevent_free(&l.v[i]);
        free(l.v);
        return -1;
    }
    if (l.n < keep)
        memmove(l.v, l.v + (keep - l.n), l.n * sizeof *l.v);
    *out = l.v;
    *n = l.n;
    return rc;
}
