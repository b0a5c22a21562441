#!/usr/bin/env bash
# The Probes pane in a detached tmux at 80x24 and 150x40, against listeners
# this test holds on 127.0.0.12 (an SSH-like banner and an HTTP page): a
# probe typed with `a` shows its progress row, then its open ports with the
# banner and the HTTP summary; Enter opens one port's details; Esc cancels a
# running probe; `p` on the Hosts pane's loopback row and on a Services
# listening row starts a probe there and switches to the pane.
set -u
: "${SOCKPIT:?}" "${SOCKPIT_SRC:?}"
command -v tmux >/dev/null || exit 77
command -v python3 >/dev/null || exit 77
. "$SOCKPIT_SRC/tests/lib/tui.sh"
LPID=
stop_listeners() { [ -n "$LPID" ] && kill "$LPID" 2>/dev/null; }
trap 'stop_listeners; tui_cleanup' EXIT

python3 -c '
import socket, threading, time
def srv(kind):
    s = socket.socket(); s.bind(("127.0.0.12", 0)); s.listen(16)
    print(s.getsockname()[1], flush=True)
    def loop():
        while True:
            c, _ = s.accept()
            try:
                if kind == "ssh":
                    c.sendall(b"SSH-2.0-TuiTest_1.0\r\n"); time.sleep(0.3)
                else:
                    c.recv(4096); b = b"<title>Tui page</title>"
                    c.sendall(b"HTTP/1.1 200 OK\r\nServer: tuihttpd\r\nContent-Length: %d\r\n\r\n" % len(b) + b)
            except OSError:
                pass
            c.close()
    threading.Thread(target=loop, daemon=True).start()
srv("ssh"); srv("http"); threading.Event().wait()' >"$TUI_DIR/ports" &
LPID=$!
for _ in $(seq 100); do [ "$(wc -l <"$TUI_DIR/ports")" -ge 2 ] && break; sleep 0.05; done
SSH=$(sed -n 1p "$TUI_DIR/ports")
HTTP=$(sed -n 2p "$TUI_DIR/ports")
[ -n "$SSH" ] && [ -n "$HTTP" ] || fail "the listeners did not start"
cp "$SOCKPIT_SRC/tests/data/services/services.sample" "$TUI_DIR/services"
printf 'sptest-web\t%s/tcp\n' "$HTTP" >>"$TUI_DIR/services"

# ---- 80x24 ----
tui_start 80 24 --pane probes --services-file "$TUI_DIR/services"
tui_wait "No probes yet"
tui_wait "Probes]"
tui_screen | tail -1 | grep -q "Help" || fail "no Help in the hint bar"
tui_screen | tail -1 | grep -q "Quit" || fail "no Quit in the hint bar"
tui_keys a
tui_wait "probe TARGET [PORTS]:"
tui_keys "127.0.0.12 $SSH,$HTTP,1-50" Enter
tui_wait "52 ports in"
tui_wait "SSH-2.0-TuiTest_1.0"
tui_wait 'HTTP 200 "Tui page" tuihttpd'
tui_screen | grep -q "^127.0.0.12 .*done .*2 open, 50 closed" || fail "progress row"
# 80 columns: the Service column gives way, the details stay.
tui_screen | grep -q "^Target *Port *State *Details" || fail "80-column header"
# Port rows come in port order under their probe.
first=$(tui_screen | grep -o "^  127.0.0.12 *[0-9]*" | head -1 | awk '{print $2}')
[ "$first" = "$(printf '%s\n' "$SSH" "$HTTP" | sort -n | head -1)" ] || fail "port rows not in port order"
# Enter on the HTTP port row: the details box.
row=$(tui_screen | grep -n "^  127.0.0.12 *$HTTP " | cut -d: -f1)
sel=$(tui_screen | grep -n "^127.0.0.12 .*done" | cut -d: -f1)
for _ in $(seq $((row - sel))); do tui_keys Down; done
tui_keys Enter
tui_wait "127.0.0.12 port $HTTP"
tui_wait "Title    Tui page"
tui_wait "Server   tuihttpd"
tui_keys Escape
tui_gone "Title    Tui page"
# A long probe, cancelled with Esc on its row.
tui_keys a
tui_wait "probe TARGET [PORTS]:"
tui_keys "127.0.0.12 all" Enter
tui_wait "scanning"
tui_wait "ports/s"
tui_keys Escape
tui_wait "cancelled"
tui_screen | grep -q "^127.0.0.12 .*cancelled" || fail "cancelled row"
# Too wide for 80 columns: nothing overflows.
tui_screen | awk 'length($0) > 80 {exit 1}' || fail "a line is wider than 80 columns"
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
tui_cleanup

# ---- 150x40: p from Hosts and from Services ----
TUI_DIR=$(mktemp -d)
mkdir -p "$TUI_DIR"
cp "$SOCKPIT_SRC/tests/data/services/services.sample" "$TUI_DIR/services"
printf 'sptest-web\t%s/tcp\n' "$HTTP" >>"$TUI_DIR/services"
tui_start 150 40 --pane hosts --services-file "$TUI_DIR/services"
tui_wait "127.0.0.1 "
# The loopback row is first in address order; p probes it.
tui_keys Home p
tui_wait "Probes]"
tui_wait "127.0.0.1 "
tui_wait "100 ports in" 20
tui_screen | grep -q "^127.0.0.1 .*done .*100 ports in" || fail "Hosts p did not probe 127.0.0.1"
tui_keys 1
tui_wait "Services]"
tui_keys /
tui_keys sptest-web Enter
tui_wait "127.0.0.12:$HTTP"
tui_keys p
tui_wait "Probes]"
tui_wait "1 ports in"
tui_screen | grep -q "^  127.0.0.12 *$HTTP sptest-web *open *HTTP 200" || fail "Services p did not probe the listener"
tui_keys q
[ "$(tui_exit_status)" = 0 ] || fail "exit status"
echo "probes_tui: ok"
