/* Reading key presses from ncurses, and the key maps panes share. */
#include "sockpit/tui/keys.h"

size_t sp_keys_read(WINDOW *win, sp_key *keys, size_t max)
{
    size_t n = 0;
    wint_t ch;
    int rc;
    while (n < max && (rc = wget_wch(win, &ch)) != ERR) {
        sp_key k = { .code = (int)ch, .fn = rc == KEY_CODE_YES, .mouse_y = -2, .mouse_x = -2 };
        if (k.fn && k.code == KEY_RESIZE)
            continue;
        if (k.fn && k.code == KEY_MOUSE) {
            MEVENT me;
            if (getmouse(&me) != OK)
                continue;
            if (me.bstate & BUTTON4_PRESSED) {
                k.code = KEY_UP;
            } else if (me.bstate & BUTTON5_PRESSED) {
                k.code = KEY_DOWN;
            } else {
                k.mouse_y = me.y - 1; /* relative to the body; -1 is the tab bar */
                k.mouse_x = me.x;
            }
        }
        keys[n++] = k;
    }
    return n;
}

bool sp_key_nav(const sp_key *k, sp_nav *nav)
{
    if (k->fn) {
        switch (k->code) {
        case KEY_UP: *nav = SP_NAV_UP; return true;
        case KEY_DOWN: *nav = SP_NAV_DOWN; return true;
        case KEY_PPAGE: *nav = SP_NAV_PGUP; return true;
        case KEY_NPAGE: *nav = SP_NAV_PGDN; return true;
        case KEY_HOME: *nav = SP_NAV_HOME; return true;
        case KEY_END: *nav = SP_NAV_END; return true;
        default: return false;
        }
    }
    switch (k->code) {
    case 'k': *nav = SP_NAV_UP; return true;
    case 'j': *nav = SP_NAV_DOWN; return true;
    case 'g': *nav = SP_NAV_HOME; return true;
    case 'G': *nav = SP_NAV_END; return true;
    default: return false;
    }
}

bool sp_key_edit(const sp_key *k, sp_edit_op *op, uint32_t *cp)
{
    *cp = 0;
    if (k->fn) {
        switch (k->code) {
        case KEY_LEFT: *op = SP_EDIT_LEFT; return true;
        case KEY_RIGHT: *op = SP_EDIT_RIGHT; return true;
        case KEY_HOME: *op = SP_EDIT_HOME; return true;
        case KEY_END: *op = SP_EDIT_END; return true;
        case KEY_BACKSPACE: *op = SP_EDIT_BACKSPACE; return true;
        case KEY_DC: *op = SP_EDIT_DELETE; return true;
        case KEY_UP: *op = SP_EDIT_HIST_PREV; return true;
        case KEY_DOWN: *op = SP_EDIT_HIST_NEXT; return true;
        default: return false;
        }
    }
    switch (k->code) {
    case 0x7f:
    case 0x08: *op = SP_EDIT_BACKSPACE; return true;
    case 0x01: *op = SP_EDIT_HOME; return true;       /* Ctrl-A */
    case 0x05: *op = SP_EDIT_END; return true;        /* Ctrl-E */
    case 0x02: *op = SP_EDIT_LEFT; return true;       /* Ctrl-B */
    case 0x06: *op = SP_EDIT_RIGHT; return true;      /* Ctrl-F */
    case 0x04: *op = SP_EDIT_DELETE; return true;     /* Ctrl-D */
    case 0x15: *op = SP_EDIT_KILL_START; return true; /* Ctrl-U */
    case 0x17: *op = SP_EDIT_KILL_WORD; return true;  /* Ctrl-W */
    default:
        if (k->code >= 0x20 && k->code != 0x7f) {
            *op = SP_EDIT_INSERT;
            *cp = (uint32_t)k->code;
            return true;
        }
        return false;
    }
}
