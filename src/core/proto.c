/* Transport protocol names as services(5) spells them. */
#include "sockpit/core/proto.h"

#include <string.h>

static const char *const proto_names[SP_PROTO_COUNT] = { "tcp", "udp", "sctp", "dccp", "ddp" };

const char *sp_proto_name(int proto)
{
    return proto >= 0 && proto < SP_PROTO_COUNT ? proto_names[proto] : "?";
}

int sp_proto_lookup(const char *s, size_t len)
{
    for (int i = 0; i < SP_PROTO_COUNT; i++)
        if (strlen(proto_names[i]) == len && memcmp(proto_names[i], s, len) == 0)
            return i;
    return -1;
}
