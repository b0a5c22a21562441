/* `sockpit chat`: sends messages (arguments, or stdin lines) to a chat
 * server and prints every frame it sends, each on its own line. Bot mode:
 * messages are pipelined, replies come back in order, and after the last
 * one the command keeps printing until the server has been silent for
 * --linger seconds (a server may send more than one frame per message).
 * Room mode: nothing is awaited; it ends --linger seconds after the last
 * message was sent and the server went silent, after --count frames, after
 * --duration, or when the server closes. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/chat/chatclient.h"
#include "sockpit/chat/nick.h"
#include "sockpit/cmd/config.h"
#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/shared_opts.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"
#include "sockpit/tls/tls.h"

#define STDIN_PAUSE 1000 /* requests in flight before stdin waits */
/* A stdin epoll cannot watch (a file, /dev/zero) is read a few reads per
 * loop iteration, so signals and replies are handled in between. */
#define STDIN_READS_PER_SLICE 4

typedef struct batch {
    sp_loop *loop;
    sp_chatclient *cli;
    char **msgs;
    int nmsgs, next;
    bool from_stdin, stdin_eof, stdin_watched, stdin_paused;
    uint64_t stdin_timer;   /* reads a stdin that cannot be watched, a slice at a time */
    char *line;
    size_t line_len, line_cap, line_max;
    bool bye;               /* bye sent: nothing more goes out */
    size_t skipped;         /* messages after bye */
    size_t replies;
    double timeout;
    uint64_t timer;
    bool room;
    double linger;          /* seconds of silence that end the session */
    uint64_t linger_timer;
    long count;             /* frames that end the session; 0: no limit */
    long frames;
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

static bool all_sent(const batch *b)
{
    return b->bye || (b->from_stdin ? b->stdin_eof : b->next >= b->nmsgs);
}

static void on_linger(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    batch *b = ud;
    b->linger_timer = 0;
    sp_chatclient_disconnect(b->cli, "done");
    finish(b, SP_EXIT_OK);
}

/* Everything was sent and every reply came: the session ends after
 * --linger seconds of silence, measured again from each frame. */
static void check_done(batch *b)
{
    if (b->done || !all_sent(b) || sp_chatclient_state(b->cli) != SP_CHAT_CONNECTED ||
        sp_chatclient_in_flight(b->cli) != 0)
        return;
    if (b->linger_timer)
        sp_loop_cancel(b->loop, b->linger_timer);
    b->linger_timer = sp_loop_timer(b->loop, b->linger, 0, on_linger, b);
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
static void on_stdin_slice(sp_loop *loop, uint64_t id, void *ud);

static void pause_stdin(batch *b, bool pause)
{
    if (!b->from_stdin || b->stdin_eof || b->stdin_paused == pause)
        return;
    b->stdin_paused = pause;
    if (b->stdin_watched) {
        sp_loop_set_events(b->loop, STDIN_FILENO, pause ? 0 : SP_IO_READ);
    } else if (pause) {
        sp_loop_cancel(b->loop, b->stdin_timer);
        b->stdin_timer = 0;
    } else if (!b->stdin_timer) {
        b->stdin_timer = sp_loop_timer(b->loop, 0, 0, on_stdin_slice, b);
    }
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
        /* A line is one frame: one longer than a frame may be is refused
         * before it is held in memory whole (stdin could be /dev/zero). */
        if (b->line_len >= b->line_max + 2) {
            fprintf(stderr, "sockpit chat: a line of stdin is longer than %zu bytes (--max-frame); not sent\n",
                    b->line_max);
            b->stdin_eof = true;
            finish(b, SP_EXIT_FAIL);
            return false;
        }
        SP_GROW(b->line, b->line_cap, b->line_len + 1);
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

static void on_stdin_slice(sp_loop *loop, uint64_t id, void *ud)
{
    (void)id;
    batch *b = ud;
    b->stdin_timer = 0;
    bool more = true;
    for (int i = 0; more && !b->done && i < STDIN_READS_PER_SLICE && sp_chatclient_in_flight(b->cli) < STDIN_PAUSE;
         i++)
        more = read_stdin(b);
    if (more && !b->done) {
        if (sp_chatclient_in_flight(b->cli) >= STDIN_PAUSE)
            pause_stdin(b, true);
        else
            b->stdin_timer = sp_loop_timer(loop, 0, 0, on_stdin_slice, b);
    }
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
        if (sp_loop_watch(b->loop, STDIN_FILENO, SP_IO_READ, on_stdin, b) == 0)
            b->stdin_watched = true;
        else
            b->stdin_timer = sp_loop_timer(b->loop, 0, 0, on_stdin_slice, b);
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
        /* The server closing is how a room session may end, and how a bot
         * session ends once every reply came. */
        if (sp_chatclient_peer_closed(b->cli) && (b->room || (all_sent(b) && b->linger_timer))) {
            fprintf(stderr, "sockpit chat: the server closed the connection\n");
            finish(b, SP_EXIT_OK);
            break;
        }
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
    if (b->done)
        return;
    sp_escape_fputs(p, n, stdout);
    fputc('\n', stdout);
    b->replies++;
    if (b->count && ++b->frames >= b->count) {
        sp_chatclient_disconnect(b->cli, "done");
        finish(b, SP_EXIT_OK);
        return;
    }
    if (sp_chatclient_in_flight(b->cli) < STDIN_PAUSE / 2)
        pause_stdin(b, false);
    arm_timeout(b);
    check_done(b);
}

static void on_duration(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    batch *b = ud;
    sp_chatclient_disconnect(b->cli, "done");
    finish(b, SP_EXIT_OK);
}

/* What was printed goes out before the loop sleeps: whoever reads a room
 * through a pipe sees each message when it comes, at one write per wake-up. */
static void flush_stdout(sp_loop *loop, void *ud)
{
    (void)loop;
    (void)ud;
    fflush(stdout);
}

static void on_signal(sp_loop *loop, int signo, void *ud)
{
    (void)loop;
    (void)signo;
    finish(ud, SP_EXIT_FAIL);
}

/* What the command line (and the config file) set. */
typedef struct chat_opts {
    sp_keepalive keepalive;
    unsigned max_frame;
    double timeout;
    char *dns_servers;
    bool room;
    char *nick;
    double linger;
    long count;
    double duration;
    bool tls, tls_insecure;
    const char *tls_ca;
} chat_opts;

static const sp_optspec options[] = {
    { SP_OPTDEF_KEEPALIVE(chat_opts, keepalive), .help = "TCP keep-alive" },
    { SP_OPTDEF_MAX_FRAME(chat_opts, max_frame), .help = "largest reply accepted" },
    { .name = "timeout", .kind = SP_OPT_SECONDS, .lo = 0.1, .hi = 86400, .def = 30, .metavar = "SEC",
      SP_OPT_AT(chat_opts, timeout), .show = SP_SHOW_DEFAULT,
      .help = "bot: give up when no reply comes for SEC seconds" },
    { .name = "room", .kind = SP_OPT_FLAG, SP_OPT_AT(chat_opts, room),
      .help = "the server is a room: print what others say,\nawait no replies" },
    { .name = "nick", .kind = SP_OPT_TEXT, .metavar = "NAME", SP_OPT_AT(chat_opts, nick), .key = "nick",
      .slot = SP_SET_NICK, .help = "room: the nickname, sent first" },
    { .name = "linger", .kind = SP_OPT_SECONDS, .lo = 0, .hi = 86400, .def = -1, .metavar = "SEC",
      SP_OPT_AT(chat_opts, linger),
      .help = "after the last reply (room: the last message sent),\n"
              "print on until SEC seconds pass without a frame\n(default 0.5; with --room 1)" },
    { .name = "count", .kind = SP_OPT_LONG, .lo = 1, .hi = 1e9, .metavar = "N", SP_OPT_AT(chat_opts, count),
      .help = "end after N frames received" },
    { .name = "duration", .kind = SP_OPT_SECONDS, .lo = 0.1, .hi = 31536000, .metavar = "SEC",
      SP_OPT_AT(chat_opts, duration), .help = "end after SEC seconds" },
    { SP_OPTDEF_DNS_SERVER(chat_opts, dns_servers), .help = "DNS servers for a HOST name (default: the system's)" },
    { .name = "tls", .kind = SP_OPT_FLAG, SP_OPT_AT(chat_opts, tls),
      .help = "over TLS (also tls://HOST:PORT); the server's\ncertificate is verified against the system's CAs" },
    { .name = "tls-ca", .kind = SP_OPT_TEXT, .metavar = "FILE", .noun = "file name", SP_OPT_AT(chat_opts, tls_ca),
      .help = "verify against the CA certificates in FILE (PEM)\ninstead" },
    { .name = "tls-insecure", .kind = SP_OPT_FLAG, SP_OPT_AT(chat_opts, tls_insecure),
      .help = "do not verify the certificate (anyone in the path\ncan read and change the chat)" },
    { SP_OPTDEF_HELP },
    { 0 },
};

static const sp_optcmd chat_cmd = {
    .name = "chat",
    .intro = "Usage: sockpit chat [OPTIONS] HOST:PORT [MESSAGE...]\n"
             "Send each MESSAGE (or, with none, each line of stdin) to the chat server at\n"
             "HOST:PORT and print every frame it sends on its own line, control characters\n"
             "escaped. Sending 'bye' ends the session after its reply. With --room, print\n"
             "what the others in the room say until stdin ends (plus --linger), --count,\n"
             "--duration or the server closes.\n"
             "\n"
             "Options:\n",
    .epilog = "\n"
              "Exit status: 0 all replies printed (room: the session ended), 1 no server,\n"
              "closed early or protocol error, 2 usage error.\n"
              "Examples: sockpit chat 127.0.0.1:50007 'hello' 'what is tcp?' bye\n"
              "          sockpit chat --room --nick alice --duration 60 127.0.0.1:50007 'hi all'\n",
    .opts = options,
    .operands = true,
    .defaults = sp_config_command_defaults,
};

int cmd_chat(int argc, char **argv)
{
    chat_opts o = { 0 };
    int rc;
    int first = sp_optspec_command(&chat_cmd, argc, argv, &o, &rc);
    if (first < 0)
        return rc;
    sp_chatclient_config cfg = { .keepalive = o.keepalive, .max_frame = o.max_frame, .room = o.room,
                                 .nick = o.nick };
    char *dns_servers = o.dns_servers;
    double timeout = o.timeout;
    char err[512];
    char why[300];
    if (o.nick && !sp_nick_check(o.nick, strlen(o.nick), why, sizeof why)) {
        char nick[200];
        sp_escape(o.nick, strlen(o.nick), nick, sizeof nick);
        snprintf(err, sizeof err, "--nick '%s': %s", nick, why);
        goto usage_err;
    }
    if (first >= argc) {
        snprintf(err, sizeof err, "the server is missing (want HOST:PORT)");
        goto usage_err;
    }
    char host[256];
    int port;
    const char *target = argv[first];
    if (strncmp(target, "tls://", 6) == 0) {
        target += 6;
        o.tls = true;
    }
    if ((o.tls_ca || o.tls_insecure) && !o.tls) {
        snprintf(err, sizeof err, "--%s is for TLS: add --tls or write tls://HOST:PORT",
                 o.tls_ca ? "tls-ca" : "tls-insecure");
        goto usage_err;
    }
    if (sp_parse_hostport(target, 0, host, sizeof host, &port, why, sizeof why) < 0) {
        snprintf(err, sizeof err, "%s", why);
        goto usage_err;
    }
    cfg.host = host;
    cfg.port = port;

    batch b = { .msgs = argv + first + 1, .nmsgs = argc - first - 1, .timeout = timeout, .rc = SP_EXIT_FAIL,
                .stdin_flags = -1, .room = o.room, .count = o.count,
                .linger = o.linger >= 0 ? o.linger : o.room ? 1.0 : 0.5 };
    b.from_stdin = b.nmsgs == 0;
    b.line_max = o.max_frame;
    b.loop = sp_loop_new();
    if (!b.loop) {
        free(dns_servers);
        free(o.nick);
        return sp_runtime_error("chat", "cannot create the event loop");
    }
    sp_dns *dns = NULL;
    sp_tls_ctx *tls = NULL;
    if (o.tls) {
        tls = sp_tls_client_ctx(o.tls_ca, o.tls_insecure ? SP_TLS_INSECURE : SP_TLS_VERIFY, err, sizeof err);
        if (!tls) {
            rc = sp_runtime_error("chat", "%s", err);
            goto out;
        }
        cfg.tls = tls;
    }
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
    sp_loop_signal(b.loop, SIGINT, on_signal, &b);
    sp_loop_signal(b.loop, SIGTERM, on_signal, &b);
    sp_loop_hook(b.loop, flush_stdout, NULL);
    if (o.duration > 0)
        sp_loop_timer(b.loop, o.duration, 0, on_duration, &b);
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
    sp_tls_ctx_free(tls);
    sp_loop_free(b.loop);
    free(b.line);
    free(dns_servers);
    free(o.nick);
    return rc;
usage_err:
    free(dns_servers);
    free(o.nick);
    return sp_usage_error("chat", "%s", err);
}
