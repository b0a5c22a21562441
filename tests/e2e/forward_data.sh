#!/usr/bin/env bash
# `sockpit forward`, the textbook's port-mapping proxy, on loopback: a
# server on 127.0.0.2 that accepts only 127.0.0.1, reached through
# 127.0.0.3 with --source 127.0.0.1 --allow 127.0.0.5/32. A client from
# 127.0.0.5 gets byte-exact echoes of 1 B, 1 MiB and 100 MiB written in
# random pieces (sha256 compared), a client from 127.0.0.6 is closed and
# logged, the server sees only 127.0.0.1. Then: half-close both ways, resets
# both ways, a target that is down, a target that never reads and a client
# that never reads (the forwarder's RSS stays bounded), 10,000 connects and
# closes, and PROXY v1/v2 headers from two mappings in forward.list parsed
# by a python target. About 25 s.
set -u
SOCKPIT=${SOCKPIT:?}
HERE=$(cd "$(dirname "$0")" && pwd)
PEER="$HERE/../peers/forward_peer.py"
T=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- forward log (tail):" >&2; tail -8 "$T"/fwd*.log >&2; exit 1; }
# The storm can outrun the python target: connections wait for it.
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null

# Every port the test uses, from one python start (they are slow under
# load), below the ephemeral range (see free_port.py).
read -r P D S Q X V1 V2 N L DEAD < <(python3 "$HERE/../lib/free_port.py" 10)
# start NAME CMD...: a background process whose stdout is $T/NAME.out; waits
# for READY (peers) or "listening" on stderr (sockpit).
start() {
    local name=$1
    shift
    "$@" >"$T/$name.out" 2>"$T/$name.log" &
    pids+=($!)
    for _ in $(seq 200); do
        grep -qs -e READY -e "\"event\":\"listen\"" "$T/$name.out" && return 0
        grep -qs -e listening "$T/$name.log" && return 0
        sleep 0.05
    done
    fail "$name did not start: $(cat "$T/$name.log")"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

start echo python3 "$PEER" echo 127.0.0.2 "$P" 127.0.0.1 "$T/peers.log"
start fwd "$SOCKPIT" forward "127.0.0.3:$P" "127.0.0.2:$P" --source 127.0.0.1 --allow 127.0.0.5/32
fwd_pid=${pids[-1]}

cat >"$T/client.py" <<'PY'
import hashlib, os, random, socket, struct, sys, threading, time
port = int(sys.argv[1])

def connect(src):
    c = socket.socket()
    c.bind((src, 0))
    c.connect(("127.0.0.3", port))
    return c

def echo_exact(size):
    c = connect("127.0.0.5")
    data = os.urandom(size)
    got = bytearray()
    def rd():
        while True:
            d = c.recv(random.choice((1, 100, 4096, 65536, 1 << 20)))
            if not d:
                break
            got.extend(d)
    t = threading.Thread(target=rd)
    t.start()
    i = 0
    while i < size:
        n = random.choice((1, 7, 1000, 65536, 1 << 20, 3 << 20))
        c.sendall(data[i:i + n])
        i += n
    # Half-close: the echoes and the server's answer to the EOF still come.
    c.shutdown(socket.SHUT_WR)
    t.join(60)
    c.close()
    want = data + b"EOF-SEEN"
    assert hashlib.sha256(got).digest() == hashlib.sha256(want).digest(), "%d bytes: got %d back" % (size, len(got))

for size in (1, 1 << 20, 100 << 20):
    echo_exact(size)
print("echo ok")

# Not allowed: closed at once.
c = connect("127.0.0.6")
c.settimeout(5)
try:
    assert c.recv(10) == b""
except ConnectionResetError:
    pass
print("deny ok")

# A reset from the client reaches the target as a reset.
c = connect("127.0.0.5")
c.sendall(b"ping")
assert c.recv(4) == b"ping"
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
# A reset from the target reaches the client as a reset.
c = connect("127.0.0.5")
c.settimeout(5)
c.sendall(b"RESET")
try:
    d = c.recv(10)
    raise AssertionError("want a reset, got %r" % d)
except ConnectionResetError:
    pass
print("reset ok")

# 10,000 connects and closes.
t0 = time.time()
for i in range(10000):
    c = connect("127.0.0.5")
    c.close()
print("storm ok %.1f s" % (time.time() - t0))
PY
python3 "$T/client.py" "$P" >"$T/client.out" 2>&1 || { cat "$T/client.out" >&2; fail "client"; }
cat "$T/client.out"
grep -q "deny 127.0.0.6:[0-9]*: not in --allow" "$T/fwd.log" || fail "the refused client is not logged"
for _ in $(seq 100); do grep -q "^reset" "$T/peers.log" && break; sleep 0.05; done
grep -q "^reset" "$T/peers.log" || fail "the target did not see the client's reset"
# Every connection of the storm is accepted or, over the --max-conns the
# open files limit allows (the python target is slower than the storm),
# denied; every accepted one ends, and is logged as ended; no descriptor is
# left.
last=
for _ in $(seq 600); do
    a=$(grep -c ': accept #' "$T/fwd.log"); e=$(grep -c -e ': close #' -e ': connect-failed #' "$T/fwd.log")
    [ "$a" = "$e" ] && [ "$a" = "$last" ] && break
    last=$a
    sleep 0.1
done
[ "$a" = "$e" ] || fail "$a accepted but $e ended"
d=$(grep -c ': deny 127.0.0.5:[0-9]*: --max-conns [0-9]* reached' "$T/fwd.log")
[ $((a + d)) -ge 10000 ] || fail "only $a accepted and $d denied"
fds=$(ls "/proc/$fwd_pid/fd" | wc -l)
[ "$fds" -le 16 ] || fail "$fds descriptors open after every connection ended"
echo "storm: $a accepted and ended, $d denied over --max-conns, $fds descriptors open"
grep -q "connect-failed" "$T/fwd.log" && fail "connections failed in the storm: $(grep -m1 connect-failed "$T/fwd.log")"
python3 -c "
import socket
c = socket.socket(); c.bind(('127.0.0.5', 0)); c.connect(('127.0.0.3', $P))
c.sendall(b'still there'); assert c.recv(100) == b'still there'
" || fail "no echo after the storm"
grep -q "reset by the client" "$T/fwd.log" || fail "no client reset logged"
grep -q "reset by the target" "$T/fwd.log" || fail "no target reset logged"

# A target by name (from the hosts file; the DNS server given answers
# nothing, so no query leaves): --source keeps only its IPv4 addresses.
start echo2 python3 "$PEER" echo 127.0.0.1 "$L" 127.0.0.1 "$T/peers2.log"
# One connection per client address: a second one at once is closed.
start named "$SOCKPIT" forward "127.0.0.3:$N" "localhost:$L" --source 127.0.0.1 --dns-server "127.0.0.1:$DEAD" \
    --max-conns-per-ip 1
python3 -c "
import socket
c = socket.socket(); c.bind(('127.0.0.5', 0)); c.connect(('127.0.0.3', $N))
c.sendall(b'by name'); assert c.recv(100) == b'by name'
d = socket.socket(); d.bind(('127.0.0.5', 0)); d.connect(('127.0.0.3', $N)); d.settimeout(5)
assert d.recv(10) == b''
c.sendall(b'still'); assert c.recv(100) == b'still'
" || fail "no echo through a target name, or a second connection from one address let in"
grep -q "deny 127.0.0.5:[0-9]*: --max-conns-per-ip 1 reached" "$T/named.log" || fail "the per-address limit is not logged"
grep -q "accept #1" "$T/named.log" || fail "the named target's accept is not logged"

# A target that is down: the client is closed, the failure logged.
start down "$SOCKPIT" forward "127.0.0.3:$D" "127.0.0.2:$D" --connect-timeout 1
python3 -c "
import socket, sys
c = socket.create_connection(('127.0.0.3', $D)); c.settimeout(5)
assert c.recv(10) == b''
" || fail "the client of a down target was not closed"
grep -q "connect-failed #1 from 127.0.0.1:[0-9]* to 127.0.0.2:$D: Connection refused; client closed" "$T/down.log" ||
    fail "the down target is not logged"

# A target that never reads, a client that never reads: bounded memory.
start sink python3 "$PEER" sink 127.0.0.2 "$S"
start source python3 "$PEER" source 127.0.0.2 "$Q"
start slow "$SOCKPIT" forward "127.0.0.3:$S" "127.0.0.2:$S"
slow_pid=${pids[-1]}
start slow2 "$SOCKPIT" forward "127.0.0.3:$Q" "127.0.0.2:$Q"
slow2_pid=${pids[-1]}
python3 - "$S" "$Q" <<'PY' || fail "never-reading peers"
import socket, sys, time
s, q = int(sys.argv[1]), int(sys.argv[2])
w = socket.create_connection(("127.0.0.3", s))
w.setblocking(False)
sent, chunk, t0 = 0, bytes(1 << 16), time.time()
while time.time() - t0 < 2:
    try:
        sent += w.send(chunk)
    except BlockingIOError:
        time.sleep(0.01)
assert sent < 64 << 20, "the forwarder took %d bytes for a target that never reads" % sent
r = socket.create_connection(("127.0.0.3", q))
r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
time.sleep(2)
print("sent %d bytes to a target that never reads" % sent)
PY
for p in $slow_pid $slow2_pid; do
    [ "$(rss_kib $p)" -lt 32768 ] || fail "RSS of $p is $(rss_kib $p) KiB with a peer that never reads"
done
echo "never-read ok (RSS $(rss_kib $slow_pid) and $(rss_kib $slow2_pid) KiB)"

# PROXY headers, from two mappings in forward.list.
start proxy python3 "$PEER" proxy 127.0.0.2 "$X"
mkdir -p "$T/conf"
printf '# the PROXY targets\n127.0.0.3:%s 127.0.0.2:%s --proxy-protocol v1\n\n127.0.0.3:%s 127.0.0.2:%s --proxy-protocol v2 --allow 127.0.0.0/8\n6 oops\n' \
    "$V1" "$X" "$V2" "$X" >"$T/conf/forward.list"
start list "$SOCKPIT" forward --config-dir "$T/conf" --json
for _ in $(seq 100); do [ "$(grep -c '"event":"listen"' "$T/list.out")" = 2 ] && break; sleep 0.05; done
grep -q "forward.list:5: TARGET 'oops': the port is missing" "$T/list.log" || fail "the bad line is not reported: $(cat "$T/list.log")"
python3 - "$V1" "$V2" <<'PY' || fail "PROXY headers"
import socket, sys
for port in map(int, sys.argv[1:]):
    c = socket.socket(); c.bind(("127.0.0.7", 0)); c.connect(("127.0.0.3", port))
    me = c.getsockname()
    line = c.makefile().readline()
    assert line == "SRC 127.0.0.7 %d DST 127.0.0.3 %d\n" % (me[1], port), line
print("proxy v1 v2 ok")
PY
for _ in $(seq 100); do [ "$(grep -c '"event":"close"' "$T/list.out")" = 2 ] && break; sleep 0.05; done
grep -q '"event":"close".*"client":"127.0.0.7:[0-9]*".*"bytes_to_target":[0-9]*,"bytes_to_client":[0-9]*,"duration"' "$T/list.out" ||
    fail "no JSON close event: $(cat "$T/list.out")"

# SIGTERM: stops accepting, the open connection may finish, then it exits.
kill -TERM "$fwd_pid"
for _ in $(seq 100); do kill -0 "$fwd_pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$fwd_pid" 2>/dev/null && fail "forward did not stop on SIGTERM"
wait "$fwd_pid" || fail "forward exited with $?"
echo "PASS"
