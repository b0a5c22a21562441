/* `sockpit forward`: the port-mapping proxy in one event loop: LISTEN TARGET
 * from the command line, or every mapping in forward.list, with a log line
 * (or a JSON object) per accept, deny, failed connect and close. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/json.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/report.h"
#include "sockpit/core/safetext.h"
#include "sockpit/forward/forward_setup.h"
#include "sockpit/forward/forwarder.h"
#include "sockpit/forward/fwdspec.h"

typedef struct forward_opts {
    sp_fwd_spec spec;
    bool spec_given; /* a mapping option was given */
    char *servers;
    const char *config_dir;
    double drain;
    bool json;
} forward_opts;

/* Every mapping option goes through the model's own parser, the one
 * forward.list lines and the pane's prompt use. */
static int set_mapping(void *base, const char *value, const char *what, char *err, size_t errlen)
{
    forward_opts *o = base;
    o->spec_given = true;
    return sp_fwd_spec_option(&o->spec, what + 2, value, err, errlen);
}

#define MAPPING(meta) .kind = SP_OPT_CUSTOM, .set = set_mapping, .metavar = meta

static const sp_optspec options[] = {
    { .name = "allow", MAPPING("CIDR[,...]"),
      .help = "only clients from these prefixes (IPv4 or IPv6);\n"
              "every other one is closed at once and logged" },
    { .name = "deny", MAPPING("CIDR[,...]"),
      .help = "clients from these prefixes are closed at once\n"
              "(deny wins over --allow)" },
    { .name = "source", MAPPING("ADDR"),
      .help = "the address connections to the target come from" },
    { .name = "rate", MAPPING("BYTES/s"),
      .help = "per connection and direction (suffix k, M, G)" },
    { .name = "total-rate", MAPPING("BYTES/s"),
      .help = "for all connections of the mapping together, each\n"
              "direction, shared fairly" },
    { .name = "burst", MAPPING("BYTES"),
      .help = "token bucket size (default a tenth of a second of\n"
              "the rate, at least 4k)" },
    { .name = "max-conns", MAPPING("N"),
      .help = "connections at once (default: from the open files\n"
              "limit); more are closed at once and logged" },
    { .name = "max-conns-per-ip", MAPPING("N"),
      .help = "connections at once from one client address" },
    { .name = "connect-timeout", MAPPING("SEC"),
      .help = "give up reaching the target after SEC (default 5)" },
    { .name = "idle-timeout", MAPPING("SEC"),
      .help = "close a connection with no traffic for SEC\n"
              "(default 0: never)" },
    { .name = "proxy-protocol", MAPPING("v1|v2"),
      .help = "send haproxy's PROXY header first, so the target\n"
              "sees the real client address" },
    { .name = "drain", .kind = SP_OPT_SECONDS, .lo = 0, .hi = 86400, .def = 5, .metavar = "SEC",
      SP_OPT_AT(forward_opts, drain), .show = SP_SHOW_DEFAULT,
      .help = "on SIGINT/SIGTERM stop accepting and let open\n"
              "connections finish for up to SEC, then close them" },
    { .name = "json", .kind = SP_OPT_FLAG, SP_OPT_AT(forward_opts, json), .help = "JSON Lines: one object per event" },
    { SP_OPTDEF_DNS_SERVER(forward_opts, servers), .help = "DNS servers for a TARGET name (default: /etc/resolv.conf)" },
    { .name = "config-dir", .kind = SP_OPT_TEXT, .metavar = "DIR", SP_OPT_AT(forward_opts, config_dir),
      .help = "where forward.list is read without LISTEN TARGET\n"
              "(default $XDG_CONFIG_HOME/sockpit or ~/.config/sockpit)" },
    { SP_OPTDEF_HELP },
    { 0 },
};

static void defaults(const sp_optcmd *cmd, void *base)
{
    sp_config_command_defaults(cmd, base);
    sp_fwd_spec_init(&((forward_opts *)base)->spec);
}

static const sp_optcmd forward_cmd = {
    .name = "forward",
    .intro = "Usage: sockpit forward [LISTEN TARGET] [OPTIONS]\n"
             "Forward TCP connections from LISTEN ([ADDR:]PORT, default address 127.0.0.1)\n"
             "to TARGET (HOST:PORT, a name or an address), with allow/deny lists and rate\n"
             "limits, zero-copy (splice) when not rate-limited. Without LISTEN TARGET every\n"
             "mapping in forward.list (LISTEN TARGET [OPTIONS] per line) runs. Logs every\n"
             "accept, deny, failed connect and close on stderr (--json: on stdout).\n"
             "\n"
             "Options:\n",
    .epilog = "\n"
              "Example: sockpit forward 127.0.0.1:6000 db.lan:5432 --allow 127.0.0.0/8,198.18.0.0/24\n",
    .opts = options,
    .permute = true,
    .operands = true,
    .defaults = defaults,
};

typedef struct run {
    sp_loop *loop;
    sp_fwd_setup setup;
    bool json, draining;
    uint64_t drain_timer;
} run;

static const char *const event_names[] = { "accept", "deny", "connect-failed", "close" };

static void stamp(char *out, size_t outlen)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    strftime(out, outlen, "%Y-%m-%d %H:%M:%S", &tm);
}

static void log_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_text(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char ts[32], line[2048];
    stamp(ts, sizeof ts);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above; a clang 14 false positive */
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %s\n", ts, line);
}

static double unix_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_event(void *ud, sp_fwd *f, const sp_fwd_event *ev)
{
    run *r = ud;
    if (r->json) {
        sp_json j;
        sp_json_begin(&j, stdout);
        sp_json_str(&j, "event", event_names[ev->kind]);
        sp_json_num(&j, "time", unix_time(), 3);
        sp_json_str(&j, "listen", sp_fwd_listen_addr(f));
        sp_json_str(&j, "target", sp_fwd_target_text(f));
        if (ev->id)
            sp_json_int(&j, "id", (long long)ev->id);
        sp_json_str(&j, "client", ev->client);
        if (ev->kind != SP_FWD_EV_DENY && ev->target)
            sp_json_str(&j, "address", ev->target);
        if (ev->reason)
            sp_json_str(&j, "reason", ev->reason);
        if (ev->kind == SP_FWD_EV_CLOSE || ev->kind == SP_FWD_EV_CONNECT_FAILED) {
            sp_json_int(&j, "bytes_to_target", (long long)ev->to_target);
            sp_json_int(&j, "bytes_to_client", (long long)ev->to_client);
            sp_json_num(&j, "duration", ev->duration, 3);
        }
        sp_json_end(&j);
        fflush(stdout);
    } else {
        switch (ev->kind) {
        case SP_FWD_EV_ACCEPT:
            log_text("%s: accept #%llu from %s", sp_fwd_listen_addr(f), (unsigned long long)ev->id, ev->client);
            break;
        case SP_FWD_EV_DENY:
            log_text("%s: deny %s: %s", sp_fwd_listen_addr(f), ev->client, ev->reason);
            break;
        case SP_FWD_EV_CONNECT_FAILED:
            log_text("%s: connect-failed #%llu from %s to %s: %s; client closed", sp_fwd_listen_addr(f),
                     (unsigned long long)ev->id, ev->client, ev->target ? ev->target : sp_fwd_target_text(f),
                     ev->reason);
            break;
        case SP_FWD_EV_CLOSE:
            log_text("%s: close #%llu from %s: %s; %llu bytes to the target, %llu to the client in %.3f s",
                     sp_fwd_listen_addr(f), (unsigned long long)ev->id, ev->client, ev->reason,
                     (unsigned long long)ev->to_target, (unsigned long long)ev->to_client, ev->duration);
            break;
        }
    }
    if (r->draining && ev->kind != SP_FWD_EV_ACCEPT && sp_fwd_setup_active(&r->setup) <= 1)
        sp_loop_stop(r->loop);
}

static void on_drained(sp_loop *loop, uint64_t id, void *ud)
{
    (void)id;
    run *r = ud;
    r->drain_timer = 0;
    if (!r->json)
        log_text("drain time over: closing %zu connection%s", sp_fwd_setup_active(&r->setup),
                 sp_fwd_setup_active(&r->setup) == 1 ? "" : "s");
    sp_loop_stop(loop);
}

static double drain_seconds;

static void on_stop(sp_loop *loop, int signo, void *ud)
{
    run *r = ud;
    size_t active = sp_fwd_setup_active(&r->setup);
    if (r->draining || active == 0 || drain_seconds <= 0) {
        sp_loop_stop(loop);
        return;
    }
    r->draining = true;
    sp_fwd_setup_stop_accepting(&r->setup);
    if (!r->json)
        log_text("%s: no new connections; %zu open may finish within %g s (again to close them now)",
                 signo == SIGINT ? "interrupted" : "terminated", active, drain_seconds);
    r->drain_timer = sp_loop_timer(loop, drain_seconds, 0, on_drained, r);
}

static void announce(const run *r, sp_fwd *f)
{
    const sp_fwd_spec *s = sp_fwd_spec_of(f);
    char line[8192];
    sp_fwd_spec_format(s, line, sizeof line);
    if (r->json) {
        sp_json j;
        sp_json_begin(&j, stdout);
        sp_json_str(&j, "event", "listen");
        sp_json_num(&j, "time", unix_time(), 3);
        sp_json_str(&j, "listen", sp_fwd_listen_addr(f));
        sp_json_str(&j, "target", sp_fwd_target_text(f));
        sp_json_str(&j, "mapping", line);
        sp_json_int(&j, "max_conns", sp_fwd_max_conns(f));
        sp_json_end(&j);
        fflush(stdout);
        return;
    }
    char esc[8300];
    sp_escape(line, strlen(line), esc, sizeof esc);
    log_text("listening on %s, forwarding to %s (%s; max %ld connections, open files limit %ld)", sp_fwd_listen_addr(f),
             sp_fwd_target_text(f), esc, sp_fwd_max_conns(f), r->setup.nofile);
}

int cmd_forward(int argc, char **argv)
{
    forward_opts o = { 0 };
    int rc;
    int first = sp_optspec_command(&forward_cmd, argc, argv, &o, &rc);
    if (first < 0)
        return rc;
    char err[600];
    int operands = argc - first;
    rc = SP_EXIT_USAGE;
    if (operands != 0 && operands != 2) {
        sp_usage_error("forward", "want LISTEN TARGET (e.g. 127.0.0.1:6000 127.0.0.1:5432), or nothing to run "
                                  "forward.list");
        goto out;
    }
    if (operands == 0 && o.spec_given) {
        sp_usage_error("forward", "mapping options need LISTEN TARGET (forward.list lines carry their own)");
        goto out;
    }
    if (operands == 2 && (sp_fwd_spec_listen(&o.spec, argv[first], err, sizeof err) < 0 ||
                          sp_fwd_spec_target(&o.spec, argv[first + 1], err, sizeof err) < 0)) {
        sp_usage_error("forward", "%s", err);
        goto out;
    }
    drain_seconds = o.drain;
    run r = { .json = o.json };
    r.loop = sp_loop_new();
    if (!r.loop) {
        rc = sp_runtime_error("forward", "cannot create the event loop: %s", strerror(errno));
        goto out;
    }
    sp_dns_config dc = { .servers = o.servers };
    sp_dns *dns = sp_dns_new(r.loop, &dc, err, sizeof err);
    if (!dns) {
        sp_loop_free(r.loop);
        rc = sp_runtime_error("forward", "%s", err);
        goto out;
    }
    rc = SP_EXIT_OK;
    if (sp_fwd_setup_init(&r.setup, r.loop, dns, o.config_dir, operands == 0, on_event, &r, err, sizeof err) < 0) {
        rc = sp_runtime_error("forward", "%s", err);
        goto done;
    }
    char path[4200];
    sp_escape(r.setup.list_path, strlen(r.setup.list_path), path, sizeof path);
    for (size_t i = 0; i < r.setup.nprobs; i++)
        fprintf(stderr, "sockpit forward: %s:%zu: %s (line skipped)\n", path, r.setup.probs[i].line,
                r.setup.probs[i].msg);
    if (operands == 2) {
        sp_fwd *f = sp_fwd_setup_start(&r.setup, &o.spec, err, sizeof err);
        if (!f) {
            rc = sp_runtime_error("forward", "%s", err);
            goto done;
        }
        announce(&r, f);
    } else {
        for (size_t i = 0; i < r.setup.list.n; i++) {
            const sp_fwd_entry *e = &r.setup.list.v[i];
            if (!e->valid)
                continue;
            sp_fwd *f = sp_fwd_setup_start(&r.setup, &e->spec, err, sizeof err);
            if (!f) {
                fprintf(stderr, "sockpit forward: %s:%zu: %s (mapping skipped)\n", path, i + 1, err);
                continue;
            }
            announce(&r, f);
        }
        if (r.setup.n == 0) {
            rc = sp_usage_error("forward", "no mappings to run: give LISTEN TARGET or add lines like '%s' to %s",
                                SP_FWD_EXAMPLE_LINE, path);
            goto done;
        }
    }
    sp_loop_signal(r.loop, SIGINT, on_stop, &r);
    sp_loop_signal(r.loop, SIGTERM, on_stop, &r);
    if (sp_loop_run(r.loop) < 0)
        rc = sp_runtime_error("forward", "event loop failed: %s", strerror(errno));
    if (!r.json)
        log_text("stopped; closing %zu connection%s", sp_fwd_setup_active(&r.setup),
                 sp_fwd_setup_active(&r.setup) == 1 ? "" : "s");
done:
    sp_loop_cancel(r.loop, r.drain_timer);
    sp_fwd_setup_free(&r.setup);
    sp_dns_free(dns);
    sp_loop_free(r.loop);
out:
    free(o.servers);
    return rc;
}
