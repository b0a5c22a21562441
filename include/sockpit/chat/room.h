/* What a frame from a room server (`sockpit serve --room`) means: a message
 * "NAME: text", or a notice "* ..." (welcome, joins, leaves, nickname
 * changes). The client shows notices as events and keeps the count of who
 * is here from them. Pure: it reads bytes and returns pointers into them. */
#ifndef SOCKPIT_CHAT_ROOM_H
#define SOCKPIT_CHAT_ROOM_H

#include <stddef.h>

typedef enum sp_room_kind {
    SP_ROOM_MESSAGE, /* "NAME: text"; who empty when the frame names nobody */
    SP_ROOM_WELCOME, /* "* welcome PEER: N others here; ..." (who: PEER, as the server names us) */
    SP_ROOM_JOIN,    /* "* NAME joined (N here)", "* N joined (N here)" */
    SP_ROOM_LEAVE,   /* "* NAME left", "* N left (N here)" */
    SP_ROOM_CHANGE,  /* "* N joined, M left (K here)" */
    SP_ROOM_NICK,    /* "* OLD is now known as NEW" (who: OLD, text: NEW) */
    SP_ROOM_REFUSED, /* "* nickname refused: why ..." (text: the rest) */
    SP_ROOM_NOTICE,  /* any other "* ..." (text: after "* ") */
} sp_room_kind;

typedef struct sp_room_event {
    sp_room_kind kind;
    const char *who;
    size_t who_len;
    const char *text;
    size_t text_len;
    long here; /* people in the room as the notice says, -1: it does not say */
} sp_room_event;

void sp_room_parse(const char *p, size_t n, sp_room_event *ev);

/* The count of who is here after ev, from the count before (-1: unknown). */
long sp_room_here_after(long before, const sp_room_event *ev);

#endif
