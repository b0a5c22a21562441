/* Nicknames are checked once, when set: every later use (announcements,
 * attribution of messages) then shows the same bytes. */
#include "sockpit/chat/nick.h"

#include <stdint.h>
#include <stdio.h>

#include "sockpit/core/safetext.h"

bool sp_nick_check(const char *s, size_t n, char *why, size_t whylen)
{
    if (n == 0 || n > SP_NICK_MAX) {
        snprintf(why, whylen, "a nickname is 1 to %d bytes", SP_NICK_MAX);
        return false;
    }
    size_t i = 0;
    unsigned run = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = sp_utf8_decode(s + i, n - i, &cp);
        char esc[16];
        if (cp == 0xFFFD) {
            snprintf(why, whylen, "a nickname must be valid UTF-8");
            return false;
        }
        if (cp == ' ' || cp == '\t' || cp == 0xa0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200a)) {
            snprintf(why, whylen, "a nickname has no spaces");
            return false;
        }
        if (cp == ':') {
            snprintf(why, whylen, "a nickname has no colon");
            return false;
        }
        if (sp_escape_step(s + i, k, cp, &run, esc) != k) {
            snprintf(why, whylen, "a nickname has no control or invisible characters");
            return false;
        }
        i += k;
    }
    return true;
}
