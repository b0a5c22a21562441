/* What a probe is pointed at, parsed from the command line or a pane: the
 * target (an address, a name, or a network of at most 256 addresses), the
 * ports (ranges, lists, `top100`, `all`), and the scope rule that keeps a
 * typo from scanning someone else's network. All pure: nothing here opens a
 * socket or resolves a name. */
#ifndef SOCKPIT_PROBE_TARGET_H
#define SOCKPIT_PROBE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/sweep.h"

/* Largest network a probe takes: an IPv4 /24 or an IPv6 /120. */
#define SP_PROBE_MAX_ADDRS 256
/* Longest name accepted (a DNS name). */
#define SP_PROBE_NAME_MAX 253

typedef struct sp_probe_addr {
    int family;             /* AF_INET or AF_INET6 */
    unsigned char addr[16];
} sp_probe_addr;

typedef enum sp_target_kind { SP_TARGET_ADDR, SP_TARGET_NET, SP_TARGET_NAME } sp_target_kind;

typedef struct sp_probe_target {
    sp_target_kind kind;
    sp_probe_addr addr;                 /* SP_TARGET_ADDR */
    sp_cidr net;                        /* SP_TARGET_NET */
    char name[SP_PROBE_NAME_MAX + 1];   /* SP_TARGET_NAME; also the text given */
} sp_probe_target;

/* "127.0.0.7", "::1", "[::1]", "198.18.0.0/24", "lab.example". A network
 * larger than SP_PROBE_MAX_ADDRS addresses is refused. Returns 0, or -1
 * with a one-line reason in err. */
int sp_probe_target_parse(const char *s, sp_probe_target *t, char *err, size_t errlen);
/* The addresses of an address or network target: a network's every address
 * (sp_cidr_nth's order). out needs SP_PROBE_MAX_ADDRS entries. */
size_t sp_probe_target_addrs(const sp_probe_target *t, sp_probe_addr *out);
/* "127.0.0.7" or "[::1]" (brackets when with_brackets and IPv6). */
void sp_probe_addr_format(const sp_probe_addr *a, bool with_brackets, char *out, size_t cap);
/* Orders by family, then address bytes (IPv4 before IPv6). */
int sp_probe_addr_cmp(const sp_probe_addr *a, const sp_probe_addr *b);

/* A set of TCP ports, ascending and without repeats. */
typedef struct sp_portset {
    uint16_t *v;
    size_t n;
} sp_portset;

/* Number of ports in the `top100` list. */
#define SP_TOP_PORTS 100
/* The `top100` ports, ascending: the TCP services found on servers and
 * home networks most often (remote shells, mail, web, file and print
 * sharing, directory, databases, messaging, remote desktops), each a
 * name in the services file (Debian's netbase) so the SERVICE column
 * names every one. */
extern const uint16_t sp_top_ports[SP_TOP_PORTS];

/* "22", "1-1024", "22,80,443", "top100", "all", and lists mixing them
 * ("top100,8000-8100"). Returns 0 with a malloc'd set in out, or -1 with a
 * one-line reason in err. */
int sp_portset_parse(const char *s, sp_portset *out, char *err, size_t errlen);
void sp_portset_free(sp_portset *p);

/* Why an address may be probed without --any-address. */
typedef enum sp_scope {
    SP_SCOPE_OUTSIDE,   /* none of the below: needs --any-address */
    SP_SCOPE_LOOPBACK,  /* 127.0.0.0/8, ::1 */
    SP_SCOPE_LINKLOCAL, /* 169.254.0.0/16, fe80::/10 */
    SP_SCOPE_PRIVATE,   /* RFC 1918 */
    SP_SCOPE_ULA,       /* fc00::/7 */
    SP_SCOPE_CGNAT,     /* 100.64.0.0/10 */
    SP_SCOPE_LOCAL,     /* this host's address, or on the network of one */
    SP_SCOPE_NEIGHBOUR, /* in the neighbour table */
} sp_scope;

/* The scope of an address; t (the hosts model, may be NULL) adds this
 * host's interface networks and its neighbours. An interface network
 * counts only when it is at most a /16 (IPv4) or a /64 (IPv6) wide, so
 * a host with a public /8 does not open the whole /8. */
sp_scope sp_probe_scope(const sp_probe_addr *a, const sp_neigh_table *t);
const char *sp_scope_name(sp_scope s);
/* The one line a refused address gets: names the address and the option. */
void sp_probe_scope_refusal(const sp_probe_addr *a, char *out, size_t cap);

#endif
