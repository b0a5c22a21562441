/* The help overlay and the message boxes. */
#include "sockpit/tui/overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/safetext.h"

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

static void free_box(sp_overlay *ov)
{
    for (size_t i = 0; i < ov->box_n; i++)
        free(ov->box_lines[i]);
    free(ov->box_lines);
    free(ov->box_title);
    ov->box_lines = NULL;
    ov->box_title = NULL;
    ov->box_n = 0;
}

void sp_overlay_box(sp_overlay *ov, const char *title, const char *const *lines, size_t n)
{
    free_box(ov);
    ov->box_title = xstrdup(title);
    ov->box_lines = calloc(n ? n : 1, sizeof *ov->box_lines);
    if (!ov->box_lines)
        abort();
    for (size_t i = 0; i < n; i++)
        ov->box_lines[i] = xstrdup(lines[i]);
    ov->box_n = n;
    ov->kind = SP_OVERLAY_BOX;
    ov->top = 0;
}

void sp_overlay_toggle_help(sp_overlay *ov)
{
    ov->kind = ov->kind == SP_OVERLAY_HELP ? SP_OVERLAY_NONE : SP_OVERLAY_HELP;
    ov->top = 0;
}

void sp_overlay_hide(sp_overlay *ov) { ov->kind = SP_OVERLAY_NONE; }

bool sp_overlay_key(sp_overlay *ov, const sp_key *k)
{
    sp_nav nav;
    bool close = k->fn ? (k->code == KEY_F(1) || k->code == KEY_ENTER)
                       : (k->code == SP_KEY_ESC || k->code == 'q' || k->code == '\r' || k->code == '\n' ||
                          (ov->kind == SP_OVERLAY_HELP && k->code == '?'));
    if (close) {
        ov->kind = SP_OVERLAY_NONE;
    } else if (sp_key_nav(k, &nav)) {
        switch (nav) {
        case SP_NAV_UP: if (ov->top) ov->top--; break;
        case SP_NAV_DOWN: ov->top++; break;
        case SP_NAV_PGUP: ov->top = ov->top > 10 ? ov->top - 10 : 0; break;
        case SP_NAV_PGDN: ov->top += 10; break;
        case SP_NAV_HOME: ov->top = 0; break;
        case SP_NAV_END: ov->top = (size_t)-1 / 2; break;
        }
    } else {
        return false;
    }
    if (ov->kind == SP_OVERLAY_NONE && ov->win) {
        delwin(ov->win);
        ov->win = NULL;
        free_box(ov);
    }
    return true;
}

/* Lines of the help overlay, or of the message box. */
static size_t overlay_lines(const sp_overlay *ov, const sp_keyhelp *pk, const sp_keyhelp *shell_keys,
                            const char ***out, char ***owned)
{
    *owned = NULL;
    if (ov->kind == SP_OVERLAY_BOX) {
        *out = (const char **)ov->box_lines;
        return ov->box_n;
    }
    size_t n = 0;
    for (const sp_keyhelp *k = shell_keys; k->key; k++)
        n++;
    for (const sp_keyhelp *k = pk; k && k->key; k++)
        n++;
    char **lines = calloc(n + 3, sizeof *lines);
    if (!lines)
        abort();
    size_t i = 0;
    for (const sp_keyhelp *k = pk; k && k->key; k++)
        if (asprintf(&lines[i++], "%-16s %s", k->key, k->what) < 0)
            abort();
    if (i)
        lines[i++] = xstrdup("");
    lines[i++] = xstrdup("Everywhere:");
    for (const sp_keyhelp *k = shell_keys; k->key; k++)
        if (asprintf(&lines[i++], "%-16s %s", k->key, k->what) < 0)
            abort();
    *owned = lines;
    *out = (const char **)lines;
    return i;
}

void sp_overlay_draw(sp_overlay *ov, WINDOW *body, const sp_keyhelp *pane_keys, const sp_keyhelp *shell_keys)
{
    const char **lines;
    char **owned;
    size_t n = overlay_lines(ov, pane_keys, shell_keys, &lines, &owned);
    int bh, bw;
    getmaxyx(body, bh, bw);
    int w = 0;
    for (size_t i = 0; i < n; i++) {
        int tw = (int)sp_text_width(lines[i], strlen(lines[i]));
        if (tw > w)
            w = tw;
    }
    w += 4;
    if (w < 30)
        w = 30;
    if (w > bw - 2)
        w = bw - 2;
    int h = (int)n + 2;
    if (h > bh - 1)
        h = bh - 1;
    if (ov->win)
        delwin(ov->win);
    ov->win = newwin(h, w, 1 + (bh - h) / 2, (bw - w) / 2);
    if (ov->win) {
        WINDOW *o = ov->win;
        werase(o);
        box(o, 0, 0);
        const char *title = ov->kind == SP_OVERLAY_BOX ? ov->box_title : "Keys";
        char t[256];
        snprintf(t, sizeof t, " %s ", title);
        ui_text(o, 0, 2, w - 4, t, (size_t)-1, A_BOLD, false);
        size_t rows = (size_t)(h - 2);
        if (n > rows && ov->top > n - rows)
            ov->top = n - rows;
        if (n <= rows)
            ov->top = 0;
        for (size_t r = 0; r < rows && ov->top + r < n; r++)
            ui_text(o, (int)r + 1, 2, w - 4, lines[ov->top + r], (size_t)-1, A_NORMAL, false);
        if (n > rows)
            ui_textf(o, h - 1, w - 12, 10, A_DIM, " %zu/%zu ", ov->top + rows, n);
        wnoutrefresh(o);
    }
    if (owned) {
        for (size_t i = 0; i < n; i++)
            free(owned[i]);
        free(owned);
    }
}

void sp_overlay_drop_window(sp_overlay *ov)
{
    if (ov->win) {
        delwin(ov->win);
        ov->win = NULL;
    }
}

void sp_overlay_free(sp_overlay *ov)
{
    sp_overlay_drop_window(ov);
    free_box(ov);
}
