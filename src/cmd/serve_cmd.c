/* `sockpit serve`: the chat server (bot or room) in one event loop, with a
 * log line per connect, disconnect and protocol error on stderr. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/chat/bot.h"
#include "sockpit/chat/chatserver.h"
#include "sockpit/chat/serve_setup.h"
#include "sockpit/cmd/cli.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/core/accept.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/parse.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"

static void log_line(void *ud, const char *line)
{
    (void)ud;
    char ts[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(stderr, "%s %s\n", ts, line);
}

static void report_bad_line(void *ud, const char *file, size_t line, const char *why)
{
    (void)ud;
    char path[512];
    sp_escape(file, strlen(file), path, sizeof path);
    fprintf(stderr, "sockpit serve: %s:%zu: %s (line skipped)\n", path, line, why);
}

static void on_stop(sp_loop *loop, int signo, void *ud)
{
    sp_chatserver *s = ud;
    log_line(NULL, signo == SIGINT ? "interrupted: closing" : "terminated: closing");
    sp_chatserver_stop_accepting(s);
    sp_loop_stop(loop);
}

/* What the command line (and the config file) set. */
typedef struct serve_opts {
    char host[256];
    int port;
    const char *replies;
    bool room;
    unsigned max_frame, max_clients;
    size_t max_memory;
    double frame_timeout, idle_timeout;
    sp_keepalive keepalive;
    const char *tls_cert, *tls_key;
} serve_opts;

#define MIN_MEMORY ((size_t)64 * 1024)

/* BYTES with an optional k, M or G (powers of 1024). */
static int set_max_memory(void *base, const char *s, const char *what, char *err, size_t errlen)
{
    serve_opts *o = base;
    unsigned long long n;
    char why[300];
    if (sp_parse_size(s, 0, SIZE_MAX, what, &n, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: '%s' is not a size in bytes (e.g. 268435456, 512M, 2G)", what, s);
        return -1;
    }
    if ((size_t)n < MIN_MEMORY) {
        snprintf(err, errlen, "%s: %s is below the least, %zuk", what, s, MIN_MEMORY / 1024);
        return -1;
    }
    o->max_memory = (size_t)n;
    return 0;
}

static int set_listen(void *base, const char *s, const char *what, char *err, size_t errlen)
{
    serve_opts *o = base;
    char why[300];
    if (sp_parse_hostport(s, SP_CHAT_DEFAULT_PORT, o->host, sizeof o->host, &o->port, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", what, why);
        return -1;
    }
    if (strcmp(o->host, "localhost") == 0)
        snprintf(o->host, sizeof o->host, "127.0.0.1");
    struct sockaddr_storage ss;
    socklen_t sl;
    if (sp_sock_parse_ip(o->host, o->port, &ss, &sl) < 0) {
        snprintf(err, errlen, "%s: '%s' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, [::1])", what, o->host);
        return -1;
    }
    return 0;
}

#define STR(x) #x
#define XSTR(x) STR(x)

static const sp_optspec options[] = {
    { .name = "listen", .kind = SP_OPT_CUSTOM, .set = set_listen, .metavar = "ADDR:PORT",
      .def_text = "127.0.0.1:" XSTR(SP_CHAT_DEFAULT_PORT), .show = SP_SHOW_DEFAULT,
      .help = "address to listen on; IPv6 as [::1]:PORT, every\n"
              "interface as 0.0.0.0:PORT" },
    { .name = "replies", .kind = SP_OPT_TEXT, .metavar = "FILE", SP_OPT_AT(serve_opts, replies),
      .help = "bot dictionary, question<TAB>answer per line\n"
              "(default: chatbot.tsv installed with sockpit)" },
    { .name = "room", .kind = SP_OPT_FLAG, SP_OPT_AT(serve_opts, room),
      .help = "chat room: every message goes to every other client\n"
              "as 'NICK: text'; '/nick NAME' sets the nickname" },
    { SP_OPTDEF_MAX_FRAME(serve_opts, max_frame), .help = "largest frame accepted" },
    { .name = "max-clients", .kind = SP_OPT_LONG, .lo = 1, .hi = 1000000, .def = SP_CHAT_MAX_CLIENTS_DEFAULT,
      .metavar = "N", SP_OPT_AT(serve_opts, max_clients), .show = SP_SHOW_DEFAULT,
      .help = "clients at once; more get 'server full'" },
    { .name = "max-memory", .kind = SP_OPT_CUSTOM, .set = set_max_memory, .metavar = "BYTES", .def_text = "256M",
      .show = SP_SHOW_DEFAULT,
      .help = "memory all unsent output and partly received frames\n"
              "may take together (suffix k, M or G); over it the\n"
              "client holding the most is dropped; at least 4 times\n"
              "--max-frame" },
    { .name = "frame-timeout", .kind = SP_OPT_SECONDS, .lo = 0.1, .hi = 86400, .def = SP_CHAT_FRAME_TIMEOUT_DEFAULT,
      .metavar = "SEC", SP_OPT_AT(serve_opts, frame_timeout), .show = SP_SHOW_DEFAULT,
      .help = "a frame must arrive whole within this time from its\n"
              "first byte, or its client is dropped" },
    { .name = "idle-timeout", .kind = SP_OPT_SECONDS, .lo = 0, .hi = 86400, .metavar = "SEC",
      SP_OPT_AT(serve_opts, idle_timeout),
      .help = "drop a client that sends nothing for this long\n"
              "(default 0: never)" },
    { SP_OPTDEF_KEEPALIVE(serve_opts, keepalive), .help = "TCP keep-alive of the connections" },
    { .name = "tls-cert", .kind = SP_OPT_TEXT, .metavar = "FILE", .noun = "file name", SP_OPT_AT(serve_opts, tls_cert),
      .help = "serve over TLS (1.2+) with this PEM certificate\n(chain); the handshake must end within\n--frame-timeout" },
    { .name = "tls-key", .kind = SP_OPT_TEXT, .metavar = "FILE", .noun = "file name", SP_OPT_AT(serve_opts, tls_key),
      .help = "the certificate's PEM private key (default: in\nthe --tls-cert file)" },
    { SP_OPTDEF_HELP },
    { 0 },
};

static const sp_optcmd serve_cmd = {
    .name = "serve",
    .intro = "Usage: sockpit serve [OPTIONS]\n"
             "Run the chat server: frames of a 4-byte little-endian length and UTF-8 text,\n"
             "many clients in one event loop. Logs connects, disconnects and protocol\n"
             "errors on stderr. SIGINT/SIGTERM stop it cleanly.\n"
             "\n"
             "Options:\n",
    .epilog = "\n"
              "Example: sockpit serve --listen 127.0.0.1:50007 --replies my-bot.tsv\n",
    .opts = options,
    .defaults = sp_config_command_defaults,
};

int cmd_serve(int argc, char **argv)
{
    serve_opts o = { 0 };
    int status;
    if (sp_optspec_command(&serve_cmd, argc, argv, &o, &status) < 0)
        return status;
    const char *host = o.host;
    int port = o.port;
    const char *replies = o.replies;
    sp_chatserver_config cfg = { .keepalive = o.keepalive, .max_frame = o.max_frame, .max_clients = o.max_clients,
                                 .room = o.room };
    char err[512];
    if (cfg.room && replies)
        return sp_usage_error("serve", "--replies is for the bot; it has no use with --room");
    if (o.tls_key && !o.tls_cert)
        return sp_usage_error("serve", "--tls-key needs --tls-cert (the certificate it belongs to)");
    size_t need = (size_t)SP_CHAT_MEMORY_FRAMES * (o.max_frame + SP_FRAME_HEADER);
    if (o.max_memory < need)
        return sp_usage_error("serve",
                              "--max-frame %u needs --max-memory of at least %zu bytes (%u frames: the sender's "
                              "and the receivers' copies); raise --max-memory or lower --max-frame",
                              o.max_frame, need, SP_CHAT_MEMORY_FRAMES);

    long nofile = sp_raise_nofile();
    sp_loop *loop = sp_loop_new();
    if (!loop)
        return sp_runtime_error("serve", "cannot create the event loop");
    sp_serve_settings set = {
        .host = host, .port = port, .room = cfg.room, .replies = replies, .max_frame = cfg.max_frame,
        .max_clients = cfg.max_clients, .max_memory = o.max_memory, .frame_timeout = o.frame_timeout,
        .idle_timeout = o.idle_timeout, .keepalive = cfg.keepalive, .log = log_line, .bad_line = report_bad_line,
        .tls_cert = o.tls_cert, .tls_key = o.tls_key,
    };
    sp_serve_setup ss;
    if (sp_serve_set_up(&ss, loop, &set, err, sizeof err) < 0) {
        sp_loop_free(loop);
        return sp_runtime_error("serve", "%s", err);
    }
    sp_chatserver *srv = ss.server;
    char where[700] = "";
    if (ss.bot && ss.dict_path[0]) {
        char esc[600];
        sp_escape(ss.dict_path, strlen(ss.dict_path), esc, sizeof esc);
        snprintf(where, sizeof where, "%zu questions from %s", sp_bot_size(ss.bot), esc);
    } else if (ss.bot) {
        snprintf(where, sizeof where,
                 "no chatbot.tsv found (set SOCKPIT_DATA_DIR or use --replies): "
                 "the built-in dictionary of %zu questions",
                 sp_bot_size(ss.bot));
    }
    if (ss.bot && sp_bot_size(ss.bot) == 0)
        fprintf(stderr, "sockpit serve: the dictionary has no questions: every answer will be 'Sorry.'\n");
    sp_loop_signal(loop, SIGINT, on_stop, srv);
    sp_loop_signal(loop, SIGTERM, on_stop, srv);
    char ka[64], idle[64] = "", line[1200];
    sp_keepalive_str(&cfg.keepalive, ka, sizeof ka);
    if (o.idle_timeout > 0)
        snprintf(idle, sizeof idle, ", idle timeout %g s", o.idle_timeout);
    snprintf(line, sizeof line,
             "listening on %s%s: %s; max %u clients, frames up to %lu bytes (whole within %g s), memory budget %zu "
             "bytes%s, %s, open files limit %ld",
             sp_chatserver_address(srv), ss.tls ? " (TLS)" : "", cfg.room ? "room" : where,
             cfg.max_clients ? cfg.max_clients : SP_CHAT_MAX_CLIENTS_DEFAULT, (unsigned long)cfg.max_frame,
             o.frame_timeout, o.max_memory, idle, ka, nofile);
    log_line(NULL, line);
    int rc = sp_loop_run(loop) < 0 ? sp_runtime_error("serve", "event loop failed") : SP_EXIT_OK;
    size_t n = sp_chatserver_clients(srv);
    sp_serve_tear_down(&ss);
    snprintf(line, sizeof line, "stopped; closed %zu client%s", n, n == 1 ? "" : "s");
    log_line(NULL, line);
    sp_loop_free(loop);
    return rc;
}
