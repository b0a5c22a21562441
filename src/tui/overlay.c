/* The help overlay and the message boxes. */
#include "sockpit/tui/overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"

static void free_box(sp_overlay *ov)
{
    for (size_t i = 0; i < ov->box_n; i++)
        free(ov->box_lines[i]);
    free(ov->box_lines);
    free(ov->box_title);
    ov->box_lines = NULL;
    ov->box_title = NULL;
    ov->box_n = 0;
}

void sp_overlay_box(sp_overlay *ov, const char *title, const char *const *lines, size_t n)
{
    free_box(ov);
    ov->box_title = sp_xstrdup(title);
    ov->box_lines = sp_xcalloc(n, sizeof *ov->box_lines);
    for (size_t i = 0; i < n; i++)
        ov->box_lines[i] = sp_xstrdup(lines[i]);
    ov->box_n = n;
    ov->kind = SP_OVERLAY_BOX;
    ov->top = 0;
}

void sp_overlay_toggle_help(sp_overlay *ov)
{
    ov->kind = ov->kind == SP_OVERLAY_HELP ? SP_OVERLAY_NONE : SP_OVERLAY_HELP;
    ov->top = 0;
}

void sp_overlay_hide(sp_overlay *ov) { ov->kind = SP_OVERLAY_NONE; }

bool sp_overlay_key(sp_overlay *ov, const sp_key *k)
{
    sp_nav nav;
    bool close = k->fn ? (k->code == KEY_F(1) || k->code == KEY_ENTER)
                       : (k->code == SP_KEY_ESC || k->code == 'q' || k->code == '\r' || k->code == '\n' ||
                          (ov->kind == SP_OVERLAY_HELP && k->code == '?'));
    if (close) {
        ov->kind = SP_OVERLAY_NONE;
    } else if (k->fn && k->code == SP_KEY_WHEEL_UP) {
        ov->top = ov->top > 3 ? ov->top - 3 : 0;
    } else if (k->fn && k->code == SP_KEY_WHEEL_DOWN) {
        ov->top += 3;
    } else if (sp_key_nav(k, &nav)) {
        switch (nav) {
        case SP_NAV_UP: if (ov->top) ov->top--; break;
        case SP_NAV_DOWN: ov->top++; break;
        case SP_NAV_PGUP: ov->top = ov->top > 10 ? ov->top - 10 : 0; break;
        case SP_NAV_PGDN: ov->top += 10; break;
        case SP_NAV_HOME: ov->top = 0; break;
        case SP_NAV_END: ov->top = (size_t)-1 / 2; break;
        }
    } else {
        return false;
    }
    if (ov->kind == SP_OVERLAY_NONE && ov->win) {
        delwin(ov->win);
        ov->win = NULL;
        free_box(ov);
    }
    return true;
}

/* A growing array of owned lines. */
typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

static void push(lines *l, char *s)
{
    SP_GROW(l->v, l->cap, l->n + 1);
    l->v[l->n++] = s;
}

static int width_of(const char *s) { return (int)sp_text_width(s, strlen(s)); }

/* Bytes of s that fit in width columns, broken after a blank when there is
 * one (at least one character, so wrapping moves on). */
static size_t wrap_at(const char *s, int width)
{
    size_t len = strlen(s), i = 0, blank = 0;
    int cols = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_decode(s + i, len - i, &cp);
        int w = (int)sp_text_width(s + i, n);
        if (cols + w > width && i > 0)
            return blank ? blank : i;
        cols += w;
        i += n;
        if (cp == ' ')
            blank = i;
    }
    return i;
}

#define LABEL_MAX 20 /* a longer label puts its help on the next line */

static int label_width(const sp_help_section *secs, size_t nsecs)
{
    int lw = 0;
    for (size_t s = 0; s < nsecs; s++)
        for (const sp_binding *b = secs[s].map; b && b->label; b++) {
            int w = width_of(b->label);
            if (b->help && w > lw && w <= LABEL_MAX)
                lw = w;
        }
    return lw;
}

/* The widest line the help would have unwrapped. */
static int help_width(const sp_help_section *secs, size_t nsecs, int lw)
{
    int w = 0;
    for (size_t s = 0; s < nsecs; s++) {
        if (secs[s].title && width_of(secs[s].title) > w)
            w = width_of(secs[s].title);
        for (const sp_binding *b = secs[s].map; b && b->label; b++)
            if (b->help && lw + 1 + width_of(b->help) > w)
                w = lw + 1 + width_of(b->help);
    }
    return w;
}

static void help_row(lines *out, const sp_binding *b, int lw, int width)
{
    const char *h = b->help;
    int avail = width - lw - 1;
    if (avail < 10)
        avail = 10;
    if (width_of(b->label) > lw) {
        push(out, sp_xstrdup(b->label));
    } else {
        size_t n = wrap_at(h, avail);
        int pad = lw - width_of(b->label);
        push(out, sp_xasprintf("%s%*s %.*s", b->label, pad, "", (int)n, h));
        h += n;
    }
    while (*h == ' ')
        h++;
    while (*h) {
        size_t n = wrap_at(h, avail);
        push(out, sp_xasprintf("%*s %.*s", lw, "", (int)n, h));
        h += n;
        while (*h == ' ')
            h++;
    }
}

static void help_lines(lines *out, const sp_help_section *secs, size_t nsecs, int lw, int width)
{
    for (size_t s = 0; s < nsecs; s++) {
        bool any = false;
        for (const sp_binding *b = secs[s].map; b && b->label; b++)
            any |= b->help != NULL;
        if (!any)
            continue;
        if (secs[s].title) {
            if (out->n)
                push(out, sp_xstrdup(""));
            push(out, sp_xstrdup(secs[s].title));
        }
        for (const sp_binding *b = secs[s].map; b && b->label; b++)
            if (b->help)
                help_row(out, b, lw, width);
    }
}

void sp_overlay_draw(sp_overlay *ov, WINDOW *body, const sp_help_section *secs, size_t nsecs)
{
    int bh, bw, by, bx;
    getmaxyx(body, bh, bw);
    getbegyx(body, by, bx);
    lines owned = { 0 };
    const char *const *text;
    size_t n;
    int w;
    if (ov->kind == SP_OVERLAY_BOX) {
        text = (const char *const *)ov->box_lines;
        n = ov->box_n;
        w = 0;
        for (size_t i = 0; i < n; i++)
            if (width_of(text[i]) > w)
                w = width_of(text[i]);
    } else {
        int lw = label_width(secs, nsecs);
        w = help_width(secs, nsecs, lw);
        if (w > bw - 6)
            w = bw - 6;
        help_lines(&owned, secs, nsecs, lw, w);
        text = (const char *const *)owned.v;
        n = owned.n;
    }
    /* Two columns of border and padding on each side. */
    w += 4;
    if (w < 30)
        w = 30;
    if (w > bw)
        w = bw;
    int h = (int)n + 2;
    if (h > bh)
        h = bh;
    if (ov->win)
        delwin(ov->win);
    ov->win = w >= 8 && h >= 3 ? newwin(h, w, by + (bh - h) / 2, bx + (bw - w) / 2) : NULL;
    if (ov->win) {
        WINDOW *o = ov->win;
        werase(o);
        box(o, 0, 0);
        const char *title = ov->kind == SP_OVERLAY_BOX ? ov->box_title : "Keys";
        char t[256];
        snprintf(t, sizeof t, " %s ", title);
        ui_text(o, 0, 2, w - 4, t, (size_t)-1, A_BOLD, false);
        size_t rows = (size_t)(h - 2);
        if (n > rows && ov->top > n - rows)
            ov->top = n - rows;
        if (n <= rows)
            ov->top = 0;
        for (size_t r = 0; r < rows && ov->top + r < n; r++)
            ui_text(o, (int)r + 1, 2, w - 4, text[ov->top + r], (size_t)-1, A_NORMAL, false);
        if (n > rows) {
            char pos[32];
            int pw = snprintf(pos, sizeof pos, " %zu/%zu ", ov->top + rows, n);
            if (pw > 0 && pw < w - 2)
                ui_text(o, h - 1, w - 2 - pw, pw, pos, (size_t)-1, A_DIM, false);
        }
        wnoutrefresh(o);
    }
    for (size_t i = 0; i < owned.n; i++)
        free(owned.v[i]);
    free(owned.v);
}

void sp_overlay_drop_window(sp_overlay *ov)
{
    if (ov->win) {
        delwin(ov->win);
        ov->win = NULL;
    }
}

void sp_overlay_free(sp_overlay *ov)
{
    sp_overlay_drop_window(ov);
    free_box(ov);
}
