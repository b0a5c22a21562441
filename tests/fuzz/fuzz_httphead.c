/* The probe's parsers on any bytes. HTTP heads: every field is a
 * NUL-terminated string shorter than SP_HTTP_FIELD_MAX with no CR, LF or tab
 * and no space at either end; a response is HTTP exactly when it starts with
 * "HTTP/", and then its status is 100-999 and its status line starts the
 * buffer; a complete head has its blank line in the buffer; a title comes
 * only from after the head. Port lists: a parsed set is ascending, without
 * repeats, within 1-65535. Targets: a parsed one names its kind's fields. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockpit/probe/httphead.h"
#include "sockpit/probe/target.h"

static void check_field(const char *f)
{
    size_t n = strnlen(f, SP_HTTP_FIELD_MAX);
    if (n >= SP_HTTP_FIELD_MAX)
        abort();
    if (strpbrk(f, "\r\n\t"))
        abort();
    if (n > 0 && (f[0] == ' ' || f[n - 1] == ' '))
        abort();
}

static bool has_blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '\n' && (s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n')))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    sp_http_head h;
    bool http = sp_http_parse(s, size, &h);
    if (http != h.http)
        abort();
    check_field(h.status_line);
    check_field(h.server);
    check_field(h.location);
    check_field(h.title);
    if (http) {
        if (size < 5 || memcmp(s, "HTTP/", 5) != 0 || h.status < 100 || h.status > 999)
            abort();
        if (strncmp(h.status_line, "HTTP/", 5) != 0)
            abort();
        if (h.head_complete && !has_blank_line(s, size))
            abort();
        if (h.title[0] && !h.head_complete)
            abort();
    } else if (h.status || h.server[0] || h.title[0] || h.head_complete) {
        abort();
    }

    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    sp_portset ps;
    char err[300];
    if (sp_portset_parse(text, &ps, err, sizeof err) == 0) {
        for (size_t i = 0; i < ps.n; i++)
            if (ps.v[i] == 0 || (i > 0 && ps.v[i - 1] >= ps.v[i]))
                abort();
        sp_portset_free(&ps);
    } else if (ps.v || !err[0]) {
        abort();
    }
    sp_probe_target t;
    if (sp_probe_target_parse(text, &t, err, sizeof err) == 0) {
        if (t.kind == SP_TARGET_ADDR && t.addr.family != AF_INET && t.addr.family != AF_INET6)
            abort();
        sp_probe_addr addrs[SP_PROBE_MAX_ADDRS];
        size_t n = sp_probe_target_addrs(&t, addrs);
        if (n > SP_PROBE_MAX_ADDRS || (t.kind == SP_TARGET_NAME && n != 0) || (t.kind == SP_TARGET_ADDR && n != 1))
            abort();
        for (size_t i = 0; i < n; i++)
            (void)sp_probe_scope(&addrs[i], NULL);
    }
    free(text);
    return 0;
}
