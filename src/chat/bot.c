/* The textbook's question/answer bot, with the dictionary indexed up front:
 * keys are kept as code points (for the common-prefix test) and as sorted
 * ids of their distinct words (for the shared-word count), so a reply costs
 * one pass over the message and a merge per key. */
#include "sockpit/chat/bot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockpit/core/datadir.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/readfile.h"
#include "sockpit/core/safetext.h"

typedef struct entry {
    uint32_t *cps;     /* the question, in code points */
    size_t ncps;
    uint32_t *words;   /* sorted distinct word ids */
    size_t nwords;
    char *answer;
    size_t alen;
} entry;

typedef struct vslot {
    uint64_t hash;
    char *word;        /* NULL: empty slot */
    size_t len;
    uint32_t id;
} vslot;

struct sp_bot {
    entry *e;
    size_t n, cap;
    vslot *vocab;      /* open addressing, power-of-two size */
    size_t vcap, vcount;
};

static const char sorry[] = "Sorry.";

/* Python's str.split() whitespace, which the textbook's rule relies on. */
static bool is_ws(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
           c == 0x3000;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static vslot *vocab_find(const sp_bot *b, const char *w, size_t n, uint64_t h)
{
    if (!b->vcap)
        return NULL;
    size_t mask = b->vcap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        vslot *s = &b->vocab[i];
        if (!s->word || (s->hash == h && s->len == n && memcmp(s->word, w, n) == 0))
            return s;
    }
}

/* Twice the slots, every word moved over: a rehash, so not SP_GROW. */
static void vocab_rehash(sp_bot *b)
{
    size_t ncap = b->vcap ? b->vcap * 2 : 64;
    vslot *nv = sp_xcalloc(ncap, sizeof *nv);
    for (size_t i = 0; i < b->vcap; i++) {
        vslot *s = &b->vocab[i];
        if (!s->word)
            continue;
        size_t j = (size_t)s->hash & (ncap - 1);
        while (nv[j].word)
            j = (j + 1) & (ncap - 1);
        nv[j] = *s;
    }
    free(b->vocab);
    b->vocab = nv;
    b->vcap = ncap;
}

/* The id of a word, added when new. */
static uint32_t vocab_add(sp_bot *b, const char *w, size_t n)
{
    if ((b->vcount + 1) * 2 > b->vcap)
        vocab_rehash(b);
    uint64_t h = hash_bytes(w, n);
    vslot *s = vocab_find(b, w, n, h);
    if (s->word)
        return s->id;
    s->word = sp_xmalloc(n + 1);
    memcpy(s->word, w, n);
    s->word[n] = '\0';
    s->len = n;
    s->hash = h;
    s->id = (uint32_t)b->vcount++;
    return s->id;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static size_t sort_unique(uint32_t *v, size_t n)
{
    if (n < 2)
        return n;
    qsort(v, n, sizeof *v, cmp_u32);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[k - 1])
            v[k++] = v[i];
    return k;
}

/* Decodes UTF-8 into code points (invalid bytes become U+FFFD); with
 * collapse, leading and trailing whitespace go and inner runs become one
 * space, as ' '.join(s.split()) does. Returns the count written to out,
 * which must hold len entries. */
static size_t decode(const char *s, size_t len, uint32_t *out, bool collapse)
{
    size_t n = 0, i = 0;
    bool pending_space = false;
    while (i < len) {
        uint32_t c;
        i += sp_utf8_decode(s + i, len - i, &c);
        if (collapse && is_ws(c)) {
            pending_space = n > 0;
            continue;
        }
        if (pending_space) {
            out[n++] = ' ';
            pending_space = false;
        }
        out[n++] = c;
    }
    return n;
}

/* Calls fn for each whitespace-separated word of cps, as UTF-8. */
typedef void word_fn(void *ud, const char *w, size_t n);
static void each_word(const uint32_t *cps, size_t n, word_fn *fn, void *ud)
{
    char buf[256];
    size_t i = 0;
    while (i < n) {
        while (i < n && is_ws(cps[i]))
            i++;
        if (i >= n)
            break;
        size_t j = i;
        while (j < n && !is_ws(cps[j]))
            j++;
        size_t cap = (j - i) * 4;
        char *w = cap <= sizeof buf ? buf : sp_xmalloc(cap);
        size_t wl = 0;
        for (size_t k = i; k < j; k++)
            wl += sp_utf8_encode(cps[k], w + wl);
        fn(ud, w, wl);
        if (w != buf)
            free(w);
        i = j;
    }
}

typedef struct idlist {
    sp_bot *bot;
    const sp_bot *cbot;
    uint32_t *ids;
    size_t n, cap;
} idlist;

static void push_id(idlist *l, uint32_t id)
{
    SP_GROW(l->ids, l->cap, l->n + 1);
    l->ids[l->n++] = id;
}

static void add_key_word(void *ud, const char *w, size_t n)
{
    idlist *l = ud;
    push_id(l, vocab_add(l->bot, w, n));
}

static void find_msg_word(void *ud, const char *w, size_t n)
{
    idlist *l = ud;
    vslot *s = vocab_find(l->cbot, w, n, hash_bytes(w, n));
    /* A word no key has cannot be shared with any key. */
    if (s && s->word)
        push_id(l, s->id);
}

static bool valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        size_t k = sp_utf8_decode(s + i, n - i, &c);
        if (c == 0xFFFD && !(k == 3 && memcmp(s + i, "\xef\xbf\xbd", 3) == 0))
            return false;
        i += k;
    }
    return true;
}

static bool same_key(const entry *e, const uint32_t *cps, size_t n)
{
    return e->ncps == n && memcmp(e->cps, cps, n * sizeof *cps) == 0;
}

/* Adds one line; returns NULL when fine, else why it was skipped. */
static const char *add_line(sp_bot *b, const char *q, size_t qn, const char *a, size_t an)
{
    if (qn == 0)
        return "the question is empty";
    if (an == 0)
        return "the answer is empty";
    if (memchr(a, '\t', an))
        return "more than one TAB (want question<TAB>answer)";
    if (!valid_utf8(q, qn) || !valid_utf8(a, an))
        return "not valid UTF-8";
    uint32_t *cps = sp_xreallocarray(NULL, qn, sizeof *cps);
    size_t ncps = decode(q, qn, cps, false);
    for (size_t i = 0; i < b->n; i++) {
        if (same_key(&b->e[i], cps, ncps)) {
            free(cps);
            return "duplicate question (the first one is kept)";
        }
    }
    SP_GROW(b->e, b->cap, b->n + 1);
    idlist l = { .bot = b };
    each_word(cps, ncps, add_key_word, &l);
    char *ans = sp_xmalloc(an + 1);
    memcpy(ans, a, an);
    ans[an] = '\0';
    b->e[b->n++] = (entry){ cps, ncps, l.ids, sort_unique(l.ids, l.n), ans, an };
    return NULL;
}

sp_bot *sp_bot_parse(const char *data, size_t len, sp_bot_report_fn *report, void *ud)
{
    sp_bot *b = sp_xcalloc(1, sizeof *b);
    size_t lineno = 0, i = 0;
    while (i < len) {
        const char *line = data + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t n = nl ? (size_t)(nl - line) : len - i;
        i += n + (nl ? 1 : 0);
        lineno++;
        if (n && line[n - 1] == '\r')
            n--;
        if (n == 0 || line[0] == '#')
            continue;
        const char *tab = memchr(line, '\t', n);
        const char *why;
        if (!tab)
            why = "no TAB between question and answer";
        else
            why = add_line(b, line, (size_t)(tab - line), tab + 1, n - (size_t)(tab - line) - 1);
        if (why && report)
            report(ud, lineno, why);
    }
    return b;
}

static const char builtin_tsv[] =
    "hello\tHello! Ask me about sockets, TCP or DNS.\n"
    "hi\tHi there.\n"
    "how are you?\tFine, thank you.\n"
    "what is your name?\tI am the sockpit bot.\n"
    "what is a socket?\tAn endpoint of a connection: an address, a port and a protocol.\n"
    "what is tcp?\tA reliable, ordered byte stream between two sockets.\n"
    "what is keep-alive?\tProbes TCP sends on an idle connection to see that the peer is still there.\n"
    "bye\tBye.\n";

sp_bot *sp_bot_builtin(void) { return sp_bot_parse(builtin_tsv, sizeof builtin_tsv - 1, NULL, NULL); }

void sp_bot_free(sp_bot *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->e[i].cps);
        free(b->e[i].words);
        free(b->e[i].answer);
    }
    for (size_t i = 0; i < b->vcap; i++)
        free(b->vocab[i].word);
    free(b->vocab);
    free(b->e);
    free(b);
}

size_t sp_bot_size(const sp_bot *b) { return b->n; }

static size_t shared(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else {
            k++;
            i++;
            j++;
        }
    }
    return k;
}

const char *sp_bot_reply(const sp_bot *b, const char *msg, size_t len, size_t *alen)
{
    uint32_t small[512];
    uint32_t *cps = len <= sizeof small / sizeof small[0] ? small : sp_xreallocarray(NULL, len, sizeof *cps);
    const entry *win = NULL;
    size_t n = decode(msg, len, cps, true);
    idlist l = { .cbot = b };
    each_word(cps, n, find_msg_word, &l);
    size_t nids = sort_unique(l.ids, l.n);
    size_t best = 0;
    for (size_t k = 0; k < b->n; k++) {
        const entry *e = &b->e[k];
        size_t p = 0;
        while (p < e->ncps && p < n && e->cps[p] == cps[p])
            p++;
        /* The same float comparison as the textbook's Python. */
        if ((double)p > (double)e->ncps * 0.7) {
            win = e;
            break;
        }
        size_t s = shared(l.ids, nids, e->words, e->nwords);
        if (s > best) {
            best = s;
            win = e;
        }
    }
    free(l.ids);
    if (cps != small)
        free(cps);
    if (!win) {
        *alen = sizeof sorry - 1;
        return sorry;
    }
    *alen = win->alen;
    return win->answer;
}

sp_bot *sp_bot_load(const char *path, sp_bot_report_fn *report, void *ud, char *err, size_t errlen)
{
    char *data;
    size_t len;
    if (sp_read_file(AT_FDCWD, path, (size_t)64 << 20, SP_READ_REGULAR, &data, &len, NULL) < 0) {
        snprintf(err, errlen, "cannot read '%s': %s", path, sp_read_error(errno, (size_t)64 << 20));
        return NULL;
    }
    sp_bot *b = sp_bot_parse(data, len, report, ud);
    free(data);
    return b;
}

int sp_bot_default_path(char *out, size_t outlen) { return sp_data_file("chatbot.tsv", out, outlen); }
