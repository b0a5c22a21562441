/* `sockpit probe TARGET [PORTS]`: a TCP connect scan of an address, a name
 * or a small network, with optional banners, HTTP heads and TLS
 * certificates of the open ports, printed at the end as a table sorted by
 * address and port, or as JSON Lines. */
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
#include "sockpit/hosts/hosts_setup.h"
#include "sockpit/probe/probe_setup.h"

#define CMD "probe"
#define SYNC_TIMEOUT 5.0

typedef struct probe_opts {
    bool json, all_states, banner, http, tls, any_address;
    long concurrency, rate, timeout;
    char *servers;
    const char *services_file;
} probe_opts;

static const sp_optspec options[] = {
    { .name = "json", .kind = SP_OPT_FLAG, SP_OPT_AT(probe_opts, json),
      .help = "JSON Lines: one object per port, then a summary" },
    { .name = "all-states", .kind = SP_OPT_FLAG, SP_OPT_AT(probe_opts, all_states),
      .help = "list closed and filtered ports too (default: open\nones; the summary counts the others)" },
    { .name = "banner", .kind = SP_OPT_FLAG, SP_OPT_AT(probe_opts, banner),
      .help = "read what each open port says first (at most\n1 KiB within 1 s)" },
    { .name = "http", .kind = SP_OPT_FLAG, SP_OPT_AT(probe_opts, http),
      .help = "send GET / to each open port: status, Server,\nLocation and <title>" },
    { .name = "tls", .kind = SP_OPT_FLAG, SP_OPT_AT(probe_opts, tls),
      .help = "a TLS handshake with each open port (SNI: the\nTARGET name): the certificate's subject, SANs,\n"
              "issuer, validity, SHA-256; expired, self-signed\nand wrong-host certificates are flagged" },
    { .name = "concurrency", .kind = SP_OPT_LONG, .lo = 1, .hi = 65536, .def = SP_PROBE_CONCURRENCY_DEFAULT,
      .metavar = "N", SP_OPT_AT(probe_opts, concurrency), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT,
      .help = "sockets in flight (bounded by the open-file limit)" },
    { .name = "rate", .kind = SP_OPT_LONG, .lo = 1, .hi = 1000000, .def = SP_PROBE_RATE_DEFAULT, .metavar = "N",
      SP_OPT_AT(probe_opts, rate), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .help = "connects started per second" },
    { .name = "timeout", .kind = SP_OPT_LONG, .lo = 1, .hi = 60000, .def = SP_PROBE_TIMEOUT_DEFAULT,
      .metavar = "MS", SP_OPT_AT(probe_opts, timeout), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT,
      .help = "milliseconds a connect may take (a first try may\nwait less, as the answers so far suggest; the port\nis filtered after a second try of this long)" },
    { .name = "any-address", .kind = SP_OPT_FLAG, SP_OPT_AT(probe_opts, any_address),
      .help = "probe addresses outside loopback, private,\nlink-local, CGNAT, neighbours and local networks" },
    { SP_OPTDEF_DNS_SERVER(probe_opts, servers), .help = "DNS servers for a TARGET name" },
    { SP_OPTDEF_SERVICES_FILE(probe_opts, services_file), .help = "services file for the SERVICE names" },
    { SP_OPTDEF_HELP },
    { 0 },
};

static const sp_optcmd probe_cmd = {
    .name = CMD,
    .intro = "Usage: sockpit probe [OPTIONS] TARGET [PORTS]\n"
             "A TCP connect scan of TARGET (an address, a name, or a network of at most 256\n"
             "addresses such as 198.18.0.0/24). PORTS: 22,80,443, 1-1024, top100 (default: 100\n"
             "common service ports), all, or a list mixing them.\n"
             "\n",
    .epilog = "\n"
              "Open: the connect succeeded; closed: reset; filtered: no answer (twice) or an\n"
              "ICMP unreachable. Only loopback, private (RFC 1918, ULA), link-local and CGNAT\n"
              "addresses, neighbours and local networks are probed without --any-address.\n"
              "Output (--json): ports {\"ip\",\"port\",\"proto\",\"state\",\"service\",\"rtt_ms\",\n"
              "\"banner\",\"http\",\"tls\"} and a summary {\"probe\",\"total\",\"open\",\"closed\",\n"
              "\"filtered\",\"ms\",\"ports_per_s\"}.\n"
              "Exit status: 0 the scan ran, 1 runtime failure (the name did not resolve),\n"
              "2 usage error (bad target or ports, an address out of scope).\n",
    .opts = options,
    .permute = true,
    .operands = true,
    .defaults = sp_config_command_defaults,
};

typedef struct run {
    sp_loop *loop;
    const probe_opts *o;
    sp_services *services;
    bool over, interrupted;
} run;

static void on_signal(sp_loop *loop, int signo, void *ud)
{
    (void)signo;
    run *r = ud;
    r->interrupted = true;
    sp_loop_stop(loop);
}

static void on_over(void *ud, sp_probe_job *j)
{
    (void)j;
    run *r = ud;
    r->over = true;
    sp_loop_stop(r->loop);
}

static void run_until(run *r, bool *flag, double timeout)
{
    double end = sp_now() + timeout;
    while (!*flag && !r->interrupted) {
        double left = end - sp_now();
        if (left <= 0)
            return;
        sp_loop_once(r->loop, (int)(left * 1000) + 1);
    }
}

static bool nl_synced_flag(sp_netlink *nl, run *r)
{
    double end = sp_now() + SYNC_TIMEOUT;
    while (!sp_netlink_synced(nl) && !r->interrupted && sp_now() < end)
        sp_loop_once(r->loop, 50);
    return sp_netlink_synced(nl);
}

static sp_services *load_services(const char *path)
{
    char err[512], *buf;
    size_t len;
    if (sp_services_read_file(path, false, &buf, &len, err, sizeof err) < 0) {
        fprintf(stderr, "sockpit probe: %s; the SERVICE column stays blank\n", err);
        return NULL;
    }
    sp_services *t = sp_services_parse(buf, len);
    free(buf);
    return t;
}

/* ---- output ---- */

typedef struct row {
    size_t ai, pi;
    sp_port_state st;
    const sp_probe_port *p;
} row;

static const sp_probe_port *find_open(const sp_probe_port *const *v, size_t n, size_t ai, uint16_t port)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid]->addr_index < ai || (v[mid]->addr_index == ai && v[mid]->port < port))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo]->addr_index == ai && v[lo]->port == port ? v[lo] : NULL;
}

static int open_cmp(const void *a, const void *b)
{
    const sp_probe_port *x = *(const sp_probe_port *const *)a, *y = *(const sp_probe_port *const *)b;
    if (x->addr_index != y->addr_index)
        return x->addr_index < y->addr_index ? -1 : 1;
    return (int)x->port - (int)y->port;
}

static int addr_index_cmp(const void *a, const void *b, void *addrs)
{
    const sp_probe_addr *v = addrs;
    return sp_probe_addr_cmp(&v[*(const size_t *)a], &v[*(const size_t *)b]);
}

/* A one-line summary of what the follow-ups found, raw (escaped when
 * printed). */
static void detail(const sp_probe_port *p, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
#define ADD(...)                                                                   \
    do {                                                                           \
        if (used < cap)                                                            \
            used += (size_t)snprintf(out + used, cap - used, __VA_ARGS__);         \
    } while (0)
    if (p->banner) {
        /* Escaped here already: a NUL inside would end the cell. */
        char esc[SP_PROBE_BANNER_MAX * 4 + 1];
        sp_banner_text(p->banner, p->banner_len, esc, sizeof esc);
        ADD("%s", esc);
    }
    if (p->http_done && p->http.http) {
        ADD("%s%s%d", used ? "; " : "", p->http_tls ? "HTTPS " : "HTTP ", p->http.status);
        if (p->http.title[0])
            ADD(" \"%s\"", p->http.title);
        if (p->http.server[0])
            ADD(" server %s", p->http.server);
        if (p->http.location[0])
            ADD(" -> %s", p->http.location);
    }
    if (p->tls.done) {
        if (p->tls.ok)
            ADD("%sTLS %s %s, %ld days left%s%s%s", used ? "; " : "", p->tls.protocol, p->tls.subject,
                p->tls.days_left, p->tls.expired ? ", EXPIRED" : "", p->tls.self_signed ? ", SELF-SIGNED" : "",
                p->tls.wrong_host ? ", WRONG HOST" : "");
        else if (!p->banner && !(p->http_done && p->http.http))
            /* A port that spoke plain text is not a broken TLS port. */
            ADD("%sTLS failed: %s", used ? "; " : "", p->tls.error);
    }
#undef ADD
}

static void json_port(const row *rw, const sp_probe_addr *a, const sp_scan *scan, const sp_services *sv,
                      uint16_t port)
{
    char ip[64];
    sp_probe_addr_format(a, false, ip, sizeof ip);
    const sp_probe_port *p = rw->p;
    sp_json j;
    sp_json_begin(&j, stdout);
    sp_json_str(&j, "ip", ip);
    sp_json_int(&j, "port", port);
    sp_json_str(&j, "proto", "tcp");
    sp_json_str(&j, "state", sp_port_state_name(rw->st));
    const char *svc = sp_probe_service(sv, port);
    sp_json_str(&j, "service", svc[0] ? svc : NULL);
    if (!p) {
        sp_json_str(&j, "reason", sp_scan_reason(scan, rw->ai, rw->pi));
        sp_json_end(&j);
        return;
    }
    sp_json_num(&j, "rtt_ms", p->rtt_ms, 3);
    if (p->banner)
        sp_json_strn(&j, "banner", p->banner, sp_banner_trim(p->banner, p->banner_len));
    else
        sp_json_null(&j, "banner");
    if (p->http_done && p->http.http) {
        sp_json_key(&j, "http");
        sp_json inner;
        sp_json_begin(&inner, stdout);
        sp_json_int(&inner, "status", p->http.status);
        sp_json_str(&inner, "status_line", p->http.status_line);
        sp_json_str(&inner, "server", p->http.server[0] ? p->http.server : NULL);
        sp_json_str(&inner, "location", p->http.location[0] ? p->http.location : NULL);
        sp_json_str(&inner, "title", p->http.title[0] ? p->http.title : NULL);
        sp_json_bool(&inner, "tls", p->http_tls);
        fputc('}', stdout);
        j.need_comma = true;
    } else {
        sp_json_null(&j, "http");
        if (p->http_done)
            sp_json_str(&j, "http_error", p->http_error);
    }
    if (p->tls.done && p->tls.ok) {
        sp_json_key(&j, "tls");
        sp_json t;
        sp_json_begin(&t, stdout);
        sp_json_str(&t, "subject", p->tls.subject);
        sp_json_array_begin(&t, "sans");
        for (size_t i = 0; i < p->tls.nsans; i++)
            sp_json_array_str(&t, p->tls.sans[i]);
        sp_json_array_end(&t);
        sp_json_str(&t, "issuer", p->tls.issuer);
        char when[32];
        struct tm tm;
        gmtime_r(&p->tls.not_before, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        sp_json_str(&t, "not_before", when);
        gmtime_r(&p->tls.not_after, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        sp_json_str(&t, "not_after", when);
        sp_json_int(&t, "days_left", p->tls.days_left);
        sp_json_str(&t, "sha256", p->tls.sha256);
        sp_json_str(&t, "protocol", p->tls.protocol);
        sp_json_str(&t, "cipher", p->tls.cipher);
        sp_json_bool(&t, "expired", p->tls.expired);
        sp_json_bool(&t, "self_signed", p->tls.self_signed);
        sp_json_bool(&t, "wrong_host", p->tls.wrong_host);
        sp_json_bool(&t, "verified", p->tls.verified);
        sp_json_str(&t, "verify_reason", p->tls.verify_reason[0] ? p->tls.verify_reason : NULL);
        fputc('}', stdout);
        j.need_comma = true;
    } else {
        sp_json_null(&j, "tls");
        if (p->tls.done)
            sp_json_str(&j, "tls_error", p->tls.error);
    }
    sp_json_end(&j);
}

static void print_results(run *r, sp_probe_job *job)
{
    const sp_scan *scan = sp_probe_job_scan(job);
    size_t naddrs;
    const sp_probe_addr *addrs = sp_probe_job_addrs(job, &naddrs);
    const sp_portset *ports = sp_probe_job_ports(job);
    size_t nopen;
    const sp_probe_port *const *got = sp_scan_open_ports(scan, &nopen);
    const sp_probe_port **opens = sp_xreallocarray(NULL, nopen + 1, sizeof *opens);
    if (nopen)
        memcpy(opens, got, nopen * sizeof *opens);
    qsort(opens, nopen, sizeof *opens, open_cmp);
    size_t *order = sp_xreallocarray(NULL, naddrs, sizeof *order);
    for (size_t i = 0; i < naddrs; i++)
        order[i] = i;
    qsort_r(order, naddrs, sizeof *order, addr_index_cmp, (void *)addrs);

    static const char *const head[] = { "ADDRESS", "PORT", "STATE", "SERVICE", "RTT", "DETAIL" };
    sp_texttable *tt = r->o->json ? NULL : sp_texttable_new(6, head);
    if (tt)
        sp_texttable_cap(tt, 5, 100);
    for (size_t k = 0; k < naddrs; k++) {
        size_t ai = order[k];
        for (size_t pi = 0; pi < ports->n; pi++) {
            sp_port_state st = sp_scan_state(scan, ai, pi);
            if (st == SP_PORT_UNKNOWN || (st != SP_PORT_OPEN && !r->o->all_states))
                continue;
            uint16_t port = ports->v[pi];
            row rw = { ai, pi, st, st == SP_PORT_OPEN ? find_open(opens, nopen, ai, port) : NULL };
            if (st == SP_PORT_OPEN && !rw.p)
                continue; /* its follow-ups were cut short by a cancel */
            if (!tt) {
                json_port(&rw, &addrs[ai], scan, r->services, port);
                continue;
            }
            char ip[64], portstr[8], rtt[24], det[1024];
            sp_probe_addr_format(&addrs[ai], false, ip, sizeof ip);
            snprintf(portstr, sizeof portstr, "%u", port);
            if (rw.p) {
                snprintf(rtt, sizeof rtt, "%.1f ms", rw.p->rtt_ms);
                detail(rw.p, det, sizeof det);
            } else {
                rtt[0] = '\0';
                snprintf(det, sizeof det, "%s", sp_scan_reason(scan, ai, pi));
            }
            const char *cells[] = { ip, portstr, sp_port_state_name(st), sp_probe_service(r->services, port), rtt,
                                    det };
            sp_texttable_add(tt, cells);
        }
    }
    if (tt) {
        sp_texttable_print(tt, stdout);
        sp_texttable_free(tt);
    }
    free(order);
    free(opens);
}

static void print_summary(run *r, sp_probe_job *job)
{
    const sp_scan *scan = sp_probe_job_scan(job);
    sp_scan_progress p;
    sp_scan_get_progress(scan, &p);
    size_t naddrs;
    sp_probe_job_addrs(job, &naddrs);
    long ms = (long)(p.elapsed * 1000 + 0.5);
    if (r->o->json) {
        sp_json j;
        sp_json_begin(&j, stdout);
        sp_json_str(&j, "probe", sp_probe_job_target(job));
        sp_json_int(&j, "addresses", (long long)naddrs);
        sp_json_int(&j, "ports", (long long)sp_probe_job_ports(job)->n);
        sp_json_int(&j, "total", (long long)p.total);
        sp_json_int(&j, "open", (long long)p.open);
        sp_json_int(&j, "closed", (long long)p.closed);
        sp_json_int(&j, "filtered", (long long)p.filtered);
        sp_json_int(&j, "ms", ms);
        sp_json_num(&j, "ports_per_s", p.rate, 0);
        sp_json_int(&j, "concurrency", p.concurrency);
        sp_json_int(&j, "requeued", (long long)p.requeued);
        sp_json_int(&j, "retried", (long long)p.retried);
        if (p.cancelled)
            sp_json_bool(&j, "cancelled", true);
        sp_json_end(&j);
        return;
    }
    printf("probed ");
    const char *t = sp_probe_job_target(job);
    sp_escape_fputs(t, strlen(t), stdout);
    printf(": %llu ports on %zu address%s in %ld ms (%.0f ports/s): %llu open, %llu closed, %llu filtered%s\n",
           (unsigned long long)p.total, naddrs, naddrs == 1 ? "" : "es", ms, p.rate, (unsigned long long)p.open,
           (unsigned long long)p.closed, (unsigned long long)p.filtered, p.cancelled ? " (interrupted)" : "");
}

/* ---- main ---- */

int cmd_probe(int argc, char **argv)
{
    probe_opts o = { 0 };
    int status;
    int first = sp_optspec_command(&probe_cmd, argc, argv, &o, &status);
    if (first < 0)
        return status;
    if (first >= argc || argc - first > 2) {
        sp_optspec_free(&probe_cmd, &o);
        return sp_usage_error(CMD, first >= argc ? "give a TARGET: an address, a name or a network"
                                                 : "too many arguments: give TARGET [PORTS]");
    }
    const char *target = argv[first];
    const char *ports = first + 1 < argc ? argv[first + 1] : NULL;
    char err[512];
    sp_probe_target pt;
    sp_portset ps;
    if (sp_probe_target_parse(target, &pt, err, sizeof err) < 0 ||
        sp_portset_parse(ports ? ports : "top100", &ps, err, sizeof err) < 0) {
        sp_optspec_free(&probe_cmd, &o);
        return sp_usage_error(CMD, "%s", err);
    }
    sp_portset_free(&ps);

    run r = { .o = &o };
    int rc = SP_EXIT_FAIL;
    sp_dns *dns = NULL;
    sp_hosts_setup hs = { 0 };
    bool hosts = false;
    sp_probe_job *job = NULL;
    r.loop = sp_loop_new();
    if (!r.loop) {
        rc = sp_runtime_error(CMD, "cannot create the event loop");
        goto out;
    }
    sp_loop_signal(r.loop, SIGINT, on_signal, &r);
    sp_loop_signal(r.loop, SIGTERM, on_signal, &r);
    if (pt.kind == SP_TARGET_NAME) {
        sp_dns_config dc = { .servers = o.servers };
        dns = sp_dns_new(r.loop, &dc, err, sizeof err);
        if (!dns) {
            rc = sp_runtime_error(CMD, "%s", err);
            goto out;
        }
    }
    /* The neighbours and interfaces are needed only for an address the
     * fixed ranges do not cover. */
    sp_probe_addr addrs[SP_PROBE_MAX_ADDRS];
    size_t naddrs = sp_probe_target_addrs(&pt, addrs);
    bool need_hosts = !o.any_address && pt.kind == SP_TARGET_NAME;
    for (size_t i = 0; i < naddrs && !o.any_address; i++)
        need_hosts |= sp_probe_scope(&addrs[i], NULL) == SP_SCOPE_OUTSIDE;
    if (need_hosts) {
        sp_hosts_settings hset = { 0 };
        sp_hosts_set_up(&hs, r.loop, &hset, err, sizeof err);
        hosts = true;
        if (!nl_synced_flag(hs.nl, &r) && !r.interrupted)
            fprintf(stderr, "sockpit probe: the kernel's tables did not arrive in %.0f s; neighbours may be missed\n",
                    SYNC_TIMEOUT);
    }
    r.services = load_services(o.services_file);
    sp_probe_request req = { .target = target, .ports = ports, .concurrency = (unsigned)o.concurrency,
                             .rate = (double)o.rate, .timeout_ms = (int)o.timeout, .banner = o.banner,
                             .http = o.http, .tls = o.tls, .any_address = o.any_address };
    sp_probe_job_cbs cbs = { NULL, on_over };
    job = sp_probe_job_start(r.loop, dns, hosts ? &hs.table : NULL, &req, &cbs, &r, err, sizeof err);
    if (!job) {
        rc = sp_usage_error(CMD, "%s", err);
        goto out;
    }
    run_until(&r, &r.over, 1e12);
    if (r.interrupted)
        sp_probe_job_cancel(job);
    if (sp_probe_job_phase(job) == SP_PROBE_FAILED && !sp_probe_job_scan(job)) {
        rc = sp_runtime_error(CMD, "%s", sp_probe_job_error(job));
        goto out;
    }
    print_results(&r, job);
    print_summary(&r, job);
    rc = r.interrupted ? sp_runtime_error(CMD, "interrupted") : SP_EXIT_OK;
out:
    sp_probe_job_free(job);
    sp_dns_free(dns);
    if (hosts)
        sp_hosts_tear_down(&hs);
    sp_services_free(r.services);
    sp_loop_free(r.loop);
    sp_optspec_free(&probe_cmd, &o);
    return rc;
}
