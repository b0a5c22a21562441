/* One Connections refresh (sock_diag dump with tcp_info, table and rates,
 * process attribution, grouping) timed: the first (every fd of every
 * process read) and the following ones (incremental), with the peak RSS.
 * Usage: conns_refresh ROUNDS. Prints "first_ms median_ms max_ms rows hwm_kib". */
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
    if (rounds < 2)
        rounds = 2;
    sp_loop *loop = sp_loop_new();
    sp_conns_source *src = sp_conns_source_new("/proc", true, true);
    double *t = calloc((size_t)rounds, sizeof *t);
    for (int i = 0; i < rounds; i++) {
        wait_state w = { 0 };
        double t0 = sp_now();
        sp_conns_source_refresh(src, loop, done, &w);
        while (!w.over)
            sp_loop_once(loop, -1);
        t[i] = (sp_now() - t0) * 1000;
        if (w.rc < 0) {
            fprintf(stderr, "conns_refresh: the dump failed\n");
            return 1;
        }
    }
    double first = t[0];
    qsort(t + 1, (size_t)rounds - 1, sizeof *t, cmp);
    printf("%.2f %.2f %.2f %zu %ld\n", first, t[1 + (rounds - 1) / 2], t[rounds - 1], sp_conns_table(src)->n,
           hwm_kib());
    sp_conns_source_free(src);
    sp_loop_free(loop);
    free(t);
    return 0;
}
