/* The services(5) parser on any bytes: every entry is a well-formed line
 * (name and aliases of 1-63 bytes without blanks, port 1-65535, a known
 * protocol, the name where the line starts); entries plus malformed lines
 * are exactly the lines with data outside a comment; the indexes are
 * sorted; each entry's port and each of its names look up to a line with
 * that key no later than its own; the range walk answers each (port,
 * protocol) once, with the primary line; the filter keeps exactly the
 * groups a plain substring/port-prefix test keeps, in order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/services/services.h"

/* As the C library splits fields: a CR is a blank too. */
static bool blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

/* Lines with data before any '#', and where each line starts. */
static size_t data_lines(const char *s, size_t n, size_t **starts, size_t *nlines)
{
    size_t count = 0, lines = 0;
    *starts = malloc((n + 1) * sizeof **starts);
    if (!*starts)
        abort();
    for (size_t p = 0; p < n;) {
        const char *nl = memchr(s + p, '\n', n - p);
        size_t e = nl ? (size_t)(nl - s) : n;
        (*starts)[lines++] = p;
        bool data = false;
        for (size_t i = p; i < e && s[i] != '#'; i++)
            if (!blank(s[i]))
                data = true;
        count += data;
        p = nl ? e + 1 : n;
    }
    *nlines = lines;
    return count;
}

static void check_token(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > SP_SERVICE_NAME_MAX)
        abort();
    for (size_t i = 0; i < n; i++)
        if (blank(t[i]) || t[i] == '#' || t[i] == '\n' || t[i] == '\r')
            abort();
}

static bool has_name(const sp_service *s, const char *name)
{
    if (strcmp(s->name, name) == 0)
        return true;
    for (uint32_t a = 0; a < s->naliases; a++)
        if (strcmp(s->aliases[a], name) == 0)
            return true;
    return false;
}

static bool contains_lower(const char *hay, const char *needle)
{
    char buf[SP_SERVICE_NAME_MAX + 1];
    size_t n = strlen(hay);
    for (size_t i = 0; i <= n; i++)
        buf[i] = hay[i] >= 'A' && hay[i] <= 'Z' ? (char)(hay[i] + 32) : hay[i];
    return strstr(buf, needle) != NULL;
}

/* The filter as the header describes it. */
static bool ref_matches(const sp_services *t, const sp_service_group *g, const char *text)
{
    if (!*text)
        return true;
    size_t tl = strlen(text);
    bool digits = tl <= 5 && text[0] != '0' && strspn(text, "0123456789") == tl;
    for (uint32_t i = 0; digits && i < g->nentries; i++) {
        char p[8];
        snprintf(p, sizeof p, "%u", t->v[g->entries[i]].port);
        if (strncmp(p, text, tl) == 0)
            return true;
    }
    if (contains_lower(g->name, text))
        return true;
    for (uint32_t a = 0; a < g->naliases; a++)
        if (contains_lower(g->aliases[a], text))
            return true;
    return false;
}

static void check_filter(const sp_services *t, const char *text)
{
    sp_services_filter f;
    sp_services_filter_set(&f, text);
    uint32_t *out = malloc((t->ngroups + 1) * sizeof *out);
    if (!out)
        abort();
    size_t m = sp_services_filter_run(t, &f, t->groups_by_port, t->ngroups, out);
    if (m > t->ngroups)
        abort();
    size_t k = 0;
    for (size_t i = 0; i < t->ngroups; i++) {
        uint32_t g = t->groups_by_port[i];
        bool want = ref_matches(t, &t->groups[g], f.text);
        bool got = k < m && out[k] == g;
        if (want != got)
            abort();
        k += got;
    }
    if (k != m)
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    sp_services *t = sp_services_parse(in, size);
    size_t *starts, nlines;
    size_t want = data_lines(in, size, &starts, &nlines);
    if (t->n + t->malformed != want)
        abort();
    if (t->nbad != (t->malformed < SP_SERVICES_BAD_KEPT ? t->malformed : SP_SERVICES_BAD_KEPT))
        abort();
    for (size_t i = 0; i < t->nbad; i++)
        if (t->bad[i].line < 1 || t->bad[i].line > nlines || (i && t->bad[i].line <= t->bad[i - 1].line) ||
            !t->bad[i].why || !*t->bad[i].why)
            abort();

    for (size_t i = 0; i < t->n; i++) {
        const sp_service *s = &t->v[i];
        if (s->port == 0 || s->proto >= SP_PROTO_COUNT || s->line < 1 || s->line > nlines ||
            (i && s->line <= t->v[i - 1].line))
            abort();
        check_token(s->name);
        for (uint32_t a = 0; a < s->naliases; a++)
            check_token(s->aliases[a]);
        /* The name is the line's first token. */
        const char *l = in + starts[s->line - 1];
        while (blank(*l))
            l++;
        size_t nl = strlen(s->name);
        if (memcmp(l, s->name, nl) != 0 || !(blank(l[nl]) || l[nl] == '\n'))
            abort();
        if (strcmp(t->groups[s->group].name, s->name) != 0)
            abort();

        const sp_service *p = sp_services_by_port(t, s->port, s->proto);
        if (!p || p->port != s->port || p->proto != s->proto || p->line > s->line)
            abort();
        p = sp_services_by_port(t, s->port, -1);
        if (!p || p->port != s->port || p->line > s->line)
            abort();
        p = sp_services_by_name(t, s->name, s->proto);
        if (!p || !has_name(p, s->name) || p->proto != s->proto || p->line > s->line)
            abort();
        for (uint32_t a = 0; a < s->naliases && a < 4; a++) {
            p = sp_services_by_name(t, s->aliases[a], -1);
            if (!p || !has_name(p, s->aliases[a]) || p->line > s->line)
                abort();
        }
        size_t first, cnt = sp_services_port_entries(t, s->port, s->proto, &first);
        if (cnt == 0 || first + cnt > t->n || &t->v[t->by_port[first]] != sp_services_by_port(t, s->port, s->proto))
            abort();
    }

    size_t total = 0;
    for (size_t g = 0; g < t->ngroups; g++) {
        total += t->groups[g].nentries;
        if (g && strcmp(t->groups[g - 1].name, t->groups[g].name) >= 0)
            abort();
    }
    if (total != t->n)
        abort();
    for (size_t i = 1; i < t->n; i++) {
        const sp_service *a = &t->v[t->by_port[i - 1]], *b = &t->v[t->by_port[i]];
        if (a->port > b->port || (a->port == b->port && a->proto > b->proto) ||
            (a->port == b->port && a->proto == b->proto && a->line >= b->line))
            abort();
    }

    const sp_service **range = malloc((t->n + 1) * sizeof *range);
    if (!range)
        abort();
    size_t nr = sp_services_range(t, 1, 65535, (1u << SP_PROTO_COUNT) - 1, range);
    size_t distinct = 0;
    for (size_t i = 0; i < t->n; i++)
        distinct += sp_services_is_primary(t, &t->v[t->by_port[i]]);
    if (nr != distinct)
        abort();
    for (size_t i = 0; i < nr; i++)
        if (!sp_services_is_primary(t, range[i]) || (i && range[i - 1]->port == range[i]->port &&
                                                     range[i - 1]->proto >= range[i]->proto))
            abort();
    free(range);

    check_filter(t, "");
    if (t->n) {
        char text[SP_SERVICE_NAME_MAX + 1];
        const sp_service *s = &t->v[t->n / 2];
        size_t half = strlen(s->name) / 2 + 1;
        memcpy(text, s->name + strlen(s->name) - half, half + 1);
        check_filter(t, text);
        snprintf(text, sizeof text, "%u", s->port);
        text[(size % 5) + 1 < strlen(text) ? (size % 5) + 1 : strlen(text)] = '\0';
        check_filter(t, text);

        /* As typed: a name with a '/' or of digits only reads otherwise. */
        if (!strchr(s->name, '/') && strspn(s->name, "0123456789") != strlen(s->name)) {
            char q[SP_SERVICE_NAME_MAX + 8], err[160], msg[160];
            sp_service_query qq;
            snprintf(q, sizeof q, "%s/%s", s->name, sp_proto_name(s->proto));
            if (sp_service_query_parse(q, &qq, err, sizeof err) < 0 || qq.by_port)
                abort();
            const sp_service *r = sp_service_query_run(t, &qq, msg, sizeof msg);
            if (!r || !has_name(r, s->name) || r->proto != s->proto)
                abort();
        }
    }
    free(starts);
    sp_services_free(t);
    return 0;
}
