/* Host names against certificate names (RFC 6125, the common subset). */
#include "sockpit/probe/certmatch.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static bool name_matches(const char *host, const char *pat, size_t plen)
{
    size_t hlen = strlen(host);
    if (hlen > 0 && host[hlen - 1] == '.')
        hlen--;
    if (plen > 2 && pat[0] == '*' && pat[1] == '.') {
        const char *dot = memchr(host, '.', hlen);
        if (!dot || dot == host)
            return false;
        size_t rest = hlen - (size_t)(dot - host);
        return rest == plen - 1 && strncasecmp(dot, pat + 1, rest) == 0;
    }
    return hlen == plen && strncasecmp(host, pat, plen) == 0;
}

static bool ip_equal(const char *a, const char *b)
{
    unsigned char x[16], y[16];
    int fa = strchr(a, ':') ? AF_INET6 : AF_INET, fb = strchr(b, ':') ? AF_INET6 : AF_INET;
    return fa == fb && inet_pton(fa, a, x) == 1 && inet_pton(fb, b, y) == 1 &&
           memcmp(x, y, fa == AF_INET ? 4 : 16) == 0;
}

bool sp_probe_cert_matches(const char *host, char *const *sans, size_t nsans, const char *subject)
{
    unsigned char buf[16];
    bool is_ip = inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
    bool any_dns = false;
    for (size_t i = 0; i < nsans; i++) {
        const char *s = sans[i];
        if (strncmp(s, "IP:", 3) == 0) {
            if (is_ip && ip_equal(host, s + 3))
                return true;
        } else if (strncmp(s, "DNS:", 4) == 0) {
            any_dns = true;
            if (!is_ip && name_matches(host, s + 4, strlen(s + 4)))
                return true;
        }
    }
    if (is_ip || any_dns || !subject)
        return false;
    for (const char *p = subject; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (strncmp(p, "CN=", 3) == 0) {
            const char *v = p + 3, *end = strchr(v, ',');
            return name_matches(host, v, end ? (size_t)(end - v) : strlen(v));
        }
    }
    return false;
}
