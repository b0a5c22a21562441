/* `sockpit watch`: the DNS watcher without the screen. Prints each event as
 * it happens (after it is in dns-changes.log) until --count events,
 * --duration seconds, or SIGINT/SIGTERM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/cmd/cli.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"
#include "sockpit/dns/changelog.h"
#include "sockpit/dns/watch.h"
#include "sockpit/dns/watch_compare.h"
#include "sockpit/dns/watch_setup.h"
#include "sockpit/dns/watchlist.h"

/* What the command line (and the config file) set. */
typedef struct watch_opts {
    char *servers;
    double interval, duration;
    bool interval_given, ttl_mode, json, stats, compare;
    long count, log_size;
    const char *state_dir, *config_dir;
    char *exec;
    double exec_timeout;
} watch_opts;

static const sp_optspec options[] = {
    { SP_OPTDEF_DNS_SERVER(watch_opts, servers), .help = "DNS servers to ask (default: /etc/resolv.conf)" },
    { SP_OPTDEF_INTERVAL(watch_opts, interval), .help = "seconds between lookups" },
    { .name = "ttl-mode", .kind = SP_OPT_FLAG, SP_OPT_AT(watch_opts, ttl_mode),
      .help = "look up again when the answer's TTL runs out (>= 1 s)" },
    { .name = "count", .kind = SP_OPT_LONG, .lo = 1, .hi = 1000000000L, .metavar = "N", SP_OPT_AT(watch_opts, count),
      .help = "stop after N events" },
    { .name = "duration", .kind = SP_OPT_SECONDS, .lo = 0.1, .hi = 1e9, .metavar = "SEC",
      SP_OPT_AT(watch_opts, duration), .help = "stop after SEC seconds (with --count: whichever is first)" },
    { .name = "json", .kind = SP_OPT_FLAG, SP_OPT_AT(watch_opts, json), .help = "JSON Lines: one object per event" },
    { .name = "state-dir", .kind = SP_OPT_TEXT, .metavar = "DIR", SP_OPT_AT(watch_opts, state_dir),
      .help = "where dns-changes.log is kept\n"
              "(default $XDG_STATE_HOME/sockpit or ~/.local/state/sockpit)" },
    { .name = "config-dir", .kind = SP_OPT_TEXT, .metavar = "DIR", SP_OPT_AT(watch_opts, config_dir),
      .help = "where watch.list is read\n"
              "(default $XDG_CONFIG_HOME/sockpit or ~/.config/sockpit)" },
    { SP_OPTDEF_WATCH_LOG_SIZE(watch_opts, log_size),
      .help = "rotate dns-changes.log at this size (one previous file, dns-changes.log.1, is kept)" },
    { SP_OPTDEF_WATCH_EXEC(watch_opts, exec),
      .help = "run CMD (/bin/sh -c) for every event: SOCKPIT_NAME, SOCKPIT_EVENT, SOCKPIT_RRTYPE,\n"
              "SOCKPIT_OLD, SOCKPIT_NEW (SOCKPIT_ANSWERS for disagree/agree) in its environment,\n"
              "the --json line on its stdin;\n"
              "its output and failures go to hooks.log beside dns-changes.log" },
    { SP_OPTDEF_WATCH_EXEC_TIMEOUT(watch_opts, exec_timeout),
      .help = "a hook still running after SEC gets SIGTERM, and SIGKILL a second later" },
    { .name = "compare", .kind = SP_OPT_FLAG, SP_OPT_AT(watch_opts, compare),
      .help = "ask each DNS server separately and report where their answers disagree" },
    { .name = "stats", .kind = SP_OPT_FLAG, SP_OPT_AT(watch_opts, stats),
      .help = "print lookup statistics on stderr at the end" },
    { SP_OPTDEF_HELP },
    { 0 },
};

/* --interval on the command line excludes --ttl-mode; from the config file
 * it is only the default. */
static void note_interval(void *base, const sp_optspec *opt)
{
    if (opt->key && opt->slot == SP_SET_INTERVAL)
        ((watch_opts *)base)->interval_given = true;
}

static const sp_optcmd watch_cmd = {
    .name = "watch",
    .intro = "Usage: sockpit watch [OPTIONS] [NAME[/TYPE,...]...]\n"
             "Looks up each NAME (A and AAAA, or the TYPEs given: A, AAAA, CNAME, MX, NS, TXT, CAA,\n"
             "SOA) again and again and prints an event when the set of records of a type changes,\n"
             "when a type fails and when it recovers. Without NAMEs, watches the names in\n"
             "watch.list. Every event is also appended to dns-changes.log, and each name resumes\n"
             "from it: a restart with the same answers prints nothing.\n"
             "\n",
    .epilog = "\n"
              "Events, each for its types (\"AAAA: REFUSED\"): first (first records), change (OLD -> NEW\n"
              "(+added, -removed)), error (NXDOMAIN, SERVFAIL, REFUSED, timeout...), recover (first\n"
              "answer after errors); with --compare also disagree and agree (each server's answer).\n"
              "No records of a type (NODATA) is an answer, not an error.\n"
              "Example: sockpit watch --dns-server 127.0.0.1:5353 --interval 1 www.example.com example.com/MX,NS\n",
    .opts = options,
    .permute = true,
    .operands = true,
    .defaults = sp_config_command_defaults,
    .given = note_interval,
};

typedef struct run {
    sp_loop *loop;
    sp_watch *watch;
    bool json;
    long count, printed;
    bool log_warned;
    bool out_failed;
    bool draining;    /* stopped: only the hooks still run */
    bool interrupted; /* SIGINT or SIGTERM */
    const char *log_path;
} run;

/* The output is gone, or --count is reached: stop. */
static void printed(run *r)
{
    if (fflush(stdout) == EOF) {
        /* The reader went away (a pipe into head, say): stop quietly. */
        r->out_failed = true;
        sp_loop_stop(r->loop);
        return;
    }
    if (r->count && ++r->printed >= r->count)
        sp_loop_stop(r->loop);
}

static void on_event(void *ud, const sp_wevent *ev)
{
    run *r = ud;
    if (r->out_failed || r->draining)
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
            char *big = sp_xmalloc(n + 1);
            sp_changelog_format(ev, big, n + 1);
            sp_escape_fputs(big, n, stdout);
            free(big);
        } else {
            sp_escape_fputs(buf, n, stdout);
        }
        fputc('\n', stdout);
    }
    printed(r);
}

/* A hook's failure (in hooks.log already): on stderr too. */
static void on_hook_log(void *ud, const char *line)
{
    (void)ud;
    fprintf(stderr, "sockpit watch: %s\n", line);
}

static void on_stop(sp_loop *loop, int signo, void *ud)
{
    (void)signo;
    ((run *)ud)->interrupted = true;
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
    watch_opts o = { 0 };
    int rc;
    int first = sp_optspec_command(&watch_cmd, argc, argv, &o, &rc);
    if (first < 0)
        return rc;
    rc = SP_EXIT_USAGE;
    char *servers = o.servers;
    double interval = o.interval, duration = o.duration;
    bool ttl_mode = o.ttl_mode, stats = o.stats;
    run r = { .json = o.json, .count = o.count };
    const char *state_dir = o.state_dir, *config_dir = o.config_dir;
    if (o.interval_given && ttl_mode) {
        sp_usage_error("watch", "--interval and --ttl-mode exclude each other: choose one");
        goto out;
    }

    /* The names: from the arguments, else from watch.list. */
    sp_watchlist names;
    sp_watchlist_init(&names);
    for (int i = first; i < argc; i++) {
        char name[SP_DNSNAME_MAX + 1];
        unsigned types;
        if (sp_watchlist_parse_spec(argv[i], strlen(argv[i]), name, &types, err, sizeof err) < 0) {
            char shown[128];
            sp_escape(argv[i], strlen(argv[i]), shown, sizeof shown);
            sp_usage_error("watch", "'%s' is not a valid name: %s", shown, err);
            sp_watchlist_free(&names);
            goto out;
        }
        /* A name given twice is watched once, for the types given last. */
        sp_watchlist_add(&names, name, SP_WMODE_DEFAULT, 0);
        sp_watchlist_set_types(&names, name, types);
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
                              .names = first < argc ? &names : NULL, .interval = interval, .ttl_mode = ttl_mode,
                              .log_max = o.log_size, .exec = o.exec, .exec_timeout = o.exec_timeout,
                              .on_hook_log = on_hook_log,
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
    if (ws.problem[0])
        fprintf(stderr, "sockpit watch: %s\n", ws.problem);
    sp_watch_cmp *cmp = NULL;
    if (o.compare) {
        cmp = sp_watch_cmp_new(r.loop, ws.watch, dns, servers, interval, ttl_mode, err, sizeof err);
        if (!cmp) {
            rc = sp_runtime_error("watch", "%s", err);
            sp_dns_free(dns);
            sp_watch_tear_down(&ws);
            sp_loop_free(r.loop);
            goto out;
        }
    }

    sp_loop_signal(r.loop, SIGINT, on_stop, &r);
    sp_loop_signal(r.loop, SIGTERM, on_stop, &r);
    if (duration > 0)
        sp_loop_timer(r.loop, duration, 0, on_deadline, &r);
    double t0 = sp_now();
    rc = SP_EXIT_OK;
    if (sp_loop_run(r.loop) < 0)
        rc = sp_runtime_error("watch", "event loop failed: %s", strerror(errno));
    /* --count or --duration ended the watch: the hooks of its last events
     * still run to their end (or time limit); SIGINT ends them too. */
    r.draining = true;
    ws.hooks_paused = true;
    while (ws.hook && !r.interrupted && (sp_hook_running(ws.hook) || sp_hook_queued(ws.hook)))
        sp_loop_once(r.loop, 200);
    if (stats)
        print_stats(r.watch, sp_now() - t0);
    sp_watch_cmp_free(cmp);
    sp_dns_free(dns);
    sp_watch_tear_down(&ws);
    sp_loop_free(r.loop);
out:
    free(servers);
    free(o.exec);
    return rc;
}
