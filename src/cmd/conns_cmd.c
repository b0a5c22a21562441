/* `sockpit conns`: every TCP socket but the listeners and every connected
 * UDP socket, with its process, counters and (with --rates) throughput. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/conns/conns_source.h"
#include "sockpit/conns/connview.h"
#include "sockpit/core/json.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/proto.h"
#include "sockpit/core/report.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/texttable.h"
#include "sockpit/services/services.h"

#define CMD "conns"

typedef struct conns_opts {
    bool json, tcp, udp, all_ns;
    const char *state, *process, *file;
    long pid;
    double rates;
} conns_opts;

typedef struct run {
    sp_loop *loop;
    bool over, interrupted;
    int rc;
    char err[256];
} run;

static void on_signal(sp_loop *loop, int signo, void *ud)
{
    (void)signo;
    run *r = ud;
    r->interrupted = true;
    sp_loop_stop(loop);
}

static void refreshed(void *ud, int rc, const char *err)
{
    run *r = ud;
    r->over = true;
    r->rc = rc;
    snprintf(r->err, sizeof r->err, "%s", err);
}

static void on_wait(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    ((run *)ud)->over = true;
}

/* One refresh, or a wait, to its end. False when interrupted. */
static bool wait_over(run *r)
{
    while (!r->over && !r->interrupted)
        sp_loop_once(r->loop, -1);
    return !r->interrupted;
}

static int cmp_rows(const void *a, const void *b)
{
    const sp_conn *x = *(const sp_conn *const *)a, *y = *(const sp_conn *const *)b;
    double tx = x->tx_bps + x->rx_bps, ty = y->tx_bps + y->rx_bps;
    if (tx != ty)
        return tx > ty ? -1 : 1;
    if (x->s.proto != y->s.proto)
        return x->s.proto < y->s.proto ? -1 : 1;
    if (x->s.sport != y->s.sport)
        return x->s.sport < y->s.sport ? -1 : 1;
    if (x->s.dport != y->s.dport)
        return x->s.dport < y->s.dport ? -1 : 1;
    return (x->key > y->key) - (x->key < y->key);
}

static const char *service_name(const sp_services *t, const sp_conn *c)
{
    const sp_service *s = t ? sp_services_by_port(t, sp_conn_service_port(c), c->s.proto) : NULL;
    return s ? s->name : "-";
}

static void print_json(const sp_conn *c, const sp_services *t, bool rates, const sp_conns_source *src)
{
    char local[64], remote[64];
    sp_diag_addr(c->s.family, c->s.src, c->s.sport, local, sizeof local);
    sp_diag_addr(c->s.family, c->s.dst, c->s.dport, remote, sizeof remote);
    sp_json j;
    sp_json_begin(&j, stdout);
    sp_json_str(&j, "proto", sp_proto_name(c->s.proto));
    sp_json_str(&j, "state", sp_tcp_state_name(c->s.state));
    sp_json_str(&j, "local", local);
    sp_json_str(&j, "remote", remote);
    sp_json_str(&j, "service", service_name(t, c));
    if (c->owner == SP_OWNER_PROC) {
        sp_json_int(&j, "pid", c->pid);
        sp_json_str(&j, "process", c->comm);
    } else {
        sp_json_null(&j, "pid");
        sp_json_null(&j, "process");
    }
    sp_json_str(&j, "netns", sp_conns_netns_name(src, c->s.netns));
    const char *container = sp_conns_netns_container(src, c->s.netns);
    if (container)
        sp_json_str(&j, "container", container);
    if (SP_DIAG_HAS(&c->s, tcpi_rtt) && c->s.state == SP_TCP_ESTABLISHED)
        sp_json_num(&j, "rtt_ms", c->s.info.tcpi_rtt / 1000.0, 3);
    else
        sp_json_null(&j, "rtt_ms");
    if (SP_DIAG_HAS(&c->s, tcpi_total_retrans))
        sp_json_int(&j, "retrans", c->s.info.tcpi_total_retrans);
    else
        sp_json_null(&j, "retrans");
    if (c->counted) {
        sp_json_int(&j, "bytes_sent", (long long)c->tx_bytes);
        sp_json_int(&j, "bytes_received", (long long)c->rx_bytes);
    } else {
        sp_json_null(&j, "bytes_sent");
        sp_json_null(&j, "bytes_received");
    }
    if (rates && c->rates) {
        sp_json_num(&j, "tx_bps", c->tx_bps, 0);
        sp_json_num(&j, "rx_bps", c->rx_bps, 0);
    } else {
        sp_json_null(&j, "tx_bps");
        sp_json_null(&j, "rx_bps");
    }
    sp_json_end(&j);
}

/* With more than one namespace shown, a NETNS column after PROCESS. */
static void print_table(const sp_conn *const *rows, size_t n, const sp_services *t, bool rates,
                        const sp_conns_source *src)
{
    static const char *const head[] = { "PROTO", "STATE", "LOCAL", "REMOTE", "SERVICE", "PROCESS", "NETNS",
                                        "RTT",   "RETR",  "SENT",  "RECV",   "TX/s",    "RX/s" };
    static const char *const head1[] = { "PROTO", "STATE", "LOCAL", "REMOTE", "SERVICE", "PROCESS",
                                         "RTT",   "RETR",  "SENT",  "RECV",   "TX/s",    "RX/s" };
    bool netns = sp_conns_netns_count(src) > 1;
    sp_texttable *tt = netns ? sp_texttable_new(13, head) : sp_texttable_new(12, head1);
    for (size_t i = 0; i < n; i++) {
        const sp_conn *c = rows[i];
        char local[64], remote[64], proc[48], rtt[16], retr[16], sent[16], recv[16], tx[16], rx[16];
        sp_diag_addr(c->s.family, c->s.src, c->s.sport, local, sizeof local);
        sp_diag_addr(c->s.family, c->s.dst, c->s.dport, remote, sizeof remote);
        if (c->owner == SP_OWNER_PROC)
            snprintf(proc, sizeof proc, "%s/%d", c->comm, c->pid);
        else
            snprintf(proc, sizeof proc, "-");
        sp_fmt_rtt(c, rtt, sizeof rtt);
        if (SP_DIAG_HAS(&c->s, tcpi_total_retrans))
            snprintf(retr, sizeof retr, "%u", c->s.info.tcpi_total_retrans);
        else
            snprintf(retr, sizeof retr, "-");
        snprintf(sent, sizeof sent, "-");
        snprintf(recv, sizeof recv, "-");
        if (c->counted) {
            sp_fmt_bytes((double)c->tx_bytes, sent, sizeof sent);
            sp_fmt_bytes((double)c->rx_bytes, recv, sizeof recv);
        }
        snprintf(tx, sizeof tx, "-");
        snprintf(rx, sizeof rx, "-");
        if (rates && c->rates) {
            sp_fmt_bytes(c->tx_bps, tx, sizeof tx);
            sp_fmt_bytes(c->rx_bps, rx, sizeof rx);
        }
        const char *cells[] = { sp_proto_name(c->s.proto), sp_tcp_state_name(c->s.state), local, remote,
                                service_name(t, c), proc, sp_conns_netns_name(src, c->s.netns), rtt, retr, sent,
                                recv, tx, rx };
        if (!netns)
            memmove(cells + 6, cells + 7, 6 * sizeof *cells);
        sp_texttable_add(tt, cells);
    }
    sp_texttable_print(tt, stdout);
    sp_texttable_free(tt);
}

static sp_services *load_services(const char *file)
{
    char *buf, err[512];
    size_t len;
    if (sp_services_read_file(file, true, &buf, &len, err, sizeof err) < 0) {
        fprintf(stderr, "sockpit conns: %s: service names left out (use --services-file FILE)\n", err);
        return NULL;
    }
    sp_services *t = sp_services_parse(buf, len);
    free(buf);
    return t;
}

static int run_conns(const conns_opts *o, const sp_conn_filter *f)
{
    run r = { 0 };
    r.loop = sp_loop_new();
    if (!r.loop)
        return sp_runtime_error(CMD, "cannot start the event loop");
    sp_loop_signal(r.loop, SIGINT, on_signal, &r);
    sp_loop_signal(r.loop, SIGTERM, on_signal, &r);
    bool any = !o->tcp && !o->udp;
    sp_conns_source *src = sp_conns_source_new("/proc", any || o->tcp, any || o->udp);
    int rc = SP_EXIT_OK;
    if (o->all_ns)
        sp_conns_source_all_namespaces(src, true);
    sp_conns_source_refresh(src, r.loop, refreshed, &r);
    bool ok = wait_over(&r);
    if (ok && r.rc == 0 && o->rates > 0) {
        r.over = false;
        sp_loop_timer(r.loop, o->rates, 0, on_wait, &r);
        ok = wait_over(&r);
        r.over = false;
        if (ok) {
            sp_conns_source_refresh(src, r.loop, refreshed, &r);
            ok = wait_over(&r);
        }
    }
    sp_services *svc = NULL;
    if (!ok) {
        rc = SP_EXIT_FAIL;
        goto out;
    }
    if (r.rc < 0) {
        rc = sp_runtime_error(CMD, "cannot list the connections: %s", r.err);
        goto out;
    }
    /* What kept a namespace out (or all of them: no root), once each. */
    for (const char *note; (note = sp_conns_take_note(src)) != NULL;) {
        fputs("sockpit conns: ", stderr);
        sp_escape_fputs(note, strlen(note), stderr);
        fputc('\n', stderr);
    }
    svc = load_services(o->file);
    const sp_conntab *t = sp_conns_table(src);
    const sp_conn **rows = sp_xreallocarray(NULL, t->n + 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!t->v[i].closed && sp_conn_filter_match(f, &t->v[i]))
            rows[n++] = &t->v[i];
    qsort(rows, n, sizeof *rows, cmp_rows);
    if (o->json)
        for (size_t i = 0; i < n; i++)
            print_json(rows[i], svc, o->rates > 0, src);
    else
        print_table(rows, n, svc, o->rates > 0, src);
    free(rows);
    const sp_connproc_stats *ps = sp_conns_procs(src);
    if (ps->hidden && geteuid() != 0)
        fprintf(stderr, "sockpit conns: %zu socket%s of other users' processes show '-' (run as root to see them)\n",
                ps->hidden, ps->hidden == 1 ? "" : "s");
out:
    sp_services_free(svc);
    sp_conns_source_free(src);
    sp_loop_free(r.loop);
    return rc;
}

static const sp_optspec options[] = {
    { .name = "tcp", .kind = SP_OPT_FLAG, SP_OPT_AT(conns_opts, tcp), .help = "TCP sockets (all but listeners)" },
    { .name = "udp", .kind = SP_OPT_FLAG, SP_OPT_AT(conns_opts, udp), .help = "connected UDP sockets" },
    { .name = "state", .kind = SP_OPT_TEXT, .metavar = "STATE", SP_OPT_AT(conns_opts, state), .noun = "state",
      .help = "only this TCP state: established, syn-sent,\n"
              "syn-recv, fin-wait-1, fin-wait-2, time-wait,\n"
              "close, close-wait, last-ack, closing" },
    { .name = "process", .kind = SP_OPT_TEXT, .metavar = "NAME", SP_OPT_AT(conns_opts, process),
      .noun = "process name", .help = "only sockets of processes named NAME (comm)" },
    { .name = "pid", .kind = SP_OPT_LONG, .lo = 1, .hi = 4194304, .metavar = "PID", SP_OPT_AT(conns_opts, pid),
      .help = "only sockets of process PID" },
    { .name = "rates", .kind = SP_OPT_SECONDS, .lo = 0.1, .hi = 3600, .metavar = "SEC",
      SP_OPT_AT(conns_opts, rates),
      .help = "sample twice SEC seconds apart and fill in the\n"
              "send and receive rates (bytes/s)" },
    { SP_OPTDEF_SERVICES_FILE(conns_opts, file), .help = "services database for the SERVICE column" },
    { .name = "all-namespaces", .kind = SP_OPT_FLAG, SP_OPT_AT(conns_opts, all_ns),
      .help = "the sockets of every network namespace (containers,\n"
              "ip netns), in a NETNS column (root)" },
    { .name = "json", .kind = SP_OPT_FLAG, SP_OPT_AT(conns_opts, json),
      .help = "JSON Lines: proto, state, local, remote, service,\n"
              "pid, process, netns, container (when known), rtt_ms,\n"
              "retrans, bytes_sent, bytes_received, tx_bps, rx_bps" },
    { SP_OPTDEF_HELP },
    { 0 },
};

static const sp_optcmd conns_cmd = {
    .name = CMD,
    .intro = "Usage: sockpit conns [OPTIONS]\n"
             "Print every TCP socket but the listeners and every connected UDP socket,\n"
             "with the owning process ('-' where it is not readable), RTT, retransmits\n"
             "and bytes moved, from the kernel's sock_diag (no root, no capture).\n"
             "\n",
    .epilog = "\n"
              "Examples:\n"
              "  sockpit conns --state established\n"
              "  sockpit conns --rates 2 --process firefox --json\n"
              "  sudo sockpit conns --all-namespaces --state established\n",
    .opts = options,
    .permute = true,
};

int cmd_conns(int argc, char **argv)
{
    conns_opts o = { 0 };
    int status;
    if (sp_optspec_command(&conns_cmd, argc, argv, &o, &status) < 0)
        return status;
    sp_conn_filter f = { .tcp = o.tcp, .udp = o.udp, .state = -1, .process = o.process, .pid = (int)o.pid };
    if (o.state) {
        f.state = sp_tcp_state_lookup(o.state);
        if (f.state < 0 || f.state == SP_TCP_LISTEN)
            return sp_usage_error(CMD, "--state: '%s' is not a TCP state (established, time-wait, close-wait...; "
                                       "listeners are in sockpit services --listening)",
                                  o.state);
    }
    if (o.process && o.pid)
        return sp_usage_error(CMD, "--process and --pid exclude each other");
    return run_conns(&o, &f);
}
