/* Sets of IPv4/IPv6 addresses: sorted (IPv4 first, then numerically),
 * without duplicates, so two answers that list the same addresses in another
 * order compare equal. */
#ifndef SOCKPIT_ADDRSET_H
#define SOCKPIT_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_addr {
    uint8_t v6;      /* 0: IPv4 in b[0..4), 1: IPv6 in b[0..16) */
    uint8_t b[16];
} sp_addr;

typedef struct sp_addrset {
    sp_addr *v;
    size_t n, cap;
} sp_addrset;

#define SP_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

void sp_addrset_init(sp_addrset *s);
void sp_addrset_free(sp_addrset *s);
void sp_addrset_clear(sp_addrset *s);
/* Appends one address (4 or 16 bytes); call sp_addrset_normalize after. */
void sp_addrset_add(sp_addrset *s, bool v6, const void *bytes);
/* Sorts and removes duplicates. */
void sp_addrset_normalize(sp_addrset *s);
void sp_addrset_copy(sp_addrset *dst, const sp_addrset *src);
/* Compares two normalized sets. */
bool sp_addrset_equal(const sp_addrset *a, const sp_addrset *b);
/* What is in `new` but not in `old` (added) and the other way (removed);
 * both normalized. added/removed are cleared first and may be NULL. */
void sp_addrset_diff(const sp_addrset *old, const sp_addrset *new, sp_addrset *added, sp_addrset *removed);
/* The order of a set: IPv4 before IPv6, then numerically (<0, 0, >0). */
int sp_addrset_order(const sp_addr *a, const sp_addr *b);
/* Text form of one address into buf[SP_ADDR_STRLEN]. */
const char *sp_addr_str(const sp_addr *a, char *buf);
/* "a, b, c" into buf (NUL-terminated, truncated to cap). Returns the full
 * length, like snprintf. */
size_t sp_addrset_format(const sp_addrset *s, const char *sep, char *buf, size_t cap);
/* Parses "a, b, c" (sep ", "; spaces around addresses are skipped) and
 * normalizes. Returns 0, or -1 if any item is not an address. */
int sp_addrset_parse(const char *s, size_t len, sp_addrset *out);

#endif
