/* The records of one DNS reply as canonical values, for the record types
 * other than A and AAAA (rrtype.h): parsed by c-ares 1.18
 * (ares_parse_mx_reply, _ns_, _txt_reply_ext, _caa_, _soa_; the CNAME chain
 * from an A reply), written in one canonical form each so that equal
 * records compare equal and TTLs play no part:
 *
 *   CNAME  "www.example.com > cdn.example.net > edge.example.net" (one value: the chain)
 *   MX     "10 mx1.example.com"
 *   NS     "ns1.example.com"
 *   TXT    "\"v=spf1 -all\""            (one value per record, its strings joined)
 *   CAA    "0 issue \"letsencrypt.org\""
 *   SOA    "2026112901"                 (the serial)
 *
 * Names are lower-cased; every byte outside printable ASCII, and ',', '(',
 * ')', '"', '\\' (and ' ' in names), is written as \DDD. */
#ifndef SOCKPIT_RECORDS_H
#define SOCKPIT_RECORDS_H

#include "sockpit/dns/rrtype.h"
#include "sockpit/dns/valset.h"

/* The records of type t in the reply abuf[0..alen) (a reply to the query
 * sp_rrtype_qtype(t) sends) into out (cleared first, normalized). Returns
 * an ares status: ARES_SUCCESS (maybe no records), or the parser's error. */
int sp_records_parse(sp_rrtype t, const char *qname, const unsigned char *abuf, int alen, sp_valset *out);

#endif
