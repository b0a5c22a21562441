/* The line editor under any sequence of key events: the text stays valid
 * UTF-8 within its limit, and the cursor stays on a character boundary
 * inside the text. Each event is one byte (the operation), plus three bytes
 * of code point for an insert. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/tui/lineedit.h"
#include "sockpit/core/safetext.h"

static void check(const sp_lineedit *le)
{
    if (le->len > le->max_bytes || le->cursor > le->len || strlen(le->buf) != le->len)
        abort();
    if (le->cursor < le->len && ((unsigned char)le->buf[le->cursor] & 0xc0) == 0x80)
        abort();
    size_t i = 0;
    while (i < le->len) {
        uint32_t cp;
        size_t k = sp_utf8_decode(le->buf + i, le->len - i, &cp);
        if (cp == 0xFFFD && (k != 3 || memcmp(le->buf + i, "\xef\xbf\xbd", 3) != 0))
            abort();
        i += k;
    }
    if (sp_lineedit_cursor_col(le) > sp_lineedit_width(le))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_lineedit le;
    sp_lineedit_init(&le, 64, 4);
    size_t i = 0;
    while (i < size) {
        uint8_t op = data[i++] % 13;
        if (op <= SP_EDIT_HIST_NEXT) {
            uint32_t cp = 0;
            if (op == SP_EDIT_INSERT) {
                for (int k = 0; k < 3 && i < size; k++)
                    cp = (cp << 8) | data[i++];
                cp %= 0x110000;
            }
            sp_lineedit_apply(&le, (sp_edit_op)op, cp);
        } else if (op == 11) {
            sp_lineedit_remember(&le, le.buf);
            sp_lineedit_clear(&le);
        } else {
            size_t n = i < size ? data[i++] % 16 : 0;
            char tmp[17];
            memcpy(tmp, data + i, n <= size - i ? n : size - i);
            tmp[n <= size - i ? n : size - i] = '\0';
            i += n <= size - i ? n : size - i;
            sp_lineedit_set(&le, tmp);
        }
        check(&le);
    }
    sp_lineedit_free(&le);
    return 0;
}
