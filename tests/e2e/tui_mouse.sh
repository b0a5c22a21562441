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

# Forty services s01..s40 on ports 1..40, so the list is longer than the
# screen and the wheel has something to scroll.
for i in $(seq 1 40); do printf 's%02d %d/tcp\n' "$i" "$i"; done > "$TUI_DIR/services"
# In port order: this host's own listeners on ports the file does not name
# (rows "-") come after s40.
TUI_TERM=xterm-256color tui_start 100 30 --services-file "$TUI_DIR/services" --sort-services port
tui_wait "[1 Services]"
click 30 0; tui_wait "[3 DNS watch]"
click 16 0; tui_wait "[2 Hosts]"
click 44 0; tui_wait "[4 Chat]"
click 2 0;  tui_wait "[1 Services]"
tui_wait "s03"
# Screen row 4 is the third service row (tab bar, header, s01, s02, s03).
click 3 4
tui_keys Enter
tui_wait "Service   s03"
tui_keys Escape
tui_gone "Service   s03"
# The wheel scrolls the view by three rows, the selection staying on s03
# while it is visible: the first row shown is then s04, and a
# click maps through the scroll.
tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" -l "$(printf '\033[<65;4;5M')"
tui_wait "s27"
tui_screen | sed -n 3p | grep -q '^s04' || fail "the wheel did not scroll three rows: $(tui_screen | sed -n 3p)"
click 3 4
tui_keys Enter
tui_wait "Service   s06"
tui_keys Escape
tui_gone "Service   s06"
# A click on a header sorts by that column; a second click inverts it.
click 1 1
tui_wait "Service▴"
click 1 1
tui_wait "Service▾"
# Descending, with the selection (s06) kept in view.
a=$(tui_screen | sed -n 3p | cut -c1-3) b=$(tui_screen | sed -n 4p | cut -c1-3)
[[ "$a" > "$b" ]] || fail "inverted name order: $a then $b"
# A click below the last row (the count line) selects nothing.
click 3 27
tui_keys Enter
tui_wait "Service   s06"
tui_keys Escape
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "tui_mouse: ok"
