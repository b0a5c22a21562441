#!/bin/bash
# `sockpit conns`: a paced loopback sender (2 MB/s) found with its PID and a
# send rate within 10 % (--rates), the JSON Lines fields, the filters, the
# text table, and every bad argument.
set -u
: "${SOCKPIT:?}" "${SOCKPIT_SRC:?}"
command -v python3 >/dev/null || exit 77
T=$(mktemp -d /tmp/sp-conns-batch.XXXXXX)
SINK= SEND=
cleanup() {
    for p in $SEND $SINK; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
PACER="$SOCKPIT_SRC/tests/lib/conns_pacer.py"

python3 "$PACER" sink "$T/port" & SINK=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port")
[ -n "$PORT" ] || fail "the sink did not start"
python3 "$PACER" send "$PORT" 2000000 8 & SEND=$!
# The connection is up once sockpit sees it (poll, no fixed sleep).
for _ in $(seq 100); do
    "$SOCKPIT" conns --json --pid "$SEND" > "$T/one.json" 2>/dev/null
    grep -q "\"remote\":\"127.0.0.1:$PORT\"" "$T/one.json" && break
    sleep 0.05
done
grep -q "\"remote\":\"127.0.0.1:$PORT\"" "$T/one.json" || fail "the sender's connection never showed: $(cat "$T/one.json")"

# Every field the issue lists, in that order.
python3 - "$T/one.json" "$SEND" "$PORT" <<'PY' || fail "JSON fields"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want = ["proto", "state", "local", "remote", "service", "pid", "process", "netns", "rtt_ms", "retrans",
        "bytes_sent", "bytes_received", "tx_bps", "rx_bps"]
r = [x for x in rows if x["remote"] == "127.0.0.1:" + sys.argv[3]][0]
assert list(r) == want, list(r)
assert r["pid"] == int(sys.argv[2]) and r["process"] == "python3", r
assert r["proto"] == "tcp" and r["state"] == "ESTAB" and r["netns"] == "host", r
assert r["tx_bps"] is None and r["rx_bps"] is None, r   # no --rates
assert isinstance(r["rtt_ms"], float) and r["retrans"] >= 0 and r["bytes_sent"] > 0, r
assert all(x["pid"] == int(sys.argv[2]) for x in rows), rows
PY

# The rate: 2 MB/s within 10 %, on the sender's side, attributed to its PID.
sleep 0.5 # past the first chunk bursts of the pacer
"$SOCKPIT" conns --rates 2 --json --tcp --state established > "$T/rates.json" || fail "--rates exit $?"
python3 - "$T/rates.json" "$SEND" "$SINK" "$PORT" <<'PY' || fail "rate: $(cat "$T/rates.json")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
send, sink, port = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
tx = [r for r in rows if r["pid"] == send and r["remote"] == "127.0.0.1:" + port]
rx = [r for r in rows if r["pid"] == sink and r["local"] == "127.0.0.1:" + port]
assert len(tx) == 1 and len(rx) == 1, (tx, rx)
for what, v in (("sender tx", tx[0]["tx_bps"]), ("sink rx", rx[0]["rx_bps"])):
    print("%s %.0f B/s" % (what, v))
    assert abs(v - 2e6) <= 2e5, (what, v)
# Sorted by total rate, highest first.
tot = [(r["tx_bps"] or 0) + (r["rx_bps"] or 0) for r in rows]
assert tot == sorted(tot, reverse=True), tot
PY

# Filters and the table.
"$SOCKPIT" conns --udp --json | grep -q '"proto":"tcp"' && fail "--udp printed tcp"
"$SOCKPIT" conns --process python3 --json | grep -vq '"process":"python3"' && fail "--process let others through"
"$SOCKPIT" conns --state time-wait --json | grep -v '"state":"TIME-WAIT"' | grep -q . && fail "--state time-wait"
"$SOCKPIT" conns --pid "$SEND" > "$T/plain.txt" || fail "plain exit"
head -1 "$T/plain.txt" | grep -Eq '^PROTO +STATE +LOCAL +REMOTE +SERVICE +PROCESS +RTT +RETR +SENT +RECV +TX/s +RX/s$' \
    || fail "plain header: $(head -1 "$T/plain.txt")"
grep -Eq "^tcp +ESTAB +127.0.0.1:[0-9]+ +127.0.0.1:$PORT .* python3/$SEND " "$T/plain.txt" || fail "plain row: $(cat "$T/plain.txt")"
"$SOCKPIT" conns | head -1 > /dev/null; [ "${PIPESTATUS[0]}" -eq 0 ] || fail "conns | head -1"

# Bad arguments: a message and exit 2.
bad() {
    "$SOCKPIT" conns "$@" > "$T/o" 2> "$T/e"; rc=$?
    [ $rc -eq 2 ] || fail "conns $*: exit $rc"
    [ -s "$T/o" ] && fail "conns $*: stdout not empty"
    grep -q "sockpit conns" "$T/e" || fail "conns $*: message: $(cat "$T/e")"
}
bad --state bogus
bad --state listen
bad --state
bad --pid 0
bad --pid x
bad --rates 0
bad --rates -1
bad --process ''
bad --process a --pid 5
bad --bogus
"$SOCKPIT" conns --help | grep -q -- '--rates SEC' || fail "--help"
echo ok
