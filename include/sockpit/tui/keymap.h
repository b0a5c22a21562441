/* Key maps (after htop's Action.c): every key of a pane or of the shell is
 * one row of a table, and dispatch, the help overlay and the hint bar are
 * all read from it, so they cannot drift apart. An action returns what it
 * changed, so only that is redrawn. */
#ifndef SOCKPIT_TUI_KEYMAP_H
#define SOCKPIT_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/tui/keys.h"

/* A key as a single int: a Unicode code point, or an ncurses KEY_* value
 * with SP_KEY_FN set; the modifiers of sp_key.mods above bit 24 (Shift,
 * Alt and Ctrl of function keys; Alt of characters, which the terminal
 * sends as Esc + the character). */
#define SP_KEY_FN 0x40000000
#define SP_FN(k) ((k) | SP_KEY_FN)
#define SP_CTRL(c) ((c) & 0x1f)
#define SP_KEY_MOD_SHIFT 1u
#define SP_KEY_MOD_ALT 2u
#define SP_KEY_MOD_CTRL 4u
#define SP_MODS(k, m) ((k) | (int)((unsigned)(m) << 24))
#define SP_ALT(k) SP_MODS(k, SP_KEY_MOD_ALT)
/* In a binding's keys: any printable character that no row of the map
 * binds by itself (the text of an input line). */
#define SP_KEY_TEXT 0x20000000
/* The mouse wheel, as function keys beyond ncurses' KEY_MAX. */
#define SP_KEY_WHEEL_UP 0x10000
#define SP_KEY_WHEEL_DOWN 0x10001

/* What an action changed. */
typedef unsigned sp_redraw;
#define SP_REDRAW_NONE 0u
#define SP_REDRAW_BODY 1u
#define SP_REDRAW_HINTS 2u
#define SP_REDRAW_STATUS 4u
#define SP_REDRAW_TABS 8u
#define SP_REDRAW_ALL 15u
/* The action did not use the key: dispatch goes on as if no row bound it
 * (a shell's Esc that clears a filter only when there is one). */
#define SP_REDRAW_PASS 16u

/* When a binding applies: the modes a pane is in, as bits. The first two
 * are the shell's; a pane may define its own from SP_WHEN_PANE up (the
 * Hosts pane's interface view, the watch pane's log focus). */
#define SP_WHEN_BROWSING 1u  /* no text field has focus */
#define SP_WHEN_TYPING 2u    /* the pane's text field has focus */
#define SP_WHEN_ALWAYS 3u
#define SP_WHEN_PANE 4u

typedef sp_redraw (*sp_action_fn)(void *ud, const sp_key *k);

typedef struct sp_binding {
    int keys[4];          /* up to four keys, 0-terminated when fewer */
    const char *label;    /* the keys as help spells them: "s", "</>", "F3 n/N" */
    const char *help;     /* the help overlay's line; NULL: not listed (another row names the key) */
    const char *hint;     /* the hint bar's word; NULL: not in the hint bar */
    const char *hint_key; /* the keys as the hint bar spells them; NULL: label */
    int prio;             /* hint bar: 0 always stays, a higher number goes first */
    unsigned when;        /* the modes it applies in: every bit of when & mode */
    sp_action_fn action;  /* NULL: a row for help only (the keys are handled elsewhere) */
} sp_binding;
/* A map ends with a row whose label is NULL. */

/* The key as an int for matching (see SP_KEY_FN). */
int sp_key_id(const sp_key *k);
/* The row of map that binds key in mode, or NULL. A row that names the
 * key wins over an SP_KEY_TEXT row. */
const sp_binding *sp_keymap_find(const sp_binding *map, unsigned mode, int key);
/* Runs the action bound to k in mode; false when nothing binds it or the
 * action passed (SP_REDRAW_PASS, which is not added to *redraw). */
bool sp_keymap_dispatch(const sp_binding *map, unsigned mode, void *ud, const sp_key *k, sp_redraw *redraw);

/* Columns "KEY hint" takes in the hint bar. */
int sp_hint_width(const sp_binding *b);
/* The hint bar: the hints of maps[0..nmaps) that apply in mode, in order,
 * with the highest prio dropped first (the rightmost on ties) until they
 * fit width with one space between them. Writes up to cap rows to out and
 * returns how many. */
size_t sp_keymap_hints(const sp_binding *const *maps, size_t nmaps, unsigned mode, int width,
                       const sp_binding **out, size_t cap);

#endif
