/* `sockpit chat`: sends messages (arguments, or stdin lines) to a chat
 * server and prints each reply on its own line. Messages are pipelined;
 * replies come back in order. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/chat/chatclient.h"
#include "sockpit/cmd/cli.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/commands.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"

static const char usage[] =
    "Usage: sockpit chat [OPTIONS] HOST:PORT [MESSAGE...]\n"
    "Send each MESSAGE (or, with none, each line of stdin) to the chat server at\n"
    "HOST:PORT and print each reply on its own line, control characters escaped.\n"
    "Sending 'bye' ends the session after its reply.\n"
    "\n"
    "Options:\n"
    "  --keepalive off|IDLE,INTVL,CNT  TCP keep-alive (default 60,30,10)\n"
    "  --max-frame BYTES               largest reply accepted (default 1048576)\n"
    "  --timeout SEC                   give up when no reply comes for SEC seconds (default 30)\n"
    "  --dns-server ADDR[:PORT][,...]  DNS servers for a HOST name (default: the system's)\n"
    "  --help                          this text\n"
    "\n"
    "Exit status: 0 all replies printed, 1 no server, closed early or protocol error,\n"
    "2 usage error.\n"
    "Example: sockpit chat 127.0.0.1:50007 'hello' 'what is tcp?' bye\n";

#define STDIN_PAUSE 1000 /* requests in flight before stdin waits */

typedef struct batch {
    sp_loop *loop;
    sp_chatclient *cli;
    char **msgs;
    int nmsgs, next;
    bool from_stdin, stdin_eof, stdin_watched, stdin_paused;
    char *line;
    size_t line_len, line_cap;
    bool bye;               /* bye sent: nothing more goes out */
    size_t skipped;         /* messages after bye */
    size_t replies;
    double timeout;
    uint64_t timer;
    int rc;
    bool done;
    int stdin_flags;
} batch;

static void finish(batch *b, int rc)
{
    if (b->done)
        return;
    b->done = true;
    b->rc = rc;
    sp_loop_stop(b->loop);
}

static void send_one(batch *b, const char *text, size_t len)
{
    if (b->bye) {
        b->skipped++;
        return;
    }
    if (sp_chatclient_send(b->cli, text, len) < 0)
        return; /* the state callback reports the failure */
    if (sp_chat_is_bye(text, len))
        b->bye = true;
}

/* Done when everything was sent and every reply came. */
static void check_done(batch *b)
{
    bool all_sent = b->from_stdin ? b->stdin_eof : b->next >= b->nmsgs;
    if (all_sent && sp_chatclient_state(b->cli) == SP_CHAT_CONNECTED && sp_chatclient_in_flight(b->cli) == 0) {
        sp_chatclient_disconnect(b->cli, "done");
        finish(b, SP_EXIT_OK);
    }
}

static void on_timeout(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    batch *b = ud;
    b->timer = 0;
    fprintf(stderr, "sockpit chat: no reply from the server for %g s (%zu still due)\n", b->timeout,
            sp_chatclient_in_flight(b->cli));
    finish(b, SP_EXIT_FAIL);
}

static void arm_timeout(batch *b)
{
    if (b->timer)
        sp_loop_cancel(b->loop, b->timer);
    b->timer = sp_chatclient_in_flight(b->cli) ? sp_loop_timer(b->loop, b->timeout, 0, on_timeout, b) : 0;
}

static void take_line(batch *b, bool final)
{
    size_t n = b->line_len;
    if (n && b->line[n - 1] == '\n')
        n--;
    if (n && b->line[n - 1] == '\r')
        n--;
    if (final && b->line_len == 0)
        return;
    send_one(b, b->line, n);
    b->line_len = 0;
}

static void on_stdin(sp_loop *loop, int fd, unsigned events, void *ud);

static void pause_stdin(batch *b, bool pause)
{
    if (!b->stdin_watched || b->stdin_eof || b->stdin_paused == pause)
        return;
    b->stdin_paused = pause;
    sp_loop_set_events(b->loop, STDIN_FILENO, pause ? 0 : SP_IO_READ);
}

/* Reads what stdin has; returns false at EOF or error. */
static bool read_stdin(batch *b)
{
    char buf[65536];
    ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (r <= 0) {
        if (r < 0)
            fprintf(stderr, "sockpit chat: reading stdin: %s\n", strerror(errno));
        take_line(b, true);
        b->stdin_eof = true;
        return false;
    }
    for (ssize_t i = 0; i < r; i++) {
        if (b->line_len == b->line_cap) {
            size_t cap = b->line_cap ? b->line_cap * 2 : 4096;
            char *l = realloc(b->line, cap);
            if (!l) {
                fprintf(stderr, "sockpit chat: out of memory\n");
                finish(b, SP_EXIT_FAIL);
                return false;
            }
            b->line = l;
            b->line_cap = cap;
        }
        b->line[b->line_len++] = buf[i];
        if (buf[i] == '\n')
            take_line(b, false);
    }
    return true;
}

static void on_stdin(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)events;
    batch *b = ud;
    if (!read_stdin(b)) {
        sp_loop_unwatch(loop, fd);
        b->stdin_watched = false;
    }
    if (sp_chatclient_in_flight(b->cli) >= STDIN_PAUSE)
        pause_stdin(b, true);
    arm_timeout(b);
    check_done(b);
}

static void start_sending(batch *b)
{
    if (!b->from_stdin) {
        while (b->next < b->nmsgs) {
            const char *m = b->msgs[b->next++];
            send_one(b, m, strlen(m));
        }
    } else {
        /* The flags are shared with whoever gave us stdin: restored at exit. */
        b->stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
        if (b->stdin_flags >= 0)
            fcntl(STDIN_FILENO, F_SETFL, b->stdin_flags | O_NONBLOCK);
        if (sp_loop_watch(b->loop, STDIN_FILENO, SP_IO_READ, on_stdin, b) == 0) {
            b->stdin_watched = true;
        } else {
            /* A regular file cannot be watched with epoll, and never blocks. */
            while (!b->done && read_stdin(b))
                ;
        }
    }
    arm_timeout(b);
    check_done(b);
}

static void on_state(void *ud, sp_chat_state st, const char *text)
{
    batch *b = ud;
    if (b->done)
        return;
    switch (st) {
    case SP_CHAT_CONNECTED:
        start_sending(b);
        break;
    case SP_CHAT_FAILED:
        fprintf(stderr, "sockpit chat: %s\n", text);
        finish(b, SP_EXIT_FAIL);
        break;
    case SP_CHAT_IDLE:
        if (b->skipped)
            fprintf(stderr, "sockpit chat: %zu message%s after 'bye' not sent\n", b->skipped,
                    b->skipped == 1 ? "" : "s");
        finish(b, SP_EXIT_OK);
        break;
    default:
        break;
    }
}

static void on_message(void *ud, const char *p, size_t n, double rtt)
{
    (void)rtt;
    batch *b = ud;
    sp_escape_fputs(p, n, stdout);
    fputc('\n', stdout);
    b->replies++;
    if (sp_chatclient_in_flight(b->cli) < STDIN_PAUSE / 2)
        pause_stdin(b, false);
    arm_timeout(b);
    check_done(b);
}

static void on_signal(sp_loop *loop, int signo, void *ud)
{
    (void)loop;
    (void)signo;
    finish(ud, SP_EXIT_FAIL);
}

enum { OPT_KEEPALIVE = 1000, OPT_MAX_FRAME, OPT_TIMEOUT, OPT_DNS, OPT_HELP };

static const struct option options[] = {
    { "keepalive", required_argument, NULL, OPT_KEEPALIVE },
    { "max-frame", required_argument, NULL, OPT_MAX_FRAME },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "dns-server", required_argument, NULL, OPT_DNS },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
};

int cmd_chat(int argc, char **argv)
{
    sp_opts defaults;
    sp_config_batch_defaults(&defaults);
    sp_chatclient_config cfg = { .keepalive = defaults.keepalive, .max_frame = SP_MAX_FRAME_DEFAULT };
    char *dns_servers = defaults.dns_servers;
    defaults.dns_servers = NULL;
    sp_opts_free(&defaults);
    double timeout = 30;
    char err[512];
    long l;
    int rc = SP_EXIT_USAGE;
    int c;
    sp_getopt_start();
    while ((c = sp_getopt(argc, argv, "+", options)) != -1) {
        switch (c) {
        case OPT_KEEPALIVE:
            if (sp_parse_keepalive(optarg, &cfg.keepalive, err, sizeof err) < 0)
                goto usage_err;
            break;
        case OPT_MAX_FRAME:
            if (sp_parse_long(optarg, 1, 0x7fffffff, "--max-frame", &l, err, sizeof err) < 0)
                goto usage_err;
            cfg.max_frame = (uint32_t)l;
            break;
        case OPT_TIMEOUT:
            if (sp_parse_seconds(optarg, 0.1, 86400, "--timeout", &timeout, err, sizeof err) < 0)
                goto usage_err;
            break;
        case OPT_DNS:
            free(dns_servers);
            dns_servers = sp_dns_parse_servers(optarg, err, sizeof err);
            if (!dns_servers)
                goto usage_err;
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            free(dns_servers);
            return SP_EXIT_OK;
        default:
            sp_describe_getopt_error(options, argc, argv, err, sizeof err);
            goto usage_err;
        }
    }
    if (optind >= argc) {
        snprintf(err, sizeof err, "the server is missing (want HOST:PORT)");
        goto usage_err;
    }
    char host[256];
    int port;
    char why[300];
    if (sp_parse_hostport(argv[optind], 0, host, sizeof host, &port, why, sizeof why) < 0) {
        snprintf(err, sizeof err, "%s", why);
        goto usage_err;
    }
    cfg.host = host;
    cfg.port = port;

    batch b = { .msgs = argv + optind + 1, .nmsgs = argc - optind - 1, .timeout = timeout, .rc = SP_EXIT_FAIL,
                .stdin_flags = -1 };
    b.from_stdin = b.nmsgs == 0;
    b.loop = sp_loop_new();
    if (!b.loop) {
        free(dns_servers);
        return sp_runtime_error("chat", "cannot create the event loop");
    }
    sp_dns *dns = NULL;
    struct sockaddr_storage ss;
    socklen_t sl;
    if (sp_sock_parse_ip(host, port, &ss, &sl) < 0) {
        sp_dns_config dc = { .servers = dns_servers };
        dns = sp_dns_new(b.loop, &dc, err, sizeof err);
        if (!dns) {
            rc = sp_runtime_error("chat", "%s", err);
            goto out;
        }
    }
    static const sp_chatclient_cbs cbs = { on_state, on_message };
    b.cli = sp_chatclient_new(b.loop, dns, &cfg, &cbs, &b);
    if (!b.cli) {
        rc = sp_runtime_error("chat", "out of memory");
        goto out;
    }
    sp_loop_signal(b.loop, SIGINT, on_signal, &b);
    sp_loop_signal(b.loop, SIGTERM, on_signal, &b);
    sp_chatclient_connect(b.cli);
    while (!b.done && sp_loop_once(b.loop, -1) >= 0)
        ;
    rc = b.rc;
out:
    fflush(stdout);
    if (b.stdin_watched)
        sp_loop_unwatch(b.loop, STDIN_FILENO);
    if (b.stdin_flags >= 0)
        fcntl(STDIN_FILENO, F_SETFL, b.stdin_flags);
    sp_dns_free(dns);
    sp_chatclient_free(b.cli);
    sp_loop_free(b.loop);
    free(b.line);
    free(dns_servers);
    return rc;
usage_err:
    free(dns_servers);
    return sp_usage_error("chat", "%s", err);
}
