/* The shell's key maps and the routing of every key press.
 *
 * A key goes, in this order, to: the shell's keys that work from anywhere
 * (F1, Tab, F10, Alt-1..4, clicks on the tab bar); an open overlay; an open
 * prompt or question; the pane's key map in the pane's mode; the shell's
 * browsing keys (q ? 1-7 Space / Esc); the keys of the pane's focused
 * table (moves, the wheel, clicks, sorting, search). Refinements: a pane
 * row that takes "any text" (SP_KEY_TEXT) comes last, so that it never
 * hides a key bound by name; a modified function key nothing binds is the
 * plain key (Ctrl-Left moves left); and an Alt character nothing binds is
 * Esc then the character, as the terminal sent it. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "sockpit/core/report.h"
#include "sockpit/tui/bars.h"
#include "sockpit/tui/shell.h"
#include "sockpit/tui/table_view.h"

/* A shell row dispatched before the overlay and the prompt see the key. */
#define FIRST 0x80000000u

static sp_pane *active(sp_app *app) { return app->panes[app->active]; }

static sp_table *focused_table(sp_app *app)
{
    sp_pane *p = active(app);
    return p->ops->table ? p->ops->table(p) : NULL;
}

unsigned sp_shell_mode(sp_app *app)
{
    sp_pane *p = active(app);
    if (p->ops->mode)
        return p->ops->mode(p);
    return p->ops->text_focus && p->ops->text_focus(p) ? SP_WHEN_TYPING : SP_WHEN_BROWSING;
}

/* ---- the shell's actions (ud: the app) ---- */

static sp_redraw act_help(void *ud, const sp_key *k)
{
    (void)k;
    sp_overlay_toggle_help(&((sp_app *)ud)->ov);
    return SP_REDRAW_BODY | SP_REDRAW_HINTS;
}

static sp_redraw act_tab(void *ud, const sp_key *k)
{
    sp_app *app = ud;
    int step = k->fn ? SP_NPANES - 1 : 1; /* Shift-Tab goes back */
    sp_shell_switch(app, (app->active + step) % SP_NPANES);
    return SP_REDRAW_ALL;
}

static sp_redraw act_pane(void *ud, const sp_key *k)
{
    sp_shell_switch(ud, k->code - '1');
    return SP_REDRAW_ALL;
}

static sp_redraw act_tab_click(void *ud, const sp_key *k)
{
    sp_app *app = ud;
    if (k->mouse_y != -1 || app->prompt.line_on || app->ov.kind != SP_OVERLAY_NONE)
        return SP_REDRAW_PASS;
    int i = sp_bars_tab_at(sp_shell_panes, SP_NPANES, app->active, getmaxx(app->tabs), k->mouse_x);
    if (i >= 0)
        sp_shell_switch(app, i);
    return SP_REDRAW_ALL;
}

static sp_redraw act_quit(void *ud, const sp_key *k)
{
    (void)k;
    sp_loop_stop(((sp_app *)ud)->loop);
    return SP_REDRAW_NONE;
}

static sp_redraw act_freeze(void *ud, const sp_key *k)
{
    (void)k;
    sp_app *app = ud;
    sp_pane *p = active(app);
    p->frozen = !p->frozen;
    if (p->ops->freeze)
        p->ops->freeze(p, p->frozen);
    sp_app_status(app, p->frozen ? "%s frozen: Space to resume live updates" : "%s live again", p->ops->title);
    return SP_REDRAW_TABS | SP_REDRAW_HINTS | SP_REDRAW_BODY;
}

static void filter_change(void *ud, const char *text)
{
    sp_app *app = ud;
    sp_pane *p = active(app);
    snprintf(app->filter, sizeof app->filter, "%s", text);
    p->ops->filter(p, text);
    app->dirty |= SP_REDRAW_BODY;
}

static void filter_submit(void *ud, const char *text)
{
    sp_app *app = ud;
    sp_pane *p = active(app);
    if (p->ops->filter_submit)
        p->ops->filter_submit(p, text);
    app->dirty |= SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

static void filter_cancel(void *ud) { filter_change(ud, ""); }

static sp_redraw act_filter(void *ud, const sp_key *k)
{
    (void)k;
    sp_app *app = ud;
    if (!active(app)->ops->filter)
        return SP_REDRAW_PASS;
    static const sp_prompt_cbs cbs = { filter_change, filter_submit, filter_cancel };
    sp_app_prompt(app, "Filter:", app->filter, &cbs, app);
    return SP_REDRAW_STATUS | SP_REDRAW_HINTS;
}

static sp_redraw act_clear_filter(void *ud, const sp_key *k)
{
    (void)k;
    sp_app *app = ud;
    if (!app->filter[0] || !active(app)->ops->filter)
        return SP_REDRAW_PASS;
    filter_change(app, "");
    return SP_REDRAW_STATUS | SP_REDRAW_BODY;
}

/* ---- the table keys (ud: the app) ---- */

static sp_redraw act_table(void *ud, const sp_key *k)
{
    sp_app *app = ud;
    sp_table *t = focused_table(app);
    sp_redraw r = 0;
    bool activate;
    if (!t || !sp_table_handle_key(t, k, &r, &activate))
        return SP_REDRAW_PASS;
    if (activate) {
        /* A double click on a row is the pane's Enter. */
        sp_pane *p = active(app);
        sp_key enter = { .code = '\r', .mouse_y = -2, .mouse_x = -2 };
        sp_keymap_dispatch(p->ops->keymap, sp_shell_mode(app), p, &enter, &r);
    }
    return r;
}

static sp_redraw act_sort(void *ud, const sp_key *k)
{
    sp_table *t = focused_table(ud);
    if (!t)
        return SP_REDRAW_PASS;
    if (k->code == 'I')
        sp_table_sort_invert(t);
    else
        sp_table_sort_move(t, k->code == '<' ? -1 : 1);
    return SP_REDRAW_BODY;
}

static sp_redraw search(sp_app *app, int dir)
{
    sp_table *t = focused_table(app);
    if (!t)
        return SP_REDRAW_PASS;
    if (!app->search[0])
        sp_app_status(app, "nothing to find yet: F3 searches");
    else if (!sp_table_search(t, app->search, dir))
        sp_app_error(app, "not found: %s", app->search);
    return SP_REDRAW_BODY | SP_REDRAW_STATUS;
}

static void search_submit(void *ud, const char *text)
{
    sp_app *app = ud;
    snprintf(app->search, sizeof app->search, "%s", text);
    app->dirty |= search(app, 1) & SP_REDRAW_ALL;
}

static sp_redraw act_search(void *ud, const sp_key *k)
{
    (void)k;
    sp_app *app = ud;
    if (!focused_table(app))
        return SP_REDRAW_PASS;
    static const sp_prompt_cbs cbs = { NULL, search_submit, NULL };
    sp_app_prompt(app, "Search:", app->search, &cbs, app);
    return SP_REDRAW_STATUS | SP_REDRAW_HINTS;
}

static sp_redraw act_search_next(void *ud, const sp_key *k) { return search(ud, k->code == 'N' ? -1 : 1); }

/* ---- the maps ---- */

#define B SP_WHEN_BROWSING
#define T SP_WHEN_TYPING
#define A SP_WHEN_ALWAYS
#define END { { 0 }, NULL, NULL, NULL, NULL, 0, 0, NULL }

static const sp_binding shell_map[] = {
    { { SP_FN(KEY_F(1)) }, "F1 ?", "this help (arrows scroll it, Esc closes it)", "Help", "F1", 0, A | FIRST, act_help },
    { { '?' }, "?", NULL, NULL, NULL, 0, B, act_help },
    { { '\t', SP_FN(KEY_BTAB) }, "Tab S-Tab", "next / previous pane", "Pane", "Tab", 4, A | FIRST, act_tab },
    { { '1', '2', '3', '4' }, "1-7 Alt-1..7", "switch to pane 1-7 (Alt-1..7 also while typing)", NULL, NULL, 0, B,
      act_pane },
    { { '5', '6', '7' }, "5-7", NULL, NULL, NULL, 0, B, act_pane },
    { { SP_ALT('1'), SP_ALT('2'), SP_ALT('3'), SP_ALT('4') }, "Alt-1..4", NULL, NULL, NULL, 0, A | FIRST, act_pane },
    { { SP_ALT('5'), SP_ALT('6'), SP_ALT('7') }, "Alt-5..7", NULL, NULL, NULL, 0, A | FIRST, act_pane },
    { { SP_FN(KEY_MOUSE) }, "click a tab", "switch to that pane", NULL, NULL, 0, A | FIRST, act_tab_click },
    { { '/' }, "/", "filter the list (Esc clears the filter)", "Filter", NULL, 2, B, act_filter },
    { { SP_KEY_ESC }, "Esc", NULL, NULL, NULL, 0, B, act_clear_filter },
    { { ' ' }, "Space", "freeze or thaw the live updates of this pane", "Freeze", "Spc", 3, B, act_freeze },
    END,
};

/* Quit has a map of its own so that its hint comes last. */
static const sp_binding quit_map[] = {
    { { SP_FN(KEY_F(10)) }, "F10", NULL, NULL, NULL, 0, A | FIRST, act_quit },
    { { 'q' }, "q F10", "quit", "Quit", "q/F10", 0, B, act_quit },
    { { 0 }, "F10", NULL, "Quit", NULL, 0, T, NULL }, /* the hint while q types */
    END,
};

static const sp_binding list_map[] = {
    { { SP_FN(KEY_UP), SP_FN(KEY_DOWN), 'k', 'j' }, "Up Down j k", "move the selection", NULL, NULL, 0, B, act_table },
    { { SP_FN(KEY_PPAGE), SP_FN(KEY_NPAGE) }, "PgUp PgDn", "page up / down", NULL, NULL, 0, B, act_table },
    { { SP_FN(KEY_HOME), SP_FN(KEY_END), 'g', 'G' }, "Home End g G", "first / last row", NULL, NULL, 0, B, act_table },
    { { SP_FN(SP_KEY_WHEEL_UP), SP_FN(SP_KEY_WHEEL_DOWN), SP_FN(KEY_MOUSE) }, "wheel, click",
      "scroll; a click selects a row", NULL, NULL, 0, B, act_table },
    END,
};

static const sp_binding table_map[] = {
    { { 0 }, "double click", "open the row, as Enter does", NULL, NULL, 0, B, NULL },
    { { '<', '>' }, "< >", "sort by the column to the left / right (or click its header)", NULL, NULL, 0, B,
      act_sort },
    { { 'I' }, "I", "reverse the order (or click the sorted column's header)", NULL, NULL, 0, B, act_sort },
    { { SP_FN(KEY_F(3)) }, "F3", "search: select the next row with the text, hiding none", "Search", NULL, 5, B,
      act_search },
    { { 'n', 'N' }, "n N", "next / previous row with the text searched", NULL, NULL, 0, B, act_search_next },
    END,
};

static const sp_binding prompt_hints[] = {
    { { 0 }, "Enter", NULL, "OK", NULL, 0, A, NULL },
    { { 0 }, "Esc", NULL, "Cancel", NULL, 0, A, NULL },
    { { 0 }, "^U", NULL, "Clear", NULL, 0, A, NULL },
    END,
};

static const sp_binding overlay_hints[] = {
    { { 0 }, "Esc", NULL, "Close", NULL, 0, A, NULL },
    { { 0 }, "\xe2\x86\x91\xe2\x86\x93", NULL, "Scroll", NULL, 0, A, NULL },
    END,
};

/* ---- the pane's rows ---- */

static const sp_binding *pane_map(sp_app *app) { return active(app)->ops->keymap; }

/* The shell's rows as they stand for the active pane: no filter rows for
 * a pane without a filter, "Thaw" for a frozen one. */
static void shell_rows(sp_app *app, sp_binding *out)
{
    const sp_pane *p = active(app);
    size_t n = 0;
    for (const sp_binding *b = shell_map; b->label; b++) {
        if ((b->action == act_filter || b->action == act_clear_filter) && !p->ops->filter)
            continue;
        out[n] = *b;
        if (b->action == act_freeze && p->frozen)
            out[n].hint = "Thaw";
        n++;
    }
    out[n] = (sp_binding)END;
}

void sp_shell_draw_hints(sp_app *app)
{
    sp_binding shell[sizeof shell_map / sizeof shell_map[0]];
    const sp_binding *maps[5];
    size_t n = 0;
    unsigned mode = SP_WHEN_ALWAYS;
    if (app->prompt.line_on) {
        maps[n++] = prompt_hints;
    } else if (app->ov.kind != SP_OVERLAY_NONE) {
        maps[n++] = overlay_hints;
    } else {
        shell_rows(app, shell);
        mode = sp_shell_mode(app);
        maps[n++] = shell;
        maps[n++] = pane_map(app);
        if (focused_table(app))
            maps[n++] = table_map;
        maps[n++] = quit_map;
    }
    sp_bars_hints(app->hints, maps, n, mode);
}

void sp_shell_draw_overlay(sp_app *app)
{
    sp_binding shell[sizeof shell_map / sizeof shell_map[0]];
    shell_rows(app, shell);
    const sp_pane *p = active(app);
    char title[64];
    snprintf(title, sizeof title, "%s:", p->ops->title);
    bool table = focused_table(app) != NULL, lists = table || !p->ops->keymap;
    sp_help_section secs[5];
    size_t n = 0;
    secs[n++] = (sp_help_section){ title, pane_map(app) };
    if (lists)
        secs[n++] = (sp_help_section){ "Lists:", list_map };
    if (table)
        secs[n++] = (sp_help_section){ NULL, table_map };
    secs[n++] = (sp_help_section){ "Everywhere:", shell };
    secs[n++] = (sp_help_section){ NULL, quit_map };
    sp_overlay_draw(&app->ov, app->body, secs, n);
}

/* ---- routing ---- */

void sp_shell_switch(sp_app *app, int i)
{
    if (i == app->active || i < 0 || i >= SP_NPANES)
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

/* Woken with no key to read: the terminal hung up (a multiplexer or SSH
 * gone without a SIGHUP for us) or its input ended. Readable with nothing
 * to read, or a hang-up, is the end: otherwise epoll would wake us for it
 * forever. */
static bool input_gone(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
        return true;
    int avail = 0;
    return (p.revents & POLLIN) && ioctl(fd, FIONREAD, &avail) == 0 && avail == 0;
}

void sp_shell_on_stdin(sp_loop *loop, int fd, unsigned events, void *ud)
{
    (void)events;
    sp_app *app = ud;
    sp_key keys[64];
    size_t n;
    bool any = false;
    while (!sp_loop_stopped(loop) && (n = sp_keys_read(&app->keys, app->input, keys, sizeof keys / sizeof keys[0]))) {
        any = true;
        for (size_t i = 0; i < n && !sp_loop_stopped(loop); i++)
            sp_shell_key(app, &keys[i]);
        app->urgent = true;
    }
    if (!any && input_gone(fd)) {
        sp_loop_unwatch(loop, fd);
        app->hangup = true;
        app->exit_code = SP_EXIT_FAIL;
        sp_loop_stop(loop);
    }
}

static sp_redraw prompt_key(sp_app *app, const sp_key *k)
{
    switch (sp_prompt_key(&app->prompt, k)) {
    case SP_PROMPT_UNUSED: return SP_REDRAW_NONE;
    case SP_PROMPT_EDITED: return SP_REDRAW_STATUS;
    case SP_PROMPT_CLOSED: return SP_REDRAW_STATUS | SP_REDRAW_HINTS | SP_REDRAW_BODY;
    case SP_PROMPT_YES: return SP_REDRAW_STATUS | SP_REDRAW_BODY;
    case SP_PROMPT_NO: sp_app_status(app, "cancelled"); return SP_REDRAW_STATUS;
    }
    return SP_REDRAW_NONE;
}

static bool names_key(const sp_binding *b, int id)
{
    for (size_t i = 0; i < sizeof b->keys / sizeof b->keys[0] && b->keys[i]; i++)
        if (b->keys[i] == id)
            return true;
    return false;
}

static bool shell_dispatch(sp_app *app, unsigned mode, const sp_key *k, sp_redraw *r)
{
    return sp_keymap_dispatch(shell_map, mode, app, k, r) || sp_keymap_dispatch(quit_map, mode, app, k, r);
}

static sp_redraw route(sp_app *app, const sp_key *k)
{
    sp_pane *p = active(app);
    unsigned mode = sp_shell_mode(app);
    sp_redraw r = 0;
    if (shell_dispatch(app, FIRST, k, &r))
        return r;
    if (app->ov.kind != SP_OVERLAY_NONE)
        return sp_overlay_key(&app->ov, k) ? SP_REDRAW_BODY | SP_REDRAW_HINTS : SP_REDRAW_NONE;
    if (app->prompt.confirm_on || app->prompt.line_on)
        return prompt_key(app, k);
    int id = sp_key_id(k);
    const sp_binding *b = sp_keymap_find(p->ops->keymap, mode, id);
    bool any_text = b && !names_key(b, id);
    if (b && !any_text && sp_keymap_dispatch(p->ops->keymap, mode, p, k, &r))
        return r;
    if ((mode & SP_WHEN_BROWSING) && shell_dispatch(app, SP_WHEN_BROWSING, k, &r))
        return r;
    if (focused_table(app) &&
        (sp_keymap_dispatch(list_map, mode, app, k, &r) || sp_keymap_dispatch(table_map, mode, app, k, &r)))
        return r;
    if (any_text)
        sp_keymap_dispatch(p->ops->keymap, mode, p, k, &r);
    return r;
}

/* Whether a map binds k, modifiers and all. */
static bool bound(sp_app *app, const sp_key *k)
{
    int id = sp_key_id(k);
    const sp_pane_ops *ops = active(app)->ops;
    unsigned all = SP_WHEN_ALWAYS | FIRST;
    return sp_keymap_find(shell_map, all, id) || sp_keymap_find(quit_map, all, id) ||
           sp_keymap_find(list_map, all, id) || sp_keymap_find(table_map, all, id) ||
           (ops->keymap && sp_keymap_find(ops->keymap, sp_shell_mode(app), id));
}

void sp_shell_key(sp_app *app, const sp_key *k)
{
    if (k->mods && !bound(app, k)) {
        sp_key plain = *k;
        plain.mods = 0;
        if (!k->fn && (k->mods & SP_KEY_MOD_ALT)) {
            /* Alt-x that nothing binds: the Esc and the x it came as. */
            sp_key esc = { .code = SP_KEY_ESC, .mouse_y = -2, .mouse_x = -2 };
            sp_shell_key(app, &esc);
            if (sp_loop_stopped(app->loop))
                return;
        }
        /* Ctrl-Left that nothing binds is Left. */
        sp_shell_key(app, &plain);
        return;
    }
    int pane = app->active;
    unsigned mode = sp_shell_mode(app);
    sp_redraw r = route(app, k);
    /* A new mode has other hints. */
    if (pane == app->active && sp_shell_mode(app) != mode)
        r |= SP_REDRAW_HINTS;
    app->dirty |= r & SP_REDRAW_ALL;
}
