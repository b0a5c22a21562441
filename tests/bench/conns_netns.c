/* Connections refreshes timed with every network namespace dumped (or
 * only ours): the first (the thread enters each namespace and makes its
 * socket) and the following ones (sockets kept), with the time of the
 * namespace walk over /proc. Usage: conns_netns ROUNDS all|host. Prints
 * "first_ms median_ms walk_median_ms namespaces rows". */
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

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 10;
    bool all = argc > 2 && strcmp(argv[2], "all") == 0;
    if (rounds < 2)
        rounds = 2;
    sp_loop *loop = sp_loop_new();
    sp_conns_source *src = sp_conns_source_new("/proc", true, true);
    if (all && !sp_conns_source_all_namespaces(src, true)) {
        fprintf(stderr, "conns_netns: %s\n", sp_conns_take_note(src));
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
            fprintf(stderr, "conns_netns: the dump failed\n");
            free(t);
            free(walk);
            return 1;
        }
    }
    for (const char *n; (n = sp_conns_take_note(src)) != NULL;)
        fprintf(stderr, "conns_netns: %s\n", n);
    double first = t[0];
    qsort(t + 1, (size_t)rounds - 1, sizeof *t, cmp);
    qsort(walk + 1, (size_t)rounds - 1, sizeof *walk, cmp);
    printf("%.2f %.2f %.3f %zu %zu\n", first, t[1 + (rounds - 1) / 2], walk[1 + (rounds - 1) / 2],
           sp_conns_netns_count(src), sp_conns_table(src)->n);
    sp_conns_source_free(src);
    sp_loop_free(loop);
    free(t);
    free(walk);
    return 0;
}
