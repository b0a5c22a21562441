/* The /proc/net/{tcp,udp}[6] parser on any bytes (byte 0 picks TCP or UDP):
 * every listener it keeps has a family, the protocol asked for and (UDP) a
 * port; listeners and malformed lines are never more than the lines with a
 * token; each listener, printed back as the kernel prints it, parses to
 * itself; its address text reads back to its bytes; after sorting the set
 * is in order and each listener is found by its port. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/services/listen.h"

static size_t token_lines(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t p = 0; p < n;) {
        const char *nl = memchr(s + p, '\n', n - p);
        size_t e = nl ? (size_t)(nl - s) : n;
        bool tok = false;
        for (size_t i = p; i < e; i++)
            if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
                tok = true;
        count += tok;
        p = nl ? e + 1 : n;
    }
    return count;
}

/* One line as the kernel prints it (tcp4_seq_show, udp4_format_sock). */
static int kernel_line(const sp_listener *l, int proto, char *buf, size_t cap)
{
    char addr[33] = "";
    for (int w = 0; w < (l->family == 4 ? 1 : 4); w++) {
        uint32_t word;
        memcpy(&word, l->addr + 4 * w, 4);
        snprintf(addr + 8 * w, sizeof addr - 8 * (size_t)w, "%08X", word);
    }
    return snprintf(buf, cap,
                    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                    "   0: %s:%04X %s:0000 %02X 00000000:00000000 00:00000000 00000000 %5u        0 %llu 1 "
                    "0000000000000000 100 0 0 10 0\n",
                    addr, l->port, addr, proto == SP_PROTO_TCP ? 0x0A : 0x07, l->uid, (unsigned long long)l->inode);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int proto = data[0] & 1 ? SP_PROTO_UDP : SP_PROTO_TCP;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    char *copy = malloc(n ? n : 1); /* exactly n bytes: a read past them trips ASan */
    if (!copy)
        abort();
    memcpy(copy, in, n);
    sp_listen_set s;
    sp_listen_init(&s);
    sp_listen_parse(&s, copy, n, proto);
    if (s.n + s.malformed > token_lines(in, n))
        abort();
    for (size_t i = 0; i < s.n; i++) {
        const sp_listener *l = &s.v[i];
        if ((l->family != 4 && l->family != 6) || l->proto != proto || (proto == SP_PROTO_UDP && l->port == 0) ||
            l->pid != 0 || l->comm[0] != '\0')
            abort();
        if (l->family == 4)
            for (int k = 4; k < 16; k++)
                if (l->addr[k])
                    abort();

        char line[512];
        kernel_line(l, proto, line, sizeof line);
        sp_listen_set one;
        sp_listen_init(&one);
        sp_listen_parse(&one, line, strlen(line), proto);
        if (one.n != 1 || one.malformed != 0 ||
            one.v[0].inode != l->inode || one.v[0].uid != l->uid || one.v[0].port != l->port ||
            one.v[0].family != l->family || memcmp(one.v[0].addr, l->addr, 16) != 0)
            abort();
        sp_listen_free(&one);

        char text[64];
        sp_listen_addr(l, text, sizeof text);
        char *colon = strrchr(text, ':');
        if (!colon || (unsigned)atoi(colon + 1) != l->port)
            abort();
        *colon = '\0';
        unsigned char back[16];
        const char *a = text;
        if (l->family == 6) {
            if (text[0] != '[' || colon[-1] != ']')
                abort();
            colon[-1] = '\0';
            a = text + 1;
        }
        if (inet_pton(l->family == 4 ? AF_INET : AF_INET6, a, back) != 1 ||
            memcmp(back, l->addr, l->family == 4 ? 4 : 16) != 0)
            abort();
    }

    sp_listen_set c;
    sp_listen_init(&c);
    if (sp_listen_copy(&c, &s) < 0 || !sp_listen_equal(&c, &s))
        abort();
    sp_listen_sort(&s);
    for (size_t i = 0; i < s.n; i++) {
        const sp_listener *l = &s.v[i];
        if (i && (s.v[i - 1].port > l->port ||
                  (s.v[i - 1].port == l->port && s.v[i - 1].family > l->family)))
            abort();
        size_t first, cnt = sp_listen_find(&s, l->port, proto, &first);
        if (cnt == 0 || i < first || i >= first + cnt)
            abort();
        cnt = sp_listen_find(&s, l->port, -1, &first);
        if (cnt == 0 || i < first || i >= first + cnt)
            abort();
    }
    size_t first;
    if (sp_listen_find(&s, 0, proto == SP_PROTO_TCP ? SP_PROTO_UDP : SP_PROTO_TCP, &first) != 0)
        abort();
    sp_listen_free(&c);
    sp_listen_free(&s);
    free(copy);
    return 0;
}
