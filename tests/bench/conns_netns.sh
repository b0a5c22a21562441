#!/bin/bash
# What --all-namespaces costs: NS (default 5) `ip netns` namespaces, each
# with a python holding one loopback connection, then Connections
# refreshes with every namespace against ours only, in the same run: the
# first refresh (a thread enters each namespace and makes its sock_diag
# socket), the following ones (sockets kept: walk + one dump per
# namespace), the walk alone, and the extra cost per namespace. Root.
set -eu
: "${SOCKPIT_BUILD:?}"
[ "$(id -u)" = 0 ] || { echo "conns_netns: needs root" >&2; exit 77; }
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/sp-bench-netns.XXXXXX)
N=${NS:-5}
ROUNDS=${ROUNDS:-50}
PIDS=() NAMES=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for n in "${NAMES[@]}"; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT
cc -O2 -D_GNU_SOURCE -I"$SRC/include" -o "$T/bench" "$HERE/conns_refresh.c" \
    "$SOCKPIT_BUILD/src/conns/libsockpit_conns.a" "$SOCKPIT_BUILD/src/services/libsockpit_services.a" \
    "$SOCKPIT_BUILD/src/core/libsockpit_core.a" $(pkg-config --libs libmnl libcares) -lm -pthread
for i in $(seq "$N"); do
    n=sp-bench-ns-$$-$i
    ip netns add "$n"
    NAMES+=("$n")
    ip -n "$n" link set lo up
    ip netns exec "$n" python3 -c '
import socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
open(sys.argv[1], "w").write("up\n"); time.sleep(3600)' "$T/up.$i" &
    PIDS+=($!)
done
for i in $(seq "$N"); do
    for _ in $(seq 100); do [ -s "$T/up.$i" ] && break; sleep 0.05; done
done
read -r h_first h_med _ h_rows _ _ _ < <("$T/bench" "$ROUNDS")
read -r a_first a_med _ a_rows _ a_walk a_ns < <("$T/bench" "$ROUNDS" all)
echo "namespaces: $a_ns dumped (ours + $N made here + others on this host), rows $a_rows (ours only: $h_rows)"
printf 'first refresh:  ours %.2f ms, all %.2f ms\n' "$h_first" "$a_first"
printf 'next refreshes: ours %.2f ms, all %.2f ms (median of %d); walk %.3f ms\n' "$h_med" "$a_med" \
    $((ROUNDS - 1)) "$a_walk"
awk -v a="$a_med" -v h="$h_med" -v w="$a_walk" -v n="$((a_ns - 1))" 'BEGIN {
    printf "per other namespace: %.3f ms (dump, after the walk); ratio all/ours %.2f\n", (a - h - w) / n, a / h }'
