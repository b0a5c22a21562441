/* The forward.list parser on any bytes: one entry per line, each kept as
 * written, so serialising gives the input back (with a final newline);
 * problems are in line order and name bad lines only; no two mappings
 * listen on one address; each mapping formatted and parsed again is the
 * same spec; and the serialised file parses to the same mappings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/forward/fwdspec.h"

static void check_spec(const sp_fwd_spec *s)
{
    char line[8192], err[300];
    sp_fwd_spec back;
    sp_fwd_spec_format(s, line, sizeof line);
    if (sp_fwd_spec_parse(line, strlen(line), &back, err, sizeof err) < 0 || memcmp(s, &back, sizeof *s) != 0)
        abort();
    if (s->listen_port < 1 || s->listen_port > 65535 || s->target_port < 1 || s->target_port > 65535)
        abort();
    if (s->allow.n > SP_CIDR_MAX || s->deny.n > SP_CIDR_MAX)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_fwd_list l, back;
    sp_fwd_list_init(&l);
    sp_fwd_list_init(&back);
    sp_fwd_problem *p, *p2;
    size_t np, np2;
    sp_fwd_list_parse((const char *)data, size, &l, &p, &np);
    for (size_t i = 0; i < np; i++)
        if (p[i].line < 1 || p[i].line > l.n || (i && p[i].line <= p[i - 1].line) || l.v[p[i].line - 1].valid ||
            strnlen(p[i].msg, sizeof p[i].msg) == sizeof p[i].msg)
            abort();
    for (size_t i = 0; i < l.n; i++) {
        if (!l.v[i].valid)
            continue;
        check_spec(&l.v[i].spec);
        for (size_t k = 0; k < i; k++)
            if (l.v[k].valid && sp_fwd_spec_same_listen(&l.v[k].spec, &l.v[i].spec))
                abort();
    }
    size_t len;
    char *out = sp_fwd_list_serialise(&l, &len);
    if (l.n <= SP_FWD_LIST_MAX_LINES) {
        size_t want = size + (size && data[size - 1] != '\n');
        if (len != want || memcmp(out, data, size) != 0)
            abort();
    }
    sp_fwd_list_parse(out, len, &back, &p2, &np2);
    if (back.n != l.n || sp_fwd_list_mappings(&back) != sp_fwd_list_mappings(&l))
        abort();
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i].valid != back.v[i].valid ||
            (l.v[i].valid && memcmp(&l.v[i].spec, &back.v[i].spec, sizeof l.v[i].spec) != 0))
            abort();
    free(out);
    free(p);
    free(p2);
    sp_fwd_list_free(&l);
    sp_fwd_list_free(&back);
    return 0;
}
