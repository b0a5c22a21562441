/* The /proc/net/arp parser on any bytes, over a table that already holds
 * two links with an address each and an IPv6 neighbour (as netlink or
 * getifaddrs would have put them). It must agree with reading each line on
 * its own (a one-line file to a fresh table with the same links): the same
 * malformed count, a row for each accepted line, and no other IPv4
 * neighbour; it leaves this host's rows and the IPv6 neighbours alone, and
 * the table keeps the invariants of neigh_reference.h. */
#include <linux/neighbour.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neigh_reference.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_rtnl.h"

#define MAX_LINES 256

static const char HEADER[] = "IP address       HW type     Flags       HW address            Mask     Device\n";

static void setup(sp_neigh_table *t)
{
    static const unsigned char mac0[6] = { 0x00, 0x1b, 0x21, 0, 0, 1 }, mac1[6] = { 0x00, 0x50, 0x56, 0, 0, 2 };
    unsigned char a4[4], a6[16];
    sp_neigh_table_init(t, NULL);
    sp_neigh_set_link(t, 2, "eth0", 0x1043, 1500, mac0, 6, 1.0);
    sp_neigh_set_link(t, 3, "wlan0", 0x1043, 1500, mac1, 6, 1.0);
    inet_pton(AF_INET, "198.18.0.1", a4);
    sp_neigh_add_ifaddr(t, 2, AF_INET, a4, 24, 1.0);
    inet_pton(AF_INET6, "2001:db8::1", a6);
    sp_neigh_add_ifaddr(t, 3, AF_INET6, a6, 64, 1.0);
    inet_pton(AF_INET6, "fe80::1", a6);
    sp_rtnl_msg m = { .kind = SP_RTNL_NEIGH, .family = AF_INET6, .ifindex = 2, .state = NUD_REACHABLE };
    memcpy(m.addr, a6, 16);
    sp_neigh_apply(t, &m, 1.0);
}

static size_t kind_count(const sp_neigh_table *t, int family, bool self)
{
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++)
        n += t->items[i]->family == family && t->items[i]->self == self;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    sp_neigh_table t;
    setup(&t);
    size_t self4 = kind_count(&t, AF_INET, true), self6 = kind_count(&t, AF_INET6, true);
    size_t bad = 0;
    char *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    memcpy(copy, in, size);
    sp_neigh_apply_proc_arp(&t, copy, size, 2.0, &bad);
    free(copy);
    if (kind_count(&t, AF_INET, true) != self4 || kind_count(&t, AF_INET6, true) != self6 ||
        kind_count(&t, AF_INET6, false) != 1)
        abort();
    ref_check_table(&t);

    /* Line by line: the header first, then each non-empty line alone. */
    size_t lines = 0, rbad = 0, accepted = 0;
    bool first = true;
    for (size_t p = 0; p < size && lines < MAX_LINES;) {
        const char *nl = memchr(in + p, '\n', size - p);
        size_t n = nl ? (size_t)(nl - (in + p)) : size - p;
        if (!first && n > 0) {
            lines++;
            char *one = malloc(sizeof HEADER - 1 + n);
            if (!one)
                abort();
            memcpy(one, HEADER, sizeof HEADER - 1);
            memcpy(one + sizeof HEADER - 1, in + p, n);
            sp_neigh_table u;
            setup(&u);
            size_t before = kind_count(&u, AF_INET, false), b1 = 0;
            sp_neigh_apply_proc_arp(&u, one, sizeof HEADER - 1 + n, 2.0, &b1);
            free(one);
            rbad += b1;
            if (b1 == 0) {
                accepted++;
                if (kind_count(&u, AF_INET, false) != before + 1)
                    abort();
                const sp_neigh *r = NULL;
                for (size_t i = 0; i < u.count && !r; i++)
                    if (u.items[i]->family == AF_INET && !u.items[i]->self)
                        r = u.items[i];
                if (!ref_find(&t, AF_INET, r->addr, r->ifindex, false))
                    abort();
            } else if (b1 != 1 || kind_count(&u, AF_INET, false) != before) {
                abort();
            }
            sp_neigh_table_free(&u);
        }
        first = false;
        p = nl ? p + n + 1 : size;
    }
    if (lines < MAX_LINES && (bad != rbad || kind_count(&t, AF_INET, false) > accepted))
        abort();
    sp_neigh_table_free(&t);
    return 0;
}
