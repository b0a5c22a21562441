#!/bin/bash
# sockpit watch against a real dnsmasq: change, reorder, NXDOMAIN, server
# down (timeout, no change) and back (recover, no change).
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-watch-dns.XXXXXX)
SP_PID=
cleanup() { [ -n "$SP_PID" ] && kill "$SP_PID" 2>/dev/null; stop_dns; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state TZ=UTC
PORT=$(free_port)
cat > "$T/hosts" <<HOSTS
198.18.5.1 www.test
198.18.6.1 rr.test
198.18.6.2 rr.test
198.18.7.1 gone.test
HOSTS
start_dns "$T" "$PORT" || exit 1

"$SOCKPIT" watch --json --interval 0.5 --dns-server "127.0.0.1:$PORT" --state-dir "$T/state" \
    --config-dir "$T/config" www.test rr.test gone.test > "$T/out.json" 2> "$T/err" &
SP_PID=$!

# count EVENT [NAME]: events of that kind so far.
count() { python3 - "$T/out.json" "$@" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    if not line.endswith("\n"):
        continue
    e = json.loads(line)
    if e["event"] == sys.argv[2] and (len(sys.argv) < 4 or e["name"] == sys.argv[3]):
        n += 1
print(n)
PY
}
has() { [ "$(count "$1" ${2:-})" -ge "${3:-1}" ]; }

wait_for 5 has first "" 3 || fail "no first events: $(cat "$T/out.json" "$T/err")"
python3 - "$T/out.json" <<'PY' || fail "first events wrong"
import json, sys
ev = {e["name"]: e for e in map(json.loads, open(sys.argv[1]))}
assert ev["www.test"]["new"] == ["198.18.5.1"], ev
assert ev["rr.test"]["new"] == ["198.18.6.1", "198.18.6.2"], ev
assert ev["rr.test"]["old"] == [] and ev["rr.test"]["ttl"] == 0 and ev["rr.test"]["rtt_ms"] >= 0
# No AAAA records (NODATA) is an answer, not an error: one event per name.
assert all(e["rrtype"] == "A" and e["event"] == "first" for e in ev.values()), ev
PY

# A real change: within one interval plus one second of the reload.
sed -i 's/^198.18.5.1 www.test$/198.18.5.9 www.test\n198.18.5.1 www.test/' "$T/hosts"
reload_dns
wait_for 1.5 has change www.test || fail "no change event within 1.5 s: $(cat "$T/out.json")"
python3 - "$T/out.json" <<'PY' || fail "change event wrong: $(grep change "$T/out.json")"
import json, sys
e = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "change"][0]
assert e["name"] == "www.test"
assert e["old"] == ["198.18.5.1"] and e["new"] == ["198.18.5.1", "198.18.5.9"] and e["rrtype"] == "A", e
assert e["time"].endswith("Z") and "T" in e["time"]
PY

# Reordering only is not a change.
printf '198.18.5.9 www.test\n198.18.5.1 www.test\n198.18.6.2 rr.test\n198.18.6.1 rr.test\n198.18.7.1 gone.test\n' \
    > "$T/hosts"
reload_dns
sleep 1.5
[ "$(count change)" = 1 ] || fail "reordering gave an event: $(cat "$T/out.json")"

# A removed name: error NXDOMAIN.
sed -i '/gone.test/d' "$T/hosts"
reload_dns
wait_for 5 has error gone.test || fail "no NXDOMAIN event: $(cat "$T/out.json")"
grep -q '"name":"gone.test","event":"error".*"error":"NXDOMAIN"' "$T/out.json" || fail "not NXDOMAIN"

# The server goes away: timeout for each name, never a change.
stop_dns
wait_for 5 has error www.test || fail "no timeout for www.test"
wait_for 5 has error rr.test || fail "no timeout for rr.test"
grep -q '"name":"www.test","event":"error".*"error":"timeout"' "$T/out.json" || fail "www.test: not timeout"
grep -q '"name":"rr.test","event":"error".*"error":"timeout"' "$T/out.json" || fail "rr.test: not timeout"
sleep 1
[ "$(count change)" = 1 ] || fail "outage gave a change: $(cat "$T/out.json")"

# Back with the same data: recover, no change.
start_dns "$T" "$PORT" || exit 1
wait_for 5 has recover www.test || fail "no recover for www.test: $(cat "$T/out.json")"
wait_for 5 has recover rr.test || fail "no recover for rr.test"
sleep 1
[ "$(count change)" = 1 ] || fail "recovery gave a change: $(cat "$T/out.json")"

kill -TERM "$SP_PID"
wait "$SP_PID"
rc=$?
SP_PID=
[ "$rc" = 0 ] || fail "SIGTERM exit status $rc"
# Every printed event is in the log, one line each.
[ "$(wc -l < "$T/state/dns-changes.log")" = "$(wc -l < "$T/out.json")" ] || fail "log and output differ"
grep -q "  www.test  A: 198.18.5.1 → 198.18.5.1, 198.18.5.9  (+198.18.5.9)$" "$T/state/dns-changes.log" ||
    fail "log line format: $(cat "$T/state/dns-changes.log")"
[ ! -s "$T/err" ] || fail "stderr: $(cat "$T/err")"
echo "ok"
