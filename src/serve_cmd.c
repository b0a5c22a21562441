/* Placeholder until `sockpit serve` lands; replaced whole by its issue. */
#include "sockpit/cli.h"
#include "sockpit/commands.h"

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sp_runtime_error("serve", "not built yet");
}
