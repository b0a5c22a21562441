/* The escape-sequence decoder under any bytes: it never reads past the
 * sequence, and what it returns is a key the shell can route (a function
 * key in ncurses' range, or a keypad character, with known modifiers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/tui/keymap.h"
#include "sockpit/tui/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes, so ASan sees any read past the end. */
    char *seq = malloc(size ? size : 1);
    if (!seq)
        return 0;
    memcpy(seq, data, size);
    sp_key k;
    if (sp_esc_decode(seq, size, &k)) {
        if (k.mods & ~(SP_KEY_MOD_SHIFT | SP_KEY_MOD_ALT | SP_KEY_MOD_CTRL))
            abort();
        if (k.fn ? (k.code <= 0 || k.code > KEY_MAX) : (k.code < 0x20 || k.code > 0x7e))
            abort();
    }
    free(seq);
    return 0;
}
