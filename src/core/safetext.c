/* Escaping of outside text for the terminal, and the UTF-8 primitives the
 * rest of the program measures and edits text with. */
#include "sockpit/core/safetext.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sockpit/core/mem.h"

size_t sp_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t need;
    uint32_t v, min;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2; v = c & 0x1f; min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3; v = c & 0x0f; min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4; v = c & 0x07; min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    size_t i = 1;
    for (; i < need; i++) {
        if (i >= len || (s[i] & 0xc0) != 0x80)
            break;
        /* Reject overlongs, surrogates and > U+10FFFF at the second byte, so
         * the invalid part is as short as possible (Unicode's "maximal
         * subpart" rule). */
        if (i == 1) {
            if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
                (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
                break;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (i < need || v < min) {
        *cp = 0xFFFD;
        return i;
    }
    *cp = v;
    return need;
}

size_t sp_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Code points a terminal would act on instead of showing: C0, DEL, C1, the
 * bidi embedding/override/isolate controls and the line/paragraph
 * separators (which could reorder or break a line on screen); and the
 * invisible format characters (zero-width spaces and joiners, the word
 * joiner and invisible operators, the byte-order mark, soft hyphen, tag
 * characters), which would hide text or make two different names look the
 * same. */
bool sp_cp_needs_escape(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xad || cp == 0x061c || cp == 0x180e ||
           (cp >= 0x200b && cp <= 0x200f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206f) || cp == 0xfeff ||
           (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f);
}

int sp_cp_width(uint32_t cp)
{
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

size_t sp_escape_step(const char *in, size_t n, uint32_t cp, unsigned *run, char out[16])
{
    bool escape = sp_cp_needs_escape(cp);
    if (cp == 0xFFFD) {
        *run = 0;
        static const char replacement[3] = { '\xef', '\xbf', '\xbd' };
        for (size_t i = 0; i < sizeof replacement; i++)
            out[i] = replacement[i];
        return 3;
    }
    if (!escape && cp >= 0x300 && wcwidth((wchar_t)cp) == 0) {
        /* Combining marks pile up on one cell: past a few, show them. */
        if (++*run > SP_COMBINING_MAX)
            escape = true;
    } else {
        *run = 0;
    }
    if (escape) {
        int w = cp < 0x80 ? snprintf(out, 16, "\\x%02x", (unsigned)cp) : snprintf(out, 16, "\\u%04x", (unsigned)cp);
        return (size_t)w;
    }
    memcpy(out, in, n);
    return n;
}

/* Appends bytes if they fit; always counts them. */
static void put(char *out, size_t cap, size_t *used, size_t *fit, const char *b, size_t n)
{
    if (*fit == *used && *used + n < cap) {
        memcpy(out + *used, b, n);
        *fit += n;
    }
    *used += n;
}

size_t sp_escape(const char *in, size_t len, char *out, size_t cap)
{
    size_t used = 0, fit = 0;
    unsigned run = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_decode(in + i, len - i, &cp);
        char tmp[16];
        put(out, cap, &used, &fit, tmp, sp_escape_step(in + i, n, cp, &run, tmp));
        i += n;
    }
    if (cap > 0)
        out[fit] = '\0';
    return used;
}

char *sp_escape_dup(const char *in, size_t len)
{
    size_t n = sp_escape(in, len, NULL, 0);
    char *out = sp_xmalloc(n + 1);
    sp_escape(in, len, out, n + 1);
    return out;
}

void sp_escape_fputs(const char *in, size_t len, FILE *f)
{
    char buf[1024];
    /* Escape in slices that end on character boundaries of the input. */
    size_t i = 0;
    while (i < len) {
        size_t chunk = 0;
        while (i + chunk < len && chunk < 200) {
            uint32_t cp;
            chunk += sp_utf8_decode(in + i + chunk, len - i - chunk, &cp);
        }
        sp_escape(in + i, chunk, buf, sizeof buf);
        fputs(buf, f);
        i += chunk;
    }
}

size_t sp_text_width(const char *s, size_t len)
{
    size_t cols = 0, i = 0;
    unsigned run = 0;
    while (i < len) {
        /* Printable ASCII, most of what a table holds: never escaped, a
         * column a byte (wcwidth is the cost of this function otherwise). */
        if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
            cols++;
            i++;
            run = 0;
            continue;
        }
        uint32_t cp;
        size_t n = sp_utf8_decode(s + i, len - i, &cp);
        char tmp[16];
        size_t e = sp_escape_step(s + i, n, cp, &run, tmp);
        /* An escape is ASCII, a column a byte (and never as long as the
         * character it replaces); else the character itself. */
        cols += cp == 0xFFFD ? 1 : e != n ? e : (size_t)sp_cp_width(cp);
        i += n;
    }
    return cols;
}
