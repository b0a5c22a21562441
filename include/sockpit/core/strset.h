/* A set of strings, each carrying one number (the index of its entry in the
 * caller's array), so a list of many thousand names answers "is this name
 * in?" and "where?" in constant time instead of by a scan. Open addressing
 * with linear probing; the keys are copied. The hash is keyed with a random
 * value per set, so a crafted list cannot make every name probe one slot. */
#ifndef SOCKPIT_CORE_STRSET_H
#define SOCKPIT_CORE_STRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_strset_slot {
    char *key; /* NULL: free */
    uint64_t hash;
    size_t value;
} sp_strset_slot;

typedef struct sp_strset {
    sp_strset_slot *slots;
    size_t cap; /* a power of two, 0 before the first key */
    size_t n;
    uint64_t seed[2];
} sp_strset;

void sp_strset_init(sp_strset *s);
void sp_strset_free(sp_strset *s);
size_t sp_strset_count(const sp_strset *s);
/* Adds key with value; returns false, changing nothing, when key is in already. */
bool sp_strset_add(sp_strset *s, const char *key, size_t value);
/* Whether key is in; its value into *value (may be NULL) when it is. */
bool sp_strset_find(const sp_strset *s, const char *key, size_t *value);
/* Changes the value of key; returns false when key is not in. */
bool sp_strset_set(sp_strset *s, const char *key, size_t value);
/* Returns false when key was not in. */
bool sp_strset_remove(sp_strset *s, const char *key);

#endif
