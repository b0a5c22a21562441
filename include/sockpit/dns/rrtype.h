/* The record types the DNS watch can follow for a name, as bits of a mask
 * (A and AAAA by default). The order of the enum is the order they are
 * shown and queried in. */
#ifndef SOCKPIT_RRTYPE_H
#define SOCKPIT_RRTYPE_H

#include <stddef.h>

typedef enum sp_rrtype {
    SP_RR_A,
    SP_RR_AAAA,
    SP_RR_CNAME,
    SP_RR_MX,
    SP_RR_NS,
    SP_RR_TXT,
    SP_RR_CAA,
    SP_RR_SOA,
    SP_RR_N
} sp_rrtype;

#define SP_RRBIT(t) (1u << (t))
#define SP_RRMASK_ADDR (SP_RRBIT(SP_RR_A) | SP_RRBIT(SP_RR_AAAA))
#define SP_RRMASK_ALL ((1u << SP_RR_N) - 1u)
/* The longest text of a mask: every type, comma-separated. */
#define SP_RRMASK_STRLEN 40

/* "A", "AAAA", "MX", ... */
const char *sp_rrtype_name(sp_rrtype t);
/* The DNS type number a query for t asks for (ns_t_a for CNAME: the chain
 * comes with the A answer). */
int sp_rrtype_qtype(sp_rrtype t);
/* Parses one name, any case. Returns the type or -1. */
int sp_rrtype_parse(const char *s, size_t len);
/* Parses "MX,NS" (any case, blanks around items allowed) into *mask.
 * Returns 0, or -1 with a one-line reason in err. */
int sp_rrmask_parse(const char *s, size_t len, unsigned *mask, char *err, size_t errlen);
/* "A,AAAA,MX" into buf[SP_RRMASK_STRLEN]; "" for 0. */
const char *sp_rrmask_format(unsigned mask, char *buf);

#endif
