/* Several resolvers compared: for each name and record type, the last
 * answer of each resolver in canonical text (its sorted values, or its
 * failure), and whether they disagree. Fed one resolver's answer at a time,
 * it says when the answers start to differ (disagree) and when they are the
 * same again (agree); nothing before every resolver has answered once.
 * TTLs never reach it, so a TTL alone is no disagreement; a failure against
 * an answer is one. */
#ifndef SOCKPIT_COMPARE_H
#define SOCKPIT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/core/strset.h"
#include "sockpit/dns/addrset.h"
#include "sockpit/dns/rrtype.h"
#include "sockpit/dns/valset.h"

typedef enum sp_cmp_change { SP_CMP_SAME, SP_CMP_DISAGREE, SP_CMP_AGREE } sp_cmp_change;

typedef struct sp_compare {
    size_t nres;
    struct sp_cmp_entry {
        char **answer; /* per resolver, NULL: not answered yet */
        bool disagree;
    } *v;
    size_t n, cap;
    sp_strset index; /* "name/TYPE" and where it is in v */
} sp_compare;

void sp_compare_init(sp_compare *c, size_t nres);
void sp_compare_free(sp_compare *c);
/* The canonical text of an answer: "198.18.0.1, 198.18.0.2", "" for an
 * empty one, "error NXDOMAIN" for a failure (error non-NULL). The sets are
 * normalized. Returns a malloc'd string. */
char *sp_compare_text(const char *error, const sp_addrset *set, const sp_valset *vals);
/* Resolver `res` answered `answer` (sp_compare_text) for name's type t. */
sp_cmp_change sp_compare_feed(sp_compare *c, const char *name, sp_rrtype t, size_t res, const char *answer);
/* The last answer of resolver res for name's type t; NULL: none yet. */
const char *sp_compare_answer(const sp_compare *c, const char *name, sp_rrtype t, size_t res);
/* Whether name's type t disagrees now. */
bool sp_compare_disagrees(const sp_compare *c, const char *name, sp_rrtype t);

#endif
