/* The TUI's settings: freeing what they own (the defaults are declared
 * with the options, in cmd/cli.c). */
#include "sockpit/tui/options.h"

#include <stdlib.h>

void sp_opts_free(sp_opts *o)
{
    free(o->dns_servers);
    free(o->chat);
    free(o->nick);
    free(o->watch_exec);
    free(o->config_path);
    free(o->notice);
    o->dns_servers = o->chat = o->nick = o->watch_exec = o->config_path = o->notice = NULL;
}

const char *const sp_sort_services_names[] = { "listening", "port", "name", NULL };
const char *const sp_sort_hosts_names[] = { "address", "name", "vendor", "mac", "state", "iface", NULL };
const char *const sp_sort_watch_names[] = { "name", "change", "rtt", "errors", NULL };
