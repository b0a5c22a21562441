/* 10,000 synthetic neighbours fed to the model: time every sort key and a
 * few filters over the whole table, and the OUI registry load. */
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/loop.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_rtnl.h"
#include "sockpit/hosts/neigh_view.h"
#include "sockpit/hosts/oui.h"

#define N 10000

int main(int argc, char **argv)
{
    const char *oui_path = argc > 1 ? argv[1] : "/usr/share/ieee-data/oui.csv";
    double t0 = sp_now();
    sp_oui *oui = sp_oui_load(oui_path);
    double oui_ms = (sp_now() - t0) * 1000;
    if (!oui) {
        fprintf(stderr, "cannot load %s\n", oui_path);
        return 1;
    }
    printf("OUI load of %s: %zu entries in %.1f ms (target < 50 ms)\n", oui_path, oui->count, oui_ms);

    sp_neigh_table t;
    sp_neigh_table_init(&t, oui);
    srand(42);
    static const uint16_t states[] = { NUD_REACHABLE, NUD_STALE, NUD_DELAY, NUD_FAILED, NUD_PERMANENT };
    for (int i = 0; i < N; i++) {
        sp_rtnl_msg m = { .kind = SP_RTNL_NEIGH, .family = AF_INET, .ifindex = 2 + i % 3,
                          .state = states[rand() % 5] };
        uint32_t a = htonl(0xC6120000u + (uint32_t)i + 1); /* 198.18.0.0/15 */
        memcpy(m.addr, &a, 4);
        /* Real vendor prefixes from the table, so the Vendor column is full. */
        const sp_oui_entry *e = &oui->entries[(size_t)rand() % oui->count];
        uint64_t p = e->prefix << (48 - e->bits);
        for (int k = 0; k < 6; k++)
            m.lladdr[k] = (unsigned char)(p >> (40 - 8 * k));
        m.lladdr[5] = (unsigned char)i;
        m.lladdr[0] &= 0xfc;
        m.lladdr_len = 6;
        sp_neigh_apply(&t, &m, 1000.0 + rand() % 5000);
        char name[64];
        snprintf(name, sizeof name, "host-%05d.lab.example", rand() % 100000);
        sp_neigh_set_name(&t, AF_INET, m.addr, name);
    }
    const sp_neigh **rows = malloc(N * sizeof *rows);
    double worst = 0;
    for (int s = 0; s < SP_SORT_COUNT; s++) {
        sp_neigh_view_opts o = { .show_all = true, .include_self = true, .sort = (sp_neigh_sort)s };
        double best = 1e9;
        size_t n = 0;
        for (int rep = 0; rep < 5; rep++) {
            double a = sp_now();
            n = sp_neigh_view(&t, &o, rows);
            double ms = (sp_now() - a) * 1000;
            if (ms < best)
                best = ms;
        }
        if (best > worst)
            worst = best;
        printf("sort by %-12s %zu rows in %.2f ms\n", sp_neigh_sort_name((sp_neigh_sort)s), n, best);
    }
    static const char *const filters[] = { "intel", "198.18.3", "host-0", "stale", "zz-no-match" };
    double fworst = 0;
    for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
        sp_neigh_view_opts o = { .show_all = true, .include_self = true, .sort = SP_SORT_IP, .filter = filters[f] };
        double best = 1e9;
        size_t n = 0;
        for (int rep = 0; rep < 5; rep++) {
            double a = sp_now();
            n = sp_neigh_view(&t, &o, rows);
            double ms = (sp_now() - a) * 1000;
            if (ms < best)
                best = ms;
        }
        if (best > fworst)
            fworst = best;
        printf("filter %-14s %5zu of %d rows in %.2f ms\n", filters[f], n, N, best);
    }
    printf("10,000 neighbours: worst sort %.2f ms, worst filter+sort %.2f ms (target < 10 ms each): %s\n", worst,
           fworst, worst < 10 && fworst < 10 ? "PASS" : "SLOW");
    printf("OUI load: %s\n", oui_ms < 50 ? "PASS" : "SLOW");
    free(rows);
    sp_neigh_table_free(&t);
    sp_oui_free(oui);
    return 0;
}
