/* sockpit: the TUI, or one pane's batch form when a command is given. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/tui/app.h"
#include "sockpit/cmd/cli.h"
#include "sockpit/cmd/commands.h"
#include "sockpit/cmd/config.h"
#include "sockpit/version.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    { "services", cmd_services }, { "hosts", cmd_hosts }, { "watch", cmd_watch },
    { "chat", cmd_chat },         { "serve", cmd_serve },       { "forward", cmd_forward },
    { "wake", cmd_wake },         { "conns", cmd_conns },
    { "probe", cmd_probe },
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Output that did not arrive is a failure (a full disk, a closed file),
 * except a reader that stopped reading: `sockpit services | head -1` ends
 * quietly and successfully, as cat and grep do. */
static int finish_output(const char *cmd, int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (errno == EPIPE)
        return rc;
    /* A stream that flushed (and failed) earlier no longer knows why. */
    if (errno)
        sp_runtime_error(cmd, "writing the output failed: %s", strerror(errno));
    else
        sp_runtime_error(cmd, "writing the output failed");
    return rc == SP_EXIT_OK ? SP_EXIT_FAIL : rc;
}

static void print_version(void)
{
    if (SOCKPIT_GIT_COMMIT[0])
        printf("sockpit %s (git %s)\n", SOCKPIT_VERSION, SOCKPIT_GIT_COMMIT);
    else
        printf("sockpit %s\n", SOCKPIT_VERSION);
}

/* Config warnings go to stderr (they stay in the terminal after the TUI
 * exits) and the first also to the status line, where it is seen. */
static void load_config(sp_opts *o)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        sp_config_load(o, stderr);
        return;
    }
    sp_config_load(o, m);
    fclose(m);
    if (len > 0) {
        fputs(text, stderr);
        char *nl = strchr(text, '\n');
        if (nl)
            *nl = '\0';
        o->notice = text;
    } else {
        free(text);
    }
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Text and wide characters follow the user's locale, numbers do not:
     * "--interval 0.5" and JSON must mean the same everywhere. */
    setlocale(LC_NUMERIC, "C");
    /* A peer that goes away must be an error return, never a dead process. */
    signal(SIGPIPE, SIG_IGN);

    if (argc > 1 && argv[1][0] != '-') {
        if (strcmp(argv[1], "help") == 0) {
            if (argc < 3) {
                sp_optspec_usage(&sp_tui_cmd, stdout);
                return SP_EXIT_OK;
            }
            const command *c = find_command(argv[2]);
            if (!c)
                return sp_usage_error(NULL, "help: unknown command '%s'", argv[2]);
            char *help_argv[] = { argv[2], "--help", NULL };
            return finish_output(argv[2], c->run(2, help_argv));
        }
        const command *c = find_command(argv[1]);
        if (c)
            return finish_output(c->name, c->run(argc - 1, argv + 1));
    }

    sp_opts opts;
    sp_cli_defaults(&opts);
    char err[512];
    int rc;
    switch (sp_cli_parse_tui(argc, argv, &opts, err, sizeof err)) {
    case SP_CLI_HELP:
        sp_optspec_usage(&sp_tui_cmd, stdout);
        rc = SP_EXIT_OK;
        break;
    case SP_CLI_VERSION:
        print_version();
        rc = SP_EXIT_OK;
        break;
    case SP_CLI_ERROR:
        rc = sp_usage_error(NULL, "%s", err);
        break;
    default:
        sp_config_apply_env(&opts);
        load_config(&opts);
        if (opts.print_config) {
            sp_config_print(&opts, stdout);
            rc = SP_EXIT_OK;
        } else {
            rc = sp_app_main(&opts);
        }
        break;
    }
    sp_opts_free(&opts);
    return finish_output(NULL, rc);
}
