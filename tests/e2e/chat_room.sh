#!/usr/bin/env bash
# Room mode and no frame dropped. A python server answering each message
# with five frames: `sockpit chat` prints all of them. A room (`sockpit serve
# --room`) with the Chat pane (--chat-room, --nick) and two batch clients:
# everyone sees everyone, joins/leaves are events, the pane shows no
# round-trip time and nothing "in flight", the nickname is sent again after
# a reconnect, `m` switches the mode, and the server's close ends the batch
# clients with status 0.
set -u
. "$(dirname "$0")/../lib/tui.sh"
T=$TUI_DIR
spid= ppid= apid= bpid=
cleanup() {
    for p in $apid $bpid $spid $ppid; do kill "$p" 2>/dev/null; done
    exec 3>&- 4>&-
    tui_cleanup
}
trap cleanup EXIT
# waitfile FILE TEXT: waits until FILE has a line with TEXT.
waitfile() {
    for _ in $(seq 100); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    fail "$1 never had '$2': $(cat "$1" 2>/dev/null)"
}

# --- five frames per message, all printed
cat >"$T/five.py" <<'PY'
import socket, struct, sys
s = socket.socket()
s.bind(("127.0.0.1", 0)); s.listen(5)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
def recvn(n):
    b = b""
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            return None
        b += d
    return b
while True:
    h = recvn(4)
    if h is None:
        break
    msg = recvn(struct.unpack("<i", h)[0])
    for i in range(5):
        t = b"%s part %d" % (msg, i + 1)
        c.sendall(struct.pack("<i", len(t)) + t)
PY
python3 "$T/five.py" >"$T/five.port" & ppid=$!
for _ in $(seq 100); do [ -s "$T/five.port" ] && break; sleep 0.05; done
"$SOCKPIT" chat "127.0.0.1:$(cat "$T/five.port")" hello world >"$T/five.out" 2>"$T/five.err"
rc=$?
[ "$rc" = 0 ] || fail "five frames: exit $rc ($(cat "$T/five.err"))"
[ "$(grep -c ' part ' "$T/five.out")" = 10 ] || fail "five frames: $(cat "$T/five.out")"
grep -qx "world part 5" "$T/five.out" || fail "five frames: the last frame is missing"
kill "$ppid" 2>/dev/null; wait "$ppid" 2>/dev/null; ppid=

# --- a room with the pane and two batch clients
P=$(free_port)
"$SOCKPIT" serve --room --listen "127.0.0.1:$P" 2>"$T/serve.log" & spid=$!
for _ in $(seq 100); do grep -q listening "$T/serve.log" && break; sleep 0.05; done
tui_start 100 30 --pane chat --chat "127.0.0.1:$P" --chat-room --nick carol
tui_wait " ROOM "
tui_wait "nick carol"
tui_wait "1 here"
mkfifo "$T/a" "$T/b"
"$SOCKPIT" chat --room --nick alice "127.0.0.1:$P" <"$T/a" >"$T/alice.out" 2>"$T/alice.err" & apid=$!
exec 3>"$T/a"
tui_wait "is now known as alice"
"$SOCKPIT" chat --room --nick bob "127.0.0.1:$P" <"$T/b" >"$T/bob.out" 2>"$T/bob.err" 3>&- & bpid=$!
exec 4>"$T/b"
tui_wait "is now known as bob"
tui_wait "3 here"
echo "hi from alice" >&3
echo "hi from bob" >&4
tui_wait "alice: hi from alice"
tui_wait "bob: hi from bob"
waitfile "$T/bob.out" "alice: hi from alice"
waitfile "$T/alice.out" "bob: hi from bob"
tui_keys 'hello from carol' Enter
waitfile "$T/alice.out" "carol: hello from carol"
waitfile "$T/bob.out" "carol: hello from carol"
tui_screen | grep -E "hi from (alice|bob) +[0-9.]+ m?s" && fail "a room message got a round-trip time"
tui_screen | grep -q "in flight" && fail "the room pane counts messages in flight"
# Alice's stdin ends: she leaves after --linger (1 s) of silence, status 0.
exec 3>&-
wait "$apid"; rc=$?; apid=
[ "$rc" = 0 ] || fail "alice: exit $rc ($(cat "$T/alice.err"))"
tui_wait "* alice left"
tui_wait "2 here"
# A reconnect sends the nickname again.
tui_keys Escape
tui_wait "c reconnect"
tui_keys c
# Bob came after carol named herself: this line is the reconnect's.
waitfile "$T/bob.out" "is now known as carol"
# m: bot mode and back.
tui_keys m
tui_wait " BOT "
tui_wait "bot mode: each message awaits its reply"
tui_keys m
tui_wait " ROOM "
# The server stops: bob ends with 0; the pane waits for no replies.
kill -TERM "$spid"; wait "$spid"; spid=
wait "$bpid"; rc=$?; bpid=
[ "$rc" = 0 ] || fail "bob: exit $rc after the server closed ($(cat "$T/bob.err"))"
grep -q "the server closed the connection" "$T/bob.err" || fail "bob: $(cat "$T/bob.err")"
tui_wait "closed by peer"
tui_screen | grep -q "never came" && fail "the room pane waited for replies"
# A bad nickname is refused before it is sent.
"$SOCKPIT" chat --room --nick 'a b' "127.0.0.1:$P" 2>"$T/nick.err" </dev/null
[ $? = 2 ] || fail "a nickname with a space was accepted"
grep -q "has no spaces" "$T/nick.err" || fail "nick: $(cat "$T/nick.err")"
echo "chat_room: ok"
