/* Placeholder until `sockpit watch` lands; replaced whole by its issue. */
#include "sockpit/cli.h"
#include "sockpit/commands.h"

int cmd_watch(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sp_runtime_error("watch", "not built yet");
}
