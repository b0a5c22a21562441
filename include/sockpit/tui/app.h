/* The TUI shell: terminal set-up, the tab bar, status line, hint bar, help
 * overlay, prompts and message boxes, and key routing. What panes may ask
 * of it is below. */
#ifndef SOCKPIT_APP_H
#define SOCKPIT_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "sockpit/tui/options.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/tui/pane.h"

/* Runs the TUI until the user quits. Returns the exit status. */
int sp_app_main(sp_opts *opts);

sp_loop *sp_app_loop(sp_app *app);
/* The shared c-ares channel (--dns-server). */
sp_dns *sp_app_dns(sp_app *app);
const sp_opts *sp_app_opts(sp_app *app);

/* Asks for the pane's body to be redrawn before the loop next sleeps; does
 * nothing while the pane is hidden or frozen. */
void sp_app_dirty(sp_app *app, sp_pane *p);

/* A transient message in the status line (errors stay longer, in red). The
 * text is shown through the safe-text escaping. */
void sp_app_status(sp_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sp_app_error(sp_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A one-line prompt in the status line, with the line editor. on_change runs
 * after every edit, on_submit on Enter, on_cancel on Esc; any may be NULL.
 * The text passed is valid UTF-8. on_submit may open another prompt. */
typedef struct sp_prompt_cbs {
    void (*on_change)(void *ud, const char *text);
    void (*on_submit)(void *ud, const char *text);
    void (*on_cancel)(void *ud);
} sp_prompt_cbs;
void sp_app_prompt(sp_app *app, const char *label, const char *initial,
                   const sp_prompt_cbs *cbs, void *ud);

/* "QUESTION (y/n)" in the status line; yes runs on y. */
void sp_app_confirm(sp_app *app, const char *question, void (*yes)(void *ud), void *ud);

/* Starts a probe of a host a pane shows (ports NULL: top100) and switches
 * to the Probes pane. */
void sp_app_probe(sp_app *app, const char *target, const char *ports);

/* A centred, scrollable box of text lines over the pane (Esc, q or Enter
 * closes it). Lines are copied; they are drawn through safe text. */
void sp_app_box(sp_app *app, const char *title, const char *const *lines, size_t n);

#endif
