/* Command-line parsing: the TUI's options, the value parsers every command
 * shares, and the one-line usage errors (exit 2). */
#ifndef SOCKPIT_CLI_H
#define SOCKPIT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SP_EXIT_OK = 0, SP_EXIT_FAIL = 1, SP_EXIT_USAGE = 2 };

typedef struct sp_keepalive {
    bool on;
    int idle, intvl, cnt; /* seconds, seconds, probes */
} sp_keepalive;

#define SP_KEEPALIVE_DEFAULT ((sp_keepalive){ true, 60, 30, 10 })
#define SP_CHAT_DEFAULT_PORT 50007
#define SP_MAX_FRAME_DEFAULT (1024u * 1024u)

/* The settings a config file can hold (see config.h); each remembers where
 * its value came from, for --print-config. */
typedef enum sp_setting {
    SP_SET_PANE, SP_SET_COLOR, SP_SET_DNS, SP_SET_INTERVAL, SP_SET_CHAT, SP_SET_KEEPALIVE,
    SP_SET_SWEEP_CONCURRENCY, SP_SET_PROBE_RATE, SP_SET_COUNT
} sp_setting;

typedef enum sp_source { SP_FROM_DEFAULT, SP_FROM_ENV, SP_FROM_CONFIG, SP_FROM_CLI } sp_source;

/* Options of the TUI (`sockpit [OPTIONS]`). Strings point into argv unless
 * noted. */
typedef struct sp_opts {
    const char *pane;          /* services|hosts|watch|chat (static) */
    char *dns_servers;         /* c-ares CSV (malloc'd) or NULL: system resolver */
    bool no_color;
    const char *services_file; /* NULL: /etc/services */
    unsigned sweep_concurrency;
    double probe_rate;         /* probes per second */
    double watch_interval;     /* seconds */
    bool ttl_mode;
    const char *state_dir, *config_dir;
    char *chat;                /* HOST:PORT (malloc'd) or NULL: embedded default */
    sp_keepalive keepalive;
    uint32_t max_frame;
    bool print_config;
    sp_source from[SP_SET_COUNT];
    char *config_path;         /* the config file looked for (malloc'd), NULL: none */
    char *notice;              /* the first config warning, for the status line (malloc'd) */
    bool config_found;
    int from_line[SP_SET_COUNT];
} sp_opts;

void sp_opts_defaults(sp_opts *o);
void sp_opts_free(sp_opts *o);

typedef enum sp_cli_action { SP_CLI_RUN, SP_CLI_HELP, SP_CLI_VERSION, SP_CLI_ERROR } sp_cli_action;

/* Parses the TUI's options (argv[0] is the program). On error returns
 * SP_CLI_ERROR with a one-line message in err. */
sp_cli_action sp_cli_parse_tui(int argc, char **argv, sp_opts *o, char *err, size_t errlen);

/* Value parsers: return 0, or -1 with "what was wrong" in err. `what` names
 * the option in the message, e.g. "--interval". */
int sp_parse_long(const char *s, long lo, long hi, const char *what, long *out, char *err, size_t errlen);
int sp_parse_seconds(const char *s, double lo, double hi, const char *what, double *out, char *err, size_t errlen);
int sp_parse_keepalive(const char *s, sp_keepalive *ka, char *err, size_t errlen);
/* "HOST:PORT", "[V6]:PORT", "HOST" (default_port); host is copied to host[hostlen]. */
int sp_parse_hostport(const char *s, int default_port, char *host, size_t hostlen, int *port, char *err, size_t errlen);
int sp_parse_pane(const char *s, const char **pane, char *err, size_t errlen);

/* Prints "sockpit CMD: MESSAGE" and the help hint on stderr; returns 2. */
int sp_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "sockpit CMD: MESSAGE" on stderr; returns 1. */
int sp_runtime_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
