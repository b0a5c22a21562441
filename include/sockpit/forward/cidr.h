/* Allow and deny lists of IPv4 and IPv6 prefixes for the forwarder: who may
 * connect. An IPv4 client seen by an IPv6 listener (::ffff:a.b.c.d) matches
 * the IPv4 prefixes. */
#ifndef SOCKPIT_FORWARD_CIDR_H
#define SOCKPIT_FORWARD_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define SP_CIDR_MAX 64

typedef struct sp_cidr {
    bool v6;
    uint8_t bits;     /* prefix length: 0-32 or 0-128 */
    uint8_t addr[16]; /* network byte order, host bits cleared */
} sp_cidr;

typedef struct sp_cidr_list {
    size_t n;
    sp_cidr v[SP_CIDR_MAX];
} sp_cidr_list;

/* "10.0.0.0/8", "192.0.2.7" (a /32), "fd00::/8", "::1" (a /128). Host bits
 * set below the prefix are cleared. s is len bytes, not NUL-terminated.
 * Returns 0, or -1 with a reason in err. */
int sp_cidr_parse(const char *s, size_t len, sp_cidr *out, char *err, size_t errlen);
/* Adds every prefix of "CIDR[,CIDR...]". A prefix already in is skipped.
 * Returns 0, or -1 (l unchanged) with a reason in err. */
int sp_cidr_list_add(sp_cidr_list *l, const char *csv, char *err, size_t errlen);
/* Whether the address of sa (AF_INET or AF_INET6) is in one of the prefixes. */
bool sp_cidr_list_match(const sp_cidr_list *l, const struct sockaddr *sa);
/* "10.0.0.0/8"; at least 44 bytes hold any. */
void sp_cidr_format(const sp_cidr *c, char *out, size_t outlen);
/* The prefixes joined by commas ("" when none). */
void sp_cidr_list_format(const sp_cidr_list *l, char *out, size_t outlen);

/* The forwarder's rule: a denied address is refused; with a non-empty
 * allow list, so is every address not in it. */
bool sp_cidr_permits(const sp_cidr_list *allow, const sp_cidr_list *deny, const struct sockaddr *sa);

#endif
