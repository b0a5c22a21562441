/* The services(5) database: a parser that takes bytes ("name port/proto
 * [aliases...] [# comment]" lines), the table grouped by service name as the
 * textbook's {'pop3s': [(995, 'tcp'), (995, 'udp')]} map, lookups both ways
 * with the answers getservbyport/getservbyname give, and the filter the
 * pane runs on every key press. Nothing here opens a file except
 * sp_services_read_file, which only reads one into memory. */
#ifndef SOCKPIT_SERVICES_H
#define SOCKPIT_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/core/proto.h"

/* Longest name or alias accepted, in bytes; a longer one makes the line
 * malformed. Real names are at most 15 characters (RFC 6335). */
#define SP_SERVICE_NAME_MAX 63
/* Largest services file read. */
#define SP_SERVICES_FILE_MAX ((size_t)64 * 1024 * 1024)
/* How many malformed lines are remembered with their reason. */
#define SP_SERVICES_BAD_KEPT 16

/* One line of the file. */
typedef struct sp_service {
    const char *name;
    char **aliases;
    uint32_t naliases;
    uint32_t line;   /* 1-based line number in the file */
    uint32_t group;  /* index into sp_services.groups */
    uint16_t port;
    uint8_t proto;
} sp_service;

/* One service name with every line that names it (file order). */
typedef struct sp_service_group {
    const char *name;
    const uint32_t *entries;  /* indices into sp_services.v */
    uint32_t nentries;
    const char **aliases;     /* distinct, first seen first */
    uint32_t naliases;
    uint16_t min_port;
    bool well_known;          /* some port in 1..1024 */
    const char *haystack;     /* lower-case "name\nalias\n...", for the filter */
} sp_service_group;

typedef struct sp_services_bad {
    uint32_t line;
    const char *why;
} sp_services_bad;

/* A name or an alias and the line it is on. */
typedef struct sp_service_key {
    const char *key;
    uint32_t entry;
} sp_service_key;

typedef struct sp_services {
    sp_service *v;            /* file order */
    size_t n;
    sp_service_group *groups; /* sorted by name */
    size_t ngroups;
    uint32_t *by_port;        /* entries sorted by (port, proto, file order) */
    uint32_t *groups_by_port; /* groups sorted by (lowest port, name) */
    size_t malformed;
    sp_services_bad bad[SP_SERVICES_BAD_KEPT]; /* the first malformed lines */
    size_t nbad;
    /* storage the pointers above point into */
    char *pool;
    char **alias_pool;
    uint32_t *group_entries;
    const char **group_aliases;
    char *haystacks;
    sp_service_key *names;    /* sorted by (key, line): getservbyname */
    size_t nnames;
} sp_services;

/* Parses a services file. Malformed lines (no port/protocol, unknown
 * protocol, port 0 or above 65535, a port that is not a plain decimal
 * number, a name or alias longer than SP_SERVICE_NAME_MAX, a NUL byte, a
 * carriage return, a last line without its newline) are skipped and
 * counted. */
sp_services *sp_services_parse(const char *buf, size_t len);
void sp_services_free(sp_services *t);

/* getservbyport: the first line (file order) with this port and protocol;
 * proto -1 means any. NULL if none. O(log n). */
const sp_service *sp_services_by_port(const sp_services *t, unsigned port, int proto);
/* getservbyname: the first line whose name or an alias is `name`, with
 * this protocol (-1: any). O(log n). */
const sp_service *sp_services_by_name(const sp_services *t, const char *name, int proto);

/* Every line for a port and protocol, hidden ones too: returns how many,
 * and the first index into by_port in *first. O(log n). */
size_t sp_services_port_entries(const sp_services *t, unsigned port, int proto, size_t *first);

/* What getservbyport answers for each port lo..hi and each protocol whose
 * bit (1u << proto) is in proto_mask, in (port, proto) order: the textbook's
 * loop in one pass. out needs room for t->n entries. Returns how many
 * were written. */
size_t sp_services_range(const sp_services *t, unsigned lo, unsigned hi, unsigned proto_mask,
                         const sp_service **out);

/* Whether a port is one the lookup by port answers with this very entry
 * (a later line for the same port and protocol is hidden, as in libc). */
bool sp_services_is_primary(const sp_services *t, const sp_service *s);

/* Filter text: matched case-insensitively against names and aliases
 * (substring), and when it is all digits, against port numbers (prefix:
 * "44" matches 443 and 4400). */
typedef struct sp_services_filter {
    char text[SP_SERVICE_NAME_MAX * 4 + 1]; /* lower-cased */
    size_t len;
    bool digits;
    unsigned value; /* the number when digits and <= 5 digits, else 0 */
    unsigned ndigits;
} sp_services_filter;

void sp_services_filter_set(sp_services_filter *f, const char *text);
bool sp_services_group_matches(const sp_services *t, const sp_service_group *g, const sp_services_filter *f);
/* Writes the groups among in[0..n) that match to out (which may be in);
 * returns how many. The order is kept. */
size_t sp_services_filter_run(const sp_services *t, const sp_services_filter *f, const uint32_t *in, size_t n,
                              uint32_t *out);
/* True when every group matching `now` also matches `before` (the text was
 * only extended), so filtering the previous result is enough. */
bool sp_services_filter_narrows(const char *before, const char *now);

/* A lookup as typed: "http", "http/udp", "443", "443/udp". */
typedef struct sp_service_query {
    bool by_port;
    unsigned port;
    char name[SP_SERVICE_NAME_MAX + 1];
    int proto; /* -1: any */
} sp_service_query;

/* Returns 0, or -1 with a one-line reason in err. */
int sp_service_query_parse(const char *s, sp_service_query *q, char *err, size_t errlen);
/* The answer, or NULL with the textbook's "no service 'http' for udp" (or
 * "no service for port 4444/udp") in msg. */
const sp_service *sp_service_query_run(const sp_services *t, const sp_service_query *q, char *msg, size_t msglen);

/* Reads a whole file into a malloc'd buffer (up to SP_SERVICES_FILE_MAX).
 * Pipes and other non-regular files are refused unless allow_stream, since
 * they could block. Returns 0, or -1 with "PATH: reason" in err. */
int sp_services_read_file(const char *path, bool allow_stream, char **buf, size_t *len, char *err, size_t errlen);

#endif
