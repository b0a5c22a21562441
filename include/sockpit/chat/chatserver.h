/* The chat server as a module of any sp_loop: `sockpit serve` runs it, and
 * the TUI embeds it when nothing listens on 127.0.0.1:50007. Many clients in
 * one loop, no thread per client.
 *   bot mode:  each frame is answered from the dictionary (bot.h);
 *   room mode: each frame goes to every other client as "NICK: text".
 * Limits keep it alive under abuse: frames above max_frame or with a
 * negative length close the connection, a client whose unsent output passes
 * max_queue is dropped, all output queues and partly received frames share
 * one memory budget (over it, the client holding the most is dropped), a
 * frame must arrive whole within frame_timeout, and beyond max_clients a
 * new connection gets one "server full" frame and is closed. Over TLS the
 * same protocol runs inside the TLS connection; a client that does not
 * complete the handshake (plain text, garbage, silence) is dropped alone. */
#ifndef SOCKPIT_CHATSERVER_H
#define SOCKPIT_CHATSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/chat/bot.h"
#include "sockpit/chat/frame.h"
#include "sockpit/core/sockopt.h"
#include "sockpit/core/loop.h"
#include "sockpit/tls/tls.h"

typedef struct sp_chatserver sp_chatserver;

/* One log line (connect, disconnect, protocol error, drop), without a
 * timestamp or newline; outside text in it is already escaped. */
typedef void sp_chatserver_log_fn(void *ud, const char *line);

/* The output cap is at least this, and at least SP_CHAT_QUEUE_FRAMES
 * frames of max_frame, so a client that reads is not taken for one that
 * does not when big frames are allowed. */
#define SP_CHAT_MAX_QUEUE_DEFAULT ((size_t)4 * 1024 * 1024)
#define SP_CHAT_QUEUE_FRAMES 4u
#define SP_CHAT_MAX_MEMORY_DEFAULT ((size_t)256 * 1024 * 1024)
/* The budget must hold this many frames of max_frame: the sender's copy and
 * the queues of the receivers it goes to. */
#define SP_CHAT_MEMORY_FRAMES 4u
#define SP_CHAT_FRAME_TIMEOUT_DEFAULT 30.0
#define SP_CHAT_MAX_CLIENTS_DEFAULT 10000u

typedef struct sp_chatserver_config {
    const char *host;          /* numeric IPv4/IPv6; NULL: 127.0.0.1 */
    int port;                  /* 0: any free port (tests) */
    bool room;
    const sp_bot *bot;         /* bot mode: borrowed, must outlive the server */
    uint32_t max_frame;        /* 0: SP_MAX_FRAME_DEFAULT */
    size_t max_queue;          /* 0: the larger of SP_CHAT_MAX_QUEUE_DEFAULT and
                                * SP_CHAT_QUEUE_FRAMES frames of max_frame */
    size_t max_memory;         /* bytes all clients' buffers may hold together; 0: the larger of
                                * SP_CHAT_MAX_MEMORY_DEFAULT and SP_CHAT_MEMORY_FRAMES frames;
                                * less than SP_CHAT_MEMORY_FRAMES frames is refused */
    double frame_timeout;      /* seconds from a frame's first byte to its last; 0: the default */
    double idle_timeout;       /* seconds without a byte from a client before it is dropped; 0: never */
    unsigned max_clients;      /* 0: SP_CHAT_MAX_CLIENTS_DEFAULT */
    sp_keepalive keepalive;    /* applied to every accepted connection */
    sp_tls_ctx *tls;           /* borrowed: serve over TLS (the handshake must end within
                                * frame_timeout); NULL: plain TCP */
    sp_chatserver_log_fn *log; /* NULL: no log */
    void *log_ud;
} sp_chatserver_config;

/* Binds and listens. On failure returns NULL with a reason in err and errno
 * kept (EADDRINUSE means someone listens there already). */
sp_chatserver *sp_chatserver_new(sp_loop *loop, const sp_chatserver_config *cfg, char *err, size_t errlen);
/* Closes every client and the listening socket. */
void sp_chatserver_free(sp_chatserver *s);
/* Stops accepting new connections; clients stay. */
void sp_chatserver_stop_accepting(sp_chatserver *s);

/* "127.0.0.1:50007" as bound (with the real port when 0 was asked). */
const char *sp_chatserver_address(const sp_chatserver *s);
int sp_chatserver_port(const sp_chatserver *s);
size_t sp_chatserver_clients(const sp_chatserver *s);
/* Bytes held for clients: unsent output plus partly received frames (what
 * the memory budget counts). */
size_t sp_chatserver_buffered(const sp_chatserver *s);
/* The socket of client i (tests read its options). */
int sp_chatserver_client_fd(const sp_chatserver *s, size_t i);

#endif
