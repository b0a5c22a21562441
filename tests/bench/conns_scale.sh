#!/bin/bash
# What the Connections pane costs at scale: 20,000 established loopback TCP
# sockets (10,000 connections, both ends) held by 4 helper processes.
#  1. One full refresh (sock_diag dump with tcp_info, table and rates,
#     attribution by reading every /proc/PID/fd, grouping) and the
#     incremental ones after it, against `ss -tanpi` in the same run
#     (target: a refresh <= 0.1 x ss); `sockpit conns --json` as a process.
#  2. The pane refreshing at 1 Hz for 30 s with 10,000 sockets: CPU of one
#     core (target <= 2 %).
#  3. Peak RSS at 20,000 sockets (target <= 32 MiB), harness and pane.
# Other programs' sockets on the host are counted too: the figures are for
# this host as it is.
set -eu
: "${SOCKPIT:?}" "${SOCKPIT_BUILD:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/sp-bench-conns.XXXXXX)
PIDS=()
TM=sp-bench-conns-$$
cleanup() {
    tmux -L "$TM" kill-server 2>/dev/null || true
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT
cc -O2 -D_GNU_SOURCE -I"$SRC/include" -o "$T/refresh" "$HERE/conns_refresh.c" \
    "$SOCKPIT_BUILD/src/conns/libsockpit_conns.a" "$SOCKPIT_BUILD/src/services/libsockpit_services.a" \
    "$SOCKPIT_BUILD/src/core/libsockpit_core.a" $(pkg-config --libs libmnl libcares) -lm
SP=$(readlink -f "$SOCKPIT")
CONNS_PER=${CONNS_PER:-2500}

# helpers N: N processes, each with CONNS_PER connections to its own
# listener (both ends in the process), up until killed.
helpers() {
    for i in $(seq "$1"); do
        python3 - "$CONNS_PER" "$T/up.$i.$2" <<'PY' &
import os, resource, socket, sys, time
n = int(sys.argv[1])
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 2 * n + 64), hard))
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(4096)
keep = []
for _ in range(n):
    c = socket.create_connection(l.getsockname())
    a, _ = l.accept()
    keep += [c, a]
open(sys.argv[2], "w").write("up\n")
time.sleep(3600)
PY
        PIDS+=($!)
    done
    for i in $(seq "$1"); do
        for _ in $(seq 600); do [ -s "$T/up.$i.$2" ] && break; sleep 0.1; done
        [ -s "$T/up.$i.$2" ] || { echo "helper $i did not start" >&2; exit 1; }
    done
}
ms_of() { # ms_of CMD...: wall milliseconds of one run
    local a b
    a=$(date +%s%N); "$@" >/dev/null 2>&1; b=$(date +%s%N)
    echo $(((b - a) / 1000000))
}
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

helpers 4 a
echo "host: $(ss -tan | wc -l) TCP sockets"

read -r first med max rows hwm < <("$T/refresh" 21)
s1=$(ms_of ss -tanpi) s2=$(ms_of ss -tanpi) s3=$(ms_of ss -tanpi)
ss_ms=$(median3 "$s1" "$s2" "$s3")
c1=$(ms_of "$SP" conns --json) c2=$(ms_of "$SP" conns --json) c3=$(ms_of "$SP" conns --json)
conns_ms=$(median3 "$c1" "$c2" "$c3")
echo "20,000 sockets ($rows rows):"
printf '  first refresh (every fd read)   %8.1f ms\n' "$first"
printf '  next refreshes, median / max    %8.1f / %.1f ms\n' "$med" "$max"
printf '  ss -tanpi (median of 3)         %8d ms\n' "$ss_ms"
printf '  sockpit conns --json (process)  %8d ms\n' "$conns_ms"
awk -v f="$first" -v m="$med" -v s="$ss_ms" -v c="$conns_ms" 'BEGIN {
    printf "  ratio first refresh / ss = %.3f, incremental refresh / ss = %.3f, sockpit conns / ss = %.3f\n",
        f / s, m / s, c / s }'
printf '  peak RSS of the refresh harness  %8.1f MiB\n' "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
hwm_conns=$( { /usr/bin/time -f '%M' "$SP" conns --json >/dev/null; } 2>&1 | tail -1)
printf '  peak RSS of sockpit conns --json %8.1f MiB\n' "$(awk -v k="$hwm_conns" 'BEGIN { print k / 1024 }')"

# The pane at 1 Hz with 10,000 sockets: two helpers go.
for p in "${PIDS[@]:2}"; do kill "$p"; done
PIDS=("${PIDS[@]:0:2}")
sleep 1
mkdir -p "$T/home"
tmux -L "$TM" -f /dev/null new-session -d -x 150 -y 40 \
    "env HOME=$T/home XDG_CONFIG_HOME=$T/home XDG_STATE_HOME=$T/home $SP --pane conns --dns-server 127.0.0.1:9 --chat 127.0.0.1:9"
pid=
for _ in $(seq 100); do
    p=$(tmux -L "$TM" display -p '#{pane_pid}' 2>/dev/null || true) # env execs sockpit
    [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sockpit ] && { pid=$p; break; }
    sleep 0.1
done
[ -n "$pid" ] || { echo "the pane did not start" >&2; exit 1; }
sleep 5 # past the first full scan
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
a=$(ticks "$pid"); t0=$(date +%s%N)
sleep "${SECONDS_CPU:-30}"
b=$(ticks "$pid"); t1=$(date +%s%N)
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
echo "the pane at 1 Hz, 10,000 sockets ($(ss -tan | wc -l) TCP sockets on the host):"
awk -v a="$a" -v b="$b" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {
    printf "  CPU %.2f %% of one core over %.0f s\n", (b - a) / hz / ((t1 - t0) / 1e9) * 100, (t1 - t0) / 1e9 }'
printf '  peak RSS of the pane              %8.1f MiB\n' "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
