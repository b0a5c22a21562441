#!/usr/bin/env bash
# The shell: tab bar, pane switching by every key, help, freeze, resizes down
# to 20x5 and back, and a clean quit.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"

tui_start 100 30
tui_wait "[1 Services]"
for t in " 2 Hosts " " 3 DNS watch " " 4 Chat" "F1 Help" "F10 Quit"; do tui_wait "$t"; done

tui_keys 2;        tui_wait "[2 Hosts]"
tui_keys 3;        tui_wait "[3 DNS watch]"
tui_keys 4;        tui_wait "[4 Chat]"
tui_keys 1;        tui_wait "[1 Services]"
tui_keys Tab;      tui_wait "[2 Hosts]"
tui_keys BTab;     tui_wait "[1 Services]"
tui_keys BTab;     tui_wait "[7 Probes]"
tui_keys BTab;     tui_wait "[6 Forwards]"
tui_keys BTab;     tui_wait "[5 Connections]"
tui_keys M-6;      tui_wait "[6 Forwards]"
tui_keys 7;        tui_wait "[7 Probes]"
tui_keys 5;        tui_wait "[5 Connections]"
tui_keys M-7;      tui_wait "[7 Probes]"
tui_keys M-4;      tui_wait "[4 Chat]"
tui_keys M-2;      tui_wait "[2 Hosts]"
tui_keys Escape 3; tui_wait "[3 DNS watch]"
tui_keys M-1;      tui_wait "[1 Services]"

tui_keys '?';      tui_wait "Everywhere:"; tui_wait "switch to pane 1-7"
tui_keys Escape;   tui_gone "Everywhere:"
tui_keys F1;       tui_wait "Everywhere:"
tui_keys F1;       tui_gone "Everywhere:"

tui_keys Space;    tui_wait "FROZEN"
tui_keys Space;    tui_gone "FROZEN"

tui_resize 40 12;  tui_wait "[1 Services]"; tui_gone "terminal too small"
tui_resize 20 5;   tui_wait "too small"
tui_resize 1 1;    sleep 0.3
tui_resize 100 30; tui_wait "[1 Services]"; tui_wait "F10 Quit"
[ -n "$(tui_pid)" ] || fail "sockpit died during the resizes"

pid=$(tui_pid)
tui_keys q
rc=$(tui_exit_status)
[ "$rc" = 0 ] || fail "exit status $rc after q"
kill -0 "$pid" 2>/dev/null && fail "process $pid still running after q"
echo "tui_shell: ok"
