/* The watch.list parser on any bytes: one entry per line, each kept as
 * written, so serialising gives the input back (with a final newline); a
 * name is valid, lower-case, listed once, with a mode in range; bad lines
 * are reported in order and kept; parsing the serialised file gives the
 * same names and modes; an edit (a new mode, a new name, a removal)
 * survives a serialise/parse round trip and leaves the other lines as
 * written. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/dns/watchlist.h"

static void check_entries(const sp_watchlist *l, const sp_watchlist_problem *p, size_t np)
{
    for (size_t i = 0; i < l->n; i++) {
        const sp_watchlist_entry *e = &l->v[i];
        if (!e->name[0])
            continue;
        char norm[SP_DNSNAME_MAX + 1], err[160];
        if (sp_dnsname_check(e->name, strlen(e->name), norm, err, sizeof err) < 0 || strcmp(norm, e->name) != 0)
            abort();
        if (e->mode != SP_WMODE_DEFAULT && e->mode != SP_WMODE_INTERVAL && e->mode != SP_WMODE_TTL)
            abort();
        if (e->mode == SP_WMODE_INTERVAL && (e->interval_ms < SP_INTERVAL_MIN_MS || e->interval_ms > SP_INTERVAL_MAX_MS))
            abort();
        for (size_t k = 0; k < i; k++)
            if (strcmp(l->v[k].name, e->name) == 0)
                abort();
    }
    for (size_t i = 0; i < np; i++)
        if (p[i].line < 1 || p[i].line > l->n || (i && p[i].line <= p[i - 1].line) ||
            strnlen(p[i].msg, sizeof p[i].msg) == sizeof p[i].msg || l->v[p[i].line - 1].name[0])
            abort();
}

static bool same_names(const sp_watchlist *a, const sp_watchlist *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].name, b->v[i].name) != 0 || (a->v[i].name[0] && a->v[i].mode != b->v[i].mode) ||
            (a->v[i].mode == SP_WMODE_INTERVAL && a->v[i].interval_ms != b->v[i].interval_ms))
            return false;
    return true;
}

/* Serialise, check the text, parse it back. */
static void round_trip(const sp_watchlist *l, sp_watchlist *back, size_t *nprobs)
{
    size_t len;
    char *text = sp_watchlist_serialise(l, &len);
    if (text[len] != '\0' || (len && text[len - 1] != '\n'))
        abort();
    sp_watchlist_problem *p;
    sp_watchlist_parse(text, len, back, &p, nprobs);
    check_entries(back, p, *nprobs);
    if (!same_names(l, back))
        abort();
    free(p);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    sp_watchlist l;
    sp_watchlist_init(&l);
    sp_watchlist_problem *probs;
    size_t np;
    sp_watchlist_parse(in, size, &l, &probs, &np);
    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += in[i] == '\n';
    lines += size && in[size - 1] != '\n';
    if (l.n != lines)
        abort();
    check_entries(&l, probs, np);
    for (size_t i = 0; i < l.n; i++)
        if (!l.v[i].line)
            abort();

    /* Kept as written: the same bytes, with a final newline. */
    size_t len;
    char *text = sp_watchlist_serialise(&l, &len);
    if (len != size + (size && in[size - 1] != '\n') || memcmp(text, in, size) != 0)
        abort();
    free(text);
    sp_watchlist back;
    sp_watchlist_init(&back);
    size_t np2;
    round_trip(&l, &back, &np2);
    if (np2 != np)
        abort();
    sp_watchlist_free(&back);

    /* Edits. */
    long ms = SP_INTERVAL_MIN_MS + (long)(size * 7919 % (unsigned long)(SP_INTERVAL_MAX_MS - SP_INTERVAL_MIN_MS));
    char iv[32], err[160];
    sp_wmode mode;
    long ms2;
    if (sp_watchlist_parse_interval(sp_watchlist_format_interval(SP_WMODE_INTERVAL, ms, iv, sizeof iv), strlen(iv),
                                    &mode, &ms2, err, sizeof err) < 0 ||
        mode != SP_WMODE_INTERVAL || ms2 != ms)
        abort();
    size_t names = sp_watchlist_names(&l);
    for (size_t i = 0; i < l.n; i++) {
        if (!l.v[i].name[0])
            continue;
        char name[SP_DNSNAME_MAX + 1];
        memcpy(name, l.v[i].name, sizeof name);
        if (!sp_watchlist_set_mode(&l, name, size & 1 ? SP_WMODE_TTL : SP_WMODE_INTERVAL, ms))
            abort();
        /* Not with problems: a removal would bring a line listing it again to life. */
        if (size & 2 && np == 0) {
            if (!sp_watchlist_remove(&l, name) || sp_watchlist_names(&l) != names - 1)
                abort();
            names--;
        }
        break;
    }
    int added = sp_watchlist_add(&l, "added.example", size & 4 ? SP_WMODE_DEFAULT : SP_WMODE_INTERVAL, ms);
    if ((added == 0) != (sp_watchlist_names(&l) == names + 1) || !sp_watchlist_find(&l, "added.example"))
        abort();
    round_trip(&l, &back, &np2);
    sp_watchlist_free(&back);

    free(probs);
    sp_watchlist_free(&l);
    return 0;
}
