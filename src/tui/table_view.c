/* Drawing a table with ui_text (so every cell is escaped and clipped) and
 * the keys all tables share. */
#include "sockpit/tui/table_view.h"

#include <stdio.h>
#include <string.h>

#include "sockpit/core/safetext.h"
#include "sockpit/tui/keys.h"

/* Cell text aligned in its column; clipped text ends in an ellipsis (ui_text). */
static void draw_cell(WINDOW *w, int y, int x, int width, const sp_column *col, const char *s, size_t len,
                      int cw, attr_t a)
{
    if (col->right && cw < width) {
        ui_fill(w, y, x, width - cw, a);
        ui_text(w, y, x + width - cw, cw, s, len, a, true);
    } else {
        ui_text(w, y, x, width, s, len, a, true);
    }
}

static void draw_header(const sp_table *t, WINDOW *w, int y, int width)
{
    attr_t a = ui_attr(SP_STYLE_HEADER);
    ui_fill(w, y, 0, width, a);
    const int *wd = sp_table_widths(t);
    for (size_t c = 0; c < sp_table_columns(t); c++) {
        int x = sp_table_column_x(t, c);
        if (x < 0 || x >= width)
            continue;
        const sp_column *col = sp_table_column(t, c);
        char title[80];
        bool sorted = (int)c == sp_table_sort_col(t);
        /* ▾ descending, ▴ ascending, as htop marks its sort column (v and ^
         * where the terminal has only ASCII). */
        bool utf8 = ui_locale_utf8();
        const char *mark = sp_table_sort_desc(t) ? (utf8 ? "\xe2\x96\xbe" : "v") : (utf8 ? "\xe2\x96\xb4" : "^");
        int n = snprintf(title, sizeof title, "%s%s", col->title, sorted ? mark : "");
        int tw = (int)strlen(col->title) + (sorted ? 1 : 0);
        int cw = wd[c] < width - x ? wd[c] : width - x;
        draw_cell(w, y, x, cw, col, title, (size_t)(n > 0 ? n : 0), tw, a);
    }
}

static attr_t cell_attr(int style, bool selected, bool focused)
{
    if (selected)
        return focused ? ui_attr(SP_STYLE_SELECTED) : (ui_attr(SP_STYLE_DIM) | A_REVERSE);
    return ui_attr(style > 0 && style < SP_STYLE_COUNT ? (sp_style)style : SP_STYLE_NORMAL);
}

void sp_table_draw(sp_table *t, WINDOW *w, int y, int height, bool focused, const char *empty)
{
    int width = getmaxx(w);
    if (height <= 0 || width <= 0)
        return;
    size_t n = sp_table_count(t);
    /* The count line needs the height, and the height the count line:
     * measure with it, drop it when everything fits without it. */
    int rows = height - 1;
    bool count_line = sp_table_frozen(t) || sp_table_total(t) > n || n > (size_t)(rows > 0 ? rows : 0);
    if (count_line && rows > 1)
        rows--;
    else
        count_line = false;
    sp_table_place(t, y, y + 1, rows, width);
    draw_header(t, w, y, width);
    const sp_listview *lv = sp_table_view(t);
    const int *wd = sp_table_widths(t);
    for (int r = 0; r < rows; r++) {
        int ry = y + 1 + r;
        size_t row = lv->top + (size_t)r;
        if (row >= n) {
            ui_fill(w, ry, 0, width, ui_attr(SP_STYLE_NORMAL));
            if (row == 0 && r == 0 && empty)
                ui_text(w, ry, 1, width - 1, empty, (size_t)-1, ui_attr(SP_STYLE_DIM), true);
            continue;
        }
        bool sel = row == lv->sel;
        ui_fill(w, ry, 0, width, cell_attr(0, sel, focused));
        for (size_t c = 0; c < sp_table_columns(t); c++) {
            int x = sp_table_column_x(t, c);
            if (x < 0 || x >= width)
                continue;
            size_t len;
            const char *s = sp_table_text(t, row, c, &len);
            int cw = wd[c] < width - x ? wd[c] : width - x;
            draw_cell(w, ry, x, cw, sp_table_column(t, c), s, len, (int)sp_text_width(s, len),
                      cell_attr(sp_table_style(t, row, c), sel, focused));
        }
    }
    if (!count_line)
        return;
    int cy = y + 1 + rows;
    ui_fill(w, cy, 0, width, ui_attr(SP_STYLE_DIM));
    int x = 0;
    if (sp_table_frozen(t)) {
        char fz[64];
        unsigned p = sp_table_pending(t);
        if (p)
            snprintf(fz, sizeof fz, " FROZEN \xc2\xb7 %u update%s ", p, p == 1 ? "" : "s");
        else
            snprintf(fz, sizeof fz, " FROZEN ");
        x = ui_text(w, cy, 0, width, fz, (size_t)-1, ui_attr(SP_STYLE_FROZEN), false) + 1;
    }
    char line[96];
    sp_table_count_text(t, line, sizeof line);
    if (line[0] && x < width)
        ui_text(w, cy, x, width - x, line, (size_t)-1, ui_attr(SP_STYLE_DIM), false);
}

bool sp_table_handle_key(sp_table *t, const sp_key *k, sp_redraw *redraw, bool *activate)
{
    *activate = false;
    if (k->fn && (k->code == SP_KEY_WHEEL_UP || k->code == SP_KEY_WHEEL_DOWN)) {
        if (sp_table_scroll(t, k->code == SP_KEY_WHEEL_UP ? -3 : 3))
            *redraw |= SP_REDRAW_BODY;
        return true;
    }
    if (k->fn && k->code == KEY_MOUSE) {
        size_t row;
        int col;
        sp_hit h = sp_table_hit(t, k->mouse_y, k->mouse_x, &row, &col);
        if (h == SP_HIT_NONE)
            return false;
        sp_table_click(t, k->mouse_y, k->mouse_x);
        *activate = h == SP_HIT_ROW && k->clicks >= 2;
        *redraw |= SP_REDRAW_BODY;
        return true;
    }
    sp_nav nav;
    if (!sp_key_nav(k, &nav))
        return false;
    if (sp_table_nav(t, nav))
        *redraw |= SP_REDRAW_BODY;
    return true;
}
