/* A view of the hosts table: its rows filtered and sorted into an array of
 * entry pointers, without touching the table, and the labels shown. */
#ifndef SOCKPIT_NEIGH_VIEW_H
#define SOCKPIT_NEIGH_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockpit/hosts/neigh.h"

/* The kernel's name of a NUD_* state ("REACHABLE"), "?" for others. */
const char *sp_nud_name(uint16_t state);

typedef enum sp_neigh_sort {
    SP_SORT_IP, SP_SORT_MAC, SP_SORT_VENDOR, SP_SORT_NAME, SP_SORT_CHANGE, SP_SORT_COUNT
} sp_neigh_sort;
const char *sp_neigh_sort_name(sp_neigh_sort s);

typedef struct sp_neigh_view_opts {
    bool show_all;        /* include those sp_neigh_hidden_by_default hides */
    bool include_self;
    sp_neigh_sort sort;
    const char *filter;   /* case-insensitive substring of any column; NULL or "" for none */
} sp_neigh_view_opts;

/* FAILED, INCOMPLETE and NOARP rows, and rows with no state: listed only on
 * request (`a`, --all). */
bool sp_neigh_hidden_by_default(const sp_neigh *r);

/* The state label shown in the State column. */
const char *sp_neigh_state_label(const sp_neigh *n);
/* Fills out (room for t->count entries) with the visible rows in order;
 * returns how many. */
size_t sp_neigh_view(const sp_neigh_table *t, const sp_neigh_view_opts *o, const sp_neigh **out);
/* Numeric order of two addresses (IPv4 before IPv6). */
int sp_addr_cmp(int fa, const unsigned char *a, int fb, const unsigned char *b);

#endif
