#!/bin/bash
# 1,000 names (a dnsmasq hosts file) watched at a 1 s interval for 30 s:
# CPU of sockpit as % of one core (budget < 5%), and whether every name was
# answered every interval (30 lookups each).
#   TYPES=A,AAAA,MX   the record types of each name (default A and AAAA);
#                     MX records come from a dnsmasq --mx-host per name
#   N=10000 INTERVAL=10   the other figure of issue 15
set -u
SOCKPIT=${SOCKPIT:-build/sockpit}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-watch-bench.XXXXXX)
trap 'stop_dns; rm -rf "$T"' EXIT
export HOME=$T XDG_CONFIG_HOME=$T/c XDG_STATE_HOME=$T/s
N=${N:-1000} DURATION=${DURATION:-30} INTERVAL=${INTERVAL:-1} TYPES=${TYPES:-}
for i in $(seq 0 $((N - 1))); do echo "198.18.$((i / 250 % 250)).$((i % 250 + 1)) n$i.test"; done > "$T/hosts"
for i in $(seq 0 $((N - 1))); do echo "mx-host=n$i.test,mx.n$i.test,10"; done > "$T/mx.conf"
PORT=$(free_port)
start_dns "$T" "$PORT" --conf-file="$T/mx.conf" || exit 1
names=$(for i in $(seq 0 $((N - 1))); do printf 'n%d.test%s ' "$i" "${TYPES:+/$TYPES}"; done)
# shellcheck disable=SC2086
"$SOCKPIT" watch --interval "$INTERVAL" --duration "$DURATION" --stats --json --dns-server "127.0.0.1:$PORT" \
    --state-dir "$T/state" $names > "$T/out" 2> "$T/err" &
SP=$!
hz=$(getconf CLK_TCK)
ticks=0 warm_ticks= warm_at=
t0=$(date +%s.%N)
# Sample utime+stime until the process is gone; the last sample is the
# total. The steady state is measured from the third interval on, after the
# start (the first answers and their events).
while [ -r /proc/$SP/stat ]; do
    t=$(awk '{print $14 + $15}' /proc/$SP/stat 2>/dev/null) && [ -n "$t" ] && ticks=$t
    if [ -z "$warm_at" ] && python3 -c "import sys; sys.exit(not ($(date +%s.%N) - $t0 >= 2 * $INTERVAL))"; then
        warm_at=$(date +%s.%N) warm_ticks=$ticks
    fi
    sleep 0.2
done
t1=$(date +%s.%N)
wait $SP
dns_ticks=$(awk '{print $14 + $15}' /proc/$DNS_PID/stat)
stats=$(cat "$T/err")
cpu=$(python3 -c "print(f'{$ticks / $hz:.2f}')")
pct=$(python3 -c "print(f'{100 * $ticks / $hz / $DURATION:.2f}')")
fewest=$(sed -n 's/.*fewest answers for one name \([0-9]*\).*/\1/p' "$T/err")
events=$(wc -l < "$T/out")
echo "watch_load: $N names, types ${TYPES:-A,AAAA}, interval $INTERVAL s, ${DURATION} s"
echo "  sockpit CPU: ${cpu} s = ${pct}% of one core (budget 5%, ratio $(python3 -c "print(f'{$pct / 5:.2f}')") of budget)"
[ -n "$warm_at" ] && echo "  steady state (from the third interval): $(python3 -c "print(f'{100 * ($ticks - $warm_ticks) / $hz / ($t1 - $warm_at):.2f}')")% of one core"
echo "  dnsmasq CPU: $(python3 -c "print(f'{$dns_ticks / $hz:.2f}')") s (the server, for comparison)"
echo "  $stats"
echo "  fewest answered lookups for one name: $fewest (expected >= $(python3 -c "print(int($DURATION / $INTERVAL) - 1)"): every name every interval)"
echo "  events printed: $events (one 'first' per name and type with records expected)"
exit 0
