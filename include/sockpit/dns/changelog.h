/* DNS watch events and their log, dns-changes.log: one line per event, in
 * local time,
 *
 *   2026-11-29 08:00:01  www.example.com  first  A: 198.18.5.1
 *   2026-11-29 08:00:01  www.example.com  A: 198.18.5.1 → 198.18.5.1, 198.18.5.9  (+198.18.5.9)
 *   2026-11-29 08:00:01  www.example.com  error  AAAA: REFUSED
 *   2026-11-29 08:00:01  www.example.com  recover  AAAA: (none)
 *   2026-11-29 08:00:01  gone.example.com  error  A,AAAA: NXDOMAIN
 *
 * Each event is about the record types before the colon (A and AAAA together
 * when they had the same outcome in one lookup); "(none)" is an empty answer
 * (NODATA). Other types carry their canonical values (records.h):
 *
 *   2026-11-29 08:00:01  example.com  MX: 10 mx1.example.com → 10 mx2.example.com  (+10 mx2.example.com, -10 mx1.example.com)
 *
 * Lines from before the types were written (no "TYPE: ") are about A and
 * AAAA together.
 *
 * With several DNS servers compared (watch_compare.h), a disagree (their
 * answers for a name's type start to differ) or agree (they match again)
 * lists each server's answer, in the order the servers were given:
 *
 *   2026-11-29 08:00:01  www.example.com  disagree  A: 127.0.0.1:5301 198.18.5.1; 127.0.0.1:5302 error REFUSED
 *   2026-11-29 08:00:09  www.example.com  agree  A: 127.0.0.1:5301 198.18.5.1; 127.0.0.1:5302 198.18.5.1
 *
 * An answer is written as elsewhere ("(none)" empty, "error WORD" a failure);
 * a "; " inside a quoted value (TXT, CAA) is part of the value. These events
 * are about the servers, not the name's answer: the resume never starts
 * from them (sp_watch_remember).
 *
 * Each line goes to the file with a single write(2) on an O_APPEND
 * descriptor before the event is shown anywhere, so once it is on screen it
 * is in the kernel and a kill -9 cannot lose it. */
#ifndef SOCKPIT_CHANGELOG_H
#define SOCKPIT_CHANGELOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sockpit/dns/addrset.h"
#include "sockpit/dns/dnsname.h"
#include "sockpit/dns/rrtype.h"
#include "sockpit/dns/valset.h"

#define SP_CHANGELOG_FILE "dns-changes.log"
#define SP_CHANGELOG_OLD ".1"   /* the previous file: dns-changes.log.1 */
#define SP_CHANGELOG_KEEP 1000 /* events loaded back on start */
#define SP_CHANGELOG_MAX_DEFAULT ((int64_t)16 << 20) /* rotated at this size */
#define SP_CHANGELOG_MAX_MIN ((int64_t)4096)

typedef enum sp_wev_kind {
    SP_WEV_FIRST,   /* first answer with records */
    SP_WEV_CHANGE,  /* the set of records differs from the last one */
    SP_WEV_ERROR,   /* a failure, or a different failure than before */
    SP_WEV_RECOVER, /* first answer after errors */
    SP_WEV_DISAGREE, /* the DNS servers compared answer differently */
    SP_WEV_AGREE,    /* they answer the same again */
} sp_wev_kind;

/* disagree/agree: one server's answer. */
typedef struct sp_wev_answer {
    char *server; /* "127.0.0.1:5301", "[::1]:53" */
    char *answer; /* sp_compare_text: "198.18.5.1, 198.18.5.9", "" (no records), "error REFUSED" */
} sp_wev_answer;

typedef struct sp_wevent {
    int64_t time_ms;               /* wall clock, ms since the epoch */
    char name[SP_DNSNAME_MAX + 1];
    sp_wev_kind kind;
    unsigned rrtype; /* the record types (SP_RRBIT mask) it is about */
    sp_addrset old;  /* change: before; recover/error: the last good set */
    sp_addrset new;  /* first/change/recover: the answer */
    sp_valset oldv, newv; /* the same for the other types (one type per event) */
    char error[16];  /* error: NXDOMAIN, NODATA, SERVFAIL, REFUSED, timeout... */
    long ttl;        /* smallest TTL of the answer; -1 unknown */
    double rtt_ms;   /* round trip of the lookup; < 0 unknown */
    sp_wev_answer *answers; /* disagree/agree: each server's (rrtype is one type); else none */
    size_t nanswers;
} sp_wevent;

const char *sp_wev_kind_name(sp_wev_kind k);
/* disagree or agree: about the servers compared, not about an answer. */
bool sp_wev_kind_is_compare(sp_wev_kind k);
/* Appends a server's answer (copies both) to a disagree/agree event. */
void sp_wevent_add_answer(sp_wevent *ev, const char *server, const char *answer);
/* The event's sets are addresses (old/new), not values (oldv/newv). */
bool sp_wevent_is_addr(const sp_wevent *ev);
void sp_wevent_init(sp_wevent *ev);
void sp_wevent_free(sp_wevent *ev);
void sp_wevent_copy(sp_wevent *dst, const sp_wevent *src);

/* The log line of ev (no newline) into buf. Returns the full length, like
 * snprintf. Names are written as they are: they were validated on entry. */
size_t sp_changelog_format(const sp_wevent *ev, char *buf, size_t cap);
/* Parses one log line. Returns 0, or -1 if it is not one. */
int sp_changelog_parse_line(const char *s, size_t len, sp_wevent *ev);
/* Parses log bytes and keeps the last `keep` good events, oldest first, in
 * *out (malloc'd, free each with sp_wevent_free). A first line that may be
 * cut (partial) is skipped. Returns the count; *bad counts lines that were
 * not events. */
size_t sp_changelog_parse(const char *bytes, size_t len, bool partial, size_t keep, sp_wevent **out, size_t *bad);

/* The JSON Lines form of ev (one line, with newline) on f: for disagree
 * and agree, "answers":{SERVER:[values],...} with a failure as its word
 * (SERVER:"REFUSED") in place of old, new, ttl and rtt_ms. */
void sp_wevent_json(const sp_wevent *ev, FILE *f);

/* Opens (creating) the log for appending. Returns an fd or -1 with err. */
int sp_changelog_open(const char *path, char *err, size_t errlen);
/* Writes ev's line with one write(2). Returns 0 or -1 with errno. */
int sp_changelog_append(int fd, const sp_wevent *ev);
/* The same, but first, when the line would take the file at *fd past max
 * bytes, rotates it: path becomes path.1 (replacing the one before) and
 * *fd a new, empty path. The rename comes first and the line is written
 * only into the new file, so at any instant (a kill -9 between any two
 * steps) every line written is in path or path.1. A file some other
 * sockpit rotated already (path is no longer the file at *fd) is only
 * reopened. A rotation that fails keeps appending to the old file. */
int sp_changelog_append_rotate(int *fd, const char *path, int64_t max, const sp_wevent *ev);

/* Called for each event, newest first; returns false to stop. */
typedef bool sp_changelog_visit_fn(void *ud, const sp_wevent *ev);
/* Walks the events of path and then of path.1 (the rotated one), newest
 * first, up to `max` bytes of each (their ends); missing files have none.
 * Returns 0 (all seen or stopped), or -1 with err. */
int sp_changelog_scan(const char *path, size_t max, sp_changelog_visit_fn *fn, void *ud, char *err, size_t errlen);
/* Reads the end of the log (up to 4 MiB; and of path.1 when path holds
 * fewer) and parses the last `keep` events. A missing file gives 0
 * events. Returns 0, or -1 with err (and no events). */
int sp_changelog_load(const char *path, size_t keep, sp_wevent **out, size_t *n, char *err, size_t errlen);

#endif
