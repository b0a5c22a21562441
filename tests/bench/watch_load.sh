#!/bin/bash
# 1,000 names (a dnsmasq hosts file) watched at a 1 s interval for 30 s:
# CPU of sockpit as % of one core (budget < 5%), and whether every name was
# answered every interval (30 lookups each).
set -u
SOCKPIT=${SOCKPIT:-build/sockpit}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-watch-bench.XXXXXX)
trap 'stop_dns; rm -rf "$T"' EXIT
export HOME=$T XDG_CONFIG_HOME=$T/c XDG_STATE_HOME=$T/s
N=${N:-1000} DURATION=${DURATION:-30}
for i in $(seq 0 $((N - 1))); do echo "198.18.$((i / 250)).$((i % 250 + 1)) n$i.test"; done > "$T/hosts"
PORT=$(free_port)
start_dns "$T" "$PORT" || exit 1
names=$(for i in $(seq 0 $((N - 1))); do printf 'n%d.test ' "$i"; done)
# shellcheck disable=SC2086
"$SOCKPIT" watch --interval 1 --duration "$DURATION" --stats --json --dns-server "127.0.0.1:$PORT" \
    --state-dir "$T/state" $names > "$T/out" 2> "$T/err" &
SP=$!
hz=$(getconf CLK_TCK)
ticks=0
# Sample utime+stime until the process is gone; the last sample is the total.
while [ -r /proc/$SP/stat ]; do
    t=$(awk '{print $14 + $15}' /proc/$SP/stat 2>/dev/null) && [ -n "$t" ] && ticks=$t
    sleep 0.2
done
wait $SP
dns_ticks=$(awk '{print $14 + $15}' /proc/$DNS_PID/stat)
stats=$(cat "$T/err")
cpu=$(python3 -c "print(f'{$ticks / $hz:.2f}')")
pct=$(python3 -c "print(f'{100 * $ticks / $hz / $DURATION:.2f}')")
fewest=$(sed -n 's/.*fewest answers for one name \([0-9]*\).*/\1/p' "$T/err")
events=$(wc -l < "$T/out")
echo "watch_load: $N names, interval 1 s, ${DURATION} s"
echo "  sockpit CPU: ${cpu} s = ${pct}% of one core (budget 5%, ratio $(python3 -c "print(f'{$pct / 5:.2f}')") of budget)"
echo "  dnsmasq CPU: $(python3 -c "print(f'{$dns_ticks / $hz:.2f}')") s (the server, for comparison)"
echo "  $stats"
echo "  fewest answered lookups for one name: $fewest (expected >= $((DURATION - 1)): every name every interval)"
echo "  events printed: $events (one 'first' per name expected)"
exit 0
