/* The boxes the shell draws over the pane body: the key help, and the
 * message boxes panes open with sp_app_box (app.h). One at a time, centred
 * and scrollable; Esc, q or Enter closes it. */
#ifndef SOCKPIT_OVERLAY_H
#define SOCKPIT_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/tui/keymap.h"
#include "sockpit/tui/keys.h"
#include "sockpit/tui/ui.h"

/* A part of the help: a title line (NULL: it goes on the part before it),
 * then every row of map that has help. */
typedef struct sp_help_section {
    const char *title;
    const sp_binding *map;
} sp_help_section;

typedef enum sp_overlay_kind { SP_OVERLAY_NONE, SP_OVERLAY_HELP, SP_OVERLAY_BOX } sp_overlay_kind;

/* Read kind; change the rest through the functions. */
typedef struct sp_overlay {
    sp_overlay_kind kind;
    size_t top;       /* the first line shown */
    char *box_title;  /* the message box's, copied */
    char **box_lines;
    size_t box_n;
    WINDOW *win;
} sp_overlay;

/* Shows a message box; title and lines are copied. */
void sp_overlay_box(sp_overlay *ov, const char *title, const char *const *lines, size_t n);
/* F1 and ?: shows the help, or hides it when it is showing. */
void sp_overlay_toggle_help(sp_overlay *ov);
/* Hides the overlay (on a pane switch). */
void sp_overlay_hide(sp_overlay *ov);
/* Scrolls or closes the overlay; returns true when it changed. Every key
 * goes here while an overlay shows. */
bool sp_overlay_key(sp_overlay *ov, const sp_key *k);
/* Draws the overlay centred over body, inside it whatever its size. The
 * help shows the sections in order, each row as its label then its help,
 * wrapped to the box. */
void sp_overlay_draw(sp_overlay *ov, WINDOW *body, const sp_help_section *secs, size_t nsecs);
/* Deletes the overlay's window (before a new layout); the next draw makes
 * another. */
void sp_overlay_drop_window(sp_overlay *ov);
/* Frees the window and the message box. */
void sp_overlay_free(sp_overlay *ov);

#endif
