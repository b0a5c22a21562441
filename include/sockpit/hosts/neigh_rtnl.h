/* The rtnetlink messages of the hosts model (neighbours, links, addresses,
 * the end of a dump, errors): parsed from bytes with every length checked,
 * never opening anything, so tests and fuzzers feed them directly. */
#ifndef SOCKPIT_NEIGH_RTNL_H
#define SOCKPIT_NEIGH_RTNL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SP_LLADDR_MAX 32

/* A link's counters (IFLA_STATS64). */
typedef struct sp_link_stats {
    uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets, rx_errors, tx_errors, rx_dropped, tx_dropped;
} sp_link_stats;

/* One parsed rtnetlink message. */
typedef enum sp_rtnl_kind {
    SP_RTNL_SKIP,   /* valid but of no interest (other families, proxies) */
    SP_RTNL_NEIGH,
    SP_RTNL_LINK,
    SP_RTNL_ADDR,
    SP_RTNL_DONE,   /* end of a dump */
    SP_RTNL_ERROR,  /* NLMSG_ERROR with a non-zero code (in .error, positive errno) */
    SP_RTNL_OVERRUN,/* NLMSG_OVERRUN */
} sp_rtnl_kind;

typedef struct sp_rtnl_msg {
    sp_rtnl_kind kind;
    bool del;                     /* RTM_DEL* */
    uint32_t seq;
    int family;                   /* AF_INET / AF_INET6 for neighbours and addresses */
    int ifindex;
    unsigned char addr[16];       /* neighbour or interface address */
    unsigned char prefixlen;      /* addresses */
    unsigned char lladdr[SP_LLADDR_MAX];
    size_t lladdr_len;
    uint16_t state;               /* NUD_* */
    bool has_age;
    uint32_t updated_ticks;       /* NDA_CACHEINFO: clock ticks since the last update */
    char ifname[IF_NAMESIZE];     /* links */
    unsigned ifflags;             /* IFF_* */
    unsigned mtu;
    bool has_stats;               /* links: IFLA_STATS64 */
    sp_link_stats stats;
    int error;
} sp_rtnl_msg;

/* Parses one netlink message (header included) of len bytes. Returns 0, or
 * -1 when it is malformed (truncated, bad attribute lengths). */
int sp_rtnl_parse(const void *msg, size_t len, sp_rtnl_msg *out);

#endif
