/* The bot's matcher. Input: a TSV dictionary, then NUL, then messages
 * separated by NUL (any other bytes, invalid UTF-8 included). Every reply is
 * NUL-terminated, is one of the dictionary's answers or "Sorry.", and is the
 * one the plain reference of the textbook's rule (bot_reference.h) picks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot_reference.h"
#include "sockpit/chat/bot.h"

static bool is_answer(const ref_dict *d, const char *a, size_t n)
{
    if (n == 6 && memcmp(a, "Sorry.", 6) == 0)
        return true;
    for (size_t k = 0; k < d->n; k++)
        if (d->e[k].an == n && memcmp(d->e[k].a, a, n) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, 0, size);
    size_t dlen = sep ? (size_t)(sep - data) : size;
    ref_dict d;
    ref_dict_parse(data, dlen, &d);
    sp_bot *b = sp_bot_parse((const char *)data, dlen, NULL, NULL);
    if (!b || sp_bot_size(b) != d.n)
        abort();
    size_t pos = sep ? dlen + 1 : size;
    do {
        const uint8_t *end = memchr(data + pos, 0, size - pos);
        size_t mlen = end ? (size_t)(end - (data + pos)) : size - pos;
        /* An exact-size copy, so ASan sees reads past the message. */
        char *msg = malloc(mlen ? mlen : 1);
        if (!msg)
            abort();
        memcpy(msg, data + pos, mlen);
        size_t alen = 99;
        const char *a = sp_bot_reply(b, msg, mlen, &alen);
        if (!a || a[alen] != '\0' || strlen(a) != alen || !is_answer(&d, a, alen))
            abort();
        long w = ref_reply(&d, data + pos, mlen);
        if (w < 0 ? (alen != 6 || memcmp(a, "Sorry.", 6) != 0)
                  : (alen != d.e[w].an || memcmp(a, d.e[w].a, alen) != 0))
            abort();
        free(msg);
        pos += mlen + 1;
    } while (pos < size);
    sp_bot_free(b);
    ref_dict_free(&d);
    return 0;
}
