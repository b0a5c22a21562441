/* Reading key presses from ncurses, and the key maps panes share. */
#include "sockpit/tui/keys.h"

#include <stdio.h>
#include <string.h>

#include "sockpit/core/loop.h"
#include "sockpit/tui/keymap.h"

int sp_clicks_press(sp_clicks *c, int y, int x, double now)
{
    bool second = c->armed && c->y == y && c->x == x && now - c->at <= SP_DOUBLE_CLICK;
    /* A third press starts over, as a first one. */
    c->armed = !second;
    c->at = now;
    c->y = y;
    c->x = x;
    return second ? 2 : 1;
}

/* ---- escape sequences ---- */

static bool fn_key(sp_key *out, int code, unsigned mods)
{
    *out = (sp_key){ .code = code, .fn = true, .mods = mods, .mouse_y = -2, .mouse_x = -2 };
    return true;
}

/* The key of a CSI or SS3 final letter: arrows, Home/End, F1-F4. */
static int letter_key(char f)
{
    switch (f) {
    case 'A': return KEY_UP;
    case 'B': return KEY_DOWN;
    case 'C': return KEY_RIGHT;
    case 'D': return KEY_LEFT;
    case 'H': return KEY_HOME;
    case 'F': return KEY_END;
    case 'E': case 'G': return KEY_B2; /* the keypad's 5 */
    case 'P': return KEY_F(1);
    case 'Q': return KEY_F(2);
    case 'R': return KEY_F(3);
    case 'S': return KEY_F(4);
    case 'Z': return KEY_BTAB;
    default: return 0;
    }
}

/* The key of "CSI n ~": the VT220 editing keys and the function keys. */
static int tilde_key(long n)
{
    static const int fkeys[] = { [11] = 1, [12] = 2, [13] = 3, [14] = 4, [15] = 5, [17] = 6, [18] = 7,
                                 [19] = 8, [20] = 9, [21] = 10, [23] = 11, [24] = 12 };
    switch (n) {
    case 1: case 7: return KEY_HOME; /* Find on a VT220; Home on rxvt */
    case 2: return KEY_IC;
    case 3: return KEY_DC;
    case 4: case 8: return KEY_END;  /* Select on a VT220; End on rxvt */
    case 5: return KEY_PPAGE;
    case 6: return KEY_NPAGE;
    default:
        return n > 0 && n < (long)(sizeof fkeys / sizeof fkeys[0]) && fkeys[n] ? KEY_F(fkeys[n]) : 0;
    }
}

/* xterm's modifier parameter: 1 + a bit each for Shift, Alt, Ctrl (Meta
 * is read as Alt). */
static unsigned xterm_mods(long m)
{
    if (m < 2 || m > 16)
        return 0;
    unsigned bits = (unsigned)(m - 1);
    return (bits & 1u ? SP_KEY_MOD_SHIFT : 0) | (bits & 10u ? SP_KEY_MOD_ALT : 0) |
           (bits & 4u ? SP_KEY_MOD_CTRL : 0);
}

/* SS3: "OA", "OH", "OP", rxvt's Ctrl-arrows "Oa", the application keypad
 * "Op".."Oy", "OM"; some terminals put a modifier before the letter. */
static bool decode_ss3(const char *s, size_t len, sp_key *out)
{
    size_t i = 1;
    long m = 0;
    while (i < len - 1 && s[i] >= '0' && s[i] <= '9' && m < 1000)
        m = m * 10 + (s[i++] - '0');
    if (i != len - 1)
        return false;
    char f = s[i];
    static const char keypad[] = "pqrstuvwxyjklmnoX";
    static const char keypad_chars[] = "0123456789*+,-./=";
    const char *kp = strchr(keypad, f);
    if (f == 'M')
        return fn_key(out, KEY_ENTER, 0);
    if (f >= 'a' && f <= 'd')
        return fn_key(out, letter_key((char)(f - 'a' + 'A')), SP_KEY_MOD_CTRL);
    if (kp && f) {
        *out = (sp_key){ .code = keypad_chars[kp - keypad], .mouse_y = -2, .mouse_x = -2 };
        return true;
    }
    int k = letter_key(f);
    return k && k != KEY_BTAB ? fn_key(out, k, xterm_mods(m)) : false;
}

bool sp_esc_decode(const char *s, size_t len, sp_key *out)
{
    if (len < 2)
        return false;
    if (s[0] == 'O')
        return decode_ss3(s, len, out);
    if (s[0] != '[')
        return false;
    /* The linux console's F1-F5: "[[A".."[[E". */
    if (len == 3 && s[1] == '[')
        return s[2] >= 'A' && s[2] <= 'E' ? fn_key(out, KEY_F(1 + s[2] - 'A'), 0) : false;
    long p[2] = { 0, 0 };
    size_t np = 0, i = 1;
    for (; i < len - 1; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9' && np < 2) {
            p[np] = p[np] * 10 + (c - '0');
            if (p[np] > 1000)
                return false;
        } else if (c == ';' && np < 1) {
            np++;
        } else {
            return false; /* private parameters (mouse reports), a third one */
        }
    }
    bool any = len > 2;
    char f = s[len - 1];
    switch (f) {
    case '~': case '$': case '^': case '@': {
        /* rxvt says Shift, Ctrl, both with the final instead of a parameter. */
        unsigned mods = f == '$' ? SP_KEY_MOD_SHIFT : f == '^' ? SP_KEY_MOD_CTRL
                      : f == '@' ? SP_KEY_MOD_CTRL | SP_KEY_MOD_SHIFT : xterm_mods(np ? p[1] : 0);
        int k = any ? tilde_key(p[0]) : 0;
        return k ? fn_key(out, k, mods) : false;
    }
    case 'a': case 'b': case 'c': case 'd':
        return !any ? fn_key(out, letter_key((char)(f - 'a' + 'A')), SP_KEY_MOD_SHIFT) : false;
    default: {
        int k = letter_key(f);
        if (!k || (any && p[0] > 1) || (k == KEY_BTAB && any))
            return false;
        return fn_key(out, k, np ? xterm_mods(p[1]) : 0);
    }
    }
}

/* ---- registering them ---- */

static void alias(sp_keyreader *kr, int code, const sp_key *k)
{
    for (size_t i = 0; i < kr->nalias; i++)
        if (kr->alias[i].code == code)
            return;
    if (kr->nalias < sizeof kr->alias / sizeof kr->alias[0])
        kr->alias[kr->nalias++] = (sp_keyalias){ code, *k };
}

/* One spelling: ncurses learns it when the terminal description does not
 * name it, and the code it has gets mapped onto our key. */
static void learn(sp_keyreader *kr, const char *body)
{
    sp_key k;
    char seq[32];
    if (!sp_esc_decode(body, strlen(body), &k))
        return;
    snprintf(seq, sizeof seq, "\033%s", body);
    int have = key_defined(seq);
    if (have == 0 && k.mods == 0 && k.fn)
        define_key(seq, k.code);
    else if (have > 0 && (have != k.code || k.mods))
        alias(kr, have, &k);
}

void sp_keys_setup(sp_keyreader *kr)
{
    static const char *const plain[] = {
        "[1~", "[2~", "[3~", "[4~", "[5~", "[6~", "[7~", "[8~", "OH", "OF", "[H", "[F",
        "OA", "OB", "OC", "OD", "[A", "[B", "[C", "[D", "OP", "OQ", "OR", "OS", "[Z",
        "[11~", "[12~", "[13~", "[14~", "[15~", "[17~", "[18~", "[19~", "[20~", "[21~", "[23~", "[24~",
        "[[A", "[[B", "[[C", "[[D", "[[E", "[E", "[G", "OE", "OM",
        "Oa", "Ob", "Oc", "Od", "[a", "[b", "[c", "[d",
    };
    kr->nalias = 0;
    kr->clicks = (sp_clicks){ 0 };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        learn(kr, plain[i]);
    /* xterm's modified keys, which terminfo names kLFT5 and so on. */
    static const char letters[] = "ABCDHFPQRS";
    static const int tildes[] = { 2, 3, 5, 6, 15, 17, 18, 19, 20, 21, 23, 24 };
    char body[16];
    for (int m = 2; m <= 8; m++) {
        for (const char *l = letters; *l; l++) {
            snprintf(body, sizeof body, "[1;%d%c", m, *l);
            learn(kr, body);
        }
        for (size_t i = 0; i < sizeof tildes / sizeof tildes[0]; i++) {
            snprintf(body, sizeof body, "[%d;%d~", tildes[i], m);
            learn(kr, body);
        }
    }
}

/* ---- reading ---- */

/* The names terminfo gives the keys of a VT220 keypad or a PC keypad. */
static int plain_code(int code)
{
    switch (code) {
    case KEY_FIND: case KEY_A1: return KEY_HOME;
    case KEY_SELECT: case KEY_C1: return KEY_END;
    case KEY_A3: return KEY_PPAGE;
    case KEY_C3: return KEY_NPAGE;
    default: return code;
    }
}

static sp_key fn_code(const sp_keyreader *kr, int code)
{
    for (size_t i = 0; i < kr->nalias; i++)
        if (kr->alias[i].code == code)
            return kr->alias[i].key;
    return (sp_key){ .code = plain_code(code), .fn = true, .mouse_y = -2, .mouse_x = -2 };
}

/* The next character, waiting up to wait_ms for it when none is there
 * yet (the rest of a sequence split by a slow link). */
static int next_char(WINDOW *win, wint_t *ch, int wait_ms)
{
    int rc = wget_wch(win, ch);
    if (rc == ERR && wait_ms > 0) {
        wtimeout(win, wait_ms);
        rc = wget_wch(win, ch);
        nodelay(win, TRUE);
    }
    return rc;
}

/* After an Esc: a sequence ncurses did not know, read to its final byte
 * and decoded (or dropped); an Alt key; or the Esc key itself. Returns
 * false when nothing is to be reported. */
static bool after_esc(const sp_keyreader *kr, WINDOW *win, sp_key *k)
{
    wint_t ch;
    int rc = next_char(win, &ch, 0);
    if (rc == ERR)
        return true; /* Esc alone */
    if (rc == KEY_CODE_YES) {
        if (ch == KEY_MOUSE || ch == KEY_RESIZE)
            return false;
        *k = fn_code(kr, (int)ch);
        k->mods |= SP_KEY_MOD_ALT;
        return true;
    }
    if (ch != '[' && ch != 'O') {
        k->code = (int)ch;
        k->mods = SP_KEY_MOD_ALT;
        return true;
    }
    char seq[32];
    size_t n = 0;
    seq[n++] = (char)ch;
    /* CSI: parameter and intermediate bytes (0x20-0x3f), then a final
     * byte; SS3: digits, then one letter. The linux console's "[[A". */
    for (;;) {
        rc = next_char(win, &ch, 30);
        if (rc != OK) {
            if (n == 1) {
                k->code = (unsigned char)seq[0]; /* Alt-[ or Alt-O, typed */
                k->mods = SP_KEY_MOD_ALT;
                return true;
            }
            return false; /* a sequence cut short: drop what came */
        }
        if (n < sizeof seq)
            seq[n] = (char)ch;
        n++;
        /* rxvt ends "[2$" with '$', an intermediate byte elsewhere. */
        bool param = seq[0] == '[' ? (ch >= 0x20 && ch <= 0x3f && ch != '$') || (n == 2 && ch == '[')
                                   : (ch >= '0' && ch <= '9');
        if (!param && ch >= 0x20 && ch < 0x7f)
            break;
        if (ch < 0x20 || ch >= 0x7f)
            return false; /* not a sequence after all */
    }
    return n <= sizeof seq && sp_esc_decode(seq, n, k);
}

static bool mouse_key(sp_keyreader *kr, sp_key *k)
{
    MEVENT me;
    if (getmouse(&me) != OK)
        return false;
    if (me.bstate & BUTTON4_PRESSED) {
        k->code = SP_KEY_WHEEL_UP;
    } else if (me.bstate & BUTTON5_PRESSED) {
        k->code = SP_KEY_WHEEL_DOWN;
    } else if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
        k->mouse_y = me.y - 1; /* relative to the body; -1 is the tab bar */
        k->mouse_x = me.x;
        k->clicks = sp_clicks_press(&kr->clicks, me.y, me.x, sp_now());
    } else {
        return false;
    }
    return true;
}

size_t sp_keys_read(sp_keyreader *kr, WINDOW *win, sp_key *keys, size_t max)
{
    size_t n = 0;
    wint_t ch;
    int rc;
    while (n < max && (rc = wget_wch(win, &ch)) != ERR) {
        sp_key k = { .code = (int)ch, .fn = rc == KEY_CODE_YES, .mouse_y = -2, .mouse_x = -2 };
        if (k.fn && k.code == KEY_RESIZE)
            continue;
        if (k.fn && k.code == KEY_MOUSE) {
            if (!mouse_key(kr, &k))
                continue;
        } else if (k.fn) {
            k = fn_code(kr, k.code);
        } else if (k.code == SP_KEY_ESC && !after_esc(kr, win, &k)) {
            continue;
        }
        /* A key between two clicks makes them two single clicks. */
        if (!(k.fn && k.code == KEY_MOUSE))
            kr->clicks.armed = false;
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
    if (k->mods)
        return false;
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
    if (k->mods)
        return false;
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
