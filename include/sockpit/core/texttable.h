/* Aligned plain-text tables for the batch commands: every cell escaped
 * (safetext.h), each column as wide as its widest cell (or a cap, with an
 * ellipsis), an empty cell shown as "-", no trailing blanks. */
#ifndef SOCKPIT_TEXTTABLE_H
#define SOCKPIT_TEXTTABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct sp_texttable sp_texttable;

/* A table with ncols columns and these headings (copied). */
sp_texttable *sp_texttable_new(size_t ncols, const char *const *headings);
/* At most `width` columns for column c (0: no cap). */
void sp_texttable_cap(sp_texttable *t, size_t c, size_t width);
/* Adds a row of ncols cells (copied; NULL counts as empty). */
void sp_texttable_add(sp_texttable *t, const char *const *cells);
void sp_texttable_print(const sp_texttable *t, FILE *out);
void sp_texttable_free(sp_texttable *t);

#endif
