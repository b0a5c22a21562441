/* The mDNS/LLMNR/NBSTAT parsers on any bytes: they end (compression loops
 * are refused, not followed), never read past the input, and every name
 * they give is one line of printable text (no byte below 0x20, no DEL),
 * shorter than its buffer; a name's end lies inside the message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/hosts/namewire.h"

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private copy, so reads past the end trip the sanitizer. */
    unsigned char *m = malloc(size ? size : 1);
    memcpy(m, data, size);
    char out[SP_WIRE_NAME_MAX];
    for (size_t off = 0; off < size && off < 16; off++) {
        long e = sp_dnswire_name(m, size, off, out, sizeof out);
        if (e >= 0) {
            if ((size_t)e > size || (size_t)e <= off)
                abort();
            check_text(out, sizeof out);
        }
    }
    static sp_wire_name w[8];
    int n = sp_dnswire_names(m, size, w, 8, NULL);
    if (n > 8)
        abort();
    for (int i = 0; i < n; i++) {
        check_text(w[i].name, sizeof w[i].name);
        if (!w[i].name[0] || (w[i].family != 2 && w[i].family != 10))
            abort();
    }
    int family;
    unsigned char addr[16];
    (void)sp_dnswire_question_addr(m, size, &family, addr);
    sp_nbstat st;
    if (sp_nbstat_parse(m, size, &st) == 0) {
        check_text(st.name, sizeof st.name);
        check_text(st.group, sizeof st.group);
    }
    free(m);
    return 0;
}
