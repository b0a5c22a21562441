#!/usr/bin/env bash
# Ctrl-Z suspends the TUI and gives the shell its terminal back; fg restores
# the whole screen. Ctrl-C quits cleanly.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

port=$(free_port)
tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s "$TUI_SESSION" -x 100 -y 30 \
    "env -i PATH=$PATH TERM=xterm-256color HOME=$TUI_DIR LANG=C.UTF-8 PS1='sh\$ ' bash --norc --noprofile -i"
tui_wait 'sh$'
tui_keys "$(printf '%q' "$SOCKPIT") --dns-server 127.0.0.1:$port --chat 127.0.0.1:$port --config-dir $TUI_DIR/c --state-dir $TUI_DIR/s" Enter
tui_wait "[1 Services]"
tui_keys 2
tui_wait "[2 Hosts]"
tui_keys C-z
tui_wait "Stopped"
tui_gone "[2 Hosts]"
tui_keys "fg" Enter
tui_wait "[2 Hosts]"
tui_wait "F10 Quit"
tui_keys C-c
tui_wait 'sh$'
tui_gone "[2 Hosts]"
tui_keys 'echo "rc=$?"' Enter
tui_wait "rc=0"
echo "tui_suspend: ok"
