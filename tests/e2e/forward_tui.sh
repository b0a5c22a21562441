#!/usr/bin/env bash
# The Forwards pane in tmux at 80x24: the explanation without forward.list
# and the example mapping (e), adding a mapping by prompt (and refusing a
# bad one), a connection shown live and closed with k (the client sees a
# reset), a denied client counted, pause, sort, delete with y/n (the file
# follows every edit); then at 150x40 every column, the sparkline, quit.
set -u
. "$SOCKPIT_SRC/tests/lib/tui.sh"
PEER="$SOCKPIT_SRC/tests/peers/forward_peer.py"
epid= cpid=
stop() { [ -n "$cpid" ] && kill "$cpid" 2>/dev/null; [ -n "$epid" ] && kill "$epid" 2>/dev/null; wait 2>/dev/null; tui_cleanup; }
trap stop EXIT
LIST="$TUI_DIR/home/.config/sockpit/forward.list"
P=$(free_port)
python3 "$PEER" echo 127.0.0.2 "$P" 127.0.0.1 "$TUI_DIR/peers.log" >"$TUI_DIR/echo.out" 2>&1 &
epid=$!

tui_start 80 24 --pane forward
tui_wait "[6 Forwards]"
tui_wait "No port mappings."
tui_wait "There is no $TUI_DIR/home/.config/sockpit/forward.list."
tui_wait "e adds the example 127.0.0.1:6007 127.0.0.1:50007"
tui_wait "q/F10 Quit"
tui_keys e
tui_wait "127.0.0.1:6007"
grep -qx "127.0.0.1:6007 127.0.0.1:50007" "$LIST" || fail "the example is not in forward.list: $(cat "$LIST")"

tui_keys a
tui_wait "Add mapping"
tui_keys -l "6000"
tui_keys Enter
tui_wait "want LISTEN TARGET"
tui_keys a
tui_keys -l "127.0.0.3:$P 127.0.0.2:$P --source 127.0.0.1 --allow 127.0.0.5/32"
tui_keys Enter
tui_wait "127.0.0.3:$P"
tui_wait "forwarding 127.0.0.3:$P -> 127.0.0.2:$P"
grep -q "^127.0.0.3:$P 127.0.0.2:$P --allow 127.0.0.5/32 --source 127.0.0.1$" "$LIST" || fail "not saved: $(cat "$LIST")"

# A client that stays, and one that is refused.
python3 - "$P" "$TUI_DIR/client.out" <<'PY' &
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
try:
    d = socket.socket(); d.bind(("127.0.0.6", 0)); d.connect(("127.0.0.3", port))
    c = socket.socket(); c.bind(("127.0.0.5", 0)); c.connect(("127.0.0.3", port))
    c.settimeout(30)
    while True:
        c.sendall(b"x" * 50000)
        got = 0
        while got < 50000:
            n = len(c.recv(65536))
            if n == 0:
                raise EOFError
            got += n
        time.sleep(0.1)
except ConnectionResetError:
    open(out, "w").write("reset\n")
except Exception as e:
    open(out, "w").write("other %r\n" % e)
PY
cpid=$!
tui_wait "127.0.0.5:" 15
# The counts may come in a redraw after the one naming the client.
tui_wait_re "127\.0\.0\.3:$P .* 1 .* 1 .*running"
tui_keys c
tui_wait "k closes one"
tui_keys k
tui_wait "closed connection #1"
for _ in $(seq 100); do [ -s "$TUI_DIR/client.out" ] && break; sleep 0.05; done
grep -qx reset "$TUI_DIR/client.out" || fail "the client did not see a reset: $(cat "$TUI_DIR/client.out" 2>/dev/null)"
tui_wait "No connections."
tui_keys c
tui_keys p
tui_wait "paused: new clients wait"
tui_wait "paused"
tui_keys p
tui_wait "accepting again"

# Sort by the next column and back; the marker moves.
tui_keys '>'
tui_wait "Target▴"
tui_keys '<'
tui_wait "Listen▴"

tui_resize 150 40
tui_wait "Graph"
tui_wait "Allow"
tui_wait "127.0.0.5/32"
tui_resize 80 24
tui_gone "Graph"

# Delete the selected mapping (the second row) after y.
tui_keys j
tui_keys d
tui_wait "(y/n)"
tui_keys y
tui_wait "deleted the mapping on 127.0.0.3:$P"
# The row goes; the status line names the mapping for 4 s more.
tui_gone_re "^127\.0\.0\.3:$P "
grep -q "127.0.0.3:$P" "$LIST" && fail "the deleted mapping is still in forward.list"
grep -qx "127.0.0.1:6007 127.0.0.1:50007" "$LIST" || fail "the example went too"

tui_keys q
[ "$(tui_exit_status 5)" = 0 ] || fail "quit status"
echo "forward_tui: ok"
