/* HTTP response heads and banners. */
#include "sockpit/probe/httphead.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sockpit/core/safetext.h"

/* Copies in[0..n) to a field, cut to fit, with leading and trailing white
 * space dropped and inner runs of it folded to one space. */
static void set_field(char out[SP_HTTP_FIELD_MAX], const char *in, size_t n)
{
    size_t used = 0;
    bool space = false;
    for (size_t i = 0; i < n && used < SP_HTTP_FIELD_MAX - 1; i++) {
        char c = in[i];
        /* A NUL would end the field early: it counts as white space. */
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0') {
            space = used > 0;
            continue;
        }
        if (space && used < SP_HTTP_FIELD_MAX - 2)
            out[used++] = ' ';
        space = false;
        out[used++] = c;
    }
    out[used] = '\0';
}

static const char *find_ci(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* "HTTP/1.1 200 OK": the version, one space, three digits. */
static bool status_line(const char *s, size_t n, int *status)
{
    if (n < 12 || memcmp(s, "HTTP/", 5) != 0)
        return false;
    size_t i = 5;
    while (i < n && (digit(s[i]) || s[i] == '.'))
        i++;
    if (i == 5 || i + 4 > n || s[i] != ' ' || !digit(s[i + 1]) || !digit(s[i + 2]) || !digit(s[i + 3]))
        return false;
    if (i + 4 < n && s[i + 4] != ' ' && s[i + 4] != '\r')
        return false;
    *status = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
    return *status >= 100;
}

static void header(sp_http_head *h, const char *line, size_t n)
{
    const char *colon = memchr(line, ':', n);
    if (!colon)
        return;
    size_t klen = (size_t)(colon - line);
    const char *v = colon + 1;
    size_t vlen = n - klen - 1;
    if (klen == 6 && strncasecmp(line, "Server", 6) == 0 && !h->server[0])
        set_field(h->server, v, vlen);
    else if (klen == 8 && strncasecmp(line, "Location", 8) == 0 && !h->location[0])
        set_field(h->location, v, vlen);
}

static void title(sp_http_head *h, const char *body, size_t n)
{
    const char *open = find_ci(body, n, "<title");
    if (!open)
        return;
    size_t off = (size_t)(open - body) + 6;
    /* "<titlex>" is another tag. */
    if (off < n && body[off] != '>' && body[off] != ' ' && body[off] != '\t' && body[off] != '\r' &&
        body[off] != '\n')
        return;
    const char *gt = memchr(body + off, '>', n - off);
    if (!gt)
        return;
    const char *start = gt + 1;
    size_t rest = n - (size_t)(start - body);
    const char *close = find_ci(start, rest, "</title");
    set_field(h->title, start, close ? (size_t)(close - start) : rest);
}

bool sp_http_parse(const char *buf, size_t len, sp_http_head *out)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return false;
    const char *nl = memchr(buf, '\n', len);
    size_t first = nl ? (size_t)(nl - buf) : len;
    if (!status_line(buf, first, &out->status)) {
        out->status = 0;
        return false;
    }
    out->http = true;
    set_field(out->status_line, buf, first);
    size_t pos = nl ? first + 1 : len;
    while (pos < len) {
        const char *e = memchr(buf + pos, '\n', len - pos);
        if (!e)
            break; /* a header cut off: not trusted */
        size_t n = (size_t)(e - (buf + pos));
        if (n > 0 && buf[pos + n - 1] == '\r')
            n--;
        if (n == 0) {
            out->head_complete = true;
            pos = (size_t)(e - buf) + 1;
            title(out, buf + pos, len - pos);
            break;
        }
        header(out, buf + pos, n);
        pos = (size_t)(e - buf) + 1;
    }
    return true;
}

size_t sp_http_request(const char *host, char *out, size_t cap)
{
    bool v6 = strchr(host, ':') != NULL;
    int n = snprintf(out, cap,
                     "GET / HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: sockpit-probe\r\nAccept: */*\r\n"
                     "Connection: close\r\n\r\n",
                     v6 ? "[" : "", host, v6 ? "]" : "");
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t sp_banner_trim(const char *raw, size_t len)
{
    while (len > 0 && (raw[len - 1] == '\r' || raw[len - 1] == '\n' || raw[len - 1] == ' ' || raw[len - 1] == '\0'))
        len--;
    return len;
}

size_t sp_banner_text(const char *raw, size_t len, char *out, size_t cap)
{
    return sp_escape(raw, sp_banner_trim(raw, len), out, cap);
}
