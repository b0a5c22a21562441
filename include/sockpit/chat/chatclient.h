/* The chat client as a module of an sp_loop: the chat pane and `sockpit
 * chat` use it. It resolves the server name through c-ares (numeric
 * addresses need no lookup), connects without blocking, trying each address
 * in turn, sets keep-alive and sends frames. Two modes:
 *   bot:  request -> reply; each reply is matched to the oldest request
 *         still in flight to give its round-trip time; sending `bye` closes
 *         the connection once its reply has arrived, as in the textbook;
 *   room: frames are what others say; nothing is paired or timed, the
 *         nickname (`/nick NAME` sent, or set) is sent again after every
 *         reconnect, and `bye` closes our side and waits for the server's.
 * After a drop it can reconnect with a backoff of 1, 2, 4 ... 30 s. With a
 * TLS context the handshake follows the connect (within the same time-out)
 * and every read and write goes through it. */
#ifndef SOCKPIT_CHATCLIENT_H
#define SOCKPIT_CHATCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/chat/frame.h"
#include "sockpit/core/sockopt.h"
#include "sockpit/core/dns.h"
#include "sockpit/core/loop.h"
#include "sockpit/tls/tls.h"

typedef struct sp_chatclient sp_chatclient;

/* Seconds a connection must stay up (or a frame must arrive) before a drop
 * starts the backoff again from 1 s. */
#define SP_CHAT_HEALTHY 10.0

typedef enum sp_chat_state {
    SP_CHAT_IDLE,        /* not connected, nothing planned (start, bye, `disconnect`) */
    SP_CHAT_RESOLVING,
    SP_CHAT_CONNECTING,
    SP_CHAT_CONNECTED,
    SP_CHAT_RETRY_WAIT,  /* dropped; reconnects at sp_chatclient_retry_at() */
    SP_CHAT_FAILED,      /* dropped, no reconnect configured */
} sp_chat_state;

typedef struct sp_chatclient_cbs {
    /* The state or its description changed. */
    void (*state)(void *ud, sp_chat_state st, const char *text);
    /* A frame from the server; rtt in seconds for a reply to a request,
     * negative for a frame nothing was waiting for (every frame in room
     * mode). */
    void (*message)(void *ud, const char *payload, size_t len, double rtt);
} sp_chatclient_cbs;

typedef struct sp_chatclient_config {
    const char *host;      /* name, IPv4 or IPv6 (no brackets) */
    int port;
    sp_keepalive keepalive;
    uint32_t max_frame;    /* 0: SP_MAX_FRAME_DEFAULT */
    bool reconnect;        /* retry with backoff after a drop */
    double connect_timeout; /* per address; 0: 10 s */
    bool room;             /* room mode (else bot mode) */
    const char *nick;      /* room: the nickname to send on connecting; NULL: none */
    sp_tls_ctx *tls;       /* borrowed: TLS over the connection (verified as the context
                            * says, against host); NULL: plain TCP */
} sp_chatclient_config;

/* dns may be NULL when the host is numeric. Does not connect yet. */
sp_chatclient *sp_chatclient_new(sp_loop *loop, sp_dns *dns, const sp_chatclient_config *cfg,
                                 const sp_chatclient_cbs *cbs, void *ud);
/* Frees the client. Any lookup still pending is left to finish on its own. */
void sp_chatclient_free(sp_chatclient *c);
/* Connects (or reconnects) now and resets the backoff. */
void sp_chatclient_connect(sp_chatclient *c);
/* Closes the connection; no reconnect until sp_chatclient_connect. */
void sp_chatclient_disconnect(sp_chatclient *c, const char *why);
/* Queues one message. Returns 0, or -1 when not connected. */
int sp_chatclient_send(sp_chatclient *c, const char *text, size_t len);

/* Switches between bot and room mode; what was in flight is forgotten. */
void sp_chatclient_set_room(sp_chatclient *c, bool room);
bool sp_chatclient_room(const sp_chatclient *c);
/* The nickname sent on every (re)connect in room mode, NULL: none. */
const char *sp_chatclient_nick(const sp_chatclient *c);
/* After a drop: the peer closed the connection between frames (not an
 * error, a reset or a cut frame). */
bool sp_chatclient_peer_closed(const sp_chatclient *c);

/* The server's certificate of the last TLS handshake (also one that was
 * refused), NULL when none; raw strings (escape them). */
const sp_cert_info *sp_chatclient_cert(const sp_chatclient *c);

sp_chat_state sp_chatclient_state(const sp_chatclient *c);
/* A line for the user: "connected to 127.0.0.1:50007", "closed by peer;
 * reconnecting in 4 s", "protocol error: negative frame length -5". */
const char *sp_chatclient_text(const sp_chatclient *c);
size_t sp_chatclient_in_flight(const sp_chatclient *c);
/* The connected socket, -1 when none (tests read options from it). */
int sp_chatclient_fd(const sp_chatclient *c);
/* Seconds until the next reconnect attempt while in RETRY_WAIT. */
double sp_chatclient_retry_in(const sp_chatclient *c);
/* The delay after the n-th failed attempt in a row (n >= 1): 1, 2, 4 ... 30. */
double sp_chat_backoff(unsigned n);
/* "bye" in any case, with surrounding whitespace. */
bool sp_chat_is_bye(const char *text, size_t len);

#endif
