/* The cost of one refresh of what this host listens on, as the Services
 * pane runs it every 2 s (read the listeners, then find their owners from
 * the cached inode map), through sock_diag and through the /proc files
 * (SOCKPIT_SOCK_DIAG=off), in the same run; then the parts alone.
 *   services_refresh [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/services/listen.h"
#include "sockpit/services/listen_source.h"
#include "sockpit/services/procmap.h"
#include "sockpit/services/sockdiag.h"

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct timing {
    double wall, cpu; /* ms per round */
} timing;

#define TIME(rounds, body)                                                                                   \
    ({                                                                                                       \
        double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);                        \
        for (int r_ = 0; r_ < (rounds); r_++) {                                                              \
            body;                                                                                            \
        }                                                                                                    \
        (timing){ (clock_s(CLOCK_MONOTONIC) - w0) * 1e3 / (rounds),                                          \
                  (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e3 / (rounds) };                               \
    })

static timing refresh(sp_listen_source *src, sp_procmap *m, sp_listen_set *s, int rounds)
{
    char err[256];
    if (sp_listen_source_read(src, s, err, sizeof err) < 0) {
        fprintf(stderr, "services_refresh: %s\n", err);
        exit(1);
    }
    sp_procmap_resolve(m, s); /* fills the cache, as the first refresh does */
    return TIME(rounds, {
        sp_listen_source_read(src, s, err, sizeof err);
        sp_procmap_resolve(m, s);
    });
}

static long sockstat(const char *key)
{
    FILE *f = fopen("/proc/net/sockstat", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f)) {
        char *p = strstr(line, key);
        if (strncmp(line, "TCP:", 4) == 0 && p)
            v = strtol(p + strlen(key), NULL, 10);
    }
    if (f)
        fclose(f);
    return v;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 100;
    if (rounds < 1)
        rounds = 1;
    sp_listen_set s;
    sp_listen_init(&s);
    sp_procmap *m = sp_procmap_new("/proc");

    sp_listen_source *diag = sp_listen_source_new("/proc");
    setenv("SOCKPIT_SOCK_DIAG", "off", 1);
    sp_listen_source *proc = sp_listen_source_new("/proc");
    unsetenv("SOCKPIT_SOCK_DIAG");
    if (!diag || !proc || !m)
        return 1;

    printf("host: %ld TCP sockets in use, %ld in TIME_WAIT (/proc/net/sockstat)\n", sockstat("inuse "),
           sockstat("tw "));
    timing p = refresh(proc, m, &s, rounds);
    size_t np = s.n;
    timing d = refresh(diag, m, &s, rounds);
    size_t nd = s.n;
    const char *how = sp_listen_source_tcp(diag);
    printf("one refresh (listeners + owners), mean over %d, ms:   wall    cpu\n", rounds);
    printf("  /proc/net/{tcp,tcp6,udp,udp6} (before)      %8.3f %8.3f   %zu listeners\n", p.wall, p.cpu, np);
    printf("  TCP via %-9s + /proc/net/{udp,udp6}     %8.3f %8.3f   %zu listeners\n", how, d.wall, d.cpu, nd);
    if (strcmp(how, "sock_diag") != 0)
        printf("  (sock_diag unavailable: %s)\n", sp_listen_source_why(diag));
    else
        printf("  ratio: %.1fx less CPU per refresh; per 30 s idle at one refresh / 2 s: %.1f ms -> %.1f ms\n",
               p.cpu / d.cpu, p.cpu * 15, d.cpu * 15);

    /* The parts alone. */
    char err[256];
    sp_listen_read(&s, "/proc", err, sizeof err);
    sp_sockdiag *sd = sp_sockdiag_open();
    if (sd) {
        timing t = TIME(rounds, {
            sp_listen_clear(&s);
            sp_sockdiag_tcp_listeners(sd, NULL, &s, NULL, NULL);
        });
        printf("  parts: sock_diag TCP dumps (AF_INET + AF_INET6) %8.3f %8.3f\n", t.wall, t.cpu);
        sp_sockdiag_close(sd);
    }
    sp_listen_source_free(diag);
    sp_listen_source_free(proc);
    sp_procmap_free(m);
    sp_listen_free(&s);
    return 0;
}
