/* The TUI's settings: what the command line and the config file set. */
#ifndef SOCKPIT_TUI_OPTIONS_H
#define SOCKPIT_TUI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "sockpit/core/sockopt.h"

/* The settings a config file can hold (see cmd/config.h); each remembers where
 * its value came from, for --print-config. */
typedef enum sp_setting {
    SP_SET_PANE, SP_SET_COLOR, SP_SET_DNS, SP_SET_INTERVAL, SP_SET_CHAT, SP_SET_KEEPALIVE,
    SP_SET_SWEEP_CONCURRENCY, SP_SET_PROBE_RATE, SP_SET_SORT_SERVICES, SP_SET_SORT_HOSTS, SP_SET_SORT_WATCH,
    SP_SET_CHAT_ROOM, SP_SET_NICK, SP_SET_CONNS_REFRESH, SP_SET_WATCH_LOG_SIZE, SP_SET_EXEC,
    SP_SET_EXEC_TIMEOUT, SP_SET_COUNT
} sp_setting;

typedef enum sp_source { SP_FROM_DEFAULT, SP_FROM_ENV, SP_FROM_CONFIG, SP_FROM_CLI } sp_source;

/* Options of the TUI (`sockpit [OPTIONS]`). Strings point into argv unless
 * noted. */
typedef struct sp_opts {
    const char *pane;          /* services|hosts|watch|chat|conns (static) */
    char *dns_servers;         /* c-ares CSV (malloc'd) or NULL: system resolver */
    bool no_color;
    const char *services_file; /* NULL: /etc/services */
    unsigned sweep_concurrency;
    /* --resolve: the Hosts pane's name sources (SP_SRC_BIT) with
     * SP_RESOLVE_GIVEN; 0: PTR, mDNS, LLMNR and NetBIOS. */
    unsigned name_sources;
    double probe_rate;         /* probes per second */
    double watch_interval;     /* seconds */
    double conns_refresh;      /* the Connections pane's refresh, seconds */
    long watch_log_size;       /* dns-changes.log is rotated at this many bytes */
    char *watch_exec;          /* a hook run for every DNS watch event (malloc'd) or NULL */
    double watch_exec_timeout; /* its time limit, seconds */
    bool ttl_mode;
    const char *state_dir, *config_dir;
    char *chat;                /* [tls://]HOST:PORT (malloc'd) or NULL: embedded default */
    char *nick;                /* room: the nickname (malloc'd) or NULL */
    const char *tls_ca;        /* tls:// chat: CA certificates (PEM) instead of the system's */
    sp_keepalive keepalive;
    uint32_t max_frame;
    /* Each pane's first sort column, by the names of sp_sort_*_names. */
    const char *sort_services, *sort_hosts, *sort_watch;
    bool print_config;
    bool chat_room;            /* the Chat pane starts in room mode */
    bool tls_insecure;         /* tls:// chat: no certificate verification */
    bool config_found;
    sp_source from[SP_SET_COUNT];
    int from_line[SP_SET_COUNT];
    char *config_path;         /* the config file looked for (malloc'd), NULL: none */
    char *notice;              /* the first config warning, for the status line (malloc'd) */
} sp_opts;

#define SP_RESOLVE_GIVEN 0x80000000u

void sp_opts_free(sp_opts *o);

/* The orders each pane can open on (NULL-terminated; the first is the
 * default): the values of --sort-services and sort.services = ... */
extern const char *const sp_sort_services_names[];
extern const char *const sp_sort_hosts_names[];
extern const char *const sp_sort_watch_names[];

#endif
