/* The chat server as `sockpit serve` and the Chat pane's embedded bot both
 * run it: the bot's dictionary (a file, the installed chatbot.tsv, or the
 * built-in one) and the server listening on the caller's loop. */
#ifndef SOCKPIT_SERVE_SETUP_H
#define SOCKPIT_SERVE_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/chat/bot.h"
#include "sockpit/chat/chatserver.h"
#include "sockpit/core/loop.h"
#include "sockpit/core/sockopt.h"
#include "sockpit/tls/tls.h"

/* A dictionary line that was skipped: the file, its 1-based number, why. */
typedef void sp_serve_bad_line_fn(void *ud, const char *path, size_t line, const char *why);

typedef struct sp_serve_settings {
    const char *host;           /* numeric IPv4/IPv6; NULL: 127.0.0.1 */
    int port;                   /* 0: any free port */
    bool room;                  /* room mode: no bot, no dictionary */
    const char *replies;        /* the bot's dictionary; NULL: the installed chatbot.tsv, else the built-in one */
    bool builtin_if_unreadable; /* an installed chatbot.tsv that cannot be read gives the built-in
                                 * dictionary (the TUI) instead of failing */
    uint32_t max_frame;         /* 0: SP_MAX_FRAME_DEFAULT */
    unsigned max_clients;       /* 0: SP_CHAT_MAX_CLIENTS_DEFAULT */
    size_t max_memory;          /* the budget of all clients' buffers; 0: the server's default */
    double frame_timeout;       /* 0: SP_CHAT_FRAME_TIMEOUT_DEFAULT */
    double idle_timeout;        /* 0: never */
    sp_keepalive keepalive;
    const char *tls_cert;       /* PEM chain and key: serve over TLS; NULL: plain TCP */
    const char *tls_key;
    sp_chatserver_log_fn *log;  /* connects, disconnects, protocol errors; NULL: none */
    void *log_ud;
    sp_serve_bad_line_fn *bad_line; /* NULL: only counted */
    void *bad_line_ud;
} sp_serve_settings;

/* What sp_serve_set_up built. */
typedef struct sp_serve_setup {
    sp_bot *bot;              /* NULL in room mode */
    sp_chatserver *server;
    sp_tls_ctx *tls;          /* NULL: plain TCP */
    char dict_path[4096];     /* the dictionary read; "" for the built-in one or none */
    size_t bad_lines;         /* dictionary lines skipped */
    bool in_use;              /* on failure: something listens on that address already */

    /* private */
    sp_serve_bad_line_fn *bad_line;
    void *bad_line_ud;
} sp_serve_setup;

/* Loads the dictionary and starts listening. Returns 0, or -1 with a
 * one-line reason in err (what was wrong and what to do) and nothing left
 * to tear down. */
int sp_serve_set_up(sp_serve_setup *s, sp_loop *loop, const sp_serve_settings *set, char *err, size_t errlen);
/* Closes every client and the listening socket, then frees the bot. */
void sp_serve_tear_down(sp_serve_setup *s);

#endif
