#!/usr/bin/env bash
# No open port may be missed at any concurrency (RustScan#473): 200
# listeners on random ports of 127.0.0.7, all 65,535 ports probed at
# --concurrency 4096 --rate 100000 with the open-file limit at 1,024. The
# scan must find all 200, and nothing else but ports that really listen on
# that address (another program's wildcard listener, say).
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
S=$SOCKPIT
T=$(mktemp -d)
peer_pid=
cleanup() {
    [ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
mkfifo "$T/in"
python3 "$SOCKPIT_SRC/tests/peers/probe_listeners.py" 127.0.0.7 200 "$$" <"$T/in" >"$T/ports" &
peer_pid=$!
exec 4>"$T/in"
for _ in $(seq 200); do [ "$(wc -l <"$T/ports")" -ge 200 ] && break; sleep 0.05; done
[ "$(wc -l <"$T/ports")" = 200 ] || fail "the listeners did not start"

# Listeners before and after the scan: a wildcard one of a test running
# alongside may be gone by the end of it.
listening=$(ss -Hltn | awk '{print $4}')
out=$( (ulimit -n 1024 && "$S" probe 127.0.0.7 all --concurrency 4096 --rate 100000 --json)) || fail "probe failed"
summary=$(echo "$out" | tail -1)
echo "$summary"
echo "$summary" | grep -q '"total":65535,' || fail "not every port was probed: $summary"
echo "$summary" | grep -q '"filtered":0,' || fail "loopback ports filtered: $summary"
echo "$out" | head -n -1 | grep -o '"port":[0-9]*' | cut -d: -f2 | sort >"$T/found"
missing=$(comm -23 <(sort "$T/ports") "$T/found" | tr '\n' ' ')
[ -z "$missing" ] || fail "missed open ports: $missing"
# Anything else found must be a real listener on that address.
listening=$(printf '%s\n' "$listening"; ss -Hltn | awk '{print $4}')
for p in $(comm -13 <(sort "$T/ports") "$T/found"); do
    echo "$listening" | grep -qE "^(0\.0\.0\.0|\*|\[::\]|127\.0\.0\.7):$p$" || fail "port $p reported open but nothing listens"
done
echo "probe_missed: all 200 found; $summary"
