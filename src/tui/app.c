/* The TUI shell: terminal set-up and tear-down, layout, the tab bar, status
 * line and hint bar, and key routing between the panes, the prompts
 * (prompt.c) and the overlays (overlay.c). Drawing happens once per loop
 * iteration, in a hook before the loop sleeps, and only for the parts
 * marked dirty. */
#include "sockpit/tui/app.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sockpit/core/report.h"
#include "sockpit/tui/keys.h"
#include "sockpit/tui/overlay.h"
#include "sockpit/tui/prompt.h"

#define NPANES 4
#define MIN_COLS 40
#define MIN_ROWS 10

static const sp_pane_ops *const pane_ops[NPANES] = {
    &sp_services_pane, &sp_hosts_pane, &sp_watch_pane, &sp_chat_pane,
};

struct sp_app {
    sp_opts *opts;
    sp_loop *loop;
    sp_dns *dns;
    SCREEN *screen;
    sp_pane *panes[NPANES];
    int active;

    WINDOW *tabs, *body, *status, *hints, *input;
    int rows, cols;
    bool too_small;
    bool dirty_tabs, dirty_body, dirty_status, dirty_hints, dirty_all;

    char msg[512];
    bool msg_error;
    uint64_t msg_timer;
    uint64_t settle_timer; /* the full repaint after a burst of resizes */

    sp_prompt prompt;
    char filter[256]; /* the text of the shell's own `/` prompt */
    sp_overlay ov;

    int exit_code;
};

/* ---- what panes may ask ---- */

sp_loop *sp_app_loop(sp_app *app) { return app->loop; }
sp_dns *sp_app_dns(sp_app *app) { return app->dns; }
const sp_opts *sp_app_opts(sp_app *app) { return app->opts; }

void sp_app_dirty(sp_app *app, sp_pane *p)
{
    if (app->panes[app->active] == p && !p->frozen)
        app->dirty_body = true;
}

static void clear_msg(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_app *app = ud;
    app->msg[0] = '\0';
    app->msg_timer = 0;
    app->dirty_status = true;
}

__attribute__((format(printf, 3, 0))) static void set_msg(sp_app *app, bool error, const char *fmt, va_list ap)
{
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): ap is started by our caller; clang 14 cannot see it */
    vsnprintf(app->msg, sizeof app->msg, fmt, ap);
    app->msg_error = error;
    app->dirty_status = true;
    if (app->msg_timer)
        sp_loop_cancel(app->loop, app->msg_timer);
    app->msg_timer = sp_loop_timer(app->loop, error ? 8.0 : 4.0, 0, clear_msg, app);
}

void sp_app_status(sp_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(app, false, fmt, ap);
    va_end(ap);
}

void sp_app_error(sp_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_msg(app, true, fmt, ap);
    va_end(ap);
}

void sp_app_prompt(sp_app *app, const char *label, const char *initial, const sp_prompt_cbs *cbs, void *ud)
{
    sp_prompt_open(&app->prompt, label, initial, cbs, ud);
    app->dirty_status = true;
}

void sp_app_confirm(sp_app *app, const char *question, void (*yes)(void *ud), void *ud)
{
    sp_prompt_ask(&app->prompt, question, yes, ud);
    app->dirty_status = true;
}

void sp_app_box(sp_app *app, const char *title, const char *const *lines, size_t n)
{
    sp_overlay_box(&app->ov, title, lines, n);
    app->dirty_body = true;
}

/* ---- layout and drawing ---- */

static void del_windows(sp_app *app)
{
    WINDOW **ws[] = { &app->tabs, &app->body, &app->status, &app->hints };
    for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
        if (*ws[i]) {
            delwin(*ws[i]);
            *ws[i] = NULL;
        }
    }
    sp_overlay_drop_window(&app->ov);
}

static void layout(sp_app *app)
{
    del_windows(app);
    getmaxyx(stdscr, app->rows, app->cols);
    app->too_small = app->rows < MIN_ROWS || app->cols < MIN_COLS;
    app->dirty_all = true;
    if (app->too_small)
        return;
    app->tabs = newwin(1, app->cols, 0, 0);
    app->body = newwin(app->rows - 3, app->cols, 1, 0);
    app->status = newwin(1, app->cols, app->rows - 2, 0);
    app->hints = newwin(1, app->cols, app->rows - 1, 0);
    if (!app->tabs || !app->body || !app->status || !app->hints) {
        del_windows(app);
        app->too_small = true;
    }
}

static void draw_too_small(sp_app *app)
{
    werase(stdscr);
    static const char msg[] = "terminal too small";
    char need[64];
    snprintf(need, sizeof need, "need %dx%d, have %dx%d", MIN_COLS, MIN_ROWS, app->cols, app->rows);
    int y = app->rows / 2;
    int x = app->cols > (int)sizeof msg ? (app->cols - (int)sizeof msg + 1) / 2 : 0;
    ui_text(stdscr, y, x, app->cols - x, msg, (size_t)-1, A_BOLD, false);
    ui_text(stdscr, y + 1, 0, app->cols, need, (size_t)-1, A_NORMAL, false);
    wnoutrefresh(stdscr);
}

static void draw_tabs(sp_app *app)
{
    WINDOW *w = app->tabs;
    ui_fill(w, 0, 0, app->cols, ui_attr(SP_STYLE_TAB));
    int x = 0;
    for (int i = 0; i < NPANES; i++) {
        char label[64];
        /* Brackets mark the active tab without color too, as tmux's '*'. */
        snprintf(label, sizeof label, i == app->active ? "[%d %s]" : " %d %s ", i + 1, pane_ops[i]->title);
        attr_t a = ui_attr(i == app->active ? SP_STYLE_TAB_ACTIVE : SP_STYLE_TAB);
        x += ui_text(w, 0, x, app->cols - x, label, (size_t)-1, a, false);
        x += ui_text(w, 0, x, app->cols - x, " ", 1, ui_attr(SP_STYLE_TAB), false);
    }
    if (app->panes[app->active] && app->panes[app->active]->frozen) {
        static const char fz[] = " FROZEN ";
        int fx = app->cols - (int)sizeof fz;
        if (fx > x)
            ui_text(w, 0, fx, (int)sizeof fz - 1, fz, (size_t)-1, ui_attr(SP_STYLE_FROZEN), false);
    }
    wnoutrefresh(w);
}

static void draw_status(sp_app *app)
{
    WINDOW *w = app->status;
    werase(w);
    /* An open prompt or question has the line. */
    if (!sp_prompt_draw(&app->prompt, w, app->cols)) {
        if (app->msg[0])
            ui_text(w, 0, 0, app->cols, app->msg, (size_t)-1,
                    ui_attr(app->msg_error ? SP_STYLE_BAD : SP_STYLE_NORMAL), false);
        else if (app->filter[0])
            ui_textf(w, 0, 0, app->cols, ui_attr(SP_STYLE_DIM), "filter: %s  (/ to edit, Esc to clear)",
                     app->filter);
    }
    wnoutrefresh(w);
}

static int hint(WINDOW *w, int x, int maxx, const char *key, const char *text)
{
    if (x >= maxx)
        return x;
    x += ui_text(w, 0, x, maxx - x, key, (size_t)-1, ui_attr(SP_STYLE_HINT_KEY), false);
    x += ui_text(w, 0, x, maxx - x, text, (size_t)-1, ui_attr(SP_STYLE_HINT_TEXT), false);
    return x + ui_text(w, 0, x, maxx - x, " ", 1, A_NORMAL, false);
}

static bool pane_has_focus(sp_app *app)
{
    sp_pane *p = app->panes[app->active];
    return p && p->ops->text_focus && p->ops->text_focus(p);
}

static void draw_hints(sp_app *app)
{
    WINDOW *w = app->hints;
    werase(w);
    int x = 0, m = app->cols;
    if (app->prompt.line_on) {
        x = hint(w, x, m, "Enter", "OK");
        x = hint(w, x, m, "Esc", "Cancel");
        hint(w, x, m, "^U", "Clear");
    } else if (app->ov.kind != SP_OVERLAY_NONE) {
        x = hint(w, x, m, "Esc", "Close");
        hint(w, x, m, "\xe2\x86\x91\xe2\x86\x93", "Scroll");
    } else {
        x = hint(w, x, m, "F1", "Help");
        x = hint(w, x, m, "Tab", "Pane");
        const sp_pane *p = app->panes[app->active];
        if (!pane_has_focus(app)) {
            if (p && p->ops->filter)
                x = hint(w, x, m, "/", "Filter");
            x = hint(w, x, m, "Spc", p && p->frozen ? "Thaw" : "Freeze");
        }
        bool focus = pane_has_focus(app);
        for (const sp_keyhelp *k = p ? p->ops->keys : NULL; k && k->key; k++)
            if (k->hint && (k->when == SP_KEYS_ALWAYS || (k->when == SP_KEYS_TYPING) == focus))
                x = hint(w, x, m, k->key, k->hint);
        hint(w, x, m, "F10", "Quit");
    }
    wnoutrefresh(w);
}

static const sp_keyhelp global_keys[] = {
    { "1-4, Alt-1..4", "switch to pane 1-4", NULL, SP_KEYS_ALWAYS },
    { "Tab / Shift-Tab", "next / previous pane", NULL, SP_KEYS_ALWAYS },
    { "Space", "freeze or thaw the live updates of this pane", NULL, SP_KEYS_ALWAYS },
    { "/", "filter the list (Esc clears)", NULL, SP_KEYS_ALWAYS },
    { "Up Down j k", "move the selection", NULL, SP_KEYS_ALWAYS },
    { "PgUp PgDn", "page up / down", NULL, SP_KEYS_ALWAYS },
    { "Home End g G", "first / last row", NULL, SP_KEYS_ALWAYS },
    { "? F1", "this help", NULL, SP_KEYS_ALWAYS },
    { "q F10", "quit", NULL, SP_KEYS_ALWAYS },
    { NULL, NULL, NULL, SP_KEYS_ALWAYS },
};

static void draw(sp_loop *loop, void *ud)
{
    (void)loop;
    sp_app *app = ud;
    if (!app->dirty_all && !app->dirty_tabs && !app->dirty_body && !app->dirty_status && !app->dirty_hints)
        return;
    if (app->too_small) {
        draw_too_small(app);
    } else {
        if (app->dirty_all) {
            werase(stdscr);
            wnoutrefresh(stdscr);
        }
        if (app->dirty_all || app->dirty_tabs)
            draw_tabs(app);
        if (app->dirty_all || app->dirty_hints)
            draw_hints(app);
        sp_pane *p = app->panes[app->active];
        if (app->dirty_all || app->dirty_body) {
            p->ops->draw(p, app->body);
            wnoutrefresh(app->body);
            if (app->ov.kind != SP_OVERLAY_NONE)
                sp_overlay_draw(&app->ov, app->body, p->ops->keys, global_keys);
        }
        bool typing = app->prompt.line_on;
        bool field = typing || (pane_has_focus(app) && app->ov.kind == SP_OVERLAY_NONE && !app->prompt.confirm_on);
        curs_set(field ? 1 : 0);
        if (app->dirty_all || app->dirty_status || typing)
            draw_status(app);
        /* The last window refreshed places the cursor. */
        if (field && !typing)
            wnoutrefresh(app->body);
    }
    doupdate();
    app->dirty_all = app->dirty_tabs = app->dirty_body = app->dirty_status = app->dirty_hints = false;
}

/* ---- key routing ---- */

static void switch_pane(sp_app *app, int i)
{
    if (i == app->active || i < 0 || i >= NPANES)
        return;
    sp_prompt_dismiss(&app->prompt);
    sp_overlay_hide(&app->ov);
    sp_pane *old = app->panes[app->active];
    if (old->ops->visible)
        old->ops->visible(old, false);
    app->active = i;
    app->filter[0] = '\0';
    /* A message belongs to the pane that gave it. */
    app->msg[0] = '\0';
    sp_pane *p = app->panes[i];
    if (p->ops->visible)
        p->ops->visible(p, true);
    app->dirty_all = true;
}

static void toggle_freeze(sp_app *app)
{
    sp_pane *p = app->panes[app->active];
    p->frozen = !p->frozen;
    if (p->ops->freeze)
        p->ops->freeze(p, p->frozen);
    sp_app_status(app, p->frozen ? "%s frozen: Space to resume live updates" : "%s live again",
                  p->ops->title);
    app->dirty_tabs = app->dirty_hints = app->dirty_body = true;
}

static void filter_change(void *ud, const char *text)
{
    sp_app *app = ud;
    sp_pane *p = app->panes[app->active];
    snprintf(app->filter, sizeof app->filter, "%s", text);
    p->ops->filter(p, text);
    app->dirty_body = true;
}

static void filter_submit(void *ud, const char *text)
{
    sp_app *app = ud;
    sp_pane *p = app->panes[app->active];
    if (p->ops->filter_submit)
        p->ops->filter_submit(p, text);
    app->dirty_body = app->dirty_status = true;
}

static void filter_cancel(void *ud) { filter_change(ud, ""); }

static void open_filter(sp_app *app)
{
    static const sp_prompt_cbs cbs = { filter_change, filter_submit, filter_cancel };
    sp_app_prompt(app, "Filter:", app->filter, &cbs, app);
}

static void prompt_key(sp_app *app, const sp_key *k)
{
    switch (sp_prompt_key(&app->prompt, k)) {
    case SP_PROMPT_UNUSED: break;
    case SP_PROMPT_EDITED: app->dirty_status = true; break;
    case SP_PROMPT_CLOSED: app->dirty_status = app->dirty_hints = app->dirty_body = true; break;
    case SP_PROMPT_YES: app->dirty_status = app->dirty_body = true; break;
    case SP_PROMPT_NO:
        app->dirty_status = true;
        sp_app_status(app, "cancelled");
        break;
    }
}

static void toggle_help(sp_app *app)
{
    sp_overlay_toggle_help(&app->ov);
    app->dirty_body = app->dirty_hints = true;
}

static void quit(sp_app *app) { sp_loop_stop(app->loop); }

static void handle_key(sp_app *app, const sp_key *k)
{
    sp_pane *p = app->panes[app->active];
    /* Keys that work from anywhere, text field or not. */
    if (k->fn) {
        switch (k->code) {
        case KEY_F(10): quit(app); return;
        case KEY_BTAB: switch_pane(app, (app->active + NPANES - 1) % NPANES); return;
        case KEY_F(1): toggle_help(app); return;
        case KEY_MOUSE: {
            /* Clicks on the tab bar switch panes; others go to the pane. */
            if (k->mouse_y == -1 && !app->prompt.line_on && app->ov.kind == SP_OVERLAY_NONE) {
                int x = 0;
                for (int i = 0; i < NPANES; i++) {
                    int wlab = (int)strlen(pane_ops[i]->title) + 4;
                    if (k->mouse_x >= x && k->mouse_x < x + wlab) {
                        switch_pane(app, i);
                        return;
                    }
                    x += wlab + 1;
                }
                return;
            }
            break;
        }
        default: break;
        }
    } else if (k->code == '\t') {
        switch_pane(app, (app->active + 1) % NPANES);
        return;
    }
    if (app->ov.kind != SP_OVERLAY_NONE) {
        if (sp_overlay_key(&app->ov, k))
            app->dirty_body = app->dirty_hints = true;
        return;
    }
    if (app->prompt.confirm_on || app->prompt.line_on) {
        prompt_key(app, k);
        return;
    }
    if (pane_has_focus(app)) {
        if (p->ops->key(p, k))
            app->dirty_body = app->dirty_hints = true;
        return;
    }
    if (!k->fn) {
        switch (k->code) {
        case 'q': quit(app); return;
        case '?': toggle_help(app); return;
        case ' ': toggle_freeze(app); return;
        case '1': case '2': case '3': case '4': switch_pane(app, k->code - '1'); return;
        case '/':
            if (p->ops->filter) {
                open_filter(app);
                app->dirty_hints = true;
                return;
            }
            break;
        case SP_KEY_ESC:
            if (app->filter[0] && p->ops->filter) {
                filter_change(app, "");
                app->dirty_status = true;
                return;
            }
            break;
        default: break;
        }
    }
    if (p->ops->key(p, k))
        app->dirty_body = app->dirty_hints = app->dirty_tabs = true;
}

/* Esc followed at once by a digit is Alt-digit (terminals send Alt that way). */
static void on_stdin(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)loop;
    (void)fd;
    (void)events;
    sp_app *app = ud;
    sp_key keys[64];
    size_t n = sp_keys_read(app->input, keys, sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < n && !sp_loop_stopped(app->loop); i++) {
        if (!keys[i].fn && keys[i].code == SP_KEY_ESC && i + 1 < n && !keys[i + 1].fn && keys[i + 1].code >= '1' &&
            keys[i + 1].code <= '4') {
            switch_pane(app, keys[++i].code - '1');
            continue;
        }
        handle_key(app, &keys[i]);
    }
}

static void follow_size(sp_app *app)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    layout(app);
}

/* When resizes stop coming, repaint every cell once: a terminal (tmux among
 * them) may have shown frames drawn during the burst at another size, and
 * only a full repaint is sure to leave no stale cells. */
static void on_settled(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_app *app = ud;
    app->settle_timer = 0;
    follow_size(app);
    clearok(curscr, TRUE);
}

static void on_resize(sp_loop *loop, int signo, void *ud)
{
    (void)signo;
    sp_app *app = ud;
    follow_size(app);
    sp_loop_cancel(loop, app->settle_timer);
    app->settle_timer = sp_loop_timer(loop, 0.3, 0, on_settled, app);
}

static void on_quit_signal(sp_loop *loop, int signo, void *ud)
{
    (void)signo;
    (void)ud;
    sp_loop_stop(loop);
}

/* Ctrl-Z: give the terminal back, stop, and repaint everything on fg. */
static void on_suspend(sp_loop *loop, int signo, void *ud)
{
    (void)loop;
    (void)signo;
    sp_app *app = ud;
    def_prog_mode();
    endwin();
    raise(SIGSTOP);
    reset_prog_mode();
    clearok(curscr, TRUE);
    follow_size(app);
}

static int start_terminal(sp_app *app)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "sockpit: the interface needs a terminal on stdin and stdout; "
                        "for scripts use the batch commands (sockpit services|hosts|watch|chat|serve)\n");
        return -1;
    }
    const char *term = getenv("TERM");
    app->screen = newterm(NULL, stdout, stdin);
    if (!app->screen) {
        fprintf(stderr, "sockpit: unknown terminal type '%s'; set TERM to one this system knows (e.g. xterm-256color)\n",
                term ? term : "");
        return -1;
    }
    set_term(app->screen);
    const char *cup = tigetstr("cup");
    if (!cup || cup == (char *)-1) {
        endwin();
        delscreen(app->screen);
        app->screen = NULL;
        fprintf(stderr, "sockpit: terminal '%s' cannot move the cursor, so the interface cannot run on it; "
                        "use a terminal such as xterm or the batch commands\n", term ? term : "");
        return -1;
    }
    /* cbreak, not raw: Ctrl-C and Ctrl-Z stay signals (quit, suspend), read
     * through the loop like the others. */
    cbreak();
    noecho();
    nonl();
    set_escdelay(25);
    curs_set(0);
    ui_init_styles(!app->opts->no_color);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    /* Keys are read from a window nothing draws into, so wget_wch never
     * refreshes a half-drawn screen. */
    app->input = newwin(1, 1, 0, 0);
    keypad(app->input, TRUE);
    nodelay(app->input, TRUE);
    untouchwin(app->input);
    layout(app);
    return 0;
}

int sp_app_main(sp_opts *opts)
{
    sp_app *app = calloc(1, sizeof *app);
    if (!app)
        return sp_runtime_error(NULL, "out of memory");
    app->opts = opts;
    app->exit_code = SP_EXIT_OK;
    sp_prompt_init(&app->prompt);
    for (int i = 0; i < NPANES; i++)
        if (strcmp(pane_ops[i]->name, opts->pane) == 0)
            app->active = i;

    int rc = SP_EXIT_FAIL;
    char err[512];
    app->loop = sp_loop_new();
    if (!app->loop) {
        sp_runtime_error(NULL, "cannot create the event loop: %s", strerror(errno));
        goto out;
    }
    sp_dns_config dc = { .servers = opts->dns_servers };
    app->dns = sp_dns_new(app->loop, &dc, err, sizeof err);
    if (!app->dns) {
        sp_runtime_error(NULL, "%s", err);
        goto out;
    }
    if (start_terminal(app) < 0)
        goto out;
    sp_loop_signal(app->loop, SIGWINCH, on_resize, app);
    sp_loop_signal(app->loop, SIGINT, on_quit_signal, app);
    sp_loop_signal(app->loop, SIGTERM, on_quit_signal, app);
    sp_loop_signal(app->loop, SIGHUP, on_quit_signal, app);
    sp_loop_signal(app->loop, SIGTSTP, on_suspend, app);
    sp_loop_watch(app->loop, STDIN_FILENO, SP_IO_READ, on_stdin, app);
    for (int i = 0; i < NPANES; i++) {
        app->panes[i] = pane_ops[i]->create(app);
        if (!app->panes[i]) {
            endwin();
            sp_runtime_error(NULL, "out of memory starting the %s pane", pane_ops[i]->name);
            goto out;
        }
        app->panes[i]->ops = pane_ops[i];
        app->panes[i]->app = app;
    }
    if (app->panes[app->active]->ops->visible)
        app->panes[app->active]->ops->visible(app->panes[app->active], true);
    sp_loop_hook(app->loop, draw, app);
    if (opts->notice)
        sp_app_error(app, "%s", opts->notice);
    /* Keys typed before start-up are in the buffer already. */
    on_stdin(app->loop, STDIN_FILENO, SP_IO_READ, app);
    if (sp_loop_run(app->loop) < 0)
        app->exit_code = sp_runtime_error(NULL, "event loop failed: %s", strerror(errno));
    sp_loop_unhook(app->loop, draw, app);
    endwin();
    rc = app->exit_code;
out:
    /* c-ares first: its pending callbacks run now, with ARES_EDESTRUCTION,
     * while the panes that own them still exist. */
    sp_dns_free(app->dns);
    for (int i = 0; i < NPANES; i++)
        if (app->panes[i])
            app->panes[i]->ops->destroy(app->panes[i]);
    del_windows(app);
    if (app->input)
        delwin(app->input);
    if (app->screen)
        delscreen(app->screen);
    sp_overlay_free(&app->ov);
    sp_prompt_free(&app->prompt);
    sp_loop_free(app->loop);
    free(app);
    return rc;
}
