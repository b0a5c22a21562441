/* The nickname check on any bytes: an accepted nickname is 1-32 bytes, has
 * no blank, colon or NUL, and the safe-text escaping leaves it unchanged
 * (so everyone is shown exactly the name that was accepted). */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/chat/nick.h"
#include "sockpit/core/safetext.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setlocale(LC_ALL, "C.UTF-8");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char why[120];
    if (!sp_nick_check(s, size, why, sizeof why)) {
        if (!why[0])
            abort(); /* a refusal always says why */
        return 0;
    }
    if (size == 0 || size > SP_NICK_MAX || memchr(s, '\0', size) || memchr(s, ' ', size) || memchr(s, ':', size))
        abort();
    char esc[4 * SP_NICK_MAX + 8];
    size_t n = sp_escape(s, size, esc, sizeof esc);
    if (n != size || memcmp(esc, s, size) != 0)
        abort();
    return 0;
}
