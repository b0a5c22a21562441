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
 * separators (which could reorder or break a line on screen). */
static bool needs_escape(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0x200e ||
           cp == 0x200f || cp == 0x061c;
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
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_decode(in + i, len - i, &cp);
        char tmp[16];
        if (cp == 0xFFFD) {
            put(out, cap, &used, &fit, "\xef\xbf\xbd", 3);
        } else if (needs_escape(cp)) {
            int w = cp < 0x80 ? snprintf(tmp, sizeof tmp, "\\x%02x", (unsigned)cp)
                              : snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)cp);
            put(out, cap, &used, &fit, tmp, (size_t)w);
        } else {
            put(out, cap, &used, &fit, in + i, n);
        }
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

int sp_cp_width(uint32_t cp)
{
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

size_t sp_text_width(const char *s, size_t len)
{
    size_t cols = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_decode(s + i, len - i, &cp);
        if (needs_escape(cp))
            cols += cp < 0x80 ? 4 : 6;
        else
            cols += (size_t)sp_cp_width(cp);
        i += n;
    }
    return cols;
}
