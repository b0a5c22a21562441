/* The wire formats of the name sources beside PTR, as pure functions on
 * bytes: DNS messages (mDNS, RFC 6762, and LLMNR, RFC 4795, share them)
 * with compression pointers that may only point backwards, NetBIOS node
 * status (NBSTAT, RFC 1002) and, for SSDP, the headers of a reply and the
 * friendly name of a device description. Names come out in presentation
 * form: bytes below 0x20, DEL, '.' inside a label and '\' become \DDD or
 * \. escapes, so a name is one printable line (safe-text still escapes
 * the rest, bidi controls and the like, when it is shown). */
#ifndef SOCKPIT_NAMEWIRE_H
#define SOCKPIT_NAMEWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/hosts/neigh.h"

/* A name's text: 255 wire bytes at most, each escaped to at most 4. */
#define SP_WIRE_NAME_MAX 1024

/* The name at off of a DNS message into out (cap >= SP_WIRE_NAME_MAX),
 * without the trailing dot ("" for the root). Returns the offset just past
 * the name where it starts (not where pointers led), or -1: truncated, a
 * pointer that does not point before the label it replaces (so no loop is
 * possible), a reserved label type, or more than 255 bytes. */
long sp_dnswire_name(const unsigned char *msg, size_t len, size_t off, char *out, size_t cap);

/* A reverse (PTR) query for an address: one question, class IN with the
 * unicast-response bit (RFC 6762 5.4) when qu. Returns its length, or 0
 * when cap is short or the family unknown. */
size_t sp_dnswire_ptr_query(uint16_t id, int family, const void *addr, bool qu, unsigned char *out, size_t cap);

/* "4.3.2.1.in-addr.arpa" or the 32-nibble ip6.arpa form (any case, an
 * optional trailing dot) to an address. */
bool sp_reverse_name_addr(const char *name, int *family, unsigned char addr[16]);

/* A name found for an address. */
typedef struct sp_wire_name {
    int family;
    unsigned char addr[16];
    char name[SP_WIRE_NAME_MAX];
} sp_wire_name;

/* The names of a DNS response (QR set): PTR records whose owner is a
 * reverse name give (address, target); A and AAAA records give (address,
 * owner), as mDNS announcements carry them. Every section is read; the
 * records before a malformed one are kept. Returns how many it put in out
 * (at most max), or -1 when the message is not a response or its header
 * or questions are malformed. *id gets the message's ID (may be NULL). */
int sp_dnswire_names(const unsigned char *msg, size_t len, sp_wire_name *out, size_t max, uint16_t *id);

/* The address of a message's first question when it is a reverse name
 * (an answer repeats it, so even one without records ends the wait). */
bool sp_dnswire_question_addr(const unsigned char *msg, size_t len, int *family, unsigned char addr[16]);

/* NBSTAT: the node-status request ("*" as the name, type 0x21) is always
 * this long. */
#define SP_NBSTAT_QUERY_LEN 50
void sp_nbstat_query(uint16_t id, unsigned char out[SP_NBSTAT_QUERY_LEN]);

typedef struct sp_nbstat {
    uint16_t id;
    char name[64];     /* the machine: the first unique name of suffix 0x00 (or 0x20), "" if none */
    char group[64];    /* the workgroup: the first group name of suffix 0x00, "" if none */
    unsigned char mac[6]; /* the unit ID of the statistics, when has_mac */
    bool has_mac;
} sp_nbstat;

/* Parses a node-status response. Returns 0, or -1 when it is not one or is
 * malformed (a name table longer than the record). */
int sp_nbstat_parse(const unsigned char *msg, size_t len, sp_nbstat *out);

#endif
