/* The recent events of the DNS watch, for the views: a ring of a fixed
 * number of events, oldest dropped first. Each event is numbered in the
 * order it was added (its seq, from 0), so a frozen view can keep showing
 * the events it showed while new ones arrive. */
#ifndef SOCKPIT_EVENTRING_H
#define SOCKPIT_EVENTRING_H

#include <stddef.h>
#include <stdint.h>

#include "sockpit/dns/changelog.h"

typedef struct sp_eventring {
    sp_wevent *v;   /* cap slots */
    size_t cap, n;  /* slots, events kept */
    size_t head;    /* the slot of the oldest kept */
    uint64_t total; /* events ever added: the seq of the next one */
} sp_eventring;

/* A ring that keeps the last cap events (0 keeps none but still counts). */
void sp_eventring_init(sp_eventring *r, size_t cap);
void sp_eventring_free(sp_eventring *r);
/* Adds a copy of ev, dropping the oldest when full. */
void sp_eventring_push(sp_eventring *r, const sp_wevent *ev);

/* Events kept. */
size_t sp_eventring_count(const sp_eventring *r);
/* Events ever added. */
uint64_t sp_eventring_total(const sp_eventring *r);
/* The i-th event kept, 0 the oldest; NULL when i >= count. */
const sp_wevent *sp_eventring_at(const sp_eventring *r, size_t i);
/* The event numbered seq; NULL when it was dropped or is not there yet. */
const sp_wevent *sp_eventring_seq(const sp_eventring *r, uint64_t seq);

#endif
