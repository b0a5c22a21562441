/* What a service said, made into fields: the head of an HTTP response
 * (status line, Server, Location, and the <title> of the first bytes of the
 * body) and a banner's one-line form. Pure: bytes in, fields out; the
 * fields keep the raw bytes (escape them before display). */
#ifndef SOCKPIT_PROBE_HTTPHEAD_H
#define SOCKPIT_PROBE_HTTPHEAD_H

#include <stdbool.h>
#include <stddef.h>

/* The bytes of a response a probe reads at most: the head and the start of
 * the body; the rest (a 1 GiB body) is never read. */
#define SP_HTTP_READ_MAX 16384
#define SP_HTTP_FIELD_MAX 256

typedef struct sp_http_head {
    bool http;                           /* the first line is an HTTP status line */
    int status;                          /* 100..999, 0 when not http */
    char status_line[SP_HTTP_FIELD_MAX]; /* "HTTP/1.1 200 OK" */
    char server[SP_HTTP_FIELD_MAX];
    char location[SP_HTTP_FIELD_MAX];
    char title[SP_HTTP_FIELD_MAX];       /* white space folded to single spaces */
    bool head_complete;                  /* the blank line ending the head was seen */
} sp_http_head;

/* Parses buf[0..len) (what arrived, maybe cut anywhere). Fields longer
 * than SP_HTTP_FIELD_MAX - 1 are cut; the title is looked for in the body
 * only (not in a header line). Returns out->http. */
bool sp_http_parse(const char *buf, size_t len, sp_http_head *out);

/* The request a probe sends: "GET / HTTP/1.1" with Host (IPv6 in
 * brackets), a User-Agent and Connection: close. Returns its length
 * (< cap), or 0 when it does not fit. */
size_t sp_http_request(const char *host, char *out, size_t cap);

/* A banner's one-line display form: trailing CR/LF/space/NUL dropped, then
 * escaped (safetext), so line breaks inside show as \x0d\x0a. Returns the
 * escaped length as sp_escape does. */
size_t sp_banner_text(const char *raw, size_t len, char *out, size_t cap);
/* The length of raw[0..len) without its trailing CR, LF, space and NUL. */
size_t sp_banner_trim(const char *raw, size_t len);

#endif
