#!/usr/bin/env bash
# `sockpit serve` under a stall attack: 5,000 connections that each send one
# byte (a quarter of a header) and then nothing, plus 100 connections that
# keep sending random bytes (reconnecting when the server drops them). All
# the while a well-behaved client's round-trip stays under 50 ms (99th
# percentile; the longest under 500 ms: one slow trip is the scheduler of a
# loaded machine, a server held by the stallers shows seconds) and the
# server's RSS under 128 MiB; afterwards it still answers and stops cleanly
# on SIGTERM. Loopback only, about 20 s.
set -u
SOCKPIT=${SOCKPIT:?}
STALLERS=${STALLERS:-5000}
RANDOMS=${RANDOMS:-100}
RTT_MS=${RTT_MS:-50}
RSS_MIB=${RSS_MIB:-128}
T=$(mktemp -d)
spid= apid=
cleanup() {
    [ -n "$apid" ] && kill "$apid" 2>/dev/null
    [ -n "$spid" ] && kill "$spid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- server log (tail):" >&2; tail -5 "$T/serve.log" >&2; exit 1; }

need=$((STALLERS + RANDOMS + 200))
ulimit -n $((need * 2)) 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$need" ] ||
    { echo "SKIP: ulimit -n is $(ulimit -n), need $need"; exit 77; }
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"

P=$(python3 "${SOCKPIT_SRC:?}/tests/lib/free_port.py")
"$SOCKPIT" serve --listen "127.0.0.1:$P" 2>"$T/serve.log" & spid=$!
for _ in $(seq 100); do grep -q listening "$T/serve.log" && break; sleep 0.05; done
grep -q listening "$T/serve.log" || fail "the server did not start"

# The attacker: its own process, so the measuring client is not slowed by it.
cat > "$T/attack.py" <<'PY'
import os, random, selectors, socket, sys, time
port, stallers, randoms, ready = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
held = []
for i in range(stallers):
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    s.sendall(b'\x05')
    held.append(s)
rnd = random.Random(7)
sel = selectors.DefaultSelector()
def fresh():
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    return s
for _ in range(randoms):
    fresh()
open(ready, 'w').write('%d %d\n' % (stallers, randoms))
sent = drops = 0
end = time.monotonic() + 60
while time.monotonic() < end:
    for key, ev in sel.select(timeout=0.1):
        s = key.fileobj
        try:
            if ev & selectors.EVENT_READ and not s.recv(65536):
                raise ConnectionResetError
            if ev & selectors.EVENT_WRITE:
                sent += s.send(rnd.randbytes(rnd.randint(1, 4096)))
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            sel.unregister(s)
            s.close()
            drops += 1
            fresh()
    # Pace the random senders so the attack is steady, not a busy loop.
    time.sleep(0.005)
PY
python3 "$T/attack.py" "$P" "$STALLERS" "$RANDOMS" "$T/ready" & apid=$!
for _ in $(seq 600); do [ -s "$T/ready" ] && break; kill -0 "$apid" 2>/dev/null || break; sleep 0.1; done
[ -s "$T/ready" ] || fail "the attacker did not get its connections up"
echo "attack: $STALLERS stalled connections, $RANDOMS random senders"

# The well-behaved client: 300 round-trips on one connection, 20 ms apart,
# plus 20 on fresh connections (accept latency counts too).
cat > "$T/good.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
import os
sys.path.insert(0, os.path.join(os.environ['SOCKPIT_SRC'], 'tests', 'peers'))
from chatwire import recv_frame, send_frame
def ask(s):
    t0 = time.monotonic()
    send_frame(s, b'hello')
    r = recv_frame(s)
    if not r.startswith(b'Hello'): sys.exit('bad answer %r' % r)
    return (time.monotonic() - t0) * 1000
s = socket.create_connection(('127.0.0.1', port), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rtt = []
for _ in range(300):
    rtt.append(ask(s)); time.sleep(0.02)
fresh = []
for _ in range(20):
    t0 = time.monotonic()
    c = socket.create_connection(('127.0.0.1', port), timeout=5)
    ask(c); c.close()
    fresh.append((time.monotonic() - t0) * 1000)
rtt.sort(); fresh.sort()
print('RTT median %.2f p99 %.2f max %.2f fresh_max %.2f' % (rtt[150], rtt[296], rtt[-1], fresh[-1]))
PY
cpu() { awk '{ print $14 + $15 }' "/proc/$spid/stat"; }
c0=$(cpu) t0=$(date +%s.%N)
out=$(python3 "$T/good.py" "$P") || fail "well-behaved client: $out"
c1=$(cpu) t1=$(date +%s.%N)
echo "round-trip under attack (ms): $out"
awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v t="$t0" -v u="$t1" \
    'BEGIN { printf "server CPU during the measurement: %.2f s in %.1f s\n", c / hz, u - t }'
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$spid/status")
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$spid/status")
clients=$(grep -o '([0-9]* clients)' "$T/serve.log" | tail -1)
perr=$(grep -c 'protocol error' "$T/serve.log")
echo "server: RSS $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB), last count $clients, $perr protocol errors logged"
kill -0 "$apid" 2>/dev/null || fail "the attacker died early"
read -r _ _ _ _ p99 _ max _ fmax <<<"$out"
awk -v p="$p99" -v m="$max" -v f="$fmax" -v lim="$RTT_MS" 'BEGIN { exit !(p < lim && m < 10 * lim && f < 10 * lim) }' ||
    fail "round-trip p99 ${p99} ms, longest ${max} ms (fresh connection ${fmax} ms): limits ${RTT_MS} ms and $((10 * RTT_MS)) ms"
[ "$hwm" -lt $((RSS_MIB * 1024)) ] || fail "server peak RSS ${hwm} KiB (limit ${RSS_MIB} MiB)"
[ "$perr" -ge 1 ] || fail "no protocol error logged for the random senders"

kill "$apid"; wait "$apid" 2>/dev/null; apid=
out=$(python3 - "$P" <<'PY'
import socket, struct, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5)
s.sendall(struct.pack('<i', 3) + b'bye')
print(s.recv(100)[4:].decode())
PY
) || fail "no answer after the attack"
echo "after the attack: '$out'"
kill -TERM "$spid"
for _ in $(seq 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$spid" 2>/dev/null && fail "the server did not stop on SIGTERM"
wait "$spid"; rc=$?; spid=
[ "$rc" = 0 ] || fail "the server exited with $rc"
echo "hostile serve ok"
