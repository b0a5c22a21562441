/* The shell's own state, shared by its parts: app.c (terminal, layout,
 * frames, what panes may ask), shell_keys.c (the shell's key maps, reading
 * and routing keys, switching panes). Panes use app.h, never this. */
#ifndef SOCKPIT_TUI_SHELL_H
#define SOCKPIT_TUI_SHELL_H

#include <stdbool.h>
#include <stdint.h>

#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/tui/app.h"
#include "sockpit/tui/keymap.h"
#include "sockpit/tui/keys.h"
#include "sockpit/tui/overlay.h"
#include "sockpit/tui/pane.h"
#include "sockpit/tui/prompt.h"

#define SP_NPANES 7

struct sp_app {
    sp_opts *opts;
    sp_loop *loop;
    sp_dns *dns;
    SCREEN *screen;
    sp_pane *panes[SP_NPANES];
    int active;

    WINDOW *tabs, *body, *status, *hints, *input;
    int rows, cols;
    bool too_small;
    sp_redraw dirty;    /* the regions to draw in the next frame */
    bool dirty_all;     /* every cell: after a layout */
    bool urgent;        /* a key was handled: draw now, not when the budget allows */
    double next_frame;  /* the budget's earliest time for the next frame (pace.h) */
    uint64_t frame_timer;

    char msg[512];
    bool msg_error;
    uint64_t msg_timer;
    uint64_t settle_timer; /* the full repaint after a burst of resizes */

    sp_prompt prompt;
    char filter[256]; /* the text of the shell's own `/` prompt */
    char search[256]; /* the last F3 search */
    sp_overlay ov;
    sp_keyreader keys;

    bool hangup;        /* the terminal's input ended or hung up */
    int exit_code;
};

extern const sp_pane_ops *const sp_shell_panes[SP_NPANES];

/* shell_keys.c: shows pane i. */
void sp_shell_switch(sp_app *app, int i);
/* The stdin watcher: every key waiting, in order, each routed by
 * sp_shell_key; the frame after them is drawn at once. */
void sp_shell_on_stdin(sp_loop *loop, int fd, unsigned events, void *ud);
/* Routes one key press (the dispatch order is there). */
void sp_shell_key(sp_app *app, const sp_key *k);
/* The active pane's modes (SP_WHEN_*). */
unsigned sp_shell_mode(sp_app *app);
/* The hint bar for what has the keys now. */
void sp_shell_draw_hints(sp_app *app);
/* The help overlay over the body. */
void sp_shell_draw_overlay(sp_app *app);

#endif
