/* The host history (arpwatch's job): stations, an IP address with the MAC
 * last seen at it, followed across neighbour-table snapshots, and the events
 * between them, logged one line each to hosts.log in local time:
 *
 *   2026-12-01 23:00:01  new  198.18.1.10  02:00:00:00:01:0a  br0
 *   2026-12-01 23:00:09  flip-flop  198.18.1.10  02:00:00:00:01:0b  br0  02:00:00:00:01:0a
 *   2026-12-01 23:05:09  gone  198.18.1.10  02:00:00:00:01:0b  br0
 *   2026-12-01 23:06:00  back  198.18.1.10  02:00:00:00:01:0b  br0
 *
 * A flip-flop, another MAC at a known IP, is what ARP spoofing looks like.
 * Pure: the model takes tables and log bytes and gives events; the file is
 * hosts_setup.c's. */
#ifndef SOCKPIT_HISTORY_H
#define SOCKPIT_HISTORY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sockpit/core/strset.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/oui.h"

#define SP_HISTORY_FILE "hosts.log"
#define SP_HISTORY_KEEP 1000          /* events kept for the view and loaded back */
#define SP_HISTORY_MAX_BYTES (1 << 20) /* hosts.log moves to hosts.log.1 past this */
#define SP_HISTORY_STATIONS 65536     /* stations remembered at most */

typedef enum sp_hev_kind { SP_HEV_NEW, SP_HEV_FLIPFLOP, SP_HEV_GONE, SP_HEV_BACK, SP_HEV_COUNT } sp_hev_kind;
/* "new", "flip-flop", "gone", "back". */
const char *sp_hev_kind_name(sp_hev_kind k);

typedef struct sp_hevent {
    int64_t time_ms;             /* wall clock */
    sp_hev_kind kind;
    int family;
    unsigned char addr[16];
    char ip[SP_IPSTR_MAX];
    char mac[3 * SP_LLADDR_MAX];  /* the MAC now ("aa:bb:..") */
    char old_mac[3 * SP_LLADDR_MAX]; /* flip-flop: the one before, else "" */
    char ifname[IF_NAMESIZE];
} sp_hevent;

/* The log line of ev (no newline); returns its length (< cap: the fields
 * are bounded). */
size_t sp_hevent_format(const sp_hevent *ev, char *buf, size_t cap);
/* Parses one log line; 0, or -1 if it is not one. */
int sp_hevent_parse(const char *s, size_t len, sp_hevent *ev);
/* The last `keep` good lines of log bytes, oldest first, into *out
 * (malloc'd); a first line that may be cut (partial) is skipped. Returns
 * the count; *bad counts the lines that were not events. */
size_t sp_hevent_parse_log(const char *bytes, size_t len, bool partial, size_t keep, sp_hevent **out, size_t *bad);
/* The JSON Lines form (with vendors from o, which may be NULL). */
void sp_hevent_json(const sp_hevent *ev, const sp_oui *o, FILE *f);
/* The vendor of a MAC text, "" when unknown. */
const char *sp_hevent_vendor(const sp_oui *o, const char *mac);

typedef struct sp_station {
    int family;
    unsigned char addr[16];
    char ip[SP_IPSTR_MAX];
    char mac[3 * SP_LLADDR_MAX];
    char ifname[IF_NAMESIZE];
    double first_seen, last_seen; /* wall clock seconds */
    bool gone;
} sp_station;

typedef struct sp_history {
    sp_station *st;
    size_t n, cap;
    sp_strset index;              /* ip text -> index in st */
    double gone_after;            /* seconds of absence before "gone" */
} sp_history;

void sp_history_init(sp_history *h, double gone_after);
void sp_history_free(sp_history *h);
/* Rebuilds the stations from logged events (oldest first), emitting none. */
void sp_history_replay(sp_history *h, const sp_hevent *ev, size_t n);
typedef void sp_hev_fn(void *ud, const sp_hevent *ev);
/* Compares the table (wall-clock time now) with the stations: a neighbour
 * with a MAC in a live state (not FAILED, INCOMPLETE, NOARP) is present.
 * Calls fn for each event. Returns how many there were. */
size_t sp_history_observe(sp_history *h, const sp_neigh_table *t, double now, sp_hev_fn *fn, void *ud);
const sp_station *sp_history_find(const sp_history *h, const char *ip);

#endif
