/* Several resolvers compared (compare.h). */
#include "sockpit/dns/compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/dns/dnsname.h"

void sp_compare_init(sp_compare *c, size_t nres)
{
    *c = (sp_compare){ .nres = nres };
    sp_strset_init(&c->index);
}

void sp_compare_free(sp_compare *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t r = 0; r < c->nres; r++)
            free(c->v[i].answer[r]);
        free(c->v[i].answer);
    }
    free(c->v);
    sp_strset_free(&c->index);
    *c = (sp_compare){ 0 };
}

char *sp_compare_text(const char *error, const sp_addrset *set, const sp_valset *vals)
{
    if (error) {
        size_t len = strlen(error) + 7;
        char *s = sp_xmalloc(len);
        snprintf(s, len, "error %s", error);
        return s;
    }
    if (set) {
        size_t len = sp_addrset_format(set, ", ", NULL, 0);
        char *s = sp_xmalloc(len + 1);
        sp_addrset_format(set, ", ", s, len + 1);
        return s;
    }
    size_t len = 1;
    for (size_t i = 0; vals && i < vals->n; i++)
        len += strlen(vals->v[i]) + 2;
    char *s = sp_xmalloc(len);
    size_t used = 0;
    s[0] = '\0';
    for (size_t i = 0; vals && i < vals->n; i++)
        used += (size_t)snprintf(s + used, len - used, "%s%s", i ? ", " : "", vals->v[i]);
    return s;
}

static struct sp_cmp_entry *find(const sp_compare *c, const char *name, sp_rrtype t)
{
    char key[SP_DNSNAME_MAX + 16];
    size_t i;
    snprintf(key, sizeof key, "%s/%s", name, sp_rrtype_name(t));
    return sp_strset_find(&c->index, key, &i) ? &c->v[i] : NULL;
}

sp_cmp_change sp_compare_feed(sp_compare *c, const char *name, sp_rrtype t, size_t res, const char *answer)
{
    if (res >= c->nres)
        return SP_CMP_SAME;
    struct sp_cmp_entry *e = find(c, name, t);
    if (!e) {
        char key[SP_DNSNAME_MAX + 16];
        snprintf(key, sizeof key, "%s/%s", name, sp_rrtype_name(t));
        sp_strset_add(&c->index, key, c->n);
        SP_GROW(c->v, c->cap, c->n + 1);
        e = &c->v[c->n++];
        e->answer = sp_xcalloc(c->nres, sizeof *e->answer);
        e->disagree = false;
    }
    free(e->answer[res]);
    e->answer[res] = sp_xstrdup(answer);
    bool differ = false;
    for (size_t r = 0; r < c->nres; r++) {
        if (!e->answer[r])
            return SP_CMP_SAME; /* not every resolver has answered yet */
        differ = differ || strcmp(e->answer[r], e->answer[0]) != 0;
    }
    if (differ == e->disagree)
        return SP_CMP_SAME;
    e->disagree = differ;
    return differ ? SP_CMP_DISAGREE : SP_CMP_AGREE;
}

const char *sp_compare_answer(const sp_compare *c, const char *name, sp_rrtype t, size_t res)
{
    const struct sp_cmp_entry *e = find(c, name, t);
    return e && res < c->nres ? e->answer[res] : NULL;
}

bool sp_compare_disagrees(const sp_compare *c, const char *name, sp_rrtype t)
{
    const struct sp_cmp_entry *e = find(c, name, t);
    return e && e->disagree;
}
