#!/usr/bin/env bash
# The mouse: a click on a tab switches panes, a click on a row selects it
# (Enter then opens that row's details), the wheel moves the selection.
# Clicks are sent as the SGR mouse reports an xterm would send.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

click() { # click X Y (0-based screen cell)
    tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" -l \
        "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' $(($1 + 1)) $(($2 + 1)) $(($1 + 1)) $(($2 + 1)))"
}

printf 'alpha 1/tcp\nbravo 2/tcp\ncharlie 3/tcp\ndelta 4/tcp\necho 7/tcp\n' > "$TUI_DIR/services"
TUI_TERM=xterm-256color tui_start 100 30 --services-file "$TUI_DIR/services"
tui_wait "[1 Services]"
click 30 0; tui_wait "[3 DNS watch]"
click 16 0; tui_wait "[2 Hosts]"
click 44 0; tui_wait "[4 Chat]"
click 2 0;  tui_wait "[1 Services]"
tui_wait "charlie"
# Screen row 4 is the third service row (tab bar, header, alpha, bravo, charlie).
click 3 4
tui_keys Enter
tui_wait "Service   charlie"
tui_keys Escape
tui_gone "Service   charlie"
# The wheel moves the selection down: now delta's details.
tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" -l "$(printf '\033[<65;4;5M')"
tui_keys Enter
tui_wait "Service   delta"
tui_keys Escape
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "tui_mouse: ok"
