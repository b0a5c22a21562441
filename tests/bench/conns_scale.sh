#!/bin/bash
# What the Connections pane costs at scale: 20,000 established loopback TCP
# sockets (10,000 connections, both ends) held by 4 helper processes.
#  1. One full refresh (sock_diag dump with tcp_info, table and rates,
#     attribution by reading every /proc/PID/fd, grouping) and the
#     incremental ones after it, against `ss -tanpi` in the same run
#     (target: a refresh <= 0.1 x ss); `sockpit conns --json` as a process.
#  2. Peak RSS at 20,000 sockets (target <= 32 MiB): the harness, the
#     batch command and the pane.
#  3. The pane refreshing at 1 Hz for 30 s with 10,000 sockets: CPU of one
#     core, user and kernel (target <= 2 %), against `ss -tanpi` run once a
#     second in the same run.
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
    "$SOCKPIT_BUILD/src/core/libsockpit_core.a" $(pkg-config --libs libmnl libcares) -lm -pthread
SP=$(readlink -f "$SOCKPIT")
CONNS_PER=${CONNS_PER:-2500}

# helpers N: N processes, each with CONNS_PER connections to its own
# listener (both ends in the process), up until killed.
helpers() {
    for i in $(seq "$1"); do
        python3 - "$CONNS_PER" "$T/up.$i.$2" <<'PY' &
import os, resource, socket, struct, sys, time
n = int(sys.argv[1])
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 2 * n + 64), hard))
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(4096)
keep = []
# Closed by a reset when the helper is killed: no TIME_WAIT left behind to
# count in the next measure.
rst = struct.pack("ii", 1, 0)
for _ in range(n):
    c = socket.create_connection(l.getsockname())
    a, _ = l.accept()
    for s in (c, a):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, rst)
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

read -r first med max rows hwm _ < <("$T/refresh" 21)
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

# The pane: its peak RSS at 20,000 sockets, then its CPU at 1 Hz with 10,000.
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
# Past the first full scan: the footer tells a refresh's time.
for _ in $(seq 100); do
    tmux -L "$TM" capture-pane -p | grep -q 'every 1s, [0-9]* ms' && break
    sleep 0.1
done
sleep 3
printf '  peak RSS of the pane             %8.1f MiB\n' "$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$pid/status")"

for p in "${PIDS[@]:2}"; do kill "$p"; done
PIDS=("${PIDS[@]:0:2}")
for _ in $(seq 100); do
    [ "$(ss -tan state established | wc -l)" -lt 12000 ] && break
    sleep 0.1
done
sleep 3 # the closed rows linger, then go
ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
secs=${SECONDS_CPU:-30}
read -r ua sa < <(ticks "$pid"); t0=$(date +%s%N)
sleep "$secs"
read -r ub sb < <(ticks "$pid"); t1=$(date +%s%N)
q1=$(ms_of ss -tanpi) q2=$(ms_of ss -tanpi) q3=$(ms_of ss -tanpi)
ss10=$(median3 "$q1" "$q2" "$q3")
echo "the pane at 1 Hz, 10,000 sockets ($(ss -tan | wc -l) TCP sockets on the host):"
awk -v ua="$ua" -v sa="$sa" -v ub="$ub" -v sb="$sb" -v hz="$hz" -v t0="$t0" -v t1="$t1" -v ss="$ss10" 'BEGIN {
    wall = (t1 - t0) / 1e9
    u = (ub - ua) / hz / wall * 100; k = (sb - sa) / hz / wall * 100
    printf "  CPU %.2f %% of one core over %.0f s (user %.2f %%, kernel %.2f %%)\n", u + k, wall, u, k
    printf "  ss -tanpi once a second would take %.1f %% (%d ms a run): ratio pane / ss = %.3f\n",
        ss / 10, ss, (u + k) / (ss / 10) }'
