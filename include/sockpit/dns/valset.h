/* Sets of record values in canonical text ("10 mx1.example.com",
 * "\"v=spf1 -all\""): sorted, without duplicates, so two answers that list
 * the same records in another order compare equal. Canonical values hold no
 * ',', '(' or ')' and no bytes outside printable ASCII (record_escape), so
 * "a, b" lists and the change log's "(+x, -y)" read back unambiguously. */
#ifndef SOCKPIT_VALSET_H
#define SOCKPIT_VALSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sp_valset {
    char **v;
    size_t n, cap;
} sp_valset;

#define SP_VALUE_MAX 1024 /* longer values are cut (with "...") */

void sp_valset_init(sp_valset *s);
void sp_valset_free(sp_valset *s);
void sp_valset_clear(sp_valset *s);
/* Appends a copy of s[0..len) (cut at SP_VALUE_MAX); normalize after. */
void sp_valset_add(sp_valset *s, const char *text, size_t len);
void sp_valset_normalize(sp_valset *s);
void sp_valset_copy(sp_valset *dst, const sp_valset *src);
bool sp_valset_equal(const sp_valset *a, const sp_valset *b);
/* What is in `new` but not in `old` (added) and the other way (removed). */
void sp_valset_diff(const sp_valset *old, const sp_valset *new, sp_valset *added, sp_valset *removed);
/* Parses "a, b, c" and normalizes. Returns 0, or -1 when an item is empty
 * or holds what a canonical value cannot. */
int sp_valset_parse(const char *s, size_t len, sp_valset *out);

#endif
