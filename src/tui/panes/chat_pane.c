/* The Chat pane: a client of the framed chat protocol in the shared loop.
 * Layout, top to bottom: the connection state with the mode (bot or room)
 * and keep-alive settings, the scrollback (last 10,000 messages, wrapped,
 * with time, direction and, in bot mode, each reply's round-trip time), a
 * divider with the scroll position, and the input line. In room mode the
 * server's notices (joins, leaves, nicknames) are shown as events and the
 * header has the nickname and how many are here. The input line does not have focus at start, so digits,
 * Space and q keep working as everywhere; Enter, `i` or any printable key
 * that is not a command gives it focus, and Esc leaves it again.
 * Without --chat the pane serves itself: when nothing listens on
 * 127.0.0.1:50007 it runs the bot server there, inside the same loop. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockpit/chat/bot.h"
#include "sockpit/chat/chatclient.h"
#include "sockpit/chat/nick.h"
#include "sockpit/chat/room.h"
#include "sockpit/chat/serve_setup.h"
#include "sockpit/core/mem.h"
#include "sockpit/core/parse.h"
#include "sockpit/core/safetext.h"
#include "sockpit/core/sockopt.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/lineedit.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tls/tls.h"

#define SCROLLBACK 10000
/* The scrollback also keeps at most this much text, oldest dropped first:
 * 10,000 frames of up to --max-frame bytes each would be gigabytes. */
#define SCROLLBACK_BYTES ((size_t)16 * 1024 * 1024)
#define INPUT_MAX ((size_t)64 * 1024)
#define KEY_ESC 27

typedef enum dir { DIR_OUT, DIR_IN, DIR_SYS, DIR_ERR, DIR_EVENT } dir;

typedef struct msg {
    time_t when;
    dir d;
    double rtt;        /* replies: seconds; < 0 none */
    char *text;
    size_t len;
} msg;

typedef struct chat_pane {
    sp_pane base;
    sp_chatclient *cli;
    sp_serve_setup embedded; /* the bot server without --chat (.server NULL: none) */
    char target[300];
    char ka[48];
    char note[600];         /* about the embedded server */

    msg *ring;              /* SCROLLBACK slots */
    size_t head, count;     /* oldest slot, messages held */
    size_t bytes;           /* text held */
    uint64_t total;         /* messages ever added */
    uint64_t frozen_total;  /* while frozen: what is shown */
    size_t scroll;          /* messages hidden below the view */
    size_t unseen;          /* arrived while scrolled up */
    size_t page;            /* messages shown by the last draw */

    sp_lineedit input;
    bool focus;
    long here;              /* room: people here as the server last said, -1: unknown */
    sp_tls_ctx *tls;        /* tls:// target: the client's context; NULL: plain */
    bool tls_wanted;        /* tls:// was asked for (even if its context failed) */
    bool insecure;          /* --tls-insecure */
    char tls_err[400];      /* the context could not be made: why */
    char cert_shown[96];    /* the fingerprint last shown in the scrollback */
} chat_pane;

static chat_pane *CP(sp_pane *p) { return (chat_pane *)p; }

static void dirty(chat_pane *cp) { sp_app_dirty(cp->base.app, &cp->base); }

static void add_msg(chat_pane *cp, dir d, const char *text, size_t len, double rtt)
{
    msg *m;
    while (cp->count && (cp->count == SCROLLBACK || cp->bytes + len > SCROLLBACK_BYTES)) {
        m = &cp->ring[cp->head];
        free(m->text);
        cp->bytes -= m->len;
        cp->head = (cp->head + 1) % SCROLLBACK;
        cp->count--;
    }
    m = &cp->ring[(cp->head + cp->count) % SCROLLBACK];
    /* Frames may hold NUL bytes: copied by length, shown escaped. */
    m->text = sp_xmalloc(len + 1);
    memcpy(m->text, text, len);
    m->text[len] = '\0';
    m->len = len;
    cp->bytes += len;
    m->when = time(NULL);
    m->d = d;
    m->rtt = rtt;
    cp->count++;
    cp->total++;
    /* Keep the view where the reader left it. */
    if (cp->scroll && !cp->base.frozen) {
        cp->scroll++;
        cp->unseen++;
        if (cp->scroll >= cp->count)
            cp->scroll = cp->count - 1;
    }
    dirty(cp);
}

static void add_line(chat_pane *cp, dir d, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_line(chat_pane *cp, dir d, const char *fmt, ...)
{
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above; a clang 14 false positive */
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    add_msg(cp, d, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, -1);
}

static void day(time_t t, char *out, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm);
}

/* The server's certificate, as rows of the scrollback (the text is the
 * server's: the rows are drawn escaped). */
static void show_cert(chat_pane *cp)
{
    const sp_cert_info *ci = sp_chatclient_cert(cp->cli);
    if (!ci) {
        add_line(cp, DIR_SYS, "%s", cp->tls ? "no TLS certificate seen yet" : "not a TLS connection (tls://HOST:PORT)");
        return;
    }
    snprintf(cp->cert_shown, sizeof cp->cert_shown, "%s", ci->sha256);
    char sans[600] = "";
    size_t used = 0;
    for (size_t i = 0; i < ci->nsans && used < sizeof sans - 1; i++)
        used += (size_t)snprintf(sans + used, sizeof sans - used, "%s%s", i ? ", " : "", ci->sans[i]);
    char from[32], to[32];
    day(ci->not_before, from, sizeof from);
    day(ci->not_after, to, sizeof to);
    add_line(cp, DIR_SYS, "certificate: %s", ci->subject);
    add_line(cp, DIR_SYS, "  names: %s", ci->nsans ? sans : "(none)");
    add_line(cp, DIR_SYS, "  issuer: %s%s", ci->issuer, ci->self_signed ? " (self-signed)" : "");
    add_line(cp, DIR_SYS, "  valid: %s to %s", from, to);
    add_line(cp, DIR_SYS, "  SHA-256: %s", ci->sha256);
    if (ci->protocol[0])
        add_line(cp, DIR_SYS, "  %s, %s", ci->protocol, ci->cipher);
    if (ci->verified)
        add_line(cp, DIR_SYS, "  verified");
    else
        add_line(cp, DIR_ERR, "  not verified: %s%s", ci->verify_reason[0] ? ci->verify_reason : "unknown reason",
                 cp->insecure ? " (--tls-insecure: accepted anyway)" : "");
}

/* Once per certificate: a reconnect to the same one adds nothing. */
static void show_new_cert(chat_pane *cp)
{
    const sp_cert_info *ci = sp_chatclient_cert(cp->cli);
    if (ci && strcmp(ci->sha256, cp->cert_shown) != 0)
        show_cert(cp);
}

static void on_state(void *ud, sp_chat_state st, const char *text)
{
    chat_pane *cp = ud;
    switch (st) {
    case SP_CHAT_CONNECTED:
        cp->here = -1;
        add_msg(cp, DIR_SYS, text, strlen(text), -1);
        show_new_cert(cp);
        break;
    case SP_CHAT_RETRY_WAIT:
    case SP_CHAT_FAILED:
        add_msg(cp, DIR_ERR, text, strlen(text), -1);
        show_new_cert(cp);
        break;
    case SP_CHAT_IDLE:
        add_msg(cp, DIR_SYS, text, strlen(text), -1);
        break;
    default:
        break;
    }
    dirty(cp);
}

static void on_message(void *ud, const char *p, size_t n, double rtt)
{
    chat_pane *cp = ud;
    if (!sp_chatclient_room(cp->cli)) {
        add_msg(cp, DIR_IN, p, n, rtt);
        return;
    }
    sp_room_event ev;
    sp_room_parse(p, n, &ev);
    cp->here = sp_room_here_after(cp->here, &ev);
    if (ev.kind == SP_ROOM_MESSAGE)
        add_msg(cp, DIR_IN, p, n, -1);
    else /* the notice without its "* ": the row's mark says it is one */
        add_msg(cp, ev.kind == SP_ROOM_REFUSED ? DIR_ERR : DIR_EVENT, p + 2, n - 2, -1);
}

/* No --chat: run the bot on 127.0.0.1:50007 unless something listens
 * there already (bind fails with EADDRINUSE), then connect to it. */
static void start_embedded(chat_pane *cp, const sp_opts *o)
{
    char err[512];
    sp_serve_settings set = {
        .host = "127.0.0.1", .port = SP_CHAT_DEFAULT_PORT, .builtin_if_unreadable = true,
        .max_frame = o->max_frame, .keepalive = o->keepalive,
    };
    if (sp_serve_set_up(&cp->embedded, sp_app_loop(cp->base.app), &set, err, sizeof err) == 0) {
        size_t bad = cp->embedded.bad_lines;
        snprintf(cp->note, sizeof cp->note, "embedded bot: %s, %zu questions%s",
                 cp->embedded.dict_path[0] ? "chatbot.tsv" : "the built-in dictionary (no chatbot.tsv found)",
                 sp_bot_size(cp->embedded.bot), bad ? ", some lines skipped" : "");
        if (bad)
            sp_app_error(cp->base.app, "chat bot: %zu bad line%s in %s skipped (run 'sockpit serve' to see them)", bad,
                         bad == 1 ? "" : "s", cp->embedded.dict_path);
    } else if (cp->embedded.in_use) {
        snprintf(cp->note, sizeof cp->note, "a server already listens on 127.0.0.1:%d", SP_CHAT_DEFAULT_PORT);
    } else {
        snprintf(cp->note, sizeof cp->note, "embedded bot failed: %s", err);
    }
}

static sp_pane *create(sp_app *app)
{
    chat_pane *cp = sp_xcalloc(1, sizeof *cp);
    cp->ring = sp_xcalloc(SCROLLBACK, sizeof *cp->ring);
    cp->base.app = app;
    sp_lineedit_init(&cp->input, INPUT_MAX, 200);
    const sp_opts *o = sp_app_opts(app);
    sp_keepalive_str(&o->keepalive, cp->ka, sizeof cp->ka);
    char host[256] = "127.0.0.1";
    int port = SP_CHAT_DEFAULT_PORT;
    cp->here = -1;
    if (o->chat) {
        char why[300];
        cp->tls_wanted = strncmp(o->chat, "tls://", 6) == 0;
        const char *hp = cp->tls_wanted ? o->chat + 6 : o->chat;
        if (sp_parse_hostport(hp, 0, host, sizeof host, &port, why, sizeof why) < 0)
            snprintf(host, sizeof host, "127.0.0.1");
    } else {
        start_embedded(cp, o);
    }
    snprintf(cp->target, sizeof cp->target, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
    char why[120];
    if (o->nick && !sp_nick_check(o->nick, strlen(o->nick), why, sizeof why)) {
        char nick[200];
        sp_escape(o->nick, strlen(o->nick), nick, sizeof nick);
        sp_app_error(app, "nick '%s' not used: %s", nick, why);
    }
    if (cp->tls_wanted) {
        cp->insecure = o->tls_insecure;
        cp->tls = sp_tls_client_ctx(o->tls_ca, o->tls_insecure ? SP_TLS_INSECURE : SP_TLS_VERIFY, cp->tls_err,
                                    sizeof cp->tls_err);
    } else if (o->tls_ca || o->tls_insecure) {
        sp_app_error(app, "--%s is for a tls:// chat server: not used for %s (write --chat tls://%s)",
                     o->tls_ca ? "tls-ca" : "tls-insecure", cp->target, cp->target);
    }
    sp_chatclient_config cfg = {
        .host = host, .port = port, .keepalive = o->keepalive, .max_frame = o->max_frame, .reconnect = true,
        .room = o->chat_room, .nick = o->nick, .tls = cp->tls,
    };
    static const sp_chatclient_cbs cbs = { on_state, on_message };
    cp->cli = sp_chatclient_new(sp_app_loop(app), sp_app_dns(app), &cfg, &cbs, cp);
    if (cp->tls_wanted && !cp->tls)
        add_line(cp, DIR_ERR, "TLS: %s (fix --tls-ca and start again)", cp->tls_err);
    else
        sp_chatclient_connect(cp->cli);
    return &cp->base;
}

static void destroy(sp_pane *p)
{
    chat_pane *cp = CP(p);
    sp_chatclient_free(cp->cli);
    sp_tls_ctx_free(cp->tls);
    sp_serve_tear_down(&cp->embedded);
    for (size_t i = 0; i < cp->count; i++)
        free(cp->ring[(cp->head + i) % SCROLLBACK].text);
    free(cp->ring);
    sp_lineedit_free(&cp->input);
    free(cp);
}

/* ---- drawing ---- */

/* Bytes of s that fit in width columns as ui_text shows them (at least one
 * character, so wrapping always moves on). */
static size_t fit(const char *s, size_t len, int width)
{
    size_t i = 0, after_space = 0;
    int cols = 0, space_cols = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_decode(s + i, len - i, &cp);
        char esc[16];
        size_t e = sp_escape(s + i, n, esc, sizeof esc);
        int w = (int)sp_text_width(esc, e < sizeof esc ? e : sizeof esc - 1);
        if (cols + w > width && i > 0) {
            /* Break after the last blank, unless that leaves the row less
             * than half full (a long word or CJK text: break anywhere). */
            if (after_space && space_cols * 2 >= width)
                return after_space;
            break;
        }
        cols += w;
        i += n;
        if (cp == ' ') {
            after_space = i;
            space_cols = cols;
        }
    }
    return i;
}

#define PREFIX 11 /* "HH:MM:SS → " */

static void rtt_text(const msg *m, char *out, size_t outlen)
{
    out[0] = '\0';
    if (m->d != DIR_IN || m->rtt < 0)
        return;
    if (m->rtt < 1)
        snprintf(out, outlen, "  %.2f ms", m->rtt * 1000);
    else
        snprintf(out, outlen, "  %.2f s", m->rtt);
}

/* Width for a message's text: a reply's round-trip time is kept free at
 * the end of every row, so it never wraps onto a row of its own. */
static int text_width(const char *rt, int width)
{
    int rw = (int)strlen(rt);
    return rt[0] && width - rw >= 10 ? width - rw : width;
}

/* Rows msg m takes at the given text width, at most cap. */
static int msg_rows(const msg *m, int width, int cap)
{
    if (width < 1)
        return 1;
    char rt[32];
    rtt_text(m, rt, sizeof rt);
    int tw = text_width(rt, width);
    int rows = 0;
    size_t i = 0;
    do {
        i += fit(m->text + i, m->len - i, tw);
        rows++;
    } while (i < m->len && rows < cap);
    return rows;
}

/* Draws msg m from its row `skip` on, at screen rows y..y+avail-1. */
static void draw_msg(WINDOW *w, const msg *m, int y, int skip, int avail, int width, int cap)
{
    static const char *arrows[] = { "\xe2\x86\x92", "\xe2\x86\x90", "\xc2\xb7", "!", "*" };
    static const sp_style styles[] = { SP_STYLE_ACCENT, SP_STYLE_NORMAL, SP_STYLE_DIM, SP_STYLE_BAD, SP_STYLE_WARN };
    char rt[32];
    rtt_text(m, rt, sizeof rt);
    int tw = text_width(rt, width);
    size_t i = 0;
    int row = 0, lastw = 0;
    attr_t a = ui_attr(styles[m->d]);
    do {
        size_t n = fit(m->text + i, m->len - i, tw);
        bool more = i + n < m->len;
        if (row + 1 == cap && more) {
            /* The message is cut here: show that it goes on. */
            n = fit(m->text + i, m->len - i, tw - 1);
        }
        if (row >= skip && row - skip < avail) {
            int yy = y + row - skip;
            if (row == 0) {
                char ts[16];
                struct tm tm;
                localtime_r(&m->when, &tm);
                strftime(ts, sizeof ts, "%H:%M:%S", &tm);
                ui_text(w, yy, 0, 9, ts, (size_t)-1, ui_attr(SP_STYLE_DIM), true);
                ui_text(w, yy, 9, 2, arrows[m->d], (size_t)-1, a, false);
            }
            lastw = ui_text(w, yy, PREFIX, tw, m->text + i, n, m->d == DIR_IN ? A_NORMAL : a, false);
            if (row + 1 == cap && more)
                ui_text(w, yy, PREFIX + lastw, 1, "\xe2\x80\xa6", (size_t)-1, ui_attr(SP_STYLE_DIM), false);
        } else {
            lastw = (int)sp_text_width(m->text + i, n);
        }
        i += n;
        row++;
    } while (i < m->len && row < cap);
    if (!rt[0] || i < m->len)
        return;
    row--;
    if (row >= skip && row - skip < avail)
        ui_text(w, y + row - skip, PREFIX + lastw, width - lastw, rt, (size_t)-1, ui_attr(SP_STYLE_DIM), false);
}

static size_t visible_count(const chat_pane *cp)
{
    if (!cp->base.frozen)
        return cp->count;
    uint64_t hidden = cp->total - cp->frozen_total;
    return hidden >= cp->count ? 0 : cp->count - (size_t)hidden;
}

static void draw_state(chat_pane *cp, WINDOW *w, int width)
{
    sp_chat_state st = sp_chatclient_state(cp->cli);
    sp_style s = st == SP_CHAT_CONNECTED ? SP_STYLE_GOOD
                 : st == SP_CHAT_RESOLVING || st == SP_CHAT_CONNECTING ? SP_STYLE_WARN
                 : st == SP_CHAT_IDLE ? SP_STYLE_DIM : SP_STYLE_BAD;
    static const char *const names[] = { "IDLE", "RESOLVING", "CONNECTING", "CONNECTED", "RETRYING", "FAILED" };
    char tag[24];
    snprintf(tag, sizeof tag, " %s ", names[st]);
    int x = ui_text(w, 0, 0, width, tag, (size_t)-1, ui_attr(s) | A_REVERSE | A_BOLD, false);
    bool room = sp_chatclient_room(cp->cli);
    x += ui_text(w, 0, x, width - x, room ? " ROOM " : " BOT ", (size_t)-1, ui_attr(SP_STYLE_ACCENT) | A_BOLD,
                 false);
    if (cp->tls_wanted && cp->insecure) {
        x += ui_text(w, 0, x, width - x, "TLS INSECURE", (size_t)-1, ui_attr(SP_STYLE_BAD) | A_REVERSE | A_BOLD,
                     false);
        x += ui_text(w, 0, x, width - x, " ", 1, A_NORMAL, false);
    } else if (cp->tls_wanted)
        x += ui_text(w, 0, x, width - x, "TLS ", (size_t)-1, ui_attr(SP_STYLE_GOOD) | A_BOLD, false);
    x += ui_text(w, 0, x, width - x, sp_chatclient_text(cp->cli), (size_t)-1, ui_attr(s), false);
    char extra[700];
    size_t inflight = sp_chatclient_in_flight(cp->cli);
    if (room) {
        const char *nick = sp_chatclient_nick(cp->cli);
        char here[32] = "";
        if (cp->here >= 0 && st == SP_CHAT_CONNECTED)
            snprintf(here, sizeof here, " \xc2\xb7 %ld here", cp->here);
        /* A nickname is checked when set: it has nothing to escape. */
        snprintf(extra, sizeof extra, " \xc2\xb7 %s%s%s \xc2\xb7 %s", nick ? "nick " : "no nick (/nick NAME)",
                 nick ? nick : "", here, cp->ka);
    } else if (inflight) {
        snprintf(extra, sizeof extra, " \xc2\xb7 %zu in flight \xc2\xb7 %s", inflight, cp->ka);
    } else {
        snprintf(extra, sizeof extra, " \xc2\xb7 %s", cp->ka);
    }
    x += ui_text(w, 0, x, width - x, extra, (size_t)-1, ui_attr(SP_STYLE_DIM), false);
    if (cp->note[0]) {
        snprintf(extra, sizeof extra, " \xc2\xb7 %s", cp->note);
        ui_text(w, 0, x, width - x, extra, (size_t)-1, ui_attr(SP_STYLE_DIM), false);
    }
}

static void draw_input(chat_pane *cp, WINDOW *w, int y, int width)
{
    attr_t pa = cp->focus ? A_BOLD : ui_attr(SP_STYLE_DIM);
    ui_text(w, y, 0, 2, "> ", 2, pa, false);
    int avail = width - 3;
    if (avail < 1)
        return;
    const char *text = cp->input.buf;
    /* Scroll the field so the cursor stays visible: walk back from the
     * cursor one character at a time until the field is full, so a pasted
     * line of any length costs only what is on screen. */
    size_t skip = cp->input.cursor, cols = 0;
    while (skip > 0) {
        size_t start = skip - 1;
        while (start > 0 && ((unsigned char)text[start] & 0xc0) == 0x80)
            start--;
        size_t w1 = sp_text_width(text + start, skip - start);
        if (cols + w1 >= (size_t)avail)
            break;
        cols += w1;
        skip = start;
    }
    if (cp->input.len == 0 && !cp->focus)
        ui_text(w, y, 2, avail, "press i or Enter to type a message", (size_t)-1, ui_attr(SP_STYLE_DIM), false);
    else
        ui_text(w, y, 2, avail, text + skip, cp->input.len - skip, A_NORMAL, false);
    if (cp->focus)
        wmove(w, y, 2 + (int)cols);
}

static void draw(sp_pane *p, WINDOW *w)
{
    chat_pane *cp = CP(p);
    werase(w);
    int h, width;
    getmaxyx(w, h, width);
    if (h < 4 || width < 20)
        return;
    draw_state(cp, w, width);
    int top = 1, rows = h - 3;
    int tw = width - PREFIX;
    size_t n = visible_count(cp);
    if (cp->scroll >= n)
        cp->scroll = n ? n - 1 : 0;
    /* Walk up from the newest shown message until the rows are full. */
    size_t first = n - cp->scroll; /* one past the bottom message */
    int used = 0;
    size_t i = first;
    while (i > 0 && used < rows) {
        used += msg_rows(&cp->ring[(cp->head + i - 1) % SCROLLBACK], tw, rows);
        i--;
    }
    cp->page = first - i;
    int y = top;
    int skip = used > rows ? used - rows : 0;
    for (size_t k = i; k < first; k++) {
        const msg *m = &cp->ring[(cp->head + k) % SCROLLBACK];
        int mr = msg_rows(m, tw, rows);
        draw_msg(w, m, y, skip, rows - (y - top), tw, rows);
        y += mr - skip;
        skip = 0;
    }
    if (n == 0)
        ui_text(w, top, 0, width,
                sp_chatclient_room(cp->cli)
                    ? "No messages yet. Type to talk to the room; /nick NAME sets your name; m: bot mode."
                    : "No messages yet. Type a question and press Enter; 'bye' ends the session.",
                (size_t)-1, ui_attr(SP_STYLE_DIM), false);
    /* The divider: where the view is, and what the keys do. */
    char div[200];
    if (cp->scroll)
        snprintf(div, sizeof div, "\xe2\x94\x80 %zu message%s below%s (PgDn) ", cp->scroll,
                 cp->scroll == 1 ? "" : "s", cp->unseen ? ", new ones among them" : "");
    else
        snprintf(div, sizeof div, "\xe2\x94\x80 %zu message%s%s ", n, n == 1 ? "" : "s",
                 cp->focus ? " \xc2\xb7 Enter send \xc2\xb7 Esc leave input \xc2\xb7 PgUp/PgDn scroll"
                           : " \xc2\xb7 c reconnect \xc2\xb7 d disconnect \xc2\xb7 m mode \xc2\xb7 i type");
    ui_fill(w, h - 2, 0, width, ui_attr(SP_STYLE_DIM));
    ui_text(w, h - 2, 0, width, div, (size_t)-1, ui_attr(SP_STYLE_DIM), false);
    draw_input(cp, w, h - 1, width);
}

/* ---- keys ---- */

static void scroll_by(chat_pane *cp, long d)
{
    size_t n = visible_count(cp);
    long s = (long)cp->scroll + d;
    if (s < 0)
        s = 0;
    if (n && s > (long)n - 1)
        s = (long)n - 1;
    cp->scroll = (size_t)s;
    if (cp->scroll == 0)
        cp->unseen = 0;
}

static void send_input(chat_pane *cp)
{
    if (cp->input.len == 0)
        return;
    sp_chat_state st = sp_chatclient_state(cp->cli);
    if (st != SP_CHAT_CONNECTED) {
        sp_app_error(cp->base.app, "not connected (%s): Esc then c reconnects; the message is kept",
                     sp_chatclient_text(cp->cli));
        return;
    }
    const char *t = cp->input.buf;
    size_t len = cp->input.len;
    if (sp_chatclient_send(cp->cli, t, len) < 0) {
        sp_app_error(cp->base.app, "cannot send: %s", sp_chatclient_text(cp->cli));
        return;
    }
    add_msg(cp, DIR_OUT, t, len, -1);
    sp_lineedit_remember(&cp->input, t);
    sp_lineedit_clear(&cp->input);
    cp->scroll = 0;
    cp->unseen = 0;
}

/* Scrolls by the key: a page, three lines for the wheel, a message, or to
 * either end. */
static sp_redraw act_scroll(void *ud, const sp_key *k)
{
    chat_pane *cp = ud;
    long page = cp->page > 1 ? (long)cp->page - 1 : 1, all = (long)visible_count(cp);
    sp_nav nav;
    if (k->fn && k->code == SP_KEY_WHEEL_UP)
        scroll_by(cp, 3);
    else if (k->fn && k->code == SP_KEY_WHEEL_DOWN)
        scroll_by(cp, -3);
    else if (sp_key_nav(k, &nav))
        scroll_by(cp, nav == SP_NAV_UP ? 1 : nav == SP_NAV_DOWN ? -1 : nav == SP_NAV_PGUP ? page
                      : nav == SP_NAV_PGDN ? -page : nav == SP_NAV_HOME ? all : -all);
    return SP_REDRAW_BODY;
}

static sp_redraw act_send(void *ud, const sp_key *k)
{
    (void)k;
    send_input(ud);
    return SP_REDRAW_BODY;
}

static sp_redraw act_leave(void *ud, const sp_key *k)
{
    (void)k;
    ((chat_pane *)ud)->focus = false;
    return SP_REDRAW_BODY | SP_REDRAW_HINTS;
}

static sp_redraw act_edit(void *ud, const sp_key *k)
{
    chat_pane *cp = ud;
    sp_edit_op op;
    uint32_t c;
    if (!sp_key_edit(k, &op, &c))
        return SP_REDRAW_PASS;
    sp_lineedit_apply(&cp->input, op, c);
    return SP_REDRAW_BODY;
}

static sp_redraw act_type(void *ud, const sp_key *k)
{
    (void)k;
    ((chat_pane *)ud)->focus = true;
    return SP_REDRAW_BODY | SP_REDRAW_HINTS;
}

/* Any other character starts a message with it. */
static sp_redraw act_start_typing(void *ud, const sp_key *k)
{
    chat_pane *cp = ud;
    cp->focus = true;
    sp_lineedit_apply(&cp->input, SP_EDIT_INSERT, (uint32_t)k->code);
    return SP_REDRAW_BODY | SP_REDRAW_HINTS;
}

static sp_redraw act_cert(void *ud, const sp_key *k)
{
    (void)k;
    show_cert(ud);
    return SP_REDRAW_BODY;
}

static sp_redraw act_reconnect(void *ud, const sp_key *k)
{
    (void)k;
    chat_pane *cp = ud;
    if (cp->tls_wanted && !cp->tls) {
        sp_app_error(cp->base.app, "TLS: %s", cp->tls_err);
        return SP_REDRAW_BODY;
    }
    sp_chatclient_connect(cp->cli);
    sp_app_status(cp->base.app, "reconnecting to %s", cp->target);
    return SP_REDRAW_BODY;
}

static sp_redraw act_disconnect(void *ud, const sp_key *k)
{
    (void)k;
    chat_pane *cp = ud;
    if (sp_chatclient_state(cp->cli) != SP_CHAT_IDLE)
        sp_chatclient_disconnect(cp->cli, "disconnected (c reconnects)");
    return SP_REDRAW_BODY;
}

static sp_redraw act_mode(void *ud, const sp_key *k)
{
    (void)k;
    chat_pane *cp = ud;
    bool room = !sp_chatclient_room(cp->cli);
    sp_chatclient_set_room(cp->cli, room);
    const char *t = room ? "room mode: frames are what others say (no replies awaited)"
                         : "bot mode: each message awaits its reply";
    add_msg(cp, DIR_SYS, t, strlen(t), -1);
    return SP_REDRAW_BODY;
}

static bool text_focus(sp_pane *p) { return CP(p)->focus; }

static void freeze(sp_pane *p, bool frozen)
{
    chat_pane *cp = CP(p);
    if (frozen)
        cp->frozen_total = cp->total;
    else
        cp->scroll = 0;
}

#define T SP_WHEN_TYPING
#define B SP_WHEN_BROWSING

/* Typing: the input line has the keys; browsing: the shell's and these. */
static const sp_binding keymap[] = {
    { { '\r', '\n', SP_FN(KEY_ENTER) }, "Enter", "in the input line: send the message", "Send", NULL, 1, T, act_send },
    { { KEY_ESC }, "Esc", "leave the input line, so the keys below work", "Leave", NULL, 2, T, act_leave },
    { { SP_FN(KEY_LEFT), SP_FN(KEY_RIGHT), SP_FN(KEY_HOME), SP_FN(KEY_END) }, "Left Right Home End",
      "move in the input line (^B ^F ^A ^E too)", NULL, NULL, 0, T, act_edit },
    { { SP_CTRL('b'), SP_CTRL('f'), SP_CTRL('a'), SP_CTRL('e') }, "^B ^F ^A ^E", NULL, NULL, NULL, 0, T, act_edit },
    { { SP_FN(KEY_UP), SP_FN(KEY_DOWN) }, "Up Down", "in the input line: the messages sent before", NULL, NULL, 0, T,
      act_edit },
    { { SP_FN(KEY_BACKSPACE), 0x7f, SP_FN(KEY_DC), SP_CTRL('d') }, "Bksp Del",
      "delete the character before / under the cursor", NULL, NULL, 0, T, act_edit },
    { { SP_CTRL('h') }, "^H", NULL, NULL, NULL, 0, T, act_edit },
    { { SP_CTRL('u'), SP_CTRL('w') }, "^U ^W", "delete to the start of the line / a word", NULL, NULL,
      0, T, act_edit },
    { { SP_KEY_TEXT }, "other keys", "are typed into the input line", NULL, NULL, 0, T, act_edit },
    { { SP_FN(KEY_PPAGE), SP_FN(KEY_NPAGE), SP_FN(SP_KEY_WHEEL_UP), SP_FN(SP_KEY_WHEEL_DOWN) }, "PgUp PgDn",
      "scroll the messages, also while typing (the wheel too)", "Scroll", NULL, 3, SP_WHEN_ALWAYS, act_scroll },
    { { 'i', 'a', '\r', SP_FN(KEY_ENTER) }, "i a Enter", "type a message (so does any other letter)", "Type", "i", 1,
      B, act_type },
    { { '\n' }, "Enter", NULL, NULL, NULL, 0, B, act_type },
    { { SP_FN(KEY_UP), SP_FN(KEY_DOWN), 'k', 'j' }, "Up Down j k", "scroll a message up / down", NULL, NULL, 0, B,
      act_scroll },
    { { SP_FN(KEY_HOME), SP_FN(KEY_END), 'g', 'G' }, "Home End g G", "the oldest / newest messages", NULL, NULL, 0, B,
      act_scroll },
    { { 'c' }, "c", "reconnect now", "Reconnect", NULL, 4, B, act_reconnect },
    { { 'd' }, "d", "disconnect", "Disconnect", NULL, 5, B, act_disconnect },
    { { 'm' }, "m", "switch bot mode (replies, round trips) / room mode", "Mode",
      NULL, 6, B, act_mode },
    { { 'v' }, "v", "show the server's TLS certificate again", NULL, NULL,
      0, B, act_cert },
    { { SP_KEY_TEXT }, "other keys", NULL, NULL, NULL, 0, B, act_start_typing },
    { { 0 }, "bye", "as a message: the server answers, then the connection closes", NULL, NULL, 0, SP_WHEN_ALWAYS,
      NULL },
    { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

const sp_pane_ops sp_chat_pane = {
    .name = "chat", .title = "Chat", .create = create, .destroy = destroy, .draw = draw,
    .text_focus = text_focus, .freeze = freeze, .keymap = keymap,
};
