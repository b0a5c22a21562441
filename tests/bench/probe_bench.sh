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
same=yes
cmp -s "$T/sp" "$T/nm" || same=no
cmp -s "$T/sp" "$T/want" || same="no (sockpit differs from the listeners)"
ratio=$(echo "scale=2; $best_sp / $best_nm" | bc)
echo "probe_bench: sockpit $best_sp ports/s, nmap $best_nm ports/s, ratio ${ratio}x; open sets identical: $same ($(wc -l <"$T/sp") open)"
[ "$same" = yes ] || exit 1
