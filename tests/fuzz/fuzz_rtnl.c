/* The rtnetlink neighbour/link/address parser and the table it feeds.
 *
 * Input: records of [2-byte length][datagram] (the length taken modulo
 * 4096, cut at the end of the input); each datagram is copied into a
 * buffer of exactly its size (malloc'd, so 4-byte aligned as a receive
 * buffer is) and fed to the table as one recv. sp_rtnl_feed must agree
 * with parsing each message on its own (the same count applied, -1 exactly
 * when one is malformed, the same done/seq/error/overrun), and after each
 * datagram the table must hold the invariants of neigh_reference.h. A
 * datagram whose length has bit 15 set ends with a resync. */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neigh_reference.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_rtnl.h"

#define ALIGN4(x) (((x) + 3u) & ~(size_t)3u)

typedef struct want {
    int applied;
    bool done, overrun;
    uint32_t done_seq;
    int error;
} want;

static void walk(const unsigned char *b, size_t len, want *w)
{
    memset(w, 0, sizeof *w);
    size_t off = 0;
    while (off < len) {
        struct nlmsghdr h;
        if (len - off < sizeof h) {
            w->applied = -1;
            return;
        }
        memcpy(&h, b + off, sizeof h);
        sp_rtnl_msg m;
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - off || sp_rtnl_parse(b + off, len - off, &m) < 0) {
            w->applied = -1;
            return;
        }
        if (m.kind == SP_RTNL_DONE || m.kind == SP_RTNL_ERROR) {
            w->done = true;
            w->done_seq = m.seq;
            if (m.kind == SP_RTNL_ERROR) {
                if (m.error <= 0)
                    abort(); /* the errno of an error reply is positive */
                w->error = m.error;
            }
        } else if (m.kind == SP_RTNL_OVERRUN) {
            w->overrun = true;
        } else if (m.kind != SP_RTNL_SKIP) {
            if (m.lladdr_len > SP_LLADDR_MAX || strnlen(m.ifname, sizeof m.ifname) == sizeof m.ifname ||
                (m.kind != SP_RTNL_LINK && m.family != AF_INET && m.family != AF_INET6) ||
                (m.kind == SP_RTNL_ADDR && m.prefixlen > (m.family == AF_INET ? 32 : 128)))
                abort();
            w->applied++;
        }
        off += ALIGN4((size_t)h.nlmsg_len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_neigh_table t;
    static const char ouitext[] = "001B21\tIntel Corporate\n005056\tVMware, Inc.\n";
    sp_oui *oui = sp_oui_parse(ouitext, sizeof ouitext - 1);
    sp_neigh_table_init(&t, oui);
    size_t pos = 0;
    double now = 1000.0;
    while (size - pos >= 2) {
        unsigned hdr = (unsigned)data[pos] | (unsigned)data[pos + 1] << 8;
        pos += 2;
        size_t len = hdr % 4096;
        if (len > size - pos)
            len = size - pos;
        unsigned char *buf = malloc(len ? len : 1);
        if (!buf)
            abort();
        memcpy(buf, data + pos, len);
        pos += len;

        want w;
        walk(buf, len, &w);
        sp_rtnl_feed_result res;
        int rc = sp_rtnl_feed(&t, buf, len, now, &res);
        if (rc != w.applied)
            abort();
        if (rc >= 0 && (res.done != w.done || res.overrun != w.overrun || (w.done && res.done_seq != w.done_seq) ||
                        res.error != w.error || (rc == 0 && res.changed)))
            abort();
        free(buf);
        if (hdr & 0x8000) {
            sp_neigh_resync_begin(&t);
            sp_neigh_resync_end(&t, hdr & 0x4000, hdr & 0x2000);
        }
        if (t.count) {
            const sp_neigh *r = t.items[t.count / 2];
            unsigned char addr[16];
            memcpy(addr, r->addr, sizeof addr);
            sp_neigh_set_name(&t, r->family, addr, hdr & 1 ? "host.example" : "-");
        }
        ref_check_table(&t);
        now += 1.0;
    }
    sp_neigh_table_free(&t);
    sp_oui_free(oui);
    return 0;
}
