/* The redraw budget: how long a frame holds back the next one. */
#include "sockpit/tui/pace.h"

#include <string.h>

double sp_frame_gap(size_t cells)
{
    double gap = (double)cells / SP_FRAME_CELLS;
    if (gap < SP_FRAME_GAP)
        return SP_FRAME_GAP;
    return gap > SP_FRAME_WAIT_MAX ? SP_FRAME_WAIT_MAX : gap;
}

size_t sp_frame_cells(void)
{
    int rows, cols, cy, cx;
    getmaxyx(newscr, rows, cols);
    /* Reading moves newscr's cursor, which is where doupdate leaves the
     * terminal's: put it back. */
    getyx(newscr, cy, cx);
    cchar_t was[513], now[513]; /* n cells and the terminator ncurses adds */
    size_t changed = 0;
    for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x += 512) {
            int n = cols - x < 512 ? cols - x : 512;
            if (mvwin_wchnstr(curscr, y, x, was, n) == ERR || mvwin_wchnstr(newscr, y, x, now, n) == ERR)
                continue;
            for (int i = 0; i < n; i++)
                changed += memcmp(&was[i], &now[i], sizeof was[i]) != 0;
        }
    }
    wmove(newscr, cy, cx);
    return changed;
}
