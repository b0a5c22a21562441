/* Key presses as the TUI sees them: reading them from the terminal, and the
 * maps from keys to list moves and line edits that every pane shares.
 *
 * Terminals disagree about the bytes of Home, End, the function keys and
 * the modified arrows, and TERM often names another terminal than the one
 * in use (xterm-256color inside tmux). So the reader registers every common
 * spelling with ncurses, maps the codes terminfo gave them back onto the
 * plain keys, and consumes any other escape sequence whole, so that none
 * is ever read as Esc and letters. */
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
    unsigned mods;         /* SP_KEY_MOD_* (keymap.h): Shift/Alt/Ctrl of a function key, Alt of a character */
    int mouse_y, mouse_x;  /* for KEY_MOUSE: the click, relative to the pane body */
    int clicks;            /* for KEY_MOUSE: 2 for a double click */
} sp_key;

/* Seconds within which a second press on the same cell is a double click. */
#define SP_DOUBLE_CLICK 0.3

/* Double-click detection (ncurses' own is off: mouseinterval(0) makes
 * single clicks arrive at once). */
typedef struct sp_clicks {
    double at;
    int y, x;
    bool armed; /* a first click waits for its second */
} sp_clicks;
/* A button press at y, x at time now: returns 2 when it is the second
 * press on that cell within SP_DOUBLE_CLICK, else 1. */
int sp_clicks_press(sp_clicks *c, int y, int x, double now);

/* Decodes the bytes of an escape sequence after its Esc ("[4~", "OH",
 * "[1;5C", "[[A"): the xterm, rxvt, linux console, screen and tmux
 * spellings of the cursor, editing and function keys, with modifiers.
 * False for a sequence that is not a key (or not one we know). */
bool sp_esc_decode(const char *seq, size_t len, sp_key *out);

typedef struct sp_keyalias {
    int code; /* what ncurses returns */
    sp_key key;
} sp_keyalias;

typedef struct sp_keyreader {
    sp_keyalias alias[256]; /* codes terminfo gave to the sequences we know */
    size_t nalias;
    sp_clicks clicks;
} sp_keyreader;

/* Registers the key sequences with ncurses (define_key, leaving those the
 * terminal description defines) for the current screen. */
void sp_keys_setup(sp_keyreader *kr);

/* Reads the keys waiting in win (a nodelay window with keypad on), at most
 * max. The mouse wheel becomes SP_KEY_WHEEL_UP/DOWN (keymap.h); a button 1
 * press becomes KEY_MOUSE with its place relative to the pane body (the
 * tab bar being row -1) and its click count; other mouse events are
 * dropped. Esc then a character that came with it is that character with
 * Alt. Resizes are dropped: SIGWINCH handles them. */
size_t sp_keys_read(sp_keyreader *kr, WINDOW *win, sp_key *keys, size_t max);

/* The list keys every table shares: arrows, j/k, PgUp/PgDn, Home/End, g/G.
 * Returns true and sets *nav if k is one of them. */
bool sp_key_nav(const sp_key *k, sp_nav *nav);
/* Maps editing keys (arrows, Home/End, Backspace, Delete, Ctrl-U, Ctrl-W,
 * Up/Down, printable characters) onto a line-editor operation. */
bool sp_key_edit(const sp_key *k, sp_edit_op *op, uint32_t *cp);

#endif
