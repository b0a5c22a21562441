/* Selection and scrolling: the selected row is always visible. */
#include "sockpit/tui/listview.h"

static void keep_visible(sp_listview *lv)
{
    if (lv->count == 0) {
        lv->sel = lv->top = 0;
        return;
    }
    if (lv->sel >= lv->count)
        lv->sel = lv->count - 1;
    size_t h = lv->height ? lv->height : 1;
    if (lv->sel < lv->top)
        lv->top = lv->sel;
    if (lv->sel >= lv->top + h)
        lv->top = lv->sel - h + 1;
    /* No empty space below the last row when the list could fill it. */
    if (lv->count > h && lv->top > lv->count - h)
        lv->top = lv->count - h;
    if (lv->count <= h)
        lv->top = 0;
}

void sp_listview_update(sp_listview *lv, size_t count, size_t height)
{
    lv->count = count;
    lv->height = height;
    keep_visible(lv);
}

void sp_listview_select(sp_listview *lv, size_t row)
{
    lv->sel = row;
    keep_visible(lv);
}

bool sp_listview_nav(sp_listview *lv, sp_nav nav)
{
    size_t sel = lv->sel, top = lv->top;
    size_t h = lv->height ? lv->height : 1;
    if (lv->count == 0)
        return false;
    switch (nav) {
    case SP_NAV_UP:
        if (lv->sel > 0)
            lv->sel--;
        break;
    case SP_NAV_DOWN:
        if (lv->sel + 1 < lv->count)
            lv->sel++;
        break;
    case SP_NAV_PGUP:
        lv->sel = lv->sel > h ? lv->sel - h : 0;
        lv->top = lv->top > h ? lv->top - h : 0;
        break;
    case SP_NAV_PGDN:
        lv->sel = lv->sel + h < lv->count ? lv->sel + h : lv->count - 1;
        lv->top += h;
        break;
    case SP_NAV_HOME:
        lv->sel = 0;
        break;
    case SP_NAV_END:
        lv->sel = lv->count - 1;
        break;
    }
    keep_visible(lv);
    return sel != lv->sel || top != lv->top;
}
