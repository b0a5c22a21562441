/* A pane of the TUI (after htop's Panel): a struct that starts with
 * sp_pane, and a small table of operations. The shell owns the tab bar,
 * the status line, the hint bar, prompts and the help overlay; a pane draws
 * its body and handles its own keys. */
#ifndef SOCKPIT_PANE_H
#define SOCKPIT_PANE_H

#include <stdbool.h>

#include "sockpit/tui/keymap.h"
#include "sockpit/tui/keys.h"
#include "sockpit/tui/lineedit.h"
#include "sockpit/tui/listview.h"
#include "sockpit/tui/table.h"
#include "sockpit/tui/ui.h"

typedef struct sp_app sp_app;
typedef struct sp_pane sp_pane;

typedef struct sp_pane_ops {
    const char *name;   /* as for --pane: "services" */
    const char *title;  /* the tab label: "Services" */
    /* Creates the pane and starts its data collection in the app's loop.
     * Never fails: failures the user can fix are shown in the pane and the
     * status line instead. */
    sp_pane *(*create)(sp_app *app);
    /* Frees the pane. The DNS channel is already gone by then (its pending
     * callbacks ran with ARES_EDESTRUCTION): make no c-ares calls here. */
    void (*destroy)(sp_pane *p);
    /* Draws the whole body into win (its size via getmaxyx). Called only
     * when the pane is visible and marked dirty. */
    void (*draw)(sp_pane *p, WINDOW *win);
    /* Optional: live filter text from the shell's `/` prompt ("" clears). */
    void (*filter)(sp_pane *p, const char *text);
    /* Optional: Enter in the `/` prompt. */
    void (*filter_submit)(sp_pane *p, const char *text);
    /* Optional: true while a text field of the pane has focus, so printable
     * keys, digits and Space go to the pane and not to the shell. */
    bool (*text_focus)(sp_pane *p);
    /* Optional: Space froze or thawed the pane. While frozen the pane keeps
     * collecting data but shows what it showed when frozen. */
    void (*freeze)(sp_pane *p, bool frozen);
    /* Optional: the pane became visible or hidden. */
    void (*visible)(sp_pane *p, bool shown);
    /* The pane's key map (keymap.h): the shell dispatches keys through it,
     * with the pane as ud, and builds the help overlay and the hint bar
     * from it. */
    const sp_binding *keymap;
    /* Optional: the modes the pane is in now (SP_WHEN_* bits, its own from
     * SP_WHEN_PANE up). NULL: SP_WHEN_TYPING while text_focus says so,
     * else SP_WHEN_BROWSING. */
    unsigned (*mode)(sp_pane *p);
    /* Optional: the table that has the focus. The shell gives it the keys
     * every table shares (moves, the wheel, clicks and header clicks, `<`
     * `>` `I` to sort, F3 `n` `N` to search); a double click on a row is
     * sent to the key map as Enter. */
    sp_table *(*table)(sp_pane *p);
} sp_pane_ops;

struct sp_pane {
    const sp_pane_ops *ops;
    sp_app *app;
    bool frozen;
};

extern const sp_pane_ops sp_services_pane;
extern const sp_pane_ops sp_hosts_pane;
extern const sp_pane_ops sp_watch_pane;
extern const sp_pane_ops sp_chat_pane;
extern const sp_pane_ops sp_conns_pane;
extern const sp_pane_ops sp_forward_pane;
extern const sp_pane_ops sp_probes_pane;

/* Starts a probe of target (ports NULL: top100) in the Probes pane p. */
void sp_probes_pane_start(sp_pane *p, const char *target, const char *ports);

#endif
