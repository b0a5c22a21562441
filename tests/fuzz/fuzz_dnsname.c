/* The DNS name validator on any bytes: it accepts exactly what a plain
 * reading of the rules accepts (1-253 characters without the one optional
 * trailing dot, labels of 1-63 letters, digits, '-' or '_' that neither
 * start nor end with '-', a last label not all digits); an accepted name
 * comes out lower-cased without the dot and is accepted again as it is; a
 * refusal gives a one-line reason without control characters, even in a
 * short buffer. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/dns/dnsname.h"

static bool ref_valid(const char *s, size_t len)
{
    if (len && s[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        size_t n = i - start;
        if (n == 0 || n > 63 || s[start] == '-' || s[i - 1] == '-')
            return false;
        bool digits = true;
        for (size_t k = start; k < i; k++) {
            char c = s[k];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
                return false;
            digits &= c >= '0' && c <= '9';
        }
        if (i == len && digits)
            return false;
        start = i + 1;
    }
    return true;
}

static void check_reason(const char *err, size_t cap)
{
    size_t n = strnlen(err, cap);
    if (n == cap || n == 0)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char out[SP_DNSNAME_MAX + 1], err[200];
    memset(out, 'x', sizeof out);
    int rc = sp_dnsname_check(s, size, out, err, sizeof err);
    if ((rc == 0) != ref_valid(s, size))
        abort();
    if (rc < 0) {
        check_reason(err, sizeof err);
        char tiny[8];
        if (sp_dnsname_check(s, size, out, tiny, sizeof tiny) != -1)
            abort();
        check_reason(tiny, sizeof tiny);
        return 0;
    }
    size_t n = size - (s[size - 1] == '.');
    if (strnlen(out, sizeof out) != n)
        abort();
    for (size_t i = 0; i < n; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
        if (out[i] != c)
            abort();
    }
    char again[SP_DNSNAME_MAX + 1];
    if (sp_dnsname_check(out, n, again, err, sizeof err) != 0 || strcmp(again, out) != 0)
        abort();
    return 0;
}
