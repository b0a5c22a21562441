/* Placeholder until `sockpit hosts` lands; replaced whole by its issue. */
#include "sockpit/cli.h"
#include "sockpit/commands.h"

int cmd_hosts(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sp_runtime_error("hosts", "not built yet");
}
