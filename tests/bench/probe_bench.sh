#!/bin/bash
# All 65,535 TCP ports of a loopback address with 300 listeners: sockpit
# probe against nmap's connect scan (-sT, no root needed for it either) on
# the same target in the same run, best of three each. Prints ports/s for
# both and their ratio, and checks that both found the same open ports.
# Targets (issue 19): >= 30,000 ports/s and >= 2x nmap. With root the
# target lives in a private network namespace (a loopback of its own, so no
# other program's listener shows up); otherwise on 127.0.0.7.
set -u
S=${SOCKPIT:?}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ADDR=127.0.0.7
if ! command -v nmap >/dev/null; then
    echo "probe_bench: installing Debian's nmap"
    apt-get install -y nmap >/dev/null 2>&1 || { echo "probe_bench: nmap is missing and could not be installed"; exit 1; }
fi
T=$(mktemp -d)
NS=
peer=
cleanup() {
    [ -n "$peer" ] && kill "$peer" 2>/dev/null
    [ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
run=()
if [ "$(id -u)" = 0 ] && ip netns add "sp-probe-bench-$$" 2>/dev/null; then
    NS="sp-probe-bench-$$"
    ip -n "$NS" link set lo up
    run=(ip netns exec "$NS")
fi
mkfifo "$T/in"
"${run[@]}" python3 "$SRC/tests/peers/probe_listeners.py" "$ADDR" 300 1 <"$T/in" >"$T/ports" &
peer=$!
exec 4>"$T/in"
for _ in $(seq 200); do [ "$(wc -l <"$T/ports")" -ge 300 ] && break; sleep 0.05; done
sort "$T/ports" >"$T/want"

best_sp=0
for i in 1 2 3; do
    "${run[@]}" "$S" probe "$ADDR" all --concurrency 4096 --rate 200000 --json >"$T/sp.json"
    rate=$(tail -1 "$T/sp.json" | sed -n 's/.*"ports_per_s":\([0-9]*\).*/\1/p')
    ms=$(tail -1 "$T/sp.json" | sed -n 's/.*"ms":\([0-9]*\).*/\1/p')
    echo "sockpit probe run $i: $ms ms, $rate ports/s"
    [ "$rate" -gt "$best_sp" ] && best_sp=$rate && grep -o '"port":[0-9]*' "$T/sp.json" | cut -d: -f2 | sort >"$T/sp"
done
best_nm=0
for i in 1 2 3; do
    start=$(date +%s.%N)
    "${run[@]}" nmap -sT -p- -T5 --min-rate 100000 -n -Pn "$ADDR" -oG "$T/nm.gnmap" >/dev/null
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    rate=$(echo "65535 / $secs" | bc)
    echo "nmap -sT -p- -T5 --min-rate 100000 run $i: $secs s, $rate ports/s"
    if [ "$rate" -gt "$best_nm" ]; then
        best_nm=$rate
        grep -o '[0-9]*/open/' "$T/nm.gnmap" | cut -d/ -f1 | sort >"$T/nm"
    fi
done
# CPU seconds of one run each: what the scan costs, whatever else the
# machine is doing (wall-clock rates suffer on a loaded machine).
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%U %S" -o "$T/cpu.sp" "${run[@]}" "$S" probe "$ADDR" all --concurrency 4096 --rate 200000 >/dev/null
    /usr/bin/time -f "%U %S" -o "$T/cpu.nm" "${run[@]}" nmap -sT -p- -T5 --min-rate 100000 -n -Pn "$ADDR" >/dev/null
    echo "probe_bench: CPU (user+sys) for 65,535 ports: sockpit $(awk '{print $1 + $2}' "$T/cpu.sp") s, nmap $(awk '{print $1 + $2}' "$T/cpu.nm") s"
fi
same=yes
cmp -s "$T/sp" "$T/nm" || same=no
cmp -s "$T/sp" "$T/want" || same="no (sockpit differs from the listeners)"
ratio=$(echo "scale=2; $best_sp / $best_nm" | bc)
echo "probe_bench: sockpit $best_sp ports/s, nmap $best_nm ports/s, ratio ${ratio}x; open sets identical: $same ($(wc -l <"$T/sp") open)"
[ "$same" = yes ] || exit 1

# A /24 x top100 over a link with 50 ms added delay (tc netem): 59 hosts
# answer (198.18.0.2-60, each with listeners on 22 and 80), the rest of the
# /24 is silent (ARP gets no answer). Wall time of both tools, same run.
[ "$(id -u)" = 0 ] && command -v tc >/dev/null || { echo "probe_bench: /24 lab skipped (needs root and tc)"; exit 0; }
. "$SRC/tests/data/hosts/netns.sh"
lab_cleanup() { cleanup; hosts_cleanup; }
trap lab_cleanup EXIT
hosts_setup || { echo "probe_bench: namespace set-up failed"; exit 1; }
for i in $(seq 3 60); do ip -n "$NS_B" addr add "198.18.0.$i/24" dev "$IF_B"; done
delay="50 ms netem"
ip netns exec "$NS_B" tc qdisc add dev "$IF_B" root netem delay 50ms 2>/dev/null ||
    delay="no added delay: this kernel has no netem"
ip netns exec "$NS_B" python3 -c '
import socket, threading
ls = []
for i in range(2, 61):
    for port in (22, 80):
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("198.18.0.%d" % i, port)); s.listen(64); ls.append(s)
open("'"$HOSTS_TMP"'/lab.ready", "w").close()
threading.Event().wait()' &
HOSTS_PIDS="$!"
for _ in $(seq 100); do [ -e "$HOSTS_TMP/lab.ready" ] && break; sleep 0.05; done
# The top100 list as sockpit has it, for nmap's -p.
top=$("$S" probe 127.0.0.1 top100 --json --all-states 2>/dev/null | grep -o '"port":[0-9]*' | cut -d: -f2 | paste -sd,)
start=$(date +%s.%N)
ip netns exec "$NS_A" "$S" probe 198.18.0.0/24 top100 --json >"$T/net.json"
sp_s=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
ip netns exec "$NS_A" nmap -sT -p "$top" -T5 -n -Pn 198.18.0.0/24 -oG "$T/net.gnmap" >/dev/null
nm_s=$(echo "$(date +%s.%N) - $start" | bc)
sp_open=$(grep -c '"state":"open"' "$T/net.json")
nm_open=$(grep -o '[0-9]*/open/' "$T/net.gnmap" | wc -l)
echo "probe_bench /24 x top100 ($delay): sockpit ${sp_s}s ($sp_open open), nmap ${nm_s}s ($nm_open open), ratio $(echo "scale=2; $nm_s / $sp_s" | bc)x"
