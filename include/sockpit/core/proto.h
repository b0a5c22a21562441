/* Transport protocols: the services file, listeners and connections share
 * one numbering and one spelling. */
#ifndef SOCKPIT_CORE_PROTO_H
#define SOCKPIT_CORE_PROTO_H

#include <stddef.h>

typedef enum sp_proto {
    SP_PROTO_TCP,
    SP_PROTO_UDP,
    SP_PROTO_SCTP,
    SP_PROTO_DCCP,
    SP_PROTO_DDP, /* AppleTalk, still in Debian's file */
    SP_PROTO_COUNT
} sp_proto;

const char *sp_proto_name(int proto);
/* The protocol named s[0..len), or -1. */
int sp_proto_lookup(const char *s, size_t len);

#endif
