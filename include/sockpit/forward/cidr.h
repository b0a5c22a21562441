/* Allow and deny lists of IPv4 and IPv6 networks (core/cidr.h) for the
 * forwarder: who may connect. */
#ifndef SOCKPIT_FORWARD_CIDR_H
#define SOCKPIT_FORWARD_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "sockpit/core/cidr.h"

#define SP_CIDR_MAX 64

typedef struct sp_cidr_list {
    size_t n;
    sp_cidr v[SP_CIDR_MAX];
} sp_cidr_list;

/* Adds every network of "CIDR[,CIDR...]"; a bare address is one host (/32,
 * /128). A network already in is skipped. Returns 0, or -1 (l unchanged)
 * with a reason in err. */
int sp_cidr_list_add(sp_cidr_list *l, const char *csv, char *err, size_t errlen);
/* Whether the address of sa is in one of the networks. */
bool sp_cidr_list_match(const sp_cidr_list *l, const struct sockaddr *sa);
/* The networks joined by commas ("" when none). */
void sp_cidr_list_format(const sp_cidr_list *l, char *out, size_t outlen);

/* The forwarder's rule: a denied address is refused; with a non-empty
 * allow list, so is every address not in it. */
bool sp_cidr_permits(const sp_cidr_list *allow, const sp_cidr_list *deny, const struct sockaddr *sa);

#endif
