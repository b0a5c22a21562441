/* Drawing helpers over ncursesw. ui_text is the one function that puts
 * strings on the screen: it escapes control characters and invalid UTF-8
 * (see safetext.h), clips to a width in terminal columns and pads. */
#ifndef SOCKPIT_UI_H
#define SOCKPIT_UI_H

#include <stdbool.h>
#include <stddef.h>
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

/* Roles, mapped to colors or (monochrome) to bold/reverse. */
typedef enum sp_style {
    SP_STYLE_NORMAL,
    SP_STYLE_TAB,          /* inactive tab */
    SP_STYLE_TAB_ACTIVE,
    SP_STYLE_HEADER,       /* table header row */
    SP_STYLE_SELECTED,     /* the selected row */
    SP_STYLE_DIM,          /* secondary text */
    SP_STYLE_GOOD,         /* up, reachable, connected */
    SP_STYLE_WARN,         /* stale, connecting */
    SP_STYLE_BAD,          /* down, failed, errors */
    SP_STYLE_HINT_KEY,     /* the key in the hint bar */
    SP_STYLE_HINT_TEXT,
    SP_STYLE_FROZEN,
    SP_STYLE_ACCENT,       /* changes, highlights */
    SP_STYLE_COUNT
} sp_style;

/* True when the locale's character set is UTF-8; otherwise ui_text draws
 * every non-ASCII character as '?'. */
bool ui_locale_utf8(void);
/* Sets up colors (or monochrome when color is false or unsupported). */
void ui_init_styles(bool color);
attr_t ui_attr(sp_style s);

/* Draws bytes s[0..len) (len (size_t)-1: strlen) at y,x, escaped, clipped to
 * width columns and padded with spaces to width when pad. Returns the
 * columns drawn. Wide characters that would cross the edge are not drawn. */
int ui_text(WINDOW *w, int y, int x, int width, const char *s, size_t len, attr_t attr, bool pad);
/* printf into ui_text. */
int ui_textf(WINDOW *w, int y, int x, int width, attr_t attr, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Fills a row from x with spaces in attr, up to width. */
void ui_fill(WINDOW *w, int y, int x, int width, attr_t attr);

/* A column of a table: heading, width in columns, right-aligned or not. */
typedef struct ui_column {
    const char *title;
    int width;
    bool right;
} ui_column;
/* Draws a header row and returns the x after the last column. */
int ui_table_header(WINDOW *w, int y, const ui_column *cols, int ncols, int sort_col);
/* Draws one cell of a table row in column c (from the same cols). */
void ui_table_cell(WINDOW *w, int y, const ui_column *cols, int c, const char *s, size_t len, attr_t attr);
/* x where column c starts. */
int ui_column_x(const ui_column *cols, int c);

#endif
