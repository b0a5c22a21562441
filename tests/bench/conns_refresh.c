/* One Connections refresh (sock_diag dump with tcp_info, table and rates,
 * process attribution, grouping) timed: the first (every fd of every
 * process read) and the following ones (incremental), with the peak RSS.
 * Usage: conns_refresh ROUNDS [all] (all: every network namespace, root).
 * Prints "first_ms median_ms max_ms rows hwm_kib walk_ms namespaces", the
 * walk (finding the namespaces) as a median. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/conns/conns_source.h"
#include "sockpit/core/loop.h"

typedef struct wait_state {
    bool over;
    int rc;
} wait_state;

static void done(void *ud, int rc, const char *err)
{
    (void)err;
    wait_state *w = ud;
    w->over = true;
    w->rc = rc;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static long hwm_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            v = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 10;
    bool all = argc > 2 && strcmp(argv[2], "all") == 0;
    if (rounds < 2)
        rounds = 2;
    sp_loop *loop = sp_loop_new();
    sp_conns_source *src = sp_conns_source_new("/proc", true, true);
    if (all && !sp_conns_source_all_namespaces(src, true)) {
        fprintf(stderr, "conns_refresh: %s\n", sp_conns_take_note(src));
        return 1;
    }
    double *t = calloc((size_t)rounds, sizeof *t), *walk = calloc((size_t)rounds, sizeof *walk);
    for (int i = 0; i < rounds; i++) {
        wait_state w = { 0 };
        double t0 = sp_now();
        sp_conns_source_refresh(src, loop, done, &w);
        while (!w.over)
            sp_loop_once(loop, -1);
        t[i] = (sp_now() - t0) * 1000;
        walk[i] = sp_conns_netns_walk_seconds(src) * 1000;
        if (w.rc < 0) {
            fprintf(stderr, "conns_refresh: the dump failed\n");
            return 1;
        }
    }
    for (const char *n; (n = sp_conns_take_note(src)) != NULL;)
        fprintf(stderr, "conns_refresh: %s\n", n);
    double first = t[0];
    qsort(t + 1, (size_t)rounds - 1, sizeof *t, cmp);
    qsort(walk + 1, (size_t)rounds - 1, sizeof *walk, cmp);
    printf("%.2f %.2f %.2f %zu %ld %.3f %zu\n", first, t[1 + (rounds - 1) / 2], t[rounds - 1], sp_conns_table(src)->n,
           hwm_kib(), walk[1 + (rounds - 1) / 2], sp_conns_netns_count(src));
    sp_conns_source_free(src);
    sp_loop_free(loop);
    free(t);
    free(walk);
    return 0;
}
