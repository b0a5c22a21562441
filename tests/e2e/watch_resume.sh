#!/bin/bash
# Resume across restarts: a restart with the same answers logs nothing; a
# change made while sockpit was stopped is one `change` from the remembered
# set; `first` only for a name never seen. The log is rotated at
# --log-size, and the resume reads across the rotation. Then kill -9 at
# random moments while the log rotates every half second: every event a
# killed run printed is in dns-changes.log or dns-changes.log.1.
set -u
. "$SOCKPIT_SRC/tests/data/watch/lib.sh"
T=$(mktemp -d /tmp/sp-watch-resume.XXXXXX)
SP_PID=
cleanup() { [ -n "$SP_PID" ] && kill -9 "$SP_PID" 2>/dev/null; stop_zones; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/xdg-config XDG_STATE_HOME=$T/xdg-state TZ=UTC LC_ALL=C.UTF-8
Z=$T/zone.json
put_zone "$Z" '{"a.test": {"A": ["198.18.5.1"]}, "b.test": {"A": ["198.18.5.2"], "AAAA": "REFUSED"},
                "c.test": {"A": ["198.18.5.3"]}}'
start_zone "$Z" "$T/port" || exit 1
DNS=127.0.0.1:$(cat "$T/port")
LOG=$T/state/dns-changes.log
W=("$SOCKPIT" watch --interval 0.3 --dns-server "$DNS" --state-dir "$T/state" --config-dir "$T/config")
w() { "${W[@]}" "$@"; }

w --count 3 --duration 10 a.test b.test > "$T/run1" || fail "first run: $(cat "$T/run1")"
grep -q "a.test  first  A: 198.18.5.1$" "$T/run1" || fail "run 1: $(cat "$T/run1")"
grep -q "b.test  error  AAAA: REFUSED$" "$T/run1" || fail "run 1: $(cat "$T/run1")"
lines=$(wc -l < "$LOG")

# The same answers: nothing at all in 1.5 s (five lookups of each).
w --duration 1.5 --stats a.test b.test > "$T/run2" 2> "$T/stats2" || fail "second run failed"
[ ! -s "$T/run2" ] || fail "a restart with no change logged: $(cat "$T/run2")"
[ "$(wc -l < "$LOG")" = "$lines" ] || fail "the log grew: $(cat "$LOG")"
grep -q "answered" "$T/stats2" || fail "no lookups in the second run: $(cat "$T/stats2")"

# Changed while stopped: one change from the remembered set; a new name's first.
put_zone "$Z" '{"a.test": {"A": ["198.18.5.9"]}, "b.test": {"A": ["198.18.5.2"], "AAAA": "REFUSED"},
                "c.test": {"A": ["198.18.5.3"]}}'
w --json --duration 1.5 a.test b.test c.test > "$T/run3" || fail "third run failed"
python3 - "$T/run3" <<'PY' || fail "third run: $(cat "$T/run3")"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
assert len(evs) == 2, evs
ch = [e for e in evs if e["event"] == "change"]
assert len(ch) == 1 and ch[0]["name"] == "a.test" and ch[0]["old"] == ["198.18.5.1"] \
    and ch[0]["new"] == ["198.18.5.9"] and ch[0]["rrtype"] == "A", evs
assert [(e["name"], e["event"]) for e in evs if e["event"] != "change"] == [("c.test", "first")], evs
PY

# Rotation: 20 names whose answers change at every lookup fill the log
# past 4096 bytes; a.test's events are then only in dns-changes.log.1, and
# a restart still knows them.
names=""
json='{"a.test": {"A": ["198.18.5.9"]},'
for i in $(seq 20); do names="$names f$i.test"; json="$json\"f$i.test\": {\"A\": \"COUNTER\"},"; done
put_zone "$Z" "${json%,}}"
# shellcheck disable=SC2086
"${W[@]}" --log-size 4096 --interval 0.2 $names > /dev/null &
SP_PID=$!
wait_for 20 test -e "$LOG.1" || fail "no rotation"
kill "$SP_PID"; wait "$SP_PID"; SP_PID=
grep -q " a.test " "$LOG" && fail "a.test still in the new log"
grep -q " a.test  A: 198.18.5.1 → 198.18.5.9" "$LOG.1" || fail "a.test's change not in $LOG.1"
[ "$(stat -c %s "$LOG")" -le 4096 ] || fail "the new log is over 4096 bytes"
w --duration 1 --log-size 4096 a.test > "$T/run4" || fail "fourth run failed"
[ ! -s "$T/run4" ] || fail "the resume did not read across the rotation: $(cat "$T/run4")"

# kill -9 while the log rotates about every half second (20 names changing
# at every lookup, 5 lookups a second, 4096 bytes): nothing printed is lost.
rotations=0 runs=0
for runs in $(seq 10); do
    before=$(stat -c %i "$LOG" 2>/dev/null)
    # shellcheck disable=SC2086
    "${W[@]}" --log-size 4096 --interval 0.2 $names > "$T/run.out" 2>/dev/null &
    SP_PID=$!
    sleep "0.$((RANDOM % 8 + 3))"
    kill -9 "$SP_PID"; wait "$SP_PID" 2>/dev/null; SP_PID=
    [ "$(stat -c %i "$LOG" 2>/dev/null)" != "$before" ] && rotations=$((rotations + 1))
    # What the run printed and both files right after the kill, checked below.
    mv "$T/run.out" "$T/run$runs.out"
    cp "$LOG" "$T/run$runs.log"
    [ -e "$LOG.1" ] && cp "$LOG.1" "$T/run$runs.log.1"
done
python3 - "$T" "$runs" <<'PY' || fail "printed events lost"
import os, sys
d, runs = sys.argv[1], int(sys.argv[2])
for r in range(1, runs + 1):
    out = open("%s/run%d.out" % (d, r), "rb").read()
    printed = out[:out.rfind(b"\n") + 1].decode().splitlines()
    kept = set()
    for p in ("%s/run%d.log" % (d, r), "%s/run%d.log.1" % (d, r)):
        if os.path.exists(p):
            kept.update(open(p, encoding="utf-8").read().splitlines())
    # Older lines may have been rotated out (one previous file is kept):
    # from the first printed line still kept, every later one must be there.
    first = next((i for i, l in enumerate(printed) if l in kept), None)
    assert printed and first is not None, "run %d: nothing printed is kept (%d printed)" % (r, len(printed))
    missing = [l for l in printed[first:] if l not in kept]
    assert not missing, "run %d: printed but in neither file: %r" % (r, missing[:3])
PY
[ "$rotations" -ge 2 ] || fail "only $rotations of $runs runs rotated the log"
echo "kill -9: $runs runs, $rotations with a rotation, no printed event lost"
echo "ok"
