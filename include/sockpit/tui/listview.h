/* Selection and scrolling of a list of rows: the model under every table. */
#ifndef SOCKPIT_LISTVIEW_H
#define SOCKPIT_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>

typedef enum sp_nav {
    SP_NAV_UP, SP_NAV_DOWN, SP_NAV_PGUP, SP_NAV_PGDN, SP_NAV_HOME, SP_NAV_END,
} sp_nav;

typedef struct sp_listview {
    size_t count;   /* rows in the list */
    size_t sel;     /* selected row (0 when empty) */
    size_t top;     /* first visible row */
    size_t height;  /* visible rows, set by the view each draw */
} sp_listview;

/* Sets count and height and keeps sel and top valid and sel visible. */
void sp_listview_update(sp_listview *lv, size_t count, size_t height);
/* Returns true if the selection or scroll position changed. */
bool sp_listview_nav(sp_listview *lv, sp_nav nav);
/* Selects a row and scrolls it into view. */
void sp_listview_select(sp_listview *lv, size_t row);

#endif
