/* The string set (strset.h): linear probing at most half full, removal by
 * shifting the following keys back (no tombstones, so probes stay short
 * however many names come and go), keys hashed with SipHash-1-3. */
#include "sockpit/core/strset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sockpit/core/mem.h"

#define NOT_FOUND ((size_t)-1)

void sp_strset_init(sp_strset *s) { memset(s, 0, sizeof *s); }

void sp_strset_free(sp_strset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i].key);
    free(s->slots);
    sp_strset_init(s);
}

size_t sp_strset_count(const sp_strset *s) { return s->n; }

static uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

static void sipround(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl(v[1], 13) ^ v[0];
    v[0] = rotl(v[0], 32);
    v[2] += v[3];
    v[3] = rotl(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = rotl(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = rotl(v[1], 17) ^ v[2];
    v[2] = rotl(v[2], 32);
}

static uint64_t hash(const sp_strset *s, const char *key, size_t len)
{
    const unsigned char *p = (const unsigned char *)key;
    uint64_t v[4] = { s->seed[0] ^ 0x736f6d6570736575ULL, s->seed[1] ^ 0x646f72616e646f6dULL,
                      s->seed[0] ^ 0x6c7967656e657261ULL, s->seed[1] ^ 0x7465646279746573ULL };
    size_t whole = len & ~(size_t)7;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = 0;
        for (int k = 7; k >= 0; k--)
            m = m << 8 | p[i + (size_t)k];
        v[3] ^= m;
        sipround(v);
        v[0] ^= m;
    }
    uint64_t last = (uint64_t)len << 56;
    for (size_t i = whole; i < len; i++)
        last |= (uint64_t)p[i] << (8 * (i - whole));
    v[3] ^= last;
    sipround(v);
    v[0] ^= last;
    v[2] ^= 0xff;
    for (int r = 0; r < 3; r++)
        sipround(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static void seed(sp_strset *s)
{
    if (getrandom(s->seed, sizeof s->seed, GRND_NONBLOCK) == (ssize_t)sizeof s->seed)
        return;
    /* No entropy yet (early boot): still different from run to run. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    s->seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)s;
    s->seed[1] = (uint64_t)ts.tv_sec * 0xbf58476d1ce4e5b9ULL ^ (uint64_t)ts.tv_nsec;
}

static size_t slot_of(const sp_strset *s, const char *key, uint64_t h)
{
    size_t mask = s->cap - 1;
    for (size_t i = (size_t)h & mask; s->slots[i].key; i = (i + 1) & mask)
        if (s->slots[i].hash == h && strcmp(s->slots[i].key, key) == 0)
            return i;
    return NOT_FOUND;
}

static size_t find(const sp_strset *s, const char *key)
{
    return s->cap ? slot_of(s, key, hash(s, key, strlen(key))) : NOT_FOUND;
}

static void place(sp_strset_slot *slots, size_t cap, const sp_strset_slot *e)
{
    size_t i = (size_t)e->hash & (cap - 1);
    while (slots[i].key)
        i = (i + 1) & (cap - 1);
    slots[i] = *e;
}

/* Room for one more key, keeping the table at most half full. */
static void reserve(sp_strset *s)
{
    if (2 * (s->n + 1) <= s->cap)
        return;
    if (!s->cap)
        seed(s);
    size_t cap = s->cap ? s->cap * 2 : 16;
    sp_strset_slot *slots = sp_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].key)
            place(slots, cap, &s->slots[i]);
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
}

bool sp_strset_add(sp_strset *s, const char *key, size_t value)
{
    reserve(s);
    size_t len = strlen(key);
    uint64_t h = hash(s, key, len);
    if (slot_of(s, key, h) != NOT_FOUND)
        return false;
    sp_strset_slot e = { .key = sp_xstrndup(key, len), .hash = h, .value = value };
    place(s->slots, s->cap, &e);
    s->n++;
    return true;
}

bool sp_strset_find(const sp_strset *s, const char *key, size_t *value)
{
    size_t i = find(s, key);
    if (i == NOT_FOUND)
        return false;
    if (value)
        *value = s->slots[i].value;
    return true;
}

bool sp_strset_set(sp_strset *s, const char *key, size_t value)
{
    size_t i = find(s, key);
    if (i == NOT_FOUND)
        return false;
    s->slots[i].value = value;
    return true;
}

bool sp_strset_remove(sp_strset *s, const char *key)
{
    size_t i = find(s, key);
    if (i == NOT_FOUND)
        return false;
    free(s->slots[i].key);
    size_t mask = s->cap - 1;
    /* Close the hole: a following key moves back into it unless its home
     * slot lies after the hole (then a probe from there still reaches it). */
    for (size_t j = (i + 1) & mask; s->slots[j].key; j = (j + 1) & mask) {
        size_t home = (size_t)s->slots[j].hash & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            s->slots[i] = s->slots[j];
            i = j;
        }
    }
    s->slots[i] = (sp_strset_slot){ 0 };
    s->n--;
    return true;
}
