/* The escaper: whatever the bytes, the output is valid UTF-8 with no control
 * byte, truncation gives a prefix of the full output, and JSON strings stay
 * well-formed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/json.h"
#include "sockpit/core/safetext.h"

static void check_safe(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = sp_utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && (k != 3 || memcmp(s + i, "\xef\xbf\xbd", 3) != 0))
            abort(); /* invalid UTF-8 in the output */
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            abort(); /* a control character got through */
        i += k;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    char *full = sp_escape_dup(in, size);
    size_t n = strlen(full);
    if (n != sp_escape(in, size, NULL, 0))
        abort();
    check_safe(full, n);
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
    for (size_t i = 0; i < jn; i++)
        if ((unsigned char)json[i] < 0x20)
            abort();
    free(json);
    return 0;
}
