/* DNS name validation for names the user wants watched. */
#include "sockpit/dns/dnsname.h"

#include <stdbool.h>
#include <stdio.h>

#include "sockpit/core/safetext.h"

static bool name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int sp_dnsname_check(const char *s, size_t len, char out[SP_DNSNAME_MAX + 1], char *err, size_t errlen)
{
    if (len > 0 && s[len - 1] == '.')
        len--;
    if (len == 0) {
        snprintf(err, errlen, "the name is empty");
        return -1;
    }
    if (len > SP_DNSNAME_MAX) {
        snprintf(err, errlen, "the name has %zu characters; at most %d are allowed", len, SP_DNSNAME_MAX);
        return -1;
    }
    size_t label = 0, label_start = 0;
    bool all_digits = true;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)s[i] : '.';
        if (c == '.') {
            if (label == 0) {
                snprintf(err, errlen, "empty label (two dots in a row or a leading dot) at character %zu", i + 1);
                return -1;
            }
            if (s[label_start] == '-' || s[i - 1] == '-') {
                snprintf(err, errlen, "label '%.*s' starts or ends with '-'", (int)label, s + label_start);
                return -1;
            }
            if (i == len && all_digits) {
                snprintf(err, errlen, "'%.*s' looks like an address, not a name", (int)len, s);
                return -1;
            }
            if (i < len)
                out[i] = '.';
            label = 0;
            label_start = i + 1;
            all_digits = true;
            continue;
        }
        if (!name_char(c)) {
            char shown[32];
            uint32_t cp;
            size_t n = sp_utf8_decode(s + i, len - i, &cp);
            sp_escape(s + i, n, shown, sizeof shown);
            snprintf(err, errlen, "character '%s' at position %zu is not allowed (use letters, digits, '-', '_' "
                                  "and dots; IDN names in their xn-- form)", shown, i + 1);
            return -1;
        }
        if (c < '0' || c > '9')
            all_digits = false;
        if (++label > 63) {
            snprintf(err, errlen, "label '%.20s...' is longer than 63 characters", s + label_start);
            return -1;
        }
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    out[len] = '\0';
    return 0;
}
