/* A second, deliberately plain implementation of the bot's dictionary
 * format and matching rule (docs/chat.md, bot.h) for the bot fuzzers to
 * compare against: no indexes, no hashing, own UTF-8 decoding, quadratic
 * where that is simplest. Included by fuzz_bot_tsv.c and fuzz_bot_match.c. */
#ifndef SOCKPIT_FUZZ_BOT_REFERENCE_H
#define SOCKPIT_FUZZ_BOT_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One UTF-8 character by Unicode's table of well-formed sequences; an
 * ill-formed one is U+FFFD over its maximal subpart (at least one byte). */
static size_t ref_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        need = 2;
    else if (c >= 0xe0 && c <= 0xef)
        need = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 4;
    else {
        *cp = 0xfffd;
        return 1;
    }
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    uint32_t v = c & (need == 2 ? 0x1f : need == 3 ? 0x0f : 0x07);
    for (size_t i = 1; i < need; i++) {
        unsigned char lo_i = i == 1 ? lo : 0x80, hi_i = i == 1 ? hi : 0xbf;
        if (i >= n || s[i] < lo_i || s[i] > hi_i) {
            *cp = 0xfffd;
            return i;
        }
        v = v << 6 | (s[i] & 0x3f);
    }
    *cp = v;
    return need;
}

static bool ref_valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = ref_utf8(s + i, n - i, &cp);
        if (cp == 0xfffd && !(k == 3 && s[i] == 0xef && s[i + 1] == 0xbf && s[i + 2] == 0xbd))
            return false;
        i += k;
    }
    return true;
}

/* Python's str.isspace(), which str.split() uses. */
static bool ref_ws(uint32_t c)
{
    static const uint32_t ws[] = { 9,      10,     11,     12,     13,     0x1c,   0x1d,   0x1e,   0x1f,
                                   0x20,   0x85,   0xa0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
                                   0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
                                   0x205f, 0x3000 };
    for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++)
        if (ws[i] == c)
            return true;
    return false;
}

typedef struct ref_entry {
    const unsigned char *q, *a;
    size_t qn, an;
} ref_entry;

typedef struct ref_report {
    size_t line;
    const char *why;
} ref_report;

typedef struct ref_dict {
    ref_entry *e;
    size_t n;
    ref_report *bad;
    size_t nbad;
} ref_dict;

/* Splits the TSV by the documented rules; entries point into data. */
static void ref_dict_parse(const unsigned char *data, size_t len, ref_dict *d)
{
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += data[i] == '\n';
    d->e = malloc(lines * sizeof *d->e);
    d->bad = malloc(lines * sizeof *d->bad);
    if (!d->e || !d->bad)
        abort();
    d->n = d->nbad = 0;
    size_t lineno = 0;
    for (size_t start = 0; start < len;) {
        size_t end = start;
        while (end < len && data[end] != '\n')
            end++;
        const unsigned char *l = data + start;
        size_t n = end - start;
        start = end + 1;
        lineno++;
        if (n && l[n - 1] == '\r')
            n--;
        if (n == 0 || l[0] == '#')
            continue;
        size_t tab = 0;
        while (tab < n && l[tab] != '\t')
            tab++;
        const char *why = NULL;
        const unsigned char *a = l + tab + 1;
        size_t an = tab < n ? n - tab - 1 : 0;
        if (tab == n)
            why = "no TAB between question and answer";
        else if (tab == 0)
            why = "the question is empty";
        else if (an == 0)
            why = "the answer is empty";
        else if (memchr(a, '\t', an))
            why = "more than one TAB (want question<TAB>answer)";
        else if (!ref_valid_utf8(l, tab) || !ref_valid_utf8(a, an))
            why = "not valid UTF-8";
        for (size_t k = 0; !why && k < d->n; k++)
            if (d->e[k].qn == tab && memcmp(d->e[k].q, l, tab) == 0)
                why = "duplicate question (the first one is kept)";
        if (why)
            d->bad[d->nbad++] = (ref_report){ lineno, why };
        else
            d->e[d->n++] = (ref_entry){ l, a, tab, an };
    }
}

static void ref_dict_free(ref_dict *d)
{
    free(d->e);
    free(d->bad);
}

/* Code points of s; with collapse, ' '.join(s.split()). Returns the count;
 * out must hold n entries. */
static size_t ref_cps(const unsigned char *s, size_t n, uint32_t *out, bool collapse)
{
    size_t k = 0;
    bool gap = false;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        i += ref_utf8(s + i, n - i, &c);
        if (collapse && ref_ws(c)) {
            gap = true;
            continue;
        }
        if (collapse && gap && k)
            out[k++] = ' ';
        gap = false;
        out[k++] = c;
    }
    return k;
}

typedef struct ref_word {
    const uint32_t *p;
    size_t n;
} ref_word;

/* The distinct whitespace-separated words of cps[0..n); out holds n. */
static size_t ref_words(const uint32_t *cps, size_t n, ref_word *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (ref_ws(cps[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && !ref_ws(cps[j]))
            j++;
        bool seen = false;
        for (size_t m = 0; m < k && !seen; m++)
            seen = out[m].n == j - i && memcmp(out[m].p, cps + i, (j - i) * sizeof *cps) == 0;
        if (!seen)
            out[k++] = (ref_word){ cps + i, j - i };
        i = j;
    }
    return k;
}

/* The textbook's rule, as the Python reads:
 *   msg = ' '.join(msg.split())
 *   for q, a in pairs:
 *       if common_prefix(q, msg) > 0.7 * len(q): return a
 *       n = len(set(q.split()) & set(msg.split()))
 *       if n > best: best, answer = n, a
 *   return answer or 'Sorry.'
 * Returns the winning entry's index, or -1 for "Sorry.". */
static long ref_reply(const ref_dict *d, const unsigned char *msg, size_t len)
{
    uint32_t *m = malloc((len + 1) * sizeof *m);
    ref_word *mw = malloc((len + 1) * sizeof *mw);
    if (!m || !mw)
        abort();
    size_t mn = ref_cps(msg, len, m, true);
    size_t nmw = ref_words(m, mn, mw);
    long win = -1;
    size_t best = 0;
    for (size_t k = 0; k < d->n; k++) {
        const ref_entry *e = &d->e[k];
        uint32_t *q = malloc((e->qn + 1) * sizeof *q);
        ref_word *qw = malloc((e->qn + 1) * sizeof *qw);
        if (!q || !qw)
            abort();
        size_t qn = ref_cps(e->q, e->qn, q, false);
        size_t p = 0;
        while (p < qn && p < mn && q[p] == m[p])
            p++;
        bool prefix = (double)p > 0.7 * (double)qn;
        size_t shared = 0;
        if (!prefix) {
            size_t nqw = ref_words(q, qn, qw);
            for (size_t i = 0; i < nqw; i++)
                for (size_t j = 0; j < nmw; j++)
                    if (qw[i].n == mw[j].n && memcmp(qw[i].p, mw[j].p, qw[i].n * sizeof *q) == 0)
                        shared++;
        }
        free(q);
        free(qw);
        if (prefix) {
            win = (long)k;
            break;
        }
        if (shared > best) {
            best = shared;
            win = (long)k;
        }
    }
    free(m);
    free(mw);
    return win;
}

#endif
