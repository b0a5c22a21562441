#!/usr/bin/env bash
# `sockpit forward` rate limits on loopback: --rate 1M gives one connection
# 1 MiB/s (measured over 5 s, within 5 %); --total-rate 4M shared by 4
# connections gives each a quarter (within 15 %). Both run at once against
# a python target that sends as fast as it may. About 7 s.
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
fail() { echo "FAIL: $*" >&2; tail -5 "$T"/*.log >&2; exit 1; }
# The ports, from one python start (they are slow under load).
# Below the ephemeral range: no test alongside is handed them meanwhile.
read -r Q A B < <(python3 "$HERE/../lib/free_port.py" 3)
start() {
    local name=$1
    shift
    "$@" >"$T/$name.out" 2>"$T/$name.log" &
    pids+=($!)
    for _ in $(seq 200); do
        grep -qs READY "$T/$name.out" && return 0
        grep -qs listening "$T/$name.log" && return 0
        sleep 0.05
    done
    fail "$name did not start"
}
start source python3 "$PEER" source 127.0.0.2 "$Q"
start one "$SOCKPIT" forward "127.0.0.3:$A" "127.0.0.2:$Q" --rate 1M
start total "$SOCKPIT" forward "127.0.0.3:$B" "127.0.0.2:$Q" --total-rate 4M
python3 - "$A" "$B" <<'PY' || fail "rates"
import selectors, socket, sys, time
a, b = int(sys.argv[1]), int(sys.argv[2])
sel = selectors.DefaultSelector()
socks = [socket.create_connection(("127.0.0.3", a))] + [socket.create_connection(("127.0.0.3", b)) for _ in range(4)]
got = [0] * 5
for i, s in enumerate(socks):
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, i)
def run(seconds, count):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in sel.select(0.05):
            try:
                n = len(key.fileobj.recv(1 << 20))
            except BlockingIOError:
                continue
            if count:
                got[key.data] += n
# Past the first burst and the buffers filling, then measured.
run(1, False)
run(5, True)
MiB = 1 << 20
rate = got[0] / 5
print("--rate 1M: %.3f MiB/s" % (rate / MiB))
assert abs(rate - MiB) <= 0.05 * MiB, "--rate 1M gave %.3f MiB/s" % (rate / MiB)
shares = [g / 5 for g in got[1:]]
print("--total-rate 4M over 4: " + " ".join("%.3f" % (s / MiB) for s in shares) + " MiB/s")
for s in shares:
    assert abs(s - MiB) <= 0.15 * MiB, "a quarter of --total-rate 4M was %.3f MiB/s" % (s / MiB)
PY
echo PASS
