/* The sock_diag message parser. */
#include "sockpit/conns/diagsock.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sockpit/core/proto.h"

int sp_diag_sock_parse(const void *payload, size_t len, int proto, sp_diag_sock *out)
{
    memset(out, 0, sizeof *out);
    struct inet_diag_msg m;
    if (len < sizeof m)
        return -1;
    memcpy(&m, payload, sizeof m);
    if (m.idiag_family == AF_INET)
        out->family = 4;
    else if (m.idiag_family == AF_INET6)
        out->family = 6;
    else
        return -1;
    size_t alen = out->family == 4 ? 4 : 16;
    out->proto = (uint8_t)proto;
    out->state = m.idiag_state;
    out->sport = ntohs(m.id.idiag_sport);
    out->dport = ntohs(m.id.idiag_dport);
    memcpy(out->src, m.id.idiag_src, alen);
    memcpy(out->dst, m.id.idiag_dst, alen);
    out->uid = m.idiag_uid;
    out->inode = m.idiag_inode;
    out->cookie = (uint64_t)m.id.idiag_cookie[1] << 32 | m.id.idiag_cookie[0];
    out->rqueue = m.idiag_rqueue;
    out->wqueue = m.idiag_wqueue;

    /* The attributes: {u16 len, u16 type} then the value, 4-byte aligned. */
    const unsigned char *p = (const unsigned char *)payload;
    size_t at = (sizeof m + 3) & ~(size_t)3;
    while (at < len && len - at >= 4) {
        uint16_t alen16, type;
        memcpy(&alen16, p + at, 2);
        memcpy(&type, p + at + 2, 2);
        if (alen16 < 4 || alen16 > len - at)
            break;
        type &= 0x3fff; /* NLA_F_NESTED, NLA_F_NET_BYTEORDER */
        if (type == INET_DIAG_INFO && proto == SP_PROTO_TCP) {
            size_t n = alen16 - 4u;
            if (n > sizeof out->info)
                n = sizeof out->info;
            memset(&out->info, 0, sizeof out->info);
            memcpy(&out->info, p + at + 4, n);
            out->info_len = (uint16_t)n;
        }
        size_t step = ((size_t)alen16 + 3) & ~(size_t)3;
        if (step > len - at)
            break;
        at += step;
    }
    return 0;
}

bool sp_diag_has(const sp_diag_sock *s, size_t off, size_t n) { return off + n <= s->info_len; }

static const char *const state_names[SP_TCP_STATES] = {
    "UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
    "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV",
};

const char *sp_tcp_state_name(unsigned state) { return state < SP_TCP_STATES ? state_names[state] : "UNKNOWN"; }

int sp_tcp_state_lookup(const char *name)
{
    static const struct { const char *name; int state; } extra[] = {
        { "established", 1 }, { "close", 7 }, { "closed", 7 },
    };
    char norm[24];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof norm)
        return -1;
    for (size_t i = 0; i <= n; i++) {
        char c = name[i];
        norm[i] = (char)(c == '_' ? '-' : c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    for (int s = 1; s < SP_TCP_STATES; s++)
        if (strcmp(norm, state_names[s]) == 0)
            return s;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (strcasecmp(name, extra[i].name) == 0)
            return extra[i].state;
    return -1;
}

void sp_diag_addr(int family, const uint8_t *addr, unsigned port, char *buf, size_t len)
{
    char a[INET6_ADDRSTRLEN];
    if (family == 4) {
        inet_ntop(AF_INET, addr, a, sizeof a);
        snprintf(buf, len, "%s:%u", a, port);
    } else {
        inet_ntop(AF_INET6, addr, a, sizeof a);
        snprintf(buf, len, "[%s]:%u", a, port);
    }
}
