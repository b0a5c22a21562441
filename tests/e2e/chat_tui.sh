#!/usr/bin/env bash
# The Chat pane in tmux: type a CJK message with edits, see the reply, see
# the state change when the server stops, and the reconnect when it is back.
set -u
SOCKPIT=${SOCKPIT:?}
T=$(mktemp -d)
S=sp-chat-$$
spid=
cleanup() { tmux -L "$S" kill-server 2>/dev/null; [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tmux -L "$S" capture-pane -p >&2 2>/dev/null; exit 1; }
P=$(python3 "${SOCKPIT_SRC:?}/tests/lib/free_port.py")
printf 'hello\tHI THERE\n\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c\tCJK REPLY\n' > "$T/bot.tsv"
start_server() {
  "$SOCKPIT" serve --listen "127.0.0.1:$P" --replies "$T/bot.tsv" 2>>"$T/serve.log" & spid=$!
  for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$P),0.2).close()" 2>/dev/null && return; sleep 0.05; done
  fail "server did not start"
}
waitfor() {
  for _ in $(seq 100); do tmux -L "$S" capture-pane -p | grep -qF -- "$1" && return 0; sleep 0.1; done
  fail "timed out waiting for: $1"
}
start_server
export HOME=$T XDG_CONFIG_HOME=$T XDG_STATE_HOME=$T LANG=C.UTF-8 LC_ALL=C.UTF-8
tmux -L "$S" new-session -d -x 100 -y 30 \
  "$SOCKPIT --pane chat --chat 127.0.0.1:$P --keepalive 45,15,5 --dns-server 127.0.0.1:9 --config-dir $T --state-dir $T; echo EXITED \$? > $T/exit; sleep 5"
waitfor "connected to 127.0.0.1:$P"
waitfor "keep-alive 45/15/5"
# Outside the input line digits switch panes; i enters it.
tmux -L "$S" send-keys 1
waitfor "[1 Services]"
tmux -L "$S" send-keys 4
waitfor "press i or Enter to type"
tmux -L "$S" send-keys i
# 你好X世 -> Left, Backspace removes X -> 你好世, End, 界 -> 你好世界
tmux -L "$S" send-keys '你好X世' Left BSpace End '界'
waitfor "> 你好世界"
tmux -L "$S" send-keys Enter
waitfor "→ 你好世界"
waitfor "CJK REPLY"
tmux -L "$S" capture-pane -p | grep -E "CJK REPLY +[0-9.]+ ms" >/dev/null || fail "no round-trip time"
# History and Ctrl-U.
tmux -L "$S" send-keys Up
waitfor "> 你好世界"
tmux -L "$S" send-keys C-u 'hello' Enter
waitfor "HI THERE"
# The server stops: the pane says so and retries.
kill -TERM "$spid"; wait "$spid"; spid=
waitfor "closed by peer"
waitfor "RETRYING"
start_server
waitfor " CONNECTED "
# Esc leaves the input: c reconnects at once, q quits.
tmux -L "$S" send-keys Escape
waitfor "c reconnect"
tmux -L "$S" send-keys c
waitfor "reconnecting to 127.0.0.1:$P"
waitfor " CONNECTED "
tmux -L "$S" send-keys q
for _ in $(seq 50); do [ -f "$T/exit" ] && break; sleep 0.1; done
[ "$(cat "$T/exit" 2>/dev/null)" = "EXITED 0" ] || fail "exit status: $(cat "$T/exit" 2>/dev/null)"
echo "chat tui ok"
