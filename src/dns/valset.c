/* Sets of canonical record values (valset.h). */
#include "sockpit/dns/valset.h"

#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"

void sp_valset_init(sp_valset *s) { memset(s, 0, sizeof *s); }

void sp_valset_clear(sp_valset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    s->n = 0;
}

void sp_valset_free(sp_valset *s)
{
    sp_valset_clear(s);
    free(s->v);
    sp_valset_init(s);
}

void sp_valset_add(sp_valset *s, const char *text, size_t len)
{
    SP_GROW(s->v, s->cap, s->n + 1);
    bool cut = len > SP_VALUE_MAX;
    size_t keep = cut ? SP_VALUE_MAX - 3 : len;
    char *v = sp_xmalloc(keep + 4);
    memcpy(v, text, keep);
    memcpy(v + keep, cut ? "..." : "", cut ? 4 : 1);
    s->v[s->n++] = v;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void sp_valset_normalize(sp_valset *s)
{
    if (s->n < 2)
        return;
    qsort(s->v, s->n, sizeof *s->v, cmp);
    size_t w = 1;
    for (size_t r = 1; r < s->n; r++) {
        if (strcmp(s->v[r], s->v[w - 1]) != 0)
            s->v[w++] = s->v[r];
        else
            free(s->v[r]);
    }
    s->n = w;
}

void sp_valset_copy(sp_valset *dst, const sp_valset *src)
{
    if (dst == src)
        return;
    sp_valset_clear(dst);
    for (size_t i = 0; i < src->n; i++)
        sp_valset_add(dst, src->v[i], strlen(src->v[i]));
}

bool sp_valset_equal(const sp_valset *a, const sp_valset *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return false;
    return true;
}

void sp_valset_diff(const sp_valset *old, const sp_valset *new, sp_valset *added, sp_valset *removed)
{
    sp_valset_clear(added);
    sp_valset_clear(removed);
    size_t i = 0, j = 0;
    while (i < old->n || j < new->n) {
        int c = i == old->n ? 1 : j == new->n ? -1 : strcmp(old->v[i], new->v[j]);
        if (c < 0) {
            sp_valset_add(removed, old->v[i], strlen(old->v[i]));
            i++;
        } else if (c > 0) {
            sp_valset_add(added, new->v[j], strlen(new->v[j]));
            j++;
        } else {
            i++;
            j++;
        }
    }
}

int sp_valset_parse(const char *s, size_t len, sp_valset *out)
{
    sp_valset_clear(out);
    size_t i = 0;
    while (i < len) {
        const char *comma = memchr(s + i, ',', len - i);
        size_t end = comma ? (size_t)(comma - s) : len;
        if (end == i)
            return -1;
        for (size_t k = i; k < end; k++)
            if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] >= 0x7f || s[k] == '(' || s[k] == ')')
                return -1;
        sp_valset_add(out, s + i, end - i);
        if (!comma)
            break;
        if (end + 1 >= len || s[end + 1] != ' ')
            return -1;
        i = end + 2;
    }
    sp_valset_normalize(out);
    return 0;
}
