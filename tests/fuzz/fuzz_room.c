/* The room frame parser on any bytes: what it returns lies inside the frame,
 * a message's sender is followed by ": " in it, and a count is never below -1. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/chat/room.h"

static void inside(const char *p, size_t n, const char *q, size_t len)
{
    if (len && (q < p || q + len > p + n))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    sp_room_event ev;
    sp_room_parse(p, size, &ev);
    inside(p, size, ev.who, ev.who_len);
    inside(p, size, ev.text, ev.text_len);
    if (ev.here < -1)
        abort();
    if (ev.kind == SP_ROOM_MESSAGE && ev.who_len &&
        (ev.who != p || ev.who_len + 2 > size || memcmp(p + ev.who_len, ": ", 2) != 0 ||
         memchr(p, ' ', ev.who_len)))
        abort();
    if (ev.kind != SP_ROOM_MESSAGE && (size < 2 || memcmp(p, "* ", 2) != 0))
        abort();
    long after = sp_room_here_after(-1, &ev);
    if (after < -1)
        abort();
    return 0;
}
