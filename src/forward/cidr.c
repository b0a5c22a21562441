/* Allow and deny lists (cidr.h). */
#include "sockpit/forward/cidr.h"

#include <stdio.h>
#include <string.h>

static bool same(const sp_cidr *a, const sp_cidr *b)
{
    return a->family == b->family && a->prefix == b->prefix && memcmp(a->addr, b->addr, 16) == 0;
}

int sp_cidr_list_add(sp_cidr_list *l, const char *csv, char *err, size_t errlen)
{
    sp_cidr_list copy = *l;
    const char *p = csv;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char one[80];
        if (n == 0 || n > 60) {
            snprintf(err, errlen, n ? "'%.40s...' is too long for a network" : "an empty network in '%.60s'",
                     n ? p : csv);
            return -1;
        }
        memcpy(one, p, n);
        one[n] = '\0';
        if (!memchr(one, '/', n))
            snprintf(one + n, sizeof one - n, "%s", memchr(one, ':', n) ? "/128" : "/32");
        sp_cidr c;
        if (sp_cidr_parse(one, &c, err, errlen) < 0)
            return -1;
        bool dup = false;
        for (size_t i = 0; i < copy.n && !dup; i++)
            dup = same(&copy.v[i], &c);
        if (!dup) {
            if (copy.n == SP_CIDR_MAX) {
                snprintf(err, errlen, "more than %d networks in one list", SP_CIDR_MAX);
                return -1;
            }
            copy.v[copy.n++] = c;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    *l = copy;
    return 0;
}

bool sp_cidr_list_match(const sp_cidr_list *l, const struct sockaddr *sa)
{
    for (size_t i = 0; i < l->n; i++)
        if (sp_cidr_contains(&l->v[i], sa))
            return true;
    return false;
}

void sp_cidr_list_format(const sp_cidr_list *l, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen)
        out[0] = '\0';
    for (size_t i = 0; i < l->n && used + 1 < outlen; i++) {
        char one[64];
        sp_cidr_format(&l->v[i], one, sizeof one);
        int w = snprintf(out + used, outlen - used, "%s%s", i ? "," : "", one);
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

bool sp_cidr_permits(const sp_cidr_list *allow, const sp_cidr_list *deny, const struct sockaddr *sa)
{
    if (sp_cidr_list_match(deny, sa))
        return false;
    return allow->n == 0 || sp_cidr_list_match(allow, sa);
}
