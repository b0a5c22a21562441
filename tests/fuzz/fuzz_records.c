/* Our side of the record types beyond A and AAAA: reply bytes through
 * sp_records_parse for each type (c-ares 1.18 parses, we canonicalise).
 *
 * Input: byte 0 picks the type (mod the six), the rest is the reply. The
 * invariant: every value is non-empty printable ASCII without ',', '(' or
 * ')', at most SP_VALUE_MAX bytes, and the set written as "a, b, c" (as the
 * change log writes it) parses back to the same set; the set is sorted and
 * without duplicates. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/dns/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    static const sp_rrtype types[] = { SP_RR_CNAME, SP_RR_MX, SP_RR_NS, SP_RR_TXT, SP_RR_CAA, SP_RR_SOA };
    sp_rrtype t = types[data[0] % 6];
    sp_valset set, back;
    sp_valset_init(&set);
    sp_valset_init(&back);
    int rc = sp_records_parse(t, "q.test", data + 1, (int)(size - 1), &set);
    if (rc != 0 && set.n)
        abort();
    size_t total = 0;
    for (size_t i = 0; i < set.n; i++) {
        size_t len = strlen(set.v[i]);
        if (len == 0 || len > SP_VALUE_MAX)
            abort();
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)set.v[i][k];
            if (c < 0x20 || c >= 0x7f || c == ',' || c == '(' || c == ')')
                abort();
        }
        if (i && strcmp(set.v[i - 1], set.v[i]) >= 0)
            abort();
        total += len + 2;
    }
    char *line = malloc(total + 1);
    size_t used = 0;
    for (size_t i = 0; i < set.n; i++)
        used += (size_t)sprintf(line + used, "%s%s", i ? ", " : "", set.v[i]);
    line[used] = '\0';
    if (set.n && (sp_valset_parse(line, used, &back) != 0 || !sp_valset_equal(&set, &back)))
        abort();
    free(line);
    sp_valset_free(&set);
    sp_valset_free(&back);
    return 0;
}
