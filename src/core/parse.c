/* Value parsers shared by the command line, the config file and the panes:
 * each error names the option and what it wants. */
#include "sockpit/core/parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sp_parse_long(const char *s, long lo, long hi, const char *what, long *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno == ERANGE || v < lo || v > hi) {
        snprintf(err, errlen, "%s: '%s' must be a whole number from %ld to %ld", what, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int sp_parse_seconds(const char *s, double lo, double hi, const char *what, double *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno == ERANGE || !isfinite(v) || v < lo || v > hi) {
        snprintf(err, errlen, "%s: '%s' must be a number of seconds from %g to %g", what, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int sp_parse_size(const char *s, unsigned long long lo, unsigned long long hi, const char *what,
                  unsigned long long *out, char *err, size_t errlen)
{
    errno = 0;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
    }
    if (!isdigit((unsigned char)s[0]) || *end || errno || n > (ULLONG_MAX >> shift)) {
        snprintf(err, errlen, "%s: '%s' is not a size in bytes (e.g. 65536, 512k, 64M)", what, s);
        return -1;
    }
    n <<= shift;
    if (n < lo || n > hi) {
        snprintf(err, errlen, "%s: '%s' must be from %llu to %llu bytes", what, s, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

int sp_parse_keepalive(const char *s, sp_keepalive *ka, char *err, size_t errlen)
{
    if (strcmp(s, "off") == 0) {
        *ka = (sp_keepalive){ false, 0, 0, 0 };
        return 0;
    }
    if (strcmp(s, "on") == 0) {
        *ka = SP_KEEPALIVE_DEFAULT;
        return 0;
    }
    long v[3];
    const char *p = s;
    for (int i = 0; i < 3; i++) {
        char *end;
        errno = 0;
        v[i] = strtol(p, &end, 10);
        char want = i < 2 ? ',' : '\0';
        if (end == p || *end != want || errno || v[i] < 1 || v[i] > (i == 2 ? 127 : 32767)) {
            snprintf(err, errlen,
                     "--keepalive: '%s' must be 'off' or IDLE,INTVL,CNT (seconds 1-32767, seconds 1-32767, probes 1-127)",
                     s);
            return -1;
        }
        p = end + 1;
    }
    *ka = (sp_keepalive){ true, (int)v[0], (int)v[1], (int)v[2] };
    return 0;
}

int sp_parse_hostport(const char *s, int default_port, char *host, size_t hostlen, int *port, char *err,
                      size_t errlen)
{
    const char *h = s, *p = NULL;
    size_t hn;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close) {
            snprintf(err, errlen, "'%s': '[' without ']' (write IPv6 as [::1]:PORT)", s);
            return -1;
        }
        h = s + 1;
        hn = (size_t)(close - h);
        if (close[1] == ':')
            p = close + 2;
        else if (close[1]) {
            snprintf(err, errlen, "'%s': unexpected text after ']'", s);
            return -1;
        }
    } else {
        const char *colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon) {
            snprintf(err, errlen, "'%s': write an IPv6 address with a port as [ADDR]:PORT", s);
            return -1;
        }
        hn = colon ? (size_t)(colon - s) : strlen(s);
        if (colon)
            p = colon + 1;
    }
    if (hn == 0) {
        snprintf(err, errlen, "'%s': the host is missing (want HOST:PORT)", s);
        return -1;
    }
    if (hn >= hostlen || hn > 253) {
        snprintf(err, errlen, "'%.40s...': the host name is too long", s);
        return -1;
    }
    long v = default_port;
    if (p) {
        char *end;
        errno = 0;
        v = strtol(p, &end, 10);
        if (!*p || *end || errno || v < 1 || v > 65535) {
            snprintf(err, errlen, "'%s': the port must be a number from 1 to 65535", s);
            return -1;
        }
    } else if (default_port <= 0) {
        snprintf(err, errlen, "'%s': the port is missing (want HOST:PORT)", s);
        return -1;
    }
    memcpy(host, h, hn);
    host[hn] = '\0';
    *port = (int)v;
    return 0;
}

int sp_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
