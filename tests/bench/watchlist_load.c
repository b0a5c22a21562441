/* Loading a long watch.list the way the watch set-up does: parse the file,
 * add every name to a watcher (first lookups spread over a second), and
 * free it all again, once, in a fresh process (as at start-up). Prints the
 * milliseconds of each step, and the CPU time of the load (which a busy
 * machine changes less than the wall clock). The lookups never go out: the
 * loop is not run. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "sockpit/core/loop.h"
#include "sockpit/core/readfile.h"
#include "sockpit/dns/watch.h"
#include "sockpit/dns/watchlist.h"

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: watchlist_load FILE\n");
        return 2;
    }
    char *buf;
    size_t len;
    if (sp_read_file(AT_FDCWD, argv[1], (size_t)64 << 20, SP_READ_REGULAR, &buf, &len, NULL) < 0) {
        perror(argv[1]);
        return 1;
    }
    sp_loop *loop = sp_loop_new();
    double c0 = cpu(), t0 = sp_now();
    sp_watchlist l;
    sp_watchlist_init(&l);
    sp_watchlist_problem *probs;
    size_t np;
    sp_watchlist_parse(buf, len, &l, &probs, &np);
    double t1 = sp_now();
    char err[200];
    sp_watch_config cfg = { .interval = 5, .log_fd = -1 };
    sp_watch *w = sp_watch_new(loop, &cfg, err, sizeof err);
    if (!w) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    size_t total = sp_watchlist_names(&l), i = 0;
    for (size_t e = 0; e < l.n; e++)
        if (l.v[e].name[0])
            sp_watch_add(w, l.v[e].name, 0, l.v[e].mode, l.v[e].interval_ms, (double)i++ / (double)total);
    double t2 = sp_now(), c2 = cpu();
    sp_watch_free(w);
    sp_watchlist_free(&l);
    free(probs);
    double t3 = sp_now();
    printf("load %.0f ms (parse %.0f, add %.0f; CPU %.0f), free %.0f ms: %zu names, %zu lines reported\n",
           (t2 - t0) * 1000, (t1 - t0) * 1000, (t2 - t1) * 1000, (c2 - c0) * 1000, (t3 - t2) * 1000, total, np);
    sp_loop_free(loop);
    free(buf);
    return 0;
}
