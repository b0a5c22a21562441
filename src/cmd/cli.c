/* The TUI's command line. Its table also declares the config file's
 * settings (the options with a key), read by config.c. */
#include "sockpit/cmd/cli.h"

#include <stdio.h>
#include <string.h>

#include "sockpit/cmd/shared_opts.h"
#include "sockpit/hosts/neigh.h"

static const char *const panes[] = { "services", "hosts", "watch", "chat", "conns", "forward", "probes", NULL };

static int set_resolve(void *base, const char *s, const char *what, char *err, size_t errlen)
{
    sp_opts *o = base;
    char why[200];
    unsigned mask;
    if (sp_name_sources_parse(s, &mask, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", what, why);
        return -1;
    }
    o->name_sources = mask | SP_RESOLVE_GIVEN;
    return 0;
}

static const sp_optspec tui_options[] = {
    { .name = "pane", .kind = SP_OPT_ENUM, .names = panes, .noun = "pane", SP_OPT_AT(sp_opts, pane),
      .def_text = "services", .show = SP_SHOW_DEFAULT, .key = "pane", .slot = SP_SET_PANE,
      .help = "pane to start on" },
    { SP_OPTDEF_DNS_SERVER(sp_opts, dns_servers), .help = "DNS servers to ask, e.g. 127.0.0.1:5353,[::1]:53" },
    { .name = "no-color", .kind = SP_OPT_FLAG, SP_OPT_AT(sp_opts, no_color), .key = "color", .slot = SP_SET_COLOR,
      .key_negates = true, .help = "monochrome (also when NO_COLOR is set)" },
    { SP_OPTDEF_SERVICES_FILE(sp_opts, services_file), .help = "services database" },
    { SP_OPTDEF_SWEEP_CONCURRENCY(sp_opts, sweep_concurrency), .help = "PTR lookups in flight during a sweep" },
    { SP_OPTDEF_PROBE_RATE(sp_opts, probe_rate), .help = "sweep probes per second" },
    { .name = "resolve", .kind = SP_OPT_CUSTOM, .set = set_resolve, .metavar = "LIST",
      .help = "the Hosts pane's name sources: ptr, mdns, llmnr,\n"
              "nbns (default all four)" },
    { SP_OPTDEF_INTERVAL(sp_opts, watch_interval), .help = "DNS watch interval" },
    { .name = "ttl-mode", .kind = SP_OPT_FLAG, SP_OPT_AT(sp_opts, ttl_mode),
      .help = "DNS watch: re-query when the TTL runs out" },
    { SP_OPTDEF_WATCH_LOG_SIZE(sp_opts, watch_log_size),
      .help = "DNS watch: dns-changes.log is renamed to dns-changes.log.1 at this size" },
    { SP_OPTDEF_WATCH_EXEC(sp_opts, watch_exec),
      .help = "DNS watch: run CMD (/bin/sh -c) for every event; output in hooks.log" },
    { SP_OPTDEF_WATCH_EXEC_TIMEOUT(sp_opts, watch_exec_timeout),
      .help = "DNS watch: a hook still running after SEC is killed" },
    { .name = "state-dir", .kind = SP_OPT_TEXT, .metavar = "DIR", SP_OPT_AT(sp_opts, state_dir),
      .help = "where dns-changes.log is kept" },
    { .name = "config-dir", .kind = SP_OPT_TEXT, .metavar = "DIR", SP_OPT_AT(sp_opts, config_dir),
      .help = "where watch.list is kept" },
    { .name = "chat", .kind = SP_OPT_HOSTPORT, .metavar = "HOST:PORT", SP_OPT_AT(sp_opts, chat),
      .unset = "embedded bot on 127.0.0.1:50007", .show = SP_SHOW_DEFAULT, .key = "chat", .slot = SP_SET_CHAT,
      .help = "chat server (tls://HOST:PORT: over TLS)" },
    { .name = "chat-room", .kind = SP_OPT_FLAG, SP_OPT_AT(sp_opts, chat_room), .key = "chat-room",
      .slot = SP_SET_CHAT_ROOM, .help = "the chat server is a room: no replies awaited" },
    { .name = "nick", .kind = SP_OPT_TEXT, .metavar = "NAME", SP_OPT_AT(sp_opts, nick), .unset = "none",
      .key = "nick", .slot = SP_SET_NICK, .help = "nickname in a chat room, sent at every connect" },
    { .name = "tls-ca", .kind = SP_OPT_TEXT, .metavar = "FILE", .noun = "file name", SP_OPT_AT(sp_opts, tls_ca),
      .help = "tls:// chat: verify against these CA certificates" },
    { .name = "tls-insecure", .kind = SP_OPT_FLAG, SP_OPT_AT(sp_opts, tls_insecure),
      .help = "tls:// chat: do not verify the certificate" },
    { SP_OPTDEF_KEEPALIVE(sp_opts, keepalive), .help = "TCP keep-alive for chat" },
    { SP_OPTDEF_MAX_FRAME(sp_opts, max_frame), .help = "largest chat frame accepted" },
    { .name = "sort-services", .kind = SP_OPT_ENUM, .names = sp_sort_services_names, .noun = "order",
      SP_OPT_AT(sp_opts, sort_services), .def_text = "listening", .show = SP_SHOW_DEFAULT, .key = "sort.services",
      .slot = SP_SET_SORT_SERVICES, .help = "the Services pane's first order" },
    { .name = "sort-hosts", .kind = SP_OPT_ENUM, .names = sp_sort_hosts_names, .noun = "order",
      SP_OPT_AT(sp_opts, sort_hosts), .def_text = "address", .show = SP_SHOW_DEFAULT, .key = "sort.hosts",
      .slot = SP_SET_SORT_HOSTS, .help = "the Hosts pane's first order" },
    { .name = "sort-watch", .kind = SP_OPT_ENUM, .names = sp_sort_watch_names, .noun = "order",
      SP_OPT_AT(sp_opts, sort_watch), .def_text = "name", .show = SP_SHOW_DEFAULT, .key = "sort.watch",
      .slot = SP_SET_SORT_WATCH, .help = "the DNS watch pane's first order" },
    { .name = "conns-refresh", .kind = SP_OPT_SECONDS, .lo = 0.2, .hi = 3600, .def = 1, .metavar = "SEC",
      SP_OPT_AT(sp_opts, conns_refresh), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .key = "conns-refresh",
      .slot = SP_SET_CONNS_REFRESH, .help = "the Connections pane's refresh while visible" },
    { .name = "print-config", .kind = SP_OPT_FLAG, SP_OPT_AT(sp_opts, print_config),
      .help = "show the effective settings and where each came from" },
    { .name = "version", .kind = SP_OPT_VERSION, .help = "print the version" },
    { SP_OPTDEF_HELP },
    { 0 },
};

/* A setting given on the command line outranks the config file. */
static void given_on_command_line(void *base, const sp_optspec *opt)
{
    if (opt->key)
        ((sp_opts *)base)->from[opt->slot] = SP_FROM_CLI;
}

const sp_optcmd sp_tui_cmd = {
    .intro = "Usage: sockpit [OPTIONS]            start the terminal UI\n"
             "       sockpit COMMAND [OPTIONS]    run a pane in batch form\n"
             "\n"
             "Commands:\n"
             "  services   the port/service table and what this host listens on\n"
             "  hosts      LAN neighbours and their names, interfaces, sweeps, host history\n"
             "  watch      watch DNS names and log every change of their addresses\n"
             "  chat       send messages to a chat server and print the replies\n"
             "  serve      run the chat server (bot or room)\n"
             "  wake       send a Wake-on-LAN magic packet\n"
             "  help CMD   show a command's options\n"
             "\n"
             "Options:\n",
    .opts = tui_options,
    .given = given_on_command_line,
};

void sp_cli_defaults(sp_opts *o)
{
    memset(o, 0, sizeof *o);
    sp_optspec_defaults(&sp_tui_cmd, o);
}

sp_cli_action sp_cli_parse_tui(int argc, char **argv, sp_opts *o, char *err, size_t errlen)
{
    int first = argc;
    switch (sp_optspec_parse(&sp_tui_cmd, argc, argv, o, &first, err, errlen)) {
    case SP_OPTS_HELP: return SP_CLI_HELP;
    case SP_OPTS_VERSION: return SP_CLI_VERSION;
    case SP_OPTS_ERROR: return SP_CLI_ERROR;
    case SP_OPTS_RUN: break;
    }
    if (first < argc) {
        snprintf(err, errlen, "unknown command '%s' (commands: services, hosts, watch, chat, serve, help)",
                 argv[first]);
        return SP_CLI_ERROR;
    }
    return SP_CLI_RUN;
}
