/* Value parsers shared by the command line, the config file and the panes. */
#ifndef SOCKPIT_CORE_PARSE_H
#define SOCKPIT_CORE_PARSE_H

#include <stddef.h>

#include "sockpit/core/sockopt.h"

/* Value parsers: return 0, or -1 with "what was wrong" in err. `what` names
 * the option in the message, e.g. "--interval". */
/* The value of one hex digit (either case), or -1. */
int sp_hexval(char c);
int sp_parse_long(const char *s, long lo, long hi, const char *what, long *out, char *err, size_t errlen);
int sp_parse_seconds(const char *s, double lo, double hi, const char *what, double *out, char *err, size_t errlen);
/* A size in bytes, optionally with k, M or G (powers of 1024, either case),
 * from lo to hi: "512k", "64M", "1048576". */
int sp_parse_size(const char *s, unsigned long long lo, unsigned long long hi, const char *what,
                  unsigned long long *out, char *err, size_t errlen);
int sp_parse_keepalive(const char *s, sp_keepalive *ka, char *err, size_t errlen);
/* "HOST:PORT", "[V6]:PORT", "HOST" (default_port); host is copied to host[hostlen]. */
int sp_parse_hostport(const char *s, int default_port, char *host, size_t hostlen, int *port, char *err, size_t errlen);

#endif
