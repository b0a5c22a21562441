#!/usr/bin/env bash
# Chat benchmarks: round-trips per second of `sockpit serve` (bot mode) with
# 50 closed-loop clients, against the smallest epoll server measured in the
# same run; the RSS of the server holding 10,000 idle connections; and over
# TLS (a P-256 certificate made here): round-trips/s against plain in the
# same run, full handshakes/s, and the RSS with 10,000 idle TLS connections.
# BUILD: the build directory (for sockpit_tls, which the TLS load links).
set -u
SOCKPIT=${SOCKPIT:-build/sockpit}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
CLIENTS=${CLIENTS:-50}
SECS=${SECS:-5}
BUILD=${BUILD:-$(dirname "$SOCKPIT")}
cc -O2 -o "$T/loadgen" "$HERE/chat_loadgen.c" && cc -O2 -o "$T/refserver" "$HERE/chat_refserver.c" || exit 1
cc -O2 -I "$HERE/../../include" -o "$T/tlsload" "$HERE/chat_tlsload.c" "$BUILD/src/tls/libsockpit_tls.a" \
    "$BUILD/src/core/libsockpit_core.a" $(pkg-config --libs openssl) || exit 1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
    -days 2 -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null || exit 1
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
kill "$ipid" 2>/dev/null

# TLS against plain, the same server code, alternated, best of two each.
TP=$(port); "$SOCKPIT" serve --listen "127.0.0.1:$TP" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" 2>/dev/null &
pids+=($!); wait_port "$TP"
best_tls=0; best_plain=0
for round in 1 2; do
  p=$("$T/loadgen" "$SP" "$CLIENTS" "$SECS" hello); [ "$p" -gt "$best_plain" ] && best_plain=$p
  t=$("$T/tlsload" rt "$TP" "$CLIENTS" "$SECS"); [ "$t" -gt "$best_tls" ] && best_tls=$t
done
echo "round-trips/s, $CLIENTS clients: over TLS $best_tls, plain $best_plain"
python3 -c "print('ratio TLS/plain: %.2f (target >= 0.6)' % ($best_tls/$best_plain))"
hs=$("$T/tlsload" hs "$TP" "${HS_CONC:-16}" "$SECS")
echo "TLS handshakes/s (P-256, TLS 1.3, ${HS_CONC:-16} at once, the load generator on the same CPUs): $hs"

# 10,000 idle TLS connections, each with its handshake done.
IT=$(port); "$SOCKPIT" serve --listen "127.0.0.1:$IT" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" 2>/dev/null &
itpid=$!; pids+=($itpid); wait_port "$IT"
base=$(awk '/VmRSS/ {print $2}' /proc/$itpid/status)
"$T/tlsload" idle "$IT" "$N" > "$T/idletls.out" & pids+=($!)
for _ in $(seq 1200); do grep -q ready "$T/idletls.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$T/idletls.out" || echo "idle TLS connections: the handshakes did not finish in 120 s"
sleep 0.5
rss=$(awk '/VmRSS/ {print $2}' /proc/$itpid/status)
echo "idle TLS connections: $N held, server RSS $((rss / 1024)) MiB (at start $((base / 1024)) MiB; target < 256 MiB)"
