#!/usr/bin/env bash
# Chat benchmarks: round-trips per second of `sockpit serve` (bot mode) with
# 50 closed-loop clients, against the smallest epoll server measured in the
# same run; and the RSS of the server holding 10,000 idle connections.
set -u
SOCKPIT=${SOCKPIT:-build/sockpit}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
CLIENTS=${CLIENTS:-50}
SECS=${SECS:-5}
cc -O2 -o "$T/loadgen" "$HERE/chat_loadgen.c" && cc -O2 -o "$T/refserver" "$HERE/chat_refserver.c" || exit 1
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2).close()" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

RP=$(port); "$T/refserver" "$RP" & pids+=($!); wait_port "$RP"
SP=$(port); "$SOCKPIT" serve --listen "127.0.0.1:$SP" 2>/dev/null & spid=$!; pids+=($spid); wait_port "$SP"
# Alternate the two, twice each, and keep the best of each.
best_ref=0; best_sp=0
for round in 1 2; do
  r=$("$T/loadgen" "$RP" "$CLIENTS" "$SECS" hello); [ "$r" -gt "$best_ref" ] && best_ref=$r
  s=$("$T/loadgen" "$SP" "$CLIENTS" "$SECS" hello); [ "$s" -gt "$best_sp" ] && best_sp=$s
done
echo "round-trips/s, $CLIENTS clients: sockpit serve (bot) $best_sp, minimal epoll server $best_ref"
python3 -c "print('ratio sockpit/minimal: %.2f (target >= 0.8); sockpit target >= 80000/s' % ($best_sp/$best_ref))"

# 10,000 idle connections.
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
N=${IDLE:-10000}
IP=$(port); "$SOCKPIT" serve --listen "127.0.0.1:$IP" 2>/dev/null & ipid=$!; pids+=($ipid); wait_port "$IP"
base=$(awk '/VmRSS/ {print $2}' /proc/$ipid/status)
"$T/loadgen" --idle "$IP" "$N" > "$T/idle.out" & pids+=($!)
for _ in $(seq 300); do grep -q ready "$T/idle.out" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
rss=$(awk '/VmRSS/ {print $2}' /proc/$ipid/status)
echo "idle connections: $N held, server RSS $((rss / 1024)) MiB (at start $((base / 1024)) MiB; target < 64 MiB)"
