/* The TUI shell: terminal set-up and tear-down, layout, frames, and what
 * panes may ask of it. The bars are drawn by bars.c, the keys routed by
 * shell_keys.c, the prompts and overlays kept by prompt.c and overlay.c.
 * Drawing happens in a hook before the loop sleeps, only for the regions
 * marked dirty, and within the redraw budget of pace.h. */
#include "sockpit/tui/app.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/report.h"
#include "sockpit/tui/bars.h"
#include "sockpit/tui/pace.h"
#include "sockpit/tui/shell.h"

#define MIN_COLS 40
#define MIN_ROWS 10

const sp_pane_ops *const sp_shell_panes[SP_NPANES] = {
    &sp_services_pane, &sp_hosts_pane, &sp_watch_pane, &sp_chat_pane,
    &sp_conns_pane,    &sp_forward_pane, &sp_probes_pane,
};

/* ---- what panes may ask ---- */

sp_loop *sp_app_loop(sp_app *app) { return app->loop; }
sp_dns *sp_app_dns(sp_app *app) { return app->dns; }
const sp_opts *sp_app_opts(sp_app *app) { return app->opts; }

void sp_app_probe(sp_app *app, const char *target, const char *ports)
{
    for (int i = 0; i < SP_NPANES; i++) {
        if (sp_shell_panes[i] == &sp_probes_pane) {
            sp_probes_pane_start(app->panes[i], target, ports);
            sp_shell_switch(app, i);
            app->dirty |= SP_REDRAW_ALL;
            return;
        }
    }
}

/* A frozen pane is drawn too: it shows what waits ("FROZEN · 3 updates"). */
void sp_app_dirty(sp_app *app, sp_pane *p)
{
    if (app->panes[app->active] == p)
        app->dirty |= SP_REDRAW_BODY;
}

static void clear_msg(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    sp_app *app = ud;
    app->msg[0] = '\0';
    app->msg_timer = 0;
    app->dirty |= SP_REDRAW_STATUS;
}

__attribute__((format(printf, 3, 0))) static void set_msg(sp_app *app, bool error, const char *fmt, va_list ap)
{
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): ap is started by our caller; clang 14 cannot see it */
    vsnprintf(app->msg, sizeof app->msg, fmt, ap);
    app->msg_error = error;
    app->dirty |= SP_REDRAW_STATUS;
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
    app->dirty |= SP_REDRAW_STATUS | SP_REDRAW_HINTS;
}

void sp_app_confirm(sp_app *app, const char *question, void (*yes)(void *ud), void *ud)
{
    sp_prompt_ask(&app->prompt, question, yes, ud);
    app->dirty |= SP_REDRAW_STATUS;
}

void sp_app_box(sp_app *app, const char *title, const char *const *lines, size_t n)
{
    sp_overlay_box(&app->ov, title, lines, n);
    app->dirty |= SP_REDRAW_BODY | SP_REDRAW_HINTS;
}

/* ---- layout and frames ---- */

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

/* Puts the dirty regions into newscr (wnoutrefresh); doupdate sends them. */
static void paint(sp_app *app)
{
    if (app->too_small) {
        sp_bars_too_small(app->rows, app->cols, MIN_COLS, MIN_ROWS);
        return;
    }
    sp_redraw d = app->dirty_all ? SP_REDRAW_ALL : app->dirty;
    if (app->dirty_all) {
        werase(stdscr);
        wnoutrefresh(stdscr);
    }
    sp_pane *p = app->panes[app->active];
    if (d & SP_REDRAW_TABS)
        sp_bars_tabs(app->tabs, sp_shell_panes, SP_NPANES, app->active, p->frozen);
    if (d & SP_REDRAW_HINTS)
        sp_shell_draw_hints(app);
    if (d & SP_REDRAW_BODY) {
        p->ops->draw(p, app->body);
        wnoutrefresh(app->body);
        if (app->ov.kind != SP_OVERLAY_NONE)
            sp_shell_draw_overlay(app);
    }
    bool typing = app->prompt.line_on;
    bool field = typing || ((sp_shell_mode(app) & SP_WHEN_TYPING) && app->ov.kind == SP_OVERLAY_NONE &&
                            !app->prompt.confirm_on);
    curs_set(field ? 1 : 0);
    if ((d & SP_REDRAW_STATUS) || typing)
        sp_bars_status(app->status, &app->prompt, app->msg, app->msg_error, app->filter);
    /* The last window refreshed places the cursor. */
    if (field && !typing)
        wnoutrefresh(app->body);
}

static void frame_due(sp_loop *loop, uint64_t id, void *ud)
{
    (void)loop;
    (void)id;
    ((sp_app *)ud)->frame_timer = 0; /* the draw hook runs next */
}

/* The loop's hook: a frame when something is dirty and the budget allows
 * it, else a timer for when it will. A key or a new layout is answered at
 * once. */
static void draw(sp_loop *loop, void *ud)
{
    sp_app *app = ud;
    if (!app->dirty && !app->dirty_all)
        return;
    double now = sp_now();
    bool asked = app->urgent || app->dirty_all;
    if (!asked && now + 0.001 < app->next_frame) {
        if (!app->frame_timer)
            app->frame_timer = sp_loop_timer(loop, app->next_frame - now, 0, frame_due, app);
        if (app->frame_timer)
            return;
    }
    paint(app);
    size_t cells = sp_frame_cells();
    doupdate();
    /* A frame the user asked for (a key, a resize) goes at the user's pace
     * and does not hold back the data's next one; the data's frames pay for
     * their size. */
    if (!asked)
        app->next_frame = now + sp_frame_gap(cells);
    else if (app->next_frame < now + SP_FRAME_GAP)
        app->next_frame = now + SP_FRAME_GAP;
    app->dirty = SP_REDRAW_NONE;
    app->dirty_all = app->urgent = false;
    if (app->frame_timer) {
        sp_loop_cancel(loop, app->frame_timer);
        app->frame_timer = 0;
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

/* Out of memory with curses on: the message must reach a usable terminal. */
static void restore_terminal(void) { endwin(); }

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
    sp_oom_hook(restore_terminal);
    /* cbreak, not raw: Ctrl-C and Ctrl-Z stay signals (quit, suspend), read
     * through the loop like the others. */
    cbreak();
    noecho();
    nonl();
    /* Esc then a key within 25 ms is Alt and that key (as terminals send
     * it); slower, they are two keys. */
    set_escdelay(25);
    curs_set(0);
    ui_init_styles(!app->opts->no_color);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    /* Clicks at once; double clicks are counted in keys.c. */
    mouseinterval(0);
    /* Keys are read from a window nothing draws into, so wget_wch never
     * refreshes a half-drawn screen. */
    app->input = newwin(1, 1, 0, 0);
    keypad(app->input, TRUE);
    nodelay(app->input, TRUE);
    sp_keys_setup(&app->keys);
    untouchwin(app->input);
    layout(app);
    return 0;
}

int sp_app_main(sp_opts *opts)
{
    sp_app *app = sp_xcalloc(1, sizeof *app);
    app->opts = opts;
    app->exit_code = SP_EXIT_OK;
    sp_prompt_init(&app->prompt);
    for (int i = 0; i < SP_NPANES; i++)
        if (strcmp(sp_shell_panes[i]->name, opts->pane) == 0)
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
    if (sp_loop_signal(app->loop, SIGWINCH, on_resize, app) < 0 ||
        sp_loop_signal(app->loop, SIGINT, on_quit_signal, app) < 0 ||
        sp_loop_signal(app->loop, SIGTERM, on_quit_signal, app) < 0 ||
        sp_loop_signal(app->loop, SIGHUP, on_quit_signal, app) < 0 ||
        sp_loop_signal(app->loop, SIGTSTP, on_suspend, app) < 0 ||
        sp_loop_watch(app->loop, STDIN_FILENO, SP_IO_READ, sp_shell_on_stdin, app) < 0) {
        endwin();
        sp_runtime_error(NULL, "cannot set up the event loop: %s", strerror(errno));
        goto out;
    }
    sp_loop_hook(app->loop, draw, app);
    for (int i = 0; i < SP_NPANES; i++) {
        app->panes[i] = sp_shell_panes[i]->create(app);
        app->panes[i]->ops = sp_shell_panes[i];
        app->panes[i]->app = app;
    }
    if (app->panes[app->active]->ops->visible)
        app->panes[app->active]->ops->visible(app->panes[app->active], true);
    if (opts->notice)
        sp_app_error(app, "%s", opts->notice);
    else if (!ui_locale_utf8())
        sp_app_error(app, "the locale is not UTF-8 (see LANG, LC_ALL): other than ASCII shows as '?'");
    /* Keys typed before start-up are in the buffer already. */
    sp_shell_on_stdin(app->loop, STDIN_FILENO, SP_IO_READ, app);
    if (sp_loop_run(app->loop) < 0)
        app->exit_code = sp_runtime_error(NULL, "event loop failed: %s", strerror(errno));
    sp_loop_unhook(app->loop, draw, app);
    endwin();
    if (app->hangup)
        sp_runtime_error(NULL, "the terminal's input ended (hung up); quitting");
    rc = app->exit_code;
out:
    sp_oom_hook(NULL);
    /* c-ares first: its pending callbacks run now, with ARES_EDESTRUCTION,
     * while the panes that own them still exist. */
    sp_dns_free(app->dns);
    for (int i = 0; i < SP_NPANES; i++)
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
