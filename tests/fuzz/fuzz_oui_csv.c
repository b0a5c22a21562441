/* The OUI parser on ieee-data's oui.csv: every line of the input gets the
 * "MA-" a registry line starts with, so the fuzzer spends its time in the
 * CSV reader (quotes, "" escapes, missing fields), then the invariants of
 * oui_reference.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oui_reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size * 4 + 4);
    if (!buf)
        abort();
    size_t n = 0;
    bool start = true;
    for (size_t i = 0; i < size; i++) {
        if (start) {
            memcpy(buf + n, "MA-", 3);
            n += 3;
        }
        buf[n++] = (char)data[i];
        start = data[i] == '\n';
    }
    oui_ref_check(buf, n);
    free(buf);
    return 0;
}
