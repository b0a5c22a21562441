/* Placeholder until `sockpit services` lands; replaced whole by its issue. */
#include "sockpit/cli.h"
#include "sockpit/commands.h"

int cmd_services(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sp_runtime_error("services", "not built yet");
}
