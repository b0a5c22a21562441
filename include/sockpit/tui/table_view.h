/* Drawing a table (see table.h) and the keys every table shares. */
#ifndef SOCKPIT_TUI_TABLE_VIEW_H
#define SOCKPIT_TUI_TABLE_VIEW_H

#include <stdbool.h>

#include "sockpit/tui/keymap.h"
#include "sockpit/tui/table.h"
#include "sockpit/tui/ui.h"

/* Draws t on rows y..y+height-1 of w, across its width: the header with
 * the sort marker, the rows (the selection filled, dimmer when the table
 * has not the focus), and at the bottom a count line when rows are cut or
 * hidden, or the table is frozen ("FROZEN · 3 updates"). empty is shown
 * when there is no row. Records where it drew, for clicks. */
void sp_table_draw(sp_table *t, WINDOW *w, int y, int height, bool focused, const char *empty);

/* The keys of every table: arrows, j/k, PgUp/PgDn, Home/End, g/G; the
 * wheel (SP_KEY_WHEEL_UP/DOWN) scrolls; a click selects a row or sorts by
 * a header; a double click is reported as *activate (the pane's Enter).
 * Returns false when k is not a table key; adds what changed to *redraw. */
bool sp_table_handle_key(sp_table *t, const sp_key *k, sp_redraw *redraw, bool *activate);

#endif
