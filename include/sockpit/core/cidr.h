/* IPv4 and IPv6 networks as ADDRESS/PREFIX: the hosts sweep's blocks and
 * the forwarder's allow and deny lists. */
#ifndef SOCKPIT_CORE_CIDR_H
#define SOCKPIT_CORE_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

typedef struct sp_cidr {
    int family;
    unsigned char addr[16];  /* the network (host bits cleared) */
    unsigned prefix;
} sp_cidr;

/* "198.18.0.0/24", "2001:db8::/120". Host bits are cleared. Returns 0, or
 * -1 with a one-line reason in err. */
int sp_cidr_parse(const char *s, sp_cidr *out, char *err, size_t errlen);
void sp_cidr_format(const sp_cidr *c, char *out, size_t cap);
/* The network of an interface address: "198.18.0.0/24". */
void sp_cidr_of(int family, const unsigned char *addr, unsigned prefix, sp_cidr *out);
/* Whether the address of sa (AF_INET or AF_INET6) is in c; an IPv4-mapped
 * IPv6 address (an IPv4 client of an IPv6 socket) counts as IPv4. */
bool sp_cidr_contains(const sp_cidr *c, const struct sockaddr *sa);

#endif
