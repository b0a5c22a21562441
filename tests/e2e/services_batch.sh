#!/bin/bash
# `sockpit services`: --range against the C library (through Python's
# socket.getservbyport), JSON Lines, --find, --listening with a real
# listener, malformed-line reporting, and every bad argument.
set -u
: "${SOCKPIT:?}" "${SOCKPIT_SRC:?}"
command -v python3 >/dev/null || exit 77
T=$(mktemp -d /tmp/sp-services-batch.XXXXXX)
LPID=
cleanup() { [ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
SAMPLE="$SOCKPIT_SRC/tests/data/services/services.sample"

# --range 1-1024 is exactly what getservbyport gives, port by port.
if [ -r /etc/services ]; then
    "$SOCKPIT" services --range 1-1024 --json > "$T/range.json" || fail "--range exit $?"
    python3 - "$T/range.json" <<'PY' || fail "--range differs from getservbyport"
import json, socket, sys
mine = [json.loads(l) for l in open(sys.argv[1])]
got = [(o["service"], o["port"], o["proto"]) for o in mine]
want = []
for port in range(1, 1025):
    for proto in ("tcp", "udp"):
        try:
            want.append((socket.getservbyport(port, proto), port, proto))
        except OSError:
            pass
if got != want:
    print("sockpit only:", sorted(set(got) - set(want))[:10])
    print("libc only:", sorted(set(want) - set(got))[:10])
    sys.exit(1)
for o in mine:
    assert set(o) >= {"service", "port", "proto", "aliases", "listening"}, o
    assert isinstance(o["aliases"], list) and isinstance(o["listening"], bool)
print(len(got), "triples match")
PY
fi

# The full listing: one row per (service, port, proto), malformed lines on stderr.
"$SOCKPIT" services --services-file "$SAMPLE" --json > "$T/all.json" 2> "$T/all.err" || fail "listing exit $?"
[ "$(wc -l < "$T/all.json")" -eq 27 ] || fail "want 27 rows, got $(wc -l < "$T/all.json")"
grep -q '3 malformed lines skipped' "$T/all.err" || fail "no malformed report: $(cat "$T/all.err")"
grep -q '"service":"pop3s","port":995,"proto":"udp","aliases":\[\],"listening":false' "$T/all.json" \
    || fail "pop3s/udp row"
grep -q '"service":"discard","port":9,"proto":"tcp","aliases":\["sink","null"\]' "$T/all.json" || fail "aliases"
"$SOCKPIT" services --services-file "$SAMPLE" --proto udp --json > "$T/udp.json" 2>/dev/null
grep -q '"proto":"tcp"' "$T/udp.json" && fail "--proto udp printed tcp rows"
"$SOCKPIT" services --services-file "$SAMPLE" > "$T/plain.txt" 2>/dev/null || fail "plain exit"
head -1 "$T/plain.txt" | grep -q '^SERVICE  *PORT  *PROTO  *ALIASES  *LISTENING' || fail "plain header"
grep -q '^日本語サービス  *40000  *tcp  *にほんご' "$T/plain.txt" || fail "CJK row"

# --find: answers and the OSError-like failure.
out=$("$SOCKPIT" services --services-file "$SAMPLE" --find www 2>/dev/null) || fail "--find www"
echo "$out" | grep -q '^http  *80  *tcp' || fail "--find www: $out"
out=$("$SOCKPIT" services --services-file "$SAMPLE" --find 443/udp --json) || fail "--find 443/udp"
[ "$out" = '{"service":"https","port":443,"proto":"udp","aliases":[],"listening":false}' ] || fail "$out"
"$SOCKPIT" services --services-file "$SAMPLE" --find http/udp > "$T/o" 2> "$T/e"; rc=$?
[ $rc -eq 1 ] || fail "--find http/udp exit $rc"
grep -q "no service 'http' for udp" "$T/e" || fail "message: $(cat "$T/e")"
[ -s "$T/o" ] && fail "stdout not empty on a failed lookup"

# --listening: a real listener on loopback, with its process.
python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", s.getsockname()[1]))
# A second port our services file does not name, TCP and UDP.
s2 = socket.socket(); s2.bind(("127.0.0.1", 0)); s2.listen()
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u2.bind(("127.0.0.1", s2.getsockname()[1]))
print(s.getsockname()[1], s2.getsockname()[1], flush=True)
time.sleep(600)' > "$T/port" 2>/dev/null &
LPID=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
read -r PORT PORT2 < "$T/port"
[ -n "$PORT2" ] || fail "listener"
printf 'live\t%s/tcp\nlive\t%s/udp\nidle\t%s/sctp\n' "$PORT" "$PORT" "$PORT" > "$T/services"
"$SOCKPIT" services --services-file "$T/services" --listening --json > "$T/l.json" || fail "--listening exit"
[ "$(grep -c "\"port\":$PORT," "$T/l.json")" -eq 2 ] || fail "want tcp+udp rows: $(cat "$T/l.json")"
grep -q "\"proto\":\"tcp\",\"aliases\":\[\],\"listening\":true,\"addresses\":\[\"127.0.0.1:$PORT\"\],\"processes\":\[\"python3/$LPID\"\]" \
    "$T/l.json" || fail "listening row: $(cat "$T/l.json")"
"$SOCKPIT" services --services-file "$T/services" --listening | grep -q "127.0.0.1:$PORT python3/$LPID" \
    || fail "plain listening"
# Ports the file does not name: their own rows, service "-", with the process.
for proto in tcp udp; do
    grep -qx "{\"service\":\"-\",\"port\":$PORT2,\"proto\":\"$proto\",\"aliases\":\[\],\"listening\":true,\"addresses\":\[\"127.0.0.1:$PORT2\"\],\"processes\":\[\"python3/$LPID\"\]}" \
        "$T/l.json" || fail "unnamed $proto row: $(cat "$T/l.json")"
done
"$SOCKPIT" services --services-file "$T/services" --listening | grep -Eq "^-  +$PORT2  +udp  .*127.0.0.1:$PORT2 python3/$LPID" \
    || fail "plain unnamed row"
"$SOCKPIT" services --services-file "$T/services" --listening --proto udp --json | grep -q '"proto":"tcp"' \
    && fail "--listening --proto udp printed tcp"
# Port order holds with the unnamed rows merged in.
python3 - "$T/l.json" <<'PY' || fail "--listening rows out of port order"
import json, sys
ports = [json.loads(l)["port"] for l in open(sys.argv[1])]
sys.exit(ports != sorted(ports))
PY
# A closed reader is not an error (exit 0, like head(1) expects).
"$SOCKPIT" services | head -1 > /dev/null; [ "${PIPESTATUS[0]}" -eq 0 ] || fail "services | head -1: exit ${PIPESTATUS[0]}"
"$SOCKPIT" services --services-file "$T/services" --json | grep -q '"service":"idle".*"listening":false' \
    || fail "sctp row"

# Every bad argument: a message and exit 2.
bad() {
    "$SOCKPIT" services "$@" > "$T/o" 2> "$T/e"; rc=$?
    [ $rc -eq 2 ] || fail "services $*: exit $rc"
    [ -s "$T/o" ] && fail "services $*: stdout not empty"
    grep -q "Try 'sockpit services --help'" "$T/e" || fail "services $*: no hint"
}
bad --range 5-2
bad --range 0-70000
bad --range 1-70000
bad --range 1024
bad --range -5
bad --range a-b
bad --range
bad --proto sctpx
bad --proto
bad --find 70000
bad --find http/xyz
bad --find ''
bad --find http --range 1-10
bad --bogus
bad extra-arg
"$SOCKPIT" services --services-file /nonexistent/x > /dev/null 2> "$T/e"; rc=$?
[ $rc -eq 1 ] || fail "missing file exit $rc"
grep -q '/nonexistent/x' "$T/e" || fail "missing file message"
"$SOCKPIT" services --help | grep -q -- '--range LO-HI' || fail "--help"
"$SOCKPIT" help services | grep -q -- '--services-file' || fail "help services"
echo ok
