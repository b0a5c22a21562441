/* The tab bar, status line, hint bar and the "too small" screen. */
#include "sockpit/tui/bars.h"

#include <stdio.h>
#include <string.h>

/* When every title does not fit (seven panes at 80 columns), the inactive
 * tabs show their number only: the digit still says which key switches. */
static bool tabs_compact(const sp_pane_ops *const *panes, int n, int cols)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += (int)strlen(panes[i]->title) + 5;
    return total > cols;
}

static int tab_label(char *buf, size_t len, const sp_pane_ops *const *panes, int i, int active, bool compact)
{
    if (i == active)
        return snprintf(buf, len, "[%d %s]", i + 1, panes[i]->title);
    if (compact)
        return snprintf(buf, len, " %d ", i + 1);
    return snprintf(buf, len, " %d %s ", i + 1, panes[i]->title);
}

void sp_bars_tabs(WINDOW *w, const sp_pane_ops *const *panes, int n, int active, bool frozen)
{
    int cols = getmaxx(w);
    bool compact = tabs_compact(panes, n, cols);
    ui_fill(w, 0, 0, cols, ui_attr(SP_STYLE_TAB));
    int x = 0;
    for (int i = 0; i < n; i++) {
        char label[64];
        /* Brackets mark the active tab without color too, as tmux's '*'. */
        tab_label(label, sizeof label, panes, i, active, compact);
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

int sp_bars_tab_at(const sp_pane_ops *const *panes, int n, int active, int cols, int x)
{
    bool compact = tabs_compact(panes, n, cols);
    int left = 0;
    for (int i = 0; i < n; i++) {
        char label[64];
        int wlab = tab_label(label, sizeof label, panes, i, active, compact);
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
