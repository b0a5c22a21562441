/* `sockpit serve`: the chat server (bot or room) in one event loop, with a
 * log line per connect, disconnect and protocol error on stderr. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sockpit/chat/bot.h"
#include "sockpit/chat/chatserver.h"
#include "sockpit/chat/serve_setup.h"
#include "sockpit/cmd/cli.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/commands.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"

static const char usage[] =
    "Usage: sockpit serve [OPTIONS]\n"
    "Run the chat server: frames of a 4-byte little-endian length and UTF-8 text,\n"
    "many clients in one event loop. Logs connects, disconnects and protocol\n"
    "errors on stderr. SIGINT/SIGTERM stop it cleanly.\n"
    "\n"
    "Options:\n"
    "  --listen ADDR:PORT              address to listen on (default 127.0.0.1:50007;\n"
    "                                  IPv6 as [::1]:PORT, every interface as 0.0.0.0:PORT)\n"
    "  --replies FILE                  bot dictionary, question<TAB>answer per line\n"
    "                                  (default: chatbot.tsv installed with sockpit)\n"
    "  --room                          chat room: every message goes to every other client\n"
    "                                  as 'NICK: text'; '/nick NAME' sets the nickname\n"
    "  --max-frame BYTES               largest frame accepted (default 1048576)\n"
    "  --max-clients N                 clients at once (default 10000); more get 'server full'\n"
    "  --keepalive off|IDLE,INTVL,CNT  TCP keep-alive of the connections (default 60,30,10)\n"
    "  --help                          this text\n"
    "\n"
    "Example: sockpit serve --listen 127.0.0.1:50007 --replies my-bot.tsv\n";

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

enum { OPT_LISTEN = 1000, OPT_REPLIES, OPT_ROOM, OPT_MAX_FRAME, OPT_MAX_CLIENTS, OPT_KEEPALIVE, OPT_HELP };

static const struct option options[] = {
    { "listen", required_argument, NULL, OPT_LISTEN },
    { "replies", required_argument, NULL, OPT_REPLIES },
    { "room", no_argument, NULL, OPT_ROOM },
    { "max-frame", required_argument, NULL, OPT_MAX_FRAME },
    { "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
    { "keepalive", required_argument, NULL, OPT_KEEPALIVE },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

int cmd_serve(int argc, char **argv)
{
    char host[256] = "127.0.0.1";
    int port = SP_CHAT_DEFAULT_PORT;
    const char *replies = NULL;
    sp_opts defaults;
    sp_config_batch_defaults(&defaults);
    sp_chatserver_config cfg = { .keepalive = defaults.keepalive, .max_frame = SP_MAX_FRAME_DEFAULT };
    sp_opts_free(&defaults);
    char err[512];
    long l;
    int c;
    sp_getopt_start();
    while ((c = sp_getopt(argc, argv, "+", options)) != -1) {
        switch (c) {
        case OPT_LISTEN: {
            char why[300];
            if (sp_parse_hostport(optarg, SP_CHAT_DEFAULT_PORT, host, sizeof host, &port, why, sizeof why) < 0)
                return sp_usage_error("serve", "--listen: %s", why);
            if (strcmp(host, "localhost") == 0)
                snprintf(host, sizeof host, "127.0.0.1");
            struct sockaddr_storage ss;
            socklen_t sl;
            if (sp_sock_parse_ip(host, port, &ss, &sl) < 0)
                return sp_usage_error("serve", "--listen: '%s' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, [::1])",
                                      host);
            break;
        }
        case OPT_REPLIES:
            replies = optarg;
            break;
        case OPT_ROOM:
            cfg.room = true;
            break;
        case OPT_MAX_FRAME:
            if (sp_parse_long(optarg, 1, 0x7fffffff, "--max-frame", &l, err, sizeof err) < 0)
                return sp_usage_error("serve", "%s", err);
            cfg.max_frame = (uint32_t)l;
            break;
        case OPT_MAX_CLIENTS:
            if (sp_parse_long(optarg, 1, 1000000, "--max-clients", &l, err, sizeof err) < 0)
                return sp_usage_error("serve", "%s", err);
            cfg.max_clients = (unsigned)l;
            break;
        case OPT_KEEPALIVE:
            if (sp_parse_keepalive(optarg, &cfg.keepalive, err, sizeof err) < 0)
                return sp_usage_error("serve", "%s", err);
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return SP_EXIT_OK;
        default:
            return sp_option_error("serve", options, argc, argv);
        }
    }
    if (optind < argc)
        return sp_usage_error("serve", "unexpected argument '%s' (serve takes only options)", argv[optind]);
    if (cfg.room && replies)
        return sp_usage_error("serve", "--replies is for the bot; it has no use with --room");

    long nofile = sp_raise_nofile();
    sp_loop *loop = sp_loop_new();
    if (!loop)
        return sp_runtime_error("serve", "cannot create the event loop");
    sp_serve_settings set = {
        .host = host, .port = port, .room = cfg.room, .replies = replies, .max_frame = cfg.max_frame,
        .max_clients = cfg.max_clients, .keepalive = cfg.keepalive, .log = log_line, .bad_line = report_bad_line,
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
    char ka[64], line[1024];
    sp_keepalive_str(&cfg.keepalive, ka, sizeof ka);
    snprintf(line, sizeof line, "listening on %s: %s; max %u clients, frames up to %lu bytes, %s, open files limit %ld",
             sp_chatserver_address(srv), cfg.room ? "room" : where,
             cfg.max_clients ? cfg.max_clients : SP_CHAT_MAX_CLIENTS_DEFAULT, (unsigned long)cfg.max_frame, ka,
             nofile);
    log_line(NULL, line);
    int rc = sp_loop_run(loop) < 0 ? sp_runtime_error("serve", "event loop failed") : SP_EXIT_OK;
    size_t n = sp_chatserver_clients(srv);
    sp_serve_tear_down(&ss);
    snprintf(line, sizeof line, "stopped; closed %zu client%s", n, n == 1 ? "" : "s");
    log_line(NULL, line);
    sp_loop_free(loop);
    return rc;
}
