/* The host history (history.h): stations in an array found by their
 * address text, the log line format and its parser. */
#include "sockpit/hosts/history.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <linux/neighbour.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sockpit/core/applog.h"
#include "sockpit/core/json.h"
#include "sockpit/core/mem.h"

static const char *const kind_names[SP_HEV_COUNT] = { "new", "flip-flop", "gone", "back" };

const char *sp_hev_kind_name(sp_hev_kind k) { return k < SP_HEV_COUNT ? kind_names[k] : "?"; }

size_t sp_hevent_format(const sp_hevent *ev, char *buf, size_t cap)
{
    time_t t = (time_t)(ev->time_ms / 1000);
    struct tm tm;
    char ts[32] = "1970-01-01 00:00:00";
    if (localtime_r(&t, &tm))
        strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    int n = snprintf(buf, cap, "%s  %s  %s  %s  %s%s%s", ts, sp_hev_kind_name(ev->kind), ev->ip, ev->mac,
                     ev->ifname, ev->old_mac[0] ? "  " : "", ev->old_mac);
    return n < 0 ? 0 : (size_t)n;
}

/* "aa:bb:cc..." of 1 to SP_LLADDR_MAX lower-case hex pairs. */
static bool mac_ok(const char *s, size_t n)
{
    if (n < 2 || (n + 1) % 3 != 0 || (n + 1) / 3 > SP_LLADDR_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool colon = i % 3 == 2;
        if (colon ? s[i] != ':' : !(isdigit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

static bool ifname_ok(const char *s, size_t n)
{
    if (n == 0 || n >= IF_NAMESIZE)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == '/' || s[i] == 0x7f)
            return false;
    return true;
}

/* The next field up to "  " or the end. */
static bool field(const char **s, const char *end, const char **f, size_t *n)
{
    if (*s >= end)
        return false;
    const char *sep = memmem(*s, (size_t)(end - *s), "  ", 2);
    *f = *s;
    *n = (size_t)((sep ? sep : end) - *s);
    *s = sep ? sep + 2 : end;
    return *n > 0;
}

int sp_hevent_parse(const char *s, size_t len, sp_hevent *ev)
{
    memset(ev, 0, sizeof *ev);
    if (sp_applog_time_parse(s, len, &ev->time_ms) < 0)
        return -1;
    const char *p = s + SP_APPLOG_TIME_LEN, *end = s + len, *f;
    size_t n;
    if (!field(&p, end, &f, &n))
        return -1;
    int kind = -1;
    for (int k = 0; k < SP_HEV_COUNT; k++)
        if (n == strlen(kind_names[k]) && memcmp(f, kind_names[k], n) == 0)
            kind = k;
    if (kind < 0)
        return -1;
    ev->kind = (sp_hev_kind)kind;
    if (!field(&p, end, &f, &n) || n >= sizeof ev->ip)
        return -1;
    memcpy(ev->ip, f, n);
    ev->family = memchr(f, ':', n) ? AF_INET6 : AF_INET;
    if (inet_pton(ev->family, ev->ip, ev->addr) != 1)
        return -1;
    if (!field(&p, end, &f, &n) || !mac_ok(f, n))
        return -1;
    memcpy(ev->mac, f, n);
    if (!field(&p, end, &f, &n) || !ifname_ok(f, n))
        return -1;
    memcpy(ev->ifname, f, n);
    if (ev->kind == SP_HEV_FLIPFLOP) {
        if (!field(&p, end, &f, &n) || !mac_ok(f, n))
            return -1;
        memcpy(ev->old_mac, f, n);
    }
    return p == end ? 0 : -1;
}

static int parse_record(const char *line, size_t len, void *rec) { return sp_hevent_parse(line, len, rec); }

size_t sp_hevent_parse_log(const char *bytes, size_t len, bool partial, size_t keep, sp_hevent **out, size_t *bad)
{
    void *v;
    size_t n = sp_applog_last_records(bytes, len, partial, keep, sizeof **out, parse_record, &v, bad);
    *out = v;
    return n;
}

const char *sp_hevent_vendor(const sp_oui *o, const char *mac)
{
    unsigned char b[SP_LLADDR_MAX];
    size_t n = 0;
    for (const char *p = mac; n < SP_LLADDR_MAX && isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]);
         p += 3) {
        b[n++] = (unsigned char)strtoul((char[]){ p[0], p[1], 0 }, NULL, 16);
        if (p[2] != ':')
            break;
    }
    const char *v = sp_oui_lookup(o, b, n);
    return v ? v : "";
}

void sp_hevent_json(const sp_hevent *ev, const sp_oui *o, FILE *f)
{
    sp_json j;
    char ts[40] = "1970-01-01T00:00:00";
    time_t t = (time_t)(ev->time_ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sp_json_begin(&j, f);
    sp_json_str(&j, "time", ts);
    sp_json_str(&j, "event", sp_hev_kind_name(ev->kind));
    sp_json_str(&j, "ip", ev->ip);
    sp_json_str(&j, "mac", ev->mac);
    const char *v = sp_hevent_vendor(o, ev->mac);
    sp_json_str(&j, "vendor", *v ? v : NULL);
    sp_json_str(&j, "ifname", ev->ifname);
    if (ev->kind == SP_HEV_FLIPFLOP) {
        sp_json_str(&j, "old_mac", ev->old_mac);
        v = sp_hevent_vendor(o, ev->old_mac);
        sp_json_str(&j, "old_vendor", *v ? v : NULL);
    }
    sp_json_end(&j);
}

/* ---- stations ---- */

void sp_history_init(sp_history *h, double gone_after)
{
    memset(h, 0, sizeof *h);
    sp_strset_init(&h->index);
    h->gone_after = gone_after;
}

void sp_history_free(sp_history *h)
{
    free(h->st);
    sp_strset_free(&h->index);
    memset(h, 0, sizeof *h);
}

const sp_station *sp_history_find(const sp_history *h, const char *ip)
{
    size_t i;
    return sp_strset_find(&h->index, ip, &i) ? &h->st[i] : NULL;
}

static sp_station *station(sp_history *h, const char *ip, bool create)
{
    size_t i;
    if (sp_strset_find(&h->index, ip, &i))
        return &h->st[i];
    if (!create || h->n >= SP_HISTORY_STATIONS)
        return NULL;
    SP_GROW(h->st, h->cap, h->n + 1);
    sp_station *s = &h->st[h->n];
    memset(s, 0, sizeof *s);
    snprintf(s->ip, sizeof s->ip, "%s", ip);
    sp_strset_add(&h->index, s->ip, h->n);
    h->n++;
    return s;
}

void sp_history_replay(sp_history *h, const sp_hevent *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const sp_hevent *e = &ev[i];
        sp_station *s = station(h, e->ip, true);
        if (!s)
            continue;
        double t = (double)e->time_ms / 1000;
        if (!s->mac[0])
            s->first_seen = t;
        s->family = e->family;
        memcpy(s->addr, e->addr, sizeof s->addr);
        memcpy(s->mac, e->mac, sizeof s->mac);
        memcpy(s->ifname, e->ifname, sizeof s->ifname);
        s->last_seen = t;
        s->gone = e->kind == SP_HEV_GONE;
    }
}

static bool present(const sp_neigh *r)
{
    if (r->self || !r->maclen || (r->state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NOARP)) || r->state == NUD_NONE)
        return false;
    for (size_t i = 0; i < r->maclen; i++)
        if (r->mac[i])
            return true;
    return false; /* all zero: no address yet */
}

static void emit(sp_hev_fn *fn, void *ud, sp_hev_kind kind, const sp_station *s, const char *old, double now)
{
    sp_hevent ev = { .time_ms = (int64_t)(now * 1000), .kind = kind, .family = s->family };
    memcpy(ev.addr, s->addr, sizeof ev.addr);
    memcpy(ev.ip, s->ip, sizeof ev.ip);
    memcpy(ev.mac, s->mac, sizeof ev.mac);
    memcpy(ev.ifname, s->ifname, sizeof ev.ifname);
    if (old)
        snprintf(ev.old_mac, sizeof ev.old_mac, "%s", old);
    if (fn)
        fn(ud, &ev);
}

size_t sp_history_observe(sp_history *h, const sp_neigh_table *t, double now, sp_hev_fn *fn, void *ud)
{
    size_t events = 0;
    for (size_t i = 0; i < t->count; i++) {
        const sp_neigh *r = t->items[i];
        if (!present(r))
            continue;
        sp_station *s = station(h, r->ip, true);
        if (!s)
            continue;
        bool fresh = !s->mac[0];
        s->family = r->family;
        memcpy(s->addr, r->addr, sizeof s->addr);
        memcpy(s->ifname, r->ifname, sizeof s->ifname);
        s->last_seen = now;
        if (fresh) {
            s->first_seen = now;
            memcpy(s->mac, r->macstr, sizeof s->mac);
            emit(fn, ud, SP_HEV_NEW, s, NULL, now);
            events++;
        } else if (strcmp(s->mac, r->macstr) != 0) {
            char old[sizeof s->mac];
            memcpy(old, s->mac, sizeof old);
            memcpy(s->mac, r->macstr, sizeof s->mac);
            s->gone = false;
            emit(fn, ud, SP_HEV_FLIPFLOP, s, old, now);
            events++;
        } else if (s->gone) {
            s->gone = false;
            emit(fn, ud, SP_HEV_BACK, s, NULL, now);
            events++;
        }
    }
    for (size_t i = 0; h->st && i < h->n; i++) {
        sp_station *s = &h->st[i];
        if (!s->gone && s->mac[0] && now - s->last_seen >= h->gone_after) {
            s->gone = true;
            emit(fn, ud, SP_HEV_GONE, s, NULL, now);
            events++;
        }
    }
    return events;
}
