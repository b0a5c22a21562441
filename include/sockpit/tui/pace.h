/* The redraw budget (sockpit is used over SSH): at most 10 frames a second
 * however fast the data changes, and fewer while frames are big, so a
 * flood costs about the same few KB/s whatever its rate. A key press is
 * answered at once. */
#ifndef SOCKPIT_TUI_PACE_H
#define SOCKPIT_TUI_PACE_H

#include <stddef.h>

#include "sockpit/tui/ui.h"

#define SP_FRAME_GAP 0.1       /* seconds between frames at least */
#define SP_FRAME_CELLS 1000.0  /* cells a second the frames may change, on average */
#define SP_FRAME_WAIT_MAX 2.0  /* the longest a change waits to be shown */

/* Seconds until the next frame after one that changed cells cells. */
double sp_frame_gap(size_t cells);

/* Cells the next doupdate will change: newscr against curscr. */
size_t sp_frame_cells(void);

#endif
