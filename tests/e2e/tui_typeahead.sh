#!/usr/bin/env bash
# Keys typed before the interface is up all take effect, in order: "2 q"
# switches to Hosts and quits; "3" alone opens on the DNS watch; "4 i hi"
# types into the chat input.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

restart() { tmux -L "$TUI_SOCK" kill-server 2>/dev/null; rm -f "$TUI_DIR/rc"; }

TUI_DELAY=0.5 tui_start 80 24
tui_keys 2 q
rc=$(tui_exit_status 5)
[ "$rc" = 0 ] || fail "exit status $rc after typing 2 q ahead"
restart

TUI_DELAY=0.5 tui_start 80 24
tui_keys 3
tui_wait "[3 DNS watch]"
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
restart

TUI_DELAY=0.5 tui_start 80 24
tui_keys 4 i h i
tui_wait "> hi"
tui_keys Escape q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "tui_typeahead: ok"
