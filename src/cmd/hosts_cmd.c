/* `sockpit hosts`: the neighbour table, this host's interfaces and an
 * optional reverse-DNS sweep of a subnet, printed once as a table or as
 * JSON Lines. */
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/json.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/texttable.h"
#include "sockpit/hosts/history.h"
#include "sockpit/hosts/hosts_setup.h"
#include "sockpit/hosts/neigh.h"
#include "sockpit/hosts/neigh_view.h"
#include "sockpit/hosts/netlink.h"
#include "sockpit/hosts/rdns.h"
#include "sockpit/hosts/sweep.h"

#define CMD "hosts"
#define SYNC_TIMEOUT 5.0
#define SETTLE_TIMEOUT 1.5

typedef struct run {
    sp_loop *loop;
    bool rates;
    bool json, all, interfaces, resolve; /* resolve: PTR */
    unsigned sources;                    /* SP_SRC_BIT of every name source asked */
    sp_rdns *rdns;
    bool interrupted;
    bool printed_neighbours; /* plain output: the interfaces follow after a blank line */
    const sp_sweep_config *sweep_cfg;
    const sp_oui *oui;
} run;

static void on_signal(sp_loop *loop, int signo, void *ud)
{
    (void)signo;
    run *r = ud;
    r->interrupted = true;
    sp_loop_stop(loop);
}

static bool wait_until(run *r, bool (*cond)(void *), void *arg, double timeout)
{
    double end = sp_now() + timeout;
    while (!r->interrupted && !cond(arg)) {
        double left = end - sp_now();
        if (left <= 0)
            return false;
        sp_loop_once(r->loop, (int)(left * 1000) + 1);
    }
    return !r->interrupted;
}

static bool nl_synced(void *arg) { return sp_netlink_synced(arg); }
static bool names_idle(void *arg) { return sp_hosts_resolving(arg) == 0; }

/* ---- sweep output ---- */

static void sweep_result(void *ud, int family, const unsigned char *addr, const char *name)
{
    run *r = ud;
    if (strcmp(name, SP_RDNS_NONAME) == 0 || strcmp(name, SP_RDNS_NOANSWER) == 0)
        return;
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(family, addr, ip, sizeof ip);
    if (r->json) {
        sp_json j;
        sp_json_begin(&j, stdout);
        sp_json_str(&j, "ip", ip);
        sp_json_str(&j, "name", name);
        sp_json_end(&j);
    } else {
        printf("%-*s  ", family == AF_INET ? 15 : 39, ip);
        sp_escape_fputs(name, strlen(name), stdout);
        fputc('\n', stdout);
    }
    fflush(stdout);
}

static void sweep_probe_error(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "sockpit hosts: %s\n", msg);
}

static bool sweep_over(void *arg)
{
    sp_sweep_progress p;
    sp_sweep_get_progress(arg, &p);
    return p.finished || p.cancelled;
}

typedef struct settle_arg {
    sp_neigh_table *t;
    const sp_cidr *c;
} settle_arg;

/* After probes: are neighbours of the subnet still being resolved? */
static bool settled(void *arg)
{
    settle_arg *s = arg;
    for (size_t i = 0; i < s->t->count; i++) {
        const sp_neigh *n = s->t->items[i];
        if (n->self || n->family != s->c->family || !(n->state & NUD_INCOMPLETE))
            continue;
        sp_cidr of;
        sp_cidr_of(n->family, n->addr, s->c->prefix, &of);
        if (memcmp(of.addr, s->c->addr, 16) == 0)
            return false;
    }
    return true;
}

static int do_sweep(run *r, const sp_sweep_config *cfg)
{
    char err[300];
    sp_sweep_cbs cbs = { sweep_result, sweep_probe_error, NULL };
    sp_sweep *s = sp_sweep_start(r->loop, r->rdns, cfg, &cbs, r, err, sizeof err);
    if (!s)
        return sp_runtime_error(CMD, "--sweep: %s", err);
    wait_until(r, sweep_over, s, 1e9);
    if (r->interrupted)
        sp_sweep_cancel(s);
    sp_sweep_progress p;
    sp_sweep_get_progress(s, &p);
    char cidr[64];
    sp_cidr_format(&cfg->cidr, cidr, sizeof cidr);
    long ms = (long)(p.elapsed * 1000 + 0.5);
    if (r->json) {
        sp_json j;
        sp_json_begin(&j, stdout);
        sp_json_str(&j, "sweep", cidr);
        sp_json_int(&j, "total", (long long)p.total);
        sp_json_int(&j, "named", (long long)p.named);
        sp_json_int(&j, "unanswered", (long long)p.unanswered);
        sp_json_int(&j, "ms", ms);
        if (cfg->probe)
            sp_json_int(&j, "probes", (long long)p.probes_sent);
        if (p.cancelled)
            sp_json_bool(&j, "cancelled", true);
        sp_json_end(&j);
    } else {
        printf("swept %s: %llu addresses, %llu named, %llu unanswered, %ld ms", cidr, (unsigned long long)p.total,
               (unsigned long long)p.named, (unsigned long long)p.unanswered, ms);
        if (cfg->probe)
            printf(", %llu probes sent", (unsigned long long)p.probes_sent);
        printf("%s\n", p.cancelled ? " (interrupted)" : "");
    }
    sp_sweep_free(s);
    return r->interrupted ? SP_EXIT_FAIL : SP_EXIT_OK;
}

/* ---- neighbour and interface output ---- */

static const char *shown_name(const sp_neigh *n, const char **source)
{
    sp_name_source src;
    const char *best = sp_neigh_best_name(n, &src);
    *source = best ? sp_name_source_label(src) : NULL;
    return best ? best : n->name ? n->name : SP_RDNS_NONAME;
}

static void json_names(sp_json *j, const sp_neigh *x)
{
    sp_json_array_begin(j, "names");
    if (x->name && strcmp(x->name, SP_RDNS_NONAME) != 0 && strcmp(x->name, SP_RDNS_NOANSWER) != 0) {
        sp_json_array_obj_begin(j);
        sp_json_str(j, "name", x->name);
        sp_json_str(j, "source", "ptr");
        sp_json_array_obj_end(j);
    }
    for (size_t k = 0; k < x->nnames; k++) {
        sp_json_array_obj_begin(j);
        sp_json_str(j, "name", x->names[k].name);
        sp_json_str(j, "source", sp_name_source_label(x->names[k].source));
        if (x->names[k].group)
            sp_json_str(j, "workgroup", x->names[k].group);
        sp_json_array_obj_end(j);
    }
    sp_json_array_end(j);
}

static void print_neighbours(run *r, const sp_neigh **rows, size_t n)
{
    if (r->json) {
        for (size_t i = 0; i < n; i++) {
            const sp_neigh *x = rows[i];
            sp_json j;
            sp_json_begin(&j, stdout);
            sp_json_str(&j, "ip", x->ip);
            sp_json_str(&j, "mac", x->maclen ? x->macstr : NULL);
            sp_json_str(&j, "vendor", x->vendor && *x->vendor ? x->vendor : NULL);
            sp_json_str(&j, "ifname", x->ifname);
            sp_json_str(&j, "state", sp_neigh_state_label(x));
            sp_name_source src;
            const char *best = sp_neigh_best_name(x, &src);
            sp_json_str(&j, "name", best);
            if (r->sources)
                json_names(&j, x);
            sp_json_end(&j);
        }
        return;
    }
    static const char *const head[] = { "IP", "MAC", "VENDOR", "INTERFACE", "STATE", "NAME", "SOURCE" };
    sp_texttable *tt = sp_texttable_new(r->sources ? 7 : 5, head);
    for (size_t i = 0; i < n; i++) {
        const char *source;
        const char *name = shown_name(rows[i], &source);
        const char *cells[] = { rows[i]->ip, rows[i]->macstr, rows[i]->vendor, rows[i]->ifname,
                                sp_neigh_state_label(rows[i]), name, source };
        sp_texttable_add(tt, cells);
    }
    sp_texttable_print(tt, stdout);
    sp_texttable_free(tt);
}

static int link_cmp(const void *a, const void *b)
{
    return ((const sp_link *)a)->ifindex - ((const sp_link *)b)->ifindex;
}

static char *join_addrs(char addrs[][64], size_t n)
{
    char *out = sp_xcalloc(n, 65);
    size_t used = 0;
    for (size_t k = 0; k < n; k++) {
        size_t len = strnlen(addrs[k], 63);
        if (k)
            out[used++] = ' ';
        memcpy(out + used, addrs[k], len);
        used += len;
    }
    out[used] = '\0';
    return out;
}

static void print_interfaces(run *r, sp_neigh_table *t)
{
    static const char *const head[] = { "INTERFACE", "STATE", "MAC", "MTU", "ADDRESSES" };
    static const char *const rhead[] = { "INTERFACE", "STATE", "RX/S", "TX/S", "RXPKT/S", "TXPKT/S", "ERRORS",
                                         "DROPS" };
    sp_texttable *tt = r->json ? NULL : r->rates ? sp_texttable_new(8, rhead) : sp_texttable_new(5, head);
    if (tt && r->printed_neighbours)
        fputc('\n', stdout);
    qsort(t->links, t->nlinks, sizeof *t->links, link_cmp);
    for (size_t i = 0; i < t->nlinks; i++) {
        const sp_link *l = &t->links[i];
        char addrs[64][64];
        size_t na = l->naddrs < 64 ? l->naddrs : 64;
        for (size_t k = 0; k < na; k++) {
            char ip[INET6_ADDRSTRLEN];
            inet_ntop(l->addrs[k].family, l->addrs[k].addr, ip, sizeof ip);
            snprintf(addrs[k], sizeof addrs[k], "%s/%u", ip, l->addrs[k].prefixlen);
        }
        bool up = l->flags & IFF_UP;
        uint64_t errs = l->stats.rx_errors + l->stats.tx_errors, drops = l->stats.rx_dropped + l->stats.tx_dropped;
        if (r->json) {
            sp_json j;
            sp_json_begin(&j, stdout);
            sp_json_str(&j, "ifname", l->name);
            sp_json_bool(&j, "up", up);
            sp_json_str(&j, "mac", l->maclen ? l->macstr : NULL);
            sp_json_int(&j, "mtu", l->mtu);
            sp_json_array_begin(&j, "addrs");
            for (size_t k = 0; k < na; k++)
                sp_json_array_str(&j, addrs[k]);
            sp_json_array_end(&j);
            if (r->rates && l->rates.valid) {
                sp_json_num(&j, "rx_bps", l->rates.rx_bps, 0);
                sp_json_num(&j, "tx_bps", l->rates.tx_bps, 0);
                sp_json_num(&j, "rx_pps", l->rates.rx_pps, 1);
                sp_json_num(&j, "tx_pps", l->rates.tx_pps, 1);
            }
            if (r->rates && l->has_stats) {
                sp_json_int(&j, "errors", (long long)errs);
                sp_json_int(&j, "drops", (long long)drops);
            }
            sp_json_end(&j);
        } else if (r->rates) {
            char c[6][32];
            bool v = l->rates.valid;
            snprintf(c[0], sizeof c[0], "%.0f", v ? l->rates.rx_bps : 0);
            snprintf(c[1], sizeof c[1], "%.0f", v ? l->rates.tx_bps : 0);
            snprintf(c[2], sizeof c[2], "%.1f", v ? l->rates.rx_pps : 0);
            snprintf(c[3], sizeof c[3], "%.1f", v ? l->rates.tx_pps : 0);
            snprintf(c[4], sizeof c[4], "%llu", (unsigned long long)errs);
            snprintf(c[5], sizeof c[5], "%llu", (unsigned long long)drops);
            const char *cells[] = { l->name, up ? "up" : "down", c[0], c[1], c[2], c[3], c[4], c[5] };
            sp_texttable_add(tt, cells);
        } else {
            char mtu[16], *joined = join_addrs(addrs, na);
            snprintf(mtu, sizeof mtu, "%u", l->mtu);
            const char *cells[] = { l->name, up ? "up" : "down", l->macstr, mtu, joined };
            sp_texttable_add(tt, cells);
            free(joined);
        }
    }
    if (!r->json) {
        sp_texttable_print(tt, stdout);
        sp_texttable_free(tt);
    }
}

/* ---- rates ---- */

typedef struct sampled_arg {
    const sp_neigh_table *t;
    double after;
} sampled_arg;

/* Every link with counters has a sample newer than `after`. */
static bool sampled(void *arg)
{
    const sampled_arg *a = arg;
    for (size_t i = 0; i < a->t->nlinks; i++)
        if (a->t->links[i].has_stats && a->t->links[i].stats_at < a->after)
            return false;
    return true;
}

static bool sleep_done(void *arg) { return sp_now() >= *(const double *)arg; }

/* The counters again after sec seconds: the rates are their difference. */
static void measure_rates(run *r, sp_hosts_setup *hs, double sec)
{
    double t0 = sp_now();
    sp_netlink_poll_links(hs->nl);
    sampled_arg a = { &hs->table, t0 };
    wait_until(r, sampled, &a, 3);
    double until = sp_now() + sec;
    wait_until(r, sleep_done, &until, sec + 1);
    a.after = sp_now();
    sp_netlink_poll_links(hs->nl);
    wait_until(r, sampled, &a, 3);
}

/* ---- the history ---- */

static void print_event(void *ud, const sp_hevent *ev)
{
    const run *r = ud;
    if (r->json) {
        sp_hevent_json(ev, r->oui, stdout);
    } else {
        char line[512];
        size_t n = sp_hevent_format(ev, line, sizeof line);
        fwrite(line, 1, n, stdout);
        const char *v = sp_hevent_vendor(r->oui, ev->mac);
        if (ev->kind == SP_HEV_FLIPFLOP) {
            const char *ov = sp_hevent_vendor(r->oui, ev->old_mac);
            fputs("  possible ARP spoofing: ", stdout);
            sp_escape_fputs(*v ? v : "?", strlen(*v ? v : "?"), stdout);
            fputs(", was ", stdout);
            sp_escape_fputs(*ov ? ov : "?", strlen(*ov ? ov : "?"), stdout);
        } else if (*v) {
            fputs("  ", stdout);
            sp_escape_fputs(v, strlen(v), stdout);
        }
        fputc('\n', stdout);
    }
    fflush(stdout);
}

static int do_watch(run *r, sp_hosts_setup *hs)
{
    if (hs->history_note[0])
        fprintf(stderr, "sockpit hosts: %s\n", hs->history_note);
    sp_hosts_history_check(hs);
    while (!r->interrupted)
        sp_loop_once(r->loop, -1);
    return SP_EXIT_OK;
}

/* ---- main ---- */

/* What the command line (and the config file) set. */
typedef struct hosts_opts {
    bool json, all, interfaces, no_resolve, probe, watch;
    double gone_after, rates;
    const char *state_dir;
    unsigned sources;
    char *servers;
    const char *sweep;
    unsigned concurrency;
    double probe_rate;
} hosts_opts;

static int set_resolve(void *base, const char *s, const char *what, char *err, size_t errlen)
{
    hosts_opts *o = base;
    char why[200];
    if (sp_name_sources_parse(s, &o->sources, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", what, why);
        return -1;
    }
    return 0;
}

static const sp_optspec options[] = {
    { .name = "json", .kind = SP_OPT_FLAG, SP_OPT_AT(hosts_opts, json), .help = "JSON Lines on stdout" },
    { .name = "all", .kind = SP_OPT_FLAG, SP_OPT_AT(hosts_opts, all),
      .help = "include FAILED, INCOMPLETE and NOARP neighbours" },
    { .name = "interfaces", .kind = SP_OPT_FLAG, SP_OPT_AT(hosts_opts, interfaces),
      .help = "also list this host's interfaces and addresses" },
    { .name = "no-resolve", .kind = SP_OPT_FLAG, SP_OPT_AT(hosts_opts, no_resolve),
      .help = "no names at all: no reverse DNS, mDNS, LLMNR or\n"
              "NetBIOS" },
    { .name = "resolve", .kind = SP_OPT_CUSTOM, .set = set_resolve, .metavar = "LIST",
      .help = "the name sources to ask, comma-separated: ptr,\n"
              "mdns, llmnr, nbns (default ptr,mdns,llmnr,nbns);\n"
              "the others only for addresses PTR leaves unnamed" },
    { SP_OPTDEF_DNS_SERVER(hosts_opts, servers), .help = "DNS servers for the PTR lookups" },
    { .name = "sweep", .kind = SP_OPT_TEXT, .metavar = "CIDR", SP_OPT_AT(hosts_opts, sweep),
      .help = "PTR lookup of every address of CIDR (at most a /16);\n"
              "the neighbour list is then printed only with --probe" },
    { .name = "probe", .kind = SP_OPT_FLAG, SP_OPT_AT(hosts_opts, probe),
      .help = "with --sweep: one UDP datagram to port 9 of\n"
              "each address, so the kernel resolves them (no\n"
              "privilege needed)" },
    { SP_OPTDEF_SWEEP_CONCURRENCY(hosts_opts, concurrency), .help = "lookups in flight" },
    { .name = "rates", .kind = SP_OPT_SECONDS, .lo = 0.5, .hi = 3600, .metavar = "SEC", SP_OPT_AT(hosts_opts, rates),
      .help = "with --interfaces: receive/transmit bytes and\n"
              "packets per second over SEC seconds, with the\n"
              "error and drop counters (IFLA_STATS64)" },
    { .name = "watch", .kind = SP_OPT_FLAG, SP_OPT_AT(hosts_opts, watch),
      .help = "follow the neighbours and print the host history's\n"
              "events as they happen (new, flip-flop: a MAC change\n"
              "at an IP, gone, back), logged to hosts.log" },
    { .name = "gone-after", .kind = SP_OPT_SECONDS, .lo = 1, .hi = 86400 * 30, .def = 300, .metavar = "SEC",
      SP_OPT_AT(hosts_opts, gone_after), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT,
      .help = "with --watch: absence before a station is gone" },
    { .name = "state-dir", .kind = SP_OPT_TEXT, .metavar = "DIR", SP_OPT_AT(hosts_opts, state_dir),
      .help = "where hosts.log is kept" },
    { SP_OPTDEF_PROBE_RATE(hosts_opts, probe_rate), .help = "probes per second" },
    { SP_OPTDEF_HELP },
    { 0 },
};

static const sp_optcmd hosts_cmd = {
    .name = CMD,
    .intro = "Usage: sockpit hosts [OPTIONS]\n"
             "List the LAN neighbours (ARP/NDP) with vendor and reverse-DNS name, this host's\n"
             "interfaces, and sweep a subnet with concurrent PTR lookups.\n"
             "\n",
    .epilog = "\n"
              "Output (--json): neighbours {\"ip\",\"mac\",\"vendor\",\"ifname\",\"state\",\"name\",\"names\"}\n"
              "(name: the best one; names: [{\"name\",\"source\"}], source ptr, mdns, llmnr or nbns,\n"
              "NetBIOS names with their \"workgroup\"),\n"
              "interfaces {\"ifname\",\"up\",\"mac\",\"mtu\",\"addrs\"}, sweep results {\"ip\",\"name\"} and\n"
              "a summary {\"sweep\",\"total\",\"named\",\"unanswered\",\"ms\"} (unanswered: time-outs and\n"
              "server failures, not NXDOMAIN).\n"
              "Exit status: 0 ok, 1 runtime failure, 2 usage error (bad CIDR, a subnet over /16).\n",
    .opts = options,
    .defaults = sp_config_command_defaults,
};

int cmd_hosts(int argc, char **argv)
{
    hosts_opts o = { 0 };
    int status;
    if (sp_optspec_command(&hosts_cmd, argc, argv, &o, &status) < 0)
        return status;
    char err[300];
    unsigned sources = o.no_resolve ? 0 : o.sources ? o.sources : SP_SRC_BIT(SP_SRC_PTR) | SP_HOSTS_SOURCES_DEFAULT;
    run r = { .json = o.json, .all = o.all, .interfaces = o.interfaces,
              .resolve = sources & SP_SRC_BIT(SP_SRC_PTR), .sources = sources };
    char *servers = o.servers;
    const char *sweep_arg = o.sweep;
    bool probe = o.probe;
    sp_sweep_config scfg = { .concurrency = o.concurrency, .resolve = r.resolve, .probe = probe,
                             .probe_rate = o.probe_rate };
    if (o.watch) {
        if (o.sweep || o.probe || o.interfaces) {
            snprintf(err, sizeof err, "--watch runs until stopped: it does not go with --sweep, --probe or --interfaces");
            goto usage;
        }
        sources = r.sources = 0;
        r.resolve = false;
    }
    if (o.rates > 0) {
        if (!o.interfaces || o.sweep || o.watch) {
            snprintf(err, sizeof err, "--rates SEC goes with --interfaces (and not with --sweep or --watch)");
            goto usage;
        }
        r.rates = true;
        sources = r.sources = 0;
        r.resolve = false;
    }
    if (probe && !sweep_arg) {
        snprintf(err, sizeof err, "--probe needs --sweep CIDR (probes are only sent to a subnet you name)");
        goto usage;
    }
    if (sweep_arg) {
        char why[256];
        if (sp_cidr_parse(sweep_arg, &scfg.cidr, why, sizeof why) < 0) {
            snprintf(err, sizeof err, "--sweep: %s", why);
            goto usage;
        }
        if (sp_cidr_classify(&scfg.cidr) == SP_CIDR_REFUSE) {
            snprintf(err, sizeof err, "--sweep: '%s' is larger than a /16 (%s addresses); sweep at most 65536",
                     sweep_arg, scfg.cidr.family == AF_INET ? "over 65536" : "far over 65536");
            goto usage;
        }
        if (!r.resolve && !probe) {
            snprintf(err, sizeof err, "--sweep without PTR lookups (--no-resolve, --resolve) does nothing without --probe");
            goto usage;
        }
    }

    int rc = SP_EXIT_FAIL;
    sp_dns *dns = NULL;
    const sp_neigh **rows = NULL;
    sp_hosts_setup hs = { 0 };
    r.loop = sp_loop_new();
    if (!r.loop) {
        rc = sp_runtime_error(CMD, "cannot create the event loop");
        goto out;
    }
    sp_loop_signal(r.loop, SIGINT, on_signal, &r);
    sp_loop_signal(r.loop, SIGTERM, on_signal, &r);
    if (r.resolve) {
        sp_dns_config dc = { .servers = servers };
        dns = sp_dns_new(r.loop, &dc, err, sizeof err);
        if (!dns) {
            rc = sp_runtime_error(CMD, "%s", err);
            goto out;
        }
    }
    sp_hosts_settings hset = { .dns = dns, .sources = sources, .history = o.watch, .state_dir = o.state_dir,
                               .gone_after = o.gone_after, .event = print_event, .ud = &r };
    sp_hosts_set_up(&hs, r.loop, &hset, err, sizeof err);
    r.oui = hs.oui;
    r.rdns = hs.rdns;
    sp_neigh_table *t = &hs.table;
    sp_netlink *nl = hs.nl;
    if (!wait_until(&r, nl_synced, nl, SYNC_TIMEOUT) && !r.interrupted)
        fprintf(stderr, "sockpit hosts: the kernel's tables did not arrive in %.0f s; the list may be partial\n",
                SYNC_TIMEOUT);
    if (sp_netlink_note(nl)[0])
        fprintf(stderr, "sockpit hosts: %s\n", sp_netlink_note(nl));
    if (hs.names && sp_names_note(hs.names)[0] && !r.json)
        fprintf(stderr, "sockpit hosts: %s\n", sp_names_note(hs.names));
    if (!hs.oui && !r.json)
        fprintf(stderr, "sockpit hosts: no OUI registry file found (install ieee-data or set SOCKPIT_OUI); "
                        "vendors are blank\n");

    if (o.watch) {
        rc = do_watch(&r, &hs);
        goto out;
    }
    if (r.rates) {
        measure_rates(&r, &hs, o.rates);
        if (r.interrupted) {
            rc = sp_runtime_error(CMD, "interrupted");
            goto out;
        }
        print_interfaces(&r, t);
        rc = SP_EXIT_OK;
        goto out;
    }
    if (sweep_arg) {
        rc = do_sweep(&r, &scfg);
        if (rc != SP_EXIT_OK || !probe)
            goto ifaces;
        settle_arg sa = { t, &scfg.cidr };
        wait_until(&r, settled, &sa, SETTLE_TIMEOUT);
    }
    rows = sp_xreallocarray(NULL, t->count, sizeof *rows);
    sp_neigh_view_opts vo = { .show_all = r.all, .sort = SP_SORT_IP };
    size_t n = sp_neigh_view(t, &vo, rows);
    if (sources) {
        /* Only the rows printed are looked up. */
        for (size_t i = 0; i < t->count; i++)
            t->items[i]->name_wanted = false;
        for (size_t i = 0; i < n; i++)
            ((sp_neigh *)rows[i])->name_wanted = true;
        sp_hosts_resolve(&hs);
        wait_until(&r, names_idle, &hs, 30);
        if (hs.names)
            sp_names_apply(hs.names, t);
        /* Netlink may have changed the table meanwhile. */
        rows = sp_xreallocarray(rows, t->count + 1, sizeof *rows);
        n = sp_neigh_view(t, &vo, rows);
        for (size_t i = 0; r.resolve && i < n; i++)
            if (!rows[i]->name)
                sp_neigh_set_name(t, rows[i]->family, rows[i]->addr, SP_RDNS_NOANSWER);
    }
    if (r.interrupted) {
        rc = sp_runtime_error(CMD, "interrupted");
        goto out;
    }
    print_neighbours(&r, rows, n);
    r.printed_neighbours = true;
    rc = SP_EXIT_OK;
ifaces:
    if (r.interfaces && !r.interrupted)
        print_interfaces(&r, t);
out:
    free(rows);
    /* The channel first: its pending callbacks end before the cache goes. */
    sp_dns_free(dns);
    sp_hosts_tear_down(&hs);
    sp_loop_free(r.loop);
    free(servers);
    return rc;
usage:
    free(servers);
    return sp_usage_error(CMD, "%s", err);
}
