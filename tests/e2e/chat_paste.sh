#!/usr/bin/env bash
# A paste of 20,000 characters into the chat input appears at once and
# keys stay responsive after it (the field's redraw is linear in what is
# shown, not in the line's length). The bound is generous: the old code
# took minutes.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"
tui_start 80 24 --pane chat
tui_wait "[4 Chat]"
tui_keys i
tui_wait "Enter Send"
chunk=$(head -c 2000 /dev/zero | tr '\0' 'x')
start=$(date +%s%N)
# tmux takes a command of limited length: ten pieces, sent back to back.
for _ in $(seq 10); do tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" -l "$chunk"; done
tmux -L "$TUI_SOCK" send-keys -t "$TUI_SESSION" -l "END"
tui_wait "xxxEND" 30
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 10000 ] || fail "the paste took $ms ms to show"
# Keys after it still answer.
start=$(date +%s%N)
tui_keys -l "MORE"
tui_wait "ENDMORE" 5
key_ms=$(( ($(date +%s%N) - start) / 1000000 ))
tui_keys Escape
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "chat_paste: ok (paste shown after $ms ms, next keys after $key_ms ms)"
