#!/usr/bin/env bash
# The TUI runs on the common terminal types, in color where they have it and
# in monochrome with NO_COLOR or --no-color.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

restart() { tmux -L "$TUI_SOCK" kill-server 2>/dev/null; rm -f "$TUI_DIR/rc"; }
colors_used() { tmux -L "$TUI_SOCK" capture-pane -p -e -t "$TUI_SESSION" | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]'; }

for term in xterm-256color screen tmux-256color linux vt100; do
    # Under ASan: see tests/lsan.supp for why TERM=linux needs slow unwinding.
    asan=${ASAN_OPTIONS:-}
    [ $term = linux ] && asan="${asan:+$asan:}fast_unwind_on_malloc=0"
    ASAN_OPTIONS=$asan TUI_TERM=$term tui_start 100 30
    tui_wait "[1 Services]"
    tui_keys 4
    tui_wait "[4 Chat]"
    case $term in
        vt100) colors_used && fail "$term has no colors, yet colors were drawn" ;;
        *) colors_used || fail "$term: no colors drawn" ;;
    esac
    tui_keys q
    [ "$(tui_exit_status)" = 0 ] || fail "$term: bad exit"
    restart
done

TUI_TERM=xterm-256color tui_start 100 30 --no-color
tui_wait "[1 Services]"
colors_used && fail "--no-color still drew colors"
restart
TUI_TERM=xterm-256color NO_COLOR=1 tui_start 100 30
tui_wait "[1 Services]"
colors_used && fail "NO_COLOR still drew colors"
echo "tui_terms: ok"
