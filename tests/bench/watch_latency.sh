#!/bin/bash
# Detection latency: SIGHUP to printed change event, median of 20 at 0.2 s.
set -u
SOCKPIT=${SOCKPIT:-build/sockpit}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-watch-lat.XXXXXX)
trap 'stop_dns; rm -rf "$T"' EXIT
export HOME=$T XDG_CONFIG_HOME=$T/c XDG_STATE_HOME=$T/s
echo "198.18.9.1 lat.test" > "$T/hosts"
PORT=$(free_port)
start_dns "$T" "$PORT" || exit 1
python3 "$SRC/tests/bench/watch_latency.py" "$SOCKPIT" "$T" "$PORT" "$DNS_PID"
exit 0
