/* The shell's bars around the pane body: the tab bar, the status line, the
 * hint bar, and the screen shown when the terminal is too small. Drawing
 * only; app.c decides when. */
#ifndef SOCKPIT_TUI_BARS_H
#define SOCKPIT_TUI_BARS_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/tui/keymap.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tui/prompt.h"
#include "sockpit/tui/ui.h"

/* "[1 Services]" for the active tab, " 2 Hosts " for the others (" 2 "
 * when the titles do not all fit), and FROZEN at the right end when the
 * active pane is frozen. */
void sp_bars_tabs(WINDOW *w, const sp_pane_ops *const *panes, int n, int active, bool frozen);
/* The tab at column x of a tab bar cols wide, or -1. */
int sp_bars_tab_at(const sp_pane_ops *const *panes, int n, int active, int cols, int x);

/* The open prompt or question; else the message (red when error); else the
 * pane's filter. */
void sp_bars_status(WINDOW *w, const sp_prompt *pr, const char *msg, bool error, const char *filter);

/* The hint bar: the hints of maps[0..n) that apply in mode, as many as fit
 * (sp_keymap_hints), each as "KEY hint". */
void sp_bars_hints(WINDOW *w, const sp_binding *const *maps, size_t n, unsigned mode);

/* The whole screen when it is smaller than min_cols x min_rows. */
void sp_bars_too_small(int rows, int cols, int min_cols, int min_rows);

#endif
