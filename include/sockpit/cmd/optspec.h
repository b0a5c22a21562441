/* Commands declared as data: each command is a table of option descriptors
 * (name, kind, range, where the value goes, help, default), and one parser
 * turns the table into getopt_long's, checks every value and prints the
 * --help text. The config file reads its keys and ranges from the same
 * descriptors, so each is written once. */
#ifndef SOCKPIT_CMD_OPTSPEC_H
#define SOCKPIT_CMD_OPTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sockpit/core/sockopt.h"

typedef enum sp_optkind {
    SP_OPT_FLAG,        /* no value: sets a bool (in the config file: on/off) */
    SP_OPT_LONG,        /* a whole number from lo to hi */
    SP_OPT_SECONDS,     /* a number of seconds from lo to hi */
    SP_OPT_TEXT,        /* the argument itself (argv outlives the settings), or with a
                         * char * target a malloc'd copy (then it may have a config key) */
    SP_OPT_ENUM,        /* one of .names: the (static) name is stored */
    SP_OPT_HOSTPORT,    /* [tls://]HOST:PORT, checked; a malloc'd copy is stored */
    SP_OPT_KEEPALIVE,   /* off|on|IDLE,INTVL,CNT */
    SP_OPT_DNS_SERVERS, /* ADDR[:PORT][,...]: c-ares CSV, malloc'd */
    SP_OPT_CUSTOM,      /* .set parses and stores */
    SP_OPT_HELP,        /* ends parsing: print the usage */
    SP_OPT_VERSION,     /* ends parsing: print the version */
} sp_optkind;

/* The C type of an option's target; SP_OPT_AT finds it. */
typedef enum sp_optstore {
    SP_STORE_NONE, SP_STORE_BOOL, SP_STORE_LONG, SP_STORE_UINT, SP_STORE_DOUBLE, SP_STORE_TEXT,
    SP_STORE_OWNED, SP_STORE_KEEPALIVE,
} sp_optstore;

/* The target of an option: a member of the command's settings struct. A
 * member of a type no kind stores is a compile error. */
#define SP_OPT_AT(type, member)                                                                              \
    .at = offsetof(type, member),                                                                            \
    .store = _Generic(((type *)0)->member, bool: SP_STORE_BOOL, long: SP_STORE_LONG, unsigned: SP_STORE_UINT, \
                      double: SP_STORE_DOUBLE, const char *: SP_STORE_TEXT, char *: SP_STORE_OWNED,           \
                      sp_keepalive: SP_STORE_KEEPALIVE)

/* What --help appends to an option's help text: "(LO-HI, default D)". */
enum { SP_SHOW_RANGE = 1, SP_SHOW_DEFAULT = 2 };

/* SP_OPT_CUSTOM: parses value into the settings at base; on error writes
 * the whole message, naming the option as `what` ("--range"). */
typedef int sp_optset_fn(void *base, const char *value, const char *what, char *err, size_t errlen);

typedef struct sp_optspec {
    const char *name;    /* the long option, without "--" */
    const char *metavar; /* the value in --help; NULL for an enum: its names */
    const char *help;    /* what it does; '\n' starts a continued line */
    double lo, hi;       /* SP_OPT_LONG, SP_OPT_SECONDS: the accepted range */
    double def;          /* SP_OPT_LONG, SP_OPT_SECONDS: the default (0 unless given) */
    const char *def_text; /* other kinds: the default, parsed like a value; NULL: none */
    const char *unset;   /* what an unset text means, for --help and --print-config */
    const char *const *names; /* SP_OPT_ENUM: NULL-terminated */
    /* SP_OPT_ENUM: "pane" in "unknown pane 'x'"; SP_OPT_TEXT: the value
     * must not be empty, "the file name is empty" */
    const char *noun;
    sp_optset_fn *set;   /* SP_OPT_CUSTOM */
    size_t at;           /* SP_OPT_AT: where the value goes */
    const char *key;     /* the config file's key, NULL: not in the file */
    int slot;            /* with key: its number among the file's settings */
    sp_optkind kind;
    sp_optstore store;
    unsigned show;       /* SP_SHOW_* */
    char letter;         /* the short option, 0: none */
    bool key_negates;    /* SP_OPT_FLAG with key: "KEY = off" sets the flag (--no-color, color = off) */
} sp_optspec;

typedef struct sp_optcmd sp_optcmd;

struct sp_optcmd {
    const char *name;       /* in messages: "sockpit NAME: ..."; NULL: the TUI */
    const char *intro;      /* --help before the options */
    const char *epilog;     /* --help after them, or NULL */
    const sp_optspec *opts; /* ended by an entry without a name */
    bool permute;           /* options may follow operands (else the first operand ends them) */
    bool operands;          /* arguments after the options are the command's */
    /* Sets the starting values; NULL: sp_optspec_defaults. */
    void (*defaults)(const sp_optcmd *cmd, void *base);
    /* Called after each option of the command line is stored, or NULL. */
    void (*given)(void *base, const sp_optspec *opt);
};

typedef enum sp_optresult { SP_OPTS_RUN, SP_OPTS_HELP, SP_OPTS_VERSION, SP_OPTS_ERROR } sp_optresult;

/* Sets every option's declared default in the (zeroed) settings at base;
 * options without one are left alone. Aborts on a descriptor whose kind
 * does not fit its target, so a wrong table fails its first run. */
void sp_optspec_defaults(const sp_optcmd *cmd, void *base);

/* Parses argv (argv[0] is the command) into base. *first is the index of
 * the first operand (argc: none). On SP_OPTS_ERROR, err holds one line. */
sp_optresult sp_optspec_parse(const sp_optcmd *cmd, int argc, char **argv, void *base, int *first, char *err,
                              size_t errlen);

/* A batch command's start: defaults, then argv. Returns the index of the
 * first operand, or -1 when the command is done (its --help printed, or a
 * usage error; owned values freed) with the exit status in *status. */
int sp_optspec_command(const sp_optcmd *cmd, int argc, char **argv, void *base, int *status);

/* The --help text: intro, one line per option (more where its help has
 * '\n'), epilog. */
void sp_optspec_usage(const sp_optcmd *cmd, FILE *out);

/* Frees the malloc'd values (SP_STORE_OWNED) in base. */
void sp_optspec_free(const sp_optcmd *cmd, void *base);

/* One value, as the command line or the config file gives it (NULL for a
 * flag on the command line). Returns 0 or -1 with a one-line reason. */
int sp_optspec_set(const sp_optspec *opt, void *base, const char *value, char *err, size_t errlen);

/* The value stored in base, as --print-config shows it. */
void sp_optspec_format(const sp_optspec *opt, const void *base, char *buf, size_t len);

/* The option of cmd with this config key, or NULL. */
const sp_optspec *sp_optspec_by_key(const sp_optcmd *cmd, const char *key);

#endif
