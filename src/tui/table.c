/* The table model: two generations of rows by value (the one shown and the
 * one being built or waiting behind a freeze), a display order, and the
 * selection held by key. A table with a source holds keys and references
 * instead, and the cells of the rows on screen. */
#include "sockpit/tui/table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"

/* One allocation with the columns in `off` (bit i: column i) left out. */
static void fit_once(const sp_column *cols, size_t n, const int *want, int width, uint64_t off, int *out)
{
    int need = -1, maxprio = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (i < 64 && (off >> i & 1)) || (want && want[i] < 0) ? 0 : cols[i].min > 0 ? cols[i].min : 1;
        if (out[i])
            need += out[i] + 1;
        if (cols[i].prio > maxprio)
            maxprio = cols[i].prio;
    }
    /* Drop columns, most expendable first (the rightmost on ties), until
     * the rest fit at their minimum. */
    while (need > width) {
        size_t drop = n;
        for (size_t i = 0; i < n; i++)
            if (out[i] && cols[i].prio > 0 && (drop == n || cols[i].prio >= cols[drop].prio))
                drop = i;
        if (drop == n)
            break;
        need -= out[drop] + 1;
        out[drop] = 0;
    }
    int spare = width > need ? width - need : 0;
    /* Content first, in order of importance. */
    for (int p = 0; p <= maxprio && spare > 0; p++) {
        for (size_t i = 0; i < n && spare > 0; i++) {
            if (!out[i] || cols[i].prio != p)
                continue;
            int target = want ? want[i] : out[i];
            if (cols[i].max > 0 && target > cols[i].max)
                target = cols[i].max;
            if (target > out[i]) {
                int add = target - out[i] < spare ? target - out[i] : spare;
                out[i] += add;
                spare -= add;
            }
        }
    }
    /* What is left goes to the columns that can use it, shared evenly. */
    while (spare > 0) {
        int takers = 0;
        for (size_t i = 0; i < n; i++)
            if (out[i] && cols[i].grow && (cols[i].max <= 0 || out[i] < cols[i].max))
                takers++;
        if (takers == 0)
            break;
        int each = spare / takers ? spare / takers : 1;
        for (size_t i = 0; i < n && spare > 0; i++) {
            if (!out[i] || !cols[i].grow || (cols[i].max > 0 && out[i] >= cols[i].max))
                continue;
            int add = each < spare ? each : spare;
            if (cols[i].max > 0 && out[i] + add > cols[i].max)
                add = cols[i].max - out[i];
            out[i] += add;
            spare -= add;
        }
    }
}

int sp_columns_fit(const sp_column *cols, size_t n, const int *want, int width, int *out)
{
    if (n == 0)
        return 0;
    /* A column cut short while a less important one is shown whole is the
     * wrong trade: that one gives way too, until the cut one is the least
     * important left (a clipped name matters more than a timestamp). */
    uint64_t off = 0;
    for (;;) {
        fit_once(cols, n, want, width, off, out);
        int cut = -1;
        for (size_t i = 0; want && i < n; i++) {
            int target = cols[i].max > 0 && want[i] > cols[i].max ? cols[i].max : want[i];
            if (out[i] && out[i] < target && (cut < 0 || cols[i].prio < cut))
                cut = cols[i].prio;
        }
        if (cut < 0)
            break;
        size_t drop = n;
        for (size_t i = 0; i < n && i < 64; i++)
            if (out[i] && cols[i].prio > cut && (drop == n || cols[i].prio >= cols[drop].prio))
                drop = i;
        if (drop == n)
            break;
        off |= (uint64_t)1 << drop;
    }
    int used = -1;
    for (size_t i = 0; i < n; i++)
        if (out[i])
            used += out[i] + 1;
    return used < 0 ? 0 : used;
}

typedef struct cell {
    size_t off;    /* into the generation's text, NUL-terminated there */
    size_t len;
    int64_t num;
    int width;     /* terminal columns, as drawn */
    int style;
} cell;

typedef struct gen {
    uint64_t *keys;
    size_t n, keycap;
    size_t *refs;  /* with a source: the pane's reference of each row */
    size_t refcap;
    cell *cells;   /* n * ncols, row-major */
    size_t ncells, cellcap;
    char *text;
    size_t tlen, tcap;
    size_t total;
} gen;

struct sp_table {
    const sp_column *cols;
    size_t ncols;
    gen g[2];
    size_t *order;      /* display order: rows of the shown generation */
    size_t ordercap;
    int *want;
    int *fitwant;       /* want as given to sp_columns_fit: -1 for a hidden column */
    uint64_t hidden;    /* columns the pane has nothing for (bit i: column i) */
    int *widths;
    sp_listview lv;
    uint64_t sel_key;
    sp_table_source src;
    gen *target;        /* where sp_table_cell writes; NULL: the generation being built */
    gen win;            /* with a source: the cells of the rows from win_top on, as drawn */
    size_t win_top;
    gen one;            /* and of one row off the window */
    size_t one_row;
    int64_t *snum;      /* with a source: each row's sort key, a number */
    size_t *soff;       /* or a text in stext */
    size_t snumcap, soffcap;
    char *stext;
    size_t stlen, stcap;
    int shown;          /* index of the generation shown */
    unsigned pending;
    int header_y, rows_y, rows;
    int sort_col;
    bool frozen;
    bool waiting;       /* g[!shown] holds a generation committed while frozen */
    bool desc;
    bool has_sel;
    /* The selection was put somewhere (a key, a click, a search); until
     * then the table shows its top, however the rows arrive. */
    bool chosen;
    bool lazy;          /* src is set */
    bool win_valid;
    bool one_valid;
};

sp_table *sp_table_new(const sp_column *cols, size_t ncols, int sort_col, bool desc)
{
    sp_table *t = sp_xcalloc(1, sizeof *t);
    t->cols = cols;
    t->ncols = ncols;
    t->want = sp_xcalloc(ncols, sizeof *t->want);
    t->fitwant = sp_xcalloc(ncols, sizeof *t->fitwant);
    t->widths = sp_xcalloc(ncols, sizeof *t->widths);
    t->header_y = t->rows_y = -1;
    t->sort_col = sort_col >= 0 && (size_t)sort_col < ncols && cols[sort_col].sort != SP_SORT_NONE ? sort_col : -1;
    t->desc = desc;
    t->lv.height = 1;
    return t;
}

static void gen_free(gen *g)
{
    free(g->keys);
    free(g->refs);
    free(g->cells);
    free(g->text);
}

void sp_table_free(sp_table *t)
{
    if (!t)
        return;
    gen_free(&t->g[0]);
    gen_free(&t->g[1]);
    gen_free(&t->win);
    gen_free(&t->one);
    free(t->snum);
    free(t->soff);
    free(t->stext);
    free(t->order);
    free(t->want);
    free(t->fitwant);
    free(t->widths);
    free(t);
}

static gen *building(sp_table *t) { return &t->g[!t->shown]; }
static const gen *shown(const sp_table *t) { return &t->g[t->shown]; }

static void gen_clear(gen *g) { g->n = g->ncells = g->tlen = 0; }

void sp_table_begin(sp_table *t, size_t total)
{
    gen *g = building(t);
    gen_clear(g);
    g->total = total;
}

static void add_cell(gen *g, const char *s, size_t len, int64_t num, int style)
{
    SP_GROW(g->cells, g->cellcap, g->ncells + 1);
    SP_GROW(g->text, g->tcap, g->tlen + len + 1);
    memcpy(g->text + g->tlen, s, len);
    g->text[g->tlen + len] = '\0';
    g->cells[g->ncells++] = (cell){ .off = g->tlen, .len = len, .num = num,
                                    .width = (int)sp_text_width(s, len), .style = style };
    g->tlen += len + 1;
}

/* Empty cells for whatever the last row did not give. */
static void pad_row(sp_table *t, gen *g)
{
    while (g->ncells < g->n * t->ncols)
        add_cell(g, "", 0, 0, 0);
}

uint64_t sp_table_key_add(uint64_t key, const void *bytes, size_t len)
{
    for (const unsigned char *c = bytes; len--; c++)
        key = (key ^ *c) * 1099511628211ull;
    return key;
}

void sp_table_row(sp_table *t, uint64_t key)
{
    gen *g = building(t);
    pad_row(t, g);
    SP_GROW(g->keys, g->keycap, g->n + 1);
    g->keys[g->n++] = key;
}

void sp_table_row_ref(sp_table *t, uint64_t key, size_t ref)
{
    gen *g = building(t);
    SP_GROW(g->keys, g->keycap, g->n + 1);
    SP_GROW(g->refs, g->refcap, g->n + 1);
    g->keys[g->n] = key;
    g->refs[g->n++] = ref;
}

void sp_table_set_source(sp_table *t, const sp_table_source *src)
{
    t->src = *src;
    t->lazy = true;
}

void sp_table_cell(sp_table *t, const char *s, size_t len, int64_t num, int style)
{
    gen *g = t->target ? t->target : building(t);
    if (g->n == 0 || g->ncells >= g->n * t->ncols)
        return;
    add_cell(g, s, len == (size_t)-1 ? strlen(s) : len, num, style);
}

void sp_table_cellf(sp_table *t, int64_t num, int style, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started just above; clang 14 cannot see it */
    int w = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t len = w < 0 ? 0 : (size_t)w >= sizeof buf ? sizeof buf - 1 : (size_t)w;
    sp_table_cell(t, buf, len, num, style);
}

static const cell *cell_at(const sp_table *t, const gen *g, size_t row, size_t col)
{
    return &g->cells[row * t->ncols + col];
}

static int compare_rows(const void *a, const void *b, void *ud)
{
    const sp_table *t = ud;
    size_t ra = *(const size_t *)a, rb = *(const size_t *)b;
    int c = 0;
    if (t->sort_col >= 0) {
        bool num = t->cols[t->sort_col].sort == SP_SORT_NUM;
        if (t->lazy && num) {
            c = t->snum[ra] < t->snum[rb] ? -1 : t->snum[ra] > t->snum[rb];
        } else if (t->lazy) {
            c = strcasecmp(t->stext + t->soff[ra], t->stext + t->soff[rb]);
        } else {
            const gen *g = shown(t);
            const cell *ca = cell_at(t, g, ra, (size_t)t->sort_col), *cb = cell_at(t, g, rb, (size_t)t->sort_col);
            c = num ? (ca->num < cb->num ? -1 : ca->num > cb->num) : strcasecmp(g->text + ca->off, g->text + cb->off);
        }
        if (t->desc)
            c = -c;
    }
    /* Equal rows keep the pane's order, whichever the direction. */
    return c ? c : (ra > rb) - (ra < rb);
}

/* The sort key of every row of a table with a source, asked once each. */
static void lazy_sort_keys(sp_table *t)
{
    const gen *g = shown(t);
    size_t col = (size_t)t->sort_col;
    bool num = t->cols[col].sort == SP_SORT_NUM;
    if (num)
        SP_GROW(t->snum, t->snumcap, g->n);
    else
        SP_GROW(t->soff, t->soffcap, g->n);
    t->stlen = 0;
    for (size_t i = 0; i < g->n; i++) {
        char buf[256] = "";
        int64_t v = t->src.sort_key(t->src.ud, g->refs[i], col, buf, sizeof buf);
        if (num) {
            t->snum[i] = v;
            continue;
        }
        size_t len = strnlen(buf, sizeof buf - 1);
        SP_GROW(t->stext, t->stcap, t->stlen + len + 1);
        memcpy(t->stext + t->stlen, buf, len);
        t->stext[t->stlen + len] = '\0';
        t->soff[i] = t->stlen;
        t->stlen += len + 1;
    }
}

/* Appends the cells of row `row` (display order) of a table with a source
 * to g. */
static void fill_row(sp_table *t, gen *g, size_t row)
{
    g->n++;
    t->target = g;
    t->src.fill(t->src.ud, t, shown(t)->refs[t->order[row]]);
    t->target = NULL;
    pad_row(t, g);
}

/* The rows on screen, filled once per generation and scroll position;
 * the columns widen to what they show. */
static void fill_window(sp_table *t)
{
    const gen *g = shown(t);
    size_t top = t->lv.top, rows = t->rows > 0 ? (size_t)t->rows : 1;
    size_t n = top < g->n ? (g->n - top < rows ? g->n - top : rows) : 0;
    if (t->win_valid && t->win_top == top && t->win.n == n)
        return;
    gen_clear(&t->win);
    for (size_t r = top; r < top + n; r++)
        fill_row(t, &t->win, r);
    t->win_top = top;
    t->win_valid = true;
    for (size_t c = 0; c < t->ncols; c++)
        for (size_t r = 0; r < n; r++)
            if (cell_at(t, &t->win, r, c)->width > t->want[c])
                t->want[c] = cell_at(t, &t->win, r, c)->width;
}

/* A cell of the rows shown and the text it points to. The caches of a
 * table with a source change here, not what the table shows. */
static const cell *row_cell(const sp_table *ct, size_t row, size_t col, const char **text)
{
    sp_table *t = (sp_table *)ct;
    const gen *g = shown(t);
    const cell *c;
    if (!t->lazy) {
        c = cell_at(t, g, t->order[row], col);
    } else if (t->win_valid && row >= t->win_top && row - t->win_top < t->win.n) {
        g = &t->win;
        c = cell_at(t, g, row - t->win_top, col);
    } else {
        if (!t->one_valid || t->one_row != row) {
            gen_clear(&t->one);
            fill_row(t, &t->one, row);
            t->one_row = row;
            t->one_valid = true;
        }
        g = &t->one;
        c = cell_at(t, g, 0, col);
    }
    *text = g->text + c->off;
    return c;
}

static void sync_key(sp_table *t)
{
    const gen *g = shown(t);
    t->has_sel = g->n > 0;
    if (t->has_sel)
        t->sel_key = g->keys[t->order[t->lv.sel]];
}

/* Rebuilds the display order of the shown generation and puts the
 * selection on its key; a row that is gone hands it to the row now at its
 * place. keep_top: a selection on the first row stays there (a new sort
 * shows the top of the new order). A selection nobody chose stays on top. */
static void apply(sp_table *t, bool keep_top)
{
    const gen *g = shown(t);
    size_t old = t->lv.sel;
    bool top = keep_top && old == 0;
    SP_GROW(t->order, t->ordercap, g->n);
    for (size_t i = 0; i < g->n; i++)
        t->order[i] = i;
    /* An empty generation has no order array yet (qsort wants one). */
    t->win_valid = t->one_valid = false;
    if (t->sort_col >= 0 && g->n > 1) {
        if (t->lazy)
            lazy_sort_keys(t);
        qsort_r(t->order, g->n, sizeof *t->order, compare_rows, t);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        /* A sortable column keeps room for its sort marker. */
        int w = (int)sp_text_width(t->cols[c].title, strlen(t->cols[c].title)) + (t->cols[c].sort != SP_SORT_NONE);
        for (size_t r = 0; !t->lazy && r < g->n; r++)
            if (cell_at(t, g, r, c)->width > w)
                w = cell_at(t, g, r, c)->width;
        t->want[c] = w;
    }
    size_t sel = old;
    if (top || !t->chosen)
        sel = 0;
    else if (t->has_sel) {
        for (size_t i = 0; i < g->n; i++) {
            if (g->keys[t->order[i]] == t->sel_key) {
                sel = i;
                break;
            }
        }
    }
    t->lv.count = g->n;
    sp_listview_select(&t->lv, sel);
    sync_key(t);
}

bool sp_table_commit(sp_table *t)
{
    gen *g = building(t);
    if (!t->lazy)
        pad_row(t, g);
    if (t->frozen) {
        t->waiting = true;
        t->pending++;
        return false;
    }
    t->shown = !t->shown;
    apply(t, false);
    return true;
}

void sp_table_freeze(sp_table *t, bool frozen)
{
    t->frozen = frozen;
    if (frozen)
        return;
    if (t->waiting) {
        t->shown = !t->shown;
        apply(t, false);
    }
    t->waiting = false;
    t->pending = 0;
}

void sp_table_defer(sp_table *t)
{
    if (t->frozen)
        t->pending++;
}

bool sp_table_frozen(const sp_table *t) { return t->frozen; }
unsigned sp_table_pending(const sp_table *t) { return t->pending; }
size_t sp_table_count(const sp_table *t) { return shown(t)->n; }

size_t sp_table_total(const sp_table *t)
{
    const gen *g = shown(t);
    return g->total > g->n ? g->total : g->n;
}

uint64_t sp_table_row_key(const sp_table *t, size_t row)
{
    return row < shown(t)->n ? shown(t)->keys[t->order[row]] : 0;
}

const char *sp_table_text(const sp_table *t, size_t row, size_t col, size_t *len)
{
    if (row >= shown(t)->n || col >= t->ncols) {
        *len = 0;
        return "";
    }
    const char *text;
    *len = row_cell(t, row, col, &text)->len;
    return text;
}

int sp_table_style(const sp_table *t, size_t row, size_t col)
{
    const char *text;
    return row < shown(t)->n && col < t->ncols ? row_cell(t, row, col, &text)->style : 0;
}

int sp_table_want(const sp_table *t, size_t col) { return col < t->ncols ? t->want[col] : 0; }
size_t sp_table_columns(const sp_table *t) { return t->ncols; }
const sp_column *sp_table_column(const sp_table *t, size_t col) { return col < t->ncols ? &t->cols[col] : NULL; }
const sp_listview *sp_table_view(const sp_table *t) { return &t->lv; }
size_t sp_table_sel(const sp_table *t) { return t->lv.sel; }

bool sp_table_selected(const sp_table *t, uint64_t *key)
{
    if (t->has_sel)
        *key = t->sel_key;
    return t->has_sel;
}

void sp_table_set_height(sp_table *t, size_t rows)
{
    sp_listview_update(&t->lv, shown(t)->n, rows ? rows : 1);
    sync_key(t);
}

bool sp_table_nav(sp_table *t, sp_nav nav)
{
    t->chosen = true;
    bool moved = sp_listview_nav(&t->lv, nav);
    sync_key(t);
    return moved;
}

bool sp_table_scroll(sp_table *t, long lines)
{
    sp_listview *lv = &t->lv;
    size_t h = lv->height ? lv->height : 1;
    if (lv->count <= h)
        return false;
    t->chosen = true;
    size_t maxtop = lv->count - h, top = lv->top, sel = lv->sel;
    if (lines < 0)
        lv->top = (size_t)-lines > lv->top ? 0 : lv->top - (size_t)-lines;
    else
        lv->top = lv->top + (size_t)lines > maxtop ? maxtop : lv->top + (size_t)lines;
    /* The selection stays put unless the view left it behind. */
    if (lv->sel < lv->top)
        lv->sel = lv->top;
    if (lv->sel >= lv->top + h)
        lv->sel = lv->top + h - 1;
    sync_key(t);
    return top != lv->top || sel != lv->sel;
}

bool sp_table_select_row(sp_table *t, size_t row)
{
    if (row >= shown(t)->n)
        return false;
    t->chosen = true;
    size_t old = t->lv.sel;
    sp_listview_select(&t->lv, row);
    sync_key(t);
    return old != row;
}

bool sp_table_select_key(sp_table *t, uint64_t key)
{
    const gen *g = shown(t);
    for (size_t i = 0; i < g->n; i++) {
        if (g->keys[t->order[i]] == key) {
            sp_table_select_row(t, i);
            return true;
        }
    }
    return false;
}

int sp_table_sort_col(const sp_table *t) { return t->sort_col; }
bool sp_table_sort_desc(const sp_table *t) { return t->desc; }

void sp_table_sort(sp_table *t, int col, bool desc)
{
    if (col >= 0 && ((size_t)col >= t->ncols || t->cols[col].sort == SP_SORT_NONE))
        return;
    t->sort_col = col < 0 ? -1 : col;
    t->desc = desc;
    apply(t, true);
}

void sp_table_show_column(sp_table *t, size_t col, bool shown)
{
    if (col >= 64 || col >= t->ncols)
        return;
    t->hidden = shown ? t->hidden & ~((uint64_t)1 << col) : t->hidden | (uint64_t)1 << col;
    if (!shown && t->sort_col == (int)col)
        sp_table_sort_move(t, 1);
}

void sp_table_sort_move(sp_table *t, int dir)
{
    int n = (int)t->ncols, c = t->sort_col;
    for (int step = 0; step < n; step++) {
        c = dir > 0 ? (c + 1) % n : (c <= 0 ? n - 1 : c - 1);
        if (t->cols[c].sort != SP_SORT_NONE && !(c < 64 && (t->hidden >> c & 1))) {
            sp_table_sort(t, c, t->cols[c].desc);
            return;
        }
    }
}

void sp_table_sort_invert(sp_table *t)
{
    if (t->sort_col >= 0)
        sp_table_sort(t, t->sort_col, !t->desc);
}

void sp_table_sort_click(sp_table *t, int col)
{
    if (col == t->sort_col)
        sp_table_sort_invert(t);
    else if (col >= 0 && (size_t)col < t->ncols)
        sp_table_sort(t, col, t->cols[col].desc);
}

int sp_table_find_column(const sp_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcasecmp(t->cols[c].title, name) == 0)
            return (int)c;
    return -1;
}

static bool row_has(const sp_table *t, size_t row, const char *needle)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const char *text;
        row_cell(t, row, c, &text);
        if (strcasestr(text, needle))
            return true;
    }
    return false;
}

bool sp_table_search(sp_table *t, const char *needle, int dir)
{
    size_t n = shown(t)->n;
    if (n == 0 || !needle || !*needle)
        return false;
    size_t r = t->lv.sel;
    for (size_t step = 0; step < n; step++) {
        r = dir > 0 ? (r + 1) % n : (r == 0 ? n - 1 : r - 1);
        if (row_has(t, r, needle)) {
            sp_table_select_row(t, r);
            return true;
        }
    }
    return false;
}

void sp_table_count_text(const sp_table *t, char *out, size_t outlen)
{
    const gen *g = shown(t);
    size_t h = t->lv.height ? t->lv.height : 1;
    size_t on_screen = g->n - t->lv.top < h ? g->n - t->lv.top : h;
    size_t total = sp_table_total(t);
    if (on_screen >= total) {
        if (outlen)
            out[0] = '\0';
        return;
    }
    if (g->n < total)
        snprintf(out, outlen, "%zu of %zu shown \xc2\xb7 %zu match", on_screen, total, g->n);
    else
        snprintf(out, outlen, "%zu of %zu shown", on_screen, total);
}

void sp_table_place(sp_table *t, int header_y, int rows_y, int rows, int width)
{
    t->header_y = header_y;
    t->rows_y = rows_y;
    t->rows = rows > 0 ? rows : 0;
    sp_table_set_height(t, (size_t)(rows > 0 ? rows : 1));
    if (t->lazy)
        fill_window(t);
    for (size_t c = 0; c < t->ncols; c++)
        t->fitwant[c] = c < 64 && (t->hidden >> c & 1) ? -1 : t->want[c];
    sp_columns_fit(t->cols, t->ncols, t->fitwant, width, t->widths);
}

const int *sp_table_widths(const sp_table *t) { return t->widths; }

int sp_table_column_x(const sp_table *t, size_t col)
{
    if (col >= t->ncols || !t->widths[col])
        return -1;
    int x = 0;
    for (size_t c = 0; c < col; c++)
        if (t->widths[c])
            x += t->widths[c] + 1;
    return x;
}

sp_hit sp_table_hit(const sp_table *t, int y, int x, size_t *row, int *col)
{
    if (t->header_y >= 0 && y == t->header_y) {
        for (size_t c = 0; c < t->ncols; c++) {
            int cx = sp_table_column_x(t, c);
            /* The space after a column belongs to it. */
            if (cx >= 0 && x >= cx && x <= cx + t->widths[c]) {
                *col = (int)c;
                return SP_HIT_HEADER;
            }
        }
        return SP_HIT_NONE;
    }
    if (t->rows_y < 0 || y < t->rows_y || y >= t->rows_y + t->rows)
        return SP_HIT_NONE;
    size_t r = t->lv.top + (size_t)(y - t->rows_y);
    if (r >= shown(t)->n)
        return SP_HIT_NONE;
    *row = r;
    return SP_HIT_ROW;
}

sp_hit sp_table_click(sp_table *t, int y, int x)
{
    size_t row = 0;
    int col = -1;
    sp_hit h = sp_table_hit(t, y, x, &row, &col);
    if (h == SP_HIT_HEADER && t->cols[col].sort != SP_SORT_NONE)
        sp_table_sort_click(t, col);
    else if (h == SP_HIT_ROW)
        sp_table_select_row(t, row);
    return h;
}
