/* MAC vendor names from the IEEE registry files a system has: ieee-data's
 * oui.csv, arp-scan's ieee-oui.txt and nmap's nmap-mac-prefixes (the format
 * is told apart line by line). Loaded once into a sorted array and searched
 * by binary search, longest prefix (36, 28, then 24 bits) first. */
#ifndef SOCKPIT_OUI_H
#define SOCKPIT_OUI_H

#include <stddef.h>
#include <stdint.h>

typedef struct sp_oui_entry {
    uint64_t prefix;      /* the first `bits` bits of the MAC */
    uint32_t name;        /* offset into names */
    uint8_t bits;         /* 24, 28 or 36 */
} sp_oui_entry;

typedef struct sp_oui {
    sp_oui_entry *entries;
    size_t count, cap;
    char *names;
    size_t names_len, names_cap;
    size_t bad_lines;     /* lines that looked like data but were malformed */
} sp_oui;

#define SP_OUI_LOCAL "(random/local)"
#define SP_OUI_MULTICAST "(multicast)"

/* Parses a registry file's bytes; an empty table when nothing was
 * recognised. */
sp_oui *sp_oui_parse(const char *buf, size_t len);
/* Reads and parses a file; NULL with errno set if it cannot be read. */
sp_oui *sp_oui_load(const char *path);
/* The first of $SOCKPIT_OUI and the system paths that loads; sets *path to
 * the file used (static or environment string). NULL when none exists. */
sp_oui *sp_oui_load_default(const char **path);
void sp_oui_free(sp_oui *o);

/* The vendor of a MAC: SP_OUI_LOCAL for locally administered addresses,
 * SP_OUI_MULTICAST for group addresses, NULL when unknown, all zero, or o
 * is NULL. */
const char *sp_oui_lookup(const sp_oui *o, const unsigned char *mac, size_t len);

#endif
