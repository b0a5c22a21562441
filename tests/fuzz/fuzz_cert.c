/* The certificate reader (sp_cert_info_from_der) fed any bytes.
 *
 * Input: the bytes, as a DER certificate. Invariants: no crash, no leak
 * (sp_cert_info_free frees everything); every string field ends with a NUL
 * inside its array; the SAN count matches the array (non-NULL when there are
 * SANs, at most 1024) and every SAN is "DNS:..." or "IP:..." with no NUL
 * inside the name; the fingerprint is "" or 32 colon-separated upper-case hex
 * bytes; the connection fields stay empty, verified and host_mismatch
 * false; and reading the same bytes twice gives the same result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/tls/tls.h"

#define FIELD_OK(f) (memchr((f), '\0', sizeof(f)) != NULL)

static void check_fingerprint(const char *fp)
{
    size_t n = strlen(fp);
    if (n == 0)
        return;
    if (n != 95)
        abort();
    for (size_t i = 0; i < n; i++) {
        char c = fp[i];
        if (i % 3 == 2 ? c != ':' : !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
            abort();
    }
}

static void check(const sp_cert_info *ci)
{
    if (!FIELD_OK(ci->subject) || !FIELD_OK(ci->issuer) || !FIELD_OK(ci->sha256) || !FIELD_OK(ci->protocol) ||
        !FIELD_OK(ci->cipher) || !FIELD_OK(ci->verify_reason))
        abort();
    if (ci->protocol[0] || ci->cipher[0] || ci->verified || ci->verify_reason[0] || ci->host_mismatch)
        abort();
    if (ci->nsans > 1024 || (ci->nsans > 0 && !ci->sans))
        abort();
    for (size_t i = 0; i < ci->nsans; i++) {
        const char *s = ci->sans[i];
        if (!s || (strncmp(s, "DNS:", 4) != 0 && strncmp(s, "IP:", 3) != 0))
            abort();
    }
    check_fingerprint(ci->sha256);
}

static bool same(const sp_cert_info *a, const sp_cert_info *b)
{
    if (strcmp(a->subject, b->subject) || strcmp(a->issuer, b->issuer) || strcmp(a->sha256, b->sha256) ||
        a->nsans != b->nsans || a->not_before != b->not_before || a->not_after != b->not_after ||
        a->self_signed != b->self_signed)
        return false;
    for (size_t i = 0; i < a->nsans; i++)
        if (strcmp(a->sans[i], b->sans[i]) != 0)
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A heap copy of exactly size bytes, so a read past the end trips ASan. */
    unsigned char *der = malloc(size ? size : 1);
    if (!der)
        abort();
    memcpy(der, data, size);
    sp_cert_info a, b;
    bool ok = sp_cert_info_from_der(der, size, &a);
    if (!ok && (a.nsans != 0 || a.sans != NULL || a.subject[0]))
        abort();
    if (ok) {
        check(&a);
        if (!sp_cert_info_from_der(der, size, &b) || !same(&a, &b))
            abort();
        sp_cert_info_free(&b);
    }
    sp_cert_info_free(&a);
    free(der);
    return 0;
}
