/* Drawing helpers. ui_text is where outside text meets the terminal: it
 * escapes as it goes (see safetext.c), so only what fits is ever escaped. */
#include "sockpit/tui/ui.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "sockpit/core/safetext.h"

static attr_t styles[SP_STYLE_COUNT];
static bool color_on;
static bool ascii_only;

bool ui_locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

void ui_init_styles(bool color)
{
    /* Outside a UTF-8 locale the terminal cannot be sent other characters:
     * they are drawn as '?', visibly, rather than as blanks. */
    ascii_only = !ui_locale_utf8();
    color_on = color && has_colors() && start_color() == OK;
    if (color_on) {
        use_default_colors();
        /* pair, foreground, background: -1 is the terminal's own. */
        static const short pairs[][3] = {
            { 1, COLOR_BLACK, COLOR_CYAN },   /* active tab, hint key */
            { 2, COLOR_CYAN, -1 },            /* header */
            { 3, COLOR_BLACK, COLOR_GREEN },  /* selection */
            { 4, COLOR_GREEN, -1 },
            { 5, COLOR_YELLOW, -1 },
            { 6, COLOR_RED, -1 },
            { 7, COLOR_WHITE, COLOR_BLUE },   /* tab bar, hint text */
            { 8, COLOR_BLACK, COLOR_YELLOW }, /* frozen */
            { 9, COLOR_MAGENTA, -1 },
        };
        for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
            init_pair(pairs[i][0], pairs[i][1], pairs[i][2]);
        styles[SP_STYLE_NORMAL] = A_NORMAL;
        styles[SP_STYLE_TAB] = COLOR_PAIR(7);
        styles[SP_STYLE_TAB_ACTIVE] = COLOR_PAIR(1) | A_BOLD;
        styles[SP_STYLE_HEADER] = COLOR_PAIR(2) | A_BOLD;
        styles[SP_STYLE_SELECTED] = COLOR_PAIR(3);
        styles[SP_STYLE_DIM] = A_DIM;
        styles[SP_STYLE_GOOD] = COLOR_PAIR(4);
        styles[SP_STYLE_WARN] = COLOR_PAIR(5);
        styles[SP_STYLE_BAD] = COLOR_PAIR(6) | A_BOLD;
        styles[SP_STYLE_HINT_KEY] = A_BOLD;
        styles[SP_STYLE_HINT_TEXT] = COLOR_PAIR(1);
        styles[SP_STYLE_FROZEN] = COLOR_PAIR(8) | A_BOLD;
        styles[SP_STYLE_ACCENT] = COLOR_PAIR(9) | A_BOLD;
        return;
    }
    /* Monochrome: still readable, the selection in reverse video. */
    styles[SP_STYLE_NORMAL] = A_NORMAL;
    styles[SP_STYLE_TAB] = A_NORMAL;
    styles[SP_STYLE_TAB_ACTIVE] = A_REVERSE | A_BOLD;
    styles[SP_STYLE_HEADER] = A_BOLD | A_UNDERLINE;
    styles[SP_STYLE_SELECTED] = A_REVERSE;
    styles[SP_STYLE_DIM] = A_DIM;
    styles[SP_STYLE_GOOD] = A_NORMAL;
    styles[SP_STYLE_WARN] = A_BOLD;
    styles[SP_STYLE_BAD] = A_BOLD;
    styles[SP_STYLE_HINT_KEY] = A_BOLD;
    styles[SP_STYLE_HINT_TEXT] = A_REVERSE;
    styles[SP_STYLE_FROZEN] = A_REVERSE | A_BOLD;
    styles[SP_STYLE_ACCENT] = A_BOLD;
}

attr_t ui_attr(sp_style s) { return s < SP_STYLE_COUNT ? styles[s] : A_NORMAL; }

int ui_text(WINDOW *w, int y, int x, int width, const char *s, size_t len, attr_t attr, bool pad)
{
    int maxy, maxx;
    getmaxyx(w, maxy, maxx);
    if (y < 0 || y >= maxy || x < 0 || x >= maxx || width <= 0)
        return 0;
    if (width > maxx - x)
        width = maxx - x;
    if (!s)
        s = "";
    if (len == (size_t)-1)
        len = strlen(s);

    wchar_t wbuf[512];
    size_t nw = 0;
    int cols = 0;
    size_t i = 0;
    unsigned run = 0;
    while (i < len && nw + 16 < sizeof wbuf / sizeof wbuf[0]) {
        uint32_t cp;
        size_t n = sp_utf8_decode(s + i, len - i, &cp);
        /* The same escaping as sp_escape, one character at a time, so a long
         * string is escaped only as far as it is shown. */
        char esc[16];
        size_t e = sp_escape_step(s + i, n, cp, &run, esc);
        /* The escaped piece is ASCII (\x..), U+FFFD, or the character itself. */
        size_t j = 0;
        bool full = false;
        while (j < e) {
            uint32_t c;
            j += sp_utf8_decode(esc + j, e - j, &c);
            int cw = wcwidth((wchar_t)c);
            if (ascii_only && c >= 0x80) {
                c = '?';
                cw = 1;
            } else if (cw < 0) {
                c = 0xFFFD;
                cw = 1;
            }
            if (cw == 0 && nw == 0)
                continue; /* a lone combining mark at the start has no base */
            if (cols + cw > width) {
                full = true;
                break;
            }
            wbuf[nw++] = (wchar_t)c;
            cols += cw;
        }
        if (full)
            break;
        i += n;
    }
    /* Cut text ends in an ellipsis, so a clipped name or address is never
     * mistaken for a whole one. */
    if (i < len && width > 0) {
        while (nw > 0 && cols + 1 > width) {
            int cw = wcwidth(wbuf[--nw]);
            cols -= cw > 0 ? cw : 0;
        }
        wbuf[nw++] = ascii_only ? L'~' : L'\u2026';
        cols++;
    }
    wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
    if (nw > 0)
        mvwaddnwstr(w, y, x, wbuf, (int)nw);
    else
        wmove(w, y, x);
    if (pad)
        for (int c = cols; c < width; c++)
            waddch(w, ' ');
    wattr_set(w, A_NORMAL, 0, NULL);
    return cols;
}

int ui_textf(WINDOW *w, int y, int x, int width, attr_t attr, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above; a clang 14 false positive */
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 0;
    return ui_text(w, y, x, width, buf, (size_t)-1, attr, false);
}

void ui_fill(WINDOW *w, int y, int x, int width, attr_t attr)
{
    ui_text(w, y, x, width, "", 0, attr, true);
}

int ui_column_x(const ui_column *cols, int c)
{
    int x = 0;
    for (int i = 0; i < c; i++)
        x += cols[i].width + 1;
    return x;
}

void ui_table_cell(WINDOW *w, int y, const ui_column *cols, int c, const char *s, size_t len, attr_t attr)
{
    int x = ui_column_x(cols, c);
    int width = cols[c].width;
    if (width <= 0)
        return;
    if (cols[c].right) {
        if (len == (size_t)-1)
            len = s ? strlen(s) : 0;
        int tw = (int)sp_text_width(s ? s : "", len);
        if (tw < width) {
            ui_fill(w, y, x, width - tw, attr);
            ui_text(w, y, x + width - tw, tw, s, len, attr, false);
            return;
        }
    }
    ui_text(w, y, x, width, s, len, attr, true);
}

int ui_table_header(WINDOW *w, int y, const ui_column *cols, int ncols, int sort_col)
{
    attr_t a = ui_attr(SP_STYLE_HEADER);
    ui_fill(w, y, 0, getmaxx(w), a);
    for (int c = 0; c < ncols; c++) {
        char t[64];
        snprintf(t, sizeof t, "%s%s", cols[c].title, c == sort_col ? "\xe2\x96\xbe" : "");
        ui_table_cell(w, y, cols, c, t, (size_t)-1, a);
    }
    return ui_column_x(cols, ncols);
}
