/* watch.list: the names the DNS watch pane keeps, one per line:
 *
 *     # comment
 *     www.example.com
 *     api.example.com interval=0.5
 *     cdn.example.com interval=ttl
 *     example.com type=MX,NS,SOA
 *
 * type= lists the record types watched (rrtype.h; default A,AAAA).
 * Blank lines, comments and lines that are not valid are kept as they are
 * (so an edit from the pane never throws away what the user wrote), but only
 * valid lines become names. Intervals are kept in milliseconds, so reading
 * and writing them does not depend on the locale.
 *
 * Parsing takes at most SP_WATCHLIST_MAX_NAMES names from at most
 * SP_WATCHLIST_MAX_LINES lines: from the line past either limit, the rest of
 * the file is reported once, ignored, and kept as one text entry so a save
 * writes it back unchanged. */
#ifndef SOCKPIT_WATCHLIST_H
#define SOCKPIT_WATCHLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/core/strset.h"
#include "sockpit/dns/dnsname.h"
#include "sockpit/dns/rrtype.h"

#define SP_INTERVAL_MIN_MS 200
#define SP_INTERVAL_MAX_MS 86400000L
#define SP_WATCHLIST_MAX_NAMES 100000
/* Every line costs an entry, blank or not. */
#define SP_WATCHLIST_MAX_LINES 200000

/* How a name is scheduled. */
typedef enum sp_wmode {
    SP_WMODE_DEFAULT,  /* the program's --interval / --ttl-mode */
    SP_WMODE_INTERVAL, /* its own interval */
    SP_WMODE_TTL,      /* when the last answer's TTL runs out */
} sp_wmode;

typedef struct sp_watchlist_entry {
    char *line;       /* the line as read (no newline); NULL when new or edited */
    size_t line_len;  /* its length: a bad line may hold NUL bytes, written back too */
    char name[SP_DNSNAME_MAX + 1]; /* "" for comments, blanks and bad lines */
    sp_wmode mode;
    long interval_ms; /* SP_WMODE_INTERVAL */
    unsigned types;   /* record types (SP_RRBIT mask); 0: A and AAAA */
} sp_watchlist_entry;

typedef struct sp_watchlist {
    sp_watchlist_entry *v;
    size_t n, cap;
    sp_strset index; /* private: each name and where it is in v */
} sp_watchlist;

/* One skipped line: its number and why. */
typedef struct sp_watchlist_problem {
    size_t line;
    char msg[200];
} sp_watchlist_problem;

void sp_watchlist_init(sp_watchlist *l);
void sp_watchlist_free(sp_watchlist *l);

/* Parses the bytes of a watch.list into l (cleared first). Bad lines are
 * kept as text and reported in *probs (malloc'd, may be NULL when none),
 * *nprobs of them. A name listed twice is reported and kept once. Time
 * linear in len. */
void sp_watchlist_parse(const char *bytes, size_t len, sp_watchlist *l, sp_watchlist_problem **probs,
                        size_t *nprobs);
/* The file's bytes (malloc'd, *len set). */
char *sp_watchlist_serialise(const sp_watchlist *l, size_t *len);

/* Number of names (entries with a name). */
size_t sp_watchlist_names(const sp_watchlist *l);
sp_watchlist_entry *sp_watchlist_find(sp_watchlist *l, const char *name);
/* Appends a name; returns -1 if it is there already. name must be valid. */
int sp_watchlist_add(sp_watchlist *l, const char *name, sp_wmode mode, long interval_ms);
bool sp_watchlist_remove(sp_watchlist *l, const char *name);
bool sp_watchlist_set_mode(sp_watchlist *l, const char *name, sp_wmode mode, long interval_ms);
bool sp_watchlist_set_types(sp_watchlist *l, const char *name, unsigned types);

/* "NAME" or "NAME/MX,NS" (the command line, the pane's prompt): the
 * checked name into out and its types (0 when none are given). Returns 0,
 * or -1 with a one-line reason in err. */
int sp_watchlist_parse_spec(const char *s, size_t len, char out[SP_DNSNAME_MAX + 1], unsigned *types, char *err,
                            size_t errlen);

/* "0.5", "2", "ttl" (-> SP_WMODE_TTL), "" or "default" (-> SP_WMODE_DEFAULT).
 * Seconds with up to three decimals, 0.2 to 86400. Returns 0 or -1 with a
 * reason in err. */
int sp_watchlist_parse_interval(const char *s, size_t len, sp_wmode *mode, long *ms, char *err, size_t errlen);
/* "0.5", "2", "ttl" or "default" into buf. */
const char *sp_watchlist_format_interval(sp_wmode mode, long ms, char *buf, size_t cap);

/* Reads the file (a missing file is an empty list). Returns 0, or -1 with a
 * reason in err. */
int sp_watchlist_load(const char *path, sp_watchlist *l, sp_watchlist_problem **probs, size_t *nprobs, char *err,
                      size_t errlen);
/* Writes the file atomically: a temporary file in the same directory,
 * fsync, rename over the old one, fsync of the directory. Creates the
 * directory if needed. Returns 0, or -1 with a reason in err. */
int sp_watchlist_save(const char *path, const sp_watchlist *l, char *err, size_t errlen);

#endif
