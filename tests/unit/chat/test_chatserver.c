/* The chat server and client modules together in one loop, on loopback:
 * round trips with RTT, keep-alive options read back with getsockopt on
 * both ends, protocol errors both ways, max clients, the output queue cap,
 * the memory budget, frame and idle timeouts, room mode with its big
 * messages and coalesced notices, bye, and the reconnect backoff. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "sockpit/chat/bot.h"
#include "sockpit/chat/chatclient.h"
#include "sockpit/chat/chatserver.h"
#include "sockpit/chat/frame.h"
#include "sockpit/core/sockopt.h"

typedef struct rec {
    char msgs[64][256];
    double rtt[64];
    size_t n;
    sp_chat_state st;
    char text[400];
    char log[32][512];
    size_t nlog;
} rec;

static void on_state(void *ud, sp_chat_state st, const char *text)
{
    rec *r = ud;
    r->st = st;
    snprintf(r->text, sizeof r->text, "%s", text);
}

static void on_message(void *ud, const char *p, size_t n, double rtt)
{
    rec *r = ud;
    if (r->n < 64) {
        snprintf(r->msgs[r->n], sizeof r->msgs[0], "%.*s", (int)n, p);
        r->rtt[r->n++] = rtt;
    }
}

static void on_log(void *ud, const char *line)
{
    rec *r = ud;
    if (r->nlog < 32)
        snprintf(r->log[r->nlog++], sizeof r->log[0], "%s", line);
}

static bool log_has(const rec *r, const char *s)
{
    for (size_t i = 0; i < r->nlog; i++)
        if (strstr(r->log[i], s))
            return true;
    return false;
}

static const sp_chatclient_cbs cbs = { on_state, on_message };

typedef bool cond_fn(void *ud);
static bool run_until(sp_loop *l, cond_fn *fn, void *ud, double secs)
{
    double end = sp_now() + secs;
    while (!fn(ud)) {
        if (sp_now() > end)
            return false;
        sp_loop_once(l, 20);
    }
    return true;
}

static bool is_connected(void *ud) { return ((rec *)ud)->st == SP_CHAT_CONNECTED; }
static bool three_msgs(void *ud) { return ((rec *)ud)->n >= 3; }
static bool one_msg(void *ud) { return ((rec *)ud)->n >= 1; }
static bool not_connected(void *ud)
{
    sp_chat_state s = ((rec *)ud)->st;
    return s == SP_CHAT_FAILED || s == SP_CHAT_IDLE || s == SP_CHAT_RETRY_WAIT;
}

typedef struct fixture {
    sp_loop *loop;
    sp_bot *bot;
    sp_chatserver *srv;
    rec slog;
} fixture;

static fixture *start_server(sp_chatserver_config cfg)
{
    fixture *f = calloc(1, sizeof *f);
    f->loop = sp_loop_new();
    if (cfg.bot) {
        f->bot = (sp_bot *)cfg.bot;
    } else {
        f->bot = sp_bot_parse("hello\tHI\nwhat is tcp?\tTCP\nbye\tBye.\n", 35, NULL, NULL);
        cfg.bot = f->bot;
    }
    cfg.log = on_log;
    cfg.log_ud = &f->slog;
    char err[256];
    f->srv = sp_chatserver_new(f->loop, &cfg, err, sizeof err);
    if (!f->srv)
        fail_msg("server: %s", err);
    return f;
}

static void stop_server(fixture *f)
{
    sp_chatserver_free(f->srv);
    sp_bot_free(f->bot);
    sp_loop_free(f->loop);
    free(f);
}

static sp_chatclient *client(fixture *f, rec *r, sp_keepalive ka, bool reconnect, int port)
{
    sp_chatclient_config cc = { .host = "127.0.0.1", .port = port ? port : sp_chatserver_port(f->srv),
                                .keepalive = ka, .reconnect = reconnect };
    sp_chatclient *c = sp_chatclient_new(f->loop, NULL, &cc, &cbs, r);
    sp_chatclient_connect(c);
    return c;
}

static void test_round_trips(void **state)
{
    (void)state;
    fixture *f = start_server((sp_chatserver_config){ .keepalive = SP_KEEPALIVE_DEFAULT });
    rec r = { 0 };
    sp_chatclient *c = client(f, &r, SP_KEEPALIVE_DEFAULT, false, 0);
    assert_true(run_until(f->loop, is_connected, &r, 5));
    assert_non_null(strstr(r.text, "connected to 127.0.0.1:"));
    /* Pipelined: three in flight at once. */
    assert_int_equal(sp_chatclient_send(c, "hello", 5), 0);
    assert_int_equal(sp_chatclient_send(c, "  what   is tcp ", 16), 0);
    assert_int_equal(sp_chatclient_send(c, "", 0), 0);
    assert_int_equal(sp_chatclient_in_flight(c), 3);
    assert_true(run_until(f->loop, three_msgs, &r, 5));
    assert_string_equal(r.msgs[0], "HI");
    assert_string_equal(r.msgs[1], "TCP");
    assert_string_equal(r.msgs[2], "Sorry.");
    for (int i = 0; i < 3; i++)
        assert_true(r.rtt[i] >= 0 && r.rtt[i] < 5);
    assert_int_equal(sp_chatclient_in_flight(c), 0);
    assert_int_equal(sp_chatserver_clients(f->srv), 1);
    assert_true(log_has(&f->slog, "connect 127.0.0.1:"));
    sp_chatclient_free(c);
    stop_server(f);
}

static void test_keepalive_both_sides(void **state)
{
    (void)state;
    sp_keepalive ska = { true, 11, 7, 3 };
    fixture *f = start_server((sp_chatserver_config){ .keepalive = ska });
    rec r = { 0 };
    sp_chatclient *c = client(f, &r, (sp_keepalive){ true, 13, 5, 4 }, false, 0);
    assert_true(run_until(f->loop, is_connected, &r, 5));
    sp_chatclient_send(c, "hello", 5);
    assert_true(run_until(f->loop, one_msg, &r, 5));
    sp_keepalive got;
    assert_int_equal(sp_sock_get_keepalive(sp_chatclient_fd(c), &got), 0);
    assert_true(got.on);
    assert_int_equal(got.idle, 13);
    assert_int_equal(got.intvl, 5);
    assert_int_equal(got.cnt, 4);
    assert_int_equal(sp_sock_get_keepalive(sp_chatserver_client_fd(f->srv, 0), &got), 0);
    assert_true(got.on);
    assert_int_equal(got.idle, 11);
    assert_int_equal(got.intvl, 7);
    assert_int_equal(got.cnt, 3);
    sp_chatclient_free(c);
    stop_server(f);

    /* Off on both sides. */
    f = start_server((sp_chatserver_config){ .keepalive = { false, 0, 0, 0 } });
    memset(&r, 0, sizeof r);
    c = client(f, &r, (sp_keepalive){ false, 0, 0, 0 }, false, 0);
    assert_true(run_until(f->loop, is_connected, &r, 5));
    sp_chatclient_send(c, "hello", 5);
    assert_true(run_until(f->loop, one_msg, &r, 5));
    assert_int_equal(sp_sock_get_keepalive(sp_chatclient_fd(c), &got), 0);
    assert_false(got.on);
    assert_int_equal(sp_sock_get_keepalive(sp_chatserver_client_fd(f->srv, 0), &got), 0);
    assert_false(got.on);
    sp_chatclient_free(c);
    stop_server(f);
}

static int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* Pumps the loop until fd has n bytes or EOF; returns bytes read, -1 EOF first. */
static ssize_t raw_read(sp_loop *l, int fd, char *buf, size_t n, double secs)
{
    size_t have = 0;
    double end = sp_now() + secs;
    while (have < n && sp_now() < end) {
        sp_loop_once(l, 10);
        ssize_t r = recv(fd, buf + have, n - have, MSG_DONTWAIT);
        if (r == 0)
            return have ? (ssize_t)have : -1;
        if (r > 0)
            have += (size_t)r;
    }
    return (ssize_t)have;
}

static void test_server_protocol_errors(void **state)
{
    (void)state;
    fixture *f = start_server((sp_chatserver_config){ .keepalive = SP_KEEPALIVE_DEFAULT });
    int port = sp_chatserver_port(f->srv);
    char buf[64];
    int fd = raw_connect(port);
    send(fd, "\xfb\xff\xff\xff", 4, 0);
    assert_int_equal(raw_read(f->loop, fd, buf, 1, 5), -1);
    close(fd);
    assert_true(log_has(&f->slog, "protocol error from 127.0.0.1:"));
    assert_true(log_has(&f->slog, "negative frame length -5"));

    fd = raw_connect(port);
    send(fd, "\xff\xff\xff\x7f", 4, 0);
    assert_int_equal(raw_read(f->loop, fd, buf, 1, 5), -1);
    close(fd);
    assert_true(log_has(&f->slog, "frame length 2147483647 exceeds limit 1048576"));

    /* Half a frame, then close. */
    fd = raw_connect(port);
    send(fd, "\x10\x00\x00\x00hel", 7, 0);
    close(fd);
    for (int i = 0; i < 20; i++)
        sp_loop_once(f->loop, 10);
    assert_true(log_has(&f->slog, "in the middle of a frame (7 bytes received)"));
    assert_int_equal(sp_chatserver_clients(f->srv), 0);

    /* Still answering. */
    fd = raw_connect(port);
    send(fd, "\x05\x00\x00\x00hello", 9, 0);
    assert_int_equal(raw_read(f->loop, fd, buf, 6, 5), 6);
    assert_memory_equal(buf, "\x02\x00\x00\x00HI", 6);
    close(fd);
    stop_server(f);
}

/* The frames fd receives while the loop runs for `secs` (or until `want`
 * frames came), as text, each cut to its slot. */
typedef struct frames {
    char text[64][160];
    size_t n;
} frames;

static size_t read_frames(sp_loop *l, int fd, frames *out, size_t want, double secs)
{
    sp_frame_decoder d;
    sp_frame_decoder_init(&d, 4096);
    out->n = 0;
    double end = sp_now() + secs;
    char buf[4096];
    while (out->n < want && sp_now() < end) {
        sp_loop_once(l, 10);
        ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0)
            break;
        size_t off = 0;
        while (r > 0 && off < (size_t)r) {
            size_t used, plen;
            const char *p;
            sp_frame_status st = sp_frame_decode(&d, buf + off, (size_t)r - off, &used, &p, &plen);
            off += used;
            if (st != SP_FRAME_READY)
                break;
            if (out->n < 64)
                snprintf(out->text[out->n++], sizeof out->text[0], "%.*s", (int)plen, p);
        }
    }
    sp_frame_decoder_free(&d);
    return out->n;
}

/* How many leaves the notices in f tell of: "* NAME left" is one, "* 5 left
 * (5 here)" and "* 2 joined, 5 left (9 here)" are five. */
static size_t leaves_told(const frames *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const char *t = f->text[i];
        size_t len = strlen(t);
        if (t[0] != '*')
            continue;
        char *e = (char *)t + 1;
        unsigned long k = t[1] == ' ' && t[2] >= '0' && t[2] <= '9' ? strtoul(t + 2, &e, 10) : 0;
        if (strncmp(e, " joined, ", 9) == 0)
            k = strtoul(e + 9, &e, 10);
        if (strncmp(e, " left (", 7) == 0)
            n += k;
        else if (len > 5 && strcmp(t + len - 5, " left") == 0)
            n++;
    }
    return n;
}

/* Regression: the dead are reaped from their own list (reap used to walk
 * every client on each pass); many dying in one pass, at the head, the tail
 * and between, are all freed and counted, and in a room each leave is
 * told once to those who stay. */
static void test_many_die_at_once(void **state)
{
    (void)state;
    enum { N = 200 };
    fixture *f = start_server((sp_chatserver_config){ .keepalive = SP_KEEPALIVE_DEFAULT });
    int port = sp_chatserver_port(f->srv);
    int fds[N];
    for (int i = 0; i < N; i++)
        fds[i] = raw_connect(port);
    for (int i = 0; i < 50 && sp_chatserver_clients(f->srv) < N; i++)
        sp_loop_once(f->loop, 10);
    assert_int_equal(sp_chatserver_clients(f->srv), N);
    /* The first, the last and every other one between. */
    for (int i = 0; i < N; i += 2) {
        close(fds[i]);
        fds[i] = -1;
    }
    close(fds[N - 1]);
    fds[N - 1] = -1;
    for (int i = 0; i < 50 && sp_chatserver_clients(f->srv) > N / 2 - 1; i++)
        sp_loop_once(f->loop, 10);
    assert_int_equal(sp_chatserver_clients(f->srv), N / 2 - 1);
    char buf[16];
    for (int i = 1; i < N - 1; i += 2) {
        send(fds[i], "\x05\x00\x00\x00hello", 9, 0);
        assert_int_equal(raw_read(f->loop, fds[i], buf, 6, 5), 6);
        assert_memory_equal(buf, "\x02\x00\x00\x00HI", 6);
    }
    for (int i = 1; i < N - 1; i += 2)
        close(fds[i]);
    for (int i = 0; i < 50 && sp_chatserver_clients(f->srv) > 0; i++)
        sp_loop_once(f->loop, 10);
    assert_int_equal(sp_chatserver_clients(f->srv), 0);
    stop_server(f);

    f = start_server((sp_chatserver_config){ .room = true });
    port = sp_chatserver_port(f->srv);
    int room[10];
    for (int i = 0; i < 10; i++) {
        room[i] = raw_connect(port);
        for (int k = 0; k < 5; k++)
            sp_loop_once(f->loop, 5);
    }
    frames got;
    read_frames(f->loop, room[9], &got, 64, 0.3);
    for (int i = 0; i < 10; i += 2)
        close(room[i]);
    size_t told = 0;
    for (int i = 0; i < 50 && told < 5; i++) {
        read_frames(f->loop, room[9], &got, 1, 0.1);
        told += leaves_told(&got);
    }
    assert_int_equal(told, 5);
    read_frames(f->loop, room[9], &got, 1, 0.3);
    assert_int_equal(leaves_told(&got), 0);
    assert_int_equal(sp_chatserver_clients(f->srv), 5);
    for (int i = 1; i < 10; i += 2)
        close(room[i]);
    stop_server(f);
}

static void test_max_clients(void **state)
{
    (void)state;
    fixture *f = start_server((sp_chatserver_config){ .max_clients = 2 });
    int port = sp_chatserver_port(f->srv);
    int a = raw_connect(port), b = raw_connect(port);
    for (int i = 0; i < 10; i++)
        sp_loop_once(f->loop, 5);
    assert_int_equal(sp_chatserver_clients(f->srv), 2);
    int c = raw_connect(port);
    char buf[64];
    assert_int_equal(raw_read(f->loop, c, buf, 15, 5), 15);
    assert_memory_equal(buf, "\x0b\x00\x00\x00server full", 15);
    assert_int_equal(raw_read(f->loop, c, buf, 1, 5), -1);
    assert_true(log_has(&f->slog, "server full"));
    close(a);
    close(b);
    close(c);
    stop_server(f);
}

/* A client that sends and never reads is dropped when its queue passes the cap. */
static void test_queue_cap(void **state)
{
    (void)state;
    /* Long answers fill the socket buffers quickly. */
    size_t alen = 8000;
    char *tsv = malloc(alen + 16);
    memcpy(tsv, "hello\t", 6);
    memset(tsv + 6, 'x', alen);
    tsv[6 + alen] = '\n';
    sp_bot *bot = sp_bot_parse(tsv, alen + 7, NULL, NULL);
    free(tsv);
    fixture *f = start_server((sp_chatserver_config){ .max_queue = 64 * 1024, .bot = bot });
    int port = sp_chatserver_port(f->srv);
    int fd = raw_connect(port);
    int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    char req[9 * 1000];
    for (int i = 0; i < 1000; i++)
        sp_frame_encode("hello", 5, req + 9 * i);
    bool dropped = false;
    for (int round = 0; round < 400 && !dropped; round++) {
        send(fd, req, sizeof req, MSG_DONTWAIT);
        sp_loop_once(f->loop, 5);
        dropped = log_has(&f->slog, "does not read");
    }
    assert_true(dropped);
    assert_int_equal(sp_chatserver_clients(f->srv), 0);
    assert_int_equal(sp_chatserver_buffered(f->srv), 0);
    close(fd);
    stop_server(f);
}

/* Sends the header of a frame of `claim` bytes and `have` bytes of it. */
static void send_partial(int fd, uint32_t claim, size_t have)
{
    char *buf = calloc(1, have + SP_FRAME_HEADER);
    sp_frame_header(claim, (unsigned char *)buf);
    memset(buf + SP_FRAME_HEADER, 'x', have);
    size_t off = 0;
    while (off < have + SP_FRAME_HEADER) {
        ssize_t w = send(fd, buf + off, have + SP_FRAME_HEADER - off, 0);
        assert_true(w > 0);
        off += (size_t)w;
    }
    free(buf);
}

static bool is_closed(int fd)
{
    char b;
    return recv(fd, &b, 1, MSG_DONTWAIT) == 0;
}

static void pump(sp_loop *l, int n)
{
    for (int i = 0; i < n; i++)
        sp_loop_once(l, 5);
}

/* Over the memory budget the client holding the most is dropped, with a
 * log line that says how much it held; the others stay. */
static void test_budget_drops_biggest(void **state)
{
    (void)state;
    enum { SMALL = 15 };
    fixture *f = start_server((sp_chatserver_config){ .max_frame = 65536, .max_memory = (size_t)512 * 1024 });
    int port = sp_chatserver_port(f->srv);
    int small[SMALL];
    /* Seven partial frames of 20 KiB (32 KiB buffers), one of 60 KiB (64
     * KiB): 288 KiB, within the budget. */
    for (int i = 0; i < 7; i++) {
        small[i] = raw_connect(port);
        send_partial(small[i], 30000, 20000);
        pump(f->loop, 5);
    }
    int big = raw_connect(port);
    send_partial(big, 65000, 60000);
    pump(f->loop, 10);
    assert_int_equal(sp_chatserver_clients(f->srv), 8);
    assert_false(log_has(&f->slog, "dropped"));
    /* Eight more small ones pass the budget (544 KiB): the big one goes,
     * not the newest. */
    for (int i = 7; i < SMALL; i++) {
        small[i] = raw_connect(port);
        send_partial(small[i], 30000, 20000);
        pump(f->loop, 5);
    }
    pump(f->loop, 10);
    assert_true(log_has(&f->slog, "dropped: holds 64.0 KiB of the 512 KiB budget"));
    assert_true(is_closed(big));
    for (int i = 0; i < SMALL; i++)
        assert_false(is_closed(small[i]));
    assert_int_equal(sp_chatserver_clients(f->srv), SMALL);
    assert_true(sp_chatserver_buffered(f->srv) <= (size_t)512 * 1024);
    close(big);
    for (int i = 0; i < SMALL; i++)
        close(small[i]);

    /* A budget too small for the frames allowed is refused. */
    char err[200];
    sp_chatserver_config tight = { .room = true, .max_frame = 65536, .max_memory = 65536 };
    assert_null(sp_chatserver_new(f->loop, &tight, err, sizeof err));
    assert_non_null(strstr(err, "too small for frames of 65536 bytes"));
    stop_server(f);
}

static bool closed_fd(void *ud) { return is_closed(*(int *)ud); }

/* A frame that stops arriving is dropped after --frame-timeout; a client
 * that sent whole frames and waits is not, unless an idle timeout is set. */
static void test_frame_and_idle_timeouts(void **state)
{
    (void)state;
    fixture *f = start_server((sp_chatserver_config){ .frame_timeout = 0.3 });
    int port = sp_chatserver_port(f->srv);
    int quiet = raw_connect(port);
    char buf[16];
    send(quiet, "\x05\x00\x00\x00hello", 9, 0);
    assert_int_equal(raw_read(f->loop, quiet, buf, 6, 5), 6);
    int stalled = raw_connect(port);
    double t0 = sp_now();
    send_partial(stalled, 16, 3);
    assert_true(run_until(f->loop, closed_fd, &stalled, 3));
    double took = sp_now() - t0;
    assert_true(took >= 0.29 && took < 2);
    pump(f->loop, 2);
    assert_true(log_has(&f->slog, "a frame did not arrive whole in 0.3 s (7 bytes received; --frame-timeout)"));
    /* A frame completed in time, in pieces, is answered. */
    int slow = raw_connect(port);
    send(slow, "\x05\x00\x00", 3, 0);
    pump(f->loop, 20);
    send(slow, "\x00hel", 4, 0);
    pump(f->loop, 20);
    send(slow, "lo", 2, 0);
    assert_int_equal(raw_read(f->loop, slow, buf, 6, 5), 6);
    pump(f->loop, 80);
    assert_false(is_closed(quiet));
    assert_false(is_closed(slow));
    assert_int_equal(sp_chatserver_clients(f->srv), 2);
    close(quiet);
    close(stalled);
    close(slow);
    stop_server(f);

    f = start_server((sp_chatserver_config){ .idle_timeout = 0.3 });
    port = sp_chatserver_port(f->srv);
    quiet = raw_connect(port);
    int talker = raw_connect(port);
    t0 = sp_now();
    while (sp_now() - t0 < 0.6) {
        send(talker, "\x05\x00\x00\x00hello", 9, 0);
        assert_int_equal(raw_read(f->loop, talker, buf, 6, 5), 6);
        pump(f->loop, 10);
    }
    assert_true(is_closed(quiet));
    assert_false(is_closed(talker));
    assert_true(log_has(&f->slog, "nothing received for 0.3 s (--idle-timeout)"));
    close(quiet);
    close(talker);
    stop_server(f);
}

/* Reads everything fd has now; returns the bytes read (0: none, -1: EOF). */
static ssize_t drain(int fd, sp_frame_decoder *d, size_t *big_frames, size_t big)
{
    static char buf[65536];
    ssize_t total = 0;
    for (;;) {
        ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r == 0)
            return -1;
        if (r < 0)
            return total;
        total += r;
        size_t off = 0;
        while (off < (size_t)r) {
            size_t used, plen;
            const char *p;
            sp_frame_status st = sp_frame_decode(d, buf + off, (size_t)r - off, &used, &p, &plen);
            off += used;
            assert_int_not_equal(st, SP_FRAME_ERROR);
            if (st == SP_FRAME_MORE)
                break;
            if (plen >= big)
                (*big_frames)++;
        }
    }
}

/* Regression: with --max-frame 16 MiB a 5 MB room message dropped both
 * receivers as "does not read" (their queue cap was 4 MiB). Receivers that
 * read get it whole. */
static void test_room_big_message_reader_kept(void **state)
{
    (void)state;
    enum { MSG = 5 * 1000 * 1000 };
    fixture *f = start_server((sp_chatserver_config){ .room = true, .max_frame = 16777216 });
    int port = sp_chatserver_port(f->srv);
    int sender = raw_connect(port), rx[2] = { raw_connect(port), raw_connect(port) };
    pump(f->loop, 20);
    char *msg = malloc(MSG + SP_FRAME_HEADER);
    sp_frame_header(MSG, (unsigned char *)msg);
    memset(msg + SP_FRAME_HEADER, 'm', MSG);
    sp_frame_decoder d[2];
    size_t got[2] = { 0, 0 };
    for (int i = 0; i < 2; i++)
        sp_frame_decoder_init(&d[i], 16777216);
    size_t sent = 0;
    double end = sp_now() + 20;
    while ((got[0] < 1 || got[1] < 1) && sp_now() < end) {
        if (sent < MSG + SP_FRAME_HEADER) {
            ssize_t w = send(sender, msg + sent, MSG + SP_FRAME_HEADER - sent, MSG_DONTWAIT);
            if (w > 0)
                sent += (size_t)w;
        }
        sp_loop_once(f->loop, 1);
        for (int i = 0; i < 2; i++)
            assert_true(drain(rx[i], &d[i], &got[i], MSG) >= 0);
    }
    assert_int_equal(got[0], 1);
    assert_int_equal(got[1], 1);
    assert_false(log_has(&f->slog, "does not read"));
    assert_false(log_has(&f->slog, "dropped"));
    assert_int_equal(sp_chatserver_clients(f->srv), 3);
    for (int i = 0; i < 2; i++) {
        sp_frame_decoder_free(&d[i]);
        close(rx[i]);
    }
    free(msg);
    close(sender);
    stop_server(f);
}

/* Regression: each join and leave cost a frame to every member. Joins and
 * leaves of one loop iteration reach each member as one notice. */
static void test_room_notices_coalesced(void **state)
{
    (void)state;
    enum { OLD = 5, NEW = 20 };
    fixture *f = start_server((sp_chatserver_config){ .room = true });
    int port = sp_chatserver_port(f->srv);
    int old[OLD], fresh[NEW];
    frames got;
    for (int i = 0; i < OLD; i++) {
        old[i] = raw_connect(port);
        pump(f->loop, 5);
    }
    for (int i = 0; i < OLD; i++)
        read_frames(f->loop, old[i], &got, 64, 0.05);
    /* All in the backlog before the server looks: one iteration takes them. */
    for (int i = 0; i < NEW; i++)
        fresh[i] = raw_connect(port);
    for (int i = 0; i < OLD; i++) {
        read_frames(f->loop, old[i], &got, 64, 0.3);
        assert_int_equal(got.n, 1);
        assert_string_equal(got.text[0], "* 20 joined (25 here)");
    }
    /* The newcomers get their welcome only, with everyone counted. */
    read_frames(f->loop, fresh[NEW - 1], &got, 64, 0.1);
    assert_int_equal(got.n, 1);
    assert_non_null(strstr(got.text[0], ": 24 others here"));
    for (int i = 0; i < NEW; i++)
        read_frames(f->loop, fresh[i], &got, 64, 0);
    for (int i = 0; i < 10; i++)
        close(fresh[i]);
    for (int i = 0; i < OLD; i++) {
        read_frames(f->loop, old[i], &got, 64, 0.3);
        assert_int_equal(got.n, 1);
        assert_string_equal(got.text[0], "* 10 left (15 here)");
    }
    read_frames(f->loop, fresh[NEW - 1], &got, 64, 0.1);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.text[0], "* 10 left (15 here)");
    for (int i = 0; i < OLD; i++)
        close(old[i]);
    for (int i = 10; i < NEW; i++)
        close(fresh[i]);
    stop_server(f);
}

/* Our client against a server that breaks the protocol. */
static void test_client_protocol_error(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    listen(lfd, 4);
    socklen_t al = sizeof a;
    getsockname(lfd, (struct sockaddr *)&a, &al);
    rec r = { 0 };
    sp_chatclient_config cc = { .host = "127.0.0.1", .port = ntohs(a.sin_port), .keepalive = SP_KEEPALIVE_DEFAULT };
    sp_chatclient *c = sp_chatclient_new(l, NULL, &cc, &cbs, &r);
    sp_chatclient_connect(c);
    assert_true(run_until(l, is_connected, &r, 5));
    int s = accept(lfd, NULL, NULL);
    sp_chatclient_send(c, "hi", 2);
    send(s, "\x02\x00\x00\x00ok\xfb\xff\xff\xff", 10, 0);
    assert_true(run_until(l, not_connected, &r, 5));
    assert_int_equal(r.n, 1);
    assert_string_equal(r.msgs[0], "ok");
    assert_int_equal(r.st, SP_CHAT_FAILED);
    assert_non_null(strstr(r.text, "protocol error: negative frame length -5"));
    close(s);
    sp_chatclient_free(c);
    close(lfd);
    sp_loop_free(l);
}

static void test_room(void **state)
{
    (void)state;
    fixture *f = start_server((sp_chatserver_config){ .room = true });
    rec ra = { 0 }, rb = { 0 };
    sp_chatclient *a = client(f, &ra, SP_KEEPALIVE_DEFAULT, false, 0);
    assert_true(run_until(f->loop, is_connected, &ra, 5));
    assert_true(run_until(f->loop, one_msg, &ra, 5));
    assert_non_null(strstr(ra.msgs[0], "* welcome 127.0.0.1:"));
    sp_chatclient *b = client(f, &rb, SP_KEEPALIVE_DEFAULT, false, 0);
    assert_true(run_until(f->loop, is_connected, &rb, 5));
    assert_true(run_until(f->loop, one_msg, &rb, 5));
    for (int i = 0; i < 10; i++)
        sp_loop_once(f->loop, 5);
    assert_int_equal(ra.n, 2);
    assert_non_null(strstr(ra.msgs[1], "joined"));
    sp_chatclient_send(b, "/nick bob", 9);
    sp_chatclient_send(b, "hi all", 6);
    for (int i = 0; i < 20; i++)
        sp_loop_once(f->loop, 5);
    assert_int_equal(ra.n, 4);
    assert_non_null(strstr(ra.msgs[2], "is now known as bob"));
    assert_string_equal(ra.msgs[3], "bob: hi all");
    sp_chatclient_free(b);
    for (int i = 0; i < 20; i++)
        sp_loop_once(f->loop, 5);
    assert_int_equal(ra.n, 5);
    assert_string_equal(ra.msgs[4], "* bob left");
    sp_chatclient_free(a);
    stop_server(f);
}

static bool four_msgs(void *ud) { return ((rec *)ud)->n >= 4; }

/* The client in room mode: nothing is paired or timed, nothing is in
 * flight, the nickname goes out again after a reconnect, and bye closes
 * our side and ends when the server closes. */
static void test_room_client(void **state)
{
    (void)state;
    fixture *f = start_server((sp_chatserver_config){ .room = true });
    rec ra = { 0 }, rb = { 0 };
    sp_chatclient_config cc = { .host = "127.0.0.1", .port = sp_chatserver_port(f->srv), .room = true,
                                .nick = "ann", .reconnect = true };
    sp_chatclient *a = sp_chatclient_new(f->loop, NULL, &cc, &cbs, &ra);
    sp_chatclient_connect(a);
    assert_true(run_until(f->loop, is_connected, &ra, 5));
    assert_string_equal(sp_chatclient_nick(a), "ann");
    sp_chatclient *b = client(f, &rb, SP_KEEPALIVE_DEFAULT, false, 0);
    sp_chatclient_set_room(b, true);
    assert_true(run_until(f->loop, is_connected, &rb, 5));
    assert_true(run_until(f->loop, one_msg, &rb, 5));
    sp_chatclient_send(b, "hi", 2);
    sp_chatclient_send(b, "/nick bo b", 10); /* refused by the server: not remembered */
    assert_null(sp_chatclient_nick(b));
    sp_chatclient_send(b, "/nick bob", 9);
    assert_string_equal(sp_chatclient_nick(b), "bob");
    assert_int_equal(sp_chatclient_in_flight(b), 0);
    assert_true(run_until(f->loop, four_msgs, &ra, 5));
    for (size_t i = 0; i < ra.n; i++)
        assert_true(ra.rtt[i] < 0);
    /* a: welcome, its own nick, b joined, "...: hi", b's new name */
    bool said = false;
    for (size_t i = 0; i < ra.n; i++)
        said |= strstr(ra.msgs[i], ": hi") != NULL;
    assert_true(said);
    /* a reconnects: its name is sent again. */
    rb.n = 0;
    sp_chatclient_connect(a);
    assert_true(run_until(f->loop, is_connected, &ra, 5));
    bool renamed = false;
    for (int i = 0; i < 200 && !renamed; i++) {
        sp_loop_once(f->loop, 10);
        for (size_t k = 0; k < rb.n; k++)
            renamed |= strstr(rb.msgs[k], "is now known as ann") != NULL;
    }
    assert_true(renamed);
    /* bye in a room: no reply is awaited; the server's close ends it. */
    sp_chatclient_send(b, "bye", 3);
    assert_int_equal(sp_chatclient_in_flight(b), 0);
    assert_true(run_until(f->loop, not_connected, &rb, 5));
    assert_int_equal(rb.st, SP_CHAT_IDLE);
    assert_string_equal(rb.text, "closed after bye");
    sp_chatclient_free(b);
    /* The server goes: a clean close, and no reply said to be lost. */
    sp_chatserver_free(f->srv);
    f->srv = NULL;
    assert_true(run_until(f->loop, not_connected, &ra, 5));
    assert_true(sp_chatclient_peer_closed(a));
    assert_null(strstr(ra.text, "never came"));
    sp_chatclient_free(a);
    stop_server(f);
}

static void test_bye(void **state)
{
    (void)state;
    fixture *f = start_server((sp_chatserver_config){ .keepalive = SP_KEEPALIVE_DEFAULT });
    rec r = { 0 };
    sp_chatclient *c = client(f, &r, SP_KEEPALIVE_DEFAULT, true, 0);
    assert_true(run_until(f->loop, is_connected, &r, 5));
    sp_chatclient_send(c, " bye ", 5);
    assert_int_equal(sp_chatclient_send(c, "more", 4), -1);
    assert_true(run_until(f->loop, not_connected, &r, 5));
    assert_int_equal(r.n, 1);
    assert_string_equal(r.msgs[0], "Bye.");
    assert_int_equal(r.st, SP_CHAT_IDLE);
    assert_string_equal(r.text, "closed after bye");
    sp_chatclient_free(c);
    stop_server(f);
}

static void test_backoff_and_retry(void **state)
{
    (void)state;
    double want[] = { 1, 2, 4, 8, 16, 30, 30, 30 };
    for (unsigned i = 0; i < 8; i++)
        assert_true(sp_chat_backoff(i + 1) == want[i]);
    fixture *f = start_server((sp_chatserver_config){ 0 });
    int port = sp_chatserver_port(f->srv);
    sp_chatserver_free(f->srv);
    f->srv = NULL;
    rec r = { 0 };
    sp_chatclient *c = client(f, &r, SP_KEEPALIVE_DEFAULT, true, port);
    assert_true(run_until(f->loop, not_connected, &r, 5));
    assert_int_equal(r.st, SP_CHAT_RETRY_WAIT);
    assert_non_null(strstr(r.text, "Connection refused; reconnecting in 1 s (attempt 2)"));
    assert_true(sp_chatclient_retry_in(c) <= 1.0);
    /* The server comes back on the same port: the retry finds it. */
    sp_chatserver_config cfg = { .port = port, .bot = f->bot };
    char err[200];
    f->srv = sp_chatserver_new(f->loop, &cfg, err, sizeof err);
    assert_non_null(f->srv);
    assert_true(run_until(f->loop, is_connected, &r, 5));
    sp_chatclient_free(c);
    stop_server(f);
}

static void accept_and_close(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    (void)events;
    (void)ud;
    int c = accept(fd, NULL, NULL);
    if (c >= 0)
        close(c);
}

static bool retry_wait(void *ud) { return ((rec *)ud)->st == SP_CHAT_RETRY_WAIT; }
static bool not_retry_wait(void *ud) { return ((rec *)ud)->st != SP_CHAT_RETRY_WAIT; }

static void test_backoff_grows_against_accept_and_close(void **state)
{
    (void)state;
    sp_loop *l = sp_loop_new();
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 16), 0);
    getsockname(lfd, (struct sockaddr *)&a, &al);
    sp_loop_watch(l, lfd, SP_IO_READ, accept_and_close, NULL);
    rec r = { 0 };
    sp_chatclient_config cc = { .host = "127.0.0.1", .port = ntohs(a.sin_port), .reconnect = true };
    sp_chatclient *c = sp_chatclient_new(l, NULL, &cc, &cbs, &r);
    sp_chatclient_connect(c);
    /* Connected, then closed at once: attempt 2 after 1 s; connected and
     * closed again: attempt 3 after 2 s, not 1 s forever. */
    assert_true(run_until(l, retry_wait, &r, 5));
    assert_non_null(strstr(r.text, "reconnecting in 1 s (attempt 2)"));
    assert_true(run_until(l, not_retry_wait, &r, 5));
    assert_true(run_until(l, retry_wait, &r, 5));
    assert_non_null(strstr(r.text, "reconnecting in 2 s (attempt 3)"));
    sp_chatclient_free(c);
    close(lfd);
    sp_loop_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_keepalive_both_sides),
        cmocka_unit_test(test_server_protocol_errors),
        cmocka_unit_test(test_many_die_at_once),
        cmocka_unit_test(test_max_clients),
        cmocka_unit_test(test_queue_cap),
        cmocka_unit_test(test_budget_drops_biggest),
        cmocka_unit_test(test_frame_and_idle_timeouts),
        cmocka_unit_test(test_room_big_message_reader_kept),
        cmocka_unit_test(test_room_notices_coalesced),
        cmocka_unit_test(test_client_protocol_error),
        cmocka_unit_test(test_room),
        cmocka_unit_test(test_room_client),
        cmocka_unit_test(test_bye),
        cmocka_unit_test(test_backoff_and_retry),
        cmocka_unit_test(test_backoff_grows_against_accept_and_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
