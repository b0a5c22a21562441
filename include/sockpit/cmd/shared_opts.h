/* Options more than one command takes, declared once: each macro gives the
 * fields of an sp_optspec (name, kind, range, default, config key) but the
 * target, a member of the command's settings, and the help text, which
 * says what the option does for that command:
 *   { SP_OPTDEF_INTERVAL(watch_opts, interval), .help = "seconds between lookups" }
 * The config file's settings are those with a key; config.c reads them
 * from the TUI's table. */
#ifndef SOCKPIT_CMD_SHARED_OPTS_H
#define SOCKPIT_CMD_SHARED_OPTS_H

#include "sockpit/chat/frame.h"
#include "sockpit/cmd/optspec.h"
#include "sockpit/tui/options.h"

#define SP_OPTDEF_HELP .name = "help", .kind = SP_OPT_HELP, .help = "this text"

#define SP_OPTDEF_DNS_SERVER(type, member)                                                                   \
    .name = "dns-server", .kind = SP_OPT_DNS_SERVERS, .metavar = "ADDR[:PORT][,...]", SP_OPT_AT(type, member), \
    .unset = "system (/etc/resolv.conf)", .key = "dns-server", .slot = SP_SET_DNS

#define SP_OPTDEF_INTERVAL(type, member)                                                                  \
    .name = "interval", .kind = SP_OPT_SECONDS, .lo = 0.2, .hi = 86400, .def = 5, .metavar = "SEC",       \
    SP_OPT_AT(type, member), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .key = "watch-interval",          \
    .slot = SP_SET_INTERVAL

#define SP_OPTDEF_WATCH_LOG_SIZE(type, member)                                                             \
    .name = "log-size", .kind = SP_OPT_LONG, .lo = 4096, .hi = 1L << 40, .def = 16 << 20, .metavar = "BYTES", \
    SP_OPT_AT(type, member), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .key = "watch-log-size",           \
    .slot = SP_SET_WATCH_LOG_SIZE

#define SP_OPTDEF_WATCH_EXEC(type, member)                                                                 \
    .name = "exec", .kind = SP_OPT_TEXT, .metavar = "CMD", SP_OPT_AT(type, member), .unset = "none",      \
    .key = "exec", .slot = SP_SET_EXEC

#define SP_OPTDEF_WATCH_EXEC_TIMEOUT(type, member)                                                         \
    .name = "exec-timeout", .kind = SP_OPT_SECONDS, .lo = 0.1, .hi = 86400, .def = 10, .metavar = "SEC",  \
    SP_OPT_AT(type, member), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .key = "exec-timeout",            \
    .slot = SP_SET_EXEC_TIMEOUT

#define SP_OPTDEF_SWEEP_CONCURRENCY(type, member)                                                          \
    .name = "sweep-concurrency", .kind = SP_OPT_LONG, .lo = 1, .hi = 1024, .def = 64, .metavar = "N",       \
    SP_OPT_AT(type, member), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .key = "sweep-concurrency",        \
    .slot = SP_SET_SWEEP_CONCURRENCY

#define SP_OPTDEF_PROBE_RATE(type, member)                                                                 \
    .name = "probe-rate", .kind = SP_OPT_LONG, .lo = 1, .hi = 10000, .def = 200, .metavar = "N",           \
    SP_OPT_AT(type, member), .show = SP_SHOW_RANGE | SP_SHOW_DEFAULT, .key = "probe-rate",               \
    .slot = SP_SET_PROBE_RATE

#define SP_OPTDEF_KEEPALIVE(type, member)                                                                  \
    .name = "keepalive", .kind = SP_OPT_KEEPALIVE, .metavar = "off|IDLE,INTVL,CNT", SP_OPT_AT(type, member), \
    .def_text = "on", .show = SP_SHOW_DEFAULT, .key = "keepalive", .slot = SP_SET_KEEPALIVE

#define SP_OPTDEF_MAX_FRAME(type, member)                                                                  \
    .name = "max-frame", .kind = SP_OPT_LONG, .lo = 1, .hi = 0x7fffffff, .def = SP_MAX_FRAME_DEFAULT,     \
    .metavar = "BYTES", SP_OPT_AT(type, member), .show = SP_SHOW_DEFAULT

#define SP_OPTDEF_SERVICES_FILE(type, member)                                                              \
    .name = "services-file", .kind = SP_OPT_TEXT, .metavar = "FILE", SP_OPT_AT(type, member),             \
    .def_text = "/etc/services", .show = SP_SHOW_DEFAULT, .noun = "file name"

#endif
