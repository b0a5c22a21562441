/* Room nicknames: what a client may call itself. */
#ifndef SOCKPIT_CHAT_NICK_H
#define SOCKPIT_CHAT_NICK_H

#include <stdbool.h>
#include <stddef.h>

#define SP_NICK_MAX 32 /* bytes */

/* True when s[0..n) is a nickname: 1 to SP_NICK_MAX bytes of valid UTF-8
 * with no blank, no colon (it ends the name in "NICK: text"), no NUL and
 * nothing the safe-text escaping would change (controls, bidi and format
 * characters), so it is shown exactly as everyone else sees it. Otherwise
 * false with the reason in why. */
bool sp_nick_check(const char *s, size_t n, char *why, size_t whylen);

#endif
