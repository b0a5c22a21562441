#!/usr/bin/env bash
# Forwarder benchmarks, ratios against references measured in the same run:
#  - one connection's throughput through `sockpit forward` against a minimal
#    splice forwarder (forward_minimal.c; target >= 0.9x) and socat;
#  - 1-byte ping-pong round trips/s through it against the direct path and
#    the minimal forwarder (target >= 0.8x the minimal one);
#  - 1,000 concurrent connections sending: aggregate throughput (and the
#    minimal forwarder's for scale);
#  - idle connections: the forwarder's RSS (target < 64 MiB for 10,000; as
#    many as the open files limit allows, with the figure per connection).
# Usage: SOCKPIT=build/sockpit tests/bench/forward_bench.sh
set -u
SOCKPIT=${SOCKPIT:-build/sockpit}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
MIB=${MIB:-4096}
SECS=${SECS:-3}
cc -O2 -o "$T/load" "$HERE/forward_load.c" && cc -O2 -o "$T/minimal" "$HERE/forward_minimal.c" || exit 1
if ! command -v socat >/dev/null; then
    apt-get install -y socat >/dev/null 2>&1 || echo "socat is not installed and cannot be (apt-get install socat): its ratio is left out"
fi
ulimit -n "$(ulimit -Hn)"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2).close()" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
bg() { "$@" >/dev/null 2>&1 & pids+=($!); }
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }

SINK=$(port) ECHO=$(port) FS=$(port) FE=$(port) MS=$(port) ME=$(port) SS=$(port)
bg "$T/load" sink "$SINK"
bg "$T/load" echo "$ECHO"
wait_port "$SINK"; wait_port "$ECHO"
bg "$SOCKPIT" forward "127.0.0.1:$FS" "127.0.0.1:$SINK"
bg "$SOCKPIT" forward "127.0.0.1:$FE" "127.0.0.1:$ECHO"
fwd_echo_pid=${pids[-1]}
bg "$T/minimal" "$MS" "$SINK"
bg "$T/minimal" "$ME" "$ECHO"
command -v socat >/dev/null && bg socat "TCP-LISTEN:$SS,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$SINK"
for p in $FS $FE $MS $ME; do wait_port "$p"; done

# Throughput: alternate, twice each, keep the best of each.
best() { local b=0 v; for _ in 1 2; do v=$("$@"); [ "$v" -gt "$b" ] && b=$v; done; echo "$b"; }
t_sp=0 t_min=0 t_socat=0
for _ in 1 2; do
    v=$("$T/load" send "$FS" "$MIB"); [ "$v" -gt "$t_sp" ] && t_sp=$v
    v=$("$T/load" send "$MS" "$MIB"); [ "$v" -gt "$t_min" ] && t_min=$v
    if command -v socat >/dev/null; then
        wait_port "$SS"
        v=$("$T/load" send "$SS" "$MIB"); [ "$v" -gt "$t_socat" ] && t_socat=$v
    fi
done
t_direct=$(best "$T/load" send "$SINK" "$MIB")
echo "one connection, $MIB MiB: sockpit forward $t_sp MiB/s, minimal splice forwarder $t_min MiB/s, socat $t_socat MiB/s, direct $t_direct MiB/s"
echo "  ratio sockpit/minimal: $(ratio "$t_sp" "$t_min") (target >= 0.9)"
[ "$t_socat" -gt 0 ] && echo "  ratio sockpit/socat: $(ratio "$t_sp" "$t_socat")"

p_sp=0 p_min=0 p_direct=0
for _ in 1 2; do
    v=$("$T/load" pingpong "$FE" "$SECS"); [ "$v" -gt "$p_sp" ] && p_sp=$v
    v=$("$T/load" pingpong "$ME" "$SECS"); [ "$v" -gt "$p_min" ] && p_min=$v
    v=$("$T/load" pingpong "$ECHO" "$SECS"); [ "$v" -gt "$p_direct" ] && p_direct=$v
done
echo "1-byte ping-pong: sockpit forward $p_sp round trips/s, minimal forwarder $p_min, direct $p_direct"
echo "  ratio sockpit/minimal: $(ratio "$p_sp" "$p_min") (target >= 0.8); sockpit/direct: $(ratio "$p_sp" "$p_direct")"

m_sp=$("$T/load" multi "$FS" 1000 "$SECS")
m_min=$("$T/load" multi "$MS" 1000 "$SECS")
echo "1,000 connections sending for $SECS s: sockpit forward $m_sp MiB/s in total, minimal forwarder $m_min MiB/s (ratio $(ratio "$m_sp" "$m_min"))"

# Idle connections: each takes two of the forwarder's descriptors.
lim=$(ulimit -n)
n=10000
[ $((2 * n + 64)) -le "$lim" ] || n=$(((lim - 64) / 2))
before=$(awk '/^VmRSS/ {print $2}' "/proc/$fwd_echo_pid/status")
"$T/load" idle "$FE" "$n" >"$T/idle.out" & pids+=($!)
for _ in $(seq 600); do grep -qs ready "$T/idle.out" && break; sleep 0.05; done
sleep 1
after=$(awk '/^VmRSS/ {print $2}' "/proc/$fwd_echo_pid/status")
python3 -c "
n, before, after = $n, $before, $after
per = (after - before) / n
print('%d idle connections: RSS %.1f MiB (%.1f MiB before); %.2f KiB each, so 10,000 would be %.1f MiB (target < 64 MiB)' % (n, after / 1024, before / 1024, per, (before + per * 10000) / 1024))
"
