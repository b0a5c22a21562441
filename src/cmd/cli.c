/* The TUI's command line and the value parsers all commands share. Every
 * error is one line that names the option and what it wants. */
#include "sockpit/cmd/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/dns.h"

const char sp_tui_usage[] =
    "Usage: sockpit [OPTIONS]            start the terminal UI\n"
    "       sockpit COMMAND [OPTIONS]    run a pane in batch form\n"
    "\n"
    "Commands:\n"
    "  services   the port/service table and what this host listens on\n"
    "  hosts      LAN neighbours, interfaces, reverse-DNS sweeps\n"
    "  watch      watch DNS names and log every change of their addresses\n"
    "  chat       send messages to a chat server and print the replies\n"
    "  serve      run the chat server (bot or room)\n"
    "  help CMD   show a command's options\n"
    "\n"
    "Options:\n"
    "  --pane services|hosts|watch|chat   pane to start on (default services)\n"
    "  --dns-server ADDR[:PORT][,...]     DNS servers to ask, e.g. 127.0.0.1:5353,[::1]:53\n"
    "  --no-color                         monochrome (also when NO_COLOR is set)\n"
    "  --services-file FILE               services database (default /etc/services)\n"
    "  --sweep-concurrency N              PTR lookups in flight during a sweep (1-1024, default 64)\n"
    "  --probe-rate N                     sweep probes per second (1-10000, default 200)\n"
    "  --interval SEC                     DNS watch interval (0.2-86400, default 5)\n"
    "  --ttl-mode                         DNS watch: re-query when the TTL runs out\n"
    "  --state-dir DIR                    where dns-changes.log is kept\n"
    "  --config-dir DIR                   where watch.list is kept\n"
    "  --chat HOST:PORT                   chat server (default: embedded bot on 127.0.0.1:50007)\n"
    "  --keepalive off|IDLE,INTVL,CNT     TCP keep-alive for chat (default 60,30,10)\n"
    "  --max-frame BYTES                  largest chat frame accepted (default 1048576)\n"
    "  --print-config                     show the effective settings and where each came from\n"
    "  --version                          print the version\n"
    "  --help                             this text\n";

int sp_parse_pane(const char *s, const char **pane, char *err, size_t errlen)
{
    static const char *const names[] = { "services", "hosts", "watch", "chat" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *pane = names[i];
            return 0;
        }
    }
    snprintf(err, errlen, "--pane: unknown pane '%s' (choose services, hosts, watch or chat)", s);
    return -1;
}

enum {
    OPT_PANE = 1000, OPT_DNS, OPT_NO_COLOR, OPT_SERVICES_FILE, OPT_SWEEP_CONC, OPT_PROBE_RATE,
    OPT_INTERVAL, OPT_TTL_MODE, OPT_STATE_DIR, OPT_CONFIG_DIR, OPT_CHAT, OPT_KEEPALIVE,
    OPT_MAX_FRAME, OPT_PRINT_CONFIG, OPT_VERSION, OPT_HELP,
};

static const struct option tui_options[] = {
    { "pane", required_argument, NULL, OPT_PANE },
    { "dns-server", required_argument, NULL, OPT_DNS },
    { "no-color", no_argument, NULL, OPT_NO_COLOR },
    { "services-file", required_argument, NULL, OPT_SERVICES_FILE },
    { "sweep-concurrency", required_argument, NULL, OPT_SWEEP_CONC },
    { "probe-rate", required_argument, NULL, OPT_PROBE_RATE },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "ttl-mode", no_argument, NULL, OPT_TTL_MODE },
    { "state-dir", required_argument, NULL, OPT_STATE_DIR },
    { "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
    { "chat", required_argument, NULL, OPT_CHAT },
    { "keepalive", required_argument, NULL, OPT_KEEPALIVE },
    { "max-frame", required_argument, NULL, OPT_MAX_FRAME },
    { "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
    { "version", no_argument, NULL, OPT_VERSION },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

void sp_getopt_start(void)
{
    opterr = 0;
    optind = 1;
}

int sp_getopt(int argc, char **argv, const char *shortopts, const struct option *table)
{
    /* getopt leaves optopt set after an error: clear it, so the describer
     * reports this call's error only. */
    optopt = 0;
    return getopt_long(argc, argv, shortopts, table, NULL);
}

void sp_describe_getopt_error(const struct option *table, int argc, char **argv, char *err, size_t errlen)
{
    const char *arg = optind - 1 < argc && optind > 0 ? argv[optind - 1] : "?";
    for (const struct option *o = table; optopt && o->name; o++) {
        if (o->val != optopt)
            continue;
        if (o->has_arg == no_argument)
            snprintf(err, errlen, "option '--%s' takes no value", o->name);
        else
            snprintf(err, errlen, "option '--%s' needs a value", o->name);
        return;
    }
    if (optopt > 0 && optopt < 128 && arg[0] == '-' && arg[1] != '-')
        snprintf(err, errlen, "unknown option '-%c'", optopt);
    else
        snprintf(err, errlen, "unknown option '%s'", arg);
}

int sp_option_error(const char *cmd, const struct option *table, int argc, char **argv)
{
    char err[300];
    sp_describe_getopt_error(table, argc, argv, err, sizeof err);
    return sp_usage_error(cmd, "%s", err);
}

sp_cli_action sp_cli_parse_tui(int argc, char **argv, sp_opts *o, char *err, size_t errlen)
{
    long l;
    int c;
    sp_getopt_start();
    while ((c = sp_getopt(argc, argv, "+", tui_options)) != -1) {
        switch (c) {
        case OPT_PANE:
            if (sp_parse_pane(optarg, &o->pane, err, errlen) < 0)
                return SP_CLI_ERROR;
            o->from[SP_SET_PANE] = SP_FROM_CLI;
            break;
        case OPT_DNS:
            free(o->dns_servers);
            o->dns_servers = sp_dns_parse_servers(optarg, err, errlen);
            if (!o->dns_servers)
                return SP_CLI_ERROR;
            o->from[SP_SET_DNS] = SP_FROM_CLI;
            break;
        case OPT_NO_COLOR:
            o->no_color = true;
            o->from[SP_SET_COLOR] = SP_FROM_CLI;
            break;
        case OPT_SERVICES_FILE:
            o->services_file = optarg;
            break;
        case OPT_SWEEP_CONC:
            if (sp_parse_long(optarg, 1, 1024, "--sweep-concurrency", &l, err, errlen) < 0)
                return SP_CLI_ERROR;
            o->sweep_concurrency = (unsigned)l;
            o->from[SP_SET_SWEEP_CONCURRENCY] = SP_FROM_CLI;
            break;
        case OPT_PROBE_RATE:
            if (sp_parse_long(optarg, 1, 10000, "--probe-rate", &l, err, errlen) < 0)
                return SP_CLI_ERROR;
            o->probe_rate = (double)l;
            o->from[SP_SET_PROBE_RATE] = SP_FROM_CLI;
            break;
        case OPT_INTERVAL:
            if (sp_parse_seconds(optarg, 0.2, 86400, "--interval", &o->watch_interval, err, errlen) < 0)
                return SP_CLI_ERROR;
            o->from[SP_SET_INTERVAL] = SP_FROM_CLI;
            break;
        case OPT_TTL_MODE:
            o->ttl_mode = true;
            break;
        case OPT_STATE_DIR:
            o->state_dir = optarg;
            break;
        case OPT_CONFIG_DIR:
            o->config_dir = optarg;
            break;
        case OPT_CHAT: {
            char host[256];
            int port;
            char why[200];
            if (sp_parse_hostport(optarg, 0, host, sizeof host, &port, why, sizeof why) < 0) {
                snprintf(err, errlen, "--chat: %s", why);
                return SP_CLI_ERROR;
            }
            free(o->chat);
            o->chat = strdup(optarg);
            o->from[SP_SET_CHAT] = SP_FROM_CLI;
            break;
        }
        case OPT_KEEPALIVE:
            if (sp_parse_keepalive(optarg, &o->keepalive, err, errlen) < 0)
                return SP_CLI_ERROR;
            o->from[SP_SET_KEEPALIVE] = SP_FROM_CLI;
            break;
        case OPT_MAX_FRAME:
            if (sp_parse_long(optarg, 1, 0x7fffffff, "--max-frame", &l, err, errlen) < 0)
                return SP_CLI_ERROR;
            o->max_frame = (uint32_t)l;
            break;
        case OPT_PRINT_CONFIG:
            o->print_config = true;
            break;
        case OPT_VERSION:
            return SP_CLI_VERSION;
        case OPT_HELP:
            return SP_CLI_HELP;
        default:
            sp_describe_getopt_error(tui_options, argc, argv, err, errlen);
            return SP_CLI_ERROR;
        }
    }
    if (optind < argc) {
        snprintf(err, errlen, "unknown command '%s' (commands: services, hosts, watch, chat, serve, help)",
                 argv[optind]);
        return SP_CLI_ERROR;
    }
    return SP_CLI_RUN;
}
