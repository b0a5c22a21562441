/* The bot's dictionary loader on any bytes: it reports exactly the lines a
 * plain reading of the format rejects (same numbers, same reasons, in
 * order), keeps exactly the others, and each kept question, asked as it
 * is, gets the answer the reference rule (bot_reference.h) picks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot_reference.h"
#include "sockpit/chat/bot.h"

typedef struct reports {
    const ref_dict *want;
    size_t n;
} reports;

static void on_bad(void *ud, size_t line, const char *why)
{
    reports *r = ud;
    if (r->n >= r->want->nbad || r->want->bad[r->n].line != line || strcmp(r->want->bad[r->n].why, why) != 0)
        abort();
    r->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ref_dict d;
    ref_dict_parse(data, size, &d);
    reports r = { &d, 0 };
    sp_bot *b = sp_bot_parse((const char *)data, size, on_bad, &r);
    if (r.n != d.nbad || sp_bot_size(b) != d.n)
        abort();
    for (size_t k = 0; k < d.n && k < 16; k++) {
        size_t alen;
        const char *a = sp_bot_reply(b, (const char *)d.e[k].q, d.e[k].qn, &alen);
        /* Not always its own answer: an earlier key may be a long enough
         * prefix, and a question of only whitespace matches nothing. */
        long w = ref_reply(&d, d.e[k].q, d.e[k].qn);
        if (a[alen] != '\0')
            abort();
        if (w < 0 ? alen != 6 || memcmp(a, "Sorry.", 6) != 0
                  : alen != d.e[w].an || memcmp(a, d.e[w].a, alen) != 0)
            abort();
    }
    sp_bot_free(b);
    ref_dict_free(&d);
    return 0;
}
