/* OUI registry files into one sorted array. Three formats, recognised per
 * line so a file of any of them (or a mix) loads:
 *   ieee-data oui.csv:      MA-L,0050C2,"Name, Inc.",Address
 *   arp-scan ieee-oui.txt:  0050C2<TAB>Name
 *   nmap-mac-prefixes:      0050C2 Name      (also 7 or 9 hex digits)
 * Comments (#) and blank lines are skipped; anything else that does not fit
 * is counted as a bad line. */
#include "sockpit/hosts/oui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/parse.h"
#include "sockpit/core/readfile.h"

/* Reads n hex digits (6, 7 or 9 are prefixes of 24, 28, 36 bits). */
static bool parse_prefix(const char *s, size_t n, uint64_t *v, uint8_t *bits)
{
    if (n != 6 && n != 7 && n != 9)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        int h = sp_hexval(s[i]);
        if (h < 0)
            return false;
        x = x << 4 | (uint64_t)h;
    }
    *v = x;
    *bits = (uint8_t)(n * 4);
    return true;
}

static bool add(sp_oui *o, uint64_t prefix, uint8_t bits, const char *name, size_t nlen)
{
    while (nlen && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t' || name[nlen - 1] == '\r'))
        nlen--;
    while (nlen && (*name == ' ' || *name == '\t')) {
        name++;
        nlen--;
    }
    if (nlen == 0)
        return false;
    if (nlen > 200)
        nlen = 200;
    SP_GROW(o->entries, o->cap, o->count + 1);
    SP_GROW(o->names, o->names_cap, o->names_len + nlen + 1);
    memcpy(o->names + o->names_len, name, nlen);
    o->names[o->names_len + nlen] = '\0';
    o->entries[o->count++] = (sp_oui_entry){ prefix, (uint32_t)o->names_len, bits };
    o->names_len += nlen + 1;
    return true;
}

/* The third field of a CSV line, unquoting "..." with "" escapes into buf. */
static bool csv_field(const char *s, size_t len, int want, char *buf, size_t cap, size_t *outlen)
{
    int field = 0;
    size_t i = 0;
    while (i <= len) {
        size_t n = 0;
        bool quoted = i < len && s[i] == '"';
        if (quoted) {
            i++;
            for (;;) {
                if (i >= len)
                    return false; /* unterminated quote */
                if (s[i] == '"') {
                    if (i + 1 < len && s[i + 1] == '"') {
                        if (field == want && n < cap - 1)
                            buf[n++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (field == want && n < cap - 1)
                    buf[n++] = s[i];
                i++;
            }
            if (i < len && s[i] != ',')
                return false;
        } else {
            while (i < len && s[i] != ',') {
                if (field == want && n < cap - 1)
                    buf[n++] = s[i];
                i++;
            }
        }
        if (field == want) {
            buf[n] = '\0';
            *outlen = n;
            return true;
        }
        field++;
        i++;
    }
    return false;
}

static void parse_line(sp_oui *o, const char *s, size_t len)
{
    while (len && (s[len - 1] == '\r' || s[len - 1] == ' '))
        len--;
    if (len == 0 || s[0] == '#')
        return;
    uint64_t v;
    uint8_t bits;
    if (len > 5 && memcmp(s, "MA-", 3) == 0) {
        char hex[16], name[256];
        size_t hn, nn;
        if (!csv_field(s, len, 1, hex, sizeof hex, &hn) || !parse_prefix(hex, hn, &v, &bits) ||
            !csv_field(s, len, 2, name, sizeof name, &nn) || !add(o, v, bits, name, nn))
            o->bad_lines++;
        return;
    }
    if (len > 9 && memcmp(s, "Registry,", 9) == 0)
        return; /* the CSV header */
    size_t n = 0;
    while (n < len && sp_hexval(s[n]) >= 0)
        n++;
    if (n == len || (s[n] != '\t' && s[n] != ' ') || !parse_prefix(s, n, &v, &bits) ||
        !add(o, v, bits, s + n + 1, len - n - 1))
        o->bad_lines++;
}

static int entry_cmp(const void *a, const void *b)
{
    const sp_oui_entry *x = a, *y = b;
    if (x->bits != y->bits)
        return x->bits < y->bits ? -1 : 1;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    /* Equal keys: the first line in the file wins (offsets grow). */
    return x->name < y->name ? -1 : x->name > y->name;
}

sp_oui *sp_oui_parse(const char *buf, size_t len)
{
    sp_oui *o = sp_xcalloc(1, sizeof *o);
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
        parse_line(o, buf + i, n);
        i += n + 1;
    }
    if (o->count) {
        qsort(o->entries, o->count, sizeof *o->entries, entry_cmp);
        /* Drop duplicate keys, keeping the first of each. */
        size_t w = 1;
        for (size_t r = 1; r < o->count; r++)
            if (o->entries[r].bits != o->entries[w - 1].bits || o->entries[r].prefix != o->entries[w - 1].prefix)
                o->entries[w++] = o->entries[r];
        o->count = w;
    }
    return o;
}

sp_oui *sp_oui_load(const char *path)
{
    char *buf;
    size_t got;
    if (sp_read_file(AT_FDCWD, path, (size_t)64 << 20, SP_READ_REGULAR, &buf, &got, NULL) < 0)
        return NULL;
    sp_oui *o = sp_oui_parse(buf, got);
    free(buf);
    return o;
}

sp_oui *sp_oui_load_default(const char **path)
{
    static const char *const paths[] = {
        "/usr/share/ieee-data/oui.csv",
        "/usr/share/arp-scan/ieee-oui.txt",
        "/usr/share/nmap/nmap-mac-prefixes",
    };
    const char *env = getenv("SOCKPIT_OUI");
    if (env && *env) {
        sp_oui *o = sp_oui_load(env);
        if (o) {
            *path = env;
            return o;
        }
    }
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        sp_oui *o = sp_oui_load(paths[i]);
        if (o) {
            *path = paths[i];
            return o;
        }
    }
    *path = NULL;
    return NULL;
}

void sp_oui_free(sp_oui *o)
{
    if (!o)
        return;
    free(o->entries);
    free(o->names);
    free(o);
}

const char *sp_oui_lookup(const sp_oui *o, const unsigned char *mac, size_t len)
{
    if (len < 6)
        return NULL;
    bool zero = true;
    for (size_t i = 0; i < len; i++)
        zero &= mac[i] == 0;
    if (zero)
        return NULL; /* loopback and NOARP entries: no hardware */
    /* Group addresses (IPv4/IPv6 multicast) belong to no vendor. */
    if (mac[0] & 0x01)
        return SP_OUI_MULTICAST;
    /* The universal/local bit: such addresses are not in any registry. */
    if (mac[0] & 0x02)
        return SP_OUI_LOCAL;
    if (!o || !o->count)
        return NULL;
    uint64_t m = 0;
    for (int i = 0; i < 6; i++)
        m = m << 8 | mac[i];
    static const uint8_t tries[] = { 36, 28, 24 };
    for (size_t t = 0; t < sizeof tries; t++) {
        sp_oui_entry key = { m >> (48 - tries[t]), 0, tries[t] };
        size_t lo = 0, hi = o->count;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const sp_oui_entry *e = &o->entries[mid];
            if (e->bits < key.bits || (e->bits == key.bits && e->prefix < key.prefix))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < o->count && o->entries[lo].bits == key.bits && o->entries[lo].prefix == key.prefix)
            return o->names + o->entries[lo].name;
    }
    return NULL;
}
