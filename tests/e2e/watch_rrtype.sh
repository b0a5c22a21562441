#!/bin/bash
# Per record type: a resolver that answers A but refuses AAAA, or drops AAAA
# queries, still gives the A addresses; the failing type is an error event
# of its own ("AAAA: REFUSED"), never a change; a recovery of AAAA is its own
# event; the pane shows the addresses and the failing type. (NODATA AAAA
# from dnsmasq is covered by watch_dns.sh.)
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
. "$SOCKPIT_SRC/tests/lib/tui.sh"
T=$(mktemp -d /tmp/sp-watch-rr.XXXXXX)
SP_PID=
cleanup() { [ -n "$SP_PID" ] && kill "$SP_PID" 2>/dev/null; tui_cleanup; stop_zones; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state TZ=UTC LC_ALL=C.UTF-8
put_zone "$T/zone.json" '{"shop.test": {"A": ["198.18.5.1"], "AAAA": "REFUSED"},
                          "drop.test": {"A": ["198.18.5.2"], "AAAA": "DROP"}}'
start_zone "$T/zone.json" "$T/port" || exit 1
DNS=127.0.0.1:$(cat "$T/port")

"$SOCKPIT" watch --json --interval 0.5 --dns-server "$DNS" --state-dir "$T/state" --config-dir "$T/config" \
    shop.test drop.test > "$T/out.json" 2> "$T/err" &
SP_PID=$!
# ev NAME EVENT RRTYPE [ERROR]: such an event was printed.
ev() { python3 - "$T/out.json" "$@" <<'PY'
import json, sys
f, name, event, rrtype = sys.argv[1:5]
err = sys.argv[5] if len(sys.argv) > 5 else None
for line in open(f):
    if not line.endswith("\n"):
        continue
    e = json.loads(line)
    if e["name"] == name and e["event"] == event and e["rrtype"] == rrtype and (err is None or e.get("error") == err):
        sys.exit(0)
sys.exit(1)
PY
}
wait_for 5 ev shop.test error AAAA REFUSED || fail "no 'AAAA: REFUSED': $(cat "$T/out.json" "$T/err")"
ev shop.test first A || fail "no first A for shop.test: $(cat "$T/out.json")"
# A dropped AAAA query times out after 3 s (1 s, then 2 s): A is shown then.
wait_for 6 ev drop.test error AAAA timeout || fail "no 'AAAA: timeout': $(cat "$T/out.json")"
python3 - "$T/out.json" <<'PY' || fail "wrong events: $(cat "$T/out.json")"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.endswith("\n")]
first = {e["name"]: e for e in evs if e["event"] == "first"}
assert first["shop.test"]["new"] == ["198.18.5.1"] and first["shop.test"]["rrtype"] == "A", first
assert first["drop.test"]["new"] == ["198.18.5.2"] and first["drop.test"]["rrtype"] == "A", first
assert not [e for e in evs if e["event"] == "change"], "a failing AAAA gave a change"
assert all(e["rrtype"] == "AAAA" for e in evs if e["event"] == "error"), evs
PY
grep -q "  shop.test  error  AAAA: REFUSED$" "$T/state/dns-changes.log" || fail "log line: $(cat "$T/state/dns-changes.log")"

# AAAA answers: the first AAAA answer for shop.test (it never had one), the
# recovery of drop.test's AAAA (no records now: NODATA is an answer).
put_zone "$T/zone.json" '{"shop.test": {"A": ["198.18.5.1"], "AAAA": ["fd00::5"]},
                          "drop.test": {"A": ["198.18.5.2"]}}'
wait_for 5 ev shop.test first AAAA || fail "no first AAAA: $(cat "$T/out.json")"
wait_for 5 ev drop.test recover AAAA || fail "no AAAA recovery for drop.test: $(cat "$T/out.json")"
python3 - "$T/out.json" <<'PY' || fail "wrong recovery: $(cat "$T/out.json")"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.endswith("\n")]
rec = {e["name"]: e for e in evs if e["event"] == "recover"}
first6 = [e for e in evs if e["event"] == "first" and e["rrtype"] == "AAAA"]
assert [e["new"] for e in first6] == [["fd00::5"]], first6
assert list(rec) == ["drop.test"] and rec["drop.test"]["new"] == [], rec
assert not [e for e in evs if e["event"] == "change"], "a recovery gave a change"
PY
kill "$SP_PID"; wait "$SP_PID"; SP_PID=

# The pane: the A addresses and the failing type in the Error column and
# the details.
put_zone "$T/zone.json" '{"shop.test": {"A": ["198.18.5.1"], "AAAA": "REFUSED"}}'
mkdir -p "$T/cfg"
echo shop.test > "$T/cfg/watch.list"
tui_start 120 30 --pane watch --dns-server "$DNS" --interval 0.5 --config-dir "$T/cfg" --state-dir "$T/state2"
tui_wait "shop.test  error  AAAA: REFUSED" 5
tui_screen | grep -E "^shop\.test +198\.18\.5\.1 .*AAAA: REFUSED" >/dev/null || fail "row without the A address or the AAAA error"
tui_keys Enter
tui_wait "AAAA  REFUSED (last answer: none yet)"
tui_screen | grep -q "A     198.18.5.1" || fail "details lack the A answer"
tui_keys Escape q
[ "$(tui_exit_status)" = 0 ] || fail "bad exit status"
[ ! -s "$T/err" ] || fail "stderr: $(cat "$T/err")"
echo "ok"
