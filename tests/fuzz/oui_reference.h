/* What must hold of an OUI table parsed from any bytes (fuzz_oui_csv,
 * fuzz_oui_txt): the array is sorted by (bits, prefix) without duplicates,
 * each prefix fits its width and its name is a NUL-terminated string of at
 * most 200 bytes; the table is what parsing each line on its own gives
 * (the same bad lines, one entry per key, the first line's name); and a MAC
 * inside each prefix looks up to the longest prefix that holds it. */
#ifndef OUI_REFERENCE_H
#define OUI_REFERENCE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/hosts/oui.h"

#define OUI_REF_MAX_LINES 256

static const sp_oui_entry *oui_ref_find(const sp_oui *o, uint64_t prefix, uint8_t bits)
{
    for (size_t i = 0; i < o->count; i++)
        if (o->entries[i].bits == bits && o->entries[i].prefix == prefix)
            return &o->entries[i];
    return NULL;
}

static void oui_ref_lookup(const sp_oui *o, uint64_t mac48)
{
    unsigned char mac[6];
    bool zero = mac48 == 0;
    for (int i = 0; i < 6; i++)
        mac[i] = (unsigned char)(mac48 >> (40 - 8 * i));
    const char *got = sp_oui_lookup(o, mac, sizeof mac);
    if (zero) {
        if (got)
            abort();
        return;
    }
    if (mac[0] & 1) {
        if (!got || strcmp(got, SP_OUI_MULTICAST) != 0)
            abort();
        return;
    }
    if (mac[0] & 2) {
        if (!got || strcmp(got, SP_OUI_LOCAL) != 0)
            abort();
        return;
    }
    static const uint8_t widths[] = { 36, 28, 24 };
    const sp_oui_entry *want = NULL;
    for (size_t w = 0; w < sizeof widths && !want; w++)
        want = oui_ref_find(o, mac48 >> (48 - widths[w]), widths[w]);
    if (want ? got != o->names + want->name : got != NULL)
        abort();
}

static void oui_ref_check(const char *in, size_t size)
{
    sp_oui *o = sp_oui_parse(in, size);
    if (!o)
        abort();
    for (size_t i = 0; i < o->count; i++) {
        const sp_oui_entry *e = &o->entries[i];
        if ((e->bits != 24 && e->bits != 28 && e->bits != 36) || e->prefix >> e->bits || e->name >= o->names_len)
            abort();
        const char *nul = memchr(o->names + e->name, '\0', o->names_len - e->name);
        if (!nul || nul - (o->names + e->name) > 200)
            abort();
        if (i && (o->entries[i - 1].bits > e->bits ||
                  (o->entries[i - 1].bits == e->bits && o->entries[i - 1].prefix >= e->prefix)))
            abort();
        oui_ref_lookup(o, e->prefix << (48 - e->bits));
        oui_ref_lookup(o, e->prefix << (48 - e->bits) | ((1ull << (48 - e->bits)) - 1));
    }
    if (size >= 6) {
        uint64_t m = 0;
        for (int i = 0; i < 6; i++)
            m = m << 8 | (unsigned char)in[i];
        oui_ref_lookup(o, m);
    }

    /* Line by line. */
    sp_oui *seen = sp_oui_parse("", 0); /* the keys met so far, first name kept */
    size_t lines = 0, bad = 0;
    for (size_t p = 0; p < size && lines < OUI_REF_MAX_LINES; lines++) {
        const char *nl = memchr(in + p, '\n', size - p);
        size_t n = nl ? (size_t)(nl - (in + p)) : size - p;
        sp_oui *one = sp_oui_parse(in + p, n);
        if (!one || one->count + one->bad_lines > 1)
            abort();
        bad += one->bad_lines;
        if (one->count) {
            const sp_oui_entry *e = &one->entries[0];
            const sp_oui_entry *first = oui_ref_find(seen, e->prefix, e->bits);
            const char *want = first ? seen->names + first->name : one->names + e->name;
            const sp_oui_entry *got = oui_ref_find(o, e->prefix, e->bits);
            if (!got || strcmp(o->names + got->name, want) != 0)
                abort();
            if (!first) {
                /* Remember it: a table grown by parsing "HEX<TAB>name". */
                sp_oui_entry *v = realloc(seen->entries, (seen->count + 1) * sizeof *v);
                char *names = realloc(seen->names, seen->names_len + strlen(want) + 1);
                if (!v || !names)
                    abort();
                seen->entries = v;
                seen->names = names;
                v[seen->count++] = (sp_oui_entry){ e->prefix, (uint32_t)seen->names_len, e->bits };
                memcpy(names + seen->names_len, want, strlen(want) + 1);
                seen->names_len += strlen(want) + 1;
            }
        }
        sp_oui_free(one);
        p = nl ? p + n + 1 : size;
    }
    if (lines < OUI_REF_MAX_LINES && (bad != o->bad_lines || seen->count != o->count))
        abort();
    sp_oui_free(seen);
    sp_oui_free(o);
}

#endif
