/* Plain-text tables: cells are escaped when added, measured in terminal
 * columns, and printed padded with two blanks between columns. */
#include "sockpit/core/texttable.h"

#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"

struct sp_texttable {
    size_t ncols, nrows, cap;
    char **cells;     /* (nrows + 1) * ncols: the headings first */
    size_t *width;    /* widest cell per column */
    size_t *limit;    /* 0: none */
};

static void put_row(sp_texttable *t, size_t row, const char *const *cells)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = cells[c] && cells[c][0] ? cells[c] : "-";
        char *e = sp_escape_dup(s, strlen(s));
        size_t w = sp_text_width(e, strlen(e));
        if (w > t->width[c])
            t->width[c] = w;
        t->cells[row * t->ncols + c] = e;
    }
}

sp_texttable *sp_texttable_new(size_t ncols, const char *const *headings)
{
    sp_texttable *t = sp_xcalloc(1, sizeof *t);
    t->ncols = ncols;
    t->cap = 16;
    t->cells = sp_xcalloc(t->cap * ncols, sizeof *t->cells);
    t->width = sp_xcalloc(ncols, sizeof *t->width);
    t->limit = sp_xcalloc(ncols, sizeof *t->limit);
    put_row(t, 0, headings);
    return t;
}

void sp_texttable_cap(sp_texttable *t, size_t c, size_t width)
{
    if (c < t->ncols)
        t->limit[c] = width;
}

void sp_texttable_add(sp_texttable *t, const char *const *cells)
{
    if (t->nrows + 2 > t->cap) {
        t->cap *= 2;
        t->cells = sp_xreallocarray(t->cells, t->cap * t->ncols, sizeof *t->cells);
    }
    put_row(t, ++t->nrows, cells);
}

/* Writes s clipped to `limit` columns (an ellipsis marks the cut) and
 * returns the columns written. */
static size_t put_cell(const char *s, size_t limit, FILE *out)
{
    size_t len = strlen(s);
    if (!limit || sp_text_width(s, len) <= limit) {
        fputs(s, out);
        return sp_text_width(s, len);
    }
    size_t cols = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_decode(s + i, len - i, &cp);
        size_t w = (size_t)sp_cp_width(cp);
        if (cols + w + 1 > limit)
            break;
        fwrite(s + i, 1, n, out);
        cols += w;
        i += n;
    }
    fputs("\xe2\x80\xa6", out);
    return cols + 1;
}

void sp_texttable_print(const sp_texttable *t, FILE *out)
{
    for (size_t r = 0; r <= t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            size_t w = t->limit[c] && t->limit[c] < t->width[c] ? t->limit[c] : t->width[c];
            size_t used = put_cell(t->cells[r * t->ncols + c], w, out);
            if (c + 1 < t->ncols)
                for (; used < w + 2; used++)
                    fputc(' ', out);
        }
        fputc('\n', out);
    }
}

void sp_texttable_free(sp_texttable *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->width);
    free(t->limit);
    free(t);
}
