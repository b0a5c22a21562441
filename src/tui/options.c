/* The TUI's settings and their defaults. */
#include "sockpit/tui/options.h"

#include <stdlib.h>
#include <string.h>

#include "sockpit/chat/frame.h"

void sp_opts_defaults(sp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->pane = "services";
    o->sweep_concurrency = 64;
    o->probe_rate = 200;
    o->watch_interval = 5;
    o->keepalive = SP_KEEPALIVE_DEFAULT;
    o->max_frame = SP_MAX_FRAME_DEFAULT;
}

void sp_opts_free(sp_opts *o)
{
    free(o->dns_servers);
    free(o->chat);
    free(o->config_path);
    free(o->notice);
    o->dns_servers = o->chat = o->config_path = o->notice = NULL;
}
