/* The TUI's command line: its option table, which also declares the config
 * file's settings, and the parser over it. */
#ifndef SOCKPIT_CLI_H
#define SOCKPIT_CLI_H

#include <stddef.h>

#include "sockpit/cmd/optspec.h"
#include "sockpit/core/parse.h"
#include "sockpit/core/report.h"
#include "sockpit/tui/options.h"

typedef enum sp_cli_action { SP_CLI_RUN, SP_CLI_HELP, SP_CLI_VERSION, SP_CLI_ERROR } sp_cli_action;

/* `sockpit [OPTIONS]`, its settings an sp_opts; sp_optspec_usage prints
 * the --help text. */
extern const sp_optcmd sp_tui_cmd;

/* Every setting's default. */
void sp_cli_defaults(sp_opts *o);

/* Parses the TUI's options (argv[0] is the program). On error returns
 * SP_CLI_ERROR with a one-line message in err. */
sp_cli_action sp_cli_parse_tui(int argc, char **argv, sp_opts *o, char *err, size_t errlen);

#endif
