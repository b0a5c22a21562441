/* Record type names and masks (rrtype.h). */
#include "sockpit/dns/rrtype.h"

#include <arpa/nameser.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const names[SP_RR_N] = { "A", "AAAA", "CNAME", "MX", "NS", "TXT", "CAA", "SOA" };
/* CAA (257) has no ns_t_ constant in every libc. The CNAME chain is read
 * from an A reply, where a resolver gives every hop. */
static const int qtypes[SP_RR_N] = { ns_t_a, ns_t_aaaa, ns_t_a, ns_t_mx, ns_t_ns, ns_t_txt, 257, ns_t_soa };

const char *sp_rrtype_name(sp_rrtype t) { return (unsigned)t < SP_RR_N ? names[t] : "?"; }

int sp_rrtype_qtype(sp_rrtype t) { return qtypes[t]; }

int sp_rrtype_parse(const char *s, size_t len)
{
    for (int t = 0; t < SP_RR_N; t++)
        if (strlen(names[t]) == len && strncasecmp(s, names[t], len) == 0)
            return t;
    return -1;
}

int sp_rrmask_parse(const char *s, size_t len, unsigned *mask, char *err, size_t errlen)
{
    *mask = 0;
    size_t i = 0;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        size_t start = i;
        while (i < len && s[i] != ',' && s[i] != ' ' && s[i] != '\t')
            i++;
        size_t end = i;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        int t = sp_rrtype_parse(s + start, end - start);
        if (t < 0) {
            if (end == start)
                snprintf(err, errlen, "a record type is missing (write them as A,AAAA,CNAME,MX,NS,TXT,CAA,SOA)");
            else
                snprintf(err, errlen, "unknown record type (the watch knows A, AAAA, CNAME, MX, NS, TXT, CAA, SOA)");
            return -1;
        }
        *mask |= SP_RRBIT(t);
        if (i >= len)
            return 0;
        if (s[i] != ',') {
            snprintf(err, errlen, "record types are separated by commas, as in MX,NS");
            return -1;
        }
        i++;
    }
}

const char *sp_rrmask_format(unsigned mask, char *buf)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int t = 0; t < SP_RR_N; t++)
        if (mask & SP_RRBIT(t))
            used += (size_t)snprintf(buf + used, SP_RRMASK_STRLEN - used, "%s%s", used ? "," : "", names[t]);
    return buf;
}
