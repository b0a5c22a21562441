/* The table under every list of the TUI (after htop's Panel): columns
 * declared once, rows held by value under a stable key, selection that
 * follows its row through updates, sorting, freezing and deletions, search,
 * and the width allocation. This part draws nothing (see table_view.h), so
 * it is unit-tested directly.
 *
 * A pane feeds a whole generation of rows at a time: sp_table_begin, then
 * for each row sp_table_row and one sp_table_cell per column, then
 * sp_table_commit. The table copies the text, so nothing it shows points
 * into the pane's live data; while frozen it keeps showing the last
 * generation committed before the freeze and counts the ones that wait. */
#ifndef SOCKPIT_TUI_TABLE_H
#define SOCKPIT_TUI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/tui/listview.h"

typedef enum sp_sort_kind {
    SP_SORT_NONE, /* the column cannot be sorted on */
    SP_SORT_TEXT, /* by the cell text, case-insensitively */
    SP_SORT_NUM,  /* by the number given with the cell */
} sp_sort_kind;

typedef struct sp_column {
    const char *title;
    int min;           /* never narrower (when shown) */
    int max;           /* never wider; 0: as wide as its content */
    int prio;          /* 0: always shown; a higher number gives way first when narrow */
    bool right;        /* right-aligned (numbers) */
    bool grow;         /* takes the width left over once every column has its content */
    sp_sort_kind sort;
    bool desc;         /* the first sort on it is descending (counts, times) */
} sp_column;

/* Width allocation, a pure function. want[i] is column i's widest content
 * (title included), or -1 for a column not to show. Columns with the highest prio are dropped until the rest
 * fit at their min widths with one space between columns; then each gets up
 * to its content in order of prio (left first on ties), and what is left
 * goes to the grow columns. out[i] is 0 for a dropped column. Returns the
 * columns used in all. */
int sp_columns_fit(const sp_column *cols, size_t n, const int *want, int width, int *out);

typedef struct sp_table sp_table;

/* cols must outlive the table. sort_col -1: the pane's own order. Aborts
 * when out of memory, like every allocation of the TUI. */
sp_table *sp_table_new(const sp_column *cols, size_t ncols, int sort_col, bool desc);
void sp_table_free(sp_table *t);

/* A new generation of rows; total is how many rows the pane had before its
 * filter (for "15 of 50 shown"). */
void sp_table_begin(sp_table *t, size_t total);
/* A row key from bytes (FNV-1a): start with SP_TABLE_KEY_START and chain
 * the parts of a row's identity (a name, a family and an address). */
#define SP_TABLE_KEY_START 1469598103934665603ull
uint64_t sp_table_key_add(uint64_t key, const void *bytes, size_t len);
/* Starts a row. Keys must be unique within a generation. */
void sp_table_row(sp_table *t, uint64_t key);
/* The next cell of the row: text (len (size_t)-1: strlen), the number it
 * sorts by for SP_SORT_NUM columns, and a style (sp_style, 0: normal). */
void sp_table_cell(sp_table *t, const char *s, size_t len, int64_t num, int style);
void sp_table_cellf(sp_table *t, int64_t num, int style, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Ends the generation: sorts it and puts the selection back on its row (or
 * on the row now where it was, if its row is gone). While frozen the
 * generation waits instead. Returns true when what is shown changed. */
bool sp_table_commit(sp_table *t);

/* Rows the pane keeps itself (tens of thousands of connections): a
 * generation then holds only each row's key and the pane's reference to
 * it, and the cells of a row are asked for when it is drawn, searched or
 * read, the sort keys when a generation is committed or sorted again.
 * Column widths follow the rows drawn since the last commit. What the
 * references point to must stay as it is until the pane's next commit, so
 * while frozen the pane holds its data still and counts each update it held
 * back with sp_table_defer. */
typedef struct sp_table_source {
    /* Every cell of row ref, with sp_table_cell as for a row of its own. */
    void (*fill)(void *ud, sp_table *t, size_t ref);
    /* What row ref sorts by on column col: the number of a SP_SORT_NUM
     * column, or the text of a SP_SORT_TEXT one written into buf. */
    int64_t (*sort_key)(void *ud, size_t ref, size_t col, char *buf, size_t len);
    void *ud;
} sp_table_source;
void sp_table_set_source(sp_table *t, const sp_table_source *src);
/* Starts a row of a table with a source: its key and the pane's reference. */
void sp_table_row_ref(sp_table *t, uint64_t key, size_t ref);
void sp_table_defer(sp_table *t);

/* Freezing keeps the rows shown as they are; thawing shows the newest
 * generation that waited. */
void sp_table_freeze(sp_table *t, bool frozen);
bool sp_table_frozen(const sp_table *t);
/* Generations committed while frozen. */
unsigned sp_table_pending(const sp_table *t);

/* Rows shown, in display order. */
size_t sp_table_count(const sp_table *t);
size_t sp_table_total(const sp_table *t);
uint64_t sp_table_row_key(const sp_table *t, size_t row);
/* The text stays valid until the next call into the table (with a source,
 * a row off the screen is filled again for each such call: the cache is
 * not part of what the table shows, hence const). */
const char *sp_table_text(const sp_table *t, size_t row, size_t col, size_t *len);
int sp_table_style(const sp_table *t, size_t row, size_t col);
/* Widest content of a column over the rows shown, title included. */
int sp_table_want(const sp_table *t, size_t col);
size_t sp_table_columns(const sp_table *t);
const sp_column *sp_table_column(const sp_table *t, size_t col);

/* Selection and scrolling. */
const sp_listview *sp_table_view(const sp_table *t);
/* The selected row's key; false when the table is empty. */
bool sp_table_selected(const sp_table *t, uint64_t *key);
size_t sp_table_sel(const sp_table *t);
/* Visible rows (the view sets it every draw). */
void sp_table_set_height(sp_table *t, size_t rows);
bool sp_table_nav(sp_table *t, sp_nav nav);
/* Moves the view by lines (the mouse wheel) without losing the selection
 * unless it would leave the view. */
bool sp_table_scroll(sp_table *t, long lines);
bool sp_table_select_row(sp_table *t, size_t row);
/* Selects the row with this key; false when there is none. */
bool sp_table_select_key(sp_table *t, uint64_t key);

/* Sorting: htop's habits. sp_table_sort_move goes to the next (dir > 0) or
 * previous sortable column, each with its first direction; _invert flips
 * the direction; _click sorts by a column, or inverts if it already is. */
int sp_table_sort_col(const sp_table *t);
bool sp_table_sort_desc(const sp_table *t);
void sp_table_sort(sp_table *t, int col, bool desc);
void sp_table_sort_move(sp_table *t, int dir);
void sp_table_sort_invert(sp_table *t);
void sp_table_sort_click(sp_table *t, int col);
/* A column the pane has nothing for right now is not shown (nor sorted
 * on); columns 0-63. */
void sp_table_show_column(sp_table *t, size_t col, bool shown);
/* The column whose title is `name` (case-insensitive), or -1. */
int sp_table_find_column(const sp_table *t, const char *name);

/* Search without hiding rows: selects the next (dir > 0) or previous row,
 * after the selected one and wrapping around, that has needle in a cell
 * (case-insensitive). Returns false and leaves the selection when none has. */
bool sp_table_search(sp_table *t, const char *needle, int dir);

/* Where the view last drew the table: the header row, the first row and
 * how many rows fit, in the window's columns. Sets the height and the
 * column widths (sp_columns_fit over the rows shown). */
void sp_table_place(sp_table *t, int header_y, int rows_y, int rows, int width);
/* Width of each column after sp_table_place (0: dropped). */
const int *sp_table_widths(const sp_table *t);
/* x of column col after sp_table_place, or -1 when it is dropped. */
int sp_table_column_x(const sp_table *t, size_t col);

typedef enum sp_hit { SP_HIT_NONE, SP_HIT_HEADER, SP_HIT_ROW } sp_hit;
/* What a click at y, x (window coordinates) lands on: a header cell (*col)
 * or a row on screen (*row); below the last row, or on the count line, is
 * nothing. */
sp_hit sp_table_hit(const sp_table *t, int y, int x, size_t *row, int *col);
/* A click: a header cell sorts by its column (again: inverts), a row is
 * selected. Returns what it hit. */
sp_hit sp_table_click(sp_table *t, int y, int x);

/* "15 of 50 shown" when rows are cut by the height or hidden by a filter;
 * empty when every row is on screen. */
void sp_table_count_text(const sp_table *t, char *out, size_t outlen);

#endif
