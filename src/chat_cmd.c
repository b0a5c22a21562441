/* Placeholder until `sockpit chat` lands; replaced whole by its issue. */
#include "sockpit/cli.h"
#include "sockpit/commands.h"

int cmd_chat(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return sp_runtime_error("chat", "not built yet");
}
