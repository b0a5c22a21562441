/* Room frames as `sockpit serve --room` writes them (chatserver.c): every
 * notice starts with "* ", every message with the sender's name and ": "
 * (a name has no blank and no colon, see nick.c). Anything else is a
 * message that names nobody, so a foreign server's frames still show. */
#include "sockpit/chat/room.h"

#include <stdbool.h>
#include <string.h>

static bool starts(const char *p, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && memcmp(p, lit, l) == 0;
}

static bool ends(const char *p, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && memcmp(p + n - l, lit, l) == 0;
}

/* A decimal number filling p[0..n), at most 9 digits; -1 otherwise. */
static long number(const char *p, size_t n)
{
    if (n == 0 || n > 9)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* "... (N here)" at the end of p: N, with *n shortened to before " (". */
static long here_suffix(const char *p, size_t *n)
{
    if (!ends(p, *n, " here)"))
        return -1;
    size_t end = *n - 6, i = end;
    while (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9')
        i--;
    if (i < 2 || p[i - 1] != '(' || p[i - 2] != ' ')
        return -1;
    long v = number(p + i, end - i);
    if (v >= 0)
        *n = i - 2;
    return v;
}

static const char *find(const char *p, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= n; i++)
        if (memcmp(p + i, lit, l) == 0)
            return p + i;
    return NULL;
}

static void notice(const char *p, size_t n, sp_room_event *ev)
{
    ev->kind = SP_ROOM_NOTICE;
    ev->text = p;
    ev->text_len = n;
    if (starts(p, n, "welcome ")) {
        const char *colon = find(p + 8, n - 8, ": ");
        const char *oth = colon ? find(colon + 2, n - (size_t)(colon + 2 - p), " other") : NULL;
        if (oth) {
            long others = number(colon + 2, (size_t)(oth - colon - 2));
            if (others >= 0) {
                ev->kind = SP_ROOM_WELCOME;
                ev->who = p + 8;
                ev->who_len = (size_t)(colon - p - 8);
                ev->here = others + 1;
            }
        }
        return;
    }
    if (starts(p, n, "nickname refused: ")) {
        ev->kind = SP_ROOM_REFUSED;
        ev->text = p + 18;
        ev->text_len = n - 18;
        return;
    }
    const char *known = find(p, n, " is now known as ");
    if (known && known > p) {
        ev->kind = SP_ROOM_NICK;
        ev->who = p;
        ev->who_len = (size_t)(known - p);
        ev->text = known + 17;
        ev->text_len = n - (size_t)(known + 17 - p);
        return;
    }
    size_t m = n;
    long here = here_suffix(p, &m);
    const char *both = find(p, m, " joined, ");
    if (both && here >= 0 && ends(p, m, " left")) {
        ev->kind = SP_ROOM_CHANGE;
        ev->here = here;
        return;
    }
    if (ends(p, m, " joined") && m > 7) {
        ev->kind = SP_ROOM_JOIN;
        ev->who = p;
        ev->who_len = m - 7;
        ev->here = here;
    } else if (ends(p, m, " left") && m > 5) {
        ev->kind = SP_ROOM_LEAVE;
        ev->who = p;
        ev->who_len = m - 5;
        ev->here = here;
    }
}

void sp_room_parse(const char *p, size_t n, sp_room_event *ev)
{
    *ev = (sp_room_event){ .kind = SP_ROOM_MESSAGE, .who = p, .text = p, .text_len = n, .here = -1 };
    if (starts(p, n, "* ")) {
        notice(p + 2, n - 2, ev);
        return;
    }
    const char *sep = find(p, n, ": ");
    if (!sep || sep == p)
        return;
    for (const char *q = p; q < sep; q++)
        if (*q == ' ' || *q == '\t' || *q == ':' || *q == '\0')
            return;
    ev->who_len = (size_t)(sep - p);
    ev->text = sep + 2;
    ev->text_len = n - ev->who_len - 2;
}

long sp_room_here_after(long before, const sp_room_event *ev)
{
    if (ev->here >= 0)
        return ev->here;
    if (ev->kind == SP_ROOM_LEAVE && before > 1)
        return before - 1;
    if (ev->kind == SP_ROOM_JOIN && before >= 0)
        return before + 1;
    return before;
}
