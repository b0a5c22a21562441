/* The line editor model. The buffer always holds valid UTF-8 and the cursor
 * sits on a character boundary; a "character" for moving and deleting is a
 * base code point with the zero-width marks that follow it. */
#include "sockpit/tui/lineedit.h"

#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"

void sp_lineedit_init(sp_lineedit *le, size_t max_bytes, size_t hist_max)
{
    memset(le, 0, sizeof *le);
    le->max_bytes = max_bytes;
    le->hist_max = hist_max;
    le->buf = sp_xrealloc(NULL, max_bytes + 1);
    le->buf[0] = '\0';
}

void sp_lineedit_free(sp_lineedit *le)
{
    for (size_t i = 0; i < le->hist_len; i++)
        free(le->hist[i]);
    free(le->hist);
    free(le->stash);
    free(le->buf);
    memset(le, 0, sizeof *le);
}

static uint32_t cp_at(const sp_lineedit *le, size_t off, size_t *n)
{
    uint32_t cp;
    *n = sp_utf8_decode(le->buf + off, le->len - off, &cp);
    return cp;
}

/* Start of the code point that ends at off. */
static size_t prev_cp(const sp_lineedit *le, size_t off)
{
    while (off > 0 && ((unsigned char)le->buf[off - 1] & 0xc0) == 0x80)
        off--;
    return off > 0 ? off - 1 : 0;
}

static size_t next_char(const sp_lineedit *le, size_t off)
{
    size_t n;
    if (off >= le->len)
        return le->len;
    cp_at(le, off, &n);
    off += n;
    while (off < le->len) {
        uint32_t cp = cp_at(le, off, &n);
        if (sp_cp_width(cp) != 0)
            break;
        off += n;
    }
    return off;
}

static size_t prev_char(const sp_lineedit *le, size_t off)
{
    while (off > 0) {
        off = prev_cp(le, off);
        size_t n;
        uint32_t cp = cp_at(le, off, &n);
        if (sp_cp_width(cp) != 0 || off == 0)
            break;
    }
    return off;
}

static void cut(sp_lineedit *le, size_t from, size_t to)
{
    memmove(le->buf + from, le->buf + to, le->len - to + 1);
    le->len -= to - from;
    le->cursor = from;
}

void sp_lineedit_set(sp_lineedit *le, const char *text)
{
    le->len = 0;
    le->cursor = 0;
    le->buf[0] = '\0';
    size_t n = strlen(text), i = 0;
    while (i < n) {
        uint32_t cp;
        i += sp_utf8_decode(text + i, n - i, &cp);
        if (!sp_lineedit_apply(le, SP_EDIT_INSERT, cp) && le->len + 4 > le->max_bytes)
            break;
    }
}

void sp_lineedit_clear(sp_lineedit *le)
{
    le->len = le->cursor = 0;
    le->buf[0] = '\0';
    le->hist_pos = le->hist_len;
}

static bool insertable(uint32_t cp)
{
    return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0) && cp <= 0x10ffff &&
           !(cp >= 0xd800 && cp <= 0xdfff);
}

static void recall(sp_lineedit *le, const char *text)
{
    size_t n = strlen(text);
    if (n > le->max_bytes)
        n = le->max_bytes;
    memcpy(le->buf, text, n);
    le->buf[n] = '\0';
    le->len = le->cursor = n;
}

static bool history(sp_lineedit *le, bool back)
{
    if (back) {
        if (le->hist_pos == 0)
            return false;
        if (le->hist_pos == le->hist_len) {
            free(le->stash);
            le->stash = sp_xstrdup(le->buf);
        }
        recall(le, le->hist[--le->hist_pos]);
        return true;
    }
    if (le->hist_pos >= le->hist_len)
        return false;
    le->hist_pos++;
    recall(le, le->hist_pos == le->hist_len ? (le->stash ? le->stash : "") : le->hist[le->hist_pos]);
    return true;
}

static bool is_space(uint32_t cp) { return cp == ' ' || cp == '\t'; }

bool sp_lineedit_apply(sp_lineedit *le, sp_edit_op op, uint32_t cp)
{
    size_t n, at;
    switch (op) {
    case SP_EDIT_INSERT: {
        if (!insertable(cp))
            return false;
        char enc[4];
        n = sp_utf8_encode(cp, enc);
        if (le->len + n > le->max_bytes)
            return false;
        memmove(le->buf + le->cursor + n, le->buf + le->cursor, le->len - le->cursor + 1);
        memcpy(le->buf + le->cursor, enc, n);
        le->len += n;
        le->cursor += n;
        return true;
    }
    case SP_EDIT_LEFT:
        if (le->cursor == 0)
            return false;
        le->cursor = prev_char(le, le->cursor);
        return true;
    case SP_EDIT_RIGHT:
        if (le->cursor >= le->len)
            return false;
        le->cursor = next_char(le, le->cursor);
        return true;
    case SP_EDIT_HOME:
        if (le->cursor == 0)
            return false;
        le->cursor = 0;
        return true;
    case SP_EDIT_END:
        if (le->cursor == le->len)
            return false;
        le->cursor = le->len;
        return true;
    case SP_EDIT_BACKSPACE:
        if (le->cursor == 0)
            return false;
        cut(le, prev_char(le, le->cursor), le->cursor);
        return true;
    case SP_EDIT_DELETE:
        if (le->cursor >= le->len)
            return false;
        cut(le, le->cursor, next_char(le, le->cursor));
        return true;
    case SP_EDIT_KILL_START:
        if (le->cursor == 0)
            return false;
        cut(le, 0, le->cursor);
        return true;
    case SP_EDIT_KILL_WORD:
        if (le->cursor == 0)
            return false;
        at = le->cursor;
        while (at > 0) {
            size_t p = prev_cp(le, at);
            if (!is_space(cp_at(le, p, &n)))
                break;
            at = p;
        }
        while (at > 0) {
            size_t p = prev_cp(le, at);
            if (is_space(cp_at(le, p, &n)))
                break;
            at = p;
        }
        cut(le, at, le->cursor);
        return true;
    case SP_EDIT_HIST_PREV:
        return history(le, true);
    case SP_EDIT_HIST_NEXT:
        return history(le, false);
    }
    return false;
}

void sp_lineedit_remember(sp_lineedit *le, const char *line)
{
    free(le->stash);
    le->stash = NULL;
    if (!*line || le->hist_max == 0 ||
        (le->hist_len > 0 && strcmp(le->hist[le->hist_len - 1], line) == 0)) {
        le->hist_pos = le->hist_len;
        return;
    }
    if (le->hist_len == le->hist_max) {
        free(le->hist[0]);
        memmove(le->hist, le->hist + 1, (le->hist_len - 1) * sizeof *le->hist);
        le->hist_len--;
    }
    le->hist = sp_xreallocarray(le->hist, le->hist_len + 1, sizeof *le->hist);
    le->hist[le->hist_len++] = sp_xstrdup(line);
    le->hist_pos = le->hist_len;
}

size_t sp_lineedit_cursor_col(const sp_lineedit *le)
{
    return sp_text_width(le->buf, le->cursor);
}

size_t sp_lineedit_width(const sp_lineedit *le)
{
    return sp_text_width(le->buf, le->len);
}
