/* Key-map lookups and the hint bar's fitting: pure, so the rules are
 * unit-tested at every width. */
#include "sockpit/tui/keymap.h"

#include <string.h>

#include "sockpit/core/safetext.h"
#include "sockpit/tui/keys.h"

int sp_key_id(const sp_key *k) { return SP_MODS(k->fn ? SP_FN(k->code) : k->code, k->mods); }

static bool applies(const sp_binding *b, unsigned mode) { return (b->when & mode) != 0; }

static bool is_text(int key) { return key >= 0x20 && key != 0x7f && key < 0x110000; }

static const sp_binding *find(const sp_binding *map, unsigned mode, int key)
{
    for (const sp_binding *b = map; b && b->label; b++) {
        if (!applies(b, mode))
            continue;
        for (size_t i = 0; i < sizeof b->keys / sizeof b->keys[0] && b->keys[i]; i++)
            if (b->keys[i] == key)
                return b;
    }
    return NULL;
}

const sp_binding *sp_keymap_find(const sp_binding *map, unsigned mode, int key)
{
    const sp_binding *b = find(map, mode, key);
    return b || !is_text(key) ? b : find(map, mode, SP_KEY_TEXT);
}

bool sp_keymap_dispatch(const sp_binding *map, unsigned mode, void *ud, const sp_key *k, sp_redraw *redraw)
{
    const sp_binding *b = sp_keymap_find(map, mode, sp_key_id(k));
    if (!b || !b->action)
        return false;
    sp_redraw r = b->action(ud, k);
    if (r & SP_REDRAW_PASS)
        return false;
    *redraw |= r;
    return true;
}

int sp_hint_width(const sp_binding *b)
{
    const char *key = b->hint_key ? b->hint_key : b->label;
    return (int)(sp_text_width(key, strlen(key)) + 1 + sp_text_width(b->hint, strlen(b->hint)));
}

size_t sp_keymap_hints(const sp_binding *const *maps, size_t nmaps, unsigned mode, int width,
                       const sp_binding **out, size_t cap)
{
    size_t n = 0;
    int used = -1;
    for (size_t m = 0; m < nmaps; m++) {
        for (const sp_binding *b = maps[m]; b && b->label; b++) {
            if (!b->hint || !applies(b, mode) || n == cap)
                continue;
            out[n++] = b;
            used += sp_hint_width(b) + 1;
        }
    }
    while (used > width) {
        size_t drop = n;
        for (size_t i = 0; i < n; i++)
            if (out[i]->prio > 0 && (drop == n || out[i]->prio >= out[drop]->prio))
                drop = i;
        if (drop == n)
            break;
        used -= sp_hint_width(out[drop]) + 1;
        memmove(&out[drop], &out[drop + 1], (n - drop - 1) * sizeof *out);
        n--;
    }
    return n;
}
