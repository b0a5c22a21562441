/* Filtering the services table on each key press, on a generated file of
 * 10,000 entries: the pane's two paths, narrowing the rows shown (typing
 * on) and a full pass (deleting, or a new text). Prints per-key times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/services/services.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static const char *const words[] = { "http", "mail", "sync", "data", "auth", "game", "chat", "file", "print",
                                     "time", "news", "voip", "radius", "ldap", "kerberos", "backup" };

int main(int argc, char **argv)
{
    int entries = argc > 1 ? atoi(argv[1]) : 10000;
    size_t cap = (size_t)entries * 64 + 64, len = 0;
    char *buf = malloc(cap);
    unsigned seed = 42;
    /* Half the services on tcp and udp, some with aliases: like the real
     * file, but 10,000 lines. */
    for (int i = 0; len + 80 < cap && i < entries; i++) {
        const char *w = words[rand_r(&seed) % 16];
        int port = 1 + (i * 7) % 65535;
        len += (size_t)snprintf(buf + len, cap - len, "%s-%d\t%d/%s", w, i / 2, port, i % 2 ? "udp" : "tcp");
        if (i % 3 == 0)
            len += (size_t)snprintf(buf + len, cap - len, "\t%s%d alias-%d", words[(i / 3) % 16], i, i);
        buf[len++] = '\n';
    }
    double t0 = now_ms();
    sp_services *t = sp_services_parse(buf, len);
    double parse_ms = now_ms() - t0;
    printf("generated %d entries (%zu bytes): %zu services; parse + index %.2f ms\n", entries, len, t->ngroups,
           parse_ms);

    uint32_t *rows = malloc((t->ngroups + 1) * sizeof *rows);
    /* Key presses as the pane sees them: "/kerb" typed, deleted, "44" typed,
     * then a text that matches nothing, then cleared. */
    static const char *const keys[] = { "k", "ke", "ker", "kerb", "ker", "ke", "k", "", "4", "44", "443",
                                        "44", "4", "", "x", "xq", "xqz", "", "a", "al", "ali", "alias-99" };
    size_t nrows = 0;
    const char *before = NULL;
    double worst = 0, total = 0;
    int presses = 0;
    for (int round = 0; round < 50; round++) {
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            sp_services_filter f;
            double a = now_ms();
            sp_services_filter_set(&f, keys[k]);
            if (before && sp_services_filter_narrows(before, keys[k]))
                nrows = sp_services_filter_run(t, &f, rows, nrows, rows);
            else
                nrows = sp_services_filter_run(t, &f, t->groups_by_port, t->ngroups, rows);
            double d = now_ms() - a;
            before = keys[k];
            total += d;
            presses++;
            if (d > worst)
                worst = d;
            if (round == 0 && (k == 3 || k == 10 || k == 16 || k == 21))
                printf("  '%s' -> %zu services\n", keys[k], nrows);
        }
    }
    printf("filter per key press over %zu services: mean %.4f ms, worst %.4f ms (%d presses) - target < 1 ms\n",
           t->ngroups, total / presses, worst, presses);
    /* Lookups, for the record. */
    double a = now_ms();
    size_t hits = 0;
    for (int r = 0; r < 100; r++)
        for (unsigned p = 1; p <= 1024; p++)
            hits += sp_services_by_port(t, p, 0) != NULL;
    double per = (now_ms() - a) * 1e6 / (100.0 * 1024);
    printf("lookup by port: %.1f ns each (%zu hits)\n", per, hits / 100);
    printf(worst < 1.0 ? "target met: every key press under 1 ms\n" : "TARGET MISSED\n");
    sp_services_free(t);
    free(rows);
    free(buf);
    return 0;
}
