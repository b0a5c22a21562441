#!/usr/bin/env bash
# `sockpit forward` out of descriptors (an open files limit of 64 and
# --max-conns above what fits): clients past the limit are refused and
# logged, through the spare descriptor, and the loop does not spin (its CPU
# time stays small while the listening socket has clients waiting); when
# the clients leave it forwards again. About 5 s.
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
fail() { echo "FAIL: $*" >&2; tail -5 "$T/fwd.log" >&2; exit 1; }
read -r P F < <(python3 -c '
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')
python3 "$PEER" echo 127.0.0.2 "$P" 127.0.0.1 "$T/peers.log" >"$T/echo.out" 2>&1 &
pids+=($!)
# The limit is set below the hard one in a subshell, so raising it at start
# cannot undo it.
(ulimit -n 64 && exec "$SOCKPIT" forward "127.0.0.3:$F" "127.0.0.2:$P" --max-conns 1000) 2>"$T/fwd.log" &
fpid=$!
pids+=($fpid)
for _ in $(seq 200); do grep -qs listening "$T/fwd.log" && grep -qs READY "$T/echo.out" && break; sleep 0.05; done
grep -qs listening "$T/fwd.log" || fail "forward did not start"
ticks() { awk '{print $14 + $15}' "/proc/$fpid/stat"; }
python3 - "$F" "$fpid" <<'PY' || fail "clients"
import socket, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
held = []
for i in range(60):
    c = socket.socket()
    c.connect(("127.0.0.3", port))
    held.append(c)
def cpu():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
time.sleep(0.5)
before = cpu()
time.sleep(2)
spent = cpu() - before
# A spinning loop would use about 200 ticks in 2 s.
assert spent < 40, "the loop used %d ticks in 2 s while out of descriptors" % spent
for c in held:
    c.close()
time.sleep(1)
c = socket.create_connection(("127.0.0.3", port))
c.sendall(b"again")
assert c.recv(10) == b"again"
print("cpu ticks while out of descriptors: %d" % spent)
PY
grep -q -e "out of file descriptors" -e "Too many open files" "$T/fwd.log" || fail "running out of descriptors is not logged"
echo PASS
