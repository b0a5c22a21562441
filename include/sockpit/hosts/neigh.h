/* The hosts model: this host's interfaces and addresses and the kernel's
 * neighbour table (ARP and NDP), fed by rtnetlink messages (neigh_rtnl.h)
 * or by the bytes of /proc/net/arp; it never opens anything itself.
 * neigh_view.h sorts and filters it. */
#ifndef SOCKPIT_NEIGH_H
#define SOCKPIT_NEIGH_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/hosts/neigh_rtnl.h"
#include "sockpit/hosts/oui.h"

#define SP_IPSTR_MAX 46

/* An address of this host. */
typedef struct sp_ifaddr {
    int family;
    unsigned char addr[16];
    unsigned char prefixlen;
} sp_ifaddr;

/* Seconds of rate history kept per link (one sample a second). */
#define SP_RATE_HISTORY 60

/* A link's throughput from two counter samples at least half a second
 * apart: bytes and packets per second, and the byte rates of the last
 * SP_RATE_HISTORY samples (oldest first from hist_head). */
typedef struct sp_link_rates {
    bool valid;
    double rx_bps, tx_bps, rx_pps, tx_pps; /* bytes and packets per second */
    float hist[SP_RATE_HISTORY];           /* rx + tx bytes per second */
    size_t nhist, hist_head;
} sp_link_rates;

typedef struct sp_link {
    int ifindex;
    char name[IF_NAMESIZE];
    unsigned flags;               /* IFF_UP, IFF_LOWER_UP... */
    unsigned mtu;
    unsigned char mac[SP_LLADDR_MAX];
    size_t maclen;
    char macstr[3 * SP_LLADDR_MAX];
    sp_ifaddr *addrs;
    size_t naddrs;
    bool has_stats;
    sp_link_stats stats;          /* the last counters */
    double stats_at;              /* monotonic seconds of that sample */
    sp_link_stats base;           /* the sample the rates were last taken from */
    double base_at;
    sp_link_rates rates;
    uint32_t mark;                /* resync generation */
} sp_link;

/* Where a name came from, best first after PTR (SP_NAME_SOURCES_ALL
 * excludes nothing; SSDP is asked only when named). */
typedef enum sp_name_source {
    SP_SRC_PTR, SP_SRC_MDNS, SP_SRC_LLMNR, SP_SRC_NBNS, SP_SRC_SSDP, SP_SRC_COUNT
} sp_name_source;
#define SP_SRC_BIT(s) (1u << (s))
/* "ptr", "mdns", "llmnr", "nbns", "ssdp". */
const char *sp_name_source_label(sp_name_source s);
/* A comma-separated list of those into a mask of SP_SRC_BIT. Returns 0, or
 * -1 with a one-line reason. */
int sp_name_sources_parse(const char *s, unsigned *mask, char *err, size_t errlen);

/* A name other than PTR's, in presentation form (namewire.h). */
typedef struct sp_hostname {
    char *name;
    char *group;                  /* NBNS: the workgroup, or NULL */
    sp_name_source source;
} sp_hostname;
#define SP_NEIGH_NAMES 8

/* A row of the neighbour list: a neighbour, or one of this host's own
 * addresses (self). */
typedef struct sp_neigh {
    int family;
    unsigned char addr[16];
    int ifindex;
    bool self;
    char ip[SP_IPSTR_MAX];
    unsigned char mac[SP_LLADDR_MAX];
    size_t maclen;
    char macstr[3 * SP_LLADDR_MAX];
    const char *vendor;           /* from the OUI table, "(random/local)", or "" */
    char ifname[IF_NAMESIZE];
    uint16_t state;
    char *name;                   /* reverse DNS ("-" NXDOMAIN, "?" timeout), NULL: not known yet */
    sp_hostname names[SP_NEIGH_NAMES]; /* from mDNS, LLMNR, NBNS, SSDP, best source first */
    size_t nnames;
    bool name_wanted;             /* set when added or its state changed: the owner may (re)resolve it */
    double first_seen, last_change; /* wall-clock seconds */
    uint32_t mark;                /* resync generation */
} sp_neigh;

typedef struct sp_neigh_table {
    sp_neigh **items;
    size_t count, cap;
    sp_link *links;
    size_t nlinks;
    const sp_oui *oui;            /* may be NULL */
    uint32_t gen;                 /* current resync generation */
    long hz;                      /* clock ticks per second for NDA_CACHEINFO */
} sp_neigh_table;

void sp_neigh_table_init(sp_neigh_table *t, const sp_oui *oui);
void sp_neigh_table_free(sp_neigh_table *t);
/* Deep copy. Always returns 0 (the fuzz reference still checks it). */
int sp_neigh_table_clone(sp_neigh_table *dst, const sp_neigh_table *src);

/* Applies one parsed message at wall-clock time now. Returns true if the
 * table changed. */
bool sp_neigh_apply(sp_neigh_table *t, const sp_rtnl_msg *m, double now);

/* Walks a buffer of netlink messages (one recv) and applies each. Returns
 * the number of messages applied, or -1 if the buffer is malformed. done is
 * set when NLMSG_DONE (or an error reply) for seq done_seq was seen, error
 * to the errno of an error reply. */
typedef struct sp_rtnl_feed_result {
    bool changed;
    bool done;
    uint32_t done_seq;
    int error;
    bool overrun;
} sp_rtnl_feed_result;
int sp_rtnl_feed(sp_neigh_table *t, const void *buf, size_t len, double now, sp_rtnl_feed_result *res);

/* /proc/net/arp: replaces the IPv4 non-self neighbours with the file's
 * rows (kept rows keep their first-seen time). Malformed lines are skipped
 * and counted in *bad (may be NULL). Returns true if the table changed. */
bool sp_neigh_apply_proc_arp(sp_neigh_table *t, const char *buf, size_t len, double now, size_t *bad);

/* Starts a resync: entries not seen again before sp_neigh_resync_end are
 * dropped (after a netlink overrun, or each /proc/net/arp read). */
void sp_neigh_resync_begin(sp_neigh_table *t);
bool sp_neigh_resync_end(sp_neigh_table *t, bool neighbours, bool links);

/* A counter sample of a link at monotonic time at: when half a second or
 * more has passed since the last rate sample, the rates are taken anew
 * (counters that went backwards - a reset - start over). */
void sp_link_sample(sp_link *l, const sp_link_stats *st, double at);

/* Adds or removes an interface address directly (the getifaddrs fallback). */
bool sp_neigh_set_link(sp_neigh_table *t, int ifindex, const char *name, unsigned flags, unsigned mtu,
                       const unsigned char *mac, size_t maclen, double now);
bool sp_neigh_add_ifaddr(sp_neigh_table *t, int ifindex, int family, const void *addr, unsigned prefixlen,
                         double now);

/* Sets the name of every row with this address. Returns true if one changed. */
bool sp_neigh_set_name(sp_neigh_table *t, int family, const void *addr, const char *name);

/* Replaces the other-source names of a row by a copy of names[0..n) (at
 * most SP_NEIGH_NAMES are kept). Returns true if they changed. */
bool sp_neigh_set_names(sp_neigh *r, const sp_hostname *names, size_t n);
/* The name to show and its source: the PTR name when there is one, else the
 * first other name; NULL when there is neither. */
const char *sp_neigh_best_name(const sp_neigh *n, sp_name_source *source);

const sp_link *sp_neigh_link(const sp_neigh_table *t, int ifindex);
/* "aa:bb:cc..." into out (3*len bytes). */
void sp_format_lladdr(const unsigned char *mac, size_t len, char *out, size_t cap);

#endif
