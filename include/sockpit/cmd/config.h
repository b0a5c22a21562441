/* The config file, $XDG_CONFIG_HOME/sockpit/config: "key = value" lines,
 * comments from '#'. It fills the settings the command line left alone;
 * a bad line is a warning naming the file and line, and the rest applies. */
#ifndef SOCKPIT_CONFIG_H
#define SOCKPIT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "sockpit/cmd/cli.h"

typedef void sp_config_warn_fn(void *ud, const char *path, int line, const char *msg);

/* Applies the text of a config file to o, skipping settings whose source is
 * the command line. Returns the number of warnings given. */
int sp_config_apply(const char *text, size_t len, const char *path, sp_opts *o, sp_config_warn_fn *warn,
                    void *ud);

/* Applies NO_COLOR from the environment (below the config file in rank). */
void sp_config_apply_env(sp_opts *o);

/* Finds and applies the config file: DIR/config with --config-dir DIR, else
 * $XDG_CONFIG_HOME/sockpit/config. A missing file is fine; an unreadable
 * one, and every bad line, is a warning on `warnings` as
 * "sockpit: FILE:LINE: ...". Records the path for --print-config. */
void sp_config_load(sp_opts *o, FILE *warnings);

/* The starting values of a batch command's options (an sp_optcmd's
 * .defaults): the declared defaults, then the config file's settings for
 * the options that have its key ($XDG_CONFIG_HOME/sockpit/config; every
 * bad line is a warning on stderr). The command line overrides them. */
void sp_config_command_defaults(const sp_optcmd *cmd, void *base);

/* The effective settings, one "key = value  # source" line each. */
void sp_config_print(const sp_opts *o, FILE *out);

#endif
