/* Key presses as the TUI sees them: reading them from the terminal, and the
 * maps from keys to list moves and line edits that every pane shares. */
#ifndef SOCKPIT_KEYS_H
#define SOCKPIT_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/tui/lineedit.h"
#include "sockpit/tui/listview.h"
#include "sockpit/tui/ui.h"

#define SP_KEY_ESC 27

/* One key press. */
typedef struct sp_key {
    int code;              /* a Unicode code point, or an ncurses KEY_* value when fn */
    bool fn;
    int mouse_y, mouse_x;  /* for KEY_MOUSE: the click, relative to the pane body */
    int clicks;            /* for KEY_MOUSE: 2 for a double click */
} sp_key;

/* Reads the keys waiting in win (a nodelay window), at most max. The mouse
 * wheel becomes Up and Down; a click gets its place relative to the pane
 * body, the tab bar being row -1. Resizes are dropped: SIGWINCH handles
 * them. */
size_t sp_keys_read(WINDOW *win, sp_key *keys, size_t max);

/* The list keys every table shares: arrows, j/k, PgUp/PgDn, Home/End, g/G
 * and the mouse wheel. Returns true and sets *nav if k is one of them. */
bool sp_key_nav(const sp_key *k, sp_nav *nav);
/* Maps editing keys (arrows, Home/End, Backspace, Delete, Ctrl-U, Ctrl-W,
 * Up/Down, printable characters) onto a line-editor operation. */
bool sp_key_edit(const sp_key *k, sp_edit_op *op, uint32_t *cp);

#endif
