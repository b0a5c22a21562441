/* Placeholder until the hosts pane lands; replaced whole by its issue. */
#include <stdlib.h>

#include "sockpit/app.h"
#include "sockpit/pane.h"

static sp_pane *create(sp_app *app)
{
    sp_pane *p = calloc(1, sizeof *p);
    if (p)
        p->app = app;
    return p;
}

static void destroy(sp_pane *p) { free(p); }

static void draw(sp_pane *p, WINDOW *win)
{
    (void)p;
    werase(win);
    ui_text(win, 1, 2, getmaxx(win) - 4, "This pane is not built yet.", (size_t)-1, A_NORMAL, false);
}

static bool key(sp_pane *p, const sp_key *k) { (void)p; (void)k; return false; }

static const sp_keyhelp keys[] = { { NULL, NULL, NULL } };

const sp_pane_ops sp_hosts_pane = {
    .name = "hosts", .title = "Hosts", .create = create, .destroy = destroy,
    .draw = draw, .key = key, .keys = keys,
};
