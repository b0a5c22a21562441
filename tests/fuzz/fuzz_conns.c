/* The connections parsers on any bytes. Input: byte 0 picks the target
 * (bit 0: a /proc/PID/stat text, else a sock_diag datagram walked into
 * the connection parser; bit 1: UDP), the rest is the input, copied into
 * a buffer of exactly its size so ASan sees overreads. Invariants: a
 * message parses exactly when it holds an inet_diag_msg of AF_INET or
 * AF_INET6; tcp_info never exceeds the struct and is zero past what was
 * given; UDP never has one; the identity survives a table commit; a stat
 * text parses only with a comm between parentheses of at most 15 bytes. */
#include <linux/inet_diag.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sockpit/conns/conntab.h"
#include "sockpit/conns/connproc.h"
#include "sockpit/conns/diagsock.h"
#include "sockpit/core/proto.h"
#include "sockpit/services/sockdiag.h"

typedef struct ctx {
    int proto;
    sp_conntab *t;
    size_t parsed, bad;
} ctx;

static void on_msg(const void *payload, size_t len, void *ud)
{
    ctx *c = ud;
    sp_diag_sock s;
    int rc = sp_diag_sock_parse(payload, len, c->proto, &s);
    struct inet_diag_msg m;
    bool want = len >= sizeof m;
    if (want) {
        memcpy(&m, payload, sizeof m);
        want = m.idiag_family == AF_INET || m.idiag_family == AF_INET6;
    }
    if ((rc == 0) != want)
        abort();
    if (rc < 0) {
        c->bad++;
        return;
    }
    if (s.family != 4 && s.family != 6)
        abort();
    if (s.info_len > sizeof s.info || (c->proto == SP_PROTO_UDP && s.info_len))
        abort();
    const unsigned char *info = (const unsigned char *)&s.info;
    for (size_t i = s.info_len; i < sizeof s.info; i++)
        if (info[i])
            abort();
    sp_conntab_add(c->t, &s);
    c->parsed++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1;
    void *buf = malloc(len ? len : 1);
    if (!buf)
        abort();
    memcpy(buf, data + 1, len);
    if (data[0] & 1) {
        char comm[16];
        uint64_t start;
        if (sp_proc_stat_parse(buf, len, comm, &start)) {
            if (strlen(comm) > 15 || !memchr(buf, '(', len) || !memchr(buf, ')', len))
                abort();
        }
        free(buf);
        return 0;
    }
    sp_conntab t;
    sp_conntab_init(&t);
    ctx c = { data[0] & 2 ? SP_PROTO_UDP : SP_PROTO_TCP, &t, 0, 0 };
    sp_conntab_begin(&t);
    sp_sockdiag_walk(buf, len, 0, 0, on_msg, &c);
    /* Fed once each (a socket twice in one dump is one row). */
    if (t.n > c.parsed)
        abort();
    sp_conntab_commit(&t, 1.0);
    if (t.n > c.parsed)
        abort();
    for (size_t i = 0; i < t.n; i++)
        if (t.v[i].key != sp_conn_key(&t.v[i].s) || sp_conntab_find(&t, t.v[i].key) == NULL)
            abort();
    sp_conntab_free(&t);
    free(buf);
    return 0;
}
