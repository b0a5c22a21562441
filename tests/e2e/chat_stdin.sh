#!/bin/bash
# `sockpit chat` with a stdin epoll cannot watch: /dev/zero ends with a
# clear error once a line passes --max-frame (memory stays bounded), and
# /dev/urandom still honours SIGTERM; a regular file of 3,000 lines is sent
# whole. Talks only to our own `sockpit serve` on loopback.
set -u
T=$(mktemp -d /tmp/sp-chat-stdin.XXXXXX)
SERVE=
CHAT=
cleanup() { [ -n "$CHAT" ] && kill "$CHAT" 2>/dev/null; [ -n "$SERVE" ] && kill "$SERVE" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
PORT=$(python3 "${SOCKPIT_SRC:?}/tests/lib/free_port.py")
"$SOCKPIT" serve --listen "127.0.0.1:$PORT" 2>"$T/serve.log" &
SERVE=$!
for _ in $(seq 100); do grep -q listening "$T/serve.log" && break; sleep 0.05; done

# /dev/zero: no newline ever; refused at the frame limit, with little memory.
/usr/bin/time -f '%M' -o "$T/rss" timeout 20 "$SOCKPIT" chat --max-frame 65536 "127.0.0.1:$PORT" \
    </dev/zero >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 1 ] || fail "/dev/zero: exit $rc, want 1 ($(cat "$T/err"))"
grep -q "a line of stdin is longer than 65536 bytes" "$T/err" || fail "/dev/zero: $(cat "$T/err")"
rss=$(tail -1 "$T/rss")
[ "$rss" -lt 65536 ] || fail "/dev/zero: peak RSS $rss KiB"

# /dev/urandom: SIGTERM ends it, within a second or two.
timeout 20 "$SOCKPIT" chat --max-frame 16777216 "127.0.0.1:$PORT" </dev/urandom >/dev/null 2>"$T/err" &
CHAT=$!
sleep 0.5
kill -TERM "$CHAT"
for _ in $(seq 40); do kill -0 "$CHAT" 2>/dev/null || break; sleep 0.05; done
kill -0 "$CHAT" 2>/dev/null && fail "/dev/urandom: still running 2 s after SIGTERM"
wait "$CHAT"
CHAT=

# A regular file: every line sent, every reply printed.
seq 1 3000 | sed 's/^/what is tcp? /' >"$T/lines"
n=$("$SOCKPIT" chat "127.0.0.1:$PORT" <"$T/lines" | wc -l)
[ "$n" = 3000 ] || fail "regular file: $n replies, want 3000"
echo "chat_stdin: ok (peak RSS with /dev/zero: $rss KiB)"
