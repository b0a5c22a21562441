/* The tab bar, status line, hint bar and the "too small" screen. */
#include "sockpit/tui/bars.h"

#include <stdio.h>
#include <string.h>

static int tab_width(const sp_pane_ops *p) { return (int)strlen(p->title) + 4; }

void sp_bars_tabs(WINDOW *w, const sp_pane_ops *const *panes, int n, int active, bool frozen)
{
    int cols = getmaxx(w);
    ui_fill(w, 0, 0, cols, ui_attr(SP_STYLE_TAB));
    int x = 0;
    for (int i = 0; i < n; i++) {
        char label[64];
        /* Brackets mark the active tab without color too, as tmux's '*'. */
        snprintf(label, sizeof label, i == active ? "[%d %s]" : " %d %s ", i + 1, panes[i]->title);
        attr_t a = ui_attr(i == active ? SP_STYLE_TAB_ACTIVE : SP_STYLE_TAB);
        x += ui_text(w, 0, x, cols - x, label, (size_t)-1, a, false);
        x += ui_text(w, 0, x, cols - x, " ", 1, ui_attr(SP_STYLE_TAB), false);
    }
    if (frozen) {
        static const char fz[] = " FROZEN ";
        int fx = cols - (int)sizeof fz;
        if (fx > x)
            ui_text(w, 0, fx, (int)sizeof fz - 1, fz, (size_t)-1, ui_attr(SP_STYLE_FROZEN), false);
    }
    wnoutrefresh(w);
}

int sp_bars_tab_at(const sp_pane_ops *const *panes, int n, int x)
{
    int left = 0;
    for (int i = 0; i < n; i++) {
        int wlab = tab_width(panes[i]);
        if (x >= left && x < left + wlab)
            return i;
        left += wlab + 1;
    }
    return -1;
}

void sp_bars_status(WINDOW *w, const sp_prompt *pr, const char *msg, bool error, const char *filter)
{
    int cols = getmaxx(w);
    werase(w);
    if (!sp_prompt_draw(pr, w, cols)) {
        if (msg[0])
            ui_text(w, 0, 0, cols, msg, (size_t)-1, ui_attr(error ? SP_STYLE_BAD : SP_STYLE_NORMAL), false);
        else if (filter[0])
            ui_textf(w, 0, 0, cols, ui_attr(SP_STYLE_DIM), "filter: %s  (/ to edit, Esc to clear)", filter);
    }
    wnoutrefresh(w);
}

void sp_bars_hints(WINDOW *w, const sp_binding *const *maps, size_t n, unsigned mode)
{
    int cols = getmaxx(w);
    werase(w);
    const sp_binding *h[64];
    size_t nh = sp_keymap_hints(maps, n, mode, cols, h, sizeof h / sizeof h[0]);
    int x = 0;
    for (size_t i = 0; i < nh && x < cols; i++) {
        const char *key = h[i]->hint_key ? h[i]->hint_key : h[i]->label;
        if (i)
            x += ui_text(w, 0, x, cols - x, " ", 1, A_NORMAL, false);
        x += ui_text(w, 0, x, cols - x, key, (size_t)-1, ui_attr(SP_STYLE_HINT_KEY), false);
        x += ui_text(w, 0, x, cols - x, " ", 1, ui_attr(SP_STYLE_HINT_TEXT), false);
        x += ui_text(w, 0, x, cols - x, h[i]->hint, (size_t)-1, ui_attr(SP_STYLE_HINT_TEXT), false);
    }
    wnoutrefresh(w);
}

void sp_bars_too_small(int rows, int cols, int min_cols, int min_rows)
{
    werase(stdscr);
    static const char msg[] = "terminal too small";
    char need[64];
    snprintf(need, sizeof need, "need %dx%d, have %dx%d", min_cols, min_rows, cols, rows);
    int y = rows / 2;
    int x = cols > (int)sizeof msg ? (cols - (int)sizeof msg + 1) / 2 : 0;
    ui_text(stdscr, y, x, cols - x, msg, (size_t)-1, A_BOLD, false);
    ui_text(stdscr, y + 1, 0, cols, need, (size_t)-1, A_NORMAL, false);
    wnoutrefresh(stdscr);
}
