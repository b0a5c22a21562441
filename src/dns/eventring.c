/* The ring of recent DNS watch events (eventring.h). */
#include <stdlib.h>

#include "sockpit/core/mem.h"
#include "sockpit/dns/eventring.h"

void sp_eventring_init(sp_eventring *r, size_t cap)
{
    *r = (sp_eventring){ 0 };
    if (cap == 0)
        return;
    r->v = sp_xcalloc(cap, sizeof *r->v);
    for (size_t i = 0; i < cap; i++)
        sp_wevent_init(&r->v[i]);
    r->cap = cap;
}

void sp_eventring_free(sp_eventring *r)
{
    for (size_t i = 0; i < r->cap; i++)
        sp_wevent_free(&r->v[i]);
    free(r->v);
    *r = (sp_eventring){ 0 };
}

void sp_eventring_push(sp_eventring *r, const sp_wevent *ev)
{
    r->total++;
    if (r->cap == 0)
        return;
    sp_wevent *slot;
    if (r->n < r->cap) {
        slot = &r->v[(r->head + r->n++) % r->cap];
    } else {
        slot = &r->v[r->head];
        r->head = (r->head + 1) % r->cap;
    }
    sp_wevent_copy(slot, ev);
}

size_t sp_eventring_count(const sp_eventring *r) { return r->n; }

uint64_t sp_eventring_total(const sp_eventring *r) { return r->total; }

const sp_wevent *sp_eventring_at(const sp_eventring *r, size_t i)
{
    return i < r->n ? &r->v[(r->head + i) % r->cap] : NULL;
}

const sp_wevent *sp_eventring_seq(const sp_eventring *r, uint64_t seq)
{
    uint64_t first = r->total - r->n;
    if (seq < first || seq >= r->total)
        return NULL;
    return sp_eventring_at(r, (size_t)(seq - first));
}
