/* `sockpit watch`: the DNS watcher without the screen. Prints each event as
 * it happens (after it is in dns-changes.log) until --count events,
 * --duration seconds, or SIGINT/SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/cmd/cli.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/commands.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/safetext.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/watch.h"
#include "sockpit/dns/watch_setup.h"
#include "sockpit/dns/watchlist.h"

static const char usage[] =
    "Usage: sockpit watch [OPTIONS] [NAME...]\n"
    "Looks up each NAME (A and AAAA) again and again and prints an event when its set of\n"
    "addresses changes, when it fails and when it recovers. Without NAMEs, watches the\n"
    "names in watch.list. Every event is also appended to dns-changes.log.\n"
    "\n"
    "  --dns-server ADDR[:PORT][,...]  DNS servers to ask (default: /etc/resolv.conf)\n"
    "  --interval SEC                  seconds between lookups (0.2-86400, default 5)\n"
    "  --ttl-mode                      look up again when the answer's TTL runs out (>= 1 s)\n"
    "  --count N                       stop after N events\n"
    "  --duration SEC                  stop after SEC seconds (with --count: whichever is first)\n"
    "  --json                          JSON Lines: one object per event\n"
    "  --state-dir DIR                 where dns-changes.log is kept\n"
    "                                  (default $XDG_STATE_HOME/sockpit or ~/.local/state/sockpit)\n"
    "  --config-dir DIR                where watch.list is read\n"
    "                                  (default $XDG_CONFIG_HOME/sockpit or ~/.config/sockpit)\n"
    "  --stats                         print lookup statistics on stderr at the end\n"
    "  --help                          this text\n"
    "\n"
    "Events: first (first answer), change (OLD -> NEW (+added, -removed)), error (NXDOMAIN,\n"
    "NODATA, SERVFAIL, REFUSED, timeout), recover (first answer after errors).\n"
    "Example: sockpit watch --dns-server 127.0.0.1:5353 --interval 1 www.example.com\n";

enum { OPT_DNS = 1000, OPT_INTERVAL, OPT_TTL, OPT_COUNT, OPT_DURATION, OPT_JSON, OPT_STATE, OPT_CONFIG,
       OPT_STATS, OPT_HELP };

static const struct option options[] = {
    { "dns-server", required_argument, NULL, OPT_DNS },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "ttl-mode", no_argument, NULL, OPT_TTL },
    { "count", required_argument, NULL, OPT_COUNT },
    { "duration", required_argument, NULL, OPT_DURATION },
    { "json", no_argument, NULL, OPT_JSON },
    { "state-dir", required_argument, NULL, OPT_STATE },
    { "config-dir", required_argument, NULL, OPT_CONFIG },
    { "stats", no_argument, NULL, OPT_STATS },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

typedef struct run {
    sp_loop *loop;
    sp_watch *watch;
    bool json;
    long count, printed;
    bool log_warned;
    bool out_failed;
    const char *log_path;
} run;

static void on_event(void *ud, const sp_wevent *ev)
{
    run *r = ud;
    if (r->out_failed)
        return;
    int le = sp_watch_log_errno(r->watch);
    if (le && !r->log_warned) {
        r->log_warned = true;
        fprintf(stderr, "sockpit watch: cannot append to %s: %s (events are still printed)\n", r->log_path,
                strerror(le));
    }
    if (r->json) {
        sp_wevent_json(ev, stdout);
    } else {
        char buf[1024];
        size_t n = sp_changelog_format(ev, buf, sizeof buf);
        if (n >= sizeof buf) {
            char *big = malloc(n + 1);
            if (!big)
                abort();
            sp_changelog_format(ev, big, n + 1);
            sp_escape_fputs(big, n, stdout);
            free(big);
        } else {
            sp_escape_fputs(buf, n, stdout);
        }
        fputc('\n', stdout);
    }
    if (fflush(stdout) == EOF) {
        /* The reader went away (a pipe into head, say): stop quietly. */
        r->out_failed = true;
        sp_loop_stop(r->loop);
        return;
    }
    if (r->count && ++r->printed >= r->count)
        sp_loop_stop(r->loop);
}

static void on_stop(sp_loop *loop, int signo, void *ud)
{
    (void)signo;
    (void)ud;
    sp_loop_stop(loop);
}

static void on_deadline(sp_loop *loop, uint64_t id, void *ud)
{
    (void)id;
    (void)ud;
    sp_loop_stop(loop);
}

static void print_stats(sp_watch *w, double elapsed)
{
    uint64_t rounds = 0, answered = 0, min_answered = UINT64_MAX;
    double lag = 0;
    size_t n = sp_watch_count(w);
    for (size_t i = 0; i < n; i++) {
        const sp_watch_name *x = sp_watch_get(w, i);
        rounds += x->rounds;
        answered += x->answered;
        if (x->answered < min_answered)
            min_answered = x->answered;
        if (x->max_lag > lag)
            lag = x->max_lag;
    }
    fprintf(stderr,
            "sockpit watch: %zu names, %.1f s, %llu lookups, %llu answered, fewest answers for one name %llu, "
            "latest start %.3f s\n",
            n, elapsed, (unsigned long long)rounds, (unsigned long long)answered,
            (unsigned long long)(n ? min_answered : 0), lag);
}

int cmd_watch(int argc, char **argv)
{
    char err[512];
    sp_opts defaults;
    sp_config_batch_defaults(&defaults);
    char *servers = defaults.dns_servers;
    defaults.dns_servers = NULL;
    double interval = defaults.watch_interval, duration = 0;
    sp_opts_free(&defaults);
    bool ttl_mode = false, have_interval = false, stats = false;
    run r = { 0 };
    const char *state_dir = NULL, *config_dir = NULL;
    long l;
    int rc = SP_EXIT_USAGE;
    int c;
    sp_getopt_start();
    while ((c = sp_getopt(argc, argv, "", options)) != -1) {
        switch (c) {
        case OPT_DNS:
            free(servers);
            servers = sp_dns_parse_servers(optarg, err, sizeof err);
            if (!servers) {
                sp_usage_error("watch", "%s", err);
                goto out;
            }
            break;
        case OPT_INTERVAL:
            if (sp_parse_seconds(optarg, 0.2, 86400, "--interval", &interval, err, sizeof err) < 0) {
                sp_usage_error("watch", "%s", err);
                goto out;
            }
            have_interval = true;
            break;
        case OPT_TTL: ttl_mode = true; break;
        case OPT_COUNT:
            if (sp_parse_long(optarg, 1, 1000000000L, "--count", &l, err, sizeof err) < 0) {
                sp_usage_error("watch", "%s", err);
                goto out;
            }
            r.count = l;
            break;
        case OPT_DURATION:
            if (sp_parse_seconds(optarg, 0.1, 1e9, "--duration", &duration, err, sizeof err) < 0) {
                sp_usage_error("watch", "%s", err);
                goto out;
            }
            break;
        case OPT_JSON: r.json = true; break;
        case OPT_STATE: state_dir = optarg; break;
        case OPT_CONFIG: config_dir = optarg; break;
        case OPT_STATS: stats = true; break;
        case OPT_HELP:
            fputs(usage, stdout);
            rc = SP_EXIT_OK;
            goto out;
        default:
            sp_option_error("watch", options, argc, argv);
            goto out;
        }
    }
    if (have_interval && ttl_mode) {
        sp_usage_error("watch", "--interval and --ttl-mode exclude each other: choose one");
        goto out;
    }

    /* The names: from the arguments, else from watch.list. */
    sp_watchlist names;
    sp_watchlist_init(&names);
    for (int i = optind; i < argc; i++) {
        char name[SP_DNSNAME_MAX + 1];
        if (sp_dnsname_check(argv[i], strlen(argv[i]), name, err, sizeof err) < 0) {
            char shown[128];
            sp_escape(argv[i], strlen(argv[i]), shown, sizeof shown);
            sp_usage_error("watch", "'%s' is not a valid name: %s", shown, err);
            sp_watchlist_free(&names);
            goto out;
        }
        sp_watchlist_add(&names, name, SP_WMODE_DEFAULT, 0); /* a name given twice is watched once */
    }

    r.loop = sp_loop_new();
    if (!r.loop) {
        sp_watchlist_free(&names);
        rc = sp_runtime_error("watch", "cannot create the event loop: %s", strerror(errno));
        goto out;
    }
    sp_dns_config dc = { .servers = servers };
    sp_dns *dns = sp_dns_new(r.loop, &dc, err, sizeof err);
    if (!dns) {
        sp_watchlist_free(&names);
        sp_loop_free(r.loop);
        rc = sp_runtime_error("watch", "%s", err);
        goto out;
    }
    sp_watch_settings set = { .config_dir = config_dir, .state_dir = state_dir,
                              .names = optind < argc ? &names : NULL, .interval = interval, .ttl_mode = ttl_mode,
                              .need_names = true, .on_event = on_event, .ud = &r };
    sp_watch_setup ws;
    int setup = sp_watch_set_up(&ws, r.loop, dns, &set, err, sizeof err);
    sp_watchlist_free(&names);
    for (size_t i = 0; i < ws.nprobs; i++)
        fprintf(stderr, "sockpit watch: %s: %s (skipped)\n", ws.list_path, ws.probs[i].msg);
    if (setup != SP_WATCH_SETUP_OK) {
        if (setup == SP_WATCH_SETUP_NO_NAMES)
            sp_usage_error("watch", "no names to watch: give NAME arguments or add names to %s", ws.list_path);
        else
            rc = sp_runtime_error("watch", "%s", err);
        sp_dns_free(dns);
        sp_watch_tear_down(&ws);
        sp_loop_free(r.loop);
        goto out;
    }
    r.watch = ws.watch;
    r.log_path = ws.log_path;

    sp_loop_signal(r.loop, SIGINT, on_stop, &r);
    sp_loop_signal(r.loop, SIGTERM, on_stop, &r);
    if (duration > 0)
        sp_loop_timer(r.loop, duration, 0, on_deadline, &r);
    double t0 = sp_now();
    rc = SP_EXIT_OK;
    if (sp_loop_run(r.loop) < 0)
        rc = sp_runtime_error("watch", "event loop failed: %s", strerror(errno));
    if (stats)
        print_stats(r.watch, sp_now() - t0);
    sp_dns_free(dns);
    sp_watch_tear_down(&ws);
    sp_loop_free(r.loop);
out:
    free(servers);
    return rc;
}
