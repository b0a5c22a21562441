/* Command-line parsing: the TUI's options, the pane names and getopt with
 * one-line errors (exit 2). */
#ifndef SOCKPIT_CLI_H
#define SOCKPIT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/core/parse.h"
#include "sockpit/core/report.h"
#include "sockpit/tui/options.h"

typedef enum sp_cli_action { SP_CLI_RUN, SP_CLI_HELP, SP_CLI_VERSION, SP_CLI_ERROR } sp_cli_action;

/* Parses the TUI's options (argv[0] is the program). On error returns
 * SP_CLI_ERROR with a one-line message in err. */
sp_cli_action sp_cli_parse_tui(int argc, char **argv, sp_opts *o, char *err, size_t errlen);

int sp_parse_pane(const char *s, const char **pane, char *err, size_t errlen);

/* getopt_long for a command's options, its own messages off (errors are
 * ours, one line): sp_getopt_start, then sp_getopt until it returns -1. */
struct option;
void sp_getopt_start(void);
int sp_getopt(int argc, char **argv, const char *shortopts, const struct option *table);
/* After sp_getopt (every option's val unique and >= 128, or a short
 * letter) returned '?' or ':': the one-line reason. */
void sp_describe_getopt_error(const struct option *table, int argc, char **argv, char *err, size_t errlen);
/* The same, printed as a usage error of cmd; returns 2. */
int sp_option_error(const char *cmd, const struct option *table, int argc, char **argv);

/* The usage text of the TUI. */
extern const char sp_tui_usage[];

#endif
