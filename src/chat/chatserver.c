/* The chat server inside an sp_loop. Each client is a small struct with a
 * frame decoder and an output queue allocated only when needed, so 10,000
 * idle connections cost little more than their sockets. Reads go through
 * one shared buffer; replies to all frames of a read are queued and written
 * with one write. Clients that fail are marked dead at once (socket closed,
 * buffers freed) and unlinked in a hook before the loop sleeps, so no list
 * is changed under a loop walking it. That hook also sends the room's
 * join/leave notices of the iteration as one frame per member.
 *
 * Memory: every buffer's capacity is charged to the server-wide budget as
 * it changes; over budget, the client holding the most is dropped (one
 * scan of the clients per drop). Deadlines (a frame arriving whole, the
 * idle timeout) sit in lists ordered by their start, so one timer armed for
 * the earliest suffices and an idle server does not wake. */
#include "sockpit/chat/chatserver.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockpit/chat/frame.h"
#include "sockpit/chat/nick.h"
#include "sockpit/chat/tlsio.h"
#include "sockpit/core/accept.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/outbuf.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"

#define READ_BUF ((size_t)64 * 1024)
#define KEEP_OUT 4096  /* an empty output buffer up to this size is kept */
#define KEEP_DEC 4096  /* a frame buffer up to this size is kept between frames */
#define MIB (1024.0 * 1024.0)

/* The deadlines a client can be on. */
enum { DL_FRAME, DL_IDLE, DL_COUNT };

typedef struct deadline_link {
    struct client *prev, *next;
    double since; /* when the frame started, or the last byte came */
    bool on;
} deadline_link;

typedef struct deadline_list {
    struct client *head, *tail; /* head: the oldest `since` */
    double after;               /* seconds; 0: not used */
} deadline_list;

typedef struct client {
    struct client *prev, *next;
    struct client *next_dead; /* the list reap() walks */
    struct sp_chatserver *srv;
    int fd;
    sp_chat_tls tls;       /* .t NULL: plain TCP */
    bool dead;
    bool announced;        /* room: welcomed, its join counted in a notice */
    struct client *next_fresh; /* room: accepted, not yet welcomed */
    uint64_t welcomed_in;  /* the notice batch that welcomed it */
    size_t held;           /* buffer bytes charged to the budget */
    deadline_link dl[DL_COUNT];
    sp_frame_decoder dec;
    sp_outbuf out;
    char *nick;            /* room: /nick NAME, NULL: the peer address */
    char peer[64];
    char why[128];         /* why it died, for the log */
} client;

struct sp_chatserver {
    sp_loop *loop;
    sp_chatserver_config cfg;
    int lfd;
    int spare_fd;          /* given up to accept and refuse when out of fds */
    char addr[64];
    client *head;
    client *dead;          /* died since the last reap, newest first */
    size_t nclients;
    size_t ndead;
    char *rbuf;
    size_t held;           /* the sum of the clients' `held` */
    const client *busy;    /* whose decoder holds the frame being handled */
    deadline_list dl[DL_COUNT];
    uint64_t timer;        /* armed for the earliest deadline; 0: none */
    double timer_at;
    /* Room notices not sent yet. */
    client *fresh;
    size_t joins, leaves;
    char joined[160], left[160]; /* the name, when only one */
    uint64_t batch;
    uint64_t wake;         /* a timer that makes the next iteration send them */
};

static void logf_(sp_chatserver *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(sp_chatserver *s, const char *fmt, ...)
{
    if (!s->cfg.log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above; a clang 14 false positive */
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->cfg.log(s->cfg.log_ud, line);
}

static const char *plural(size_t n) { return n == 1 ? "" : "s"; }

/* The name shown for a client in a room, escaped. */
static void client_name(const client *c, char *out, size_t outlen)
{
    if (c->nick)
        sp_escape(c->nick, strlen(c->nick), out, outlen);
    else
        snprintf(out, outlen, "%s", c->peer);
}

/* Brings the budget up to date with c's buffers. */
static void charge(client *c)
{
    sp_chatserver *s = c->srv;
    size_t now = c->out.cap + c->dec.cap;
    s->held = s->held - c->held + now;
    c->held = now;
}

static void deadline_remove(sp_chatserver *s, int k, client *c)
{
    deadline_link *l = &c->dl[k];
    if (!l->on)
        return;
    if (l->prev)
        l->prev->dl[k].next = l->next;
    else
        s->dl[k].head = l->next;
    if (l->next)
        l->next->dl[k].prev = l->prev;
    else
        s->dl[k].tail = l->prev;
    *l = (deadline_link){ 0 };
}

/* (Re)starts c's deadline k now: to the tail, which keeps the list in order. */
static void deadline_restart(sp_chatserver *s, int k, client *c, double now)
{
    if (!s->dl[k].after)
        return;
    deadline_remove(s, k, c);
    deadline_link *l = &c->dl[k];
    l->on = true;
    l->since = now;
    l->prev = s->dl[k].tail;
    if (l->prev)
        l->prev->dl[k].next = c;
    else
        s->dl[k].head = c;
    s->dl[k].tail = c;
}

static void kill_client(client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void kill_client(client *c, const char *fmt, ...)
{
    if (c->dead)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above; a clang 14 false positive */
    vsnprintf(c->why, sizeof c->why, fmt, ap);
    va_end(ap);
    sp_chatserver *s = c->srv;
    c->dead = true;
    c->next_dead = s->dead;
    s->dead = c;
    s->ndead++;
    sp_loop_unwatch(s->loop, c->fd);
    sp_chat_tls_end(&c->tls);
    close(c->fd);
    c->fd = -1;
    for (int k = 0; k < DL_COUNT; k++)
        deadline_remove(s, k, c);
    /* Its memory goes back to the budget now; a frame being handled stays
     * until the reap. */
    sp_outbuf_free(&c->out);
    if (c != s->busy)
        sp_frame_decoder_free(&c->dec);
    charge(c);
}

/* "12.0 MiB", "64.5 KiB"; `round` drops a ".0" ("256 MiB"). */
static void fmt_size(double bytes, bool round, char *out, size_t outlen)
{
    if (bytes < MIB)
        snprintf(out, outlen, "%.1f KiB", bytes / 1024);
    else
        snprintf(out, outlen, "%.1f MiB", bytes / MIB);
    size_t n = strlen(out);
    if (round && n > 6 && memcmp(out + n - 6, ".0 ", 3) == 0)
        memmove(out + n - 6, out + n - 4, 5);
}

/* Over budget: drops the biggest holders until it fits. The scan is paid
 * only when a drop follows. */
static void enforce_budget(sp_chatserver *s)
{
    while (s->held > s->cfg.max_memory) {
        client *big = NULL;
        for (client *o = s->head; o; o = o->next)
            if (!o->dead && (!big || o->held > big->held))
                big = o;
        if (!big || !big->held)
            return;
        char has[32], budget[32];
        fmt_size((double)big->held, false, has, sizeof has);
        fmt_size((double)s->cfg.max_memory, true, budget, sizeof budget);
        kill_client(big, "dropped: holds %s of the %s budget (--max-memory)", has, budget);
    }
}

/* Room for `more` output bytes, or NULL when c had to be dropped. */
static char *queue_room(client *c, size_t more)
{
    if (sp_outbuf_pending(&c->out) + more > c->srv->cfg.max_queue) {
        kill_client(c, "dropped: more than %zu bytes of output waiting (the client does not read)",
                    c->srv->cfg.max_queue);
        return NULL;
    }
    return sp_outbuf_reserve(&c->out, more);
}

/* After c's buffers grew: charge them, then keep to the budget (which may
 * drop c itself). Returns -1 if c died. */
static int grew(client *c)
{
    charge(c);
    enforce_budget(c->srv);
    return c->dead ? -1 : 0;
}

/* Queues one frame made of up to three pieces. Returns -1 if c died. */
static int queue_frame(client *c, const char *a, size_t an, const char *b, size_t bn, const char *d, size_t dn)
{
    if (c->dead)
        return -1;
    size_t len = an + bn + dn;
    char *p = queue_room(c, len + SP_FRAME_HEADER);
    if (!p)
        return -1;
    sp_frame_header((uint32_t)len, (unsigned char *)p);
    p += SP_FRAME_HEADER;
    if (an)
        memcpy(p, a, an);
    if (bn)
        memcpy(p + an, b, bn);
    if (dn)
        memcpy(p + an + bn, d, dn);
    sp_outbuf_commit(&c->out, len + SP_FRAME_HEADER);
    return grew(c);
}

static void on_client(sp_loop *loop, int fd, unsigned events, void *ud);

/* Writes what is queued; asks for write readiness when the socket is full. */
static int flush(client *c)
{
    if (c->tls.t && !c->tls.ready)
        return 0; /* sent once the handshake is done */
    int r = c->tls.t ? sp_outbuf_flush_with(&c->out, sp_chat_tls_writer, &c->tls, KEEP_OUT)
                     : sp_outbuf_flush(&c->out, c->fd, KEEP_OUT);
    charge(c);
    if (r < 0) {
        if (c->tls.t && errno == EPROTO)
            kill_client(c, "TLS error: %s", sp_tls_error(c->tls.t));
        else
            kill_client(c, "write failed: %s", strerror(errno));
        return -1;
    }
    sp_loop_set_events(c->srv->loop, c->fd, sp_chat_tls_events(&c->tls, r == 0));
    return 0;
}

static int send_text(client *c, const char *text)
{
    if (queue_frame(c, text, strlen(text), NULL, 0, NULL, 0) < 0)
        return -1;
    return flush(c);
}

/* Room: a notice to everyone welcomed. */
static void broadcast_notice(sp_chatserver *s, const char *text)
{
    for (client *o = s->head; o; o = o->next)
        if (o->announced && !o->dead)
            send_text(o, text);
}

static void room_nick(client *c, const char *name, size_t n)
{
    while (n && (name[0] == ' ' || name[0] == '\t')) {
        name++;
        n--;
    }
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    char why[120];
    if (!sp_nick_check(name, n, why, sizeof why)) {
        char msg[200];
        snprintf(msg, sizeof msg, "* nickname refused: %s (usage: /nick NAME)", why);
        send_text(c, msg);
        return;
    }
    char old[160], esc[160], line[400];
    client_name(c, old, sizeof old);
    char *nick = sp_xmalloc(n + 1);
    memcpy(nick, name, n);
    nick[n] = '\0';
    free(c->nick);
    c->nick = nick;
    sp_escape(nick, n, esc, sizeof esc);
    snprintf(line, sizeof line, "* %s is now known as %s", old, esc);
    logf_(c->srv, "%s: nick %s", c->peer, esc);
    broadcast_notice(c->srv, line);
}

static void room_message(client *c, const char *p, size_t n)
{
    if (n >= 6 && memcmp(p, "/nick ", 6) == 0) {
        room_nick(c, p + 6, n - 6);
        return;
    }
    sp_chatserver *s = c->srv;
    const char *name = c->nick ? c->nick : c->peer;
    size_t nl = strlen(name);
    /* Keep forwarded frames within the limit the receivers use. */
    if (nl + 2 + n > s->cfg.max_frame)
        n = s->cfg.max_frame > nl + 2 ? s->cfg.max_frame - nl - 2 : 0;
    for (client *o = s->head; o; o = o->next) {
        if (o == c || o->dead)
            continue;
        if (queue_frame(o, name, nl, ": ", 2, p, n) == 0)
            flush(o);
    }
}

static void on_frame(client *c, const char *p, size_t n)
{
    sp_chatserver *s = c->srv;
    if (s->cfg.room) {
        room_message(c, p, n);
        return;
    }
    size_t alen;
    const char *a = sp_bot_reply(s->cfg.bot, p, n, &alen);
    queue_frame(c, a, alen, NULL, 0, NULL, 0);
}

/* One read into the shared buffer: bytes, 0 at the client's close, -1
 * when nothing more can be read now, -2 when c died. */
static long read_some(client *c)
{
    sp_chatserver *s = c->srv;
    if (!c->tls.t) {
        for (;;) {
            ssize_t r = recv(c->fd, s->rbuf, READ_BUF, 0);
            if (r >= 0)
                return (long)r;
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return -1;
            kill_client(c, "read failed: %s", strerror(errno));
            return -2;
        }
    }
    size_t n;
    switch (sp_chat_tls_read(&c->tls, s->rbuf, READ_BUF, &n)) {
    case SP_TLS_DONE: return (long)n;
    case SP_TLS_WANT_WRITE:
        sp_loop_set_events(s->loop, c->fd, sp_chat_tls_events(&c->tls, sp_outbuf_pending(&c->out) > 0));
        return -1;
    case SP_TLS_WANT_READ: return -1;
    case SP_TLS_EOF: return 0;
    case SP_TLS_FAIL: break;
    }
    kill_client(c, "TLS error: %s", sp_tls_error(c->tls.t));
    return -2;
}

static void on_readable(client *c)
{
    sp_chatserver *s = c->srv;
    size_t frames = 0;
    bool heard = false;
    /* A few reads at most, so one busy client cannot starve the others
     * (the socket stays readable for the rest); over TLS also what OpenSSL
     * holds decrypted already, which no readiness event would announce. */
    for (int round = 0; round < 4 || (c->tls.t && sp_tls_pending(c->tls.t)); round++) {
        long r = read_some(c);
        if (r == -2)
            return;
        if (r < 0)
            break;
        if (r == 0) {
            size_t pend = sp_frame_pending(&c->dec);
            if (pend)
                kill_client(c, "closed by the client in the middle of a frame (%zu bytes received)", pend);
            else
                kill_client(c, "closed by the client");
            return;
        }
        heard = true;
        size_t off = 0;
        while (off < (size_t)r && !c->dead) {
            size_t used, plen;
            const char *payload;
            sp_frame_status st = sp_frame_decode(&c->dec, s->rbuf + off, (size_t)r - off, &used, &payload, &plen);
            off += used;
            if (st == SP_FRAME_ERROR) {
                logf_(s, "protocol error from %s: %s", c->peer, c->dec.err);
                kill_client(c, "protocol error: %s", c->dec.err);
                return;
            }
            if (st == SP_FRAME_MORE)
                break;
            frames++;
            s->busy = c;
            on_frame(c, payload, plen);
            s->busy = NULL;
        }
        if (c->dead || grew(c) < 0 || flush(c) < 0)
            return;
        /* A short read emptied the socket; over TLS a read is one record,
         * so only what OpenSSL holds is certain: the loop's readiness says
         * whether the socket has more, which saves a read that would fail. */
        if (c->tls.t ? !sp_tls_pending(c->tls.t) : (size_t)r < READ_BUF)
            break;
    }
    double now = heard ? sp_now() : 0;
    if (heard)
        deadline_restart(s, DL_IDLE, c, now);
    if (!sp_frame_pending(&c->dec)) {
        deadline_remove(s, DL_FRAME, c);
        /* A big frame's buffer goes back to the budget once it is handled. */
        if (c->dec.cap > KEEP_DEC) {
            sp_frame_decoder_free(&c->dec);
            charge(c);
        }
    } else if (heard && (frames || !c->dl[DL_FRAME].on)) {
        deadline_restart(s, DL_FRAME, c, now);
    }
}

static void joined(client *c)
{
    sp_chatserver *s = c->srv;
    if (s->cfg.room) {
        c->next_fresh = s->fresh;
        s->fresh = c;
    }
}

/* One step of the TLS handshake; false while it is not done (or c died). */
static bool handshake(client *c)
{
    sp_chatserver *s = c->srv;
    switch (sp_tls_handshake(c->tls.t)) {
    case SP_TLS_DONE:
        c->tls.ready = true;
        deadline_remove(s, DL_FRAME, c);
        joined(c);
        return flush(c) == 0;
    case SP_TLS_WANT_READ:
        sp_loop_set_events(s->loop, c->fd, SP_IO_READ);
        return false;
    case SP_TLS_WANT_WRITE:
        sp_loop_set_events(s->loop, c->fd, SP_IO_READ | SP_IO_WRITE);
        return false;
    case SP_TLS_EOF:
    case SP_TLS_FAIL:
        break;
    }
    const char *e = sp_tls_error(c->tls.t);
    kill_client(c, "TLS handshake failed: %s", e[0] ? e : "the client closed the connection");
    return false;
}

static void on_client(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    (void)fd;
    client *c = ud;
    if (c->tls.t && !c->tls.ready && !handshake(c))
        return;
    /* A TLS read may wait for writability and a write for readability. */
    bool read_now = (events & SP_IO_READ) || c->tls.read_wants_write;
    bool write_now = (events & SP_IO_WRITE) || c->tls.write_wants_read;
    if (write_now && flush(c) < 0)
        return;
    if (read_now)
        on_readable(c);
    if (!c->dead && c->tls.t)
        sp_loop_set_events(c->srv->loop, c->fd,
                           sp_chat_tls_events(&c->tls, sp_outbuf_pending(&c->out) > 0));
}

static void free_client(client *c)
{
    if (c->fd >= 0) {
        sp_loop_unwatch(c->srv->loop, c->fd);
        close(c->fd);
    }
    for (int k = 0; k < DL_COUNT; k++)
        deadline_remove(c->srv, k, c);
    sp_chat_tls_end(&c->tls);
    sp_frame_decoder_free(&c->dec);
    sp_outbuf_free(&c->out);
    charge(c);
    free(c->nick);
    free(c);
}

/* Frees the clients that died and logs them; in a room an announced one is
 * counted for the next notice. Only the dead are visited, so a disconnect
 * costs the same with 10 or 10,000 clients connected. */
static void reap(sp_chatserver *s)
{
    while (s->dead) {
        client *c = s->dead;
        s->dead = c->next_dead;
        if (c->prev)
            c->prev->next = c->next;
        else
            s->head = c->next;
        if (c->next)
            c->next->prev = c->prev;
        s->ndead--;
        s->nclients--;
        logf_(s, "disconnect %s: %s (%zu client%s)", c->peer, c->why, s->nclients, plural(s->nclients));
        if (s->cfg.room && c->announced && s->leaves++ == 0)
            client_name(c, s->left, sizeof s->left);
        free_client(c);
    }
}

/* Room: welcomes those accepted since the last batch, with the count of
 * those here now. */
static void welcome_fresh(sp_chatserver *s)
{
    size_t here = s->nclients - s->ndead;
    while (s->fresh) {
        client *c = s->fresh;
        s->fresh = c->next_fresh;
        c->next_fresh = NULL;
        if (c->dead)
            continue;
        char line[200];
        snprintf(line, sizeof line, "* welcome %s: %zu other%s here; /nick NAME sets your name", c->peer, here - 1,
                 plural(here - 1));
        if (send_text(c, line) < 0)
            continue;
        c->announced = true;
        c->welcomed_in = s->batch;
        if (s->joins++ == 0)
            client_name(c, s->joined, sizeof s->joined);
    }
}

/* The batch's joins and leaves as one line: names when there is one event,
 * counts when more. */
static void notice_text(const sp_chatserver *s, char *line, size_t len)
{
    size_t here = s->nclients - s->ndead;
    if (s->joins == 1 && !s->leaves)
        snprintf(line, len, "* %s joined (%zu here)", s->joined, here);
    else if (s->leaves == 1 && !s->joins)
        snprintf(line, len, "* %s left", s->left);
    else if (!s->leaves)
        snprintf(line, len, "* %zu joined (%zu here)", s->joins, here);
    else if (!s->joins)
        snprintf(line, len, "* %zu left (%zu here)", s->leaves, here);
    else
        snprintf(line, len, "* %zu joined, %zu left (%zu here)", s->joins, s->leaves, here);
}

static void on_wake(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_chatserver *s = ud;
    s->wake = 0;
}

static void on_deadline(sp_loop *loop, uint64_t id, void *ud);

/* Arms the timer for the earliest deadline, unless it is armed earlier
 * already (it then finds nothing due and is armed again). */
static void arm_deadlines(sp_chatserver *s)
{
    double at = 0;
    for (int k = 0; k < DL_COUNT; k++) {
        const client *c = s->dl[k].head;
        if (c && (!at || c->dl[k].since + s->dl[k].after < at))
            at = c->dl[k].since + s->dl[k].after;
    }
    if (!at || (s->timer && s->timer_at <= at))
        return;
    if (s->timer)
        sp_loop_cancel(s->loop, s->timer);
    double now = sp_now();
    s->timer_at = at;
    s->timer = sp_loop_timer(s->loop, at > now ? at - now : 0, 0, on_deadline, s);
}

static void on_deadline(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_chatserver *s = ud;
    s->timer = 0;
    double now = sp_now();
    client *c;
    while ((c = s->dl[DL_FRAME].head) && c->dl[DL_FRAME].since + s->dl[DL_FRAME].after <= now) {
        if (c->tls.t && !c->tls.ready)
            kill_client(c, "dropped: the TLS handshake did not complete in %g s (--frame-timeout)",
                        s->dl[DL_FRAME].after);
        else
            kill_client(c, "dropped: a frame did not arrive whole in %g s (%zu bytes received; --frame-timeout)",
                        s->dl[DL_FRAME].after, sp_frame_pending(&c->dec));
    }
    while ((c = s->dl[DL_IDLE].head) && c->dl[DL_IDLE].since + s->dl[DL_IDLE].after <= now)
        kill_client(c, "dropped: nothing received for %g s (--idle-timeout)", s->dl[DL_IDLE].after);
}

/* Before the loop sleeps: the room's notices (welcomes, then one frame per
 * member for the joins and leaves of the iteration), the dead freed, the
 * deadline timer armed. */
static void before_sleep(sp_loop *loop, void *ud)
{
    sp_chatserver *s = ud;
    if (s->cfg.room) {
        s->batch++;
        welcome_fresh(s);
        reap(s);
        if (s->joins || s->leaves) {
            char line[400];
            notice_text(s, line, sizeof line);
            s->joins = s->leaves = 0;
            /* May drop members: they are counted for the next batch. */
            for (client *o = s->head; o; o = o->next)
                if (!o->dead && o->announced && o->welcomed_in != s->batch)
                    send_text(o, line);
        }
    }
    reap(s);
    if (s->leaves && !s->wake)
        s->wake = sp_loop_timer(loop, 0, 0, on_wake, s);
    arm_deadlines(s);
}

static void refuse(sp_chatserver *s, int fd, const char *peer)
{
    char frame[SP_FRAME_HEADER + 16];
    size_t n = sp_frame_encode("server full", 11, frame);
    /* A fresh socket has room for 15 bytes; nothing to wait for. A TLS
     * client could not read a plain frame: it only sees the close. */
    if (!s->cfg.tls && send(fd, frame, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
        /* The peer may be gone already; it is closed either way. */
    }
    shutdown(fd, SHUT_WR);
    close(fd);
    logf_(s, "refused %s: server full (%zu clients, --max-clients %u)", peer, s->nclients, s->cfg.max_clients);
}

static void add_client(sp_chatserver *s, int fd, const char *peer)
{
    client *c = sp_xcalloc(1, sizeof *c);
    c->srv = s;
    c->fd = fd;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    sp_frame_decoder_init(&c->dec, s->cfg.max_frame);
    sp_sock_nodelay(fd);
    if (sp_sock_keepalive(fd, &s->cfg.keepalive) < 0)
        logf_(s, "%s: cannot set keep-alive: %s", peer, strerror(errno));
    if (sp_loop_watch(s->loop, fd, SP_IO_READ, on_client, c) < 0) {
        logf_(s, "%s: cannot watch the connection: %s", peer, strerror(errno));
        close(fd);
        free(c);
        return;
    }
    c->next = s->head;
    if (s->head)
        s->head->prev = c;
    s->head = c;
    s->nclients++;
    logf_(s, "connect %s (%zu client%s)", peer, s->nclients, plural(s->nclients));
    double now = sp_now();
    deadline_restart(s, DL_IDLE, c, now);
    if (s->cfg.tls) {
        c->tls.t = sp_tls_server(s->cfg.tls, fd);
        deadline_restart(s, DL_FRAME, c, now);
        handshake(c);
        return;
    }
    joined(c);
}

static void on_accept(sp_loop *loop, int lfd, unsigned events, void *ud)
{
    (void)loop;
    (void)events;
    sp_chatserver *s = ud;
    for (int i = 0; i < 256; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        bool shed;
        int fd = sp_accept(lfd, &s->spare_fd, &ss, &sl, &shed);
        if (fd < 0)
            return;
        char peer[64];
        sp_sock_addr_str((struct sockaddr *)&ss, peer, sizeof peer);
        if (shed) {
            logf_(s, "out of file descriptors at %zu clients (raise ulimit -n)", s->nclients);
            refuse(s, fd, peer);
            s->spare_fd = sp_spare_fd_open();
            return;
        }
        if (s->nclients - s->ndead >= s->cfg.max_clients)
            refuse(s, fd, peer);
        else
            add_client(s, fd, peer);
    }
}

sp_chatserver *sp_chatserver_new(sp_loop *loop, const sp_chatserver_config *cfg, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    const char *host = cfg->host ? cfg->host : "127.0.0.1";
    if (sp_sock_parse_ip(host, cfg->port, &ss, &sl) < 0) {
        snprintf(err, errlen, "'%s' is not an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::1, ::)", host);
        errno = EINVAL;
        return NULL;
    }
    if (!cfg->room && !cfg->bot) {
        snprintf(err, errlen, "bot mode needs a dictionary");
        errno = EINVAL;
        return NULL;
    }
    sp_chatserver *s = sp_xcalloc(1, sizeof *s);
    s->loop = loop;
    s->cfg = *cfg;
    s->rbuf = sp_xmalloc(READ_BUF);
    if (!s->cfg.max_frame)
        s->cfg.max_frame = SP_MAX_FRAME_DEFAULT;
    size_t frames_need = (size_t)SP_CHAT_MEMORY_FRAMES * (s->cfg.max_frame + SP_FRAME_HEADER);
    if (s->cfg.max_memory && s->cfg.max_memory < frames_need) {
        snprintf(err, errlen, "a memory budget of %zu bytes is too small for frames of %lu bytes (it needs %zu)",
                 s->cfg.max_memory, (unsigned long)s->cfg.max_frame, frames_need);
        free(s->rbuf);
        free(s);
        errno = EINVAL;
        return NULL;
    }
    if (!s->cfg.max_memory)
        s->cfg.max_memory = frames_need > SP_CHAT_MAX_MEMORY_DEFAULT ? frames_need : SP_CHAT_MAX_MEMORY_DEFAULT;
    if (!s->cfg.max_queue) {
        size_t frames = (size_t)SP_CHAT_QUEUE_FRAMES * (s->cfg.max_frame + SP_FRAME_HEADER);
        s->cfg.max_queue = frames > SP_CHAT_MAX_QUEUE_DEFAULT ? frames : SP_CHAT_MAX_QUEUE_DEFAULT;
    }
    s->dl[DL_FRAME].after = s->cfg.frame_timeout > 0 ? s->cfg.frame_timeout : SP_CHAT_FRAME_TIMEOUT_DEFAULT;
    s->dl[DL_IDLE].after = s->cfg.idle_timeout > 0 ? s->cfg.idle_timeout : 0;
    if (!s->cfg.max_clients)
        s->cfg.max_clients = SP_CHAT_MAX_CLIENTS_DEFAULT;
    s->spare_fd = -1;
    s->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int saved;
    if (s->lfd < 0) {
        saved = errno;
        snprintf(err, errlen, "cannot create a socket: %s", strerror(errno));
        goto fail;
    }
    int on = 1;
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    char want[64];
    sp_sock_addr_str((struct sockaddr *)&ss, want, sizeof want);
    if (bind(s->lfd, (struct sockaddr *)&ss, sl) < 0) {
        saved = errno;
        snprintf(err, errlen, "cannot listen on %s: %s%s", want, strerror(errno),
                 errno == EADDRINUSE ? " (another server runs there; pick another --listen port)" : "");
        goto fail;
    }
    if (listen(s->lfd, 4096) < 0) {
        saved = errno;
        snprintf(err, errlen, "cannot listen on %s: %s", want, strerror(errno));
        goto fail;
    }
    sl = sizeof ss;
    getsockname(s->lfd, (struct sockaddr *)&ss, &sl);
    sp_sock_addr_str((struct sockaddr *)&ss, s->addr, sizeof s->addr);
    if (sp_loop_watch(loop, s->lfd, SP_IO_READ, on_accept, s) < 0) {
        saved = errno;
        snprintf(err, errlen, "cannot watch the listening socket: %s", strerror(errno));
        goto fail;
    }
    sp_loop_hook(loop, before_sleep, s);
    s->spare_fd = sp_spare_fd_open();
    return s;
fail:
    if (s->lfd >= 0)
        close(s->lfd);
    free(s->rbuf);
    free(s);
    errno = saved;
    return NULL;
}

void sp_chatserver_stop_accepting(sp_chatserver *s)
{
    if (s->lfd < 0)
        return;
    sp_loop_unwatch(s->loop, s->lfd);
    close(s->lfd);
    s->lfd = -1;
}

void sp_chatserver_free(sp_chatserver *s)
{
    if (!s)
        return;
    sp_chatserver_stop_accepting(s);
    sp_loop_unhook(s->loop, before_sleep, s);
    sp_loop_cancel(s->loop, s->timer);
    sp_loop_cancel(s->loop, s->wake);
    while (s->head) {
        client *c = s->head;
        s->head = c->next;
        if (!c->dead)
            logf_(s, "disconnect %s: server shutting down", c->peer);
        free_client(c);
    }
    if (s->spare_fd >= 0)
        close(s->spare_fd);
    free(s->rbuf);
    free(s);
}

const char *sp_chatserver_address(const sp_chatserver *s) { return s->addr; }

int sp_chatserver_port(const sp_chatserver *s)
{
    const char *colon = strrchr(s->addr, ':');
    return colon ? (int)strtol(colon + 1, NULL, 10) : 0;
}

size_t sp_chatserver_clients(const sp_chatserver *s) { return s->nclients - s->ndead; }

size_t sp_chatserver_buffered(const sp_chatserver *s)
{
    size_t n = 0;
    for (const client *c = s->head; c; c = c->next)
        n += c->out.cap + c->dec.cap;
    return n;
}

int sp_chatserver_client_fd(const sp_chatserver *s, size_t i)
{
    for (const client *c = s->head; c; c = c->next)
        if (!c->dead && i-- == 0)
            return c->fd;
    return -1;
}
