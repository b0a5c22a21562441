/* The escaper: whatever the bytes, the output is valid UTF-8 with no control
 * or invisible format character and no more than SP_COMBINING_MAX combining
 * marks in a row, its width is what sp_text_width says, truncation gives a
 * prefix of the full output, and JSON strings stay well-formed and carry no
 * character the terminal escaper would escape. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/json.h"
#include "sockpit/core/safetext.h"

static void check_safe(const char *s, size_t n)
{
    size_t i = 0;
    unsigned run = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = sp_utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && (k != 3 || memcmp(s + i, "\xef\xbf\xbd", 3) != 0))
            abort(); /* invalid UTF-8 in the output */
        if (sp_cp_needs_escape(cp))
            abort(); /* a control or format character got through */
        run = cp >= 0x300 && sp_cp_width(cp) == 0 ? run + 1 : 0;
        if (run > SP_COMBINING_MAX)
            abort(); /* a tower of combining marks got through */
        i += k;
    }
}

/* Columns of escaped text: each character as the terminal shows it. */
static size_t shown_width(const char *s, size_t n)
{
    size_t cols = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        i += sp_utf8_decode(s + i, n - i, &cp);
        cols += (size_t)sp_cp_width(cp);
    }
    return cols;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setlocale(LC_ALL, "C.UTF-8");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    char *full = sp_escape_dup(in, size);
    size_t n = strlen(full);
    if (n != sp_escape(in, size, NULL, 0))
        abort();
    check_safe(full, n);
    if (shown_width(full, n) != sp_text_width(in, size))
        abort();
    char small[17];
    sp_escape(in, size, small, sizeof small);
    if (strncmp(full, small, strlen(small)) != 0)
        abort();
    check_safe(small, strlen(small));
    free(full);

    char *json = NULL;
    size_t jn = 0;
    FILE *f = open_memstream(&json, &jn);
    sp_json_write_string(f, in, size);
    fclose(f);
    if (jn < 2 || json[0] != '"' || json[jn - 1] != '"')
        abort();
    for (size_t i = 0; i < jn;) {
        uint32_t cp;
        size_t k = sp_utf8_decode(json + i, jn - i, &cp);
        if (sp_cp_needs_escape(cp))
            abort();
        i += k;
    }
    free(json);
    return 0;
}
