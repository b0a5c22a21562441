/* One port mapping of the forwarder, as `sockpit forward LISTEN TARGET
 * [options]` or a line of forward.list gives it:
 *
 *     # comment
 *     127.0.0.1:6000 db.lan:5432 --allow 127.0.0.0/8,198.18.0.0/24 --rate 512k
 *     6007 127.0.0.1:50007
 *
 * A LISTEN of only a port listens on 127.0.0.1. Options take their value
 * as the next word or after '=' (--rate=512k). forward.list keeps every
 * line as written (comments, blank and bad lines too), so an edit from the
 * pane never throws away what the user wrote. */
#ifndef SOCKPIT_FORWARD_FWDSPEC_H
#define SOCKPIT_FORWARD_FWDSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/forward/cidr.h"

#define SP_FWD_CONNECT_TIMEOUT_DEFAULT 5.0
#define SP_FWD_LIST_MAX_LINES 10000

typedef enum sp_fwd_proxy { SP_FWD_PROXY_NONE, SP_FWD_PROXY_V1, SP_FWD_PROXY_V2 } sp_fwd_proxy;

typedef struct sp_fwd_spec {
    char listen_host[64]; /* an IP address */
    int listen_port;
    char target_host[256]; /* a name or an IP address */
    int target_port;
    sp_cidr_list allow, deny;
    char source[64];         /* IP the target connections come from, "" any */
    uint64_t rate;           /* bytes/s per connection and direction, 0 none */
    uint64_t total_rate;     /* bytes/s for the whole mapping and direction, 0 none */
    uint64_t burst;          /* 0: sp_bucket_default_burst */
    long max_conns;          /* 0: derived from the open files limit */
    long max_conns_per_ip;   /* 0: no limit */
    double connect_timeout;  /* seconds */
    double idle_timeout;     /* seconds, 0 off */
    sp_fwd_proxy proxy;
} sp_fwd_spec;

/* The defaults: no limits, connect timeout 5 s. */
void sp_fwd_spec_init(sp_fwd_spec *s);
/* LISTEN ("PORT", "ADDR:PORT", "[V6]:PORT") and TARGET ("HOST:PORT"). */
int sp_fwd_spec_listen(sp_fwd_spec *s, const char *v, char *err, size_t errlen);
int sp_fwd_spec_target(sp_fwd_spec *s, const char *v, char *err, size_t errlen);
/* One option by its long name without "--" ("allow", "rate", ...). --allow
 * and --deny add to their list. Returns 0, or -1 with a one-line reason
 * naming the option. */
int sp_fwd_spec_option(sp_fwd_spec *s, const char *name, const char *value, char *err, size_t errlen);
/* The option names sp_fwd_spec_option takes, NULL-terminated. */
extern const char *const sp_fwd_option_names[];
/* The spec as one forward.list line (no newline), options in a fixed
 * order; parsing it gives the same spec. */
void sp_fwd_spec_format(const sp_fwd_spec *s, char *out, size_t outlen);
/* "LISTEN TARGET options" of len bytes (no newline) into s. Returns 0, or
 * -1 with a one-line reason. */
int sp_fwd_spec_parse(const char *line, size_t len, sp_fwd_spec *s, char *err, size_t errlen);
/* Whether the two listen on the same address and port. */
bool sp_fwd_spec_same_listen(const sp_fwd_spec *a, const sp_fwd_spec *b);

typedef struct sp_fwd_entry {
    char *line;      /* as read (no newline), or NULL for a mapping added since */
    size_t line_len;
    bool valid;      /* a mapping (spec set); else a comment, blank or bad line */
    sp_fwd_spec spec;
} sp_fwd_entry;

typedef struct sp_fwd_list {
    sp_fwd_entry *v;
    size_t n, cap;
} sp_fwd_list;

typedef struct sp_fwd_problem {
    size_t line;
    char msg[240];
} sp_fwd_problem;

void sp_fwd_list_init(sp_fwd_list *l);
void sp_fwd_list_free(sp_fwd_list *l);
/* Parses a forward.list's bytes into l (cleared first). Bad lines (and a
 * second mapping on a listen address already used) are kept as text and
 * reported in *probs (malloc'd, NULL when none), in line order. From line
 * SP_FWD_LIST_MAX_LINES + 1 on the rest is one text entry, reported once. */
void sp_fwd_list_parse(const char *bytes, size_t len, sp_fwd_list *l, sp_fwd_problem **probs, size_t *nprobs);
/* The file's bytes (malloc'd, *len set): lines as read, new ones formatted. */
char *sp_fwd_list_serialise(const sp_fwd_list *l, size_t *len);
/* Appends a mapping; -1 with a reason when its listen address is taken. */
int sp_fwd_list_add(sp_fwd_list *l, const sp_fwd_spec *s, char *err, size_t errlen);
/* Removes the mapping listening where s listens; false when none does. */
bool sp_fwd_list_remove(sp_fwd_list *l, const sp_fwd_spec *s);
size_t sp_fwd_list_mappings(const sp_fwd_list *l);

#endif
